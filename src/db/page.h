/*
 * page.h - one page of a keyset-paged list as JSON. The query must select
 * LIMIT limit + 1 rows with the row's id in column 0: the extra row only
 * tells whether there is a next page, whose cursor is the last id shown.
 */
#ifndef SY_PAGE_H
#define SY_PAGE_H

#include <jansson.h>

#include "db.h"

typedef json_t *(*db_row_json_fn)(db_rows *r);

/* A nullable number column as JSON: the number, or null. */
json_t *db_json_real(db_rows *r, int col);

/* Consume r (the caller still frees it); *items is a new array. */
sy_status db_page(db_rows *r, int limit, db_row_json_fn row_json, json_t **items, int64_t *next,
		  sy_err *err);

#endif
