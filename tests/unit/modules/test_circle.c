/*
 * Unit tests for src/modules/merchants/circle.c on a small layout whose
 * answers are worked out by hand (both backends via SY_TEST_DB).
 *
 * Settings as seeded: 50 m/min, detour 1.3, so 10 minutes is a 500 m walk,
 * 384.6 m in a straight line. Positions are metres east/north of a point
 * in 新华区:
 *
 *   members     M1 (0,0) catering     M2 (300,0) retail
 *   left        M3 (2000,0)           (no longer a member: a candidate, covers nobody)
 *   candidates  C1 (0,3000) 新华区    C2 (3000,3000) 运河区 (no profile at all)
 *   holders     P1 (100,0) P2 (350,0) covered; P8 (1000,0) 700 m from M2: 910 m, 18.2 min
 *               P3 (0,2900) P4 (0,3100) P5 (100,3000) near C1 only; P6 (3000,3100) P7 (3000,2900)
 *               near C2 only, in 运河区; all of these beyond three circles (1,154 m) of any member
 *   not holders P9 (card lost), P10 (no coordinates)
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>

#include "db/audit.h"
#include "lib/geo.h"
#include "modules/merchants/circle.h"

#define LAT0 38.31
#define LON0 116.86

static db *d;
static const char *db_url;
static struct principal sys;
static int64_t m1, m2, m3, c1, c2, p[11];

static double lat_at(double north) { return LAT0 + north / GEO_M_PER_DEG; }
static double lon_at(double east) { return LON0 + east / (GEO_M_PER_DEG * cos(LAT0 * 3.14159265358979323846 / 180)); }

static int64_t org(const char *name, const char *region, double e, double n, const char *status, const char *category)
{
	sy_err err;
	db_rows *r = NULL;
	assert_int_equal(db_query(d,
				  "INSERT INTO orgs (name, type, region_code, address, lat, lon, created_at, updated_at)"
				  " VALUES ($1, 'merchant', $2, '某街1号', $3, $4, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
				  " RETURNING id",
				  DB_ARGS(DB_T(name), DB_T(region), DB_D(lat_at(n)), DB_D(lon_at(e))), &r, &err),
			 SY_OK);
	assert_true(db_next(r));
	int64_t id = db_int(r, 0);
	db_rows_free(r);
	if (status)
		assert_int_equal(db_execp(d,
					  "INSERT INTO merchant_profiles (org_id, status, category, created_at, updated_at)"
					  " VALUES ($1, $2, $3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
					  DB_ARGS(DB_I(id), DB_T(status), DB_T(category)), NULL, &err),
				 SY_OK);
	return id;
}

/* A person (region, position or none) with a card in card_state (or none). */
static int64_t person(int i, const char *name, const char *region, bool located, double e, double n,
		      const char *card_state)
{
	sy_err err;
	db_rows *r = NULL;
	char idn[19];
	snprintf(idn, sizeof idn, "%s1970010100%02d", region, i); /* unique; not checked here */
	assert_int_equal(db_query(d,
				  "INSERT INTO people (id_number, name, sex, birth_date, region_code, lat, lon, created_at,"
				  " updated_at) VALUES ($1, $2, 'M', '1970-01-01', $3, $4, $5, '2026-01-01T00:00:00Z',"
				  " '2026-01-01T00:00:00Z') RETURNING id",
				  DB_ARGS(DB_T(idn), DB_T(name), DB_T(region), located ? DB_D(lat_at(n)) : DB_NULL,
					  located ? DB_D(lon_at(e)) : DB_NULL),
				  &r, &err),
			 SY_OK);
	assert_true(db_next(r));
	int64_t id = db_int(r, 0);
	db_rows_free(r);
	if (card_state)
		assert_int_equal(db_execp(d,
					  "INSERT INTO cards (person_id, kind, categories, state, live, region_code, applied_via,"
					  " applied_at, created_at, updated_at) VALUES ($1, 'veteran', 'veteran', $2, 1, $3,"
					  " 'residence', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
					  DB_ARGS(DB_I(id), DB_T(card_state), DB_T(region)), NULL, &err),
				 SY_OK);
	return id;
}

