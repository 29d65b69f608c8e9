/*
 * Unit tests for the ledger's counters (rollup.c), on the demo data set
 * (SQLite, or PostgreSQL with SY_TEST_DB): a range is cut into runs that
 * hold each of its days exactly once; the counters give the same totals and
 * items as reading the rows, for every grouping and for ranges of every
 * shape, after a rebuild and after services recorded one by one; rows loaded
 * around the application make the statistics read the rows until a rebuild;
 * a county officer's statistics are read from the rows of the county.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/modules.h"
#include "db/scope.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "modules/cards/cards.h"
#include "modules/demo/demo.h"
#include "modules/ledger/ledger.h"
#include "modules/ledger/rollup.h"
#include "modules/merchants/merchants.h"

static db *d;
static const char *db_url;
static struct principal sys, clerk;
static const char *const BYS[] = {"month", "kind", "region", "org", "association"};

static int64_t query_int(const char *sql)
{
	return testutil_query_int(d, sql);
}

static int setup(void **state)
{
	(void)state;
	sy_err err;
	if (!crypto_init())
		return -1;
	db_url = testutil_fresh_db();
	d = db_open(db_url, &err);
	if (!d || demo_load(d, 7, 200, NULL, &err))
		return -1;
	principal_system(&sys, "test");
	clerk = (struct principal){.role = ROLE_MERCHANT};
	snprintf(clerk.name, sizeof clerk.name, "merchant");
	snprintf(clerk.region_code, sizeof clerk.region_code, "130902");
	clerk.org_id = query_int("SELECT id FROM orgs WHERE name = '沧州华北商厦'");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(d);
	return 0;
}

static void day_of(int32_t n, char out[11])
{
	time_t t = (time_t)n * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 11, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* How many runs hold the day. */
static int runs_holding(const struct rollup_range *runs, int n, const char *day)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		size_t len = strcmp(runs[i].grain, "y") == 0 ? 4 : strcmp(runs[i].grain, "m") == 0 ? 7 : 10;
		char b[11];
		snprintf(b, sizeof b, "%.*s", (int)len, day);
		k += strcmp(b, runs[i].lo) >= 0 && strcmp(b, runs[i].hi) <= 0;
	}
	return k;
}

static void test_cut_covers_each_day_once(void **state)
{
	(void)state;
	struct rollup_range runs[ROLLUP_RANGES_MAX];
	int32_t base = time_days_from_civil(2023, 11, 20);
	uint64_t s = 12345;
	char from[11], to[11], day[11];
	for (int trial = 0; trial < 400; trial++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		int32_t a = base + (int32_t)((s >> 33) % 900), len = (int32_t)((s >> 13) % 800);
		if (trial < 40) /* whole months and years, and single days, on purpose */
			len = trial % 4 == 0 ? 0 : len;
		day_of(a, from);
		day_of(a + len, to);
		int n = ledger_rollup_cut(from, to, runs);
		assert_in_range(n, 1, ROLLUP_RANGES_MAX);
		for (int32_t x = a - 40; x <= a + len + 40; x++) {
			day_of(x, day);
			assert_int_equal(runs_holding(runs, n, day), x >= a && x <= a + len ? 1 : 0);
		}
	}
	/* A whole year is one run; a whole month one; to before from none; a bad date none. */
	assert_int_equal(ledger_rollup_cut("2025-01-01", "2025-12-31", runs), 1);
	assert_string_equal(runs[0].grain, "y");
	assert_int_equal(ledger_rollup_cut("2024-02-01", "2024-02-29", runs), 1);
	assert_string_equal(runs[0].grain, "m");
	assert_int_equal(ledger_rollup_cut("2025-03-02", "2025-03-01", runs), 0);
	assert_int_equal(ledger_rollup_cut("2025-02-30", "2025-03-01", runs), 0);
}

/* The counters' answer and the rows' answer are the same document, apart from where they came from. */
static void assert_same_stats(const struct principal *who, const char *by, const char *from, const char *to)
{
	struct ledger_filter f = {.from = from, .to = to};
	json_t *a = NULL, *b = NULL;
	sy_err err;
	assert_int_equal(ledger_stats(d, who, by, &f, &a, &err), SY_OK);
	assert_int_equal(ledger_stats_scan(d, who, by, &f, &b, &err), SY_OK);
	assert_string_equal(json_string_value(json_object_get(a, "source")), "counters");
	assert_string_equal(json_string_value(json_object_get(b, "source")), "ledger");
	json_object_del(a, "source");
	json_object_del(b, "source");
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_COMPACT), *y = json_dumps(b, JSON_COMPACT);
		fprintf(stderr, "by=%s from=%s to=%s\ncounters: %s\nrows:     %s\n", by, from ? from : "-",
			to ? to : "-", x, y);
		free(x);
		free(y);
		fail();
	}
	json_decref(a);
	json_decref(b);
}

