/*
 * xlsx_read.c - the first worksheet of an .xlsx, row by row. See xlsx_read.h.
 *
 * Opening reads three small parts whole (the workbook's relationships, the
 * workbook, the shared strings) with expat, then keeps an expat parser on
 * the worksheet that is fed 64 KiB at a time and suspended (XML_StopParser
 * with resumable set) at the end of each <row>, so xlsx_next_row hands out
 * one row per call without the sheet ever being in memory.
 *
 * Every part is matched by local name (the text after any "x:" prefix):
 * Excel writes the default namespace, some generators a prefix, and strict
 * OOXML other namespace URIs; the element names are the same in all.
 */
#include "xlsx_read.h"

#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "strbuf.h"

#define CHUNK (64 * 1024)   /* decompressed bytes handed to expat at a time */
#define MAX_COLS 16384      /* XFD, Excel's last column */
#define MAX_ROWS 1048576    /* Excel's last row */
#define MAX_RELS 4096       /* worksheet and shared-string relationships kept */
#define PART_MAX 256        /* a part name or relationship target */
#define RID_MAX 64

enum rel_type { REL_SHEET, REL_SST };

struct rel {
	char id[RID_MAX];
	char target[PART_MAX];
	enum rel_type type;
};

/* A cell's t attribute. */
enum cell_type { T_NUMBER, T_SHARED, T_INLINE, T_STR, T_BOOL, T_ERROR, T_DATE };

struct xlsx_reader {
	zip_t *zip;
	struct xlsx_limits lim;
	size_t bytes;             /* decompressed bytes read so far, against lim.max_bytes */
	bool date1904;
	char sheet_name[128];
	char sheet_part[PART_MAX];
	char sst_part[PART_MAX];

	/* Open-time only: what workbook.xml.rels and workbook.xml say. */
	struct rel *rels;
	size_t nrels, rels_cap;
	bool sheet_chosen;

	/* The shared strings: NUL-terminated texts end to end, and where each starts. */
	strbuf sst;
	size_t *sst_off;
	size_t sst_n, sst_cap;

	/* The parser running now, for its handlers; an error one of them raised. */
	XML_Parser cur;
	bool hfailed;
	sy_err herr;

	/* The worksheet being streamed. */
	zip_file_t *sheet;
	XML_Parser parser;
	bool suspended; /* stopped at a row's end: resume before feeding more */
	bool fed_final; /* the end of the part has gone to the parser */
	bool row_ready;
	bool failed;    /* sticky */

	/* Where in the XML the handlers are. */
	bool in_data, in_row, in_cell, in_si, in_is, in_t, in_v, in_rph;
	size_t row_num;           /* the current row's 1-based number */
	size_t col;               /* the current cell's 0-based column */
	enum cell_type cell_t;
	strbuf text;              /* the current cell's (or shared string's) text */

	/* The current row: NUL-terminated fields end to end in rowbuf. */
	strbuf rowbuf;
	size_t *off, *len;
	const char **field;
	unsigned char *kind;
	size_t nfields, fcap;
	size_t filled;            /* fields up to the last non-empty one */
};

/* ---- errors ---- */

static sy_status invalid(sy_err *err, const char *zh, const char *en)
{
	return sy_failf(err, SY_EINVAL, "invalid_xlsx", NULL, zh, en);
}

