/* keys.c - e-card signing keys: files, rows, rotation, signing and verifying (see keys.h). */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/audit.h"
#include "lib/crypto.h"
#include "lib/paths.h"
#include "lib/timeutil.h"

#define SEED_BYTES crypto_sign_SEEDBYTES

struct keys_settings keys_cfg = {
	.key_dir = "data/keys",
	.code_ttl = 300,
	.static_ttl = 1825 * 86400L,
	/* A merchant's phone may run a little behind the server that signed. */
	.clock_skew = 60,
};

/* Every SELECT of a key row lists the columns in the order read_row reads them. */
static const char SQL_CURRENT[] =
	"SELECT key_id, algorithm, public_key, status, valid_from, retired_at, verify_until, static_until"
	" FROM signing_keys WHERE status = 'current' ORDER BY id DESC LIMIT 1";
static const char SQL_BY_KID[] =
	"SELECT key_id, algorithm, public_key, status, valid_from, retired_at, verify_until, static_until"
	" FROM signing_keys WHERE key_id = $1";
static const char SQL_KID_EXISTS[] = "SELECT COUNT(*) FROM signing_keys WHERE key_id = $1";
static const char SQL_INSERT[] =
	"INSERT INTO signing_keys (key_id, algorithm, public_key, status, valid_from, created_at, updated_at)"
	" VALUES ($1, 'Ed25519', $2, 'current', $3, $3, $3)";
static const char SQL_RETIRE[] =
	"UPDATE signing_keys SET status = 'retired', retired_at = $2, verify_until = $3, updated_at = $2"
	" WHERE key_id = $1 AND status = 'current'";
/* A static code outlives the rest: keep the key published (also if it was retired meanwhile). */
static const char SQL_STATIC_UNTIL[] =
	"UPDATE signing_keys SET static_until = $2,"
	" verify_until = CASE WHEN verify_until IS NOT NULL AND verify_until < $2 THEN $2 ELSE verify_until END"
	" WHERE key_id = $1 AND (static_until IS NULL OR static_until < $2)";
/* A compromised key: refused from now on (its status stays retired; only verify_until moves). */
static const char SQL_REVOKE[] =
	"UPDATE signing_keys SET verify_until = $2, updated_at = $2 WHERE key_id = $1 AND status = 'retired'";
static const char SQL_LIST_ALL[] =
	"SELECT key_id, algorithm, public_key, status, valid_from, retired_at, verify_until, static_until"
	" FROM signing_keys ORDER BY CASE WHEN status = 'current' THEN 0 ELSE 1 END, id DESC";
static const char SQL_LIST_VALID[] =
	"SELECT key_id, algorithm, public_key, status, valid_from, retired_at, verify_until, static_until"
	" FROM signing_keys WHERE status = 'current' OR verify_until > $1"
	" ORDER BY CASE WHEN status = 'current' THEN 0 ELSE 1 END, id DESC";

struct key_row {
	struct signing_key k;
	char static_until[KEYS_TIME_LEN];
};

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void read_row(db_rows *rows, struct key_row *r)
{
	memset(r, 0, sizeof *r);
	copy(r->k.key_id, sizeof r->k.key_id, db_text(rows, 0));
	copy(r->k.algorithm, sizeof r->k.algorithm, db_text(rows, 1));
	copy(r->k.public_key, sizeof r->k.public_key, db_text(rows, 2));
	copy(r->k.status, sizeof r->k.status, db_text(rows, 3));
	copy(r->k.valid_from, sizeof r->k.valid_from, db_text(rows, 4));
	copy(r->k.retired_at, sizeof r->k.retired_at, db_text(rows, 5));
	copy(r->k.verify_until, sizeof r->k.verify_until, db_text(rows, 6));
	copy(r->static_until, sizeof r->static_until, db_text(rows, 7));
}

/* One key row by SQL (SQL_CURRENT or SQL_BY_KID); *found false when there is none. */
static sy_status load_row(db *d, const char *sql, const char *kid, struct key_row *r, bool *found,
			  sy_err *err)
{
	db_rows *rows = NULL;
	sy_status st;
	*found = false;
	if (kid)
		st = db_query(d, sql, DB_ARGS(DB_T(kid)), &rows, err);
	else
		st = db_query(d, sql, DB_NOARGS, &rows, err);
	if (st)
		goto out;
	if (db_next(rows)) {
		read_row(rows, r);
		*found = true;
	}
out:
	db_rows_free(rows);
	return st;
}

