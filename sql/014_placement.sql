-- 014_placement: 阳光安置 policy tables as data (see docs/placement.md).
--
-- A policy table is a national scoring table with the discharge dates it
-- applies to. Its items are the scored facts (years of service, awards,
-- commendations, disability, hardship areas, deductions, rank, special
-- posts), each with a unit saying how its value multiplies and a value in
-- thousandths (value_milli: 0.5 points = 500; 12 years = 12000). A value
-- domain.md does not give is NULL: unset, shown to the admin as such, and a
-- batch whose scoring needs it refuses to score, naming it.
--
-- Seeded: the 2018 table (暂行办法, 退役军人事务部 + 中央军委政治工作部) with
-- domain.md's values; hardship-area, deduction and the "exactly 6 months"
-- rule unset. The 2023 table (《安排工作退役军士和义务兵服现役表现量化评分办法》)
-- with its items and every value unset.
--
-- Effective dates are discharge dates. domain.md says the 2023 rules apply
-- "for those discharged from winter 2022" without a day; 2022-12-01 is the
-- seeded reading and the admin may correct it (policy_set_range is not yet
-- built: an UPDATE by the operator, see docs/placement.md).

CREATE TABLE placement_policies (
  id @ID@,
  code TEXT NOT NULL UNIQUE,        -- '2018', '2023'
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  effective_from TEXT,              -- first discharge date it applies to (YYYY-MM-DD); NULL = open
  effective_to TEXT,                -- last discharge date; NULL = open
  source TEXT,                      -- the document it comes from
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE placement_policy_items (
  id @ID@,
  policy_id BIGINT NOT NULL REFERENCES placement_policies(id),
  code TEXT NOT NULL,               -- engine item code: years.first, award.peacetime.merit2, disability.combat.6, …
  group_code TEXT NOT NULL CHECK (group_code IN ('years','award_peacetime','award_wartime','award_nonwar',
    'commendation','disability_combat','disability_duty','hardship','deduction','rank','special_post')),
  label_zh TEXT NOT NULL,
  label_en TEXT NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('per_year','per_award','fixed','per_occurrence','years','year_fraction')),
  value_milli BIGINT,               -- thousandths of a point (or of a year for years/year_fraction); NULL = unset
  sort INTEGER NOT NULL,            -- display order
  updated_by TEXT,                  -- who last set the value (NULL for the seeded value)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (policy_id, code)
);

