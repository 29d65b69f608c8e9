/*
 * people_routes.c - /api/v1/people: search and export, a person's page,
 * create and change (null clears an optional field), status, categories,
 * family links, service history (each removable when entered by mistake),
 * and unmasking with a reason.
 */
#include <string.h>

#include "db/audit.h"
#include "http/http.h"
#include "people.h"

#define STAFF_WRITE (ROLE_ADMIN | ROLE_OFFICER)

static const struct export_column people_columns[] = {
	{"id", "编号", "ID"},
	{"name", "姓名", "Name"},
	{"id_number", "身份证号", "ID number"},
	{"sex", "性别", "Sex"},
	{"birth_date", "出生日期", "Birth date"},
	{"phone", "电话", "Phone"},
	{"region_code", "地区代码", "Region code"},
	{"region_name", "地区", "Region"},
	{"address", "居住地址", "Address"},
	{"status", "状态", "Status"},
};

/* The columns of the import template, so an export can be fixed and imported again. */
static const struct export_column people_import_columns[] = {
	{"id_number", "身份证号", "id_number"},
	{"name", "姓名", "name"},
	{"phone", "电话", "phone"},
	{"region_code", "居住地区代码", "region_code"},
	{"address", "居住地址", "address"},
};

static sy_status get_people(struct http_req *r, sy_err *err)
{
	struct people_filter f = {0};
	enum export_format fmt;
	const char *sort, *unmask, *reason;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "q", 100, &f.q, err)) ||
	    (st = http_query_str(r, "category", 32, &f.category, err)) ||
	    (st = http_query_str(r, "region", 15, &f.region, err)) ||
	    (st = http_query_str(r, "status", 32, &f.status, err)) ||
	    (st = http_query_str(r, "sort", 16, &sort, err)) ||
	    (st = http_query_str(r, "unmask", 1, &unmask, err)) ||
	    (st = http_query_str(r, "reason", REASON_MAX, &reason, err)))
		return st;
	if (sort && strcmp(sort, "id") && strcmp(sort, "name") && strcmp(sort, "birth_date"))
		return sy_failf(err, SY_EINVAL, "invalid_sort", "sort", "排序只能是 id、name 或 birth_date",
				"sort must be id, name or birth_date");
	f.sort = !sort ? SORT_ID : !strcmp(sort, "name") ? SORT_NAME : !strcmp(sort, "birth_date") ? SORT_BIRTH : SORT_ID;
	f.unmask = unmask && !strcmp(unmask, "1");
	if (f.unmask) {
		/* Unmasked lists leave only as files, only for roles that may see them, with a reason. */
		if (fmt == EXPORT_NONE)
			return sy_failf(err, SY_EINVAL, "unmask_export_only", "unmask",
					"只有导出文件时可以显示完整信息", "unmasked data is only available as an export");
		if ((st = registry_check_unmask(&r->who, reason, err)))
			return st;
	}
	if ((st = registry_people_search(r->db, &r->who, &f, &items, &next, err)))
		return st;
	if (f.unmask) {
		json_t *detail = json_pack("{s:s, s:I, s:s?, s:s?, s:s?}", "reason", reason, "rows",
					   (json_int_t)json_array_size(items), "q", f.q, "region", f.region,
					   "category", f.category);
		struct audit_event ev = {.action = "people.export_unmasked", .object_type = "people",
					 .region_code = f.region ? f.region : r->who.region_code, .detail = detail};
		st = audit_write(r->db, &r->who, &ev, err);
		json_decref(detail);
		if (st) {
			json_decref(items);
			return st;
		}
	}
	const char *layout = http_query(r, "layout");
	if (layout && !strcmp(layout, "import"))
		return http_send_list(r, items, next, people_import_columns,
				      (int)(sizeof people_import_columns / sizeof people_import_columns[0]), "people", err);
	return http_send_list(r, items, next, people_columns,
			      (int)(sizeof people_columns / sizeof people_columns[0]), "people", err);
}

