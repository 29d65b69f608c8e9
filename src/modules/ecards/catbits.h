/*
 * catbits.h - the one table that says which bit of an e-card payload's
 * `categories` (lib/ecard.h) stands for which registry category.
 *
 * The bits are printed into codes that live for years (a printed card's
 * static code), so a bit once given is never moved or reused: a new category
 * takes the next free bit. Verifiers read the table from
 * GET /api/v1/ecard/categories (with the Chinese and English names), so an
 * offline device can show what a code carries.
 */
#ifndef SY_CATBITS_H
#define SY_CATBITS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The bit of a category code; -1 when the table has none for it. */
int catbits_bit(const char *code);
/*
 * The bit set of a comma-separated list of category codes (cards.categories).
 * *unknown (may be NULL) is set when a code has no bit: the caller decides
 * whether that is an error (it is dropped from the set either way).
 */
uint32_t catbits_from_list(const char *list, bool *unknown);
/* [{"bit", "mask", "code", "zh", "en"}], in bit order. */
json_t *catbits_json(void);
/* The number of rows, and row i's code (tests). */
int catbits_count(void);
const char *catbits_code_at(int i);

#endif
