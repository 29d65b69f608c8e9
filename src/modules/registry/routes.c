/* routes.c - /api/v1/regions and /api/v1/orgs. */
#include "http/http.h"
#include "registry.h"

static sy_status get_regions(struct http_req *r, sy_err *err)
{
	json_t *items;
	sy_status st = registry_regions(r->db, &items, err);
	if (st)
		return st;
	http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
	return SY_OK;
}

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

const struct route registry_routes[] = {
	{"GET", "/api/v1/regions", get_regions, ROLES_ALL, 0,
	 "Cangzhou's regions (GB/T 2260; population and seat coordinates approximate)", NULL},
	{"GET", "/api/v1/orgs", get_orgs, ROLES_ALL, ROUTE_EXPORT,
	 "Organisations in the caller's scope (?type, region, q, limit, cursor)", NULL},
};
const int registry_routes_count = sizeof registry_routes / sizeof registry_routes[0];
