/*
 * orgs.c - organisations: the list, one organisation's page, creating and
 * changing them, their contacts, and association membership.
 */
#include "orgs.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "db/audit.h"
#include "db/page.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "vocab.h"


static const char SQL_ORGS[] =
	"SELECT o.id, o.name, o.type, o.region_code, r.name, o.address, o.lat, o.lon"
	" FROM orgs o JOIN regions r ON r.code = o.region_code"
	" WHERE o.id > $1 AND o.region_code LIKE $2"
	" AND (CAST($3 AS TEXT) IS NULL OR o.type = $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR o.name LIKE $4 ESCAPE '\\')"
	" AND ($5 = 0 OR o.id = $5)"
	" ORDER BY o.id LIMIT $6";
static const char SQL_REGION_EXISTS[] = "SELECT 1 FROM regions WHERE code = $1";
static const char SQL_ORG_SCOPE[] = "SELECT region_code, type FROM orgs WHERE id = $1";
static const char SQL_ORG_SAME_NAME[] =
	"SELECT id FROM orgs WHERE region_code = $1 AND name = $2 AND id <> $3";
static const char SQL_ORG_INSERT[] =
	"INSERT INTO orgs (name, type, region_code, address, lat, lon, phone, note, contact_name,"
	" contact_phone, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";
/* name, type, region: NULL keeps; the others: flag 1 sets (NULL clears), 0 keeps. */
static const char SQL_ORG_UPDATE[] =
	"UPDATE orgs SET name = COALESCE($2, name), type = COALESCE($3, type),"
	" region_code = COALESCE($4, region_code),"
	" address = CASE WHEN $5 = 1 THEN $6 ELSE address END,"
	" phone = CASE WHEN $7 = 1 THEN $8 ELSE phone END,"
	" note = CASE WHEN $9 = 1 THEN $10 ELSE note END,"
	" contact_name = CASE WHEN $11 = 1 THEN $12 ELSE contact_name END,"
	" contact_phone = CASE WHEN $13 = 1 THEN $14 ELSE contact_phone END,"
	" lat = CASE WHEN $15 = 1 THEN $16 ELSE lat END, lon = CASE WHEN $15 = 1 THEN $17 ELSE lon END,"
	" updated_at = $18 WHERE id = $1";
static const char SQL_ORG_NAME[] = "SELECT name FROM orgs WHERE id = $1";
static const char SQL_ORG_ACCOUNTS[] =
	"SELECT (SELECT COUNT(*) FROM users WHERE org_id = $1)"
	" + (SELECT COUNT(*) FROM api_tokens WHERE org_id = $1 AND revoked_at IS NULL)";
static const char SQL_ORG_GET[] =
	"SELECT o.id, o.name, o.type, o.region_code, r.name, o.address, o.lat, o.lon, o.phone, o.note,"
	" o.contact_name, o.contact_phone, o.created_at, o.updated_at"
	" FROM orgs o JOIN regions r ON r.code = o.region_code WHERE o.id = $1";
static const char SQL_CONTACTS[] =
	"SELECT id, name, title, phone, created_at FROM org_contacts WHERE org_id = $1 ORDER BY id";
static const char SQL_CONTACT_COUNT[] = "SELECT COUNT(*) FROM org_contacts WHERE org_id = $1";
static const char SQL_CONTACT_INSERT[] =
	"INSERT INTO org_contacts (org_id, name, title, phone, created_at) VALUES ($1, $2, $3, $4, $5)"
	" RETURNING id";
static const char SQL_CONTACT_NAME[] = "SELECT name FROM org_contacts WHERE id = $2 AND org_id = $1";
static const char SQL_CONTACT_DELETE[] = "DELETE FROM org_contacts WHERE id = $2 AND org_id = $1";
static const char SQL_MEMBERS[] =
	"SELECT o.id, o.name, o.type, o.region_code, r.name, m.joined_at FROM association_members m"
	" JOIN orgs o ON o.id = m.member_id JOIN regions r ON r.code = o.region_code"
	" WHERE m.association_id = $1 ORDER BY o.id LIMIT $2";
static const char SQL_MEMBER_COUNT[] =
	"SELECT COUNT(*) FROM association_members WHERE association_id = $1";
