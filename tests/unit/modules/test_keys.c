/*
 * Unit tests for src/modules/keys: the key made at init lives in a 0600 file
 * in a 0700 directory and is refused with wider permissions, another file or
 * a link; codes sign and verify; a rotated-out key still verifies its codes
 * until verify_until and then not; a key never published is refused; each
 * creation and rotation is audited.
 */
#include "testutil.h"

#include <sodium.h>
#include <sys/stat.h>
#include <time.h>

#include "db/scope.h"
#include "lib/ecard.h"
#include "lib/timeutil.h"
#include "modules/keys/keys.h"

static db *d;
static struct principal sys;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	sy_err err;
	if (sodium_init() < 0)
		return -1;
	const char *url = testutil_fresh_db();
	d = db_open(url, &err);
	snprintf(dir, sizeof dir, "/tmp/sy-keys-XXXXXX");
	if (!d || !mkdtemp(dir))
		return -1;
	char kd[128];
	snprintf(kd, sizeof kd, "%s/deep/keys", dir); /* parents are made too */
	keys_configure(kd, url, 300, 1825);
	principal_system(&sys, "system");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	keys_forget();
	db_close(d);
	return 0;
}

static mode_t mode_of(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static struct signing_key cur;

static void test_init_makes_private_key(void **state)
{
	(void)state;
	bool created = false;
	sy_err err;
	char path[700];
	assert_int_equal(keys_ensure(d, &sys, &created, &cur, &err), SY_OK);
	assert_true(created);
	assert_int_equal(strlen(cur.key_id), 8);
	assert_string_equal(cur.algorithm, "Ed25519");
	assert_string_equal(cur.status, "current");
	assert_true(keys_file_path(cur.key_id, path, sizeof path));
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(keys_cfg.key_dir), 0700);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 32);
	/* The key id is the public key's hash, as in the payload. */
	uint8_t pk[32];
	size_t n;
	assert_int_equal(sodium_base642bin(pk, sizeof pk, cur.public_key, strlen(cur.public_key), NULL,
					   &n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	char kid[9];
	snprintf(kid, sizeof kid, "%08x", ecard_key_id(pk));
	assert_string_equal(kid, cur.key_id);
	/* A second init makes nothing. */
	struct signing_key again;
	assert_int_equal(keys_ensure(d, &sys, &created, &again, &err), SY_OK);
	assert_false(created);
	assert_string_equal(again.key_id, cur.key_id);
	bool can_sign = false;
	assert_int_equal(keys_check(d, &can_sign, &err), SY_OK);
	assert_true(can_sign);
}

static void test_sign_verify(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX];
	struct ecard card, back;
	enum ecard_result res;
	sy_err err;
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(keys_sign(d, "C1309020000017", 0x3, false, now, text, &card, &err), SY_OK);
	assert_int_equal(card.expires_at - card.issued_at, 300);
	assert_int_equal(keys_verify(d, text, strlen(text), now + 5, &res, &back, &err), SY_OK);
	assert_int_equal(res, ECARD_OK);
	assert_string_equal(back.card_no, "C1309020000017");
	assert_int_equal(back.categories, 3);
	assert_false(ecard_is_static(&back));
	/* Older than its window: code expired. */
	assert_int_equal(keys_verify(d, text, strlen(text), now + 300, &res, &back, &err), SY_OK);
	assert_int_equal(res, ECARD_EEXPIRED);
	/* A changed character: refused. */
	text[10] = text[10] == 'A' ? 'B' : 'A';
	assert_int_equal(keys_verify(d, text, strlen(text), now + 5, &res, &back, &err), SY_OK);
	assert_int_not_equal(res, ECARD_OK);
	assert_int_equal(keys_verify(d, "hello", 5, now, &res, &back, &err), SY_OK);
	assert_int_equal(res, ECARD_EFORMAT);
	/* Static printed code: long-lived and marked. */
	assert_int_equal(keys_sign(d, "C1309020000017", 0x3, true, now, text, &card, &err), SY_OK);
	assert_int_equal(card.expires_at - card.issued_at, 1825 * 86400L);
	assert_int_equal(keys_verify(d, text, strlen(text), now + 400 * 86400L, &res, &back, &err), SY_OK);
	assert_int_equal(res, ECARD_OK);
	assert_true(ecard_is_static(&back));
	/* Bad card numbers. */
	assert_int_equal(keys_sign(d, "", 0, false, now, text, NULL, &err), SY_EINVAL);
	assert_int_equal(keys_sign(d, "has space", 0, false, now, text, NULL, &err), SY_EINVAL);
	assert_string_equal(err.field, "card_no");
}

