/*
 * names.h - the demo loader's deterministic random source and its generator
 * of Chinese personal names. Internal to the demo module.
 *
 * The generator is splitmix64, not libsodium: demo data must come out the
 * same for the same seed on every machine, so tests and screenshots can
 * name a record.
 */
#ifndef SY_DEMO_NAMES_H
#define SY_DEMO_NAMES_H

#include <stdint.h>

struct demo_rng {
	uint64_t state;
};

void demo_rng_seed(struct demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(struct demo_rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t demo_rng_below(struct demo_rng *r, uint32_t n);
/* Uniform in [lo, hi] (inclusive); lo <= hi. */
int demo_rng_range(struct demo_rng *r, int lo, int hi);
/* Uniform in [0, 1). */
double demo_rng_unit(struct demo_rng *r);

/* Longest name: a one-character surname and a two-character given name is 9
 * bytes of UTF-8; the bound leaves room for compound surnames. */
#define DEMO_NAME_MAX 32

/*
 * A plausible full name for someone of sex 'M' or 'F' born in birth_year:
 * a surname drawn by its frequency in northern China and a one- or
 * two-character given name from the pool for that sex and generation.
 */
void demo_name(struct demo_rng *r, char sex, int birth_year, char out[DEMO_NAME_MAX]);

#endif
