/*
 * casetypes.c - case types as data: loading one for the engine, describing
 * them for the API, and the deadlines the admin sets.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"

static const char SQL_TYPE[] =
	"SELECT code, name_zh, name_en, applicant_kind, create_roles, overdue_rule FROM case_types WHERE code = $1";
static const char SQL_TYPE_CODES[] = "SELECT code FROM case_types ORDER BY code";
static const char SQL_STATES[] =
	"SELECT state, name_zh, name_en, final FROM case_type_states WHERE type_code = $1 ORDER BY seq";
static const char SQL_STEPS[] =
	"SELECT code, name_zh, name_en, org_type, dept_hint, initial_state, seq FROM case_type_steps"
	" WHERE type_code = $1 ORDER BY seq";
static const char SQL_TRANS[] =
	"SELECT step_code, from_state, to_state, action, name_zh, name_en, roles, org_type, materials"
	" FROM case_type_transitions WHERE type_code = $1 ORDER BY id";
static const char SQL_DEADLINES[] =
	"SELECT step_code, state, working_days, updated_at FROM case_type_deadlines WHERE type_code = $1"
	" ORDER BY step_code, state";
static const char SQL_DEADLINE_GET[] =
	"SELECT working_days FROM case_type_deadlines WHERE type_code = $1 AND step_code = $2 AND state = $3";
static const char SQL_DEADLINE_INSERT[] =
	"INSERT INTO case_type_deadlines (type_code, step_code, state, working_days, updated_at)"
	" VALUES ($1, $2, $3, $4, $5)";
static const char SQL_DEADLINE_UPDATE[] =
	"UPDATE case_type_deadlines SET working_days = $4, updated_at = $5"
	" WHERE type_code = $1 AND step_code = $2 AND state = $3";

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}
#define COPY(dst, src) copy((dst), sizeof(dst), (src))

/* Run sql for the type and grow *arr by one element per row; fill(row, element). */
static sy_status load_rows(db *d, const char *sql, const char *code, void **arr, int *n, size_t size,
			   void (*fill)(db_rows *, void *), sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, sql, DB_ARGS(DB_T(code)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		char *grown = realloc(*arr, (size_t)(*n + 1) * size);
		if (!grown) {
			st = cases_oom(err);
			break;
		}
		*arr = grown;
		memset(grown + (size_t)*n * size, 0, size);
		fill(r, grown + (size_t)*n * size);
		(*n)++;
	}
	db_rows_free(r);
	return st;
}

static void fill_state(db_rows *r, void *p)
{
	struct ct_state *s = p;
	COPY(s->state, db_text(r, 0));
	COPY(s->name_zh, db_text(r, 1));
	COPY(s->name_en, db_text(r, 2));
	s->final = db_bool(r, 3);
}

static void fill_step(db_rows *r, void *p)
{
	struct ct_step *s = p;
	COPY(s->code, db_text(r, 0));
	COPY(s->name_zh, db_text(r, 1));
	COPY(s->name_en, db_text(r, 2));
	COPY(s->org_type, db_text(r, 3));
	COPY(s->hint, db_text(r, 4));
	COPY(s->initial, db_text(r, 5));
	s->seq = (int)db_int(r, 6);
}

static void fill_trans(db_rows *r, void *p)
{
	struct ct_trans *t = p;
	COPY(t->step, db_text(r, 0));
	COPY(t->from, db_text(r, 1));
	COPY(t->to, db_text(r, 2));
	COPY(t->action, db_text(r, 3));
	COPY(t->name_zh, db_text(r, 4));
	COPY(t->name_en, db_text(r, 5));
	COPY(t->roles, db_text(r, 6));
	COPY(t->org_type, db_text(r, 7));
	COPY(t->materials, db_text(r, 8));
}

void ct_free(struct case_type *t)
{
	free(t->states);
	free(t->steps);
	free(t->trans);
	memset(t, 0, sizeof *t);
}

