/*
 * orgs_routes.c - /api/v1/orgs: the list and export, one organisation's
 * page, creating and changing organisations, their contacts, and an
 * association's member units. Every change answers with the page.
 */
#include "http/http.h"
#include "orgs.h"

#define STAFF_WRITE (ROLE_ADMIN | ROLE_OFFICER)

static const struct export_column org_columns[] = {
	{"id", "编号", "ID"},
	{"name", "名称", "Name"},
	{"type", "类型", "Type"},
	{"region_code", "地区代码", "Region code"},
	{"region_name", "地区", "Region"},
	{"address", "地址", "Address"},
	{"lat", "纬度", "Latitude"},
	{"lon", "经度", "Longitude"},
};

static sy_status get_orgs(struct http_req *r, sy_err *err)
{
	struct org_filter f = {0};
	enum export_format fmt;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "type", 32, &f.type, err)) ||
	    (st = http_query_str(r, "region", 15, &f.region, err)) ||
	    (st = http_query_str(r, "q", 100, &f.q, err)))
		return st;
	if ((st = registry_orgs(r->db, &r->who, &f, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, org_columns,
			      (int)(sizeof org_columns / sizeof org_columns[0]), "orgs", err);
}

/* A text field of a create or change: absent, or a value, or null/"" (cleared). */
static sy_status in_field(struct http_req *r, const char *key, size_t maxlen, struct org_field *f,
			  sy_err *err)
{
	f->set = json_object_get(r->in, key) != NULL;
	return http_in_str(r, key, false, maxlen, &f->value, err);
}

/* lat and lon come together: both numbers, or both null (cleared), or neither. */
static sy_status in_coords(struct http_req *r, struct org_input *in, sy_err *err)
{
	json_t *lat = json_object_get(r->in, "lat"), *lon = json_object_get(r->in, "lon");
	if (!lat && !lon)
		return SY_OK;
	if (lat && !json_is_null(lat) && !json_is_number(lat))
		return sy_failf(err, SY_EINVAL, "invalid_type", "lat", "纬度必须是数字", "lat must be a number");
	if (lon && !json_is_null(lon) && !json_is_number(lon))
		return sy_failf(err, SY_EINVAL, "invalid_type", "lon", "经度必须是数字", "lon must be a number");
	bool has_lat = lat && !json_is_null(lat), has_lon = lon && !json_is_null(lon);
	if (!lat || !lon || has_lat != has_lon)
		return sy_failf(err, SY_EINVAL, "invalid_coordinates", has_lat ? "lon" : "lat",
				"经纬度须同时填写（或同时清空）", "lat and lon go together (both numbers, or both null)");
	in->coords_set = true;
	in->has_coords = has_lat;
	in->lat = has_lat ? json_number_value(lat) : 0;
	in->lon = has_lon ? json_number_value(lon) : 0;
	return SY_OK;
}

/* Byte limits here only stop the absurd; the domain counts characters. */
static sy_status read_org_input(struct http_req *r, struct org_input *in, sy_err *err)
{
	sy_status st;
	if ((st = in_field(r, "name", 4 * ORG_NAME_CHARS, &in->name, err)) ||
	    (st = in_field(r, "type", 32, &in->type, err)) ||
	    (st = in_field(r, "region_code", 15, &in->region_code, err)) ||
	    (st = in_field(r, "address", 4 * ORG_ADDRESS_CHARS, &in->address, err)) ||
	    (st = in_field(r, "phone", 20, &in->phone, err)) ||
	    (st = in_field(r, "note", 4 * ORG_NOTE_CHARS, &in->note, err)) ||
	    (st = in_field(r, "contact_name", 4 * ORG_CONTACT_CHARS, &in->contact_name, err)) ||
	    (st = in_field(r, "contact_phone", 20, &in->contact_phone, err)))
		return st;
	return in_coords(r, in, err);
}

static sy_status reply_org(struct http_req *r, int status, int64_t id, sy_err *err)
{
	json_t *o;
	sy_status st = registry_org_get(r->db, &r->who, id, &o, err);
	if (st)
		return st;
	http_json(r, status, o);
	return SY_OK;
}

static sy_status post_orgs(struct http_req *r, sy_err *err)
{
	struct org_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = read_org_input(r, &in, err)) || (st = registry_org_create(r->db, &r->who, &in, &id, err)))
		return st;
	return reply_org(r, 201, id, err);
}

