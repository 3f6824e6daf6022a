-- Vulnerability feeds fetched from a URL on a schedule (issue 7,
-- docs/vulns.md "Fetching feeds on a schedule"): what to fetch, how often,
-- the validators of the last answer for a conditional GET, and what the
-- last attempt did.
CREATE TABLE vuln_sources (
  id             INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('kev','cve','nvd','shadowserver','csv')),
  url            TEXT NOT NULL,
  every_s        INTEGER NOT NULL CHECK (every_s BETWEEN 60 AND 2592000),
  enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0,1)),
  -- one extra request header, "Name: value" (a bearer token is
  -- "Authorization: Bearer T"); sent, never shown back in full
  auth_header    TEXT,
  etag           TEXT,
  last_modified  TEXT,
  last_fetch_at  TEXT,                      -- RFC 3339, the last attempt
  last_status    TEXT CHECK (last_status IN ('imported','unchanged','failed','refused')),
  last_message   TEXT,
  failures       INTEGER NOT NULL DEFAULT 0, -- attempts failed in a row
  next_due       INTEGER NOT NULL,          -- unix seconds
  fetching_until INTEGER,                   -- unix seconds: a fetch holds the source until then
  created_by     TEXT NOT NULL,
  created_at     TEXT NOT NULL
);
CREATE INDEX vuln_sources_due ON vuln_sources(next_due) WHERE enabled = 1;
