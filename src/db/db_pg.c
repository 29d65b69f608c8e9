/*
 * db_pg.c - the PostgreSQL backend on libpq.
 *
 * The same SQL text as SQLite ($1..$n parameters, portable DDL). Each
 * distinct statement is prepared once per session (PQprepare, name "s<N>")
 * and found again by the address of its SQL constant, as in db_sqlite.c.
 * Parameters travel as text; integers and doubles are declared int8/float8
 * so the server need not guess, text is left for the server to infer from
 * context.
 *
 * The connection survives a server restart: every call first checks the
 * session and, if it is gone, resets it once; the prepared statements died
 * with the old session, so the cache is emptied. A transaction that was open
 * when the session died is gone too, so the connection refuses everything
 * but ROLLBACK (or a fresh BEGIN) until the caller has noticed: statements
 * that belonged to it must not silently autocommit one by one.
 */
#include "db_internal.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/log.h"

/* PostgreSQL's limit on the parameters of one statement. */
#define PG_MAX_PARAMS 65535
/* Parameter count up to which a call needs no heap allocation. */
#define SMALL_ARGS 16
/* Enough for any int64 or a double printed with %.17g. */
#define NUM_LEN 32

/* Type OIDs from pg_type.h (stable since forever; the header is server-side). */
#define OID_UNKNOWN 0
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

/*
 * Arbitrary, fixed key for the session advisory lock that serializes
 * db_migrate among servers starting at once against one database.
 */
#define MIGRATE_LOCK_KEY "7301532840187390011"

struct stmt {
	const char *sql; /* key: the SQL constant's address; NULL = empty slot */
	unsigned id;     /* the server-side name is "s<id>" */
	int nparams;     /* what the server expects: the highest $n in sql */
};

struct pg {
	PGconn *h;
	char *url;           /* for db_backup when no URL is given */
	struct stmt *cache;  /* open addressing; cap is a power of two */
	size_t cap, used;
	unsigned next_id;
	bool in_tx;   /* last seen: the session had a transaction open */
	bool tx_lost; /* the session died inside a transaction the caller has not ended */
	bool down;    /* the last reconnect failed (log once per outage, not per call) */
	bool need_setup; /* a new session has not had session_setup yet */
};

struct pg_rows {
	struct db_rows base;
	PGresult *res;
	int row; /* -1 before the first db_next */
	int nrows;
};

/* ---- errors ---------------------------------------------------------- */

/* The first line of a libpq message, without the "ERROR:  " noise. */
static void first_line(char *dst, size_t cap, const char *src)
{
	if (!src || !*src)
		src = "unknown error";
	size_t n = strcspn(src, "\r\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static sy_status fail_unavailable(sy_err *err)
{
	return sy_failf(err, SY_EUNAVAILABLE, "database_unavailable", NULL,
			"数据库暂时不可用，请稍后重试", "database temporarily unavailable, try again");
}

static bool is_connection_state(const char *state)
{
	return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	       strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0;
}

/*
 * Turn a failed result (or NULL, when libpq could not even build one) into
 * the project's status, by SQLSTATE, with the same codes and messages as
 * db_sqlite.c's map_error so callers need not know the backend.
 */
static sy_status fail_result(struct pg *c, const PGresult *res, sy_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[200];
	first_line(msg, sizeof msg, primary ? primary : PQerrorMessage(c->h));
	if (!state)
		state = "";

	if (PQstatus(c->h) == CONNECTION_BAD || is_connection_state(state)) {
		log_warn("postgres: connection lost: %s", msg);
		return fail_unavailable(err);
	}
	if (strcmp(state, "23505") == 0)
		return sy_fail(err, SY_ECONFLICT, "duplicate", NULL, "记录已存在", "record already exists");
	if (strcmp(state, "23503") == 0)
		return sy_fail(err, SY_EINVAL, "invalid_reference", NULL, "引用的记录不存在",
			       "referenced record does not exist");
	if (strcmp(state, "23502") == 0 || strcmp(state, "23514") == 0)
		return sy_fail(err, SY_EINVAL, "constraint_violation", NULL, "数据不符合约束：%s",
			       "constraint violated: %s", msg);
	/* Serialization failure, deadlock, lock timeout: the same as SQLite's BUSY. */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return sy_fail(err, SY_EUNAVAILABLE, "database_busy", NULL, "数据库繁忙，请重试",
			       "database busy, try again");
	log_debug("postgres: %s %s", state, msg);
	return sy_fail(err, SY_EINTERNAL, "database_error", NULL, "数据库错误：%s",
		       "database error: %s", msg);
}

/* ---- statement cache ------------------------------------------------- */

static size_t cache_hash(const char *sql, size_t cap)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 32) & (cap - 1);
}

