/*
 * Unit tests for src/modules/demo: the demo set loads into a fresh SQLite
 * database, every generated record is valid and inside Cangzhou, every role
 * has a login, the same seed gives the same rows, and a second load refuses.
 */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/audit.h"
#include "db/db.h"
#include "db/scope.h"
#include "lib/crypto.h"
#include "lib/idcard.h"
#include "lib/strbuf.h"
#include "modules/accounts/accounts.h"
#include "modules/cases/cases.h"
#include "modules/demo/demo.h"

#define SEED 1
#define PEOPLE 200
/* The person whose number a failure-injection test takes first (0-based). */
#define CLASH_AT 100 /* among the people drawn one by one, before the families and placement veterans */

/* Cangzhou's county-level divisions: the only codes demo people may carry. */
static const char *const county_codes[] = {
	"130902", "130903", "130921", "130922", "130923", "130924", "130925", "130926",
	"130927", "130928", "130929", "130930", "130981", "130982", "130983", "130984",
};
#define NCOUNTY (sizeof county_codes / sizeof county_codes[0])

/*
 * One demo load shared by the tests that only read it. Under SY_TEST_DB
 * (PostgreSQL) there is one database per run, so the tests that need a fresh
 * database come last and close this one first.
 */
struct fixture {
	db *d;
	char url[512];
	struct demo_summary sum;
	char people_digest[65], orgs_digest[65], users_digest[65], families_digest[65], cards_digest[65];
	char clash_id[19];
};

/* A connection to a fresh, migrated database (testutil.h); url receives its URL. */
static db *fresh_db(char url[512])
{
	sy_err err;
	snprintf(url, 512, "%s", testutil_fresh_db());
	db *d = db_open(url, &err);
	if (!d)
		fail_msg("db_open %s: %s", url, err.msg_en);
	return d;
}

/* Close d and, for SQLite, remove the file and the directory testutil made. */
static void close_db(db *d, const char *url)
{
	char p[600];
	if (d)
		db_close(d);
	if (strncmp(url, "sqlite:", 7) != 0)
		return;
	const char *path = url + 7;
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	snprintf(p, sizeof p, "%s", path);
	char *slash = strrchr(p, '/');
	if (slash) {
		*slash = '\0';
		rmdir(p);
	}
}

