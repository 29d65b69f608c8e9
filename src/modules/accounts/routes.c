/*
 * routes.c - /api/v1/auth/{login,logout,me}, /api/v1/users, /api/v1/tokens.
 */
#include <string.h>

#include "accounts.h"
#include "http/auth.h"
#include "http/http.h"


static const struct export_column user_columns[] = {
	{"id", "编号", "ID"},
	{"username", "用户名", "Username"},
	{"display_name", "姓名", "Name"},
	{"role", "角色", "Role"},
	{"region_code", "地区代码", "Region code"},
	{"region_name", "地区", "Region"},
	{"org_name", "所属单位", "Organisation"},
	{"disabled", "已停用", "Disabled"},
	{"created_at", "创建时间", "Created"},
	{"last_login_at", "最近登录", "Last login"},
};

/* The caller as the UI needs it: the user record and the CSRF token. */
static sy_status reply_me(struct http_req *r, int64_t user_id, const char *csrf, sy_err *err)
{
	json_t *user = NULL;
	sy_status st = accounts_user_get(r->db, &r->who, user_id, &user, err);
	if (st == SY_ENOTFOUND) {
		/* a user sees themselves even when their own region is narrower than the lookup scope */
		struct principal self = r->who;
		self.role = ROLE_ADMIN;
		st = accounts_user_get(r->db, &self, user_id, &user, err);
	}
	if (st)
		return st;
	http_json(r, 200, json_pack("{s:o, s:s?}", "user", user, "csrf_token", csrf));
	return SY_OK;
}

static sy_status post_login(struct http_req *r, sy_err *err)
{
	const char *username, *password;
	char token[CRYPTO_TOKEN_MAX], csrf[CRYPTO_TOKEN_MAX];
	sy_status st;
	if ((st = http_in_str(r, "username", true, USERNAME_MAX, &username, err)) ||
	    (st = http_in_str(r, "password", true, PASSWORD_MAX, &password, err)) ||
	    (st = http_db(r, err)))
		return st;
	struct login_limits lim = {
		.max_per_account = http_cfg.login_max_per_account,
		.max_per_ip = http_cfg.login_max_per_ip,
		.window_minutes = http_cfg.login_window_minutes,
	};
	if ((st = accounts_login(r->db, username, password, r->ip, &lim, &r->who, err)))
		return st;
	if ((st = auth_session_create(r->db, r->who.user_id, r->ip, token, csrf, err)))
		return st;
	r->authenticated = true;
	auth_set_cookie(r, token);
	return reply_me(r, r->who.user_id, csrf, err);
}

static sy_status post_logout(struct http_req *r, sy_err *err)
{
	sy_status st = auth_session_end(r, err);
	if (st)
		return st;
	auth_clear_cookie(r);
	http_no_content(r);
	return SY_OK;
}

static sy_status get_me(struct http_req *r, sy_err *err)
{
	if (!r->who.user_id) {
		/* an API token is not a user */
		http_json(r, 200, json_pack("{s:{s:s, s:s, s:s, s:o}}", "token", "name", r->who.name,
					    "role", role_name(r->who.role), "region_code",
					    r->who.region_code, "org_id",
					    r->who.org_id ? json_integer(r->who.org_id) : json_null()));
		return SY_OK;
	}
	return reply_me(r, r->who.user_id, auth_csrf_token(r), err);
}

static sy_status get_users(struct http_req *r, sy_err *err)
{
	struct user_filter f = {0};
	enum export_format fmt;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "q", 100, &f.q, err)) ||
	    (st = http_query_str(r, "role", 16, &f.role, err)) ||
	    (st = http_query_str(r, "region", 15, &f.region, err)))
		return st;
	if ((st = accounts_user_list(r->db, &r->who, &f, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, user_columns,
			      (int)(sizeof user_columns / sizeof user_columns[0]), "users", err);
}

static sy_status read_org(struct http_req *r, struct user_input *in, sy_err *err)
{
	bool present;
	int64_t v = 0;
	json_t *o = json_object_get(r->in, "org_id");
	in->set_org = o != NULL;
	if (o && json_is_null(o)) {
		in->org_id = 0;
		return SY_OK;
	}
	sy_status st = http_in_int(r, "org_id", false, 1, INT64_MAX, &present, &v, err);
	in->org_id = present ? v : 0;
	return st;
}

static sy_status post_users(struct http_req *r, sy_err *err)
{
	struct user_input in = {0};
	int64_t id, person = 0;
	bool present;
	json_t *user;
	sy_status st;
	if ((st = http_in_str(r, "username", true, USERNAME_MAX, &in.username, err)) ||
	    (st = http_in_str(r, "display_name", true, DISPLAY_NAME_MAX, &in.display_name, err)) ||
	    (st = http_in_str(r, "password", true, PASSWORD_MAX, &in.password, err)) ||
	    (st = http_in_str(r, "role", true, 16, &in.role, err)) ||
	    (st = http_in_str(r, "region_code", true, 15, &in.region_code, err)) ||
	    (st = read_org(r, &in, err)) ||
	    (st = http_in_int(r, "person_id", false, 1, INT64_MAX, &present, &person, err)))
		return st;
	in.person_id = present ? person : 0;
	if ((st = accounts_user_create(r->db, &r->who, &in, &id, err)) ||
	    (st = accounts_user_get(r->db, &r->who, id, &user, err)))
		return st;
	http_json(r, 201, user);
	return SY_OK;
}

static sy_status patch_user(struct http_req *r, sy_err *err)
{
	struct user_input in = {0};
	int64_t id;
	json_t *user;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "display_name", false, DISPLAY_NAME_MAX, &in.display_name, err)) ||
	    (st = http_in_str(r, "role", false, 16, &in.role, err)) ||
	    (st = http_in_str(r, "region_code", false, 15, &in.region_code, err)) ||
	    (st = read_org(r, &in, err)) ||
	    (st = http_in_bool(r, "disabled", &in.set_disabled, &in.disabled, err)))
		return st;
	if ((st = accounts_user_update(r->db, &r->who, id, &in, err)) ||
	    (st = accounts_user_get(r->db, &r->who, id, &user, err)))
		return st;
	http_json(r, 200, user);
	return SY_OK;
}

