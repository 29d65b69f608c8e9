/*
 * stats.c - case statistics in the reader's scope: counts by type, state,
 * department and region; for closed cases the average handling time in
 * working days (over the admin's calendar) and the share closed on time.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* The cases counted: $1 region LIKE, $2 type, $3 from, $4 to (opened_on). */
#define STATS_WHERE \
	" WHERE c.region_code LIKE $1 AND (CAST($2 AS TEXT) IS NULL OR c.type_code = $2)" \
	" AND (CAST($3 AS TEXT) IS NULL OR c.opened_on >= $3) AND (CAST($4 AS TEXT) IS NULL OR c.opened_on <= $4)"

static const char SQL_BY_TYPE[] =
	"SELECT c.type_code, ct.name_zh, COUNT(*), SUM(CASE WHEN c.state = 'closed' THEN 1 ELSE 0 END)"
	" FROM cases c JOIN case_types ct ON ct.code = c.type_code" STATS_WHERE
	" GROUP BY c.type_code, ct.name_zh ORDER BY c.type_code";
/* Steps by their current state; $5 today. */
static const char SQL_BY_STATE[] =
	"SELECT s.state, MIN(st.name_zh), COUNT(*), SUM(CASE WHEN s.final = 0 AND s.due_date < $5 THEN 1 ELSE 0 END)"
	" FROM case_steps s JOIN cases c ON c.id = s.case_id"
	" JOIN case_type_states st ON st.type_code = c.type_code AND st.state = s.state" STATS_WHERE
	" GROUP BY s.state ORDER BY s.state";
static const char SQL_BY_DEPT[] =
	"SELECT s.org_id, o.name, COUNT(*), SUM(CASE WHEN s.final = 0 THEN 0 ELSE 1 END),"
	" SUM(CASE WHEN s.final = 0 AND s.due_date < $5 THEN 1 ELSE 0 END)"
	" FROM case_steps s JOIN cases c ON c.id = s.case_id JOIN orgs o ON o.id = s.org_id" STATS_WHERE
	" GROUP BY s.org_id, o.name ORDER BY s.org_id";
static const char SQL_BY_REGION[] =
	"SELECT c.region_code, r.name, COUNT(*), SUM(CASE WHEN c.state = 'closed' THEN 1 ELSE 0 END)"
	" FROM cases c JOIN regions r ON r.code = c.region_code" STATS_WHERE
	" GROUP BY c.region_code, r.name ORDER BY c.region_code";
/*
 * Closed cases: opened_on, the day they closed, and how many steps ended
 * after their due date (a step ends on the day of its last event).
 */
static const char SQL_CLOSED[] =
	"SELECT c.opened_on, (SELECT MAX(e.on_day) FROM case_events e WHERE e.case_id = c.id AND e.action = 'close'),"
	" (SELECT COUNT(*) FROM case_steps s WHERE s.case_id = c.id AND s.due_date IS NOT NULL"
	"  AND s.due_date < (SELECT MAX(e.on_day) FROM case_events e WHERE e.step_id = s.id))"
	" FROM cases c" STATS_WHERE " AND c.state = 'closed' ORDER BY c.opened_on";
static const char SQL_CLOSED_SPAN[] =
	"SELECT MIN(c.opened_on), MAX((SELECT MAX(e.on_day) FROM case_events e WHERE e.case_id = c.id AND e.action = 'close'))"
	" FROM cases c" STATS_WHERE " AND c.state = 'closed'";

#define STATS_ARGS(like, f, today) DB_ARGS(DB_T(like), DB_T((f)->type), DB_T((f)->from), DB_T((f)->to), DB_T(today))

/* Rows of (key, name, total, done[, overdue]) as [{key, name, total, <done_key>, overdue?}]. */
static sy_status group_rows(db *d, const char *sql, const char *like, const struct case_stats_filter *f,
			    const char *today, int ncols, const char *done_key, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	/* the queries without $5 take four arguments: PostgreSQL refuses an unused one */
	sy_status st = strstr(sql, "$5") ? db_query(d, sql, STATS_ARGS(like, f, today), &r, err)
					 : db_query(d, sql, DB_ARGS(DB_T(like), DB_T(f->type), DB_T(f->from), DB_T(f->to)),
						    &r, err);
	if (st)
		return st;
	*out = json_array();
	while (db_next(r)) {
		json_t *o = json_pack("{s:s, s:s?, s:I, s:I}", "key", db_text(r, 0), "name", db_text(r, 1), "total",
				      (json_int_t)db_int(r, 2), done_key, (json_int_t)db_int(r, 3));
		if (o && ncols > 4)
			json_object_set_new(o, "overdue", json_integer(db_int(r, 4)));
		json_array_append_new(*out, o);
	}
	db_rows_free(r);
	return SY_OK;
}

