/*
 * engine.c - 阳光安置 scoring, eligibility, ranking, allocation and receipts
 * (see placement.h). Pure computation over arrays: no database, no I/O.
 *
 * Exactness: table values have at most two decimals (multiples of 10
 * millipoints) and every quantity is a whole number of units or of half
 * years (multiples of 500 thousandths), so quantity * per_unit is a multiple
 * of 5,000 and the division by 1000 in line_points() never rounds.
 */
#include "placement.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/timeutil.h"

/* In the order of enum pl_item. */
static const char *const ITEM_CODES[PL_ITEM_COUNT] = {
	"years.threshold", "years.first", "years.beyond", "years.exact_6_months",
	"award.peacetime.jiajiang", "award.peacetime.merit3", "award.peacetime.merit2",
	"award.peacetime.merit1",
	"award.wartime.jiajiang", "award.wartime.merit3", "award.wartime.merit2", "award.wartime.merit1",
	"award.nonwar.jiajiang", "award.nonwar.merit3", "award.nonwar.merit2", "award.nonwar.merit1",
	"commendation.cmc", "commendation.cmc_dept",
	"disability.combat.5", "disability.combat.6", "disability.combat.7", "disability.combat.8",
	"disability.combat.9", "disability.combat.10",
	"disability.duty.5", "disability.duty.6", "disability.duty.7", "disability.duty.8",
	"disability.duty.9", "disability.duty.10",
	"hardship.per_year",
	"deduction.warning", "deduction.serious_warning", "deduction.demerit",
	"deduction.serious_demerit", "deduction.falsified",
	"rank.conscript", "rank.corporal", "rank.sergeant", "rank.staff_sergeant", "rank.msg4",
	"rank.msg3", "rank.msg2", "rank.msg1",
	"special_post.per_year",
};

const char *pl_item_code(int item)
{
	return item >= 0 && item < PL_ITEM_COUNT ? ITEM_CODES[item] : "?";
}

int pl_item_by_code(const char *code)
{
	for (int i = 0; code && i < PL_ITEM_COUNT; i++)
		if (strcmp(ITEM_CODES[i], code) == 0)
			return i;
	return -1;
}

static const char *const UNIT_NAMES[PL_UNIT_COUNT] = {
	"per_year", "per_award", "fixed", "per_occurrence", "years", "year_fraction"};

const char *pl_unit_name(enum pl_unit u)
{
	return (int)u >= 0 && u < PL_UNIT_COUNT ? UNIT_NAMES[u] : "?";
}

static const char *const EDU_NAMES[PL_EDU_COUNT] = {"none", "junior", "senior", "college", "bachelor",
						    "postgrad"};

const char *pl_education_name(int e)
{
	return e >= 0 && e < PL_EDU_COUNT ? EDU_NAMES[e] : "?";
}

int pl_education_by_name(const char *s)
{
	for (int i = 0; s && i < PL_EDU_COUNT; i++)
		if (strcmp(EDU_NAMES[i], s) == 0)
			return i;
	return -1;
}

void pl_rates_init(struct pl_rates *r, const char *code)
{
	memset(r, 0, sizeof *r);
	snprintf(r->code, sizeof r->code, "%s", code ? code : "");
}

void pl_rates_put(struct pl_rates *r, int item, bool set, int64_t value_milli)
{
	if (item < 0 || item >= PL_ITEM_COUNT)
		return;
	r->present[item] = true;
	r->set[item] = set;
	r->value[item] = set ? value_milli : 0;
}

bool pl_parse_milli(const char *s, int max_decimals, int64_t *out)
{
	if (!s || !*s || max_decimals < 0 || max_decimals > 3)
		return false;
	bool neg = *s == '-';
	if (neg)
		s++;
	int64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;
	for (; *s >= '0' && *s <= '9'; s++, nd++) {
		if (nd >= 9)
			return false; /* a billion points is no score: refuse before overflowing */
		whole = whole * 10 + (*s - '0');
	}
	if (nd == 0)
		return false;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nf++) {
			if (nf >= max_decimals)
				return false;
			frac = frac * 10 + (*s - '0');
		}
		if (nf == 0)
			return false;
	}
	if (*s)
		return false;
	for (int k = nf; k < 3; k++)
		frac *= 10;
	*out = (whole * PL_MILLI + frac) * (neg ? -1 : 1);
	return true;
}

