/*
 * people.c - the people registry's rules and SQL.
 */
#include "people.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "db/page.h"
#include "lib/idcard.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "vocab.h"

static const char *const statuses[] = {
	"normal", "deceased", "moved_away",
	/* the legal states that bar a 优待证 */
	"expelled", "deprived_rights", "serving_sentence", "in_custody", "wanted",
};

static const struct {
	const char *code, *zh, *en;
	bool derived_only; /* never entered: follows from family links */
} categories[] = {
	{"active_duty", "现役军人", "active service member", false},
	{"veteran", "退役军人", "veteran", false},
	{"military_family", "军属", "military family", false},
	{"accompanying_spouse", "随军家属", "accompanying spouse", false},
	{"military_child", "军人子女", "service member's child", false},
	{"martyr_family", "烈士遗属", "martyr's family", false},
	{"duty_family", "因公牺牲军人遗属", "family of one who died on duty", false},
	{"illness_family", "病故军人遗属", "family of one who died of illness", false},
	{"disabled_veteran", "残疾军人", "disabled veteran", false},
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

bool person_status_valid(const char *s)
{
	for (size_t i = 0; s && i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return true;
	return false;
}

bool person_status_bars_card(const char *s)
{
	for (size_t i = 3; s && i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return true;
	return false;
}

const char *person_category_at(int i)
{
	return i >= 0 && (size_t)i < NCATEGORIES ? categories[i].code : NULL;
}

bool person_category_valid(const char *s)
{
	for (size_t i = 0; s && i < NCATEGORIES; i++)
		if (strcmp(s, categories[i].code) == 0)
			return true;
	return false;
}

const char *person_category_parse(const char *s)
{
	for (size_t i = 0; s && i < NCATEGORIES; i++)
		if (strcmp(s, categories[i].code) == 0 || strcmp(s, categories[i].zh) == 0)
			return categories[i].code;
	return NULL;
}

const char *person_category_label(const char *code, bool english)
{
	for (size_t i = 0; code && i < NCATEGORIES; i++)
		if (strcmp(code, categories[i].code) == 0)
			return english ? categories[i].en : categories[i].zh;
	return code;
}

static const char SQL_PERSON_INSERT[] =
	"INSERT INTO people (id_number, name, sex, birth_date, phone, region_code, address, lat, lon,"
	" status, status_since, household_region_code, household_address, id_tail, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id";
static const char SQL_GRAM_INSERT[] =
	"INSERT INTO people_name_grams (gram, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
static const char SQL_GRAMS_DELETE[] = "DELETE FROM people_name_grams WHERE person_id = $1";
static const char SQL_SET_TAIL[] = "UPDATE people SET id_tail = $2 WHERE id = $1";
static const char SQL_STATUS_HISTORY_INSERT[] =
	"INSERT INTO person_status_history (person_id, status, since, reason, recorded_by, recorded_at)"
	" VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_REGION_EXISTS[] = "SELECT 1 FROM regions WHERE code = $1";
static const char SQL_PERSON_BY_IDNUM[] = "SELECT id, region_code FROM people WHERE id_number = $1";
static const char SQL_PERSON_SCOPE[] = "SELECT region_code, status FROM people WHERE id = $1";
/* Each optional column: a flag (1: write the value that follows, NULL clears) and the value. */
static const char SQL_PERSON_UPDATE[] =
	"UPDATE people SET name = COALESCE($2, name), region_code = COALESCE($3, region_code),"
	" phone = CASE WHEN $4 = 1 THEN $5 ELSE phone END,"
	" address = CASE WHEN $6 = 1 THEN $7 ELSE address END,"
	" household_region_code = CASE WHEN $8 = 1 THEN $9 ELSE household_region_code END,"
	" household_address = CASE WHEN $10 = 1 THEN $11 ELSE household_address END,"
	" lat = CASE WHEN $12 = 1 THEN $13 ELSE lat END, lon = CASE WHEN $12 = 1 THEN $14 ELSE lon END,"
	" updated_at = $15 WHERE id = $1";
static const char SQL_PERSON_SET_STATUS[] =
	"UPDATE people SET status = $2, status_since = $3, death_kind = $4, death_date = $5,"
	" updated_at = $6 WHERE id = $1";
static const char SQL_PERSON_GET[] =
	"SELECT p.id, p.id_number, p.name, p.sex, p.birth_date, p.phone, p.region_code, r.name,"
	" p.address, p.household_region_code, hr.name, p.household_address, p.lat, p.lon, p.status,"
	" p.status_since, p.death_kind, p.death_date, p.created_at, p.updated_at"
	" FROM people p JOIN regions r ON r.code = p.region_code"
	" LEFT JOIN regions hr ON hr.code = p.household_region_code WHERE p.id = $1";
static const char SQL_PERSON_CATEGORIES[] =
	"SELECT id, category, start_date, end_date, disability_grade, disability_cause, note"
	" FROM person_categories WHERE person_id = $1 ORDER BY id";
/* Family links seen from person $1: the other person, and what they are to $1. */
static const char SQL_PERSON_FAMILY[] =
	"SELECT l.id, x.id, x.name, x.status, x.death_kind,"
	" CASE WHEN l.person_id = $1 THEN l.relation"
	"      WHEN l.relation = 'parent' THEN 'child' WHEN l.relation = 'child' THEN 'parent'"
	"      ELSE l.relation END,"
	" CASE WHEN l.relative_id = $1 AND (l.relation <> 'sibling' OR l.supported = 1) THEN 1"
	"      WHEN l.person_id = $1 AND l.relation <> 'sibling' THEN 1 ELSE 0 END,"
	" EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = x.id AND c.category = 'active_duty'"
	"         AND (c.end_date IS NULL OR c.end_date >= $2))"
	" FROM family_links l JOIN people x ON x.id = CASE WHEN l.person_id = $1 THEN l.relative_id ELSE l.person_id END"
	" WHERE l.person_id = $1 OR l.relative_id = $1 ORDER BY l.id";
static const char SQL_PERSON_SERVICE[] =
	"SELECT id, branch, enlist_date, discharge_date, rank, exit_mode, disability_grade, disability_cause"
	" FROM service_records WHERE person_id = $1 ORDER BY enlist_date";
static const char SQL_SERVICE_AWARDS[] =
	"SELECT level, wartime, award_date FROM awards WHERE service_id = $1 ORDER BY id";
static const char SQL_SERVICE_PERIODS[] =
	"SELECT kind, start_date, end_date FROM service_periods WHERE service_id = $1 ORDER BY start_date";
static const char SQL_PERSON_STATUS_HISTORY[] =
	"SELECT status, since, reason, recorded_by, recorded_at FROM person_status_history"
	" WHERE person_id = $1 ORDER BY id DESC";
static const char SQL_CATEGORY_INSERT[] =
	"INSERT INTO person_categories (person_id, category, start_date, end_date, disability_grade,"
	" disability_cause, note, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
	" RETURNING id";
static const char SQL_CATEGORY_END[] =
	"UPDATE person_categories SET end_date = $3, updated_at = $4 WHERE id = $2 AND person_id = $1";
static const char SQL_CATEGORY_GET[] =
	"SELECT category, start_date, end_date, disability_grade, disability_cause, note"
	" FROM person_categories WHERE id = $2 AND person_id = $1";
static const char SQL_CATEGORY_DELETE[] = "DELETE FROM person_categories WHERE id = $2 AND person_id = $1";
static const char SQL_FAMILY_INSERT[] =
	"INSERT INTO family_links (person_id, relative_id, relation, supported, created_at)"
	" VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_FAMILY_EXISTS[] =
	"SELECT 1 FROM family_links WHERE (person_id = $1 AND relative_id = $2)"
	" OR (person_id = $2 AND relative_id = $1)";
/* A link of person $1 (either side): the other person, and the link as stored. */
static const char SQL_FAMILY_GET[] =
	"SELECT CASE WHEN person_id = $1 THEN relative_id ELSE person_id END, person_id, relative_id,"
	" relation, supported FROM family_links WHERE id = $2 AND (person_id = $1 OR relative_id = $1)";
static const char SQL_FAMILY_DELETE[] = "DELETE FROM family_links WHERE id = $1";
static const char SQL_SERVICE_GET[] =
	"SELECT branch, enlist_date, discharge_date, rank, exit_mode, disability_grade, disability_cause"
	" FROM service_records WHERE id = $2 AND person_id = $1";
static const char SQL_SERVICE_UPDATE[] =
	"UPDATE service_records SET branch = $3, enlist_date = $4, discharge_date = $5, rank = $6,"
	" exit_mode = $7, disability_grade = $8, disability_cause = $9, updated_at = $10"
	" WHERE id = $2 AND person_id = $1";
static const char SQL_SERVICE_DELETE[] = "DELETE FROM service_records WHERE id = $2 AND person_id = $1";
static const char SQL_AWARDS_DELETE[] = "DELETE FROM awards WHERE service_id = $1";
static const char SQL_PERIODS_DELETE[] = "DELETE FROM service_periods WHERE service_id = $1";
static const char SQL_SERVICE_INSERT[] =
	"INSERT INTO service_records (person_id, branch, enlist_date, discharge_date, rank, exit_mode,"
	" disability_grade, disability_cause, created_at, updated_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
static const char SQL_AWARD_INSERT[] =
	"INSERT INTO awards (service_id, level, wartime, award_date) VALUES ($1, $2, $3, $4)";
static const char SQL_PERIOD_INSERT[] =
	"INSERT INTO service_periods (service_id, kind, start_date, end_date) VALUES ($1, $2, $3, $4)";

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static void today(char out[11])
{
	char now[TIME_ISO_LEN];
	time_now_iso(now);
	snprintf(out, 11, "%.10s", now);
}

/* A date as YYYY-MM-DD, real, and not in the future. */
static sy_status check_date(const char *s, const char *field, bool required, sy_err *err)
{
	time_t t;
	char t0[11];
	if (!s)
		return required ? sy_fail(err, SY_EINVAL, "required", field, "缺少必填项：%s",
					  "missing required field: %s", field)
				: SY_OK;
	today(t0);
	if (strlen(s) != 10 || !time_parse_iso(s, &t))
		return sy_failf(err, SY_EINVAL, "invalid_date", field, "日期格式应为 YYYY-MM-DD 且须为真实日期",
				"date must be a real date as YYYY-MM-DD");
	if (strcmp(s, t0) > 0)
		return sy_failf(err, SY_EINVAL, "date_in_future", field, "日期不能晚于今天",
				"date cannot be in the future");
	return SY_OK;
}

static sy_status check_text(const char *s, const char *field, size_t max, bool required, sy_err *err)
{
	if (!s || !*s)
		return required ? sy_fail(err, SY_EINVAL, "required", field, "缺少必填项：%s",
					  "missing required field: %s", field)
				: SY_OK;
	if (strlen(s) > max || !text_valid_utf8_line(s))
		return sy_fail(err, SY_EINVAL, "invalid_text", field, "%s 过长或含有控制字符",
			       "%s is too long or contains control characters", field);
	return SY_OK;
}

static const char SQL_REGION_CODES[] = "SELECT code FROM regions ORDER BY code";

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

sy_status registry_region_set_load(db *d, struct region_set *set, sy_err *err)
{
	db_rows *r = NULL;
	size_t cap = 64;
	sy_status st;
	set->n = 0;
	set->codes = malloc(cap * sizeof *set->codes);
	if (!set->codes)
		return oom(err);
	if ((st = db_query(d, SQL_REGION_CODES, DB_NOARGS, &r, err)))
		goto out;
	while (db_next(r)) {
		if (set->n == cap) {
			void *p = realloc(set->codes, 2 * cap * sizeof *set->codes);
			if (!p) {
				st = oom(err);
				goto out;
			}
			set->codes = p;
			cap *= 2;
		}
		snprintf(set->codes[set->n++], REGION_CODE_MAX, "%s", db_text(r, 0));
	}
	qsort(set->codes, set->n, sizeof *set->codes, cmp_code);
out:
	db_rows_free(r);
	if (st)
		registry_region_set_free(set);
	return st;
}

void registry_region_set_free(struct region_set *set)
{
	free(set->codes);
	set->codes = NULL;
	set->n = 0;
}

static sy_status check_region_exists(db *d, const struct region_set *known, const char *code,
				     const char *field, sy_err *err)
{
	int64_t one;
	if (!code || strlen(code) >= REGION_CODE_MAX)
		goto bad;
	if (known) {
		char key[REGION_CODE_MAX] = {0};
		snprintf(key, sizeof key, "%s", code);
		if (bsearch(key, known->codes, known->n, sizeof *known->codes, cmp_code))
			return SY_OK;
		goto bad;
	}
	sy_status st = db_query_int(d, SQL_REGION_EXISTS, DB_ARGS(DB_T(code)), &one, err);
	if (st == SY_OK)
		return SY_OK;
	if (st != SY_ENOTFOUND)
		return st;
bad:
	return sy_failf(err, SY_EINVAL, "invalid_region", field, "地区代码无效", "unknown region code");
}

sy_status registry_person_validate(db *d, const struct principal *actor, const struct person_input *in,
				   bool creating, const struct region_set *known, char normalized_id[19],
				   sy_err *err)
{
	sy_status st;
	if (creating) {
		struct idcard_info info;
		if (!in->id_number)
			return sy_failf(err, SY_EINVAL, "required", "id_number", "缺少身份证号",
					"missing required field: id_number");
		if ((st = idcard_validate(in->id_number, &info, err)))
			return st;
		snprintf(normalized_id, 19, "%s", info.normalized);
	}
	if ((st = check_text(in->name, "name", PERSON_NAME_MAX, creating, err)) ||
	    (st = check_text(in->address, "address", ADDRESS_MAX, false, err)) ||
	    (st = check_text(in->household_address, "household_address", ADDRESS_MAX, false, err)))
		return st;
	if (in->phone && *in->phone && !text_phone_valid(in->phone))
		return sy_failf(err, SY_EINVAL, "invalid_phone", "phone",
				"电话号码应为11位手机号或带区号的固话", "phone must be an 11-digit mobile or a landline with area code");
	if (creating && !in->region_code)
		return sy_failf(err, SY_EINVAL, "required", "region_code", "缺少居住地地区代码",
				"missing required field: region_code");
	if (in->region_code && ((st = check_region_exists(d, known, in->region_code, "region_code", err)) ||
				(st = scope_require_region(actor, in->region_code, "region_code", err))))
		return st;
	if (in->household_region_code &&
	    (st = check_region_exists(d, known, in->household_region_code, "household_region_code", err)))
		return st;
	if (in->has_coords && (in->lat < 3.0 || in->lat > 54.0 || in->lon < 73.0 || in->lon > 136.0))
		return sy_failf(err, SY_EINVAL, "invalid_coordinates", "lat",
				"坐标不在中国境内", "coordinates are outside China");
	if (in->status && !person_status_valid(in->status))
		return sy_failf(err, SY_EINVAL, "invalid_status", "status", "人员状态无效", "unknown status");
	if (!creating && (in->clear & PF_NAME))
		return sy_failf(err, SY_EINVAL, "required", "name", "姓名为必填项，不能清空",
				"name is required and cannot be cleared");
	if (!creating && (in->clear & PF_REGION))
		return sy_failf(err, SY_EINVAL, "required", "region_code", "居住地地区代码为必填项，不能清空",
				"region_code is required and cannot be cleared");
	return SY_OK;
}

/* Every 1- and 2-character piece of a UTF-8 name, for the partial-name index. */
static sy_status index_name(db *d, int64_t id, const char *name, sy_err *err)
{
	const char *starts[PERSON_NAME_MAX + 1];
	int n = 0;
	for (const char *p = name; *p && n < PERSON_NAME_MAX; n++) {
		starts[n] = p;
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
	}
	starts[n] = name + strlen(name);
	char gram[32];
	sy_status st;
	for (int i = 0; i < n; i++) {
		for (int w = 1; w <= 2 && i + w <= n; w++) {
			size_t len = (size_t)(starts[i + w] - starts[i]);
			if (len >= sizeof gram)
				continue;
			memcpy(gram, starts[i], len);
			gram[len] = '\0';
			if ((st = db_execp(d, SQL_GRAM_INSERT, DB_ARGS(DB_T(gram), DB_I(id)), NULL, err)))
				return st;
		}
	}
	return SY_OK;
}

sy_status registry_person_index(db *d, int64_t id, const char *name, const char *id_number, sy_err *err)
{
	size_t n = id_number ? strlen(id_number) : 0;
	sy_status st = db_execp(d, SQL_SET_TAIL, DB_ARGS(DB_I(id), DB_T(n >= 4 ? id_number + n - 4 : NULL)),
				NULL, err);
	return st ? st : index_name(d, id, name, err);
}

/*
 * The name pieces of every person from $1 on who has none yet, built by the
 * database in one pass (SUBSTR counts characters on both backends), in key
 * order so the index is appended to rather than split at random.
 */
static const char SQL_BULK_GRAMS[] =
	"INSERT INTO people_name_grams (gram, person_id)"
	" SELECT SUBSTR(p.name, k.n, 1), p.id FROM people p JOIN numbers k ON k.n <= LENGTH(p.name)"
	" WHERE p.id >= $1"
	" UNION"
	" SELECT SUBSTR(p.name, k.n, 2), p.id FROM people p JOIN numbers k ON k.n < LENGTH(p.name)"
	" WHERE p.id >= $1"
	" ORDER BY 1, 2 ON CONFLICT DO NOTHING";
static const char SQL_BULK_STATUS[] =
	"INSERT INTO person_status_history (person_id, status, since, reason, recorded_by, recorded_at)"
	" SELECT p.id, p.status, p.status_since, '导入', $2, $3 FROM people p WHERE p.id >= $1"
	" AND NOT EXISTS (SELECT 1 FROM person_status_history h WHERE h.person_id = p.id)";

sy_status registry_people_finish_bulk(db *d, const struct principal *actor, int64_t first_id,
				      const char *now, sy_err *err)
{
	sy_status st = db_execp(d, SQL_BULK_GRAMS, DB_ARGS(DB_I(first_id)), NULL, err);
	if (st)
		return st;
	return db_execp(d, SQL_BULK_STATUS, DB_ARGS(DB_I(first_id), DB_T(actor->name), DB_T(now)), NULL, err);
}

static sy_status audit_person(db *d, const struct principal *actor, const char *action, int64_t id,
			      const char *region, json_t *detail, sy_err *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	struct audit_event ev = {.action = action, .object_type = "person", .object_id = oid,
				 .region_code = region, .detail = detail};
	sy_status st = audit_write(d, actor, &ev, err);
	json_decref(detail);
	return st;
}

sy_status registry_person_insert(db *d, const struct principal *actor, const struct person_input *in,
				 const char *idn, const char *now, bool bulk, int64_t *id, sy_err *err)
{
	struct idcard_info info;
	char day[11];
	const char *status = in->status ? in->status : "normal";
	sy_status st;
	if ((st = idcard_validate(idn, &info, err)))
		return st;
	snprintf(day, sizeof day, "%.10s", now);
	st = db_query_int(d, SQL_PERSON_INSERT,
			  DB_ARGS(DB_T(idn), DB_T(in->name), DB_T(info.sex == 'M' ? "M" : "F"),
				  DB_T(info.birth_date), DB_T(in->phone && *in->phone ? in->phone : NULL),
				  DB_T(in->region_code), DB_T(in->address),
				  in->has_coords ? DB_D(in->lat) : DB_NULL,
				  in->has_coords ? DB_D(in->lon) : DB_NULL, DB_T(status), DB_T(day),
				  DB_T(in->household_region_code), DB_T(in->household_address),
				  DB_T(idn + 14), DB_T(now)),
			  id, err);
	if (st == SY_ECONFLICT)
		st = sy_failf(err, SY_ECONFLICT, "person_exists", "id_number", "该身份证号的人员已存在",
			      "a person with this ID number already exists");
	if (st || bulk || (st = index_name(d, *id, in->name, err)))
		return st;
	return db_execp(d, SQL_STATUS_HISTORY_INSERT,
			DB_ARGS(DB_I(*id), DB_T(status), DB_T(day), DB_T("建档"), DB_T(actor->name),
				DB_T(now)), NULL, err);
}

sy_status registry_person_create(db *d, const struct principal *actor, const struct person_input *in,
				 int64_t *id, sy_err *err)
{
	char idn[19], now[TIME_ISO_LEN];
	bool own;
	sy_status st;
	if ((st = registry_person_validate(d, actor, in, true, NULL, idn, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	time_now_iso(now);
	if ((st = registry_person_insert(d, actor, in, idn, now, false, id, err)))
		goto out;
	st = audit_person(d, actor, "person.create", *id, in->region_code,
			  json_pack("{s:s, s:s}", "name", in->name, "region_code", in->region_code), err);
out:
	return db_tx_finish(d, own, st, err);
}

/* The person's region if the actor may see them; SY_ENOTFOUND (not 403) otherwise, so ids are not probed. */
static sy_status person_in_scope(db *d, const struct principal *actor, int64_t id,
				 char region[REGION_CODE_MAX], sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_PERSON_SCOPE, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	bool ok = db_next(r) && scope_region_allows(actor, db_text(r, 0)) &&
		  (actor->role != ROLE_PERSON || actor->person_id == id) && !(actor->role & ROLES_ORG);
	if (ok && region)
		snprintf(region, REGION_CODE_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	if (!ok)
		return sy_failf(err, SY_ENOTFOUND, "person_not_found", NULL, "人员不存在或不在您的管辖范围内",
				"no such person in your scope");
	return SY_OK;
}

sy_status registry_person_find(db *d, const struct principal *actor, const char *id_number,
			       int64_t *id, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_PERSON_BY_IDNUM, DB_ARGS(DB_T(id_number)), &r, err);
	if (st)
		return st;
	if (db_next(r) && scope_region_allows(actor, db_text(r, 1)))
		*id = db_int(r, 0);
	else
		st = SY_ENOTFOUND;
	db_rows_free(r);
	return st;
}

/* An optional column of SQL_PERSON_UPDATE: written (1) when given or cleared; the value, NULL when cleared. */
static db_val opt_flag(const struct person_input *in, const char *v, unsigned bit)
{
	return DB_I(v || (in->clear & bit) ? 1 : 0);
}

static db_val opt_text(const struct person_input *in, const char *v, unsigned bit)
{
	return DB_T((in->clear & bit) ? NULL : v);
}

/* What an update changed, for its audit row: new name and region, the rest by name only. */
static json_t *update_detail(const struct person_input *in)
{
	static const struct {
		unsigned bit;
		const char *name;
	} optional[] = {
		{PF_PHONE, "phone"}, {PF_ADDRESS, "address"}, {PF_HOUSEHOLD_REGION, "household_region_code"},
		{PF_HOUSEHOLD_ADDRESS, "household_address"}, {PF_COORDS, "coordinates"},
	};
	json_t *detail = json_object(), *cleared = json_array();
	if (in->name)
		json_object_set_new(detail, "name", json_string(in->name));
	if (in->region_code)
		json_object_set_new(detail, "region_code", json_string(in->region_code));
	if (in->phone)
		json_object_set_new(detail, "phone_changed", json_true());
	for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++)
		if (in->clear & optional[i].bit)
			json_array_append_new(cleared, json_string(optional[i].name));
	if (json_array_size(cleared))
		json_object_set(detail, "cleared", cleared);
	json_decref(cleared);
	return detail;
}

sy_status registry_person_update(db *d, const struct principal *actor, int64_t id,
				 const struct person_input *in, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN], idn[19];
	bool own;
	sy_status st;
	if ((st = registry_person_validate(d, actor, in, false, NULL, idn, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, id, region, err)))
		goto out;
	time_now_iso(now);
	const db_val args[] = {
		DB_I(id), DB_T(in->name), DB_T(in->region_code),
		opt_flag(in, in->phone, PF_PHONE), opt_text(in, in->phone, PF_PHONE),
		opt_flag(in, in->address, PF_ADDRESS), opt_text(in, in->address, PF_ADDRESS),
		opt_flag(in, in->household_region_code, PF_HOUSEHOLD_REGION),
		opt_text(in, in->household_region_code, PF_HOUSEHOLD_REGION),
		opt_flag(in, in->household_address, PF_HOUSEHOLD_ADDRESS),
		opt_text(in, in->household_address, PF_HOUSEHOLD_ADDRESS),
		DB_I(in->has_coords || (in->clear & PF_COORDS) ? 1 : 0),
		in->has_coords ? DB_D(in->lat) : DB_NULL, in->has_coords ? DB_D(in->lon) : DB_NULL,
		DB_T(now),
	};
	if ((st = db_execp(d, SQL_PERSON_UPDATE, args, (int)(sizeof args / sizeof args[0]), NULL, err)))
		goto out;
	if (in->name && ((st = db_execp(d, SQL_GRAMS_DELETE, DB_ARGS(DB_I(id)), NULL, err)) ||
			 (st = index_name(d, id, in->name, err))))
		goto out;
	st = audit_person(d, actor, "person.update", id, in->region_code ? in->region_code : region,
			  update_detail(in), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_person_set_status(db *d, const struct principal *actor, int64_t id,
				     const char *status, const char *since, const char *reason,
				     const char *death_kind, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN];
	bool own;
	sy_status st;
	if (!person_status_valid(status))
		return sy_failf(err, SY_EINVAL, "invalid_status", "status", "人员状态无效", "unknown status");
	if ((st = check_date(since, "since", true, err)) ||
	    (st = check_text(reason, "reason", REASON_MAX, false, err)))
		return st;
	if (death_kind && (strcmp(status, "deceased") != 0 ||
			   (strcmp(death_kind, "martyr") && strcmp(death_kind, "duty") && strcmp(death_kind, "illness"))))
		return sy_failf(err, SY_EINVAL, "invalid_death_kind", "death_kind",
				"牺牲/病故类别只能是 martyr、duty、illness，且仅用于已故人员",
				"death_kind is martyr, duty or illness, and only for the deceased");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, id, region, err)))
		goto out;
	time_now_iso(now);
	bool dead = strcmp(status, "deceased") == 0;
	if ((st = db_execp(d, SQL_PERSON_SET_STATUS,
			   DB_ARGS(DB_I(id), DB_T(status), DB_T(since), DB_T(dead ? death_kind : NULL),
				   DB_T(dead ? since : NULL), DB_T(now)), NULL, err)) ||
	    (st = db_execp(d, SQL_STATUS_HISTORY_INSERT,
			   DB_ARGS(DB_I(id), DB_T(status), DB_T(since), DB_T(reason), DB_T(actor->name),
				   DB_T(now)), NULL, err)))
		goto out;
	st = audit_person(d, actor, "person.status", id, region,
			  json_pack("{s:s, s:s, s:s?}", "status", status, "since", since, "death_kind", death_kind),
			  err);
out:
	return db_tx_finish(d, own, st, err);
}

bool registry_may_unmask(const struct principal *actor)
{
	return actor->role == ROLE_ADMIN || actor->role == ROLE_OFFICER;
}

void registry_mask_phone(const char *p, char out[24])
{
	size_t n = p ? strlen(p) : 0;
	if (n < 7 || n > 20)
		snprintf(out, 24, "%s", n ? "****" : "");
	else
		snprintf(out, 24, "%.3s****%s", p, p + n - 4);
}

static json_t *category_json(const char *code, const char *why, json_t *extra)
{
	json_t *c = json_pack("{s:s, s:s, s:s, s:s?}", "category", code, "label_zh",
			      person_category_label(code, false), "label_en",
			      person_category_label(code, true), "why", why);
	if (extra)
		json_object_update(c, extra);
	json_decref(extra);
	return c;
}

static sy_status load_categories(db *d, int64_t id, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_PERSON_CATEGORIES, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	while (db_next(r))
		json_array_append_new(out, category_json(db_text(r, 1), "entered",
			json_pack("{s:I, s:s?, s:s?, s:o, s:s?, s:s?, s:b}", "id", (json_int_t)db_int(r, 0),
				  "start_date", db_text(r, 2), "end_date", db_text(r, 3),
				  "disability_grade", db_isnull(r, 4) ? json_null() : json_integer(db_int(r, 4)),
				  "disability_cause", db_text(r, 5), "note", db_text(r, 6), "derived", 0)));
	db_rows_free(r);
	return SY_OK;
}

/*
 * Family categories follow from links: the relative of a martyr is a 烈士遗属,
 * of an active service member a 军属 (and their child a 军人子女) — with the
 * link that makes it so, so the page can say why.
 */
static void derive_from_link(json_t *cats, json_t *family_entry, const char *rel_to_me_inverse,
			     bool qualifies, const char *death_kind, bool active)
{
	const char *cat = NULL;
	if (death_kind && qualifies)
		cat = !strcmp(death_kind, "martyr") ? "martyr_family"
		      : !strcmp(death_kind, "duty") ? "duty_family" : "illness_family";
	json_t *via = json_pack("{s:O, s:O, s:s}", "person_id", json_object_get(family_entry, "person_id"),
				"name", json_object_get(family_entry, "name"), "relation", rel_to_me_inverse);
	if (cat)
		json_array_append_new(cats, category_json(cat, "family_link", json_pack("{s:b, s:O}", "derived", 1, "via", via)));
	if (active && strcmp(rel_to_me_inverse, "sibling") != 0) {
		json_array_append_new(cats, category_json("military_family", "family_link",
							  json_pack("{s:b, s:O}", "derived", 1, "via", via)));
		if (!strcmp(rel_to_me_inverse, "child"))
			json_array_append_new(cats, category_json("military_child", "family_link",
								  json_pack("{s:b, s:O}", "derived", 1, "via", via)));
	}
	json_decref(via);
}

static sy_status load_family(db *d, int64_t id, json_t *family, json_t *cats, sy_err *err)
{
	char day[11];
	db_rows *r = NULL;
	today(day);
	sy_status st = db_query(d, SQL_PERSON_FAMILY, DB_ARGS(DB_I(id), DB_T(day)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		/* column 5: what x is to me; I am x's inverse of that */
		const char *x_to_me = db_text(r, 5);
		const char *me_to_x = !strcmp(x_to_me, "parent") ? "child"
				      : !strcmp(x_to_me, "child") ? "parent" : x_to_me;
		json_t *e = json_pack("{s:I, s:I, s:s?, s:s, s:s?, s:s?}", "link_id", (json_int_t)db_int(r, 0),
				      "person_id", (json_int_t)db_int(r, 1), "name", db_text(r, 2),
				      "relation", x_to_me, "status", db_text(r, 3), "death_kind", db_text(r, 4));
		json_array_append(family, e);
		derive_from_link(cats, e, me_to_x, db_bool(r, 6), db_text(r, 4), db_bool(r, 7));
		json_decref(e);
	}
	db_rows_free(r);
	return SY_OK;
}

static sy_status load_service(db *d, int64_t id, json_t *out, sy_err *err)
{
	db_rows *r = NULL, *a = NULL;
	sy_status st = db_query(d, SQL_PERSON_SERVICE, DB_ARGS(DB_I(id)), &r, err);
	while (st == SY_OK && db_next(r)) {
		int64_t sid = db_int(r, 0);
		json_t *awards = json_array(), *periods = json_array();
		if ((st = db_query(d, SQL_SERVICE_AWARDS, DB_ARGS(DB_I(sid)), &a, err)) == SY_OK) {
			while (db_next(a))
				json_array_append_new(awards, json_pack("{s:s?, s:b, s:s?}", "level", db_text(a, 0),
									"wartime", (int)db_bool(a, 1), "date", db_text(a, 2)));
			db_rows_free(a);
			a = NULL;
		}
		if (st == SY_OK && (st = db_query(d, SQL_SERVICE_PERIODS, DB_ARGS(DB_I(sid)), &a, err)) == SY_OK) {
			while (db_next(a))
				json_array_append_new(periods, json_pack("{s:s?, s:s?, s:s?}", "kind", db_text(a, 0),
									 "start_date", db_text(a, 1), "end_date", db_text(a, 2)));
			db_rows_free(a);
			a = NULL;
		}
		json_array_append_new(out, json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:o, s:o}",
			"id", (json_int_t)sid, "branch", db_text(r, 1), "enlist_date", db_text(r, 2),
			"discharge_date", db_text(r, 3), "rank", db_text(r, 4), "exit_mode", db_text(r, 5),
			"disability_grade", db_isnull(r, 6) ? json_null() : json_integer(db_int(r, 6)),
			"disability_cause", db_text(r, 7), "awards", awards, "periods", periods));
	}
	db_rows_free(r);
	return st;
}

static sy_status load_status_history(db *d, int64_t id, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_PERSON_STATUS_HISTORY, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	while (db_next(r))
		json_array_append_new(out, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "status", db_text(r, 0),
						     "since", db_text(r, 1), "reason", db_text(r, 2),
						     "recorded_by", db_text(r, 3), "recorded_at", db_text(r, 4)));
	db_rows_free(r);
	return SY_OK;
}

