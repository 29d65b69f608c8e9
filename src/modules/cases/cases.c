/*
 * cases.c - the engine: opening a case with its parallel steps, reading it,
 * moving a step, comments, the lists (cases, inbox, 督办).
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/page.h"
#include "lib/text.h"
#include "lib/timeutil.h"

static const char SQL_PERSON_REGION[] = "SELECT region_code FROM people WHERE id = $1";
static const char SQL_ORG_INFO[] = "SELECT region_code, type FROM orgs WHERE id = $1";
static const char SQL_ORGS_OF_TYPE[] = "SELECT id, region_code, name FROM orgs WHERE type = $1 ORDER BY id";
static const char SQL_CASE_INSERT[] =
	"INSERT INTO cases (type_code, person_id, org_id, region_code, state, opened_by, opened_on, note,"
	" deadline, created_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $9, $8, $8) RETURNING id";
static const char SQL_STEP_INSERT[] =
	"INSERT INTO case_steps (case_id, step_code, seq, org_id, state, final, entered_on, due_date,"
	" created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $8) RETURNING id";
static const char SQL_EVENT_INSERT[] =
	"INSERT INTO case_events (case_id, step_id, action, from_state, to_state, actor, actor_role, comment,"
	" materials, created_at, on_day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
static const char SQL_CASE_SCOPE[] =
	"SELECT c.region_code, c.person_id, c.org_id, c.type_code, c.state,"
	" CASE WHEN EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.org_id = $2) THEN 1 ELSE 0 END,"
	" c.deadline FROM cases c WHERE c.id = $1";
static const char SQL_CASE_GET[] =
	"SELECT c.id, c.type_code, c.state, c.region_code, r.name, c.person_id, p.name, c.org_id, o.name,"
	" c.opened_by, c.opened_on, c.note, c.closed_at, c.created_at, c.updated_at, c.deadline"
	" FROM cases c JOIN regions r ON r.code = c.region_code LEFT JOIN people p ON p.id = c.person_id"
	" LEFT JOIN orgs o ON o.id = c.org_id WHERE c.id = $1";
static const char SQL_CASE_STEPS[] =
	"SELECT s.id, s.step_code, s.seq, s.org_id, o.name, o.type, s.state, s.final, s.entered_on, s.due_date,"
	" s.ended_at FROM case_steps s JOIN orgs o ON o.id = s.org_id WHERE s.case_id = $1 ORDER BY s.seq, s.id";
static const char SQL_CASE_EVENTS[] =
	"SELECT e.id, e.step_id, s.step_code, e.action, e.from_state, e.to_state, e.actor, e.actor_role,"
	" e.comment, e.materials, e.created_at FROM case_events e LEFT JOIN case_steps s ON s.id = e.step_id"
	" WHERE e.case_id = $1 ORDER BY e.id";
static const char SQL_STEP_GET[] =
	"SELECT s.step_code, s.state, s.final, s.org_id, o.type FROM case_steps s JOIN orgs o ON o.id = s.org_id"
	" WHERE s.id = $2 AND s.case_id = $1";
/* Guarded by the state read before: a step moved meanwhile changes nothing (409). */
static const char SQL_STEP_MOVE[] =
	"UPDATE case_steps SET state = $2, final = $3, entered_on = $4, due_date = $5, ended_at = $6,"
	" updated_at = $7 WHERE id = $1 AND state = $8";
static const char SQL_OPEN_STEPS[] = "SELECT COUNT(*) FROM case_steps WHERE case_id = $1 AND final = 0";
static const char SQL_CASE_CLOSE[] = "UPDATE cases SET state = 'closed', closed_at = $2, updated_at = $2 WHERE id = $1";
static const char SQL_CASE_TOUCH[] = "UPDATE cases SET updated_at = $2 WHERE id = $1";

/* The columns of a case in a list; $1 is today. */
#define CASE_LIST_COLS \
	"SELECT c.id, c.type_code, ct.name_zh, ct.name_en, c.state, c.region_code, r.name," \
	" COALESCE(p.name, o.name), c.person_id, c.org_id, c.opened_on, c.closed_at," \
	" (SELECT COUNT(*) FROM case_steps s WHERE s.case_id = c.id)," \
	" (SELECT COUNT(*) FROM case_steps s WHERE s.case_id = c.id AND s.final = 1)," \
	" (SELECT COUNT(*) FROM case_steps s WHERE s.case_id = c.id AND s.final = 0 AND s.due_date < $1)," \
	" (SELECT MIN(s.due_date) FROM case_steps s WHERE s.case_id = c.id AND s.final = 0)," \
	" ct.overdue_rule" \
	" FROM cases c JOIN case_types ct ON ct.code = c.type_code JOIN regions r ON r.code = c.region_code" \
	" LEFT JOIN people p ON p.id = c.person_id LEFT JOIN orgs o ON o.id = c.org_id"
static const char SQL_CASES[] =
	CASE_LIST_COLS
	" WHERE ($2 = 0 OR c.id < $2) AND c.region_code LIKE $3 AND ($4 = 0 OR c.person_id = $4)"
	" AND ($5 = 0 OR c.org_id = $5 OR EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.org_id = $5))"
	" AND (CAST($6 AS TEXT) IS NULL OR c.state = $6) AND (CAST($7 AS TEXT) IS NULL OR c.type_code = $7)"
	" ORDER BY c.id DESC LIMIT $8";
