/* Unit tests for src/lib/text.c: text_copy. */
#include "testutil.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