/* Written by hand rather than with snprintf: the canonical forms format millions of numbers,
 * and this is several times faster. */
int pl_format_milli(int64_t v, char out[32])
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char tmp[24];
	int n = 0, len = 0;
	uint64_t whole = a / PL_MILLI, frac = a % PL_MILLI;
	do {
		tmp[n++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	out[len++] = '.';
	out[len++] = (char)('0' + frac / 100);
	out[len++] = (char)('0' + frac / 10 % 10);
	out[len++] = (char)('0' + frac % 10);
	out[len] = 0;
	return len;
}

/* ---- dates and service length ---- */

static int32_t ymd_days(int32_t ymd)
{
	return time_days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

void pl_service_length(const struct pl_candidate *c, int32_t *months, int32_t *days)
{
	int y1 = c->enlisted / 10000, m1 = c->enlisted / 100 % 100, d1 = c->enlisted % 100;
	int y2 = c->discharged / 10000, m2 = c->discharged / 100 % 100, d2 = c->discharged % 100;
	int32_t mo = (y2 - y1) * 12 + (m2 - m1);
	if (d2 < d1)
		mo--;
	if (mo < 0) {
		*months = 0;
		*days = 0;
		return;
	}
	/* The date `mo` whole months after enlistment (day clamped to the month's length). */
	int ay = y1 + (m1 - 1 + mo) / 12, am = (m1 - 1 + mo) % 12 + 1;
	int ad = d1 > time_days_in_month(ay, am) ? time_days_in_month(ay, am) : d1;
	*months = mo;
	*days = ymd_days(c->discharged) - time_days_from_civil(ay, am, ad);
}

/* ---- eligibility ---- */

unsigned pl_eligibility(const struct pl_candidate *c)
{
	unsigned k = 0;
	int32_t mo, dd;
	pl_service_length(c, &mo, &dd);
	if (c->sergeant && mo >= 12 * 12)
		k |= PL_CRIT_SERGEANT_12Y;
	const uint16_t *pt = c->awards[PL_PEACETIME], *wt = c->awards[PL_WARTIME];
	/* domain.md names peacetime and wartime awards only; 重大非战争军事行动 awards do not
	 * qualify by themselves until the rule says so. */
	if (pt[PL_MERIT2] || pt[PL_MERIT1] || wt[PL_MERIT3] || wt[PL_MERIT2] || wt[PL_MERIT1])
		k |= PL_CRIT_AWARD;
	if (c->disab_cause == PL_DISAB_COMBAT && c->disab_grade >= 5 && c->disab_grade <= 8)
		k |= PL_CRIT_COMBAT_DISABLED;
	if (c->martyr_child)
		k |= PL_CRIT_MARTYR_CHILD;
	if (c->honour == PL_HONOUR_BAYI || c->honour == PL_HONOUR_TITLE)
		k |= PL_CRIT_HONOUR;
	return k;
}

void pl_ineligible_reason(const struct pl_candidate *c, char *zh, size_t zhcap, char *en, size_t encap)
{
	if (pl_eligibility(c)) {
		snprintf(zh, zhcap, "%s", "");
		snprintf(en, encap, "%s", "");
		return;
	}
	int32_t mo, dd;
	pl_service_length(c, &mo, &dd);
	snprintf(zh, zhcap,
		 "不符合安排工作条件：%s服役%d年%d个月（须为士官且满12年）；无平时二等功以上或战时三等功以上奖励；"
		 "无因战致残5至8级；非烈士子女；无八一勋章或荣誉称号",
		 c->sergeant ? "士官" : "义务兵", (int)(mo / 12), (int)(mo % 12));
	snprintf(en, encap,
		 "not eligible: %s with %d years %d months of service (a sergeant with 12+ years is); no peacetime "
		 "class-2 merit or higher nor wartime class-3 merit or higher; not disabled in combat at grades 5-8; "
		 "not a martyr's child; no Bayi Medal or honorary title",
		 c->sergeant ? "sergeant" : "conscript", (int)(mo / 12), (int)(mo % 12));
}

bool pl_post_accepts(const struct pl_post *p, const struct pl_candidate *c)
{
	return c->education >= p->min_education;
}

/* ---- scoring ---- */

struct scorer {
	const struct pl_rates *r;
	struct pl_score *out;
	struct pl_missing *miss;
	bool failed;
};

/* The item's value, or false (recording it as missing) when the table lacks it or leaves it unset. */
static bool need(struct scorer *s, int item, int64_t *v)
{
	if (!s->r->present[item]) {
		if (!s->miss->absent[item]) {
			s->miss->absent[item] = true;
			s->miss->nabsent++;
		}
		s->failed = true;
		return false;
	}
	if (!s->r->set[item]) {
		if (!s->miss->unset[item]) {
			s->miss->unset[item] = true;
			s->miss->nunset++;
		}
		s->failed = true;
		return false;
	}
	*v = s->r->value[item];
	return true;
}

static void add_line(struct scorer *s, int item, int64_t qty, int64_t per_unit)
{
	if (qty == 0 || s->out->nlines >= PL_MAX_LINES)
		return;
	struct pl_line *l = &s->out->lines[s->out->nlines++];
	l->item = (int16_t)item;
	l->quantity = qty;
	l->per_unit = per_unit;
	l->points = qty * per_unit / PL_MILLI; /* exact: see the top of this file */
	s->out->total += l->points;
}

/* A counted item: count units at the item's value each (negative for deductions). */
static void add_counted(struct scorer *s, int item, int64_t count, int sign)
{
	int64_t v;
	if (count > 0 && need(s, item, &v))
		add_line(s, item, count * PL_MILLI, sign * v);
}

/*
 * Years of service, counted in thousandths of a year: whole years, then the
 * remainder: none → 0; under 6 months → half a year; exactly 6 months (and no
 * days) → the table's years.exact_6_months (domain.md does not say); over 6
 * months → a full year. Up to years.threshold at years.first per year, the
 * rest at years.beyond.
 */
static void score_years(struct scorer *s, const struct pl_candidate *c)
{
	int32_t mo, dd;
	pl_service_length(c, &mo, &dd);
	int32_t rem = mo % 12;
	int64_t counted = (int64_t)(mo / 12) * PL_MILLI, frac = 0, t = 0, first = 0, beyond = 0;
	if (rem == 0 && dd == 0)
		frac = 0;
	else if (rem < 6)
		frac = PL_MILLI / 2;
	else if (rem == 6 && dd == 0) {
		if (!need(s, PL_YEARS_EXACT6, &frac))
			frac = 0;
	} else
		frac = PL_MILLI;
	counted += frac;
	bool ok = need(s, PL_YEARS_THRESHOLD, &t);
	ok = need(s, PL_YEARS_FIRST, &first) && ok;
	ok = need(s, PL_YEARS_BEYOND, &beyond) && ok;
	if (!ok)
		return;
	add_line(s, PL_YEARS_FIRST, counted < t ? counted : t, first);
	add_line(s, PL_YEARS_BEYOND, counted > t ? counted - t : 0, beyond);
}

static void score_inputs(struct scorer *s, const struct pl_candidate *c)
{
	score_years(s, c);
	if (s->r->present[PL_RANK_FIRST_]) {
		/* A table with rank scores (2023) needs the rank; a rank is worth its fixed value. */
		int64_t v;
		if (c->rank >= 0 && c->rank < PL_RANK_COUNT && need(s, PL_RANK_FIRST_ + c->rank, &v))
			add_line(s, PL_RANK_FIRST_ + c->rank, PL_MILLI, v);
	}
	for (int ctx = 0; ctx < PL_CONTEXT_COUNT; ctx++)
		for (int l = 0; l < PL_LEVEL_COUNT; l++)
			add_counted(s, pl_award_item(ctx, l), c->awards[ctx][l], 1);
	add_counted(s, PL_COMMEND_CMC, c->commend_cmc, 1);
	add_counted(s, PL_COMMEND_CMC_DEPT, c->commend_cmc_dept, 1);
	/* The tables cover disability grades 5–10 caused in combat or on duty; 因病 is not scored. */
	if ((c->disab_cause == PL_DISAB_COMBAT || c->disab_cause == PL_DISAB_DUTY) && c->disab_grade >= 5 &&
	    c->disab_grade <= 10)
		add_counted(s, pl_disab_item(c->disab_cause, c->disab_grade), 1, 1);
	add_counted(s, PL_HARDSHIP_PER_YEAR, c->hardship_years, 1);
	add_counted(s, PL_SPECIAL_POST_PER_YEAR, c->special_post_years, 1);
	for (int k = 0; k < PL_DED_COUNT; k++)
		add_counted(s, PL_DEDUCT_FIRST_ + k, c->deductions[k], -1);
}

/* The error naming every missing item: absent ones first (the input cannot be scored by this
 * table at all), else the unset ones. */
static sy_status missing_error(const struct pl_rates *r, const struct pl_missing *m, sy_err *err)
{
	char list[200];
	size_t len = 0;
	bool absent = m->nabsent > 0;
	list[0] = 0;
	for (int i = 0; i < PL_ITEM_COUNT; i++) {
		if (!(absent ? m->absent[i] : m->unset[i]))
			continue;
		const char *code = pl_item_code(i);
		size_t need_len = strlen(code) + (len ? 2 : 0);
		if (len + need_len + 4 >= sizeof list) {
			snprintf(list + len, sizeof list - len, ", …");
			break;
		}
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "", code);
	}
	if (absent)
		return sy_fail(err, SY_EINVAL, "policy_item_absent", "policy",
			       "评分表 %s 没有所需项目：%s", "policy table %s has no item for: %s", r->code, list);
	return sy_fail(err, SY_EINVAL, "policy_value_unset", "policy", "评分表 %s 以下分值未设置：%s",
		       "policy table %s has unset values: %s", r->code, list);
}

static void score_into(const struct pl_rates *r, const struct pl_candidate *c, struct pl_score *out,
		       struct pl_missing *miss)
{
	/* Only the head: lines are written as they are added (nlines says how many). */
	memset(out, 0, offsetof(struct pl_score, lines));
	out->criteria = pl_eligibility(c);
	out->service_days = ymd_days(c->discharged) - ymd_days(c->enlisted);
	if (!out->criteria) {
		out->status = PL_NOT_ELIGIBLE;
		return;
	}
	if (out->criteria & PL_CRIT_HONOUR) {
		out->status = PL_FIRST; /* placed first, outside scoring */
		return;
	}
	out->status = PL_SCORED;
	struct scorer s = {.r = r, .out = out, .miss = miss};
	score_inputs(&s, c);
	if (s.failed) {
		out->nlines = 0;
		out->total = 0;
	}
}

sy_status pl_score(const struct pl_rates *r, const struct pl_candidate *c, struct pl_score *out,
		   struct pl_missing *miss, sy_err *err)
{
	struct pl_missing local;
	memset(&local, 0, sizeof local);
	score_into(r, c, out, &local);
	if (miss)
		*miss = local;
	if (local.nabsent || local.nunset)
		return missing_error(r, &local, err);
	return SY_OK;
}

sy_status pl_score_all(const struct pl_rates *r, const struct pl_candidate *c, int n, struct pl_score *out,
		       struct pl_missing *miss, sy_err *err)
{
	struct pl_missing local;
	memset(&local, 0, sizeof local);
	for (int i = 0; i < n; i++)
		score_into(r, c + i, out + i, &local);
	if (miss)
		*miss = local;
	if (local.nabsent || local.nunset) {
		for (int i = 0; i < n; i++) /* no partial results */
			memset(&out[i], 0, offsetof(struct pl_score, lines));
		return missing_error(r, &local, err);
	}
	return SY_OK;
}

/* ---- ranking ---- */

static const char *const TB_NAMES[PL_TB_COUNT] = {"service_longer", "older", "id"};

const char *pl_tiebreak_name(int tb)
{
	return tb >= 0 && tb < PL_TB_COUNT ? TB_NAMES[tb] : "none";
}

int pl_tiebreak_by_name(const char *s)
{
	for (int i = 0; s && i < PL_TB_COUNT; i++)
		if (strcmp(TB_NAMES[i], s) == 0)
			return i;
	return PL_TB_NONE;
}

void pl_chain_default(struct pl_chain *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->n = 3;
	ch->rule[0] = PL_TB_SERVICE_LONGER;
	ch->rule[1] = PL_TB_OLDER;
	ch->rule[2] = PL_TB_ID;
}

struct rank_ctx {
	const struct pl_candidate *c;
	const struct pl_score *s;
	const struct pl_chain *ch;
};

static int cmp_rule(const struct rank_ctx *x, int rule, int32_t a, int32_t b)
{
	switch (rule) {
	case PL_TB_SERVICE_LONGER: {
		int32_t sa = x->s[a].service_days, sb = x->s[b].service_days;
		return sa > sb ? -1 : sa < sb;
	}
	case PL_TB_OLDER:
		return x->c[a].birth < x->c[b].birth ? -1 : x->c[a].birth > x->c[b].birth;
	case PL_TB_ID:
		return strcmp(x->c[a].id, x->c[b].id);
	default:
		return 0;
	}
}

/* Before the chain: placed-first holders, then the higher score. */
static int cmp_primary(const struct rank_ctx *x, int32_t a, int32_t b)
{
	int fa = x->s[a].status == PL_FIRST, fb = x->s[b].status == PL_FIRST;
	if (fa != fb)
		return fb - fa;
	int64_t ta = x->s[a].total, tb = x->s[b].total;
	return ta > tb ? -1 : ta < tb;
}

/* The chain's rule that separates a and b (the id last), PL_TB_NONE when none does. */
static int deciding_rule(const struct rank_ctx *x, int32_t a, int32_t b, int *cmp)
{
	for (int k = 0; k < x->ch->n; k++)
		if ((*cmp = cmp_rule(x, x->ch->rule[k], a, b)) != 0)
			return x->ch->rule[k];
	if ((*cmp = cmp_rule(x, PL_TB_ID, a, b)) != 0)
		return PL_TB_ID;
	return PL_TB_NONE;
}

static int cmp_rank(const void *pa, const void *pb, void *arg)
{
	const struct rank_ctx *x = arg;
	int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
	int c = cmp_primary(x, a, b);
	if (c)
		return c;
	deciding_rule(x, a, b, &c);
	return c ? c : (a > b) - (a < b);
}

void pl_ranking_free(struct pl_ranking *r)
{
	free(r->order);
	free(r->rank_of);
	free(r->tie_rule);
	memset(r, 0, sizeof *r);
}

static sy_status check_chain(const struct pl_chain *ch, sy_err *err)
{
	if (ch->n < 0 || ch->n > PL_MAX_TIEBREAK)
		return sy_failf(err, SY_EINVAL, "invalid_tiebreak", "tie_break", "并列排序规则过多",
				"too many tie-break rules");
	for (int k = 0; k < ch->n; k++)
		if (ch->rule[k] < 0 || ch->rule[k] >= PL_TB_COUNT)
			return sy_failf(err, SY_EINVAL, "invalid_tiebreak", "tie_break", "未知的并列排序规则",
					"unknown tie-break rule");
	return SY_OK;
}

sy_status pl_rank(const struct pl_candidate *c, const struct pl_score *s, int n, const struct pl_chain *ch,
		  struct pl_ranking *out, sy_err *err)
{
	sy_status st;
	memset(out, 0, sizeof *out);
	if ((st = check_chain(ch, err)))
		return st;
	size_t cap = n > 0 ? (size_t)n : 1;
	out->order = malloc(cap * sizeof *out->order);
	out->rank_of = calloc(cap, sizeof *out->rank_of);
	out->tie_rule = malloc(cap * sizeof *out->tie_rule);
	if (!out->order || !out->rank_of || !out->tie_rule) {
		pl_ranking_free(out);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	for (int i = 0; i < n; i++)
		if (s[i].status != PL_NOT_ELIGIBLE)
			out->order[out->n++] = i;
	struct rank_ctx x = {.c = c, .s = s, .ch = ch};
	qsort_r(out->order, (size_t)out->n, sizeof *out->order, cmp_rank, &x);
	for (int i = 0; i < out->n; i++) {
		int32_t cur = out->order[i];
		out->rank_of[cur] = i + 1;
		out->tie_rule[i] = PL_TB_NONE;
		if (i == 0)
			continue;
		int32_t prev = out->order[i - 1];
		if (strcmp(c[prev].id, c[cur].id) == 0) {
			sy_fail(err, SY_EINVAL, "duplicate_candidate_id", "id", "考生编号重复：%s",
				"candidate id used twice: %s", c[cur].id);
			pl_ranking_free(out);
			return SY_EINVAL;
		}
		int cmp;
		if (cmp_primary(&x, prev, cur) == 0)
			out->tie_rule[i] = (int8_t)deciding_rule(&x, prev, cur, &cmp);
	}
	return SY_OK;
}

/* ---- allocation: the live session and serial dictatorship ---- */

static const char *const OUTCOME_NAMES[] = {"none", "placed", "no_choice", "absent"};

const char *pl_outcome_name(int o)
{
	return o >= 0 && o <= PL_OUT_ABSENT ? OUTCOME_NAMES[o] : "?";
}

static const char *const ABSENCE_NAMES[] = {"forfeit", "skip_to_end"};

const char *pl_absence_name(int a)
{
	return a >= 0 && a <= PL_ABSENCE_SKIP_TO_END ? ABSENCE_NAMES[a] : "?";
}

int pl_absence_by_name(const char *s)
{
	for (int i = 0; s && i <= PL_ABSENCE_SKIP_TO_END; i++)
		if (strcmp(ABSENCE_NAMES[i], s) == 0)
			return i;
	return -1;
}

void pl_session_free(struct pl_session *s)
{
	free(s->queue);
	free(s->deferred);
	free(s->left);
	memset(s, 0, sizeof *s);
}

sy_status pl_session_init(struct pl_session *s, const struct pl_candidate *c, int n, const struct pl_ranking *rk,
			  const struct pl_post *posts, int nposts, int absence, struct pl_result *res, sy_err *err)
{
	memset(s, 0, sizeof *s);
	if (absence != PL_ABSENCE_FORFEIT && absence != PL_ABSENCE_SKIP_TO_END)
		return sy_failf(err, SY_EINVAL, "invalid_absence_rule", "absence_rule", "未知的缺席处理规则",
				"unknown absence rule");
	s->c = c;
	s->posts = posts;
	s->nposts = nposts;
	s->absence = absence;
	/* Each candidate is called at most twice (once more after a skip to the end). */
	s->queue = malloc(((size_t)rk->n * 2 + 1) * sizeof *s->queue);
	s->deferred = calloc((size_t)n + 1, 1);
	s->left = malloc(((size_t)nposts + 1) * sizeof *s->left);
	if (!s->queue || !s->deferred || !s->left) {
		pl_session_free(s);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	memcpy(s->queue, rk->order, (size_t)rk->n * sizeof *s->queue);
	s->qtail = rk->n;
	for (int p = 0; p < nposts; p++)
		s->left[p] = posts[p].places > 0 ? posts[p].places : 0;
	s->res = res;
	for (int i = 0; i < n; i++)
		res[i] = (struct pl_result){.outcome = PL_OUT_NONE, .post = -1, .turn = -1};
	return SY_OK;
}

int pl_session_current(const struct pl_session *s)
{
	return s->qhead < s->qtail ? s->queue[s->qhead] : -1;
}

sy_status pl_session_step(struct pl_session *s, const struct pl_choice *ch, sy_err *err)
{
	int cand = pl_session_current(s);
	if (cand < 0)
		return sy_failf(err, SY_ECONFLICT, "session_over", NULL, "选岗已结束", "the session is over");
	struct pl_result *r = &s->res[cand];
	switch (ch->kind) {
	case PL_CHOOSE_POST:
		if (ch->post < 0 || ch->post >= s->nposts)
			return sy_failf(err, SY_EINVAL, "unknown_post", "post", "岗位不存在", "no such post");
		if (s->left[ch->post] <= 0)
			return sy_fail(err, SY_ECONFLICT, "post_full", "post", "岗位 %s 已无空缺",
				       "post %s has no place left", s->posts[ch->post].id);
		if (!pl_post_accepts(&s->posts[ch->post], &s->c[cand]))
			return sy_fail(err, SY_EINVAL, "post_not_acceptable", "post", "不符合岗位 %s 的条件",
				       "the candidate does not meet post %s's requirements", s->posts[ch->post].id);
		s->left[ch->post]--;
		*r = (struct pl_result){.outcome = PL_OUT_PLACED, .post = ch->post, .turn = s->turn};
		break;
	case PL_CHOOSE_NONE:
		*r = (struct pl_result){.outcome = PL_OUT_NO_CHOICE, .post = -1, .turn = s->turn};
		break;
	case PL_CHOOSE_ABSENT:
		if (s->absence == PL_ABSENCE_SKIP_TO_END && !s->deferred[cand]) {
			s->deferred[cand] = 1;
			s->queue[s->qtail++] = cand;
			break;
		}
		*r = (struct pl_result){.outcome = PL_OUT_ABSENT, .post = -1, .turn = s->turn};
		break;
	default:
		return sy_failf(err, SY_EINVAL, "invalid_choice", "choice", "未知的选择", "unknown choice");
	}
	s->qhead++;
	s->turn++;
	return SY_OK;
}

struct pl_choice pl_choice_from_prefs(const struct pl_session *s, const struct pl_prefs *p, int cand)
{
	for (int32_t k = p->off[cand]; k < p->off[cand + 1]; k++) {
		int32_t post = p->pref[k];
		if (post >= 0 && post < s->nposts && s->left[post] > 0 && pl_post_accepts(&s->posts[post], &s->c[cand]))
			return (struct pl_choice){.kind = PL_CHOOSE_POST, .post = post};
	}
	return (struct pl_choice){.kind = PL_CHOOSE_NONE, .post = -1};
}

sy_status pl_allocate(const struct pl_candidate *c, int n, const struct pl_ranking *rk, const struct pl_post *posts,
		      int nposts, const struct pl_prefs *p, struct pl_result *res, sy_err *err)
{
	struct pl_session s;
	sy_status st = pl_session_init(&s, c, n, rk, posts, nposts, PL_ABSENCE_FORFEIT, res, err);
	for (int cand; !st && (cand = pl_session_current(&s)) >= 0;) {
		struct pl_choice ch = pl_choice_from_prefs(&s, p, cand);
		st = pl_session_step(&s, &ch, err);
	}
	pl_session_free(&s);
	return st;
}

/* ---- receipts ---- */

void pl_receipt_free(struct pl_receipt *r)
{
	free(r->open);
	free(r->higher);
	memset(r, 0, sizeof *r);
}

sy_status pl_receipt(const struct pl_ranking *rk, const struct pl_post *posts, int nposts,
		     const struct pl_result *res, int n, const struct pl_prefs *p, int cand,
		     struct pl_receipt *out, sy_err *err)
{
	memset(out, 0, sizeof *out);
	if (cand < 0 || cand >= n)
		return sy_failf(err, SY_ENOTFOUND, "candidate_not_found", "candidate", "考生不存在",
				"no such candidate");
	out->rank = rk->rank_of[cand];
	out->turn = res[cand].turn;
	out->outcome = res[cand].outcome;
	out->post = res[cand].post;
	int32_t *taken = calloc((size_t)nposts + 1, sizeof *taken);
	int32_t *last = malloc(((size_t)nposts + 1) * sizeof *last); /* who took a post's latest place before us */
	int npref = p ? p->off[cand + 1] - p->off[cand] : 0;
	out->open = malloc(((size_t)nposts + 1) * sizeof *out->open);
	out->higher = malloc(((size_t)npref + 1) * sizeof *out->higher);
	if (!taken || !last || !out->open || !out->higher) {
		free(taken);
		free(last);
		pl_receipt_free(out);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	for (int k = 0; k < nposts; k++)
		last[k] = -1;
	int32_t t = out->turn < 0 ? 0 : out->turn;
	for (int i = 0; i < n && out->turn >= 0; i++) {
		const struct pl_result *r = &res[i];
		if (r->outcome != PL_OUT_PLACED || r->turn >= t)
			continue;
		taken[r->post]++;
		if (last[r->post] < 0 || res[last[r->post]].turn < r->turn)
			last[r->post] = i;
	}
	for (int k = 0; k < nposts && out->turn >= 0; k++)
		if (taken[k] < posts[k].places)
			out->open[out->nopen++] = k;
	for (int32_t k = 0; k < npref && out->turn >= 0; k++) {
		int32_t post = p->pref[p->off[cand] + k];
		if (post == out->post)
			break;
		if (post < 0 || post >= nposts)
			continue;
		/* taken_by 0: the post was still open; the candidate did not meet its requirements. */
		int32_t by = taken[post] >= posts[post].places && last[post] >= 0 ? rk->rank_of[last[post]] : 0;
		out->higher[out->nhigher++] = (struct pl_receipt_pref){.post = post, .taken_by = by};
	}
	free(taken);
	free(last);
	return SY_OK;
}
