/*
 * geo.c - spherical distances and a uniform grid index (see geo.h).
 *
 * The grid is a counting sort of the points by cell: one array of cell start
 * offsets and the points' coordinates in cell order, so a query reads a few
 * contiguous runs. Cells are fixed in degrees; a query converts its radius
 * to degrees at its own latitude, so the cells it reads always cover the
 * circle whatever the cell's width in metres there.
 */
#include "geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG2RAD (3.14159265358979323846 / 180.0)
/*
 * A grid never has more cells than this: a stray point far from the rest
 * (a mistyped coordinate) would otherwise make the box, and the cell
 * array, enormous. The cell grows instead, which only slows queries.
 */
#define GEO_MAX_CELLS (1u << 22)

struct geo_grid {
	double lat0, lon0;   /* the south-west corner */
	double dlat, dlon;   /* a cell's size in degrees */
	int nx, ny;
	uint32_t *start;     /* nx*ny + 1 offsets into idx/plat/plon */
	uint32_t *idx;       /* input index of each point, in cell order */
	double *plat, *plon; /* the points, in cell order */
};

double geo_haversine_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * DEG2RAD, p2 = lat2 * DEG2RAD;
	double sdp = sin((p2 - p1) / 2), sdl = sin((lon2 - lon1) * DEG2RAD / 2);
	double h = sdp * sdp + cos(p1) * cos(p2) * sdl * sdl;
	if (h > 1)
		h = 1;
	/* atan2 rather than asin: asin loses precision near antipodes (h near 1). */
	return 2 * GEO_EARTH_RADIUS_M * atan2(sqrt(h), sqrt(1 - h));
}

double geo_fast_m(double lat1, double lon1, double lat2, double lon2)
{
	double dy = (lat2 - lat1) * GEO_M_PER_DEG;
	double dx = (lon2 - lon1) * GEO_M_PER_DEG * cos((lat1 + lat2) / 2 * DEG2RAD);
	return sqrt(dx * dx + dy * dy);
}

