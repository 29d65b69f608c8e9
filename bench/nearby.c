/*
 * nearby.c - the 10-minute circle's nearby search in process: M member
 * merchants (default 100,000) around Cangzhou's county seats, scattered as
 * bench/gen_merchants.py does (a normal spread of 0.025° of latitude and
 * 0.032° of longitude around a random seat), OFFERS switched-on offers each
 * (default 0, as bench/verify.sh loads them), in a fresh SQLite database;
 * then Q searches (default 20,000) at random points within a few km of a
 * random seat, as bench/verify.sh's wrk script asks them: k = 20 within the
 * default 10 minutes, each answer made into the bytes the server sends.
 * Prints µs per search (best of 3 rounds, after one that keeps the answers)
 * and a digest of every answer, which must not change when only the speed
 * does. Built only for bench/nearby.sh.
 *
 *   nearby [MERCHANTS [QUERIES [OFFERS]]]
 */
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "modules/merchants/circle.h"

extern const struct db_migration app_migrations[];
extern const int app_migrations_count;

/* County seats, as in bench/gen_circle.py (from sql/002_regions.sql). */
static const struct {
	const char *code;
	double lat, lon;
} seats[] = {
	{"130902", 38.314, 116.866}, {"130903", 38.298, 116.832}, {"130921", 38.219, 116.873},
	{"130922", 38.583, 116.804}, {"130923", 37.888, 116.537}, {"130924", 38.143, 117.497},
	{"130925", 38.058, 117.231}, {"130926", 38.423, 115.83},  {"130927", 38.039, 116.709},
	{"130928", 37.628, 116.391}, {"130929", 38.19, 116.123},  {"130930", 38.053, 117.104},
	{"130981", 38.084, 116.578}, {"130982", 38.712, 116.099}, {"130983", 38.371, 117.33},
	{"130984", 38.446, 116.099},
};
#define NSEATS (sizeof seats / sizeof seats[0])
static const char *const cats[] = {"catering", "retail", "medical", "bank", "leisure"};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same sequence on every machine. A double in [0, 1). */
static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static double gauss(double sd)
{
	double u = uniform(), v = uniform();
	return sd * sqrt(-2 * log(1 - u)) * cos(2 * 3.14159265358979323846 * v);
}

static void check(sy_status st, const sy_err *err, const char *what)
{
	if (st) {
		fprintf(stderr, "nearby bench: %s: %s\n", what, err->msg_en);
		exit(1);
	}
}

static void fill(db *d, int merchants, int offers)
{
	static const char now[] = "2026-01-01T00:00:00Z";
	sy_err err;
	check(db_begin(d, &err), &err, "begin");
	for (int i = 0; i < merchants; i++) {
		char name[32];
		int s = (int)(uniform() * NSEATS);
		double lat = seats[s].lat + gauss(0.025), lon = seats[s].lon + gauss(0.025 * 1.27);
		int64_t id = 1000000 + i;
		snprintf(name, sizeof name, "商户%d", i);
		check(db_execp(d,
			       "INSERT INTO orgs (id, name, type, region_code, lat, lon, created_at, updated_at)"
			       " VALUES ($1, $2, 'merchant', $3, $4, $5, $6, $6)",
			       DB_ARGS(DB_I(id), DB_T(name), DB_T(seats[s].code), DB_D(lat), DB_D(lon), DB_T(now)), NULL,
			       &err),
		      &err, "orgs");
		check(db_execp(d,
			       "INSERT INTO merchant_profiles (org_id, status, category, joined_at, created_at, updated_at)"
			       " VALUES ($1, 'member', $2, $3, $3, $3)",
			       DB_ARGS(DB_I(id), DB_T(cats[i % 5]), DB_T(now)), NULL, &err),
		      &err, "merchant_profiles");
		for (int k = 0; k < offers; k++)
			check(db_execp(d,
				       "INSERT INTO offers (org_id, title, benefit_kind, benefit_value, categories,"
				       " usage_rule, companion_allowed, valid_until, created_by, created_at, updated_at)"
				       " VALUES ($1, $2, 'discount', 0.8, 'veteran,martyr_family', 'once_per_visit', 1,"
				       " '2099-12-31', 'bench', $3, $3)",
				       DB_ARGS(DB_I(id), DB_T(k ? "凭优待证免费停车" : "凭优待证八折"), DB_T(now)), NULL,
				       &err),
			      &err, "offers");
	}
	check(db_commit(d, &err), &err, "commit");
}

