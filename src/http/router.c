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
 * one non-empty segment; its value (pointing into a copy in the arena) is
 * recorded in r. Returns false on mismatch.
 */
static bool match(struct http_req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			size_t seg = strcspn(s, "/");
			if (!pe || seg == 0 || n >= HTTP_MAX_PARAMS)
				return false;
			r->param_names[n] = arena_strndup(r->a, p + 1, (size_t)(pe - p - 1));
			r->params[n] = arena_strndup(r->a, s, seg);
			if (!r->param_names[n] || !r->params[n])
				return false;
			n++;
			p = pe + 1;
			s += seg;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	r->nparams = n;
	return true;
}

enum route_match router_find(struct http_req *r, const struct route **out)
{
	bool path_known = false;
	const struct route *rt;
	for (int i = 0; (rt = http_route_at(i)); i++) {
		if (!match(r, rt->pattern, r->path))
			continue;
		if (strcmp(rt->method, r->method) == 0 ||
		    (strcmp(r->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0)) {
			*out = rt;
			return ROUTE_FOUND;
		}
		path_known = true;
	}
	r->nparams = 0;
	return path_known ? ROUTE_WRONG_METHOD : ROUTE_UNKNOWN;
}

/* The methods a path accepts, "GET, POST", for the Allow header. */
const char *router_allow(struct http_req *r)
{
	char buf[128] = "";
	const struct route *rt;
	size_t used = 0;
	for (int i = 0; (rt = http_route_at(i)); i++) {
		if (!match(r, rt->pattern, r->path))
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