static const char SQL_MEMBERSHIPS[] =
	"SELECT o.id, o.name, o.type, o.region_code, r.name, m.joined_at FROM association_members m"
	" JOIN orgs o ON o.id = m.association_id JOIN regions r ON r.code = o.region_code"
	" WHERE m.member_id = $1 ORDER BY o.id";
static const char SQL_MEMBER_EXISTS[] =
	"SELECT 1 FROM association_members WHERE association_id = $1 AND member_id = $2";
static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO association_members (association_id, member_id, joined_at) VALUES ($1, $2, $3)";
static const char SQL_MEMBER_DELETE[] =
	"DELETE FROM association_members WHERE association_id = $1 AND member_id = $2";

bool org_type_valid(const char *type)
{
	return vocab_has(vocab_org_types, type);
}

bool registry_org_may_edit(const struct principal *actor)
{
	return actor->role == ROLE_ADMIN || actor->role == ROLE_OFFICER;
}

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

/* ---- the list ---------------------------------------------------------------- */

static json_t *org_row_json(db_rows *r)
{
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o}",
			 "id", (json_int_t)db_int(r, 0), "name", db_text(r, 1), "type", db_text(r, 2),
			 "region_code", db_text(r, 3), "region_name", db_text(r, 4),
			 "address", db_text(r, 5), "lat", db_json_real(r, 6), "lon", db_json_real(r, 7));
}

sy_status registry_orgs(db *d, const struct principal *reader, const struct org_filter *f,
			json_t **items, int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1], q[300];
	db_rows *r = NULL;
	sy_status st;
	*next = 0;
	if (f->region) {
		char prefix[REGION_CODE_MAX];
		if ((st = scope_require_region(reader, f->region, "region", err)))
			return st;
		region_prefix(f->region, prefix);
		snprintf(like, sizeof like, "%s%%", prefix);
	} else {
		scope_region_like(reader, like);
	}
	if (f->q && !text_like_contains(f->q, q, sizeof q))
		return sy_failf(err, SY_EINVAL, "too_long", "q", "搜索词过长", "search text too long");
	/* Organisation roles see only their own organisation, wherever it is. */
	int64_t only = (reader->role & ROLES_ORG) ? (reader->org_id ? reader->org_id : -1) : 0;
	if (only)
		snprintf(like, sizeof like, "%%");
	if ((st = db_query(d, SQL_ORGS,
			   DB_ARGS(DB_I(f->cursor), DB_T(like), DB_T(f->type), DB_T(f->q ? q : NULL),
				   DB_I(only), DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, org_row_json, items, next, err);
	db_rows_free(r);
	return st;
}

/* ---- scope and checks -------------------------------------------------------- */

/* May the actor read organisation id of region? The rule of the whole file. */
static bool org_visible(const struct principal *actor, int64_t id, const char *region)
{
	if (actor->role & ROLES_ORG)
		return actor->org_id > 0 && actor->org_id == id;
	if (actor->role == ROLE_PERSON)
		return false;
	return scope_region_allows(actor, region);
}

/*
 * The organisation's region and type if the actor may see it; SY_ENOTFOUND
 * (not 403) otherwise, so ids cannot be probed. field names the input that
 * carried the id (NULL for the path).
 */
static sy_status org_in_scope(db *d, const struct principal *actor, int64_t id, const char *field,
			      char region[REGION_CODE_MAX], char type[32], sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_ORG_SCOPE, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	bool ok = db_next(r) && org_visible(actor, id, db_text(r, 0));
	if (ok && region)
		snprintf(region, REGION_CODE_MAX, "%s", db_text(r, 0));
	if (ok && type)
		snprintf(type, 32, "%s", db_text(r, 1));
	db_rows_free(r);
	if (!ok)
		return sy_failf(err, SY_ENOTFOUND, "org_not_found", field, "机构不存在或不在您的管辖范围内",
				"no such organisation in your scope");
	return SY_OK;
}

static sy_status require_editor(const struct principal *actor, sy_err *err)
{
	if (registry_org_may_edit(actor))
		return SY_OK;
	return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权修改机构信息",
			"your role may not change organisations");
}

/* An input field: its name in the API, and what to call it in a message. */
struct label {
	const char *field, *zh, *en;
};
static const struct label L_NAME = {"name", "名称", "name"}, L_TYPE = {"type", "类型", "type"},
			  L_REGION = {"region_code", "所在地区", "region_code"},
			  L_ADDRESS = {"address", "地址", "address"}, L_NOTE = {"note", "备注", "note"},
			  L_CONTACT = {"contact_name", "联系人", "contact_name"},
			  L_CONTACT_NAME = {"name", "联系人姓名", "name"}, L_TITLE = {"title", "职务", "title"};

/* A 400 naming the field; the formats take the label, then max. */
static sy_status bad_field(sy_err *err, const char *code, const struct label *l, const char *zh_fmt,
			   const char *en_fmt, size_t max)
{
	char zh[sizeof err->msg_zh], en[sizeof err->msg_en];
	snprintf(zh, sizeof zh, zh_fmt, l->zh, max);
	snprintf(en, sizeof en, en_fmt, l->en, max);
	return sy_failf(err, SY_EINVAL, code, l->field, zh, en);
}

/* Text of at most max characters, on one line; when required, not blank. */
static sy_status check_chars(const char *s, const struct label *l, size_t max, bool required, sy_err *err)
{
	if (s && !text_valid_utf8_line(s))
		return bad_field(err, "invalid_text", l, "%s含有控制字符或无效字符",
				 "%s contains control or invalid characters", 0);
	if (!s || strspn(s, " \t") == strlen(s))
		return required ? bad_field(err, "required", l, "请填写%s", "%s is required", 0) : SY_OK;
	if (text_utf8_chars(s) > max)
		return bad_field(err, "too_long", l, "%s过长（最多 %zu 个字）",
				 "%s is too long (at most %zu characters)", max);
	return SY_OK;
}

static sy_status check_phone(const char *p, const char *field, sy_err *err)
{
	if (p && !text_phone_valid(p))
		return sy_failf(err, SY_EINVAL, "invalid_phone", field,
				"电话号码应为11位手机号或带区号的固话", "phone must be an 11-digit mobile or a landline with area code");
	return SY_OK;
}

/* name, type, region_code: required to create; a change may leave them out but not clear them. */
static sy_status check_kept(const struct org_field *f, const struct label *l, bool creating, sy_err *err)
{
	if (creating && !f->value)
		return bad_field(err, "required", l, "请填写%s", "%s is required", 0);
	if (!creating && f->set && !f->value)
		return bad_field(err, "required", l, "%s不能清空", "%s cannot be cleared", 0);
	return SY_OK;
}

static sy_status check_region(db *d, const struct principal *actor, const char *code, sy_err *err)
{
	int64_t one;
	sy_status st = SY_ENOTFOUND;
	if (strlen(code) < REGION_CODE_MAX)
		st = db_query_int(d, SQL_REGION_EXISTS, DB_ARGS(DB_T(code)), &one, err);
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_EINVAL, "invalid_region", "region_code", "地区代码无效", "unknown region code");
	return st ? st : scope_require_region(actor, code, "region_code", err);
}

