/*
 * Unit tests for src/lib/geo.c: haversine against distances known in closed
 * form and a published one; the local approximation's documented error
 * bounds; the grid index against brute force (within r, nearest first;
 * nearest; the k nearest, which must be geo_grid_within's first k after a
 * filter; per-cell counts and bounds), an empty grid, a query outside it,
 * and a stray far point that must not make the grid enormous.
 */
#include "testutil.h"

#include <math.h>

#include "lib/geo.h"

#define PI 3.14159265358979323846

static void test_haversine_known(void **state)
{
	(void)state;
	/* A quarter meridian is πR/2; a degree on the equator 2πR/360. */
	assert_true(fabs(geo_haversine_m(0, 0, 90, 0) - PI * GEO_EARTH_RADIUS_M / 2) < 1e-3);
	assert_true(fabs(geo_haversine_m(0, 0, 0, 1) - 2 * PI * GEO_EARTH_RADIUS_M / 360) < 1e-6);
	assert_true(fabs(geo_haversine_m(0, 0, 0, 1) - 111195.08) < 0.01);
	/* Antipodes: half the circumference (to a metre: double rounding there is worth decimetres). */
	assert_true(fabs(geo_haversine_m(10, 20, -10, -160) - PI * GEO_EARTH_RADIUS_M) < 1);
	/* Beijing (天安门) – Shanghai (人民广场): about 1,067 km by great circle (ellipsoid: 1,068 km). */
	double bs = geo_haversine_m(39.9042, 116.4074, 31.2304, 121.4737);
	assert_true(fabs(bs - 1067312) < 5);
	assert_true(fabs(bs - 1068000) / 1068000 < 0.005);
	/* Symmetric, and zero for one point. */
	assert_true(fabs(geo_haversine_m(38.304, 116.839, 38.314, 116.866) -
			 geo_haversine_m(38.314, 116.866, 38.304, 116.839)) < 1e-9);
	assert_true(geo_haversine_m(38.3, 116.8, 38.3, 116.8) == 0);
	/* 沧州市's seat to 新华区's: 2.605 km. */
	assert_true(fabs(geo_haversine_m(38.304, 116.839, 38.314, 116.866) - 2605.05) < 0.1);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(geo_valid(38.3, 116.8));
	assert_true(geo_valid(-90, 180));
	assert_false(geo_valid(90.001, 0));
	assert_false(geo_valid(0, -180.5));
	assert_false(geo_valid(NAN, 0));
	assert_false(geo_valid(0, INFINITY));
}

/* Deterministic pseudo-random numbers in [0, 1). */
static uint64_t seed = 88172645463325252ull;
static double rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (double)(seed >> 11) / 9007199254740992.0;
}

/* The worst relative error of geo_fast_m over pairs up to max_m apart around lat0. */
static double worst_fast_error(double lat0, double lon0, double max_m)
{
	double worst = 0;
	for (int i = 0; i < 20000; i++) {
		double lat = lat0 + (rnd() - 0.5), lon = lon0 + (rnd() - 0.5);
		double d = max_m * (0.01 + 0.99 * rnd()), bearing = 2 * PI * rnd();
		double lat2 = lat + d * cos(bearing) / GEO_M_PER_DEG;
		double lon2 = lon + d * sin(bearing) / (GEO_M_PER_DEG * cos(lat * PI / 180));
		double h = geo_haversine_m(lat, lon, lat2, lon2), f = geo_fast_m(lat, lon, lat2, lon2);
		worst = fmax(worst, fabs(f - h) / h);
	}
	return worst;
}

static void test_fast_error_bounds(void **state)
{
	(void)state;
	/* Cangzhou, and 45° where the approximation is worst of a Chinese city's latitudes. */
	assert_true(worst_fast_error(38.3, 116.8, 10000) < 0.001);
	assert_true(worst_fast_error(38.3, 116.8, 50000) < 0.005);
	assert_true(worst_fast_error(45.0, 126.6, 10000) < 0.001);
	assert_true(worst_fast_error(45.0, 126.6, 50000) < 0.005);
}

