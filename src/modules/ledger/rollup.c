/*
 * rollup.c - the ledger's totals as counters (021_ledger_rollup), so that the
 * dashboard's person-times and distinct persons over ten million rows read a
 * few thousand counter rows.
 *
 * Person-times add up across days; distinct persons do not. Each counter row
 * therefore also carries the day the same person last used the same key
 * before (prev_day): inside any range [from, to] every person has exactly one
 * first day of use, the one whose prev_day is before from. A range is cut
 * into whole years, whole months and single days (each day in exactly one
 * bucket), and its distinct persons are the firsts of those buckets with
 * prev_day < from. Exact, for any range, on both backends.
 *
 * A range that holds a bucket starts on or before the bucket's first day,
 * so a previous day inside the bucket can never count: such rows keep '~'
 * (after every date) instead, and a month or a year holds one row for its
 * returning users and one per earlier day its newcomers came back from.
 *
 * Writers keep the counters in the transaction that writes the ledger row;
 * ledger_rollup_state.max_id says which rows they cover. Rows written around
 * the application (a bulk load by SQL) leave MAX(ledger.id) above max_id, and
 * the statistics then read the ledger itself until `shuangyong ledger rollup`
 * rebuilds the counters.
 */
#include "ledger.h"
#include "rollup.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "db/audit.h"
#include "lib/timeutil.h"

/* ---- writing: one service ------------------------------------------------------------------ */

/*
 * Taking the state row first serialises writers of the counters (on
 * PostgreSQL; SQLite has one writer anyway): the person's history read next
 * then includes every committed use, and a rebuild holding the row cannot
 * miss a row written while it runs. No row changed: never built, nothing
 * to keep.
 */
static const char SQL_STATE_ADVANCE[] =
	"UPDATE ledger_rollup_state SET max_id = CASE WHEN max_id < $1 THEN $1 ELSE max_id END"
	" WHERE id = 1 AND max_id >= 0";
static const char SQL_STATE_LOCK[] = "UPDATE ledger_rollup_state SET max_id = max_id WHERE id = 1";

sy_status ledger_rollup_lock(db *d, sy_err *err)
{
	return db_execp(d, SQL_STATE_LOCK, DB_NOARGS, NULL, err);
}

/* The person's other uses, and at the organisation's associations. */
static const char SQL_PERSON_USES[] =
	"SELECT day_cn, kind, SUBSTR(region_code, 1, 6), org_id FROM ledger WHERE person_id = $1 AND id <> $2";
static const char SQL_PERSON_ASSOCIATION_USES[] =
	"SELECT l.day_cn, am.association_id FROM ledger l JOIN association_members am ON am.member_id = l.org_id"
	" WHERE l.person_id = $1 AND l.id <> $2"
	" AND am.association_id IN (SELECT association_id FROM association_members WHERE member_id = $3)";
static const char SQL_ORG_ASSOCIATIONS[] =
	"SELECT association_id FROM association_members WHERE member_id = $1 ORDER BY association_id";
static const char SQL_COUNT[] =
	"INSERT INTO ledger_rollup (dim, gkey, grain, bucket, prev_day, uses, firsts) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	" ON CONFLICT (dim, grain, bucket, gkey, prev_day)"
	" DO UPDATE SET uses = ledger_rollup.uses + excluded.uses, firsts = ledger_rollup.firsts + excluded.firsts";

#define ROLLUP_ASSOCIATIONS_MAX 32
#define DIM_KEYS_MAX (4 + ROLLUP_ASSOCIATIONS_MAX)

/* One grouping's key for the new row, and what the person's history says of it. */
struct dim_key {
	const char *dim;
	char key[24];
	char prev[11]; /* the latest earlier day of use ('' none) */
	char next[11]; /* the earliest later day of use ('' none): a service recorded late */
	bool today;    /* already used on the day */
};

static void saw(struct dim_key *k, const char *day_used, const char *day)
{
	int c = day_used ? strcmp(day_used, day) : 0;
	if (!day_used)
		return;
	if (c == 0)
		k->today = true;
	else if (c < 0 && strcmp(day_used, k->prev) > 0)
		snprintf(k->prev, sizeof k->prev, "%s", day_used);
	else if (c > 0 && (!k->next[0] || strcmp(day_used, k->next) < 0))
		snprintf(k->next, sizeof k->next, "%s", day_used);
}

