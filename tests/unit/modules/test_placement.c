/*
 * Unit tests for src/modules/placement: the 2018 table's scoring with worked
 * examples computed by hand from domain.md; the half-year rule at 5, 6 and 7
 * months; an unset value refuses and names itself; eligibility with reasons;
 * the tie-break chain and the rule that broke each tie; the live session and
 * the preference allocation agree; absence rules; receipts; canonical
 * digests; the export verifies and a changed score input or choice is named;
 * the policy tables in the database (both backends via SY_TEST_DB).
 */
#include "testutil.h"

#include <sodium.h>

#include "app/modules.h"
#include "db/scope.h"
#include "lib/strbuf.h"
#include "modules/placement/placement.h"

static db *d;
static struct pl_rates t2018; /* the 2018 table as seeded, read from the database */

static int setup(void **state)
{
	(void)state;
	sy_err err;
	struct pl_policy p;
	if (sodium_init() < 0)
		return -1;
	d = db_open(testutil_fresh_db(), &err);
	if (!d || policy_get(d, "2018", &p, &err))
		return -1;
	sy_status st = policy_compile(&p, &t2018, &err);
	policy_free(&p);
	return st ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(d);
	return 0;
}

/* A candidate with the given service dates; the rest empty. */
static struct pl_candidate cand(const char *id, int32_t enlisted, int32_t discharged)
{
	struct pl_candidate c;
	memset(&c, 0, sizeof c);
	snprintf(c.id, sizeof c.id, "%s", id);
	c.birth = 19850101;
	c.enlisted = enlisted;
	c.discharged = discharged;
	c.education = PL_EDU_SENIOR;
	c.rank = PL_RANK_UNKNOWN;
	return c;
}

static int64_t line_points(const struct pl_score *s, int item)
{
	for (int i = 0; i < s->nlines; i++)
		if (s->lines[i].item == item)
			return s->lines[i].points;
	return -1;
}

/* ---- the 2018 table, worked examples ----
 *
 * A: 12 years 5 months (2008-03-01 → 2020-08-01), a peacetime 二等功, a wartime 三等功, disabled
 *    in combat grade 6. Years: the 5-month remainder counts as half a year → 12.5 years:
 *    12 × 3 = 36, 0.5 × 4 = 2 → 38. Awards: 20 + 20 = 40. Disability 因战 6 → 40. Total 118.
 * B: 10 years 5 months (2010-03-01 → 2020-08-01), a peacetime 二等功: 10.5 × 3 = 31.5, + 20 = 51.5.
 * C: 10 years 7 months (2010-01-01 → 2020-08-01), a peacetime 二等功: 11 × 3 = 33, + 20 = 53.
 * D: 10 years 6 months 4 days (2010-02-01 → 2020-08-05): over six months → 11 years → 33 + 20 = 53.
 * E: 士官, 15 years 2 months (2005-06-01 → 2020-08-01), two peacetime 嘉奖, disabled on duty grade 10:
 *    15.5 years: 12 × 3 = 36, 3.5 × 4 = 14 → 50; 嘉奖 2 × 0.5 = 1; 因公 10 → 2. Total 53.
 * F: 烈士子女, 2 years (2016-09-01 → 2018-09-01), a 中央军委 commendation and a 军委机关部门 one:
 *    2 × 3 = 6, + 20 + 10 = 36.
 * G: a wartime 一等功 (eligible), exactly 12 years (2008-08-01 → 2020-08-01): 12 × 3 = 36 (no
 *    "beyond" line), + 80 = 116.
 */
struct example {
	const char *name;
	struct pl_candidate c;
	int64_t total;         /* millipoints */
	int64_t years_first;   /* points of the years.first line */
	int64_t years_beyond;  /* -1 when there is no such line */
};

static void test_2018_worked_examples(void **state)
{
	(void)state;
	struct example ex[7];
	ex[0] = (struct example){"A", cand("A", 20080301, 20200801), 118000, 36000, 2000};
	ex[0].c.awards[PL_PEACETIME][PL_MERIT2] = 1;
	ex[0].c.awards[PL_WARTIME][PL_MERIT3] = 1;
	ex[0].c.disab_cause = PL_DISAB_COMBAT;
	ex[0].c.disab_grade = 6;
	ex[1] = (struct example){"B", cand("B", 20100301, 20200801), 51500, 31500, -1};
	ex[1].c.awards[PL_PEACETIME][PL_MERIT2] = 1;
	ex[2] = (struct example){"C", cand("C", 20100101, 20200801), 53000, 33000, -1};
	ex[2].c.awards[PL_PEACETIME][PL_MERIT2] = 1;
	ex[3] = (struct example){"D", cand("D", 20100201, 20200805), 53000, 33000, -1};
	ex[3].c.awards[PL_PEACETIME][PL_MERIT2] = 1;
	ex[4] = (struct example){"E", cand("E", 20050601, 20200801), 53000, 36000, 14000};
	ex[4].c.sergeant = true;
	ex[4].c.awards[PL_PEACETIME][PL_JIAJIANG] = 2;
	ex[4].c.disab_cause = PL_DISAB_DUTY;
	ex[4].c.disab_grade = 10;
	ex[5] = (struct example){"F", cand("F", 20160901, 20180901), 36000, 6000, -1};
	ex[5].c.martyr_child = true;
	ex[5].c.commend_cmc = 1;
	ex[5].c.commend_cmc_dept = 1;
	ex[6] = (struct example){"G", cand("G", 20080801, 20200801), 116000, 36000, -1};
	ex[6].c.awards[PL_WARTIME][PL_MERIT1] = 1;
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		struct pl_score s;
		sy_err err;
		assert_int_equal(pl_score(&t2018, &ex[i].c, &s, NULL, &err), SY_OK);
		assert_int_equal(s.status, PL_SCORED);
		if (s.total != ex[i].total)
			fail_msg("example %s: total %lld, expected %lld", ex[i].name, (long long)s.total,
				 (long long)ex[i].total);
		assert_int_equal(line_points(&s, PL_YEARS_FIRST), ex[i].years_first);
		assert_int_equal(line_points(&s, PL_YEARS_BEYOND), ex[i].years_beyond);
		/* The breakdown adds up, and each line is quantity × per unit. */
		int64_t sum = 0;
		for (int k = 0; k < s.nlines; k++) {
			assert_int_equal(s.lines[k].points, s.lines[k].quantity * s.lines[k].per_unit / PL_MILLI);
			sum += s.lines[k].points;
		}
		assert_int_equal(sum, s.total);
	}
	/* A's breakdown, line by line, as the veteran reads it against the table. */
	struct pl_score s;
	pl_score(&t2018, &ex[0].c, &s, NULL, NULL);
	assert_int_equal(s.nlines, 5);
	assert_int_equal(s.lines[0].item, PL_YEARS_FIRST);
	assert_int_equal(s.lines[0].quantity, 12000);
	assert_int_equal(s.lines[0].per_unit, 3000);
	assert_int_equal(s.lines[1].item, PL_YEARS_BEYOND);
	assert_int_equal(s.lines[1].quantity, 500);
	assert_int_equal(s.lines[1].per_unit, 4000);
	assert_int_equal(line_points(&s, pl_award_item(PL_PEACETIME, PL_MERIT2)), 20000);
	assert_int_equal(line_points(&s, pl_award_item(PL_WARTIME, PL_MERIT3)), 20000);
	assert_int_equal(line_points(&s, pl_disab_item(PL_DISAB_COMBAT, 6)), 40000);
}