static const char SQL_CASES_OVERDUE[] =
	CASE_LIST_COLS
	" WHERE ($2 = 0 OR c.id < $2) AND c.region_code LIKE $3 AND c.state = 'open' AND ct.overdue_rule = 'supervise'"
	" AND EXISTS (SELECT 1 FROM case_steps s WHERE s.case_id = c.id AND s.final = 0 AND s.due_date < $1)"
	" ORDER BY c.id DESC LIMIT $4";
/*
 * Open steps in scope whose current state has a transition naming the role
 * ($3 is "%,officer,%"); $6 is today.
 */
static const char SQL_INBOX[] =
	"SELECT s.id, s.case_id, s.step_code, ts.name_zh, ts.name_en, s.state, st.name_zh, st.name_en,"
	" s.org_id, o.name, s.entered_on, s.due_date,"
	" CASE WHEN s.due_date IS NOT NULL AND s.due_date < $6 THEN 1 ELSE 0 END,"
	" c.type_code, ct.name_zh, ct.name_en, c.region_code, r.name, COALESCE(p.name, ao.name)"
	" FROM case_steps s JOIN cases c ON c.id = s.case_id JOIN case_types ct ON ct.code = c.type_code"
	" JOIN case_type_steps ts ON ts.type_code = c.type_code AND ts.code = s.step_code"
	" JOIN case_type_states st ON st.type_code = c.type_code AND st.state = s.state"
	" JOIN orgs o ON o.id = s.org_id JOIN regions r ON r.code = c.region_code"
	" LEFT JOIN people p ON p.id = c.person_id LEFT JOIN orgs ao ON ao.id = c.org_id"
	" WHERE s.final = 0 AND s.id > $1 AND c.region_code LIKE $2"
	" AND EXISTS (SELECT 1 FROM case_type_transitions t WHERE t.type_code = c.type_code"
	"   AND t.from_state = s.state AND (t.step_code = '*' OR t.step_code = s.step_code)"
	"   AND (',' || t.roles || ',') LIKE $3)"
	" AND ($4 = 0 OR s.org_id = $4)"
	" AND ($5 = 0 OR (s.due_date IS NOT NULL AND s.due_date < $6))"
	" ORDER BY s.id LIMIT $7";

/* ---- scope ------------------------------------------------------------------------ */

static bool case_visible(const struct principal *a, const struct case_scope *c, bool handles_step)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return true;
	case ROLE_OFFICER:
	case ROLE_AUDITOR:
		return scope_region_allows(a, c->region);
	case ROLE_PERSON:
		return a->person_id > 0 && a->person_id == c->person_id;
	default:
		return (a->role & ROLES_ORG) && a->org_id > 0 && (a->org_id == c->org_id || handles_step);
	}
}

/* Staff who act, the applicant and a handling department comment (a case it sees). */
static bool may_comment(const struct principal *a)
{
	return a->role == ROLE_ADMIN || a->role == ROLE_OFFICER || a->role == ROLE_PERSON ||
	       a->role == ROLE_DEPARTMENT;
}

bool may_act(const struct principal *a, const char *region, int64_t step_org)
{
	if (a->role == ROLE_ADMIN)
		return true;
	if (a->role == ROLE_OFFICER)
		return scope_region_allows(a, region);
	return (a->role & ROLES_ORG) && a->org_id > 0 && a->org_id == step_org;
}

sy_status case_in_scope(db *d, const struct principal *actor, int64_t id, struct case_scope *c,
			sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CASE_SCOPE, DB_ARGS(DB_I(id), DB_I(actor->org_id > 0 ? actor->org_id : -1)),
				&r, err);
	if (st)
		return st;
	bool ok = db_next(r);
	if (ok) {
		snprintf(c->region, sizeof c->region, "%s", db_text(r, 0));
		c->person_id = db_int(r, 1);
		c->org_id = db_int(r, 2);
		snprintf(c->type, sizeof c->type, "%s", db_text(r, 3));
		snprintf(c->state, sizeof c->state, "%s", db_text(r, 4));
		snprintf(c->deadline, sizeof c->deadline, "%s", db_isnull(r, 6) ? "" : db_text(r, 6));
		ok = case_visible(actor, c, db_int(r, 5) != 0);
	}
	db_rows_free(r);
	if (!ok)
		return sy_failf(err, SY_ENOTFOUND, "case_not_found", NULL, "事项不存在或不在您的管辖范围内",
				"no such case in your scope");
	return SY_OK;
}

/* now: the UTC time; today: the date in China, which the statistics count in. */
static sy_status add_event(db *d, const struct principal *actor, int64_t case_id, int64_t step_id,
			   const char *action, const char *from, const char *to, const char *comment,
			   const char *materials, const char *now, const char *today, sy_err *err)
{
	return db_execp(d, SQL_EVENT_INSERT,
			DB_ARGS(DB_I(case_id), DB_IDOPT(step_id), DB_T(action), DB_T(from), DB_T(to),
				DB_T(actor->name), DB_T(role_name(actor->role)), DB_T(comment), DB_T(materials),
				DB_T(now), DB_T(today)),
			NULL, err);
}

/*
 * The due date of a step entering state: the case's own deadline when it has
 * one (a 双清单 item's), else the type's working days from today.
 */