/* Every field of a create or change; errors name the field. */
sy_status registry_org_validate(db *d, const struct principal *actor, const struct org_input *in,
			      bool creating, sy_err *err)
{
	sy_status st;
	if ((st = check_kept(&in->name, &L_NAME, creating, err)) ||
	    (st = check_kept(&in->type, &L_TYPE, creating, err)) ||
	    (st = check_kept(&in->region_code, &L_REGION, creating, err)) ||
	    (st = check_chars(in->name.value, &L_NAME, ORG_NAME_CHARS, in->name.value != NULL, err)))
		return st;
	if (in->type.value && !org_type_valid(in->type.value))
		return sy_failf(err, SY_EINVAL, "invalid_org_type", "type",
				"机构类型无效（部队、部门、商户、协会、医院、银行、学校、用人单位、培训基地、军供站）",
				"type must be unit, department, merchant, association, hospital, bank, school,"
				" employer, training_base or supply_station");
	if (in->region_code.value && (st = check_region(d, actor, in->region_code.value, err)))
		return st;
	if ((st = check_chars(in->address.value, &L_ADDRESS, ORG_ADDRESS_CHARS, false, err)) ||
	    (st = check_phone(in->phone.value, "phone", err)) ||
	    (st = check_chars(in->contact_name.value, &L_CONTACT, ORG_CONTACT_CHARS, false, err)) ||
	    (st = check_phone(in->contact_phone.value, "contact_phone", err)) ||
	    (st = check_chars(in->note.value, &L_NOTE, ORG_NOTE_CHARS, false, err)))
		return st;
	if (in->coords_set && in->has_coords && (in->lat < 3.0 || in->lat > 54.0))
		return sy_failf(err, SY_EINVAL, "invalid_coordinates", "lat", "纬度不在中国境内（3–54）",
				"latitude is outside China (3–54)");
	if (in->coords_set && in->has_coords && (in->lon < 73.0 || in->lon > 136.0))
		return sy_failf(err, SY_EINVAL, "invalid_coordinates", "lon", "经度不在中国境内（73–136）",
				"longitude is outside China (73–136)");
	return SY_OK;
}