/* SHA-256 over every row of a query, each column as text; doubles to 6 places. */
static void digest(db *d, const char *sql, char out[CRYPTO_SHA256_HEX])
{
	db_rows *r = NULL;
	strbuf sb;
	sy_err err;
	sb_init(&sb);
	assert_int_equal(db_query(d, sql, DB_NOARGS, &r, &err), SY_OK);
	while (db_next(r)) {
		for (int i = 0; i < db_ncols(r); i++) {
			const char *name = db_colname(r, i);
			if (db_isnull(r, i))
				sb_puts(&sb, "\\N");
			else if (strcmp(name, "lat") == 0 || strcmp(name, "lon") == 0)
				sb_printf(&sb, "%.6f", db_double(r, i));
			else
				sb_puts(&sb, db_text(r, i));
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

static const char SQL_PEOPLE_ROWS[] =
	"SELECT id, id_number, name, sex, birth_date, phone, region_code, address, lat, lon, status"
	" FROM people ORDER BY id";
static const char SQL_ORG_ROWS[] =
	"SELECT id, name, type, region_code, address, lat, lon, contact_name, contact_phone"
	" FROM orgs ORDER BY id";
static const char SQL_USER_ROWS[] =
	"SELECT id, username, display_name, role, region_code, org_id, person_id FROM users ORDER BY id";
static const char SQL_CARD_ROWS[] =
	"SELECT id, number, person_id, kind, categories, state, region_code, replaces_id FROM cards ORDER BY id";
static const char SQL_FAMILY_ROWS[] =
	"SELECT l.person_id, l.relative_id, l.relation, p.death_kind, p.death_date FROM family_links l"
	" JOIN people p ON p.id = l.person_id ORDER BY l.id";

static int setup(void **state)
{
	sy_err err;
	db_rows *r = NULL;
	struct fixture *f = calloc(1, sizeof *f);
	if (!f || !crypto_init())
		return -1;
	*state = f;
	f->d = fresh_db(f->url);
	if (demo_load(f->d, SEED, PEOPLE, &f->sum, &err)) {
		print_error("demo_load: %s (%s)\n", err.msg_en, err.code);
		return -1;
	}
	digest(f->d, SQL_PEOPLE_ROWS, f->people_digest);
	digest(f->d, SQL_ORG_ROWS, f->orgs_digest);
	digest(f->d, SQL_USER_ROWS, f->users_digest);
	digest(f->d, SQL_FAMILY_ROWS, f->families_digest);
	digest(f->d, SQL_CARD_ROWS, f->cards_digest);
	static const char SQL_NTH[] = "SELECT id_number FROM people ORDER BY id LIMIT 1 OFFSET $1";
	if (db_query(f->d, SQL_NTH, DB_ARGS(DB_I(CLASH_AT)), &r, &err))
		return -1;
	bool found = db_next(r);
	if (found)
		snprintf(f->clash_id, sizeof f->clash_id, "%s", db_text(r, 0));
	db_rows_free(r);
	return found ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (f) {
		close_db(f->d, f->url);
		free(f);
	}
	return 0;
}

static int64_t count(db *d, const char *sql, const db_val *args, int nargs)
{
	int64_t n = -1;
	sy_err err;
	if (db_query_int(d, sql, args, nargs, &n, &err))
		fail_msg("%s: %s", sql, err.msg_en);
	return n;
}

static bool is_county(const char *code)
{
	for (size_t i = 0; i < NCOUNTY; i++)
		if (code && strncmp(code, county_codes[i], 6) == 0)
			return true;
	return false;
}

static void test_counts(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(f->sum.people, PEOPLE);
	assert_int_equal(f->sum.users, 12);
	assert_int_equal(f->sum.nlogins, 12);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM people", DB_NOARGS), PEOPLE);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM users", DB_NOARGS), 12);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM orgs", DB_NOARGS), f->sum.orgs);
	/* 11 city-wide and 4 city departments for the cases + per county at least 3 merchants, a bureau, a school, an employer. */
	assert_true(f->sum.orgs >= 15 + (int)NCOUNTY * 6);
	assert_true(f->sum.orgs <= 15 + (int)NCOUNTY * 10);
}

static void test_people_valid(void **state)
{
	struct fixture *f = *state;
	db_rows *r = NULL;
	sy_err err;
	int n = 0, normal = 0;
	assert_int_equal(db_query(f->d,
				  "SELECT id_number, sex, birth_date, region_code, name, phone, status,"
				  " address FROM people ORDER BY id",
				  DB_NOARGS, &r, &err),
			 SY_OK);
	while (db_next(r)) {
		struct idcard_info info;
		const char *id = db_text(r, 0);
		if (idcard_validate(id, &info, &err))
			fail_msg("%s: %s", id, err.msg_en);
		assert_string_equal(info.normalized, id);
		assert_true(is_county(info.region));
		assert_int_equal(db_text(r, 1)[0], info.sex);
		assert_string_equal(db_text(r, 2), info.birth_date);
		int year = atoi(info.birth_date);
		assert_true(year >= 1940 && year <= 2005);
		assert_true(is_county(db_text(r, 3)));
		/* Names: a surname and one or two given characters, 3 bytes each. */
		size_t nl = strlen(db_text(r, 4));
		assert_true(nl == 6 || nl == 9);
		const char *ph = db_text(r, 5);
		if (ph) {
			assert_int_equal(strlen(ph), 11);
			assert_int_equal(ph[0], '1');
			assert_true(ph[1] >= '3' && ph[1] <= '9');
			assert_int_equal(strspn(ph, "0123456789"), 11);
		}
		const char *st = db_text(r, 6);
		if (strcmp(st, "normal") == 0)
			normal++;
		else if (strcmp(st, "deceased") != 0)
			assert_string_equal(st, "moved_away");
		assert_non_null(strstr(db_text(r, 7), "号"));
		n++;
	}
	db_rows_free(r);
	assert_int_equal(n, PEOPLE);
	assert_true(normal > PEOPLE * 8 / 10);
	assert_true(normal < PEOPLE);
	/* Addresses are in the county the person lives in. */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM people p JOIN regions g ON g.code = p.region_code"
			       " WHERE substr(p.address, 1, length(g.name)) <> g.name",
			       DB_NOARGS),
			 0);
}

