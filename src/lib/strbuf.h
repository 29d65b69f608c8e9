/*
 * strbuf.h - a growable string that knows its length (after redis sds and
 * lwan strbuf). A failed append sets `oom` and leaves the content as it was;
 * check it once at the end rather than after every append.
 */
#ifndef SY_STRBUF_H
#define SY_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
	char *buf; /* always NUL-terminated once anything was appended */
	size_t len, cap;
	bool oom;
} strbuf;

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_reset(strbuf *sb);
bool sb_append(strbuf *sb, const char *s, size_t n);
bool sb_puts(strbuf *sb, const char *s);
/* A string literal, its length known at compile time. */
#define sb_lit(sb, lit) sb_append((sb), "" lit, sizeof(lit) - 1)
bool sb_putc(strbuf *sb, char c);
bool sb_printf(strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Room for n more bytes now, so that appends up to that size do not grow the buffer again. */
bool sb_reserve(strbuf *sb, size_t n);
/*
 * s as a JSON string: quoted, with '"', '\\' and control characters escaped
 * (as jansson writes them); a byte that is not part of valid UTF-8 becomes
 * U+FFFD, so the output is always valid JSON.
 */
bool sb_json_str(strbuf *sb, const char *s);
/* Hand the buffer to the caller (free() it) and reset sb. Never NULL unless oom. */
char *sb_steal(strbuf *sb);
/* The content, "" when empty. */
const char *sb_str(const strbuf *sb);

#endif
