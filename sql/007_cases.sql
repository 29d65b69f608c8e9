-- 007_cases: the working-day calendar, case types as data (states, steps,
-- transitions, deadlines), and cases with their steps and timeline.
--
-- Case types are rows so a new kind of application (双清单, 入学, 随军家属就业)
-- is a migration or an admin edit, not C. Deadlines are working days and are
-- configuration: the 一门受理 rows below ship with working_days NULL (unset)
-- because no official figure is known here; the admin sets them.

-- Days that differ from "Monday to Friday work": public holidays, and the
-- make-up working days (调休) that fall on a weekend. Edited by the admin.
-- No year's official arrangement is seeded: it is published each year and
-- entered from the State Council's notice.
CREATE TABLE calendar_days (
  day TEXT PRIMARY KEY,                                   -- YYYY-MM-DD
  kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
  name TEXT,                                              -- 春节, 国庆节调休, …
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE case_types (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('person','org','either')),
  create_roles TEXT NOT NULL,           -- comma-separated role names that may open a case
  overdue_rule TEXT NOT NULL CHECK (overdue_rule IN ('supervise','none')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- The states a step of the type moves through; final states end the step.
CREATE TABLE case_type_states (
  type_code TEXT NOT NULL REFERENCES case_types(code),
  state TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  final INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL,
  PRIMARY KEY (type_code, state)
);

-- The steps a new case opens with, in parallel (a plain case type has one).
-- dept_hint: part of a department's name, to pick one when the officer does
-- not; org_type: the type the handling organisation must have.
CREATE TABLE case_type_steps (
  type_code TEXT NOT NULL REFERENCES case_types(code),
  code TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  seq INTEGER NOT NULL,
  org_type TEXT NOT NULL,
  dept_hint TEXT,
  initial_state TEXT NOT NULL,
  PRIMARY KEY (type_code, code)
);

-- Who may move a step from one state to another. step_code '*' is every step
-- of the type. roles: comma-separated; org_type: the type the step's
-- organisation must have (org roles must also be that organisation);
-- materials: the names, separated by '、', that must accompany the action.
CREATE TABLE case_type_transitions (
  id @ID@,
  type_code TEXT NOT NULL REFERENCES case_types(code),
  step_code TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  action TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  roles TEXT NOT NULL,
  org_type TEXT,
  materials TEXT,
  UNIQUE (type_code, step_code, from_state, action)
);

-- Working days a step may stay in a state (step_code '*': every step of the
-- type; a row for the step itself wins). NULL: not set yet, no due date.
CREATE TABLE case_type_deadlines (
  type_code TEXT NOT NULL REFERENCES case_types(code),
  step_code TEXT NOT NULL,
  state TEXT NOT NULL,
  working_days INTEGER CHECK (working_days IS NULL OR working_days BETWEEN 0 AND 365),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (type_code, step_code, state)
);

CREATE TABLE cases (
  id @ID@,
  type_code TEXT NOT NULL REFERENCES case_types(code),
  person_id BIGINT REFERENCES people(id),
  org_id BIGINT REFERENCES orgs(id),
  region_code TEXT NOT NULL REFERENCES regions(code),
  state TEXT NOT NULL CHECK (state IN ('open','closed')),
  opened_by TEXT NOT NULL,
  opened_on TEXT NOT NULL,               -- the date the working-day clock starts
  note TEXT,
  closed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX cases_region ON cases(region_code, id);
CREATE INDEX cases_person ON cases(person_id);
CREATE INDEX cases_org ON cases(org_id);

CREATE TABLE case_steps (
  id @ID@,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  step_code TEXT NOT NULL,
  seq INTEGER NOT NULL,
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  state TEXT NOT NULL,
  final INTEGER NOT NULL DEFAULT 0,
  entered_on TEXT NOT NULL,              -- the date the step entered its state
  due_date TEXT,                         -- last working day in time; NULL: no deadline set
  ended_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (case_id, step_code)
);
CREATE INDEX case_steps_open ON case_steps(final, due_date);
CREATE INDEX case_steps_org ON case_steps(org_id, final);

-- The timeline: every change and comment, in order.
CREATE TABLE case_events (
  id @ID@,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  step_id BIGINT REFERENCES case_steps(id),
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  comment TEXT,
  materials TEXT,                         -- the names given, separated by '、'
  created_at TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- 一门受理 (one window): one application opens seven parallel steps, each
-- handled by its own department.
INSERT INTO case_types (code, name_zh, name_en, applicant_kind, create_roles, overdue_rule, created_at, updated_at)
VALUES ('one_window', '一门受理（待安置退役士兵）', 'One-window service (veterans awaiting placement)',
        'person', 'admin,officer', 'supervise', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');

INSERT INTO case_type_states (type_code, state, name_zh, name_en, final, seq) VALUES
  ('one_window', 'pending', '待受理', 'waiting', 0, 1),
  ('one_window', 'processing', '办理中', 'in progress', 0, 2),
  ('one_window', 'done', '已办结', 'done', 1, 3),
  ('one_window', 'rejected', '不予办理', 'refused', 1, 4);

INSERT INTO case_type_steps (type_code, code, name_zh, name_en, seq, org_type, dept_hint, initial_state) VALUES
  ('one_window', 'report', '报到', 'reporting in', 1, 'department', '退役军人', 'pending'),
  ('one_window', 'allowance', '待安置期间生活补助', 'allowance while awaiting placement', 2, 'department', '退役军人', 'pending'),
  ('one_window', 'hukou', '恢复户口', 'household registration', 3, 'department', '公安', 'pending'),
  ('one_window', 'id_card', '身份证', 'identity card', 4, 'department', '公安', 'pending'),
  ('one_window', 'reserve', '预备役登记', 'reserve registration', 5, 'department', '武装部', 'pending'),
  ('one_window', 'social_security', '社保卡和医保关系转移', 'social-security card and medical-insurance transfer', 6, 'department', '医疗保障', 'pending'),
  ('one_window', 'insurance', '保险补缴', 'insurance back-payment', 7, 'department', '人力资源', 'pending');

INSERT INTO case_type_transitions (type_code, step_code, from_state, to_state, action, name_zh, name_en, roles, org_type, materials) VALUES
  ('one_window', '*', 'pending', 'processing', 'accept', '受理', 'accept', 'admin,officer', 'department', NULL),
  ('one_window', '*', 'processing', 'done', 'complete', '办结', 'complete', 'admin,officer', 'department', NULL),
  ('one_window', 'hukou', 'processing', 'done', 'complete', '办结', 'complete', 'admin,officer', 'department', '落户介绍信'),
  ('one_window', '*', 'pending', 'rejected', 'refuse', '不予办理', 'refuse', 'admin,officer', 'department', NULL),
  ('one_window', '*', 'processing', 'rejected', 'refuse', '不予办理', 'refuse', 'admin,officer', 'department', NULL);

-- Deadlines: unset until the admin enters them (no official figure is known here).
INSERT INTO case_type_deadlines (type_code, step_code, state, working_days, updated_at) VALUES
  ('one_window', '*', 'pending', NULL, '2026-01-01T00:00:00Z'),
  ('one_window', '*', 'processing', NULL, '2026-01-01T00:00:00Z');
