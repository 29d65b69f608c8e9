/* routes.c - GET /api/v1/keys: the public keys an offline verifier downloads (no login). */
#include <time.h>

#include "http/http.h"
#include "keys.h"

static sy_status get_keys(struct http_req *r, sy_err *err)
{
	json_t *items = NULL;
	sy_status st = http_db(r, err); /* public routes get no connection from dispatch */
	if (st)
		return st;
	st = keys_list(r->db, false, (int64_t)time(NULL), &items, err);
	if (st)
		return st;
	/* code_ttl and clock_skew: what an offline verifier needs to judge a code's times as the server does. */
	json_t *body = json_pack("{s:o, s:I, s:I}", "items", items, "code_ttl", (json_int_t)keys_cfg.code_ttl,
				 "clock_skew", (json_int_t)keys_cfg.clock_skew);
	if (!body)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, body);
	return SY_OK;
}

const struct route keys_routes[] = {
	{"GET", "/api/v1/keys", get_keys, 0, ROUTE_PUBLIC,
	 "Public e-card signing keys still good for verification (Ed25519, base64url), current first",
	 NULL},
};
const int keys_routes_count = sizeof keys_routes / sizeof keys_routes[0];
