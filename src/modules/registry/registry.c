/* registry.c - regions (organisations are orgs.c). */
#include "registry.h"

#include "db/page.h"

static const char SQL_REGIONS[] =
	"SELECT code, name, level, parent_code, lat, lon, population_10k FROM regions"
	" ORDER BY LENGTH(code), code";

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
			"parent_code", db_text(r, 3), "lat", db_json_real(r, 4), "lon", db_json_real(r, 5),
			"population_10k", db_json_real(r, 6)));
	db_rows_free(r);
	if (!a)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	*items = a;
	return SY_OK;
}
