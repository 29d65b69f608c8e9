/*
 * accounts.c - users, API tokens and login. Every change is audited in the
 * same transaction as the change itself.
 */
#include "accounts.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "db/page.h"
#include "lib/text.h"
#include "lib/timeutil.h"

static const char SQL_USER_INSERT[] =
	"INSERT INTO users (username, display_name, password_hash, role, region_code, org_id,"
	" person_id, disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)"
	" RETURNING id";
#define USER_SELECT \
	"SELECT u.id, u.username, u.display_name, u.role, u.region_code, r.name, u.org_id, o.name," \
	" u.person_id, u.disabled, u.created_at, u.last_login_at" \
	" FROM users u JOIN regions r ON r.code = u.region_code LEFT JOIN orgs o ON o.id = u.org_id"
static const char SQL_USER_GET[] = USER_SELECT " WHERE u.id = $1";
static const char SQL_USER_LIST[] = USER_SELECT
	" WHERE u.id > $1 AND u.region_code LIKE $2"
	" AND (CAST($3 AS TEXT) IS NULL OR u.role = $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR u.username LIKE $4 ESCAPE '\\' OR u.display_name LIKE $4 ESCAPE '\\')"
	" ORDER BY u.id LIMIT $5";
static const char SQL_USER_BY_NAME[] =
	"SELECT id, password_hash, disabled, role, region_code, org_id, person_id, username"
	" FROM users WHERE username = $1";
static const char SQL_USER_ID_BY_NAME[] = "SELECT id FROM users WHERE username = $1";
static const char SQL_USER_CURRENT[] =
	"SELECT role, region_code, org_id, display_name, disabled, person_id FROM users WHERE id = $1";
static const char SQL_USER_UPDATE[] =
	"UPDATE users SET display_name = $2, role = $3, region_code = $4, org_id = $5, disabled = $6,"
	" updated_at = $7 WHERE id = $1";
static const char SQL_USER_SET_PASSWORD[] =
	"UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
/* Disabling a user or changing their password ends every session they have. */
static const char SQL_END_SESSIONS[] =
	"UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";
static const char SQL_USER_LOGGED_IN[] =
	"UPDATE users SET last_login_at = $2 WHERE id = $1";
static const char SQL_REGION_EXISTS[] = "SELECT 1 FROM regions WHERE code = $1";
static const char SQL_ORG_INFO[] = "SELECT type, region_code FROM orgs WHERE id = $1";
static const char SQL_PERSON_REGION[] = "SELECT 1 FROM people WHERE id = $1";
static const char SQL_FAILURES_SINCE[] =
	"SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2";
static const char SQL_FAILURE_ADD[] = "INSERT INTO login_failures (key, at) VALUES ($1, $2)";
static const char SQL_FAILURES_PRUNE[] = "DELETE FROM login_failures WHERE key = $1 AND at <= $2";
static const char SQL_FAILURES_CLEAR[] = "DELETE FROM login_failures WHERE key = $1";
static const char SQL_TOKEN_INSERT[] =
	"INSERT INTO api_tokens (name, token_hash, role, region_code, org_id, created_by, created_at,"
	" expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
#define TOKEN_SELECT \
	"SELECT t.id, t.name, t.role, t.org_id, o.name, t.region_code, t.created_at, t.expires_at," \
	" t.revoked_at, t.last_used_at FROM api_tokens t LEFT JOIN orgs o ON o.id = t.org_id"
static const char SQL_TOKEN_GET[] = TOKEN_SELECT " WHERE t.id = $1";
static const char SQL_TOKEN_LIST[] = TOKEN_SELECT " WHERE t.id > $1 ORDER BY t.id LIMIT $2";
static const char SQL_TOKEN_REVOKE[] =
	"UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

static unsigned long long pw_ops;
static size_t pw_mem;

