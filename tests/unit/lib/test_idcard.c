/* Unit tests for src/lib/idcard.c (GB 11643-1999 citizen ID numbers). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "lib/idcard.h"

/* Validate s, expecting failure with the message for one rule. */
static void expect_invalid(const char *s, const char *msg_zh)
{
	sy_err err;
	sy_err_clear(&err);
	assert_int_equal(idcard_validate(s, NULL, &err), SY_EINVAL);
	assert_string_equal(err.code, "invalid_id_number");
	assert_string_equal(err.field, "id_number");
	assert_string_equal(err.msg_zh, msg_zh);
	assert_true(err.msg_en[0] != '\0');
}

static void test_check_char(void **state)
{
	(void)state;
	char c = 0;
	/* The check characters below were computed independently (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2). */
	assert_true(idcard_check_char("11010519491231002", &c));
	assert_int_equal(c, 'X');
	assert_true(idcard_check_char("13090219800101123", &c));
	assert_int_equal(c, '6');
	assert_true(idcard_check_char("44030419991231001", &c));
	assert_int_equal(c, '5');
	c = '?';
	assert_false(idcard_check_char("1309021980010112a", &c));
	assert_int_equal(c, '?');
}

static void test_known_valid(void **state)
{
	(void)state;
	static const char *const valid[] = {
		"11010519491231002X", /* the public sample from the standard's examples */
		"130902198001011236", "130982197506150036", "440304199912310015",
		"130921198501010087", "130902199003070517", "130902199003070525",
		"13090219800101105X", "13090219800101113X", "13090219800101121X",
	};
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
		sy_err err;
		sy_err_clear(&err);
		struct idcard_info info;
		if (idcard_validate(valid[i], &info, &err) != SY_OK)
			fail_msg("%s rejected: %s", valid[i], err.msg_en);
		assert_string_equal(info.normalized, valid[i]);
	}
}

static void test_derivation(void **state)
{
	(void)state;
	struct idcard_info info;
	assert_int_equal(idcard_validate("11010519491231002X", &info, NULL), SY_OK);
	assert_string_equal(info.birth_date, "1949-12-31");
	assert_int_equal(info.sex, 'F'); /* sequence 002: even */
	assert_string_equal(info.region, "110105");

	assert_int_equal(idcard_validate("130902199003070517", &info, NULL), SY_OK);
	assert_string_equal(info.birth_date, "1990-03-07");
	assert_int_equal(info.sex, 'M'); /* sequence 051: odd */
	assert_string_equal(info.region, "130902");

	assert_int_equal(idcard_validate("130902199003070525", &info, NULL), SY_OK);
	assert_int_equal(info.sex, 'F');
}

static void test_wrong_check_char(void **state)
{
	(void)state;
	expect_invalid("130902198001011235", "身份证号校验位错误");
	expect_invalid("110105194912310021", "身份证号校验位错误");
	expect_invalid("130902198001011230", "身份证号校验位错误");
	sy_err err;
	idcard_validate("130902198001011235", NULL, &err);
	assert_string_equal(err.msg_en, "ID number check character is wrong");
}

static void test_wrong_length(void **state)
{
	(void)state;
	expect_invalid("13090219800101123", "身份证号长度必须为18位");
	expect_invalid("1309021980010112366", "身份证号长度必须为18位");
	expect_invalid("130902800101123", "身份证号长度必须为18位"); /* old 15-digit form */
	expect_invalid("", "身份证号不能为空");
	expect_invalid(NULL, "身份证号不能为空");
	/* 18 bytes but not 18 characters of the right kind. */
	expect_invalid("13090219800101一2", "身份证号前17位必须是数字");
}

static void test_letters(void **state)
{
	(void)state;
	expect_invalid("13090219800101A236", "身份证号前17位必须是数字");
	expect_invalid("X30902198001011236", "身份证号前17位必须是数字");
	expect_invalid("1309021980010112 6", "身份证号前17位必须是数字");
	expect_invalid("13090219800101123Y", "身份证号最后一位必须是数字或X");
	expect_invalid("1309021980010112X6", "身份证号前17位必须是数字");
}