static sy_status out_of_memory(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static sy_status too_large(struct xlsx_reader *x, sy_err *err)
{
	return sy_fail(err, SY_EINVAL, "xlsx_too_large", NULL,
		       "工作簿解压后超过 %zu MB，请分成几个文件导入",
		       "the workbook is larger than %zu MB uncompressed: split it into several files",
		       x->lim.max_bytes >> 20);
}

/*
 * Fail from inside an expat handler: keep the first error and abort the
 * parse (not resumable), so XML_ParseBuffer returns and the caller reports it.
 */
static void hfail(struct xlsx_reader *x, sy_status st, const char *code,
		  const char *zh, const char *en)
{
	if (!x->hfailed) {
		sy_failf(&x->herr, st, code, NULL, zh, en);
		x->hfailed = true;
	}
	XML_StopParser(x->cur, XML_FALSE);
}

static void hfail_nomem(struct xlsx_reader *x)
{
	hfail(x, SY_ENOMEM, "out_of_memory", "内存不足", "out of memory");
}

static void hfail_invalid(struct xlsx_reader *x, const char *zh, const char *en)
{
	hfail(x, SY_EINVAL, "invalid_xlsx", zh, en);
}

/* ---- small parsers ---- */

/* The name after any namespace prefix ("x:row" is "row"). */
static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

/* The value of the attribute named exactly name, or NULL. */
static const char *attr(const XML_Char **atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* The value of a prefixed attribute by local name ("r:id"), never an xmlns declaration. */
static const char *attr_local(const XML_Char **atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (strncmp(atts[0], "xmlns", 5) != 0 && strcmp(local(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

/* A decimal number of digits only, at most max; false otherwise. */
static bool parse_index(const char *s, size_t max, size_t *out)
{
	size_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (size_t)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* The 0-based column of a cell reference like "B3" or "XFD1048576". */
static bool parse_ref_col(const char *s, size_t *col)
{
	size_t c = 0;
	int letters = 0;
	for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++) {
		if (++letters > 3)
			return false;
		c = c * 26 + (size_t)((*s | 0x20) - 'a' + 1);
	}
	if (letters == 0 || c > MAX_COLS)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	*col = c - 1;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Decode Excel's _xHHHH_ escapes (ST_Xstring: how it stores characters XML
 * cannot hold, such as the CR of a line break, "_x000D_") in place; returns
 * the new length. A literal "_x" is written "_x005F_x", which decodes right
 * because decoding moves past what it produced. NUL and surrogates stay as
 * written. The output is never longer: at most 3 UTF-8 bytes for 7 read.
 */
static size_t decode_escapes(char *s, size_t n)
{
	if (!memchr(s, '_', n))
		return n;
	size_t r = 0, w = 0;
	while (r < n) {
		if (s[r] == '_' && n - r >= 7 && s[r + 1] == 'x' && s[r + 6] == '_') {
			int h0 = hexval(s[r + 2]), h1 = hexval(s[r + 3]), h2 = hexval(s[r + 4]), h3 = hexval(s[r + 5]);
			unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
			if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0 && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
				if (cp < 0x80) {
					s[w++] = (char)cp;
				} else if (cp < 0x800) {
					s[w++] = (char)(0xC0 | cp >> 6);
					s[w++] = (char)(0x80 | (cp & 0x3F));
				} else {
					s[w++] = (char)(0xE0 | cp >> 12);
					s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					s[w++] = (char)(0x80 | (cp & 0x3F));
				}
				r += 7;
				continue;
			}
		}
		s[w++] = s[r++];
	}
	s[w] = '\0';
	return w;
}

/* Decode escapes in the text buffer, keeping its length right. */
static void text_decode(struct xlsx_reader *x)
{
	if (x->text.len)
		x->text.len = decode_escapes(x->text.buf, x->text.len);
}

/*
 * A relationship target as a part name: relative to the workbook's folder
 * (xl/) unless it starts with '/', with "." and ".." resolved.
 */
static bool resolve_part(const char *target, char *out, size_t cap)
{
	char joined[2 * PART_MAX];
	int n = target[0] == '/' ? snprintf(joined, sizeof joined, "%s", target + 1)
				 : snprintf(joined, sizeof joined, "xl/%s", target);
	if (n < 0 || (size_t)n >= sizeof joined)
		return false;
	size_t len = 0;
	out[0] = '\0';
	for (char *seg = joined, *next; seg; seg = next) {
		next = strchr(seg, '/');
		if (next)
			*next++ = '\0';
		if (!*seg || strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *slash = strrchr(out, '/');
			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		size_t sl = strlen(seg);
		if (len + (len ? 1 : 0) + sl + 1 > cap)
			return false;
		if (len)
			out[len++] = '/';
		memcpy(out + len, seg, sl + 1);
		len += sl;
	}
	return len > 0;
}

/* ---- reading parts ---- */

/* An XML DTD has no place in an .xlsx; refusing it rules out entity tricks. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	hfail_invalid(ud, "工作簿含有 DTD，不是 Excel 生成的文件", "the workbook contains a DTD: not written by Excel");
}

static XML_Parser new_parser(struct xlsx_reader *x, XML_StartElementHandler start,
			     XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p)
		return NULL;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, start, end);
	if (chars)
		XML_SetCharacterDataHandler(p, chars);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	return p;
}

/* The zip entry for a part name (case-insensitive, as OPC says), or -1. */
static zip_int64_t part_index(struct xlsx_reader *x, const char *part)
{
	return zip_name_locate(x->zip, part, ZIP_FL_NOCASE);
}

/*
 * Read the next chunk of zf into p and parse it: *st is expat's answer,
 * *final whether that was the end of the part. Counts the bytes against the
 * limit before expat sees them.
 */
static sy_status feed(struct xlsx_reader *x, zip_file_t *zf, XML_Parser p, const char *part,
		      bool *final, enum XML_Status *st, sy_err *err)
{
	void *b = XML_GetBuffer(p, CHUNK);
	if (!b)
		return out_of_memory(err);
	zip_int64_t n = zip_fread(zf, b, CHUNK);
	if (n < 0)
		return sy_fail(err, SY_EINVAL, "invalid_xlsx", NULL,
			       "工作簿已损坏（%s：%s）", "the workbook is corrupt (%s: %s)",
			       part, zip_file_strerror(zf));
	if ((size_t)n > x->lim.max_bytes - x->bytes)
		return too_large(x, err);
	x->bytes += (size_t)n;
	*final = n == 0;
	x->cur = p;
	*st = XML_ParseBuffer(p, (int)n, *final);
	return SY_OK;
}

/* Turn what the parse said into a status: a handler's error first, then expat's. */
static sy_status parse_status(struct xlsx_reader *x, XML_Parser p, enum XML_Status st,
			      const char *part, sy_err *err)
{
	if (x->hfailed) {
		if (err)
			*err = x->herr;
		return x->herr.status;
	}
	if (st == XML_STATUS_ERROR)
		return sy_fail(err, SY_EINVAL, "invalid_xlsx", NULL,
			       "工作簿的 %s 第 %lu 行 XML 有误：%s", "%s, line %lu: bad XML: %s", part,
			       (unsigned long)XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
	return SY_OK;
}

/* Parse a whole part with p; a missing part is not an error (*found says). */
static sy_status parse_part(struct xlsx_reader *x, const char *part, XML_Parser p,
			    bool *found, sy_err *err)
{
	zip_int64_t idx = part_index(x, part);
	*found = idx >= 0;
	if (idx < 0)
		return SY_OK;
	zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!zf)
		return sy_fail(err, SY_EINVAL, "invalid_xlsx", NULL,
			       "无法读取工作簿的 %s：%s", "cannot read %s: %s", part, zip_strerror(x->zip));
	sy_status st = SY_OK;
	bool final = false;
	while (!final) {
		enum XML_Status xs;
		if ((st = feed(x, zf, p, part, &final, &xs, err)) ||
		    (st = parse_status(x, p, xs, part, err)))
			break;
	}
	zip_fclose(zf);
	return st;
}

/* ---- xl/_rels/workbook.xml.rels ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx_reader *x = ud;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *mode = attr(atts, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	/* Only the two kinds this reader follows are kept. */
	enum rel_type t;
	if (ends_with(type, "/worksheet"))
		t = REL_SHEET;
	else if (ends_with(type, "/sharedStrings"))
		t = REL_SST;
	else
		return;
	if (x->nrels == x->rels_cap) {
		if (x->rels_cap == MAX_RELS) {
			hfail_invalid(x, "工作簿的工作表太多", "the workbook has too many sheets");
			return;
		}
		size_t cap = x->rels_cap ? x->rels_cap * 2 : 16;
		struct rel *nr = realloc(x->rels, cap * sizeof *nr);
		if (!nr) {
			hfail_nomem(x);
			return;
		}
		x->rels = nr;
		x->rels_cap = cap;
	}
	struct rel *r = &x->rels[x->nrels];
	if (strlen(id) >= sizeof r->id || !resolve_part(target, r->target, sizeof r->target))
		return; /* no Excel name is that long: such a sheet just cannot be chosen */
	snprintf(r->id, sizeof r->id, "%s", id);
	r->type = t;
	x->nrels++;
}

static const struct rel *rel_find(const struct xlsx_reader *x, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, id) == 0)
			return &x->rels[i];
	return NULL;
}

/* ---- xl/workbook.xml ---- */

/*
 * The first <sheet> that is visible and is a worksheet (not a chart) is the
 * one read: the first tab a person sees.
 */
static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx_reader *x = ud;
	const char *ln = local(name);
	if (strcmp(ln, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
		return;
	}
	if (strcmp(ln, "sheet") != 0 || x->sheet_chosen)
		return;
	const char *state = attr(atts, "state"), *id = attr_local(atts, "id");
	if ((state && strcmp(state, "visible") != 0) || !id)
		return;
	const struct rel *r = rel_find(x, id);
	if (!r || r->type != REL_SHEET)
		return;
	const char *sheet_name = attr(atts, "name");
	snprintf(x->sheet_name, sizeof x->sheet_name, "%s", sheet_name ? sheet_name : "");
	snprintf(x->sheet_part, sizeof x->sheet_part, "%s", r->target);
	x->sheet_chosen = true;
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

/* ---- xl/sharedStrings.xml ---- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx_reader *x = ud;
	const char *ln = local(name);
	(void)atts;
	if (strcmp(ln, "si") == 0) {
		if (x->sst_n == x->lim.max_shared_strings) {
			hfail(x, SY_EINVAL, "xlsx_too_large", "工作簿的文字条目太多，请分成几个文件导入",
			      "the workbook has too many distinct texts: split it into several files");
			return;
		}
		x->in_si = true;
		sb_reset(&x->text);
	} else if (x->in_si && strcmp(ln, "t") == 0) {
		x->in_t = !x->in_rph;
	} else if (x->in_si && strcmp(ln, "rPh") == 0) {
		x->in_rph = true; /* a phonetic guide (furigana) is not part of the text */
	}
}

/* Append the finished string to the table. */
static void sst_push(struct xlsx_reader *x)
{
	if (x->sst_n == x->sst_cap) {
		size_t cap = x->sst_cap ? x->sst_cap * 2 : 256;
		size_t *o = cap < SIZE_MAX / sizeof *o ? realloc(x->sst_off, cap * sizeof *o) : NULL;
		if (!o) {
			hfail_nomem(x);
			return;
		}
		x->sst_off = o;
		x->sst_cap = cap;
	}
	text_decode(x);
	x->sst_off[x->sst_n] = x->sst.len;
	sb_append(&x->sst, x->text.buf ? x->text.buf : "", x->text.len);
	sb_append(&x->sst, "", 1); /* the NUL that ends it */
	if (x->sst.oom) {
		hfail_nomem(x);
		return;
	}
	x->sst_n++;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *x = ud;
	const char *ln = local(name);
	if (strcmp(ln, "t") == 0) {
		x->in_t = false;
	} else if (strcmp(ln, "rPh") == 0) {
		x->in_rph = false;
	} else if (strcmp(ln, "si") == 0 && x->in_si) {
		x->in_si = false;
		sst_push(x);
	}
}

/* Text inside <t> (strings) or <v> (cell values) goes to the text buffer. */
static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
	struct xlsx_reader *x = ud;
	if (!(x->in_t || x->in_v) || len <= 0)
		return;
	if (!sb_append(&x->text, s, (size_t)len))
		hfail_nomem(x);
}

/* ---- the worksheet ---- */

/* Room for field index i in the row arrays. */
static bool row_reserve(struct xlsx_reader *x, size_t i)
{
	if (i < x->fcap)
		return true;
	size_t cap = x->fcap ? x->fcap : 32;
	while (cap <= i)
		cap *= 2;
	if (cap > MAX_COLS)
		cap = MAX_COLS;
	/* Each realloc keeps the old block on failure; xlsx_close frees whichever is current. */
	size_t *o = realloc(x->off, cap * sizeof *o);
	if (o)
		x->off = o;
	size_t *l = o ? realloc(x->len, cap * sizeof *l) : NULL;
	if (l)
		x->len = l;
	const char **f = l ? realloc(x->field, cap * sizeof *f) : NULL;
	if (f)
		x->field = f;
	unsigned char *k = f ? realloc(x->kind, cap * sizeof *k) : NULL;
	if (!k)
		return false;
	x->kind = k;
	x->fcap = cap;
	return true;
}

/* Add one field (s, n) of kind k at the end of the current row. */
static bool row_push(struct xlsx_reader *x, const char *s, size_t n, enum xlsx_cell_kind k)
{
	if (!row_reserve(x, x->nfields))
		return false;
	x->off[x->nfields] = x->rowbuf.len;
	x->len[x->nfields] = n;
	x->kind[x->nfields] = (unsigned char)k;
	sb_append(&x->rowbuf, s, n);
	sb_append(&x->rowbuf, "", 1);
	if (x->rowbuf.oom)
		return false;
	x->nfields++;
	if (n)
		x->filled = x->nfields;
	return true;
}

static void sheet_row_start(struct xlsx_reader *x, const XML_Char **atts)
{
	const char *r = attr(atts, "r");
	size_t num = x->row_num + 1;
	if (r && !parse_index(r, MAX_ROWS, &num)) {
		hfail_invalid(x, "工作表的行号有误", "a row number in the sheet is malformed");
		return;
	}
	if (num == 0 || num > MAX_ROWS) {
		hfail_invalid(x, "工作表的行数超过 Excel 的上限", "the sheet has more rows than Excel allows");
		return;
	}
	x->in_row = true;
	x->row_num = num;
	x->nfields = 0;
	x->filled = 0;
	sb_reset(&x->rowbuf);
}

static enum cell_type cell_type_of(const char *t)
{
	if (!t)
		return T_NUMBER;
	if (strcmp(t, "s") == 0)
		return T_SHARED;
	if (strcmp(t, "inlineStr") == 0)
		return T_INLINE;
	if (strcmp(t, "str") == 0)
		return T_STR;
	if (strcmp(t, "b") == 0)
		return T_BOOL;
	if (strcmp(t, "e") == 0)
		return T_ERROR;
	if (strcmp(t, "d") == 0)
		return T_DATE;
	return T_NUMBER;
}

static void sheet_cell_start(struct xlsx_reader *x, const XML_Char **atts)
{
	const char *r = attr(atts, "r");
	size_t col = x->nfields; /* without a reference: the column after the last */
	if (r && !parse_ref_col(r, &col)) {
		hfail_invalid(x, "工作表的单元格位置有误", "a cell reference in the sheet is malformed");
		return;
	}
	if (col < x->nfields) {
		hfail_invalid(x, "工作表的单元格顺序有误", "the cells of a row are out of order");
		return;
	}
	x->in_cell = true;
	x->col = col;
	x->cell_t = cell_type_of(attr(atts, "t"));
	sb_reset(&x->text);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx_reader *x = ud;
	const char *ln = local(name);
	if (!x->in_data) {
		x->in_data = strcmp(ln, "sheetData") == 0;
	} else if (!x->in_row) {
		if (strcmp(ln, "row") == 0)
			sheet_row_start(x, atts);
	} else if (!x->in_cell) {
		if (strcmp(ln, "c") == 0)
			sheet_cell_start(x, atts);
	} else if (strcmp(ln, "v") == 0) {
		x->in_v = true;
	} else if (strcmp(ln, "is") == 0) {
		x->in_is = true;
	} else if (x->in_is && strcmp(ln, "rPh") == 0) {
		x->in_rph = true;
	} else if (x->in_is && strcmp(ln, "t") == 0) {
		x->in_t = !x->in_rph;
	}
}

/* The finished cell: its text by type, placed at its column. */
static void sheet_cell_end(struct xlsx_reader *x)
{
	const char *s = x->text.buf ? x->text.buf : "";
	size_t n = x->text.len;
	enum xlsx_cell_kind k = XLSX_NUMBER;
	switch (x->cell_t) {
	case T_SHARED: {
		size_t i;
		if (n == 0)
			break;
		if (!parse_index(s, SIZE_MAX / 10 - 10, &i) || i >= x->sst_n) {
			hfail_invalid(x, "工作表引用了不存在的文字条目", "a cell refers to a shared string that does not exist");
			return;
		}
		s = x->sst.buf + x->sst_off[i];
		n = (i + 1 < x->sst_n ? x->sst_off[i + 1] : x->sst.len) - x->sst_off[i] - 1;
		k = XLSX_STRING;
		break;
	}
	case T_INLINE:
	case T_STR:
		text_decode(x);
		n = x->text.len;
		k = XLSX_STRING;
		break;
	case T_BOOL: k = XLSX_BOOL; break;
	case T_ERROR: k = XLSX_ERROR; break;
	case T_DATE: k = XLSX_DATE; break;
	case T_NUMBER: break;
	}
	if (n == 0)
		k = XLSX_EMPTY;
	/* Columns skipped between cells are empty fields. */
	while (x->nfields < x->col)
		if (!row_push(x, "", 0, XLSX_EMPTY))
			goto nomem;
	if (!row_push(x, s, n, k))
		goto nomem;
	return;
nomem:
	hfail_nomem(x);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx_reader *x = ud;
	const char *ln = local(name);
	if (x->in_cell) {
		if (strcmp(ln, "v") == 0) {
			x->in_v = false;
		} else if (strcmp(ln, "t") == 0) {
			x->in_t = false;
		} else if (strcmp(ln, "rPh") == 0) {
			x->in_rph = false;
		} else if (strcmp(ln, "is") == 0) {
			x->in_is = false;
		} else if (strcmp(ln, "c") == 0) {
			x->in_cell = x->in_v = x->in_t = x->in_is = x->in_rph = false;
			sheet_cell_end(x);
		}
	} else if (x->in_row && strcmp(ln, "row") == 0) {
		x->in_row = false;
		x->nfields = x->filled; /* trailing empty cells are formatting, not data */
		if (x->nfields == 0)
			return;
		/* Hand the row out: stop here, and pick up after it on the next call. */
		x->row_ready = true;
		XML_StopParser(x->cur, XML_TRUE);
	} else if (x->in_data && !x->in_row && strcmp(ln, "sheetData") == 0) {
		x->in_data = false;
	}
}

/* ---- opening ---- */

/* An OLE2 compound file: an old .xls, or any workbook saved with a password. */
static bool is_ole2(const unsigned char *b, size_t n)
{
	static const unsigned char magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	return n >= 8 && memcmp(b, magic, 8) == 0;
}

static sy_status not_a_zip(bool ole2, sy_err *err)
{
	if (ole2)
		return invalid(err, "这是旧版 .xls 或设置了密码的工作簿，请在 Excel 或 WPS 中另存为不加密码的 .xlsx",
			       "this is an old .xls or a password-protected workbook: save it as .xlsx without a password");
	return invalid(err, "文件不是有效的 .xlsx 工作簿", "the file is not a valid .xlsx workbook");
}

static struct xlsx_reader *reader_new(const struct xlsx_limits *lim)
{
	struct xlsx_reader *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->lim.max_bytes = lim && lim->max_bytes ? lim->max_bytes : XLSX_DEFAULT_MAX_BYTES;
	x->lim.max_shared_strings = lim && lim->max_shared_strings ? lim->max_shared_strings
								  : XLSX_DEFAULT_MAX_SHARED_STRINGS;
	sb_init(&x->sst);
	sb_init(&x->text);
	sb_init(&x->rowbuf);
	return x;
}

/* Read one of the small parts whole with a fresh parser. */
static sy_status read_small_part(struct xlsx_reader *x, const char *part,
				 XML_StartElementHandler start, XML_EndElementHandler end,
				 XML_CharacterDataHandler chars, bool *found, sy_err *err)
{
	XML_Parser p = new_parser(x, start, end, chars);
	if (!p)
		return out_of_memory(err);
	sy_status st = parse_part(x, part, p, found, err);
	XML_ParserFree(p);
	x->cur = NULL;
	return st;
}

/*
 * Which parts hold the sheet and the shared strings. The relationships go
 * first: the workbook names its sheets by them.
 */
static sy_status find_parts(struct xlsx_reader *x, sy_err *err)
{
	sy_status st;
	bool found;
	if ((st = read_small_part(x, "xl/_rels/workbook.xml.rels", rels_start, no_end, NULL, &found, err)) ||
	    (st = read_small_part(x, "xl/workbook.xml", wb_start, no_end, NULL, &found, err)))
		return st;
	snprintf(x->sst_part, sizeof x->sst_part, "xl/sharedStrings.xml");
	for (size_t i = 0; i < x->nrels; i++)
		if (x->rels[i].type == REL_SST)
			snprintf(x->sst_part, sizeof x->sst_part, "%s", x->rels[i].target);
	if (!x->sheet_chosen)
		snprintf(x->sheet_part, sizeof x->sheet_part, "xl/worksheets/sheet1.xml");
	free(x->rels);
	x->rels = NULL;
	x->nrels = x->rels_cap = 0;
	return SY_OK;
}

/* Load the shared strings, then leave a parser ready at the sheet's start. */
static sy_status reader_prepare(struct xlsx_reader *x, sy_err *err)
{
	sy_status st;
	bool found;
	if ((st = find_parts(x, err)) ||
	    (st = read_small_part(x, x->sst_part, sst_start, sst_end, on_chars, &found, err)))
		return st;
	x->in_si = x->in_t = x->in_rph = false;

	zip_int64_t idx = part_index(x, x->sheet_part);
	if (idx < 0)
		return invalid(err, "工作簿里没有工作表", "the workbook has no worksheet");
	x->sheet = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!x->sheet)
		return sy_fail(err, SY_EINVAL, "invalid_xlsx", NULL, "无法读取工作表：%s",
			       "cannot read the worksheet: %s", zip_strerror(x->zip));
	x->parser = new_parser(x, sheet_start, sheet_end, on_chars);
	if (!x->parser)
		return out_of_memory(err);
	x->cur = x->parser;
	return SY_OK;
}

