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

/*
 * crypto_sha256_hex of a NUL-terminated secret presented again and again (a
 * bearer token, a session cookie): the same answer, remembered per thread for
 * the last few secrets so a repeat skips the hash. Needs crypto_init().
 */
void crypto_secret_sha256_hex(const char *secret, char out[CRYPTO_SHA256_HEX]);

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

/*
 * Ed25519 over a document under a context: the signed message is
 *
 *   one byte len(context) || context || data
 *
 * The context (1..CRYPTO_CONTEXT_MAX printable ASCII bytes, e.g. "SY-REVOKE")
 * names the kind of document, so a signature the same key made over one kind
 * can never be taken for another. The length byte keeps one context from
 * being a prefix of another, and it is never 'S' (0x53, above the maximum),
 * so no such message can equal an e-card's ("SY-ECARD" || bytes, lib/ecard.h).
 * sk: libsodium's 64-byte secret key; pk: the 32-byte public key.
 * sign: false when the context is invalid or memory runs out.
 * verify: true only for a valid context and a matching signature.
 */
#define CRYPTO_CONTEXT_MAX 64
#define CRYPTO_SIG_BYTES 64
#define CRYPTO_PK_BYTES 32
#define CRYPTO_SK_BYTES 64
bool crypto_sign_document(const char *context, const void *data, size_t len,
			  const uint8_t sk[CRYPTO_SK_BYTES], uint8_t sig[CRYPTO_SIG_BYTES]);
bool crypto_verify_document(const char *context, const void *data, size_t len,
			    const uint8_t sig[CRYPTO_SIG_BYTES], const uint8_t pk[CRYPTO_PK_BYTES]);

#endif
