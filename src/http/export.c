/*
 * export.c - every list a person might want in a spreadsheet: JSON
 * {"items","next"} by default, CSV (UTF-8 with BOM, which Excel and WPS need
 * to show Chinese) or .xlsx (libxlsxwriter) with ?format=.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../lib/csv.h"
#include "../lib/strbuf.h"
#include "http.h"

sy_status http_export_format(struct http_req *r, enum export_format *f, sy_err *err)
{
	const char *v = http_query(r, "format");
	*f = EXPORT_NONE;
	if (!v || !*v || strcmp(v, "json") == 0)
		return SY_OK;
	if (strcmp(v, "csv") == 0)
		*f = EXPORT_CSV;
	else if (strcmp(v, "xlsx") == 0)
		*f = EXPORT_XLSX;
	else
		return sy_failf(err, SY_EINVAL, "invalid_format", "format",
				"导出格式只能是 csv 或 xlsx", "format must be csv or xlsx");
	return SY_OK;
}

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 500
#define EXPORT_LIMIT_MAX 100000

sy_status http_list_params(struct http_req *r, enum export_format *f, int *limit, int64_t *cursor,
			   sy_err *err)
{
	sy_status st;
	if ((st = http_export_format(r, f, err)))
		return st;
	bool export = *f != EXPORT_NONE;
	if ((st = http_paging(r, export ? EXPORT_LIMIT_MAX : LIST_LIMIT_DEFAULT,
			      export ? EXPORT_LIMIT_MAX : LIST_LIMIT_MAX, limit, cursor, err)))
		return st;
	return SY_OK;
}

/* A cell's text: strings as they are, numbers and booleans spelled out, objects as JSON. */
static char *cell_text(json_t *v)
{
	char buf[64];
	switch (json_typeof(v)) {
	case JSON_STRING: return strdup(json_string_value(v));
	case JSON_INTEGER: snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return strdup(buf);
	case JSON_REAL: snprintf(buf, sizeof buf, "%.7g", json_real_value(v)); return strdup(buf);
	case JSON_TRUE: return strdup("true");
	case JSON_FALSE: return strdup("false");
	case JSON_NULL: return strdup("");
	default: return json_dumps(v, JSON_COMPACT);
	}
}

static sy_status to_csv(struct http_req *r, json_t *items, const struct export_column *cols,
			int ncols, sy_err *err)
{
	strbuf sb;
	const char *enc = http_query(r, "encoding");
	bool gb = enc && (!strcmp(enc, "gb18030") || !strcmp(enc, "gbk"));
	if (enc && *enc && !gb && strcmp(enc, "utf-8") && strcmp(enc, "utf8"))
		return sy_failf(err, SY_EINVAL, "invalid_encoding", "encoding", "编码只能是 utf-8 或 gb18030",
				"encoding must be utf-8 or gb18030");
	sb_init(&sb);
	if (!gb)
		sb_puts(&sb, "\xEF\xBB\xBF"); /* UTF-8 needs the BOM for Excel; GB18030 files have none */
	for (int c = 0; c < ncols; c++) {
		if (c)
			sb_putc(&sb, ',');
		csv_write_field(&sb, r->lang == LANG_EN ? cols[c].en : cols[c].zh);
	}
	sb_puts(&sb, "\r\n");
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		for (int c = 0; c < ncols; c++) {
			json_t *v = json_object_get(item, cols[c].key);
			char *t = v ? cell_text(v) : NULL;
			if (c)
				sb_putc(&sb, ',');
			csv_write_field(&sb, t ? t : "");
			free(t);
		}
		sb_puts(&sb, "\r\n");
	}
	if (sb.oom) {
		sb_free(&sb);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	if (gb) {
		sy_status st = csv_from_utf8(sb.buf, sb.len, CSV_GB18030, &r->out, &r->out_len, err);
		sb_free(&sb);
		if (st)
			return st;
		r->content_type = "text/csv; charset=gb18030";
		return SY_OK;
	}
	r->out_len = sb.len;
	r->out = sb_steal(&sb);
	r->content_type = "text/csv; charset=utf-8";
	return SY_OK;
}