/* Finish opening around an open zip (which x now owns). */
static sy_status reader_open(struct xlsx_reader *x, struct xlsx_reader **out, sy_err *err)
{
	sy_status st = reader_prepare(x, err);
	if (st) {
		xlsx_close(x);
		return st;
	}
	*out = x;
	return SY_OK;
}

sy_status xlsx_open_mem(const void *buf, size_t len, const struct xlsx_limits *lim,
			struct xlsx_reader **out, sy_err *err)
{
	*out = NULL;
	struct xlsx_reader *x = reader_new(lim);
	if (!x)
		return out_of_memory(err);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(len ? buf : "", len, 0, &ze);
	if (src) {
		x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
		if (!x->zip)
			zip_source_free(src); /* on success the archive owns it */
	}
	int code = zip_error_code_zip(&ze);
	zip_error_fini(&ze);
	if (!x->zip) {
		xlsx_close(x);
		if (code == ZIP_ER_MEMORY)
			return out_of_memory(err);
		return not_a_zip(is_ole2(buf, len), err);
	}
	return reader_open(x, out, err);
}

/* Whether the file at path starts like an OLE2 compound file. */
static bool file_is_ole2(const char *path)
{
	unsigned char head[8];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t n = fread(head, 1, sizeof head, f);
	fclose(f);
	return is_ole2(head, n);
}

