/* Unit tests for src/lib/csv.c: encodings, the reader, the writer. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/csv.h"
#include "lib/strbuf.h"

/* "张伟" in GBK, as Chinese Excel saves it. */
#define GBK_ZHANGWEI "\xD5\xC5\xCE\xB0"
/* "联通" in GBK: the classic pair Windows Notepad mistook for UTF-8. */
#define GBK_LIANTONG "\xC1\xAA\xCD\xA8"

/* ---- helpers ---- */

/*
 * Every row of text as "LINE:[f1][f2]...\n", or "ERR code: msg_en\n" after
 * the rows read before an error: one string to compare per case.
 */
static char *dump_len(const char *text, size_t len)
{
	strbuf sb;
	sb_init(&sb);
	struct csv_reader r;
	struct csv_row row;
	sy_err err;
	sy_err_clear(&err);
	csv_reader_init(&r, text, len);
	int rc;
	while ((rc = csv_next_row(&r, &row, &err)) == 1) {
		sb_printf(&sb, "%zu:", row.line);
		for (size_t i = 0; i < row.nfields; i++) {
			assert_int_equal(strlen(row.field[i]), row.len[i]); /* NUL-terminated views */
			sb_putc(&sb, '[');
			sb_append(&sb, row.field[i], row.len[i]);
			sb_putc(&sb, ']');
		}
		sb_putc(&sb, '\n');
	}
	if (rc < 0) {
		sb_printf(&sb, "ERR %s: %s\n", err.code, err.msg_en);
		/* The reader stays failed. */
		assert_int_equal(csv_next_row(&r, &row, NULL), -1);
	}
	csv_reader_free(&r);
	assert_false(sb.oom);
	char *s = sb_steal(&sb);
	return s ? s : strdup("");
}

static char *dump(const char *text)
{
	return dump_len(text, strlen(text));
}

static void expect_rows(const char *text, const char *want)
{
	char *got = dump(text);
	if (strcmp(got, want) != 0)
		fail_msg("input:\n%s\nwant:\n%s\ngot:\n%s", text, want, got);
	free(got);
}

/* The whole of a file under tests/fixtures, found from this source file's path. */
static char *read_fixture(const char *name, size_t *len)
{
	char path[512];
	const char *here = __FILE__; /* "tests/unit/lib/test_csv.c" as the Makefile compiles it */
	const char *cut = strstr(here, "unit/lib/");
	snprintf(path, sizeof path, "%.*sfixtures/%s", cut ? (int)(cut - here) : 0, here, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from the repository root)", path);
	strbuf sb;
	sb_init(&sb);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_append(&sb, chunk, n);
	fclose(f);
	assert_false(sb.oom);
	*len = sb.len;
	return sb_steal(&sb);
}

/* ---- encodings ---- */

static void test_detect(void **state)
{
	(void)state;
	const char *ascii = "name,id\r\nzhang,1\r\n";
	const char *utf8 = "姓名,身份证号\r\n张伟,1\r\n";
	const char *bom = "\xEF\xBB\xBF姓名\r\n";
	const char *gbk = "name\r\n" GBK_ZHANGWEI ",1\r\n";
	assert_int_equal(csv_detect(ascii, strlen(ascii)), CSV_UTF8);
	assert_int_equal(csv_detect("", 0), CSV_UTF8);
	assert_int_equal(csv_detect(utf8, strlen(utf8)), CSV_UTF8);
	assert_int_equal(csv_detect(bom, strlen(bom)), CSV_UTF8_BOM);
	assert_int_equal(csv_detect(gbk, strlen(gbk)), CSV_GB18030);
	assert_int_equal(csv_detect(GBK_LIANTONG, 4), CSV_GB18030);
	/* UTF-8 cut in the middle of a character, and an encoded surrogate, are not UTF-8. */
	assert_int_equal(csv_detect("\xE5\xBC", 2), CSV_GB18030);
	assert_int_equal(csv_detect("\xED\xA0\x80", 3), CSV_GB18030);
	/* A long ASCII run (the eight-byte fast path) then a GBK pair. */
	const char *late = "0123456789abcdef0123456789abcdef" GBK_ZHANGWEI;
	assert_int_equal(csv_detect(late, strlen(late)), CSV_GB18030);
	assert_string_equal(csv_encoding_name(CSV_GB18030), "gb18030");
	assert_string_equal(csv_encoding_name(CSV_UTF8_BOM), "utf-8-bom");
}

