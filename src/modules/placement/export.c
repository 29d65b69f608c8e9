/*
 * export.c - 阳光安置: canonical forms and digests, a batch run in memory,
 * the export file and its verification (see placement.h, docs/placement.md).
 */
#include "placement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "lib/timeutil.h"

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

/* ---- canonical forms ---- */

/* A text field with backslash, TAB, CR and LF escaped, so a field never splits a line. */
static void put_field(strbuf *sb, const char *s)
{
	const char *run = s;
	for (; *s; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : NULL;
		if (!esc)
			continue;
		sb_append(sb, run, (size_t)(s - run));
		sb_puts(sb, esc);
		run = s + 1;
	}
	sb_append(sb, run, (size_t)(s - run));
}

static void put_milli(strbuf *sb, int64_t v)
{
	char b[32];
	sb_append(sb, b, (size_t)pl_format_milli(v, b));
}

/* A whole number (rank, places, turn) without printf: see pl_format_milli. */
static void put_int(strbuf *sb, int64_t v)
{
	char b[32];
	int n = pl_format_milli(v * PL_MILLI, b);
	sb_append(sb, b, (size_t)n - 4); /* without ".000" */
}

bool pl_canon_scores(strbuf *sb, const struct pl_candidate *c, const struct pl_score *s,
		     const struct pl_ranking *rk)
{
	sb_puts(sb, "scores v1\n");
	for (int i = 0; i < rk->n; i++) {
		int32_t k = rk->order[i];
		put_int(sb, i + 1);
		sb_putc(sb, '\t');
		put_field(sb, c[k].id);
		sb_puts(sb, s[k].status == PL_FIRST ? "\tfirst\t" : "\tscored\t");
		put_milli(sb, s[k].total);
		sb_putc(sb, '\t');
		for (int l = 0; l < s[k].nlines; l++) {
			const struct pl_line *ln = &s[k].lines[l];
			if (l)
				sb_putc(sb, ';');
			sb_puts(sb, pl_item_code(ln->item));
			sb_putc(sb, '=');
			put_milli(sb, ln->quantity);
			sb_putc(sb, 'x');
			put_milli(sb, ln->per_unit);
			sb_putc(sb, '=');
			put_milli(sb, ln->points);
		}
		sb_putc(sb, '\n');
	}
	return !sb->oom;
}

bool pl_canon_posts(strbuf *sb, const struct pl_post *posts, int nposts)
{
	sb_puts(sb, "posts v1\n");
	for (int p = 0; p < nposts; p++) {
		put_field(sb, posts[p].id);
		sb_printf(sb, "\t%d\t%s\t", (int)posts[p].places, pl_education_name(posts[p].min_education));
		put_field(sb, posts[p].employer);
		sb_putc(sb, '\t');
		put_field(sb, posts[p].title);
		sb_putc(sb, '\n');
	}
	return !sb->oom;
}

bool pl_canon_results(strbuf *sb, const struct pl_candidate *c, const struct pl_ranking *rk,
		      const struct pl_post *posts, const struct pl_result *res)
{
	sb_puts(sb, "results v1\n");
	for (int i = 0; i < rk->n; i++) {
		int32_t k = rk->order[i];
		put_int(sb, i + 1);
		sb_putc(sb, '\t');
		put_field(sb, c[k].id);
		sb_putc(sb, '\t');
		sb_puts(sb, pl_outcome_name(res[k].outcome));
		sb_putc(sb, '\t');
		if (res[k].post >= 0)
			put_field(sb, posts[res[k].post].id);
		else
			sb_putc(sb, '-');
		sb_putc(sb, '\t');
		put_int(sb, res[k].turn);
		sb_putc(sb, '\n');
	}
	return !sb->oom;
}

sy_status pl_digests(const struct pl_candidate *c, const struct pl_score *s, const struct pl_ranking *rk,
		     const struct pl_post *posts, int nposts, const struct pl_result *res, struct pl_digests *out,
		     sy_err *err)
{
	strbuf sb;
	sb_init(&sb);
	bool ok = pl_canon_scores(&sb, c, s, rk);
	if (ok)
		crypto_sha256_hex(sb.buf, sb.len, out->scores);
	sb_reset(&sb);
	ok = ok && pl_canon_posts(&sb, posts, nposts);
	if (ok)
		crypto_sha256_hex(sb.buf, sb.len, out->posts);
	sb_reset(&sb);
	ok = ok && pl_canon_results(&sb, c, rk, posts, res);
	if (ok)
		crypto_sha256_hex(sb.buf, sb.len, out->results);
	sb_free(&sb);
	return ok ? SY_OK : oom(err);
}

/* ---- a batch in memory ---- */

void pl_batch_free(struct pl_batch *b)
{
	free(b->cand);
	free(b->posts);
	free(b->pref_off);
	free(b->pref);
	free(b->choice_cand);
	free(b->choice);
	free(b->scores);
	free(b->res);
	pl_ranking_free(&b->rk);
	memset(b, 0, sizeof *b);
}

