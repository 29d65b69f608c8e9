/*
 * cardno.h - the platform's 优待证 number: pure functions, no database.
 *
 *   130902 0000123 7
 *   ^^^^^^ the 6-digit GB/T 2260 code of the holder's residence when made
 *          ^^^^^^^ a sequence within that prefix, from 1
 *                  ^ ISO 7064 MOD 11-2 check character (0-9 or X)
 *
 * 14 characters, so it is never taken for an 18-character 身份证号. MOD 11-2
 * because the body is all digits: it is the check of GB 11643 that every
 * clerk knows (the same 0-9/X character), and as a pure system over a prime
 * modulus with weights 2^k mod 11 (all non-zero, neighbours distinct) it
 * catches every single-character substitution and every transposition of
 * two adjacent characters, the check character included. MOD 37,36 would
 * buy letters the number does not use.
 */
#ifndef SY_CARDNO_H
#define SY_CARDNO_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/status.h"

#define CARDNO_LEN 14
#define CARDNO_REGION_LEN 6
#define CARDNO_SEQ_DIGITS 7
#define CARDNO_SEQ_MAX 9999999

/* The check character of n digits; '\0' when a character is not a digit. */
char cardno_check_char(const char *digits, int n);
/* Build a number from a 6-digit region prefix and a sequence 1..CARDNO_SEQ_MAX; false when out of range. */
bool cardno_make(const char *region6, int64_t seq, char out[CARDNO_LEN + 1]);
/*
 * Check a typed number: 14 characters, digits but the last (digit or X, x
 * accepted), and the right check character. On success out (may be NULL)
 * holds it with an upper-case X. Otherwise 400 "invalid_card_number" naming
 * field, with a message that says which part is wrong.
 */
sy_status cardno_validate(const char *s, const char *field, char out[CARDNO_LEN + 1], sy_err *err);

#endif