/* The slot holding sql, or the empty slot where it belongs. cap > used always. */
static struct stmt *cache_slot(struct stmt *tab, size_t cap, const char *sql)
{
	size_t i = cache_hash(sql, cap);
	while (tab[i].sql && tab[i].sql != sql)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Keep the table at most half full, so probes stay short and always end. */
static bool cache_reserve(struct pg *c)
{
	if ((c->used + 1) * 2 <= c->cap)
		return true;
	size_t ncap = c->cap ? c->cap * 2 : 64;
	struct stmt *tab = calloc(ncap, sizeof *tab);
	if (!tab)
		return false;
	for (size_t i = 0; i < c->cap; i++)
		if (c->cache[i].sql)
			*cache_slot(tab, ncap, c->cache[i].sql) = c->cache[i];
	free(c->cache);
	c->cache = tab;
	c->cap = ncap;
	return true;
}

/* Forget every prepared statement: they belonged to a session that is gone. */
static void cache_clear(struct pg *c)
{
	if (c->cache)
		memset(c->cache, 0, c->cap * sizeof *c->cache);
	c->used = 0;
}

/*
 * The highest $n in sql, and when used is not NULL, mark used[n-1] for each
 * $n present. Skips quoted strings, quoted identifiers and comments, so a
 * literal '$1' is not a parameter. The server must be told about every
 * parameter up to the highest; SQLite tolerates gaps and extra arguments,
 * and this lets PostgreSQL do the same. Not recognised, because SQLite has
 * neither and so the statements cannot use them: E'…\'…' escapes and
 * dollar-quoted bodies.
 */
static int scan_params(const char *sql, bool *used)
{
	int max = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			while (p[1] && p[1] != q)
				p++;
			if (p[1])
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p++;
			while (p[1] && !(p[1] == '*' && p[2] == '/'))
				p++;
			if (p[1])
				p += 2;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9' &&
			   !(p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '$'))) {
			/* ($ inside a name, as in a$1, is part of the identifier.) */
			long n = 0;
			while (p[1] >= '0' && p[1] <= '9') {
				if (n <= PG_MAX_PARAMS)
					n = n * 10 + (p[1] - '0');
				p++;
			}
			if (n < 1 || n > PG_MAX_PARAMS)
				continue; /* not ours to judge: the server reports it */
			if (used)
				used[n - 1] = true;
			if (n > max)
				max = (int)n;
		}
	}
	return max;
}

static Oid oid_of(const db_val *v)
{
	switch (v->type) {
	case DB_TINT: return OID_INT8;
	case DB_TDOUBLE: return OID_FLOAT8;
	default: return OID_UNKNOWN; /* text and NULL: the server infers from context */
	}
}

static void stmt_name(char *buf, size_t cap, unsigned id)
{
	snprintf(buf, cap, "s%u", id);
}

