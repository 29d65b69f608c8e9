/*
 * batches.c - 阳光安置 batches: settings, candidates from the registry, posts,
 * scoring through the engine (see batches.h). Publication, objections, the
 * session and results are in publish.c; both share the loaded form of
 * internal.h.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "lib/timeutil.h"

static const char SQL_BATCH_INSERT[] =
	"INSERT INTO placement_batches (year, region_code, name, mode, absence_rule, tie_break, publicity_days,"
	" objection_days, discharged_from, discharged_to, status, created_by, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $12) RETURNING id";
static const char SQL_BATCH_EXISTS[] = "SELECT id FROM placement_batches WHERE year = $1 AND region_code = $2";
static const char SQL_REGION_EXISTS[] = "SELECT 1 FROM regions WHERE code = $1";
static const char SQL_BATCH_UPDATE[] =
	"UPDATE placement_batches SET name = $2, mode = $3, absence_rule = $4, tie_break = $5, publicity_days = $6,"
	" objection_days = $7, discharged_from = $8, discharged_to = $9, updated_at = $10 WHERE id = $1";
static const char SQL_BATCH_ROW[] =
	"SELECT b.id, b.year, b.region_code, b.name, b.mode, b.absence_rule, b.tie_break, b.publicity_days,"
	" b.objection_days, b.discharged_from, b.discharged_to, b.status, b.policy_code, b.published_at,"
	" b.objection_until, b.publicity_until, b.results_digest, b.closed_at,"
	" (SELECT COALESCE(MAX(v.version), 0) FROM placement_versions v WHERE v.batch_id = b.id),"
	" (SELECT name FROM regions r WHERE r.code = b.region_code)"
	" FROM placement_batches b WHERE b.id = $1";
static const char SQL_BATCH_LIST[] =
	"SELECT b.id, b.year, b.region_code, b.name, b.mode, b.status, b.published_at, b.closed_at,"
	" (SELECT COUNT(*) FROM placement_candidates c WHERE c.batch_id = b.id),"
	" (SELECT COUNT(*) FROM placement_posts p WHERE p.batch_id = b.id),"
	" (SELECT name FROM regions r WHERE r.code = b.region_code)"
	" FROM placement_batches b WHERE b.region_code LIKE $1 ORDER BY b.year DESC, b.id DESC";
static const char SQL_CANDIDATES[] =
	"SELECT id, person_id, number, name, inputs, preferences FROM placement_candidates WHERE batch_id = $1 ORDER BY id";
static const char SQL_POSTS[] =
	"SELECT id, number, employer_org_id, employer, title, places, min_education FROM placement_posts"
	" WHERE batch_id = $1 ORDER BY id";
static const char SQL_STEPS[] =
	"SELECT s.seq, s.candidate_id, s.choice, p.number, s.recorded_by, s.recorded_at FROM placement_steps s"
	" LEFT JOIN placement_posts p ON p.id = s.post_id WHERE s.batch_id = $1 ORDER BY s.seq";
static const char SQL_OBJECTIONS[] =
	"SELECT o.id, c.number, c.name, o.version, o.text, o.filed_by, o.by_candidate, o.status, o.outcome,"
	" o.decided_by, o.decided_at, o.created_at, o.candidate_id FROM placement_objections o"
	" JOIN placement_candidates c ON c.id = o.candidate_id WHERE o.batch_id = $1 ORDER BY o.id";
/* The registry's facts for a candidate: the latest service record discharged in the window. */
static const char SQL_DRAW[] =
	"SELECT p.id, p.name, p.birth_date, s.id, s.enlist_date, s.discharge_date, s.rank, s.disability_grade,"
	" s.disability_cause FROM people p JOIN service_records s ON s.person_id = p.id"
	" WHERE p.region_code LIKE $1 AND p.status = 'normal' AND s.exit_mode = 'placed'"
	" AND s.discharge_date >= $2 AND s.discharge_date <= $3"
	" AND NOT EXISTS (SELECT 1 FROM placement_candidates c WHERE c.batch_id = $4 AND c.person_id = p.id)"
	" AND (CAST($5 AS BIGINT) IS NULL OR p.id = $5)"
	" ORDER BY p.id, s.discharge_date DESC, s.id DESC";
static const char SQL_PERSON_REGION[] = "SELECT region_code FROM people WHERE id = $1";
static const char SQL_AWARDS[] = "SELECT level, wartime FROM awards WHERE service_id = $1";
static const char SQL_HARDSHIP[] =
	"SELECT start_date, end_date FROM service_periods WHERE service_id = $1 AND kind = 'hardship'";
/* 烈士子女: a parent who died a martyr, linked either way round. */
static const char SQL_MARTYR_CHILD[] =
	"SELECT COUNT(*) FROM family_links f JOIN people x ON x.id = f.relative_id"
	" WHERE f.person_id = $1 AND f.relation = 'parent' AND x.status = 'deceased' AND x.death_kind = 'martyr'";
static const char SQL_MARTYR_PARENT[] =
	"SELECT COUNT(*) FROM family_links f JOIN people x ON x.id = f.person_id"
	" WHERE f.relative_id = $1 AND f.relation = 'child' AND x.status = 'deceased' AND x.death_kind = 'martyr'";
static const char SQL_CANDIDATE_COUNT[] = "SELECT COUNT(*) FROM placement_candidates WHERE batch_id = $1";
static const char SQL_CANDIDATE_INSERT[] =
	"INSERT INTO placement_candidates (batch_id, person_id, number, name, inputs, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id";
static const char SQL_CANDIDATE_ONE[] =
	"SELECT id, person_id, number, name, inputs FROM placement_candidates WHERE batch_id = $1 AND id = $2";
static const char SQL_CANDIDATE_SET_INPUTS[] =
	"UPDATE placement_candidates SET inputs = $2, updated_at = $3 WHERE id = $1";
static const char SQL_POST_COUNT[] = "SELECT COUNT(*) FROM placement_posts WHERE batch_id = $1";
static const char SQL_ORG_NAME[] = "SELECT name FROM orgs WHERE id = $1";
static const char SQL_POST_INSERT[] =
	"INSERT INTO placement_posts (batch_id, number, employer_org_id, employer, title, places, min_education,"
	" created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
static const char SQL_VERSIONS_BRIEF[] =
	"SELECT version, scores_digest, posts_digest, published_by, published_at, reason, objection_until"
	" FROM placement_versions WHERE batch_id = $1 ORDER BY version";

