-- Communications, part two (issue 3, docs/comms.md): SMS and webhook
-- deliveries beside e-mail, escalation of unacknowledged advisories (the
-- policy, each step executed once per town, the call list and its calls),
-- and the towns' webhooks.
ALTER TABLE advisories ADD COLUMN escalation TEXT;   -- JSON list of steps; NULL: the default policy

-- The outbox again, with more channels and a step: 0 is the advisory
-- itself, k > 0 the message of escalation step k (a reminder is another
-- message to the same contact). SQLite cannot widen a CHECK in place.
CREATE TABLE deliveries_new (
  id              INTEGER PRIMARY KEY,
  advisory_id     INTEGER NOT NULL REFERENCES advisories(id),
  org_id          INTEGER NOT NULL REFERENCES orgs(id),
  contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
  name            TEXT NOT NULL,
  role            TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('email','sms','webhook')),
  step            INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
  address         TEXT NOT NULL,            -- e-mail address, E.164 number or URL
  message_id      TEXT NOT NULL UNIQUE,     -- stable: a retry is the same message
  status          TEXT NOT NULL CHECK (status IN ('queued','sent','failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  lease_until     TEXT,                     -- a worker holds it until then
  last_error      TEXT,
  sent_at         TEXT,
  UNIQUE (advisory_id, contact_id, channel, step)
);
INSERT INTO deliveries_new (id, advisory_id, org_id, contact_id, name, role, channel, step, address,
  message_id, status, attempts, next_attempt_at, lease_until, last_error, sent_at)
  SELECT id, advisory_id, org_id, contact_id, name, role, channel, 0, address, message_id, status,
  attempts, next_attempt_at, lease_until, last_error, sent_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_org ON deliveries(org_id, advisory_id);
-- A town's webhook gets one POST per advisory and step (no contact).
CREATE UNIQUE INDEX deliveries_webhook ON deliveries(advisory_id, org_id, step) WHERE channel = 'webhook';

-- Each escalation step executed for a town, once: the primary key makes a
-- second pass (or a restarted server) a no-op.
CREATE TABLE escalations (
  advisory_id INTEGER NOT NULL REFERENCES advisories(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  step        INTEGER NOT NULL CHECK (step >= 1),
  action      TEXT NOT NULL CHECK (action IN ('email','sms','call')),
  at          TEXT NOT NULL,
  messages    INTEGER NOT NULL DEFAULT 0,  -- deliveries the step queued
  PRIMARY KEY (advisory_id, org_id, step)
);
CREATE INDEX escalations_call ON escalations(action, advisory_id);

-- The war room's calls to towns on the call list, with their outcome.
CREATE TABLE escalation_calls (
  id          INTEGER PRIMARY KEY,
  advisory_id INTEGER NOT NULL REFERENCES advisories(id),
  org_id      INTEGER NOT NULL REFERENCES orgs(id),
  outcome     TEXT NOT NULL CHECK (outcome IN ('reached','no-answer','voicemail','wrong-number')),
  note        TEXT,
  by_name     TEXT NOT NULL,
  at          TEXT NOT NULL
);
CREATE INDEX escalation_calls_town ON escalation_calls(advisory_id, org_id);

-- A town's (or provider's) webhook: advisories addressed to it are POSTed
-- there, signed with HMAC-SHA256 under secret.
CREATE TABLE webhooks (
  org_id     INTEGER PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  url        TEXT NOT NULL,
  secret     TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