static int setup(void **state)
{
	(void)state;
	sy_err err;
	db_url = testutil_fresh_db();
	d = db_open(db_url, &err);
	if (!d)
		return -1;
	principal_system(&sys, "system");
	circle_invalidate();
	m1 = org("一号商店", "130902", 0, 0, "member", "catering");
	m2 = org("二号超市", "130902", 300, 0, "member", "retail");
	m3 = org("已退出商户", "130902", 2000, 0, "left", "retail");
	c1 = org("候选一", "130902", 0, 3000, "candidate", "retail");
	c2 = org("候选二", "130903", 3000, 3000, NULL, NULL);
	p[1] = person(1, "王小明", "130902", true, 100, 0, "received");
	p[2] = person(2, "李二", "130902", true, 350, 0, "received");
	p[3] = person(3, "张三", "130902", true, 0, 2900, "received");
	p[4] = person(4, "赵四", "130902", true, 0, 3100, "received");
	p[5] = person(5, "钱五", "130902", true, 100, 3000, "received");
	p[6] = person(6, "孙六", "130903", true, 3000, 3100, "received");
	p[7] = person(7, "周七", "130903", true, 3000, 2900, "received");
	p[8] = person(8, "吴八", "130902", true, 1000, 0, "received");
	p[9] = person(9, "郑九", "130902", true, 0, 10, "lost");
	p[10] = person(10, "冯十", "130902", false, 0, 0, "received");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	circle_invalidate();
	db_close(d);
	return 0;
}

static struct principal staff(enum role role, const char *region)
{
	struct principal w = {.role = role, .user_id = 7};
	snprintf(w.name, sizeof w.name, "%s", role_name(role));
	snprintf(w.region_code, sizeof w.region_code, "%s", region);
	return w;
}

static json_t *item(json_t *o, size_t i) { return json_array_get(json_object_get(o, "items"), i); }
static json_int_t ival(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }
static double nval(json_t *o, const char *k) { return json_number_value(json_object_get(o, k)); }

/* circle_nearby's text, parsed (it must be JSON); NULL on failure. */
static sy_status nearby(const struct circle_nearby_query *q, json_t **out, sy_err *err)
{
	strbuf sb;
	sb_init(&sb);
	sy_status st = circle_nearby(d, q, &sb, err);
	*out = NULL;
	if (!st) {
		json_error_t je;
		*out = json_loads(sb_str(&sb), 0, &je);
		if (!*out)
			fail_msg("not JSON (%s): %s", je.text, sb_str(&sb));
	}
	sb_free(&sb);
	return st;
}

