#include "text.h"

#include <stdio.h>
#include <string.h>

bool text_copy(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strnlen(src, cap) : 0;
	bool fits = n < cap;
	if (!fits)
		n = cap - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return fits;
}

/*
 * The well-formed UTF-8 sequence at p: its length in bytes with its code
 * point in *cp, or 0 when it is not one (a stray or cut-short sequence, an
 * overlong form, a surrogate, beyond U+10FFFF).
 */
static int utf8_next(const unsigned char *p, unsigned *cp)
{
	unsigned c = *p;
	int n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3;
	else
		return 0;
	unsigned v = c & (0x3f >> n);
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n + 1;
}

bool text_valid_utf8_line(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		int len = utf8_next(p, &cp);
		if (!len || (cp < 0x20 && cp != '\t') || cp == 0x7f)
			return false;
		p += len;
	}
	return true;
}

size_t text_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Is code point cp drawn two columns wide (East Asian Wide and Fullwidth: CJK, kana, Hangul, fullwidth forms)? */
static bool wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
	       (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t text_display_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		int len = utf8_next(p, &cp);
		w += len && wide(cp) ? 2 : 1; /* a byte that is no character: one column */
		p += len ? len : 1;
	}
	return w;
}

bool text_list_next(const char **p, char *item, size_t cap)
{
	while (**p) {
		const char *end = strchr(*p, ',');
		size_t n = end ? (size_t)(end - *p) : strlen(*p);
		const char *start = *p;
		*p += n + (end ? 1 : 0);
		if (n && n < cap) {
			memcpy(item, start, n);
			item[n] = '\0';
			return true;
		}
	}
	return false;
}

/* Bytes of the UTF-8 sequence starting with lead byte c; 0 when c cannot start one. */
static size_t utf8_seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
}

bool text_mask_name(const char *name, char *out, size_t cap)
{
	size_t n = 0, first = 0, last_at = 0, len = strlen(name), o = 0;
	for (size_t i = 0; i < len; n++) {
		size_t k = utf8_seq_len((unsigned char)name[i]);
		if (!k || i + k > len)
			goto bad;
		if (n == 0)
			first = k;
		last_at = i;
		i += k;
	}
	if (cap < 2)
		return false;
	if (n <= 1) {
		snprintf(out, cap, "*");
		return n == 1;
	}
	/* first + (n - 2) stars + last (or one star for two characters) + NUL */
	size_t last = n == 2 ? 0 : len - last_at, stars = n == 2 ? 1 : n - 2;
	if (first + stars + last + 1 > cap)
		goto bad;
	memcpy(out, name, first);
	o = first;
	memset(out + o, '*', stars);
	o += stars;
	memcpy(out + o, name + last_at, last);
	out[o + last] = '\0';
	return true;
bad:
	if (cap >= 2)
		snprintf(out, cap, "*");
	return false;
}

bool text_like_contains(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	if (cap < 3)
		return false;
	out[o++] = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\') {
			if (o + 1 >= cap)
				return false;
			out[o++] = '\\';
		}
		if (o + 2 >= cap)
			return false;
		out[o++] = *s;
	}
	out[o++] = '%';
	out[o] = '\0';
	return true;
}

bool text_phone_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9') {
		for (size_t i = 0; i < n; i++)
			if (p[i] < '0' || p[i] > '9')
				return false;
		return true;
	}
	if (p[0] != '0' || n < 10 || n > 13)
		return false;
	int digits = 0, dashes = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '-')
			dashes++;
		else if (p[i] >= '0' && p[i] <= '9')
			digits++;
		else
			return false;
	}
	return dashes <= 1 && digits >= 10 && digits <= 12 && p[n - 1] != '-';
}
