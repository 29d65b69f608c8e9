/*
 * fuzz_api.c - every route of the API, in process, with hostile input.
 *
 * The database is a fresh SQLite file loaded with the demo set (a small
 * one), so handlers find rows to act on. Each input picks a signed-in role,
 * a route and then gives the path parameters, the query string and the body:
 *
 *   byte 0      role (admin, officer, merchant, person, auditor, or no session)
 *   bytes 1-2   route index (modulo the number of routes)
 *   the rest    PARAMS '\n' QUERY '\n' BODY
 *               PARAMS fills the pattern's {…} in turn, split on '/';
 *               QUERY is k=v&k=v (up to 8, not URL-decoded: the server
 *               decodes before dispatch); BODY goes as application/json.
 *
 * Properties, for every request: the status is a real one (200-599 and
 * never 500: a 500 means input reached a path the code did not expect);
 * every 4xx/5xx carries {"error":{"code":…,"message":…}}; and the process
 * survives (the sanitizers stop it on any memory error or UB).
 *
 * Logging out is left out (it would end the session every later input
 * relies on); a 401 for a role that had a session signs it in again.
 */
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/modules.h"
#include "db/db.h"
#include "fuzz.h"
#include "http/http.h"
#include "lib/crypto.h"
#include "modules/accounts/accounts.h"
#include "modules/demo/demo.h"
#include "modules/keys/keys.h"

extern const struct db_migration app_migrations[];
extern const int app_migrations_count;

struct role_session {
	const char *user, *pass;
	char cookie[256], csrf[128];
};

static struct role_session roles[] = {
	{"admin", "admin-demo-2026", "", ""},
	{"officer.xinhua", "officer-demo-2026", "", ""},
	{"merchant", "merchant-demo-2026", "", ""},
	{"person", "person-demo-2026", "", ""},
	{"auditor.xinhua", "auditor-demo-2026", "", ""},
	{NULL, NULL, "", ""}, /* no session */
};
#define NROLES (int)(sizeof roles / sizeof roles[0])
static int nroutes;
static char tmpdir[] = "/tmp/sy-fuzz-XXXXXX";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The database and its key directory go when the process ends. */
static void remove_tmpdir(void)
{
	nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct reply {
	int status;
	json_t *json;
	char set_cookie[256];
};

static void dispatch(const char *method, const char *path, struct http_kv *q, int nq, const char *body,
		     size_t body_len, const struct role_session *s, struct reply *out)
{
	arena a;
	struct http_req r;
	struct http_kv headers[4];
	int nh = 0;
	arena_init(&a, 4096);
	http_req_init(&r, &a);
	r.method = method;
	r.path = path;
	r.ip = "127.0.0.7";
	if (body) {
		r.body = body;
		r.body_len = body_len;
		headers[nh++] = (struct http_kv){"Content-Type", "application/json"};
	}
	if (s && s->cookie[0]) {
		headers[nh++] = (struct http_kv){"Cookie", s->cookie};
		headers[nh++] = (struct http_kv){"X-CSRF-Token", s->csrf};
	}
	r.headers = headers;
	r.nheaders = nh;
	r.query = q;
	r.nquery = nq;
	http_dispatch(&r);
	out->status = r.status;
	out->json = json_incref(r.json);
	out->set_cookie[0] = '\0';
	for (int i = 0; i < r.nresp_headers; i++)
		if (strcmp(r.resp_headers[i].key, "Set-Cookie") == 0)
			snprintf(out->set_cookie, sizeof out->set_cookie, "%s", r.resp_headers[i].value);
	if (r.out_fd >= 0)
		close(r.out_fd);
	http_req_cleanup(&r);
	arena_free(&a);
}

static void sign_in(struct role_session *s)
{
	struct reply rep;
	char body[160];
	int n = snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", s->user, s->pass);
	s->cookie[0] = s->csrf[0] = '\0';
	dispatch("POST", "/api/v1/auth/login", NULL, 0, body, (size_t)n, NULL, &rep);
	char *semi = strchr(rep.set_cookie, ';');
	const char *csrf = json_string_value(json_object_get(rep.json, "csrf_token"));
	if (rep.status == 200 && semi && csrf) {
		snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)(semi - rep.set_cookie), rep.set_cookie);
		snprintf(s->csrf, sizeof s->csrf, "%s", csrf);
	}
	json_decref(rep.json);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static char url[512];
	struct principal sys;
	sy_err err;
	crypto_init();
	if (!mkdtemp(tmpdir))
		abort();
	atexit(remove_tmpdir);
	snprintf(url, sizeof url, "sqlite:%s/fuzz.db", tmpdir);
	keys_configure("", url, 300, 1825);
	db *d = db_open(url, &err);
	principal_system(&sys, "fuzz");
	bool created;
	if (!d || db_migrate(d, app_migrations, app_migrations_count, NULL, &err) ||
	    demo_load(d, 7, 60, NULL, &err) || keys_ensure(d, &sys, &created, NULL, &err)) {
		fprintf(stderr, "fuzz_api: set-up failed: %s\n", err.msg_en);
		abort();
	}
	db_close(d);
	http_cfg.db_url = url;
	http_cfg.web_dir = "web";
	http_cfg.max_body = 1 << 20;
	http_cfg.max_upload = 8 << 20;
	http_cfg.session_ttl_minutes = 600;
	http_cfg.session_idle_minutes = 600;
	http_cfg.login_max_per_account = 1000000;
	http_cfg.login_max_per_ip = 1000000;
	http_cfg.login_window_minutes = 1;
	accounts_set_pwhash_limits(1, 8192);
	modules_register_routes();
	while (http_route_at(nroutes))
		nroutes++;
	for (int i = 0; i < NROLES; i++)
		if (roles[i].user)
			sign_in(&roles[i]);
	return 0;
}