bool geo_valid(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

void geo_grid_free(geo_grid *g)
{
	if (!g)
		return;
	free(g->start);
	free(g->idx);
	free(g->plat);
	free(g->plon);
	free(g);
}

static int clampi(double v, int hi)
{
	if (!(v > 0))
		return 0;
	return v >= hi ? hi - 1 : (int)v;
}

static size_t cell_of(const geo_grid *g, double lat, double lon)
{
	int x = clampi((lon - g->lon0) / g->dlon, g->nx), y = clampi((lat - g->lat0) / g->dlat, g->ny);
	return (size_t)y * (size_t)g->nx + (size_t)x;
}

/* The box, and cells of cell_m (grown while there would be too many). */
static void grid_shape(geo_grid *g, const double *lat, const double *lon, size_t n, double cell_m)
{
	double lat_min = n ? lat[0] : 0, lat_max = lat_min, lon_min = n ? lon[0] : 0, lon_max = lon_min;
	for (size_t i = 1; i < n; i++) {
		lat_min = fmin(lat_min, lat[i]), lat_max = fmax(lat_max, lat[i]);
		lon_min = fmin(lon_min, lon[i]), lon_max = fmax(lon_max, lon[i]);
	}
	double c = cos((lat_min + lat_max) / 2 * DEG2RAD);
	if (c < 0.01)
		c = 0.01;
	g->lat0 = lat_min;
	g->lon0 = lon_min;
	for (;;) {
		g->dlat = cell_m / GEO_M_PER_DEG;
		g->dlon = cell_m / (GEO_M_PER_DEG * c);
		double nx = floor((lon_max - lon_min) / g->dlon) + 1, ny = floor((lat_max - lat_min) / g->dlat) + 1;
		if (nx * ny <= GEO_MAX_CELLS) {
			g->nx = (int)nx;
			g->ny = (int)ny;
			return;
		}
		cell_m *= 2;
	}
}

geo_grid *geo_grid_build(const double *lat, const double *lon, size_t n, double cell_m)
{
	if (!(cell_m > 0) || n >= UINT32_MAX)
		return NULL;
	geo_grid *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	grid_shape(g, lat, lon, n, cell_m);
	size_t ncells = (size_t)g->nx * (size_t)g->ny;
	size_t *cells = malloc((n ? n : 1) * sizeof *cells);
	g->start = calloc(ncells + 1, sizeof *g->start);
	g->idx = malloc((n ? n : 1) * sizeof *g->idx);
	g->plat = malloc((n ? n : 1) * sizeof *g->plat);
	g->plon = malloc((n ? n : 1) * sizeof *g->plon);
	if (!cells || !g->start || !g->idx || !g->plat || !g->plon) {
		free(cells);
		geo_grid_free(g);
		return NULL;
	}
	/* Counting sort: sizes, then running starts, then place each point. */
	for (size_t i = 0; i < n; i++) {
		cells[i] = cell_of(g, lat[i], lon[i]);
		g->start[cells[i] + 1]++;
	}
	for (size_t c = 0; c < ncells; c++)
		g->start[c + 1] += g->start[c];
	for (size_t i = 0; i < n; i++) {
		uint32_t at = g->start[cells[i]]++;
		g->idx[at] = (uint32_t)i;
		g->plat[at] = lat[i];
		g->plon[at] = lon[i];
	}
	/* The placing loop moved each start to the next cell's: shift back. */
	memmove(g->start + 1, g->start, ncells * sizeof *g->start);
	g->start[0] = 0;
	free(cells);
	return g;
}

/*
 * geo_fast_m from a fixed query point, without a cosine per pair: the cosine
 * of the mean latitude, to first order around the query's latitude. The
 * neglected term is of order (Δlat)², below 1e-5 relative within 50 km.
 */
struct probe {
	double lat, lon, cos_q, half_sin_q;
};

static struct probe probe_at(double lat, double lon)
{
	struct probe p = {lat, lon, cos(lat * DEG2RAD), sin(lat * DEG2RAD) * DEG2RAD / 2};
	return p;
}

static double probe_m(const struct probe *p, double lat, double lon)
{
	double dy = (lat - p->lat) * GEO_M_PER_DEG;
	double dx = (lon - p->lon) * GEO_M_PER_DEG * (p->cos_q - p->half_sin_q * (lat - p->lat));
	return sqrt(dx * dx + dy * dy);
}

void geo_grid_visit(const geo_grid *g, double lat, double lon, double r, geo_visit_fn fn, void *ctx)
{
	if (!g || g->start[(size_t)g->nx * (size_t)g->ny] == 0 || !(r >= 0) || !geo_valid(lat, lon))
		return;
	struct probe p = probe_at(lat, lon);
	double c = fmax(p.cos_q, 0.01);
	double rlat = r / GEO_M_PER_DEG, rlon = r / (GEO_M_PER_DEG * c);
	/* The cells the circle's bounding box touches; none when it misses the grid. */
	double fx0 = floor((lon - rlon - g->lon0) / g->dlon), fx1 = floor((lon + rlon - g->lon0) / g->dlon);
	double fy0 = floor((lat - rlat - g->lat0) / g->dlat), fy1 = floor((lat + rlat - g->lat0) / g->dlat);
	if (fx1 < 0 || fy1 < 0 || fx0 >= g->nx || fy0 >= g->ny)
		return;
	int x0 = clampi(fx0, g->nx), x1 = clampi(fx1, g->nx), y0 = clampi(fy0, g->ny), y1 = clampi(fy1, g->ny);
	for (int y = y0; y <= y1; y++) {
		size_t row = (size_t)y * (size_t)g->nx;
		for (uint32_t k = g->start[row + (size_t)x0]; k < g->start[row + (size_t)x1 + 1]; k++) {
			double m = probe_m(&p, g->plat[k], g->plon[k]);
			if (m <= r && !fn(ctx, g->idx[k], m))
				return;
		}
	}
}

struct hit_list {
	struct geo_hit *v;
	size_t n, cap;
	bool oom;
};

static bool collect(void *ctx, uint32_t index, double m)
{
	struct hit_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct geo_hit *v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->oom = true;
			return false;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct geo_hit){index, m};
	return true;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct geo_hit *x = a, *y = b;
	if (x->m != y->m)
		return x->m < y->m ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

bool geo_grid_within(const geo_grid *g, double lat, double lon, double r, struct geo_hit **hits, size_t *n)
{
	struct hit_list l = {0};
	geo_grid_visit(g, lat, lon, r, collect, &l);
	if (l.oom) {
		free(l.v);
		*hits = NULL;
		*n = 0;
		return false;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, hit_cmp);
	*hits = l.v;
	*n = l.n;
	return true;
}

struct best {
	struct geo_hit hit;
	bool found;
};

static bool keep_nearest(void *ctx, uint32_t index, double m)
{
	struct best *b = ctx;
	if (!b->found || m < b->hit.m || (m == b->hit.m && index < b->hit.index))
		*b = (struct best){{index, m}, true};
	return true;
}

bool geo_grid_nearest(const geo_grid *g, double lat, double lon, double max_r, struct geo_hit *hit)
{
	if (!g || !(max_r >= 0))
		return false;
	/* Widen from about one cell, doubling: near points are found reading few cells. */
	double r = fmin(max_r, g->dlat * GEO_M_PER_DEG);
	for (;;) {
		struct best b = {.found = false};
		geo_grid_visit(g, lat, lon, r, keep_nearest, &b);
		if (b.found) {
			*hit = b.hit;
			return true;
		}
		if (r >= max_r)
			return false;
		r = fmin(max_r, r * 2);
	}
}

size_t geo_grid_cells(const geo_grid *g, int *nx, int *ny)
{
	*nx = g->nx;
	*ny = g->ny;
	return (size_t)g->nx * (size_t)g->ny;
}

size_t geo_grid_cell_points(const geo_grid *g, size_t c, const uint32_t **idx)
{
	*idx = g->idx + g->start[c];
	return g->start[c + 1] - g->start[c];
}

void geo_grid_cell_bounds(const geo_grid *g, size_t c, double *lat_min, double *lon_min, double *lat_max,
			  double *lon_max)
{
	int x = (int)(c % (size_t)g->nx), y = (int)(c / (size_t)g->nx);
	*lat_min = g->lat0 + y * g->dlat;
	*lon_min = g->lon0 + x * g->dlon;
	*lat_max = *lat_min + g->dlat;
	*lon_max = *lon_min + g->dlon;
}
