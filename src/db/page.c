#include "page.h"

sy_status db_page(db_rows *r, int limit, db_row_json_fn row_json, json_t **items, int64_t *next,
		  sy_err *err)
{
	json_t *a = json_array();
	int64_t last = 0;
	int n = 0;
	*next = 0;
	*items = NULL;
	while (a && db_next(r)) {
		if (n == limit) {
			*next = last;
			break;
		}
		json_t *item = row_json(r);
		if (!item || json_array_append_new(a, item)) {
			json_decref(a);
			a = NULL;
			break;
		}
		last = db_int(r, 0);
		n++;
	}
	if (!a)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	*items = a;
	return SY_OK;
}

json_t *db_json_real(db_rows *r, int col)
{
	return db_isnull(r, col) ? json_null() : json_real(db_double(r, col));
}