void accounts_set_pwhash_limits(unsigned long long ops, size_t mem)
{
	pw_ops = ops;
	pw_mem = mem;
}

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static sy_status check_username(const char *u, sy_err *err)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 3 || n > USERNAME_MAX)
		goto bad;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			goto bad;
	return SY_OK;
bad:
	return sy_failf(err, SY_EINVAL, "invalid_username", "username",
			"用户名须为 3–64 位小写字母、数字或 . _ -",
			"username must be 3–64 of lowercase letters, digits, . _ -");
}

static sy_status check_display_name(const char *s, sy_err *err)
{
	if (!s || !*s || strlen(s) > DISPLAY_NAME_MAX || !text_valid_utf8_line(s))
		return sy_failf(err, SY_EINVAL, "invalid_display_name", "display_name",
				"姓名不能为空，最长 128 字节，且不能含控制字符",
				"display name must be 1–128 bytes of text without control characters");
	return SY_OK;
}

static sy_status check_password(const char *s, sy_err *err)
{
	size_t n = s ? strlen(s) : 0;
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return sy_fail(err, SY_EINVAL, "weak_password", "password",
			       "密码长度须为 %d–%d 个字符", "password must be %d–%d characters",
			       PASSWORD_MIN, PASSWORD_MAX);
	return SY_OK;
}

static sy_status check_role(const char *s, enum role *out, sy_err *err)
{
	*out = role_parse(s);
	if (*out == ROLE_NONE)
		return sy_failf(err, SY_EINVAL, "invalid_role", "role", "角色无效", "unknown role");
	return SY_OK;
}

static sy_status check_region(db *d, const struct principal *actor, const char *code, sy_err *err)
{
	int64_t one;
	sy_status st;
	if (!code || strlen(code) >= REGION_CODE_MAX)
		return sy_failf(err, SY_EINVAL, "invalid_region", "region_code", "地区代码无效",
				"unknown region code");
	st = db_query_int(d, SQL_REGION_EXISTS, DB_ARGS(DB_T(code)), &one, err);
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_EINVAL, "invalid_region", "region_code", "地区代码无效",
				"unknown region code");
	if (st)
		return st;
	return scope_require_region(actor, code, "region_code", err);
}

/* An org-scoped role needs an organisation of the matching type; other roles none. */
static sy_status check_org(db *d, const struct principal *actor, enum role role, int64_t org_id,
			   sy_err *err)
{
	const char *want = role_org_type(role);
	db_rows *r = NULL;
	sy_status st = SY_OK;
	if (!want) {
		if (org_id)
			return sy_failf(err, SY_EINVAL, "org_not_allowed", "org_id",
					"该角色不隶属于单位", "this role does not belong to an organisation");
		return SY_OK;
	}
	if (!org_id)
		return sy_failf(err, SY_EINVAL, "required", "org_id", "该角色必须指定所属单位",
				"this role needs an organisation");
	if ((st = db_query(d, SQL_ORG_INFO, DB_ARGS(DB_I(org_id)), &r, err)))
		return st;
	if (!db_next(r)) {
		st = sy_failf(err, SY_EINVAL, "invalid_org", "org_id", "单位不存在", "no such organisation");
		goto out;
	}
	if (strcmp(db_text(r, 0), want) != 0) {
		st = sy_fail(err, SY_EINVAL, "org_type_mismatch", "org_id", "该角色须隶属于类型为 %s 的单位",
			     "this role needs an organisation of type %s", want);
		goto out;
	}
	st = scope_require_region(actor, db_text(r, 1), "org_id", err);
out:
	db_rows_free(r);
	return st;
}

static sy_status check_person(db *d, enum role role, int64_t person_id, sy_err *err)
{
	int64_t one;
	if (role != ROLE_PERSON) {
		if (person_id)
			return sy_failf(err, SY_EINVAL, "person_not_allowed", "person_id",
					"只有个人账号可以关联人员", "only person accounts link to a person");
		return SY_OK;
	}
	if (!person_id)
		return sy_failf(err, SY_EINVAL, "required", "person_id", "个人账号必须关联人员",
				"a person account needs person_id");
	sy_status st = db_query_int(d, SQL_PERSON_REGION, DB_ARGS(DB_I(person_id)), &one, err);
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_EINVAL, "invalid_person", "person_id", "人员不存在",
				"no such person");
	return st;
}

