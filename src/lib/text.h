/* text.h - small checks on user-supplied text. */
#ifndef SY_TEXT_H
#define SY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * src (NULL as "") copied into dst of cap bytes (cap > 0), cut to fit and
 * always NUL-terminated, like snprintf(dst, cap, "%s", src) without the
 * format machinery (hot paths copy several fields a request). false when cut.
 */
bool text_copy(char *dst, size_t cap, const char *src);
/* true when s is well-formed UTF-8 with no control characters other than tab. */
bool text_valid_utf8_line(const char *s);
/* Characters (code points) in a UTF-8 string. */
size_t text_utf8_chars(const char *s);
/*
 * Columns a terminal draws s in: 2 for a Chinese (East Asian wide or
 * fullwidth) character, 1 for any other; each byte of a malformed sequence 1.
 */
size_t text_display_width(const char *s);
/* A LIKE pattern matching s anywhere, with % _ \ escaped (use ESCAPE '\'). false if cap is too small. */
bool text_like_contains(const char *s, char *out, size_t cap);
/*
 * A Chinese phone number as people write it: a mobile, 1[3-9] and 9 more
 * digits, or a landline, 0 and a 2–3 digit area code, an optional '-', and
 * 7–8 digits. The registry checks people's and organisations' phones with it.
 */
bool text_phone_valid(const char *p);
/*
 * The next item of a comma-separated list: *p walks the list; item gets the
 * item (an item longer than cap-1 is skipped, empty ones too). false at the
 * end.   for (const char *p = list; text_list_next(&p, code, sizeof code);) …
 */
bool text_list_next(const char **p, char *item, size_t cap);
/*
 * A person's name as a stranger may see it: the first and the last
 * character kept and every one between replaced by '*' ("张*明", "司马相如" → "司**如"),
 * a two-character name as its first and '*' ("李*"), one character as "*".
 * Counts UTF-8 code points, so a Chinese character is never cut in half.
 * Writes at most cap bytes (NUL included); false when cap is too small or
 * name is not well-formed UTF-8 (out is then "*").
 */
bool text_mask_name(const char *name, char *out, size_t cap);

#endif
