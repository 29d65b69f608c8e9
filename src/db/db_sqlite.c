/*
 * db_sqlite.c - the SQLite backend: WAL, foreign keys, synchronous=FULL,
 * and a per-connection cache of prepared statements keyed by the address of
 * the SQL constant (statements are named constants, so the address is a
 * stable, cheap key).
 */
#include "db_internal.h"

#include <ctype.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE_SIZE 512 /* power of two; more distinct statements just miss */

#define MAX_PARAMS 64

struct stmt_slot;

struct sq_rows {
	struct db_rows base;
	struct sq *c;
	sqlite3_stmt *stmt;
	struct stmt_slot *slot; /* NULL when the statement is ours to finalize (and the rows malloc'd) */
	int state;              /* 0 before first row returned, 1 have row, 2 done */
	bool first_ready;       /* a row was stepped to by query() and not yet given */
};

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
	bool busy; /* a db_rows is reading it */
	/* where $n binds: SQLite numbers "$n" parameters in order of first use */
	unsigned char pidx[MAX_PARAMS];
	/* The rows of the one query reading the statement (busy): no allocation per query. */
	struct sq_rows rows;
};

struct sq {
	sqlite3 *h;
	struct stmt_slot cache[STMT_CACHE_SIZE];
};

static sy_status map_error(struct sq *c, int rc, sy_err *err)
{
	int ext = sqlite3_extended_errcode(c->h);
	const char *msg = sqlite3_errmsg(c->h);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return sy_fail(err, SY_ECONFLICT, "duplicate", NULL, "记录已存在", "record already exists");
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return sy_fail(err, SY_EINVAL, "invalid_reference", NULL, "引用的记录不存在",
			       "referenced record does not exist");
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_CHECK:
		return sy_fail(err, SY_EINVAL, "constraint_violation", NULL, "数据不符合约束：%s",
			       "constraint violated: %s", msg);
	default:
		break;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return sy_fail(err, SY_EUNAVAILABLE, "database_busy", NULL, "数据库繁忙，请重试",
			       "database busy, try again");
	return sy_fail(err, SY_EINTERNAL, "database_error", NULL, "数据库错误：%s",
		       "database error: %s", msg);
}

static const char *strip_prefix(const char *url)
{
	if (strncmp(url, "sqlite://", 9) == 0)
		return url + 9;
	if (strncmp(url, "sqlite:", 7) == 0)
		return url + 7;
	return url;
}

static void sq_close(void *impl)
{
	struct sq *c = impl;
	if (!c)
		return;
	for (int i = 0; i < STMT_CACHE_SIZE; i++)
		sqlite3_finalize(c->cache[i].stmt);
	sqlite3_close_v2(c->h);
	free(c);
}

/*
 * SQLite's memory statistics take one global mutex on every allocation,
 * which serialises the worker threads; nothing here reads them.
 */
static pthread_once_t sq_config_once = PTHREAD_ONCE_INIT;

static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The most of the database file read through a memory map (SQLite caps it at its compile-time maximum). */
#define SQ_MMAP_BYTES "2147418112"

static void *sq_open(const char *url, sy_err *err)
{
	const char *path = strip_prefix(url);
	pthread_once(&sq_config_once, sq_configure);
	struct sq *c = calloc(1, sizeof *c);
	if (!c) {
		sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		return NULL;
	}
	int rc = sqlite3_open_v2(path, &c->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sy_fail(err, SY_EUNAVAILABLE, "database_open_failed", "db", "无法打开数据库 %s",
			"cannot open database %s", path);
		sq_close(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->h, 10000);
	sqlite3_extended_result_codes(c->h, 1);
	/*
	 * Durability before speed: an acknowledged write survives a crash or power loss.
	 * Reads through a memory map: a lookup among a million cards then touches
	 * the kernel's page cache directly instead of a read() and a copy per page
	 * missing from this connection's small cache (the map is address space
	 * shared by all connections, not memory each one holds; writes still go
	 * through the WAL).
	 */
	char *msg = NULL;
	rc = sqlite3_exec(c->h,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			  " PRAGMA temp_store=MEMORY; PRAGMA mmap_size=" SQ_MMAP_BYTES ";",
			  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		sy_fail(err, SY_EUNAVAILABLE, "database_open_failed", "db", "无法设置数据库：%s",
			"cannot configure database: %s", msg ? msg : "?");
		sqlite3_free(msg);
		sq_close(c);
		return NULL;
	}
	return c;
}

static sy_status sq_exec(void *impl, const char *sql, sy_err *err)
{
	struct sq *c = impl;
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	return rc == SQLITE_OK ? SY_OK : map_error(c, rc, err);
}

static struct stmt_slot *cache_slot(struct sq *c, const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 32) & (STMT_CACHE_SIZE - 1);
	return &c->cache[i];
}