/* The route's pattern with each {…} replaced by the next '/'-separated piece of params. */
static bool fill_path(const char *pattern, const char *params, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = pattern; *p; p++) {
		if (*p != '{') {
			if (o + 1 >= cap)
				return false;
			out[o++] = *p;
			continue;
		}
		const char *close = strchr(p, '}');
		if (!close)
			return false;
		size_t n = strcspn(params, "/");
		const char *v = n ? params : "1";
		size_t vn = n ? n : 1;
		if (o + vn >= cap)
			return false;
		memcpy(out + o, v, vn);
		o += vn;
		params += n + (params[n] == '/');
		p = close;
	}
	out[o] = '\0';
	return true;
}

static int parse_query(char *s, struct http_kv *q, int max)
{
	int n = 0;
	for (char *save, *tok = strtok_r(s, "&", &save); tok && n < max; tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		if (eq)
			*eq++ = '\0';
		q[n++] = (struct http_kv){tok, eq ? eq : ""};
	}
	return n;
}

static void check_reply(const struct route *rt, const struct reply *rep)
{
	if (rep->status < 200 || rep->status > 599 || rep->status == 500) {
		fprintf(stderr, "%s %s answered %d\n", rt->method, rt->pattern, rep->status);
		abort();
	}
	if (rep->status >= 400) {
		json_t *e = json_object_get(rep->json, "error");
		FUZZ_CHECK(json_is_string(json_object_get(e, "code")));
		FUZZ_CHECK(json_is_string(json_object_get(e, "message")));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, path[1024];
	struct http_kv q[8];
	struct reply rep;
	if (size < 3 || size > 65536 || nroutes == 0)
		return 0;
	struct role_session *s = &roles[data[0] % NROLES];
	const struct route *rt = http_route_at((data[1] | data[2] << 8) % nroutes);
	if (strcmp(rt->pattern, "/api/v1/auth/logout") == 0)
		return 0;
	copy = malloc(size - 2);
	if (!copy)
		return 0;
	memcpy(copy, data + 3, size - 3);
	copy[size - 3] = '\0';
	char *query = strchr(copy, '\n'), *body = NULL;
	if (query) {
		*query++ = '\0';
		body = strchr(query, '\n');
		if (body)
			*body++ = '\0';
	}
	if (!fill_path(rt->pattern, copy, path, sizeof path))
		goto out;
	int nq = query ? parse_query(query, q, 8) : 0;
	/* The body keeps its bytes after the split, NULs included. */
	size_t body_len = body ? size - 3 - (size_t)(body - copy) : 0;
	dispatch(rt->method, path, q, nq, body, body_len, s, &rep);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%d %s %s\n", rep.status, rt->method, path);
	check_reply(rt, &rep);
	json_decref(rep.json);
	if (rep.status == 401 && s->user)
		sign_in(s);
out:
	free(copy);
	return 0;
}
