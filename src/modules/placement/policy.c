/* policy.c - 阳光安置 policy tables in the database (see placement.h, sql/014_placement.sql). */
#include "placement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "lib/timeutil.h"

static const char SQL_POLICY_BY_CODE[] =
	"SELECT id, code, name_zh, name_en, effective_from, effective_to FROM placement_policies WHERE code = $1";
/* Open ends compare as the smallest and largest dates; the latest start wins an overlap. */
static const char SQL_POLICY_FOR_DATE[] =
	"SELECT id, code, name_zh, name_en, effective_from, effective_to FROM placement_policies"
	" WHERE (effective_from IS NULL OR effective_from <= $1) AND (effective_to IS NULL OR effective_to >= $1)"
	" ORDER BY COALESCE(effective_from, '') DESC, id DESC LIMIT 1";
static const char SQL_ITEMS[] =
	"SELECT code, group_code, label_zh, label_en, unit, value_milli, updated_by, updated_at"
	" FROM placement_policy_items WHERE policy_id = $1 ORDER BY sort, id";
static const char SQL_POLICY_LIST[] =
	"SELECT p.code, p.name_zh, p.name_en, p.effective_from, p.effective_to, COUNT(i.id),"
	" SUM(CASE WHEN i.id IS NOT NULL AND i.value_milli IS NULL THEN 1 ELSE 0 END)"
	" FROM placement_policies p LEFT JOIN placement_policy_items i ON i.policy_id = p.id"
	" GROUP BY p.id, p.code, p.name_zh, p.name_en, p.effective_from, p.effective_to"
	" ORDER BY COALESCE(p.effective_from, '') DESC, p.id DESC";
static const char SQL_ITEM_FOR_UPDATE[] =
	"SELECT i.id, i.unit, i.value_milli FROM placement_policy_items i JOIN placement_policies p ON p.id = i.policy_id"
	" WHERE p.code = $1 AND i.code = $2";
static const char SQL_ITEM_SET[] =
	"UPDATE placement_policy_items SET value_milli = $2, updated_by = $3, updated_at = $4 WHERE id = $1";
static const char SQL_POLICY_TOUCH[] = "UPDATE placement_policies SET updated_at = $2 WHERE code = $1";

/* Points an item may be worth at most: far above any real value, low enough to catch a typo. */
#define MAX_POINTS_MILLI (1000 * PL_MILLI)

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

void policy_free(struct pl_policy *p)
{
	free(p->items);
	p->items = NULL;
	p->nitems = 0;
}

static sy_status load_items(db *d, struct pl_policy *p, sy_err *err)
{
	db_rows *rows = NULL;
	sy_status st = db_query(d, SQL_ITEMS, DB_ARGS(DB_I(p->id)), &rows, err);
	int cap = 0;
	while (!st && db_next(rows)) {
		if (p->nitems == cap) {
			cap = cap ? cap * 2 : 64;
			struct pl_policy_item *grown = realloc(p->items, (size_t)cap * sizeof *grown);
			if (!grown) {
				st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
				break;
			}
			p->items = grown;
		}
		struct pl_policy_item *it = &p->items[p->nitems++];
		memset(it, 0, sizeof *it);
		copy(it->code, sizeof it->code, db_text(rows, 0));
		copy(it->group, sizeof it->group, db_text(rows, 1));
		copy(it->label_zh, sizeof it->label_zh, db_text(rows, 2));
		copy(it->label_en, sizeof it->label_en, db_text(rows, 3));
		copy(it->unit, sizeof it->unit, db_text(rows, 4));
		it->set = !db_isnull(rows, 5);
		it->value_milli = db_int(rows, 5);
		copy(it->updated_by, sizeof it->updated_by, db_text(rows, 6));
		copy(it->updated_at, sizeof it->updated_at, db_text(rows, 7));
		if (!it->set)
			p->nunset++;
	}
	db_rows_free(rows);
	return st;
}

