#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../lib/text.h"
#include "../lib/timeutil.h"

static const char SQL_SESSION_LOOKUP[] =
	"SELECT s.id, s.csrf_token, s.expires_at, s.last_seen_at, u.id, u.username, u.role,"
	" u.region_code, u.org_id, u.person_id, u.disabled"
	" FROM sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.token_hash = $1 AND s.revoked_at IS NULL";
static const char SQL_SESSION_TOUCH[] =
	"UPDATE sessions SET last_seen_at = $1 WHERE id = $2";
static const char SQL_SESSION_INSERT[] =
	"INSERT INTO sessions (token_hash, user_id, csrf_token, ip, created_at, expires_at,"
	" last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $5)";
static const char SQL_SESSION_REVOKE[] =
	"UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL";
static const char SQL_TOKEN_LOOKUP[] =
	"SELECT id, name, role, region_code, org_id, expires_at, revoked_at, last_used_at"
	" FROM api_tokens WHERE token_hash = $1";
static const char SQL_TOKEN_TOUCH[] =
	"UPDATE api_tokens SET last_used_at = $1 WHERE id = $2";

/* Write "last seen" at most this often: a write per request would serialise readers. */
#define TOUCH_INTERVAL_S 60

static sy_status unauth(sy_err *err, const char *code, const char *zh, const char *en)
{
	return sy_failf(err, SY_EUNAUTH, code, NULL, zh, en);
}

/* The value of cookie `name` copied into out, or false. */
static bool cookie_value(const char *header, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t len = strcspn(v, ";");
			if (len == 0 || len >= cap)
				return false;
			memcpy(out, v, len);
			out[len] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

static bool stale(const char *last_iso, time_t now)
{
	time_t last;
	return !last_iso || !time_parse_iso(last_iso, &last) || now - last >= TOUCH_INTERVAL_S;
}

static void copy_principal_text(char *dst, size_t cap, const char *src)
{
	text_copy(dst, cap, src);
}

static sy_status auth_bearer(struct http_req *r, const char *token, sy_err *err)
{
	char hash[CRYPTO_SHA256_HEX], now_iso[TIME_ISO_LEN];
	db_rows *rows = NULL;
	sy_status st;
	time_t now = time(NULL);

	crypto_secret_sha256_hex(token, hash);
	if ((st = db_query(r->db, SQL_TOKEN_LOOKUP, DB_ARGS(DB_T(hash)), &rows, err)))
		return st;
	if (!db_next(rows)) {
		st = unauth(err, "invalid_token", "接口令牌无效", "invalid API token");
		goto out;
	}
	time_iso(now, now_iso);
	if (!db_isnull(rows, 6)) {
		st = unauth(err, "token_revoked", "接口令牌已被吊销", "API token has been revoked");
		goto out;
	}
	if (db_text(rows, 5) && strcmp(db_text(rows, 5), now_iso) <= 0) {
		st = unauth(err, "token_expired", "接口令牌已过期", "API token has expired");
		goto out;
	}
	struct principal *p = &r->who;
	p->token_id = db_int(rows, 0);
	p->user_id = 0;
	memcpy(p->name, "token:", 6);
	text_copy(p->name + 6, 57, db_text(rows, 1)); /* "token:" and at most 56 bytes of its name */
	p->role = role_parse(db_text(rows, 2));
	copy_principal_text(p->region_code, sizeof p->region_code, db_text(rows, 3));
	p->org_id = db_int(rows, 4);
	bool touch = stale(db_text(rows, 7), now);
	int64_t id = p->token_id;
	db_rows_free(rows);
	rows = NULL;
	if (touch)
		db_execp(r->db, SQL_TOKEN_TOUCH, DB_ARGS(DB_T(now_iso), DB_I(id)), NULL, NULL);
	r->authenticated = true;
out:
	db_rows_free(rows);
	return st;
}

static sy_status auth_cookie(struct http_req *r, const char *token, sy_err *err)
{
	char hash[CRYPTO_SHA256_HEX], now_iso[TIME_ISO_LEN];
	db_rows *rows = NULL;
	sy_status st;
	time_t now = time(NULL), last;

	crypto_secret_sha256_hex(token, hash);
	if ((st = db_query(r->db, SQL_SESSION_LOOKUP, DB_ARGS(DB_T(hash)), &rows, err)))
		return st;
	if (!db_next(rows)) {
		st = unauth(err, "session_invalid", "登录已失效，请重新登录", "session is not valid; log in again");
		goto out;
	}
	time_iso(now, now_iso);
	bool idle = time_parse_iso(db_text(rows, 3), &last) &&
		    now - last > (time_t)http_cfg.session_idle_minutes * 60;
	if (strcmp(db_text(rows, 2), now_iso) <= 0 || idle) {
		st = unauth(err, "session_expired", "登录已过期，请重新登录", "session expired; log in again");
		goto out;
	}
	if (db_int(rows, 10)) {
		st = unauth(err, "account_disabled", "账号已停用", "account is disabled");
		goto out;
	}
	struct principal *p = &r->who;
	int64_t sid = db_int(rows, 0);
	r->csrf = arena_strdup(r->a, db_text(rows, 1));
	p->user_id = db_int(rows, 4);
	copy_principal_text(p->name, sizeof p->name, db_text(rows, 5));
	p->role = role_parse(db_text(rows, 6));
	copy_principal_text(p->region_code, sizeof p->region_code, db_text(rows, 7));
	p->org_id = db_int(rows, 8);
	p->person_id = db_int(rows, 9);
	bool touch = stale(db_text(rows, 3), now);
	db_rows_free(rows);
	rows = NULL;
	if (touch)
		db_execp(r->db, SQL_SESSION_TOUCH, DB_ARGS(DB_T(now_iso), DB_I(sid)), NULL, NULL);
	r->authenticated = true;
	r->via_cookie = true;
out:
	db_rows_free(rows);
	return st;
}

sy_status auth_request(struct http_req *r, sy_err *err)
{
	char token[CRYPTO_TOKEN_MAX + 8];
	const char *authz = http_header(r, "Authorization");
	text_copy(r->who.ip, sizeof r->who.ip, r->ip);
	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0 || strlen(authz + 7) >= sizeof token)
			return unauth(err, "invalid_token", "接口令牌无效", "invalid API token");
		text_copy(token, sizeof token, authz + 7);
		return auth_bearer(r, token, err);
	}
	const char *cookie = http_header(r, "Cookie");
	if (cookie && cookie_value(cookie, SESSION_COOKIE, token, sizeof token))
		return auth_cookie(r, token, err);
	return unauth(err, "unauthenticated", "请先登录", "authentication required");
}

