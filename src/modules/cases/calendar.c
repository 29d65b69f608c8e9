/*
 * calendar.c - the working-day calendar the admin keeps (public holidays and
 * make-up working days), and due dates computed from it with lib/workday.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "lib/text.h"
#include "lib/timeutil.h"

static const char SQL_CAL_LIST[] =
	"SELECT day, kind, name, updated_at FROM calendar_days"
	" WHERE ($1 = 0 OR day LIKE $2) ORDER BY day";
static const char SQL_CAL_GET[] = "SELECT kind, name FROM calendar_days WHERE day = $1";
static const char SQL_CAL_INSERT[] =
	"INSERT INTO calendar_days (day, kind, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)";
static const char SQL_CAL_UPDATE[] =
	"UPDATE calendar_days SET kind = $2, name = $3, updated_at = $4 WHERE day = $1";
static const char SQL_CAL_DELETE[] = "DELETE FROM calendar_days WHERE day = $1";
/* The rows a deadline from $1 can reach: a year of holidays is under 40 days, so two years is ample. */
static const char SQL_CAL_FROM[] =
	"SELECT day, kind FROM calendar_days WHERE day > $1 AND day <= $2 ORDER BY day";
static const char SQL_DEADLINE[] =
	"SELECT working_days FROM case_type_deadlines WHERE type_code = $1 AND state = $3"
	" AND working_days IS NOT NULL AND (step_code = $2 OR step_code = '*') ORDER BY CASE WHEN step_code = '*' THEN 1 ELSE 0 END";

/* Working days a deadline may span; far beyond any policy, it only bounds the calendar read. */
#define CAL_SPAN_DAYS 730

void cases_today(char out[WORKDAY_DATE_LEN])
{
	/* China keeps one time zone, UTC+8, with no daylight saving. */
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	gmtime_r(&t, &tm);
	int32_t day = 0;
	workday_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &day);
	workday_format(day, out);
}

sy_status cases_oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

sy_status cases_fail_named(sy_err *err, sy_status status, const char *code, const char *field,
			   const char *zh_fmt, const char *en_fmt, const char *zh_arg, const char *en_arg)
{
	char zh[sizeof err->msg_zh], en[sizeof err->msg_en];
	snprintf(zh, sizeof zh, zh_fmt, zh_arg);
	snprintf(en, sizeof en, en_fmt, en_arg);
	return sy_failf(err, status, code, field, zh, en);
}

/* A 400 naming the field; zh_fmt/en_fmt take the field's name (in that language), then max. */
static sy_status bad_text(sy_err *err, const char *code, const char *field, const char *zh, const char *en,
			  const char *zh_fmt, const char *en_fmt, size_t max)
{
	char mz[sizeof err->msg_zh], me[sizeof err->msg_en];
	snprintf(mz, sizeof mz, zh_fmt, zh, max);
	snprintf(me, sizeof me, en_fmt, en, max);
	return sy_failf(err, SY_EINVAL, code, field, mz, me);
}

sy_status cases_check_text(const char *s, const char *field, const char *zh, const char *en, size_t max,
			   bool required, sy_err *err)
{
	if (s && !text_valid_utf8_line(s))
		return bad_text(err, "invalid_text", field, zh, en, "%s含有控制字符或无效字符",
				"%s contains control or invalid characters", 0);
	if (!s || strspn(s, " \t") == strlen(s))
		return required ? bad_text(err, "required", field, zh, en, "请填写%s", "%s is required", 0) : SY_OK;
	if (text_utf8_chars(s) > max)
		return bad_text(err, "too_long", field, zh, en, "%s过长（最多 %zu 个字）",
				"%s is too long (at most %zu characters)", max);
	return SY_OK;
}