sy_status pl_oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void placement_mask_name(const char *name, char *out, size_t cap)
{
	/* Byte offsets of each UTF-8 character's start. */
	size_t starts[64], n = 0, len = strlen(name ? name : "");
	for (size_t i = 0; i < len && n < 64; i++)
		if (((unsigned char)name[i] & 0xC0) != 0x80)
			starts[n++] = i;
	size_t o = 0;
	out[0] = 0;
	if (!n || cap < 8)
		return;
	size_t first = n > 1 ? starts[1] : len;
	o += (size_t)snprintf(out, cap, "%.*s", (int)first, name);
	for (size_t k = 1; k < n && o + 2 < cap; k++) {
		if (k == n - 1 && n > 2) {
			snprintf(out + o, cap - o, "%s", name + starts[k]);
			return;
		}
		o += (size_t)snprintf(out + o, cap - o, "*");
	}
}

bool pl_is_staff_writer(const struct principal *a)
{
	return a && (a->role == ROLE_ADMIN || a->role == ROLE_OFFICER);
}

/* ---- the batch row ---- */

sy_status pl_row_load(db *d, int64_t id, struct pl_row *w, sy_err *err)
{
	db_rows *r = NULL;
	memset(w, 0, sizeof *w);
	sy_status st = db_query(d, SQL_BATCH_ROW, DB_ARGS(DB_I(id)), &r, err);
	if (!st && !db_next(r))
		st = sy_failf(err, SY_ENOTFOUND, "batch_not_found", NULL, "安置批次不存在", "no such placement batch");
	if (!st) {
		w->id = db_int(r, 0);
		w->year = (int)db_int(r, 1);
		copy(w->region, sizeof w->region, db_text(r, 2));
		copy(w->name, sizeof w->name, db_text(r, 3));
		copy(w->mode, sizeof w->mode, db_text(r, 4));
		copy(w->absence, sizeof w->absence, db_text(r, 5));
		copy(w->tie_break, sizeof w->tie_break, db_text(r, 6));
		w->publicity_days = (int)db_int(r, 7);
		w->objection_days = (int)db_int(r, 8);
		copy(w->from, sizeof w->from, db_text(r, 9));
		copy(w->to, sizeof w->to, db_text(r, 10));
		copy(w->status, sizeof w->status, db_text(r, 11));
		copy(w->policy, sizeof w->policy, db_text(r, 12));
		copy(w->published_at, sizeof w->published_at, db_text(r, 13));
		copy(w->objection_until, sizeof w->objection_until, db_text(r, 14));
		copy(w->publicity_until, sizeof w->publicity_until, db_text(r, 15));
		copy(w->results_digest, sizeof w->results_digest, db_text(r, 16));
		copy(w->closed_at, sizeof w->closed_at, db_text(r, 17));
		w->version = (int)db_int(r, 18);
		copy(w->region_name, sizeof w->region_name, db_text(r, 19));
	}
	db_rows_free(r);
	return st;
}

/* The batch row, if the actor may read it (write: and change it). Persons never reach here. */
sy_status pl_row_access(db *d, const struct principal *actor, int64_t id, bool write, struct pl_row *w,
			sy_err *err)
{
	sy_status st = pl_row_load(d, id, w, err);
	if (st)
		return st;
	if (!actor || actor->role == ROLE_PERSON || (write && !pl_is_staff_writer(actor)) ||
	    !(actor->role & ROLES_STAFF))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权执行此操作", "your role may not do this");
	return scope_require_region(actor, w->region, "region_code", err);
}

sy_status pl_require_status(const struct pl_row *w, const char *status, sy_err *err)
{
	if (strcmp(w->status, status) == 0)
		return SY_OK;
	return sy_fail(err, SY_ECONFLICT, "batch_wrong_status", "status", "批次当前状态为 %s，此操作需要 %s",
		       "the batch is %s; this needs %s", w->status, status, w->status, status);
}

sy_status pl_audit(db *d, const struct principal *actor, const struct pl_row *w, const char *action,
		   json_t *detail, sy_err *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)w->id);
	struct audit_event ev = {.action = action, .object_type = "placement_batch", .object_id = oid,
				 .region_code = w->region, .detail = detail};
	sy_status st = detail ? audit_write(d, actor, &ev, err) : pl_oom(err);
	json_decref(detail);
	return st;
}

/* ---- settings ---- */

static bool valid_date(const char *s)
{
	int y, m, dd;
	return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d", &y, &m, &dd) == 3 && s[4] == '-' && s[7] == '-' &&
	       time_valid_date(y, m, dd);
}

/* The settings after applying in over w's (w zeroed for a create), checked. */
static sy_status check_settings(db *d, struct pl_row *w, const struct batch_input *in, sy_err *err)
{
	if (in->name)
		copy(w->name, sizeof w->name, in->name);
	if (in->mode)
		copy(w->mode, sizeof w->mode, in->mode);
	if (in->absence_rule)
		copy(w->absence, sizeof w->absence, in->absence_rule);
	if (in->tie_break)
		copy(w->tie_break, sizeof w->tie_break, in->tie_break);
	if (in->publicity_days)
		w->publicity_days = in->publicity_days;
	if (in->objection_days)
		w->objection_days = in->objection_days;
	if (in->discharged_from)
		copy(w->from, sizeof w->from, in->discharged_from);
	if (in->discharged_to)
		copy(w->to, sizeof w->to, in->discharged_to);
	if (!w->name[0] || strlen(w->name) > 100)
		return sy_failf(err, SY_EINVAL, "invalid_name", "name", "批次名称须为 1–100 字节", "name must be 1–100 bytes");
	if (strcmp(w->mode, "live") && strcmp(w->mode, "preferences"))
		return sy_failf(err, SY_EINVAL, "invalid_mode", "mode", "选岗方式须为 live 或 preferences",
				"mode must be live or preferences");
	if (pl_absence_by_name(w->absence) < 0)
		return sy_failf(err, SY_EINVAL, "invalid_absence_rule", "absence_rule",
				"缺席规则须为 forfeit 或 skip_to_end", "absence_rule must be forfeit or skip_to_end");
	struct pl_chain ch;
	if (!w->tie_break[0]) {
		pl_chain_default(&ch);
		pl_chain_text(&ch, w->tie_break, sizeof w->tie_break);
	} else if (pl_chain_parse(w->tie_break, &ch, err))
		return err->status;
	if (w->publicity_days < 1 || w->publicity_days > 365)
		return sy_failf(err, SY_EINVAL, "invalid_days", "publicity_days", "公示天数须为 1–365",
				"publicity_days must be 1–365");
	if (w->objection_days < 1 || w->objection_days > 365)
		return sy_failf(err, SY_EINVAL, "invalid_days", "objection_days", "异议期天数须为 1–365",
				"objection_days must be 1–365");
	if (!valid_date(w->from))
		return sy_failf(err, SY_EINVAL, "invalid_date", "discharged_from", "日期须为 YYYY-MM-DD",
				"a date must be YYYY-MM-DD");
	if (!valid_date(w->to) || strcmp(w->to, w->from) < 0)
		return sy_failf(err, SY_EINVAL, "invalid_date", "discharged_to", "截止日期须为 YYYY-MM-DD 且不早于起始日期",
				"discharged_to must be YYYY-MM-DD, not before discharged_from");
	/* One policy table must cover the whole window: the batch is scored by one table. */
	struct pl_policy a = {0}, b = {0};
	sy_status st = policy_for_discharge(d, w->from, &a, err);
	if (!st && !(st = policy_for_discharge(d, w->to, &b, err)) && strcmp(a.code, b.code) != 0)
		st = sy_fail(err, SY_EINVAL, "policy_mixed", "discharged_to",
			     "退役日期范围跨越两个评分表（%s 与 %s），请分为两个批次",
			     "the discharge window spans two policy tables (%s and %s): make two batches", a.code, b.code,
			     a.code, b.code);
	if (st == SY_ENOTFOUND)
		st = err->status = SY_EINVAL;
	policy_free(&a);
	policy_free(&b);
	return st;
}

