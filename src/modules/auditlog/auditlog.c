#include "auditlog.h"

#include <stdio.h>
#include <string.h>

#include "db/page.h"
#include "lib/timeutil.h"

/* Ids descend, so the cursor is an upper bound; 2^62 stands for "from the newest". */
static const char SQL_AUDIT_LIST[] =
	"SELECT id, at, actor, role, action, object_type, object_id, region_code, detail, ip, hash"
	" FROM audit_log WHERE id < $1"
	" AND (CAST($2 AS TEXT) IS NULL OR region_code LIKE $2)"
	" AND (CAST($3 AS TEXT) IS NULL OR action = $3 OR action LIKE $4)"
	" AND (CAST($5 AS TEXT) IS NULL OR actor = $5)"
	" AND (CAST($6 AS TEXT) IS NULL OR object_type = $6)"
	" AND (CAST($7 AS TEXT) IS NULL OR at >= $7)"
	" AND (CAST($8 AS TEXT) IS NULL OR at <= $8)"
	" ORDER BY id DESC LIMIT $9";

static sy_status bad_date(sy_err *err, const char *field)
{
	return sy_failf(err, SY_EINVAL, "invalid_date", field, "日期格式应为 YYYY-MM-DD",
			"date must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
}

static json_t *audit_row_json(db_rows *r)
{
	const char *detail = db_text(r, 8);
	json_t *dj = detail ? json_loads(detail, 0, NULL) : NULL;
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:s?}",
			 "id", (json_int_t)db_int(r, 0), "at", db_text(r, 1), "actor", db_text(r, 2),
			 "role", db_text(r, 3), "action", db_text(r, 4), "object_type", db_text(r, 5),
			 "object_id", db_text(r, 6), "region_code", db_text(r, 7),
			 "detail", dj ? dj : json_null(), "ip", db_text(r, 9), "hash", db_text(r, 10));
}

sy_status auditlog_list(db *d, const struct principal *reader, const struct audit_filter *f,
			json_t **items, int64_t *next, sy_err *err)
{
	char region_like[REGION_CODE_MAX + 1], action_like[80], to[TIME_ISO_LEN];
	time_t t;
	db_rows *r = NULL;
	sy_status st;
	*items = NULL;
	*next = 0;
	if (f->from && !time_parse_iso(f->from, &t))
		return bad_date(err, "from");
	if (f->to && !time_parse_iso(f->to, &t))
		return bad_date(err, "to");
	/* A bare date as the upper bound means the whole of that day. */
	if (f->to)
		snprintf(to, sizeof to, strlen(f->to) == 10 ? "%.10sT23:59:59Z" : "%s", f->to);
	bool scoped = reader->role != ROLE_ADMIN;
	if (scoped)
		scope_region_like(reader, region_like);
	snprintf(action_like, sizeof action_like, "%s%%", f->action ? f->action : "");
	bool prefix = f->action && f->action[strlen(f->action) - 1] == '.';
	if ((st = db_query(d, SQL_AUDIT_LIST,
			   DB_ARGS(DB_I(f->cursor ? f->cursor : INT64_C(1) << 62),
				   DB_T(scoped ? region_like : NULL), DB_T(f->action),
				   DB_T(prefix ? action_like : ""), DB_T(f->actor),
				   DB_T(f->object_type), DB_T(f->from), DB_T(f->to ? to : NULL),
				   DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, audit_row_json, items, next, err);
	db_rows_free(r);
	return st;
}
