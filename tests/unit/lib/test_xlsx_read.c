/*
 * Unit tests for src/lib/xlsx_read.c. The workbooks are made at run time in
 * a temporary folder: with libxlsxwriter (what Excel-like writers produce:
 * shared strings, inline strings in constant-memory mode, rich text) and by
 * hand with libzip for the parts a writer would not produce (prefixes,
 * escapes, broken XML, hostile sizes).
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "lib/strbuf.h"
#include "lib/xlsx_read.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/sy-xlsx-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		char path[512];
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(tmpdir);
	return 0;
}

static const char *tmp_path(const char *name)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	strbuf sb;
	sb_init(&sb);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sb_append(&sb, chunk, n);
	fclose(f);
	assert_false(sb.oom);
	*len = sb.len;
	return sb_steal(&sb);
}

/*
 * Every row as "LINE:[f1][f2]...\n", or "ERR code\n" after the rows read
 * before an error; kinds, when not NULL, gets one letter per field
 * (e s n b x d for empty, string, number, bool, error, date) and '/' per row.
 */
static char *dump_reader(struct xlsx_reader *x, strbuf *kinds)
{
	strbuf sb;
	sb_init(&sb);
	struct csv_row row;
	sy_err err;
	sy_err_clear(&err);
	int rc;
	while ((rc = xlsx_next_row(x, &row, &err)) == 1) {
		sb_printf(&sb, "%zu:", row.line);
		for (size_t i = 0; i < row.nfields; i++) {
			assert_int_equal(strlen(row.field[i]), row.len[i]);
			sb_putc(&sb, '[');
			sb_append(&sb, row.field[i], row.len[i]);
			sb_putc(&sb, ']');
			if (kinds)
				sb_putc(kinds, "esnbxd"[xlsx_cell_kind(x, i)]);
		}
		if (kinds)
			sb_putc(kinds, '/');
		sb_putc(&sb, '\n');
	}
	if (rc < 0) {
		sb_printf(&sb, "ERR %s\n", err.code);
		assert_int_equal(xlsx_next_row(x, &row, NULL), -1); /* stays failed */
	}
	assert_false(sb.oom);
	char *s = sb_steal(&sb);
	return s ? s : strdup("");
}

/* Read path both ways, from the file and from memory, and check both give want. */
static void expect_file(const char *path, const struct xlsx_limits *lim, const char *want,
			const char *want_kinds)
{
	for (int mem = 0; mem < 2; mem++) {
		struct xlsx_reader *x = NULL;
		sy_err err;
		sy_err_clear(&err);
		size_t len = 0;
		char *buf = mem ? slurp(path, &len) : NULL;
		sy_status st = mem ? xlsx_open_mem(buf, len, lim, &x, &err) : xlsx_open_file(path, lim, &x, &err);
		if (st != SY_OK)
			fail_msg("%s (%s): open failed: %s %s", path, mem ? "memory" : "file", err.code, err.msg_en);
		strbuf kinds;
		sb_init(&kinds);
		char *got = dump_reader(x, &kinds);
		if (strcmp(got, want) != 0)
			fail_msg("%s (%s)\nwant:\n%s\ngot:\n%s", path, mem ? "memory" : "file", want, got);
		if (want_kinds)
			assert_string_equal(sb_str(&kinds), want_kinds);
		free(got);
		sb_free(&kinds);
		xlsx_close(x);
		free(buf);
	}
}

/* Open (from memory) expecting failure with code and, if in_msg, a message containing it. */
static void expect_open_error(const void *buf, size_t len, const struct xlsx_limits *lim,
			      const char *code, const char *in_msg)
{
	struct xlsx_reader *x = (struct xlsx_reader *)&x; /* not NULL, to see it cleared */
	sy_err err;
	sy_err_clear(&err);
	assert_int_equal(xlsx_open_mem(buf, len, lim, &x, &err), SY_EINVAL);
	assert_null(x);
	assert_string_equal(err.code, code);
	if (in_msg && !strstr(err.msg_en, in_msg) && !strstr(err.msg_zh, in_msg))
		fail_msg("message \"%s\" / \"%s\" lacks \"%s\"", err.msg_en, err.msg_zh, in_msg);
}