/* Two organisations of one name in one region are one organisation entered twice. */
sy_status registry_org_find_by_name(db *d, const char *region, const char *name, int64_t *id, sy_err *err)
{
	return db_query_int(d, SQL_ORG_SAME_NAME, DB_ARGS(DB_T(region), DB_T(name), DB_I(0)), id, err);
}

static sy_status check_unique_name(db *d, const char *region, const char *name, int64_t self, sy_err *err)
{
	int64_t other;
	sy_status st = db_query_int(d, SQL_ORG_SAME_NAME, DB_ARGS(DB_T(region), DB_T(name), DB_I(self)),
				    &other, err);
	if (st == SY_ENOTFOUND)
		return SY_OK;
	if (st)
		return st;
	return sy_failf(err, SY_ECONFLICT, "org_exists", "name", "该地区已有同名机构",
			"an organisation of this name already exists in this region");
}

static sy_status audit_org(db *d, const struct principal *actor, const char *action, int64_t id,
			   const char *region, json_t *detail, sy_err *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	struct audit_event ev = {.action = action, .object_type = "org", .object_id = oid,
				 .region_code = region, .detail = detail};
	sy_status st = detail ? audit_write(d, actor, &ev, err) : oom(err);
	json_decref(detail);
	return st;
}

/* ---- create and change ------------------------------------------------------- */