static void check_near_seat(db *d, const char *sql, double limit)
{
	db_rows *r = NULL;
	sy_err err;
	int n = 0;
	assert_int_equal(db_query(d, sql, DB_NOARGS, &r, &err), SY_OK);
	while (db_next(r)) {
		double dlat = fabs(db_double(r, 0) - db_double(r, 2));
		double dlon = fabs(db_double(r, 1) - db_double(r, 3));
		if (dlat > limit || dlon > limit)
			fail_msg("%s: (%f, %f) is %f/%f from its seat", db_text(r, 4),
				 db_double(r, 0), db_double(r, 1), dlat, dlon);
		n++;
	}
	db_rows_free(r);
	assert_true(n > 0);
}

static void test_coordinates(void **state)
{
	struct fixture *f = *state;
	check_near_seat(f->d,
			"SELECT p.lat, p.lon, g.lat, g.lon, p.id_number FROM people p"
			" JOIN regions g ON g.code = p.region_code",
			0.15);
	check_near_seat(f->d,
			"SELECT o.lat, o.lon, g.lat, g.lon, o.name FROM orgs o"
			" JOIN regions g ON g.code = o.region_code WHERE o.lat IS NOT NULL",
			0.15);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM people WHERE lat IS NULL OR lon IS NULL",
			       DB_NOARGS),
			 0);
}

static void test_orgs(void **state)
{
	struct fixture *f = *state;
	static const char *const types[] = {"unit", "department", "merchant", "association",
					    "hospital", "bank", "school", "employer",
					    "training_base", "supply_station"};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (count(f->d, "SELECT COUNT(*) FROM orgs WHERE type = $1",
			  DB_ARGS(DB_T(types[i]))) < 1)
			fail_msg("no organisation of type %s", types[i]);
	for (size_t i = 0; i < NCOUNTY; i++) {
		const char *sql = "SELECT COUNT(*) FROM orgs WHERE region_code = $1 AND type = $2";
		int64_t m = count(f->d, sql, DB_ARGS(DB_T(county_codes[i]), DB_T("merchant")));
		int64_t e = count(f->d, sql, DB_ARGS(DB_T(county_codes[i]), DB_T("employer")));
		assert_true(m >= 3 && m <= 6);
		assert_true(e >= 1 && e <= 2);
		assert_int_equal(count(f->d, sql, DB_ARGS(DB_T(county_codes[i]), DB_T("department"))), 1);
		assert_int_equal(count(f->d, sql, DB_ARGS(DB_T(county_codes[i]), DB_T("school"))), 1);
	}
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM orgs WHERE name = $1 AND type = 'merchant'"
			       " AND region_code = '130902'",
			       DB_ARGS(DB_T("沧州华北商厦"))),
			 1);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM orgs WHERE name = $1 AND type = 'hospital'",
			       DB_ARGS(DB_T("沧州市人民医院退役军人医疗门诊"))),
			 1);
	/* Every association has members; only associations have them, and none is its own member. */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM orgs a WHERE a.type = 'association' AND NOT EXISTS"
			       " (SELECT 1 FROM association_members m WHERE m.association_id = a.id)",
			       DB_NOARGS),
			 0);
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM association_members m JOIN orgs a ON a.id = m.association_id"
			       " WHERE a.type <> 'association' OR m.member_id = m.association_id",
			       DB_NOARGS),
			 0);
	/* The `merchant` login's shop is a member of 沧州市拥军优属促进会. */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM association_members m JOIN orgs a ON a.id = m.association_id"
			       " JOIN orgs o ON o.id = m.member_id WHERE a.name = $1 AND o.name = $2",
			       DB_ARGS(DB_T("沧州市拥军优属促进会"), DB_T("沧州华北商厦"))),
			 1);
	assert_true(count(f->d, "SELECT COUNT(*) FROM org_contacts", DB_NOARGS) >= 8);
}