static void test_nearby(void **state)
{
	(void)state;
	sy_err err;
	json_t *out;
	struct circle_nearby_query q = {.lat = lat_at(0), .lon = lon_at(10), .limit = 20};
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(ival(out, "minutes"), 10);
	assert_int_equal(ival(out, "walk_m"), 500);
	/* M1 10 m away, then M2 290 m (377 m walk, 7.5 min); M3 has left; nothing else within 385 m. */
	assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
	assert_int_equal(ival(item(out, 0), "org_id"), m1);
	assert_int_equal(ival(item(out, 0), "distance_m"), 10);
	assert_int_equal(ival(item(out, 1), "org_id"), m2);
	assert_int_equal(ival(item(out, 1), "distance_m"), 290);
	assert_int_equal(ival(item(out, 1), "walk_m"), 377);
	assert_true(fabs(nval(item(out, 1), "minutes") - 7.5) < 1e-9);
	assert_string_equal(json_string_value(json_object_get(item(out, 1), "category")), "retail");
	json_decref(out);
	/* A category; a shorter walk (5 min: 192 m reaches M1 only); a limit. */
	q.category = "retail";
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_int_equal(ival(item(out, 0), "org_id"), m2);
	json_decref(out);
	q.category = NULL;
	q.minutes = 5;
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_int_equal(ival(item(out, 0), "org_id"), m1);
	json_decref(out);
	q.minutes = 0;
	q.limit = 1;
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	/* Where the caller is: a person's home; an organisation's place; a region's seat; else a 400 on lat. */
	double la, lo;
	struct principal who = {.role = ROLE_PERSON, .person_id = p[8]};
	snprintf(who.region_code, sizeof who.region_code, "130902");
	assert_int_equal(circle_caller_point(d, &who, &la, &lo, &err), SY_OK);
	assert_true(fabs(la - lat_at(0)) < 1e-9 && fabs(lo - lon_at(1000)) < 1e-9);
	who = (struct principal){.role = ROLE_MERCHANT, .org_id = m2};
	snprintf(who.region_code, sizeof who.region_code, "130902");
	assert_int_equal(circle_caller_point(d, &who, &la, &lo, &err), SY_OK);
	assert_true(fabs(lo - lon_at(300)) < 1e-9);
	who = (struct principal){.role = ROLE_PERSON, .person_id = p[10]}; /* no coordinates: 新华区's seat */
	snprintf(who.region_code, sizeof who.region_code, "130902");
	assert_int_equal(circle_caller_point(d, &who, &la, &lo, &err), SY_OK);
	assert_true(fabs(la - 38.314) < 1e-9 && fabs(lo - 116.866) < 1e-9);
	snprintf(who.region_code, sizeof who.region_code, "990000");
	assert_int_equal(circle_caller_point(d, &who, &la, &lo, &err), SY_EINVAL);
	assert_string_equal(err.field, "lat");
	/* Bad input names its field. */
	q.lat = 91;
	assert_int_equal(nearby(&q, &out, &err), SY_EINVAL);
	assert_string_equal(err.field, "lat");
	q.lat = LAT0;
	q.lon = NAN;
	assert_int_equal(nearby(&q, &out, &err), SY_EINVAL);
	assert_string_equal(err.field, "lon");
	q.lon = LON0;
	q.minutes = 61;
	assert_int_equal(nearby(&q, &out, &err), SY_EINVAL);
	assert_string_equal(err.field, "minutes");
}

static json_t *region_row(json_t *cov, const char *code)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(cov, "regions"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "code")), code) == 0)
			return r;
	fail_msg("no region %s", code);
	return NULL;
}

static void test_coverage(void **state)
{
	(void)state;
	sy_err err;
	struct circle_analysis *a;
	struct circle_options o = {0};
	assert_int_equal(circle_analyse(d, &sys, &o, &a, &err), SY_OK);
	json_t *cov = circle_coverage_json(a);
	assert_int_equal(ival(cov, "reach_m"), 385);
	assert_int_equal(ival(cov, "members"), 2);
	json_t *t = json_object_get(cov, "total");
	assert_int_equal(ival(t, "holders"), 8);
	assert_int_equal(ival(t, "covered"), 2);
	assert_true(fabs(nval(t, "share") - 0.25) < 1e-9);
	assert_int_equal(json_array_size(json_object_get(cov, "regions")), 2);
	json_t *xh = region_row(cov, "130902"), *yh = region_row(cov, "130903");
	assert_string_equal(json_string_value(json_object_get(xh, "name")), "新华区");
	assert_int_equal(ival(xh, "holders"), 6);
	assert_int_equal(ival(xh, "covered"), 2);
	assert_true(fabs(nval(xh, "share") - 2.0 / 6) < 1e-4);
	assert_int_equal(ival(yh, "holders"), 2);
	assert_int_equal(ival(yh, "covered"), 0);
	assert_true(fabs(nval(yh, "share")) < 1e-9);
	json_decref(cov);

	/* The grid: every holder in some cell, and the uncovered among them. */
	json_t *g = circle_grid_json(a), *c;
	size_t i;
	json_int_t holders = 0, unc = 0;
	assert_int_equal(ival(g, "cell_m"), 500);
	json_array_foreach(json_object_get(g, "cells"), i, c) {
		holders += ival(c, "holders");
		unc += ival(c, "uncovered");
		assert_true(nval(c, "lat_max") > nval(c, "lat_min") && nval(c, "lon_max") > nval(c, "lon_min"));
	}
	assert_int_equal(holders, 8);
	assert_int_equal(unc, 6);
	json_decref(g);
	circle_analysis_free(a);
}

