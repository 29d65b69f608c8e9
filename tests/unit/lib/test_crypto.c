/* Unit tests for src/lib/crypto.c: the per-thread memory of secrets' hashes. */
#include "testutil.h"

#include <pthread.h>

#include "lib/crypto.h"

/* SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
static const char ABC_SHA256[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static void test_sha256_known_answer(void **state)
{
	(void)state;
	char hex[CRYPTO_SHA256_HEX];
	crypto_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, ABC_SHA256);
	crypto_secret_sha256_hex("abc", hex);
	assert_string_equal(hex, ABC_SHA256);
}

/*
 * Whatever order secrets come in, remembered or not, each gets its own hash:
 * more distinct secrets than the memory holds, repeats, and secrets that differ
 * in one character (the same length, the same prefix).
 */
static void test_secret_hash_always_the_secrets_own(void **state)
{
	(void)state;
	char secrets[20][CRYPTO_TOKEN_MAX];
	for (int i = 0; i < 20; i++)
		crypto_token("sy_", secrets[i], sizeof secrets[i]);
	memcpy(secrets[1], secrets[0], sizeof secrets[0]); /* 0 and 1 differ in one place */
	secrets[1][10] = secrets[0][10] == 'a' ? 'b' : 'a';
	uint32_t seed = 7;
	for (int round = 0; round < 2000; round++) {
		seed = seed * 1103515245u + 12345u;
		/* Mostly the first three (a server's few clients), sometimes any of the twenty. */
		int i = (int)((seed >> 16) % (round % 5 ? 3 : 20));
		char want[CRYPTO_SHA256_HEX], got[CRYPTO_SHA256_HEX];
		crypto_sha256_hex(secrets[i], strlen(secrets[i]), want);
		crypto_secret_sha256_hex(secrets[i], got);
		assert_string_equal(got, want);
	}
}

static void *hash_in_thread(void *arg)
{
	char *out = arg;
	crypto_secret_sha256_hex("abc", out);
	return NULL;
}

/* A thread's memory is its own: another thread hashes correctly from an empty one. */
static void test_secret_hash_per_thread(void **state)
{
	(void)state;
	char mine[CRYPTO_SHA256_HEX], theirs[CRYPTO_SHA256_HEX] = "";
	crypto_secret_sha256_hex("abc", mine);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hash_in_thread, theirs), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_string_equal(theirs, ABC_SHA256);
	assert_string_equal(mine, ABC_SHA256);
}

static int setup(void **state)
{
	(void)state;
	return crypto_init() ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_known_answer),
		cmocka_unit_test(test_secret_hash_always_the_secrets_own),
		cmocka_unit_test(test_secret_hash_per_thread),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
