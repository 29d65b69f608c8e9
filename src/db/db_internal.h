/*
 * db_internal.h - the contract between db.c and a backend. Only db.c,
 * db_sqlite.c and db_pg.c include it.
 */
#ifndef SY_DB_INTERNAL_H
#define SY_DB_INTERNAL_H

#include "db.h"
#include "../lib/strbuf.h"

struct db_rows_ops {
	bool (*next)(db_rows *r);
	int (*ncols)(const db_rows *r);
	const char *(*colname)(const db_rows *r, int col);
	bool (*isnull)(const db_rows *r, int col);
	int64_t (*int_)(const db_rows *r, int col);
	double (*dbl)(const db_rows *r, int col);
	const char *(*text)(const db_rows *r, int col);
	void (*free)(db_rows *r);
};

/* Every backend's row set starts with this header. */
struct db_rows {
	const struct db_rows_ops *ops;
};

struct db_ops {
	const char *name;
	/* Open the backend connection for url; NULL with err filled on failure. */
	void *(*open)(const char *url, sy_err *err);
	void (*close)(void *impl);
	sy_status (*exec)(void *impl, const char *sql, sy_err *err);
	sy_status (*query)(void *impl, const char *sql, const db_val *args, int nargs,
			   db_rows **rows, sy_err *err);
	sy_status (*execp)(void *impl, const char *sql, const db_val *args, int nargs,
			   int64_t *changes, sy_err *err);
	bool (*ping)(void *impl);
	sy_status (*backup)(void *impl, const char *url, const char *dest, sy_err *err);
	/*
	 * Optional (NULL when the backend needs none): make db_migrate take turns
	 * with other processes migrating the same database. unlock must be safe
	 * after a failed or lost lock.
	 */
	sy_status (*migrate_lock)(void *impl, sy_err *err);
	void (*migrate_unlock)(void *impl);
	void (*bulk_mode)(void *impl, bool on); /* optional */
	/* Optional: start and end a read snapshot (db_snapshot_begin); end must leave no transaction open. */
	sy_status (*snapshot_begin)(void *impl, sy_err *err);
	void (*snapshot_end)(void *impl);
	const char *begin_sql;
	/* What the portable DDL token @ID@ becomes: an auto-assigned primary key. */
	const char *id_column;
	/*
	 * What the portable DDL token @CLUSTERED@ after a table's closing
	 * parenthesis becomes: rows stored in primary-key order where the
	 * backend can (a counter table read in key ranges), else nothing.
	 */
	const char *clustered_table;
	/*
	 * What the portable DDL token @APPEND_ONLY:<table>@ becomes: statements
	 * (with {T} for the table) that make every UPDATE or DELETE of the
	 * table's rows fail, whoever runs it.
	 */
	const char *append_only_ddl;
	/*
	 * Append to out what the portable DDL token
	 * @SET_CHECK:<table>.<column>:<expression>@ becomes: statements that make
	 * the CHECK constraint of the column `CHECK (<expression>)`, keeping the
	 * table's rows, indexes and triggers and every foreign key pointing at it.
	 * Called inside the migration's transaction; table and column are plain
	 * lower-case identifiers (db.c checks).
	 */
	sy_status (*set_check_ddl)(void *impl, const char *table, const char *column, const char *expr,
				   strbuf *out, sy_err *err);
	/*
	 * The secondary indexes of table $1 that a bulk load may drop and build
	 * again: (name, the statement that creates it), those behind a primary
	 * key or a UNIQUE constraint excluded.
	 */
	const char *secondary_indexes_sql;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

struct db {
	const struct db_ops *ops;
	void *impl;
	bool in_tx;
	bool in_snapshot;
};

#endif