/*
 * Families: one person in eight is a relative linked to a serving member, a
 * veteran or a martyr (deceased, death_kind martyr), never given the family
 * category directly: 烈士遗属 and 军属 follow from the links.
 */
static void test_families(void **state)
{
	struct fixture *f = *state;
	int64_t links = count(f->d, "SELECT COUNT(*) FROM family_links", DB_NOARGS);
	assert_true(count(f->d,
			  "SELECT COUNT(*) FROM people p WHERE EXISTS (SELECT 1 FROM family_links l"
			  " WHERE l.person_id = p.id OR l.relative_id = p.id)",
			  DB_NOARGS) >= PEOPLE / 8);
	/* a few martyrs, each with relatives, and none of them a relative of another */
	int64_t martyrs = count(f->d,
				"SELECT COUNT(*) FROM people p WHERE p.status = 'deceased' AND p.death_kind = 'martyr'"
				" AND p.death_date IS NOT NULL"
				" AND EXISTS (SELECT 1 FROM family_links l WHERE l.person_id = p.id)",
				DB_NOARGS);
	assert_true(martyrs >= 2 && martyrs <= 5);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM people WHERE death_kind = 'martyr'", DB_NOARGS),
			 martyrs);
	/* their parents and children are linked, so the registry reads them as 烈士遗属 */
	static const char SQL_MARTYR_RELATIVES[] =
		"SELECT COUNT(*) FROM family_links l JOIN people m ON m.id = l.person_id"
		" WHERE m.death_kind = 'martyr' AND l.relation = $1";
	assert_true(count(f->d, SQL_MARTYR_RELATIVES, DB_ARGS(DB_T("parent"))) >= martyrs);
	assert_true(count(f->d, SQL_MARTYR_RELATIVES, DB_ARGS(DB_T("child"))) >= 1);
	/* a serving member's child (军人子女) and spouse (军属) */
	static const char SQL_SERVING_RELATIVES[] =
		"SELECT COUNT(*) FROM family_links l JOIN person_categories c ON c.person_id = l.person_id"
		" WHERE c.category = 'active_duty' AND c.end_date IS NULL AND l.relation = $1";
	assert_true(count(f->d, SQL_SERVING_RELATIVES, DB_ARGS(DB_T("child"))) >= 1);
	assert_true(count(f->d, SQL_SERVING_RELATIVES, DB_ARGS(DB_T("spouse"))) >= 1);
	/* and a veteran's */
	assert_true(count(f->d,
			  "SELECT COUNT(*) FROM family_links l JOIN person_categories c ON c.person_id = l.person_id"
			  " WHERE c.category = 'veteran'",
			  DB_NOARGS) >= 1);
	/* family categories are never entered for the demo's relatives */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM person_categories WHERE category IN ('martyr_family',"
			       " 'military_family', 'military_child', 'duty_family', 'illness_family')",
			       DB_NOARGS),
			 0);
	/* spouses are of the other sex and live together; parents are older than their children */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM family_links l JOIN people a ON a.id = l.person_id"
			       " JOIN people b ON b.id = l.relative_id WHERE l.relation = 'spouse'"
			       " AND (a.sex = b.sex OR a.address <> b.address OR a.region_code <> b.region_code)",
			       DB_NOARGS),
			 0);
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM family_links l JOIN people a ON a.id = l.person_id"
			       " JOIN people b ON b.id = l.relative_id WHERE"
			       " (l.relation = 'child' AND b.birth_date < a.birth_date)"
			       " OR (l.relation = 'parent' AND b.birth_date > a.birth_date)",
			       DB_NOARGS),
			 0);
	/* every link is audited like any other (the demo loads through the registry) */
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.family_link'",
			       DB_NOARGS),
			 links);
}