static sy_status read_history(db *d, const struct ledger_rollup_row *row, struct dim_key *keys, int nkeys,
			      sy_err *err)
{
	char org[24];
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_PERSON_USES, DB_ARGS(DB_I(row->person_id), DB_I(row->id)), &r, err);
	if (st)
		return st;
	while (db_next(r)) {
		const char *day = db_text(r, 0);
		snprintf(org, sizeof org, "%" PRId64, db_int(r, 3));
		saw(&keys[0], day, row->day);
		if (strcmp(db_text(r, 1), keys[1].key) == 0)
			saw(&keys[1], day, row->day);
		if (strcmp(db_text(r, 2), keys[2].key) == 0)
			saw(&keys[2], day, row->day);
		if (strcmp(org, keys[3].key) == 0)
			saw(&keys[3], day, row->day);
	}
	db_rows_free(r);
	if (nkeys == 4)
		return SY_OK;
	r = NULL;
	if ((st = db_query(d, SQL_PERSON_ASSOCIATION_USES,
			   DB_ARGS(DB_I(row->person_id), DB_I(row->id), DB_I(row->org_id)), &r, err)))
		return st;
	while (db_next(r)) {
		snprintf(org, sizeof org, "%" PRId64, db_int(r, 1));
		for (int i = 4; i < nkeys; i++)
			if (strcmp(org, keys[i].key) == 0)
				saw(&keys[i], db_text(r, 0), row->day);
	}
	db_rows_free(r);
	return SY_OK;
}

static sy_status load_keys(db *d, const struct ledger_rollup_row *row, struct dim_key *keys, int *nkeys, sy_err *err)
{
	db_rows *r = NULL;
	memset(keys, 0, sizeof *keys * DIM_KEYS_MAX);
	keys[0].dim = "all";
	keys[1].dim = "kind";
	snprintf(keys[1].key, sizeof keys[1].key, "%s", row->kind);
	keys[2].dim = "region";
	snprintf(keys[2].key, sizeof keys[2].key, "%.6s", row->region_code);
	keys[3].dim = "org";
	snprintf(keys[3].key, sizeof keys[3].key, "%" PRId64, row->org_id);
	*nkeys = 4;
	sy_status st = db_query(d, SQL_ORG_ASSOCIATIONS, DB_ARGS(DB_I(row->org_id)), &r, err);
	if (st)
		return st;
	while (db_next(r) && *nkeys < DIM_KEYS_MAX) {
		keys[*nkeys].dim = "association";
		snprintf(keys[*nkeys].key, sizeof keys[*nkeys].key, "%" PRId64, db_int(r, 0));
		(*nkeys)++;
	}
	db_rows_free(r);
	return SY_OK;
}

/* prev_day of a row whose previous day lies inside its own bucket (it never counts). */
#define IN_BUCKET "~"

/* Add uses and firsts to the key's counters of the day, its month and its year. */
static sy_status count(db *d, const struct dim_key *k, const char *day, const char *prev, int uses, int firsts,
		       sy_err *err)
{
	char year[5], month[8], year_start[11], month_start[11];
	snprintf(year, sizeof year, "%.4s", day);
	snprintf(month, sizeof month, "%.7s", day);
	snprintf(year_start, sizeof year_start, "%.4s-01-01", day);
	snprintf(month_start, sizeof month_start, "%.7s-01", day);
	const char *grains[3][3] = {{"y", year, year_start}, {"m", month, month_start}, {"d", day, day}};
	sy_status st = SY_OK;
	/* Always the same order (grouping, then grain): two writers never wait on each other crosswise. */
	for (int g = 0; g < 3 && !st; g++) {
		const char *in_bucket = strcmp(prev, grains[g][2]) < 0 ? prev : IN_BUCKET;
		st = db_execp(d, SQL_COUNT,
			      DB_ARGS(DB_T(k->dim), DB_T(k->key), DB_T(grains[g][0]), DB_T(grains[g][1]), DB_T(in_bucket),
				      DB_I(uses), DB_I(firsts)),
			      NULL, err);
	}
	return st;
}

