/*
 * Router: a literal segment beats a parameter whatever order the tables come
 * in; parameters are recorded; a known path with another method is told
 * apart from an unknown path (405 against 404).
 */
#include "testutil.h"

#include "http/router.h"

static sy_status noop(struct http_req *r, sy_err *err)
{
	(void)r;
	(void)err;
	return SY_OK;
}

static const struct route generic[] = {
	{"GET", "/api/v1/cards/{id}", noop, 0, 0, "one card", NULL},
	{"POST", "/api/v1/cards/{id}/{action}", noop, 0, 0, "a step", NULL},
};
static const struct route specific[] = {
	{"GET", "/api/v1/cards/revocations", noop, 0, 0, "the list", NULL},
	{"GET", "/api/v1/cards/{no}/verify", noop, 0, 0, "verify", NULL},
};

static enum route_match find(const char *method, const char *path, const struct route **rt, arena *a,
			     struct http_req *r)
{
	http_req_init(r, a);
	r->method = method;
	r->path = path;
	return router_find(r, rt);
}

static void check_both_orders(const struct route *const *tables, const int *counts)
{
	arena a;
	struct http_req r;
	const struct route *rt = NULL;
	arena_init(&a, 1024);
	http_set_routes(tables, counts, 2);

	assert_int_equal(find("GET", "/api/v1/cards/revocations", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/cards/revocations");
	assert_int_equal(r.nparams, 0);

	assert_int_equal(find("GET", "/api/v1/cards/42", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/cards/{id}");
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.param_names[0], "id");
	assert_string_equal(r.params[0], "42");

	/* GET …/verify: only the verify route takes GET there. */
	assert_int_equal(find("GET", "/api/v1/cards/13090200000018/verify", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/cards/{no}/verify");
	assert_string_equal(r.params[0], "13090200000018");

	assert_int_equal(find("POST", "/api/v1/cards/42/review", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/cards/{id}/{action}");
	assert_int_equal(r.nparams, 2);
	assert_string_equal(r.params[1], "review");

	assert_int_equal(find("DELETE", "/api/v1/cards/revocations", &rt, &a, &r), ROUTE_WRONG_METHOD);
	assert_int_equal(find("GET", "/api/v1/cards/42/review", &rt, &a, &r), ROUTE_WRONG_METHOD);
	assert_int_equal(find("GET", "/api/v1/cards", &rt, &a, &r), ROUTE_UNKNOWN);
	assert_int_equal(find("GET", "/api/v1/cards//verify", &rt, &a, &r), ROUTE_UNKNOWN);
	assert_int_equal(find("HEAD", "/api/v1/cards/revocations", &rt, &a, &r), ROUTE_FOUND);
	arena_free(&a);
}

static void test_literal_beats_parameter_in_either_order(void **state)
{
	(void)state;
	const struct route *tables[2] = {generic, specific};
	int counts[2] = {2, 2};
	check_both_orders(tables, counts);
	const struct route *reversed[2] = {specific, generic};
	int rcounts[2] = {2, 2};
	check_both_orders(reversed, rcounts);
}

/*
 * The index buckets routes by the text before the fourth '/': a route must be
 * found whether its key is literal, holds a {param} (tried for every path),
 * or the path is shorter than a key (/healthz); among equally good matches in
 * and out of the index, the first listed still wins.
 */
static const struct route areas[] = {
	{"GET", "/healthz", noop, 0, 0, "health", NULL},
	{"GET", "/api/v1/people/{id}", noop, 0, 0, "a person", NULL},
	{"GET", "/api/v1/orgs", noop, 0, 0, "the orgs", NULL},
	{"PATCH", "/api/v1/orgs/{id}", noop, 0, 0, "change an org", NULL},
	{"GET", "/api/v1/{area}/stats", noop, 0, 0, "any area's stats", NULL},
	{"GET", "/api/v1/ledger/stats", noop, 0, 0, "the ledger's stats", NULL},
};
static const struct route versioned[] = {
	{"GET", "/api/{ver}/items/list", noop, 0, 0, "items, any version", NULL},
};
static const struct route current[] = {
	{"GET", "/api/v1/items/{id}", noop, 0, 0, "one item", NULL},
};

static void test_index_finds_every_kind_of_pattern(void **state)
{
	(void)state;
	arena a;
	struct http_req r;
	const struct route *rt = NULL;
	arena_init(&a, 1024);
	const struct route *tables[1] = {areas};
	int counts[1] = {6};
	http_set_routes(tables, counts, 1);

	assert_int_equal(find("GET", "/healthz", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/healthz");
	assert_int_equal(find("GET", "/api/v1/orgs", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/orgs");
	assert_int_equal(find("GET", "/api/v1/people/7", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(r.params[0], "7");
	/* A {param} in the key: found for any area; the literal one, listed later, still wins its own. */
	assert_int_equal(find("GET", "/api/v1/cases/stats", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/{area}/stats");
	assert_string_equal(r.params[0], "cases");
	assert_int_equal(find("GET", "/api/v1/ledger/stats", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/ledger/stats");
	assert_int_equal(find("GET", "/api/v1/orgs/stats", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/{area}/stats");
	/* 405 and 404 as before: PATCH-only path; an area nobody serves; a key's prefix. */
	assert_int_equal(find("GET", "/api/v1/orgs/3", &rt, &a, &r), ROUTE_WRONG_METHOD);
	assert_int_equal(find("POST", "/api/v1/cases/stats", &rt, &a, &r), ROUTE_WRONG_METHOD);
	assert_int_equal(find("GET", "/api/v1/nothing/here", &rt, &a, &r), ROUTE_UNKNOWN);
	assert_int_equal(find("GET", "/api/v1/org", &rt, &a, &r), ROUTE_UNKNOWN);
	assert_int_equal(find("GET", "/api/v1/orgsx", &rt, &a, &r), ROUTE_UNKNOWN);
	assert_int_equal(find("GET", "/", &rt, &a, &r), ROUTE_UNKNOWN);

	/* One parameter each, one in the index and one not: the first listed wins, in either order. */
	const struct route *vc[2] = {versioned, current}, *cv[2] = {current, versioned};
	int ones[2] = {1, 1};
	http_set_routes(vc, ones, 2);
	assert_int_equal(find("GET", "/api/v1/items/list", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/{ver}/items/list");
	http_set_routes(cv, ones, 2);
	assert_int_equal(find("GET", "/api/v1/items/list", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/v1/items/{id}");
	assert_int_equal(find("GET", "/api/v2/items/list", &rt, &a, &r), ROUTE_FOUND);
	assert_string_equal(rt->pattern, "/api/{ver}/items/list");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_beats_parameter_in_either_order),
		cmocka_unit_test(test_index_finds_every_kind_of_pattern),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