static sy_status step_due(db *d, const char *type, const char *step, const char *state, const char *case_deadline,
			  const char *today, bool *has, char due[WORKDAY_DATE_LEN], sy_err *err)
{
	if (case_deadline && *case_deadline) {
		snprintf(due, WORKDAY_DATE_LEN, "%s", case_deadline);
		*has = true;
		return SY_OK;
	}
	return ct_due_date(d, type, step, state, today, has, due, err);
}

static void id_text(int64_t id, char out[24])
{
	snprintf(out, 24, "%" PRId64, id);
}

/* ---- opening a case --------------------------------------------------------------- */

/* The applicant's region, if the actor may file for them. */
static sy_status applicant_region(db *d, const struct principal *actor, const struct case_type *t,
				  const struct case_input *in, char region[REGION_CODE_MAX], sy_err *err)
{
	bool person = in->person_id > 0;
	bool wants_person = strcmp(t->applicant_kind, "person") == 0, wants_org = strcmp(t->applicant_kind, "org") == 0;
	db_rows *r = NULL;
	sy_status st;
	if ((person && in->org_id > 0) || (!person && in->org_id <= 0))
		return sy_failf(err, SY_EINVAL, "required", wants_org ? "org_id" : "person_id",
				"请指定申请人（一名人员或一个单位）", "name one applicant: a person or an organisation");
	if ((person && wants_org) || (!person && wants_person))
		return sy_failf(err, SY_EINVAL, "invalid_applicant", person ? "person_id" : "org_id",
				wants_person ? "该类事项的申请人应为人员" : "该类事项的申请人应为单位",
				wants_person ? "this case type's applicant is a person" : "this case type's applicant is an organisation");
	if ((st = db_query(d, person ? SQL_PERSON_REGION : SQL_ORG_INFO,
			   DB_ARGS(DB_I(person ? in->person_id : in->org_id)), &r, err)))
		return st;
	bool ok = db_next(r);
	if (ok) {
		snprintf(region, REGION_CODE_MAX, "%s", db_text(r, 0));
		if (actor->role == ROLE_PERSON)
			ok = person && actor->person_id == in->person_id;
		else if (actor->role & ROLES_ORG)
			ok = !person && actor->org_id == in->org_id;
		else
			ok = scope_region_allows(actor, region);
	}
	db_rows_free(r);
	if (!ok)
		return person ? sy_failf(err, SY_ENOTFOUND, "person_not_found", "person_id",
					 "人员不存在或不在您的管辖范围内", "no such person in your scope")
			      : sy_failf(err, SY_ENOTFOUND, "org_not_found", "org_id",
					 "单位不存在或不在您的管辖范围内", "no such organisation in your scope");
	return SY_OK;
}

/* Is region (of an organisation) the case's region or one above it? */
static bool region_covers(const char *org_region, const char *case_region)
{
	char prefix[REGION_CODE_MAX];
	region_prefix(org_region, prefix);
	return strncmp(case_region, prefix, strlen(prefix)) == 0;
}

/* An organisation the officer picked for a step: of the step's type, in the case's region or above. */
static sy_status check_department(db *d, const struct ct_step *s, int64_t org_id, const char *case_region,
				  sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_ORG_INFO, DB_ARGS(DB_I(org_id)), &r, err);
	if (st)
		return st;
	bool found = db_next(r);
	bool type_ok = found && strcmp(db_text(r, 1), s->org_type) == 0;
	bool region_ok = found && region_covers(db_text(r, 0), case_region);
	db_rows_free(r);
	if (!type_ok)
		return cases_fail_named(err, SY_EINVAL, "invalid_department", "departments",
					"「%s」的办理单位应为已登记的部门", "the handler of '%s' must be a registered department",
					s->name_zh, s->name_en);
	if (!region_ok)
		return cases_fail_named(err, SY_EINVAL, "department_out_of_region", "departments",
					"「%s」的办理部门应在申请人所在地区或其上级地区",
					"the department for '%s' must be in the applicant's region or above it",
					s->name_zh, s->name_en);
	return SY_OK;
}

/*
 * The department nearest the case's region (its own region first, then the
 * regions above) whose name contains the step's hint; without one, the
 * nearest of the type. SY_EINVAL "no_department" when there is none.
 */
