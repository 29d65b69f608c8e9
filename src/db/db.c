/*
 * db.c - the backend-neutral half of the database API: dispatch, transactions
 * and migrations. Backend differences live in db_sqlite.c and db_pg.c.
 */
#include "db_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strbuf.h"
#include "../lib/timeutil.h"

static bool is_postgres_url(const char *url)
{
	return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

db *db_open(const char *url, sy_err *err)
{
	if (!url || !*url) {
		sy_failf(err, SY_EINVAL, "invalid_db_url", "db", "数据库地址为空", "database URL is empty");
		return NULL;
	}
	db *d = calloc(1, sizeof *d);
	if (!d) {
		sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		return NULL;
	}
	d->ops = is_postgres_url(url) ? &db_pg_ops : &db_sqlite_ops;
	d->impl = d->ops->open(url, err);
	if (!d->impl) {
		free(d);
		return NULL;
	}
	return d;
}

void db_close(db *d)
{
	if (!d)
		return;
	if (d->in_tx)
		db_rollback(d);
	db_snapshot_end(d);
	d->ops->close(d->impl);
	free(d);
}

const char *db_backend(const db *d)
{
	return d->ops->name;
}

bool db_is_postgres(const db *d)
{
	return d->ops == &db_pg_ops;
}

sy_status db_exec(db *d, const char *sql, sy_err *err)
{
	return d->ops->exec(d->impl, sql, err);
}

sy_status db_query(db *d, const char *sql, const db_val *args, int nargs,
		   db_rows **rows, sy_err *err)
{
	*rows = NULL;
	return d->ops->query(d->impl, sql, args, nargs, rows, err);
}

sy_status db_execp(db *d, const char *sql, const db_val *args, int nargs,
		   int64_t *changes, sy_err *err)
{
	int64_t dummy;
	return d->ops->execp(d->impl, sql, args, nargs, changes ? changes : &dummy, err);
}

sy_status db_query_int(db *d, const char *sql, const db_val *args, int nargs,
		       int64_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, sql, args, nargs, &r, err);
	if (st)
		return st;
	if (db_next(r))
		*out = db_int(r, 0);
	else
		st = SY_ENOTFOUND;
	db_rows_free(r);
	return st;
}

bool db_next(db_rows *r) { return r && r->ops->next(r); }
int db_ncols(const db_rows *r) { return r->ops->ncols(r); }
const char *db_colname(const db_rows *r, int col) { return r->ops->colname(r, col); }
bool db_isnull(const db_rows *r, int col) { return r->ops->isnull(r, col); }
int64_t db_int(const db_rows *r, int col) { return r->ops->int_(r, col); }
double db_double(const db_rows *r, int col) { return r->ops->dbl(r, col); }
const char *db_text(const db_rows *r, int col) { return r->ops->text(r, col); }
bool db_bool(const db_rows *r, int col) { return r->ops->int_(r, col) != 0; }

void db_rows_free(db_rows *r)
{
	if (r)
		r->ops->free(r);
}

sy_status db_begin(db *d, sy_err *err)
{
	if (d->in_tx || d->in_snapshot)
		return sy_failf(err, SY_EINTERNAL, "nested_transaction", NULL,
				"内部错误：事务嵌套", "internal error: nested transaction");
	sy_status st = d->ops->exec(d->impl, d->ops->begin_sql, err);
	if (st == SY_OK)
		d->in_tx = true;
	return st;
}

sy_status db_commit(db *d, sy_err *err)
{
	if (!d->in_tx)
		return sy_failf(err, SY_EINTERNAL, "no_transaction", NULL,
				"内部错误：没有进行中的事务", "internal error: no transaction");
	sy_status st = d->ops->exec(d->impl, "COMMIT", err);
	if (st != SY_OK)
		db_rollback(d);
	d->in_tx = false;
	return st;
}

void db_rollback(db *d)
{
	if (!d->in_tx)
		return;
	d->ops->exec(d->impl, "ROLLBACK", NULL);
	d->in_tx = false;
}

/* One savepoint deep is all callers need; its name is fixed. */
sy_status db_savepoint(db *d, sy_err *err)
{
	return d->ops->exec(d->impl, "SAVEPOINT sy_part", err);
}

sy_status db_release_savepoint(db *d, sy_err *err)
{
	return d->ops->exec(d->impl, "RELEASE SAVEPOINT sy_part", err);
}

sy_status db_rollback_to_savepoint(db *d, sy_err *err)
{
	return d->ops->exec(d->impl, "ROLLBACK TO SAVEPOINT sy_part", err);
}

bool db_in_tx(const db *d)
{
	return d->in_tx;
}

sy_status db_tx_join(db *d, bool *own, sy_err *err)
{
	*own = !d->in_tx;
	return *own ? db_begin(d, err) : SY_OK;
}

sy_status db_snapshot_begin(db *d, sy_err *err)
{
	if (d->in_tx || d->in_snapshot)
		return sy_failf(err, SY_EINTERNAL, "nested_transaction", NULL,
				"内部错误：事务嵌套", "internal error: nested transaction");
	/* Marked on every backend, so that a transaction begun inside fails on both alike. */
	sy_status st = d->ops->snapshot_begin ? d->ops->snapshot_begin(d->impl, err) : SY_OK;
	if (st == SY_OK)
		d->in_snapshot = true;
	return st;
}

