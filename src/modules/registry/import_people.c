/*
 * import_people.c - the people import. Regions and the 身份证号 already
 * registered are loaded once, so a million rows cost no per-row lookups;
 * new people are inserted bare and indexed in two set-based statements at
 * the end (registry_people_finish_bulk).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "people.h"

static const char SQL_CATEGORY_INSERT_BULK[] =
	"INSERT INTO person_categories (person_id, category, created_at, updated_at) VALUES ($1, $2, $3, $3)";

/* The columns a file may have, under the names bureaus use. */
enum { C_ID, C_NAME, C_PHONE, C_REGION, C_ADDRESS, C_HREGION, C_HADDRESS, C_LAT, C_LON, C_CATEGORY, C_STATUS, NCOLS };

static const struct import_column columns[NCOLS] = {
	[C_ID] = {"id_number", {"身份证号", "身份证号码", "公民身份号码", "id_number"}, IMPORT_REQUIRED | IMPORT_ID_NUMBER,
		  "130902199001011230"},
	[C_NAME] = {"name", {"姓名", "name"}, IMPORT_REQUIRED, "王建国"},
	[C_PHONE] = {"phone", {"电话", "手机", "手机号", "联系电话", "phone"}, 0, "13800001234"},
	[C_REGION] = {"region_code", {"居住地区代码", "地区代码", "region_code"}, IMPORT_REQUIRED, "130902"},
	[C_ADDRESS] = {"address", {"居住地址", "地址", "address"}, 0, "新华区建设北大街12号"},
	[C_HREGION] = {"household_region_code", {"户籍地区代码", "household_region_code"}, 0, "130902"},
	[C_HADDRESS] = {"household_address", {"户籍地址", "household_address"}, 0, NULL},
	[C_LAT] = {"lat", {"纬度", "lat"}, 0, NULL},
	[C_LON] = {"lon", {"经度", "lon"}, 0, NULL},
	[C_CATEGORY] = {"category", {"人员类别", "类别", "category"}, 0, "退役军人"},
	[C_STATUS] = {"status", {"状态", "status"}, 0, NULL},
};

/*
 * A load at least this big, and at least as big as the registry already is,
 * builds the secondary indexes of the tables it fills once at the end
 * (sorted) instead of row by row: a first load of a county's or the city's
 * records takes a fraction of the time. Smaller loads keep the indexes, so
 * a daily import never rebuilds a large registry's indexes.
 */
#define BULK_INDEX_REBUILD_MIN_ROWS 50000
static const char *const bulk_tables[] = {"people", "people_name_grams", "person_status_history", "person_categories"};
#define NBULK (sizeof bulk_tables / sizeof bulk_tables[0])

struct people_state {
	struct region_set regions;
	struct id_map existing, seen;
	int64_t first_id; /* the first person this import inserted */
	struct db_saved_indexes *dropped[NBULK];
};

static sy_status people_begin(struct import_ctx *c, sy_err *err)
{
	struct people_state *s = c->state;
	sy_status st;
	if ((st = registry_region_set_load(c->d, &s->regions, err)) ||
	    (st = import_map_load_people(c->d, &s->existing, err)))
		return st;
	if (!c->opt->commit || c->rows_hint < BULK_INDEX_REBUILD_MIN_ROWS || c->rows_hint < s->existing.n)
		return SY_OK;
	for (size_t i = 0; i < NBULK && st == SY_OK; i++)
		st = db_indexes_drop(c->d, bulk_tables[i], &s->dropped[i], err);
	return st;
}