static sy_status pick_department(db *d, const struct ct_step *s, const char *case_region, int64_t *org_id,
				 sy_err *err)
{
	db_rows *r = NULL;
	size_t best_hint = 0, best_any = 0;
	int64_t hint_id = 0, any_id = 0;
	char prefix[REGION_CODE_MAX];
	sy_status st = db_query(d, SQL_ORGS_OF_TYPE, DB_ARGS(DB_T(s->org_type)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		if (!region_covers(db_text(r, 1), case_region))
			continue;
		region_prefix(db_text(r, 1), prefix);
		size_t depth = strlen(prefix) + 1; /* longer prefix: nearer; +1 so the city level still counts */
		bool hinted = s->hint[0] && strstr(db_text(r, 2), s->hint);
		if (hinted && depth > best_hint) {
			best_hint = depth;
			hint_id = db_int(r, 0);
		}
		if (depth > best_any) {
			best_any = depth;
			any_id = db_int(r, 0);
		}
	}
	db_rows_free(r);
	*org_id = hint_id ? hint_id : any_id;
	if (!*org_id)
		return cases_fail_named(err, SY_EINVAL, "no_department", "departments",
					"没有可办理「%s」的部门，请先在机构中登记", "no department can handle '%s'; register one first",
					s->name_zh, s->name_en);
	return SY_OK;
}

static sy_status step_department(db *d, const struct case_type *t, const struct ct_step *s,
				 const struct case_input *in, const char *region, int64_t *org_id, sy_err *err)
{
	for (int i = 0; i < in->ndepartments; i++) {
		if (in->departments[i].step && strcmp(in->departments[i].step, s->code) == 0) {
			*org_id = in->departments[i].org_id;
			return check_department(d, s, *org_id, region, err);
		}
	}
	(void)t;
	return pick_department(d, s, region, org_id, err);
}

static sy_status check_departments_named(const struct case_type *t, const struct case_input *in, sy_err *err)
{
	for (int i = 0; i < in->ndepartments; i++)
		if (!ct_step(t, in->departments[i].step))
			return sy_failf(err, SY_EINVAL, "invalid_step", "departments", "该事项类型没有这个环节",
					"no such step in this case type");
	return SY_OK;
}

sy_status cases_create(db *d, const struct principal *actor, const struct case_input *in,
		       const char *today, int64_t *id, sy_err *err)
{
	struct case_type t;
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN], due[WORKDAY_DATE_LEN], cid[24];
	bool own = false, has_due;
	sy_status st;
	if (!in->type)
		return sy_failf(err, SY_EINVAL, "required", "type", "请选择事项类型", "type is required");
	if ((st = cases_check_text(in->note, "note", "备注", "note", CASE_NOTE_CHARS, false, err)) ||
	    (st = ct_load(d, in->type, "type", &t, err)))
		return st;
	if (!ct_roles_allow(t.create_roles, actor->role)) {
		st = sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色不能受理这类事项",
			      "your role may not open this kind of case");
		goto done;
	}
	if (t.nsteps == 0) {
		st = sy_failf(err, SY_EINTERNAL, "case_type_incomplete", "type", "该事项类型没有配置环节",
			      "this case type has no steps configured");
		goto done;
	}
	if ((st = check_departments_named(&t, in, err)) || (st = case_details_check(t.code, &in->details, err)) ||
	    (st = db_tx_join(d, &own, err)))
		goto done;
	const char *deadline = case_details_deadline(t.code, &in->details);
	if ((st = applicant_region(d, actor, &t, in, region, err)))
		goto out;
	/* every department is checked before anything is written */
	int64_t *orgs = calloc((size_t)t.nsteps, sizeof *orgs);
	if (!orgs) {
		st = cases_oom(err);
		goto out;
	}
	for (int i = 0; i < t.nsteps && !st; i++)
		st = step_department(d, &t, &t.steps[i], in, region, &orgs[i], err);
	time_now_iso(now);
	if (!st)
		st = db_query_int(d, SQL_CASE_INSERT,
				  DB_ARGS(DB_T(t.code), DB_IDOPT(in->person_id), DB_IDOPT(in->org_id), DB_T(region),
					  DB_T(actor->name), DB_T(today), DB_T(in->note), DB_T(now), DB_T(deadline)),
				  id, err);
	if (!st)
		st = add_event(d, actor, *id, 0, "open", NULL, NULL, in->note, NULL, now, today, err);
	json_t *steps = json_array();
	for (int i = 0; i < t.nsteps && !st; i++) {
		const struct ct_step *s = &t.steps[i];
		int64_t sid;
		if ((st = step_due(d, t.code, s->code, s->initial, deadline, today, &has_due, due, err)) ||
		    (st = db_query_int(d, SQL_STEP_INSERT,
				       DB_ARGS(DB_I(*id), DB_T(s->code), DB_I(s->seq), DB_I(orgs[i]), DB_T(s->initial),
					       DB_T(today), DB_T(has_due ? due : NULL), DB_T(now)),
				       &sid, err)))
			break;
		json_array_append_new(steps, json_pack("{s:s, s:I, s:s?}", "step", s->code, "org_id",
						       (json_int_t)orgs[i], "due_date", has_due ? due : NULL));
	}
	free(orgs);
	if (!st)
		st = case_details_store(d, actor, t.code, *id, in, err);
	id_text(st ? 0 : *id, cid);
	if (!st)
		st = cases_audit(d, actor, "case.create", "case", cid, region,
				 json_pack("{s:s, s:o, s:o, s:o}", "type", t.code,
					   "person_id", in->person_id > 0 ? json_integer(in->person_id) : json_null(),
					   "org_id", in->org_id > 0 ? json_integer(in->org_id) : json_null(),
					   "steps", json_incref(steps)),
				 err);
	json_decref(steps);
out:
	st = db_tx_finish(d, own, st, err);
done:
	ct_free(&t);
	return st;
}

/* ---- one case's page --------------------------------------------------------------- */

/* The actions the actor may take on a step now: effective transitions from its state. */
static json_t *step_actions(const struct principal *actor, const struct case_type *t, const char *step,
			    const char *state, const char *org_type, bool may)
{
	json_t *a = json_array();
	for (int i = 0; a && may && i < t->ntrans; i++) {
		const struct ct_trans *x = &t->trans[i];
		if (strcmp(x->from, state) != 0 || (strcmp(x->step, "*") != 0 && strcmp(x->step, step) != 0))
			continue;
		const struct ct_trans *eff = ct_trans_find(t, step, state, x->action);
		if (eff != x || !ct_roles_allow(x->roles, actor->role) || (x->org_type[0] && strcmp(x->org_type, org_type) != 0))
			continue;
		const struct ct_state *to = ct_state(t, x->to);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o}", "action", x->action,
						   "name", x->name_zh, "name_en", x->name_en, "to", x->to,
						   "to_name", to ? to->name_zh : NULL, "materials",
						   ct_materials_json(x->materials)));
	}
	return a;
}