/* Prefix err's messages with the live step they came from. */
static sy_status step_error(int k, const char *cand, sy_err *err)
{
	sy_err inner = *err;
	return sy_fail(err, inner.status, inner.code, "live_steps", "第 %d 步（考生 %s）：%s",
		       "step %d (candidate %s): %s", k + 1, cand, k + 1, cand, inner.msg_zh, inner.msg_en);
}

sy_status pl_batch_session(struct pl_batch *b, struct pl_session *s, sy_err *err)
{
	sy_status st = pl_session_init(s, b->cand, b->n, &b->rk, b->posts, b->nposts, b->absence, b->res, err);
	if (st)
		return st;
	for (int k = 0; !st && k < b->nchoices; k++) {
		const char *who = b->cand[b->choice_cand[k]].id;
		int cur = pl_session_current(s);
		if (cur != b->choice_cand[k]) {
			st = sy_fail(err, SY_EINVAL, "live_step_out_of_turn", "live_steps",
				     "第 %d 步记录的是考生 %s，但轮到的是 %s", "step %d records candidate %s but it was %s's turn",
				     k + 1, who, cur >= 0 ? b->cand[cur].id : "(nobody: the session was over)");
			break;
		}
		if ((st = pl_session_step(s, &b->choice[k], err)))
			st = step_error(k, who, err);
	}
	if (st)
		pl_session_free(s);
	return st;
}

static sy_status replay_live(struct pl_batch *b, sy_err *err)
{
	struct pl_session s;
	sy_status st = pl_batch_session(b, &s, err);
	if (!st)
		pl_session_free(&s);
	return st;
}

/* Score and rank (the published score list); allocation comes after. */
sy_status pl_batch_score(struct pl_batch *b, sy_err *err)
{
	sy_status st;
	free(b->scores);
	free(b->res);
	pl_ranking_free(&b->rk);
	b->scores = calloc((size_t)b->n + 1, sizeof *b->scores);
	b->res = calloc((size_t)b->n + 1, sizeof *b->res);
	if (!b->scores || !b->res)
		return oom(err);
	if ((st = pl_score_all(&b->rates, b->cand, b->n, b->scores, NULL, err)))
		return st;
	return pl_rank(b->cand, b->scores, b->n, &b->chain, &b->rk, err);
}

/* Allocate from the preferences or replay the live steps, then digest. */
static sy_status batch_allocate(struct pl_batch *b, sy_err *err)
{
	sy_status st;
	if (b->mode == PL_MODE_LIVE)
		st = replay_live(b, err);
	else {
		struct pl_prefs p = {.off = b->pref_off, .pref = b->pref};
		st = pl_allocate(b->cand, b->n, &b->rk, b->posts, b->nposts, &p, b->res, err);
	}
	if (st)
		return st;
	return pl_digests(b->cand, b->scores, &b->rk, b->posts, b->nposts, b->res, &b->dg, err);
}

sy_status pl_batch_run(struct pl_batch *b, sy_err *err)
{
	sy_status st = pl_batch_score(b, err);
	return st ? st : batch_allocate(b, err);
}

/* ---- names used in the export ---- */

static const char *const CONTEXT_NAMES[PL_CONTEXT_COUNT] = {"peacetime", "wartime", "nonwar"};
static const char *const LEVEL_NAMES[PL_LEVEL_COUNT] = {"jiajiang", "merit3", "merit2", "merit1"};
static const char *const DED_NAMES[PL_DED_COUNT] = {"warning", "serious_warning", "demerit", "serious_demerit",
						    "falsified"};
static const char *const RANK_NAMES[PL_RANK_COUNT] = {"conscript", "corporal", "sergeant", "staff_sergeant",
						      "msg4", "msg3", "msg2", "msg1"};
static const char *const HONOUR_NAMES[] = {"none", "bayi", "title"};
static const char *const CAUSE_NAMES[] = {"none", "combat", "duty", "illness"};
static const char *const COM_NAMES[2] = {"cmc", "cmc_dept"};

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static void ymd_text(int32_t ymd, char out[16])
{
	unsigned v = ymd > 0 ? (unsigned)ymd : 0;
	snprintf(out, 16, "%04u-%02u-%02u", v / 10000 % 10000, v / 100 % 100, v % 100);
}

/* ---- export ---- */

/* A {name: count} object of the non-zero counts. */
static json_t *counts_json(const uint16_t *v, const char *const *names, int n)
{
	json_t *o = json_object();
	for (int i = 0; o && i < n; i++)
		if (v[i])
			json_object_set_new(o, names[i], json_integer(v[i]));
	return o;
}

