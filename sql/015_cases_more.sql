-- 015_cases_more: attachments, materials held on record, the China date of
-- each timeline event, a case's own deadline, and the case types 双清单
-- (two lists), 军人子女入学 and 随军家属就业 as data rows; a person may file
-- their own 一门受理 application.

-- The date (in China) an event happened, so "closed on" and "completed on"
-- are the day the clerk saw, not the UTC day of created_at.
ALTER TABLE case_events ADD COLUMN on_day TEXT;
-- A deadline the case itself fixes (a 双清单 item's 完成时限): its steps keep
-- it instead of the type's working days. NULL: the type's deadlines apply.
ALTER TABLE cases ADD COLUMN deadline TEXT;

-- Files uploaded to a case or one of its steps, stored on disk by SHA-256
-- (the attachment directory); material: the kind of material it is
-- (落户介绍信, 入学证明, …), which satisfies a transition needing it.
CREATE TABLE case_attachments (
  id @ID@,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  step_id BIGINT REFERENCES case_steps(id),
  material TEXT,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_role TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id, id);
CREATE INDEX case_attachments_sha ON case_attachments(sha256);

-- Materials the platform holds on record for a case (derived from the
-- registry when the case was opened), so nobody has to upload them.
CREATE TABLE case_material_records (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  material TEXT NOT NULL,
  basis TEXT NOT NULL,                   -- why: 父亲二等功（平时）, 烈士子女, …
  created_at TEXT NOT NULL,
  PRIMARY KEY (case_id, material)
);

-- Upload limits, edited by the admin (one row). max_bytes: the largest file;
-- types: the kinds allowed, recognised by their first bytes.
CREATE TABLE case_attachment_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_bytes BIGINT NOT NULL CHECK (max_bytes > 0),
  types TEXT NOT NULL,                   -- comma-separated: pdf,jpeg,png
  updated_by TEXT,
  updated_at TEXT
);
INSERT INTO case_attachment_settings (id, max_bytes, types, updated_by, updated_at)
VALUES (1, 10485760, 'pdf,jpeg,png', NULL, NULL);

-- ---- 一门受理: the veteran may file for themselves ----------------------------
UPDATE case_types SET create_roles = 'admin,officer,person' WHERE code = 'one_window';

-- ---- 双清单 --------------------------------------------------------------------
-- Each item of a year's list is a case with one step, handled by its
-- responsible unit. Two types, one per list, because the responsible
-- organisation differs: government departments do the 拥军优属 items, the
-- stationed units the 拥政爱民 items (and may act on them themselves).
CREATE TABLE dual_list_items (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  year INTEGER NOT NULL,
  list TEXT NOT NULL CHECK (list IN ('army','civil')),  -- 拥军优属 | 拥政爱民
  content TEXT NOT NULL,
  deadline TEXT NOT NULL,
  quality_standard TEXT NOT NULL
);
CREATE INDEX dual_list_items_year ON dual_list_items(year, list);

