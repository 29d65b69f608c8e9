/*
 * import.c - the people import. One pass over the file: each row is parsed
 * and validated in memory (regions and existing 身份证号 are loaded once, so a
 * million rows cost no per-row lookups), and with commit written at once
 * inside one transaction that either lands whole or not at all.
 */
#include "import.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "lib/csv.h"
#include "lib/idcard.h"
#include "lib/strbuf.h"
#include "lib/timeutil.h"
#include "lib/xlsx_read.h"
#include "people.h"

static const char SQL_ALL_ID_NUMBERS[] = "SELECT id_number, id, region_code FROM people";
static const char SQL_CATEGORY_INSERT_BULK[] =
	"INSERT INTO person_categories (person_id, category, created_at, updated_at) VALUES ($1, $2, $3, $3)";

/* The columns a file may have, under the names bureaus use. */
enum col { C_ID, C_NAME, C_PHONE, C_REGION, C_ADDRESS, C_HREGION, C_HADDRESS, C_LAT, C_LON, C_CATEGORY, C_STATUS, NCOLS };

static const struct {
	const char *field;
	const char *names[6];
} columns[NCOLS] = {
	[C_ID] = {"id_number", {"身份证号", "身份证号码", "公民身份号码", "id_number"}},
	[C_NAME] = {"name", {"姓名", "name"}},
	[C_PHONE] = {"phone", {"电话", "手机", "手机号", "联系电话", "phone"}},
	[C_REGION] = {"region_code", {"居住地区代码", "地区代码", "region_code"}},
	[C_ADDRESS] = {"address", {"居住地址", "地址", "address"}},
	[C_HREGION] = {"household_region_code", {"户籍地区代码", "household_region_code"}},
	[C_HADDRESS] = {"household_address", {"户籍地址", "household_address"}},
	[C_LAT] = {"lat", {"纬度", "lat"}},
	[C_LON] = {"lon", {"经度", "lon"}},
	[C_CATEGORY] = {"category", {"人员类别", "类别", "category"}},
	[C_STATUS] = {"status", {"状态", "status"}},
};