static void assert_same_for_ranges(uint64_t seed, int trials)
{
	char today[11], from[11], to[11];
	merchants_day_of(time(NULL), today);
	int y, m, dd;
	assert_int_equal(sscanf(today, "%4d-%2d-%2d", &y, &m, &dd), 3);
	int32_t now = time_days_from_civil(y, m, dd);
	for (size_t i = 0; i < sizeof BYS / sizeof BYS[0]; i++) {
		assert_same_stats(&sys, BYS[i], NULL, NULL);
		day_of(now - 200, from);
		assert_same_stats(&sys, BYS[i], from, NULL);
		assert_same_stats(&sys, BYS[i], NULL, from);
		/* One bucket each: this year, last year, this month (read in key order). */
		char a[11], b[11];
		for (int back = 0; back < 2; back++) {
			snprintf(a, sizeof a, "%04d-01-01", y - back);
			snprintf(b, sizeof b, "%04d-12-31", y - back);
			assert_same_stats(&sys, BYS[i], a, b);
		}
		snprintf(a, sizeof a, "%04d-%02d-01", y, m);
		snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, time_days_in_month(y, m));
		assert_same_stats(&sys, BYS[i], a, b);
	}
	for (int t = 0; t < trials; t++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		int32_t a = now - 400 + (int32_t)((seed >> 33) % 420), len = (int32_t)((seed >> 11) % 300);
		day_of(a, from);
		day_of(a + len, to);
		assert_same_stats(&sys, BYS[t % 5], from, to);
	}
}

static void test_counters_equal_rows_after_rebuild(void **state)
{
	(void)state;
	assert_true(query_int("SELECT COUNT(*) FROM ledger") > 500); /* the demo's year of services */
	assert_same_for_ranges(99, 60);
}

static int64_t new_offer(const char *rule)
{
	struct offer_input in = {.title = "计数测试优惠", .benefit_kind = "free", .usage_rule = rule};
	int64_t id = 0;
	sy_err err;
	assert_int_equal(offers_create(d, &clerk, &in, &id, &err), SY_OK);
	return id;
}

/* Services recorded one by one, on several days, some twice a day, keep the counters exact. */
static void test_counters_follow_recorded_services(void **state)
{
	(void)state;
	int64_t offer = new_offer("unlimited");
	char sql[] = "SELECT number FROM cards WHERE state = 'received' ORDER BY id";
	db_rows *r = NULL;
	sy_err err;
	char numbers[6][CARDNO_MAX + 1];
	int n = 0;
	assert_int_equal(db_query(d, sql, NULL, 0, &r, &err), SY_OK);
	while (n < 6 && db_next(r)) {
		snprintf(numbers[n], sizeof numbers[n], "%s", db_text(r, 0));
		n++;
	}
	db_rows_free(r);
	assert_int_equal(n, 6);
	time_t now = time(NULL);
	/* 40 services over the last ten days: card i%6, day (i*7)%10 ago, the same day twice for some. */
	for (int i = 0; i < 40; i++) {
		struct ledger_service in = {.card_no = numbers[i % 6], .offer_id = offer};
		json_t *out = NULL;
		int64_t at = (int64_t)now - (int64_t)((i * 7) % 10) * 86400 + (i % 3) * 60;
		assert_int_equal(ledger_record(d, &clerk, &in, at, &out, &err), SY_OK);
		json_decref(out);
	}
	assert_same_for_ranges(7, 40);
}

/* Rows written around the application: the rows answer until a rebuild; then the counters again. */
static void test_rows_loaded_by_sql_until_rebuilt(void **state)
{
	(void)state;
	struct ledger_filter f = {0};
	json_t *a = NULL;
	sy_err err;
	int64_t counters = 0;
	assert_int_equal(db_exec(d,
				 "INSERT INTO ledger (at, day_cn, recorded_by, card_id, card_no, person_id, org_id,"
				 " region_code, kind, companion, via)"
				 " SELECT at, day_cn, 'bulk', card_id, card_no, person_id, org_id, region_code, 'visit', 0,"
				 " 'number' FROM ledger WHERE id IN (SELECT id FROM ledger ORDER BY id LIMIT 50)",
				 &err),
			 SY_OK);
	assert_int_equal(ledger_stats(d, &sys, "kind", &f, &a, &err), SY_OK);
	assert_string_equal(json_string_value(json_object_get(a, "source")), "ledger");
	json_decref(a);
	assert_int_equal(ledger_rollup_rebuild(d, &sys, &counters, &err), SY_OK);
	assert_true(counters > 0);
	assert_same_for_ranges(3, 20);
}