/* Every seeded 2018 value, as domain.md states it. */
static void test_2018_table_values(void **state)
{
	(void)state;
	static const struct { const char *code; int64_t milli; } want[] = {
		{"years.threshold", 12000}, {"years.first", 3000}, {"years.beyond", 4000},
		{"award.peacetime.jiajiang", 500}, {"award.wartime.jiajiang", 3000},
		{"award.peacetime.merit3", 10000}, {"award.wartime.merit3", 20000},
		{"award.peacetime.merit2", 20000}, {"award.wartime.merit2", 40000},
		{"award.peacetime.merit1", 40000}, {"award.wartime.merit1", 80000},
		{"commendation.cmc", 20000}, {"commendation.cmc_dept", 10000},
		{"disability.combat.5", 50000}, {"disability.combat.6", 40000}, {"disability.combat.7", 30000},
		{"disability.combat.8", 20000}, {"disability.combat.9", 10000}, {"disability.combat.10", 5000},
		{"disability.duty.5", 40000}, {"disability.duty.6", 30000}, {"disability.duty.7", 20000},
		{"disability.duty.8", 10000}, {"disability.duty.9", 5000}, {"disability.duty.10", 2000},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		int item = pl_item_by_code(want[i].code);
		assert_true(item >= 0);
		assert_true(t2018.present[item] && t2018.set[item]);
		assert_int_equal(t2018.value[item], want[i].milli);
	}
	/* Present but unset: what domain.md does not give. */
	const char *unset[] = {"years.exact_6_months", "hardship.per_year", "deduction.warning", "deduction.falsified"};
	for (size_t i = 0; i < 4; i++) {
		int item = pl_item_by_code(unset[i]);
		assert_true(t2018.present[item]);
		assert_false(t2018.set[item]);
	}
	assert_false(t2018.present[pl_award_item(PL_NONWAR, PL_MERIT2)]); /* 2023 only */
	assert_false(t2018.present[PL_RANK_FIRST_]);
}

/* The half-year rule: 5 months → half, 7 → full, exactly 6 → the table's years.exact_6_months,
 * which is unset in the seeded table (domain.md does not say), so scoring refuses and names it. */
static void test_half_year_rule(void **state)
{
	(void)state;
	struct pl_score s;
	struct pl_missing miss;
	sy_err err;
	struct pl_candidate c5 = cand("m5", 20100301, 20200801), c6 = cand("m6", 20100201, 20200801),
			    c7 = cand("m7", 20100101, 20200801);
	c5.awards[PL_PEACETIME][PL_MERIT2] = c6.awards[PL_PEACETIME][PL_MERIT2] = c7.awards[PL_PEACETIME][PL_MERIT2] = 1;
	int32_t mo, dd;
	pl_service_length(&c6, &mo, &dd);
	assert_int_equal(mo, 126);
	assert_int_equal(dd, 0);
	assert_int_equal(pl_score(&t2018, &c5, &s, NULL, &err), SY_OK);
	assert_int_equal(line_points(&s, PL_YEARS_FIRST), 31500); /* 10.5 × 3 */
	assert_int_equal(pl_score(&t2018, &c7, &s, NULL, &err), SY_OK);
	assert_int_equal(line_points(&s, PL_YEARS_FIRST), 33000); /* 11 × 3 */
	assert_int_equal(pl_score(&t2018, &c6, &s, &miss, &err), SY_EINVAL);
	assert_string_equal(err.code, "policy_value_unset");
	assert_non_null(strstr(err.msg_en, "years.exact_6_months"));
	assert_true(miss.unset[PL_YEARS_EXACT6]);
	assert_int_equal(miss.nunset, 1);
	/* Decided as half a year, then as a full year. */
	struct pl_rates r = t2018;
	r.set[PL_YEARS_EXACT6] = true;
	r.value[PL_YEARS_EXACT6] = 500;
	assert_int_equal(pl_score(&r, &c6, &s, NULL, &err), SY_OK);
	assert_int_equal(line_points(&s, PL_YEARS_FIRST), 31500);
	r.value[PL_YEARS_EXACT6] = 1000;
	assert_int_equal(pl_score(&r, &c6, &s, NULL, &err), SY_OK);
	assert_int_equal(line_points(&s, PL_YEARS_FIRST), 33000);
	/* Across the threshold: 12 years 6 months counted as 13 → one year at the beyond rate. */
	struct pl_candidate c126 = cand("y12m6", 20080201, 20200801);
	c126.awards[PL_PEACETIME][PL_MERIT2] = 1;
	assert_int_equal(pl_score(&r, &c126, &s, NULL, &err), SY_OK);
	assert_int_equal(line_points(&s, PL_YEARS_BEYOND), 4000); /* a full year beyond 12 */
}

