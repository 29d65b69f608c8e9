/*
 * ecard.h - the signed e-card payload carried in a QR code.
 *
 * No project knowledge: the caller decides what the category bits mean, which
 * key is current and how long a code lives. This file only turns a payload
 * and an Ed25519 secret key into text, and text back into a payload whose
 * signature and times can be checked against a public key.
 *
 * Binary layout (all integers big-endian), version 1:
 *
 *   off  size  field
 *   0    1     version      (1)
 *   1    1     flags        (bit 0: static printed card; other bits must be 0)
 *   2    4     key id       (which public key verifies it; see ecard_key_id)
 *   6    4     categories   (a bit set the caller defines)
 *   10   4     issued at    (unix seconds, unsigned: good until 2106)
 *   14   4     expires at   (unix seconds, unsigned; > issued at)
 *   18   1     n            (card number length, 1..ECARD_CARD_MAX)
 *   19   n     card number  (printable ASCII 0x21..0x7e)
 *   19+n 64    Ed25519 signature over "SY-ECARD" || bytes 0..19+n
 *
 * The signature covers a context string as well as the bytes, so that a
 * signature made by the same key over another kind of document (a revocation
 * list, say) can never be taken for an e-card.
 *
 * Text: "SY1:" followed by base45 (RFC 9285) of the whole binary. The
 * prefix names the scheme and the version, so a scanner can tell our codes
 * from any other QR code and a future layout can be told apart before
 * decoding. Base45 rather than base32: both stay inside the QR alphanumeric
 * set (0-9 A-Z space $ % * + - . / :), which a QR code stores in 5.5 bits per
 * character, but base45 spends 1.5 characters per byte (8.25 bits in the
 * code) against base32's 1.6 (8.8 bits), and it is what the EU Digital COVID
 * Certificate uses for the same job, so decoders and test vectors exist.
 * Base45 output may contain spaces, also at either end: callers must hand the
 * scanned text over as is, without trimming.
 *
 * ecard_decode is pure and bounds-checked on every byte: it may be given
 * anything (it is meant to be fuzzed). Base45 is a bijection on the values it
 * accepts, so every change to a valid text either fails to decode or changes
 * the signed bytes.
 */
#ifndef SY_ECARD_H
#define SY_ECARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ECARD_VERSION 1
#define ECARD_PREFIX "SY1:"
#define ECARD_CARD_MAX 32
#define ECARD_FLAG_STATIC 0x01u
#define ECARD_HEADER_BYTES 19
#define ECARD_SIG_BYTES 64
#define ECARD_BODY_MAX (ECARD_HEADER_BYTES + ECARD_CARD_MAX)
#define ECARD_BIN_MAX (ECARD_BODY_MAX + ECARD_SIG_BYTES)
/* Prefix + base45 of the longest payload + NUL, rounded up. */
#define ECARD_TEXT_MAX 192
#define ECARD_PK_BYTES 32
#define ECARD_SK_BYTES 64

struct ecard {
	uint8_t version;
	uint8_t flags;          /* ECARD_FLAG_STATIC */
	uint32_t key_id;
	uint32_t categories;
	int64_t issued_at;      /* unix seconds */
	int64_t expires_at;
	char card_no[ECARD_CARD_MAX + 1];
	/* Set by encode and decode: exactly what the signature covers, and it. */
	uint8_t body[ECARD_BODY_MAX];
	size_t body_len;
	uint8_t sig[ECARD_SIG_BYTES];
};

enum ecard_result {
	ECARD_OK = 0,
	ECARD_EFORMAT,     /* not an e-card text, or a malformed one */
	ECARD_EVERSION,    /* an e-card of a version this build does not know */
	ECARD_EUNKNOWNKEY, /* no published key with this id (for callers that look keys up) */
	ECARD_ESIGNATURE,  /* the signature does not match */
	ECARD_EEXPIRED,    /* now is at or after expires_at */
	ECARD_ENOTYET,     /* issued in the future (beyond the allowed clock skew) */
};

/* A stable code for a result: "ok", "bad_format", "unknown_version", "unknown_key",
 * "bad_signature", "code_expired", "not_yet_valid". */
const char *ecard_result_code(enum ecard_result r);
/* The same in words, Chinese and English. */
const char *ecard_result_zh(enum ecard_result r);
const char *ecard_result_en(enum ecard_result r);

/* The key id of a public key: the first 4 bytes of its SHA-256, big-endian. */
uint32_t ecard_key_id(const uint8_t pk[ECARD_PK_BYTES]);

/*
 * Sign p (version forced to ECARD_VERSION; key_id, flags, categories, times
 * and card_no taken from p) with sk (libsodium's 64-byte Ed25519 secret key)
 * and write the text into out (NUL-terminated). Fills p->body/sig.
 * ECARD_EFORMAT when a field is out of range (card number empty, too long or
 * not printable ASCII; times outside 0..2^32-1 or expires_at <= issued_at;
 * unknown flags) or out is smaller than the text.
 */
enum ecard_result ecard_encode(struct ecard *p, const uint8_t sk[ECARD_SK_BYTES], char *out,
			       size_t cap);

/*
 * Parse text (len bytes, need not be NUL-terminated) into *out without
 * checking the signature or the times. ECARD_EFORMAT or ECARD_EVERSION on
 * any defect; *out is then zeroed.
 */
enum ecard_result ecard_decode(const char *text, size_t len, struct ecard *out);

/*
 * Check a decoded payload: the signature against pk first (so a forged code
 * is never reported as merely expired), then the times: ECARD_ENOTYET when
 * issued_at > now + skew, ECARD_EEXPIRED when now >= expires_at.
 */
enum ecard_result ecard_verify(const struct ecard *p, const uint8_t pk[ECARD_PK_BYTES],
			       int64_t now, int64_t skew);

static inline bool ecard_is_static(const struct ecard *p)
{
	return (p->flags & ECARD_FLAG_STATIC) != 0;
}

/*
 * Base45 (RFC 9285). encode writes NUL-terminated text and returns its
 * length, or 0 when cap is too small (for len > 0). decode returns false on
 * any character outside the alphabet, a dangling single character, a group
 * out of range, or when the result would not fit in cap; *outlen gets the
 * number of bytes written.
 */
size_t base45_encode(const uint8_t *in, size_t len, char *out, size_t cap);
bool base45_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

#endif