void keys_configure(const char *key_dir, const char *db_url, long code_ttl_s, long static_days)
{
	if (code_ttl_s > 0)
		keys_cfg.code_ttl = code_ttl_s;
	if (static_days > 0)
		keys_cfg.static_ttl = (int64_t)static_days * 86400;
	if (key_dir && *key_dir) {
		copy(keys_cfg.key_dir, sizeof keys_cfg.key_dir, key_dir);
		return;
	}
	/* Default: next to the SQLite file, so a test database and its keys stay together. */
	if (!path_beside_db(db_url, "keys", keys_cfg.key_dir, sizeof keys_cfg.key_dir))
		copy(keys_cfg.key_dir, sizeof keys_cfg.key_dir, "keys");
}

bool keys_file_path(const char *key_id, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s.key", keys_cfg.key_dir, key_id);
	return n > 0 && (size_t)n < cap;
}

static sy_status fail_path(sy_err *err, const char *code, const char *path, const char *zh,
			   const char *en)
{
	return sy_fail(err, SY_EINTERNAL, code, NULL, "%s: %s", "%s: %s", path, zh, en);
}

/* Only the owner may read or enter, and the owner must be us: anything else means someone else could read the key. */
static sy_status check_private(const struct stat *sb, const char *path, bool dir, sy_err *err)
{
	if (dir ? !S_ISDIR(sb->st_mode) : !S_ISREG(sb->st_mode))
		return sy_fail(err, SY_EINTERNAL, "key_file_type", NULL, "%s 不是%s", "%s is not a %s",
			       path, dir ? "目录" : "普通文件", dir ? "directory" : "regular file");
	if (sb->st_mode & 077)
		return sy_fail(err, SY_EINTERNAL, "key_file_permissions", NULL,
			       "%s 的权限为 %04o，须仅属主可访问（chmod %s %s）",
			       "%s has mode %04o; it must be private to its owner (chmod %s %s)", path,
			       (unsigned)(sb->st_mode & 07777), dir ? "700" : "600", path);
	if (sb->st_uid != geteuid())
		return sy_fail(err, SY_EINTERNAL, "key_file_owner", NULL,
			       "%s 的属主（uid %u）不是运行本程序的用户（uid %u）",
			       "%s is owned by uid %u, not by this process's uid %u", path,
			       (unsigned)sb->st_uid, (unsigned)geteuid());
	return SY_OK;
}

/* Make the key directory (parents 0755 like mkdir -p, the last one 0700) and check it. */
static sy_status ensure_dir(bool create, sy_err *err)
{
	const char *dir = keys_cfg.key_dir;
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		if (errno != ENOENT || !create)
			return fail_path(err, "key_dir", dir, "密钥目录不存在或无法访问",
					 "key directory missing or not accessible");
		char tmp[sizeof keys_cfg.key_dir];
		copy(tmp, sizeof tmp, dir);
		for (char *p = tmp + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
				return fail_path(err, "key_dir", tmp, "无法创建目录",
						 "cannot create directory");
			*p = '/';
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return fail_path(err, "key_dir", dir, "无法创建密钥目录",
					 "cannot create key directory");
		if (stat(dir, &sb) != 0)
			return fail_path(err, "key_dir", dir, "无法访问密钥目录",
					 "key directory not accessible");
	}
	return check_private(&sb, dir, true, err);
}