json_t *pl_candidate_json(const struct pl_candidate *c)
{
	char birth[16], enl[16], dis[16];
	ymd_text(c->birth, birth);
	ymd_text(c->enlisted, enl);
	ymd_text(c->discharged, dis);
	json_t *awards = json_object();
	for (int k = 0; awards && k < PL_CONTEXT_COUNT; k++) {
		json_t *o = counts_json(c->awards[k], LEVEL_NAMES, PL_LEVEL_COUNT);
		if (o && json_object_size(o))
			json_object_set_new(awards, CONTEXT_NAMES[k], o);
		else
			json_decref(o);
	}
	uint16_t com[2] = {c->commend_cmc, c->commend_cmc_dept};
	json_t *disab = c->disab_cause ? json_pack("{s:s, s:i}", "cause", CAUSE_NAMES[c->disab_cause % 4], "grade",
						   (int)c->disab_grade)
				       : json_null();
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:o}",
			      "id", c->id, "birth", birth, "enlisted", enl, "discharged", dis, "sergeant", c->sergeant,
			      "martyr_child", c->martyr_child, "honour", HONOUR_NAMES[c->honour % 3], "education",
			      pl_education_name(c->education), "disability", disab, "rank",
			      c->rank >= 0 && c->rank < PL_RANK_COUNT ? json_string(RANK_NAMES[c->rank]) : json_null(),
			      "awards", awards, "commendations", counts_json(com, COM_NAMES, 2), "hardship_years",
			      (int)c->hardship_years, "special_post_years", (int)c->special_post_years, "deductions",
			      counts_json(c->deductions, DED_NAMES, PL_DED_COUNT));
	return j;
}

static json_t *candidate_json(const struct pl_batch *b, int i)
{
	json_t *j = pl_candidate_json(&b->cand[i]);
	if (j && b->mode == PL_MODE_PREFERENCES && b->pref_off) {
		json_t *pr = json_array();
		for (int32_t k = b->pref_off[i]; pr && k < b->pref_off[i + 1]; k++)
			json_array_append_new(pr, json_string(b->posts[b->pref[k]].id));
		json_object_set_new(j, "preferences", pr);
	}
	return j;
}

json_t *pl_score_json(const struct pl_batch *b, int rankpos)
{
	int32_t k = b->rk.order[rankpos];
	const struct pl_score *s = &b->scores[k];
	char total[32], q[32], u[32], p[32];
	pl_format_milli(s->total, total);
	json_t *lines = json_array();
	for (int l = 0; lines && l < s->nlines; l++) {
		const struct pl_line *ln = &s->lines[l];
		pl_format_milli(ln->quantity, q);
		pl_format_milli(ln->per_unit, u);
		pl_format_milli(ln->points, p);
		json_array_append_new(lines, json_pack("{s:s, s:s, s:s, s:s}", "item", pl_item_code(ln->item),
						       "quantity", q, "per_unit", u, "points", p));
	}
	int tr = b->rk.tie_rule[rankpos];
	return json_pack("{s:i, s:s, s:s, s:s, s:o, s:o}", "rank", rankpos + 1, "id", b->cand[k].id, "status",
			 s->status == PL_FIRST ? "first" : "scored", "total", total, "tie_rule",
			 tr == PL_TB_NONE ? json_null() : json_string(pl_tiebreak_name(tr)), "lines", lines);
}

static json_t *result_json(const struct pl_batch *b, int rankpos)
{
	int32_t k = b->rk.order[rankpos];
	const struct pl_result *r = &b->res[k];
	return json_pack("{s:i, s:s, s:s, s:o, s:i}", "rank", rankpos + 1, "id", b->cand[k].id, "outcome",
			 pl_outcome_name(r->outcome), "post", r->post >= 0 ? json_string(b->posts[r->post].id) : json_null(),
			 "turn", (int)r->turn);
}

static json_t *policy_json(const struct pl_rates *r)
{
	json_t *items = json_object();
	char v[32];
	for (int i = 0; items && i < PL_ITEM_COUNT; i++) {
		if (!r->present[i])
			continue;
		pl_format_milli(r->value[i], v);
		json_object_set_new(items, pl_item_code(i), r->set[i] ? json_string(v) : json_null());
	}
	return json_pack("{s:s, s:o}", "code", r->code, "items", items);
}

static json_t *step_json(const struct pl_batch *b, int k)
{
	const struct pl_choice *ch = &b->choice[k];
	const char *id = b->cand[b->choice_cand[k]].id;
	if (ch->kind == PL_CHOOSE_POST)
		return json_pack("{s:s, s:s, s:s}", "candidate", id, "choice", "post", "post", b->posts[ch->post].id);
	return json_pack("{s:s, s:s}", "candidate", id, "choice", ch->kind == PL_CHOOSE_ABSENT ? "absent" : "none");
}