static sy_status load_steps(db *d, const struct principal *actor, const struct case_type *t, int64_t id,
			    const char *region, const char *today, json_t *out, int *overdue, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CASE_STEPS, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		const struct ct_step *s = ct_step(t, db_text(r, 1));
		const struct ct_state *state = ct_state(t, db_text(r, 6));
		bool final = db_bool(r, 7);
		const char *due = db_text(r, 9);
		bool late = !final && due && strcmp(due, today) < 0;
		*overdue += late;
		json_array_append_new(out, json_pack(
			"{s:I, s:s, s:s?, s:s?, s:i, s:I, s:s?, s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:b, s:b, s:s?, s:o}",
			"id", (json_int_t)db_int(r, 0), "code", db_text(r, 1), "name", s ? s->name_zh : NULL,
			"name_en", s ? s->name_en : NULL, "seq", (int)db_int(r, 2), "org_id", (json_int_t)db_int(r, 3),
			"org_name", db_text(r, 4), "state", db_text(r, 6), "state_name", state ? state->name_zh : NULL,
			"state_name_en", state ? state->name_en : NULL, "final", final, "entered_on", db_text(r, 8),
			"due_date", due, "overdue", late, "deadline_unset", !final && !due, "ended_at", db_text(r, 10),
			"actions", step_actions(actor, t, db_text(r, 1), db_text(r, 6), db_text(r, 5),
						!final && may_act(actor, region, db_int(r, 3)))));
	}
	db_rows_free(r);
	return SY_OK;
}

static sy_status load_timeline(db *d, const struct case_type *t, int64_t id, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CASE_EVENTS, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		const struct ct_step *s = ct_step(t, db_text(r, 2));
		json_array_append_new(out, json_pack(
			"{s:I, s:o, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s, s:s, s:s?, s:o, s:s}",
			"id", (json_int_t)db_int(r, 0), "step_id", db_isnull(r, 1) ? json_null() : json_integer(db_int(r, 1)),
			"step", db_text(r, 2), "step_name", s ? s->name_zh : NULL, "step_name_en", s ? s->name_en : NULL,
			"action", db_text(r, 3), "from_state", db_text(r, 4), "to_state", db_text(r, 5),
			"actor", db_text(r, 6), "actor_role", db_text(r, 7), "comment", db_text(r, 8),
			"materials", ct_materials_json(db_text(r, 9)), "created_at", db_text(r, 10)));
		/* the states by name, for a reader of the timeline */
		const struct ct_state *from = ct_state(t, db_text(r, 4)), *to = ct_state(t, db_text(r, 5));
		json_t *e = json_array_get(out, json_array_size(out) - 1);
		if (e && from && to) {
			json_object_set_new(e, "from_name", json_string(from->name_zh));
			json_object_set_new(e, "from_name_en", json_string(from->name_en));
			json_object_set_new(e, "to_name", json_string(to->name_zh));
			json_object_set_new(e, "to_name_en", json_string(to->name_en));
		}
	}
	db_rows_free(r);
	return SY_OK;
}

sy_status cases_get(db *d, const struct principal *actor, int64_t id, const char *today, json_t **out,
		    sy_err *err)
{
	struct case_scope c;
	struct case_type t;
	db_rows *r = NULL;
	json_t *o = NULL;
	int overdue = 0;
	sy_status st;
	if ((st = case_in_scope(d, actor, id, &c, err)) || (st = ct_load(d, c.type, NULL, &t, err)))
		return st;
	if ((st = db_query(d, SQL_CASE_GET, DB_ARGS(DB_I(id)), &r, err)))
		goto done;
	if (db_next(r)) {
		json_t *applicant = !db_isnull(r, 5)
			? json_pack("{s:s, s:I, s:s?}", "kind", "person", "id", (json_int_t)db_int(r, 5), "name", db_text(r, 6))
			: json_pack("{s:s, s:I, s:s?}", "kind", "org", "id", (json_int_t)db_int(r, 7), "name", db_text(r, 8));
		o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s?}",
			      "id", (json_int_t)db_int(r, 0), "type", db_text(r, 1), "type_name", t.name_zh,
			      "type_name_en", t.name_en, "state", db_text(r, 2), "region_code", db_text(r, 3),
			      "region_name", db_text(r, 4), "applicant", applicant, "opened_by", db_text(r, 9),
			      "opened_on", db_text(r, 10), "note", db_text(r, 11), "closed_at", db_text(r, 12),
			      "created_at", db_text(r, 13), "updated_at", db_text(r, 14), "deadline", db_text(r, 15));
	}
	db_rows_free(r);
	if (!o) {
		st = cases_oom(err);
		goto done;
	}
	json_t *steps = json_array(), *timeline = json_array();
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "timeline", timeline);
	if ((st = load_steps(d, actor, &t, id, c.region, today, steps, &overdue, err)) ||
	    (st = load_timeline(d, &t, id, timeline, err)) || (st = case_details_json(d, id, o, err)))
		goto done;
	size_t done_n = 0, i;
	json_t *s;
	json_array_foreach(steps, i, s)
		done_n += json_is_true(json_object_get(s, "final"));
	json_object_set_new(o, "steps_total", json_integer((json_int_t)json_array_size(steps)));
	json_object_set_new(o, "steps_done", json_integer((json_int_t)done_n));
	json_object_set_new(o, "overdue", json_boolean(overdue > 0));
	json_object_set_new(o, "supervised", json_boolean(overdue > 0 && strcmp(t.overdue_rule, "supervise") == 0));
	json_object_set_new(o, "may_comment", json_boolean(may_comment(actor)));