static void test_uncovered(void **state)
{
	(void)state;
	sy_err err;
	struct circle_analysis *a;
	struct circle_options o = {0};
	json_t *items;
	int64_t next;
	struct principal admin = staff(ROLE_ADMIN, "130900"), auditor = staff(ROLE_AUDITOR, "130900");
	assert_int_equal(circle_analyse(d, &admin, &o, &a, &err), SY_OK);
	/* Those beyond three circles first (by id), then P8 at 910 m: two pages of 4 and 2. */
	assert_int_equal(circle_uncovered(d, &admin, a, 4, 0, &items, &next, &err), SY_OK);
	assert_int_equal(json_array_size(items), 4);
	assert_int_equal(next, 4);
	for (int k = 0; k < 4; k++) {
		json_t *u = json_array_get(items, (size_t)k);
		assert_int_equal(ival(u, "id"), p[3 + k]);
		assert_true(json_is_null(json_object_get(u, "minutes")));
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")), "张三");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id_number")),
			    "130902********0003");
	json_decref(items);
	assert_int_equal(circle_uncovered(d, &admin, a, 4, 4, &items, &next, &err), SY_OK);
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(next, 0);
	json_t *p8 = json_array_get(items, 1);
	assert_int_equal(ival(p8, "id"), p[8]);
	assert_int_equal(ival(p8, "nearest_org_id"), m2);
	assert_int_equal(ival(p8, "walk_m"), 910);
	assert_true(fabs(nval(p8, "minutes") - 18.2) < 1e-9);
	assert_string_equal(json_string_value(json_object_get(p8, "region_name")), "新华区");
	json_decref(items);
	/* An auditor sees names masked. */
	assert_int_equal(circle_uncovered(d, &auditor, a, 1, 0, &items, &next, &err), SY_OK);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")), "张*");
	json_decref(items);
	circle_analysis_free(a);
}

static void test_suggestions(void **state)
{
	(void)state;
	sy_err err;
	struct circle_analysis *a;
	struct circle_options o = {0};
	json_t *s, *e;
	size_t i;
	assert_int_equal(circle_analyse(d, &sys, &o, &a, &err), SY_OK);
	assert_int_equal(circle_suggestions(a, 5, &s, &err), SY_OK);
	json_t *orgs = json_object_get(s, "orgs"), *cells = json_object_get(s, "cells");
	/* C1 covers P3–P5, then C2 P6–P7; M3 (left) covers nobody uncovered and is not listed. */
	assert_int_equal(json_array_size(orgs), 2);
	assert_int_equal(ival(json_array_get(orgs, 0), "org_id"), c1);
	assert_int_equal(ival(json_array_get(orgs, 0), "new_covered"), 3);
	assert_int_equal(ival(json_array_get(orgs, 1), "org_id"), c2);
	assert_int_equal(ival(json_array_get(orgs, 1), "new_covered"), 2);
	assert_int_equal(ival(json_array_get(orgs, 1), "cumulative"), 5);
	/* Cells: gains never rise, and every uncovered holder is within a circle of its own cell's centre. */
	json_int_t last = 1 << 30, cum = 0;
	json_array_foreach(cells, i, e) {
		assert_true(ival(e, "new_covered") <= last && ival(e, "new_covered") > 0);
		last = ival(e, "new_covered");
		cum = ival(e, "cumulative");
	}
	assert_int_equal(cum, 6);
	json_decref(s);
	assert_int_equal(circle_suggestions(a, 0, &s, &err), SY_EINVAL);
	assert_string_equal(err.field, "k");
	circle_analysis_free(a);
	(void)m3;
}