INSERT INTO placement_policies (code, name_zh, name_en, effective_from, effective_to, source, created_at, updated_at) VALUES
  ('2018', '2018年安排工作退役士兵服现役表现量化评分', 'Placement scoring table, 2018', NULL, '2022-11-30',
   '退役军人事务部、中央军委政治工作部 2018 暂行办法', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ('2023', '2023年安排工作退役军士和义务兵服现役表现量化评分', 'Placement scoring table, 2023', '2022-12-01', NULL,
   '《安排工作退役军士和义务兵服现役表现量化评分办法》(2022年冬季退役起)', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');

INSERT INTO placement_policy_items (policy_id, code, group_code, label_zh, label_en, unit, value_milli, sort, created_at, updated_at) VALUES
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'years.threshold', 'years', '较低分值适用的服役年限', 'years counted at the first rate', 'years', 12000, 10, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'years.first', 'years', '服役年限内每年', 'per year of service up to the threshold', 'per_year', 3000, 20, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'years.beyond', 'years', '超出年限部分每年', 'per year of service beyond the threshold', 'per_year', 4000, 30, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'years.exact_6_months', 'years', '余数恰满6个月按年计算', 'years a remainder of exactly 6 months counts as', 'year_fraction', NULL, 40, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.peacetime.jiajiang', 'award_peacetime', '平时嘉奖', 'commendation (嘉奖), peacetime', 'per_award', 500, 50, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.peacetime.merit3', 'award_peacetime', '平时三等功', 'class-3 merit, peacetime', 'per_award', 10000, 60, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.peacetime.merit2', 'award_peacetime', '平时二等功', 'class-2 merit, peacetime', 'per_award', 20000, 70, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.peacetime.merit1', 'award_peacetime', '平时一等功', 'class-1 merit, peacetime', 'per_award', 40000, 80, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.wartime.jiajiang', 'award_wartime', '战时嘉奖', 'commendation (嘉奖), wartime', 'per_award', 3000, 90, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.wartime.merit3', 'award_wartime', '战时三等功', 'class-3 merit, wartime', 'per_award', 20000, 100, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.wartime.merit2', 'award_wartime', '战时二等功', 'class-2 merit, wartime', 'per_award', 40000, 110, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'award.wartime.merit1', 'award_wartime', '战时一等功', 'class-1 merit, wartime', 'per_award', 80000, 120, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'commendation.cmc', 'commendation', '中央军委表彰', 'commendation by the Central Military Commission', 'per_award', 20000, 130, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'commendation.cmc_dept', 'commendation', '军委机关部门全军通报表彰', 'army-wide commendation by a CMC department', 'per_award', 10000, 140, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.combat.5', 'disability_combat', '因战致残5级', 'disabled in combat, grade 5', 'fixed', 50000, 150, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.combat.6', 'disability_combat', '因战致残6级', 'disabled in combat, grade 6', 'fixed', 40000, 160, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.combat.7', 'disability_combat', '因战致残7级', 'disabled in combat, grade 7', 'fixed', 30000, 170, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.combat.8', 'disability_combat', '因战致残8级', 'disabled in combat, grade 8', 'fixed', 20000, 180, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.combat.9', 'disability_combat', '因战致残9级', 'disabled in combat, grade 9', 'fixed', 10000, 190, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.combat.10', 'disability_combat', '因战致残10级', 'disabled in combat, grade 10', 'fixed', 5000, 200, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.duty.5', 'disability_duty', '因公致残5级', 'disabled on duty, grade 5', 'fixed', 40000, 210, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.duty.6', 'disability_duty', '因公致残6级', 'disabled on duty, grade 6', 'fixed', 30000, 220, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.duty.7', 'disability_duty', '因公致残7级', 'disabled on duty, grade 7', 'fixed', 20000, 230, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.duty.8', 'disability_duty', '因公致残8级', 'disabled on duty, grade 8', 'fixed', 10000, 240, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.duty.9', 'disability_duty', '因公致残9级', 'disabled on duty, grade 9', 'fixed', 5000, 250, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'disability.duty.10', 'disability_duty', '因公致残10级', 'disabled on duty, grade 10', 'fixed', 2000, 260, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'hardship.per_year', 'hardship', '艰苦边远地区服役每年', 'per year served in a hardship area', 'per_year', NULL, 270, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'deduction.warning', 'deduction', '警告(扣分)', 'warning (deducted)', 'per_occurrence', NULL, 280, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'deduction.serious_warning', 'deduction', '严重警告(扣分)', 'serious warning (deducted)', 'per_occurrence', NULL, 290, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'deduction.demerit', 'deduction', '记过(扣分)', 'demerit (deducted)', 'per_occurrence', NULL, 300, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'deduction.serious_demerit', 'deduction', '记大过(扣分)', 'serious demerit (deducted)', 'per_occurrence', NULL, 310, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2018'), 'deduction.falsified', 'deduction', '弄虚作假(扣分)', 'falsified records (deducted)', 'per_occurrence', NULL, 320, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'years.threshold', 'years', '较低分值适用的服役年限', 'years counted at the first rate', 'years', NULL, 10, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'years.first', 'years', '服役年限内每年', 'per year of service up to the threshold', 'per_year', NULL, 20, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'years.beyond', 'years', '超出年限部分每年', 'per year of service beyond the threshold', 'per_year', NULL, 30, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'years.exact_6_months', 'years', '余数恰满6个月按年计算', 'years a remainder of exactly 6 months counts as', 'year_fraction', NULL, 40, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.peacetime.jiajiang', 'award_peacetime', '平时嘉奖', 'commendation (嘉奖), peacetime', 'per_award', NULL, 50, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.peacetime.merit3', 'award_peacetime', '平时三等功', 'class-3 merit, peacetime', 'per_award', NULL, 60, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.peacetime.merit2', 'award_peacetime', '平时二等功', 'class-2 merit, peacetime', 'per_award', NULL, 70, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.peacetime.merit1', 'award_peacetime', '平时一等功', 'class-1 merit, peacetime', 'per_award', NULL, 80, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.wartime.jiajiang', 'award_wartime', '战时嘉奖', 'commendation (嘉奖), wartime', 'per_award', NULL, 90, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.wartime.merit3', 'award_wartime', '战时三等功', 'class-3 merit, wartime', 'per_award', NULL, 100, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.wartime.merit2', 'award_wartime', '战时二等功', 'class-2 merit, wartime', 'per_award', NULL, 110, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.wartime.merit1', 'award_wartime', '战时一等功', 'class-1 merit, wartime', 'per_award', NULL, 120, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.nonwar.jiajiang', 'award_nonwar', '重大非战争军事行动嘉奖', 'commendation (嘉奖), major non-war military operation', 'per_award', NULL, 130, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.nonwar.merit3', 'award_nonwar', '重大非战争军事行动三等功', 'class-3 merit, major non-war military operation', 'per_award', NULL, 140, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.nonwar.merit2', 'award_nonwar', '重大非战争军事行动二等功', 'class-2 merit, major non-war military operation', 'per_award', NULL, 150, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'award.nonwar.merit1', 'award_nonwar', '重大非战争军事行动一等功', 'class-1 merit, major non-war military operation', 'per_award', NULL, 160, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'commendation.cmc', 'commendation', '中央军委表彰', 'commendation by the Central Military Commission', 'per_award', NULL, 170, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'commendation.cmc_dept', 'commendation', '军委机关部门全军通报表彰', 'army-wide commendation by a CMC department', 'per_award', NULL, 180, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.combat.5', 'disability_combat', '因战致残5级', 'disabled in combat, grade 5', 'fixed', NULL, 190, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.combat.6', 'disability_combat', '因战致残6级', 'disabled in combat, grade 6', 'fixed', NULL, 200, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.combat.7', 'disability_combat', '因战致残7级', 'disabled in combat, grade 7', 'fixed', NULL, 210, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.combat.8', 'disability_combat', '因战致残8级', 'disabled in combat, grade 8', 'fixed', NULL, 220, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.combat.9', 'disability_combat', '因战致残9级', 'disabled in combat, grade 9', 'fixed', NULL, 230, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.combat.10', 'disability_combat', '因战致残10级', 'disabled in combat, grade 10', 'fixed', NULL, 240, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.duty.5', 'disability_duty', '因公致残5级', 'disabled on duty, grade 5', 'fixed', NULL, 250, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.duty.6', 'disability_duty', '因公致残6级', 'disabled on duty, grade 6', 'fixed', NULL, 260, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.duty.7', 'disability_duty', '因公致残7级', 'disabled on duty, grade 7', 'fixed', NULL, 270, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.duty.8', 'disability_duty', '因公致残8级', 'disabled on duty, grade 8', 'fixed', NULL, 280, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.duty.9', 'disability_duty', '因公致残9级', 'disabled on duty, grade 9', 'fixed', NULL, 290, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'disability.duty.10', 'disability_duty', '因公致残10级', 'disabled on duty, grade 10', 'fixed', NULL, 300, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'hardship.per_year', 'hardship', '艰苦边远地区服役每年', 'per year served in a hardship area', 'per_year', NULL, 310, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'deduction.warning', 'deduction', '警告(扣分)', 'warning (deducted)', 'per_occurrence', NULL, 320, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'deduction.serious_warning', 'deduction', '严重警告(扣分)', 'serious warning (deducted)', 'per_occurrence', NULL, 330, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'deduction.demerit', 'deduction', '记过(扣分)', 'demerit (deducted)', 'per_occurrence', NULL, 340, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'deduction.serious_demerit', 'deduction', '记大过(扣分)', 'serious demerit (deducted)', 'per_occurrence', NULL, 350, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'deduction.falsified', 'deduction', '弄虚作假(扣分)', 'falsified records (deducted)', 'per_occurrence', NULL, 360, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.conscript', 'rank', '军衔分:义务兵', 'rank score: conscript', 'fixed', NULL, 370, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.corporal', 'rank', '军衔分:下士', 'rank score: corporal', 'fixed', NULL, 380, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.sergeant', 'rank', '军衔分:中士', 'rank score: sergeant', 'fixed', NULL, 390, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.staff_sergeant', 'rank', '军衔分:上士', 'rank score: staff sergeant', 'fixed', NULL, 400, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.msg4', 'rank', '军衔分:四级军士长', 'rank score: master sergeant class 4', 'fixed', NULL, 410, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.msg3', 'rank', '军衔分:三级军士长', 'rank score: master sergeant class 3', 'fixed', NULL, 420, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.msg2', 'rank', '军衔分:二级军士长', 'rank score: master sergeant class 2', 'fixed', NULL, 430, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'rank.msg1', 'rank', '军衔分:一级军士长', 'rank score: master sergeant class 1', 'fixed', NULL, 440, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
  ((SELECT id FROM placement_policies WHERE code = '2023'), 'special_post.per_year', 'special_post', '特殊岗位服役每年', 'per year in a special post', 'per_year', NULL, 450, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