done:
	ct_free(&t);
	if (st) {
		json_decref(o);
		return st;
	}
	*out = o;
	return SY_OK;
}

/* ---- moving a step ----------------------------------------------------------------- */

static sy_status check_action_input(const struct case_action *in, sy_err *err)
{
	sy_status st;
	if (!in->action || !*in->action)
		return sy_failf(err, SY_EINVAL, "required", "action", "请选择办理操作", "action is required");
	if (strlen(in->action) >= CT_CODE)
		return sy_failf(err, SY_EINVAL, "invalid_action", "action", "没有这个办理操作", "no such action");
	if ((st = cases_check_text(in->comment, "comment", "办理意见", "comment", CASE_COMMENT_CHARS, false, err)))
		return st;
	if (in->nmaterials > CASE_MATERIALS_MAX)
		return sy_fail(err, SY_EINVAL, "too_many_materials", "materials", "材料最多 %d 项",
			       "at most %d materials", CASE_MATERIALS_MAX);
	for (int i = 0; i < in->nmaterials; i++)
		if ((st = cases_check_text(in->materials[i], "materials", "材料名称", "material name", 50, true, err)))
			return st;
	return SY_OK;
}

static bool material_given(const struct case_action *in, const char *name, size_t n)
{
	for (int i = 0; i < in->nmaterials; i++)
		if (strlen(in->materials[i]) == n && strncmp(in->materials[i], name, n) == 0)
			return true;
	return false;
}

/*
 * Every material the transition names must be handed in by name, attached to
 * the case (or this step) as that kind of material, or held on record.
 */
static sy_status check_materials(db *d, int64_t case_id, int64_t step_id, const struct ct_trans *x,
				 const struct case_action *in, sy_err *err)
{
	static const char sep[] = "、";
	char name[CT_NAME];
	bool held;
	sy_status st;
	for (const char *p = x->materials; *p;) {
		const char *end = strstr(p, sep);
		size_t n = end ? (size_t)(end - p) : strlen(p);
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		if (n && !material_given(in, p, n)) {
			if ((st = case_material_held(d, case_id, step_id, name, &held, err)))
				return st;
			if (!held)
				return sy_fail(err, SY_EINVAL, "missing_material", "materials", "缺少材料：%s",
					       "missing material: %s", name);
		}
		if (!end)
			break;
		p = end + sizeof sep - 1;
	}
	return SY_OK;
}

/* "落户介绍信、退役证" from the request, for the timeline; NULL when none. */
static char *join_materials(const struct case_action *in)
{
	size_t len = 1;
	for (int i = 0; i < in->nmaterials; i++)
		len += strlen(in->materials[i]) + 3;
	if (in->nmaterials == 0)
		return NULL;
	char *s = calloc(1, len);
	for (int i = 0; s && i < in->nmaterials; i++) {
		if (i)
			strcat(s, "、");
		strcat(s, in->materials[i]);
	}
	return s;
}

struct step_row {
	char code[CT_CODE], state[CT_CODE], org_type[CT_CODE];
	bool final;
	int64_t org_id;
};

static sy_status load_step(db *d, int64_t case_id, int64_t step_id, struct step_row *s, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_STEP_GET, DB_ARGS(DB_I(case_id), DB_I(step_id)), &r, err);
	if (st)
		return st;
	bool found = db_next(r);
	if (found) {
		snprintf(s->code, sizeof s->code, "%s", db_text(r, 0));
		snprintf(s->state, sizeof s->state, "%s", db_text(r, 1));
		s->final = db_bool(r, 2);
		s->org_id = db_int(r, 3);
		snprintf(s->org_type, sizeof s->org_type, "%s", db_text(r, 4));
	}
	db_rows_free(r);
	if (!found)
		return sy_failf(err, SY_ENOTFOUND, "step_not_found", "sid", "该事项没有这个环节", "no such step in this case");
	return SY_OK;
}

/* The transition to take, or why not: invalid_action (400), not_allowed_in_<state> (409), forbidden (403). */
static sy_status find_transition(const struct principal *actor, const struct case_type *t,
				 const struct case_scope *c, const struct step_row *s, const char *action,
				 const struct ct_trans **out, sy_err *err)
{
	const struct ct_trans *x = ct_trans_find(t, s->code, s->state, action);
	if (!x) {
		bool known = false;
		for (int i = 0; i < t->ntrans; i++)
			known |= strcmp(t->trans[i].action, action) == 0 &&
				 (strcmp(t->trans[i].step, "*") == 0 || strcmp(t->trans[i].step, s->code) == 0);
		if (!known)
			return sy_failf(err, SY_EINVAL, "invalid_action", "action", "该环节没有这个办理操作",
					"this step has no such action");
		const struct ct_state *cur = ct_state(t, s->state);
		char code[sizeof err->code];
		snprintf(code, sizeof code, "not_allowed_in_%s", s->state);
		return cases_fail_named(err, SY_ECONFLICT, code, "action", "该环节当前为「%s」，不能执行此操作",
					"the step is now '%s'; this action is not possible from there",
					cur ? cur->name_zh : s->state, cur ? cur->name_en : s->state);
	}
	if (!ct_roles_allow(x->roles, actor->role) || !may_act(actor, c->region, s->org_id) ||
	    (x->org_type[0] && strcmp(x->org_type, s->org_type) != 0))
		return sy_failf(err, SY_EFORBIDDEN, "transition_forbidden", "action", "您无权对该环节执行此操作",
				"you may not take this action on this step");
	*out = x;
	return SY_OK;
}

