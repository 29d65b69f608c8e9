-- 016_placement_batches: 阳光安置 batches in the database (see docs/placement.md).
--
-- A batch is one year's placement in one region: its candidates (drawn from
-- the registry, each with the batch's own published number, never the
-- 身份证号), its posts, the published versions of its score list (公示),
-- objections, preferences, the live session's recorded steps and the result.
-- The engine (src/modules/placement/engine.c) computes everything from these
-- rows; what is published is stored as the exact canonical text so anyone can
-- recompute the digest from the page.

CREATE TABLE placement_batches (
  id @ID@,
  year INTEGER NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  name TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('live','preferences')),
  absence_rule TEXT NOT NULL CHECK (absence_rule IN ('forfeit','skip_to_end')),
  tie_break TEXT NOT NULL,            -- comma-separated rule names, e.g. 'service_longer,older,id'
  publicity_days INTEGER NOT NULL,    -- 公示 length in days (configuration of the batch)
  objection_days INTEGER NOT NULL,    -- days after publication an objection is accepted
  discharged_from TEXT NOT NULL,      -- the discharge dates this batch draws (YYYY-MM-DD)
  discharged_to TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','published','choosing','closed')),
  policy_code TEXT,                   -- the table in force, fixed at first publication
  published_at TEXT,                  -- latest version's publication
  objection_until TEXT,               -- end of the objection window of the latest version
  publicity_until TEXT,
  results_canon TEXT,                 -- the published result list (canonical text) and its digest
  results_digest TEXT,
  results_json TEXT,                  -- the masked public result list
  closed_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (year, region_code)
);
CREATE INDEX placement_batches_region ON placement_batches(region_code, year);

-- inputs: the candidate's scoring inputs in the export's candidate form
-- (docs/placement.md) without the id, taken from the registry when drawn and
-- completed by the officer (education, honours, deductions: the registry does
-- not hold them). preferences: post numbers, best first (JSON array) or NULL.
CREATE TABLE placement_candidates (
  id @ID@,
  batch_id BIGINT NOT NULL REFERENCES placement_batches(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  number TEXT NOT NULL,
  name TEXT NOT NULL,
  inputs TEXT NOT NULL,
  preferences TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (batch_id, person_id),
  UNIQUE (batch_id, number)
);

CREATE TABLE placement_posts (
  id @ID@,
  batch_id BIGINT NOT NULL REFERENCES placement_batches(id),
  number TEXT NOT NULL,
  employer_org_id BIGINT REFERENCES orgs(id),
  employer TEXT NOT NULL,
  title TEXT NOT NULL,
  places INTEGER NOT NULL,
  min_education TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (batch_id, number)
);

-- Each publication of the score list: the exact canonical texts that were
-- hashed, their digests and the masked list the public page shows.
CREATE TABLE placement_versions (
  id @ID@,
  batch_id BIGINT NOT NULL REFERENCES placement_batches(id),
  version INTEGER NOT NULL,
  scores_canon TEXT NOT NULL,
  posts_canon TEXT NOT NULL,
  scores_digest TEXT NOT NULL,
  posts_digest TEXT NOT NULL,
  public_json TEXT NOT NULL,
  reason TEXT,
  published_by TEXT NOT NULL,
  published_at TEXT NOT NULL,
  objection_until TEXT NOT NULL,
  UNIQUE (batch_id, version)
);

CREATE TABLE placement_objections (
  id @ID@,
  batch_id BIGINT NOT NULL REFERENCES placement_batches(id),
  candidate_id BIGINT NOT NULL REFERENCES placement_candidates(id),
  version INTEGER NOT NULL,           -- the version objected to
  text TEXT NOT NULL,
  filed_by TEXT NOT NULL,
  by_candidate INTEGER NOT NULL,      -- 1: the candidate themselves; 0: staff on their behalf
  status TEXT NOT NULL CHECK (status IN ('open','upheld','rejected')),
  outcome TEXT,
  decided_by TEXT,
  decided_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX placement_objections_batch ON placement_objections(batch_id, id);

-- The live session, one row per turn recorded (the 选岗确认表 is printed from it).
CREATE TABLE placement_steps (
  id @ID@,
  batch_id BIGINT NOT NULL REFERENCES placement_batches(id),
  seq INTEGER NOT NULL,
  candidate_id BIGINT NOT NULL REFERENCES placement_candidates(id),
  choice TEXT NOT NULL CHECK (choice IN ('post','none','absent')),
  post_id BIGINT REFERENCES placement_posts(id),
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (batch_id, seq)
);
