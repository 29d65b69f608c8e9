/*
 * Unit tests for src/lib/ecard.c: base45 against RFC 9285, the payload round
 * trip, refusal of every one-character change, of truncated and over-long
 * texts, of a wrong key, of expired and future codes, of unknown versions,
 * and a known-answer vector from a fixed seed so the format cannot drift.
 */
#include "testutil.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "lib/ecard.h"

static uint8_t pk[ECARD_PK_BYTES], sk[ECARD_SK_BYTES];

/* Seed 00 01 02 … 1f: a fixed key for the known-answer vector. */
static void fixed_key(uint8_t p[ECARD_PK_BYTES], uint8_t s[ECARD_SK_BYTES])
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	for (size_t i = 0; i < sizeof seed; i++)
		seed[i] = (uint8_t)i;
	crypto_sign_seed_keypair(p, s, seed);
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	fixed_key(pk, sk);
	return 0;
}

#define T0 1767225600 /* 2026-01-01T00:00:00Z */

/*
 * The known answer for seed 00..1f and sample(); checked independently with
 * Python's cryptography package (Ed25519 over "SY-ECARD" || body) and a
 * separate base45 encoder when it was recorded.
 */
#define KAT_KID 0x56475aa7u
#define KAT_TEXT                                                                                  \
	"SY1:V50$+AWKB000$00AEDKHNAED5ON 729L6FA7KF6646646646:96UW5-BW/EMJ*DM T99AJD8EBIZW4%672$NG21" \
	"E7SP/Q59PN:E19TOOMF.4FM0T%SICR8N943DGJGLQKX0EWB4CSTLSF4QL.YNUQ7"

static struct ecard sample(void)
{
	struct ecard p = {0};
	snprintf(p.card_no, sizeof p.card_no, "%s", "130902-00000017-K");
	p.key_id = ecard_key_id(pk);
	p.categories = 0x25;
	p.issued_at = T0;
	p.expires_at = T0 + 300;
	return p;
}

static void encode_sample(char text[ECARD_TEXT_MAX], struct ecard *p)
{
	*p = sample();
	assert_int_equal(ecard_encode(p, sk, text, ECARD_TEXT_MAX), ECARD_OK);
}

static void test_base45_rfc(void **state)
{
	(void)state;
	static const struct { const char *bin, *txt; } v[] = {
		{"AB", "BB8"}, {"Hello!!", "%69 VD92EX0"}, {"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"}, {"", ""},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char out[64];
		uint8_t back[64];
		size_t n = 0;
		size_t len = strlen(v[i].bin);
		size_t tl = base45_encode((const uint8_t *)v[i].bin, len, out, sizeof out);
		assert_string_equal(out, v[i].txt);
		assert_int_equal(tl, strlen(v[i].txt));
		assert_true(base45_decode(v[i].txt, strlen(v[i].txt), back, sizeof back, &n));
		assert_int_equal(n, len);
		assert_memory_equal(back, v[i].bin, len);
	}
	uint8_t b[8];
	size_t n;
	assert_false(base45_decode("GGW", 3, b, sizeof b, &n));  /* 65536: over 16 bits */
	assert_false(base45_decode(":::", 3, b, sizeof b, &n));
	assert_false(base45_decode("BB8A", 4, b, sizeof b, &n)); /* dangling character */
	assert_false(base45_decode("bb8", 3, b, sizeof b, &n));  /* lower case */
	assert_false(base45_decode("U6", 2, b, sizeof b, &n));   /* 6*45+30 = 300 > 255 */
	assert_false(base45_decode("BB8BB8BB8", 9, b, 4, &n));   /* does not fit */
	char small[3];
	assert_int_equal(base45_encode((const uint8_t *)"AB", 2, small, sizeof small), 0);
}

static void test_round_trip(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX];
	struct ecard p, q;
	encode_sample(text, &p);
	assert_memory_equal(text, "SY1:", 4);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	assert_int_equal(q.version, ECARD_VERSION);
	assert_int_equal(q.flags, 0);
	assert_int_equal(q.key_id, ecard_key_id(pk));
	assert_int_equal(q.categories, 0x25);
	assert_int_equal(q.issued_at, T0);
	assert_int_equal(q.expires_at, T0 + 300);
	assert_string_equal(q.card_no, "130902-00000017-K");
	assert_false(ecard_is_static(&q));
	assert_int_equal(ecard_verify(&q, pk, T0 + 10, 60), ECARD_OK);
	/* Every character is in the QR alphanumeric set. */
	for (const char *c = text; *c; c++)
		assert_non_null(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *c));
	/* The longest card number fits the documented buffer. */
	struct ecard big = sample();
	memset(big.card_no, 'Z', ECARD_CARD_MAX);
	big.card_no[ECARD_CARD_MAX] = '\0';
	big.categories = UINT32_MAX;
	big.issued_at = 0;
	big.expires_at = UINT32_MAX;
	assert_int_equal(ecard_encode(&big, sk, text, ECARD_TEXT_MAX), ECARD_OK);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	assert_int_equal(q.expires_at, (int64_t)UINT32_MAX);
	assert_int_equal(q.categories, UINT32_MAX);
	assert_int_equal(ecard_verify(&q, pk, 100, 0), ECARD_OK);
}

