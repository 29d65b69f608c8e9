/*
 * In-process API tests: requests built by hand and passed to http_dispatch,
 * no socket (after h2o's loopback tests). Each bad input is checked for the
 * status and error code the API documents, and for changing nothing.
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#include "app/modules.h"
#include "db/audit.h"
#include "http/http.h"
#include "lib/crypto.h"
#include "modules/accounts/accounts.h"

static const char *db_url;
static char cookie[256], csrf[128];

struct resp {
	int status;
	json_t *json;
	char set_cookie[256];
	char body[512];
};

/* One request. query is "a=1&b=2" (not URL-encoded here), hdrs extra "K: V" pairs. */
static void request(const char *method, const char *path, const char *query, const char *body,
		    const char *ctype, const char *const *hdrs, struct resp *out)
{
	arena a;
	struct http_req r;
	struct http_kv headers[16], q[8];
	int nh = 0, nq = 0;
	char qbuf[256];
	arena_init(&a, 4096);
	http_req_init(&r, &a);
	r.method = method;
	r.path = path;
	r.ip = "127.0.0.9";
	if (body) {
		r.body = body;
		r.body_len = strlen(body);
		headers[nh++] = (struct http_kv){"Content-Type", ctype ? ctype : "application/json"};
	}
	if (cookie[0])
		headers[nh++] = (struct http_kv){"Cookie", cookie};
	for (; hdrs && *hdrs && nh < 14; hdrs += 2)
		headers[nh++] = (struct http_kv){hdrs[0], hdrs[1]};
	if (query) {
		snprintf(qbuf, sizeof qbuf, "%s", query);
		for (char *save, *tok = strtok_r(qbuf, "&", &save); tok && nq < 8; tok = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(tok, '=');
			if (eq)
				*eq++ = '\0';
			q[nq++] = (struct http_kv){tok, eq ? eq : ""};
		}
	}
	r.headers = headers;
	r.nheaders = nh;
	r.query = q;
	r.nquery = nq;
	http_dispatch(&r);
	memset(out, 0, sizeof *out);
	out->status = r.status;
	out->json = json_incref(r.json);
	for (int i = 0; i < r.nresp_headers; i++)
		if (strcmp(r.resp_headers[i].key, "Set-Cookie") == 0)
			snprintf(out->set_cookie, sizeof out->set_cookie, "%s", r.resp_headers[i].value);
	if (r.out)
		snprintf(out->body, sizeof out->body, "%.*s", (int)(r.out_len < 511 ? r.out_len : 511), r.out);
	/* A handler may answer JSON as text it put together (nearby search): read it as the server sends it. */
	if (!out->json && r.out && r.content_type && strncmp(r.content_type, "application/json", 16) == 0) {
		out->json = json_loadb(r.out, r.out_len, 0, NULL);
		assert_non_null(out->json);
	}
	if (r.out_fd >= 0)
		close(r.out_fd);
	http_req_cleanup(&r);
	arena_free(&a);
}

static const char *err_code(const struct resp *r)
{
	json_t *e = json_object_get(r->json, "error");
	return e ? json_string_value(json_object_get(e, "code")) : "";
}

static int64_t count_users(void)
{
	sy_err err;
	int64_t n = -1;
	db *d = db_open(db_url, &err);
	db_query_int(d, "SELECT COUNT(*) FROM users", DB_NOARGS, &n, &err);
	db_close(d);
	return n;
}

