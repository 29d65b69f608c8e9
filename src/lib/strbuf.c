#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sb_init(strbuf *sb)
{
	memset(sb, 0, sizeof *sb);
}

void sb_free(strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static bool sb_grow(strbuf *sb, size_t extra)
{
	if (sb->oom)
		return false;
	if (extra > SIZE_MAX / 2 - sb->len) {
		sb->oom = true;
		return false;
	}
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (!p) {
		sb->oom = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

bool sb_append(strbuf *sb, const char *s, size_t n)
{
	if (!sb_grow(sb, n))
		return false;
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return true;
}

bool sb_puts(strbuf *sb, const char *s)
{
	return sb_append(sb, s, strlen(s));
}

bool sb_putc(strbuf *sb, char c)
{
	return sb_append(sb, &c, 1);
}

bool sb_printf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_grow(sb, (size_t)n))
		return false;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return true;
}

bool sb_reserve(strbuf *sb, size_t n)
{
	return sb_grow(sb, n);
}

/* The length of the valid UTF-8 sequence at s (not ASCII), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF; /* no overlongs, no surrogates */
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF; /* up to U+10FFFF */
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

bool sb_json_str(strbuf *sb, const char *str)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str, *run = s;
	sb_putc(sb, '"');
	for (;;) {
		unsigned char c = *s;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = utf8_len(s); /* a NUL ends a short sequence: s[1..3] are not read past it */
			if (n) {
				s += n;
				continue;
			}
		}
		sb_append(sb, (const char *)run, (size_t)(s - run));
		if (c == '\0')
			break;
		char esc[7] = {'\\', 0};
		size_t len = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			if (c >= 0x80) { /* not UTF-8 */
				memcpy(esc, "\\uFFFD", 6);
			} else {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
			}
			len = 6;
		}
		sb_append(sb, esc, len);
		run = ++s;
	}
	return sb_putc(sb, '"');
}

char *sb_steal(strbuf *sb)
{
	if (sb->oom) {
		sb_free(sb);
		return NULL;
	}
	if (!sb->buf && !sb_grow(sb, 0))
		return NULL;
	if (sb->len == 0)
		sb->buf[0] = '\0';
	char *p = sb->buf;
	sb_init(sb);
	return p;
}

const char *sb_str(const strbuf *sb)
{
	return sb->buf && !sb->oom ? sb->buf : "";
}