static sy_status read_whole_file(const char *path, char **out, size_t *len, sy_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat stt;
	sy_status st = SY_OK;
	*out = NULL;
	if (fd < 0 || fstat(fd, &stt) != 0) {
		st = sy_failf(err, SY_EINTERNAL, "export_failed", NULL, "导出失败", "export failed");
		goto out;
	}
	char *buf = malloc((size_t)stt.st_size + 1);
	if (!buf) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	size_t got = 0;
	while (got < (size_t)stt.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)stt.st_size - got);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			free(buf);
			st = sy_failf(err, SY_EINTERNAL, "export_failed", NULL, "导出失败", "export failed");
			goto out;
		}
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
out:
	if (fd >= 0)
		close(fd);
	return st;
}

static sy_status to_xlsx(struct http_req *r, json_t *items, const struct export_column *cols,
			 int ncols, sy_err *err)
{
	/* libxlsxwriter 1.1.4 writes only to files: build in a private temp file, then read it. */
	const char *tmpdir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/sy-export-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemp(path);
	sy_status st = SY_OK;
	if (fd < 0)
		return sy_failf(err, SY_EINTERNAL, "export_failed", NULL, "导出失败", "export failed");
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, NULL) : NULL;
	if (!ws) {
		st = sy_failf(err, SY_EINTERNAL, "export_failed", NULL, "导出失败", "export failed");
		goto out;
	}
	lxw_format *bold = workbook_add_format(wb), *text = workbook_add_format(wb);
	format_set_bold(bold);
	/* Columns formatted as text: what someone types in later (a 身份证号) stays text, not a number. */
	format_set_num_format(text, "@");
	for (int c = 0; c < ncols; c++) {
		worksheet_write_string(ws, 0, (lxw_col_t)c, r->lang == LANG_EN ? cols[c].en : cols[c].zh, bold);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, 16, text);
	}
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		if (i + 1 >= LXW_ROW_MAX)
			break;
		for (int c = 0; c < ncols; c++) {
			json_t *v = json_object_get(item, cols[c].key);
			if (!v || json_is_null(v))
				continue;
			lxw_row_t row = (lxw_row_t)(i + 1);
			if (json_is_integer(v) || json_is_real(v)) {
				worksheet_write_number(ws, row, (lxw_col_t)c, json_number_value(v), NULL);
			} else {
				/* write_string stores text, never a formula: no injection here. */
				char *t = cell_text(v);
				worksheet_write_string(ws, row, (lxw_col_t)c, t ? t : "", NULL);
				free(t);
			}
		}
	}
	lxw_error e = workbook_close(wb);
	wb = NULL;
	if (e != LXW_NO_ERROR) {
		st = sy_failf(err, SY_EINTERNAL, "export_failed", NULL, "导出失败", "export failed");
		goto out;
	}
	if ((st = read_whole_file(path, &r->out, &r->out_len, err)))
		goto out;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
out:
	if (wb)
		workbook_close(wb);
	unlink(path);
	return st;
}

sy_status http_send_export(struct http_req *r, enum export_format f, json_t *items,
			   const struct export_column *cols, int ncols, const char *filename, sy_err *err)
{
	sy_status st = f == EXPORT_CSV ? to_csv(r, items, cols, ncols, err) : to_xlsx(r, items, cols, ncols, err);
	json_decref(items);
	if (st)
		return st;
	char *cd = arena_printf(r->a, "attachment; filename=\"%s.%s\"", filename,
				f == EXPORT_CSV ? "csv" : "xlsx");
	http_add_header(r, "Content-Disposition", cd);
	return SY_OK;
}

sy_status http_send_list(struct http_req *r, json_t *items, int64_t next,
			 const struct export_column *cols, int ncols, const char *filename,
			 sy_err *err)
{
	enum export_format f;
	sy_status st = http_export_format(r, &f, err);
	if (st) {
		json_decref(items);
		return st;
	}
	if (f == EXPORT_NONE) {
		json_t *body = json_pack("{s:o}", "items", items);
		json_object_set_new(body, "next", next ? json_sprintf("%" PRId64, next) : json_null());
		http_json(r, 200, body);
		return SY_OK;
	}
	return http_send_export(r, f, items, cols, ncols, filename, err);
}
