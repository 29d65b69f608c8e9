/*
 * offers.c - a network member's offers to card holders: what (title,
 * description), how much (benefit kind and value), for whom (person
 * categories; none = every card holder), how often one person may use it
 * (usage rule), with a companion or not, and between which dates.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "db/page.h"
#include "internal.h"
#include "lib/jsonw.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "modules/registry/people.h"

const struct vocab vocab_offer_rules[] = {
	{"once_per_day", "每人每天限一次"}, {"once_per_visit", "每次到店限一次"}, {"unlimited", "不限次数"}, {NULL, NULL},
};
const struct vocab vocab_benefit_kinds[] = {
	{"discount", "折扣"}, {"amount_off", "立减"}, {"free", "免费"}, {"priority", "优先服务"}, {"gift", "赠送"},
	{NULL, NULL},
};

static const char SQL_OFFER_INSERT[] =
	"INSERT INTO offers (org_id, title, description, benefit_kind, benefit_value, categories, usage_rule,"
	" companion_allowed, valid_from, valid_until, active, created_by, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id";
static const char SQL_OFFER_UPDATE[] =
	"UPDATE offers SET title = $2, description = $3, benefit_kind = $4, benefit_value = $5, categories = $6,"
	" usage_rule = $7, companion_allowed = $8, valid_from = $9, valid_until = $10, active = $11, updated_at = $12"
	" WHERE id = $1";
#define OFFER_COLUMNS \
	"SELECT f.id, f.org_id, o.name, f.title, f.description, f.benefit_kind, f.benefit_value, f.categories," \
	" f.usage_rule, f.companion_allowed, f.valid_from, f.valid_until, f.active, f.created_at, f.updated_at," \
	" o.region_code, COALESCE(m.status, '')" \
	" FROM offers f JOIN orgs o ON o.id = f.org_id LEFT JOIN merchant_profiles m ON m.org_id = f.org_id"
static const char SQL_OFFER_GET[] = OFFER_COLUMNS " WHERE f.id = $1";
/* $3: today (China) for active_only; both ends of the dates inclusive. */
static const char SQL_OFFERS[] = OFFER_COLUMNS
	" WHERE ($1 = 0 OR f.org_id = $1) AND o.region_code LIKE $2"
	" AND (CAST($3 AS TEXT) IS NULL OR (f.active = 1 AND m.status = 'member'"
	" AND (f.valid_from IS NULL OR f.valid_from <= $3) AND (f.valid_until IS NULL OR f.valid_until >= $3)))"
	" ORDER BY f.org_id, f.id LIMIT 500";

/* The offer's stored form, for create and update alike. */
struct offer_row {
	int64_t org_id;
	char title[OFFER_TITLE_MAX + 1];
	char *description;
	char benefit_kind[16];
	bool has_value;
	double benefit_value;
	char categories[256];
	char usage_rule[16];
	bool companion_allowed, active;
	char valid_from[11], valid_until[11];
};

static bool date_ok(const char *s)
{
	time_t t;
	return strlen(s) == 10 && time_parse_iso(s, &t);
}

/* The categories array as the comma list stored, each a person category code. */
static sy_status categories_in(json_t *a, char out[256], sy_err *err)
{
	size_t i, len = 0;
	json_t *c;
	out[0] = '\0';
	if (!json_is_array(a))
		return sy_failf(err, SY_EINVAL, "invalid_categories", "categories", "适用类别须为类别代码的数组",
				"categories is an array of category codes");
	json_array_foreach(a, i, c) {
		const char *code = person_category_parse(json_string_value(c));
		if (!code)
			return sy_failf(err, SY_EINVAL, "invalid_categories", "categories", "适用类别中有未知的人员类别",
					"categories holds an unknown person category");
		size_t n = strlen(code);
		if (len + n + 2 > 256)
			return sy_failf(err, SY_EINVAL, "invalid_categories", "categories", "适用类别过多", "too many categories");
		len += (size_t)snprintf(out + len, 256 - len, "%s%s", len ? "," : "", code);
	}
	return SY_OK;
}

