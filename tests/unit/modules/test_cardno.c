/*
 * Unit tests for src/modules/cards/cardno.c: the check character agrees with
 * GB 11643 (the same ISO 7064 MOD 11-2), made numbers validate, and every
 * single-character substitution and every adjacent transposition of a valid
 * number is refused.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "modules/cards/cardno.h"

static void test_check_char_is_gb11643(void **state)
{
	(void)state;
	/* 身份证号 check characters computed independently (see test_idcard.c) */
	assert_int_equal(cardno_check_char("11010519491231002", 17), 'X');
	assert_int_equal(cardno_check_char("13090219800101123", 17), '6');
	assert_int_equal(cardno_check_char("44030419991231001", 17), '5');
	assert_int_equal(cardno_check_char("1309a2", 6), '\0');
}

static void test_make(void **state)
{
	(void)state;
	char no[CARDNO_LEN + 1], norm[CARDNO_LEN + 1];
	assert_true(cardno_make("130902", 123, no));
	assert_int_equal(strlen(no), CARDNO_LEN);
	assert_memory_equal(no, "1309020000123", 13);
	assert_int_equal(cardno_validate(no, "number", norm, NULL), SY_OK);
	assert_string_equal(no, norm);
	assert_true(cardno_make("130982", CARDNO_SEQ_MAX, no));
	assert_false(cardno_make("130982", 0, no));
	assert_false(cardno_make("130982", CARDNO_SEQ_MAX + 1, no));
	assert_false(cardno_make("1309", 1, no));
	assert_false(cardno_make("13090a", 1, no));
	assert_false(cardno_make(NULL, 1, no));
}

/* A number whose check character is X, found by search; a lower-case x is accepted and normalised. */
static void test_x_check(void **state)
{
	(void)state;
	char no[CARDNO_LEN + 1], norm[CARDNO_LEN + 1];
	int64_t seq = 1;
	while (cardno_make("130902", seq, no) && no[CARDNO_LEN - 1] != 'X')
		seq++;
	assert_int_equal(no[CARDNO_LEN - 1], 'X');
	no[CARDNO_LEN - 1] = 'x';
	assert_int_equal(cardno_validate(no, "number", norm, NULL), SY_OK);
	assert_int_equal(norm[CARDNO_LEN - 1], 'X');
}

static void expect_invalid(const char *s)
{
	sy_err err;
	sy_err_clear(&err);
	if (cardno_validate(s, "number", NULL, &err) != SY_EINVAL)
		fail_msg("accepted %s", s ? s : "(null)");
	assert_string_equal(err.code, "invalid_card_number");
	assert_string_equal(err.field, "number");
	assert_true(err.msg_zh[0] && err.msg_en[0]);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_invalid(NULL);
	expect_invalid("");
	expect_invalid("130902000012");
	expect_invalid("130902000012345");
	expect_invalid("13090200001X37");  /* X only last */
	expect_invalid("130902 000123 ");
	expect_invalid("130902000012３"); /* a full-width digit is more bytes */
}

static const char ALPHABET[] = "0123456789X";

/* Every character replaced by every other of the alphabet, over many numbers. */
static void test_every_substitution_caught(void **state)
{
	(void)state;
	static const char *const regions[] = {"130902", "130982", "130921", "110105"};
	char no[CARDNO_LEN + 1], bad[CARDNO_LEN + 1];
	long tried = 0;
	for (size_t r = 0; r < sizeof regions / sizeof regions[0]; r++) {
		for (int64_t seq = 1; seq <= 2000; seq += 7) {
			assert_true(cardno_make(regions[r], seq, no));
			for (int i = 0; i < CARDNO_LEN; i++) {
				for (const char *a = ALPHABET; *a; a++) {
					if (*a == no[i] || (*a == 'X' && i != CARDNO_LEN - 1))
						continue;
					memcpy(bad, no, sizeof bad);
					bad[i] = *a;
					if (cardno_validate(bad, "number", NULL, NULL) == SY_OK)
						fail_msg("substitution at %d not caught: %s -> %s", i, no, bad);
					tried++;
				}
			}
		}
	}
	assert_true(tried > 100000);
}

/* Every swap of two different adjacent characters, the check character included. */
static void test_every_adjacent_transposition_caught(void **state)
{
	(void)state;
	char no[CARDNO_LEN + 1], bad[CARDNO_LEN + 1];
	long tried = 0;
	for (int64_t seq = 1; seq <= 20000; seq += 3) {
		assert_true(cardno_make("130903", seq, no));
		for (int i = 0; i + 1 < CARDNO_LEN; i++) {
			if (no[i] == no[i + 1])
				continue;
			memcpy(bad, no, sizeof bad);
			bad[i] = no[i + 1];
			bad[i + 1] = no[i];
			if (cardno_validate(bad, "number", NULL, NULL) == SY_OK)
				fail_msg("transposition at %d not caught: %s -> %s", i, no, bad);
			tried++;
		}
	}
	assert_true(tried > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_char_is_gb11643),
		cmocka_unit_test(test_make),
		cmocka_unit_test(test_x_check),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_every_substitution_caught),
		cmocka_unit_test(test_every_adjacent_transposition_caught),
	};
	return cmocka_run_group_tests_name("cardno", tests, NULL, NULL);
}