static void test_gbk_to_utf8(void **state)
{
	(void)state;
	const char *gbk = "\xD0\xD5\xC3\xFB\r\n" GBK_ZHANGWEI "\r\n" GBK_LIANTONG "\r\n";
	char *out = NULL;
	size_t n = 0;
	sy_err err;
	assert_int_equal(csv_to_utf8(gbk, strlen(gbk), CSV_GB18030, &out, &n, &err), SY_OK);
	assert_string_equal(out, "姓名\r\n张伟\r\n联通\r\n");
	assert_int_equal(n, strlen(out));
	free(out);
}

static void test_utf8_passthrough(void **state)
{
	(void)state;
	char *out = NULL;
	size_t n = 0;
	sy_err err;
	assert_int_equal(csv_to_utf8("\xEF\xBB\xBF张伟,1\r\n", 13, CSV_UTF8_BOM, &out, &n, &err), SY_OK);
	assert_string_equal(out, "张伟,1\r\n"); /* the BOM is dropped */
	assert_int_equal(n, 10);
	free(out);
	assert_int_equal(csv_to_utf8("", 0, CSV_UTF8, &out, &n, &err), SY_OK);
	assert_string_equal(out, "");
	free(out);
}

static void test_invalid_gbk_names_line(void **state)
{
	(void)state;
	/* 0xFF never starts a GB18030 character; it is on line 3, at byte 14. */
	const char *bad = "a,b\r\n" GBK_ZHANGWEI ",1\r\nx\xFF,2\r\n";
	char *out = (char *)"untouched";
	size_t n = 7;
	sy_err err;
	sy_err_clear(&err);
	assert_int_equal(csv_to_utf8(bad, strlen(bad), CSV_GB18030, &out, &n, &err), SY_EINVAL);
	assert_null(out);
	assert_string_equal(err.code, "invalid_encoding");
	assert_non_null(strstr(err.msg_en, "line 3"));
	assert_non_null(strstr(err.msg_en, "byte offset 14"));
	assert_non_null(strstr(err.msg_zh, "第 3 行"));

	/* A lead byte cut off by the end of the file. */
	sy_err_clear(&err);
	assert_int_equal(csv_to_utf8("a\n\xD5", 3, CSV_GB18030, &out, &n, &err), SY_EINVAL);
	assert_string_equal(err.code, "invalid_encoding");
	assert_non_null(strstr(err.msg_en, "line 2 (byte offset 2)"));

	/* Declared UTF-8 that is not: the offset counts the BOM. */
	sy_err_clear(&err);
	assert_int_equal(csv_to_utf8("\xEF\xBB\xBF" "a\n\xFF", 6, CSV_UTF8_BOM, &out, &n, &err), SY_EINVAL);
	assert_non_null(strstr(err.msg_en, "line 2 (byte offset 5)"));
}

static void test_utf8_gb18030_round_trip(void **state)
{
	(void)state;
	const char *text = "姓名,地址,备注\r\n"
			   "张伟,\"沧州市新华区,建设北街\",\"她说\"\"你好\"\"\"\r\n"
			   "王芳,\"任丘市\n会战道\",𠮷㐀䶮 · — “引号” ￥\r\n"
			   "Zoë,,\r\n";
	char *gb = NULL, *back = NULL;
	size_t gblen = 0, backlen = 0;
	sy_err err;
	assert_int_equal(csv_from_utf8(text, strlen(text), CSV_GB18030, &gb, &gblen, &err), SY_OK);
	assert_int_equal(csv_detect(gb, gblen), CSV_GB18030);
	assert_int_equal(csv_to_utf8(gb, gblen, CSV_GB18030, &back, &backlen, &err), SY_OK);
	assert_int_equal(backlen, strlen(text));
	assert_memory_equal(back, text, backlen);
	free(gb);
	free(back);

	/* UTF8_BOM export adds the BOM; UTF8 copies. */
	char *o = NULL;
	size_t ol = 0;
	assert_int_equal(csv_from_utf8("a", 1, CSV_UTF8_BOM, &o, &ol, &err), SY_OK);
	assert_int_equal(ol, 4);
	assert_memory_equal(o, "\xEF\xBB\xBF" "a", 4);
	free(o);
	assert_int_equal(csv_from_utf8("a\n\xC0\x80", 4, CSV_GB18030, &o, &ol, &err), SY_EINVAL);
	assert_null(o);
	assert_string_equal(err.code, "invalid_encoding");
	assert_non_null(strstr(err.msg_en, "line 2"));
}