/* 优待证 for veterans and the 三属 in every state; the `person` login's veteran holds a valid one. */
static void test_cards(void **state)
{
	struct fixture *f = *state;
	int64_t cards = count(f->d, "SELECT COUNT(*) FROM cards", DB_NOARGS);
	assert_true(cards >= PEOPLE / 5 && cards <= PEOPLE / 5 + PEOPLE / 50);
	static const char *const states[] = {"applied", "reviewed", "approved", "made", "handed_out",
					     "received", "suspended", "replaced", "refused"};
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		if (count(f->d, "SELECT COUNT(*) FROM cards WHERE state = $1", DB_ARGS(DB_T(states[i]))) < 1)
			fail_msg("no demo card is %s", states[i]);
	assert_true(count(f->d, "SELECT COUNT(*) FROM cards WHERE kind = 'survivor'", DB_NOARGS) >= 1);
	/* the login person is a veteran in this seed, with a received card numbered in 新华区 */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM cards c JOIN users u ON u.person_id = c.person_id"
			       " WHERE u.username = 'person' AND c.state = 'received' AND c.kind = 'veteran'"
			       " AND c.number LIKE '130902%'",
			       DB_NOARGS),
			 1);
	/* one standing card per person; numbers only on made cards; every application audited */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM (SELECT person_id FROM cards WHERE live = 1"
			       " GROUP BY person_id HAVING COUNT(*) > 1) x",
			       DB_NOARGS),
			 0);
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM cards WHERE (number IS NULL) <> (made_at IS NULL)", DB_NOARGS),
			 0);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM audit_log WHERE action = 'card.apply'", DB_NOARGS),
			 count(f->d, "SELECT COUNT(*) FROM cards WHERE replaces_id IS NULL", DB_NOARGS));
}

/* Fewer than 50 people: no families, everyone drawn one by one. Needs a fresh database. */
static void test_small_set_no_families(void **state)
{
	(void)state;
	char url[512];
	struct demo_summary sum;
	sy_err err;
	db *small = fresh_db(url);
	assert_int_equal(demo_load(small, SEED, 20, &sum, &err), SY_OK);
	assert_int_equal(sum.people, 20);
	assert_int_equal(count(small, "SELECT COUNT(*) FROM people", DB_NOARGS), 20);
	assert_int_equal(count(small, "SELECT COUNT(*) FROM family_links", DB_NOARGS), 0);
	close_db(small, url);
}

/* The documented logins: username, password, role, region, scope. */
static const struct {
	const char *user, *pass, *role, *region, *scope;
} logins[] = {
	{"admin", "admin-demo-2026", "admin", "130900", "沧州市"},
	{"officer.xinhua", "officer-demo-2026", "officer", "130902", "新华区"},
	{"officer.renqiu", "officer-demo-2026", "officer", "130982", "任丘市"},
	{"auditor", "auditor-demo-2026", "auditor", "130900", "沧州市"},
	{"auditor.xinhua", "auditor-demo-2026", "auditor", "130902", "新华区"},
	{"merchant", "merchant-demo-2026", "merchant", "130902", "沧州华北商厦"},
	{"clinic", "clinic-demo-2026", "clinic", "130900", "沧州市人民医院退役军人医疗门诊"},
	{"unit", "unit-demo-2026", "unit", "130900", "沧州军分区"},
	{"employer", "employer-demo-2026", "employer", "130902", NULL},
	{"station", "station-demo-2026", "station", "130900", "沧州军供站"},
	{"department", "department-demo-2026", "department", "130900", "沧州市公安局"},
	{"person", "person-demo-2026", "person", "130902", NULL},
};

