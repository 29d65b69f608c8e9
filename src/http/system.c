/*
 * system.c - /healthz, /metrics and /api/v1/openapi.json. The OpenAPI
 * description is generated from the route table, so it cannot drift from
 * what the server routes; a test compares the two over a socket.
 */
#include <string.h>

#include "metrics.h"
#include "system.h"

#ifndef SY_VERSION
#define SY_VERSION "0.1.0"
#endif

static sy_status get_healthz(struct http_req *r, sy_err *err)
{
	/* ?deep=1 also asks the database; plain /healthz stays cheap for load balancers. */
	const char *deep = http_query(r, "deep");
	if (deep && strcmp(deep, "1") == 0) {
		sy_status st = http_db(r, err);
		if (st)
			return st;
		if (!db_ping(r->db))
			return sy_failf(err, SY_EUNAVAILABLE, "database_unavailable", NULL,
					"数据库暂时不可用", "database unavailable");
	}
	r->out_static = "{\"status\":\"ok\"}";
	r->out_len = strlen(r->out_static);
	r->content_type = "application/json";
	return SY_OK;
}

static sy_status get_metrics(struct http_req *r, sy_err *err)
{
	strbuf sb;
	sb_init(&sb);
	metrics_render(&sb);
	if (sb.oom) {
		sb_free(&sb);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	r->out_len = sb.len;
	r->out = sb_steal(&sb);
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return SY_OK;
}

static json_t *roles_array(unsigned roles)
{
	json_t *a = json_array();
	for (int i = 0; i < ROLE_COUNT; i++)
		if (roles & (unsigned)role_at(i))
			json_array_append_new(a, json_string(role_name(role_at(i))));
	return a;
}

static json_t *path_parameters(const char *pattern)
{
	json_t *params = json_array();
	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e)
			break;
		json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
						 (size_t)(e - p - 1), "in", "path", "required", 1,
						 "schema", "type", "string"));
	}
	return params;
}

static json_t *operation(const struct route *rt)
{
	json_t *op = json_pack("{s:s, s:o}", "summary", rt->summary ? rt->summary : "",
			       "parameters", path_parameters(rt->pattern));
	json_t *responses = json_pack("{s:{s:s}, s:{s:s}}", "200", "description", "OK",
				      "default", "description",
				      "Error: {\"error\":{\"code\",\"message\",\"field\"}}");
	json_object_set_new(op, "responses", responses);
	if (rt->flags & ROUTE_PUBLIC) {
		json_object_set_new(op, "security", json_array());
		json_object_set_new(op, "x-roles", json_string("public"));
	} else {
		json_object_set_new(op, "x-roles", roles_array(rt->roles));
	}
	if (rt->flags & ROUTE_EXPORT)
		json_array_append_new(json_object_get(op, "parameters"),
				      json_pack("{s:s, s:s, s:{s:s, s:[s,s,s]}}", "name", "format",
						"in", "query", "schema", "type", "string", "enum",
						"json", "csv", "xlsx"));
	if (rt->example && (rt->flags & ROUTE_UPLOAD)) {
		/* an upload's example is the file itself */
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:s}}}", "required", 1, "content", "text/csv",
					      "example", rt->example));
	} else if (rt->example) {
		json_t *ex = json_loads(rt->example, 0, NULL);
		if (ex)
			json_object_set_new(op, "requestBody",
					    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
						      "application/json", "example", ex));
	}
	return op;
}

json_t *openapi_document(const char *version)
{
	json_t *paths = json_object();
	const struct route *rt;
	for (int i = 0; (rt = http_route_at(i)); i++) {
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char method[16];
		size_t n = strlen(rt->method);
		if (n >= sizeof method)
			continue;
		for (size_t k = 0; k <= n; k++)
			method[k] = (char)(rt->method[k] >= 'A' && rt->method[k] <= 'Z'
						   ? rt->method[k] + 32 : rt->method[k]);
		json_object_set_new(item, method, operation(rt));
	}
	return json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s, s:s}, s:{s:s, s:s}}}, s:[{s:[]},{s:[]}]}",
		"openapi", "3.0.3", "info", "title", "Shuangyong 双拥服务平台 API", "version", version,
		"description", "Errors: {\"error\":{\"code\",\"message\",\"field\"}}; lists: {\"items\",\"next\"}; "
			       "messages in Chinese unless Accept-Language: en.",
		"paths", paths, "components", "securitySchemes", "session", "type", "apiKey", "in",
		"cookie", "name", "sy_session", "bearer", "type", "http", "scheme", "bearer",
		"security", "session", "bearer");
}

static sy_status get_openapi(struct http_req *r, sy_err *err)
{
	json_t *doc = openapi_document(SY_VERSION);
	if (!doc)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, doc);
	return SY_OK;
}

const struct route system_routes[] = {
	{"GET", "/healthz", get_healthz, 0, ROUTE_PUBLIC | ROUTE_NO_LOG, "Liveness (?deep=1 also checks the database)", NULL},
	{"GET", "/metrics", get_metrics, 0, ROUTE_PUBLIC | ROUTE_NO_LOG, "Prometheus metrics", NULL},
	{"GET", "/api/v1/openapi.json", get_openapi, 0, ROUTE_PUBLIC, "This OpenAPI description", NULL},
};
const int system_routes_count = sizeof system_routes / sizeof system_routes[0];
