-- 010_offers: what a 拥军商户 gives card holders.
--
-- An offer belongs to one organisation; only a network member
-- (merchant_profiles.status = 'member') may have an active one, which the
-- merchants module checks on every write and enforces when a member leaves
-- (its offers are switched off in the same transaction).
CREATE TABLE offers (
  id @ID@,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  title TEXT NOT NULL,
  description TEXT,
  benefit_kind TEXT NOT NULL CHECK (benefit_kind IN ('discount','amount_off','free','priority','gift')),
  benefit_value DOUBLE PRECISION,     -- discount: the share paid (0.8 = 八折); amount_off: yuan; otherwise NULL
  categories TEXT NOT NULL DEFAULT '', -- person category codes, comma-separated; '' = every card holder
  usage_rule TEXT NOT NULL CHECK (usage_rule IN ('once_per_day','once_per_visit','unlimited')),
  companion_allowed INTEGER NOT NULL DEFAULT 0,
  valid_from TEXT,                     -- China calendar dates, inclusive; NULL = open
  valid_until TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX offers_org ON offers(org_id, active, id);