#define NPTS 3000
static double plat[NPTS], plon[NPTS];

static void scatter(void)
{
	for (int i = 0; i < NPTS; i++) {
		plat[i] = 38.25 + 0.1 * rnd();
		plon[i] = 116.8 + 0.12 * rnd();
	}
}

/* Each slot's input index, from the cells in order (what geo_hit.slot promises). */
static uint32_t *slot_index(const geo_grid *g, size_t n)
{
	int nx, ny;
	size_t cells = geo_grid_cells(g, &nx, &ny), s = 0;
	uint32_t *at = malloc((n ? n : 1) * sizeof *at);
	assert_non_null(at);
	for (size_t c = 0; c < cells; c++) {
		const uint32_t *idx;
		size_t k = geo_grid_cell_points(g, c, &idx);
		for (size_t j = 0; j < k; j++)
			at[s++] = idx[j];
	}
	assert_int_equal(s, n);
	return at;
}

static void test_within_matches_brute_force(void **state)
{
	(void)state;
	scatter();
	geo_grid *g = geo_grid_build(plat, plon, NPTS, 500);
	assert_non_null(g);
	uint32_t *at = slot_index(g, NPTS);
	for (int q = 0; q < 200; q++) {
		double lat = 38.24 + 0.12 * rnd(), lon = 116.79 + 0.14 * rnd(), r = 100 + 2000 * rnd();
		struct geo_hit *hits;
		size_t n;
		assert_true(geo_grid_within(g, lat, lon, r, &hits, &n));
		size_t expect = 0;
		for (int i = 0; i < NPTS; i++)
			if (geo_fast_m(lat, lon, plat[i], plon[i]) <= r - 0.01)
				expect++;
		/* Borderline points (within 1 cm of r) may fall either way of the two approximations. */
		assert_true(n >= expect);
		for (size_t k = 0; k < n; k++) {
			double h = geo_haversine_m(lat, lon, plat[hits[k].index], plon[hits[k].index]);
			assert_true(fabs(hits[k].m - h) <= 0.001 * h + 0.01);
			assert_true(hits[k].m <= r);
			assert_int_equal(at[hits[k].slot], hits[k].index);
			if (k)
				assert_true(hits[k - 1].m <= hits[k].m);
		}
		free(hits);
	}
	free(at);
	geo_grid_free(g);
}

static void test_nearest(void **state)
{
	(void)state;
	scatter();
	geo_grid *g = geo_grid_build(plat, plon, NPTS, 300);
	assert_non_null(g);
	uint32_t *at = slot_index(g, NPTS);
	for (int q = 0; q < 200; q++) {
		double lat = 38.2 + 0.2 * rnd(), lon = 116.75 + 0.22 * rnd();
		double best = INFINITY;
		for (int i = 0; i < NPTS; i++)
			best = fmin(best, geo_fast_m(lat, lon, plat[i], plon[i]));
		struct geo_hit h;
		assert_true(geo_grid_nearest(g, lat, lon, 1e6, &h));
		assert_true(fabs(h.m - best) < 0.01);
		assert_int_equal(at[h.slot], h.index);
		/* Nothing within a radius below the nearest. */
		assert_false(geo_grid_nearest(g, lat, lon, best * 0.99 - 0.02, &h));
	}
	free(at);
	geo_grid_free(g);
}

/* A filter for the k nearest: indexes that are not multiples of *every (0: keep all). */
static bool keep_not_multiple(void *ctx, uint32_t index)
{
	uint32_t every = *(const uint32_t *)ctx;
	return every == 0 || index % every != 0;
}

/*
 * The k nearest equal the first k of geo_grid_within's list after the same
 * filter: the same points, distances, order (ties by index) and count.
 */