sy_status registry_org_create(db *d, const struct principal *actor, const struct org_input *in,
			      int64_t *id, sy_err *err)
{
	char now[TIME_ISO_LEN];
	bool own;
	sy_status st;
	if ((st = require_editor(actor, err)) || (st = registry_org_validate(d, actor, in, true, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = check_unique_name(d, in->region_code.value, in->name.value, 0, err)))
		goto out;
	time_now_iso(now);
	bool located = in->coords_set && in->has_coords;
	if ((st = db_query_int(d, SQL_ORG_INSERT,
			       DB_ARGS(DB_T(in->name.value), DB_T(in->type.value), DB_T(in->region_code.value),
				       DB_T(in->address.value), located ? DB_D(in->lat) : DB_NULL,
				       located ? DB_D(in->lon) : DB_NULL, DB_T(in->phone.value),
				       DB_T(in->note.value), DB_T(in->contact_name.value),
				       DB_T(in->contact_phone.value), DB_T(now)),
			       id, err)))
		goto out;
	st = audit_org(d, actor, "org.create", *id, in->region_code.value,
		       json_pack("{s:s, s:s, s:s}", "name", in->name.value, "type", in->type.value,
				 "region_code", in->region_code.value), err);
out:
	return db_tx_finish(d, own, st, err);
}

/* What a type change would break: accounts that need the old type, an association's members. */
static sy_status check_type_change(db *d, int64_t id, const char *old_type, sy_err *err)
{
	int64_t n = 0;
	sy_status st = db_query_int(d, SQL_ORG_ACCOUNTS, DB_ARGS(DB_I(id)), &n, err);
	if (st)
		return st;
	if (n > 0)
		return sy_failf(err, SY_ECONFLICT, "org_has_accounts", "type",
				"该机构有所属用户或接口令牌，其角色要求现有类型，不能更改类型",
				"users or API tokens belong to this organisation and their role needs its type");
	if (strcmp(old_type, "association") != 0)
		return SY_OK;
	if ((st = db_query_int(d, SQL_MEMBER_COUNT, DB_ARGS(DB_I(id)), &n, err)))
		return st;
	if (n > 0)
		return sy_failf(err, SY_ECONFLICT, "association_has_members", "type",
				"该协会还有会员单位，请先移除会员再更改类型",
				"this association still has members; remove them before changing its type");
	return SY_OK;
}

/* A field set in the change: "address": "…" (or null) in the audit row. */
static void note_field(json_t *detail, const char *key, const struct org_field *f)
{
	if (f->set)
		json_object_set_new(detail, key, f->value ? json_string(f->value) : json_null());
}

/* Who to tell when an organisation's place changes (registry_org_on_place_change). */
static void (*place_changed)(void);

sy_status registry_org_update(db *d, const struct principal *actor, int64_t id,
			      const struct org_input *in, sy_err *err)
{
	char region[REGION_CODE_MAX], type[32], now[TIME_ISO_LEN];
	bool own;
	sy_status st;
	if ((st = require_editor(actor, err)) || (st = registry_org_validate(d, actor, in, false, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = org_in_scope(d, actor, id, NULL, region, type, err)))
		goto out;
	const char *new_region = in->region_code.value ? in->region_code.value : region;
	if (in->type.value && strcmp(in->type.value, type) != 0 && (st = check_type_change(d, id, type, err)))
		goto out;
	if (in->name.value || in->region_code.value) {
		/* the name as it will be, in the region as it will be */
		const char *name = in->name.value;
		db_rows *r = NULL;
		if (!name) {
			if ((st = db_query(d, SQL_ORG_NAME, DB_ARGS(DB_I(id)), &r, err)))
				goto out;
			st = db_next(r) ? check_unique_name(d, new_region, db_text(r, 0), id, err) : SY_OK;
			db_rows_free(r);
		} else {
			st = check_unique_name(d, new_region, name, id, err);
		}
		if (st)
			goto out;
	}
	time_now_iso(now);
	bool located = in->coords_set && in->has_coords;
	if ((st = db_execp(d, SQL_ORG_UPDATE,
			   DB_ARGS(DB_I(id), DB_T(in->name.value), DB_T(in->type.value),
				   DB_T(in->region_code.value),
				   DB_I(in->address.set), DB_T(in->address.value),
				   DB_I(in->phone.set), DB_T(in->phone.value),
				   DB_I(in->note.set), DB_T(in->note.value),
				   DB_I(in->contact_name.set), DB_T(in->contact_name.value),
				   DB_I(in->contact_phone.set), DB_T(in->contact_phone.value),
				   DB_I(in->coords_set), located ? DB_D(in->lat) : DB_NULL,
				   located ? DB_D(in->lon) : DB_NULL, DB_T(now)),
			   NULL, err)))
		goto out;
	json_t *detail = json_object();
	if (detail) {
		note_field(detail, "name", &in->name);
		note_field(detail, "type", &in->type);
		note_field(detail, "region_code", &in->region_code);
		note_field(detail, "address", &in->address);
		note_field(detail, "note", &in->note);
		note_field(detail, "contact_name", &in->contact_name);
		/* phones are said to have changed, not written into the log */
		if (in->phone.set)
			json_object_set_new(detail, "phone_changed", json_true());
		if (in->contact_phone.set)
			json_object_set_new(detail, "contact_phone_changed", json_true());
		if (in->coords_set)
			json_object_set_new(detail, "coordinates", located ? json_pack("[f, f]", in->lat, in->lon)
									: json_null());
	}
	st = audit_org(d, actor, "org.update", id, new_region, detail, err);
out:
	st = db_tx_finish(d, own, st, err);
	if (!st && place_changed && (in->name.set || in->region_code.set || in->address.set || in->coords_set))
		place_changed();
	return st;
}

void registry_org_on_place_change(void (*changed)(void))
{
	place_changed = changed;
}

/* ---- one organisation's page ------------------------------------------------- */

static sy_status load_contacts(db *d, int64_t id, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CONTACTS, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	while (db_next(r))
		json_array_append_new(out, json_pack("{s:I, s:s?, s:s?, s:s?, s:s?}", "id", (json_int_t)db_int(r, 0),
						     "name", db_text(r, 1), "title", db_text(r, 2),
						     "phone", db_text(r, 3), "created_at", db_text(r, 4)));
	db_rows_free(r);
	return SY_OK;
}

/* Members of an association, or the associations of an organisation: the same shape. */
static sy_status load_related(db *d, const struct principal *actor, const char *sql, const db_val *args,
			      int nargs, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, sql, args, nargs, &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		int64_t oid = db_int(r, 0);
		json_array_append_new(out, json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}",
			"id", (json_int_t)oid, "name", db_text(r, 1), "type", db_text(r, 2),
			"region_code", db_text(r, 3), "region_name", db_text(r, 4), "joined_at", db_text(r, 5),
			"in_scope", org_visible(actor, oid, db_text(r, 3))));
	}
	db_rows_free(r);
	return SY_OK;
}

