/*
 * csv.c - CSV encodings, an RFC 4180 reader and a writer. See csv.h.
 *
 * The reader is on the hot path of a million-row import, so it scans runs of
 * ordinary bytes with a lookup table and copies each run once into a buffer
 * that is reused from row to row; nothing is allocated per field.
 */
#include "csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char BOM[] = "\xEF\xBB\xBF";
#define BOM_LEN 3

/* ---- encodings ---- */

static bool has_bom(const char *buf, size_t len)
{
	return len >= BOM_LEN && memcmp(buf, BOM, BOM_LEN) == 0;
}

/*
 * The length of a well-formed UTF-8 sequence starting at s (n bytes left),
 * or 0 if there is none: overlong forms, surrogates and code points above
 * U+10FFFF are not UTF-8 (RFC 3629), and a GBK pair often looks like one of
 * them, which is what lets csv_detect tell the two apart.
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0; /* overlong, or a UTF-16 surrogate */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0; /* overlong, or above U+10FFFF */
		return 4;
	}
	return 0;
}

/* How many leading bytes of buf are well-formed UTF-8 (len when all are). */
static size_t utf8_valid_prefix(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;
	while (i < len) {
		/* Most of a CSV file is ASCII: step over it eight bytes at a time. */
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		size_t k = utf8_seq(s + i, len - i);
		if (k == 0)
			return i;
		i += k;
	}
	return len;
}

enum csv_encoding csv_detect(const char *buf, size_t len)
{
	if (has_bom(buf, len))
		return CSV_UTF8_BOM;
	return utf8_valid_prefix(buf, len) == len ? CSV_UTF8 : CSV_GB18030;
}

const char *csv_encoding_name(enum csv_encoding enc)
{
	switch (enc) {
	case CSV_UTF8: return "utf-8";
	case CSV_UTF8_BOM: return "utf-8-bom";
	case CSV_GB18030: return "gb18030";
	}
	return "unknown";
}

/*
 * The 1-based line holding byte off, counting line breaks as the reader
 * does (LF, CRLF, lone CR). Safe on GB18030 too: no byte of a multi-byte
 * GB18030 character is 0x0A or 0x0D.
 */
static size_t line_at(const char *buf, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= off || buf[i + 1] != '\n')))
			line++;
	}
	return line;
}

static sy_status invalid_encoding(sy_err *err, const char *buf, size_t off, const char *enc)
{
	return sy_fail(err, SY_EINVAL, "invalid_encoding", NULL,
		       "文件第 %zu 行（第 %zu 字节）不是有效的 %s 编码",
		       "line %zu (byte offset %zu) is not valid %s",
		       line_at(buf, off), off, enc);
}