/* 身份证号 → person id, for the people already registered (open addressing). */
struct id_map {
	struct id_slot {
		char key[19];
		int64_t id;
		char region[REGION_CODE_MAX];
	} *slot;
	size_t cap, n;
};

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct id_slot *map_find(struct id_map *m, const char *key, bool insert)
{
	if (insert && (m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct id_slot *s = calloc(cap, sizeof *s);
		if (!s)
			return NULL;
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
	}
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

static sy_status load_existing(db *d, struct id_map *m, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_ALL_ID_NUMBERS, DB_NOARGS, &r, err);
	while (st == SY_OK && db_next(r)) {
		struct id_slot *s = map_find(m, db_text(r, 0), true);
		if (!s) {
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
			break;
		}
		s->id = db_int(r, 1);
		snprintf(s->region, sizeof s->region, "%s", db_text(r, 2));
	}
	db_rows_free(r);
	return st;
}

/* Either reader behind one interface. */
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

struct importer {
	db *d;
	const struct principal *actor;
	const struct import_options *opt;
	struct import_report *rep;
	struct region_set regions;
	struct id_map existing, seen;
	int col[NCOLS];          /* index in the file, -1 when absent */
	char (*header)[64];      /* the file's own column names, for problems */
	size_t nheader;
	strbuf rejected;
	char now[TIME_ISO_LEN];
	int64_t first_id; /* the first person this import inserted */
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
	im->nheader = row->nfields;
	im->header = calloc(row->nfields ? row->nfields : 1, sizeof *im->header);
	if (!im->header)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	for (size_t i = 0; i < row->nfields; i++) {
		const char *s = row->field[i];
		size_t len = row->len[i];
		csv_trim(&s, &len);
		snprintf(im->header[i], sizeof im->header[i], "%.*s", (int)len, s);
	}
	for (int c = 0; c < NCOLS; c++) {
		im->col[c] = -1;
		for (int k = 0; k < 6 && columns[c].names[k] && im->col[c] < 0; k++)
			im->col[c] = csv_header_index(row, columns[c].names[k]);
	}
	static const enum col required[] = {C_ID, C_NAME, C_REGION};
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (im->col[required[i]] < 0)
			return sy_fail(err, SY_EINVAL, "import_missing_column", columns[required[i]].field,
				       "文件缺少必需的列：%s", "the file lacks a required column: %s",
				       columns[required[i]].names[0]);
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
	for (int c = 0; c < NCOLS; c++)
		if (field && strcmp(columns[c].field, field) == 0 && im->col[c] >= 0 &&
		    (size_t)im->col[c] < im->nheader)
			return im->header[im->col[c]];
	return field && *field ? field : "";
}

static void reject(struct importer *im, const struct csv_row *row, const sy_err *e)
{
	struct import_report *rep = im->rep;
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

/* Categories as codes or Chinese labels, separated by 、 , ; | or spaces. */
static sy_status parse_categories(const char *s, const char **out, int *n, sy_err *err)
{
	char buf[256];
	*n = 0;
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save, *tok = strtok_r(buf, ",;| \t", &save); tok; tok = strtok_r(NULL, ",;| \t", &save)) {
		/* 、 is three bytes in UTF-8: split on it by hand */
		for (char *part = tok; part && *part;) {
			char *sep = strstr(part, "、");
			if (sep)
				*sep = '\0';
			const char *code = person_category_parse(part);
			/* a grade and a cause come with it, which a category column cannot carry */
			if (code && !strcmp(code, "disabled_veteran"))
				return sy_failf(err, SY_EINVAL, "disability_needs_grade", "category",
						"残疾军人须在人员页面登记残疾等级和致残原因",
						"disabled_veteran needs a grade and cause: add it on the person's page");
			if (code && *n < 9)
				out[(*n)++] = code;
			if (!code)
				return sy_fail(err, SY_EINVAL, "invalid_category", "category", "未知的人员类别：%s",
					       "unknown category: %s", part);
			part = sep ? sep + strlen("、") : NULL;
		}
	}
	return SY_OK;
}

static sy_status parse_coord(const char *s, const char *field, double *out, sy_err *err)
{
	char *end;
	*out = strtod(s, &end);
	if (end == s || *end)
		return sy_fail(err, SY_EINVAL, "invalid_coordinates", field, "%s 须为数字", "%s must be a number", field);
	return SY_OK;
}

/* One data row: SY_OK (counted as valid, written with commit) or a row problem in e. */
static sy_status import_row(struct importer *im, const struct csv_row *row, sy_err *e, bool *row_bad)
{
	char b[NCOLS][256], idn[19];
	const char *cats[9];
	int ncats = 0;
	struct person_input in = {0};
	sy_status st;
	*row_bad = true;
	in.id_number = cell(row, im->col[C_ID], b[C_ID], sizeof b[C_ID]);
	in.name = cell(row, im->col[C_NAME], b[C_NAME], sizeof b[C_NAME]);
	in.phone = cell(row, im->col[C_PHONE], b[C_PHONE], sizeof b[C_PHONE]);
	in.region_code = cell(row, im->col[C_REGION], b[C_REGION], sizeof b[C_REGION]);
	in.address = cell(row, im->col[C_ADDRESS], b[C_ADDRESS], sizeof b[C_ADDRESS]);
	in.household_region_code = cell(row, im->col[C_HREGION], b[C_HREGION], sizeof b[C_HREGION]);
	in.household_address = cell(row, im->col[C_HADDRESS], b[C_HADDRESS], sizeof b[C_HADDRESS]);
	in.status = cell(row, im->col[C_STATUS], b[C_STATUS], sizeof b[C_STATUS]);
	const char *lat = cell(row, im->col[C_LAT], b[C_LAT], sizeof b[C_LAT]);
	const char *lon = cell(row, im->col[C_LON], b[C_LON], sizeof b[C_LON]);
	const char *cat = cell(row, im->col[C_CATEGORY], b[C_CATEGORY], sizeof b[C_CATEGORY]);
	if (in.id_number && im->rep->format[0] == 'x' &&
	    xlsx_number_is_lossy(in.id_number, strlen(in.id_number)))
		return sy_failf(e, SY_EINVAL, "invalid_id_number", "id_number",
				"身份证号被 Excel 存成了数字，末几位已丢失；请将该列设为文本后重新录入",
				"Excel stored the ID number as a number and lost its last digits; format the column as text");
	if (lat || lon) {
		if (!lat || !lon)
			return sy_failf(e, SY_EINVAL, "invalid_coordinates", lat ? "lon" : "lat",
					"经纬度须同时填写", "lat and lon go together");
		if ((st = parse_coord(lat, "lat", &in.lat, e)) || (st = parse_coord(lon, "lon", &in.lon, e)))
			return st;
		in.has_coords = true;
	}
	if (cat && (st = parse_categories(cat, cats, &ncats, e)))
		return st;
	if ((st = registry_person_validate(im->d, im->actor, &in, true, &im->regions, idn, e)))
		return st;
	struct id_slot *dup = map_find(&im->seen, idn, false);
	if (dup)
		return sy_fail(e, SY_EINVAL, "duplicate_in_file", "id_number", "与第 %" PRId64 " 行的身份证号重复",
			       "same ID number as row %" PRId64, dup->id);
	struct id_slot *mark = map_find(&im->seen, idn, true);
	if (!mark)
		return sy_failf(e, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	mark->id = (int64_t)row->line;
	struct id_slot *ex = map_find(&im->existing, idn, false);
	/* Someone registered outside the caller's scope is not theirs to update or to learn about. */
	if (ex && !scope_region_allows(im->actor, ex->region))
		return sy_failf(e, SY_EINVAL, "person_out_of_scope", "id_number",
				"该身份证号的人员已在您管辖范围之外建档", "this person is registered outside your scope");
	*row_bad = false;
	im->rep->valid++;
	if (ex) {
		im->rep->existing++;
		if (!im->opt->update_existing) {
			im->rep->skipped++;
			return SY_OK;
		}
		if (im->opt->commit) {
			in.id_number = NULL;
			in.status = NULL; /* status changes are dated: made on the person's page */
			if ((st = registry_person_update(im->d, im->actor, ex->id, &in, e)))
				return st;
		}
		im->rep->updated++;
		return SY_OK;
	}
	if (im->opt->commit) {
		int64_t id;
		if ((st = registry_person_insert(im->d, im->actor, &in, idn, im->now, true, &id, e)))
			return st;
		if (!im->first_id)
			im->first_id = id;
		for (int i = 0; i < ncats; i++)
			if ((st = db_execp(im->d, SQL_CATEGORY_INSERT_BULK, DB_ARGS(DB_I(id), DB_T(cats[i]), DB_T(im->now)),
					   NULL, e)))
				return st;
	}
	im->rep->inserted++;
	return SY_OK;
}

static sy_status audit_import(struct importer *im, sy_err *err)
{
	const struct import_report *rep = im->rep;
	json_t *detail = json_pack("{s:s?, s:s?, s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
		"filename", im->opt->filename, "sha256", im->opt->digest, "format", rep->format,
		"rows", (json_int_t)rep->rows, "valid", (json_int_t)rep->valid, "invalid", (json_int_t)rep->invalid,
		"inserted", (json_int_t)rep->inserted, "updated", (json_int_t)rep->updated,
		"skipped", (json_int_t)rep->skipped);
	struct audit_event ev = {.action = "people.import", .object_type = "people",
				 .region_code = im->actor->region_code, .detail = detail};
	sy_status st = audit_write(im->d, im->actor, &ev, err);
	json_decref(detail);
	return st;
}

sy_status registry_import_people(db *d, const struct principal *actor, const char *buf, size_t len,
				 const struct import_options *opt, struct import_report *rep, sy_err *err)
{
	struct importer im = {.d = d, .actor = actor, .opt = opt, .rep = rep};
	struct source src;
	struct csv_row row;
	bool opened = false, in_tx = false;
	sy_status st;
	int more;

	memset(rep, 0, sizeof *rep);
	rep->format = "csv-utf8";
	rep->problems = json_array();
	sb_init(&im.rejected);
	sb_puts(&im.rejected, "\xEF\xBB\xBF");
	time_now_iso(im.now);
	if (!rep->problems) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	if ((st = source_open(&src, buf, len, &rep->format, err)))
		goto out;
	opened = true;
	if ((more = source_next(&src, &row, err)) <= 0) {
		st = more < 0 ? err->status
			      : sy_failf(err, SY_EINVAL, "import_empty", NULL, "文件为空", "the file is empty");
		goto out;
	}
	if ((st = read_header(&im, &row, err)) || (st = registry_region_set_load(d, &im.regions, err)) ||
	    (st = load_existing(d, &im.existing, err)))
		goto out;
	if (opt->commit) {
		db_bulk_mode(d, true);
		if ((st = db_begin(d, err)))
			goto out;
		in_tx = true;
	}
	while ((more = source_next(&src, &row, err)) > 0) {
		if (csv_row_is_blank(&row))
			continue;
		rep->rows++;
		sy_err e;
		bool bad;
		sy_err_clear(&e);
		st = import_row(&im, &row, &e, &bad);
		if (bad) {
			reject(&im, &row, &e);
			st = SY_OK;
		} else if (st) {
			/* a database failure while writing: nothing of this import may land */
			*err = e;
			goto out;
		}
	}
	if (more < 0) {
		st = err->status ? err->status : SY_EINVAL;
		goto out;
	}
	if (opt->commit) {
		if ((im.first_id && (st = registry_people_finish_bulk(d, actor, im.first_id, im.now, err))) ||
		    (st = audit_import(&im, err)) || (st = db_commit(d, err)))
			goto out;
		in_tx = false;
	}
	if (im.rejected.oom) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
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
	sb_free(&im.rejected);
	registry_region_set_free(&im.regions);
	free(im.existing.slot);
	free(im.seen.slot);
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
