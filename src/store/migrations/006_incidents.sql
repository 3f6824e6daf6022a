-- Incidents (issue 4): the report of a town, its legal clocks' submitted
-- reports, and its timeline (status changes, notes, reports).
CREATE TABLE incidents (
  id             INTEGER PRIMARY KEY,
  org_id         INTEGER NOT NULL REFERENCES orgs(id),
  reporter       TEXT NOT NULL,            -- the account that recorded it
  on_behalf      INTEGER NOT NULL DEFAULT 0 CHECK (on_behalf IN (0,1)), -- an analyst for the town (a phone call)
  title          TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description    TEXT NOT NULL DEFAULT '',
  occurred_at    TEXT,
  detected_at    TEXT,
  aware_at       TEXT NOT NULL,            -- the legal clocks start here
  category       TEXT NOT NULL,            -- reference incident taxonomy (RSIT)
  type           TEXT NOT NULL,
  severity       TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
  status         TEXT NOT NULL CHECK (status IN ('reported','triaged','contained','eradicated',
                   'recovered','closed','rejected','duplicate')),
  duplicate_of   INTEGER REFERENCES incidents(id),
  tlp            TEXT NOT NULL DEFAULT 'AMBER+STRICT' CHECK (tlp IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
  significant    INTEGER NOT NULL DEFAULT 0 CHECK (significant IN (0,1)),
  personal_data  INTEGER NOT NULL DEFAULT 0 CHECK (personal_data IN (0,1)),
  nis2_mandatory INTEGER NOT NULL DEFAULT 0 CHECK (nis2_mandatory IN (0,1)),
  consent_provider INTEGER NOT NULL DEFAULT 0 CHECK (consent_provider IN (0,1)),
  impact         TEXT NOT NULL DEFAULT '{}', -- JSON: services_down, citizens_affected, ...
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX incidents_org ON incidents(org_id, id);

CREATE TABLE incident_reports (
  id           INTEGER PRIMARY KEY,
  incident_id  INTEGER NOT NULL REFERENCES incidents(id),
  kind         TEXT NOT NULL CHECK (kind IN ('nis2-early-warning','nis2-notification','nis2-final','gdpr')),
  submitted_at TEXT NOT NULL,
  content      TEXT NOT NULL,
  by_name      TEXT NOT NULL,
  UNIQUE (incident_id, kind)
);

CREATE TABLE incident_timeline (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  kind        TEXT NOT NULL,              -- status, note, report, created
  text        TEXT NOT NULL,
  internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0,1)) -- war room only
);
CREATE INDEX incident_timeline_incident ON incident_timeline(incident_id, id);
