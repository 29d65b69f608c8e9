/*
 * jsonw.c - JSON text as jansson writes it (see jsonw.h). The rules copied
 * are those of jansson 2.14's strconv.c (jsonp_dtostr); strings are
 * strbuf's sb_json_str (dump.c's dump_string). tests/unit/lib/test_jsonw.c
 * compares the two on many values.
 */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void jsonw_string(strbuf *sb, const char *s)
{
	if (s)
		sb_json_str(sb, s);
	else
		sb_append(sb, "null", 4);
}

void jsonw_int(strbuf *sb, int64_t v)
{
	char buf[24], *end = buf + sizeof buf, *p = end;
	/* Digits from the magnitude as unsigned, so that INT64_MIN works too. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	sb_append(sb, p, (size_t)(end - p));
}

/*
 * %.17g of v without printf, for 0.001 <= |v| < 2^52 (coordinates, minutes,
 * money), where it is short work with 128-bit integers: |v| is m·2^e exactly
 * (m of 53 bits, e < 0), so its 17 significant digits are m·10^p shifted
 * right by -e, rounded to nearest. glibc's printf takes about 3,000
 * instructions for the same digits (a nearby answer has two such numbers).
 * Returns the length written to buf (at least 25 bytes), or 0 where it does
 * not apply or where the digits fall exactly half way (printf then decides).
 */
static int g17_fast(char *buf, double v)
{
	static const uint64_t pow10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull, 100000000ull,
		1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
		100000000000000ull, 1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	const uint64_t lo17 = pow10[16], hi17 = pow10[17];
	double a = fabs(v);
	if (!(a >= 0.001 && a < 4503599627370496.0))
		return 0;
	int E;
	double f = frexp(a, &E); /* a = f·2^E, f in [0.5, 1) */
	uint64_t m = (uint64_t)ldexp(f, 53);
	int shift = 53 - E; /* a = m / 2^shift, shift >= 1 */
	int x = (int)floor(log10(a)), p;
	unsigned __int128 q = 0;
	for (int tries = 0;; tries++) {
		p = 16 - x;
		if (tries == 3 || p < 0 || p > 19)
			return 0;
		unsigned __int128 t = (unsigned __int128)m * pow10[p];
		q = t >> shift;
		if (q >= hi17) {
			x++;
			continue;
		}
		if (q < lo17) {
			x--;
			continue;
		}
		unsigned __int128 rem = t & (((unsigned __int128)1 << shift) - 1), half = (unsigned __int128)1 << (shift - 1);
		if (rem == half)
			return 0;
		if (rem > half && ++q == hi17) {
			q = lo17;
			x++;
		}
		break;
	}
	/* The 17 digits; x is the exponent of the first; fixed notation since -4 <= x < 17. */
	char d[17];
	uint64_t u = (uint64_t)q;
	for (int i = 16; i >= 0; i--, u /= 10)
		d[i] = (char)('0' + u % 10);
	int last = 16; /* trailing zeros go (no '#' flag) */
	while (last > 0 && last > x && d[last] == '0')
		last--;
	int n = 0;
	if (v < 0)
		buf[n++] = '-';
	if (x >= 0) {
		memcpy(buf + n, d, (size_t)x + 1);
		n += x + 1;
		if (last > x) {
			buf[n++] = '.';
			memcpy(buf + n, d + x + 1, (size_t)(last - x));
			n += last - x;
		}
	} else {
		buf[n++] = '0';
		buf[n++] = '.';
		for (int z = -1; z > x; z--)
			buf[n++] = '0';
		memcpy(buf + n, d, (size_t)last + 1);
		n += last + 1;
	}
	buf[n] = '\0';
	return n;
}

void jsonw_real(strbuf *sb, double v)
{
	char buf[40];
	if (!isfinite(v)) {
		sb_append(sb, "null", 4);
		return;
	}
	int n = g17_fast(buf, v);
	if (n) {
		/* jansson's ".0" for what would read as a whole number. */
		if (!memchr(buf, '.', (size_t)n)) {
			memcpy(buf + n, ".0", 3);
			n += 2;
		}
		sb_append(sb, buf, (size_t)n);
		return;
	}
	n = snprintf(buf, sizeof buf, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof buf - 2) {
		sb->oom = true; /* cannot happen: %.17g of a double is at most 24 characters */
		return;
	}
	char *e = strchr(buf, 'e');
	if (!e && !strchr(buf, '.')) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	} else if (e) {
		/* "1e+20" as "1e20", "1e-05" as "1e-5". */
		char *from = e + 1, *to = e + 1;
		if (*from == '-')
			from++, to++;
		else if (*from == '+')
			from++;
		while (*from == '0' && from[1])
			from++;
		memmove(to, from, strlen(from) + 1);
		n = (int)strlen(buf);
	}
	sb_append(sb, buf, (size_t)n);
}

void jsonw_bool(strbuf *sb, bool v)
{
	if (v)
		sb_append(sb, "true", 4);
	else
		sb_append(sb, "false", 5);
}