static json_t *user_json(db_rows *r)
{
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:s?, s:o, s:b, s:s?, s:s?}",
			 "id", (json_int_t)db_int(r, 0), "username", db_text(r, 1),
			 "display_name", db_text(r, 2), "role", db_text(r, 3),
			 "region_code", db_text(r, 4), "region_name", db_text(r, 5),
			 "org_id", db_isnull(r, 6) ? json_null() : json_integer(db_int(r, 6)),
			 "org_name", db_text(r, 7),
			 "person_id", db_isnull(r, 8) ? json_null() : json_integer(db_int(r, 8)),
			 "disabled", (int)db_bool(r, 9), "created_at", db_text(r, 10),
			 "last_login_at", db_text(r, 11));
}

static sy_status audit_user(db *d, const struct principal *actor, const char *action, int64_t id,
			    const char *region, json_t *detail, sy_err *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, id);
	struct audit_event ev = {.action = action, .object_type = "user", .object_id = oid,
				 .region_code = region, .detail = detail};
	sy_status st = audit_write(d, actor, &ev, err);
	json_decref(detail);
	return st;
}

sy_status accounts_user_create(db *d, const struct principal *actor, const struct user_input *in,
			       int64_t *id, sy_err *err)
{
	char hash[CRYPTO_PWHASH_MAX], now[TIME_ISO_LEN];
	enum role role;
	bool own = false;
	sy_status st;

	if ((st = check_username(in->username, err)) || (st = check_display_name(in->display_name, err)) ||
	    (st = check_password(in->password, err)) || (st = check_role(in->role, &role, err)))
		return st;
	if (!crypto_password_hash(in->password, hash, pw_ops, pw_mem))
		return oom(err);
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = check_region(d, actor, in->region_code, err)) ||
	    (st = check_org(d, actor, role, in->org_id, err)) ||
	    (st = check_person(d, role, in->person_id, err)))
		goto out;
	time_now_iso(now);
	st = db_query_int(d, SQL_USER_INSERT,
			  DB_ARGS(DB_T(in->username), DB_T(in->display_name), DB_T(hash),
				  DB_T(in->role), DB_T(in->region_code), DB_IDOPT(in->org_id),
				  DB_IDOPT(in->person_id), DB_T(now)),
			  id, err);
	if (st == SY_ECONFLICT)
		st = sy_failf(err, SY_ECONFLICT, "username_taken", "username", "用户名已被使用",
			      "username is already taken");
	if (st)
		goto out;
	st = audit_user(d, actor, "user.create", *id, in->region_code,
			json_pack("{s:s, s:s, s:s}", "username", in->username, "role", in->role,
				  "region_code", in->region_code),
			err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status accounts_user_update(db *d, const struct principal *actor, int64_t id,
			       const struct user_input *in, sy_err *err)
{
	char now[TIME_ISO_LEN], role_s[16], region[REGION_CODE_MAX], name[DISPLAY_NAME_MAX + 1];
	db_rows *r = NULL;
	bool own = false, disabled;
	int64_t org_id, person_id;
	enum role role;
	sy_status st;

	if ((in->display_name && (st = check_display_name(in->display_name, err))) ||
	    (in->role && (st = check_role(in->role, &role, err))))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = db_query(d, SQL_USER_CURRENT, DB_ARGS(DB_I(id)), &r, err)))
		goto out;
	if (!db_next(r) || !scope_region_allows(actor, db_text(r, 1))) {
		st = sy_failf(err, SY_ENOTFOUND, "user_not_found", NULL, "用户不存在", "no such user");
		goto out;
	}
	snprintf(role_s, sizeof role_s, "%s", in->role ? in->role : db_text(r, 0));
	snprintf(region, sizeof region, "%s", in->region_code ? in->region_code : db_text(r, 1));
	org_id = in->set_org ? in->org_id : db_int(r, 2);
	snprintf(name, sizeof name, "%s", in->display_name ? in->display_name : db_text(r, 3));
	disabled = in->set_disabled ? in->disabled : db_bool(r, 4);
	person_id = db_int(r, 5);
	db_rows_free(r);
	r = NULL;
	role = role_parse(role_s);
	if (id == actor->user_id && (disabled || role != actor->role)) {
		st = sy_failf(err, SY_ECONFLICT, "cannot_change_self", NULL,
			      "不能停用自己或修改自己的角色", "you cannot disable yourself or change your own role");
		goto out;
	}
	if ((st = check_region(d, actor, region, err)) || (st = check_org(d, actor, role, org_id, err)) ||
	    (st = check_person(d, role, person_id, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_USER_UPDATE,
			   DB_ARGS(DB_I(id), DB_T(name), DB_T(role_s), DB_T(region), DB_IDOPT(org_id),
				   DB_I(disabled ? 1 : 0), DB_T(now)),
			   NULL, err)))
		goto out;
	if (disabled) {
		if ((st = db_execp(d, SQL_END_SESSIONS, DB_ARGS(DB_I(id), DB_T(now)), NULL, err)))
			goto out;
	}
	st = audit_user(d, actor, "user.update", id, region,
			json_pack("{s:s, s:s, s:s, s:b, s:o}", "display_name", name, "role", role_s,
				  "region_code", region, "disabled", disabled, "org_id",
				  org_id ? json_integer(org_id) : json_null()),
			err);
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status accounts_user_set_password(db *d, const struct principal *actor, int64_t id,
				     const char *password, sy_err *err)
{
	char hash[CRYPTO_PWHASH_MAX], now[TIME_ISO_LEN];
	db_rows *r = NULL;
	bool own = false;
	sy_status st;
	if ((st = check_password(password, err)))
		return st;
	if (!crypto_password_hash(password, hash, pw_ops, pw_mem))
		return oom(err);
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = db_query(d, SQL_USER_CURRENT, DB_ARGS(DB_I(id)), &r, err)))
		goto out;
	if (!db_next(r) || !scope_region_allows(actor, db_text(r, 1))) {
		st = sy_failf(err, SY_ENOTFOUND, "user_not_found", NULL, "用户不存在", "no such user");
		goto out;
	}
	char region[REGION_CODE_MAX];
	snprintf(region, sizeof region, "%s", db_text(r, 1));
	db_rows_free(r);
	r = NULL;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_USER_SET_PASSWORD, DB_ARGS(DB_I(id), DB_T(hash), DB_T(now)), NULL, err)) ||
	    (st = db_execp(d, SQL_END_SESSIONS, DB_ARGS(DB_I(id), DB_T(now)), NULL, err)))
		goto out;
	st = audit_user(d, actor, "user.password", id, region, NULL, err);
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status accounts_user_get(db *d, const struct principal *actor, int64_t id, json_t **out,
			    sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_USER_GET, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	if (!db_next(r) || !scope_region_allows(actor, db_text(r, 4)))
		st = sy_failf(err, SY_ENOTFOUND, "user_not_found", NULL, "用户不存在", "no such user");
	else if (!(*out = user_json(r)))
		st = oom(err);
	db_rows_free(r);
	return st;
}

