/* ecard.c - the e-card payload: layout, base45 text, Ed25519 signature (see ecard.h). */
#include "ecard.h"

#include <sodium.h>
#include <string.h>

static const char B45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* The context signed in front of the bytes (domain separation; see ecard.h). */
static const uint8_t CONTEXT[8] = {'S', 'Y', '-', 'E', 'C', 'A', 'R', 'D'};

_Static_assert(crypto_sign_BYTES == ECARD_SIG_BYTES, "signature size");
_Static_assert(crypto_sign_PUBLICKEYBYTES == ECARD_PK_BYTES, "public key size");
_Static_assert(crypto_sign_SECRETKEYBYTES == ECARD_SK_BYTES, "secret key size");
/* Prefix + 3 characters per 2 bytes, rounded up, + NUL. */
_Static_assert(sizeof ECARD_PREFIX - 1 + (ECARD_BIN_MAX + 1) / 2 * 3 + 1 <= ECARD_TEXT_MAX,
	       "text buffer size");

const char *ecard_result_code(enum ecard_result r)
{
	switch (r) {
	case ECARD_OK: return "ok";
	case ECARD_EFORMAT: return "bad_format";
	case ECARD_EVERSION: return "unknown_version";
	case ECARD_EUNKNOWNKEY: return "unknown_key";
	case ECARD_ESIGNATURE: return "bad_signature";
	case ECARD_EEXPIRED: return "code_expired";
	case ECARD_ENOTYET: return "not_yet_valid";
	}
	return "bad_format";
}

const char *ecard_result_zh(enum ecard_result r)
{
	switch (r) {
	case ECARD_OK: return "有效";
	case ECARD_EFORMAT: return "不是有效的电子优待证码";
	case ECARD_EVERSION: return "电子优待证码版本不受支持";
	case ECARD_EUNKNOWNKEY: return "签名密钥未公布或已失效";
	case ECARD_ESIGNATURE: return "签名无效";
	case ECARD_EEXPIRED: return "码已过期";
	case ECARD_ENOTYET: return "码尚未生效";
	}
	return "不是有效的电子优待证码";
}

const char *ecard_result_en(enum ecard_result r)
{
	switch (r) {
	case ECARD_OK: return "valid";
	case ECARD_EFORMAT: return "not a valid e-card code";
	case ECARD_EVERSION: return "unsupported e-card code version";
	case ECARD_EUNKNOWNKEY: return "signing key not published or no longer valid";
	case ECARD_ESIGNATURE: return "bad signature";
	case ECARD_EEXPIRED: return "code expired";
	case ECARD_ENOTYET: return "code not yet valid";
	}
	return "not a valid e-card code";
}

uint32_t ecard_key_id(const uint8_t pk[ECARD_PK_BYTES])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, pk, ECARD_PK_BYTES);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

size_t base45_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t need = len / 2 * 3 + (len % 2) * 2;
	if (need + 1 > cap)
		return 0;
	size_t o = 0;
	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned v = (unsigned)in[i] * 256u + in[i + 1];
		out[o++] = B45[v % 45];
		out[o++] = B45[v / 45 % 45];
		out[o++] = B45[v / 2025];
	}
	if (len % 2) {
		unsigned v = in[len - 1];
		out[o++] = B45[v % 45];
		out[o++] = B45[v / 45];
	}
	out[o] = '\0';
	return o;
}

static int b45_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ': return 36;
	case '$': return 37;
	case '%': return 38;
	case '*': return 39;
	case '+': return 40;
	case '-': return 41;
	case '.': return 42;
	case '/': return 43;
	case ':': return 44;
	}
	return -1;
}