/*
 * The acceptance case: a GBK file saved by Excel, read and written back field
 * by field in the same encoding, is byte-for-byte the same file.
 */
static void test_gbk_file_round_trips_byte_exact(void **state)
{
	(void)state;
	size_t len = 0;
	char *file = read_fixture("people-gbk.csv", &len);
	assert_int_equal(csv_detect(file, len), CSV_GB18030);
	char *text = NULL;
	size_t tlen = 0;
	sy_err err;
	assert_int_equal(csv_to_utf8(file, len, CSV_GB18030, &text, &tlen, &err), SY_OK);

	struct csv_reader r;
	struct csv_row row;
	strbuf sb;
	sb_init(&sb);
	csv_reader_init(&r, text, tlen);
	int rc, rows = 0;
	while ((rc = csv_next_row(&r, &row, &err)) == 1) {
		assert_int_equal(row.nfields, 5);
		if (rows == 1)
			assert_string_equal(row.field[0], "张伟");
		if (rows == 3) {
			assert_string_equal(row.field[3], "任丘市\n会战道");
			assert_int_equal(row.line, 4);
		}
		if (rows == 4) {
			assert_string_equal(row.field[0], "刘䶮");
			assert_int_equal(row.line, 6); /* the quoted LF above took a line */
		}
		for (size_t i = 0; i < row.nfields; i++) {
			if (i)
				sb_putc(&sb, ',');
			csv_write_field(&sb, row.field[i]);
		}
		csv_write_row_end(&sb);
		rows++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 6);
	assert_false(sb.oom);

	char *again = NULL;
	size_t alen = 0;
	assert_int_equal(csv_from_utf8(sb.buf, sb.len, CSV_GB18030, &again, &alen, &err), SY_OK);
	assert_int_equal(alen, len);
	assert_memory_equal(again, file, len);
	free(again);
	sb_free(&sb);
	csv_reader_free(&r);
	free(text);
	free(file);
}

/* ---- reader ---- */

