/*
 * circle_routes.c - /api/v1/circle: nearby search (anyone signed in), the
 * coverage analysis (staff, scoped), and its settings (admin edits).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "circle.h"
#include "http/http.h"

/* A number from the query string; absent leaves *out. 400 naming key when it is not one. */
static sy_status query_double(struct http_req *r, const char *key, bool required, double *out, sy_err *err)
{
	const char *v = http_query(r, key);
	char *end;
	if (!v || !*v) {
		if (!required)
			return SY_OK;
		return sy_fail(err, SY_EINVAL, "required", key, "缺少参数 %s", "%s is required", key);
	}
	errno = 0;
	double d = strtod(v, &end);
	if (*end || errno || !isfinite(d))
		return sy_fail(err, SY_EINVAL, "invalid_number", key, "%s 须为数字", "%s must be a number", key);
	*out = d;
	return SY_OK;
}

/* A whole number min..max from the query string; absent leaves *out. */
static sy_status query_int(struct http_req *r, const char *key, int min, int max, int *out, sy_err *err)
{
	const char *v = http_query(r, key);
	char *end;
	if (!v || !*v)
		return SY_OK;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*end || errno || n < min || n > max)
		return sy_fail(err, SY_EINVAL, "invalid_number", key, "%s 须为 %d–%d 的整数",
			       "%s must be a whole number from %d to %d", key, min, max);
	*out = (int)n;
	return SY_OK;
}

static sy_status get_nearby(struct http_req *r, sy_err *err)
{
	struct circle_nearby_query q = {.limit = 20};
	strbuf out;
	sy_status st;
	bool has_lat = http_query(r, "lat") && *http_query(r, "lat"), has_lon = http_query(r, "lon") && *http_query(r, "lon");
	/* Neither: around the caller (home, organisation, region); one alone is a mistake. */
	if (!has_lat && !has_lon)
		st = circle_caller_point(r->db, &r->who, &q.lat, &q.lon, err);
	else if (!(st = query_double(r, "lat", true, &q.lat, err)))
		st = query_double(r, "lon", true, &q.lon, err);
	if (st || (st = query_int(r, "minutes", 1, CIRCLE_MINUTES_MAX, &q.minutes, err)) ||
	    (st = query_int(r, "limit", 1, CIRCLE_NEARBY_LIMIT_MAX, &q.limit, err)) ||
	    (st = http_query_str(r, "category", CIRCLE_CATEGORY_MAX, &q.category, err)))
		return st;
	/* The answer comes as JSON text (see circle_nearby): sent as it is. */
	sb_init(&out);
	if ((st = circle_nearby(r->db, &q, &out, err))) {
		sb_free(&out);
		return st;
	}
	r->out_len = out.len;
	r->out = sb_steal(&out);
	r->content_type = "application/json; charset=utf-8";
	return SY_OK;
}

/* ?region= and ?minutes=, then the analysis every other route reads. */
static sy_status analyse(struct http_req *r, struct circle_analysis **a, sy_err *err)
{
	struct circle_options o = {0};
	sy_status st;
	if ((st = http_query_str(r, "region", REGION_CODE_MAX - 1, &o.region, err)) ||
	    (st = query_int(r, "minutes", 1, CIRCLE_MINUTES_MAX, &o.minutes, err)))
		return st;
	return circle_analyse(r->db, &r->who, &o, a, err);
}

static sy_status reply(struct http_req *r, json_t *body, sy_err *err)
{
	if (!body)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, body);
	return SY_OK;
}

static sy_status get_coverage(struct http_req *r, sy_err *err)
{
	struct circle_analysis *a;
	sy_status st = analyse(r, &a, err);
	if (st)
		return st;
	st = reply(r, circle_coverage_json(a), err);
	circle_analysis_free(a);
	return st;
}

static const struct export_column uncovered_columns[] = {
	{"id", "人员编号", "Person ID"},
	{"name", "姓名", "Name"},
	{"id_number", "身份证号", "ID number"},
	{"region_name", "所在县（市、区）", "County"},
	{"nearest_org_name", "最近的拥军商户", "Nearest member"},
	{"walk_m", "步行距离（米）", "Walk (m)"},
	{"minutes", "步行分钟", "Minutes"},
};

static sy_status get_uncovered(struct http_req *r, sy_err *err)
{
	enum export_format fmt;
	int limit;
	int64_t cursor, next;
	json_t *items;
	struct circle_analysis *a;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &limit, &cursor, err)) || (st = analyse(r, &a, err)))
		return st;
	st = circle_uncovered(r->db, &r->who, a, limit, cursor, &items, &next, err);
	circle_analysis_free(a);
	if (st)
		return st;
	return http_send_list(r, items, next, uncovered_columns,
			      (int)(sizeof uncovered_columns / sizeof uncovered_columns[0]), "uncovered", err);
}

static sy_status get_grid(struct http_req *r, sy_err *err)
{
	struct circle_analysis *a;
	sy_status st = analyse(r, &a, err);
	if (st)
		return st;
	st = reply(r, circle_grid_json(a), err);
	circle_analysis_free(a);
	return st;
}

