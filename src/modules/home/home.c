#include "home.h"

#include <stdio.h>

static const char SQL_COUNT_USERS[] = "SELECT COUNT(*) FROM users WHERE region_code LIKE $1";
static const char SQL_COUNT_ORGS[] = "SELECT COUNT(*) FROM orgs WHERE region_code LIKE $1";
static const char SQL_COUNT_PEOPLE[] = "SELECT COUNT(*) FROM people WHERE region_code LIKE $1";
static const char SQL_COUNT_AUDIT[] =
	"SELECT COUNT(*) FROM audit_log WHERE ($1 = '%' OR region_code LIKE $1)";
static const char SQL_USERS_BY_ROLE[] =
	"SELECT role, COUNT(*) FROM users GROUP BY role ORDER BY role";
static const char SQL_REGION_NAME[] = "SELECT name FROM regions WHERE code = $1";
static const char SQL_ORG_NAME[] = "SELECT name FROM orgs WHERE id = $1";

static sy_status add_count(db *d, json_t *cards, const char *key, const char *sql,
			   const char *like, sy_err *err)
{
	int64_t n = 0;
	sy_status st = db_query_int(d, sql, DB_ARGS(DB_T(like)), &n, err);
	if (st)
		return st;
	json_array_append_new(cards, json_pack("{s:s, s:I}", "key", key, "value", (json_int_t)n));
	return SY_OK;
}

static json_t *scope_name(db *d, const struct principal *who)
{
	db_rows *r = NULL;
	json_t *name = json_null();
	sy_status st = who->org_id
		? db_query(d, SQL_ORG_NAME, DB_ARGS(DB_I(who->org_id)), &r, NULL)
		: db_query(d, SQL_REGION_NAME, DB_ARGS(DB_T(who->region_code)), &r, NULL);
	if (st == SY_OK && db_next(r) && db_text(r, 0)) {
		json_decref(name);
		name = json_string(db_text(r, 0));
	}
	db_rows_free(r);
	return name;
}

sy_status home_summary(db *d, const struct principal *who, json_t **out, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	json_t *cards = json_array();
	sy_status st = SY_OK;
	scope_region_like(who, like);
	if (who->role & ROLES_STAFF) {
		if ((st = add_count(d, cards, "people", SQL_COUNT_PEOPLE, like, err)) ||
		    (st = add_count(d, cards, "orgs", SQL_COUNT_ORGS, like, err)))
			goto out;
	}
	if (who->role & (ROLE_ADMIN | ROLE_AUDITOR)) {
		if ((st = add_count(d, cards, "users", SQL_COUNT_USERS, like, err)) ||
		    (st = add_count(d, cards, "audit_rows", SQL_COUNT_AUDIT, like, err)))
			goto out;
	}
	json_t *body = json_pack("{s:s, s:o, s:o}", "role", role_name(who->role), "scope_name",
				 scope_name(d, who), "cards", cards);
	cards = NULL;
	if (who->role == ROLE_ADMIN) {
		db_rows *r = NULL;
		json_t *by = json_array();
		if ((st = db_query(d, SQL_USERS_BY_ROLE, DB_NOARGS, &r, err))) {
			json_decref(by);
			json_decref(body);
			goto out;
		}
		while (db_next(r))
			json_array_append_new(by, json_pack("{s:s?, s:I}", "role", db_text(r, 0),
							    "count", (json_int_t)db_int(r, 1)));
		db_rows_free(r);
		json_object_set_new(body, "users_by_role", by);
	}
	*out = body;
out:
	json_decref(cards);
	return st;
}