json_t *pl_export_json(const struct pl_batch *b)
{
	json_t *cands = json_array(), *posts = json_array(), *scores = json_array(), *results = json_array();
	json_t *chain = json_array(), *steps = json_array(), *inelig = json_array();
	bool ok = cands && posts && scores && results && chain && steps && inelig;
	for (int i = 0; ok && i < b->n; i++) {
		ok = json_array_append_new(cands, candidate_json(b, i)) == 0;
		if (ok && b->scores && b->scores[i].status == PL_NOT_ELIGIBLE) {
			char zh[512], en[512];
			pl_ineligible_reason(&b->cand[i], zh, sizeof zh, en, sizeof en);
			ok = json_array_append_new(inelig, json_pack("{s:s, s:s, s:s}", "id", b->cand[i].id,
								      "reason_zh", zh, "reason_en", en)) == 0;
		}
	}
	for (int p = 0; ok && p < b->nposts; p++)
		ok = json_array_append_new(posts, json_pack("{s:s, s:s, s:s, s:i, s:s}", "id", b->posts[p].id,
							     "employer", b->posts[p].employer, "title", b->posts[p].title,
							     "places", (int)b->posts[p].places, "min_education",
							     pl_education_name(b->posts[p].min_education))) == 0;
	for (int i = 0; ok && b->scores && i < b->rk.n; i++)
		ok = json_array_append_new(scores, pl_score_json(b, i)) == 0 &&
		     json_array_append_new(results, result_json(b, i)) == 0;
	for (int k = 0; ok && k < b->chain.n; k++)
		ok = json_array_append_new(chain, json_string(pl_tiebreak_name(b->chain.rule[k]))) == 0;
	for (int k = 0; ok && b->mode == PL_MODE_LIVE && k < b->nchoices; k++)
		ok = json_array_append_new(steps, step_json(b, k)) == 0;
	if (!ok) {
		json_decref(cands), json_decref(posts), json_decref(scores), json_decref(results);
		json_decref(chain), json_decref(steps), json_decref(inelig);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:s, s:s, s:s}}",
			 "format", "shuangyong-placement-export/1", "batch", b->name, "policy", policy_json(&b->rates),
			 "tie_break", chain, "mode", b->mode == PL_MODE_LIVE ? "live" : "preferences", "absence_rule",
			 pl_absence_name(b->absence), "posts", posts, "candidates", cands, "live_steps", steps,
			 "scores", scores, "results", results, "not_eligible", inelig, "digests", "scores",
			 b->dg.scores, "posts", b->dg.posts, "results", b->dg.results);
}

/* ---- import ---- */

/* Indices of records (candidates or posts, whose id is their first member) sorted by id. */
struct id_index {
	const char *base;
	size_t stride;
	int32_t *ord;
	int n;
};

static const char *idx_id(const struct id_index *x, int32_t i)
{
	return x->base + (size_t)i * x->stride;
}

static int cmp_idx(const void *a, const void *b, void *arg)
{
	return strcmp(idx_id(arg, *(const int32_t *)a), idx_id(arg, *(const int32_t *)b));
}

/* Build the index; SY_EINVAL naming the id when two records share it. */
static sy_status idx_build(struct id_index *x, const void *base, size_t stride, int n, const char *what,
			   sy_err *err)
{
	*x = (struct id_index){.base = base, .stride = stride, .n = n};
	x->ord = malloc(((size_t)n + 1) * sizeof *x->ord);
	if (!x->ord)
		return oom(err);
	for (int i = 0; i < n; i++)
		x->ord[i] = i;
	qsort_r(x->ord, (size_t)n, sizeof *x->ord, cmp_idx, x);
	for (int i = 1; i < n; i++)
		if (strcmp(idx_id(x, x->ord[i - 1]), idx_id(x, x->ord[i])) == 0)
			return sy_fail(err, SY_EINVAL, "duplicate_id", what, "编号重复：%s", "id used twice: %s",
				       idx_id(x, x->ord[i]));
	return SY_OK;
}

static int32_t idx_find(const struct id_index *x, const char *id)
{
	int lo = 0, hi = x->n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(idx_id(x, x->ord[mid]), id);
		if (c == 0)
			return x->ord[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

struct reader {
	sy_err *err;
	char where[96]; /* "candidates[3]" */
	bool failed;
};

static bool bad(struct reader *rd, const char *field, const char *zh, const char *en)
{
	if (!rd->failed)
		sy_fail(rd->err, SY_EINVAL, "invalid_export", field, "导出文件 %s.%s：%s", "export %s.%s: %s",
			rd->where, field, zh, rd->where, field, en);
	rd->failed = true;
	return false;
}

static bool get_text(struct reader *rd, const json_t *o, const char *key, char *out, size_t cap, bool required)
{
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		out[0] = 0;
		return required ? bad(rd, key, "缺失", "missing") : true;
	}
	const char *s = json_string_value(v);
	if (!s || strlen(s) >= cap || (required && !*s))
		return bad(rd, key, "须为非空且不过长的文本", "must be a non-empty text of bounded length");
	snprintf(out, cap, "%s", s);
	return true;
}

static bool get_date(struct reader *rd, const json_t *o, const char *key, int32_t *out)
{
	char s[16];
	int y, m, d;
	if (!get_text(rd, o, key, s, sizeof s, true))
		return false;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || strlen(s) != 10 || !time_valid_date(y, m, d))
		return bad(rd, key, "日期须为 YYYY-MM-DD", "a date must be YYYY-MM-DD");
	*out = y * 10000 + m * 100 + d;
	return true;
}

static bool get_count(struct reader *rd, const json_t *o, const char *key, int max, int *out)
{
	const json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return bad(rd, key, "须为范围内的非负整数", "must be a non-negative integer in range");
	*out = (int)json_integer_value(v);
	return true;
}