static void login_as(const char *user, const char *pass)
{
	struct resp r;
	char body[256];
	cookie[0] = csrf[0] = '\0';
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", user, pass);
	request("POST", "/api/v1/auth/login", NULL, body, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	char *semi = strchr(r.set_cookie, ';');
	assert_non_null(semi);
	snprintf(cookie, sizeof cookie, "%.*s", (int)(semi - r.set_cookie), r.set_cookie);
	snprintf(csrf, sizeof csrf, "%s", json_string_value(json_object_get(r.json, "csrf_token")));
	json_decref(r.json);
}

static int setup(void **state)
{
	(void)state;
	sy_err err;
	struct principal sys;
	int64_t id;
	crypto_init();
	db_url = testutil_fresh_db();
	http_cfg.db_url = db_url;
	http_cfg.web_dir = "web";
	http_cfg.login_max_per_account = 3;
	http_cfg.login_max_per_ip = 1000;
	http_cfg.login_window_minutes = 15;
	accounts_set_pwhash_limits(1, 8192);
	modules_register_routes();
	db *d = db_open(db_url, &err);
	principal_system(&sys, "test");
	struct user_input admin = {.username = "root", .display_name = "管理员", .password = "root-password-1",
				   .role = "admin", .region_code = "130900"};
	struct user_input officer = {.username = "off.xh", .display_name = "新华经办", .password = "officer-password",
				     .role = "officer", .region_code = "130902"};
	struct user_input throttled = {.username = "victim", .display_name = "受害者", .password = "victim-password",
				       .role = "auditor", .region_code = "130902"};
	assert_int_equal(accounts_user_create(d, &sys, &admin, &id, &err), SY_OK);
	assert_int_equal(accounts_user_create(d, &sys, &officer, &id, &err), SY_OK);
	assert_int_equal(accounts_user_create(d, &sys, &throttled, &id, &err), SY_OK);
	db_close(d);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	http_db_release();
	return 0;
}

static void test_login_and_me(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	request("GET", "/api/v1/auth/me", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"), "role")), "admin");
	json_decref(r.json);
}

static void test_bad_password_401_and_throttle_429(void **state)
{
	(void)state;
	struct resp r;
	cookie[0] = '\0';
	for (int i = 0; i < 3; i++) {
		request("POST", "/api/v1/auth/login", NULL, "{\"username\":\"victim\",\"password\":\"wrong-password\"}",
			NULL, NULL, &r);
		assert_int_equal(r.status, 401);
		assert_string_equal(err_code(&r), "bad_credentials");
		json_decref(r.json);
	}
	/* now even the right password is refused until the window passes */
	request("POST", "/api/v1/auth/login", NULL, "{\"username\":\"victim\",\"password\":\"victim-password\"}",
		NULL, NULL, &r);
	assert_int_equal(r.status, 429);
	assert_string_equal(err_code(&r), "too_many_attempts");
	json_decref(r.json);
}

static void test_malformed_json_400(void **state)
{
	(void)state;
	struct resp r;
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	int64_t before = count_users();
	login_as("root", "root-password-1");
	h[1] = csrf;
	request("POST", "/api/v1/users", NULL, "{\"username\": \"a\",", NULL, h, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_code(&r), "malformed_json");
	json_decref(r.json);
	/* not an object */
	request("POST", "/api/v1/users", NULL, "[1,2]", NULL, h, &r);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
	/* invalid UTF-8 is malformed JSON too */
	request("POST", "/api/v1/users", NULL, "{\"username\":\"\xff\xfe\"}", NULL, h, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_code(&r), "malformed_json");
	json_decref(r.json);
	assert_int_equal(count_users(), before);
}

static void test_wrong_content_type_415(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	int64_t before = count_users();
	request("POST", "/api/v1/users", NULL, "username=x", "application/x-www-form-urlencoded", h, &r);
	assert_int_equal(r.status, 415);
	assert_string_equal(err_code(&r), "unsupported_media_type");
	json_decref(r.json);
	assert_int_equal(count_users(), before);
}

static void test_body_too_large_413(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	size_t saved = http_cfg.max_body;
	http_cfg.max_body = 64;
	request("POST", "/api/v1/users", NULL,
		"{\"username\":\"bigbody\",\"display_name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
		NULL, h, &r);
	http_cfg.max_body = saved;
	assert_int_equal(r.status, 413);
	assert_string_equal(err_code(&r), "body_too_large");
	json_decref(r.json);
}

static void test_unknown_route_404_wrong_method_405(void **state)
{
	(void)state;
	struct resp r;
	request("GET", "/api/v1/no-such-thing", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(err_code(&r), "unknown_route");
	json_decref(r.json);
	request("DELETE", "/api/v1/users", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	assert_string_equal(err_code(&r), "method_not_allowed");
	json_decref(r.json);
}

static void test_csrf_missing_or_wrong_403(void **state)
{
	(void)state;
	struct resp r;
	int64_t before = count_users();
	login_as("root", "root-password-1");
	const char *body = "{\"username\":\"csrfvictim\",\"display_name\":\"某人\",\"password\":\"long-enough-1\","
			   "\"role\":\"officer\",\"region_code\":\"130902\"}";
	request("POST", "/api/v1/users", NULL, body, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(err_code(&r), "csrf_failed");
	json_decref(r.json);
	const char *h[] = {"X-CSRF-Token", "not-the-token", NULL};
	request("POST", "/api/v1/users", NULL, body, NULL, h, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(err_code(&r), "csrf_failed");
	json_decref(r.json);
	assert_int_equal(count_users(), before);
}

static void test_expired_session_401(void **state)
{
	(void)state;
	struct resp r;
	sy_err err;
	login_as("root", "root-password-1");
	db *d = db_open(db_url, &err);
	assert_int_equal(db_execp(d, "UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'", DB_NOARGS, NULL, &err), SY_OK);
	db_close(d);
	request("GET", "/api/v1/auth/me", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(err_code(&r), "session_expired");
	json_decref(r.json);
}

static void test_logout_ends_session(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	request("POST", "/api/v1/auth/logout", NULL, NULL, NULL, h, &r);
	assert_int_equal(r.status, 204);
	request("GET", "/api/v1/auth/me", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	json_decref(r.json);
}

static void test_revoked_token_401(void **state)
{
	(void)state;
	struct resp r;
	char authz[128];
	login_as("root", "root-password-1");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	request("POST", "/api/v1/tokens", NULL, "{\"name\":\"device 1\",\"role\":\"auditor\",\"region_code\":\"130902\"}",
		NULL, h, &r);
	assert_int_equal(r.status, 201);
	snprintf(authz, sizeof authz, "Bearer %s", json_string_value(json_object_get(r.json, "secret")));
	int64_t id = json_integer_value(json_object_get(json_object_get(r.json, "token"), "id"));
	json_decref(r.json);
	char saved[256];
	snprintf(saved, sizeof saved, "%s", cookie);
	cookie[0] = '\0';
	const char *bearer[] = {"Authorization", authz, NULL};
	request("GET", "/api/v1/audit/verify", NULL, NULL, NULL, bearer, &r);
	assert_int_equal(r.status, 200);
	json_decref(r.json);
	/* a token may not manage users: 403 */
	request("GET", "/api/v1/users", NULL, NULL, NULL, bearer, &r);
	assert_int_equal(r.status, 403);
	json_decref(r.json);
	snprintf(cookie, sizeof cookie, "%s", saved);
	char path[64];
	snprintf(path, sizeof path, "/api/v1/tokens/%lld/revoke", (long long)id);
	request("POST", path, NULL, NULL, NULL, h, &r);
	assert_int_equal(r.status, 200);
	json_decref(r.json);
	cookie[0] = '\0';
	request("GET", "/api/v1/audit/verify", NULL, NULL, NULL, bearer, &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(err_code(&r), "token_revoked");
	json_decref(r.json);
}

static void test_role_forbidden_403(void **state)
{
	(void)state;
	struct resp r;
	login_as("off.xh", "officer-password");
	request("GET", "/api/v1/users", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(err_code(&r), "forbidden");
	json_decref(r.json);
}

static void test_region_out_of_scope_403(void **state)
{
	(void)state;
	struct resp r;
	login_as("off.xh", "officer-password");
	/* 任丘市 is outside 新华区 */
	request("GET", "/api/v1/orgs", "region=130982", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	assert_string_equal(err_code(&r), "region_out_of_scope");
	json_decref(r.json);
	request("GET", "/api/v1/orgs", "region=130902", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	json_decref(r.json);
}

static void test_validation_names_field(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	int64_t before = count_users();
	request("POST", "/api/v1/users", NULL,
		"{\"username\":\"ok.name\",\"display_name\":\"某人\",\"password\":\"short\",\"role\":\"officer\",\"region_code\":\"130902\"}",
		NULL, h, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_code(&r), "weak_password");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "field")), "password");
	json_decref(r.json);
	request("POST", "/api/v1/users", NULL,
		"{\"username\":\"ok.name\",\"display_name\":\"某人\",\"password\":\"long-enough-1\",\"role\":\"general\",\"region_code\":\"130902\"}",
		NULL, h, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_code(&r), "invalid_role");
	json_decref(r.json);
	/* English on request */
	const char *en[] = {"X-CSRF-Token", csrf, "Accept-Language", "en-US,en;q=0.9", NULL};
	request("POST", "/api/v1/users", NULL,
		"{\"username\":\"ok.name\",\"display_name\":\"某人\",\"password\":\"long-enough-1\",\"role\":\"officer\",\"region_code\":\"999999\"}",
		NULL, en, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_code(&r), "invalid_region");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"), "message")), "unknown region code");
	json_decref(r.json);
	assert_int_equal(count_users(), before);
}

static const char *err_field(const struct resp *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
}

/* One GET that must be a 400 naming field. */
static void expect_400(const char *path, const char *query, const char *field)
{
	struct resp r;
	request("GET", path, query, NULL, NULL, NULL, &r);
	if (r.status != 400 || !err_field(&r) || strcmp(err_field(&r), field) != 0)
		fail_msg("%s?%s: %d %s, expected 400 naming %s", path, query, r.status,
			 err_field(&r) ? err_field(&r) : "(no field)", field);
	json_decref(r.json);
}

/* The 10-minute circle's routes: bad coordinates, minutes, k and settings are 400s naming the field. */
static void test_circle_bad_inputs(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	request("GET", "/api/v1/circle/nearby", "lat=38.3&lon=116.8", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "minutes")), 10);
	json_decref(r.json);
	/* No point at all: around the caller (the admin's region, 沧州市, has a seat); half a point is a 400. */
	request("GET", "/api/v1/circle/nearby", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	json_decref(r.json);
	expect_400("/api/v1/circle/nearby", "lon=116.8", "lat");
	expect_400("/api/v1/circle/nearby", "lat=38.3", "lon");
	expect_400("/api/v1/circle/nearby", "lat=abc&lon=116.8", "lat");
	expect_400("/api/v1/circle/nearby", "lat=95&lon=116.8", "lat");
	expect_400("/api/v1/circle/nearby", "lat=38.3&lon=200", "lon");
	expect_400("/api/v1/circle/nearby", "lat=38.3&lon=nan", "lon");
	expect_400("/api/v1/circle/nearby", "lat=38.3&lon=116.8&minutes=0", "minutes");
	expect_400("/api/v1/circle/nearby", "lat=38.3&lon=116.8&minutes=ten", "minutes");
	expect_400("/api/v1/circle/nearby", "lat=38.3&lon=116.8&limit=1000", "limit");
	expect_400("/api/v1/circle/coverage", "minutes=99", "minutes");
	expect_400("/api/v1/circle/coverage", "region=999999", "region");
	expect_400("/api/v1/circle/suggestions", "k=0", "k");
	expect_400("/api/v1/circle/uncovered", "format=pdf", "format");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	request("PATCH", "/api/v1/circle/settings", NULL, "{\"detour_factor\":0.5}", NULL, h, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_field(&r), "detour_factor");
	json_decref(r.json);
	request("PATCH", "/api/v1/circle/settings", NULL, "{\"walking_speed_m_per_min\":\"fast\"}", NULL, h, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_field(&r), "walking_speed_m_per_min");
	json_decref(r.json);
	request("GET", "/api/v1/circle/settings", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(fabs(json_number_value(json_object_get(r.json, "detour_factor")) - 1.3) < 1e-9);
	json_decref(r.json);
	/* An officer may not see another county's coverage. */
	login_as("off.xh", "officer-password");
	request("GET", "/api/v1/circle/coverage", "region=130903", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 403);
	json_decref(r.json);
}

static void test_create_user_audited_and_exported(void **state)
{
	(void)state;
	struct resp r;
	login_as("root", "root-password-1");
	const char *h[] = {"X-CSRF-Token", csrf, NULL};
	request("POST", "/api/v1/users", NULL,
		"{\"username\":\"new.officer\",\"display_name\":\"=HYPERLINK(1)\",\"password\":\"long-enough-1\",\"role\":\"officer\",\"region_code\":\"130982\"}",
		NULL, h, &r);
	assert_int_equal(r.status, 201);
	json_decref(r.json);
	request("GET", "/api/v1/audit", "action=user.create", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "actor")), "root");
	json_decref(r.json);
	/* CSV export: BOM, header row, and the formula-looking name neutralised */
	request("GET", "/api/v1/users", "format=csv&q=new.officer", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(r.body, "用户名"));
	assert_non_null(strstr(r.body, "\"'=HYPERLINK(1)\""));
	request("GET", "/api/v1/users", "format=pdf", NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(err_code(&r), "invalid_format");
	json_decref(r.json);
}

static void test_audit_chain_detects_edit(void **state)
{
	(void)state;
	sy_err err;
	struct audit_verdict v;
	db *d = db_open(db_url, &err);
	assert_int_equal(audit_verify(d, &v, &err), SY_OK);
	assert_int_equal(v.broken_at, 0);
	assert_true(v.rows > 3);
	assert_int_equal(db_execp(d, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2", DB_NOARGS, NULL, &err), SY_OK);
	assert_int_equal(audit_verify(d, &v, &err), SY_OK);
	assert_int_equal(v.broken_at, 2);
	db_close(d);
}

static void test_static_files_and_traversal(void **state)
{
	(void)state;
	struct resp r;
	request("GET", "/../Makefile", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	json_decref(r.json);
	request("GET", "/.git/config", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	json_decref(r.json);
	request("POST", "/index.html", NULL, NULL, NULL, NULL, &r);
	assert_int_equal(r.status, 405);
	json_decref(r.json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_and_me),
		cmocka_unit_test(test_bad_password_401_and_throttle_429),
		cmocka_unit_test(test_malformed_json_400),
		cmocka_unit_test(test_wrong_content_type_415),
		cmocka_unit_test(test_body_too_large_413),
		cmocka_unit_test(test_unknown_route_404_wrong_method_405),
		cmocka_unit_test(test_csrf_missing_or_wrong_403),
		cmocka_unit_test(test_expired_session_401),
		cmocka_unit_test(test_logout_ends_session),
		cmocka_unit_test(test_revoked_token_401),
		cmocka_unit_test(test_role_forbidden_403),
		cmocka_unit_test(test_region_out_of_scope_403),
		cmocka_unit_test(test_validation_names_field),
		cmocka_unit_test(test_circle_bad_inputs),
		cmocka_unit_test(test_create_user_audited_and_exported),
		cmocka_unit_test(test_audit_chain_detects_edit),
		cmocka_unit_test(test_static_files_and_traversal),
	};
	return cmocka_run_group_tests_name("api_inproc", tests, setup, teardown);
}