/* Categories as codes or Chinese labels, separated by 、 , ; | or spaces. */
static sy_status parse_categories(const char *s, const char **out, int *n, sy_err *err)
{
	char buf[IMPORT_CELL_MAX];
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

/* A valid row of someone already registered: skipped, or updated with commit. */
static sy_status update_existing(struct import_ctx *c, const struct id_slot *ex, struct person_input *in,
				 sy_err *e)
{
	if (import_skip_existing(c))
		return SY_OK;
	if (c->opt->commit) {
		in->id_number = NULL;
		in->status = NULL; /* status changes are dated: made on the person's page */
		sy_status st = registry_person_update(c->d, c->actor, ex->id, in, e);
		if (st)
			return st;
	}
	c->rep->updated++;
	return SY_OK;
}

static sy_status insert_new(struct import_ctx *c, const struct person_input *in, const char *idn,
			    const char *const *cats, int ncats, sy_err *e)
{
	struct people_state *s = c->state;
	sy_status st;
	if (c->opt->commit) {
		int64_t id;
		if ((st = registry_person_insert(c->d, c->actor, in, idn, c->now, true, &id, e)))
			return st;
		if (!s->first_id)
			s->first_id = id;
		for (int i = 0; i < ncats; i++)
			if ((st = db_execp(c->d, SQL_CATEGORY_INSERT_BULK, DB_ARGS(DB_I(id), DB_T(cats[i]), DB_T(c->now)),
					   NULL, e)))
				return st;
	}
	c->rep->inserted++;
	return SY_OK;
}

static sy_status people_row(struct import_ctx *c, const struct import_row *row, sy_err *e, bool *row_bad)
{
	struct people_state *s = c->state;
	const char *const *v = row->cell;
	char idn[19];
	const char *cats[9];
	int ncats = 0;
	struct person_input in = {
		.id_number = v[C_ID], .name = v[C_NAME], .phone = v[C_PHONE], .region_code = v[C_REGION],
		.address = v[C_ADDRESS], .household_region_code = v[C_HREGION],
		.household_address = v[C_HADDRESS], .status = v[C_STATUS],
	};
	sy_status st;
	*row_bad = true;
	if ((st = import_parse_coords(v[C_LAT], v[C_LON], &in.has_coords, &in.lat, &in.lon, e)) ||
	    (v[C_CATEGORY] && (st = parse_categories(v[C_CATEGORY], cats, &ncats, e))) ||
	    (st = registry_person_validate(c->d, c->actor, &in, true, &s->regions, idn, e)))
		return st;
	struct id_slot *dup = import_map_find(&s->seen, idn, false);
	if (dup)
		return sy_fail(e, SY_EINVAL, "duplicate_in_file", "id_number", "与第 %" PRId64 " 行的身份证号重复",
			       "same ID number as row %" PRId64, dup->id);
	struct id_slot *mark = import_map_find(&s->seen, idn, true);
	if (!mark)
		return import_out_of_memory(e);
	mark->id = (int64_t)row->line;
	struct id_slot *ex = import_map_find(&s->existing, idn, false);
	/* Someone registered outside the caller's scope is not theirs to update or to learn about. */
	if (ex && !scope_region_allows(c->actor, ex->region))
		return sy_failf(e, SY_EINVAL, "person_out_of_scope", "id_number",
				"该身份证号的人员已在您管辖范围之外建档", "this person is registered outside your scope");
	*row_bad = false;
	return ex ? update_existing(c, ex, &in, e) : insert_new(c, &in, idn, cats, ncats, e);
}

static sy_status people_finish(struct import_ctx *c, sy_err *err)
{
	struct people_state *s = c->state;
	sy_status st = s->first_id ? registry_people_finish_bulk(c->d, c->actor, s->first_id, c->now, err) : SY_OK;
	for (size_t i = 0; i < NBULK; i++) {
		if (st == SY_OK)
			st = db_indexes_rebuild(c->d, s->dropped[i], err);
		else
			db_saved_indexes_free(s->dropped[i]);
		s->dropped[i] = NULL;
	}
	return st;
}

static void people_end(struct import_ctx *c)
{
	struct people_state *s = c->state;
	registry_region_set_free(&s->regions);
	import_map_free(&s->existing);
	import_map_free(&s->seen);
	for (size_t i = 0; i < NBULK; i++)
		db_saved_indexes_free(s->dropped[i]); /* not rebuilt: the rollback keeps them */
}

const struct import_kind import_people_kind = {
	.name = "people", .label_zh = "人员", .columns = columns, .ncolumns = NCOLS,
	.state_size = sizeof(struct people_state),
	.begin = people_begin, .row = people_row, .finish = people_finish, .end = people_end,
};