sy_status batch_create(db *d, const struct principal *actor, const struct batch_input *in, int64_t *id,
		       sy_err *err)
{
	struct pl_row w = {0};
	int64_t one;
	bool own = false;
	char now[TIME_ISO_LEN];
	sy_status st;
	if (!pl_is_staff_writer(actor))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权执行此操作", "your role may not do this");
	if (in->year < 1990 || in->year > 2999)
		return sy_failf(err, SY_EINVAL, "invalid_year", "year", "年度须为 1990–2999", "year must be 1990–2999");
	if (!in->region_code || !*in->region_code || strlen(in->region_code) >= sizeof w.region)
		return sy_failf(err, SY_EINVAL, "invalid_region", "region_code", "须填写地区代码", "region_code is required");
	if (!in->name || !in->mode || !in->absence_rule || !in->publicity_days || !in->objection_days ||
	    !in->discharged_from || !in->discharged_to)
		return sy_failf(err, SY_EINVAL, "missing_field",
				!in->name ? "name" : !in->mode ? "mode" : !in->absence_rule ? "absence_rule"
				: !in->publicity_days ? "publicity_days" : !in->objection_days ? "objection_days"
				: !in->discharged_from ? "discharged_from" : "discharged_to",
				"缺少必填项", "a required field is missing");
	if ((st = scope_require_region(actor, in->region_code, "region_code", err)))
		return st;
	st = db_query_int(d, SQL_REGION_EXISTS, DB_ARGS(DB_T(in->region_code)), &one, err);
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_EINVAL, "invalid_region", "region_code", "地区代码不存在", "no such region");
	if (st || (st = check_settings(d, &w, in, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	st = db_query_int(d, SQL_BATCH_EXISTS, DB_ARGS(DB_I(in->year), DB_T(in->region_code)), &one, err);
	if (st == SY_OK) {
		st = sy_fail(err, SY_ECONFLICT, "batch_exists", "year", "该地区 %d 年度的安置批次已存在",
			     "a batch for %d in this region exists", in->year, in->year);
		goto out;
	}
	if (st != SY_ENOTFOUND)
		goto out;
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_BATCH_INSERT,
			       DB_ARGS(DB_I(in->year), DB_T(in->region_code), DB_T(w.name), DB_T(w.mode), DB_T(w.absence),
				       DB_T(w.tie_break), DB_I(w.publicity_days), DB_I(w.objection_days), DB_T(w.from),
				       DB_T(w.to), DB_T(actor->name), DB_T(now)),
			       id, err)) ||
	    (st = pl_row_load(d, *id, &w, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.batch_create",
		      json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "year", w.year, "name", w.name, "mode",
				w.mode, "absence_rule", w.absence, "tie_break", w.tie_break, "publicity_days",
				w.publicity_days, "objection_days", w.objection_days, "discharged_from", w.from,
				"discharged_to", w.to),
		      err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status batch_update(db *d, const struct principal *actor, int64_t id, const struct batch_input *in,
		       sy_err *err)
{
	struct pl_row w;
	bool own = false;
	char now[TIME_ISO_LEN];
	sy_status st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_row_access(d, actor, id, true, &w, err)) || (st = pl_require_status(&w, "draft", err)) ||
	    (st = check_settings(d, &w, in, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_BATCH_UPDATE,
			   DB_ARGS(DB_I(id), DB_T(w.name), DB_T(w.mode), DB_T(w.absence), DB_T(w.tie_break),
				   DB_I(w.publicity_days), DB_I(w.objection_days), DB_T(w.from), DB_T(w.to), DB_T(now)),
			   NULL, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.batch_update",
		      json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "name", w.name, "mode", w.mode,
				"absence_rule", w.absence, "tie_break", w.tie_break, "publicity_days", w.publicity_days,
				"objection_days", w.objection_days, "discharged_from", w.from, "discharged_to", w.to),
		      err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status batch_list(db *d, const struct principal *actor, json_t **out, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	db_rows *r = NULL;
	if (!actor || !(actor->role & ROLES_STAFF))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权执行此操作", "your role may not do this");
	scope_region_like(actor, like);
	json_t *items = json_array();
	sy_status st = items ? db_query(d, SQL_BATCH_LIST, DB_ARGS(DB_T(like)), &r, err) : pl_oom(err);
	while (!st && db_next(r))
		if (json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:I, s:I}",
							   "id", (json_int_t)db_int(r, 0), "year", (json_int_t)db_int(r, 1),
							   "region_code", db_text(r, 2), "region_name", db_text(r, 10),
							   "name", db_text(r, 3), "mode", db_text(r, 4), "status",
							   db_text(r, 5), "published_at", db_text(r, 6), "closed_at",
							   db_text(r, 7), "candidates", (json_int_t)db_int(r, 8), "posts",
							   (json_int_t)db_int(r, 9))))
			st = pl_oom(err);
	db_rows_free(r);
	if (st)
		json_decref(items);
	else
		*out = items;
	return st;
}

/* ---- the loaded batch ---- */

void pl_loaded_free(struct pl_loaded *L)
{
	pl_batch_free(&L->b);
	free(L->cand_ids);
	free(L->person_ids);
	free(L->names);
	free(L->post_ids);
	free(L->post_orgs);
	json_decref(L->doc);
	memset(L, 0, sizeof *L);
}