static void test_unpublished_key_refused(void **state)
{
	(void)state;
	uint8_t pk[ECARD_PK_BYTES], sk[ECARD_SK_BYTES];
	char text[ECARD_TEXT_MAX];
	struct ecard p = {0}, back;
	enum ecard_result res;
	sy_err err;
	int64_t now = (int64_t)time(NULL);
	crypto_sign_keypair(pk, sk);
	snprintf(p.card_no, sizeof p.card_no, "C1309020000017");
	p.key_id = ecard_key_id(pk);
	p.issued_at = now;
	p.expires_at = now + 300;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_OK);
	assert_int_equal(keys_verify(d, text, strlen(text), now, &res, &back, &err), SY_OK);
	assert_int_equal(res, ECARD_EUNKNOWNKEY);
	/* The same forger claiming our key id: bad signature. */
	uint32_t ours = (uint32_t)strtoul(cur.key_id, NULL, 16);
	p.key_id = ours;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_OK);
	assert_int_equal(keys_verify(d, text, strlen(text), now, &res, &back, &err), SY_OK);
	assert_int_equal(res, ECARD_ESIGNATURE);
}

static void test_rotate(void **state)
{
	(void)state;
	char old_code[ECARD_TEXT_MAX], static_code[ECARD_TEXT_MAX], new_code[ECARD_TEXT_MAX];
	struct signing_key fresh, old;
	struct ecard card;
	enum ecard_result res;
	sy_err err;
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(keys_sign(d, "C1", 1, false, now, old_code, NULL, &err), SY_OK);
	assert_int_equal(keys_sign(d, "C2", 1, true, now, static_code, NULL, &err), SY_OK);
	assert_int_equal(keys_rotate(d, &sys, &fresh, &old, &err), SY_OK);
	assert_string_equal(old.key_id, cur.key_id);
	assert_string_not_equal(fresh.key_id, cur.key_id);
	assert_string_equal(old.status, "retired");
	/* The old key is kept until its static code expires (longer than code_ttl). */
	time_t vu;
	assert_true(time_parse_iso(old.verify_until, &vu));
	assert_true((int64_t)vu >= now + 1825 * 86400L - 5);
	/* New codes carry the new key id; old codes still verify. */
	assert_int_equal(keys_sign(d, "C1", 1, false, now, new_code, &card, &err), SY_OK);
	assert_int_equal(card.key_id, (uint32_t)strtoul(fresh.key_id, NULL, 16));
	assert_int_equal(keys_verify(d, old_code, strlen(old_code), now + 1, &res, NULL, &err), SY_OK);
	assert_int_equal(res, ECARD_OK);
	assert_int_equal(keys_verify(d, new_code, strlen(new_code), now + 1, &res, NULL, &err), SY_OK);
	assert_int_equal(res, ECARD_OK);
	/* After verify_until the old key is no longer published. */
	assert_int_equal(keys_verify(d, static_code, strlen(static_code), (int64_t)vu + 1, &res, NULL,
				     &err), SY_OK);
	assert_int_equal(res, ECARD_EUNKNOWNKEY);
	/* The list: both now, the current first; only the new one after verify_until. */
	json_t *items = NULL;
	assert_int_equal(keys_list(d, false, now, &items, &err), SY_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "key_id")),
			    fresh.key_id);
	assert_true(json_is_null(json_object_get(json_array_get(items, 0), "verify_until")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "verify_until")),
			    old.verify_until);
	json_decref(items);
	assert_int_equal(keys_list(d, false, (int64_t)vu + 1, &items, &err), SY_OK);
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);
	/* Audited. */
	int64_t n = 0;
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.create'",
				      DB_NOARGS, &n, &err), SY_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.rotate'",
				      DB_NOARGS, &n, &err), SY_OK);
	assert_int_equal(n, 1);
	cur = fresh;
}

