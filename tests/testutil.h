/*
 * testutil.h - shared by the C tests: cmocka, plus a database for tests that
 * need one. SY_TEST_DB selects it: unset → a fresh SQLite file in a new
 * temporary directory; "postgres://…" → that PostgreSQL database, which
 * testutil_fresh_db() empties first (tests/run.sh starts the server).
 */
#ifndef SY_TESTUTIL_H
#define SY_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/db.h"

extern const struct db_migration app_migrations[];
extern const int app_migrations_count;

/*
 * The URL of an empty, migrated database for this test binary. SQLite: a new
 * file each call. PostgreSQL: the schema is dropped and recreated.
 */
static inline const char *testutil_fresh_db(void)
{
	static char url[512];
	const char *pg = getenv("SY_TEST_DB");
	sy_err err;
	if (pg && *pg) {
		snprintf(url, sizeof url, "%s", pg);
		db *d = db_open(url, &err);
		if (!d) {
			fprintf(stderr, "cannot open %s: %s\n", url, err.msg_en);
			abort();
		}
		db_exec(d, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", &err);
		db_close(d);
	} else {
		char dir[] = "/tmp/sy-test-XXXXXX";
		if (!mkdtemp(dir))
			abort();
		snprintf(url, sizeof url, "sqlite:%s/test.db", dir);
	}
	db *d = db_open(url, &err);
	if (!d || db_migrate(d, app_migrations, app_migrations_count, NULL, &err)) {
		fprintf(stderr, "cannot migrate %s: %s\n", url, err.msg_en);
		abort();
	}
	db_close(d);
	return url;
}

/* The one integer a query gives (the test fails on an error). */
static inline int64_t testutil_query_int(db *d, const char *sql)
{
	int64_t v = -1;
	sy_err err;
	assert_int_equal(db_query_int(d, sql, NULL, 0, &v, &err), SY_OK);
	return v;
}

#endif
