/*
 * jsonw.h - JSON values written as text straight into a strbuf, byte for byte
 * as jansson's json_dumps(…, JSON_COMPACT) writes the same values. For
 * answers put together from pieces made once (a cache), where building a
 * json_t per request would cost more than everything else the request does.
 * A failed append leaves sb->oom set, as every strbuf append does.
 */
#ifndef SY_JSONW_H
#define SY_JSONW_H

#include <stdint.h>

#include "strbuf.h"

/*
 * A string in quotes, as sb_json_str writes it (" and \ escaped, control
 * characters as \b \f \n \r \t or \u00XX, the rest of UTF-8 as it is;
 * a byte that is not UTF-8, which jansson would refuse, as \uFFFD). NULL: null.
 */
void jsonw_string(strbuf *sb, const char *s);
/* A whole number. */
void jsonw_int(strbuf *sb, int64_t v);
/*
 * A real as jansson writes one: 17 significant digits (%.17g), with ".0"
 * added when that would read as a whole number, and an exponent without
 * '+' or leading zeros. Not finite (which jansson cannot hold): null.
 */
void jsonw_real(strbuf *sb, double v);
/* true or false. */
void jsonw_bool(strbuf *sb, bool v);

#endif