/* After a step ends: close the case when it was the last open one. */
static sy_status close_if_done(db *d, const struct principal *actor, int64_t case_id, const char *now,
			       const char *today, bool *closed, sy_err *err)
{
	int64_t open = 0;
	sy_status st = db_query_int(d, SQL_OPEN_STEPS, DB_ARGS(DB_I(case_id)), &open, err);
	*closed = !st && open == 0;
	if (st || !*closed)
		return st ? st : db_execp(d, SQL_CASE_TOUCH, DB_ARGS(DB_I(case_id), DB_T(now)), NULL, err);
	if ((st = db_execp(d, SQL_CASE_CLOSE, DB_ARGS(DB_I(case_id), DB_T(now)), NULL, err)))
		return st;
	return add_event(d, actor, case_id, 0, "close", "open", "closed", NULL, NULL, now, today, err);
}

sy_status cases_transition(db *d, const struct principal *actor, int64_t case_id, int64_t step_id,
			   const struct case_action *in, const char *today, sy_err *err)
{
	struct case_scope c;
	struct case_type t = {0};
	struct step_row s;
	const struct ct_trans *x = NULL;
	char now[TIME_ISO_LEN], due[WORKDAY_DATE_LEN], cid[24];
	char *materials = NULL;
	int64_t changed = 0;
	bool own = false, has_due = false, closed = false;
	sy_status st;
	if ((st = check_action_input(in, err)) || (st = db_tx_join(d, &own, err)))
		return st;
	if ((st = case_in_scope(d, actor, case_id, &c, err)) || (st = ct_load(d, c.type, NULL, &t, err)) ||
	    (st = load_step(d, case_id, step_id, &s, err)) ||
	    (st = find_transition(actor, &t, &c, &s, in->action, &x, err)) ||
	    (st = check_materials(d, case_id, step_id, x, in, err)))
		goto out;
	const struct ct_state *to = ct_state(&t, x->to);
	bool final = to && to->final;
	if (!final && (st = step_due(d, t.code, s.code, x->to, c.deadline, today, &has_due, due, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_STEP_MOVE,
			   DB_ARGS(DB_I(step_id), DB_T(x->to), DB_I(final), DB_T(today), DB_T(has_due ? due : NULL),
				   DB_T(final ? now : NULL), DB_T(now), DB_T(s.state)),
			   &changed, err)))
		goto out;
	if (!changed) {
		st = sy_failf(err, SY_ECONFLICT, "step_changed", "action", "该环节刚被他人办理，请刷新后再试",
			      "someone else just moved this step; reload and try again");
		goto out;
	}
	materials = join_materials(in);
	if ((st = add_event(d, actor, case_id, step_id, x->action, s.state, x->to, in->comment, materials, now, today,
			    err)) ||
	    (final && (st = close_if_done(d, actor, case_id, now, today, &closed, err))) ||
	    (!final && (st = db_execp(d, SQL_CASE_TOUCH, DB_ARGS(DB_I(case_id), DB_T(now)), NULL, err))))
		goto out;
	id_text(case_id, cid);
	st = cases_audit(d, actor, "case.transition", "case", cid, c.region,
			 json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:b}", "step_id", (json_int_t)step_id,
				   "step", s.code, "action", x->action, "from", s.state, "to", x->to,
				   "due_date", has_due ? due : NULL, "materials", materials, "case_closed", closed),
			 err);
out:
	free(materials);
	ct_free(&t);
	return db_tx_finish(d, own, st, err);
}

sy_status cases_comment(db *d, const struct principal *actor, int64_t case_id, const char *text, sy_err *err)
{
	struct case_scope c;
	char now[TIME_ISO_LEN], cid[24], today[WORKDAY_DATE_LEN];
	bool own;
	sy_status st;
	if ((st = cases_check_text(text, "comment", "留言", "comment", CASE_COMMENT_CHARS, true, err)))
		return st;
	if (!may_comment(actor))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色不能在事项中留言",
				"your role may not comment on cases");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = case_in_scope(d, actor, case_id, &c, err)))
		goto out;
	time_now_iso(now);
	cases_today(today);
	if ((st = add_event(d, actor, case_id, 0, "comment", NULL, NULL, text, NULL, now, today, err)) ||
	    (st = db_execp(d, SQL_CASE_TOUCH, DB_ARGS(DB_I(case_id), DB_T(now)), NULL, err)))
		goto out;
	id_text(case_id, cid);
	st = cases_audit(d, actor, "case.comment", "case", cid, c.region, json_pack("{s:s}", "comment", text), err);
out:
	return db_tx_finish(d, own, st, err);
}

/* ---- lists ----------------------------------------------------------------------------- */