sy_status ct_load(db *d, const char *code, const char *field, struct case_type *t, sy_err *err)
{
	db_rows *r = NULL;
	bool found;
	memset(t, 0, sizeof *t);
	sy_status st = db_query(d, SQL_TYPE, DB_ARGS(DB_T(code)), &r, err);
	if (st)
		return st;
	found = db_next(r);
	if (found) {
		COPY(t->code, db_text(r, 0));
		COPY(t->name_zh, db_text(r, 1));
		COPY(t->name_en, db_text(r, 2));
		COPY(t->applicant_kind, db_text(r, 3));
		COPY(t->create_roles, db_text(r, 4));
		COPY(t->overdue_rule, db_text(r, 5));
	}
	db_rows_free(r);
	if (!found)
		return sy_failf(err, field ? SY_EINVAL : SY_ENOTFOUND, field ? "invalid_case_type" : "case_type_not_found",
				field, "没有这种事项类型", "no such case type");
	if ((st = load_rows(d, SQL_STATES, code, (void **)&t->states, &t->nstates, sizeof *t->states, fill_state, err)) ||
	    (st = load_rows(d, SQL_STEPS, code, (void **)&t->steps, &t->nsteps, sizeof *t->steps, fill_step, err)) ||
	    (st = load_rows(d, SQL_TRANS, code, (void **)&t->trans, &t->ntrans, sizeof *t->trans, fill_trans, err)))
		ct_free(t);
	return st;
}

const struct ct_state *ct_state(const struct case_type *t, const char *state)
{
	for (int i = 0; state && i < t->nstates; i++)
		if (strcmp(t->states[i].state, state) == 0)
			return &t->states[i];
	return NULL;
}

const struct ct_step *ct_step(const struct case_type *t, const char *code)
{
	for (int i = 0; code && i < t->nsteps; i++)
		if (strcmp(t->steps[i].code, code) == 0)
			return &t->steps[i];
	return NULL;
}

const struct ct_trans *ct_trans_find(const struct case_type *t, const char *step, const char *from,
				     const char *action)
{
	const struct ct_trans *any = NULL;
	for (int i = 0; i < t->ntrans; i++) {
		const struct ct_trans *x = &t->trans[i];
		if (strcmp(x->from, from) != 0 || strcmp(x->action, action) != 0)
			continue;
		if (strcmp(x->step, step) == 0)
			return x;
		if (strcmp(x->step, "*") == 0 && !any)
			any = x;
	}
	return any;
}

bool ct_roles_allow(const char *roles, enum role r)
{
	const char *name = role_name(r);
	size_t len = strlen(name);
	for (const char *p = roles; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == len && strncmp(p, name, n) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

/* ---- the API's description of a type -------------------------------------------- */

/* "admin,officer" → ["admin","officer"]; "落户介绍信、退役证" → two names (sep is one byte or "、"). */
static json_t *split_list(const char *s, const char *sep)
{
	json_t *a = json_array();
	size_t seplen = strlen(sep);
	while (a && s && *s) {
		const char *end = strstr(s, sep);
		size_t n = end ? (size_t)(end - s) : strlen(s);
		if (n)
			json_array_append_new(a, json_stringn(s, n));
		if (!end)
			break;
		s = end + seplen;
	}
	return a;
}

json_t *ct_materials_json(const char *materials)
{
	return split_list(materials, "、");
}

static json_t *type_json(const struct case_type *t)
{
	json_t *states = json_array(), *steps = json_array(), *trans = json_array();
	for (int i = 0; i < t->nstates; i++)
		json_array_append_new(states, json_pack("{s:s, s:s, s:s, s:b}", "state", t->states[i].state,
							"name", t->states[i].name_zh, "name_en", t->states[i].name_en,
							"final", t->states[i].final));
	for (int i = 0; i < t->nsteps; i++)
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:i, s:s, s:s?, s:s}",
			"code", t->steps[i].code, "name", t->steps[i].name_zh, "name_en", t->steps[i].name_en,
			"seq", t->steps[i].seq, "org_type", t->steps[i].org_type,
			"department_hint", t->steps[i].hint[0] ? t->steps[i].hint : NULL,
			"initial_state", t->steps[i].initial));
	for (int i = 0; i < t->ntrans; i++) {
		const struct ct_trans *x = &t->trans[i];
		json_array_append_new(trans, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:o}",
			"step", x->step, "from", x->from, "to", x->to, "action", x->action, "name", x->name_zh,
			"name_en", x->name_en, "roles", split_list(x->roles, ","),
			"org_type", x->org_type[0] ? x->org_type : NULL, "materials", split_list(x->materials, "、")));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o}", "code", t->code, "name", t->name_zh,
			 "name_en", t->name_en, "applicant_kind", t->applicant_kind,
			 "create_roles", split_list(t->create_roles, ","), "overdue_rule", t->overdue_rule,
			 "states", states, "steps", steps, "transitions", trans);
}