sy_status ledger_rollup_add(db *d, const struct ledger_rollup_row *row, sy_err *err)
{
	struct dim_key keys[DIM_KEYS_MAX];
	int nkeys = 0;
	int64_t changed = 0;
	sy_status st = db_execp(d, SQL_STATE_ADVANCE, DB_ARGS(DB_I(row->id)), &changed, err);
	if (st || changed == 0)
		return st;
	if ((st = load_keys(d, row, keys, &nkeys, err)) || (st = read_history(d, row, keys, nkeys, err)))
		return st;
	for (int i = 0; i < nkeys && !st; i++) {
		const struct dim_key *k = &keys[i];
		st = count(d, k, row->day, k->prev, 1, k->today ? 0 : 1, err);
		/*
		 * Recorded after a later day's use (a clock behind, a test): that
		 * day's first use now follows this day, not the one before.
		 */
		if (!st && !k->today && k->next[0] && !(st = count(d, k, k->next, k->prev, 0, -1, err)))
			st = count(d, k, k->next, row->day, 0, 1, err);
	}
	return st;
}

/* ---- rebuilding from the ledger ------------------------------------------------------------ */

/*
 * Day counters of one grouping: a person's uses per key and day, with the
 * person's previous day for that key (LAG), counted per (key, day, prev).
 * KEY is the key's expression over ledger l (and FROM's joins).
 */
#define ROLLUP_DAYS(DIM, KEY, FROM) \
	"INSERT INTO ledger_rollup (dim, gkey, grain, bucket, prev_day, uses, firsts)" \
	" SELECT '" DIM "', k, 'd', day, prev, SUM(n), COUNT(*) FROM (" \
	"SELECT k, day, n, COALESCE(LAG(day) OVER (PARTITION BY k, person_id ORDER BY day), '') AS prev FROM (" \
	"SELECT " KEY " AS k, l.person_id AS person_id, l.day_cn AS day, COUNT(*) AS n FROM " FROM \
	" GROUP BY 1, 2, 3) pd) w GROUP BY k, day, prev"

static const char SQL_REBUILD_LOCK[] = "UPDATE ledger_rollup_state SET max_id = -1 WHERE id = 1";
static const char SQL_REBUILD_CLEAR[] = "DELETE FROM ledger_rollup";
static const char *const SQL_REBUILD_DAYS[] = {
	ROLLUP_DAYS("all", "''", "ledger l"),
	ROLLUP_DAYS("kind", "l.kind", "ledger l"),
	ROLLUP_DAYS("region", "SUBSTR(l.region_code, 1, 6)", "ledger l"),
	ROLLUP_DAYS("org", "CAST(l.org_id AS TEXT)", "ledger l"),
	ROLLUP_DAYS("association", "CAST(am.association_id AS TEXT)",
		    "ledger l JOIN association_members am ON am.member_id = l.org_id"),
};
/* Months add up their days' counters, years their months'; a previous day inside the bucket becomes '~'. */
static const char SQL_REBUILD_MONTHS[] =
	"INSERT INTO ledger_rollup (dim, gkey, grain, bucket, prev_day, uses, firsts)"
	" SELECT dim, gkey, 'm', SUBSTR(bucket, 1, 7),"
	" CASE WHEN prev_day < SUBSTR(bucket, 1, 7) || '-01' THEN prev_day ELSE '" IN_BUCKET "' END,"
	" SUM(uses), SUM(firsts) FROM ledger_rollup WHERE grain = 'd' GROUP BY 1, 2, 3, 4, 5";
static const char SQL_REBUILD_YEARS[] =
	"INSERT INTO ledger_rollup (dim, gkey, grain, bucket, prev_day, uses, firsts)"
	" SELECT dim, gkey, 'y', SUBSTR(bucket, 1, 4),"
	" CASE WHEN prev_day < SUBSTR(bucket, 1, 4) || '-01-01' THEN prev_day ELSE '" IN_BUCKET "' END,"
	" SUM(uses), SUM(firsts) FROM ledger_rollup WHERE grain = 'm' GROUP BY 1, 2, 3, 4, 5";
