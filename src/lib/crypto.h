/*
 * crypto.h - the few libsodium calls the project makes, behind names that say
 * what they are for. crypto_init() must succeed before any other call.
 */
#ifndef SY_CRYPTO_H
#define SY_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SHA256_HEX 65   /* 64 hex digits + NUL */
#define CRYPTO_TOKEN_MAX 64    /* room for prefix + base64url of 32 bytes */
#define CRYPTO_PWHASH_MAX 128  /* crypto_pwhash_STRBYTES */

bool crypto_init(void);

/* SHA-256 of data as lowercase hex into out[65]. */
void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX]);

/* A random secret: prefix followed by base64url of 32 random bytes. */
void crypto_token(const char *prefix, char *out, size_t cap);

/* Uniform random integer in [0, upper). */
uint32_t crypto_random_uniform(uint32_t upper);

/*
 * Argon2id hash of password in the self-describing string format.
 * ops/mem: 0 selects libsodium's INTERACTIVE limits. false when out of memory.
 */
bool crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX],
			  unsigned long long ops, size_t mem);
bool crypto_password_verify(const char *hash, const char *password);

/* Constant-time equality of two NUL-terminated strings. */
bool crypto_streq(const char *a, const char *b);

#endif
