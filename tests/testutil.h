/*
 * testutil.h - shared by the C tests: cmocka, plus a database for tests that
 * need one. SY_TEST_DB selects it: unset → a fresh SQLite file under
 * $TMPDIR; "postgres://…" → that PostgreSQL database (tests/run.sh starts one).
 */
#ifndef SY_TESTUTIL_H
#define SY_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
