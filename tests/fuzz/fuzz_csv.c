/*
 * fuzz_csv.c - the uploaded spreadsheet readers: encoding detection and
 * GB18030 → UTF-8 conversion, the RFC 4180 reader, and the .xlsx reader
 * (zip + XML) for inputs that start like a zip file.
 *
 * Properties: every field the CSV reader returns is NUL-terminated at its
 * stated length and holds no NUL; rows keep ascending line numbers; a
 * field written back with csv_write_field and read again is the same text
 * (behind a quote mark when Excel would take it for a formula);
 * converting detected text to UTF-8 gives valid UTF-8 or a clean refusal.
 */
#include <string.h>

#include "fuzz.h"
#include "lib/csv.h"
#include "lib/strbuf.h"
#include "lib/xlsx_read.h"

static void check_round_trip(const char *field, size_t len)
{
	struct csv_reader r;
	struct csv_row row;
	sy_err err;
	strbuf sb;
	sb_init(&sb);
	csv_write_field(&sb, field);
	if (sb.oom)
		goto out;
	csv_reader_init(&r, sb.buf ? sb.buf : "", sb.len);
	int got = csv_next_row(&r, &row, &err);
	/* An empty field reads back as a blank row (one empty field) or nothing. */
	if (len == 0) {
		FUZZ_CHECK(got == 0 || (got == 1 && row.nfields == 1 && row.len[0] == 0));
	} else if (field[0] != '\xef') { /* a leading BOM is skipped by design */
		/* A cell Excel would run as a formula comes back behind a quote mark. */
		size_t g = strchr("=+-@\t\r", field[0]) ? 1 : 0;
		FUZZ_CHECK(got == 1 && row.nfields == 1);
		FUZZ_CHECK(row.len[0] == len + g && (!g || row.field[0][0] == '\''));
		FUZZ_CHECK(memcmp(row.field[0] + g, field, len) == 0);
	}
	csv_reader_free(&r);
out:
	sb_free(&sb);
}

static void read_csv(const char *buf, size_t len)
{
	struct csv_reader r;
	struct csv_row row;
	sy_err err;
	size_t last_line = 0;
	int rows = 0;
	csv_reader_init(&r, buf, len);
	while (csv_next_row(&r, &row, &err) == 1 && rows++ < 200) {
		FUZZ_CHECK(row.nfields >= 1 && row.line >= last_line);
		last_line = row.line;
		for (size_t i = 0; i < row.nfields; i++) {
			FUZZ_CHECK(row.field[i][row.len[i]] == '\0');
			FUZZ_CHECK(memchr(row.field[i], '\0', row.len[i]) == NULL);
			if (rows < 4 && i < 4)
				check_round_trip(row.field[i], row.len[i]);
		}
	}
	csv_reader_free(&r);
}

static void read_xlsx(const uint8_t *data, size_t size)
{
	struct xlsx_limits lim = {.max_bytes = 1 << 20, .max_shared_strings = 4096};
	struct xlsx_reader *x;
	struct csv_row row;
	sy_err err;
	int rows = 0;
	if (xlsx_open_mem(data, size, &lim, &x, &err) != SY_OK)
		return;
	while (xlsx_next_row(x, &row, &err) == 1 && rows++ < 200)
		for (size_t i = 0; i < row.nfields; i++) {
			FUZZ_CHECK(row.field[i][row.len[i]] == '\0');
			(void)xlsx_cell_kind(x, i);
		}
	xlsx_close(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *utf8 = NULL;
	size_t n;
	sy_err err;
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		read_xlsx(data, size);
		return 0;
	}
	enum csv_encoding enc = csv_detect((const char *)data, size);
	if (csv_to_utf8((const char *)data, size, enc, &utf8, &n, &err) == SY_OK) {
		FUZZ_CHECK(utf8[n] == '\0');
		read_csv(utf8, n);
		free(utf8);
	}
	read_csv((const char *)data, size);
	return 0;
}
