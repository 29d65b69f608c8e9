/* Unit tests for src/lib/cli.c: cli_parse's words, options and flags, and what it refuses. */
#include "testutil.h"

#include "lib/cli.h"

static const char *const FLAGS[] = {"dry-run", NULL};
static const char *const OPTIONS[] = {"region", "top", NULL};

/* cli_parse over argv; what it wrote on the error stream into errs. */
static bool parse(int argc, char **argv, struct cli_args *a, char *errs, size_t cap)
{
	memset(errs, 0, cap);
	FILE *e = fmemopen(errs, cap - 1, "w");
	assert_non_null(e);
	struct cli_ctx c = {.out = stdout, .err = e};
	bool ok = cli_parse(&c, argc, argv, FLAGS, OPTIONS, a);
	fclose(e);
	return ok;
}

static void test_words_options_flags(void **state)
{
	(void)state;
	struct cli_args a;
	char errs[256];
	char *argv[] = {"coverage", "--region", "130902", "--top=5", "--dry-run", "extra", "-", "--help"};
	assert_true(parse(8, argv, &a, errs, sizeof errs));
	assert_string_equal(errs, "");
	assert_int_equal(a.npos, 3);
	assert_string_equal(a.pos[0], "coverage");
	assert_string_equal(a.pos[1], "extra");
	assert_string_equal(a.pos[2], "-");
	assert_string_equal(cli_opt(&a, "region"), "130902");
	assert_string_equal(cli_opt(&a, "top"), "5");
	assert_true(cli_has(&a, "dry-run"));
	assert_null(cli_opt(&a, "minutes"));
	assert_true(a.help);
}

/*
 * Refused, with the reason on the error stream: an option the command does
 * not know (in either form, however close to a known one), an option whose
 * value is missing.
 */
static void test_refusals(void **state)
{
	(void)state;
	struct cli_args a;
	char errs[256];
	char *typo[] = {"coverage", "--regoin", "130902"};
	assert_false(parse(3, typo, &a, errs, sizeof errs));
	assert_string_equal(errs, "unknown option --regoin (see --help)\n");
	char *typo_eq[] = {"--top5=1"};
	assert_false(parse(1, typo_eq, &a, errs, sizeof errs));
	assert_string_equal(errs, "unknown option --top5 (see --help)\n");
	char *prefix[] = {"--reg", "130902"};
	assert_false(parse(2, prefix, &a, errs, sizeof errs));
	assert_non_null(strstr(errs, "unknown option --reg "));
	char *no_value[] = {"coverage", "--top"};
	assert_false(parse(2, no_value, &a, errs, sizeof errs));
	assert_string_equal(errs, "option --top needs a value\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_options_flags),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