/* A batch with unset values refuses, names every one, and leaves no partial scores. */
static void test_unset_values_named(void **state)
{
	(void)state;
	struct pl_candidate c[3] = {cand("u1", 20100301, 20200801), cand("u2", 20100201, 20200801),
				    cand("u3", 20100301, 20200801)};
	c[0].awards[PL_PEACETIME][PL_MERIT2] = 1;
	c[0].hardship_years = 3;
	c[1].awards[PL_PEACETIME][PL_MERIT2] = 1;
	c[2].awards[PL_PEACETIME][PL_MERIT2] = 1;
	c[2].deductions[PL_DED_WARNING] = 1;
	struct pl_score s[3];
	struct pl_missing miss;
	sy_err err;
	assert_int_equal(pl_score_all(&t2018, c, 3, s, &miss, &err), SY_EINVAL);
	assert_string_equal(err.code, "policy_value_unset");
	assert_int_equal(miss.nunset, 3);
	assert_non_null(strstr(err.msg_en, "hardship.per_year"));
	assert_non_null(strstr(err.msg_en, "years.exact_6_months"));
	assert_non_null(strstr(err.msg_en, "deduction.warning"));
	assert_non_null(strstr(err.msg_zh, "未设置"));
	assert_int_equal(s[0].total, 0);
	/* An input the table has no item for (a 重大非战争军事行动 award in the 2018 table). */
	struct pl_candidate nw = cand("nw", 20100301, 20200801);
	nw.awards[PL_PEACETIME][PL_MERIT2] = 1;
	nw.awards[PL_NONWAR][PL_MERIT3] = 1;
	assert_int_equal(pl_score(&t2018, &nw, &s[0], NULL, &err), SY_EINVAL);
	assert_string_equal(err.code, "policy_item_absent");
	assert_non_null(strstr(err.msg_en, "award.nonwar.merit3"));
	/* Once set, the deduction subtracts. */
	struct pl_rates r = t2018;
	pl_rates_put(&r, PL_DEDUCT_FIRST_ + PL_DED_WARNING, true, 2000);
	assert_int_equal(pl_score(&r, &c[2], &s[2], NULL, &err), SY_OK);
	assert_int_equal(s[2].total, 51500 - 2000);
	assert_int_equal(line_points(&s[2], PL_DEDUCT_FIRST_ + PL_DED_WARNING), -2000);
}

static void test_eligibility(void **state)
{
	(void)state;
	struct pl_candidate c = cand("x", 20150901, 20200901); /* 义务兵, 5 years, nothing else */
	assert_int_equal(pl_eligibility(&c), 0);
	char zh[512], en[512];
	pl_ineligible_reason(&c, zh, sizeof zh, en, sizeof en);
	assert_non_null(strstr(zh, "服役5年0个月"));
	assert_non_null(strstr(en, "conscript with 5 years 0 months"));
	struct pl_score s;
	assert_int_equal(pl_score(&t2018, &c, &s, NULL, NULL), SY_OK);
	assert_int_equal(s.status, PL_NOT_ELIGIBLE);
	c.sergeant = true;
	assert_int_equal(pl_eligibility(&c), 0); /* a sergeant, but under 12 years */
	c.enlisted = 20080901;
	assert_int_equal(pl_eligibility(&c), PL_CRIT_SERGEANT_12Y);
	c = cand("y", 20150901, 20200901);
	c.awards[PL_PEACETIME][PL_MERIT3] = 3; /* peacetime 三等功 does not qualify */
	c.awards[PL_NONWAR][PL_MERIT1] = 1;    /* nor, by domain.md, a non-war operation's award */
	assert_int_equal(pl_eligibility(&c), 0);
	c.awards[PL_WARTIME][PL_MERIT3] = 1;
	assert_int_equal(pl_eligibility(&c), PL_CRIT_AWARD);
	c = cand("z", 20150901, 20200901);
	c.disab_cause = PL_DISAB_COMBAT;
	c.disab_grade = 9;
	assert_int_equal(pl_eligibility(&c), 0);
	c.disab_grade = 8;
	assert_int_equal(pl_eligibility(&c), PL_CRIT_COMBAT_DISABLED);
	c.disab_cause = PL_DISAB_DUTY;
	assert_int_equal(pl_eligibility(&c), 0);
	c.martyr_child = true;
	assert_int_equal(pl_eligibility(&c), PL_CRIT_MARTYR_CHILD);
	/* 八一勋章: placed first, not scored, even with nothing else. */
	c = cand("h", 20150901, 20200901);
	c.honour = PL_HONOUR_BAYI;
	assert_int_equal(pl_score(&t2018, &c, &s, NULL, NULL), SY_OK);
	assert_int_equal(s.status, PL_FIRST);
	assert_int_equal(s.nlines, 0);
}