sy_status xlsx_open_file(const char *path, const struct xlsx_limits *lim,
			 struct xlsx_reader **out, sy_err *err)
{
	*out = NULL;
	struct xlsx_reader *x = reader_new(lim);
	if (!x)
		return out_of_memory(err);
	int code = 0;
	x->zip = zip_open(path, ZIP_RDONLY, &code);
	if (!x->zip) {
		xlsx_close(x);
		if (code == ZIP_ER_OPEN || code == ZIP_ER_READ || code == ZIP_ER_NOENT)
			return sy_fail(err, SY_EINVAL, "invalid_xlsx", NULL, "无法打开文件 %s",
				       "cannot open %s", path);
		if (code == ZIP_ER_MEMORY)
			return out_of_memory(err);
		return not_a_zip(file_is_ole2(path), err);
	}
	return reader_open(x, out, err);
}

void xlsx_close(struct xlsx_reader *x)
{
	if (!x)
		return;
	if (x->parser)
		XML_ParserFree(x->parser);
	if (x->sheet)
		zip_fclose(x->sheet);
	if (x->zip)
		zip_discard(x->zip); /* read-only: nothing to write back */
	free(x->rels);
	sb_free(&x->sst);
	free(x->sst_off);
	sb_free(&x->text);
	sb_free(&x->rowbuf);
	free(x->off);
	free(x->len);
	free(x->field);
	free(x->kind);
	free(x);
}

