/* routes.c - /api/v1/home: the first screen of every role. */
#include "home.h"
#include "http/http.h"

static sy_status get_home(struct http_req *r, sy_err *err)
{
	json_t *body;
	sy_status st = home_summary(r->db, &r->who, &body, err);
	if (st)
		return st;
	/* The map pages' tiles (configuration): none means maps drawn offline. */
	json_object_set_new(body, "map", json_pack("{s:s?, s:s?}", "tiles", http_cfg.map_tiles, "attribution",
						   http_cfg.map_attribution));
	http_json(r, 200, body);
	return SY_OK;
}

const struct route home_routes[] = {
	{"GET", "/api/v1/home", get_home, ROLES_ALL, 0, "The caller's home page: counts in their scope, and the map pages' tile settings (map.tiles: a URL template, or null: no tiles)", NULL},
};
const int home_routes_count = sizeof home_routes / sizeof home_routes[0];
