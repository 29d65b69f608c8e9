/*
 * geo.h - distances between WGS-84 points and a uniform grid index over
 * points, for "what is within r metres of here" over a city.
 *
 * Distances are on a sphere of the earth's mean radius (IUGG, 6,371,008.8 m).
 * Against the WGS-84 ellipsoid a spherical distance is off by at most about
 * 0.5 %, which is far below what a walking estimate can tell.
 *
 * geo_fast_m is the local (equirectangular) approximation: metres east are
 * degrees of longitude times the cosine of the two points' mean latitude.
 * Against geo_haversine_m its relative error, at a city's latitudes (up to
 * 45°), is below 0.1 % within 10 km and below 0.5 % within 50 km
 * (tests/unit/lib/test_geo.c checks both bounds). It is what the grid uses.
 */
#ifndef SY_GEO_H
#define SY_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEO_EARTH_RADIUS_M 6371008.8
/* Metres in one degree of latitude (and of longitude at the equator) on that sphere. */
#define GEO_M_PER_DEG (GEO_EARTH_RADIUS_M * 3.14159265358979323846 / 180.0)

/* Great-circle distance in metres. */
double geo_haversine_m(double lat1, double lon1, double lat2, double lon2);
/* The local approximation above: for distances within a city. */
double geo_fast_m(double lat1, double lon1, double lat2, double lon2);
/* A usable WGS-84 coordinate pair: finite, lat in [-90, 90], lon in [-180, 180]. */
bool geo_valid(double lat, double lon);

/*
 * A uniform grid of square cells (cell_m on a side at the points' middle
 * latitude) over the bounding box of n points, built once. The points are
 * copied, bucketed by cell; each keeps its index in the input arrays.
 */
typedef struct geo_grid geo_grid;

/* NULL on allocation failure, or when cell_m is not positive. n may be 0. */
geo_grid *geo_grid_build(const double *lat, const double *lon, size_t n, double cell_m);
void geo_grid_free(geo_grid *g);

struct geo_hit {
	uint32_t index; /* into the arrays the grid was built from */
	/*
	 * The point's place in the grid's cell order (0..n-1: cell 0's points in
	 * input order, then cell 1's, …; as geo_grid_cell_points lists them).
	 * Data a caller keeps in that order is read almost in sequence by a
	 * search, where by index it is read from anywhere.
	 */
	uint32_t slot;
	double m; /* distance from the query point (geo_fast_m) */
};

/*
 * Every point within r metres of (lat, lon), nearest first (ties by index).
 * *hits is malloc'd (free it; NULL when *n is 0). false on allocation failure.
 */
bool geo_grid_within(const geo_grid *g, double lat, double lon, double r, struct geo_hit **hits,
		     size_t *n);
/*
 * Call fn for every point within r metres (in no order); fn returns false
 * to stop. For callers that count or filter and need no list.
 */
typedef bool (*geo_visit_fn)(void *ctx, uint32_t index, double m);
void geo_grid_visit(const geo_grid *g, double lat, double lon, double r, geo_visit_fn fn, void *ctx);
/*
 * The k nearest points within r metres that keep(ctx, index) accepts (every
 * one when keep is NULL), nearest first (ties by index): the first k that
 * geo_grid_within would list, after the filter, without listing the rest.
 * hits has room for k; returns how many it filled (fewer when fewer qualify).
 * It reads the cells from the point's outwards and stops at the first ring
 * of cells that cannot hold a point nearer than the k-th kept, so a search
 * costs about the k points' cells however many more are within r.
 */
typedef bool (*geo_keep_fn)(void *ctx, uint32_t index);
size_t geo_grid_nearest_k(const geo_grid *g, double lat, double lon, double r, size_t k, geo_keep_fn keep,
			  void *ctx, struct geo_hit *hits);
/* The nearest point within max_r metres: true with *hit filled, false when none is. */
bool geo_grid_nearest(const geo_grid *g, double lat, double lon, double max_r, struct geo_hit *hit);

/* The cells: nx × ny; cell (x, y) is number y * nx + x. */
size_t geo_grid_cells(const geo_grid *g, int *nx, int *ny);
/* How many points cell c holds, and their input indexes (*idx points into the grid). */
size_t geo_grid_cell_points(const geo_grid *g, size_t c, const uint32_t **idx);
/* The cell's bounds in degrees. */
void geo_grid_cell_bounds(const geo_grid *g, size_t c, double *lat_min, double *lon_min, double *lat_max,
			  double *lon_max);

#endif
