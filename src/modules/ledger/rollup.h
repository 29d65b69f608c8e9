/*
 * rollup.h - inside the ledger module: the counters behind the statistics
 * (rollup.c, 021_ledger_rollup).
 */
#ifndef SY_LEDGER_ROLLUP_H
#define SY_LEDGER_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "db/db.h"

/* The ledger row just written, as the counters group it. */
struct ledger_rollup_row {
	int64_t id, person_id, org_id;
	const char *day;         /* day_cn */
	const char *kind;
	const char *region_code; /* the organisation's; its first six digits are the county */
};

/*
 * Take the counters' state row for the caller's transaction: services then
 * go one at a time on PostgreSQL too (SQLite has one writer anyway), so a
 * usage rule's check sees every use committed before it, whichever server
 * recorded it, and so do the counters.
 */
sy_status ledger_rollup_lock(db *d, sy_err *err);

/* Count the row in the caller's transaction (nothing when the counters were never built). */
sy_status ledger_rollup_add(db *d, const struct ledger_rollup_row *row, sy_err *err);

/* Whether the counters include every ledger row. */
sy_status ledger_rollup_current(db *d, bool *current, sy_err *err);

/*
 * Whether the counters answer for a region scope (a LIKE pattern such as
 * "%" or "1309%"): they include every row, and every service they count
 * lies inside the scope (the city's officer), so the city's totals are the
 * scope's. A county-level prefix at most: the counters know counties.
 */
sy_status ledger_rollup_serves(db *d, const char *like, bool *yes, sy_err *err);

/* A run of buckets of one grain: grain 'y', 'm' or 'd', lo..hi inclusive ('2025', '2025-03', '2025-03-14'). */
struct rollup_range {
	const char *grain;
	char lo[11], hi[11];
};
#define ROLLUP_RANGES_MAX 5

/*
 * Cut the days [from, to] (YYYY-MM-DD, inclusive) into at most five runs of
 * whole years, whole months and single days, each day in exactly one.
 * Returns how many; 0 for an empty or invalid range.
 */
int ledger_rollup_cut(const char *from, const char *to, struct rollup_range out[ROLLUP_RANGES_MAX]);

/*
 * The statistics from the counters (the caller has checked they are
 * current and the scope is the whole city): the totals, and by's items
 * appended to items in the scan's order. from/to NULL: open.
 */
sy_status ledger_rollup_stats(db *d, const char *by, const char *from, const char *to, json_t *items,
			      int64_t *times, int64_t *persons, sy_err *err);

/* One item of the statistics (ledger.c): labels kinds, shared by the scan and the counters. */
sy_status ledger_stats_item(json_t *items, const char *by, const char *key, const char *label, int64_t times,
			    int64_t persons, sy_err *err);

#endif