static sy_status out_of_memory(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

/* A malloc'd, NUL-terminated copy of buf with prefix (may be "") before it. */
static sy_status copy_out(const char *prefix, const char *buf, size_t len,
			  char **out, size_t *outlen, sy_err *err)
{
	size_t plen = strlen(prefix);
	if (len > SIZE_MAX - plen - 1)
		return out_of_memory(err);
	char *p = malloc(plen + len + 1);
	if (!p)
		return out_of_memory(err);
	memcpy(p, prefix, plen);
	if (len)
		memcpy(p + plen, buf, len);
	p[plen + len] = '\0';
	*out = p;
	*outlen = plen + len;
	return SY_OK;
}

/*
 * Convert all of in with iconv from one charset to another into a malloc'd,
 * NUL-terminated buffer. ratio is a first guess at output bytes per input
 * byte, times two (so 3 means 1.5); the buffer grows if the guess was short.
 */
static sy_status convert(const char *from, const char *to, const char *in, size_t inlen,
			 size_t ratio, char **out, size_t *outlen, sy_err *err)
{
	sy_status st = SY_OK;
	char *buf = NULL;
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return sy_fail(err, SY_EINTERNAL, "iconv_unavailable", NULL,
			       "系统不支持 %s 到 %s 的转换", "iconv cannot convert %s to %s", from, to);
	if (inlen > (SIZE_MAX - 64) / ratio) {
		st = out_of_memory(err);
		goto out;
	}
	size_t cap = inlen * ratio / 2 + 64;
	buf = malloc(cap);
	if (!buf) {
		st = out_of_memory(err);
		goto out;
	}
	char *ip = (char *)in; /* iconv's prototype is not const-correct; it does not write */
	size_t ileft = inlen, used = 0;
	while (ileft > 0) {
		char *op = buf + used;
		size_t oleft = cap - used - 1; /* keep one byte for the NUL */
		size_t rc = iconv(cd, &ip, &ileft, &op, &oleft);
		used = (size_t)(op - buf);
		if (rc != (size_t)-1)
			break;
		if (errno == E2BIG) {
			if (cap > SIZE_MAX / 2) {
				st = out_of_memory(err);
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				st = out_of_memory(err);
				goto out;
			}
			buf = nb;
			cap *= 2;
			continue;
		}
		/* EILSEQ: a bad sequence; EINVAL: one cut off by the end of the file. */
		st = invalid_encoding(err, in, (size_t)(ip - in), strcmp(from, "UTF-8") == 0 ? "UTF-8" : "GB18030/GBK");
		goto out;
	}
	buf[used] = '\0';
	*out = buf;
	*outlen = used;
	buf = NULL;
out:
	free(buf);
	iconv_close(cd);
	return st;
}

sy_status csv_to_utf8(const char *buf, size_t len, enum csv_encoding enc,
		      char **out, size_t *outlen, sy_err *err)
{
	*out = NULL;
	*outlen = 0;
	if (enc == CSV_GB18030) /* a GBK character (2 bytes) is 3 in UTF-8 */
		return convert("GB18030", "UTF-8", buf, len, 3, out, outlen, err);
	/* Either UTF-8 flavour: drop a BOM if there is one, check the rest. */
	size_t skip = has_bom(buf, len) ? BOM_LEN : 0;
	size_t ok = skip + utf8_valid_prefix(buf + skip, len - skip);
	if (ok != len)
		return invalid_encoding(err, buf, ok, "UTF-8");
	return copy_out("", buf + skip, len - skip, out, outlen, err);
}

sy_status csv_from_utf8(const char *buf, size_t len, enum csv_encoding enc,
			char **out, size_t *outlen, sy_err *err)
{
	*out = NULL;
	*outlen = 0;
	if (enc == CSV_GB18030) /* at most 4 bytes for a 2-byte UTF-8 character */
		return convert("UTF-8", "GB18030", buf, len, 4, out, outlen, err);
	size_t ok = utf8_valid_prefix(buf, len);
	if (ok != len)
		return invalid_encoding(err, buf, ok, "UTF-8");
	return copy_out(enc == CSV_UTF8_BOM ? BOM : "", buf, len, out, outlen, err);
}

/* ---- reader ---- */

/*
 * Which bytes end a run of field text: STOP_PLAIN in an unquoted field,
 * STOP_QUOTED in a quoted one. NUL stops both so it can be refused.
 */
enum { STOP_PLAIN = 1, STOP_QUOTED = 2 };
static const unsigned char stop_at[256] = {
	[0] = STOP_PLAIN | STOP_QUOTED,
	['\n'] = STOP_PLAIN | STOP_QUOTED,
	['\r'] = STOP_PLAIN | STOP_QUOTED,
	[','] = STOP_PLAIN,
	['"'] = STOP_QUOTED,
};

void csv_reader_init(struct csv_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof *r);
	if (has_bom(buf, len)) {
		buf += BOM_LEN;
		len -= BOM_LEN;
	}
	r->p = buf;
	r->end = buf + len;
	r->line = 1;
}

void csv_reader_free(struct csv_reader *r)
{
	free(r->buf);
	free(r->field);
	free(r->len);
	free(r->off);
	memset(r, 0, sizeof *r);
}

static int reader_fail(struct csv_reader *r)
{
	r->failed = true;
	return -1;
}