/* Write seed to a new file: never over an existing one, never through a link; on disk before the row names it. */
static sy_status write_key_file(const char *kid, const uint8_t seed[SEED_BYTES], sy_err *err)
{
	char path[sizeof keys_cfg.key_dir + 32];
	sy_status st = ensure_dir(true, err);
	if (st)
		return st;
	if (!keys_file_path(kid, path, sizeof path))
		return fail_path(err, "key_dir", keys_cfg.key_dir, "路径过长", "path too long");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail_path(err, "key_file", path, "无法创建密钥文件", "cannot create key file");
	bool ok = fchmod(fd, 0600) == 0 && write(fd, seed, SEED_BYTES) == (ssize_t)SEED_BYTES &&
		  fsync(fd) == 0;
	if (close(fd) != 0)
		ok = false;
	if (!ok) {
		unlink(path);
		return fail_path(err, "key_file", path, "写入密钥文件失败", "cannot write key file");
	}
	/* The directory entry too, so a crash cannot leave a row naming a file that vanished. */
	int dfd = open(keys_cfg.key_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return SY_OK;
}

/* Read a key's seed. *missing is set (and SY_OK returned) when the file does not exist. */
static sy_status read_key_file(const char *kid, uint8_t seed[SEED_BYTES], bool *missing, sy_err *err)
{
	char path[sizeof keys_cfg.key_dir + 32];
	struct stat sb;
	*missing = false;
	sy_status st = SY_OK;
	if (!keys_file_path(kid, path, sizeof path))
		return fail_path(err, "key_dir", keys_cfg.key_dir, "路径过长", "path too long");
	if (stat(keys_cfg.key_dir, &sb) != 0) {
		*missing = true;
		return SY_OK;
	}
	if ((st = check_private(&sb, keys_cfg.key_dir, true, err)))
		return st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			*missing = true;
			return SY_OK;
		}
		return fail_path(err, "key_file", path, "无法打开密钥文件（或为符号链接）",
				 "cannot open key file (or it is a symbolic link)");
	}
	if (fstat(fd, &sb) != 0) {
		st = fail_path(err, "key_file", path, "无法读取密钥文件", "cannot stat key file");
		goto out;
	}
	if ((st = check_private(&sb, path, false, err)))
		goto out;
	if (sb.st_size != SEED_BYTES || read(fd, seed, SEED_BYTES) != (ssize_t)SEED_BYTES) {
		sodium_memzero(seed, SEED_BYTES);
		st = fail_path(err, "key_file", path, "密钥文件长度不对", "key file has the wrong size");
		goto out;
	}
out:
	close(fd);
	return st;
}

static void kid_hex(uint32_t kid, char out[KEYS_ID_LEN])
{
	snprintf(out, KEYS_ID_LEN, "%08" PRIx32, kid);
}

static bool kid_parse(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	if (!s || strlen(s) != 8)
		return false;
	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (x < 0)
			return false;
		v = v << 4 | (uint32_t)x;
	}
	*out = v;
	return true;
}