/* PQprepare sql under the name for id; the types come from this call's args. */
static sy_status prepare_as(struct pg *c, const char *sql, unsigned id, const db_val *args,
			    int nargs, int *nparams_out, sy_err *err)
{
	sy_status st = SY_OK;
	Oid small[SMALL_ARGS];
	Oid *types = small;
	bool *used = NULL;
	PGresult *res = NULL;
	int n = scan_params(sql, NULL);
	if (n > SMALL_ARGS && !(types = calloc((size_t)n, sizeof *types))) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	if (n > 0 && !(used = calloc((size_t)n, sizeof *used))) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	scan_params(sql, used);
	for (int i = 0; i < n; i++) {
		if (!used[i])
			types[i] = OID_TEXT; /* a gap: any fixed type, nothing reads it */
		else if (i < nargs)
			types[i] = oid_of(&args[i]);
		else
			types[i] = OID_UNKNOWN;
	}
	char name[16];
	stmt_name(name, sizeof name, id);
	res = PQprepare(c->h, name, sql, n, types);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		st = fail_result(c, res, err);
		goto out;
	}
	*nparams_out = n;
out:
	PQclear(res);
	free(used);
	if (types != small)
		free(types);
	return st;
}

/* The cached statement for sql, preparing it on first use in this session. */
static sy_status lookup(struct pg *c, const char *sql, const db_val *args, int nargs,
			struct stmt **out, sy_err *err)
{
	if (!cache_reserve(c))
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	struct stmt *s = cache_slot(c->cache, c->cap, sql);
	if (!s->sql) {
		unsigned id = c->next_id++;
		int n = 0;
		sy_status st = prepare_as(c, sql, id, args, nargs, &n, err);
		if (st)
			return st;
		s->sql = sql;
		s->id = id;
		s->nparams = n;
		c->used++;
	}
	*out = s;
	return SY_OK;
}

/* ---- connection ------------------------------------------------------ */

/* Server notices (warnings only, see setup) go to our log, not raw to stderr. */
static void on_notice(void *arg, const char *message)
{
	(void)arg;
	char line[200];
	first_line(line, sizeof line, message);
	log_warn("postgres: %s", line);
}

/*
 * Per-session settings. Redone after every reset: a new session starts from
 * the server's defaults. UTC because the API speaks UTC and a server in
 * Asia/Shanghai must not shift now() by eight hours.
 */
static bool session_setup(struct pg *c)
{
	PGresult *res = PQexec(c->h, "SET client_min_messages = warning; SET TimeZone = 'UTC'");
	bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok;
}

/*
 * Make sure the session is alive before a call: if libpq knows it is
 * broken (the server restarted, the network dropped), reset it once.
 */
static sy_status ensure_conn(struct pg *c, sy_err *err)
{
	if (PQstatus(c->h) == CONNECTION_OK && !c->need_setup)
		return SY_OK;
	if (PQstatus(c->h) != CONNECTION_OK) {
		if (c->in_tx) {
			c->tx_lost = true;
			c->in_tx = false;
		}
		/* The old session's prepared statements are gone, whatever happens next. */
		cache_clear(c);
		c->need_setup = true;
		PQreset(c->h);
	}
	if (PQstatus(c->h) != CONNECTION_OK || !session_setup(c)) {
		if (!c->down) {
			char msg[200];
			first_line(msg, sizeof msg, PQerrorMessage(c->h));
			log_warn("postgres: reconnect failed (retrying on each call): %s", msg);
		}
		c->down = true;
		return fail_unavailable(err);
	}
	c->need_setup = false;
	c->down = false;
	log_info("postgres: reconnected");
	return SY_OK;
}

/* Remember whether a transaction is open, to know what a lost session took with it. */
static void note_tx(struct pg *c)
{
	if (PQstatus(c->h) != CONNECTION_OK)
		return; /* keep the last known state: the reset looks at it */
	c->in_tx = PQtransactionStatus(c->h) != PQTRANS_IDLE;
}

static sy_status refuse_lost_tx(sy_err *err)
{
	return sy_failf(err, SY_EUNAVAILABLE, "database_unavailable", NULL,
			"数据库连接中断，事务已撤销，请重试",
			"database connection lost and the transaction rolled back; try again");
}

static void pg_close(void *impl)
{
	struct pg *c = impl;
	if (!c)
		return;
	PQfinish(c->h);
	free(c->cache);
	free(c->url);
	free(c);
}

