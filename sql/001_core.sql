-- 001_core: regions, organisations, people (the minimal record the registry
-- extends), users, sessions, API tokens, login throttling, the audit log.
-- Portable SQL: runs on SQLite and PostgreSQL. @ID@ is the one backend token
-- (an auto-assigned BIGINT primary key). Times are ISO-8601 UTC text.

CREATE TABLE regions (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province','city','district','county','county_city','zone','township','village')),
  parent_code TEXT REFERENCES regions(code),
  population_10k DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE orgs (
  id @ID@,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('unit','department','merchant','association','hospital','bank','school','employer','training_base','supply_station')),
  region_code TEXT NOT NULL REFERENCES regions(code),
  address TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  contact_name TEXT,
  contact_phone TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX orgs_region ON orgs(region_code);
CREATE INDEX orgs_type ON orgs(type, region_code);

CREATE TABLE people (
  id @ID@,
  id_number TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('M','F')),
  birth_date TEXT NOT NULL,
  phone TEXT,
  region_code TEXT NOT NULL REFERENCES regions(code),
  address TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  status TEXT NOT NULL DEFAULT 'normal',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX people_region ON people(region_code);
CREATE INDEX people_name ON people(name);

CREATE TABLE users (
  id @ID@,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin','officer','auditor','merchant','clinic','unit','employer','station','person')),
  region_code TEXT NOT NULL REFERENCES regions(code),
  org_id BIGINT REFERENCES orgs(id),
  person_id BIGINT REFERENCES people(id),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_login_at TEXT
);
CREATE INDEX users_role ON users(role, region_code);

CREATE TABLE sessions (
  id @ID@,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  ip TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id @ID@,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin','officer','auditor','merchant','clinic','unit','employer','station','person')),
  region_code TEXT NOT NULL REFERENCES regions(code),
  org_id BIGINT REFERENCES orgs(id),
  created_by BIGINT REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT,
  last_used_at TEXT
);

-- One row per failed login, keyed 'u:<username>' or 'ip:<address>'.
CREATE TABLE login_failures (
  id @ID@,
  key TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

-- Append-only, hash-chained: hash = SHA-256(prev_hash | id | at | actor | action | ...).
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id BIGINT,
  actor TEXT NOT NULL,
  role TEXT,
  action TEXT NOT NULL,
  object_type TEXT,
  object_id TEXT,
  region_code TEXT,
  detail TEXT,
  ip TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_action ON audit_log(action, at);

-- The head of the chain: one row, updated first in every audit write so that
-- concurrent writers (several servers on one PostgreSQL) take turns.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