static void test_logins(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < ROLE_COUNT; i++)
		if (count(f->d, "SELECT COUNT(*) FROM users WHERE role = $1",
			  DB_ARGS(DB_T(role_name(role_at(i))))) < 1)
			fail_msg("no user with role %s", role_name(role_at(i)));
	assert_int_equal(f->sum.nlogins, (int)(sizeof logins / sizeof logins[0]));
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		const struct demo_login *l = &f->sum.logins[i];
		assert_string_equal(l->username, logins[i].user);
		assert_string_equal(l->password, logins[i].pass);
		assert_string_equal(l->role, logins[i].role);
		if (logins[i].scope)
			assert_string_equal(l->scope, logins[i].scope);
		else
			assert_true(l->scope[0] != '\0');
		assert_int_equal(count(f->d,
				       "SELECT COUNT(*) FROM users WHERE username = $1 AND role = $2"
				       " AND region_code = $3 AND disabled = 0",
				       DB_ARGS(DB_T(logins[i].user), DB_T(logins[i].role),
					       DB_T(logins[i].region))),
				 1);
	}
	/* Org roles belong to an organisation of their type; person to a 新华区 person. */
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id"
			       " WHERE u.username = 'employer' AND o.type = 'employer'"
			       " AND o.region_code = '130902'",
			       DB_NOARGS),
			 1);
	assert_int_equal(count(f->d,
			       "SELECT COUNT(*) FROM users u JOIN people p ON p.id = u.person_id"
			       " WHERE u.username = 'person' AND p.region_code = '130902'"
			       " AND p.status = 'normal' AND p.name = u.display_name",
			       DB_NOARGS),
			 1);
}

/* The documented passwords work through the real login path. */
static void test_passwords(void **state)
{
	struct fixture *f = *state;
	struct login_limits lim = {.max_per_account = 5, .max_per_ip = 100, .window_minutes = 15,
				   .ops = 1, .mem = 8192};
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++) {
		struct principal who;
		sy_err err;
		if (accounts_login(f->d, logins[i].user, logins[i].pass, "127.0.0.1", &lim, &who, &err))
			fail_msg("login %s: %s", logins[i].user, err.msg_en);
		assert_int_equal(who.role, role_parse(logins[i].role));
		assert_string_equal(who.region_code, logins[i].region);
	}
}

static void test_audit(void **state)
{
	struct fixture *f = *state;
	struct audit_verdict v;
	sy_err err;
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'",
			       DB_NOARGS),
			 1);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'",
			       DB_NOARGS),
			 12);
	assert_int_equal(audit_verify(f->d, &v, &err), SY_OK);
	assert_int_equal(v.broken_at, 0);
}

/* Runs after the read-only tests: it closes the shared database (see struct fixture). */
static void test_deterministic(void **state)
{
	struct fixture *f = *state;
	char digest_b[CRYPTO_SHA256_HEX], url[512];
	struct demo_summary sum;
	sy_err err;

	close_db(f->d, f->url);
	f->d = NULL;

	db *b = fresh_db(url);
	assert_int_equal(demo_load(b, SEED, PEOPLE, &sum, &err), SY_OK);
	digest(b, SQL_PEOPLE_ROWS, digest_b);
	assert_string_equal(f->people_digest, digest_b);
	digest(b, SQL_ORG_ROWS, digest_b);
	assert_string_equal(f->orgs_digest, digest_b);
	digest(b, SQL_USER_ROWS, digest_b);
	assert_string_equal(f->users_digest, digest_b);
	digest(b, SQL_FAMILY_ROWS, digest_b);
	assert_string_equal(f->families_digest, digest_b);
	digest(b, SQL_CARD_ROWS, digest_b);
	assert_string_equal(f->cards_digest, digest_b);
	assert_memory_equal(&sum.logins, &f->sum.logins, sizeof sum.logins);
	close_db(b, url);

	/* Another seed is another data set. */
	b = fresh_db(url);
	assert_int_equal(demo_load(b, SEED + 1, PEOPLE, &sum, &err), SY_OK);
	digest(b, SQL_PEOPLE_ROWS, digest_b);
	assert_string_not_equal(f->people_digest, digest_b);
	close_db(b, url);
}

