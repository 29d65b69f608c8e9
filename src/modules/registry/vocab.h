/*
 * vocab.h - the registry's fixed lists: each value's code (what the API and
 * the database hold) with its Chinese name (what a bureau's spreadsheet
 * says). Checks and imports read the same lists.
 */
#ifndef SY_VOCAB_H
#define SY_VOCAB_H

#include <stdbool.h>

struct vocab {
	const char *code;
	const char *zh;
};

/* Lists end with {NULL, NULL}. */
extern const struct vocab vocab_branches[];     /* 军种 */
extern const struct vocab vocab_exit_modes[];   /* 退役方式 */
extern const struct vocab vocab_award_levels[]; /* 奖励等级 */
extern const struct vocab vocab_disability_causes[]; /* 致残原因 */
extern const struct vocab vocab_org_types[];    /* 机构类型 */

/* The code s names, as a code or as its Chinese name; NULL when none. */
const char *vocab_parse(const struct vocab *v, const char *s);
/* Is s one of the list's codes? */
bool vocab_has(const struct vocab *v, const char *s);

#endif