static void *pg_open(const char *url, sy_err *err)
{
	struct pg *c = calloc(1, sizeof *c);
	if (!c || !(c->url = strdup(url))) {
		sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto fail;
	}
	/*
	 * Later keywords win, so the URL (expanded from dbname) may override
	 * these defaults: a bounded wait for a dead host, and a name that
	 * shows in pg_stat_activity.
	 */
	const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
	const char *const vals[] = {"10", "shuangyong", url, NULL};
	c->h = PQconnectdbParams(keys, vals, 1);
	if (!c->h) {
		sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto fail;
	}
	if (PQstatus(c->h) != CONNECTION_OK) {
		char msg[200];
		first_line(msg, sizeof msg, PQerrorMessage(c->h));
		log_warn("postgres: cannot connect: %s", msg);
		sy_fail(err, SY_EUNAVAILABLE, "database_unavailable", "db",
			"数据库暂时不可用，请稍后重试（%s）",
			"database temporarily unavailable, try again (%s)", msg);
		goto fail;
	}
	PQsetNoticeProcessor(c->h, on_notice, NULL);
	if (!session_setup(c)) {
		fail_result(c, NULL, err);
		goto fail;
	}
	return c;
fail:
	pg_close(c);
	return NULL;
}

/* ---- statements ------------------------------------------------------ */

/*
 * Run sql with args; on success *out holds a result to PQclear. Arguments
 * past the statement's highest $n are ignored and missing ones are NULL,
 * as SQLite does.
 */
static sy_status run(struct pg *c, const char *sql, const db_val *args, int nargs,
		     PGresult **out, sy_err *err)
{
	sy_status st;
	const char *vsmall[SMALL_ARGS];
	char nsmall[SMALL_ARGS][NUM_LEN];
	const char **vals = vsmall;
	char (*nums)[NUM_LEN] = nsmall;
	PGresult *res = NULL;
	struct stmt *s = NULL;
	*out = NULL;

	if ((st = ensure_conn(c, err)))
		return st;
	if (c->tx_lost)
		return refuse_lost_tx(err);
	if ((st = lookup(c, sql, args, nargs, &s, err)))
		return st;
	int n = s->nparams;
	if (n > SMALL_ARGS) {
		vals = calloc((size_t)n, sizeof *vals);
		nums = calloc((size_t)n, sizeof *nums);
		if (!vals || !nums) {
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		const db_val *v = i < nargs ? &args[i] : NULL;
		vals[i] = NULL;
		if (!v)
			continue;
		switch (v->type) {
		case DB_TINT:
			snprintf(nums[i], NUM_LEN, "%" PRId64, v->i);
			vals[i] = nums[i];
			break;
		case DB_TDOUBLE:
			/* 17 significant digits: the double comes back bit for bit. */
			snprintf(nums[i], NUM_LEN, "%.17g", v->d);
			vals[i] = nums[i];
			break;
		case DB_TTEXT: vals[i] = v->s; break;
		default: break;
		}
	}
	char name[16];
	stmt_name(name, sizeof name, s->id);
	res = PQexecPrepared(c->h, name, n, vals, NULL, NULL, 0);
	/*
	 * DDL that changed a table's columns invalidates a cached plan whose
	 * result type then changes; the server refuses rather than guess.
	 * Outside a transaction nothing was done, so prepare afresh and retry
	 * once. (Inside one the transaction is already aborted.)
	 */
	if (res && PQresultStatus(res) == PGRES_FATAL_ERROR &&
	    PQtransactionStatus(c->h) == PQTRANS_IDLE) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state && strcmp(state, "0A000") == 0) {
			char dealloc[32];
			snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", name);
			PQclear(PQexec(c->h, dealloc));
			int nn = 0;
			if ((st = prepare_as(c, sql, s->id, args, nargs, &nn, err))) {
				/*
				 * The slot now names nothing. Open addressing cannot drop
				 * one entry without breaking probe chains: start over.
				 */
				PQclear(PQexec(c->h, "DEALLOCATE ALL"));
				cache_clear(c);
				goto out;
			}
			PQclear(res);
			res = PQexecPrepared(c->h, name, n, vals, NULL, NULL, 0);
		}
	}
	note_tx(c);
	if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
		     PQresultStatus(res) != PGRES_TUPLES_OK)) {
		st = fail_result(c, res, err);
		goto out;
	}
	*out = res;
	res = NULL;
