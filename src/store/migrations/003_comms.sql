-- Coordinated communications (issue 3): advisories, the outbox of their
-- deliveries (one row per recipient and channel, written with the approval)
-- and the towns' acknowledgements.
CREATE TABLE advisories (
  id           INTEGER PRIMARY KEY,
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body         TEXT NOT NULL,             -- Markdown
  tlp          TEXT NOT NULL CHECK (tlp IN ('CLEAR','GREEN','AMBER','AMBER+STRICT','RED')),
  severity     TEXT NOT NULL CHECK (severity IN ('info','low','medium','high','critical')),
  kind         TEXT NOT NULL CHECK (kind IN ('advisory','alert','lessons-learned','invitation',
                 'request-for-information')),
  audience     TEXT NOT NULL,             -- JSON as given: all | provinces | orgs | providers, roles
  ack_required INTEGER NOT NULL DEFAULT 0 CHECK (ack_required IN (0,1)),
  ack_deadline TEXT,
  follow_up_of INTEGER REFERENCES advisories(id),
  status       TEXT NOT NULL CHECK (status IN ('draft','submitted','sending','sent')),
  author       TEXT NOT NULL,
  approver     TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  approved_at  TEXT
);

CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  advisory_id     INTEGER NOT NULL REFERENCES advisories(id),
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  name            TEXT NOT NULL,
  role            TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('email')),
  address         TEXT NOT NULL,
  message_id      TEXT NOT NULL UNIQUE,     -- stable: a retry is the same message
  status          TEXT NOT NULL CHECK (status IN ('queued','sent','failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until     TEXT,                     -- a worker holds it until then
  last_error      TEXT,
  sent_at         TEXT,
  UNIQUE (advisory_id, contact_id, channel)
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_org ON deliveries(org_id, advisory_id);

CREATE TABLE acks (
  advisory_id INTEGER NOT NULL REFERENCES advisories(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  by_name     TEXT NOT NULL,
  via         TEXT NOT NULL CHECK (via IN ('link','portal','api')),
  at          TEXT NOT NULL,
  PRIMARY KEY (advisory_id, org_id)
);