/* ---- rows ---- */

static void row_publish(struct xlsx_reader *x, struct csv_row *row)
{
	for (size_t i = 0; i < x->nfields; i++)
		x->field[i] = x->rowbuf.buf + x->off[i];
	row->nfields = x->nfields;
	row->field = x->field;
	row->len = x->len;
	row->line = x->row_num;
}

int xlsx_next_row(struct xlsx_reader *x, struct csv_row *row, sy_err *err)
{
	if (x->failed) {
		sy_failf(err, SY_EINVAL, "xlsx_failed", NULL, "工作表读取已出错", "the worksheet reader already failed");
		return -1;
	}
	for (;;) {
		enum XML_Status xs;
		if (x->suspended) {
			x->suspended = false;
			x->cur = x->parser;
			xs = XML_ResumeParser(x->parser);
		} else if (x->fed_final) {
			return 0;
		} else if (feed(x, x->sheet, x->parser, x->sheet_part, &x->fed_final, &xs, err)) {
			x->failed = true;
			return -1;
		}
		if (parse_status(x, x->parser, xs, x->sheet_part, err)) {
			x->failed = true;
			return -1;
		}
		if (xs == XML_STATUS_SUSPENDED)
			x->suspended = true;
		if (x->row_ready) {
			x->row_ready = false;
			row_publish(x, row);
			return 1;
		}
	}
}