sy_status registry_org_get(db *d, const struct principal *actor, int64_t id, json_t **out,
			   sy_err *err)
{
	db_rows *r = NULL;
	json_t *o = NULL;
	int64_t total = 0;
	sy_status st;
	if ((st = org_in_scope(d, actor, id, NULL, NULL, NULL, err)) ||
	    (st = db_query(d, SQL_ORG_GET, DB_ARGS(DB_I(id)), &r, err)))
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return sy_failf(err, SY_ENOTFOUND, "org_not_found", NULL, "机构不存在", "no such organisation");
	}
	bool association = strcmp(db_text(r, 2), "association") == 0;
	o = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}",
		      "id", (json_int_t)db_int(r, 0), "name", db_text(r, 1), "type", db_text(r, 2),
		      "region_code", db_text(r, 3), "region_name", db_text(r, 4), "address", db_text(r, 5),
		      "lat", db_json_real(r, 6), "lon", db_json_real(r, 7), "phone", db_text(r, 8),
		      "note", db_text(r, 9), "contact_name", db_text(r, 10), "contact_phone", db_text(r, 11),
		      "created_at", db_text(r, 12), "updated_at", db_text(r, 13),
		      "may_edit", registry_org_may_edit(actor));
	db_rows_free(r);
	if (!o)
		return oom(err);
	json_t *contacts = json_array(), *members = json_array(), *assocs = json_array();
	json_object_set_new(o, "contacts", contacts);
	json_object_set_new(o, "members", members);
	json_object_set_new(o, "associations", assocs);
	if ((st = load_contacts(d, id, contacts, err)) ||
	    (association && (st = db_query_int(d, SQL_MEMBER_COUNT, DB_ARGS(DB_I(id)), &total, err))) ||
	    (association && (st = load_related(d, actor, SQL_MEMBERS, DB_ARGS(DB_I(id), DB_I(ORG_MEMBERS_SHOWN)),
					       members, err))) ||
	    (st = load_related(d, actor, SQL_MEMBERSHIPS, DB_ARGS(DB_I(id)), assocs, err))) {
		json_decref(o);
		return st;
	}
	json_object_set_new(o, "members_total", json_integer(total));
	*out = o;
	return SY_OK;
}

/* ---- contacts ---------------------------------------------------------------- */