/* Ties broken by the chain, and the rule that broke each is recorded. */
static void test_tiebreak_chain(void **state)
{
	(void)state;
	/* All four score 51.5 (10.5 years + a peacetime 二等功); T1 has served longer (10 y 4 m against
	 * 10 y 2 m); T2 and T3 served alike but T3 is older; T4 and T2 served alike, same birth: the id
	 * decides. H holds an honorary title and comes first; S scores more than the tie. */
	struct pl_candidate c[6] = {cand("T2", 20100601, 20200801), cand("T1", 20100401, 20200801),
				    cand("T4", 20100601, 20200801), cand("T3", 20100601, 20200801),
				    cand("S", 20100101, 20200801), cand("H", 20150901, 20200901)};
	for (int i = 0; i < 5; i++)
		c[i].awards[PL_PEACETIME][PL_MERIT2] = 1;
	c[3].birth = 19800101;
	c[5].honour = PL_HONOUR_TITLE;
	struct pl_score s[6];
	struct pl_ranking rk;
	struct pl_chain ch;
	sy_err err;
	assert_int_equal(pl_score_all(&t2018, c, 6, s, NULL, &err), SY_OK);
	assert_int_equal(s[0].total, s[1].total);
	pl_chain_default(&ch);
	assert_int_equal(pl_rank(c, s, 6, &ch, &rk, &err), SY_OK);
	const char *want[6] = {"H", "S", "T1", "T3", "T2", "T4"};
	const int rule[6] = {PL_TB_NONE, PL_TB_NONE, PL_TB_NONE, PL_TB_SERVICE_LONGER, PL_TB_OLDER, PL_TB_ID};
	for (int i = 0; i < 6; i++) {
		assert_string_equal(c[rk.order[i]].id, want[i]);
		assert_int_equal(rk.tie_rule[i], rule[i]);
		assert_int_equal(rk.rank_of[rk.order[i]], i + 1);
	}
	/* The canonical score list shows the same totals, so the rule is what put them apart. */
	strbuf sb;
	sb_init(&sb);
	assert_true(pl_canon_scores(&sb, c, s, &rk));
	assert_non_null(strstr(sb_str(&sb), "3\tT1\tscored\t51.500\tyears.first=10.500x3.000=31.500;"
					    "award.peacetime.merit2=1.000x20.000=20.000\n"));
	assert_non_null(strstr(sb_str(&sb), "1\tH\tfirst\t0.000\t\n"));
	sb_free(&sb);
	pl_ranking_free(&rk);
	/* A chain of "older" alone: T3 (oldest) before T1 despite the shorter service. */
	ch.n = 1;
	ch.rule[0] = PL_TB_OLDER;
	assert_int_equal(pl_rank(c, s, 6, &ch, &rk, &err), SY_OK);
	assert_string_equal(c[rk.order[2]].id, "T3");
	assert_int_equal(rk.tie_rule[3], PL_TB_OLDER); /* T1 after T3: T3 is older */
	assert_int_equal(rk.tie_rule[4], PL_TB_ID);    /* T2 after T1: born alike, the id */
	pl_ranking_free(&rk);
	/* A duplicate id is refused. */
	snprintf(c[2].id, sizeof c[2].id, "T2");
	assert_int_equal(pl_rank(c, s, 6, &ch, &rk, &err), SY_EINVAL);
	assert_string_equal(err.code, "duplicate_candidate_id");
}

/* ---- allocation ---- */

/* n candidates with distinct scores (descending by index) and random preferences. */
struct world {
	int n, nposts;
	struct pl_candidate *c;
	struct pl_score *s;
	struct pl_post *posts;
	int32_t *off, *pref;
	struct pl_ranking rk;
};

static void world_make(struct world *w, int n, int nposts, int npref, unsigned seed)
{
	sy_err err;
	memset(w, 0, sizeof *w);
	w->n = n;
	w->nposts = nposts;
	w->c = calloc((size_t)n, sizeof *w->c);
	w->s = calloc((size_t)n, sizeof *w->s);
	w->posts = calloc((size_t)nposts, sizeof *w->posts);
	w->off = calloc((size_t)n + 1, sizeof *w->off);
	w->pref = calloc((size_t)n * (size_t)npref + 1, sizeof *w->pref);
	assert_non_null(w->c);
	assert_non_null(w->pref);
	srand(seed);
	for (int p = 0; p < nposts; p++) {
		snprintf(w->posts[p].id, sizeof w->posts[p].id, "P%03d", p);
		snprintf(w->posts[p].title, sizeof w->posts[p].title, "岗位 %d", p);
		w->posts[p].places = 1 + rand() % 3;
		w->posts[p].min_education = (uint8_t)(rand() % 4 == 0 ? PL_EDU_BACHELOR : PL_EDU_NONE);
	}
	for (int i = 0; i < n; i++) {
		char id[16];
		snprintf(id, sizeof id, "C%04d", i);
		w->c[i] = cand(id, 20100301, 20200801);
		w->c[i].awards[PL_PEACETIME][PL_MERIT2] = 1;
		w->c[i].awards[PL_PEACETIME][PL_JIAJIANG] = (uint16_t)(rand() % 8);
		w->c[i].education = (uint8_t)(rand() % PL_EDU_COUNT);
		w->off[i + 1] = w->off[i];
		for (int k = 0; k < npref; k++)
			w->pref[w->off[i + 1]++] = rand() % nposts;
	}
	struct pl_chain ch;
	pl_chain_default(&ch);
	assert_int_equal(pl_score_all(&t2018, w->c, n, w->s, NULL, &err), SY_OK);
	assert_int_equal(pl_rank(w->c, w->s, n, &ch, &w->rk, &err), SY_OK);
}

static void world_free(struct world *w)
{
	free(w->c), free(w->s), free(w->posts), free(w->off), free(w->pref);
	pl_ranking_free(&w->rk);
}

/* The choice a person makes in the hall: their favourite post on the projector (open, acceptable). */
static struct pl_choice hall_choice(const struct world *w, const struct pl_session *s, int cand)
{
	for (int32_t k = w->off[cand]; k < w->off[cand + 1]; k++) {
		int32_t p = w->pref[k];
		if (s->left[p] > 0 && w->c[cand].education >= w->posts[p].min_education)
			return (struct pl_choice){.kind = PL_CHOOSE_POST, .post = p};
	}
	return (struct pl_choice){.kind = PL_CHOOSE_NONE, .post = -1};
}

