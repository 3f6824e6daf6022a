-- Indicators of compromise (issue 5): the store, their sources and tags,
-- the sightings towns send back, and the version of the signed packs.
CREATE TABLE indicators (
  id          INTEGER PRIMARY KEY,
  uuid        TEXT NOT NULL UNIQUE,       -- stable: the STIX id and MISP attribute uuid
  type        TEXT NOT NULL,              -- ioc/ioc.h names
  value       TEXT NOT NULL,              -- canonical form
  tlp         TEXT NOT NULL CHECK (tlp IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
  confidence  INTEGER CHECK (confidence BETWEEN 0 AND 100),
  first_seen  TEXT NOT NULL,
  last_seen   TEXT NOT NULL,
  valid_until TEXT,                       -- expired indicators leave the packs
  description TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (type, value)
);
CREATE INDEX indicators_updated ON indicators(updated_at);

CREATE TABLE indicator_labels (
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('source','tag')),
  text         TEXT NOT NULL,
  PRIMARY KEY (indicator_id, kind, text)
) WITHOUT ROWID;

CREATE TABLE sightings (
  id           INTEGER PRIMARY KEY,
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  reporter     TEXT NOT NULL,             -- the account that sent it
  count        INTEGER NOT NULL CHECK (count > 0),
  first_seen   TEXT NOT NULL,
  last_seen    TEXT NOT NULL,
  host         TEXT,
  path         TEXT,
  received_at  TEXT NOT NULL
);
CREATE INDEX sightings_indicator ON sightings(indicator_id);
CREATE INDEX sightings_org ON sightings(org_id);

CREATE TABLE pack_version (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  version    INTEGER NOT NULL,
  changed_at TEXT NOT NULL
);
INSERT INTO pack_version VALUES (1, 0, '1970-01-01T00:00:00Z');
