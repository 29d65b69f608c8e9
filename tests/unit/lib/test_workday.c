/* Unit tests for src/lib/workday.c: working days over a caller's calendar. */
#include "testutil.h"

#include "lib/workday.h"

static int32_t D(const char *s)
{
	int32_t day = 0;
	if (!workday_parse(s, &day))
		fail_msg("bad test date %s", s);
	return day;
}

static void expect_add(const struct workday_calendar *cal, const char *start, int n, const char *want)
{
	char got[WORKDAY_DATE_LEN];
	workday_format(workday_add(cal, D(start), n), got);
	if (strcmp(got, want) != 0)
		fail_msg("%s + %d working days: want %s, got %s", start, n, want, got);
}

static void test_dates(void **state)
{
	(void)state;
	char buf[WORKDAY_DATE_LEN];
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("1970-01-02"), 1);
	assert_int_equal(D("1969-12-31"), -1);
	assert_int_equal(workday_weekday(D("1970-01-01")), 4); /* a Thursday */
	assert_int_equal(workday_weekday(D("2026-02-14")), 6); /* a Saturday */
	assert_int_equal(workday_weekday(D("1969-12-28")), 0); /* a Sunday, before the epoch */
	workday_format(D("2024-02-29"), buf);
	assert_string_equal(buf, "2024-02-29");
	workday_format(D("2000-03-01") - 1, buf);
	assert_string_equal(buf, "2000-02-29");
	int32_t x;
	assert_false(workday_parse("2025-02-29", &x));
	assert_false(workday_parse("2026-13-01", &x));
	assert_false(workday_parse("2026-1-01", &x));
	assert_false(workday_parse("2026-01-01T00:00:00Z", &x));
	assert_false(workday_parse("2026-01-0a", &x));
	assert_false(workday_parse(NULL, &x));
}

static void test_weekends_only(void **state)
{
	(void)state;
	/* No calendar rows: Monday to Friday. 2026-03-06 is a Friday. */
	expect_add(NULL, "2026-03-06", 0, "2026-03-06");
	expect_add(NULL, "2026-03-06", 1, "2026-03-09");
	expect_add(NULL, "2026-03-06", 5, "2026-03-13");
	/* the start day never counts, even on a weekend */
	expect_add(NULL, "2026-03-07", 1, "2026-03-09");
	assert_false(workday_is_working(NULL, D("2026-03-07")));
	assert_true(workday_is_working(NULL, D("2026-03-09")));
	assert_int_equal(workday_between(NULL, D("2026-03-06"), D("2026-03-13")), 5);
	assert_int_equal(workday_between(NULL, D("2026-03-13"), D("2026-03-06")), 0);
}

/*
 * A Spring Festival arrangement built by this test (shaped like a typical
 * one, not an official table): off Sunday 02-15 to Monday 02-23, with the
 * Saturdays 02-14 and 02-28 made up as working days.
 */
static const char *const festival_off[] = {
	"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
	"2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
};
static const char *const festival_work[] = {"2026-02-14", "2026-02-28"};

static void test_spring_festival(void **state)
{
	(void)state;
	int32_t off[9], work[2];
	for (int i = 0; i < 9; i++)
		off[i] = D(festival_off[i]);
	for (int i = 0; i < 2; i++)
		work[i] = D(festival_work[i]);
	struct workday_calendar cal = {off, 9, work, 2};

	assert_true(workday_is_working(&cal, D("2026-02-14")));  /* make-up Saturday */
	assert_false(workday_is_working(&cal, D("2026-02-16"))); /* a Monday off */
	assert_false(workday_is_working(&cal, D("2026-02-23")));
	assert_false(workday_is_working(&cal, D("2026-02-21"))); /* a Saturday inside the holiday */
	assert_true(workday_is_working(&cal, D("2026-02-28")));
	assert_false(workday_is_working(&cal, D("2026-03-01"))); /* an ordinary Sunday */

	/* Thursday 02-12 + 5: Fri 13 (1), make-up Sat 14 (2), holiday, Tue 24 (3), 25 (4), 26 (5). */
	expect_add(&cal, "2026-02-12", 5, "2026-02-26");
	/* the same without the calendar would be Thursday 02-19 */
	expect_add(NULL, "2026-02-12", 5, "2026-02-19");
	/* Tuesday 02-24 + 4 reaches the second make-up Saturday */
	expect_add(&cal, "2026-02-24", 4, "2026-02-28");
	/* starting inside the holiday: the first working day after it is Tuesday 02-24 */
	expect_add(&cal, "2026-02-17", 1, "2026-02-24");
	/* Friday 02-13 + 10: 14, 24, 25, 26, 27, 28, 03-02, 03, 04, 05 */
	expect_add(&cal, "2026-02-13", 10, "2026-03-05");
	assert_int_equal(workday_between(&cal, D("2026-02-12"), D("2026-02-26")), 5);
}

/* A day listed as both a holiday and a make-up day is a working day. */
static void test_both_lists(void **state)
{
	(void)state;
	int32_t day = D("2026-05-09"); /* a Saturday */
	struct workday_calendar cal = {&day, 1, &day, 1};
	assert_true(workday_is_working(&cal, day));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_weekends_only),
		cmocka_unit_test(test_spring_festival),
		cmocka_unit_test(test_both_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