static void test_static(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX];
	struct ecard p = sample(), q;
	p.flags = ECARD_FLAG_STATIC;
	p.expires_at = T0 + 5 * 365 * 86400L;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_OK);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	assert_true(ecard_is_static(&q));
	assert_int_equal(ecard_verify(&q, pk, T0 + 4 * 365 * 86400L, 0), ECARD_OK);
	/* Flipping the static flag is a change to the signed bytes. */
	q.flags = 0;
	assert_int_equal(ecard_verify(&q, pk, T0 + 10, 0), ECARD_ESIGNATURE);
}

/* Every one-character change is refused: either it no longer decodes or it fails to verify. */
static void test_every_change_refused(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX], mut[ECARD_TEXT_MAX];
	struct ecard p, q;
	encode_sample(text, &p);
	size_t len = strlen(text);
	static const char extra[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:az\n\t\x7f\x80\xff";
	int tried = 0;
	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k < sizeof extra; k++) { /* includes the NUL */
			char c = extra[k];
			if (c == text[i])
				continue;
			memcpy(mut, text, len + 1);
			mut[i] = c;
			tried++;
			enum ecard_result r = ecard_decode(mut, len, &q);
			if (r == ECARD_OK)
				r = ecard_verify(&q, pk, T0 + 10, 60);
			if (r == ECARD_OK)
				fail_msg("change at %zu to 0x%02x accepted", i, (unsigned char)c);
		}
	}
	assert_true(tried > 1000);
}

