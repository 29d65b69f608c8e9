/* Unit tests for src/lib/strbuf.c: JSON strings written as jansson writes them. */
#include "testutil.h"

#include <jansson.h>

#include "lib/strbuf.h"

static void expect_json(const char *in, const char *want)
{
	strbuf sb;
	sb_init(&sb);
	assert_true(sb_json_str(&sb, in));
	if (strcmp(sb_str(&sb), want) != 0)
		fail_msg("\"%s\": want %s, got %s", in, want, sb_str(&sb));
	sb_free(&sb);
}

/* Valid UTF-8 comes out byte for byte as jansson's json_dumps writes it. */
static void test_json_str_as_jansson(void **state)
{
	(void)state;
	const char *cases[] = {
		"", "plain", "张*", "卡号校验位错误，请核对后重新输入", "quote \" and \\ backslash", "a/b",
		"tab\there\nnew\rline\bback\fform", "\x01\x1f\x7f", "emoji 😀 and é", "\xe2\x80\xa8 sep",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *s = json_string(cases[i]);
		assert_non_null(s);
		char *want = json_dumps(s, JSON_ENCODE_ANY | JSON_COMPACT);
		assert_non_null(want);
		expect_json(cases[i], want);
		free(want);
		json_decref(s);
	}
}

/* Bytes that are not UTF-8 become U+FFFD: the output stays valid JSON. */
static void test_json_str_invalid_utf8(void **state)
{
	(void)state;
	expect_json("a\xff" "b", "\"a\\uFFFDb\"");
	expect_json("\xe5\xbc", "\"\\uFFFD\\uFFFD\"");          /* cut short by the end */
	expect_json("\xc0\xaf", "\"\\uFFFD\\uFFFD\"");          /* overlong '/' */
	expect_json("\xed\xa0\x80", "\"\\uFFFD\\uFFFD\\uFFFD\""); /* a surrogate */
	expect_json("\xf4\x90\x80\x80", "\"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\""); /* past U+10FFFF */
	expect_json("\x80z", "\"\\uFFFDz\"");
}

static void test_reserve(void **state)
{
	(void)state;
	strbuf sb;
	sb_init(&sb);
	assert_true(sb_reserve(&sb, 500));
	assert_true(sb.cap >= 501);
	char *before = sb.buf;
	for (int i = 0; i < 50; i++)
		sb_puts(&sb, "0123456789");
	assert_ptr_equal(sb.buf, before);
	assert_int_equal(sb.len, 500);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str_as_jansson),
		cmocka_unit_test(test_json_str_invalid_utf8),
		cmocka_unit_test(test_reserve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
