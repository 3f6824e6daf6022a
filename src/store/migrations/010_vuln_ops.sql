-- Vulnerability operations (issue 7, docs/vulns.md): host names on findings,
-- "probably fixed" after N scans of the same report without the finding,
-- and one bundled notice (a system advisory with a ticket number) per town
-- per import batch.

-- The status may now also be 'probably-fixed'. Widening a CHECK leaves every
-- stored row valid, so the table's text is edited in place (the procedure of
-- sqlite.org/lang_altertable.html for changing constraints) rather than
-- copied: the columns other migrations add to findings stay. The list is
-- written as equalities joined by OR: SQLite evaluates an IN list of more
-- than two values in a CHECK by building a temporary index for every row
-- written, which was half the time of a scan import (bench/vulns).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql,
     'status IN (''open'',''acknowledged'',''fixed'',''accepted'',''false-positive'')',
     'status = ''open'' OR status = ''acknowledged'' OR status = ''fixed'' OR status = ''accepted'''
     || ' OR status = ''false-positive'' OR status = ''probably-fixed''')
 WHERE type = 'table' AND name = 'findings';
PRAGMA writable_schema = RESET;
-- Loud when the text above was not found: the migration fails here.
CREATE TEMP TABLE migration_010_check (edited INTEGER CHECK (edited));
INSERT INTO migration_010_check
  SELECT instr(sql, 'probably-fixed') > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'findings';
DROP TABLE migration_010_check;

ALTER TABLE findings ADD COLUMN hostname TEXT;      -- the host name of the scan row, when it had one
ALTER TABLE findings ADD COLUMN last_batch INTEGER;  -- the batch that saw it last
ALTER TABLE findings ADD COLUMN missed INTEGER NOT NULL DEFAULT 0; -- consecutive batches of its report without it
CREATE INDEX findings_report ON findings(report, status);
CREATE INDEX vuln_events_batch ON vuln_events(batch_id, org_id);
CREATE INDEX vuln_events_seen ON vuln_events(seen_at);

CREATE TABLE vuln_notices (
  batch_id    INTEGER NOT NULL REFERENCES vuln_batches(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  advisory_id INTEGER NOT NULL REFERENCES advisories(id),
  ticket      TEXT NOT NULL UNIQUE,                -- WR-VULN-<batch>-<org>
  findings    INTEGER NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (batch_id, org_id)                   -- never two messages per town per batch
);