bool base45_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t o = 0;
	*outlen = 0;
	/* A group of one character encodes nothing: RFC 9285 says reject. */
	if (len % 3 == 1)
		return false;
	for (size_t i = 0; i < len; i += 3) {
		size_t n = len - i >= 3 ? 3 : 2;
		int a = b45_value(in[i]), b = b45_value(in[i + 1]);
		int c = n == 3 ? b45_value(in[i + 2]) : 0;
		if (a < 0 || b < 0 || c < 0)
			return false;
		unsigned long v = (unsigned long)a + (unsigned long)b * 45 + (unsigned long)c * 2025;
		if (n == 3) {
			if (v > 0xffff || o + 2 > cap)
				return false;
			out[o++] = (uint8_t)(v >> 8);
			out[o++] = (uint8_t)(v & 0xff);
		} else {
			if (v > 0xff || o + 1 > cap)
				return false;
			out[o++] = (uint8_t)v;
		}
	}
	*outlen = o;
	return true;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool card_char_ok(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e;
}

/*
 * Ed25519 signs one contiguous message (libsodium's multi-part API is
 * Ed25519ph, a different scheme), so context and body are joined here.
 */
static void message(const struct ecard *p, uint8_t msg[sizeof CONTEXT + ECARD_BODY_MAX], size_t *len)
{
	memcpy(msg, CONTEXT, sizeof CONTEXT);
	memcpy(msg + sizeof CONTEXT, p->body, p->body_len);
	*len = sizeof CONTEXT + p->body_len;
}

enum ecard_result ecard_encode(struct ecard *p, const uint8_t sk[ECARD_SK_BYTES], char *out,
			       size_t cap)
{
	size_t n = strnlen(p->card_no, sizeof p->card_no);
	if (n == 0 || n > ECARD_CARD_MAX)
		return ECARD_EFORMAT;
	for (size_t i = 0; i < n; i++)
		if (!card_char_ok((unsigned char)p->card_no[i]))
			return ECARD_EFORMAT;
	if (p->flags & ~ECARD_FLAG_STATIC)
		return ECARD_EFORMAT;
	if (p->issued_at < 0 || p->issued_at > (int64_t)UINT32_MAX || p->expires_at < 0 ||
	    p->expires_at > (int64_t)UINT32_MAX || p->expires_at <= p->issued_at)
		return ECARD_EFORMAT;
	p->version = ECARD_VERSION;
	uint8_t *b = p->body;
	b[0] = p->version;
	b[1] = p->flags;
	put32(b + 2, p->key_id);
	put32(b + 6, p->categories);
	put32(b + 10, (uint32_t)p->issued_at);
	put32(b + 14, (uint32_t)p->expires_at);
	b[18] = (uint8_t)n;
	memcpy(b + ECARD_HEADER_BYTES, p->card_no, n);
	p->body_len = ECARD_HEADER_BYTES + n;

	uint8_t msg[sizeof CONTEXT + ECARD_BODY_MAX], bin[ECARD_BIN_MAX];
	size_t mlen;
	message(p, msg, &mlen);
	crypto_sign_detached(p->sig, NULL, msg, mlen, sk);
	memcpy(bin, p->body, p->body_len);
	memcpy(bin + p->body_len, p->sig, ECARD_SIG_BYTES);

	size_t plen = sizeof ECARD_PREFIX - 1;
	if (cap <= plen)
		return ECARD_EFORMAT;
	memcpy(out, ECARD_PREFIX, plen);
	if (!base45_encode(bin, p->body_len + ECARD_SIG_BYTES, out + plen, cap - plen)) {
		out[0] = '\0';
		return ECARD_EFORMAT;
	}
	return ECARD_OK;
}

/* "SY" digits ":" → the version in the prefix; -1 when it is not our prefix. */
static int prefix_version(const char *t, size_t len, size_t *skip)
{
	if (len < 4 || t[0] != 'S' || t[1] != 'Y')
		return -1;
	int v = 0;
	size_t i = 2;
	/* At most three digits: enough for any version, and no overflow. */
	while (i < len && i < 5 && t[i] >= '0' && t[i] <= '9')
		v = v * 10 + (t[i++] - '0');
	if (i == 2 || i >= len || t[i] != ':')
		return -1;
	*skip = i + 1;
	return v;
}