/* Average working days from opening to closing and the share closed with no step late. */
static sy_status handling(db *d, const char *like, const struct case_stats_filter *f, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	struct cal_loaded cal;
	int32_t from, to;
	int64_t closed = 0, on_time = 0, days = 0;
	char lo[WORKDAY_DATE_LEN] = "", hi[WORKDAY_DATE_LEN] = "";
	sy_status st = db_query(d, SQL_CLOSED_SPAN, DB_ARGS(DB_T(like), DB_T(f->type), DB_T(f->from), DB_T(f->to)), &r, err);
	if (st)
		return st;
	if (db_next(r) && !db_isnull(r, 0) && !db_isnull(r, 1)) {
		snprintf(lo, sizeof lo, "%s", db_text(r, 0));
		snprintf(hi, sizeof hi, "%s", db_text(r, 1));
	}
	db_rows_free(r);
	if (!lo[0]) {
		json_object_set_new(out, "closed", json_integer(0));
		json_object_set_new(out, "avg_working_days", json_null());
		json_object_set_new(out, "on_time_share", json_null());
		return SY_OK;
	}
	if ((st = cal_load(d, lo, hi, &cal, err)))
		return st;
	if ((st = db_query(d, SQL_CLOSED, DB_ARGS(DB_T(like), DB_T(f->type), DB_T(f->from), DB_T(f->to)), &r, err)))
		goto out;
	while (db_next(r)) {
		if (db_isnull(r, 1) || !workday_parse(db_text(r, 0), &from) || !workday_parse(db_text(r, 1), &to))
			continue; /* closed before the day was recorded */
		closed++;
		days += workday_between(&cal.cal, from, to);
		on_time += db_int(r, 2) == 0;
	}
	db_rows_free(r);
	json_object_set_new(out, "closed", json_integer(closed));
	json_object_set_new(out, "avg_working_days", closed ? json_real((double)days / (double)closed) : json_null());
	json_object_set_new(out, "on_time_share", closed ? json_real((double)on_time / (double)closed) : json_null());
out:
	cal_free(&cal);
	return st;
}

static sy_status check_filter(const struct case_stats_filter *f, sy_err *err)
{
	int32_t day;
	if (f->from && !workday_parse(f->from, &day))
		return sy_failf(err, SY_EINVAL, "invalid_date", "from", "起始日期应为 YYYY-MM-DD", "from must be YYYY-MM-DD");
	if (f->to && !workday_parse(f->to, &day))
		return sy_failf(err, SY_EINVAL, "invalid_date", "to", "截止日期应为 YYYY-MM-DD", "to must be YYYY-MM-DD");
	return SY_OK;
}

sy_status cases_stats(db *d, const struct principal *actor, const struct case_stats_filter *f, const char *today,
		      json_t **out, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	json_t *o, *by_type = NULL, *by_state = NULL, *by_dept = NULL, *by_region = NULL;
	sy_status st;
	if (!(actor->role & ROLES_STAFF))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色不能查看事项统计",
				"your role may not read case statistics");
	if ((st = check_filter(f, err)))
		return st;
	scope_region_like(actor, like);
	if (!(o = json_object()))
		return cases_oom(err);
	if ((st = group_rows(d, SQL_BY_TYPE, like, f, today, 4, "closed", &by_type, err)) ||
	    (st = group_rows(d, SQL_BY_STATE, like, f, today, 4, "overdue", &by_state, err)) ||
	    (st = group_rows(d, SQL_BY_DEPT, like, f, today, 5, "done", &by_dept, err)) ||
	    (st = group_rows(d, SQL_BY_REGION, like, f, today, 4, "closed", &by_region, err)) ||
	    (st = handling(d, like, f, o, err))) {
		json_decref(by_type);
		json_decref(by_state);
		json_decref(by_dept);
		json_decref(by_region);
		json_decref(o);
		return st;
	}
	int64_t total = 0;
	size_t i;
	json_t *x;
	json_array_foreach(by_type, i, x)
		total += json_integer_value(json_object_get(x, "total"));
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "by_type", by_type);
	json_object_set_new(o, "by_step_state", by_state);
	json_object_set_new(o, "by_department", by_dept);
	json_object_set_new(o, "by_region", by_region);
	*out = o;
	return SY_OK;
}