sy_status cases_audit(db *d, const struct principal *actor, const char *action, const char *object_type,
		      const char *object_id, const char *region, json_t *detail, sy_err *err)
{
	struct audit_event ev = {.action = action, .object_type = object_type, .object_id = object_id,
				 .region_code = region, .detail = detail};
	sy_status st = detail ? audit_write(d, actor, &ev, err) : cases_oom(err);
	json_decref(detail);
	return st;
}

/* ---- the admin's calendar ------------------------------------------------------ */

sy_status cases_calendar_list(db *d, int year, json_t **items, sy_err *err)
{
	char like[16];
	db_rows *r = NULL;
	snprintf(like, sizeof like, "%04d-%%", year % 10000);
	sy_status st = db_query(d, SQL_CAL_LIST, DB_ARGS(DB_I(year), DB_T(like)), &r, err);
	if (st)
		return st;
	json_t *a = json_array();
	while (a && db_next(r))
		json_array_append_new(a, json_pack("{s:s, s:s, s:s?, s:s}", "date", db_text(r, 0),
						   "kind", db_text(r, 1), "name", db_text(r, 2),
						   "updated_at", db_text(r, 3)));
	db_rows_free(r);
	if (!a)
		return cases_oom(err);
	*items = a;
	return SY_OK;
}

static sy_status require_admin(const struct principal *actor, sy_err *err)
{
	if (actor->role == ROLE_ADMIN)
		return SY_OK;
	return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "只有管理员可以修改", "only an admin may change this");
}

static sy_status check_day(const char *date, const char *kind, const char *name, int32_t *day, sy_err *err)
{
	sy_status st;
	if (!date)
		return sy_failf(err, SY_EINVAL, "required", "date", "请填写日期", "date is required");
	if (!workday_parse(date, day))
		return sy_failf(err, SY_EINVAL, "invalid_date", "date", "日期格式应为 YYYY-MM-DD 且须为真实日期",
				"date must be a real date written YYYY-MM-DD");
	if (!kind)
		return sy_failf(err, SY_EINVAL, "required", "kind", "请选择类型（节假日或调休上班）",
				"kind is required (holiday or workday)");
	if (strcmp(kind, "holiday") != 0 && strcmp(kind, "workday") != 0)
		return sy_failf(err, SY_EINVAL, "invalid_kind", "kind", "类型应为节假日（holiday）或调休上班（workday）",
				"kind must be holiday or workday");
	int w = workday_weekday(*day);
	/* a make-up working day only means something on a weekend; Monday to Friday already work */
	if (strcmp(kind, "workday") == 0 && w != 0 && w != 6)
		return sy_failf(err, SY_EINVAL, "not_a_weekend", "date", "调休上班日应为周六或周日",
				"a make-up working day falls on a Saturday or Sunday");
	if ((st = cases_check_text(name, "name", "名称", "name", CALENDAR_NAME_CHARS, false, err)))
		return st;
	return SY_OK;
}