static bool get_name(struct reader *rd, const json_t *o, const char *key, const char *const *names, int n,
		     int dflt, int *out)
{
	const json_t *v = json_object_get(o, key);
	*out = dflt;
	if (!v || json_is_null(v))
		return true;
	if ((*out = name_index(names, n, json_string_value(v))) < 0)
		return bad(rd, key, "取值未知", "unknown value");
	return true;
}

static bool get_education(struct reader *rd, const json_t *o, const char *key, int *out)
{
	const json_t *v = json_object_get(o, key);
	*out = PL_EDU_NONE;
	if (!v || json_is_null(v))
		return true;
	if ((*out = pl_education_by_name(json_string_value(v))) < 0)
		return bad(rd, key, "学历取值未知", "unknown education level");
	return true;
}

/* {name: count} for the names given; any other key is refused. */
static bool get_counts(struct reader *rd, const json_t *o, const char *key, const char *const *names, int n,
		       uint16_t *out)
{
	const json_t *v = json_object_get(o, key);
	const char *k;
	json_t *cnt;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_object(v))
		return bad(rd, key, "须为对象", "must be an object");
	json_object_foreach((json_t *)v, k, cnt) {
		int i = name_index(names, n, k), c;
		if (i < 0)
			return bad(rd, key, "含未知项目", "has an unknown entry");
		if (!get_count(rd, v, k, 1000, &c))
			return false;
		out[i] = (uint16_t)c;
	}
	return true;
}

static bool read_candidate(struct reader *rd, const json_t *j, struct pl_candidate *c)
{
	int honour, edu, rank, h, sp;
	uint16_t com[2] = {0, 0};
	memset(c, 0, sizeof *c);
	if (!json_is_object(j))
		return bad(rd, "id", "须为对象", "must be an object");
	const json_t *dis = json_object_get(j, "disability"), *aw = json_object_get(j, "awards");
	if (!get_text(rd, j, "id", c->id, sizeof c->id, true) || !get_date(rd, j, "birth", &c->birth) ||
	    !get_date(rd, j, "enlisted", &c->enlisted) || !get_date(rd, j, "discharged", &c->discharged) ||
	    !get_name(rd, j, "honour", HONOUR_NAMES, 3, 0, &honour) ||
	    !get_education(rd, j, "education", &edu) ||
	    !get_name(rd, j, "rank", RANK_NAMES, PL_RANK_COUNT, PL_RANK_UNKNOWN, &rank) ||
	    !get_count(rd, j, "hardship_years", 100, &h) || !get_count(rd, j, "special_post_years", 100, &sp) ||
	    !get_counts(rd, j, "commendations", COM_NAMES, 2, com) ||
	    !get_counts(rd, j, "deductions", DED_NAMES, PL_DED_COUNT, c->deductions))
		return false;
	c->commend_cmc = com[0];
	c->commend_cmc_dept = com[1];
	if (c->discharged < c->enlisted)
		return bad(rd, "discharged", "退役日期早于入伍日期", "discharged before enlisting");
	c->sergeant = json_is_true(json_object_get(j, "sergeant"));
	c->martyr_child = json_is_true(json_object_get(j, "martyr_child"));
	c->honour = (uint8_t)honour;
	c->education = (uint8_t)edu;
	c->rank = (int8_t)rank;
	c->hardship_years = (uint16_t)h;
	c->special_post_years = (uint16_t)sp;
	if (dis && !json_is_null(dis)) {
		int cause, grade;
		if (!json_is_object(dis) || !get_name(rd, dis, "cause", CAUSE_NAMES, 4, 0, &cause) ||
		    !get_count(rd, dis, "grade", 10, &grade) || grade < 1)
			return bad(rd, "disability", "须为 {cause, grade 1–10}", "must be {cause, grade 1-10}");
		c->disab_cause = (uint8_t)cause;
		c->disab_grade = (uint8_t)grade;
	}
	if (aw && !json_is_null(aw)) {
		if (!json_is_object(aw))
			return bad(rd, "awards", "须为对象", "must be an object");
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)aw, k, v) {
			int ctx = name_index(CONTEXT_NAMES, PL_CONTEXT_COUNT, k);
			if (ctx < 0)
				return bad(rd, "awards", "含未知的奖励情形", "has an unknown context");
			if (!get_counts(rd, aw, k, LEVEL_NAMES, PL_LEVEL_COUNT, c->awards[ctx]))
				return false;
		}
	}
	return true;
}

sy_status pl_candidate_parse(const json_t *j, struct pl_candidate *c, sy_err *err)
{
	struct reader rd = {.err = err};
	snprintf(rd.where, sizeof rd.where, "candidate");
	return read_candidate(&rd, j, c) ? SY_OK : err ? err->status : SY_EINVAL;
}