sy_status registry_person_get(db *d, const struct principal *actor, int64_t id, json_t **out,
			      sy_err *err)
{
	char masked[19], phone[24];
	db_rows *r = NULL;
	json_t *p = NULL;
	sy_status st;
	if ((st = person_in_scope(d, actor, id, NULL, err)))
		return st;
	if ((st = db_query(d, SQL_PERSON_GET, DB_ARGS(DB_I(id)), &r, err)))
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return sy_failf(err, SY_ENOTFOUND, "person_not_found", NULL, "人员不存在", "no such person");
	}
	idcard_mask(db_text(r, 1), masked);
	registry_mask_phone(db_text(r, 5), phone);
	p = json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o,"
		      " s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b}",
		      "id", (json_int_t)db_int(r, 0), "id_number", masked, "name", db_text(r, 2),
		      "sex", db_text(r, 3), "birth_date", db_text(r, 4), "phone", phone,
		      "region_code", db_text(r, 6), "region_name", db_text(r, 7), "address", db_text(r, 8),
		      "household_region_code", db_text(r, 9), "household_region_name", db_text(r, 10),
		      "household_address", db_text(r, 11), "lat", db_json_real(r, 12), "lon", db_json_real(r, 13),
		      "status", db_text(r, 14), "status_since", db_text(r, 15), "death_kind", db_text(r, 16),
		      "death_date", db_text(r, 17), "created_at", db_text(r, 18), "updated_at", db_text(r, 19),
		      "may_unmask", registry_may_unmask(actor));
	bool bars = person_status_bars_card(db_text(r, 14));
	db_rows_free(r);
	if (!p)
		return oom(err);
	json_object_set_new(p, "status_bars_card", json_boolean(bars));
	json_t *cats = json_array(), *family = json_array(), *service = json_array(), *hist = json_array();
	json_object_set_new(p, "categories", cats);
	json_object_set_new(p, "family", family);
	json_object_set_new(p, "service", service);
	json_object_set_new(p, "status_history", hist);
	if ((st = load_categories(d, id, cats, err)) || (st = load_family(d, id, family, cats, err)) ||
	    (st = load_service(d, id, service, err)) || (st = load_status_history(d, id, hist, err))) {
		json_decref(p);
		return st;
	}
	*out = p;
	return SY_OK;
}