/* Room for n more bytes (and a NUL) in the row buffer. */
static bool buf_reserve(struct csv_reader *r, size_t n)
{
	if (r->bufcap - r->buflen > n)
		return true;
	size_t cap = r->bufcap ? r->bufcap : 256;
	if (n > SIZE_MAX / 4 - r->buflen)
		return false;
	while (cap < r->buflen + n + 1)
		cap *= 2;
	char *p = realloc(r->buf, cap);
	if (!p)
		return false;
	r->buf = p;
	r->bufcap = cap;
	return true;
}

static bool buf_append(struct csv_reader *r, const char *s, size_t n)
{
	if (!buf_reserve(r, n))
		return false;
	memcpy(r->buf + r->buflen, s, n);
	r->buflen += n;
	return true;
}

/* Start a new field at the current end of the buffer. */
static int field_begin(struct csv_reader *r, sy_err *err)
{
	if (r->nfields == r->fcap) {
		if (r->fcap == CSV_MAX_FIELDS) {
			sy_fail(err, SY_EINVAL, "csv_too_many_fields", NULL,
				"第 %zu 行的列数超过 %d", "line %zu has more than %d fields",
				r->line, CSV_MAX_FIELDS);
			return -1;
		}
		size_t cap = r->fcap ? r->fcap * 2 : 32;
		if (cap > CSV_MAX_FIELDS)
			cap = CSV_MAX_FIELDS;
		/* Each realloc keeps the old block on failure, and csv_reader_free frees it. */
		const char **f = realloc(r->field, cap * sizeof *f);
		if (f)
			r->field = f;
		size_t *l = f ? realloc(r->len, cap * sizeof *l) : NULL;
		if (l)
			r->len = l;
		size_t *o = l ? realloc(r->off, cap * sizeof *o) : NULL;
		if (!o) {
			out_of_memory(err);
			return -1;
		}
		r->off = o;
		r->fcap = cap;
	}
	r->off[r->nfields++] = r->buflen;
	return 0;
}

static int nul_in_field(struct csv_reader *r, sy_err *err)
{
	sy_fail(err, SY_EINVAL, "invalid_text", NULL,
		"第 %zu 行含有空字符（NUL），不是文本文件", "line %zu contains a NUL byte: not a text file",
		r->line);
	return -1;
}

/* An unquoted field: up to the next comma, line break or end. */
static int plain_field(struct csv_reader *r, sy_err *err)
{
	const char *q = r->p;
	while (q < r->end && !(stop_at[(unsigned char)*q] & STOP_PLAIN))
		q++;
	if (!buf_append(r, r->p, (size_t)(q - r->p))) {
		out_of_memory(err);
		return -1;
	}
	r->p = q;
	if (q < r->end && *q == '\0')
		return nul_in_field(r, err);
	return 0;
}

/*
 * A quoted field, r->p on the opening quote: copy runs of text, turn ""
 * into ", keep line breaks (counting them), and stop after the closing
 * quote, which must be followed by a comma, a line break or the end.
 */
static int quoted_field(struct csv_reader *r, sy_err *err)
{
	size_t start_line = r->line;
	const char *p = r->p + 1;
	for (;;) {
		const char *q = p;
		while (q < r->end && !(stop_at[(unsigned char)*q] & STOP_QUOTED))
			q++;
		size_t extra = q < r->end && *q == '\r' && q + 1 < r->end && q[1] == '\n' ? 2 : 1;
		/* The run plus at most the two bytes of a CRLF. */
		if (!buf_append(r, p, (size_t)(q - p)) || !buf_reserve(r, extra)) {
			r->p = q;
			out_of_memory(err);
			return -1;
		}
		if (q == r->end) {
			r->p = q;
			sy_fail(err, SY_EINVAL, "csv_unterminated_quote", NULL,
				"第 %zu 行开始的引号没有闭合", "the quote opened on line %zu is never closed",
				start_line);
			return -1;
		}
		r->p = q;
		switch (*q) {
		case '\0':
			return nul_in_field(r, err);
		case '\n':
		case '\r':
			memcpy(r->buf + r->buflen, q, extra);
			r->buflen += extra;
			r->line++;
			p = q + extra;
			continue;
		default: /* '"' */
			break;
		}
		if (q + 1 < r->end && q[1] == '"') {
			r->buf[r->buflen++] = '"';
			p = q + 2;
			continue;
		}
		r->p = q + 1;
		if (r->p == r->end || *r->p == ',' || *r->p == '\n' || *r->p == '\r')
			return 0;
		if (*r->p == '\0')
			return nul_in_field(r, err);
		sy_fail(err, SY_EINVAL, "csv_bad_quote", NULL,
			"第 %zu 行：引号结束后还有文字（字段内的引号要写成两个 \"\"）",
			"line %zu: text after a closing quote (a quote inside a field is written \"\")",
			r->line);
		return -1;
	}
}

