-- The reminders of an incident's legal clocks (issue 4): at half of a
-- clock's time, at nine tenths, and once overdue; each sent once.
CREATE TABLE incident_reminders (
  incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  clock       TEXT NOT NULL,
  step        TEXT NOT NULL CHECK (step IN ('half','late','overdue')),
  advisory_id INTEGER REFERENCES advisories(id),
  at          TEXT NOT NULL,
  PRIMARY KEY (incident_id, clock, step)
);