static bool read_post(struct reader *rd, const json_t *j, struct pl_post *p)
{
	int places, edu;
	memset(p, 0, sizeof *p);
	if (!json_is_object(j))
		return bad(rd, "id", "须为对象", "must be an object");
	if (!get_text(rd, j, "id", p->id, sizeof p->id, true) ||
	    !get_text(rd, j, "employer", p->employer, sizeof p->employer, false) ||
	    !get_text(rd, j, "title", p->title, sizeof p->title, false) ||
	    !get_count(rd, j, "places", 100000, &places) ||
	    !get_education(rd, j, "min_education", &edu))
		return false;
	p->places = places;
	p->min_education = (uint8_t)edu;
	return true;
}

static bool read_policy(struct reader *rd, const json_t *j, struct pl_rates *r)
{
	char code[PL_CODE_MAX];
	const json_t *items = json_object_get(j, "items");
	snprintf(rd->where, sizeof rd->where, "policy");
	if (!json_is_object(j) || !get_text(rd, j, "code", code, sizeof code, true))
		return bad(rd, "code", "缺失评分表", "the policy table is missing");
	if (!json_is_object(items))
		return bad(rd, "items", "须为对象", "must be an object");
	pl_rates_init(r, code);
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)items, k, v) {
		int item = pl_item_by_code(k);
		int64_t milli = 0;
		if (item < 0)
			return bad(rd, "items", "含未知项目", "has an unknown item");
		if (!json_is_null(v) && !pl_parse_milli(json_string_value(v), 3, &milli))
			return bad(rd, "items", "分值须为小数文本或 null", "a value must be a decimal text or null");
		pl_rates_put(r, item, !json_is_null(v), milli);
	}
	return true;
}

static bool read_chain(struct reader *rd, const json_t *j, struct pl_chain *ch)
{
	snprintf(rd->where, sizeof rd->where, "batch");
	memset(ch, 0, sizeof *ch);
	if (!json_is_array(j) || json_array_size(j) > PL_MAX_TIEBREAK)
		return bad(rd, "tie_break", "须为规则名数组", "must be an array of rule names");
	size_t i;
	json_t *v;
	json_array_foreach((json_t *)j, i, v) {
		int rule = pl_tiebreak_by_name(json_string_value(v));
		if (rule == PL_TB_NONE)
			return bad(rd, "tie_break", "含未知规则", "has an unknown rule");
		ch->rule[ch->n++] = (int8_t)rule;
	}
	return true;
}

/* Every candidate's "preferences" (post ids) into b->pref_off / b->pref. */
static bool read_prefs(struct reader *rd, const json_t *cands, struct pl_batch *b, const struct id_index *posts)
{
	size_t total = 0;
	for (int i = 0; i < b->n; i++)
		total += json_array_size(json_object_get(json_array_get(cands, (size_t)i), "preferences"));
	b->pref_off = malloc(((size_t)b->n + 1) * sizeof *b->pref_off);
	b->pref = malloc((total + 1) * sizeof *b->pref);
	if (!b->pref_off || !b->pref) {
		oom(rd->err);
		return rd->failed = true, false;
	}
	int32_t k = 0;
	for (int i = 0; i < b->n; i++) {
		const json_t *pr = json_object_get(json_array_get(cands, (size_t)i), "preferences");
		size_t j;
		json_t *v;
		b->pref_off[i] = k;
		snprintf(rd->where, sizeof rd->where, "candidates[%d]", i);
		if (pr && !json_is_array(pr))
			return bad(rd, "preferences", "须为岗位编号数组", "must be an array of post ids");
		json_array_foreach((json_t *)pr, j, v) {
			int32_t p = json_is_string(v) ? idx_find(posts, json_string_value(v)) : -1;
			if (p < 0)
				return bad(rd, "preferences", "含不存在的岗位", "names a post that does not exist");
			b->pref[k++] = p;
		}
	}
	b->pref_off[b->n] = k;
	return true;
}

static bool read_steps(struct reader *rd, const json_t *steps, struct pl_batch *b, const struct id_index *ci,
		       const struct id_index *pi)
{
	size_t n = json_array_size(steps);
	b->choice_cand = malloc((n + 1) * sizeof *b->choice_cand);
	b->choice = malloc((n + 1) * sizeof *b->choice);
	if (!b->choice_cand || !b->choice) {
		oom(rd->err);
		return rd->failed = true, false;
	}
	for (size_t k = 0; k < n; k++) {
		const json_t *s = json_array_get(steps, k);
		const char *kind = json_string_value(json_object_get(s, "choice"));
		const char *who = json_string_value(json_object_get(s, "candidate"));
		snprintf(rd->where, sizeof rd->where, "live_steps[%zu]", k);
		int32_t c = who ? idx_find(ci, who) : -1;
		if (c < 0)
			return bad(rd, "candidate", "考生不存在", "no such candidate");
		struct pl_choice ch = {.kind = PL_CHOOSE_NONE, .post = -1};
		if (kind && strcmp(kind, "post") == 0) {
			const char *post = json_string_value(json_object_get(s, "post"));
			ch.kind = PL_CHOOSE_POST;
			if ((ch.post = post ? idx_find(pi, post) : -1) < 0)
				return bad(rd, "post", "岗位不存在", "no such post");
		} else if (kind && strcmp(kind, "absent") == 0)
			ch.kind = PL_CHOOSE_ABSENT;
		else if (!kind || strcmp(kind, "none") != 0)
			return bad(rd, "choice", "须为 post、none 或 absent", "must be post, none or absent");
		b->choice_cand[k] = c;
		b->choice[k] = ch;
	}
	b->nchoices = (int)n;
	return true;
}