static sy_status post_user_password(struct http_req *r, sy_err *err)
{
	const char *password;
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "password", true, PASSWORD_MAX, &password, err)) ||
	    (st = accounts_user_set_password(r->db, &r->who, id, password, err)))
		return st;
	http_no_content(r);
	return SY_OK;
}

static const struct export_column token_columns[] = {
	{"id", "编号", "ID"},
	{"name", "名称", "Name"},
	{"role", "角色", "Role"},
	{"org_name", "所属单位", "Organisation"},
	{"region_code", "地区代码", "Region code"},
	{"created_at", "创建时间", "Created"},
	{"expires_at", "到期时间", "Expires"},
	{"revoked_at", "吊销时间", "Revoked"},
	{"last_used_at", "最近使用", "Last used"},
};

static sy_status get_tokens(struct http_req *r, sy_err *err)
{
	enum export_format fmt;
	int limit;
	int64_t cursor, next;
	json_t *items;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &limit, &cursor, err)) ||
	    (st = accounts_token_list(r->db, &r->who, limit, cursor, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, token_columns,
			      (int)(sizeof token_columns / sizeof token_columns[0]), "tokens", err);
}

static sy_status post_tokens(struct http_req *r, sy_err *err)
{
	struct token_input in = {0};
	char secret[CRYPTO_TOKEN_MAX];
	int64_t id, v = 0;
	bool present;
	json_t *tok;
	sy_status st;
	if ((st = http_in_str(r, "name", true, 100, &in.name, err)) ||
	    (st = http_in_str(r, "role", true, 16, &in.role, err)) ||
	    (st = http_in_str(r, "region_code", false, 15, &in.region_code, err)) ||
	    (st = http_in_int(r, "org_id", false, 1, INT64_MAX, &present, &v, err)))
		return st;
	in.org_id = present ? v : 0;
	if ((st = http_in_int(r, "expires_days", false, 0, 3650, &present, &v, err)))
		return st;
	in.expires_days = present ? (int)v : 0;
	if ((st = accounts_token_create(r->db, &r->who, &in, &id, secret, err)) ||
	    (st = accounts_token_get(r->db, id, &tok, err)))
		return st;
	/* The secret is shown once, here; only its hash is kept. */
	http_json(r, 201, json_pack("{s:o, s:s}", "token", tok, "secret", secret));
	return SY_OK;
}

static sy_status post_token_revoke(struct http_req *r, sy_err *err)
{
	int64_t id;
	json_t *tok;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = accounts_token_revoke(r->db, &r->who, id, err)) ||
	    (st = accounts_token_get(r->db, id, &tok, err)))
		return st;
	http_json(r, 200, tok);
	return SY_OK;
}

const struct route accounts_routes[] = {
	{"POST", "/api/v1/auth/login", post_login, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF,
	 "Log in with username and password; sets the session cookie",
	 "{\"username\":\"admin\",\"password\":\"admin-demo-2026\"}"},
	{"POST", "/api/v1/auth/logout", post_logout, ROLES_ALL, 0, "End this session", NULL},
	{"GET", "/api/v1/auth/me", get_me, ROLES_ALL, 0, "Who am I (and the CSRF token)", NULL},
	{"GET", "/api/v1/users", get_users, ROLE_ADMIN, ROUTE_EXPORT,
	 "Users (?q, role, region, limit, cursor)", NULL},
	{"POST", "/api/v1/users", post_users, ROLE_ADMIN, 0, "Create a user",
	 "{\"username\":\"officer.{uniq}\",\"display_name\":\"张伟\",\"password\":\"change-me-2026\","
	 "\"role\":\"officer\",\"region_code\":\"130902\"}"},
	{"PATCH", "/api/v1/users/{id}", patch_user, ROLE_ADMIN, 0,
	 "Change a user's name, role, region, organisation or disabled flag",
	 "{\"display_name\":\"张伟\"}"},
	{"POST", "/api/v1/users/{id}/password", post_user_password, ROLE_ADMIN, 0,
	 "Set a user's password (ends their sessions)", "{\"password\":\"change-me-2026\"}"},
	{"GET", "/api/v1/tokens", get_tokens, ROLE_ADMIN, ROUTE_EXPORT, "API tokens", NULL},
	{"POST", "/api/v1/tokens", post_tokens, ROLE_ADMIN, 0,
	 "Create an API token (the secret is returned once)",
	 "{\"name\":\"收银台 {uniq}\",\"role\":\"auditor\",\"region_code\":\"130902\",\"expires_days\":30}"},
	{"POST", "/api/v1/tokens/{id}/revoke", post_token_revoke, ROLE_ADMIN, 0,
	 "Revoke an API token at once", NULL},
};
const int accounts_routes_count = sizeof accounts_routes / sizeof accounts_routes[0];
