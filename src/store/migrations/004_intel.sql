-- Threat intelligence: indicators, their sources, tags and audience,
-- false-positive lists (MISP warninglists), sightings and alerts.
-- Indicator times are unix seconds (0 / NULL = unknown); see docs/intel.md.

CREATE TABLE indicators (
  id           INTEGER PRIMARY KEY,
  uuid         TEXT NOT NULL UNIQUE,
  type         TEXT NOT NULL,
  value        TEXT NOT NULL,
  tlp          TEXT NOT NULL DEFAULT 'AMBER'
                 CHECK (tlp IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
  confidence   INTEGER NOT NULL DEFAULT -1 CHECK (confidence BETWEEN -1 AND 100),
  to_ids       INTEGER NOT NULL DEFAULT 1 CHECK (to_ids IN (0,1)),
  first_seen   INTEGER,
  last_seen    INTEGER,
  valid_until  INTEGER,
  description  TEXT,
  status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),
  fp_list      TEXT,              -- the warninglist that flagged it, NULL when none
  fp_override  INTEGER NOT NULL DEFAULT 0 CHECK (fp_override IN (0,1)),
  incident_id  INTEGER,           -- links; the incidents/advisories modules come later
  advisory_id  INTEGER,
  corr_towns   INTEGER NOT NULL DEFAULT 0,  -- towns that sighted it (capped, see corr_capped)
  corr_capped  INTEGER NOT NULL DEFAULT 0,
  created      INTEGER NOT NULL,
  modified     INTEGER NOT NULL,
  version      INTEGER NOT NULL,  -- intel_version at its last change (pack deltas)
  UNIQUE (type, value)
);
CREATE INDEX indicators_version ON indicators(version);
CREATE INDEX indicators_tlp ON indicators(tlp, id);

CREATE TABLE indicator_sources (
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  source       TEXT NOT NULL,
  PRIMARY KEY (indicator_id, source)
) WITHOUT ROWID;

CREATE TABLE indicator_tags (
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  tag          TEXT NOT NULL,
  PRIMARY KEY (indicator_id, tag)
) WITHOUT ROWID;
CREATE INDEX indicator_tags_tag ON indicator_tags(tag);

-- When an indicator has audience rows, only those organisations (towns or
-- providers) and the war room see it (docs/intel.md, "Who sees what").
CREATE TABLE indicator_audience (
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  org_id       INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  PRIMARY KEY (indicator_id, org_id)
) WITHOUT ROWID;
CREATE INDEX indicator_audience_org ON indicator_audience(org_id);

-- A monotonically increasing version: one step per change batch.
CREATE TABLE intel_versions (
  version INTEGER PRIMARY KEY,
  at      INTEGER NOT NULL,
  what    TEXT NOT NULL
);
INSERT INTO intel_versions VALUES (0, 0, 'empty');

CREATE TABLE warninglists (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL CHECK (type IN ('string','substring','hostname','cidr','regex')),
  description TEXT,
  version     INTEGER,
  loaded_at   TEXT NOT NULL
);
CREATE TABLE warninglist_entries (
  list_id INTEGER NOT NULL REFERENCES warninglists(id) ON DELETE CASCADE,
  value   TEXT NOT NULL,
  PRIMARY KEY (list_id, value)
) WITHOUT ROWID;

-- A town saw an indicator (from `warroom sweep --report` or a SIEM).
CREATE TABLE sightings (
  id            INTEGER PRIMARY KEY,
  org_id        INTEGER NOT NULL REFERENCES orgs(id),
  indicator_id  INTEGER REFERENCES indicators(id),
  type          TEXT NOT NULL,
  value         TEXT NOT NULL,
  count         INTEGER NOT NULL CHECK (count >= 1),
  first_seen    INTEGER,
  last_seen     INTEGER,
  where_seen    TEXT,
  context       TEXT,
  reporter      TEXT,
  host          TEXT,
  reported_by   TEXT NOT NULL,
  received_at   INTEGER NOT NULL,
  false_positive INTEGER NOT NULL DEFAULT 0 CHECK (false_positive IN (0,1)),
  fp_by         TEXT
);
CREATE INDEX sightings_org ON sightings(org_id, id);
CREATE INDEX sightings_indicator ON sightings(indicator_id, org_id);

-- Correlation kept up to date on every sighting (no global rebuild).
CREATE TABLE indicator_towns (
  indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  sightings    INTEGER NOT NULL,
  hits         INTEGER NOT NULL,
  first_seen   INTEGER,
  last_seen    INTEGER,
  PRIMARY KEY (indicator_id, org_id)
) WITHOUT ROWID;

-- "Possible compromise at <town>": one per sighting of an active indicator.
CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  org_id       INTEGER NOT NULL REFERENCES orgs(id),
  indicator_id INTEGER NOT NULL REFERENCES indicators(id),
  sighting_id  INTEGER NOT NULL REFERENCES sightings(id),
  title        TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','false-positive','closed')),
  incident_id  INTEGER,           -- set by the incidents module (one-click incident)
  created_at   INTEGER NOT NULL
);
CREATE INDEX alerts_org ON alerts(org_id, id);
CREATE INDEX alerts_status ON alerts(status, id);