/* The policy table's values in the export's form {"code", "items": {code: "3.000" | null}}. */
static json_t *policy_values_json(const struct pl_policy *p)
{
	json_t *items = json_object();
	char v[32];
	for (int i = 0; items && i < p->nitems; i++) {
		pl_format_milli(p->items[i].value_milli, v);
		json_object_set_new(items, p->items[i].code, p->items[i].set ? json_string(v) : json_null());
	}
	return json_pack("{s:s, s:o}", "code", p->code, "items", items);
}

static sy_status load_policy_json(db *d, const struct pl_row *w, json_t **out, sy_err *err)
{
	struct pl_policy p = {0};
	sy_status st = w->policy[0] ? policy_get(d, w->policy, &p, err) : policy_for_discharge(d, w->from, &p, err);
	if (st == SY_ENOTFOUND)
		st = err->status = SY_ECONFLICT;
	if (!st && !(*out = policy_values_json(&p)))
		st = pl_oom(err);
	policy_free(&p);
	return st;
}

static bool grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, (n ? n : 1) * size);
	if (q)
		*p = q;
	return q != NULL;
}

static sy_status load_candidates(db *d, struct pl_loaded *L, json_t *cands, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CANDIDATES, DB_ARGS(DB_I(L->row.id)), &r, err);
	size_t cap = 0;
	while (!st && db_next(r)) {
		if ((size_t)L->n == cap) {
			cap = cap ? cap * 2 : 64;
			if (!grow((void **)&L->cand_ids, cap, sizeof *L->cand_ids) ||
			    !grow((void **)&L->person_ids, cap, sizeof *L->person_ids) ||
			    !grow((void **)&L->names, cap, sizeof *L->names)) {
				st = pl_oom(err);
				break;
			}
		}
		L->cand_ids[L->n] = db_int(r, 0);
		L->person_ids[L->n] = db_int(r, 1);
		copy(L->names[L->n], sizeof L->names[L->n], db_text(r, 3));
		L->n++;
		json_t *c = json_loads(db_text(r, 4), 0, NULL);
		if (!json_is_object(c)) {
			json_decref(c);
			st = sy_failf(err, SY_EINTERNAL, "corrupt_inputs", NULL, "考生数据损坏", "stored candidate inputs are corrupt");
			break;
		}
		json_object_set_new(c, "id", json_string(db_text(r, 2)));
		if (!db_isnull(r, 5))
			json_object_set_new(c, "preferences", json_loads(db_text(r, 5), 0, NULL));
		if (json_array_append_new(cands, c))
			st = pl_oom(err);
	}
	db_rows_free(r);
	return st;
}

static sy_status load_posts(db *d, struct pl_loaded *L, json_t *posts, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_POSTS, DB_ARGS(DB_I(L->row.id)), &r, err);
	size_t cap = 0;
	while (!st && db_next(r)) {
		if ((size_t)L->nposts == cap) {
			cap = cap ? cap * 2 : 32;
			if (!grow((void **)&L->post_ids, cap, sizeof *L->post_ids) ||
			    !grow((void **)&L->post_orgs, cap, sizeof *L->post_orgs)) {
				st = pl_oom(err);
				break;
			}
		}
		L->post_ids[L->nposts] = db_int(r, 0);
		L->post_orgs[L->nposts] = db_int(r, 2);
		L->nposts++;
		if (json_array_append_new(posts, json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", db_text(r, 1), "employer",
							   db_text(r, 3), "title", db_text(r, 4), "places",
							   (json_int_t)db_int(r, 5), "min_education", db_text(r, 6))))
			st = pl_oom(err);
	}
	db_rows_free(r);
	return st;
}

static sy_status load_steps(db *d, struct pl_loaded *L, json_t *steps, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_STEPS, DB_ARGS(DB_I(L->row.id)), &r, err);
	while (!st && db_next(r)) {
		int64_t cid = db_int(r, 1);
		int k = pl_cand_index(L, cid);
		json_t *s = json_pack("{s:s, s:s}", "candidate", k >= 0 ? json_string_value(json_object_get(
									     json_array_get(json_object_get(L->doc, "candidates"), (size_t)k), "id"))
							     : "?",
				      "choice", db_text(r, 2));
		if (s && db_text(r, 3))
			json_object_set_new(s, "post", json_string(db_text(r, 3)));
		if (!s || json_array_append_new(steps, s))
			st = pl_oom(err);
		L->nsteps++;
	}
	db_rows_free(r);
	return st;
}

int pl_cand_index(const struct pl_loaded *L, int64_t cid)
{
	for (int i = 0; i < L->n; i++)
		if (L->cand_ids[i] == cid)
			return i;
	return -1;
}

int pl_post_index(const struct pl_loaded *L, const char *number)
{
	for (int i = 0; number && i < L->b.nposts; i++)
		if (strcmp(L->b.posts[i].id, number) == 0)
			return i;
	return -1;
}

/* Read a batch into the export's JSON form and, through pl_import_json, into L->b (nothing computed). */
sy_status pl_load(db *d, const struct principal *actor, int64_t id, bool write, struct pl_loaded *L, sy_err *err)
{
	memset(L, 0, sizeof *L);
	sy_status st = actor ? pl_row_access(d, actor, id, write, &L->row, err) : pl_row_load(d, id, &L->row, err);
	if (st)
		return st;
	json_t *policy = NULL, *chain = json_array(), *cands = json_array(), *posts = json_array(),
	       *steps = json_array();
	if (!chain || !cands || !posts || !steps || (st = load_policy_json(d, &L->row, &policy, err))) {
		st = st ? st : pl_oom(err);
		json_decref(chain), json_decref(cands), json_decref(posts), json_decref(steps);
		return st;
	}
	struct pl_chain ch;
	if (pl_chain_parse(L->row.tie_break, &ch, err) == SY_OK)
		for (int k = 0; k < ch.n; k++)
			json_array_append_new(chain, json_string(pl_tiebreak_name(ch.rule[k])));
	L->doc = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o}", "format", "shuangyong-placement-export/1",
			   "batch", L->row.name, "policy", policy, "tie_break", chain, "mode", L->row.mode,
			   "absence_rule", L->row.absence, "posts", posts, "candidates", cands, "live_steps", steps);
	if (!L->doc)
		return pl_oom(err);
	if ((st = load_candidates(d, L, cands, err)) || (st = load_posts(d, L, posts, err)) ||
	    (st = load_steps(d, L, steps, err)))
		goto out;
	if ((st = pl_import_json(L->doc, &L->b, err)))
		st = err->status = SY_EINTERNAL; /* the rows were checked when written */
