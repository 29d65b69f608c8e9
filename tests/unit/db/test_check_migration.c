/*
 * test_check_migration.c - migration 020 (the department role) on a database
 * that already has users, sessions, API tokens and import rejects: the
 * @SET_CHECK@ token widens users.role and api_tokens.role on both backends
 * (a table rebuild on SQLite, ALTER TABLE on PostgreSQL), every row survives
 * under its id, the foreign keys pointing at users still hold both ways, the
 * CHECK still refuses an unknown role, the indexes and the AUTOINCREMENT
 * counter are kept; and the token on a table whose CHECK text holds quotes,
 * commas and parentheses.
 *
 * SY_TEST_DB unset: a fresh SQLite file; SY_TEST_DB=postgres://…: that
 * database (its public schema is dropped and recreated, as testutil does).
 */
#include "testutil.h"

#include <stdbool.h>

#include "lib/crypto.h"
#include "lib/strbuf.h"

#define DEPARTMENT_MIGRATION 20

static char g_url[512];

static void check_ok(sy_status st, const sy_err *err, const char *what)
{
	if (st != SY_OK)
		fail_msg("%s: %s (%s)", what, err->msg_en, err->code);
}

/* An empty database: SQLite a new file, PostgreSQL its public schema emptied. */
static db *empty_db(void)
{
	sy_err err;
	const char *pg = getenv("SY_TEST_DB");
	if (pg && *pg) {
		snprintf(g_url, sizeof g_url, "%s", pg);
	} else {
		char dir[] = "/tmp/sy-test-XXXXXX";
		assert_non_null(mkdtemp(dir));
		snprintf(g_url, sizeof g_url, "sqlite:%s/test.db", dir);
	}
	db *d = db_open(g_url, &err);
	if (!d)
		fail_msg("db_open %s: %s", g_url, err.msg_en);
	if (pg && *pg)
		check_ok(db_exec(d, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;", &err), &err, "empty schema");
	return d;
}

/* The migrations before `version`: the schema a deployed server has today. */
static int migrations_before(int version)
{
	int n = 0;
	while (n < app_migrations_count && app_migrations[n].version < version)
		n++;
	return n;
}

/* A statement the database refused for the reason code (constraint_violation, invalid_reference). */
static void refused(sy_status st, const sy_err *err, const char *code)
{
	assert_int_equal(st, SY_EINVAL);
	assert_string_equal(err->code, code);
}

static int64_t count(db *d, const char *sql)
{
	sy_err err;
	int64_t n = -1;
	check_ok(db_query_int(d, sql, DB_NOARGS, &n, &err), &err, sql);
	return n;
}

/* SHA-256 over every row, every column as text: the rows before and after must match. */
static void digest(db *d, const char *sql, char out[CRYPTO_SHA256_HEX])
{
	db_rows *r = NULL;
	strbuf sb;
	sy_err err;
	sb_init(&sb);
	check_ok(db_query(d, sql, DB_NOARGS, &r, &err), &err, sql);
	while (db_next(r)) {
		for (int i = 0; i < db_ncols(r); i++) {
			sb_puts(&sb, db_isnull(r, i) ? "\\N" : db_text(r, i));
			sb_putc(&sb, '\t');
		}
		sb_putc(&sb, '\n');
	}
	db_rows_free(r);
	assert_false(sb.oom);
	assert_true(sb.len > 0);
	crypto_sha256_hex(sb.buf, sb.len, out);
	sb_free(&sb);
}

static const char SQL_ADD_ORG[] =
	"INSERT INTO orgs (name, type, region_code, created_at, updated_at)"
	" VALUES ($1, $2, '130900', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id";
static const char SQL_ADD_USER[] =
	"INSERT INTO users (username, display_name, password_hash, role, region_code, org_id, created_at, updated_at)"
	" VALUES ($1, $1, 'x', $2, '130900', $3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id";
static const char SQL_ADD_SESSION[] =
	"INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)"
	" VALUES ($1, $2, 'c', '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z', '2026-01-01T00:00:00Z')";
static const char SQL_ADD_TOKEN[] =
	"INSERT INTO api_tokens (name, token_hash, role, region_code, org_id, created_by, created_at)"
	" VALUES ($1, $1, $2, '130900', $3, $4, '2026-01-01T00:00:00Z')";
static const char SQL_ADD_REJECT[] =
	"INSERT INTO import_rejects (kind, created_by, created_by_name, created_at, rows_rejected, content)"
	" VALUES ('people', $1, 'officer', '2026-01-01T00:00:00Z', 1, 'a,b')";
static const char SQL_USERS[] =
	"SELECT id, username, role, region_code, org_id, disabled, created_at FROM users ORDER BY id";
static const char SQL_LINKED[] =
	"SELECT s.id, s.user_id, u.username FROM sessions s JOIN users u ON u.id = s.user_id"
	" UNION ALL SELECT t.id, t.created_by, t.role || ':' || u.username FROM api_tokens t"
	" JOIN users u ON u.id = t.created_by"
	" UNION ALL SELECT i.id, i.created_by, u.username FROM import_rejects i JOIN users u ON u.id = i.created_by"
	" ORDER BY 1, 2, 3";

static int64_t add_user(db *d, const char *name, const char *role, int64_t org, sy_err *err, sy_status *st)
{
	int64_t id = 0;
	*st = db_query_int(d, SQL_ADD_USER, DB_ARGS(DB_T(name), DB_T(role), DB_IDOPT(org)), &id, err);
	return id;
}

static void test_department_role_migration(void **state)
{
	(void)state;
	sy_err err;
	sy_status st;
	int applied = 0;
	int64_t police = 0, unit = 0, id;
	char users_before[CRYPTO_SHA256_HEX], linked_before[CRYPTO_SHA256_HEX];
	char users_after[CRYPTO_SHA256_HEX], linked_after[CRYPTO_SHA256_HEX];
	db *d = empty_db();
	check_ok(db_migrate(d, app_migrations, migrations_before(DEPARTMENT_MIGRATION), NULL, &err), &err,
		 "migrate to 019");

	/* a deployed database: users, their sessions, tokens and import rejects */
	check_ok(db_query_int(d, SQL_ADD_ORG, DB_ARGS(DB_T("沧州市公安局"), DB_T("department")), &police, &err), &err,
		 "org");
	check_ok(db_query_int(d, SQL_ADD_ORG, DB_ARGS(DB_T("沧州军分区"), DB_T("unit")), &unit, &err), &err, "unit");
	int64_t officer = add_user(d, "officer", "officer", 0, &err, &st);
	check_ok(st, &err, "officer");
	int64_t unit_user = add_user(d, "unit", "unit", unit, &err, &st);
	check_ok(st, &err, "unit user");
	int64_t gone = add_user(d, "gone", "auditor", 0, &err, &st);
	check_ok(st, &err, "auditor");
	check_ok(db_execp(d, "DELETE FROM users WHERE id = $1", DB_ARGS(DB_I(gone)), NULL, &err), &err, "delete");
	check_ok(db_execp(d, SQL_ADD_SESSION, DB_ARGS(DB_T("s1"), DB_I(officer)), NULL, &err), &err, "session");
	check_ok(db_execp(d, SQL_ADD_SESSION, DB_ARGS(DB_T("s2"), DB_I(unit_user)), NULL, &err), &err, "session");
	check_ok(db_execp(d, SQL_ADD_TOKEN, DB_ARGS(DB_T("t1"), DB_T("unit"), DB_I(unit), DB_I(officer)), NULL, &err),
		 &err, "token");
	check_ok(db_execp(d, SQL_ADD_REJECT, DB_ARGS(DB_I(officer)), NULL, &err), &err, "reject");
	/* before 020 the role does not exist */
	add_user(d, "too.early", "department", police, &err, &st);
	refused(st, &err, "constraint_violation");
	digest(d, SQL_USERS, users_before);
	digest(d, SQL_LINKED, linked_before);

	check_ok(db_migrate(d, app_migrations, app_migrations_count, &applied, &err), &err, "migrate 020");
	assert_int_equal(applied, app_migrations_count - migrations_before(DEPARTMENT_MIGRATION));

	/* every row, under its id, and every link to users */
	digest(d, SQL_USERS, users_after);
	digest(d, SQL_LINKED, linked_after);
	assert_string_equal(users_before, users_after);
	assert_string_equal(linked_before, linked_after);
	/* the role is accepted for users and tokens; an unknown one still is not */
	id = add_user(d, "police", "department", police, &err, &st);
	check_ok(st, &err, "department user");
	assert_true(id > gone); /* the AUTOINCREMENT counter survived: a deleted id is not reused */
	check_ok(db_execp(d, SQL_ADD_TOKEN, DB_ARGS(DB_T("t2"), DB_T("department"), DB_I(police), DB_I(id)), NULL, &err),
		 &err, "department token");
	add_user(d, "bogus", "overlord", 0, &err, &st);
	refused(st, &err, "constraint_violation");
	st = db_execp(d, SQL_ADD_TOKEN, DB_ARGS(DB_T("t3"), DB_T("overlord"), DB_NULL, DB_I(id)), NULL, &err);
	refused(st, &err, "constraint_violation");
	/* the foreign keys hold both ways: no session of a missing user, no user removed under a session */
	st = db_execp(d, SQL_ADD_SESSION, DB_ARGS(DB_T("s3"), DB_I(id + 1000)), NULL, &err);
	refused(st, &err, "invalid_reference");
	st = db_execp(d, "DELETE FROM users WHERE id = $1", DB_ARGS(DB_I(officer)), NULL, &err);
	refused(st, &err, "invalid_reference");
	add_user(d, "orphan", "unit", unit + 1000, &err, &st);
	refused(st, &err, "invalid_reference");
	if (!db_is_postgres(d)) {
		assert_int_equal(count(d, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
		assert_int_equal(count(d, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'users_role'"), 1);
		assert_int_equal(count(d, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'sy_rebuild%'"), 0);
	} else {
		assert_int_equal(count(d, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'users_role'"), 1);
	}
	/* the departments' transitions name the role; the 双清单 ones do not */
	assert_int_equal(count(d, "SELECT COUNT(*) FROM case_type_transitions WHERE org_type = 'department'"
				  " AND type_code IN ('one_window', 'child_school', 'spouse_job')"
				  " AND (',' || roles || ',') NOT LIKE '%,department,%'"),
			 0);
	assert_true(count(d, "SELECT COUNT(*) FROM case_type_transitions WHERE type_code = 'one_window'"
			     " AND roles = 'admin,officer,department'") >= 5);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM case_type_transitions WHERE type_code LIKE 'dual_%'"
				  " AND roles LIKE '%department%'"),
			 0);
	db_close(d);
}

/* The token on a CHECK whose text has quotes, commas and parentheses, and a table-level CHECK beside it. */
static const struct db_migration tricky[] = {
	{1, "kinds",
	 "CREATE TABLE t_kinds (id @ID@, kind TEXT NOT NULL CHECK (kind IN ('a,b', 'c)', 'd''e')),"
	 " note TEXT CHECK (length(note) < 10), CHECK (kind <> note));"
	 "CREATE INDEX t_kinds_kind ON t_kinds(kind);"
	 "CREATE TABLE t_uses (id @ID@, kind_id BIGINT NOT NULL REFERENCES t_kinds(id));"
	 "INSERT INTO t_kinds (kind, note) VALUES ('a,b', 'one'), ('c)', 'two'), ('d''e', NULL);"
	 "INSERT INTO t_uses (kind_id) VALUES (1), (2), (3);"},
	{2, "widen", "@SET_CHECK:t_kinds.kind:kind IN ('a,b', 'c)', 'd''e', 'f (g)')@;"},
};

static void test_set_check_token(void **state)
{
	(void)state;
	sy_err err;
	db *d = empty_db();
	check_ok(db_migrate(d, tricky, 2, NULL, &err), &err, "migrate");
	assert_int_equal(count(d, "SELECT COUNT(*) FROM t_kinds k JOIN t_uses u ON u.kind_id = k.id"), 3);
	check_ok(db_execp(d, "INSERT INTO t_kinds (kind, note) VALUES ('f (g)', 'x')", DB_NOARGS, NULL, &err), &err,
		 "new kind");
	/* the other constraints are the old ones */
	refused(db_execp(d, "INSERT INTO t_kinds (kind) VALUES ('h')", DB_NOARGS, NULL, &err), &err,
		"constraint_violation");
	refused(db_execp(d, "INSERT INTO t_kinds (kind, note) VALUES ('a,b', 'much too long a note')", DB_NOARGS,
			 NULL, &err),
		&err, "constraint_violation");
	refused(db_execp(d, "INSERT INTO t_kinds (kind, note) VALUES ('c)', 'c)')", DB_NOARGS, NULL, &err), &err,
		"constraint_violation");
	refused(db_execp(d, "DELETE FROM t_kinds WHERE id = 1", DB_NOARGS, NULL, &err), &err, "invalid_reference");
	/* a malformed token or a column without a CHECK fails the migration and changes nothing */
	static const struct db_migration bad[] = {
		{3, "bad", "@SET_CHECK:t_kinds:kind IN ('z')@;"},
		{4, "nocheck", "@SET_CHECK:t_uses.kind_id:kind_id > 0@;"},
	};
	assert_int_not_equal(db_migrate(d, bad, 1, NULL, &err), SY_OK);
	assert_int_not_equal(db_migrate(d, bad + 1, 1, NULL, &err), SY_OK);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM schema_migrations WHERE version > 2"), 0);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM t_kinds"), 4);
	db_close(d);
}

int main(void)
{
	if (!crypto_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_department_role_migration),
		cmocka_unit_test(test_set_check_token),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