/* The policy row chosen by sql with one text argument, then its items. */
static sy_status load_policy(db *d, const char *sql, const char *arg, struct pl_policy *out, bool *found,
			     sy_err *err)
{
	db_rows *rows = NULL;
	memset(out, 0, sizeof *out);
	*found = false;
	sy_status st = db_query(d, sql, DB_ARGS(DB_T(arg)), &rows, err);
	if (!st && db_next(rows)) {
		*found = true;
		out->id = db_int(rows, 0);
		copy(out->code, sizeof out->code, db_text(rows, 1));
		copy(out->name_zh, sizeof out->name_zh, db_text(rows, 2));
		copy(out->name_en, sizeof out->name_en, db_text(rows, 3));
		copy(out->effective_from, sizeof out->effective_from, db_text(rows, 4));
		copy(out->effective_to, sizeof out->effective_to, db_text(rows, 5));
	}
	db_rows_free(rows);
	if (!st && *found && (st = load_items(d, out, err)))
		policy_free(out);
	return st;
}

sy_status policy_get(db *d, const char *code, struct pl_policy *out, sy_err *err)
{
	bool found;
	sy_status st = load_policy(d, SQL_POLICY_BY_CODE, code ? code : "", out, &found, err);
	if (!st && !found)
		return sy_fail(err, SY_ENOTFOUND, "policy_not_found", "policy", "评分表 %s 不存在",
			       "no policy table %s", code ? code : "");
	return st;
}

sy_status policy_for_discharge(db *d, const char *date, struct pl_policy *out, sy_err *err)
{
	time_t t;
	bool found;
	if (!date || strlen(date) != 10 || !time_parse_iso(date, &t))
		return sy_failf(err, SY_EINVAL, "invalid_date", "discharge_date", "退役日期须为 YYYY-MM-DD",
				"the discharge date must be YYYY-MM-DD");
	sy_status st = load_policy(d, SQL_POLICY_FOR_DATE, date, out, &found, err);
	if (!st && !found)
		return sy_fail(err, SY_ENOTFOUND, "no_policy_for_date", "discharge_date",
			       "没有适用于 %s 退役人员的评分表", "no policy table applies to discharges on %s", date);
	return st;
}

sy_status policy_list(db *d, json_t **out, sy_err *err)
{
	db_rows *rows = NULL;
	json_t *arr = json_array();
	sy_status st = arr ? db_query(d, SQL_POLICY_LIST, DB_NOARGS, &rows, err)
			   : sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	while (!st && db_next(rows)) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:I, s:I}", "code", db_text(rows, 0), "name_zh",
				      db_text(rows, 1), "name_en", db_text(rows, 2), "effective_from", db_text(rows, 3),
				      "effective_to", db_text(rows, 4), "items", (json_int_t)db_int(rows, 5), "unset",
				      (json_int_t)db_int(rows, 6));
		if (!o || json_array_append_new(arr, o))
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	db_rows_free(rows);
	if (st)
		json_decref(arr);
	else
		*out = arr;
	return st;
}

json_t *policy_to_json(const struct pl_policy *p)
{
	json_t *items = json_array();
	char v[32];
	for (int i = 0; items && i < p->nitems; i++) {
		const struct pl_policy_item *it = &p->items[i];
		pl_format_milli(it->value_milli, v);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:s?}", "code", it->code,
						       "group", it->group, "label_zh", it->label_zh, "label_en",
						       it->label_en, "unit", it->unit, "value",
						       it->set ? json_string(v) : json_null(), "updated_by",
						       it->updated_by[0] ? it->updated_by : NULL, "updated_at",
						       it->updated_at[0] ? it->updated_at : NULL));
	}
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:i, s:o}", "code", p->code, "name_zh", p->name_zh, "name_en",
			 p->name_en, "effective_from", p->effective_from[0] ? p->effective_from : NULL, "effective_to",
			 p->effective_to[0] ? p->effective_to : NULL, "unset", p->nunset, "items", items);
}

