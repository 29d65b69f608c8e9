/* text.h - small checks on user-supplied text. */
#ifndef SY_TEXT_H
#define SY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* true when s is well-formed UTF-8 with no control characters other than tab. */
bool text_valid_utf8_line(const char *s);
/* Characters (code points) in a UTF-8 string. */
size_t text_utf8_chars(const char *s);
/* A LIKE pattern matching s anywhere, with % _ \ escaped (use ESCAPE '\'). false if cap is too small. */
bool text_like_contains(const char *s, char *out, size_t cap);
/*
 * A Chinese phone number as people write it: a mobile, 1[3-9] and 9 more
 * digits, or a landline, 0 and a 2–3 digit area code, an optional '-', and
 * 7–8 digits. The registry checks people's and organisations' phones with it.
 */
bool text_phone_valid(const char *p);

#endif