static sy_status read_person_input(struct http_req *r, struct person_input *in, sy_err *err)
{
	sy_status st;
	json_t *lat = json_object_get(r->in, "lat"), *lon = json_object_get(r->in, "lon");
	if ((st = http_in_str(r, "id_number", false, 32, &in->id_number, err)) ||
	    (st = http_in_str(r, "name", false, PERSON_NAME_MAX, &in->name, err)) ||
	    (st = http_in_str(r, "phone", false, 20, &in->phone, err)) ||
	    (st = http_in_str(r, "region_code", false, 15, &in->region_code, err)) ||
	    (st = http_in_str(r, "address", false, ADDRESS_MAX, &in->address, err)) ||
	    (st = http_in_str(r, "household_region_code", false, 15, &in->household_region_code, err)) ||
	    (st = http_in_str(r, "household_address", false, ADDRESS_MAX, &in->household_address, err)) ||
	    (st = http_in_str(r, "status", false, 32, &in->status, err)))
		return st;
	if ((lat && !json_is_null(lat)) || (lon && !json_is_null(lon))) {
		if (!json_is_number(lat) || !json_is_number(lon))
			return sy_failf(err, SY_EINVAL, "invalid_coordinates", "lat",
					"经纬度须同时给出且为数字", "lat and lon must both be numbers");
		in->has_coords = true;
		in->lat = json_number_value(lat);
		in->lon = json_number_value(lon);
	}
	return SY_OK;
}

static sy_status reply_person(struct http_req *r, int status, int64_t id, sy_err *err)
{
	json_t *p;
	sy_status st = registry_person_get(r->db, &r->who, id, &p, err);
	if (st)
		return st;
	http_json(r, status, p);
	return SY_OK;
}

static sy_status post_people(struct http_req *r, sy_err *err)
{
	struct person_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = read_person_input(r, &in, err)) ||
	    (st = registry_person_create(r->db, &r->who, &in, &id, err)))
		return st;
	return reply_person(r, 201, id, err);
}

static sy_status get_person(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st = http_param_id(r, "id", &id, err);
	return st ? st : reply_person(r, 200, id, err);
}

/* A field a PATCH body names with null (or ""): to be emptied. */
static bool nulled(const json_t *in, const char *key)
{
	const json_t *v = json_object_get(in, key);
	return v && (json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0));
}

/* The fields a PATCH body clears (absent ones stay as they are). */
static unsigned cleared_fields(const json_t *in)
{
	static const struct {
		const char *key;
		unsigned bit;
	} keys[] = {
		{"name", PF_NAME}, {"region_code", PF_REGION}, {"phone", PF_PHONE}, {"address", PF_ADDRESS},
		{"household_region_code", PF_HOUSEHOLD_REGION}, {"household_address", PF_HOUSEHOLD_ADDRESS},
	};
	unsigned bits = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (nulled(in, keys[i].key))
			bits |= keys[i].bit;
	/* coordinates go together: a null beside a number is refused by read_person_input */
	const json_t *lat = json_object_get(in, "lat"), *lon = json_object_get(in, "lon");
	if ((json_is_null(lat) || json_is_null(lon)) && !json_is_number(lat) && !json_is_number(lon))
		bits |= PF_COORDS;
	return bits;
}

static sy_status patch_person(struct http_req *r, sy_err *err)
{
	struct person_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)))
		return st;
	/* named at all, even as null: neither is changed here */
	if (json_object_get(r->in, "id_number"))
		return sy_failf(err, SY_EINVAL, "id_number_immutable", "id_number",
				"身份证号不能修改；如有错误请注销后重新建档",
				"the ID number cannot change; close the record and create a new one");
	if (json_object_get(r->in, "status"))
		return sy_failf(err, SY_EINVAL, "use_status_route", "status", "状态变更请使用状态登记",
				"change status through /status, which records the date");
	if ((st = read_person_input(r, &in, err)))
		return st;
	in.clear = cleared_fields(r->in);
	if ((st = registry_person_update(r->db, &r->who, id, &in, err)))
		return st;
	return reply_person(r, 200, id, err);
}

static sy_status post_person_status(struct http_req *r, sy_err *err)
{
	const char *status, *since, *reason, *death_kind;
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "status", true, 32, &status, err)) ||
	    (st = http_in_str(r, "since", true, 10, &since, err)) ||
	    (st = http_in_str(r, "reason", false, REASON_MAX, &reason, err)) ||
	    (st = http_in_str(r, "death_kind", false, 16, &death_kind, err)) ||
	    (st = registry_person_set_status(r->db, &r->who, id, status, since, reason, death_kind, err)))
		return st;
	return reply_person(r, 200, id, err);
}

