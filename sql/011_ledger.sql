-- 011_ledger: every service given to a card holder, one row each, never
-- changed or removed (@APPEND_ONLY:ledger@ below becomes triggers refusing UPDATE,
-- DELETE and, on PostgreSQL, TRUNCATE), and each row written with its audit
-- row in the same transaction, so the hash-chained audit log vouches for it.
CREATE TABLE ledger (
  id @ID@,
  at TEXT NOT NULL,                  -- UTC, ISO-8601
  day_cn TEXT NOT NULL,              -- China's calendar date (UTC+8) of at: the once-per-day rule and the stats
  recorded_by TEXT NOT NULL,         -- the principal's name (user or token:<name>)
  recorded_by_user_id BIGINT,
  recorded_by_token_id BIGINT,
  card_id BIGINT NOT NULL REFERENCES cards(id),
  card_no TEXT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id),
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  region_code TEXT NOT NULL REFERENCES regions(code), -- the organisation's, where the service was given
  offer_id BIGINT REFERENCES offers(id),
  kind TEXT NOT NULL,
  amount_saved_fen BIGINT,           -- yuan × 100, when given
  companion INTEGER NOT NULL DEFAULT 0,
  via TEXT NOT NULL CHECK (via IN ('number','code')),
  -- once_per_day: 'd:<offer>:<person>:<day_cn>', so that two clerks racing
  -- past the domain's check cannot both write; NULL for the other rules.
  use_key TEXT UNIQUE
);
CREATE INDEX ledger_person_offer ON ledger(person_id, offer_id, at);
CREATE INDEX ledger_org ON ledger(org_id, id);
CREATE INDEX ledger_day ON ledger(day_cn, person_id);
CREATE INDEX ledger_region_day ON ledger(region_code, day_cn);
@APPEND_ONLY:ledger@;

-- once_per_visit: uses of one offer by one person within visit_minutes of
-- each other are one visit. The rule's length is policy, not code: unset
-- (NULL) until the city bureau sets it, and such an offer cannot be used
-- before then (409 setting_unset).
CREATE TABLE ledger_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  visit_minutes INTEGER,
  updated_by TEXT,
  updated_at TEXT
);
INSERT INTO ledger_settings (id, visit_minutes, updated_by, updated_at) VALUES (1, NULL, NULL, NULL);
