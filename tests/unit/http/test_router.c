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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_beats_parameter_in_either_order),
	};
	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
