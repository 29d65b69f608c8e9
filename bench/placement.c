/*
 * placement.c - the 阳光安置 engine at scale: 100,000 candidates, 10,000 posts,
 * 20 preferences each, scored by the 2018 table, ranked with the default
 * tie-break chain, allocated by serial dictatorship and digested. Prints the
 * time of each step and the three digests; the same inputs (a fixed seed)
 * must give the same digests every run. Built only for bench/placement.sh.
 *
 *   placement [CANDIDATES [POSTS [PREFERENCES]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "modules/placement/placement.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same sequence on every machine, unlike rand(). */
static uint32_t next(uint32_t upper)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 32) % upper;
}

/* The 2018 values of domain.md (the seeded table), without a database. */
static void rates_2018(struct pl_rates *r)
{
	static const int64_t award[2][4] = {{500, 10000, 20000, 40000}, {3000, 20000, 40000, 80000}};
	static const int64_t combat[6] = {50000, 40000, 30000, 20000, 10000, 5000};
	static const int64_t duty[6] = {40000, 30000, 20000, 10000, 5000, 2000};
	pl_rates_init(r, "2018");
	pl_rates_put(r, PL_YEARS_THRESHOLD, true, 12000);
	pl_rates_put(r, PL_YEARS_FIRST, true, 3000);
	pl_rates_put(r, PL_YEARS_BEYOND, true, 4000);
	pl_rates_put(r, PL_YEARS_EXACT6, true, 1000); /* a bench choice: the seeded table leaves it unset */
	for (int c = 0; c < 2; c++)
		for (int l = 0; l < 4; l++)
			pl_rates_put(r, pl_award_item(c, l), true, award[c][l]);
	pl_rates_put(r, PL_COMMEND_CMC, true, 20000);
	pl_rates_put(r, PL_COMMEND_CMC_DEPT, true, 10000);
	for (int g = 5; g <= 10; g++) {
		pl_rates_put(r, pl_disab_item(PL_DISAB_COMBAT, g), true, combat[g - 5]);
		pl_rates_put(r, pl_disab_item(PL_DISAB_DUTY, g), true, duty[g - 5]);
	}
}

static int32_t date(int y0, int span_days)
{
	int y = y0 + (int)next((uint32_t)span_days / 365 + 1), m = 1 + (int)next(12), d = 1 + (int)next(28);
	return y * 10000 + m * 100 + d;
}

static void make_candidate(struct pl_candidate *c, int i)
{
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "C%06d", i);
	c->birth = date(1975, 15 * 365);
	c->enlisted = date(1995, 10 * 365);
	c->discharged = date(2018, 3 * 365);
	c->rank = PL_RANK_UNKNOWN;
	c->education = (uint8_t)next(PL_EDU_COUNT);
	c->sergeant = next(2);
	/* Most qualify by service; some by an award, a disability or as a martyr's child. */
	c->awards[PL_PEACETIME][PL_JIAJIANG] = (uint16_t)next(6);
	c->awards[PL_PEACETIME][PL_MERIT3] = (uint16_t)next(3);
	c->awards[PL_PEACETIME][PL_MERIT2] = next(4) == 0;
	c->awards[PL_WARTIME][PL_MERIT3] = next(50) == 0;
	if (next(20) == 0) {
		c->disab_cause = (uint8_t)(1 + next(2));
		c->disab_grade = (uint8_t)(5 + next(6));
	}
	c->martyr_child = next(100) == 0;
	c->commend_cmc_dept = next(100) == 0;
	if (next(5000) == 0)
		c->honour = PL_HONOUR_BAYI;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000, nposts = argc > 2 ? atoi(argv[2]) : 10000,
	    npref = argc > 3 ? atoi(argv[3]) : 20;
	if (n <= 0 || nposts <= 0 || npref <= 0 || !crypto_init())
		return 2;
	struct pl_rates r;
	struct pl_chain ch;
	struct pl_ranking rk;
	struct pl_digests dg;
	sy_err err;
	rates_2018(&r);
	pl_chain_default(&ch);
	struct pl_candidate *c = malloc((size_t)n * sizeof *c);
	struct pl_score *s = malloc((size_t)n * sizeof *s);
	struct pl_result *res = malloc((size_t)n * sizeof *res);
	struct pl_post *posts = calloc((size_t)nposts, sizeof *posts);
	int32_t *off = malloc(((size_t)n + 1) * sizeof *off), *pref = malloc((size_t)n * (size_t)npref * sizeof *pref);
	if (!c || !s || !res || !posts || !off || !pref)
		return 2;
	for (int i = 0; i < n; i++)
		make_candidate(&c[i], i);
	for (int p = 0; p < nposts; p++) {
		snprintf(posts[p].id, sizeof posts[p].id, "P%05d", p);
		snprintf(posts[p].employer, sizeof posts[p].employer, "单位%d", p / 4);
		snprintf(posts[p].title, sizeof posts[p].title, "岗位%d", p);
		posts[p].places = 1 + (int32_t)next(3);
		posts[p].min_education = (uint8_t)(next(4) == 0 ? PL_EDU_COLLEGE : PL_EDU_NONE);
	}
	/* Popular posts are wanted by many: half of each list from the first tenth of the posts. */
	off[0] = 0;
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < npref; k++)
			pref[off[i] + k] = (int32_t)(k % 2 ? next((uint32_t)nposts) : next((uint32_t)(nposts / 10 + 1)));
		off[i + 1] = off[i] + npref;
	}
	struct pl_prefs pp = {.off = off, .pref = pref};

	double t0 = time_mono_ms();
	if (pl_score_all(&r, c, n, s, NULL, &err))
		goto fail;
	double t1 = time_mono_ms();
	if (pl_rank(c, s, n, &ch, &rk, &err))
		goto fail;
	double t2 = time_mono_ms();
	if (pl_allocate(c, n, &rk, posts, nposts, &pp, res, &err))
		goto fail;
	double t3 = time_mono_ms();
	if (pl_digests(c, s, &rk, posts, nposts, res, &dg, &err))
		goto fail;
	double t4 = time_mono_ms();
	int placed = 0;
	for (int i = 0; i < n; i++)
		placed += res[i].outcome == PL_OUT_PLACED;
	printf("candidates %d (ranked %d, placed %d), posts %d, preferences %d each\n", n, rk.n, placed, nposts,
	       npref);
	printf("score %.1f ms  rank %.1f ms  allocate %.1f ms  digests %.1f ms  total %.1f ms\n", t1 - t0, t2 - t1,
	       t3 - t2, t4 - t3, t4 - t0);
	printf("digest scores %s\ndigest posts %s\ndigest results %s\n", dg.scores, dg.posts, dg.results);
	pl_ranking_free(&rk);
	free(c), free(s), free(res), free(posts), free(off), free(pref);
	return 0;
fail:
	fprintf(stderr, "error: %s (%s)\n", err.msg_en, err.code);
	return 1;
}