out:
	if (st)
		pl_loaded_free(L);
	return st;
}

/* Score and rank; an unset or absent policy value is a conflict with the batch's state, naming them. */
sy_status pl_score_loaded(struct pl_loaded *L, sy_err *err)
{
	sy_status st = pl_batch_score(&L->b, err);
	if (st == SY_EINVAL && (!strcmp(err->code, "policy_value_unset") || !strcmp(err->code, "policy_item_absent")))
		st = err->status = SY_ECONFLICT;
	return st;
}

/* ---- drawing candidates from the registry ---- */

/* 军士 ranks (and the older 士官 words) and 义务兵 ranks, from the registry's free-text rank. */
static int rank_from_text(const char *s, bool *sergeant)
{
	static const struct {
		const char *word;
		int rank;
		bool sergeant;
	} ranks[] = {
		{"一级军士长", PL_RANK_MSG1, true}, {"二级军士长", PL_RANK_MSG2, true},
		{"三级军士长", PL_RANK_MSG3, true}, {"四级军士长", PL_RANK_MSG4, true},
		{"上士", PL_RANK_STAFF_SERGEANT, true}, {"中士", PL_RANK_SERGEANT, true},
		{"下士", PL_RANK_CORPORAL, true},      {"上等兵", PL_RANK_CONSCRIPT, false},
		{"列兵", PL_RANK_CONSCRIPT, false},     {"义务兵", PL_RANK_CONSCRIPT, false},
	};
	*sergeant = false;
	for (size_t i = 0; s && i < sizeof ranks / sizeof ranks[0]; i++)
		if (strcmp(s, ranks[i].word) == 0) {
			*sergeant = ranks[i].sergeant;
			return ranks[i].rank;
		}
	return PL_RANK_UNKNOWN;
}

static int ymd_of(const char *s)
{
	int y = 0, m = 0, dd = 0;
	if (s)
		sscanf(s, "%4d-%2d-%2d", &y, &m, &dd);
	return y * 10000 + m * 100 + dd;
}

/* Whole years served in hardship areas (the periods added up, in whole months, then whole years). */
static sy_status hardship_years(db *d, int64_t service_id, int *years, sy_err *err)
{
	db_rows *r = NULL;
	int months = 0;
	sy_status st = db_query(d, SQL_HARDSHIP, DB_ARGS(DB_I(service_id)), &r, err);
	while (!st && db_next(r)) {
		int a = ymd_of(db_text(r, 0)), b = ymd_of(db_text(r, 1));
		int m = (b / 10000 - a / 10000) * 12 + (b / 100 % 100 - a / 100 % 100) - (b % 100 < a % 100);
		if (m > 0)
			months += m;
	}
	db_rows_free(r);
	*years = months / 12;
	return st;
}

/* A service record as read from the registry, before the follow-up queries. */
struct snap {
	int64_t pid, sid;
	char name[64], birth[11], enl[11], dis[11], rank[32], cause[16];
	int grade;
};

/* The registry's facts as the engine's candidate (the officer completes education, honours, deductions). */
static sy_status candidate_from_registry(db *d, const struct snap *s, struct pl_candidate *c, sy_err *err)
{
	db_rows *r = NULL;
	int64_t n1 = 0, n2 = 0;
	int hy = 0;
	bool serg;
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "-");
	c->birth = ymd_of(s->birth);
	c->enlisted = ymd_of(s->enl);
	c->discharged = ymd_of(s->dis);
	c->rank = (int8_t)rank_from_text(s->rank, &serg);
	c->sergeant = serg;
	if (s->cause[0] && s->grade >= 1 && s->grade <= 10) {
		c->disab_cause = !strcmp(s->cause, "combat") ? PL_DISAB_COMBAT
				 : !strcmp(s->cause, "duty") ? PL_DISAB_DUTY : PL_DISAB_ILLNESS;
		c->disab_grade = (uint8_t)s->grade;
	}
	sy_status st = db_query(d, SQL_AWARDS, DB_ARGS(DB_I(s->sid)), &r, err);
	while (!st && db_next(r)) {
		const char *lv = db_text(r, 0);
		int ctx = db_int(r, 1) ? PL_WARTIME : PL_PEACETIME;
		int l = !strcmp(lv, "jiajiang") ? PL_JIAJIANG : !strcmp(lv, "merit_3") ? PL_MERIT3
			: !strcmp(lv, "merit_2") ? PL_MERIT2 : !strcmp(lv, "merit_1") ? PL_MERIT1 : -1;
		if (l >= 0)
			c->awards[ctx][l]++;
		else if (!strcmp(lv, "cmc_commendation"))
			c->commend_cmc++;
		else if (!strcmp(lv, "army_commendation"))
			c->commend_cmc_dept++;
	}
	db_rows_free(r);
	if (!st && !(st = hardship_years(d, s->sid, &hy, err)) &&
	    !(st = db_query_int(d, SQL_MARTYR_CHILD, DB_ARGS(DB_I(s->pid)), &n1, err)) &&
	    !(st = db_query_int(d, SQL_MARTYR_PARENT, DB_ARGS(DB_I(s->pid)), &n2, err)))
		c->martyr_child = n1 + n2 > 0;
	c->hardship_years = (uint16_t)hy;
	return st;
}

/* The people the draw query finds, one each (their latest record in the window). */
static sy_status draw_snaps(db *d, const struct pl_row *w, int64_t only_person, struct snap **out, size_t *n,
			    sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	db_rows *r = NULL;
	int64_t prev = 0;
	size_t cap = 0;
	region_prefix(w->region, like);
	strncat(like, "%", sizeof like - strlen(like) - 1);
	*out = NULL;
	*n = 0;
	sy_status st = db_query(d, SQL_DRAW,
				DB_ARGS(DB_T(like), DB_T(w->from), DB_T(w->to), DB_I(w->id), DB_IDOPT(only_person)), &r,
				err);
	while (!st && db_next(r)) {
		if (db_int(r, 0) == prev)
			continue;
		prev = db_int(r, 0);
		if (*n == cap && !grow((void **)out, cap = cap ? cap * 2 : 32, sizeof **out)) {
			st = pl_oom(err);
			break;
		}
		struct snap *s = &(*out)[(*n)++];
		s->pid = db_int(r, 0);
		s->sid = db_int(r, 3);
		copy(s->name, sizeof s->name, db_text(r, 1));
		copy(s->birth, sizeof s->birth, db_text(r, 2));
		copy(s->enl, sizeof s->enl, db_text(r, 4));
		copy(s->dis, sizeof s->dis, db_text(r, 5));
		copy(s->rank, sizeof s->rank, db_text(r, 6));
		copy(s->cause, sizeof s->cause, db_text(r, 8));
		s->grade = (int)db_int(r, 7);
	}
	db_rows_free(r);
	return st;
}