static void test_bad_dates(void **state)
{
	(void)state;
	char id[19];
	/* Each built with a correct check character, so only the date is wrong. */
	assert_true(idcard_check_char("13090219900230123", &id[17]));
	memcpy(id, "13090219900230123", 17);
	id[18] = '\0';
	expect_invalid(id, "身份证号出生日期无效"); /* Feb 30 */

	memcpy(id, "13090219010229123", 17); /* 1901 is not a leap year */
	assert_true(idcard_check_char(id, &id[17]));
	expect_invalid(id, "身份证号出生日期无效");

	memcpy(id, "13090219801301123", 17); /* month 13 */
	assert_true(idcard_check_char(id, &id[17]));
	expect_invalid(id, "身份证号出生日期无效");

	memcpy(id, "13090219800100123", 17); /* day 0 */
	assert_true(idcard_check_char(id, &id[17]));
	expect_invalid(id, "身份证号出生日期无效");

	assert_true(idcard_make("130902", 2100, 1, 1, 123, id)); /* in the future */
	expect_invalid(id, "身份证号出生日期无效");

	assert_true(idcard_make("130902", 1899, 12, 31, 123, id)); /* before 1900 */
	expect_invalid(id, "身份证号出生日期无效");

	/* Leap days and the first allowed day are fine. */
	assert_true(idcard_make("130902", 2000, 2, 29, 123, id));
	assert_int_equal(idcard_validate(id, NULL, NULL), SY_OK);
	assert_true(idcard_make("130902", 1900, 1, 1, 123, id));
	assert_int_equal(idcard_validate(id, NULL, NULL), SY_OK);
}

static void test_lowercase_x(void **state)
{
	(void)state;
	struct idcard_info info;
	sy_err err;
	assert_int_equal(idcard_validate("11010519491231002x", &info, &err), SY_OK);
	assert_string_equal(info.normalized, "11010519491231002X");
	assert_int_equal(idcard_validate("13090219800101105x", &info, &err), SY_OK);
	assert_string_equal(info.normalized, "13090219800101105X");
	/* A lowercase x is still checked: it must be the right check character. */
	expect_invalid("13090219800101123x", "身份证号校验位错误");
}

static void test_bad_province(void **state)
{
	(void)state;
	static const char *const bad[] = {"000000", "100000", "160101", "240101", "470101",
					  "550101", "660101", "720101", "840101", "990101"};
	char id[19];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_true(idcard_make(bad[i], 1980, 1, 1, 123, id));
		expect_invalid(id, "身份证号地区码无效");
	}
	/* City-level and province-level codes are accepted: older numbers carry them. */
	static const char *const good[] = {"130900", "130000", "110105", "650102", "710000",
					   "810000", "820000", "830000", "910000"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_true(idcard_make(good[i], 1980, 1, 1, 123, id));
		assert_int_equal(idcard_validate(id, NULL, NULL), SY_OK);
	}
}

static void test_mask(void **state)
{
	(void)state;
	char out[19];
	idcard_mask("130902198001011236", out);
	assert_string_equal(out, "130902********1236");
	idcard_mask("13090219800101123X", out);
	assert_string_equal(out, "130902********123X");
	idcard_mask("13090219800101123x", out);
	assert_string_equal(out, "130902********123X");
	/* Malformed input never leaks a digit. */
	idcard_mask("130902800101123", out);
	assert_string_equal(out, "***************");
	idcard_mask("1309021980010112366666", out);
	assert_string_equal(out, "******************");
	idcard_mask(NULL, out);
	assert_string_equal(out, "");
}

static void test_make_round_trip(void **state)
{
	(void)state;
	static const char *const regions[] = {"130902", "130903", "130921", "130930",
					      "130982", "130984", "110105", "440304"};
	int n = 0;
	for (size_t r = 0; r < sizeof regions / sizeof regions[0]; r++)
		for (int y = 1920; y <= 2020; y += 7)
			for (int m = 1; m <= 12; m += 5)
				for (int seq = 0; seq <= 999; seq += 37) {
					int d = 1 + (y + m + seq) % 28;
					char id[19], want[40];
					struct idcard_info info;
					assert_true(idcard_make(regions[r], y, m, d, seq, id));
					sy_err err;
					if (idcard_validate(id, &info, &err) != SY_OK)
						fail_msg("%s: %s", id, err.msg_en);
					snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
					assert_string_equal(info.birth_date, want);
					assert_int_equal(info.sex, seq % 2 ? 'M' : 'F');
					assert_string_equal(info.region, regions[r]);
					n++;
				}
	assert_true(n > 1000);
	/* Out-of-range inputs are refused. */
	char id[19];
	assert_false(idcard_make("130902", 1980, 2, 30, 1, id));
	assert_false(idcard_make("130902", 1980, 1, 1, 1000, id));
	assert_false(idcard_make("130902", 1980, 1, 1, -1, id));
	char short_region[7] = "13090";
	assert_false(idcard_make(short_region, 1980, 1, 1, 1, id));
	assert_false(idcard_make("13090a", 1980, 1, 1, 1, id));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_char),
		cmocka_unit_test(test_known_valid),
		cmocka_unit_test(test_derivation),
		cmocka_unit_test(test_wrong_check_char),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_lowercase_x),
		cmocka_unit_test(test_bad_province),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_make_round_trip),
	};
	return cmocka_run_group_tests_name("idcard", tests, NULL, NULL);
}
