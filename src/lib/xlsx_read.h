/*
 * xlsx_read.h - the rows of the first worksheet of an .xlsx, streamed.
 *
 * An .xlsx is a zip of XML parts (ECMA-376 / ISO 29500). This reader opens
 * the zip (libzip), finds the first visible worksheet through
 * xl/workbook.xml and its relationships (falling back to
 * xl/worksheets/sheet1.xml), loads the shared strings, and then parses the
 * sheet with expat one row at a time: the sheet is never held in memory as
 * a whole, only the shared-string table is.
 *
 * Rows come out in the same struct csv_row as the CSV reader's, so an
 * importer handles both the same way:
 *
 *	struct xlsx_reader *x;
 *	if (xlsx_open_mem(upload, len, NULL, &x, err)) return err->status;
 *	while ((rc = xlsx_next_row(x, &row, err)) == 1) ...  // row.line = sheet row number
 *	xlsx_close(x);
 *
 * What a cell's text is:
 *   - strings (shared, inline, formula results): the text, UTF-8, rich-text
 *     runs joined, Excel's _xHHHH_ escapes decoded, phonetic runs dropped;
 *   - numbers: exactly as stored in the file ("130902", "3.5"). A long digit
 *     string that was typed into Excel as a NUMBER is stored as a double and
 *     comes out as "1.30902197705296E+17": its digits are already lost, and
 *     the caller must reject it (xlsx_number_is_lossy), never "fix" it;
 *   - dates: Excel stores them as numbers, so they come out as the serial
 *     number ("45292" is 2024-01-01); xlsx_serial_date converts one. Which
 *     cells are dates is only in the styles, which this reader does not read;
 *     a column the importer expects to hold a date can take either form;
 *   - booleans "1" / "0"; error cells their code ("#N/A"); empty cells "".
 *
 * A row's fields run to its last non-empty cell, so rows differ in width
 * and a missing trailing field means empty. Rows with no non-empty cell
 * (Excel keeps rows that only carry formatting) are skipped; row.line still
 * numbers rows as Excel shows them.
 *
 * Errors are SY_EINVAL with code "invalid_xlsx" (not a zip, an old .xls or
 * an encrypted workbook, no worksheet, broken XML, a corrupt entry) or
 * "xlsx_too_large" (a limit below was reached: a zip bomb, or a sheet too
 * big for the configured limit), SY_ENOMEM otherwise.
 */
#ifndef SY_XLSX_READ_H
#define SY_XLSX_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "csv.h"
#include "status.h"

/* Limits against hostile or oversized files; a zero field means its default. */
struct xlsx_limits {
	/*
	 * Decompressed bytes read from all parts together, default 512 MiB. A
	 * sheet costs about 40-60 bytes of XML per cell, so a million rows of ten
	 * columns comes near the default: raise it for imports that large.
	 */
	size_t max_bytes;
	/* Entries in the shared-string table, default 16 Mi (each costs 8 bytes plus its text). */
	size_t max_shared_strings;
};

#define XLSX_DEFAULT_MAX_BYTES ((size_t)512 << 20)
#define XLSX_DEFAULT_MAX_SHARED_STRINGS ((size_t)16 << 20)

/* What a cell held, for callers that care (xlsx_cell_kind). */
enum xlsx_cell_kind {
	XLSX_EMPTY,
	XLSX_STRING, /* shared, inline or a formula's string result */
	XLSX_NUMBER, /* also dates and times, as serial numbers */
	XLSX_BOOL,
	XLSX_ERROR,  /* "#N/A", "#DIV/0!", ... */
	XLSX_DATE,   /* t="d": ISO 8601 text, rare (strict files) */
};

struct xlsx_reader;

/*
 * Open an .xlsx held in memory (an upload). buf must stay alive and
 * unchanged until xlsx_close: it is read in place, not copied. lim may be
 * NULL. On success *out is the reader (xlsx_close it); on failure *out is
 * NULL and err says why.
 */
sy_status xlsx_open_mem(const void *buf, size_t len, const struct xlsx_limits *lim,
			struct xlsx_reader **out, sy_err *err);

/* The same for a file on disk, read as it goes. */
sy_status xlsx_open_file(const char *path, const struct xlsx_limits *lim,
			 struct xlsx_reader **out, sy_err *err);

/*
 * The next row with at least one non-empty cell: 1 and *row filled (views
 * valid until the next call or xlsx_close; row->line is the 1-based sheet
 * row), 0 at the end of the sheet, -1 on an error. Every call after -1
 * returns -1 again.
 */
int xlsx_next_row(struct xlsx_reader *x, struct csv_row *row, sy_err *err);

/* The kind of field i of the row last returned (XLSX_EMPTY past its end). */
enum xlsx_cell_kind xlsx_cell_kind(const struct xlsx_reader *x, size_t i);

/* The worksheet's tab name ("" when found by the sheet1.xml fallback). */
const char *xlsx_sheet_name(const struct xlsx_reader *x);

/* true when the workbook counts dates from 1904 (old Mac Excel), not 1900. */
bool xlsx_date1904(const struct xlsx_reader *x);

/* Close the zip and free everything. NULL is fine. */
void xlsx_close(struct xlsx_reader *x);

/*
 * true when a number cell's text cannot be an exact long digit string: an
 * exponent form ("1.30902197705296E+17") or more than 15 significant
 * digits, beyond what a double keeps. For ID numbers, phone numbers and
 * account numbers typed into Excel without a leading apostrophe.
 */
bool xlsx_number_is_lossy(const char *s, size_t len);

/*
 * The calendar date of an Excel serial day number (the whole part of the
 * cell's number; 45292 is 2024-01-01). false when out of range (below 1 in
 * the 1900 system, below 0 in the 1904 one, after 9999-12-31) and for 60,
 * the 1900-02-29 that Excel counts but that never was.
 */
bool xlsx_serial_date(long serial, bool date1904, int *year, int *month, int *day);

#endif