static void test_scope(void **state)
{
	(void)state;
	sy_err err;
	struct circle_analysis *a;
	struct principal off = staff(ROLE_OFFICER, "130903"), merchant = staff(ROLE_MERCHANT, "130902");
	struct circle_options o = {0};
	json_t *s;
	/* An officer of 运河区 counts its two holders, and recruits among its own candidates. */
	assert_int_equal(circle_analyse(d, &off, &o, &a, &err), SY_OK);
	json_t *cov = circle_coverage_json(a);
	assert_int_equal(ival(json_object_get(cov, "total"), "holders"), 2);
	assert_int_equal(json_array_size(json_object_get(cov, "regions")), 1);
	json_decref(cov);
	assert_int_equal(circle_suggestions(a, 5, &s, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(s, "orgs")), 1);
	assert_int_equal(ival(json_array_get(json_object_get(s, "orgs"), 0), "org_id"), c2);
	json_decref(s);
	circle_analysis_free(a);
	o.region = "130902";
	assert_int_equal(circle_analyse(d, &off, &o, &a, &err), SY_EFORBIDDEN);
	assert_string_equal(err.field, "region");
	o.region = "999999";
	assert_int_equal(circle_analyse(d, &sys, &o, &a, &err), SY_EINVAL);
	assert_string_equal(err.field, "region");
	o.region = NULL;
	assert_int_equal(circle_analyse(d, &merchant, &o, &a, &err), SY_EFORBIDDEN);
	/* The admin narrowed to 新华区. */
	o.region = "130902";
	assert_int_equal(circle_analyse(d, &sys, &o, &a, &err), SY_OK);
	cov = circle_coverage_json(a);
	assert_int_equal(ival(json_object_get(cov, "total"), "holders"), 6);
	json_decref(cov);
	circle_analysis_free(a);
}

static void test_settings(void **state)
{
	(void)state;
	sy_err err;
	struct circle_settings s;
	struct principal off = staff(ROLE_OFFICER, "130903");
	struct circle_settings_patch bad = {.detour_factor = 0.5}, twenty = {.default_minutes = 20};
	int64_t audits = 0;
	assert_int_equal(circle_settings_set(d, &off, &twenty, &err), SY_EFORBIDDEN);
	assert_int_equal(circle_settings_set(d, &sys, &bad, &err), SY_EINVAL);
	assert_string_equal(err.field, "detour_factor");
	struct circle_settings_patch cell = {.grid_cell_m = 50};
	assert_int_equal(circle_settings_set(d, &sys, &cell, &err), SY_EINVAL);
	assert_string_equal(err.field, "grid_cell_m");
	assert_int_equal(circle_settings_get(d, &s, &err), SY_OK);
	assert_int_equal(s.default_minutes, 10);
	assert_true(fabs(s.detour_factor - 1.3) < 1e-9);
	/* 20 minutes: 1,000 m walk, 769 m straight: P8 (700 m from M2) is covered now. */
	assert_int_equal(circle_settings_set(d, &sys, &twenty, &err), SY_OK);
	assert_int_equal(circle_settings_get(d, &s, &err), SY_OK);
	assert_int_equal(s.default_minutes, 20);
	assert_string_equal(s.updated_by, "system");
	assert_int_equal(db_query_int(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'circle.settings'", DB_NOARGS,
				      &audits, &err),
			 SY_OK);
	assert_int_equal(audits, 1);
	struct circle_analysis *a;
	struct circle_options o = {0};
	assert_int_equal(circle_analyse(d, &sys, &o, &a, &err), SY_OK);
	json_t *cov = circle_coverage_json(a);
	assert_int_equal(ival(json_object_get(cov, "total"), "covered"), 3);
	json_decref(cov);
	circle_analysis_free(a);
	/* Nearby follows the new default at once (the change dropped this process's copy). */
	json_t *out;
	struct circle_nearby_query q = {.lat = lat_at(0), .lon = lon_at(1000), .limit = 20};
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(ival(out, "minutes"), 20);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	struct circle_settings_patch back = {.default_minutes = 10};
	assert_int_equal(circle_settings_set(d, &sys, &back, &err), SY_OK);
}

static void offer(int64_t org_id, const char *title, const char *categories, const char *from, const char *until)
{
	sy_err err;
	assert_int_equal(db_execp(d,
				  "INSERT INTO offers (org_id, title, benefit_kind, benefit_value, categories, usage_rule,"
				  " companion_allowed, valid_from, valid_until, created_by, created_at, updated_at)"
				  " VALUES ($1, $2, 'discount', 0.85, $3, 'once_per_day', 1, $4, $5, 'test',"
				  " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
				  DB_ARGS(DB_I(org_id), DB_T(title), DB_T(categories), from ? DB_T(from) : DB_NULL,
					  until ? DB_T(until) : DB_NULL),
				  NULL, &err),
			 SY_OK);
}