static int64_t board_int(json_t *board, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(board, "total"), key));
}

/*
 * The demo's cases: 一门受理 in 新华区, some closed, some overdue (on the 督办
 * list); a 双清单 board for this year with both lists in every state and rates
 * the board computes; schooling and spouses' jobs; each step's department one
 * whose name fits it where the demo has one.
 */
static void test_cases(void **state)
{
	struct fixture *f = *state;
	char today[WORKDAY_DATE_LEN];
	struct principal admin, officer;
	json_t *board = NULL, *overdue = NULL;
	int64_t next;
	sy_err err;
	cases_today(today);
	assert_true(count(f->d, "SELECT COUNT(*) FROM cases WHERE type_code = 'one_window' AND region_code = '130902'",
			  DB_NOARGS) >= 6);
	assert_true(count(f->d, "SELECT COUNT(*) FROM cases WHERE type_code = 'one_window' AND state = 'closed'",
			  DB_NOARGS) >= 2);
	/* the person login has an application of their own */
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM cases c JOIN users u ON u.person_id = c.person_id"
				     " WHERE u.username = 'person'", DB_NOARGS), 1);
	/* a closed case has every step final; every change is on the timeline and audited */
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM cases c JOIN case_steps s ON s.case_id = c.id"
				     " WHERE c.state = 'closed' AND s.final = 0", DB_NOARGS), 0);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.transition'", DB_NOARGS),
			 count(f->d, "SELECT COUNT(*) FROM case_events WHERE step_id IS NOT NULL", DB_NOARGS));
	/* the household step went to the police, the insurance step to human resources */
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM case_steps s JOIN orgs o ON o.id = s.org_id"
				     " WHERE s.step_code = 'hukou' AND o.name NOT LIKE '%公安%'", DB_NOARGS), 0);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM case_steps s JOIN orgs o ON o.id = s.org_id"
				     " WHERE s.step_code = 'insurance' AND o.name NOT LIKE '%人力资源%'", DB_NOARGS), 0);
	/* the 督办 list: the officer of 新华区 sees overdue 一门受理 cases */
	principal_system(&officer, "officer.xinhua");
	officer.role = ROLE_OFFICER;
	snprintf(officer.region_code, sizeof officer.region_code, "130902");
	assert_int_equal(cases_overdue(f->d, &officer, 100, 0, today, &overdue, &next, &err), SY_OK);
	assert_true(json_array_size(overdue) >= 2);
	json_decref(overdue);
	/* both lists, every state, dropped items off the board */
	static const char *const states[] = {"collected", "compiled", "reviewed", "assigned", "handling",
					     "supervised", "closed", "feedback", "dropped"};
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		for (int army = 0; army < 2; army++)
			if (count(f->d, "SELECT COUNT(*) FROM cases c JOIN case_steps s ON s.case_id = c.id"
					" WHERE c.type_code = $1 AND s.state = $2",
				  DB_ARGS(DB_T(army ? "dual_army" : "dual_civil"), DB_T(states[i]))) < 1)
				fail_msg("no %s item is %s", army ? "army" : "civil", states[i]);
	principal_system(&admin, "admin");
	assert_int_equal(cases_dual_board(f->d, &admin, atoi(today), today, &board, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(board, "items")), 16);
	assert_int_equal(json_array_size(json_object_get(board, "by_list")), 2);
	assert_int_equal(board_int(board, "items"), 16);
	assert_int_equal(board_int(board, "completed"), 4); /* closed and feedback on both lists */
	assert_true(json_array_size(json_object_get(board, "by_unit")) >= 3);
	json_decref(board);
	/* the officer of 新华区 sees the items the district collected, not the city's */
	assert_int_equal(cases_dual_board(f->d, &officer, atoi(today), today, &board, &err), SY_OK);
	assert_true(json_array_size(json_object_get(board, "items")) > 0);
	assert_true(json_array_size(json_object_get(board, "items")) < 16);
	json_decref(board);
	assert_true(count(f->d, "SELECT COUNT(*) FROM school_applications", DB_NOARGS) >= 1);
	assert_true(count(f->d, "SELECT COUNT(*) FROM spouse_applications", DB_NOARGS) >= 1);
}