/* A compromised key: revoked, its codes are refused at once and it leaves the published list. */
static void test_revoke(void **state)
{
	(void)state;
	char code[ECARD_TEXT_MAX];
	struct signing_key fresh, old, k;
	enum ecard_result res;
	sy_err err;
	int64_t now = (int64_t)time(NULL), n = 0;
	assert_int_equal(keys_sign(d, "C9", 1, true, now, code, NULL, &err), SY_OK);
	assert_int_equal(keys_rotate(d, &sys, &fresh, &old, &err), SY_OK);
	assert_int_equal(keys_verify(d, code, strlen(code), now, &res, NULL, &err), SY_OK);
	assert_int_equal(res, ECARD_OK);
	/* The current key is refused: rotate first. */
	assert_int_equal(keys_revoke(d, &sys, fresh.key_id, now, NULL, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "key_is_current");
	assert_int_equal(keys_revoke(d, &sys, "0000000g", now, NULL, &err), SY_EINVAL);
	assert_string_equal(err.code, "invalid_key_id");
	assert_int_equal(keys_revoke(d, &sys, "00000000", now, NULL, &err), SY_ENOTFOUND);
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.revoke'", DB_NOARGS, &n, &err),
			 SY_OK);
	assert_int_equal(n, 0);
	assert_int_equal(keys_revoke(d, &sys, old.key_id, now, &k, &err), SY_OK);
	assert_string_equal(k.key_id, old.key_id);
	assert_int_equal(keys_verify(d, code, strlen(code), now, &res, NULL, &err), SY_OK);
	assert_int_equal(res, ECARD_EUNKNOWNKEY);
	json_t *items = NULL;
	assert_int_equal(keys_list(d, false, now, &items, &err), SY_OK);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
		assert_string_not_equal(json_string_value(json_object_get(it, "key_id")), old.key_id);
	json_decref(items);
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'key.revoke'", DB_NOARGS, &n, &err),
			 SY_OK);
	assert_int_equal(n, 1);
	/* The new current key still signs and verifies. */
	assert_int_equal(keys_sign(d, "C9", 1, false, now, code, NULL, &err), SY_OK);
	assert_int_equal(keys_verify(d, code, strlen(code), now, &res, NULL, &err), SY_OK);
	assert_int_equal(res, ECARD_OK);
	cur = fresh;
}

static void test_permissions_refused(void **state)
{
	(void)state;
	char path[700], text[ECARD_TEXT_MAX];
	bool can_sign = true;
	sy_err err;
	int64_t now = (int64_t)time(NULL);
	assert_true(keys_file_path(cur.key_id, path, sizeof path));
	keys_forget();
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(keys_check(d, &can_sign, &err), SY_EINTERNAL);
	assert_string_equal(err.code, "key_file_permissions");
	assert_int_equal(keys_sign(d, "C1", 1, false, now, text, NULL, &err), SY_EINTERNAL);
	assert_string_equal(text, "");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(keys_cfg.key_dir, 0755), 0);
	assert_int_equal(keys_check(d, &can_sign, &err), SY_EINTERNAL);
	assert_string_equal(err.code, "key_file_permissions");
	assert_int_equal(chmod(keys_cfg.key_dir, 0700), 0);
	assert_int_equal(keys_check(d, &can_sign, &err), SY_OK);
	assert_true(can_sign);
	/* A symbolic link in place of the file is not followed. */
	char moved[720];
	snprintf(moved, sizeof moved, "%s.real", path);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(symlink(moved, path), 0);
	keys_forget();
	assert_int_equal(keys_check(d, &can_sign, &err), SY_EINTERNAL);
	assert_int_equal(unlink(path), 0);
	/* Missing: this server verifies but cannot sign. */
	assert_int_equal(keys_check(d, &can_sign, &err), SY_OK);
	assert_false(can_sign);
	assert_int_equal(keys_sign(d, "C1", 1, false, now, text, NULL, &err), SY_EUNAVAILABLE);
	assert_string_equal(err.code, "no_signing_key");
	/* Another key's file under this key's name: refused as a mismatch. */
	uint8_t seed[32];
	randombytes_buf(seed, sizeof seed);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(seed, 1, sizeof seed, f), sizeof seed);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(keys_check(d, &can_sign, &err), SY_EINTERNAL);
	assert_string_equal(err.code, "key_file_mismatch");
	/* Put the real one back. */
	assert_int_equal(rename(moved, path), 0);
	assert_int_equal(keys_check(d, &can_sign, &err), SY_OK);
	assert_true(can_sign);
}

static void test_default_dir(void **state)
{
	(void)state;
	char saved[sizeof keys_cfg.key_dir];
	snprintf(saved, sizeof saved, "%s", keys_cfg.key_dir);
	keys_configure("", "sqlite:/var/lib/sy/main.db", 0, 0);
	assert_string_equal(keys_cfg.key_dir, "/var/lib/sy/keys");
	keys_configure(NULL, "data/shuangyong.db", 0, 0);
	assert_string_equal(keys_cfg.key_dir, "data/keys");
	keys_configure("", "plain.db", 0, 0);
	assert_string_equal(keys_cfg.key_dir, "keys");
	keys_configure("", "postgres://u@h/db", 0, 0);
	assert_string_equal(keys_cfg.key_dir, "data/keys");
	keys_configure(saved, NULL, 0, 0);
	assert_string_equal(keys_cfg.key_dir, saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_makes_private_key),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_unpublished_key_refused),
		cmocka_unit_test(test_rotate),
		cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_permissions_refused),
		cmocka_unit_test(test_default_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