/*
 * The answer is put together from text written once per copy of the network:
 * it must be the JSON jansson would write (so clients see what they saw),
 * escape what names hold, list only today's offers, and break ties of
 * distance by org id, also when the limit cuts between them. Last: it adds
 * members (20 km east of the others, out of everyone's reach).
 */
static void test_nearby_text(void **state)
{
	(void)state;
	sy_err err;
	json_t *out;
	int64_t a = org("引号\"与\\反斜杠\n店", "130902", 20000, 0, "member", "catering");
	int64_t b = org("同一地点", "130902", 20000, 0, "member", "retail");
	int64_t c = org("稍远", "130902", 20100, 0, "member", "catering");
	offer(a, "九折\"优惠\"", "veteran,martyr_family", NULL, "2099-12-31");
	offer(a, "已过期", "", NULL, "2000-01-01");
	offer(a, "明年起", "", "2099-01-01", NULL);
	offer(c, "另一家", "", "2000-01-01", NULL);
	circle_invalidate(); /* written behind the merchants module's back */
	strbuf sb;
	sb_init(&sb);
	struct circle_nearby_query q = {.lat = lat_at(0), .lon = lon_at(20000), .limit = 20};
	assert_int_equal(circle_nearby(d, &q, &sb, &err), SY_OK);
	/* jansson, reading and writing it again, gives the same bytes. */
	out = json_loads(sb_str(&sb), 0, NULL);
	assert_non_null(out);
	char *again = json_dumps(out, JSON_COMPACT);
	assert_string_equal(again, sb_str(&sb));
	free(again);
	sb_free(&sb);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
	assert_int_equal(ival(item(out, 0), "org_id"), a);
	assert_int_equal(ival(item(out, 1), "org_id"), b);
	assert_int_equal(ival(item(out, 2), "org_id"), c);
	assert_int_equal(ival(item(out, 2), "distance_m"), 100);
	assert_string_equal(json_string_value(json_object_get(item(out, 0), "name")), "引号\"与\\反斜杠\n店");
	json_t *offers = json_object_get(item(out, 0), "offers");
	assert_int_equal(json_array_size(offers), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(offers, 0), "title")), "九折\"优惠\"");
	assert_true(json_number_value(json_object_get(json_array_get(offers, 0), "benefit_value")) == 0.85);
	json_t *cats = json_object_get(json_array_get(offers, 0), "categories");
	assert_int_equal(json_array_size(cats), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cats, 1), "code")), "martyr_family");
	assert_int_equal(json_array_size(json_object_get(item(out, 1), "offers")), 0);
	assert_int_equal(json_array_size(json_object_get(item(out, 2), "offers")), 1);
	json_decref(out);
	/* The limit cuts between two at one distance: the lower org id; a category skips the nearer. */
	q.limit = 1;
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_int_equal(ival(item(out, 0), "org_id"), a);
	json_decref(out);
	q.category = "retail";
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(ival(item(out, 0), "org_id"), b);
	json_decref(out);
	q.category = "catering";
	q.lon = lon_at(20100);
	q.limit = 2;
	assert_int_equal(nearby(&q, &out, &err), SY_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
	assert_int_equal(ival(item(out, 0), "org_id"), c);
	assert_int_equal(ival(item(out, 1), "org_id"), a);
	json_decref(out);
	/* A limit outside 1–200 is the caller's mistake, named. */
	q.limit = 0;
	assert_int_equal(circle_nearby(d, &q, &sb, &err), SY_EINVAL);
	assert_string_equal(err.field, "limit");
	sb_free(&sb);
}

#define SEARCHERS 6
static pthread_barrier_t start_together;

struct searcher {
	strbuf answer;
	sy_status st;
};

/* One server thread: its own connection, one search at M1 once all are ready. */
static void *search_at_m1(void *arg)
{
	struct searcher *s = arg;
	sy_err err;
	db *own = db_open(db_url, &err);
	struct circle_nearby_query q = {.lat = lat_at(0), .lon = lon_at(10), .limit = 20};
	pthread_barrier_wait(&start_together);
	s->st = own ? circle_nearby(own, &q, &s->answer, &err) : SY_EUNAVAILABLE;
	db_close(own);
	return NULL;
}

