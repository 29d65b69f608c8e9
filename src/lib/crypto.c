#include "crypto.h"

#include <sodium.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The key of the per-thread secret-hash memory's tags (crypto_secret_sha256_hex). */
static unsigned char tag_key[crypto_shorthash_siphashx24_KEYBYTES];

bool crypto_init(void)
{
	if (sodium_init() < 0)
		return false;
	randombytes_buf(tag_key, sizeof tag_key);
	return true;
}

void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, CRYPTO_SHA256_HEX, h, sizeof h);
}

/*
 * The secrets remembered per thread. A server thread sees the same few bearer
 * tokens and session cookies again and again; their SHA-256 is most of what
 * the hash costs a request. Each is remembered by a 128-bit SipHash tag under
 * a random per-process key, so the memory holds no secret and a tag cannot be
 * forged or matched by someone who does not hold the secret.
 */
#define SECRET_MEMORY 8
struct secret_memo {
	unsigned char tag[crypto_shorthash_siphashx24_BYTES];
	char hex[CRYPTO_SHA256_HEX];
	bool used;
};
static _Thread_local struct secret_memo secret_memos[SECRET_MEMORY];
static _Thread_local unsigned secret_next;

void crypto_secret_sha256_hex(const char *secret, char out[CRYPTO_SHA256_HEX])
{
	unsigned char tag[crypto_shorthash_siphashx24_BYTES];
	size_t len = strlen(secret);
	crypto_shorthash_siphashx24(tag, (const unsigned char *)secret, len, tag_key);
	for (int i = 0; i < SECRET_MEMORY; i++)
		if (secret_memos[i].used && sodium_memcmp(secret_memos[i].tag, tag, sizeof tag) == 0) {
			memcpy(out, secret_memos[i].hex, CRYPTO_SHA256_HEX);
			return;
		}
	crypto_sha256_hex(secret, len, out);
	struct secret_memo *m = &secret_memos[secret_next++ % SECRET_MEMORY];
	memcpy(m->tag, tag, sizeof tag);
	memcpy(m->hex, out, CRYPTO_SHA256_HEX);
	m->used = true;
}

void crypto_token(const char *prefix, char *out, size_t cap)
{
	unsigned char raw[32];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(out, cap, "%s%s", prefix ? prefix : "", b64);
	sodium_memzero(raw, sizeof raw);
}

uint32_t crypto_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

bool crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX],
			  unsigned long long ops, size_t mem)
{
	_Static_assert(crypto_pwhash_STRBYTES <= CRYPTO_PWHASH_MAX, "pwhash size");
	if (!ops)
		ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	if (!mem)
		mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	return crypto_pwhash_str_alg(out, password, strlen(password), ops, mem,
				     crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool crypto_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool crypto_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

_Static_assert(crypto_sign_BYTES == CRYPTO_SIG_BYTES, "signature size");
_Static_assert(crypto_sign_PUBLICKEYBYTES == CRYPTO_PK_BYTES, "public key size");
_Static_assert(crypto_sign_SECRETKEYBYTES == CRYPTO_SK_BYTES, "secret key size");
_Static_assert(CRYPTO_CONTEXT_MAX < 'S', "a context length byte never starts an e-card message");

static size_t context_len(const char *context)
{
	size_t n = context ? strnlen(context, CRYPTO_CONTEXT_MAX + 1) : 0;
	if (n == 0 || n > CRYPTO_CONTEXT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (context[i] < 0x21 || context[i] > 0x7e)
			return 0;
	return n;
}

/* len(context) || context || data, malloc'd; NULL on a bad context or no memory. */
static unsigned char *document_message(const char *context, const void *data, size_t len,
				       size_t *mlen)
{
	size_t n = context_len(context);
	if (n == 0 || len > SIZE_MAX - 1 - n)
		return NULL;
	unsigned char *m = malloc(1 + n + len);
	if (!m)
		return NULL;
	m[0] = (unsigned char)n;
	memcpy(m + 1, context, n);
	if (len)
		memcpy(m + 1 + n, data, len);
	*mlen = 1 + n + len;
	return m;
}

bool crypto_sign_document(const char *context, const void *data, size_t len,
			  const uint8_t sk[CRYPTO_SK_BYTES], uint8_t sig[CRYPTO_SIG_BYTES])
{
	size_t mlen = 0;
	unsigned char *m = document_message(context, data, len, &mlen);
	if (!m)
		return false;
	crypto_sign_detached(sig, NULL, m, mlen, sk);
	free(m);
	return true;
}

bool crypto_verify_document(const char *context, const void *data, size_t len,
			    const uint8_t sig[CRYPTO_SIG_BYTES], const uint8_t pk[CRYPTO_PK_BYTES])
{
	size_t mlen = 0;
	unsigned char *m = document_message(context, data, len, &mlen);
	if (!m)
		return false;
	bool ok = crypto_sign_verify_detached(sig, m, mlen, pk) == 0;
	free(m);
	return ok;
}