/* Draw into the batch; numbers C001, C002, … continue from those already in it. */
static sy_status draw_rows(db *d, struct pl_row *w, int64_t only_person, int *added, int64_t *last_id, sy_err *err)
{
	char now[TIME_ISO_LEN], number[PL_ID_MAX];
	int64_t count = 0;
	struct snap *snaps = NULL;
	size_t n = 0;
	time_now_iso(now);
	sy_status st = db_query_int(d, SQL_CANDIDATE_COUNT, DB_ARGS(DB_I(w->id)), &count, err);
	if (!st)
		st = draw_snaps(d, w, only_person, &snaps, &n, err);
	for (size_t i = 0; !st && i < n; i++) {
		struct pl_candidate c;
		if ((st = candidate_from_registry(d, &snaps[i], &c, err)))
			break;
		json_t *j = pl_candidate_json(&c);
		char *text = NULL;
		if (j) {
			json_object_del(j, "id");
			text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		}
		json_decref(j);
		if (!text) {
			st = pl_oom(err);
			break;
		}
		snprintf(number, sizeof number, "C%03lld", (long long)(++count));
		st = db_query_int(d, SQL_CANDIDATE_INSERT,
				  DB_ARGS(DB_I(w->id), DB_I(snaps[i].pid), DB_T(number), DB_T(snaps[i].name), DB_T(text),
					  DB_T(now)),
				  last_id, err);
		free(text);
		if (!st)
			(*added)++;
	}
	free(snaps);
	return st;
}