sy_status accounts_user_id_by_name(db *d, const char *username, int64_t *id, sy_err *err)
{
	sy_status st = db_query_int(d, SQL_USER_ID_BY_NAME, DB_ARGS(DB_T(username)), id, err);
	if (st == SY_ENOTFOUND)
		return sy_fail(err, SY_ENOTFOUND, "user_not_found", "username", "用户 %s 不存在",
			       "no user %s", username);
	return st;
}

sy_status accounts_user_list(db *d, const struct principal *actor, const struct user_filter *f,
			     json_t **items, int64_t *next, sy_err *err)
{
	char like_region[REGION_CODE_MAX + 1], q[300];
	db_rows *r = NULL;
	sy_status st;
	*items = NULL;
	*next = 0;
	if (f->region) {
		char prefix[REGION_CODE_MAX];
		if ((st = scope_require_region(actor, f->region, "region", err)))
			return st;
		region_prefix(f->region, prefix);
		snprintf(like_region, sizeof like_region, "%s%%", prefix);
	} else {
		scope_region_like(actor, like_region);
	}
	if (f->role && role_parse(f->role) == ROLE_NONE)
		return sy_failf(err, SY_EINVAL, "invalid_role", "role", "角色无效", "unknown role");
	if (f->q && !text_like_contains(f->q, q, sizeof q))
		return sy_failf(err, SY_EINVAL, "too_long", "q", "搜索词过长", "search text too long");
	if ((st = db_query(d, SQL_USER_LIST,
			   DB_ARGS(DB_I(f->cursor), DB_T(like_region), DB_T(f->role),
				   DB_T(f->q ? q : NULL), DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, user_json, items, next, err);
	db_rows_free(r);
	return st;
}

/*
 * A real hash, made once with the current limits, to verify against when the
 * user does not exist: the reply then takes as long as for a wrong password,
 * so timing does not tell which usernames exist.
 */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[CRYPTO_PWHASH_MAX];

static void make_dummy_hash(void)
{
	char pw[CRYPTO_TOKEN_MAX];
	crypto_token("", pw, sizeof pw);
	if (!crypto_password_hash(pw, dummy_hash, pw_ops, pw_mem))
		dummy_hash[0] = '\0';
}

static sy_status count_failures(db *d, const char *key, const char *since, int64_t *n, sy_err *err)
{
	return db_query_int(d, SQL_FAILURES_SINCE, DB_ARGS(DB_T(key), DB_T(since)), n, err);
}

static sy_status record_failure(db *d, const char *ukey, const char *ikey, const char *since,
				const char *username, const char *ip, sy_err *err)
{
	char now[TIME_ISO_LEN];
	struct principal anon;
	bool own;
	sy_status st;
	time_now_iso(now);
	principal_system(&anon, "anonymous");
	anon.role = ROLE_NONE;
	snprintf(anon.ip, sizeof anon.ip, "%s", ip ? ip : "");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	/* Old rows go as new ones come, so the table stays the size of one window. */
	if ((st = db_execp(d, SQL_FAILURES_PRUNE, DB_ARGS(DB_T(ukey), DB_T(since)), NULL, err)) ||
	    (st = db_execp(d, SQL_FAILURES_PRUNE, DB_ARGS(DB_T(ikey), DB_T(since)), NULL, err)) ||
	    (st = db_execp(d, SQL_FAILURE_ADD, DB_ARGS(DB_T(ukey), DB_T(now)), NULL, err)) ||
	    (st = db_execp(d, SQL_FAILURE_ADD, DB_ARGS(DB_T(ikey), DB_T(now)), NULL, err)))
		goto out;
	struct audit_event ev = {.action = "auth.login_failed", .object_type = "user",
				 .object_id = username};
	st = audit_write(d, &anon, &ev, err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status accounts_login(db *d, const char *username, const char *password, const char *ip,
			 const struct login_limits *lim, struct principal *who, sy_err *err)
{
	char ukey[USERNAME_MAX + 8], ikey[64], since[TIME_ISO_LEN], now[TIME_ISO_LEN];
	int64_t nu = 0, ni = 0;
	db_rows *r = NULL;
	sy_status st;

	if (!username || !password || strlen(username) > USERNAME_MAX || strlen(password) > PASSWORD_MAX)
		return sy_failf(err, SY_EUNAUTH, "bad_credentials", NULL, "用户名或密码错误",
				"wrong username or password");
	snprintf(ukey, sizeof ukey, "u:%s", username);
	snprintf(ikey, sizeof ikey, "ip:%s", ip ? ip : "");
	time_iso(time(NULL) - (time_t)lim->window_minutes * 60, since);
	if ((st = count_failures(d, ukey, since, &nu, err)) ||
	    (st = count_failures(d, ikey, since, &ni, err)))
		return st;
	if (nu >= lim->max_per_account || ni >= lim->max_per_ip)
		return sy_fail(err, SY_ETHROTTLED, "too_many_attempts", NULL,
			       "登录失败次数过多，请 %d 分钟后再试",
			       "too many failed logins; try again in %d minutes", lim->window_minutes);
	if ((st = db_query(d, SQL_USER_BY_NAME, DB_ARGS(DB_T(username)), &r, err)))
		return st;
	bool found = db_next(r);
	pthread_once(&dummy_once, make_dummy_hash);
	bool ok = crypto_password_verify(found ? db_text(r, 1) : dummy_hash, password) && found;
	if (!ok) {
		db_rows_free(r);
		if ((st = record_failure(d, ukey, ikey, since, username, ip, err)))
			return st;
		return sy_failf(err, SY_EUNAUTH, "bad_credentials", NULL, "用户名或密码错误",
				"wrong username or password");
	}
	if (db_bool(r, 2)) {
		db_rows_free(r);
		return sy_failf(err, SY_EUNAUTH, "account_disabled", NULL, "账号已停用",
				"account is disabled");
	}
	memset(who, 0, sizeof *who);
	who->user_id = db_int(r, 0);
	who->role = role_parse(db_text(r, 3));
	snprintf(who->region_code, sizeof who->region_code, "%s", db_text(r, 4));
	who->org_id = db_int(r, 5);
	who->person_id = db_int(r, 6);
	snprintf(who->name, sizeof who->name, "%s", db_text(r, 7));
	snprintf(who->ip, sizeof who->ip, "%s", ip ? ip : "");
	db_rows_free(r);

	bool own;
	time_now_iso(now);
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = db_execp(d, SQL_FAILURES_CLEAR, DB_ARGS(DB_T(ukey)), NULL, err)) ||
	    (st = db_execp(d, SQL_USER_LOGGED_IN, DB_ARGS(DB_I(who->user_id), DB_T(now)), NULL, err)))
		goto out;
	st = audit_user(d, who, "auth.login", who->user_id, who->region_code, NULL, err);
out:
	return db_tx_finish(d, own, st, err);
}

static json_t *token_json(db_rows *r)
{
	return json_pack("{s:I, s:s?, s:s?, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
			 "id", (json_int_t)db_int(r, 0), "name", db_text(r, 1), "role", db_text(r, 2),
			 "org_id", db_isnull(r, 3) ? json_null() : json_integer(db_int(r, 3)),
			 "org_name", db_text(r, 4), "region_code", db_text(r, 5),
			 "created_at", db_text(r, 6), "expires_at", db_text(r, 7),
			 "revoked_at", db_text(r, 8), "last_used_at", db_text(r, 9));
}

sy_status accounts_token_create(db *d, const struct principal *actor, const struct token_input *in,
				int64_t *id, char secret[CRYPTO_TOKEN_MAX], sy_err *err)
{
	char hash[CRYPTO_SHA256_HEX], now[TIME_ISO_LEN], exp[TIME_ISO_LEN], region[REGION_CODE_MAX];
	enum role role;
	db_rows *r = NULL;
	bool own = false;
	sy_status st;

	if (!in->name || !*in->name || strlen(in->name) > 100 || !text_valid_utf8_line(in->name))
		return sy_failf(err, SY_EINVAL, "invalid_name", "name", "令牌名称不能为空且不超过 100 字节",
				"token name must be 1–100 bytes of text");
	if ((st = check_role(in->role, &role, err)))
		return st;
	if (in->expires_days < 0 || in->expires_days > 3650)
		return sy_failf(err, SY_EINVAL, "out_of_range", "expires_days", "有效天数须在 0–3650 之间",
				"expires_days must be 0–3650");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	snprintf(region, sizeof region, "%s", in->region_code ? in->region_code : actor->region_code);
	if (in->org_id && !in->region_code) {
		if ((st = db_query(d, SQL_ORG_INFO, DB_ARGS(DB_I(in->org_id)), &r, err)))
			goto out;
		if (db_next(r))
			snprintf(region, sizeof region, "%s", db_text(r, 1));
		db_rows_free(r);
		r = NULL;
	}
	if ((st = check_region(d, actor, region, err)) || (st = check_org(d, actor, role, in->org_id, err)))
		goto out;
	if (role == ROLE_PERSON || role == ROLE_ADMIN) {
		st = sy_failf(err, SY_EINVAL, "invalid_role", "role",
			      "接口令牌不能授予管理员或个人角色", "API tokens cannot have the admin or person role");
		goto out;
	}
	crypto_token("sy_", secret, CRYPTO_TOKEN_MAX);
	crypto_sha256_hex(secret, strlen(secret), hash);
	time_t t = time(NULL);
	time_iso(t, now);
	time_iso(t + (time_t)in->expires_days * 86400, exp);
	if ((st = db_query_int(d, SQL_TOKEN_INSERT,
			       DB_ARGS(DB_T(in->name), DB_T(hash), DB_T(in->role), DB_T(region),
				       DB_IDOPT(in->org_id), DB_IDOPT(actor->user_id), DB_T(now),
				       DB_T(in->expires_days ? exp : NULL)),
			       id, err)))
		goto out;
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, *id);
	json_t *detail = json_pack("{s:s, s:s, s:s}", "name", in->name, "role", in->role, "region_code", region);
	struct audit_event ev = {.action = "token.create", .object_type = "token", .object_id = oid,
				 .region_code = region, .detail = detail};
	st = audit_write(d, actor, &ev, err);
	json_decref(detail);
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status accounts_token_revoke(db *d, const struct principal *actor, int64_t id, sy_err *err)
{
	char now[TIME_ISO_LEN], oid[24];
	int64_t changed = 0;
	bool own;
	sy_status st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_TOKEN_REVOKE, DB_ARGS(DB_I(id), DB_T(now)), &changed, err)))
		goto out;
	if (changed == 0) {
		json_t *t = NULL;
		st = accounts_token_get(d, id, &t, err);
		if (st == SY_OK)
			st = sy_failf(err, SY_ECONFLICT, "already_revoked", NULL, "令牌已被吊销",
				      "token already revoked");
		json_decref(t);
		goto out;
	}
	snprintf(oid, sizeof oid, "%" PRId64, id);
	struct audit_event ev = {.action = "token.revoke", .object_type = "token", .object_id = oid};
	st = audit_write(d, actor, &ev, err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status accounts_token_get(db *d, int64_t id, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_TOKEN_GET, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	if (!db_next(r))
		st = sy_failf(err, SY_ENOTFOUND, "token_not_found", NULL, "令牌不存在", "no such token");
	else if (!(*out = token_json(r)))
		st = oom(err);
	db_rows_free(r);
	return st;
}

sy_status accounts_token_list(db *d, const struct principal *actor, int limit, int64_t cursor,
			      json_t **items, int64_t *next, sy_err *err)
{
	(void)actor; /* tokens are managed by admins, who see all */
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_TOKEN_LIST, DB_ARGS(DB_I(cursor), DB_I(limit + 1)), &r, err);
	*next = 0;
	if (st)
		return st;
	st = db_page(r, limit, token_json, items, next, err);
	db_rows_free(r);
	return st;
}