static void expect_first_k(const geo_grid *g, double lat, double lon, double r, size_t k, uint32_t every)
{
	struct geo_hit *all, got[64];
	size_t n, want = 0;
	assert_true(k <= 64);
	assert_true(geo_grid_within(g, lat, lon, r, &all, &n));
	size_t filled = geo_grid_nearest_k(g, lat, lon, r, k, every ? keep_not_multiple : NULL, &every, got);
	for (size_t i = 0; i < n && want < k; i++) {
		if (every && all[i].index % every == 0)
			continue;
		assert_int_equal(got[want].index, all[i].index);
		assert_int_equal(got[want].slot, all[i].slot);
		assert_true(got[want].m == all[i].m);
		want++;
	}
	assert_int_equal(filled, want);
	free(all);
}

static void test_nearest_k_matches_within(void **state)
{
	(void)state;
	scatter();
	/* Cells smaller and larger than the radii, so that rings stop early and late. */
	static const double cells[] = {150, 500, 3000};
	for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
		geo_grid *g = geo_grid_build(plat, plon, NPTS, cells[c]);
		assert_non_null(g);
		for (int q = 0; q < 300; q++) {
			/* Some queries fall outside the points' box. */
			double lat = 38.22 + 0.16 * rnd(), lon = 116.77 + 0.18 * rnd(), r = 50 + 3000 * rnd();
			size_t k = 1 + (size_t)(40 * rnd());
			expect_first_k(g, lat, lon, r, k, (uint32_t)(q % 4)); /* 0: no filter; 1: keep none */
		}
		geo_grid_free(g);
	}
}

static void test_nearest_k_edges(void **state)
{
	(void)state;
	struct geo_hit got[8];
	uint32_t none = 1;
	/* An empty grid; k = 0; a radius that is not a number. */
	geo_grid *g = geo_grid_build(NULL, NULL, 0, 500);
	assert_int_equal(geo_grid_nearest_k(g, 38.3, 116.8, 1000, 8, NULL, NULL, got), 0);
	geo_grid_free(g);
	scatter();
	g = geo_grid_build(plat, plon, NPTS, 400);
	assert_int_equal(geo_grid_nearest_k(g, 38.3, 116.85, 1000, 0, NULL, NULL, got), 0);
	assert_int_equal(geo_grid_nearest_k(g, 38.3, 116.85, NAN, 8, NULL, NULL, got), 0);
	/* A filter that keeps nothing; a point far outside the grid. */
	assert_int_equal(geo_grid_nearest_k(g, 38.3, 116.85, 5000, 8, keep_not_multiple, &none, got), 0);
	assert_int_equal(geo_grid_nearest_k(g, 30, 100, 5000, 8, NULL, NULL, got), 0);
	/* k beyond what is within r: all of them, as within lists them. */
	expect_first_k(g, 38.3, 116.85, 120, 64, 0);
	geo_grid_free(g);
	/*
	 * Ties: three points on one spot, and four the same angle east or west
	 * of it (binary fractions, so the differences are exact): each group
	 * at one distance, in index order.
	 */
	double la[7] = {38.25, 38.25, 38.25, 38.25, 38.25, 38.25, 38.25};
	double lo[7] = {116.7578125, 116.75, 116.7421875, 116.75, 116.7578125, 116.7421875, 116.75};
	g = geo_grid_build(la, lo, 7, 100);
	assert_int_equal(geo_grid_nearest_k(g, 38.25, 116.75, 1000, 8, NULL, NULL, got), 7);
	static const uint32_t order[7] = {1, 3, 6, 0, 2, 4, 5};
	for (int i = 0; i < 7; i++)
		assert_int_equal(got[i].index, order[i]);
	assert_true(got[0].m == 0 && got[2].m == 0 && got[3].m > 0 && got[3].m == got[6].m);
	/* Two of the three on the spot: the lower indexes. */
	assert_int_equal(geo_grid_nearest_k(g, 38.25, 116.75, 1000, 2, NULL, NULL, got), 2);
	assert_int_equal(got[0].index, 1);
	assert_int_equal(got[1].index, 3);
	for (int k = 1; k <= 8; k++)
		expect_first_k(g, 38.25, 116.7503, 1000, (size_t)k, 0);
	geo_grid_free(g);
}