static const char SQL_REBUILD_DONE[] =
	"UPDATE ledger_rollup_state SET max_id = (SELECT COALESCE(MAX(id), 0) FROM ledger), rebuilt_at = $1 WHERE id = 1";
static const char SQL_ROLLUP_ROWS[] = "SELECT COUNT(*) FROM ledger_rollup";
static const char SQL_STATE[] =
	"SELECT s.max_id, (SELECT COALESCE(MAX(id), 0) FROM ledger) FROM ledger_rollup_state s WHERE s.id = 1";

sy_status ledger_rollup_rebuild(db *d, const struct principal *actor, int64_t *counters, sy_err *err)
{
	char now[TIME_ISO_LEN];
	bool own;
	*counters = 0;
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	time_now_iso(now);
	if (!(st = db_execp(d, SQL_REBUILD_LOCK, DB_NOARGS, NULL, err)))
		st = db_execp(d, SQL_REBUILD_CLEAR, DB_NOARGS, NULL, err);
	for (size_t i = 0; !st && i < sizeof SQL_REBUILD_DAYS / sizeof SQL_REBUILD_DAYS[0]; i++)
		st = db_execp(d, SQL_REBUILD_DAYS[i], DB_NOARGS, NULL, err);
	if (!st && !(st = db_execp(d, SQL_REBUILD_MONTHS, DB_NOARGS, NULL, err)) &&
	    !(st = db_execp(d, SQL_REBUILD_YEARS, DB_NOARGS, NULL, err)) &&
	    !(st = db_execp(d, SQL_REBUILD_DONE, DB_ARGS(DB_T(now)), NULL, err)))
		st = db_query_int(d, SQL_ROLLUP_ROWS, DB_NOARGS, counters, err);
	if (!st && actor) {
		json_t *detail = json_pack("{s:I}", "counters", (json_int_t)*counters);
		struct audit_event ev = {.action = "ledger.rollup", .object_type = "ledger", .detail = detail};
		st = detail ? audit_write(d, actor, &ev, err)
			    : sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		json_decref(detail);
	}
	return db_tx_finish(d, own, st, err);
}

sy_status ledger_rollup_current(db *d, bool *current, sy_err *err)
{
	db_rows *r = NULL;
	*current = false;
	sy_status st = db_query(d, SQL_STATE, DB_NOARGS, &r, err);
	if (st)
		return st;
	if (db_next(r))
		*current = db_int(r, 0) >= 0 && db_int(r, 0) >= db_int(r, 1);
	db_rows_free(r);
	return SY_OK;
}

/* Counted services in a county outside the scope (the county counters of any year). */
static const char SQL_COUNTED_OUTSIDE[] =
	"SELECT COUNT(*) FROM ledger_rollup WHERE dim = 'region' AND grain = 'y' AND gkey NOT LIKE $1";

sy_status ledger_rollup_serves(db *d, const char *like, bool *yes, sy_err *err)
{
	int64_t outside = 0;
	size_t prefix = strlen(like) - (strlen(like) > 0 && like[strlen(like) - 1] == '%');
	sy_status st = ledger_rollup_current(d, yes, err);
	if (st || !*yes || strcmp(like, "%") == 0)
		return st;
	*yes = false;
	if (prefix > 6 || (st = db_query_int(d, SQL_COUNTED_OUTSIDE, DB_ARGS(DB_T(like)), &outside, err)))
		return st;
	*yes = outside == 0;
	return SY_OK;
}

sy_status ledger_rollup_refresh(db *d, bool *rebuilt, int64_t *counters, sy_err *err)
{
	bool current = false;
	*rebuilt = false;
	*counters = 0;
	sy_status st = ledger_rollup_current(d, &current, err);
	if (st || current)
		return st;
	struct principal sys;
	principal_system(&sys, "system");
	*rebuilt = true;
	return ledger_rollup_rebuild(d, &sys, counters, err);
}

/* ---- cutting a range into buckets ---------------------------------------------------------- */

static void set_range(struct rollup_range *r, const char *grain, const char *lo, const char *hi)
{
	r->grain = grain;
	snprintf(r->lo, sizeof r->lo, "%s", lo);
	snprintf(r->hi, sizeof r->hi, "%s", hi);
}