/* A county's officer: the rows of the county (the counters are the city's); the city's officer: the counters. */
static void test_county_officer_reads_rows(void **state)
{
	(void)state;
	struct principal officer = {.role = ROLE_OFFICER};
	struct ledger_filter f = {0};
	json_t *a = NULL, *city = NULL;
	sy_err err;
	snprintf(officer.name, sizeof officer.name, "officer");
	snprintf(officer.region_code, sizeof officer.region_code, "130902");
	assert_int_equal(ledger_stats(d, &officer, "region", &f, &a, &err), SY_OK);
	assert_string_equal(json_string_value(json_object_get(a, "source")), "ledger");
	assert_int_equal(ledger_stats(d, &sys, "region", &f, &city, &err), SY_OK);
	json_t *mine = json_array_get(json_object_get(a, "items"), 0);
	assert_int_equal(json_array_size(json_object_get(a, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(mine, "key")), "130902");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(city, "items"), i, it)
		if (strcmp(json_string_value(json_object_get(it, "key")), "130902") == 0)
			assert_true(json_equal(it, mine));
	json_decref(a);
	/* The city's officer sees every region: the counters answer, the same as the admin's. */
	snprintf(officer.region_code, sizeof officer.region_code, "130900");
	assert_int_equal(ledger_stats(d, &officer, "region", &f, &a, &err), SY_OK);
	assert_string_equal(json_string_value(json_object_get(a, "source")), "counters");
	assert_true(json_equal(json_object_get(a, "items"), json_object_get(city, "items")));
	json_decref(a);
	json_decref(city);
}

/* `shuangyong ledger` with argv: its exit code, and what it wrote to out and err. */
static int run_ledger_cli(int argc, char **argv, char *out, size_t out_cap, char *errs, size_t err_cap)
{
	const struct cli_command *cmd = modules_find_command("ledger");
	assert_non_null(cmd);
	memset(out, 0, out_cap);
	memset(errs, 0, err_cap);
	FILE *o = fmemopen(out, out_cap - 1, "w"), *e = fmemopen(errs, err_cap - 1, "w");
	assert_non_null(o);
	assert_non_null(e);
	struct cli_ctx ctx = {.db_url = db_url, .out = o, .err = e};
	int rc = cmd->run(&ctx, argc, argv);
	fclose(o);
	fclose(e);
	return rc;
}

/*
 * The command line: anything but `rollup` (another word, a second word)
 * prints the usage on stderr and exits 2 without touching the counters, and
 * an option the command does not know is named and refused the same way; --help prints it on stdout and
 * exits 0; `rollup` rebuilds and says how many counter rows it wrote.
 */
static void test_rollup_command_line(void **state)
{
	(void)state;
	char out[2048], errs[2048];
	int64_t counters = query_int("SELECT COUNT(*) FROM ledger_rollup");
	char *none[] = {NULL}, *other[] = {"rebuild"}, *extra[] = {"rollup", "now"}, *unknown[] = {"rollup", "--fast=1"},
	     *no_value[] = {"rollup", "--fast"};
	struct {
		int argc;
		char **argv;
		const char *says; /* on stderr */
	} bad[] = {{0, none, "usage: shuangyong ledger rollup"},
		   {1, other, "usage: shuangyong ledger rollup"},
		   {2, extra, "usage: shuangyong ledger rollup"},
		   {2, unknown, "unknown option --fast"},
		   {2, no_value, "unknown option --fast"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(run_ledger_cli(bad[i].argc, bad[i].argv, out, sizeof out, errs, sizeof errs), 2);
		assert_string_equal(out, "");
		assert_non_null(strstr(errs, bad[i].says));
	}
	assert_int_equal(query_int("SELECT COUNT(*) FROM ledger_rollup"), counters);
	char *help[] = {"--help"};
	assert_int_equal(run_ledger_cli(1, help, out, sizeof out, errs, sizeof errs), 0);
	assert_non_null(strstr(out, "usage: shuangyong ledger rollup"));
	char *rollup[] = {"rollup"};
	assert_int_equal(run_ledger_cli(1, rollup, out, sizeof out, errs, sizeof errs), 0);
	assert_non_null(strstr(out, "ledger counters rebuilt: "));
	assert_string_equal(errs, "");
	assert_true(query_int("SELECT COUNT(*) FROM ledger_rollup") > 0);
	assert_int_equal(query_int("SELECT COUNT(*) FROM ledger_rollup_state WHERE max_id >= (SELECT MAX(id) FROM ledger)"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_covers_each_day_once),
		cmocka_unit_test(test_counters_equal_rows_after_rebuild),
		cmocka_unit_test(test_counters_follow_recorded_services),
		cmocka_unit_test(test_rows_loaded_by_sql_until_rebuilt),
		cmocka_unit_test(test_county_officer_reads_rows),
		cmocka_unit_test(test_rollup_command_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