static sy_status get_org(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st = http_param_id(r, "id", &id, err);
	return st ? st : reply_org(r, 200, id, err);
}

static sy_status patch_org(struct http_req *r, sy_err *err)
{
	struct org_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = read_org_input(r, &in, err)) ||
	    (st = registry_org_update(r->db, &r->who, id, &in, err)))
		return st;
	return reply_org(r, 200, id, err);
}

static sy_status post_org_contact(struct http_req *r, sy_err *err)
{
	struct org_contact_input in = {0};
	int64_t id, cid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "name", true, 4 * ORG_CONTACT_CHARS, &in.name, err)) ||
	    (st = http_in_str(r, "title", false, 4 * ORG_CONTACT_CHARS, &in.title, err)) ||
	    (st = http_in_str(r, "phone", false, 20, &in.phone, err)) ||
	    (st = registry_org_contact_add(r->db, &r->who, id, &in, &cid, err)))
		return st;
	return reply_org(r, 201, id, err);
}

static sy_status delete_org_contact(struct http_req *r, sy_err *err)
{
	int64_t id, cid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "cid", &cid, err)) ||
	    (st = registry_org_contact_remove(r->db, &r->who, id, cid, err)))
		return st;
	return reply_org(r, 200, id, err);
}

static sy_status post_org_member(struct http_req *r, sy_err *err)
{
	int64_t id, member;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_int(r, "member_id", true, 1, INT64_MAX, NULL, &member, err)) ||
	    (st = registry_org_member_add(r->db, &r->who, id, member, err)))
		return st;
	return reply_org(r, 201, id, err);
}

static sy_status delete_org_member(struct http_req *r, sy_err *err)
{
	int64_t id, member;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "mid", &member, err)) ||
	    (st = registry_org_member_remove(r->db, &r->who, id, member, err)))
		return st;
	return reply_org(r, 200, id, err);
}

const struct route orgs_routes[] = {
	{"GET", "/api/v1/orgs", get_orgs, ROLES_ALL, ROUTE_EXPORT,
	 "Organisations in the caller's scope (?type, region, q, limit, cursor)", NULL},
	{"POST", "/api/v1/orgs", post_orgs, STAFF_WRITE, 0,
	 "Register an organisation (officers: in their region)",
	 "{\"name\":\"沧州新华拥军便民超市{uniq}\",\"type\":\"merchant\",\"region_code\":\"130902\","
	 "\"address\":\"新华区建设北大街20号\",\"lat\":38.315,\"lon\":116.867,\"phone\":\"0317-2345678\","
	 "\"contact_name\":\"李明\",\"contact_phone\":\"13800001111\"}"},
	{"GET", "/api/v1/orgs/{id}", get_org, ROLES_STAFF | ROLES_ORG, 0,
	 "An organisation's page: facts, contacts, an association's members, the associations it belongs to"
	 " (organisation roles: their own only)", NULL},
	{"PATCH", "/api/v1/orgs/{id}", patch_org, STAFF_WRITE, 0,
	 "Change an organisation (absent fields stay; null clears an optional one)",
	 "{\"address\":\"新华区解放东路8号\",\"note\":\"周末照常营业\"}"},
	{"POST", "/api/v1/orgs/{id}/contacts", post_org_contact, STAFF_WRITE, 0,
	 "Add a contact (besides the primary contact)",
	 "{\"name\":\"王强\",\"title\":\"双拥联络员\",\"phone\":\"13900002222\"}"},
	{"DELETE", "/api/v1/orgs/{id}/contacts/{cid}", delete_org_contact, STAFF_WRITE, 0,
	 "Remove a contact", NULL},
	{"POST", "/api/v1/orgs/{id}/members", post_org_member, STAFF_WRITE, 0,
	 "Add a member unit to an association (one the caller may read; twice is 409 already_member)",
	 "{\"member_id\":\"{member}\"}"},
	{"DELETE", "/api/v1/orgs/{id}/members/{mid}", delete_org_member, STAFF_WRITE, 0,
	 "Remove a member unit from an association", NULL},
};
const int orgs_routes_count = sizeof orgs_routes / sizeof orgs_routes[0];