sy_status registry_check_unmask(const struct principal *actor, const char *reason, sy_err *err)
{
	if (!registry_may_unmask(actor))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权查看完整个人信息",
				"your role may not see unmasked personal data");
	/* two characters at least: "核对", not an empty or one-letter placeholder */
	if (!reason || text_utf8_chars(reason) < 2)
		return sy_failf(err, SY_EINVAL, "reason_required", "reason", "查看或导出完整信息须填写事由（至少两个字）",
				"a reason of at least two characters is required to see unmasked data");
	return check_text(reason, "reason", REASON_MAX, true, err);
}

sy_status registry_person_unmask(db *d, const struct principal *actor, int64_t id,
				 const char *reason, json_t **out, sy_err *err)
{
	char region[REGION_CODE_MAX];
	db_rows *r = NULL;
	bool own;
	sy_status st;
	if ((st = registry_check_unmask(actor, reason, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, id, region, err)) ||
	    (st = db_query(d, SQL_PERSON_GET, DB_ARGS(DB_I(id)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "person_not_found", NULL, "人员不存在", "no such person");
		goto out;
	}
	*out = json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)id, "id_number", db_text(r, 1),
			 "phone", db_text(r, 5));
	db_rows_free(r);
	r = NULL;
	st = audit_person(d, actor, "person.unmask", id, region, json_pack("{s:s}", "reason", reason), err);
	if (st) {
		json_decref(*out);
		*out = NULL;
	}
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status registry_category_add(db *d, const struct principal *actor, int64_t person_id,
				const struct category_input *in, int64_t *id, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN], oid[48];
	bool own, disabled;
	sy_status st;
	if (!person_category_valid(in->category))
		return sy_failf(err, SY_EINVAL, "invalid_category", "category", "人员类别无效", "unknown category");
	if ((st = check_date(in->start_date, "start_date", false, err)) ||
	    (st = check_date(in->end_date, "end_date", false, err)) ||
	    (st = check_text(in->note, "note", REASON_MAX, false, err)))
		return st;
	if (in->start_date && in->end_date && strcmp(in->end_date, in->start_date) < 0)
		return sy_failf(err, SY_EINVAL, "end_before_start", "end_date", "结束日期早于开始日期",
				"end date is before start date");
	disabled = strcmp(in->category, "disabled_veteran") == 0;
	if (disabled && (in->disability_grade < 1 || in->disability_grade > 10))
		return sy_failf(err, SY_EINVAL, "invalid_disability_grade", "disability_grade",
				"残疾等级须为 1–10 级", "disability grade must be 1–10");
	if (disabled && (!in->disability_cause || (strcmp(in->disability_cause, "combat") &&
						   strcmp(in->disability_cause, "duty") &&
						   strcmp(in->disability_cause, "illness"))))
		return sy_failf(err, SY_EINVAL, "invalid_disability_cause", "disability_cause",
				"致残原因须为因战、因公或因病", "disability cause must be combat, duty or illness");
	if (!disabled && (in->disability_grade || in->disability_cause))
		return sy_failf(err, SY_EINVAL, "disability_not_allowed", "disability_grade",
				"只有残疾军人类别有残疾等级", "only disabled_veteran has a disability grade");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_CATEGORY_INSERT,
			       DB_ARGS(DB_I(person_id), DB_T(in->category), DB_T(in->start_date),
				       DB_T(in->end_date), disabled ? DB_I(in->disability_grade) : DB_NULL,
				       DB_T(disabled ? in->disability_cause : NULL), DB_T(in->note), DB_T(now)),
			       id, err)))
		goto out;
	snprintf(oid, sizeof oid, "%" PRId64, *id);
	st = audit_person(d, actor, "person.category_add", person_id, region,
			  json_pack("{s:s, s:s}", "category", in->category, "category_id", oid), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_category_end(db *d, const struct principal *actor, int64_t person_id,
				int64_t category_id, const char *end_date, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN];
	int64_t changed = 0;
	bool own;
	sy_status st;
	if ((st = check_date(end_date, "end_date", true, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_CATEGORY_END,
			   DB_ARGS(DB_I(person_id), DB_I(category_id), DB_T(end_date), DB_T(now)), &changed, err)))
		goto out;
	if (!changed) {
		st = sy_failf(err, SY_ENOTFOUND, "category_not_found", NULL, "该类别记录不存在", "no such category entry");
		goto out;
	}
	st = audit_person(d, actor, "person.category_end", person_id, region,
			  json_pack("{s:I, s:s}", "category_id", (json_int_t)category_id, "end_date", end_date), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_family_link(db *d, const struct principal *actor, int64_t person_id,
			       int64_t relative_id, const char *relation, bool supported,
			       int64_t *id, sy_err *err)
{
	char region[REGION_CODE_MAX], r2[REGION_CODE_MAX], now[TIME_ISO_LEN];
	int64_t one;
	bool own;
	sy_status st;
	if (!relation || (strcmp(relation, "spouse") && strcmp(relation, "parent") &&
			  strcmp(relation, "child") && strcmp(relation, "sibling")))
		return sy_failf(err, SY_EINVAL, "invalid_relation", "relation",
				"亲属关系须为配偶、父母、子女或兄弟姐妹", "relation must be spouse, parent, child or sibling");
	if (person_id == relative_id)
		return sy_failf(err, SY_EINVAL, "self_link", "relative_id", "不能与本人建立亲属关系",
				"a person cannot be their own relative");
	if (supported && strcmp(relation, "sibling") != 0)
		return sy_failf(err, SY_EINVAL, "supported_sibling_only", "supported",
				"“由其供养”仅适用于兄弟姐妹", "supported applies to siblings only");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)) ||
	    (st = person_in_scope(d, actor, relative_id, r2, err)))
		goto out;
	st = db_query_int(d, SQL_FAMILY_EXISTS, DB_ARGS(DB_I(person_id), DB_I(relative_id)), &one, err);
	if (st == SY_OK) {
		st = sy_failf(err, SY_ECONFLICT, "link_exists", "relative_id", "两人之间已有亲属关系",
			      "these two people are already linked");
		goto out;
	}
	if (st != SY_ENOTFOUND)
		goto out;
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_FAMILY_INSERT,
			       DB_ARGS(DB_I(person_id), DB_I(relative_id), DB_T(relation),
				       DB_I(supported ? 1 : 0), DB_T(now)), id, err)))
		goto out;
	st = audit_person(d, actor, "person.family_link", person_id, region,
			  json_pack("{s:I, s:s, s:b}", "relative_id", (json_int_t)relative_id, "relation",
				    relation, "supported", supported), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_category_delete(db *d, const struct principal *actor, int64_t person_id,
				   int64_t category_id, const char *reason, sy_err *err)
{
	char region[REGION_CODE_MAX];
	db_rows *r = NULL;
	json_t *detail = NULL;
	bool own;
	sy_status st;
	if ((st = check_text(reason, "reason", REASON_MAX, false, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)) ||
	    (st = db_query(d, SQL_CATEGORY_GET, DB_ARGS(DB_I(person_id), DB_I(category_id)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "category_not_found", NULL, "该类别记录不存在", "no such category entry");
		goto out;
	}
	/* what was removed, so the audit log can tell what the entry said */
	detail = json_pack("{s:I, s:s?, s:s?, s:s?, s:o, s:s?, s:s?, s:s?}", "category_id", (json_int_t)category_id,
			   "category", db_text(r, 0), "start_date", db_text(r, 1), "end_date", db_text(r, 2),
			   "disability_grade", db_isnull(r, 3) ? json_null() : json_integer(db_int(r, 3)),
			   "disability_cause", db_text(r, 4), "note", db_text(r, 5), "reason", reason);
	db_rows_free(r);
	r = NULL;
	if ((st = db_execp(d, SQL_CATEGORY_DELETE, DB_ARGS(DB_I(person_id), DB_I(category_id)), NULL, err)))
		goto out;
	st = audit_person(d, actor, "person.category_delete", person_id, region, detail, err);
	detail = NULL; /* audit_person released it */
out:
	json_decref(detail);
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status registry_family_unlink(db *d, const struct principal *actor, int64_t person_id,
				 int64_t link_id, const char *reason, sy_err *err)
{
	char region[REGION_CODE_MAX];
	db_rows *r = NULL;
	json_t *detail = NULL;
	int64_t other;
	bool own;
	sy_status st;
	if ((st = check_text(reason, "reason", REASON_MAX, false, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)) ||
	    (st = db_query(d, SQL_FAMILY_GET, DB_ARGS(DB_I(person_id), DB_I(link_id)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "link_not_found", NULL, "该亲属关系不存在", "no such family link");
		goto out;
	}
	other = db_int(r, 0);
	detail = json_pack("{s:I, s:I, s:I, s:s?, s:b, s:s?}", "link_id", (json_int_t)link_id,
			   "person_id", (json_int_t)db_int(r, 1), "relative_id", (json_int_t)db_int(r, 2),
			   "relation", db_text(r, 3), "supported", (int)db_bool(r, 4), "reason", reason);
	db_rows_free(r);
	r = NULL;
	/* As when linking: an officer changes links between people of their own region only. */
	if ((st = person_in_scope(d, actor, other, NULL, err)) == SY_ENOTFOUND)
		st = sy_failf(err, SY_EFORBIDDEN, "region_out_of_scope", NULL,
			      "该亲属不在您的管辖范围内，须由其所在地经办人员或管理员解除",
			      "the relative is outside your region: their region's officer or an admin may remove this link");
	if (st || (st = db_execp(d, SQL_FAMILY_DELETE, DB_ARGS(DB_I(link_id)), NULL, err)))
		goto out;
	st = audit_person(d, actor, "person.family_unlink", person_id, region, detail, err);
	detail = NULL; /* audit_person released it */
out:
	json_decref(detail);
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status registry_service_check(const struct service_input *in, sy_err *err)
{
	sy_status st;
	if (!vocab_has(vocab_branches, in->branch))
		return sy_failf(err, SY_EINVAL, "invalid_branch", "branch", "军种无效", "unknown service branch");
	if ((st = check_date(in->enlist_date, "enlist_date", true, err)) ||
	    (st = check_date(in->discharge_date, "discharge_date", false, err)))
		return st;
	if (in->discharge_date && strcmp(in->discharge_date, in->enlist_date) <= 0)
		return sy_failf(err, SY_EINVAL, "discharge_before_enlistment", "discharge_date",
				"退役命令日期须晚于入伍批准日期", "discharge must come after enlistment");
	if (in->exit_mode && !vocab_has(vocab_exit_modes, in->exit_mode))
		return sy_failf(err, SY_EINVAL, "invalid_exit_mode", "exit_mode", "退役方式无效", "unknown exit mode");
	if (in->exit_mode && !in->discharge_date)
		return sy_failf(err, SY_EINVAL, "required", "discharge_date", "有退役方式时须填写退役命令日期",
				"an exit mode needs a discharge date");
	if ((st = check_text(in->rank, "rank", 40, false, err)))
		return st;
	if (in->disability_grade && (in->disability_grade < 1 || in->disability_grade > 10))
		return sy_failf(err, SY_EINVAL, "invalid_disability_grade", "disability_grade",
				"残疾等级须为 1–10 级", "disability grade must be 1–10");
	if ((in->disability_grade != 0) != (in->disability_cause != NULL) ||
	    (in->disability_cause && strcmp(in->disability_cause, "combat") &&
	     strcmp(in->disability_cause, "duty") && strcmp(in->disability_cause, "illness")))
		return sy_failf(err, SY_EINVAL, "invalid_disability_cause", "disability_cause",
				"残疾等级与致残原因（因战/因公/因病）须同时填写",
				"disability grade and cause (combat, duty, illness) go together");
	for (int i = 0; i < in->nawards; i++) {
		if (!vocab_has(vocab_award_levels, in->awards[i].level))
			return sy_failf(err, SY_EINVAL, "invalid_award_level", "awards",
					"奖励等级须为嘉奖、三等功、二等功、一等功或通报表彰",
					"award level must be one of the listed levels");
		if ((st = check_date(in->awards[i].date, "awards", false, err)))
			return st;
	}
	for (int i = 0; i < in->nperiods; i++) {
		if (!in->periods[i].kind || (strcmp(in->periods[i].kind, "hardship") && strcmp(in->periods[i].kind, "island")))
			return sy_failf(err, SY_EINVAL, "invalid_period_kind", "periods",
					"服役经历类型须为艰苦边远地区或海岛", "period kind must be hardship or island");
		if ((st = check_date(in->periods[i].start_date, "periods", true, err)) ||
		    (st = check_date(in->periods[i].end_date, "periods", true, err)))
			return st;
		if (strcmp(in->periods[i].end_date, in->periods[i].start_date) < 0)
			return sy_failf(err, SY_EINVAL, "end_before_start", "periods", "结束日期早于开始日期",
					"end date is before start date");
	}
	return SY_OK;
}

static sy_status insert_awards(db *d, int64_t sid, const struct service_input *in, sy_err *err)
{
	sy_status st = SY_OK;
	for (int i = 0; !st && i < in->nawards; i++)
		st = db_execp(d, SQL_AWARD_INSERT,
			      DB_ARGS(DB_I(sid), DB_T(in->awards[i].level), DB_I(in->awards[i].wartime ? 1 : 0),
				      DB_T(in->awards[i].date)), NULL, err);
	return st;
}

static sy_status insert_periods(db *d, int64_t sid, const struct service_input *in, sy_err *err)
{
	sy_status st = SY_OK;
	for (int i = 0; !st && i < in->nperiods; i++)
		st = db_execp(d, SQL_PERIOD_INSERT,
			      DB_ARGS(DB_I(sid), DB_T(in->periods[i].kind), DB_T(in->periods[i].start_date),
				      DB_T(in->periods[i].end_date)), NULL, err);
	return st;
}

sy_status registry_service_add(db *d, const struct principal *actor, int64_t person_id,
			       const struct service_input *in, int64_t *id, sy_err *err)
{
	char region[REGION_CODE_MAX], now[TIME_ISO_LEN];
	bool own;
	sy_status st;
	if ((st = registry_service_check(in, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_query_int(d, SQL_SERVICE_INSERT,
			       DB_ARGS(DB_I(person_id), DB_T(in->branch), DB_T(in->enlist_date),
				       DB_T(in->discharge_date), DB_T(in->rank), DB_T(in->exit_mode),
				       in->disability_grade ? DB_I(in->disability_grade) : DB_NULL,
				       DB_T(in->disability_cause), DB_T(now)), id, err)))
		goto out;
	if ((st = insert_awards(d, *id, in, err)) || (st = insert_periods(d, *id, in, err)))
		goto out;
	st = audit_person(d, actor, "person.service_add", person_id, region,
			  json_pack("{s:I, s:s}", "service_id", (json_int_t)*id, "branch", in->branch), err);
out:
	return db_tx_finish(d, own, st, err);
}

/* The text of a stored service record, copied out of its row. */
struct service_copy {
	char branch[48], enlist[16], discharge[16], rank[64], exit_mode[48], cause[24];
};

static const char *keep(char *buf, size_t n, const char *s)
{
	if (!s)
		return NULL;
	snprintf(buf, n, "%s", s);
	return buf;
}

static sy_status service_not_found(sy_err *err)
{
	return sy_failf(err, SY_ENOTFOUND, "service_not_found", NULL, "该服役记录不存在", "no such service record");
}

/* Record sid of person_id as stored (no awards or periods); SY_ENOTFOUND when it is not theirs. */
static sy_status service_load(db *d, int64_t person_id, int64_t sid, struct service_copy *buf,
			      struct service_input *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_SERVICE_GET, DB_ARGS(DB_I(person_id), DB_I(sid)), &r, err);
	if (st)
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return service_not_found(err);
	}
	*out = (struct service_input){
		.branch = keep(buf->branch, sizeof buf->branch, db_text(r, 0)),
		.enlist_date = keep(buf->enlist, sizeof buf->enlist, db_text(r, 1)),
		.discharge_date = keep(buf->discharge, sizeof buf->discharge, db_text(r, 2)),
		.rank = keep(buf->rank, sizeof buf->rank, db_text(r, 3)),
		.exit_mode = keep(buf->exit_mode, sizeof buf->exit_mode, db_text(r, 4)),
		.disability_grade = (int)db_int(r, 5),
		.disability_cause = keep(buf->cause, sizeof buf->cause, db_text(r, 6)),
	};
	db_rows_free(r);
	return SY_OK;
}

/* The stored record with the members named in fields taken from in. */
static void service_merge(struct service_input *rec, const struct service_input *in, unsigned fields)
{
	if (fields & SF_BRANCH)
		rec->branch = in->branch;
	if (fields & SF_ENLIST)
		rec->enlist_date = in->enlist_date;
	if (fields & SF_DISCHARGE)
		rec->discharge_date = in->discharge_date;
	if (fields & SF_RANK)
		rec->rank = in->rank;
	if (fields & SF_EXIT_MODE)
		rec->exit_mode = in->exit_mode;
	if (fields & SF_DISABILITY_GRADE)
		rec->disability_grade = in->disability_grade;
	if (fields & SF_DISABILITY_CAUSE)
		rec->disability_cause = in->disability_cause;
	/* lists not named keep what is stored; only a new list needs checking */
	rec->awards = (fields & SF_AWARDS) ? in->awards : NULL;
	rec->nawards = (fields & SF_AWARDS) ? in->nawards : 0;
	rec->periods = (fields & SF_PERIODS) ? in->periods : NULL;
	rec->nperiods = (fields & SF_PERIODS) ? in->nperiods : 0;
}

/* The names of the members in fields, for the audit row. */
static json_t *service_fields_json(unsigned fields)
{
	_Static_assert(SF_PERIODS == 1u << 8, "names[] follows enum service_field");
	static const char *const names[] = {"branch", "enlist_date", "discharge_date", "rank", "exit_mode",
					    "disability_grade", "disability_cause", "awards", "periods"};
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (fields & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

/* Write the merged record; the lists only when named. */
static sy_status service_write(db *d, int64_t person_id, int64_t sid, const struct service_input *rec,
			       unsigned fields, sy_err *err)
{
	char now[TIME_ISO_LEN];
	sy_status st;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_SERVICE_UPDATE,
			   DB_ARGS(DB_I(person_id), DB_I(sid), DB_T(rec->branch), DB_T(rec->enlist_date),
				   DB_T(rec->discharge_date), DB_T(rec->rank), DB_T(rec->exit_mode),
				   rec->disability_grade ? DB_I(rec->disability_grade) : DB_NULL,
				   DB_T(rec->disability_cause), DB_T(now)), NULL, err)))
		return st;
	if ((fields & SF_AWARDS) && ((st = db_execp(d, SQL_AWARDS_DELETE, DB_ARGS(DB_I(sid)), NULL, err)) ||
				     (st = insert_awards(d, sid, rec, err))))
		return st;
	if ((fields & SF_PERIODS) && ((st = db_execp(d, SQL_PERIODS_DELETE, DB_ARGS(DB_I(sid)), NULL, err)) ||
				      (st = insert_periods(d, sid, rec, err))))
		return st;
	return SY_OK;
}

sy_status registry_service_update(db *d, const struct principal *actor, int64_t person_id,
				  int64_t service_id, const struct service_input *in, unsigned fields,
				  sy_err *err)
{
	char region[REGION_CODE_MAX];
	struct service_copy buf;
	struct service_input rec;
	bool own;
	sy_status st;
	if ((fields & SF_BRANCH) && !in->branch)
		return sy_failf(err, SY_EINVAL, "required", "branch", "军种为必填项，不能清空",
				"branch is required and cannot be cleared");
	if ((fields & SF_ENLIST) && !in->enlist_date)
		return sy_failf(err, SY_EINVAL, "required", "enlist_date", "入伍批准日期为必填项，不能清空",
				"enlist_date is required and cannot be cleared");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)) ||
	    (st = service_load(d, person_id, service_id, &buf, &rec, err)))
		goto out;
	service_merge(&rec, in, fields);
	if ((st = registry_service_check(&rec, err)) || (st = service_write(d, person_id, service_id, &rec, fields, err)))
		goto out;
	st = audit_person(d, actor, "person.service_update", person_id, region,
			  json_pack("{s:I, s:o}", "service_id", (json_int_t)service_id, "changed",
				    service_fields_json(fields)), err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status registry_service_delete(db *d, const struct principal *actor, int64_t person_id,
				  int64_t service_id, const char *reason, sy_err *err)
{
	char region[REGION_CODE_MAX];
	struct service_copy buf;
	struct service_input rec;
	bool own;
	sy_status st;
	if ((st = check_text(reason, "reason", REASON_MAX, false, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_in_scope(d, actor, person_id, region, err)) ||
	    (st = service_load(d, person_id, service_id, &buf, &rec, err)) ||
	    (st = db_execp(d, SQL_AWARDS_DELETE, DB_ARGS(DB_I(service_id)), NULL, err)) ||
	    (st = db_execp(d, SQL_PERIODS_DELETE, DB_ARGS(DB_I(service_id)), NULL, err)) ||
	    (st = db_execp(d, SQL_SERVICE_DELETE, DB_ARGS(DB_I(person_id), DB_I(service_id)), NULL, err)))
		goto out;
	/* what was removed, so the audit log can tell what the record said */
	st = audit_person(d, actor, "person.service_delete", person_id, region,
			  json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "service_id", (json_int_t)service_id,
				    "branch", rec.branch, "enlist_date", rec.enlist_date, "discharge_date",
				    rec.discharge_date, "rank", rec.rank, "exit_mode", rec.exit_mode, "reason", reason),
			  err);
out:
	return db_tx_finish(d, own, st, err);
}