/* Record, once per prepared statement, which bind index each $n has. */
static void map_params(sqlite3_stmt *st, unsigned char pidx[MAX_PARAMS])
{
	memset(pidx, 0, MAX_PARAMS);
	int n = sqlite3_bind_parameter_count(st);
	for (int i = 1; i <= n && i < 256; i++) {
		const char *name = sqlite3_bind_parameter_name(st, i);
		if (name && name[0] == '$') {
			long k = strtol(name + 1, NULL, 10);
			if (k >= 1 && k <= MAX_PARAMS)
				pidx[k - 1] = (unsigned char)i;
		}
	}
}

/* Prepare sql (cached when possible) and bind args. */
static sy_status prepare(struct sq *c, const char *sql, const db_val *args, int nargs,
			 sqlite3_stmt **out, struct stmt_slot **slot_out, sy_err *err)
{
	struct stmt_slot *slot = cache_slot(c, sql);
	sqlite3_stmt *st = NULL;
	bool fresh = false;
	if (slot->sql == sql && slot->stmt && !slot->busy) {
		st = slot->stmt;
	} else {
		fresh = true;
		int rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return map_error(c, rc, err);
		if (!slot->busy) {
			sqlite3_finalize(slot->stmt);
			slot->sql = sql;
			slot->stmt = st;
		} else {
			slot = NULL; /* in use (nested query): a private statement */
		}
	}
	unsigned char local[MAX_PARAMS];
	unsigned char *pidx = slot ? slot->pidx : local;
	if (fresh)
		map_params(st, pidx);
	if (slot)
		slot->busy = true;
	if (nargs > MAX_PARAMS)
		nargs = MAX_PARAMS; /* no statement here has more; extra arguments would be unused */
	for (int i = 0; i < nargs; i++) {
		int idx = pidx[i];
		if (idx == 0)
			continue; /* parameter not used by this statement */
		int rc;
		switch (args[i].type) {
		case DB_TINT: rc = sqlite3_bind_int64(st, idx, args[i].i); break;
		case DB_TDOUBLE: rc = sqlite3_bind_double(st, idx, args[i].d); break;
		case DB_TTEXT: rc = sqlite3_bind_text(st, idx, args[i].s, -1, SQLITE_STATIC); break;
		default: rc = sqlite3_bind_null(st, idx); break;
		}
		if (rc != SQLITE_OK) {
			sy_status s = map_error(c, rc, err);
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			if (slot)
				slot->busy = false;
			else
				sqlite3_finalize(st);
			return s;
		}
	}
	*out = st;
	*slot_out = slot;
	return SY_OK;
}

static void release(sqlite3_stmt *st, struct stmt_slot *slot)
{
	if (slot) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		slot->busy = false;
	} else {
		sqlite3_finalize(st);
	}
}

static const struct db_rows_ops sq_rows_ops;

static sy_status sq_query(void *impl, const char *sql, const db_val *args, int nargs,
			  db_rows **rows, sy_err *err)
{
	struct sq *c = impl;
	sqlite3_stmt *st;
	struct stmt_slot *slot;
	sy_status s = prepare(c, sql, args, nargs, &st, &slot, err);
	if (s)
		return s;
	/* Step once now so that errors (a constraint in INSERT … RETURNING) reach the caller. */
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		s = map_error(c, rc, err);
		release(st, slot);
		return s;
	}
	struct sq_rows *r = slot ? &slot->rows : malloc(sizeof *r);
	if (!r) {
		release(st, slot);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	memset(r, 0, sizeof *r);
	r->base.ops = &sq_rows_ops;
	r->c = c;
	r->stmt = st;
	r->slot = slot;
	r->first_ready = rc == SQLITE_ROW;
	r->state = rc == SQLITE_ROW ? 0 : 2;
	*rows = &r->base;
	return SY_OK;
}