/*
 * Searches that arrive together after the network was invalidated (a
 * merchant joined, an offer changed) wait for one load of it rather than
 * each loading its own, and all get the same answer.
 */
static void test_nearby_loads_once_after_invalidation(void **state)
{
	(void)state;
	for (int round = 0; round < 5; round++) {
		struct searcher s[SEARCHERS] = {0};
		pthread_t t[SEARCHERS];
		circle_invalidate();
		uint64_t before = circle_cache_loads();
		assert_int_equal(pthread_barrier_init(&start_together, NULL, SEARCHERS), 0);
		for (int i = 0; i < SEARCHERS; i++)
			assert_int_equal(pthread_create(&t[i], NULL, search_at_m1, &s[i]), 0);
		for (int i = 0; i < SEARCHERS; i++)
			assert_int_equal(pthread_join(t[i], NULL), 0);
		pthread_barrier_destroy(&start_together);
		assert_int_equal(circle_cache_loads() - before, 1);
		for (int i = 0; i < SEARCHERS; i++) {
			assert_int_equal(s[i].st, SY_OK);
			assert_non_null(strstr(s[i].answer.buf, "\"org_id\":"));
			assert_string_equal(s[i].answer.buf, s[0].answer.buf);
		}
		for (int i = 0; i < SEARCHERS; i++)
			sb_free(&s[i].answer);
	}
}

/* The org ids of a nearby answer at M1, in order, as a comma list. */
static void ids_near_m1(char *out, size_t cap)
{
	sy_err err;
	json_t *j;
	struct circle_nearby_query q = {.lat = lat_at(0), .lon = lon_at(10), .limit = 20};
	assert_int_equal(nearby(&q, &j, &err), SY_OK);
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(json_object_get(j, "items")); i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "",
					(long long)ival(item(j, i), "org_id"));
	json_decref(j);
}

/*
 * With the server's configuration (circle_configure), the first search after
 * the copy expired is answered from the old copy at once while a thread of its
 * own reloads it; the reloaded copy then answers. A member added behind the
 * cache's back (straight into the tables, no invalidation) shows the two apart.
 */
static void test_nearby_refreshes_in_background(void **state)
{
	(void)state;
	sy_err err;
	char before[256], after[256];
	assert_int_equal(db_execp(d, "UPDATE circle_settings SET nearby_cache_seconds = 1 WHERE id = 1", NULL, 0, NULL,
				  &err),
			 SY_OK);
	circle_configure(db_url);
	circle_invalidate();
	ids_near_m1(before, sizeof before);
	int64_t added = org("后加商户", "130902", 5, 0, "member", "catering"); /* 5 m east: nearer than M1 */
	uint64_t loads = circle_cache_loads();
	sleep(2); /* the copy's second is over */
	ids_near_m1(after, sizeof after);
	assert_string_equal(after, before); /* the old copy answered */
	assert_int_equal(circle_cache_loads(), loads + 1); /* and a reload began */
	char want[32];
	snprintf(want, sizeof want, "%lld,", (long long)added);
	for (int i = 0; i < 100 && strncmp(after, want, strlen(want)) != 0; i++) {
		usleep(100 * 1000);
		ids_near_m1(after, sizeof after);
	}
	assert_true(strncmp(after, want, strlen(want)) == 0); /* the reloaded copy has the new member first */
	circle_shutdown();
	/* As it was: the member gone, the server's setting back, the next search loads on its own thread. */
	assert_int_equal(db_execp(d, "UPDATE merchant_profiles SET status = 'left' WHERE org_id = $1",
				  DB_ARGS(DB_I(added)), NULL, &err),
			 SY_OK);
	assert_int_equal(db_execp(d, "UPDATE circle_settings SET nearby_cache_seconds = 30 WHERE id = 1", NULL, 0,
				  NULL, &err),
			 SY_OK);
	circle_configure("");
	circle_invalidate();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nearby),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_uncovered),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_nearby_text),
		cmocka_unit_test(test_nearby_loads_once_after_invalidation),
		cmocka_unit_test(test_nearby_refreshes_in_background),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