static void test_live_equals_preferences(void **state)
{
	(void)state;
	struct world w;
	sy_err err;
	world_make(&w, 400, 60, 5, 7);
	struct pl_result *a = calloc((size_t)w.n, sizeof *a), *b = calloc((size_t)w.n, sizeof *b);
	struct pl_prefs p = {.off = w.off, .pref = w.pref};
	assert_int_equal(pl_allocate(w.c, w.n, &w.rk, w.posts, w.nposts, &p, a, &err), SY_OK);
	struct pl_session s;
	assert_int_equal(pl_session_init(&s, w.c, w.n, &w.rk, w.posts, w.nposts, PL_ABSENCE_FORFEIT, b, &err), SY_OK);
	for (int cur; (cur = pl_session_current(&s)) >= 0;) {
		struct pl_choice ch = hall_choice(&w, &s, cur);
		assert_int_equal(pl_session_step(&s, &ch, &err), SY_OK);
	}
	pl_session_free(&s);
	int placed = 0;
	for (int i = 0; i < w.n; i++) {
		assert_int_equal(a[i].outcome, b[i].outcome);
		assert_int_equal(a[i].post, b[i].post);
		assert_int_equal(a[i].turn, b[i].turn);
		placed += a[i].outcome == PL_OUT_PLACED;
	}
	assert_true(placed > 50);
	/* Serial dictatorship: nobody prefers a post that a lower-ranked person got while it was
	 * acceptable to them (it was full at their turn, or they did not meet its requirements). */
	for (int i = 0; i < w.n; i++) {
		for (int32_t k = w.off[i]; k < w.off[i + 1] && w.pref[k] != a[i].post; k++) {
			int32_t post = w.pref[k];
			if (w.c[i].education < w.posts[post].min_education)
				continue;
			for (int j = 0; j < w.n; j++)
				if (a[j].post == post && w.rk.rank_of[j] > w.rk.rank_of[i])
					fail_msg("%s envies %s's post %s", w.c[i].id, w.c[j].id, w.posts[post].id);
		}
	}
	/* The same digests either way. */
	struct pl_digests da, db_;
	assert_int_equal(pl_digests(w.c, w.s, &w.rk, w.posts, w.nposts, a, &da, &err), SY_OK);
	assert_int_equal(pl_digests(w.c, w.s, &w.rk, w.posts, w.nposts, b, &db_, &err), SY_OK);
	assert_string_equal(da.results, db_.results);
	free(a);
	free(b);
	world_free(&w);
}

/* A small session by hand: refusals change nothing; absence rules; receipts. */
static void test_session_absence_and_receipts(void **state)
{
	(void)state;
	/* Ranks by score: R1 (most), R2, R3, R4. Posts: X (1 place), Y (1 place, 本科), Z (2 places). */
	struct pl_candidate c[4] = {cand("R1", 20080301, 20200801), cand("R2", 20090301, 20200801),
				    cand("R3", 20100301, 20200801), cand("R4", 20100801, 20200801)};
	for (int i = 0; i < 4; i++)
		c[i].awards[PL_PEACETIME][PL_MERIT2] = 1;
	c[1].education = PL_EDU_BACHELOR;
	struct pl_post posts[3] = {{.id = "X", .places = 1}, {.id = "Y", .places = 1, .min_education = PL_EDU_BACHELOR},
				   {.id = "Z", .places = 2}};
	struct pl_score s[4];
	struct pl_ranking rk;
	struct pl_chain ch;
	struct pl_result res[4];
	struct pl_session ss;
	sy_err err;
	pl_chain_default(&ch);
	assert_int_equal(pl_score_all(&t2018, c, 4, s, NULL, &err), SY_OK);
	assert_int_equal(pl_rank(c, s, 4, &ch, &rk, &err), SY_OK);
	assert_string_equal(c[rk.order[0]].id, "R1");
	/* skip_to_end: R1 absent → moved to the end; R2 takes X; R3 refused Y (education), takes Z;
	 * R4 takes Z's last place; R1, called again, takes Y? no: R1 lacks 本科 → none; */
	assert_int_equal(pl_session_init(&ss, c, 4, &rk, posts, 3, PL_ABSENCE_SKIP_TO_END, res, &err), SY_OK);
	struct pl_choice absent = {.kind = PL_CHOOSE_ABSENT}, none = {.kind = PL_CHOOSE_NONE};
	assert_int_equal(pl_session_step(&ss, &absent, &err), SY_OK);
	assert_int_equal(pl_session_current(&ss), 1);
	assert_int_equal(pl_session_step(&ss, &(struct pl_choice){.kind = PL_CHOOSE_POST, .post = 0}, &err), SY_OK);
	assert_int_equal(pl_session_step(&ss, &(struct pl_choice){.kind = PL_CHOOSE_POST, .post = 1}, &err), SY_EINVAL);
	assert_string_equal(err.code, "post_not_acceptable");
	assert_int_equal(pl_session_step(&ss, &(struct pl_choice){.kind = PL_CHOOSE_POST, .post = 0}, &err),
			 SY_ECONFLICT);
	assert_string_equal(err.code, "post_full");
	assert_int_equal(pl_session_current(&ss), 2); /* still R3's turn */
	assert_int_equal(pl_session_step(&ss, &(struct pl_choice){.kind = PL_CHOOSE_POST, .post = 2}, &err), SY_OK);
	assert_int_equal(pl_session_step(&ss, &(struct pl_choice){.kind = PL_CHOOSE_POST, .post = 2}, &err), SY_OK);
	assert_int_equal(pl_session_current(&ss), 0); /* R1 again, at the end */
	assert_int_equal(pl_session_step(&ss, &none, &err), SY_OK);
	assert_int_equal(pl_session_current(&ss), -1);
	assert_int_equal(pl_session_step(&ss, &none, &err), SY_ECONFLICT);
	pl_session_free(&ss);
	assert_int_equal(res[0].outcome, PL_OUT_NO_CHOICE);
	assert_int_equal(res[0].turn, 4);
	assert_int_equal(res[1].post, 0);
	assert_int_equal(res[2].post, 2);
	assert_int_equal(res[3].post, 2);
	/* forfeit: R1 absent loses the turn for good. */
	assert_int_equal(pl_session_init(&ss, c, 4, &rk, posts, 3, PL_ABSENCE_FORFEIT, res, &err), SY_OK);
	assert_int_equal(pl_session_step(&ss, &absent, &err), SY_OK);
	assert_int_equal(pl_session_current(&ss), 1);
	pl_session_free(&ss);
	assert_int_equal(res[0].outcome, PL_OUT_ABSENT);

	/* Preferences and receipts: R1 wants X; R2 wants X then Y; R3 wants X, Y, Z; R4 wants Y, X, Z. */
	int32_t off[5] = {0, 1, 3, 6, 9}, pref[9] = {0, 0, 1, 0, 1, 2, 1, 0, 2};
	struct pl_prefs p = {.off = off, .pref = pref};
	assert_int_equal(pl_allocate(c, 4, &rk, posts, 3, &p, res, &err), SY_OK);
	assert_int_equal(res[0].post, 0); /* R1: X */
	assert_int_equal(res[1].post, 1); /* R2: X gone → Y (has 本科) */
	assert_int_equal(res[2].post, 2); /* R3: Z */
	assert_int_equal(res[3].post, 2); /* R4: Y gone, X gone → Z */
	struct pl_receipt r;
	assert_int_equal(pl_receipt(&rk, posts, 3, res, 4, &p, 3, &r, &err), SY_OK);
	assert_int_equal(r.rank, 4);
	assert_int_equal(r.post, 2);
	assert_int_equal(r.nopen, 1); /* only Z (one place left) when R4's turn came */
	assert_int_equal(r.open[0], 2);
	assert_int_equal(r.nhigher, 2);
	assert_int_equal(r.higher[0].post, 1);
	assert_int_equal(r.higher[0].taken_by, 2); /* Y: taken by rank 2 */
	assert_int_equal(r.higher[1].post, 0);
	assert_int_equal(r.higher[1].taken_by, 1); /* X: taken by rank 1 */
	pl_receipt_free(&r);
	/* R3 ranked Y above Z: Y was taken by rank 2 (R3 would not qualify anyway). */
	assert_int_equal(pl_receipt(&rk, posts, 3, res, 4, &p, 2, &r, &err), SY_OK);
	assert_int_equal(r.nopen, 1);
	assert_int_equal(r.nhigher, 2);
	pl_receipt_free(&r);
	pl_ranking_free(&rk);
}

