/*
 * router.c - the route table (as data, assembled by the app from each
 * module's table) and matching of a path against patterns with {params}.
 */
#include <string.h>

#include "router.h"

#define MAX_TABLES 32

static const struct route *const *route_tables;
static const int *route_counts;
static int route_ntables;

void http_set_routes(const struct route *const *tables, const int *counts, int ntables)
{
	route_tables = tables;
	route_counts = counts;
	route_ntables = ntables;
}

const struct route *http_route_at(int i)
{
	for (int t = 0; t < route_ntables; t++) {
		if (i < route_counts[t])
			return &route_tables[t][i];
		i -= route_counts[t];
	}
	return NULL;
}

/*
 * Match path against pattern segment by segment. A {name} segment matches
 * one non-empty segment. Returns the number of {params} matched, or -1 on a
 * mismatch. With r, the names and values are recorded in r (copied into its
 * arena); without, nothing is allocated (the search pass).
 */
static int match(struct http_req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t seg = strcspn(s, "/");
			if (!pe || seg == 0 || n >= HTTP_MAX_PARAMS)
				return -1;
			if (r) {
				r->param_names[n] = arena_strndup(r->a, p + 1, (size_t)(pe - p - 1));
				r->params[n] = arena_strndup(r->a, s, seg);
				if (!r->param_names[n] || !r->params[n])
					return -1;
			}
			n++;
			p = pe + 1;
			s += seg;
			continue;
		}
		if (*p != *s)
			return -1;
		p++;
		s++;
	}
	if (*p || *s)
		return -1;
	if (r)
		r->nparams = n;
	return n;
}

static bool method_matches(const struct route *rt, const char *method)
{
	return strcmp(rt->method, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

/*
 * The route for the request. When several patterns match, the one with the
 * fewest {params} wins (a literal segment beats a parameter), so
 * /api/v1/cards/revocations is never taken for /api/v1/cards/{id}, whatever
 * order the modules list their tables in; among equals, the first listed.
 */
enum route_match router_find(struct http_req *r, const struct route **out)
{
	bool path_known = false;
	const struct route *rt, *best = NULL;
	int best_params = HTTP_MAX_PARAMS + 1;
	for (int i = 0; (rt = http_route_at(i)); i++) {
		int n = match(NULL, rt->pattern, r->path);
		if (n < 0)
			continue;
		path_known = true;
		if (n < best_params && method_matches(rt, r->method)) {
			best = rt;
			best_params = n;
		}
	}
	r->nparams = 0;
	if (best && match(r, best->pattern, r->path) >= 0) {
		*out = best;
		return ROUTE_FOUND;
	}
	return path_known ? ROUTE_WRONG_METHOD : ROUTE_UNKNOWN;
}

/* The methods a path accepts, "GET, POST", for the Allow header. */
const char *router_allow(struct http_req *r)
{
	char buf[128] = "";
	const struct route *rt;
	size_t used = 0;
	for (int i = 0; (rt = http_route_at(i)); i++) {
		if (match(NULL, rt->pattern, r->path) < 0)
			continue;
		if (strstr(buf, rt->method))
			continue;
		size_t len = strlen(rt->method);
		if (used + len + 3 >= sizeof buf)
			break;
		if (used) {
			memcpy(buf + used, ", ", 2);
			used += 2;
		}
		memcpy(buf + used, rt->method, len);
		used += len;
		buf[used] = '\0';
	}
	r->nparams = 0;
	return arena_strdup(r->a, buf);
}
