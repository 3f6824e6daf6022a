-- Incidents, continued (issue 4): playbooks applied, their tasks, requests
-- for help with the organisation that helps, and links between incidents.
CREATE TABLE incident_playbooks (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  playbook    TEXT NOT NULL,               -- data/playbooks/<id>.json
  version     TEXT NOT NULL,
  applied_by  TEXT NOT NULL,
  applied_at  TEXT NOT NULL,
  PRIMARY KEY (incident_id, playbook)
);

CREATE TABLE incident_tasks (
  id          INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  playbook    TEXT,                        -- NULL: added by hand
  step        TEXT,                        -- the task's id in its playbook
  title       TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  guidance    TEXT NOT NULL DEFAULT '',
  owner_role  TEXT NOT NULL CHECK (owner_role IN ('town','war-room','provider')),
  assignee    TEXT,                        -- a user name
  due_at      TEXT,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','skipped')),
  reason      TEXT,                        -- why it was skipped
  closed_by   TEXT,
  closed_at   TEXT,
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX incident_tasks_incident ON incident_tasks(incident_id, id);
CREATE INDEX incident_tasks_open_due ON incident_tasks(status, due_at);

CREATE TABLE incident_help_requests (
  id            INTEGER PRIMARY KEY,
  incident_id   INTEGER NOT NULL REFERENCES incidents(id),
  kind          TEXT NOT NULL CHECK (kind IN ('forensics','coordination','legal','communication',
                  'recovery','hardware','other')),
  urgency       TEXT NOT NULL CHECK (urgency IN ('low','normal','high','critical')),
  description   TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  status        TEXT NOT NULL CHECK (status IN ('requested','offered','accepted','closed')),
  helper_org_id INTEGER REFERENCES orgs(id), -- set from offered on; its users see this request
  requested_by  TEXT NOT NULL,
  requested_at  TEXT NOT NULL,
  offered_by    TEXT,
  offered_at    TEXT,
  accepted_by   TEXT,
  accepted_at   TEXT,
  closed_by     TEXT,
  closed_at     TEXT,
  outcome       TEXT,
  updated_at    TEXT NOT NULL
);
CREATE INDEX incident_help_incident ON incident_help_requests(incident_id, id);
CREATE INDEX incident_help_helper ON incident_help_requests(helper_org_id, id);

-- Incidents of one campaign (a < b: one row per pair). A duplicate is not a
-- link: it is the status 'duplicate' with incidents.duplicate_of.
CREATE TABLE incident_links (
  a_id       INTEGER NOT NULL REFERENCES incidents(id),
  b_id       INTEGER NOT NULL REFERENCES incidents(id),
  note       TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (a_id, b_id),
  CHECK (a_id < b_id)
);
CREATE INDEX incident_links_b ON incident_links(b_id);