static void test_second_load_refused(void **state)
{
	struct fixture *f = *state;
	struct demo_summary sum;
	sy_err err;
	sy_err_clear(&err);
	assert_int_equal(demo_load(f->d, SEED, PEOPLE, &sum, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "demo_already_loaded");
	assert_int_equal(sum.people, 0);
	/* Nothing was added and no transaction is left open. */
	assert_false(db_in_tx(f->d));
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM people", DB_NOARGS), PEOPLE);
	assert_int_equal(count(f->d, "SELECT COUNT(*) FROM orgs", DB_NOARGS), f->sum.orgs);
	/* A different seed is refused just the same. */
	assert_int_equal(demo_load(f->d, 7, 10, NULL, &err), SY_ECONFLICT);
}

static void test_bad_people_count(void **state)
{
	struct fixture *f = *state;
	sy_err err;
	assert_int_equal(demo_load(f->d, 1, -1, NULL, &err), SY_EINVAL);
	assert_string_equal(err.code, "invalid_people_count");
	assert_int_equal(demo_load(f->d, 1, DEMO_MAX_PEOPLE + 1, NULL, &err), SY_EINVAL);
	assert_false(db_in_tx(f->d));
}

/*
 * A failure half-way (a person whose 身份证号 is already registered) leaves
 * nothing behind; then 0 selects the default size. Needs a fresh database.
 */
static void test_rollback_and_default(void **state)
{
	struct fixture *f = *state;
	static const char SQL_CLASH[] =
		"INSERT INTO people (id_number, name, sex, birth_date, region_code, status,"
		" created_at, updated_at) VALUES ($1, '测试', 'M', '1980-01-01', '130902', 'normal',"
		" '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')";
	static const char SQL_UNCLASH[] = "DELETE FROM people WHERE id_number = $1";
	char url[512];
	struct demo_summary sum;
	sy_err err;
	db *d = fresh_db(url);

	assert_int_equal(db_execp(d, SQL_CLASH, DB_ARGS(DB_T(f->clash_id)), NULL, &err), SY_OK);
	assert_int_not_equal(demo_load(d, SEED, 0, &sum, &err), SY_OK);
	assert_int_equal(sum.people, 0);
	assert_false(db_in_tx(d));
	assert_int_equal(count(d, "SELECT COUNT(*) FROM people", DB_NOARGS), 1);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM orgs", DB_NOARGS), 0);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM users", DB_NOARGS), 0);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM audit_log", DB_NOARGS), 0);

	assert_int_equal(db_execp(d, SQL_UNCLASH, DB_ARGS(DB_T(f->clash_id)), NULL, &err), SY_OK);
	assert_int_equal(demo_load(d, SEED, 0, &sum, &err), SY_OK);
	assert_int_equal(sum.people, DEMO_DEFAULT_PEOPLE);
	assert_int_equal(count(d, "SELECT COUNT(*) FROM people", DB_NOARGS), DEMO_DEFAULT_PEOPLE);
	close_db(d, url);
}

int main(void)
{
	/* Order matters: the last three replace the shared database (struct fixture). */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_people_valid),
		cmocka_unit_test(test_coordinates),
		cmocka_unit_test(test_orgs),
		cmocka_unit_test(test_logins),
		cmocka_unit_test(test_passwords),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_second_load_refused),
		cmocka_unit_test(test_bad_people_count),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_small_set_no_families),
		cmocka_unit_test(test_rollback_and_default),
	};
	return cmocka_run_group_tests_name("demo", tests, setup, teardown);
}