sy_status cases_calendar_set(db *d, const struct principal *actor, const char *date, const char *kind,
			     const char *name, json_t **out, sy_err *err)
{
	char now[TIME_ISO_LEN], old_kind[16] = "";
	int32_t day;
	db_rows *r = NULL;
	bool own, existed;
	sy_status st;
	if ((st = require_admin(actor, err)) || (st = check_day(date, kind, name, &day, err)))
		return st;
	if (name && strspn(name, " \t") == strlen(name))
		name = NULL;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = db_query(d, SQL_CAL_GET, DB_ARGS(DB_T(date)), &r, err)))
		goto out;
	existed = db_next(r);
	if (existed)
		snprintf(old_kind, sizeof old_kind, "%s", db_text(r, 0));
	db_rows_free(r);
	time_now_iso(now);
	if ((st = db_execp(d, existed ? SQL_CAL_UPDATE : SQL_CAL_INSERT,
			   DB_ARGS(DB_T(date), DB_T(kind), DB_T(name), DB_T(now)), NULL, err)))
		goto out;
	st = cases_audit(d, actor, "calendar.set", "calendar_day", date, NULL,
			 json_pack("{s:s, s:s, s:s?, s:s?}", "date", date, "kind", kind, "name", name,
				   "was", existed ? old_kind : NULL), err);
	if (!st && !(*out = json_pack("{s:s, s:s, s:s?, s:s}", "date", date, "kind", kind, "name", name,
				      "updated_at", now)))
		st = cases_oom(err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status cases_calendar_remove(db *d, const struct principal *actor, const char *date, sy_err *err)
{
	int64_t changed = 0;
	int32_t day;
	bool own;
	sy_status st;
	if ((st = require_admin(actor, err)))
		return st;
	if (!workday_parse(date, &day))
		return sy_failf(err, SY_EINVAL, "invalid_date", "date", "日期格式应为 YYYY-MM-DD 且须为真实日期",
				"date must be a real date written YYYY-MM-DD");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = db_execp(d, SQL_CAL_DELETE, DB_ARGS(DB_T(date)), &changed, err)))
		goto out;
	if (!changed) {
		st = sy_failf(err, SY_ENOTFOUND, "calendar_day_not_found", "date", "日历中没有这一天",
			      "no such day in the calendar");
		goto out;
	}
	st = cases_audit(d, actor, "calendar.remove", "calendar_day", date, NULL,
			 json_pack("{s:s}", "date", date), err);
out:
	return db_tx_finish(d, own, st, err);
}

/* ---- due dates ------------------------------------------------------------------ */

static bool days_push(struct cal_days *a, int32_t day)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 32;
		int32_t *v = realloc(a->v, cap * sizeof *v);
		if (!v)
			return false;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = day;
	return true;
}

void cal_free(struct cal_loaded *c)
{
	free(c->off.v);
	free(c->work.v);
	memset(c, 0, sizeof *c);
}

sy_status cal_load(db *d, const char *from, const char *until, struct cal_loaded *c, sy_err *err)
{
	db_rows *r = NULL;
	int32_t day;
	memset(c, 0, sizeof *c);
	sy_status st = db_query(d, SQL_CAL_FROM, DB_ARGS(DB_T(from), DB_T(until)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		if (!workday_parse(db_text(r, 0), &day))
			continue; /* the table's dates are checked on the way in */
		if (!days_push(strcmp(db_text(r, 1), "workday") == 0 ? &c->work : &c->off, day)) {
			st = cases_oom(err);
			break;
		}
	}
	db_rows_free(r);
	if (st) {
		cal_free(c);
		return st;
	}
	c->cal = (struct workday_calendar){c->off.v, c->off.n, c->work.v, c->work.n};
	return SY_OK;
}

sy_status cases_due_date(db *d, const char *start, int n, char out[WORKDAY_DATE_LEN], sy_err *err)
{
	struct cal_loaded c;
	char until[WORKDAY_DATE_LEN];
	int32_t from;
	if (!workday_parse(start, &from))
		return sy_failf(err, SY_EINVAL, "invalid_date", NULL, "日期无效", "invalid date");
	workday_format(from + CAL_SPAN_DAYS, until);
	sy_status st = cal_load(d, start, until, &c, err);
	if (st)
		return st;
	workday_format(workday_add(&c.cal, from, n), out);
	cal_free(&c);
	return SY_OK;
}

sy_status ct_due_date(db *d, const char *type, const char *step, const char *state, const char *entered,
		      bool *has, char due[WORKDAY_DATE_LEN], sy_err *err)
{
	db_rows *r = NULL;
	int64_t n = 0;
	sy_status st = db_query(d, SQL_DEADLINE, DB_ARGS(DB_T(type), DB_T(step), DB_T(state)), &r, err);
	if (st)
		return st;
	*has = db_next(r) && !db_isnull(r, 0);
	if (*has)
		n = db_int(r, 0);
	db_rows_free(r);
	if (!*has)
		return SY_OK;
	return cases_due_date(d, entered, (int)n, due, err);
}
