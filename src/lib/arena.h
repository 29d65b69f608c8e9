/*
 * arena.h - a bump allocator whose memory all dies at once.
 *
 * Each HTTP request and each CLI command gets one; nothing allocated from it
 * is freed on its own. Allocation failure returns NULL (callers check).
 */
#ifndef SY_ARENA_H
#define SY_ARENA_H

#include <stddef.h>

struct arena_block;
typedef struct arena {
	struct arena_block *head;
	size_t block_size;
} arena;

void arena_init(arena *a, size_t block_size);
void *arena_alloc(arena *a, size_t n);         /* 16-byte aligned, zeroed */
char *arena_strdup(arena *a, const char *s);   /* NULL in, NULL out */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_reset(arena *a);                     /* free all but keep usable */
void arena_free(arena *a);

#endif