sy_status auth_check_csrf(struct http_req *r, sy_err *err)
{
	const char *sent = http_header(r, "X-CSRF-Token");
	if (!r->via_cookie)
		return SY_OK;
	if (!sent || !r->csrf || !crypto_streq(sent, r->csrf))
		return sy_failf(err, SY_EFORBIDDEN, "csrf_failed", "X-CSRF-Token",
				"安全校验失败，请刷新页面后重试", "CSRF token missing or wrong");
	return SY_OK;
}

const char *auth_csrf_token(struct http_req *r)
{
	return r->csrf;
}

sy_status auth_session_create(db *d, int64_t user_id, const char *ip,
			      char token[CRYPTO_TOKEN_MAX], char csrf[CRYPTO_TOKEN_MAX],
			      sy_err *err)
{
	char hash[CRYPTO_SHA256_HEX], now_iso[TIME_ISO_LEN], exp_iso[TIME_ISO_LEN];
	time_t now = time(NULL);
	crypto_token("", token, CRYPTO_TOKEN_MAX);
	crypto_token("", csrf, CRYPTO_TOKEN_MAX);
	crypto_sha256_hex(token, strlen(token), hash);
	time_iso(now, now_iso);
	time_iso(now + (time_t)http_cfg.session_ttl_minutes * 60, exp_iso);
	return db_execp(d, SQL_SESSION_INSERT,
			DB_ARGS(DB_T(hash), DB_I(user_id), DB_T(csrf), DB_T(ip), DB_T(now_iso),
				DB_T(exp_iso)),
			NULL, err);
}

sy_status auth_session_end(struct http_req *r, sy_err *err)
{
	char token[CRYPTO_TOKEN_MAX + 8], hash[CRYPTO_SHA256_HEX], now_iso[TIME_ISO_LEN];
	const char *cookie = http_header(r, "Cookie");
	if (!r->via_cookie || !cookie || !cookie_value(cookie, SESSION_COOKIE, token, sizeof token))
		return SY_OK;
	crypto_sha256_hex(token, strlen(token), hash);
	time_now_iso(now_iso);
	return db_execp(r->db, SQL_SESSION_REVOKE, DB_ARGS(DB_T(now_iso), DB_T(hash)), NULL, err);
}

void auth_set_cookie(struct http_req *r, const char *token)
{
	char *c = arena_printf(r->a, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
			       token, http_cfg.session_ttl_minutes * 60,
			       http_cfg.secure_cookies ? "; Secure" : "");
	if (c)
		http_add_header(r, "Set-Cookie", c);
}

void auth_clear_cookie(struct http_req *r)
{
	http_add_header(r, "Set-Cookie", http_cfg.secure_cookies
		? SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
		: SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}