static sy_status post_person_unmask(struct http_req *r, sy_err *err)
{
	const char *reason;
	int64_t id;
	json_t *out;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "reason", true, REASON_MAX, &reason, err)) ||
	    (st = registry_person_unmask(r->db, &r->who, id, reason, &out, err)))
		return st;
	http_json(r, 200, out);
	return SY_OK;
}

static sy_status post_person_category(struct http_req *r, sy_err *err)
{
	struct category_input in = {0};
	int64_t id, cid, grade = 0;
	bool present;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "category", true, 32, &in.category, err)) ||
	    (st = http_in_str(r, "start_date", false, 10, &in.start_date, err)) ||
	    (st = http_in_str(r, "end_date", false, 10, &in.end_date, err)) ||
	    (st = http_in_int(r, "disability_grade", false, 1, 10, &present, &grade, err)) ||
	    (st = http_in_str(r, "disability_cause", false, 16, &in.disability_cause, err)) ||
	    (st = http_in_str(r, "note", false, REASON_MAX, &in.note, err)))
		return st;
	in.disability_grade = (int)grade;
	if ((st = registry_category_add(r->db, &r->who, id, &in, &cid, err)))
		return st;
	return reply_person(r, 201, id, err);
}

static sy_status post_person_category_end(struct http_req *r, sy_err *err)
{
	const char *end;
	int64_t id, cid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "cid", &cid, err)) ||
	    (st = http_in_str(r, "end_date", true, 10, &end, err)) ||
	    (st = registry_category_end(r->db, &r->who, id, cid, end, err)))
		return st;
	return reply_person(r, 200, id, err);
}

/* The optional reason a removal gives, kept in its audit row. */
static sy_status read_reason(struct http_req *r, const char **reason, sy_err *err)
{
	return http_in_str(r, "reason", false, REASON_MAX, reason, err);
}

static sy_status delete_person_category(struct http_req *r, sy_err *err)
{
	const char *reason;
	int64_t id, cid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "cid", &cid, err)) ||
	    (st = read_reason(r, &reason, err)) ||
	    (st = registry_category_delete(r->db, &r->who, id, cid, reason, err)))
		return st;
	return reply_person(r, 200, id, err);
}

static sy_status delete_person_family(struct http_req *r, sy_err *err)
{
	const char *reason;
	int64_t id, lid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "lid", &lid, err)) ||
	    (st = read_reason(r, &reason, err)) ||
	    (st = registry_family_unlink(r->db, &r->who, id, lid, reason, err)))
		return st;
	return reply_person(r, 200, id, err);
}

static sy_status post_person_family(struct http_req *r, sy_err *err)
{
	const char *relation;
	int64_t id, rel, link;
	bool present, supported = false;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_int(r, "relative_id", true, 1, INT64_MAX, NULL, &rel, err)) ||
	    (st = http_in_str(r, "relation", true, 16, &relation, err)) ||
	    (st = http_in_bool(r, "supported", &present, &supported, err)) ||
	    (st = registry_family_link(r->db, &r->who, id, rel, relation, supported, &link, err)))
		return st;
	return reply_person(r, 201, id, err);
}

#define MAX_AWARDS 32
#define MAX_PERIODS 32

static sy_status read_awards(struct http_req *r, struct award_input *a, int *n, sy_err *err)
{
	json_t *arr = json_object_get(r->in, "awards"), *it;
	size_t i;
	*n = 0;
	if (!arr || json_is_null(arr))
		return SY_OK;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_AWARDS)
		return sy_failf(err, SY_EINVAL, "invalid_type", "awards", "奖励须为列表（最多32项）",
				"awards must be a list of at most 32");
	json_array_foreach(arr, i, it) {
		json_t *lv = json_object_get(it, "level"), *wt = json_object_get(it, "wartime"),
		       *dt = json_object_get(it, "date");
		if (!json_is_object(it) || !json_is_string(lv) || (wt && !json_is_boolean(wt)) ||
		    (dt && !json_is_null(dt) && !json_is_string(dt)))
			return sy_failf(err, SY_EINVAL, "invalid_type", "awards",
					"每项奖励须含 level，可含 wartime 与 date", "each award needs a level, and may have wartime and date");
		a[i] = (struct award_input){json_string_value(lv), json_is_true(wt), json_string_value(dt)};
	}
	*n = (int)json_array_size(arr);
	return SY_OK;
}

