-- The town's consents for sharing what its incident taught (issue 4):
-- anonymised lessons to every ICT provider, and its indicators.
ALTER TABLE incidents ADD COLUMN consent_lessons INTEGER NOT NULL DEFAULT 0 CHECK (consent_lessons IN (0,1));
ALTER TABLE incidents ADD COLUMN consent_indicators INTEGER NOT NULL DEFAULT 0 CHECK (consent_indicators IN (0,1));