sy_status pl_import_json(const json_t *j, struct pl_batch *b, sy_err *err)
{
	struct reader rd = {.err = err};
	struct id_index ci = {0}, pi = {0};
	const json_t *cands = json_object_get(j, "candidates"), *posts = json_object_get(j, "posts");
	const char *fmt = json_string_value(json_object_get(j, "format"));
	const char *mode = json_string_value(json_object_get(j, "mode"));
	sy_status st = SY_OK;
	memset(b, 0, sizeof *b);
	snprintf(rd.where, sizeof rd.where, "export");
	if (!fmt || strcmp(fmt, "shuangyong-placement-export/1") != 0)
		return sy_failf(err, SY_EINVAL, "invalid_export", "format", "不是安置批次导出文件（format 不符）",
				"not a placement export (format)");
	if (!json_is_array(cands) || !json_is_array(posts) || json_array_size(cands) > 10000000 ||
	    json_array_size(posts) > 1000000)
		return sy_failf(err, SY_EINVAL, "invalid_export", "candidates", "缺少 candidates 或 posts 数组",
				"candidates or posts array missing");
	snprintf(b->name, sizeof b->name, "%s", json_string_value(json_object_get(j, "batch")) ?: "");
	b->mode = mode && strcmp(mode, "live") == 0 ? PL_MODE_LIVE : PL_MODE_PREFERENCES;
	b->absence = pl_absence_by_name(json_string_value(json_object_get(j, "absence_rule")));
	if (b->absence < 0)
		b->absence = PL_ABSENCE_FORFEIT;
	b->n = (int)json_array_size(cands);
	b->nposts = (int)json_array_size(posts);
	b->cand = calloc((size_t)b->n + 1, sizeof *b->cand);
	b->posts = calloc((size_t)b->nposts + 1, sizeof *b->posts);
	if (!b->cand || !b->posts) {
		st = oom(err);
		goto out;
	}
	if (!read_policy(&rd, json_object_get(j, "policy"), &b->rates) ||
	    !read_chain(&rd, json_object_get(j, "tie_break"), &b->chain))
		goto out;
	for (int i = 0; i < b->n && !rd.failed; i++) {
		snprintf(rd.where, sizeof rd.where, "candidates[%d]", i);
		read_candidate(&rd, json_array_get(cands, (size_t)i), &b->cand[i]);
	}
	for (int p = 0; p < b->nposts && !rd.failed; p++) {
		snprintf(rd.where, sizeof rd.where, "posts[%d]", p);
		read_post(&rd, json_array_get(posts, (size_t)p), &b->posts[p]);
	}
	if (rd.failed || (st = idx_build(&ci, b->cand, sizeof *b->cand, b->n, "candidates", err)) ||
	    (st = idx_build(&pi, b->posts, sizeof *b->posts, b->nposts, "posts", err)))
		goto out;
	if (b->mode == PL_MODE_PREFERENCES)
		read_prefs(&rd, cands, b, &pi);
	else
		read_steps(&rd, json_object_get(j, "live_steps"), b, &ci, &pi);
out:
	free(ci.ord);
	free(pi.ord);
	if (!st && rd.failed)
		st = err ? err->status : SY_EINVAL;
	if (st)
		pl_batch_free(b);
	return st;
}

/* ---- verification ---- */

/* The stated entry of each candidate in an array of {id, …} (NULL where none). */
static sy_status stated_by_candidate(const json_t *arr, const struct id_index *ci, const json_t **out, sy_err *err)
{
	size_t i;
	json_t *v;
	json_array_foreach((json_t *)arr, i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		int32_t c = id ? idx_find(ci, id) : -1;
		if (c < 0)
			return sy_fail(err, SY_EINVAL, "invalid_export", "scores", "导出文件列出的考生 %s 不存在",
				       "the export lists candidate %s, who is not among its candidates", id ? id : "?");
		out[c] = v;
	}
	return SY_OK;
}

static const char *jtext(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "-";
}

/* The first candidate (in rank order) whose stated score or rank differs from the recomputed one. */
static bool diff_scores(const struct pl_batch *b, const json_t **stated, char *diff, size_t cap)
{
	for (int i = 0; i < b->n; i++) {
		const struct pl_score *s = &b->scores[i];
		const json_t *st = stated[i];
		if (s->status == PL_NOT_ELIGIBLE) {
			if (st) {
				snprintf(diff, cap, "candidate %s: the export ranks them, but recomputed they are not eligible",
					 b->cand[i].id);
				return true;
			}
			continue;
		}
		char total[32];
		pl_format_milli(s->total, total);
		if (!st) {
			snprintf(diff, cap, "candidate %s: recomputed rank %d with score %s, missing from the export's score list",
				 b->cand[i].id, (int)b->rk.rank_of[i], total);
			return true;
		}
		if (strcmp(jtext(st, "total"), total) != 0) {
			snprintf(diff, cap, "candidate %s's score: the export states %s, recomputed from their inputs %s",
				 b->cand[i].id, jtext(st, "total"), total);
			return true;
		}
	}
	for (int i = 0; i < b->n; i++) {
		const json_t *st = stated[i];
		if (st && json_integer_value(json_object_get(st, "rank")) != b->rk.rank_of[i]) {
			snprintf(diff, cap, "candidate %s's rank: the export states %lld, recomputed %d", b->cand[i].id,
				 (long long)json_integer_value(json_object_get(st, "rank")), (int)b->rk.rank_of[i]);
			return true;
		}
	}
	return false;
}