/* ---- hand-built workbooks ---- */

struct part {
	const char *name, *xml;
};

static const char CT[] = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
static const char RELS_NS[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/* Write a zip of the given parts (NULL-terminated list) to tmpdir/name. */
static const char *make_zip(const char *name, const struct part *parts)
{
	const char *path = tmp_path(name);
	int code = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	assert_non_null(z);
	for (const struct part *p = parts; p->name; p++) {
		zip_source_t *s = zip_source_buffer(z, p->xml, strlen(p->xml), 0);
		assert_non_null(s);
		assert_true(zip_file_add(z, p->name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	return path;
}

/* A workbook of one sheet (xml) at xl/worksheets/sheet1.xml, with shared strings sst (or none). */
static const char *make_simple(const char *name, const char *sheet, const char *sst)
{
	static char rels[1024];
	snprintf(rels, sizeof rels,
		 "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rId1\" Type=\"%s/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		 "<Relationship Id=\"rId2\" Type=\"%s/sharedStrings\" Target=\"sharedStrings.xml\"/>"
		 "</Relationships>", RELS_NS, RELS_NS);
	const struct part parts[] = {
		{ "[Content_Types].xml", CT },
		{ "xl/_rels/workbook.xml.rels", rels },
		{ "xl/workbook.xml", "<workbook xmlns:r=\"x\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
		{ "xl/worksheets/sheet1.xml", sheet },
		{ sst ? "xl/sharedStrings.xml" : NULL, sst },
		{ NULL, NULL },
	};
	return make_zip(name, parts);
}

/* ---- tests ---- */

static void test_shared_strings_numbers_gaps(void **state)
{
	(void)state;
	const char *path = tmp_path("people.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "人员名单");
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	static const char *const head[] = { "姓名", "身份证号", "年龄", "分数", "备注" };
	for (int c = 0; c < 5; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], bold);
	worksheet_write_string(ws, 1, 0, "张伟", NULL);
	worksheet_write_string(ws, 1, 1, "130902198001011236", NULL); /* typed as text: exact */
	worksheet_write_number(ws, 1, 2, 45, NULL);
	worksheet_write_number(ws, 1, 3, 3.5, NULL);
	worksheet_write_string(ws, 2, 0, "李秀英", NULL);          /* B3 left empty */
	worksheet_write_number(ws, 2, 2, 130902, NULL);
	worksheet_write_string(ws, 2, 4, "多行\r\n文本", NULL);
	/* Row 4 is not written at all. Row 5: */
	lxw_rich_string_tuple r1 = { .format = NULL, .string = "欧阳" };
	lxw_rich_string_tuple r2 = { .format = bold, .string = "娜娜" };
	lxw_rich_string_tuple *rich[] = { &r1, &r2, NULL };
	worksheet_write_rich_string(ws, 4, 0, rich, NULL);
	worksheet_write_number(ws, 4, 1, 130902197705296000.0, NULL); /* an ID typed as a number */
	worksheet_write_boolean(ws, 4, 2, 1, NULL);
	worksheet_write_formula_str(ws, 4, 3, "=\"ab\"&\"c\"", NULL, "abc");
	lxw_datetime day = { 2024, 1, 1, 0, 0, 0 };
	worksheet_write_datetime(ws, 4, 4, &day, NULL);
	worksheet_write_blank(ws, 5, 2, bold);                        /* row 6: formatting only */
	worksheet_write_string(ws, 6, 0, "末行", NULL);
	worksheet_write_blank(ws, 6, 3, bold);                        /* a trailing formatted cell */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	expect_file(path, NULL,
		    "1:[姓名][身份证号][年龄][分数][备注]\n"
		    "2:[张伟][130902198001011236][45][3.5]\n"
		    "3:[李秀英][][130902][][多行\r\n文本]\n"
		    "5:[欧阳娜娜][1.30902197705296E+17][1][abc][45292]\n"
		    "7:[末行]\n",
		    "sssss/ssnn/senes/snbsn/s/");

	struct xlsx_reader *x;
	sy_err err;
	assert_int_equal(xlsx_open_file(path, NULL, &x, &err), SY_OK);
	assert_string_equal(xlsx_sheet_name(x), "人员名单");
	assert_false(xlsx_date1904(x));
	struct csv_row row;
	assert_int_equal(xlsx_next_row(x, &row, &err), 1);
	assert_int_equal(csv_header_index(&row, "身份证号"), 1); /* the CSV helpers work on XLSX rows */
	assert_int_equal(xlsx_cell_kind(x, 99), XLSX_EMPTY);
	xlsx_close(x);
}

static void test_first_visible_worksheet(void **state)
{
	(void)state;
	const char *path = tmp_path("sheets.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *notes = workbook_add_worksheet(wb, "说明");
	lxw_worksheet *data = workbook_add_worksheet(wb, "数据");
	lxw_worksheet *other = workbook_add_worksheet(wb, "其他");
	worksheet_write_string(notes, 0, 0, "隐藏的说明", NULL);
	worksheet_write_string(data, 0, 0, "姓名", NULL);
	worksheet_write_string(data, 1, 0, "王芳", NULL);
	worksheet_write_string(other, 0, 0, "别的", NULL);
	worksheet_activate(data);
	worksheet_hide(notes);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	expect_file(path, NULL, "1:[姓名]\n2:[王芳]\n", NULL);
	struct xlsx_reader *x;
	sy_err err;
	assert_int_equal(xlsx_open_file(path, NULL, &x, &err), SY_OK);
	assert_string_equal(xlsx_sheet_name(x), "数据");
	xlsx_close(x);
}

/* libxlsxwriter's constant-memory mode writes every string inline (<is><t>). */
static void test_inline_strings(void **state)
{
	(void)state;
	const char *path = tmp_path("inline.xlsx");
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = tmpdir };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "张伟", NULL);
	worksheet_write_string(ws, 0, 2, "a\r\nb", NULL); /* CR stored as _x000D_ */
	worksheet_write_number(ws, 0, 3, -7.25, NULL);
	worksheet_write_string(ws, 1, 1, "130982197506150036", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	expect_file(path, NULL, "1:[张伟][][a\r\nb][-7.25]\n2:[][130982197506150036]\n", "sesn/es/");
}

/* What other writers do: prefixes, no r attributes, escapes, phonetics, error and date cells. */
static void test_hand_built_variants(void **state)
{
	(void)state;
	char rels[1024];
	snprintf(rels, sizeof rels,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		 "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rIdC\" Type=\"%s/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		 "<Relationship Id=\"rIdW\" Type=\"%s/worksheet\" Target=\"/xl/worksheets/../data/名单.xml\"/>"
		 "<Relationship Id=\"rIdS\" Type=\"%s/sharedStrings\" Target=\"./strings.xml\"/>"
		 "</Relationships>", RELS_NS, RELS_NS, RELS_NS);
	const struct part parts[] = {
		{ "[Content_Types].xml", CT },
		{ "xl/_rels/workbook.xml.rels", rels },
		{ "xl/workbook.xml",
		  "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		  "xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		  "<x:workbookPr date1904=\"true\"/><x:sheets>"
		  "<x:sheet name=\"图表\" sheetId=\"1\" rel:id=\"rIdC\"/>"
		  "<x:sheet name=\"名单\" sheetId=\"2\" rel:id=\"rIdW\"/>"
		  "</x:sheets></x:workbook>" },
		{ "xl/strings.xml",
		  "<x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		  "<x:si><x:t>東京</x:t><x:rPh sb=\"0\" eb=\"2\"><x:t>トウキョウ</x:t></x:rPh></x:si>"
		  "<x:si><x:t xml:space=\"preserve\"> 两端空格 </x:t></x:si>"
		  "<x:si><x:t>a_x000D__x000A_b _x005F_x0041_ _x0000_ _xD800_ _x41_ &lt;&amp;&gt;</x:t></x:si>"
		  "<x:si/>"
		  "</x:sst>" },
		{ "xl/data/名单.xml",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		  "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		  "<x:sheetData>"
		  "<x:row><x:c t=\"s\"><x:v>0</x:v></x:c><x:c t=\"s\"><x:v>1</x:v></x:c><x:c t=\"s\"><x:v>2</x:v></x:c></x:row>"
		  "<x:row><x:c t=\"e\"><x:v>#N/A</x:v></x:c><x:c t=\"d\"><x:v>2024-01-01T00:00:00</x:v></x:c>"
		  "<x:c t=\"s\"><x:v>3</x:v></x:c><x:c r=\"E2\"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>"
		  "<x:row r=\"10\"><x:c r=\"b10\" t=\"inlineStr\"><x:is><x:r><x:t>张</x:t></x:r><x:r><x:t>三</x:t></x:r></x:is></x:c>"
		  "<x:c t=\"str\"><x:v>x_x000D_y</x:v></x:c><x:c r=\"D10\"/></x:row>"
		  "<x:row><x:c r=\"A11\"><x:v>1.30902197705296E+17</x:v></x:c></x:row>"
		  "</x:sheetData><x:mergeCells count=\"0\"/></x:worksheet>" },
		{ NULL, NULL },
	};
	const char *path = make_zip("variants.xlsx", parts);
	expect_file(path, NULL,
		    "1:[東京][ 两端空格 ][a\r\nb _x0041_ _x0000_ _xD800_ _x41_ <&>]\n"
		    "2:[#N/A][2024-01-01T00:00:00][][][2]\n"
		    "10:[][张三][x\ry]\n"
		    "11:[1.30902197705296E+17]\n",
		    "sss/xdeen/ess/n/");
	struct xlsx_reader *x;
	sy_err err;
	assert_int_equal(xlsx_open_file(path, NULL, &x, &err), SY_OK);
	assert_string_equal(xlsx_sheet_name(x), "名单");
	assert_true(xlsx_date1904(x));
	xlsx_close(x);
}

/* No workbook.xml: the reader falls back to xl/worksheets/sheet1.xml. */
static void test_fallback_sheet1(void **state)
{
	(void)state;
	const struct part parts[] = {
		{ "xl/worksheets/sheet1.xml",
		  "<worksheet><sheetData><row r=\"2\"><c r=\"C2\" t=\"inlineStr\"><is><t>孤</t></is></c></row></sheetData></worksheet>" },
		{ NULL, NULL },
	};
	const char *path = make_zip("fallback.xlsx", parts);
	expect_file(path, NULL, "2:[][][孤]\n", NULL);
	struct xlsx_reader *x;
	sy_err err;
	assert_int_equal(xlsx_open_file(path, NULL, &x, &err), SY_OK);
	assert_string_equal(xlsx_sheet_name(x), "");
	xlsx_close(x);
}

/* An empty sheet has no rows; that is not an error. */
static void test_empty_sheet(void **state)
{
	(void)state;
	expect_file(make_simple("empty.xlsx", "<worksheet><sheetData/></worksheet>", NULL), NULL, "", NULL);
	expect_file(make_simple("blank-rows.xlsx",
				"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" s=\"1\"/></row><row r=\"2\"/></sheetData></worksheet>",
				NULL),
		    NULL, "", NULL);
}

static void expect_file_error(const char *path, const struct xlsx_limits *lim, const char *code,
			      const char *in_msg)
{
	size_t len = 0;
	char *buf = slurp(path, &len);
	expect_open_error(buf, len, lim, code, in_msg);
	free(buf);
}

/* An error while reading rows (after a successful open): the rows before it, then ERR. */
static void expect_rows_then(const char *path, const struct xlsx_limits *lim, const char *want)
{
	struct xlsx_reader *x;
	sy_err err;
	assert_int_equal(xlsx_open_file(path, lim, &x, &err), SY_OK);
	char *got = dump_reader(x, NULL);
	if (strcmp(got, want) != 0)
		fail_msg("%s\nwant:\n%s\ngot:\n%s", path, want, got);
	free(got);
	xlsx_close(x);
}

static void test_malformed_parts(void **state)
{
	(void)state;
	/* Broken XML in the sheet is reported with the part name. */
	expect_rows_then(make_simple("broken.xlsx",
				     "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c></row>",
				     NULL),
			 NULL, "1:[1]\nERR invalid_xlsx\n");
	/* A DTD is refused before any entity can be declared. */
	expect_rows_then(make_simple("dtd.xlsx",
				     "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\">]><worksheet><sheetData>"
				     "<row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row></sheetData></worksheet>",
				     NULL),
			 NULL, "ERR invalid_xlsx\n");
	expect_file_error(make_simple("dtd-sst.xlsx", "<worksheet/>",
				      "<!DOCTYPE sst [<!ENTITY a \"b\">]><sst><si><t>&a;</t></si></sst>"),
			  NULL, "invalid_xlsx", "DTD");
	/* A shared-string index past the table, or not a number. */
	expect_rows_then(make_simple("sst-range.xlsx",
				     "<worksheet><sheetData><row><c t=\"s\"><v>1</v></c></row></sheetData></worksheet>",
				     "<sst><si><t>only</t></si></sst>"),
			 NULL, "ERR invalid_xlsx\n");
	expect_rows_then(make_simple("sst-nan.xlsx",
				     "<worksheet><sheetData><row><c t=\"s\"><v>-1</v></c></row></sheetData></worksheet>",
				     "<sst><si><t>only</t></si></sst>"),
			 NULL, "ERR invalid_xlsx\n");
	/* Cells out of order, a bad reference, a bad row number, a row past Excel's last. */
	expect_rows_then(make_simple("order.xlsx",
				     "<worksheet><sheetData><row><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>",
				     NULL),
			 NULL, "ERR invalid_xlsx\n");
	expect_rows_then(make_simple("ref.xlsx",
				     "<worksheet><sheetData><row><c r=\"1A\"><v>1</v></c></row></sheetData></worksheet>", NULL),
			 NULL, "ERR invalid_xlsx\n");
	expect_rows_then(make_simple("col.xlsx",
				     "<worksheet><sheetData><row><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>", NULL),
			 NULL, "ERR invalid_xlsx\n");
	expect_rows_then(make_simple("rownum.xlsx",
				     "<worksheet><sheetData><row r=\"x\"><c><v>1</v></c></row></sheetData></worksheet>", NULL),
			 NULL, "ERR invalid_xlsx\n");
	expect_rows_then(make_simple("rowmax.xlsx",
				     "<worksheet><sheetData><row r=\"1048577\"><c><v>1</v></c></row></sheetData></worksheet>", NULL),
			 NULL, "ERR invalid_xlsx\n");
	/* The last column and row Excel has are fine. */
	struct xlsx_reader *x;
	struct csv_row row;
	sy_err err;
	assert_int_equal(xlsx_open_file(make_simple("max.xlsx",
						    "<worksheet><sheetData><row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c>"
						    "</row></sheetData></worksheet>", NULL),
					NULL, &x, &err), SY_OK);
	assert_int_equal(xlsx_next_row(x, &row, &err), 1);
	assert_int_equal(row.line, 1048576);
	assert_int_equal(row.nfields, 16384);
	assert_string_equal(row.field[16383], "1");
	assert_string_equal(row.field[16382], "");
	assert_int_equal(xlsx_next_row(x, &row, &err), 0);
	xlsx_close(x);
	/* No worksheet anywhere. */
	const struct part none[] = { { "[Content_Types].xml", CT }, { NULL, NULL } };
	expect_file_error(make_zip("nosheet.xlsx", none), NULL, "invalid_xlsx", "no worksheet");
}

static void test_limits(void **state)
{
	(void)state;
	/* Shared strings past the count limit. */
	const char *path = make_simple("many-strings.xlsx", "<worksheet/>",
				       "<sst><si><t>a</t></si><si><t>b</t></si><si><t>c</t></si></sst>");
	struct xlsx_limits lim = { .max_shared_strings = 2 };
	expect_file_error(path, &lim, "xlsx_too_large", NULL);
	lim.max_shared_strings = 3;
	expect_file(path, &lim, "", NULL);

	/*
	 * A zip bomb in miniature: 4 MB of sheet that deflates to a few KB. With
	 * a 1 MiB limit the reader stops partway, after handing out some rows.
	 */
	strbuf sheet;
	sb_init(&sheet);
	sb_puts(&sheet, "<worksheet><sheetData>");
	for (int i = 1; i <= 50000; i++)
		sb_printf(&sheet, "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c><c r=\"B%d\"><v>1</v></c></row>",
			  i, i, i, i);
	sb_puts(&sheet, "</sheetData></worksheet>");
	assert_false(sheet.oom);
	path = make_simple("bomb.xlsx", sheet.buf, NULL);
	sb_free(&sheet);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < 1024 * 1024); /* small on disk */

	struct xlsx_limits small = { .max_bytes = 1024 * 1024 };
	struct xlsx_reader *x;
	sy_err err;
	assert_int_equal(xlsx_open_file(path, &small, &x, &err), SY_OK);
	struct csv_row row;
	int rc, rows = 0;
	while ((rc = xlsx_next_row(x, &row, &err)) == 1)
		rows++;
	assert_int_equal(rc, -1);
	assert_string_equal(err.code, "xlsx_too_large");
	assert_int_equal(err.status, SY_EINVAL);
	assert_true(rows > 1000 && rows < 50000);
	xlsx_close(x);

	/* With the default limit the whole sheet reads, one row per call. */
	assert_int_equal(xlsx_open_file(path, NULL, &x, &err), SY_OK);
	rows = 0;
	while ((rc = xlsx_next_row(x, &row, &err)) == 1) {
		rows++;
		assert_int_equal(row.line, (size_t)rows);
		assert_int_equal(row.nfields, 2);
		assert_int_equal((size_t)atoi(row.field[0]), row.line);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 50000);
	assert_int_equal(xlsx_next_row(x, &row, &err), 0); /* the end stays the end */
	xlsx_close(x);
}

static void test_not_a_workbook(void **state)
{
	(void)state;
	expect_open_error("hello, world", 12, NULL, "invalid_xlsx", "not a valid .xlsx");
	expect_open_error("", 0, NULL, "invalid_xlsx", NULL);
	expect_open_error(NULL, 0, NULL, "invalid_xlsx", NULL);
	const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and the rest of an old .xls";
	expect_open_error(ole, sizeof ole - 1, NULL, "invalid_xlsx", ".xls");
	/* A CSV renamed to .xlsx. */
	const char *csv = "姓名,身份证号\r\n张伟,130902198001011236\r\n";
	expect_open_error(csv, strlen(csv), NULL, "invalid_xlsx", NULL);

	struct xlsx_reader *x = NULL;
	sy_err err;
	assert_int_equal(xlsx_open_file(tmp_path("does-not-exist.xlsx"), NULL, &x, &err), SY_EINVAL);
	assert_null(x);
	assert_string_equal(err.code, "invalid_xlsx");
	FILE *f = fopen(tmp_path("old.xls"), "wb");
	assert_non_null(f);
	fwrite(ole, 1, sizeof ole - 1, f);
	fclose(f);
	assert_int_equal(xlsx_open_file(tmp_path("old.xls"), NULL, &x, &err), SY_EINVAL);
	assert_non_null(strstr(err.msg_en, ".xls"));
	xlsx_close(NULL); /* harmless */
}

/* Read a damaged buffer to the end: it may fail, it must not crash or leak. */
static int read_damaged(const char *buf, size_t len)
{
	struct xlsx_reader *x;
	sy_err err;
	if (xlsx_open_mem(buf, len, NULL, &x, &err) != SY_OK) {
		assert_true(err.code[0] != '\0');
		return -1;
	}
	struct csv_row row;
	int rc;
	while ((rc = xlsx_next_row(x, &row, &err)) == 1)
		;
	if (rc < 0)
		assert_true(err.code[0] != '\0');
	xlsx_close(x);
	return rc;
}

static void test_truncated_and_corrupt(void **state)
{
	(void)state;
	const char *path = tmp_path("whole.xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	for (int r = 0; r < 200; r++) {
		worksheet_write_string(ws, (lxw_row_t)r, 0, "张伟", NULL);
		worksheet_write_number(ws, (lxw_row_t)r, 1, r, NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	size_t len = 0;
	char *whole = slurp(path, &len);
	assert_int_equal(read_damaged(whole, len), 0);

	/* Cut short anywhere: the central directory is at the end, so none opens. */
	for (size_t cut = 0; cut < len; cut += 97)
		assert_int_equal(read_damaged(whole, cut), -1);
	assert_int_equal(read_damaged(whole, len / 2), -1);
	assert_int_equal(read_damaged(whole, len - 1), -1);

	/* Damage in the middle: some opens fail, some reads fail (CRC, inflate, XML); none crash. */
	char *copy = malloc(len);
	assert_non_null(copy);
	for (size_t at = 0; at < len; at += 53) {
		memcpy(copy, whole, len);
		copy[at] = (char)(copy[at] ^ 0x5A);
		read_damaged(copy, len);
	}
	free(copy);
	free(whole);
}

static void test_number_is_lossy(void **state)
{
	(void)state;
	static const struct { const char *s; bool lossy; } cases[] = {
		{ "1.30902197705296E+17", true },
		{ "1.30902197705296e+17", true },
		{ "130902197705296000", true },   /* 18 digits: more than a double keeps */
		{ "1234567890123456", true },
		{ "123456789012345", false },     /* an old 15-digit ID number is exact */
		{ "130902", false },
		{ "3.5", false },
		{ "-7.25", false },
		{ "0.000000000000000012345", false }, /* leading zeros are not significant */
		{ "", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (xlsx_number_is_lossy(cases[i].s, strlen(cases[i].s)) != cases[i].lossy)
			fail_msg("%s: expected %s", cases[i].s, cases[i].lossy ? "lossy" : "exact");
}

static void test_serial_date(void **state)
{
	(void)state;
	static const struct { long serial; bool d1904; bool ok; int y, m, d; } cases[] = {
		{ 45292, false, true, 2024, 1, 1 },
		{ 1, false, true, 1900, 1, 1 },
		{ 59, false, true, 1900, 2, 28 },
		{ 60, false, false, 0, 0, 0 },      /* Excel's 1900-02-29 */
		{ 61, false, true, 1900, 3, 1 },
		{ 25569, false, true, 1970, 1, 1 },
		{ 29129, false, true, 1979, 10, 1 },
		{ 2958465, false, true, 9999, 12, 31 },
		{ 2958466, false, false, 0, 0, 0 },
		{ 0, false, false, 0, 0, 0 },
		{ 0, true, true, 1904, 1, 1 },
		{ 43830, true, true, 2024, 1, 1 },
		{ -1, true, false, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int y = 0, m = 0, d = 0;
		bool ok = xlsx_serial_date(cases[i].serial, cases[i].d1904, &y, &m, &d);
		if (ok != cases[i].ok || (ok && (y != cases[i].y || m != cases[i].m || d != cases[i].d)))
			fail_msg("serial %ld (%s): got %d %04d-%02d-%02d", cases[i].serial,
				 cases[i].d1904 ? "1904" : "1900", ok, y, m, d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_strings_numbers_gaps),
		cmocka_unit_test(test_first_visible_worksheet),
		cmocka_unit_test(test_inline_strings),
		cmocka_unit_test(test_hand_built_variants),
		cmocka_unit_test(test_fallback_sheet1),
		cmocka_unit_test(test_empty_sheet),
		cmocka_unit_test(test_malformed_parts),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_not_a_workbook),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_number_is_lossy),
		cmocka_unit_test(test_serial_date),
	};
	return cmocka_run_group_tests_name("lib/xlsx_read", tests, setup, teardown);
}