static void test_reader_basics(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } cases[] = {
		{ "a,b,c\n", "1:[a][b][c]\n" },
		{ "a,b,c", "1:[a][b][c]\n" },                         /* no final newline */
		{ "a,b,c\r\nd,e,f\r\n", "1:[a][b][c]\n2:[d][e][f]\n" }, /* CRLF */
		{ "a,,c\r\n,\r\n", "1:[a][][c]\n2:[][]\n" },           /* empty fields */
		{ "\"\",x\n", "1:[][x]\n" },                            /* quoted empty */
		{ "a,b,\n", "1:[a][b][]\n" },                           /* trailing comma */
		{ "a,\"\"", "1:[a][]\n" },
		{ "\"a,b\",\"c\"\"d\"\n", "1:[a,b][c\"d]\n" },
		{ "\"\"\"\"\n", "1:[\"]\n" },
		{ "\"line1\nline2\",x\ny,z\n", "1:[line1\nline2][x]\n3:[y][z]\n" },
		{ "\"a\r\nb\"\r\nc\r\n", "1:[a\r\nb]\n3:[c]\n" },      /* CRLF inside quotes kept */
		{ "\"a\n\n\nb\",c\nd", "1:[a\n\n\nb][c]\n5:[d]\n" },
		{ "", "" },
		{ "\n", "1:[]\n" },                                     /* a blank line is one empty field */
		{ "a\n\nb\n", "1:[a]\n2:[]\n3:[b]\n" },
		{ "a\rb\r", "1:[a]\n2:[b]\n" },                         /* old Mac line ends */
		{ "\xEF\xBB\xBF" "a,b\n", "1:[a][b]\n" },               /* a BOM is skipped */
		{ "ab\"c,d\"\n", "1:[ab\"c][d\"]\n" },                  /* a quote inside a field is text */
		{ " a , b \t\n", "1:[ a ][ b \t]\n" },                  /* nothing trimmed */
		{ " \"a\"\n", "1:[ \"a\"]\n" },                         /* quoted only when the quote is first */
		{ "张伟,男,\"沧州市,运河区\"\r\n", "1:[张伟][男][沧州市,运河区]\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_rows(cases[i].in, cases[i].want);
}

static void test_reader_errors(void **state)
{
	(void)state;
	expect_rows("a,b\n\"open,c\nd\n",
		    "1:[a][b]\nERR csv_unterminated_quote: the quote opened on line 2 is never closed\n");
	expect_rows("x\ny\nz,\"abc",
		    "1:[x]\n2:[y]\nERR csv_unterminated_quote: the quote opened on line 3 is never closed\n");
	expect_rows("a\n\"ab\"x,c\n",
		    "1:[a]\nERR csv_bad_quote: line 2: text after a closing quote (a quote inside a field is written \"\")\n");

	char *got = dump_len("a,b\nc\0d,e\n", 10);
	assert_string_equal(got, "1:[a][b]\nERR invalid_text: line 2 contains a NUL byte: not a text file\n");
	free(got);
	got = dump_len("\"a\0\"\n", 5);
	assert_non_null(strstr(got, "ERR invalid_text"));
	free(got);
	got = dump_len("\"a\"\0\n", 5);
	assert_non_null(strstr(got, "ERR invalid_text"));
	free(got);

	/* A row of more than CSV_MAX_FIELDS fields is refused, not allocated. */
	size_t n = CSV_MAX_FIELDS + 10;
	char *wide = malloc(n + 1);
	assert_non_null(wide);
	memset(wide, ',', n);
	wide[n] = '\0';
	got = dump(wide);
	assert_non_null(strstr(got, "ERR csv_too_many_fields"));
	free(got);
	/* Exactly the maximum is fine. */
	wide[CSV_MAX_FIELDS - 1] = '\0';
	got = dump(wide);
	assert_int_equal(strncmp(got, "1:[]", 4), 0);
	free(got);
	free(wide);
}

/* Field views point into a buffer that grows: a long row after short ones reads right. */
static void test_reader_buffer_growth(void **state)
{
	(void)state;
	strbuf in, want;
	sb_init(&in);
	sb_init(&want);
	sb_puts(&in, "a,b\n");
	sb_puts(&want, "1:[a][b]\n");
	sb_puts(&want, "2:");
	for (int i = 0; i < 300; i++) {
		char f[64];
		snprintf(f, sizeof f, "\"字段%d,\"\"%d\"\"\"", i, i * 7);
		sb_puts(&in, i ? "," : "");
		sb_puts(&in, f);
		snprintf(f, sizeof f, "[字段%d,\"%d\"]", i, i * 7);
		sb_puts(&want, f);
	}
	sb_puts(&in, "\nz\n");
	sb_puts(&want, "\n3:[z]\n");
	assert_false(in.oom || want.oom);
	expect_rows(in.buf, want.buf);
	sb_free(&in);
	sb_free(&want);
}

static void test_trim_blank_header(void **state)
{
	(void)state;
	const char *s = " \t姓名 \r\n";
	size_t n = strlen(s);
	csv_trim(&s, &n);
	assert_int_equal(n, strlen("姓名"));
	assert_memory_equal(s, "姓名", n);
	s = "   ";
	n = 3;
	csv_trim(&s, &n);
	assert_int_equal(n, 0);

	const char *text = "姓名, 身份证号 ,性别,name,姓名\n , ,\t\n";
	struct csv_reader r;
	struct csv_row row;
	sy_err err;
	csv_reader_init(&r, text, strlen(text));
	assert_int_equal(csv_next_row(&r, &row, &err), 1);
	assert_false(csv_row_is_blank(&row));
	assert_int_equal(csv_header_index(&row, "姓名"), 0); /* the first of two */
	assert_int_equal(csv_header_index(&row, "身份证号"), 1);
	assert_int_equal(csv_header_index(&row, " 性别 "), 2);
	assert_int_equal(csv_header_index(&row, "name"), 3);
	assert_int_equal(csv_header_index(&row, "Name"), -1); /* exact, not case-folded */
	assert_int_equal(csv_header_index(&row, "电话"), -1);
	assert_int_equal(csv_header_index(&row, "姓"), -1);
	assert_int_equal(csv_next_row(&r, &row, &err), 1);
	assert_true(csv_row_is_blank(&row));
	assert_int_equal(csv_next_row(&r, &row, &err), 0);
	assert_int_equal(csv_next_row(&r, &row, &err), 0); /* the end stays the end */
	csv_reader_free(&r);
}

/* ---- writer ---- */

static void test_writer(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } cases[] = {
		{ "abc", "abc" },
		{ "", "" },
		{ "张伟", "张伟" },
		{ "a,b", "\"a,b\"" },
		{ "a\"b", "\"a\"\"b\"" },
		{ "\"\"", "\"\"\"\"\"\"" },
		{ "a\nb", "\"a\nb\"" },
		{ "a\r\nb", "\"a\r\nb\"" },
		{ "a=b", "a=b" },            /* only a leading character is guarded */
		{ "=1+2", "\"'=1+2\"" },      /* formula guard */
		{ "+86 138", "\"'+86 138\"" },
		{ "-5", "\"'-5\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "\tx", "\"'\tx\"" },
		{ "\rx", "\"'\rx\"" },
		{ "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf sb;
		sb_init(&sb);
		csv_write_field(&sb, cases[i].in);
		assert_string_equal(sb_str(&sb), cases[i].want);
		sb_free(&sb);
	}
	strbuf sb;
	sb_init(&sb);
	csv_write_field(&sb, "a");
	sb_putc(&sb, ',');
	csv_write_field(&sb, "b,c");
	csv_write_row_end(&sb);
	assert_string_equal(sb_str(&sb), "a,\"b,c\"\r\n");
	sb_free(&sb);
}

/* What the writer writes, the reader reads back (guarded fields aside). */
static void test_writer_reader_round_trip(void **state)
{
	(void)state;
	static const char *const fields[] = { "", "plain", "a,b", "q\"q", "多\n行", "x\r\ny", "\"", " sp " };
	size_t nf = sizeof fields / sizeof fields[0];
	strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < nf; i++) {
		if (i)
			sb_putc(&sb, ',');
		csv_write_field(&sb, fields[i]);
	}
	csv_write_row_end(&sb);
	struct csv_reader r;
	struct csv_row row;
	sy_err err;
	csv_reader_init(&r, sb.buf, sb.len);
	assert_int_equal(csv_next_row(&r, &row, &err), 1);
	assert_int_equal(row.nfields, nf);
	for (size_t i = 0; i < nf; i++)
		assert_string_equal(row.field[i], fields[i]);
	assert_int_equal(csv_next_row(&r, &row, &err), 0);
	csv_reader_free(&r);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_gbk_to_utf8),
		cmocka_unit_test(test_utf8_passthrough),
		cmocka_unit_test(test_invalid_gbk_names_line),
		cmocka_unit_test(test_utf8_gb18030_round_trip),
		cmocka_unit_test(test_gbk_file_round_trips_byte_exact),
		cmocka_unit_test(test_reader_basics),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_reader_buffer_growth),
		cmocka_unit_test(test_trim_blank_header),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_reader_round_trip),
	};
	return cmocka_run_group_tests_name("lib/csv", tests, NULL, NULL);
}