void db_snapshot_end(db *d)
{
	if (!d->in_snapshot)
		return;
	if (d->ops->snapshot_end)
		d->ops->snapshot_end(d->impl);
	d->in_snapshot = false;
}

sy_status db_tx_finish(db *d, bool own, sy_status st, sy_err *err)
{
	if (!own)
		return st;
	if (st != SY_OK) {
		db_rollback(d);
		return st;
	}
	return db_commit(d, err);
}

void db_bulk_mode(db *d, bool on)
{
	if (d->ops->bulk_mode)
		d->ops->bulk_mode(d->impl, on);
}

bool db_ping(db *d)
{
	return d->ops->ping(d->impl);
}

struct db_saved_indexes {
	struct db_saved_indexes *next;
	char *name;
	char *create; /* the statement that makes the index */
};

void db_saved_indexes_free(struct db_saved_indexes *saved)
{
	while (saved) {
		struct db_saved_indexes *next = saved->next;
		free(saved->name);
		free(saved->create);
		free(saved);
		saved = next;
	}
}

/* Keep one index's definition (and its name, to drop it). */
static bool save_one(const char *name, const char *create, struct db_saved_indexes **saved)
{
	struct db_saved_indexes *s = calloc(1, sizeof *s);
	if (!s || !(s->create = strdup(create)) || !(s->name = strdup(name))) {
		if (s)
			free(s->create);
		free(s);
		return false;
	}
	s->next = *saved;
	*saved = s;
	return true;
}

sy_status db_indexes_drop(db *d, const char *table, struct db_saved_indexes **saved, sy_err *err)
{
	db_rows *r = NULL;
	*saved = NULL;
	if (!d->in_tx)
		return sy_failf(err, SY_EINTERNAL, "no_transaction", NULL, "内部错误：没有进行中的事务",
				"internal error: indexes are dropped only inside a transaction");
	/* Read the catalog to the end first: SQLite refuses DDL while a read of it is open. */
	sy_status st = db_query(d, d->ops->secondary_indexes_sql, DB_ARGS(DB_T(table)), &r, err);
	while (st == SY_OK && db_next(r))
		if (!save_one(db_text(r, 0), db_text(r, 1), saved))
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	db_rows_free(r);
	for (struct db_saved_indexes *s = *saved; s && st == SY_OK; s = s->next) {
		char drop[200];
		if (strchr(s->name, '"') || snprintf(drop, sizeof drop, "DROP INDEX \"%s\"", s->name) >= (int)sizeof drop)
			st = sy_failf(err, SY_EINTERNAL, "database_error", NULL, "内部错误", "unexpected index name");
		else
			st = d->ops->exec(d->impl, drop, err);
	}
	if (st) {
		db_saved_indexes_free(*saved);
		*saved = NULL;
	}
	return st;
}

sy_status db_indexes_rebuild(db *d, struct db_saved_indexes *saved, sy_err *err)
{
	sy_status st = SY_OK;
	for (struct db_saved_indexes *s = saved; s && st == SY_OK; s = s->next)
		st = d->ops->exec(d->impl, s->create, err);
	db_saved_indexes_free(saved);
	return st;
}

sy_status db_backup(db *d, const char *url, const char *dest, sy_err *err)
{
	return d->ops->backup(d->impl, url, dest, err);
}

/* Append tmpl with every {T} replaced by table. */
static void append_with_table(strbuf *sb, const char *tmpl, const char *table, size_t tlen)
{
	const char *p = tmpl, *hit;
	while ((hit = strstr(p, "{T}"))) {
		sb_append(sb, p, (size_t)(hit - p));
		sb_append(sb, table, tlen);
		p = hit + 3;
	}
	sb_puts(sb, p);
}

