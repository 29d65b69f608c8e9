#include "registry.h"

#include <stdio.h>
#include <string.h>

#include "db/page.h"
#include "lib/text.h"

static const char SQL_REGIONS[] =
	"SELECT code, name, level, parent_code, lat, lon, population_10k FROM regions"
	" ORDER BY LENGTH(code), code";
static const char SQL_ORGS[] =
	"SELECT o.id, o.name, o.type, o.region_code, r.name, o.address, o.lat, o.lon"
	" FROM orgs o JOIN regions r ON r.code = o.region_code"
	" WHERE o.id > $1 AND o.region_code LIKE $2"
	" AND (CAST($3 AS TEXT) IS NULL OR o.type = $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR o.name LIKE $4 ESCAPE '\\')"
	" AND ($5 = 0 OR o.id = $5)"
	" ORDER BY o.id LIMIT $6";

static json_t *num_or_null(db_rows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_real(db_double(r, col));
}

sy_status registry_regions(db *d, json_t **items, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_REGIONS, DB_NOARGS, &r, err);
	if (st)
		return st;
	json_t *a = json_array();
	while (a && db_next(r))
		json_array_append_new(a, json_pack("{s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:o}",
			"code", db_text(r, 0), "name", db_text(r, 1), "level", db_text(r, 2),
			"parent_code", db_text(r, 3), "lat", num_or_null(r, 4), "lon", num_or_null(r, 5),
			"population_10k", num_or_null(r, 6)));
	db_rows_free(r);
	if (!a)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	*items = a;
	return SY_OK;
}

static json_t *org_row_json(db_rows *r)
{
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o}",
			 "id", (json_int_t)db_int(r, 0), "name", db_text(r, 1), "type", db_text(r, 2),
			 "region_code", db_text(r, 3), "region_name", db_text(r, 4),
			 "address", db_text(r, 5), "lat", num_or_null(r, 6), "lon", num_or_null(r, 7));
}

sy_status registry_orgs(db *d, const struct principal *reader, const struct org_filter *f,
			json_t **items, int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1], q[300];
	db_rows *r = NULL;
	sy_status st;
	*next = 0;
	if (f->region) {
		char prefix[REGION_CODE_MAX];
		if ((st = scope_require_region(reader, f->region, "region", err)))
			return st;
		region_prefix(f->region, prefix);
		snprintf(like, sizeof like, "%s%%", prefix);
	} else {
		scope_region_like(reader, like);
	}
	if (f->q && !text_like_contains(f->q, q, sizeof q))
		return sy_failf(err, SY_EINVAL, "too_long", "q", "搜索词过长", "search text too long");
	/* Organisation roles see only their own organisation, wherever it is. */
	int64_t only = (reader->role & ROLES_ORG) ? (reader->org_id ? reader->org_id : -1) : 0;
	if (only)
		snprintf(like, sizeof like, "%%");
	if ((st = db_query(d, SQL_ORGS,
			   DB_ARGS(DB_I(f->cursor), DB_T(like), DB_T(f->type), DB_T(f->q ? q : NULL),
				   DB_I(only), DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, org_row_json, items, next, err);
	db_rows_free(r);
	return st;
}