/* ---- export and verify ---- */

static json_t *export_world(struct world *w, int mode, struct pl_digests *dg)
{
	struct pl_batch b;
	sy_err err;
	memset(&b, 0, sizeof b);
	snprintf(b.name, sizeof b.name, "2024 test batch");
	b.rates = t2018;
	pl_chain_default(&b.chain);
	b.mode = mode;
	b.absence = PL_ABSENCE_SKIP_TO_END;
	b.n = w->n;
	b.nposts = w->nposts;
	b.cand = malloc((size_t)w->n * sizeof *b.cand);
	b.posts = malloc((size_t)w->nposts * sizeof *b.posts);
	b.pref_off = malloc(((size_t)w->n + 1) * sizeof *b.pref_off);
	b.pref = malloc(((size_t)w->off[w->n] + 1) * sizeof *b.pref);
	memcpy(b.cand, w->c, (size_t)w->n * sizeof *b.cand);
	memcpy(b.posts, w->posts, (size_t)w->nposts * sizeof *b.posts);
	memcpy(b.pref_off, w->off, ((size_t)w->n + 1) * sizeof *b.pref_off);
	memcpy(b.pref, w->pref, (size_t)w->off[w->n] * sizeof *b.pref);
	if (mode == PL_MODE_LIVE) {
		/* Record a live session: every 7th candidate absent once, the rest choose in the hall. */
		assert_int_equal(pl_batch_run(&b, &err), SY_OK); /* scores and ranks */
		struct pl_session s;
		struct pl_result *res = calloc((size_t)w->n, sizeof *res);
		b.choice_cand = malloc((size_t)w->n * 2 * sizeof *b.choice_cand);
		b.choice = malloc((size_t)w->n * 2 * sizeof *b.choice);
		assert_int_equal(pl_session_init(&s, b.cand, b.n, &b.rk, b.posts, b.nposts, b.absence, res, &err), SY_OK);
		for (int cur; (cur = pl_session_current(&s)) >= 0;) {
			struct pl_choice ch = cur % 7 == 3 && !s.deferred[cur] ? (struct pl_choice){.kind = PL_CHOOSE_ABSENT}
										: hall_choice(w, &s, cur);
			b.choice_cand[b.nchoices] = cur;
			b.choice[b.nchoices++] = ch;
			assert_int_equal(pl_session_step(&s, &ch, &err), SY_OK);
		}
		pl_session_free(&s);
		free(res);
	}
	assert_int_equal(pl_batch_run(&b, &err), SY_OK);
	*dg = b.dg;
	json_t *j = pl_export_json(&b);
	assert_non_null(j);
	pl_batch_free(&b);
	return j;
}

/* The candidate object in the export with this id. */
static json_t *export_candidate(json_t *j, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(j, "candidates"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "id")), id) == 0)
			return v;
	fail_msg("no candidate %s", id);
	return NULL;
}

