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

/* ---- the k nearest --------------------------------------------------------------------------- */

/* The order of geo_grid_within: nearer first, then the lower index. */
static bool hit_before(struct geo_hit a, struct geo_hit b)
{
	return a.m < b.m || (a.m == b.m && a.index < b.index);
}

/*
 * The k best so far as a max-heap (the last of them on top): a point joins
 * while there is room, or when it comes before the top, which then leaves.
 */
struct kbest {
	struct geo_hit *h;
	size_t n, k;
};

static void kbest_down(struct geo_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && hit_before(h[m], h[l]))
			m = l;
		if (r < n && hit_before(h[m], h[r]))
			m = r;
		if (m == i)
			return;
		struct geo_hit t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void kbest_add(struct kbest *b, struct geo_hit x)
{
	if (b->n < b->k) {
		size_t i = b->n++;
		while (i && hit_before(b->h[(i - 1) / 2], x)) {
			b->h[i] = b->h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		b->h[i] = x;
	} else if (hit_before(x, b->h[0])) {
		b->h[0] = x;
		kbest_down(b->h, b->n, 0);
	}
}

/*
 * The query's cells: the same box of cells geo_grid_visit reads (so the same
 * points qualify), the point's own cell within it, and a lower bound on the
 * distance to any point of a cell.
 */
struct kquery {
	struct probe p;
	int x0, x1, y0, y1, cx, cy;
	double fmin; /* the least |cos| factor of probe_m over the box's latitudes */
};

/*
 * Slack for where a point lies against its cell's bounds (cell_of divides in
 * floating point): 1e-9° is 0.1 mm, far above that rounding and far below
 * anything a walk can tell, so a bound never exceeds a point's distance.
 */
#define CELL_SLACK_DEG 1e-9

static double gap(double v, double lo, double hi)
{
	double d = v < lo ? lo - v : v > hi ? v - hi : 0;
	return d > CELL_SLACK_DEG ? d - CELL_SLACK_DEG : 0;
}

/* No point of cell (x, y) is nearer than this (probe_m's metres). */
static double cell_bound(const geo_grid *g, const struct kquery *q, int x, int y)
{
	double la = g->lat0 + y * g->dlat, lo = g->lon0 + x * g->dlon;
	double dy = gap(q->p.lat, la, la + g->dlat) * GEO_M_PER_DEG;
	double dx = gap(q->p.lon, lo, lo + g->dlon) * GEO_M_PER_DEG * q->fmin;
	return sqrt(dx * dx + dy * dy);
}

static bool kquery_at(const geo_grid *g, double lat, double lon, double r, struct kquery *q)
{
	if (!g || g->start[(size_t)g->nx * (size_t)g->ny] == 0 || !(r >= 0) || !geo_valid(lat, lon))
		return false;
	q->p = probe_at(lat, lon);
	double c = fmax(q->p.cos_q, 0.01);
	double rlat = r / GEO_M_PER_DEG, rlon = r / (GEO_M_PER_DEG * c);
	/* As geo_grid_visit. */
	double fx0 = floor((lon - rlon - g->lon0) / g->dlon), fx1 = floor((lon + rlon - g->lon0) / g->dlon);
	double fy0 = floor((lat - rlat - g->lat0) / g->dlat), fy1 = floor((lat + rlat - g->lat0) / g->dlat);
	if (fx1 < 0 || fy1 < 0 || fx0 >= g->nx || fy0 >= g->ny)
		return false;
	q->x0 = clampi(fx0, g->nx), q->x1 = clampi(fx1, g->nx), q->y0 = clampi(fy0, g->ny), q->y1 = clampi(fy1, g->ny);
	int cx = clampi((lon - g->lon0) / g->dlon, g->nx), cy = clampi((lat - g->lat0) / g->dlat, g->ny);
	q->cx = cx < q->x0 ? q->x0 : cx > q->x1 ? q->x1 : cx;
	q->cy = cy < q->y0 ? q->y0 : cy > q->y1 ? q->y1 : cy;
	/* probe_m's factor is linear in latitude: its least size over the box is at one end. */
	double s = g->lat0 + q->y0 * g->dlat - CELL_SLACK_DEG, n = g->lat0 + (q->y1 + 1) * g->dlat + CELL_SLACK_DEG;
	double fs = q->p.cos_q - q->p.half_sin_q * (s - lat), fn = q->p.cos_q - q->p.half_sin_q * (n - lat);
	q->fmin = fs > 0 && fn > 0 ? fmin(fs, fn) * (1 - 1e-12) : 0;
	return true;
}

/* Read cell (x, y) into b unless its bound already rules it out; its bound either way. */
static double read_cell(const geo_grid *g, const struct kquery *q, int x, int y, double r, geo_keep_fn keep,
			void *ctx, struct kbest *b)
{
	double bound = cell_bound(g, q, x, y);
	double limit = b->n == b->k ? b->h[0].m : r;
	if (bound > limit)
		return bound;
	size_t c = (size_t)y * (size_t)g->nx + (size_t)x;
	for (uint32_t i = g->start[c]; i < g->start[c + 1]; i++) {
		double m = probe_m(&q->p, g->plat[i], g->plon[i]);
		if (m > r || (b->n == b->k && m > b->h[0].m))
			continue;
		if (keep && !keep(ctx, g->idx[i]))
			continue;
		kbest_add(b, (struct geo_hit){g->idx[i], i, m});
	}
	return bound;
}

size_t geo_grid_nearest_k(const geo_grid *g, double lat, double lon, double r, size_t k, geo_keep_fn keep,
			  void *ctx, struct geo_hit *hits)
{
	struct kquery q;
	struct kbest b = {hits, 0, k};
	if (!k || !kquery_at(g, lat, lon, r, &q))
		return 0;
	int dmax = q.cx - q.x0;
	dmax = q.x1 - q.cx > dmax ? q.x1 - q.cx : dmax;
	dmax = q.cy - q.y0 > dmax ? q.cy - q.y0 : dmax;
	dmax = q.y1 - q.cy > dmax ? q.y1 - q.cy : dmax;
	/*
	 * Ring d is the cells d steps from the point's cell (within the box). A
	 * cell's bound is no less than that of its neighbour towards the point's
	 * cell, so once a whole ring is beyond the k-th kept (or beyond r), every
	 * ring after it is too.
	 */
	for (int d = 0; d <= dmax; d++) {
		double least = INFINITY;
		int xa = q.cx - d < q.x0 ? q.x0 : q.cx - d, xb = q.cx + d > q.x1 ? q.x1 : q.cx + d;
		for (int y = q.cy - d; y <= q.cy + d; y++) {
			if (y < q.y0 || y > q.y1)
				continue;
			if (y == q.cy - d || y == q.cy + d) {
				for (int x = xa; x <= xb; x++)
					least = fmin(least, read_cell(g, &q, x, y, r, keep, ctx, &b));
				continue;
			}
			if (q.cx - d >= q.x0)
				least = fmin(least, read_cell(g, &q, q.cx - d, y, r, keep, ctx, &b));
			if (q.cx + d <= q.x1)
				least = fmin(least, read_cell(g, &q, q.cx + d, y, r, keep, ctx, &b));
		}
		if (least > (b.n == b.k ? b.h[0].m : r))
			break;
	}
	/* The heap, sorted: take the last off the top, into the end. */
	for (size_t n = b.n; n > 1; n--) {
		struct geo_hit t = hits[0];
		hits[0] = hits[n - 1];
		hits[n - 1] = t;
		kbest_down(hits, n - 1, 0);
	}
	return b.n;
}

/* ---- every point within r ------------------------------------------------------------------- */

struct hit_list {
	struct geo_hit *v;
	size_t n, cap;
};

static bool hit_push(struct hit_list *l, struct geo_hit h)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct geo_hit *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = h;
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
	struct kquery q;
	*hits = NULL;
	*n = 0;
	if (!kquery_at(g, lat, lon, r, &q))
		return true;
	/* The cells geo_grid_visit reads, row by row. */
	for (int y = q.y0; y <= q.y1; y++) {
		size_t row = (size_t)y * (size_t)g->nx;
		for (uint32_t k = g->start[row + (size_t)q.x0]; k < g->start[row + (size_t)q.x1 + 1]; k++) {
			double m = probe_m(&q.p, g->plat[k], g->plon[k]);
			if (m <= r && !hit_push(&l, (struct geo_hit){g->idx[k], k, m})) {
				free(l.v);
				return false;
			}
		}
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, hit_cmp);
	*hits = l.v;
	*n = l.n;
	return true;
}

bool geo_grid_nearest(const geo_grid *g, double lat, double lon, double max_r, struct geo_hit *hit)
{
	if (!g || !(max_r >= 0))
		return false;
	/* Widen from about one cell, doubling: near points are found reading few cells. */
	double r = fmin(max_r, g->dlat * GEO_M_PER_DEG);
	for (;;) {
		if (geo_grid_nearest_k(g, lat, lon, r, 1, NULL, NULL, hit))
			return true;
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