enum xlsx_cell_kind xlsx_cell_kind(const struct xlsx_reader *x, size_t i)
{
	return i < x->nfields ? (enum xlsx_cell_kind)x->kind[i] : XLSX_EMPTY;
}

const char *xlsx_sheet_name(const struct xlsx_reader *x)
{
	return x->sheet_name;
}

bool xlsx_date1904(const struct xlsx_reader *x)
{
	return x->date1904;
}

/* ---- helpers for callers ---- */

bool xlsx_number_is_lossy(const char *s, size_t len)
{
	size_t digits = 0;
	bool leading = true; /* zeros before the first other digit are not significant */
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == 'e' || c == 'E')
			return true;
		if (c < '0' || c > '9')
			continue;
		if (leading && c == '0')
			continue;
		leading = false;
		digits++;
	}
	/* A double holds 15 significant decimal digits exactly; Excel shows no more. */
	return digits > 15;
}

/* The civil date of a day count from 1970-01-01 (H. Hinnant's algorithm). */
static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

bool xlsx_serial_date(long serial, bool date1904, int *year, int *month, int *day)
{
	long days; /* from 1970-01-01 */
	if (date1904) {
		if (serial < 0 || serial > 2957003) /* 9999-12-31 */
			return false;
		days = serial - 24107; /* serial 0 is 1904-01-01 */
	} else {
		if (serial < 1 || serial == 60 || serial > 2958465)
			return false;
		/* Excel counts a 1900-02-29 (serial 60), so serials after it are one day ahead. */
		days = serial < 60 ? serial - 25568 : serial - 25569;
	}
	civil_from_days(days, year, month, day);
	return true;
}