static sy_status sq_execp(void *impl, const char *sql, const db_val *args, int nargs,
			  int64_t *changes, sy_err *err)
{
	struct sq *c = impl;
	sqlite3_stmt *st;
	struct stmt_slot *slot;
	sy_status s = prepare(c, sql, args, nargs, &st, &slot, err);
	if (s)
		return s;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		s = map_error(c, rc, err);
	else
		*changes = sqlite3_changes64(c->h);
	release(st, slot);
	return s;
}

static bool sq_next(db_rows *base)
{
	struct sq_rows *r = (struct sq_rows *)base;
	if (r->state == 2)
		return false;
	if (r->first_ready) {
		r->first_ready = false;
		r->state = 1;
		return true;
	}
	int rc = sqlite3_step(r->stmt);
	if (rc == SQLITE_ROW)
		return true;
	r->state = 2;
	return false;
}

static int sq_ncols(const db_rows *b) { return sqlite3_column_count(((const struct sq_rows *)b)->stmt); }
static const char *sq_colname(const db_rows *b, int col) { return sqlite3_column_name(((const struct sq_rows *)b)->stmt, col); }
static bool sq_isnull(const db_rows *b, int col) { return sqlite3_column_type(((const struct sq_rows *)b)->stmt, col) == SQLITE_NULL; }
static int64_t sq_int(const db_rows *b, int col) { return sqlite3_column_int64(((const struct sq_rows *)b)->stmt, col); }
static double sq_dbl(const db_rows *b, int col) { return sqlite3_column_double(((const struct sq_rows *)b)->stmt, col); }

/* NULL for SQL NULL: sqlite3_column_text says so itself (a type check first would decode the column twice). */
static const char *sq_text(const db_rows *b, int col)
{
	return (const char *)sqlite3_column_text(((const struct sq_rows *)b)->stmt, col);
}

static void sq_rows_free(db_rows *b)
{
	struct sq_rows *r = (struct sq_rows *)b;
	struct stmt_slot *slot = r->slot;
	release(r->stmt, slot); /* after this the slot, and rows inside it, may be reused */
	if (!slot)
		free(r);
}

static const struct db_rows_ops sq_rows_ops = {
	.next = sq_next, .ncols = sq_ncols, .colname = sq_colname, .isnull = sq_isnull,
	.int_ = sq_int, .dbl = sq_dbl, .text = sq_text, .free = sq_rows_free,
};

/*
 * A deferred BEGIN takes no lock: the first read starts the one read
 * transaction that the following reads share. The statements are prepared
 * once (the cache), not parsed per request as sqlite3_exec would.
 */
static const char SQ_SNAPSHOT_BEGIN[] = "BEGIN DEFERRED";
static const char SQ_SNAPSHOT_COMMIT[] = "COMMIT";
static const char SQ_SNAPSHOT_ROLLBACK[] = "ROLLBACK";

static sy_status sq_snapshot_begin(void *impl, sy_err *err)
{
	int64_t changes;
	return sq_execp(impl, SQ_SNAPSHOT_BEGIN, NULL, 0, &changes, err);
}

/* COMMIT keeps a best-effort write made inside; if it cannot, nothing is left open. */
static void sq_snapshot_end(void *impl)
{
	struct sq *c = impl;
	int64_t changes;
	if (sq_execp(impl, SQ_SNAPSHOT_COMMIT, NULL, 0, &changes, NULL) != SY_OK && !sqlite3_get_autocommit(c->h))
		sq_execp(impl, SQ_SNAPSHOT_ROLLBACK, NULL, 0, &changes, NULL);
}

/* 256 MiB of page cache while importing: index inserts then stay in memory. */
static void sq_bulk_mode(void *impl, bool on)
{
	struct sq *c = impl;
	/*
	 * A bulk writer checks its references itself (the importer validates
	 * every region; the index rows it derives point at rows it just wrote),
	 * so the per-row foreign-key lookups are skipped. The pragma takes
	 * effect outside a transaction, which is where callers switch.
	 */
	sqlite3_exec(c->h, on ? "PRAGMA cache_size=-262144; PRAGMA foreign_keys=OFF"
			      : "PRAGMA cache_size=-2000; PRAGMA foreign_keys=ON", NULL, NULL, NULL);
}

