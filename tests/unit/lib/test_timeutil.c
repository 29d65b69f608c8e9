/* Unit tests for src/lib/timeutil.c: ISO timestamps written and read. */
#include "testutil.h"

#include "lib/timeutil.h"

static void test_iso_round_trip(void **state)
{
	(void)state;
	char buf[TIME_ISO_LEN];
	time_t t;
	time_iso(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	time_iso(1772323199, buf);
	assert_string_equal(buf, "2026-02-28T23:59:59Z");
	/* The per-second cache must not answer for another second. */
	time_iso(1772323200, buf);
	assert_string_equal(buf, "2026-03-01T00:00:00Z");
	time_iso(1772323199, buf);
	assert_string_equal(buf, "2026-02-28T23:59:59Z");
	assert_true(time_parse_iso("2026-03-01T00:00:00Z", &t));
	assert_int_equal(t, 1772323200);
	assert_true(time_parse_iso("2024-02-29T12:34:56Z", &t));
	time_iso(t, buf);
	assert_string_equal(buf, "2024-02-29T12:34:56Z");
	assert_true(time_parse_iso("1969-12-31", &t));
	assert_int_equal(t, -86400);
	assert_true(time_parse_iso("2026-11-29", &t));
	time_iso(t, buf);
	assert_string_equal(buf, "2026-11-29T00:00:00Z");
}

static void test_parse_rejects(void **state)
{
	(void)state;
	time_t t;
	const char *bad[] = {
		"", "2026-1-01", "2026-01-1", "2026-01-01T", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00",
		"2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2025-02-29",
		"2026-13-01", "2026-00-10", "2026-01-00", " 2026-01-01", "2026-01-01 ", "+026-01-01",
		"2026- 1-01", "2026-01-01T-1:00:00Z", "2026/01/01", "2026-01-01T00:00:00+08",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (time_parse_iso(bad[i], &t))
			fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_round_trip),
		cmocka_unit_test(test_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