/* Turn the offsets of a finished row into views: the buffer no longer moves. */
static void row_publish(struct csv_reader *r, struct csv_row *row, size_t line)
{
	for (size_t i = 0; i < r->nfields; i++) {
		size_t endo = i + 1 < r->nfields ? r->off[i + 1] - 1 : r->buflen - 1;
		r->field[i] = r->buf + r->off[i];
		r->len[i] = endo - r->off[i];
	}
	row->nfields = r->nfields;
	row->field = r->field;
	row->len = r->len;
	row->line = line;
}

int csv_next_row(struct csv_reader *r, struct csv_row *row, sy_err *err)
{
	if (r->failed) {
		sy_failf(err, SY_EINVAL, "csv_failed", NULL, "CSV 读取已出错", "the CSV reader already failed");
		return -1;
	}
	if (r->p >= r->end)
		return 0;
	size_t line = r->line;
	r->buflen = 0;
	r->nfields = 0;
	for (;;) {
		if (field_begin(r, err) != 0)
			return reader_fail(r);
		int rc = r->p < r->end && *r->p == '"' ? quoted_field(r, err) : plain_field(r, err);
		/* Each field ends with a NUL so callers may use it as a C string. */
		if (rc == 0 && !buf_reserve(r, 1))
			rc = (out_of_memory(err), -1);
		if (rc != 0)
			return reader_fail(r);
		r->buf[r->buflen++] = '\0';
		if (r->p == r->end)
			break;
		char c = *r->p++;
		if (c == ',')
			continue;
		/* A line break (the field functions stop at nothing else). */
		if (c == '\r' && r->p < r->end && *r->p == '\n')
			r->p++;
		r->line++;
		break;
	}
	row_publish(r, row, line);
	return 1;
}

void csv_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;
	while (n && (*p == ' ' || (*p >= '\t' && *p <= '\r'))) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || (p[n - 1] >= '\t' && p[n - 1] <= '\r')))
		n--;
	*s = p;
	*len = n;
}

bool csv_row_is_blank(const struct csv_row *row)
{
	for (size_t i = 0; i < row->nfields; i++) {
		const char *s = row->field[i];
		size_t n = row->len[i];
		csv_trim(&s, &n);
		if (n)
			return false;
	}
	return true;
}

int csv_header_index(const struct csv_row *header, const char *name)
{
	const char *want = name;
	size_t wlen = strlen(name);
	csv_trim(&want, &wlen);
	for (size_t i = 0; i < header->nfields && i <= (size_t)INT32_MAX; i++) {
		const char *s = header->field[i];
		size_t n = header->len[i];
		csv_trim(&s, &n);
		if (n == wlen && memcmp(s, want, n) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- writer ---- */

/* Characters that make Excel or WPS treat a cell as a formula (CSV injection). */
static bool needs_guard(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
}

void csv_write_field(strbuf *sb, const char *s)
{
	if (!s)
		s = "";
	bool guard = needs_guard(s);
	if (!guard && !strpbrk(s, ",\"\r\n")) {
		sb_puts(sb, s);
		return;
	}
	sb_putc(sb, '"');
	if (guard)
		sb_putc(sb, '\'');
	/* Copy the runs between quotes whole; double each quote. */
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		sb_append(sb, s, (size_t)(q - s) + 1);
		sb_putc(sb, '"');
	}
	sb_puts(sb, s);
	sb_putc(sb, '"');
}

void csv_write_row_end(strbuf *sb)
{
	sb_append(sb, "\r\n", 2);
}