static bool sq_ping(void *impl)
{
	struct sq *c = impl;
	return sqlite3_exec(c->h, "SELECT 1", NULL, NULL, NULL) == SQLITE_OK;
}

/* The online backup API copies a consistent snapshot while others keep writing. */
static sy_status sq_backup(void *impl, const char *url, const char *dest, sy_err *err)
{
	(void)url;
	struct sq *c = impl;
	sqlite3 *out = NULL;
	sy_status s = SY_OK;
	if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		s = sy_fail(err, SY_EINVAL, "backup_failed", "dest", "无法创建备份文件 %s",
			    "cannot create backup file %s", dest);
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", c->h, "main");
	if (!b) {
		s = sy_fail(err, SY_EINTERNAL, "backup_failed", NULL, "备份失败：%s",
			    "backup failed: %s", sqlite3_errmsg(out));
		goto out;
	}
	int rc;
	while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY ||
	       rc == SQLITE_LOCKED)
		sqlite3_sleep(5);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		s = sy_fail(err, SY_EINTERNAL, "backup_failed", NULL, "备份失败：%s",
			    "backup failed: %s", sqlite3_errstr(rc));
out:
	sqlite3_close_v2(out);
	return s;
}

/* ---- a column's CHECK replaced (the table rebuilt) ------------------------ */

static bool sq_ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* The index just past the quoted run that starts at s[i] ('…', "…", `…` or […]). */
static size_t sq_skip_quoted(const char *s, size_t i)
{
	char close = s[i] == '[' ? ']' : s[i];
	for (i++; s[i]; i++) {
		if (s[i] != close)
			continue;
		if (close != ']' && s[i + 1] == close) { /* a doubled quote inside */
			i++;
			continue;
		}
		return i + 1;
	}
	return i;
}

/* Does the column definition starting at s[i] (blanks skipped) define column? */
static bool sq_defines_column(const char *s, size_t i, const char *column)
{
	size_t n = strlen(column);
	while (isspace((unsigned char)s[i]))
		i++;
	if (s[i] == '"' && strncmp(s + i + 1, column, n) == 0 && s[i + 1 + n] == '"')
		return true;
	return strncasecmp(s + i, column, n) == 0 && !sq_ident_char(s[i + n]);
}

/*
 * In a stored CREATE TABLE statement, the parenthesised expression of the
 * column's CHECK: sql[*open] is its '(' and sql[*close] the matching ')'.
 * Quoted text and nested parentheses are skipped; false when the column has
 * no CHECK.
 */
static bool sq_find_column_check(const char *sql, const char *column, size_t *open, size_t *close)
{
	int depth = 0;
	bool in_column = false;
	for (size_t i = 0; sql[i];) {
		char ch = sql[i];
		if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
			i = sq_skip_quoted(sql, i);
			continue;
		}
		if (ch == '(' || ch == ')' || ch == ',') {
			depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
			/* a definition starts after the table's '(' and after each ',' at its level */
			if (depth == 1 && ch != ')')
				in_column = sq_defines_column(sql, i + 1, column);
			i++;
			continue;
		}
		if (in_column && depth == 1 && strncasecmp(sql + i, "CHECK", 5) == 0 && !sq_ident_char(sql[i + 5]) &&
		    (i == 0 || !sq_ident_char(sql[i - 1]))) {
			size_t j = i + 5;
			while (isspace((unsigned char)sql[j]))
				j++;
			if (sql[j] != '(')
				return false;
			*open = j;
			for (int d = 0; sql[j];) {
				if (sql[j] == '\'' || sql[j] == '"' || sql[j] == '`' || sql[j] == '[') {
					j = sq_skip_quoted(sql, j);
					continue;
				}
				d += sql[j] == '(' ? 1 : sql[j] == ')' ? -1 : 0;
				if (d == 0) {
					*close = j;
					return true;
				}
				j++;
			}
			return false;
		}
		i += sq_ident_char(ch) ? strspn(sql + i, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
				       : 1;
	}
	return false;
}