static sy_status get_suggestions(struct http_req *r, sy_err *err)
{
	int k = 10;
	json_t *out;
	struct circle_analysis *a;
	sy_status st;
	if ((st = query_int(r, "k", 1, CIRCLE_SUGGESTIONS_MAX, &k, err)) || (st = analyse(r, &a, err)))
		return st;
	st = circle_suggestions(a, k, &out, err);
	circle_analysis_free(a);
	return st ? st : reply(r, out, err);
}

static sy_status get_settings(struct http_req *r, sy_err *err)
{
	struct circle_settings s;
	sy_status st = circle_settings_get(r->db, &s, err);
	return st ? st : reply(r, circle_settings_json(&s), err);
}

/* A JSON number field of the body; absent leaves *out. */
static sy_status in_number(struct http_req *r, const char *field, double *out, bool *present, sy_err *err)
{
	json_t *v = json_object_get(r->in, field);
	if (present)
		*present = v != NULL;
	if (!v)
		return SY_OK;
	if (!json_is_number(v))
		return sy_fail(err, SY_EINVAL, "invalid_number", field, "%s 须为数字", "%s must be a number", field);
	*out = json_number_value(v);
	return SY_OK;
}

static sy_status patch_settings(struct http_req *r, sy_err *err)
{
	struct circle_settings_patch p = {0};
	sy_status st;
	double cache = 0;
	if ((st = http_in_int(r, "default_minutes", false, 1, CIRCLE_MINUTES_MAX, NULL, &p.default_minutes, err)) ||
	    (st = in_number(r, "walking_speed_m_per_min", &p.walking_speed_m_per_min, NULL, err)) ||
	    (st = in_number(r, "detour_factor", &p.detour_factor, NULL, err)) ||
	    (st = http_in_int(r, "grid_cell_m", false, 100, 5000, NULL, &p.grid_cell_m, err)) ||
	    (st = in_number(r, "nearby_cache_seconds", &cache, &p.set_cache_seconds, err)))
		return st;
	/* A present number of 0 would read as "unchanged": say it is out of range instead. */
	if (json_object_get(r->in, "walking_speed_m_per_min") && p.walking_speed_m_per_min == 0)
		p.walking_speed_m_per_min = -1;
	if (json_object_get(r->in, "detour_factor") && p.detour_factor == 0)
		p.detour_factor = -1;
	if (p.set_cache_seconds && cache != floor(cache))
		return sy_failf(err, SY_EINVAL, "invalid_number", "nearby_cache_seconds", "缓存时间须为整数秒",
				"nearby_cache_seconds is a whole number");
	p.nearby_cache_seconds = (int64_t)fmax(-1, fmin(cache, 1e6));
	if ((st = circle_settings_set(r->db, &r->who, &p, err)))
		return st;
	return get_settings(r, err);
}

#define ANALYSIS "(?region: a region code in your scope, default all of it; ?minutes: 1–60, default the setting)"

const struct route circle_routes[] = {
	{"GET", "/api/v1/circle/nearby", get_nearby, ROLES_ALL, 0,
	 "拥军商户 within N minutes' walk of a point, nearest first, with distance_m, walk_m and minutes"
	 " (?lat, lon: WGS-84, both or neither — neither is the caller's home, organisation or region seat; minutes 1–60, default the setting; category; limit 1–200, default 20)",
	 NULL},
	{"GET", "/api/v1/circle/coverage", get_coverage, ROLES_STAFF, 0,
	 "Coverage of the 10-minute circle: card holders with home coordinates, how many have a member within the"
	 " walk, and the share, per county-level region and in total " ANALYSIS,
	 NULL},
	{"GET", "/api/v1/circle/uncovered", get_uncovered, ROLES_STAFF, ROUTE_EXPORT,
	 "Card holders with no member within the walk, farthest first, with the nearest member and the walk to it"
	 " (names masked unless your role may see personal data) " ANALYSIS "; limit, cursor; format=csv|xlsx",
	 NULL},
	{"GET", "/api/v1/circle/grid", get_grid, ROLES_STAFF, 0,
	 "Heat map: cells of grid_cell_m (lat/lon bounds) with their card holders and uncovered holders " ANALYSIS,
	 NULL},
	{"GET", "/api/v1/circle/suggestions", get_suggestions, ROLES_STAFF, 0,
	 "Where new members would cover the most uncovered holders: greedy maximum coverage, top k (1–100, default"
	 " 10), over candidate organisations and over heat-map cell centres, each with new_covered " ANALYSIS,
	 NULL},
	{"GET", "/api/v1/circle/settings", get_settings, ROLES_STAFF, 0,
	 "The circle's settings: default_minutes, walking_speed_m_per_min, detour_factor, grid_cell_m,"
	 " nearby_cache_seconds",
	 NULL},
	{"PATCH", "/api/v1/circle/settings", patch_settings, ROLE_ADMIN, 0,
	 "Change the circle's settings (any of them; audited with the values before and after)",
	 "{\"default_minutes\":10,\"walking_speed_m_per_min\":50,\"detour_factor\":1.3}"},
};
const int circle_routes_count = sizeof circle_routes / sizeof circle_routes[0];