static void pk_text(const uint8_t pk[ECARD_PK_BYTES], char out[48])
{
	sodium_bin2base64(out, 48, pk, ECARD_PK_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool pk_parse(const char *s, uint8_t pk[ECARD_PK_BYTES])
{
	size_t n = 0;
	if (!s || sodium_base642bin(pk, ECARD_PK_BYTES, s, strlen(s), NULL, &n, NULL,
				    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return false;
	return n == ECARD_PK_BYTES;
}

/* A new key pair whose id no row has yet (4-byte ids: a clash is unlikely, but cheap to rule out). */
static sy_status new_key(db *d, uint8_t seed[SEED_BYTES], struct signing_key *k, sy_err *err)
{
	uint8_t pk[ECARD_PK_BYTES], sk[ECARD_SK_BYTES];
	sy_status st = SY_OK;
	for (int tries = 0; tries < 8; tries++) {
		int64_t n = 0;
		randombytes_buf(seed, SEED_BYTES);
		crypto_sign_seed_keypair(pk, sk, seed);
		sodium_memzero(sk, sizeof sk);
		memset(k, 0, sizeof *k);
		kid_hex(ecard_key_id(pk), k->key_id);
		if ((st = db_query_int(d, SQL_KID_EXISTS, DB_ARGS(DB_T(k->key_id)), &n, err)))
			return st;
		if (n == 0) {
			copy(k->algorithm, sizeof k->algorithm, "Ed25519");
			pk_text(pk, k->public_key);
			copy(k->status, sizeof k->status, "current");
			return SY_OK;
		}
	}
	return sy_failf(err, SY_EINTERNAL, "key_id_clash", NULL, "无法生成不重复的密钥编号",
			"could not make a key with an unused id");
}

static void iso_at(int64_t t, char out[KEYS_TIME_LEN])
{
	time_iso((time_t)t, out);
}

/*
 * Make a key, retiring old (may be NULL) with verify_until, in one
 * transaction with its audit row. The file is written first and removed
 * again when the transaction fails.
 */
static sy_status install_key(db *d, const struct principal *who, const struct key_row *old,
			     struct signing_key *fresh, struct signing_key *old_out, sy_err *err)
{
	uint8_t seed[SEED_BYTES];
	char now_s[KEYS_TIME_LEN], path[sizeof keys_cfg.key_dir + 32];
	json_t *detail = NULL;
	bool file_written = false;
	int64_t now = (int64_t)time(NULL);
	struct signing_key k;
	iso_at(now, now_s);
	sy_status st = new_key(d, seed, &k, err);
	if (st)
		goto out;
	copy(k.valid_from, sizeof k.valid_from, now_s);
	if ((st = write_key_file(k.key_id, seed, err)))
		goto out;
	file_written = true;
	if ((st = db_begin(d, err)))
		goto out;
	struct signing_key retired = {0};
	if (old) {
		/* Codes it signed stay good until the last of them expires. */
		int64_t until = now + keys_cfg.code_ttl;
		time_t su;
		if (old->static_until[0] && time_parse_iso(old->static_until, &su) && (int64_t)su > until)
			until = (int64_t)su;
		retired = old->k;
		copy(retired.status, sizeof retired.status, "retired");
		copy(retired.retired_at, sizeof retired.retired_at, now_s);
		iso_at(until, retired.verify_until);
		int64_t changes = 0;
		if ((st = db_execp(d, SQL_RETIRE,
				   DB_ARGS(DB_T(old->k.key_id), DB_T(now_s), DB_T(retired.verify_until)),
				   &changes, err)))
			goto out;
		if (changes != 1) {
			st = sy_failf(err, SY_ECONFLICT, "key_rotated", NULL, "密钥已被同时轮换，请重试",
				      "the key was rotated at the same time elsewhere; try again");
			goto out;
		}
	}
	if ((st = db_execp(d, SQL_INSERT, DB_ARGS(DB_T(k.key_id), DB_T(k.public_key), DB_T(now_s)),
			   NULL, err)))
		goto out;
	detail = json_pack("{s:s, s:s, s:s}", "algorithm", "Ed25519", "public_key", k.public_key,
			   "key_dir", keys_cfg.key_dir);
	if (!detail) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	if (old) {
		json_object_set_new(detail, "retired_key_id", json_string(retired.key_id));
		json_object_set_new(detail, "retired_verify_until", json_string(retired.verify_until));
	}
	struct audit_event ev = {
		.action = old ? "key.rotate" : "key.create",
		.object_type = "signing_key",
		.object_id = k.key_id,
		.detail = detail,
	};
	if ((st = audit_write(d, who, &ev, err)))
		goto out;
	if ((st = db_commit(d, err)))
		goto out;
	if (fresh)
		*fresh = k;
	if (old_out)
		*old_out = retired;
out:
	if (st) {
		db_rollback(d);
		if (file_written && keys_file_path(k.key_id, path, sizeof path))
			unlink(path);
	}
	sodium_memzero(seed, sizeof seed);
	json_decref(detail);
	return st;
}

sy_status keys_ensure(db *d, const struct principal *who, bool *created, struct signing_key *cur,
		      sy_err *err)
{
	struct key_row r;
	bool found;
	*created = false;
	sy_status st = load_row(d, SQL_CURRENT, NULL, &r, &found, err);
	if (st)
		return st;
	if (found) {
		if (cur)
			*cur = r.k;
		return SY_OK;
	}
	if ((st = install_key(d, who, NULL, cur, NULL, err)))
		return st;
	*created = true;
	return SY_OK;
}

sy_status keys_rotate(db *d, const struct principal *who, struct signing_key *fresh,
		      struct signing_key *old, sy_err *err)
{
	struct key_row r;
	bool found;
	sy_status st = load_row(d, SQL_CURRENT, NULL, &r, &found, err);
	if (st)
		return st;
	return install_key(d, who, found ? &r : NULL, fresh, old, err);
}

sy_status keys_revoke(db *d, const struct principal *who, const char *key_id, int64_t now,
		      struct signing_key *out, sy_err *err)
{
	struct key_row r;
	char now_s[KEYS_TIME_LEN];
	bool found;
	json_t *detail = NULL;
	uint32_t kid;
	if (!kid_parse(key_id, &kid))
		return sy_failf(err, SY_EINVAL, "invalid_key_id", "key_id", "密钥编号应为 8 位十六进制数",
				"a key id is 8 hex digits");
	sy_status st = db_begin(d, err);
	if (st)
		return st;
	if ((st = load_row(d, SQL_BY_KID, key_id, &r, &found, err)))
		goto out;
	if (!found) {
		st = sy_failf(err, SY_ENOTFOUND, "key_not_found", "key_id", "没有这个密钥", "no such key");
		goto out;
	}
	if (strcmp(r.k.status, "current") == 0) {
		st = sy_failf(err, SY_ECONFLICT, "key_is_current", "key_id",
			      "不能吊销当前签名密钥：请先轮换（shuangyong key rotate），再吊销旧密钥",
			      "the current signing key cannot be revoked: rotate first (shuangyong key rotate), then revoke the old key");
		goto out;
	}
	iso_at(now, now_s);
	detail = json_pack("{s:s, s:s?}", "verify_until_before", r.k.verify_until[0] ? r.k.verify_until : NULL,
			   "verify_until", now_s);
	if (!detail) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	struct audit_event ev = {.action = "key.revoke", .object_type = "signing_key", .object_id = r.k.key_id,
				 .detail = detail};
	if ((st = db_execp(d, SQL_REVOKE, DB_ARGS(DB_T(r.k.key_id), DB_T(now_s)), NULL, err)) ||
	    (st = audit_write(d, who, &ev, err)) || (st = db_commit(d, err)))
		goto out;
	if (out) {
		*out = r.k;
		copy(out->verify_until, sizeof out->verify_until, now_s);
	}
out:
	if (st)
		db_rollback(d);
	json_decref(detail);
	return st;
}

static json_t *key_json(const struct key_row *r)
{
	const struct signing_key *k = &r->k;
	bool current = strcmp(k->status, "current") == 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "key_id", k->key_id,
			 "algorithm", k->algorithm, "public_key", k->public_key, "status", k->status,
			 "valid_from", k->valid_from,
			 "valid_until", current || !k->verify_until[0] ? NULL : k->verify_until,
			 "retired_at", k->retired_at[0] ? k->retired_at : NULL,
			 "verify_until", k->verify_until[0] ? k->verify_until : NULL);
}

sy_status keys_list(db *d, bool all, int64_t now, json_t **items, sy_err *err)
{
	db_rows *rows = NULL;
	char now_s[KEYS_TIME_LEN];
	sy_status st;
	json_t *arr = json_array();
	*items = NULL;
	if (!arr)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	iso_at(now, now_s);
	if (all)
		st = db_query(d, SQL_LIST_ALL, DB_NOARGS, &rows, err);
	else
		st = db_query(d, SQL_LIST_VALID, DB_ARGS(DB_T(now_s)), &rows, err);
	if (st)
		goto out;
	while (db_next(rows)) {
		struct key_row r;
		read_row(rows, &r);
		json_t *o = key_json(&r);
		if (!o || json_array_append_new(arr, o) != 0) {
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
			goto out;
		}
	}
	*items = arr;
	arr = NULL;
out:
	db_rows_free(rows);
	json_decref(arr);
	return st;
}

/* The signer: the current secret key, loaded once, inaccessible between signatures. */
static pthread_mutex_t signer_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *signer_sk; /* sodium_malloc'd, ECARD_SK_BYTES */
static char signer_kid[KEYS_ID_LEN];
static char signer_dir[sizeof keys_cfg.key_dir];

/* With signer_mu held: make signer_sk the secret key of row r, read from its file. */
static sy_status signer_load(const struct key_row *r, bool *missing, sy_err *err)
{
	uint8_t seed[SEED_BYTES], pk[ECARD_PK_BYTES], want[ECARD_PK_BYTES];
	sy_status st = read_key_file(r->k.key_id, seed, missing, err);
	if (st || *missing)
		goto out;
	if (!pk_parse(r->k.public_key, want)) {
		st = sy_failf(err, SY_EINTERNAL, "key_row", NULL, "数据库中的公钥格式错误",
			      "malformed public key in the database");
		goto out;
	}
	if (!signer_sk) {
		signer_sk = sodium_malloc(ECARD_SK_BYTES);
		if (!signer_sk) {
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
			goto out;
		}
	}
	sodium_mprotect_readwrite(signer_sk);
	crypto_sign_seed_keypair(pk, signer_sk, seed);
	if (sodium_memcmp(pk, want, sizeof pk) != 0) {
		sodium_memzero(signer_sk, ECARD_SK_BYTES);
		signer_kid[0] = '\0';
		st = sy_fail(err, SY_EINTERNAL, "key_file_mismatch", NULL,
			     "密钥文件 %s/%s.key 与数据库中的公钥不符",
			     "key file %s/%s.key does not match the public key in the database",
			     keys_cfg.key_dir, r->k.key_id);
	} else {
		copy(signer_kid, sizeof signer_kid, r->k.key_id);
		copy(signer_dir, sizeof signer_dir, keys_cfg.key_dir);
	}
	sodium_mprotect_noaccess(signer_sk);
out:
	sodium_memzero(seed, sizeof seed);
	return st;
}

static bool signer_ready(const char *kid)
{
	return signer_sk && strcmp(signer_kid, kid) == 0 && strcmp(signer_dir, keys_cfg.key_dir) == 0;
}

void keys_forget(void)
{
	pthread_mutex_lock(&signer_mu);
	if (signer_sk)
		sodium_free(signer_sk); /* wipes before freeing */
	signer_sk = NULL;
	signer_kid[0] = '\0';
	pthread_mutex_unlock(&signer_mu);
}

static sy_status no_signing_key(sy_err *err, const char *kid)
{
	if (!kid)
		return sy_failf(err, SY_EUNAVAILABLE, "no_signing_key", NULL,
				"尚无签名密钥：请运行 shuangyong init",
				"no signing key yet: run shuangyong init");
	return sy_fail(err, SY_EUNAVAILABLE, "no_signing_key", NULL,
		       "本服务器没有当前签名密钥文件 %s/%s.key",
		       "this server lacks the current signing key file %s/%s.key", keys_cfg.key_dir, kid);
}

sy_status keys_check(db *d, bool *can_sign, sy_err *err)
{
	struct key_row r;
	bool found, missing = false;
	*can_sign = false;
	sy_status st = load_row(d, SQL_CURRENT, NULL, &r, &found, err);
	if (st || !found)
		return st;
	pthread_mutex_lock(&signer_mu);
	st = signer_load(&r, &missing, err);
	pthread_mutex_unlock(&signer_mu);
	if (!st && !missing)
		*can_sign = true;
	return st;
}

/* The current key's row; "no_signing_key" when there is none. */
static sy_status current_row(db *d, struct key_row *r, sy_err *err)
{
	bool found;
	sy_status st = load_row(d, SQL_CURRENT, NULL, r, &found, err);
	if (st)
		return st;
	return found ? SY_OK : no_signing_key(err, NULL);
}

sy_status keys_current_id(db *d, char key_id[KEYS_ID_LEN], sy_err *err)
{
	struct key_row r;
	sy_status st = current_row(d, &r, err);
	key_id[0] = '\0';
	if (!st)
		copy(key_id, KEYS_ID_LEN, r.k.key_id);
	return st;
}

typedef bool (*sign_fn)(const unsigned char *sk, void *ctx);

/*
 * Run sign with the secret key of row r readable for the duration only,
 * loading it from its file first when the cached one is another key's.
 * *signed_ok: what sign answered.
 */
static sy_status with_signer(const struct key_row *r, sign_fn sign, void *ctx, bool *signed_ok,
			     sy_err *err)
{
	bool missing = false;
	sy_status st = SY_OK;
	*signed_ok = false;
	pthread_mutex_lock(&signer_mu);
	if (!signer_ready(r->k.key_id))
		st = signer_load(r, &missing, err);
	if (!st && missing)
		st = no_signing_key(err, r->k.key_id);
	if (!st) {
		sodium_mprotect_readonly(signer_sk);
		*signed_ok = sign(signer_sk, ctx);
		sodium_mprotect_noaccess(signer_sk);
	}
	pthread_mutex_unlock(&signer_mu);
	return st;
}

struct ecard_job {
	struct ecard *p;
	char *out;
};

static bool sign_ecard(const unsigned char *sk, void *ctx)
{
	struct ecard_job *j = ctx;
	return ecard_encode(j->p, sk, j->out, ECARD_TEXT_MAX) == ECARD_OK;
}

sy_status keys_sign(db *d, const char *card_no, uint32_t categories, bool is_static, int64_t now,
		    char out[ECARD_TEXT_MAX], struct ecard *card, sy_err *err)
{
	struct ecard p = {0};
	struct key_row r;
	bool ok;
	uint32_t kid;
	out[0] = '\0';
	size_t n = card_no ? strnlen(card_no, ECARD_CARD_MAX + 1) : 0;
	if (n == 0 || n > ECARD_CARD_MAX)
		return sy_failf(err, SY_EINVAL, "invalid_card_no", "card_no", "卡号为空或过长",
				"card number is empty or too long");
	sy_status st = current_row(d, &r, err);
	if (st)
		return st;
	if (!kid_parse(r.k.key_id, &kid))
		return sy_failf(err, SY_EINTERNAL, "key_row", NULL, "数据库中的密钥编号格式错误",
				"malformed key id in the database");
	memcpy(p.card_no, card_no, n);
	p.key_id = kid;
	p.categories = categories;
	p.flags = is_static ? ECARD_FLAG_STATIC : 0;
	p.issued_at = now;
	p.expires_at = now + (is_static ? keys_cfg.static_ttl : keys_cfg.code_ttl);

	struct ecard_job job = {&p, out};
	if ((st = with_signer(&r, sign_ecard, &job, &ok, err)))
		return st;
	if (!ok)
		return sy_failf(err, SY_EINVAL, "invalid_card_no", "card_no",
				"卡号含不可打印字符或时间超出范围",
				"card number has unprintable characters, or a time is out of range");
	if (is_static) {
		char until[KEYS_TIME_LEN];
		iso_at(p.expires_at, until);
		if ((st = db_execp(d, SQL_STATIC_UNTIL, DB_ARGS(DB_T(r.k.key_id), DB_T(until)), NULL, err))) {
			out[0] = '\0';
			return st;
		}
	}
	if (card)
		*card = p;
	return SY_OK;
}

struct document_job {
	const char *context;
	const void *data;
	size_t len;
	uint8_t *sig;
};

static bool sign_doc(const unsigned char *sk, void *ctx)
{
	struct document_job *j = ctx;
	return crypto_sign_document(j->context, j->data, j->len, sk, j->sig);
}

sy_status keys_sign_document(db *d, const char *context, const void *data, size_t len,
			     uint8_t sig[ECARD_SIG_BYTES], char key_id[KEYS_ID_LEN], sy_err *err)
{
	struct key_row r;
	struct document_job job = {context, data, len, sig};
	bool ok;
	key_id[0] = '\0';
	sy_status st = current_row(d, &r, err);
	if (st || (st = with_signer(&r, sign_doc, &job, &ok, err)))
		return st;
	if (!ok)
		return sy_failf(err, SY_EINVAL, "invalid_context", NULL, "签名上下文无效或内存不足",
				"invalid signing context, or out of memory");
	copy(key_id, KEYS_ID_LEN, r.k.key_id);
	return SY_OK;
}

/* The public key of kid when it is still good for verification at now; *usable false otherwise. */
static sy_status usable_key(db *d, const char *kid, int64_t now, uint8_t pk[ECARD_PK_BYTES],
			    bool *usable, sy_err *err)
{
	struct key_row r;
	bool found;
	*usable = false;
	sy_status st = load_row(d, SQL_BY_KID, kid, &r, &found, err);
	if (st || !found || !pk_parse(r.k.public_key, pk))
		return st;
	if (strcmp(r.k.status, "current") != 0) {
		time_t until;
		if (!r.k.verify_until[0] || !time_parse_iso(r.k.verify_until, &until) ||
		    (int64_t)until <= now)
			return SY_OK;
	}
	*usable = true;
	return SY_OK;
}

sy_status keys_verify_document(db *d, const char *key_id, const char *context, const void *data,
			       size_t len, const uint8_t sig[ECARD_SIG_BYTES], int64_t now, bool *valid,
			       sy_err *err)
{
	uint8_t pk[ECARD_PK_BYTES];
	bool usable;
	*valid = false;
	sy_status st = usable_key(d, key_id, now, pk, &usable, err);
	if (!st && usable)
		*valid = crypto_verify_document(context, data, len, sig, pk);
	return st;
}

sy_status keys_verify(db *d, const char *text, size_t len, int64_t now, enum ecard_result *result,
		      struct ecard *card, sy_err *err)
{
	struct ecard p;
	char kid[KEYS_ID_LEN];
	uint8_t pk[ECARD_PK_BYTES];
	bool usable;
	*result = ecard_decode(text, len, &p);
	if (card)
		*card = p;
	if (*result != ECARD_OK)
		return SY_OK;
	kid_hex(p.key_id, kid);
	sy_status st = usable_key(d, kid, now, pk, &usable, err);
	if (st)
		return st;
	*result = usable ? ecard_verify(&p, pk, now, keys_cfg.clock_skew) : ECARD_EUNKNOWNKEY;
	return SY_OK;
}