static void test_export_verify(void **state)
{
	(void)state;
	struct world w;
	struct pl_digests dg, vg;
	sy_err err;
	bool same;
	char diff[768];
	world_make(&w, 200, 30, 4, 11);
	for (int mode = PL_MODE_PREFERENCES; mode <= PL_MODE_LIVE; mode++) {
		json_t *j = export_world(&w, mode, &dg);
		/* Through text, as a file would go. */
		char *text = json_dumps(j, JSON_COMPACT);
		json_t *back = json_loads(text, 0, NULL);
		free(text);
		assert_int_equal(pl_verify(back, &same, diff, sizeof diff, &vg, &err), SY_OK);
		if (!same)
			fail_msg("untouched export differs: %s", diff);
		assert_string_equal(vg.scores, dg.scores);
		assert_string_equal(vg.results, dg.results);
		assert_string_equal(vg.posts, dg.posts);
		json_decref(back);

		/* One score input changed: C0042 gets a second peacetime 二等功 in the export. */
		json_t *t = json_deep_copy(j);
		json_object_set_new(json_object_get(json_object_get(export_candidate(t, "C0042"), "awards"), "peacetime"),
				    "merit2", json_integer(2));
		assert_int_equal(pl_verify(t, &same, diff, sizeof diff, &vg, &err), SY_OK);
		assert_false(same);
		if (!strstr(diff, "candidate C0042's score"))
			fail_msg("mode %d: %s", mode, diff);
		json_decref(t);

		/* A stated digest changed. */
		t = json_deep_copy(j);
		json_object_set_new(json_object_get(t, "digests"), "posts", json_string("00"));
		assert_int_equal(pl_verify(t, &same, diff, sizeof diff, &vg, &err), SY_OK);
		assert_false(same);
		assert_non_null(strstr(diff, "the posts digest"));
		json_decref(t);

		/* One choice changed: in preferences mode, the first to choose now ranks first a post nobody
		 * chose (added for the purpose); in live mode, the first recorded choice of a post becomes
		 * "none". Either way that candidate's result is the first to differ. */
		t = json_deep_copy(j);
		size_t i;
		json_t *r;
		const char *who = NULL;
		if (mode == PL_MODE_PREFERENCES) {
			json_array_foreach(json_object_get(t, "results"), i, r)
				if (json_integer_value(json_object_get(r, "turn")) == 0)
					who = json_string_value(json_object_get(r, "id"));
			assert_non_null(who);
			json_t *pr = json_object_get(export_candidate(t, who), "preferences");
			json_array_insert_new(pr, 0, json_string("P-NEW"));
			json_array_append_new(json_object_get(t, "posts"),
					      json_pack("{s:s, s:s, s:s, s:i, s:s}", "id", "P-NEW", "employer", "e", "title",
							"t", "places", 1, "min_education", "none"));
		} else {
			json_array_foreach(json_object_get(t, "live_steps"), i, r) {
				if (strcmp(json_string_value(json_object_get(r, "choice")), "post") != 0)
					continue;
				who = json_string_value(json_object_get(r, "candidate"));
				json_object_set_new(r, "choice", json_string("none"));
				json_object_del(r, "post");
				break;
			}
			assert_non_null(who);
		}
		char saved[64];
		snprintf(saved, sizeof saved, "candidate %s's result", who);
		assert_int_equal(pl_verify(t, &same, diff, sizeof diff, &vg, &err), SY_OK);
		assert_false(same);
		if (!strstr(diff, saved))
			fail_msg("expected \"%s\" in: %s", saved, diff);
		json_decref(t);

		/* Not an export at all. */
		t = json_pack("{s:s}", "format", "something else");
		assert_int_equal(pl_verify(t, &same, diff, sizeof diff, &vg, &err), SY_EINVAL);
		json_decref(t);
		json_decref(j);
	}
	world_free(&w);
}

/* `shuangyong placement verify FILE`: output and exit status. */
static void test_verify_command(void **state)
{
	(void)state;
	struct world w;
	struct pl_digests dg;
	world_make(&w, 50, 10, 3, 5);
	json_t *j = export_world(&w, PL_MODE_PREFERENCES, &dg);
	char path[] = "/tmp/sy-placement-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(json_dump_file(j, path, JSON_INDENT(1)), 0);
	const struct cli_command *cmd = modules_find_command("placement");
	assert_non_null(cmd);
	char outbuf[4096] = "";
	FILE *out = fmemopen(outbuf, sizeof outbuf, "w"), *errf = fopen("/dev/null", "w");
	struct cli_ctx ctx = {.out = out, .err = errf};
	char *argv[] = {"verify", path};
	assert_int_equal(cmd->run(&ctx, 2, argv), 0);
	fflush(out);
	assert_non_null(strstr(outbuf, "confirmed"));
	assert_non_null(strstr(outbuf, dg.scores));
	/* A changed score input: exit 1, naming the candidate. */
	json_object_set_new(export_candidate(j, "C0007"), "martyr_child", json_true());
	json_object_set_new(export_candidate(j, "C0007"), "commendations", json_pack("{s:i}", "cmc", 1));
	assert_int_equal(json_dump_file(j, path, 0), 0);
	rewind(out);
	memset(outbuf, 0, sizeof outbuf);
	assert_int_equal(cmd->run(&ctx, 2, argv), 1);
	fflush(out);
	assert_non_null(strstr(outbuf, "DIFFERENCE: candidate C0007's score"));
	/* An unreadable file: exit 2. */
	char *bad[] = {"verify", "/nonexistent/export.json"};
	assert_int_equal(cmd->run(&ctx, 2, bad), 2);
	fclose(out);
	fclose(errf);
	unlink(path);
	json_decref(j);
	world_free(&w);
}

/* ---- policy tables in the database ---- */

static void test_policy_db(void **state)
{
	(void)state;
	struct pl_policy p;
	sy_err err;
	json_t *list = NULL;
	assert_int_equal(policy_list(d, &list, &err), SY_OK);
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "code")), "2023");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "unset")), 7);
	json_decref(list);

	assert_int_equal(policy_for_discharge(d, "2020-08-01", &p, &err), SY_OK);
	assert_string_equal(p.code, "2018");
	assert_int_equal(p.nunset, 7); /* exactly-6-months, hardship, five deductions */
	policy_free(&p);
	assert_int_equal(policy_for_discharge(d, "2023-03-01", &p, &err), SY_OK);
	assert_string_equal(p.code, "2023");
	assert_int_equal(p.nunset, p.nitems); /* every 2023 value is unset */
	json_t *pj = policy_to_json(&p);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(pj, "items"), 0), "value")));
	json_decref(pj);
	/* The 2023 table's items: rank scores, awards in three contexts, special posts. */
	struct pl_rates r23;
	assert_int_equal(policy_compile(&p, &r23, &err), SY_OK);
	assert_true(r23.present[PL_RANK_FIRST_ + PL_RANK_MSG4]);
	assert_true(r23.present[pl_award_item(PL_NONWAR, PL_MERIT2)]);
	assert_true(r23.present[PL_SPECIAL_POST_PER_YEAR]);
	policy_free(&p);
	/* Scoring by the 2023 table refuses, naming the values it needs. */
	struct pl_candidate c = cand("c23", 20100301, 20221201);
	c.awards[PL_PEACETIME][PL_MERIT2] = 1;
	c.rank = PL_RANK_SERGEANT;
	struct pl_score s;
	assert_int_equal(pl_score(&r23, &c, &s, NULL, &err), SY_EINVAL);
	assert_string_equal(err.code, "policy_value_unset");
	assert_non_null(strstr(err.msg_en, "years.threshold, years.first, years.beyond"));
	assert_non_null(strstr(err.msg_en, "rank.sergeant"));
	assert_non_null(strstr(err.msg_en, "award.peacetime.merit2"));
	assert_int_equal(policy_for_discharge(d, "2020-13-01", &p, &err), SY_EINVAL);
	assert_int_equal(policy_get(d, "1999", &p, &err), SY_ENOTFOUND);
	assert_string_equal(err.code, "policy_not_found");
}

