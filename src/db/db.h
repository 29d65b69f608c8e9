/*
 * db.h - one database API over two backends (SQLite, PostgreSQL).
 *
 * SQL is written once, in the dialect both accept, with $1..$n parameters.
 * Statements are named constants in the module that owns them; a connection
 * caches the prepared form of each by the constant's address, so pass the
 * same `const char *` every time (never a string built at run time, unless it
 * is used once). A connection belongs to one thread.
 *
 *   db_rows *rows = NULL;
 *   if (db_query(db, SQL_USER_BY_NAME, DB_ARGS(DB_T(name)), &rows, err))
 *           goto out;
 *   while (db_next(rows)) { ... db_int(rows, 0) ... db_text(rows, 1) ... }
 *   out: db_rows_free(rows);
 *
 * Text returned by db_text is valid until the next db_next or db_rows_free.
 */
#ifndef SY_DB_H
#define SY_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/status.h"

typedef struct db db;
typedef struct db_rows db_rows;

enum db_type { DB_TNULL, DB_TINT, DB_TTEXT, DB_TDOUBLE };

typedef struct db_val {
	enum db_type type;
	int64_t i;
	double d;
	const char *s;
} db_val;

#define DB_I(x) ((db_val){.type = DB_TINT, .i = (int64_t)(x)})
#define DB_D(x) ((db_val){.type = DB_TDOUBLE, .d = (double)(x)})
#define DB_NULL ((db_val){.type = DB_TNULL})
/* Text; a NULL pointer binds SQL NULL. */
#define DB_T(x) db_text_val(x)
/* An integer that is NULL when not positive (optional foreign keys). */
#define DB_IDOPT(x) ((x) > 0 ? DB_I(x) : DB_NULL)

static inline db_val db_text_val(const char *s)
{
	db_val v = {.type = s ? DB_TTEXT : DB_TNULL, .s = s};
	return v;
}

#define DB_ARGS(...) (const db_val[]){__VA_ARGS__}, \
	(int)(sizeof((const db_val[]){__VA_ARGS__}) / sizeof(db_val))
#define DB_NOARGS NULL, 0

/*
 * Open a connection. url: "sqlite:PATH", a plain path, or
 * "postgres://…" / "postgresql://…". NULL on failure with err filled.
 */
db *db_open(const char *url, sy_err *err);
void db_close(db *d);
/* "sqlite" or "postgres". */
const char *db_backend(const db *d);
bool db_is_postgres(const db *d);

/* Run SQL that returns no rows; may hold several statements; no parameters. */
sy_status db_exec(db *d, const char *sql, sy_err *err);

/* Run a statement with parameters. *rows must be freed with db_rows_free. */
sy_status db_query(db *d, const char *sql, const db_val *args, int nargs,
		   db_rows **rows, sy_err *err);

/* Run a statement that returns no rows; *changes (may be NULL) gets the row count. */
sy_status db_execp(db *d, const char *sql, const db_val *args, int nargs,
		   int64_t *changes, sy_err *err);

/*
 * Run a query that returns at most one row with one integer column.
 * SY_ENOTFOUND (no error detail filled) when there is no row.
 */
sy_status db_query_int(db *d, const char *sql, const db_val *args, int nargs,
		       int64_t *out, sy_err *err);

bool db_next(db_rows *r);
int db_ncols(const db_rows *r);
const char *db_colname(const db_rows *r, int col);
bool db_isnull(const db_rows *r, int col);
int64_t db_int(const db_rows *r, int col);          /* 0 when NULL */
double db_double(const db_rows *r, int col);        /* 0 when NULL */
const char *db_text(const db_rows *r, int col);     /* NULL when NULL */
bool db_bool(const db_rows *r, int col);            /* non-zero integer */
void db_rows_free(db_rows *r);

/*
 * Transactions. db_begin starts a write transaction (SQLite: IMMEDIATE, so
 * writers queue at the start instead of failing at commit). Nesting is an
 * error. db_rollback is safe to call when no transaction is open.
 */
sy_status db_begin(db *d, sy_err *err);
sy_status db_commit(db *d, sy_err *err);
void db_rollback(db *d);
bool db_in_tx(const db *d);
/*
 * A savepoint in the open transaction, so that one part of a larger write
 * can fail and be undone alone (on PostgreSQL this also clears the failed
 * state a statement error leaves). Not nested: release or roll back to it
 * before making the next.
 */
sy_status db_savepoint(db *d, sy_err *err);
sy_status db_release_savepoint(db *d, sy_err *err);
sy_status db_rollback_to_savepoint(db *d, sy_err *err);

/*
 * Join the caller's transaction or start one: for domain functions that are
 * called both on their own and as part of a larger change.
 *   bool own; if ((st = db_tx_join(d, &own, err))) return st;
 *   ... st = ...;
 *   return db_tx_finish(d, own, st, err);   (commits only what it started)
 */
sy_status db_tx_join(db *d, bool *own, sy_err *err);
sy_status db_tx_finish(db *d, bool own, sy_status st, sy_err *err);

/*
 * A read snapshot: the queries until db_snapshot_end read in one transaction.
 * SQLite takes and drops a WAL read lock for every transaction, under a
 * mutex all the process's connections share (with a system call inside);
 * a request that reads twice (its token, then its data) takes it once. A
 * write inside is allowed but may fail busy (it cannot wait for a newer
 * snapshot): only for best-effort writes. db_begin inside is an error.
 * PostgreSQL: nothing (a BEGIN and a COMMIT would be two more round trips).
 * db_snapshot_end is safe to call when none is open.
 */
sy_status db_snapshot_begin(db *d, sy_err *err);
void db_snapshot_end(db *d);

/*
 * Apply the migrations not yet recorded in schema_migrations, each in its
 * own transaction. Migrations come from the table the app registers.
 */
struct db_migration {
	int version;
	const char *name;
	const char *sql;
};
sy_status db_migrate(db *d, const struct db_migration *m, int n, int *applied,
		     sy_err *err);
/* Highest applied version, 0 when none. */
int db_schema_version(db *d);

/* A consistent copy of the database: SQLite to a file; PostgreSQL via pg_dump. */
sy_status db_backup(db *d, const char *url, const char *dest, sy_err *err);

/*
 * Bulk loading (imports): a large page cache for this connection while it
 * writes many rows, then back to the default. No-op where it does not apply.
 */
void db_bulk_mode(db *d, bool on);

/* Health: true when the connection answers. Reconnects PostgreSQL if needed. */
bool db_ping(db *d);

/*
 * A bulk load into a table much smaller than the load is faster when the
 * table's secondary indexes are built once at the end (sorted) than kept up
 * row by row. Inside the caller's transaction: drop them (their definitions
 * kept in *saved), load, then db_indexes_rebuild. A rollback restores them.
 * PRIMARY KEY and UNIQUE indexes stay: they keep the data right.
 */
struct db_saved_indexes;
sy_status db_indexes_drop(db *d, const char *table, struct db_saved_indexes **saved, sy_err *err);
/* Create the saved indexes again and free saved (NULL does nothing). */
sy_status db_indexes_rebuild(db *d, struct db_saved_indexes *saved, sy_err *err);
void db_saved_indexes_free(struct db_saved_indexes *saved);

#endif
