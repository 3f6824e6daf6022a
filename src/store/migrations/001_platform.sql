-- The platform: organisations, contacts, providers, assets, accounts, the journal.
-- Times are RFC 3339 UTC text. Ids are integers.

CREATE TABLE orgs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('municipality','ocmw','police-zone','province',
                 'intermunicipal','provider','war-room')),
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  nis_code     TEXT CHECK (nis_code IS NULL OR (length(nis_code) = 5 AND nis_code NOT GLOB '*[^0-9]*')),
  province     TEXT CHECK (province IS NULL OR province IN ('Antwerpen','Limburg','Oost-Vlaanderen',
                 'Vlaams-Brabant','West-Vlaanderen')),
  population   INTEGER CHECK (population IS NULL OR population >= 0),
  valid_from   TEXT,
  valid_to     TEXT,
  successor_id INTEGER REFERENCES orgs(id),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
-- A NIS code is unique among the organisations valid today; a merged
-- municipality keeps its row with valid_to set.
CREATE UNIQUE INDEX orgs_nis_current ON orgs(nis_code) WHERE valid_to IS NULL AND nis_code IS NOT NULL;
CREATE INDEX orgs_kind_name ON orgs(kind, name);
CREATE UNIQUE INDEX orgs_provider_name ON orgs(name) WHERE kind = 'provider';

CREATE TABLE contacts (
  id         INTEGER PRIMARY KEY,
  org_id     INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role       TEXT NOT NULL CHECK (role IN ('spoc','deputy','ciso','it-lead','mayor','dpo')),
  email      TEXT,
  mobile     TEXT,
  phone      TEXT,
  oob_email  TEXT,
  language   TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl','fr','en')),
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX contacts_org ON contacts(org_id, role);

-- Which provider serves which organisation, for which services.
CREATE TABLE provider_clients (
  provider_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  org_id      INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  services    TEXT NOT NULL,   -- sorted comma list of network,workplace,applications,hosting
  created_at  TEXT NOT NULL,
  PRIMARY KEY (provider_id, org_id)
);
CREATE INDEX provider_clients_org ON provider_clients(org_id);

CREATE TABLE assets (
  id          INTEGER PRIMARY KEY,
  org_id      INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  type        TEXT NOT NULL CHECK (type IN ('cidr','domain','hostname','software')),
  value       TEXT NOT NULL,   -- canonical prefix, domain or host name; for software vendor:product:version
  range_lo    TEXT,            -- cidr: first address, 32 hex digits (IPv4 mapped into ::ffff:0:0/96)
  range_hi    TEXT,            -- cidr: last address
  vendor      TEXT,
  product     TEXT,
  version     TEXT,
  cpe         TEXT,
  managed_by  TEXT NOT NULL DEFAULT 'town' CHECK (managed_by IN ('town','provider')),
  provider_id INTEGER REFERENCES orgs(id) ON DELETE SET NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (org_id, type, value)
);
CREATE INDEX assets_range ON assets(range_lo, range_hi) WHERE type = 'cidr';
CREATE INDEX assets_value ON assets(type, value);

CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  role        TEXT NOT NULL CHECK (role IN ('admin','analyst','spoc','provider','viewer')),
  org_id      INTEGER REFERENCES orgs(id),
  provider_id INTEGER REFERENCES orgs(id),
  pw_hash     TEXT NOT NULL,
  disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
  created_at  TEXT NOT NULL,
  CHECK (role <> 'spoc' OR org_id IS NOT NULL),
  CHECK (role <> 'provider' OR provider_id IS NOT NULL)
);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  label        TEXT,
  token_hash   TEXT NOT NULL UNIQUE,   -- SHA-256 hex; the token itself is shown once
  created_at   TEXT NOT NULL,
  revoked_at   TEXT
);

CREATE TABLE sessions (
  id_hash    TEXT PRIMARY KEY,        -- SHA-256 hex of the cookie value
  user_id    INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at INTEGER NOT NULL         -- unix seconds
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The tamper-evident journal: hash = SHA-256(prev_hash || canonical entry).
CREATE TABLE journal (
  seq         INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id   TEXT NOT NULL,
  details     TEXT NOT NULL,   -- canonical JSON (sorted keys), never a secret
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
