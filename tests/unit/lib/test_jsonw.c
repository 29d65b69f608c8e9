/*
 * Unit tests for src/lib/jsonw.c: the text it writes must be the bytes
 * jansson's json_dumps(…, JSON_COMPACT) writes for the same value (nearby
 * search puts answers together from such pieces, and clients must not see
 * a difference): strings with quotes, backslashes, every control character
 * and Chinese text; reals of every size, whole ones, and ones that print
 * with an exponent; integers to both ends. Text that is not UTF-8, which
 * jansson refuses, comes out with \uFFFD in place of each bad byte.
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#include "lib/jsonw.h"

/* jansson's text for v (stolen). */
static void expect_same(json_t *v, void (*write)(strbuf *, const json_t *))
{
	assert_non_null(v);
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(want);
	strbuf sb;
	sb_init(&sb);
	write(&sb, v);
	assert_false(sb.oom);
	assert_string_equal(sb_str(&sb), want);
	free(want);
	sb_free(&sb);
	json_decref(v);
}

static void write_string(strbuf *sb, const json_t *v) { jsonw_string(sb, json_string_value(v)); }
static void write_real(strbuf *sb, const json_t *v) { jsonw_real(sb, json_real_value(v)); }
static void write_int(strbuf *sb, const json_t *v) { jsonw_int(sb, json_integer_value(v)); }

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static void test_strings(void **state)
{
	(void)state;
	static const char *const fixed[] = {
		"", "商户12345", "catering", "某街\"1\"号", "back\\slash", "/slash/", "tab\there", "line\nbreak\r\n",
		"\b\f\x01\x1f\x7f", "凭优待证八折（限本人）", "😀 emoji", "a\u00e9b", "end\\",
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		expect_same(json_string(fixed[i]), write_string);
	/* Every control character, and random mixes of ASCII, escapes and Chinese. */
	for (int c = 1; c < 0x20; c++) {
		char s[4] = {'x', (char)c, 'y', 0};
		expect_same(json_string(s), write_string);
	}
	static const char *const parts[] = {"a", "Z", " ", "\"", "\\", "\n", "\x02", "中", "号", "é", "😀", "/"};
	for (int t = 0; t < 2000; t++) {
		char s[256] = "";
		int n = (int)(next() >> 59);
		for (int k = 0; k < n; k++)
			strcat(s, parts[next() % (sizeof parts / sizeof parts[0])]);
		expect_same(json_string(s), write_string);
	}
	/* NULL is null, as json_pack's "s?" writes it. */
	strbuf sb;
	sb_init(&sb);
	jsonw_string(&sb, NULL);
	assert_string_equal(sb_str(&sb), "null");
	sb_reset(&sb);
	/* Not UTF-8: a lone continuation byte, a cut character, an overlong '/', a surrogate. */
	jsonw_string(&sb, "a\x80" "b\xE4\xB8" "c\xC0\xAF" "d\xED\xA0\x80");
	assert_string_equal(sb_str(&sb), "\"a\\uFFFDb\\uFFFD\\uFFFDc\\uFFFD\\uFFFDd\\uFFFD\\uFFFD\\uFFFD\"");
	sb_free(&sb);
}

static void test_reals(void **state)
{
	(void)state;
	static const double fixed[] = {0.0, -0.0, 1.0, -1.0, 0.1, 7.5, 7.3000000000000007, 38.31, 116.866, 0.8,
				       100.0, 1e17, 1e16, 123456789012345678.0, 1e20, 1e-5, 1e-4, 0.000123, 5e-324,
				       1.7976931348623157e308, -2.5e-300, 1e100, 3.0e21,
				       /* Around the ends of the short way (0.001 to 2^52) and of each decade. */
				       0.001, 0.0010000000000000002, 0.00099999999999999980, 0.0009765625,
				       4503599627370495.5, 4503599627370496.0, 999999999999999.9, 9.9999999999999982,
				       0.99999999999999989, 1.0000000000000002, 99.999999999999986, 1e15, 1e-3,
				       /* Exactly half way at the 17th digit (printf decides those). */
				       1234567890123456.25, -1234567890123456.75, 2251799813685248.5};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		expect_same(json_real(fixed[i]), write_real);
	/* Tenths of a minute (what nearby search writes most), coordinates, and any bits at all. */
	for (int n = 0; n <= 600; n++)
		expect_same(json_real(round((double)n) * 0.1), write_real);
	for (int t = 0; t < 20000; t++) {
		expect_same(json_real(37.5 + (double)(next() >> 11) / 9007199254740992.0 * 1.5), write_real);
		expect_same(json_real(115.5 + (double)(next() >> 11) / 9007199254740992.0 * 2), write_real);
		/* Any size the short way takes, and the decades either side. */
		double e = -4.5 + (double)(next() >> 11) / 9007199254740992.0 * 21;
		expect_same(json_real(pow(10, e)), write_real);
		expect_same(json_real(-pow(10, e) * 3), write_real);
		expect_same(json_real(nextafter(pow(10, floor(e)), 0)), write_real);
		uint64_t bits = next();
		double v;
		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			expect_same(json_real(v), write_real);
	}
	/* jansson holds no NaN or infinity: null. */
	strbuf sb;
	sb_init(&sb);
	jsonw_real(&sb, NAN);
	jsonw_real(&sb, -INFINITY);
	assert_string_equal(sb_str(&sb), "nullnull");
	sb_free(&sb);
}

static void test_ints_bools(void **state)
{
	(void)state;
	static const json_int_t fixed[] = {0, 1, -1, 9, 10, 385, 1000000, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		expect_same(json_integer(fixed[i]), write_int);
	for (int t = 0; t < 2000; t++)
		expect_same(json_integer((json_int_t)(next() >> (next() % 64))), write_int);
	strbuf sb;
	sb_init(&sb);
	jsonw_bool(&sb, true);
	jsonw_bool(&sb, false);
	assert_string_equal(sb_str(&sb), "truefalse");
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_reals),
		cmocka_unit_test(test_ints_bools),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