sy_status policy_compile(const struct pl_policy *p, struct pl_rates *out, sy_err *err)
{
	pl_rates_init(out, p->code);
	for (int i = 0; i < p->nitems; i++) {
		int item = pl_item_by_code(p->items[i].code);
		if (item < 0)
			return sy_fail(err, SY_EINVAL, "unknown_policy_item", "code", "评分表 %s 含未知项目 %s",
				       "policy table %s has an unknown item %s", p->code, p->items[i].code);
		pl_rates_put(out, item, p->items[i].set, p->items[i].value_milli);
	}
	return SY_OK;
}

/* The value typed for an item of this unit, in thousandths; SY_EINVAL naming "value". */
static sy_status check_value(const char *unit, const char *text, int64_t *v, sy_err *err)
{
	if (!pl_parse_milli(text, 2, v) || *v < 0)
		return sy_failf(err, SY_EINVAL, "invalid_value", "value", "分值须为不小于 0、最多两位小数的数",
				"the value must be a number ≥ 0 with at most two decimals");
	if (strcmp(unit, "years") == 0 && (*v % PL_MILLI != 0 || *v < PL_MILLI || *v > 50 * PL_MILLI))
		return sy_failf(err, SY_EINVAL, "invalid_value", "value", "年限须为 1–50 的整数",
				"a number of years must be a whole number 1–50");
	if (strcmp(unit, "year_fraction") == 0 && *v != PL_MILLI / 2 && *v != PL_MILLI)
		return sy_failf(err, SY_EINVAL, "invalid_value", "value", "须为 0.5（半年）或 1（一年）",
				"must be 0.5 (half a year) or 1 (a year)");
	if (*v > MAX_POINTS_MILLI)
		return sy_failf(err, SY_EINVAL, "invalid_value", "value", "分值不得超过 1000", "a value may not exceed 1000");
	return SY_OK;
}

sy_status policy_set_item(db *d, const struct principal *actor, const char *policy_code, const char *item_code,
			  const char *value, sy_err *err)
{
	db_rows *rows = NULL;
	int64_t id = 0, v = 0, before = 0;
	bool had = false, own = false;
	char unit[24] = "", now[TIME_ISO_LEN];
	sy_status st;
	if (!actor || actor->role != ROLE_ADMIN)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "只有管理员可以修改评分表",
				"only an admin may change a policy table");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = db_query(d, SQL_ITEM_FOR_UPDATE, DB_ARGS(DB_T(policy_code), DB_T(item_code)), &rows, err)))
		goto out;
	if (db_next(rows)) {
		id = db_int(rows, 0);
		copy(unit, sizeof unit, db_text(rows, 1));
		had = !db_isnull(rows, 2);
		before = db_int(rows, 2);
	}
	db_rows_free(rows);
	rows = NULL;
	if (!id) {
		st = sy_fail(err, SY_ENOTFOUND, "policy_item_not_found", "item", "评分表 %s 没有项目 %s",
			     "policy table %s has no item %s", policy_code ? policy_code : "", item_code ? item_code : "");
		goto out;
	}
	if (value && (st = check_value(unit, value, &v, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_ITEM_SET, DB_ARGS(DB_I(id), value ? DB_I(v) : DB_NULL, DB_T(actor->name), DB_T(now)),
			   NULL, err)) ||
	    (st = db_execp(d, SQL_POLICY_TOUCH, DB_ARGS(DB_T(policy_code), DB_T(now)), NULL, err)))
		goto out;
	char b[32], a[32];
	pl_format_milli(before, b);
	pl_format_milli(v, a);
	struct audit_event ev = {.action = "placement.policy_item", .object_type = "placement_policy",
				 .object_id = policy_code};
	ev.detail = json_pack("{s:s, s:o, s:o}", "item", item_code, "before", had ? json_string(b) : json_null(),
			      "after", value ? json_string(a) : json_null());
	st = ev.detail ? audit_write(d, actor, &ev, err)
		       : sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	json_decref(ev.detail);
out:
	db_rows_free(rows);
	return db_tx_finish(d, own, st, err);
}
