/*
 * idcard.h - citizen identity numbers (公民身份号码, GB 11643-1999).
 *
 * 18 characters: a 6-digit GB/T 2260 region code, the birth date as
 * YYYYMMDD, a 3-digit sequence number (odd for men, even for women) and a
 * check character computed by ISO 7064 MOD 11-2 over the first 17 digits
 * ('0'-'9' or 'X' for the value 10).
 *
 * Pure functions: no allocation, no project knowledge, no database.
 */
#ifndef SY_IDCARD_H
#define SY_IDCARD_H

#include <stdbool.h>

#include "status.h"

#define IDCARD_LEN 18

/* What a valid number says about its holder. */
struct idcard_info {
	char normalized[IDCARD_LEN + 1]; /* the number with a trailing 'x' upper-cased */
	char birth_date[11];             /* "YYYY-MM-DD" */
	char sex;                        /* 'M' or 'F' */
	char region[7];                  /* the 6-digit region code of first registration */
};

/*
 * The check character for 17 digits. false (and *out untouched) when any of
 * the 17 is not a digit.
 */
bool idcard_check_char(const char first17[17], char *out);

/*
 * Validate s and, when info is not NULL, fill it. On failure returns
 * SY_EINVAL with code "invalid_id_number", field "id_number" and a message
 * naming the rule that failed (length, characters, region, birth date, check
 * character). A lowercase 'x' as the last character is accepted. Birth dates
 * must fall between 1900-01-01 and today (UTC).
 */
sy_status idcard_validate(const char *s, struct idcard_info *info, sy_err *err);

/*
 * The number as shown to roles that may not read it: the first 6 and the last
 * 4 characters kept, the 8 between masked: "130902********123X". Anything that
 * is not 18 characters long is masked entirely (up to 18 '*'), so a malformed
 * value never leaks either.
 */
void idcard_mask(const char *id, char out[IDCARD_LEN + 1]);

/*
 * Build a valid number from a 6-digit region code, a birth date and a
 * sequence number 0..999 (its parity decides the sex). false when an input is
 * out of range. For demo data and tests; it does not check the date against
 * today.
 */
bool idcard_make(const char region[7], int y, int m, int d, int seq3,
		 char out[IDCARD_LEN + 1]);

#endif