static sy_status read_periods(struct http_req *r, struct period_input *p, int *n, sy_err *err)
{
	json_t *arr = json_object_get(r->in, "periods"), *it;
	size_t i;
	*n = 0;
	if (!arr || json_is_null(arr))
		return SY_OK;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_PERIODS)
		return sy_failf(err, SY_EINVAL, "invalid_type", "periods", "服役经历须为列表（最多32项）",
				"periods must be a list of at most 32");
	json_array_foreach(arr, i, it) {
		json_t *k = json_object_get(it, "kind"), *s = json_object_get(it, "start_date"),
		       *e = json_object_get(it, "end_date");
		if (!json_is_object(it) || !json_is_string(k) || !json_is_string(s) || !json_is_string(e))
			return sy_failf(err, SY_EINVAL, "invalid_type", "periods",
					"每段经历须含 kind、start_date、end_date", "each period needs kind, start_date and end_date");
		p[i] = (struct period_input){json_string_value(k), json_string_value(s), json_string_value(e)};
	}
	*n = (int)json_array_size(arr);
	return SY_OK;
}

/* A service record's fields from the body; required ones only when creating. */
static sy_status read_service(struct http_req *r, bool creating, struct service_input *in,
			      struct award_input *awards, struct period_input *periods, sy_err *err)
{
	int64_t grade = 0;
	bool present;
	sy_status st;
	if ((st = http_in_str(r, "branch", creating, 32, &in->branch, err)) ||
	    (st = http_in_str(r, "enlist_date", creating, 10, &in->enlist_date, err)) ||
	    (st = http_in_str(r, "discharge_date", false, 10, &in->discharge_date, err)) ||
	    (st = http_in_str(r, "rank", false, 40, &in->rank, err)) ||
	    (st = http_in_str(r, "exit_mode", false, 32, &in->exit_mode, err)) ||
	    (st = http_in_int(r, "disability_grade", false, 1, 10, &present, &grade, err)) ||
	    (st = http_in_str(r, "disability_cause", false, 16, &in->disability_cause, err)) ||
	    (st = read_awards(r, awards, &in->nawards, err)) ||
	    (st = read_periods(r, periods, &in->nperiods, err)))
		return st;
	in->disability_grade = (int)grade;
	in->awards = awards;
	in->periods = periods;
	return SY_OK;
}

static sy_status post_person_service(struct http_req *r, sy_err *err)
{
	struct service_input in = {0};
	struct award_input awards[MAX_AWARDS];
	struct period_input periods[MAX_PERIODS];
	int64_t id, sid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = read_service(r, true, &in, awards, periods, err)) ||
	    (st = registry_service_add(r->db, &r->who, id, &in, &sid, err)))
		return st;
	return reply_person(r, 201, id, err);
}

/* The members a PATCH body names (null or "" included: those are cleared). */
static unsigned service_fields(const json_t *in)
{
	static const char *const keys[] = {"branch", "enlist_date", "discharge_date", "rank", "exit_mode",
					   "disability_grade", "disability_cause", "awards", "periods"};
	_Static_assert(SF_PERIODS == 1u << 8, "keys[] follows enum service_field");
	unsigned bits = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (json_object_get(in, keys[i]))
			bits |= 1u << i;
	return bits;
}

static sy_status patch_person_service(struct http_req *r, sy_err *err)
{
	struct service_input in = {0};
	struct award_input awards[MAX_AWARDS];
	struct period_input periods[MAX_PERIODS];
	int64_t id, sid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "sid", &sid, err)) ||
	    (st = read_service(r, false, &in, awards, periods, err)) ||
	    (st = registry_service_update(r->db, &r->who, id, sid, &in, service_fields(r->in), err)))
		return st;
	return reply_person(r, 200, id, err);
}

