/*
 * import.c - what every import shares: one pass over the file, each row
 * handed to the kind's callback with its cells by column; problems listed
 * by row, column and reason; the rejected rows collected as a CSV to fix;
 * with commit, the valid rows written in one transaction that lands whole
 * or not at all, and one audit row for the import.
 */
#include "import.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "lib/csv.h"
#include "lib/strbuf.h"
#include "lib/xlsx_read.h"

static const char SQL_ALL_ID_NUMBERS[] = "SELECT id_number, id, region_code FROM people";

#define IMPORT_MAX_KINDS 8
static const struct import_kind *kinds[IMPORT_MAX_KINDS] = {&import_people_kind, &import_service_kind,
							     &import_orgs_kind};
static size_t nkinds = 3;

const struct import_kind *import_kind_find(const char *name)
{
	for (size_t i = 0; name && i < nkinds; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

bool import_kind_add(const struct import_kind *kind)
{
	if (import_kind_find(kind->name) == kind)
		return true; /* added before: start-up may run twice in tests */
	if (nkinds == IMPORT_MAX_KINDS || import_kind_find(kind->name))
		return false;
	kinds[nkinds++] = kind;
	return true;
}

sy_status import_out_of_memory(sy_err *e)
{
	return sy_failf(e, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

bool import_skip_existing(struct import_ctx *c)
{
	c->rep->existing++;
	if (c->opt->update_existing)
		return false;
	c->rep->skipped++;
	return true;
}

/* ---- 身份证号 map ---- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t hash_id(const char *s)
{
	return fnv1a(1469598103934665603ull, s);
}

void import_key(const char *const *parts, int n, char key[19])
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < n; i++)
		h = fnv1a(fnv1a(h, parts[i] ? parts[i] : ""), "\x1f");
	snprintf(key, 19, "%016" PRIx64, h);
}

static bool map_grow(struct id_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct id_slot *s = calloc(cap, sizeof *s);
	if (!s)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slot[i].key[0])
			continue;
		size_t j = hash_id(m->slot[i].key) & (cap - 1);
		while (s[j].key[0])
			j = (j + 1) & (cap - 1);
		s[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = s;
	m->cap = cap;
	return true;
}

struct id_slot *import_map_find(struct id_map *m, const char *key, bool insert)
{
	if (insert && (m->n + 1) * 2 > m->cap && !map_grow(m))
		return NULL;
	if (!m->cap)
		return NULL;
	size_t j = hash_id(key) & (m->cap - 1);
	while (m->slot[j].key[0]) {
		if (strcmp(m->slot[j].key, key) == 0)
			return &m->slot[j];
		j = (j + 1) & (m->cap - 1);
	}
	if (!insert)
		return NULL;
	snprintf(m->slot[j].key, sizeof m->slot[j].key, "%s", key);
	m->n++;
	return &m->slot[j];
}

sy_status import_map_load_people(db *d, struct id_map *m, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_ALL_ID_NUMBERS, DB_NOARGS, &r, err);
	while (st == SY_OK && db_next(r)) {
		struct id_slot *s = import_map_find(m, db_text(r, 0), true);
		if (!s) {
			st = import_out_of_memory(err);
			break;
		}
		s->id = db_int(r, 1);
		snprintf(s->region, sizeof s->region, "%s", db_text(r, 2));
	}
	db_rows_free(r);
	return st;
}

void import_map_free(struct id_map *m)
{
	free(m->slot);
	memset(m, 0, sizeof *m);
}

/* ---- cell parsers the kinds share ---- */

sy_status import_parse_number(const char *s, const char *field, double *out, sy_err *err)
{
	char *end;
	*out = strtod(s, &end);
	if (end == s || *end || *out != *out)
		return sy_fail(err, SY_EINVAL, "invalid_number", field, "%s 须为数字", "%s must be a number", field);
	return SY_OK;
}

sy_status import_parse_coords(const char *lat, const char *lon, bool *has, double *la, double *lo,
			      sy_err *err)
{
	sy_status st;
	*has = false;
	if (!lat && !lon)
		return SY_OK;
	if (!lat || !lon)
		return sy_failf(err, SY_EINVAL, "invalid_coordinates", lat ? "lon" : "lat",
				"经纬度须同时填写", "lat and lon go together");
	if ((st = import_parse_number(lat, "lat", la, err)) || (st = import_parse_number(lon, "lon", lo, err)))
		return st;
	*has = true;
	return SY_OK;
}

/* Digits at s (at most max), as a number; how many were read in *n. */
static int read_digits(const char **s, int max, int *n)
{
	int v = 0;
	for (*n = 0; *n < max && isdigit((unsigned char)**s); (*n)++, (*s)++)
		v = v * 10 + (**s - '0');
	return v;
}

/* Skip one date separator: - / . or 年 月 (the UTF-8 bytes of each). */
static bool skip_separator(const char **s)
{
	static const char *const seps[] = {"-", "/", ".", "年", "月"};
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
		size_t n = strlen(seps[i]);
		if (strncmp(*s, seps[i], n) == 0) {
			*s += n;
			return true;
		}
	}
	return false;
}

sy_status import_parse_date(const char *s, const char *field, char out[11], sy_err *err)
{
	const char *p = s;
	int n1, n2, n3;
	int y = read_digits(&p, 4, &n1);
	bool ok = n1 == 4 && skip_separator(&p);
	int m = ok ? read_digits(&p, 2, &n2) : 0;
	ok = ok && n2 >= 1 && skip_separator(&p);
	int d = ok ? read_digits(&p, 2, &n3) : 0;
	ok = ok && n3 >= 1;
	if (ok && strncmp(p, "日", strlen("日")) == 0)
		p += strlen("日");
	if (!ok || *p || !time_valid_date(y, m, d))
		return sy_fail(err, SY_EINVAL, "invalid_date", field, "日期无效：%s（应为 2010-12-01 这样的日期）",
			       "not a date: %s (write it as 2010-12-01)", s);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return SY_OK;
}

/*
 * A 身份证号 that Excel stored as a number comes out as 1.30902E+17 (CSV) or,
 * in an .xlsx, as a number cell with more than 15 digits: its last digits
 * are gone. An .xlsx text cell of 18 digits is the number as typed.
 */
static bool id_cell_was_a_number(const char *s, const struct xlsx_reader *x, int idx)
{
	if (x)
		return xlsx_cell_kind(x, (size_t)idx) == XLSX_NUMBER && xlsx_number_is_lossy(s, strlen(s));
	const char *e = strpbrk(s, "eE");
	if (!e || e == s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.' && p != e && !(p == e + 1 && (*p == '+' || *p == '-')))
			return false;
	return isdigit((unsigned char)e[e[1] == '+' || e[1] == '-' ? 2 : 1]);
}

/* ---- the file: CSV or .xlsx behind one interface ---- */

struct source {
	struct csv_reader csv;
	struct xlsx_reader *xlsx;
	char *utf8; /* converted CSV text, when it was GB18030 */
};

static sy_status source_open(struct source *s, const char *buf, size_t len, const char **format,
			     sy_err *err)
{
	memset(s, 0, sizeof *s);
	if (len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0) {
		*format = "xlsx";
		return xlsx_open_mem(buf, len, NULL, &s->xlsx, err);
	}
	enum csv_encoding enc = csv_detect(buf, len);
	*format = enc == CSV_GB18030 ? "csv-gb18030" : enc == CSV_UTF8_BOM ? "csv-utf8-bom" : "csv-utf8";
	if (enc == CSV_GB18030) {
		size_t n;
		sy_status st = csv_to_utf8(buf, len, enc, &s->utf8, &n, err);
		if (st)
			return st;
		csv_reader_init(&s->csv, s->utf8, n);
	} else {
		csv_reader_init(&s->csv, buf, len);
	}
	return SY_OK;
}

static int source_next(struct source *s, struct csv_row *row, sy_err *err)
{
	return s->xlsx ? xlsx_next_row(s->xlsx, row, err) : csv_next_row(&s->csv, row, err);
}

static void source_close(struct source *s)
{
	if (s->xlsx)
		xlsx_close(s->xlsx);
	else
		csv_reader_free(&s->csv);
	free(s->utf8);
}

/* ---- the import ---- */

/* Lines in a CSV: a bound on its rows, for kinds that prepare differently for big loads. */
static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

struct importer {
	const struct import_kind *kind;
	struct import_ctx c;
	int col[IMPORT_MAX_COLUMNS]; /* the kind's column → index in the file, -1 when absent */
	char (*header)[64];          /* the file's own column names, for problems */
	size_t nheader;
	strbuf rejected;
	const struct xlsx_reader *xlsx; /* the reader, for an .xlsx: cell kinds */
};

static const char *cell(const struct csv_row *row, int idx, char *buf, size_t cap)
{
	if (idx < 0 || (size_t)idx >= row->nfields)
		return NULL;
	const char *s = row->field[idx];
	size_t len = row->len[idx];
	csv_trim(&s, &len);
	if (len == 0)
		return NULL;
	if (len >= cap)
		len = cap - 1; /* over-long text is then refused by validation as too long */
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

static sy_status read_header(struct importer *im, const struct csv_row *row, sy_err *err)
{
	const struct import_kind *k = im->kind;
	im->nheader = row->nfields;
	im->header = calloc(row->nfields ? row->nfields : 1, sizeof *im->header);
	if (!im->header)
		return import_out_of_memory(err);
	for (size_t i = 0; i < row->nfields; i++) {
		const char *s = row->field[i];
		size_t len = row->len[i];
		csv_trim(&s, &len);
		snprintf(im->header[i], sizeof im->header[i], "%.*s", (int)len, s);
	}
	for (int c = 0; c < k->ncolumns; c++) {
		im->col[c] = -1;
		for (int n = 0; n < 6 && k->columns[c].names[n] && im->col[c] < 0; n++)
			im->col[c] = csv_header_index(row, k->columns[c].names[n]);
		if (im->col[c] < 0 && (k->columns[c].flags & IMPORT_REQUIRED))
			return sy_fail(err, SY_EINVAL, "import_missing_column", k->columns[c].field,
				       "文件缺少必需的列：%s", "the file lacks a required column: %s",
				       k->columns[c].names[0]);
	}
	/* The rejected file repeats the file's header with the reason added. */
	for (size_t i = 0; i < im->nheader; i++) {
		csv_write_field(&im->rejected, im->header[i]);
		sb_putc(&im->rejected, ',');
	}
	csv_write_field(&im->rejected, "错误原因");
	csv_write_row_end(&im->rejected);
	return SY_OK;
}

static const char *column_name(const struct importer *im, const char *field)
{
	const struct import_kind *k = im->kind;
	for (int c = 0; c < k->ncolumns; c++)
		if (field && strcmp(k->columns[c].field, field) == 0 && im->col[c] >= 0 &&
		    (size_t)im->col[c] < im->nheader)
			return im->header[im->col[c]];
	return field && *field ? field : "";
}

static void reject(struct importer *im, const struct csv_row *row, const sy_err *e)
{
	struct import_report *rep = im->c.rep;
	rep->invalid++;
	if (json_array_size(rep->problems) < IMPORT_MAX_PROBLEMS_LISTED)
		json_array_append_new(rep->problems, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}",
			"row", (json_int_t)row->line, "column", column_name(im, e->field), "field", e->field,
			"code", e->code, "message_zh", e->msg_zh, "message_en", e->msg_en));
	for (size_t i = 0; i < im->nheader; i++) {
		const char *f = i < row->nfields ? row->field[i] : "";
		csv_write_field(&im->rejected, f);
		sb_putc(&im->rejected, ',');
	}
	char reason[400];
	snprintf(reason, sizeof reason, "第%zu行 %s：%s", row->line, column_name(im, e->field), e->msg_zh);
	csv_write_field(&im->rejected, reason);
	csv_write_row_end(&im->rejected);
}

/* One data row: its cells by column, the checks every kind shares, then the kind's. */
static sy_status import_one(struct importer *im, const struct csv_row *row, sy_err *e, bool *row_bad)
{
	const struct import_kind *k = im->kind;
	char buf[IMPORT_MAX_COLUMNS][IMPORT_CELL_MAX];
	struct import_row r = {.line = row->line};
	*row_bad = true;
	for (int c = 0; c < k->ncolumns; c++) {
		r.cell[c] = cell(row, im->col[c], buf[c], sizeof buf[c]);
		if (r.cell[c] && (k->columns[c].flags & IMPORT_ID_NUMBER) &&
		    id_cell_was_a_number(r.cell[c], im->xlsx, im->col[c]))
			return sy_failf(e, SY_EINVAL, "id_number_was_a_number", k->columns[c].field,
					"身份证号被 Excel 存成了数字，末几位已丢失；请将该列设为文本后重新录入",
					"Excel stored the ID number as a number and lost its last digits; format the column as text");
	}
	if (!k->row_savepoint || !im->c.opt->commit)
		return k->row(&im->c, &r, e, row_bad);
	sy_status st = db_savepoint(im->c.d, e);
	if (st) {
		*row_bad = false;
		return st;
	}
	st = k->row(&im->c, &r, e, row_bad);
	/* Refused while writing (a conflict, a check against the database): the row alone is undone. */
	if (st && !*row_bad && (st == SY_EINVAL || st == SY_ECONFLICT || st == SY_ENOTFOUND || st == SY_EFORBIDDEN))
		*row_bad = true;
	sy_err e2;
	sy_status st2 = st ? db_rollback_to_savepoint(im->c.d, &e2) : db_release_savepoint(im->c.d, &e2);
	if (st2) {
		*e = e2;
		*row_bad = false;
		return st2;
	}
	return st;
}

static sy_status audit_import(struct importer *im, sy_err *err)
{
	const struct import_report *rep = im->c.rep;
	const struct import_options *opt = im->c.opt;
	char action[48];
	snprintf(action, sizeof action, "%s.import", im->kind->name);
	json_t *detail = json_pack("{s:s?, s:s?, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
		"filename", opt->filename, "sha256", opt->digest, "format", rep->format,
		"rows", (json_int_t)rep->rows, "valid", (json_int_t)rep->valid, "invalid", (json_int_t)rep->invalid,
		"inserted", (json_int_t)rep->inserted, "updated", (json_int_t)rep->updated,
		"skipped", (json_int_t)rep->skipped);
	struct audit_event ev = {.action = action, .object_type = im->kind->name,
				 .region_code = im->c.actor->region_code, .detail = detail};
	sy_status st = audit_write(im->c.d, im->c.actor, &ev, err);
	json_decref(detail);
	return st;
}

/* Every data row through import_one; a database failure ends the import. */
static sy_status read_rows(struct importer *im, struct source *src, sy_err *err)
{
	struct csv_row row;
	int more;
	while ((more = source_next(src, &row, err)) > 0) {
		if (csv_row_is_blank(&row))
			continue;
		im->c.rep->rows++;
		sy_err e;
		bool bad;
		sy_err_clear(&e);
		sy_status st = import_one(im, &row, &e, &bad);
		if (bad) {
			reject(im, &row, &e);
		} else if (st) {
			*err = e; /* nothing of this import may land */
			return st;
		} else {
			im->c.rep->valid++;
		}
	}
	return more < 0 ? (err->status ? err->status : SY_EINVAL) : SY_OK;
}

sy_status registry_import(db *d, const struct principal *actor, const struct import_kind *kind,
			  const char *buf, size_t len, const struct import_options *opt,
			  struct import_report *rep, sy_err *err)
{
	struct importer im = {.kind = kind, .c = {.d = d, .actor = actor, .opt = opt, .rep = rep}};
	struct source src;
	struct csv_row row;
	bool opened = false, in_tx = false, begun = false;
	sy_status st;
	int more;

	memset(rep, 0, sizeof *rep);
	rep->format = "csv-utf8";
	rep->problems = json_array();
	sb_init(&im.rejected);
	sb_puts(&im.rejected, "\xEF\xBB\xBF");
	time_now_iso(im.c.now);
	if (kind->ncolumns > IMPORT_MAX_COLUMNS) {
		st = sy_failf(err, SY_EINTERNAL, "internal", NULL, "内部错误", "too many columns for one kind");
		goto out;
	}
	if (!rep->problems || (kind->state_size && !(im.c.state = calloc(1, kind->state_size)))) {
		st = import_out_of_memory(err);
		goto out;
	}
	if ((st = source_open(&src, buf, len, &rep->format, err)))
		goto out;
	opened = true;
	im.xlsx = src.xlsx;
	im.c.rows_hint = src.xlsx ? 0 : count_lines(buf, len);
	if ((more = source_next(&src, &row, err)) <= 0) {
		st = more < 0 ? err->status
			      : sy_failf(err, SY_EINVAL, "import_empty", NULL, "文件为空", "the file is empty");
		goto out;
	}
	if ((st = read_header(&im, &row, err)))
		goto out;
	if (opt->commit) {
		db_bulk_mode(d, true);
		if ((st = db_begin(d, err)))
			goto out;
		in_tx = true;
	}
	begun = true;
	if (kind->begin && (st = kind->begin(&im.c, err)))
		goto out;
	if ((st = read_rows(&im, &src, err)))
		goto out;
	if (opt->commit) {
		if ((kind->finish && (st = kind->finish(&im.c, err))) || (st = audit_import(&im, err)) ||
		    (st = db_commit(d, err)))
			goto out;
		in_tx = false;
	}
	if (im.rejected.oom) {
		st = import_out_of_memory(err);
		goto out;
	}
	rep->rejected_len = im.rejected.len;
	rep->rejected = sb_steal(&im.rejected);
out:
	if (in_tx)
		db_rollback(d);
	if (opt->commit)
		db_bulk_mode(d, false);
	if (opened)
		source_close(&src);
	if (begun && kind->end)
		kind->end(&im.c);
	free(im.c.state);
	sb_free(&im.rejected);
	free(im.header);
	if (st) {
		import_report_free(rep);
		rep->inserted = rep->updated = 0;
	}
	return st;
}

void import_report_free(struct import_report *rep)
{
	json_decref(rep->problems);
	rep->problems = NULL;
	free(rep->rejected);
	rep->rejected = NULL;
}

json_t *import_report_json(const struct import_report *rep)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:O}", "format", rep->format,
			 "rows", (json_int_t)rep->rows, "valid", (json_int_t)rep->valid,
			 "invalid", (json_int_t)rep->invalid, "existing", (json_int_t)rep->existing,
			 "inserted", (json_int_t)rep->inserted, "updated", (json_int_t)rep->updated,
			 "skipped", (json_int_t)rep->skipped, "problems", rep->problems ? rep->problems : json_null());
}