static int cmp_turn(const void *a, const void *b, void *arg)
{
	const struct pl_result *r = arg;
	int32_t x = r[*(const int32_t *)a].turn, y = r[*(const int32_t *)b].turn;
	return (x > y) - (x < y);
}

/* The first candidate, in the order of turns, whose stated result differs. */
static bool diff_results(const struct pl_batch *b, const json_t **stated, char *diff, size_t cap)
{
	int32_t *ord = malloc(((size_t)b->rk.n + 1) * sizeof *ord);
	if (!ord) {
		snprintf(diff, cap, "out of memory");
		return true;
	}
	memcpy(ord, b->rk.order, (size_t)b->rk.n * sizeof *ord);
	qsort_r(ord, (size_t)b->rk.n, sizeof *ord, cmp_turn, b->res);
	bool found = false;
	for (int i = 0; i < b->rk.n && !found; i++) {
		int32_t k = ord[i];
		const struct pl_result *r = &b->res[k];
		const json_t *st = stated[k];
		const char *post = r->post >= 0 ? b->posts[r->post].id : "-";
		const char *out = pl_outcome_name(r->outcome);
		if (st && strcmp(jtext(st, "outcome"), out) == 0 && strcmp(jtext(st, "post"), post) == 0 &&
		    json_integer_value(json_object_get(st, "turn")) == r->turn)
			continue;
		snprintf(diff, cap,
			 "candidate %s's result: the export states %s %s, recomputed from %s %s %s (turn %d)", b->cand[k].id,
			 st ? jtext(st, "outcome") : "(none)", st ? jtext(st, "post") : "", b->mode == PL_MODE_LIVE ?
			 "the recorded live choices:" : "the preferences:", out, post, (int)r->turn);
		found = true;
	}
	free(ord);
	return found;
}

static bool diff_digests(const json_t *j, const struct pl_digests *dg, char *diff, size_t cap)
{
	const json_t *d = json_object_get(j, "digests");
	const char *names[3] = {"scores", "posts", "results"};
	const char *mine[3] = {dg->scores, dg->posts, dg->results};
	for (int k = 0; k < 3; k++) {
		const char *st = json_string_value(json_object_get(d, names[k]));
		if (!st || strcmp(st, mine[k]) != 0) {
			snprintf(diff, cap, "the %s digest: the export states %s, recomputed %s", names[k], st ? st : "(none)",
				 mine[k]);
			return true;
		}
	}
	return false;
}

sy_status pl_verify(const json_t *j, bool *same, char *diff, size_t cap, struct pl_digests *dg, sy_err *err)
{
	struct pl_batch b;
	struct id_index ci = {0};
	const json_t **sc = NULL, **rs = NULL;
	sy_err run_err;
	sy_status st;
	*same = false;
	diff[0] = 0;
	if ((st = pl_import_json(j, &b, err)))
		return st;
	if ((st = idx_build(&ci, b.cand, sizeof *b.cand, b.n, "candidates", err)))
		goto out;
	sc = calloc((size_t)b.n + 1, sizeof *sc);
	rs = calloc((size_t)b.n + 1, sizeof *rs);
	if (!sc || !rs) {
		st = oom(err);
		goto out;
	}
	if ((st = stated_by_candidate(json_object_get(j, "scores"), &ci, sc, err)) ||
	    (st = stated_by_candidate(json_object_get(j, "results"), &ci, rs, err)))
		goto out;
	/* Scores first: a changed score input changes the order of turns, so the recorded live
	 * steps would no longer fit; the score is the difference to name. */
	if (pl_batch_score(&b, &run_err)) {
		/* Recomputing failed (an unset value, a duplicate id): that is the difference. */
		snprintf(diff, cap, "recomputing the scores failed: %s", run_err.msg_en);
		goto out;
	}
	if (diff_scores(&b, sc, diff, cap))
		goto out;
	if (batch_allocate(&b, &run_err)) {
		/* A recorded live choice that the session refuses (a full post, out of turn). */
		snprintf(diff, cap, "recomputing the results failed: %s", run_err.msg_en);
		goto out;
	}
	*dg = b.dg;
	if (diff_results(&b, rs, diff, cap) || diff_digests(j, &b.dg, diff, cap))
		goto out;
	*same = true;
out:
	free(sc);
	free(rs);
	free(ci.ord);
	pl_batch_free(&b);
	return st;
}