static void test_cells_count_and_bounds(void **state)
{
	(void)state;
	scatter();
	geo_grid *g = geo_grid_build(plat, plon, NPTS, 1000);
	assert_non_null(g);
	int nx, ny;
	size_t cells = geo_grid_cells(g, &nx, &ny), total = 0;
	assert_int_equal(cells, (size_t)nx * (size_t)ny);
	/* 0.12° of longitude at 38.3° is about 10.5 km, 0.1° of latitude 11.1 km: 11–12 cells each way. */
	assert_true(nx >= 10 && nx <= 12 && ny >= 11 && ny <= 12);
	for (size_t c = 0; c < cells; c++) {
		const uint32_t *idx;
		size_t n = geo_grid_cell_points(g, c, &idx);
		double a, b, e, f;
		geo_grid_cell_bounds(g, c, &a, &b, &e, &f);
		assert_true(fabs((e - a) * GEO_M_PER_DEG - 1000) < 1e-6);
		for (size_t k = 0; k < n; k++) {
			assert_true(plat[idx[k]] >= a - 1e-9 && plat[idx[k]] <= e + 1e-9);
			assert_true(plon[idx[k]] >= b - 1e-9 && plon[idx[k]] <= f + 1e-9);
		}
		total += n;
	}
	assert_int_equal(total, NPTS);
	geo_grid_free(g);
}

static void test_edges(void **state)
{
	(void)state;
	struct geo_hit *hits;
	size_t n;
	struct geo_hit h;
	/* Empty. */
	geo_grid *g = geo_grid_build(NULL, NULL, 0, 500);
	assert_non_null(g);
	assert_true(geo_grid_within(g, 38.3, 116.8, 1000, &hits, &n));
	assert_int_equal(n, 0);
	assert_false(geo_grid_nearest(g, 38.3, 116.8, 1e6, &h));
	geo_grid_free(g);
	assert_null(geo_grid_build(plat, plon, 1, 0));
	/* One point; queries from outside the box still find it, or not, by distance. */
	double la[2] = {38.3, 0}, lo[2] = {116.8, 0};
	g = geo_grid_build(la, lo, 1, 500);
	assert_true(geo_grid_within(g, 38.31, 116.8, 1200, &hits, &n));
	assert_int_equal(n, 1);
	assert_true(fabs(hits[0].m - geo_haversine_m(38.31, 116.8, 38.3, 116.8)) < 1);
	free(hits);
	assert_true(geo_grid_within(g, 38.31, 116.8, 1000, &hits, &n));
	assert_int_equal(n, 0);
	assert_false(geo_grid_nearest(g, 40, 116.8, 1000, &h));
	assert_true(geo_grid_nearest(g, 40, 116.8, 200000, &h));
	assert_int_equal(h.index, 0);
	geo_grid_free(g);
	/* A stray point at (0, 0): the cells grow rather than number in the hundreds of millions. */
	g = geo_grid_build(la, lo, 2, 100);
	assert_non_null(g);
	int nx, ny;
	assert_true(geo_grid_cells(g, &nx, &ny) <= (1u << 22));
	assert_true(geo_grid_nearest(g, 38.3001, 116.8, 1000, &h));
	assert_int_equal(h.index, 0);
	geo_grid_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_haversine_known),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_fast_error_bounds),
		cmocka_unit_test(test_within_matches_brute_force),
		cmocka_unit_test(test_nearest),
		cmocka_unit_test(test_nearest_k_matches_within),
		cmocka_unit_test(test_nearest_k_edges),
		cmocka_unit_test(test_cells_count_and_bounds),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