out:
	PQclear(res);
	if (vals != vsmall)
		free(vals);
	if (nums != nsmall)
		free(nums);
	return st;
}

static sy_status pg_exec(void *impl, const char *sql, sy_err *err)
{
	struct pg *c = impl;
	sy_status st;
	/*
	 * A session that died took its transaction with it (the server rolls
	 * back): ROLLBACK has nothing left to do, even while the server is
	 * still down, and must not fail or the connection would stay refusing.
	 * Nor when the server already ended the transaction (a COMMIT that
	 * rolled back): sending it would only draw a warning.
	 */
	if (strcmp(sql, "ROLLBACK") == 0 &&
	    (c->tx_lost || PQstatus(c->h) != CONNECTION_OK ||
	     PQtransactionStatus(c->h) == PQTRANS_IDLE)) {
		c->tx_lost = false;
		c->in_tx = false;
		return SY_OK;
	}
	if ((st = ensure_conn(c, err)))
		return st;
	if (c->tx_lost) {
		/* db.c begins only when it holds no transaction: the caller moved on. */
		if (strcmp(sql, db_pg_ops.begin_sql) != 0)
			return refuse_lost_tx(err);
		c->tx_lost = false;
	}
	PGresult *res = PQexec(c->h, sql);
	note_tx(c);
	/* Whatever a ROLLBACK's fate, no transaction is left open after it. */
	if (strcmp(sql, "ROLLBACK") == 0)
		c->in_tx = false;
	if (!res || (PQresultStatus(res) != PGRES_COMMAND_OK &&
		     PQresultStatus(res) != PGRES_TUPLES_OK)) {
		st = fail_result(c, res, err);
		goto out;
	}
	/*
	 * COMMIT of a transaction in which a statement failed succeeds with the
	 * tag ROLLBACK: report it, or the caller would believe its writes landed.
	 */
	if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		st = sy_failf(err, SY_EINTERNAL, "database_error", NULL,
			      "数据库错误：事务中有语句失败，已撤销",
			      "database error: a statement in the transaction failed; rolled back");
out:
	PQclear(res);
	return st;
}

static const struct db_rows_ops pg_rows_ops;

