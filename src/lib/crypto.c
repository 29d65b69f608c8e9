#include "crypto.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

bool crypto_init(void)
{
	return sodium_init() >= 0;
}

void crypto_sha256_hex(const void *data, size_t len, char out[CRYPTO_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, CRYPTO_SHA256_HEX, h, sizeof h);
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