/* Whole months [y1-m1, y2-m2] as at most two month ranges around one year range. */
static int cut_months(int y1, int m1, int y2, int m2, struct rollup_range *out)
{
	char lo[11], hi[11];
	int n = 0;
	if (y1 == y2) {
		if (m1 == 1 && m2 == 12) {
			snprintf(lo, sizeof lo, "%04d", y1);
			set_range(&out[n++], "y", lo, lo);
		} else {
			snprintf(lo, sizeof lo, "%04d-%02d", y1, m1);
			snprintf(hi, sizeof hi, "%04d-%02d", y2, m2);
			set_range(&out[n++], "m", lo, hi);
		}
		return n;
	}
	int ys = y1, ye = y2;
	if (m1 != 1) {
		snprintf(lo, sizeof lo, "%04d-%02d", y1, m1);
		snprintf(hi, sizeof hi, "%04d-12", y1);
		set_range(&out[n++], "m", lo, hi);
		ys++;
	}
	if (m2 != 12) {
		snprintf(lo, sizeof lo, "%04d-01", y2);
		snprintf(hi, sizeof hi, "%04d-%02d", y2, m2);
		set_range(&out[n++], "m", lo, hi);
		ye--;
	}
	if (ys <= ye) {
		snprintf(lo, sizeof lo, "%04d", ys);
		snprintf(hi, sizeof hi, "%04d", ye);
		set_range(&out[n++], "y", lo, hi);
	}
	return n;
}

static bool parse_day(const char *s, int *y, int *m, int *d)
{
	return s && strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d", y, m, d) == 3 && time_valid_date(*y, *m, *d);
}

/*
 * [from, to] as a partial first month (head), whole months y1-m1..y2-m2, and
 * a partial last month (tail), each possibly empty; a range inside one month
 * that is not the whole month is all head. false for an empty or invalid range.
 */
struct month_split {
	bool head, months, tail;
	char head_lo[11], head_hi[11], tail_lo[11], tail_hi[11];
	int y1, m1, y2, m2;
};

static bool split_months(const char *from, const char *to, struct month_split *s)
{
	int d1, d2;
	memset(s, 0, sizeof *s);
	if (!parse_day(from, &s->y1, &s->m1, &d1) || !parse_day(to, &s->y2, &s->m2, &d2) || strcmp(from, to) > 0)
		return false;
	bool head_whole = d1 == 1, tail_whole = d2 == time_days_in_month(s->y2, s->m2);
	if (s->y1 == s->y2 && s->m1 == s->m2 && !(head_whole && tail_whole)) {
		s->head = true;
		snprintf(s->head_lo, sizeof s->head_lo, "%s", from);
		snprintf(s->head_hi, sizeof s->head_hi, "%s", to);
		return true;
	}
	if (!head_whole) {
		s->head = true;
		snprintf(s->head_lo, sizeof s->head_lo, "%s", from);
		snprintf(s->head_hi, sizeof s->head_hi, "%04d-%02d-%02d", s->y1, s->m1, time_days_in_month(s->y1, s->m1));
		if (++s->m1 > 12) {
			s->m1 = 1;
			s->y1++;
		}
	}
	if (!tail_whole) {
		s->tail = true;
		snprintf(s->tail_lo, sizeof s->tail_lo, "%04d-%02d-01", s->y2, s->m2);
		snprintf(s->tail_hi, sizeof s->tail_hi, "%s", to);
		if (--s->m2 < 1) {
			s->m2 = 12;
			s->y2--;
		}
	}
	s->months = s->y1 < s->y2 || (s->y1 == s->y2 && s->m1 <= s->m2);
	return true;
}

int ledger_rollup_cut(const char *from, const char *to, struct rollup_range out[ROLLUP_RANGES_MAX])
{
	struct month_split s;
	int n = 0;
	if (!split_months(from, to, &s))
		return 0;
	if (s.head)
		set_range(&out[n++], "d", s.head_lo, s.head_hi);
	if (s.tail)
		set_range(&out[n++], "d", s.tail_lo, s.tail_hi);
	if (s.months)
		n += cut_months(s.y1, s.m1, s.y2, s.m2, out + n);
	return n;
}