static sy_status pg_query(void *impl, const char *sql, const db_val *args, int nargs,
			  db_rows **rows, sy_err *err)
{
	PGresult *res;
	sy_status st = run(impl, sql, args, nargs, &res, err);
	if (st)
		return st;
	struct pg_rows *r = calloc(1, sizeof *r);
	if (!r) {
		PQclear(res);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	r->base.ops = &pg_rows_ops;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	*rows = &r->base;
	return SY_OK;
}

static sy_status pg_execp(void *impl, const char *sql, const db_val *args, int nargs,
			  int64_t *changes, sy_err *err)
{
	PGresult *res;
	sy_status st = run(impl, sql, args, nargs, &res, err);
	if (st)
		return st;
	/* "" for statements that count nothing (DDL): 0, as SQLite would say. */
	*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return SY_OK;
}

/* ---- rows ------------------------------------------------------------ */

static bool pg_next(db_rows *b)
{
	struct pg_rows *r = (struct pg_rows *)b;
	if (r->row >= r->nrows)
		return false;
	r->row++;
	return r->row < r->nrows;
}

/* The cell's text, or NULL when it is SQL NULL or out of range (as SQLite answers). */
static const char *cell(const db_rows *b, int col)
{
	const struct pg_rows *r = (const struct pg_rows *)b;
	if (r->row < 0 || r->row >= r->nrows || col < 0 || col >= PQnfields(r->res))
		return NULL;
	if (PQgetisnull(r->res, r->row, col))
		return NULL;
	return PQgetvalue(r->res, r->row, col);
}

static int pg_ncols(const db_rows *b)
{
	return PQnfields(((const struct pg_rows *)b)->res);
}

static const char *pg_colname(const db_rows *b, int col)
{
	return PQfname(((const struct pg_rows *)b)->res, col);
}

static bool pg_isnull(const db_rows *b, int col)
{
	return cell(b, col) == NULL;
}

/* Booleans come back as t/f; the portable schema stores flags as 0/1. */
static int bool_text(const char *v)
{
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	if (v[0] == 'f' && v[1] == '\0')
		return 0;
	return -1;
}

static int64_t pg_int(const db_rows *b, int col)
{
	const char *v = cell(b, col);
	if (!v)
		return 0;
	int t = bool_text(v);
	if (t >= 0)
		return t;
	return strtoll(v, NULL, 10);
}

static double pg_dbl(const db_rows *b, int col)
{
	const char *v = cell(b, col);
	if (!v)
		return 0;
	int t = bool_text(v);
	if (t >= 0)
		return t;
	return strtod(v, NULL);
}

static const char *pg_text(const db_rows *b, int col)
{
	return cell(b, col);
}

static void pg_rows_free(db_rows *b)
{
	struct pg_rows *r = (struct pg_rows *)b;
	PQclear(r->res);
	free(r);
}

static const struct db_rows_ops pg_rows_ops = {
	.next = pg_next, .ncols = pg_ncols, .colname = pg_colname, .isnull = pg_isnull,
	.int_ = pg_int, .dbl = pg_dbl, .text = pg_text, .free = pg_rows_free,
};

/* ---- health, backup, migration lock ---------------------------------- */

static bool select1(struct pg *c)
{
	PGresult *res = PQexec(c->h, "SELECT 1");
	bool ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
	PQclear(res);
	return ok;
}

/*
 * A session the server ended while we were idle still looks fine until it
 * is used; a ping is read-only, so it may find out and retry once.
 */
static bool pg_ping(void *impl)
{
	struct pg *c = impl;
	if (ensure_conn(c, NULL))
		return false;
	if (select1(c))
		return true;
	note_tx(c);
	return ensure_conn(c, NULL) == SY_OK && select1(c);
}

/* The newest /usr/lib/postgresql/N/bin/pg_dump (Debian keeps it off PATH), or NULL. */
static char *fallback_pg_dump(void)
{
	glob_t g;
	char *best = NULL;
	if (glob("/usr/lib/postgresql/*/bin/pg_dump", 0, NULL, &g) != 0)
		return NULL;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (!best || strverscmp(g.gl_pathv[i], best) > 0)
			best = g.gl_pathv[i];
	best = best ? strdup(best) : NULL;
	globfree(&g);
	return best;
}

static bool is_pg_url(const char *url)
{
	return url && (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0);
}

/*
 * pg_dump --format=custom, run directly (fork/exec, no shell: the URL and
 * the path are arguments, never parsed as commands). Everything the child
 * needs is built before fork, so the child only calls exec and _exit.
 * --no-password: a backup must fail, not wait on a prompt nobody sees.
 */
static sy_status pg_backup(void *impl, const char *url, const char *dest, sy_err *err)
{
	struct pg *c = impl;
	sy_status st = SY_OK;
	char *file_arg = NULL, *db_arg = NULL, *fallback = NULL;
	if (!is_pg_url(url))
		url = c->url;
	if (!dest || !*dest)
		return sy_failf(err, SY_EINVAL, "backup_failed", "dest", "备份文件路径为空",
				"backup file path is empty");
	if (asprintf(&file_arg, "--file=%s", dest) < 0) {
		file_arg = NULL;
		goto oom;
	}
	if (asprintf(&db_arg, "--dbname=%s", url) < 0) {
		db_arg = NULL;
		goto oom;
	}
	fallback = fallback_pg_dump();
	char *argv[] = {"pg_dump", "--format=custom", "--no-password", file_arg, db_arg, NULL};

	pid_t pid = fork();
	if (pid < 0) {
		st = sy_fail(err, SY_EINTERNAL, "backup_failed", NULL, "备份失败：%s",
			     "backup failed: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		execvp("pg_dump", argv);
		if (fallback) {
			/* pg_dump finds its own directory from argv[0]: give it the full path. */
			argv[0] = fallback;
			execv(fallback, argv);
		}
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			st = sy_fail(err, SY_EINTERNAL, "backup_failed", NULL, "备份失败：%s",
				     "backup failed: %s", strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		goto out;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		st = sy_failf(err, SY_EINTERNAL, "backup_failed", NULL,
			      "备份失败：找不到 pg_dump（apt-get install postgresql-client）",
			      "backup failed: pg_dump not found (apt-get install postgresql-client)");
		goto out;
	}
	/* A half-written dump must not pass for a backup. */
	unlink(dest);
	if (WIFEXITED(status))
		st = sy_fail(err, SY_EINTERNAL, "backup_failed", NULL, "备份失败：pg_dump 退出码 %d",
			     "backup failed: pg_dump exited with status %d", WEXITSTATUS(status));
	else
		st = sy_fail(err, SY_EINTERNAL, "backup_failed", NULL, "备份失败：pg_dump 被信号 %d 终止",
			     "backup failed: pg_dump killed by signal %d",
			     WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	goto out;
oom:
	st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
out:
	free(fallback);
	free(db_arg);
	free(file_arg);
	return st;
}

/*
 * Several servers may start at once against one database; a session-level
 * advisory lock makes their migrations take turns (the second finds them
 * applied). The server drops the lock by itself if the session dies.
 */
static sy_status pg_migrate_lock(void *impl, sy_err *err)
{
	struct pg *c = impl;
	sy_status st;
	if ((st = ensure_conn(c, err)))
		return st;
	PGresult *res = PQexec(c->h, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")");
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		st = fail_result(c, res, err);
	PQclear(res);
	return st;
}

static void pg_migrate_unlock(void *impl)
{
	struct pg *c = impl;
	if (PQstatus(c->h) != CONNECTION_OK)
		return; /* the lock went with the session */
	PQclear(PQexec(c->h, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")"));
}

/*
 * A column's CHECK constraint replaced in place. PostgreSQL names an unnamed
 * column constraint <table>_<column>_check; ADD CONSTRAINT checks every row.
 */
static sy_status pg_set_check_ddl(void *impl, const char *table, const char *column, const char *expr,
				  strbuf *out, sy_err *err)
{
	(void)impl;
	sb_printf(out, "ALTER TABLE %s DROP CONSTRAINT %s_%s_check, ADD CONSTRAINT %s_%s_check CHECK (%s)", table,
		  table, column, table, column, expr);
	if (out->oom)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	return SY_OK;
}

const struct db_ops db_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.query = pg_query,
	.execp = pg_execp,
	.ping = pg_ping,
	.backup = pg_backup,
	.migrate_lock = pg_migrate_lock,
	.migrate_unlock = pg_migrate_unlock,
	.set_check_ddl = pg_set_check_ddl,
	.begin_sql = "BEGIN",
	.id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.clustered_table = "", /* a heap: the primary key's index serves the ranges */
	/* TRUNCATE fires no row trigger: it gets a statement trigger of its own. */
	.append_only_ddl =
		"CREATE OR REPLACE FUNCTION sy_append_only() RETURNS trigger LANGUAGE plpgsql AS"
		" $f$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $f$;"
		" CREATE TRIGGER {T}_no_change BEFORE UPDATE OR DELETE ON {T}"
		" FOR EACH ROW EXECUTE FUNCTION sy_append_only();"
		" CREATE TRIGGER {T}_no_truncate BEFORE TRUNCATE ON {T}"
		" FOR EACH STATEMENT EXECUTE FUNCTION sy_append_only()",
	.secondary_indexes_sql = "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = $1"
				 " AND i.schemaname = current_schema()"
				 " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)"
				 " ORDER BY i.indexname",
};