static sy_status delete_person_service(struct http_req *r, sy_err *err)
{
	const char *reason;
	int64_t id, sid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "sid", &sid, err)) ||
	    (st = read_reason(r, &reason, err)) ||
	    (st = registry_service_delete(r->db, &r->who, id, sid, reason, err)))
		return st;
	return reply_person(r, 200, id, err);
}

const struct route people_routes[] = {
	{"GET", "/api/v1/people", get_people, ROLES_STAFF, ROUTE_EXPORT,
	 "Search people (?q name/ID/last digits/phone, category, region, status, sort, limit, cursor;"
	 " exports may ask unmask=1 with a reason, audited; layout=import gives the import template's"
	 " columns, encoding=gb18030 a file as Chinese Excel saves it)", NULL},
	{"POST", "/api/v1/people", post_people, STAFF_WRITE, 0, "Register a person (身份证号 validated by GB 11643)",
	 "{\"id_number\":\"{idnumber}\",\"name\":\"王建国\",\"phone\":\"13800001234\",\"region_code\":\"130902\","
	 "\"address\":\"新华区建设北大街12号\"}"},
	{"GET", "/api/v1/people/{id}", get_person, ROLES_STAFF | ROLE_PERSON, 0,
	 "A person's page (masked): facts, categories and why, family, service, status history", NULL},
	{"PATCH", "/api/v1/people/{id}", patch_person, STAFF_WRITE, 0, "Change a person's details",
	 "{\"address\":\"新华区解放西路8号\"}"},
	{"POST", "/api/v1/people/{id}/status", post_person_status, STAFF_WRITE, 0,
	 "Record a dated status change", "{\"status\":\"normal\",\"since\":\"2026-01-01\",\"reason\":\"核实\"}"},
	{"POST", "/api/v1/people/{id}/unmask", post_person_unmask, STAFF_WRITE, 0,
	 "The full 身份证号 and phone, with a reason (audited)", "{\"reason\":\"办理优待证核对身份\"}"},
	{"POST", "/api/v1/people/{id}/categories", post_person_category, STAFF_WRITE, 0,
	 "Add a category the person holds", "{\"category\":\"veteran\",\"start_date\":\"2010-12-01\"}"},
	{"POST", "/api/v1/people/{id}/categories/{cid}/end", post_person_category_end, STAFF_WRITE, 0,
	 "End a category on a date", "{\"end_date\":\"2026-01-01\"}"},
	{"DELETE", "/api/v1/people/{id}/categories/{cid}", delete_person_category, STAFF_WRITE, 0,
	 "Delete a category entered by mistake (to stop one that held, end it); optional reason, audited",
	 "{\"reason\":\"录入错误\"}"},
	{"POST", "/api/v1/people/{id}/family", post_person_family, STAFF_WRITE, 0,
	 "Link a relative (what the relative is to this person)",
	 "{\"relative_id\":\"{relative}\",\"relation\":\"child\"}"},
	{"DELETE", "/api/v1/people/{id}/family/{lid}", delete_person_family, STAFF_WRITE, 0,
	 "Remove a family link (either side); the categories derived from it go with it. Optional reason, audited",
	 "{\"reason\":\"关系登记错误\"}"},
	{"POST", "/api/v1/people/{id}/service", post_person_service, STAFF_WRITE, 0,
	 "Add a service record with awards and hardship/island periods",
	 "{\"branch\":\"army\",\"enlist_date\":\"2008-12-01\",\"discharge_date\":\"2020-12-01\",\"rank\":\"上士\","
	 "\"exit_mode\":\"placed\",\"awards\":[{\"level\":\"merit_3\",\"wartime\":false,\"date\":\"2015-08-01\"}]}"},
	{"PATCH", "/api/v1/people/{id}/service/{sid}", patch_person_service, STAFF_WRITE, 0,
	 "Change a service record: fields absent stay, null clears an optional one, awards/periods given replace"
	 " the list; checked as when added",
	 "{\"discharge_date\":\"2020-12-01\",\"exit_mode\":\"placed\",\"rank\":\"四级军士长\"}"},
	{"DELETE", "/api/v1/people/{id}/service/{sid}", delete_person_service, STAFF_WRITE, 0,
	 "Delete a service record with its awards and periods; optional reason, audited",
	 "{\"reason\":\"重复录入\"}"},
};
const int people_routes_count = sizeof people_routes / sizeof people_routes[0];