/*
 * One search and its answer's bytes (written to f when not NULL); the items
 * are added to *items. Its own function so that callgrind can count it alone
 * (--toggle-collect=search).
 */
static __attribute__((noinline)) size_t search(db *d, double lat, double lon, FILE *f, size_t *items)
{
	struct circle_nearby_query q = {.lat = lat, .lon = lon, .limit = 20};
	sy_err err;
	strbuf out;
	sb_init(&out);
	check(circle_nearby(d, &q, &out, &err), &err, "nearby");
	/* Each item has one distance_m: count them rather than parse the answer. */
	for (const char *p = sb_str(&out); (p = strstr(p, "\"distance_m\":")); p++)
		(*items)++;
	if (f)
		fprintf(f, "%s\n", sb_str(&out));
	size_t n = out.len;
	sb_free(&out);
	return n;
}

/* The bytes malloc has handed out and not had back, in MB. */
static double heap_mb(void)
{
	struct mallinfo2 mi = mallinfo2();
	return (double)(mi.uordblks + mi.hblkhd) / 1048576.0;
}

int main(int argc, char **argv)
{
	int merchants = argc > 1 ? atoi(argv[1]) : 100000, queries = argc > 2 ? atoi(argv[2]) : 20000;
	int offers = argc > 3 ? atoi(argv[3]) : 0;
	char dir[] = "/tmp/sy-bench-nearby-XXXXXX", url[64], path[64];
	sy_err err;
	if (merchants < 1 || queries < 1 || offers < 0 || !crypto_init() || !mkdtemp(dir))
		return 2;
	snprintf(url, sizeof url, "sqlite:%s/n.db", dir);
	db *d = db_open(url, &err);
	if (!d)
		check(SY_EINTERNAL, &err, "open");
	check(db_migrate(d, app_migrations, app_migrations_count, NULL, &err), &err, "migrate");
	fill(d, merchants, offers);

	double *qlat = malloc((size_t)queries * sizeof *qlat), *qlon = malloc((size_t)queries * sizeof *qlon);
	if (!qlat || !qlon)
		return 2;
	for (int i = 0; i < queries; i++) {
		int s = (int)(uniform() * NSEATS);
		qlat[i] = seats[s].lat + (uniform() - 0.5) * 0.06;
		qlon[i] = seats[s].lon + (uniform() - 0.5) * 0.08;
	}
	/* Load the network first: it is cached, and not what is measured. */
	size_t items = 0, bytes = 0;
	struct circle_nearby_query warm = {.lat = seats[0].lat, .lon = seats[0].lon, .limit = 20};
	strbuf out;
	sb_init(&out);
	double t_load = time_mono_ms(), heap0 = heap_mb();
	check(circle_nearby(d, &warm, &out, &err), &err, "nearby");
	t_load = time_mono_ms() - t_load;
	double heap_load = heap_mb() - heap0;
	sb_free(&out);
	double best = INFINITY;
	char digest[CRYPTO_SHA256_HEX] = "";
	for (int round = 0; round < 4; round++) {
		/* Round 0 keeps the answers for the digest (and is not timed in the best). */
		char *all = NULL;
		size_t all_len = 0;
		FILE *f = open_memstream(&all, &all_len);
		if (!f)
			return 2;
		items = bytes = 0;
		double t0 = time_mono_ms();
		for (int i = 0; i < queries; i++) {
			size_t n = search(d, qlat[i], qlon[i], round == 0 ? f : NULL, &items);
			bytes += n;
		}
		double us = (time_mono_ms() - t0) * 1000 / queries;
		fclose(f);
		if (round == 0)
			crypto_sha256_hex(all, all_len, digest);
		else if (us < best)
			best = us;
		free(all);
		printf("round %d: %.2f us per search\n", round, us);
	}
	printf("merchants %d, offers %d each, searches %d: %.2f us per search (best of 3), %.1f items, %.0f bytes each\n",
	       merchants, offers, queries, best, (double)items / queries, (double)bytes / queries);
	printf("network load %.0f ms, %.1f MB of heap\n", t_load, heap_load);
	printf("digest %s\n", digest);
	db_close(d);
	snprintf(path, sizeof path, "%s/n.db", dir);
	unlink(path);
	rmdir(dir);
	free(qlat);
	free(qlon);
	return 0;
}