enum ecard_result ecard_decode(const char *text, size_t len, struct ecard *out)
{
	uint8_t bin[ECARD_BIN_MAX];
	size_t skip = 0, n = 0;
	enum ecard_result res = ECARD_EFORMAT;
	memset(out, 0, sizeof *out);
	if (!text)
		goto out;
	int pv = prefix_version(text, len, &skip);
	if (pv < 0)
		goto out;
	if (pv != ECARD_VERSION) {
		res = ECARD_EVERSION;
		goto out;
	}
	if (!base45_decode(text + skip, len - skip, bin, sizeof bin, &n))
		goto out;
	if (n < ECARD_HEADER_BYTES + 1 + ECARD_SIG_BYTES)
		goto out;
	if (bin[0] != ECARD_VERSION) {
		res = ECARD_EVERSION;
		goto out;
	}
	size_t cn = bin[18];
	/* The length byte must account for every byte: nothing missing, nothing extra. */
	if (cn < 1 || cn > ECARD_CARD_MAX || n != ECARD_HEADER_BYTES + cn + ECARD_SIG_BYTES)
		goto out;
	if (bin[1] & ~ECARD_FLAG_STATIC)
		goto out;
	for (size_t i = 0; i < cn; i++)
		if (!card_char_ok(bin[ECARD_HEADER_BYTES + i]))
			goto out;
	out->version = bin[0];
	out->flags = bin[1];
	out->key_id = get32(bin + 2);
	out->categories = get32(bin + 6);
	out->issued_at = get32(bin + 10);
	out->expires_at = get32(bin + 14);
	if (out->expires_at <= out->issued_at)
		goto out;
	memcpy(out->card_no, bin + ECARD_HEADER_BYTES, cn);
	out->card_no[cn] = '\0';
	out->body_len = ECARD_HEADER_BYTES + cn;
	memcpy(out->body, bin, out->body_len);
	memcpy(out->sig, bin + out->body_len, ECARD_SIG_BYTES);
	return ECARD_OK;
out:
	memset(out, 0, sizeof *out);
	return res;
}

enum ecard_result ecard_verify(const struct ecard *p, const uint8_t pk[ECARD_PK_BYTES],
			       int64_t now, int64_t skew)
{
	if (p->version != ECARD_VERSION)
		return ECARD_EVERSION;
	if (p->body_len < ECARD_HEADER_BYTES + 1 || p->body_len > ECARD_BODY_MAX)
		return ECARD_EFORMAT;
	uint8_t msg[sizeof CONTEXT + ECARD_BODY_MAX];
	size_t mlen;
	message(p, msg, &mlen);
	if (crypto_sign_verify_detached(p->sig, msg, mlen, pk) != 0)
		return ECARD_ESIGNATURE;
	/* The fields must be the signed ones: a caller may have changed the struct. */
	if (p->body[1] != p->flags || get32(p->body + 2) != p->key_id ||
	    get32(p->body + 6) != p->categories || (int64_t)get32(p->body + 10) != p->issued_at ||
	    (int64_t)get32(p->body + 14) != p->expires_at ||
	    p->body[18] != p->body_len - ECARD_HEADER_BYTES ||
	    strnlen(p->card_no, sizeof p->card_no) != p->body[18] ||
	    memcmp(p->card_no, p->body + ECARD_HEADER_BYTES, p->body[18]) != 0)
		return ECARD_ESIGNATURE;
	/* Bounded so that the sum below cannot overflow whatever the caller passes. */
	if (skew < 0)
		skew = 0;
	if (skew > 86400)
		skew = 86400;
	if (p->issued_at - skew > now)
		return ECARD_ENOTYET;
	if (now >= p->expires_at)
		return ECARD_EEXPIRED;
	return ECARD_OK;
}
