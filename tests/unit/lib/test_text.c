/* Unit tests for src/lib/text.c (text_copy, text_display_width) and lib/cli.c's cli_put_cell. */
#include "testutil.h"

#include "lib/cli.h"
#include "lib/text.h"

static void test_copy(void **state)
{
	(void)state;
	char buf[6];
	memset(buf, 'x', sizeof buf);
	assert_true(text_copy(buf, sizeof buf, "abc"));
	assert_string_equal(buf, "abc");
	assert_true(text_copy(buf, sizeof buf, "abcde")); /* exactly fits with its NUL */
	assert_string_equal(buf, "abcde");
	assert_false(text_copy(buf, sizeof buf, "abcdef"));
	assert_string_equal(buf, "abcde");
	assert_true(text_copy(buf, sizeof buf, NULL));
	assert_string_equal(buf, "");
	assert_false(text_copy(buf, 1, "a"));
	assert_string_equal(buf, "");
}

/* Columns: Chinese and fullwidth forms two, ASCII and other scripts one, a cut-short sequence a column a byte. */
static void test_display_width(void **state)
{
	(void)state;
	assert_int_equal(text_display_width(""), 0);
	assert_int_equal(text_display_width("abc"), 3);
	assert_int_equal(text_display_width("新华区"), 6);
	assert_int_equal(text_display_width("孟村回族自治县 A"), 16);
	assert_int_equal(text_display_width("ＡＢ"), 4);                /* fullwidth Latin */
	assert_int_equal(text_display_width("é"), 1);                    /* two bytes, one column */
	assert_int_equal(text_display_width("\xF0\xA0\x80\x80"), 2); /* U+20000, CJK extension B */
	assert_int_equal(text_display_width("\xE6\x96"), 2);           /* 新 cut after two of its three bytes */
	assert_int_equal(text_display_width("\x80x"), 2);               /* a stray continuation byte */
}

/* A table cell: the text, then spaces up to the width in columns; longer text is left whole. */
static void test_put_cell(void **state)
{
	(void)state;
	char buf[64] = "";
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	assert_non_null(f);
	cli_put_cell(f, "新华区", 8);
	fputc('|', f);
	cli_put_cell(f, "ab", 4);
	fputc('|', f);
	cli_put_cell(f, "孟村回族自治县", 4);
	fputc('|', f);
	cli_put_cell(f, NULL, 2);
	fputc('|', f);
	fclose(f);
	assert_string_equal(buf, "新华区  |ab  |孟村回族自治县|  |");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_put_cell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