sy_status batch_draw(db *d, const struct principal *actor, int64_t id, int *added, sy_err *err)
{
	struct pl_row w;
	bool own = false;
	int64_t last = 0;
	sy_status st;
	*added = 0;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_row_access(d, actor, id, true, &w, err)) || (st = pl_require_status(&w, "draft", err)) ||
	    (st = draw_rows(d, &w, 0, added, &last, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.draw", json_pack("{s:i}", "added", *added), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status batch_add_candidate(db *d, const struct principal *actor, int64_t id, int64_t person_id, int64_t *cid,
			      sy_err *err)
{
	struct pl_row w;
	bool own = false;
	int added = 0;
	db_rows *r = NULL;
	sy_status st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_row_access(d, actor, id, true, &w, err)) || (st = pl_require_status(&w, "draft", err)) ||
	    (st = db_query(d, SQL_PERSON_REGION, DB_ARGS(DB_I(person_id)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "person_not_found", "person_id", "人员不存在", "no such person");
		goto out;
	}
	bool allowed = scope_region_allows(actor, db_text(r, 0));
	db_rows_free(r);
	r = NULL;
	if (!allowed) {
		st = sy_failf(err, SY_EFORBIDDEN, "region_out_of_scope", "person_id", "该人员不在您的辖区",
			      "the person is outside your region");
		goto out;
	}
	if ((st = draw_rows(d, &w, person_id, &added, cid, err)))
		goto out;
	if (!added) {
		st = sy_failf(err, SY_ECONFLICT, "not_drawable", "person_id",
			      "该人员已在批次中，或在本地区没有退役日期在批次范围内、安置方式为安排工作的服役记录",
			      "the person is in the batch already, or has no service record of this region discharged in the "
			      "batch's window with exit mode 'placed'");
		goto out;
	}
	st = pl_audit(d, actor, &w, "placement.candidate_add",
		      json_pack("{s:I, s:I}", "person_id", (json_int_t)person_id, "candidate_id", (json_int_t)*cid), err);
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

/* ---- the tie-break chain as text ---- */

sy_status pl_chain_parse(const char *text, struct pl_chain *ch, sy_err *err)
{
	char buf[80], *save = NULL;
	memset(ch, 0, sizeof *ch);
	snprintf(buf, sizeof buf, "%s", text ? text : "");
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int rule = pl_tiebreak_by_name(t);
		bool dup = false;
		for (int k = 0; k < ch->n; k++)
			dup |= ch->rule[k] == rule;
		if (rule == PL_TB_NONE || dup || ch->n >= PL_MAX_TIEBREAK)
			return sy_fail(err, SY_EINVAL, "invalid_tie_break", "tie_break",
				       "同分排序规则无效：%s（可用 service_longer、older、id，不重复）",
				       "invalid tie-break rule: %s (service_longer, older, id, each once)", t, t);
		ch->rule[ch->n++] = (int8_t)rule;
	}
	if (!ch->n)
		return sy_failf(err, SY_EINVAL, "invalid_tie_break", "tie_break", "须至少有一条同分排序规则",
				"at least one tie-break rule is needed");
	return SY_OK;
}

void pl_chain_text(const struct pl_chain *ch, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = 0;
	for (int k = 0; k < ch->n && o < cap; k++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s", k ? "," : "", pl_tiebreak_name(ch->rule[k]));
}

/* ---- candidates' inputs ---- */

/* The members of the export's candidate form an officer may change (never the number). */
static bool input_key(const char *k)
{
	static const char *const keys[] = {"birth", "enlisted", "discharged", "sergeant", "martyr_child", "honour",
					   "education", "disability", "rank", "awards", "commendations",
					   "hardship_years", "special_post_years", "deductions"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

sy_status batch_candidate_update(db *d, const struct principal *actor, int64_t id, int64_t cid,
				 const json_t *changes, const char *reason, sy_err *err)
{
	struct pl_row w;
	struct pl_candidate c;
	bool own = false;
	db_rows *r = NULL;
	json_t *before = NULL, *after = NULL;
	char *text = NULL, now[TIME_ISO_LEN], number[PL_ID_MAX] = "";
	const char *k;
	json_t *v;
	sy_status st;
	if (!json_is_object(changes) || !json_object_size(changes))
		return sy_failf(err, SY_EINVAL, "invalid_inputs", "inputs", "须提供要修改的考生信息", "nothing to change");
	json_object_foreach((json_t *)changes, k, v)
		if (!input_key(k))
			return sy_fail(err, SY_EINVAL, "unknown_field", k, "不能修改的项目：%s", "not a changeable input: %s", k, k);
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_row_access(d, actor, id, true, &w, err)))
		goto out;
	if (strcmp(w.status, "draft") && strcmp(w.status, "published")) {
		st = pl_require_status(&w, "published", err);
		goto out;
	}
	if (!strcmp(w.status, "published") && (!reason || !*reason)) {
		st = sy_failf(err, SY_EINVAL, "reason_required", "reason", "公示后修改须说明原因（如所依据的异议）",
			      "after publication a change needs a reason (the objection it answers)");
		goto out;
	}
	if ((st = db_query(d, SQL_CANDIDATE_ONE, DB_ARGS(DB_I(id), DB_I(cid)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "candidate_not_found", NULL, "考生不存在", "no such candidate");
		goto out;
	}
	copy(number, sizeof number, db_text(r, 2));
	before = json_loads(db_text(r, 4), 0, NULL);
	after = json_deep_copy(before);
	db_rows_free(r);
	r = NULL;
	if (!after || json_object_update(after, (json_t *)changes)) {
		st = pl_oom(err);
		goto out;
	}
	json_object_set_new(after, "id", json_string(number));
	if ((st = pl_candidate_parse(after, &c, err)))
		goto out;
	/* Store the canonical form of what was parsed, so the stored text is always readable back. */
	json_decref(after);
	if (!(after = pl_candidate_json(&c))) {
		st = pl_oom(err);
		goto out;
	}
	json_object_del(after, "id");
	if (!(text = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS))) {
		st = pl_oom(err);
		goto out;
	}
	time_now_iso(now);
	if ((st = db_execp(d, SQL_CANDIDATE_SET_INPUTS, DB_ARGS(DB_I(cid), DB_T(text), DB_T(now)), NULL, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.candidate_update",
		      json_pack("{s:s, s:O, s:O, s:s?}", "candidate", number, "before", before, "after", after, "reason",
				reason),
		      err);
out:
	db_rows_free(r);
	json_decref(before);
	json_decref(after);
	free(text);
	return db_tx_finish(d, own, st, err);
}

/* ---- posts ---- */

sy_status batch_add_post(db *d, const struct principal *actor, int64_t id, const struct post_input *in, int64_t *pid,
			 sy_err *err)
{
	struct pl_row w;
	bool own = false;
	int64_t count = 0;
	db_rows *r = NULL;
	char employer[100] = "", now[TIME_ISO_LEN], number[PL_ID_MAX];
	sy_status st;
	if (in->places < 1 || in->places > 10000)
		return sy_failf(err, SY_EINVAL, "invalid_places", "places", "岗位数须为 1–10000", "places must be 1–10000");
	if (!in->title || !*in->title || strlen(in->title) >= 96)
		return sy_failf(err, SY_EINVAL, "invalid_title", "title", "岗位名称须为 1–95 字节", "title must be 1–95 bytes");
	if (pl_education_by_name(in->min_education ? in->min_education : "none") < 0)
		return sy_failf(err, SY_EINVAL, "invalid_education", "min_education",
				"学历要求须为 none、junior、senior、college、bachelor、postgrad 之一",
				"min_education must be none, junior, senior, college, bachelor or postgrad");
	if (in->employer && strlen(in->employer) >= sizeof employer)
		return sy_failf(err, SY_EINVAL, "invalid_employer", "employer", "用人单位名称过长", "employer name too long");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_row_access(d, actor, id, true, &w, err)))
		goto out;
	if (strcmp(w.status, "draft")) {
		st = sy_failf(err, SY_ECONFLICT, "batch_published", "status", "岗位已随公示冻结", "the posts are frozen by publication");
		goto out;
	}
	if (in->employer_org_id) {
		if ((st = db_query(d, SQL_ORG_NAME, DB_ARGS(DB_I(in->employer_org_id)), &r, err)))
			goto out;
		if (!db_next(r)) {
			st = sy_failf(err, SY_EINVAL, "invalid_employer", "employer_org_id", "用人单位不存在", "no such organisation");
			goto out;
		}
		copy(employer, sizeof employer, db_text(r, 0));
	}
	if (in->employer && *in->employer)
		copy(employer, sizeof employer, in->employer);
	if (!employer[0]) {
		st = sy_failf(err, SY_EINVAL, "invalid_employer", "employer", "须填写用人单位", "the employer is required");
		goto out;
	}
	if ((st = db_query_int(d, SQL_POST_COUNT, DB_ARGS(DB_I(id)), &count, err)))
		goto out;
	snprintf(number, sizeof number, "P%02lld", (long long)count + 1);
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_POST_INSERT,
			       DB_ARGS(DB_I(id), DB_T(number), DB_IDOPT(in->employer_org_id), DB_T(employer), DB_T(in->title),
				       DB_I(in->places), DB_T(in->min_education ? in->min_education : "none"), DB_T(now)),
			       pid, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.post_add",
		      json_pack("{s:s, s:s, s:s, s:i, s:s}", "number", number, "employer", employer, "title", in->title,
				"places", in->places, "min_education", in->min_education ? in->min_education : "none"),
		      err);
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

/* ---- scores ---- */

json_t *pl_posts_json(const struct pl_loaded *L)
{
	json_t *arr = json_array();
	for (int p = 0; arr && p < L->b.nposts; p++) {
		const struct pl_post *x = &L->b.posts[p];
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)L->post_ids[p],
						     "number", x->id, "employer", x->employer, "title", x->title, "places",
						     (int)x->places, "min_education", pl_education_name(x->min_education)));
	}
	return arr;
}

json_t *pl_public_scores(const struct pl_loaded *L)
{
	json_t *arr = json_array();
	char masked[96], total[32];
	for (int i = 0; arr && i < L->b.rk.n; i++) {
		int32_t k = L->b.rk.order[i];
		const struct pl_score *s = &L->b.scores[k];
		int tr = L->b.rk.tie_rule[i];
		placement_mask_name(L->names[k], masked, sizeof masked);
		pl_format_milli(s->total, total);
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:s, s:o}", "rank", i + 1, "number",
						     L->b.cand[k].id, "name", masked, "status",
						     s->status == PL_FIRST ? "first" : "scored", "total", total, "tie_rule",
						     tr == PL_TB_NONE ? json_null() : json_string(pl_tiebreak_name(tr))));
	}
	return arr;
}

/* The candidates with their inputs, eligibility and the reasons for those not eligible
 * (scores: when the batch could be scored). */
