/*
 * csv.h - reading and writing CSV as Chinese spreadsheet programs save it.
 *
 * Excel and WPS save "CSV UTF-8" with a byte-order mark and plain "CSV" in
 * the system code page, which on Chinese Windows is GBK (CP936); GB18030 is
 * a superset of GBK, so one decoder reads both. The flow for an import is:
 *
 *	enum csv_encoding enc = csv_detect(buf, len);
 *	csv_to_utf8(buf, len, enc, &text, &tlen, err);       // text: malloc'd
 *	csv_reader_init(&rd, text, tlen);
 *	while ((rc = csv_next_row(&rd, &row, err)) == 1) ...  // fields: UTF-8
 *	csv_reader_free(&rd); free(text);
 *
 * and for an export in the same encoding: csv_write_field / csv_write_row_end
 * into a strbuf (UTF-8), then csv_from_utf8(..., enc, ...). A GBK file
 * written by Excel (no BOM, CRLF, quotes only where needed) read this way
 * and written back field by field comes out byte-exact, except for text the
 * formula guard changes (see csv_write_field).
 *
 * Pure functions over memory: no files, no project knowledge.
 */
#ifndef SY_CSV_H
#define SY_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"
#include "strbuf.h"

enum csv_encoding {
	CSV_UTF8,     /* UTF-8 without a byte-order mark */
	CSV_UTF8_BOM, /* UTF-8 starting with EF BB BF ("CSV UTF-8" in Excel) */
	CSV_GB18030,  /* GB18030, and so GBK/GB2312 ("CSV" on Chinese Windows) */
};

/*
 * What a file is: a BOM means UTF8_BOM; otherwise well-formed UTF-8 all the
 * way through means UTF8; anything else is taken for GB18030 (which
 * csv_to_utf8 then checks). Pure ASCII is UTF8.
 */
enum csv_encoding csv_detect(const char *buf, size_t len);

/* "utf-8", "utf-8-bom" or "gb18030": for logs and the import report. */
const char *csv_encoding_name(enum csv_encoding enc);

/*
 * buf in encoding enc as UTF-8 without a BOM, in *out (malloc'd, NUL-
 * terminated, the caller frees it; *outlen excludes the NUL). A byte
 * sequence that is not valid in enc fails with SY_EINVAL "invalid_encoding",
 * the message naming its byte offset in buf and its 1-based line. On failure
 * *out is NULL.
 */
sy_status csv_to_utf8(const char *buf, size_t len, enum csv_encoding enc,
		      char **out, size_t *outlen, sy_err *err);

/*
 * The reverse, for an export: UTF-8 text in encoding enc (CSV_UTF8_BOM adds
 * the BOM). A character GB18030 cannot hold cannot occur (GB18030 covers all
 * of Unicode), so failure means the input is not UTF-8: "invalid_encoding".
 * *out is malloc'd and NUL-terminated; the caller frees it.
 */
sy_status csv_from_utf8(const char *buf, size_t len, enum csv_encoding enc,
			char **out, size_t *outlen, sy_err *err);

/*
 * One row. The fields are views into the reader's own buffer, each also
 * NUL-terminated, valid until the next csv_next_row or csv_reader_free. The
 * XLSX reader (xlsx_read.h) fills the same struct, so an importer can treat
 * both alike.
 */
struct csv_row {
	size_t nfields;            /* >= 1 for CSV; a blank line is one empty field */
	const char *const *field;  /* field[i]: the unquoted, unescaped text */
	const size_t *len;         /* len[i]: its length in bytes */
	size_t line;               /* 1-based line (CSV) or row number (XLSX) where it starts */
};

/*
 * Reads RFC 4180 CSV from a UTF-8 buffer the caller keeps alive. Rows end at
 * LF, CRLF or a lone CR; a field is quoted when its first character is '"',
 * inside which "" is a quote and commas and line breaks are text. A quote
 * later in an unquoted field is kept as text (as Excel does). The end of
 * the buffer ends the last row; a final line break does not start another.
 * Nothing is trimmed. Rows may differ in width: the caller decides.
 *
 * Fields are copied into one reusable buffer, so a row costs no allocation
 * once the buffers have grown to the widest row.
 */
struct csv_reader {
	const char *p, *end; /* the unread input */
	size_t line;         /* the physical line p is on */
	char *buf;           /* the current row's fields, NUL-separated */
	size_t buflen, bufcap;
	const char **field;  /* the row's views, filled once the row is complete */
	size_t *len;
	size_t *off;         /* each field's offset in buf while buf may still move */
	size_t nfields, fcap;
	bool failed;         /* sticky: after an error every call fails again */
};

/* The most fields a row may have; more is an error, not an allocation. */
#define CSV_MAX_FIELDS 4096

/* Start reading buf (a leading UTF-8 BOM is skipped). Allocates nothing. */
void csv_reader_init(struct csv_reader *r, const char *buf, size_t len);

/*
 * The next row: 1 and *row filled, 0 at the end, -1 on an error with err
 * filled (SY_EINVAL): "csv_unterminated_quote" (a quoted field runs to the
 * end; the message names the line it starts on), "csv_bad_quote" (text
 * after a closing quote), "invalid_text" (a NUL byte), "csv_too_many_fields",
 * or SY_ENOMEM. Every call after -1 returns -1 again.
 */
int csv_next_row(struct csv_reader *r, struct csv_row *row, sy_err *err);

/* Free the reader's buffers (not the input). */
void csv_reader_free(struct csv_reader *r);

/* Narrow s/len past leading and trailing ASCII whitespace (space, \t \n \v \f \r). */
void csv_trim(const char **s, size_t *len);

/* true when every field is empty or ASCII whitespace (e.g. ",,,," from Excel). */
bool csv_row_is_blank(const struct csv_row *row);

/*
 * The index of the field that equals name once both are trimmed, the first
 * if several do; -1 if none. For mapping a header row ("姓名" or "name").
 */
int csv_header_index(const struct csv_row *header, const char *name);

/*
 * Append s to sb as one CSV field, quoted when it holds , " CR or LF, with
 * "" for each quote; NULL is written as an empty field. The caller writes
 * the ',' between fields; sb.oom says whether it all fit.
 *
 * Formula guard: Excel and WPS run a cell starting with = + - @ TAB or CR as
 * a formula, so such a field is written quoted with a leading apostrophe
 * ("'=1+2"). This CHANGES the bytes: a file round-trips byte-exact only for
 * fields that do not start with one of those characters (a negative number
 * "-5" comes back as "'-5"). The same rule as the exports in http/export.c.
 */
void csv_write_field(strbuf *sb, const char *s);

/* End a row with CRLF, as Excel writes it. */
void csv_write_row_end(strbuf *sb);

#endif