/* Apply in over row, checking each field given. */
static sy_status apply_input(const struct offer_input *in, struct offer_row *row, sy_err *err)
{
	sy_status st;
	if (in->title) {
		if (!*in->title)
			return sy_failf(err, SY_EINVAL, "title_required", "title", "请填写优惠名称", "title is required");
		if ((st = merchants_check_text(in->title, OFFER_TITLE_MAX, "title", err)))
			return st;
		snprintf(row->title, sizeof row->title, "%s", in->title);
	}
	if (in->description) {
		if (strlen(in->description) > OFFER_DESC_MAX)
			return sy_failf(err, SY_EINVAL, "invalid_text", "description", "说明过长", "description is too long");
		row->description = (char *)in->description;
	}
	if (in->benefit_kind) {
		if (!vocab_has(vocab_benefit_kinds, in->benefit_kind))
			return sy_failf(err, SY_EINVAL, "invalid_benefit_kind", "benefit_kind",
					"优惠方式无效（discount、amount_off、free、priority、gift）",
					"benefit_kind is discount, amount_off, free, priority or gift");
		snprintf(row->benefit_kind, sizeof row->benefit_kind, "%s", in->benefit_kind);
	}
	if (in->has_value) {
		row->has_value = true;
		row->benefit_value = in->benefit_value;
	}
	if (in->categories && (st = categories_in(in->categories, row->categories, err)))
		return st;
	if (in->usage_rule) {
		if (!vocab_has(vocab_offer_rules, in->usage_rule))
			return sy_failf(err, SY_EINVAL, "invalid_usage_rule", "usage_rule",
					"使用规则无效（once_per_day、once_per_visit、unlimited）",
					"usage_rule is once_per_day, once_per_visit or unlimited");
		snprintf(row->usage_rule, sizeof row->usage_rule, "%s", in->usage_rule);
	}
	if (in->has_companion)
		row->companion_allowed = in->companion_allowed;
	if (in->has_active)
		row->active = in->active;
	const char *dates[2] = {in->valid_from, in->valid_until};
	char *slots[2] = {row->valid_from, row->valid_until};
	for (int i = 0; i < 2; i++) {
		if (!dates[i])
			continue;
		if (*dates[i] && !date_ok(dates[i]))
			return sy_failf(err, SY_EINVAL, "invalid_date", i ? "valid_until" : "valid_from",
					"日期格式应为 YYYY-MM-DD", "a date is YYYY-MM-DD");
		snprintf(slots[i], 11, "%s", dates[i]);
	}
	return SY_OK;
}

/* Rules across fields, checked on the result of every create and update. */
static sy_status check_row(const struct offer_row *row, sy_err *err)
{
	bool needs_value = strcmp(row->benefit_kind, "discount") == 0 || strcmp(row->benefit_kind, "amount_off") == 0;
	if (needs_value && !row->has_value)
		return sy_failf(err, SY_EINVAL, "benefit_value_required", "benefit_value",
				"折扣须填写折扣率（如 0.8 即八折），立减须填写金额", "a discount or amount off needs benefit_value");
	if (row->has_value && (!isfinite(row->benefit_value) || row->benefit_value <= 0 ||
			       (strcmp(row->benefit_kind, "discount") == 0 && row->benefit_value >= 1) ||
			       row->benefit_value > 1e7))
		return sy_failf(err, SY_EINVAL, "invalid_benefit_value", "benefit_value",
				"优惠值无效：折扣率在 0 与 1 之间，立减金额为正数",
				"benefit_value: a discount is between 0 and 1, an amount off positive");
	if (row->valid_from[0] && row->valid_until[0] && strcmp(row->valid_from, row->valid_until) > 0)
		return sy_failf(err, SY_EINVAL, "invalid_dates", "valid_until", "截止日期早于起始日期",
				"valid_until is before valid_from");
	return SY_OK;
}