/* ---- reading ------------------------------------------------------------------------------- */

/*
 * One grouping's sums over [from, to] ($2 its first day). Most ranges the
 * dashboard asks for are one bucket (a year, a month): read in key order
 * from the primary key, summed as they come ($3 grain, $4 bucket). Other
 * ranges are up to five runs of buckets ($3.. in threes: grain, lo, hi; an
 * unused run has grain 'x'), each one range of the primary key.
 */
#define ONE_BUCKET \
	"SELECT gkey, SUM(uses) AS t, SUM(CASE WHEN prev_day < $2 THEN firsts ELSE 0 END) AS p FROM ledger_rollup" \
	" WHERE dim = $1 AND grain = $3 AND bucket = $4 GROUP BY gkey"
#define RUN(G, LO, HI) \
	"SELECT gkey, uses, CASE WHEN prev_day < $2 THEN firsts ELSE 0 END AS f FROM ledger_rollup" \
	" WHERE dim = $1 AND grain = $" G " AND bucket BETWEEN $" LO " AND $" HI
#define RUNS \
	"SELECT gkey, SUM(uses) AS t, SUM(f) AS p FROM (" RUN("3", "4", "5") " UNION ALL " RUN("6", "7", "8") \
	" UNION ALL " RUN("9", "10", "11") " UNION ALL " RUN("12", "13", "14") " UNION ALL " RUN("15", "16", "17") \
	") u GROUP BY gkey"
/* Each grouping's answer around its sums (S): labels, order, and for organisations the first 500. */
#define BY_KIND(S) "SELECT x.gkey, x.gkey, x.t, x.p FROM (" S ") x ORDER BY 3 DESC, 1"
#define BY_REGION(S) \
	"SELECT x.gkey, r.name, x.t, x.p FROM (" S ") x LEFT JOIN regions r ON r.code = x.gkey ORDER BY 3 DESC, 1"
#define BY_ORG(S) \
	"SELECT x.gkey, o.name, x.t, x.p FROM (" S " ORDER BY 2 DESC, 1 LIMIT 500) x" \
	" JOIN orgs o ON o.id = CAST(x.gkey AS BIGINT) ORDER BY 3 DESC, 1"
#define BY_ASSOCIATION(S) \
	"SELECT x.gkey, a.name, x.t, x.p FROM (" S ") x JOIN orgs a ON a.id = CAST(x.gkey AS BIGINT) ORDER BY 3 DESC, 1"

struct sums_sql {
	const char *one_bucket, *runs;
};
static const struct sums_sql SUMS_TOTAL = {ONE_BUCKET, RUNS};
static const struct sums_sql SUMS_KIND = {BY_KIND(ONE_BUCKET), BY_KIND(RUNS)};
static const struct sums_sql SUMS_REGION = {BY_REGION(ONE_BUCKET), BY_REGION(RUNS)};
static const struct sums_sql SUMS_ORG = {BY_ORG(ONE_BUCKET), BY_ORG(RUNS)};
static const struct sums_sql SUMS_ASSOCIATION = {BY_ASSOCIATION(ONE_BUCKET), BY_ASSOCIATION(RUNS)};
/* Whole months, each month's persons those whose first use in it has prev_day before the month. */
static const char SQL_SUMS_MONTHS[] =
	"SELECT bucket, SUM(uses), SUM(CASE WHEN prev_day < bucket || '-01' THEN firsts ELSE 0 END) FROM ledger_rollup"
	" WHERE dim = 'all' AND grain = 'm' AND bucket BETWEEN $1 AND $2 GROUP BY bucket ORDER BY bucket";

/* An open end: the calendar's ends as time_valid_date knows it (a ledger day is never outside). */
#define OPEN_FROM "1800-01-01"
#define OPEN_TO "9999-12-31"

