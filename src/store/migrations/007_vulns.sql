-- Vulnerability notifications (issue 7): scan-report batches, their events
-- (routed to a town by its assets, or not), and findings per (town, address,
-- issue) tracked to closure.
CREATE TABLE vuln_batches (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL UNIQUE,        -- the same file twice is one batch
  name        TEXT NOT NULL,
  report      TEXT NOT NULL,
  report_date TEXT NOT NULL,
  rows        INTEGER NOT NULL,
  routed      INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);

CREATE TABLE vuln_events (
  id        INTEGER PRIMARY KEY,
  batch_id  INTEGER NOT NULL REFERENCES vuln_batches(id),
  seen_at   TEXT NOT NULL,
  ip        TEXT NOT NULL,
  port      INTEGER,
  hostname  TEXT,
  asn       TEXT,
  issue     TEXT NOT NULL,
  cves      TEXT NOT NULL DEFAULT '',
  severity  TEXT NOT NULL,
  org_id    INTEGER REFERENCES orgs(id),   -- NULL: reached nobody
  asset_id  INTEGER REFERENCES assets(id) ON DELETE SET NULL
);
CREATE INDEX vuln_events_unrouted ON vuln_events(org_id) WHERE org_id IS NULL;

CREATE TABLE findings (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  asset_id    INTEGER REFERENCES assets(id) ON DELETE SET NULL,
  provider_id INTEGER REFERENCES orgs(id),
  ip          TEXT NOT NULL,
  port        INTEGER,
  issue       TEXT NOT NULL,
  report      TEXT NOT NULL,
  cves        TEXT NOT NULL DEFAULT '',
  severity    TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('open','acknowledged','fixed','accepted','false-positive')),
  reason      TEXT,
  first_seen  TEXT NOT NULL,
  last_seen   TEXT NOT NULL,
  times_seen  INTEGER NOT NULL DEFAULT 1,
  reopened    INTEGER NOT NULL DEFAULT 0,
  updated_at  TEXT NOT NULL,
  UNIQUE (org_id, ip, issue)
);
CREATE INDEX findings_status ON findings(status, severity);