static void test_truncated_and_long(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX], longer[ECARD_TEXT_MAX + 8];
	struct ecard p, q;
	encode_sample(text, &p);
	size_t len = strlen(text);
	for (size_t n = 0; n < len; n++) {
		enum ecard_result r = ecard_decode(text, n, &q);
		if (r == ECARD_OK)
			r = ecard_verify(&q, pk, T0 + 10, 60);
		if (r == ECARD_OK)
			fail_msg("prefix of %zu accepted", n);
	}
	static const char *const tails[] = {"0", "00", "000", "A", "SY1:", " ", "\n"};
	for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
		snprintf(longer, sizeof longer, "%s%s", text, tails[t]);
		enum ecard_result r = ecard_decode(longer, strlen(longer), &q);
		if (r == ECARD_OK)
			r = ecard_verify(&q, pk, T0 + 10, 60);
		assert_int_not_equal(r, ECARD_OK);
	}
	/* Very long input: refused without reading past it. */
	static char huge[100000];
	memset(huge, '0', sizeof huge);
	memcpy(huge, "SY1:", 4);
	assert_int_equal(ecard_decode(huge, sizeof huge, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode(NULL, 0, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode("", 0, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode("SY", 2, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode("SY1", 3, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode("SY1:", 4, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode("SY99999:", 8, &q), ECARD_EFORMAT);
	assert_int_equal(ecard_decode("https://x", 9, &q), ECARD_EFORMAT);
}

static void test_wrong_key(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX];
	struct ecard p, q;
	uint8_t pk2[ECARD_PK_BYTES], sk2[ECARD_SK_BYTES];
	crypto_sign_keypair(pk2, sk2);
	encode_sample(text, &p);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	assert_int_equal(ecard_verify(&q, pk2, T0 + 10, 60), ECARD_ESIGNATURE);
	/* Signed by another key but claiming ours: still refused with ours. */
	p = sample();
	assert_int_equal(ecard_encode(&p, sk2, text, sizeof text), ECARD_OK);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	assert_int_equal(ecard_verify(&q, pk, T0 + 10, 60), ECARD_ESIGNATURE);
	/* A caller that edits the decoded struct gets a signature failure, not a forged card. */
	encode_sample(text, &p);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	q.card_no[0] = '9';
	assert_int_equal(ecard_verify(&q, pk, T0 + 10, 60), ECARD_ESIGNATURE);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	q.expires_at += 1000;
	assert_int_equal(ecard_verify(&q, pk, T0 + 10, 60), ECARD_ESIGNATURE);
}

static void test_times(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX];
	struct ecard p, q;
	encode_sample(text, &p);
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	assert_int_equal(ecard_verify(&q, pk, T0 + 299, 0), ECARD_OK);
	assert_int_equal(ecard_verify(&q, pk, T0 + 300, 0), ECARD_EEXPIRED);
	assert_int_equal(ecard_verify(&q, pk, T0 + 100000, 60), ECARD_EEXPIRED);
	assert_int_equal(ecard_verify(&q, pk, T0 - 30, 60), ECARD_OK);      /* within skew */
	assert_int_equal(ecard_verify(&q, pk, T0 - 61, 60), ECARD_ENOTYET);
	assert_int_equal(ecard_verify(&q, pk, INT64_MIN, INT64_MAX), ECARD_ENOTYET); /* no overflow */
	assert_int_equal(ecard_verify(&q, pk, INT64_MAX, INT64_MIN), ECARD_EEXPIRED);
	assert_string_equal(ecard_result_code(ECARD_EEXPIRED), "code_expired");
	assert_string_equal(ecard_result_code(ECARD_ESIGNATURE), "bad_signature");
	assert_string_equal(ecard_result_code(ECARD_EUNKNOWNKEY), "unknown_key");
}

static void test_versions(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX], mut[ECARD_TEXT_MAX];
	struct ecard p, q;
	encode_sample(text, &p);
	/* A future prefix. */
	memcpy(mut, text, strlen(text) + 1);
	mut[2] = '2';
	assert_int_equal(ecard_decode(mut, strlen(mut), &q), ECARD_EVERSION);
	assert_int_equal(ecard_decode("SY12:ABC", 8, &q), ECARD_EVERSION);
	/* Our prefix but a version byte of 2 inside. */
	uint8_t bin[ECARD_BIN_MAX];
	memcpy(bin, p.body, p.body_len);
	memcpy(bin + p.body_len, p.sig, ECARD_SIG_BYTES);
	bin[0] = 2;
	memcpy(mut, "SY1:", 4);
	assert_true(base45_encode(bin, p.body_len + ECARD_SIG_BYTES, mut + 4, sizeof mut - 4) > 0);
	assert_int_equal(ecard_decode(mut, strlen(mut), &q), ECARD_EVERSION);
	/* Unknown flag bits are a format error, not silently ignored. */
	memcpy(bin, p.body, p.body_len);
	bin[1] = 0x02;
	assert_true(base45_encode(bin, p.body_len + ECARD_SIG_BYTES, mut + 4, sizeof mut - 4) > 0);
	assert_int_equal(ecard_decode(mut, strlen(mut), &q), ECARD_EFORMAT);
	/* A decoded struct of another version is refused by verify too. */
	assert_int_equal(ecard_decode(text, strlen(text), &q), ECARD_OK);
	q.version = 2;
	assert_int_equal(ecard_verify(&q, pk, T0 + 10, 60), ECARD_EVERSION);
}

static void test_encode_refuses(void **state)
{
	(void)state;
	char text[ECARD_TEXT_MAX];
	struct ecard p = sample();
	p.card_no[0] = '\0';
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	p.card_no[3] = ' ';
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	p.card_no[3] = '\xe4';
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	p.expires_at = p.issued_at;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	p.expires_at = (int64_t)UINT32_MAX + 1;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	p.issued_at = -1;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	p.flags = 0x80;
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_EFORMAT);
	p = sample();
	assert_int_equal(ecard_encode(&p, sk, text, 20), ECARD_EFORMAT);
}

/*
 * The known answer: the fixed seed, the sample payload. Ed25519 is
 * deterministic, so the text is too; a change here is a format change and
 * needs a new version. The header bytes are also spelled out.
 */
static void test_known_answer(void **state)
{
	(void)state;
	static const char expect_pk[] =
		"03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
	static const char expect_text[] = KAT_TEXT;
	char hex[2 * ECARD_PK_BYTES + 1], text[ECARD_TEXT_MAX];
	struct ecard p;
	sodium_bin2hex(hex, sizeof hex, pk, sizeof pk);
	assert_string_equal(hex, expect_pk);
	assert_int_equal(ecard_key_id(pk), KAT_KID);
	encode_sample(text, &p);
	static const uint8_t header[ECARD_HEADER_BYTES] = {
		0x01, 0x00,                                                    /* version, flags */
		(KAT_KID >> 24) & 0xff, (KAT_KID >> 16) & 0xff, (KAT_KID >> 8) & 0xff, KAT_KID & 0xff,
		0x00, 0x00, 0x00, 0x25,                                        /* categories */
		0x69, 0x55, 0xb9, 0x00,                                        /* 1767225600 */
		0x69, 0x55, 0xba, 0x2c,                                        /* + 300 */
		17,                                                            /* card number length */
	};
	assert_memory_equal(p.body, header, sizeof header);
	assert_memory_equal(p.body + ECARD_HEADER_BYTES, "130902-00000017-K", 17);
	assert_string_equal(text, expect_text);
}

/* Random texts after our prefix: never accepted, never a crash (a small in-test fuzz). */
static void test_random_inputs(void **state)
{
	(void)state;
	static const char alpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char buf[260];
	struct ecard q;
	for (int i = 0; i < 20000; i++) {
		size_t n = 4 + randombytes_uniform(sizeof buf - 4);
		memcpy(buf, "SY1:", 4);
		for (size_t k = 4; k < n; k++)
			buf[k] = (i & 1) ? (char)randombytes_uniform(256)
					 : alpha[randombytes_uniform(sizeof alpha - 1)];
		enum ecard_result r = ecard_decode(buf, n, &q);
		if (r == ECARD_OK)
			assert_int_not_equal(ecard_verify(&q, pk, T0, 60), ECARD_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base45_rfc),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_every_change_refused),
		cmocka_unit_test(test_truncated_and_long),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_random_inputs),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
