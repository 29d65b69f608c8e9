-- 009_merchants: the 拥军商户 network.
--
-- An organisation is registered once, in orgs (001_core). It is in the
-- network when it has signed the agreement and got its plaque: a row here
-- with status 'member'. Any type of organisation may join (a shop, a bank
-- branch, a scenic spot, a clinic); 'candidate' marks one the bureau is
-- recruiting (the 10-minute circle ranks candidates by how many uncovered
-- card holders they would cover), 'left' one that has left (kept, not
-- deleted: the ledger still points at it).
CREATE TABLE merchant_profiles (
  org_id BIGINT PRIMARY KEY REFERENCES orgs(id),
  status TEXT NOT NULL CHECK (status IN ('candidate','member','left')),
  category TEXT,                 -- business kind, a code of the merchants vocabulary (catering, retail, …)
  opening_hours TEXT,            -- as the merchant states them: 周一至周日 09:00-21:00
  plaque_no TEXT,                -- the 拥军商户 plaque's number, when given
  joined_at TEXT,                -- when it became a member
  left_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX merchant_profiles_status ON merchant_profiles(status, org_id);