static void test_policy_set_item(void **state)
{
	(void)state;
	struct principal admin, officer;
	struct pl_policy p;
	sy_err err;
	int64_t n = 0;
	principal_system(&admin, "admin1");
	officer = admin;
	officer.role = ROLE_OFFICER;
	assert_int_equal(policy_set_item(d, &officer, "2018", "hardship.per_year", "2", &err), SY_EFORBIDDEN);
	/* Bad values, each refused with invalid_value on "value", nothing changed. */
	const char *bad[] = {"abc", "-1", "0.333", "1e3", "", "1001", "2."};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(policy_set_item(d, &admin, "2018", "hardship.per_year", bad[i], &err), SY_EINVAL);
		assert_string_equal(err.code, "invalid_value");
		assert_string_equal(err.field, "value");
	}
	assert_int_equal(policy_set_item(d, &admin, "2018", "years.exact_6_months", "0.7", &err), SY_EINVAL);
	assert_int_equal(policy_set_item(d, &admin, "2023", "years.threshold", "12.5", &err), SY_EINVAL);
	assert_int_equal(policy_set_item(d, &admin, "2018", "no.such.item", "1", &err), SY_ENOTFOUND);
	assert_string_equal(err.code, "policy_item_not_found");
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'placement.policy_item'",
				      DB_NOARGS, &n, &err), SY_OK);
	assert_int_equal(n, 0);
	/* Set, read back, audited with before and after. */
	assert_int_equal(policy_set_item(d, &admin, "2018", "years.exact_6_months", "1", &err), SY_OK);
	assert_int_equal(policy_set_item(d, &admin, "2018", "hardship.per_year", "1.25", &err), SY_OK);
	assert_int_equal(policy_get(d, "2018", &p, &err), SY_OK);
	assert_int_equal(p.nunset, 5);
	struct pl_rates r;
	assert_int_equal(policy_compile(&p, &r, &err), SY_OK);
	assert_int_equal(r.value[PL_HARDSHIP_PER_YEAR], 1250);
	assert_int_equal(r.value[PL_YEARS_EXACT6], 1000);
	for (int i = 0; i < p.nitems; i++)
		if (strcmp(p.items[i].code, "hardship.per_year") == 0)
			assert_string_equal(p.items[i].updated_by, "admin1");
	policy_free(&p);
	/* Scoring now uses them: 10 y 6 m counts as 11 years; 2 hardship years × 1.25. */
	struct pl_candidate c = cand("h6", 20100201, 20200801);
	c.awards[PL_PEACETIME][PL_MERIT2] = 1;
	c.hardship_years = 2;
	struct pl_score s;
	assert_int_equal(pl_score(&r, &c, &s, NULL, &err), SY_OK);
	assert_int_equal(s.total, 33000 + 20000 + 2500);
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'placement.policy_item'"
				      " AND object_id = '2018' AND detail LIKE '%\"after\":\"1.250\"%'",
				      DB_NOARGS, &n, &err), SY_OK);
	assert_int_equal(n, 1);
	/* Cleared again. */
	assert_int_equal(policy_set_item(d, &admin, "2018", "hardship.per_year", NULL, &err), SY_OK);
	assert_int_equal(policy_get(d, "2018", &p, &err), SY_OK);
	assert_int_equal(p.nunset, 6);
	policy_free(&p);
}

static void test_parse_format_milli(void **state)
{
	(void)state;
	int64_t v;
	char b[32];
	assert_true(pl_parse_milli("0.5", 2, &v) && v == 500);
	assert_true(pl_parse_milli("12", 2, &v) && v == 12000);
	assert_true(pl_parse_milli("-3.25", 2, &v) && v == -3250);
	assert_true(pl_parse_milli("38.000", 3, &v) && v == 38000);
	assert_false(pl_parse_milli("38.000", 2, &v));
	assert_false(pl_parse_milli("1234567890", 2, &v));
	assert_false(pl_parse_milli(".5", 2, &v));
	assert_false(pl_parse_milli("5 ", 2, &v));
	pl_format_milli(-2500, b);
	assert_string_equal(b, "-2.500");
	pl_format_milli(118000, b);
	assert_string_equal(b, "118.000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format_milli),
		cmocka_unit_test(test_2018_table_values),
		cmocka_unit_test(test_2018_worked_examples),
		cmocka_unit_test(test_half_year_rule),
		cmocka_unit_test(test_unset_values_named),
		cmocka_unit_test(test_eligibility),
		cmocka_unit_test(test_tiebreak_chain),
		cmocka_unit_test(test_live_equals_preferences),
		cmocka_unit_test(test_session_absence_and_receipts),
		cmocka_unit_test(test_export_verify),
		cmocka_unit_test(test_verify_command),
		cmocka_unit_test(test_policy_db),
		cmocka_unit_test(test_policy_set_item),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
