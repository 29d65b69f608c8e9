/*
 * router.c - the route table (as data, assembled by the app from each
 * module's table) and matching of a path against patterns with {params}.
 *
 * Finding a route scans only the routes that can match: an index, built
 * when the table is set, buckets the routes by their key (the text before
 * the fourth '/', "/api/v1/cards" for /api/v1/cards/{no}/verify), so a
 * request compares its path with the dozen routes of its area, not the two
 * hundred of the platform. A pattern with a {param} inside its key goes in
 * a list every request also tries.
 */
#include <stdlib.h>
#include <string.h>

#include "router.h"

static const struct route *const *route_tables;
static const int *route_counts;
static int route_ntables;

/* One route in the index: its place in the table (ties go to the first listed) and its key. */
struct indexed {
	const struct route *rt;
	int order;
	size_t keylen;
};
static struct indexed *keyed;   /* sorted by key, then order */
static int nkeyed;
static struct indexed *unkeyed; /* a {param} inside the key: tried for every path */
static int nunkeyed;
static bool indexed_ok;         /* false: no memory for the index, scan the table */

/* The length of s's key: up to (not including) its fourth '/', or all of it. */
static size_t key_len(const char *s)
{
	int slashes = 0;
	size_t i = 0;
	for (; s[i]; i++)
		if (s[i] == '/' && ++slashes == 4)
			break;
	return i;
}

static int key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

static int indexed_cmp(const void *x, const void *y)
{
	const struct indexed *a = x, *b = y;
	int c = key_cmp(a->rt->pattern, a->keylen, b->rt->pattern, b->keylen);
	return c ? c : a->order - b->order;
}

static void index_free(void)
{
	free(keyed);
	free(unkeyed);
	keyed = unkeyed = NULL;
	nkeyed = nunkeyed = 0;
	indexed_ok = false;
}

static void index_build(void)
{
	int n = 0;
	const struct route *rt;
	index_free();
	while (http_route_at(n))
		n++;
	keyed = malloc(sizeof *keyed * (size_t)(n ? n : 1));
	unkeyed = malloc(sizeof *unkeyed * (size_t)(n ? n : 1));
	if (!keyed || !unkeyed) {
		index_free();
		return;
	}
	for (int i = 0; (rt = http_route_at(i)); i++) {
		size_t k = key_len(rt->pattern);
		struct indexed e = {rt, i, k};
		if (memchr(rt->pattern, '{', k))
			unkeyed[nunkeyed++] = e;
		else
			keyed[nkeyed++] = e;
	}
	qsort(keyed, (size_t)nkeyed, sizeof *keyed, indexed_cmp);
	indexed_ok = true;
}

void http_set_routes(const struct route *const *tables, const int *counts, int ntables)
{
	route_tables = tables;
	route_counts = counts;
	route_ntables = ntables;
	index_build();
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

/* The search's state: the best route so far by (fewest params, first listed). */
struct search {
	const char *method, *path;
	bool path_known;
	const struct route *best;
	int best_params, best_order;
};

/* skip: the length of a prefix the pattern and the path are known to share (no {param} in it). */
static void consider(struct search *s, const struct route *rt, int order, size_t skip)
{
	int n = match(NULL, rt->pattern + skip, s->path + skip);
	if (n < 0)
		return;
	s->path_known = true;
	if (method_matches(rt, s->method) &&
	    (n < s->best_params || (n == s->best_params && order < s->best_order))) {
		s->best = rt;
		s->best_params = n;
		s->best_order = order;
	}
}

/* The routes whose key is the path's: the first index of the bucket by binary search. */
static void search_indexed(struct search *s)
{
	size_t klen = key_len(s->path);
	int lo = 0, hi = nkeyed;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (key_cmp(keyed[mid].rt->pattern, keyed[mid].keylen, s->path, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < nkeyed && key_cmp(keyed[i].rt->pattern, keyed[i].keylen, s->path, klen) == 0; i++)
		consider(s, keyed[i].rt, keyed[i].order, klen); /* its key is the path's, compared above */
	for (int i = 0; i < nunkeyed; i++)
		consider(s, unkeyed[i].rt, unkeyed[i].order, 0);
}

/*
 * The route for the request. When several patterns match, the one with the
 * fewest {params} wins (a literal segment beats a parameter), so
 * /api/v1/cards/revocations is never taken for /api/v1/cards/{id}, whatever
 * order the modules list their tables in; among equals, the first listed.
 */
enum route_match router_find(struct http_req *r, const struct route **out)
{
	struct search s = {.method = r->method, .path = r->path, .best_params = HTTP_MAX_PARAMS + 1};
	const struct route *rt;
	if (indexed_ok) {
		search_indexed(&s);
	} else {
		for (int i = 0; (rt = http_route_at(i)); i++)
			consider(&s, rt, i, 0);
	}
	r->nparams = 0;
	if (s.best && match(r, s.best->pattern, r->path) >= 0) {
		*out = s.best;
		return ROUTE_FOUND;
	}
	return s.path_known ? ROUTE_WRONG_METHOD : ROUTE_UNKNOWN;
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