static sy_status add_deadlines(db *d, const char *code, json_t *o, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_DEADLINES, DB_ARGS(DB_T(code)), &r, err);
	if (st)
		return st;
	json_t *a = json_array();
	while (a && db_next(r))
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s}", "step", db_text(r, 0), "state", db_text(r, 1),
						   "working_days", db_isnull(r, 2) ? json_null() : json_integer(db_int(r, 2)),
						   "updated_at", db_text(r, 3)));
	db_rows_free(r);
	if (!a)
		return cases_oom(err);
	json_object_set_new(o, "deadlines", a);
	return SY_OK;
}

sy_status cases_type_get(db *d, const char *code, json_t **out, sy_err *err)
{
	struct case_type t;
	sy_status st = ct_load(d, code, NULL, &t, err);
	if (st)
		return st;
	json_t *o = type_json(&t);
	ct_free(&t);
	if (!o)
		return cases_oom(err);
	if ((st = add_deadlines(d, code, o, err))) {
		json_decref(o);
		return st;
	}
	*out = o;
	return SY_OK;
}

sy_status cases_types(db *d, json_t **items, sy_err *err)
{
	db_rows *r = NULL;
	json_t *a = json_array(), *o;
	sy_status st = a ? db_query(d, SQL_TYPE_CODES, DB_NOARGS, &r, err) : cases_oom(err);
	char code[CT_CODE];
	while (!st && db_next(r)) {
		COPY(code, db_text(r, 0));
		if (!(st = cases_type_get(d, code, &o, err)))
			json_array_append_new(a, o);
	}
	db_rows_free(r);
	if (st) {
		json_decref(a);
		return st;
	}
	*items = a;
	return SY_OK;
}

sy_status cases_deadline_set(db *d, const struct principal *actor, const char *type, const char *step,
			     const char *state, bool has_days, int64_t days, sy_err *err)
{
	struct case_type t;
	char now[TIME_ISO_LEN];
	db_rows *r = NULL;
	bool own = false, existed;
	sy_status st;
	if (actor->role != ROLE_ADMIN)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "只有管理员可以设置办理期限",
				"only an admin may set deadlines");
	if ((st = ct_load(d, type, NULL, &t, err)))
		return st;
	const struct ct_state *s = ct_state(&t, state);
	if (!step || (strcmp(step, "*") != 0 && !ct_step(&t, step))) {
		st = sy_failf(err, SY_EINVAL, "invalid_step", "step", "该事项类型没有这个环节（\"*\" 表示全部环节）",
			      "no such step in this case type (\"*\" means every step)");
		goto done;
	}
	if (!s || s->final) {
		st = sy_failf(err, SY_EINVAL, "invalid_state", "state", "办理期限只能设置在未办结的状态上",
			      "a deadline belongs to a state that is not final");
		goto done;
	}
	if (has_days && (days < 0 || days > 365)) {
		st = sy_failf(err, SY_EINVAL, "invalid_working_days", "working_days", "办理期限应为 0–365 个工作日",
			      "working_days must be 0 to 365");
		goto done;
	}
	if ((st = db_tx_join(d, &own, err)))
		goto done;
	if ((st = db_query(d, SQL_DEADLINE_GET, DB_ARGS(DB_T(type), DB_T(step), DB_T(state)), &r, err)))
		goto out;
	existed = db_next(r);
	json_t *was = existed && !db_isnull(r, 0) ? json_integer(db_int(r, 0)) : json_null();
	db_rows_free(r);
	time_now_iso(now);
	if ((st = db_execp(d, existed ? SQL_DEADLINE_UPDATE : SQL_DEADLINE_INSERT,
			   DB_ARGS(DB_T(type), DB_T(step), DB_T(state), has_days ? DB_I(days) : DB_NULL, DB_T(now)),
			   NULL, err))) {
		json_decref(was);
		goto out;
	}
	st = cases_audit(d, actor, "case_type.deadline_set", "case_type", type, NULL,
			 json_pack("{s:s, s:s, s:o, s:o}", "step", step, "state", state,
				   "working_days", has_days ? json_integer(days) : json_null(), "was", was), err);
out:
	st = db_tx_finish(d, own, st, err);
done:
	ct_free(&t);
	return st;
}