INSERT INTO case_types (code, name_zh, name_en, applicant_kind, create_roles, overdue_rule, created_at, updated_at) VALUES
  ('dual_army', '双清单·拥军优属', 'Two lists: support for the military', 'org', 'admin,officer', 'supervise',
   '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
  ('dual_civil', '双清单·拥政爱民', 'Two lists: support for the government and people', 'org', 'admin,officer', 'supervise',
   '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');

INSERT INTO case_type_states (type_code, state, name_zh, name_en, final, seq) VALUES
  ('dual_army', 'collected', '征集', 'collected', 0, 1),
  ('dual_army', 'compiled', '汇总', 'compiled', 0, 2),
  ('dual_army', 'reviewed', '会审', 'reviewed', 0, 3),
  ('dual_army', 'assigned', '交办', 'assigned', 0, 4),
  ('dual_army', 'handling', '办理', 'in hand', 0, 5),
  ('dual_army', 'supervised', '督办', 'under supervision', 0, 6),
  ('dual_army', 'closed', '办结/销号', 'done and struck off', 0, 7),
  ('dual_army', 'feedback', '反馈', 'feedback given', 1, 8),
  ('dual_army', 'dropped', '未列入', 'not adopted', 1, 9),
  ('dual_civil', 'collected', '征集', 'collected', 0, 1),
  ('dual_civil', 'compiled', '汇总', 'compiled', 0, 2),
  ('dual_civil', 'reviewed', '会审', 'reviewed', 0, 3),
  ('dual_civil', 'assigned', '交办', 'assigned', 0, 4),
  ('dual_civil', 'handling', '办理', 'in hand', 0, 5),
  ('dual_civil', 'supervised', '督办', 'under supervision', 0, 6),
  ('dual_civil', 'closed', '办结/销号', 'done and struck off', 0, 7),
  ('dual_civil', 'feedback', '反馈', 'feedback given', 1, 8),
  ('dual_civil', 'dropped', '未列入', 'not adopted', 1, 9);

INSERT INTO case_type_steps (type_code, code, name_zh, name_en, seq, org_type, dept_hint, initial_state) VALUES
  ('dual_army', 'item', '清单事项', 'list item', 1, 'department', NULL, 'collected'),
  ('dual_civil', 'item', '清单事项', 'list item', 1, 'unit', NULL, 'collected');

-- The 双拥办 (officers) collects, compiles, reviews and assigns; the
-- responsible unit handles (a stationed unit itself on the 拥政爱民 list);
-- the 双拥办 supervises, strikes off and records the feedback.
INSERT INTO case_type_transitions (type_code, step_code, from_state, to_state, action, name_zh, name_en, roles, org_type, materials) VALUES
  ('dual_army', '*', 'collected', 'compiled', 'compile', '汇总', 'compile', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'compiled', 'reviewed', 'review', '会审通过', 'pass review', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'compiled', 'dropped', 'drop', '不予列入', 'drop', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'reviewed', 'assigned', 'assign', '交办', 'assign', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'assigned', 'handling', 'start', '开始办理', 'start', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'handling', 'supervised', 'supervise', '挂牌督办', 'supervise', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'handling', 'closed', 'complete', '办结销号', 'complete', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'supervised', 'closed', 'complete', '办结销号', 'complete', 'admin,officer', NULL, NULL),
  ('dual_army', '*', 'closed', 'feedback', 'feedback', '反馈', 'feedback', 'admin,officer', NULL, NULL),
  ('dual_civil', '*', 'collected', 'compiled', 'compile', '汇总', 'compile', 'admin,officer', NULL, NULL),
  ('dual_civil', '*', 'compiled', 'reviewed', 'review', '会审通过', 'pass review', 'admin,officer', NULL, NULL),
  ('dual_civil', '*', 'compiled', 'dropped', 'drop', '不予列入', 'drop', 'admin,officer', NULL, NULL),
  ('dual_civil', '*', 'reviewed', 'assigned', 'assign', '交办', 'assign', 'admin,officer', NULL, NULL),
  ('dual_civil', '*', 'assigned', 'handling', 'start', '开始办理', 'start', 'admin,officer,unit', 'unit', NULL),
  ('dual_civil', '*', 'handling', 'supervised', 'supervise', '挂牌督办', 'supervise', 'admin,officer', NULL, NULL),
  ('dual_civil', '*', 'handling', 'closed', 'complete', '办结销号', 'complete', 'admin,officer,unit', 'unit', NULL),
  ('dual_civil', '*', 'supervised', 'closed', 'complete', '办结销号', 'complete', 'admin,officer,unit', 'unit', NULL),
  ('dual_civil', '*', 'closed', 'feedback', 'feedback', '反馈', 'feedback', 'admin,officer', NULL, NULL);

-- ---- 军人子女入学 ------------------------------------------------------------------
-- The applicant is the service member (the parent); the priority category is
-- derived from their record when it can be, else 部队证明 must be uploaded.
CREATE TABLE school_applications (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  child_name TEXT NOT NULL,
  child_person_id BIGINT REFERENCES people(id),
  school TEXT NOT NULL,
  category TEXT NOT NULL CHECK (category IN ('martyr_child','merit','hardship_post','general')),
  derived INTEGER NOT NULL,              -- 1: from the registry; 0: claimed, to be evidenced
  basis TEXT
);

INSERT INTO case_types (code, name_zh, name_en, applicant_kind, create_roles, overdue_rule, created_at, updated_at)
VALUES ('child_school', '军人子女入学', 'School places for service members'' children', 'person', 'admin,officer,person',
        'supervise', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO case_type_states (type_code, state, name_zh, name_en, final, seq) VALUES
  ('child_school', 'pending', '待审核', 'waiting', 0, 1),
  ('child_school', 'processing', '协调学校', 'placing', 0, 2),
  ('child_school', 'done', '已入学', 'enrolled', 1, 3),
  ('child_school', 'rejected', '不予办理', 'refused', 1, 4);
INSERT INTO case_type_steps (type_code, code, name_zh, name_en, seq, org_type, dept_hint, initial_state) VALUES
  ('child_school', 'placement', '入学安排', 'school placement', 1, 'department', '教育', 'pending');
INSERT INTO case_type_transitions (type_code, step_code, from_state, to_state, action, name_zh, name_en, roles, org_type, materials) VALUES
  ('child_school', '*', 'pending', 'processing', 'accept', '审核通过', 'accept', 'admin,officer', 'department', '部队证明'),
  ('child_school', '*', 'processing', 'done', 'complete', '已入学', 'enrolled', 'admin,officer', 'department', NULL),
  ('child_school', '*', 'pending', 'rejected', 'refuse', '不予办理', 'refuse', 'admin,officer', 'department', NULL),
  ('child_school', '*', 'processing', 'rejected', 'refuse', '不予办理', 'refuse', 'admin,officer', 'department', NULL);
INSERT INTO case_type_deadlines (type_code, step_code, state, working_days, updated_at) VALUES
  ('child_school', '*', 'pending', NULL, '2026-01-01T00:00:00Z'),
  ('child_school', '*', 'processing', NULL, '2026-01-01T00:00:00Z');

-- ---- 随军家属就业 ------------------------------------------------------------------
-- The applicant is the spouse; the case goes to the departments that place
-- them in parallel: 人力资源 (jobs, public institutions) and 退役军人 (the
-- 双拥 side, which follows the placement).
CREATE TABLE spouse_applications (
  case_id BIGINT PRIMARY KEY REFERENCES cases(id),
  service_member TEXT,
  skills TEXT NOT NULL,
  previous_employment TEXT,
  wanted TEXT
);

INSERT INTO case_types (code, name_zh, name_en, applicant_kind, create_roles, overdue_rule, created_at, updated_at)
VALUES ('spouse_job', '随军家属就业', 'Jobs for accompanying spouses', 'person', 'admin,officer,person',
        'supervise', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO case_type_states (type_code, state, name_zh, name_en, final, seq) VALUES
  ('spouse_job', 'pending', '待受理', 'waiting', 0, 1),
  ('spouse_job', 'processing', '推荐岗位', 'matching', 0, 2),
  ('spouse_job', 'done', '已就业', 'placed', 1, 3),
  ('spouse_job', 'rejected', '不予办理', 'refused', 1, 4);
INSERT INTO case_type_steps (type_code, code, name_zh, name_en, seq, org_type, dept_hint, initial_state) VALUES
  ('spouse_job', 'placement', '就业安置', 'job placement', 1, 'department', '人力资源', 'pending'),
  ('spouse_job', 'follow_up', '双拥跟踪', 'follow-up', 2, 'department', '退役军人', 'pending');
INSERT INTO case_type_transitions (type_code, step_code, from_state, to_state, action, name_zh, name_en, roles, org_type, materials) VALUES
  ('spouse_job', '*', 'pending', 'processing', 'accept', '受理', 'accept', 'admin,officer', 'department', NULL),
  ('spouse_job', '*', 'processing', 'done', 'complete', '办结', 'complete', 'admin,officer', 'department', NULL),
  ('spouse_job', '*', 'pending', 'rejected', 'refuse', '不予办理', 'refuse', 'admin,officer', 'department', NULL),
  ('spouse_job', '*', 'processing', 'rejected', 'refuse', '不予办理', 'refuse', 'admin,officer', 'department', NULL);
INSERT INTO case_type_deadlines (type_code, step_code, state, working_days, updated_at) VALUES
  ('spouse_job', '*', 'pending', NULL, '2026-01-01T00:00:00Z'),
  ('spouse_job', '*', 'processing', NULL, '2026-01-01T00:00:00Z');
