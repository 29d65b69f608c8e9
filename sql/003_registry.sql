-- 003_registry: the people registry (categories, family links, service
-- history, dated status changes), search indexes, association membership.

-- Residence is people.region_code/address (where the person lives and is
-- served); household registration (户籍) is kept beside it.
ALTER TABLE people ADD COLUMN household_region_code TEXT REFERENCES regions(code);
ALTER TABLE people ADD COLUMN household_address TEXT;
ALTER TABLE people ADD COLUMN status_since TEXT;
-- For the deceased: how they died decides their family's category.
ALTER TABLE people ADD COLUMN death_date TEXT;
ALTER TABLE people ADD COLUMN death_kind TEXT;   -- martyr | duty | illness | NULL
-- Search: the last four characters of the 身份证号 (what a clerk types).
ALTER TABLE people ADD COLUMN id_tail TEXT;
UPDATE people SET id_tail = SUBSTR(id_number, 15, 4);
CREATE INDEX people_id_tail ON people(id_tail);
CREATE INDEX people_phone ON people(phone);
CREATE INDEX people_status ON people(status, region_code);

-- Every status change, dated; people.status is the latest.
CREATE TABLE person_status_history (
  id @ID@,
  person_id BIGINT NOT NULL REFERENCES people(id),
  status TEXT NOT NULL,
  since TEXT NOT NULL,
  reason TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX person_status_history_person ON person_status_history(person_id, id);

-- Categories held directly (entered). Family categories derived from links
-- are computed when read, never stored twice.
CREATE TABLE person_categories (
  id @ID@,
  person_id BIGINT NOT NULL REFERENCES people(id),
  category TEXT NOT NULL,
  start_date TEXT,
  end_date TEXT,
  disability_grade INTEGER,
  disability_cause TEXT,
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX person_categories_person ON person_categories(person_id);
CREATE INDEX person_categories_category ON person_categories(category, person_id);

-- relative_id is person_id's spouse, parent, child or sibling. supported:
-- a sibling the person supported (counts for the 三属).
CREATE TABLE family_links (
  id @ID@,
  person_id BIGINT NOT NULL REFERENCES people(id),
  relative_id BIGINT NOT NULL REFERENCES people(id),
  relation TEXT NOT NULL CHECK (relation IN ('spouse','parent','child','sibling')),
  supported INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  UNIQUE (person_id, relative_id)
);
CREATE INDEX family_links_relative ON family_links(relative_id);

CREATE TABLE service_records (
  id @ID@,
  person_id BIGINT NOT NULL REFERENCES people(id),
  branch TEXT NOT NULL,
  enlist_date TEXT NOT NULL,
  discharge_date TEXT,
  rank TEXT,
  exit_mode TEXT,
  disability_grade INTEGER,
  disability_cause TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX service_records_person ON service_records(person_id);

CREATE TABLE awards (
  id @ID@,
  service_id BIGINT NOT NULL REFERENCES service_records(id),
  level TEXT NOT NULL,
  wartime INTEGER NOT NULL DEFAULT 0,
  award_date TEXT,
  note TEXT
);
CREATE INDEX awards_service ON awards(service_id);

CREATE TABLE service_periods (
  id @ID@,
  service_id BIGINT NOT NULL REFERENCES service_records(id),
  kind TEXT NOT NULL CHECK (kind IN ('hardship','island')),
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  note TEXT
);
CREATE INDEX service_periods_service ON service_periods(service_id);

-- Partial-name search on a million people: every 1- and 2-character piece of
-- each name, so "建国" or "王" is an index lookup, not a scan (names are
-- mostly 2–3 characters, below FTS5 trigram's reach).
CREATE TABLE people_name_grams (
  gram TEXT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id),
  PRIMARY KEY (gram, person_id)
);

CREATE TABLE association_members (
  association_id BIGINT NOT NULL REFERENCES orgs(id),
  member_id BIGINT NOT NULL REFERENCES orgs(id),
  joined_at TEXT,
  PRIMARY KEY (association_id, member_id)
);
CREATE INDEX association_members_member ON association_members(member_id);