sy_status registry_org_contact_add(db *d, const struct principal *actor, int64_t org_id,
				   const struct org_contact_input *in, int64_t *id, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN];
	int64_t n = 0;
	bool own;
	sy_status st;
	if ((st = require_editor(actor, err)) ||
	    (st = check_chars(in->name, &L_CONTACT_NAME, ORG_CONTACT_CHARS, true, err)) ||
	    (st = check_chars(in->title, &L_TITLE, ORG_CONTACT_CHARS, false, err)) ||
	    (st = check_phone(in->phone, "phone", err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = org_in_scope(d, actor, org_id, NULL, region, NULL, err)) ||
	    (st = db_query_int(d, SQL_CONTACT_COUNT, DB_ARGS(DB_I(org_id)), &n, err)))
		goto out;
	if (n >= ORG_CONTACTS_MAX) {
		st = sy_fail(err, SY_ECONFLICT, "too_many_contacts", NULL, "每个机构最多登记 %d 位联系人",
			     "an organisation has at most %d contacts", ORG_CONTACTS_MAX);
		goto out;
	}
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_CONTACT_INSERT,
			       DB_ARGS(DB_I(org_id), DB_T(in->name), DB_T(in->title), DB_T(in->phone), DB_T(now)),
			       id, err)))
		goto out;
	st = audit_org(d, actor, "org.contact_add", org_id, region,
		       json_pack("{s:I, s:s, s:s?}", "contact_id", (json_int_t)*id, "name", in->name,
				 "title", in->title), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_org_contact_remove(db *d, const struct principal *actor, int64_t org_id,
				      int64_t contact_id, sy_err *err)
{
	char region[REGION_CODE_MAX], name[4 * ORG_CONTACT_CHARS + 1] = "";
	db_rows *r = NULL;
	bool own, found;
	sy_status st;
	if ((st = require_editor(actor, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = org_in_scope(d, actor, org_id, NULL, region, NULL, err)) ||
	    (st = db_query(d, SQL_CONTACT_NAME, DB_ARGS(DB_I(org_id), DB_I(contact_id)), &r, err)))
		goto out;
	found = db_next(r);
	if (found)
		snprintf(name, sizeof name, "%s", db_text(r, 0));
	db_rows_free(r);
	if (!found) {
		st = sy_failf(err, SY_ENOTFOUND, "contact_not_found", "cid", "该机构没有这位联系人",
			      "no such contact for this organisation");
		goto out;
	}
	if ((st = db_execp(d, SQL_CONTACT_DELETE, DB_ARGS(DB_I(org_id), DB_I(contact_id)), NULL, err)))
		goto out;
	st = audit_org(d, actor, "org.contact_remove", org_id, region,
		       json_pack("{s:I, s:s}", "contact_id", (json_int_t)contact_id, "name", name), err);
out:
	return db_tx_finish(d, own, st, err);
}

/* ---- association membership -------------------------------------------------- */

/* The association, writable by the actor and of type association. */
static sy_status association_in_scope(db *d, const struct principal *actor, int64_t id,
				      char region[REGION_CODE_MAX], sy_err *err)
{
	char type[32];
	sy_status st = org_in_scope(d, actor, id, NULL, region, type, err);
	if (st)
		return st;
	if (strcmp(type, "association") != 0)
		return sy_failf(err, SY_EINVAL, "not_an_association", "id", "该机构不是协会，不能有会员单位",
				"this organisation is not an association and has no members");
	return SY_OK;
}

sy_status registry_org_member_add(db *d, const struct principal *actor, int64_t association_id,
				  int64_t member_id, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN];
	int64_t one;
	bool own;
	sy_status st;
	if ((st = require_editor(actor, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = association_in_scope(d, actor, association_id, region, err)))
		goto out;
	if (member_id == association_id) {
		st = sy_failf(err, SY_EINVAL, "self_member", "member_id", "协会不能是自己的会员",
			      "an association cannot be its own member");
		goto out;
	}
	if ((st = org_in_scope(d, actor, member_id, "member_id", NULL, NULL, err)))
		goto out;
	st = db_query_int(d, SQL_MEMBER_EXISTS, DB_ARGS(DB_I(association_id), DB_I(member_id)), &one, err);
	if (st == SY_OK) {
		st = sy_failf(err, SY_ECONFLICT, "already_member", "member_id", "该单位已是本协会会员",
			      "this organisation is already a member");
		goto out;
	}
	if (st != SY_ENOTFOUND)
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_MEMBER_INSERT, DB_ARGS(DB_I(association_id), DB_I(member_id), DB_T(now)),
			   NULL, err)))
		goto out;
	st = audit_org(d, actor, "org.member_add", association_id, region,
		       json_pack("{s:I}", "member_id", (json_int_t)member_id), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_org_member_remove(db *d, const struct principal *actor, int64_t association_id,
				     int64_t member_id, sy_err *err)
{
	char region[REGION_CODE_MAX];
	int64_t changed = 0;
	bool own;
	sy_status st;
	if ((st = require_editor(actor, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = association_in_scope(d, actor, association_id, region, err)) ||
	    (st = db_execp(d, SQL_MEMBER_DELETE, DB_ARGS(DB_I(association_id), DB_I(member_id)), &changed, err)))
		goto out;
	if (!changed) {
		st = sy_failf(err, SY_ENOTFOUND, "member_not_found", "mid", "该单位不是本协会会员",
			      "this organisation is not a member");
		goto out;
	}
	st = audit_org(d, actor, "org.member_remove", association_id, region,
		       json_pack("{s:I}", "member_id", (json_int_t)member_id), err);
out:
	return db_tx_finish(d, own, st, err);
}
