-- The prevention programme: checklist self-assessments, cyber-audits with
-- their findings, information sessions with registrations.
-- Dates are "YYYY-MM-DD"; times RFC 3339 UTC.

-- A dated self-assessment of one town against one checklist version. The
-- score is computed when it is recorded and kept with it (history).
CREATE TABLE programme_assessments (
  id                INTEGER PRIMARY KEY,
  org_id            INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  checklist_id      TEXT NOT NULL,
  checklist_version TEXT NOT NULL,
  mode              TEXT NOT NULL CHECK (mode IN ('simple','cyfun')),
  assessed_on       TEXT NOT NULL,
  answered          INTEGER NOT NULL,
  total             INTEGER NOT NULL,
  complete          INTEGER NOT NULL CHECK (complete IN (0,1)),
  score_x100        INTEGER NOT NULL,   -- simple: percent x 100; cyfun: maturity x 100
  critical_gaps     INTEGER NOT NULL,
  level             TEXT CHECK (level IS NULL OR level IN ('basic','important','essential')),
  function_scores   TEXT NOT NULL,      -- JSON {"govern": x100 or null, ...}
  created_by        TEXT NOT NULL,
  created_at        TEXT NOT NULL
);
CREATE INDEX programme_assessments_org ON programme_assessments(org_id, id);

-- item_hash says whether the item changed between checklist versions: an
-- answer is carried into a new assessment only when the hash is the same.
CREATE TABLE programme_answers (
  assessment_id  INTEGER NOT NULL REFERENCES programme_assessments(id) ON DELETE CASCADE,
  item_id        TEXT NOT NULL,
  item_hash      TEXT NOT NULL,
  answer         TEXT CHECK (answer IS NULL OR answer IN ('yes','partial','no','na')),
  documentation  INTEGER CHECK (documentation IS NULL OR documentation BETWEEN 1 AND 5),
  implementation INTEGER CHECK (implementation IS NULL OR implementation BETWEEN 1 AND 5),
  evidence       TEXT,
  carried        INTEGER NOT NULL DEFAULT 0 CHECK (carried IN (0,1)),
  PRIMARY KEY (assessment_id, item_id)
);

-- One cyber-audit track per town.
CREATE TABLE programme_audits (
  org_id             INTEGER PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  state              TEXT NOT NULL CHECK (state IN ('not-signed-up','signed-up','scheduled',
                       'performed','report-received','remediation','closed')),
  kind               TEXT NOT NULL CHECK (kind IN ('basic','supplementary')),
  firm               TEXT,
  signed_up_on       TEXT,
  scheduled_for      TEXT,
  performed_on       TEXT,
  report_received_on TEXT,
  remediation_on     TEXT,
  closed_on          TEXT,
  updated_at         TEXT NOT NULL
);

CREATE TABLE programme_findings (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  severity   TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
  owner      TEXT NOT NULL CHECK (owner IN ('town','provider')),
  due_on     TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('open','in-progress','fixed','accepted')),
  evidence   TEXT,
  fixed_on   TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX programme_findings_org ON programme_findings(org_id, due_on);

-- Information sessions; times are UTC, shown in Europe/Brussels.
CREATE TABLE programme_sessions (
  id         INTEGER PRIMARY KEY,
  title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  starts_at  TEXT NOT NULL,
  ends_at    TEXT NOT NULL,
  place      TEXT,
  online_url TEXT,
  capacity   INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
  audience   TEXT NOT NULL CHECK (audience IN ('all','spoc','it','management')),
  created_at TEXT NOT NULL,
  CHECK (place IS NOT NULL OR online_url IS NOT NULL)
);

-- A registration is 'registered' while there is room, else 'waiting'; a
-- cancellation promotes the earliest waiting registration (lowest id).
CREATE TABLE programme_registrations (
  id         INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES programme_sessions(id) ON DELETE CASCADE,
  org_id     INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email      TEXT,
  status     TEXT NOT NULL CHECK (status IN ('registered','waiting','cancelled')),
  attended   INTEGER NOT NULL DEFAULT 0 CHECK (attended IN (0,1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX programme_registrations_session ON programme_registrations(session_id, status, id);
CREATE UNIQUE INDEX programme_registrations_person ON programme_registrations(session_id, org_id, name)
  WHERE status <> 'cancelled';