static json_t *candidates_json(const struct pl_loaded *L, bool scored)
{
	json_t *arr = json_array();
	for (int i = 0; arr && i < L->n; i++) {
		const struct pl_candidate *c = &L->b.cand[i];
		char zh[512], en[512];
		pl_ineligible_reason(c, zh, sizeof zh, en, sizeof en);
		json_t *inputs = pl_candidate_json(c);
		json_object_del(inputs, "id");
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:b, s:s?, s:s?, s:o}", "id", (json_int_t)L->cand_ids[i],
				      "person_id", (json_int_t)L->person_ids[i], "number", c->id, "name", L->names[i],
				      "eligible", pl_eligibility(c) != 0, "reason_zh", zh[0] ? zh : NULL, "reason_en",
				      en[0] ? en : NULL, "inputs", inputs);
		if (o && scored) {
			char total[32];
			pl_format_milli(L->b.scores[i].total, total);
			json_object_set_new(o, "rank", json_integer(L->b.rk.rank_of[i]));
			json_object_set_new(o, "total", L->b.rk.rank_of[i] ? json_string(total) : json_null());
		}
		const json_t *pr = json_object_get(json_array_get(json_object_get(L->doc, "candidates"), (size_t)i),
						   "preferences");
		if (o && pr)
			json_object_set(o, "preferences", (json_t *)pr);
		json_array_append_new(arr, o);
	}
	return arr;
}

sy_status batch_scores(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	struct pl_digests dg;
	sy_status st = pl_load(d, actor, id, false, &L, err);
	if (st)
		return st;
	if ((st = pl_score_loaded(&L, err)) ||
	    (st = pl_digests(L.b.cand, L.b.scores, &L.b.rk, L.b.posts, L.b.nposts, L.b.res, &dg, err)))
		goto out;
	json_t *items = json_array(), *inelig = json_array();
	for (int i = 0; items && i < L.b.rk.n; i++) {
		json_t *s = pl_score_json(&L.b, i);
		int32_t k = L.b.rk.order[i];
		json_object_set_new(s, "number", json_string(L.b.cand[k].id));
		json_object_set_new(s, "name", json_string(L.names[k]));
		json_object_set_new(s, "candidate_id", json_integer(L.cand_ids[k]));
		json_array_append_new(items, s);
	}
	for (int i = 0; inelig && i < L.n; i++) {
		if (L.b.scores[i].status != PL_NOT_ELIGIBLE)
			continue;
		char zh[512], en[512];
		pl_ineligible_reason(&L.b.cand[i], zh, sizeof zh, en, sizeof en);
		json_array_append_new(inelig, json_pack("{s:I, s:s, s:s, s:s, s:s}", "candidate_id",
							(json_int_t)L.cand_ids[i], "number", L.b.cand[i].id, "name",
							L.names[i], "reason_zh", zh, "reason_en", en));
	}
	*out = json_pack("{s:s, s:o, s:o, s:{s:s, s:s}}", "policy", L.b.rates.code, "items", items, "not_eligible",
			 inelig, "digests", "scores", dg.scores, "posts", dg.posts);
	if (!*out)
		st = pl_oom(err);
out:
	pl_loaded_free(&L);
	return st;
}

static sy_status rows_json(db *d, const char *sql, int64_t id, json_t *(*one)(db_rows *), json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	json_t *arr = json_array();
	sy_status st = arr ? db_query(d, sql, DB_ARGS(DB_I(id)), &r, err) : pl_oom(err);
	while (!st && db_next(r))
		if (json_array_append_new(arr, one(r)))
			st = pl_oom(err);
	db_rows_free(r);
	if (st)
		json_decref(arr);
	else
		*out = arr;
	return st;
}

static json_t *objection_json(db_rows *r)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:b, s:s, s:s?, s:s?, s:s?, s:s}", "id",
			 (json_int_t)db_int(r, 0), "candidate_id", (json_int_t)db_int(r, 12), "number", db_text(r, 1),
			 "name", db_text(r, 2), "version", (json_int_t)db_int(r, 3), "text", db_text(r, 4), "filed_by",
			 db_text(r, 5), "by_candidate", db_int(r, 6) != 0, "status", db_text(r, 7), "outcome",
			 db_text(r, 8), "decided_by", db_text(r, 9), "decided_at", db_text(r, 10), "created_at",
			 db_text(r, 11));
}

static json_t *version_brief_json(db_rows *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s}", "version", (json_int_t)db_int(r, 0), "scores_digest",
			 db_text(r, 1), "posts_digest", db_text(r, 2), "published_by", db_text(r, 3), "published_at",
			 db_text(r, 4), "reason", db_text(r, 5), "objection_until", db_text(r, 6));
}

json_t *pl_row_json(const struct pl_row *w)
{
	return json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, "
			 "s:s?, s:s?, s:i}",
			 "id", (json_int_t)w->id, "year", w->year, "region_code", w->region, "region_name",
			 w->region_name, "name", w->name, "mode", w->mode, "absence_rule", w->absence, "tie_break",
			 w->tie_break, "publicity_days", w->publicity_days, "objection_days", w->objection_days,
			 "discharged_from", w->from, "discharged_to", w->to, "status", w->status, "policy",
			 w->policy[0] ? w->policy : NULL, "published_at", w->published_at[0] ? w->published_at : NULL,
			 "objection_until", w->objection_until[0] ? w->objection_until : NULL, "publicity_until",
			 w->publicity_until[0] ? w->publicity_until : NULL, "results_digest",
			 w->results_digest[0] ? w->results_digest : NULL, "closed_at",
			 w->closed_at[0] ? w->closed_at : NULL, "version", w->version);
}

sy_status batch_get(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	sy_err scoring;
	json_t *obj = NULL, *vers = NULL;
	sy_status st = pl_load(d, actor, id, false, &L, err);
	if (st)
		return st;
	/* The page shows the batch even when it cannot be scored yet, with the reason. */
	sy_status sst = pl_score_loaded(&L, &scoring);
	if ((st = rows_json(d, SQL_OBJECTIONS, id, objection_json, &obj, err)) ||
	    (st = rows_json(d, SQL_VERSIONS_BRIEF, id, version_brief_json, &vers, err)))
		goto out;
	*out = pl_row_json(&L.row);
	if (!*out) {
		st = pl_oom(err);
		goto out;
	}
	json_object_set_new(*out, "policy_in_force", json_string(L.b.rates.code));
	json_object_set_new(*out, "candidates", candidates_json(&L, sst == SY_OK));
	json_object_set_new(*out, "posts", pl_posts_json(&L));
	json_object_set_new(*out, "objections", obj);
	json_object_set_new(*out, "versions", vers);
	json_object_set_new(*out, "steps", json_integer(L.nsteps));
	obj = vers = NULL;
	json_object_set_new(*out, "scoring_error",
			    sst ? json_pack("{s:s, s:s, s:s}", "code", scoring.code, "message_zh", scoring.msg_zh,
					    "message_en", scoring.msg_en)
				: json_null());
out:
	json_decref(obj);
	json_decref(vers);
	pl_loaded_free(&L);
	return st;
}