/* The text of one column of one row of sql (one text parameter), copied into out; false when none. */
static bool sq_query_texts(struct sq *c, const char *sql, const char *param, strbuf *out, const char *sep)
{
	sqlite3_stmt *st = NULL;
	bool any = false;
	if (sqlite3_prepare_v2(c->h, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (!t)
			continue;
		sb_puts(out, t);
		sb_puts(out, sep);
		any = true;
	}
	sqlite3_finalize(st);
	return any;
}

/*
 * SQLite cannot alter a CHECK: the table is rebuilt from its stored
 * definition with the one expression replaced. The rows wait in a temporary
 * copy; DROP TABLE would break the foreign keys pointing at the table (its
 * implicit DELETE), so they are deferred to COMMIT, by which time the rows
 * are back under the same ids in the new table of the same name (the
 * re-insert settles the deferred count). Indexes and triggers are created
 * again from their stored text; the AUTOINCREMENT counter is kept.
 */
static sy_status sq_set_check_ddl(void *impl, const char *table, const char *column, const char *expr,
				  strbuf *out, sy_err *err)
{
	struct sq *c = impl;
	strbuf create, others, seq;
	size_t open, close;
	sy_status st = SY_OK;
	sb_init(&create);
	sb_init(&others);
	sb_init(&seq);
	if (!sq_query_texts(c, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", table, &create, "") ||
	    !sq_find_column_check(sb_str(&create), column, &open, &close)) {
		st = sy_fail(err, SY_EINTERNAL, "database_error", NULL, "迁移脚本有误：%s 没有 CHECK 约束",
			     "migration: %s has no CHECK constraint to replace", column);
		goto out;
	}
	sq_query_texts(c, "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ?1"
			  " AND sql IS NOT NULL ORDER BY type, name", table, &others, ";\n");
	sq_query_texts(c, "SELECT CAST(seq AS TEXT) FROM sqlite_sequence WHERE name = ?1", table, &seq, "");
	const char *def = sb_str(&create);
	sb_printf(out, "PRAGMA defer_foreign_keys = ON;\n"
		       "CREATE TEMP TABLE sy_rebuild_%s AS SELECT * FROM %s;\n"
		       "DROP TABLE %s;\n", table, table, table);
	sb_append(out, def, open);
	sb_printf(out, "(%s)%s;\n", expr, def + close + 1);
	sb_printf(out, "INSERT INTO %s SELECT * FROM temp.sy_rebuild_%s;\nDROP TABLE temp.sy_rebuild_%s;\n", table,
		  table, table);
	sb_puts(out, sb_str(&others));
	if (seq.len) /* seq is digits from SQLite itself */
		sb_printf(out, "DELETE FROM sqlite_sequence WHERE name = '%s';\n"
			       "INSERT INTO sqlite_sequence (name, seq) VALUES ('%s', %s)", table, table, sb_str(&seq));
	if (out->oom || create.oom || others.oom || seq.oom)
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
out:
	sb_free(&create);
	sb_free(&others);
	sb_free(&seq);
	return st;
}

const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.query = sq_query,
	.execp = sq_execp,
	.ping = sq_ping,
	.backup = sq_backup,
	.bulk_mode = sq_bulk_mode,
	.snapshot_begin = sq_snapshot_begin,
	.snapshot_end = sq_snapshot_end,
	.set_check_ddl = sq_set_check_ddl,
	.begin_sql = "BEGIN IMMEDIATE",
	.id_column = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.clustered_table = " WITHOUT ROWID",
	.append_only_ddl =
		"CREATE TRIGGER {T}_no_update BEFORE UPDATE ON {T}"
		" BEGIN SELECT RAISE(ABORT, '{T} is append-only'); END;"
		" CREATE TRIGGER {T}_no_delete BEFORE DELETE ON {T}"
		" BEGIN SELECT RAISE(ABORT, '{T} is append-only'); END",
	/* sql is NULL for the automatic indexes of PRIMARY KEY and UNIQUE */
	.secondary_indexes_sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1"
				 " AND sql IS NOT NULL ORDER BY name",
};
