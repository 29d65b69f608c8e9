/* routes.c - /api/v1/regions (organisations: orgs_routes.c). */
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

const struct route registry_routes[] = {
	{"GET", "/api/v1/regions", get_regions, ROLES_ALL, 0,
	 "Cangzhou's regions (GB/T 2260; population and seat coordinates approximate)", NULL},
};
const int registry_routes_count = sizeof registry_routes / sizeof registry_routes[0];