static sy_status require_member(const struct org_ref *o, const struct offer_row *row, sy_err *err)
{
	if (row->active && strcmp(o->status, "member") != 0)
		return sy_failf(err, SY_ECONFLICT, "not_member", "active", "只有拥军商户网络成员才能发布有效的优惠",
				"only a member of the network may have an active offer");
	return SY_OK;
}

static json_t *offer_json(db_rows *r)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s, s:o, s:o, s:s, s:b, s:s?, s:s?, s:b, s:s, s:s, s:s}",
			      "id", (json_int_t)db_int(r, 0), "org_id", (json_int_t)db_int(r, 1), "org_name", db_text(r, 2),
			      "title", db_text(r, 3), "description", db_text(r, 4), "benefit_kind", db_text(r, 5),
			      "benefit_value", db_json_real(r, 6), "categories", json_array(), "usage_rule", db_text(r, 8),
			      "companion_allowed", db_bool(r, 9), "valid_from", db_text(r, 10), "valid_until",
			      db_text(r, 11), "active", db_bool(r, 12), "created_at", db_text(r, 13), "updated_at",
			      db_text(r, 14), "org_status", db_text(r, 16));
	if (!o)
		return NULL;
	json_t *cats = merchants_categories_json(db_text(r, 7));
	if (!cats || json_object_set_new(o, "categories", cats)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *merchants_categories_json(const char *list)
{
	json_t *cats = json_array();
	char code[64];
	for (const char *p = list; cats && text_list_next(&p, code, sizeof code);)
		if (json_array_append_new(cats, json_pack("{s:s, s:s}", "code", code, "label",
							  person_category_label(code, false)))) {
			json_decref(cats);
			cats = NULL;
		}
	return cats;
}

void merchants_categories_text(strbuf *sb, const char *list)
{
	char code[64];
	bool first = true;
	sb_putc(sb, '[');
	for (const char *p = list; text_list_next(&p, code, sizeof code); first = false) {
		sb_puts(sb, first ? "{\"code\":" : ",{\"code\":");
		jsonw_string(sb, code);
		sb_puts(sb, ",\"label\":");
		jsonw_string(sb, person_category_label(code, false));
		sb_putc(sb, '}');
	}
	sb_putc(sb, ']');
}

/* The stored offer and its org, if the caller may reach it as acc (404 offer_not_found otherwise). */
static sy_status offer_load(db *d, const struct principal *a, int64_t id, enum org_access acc, struct offer_row *row,
			    struct org_ref *o, json_t **shown, sy_err *err)
{
	db_rows *r = NULL;
	int64_t org = 0;
	sy_status st = db_query(d, SQL_OFFER_GET, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	if (db_next(r)) {
		org = db_int(r, 1);
		if (row) {
			memset(row, 0, sizeof *row);
			row->org_id = org;
			snprintf(row->title, sizeof row->title, "%s", db_text(r, 3));
			row->description = NULL; /* kept as stored unless given: see offers_update */
			snprintf(row->benefit_kind, sizeof row->benefit_kind, "%s", db_text(r, 5));
			row->has_value = !db_isnull(r, 6);
			row->benefit_value = db_double(r, 6);
			snprintf(row->categories, sizeof row->categories, "%s", db_text(r, 7));
			snprintf(row->usage_rule, sizeof row->usage_rule, "%s", db_text(r, 8));
			row->companion_allowed = db_bool(r, 9);
			snprintf(row->valid_from, sizeof row->valid_from, "%s", db_text(r, 10) ? db_text(r, 10) : "");
			snprintf(row->valid_until, sizeof row->valid_until, "%s", db_text(r, 11) ? db_text(r, 11) : "");
			row->active = db_bool(r, 12);
		}
		if (shown && !(*shown = offer_json(r)))
			st = merchants_oom(err);
	}
	db_rows_free(r);
	if (st)
		return st;
	st = org ? merchants_org_load(d, a, org, acc, o, err) : SY_ENOTFOUND;
	if (st && shown && *shown) {
		json_decref(*shown);
		*shown = NULL;
	}
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_ENOTFOUND, "offer_not_found", "offer_id", "优惠不存在或不在您的管辖范围内",
				"no such offer in your scope");
	return st;
}

static db_val text_or_null(const char *s)
{
	return DB_T(s && *s ? s : NULL);
}

static sy_status write_offer(db *d, const struct principal *a, int64_t id, const struct offer_row *row,
			     int64_t *new_id, sy_err *err)
{
	char now[TIME_ISO_LEN];
	time_now_iso(now);
	db_val value = row->has_value ? DB_D(row->benefit_value) : DB_NULL;
	if (id) {
		db_val args[] = {DB_I(id), DB_T(row->title), DB_T(row->description), DB_T(row->benefit_kind), value,
				 DB_T(row->categories), DB_T(row->usage_rule), DB_I(row->companion_allowed),
				 text_or_null(row->valid_from), text_or_null(row->valid_until), DB_I(row->active), DB_T(now)};
		return db_execp(d, SQL_OFFER_UPDATE, args, 12, NULL, err);
	}
	db_val args[] = {DB_I(row->org_id), DB_T(row->title), DB_T(row->description), DB_T(row->benefit_kind), value,
			 DB_T(row->categories), DB_T(row->usage_rule), DB_I(row->companion_allowed),
			 text_or_null(row->valid_from), text_or_null(row->valid_until), DB_I(row->active), DB_T(a->name),
			 DB_T(now)};
	return db_query_int(d, SQL_OFFER_INSERT, args, 13, new_id, err);
}

static sy_status create(db *d, const struct principal *a, const struct offer_input *in, int64_t *id, sy_err *err)
{
	struct offer_row row = {.active = true};
	struct org_ref o;
	sy_status st;
	row.org_id = in->org_id ? in->org_id : a->org_id;
	if (!row.org_id)
		return sy_failf(err, SY_EINVAL, "org_required", "org_id", "请指定商户", "org_id is required");
	if ((st = merchants_org_load(d, a, row.org_id, ACC_CLERK, &o, err)) || (st = apply_input(in, &row, err)))
		return st;
	if (!row.title[0])
		return sy_failf(err, SY_EINVAL, "title_required", "title", "请填写优惠名称", "title is required");
	if (!row.benefit_kind[0])
		return sy_failf(err, SY_EINVAL, "benefit_kind_required", "benefit_kind", "请选择优惠方式",
				"benefit_kind is required");
	if (!row.usage_rule[0])
		return sy_failf(err, SY_EINVAL, "usage_rule_required", "usage_rule", "请选择使用规则",
				"usage_rule is required");
	if ((st = check_row(&row, err)) || (st = require_member(&o, &row, err)) ||
	    (st = write_offer(d, a, 0, &row, id, err)))
		return st;
	return merchants_audit(d, a, "offer.create", "offer", *id, o.region,
			       json_pack("{s:I, s:s, s:s}", "org_id", (json_int_t)row.org_id, "title", row.title,
					 "usage_rule", row.usage_rule),
			       err);
}

sy_status offers_create(db *d, const struct principal *actor, const struct offer_input *in, int64_t *id,
			sy_err *err)
{
	bool own;
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	st = create(d, actor, in, id, err);
	return merchants_finish(d, own, st, err);
}

static sy_status update(db *d, const struct principal *a, int64_t id, const struct offer_input *in, sy_err *err)
{
	struct offer_row row;
	struct org_ref o;
	json_t *old = NULL;
	sy_status st;
	if ((st = offer_load(d, a, id, ACC_CLERK, &row, &o, &old, err)))
		return st;
	/* The description is the one long field: keep the stored one unless a new one is given. */
	row.description = (char *)json_string_value(json_object_get(old, "description"));
	if (!(st = apply_input(in, &row, err)) && !(st = check_row(&row, err)) && !(st = require_member(&o, &row, err)) &&
	    !(st = write_offer(d, a, id, &row, NULL, err)))
		st = merchants_audit(d, a, "offer.update", "offer", id, o.region,
				     json_pack("{s:s, s:s, s:b}", "title", row.title, "usage_rule", row.usage_rule, "active",
					       row.active),
				     err);
	json_decref(old);
	return st;
}

sy_status offers_update(db *d, const struct principal *actor, int64_t id, const struct offer_input *in, sy_err *err)
{
	bool own;
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	st = update(d, actor, id, in, err);
	return merchants_finish(d, own, st, err);
}

sy_status offers_get(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct org_ref o;
	*out = NULL;
	return offer_load(d, actor, id, ACC_READ, NULL, &o, out, err);
}

sy_status offers_list(db *d, const struct principal *actor, int64_t org, bool active_only, json_t **items,
		      sy_err *err)
{
	char like[REGION_CODE_MAX + 1], today[11];
	db_rows *r = NULL;
	sy_status st;
	*items = NULL;
	scope_region_like(actor, like);
	if (actor->role & ROLES_ORG) {
		if (org && org != actor->org_id)
			return sy_failf(err, SY_ENOTFOUND, "org_not_found", "org", "机构不存在或不在您的管辖范围内",
					"no such organisation in your scope");
		org = actor->org_id > 0 ? actor->org_id : -1;
		snprintf(like, sizeof like, "%%");
	}
	if (active_only)
		merchants_today(today);
	if ((st = db_query(d, SQL_OFFERS, DB_ARGS(DB_I(org), DB_T(like), DB_T(active_only ? today : NULL)), &r, err)))
		return st;
	if (!(*items = json_array()))
		st = merchants_oom(err);
	while (!st && db_next(r)) {
		json_t *o = offer_json(r);
		if (!o || json_array_append_new(*items, o))
			st = merchants_oom(err);
	}
	db_rows_free(r);
	if (st) {
		json_decref(*items);
		*items = NULL;
	}
	return st;
}

sy_status offers_for_use(db *d, const struct principal *actor, int64_t id, const char *today, struct offer_use *out,
			 sy_err *err)
{
	struct offer_row row;
	struct org_ref o;
	sy_status st = offer_load(d, actor, id, ACC_CLERK, &row, &o, NULL, err);
	if (st == SY_EFORBIDDEN) /* in sight but another org's: the same answer as absent */
		return sy_failf(err, SY_ENOTFOUND, "offer_not_found", "offer_id", "优惠不存在或不在您的管辖范围内",
				"no such offer in your scope");
	if (st)
		return st;
	if (!row.active || strcmp(o.status, "member") != 0)
		return sy_failf(err, SY_ECONFLICT, "offer_inactive", "offer_id", "该优惠已停用", "the offer is switched off");
	if ((row.valid_from[0] && strcmp(today, row.valid_from) < 0) ||
	    (row.valid_until[0] && strcmp(today, row.valid_until) > 0))
		return sy_failf(err, SY_ECONFLICT, "offer_not_current", "offer_id", "该优惠不在有效期内",
				"the offer is not valid today");
	memset(out, 0, sizeof *out);
	out->id = id;
	out->org_id = row.org_id;
	snprintf(out->region_code, sizeof out->region_code, "%s", o.region);
	snprintf(out->categories, sizeof out->categories, "%s", row.categories);
	snprintf(out->usage_rule, sizeof out->usage_rule, "%s", row.usage_rule);
	snprintf(out->title, sizeof out->title, "%s", row.title);
	out->companion_allowed = row.companion_allowed;
	return SY_OK;
}