static json_t *case_row_json(db_rows *r)
{
	int64_t overdue = db_int(r, 14);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:o, s:s, s:s?, s:I, s:I, s:I, s:b, s:b, s:s?}",
			 "id", (json_int_t)db_int(r, 0), "type", db_text(r, 1), "type_name", db_text(r, 2),
			 "type_name_en", db_text(r, 3), "state", db_text(r, 4), "region_code", db_text(r, 5),
			 "region_name", db_text(r, 6), "applicant_name", db_text(r, 7),
			 "person_id", db_isnull(r, 8) ? json_null() : json_integer(db_int(r, 8)),
			 "org_id", db_isnull(r, 9) ? json_null() : json_integer(db_int(r, 9)),
			 "opened_on", db_text(r, 10), "closed_at", db_text(r, 11),
			 "steps_total", (json_int_t)db_int(r, 12), "steps_done", (json_int_t)db_int(r, 13),
			 "overdue_steps", (json_int_t)overdue, "overdue", overdue > 0,
			 "supervised", overdue > 0 && strcmp(db_text(r, 16), "supervise") == 0,
			 "next_due", db_text(r, 15));
}

static sy_status check_state_filter(const char *state, sy_err *err)
{
	if (state && strcmp(state, "open") != 0 && strcmp(state, "closed") != 0)
		return sy_failf(err, SY_EINVAL, "invalid_state", "state", "状态应为 open（办理中）或 closed（已办结）",
				"state must be open or closed");
	return SY_OK;
}

sy_status cases_list(db *d, const struct principal *actor, const struct case_filter *f,
		     const char *today, json_t **items, int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	db_rows *r = NULL;
	sy_status st;
	*next = 0;
	if ((st = check_state_filter(f->state, err)))
		return st;
	int64_t person = 0, org = 0;
	scope_region_like(actor, like);
	/* a person and an organisation see their own cases wherever they are */
	if (actor->role == ROLE_PERSON) {
		person = actor->person_id > 0 ? actor->person_id : -1;
		snprintf(like, sizeof like, "%%");
	} else if (actor->role & ROLES_ORG) {
		org = actor->org_id > 0 ? actor->org_id : -1;
		snprintf(like, sizeof like, "%%");
	}
	if ((st = db_query(d, SQL_CASES,
			   DB_ARGS(DB_T(today), DB_I(f->cursor), DB_T(like), DB_I(person), DB_I(org), DB_T(f->state),
				   DB_T(f->type), DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, case_row_json, items, next, err);
	db_rows_free(r);
	return st;
}

sy_status cases_overdue(db *d, const struct principal *actor, int limit, int64_t cursor,
			const char *today, json_t **items, int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	db_rows *r = NULL;
	*next = 0;
	if (!(actor->role & ROLES_STAFF))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色不能查看督办清单",
				"your role may not read the supervision list");
	scope_region_like(actor, like);
	sy_status st = db_query(d, SQL_CASES_OVERDUE,
				DB_ARGS(DB_T(today), DB_I(cursor), DB_T(like), DB_I(limit + 1)), &r, err);
	if (st)
		return st;
	st = db_page(r, limit, case_row_json, items, next, err);
	db_rows_free(r);
	return st;
}

static json_t *inbox_row_json(db_rows *r)
{
	return json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:I, s:s?, s:s, s:s?, s:b, s:s, s:s?, s:s?,"
			 " s:s, s:s?, s:s?}",
			 "step_id", (json_int_t)db_int(r, 0), "case_id", (json_int_t)db_int(r, 1),
			 "step", db_text(r, 2), "step_name", db_text(r, 3), "step_name_en", db_text(r, 4),
			 "state", db_text(r, 5), "state_name", db_text(r, 6), "state_name_en", db_text(r, 7),
			 "org_id", (json_int_t)db_int(r, 8), "org_name", db_text(r, 9), "entered_on", db_text(r, 10),
			 "due_date", db_text(r, 11), "overdue", db_int(r, 12) != 0, "type", db_text(r, 13),
			 "type_name", db_text(r, 14), "type_name_en", db_text(r, 15), "region_code", db_text(r, 16),
			 "region_name", db_text(r, 17), "applicant_name", db_text(r, 18));
}

sy_status cases_inbox(db *d, const struct principal *actor, const struct inbox_filter *f,
		      const char *today, json_t **items, int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1], role[32];
	db_rows *r = NULL;
	*next = 0;
	int64_t org = f->org_id;
	if (actor->role != ROLE_ADMIN && actor->role != ROLE_OFFICER && actor->role != ROLE_DEPARTMENT)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色没有待办事项",
				"your role has no inbox");
	scope_region_like(actor, like);
	if (actor->role == ROLE_DEPARTMENT) { /* the steps it handles, wherever the case is */
		if (f->org_id && f->org_id != actor->org_id)
			return sy_failf(err, SY_EFORBIDDEN, "forbidden", "org", "只能查看本部门的待办事项",
					"a department sees only its own inbox");
		org = actor->org_id > 0 ? actor->org_id : -1;
		snprintf(like, sizeof like, "%%");
	}
	snprintf(role, sizeof role, "%%,%s,%%", role_name(actor->role));
	sy_status st = db_query(d, SQL_INBOX,
				DB_ARGS(DB_I(f->cursor), DB_T(like), DB_T(role), DB_I(org), DB_I(f->overdue_only),
					DB_T(today), DB_I(f->limit + 1)),
				&r, err);
	if (st)
		return st;
	st = db_page(r, f->limit, inbox_row_json, items, next, err);
	db_rows_free(r);
	return st;
}
