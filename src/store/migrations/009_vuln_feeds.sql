-- Vulnerability feeds (issue 7, docs/vulns.md): the known-exploited
-- catalogue (CISA KEV), CVE records (CVE JSON 5, NVD API 2.0) with what
-- they affect, matched to the towns' software; a finding's due date.

-- One row per KEV entry; sha256 is over the stored fields, so the same
-- catalogue twice changes nothing.
CREATE TABLE vuln_kev (
  id              INTEGER PRIMARY KEY,
  cve_id          TEXT NOT NULL UNIQUE,
  vendor          TEXT NOT NULL,
  product         TEXT NOT NULL,
  name            TEXT NOT NULL DEFAULT '',
  description     TEXT NOT NULL DEFAULT '',
  date_added      TEXT NOT NULL,            -- YYYY-MM-DD
  due_date        TEXT,                     -- YYYY-MM-DD
  required_action TEXT NOT NULL DEFAULT '',
  ransomware      INTEGER NOT NULL CHECK (ransomware IN (0,1)),  -- knownRansomwareCampaignUse "Known"
  notes           TEXT NOT NULL DEFAULT '',
  sha256          TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX vuln_kev_vendor ON vuln_kev(vendor COLLATE NOCASE);

-- One row per CVE; cve5_sha256 / nvd_sha256: the record last imported
-- from each source (the same record again changes nothing).
CREATE TABLE vuln_cves (
  id            INTEGER PRIMARY KEY,
  cve_id        TEXT NOT NULL UNIQUE,
  description   TEXT NOT NULL DEFAULT '',
  cvss_score    REAL,
  cvss_severity TEXT CHECK (cvss_severity IS NULL OR cvss_severity IN ('critical','high','medium','low','none')),
  published     TEXT,
  cve5_sha256   TEXT,
  nvd_sha256    TEXT,
  updated_at    TEXT NOT NULL
);

-- What a CVE affects: a CPE 2.3 name (its version attribute not used) and a
-- version range; 'unaffected' rows are exceptions to 'affected' ones of the
-- same CVE. source: the CNA's or the CISA-ADP container of a CVE JSON 5
-- record, or the NVD's configurations. Empty text: no bound.
CREATE TABLE vuln_affected (
  id            INTEGER PRIMARY KEY,
  cve_id        TEXT NOT NULL REFERENCES vuln_cves(cve_id) ON DELETE CASCADE,
  source        TEXT NOT NULL CHECK (source IN ('cna','adp','nvd')),
  cpe           TEXT NOT NULL,
  vendor        TEXT NOT NULL,
  product       TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('affected','unaffected')),
  version_exact TEXT NOT NULL DEFAULT '',
  version_start TEXT NOT NULL DEFAULT '',
  start_incl    INTEGER NOT NULL DEFAULT 1 CHECK (start_incl IN (0,1)),
  version_end   TEXT NOT NULL DEFAULT '',
  end_incl      INTEGER NOT NULL DEFAULT 0 CHECK (end_incl IN (0,1)),
  UNIQUE (cve_id, source, cpe, status, version_exact, version_start, start_incl, version_end, end_incl)
);
CREATE INDEX vuln_affected_product ON vuln_affected(vendor, product);

-- The date by which a finding must be fixed (the KEV entry's due date).
ALTER TABLE findings ADD COLUMN due_on TEXT;

-- Each software asset as it was when last matched: one added or changed
-- since is matched against the stored CVEs of its product at the next feed
-- import.
CREATE TABLE vuln_sw_matched (
  asset_id   INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
  updated_at TEXT NOT NULL
);