/* A plain lower-case SQL identifier of n bytes, safe to splice into DDL unquoted. */
static bool plain_identifier(const char *s, size_t n)
{
	if (n == 0 || n >= 64 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/*
 * The token @SET_CHECK:<table>.<column>:<expression>@ whose body (after the
 * colon) runs from body to end: the backend's statements go to sb.
 */
static sy_status expand_set_check(const db *d, const char *body, const char *end, strbuf *sb, sy_err *err)
{
	const char *dot = memchr(body, '.', (size_t)(end - body));
	const char *colon = dot ? memchr(dot, ':', (size_t)(end - dot)) : NULL;
	if (!colon || !plain_identifier(body, (size_t)(dot - body)) ||
	    !plain_identifier(dot + 1, (size_t)(colon - dot - 1)) || colon + 1 == end)
		return sy_failf(err, SY_EINTERNAL, "database_error", NULL, "迁移脚本有误",
				"malformed @SET_CHECK:<table>.<column>:<expression>@ in a migration");
	char table[64], column[64];
	snprintf(table, sizeof table, "%.*s", (int)(dot - body), body);
	snprintf(column, sizeof column, "%.*s", (int)(colon - dot - 1), dot + 1);
	char *expr = strndup(colon + 1, (size_t)(end - colon - 1));
	if (!expr)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	sy_status st = d->ops->set_check_ddl(d->impl, table, column, expr, sb, err);
	free(expr);
	return st;
}

/*
 * Replace the portable DDL tokens with this backend's spelling: @ID@ (an
 * auto-assigned primary key), @CLUSTERED@ (a table stored in primary-key
 * order where the backend can), @APPEND_ONLY:<table>@ (triggers refusing
 * changes to the table's rows) and @SET_CHECK:<table>.<column>:<expr>@ (a
 * column's CHECK constraint replaced). Runs inside the migration's
 * transaction: the last one reads the schema it changes.
 */
static sy_status dialect_ddl(db *d, const char *sql, char **out, sy_err *err)
{
	static const char *const tokens[] = {"@ID@", "@APPEND_ONLY:", "@SET_CHECK:", "@CLUSTERED@"};
	sy_status st = SY_OK;
	strbuf sb;
	sb_init(&sb);
	const char *p = sql;
	for (;;) {
		const char *hit = NULL;
		int which = -1;
		for (int i = 0; i < 4; i++) {
			const char *h = strstr(p, tokens[i]);
			if (h && (!hit || h < hit)) {
				hit = h;
				which = i;
			}
		}
		if (!hit)
			break;
		sb_append(&sb, p, (size_t)(hit - p));
		const char *body = hit + strlen(tokens[which]), *end = which == 1 || which == 2 ? strchr(body, '@') : body;
		if (which == 0 || which == 3) {
			sb_puts(&sb, which == 0 ? d->ops->id_column : d->ops->clustered_table);
			p = body;
			continue;
		}
		if (!end) { /* not a token after all: keep the text, and the error it will give */
			sb_puts(&sb, hit);
			p = hit + strlen(hit);
			break;
		}
		if (which == 1)
			append_with_table(&sb, d->ops->append_only_ddl, body, (size_t)(end - body));
		else if ((st = expand_set_check(d, body, end, &sb, err)))
			break;
		p = end + 1;
	}
	sb_puts(&sb, p);
	*out = sb_steal(&sb);
	if (st == SY_OK && !*out)
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	if (st) {
		free(*out);
		*out = NULL;
	}
	return st;
}

static const char SQL_MIGRATIONS_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
static const char SQL_MIGRATION_APPLIED[] =
	"SELECT 1 FROM schema_migrations WHERE version = $1";
static const char SQL_MIGRATION_RECORD[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)";
static const char SQL_SCHEMA_VERSION[] =
	"SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

int db_schema_version(db *d)
{
	int64_t v = 0;
	if (db_query_int(d, SQL_SCHEMA_VERSION, DB_NOARGS, &v, NULL))
		return 0;
	return (int)v;
}

/*
 * Apply one migration and record it, in one transaction. The "applied?"
 * check is repeated inside the transaction: another process may have applied
 * it since db_migrate looked (SQLite's BEGIN IMMEDIATE and PostgreSQL's
 * migration lock make the second look reliable). *done says whether it ran.
 */
static sy_status apply_migration(db *d, const struct db_migration *m, bool *done, sy_err *err)
{
	char now[TIME_ISO_LEN];
	char *sql = NULL;
	sy_status st;
	int64_t one;
	*done = false;
	if ((st = db_begin(d, err)))
		goto out;
	st = db_query_int(d, SQL_MIGRATION_APPLIED, DB_ARGS(DB_I(m->version)), &one, err);
	if (st == SY_OK) {
		db_rollback(d);
		goto out;
	}
	if (st != SY_ENOTFOUND)
		goto out;
	if ((st = dialect_ddl(d, m->sql, &sql, err)) || (st = db_exec(d, sql, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_MIGRATION_RECORD,
			   DB_ARGS(DB_I(m->version), DB_T(m->name), DB_T(now)), NULL, err)))
		goto out;
	if ((st = db_commit(d, err)) == SY_OK)
		*done = true;
out:
	if (st)
		db_rollback(d);
	free(sql);
	return st;
}

sy_status db_migrate(db *d, const struct db_migration *m, int n, int *applied, sy_err *err)
{
	sy_status st;
	int count = 0;
	/* Held from before CREATE TABLE IF NOT EXISTS, which itself races on PostgreSQL. */
	if (d->ops->migrate_lock && (st = d->ops->migrate_lock(d->impl, err)))
		return st;
	if ((st = db_exec(d, SQL_MIGRATIONS_TABLE, err)))
		goto out;
	for (int i = 0; i < n; i++) {
		int64_t one;
		bool done;
		st = db_query_int(d, SQL_MIGRATION_APPLIED, DB_ARGS(DB_I(m[i].version)), &one, err);
		if (st == SY_OK)
			continue;
		if (st != SY_ENOTFOUND)
			goto out;
		if ((st = apply_migration(d, &m[i], &done, err)))
			goto out;
		count += done;
	}
	st = SY_OK;
out:
	if (d->ops->migrate_unlock)
		d->ops->migrate_unlock(d->impl);
	if (applied)
		*applied = count;
	return st;
}