/* Run a sums query over [from, to] for dim; *r its rows (none for an empty range). */
static sy_status sums(db *d, const struct sums_sql *sql, const char *dim, const char *from, const char *to,
		      db_rows **r, sy_err *err)
{
	struct rollup_range runs[ROLLUP_RANGES_MAX];
	int n = ledger_rollup_cut(from, to, runs);
	db_val args[17];
	args[0] = DB_T(dim);
	args[1] = DB_T(from);
	if (n == 1 && strcmp(runs[0].lo, runs[0].hi) == 0) {
		args[2] = DB_T(runs[0].grain);
		args[3] = DB_T(runs[0].lo);
		return db_query(d, sql->one_bucket, args, 4, r, err);
	}
	for (int i = 0; i < ROLLUP_RANGES_MAX; i++) {
		args[2 + 3 * i] = DB_T(i < n ? runs[i].grain : "x");
		args[3 + 3 * i] = DB_T(i < n ? runs[i].lo : "");
		args[4 + 3 * i] = DB_T(i < n ? runs[i].hi : "");
	}
	return db_query(d, sql->runs, args, 17, r, err);
}

static sy_status add_rows(db_rows *r, const char *by, json_t *items, sy_err *err)
{
	sy_status st = SY_OK;
	while (!st && db_next(r))
		st = ledger_stats_item(items, by, db_text(r, 0), db_text(r, 1), db_int(r, 2), db_int(r, 3), err);
	return st;
}

/* One partial month [from, to] as an item keyed by its month, when it has uses. */
static sy_status partial_month(db *d, const char *from, const char *to, json_t *items, sy_err *err)
{
	db_rows *r = NULL;
	char month[8];
	sy_status st = sums(d, &SUMS_TOTAL, "all", from, to, &r, err);
	if (st)
		return st;
	snprintf(month, sizeof month, "%.7s", from);
	if (db_next(r) && db_int(r, 1) > 0)
		st = ledger_stats_item(items, "month", month, month, db_int(r, 1), db_int(r, 2), err);
	db_rows_free(r);
	return st;
}

/* by=month: a partial first month, the whole months, a partial last month. */
static sy_status by_month(db *d, const char *from, const char *to, json_t *items, sy_err *err)
{
	struct month_split s;
	char lo[8], hi[8];
	db_rows *r = NULL;
	if (!split_months(from, to, &s))
		return SY_OK;
	sy_status st = s.head ? partial_month(d, s.head_lo, s.head_hi, items, err) : SY_OK;
	if (!st && s.months) {
		snprintf(lo, sizeof lo, "%04d-%02d", s.y1, s.m1);
		snprintf(hi, sizeof hi, "%04d-%02d", s.y2, s.m2);
		if (!(st = db_query(d, SQL_SUMS_MONTHS, DB_ARGS(DB_T(lo), DB_T(hi)), &r, err))) {
			while (!st && db_next(r))
				st = ledger_stats_item(items, "month", db_text(r, 0), db_text(r, 0), db_int(r, 1),
						       db_int(r, 2), err);
			db_rows_free(r);
		}
	}
	if (!st && s.tail)
		st = partial_month(d, s.tail_lo, s.tail_hi, items, err);
	return st;
}

sy_status ledger_rollup_stats(db *d, const char *by, const char *from, const char *to, json_t *items,
			      int64_t *times, int64_t *persons, sy_err *err)
{
	static const struct {
		const char *by, *dim;
		const struct sums_sql *sql;
	} groupings[] = {
		{"kind", "kind", &SUMS_KIND},
		{"region", "region", &SUMS_REGION},
		{"org", "org", &SUMS_ORG},
		{"association", "association", &SUMS_ASSOCIATION},
	};
	db_rows *r = NULL;
	from = from ? from : OPEN_FROM;
	to = to ? to : OPEN_TO;
	*times = *persons = 0;
	sy_status st = sums(d, &SUMS_TOTAL, "all", from, to, &r, err);
	if (st)
		return st;
	if (db_next(r)) {
		*times = db_int(r, 1);
		*persons = db_int(r, 2);
	}
	db_rows_free(r);
	if (strcmp(by, "month") == 0)
		return by_month(d, from, to, items, err);
	for (size_t i = 0; i < sizeof groupings / sizeof groupings[0]; i++) {
		if (strcmp(by, groupings[i].by) != 0)
			continue;
		r = NULL;
		if ((st = sums(d, groupings[i].sql, groupings[i].dim, from, to, &r, err)))
			return st;
		st = add_rows(r, by, items, err);
		db_rows_free(r);
		return st;
	}
	return SY_OK;
}
