/*
 * ecards.h - the e-card wired to the cards (domain only, no HTTP): the
 * holder's rotating code, a printed card's static code, and the signed list
 * of card numbers a verifier must not honour (the revocation list).
 *
 * Codes are signed by keys.h (keys_sign); the bit set they carry comes from
 * catbits.h; the card's state is the cards module's.
 *
 * The revocation list is a text document signed with the current key under
 * the context "SY-REVOKE" (lib/crypto.h crypto_sign_document, never the
 * e-card's "SY-ECARD"), so a verifier needs only the published public keys
 * (GET /api/v1/keys) to trust it. Its body, UTF-8, lines ending in LF:
 *
 *   SY-REVOKE 1                        format and version
 *   key_id 1a2b3c4d                    the key that signs it (also outside, to find the key)
 *   generation 48213                   grows with every card event or registry status change
 *   issued_at 2026-05-01T08:00:00Z
 *   next_update 2026-05-01T09:00:00Z   a list older than this is stale: sync again
 *   count 2
 *   1309020000017X lost                one card per line, sorted by number:
 *   1309020000025X not_eligible        <number> <reason>
 *
 * Reasons: lost, suspended, revoked, replaced, returned (the card's state),
 * and not_eligible (the card stands but its holder's registry status now bars
 * it: a legal bar, or death). Nothing else about the holder is in it. A card
 * closed longer ago than a static code lives (plus the clock skew) is left
 * out: no code signed for it can still be valid, so the list stays the size of
 * the recent changes plus the lost and suspended cards, not of all cards ever.
 */
#ifndef SY_ECARDS_H
#define SY_ECARDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/ecard.h"
#include "modules/keys/keys.h"

#define REVOCATION_CONTEXT "SY-REVOKE"
#define REVOCATION_MAGIC "SY-REVOKE 1"

/* Settings, filled once by the app from its configuration. */
struct ecards_settings {
	int64_t revocation_ttl; /* seconds from issued_at to next_update */
};
extern struct ecards_settings ecards_cfg;

/*
 * The caller's (a person's) standing card: {id, number, kind, categories
 * [{code, zh, en}], category_bits, state, state_zh, state_en, valid,
 * holder_eligible}. 404 no_card when they have none (or no registry record).
 */
sy_status ecards_my_card(db *d, const struct principal *who, json_t **out, sy_err *err);

/*
 * A rotating code for the caller's own card, valid keys_cfg.code_ttl from
 * now. 404 no_card; 409 card_is_<state> when the card is not valid (not
 * received, or lost, suspended…); 409 not_eligible when the holder's registry
 * status now bars the card; 503 no_signing_key. Not audited (a phone asks
 * every few minutes).
 */
sy_status ecards_my_code(db *d, const struct principal *who, int64_t now, char text[ECARD_TEXT_MAX],
			 struct ecard *card, sy_err *err);

/*
 * The static code printed on card_id's physical card (is_static, valid
 * keys_cfg.static_ttl), for staff whose scope reaches the card (404
 * card_not_found otherwise). Only a card that exists and stands: made, at
 * the station, or received (409 card_is_<state>). Audited as
 * "card.print_code" in one transaction with the key's static_until.
 */
sy_status ecards_printed_code(db *d, const struct principal *who, int64_t card_id, int64_t now,
			      char text[ECARD_TEXT_MAX], struct ecard *card, sy_err *err);

/* Whether a holder's registry status means their card must not be honoured. */
bool ecards_holder_barred(const char *person_status);

struct revocation_list {
	char *body;      /* malloc'd, NUL-terminated; len bytes are signed */
	size_t len;
	size_t count;
	int64_t generation;
	int64_t issued_at;
	char key_id[KEYS_ID_LEN];
	uint8_t sig[ECARD_SIG_BYTES];
};

/*
 * The list as of now, signed. Building it reads every listed card (about
 * 0.3 s for 50,000 of 1 million cards), and every merchant's device asks for
 * it, so the last one built is kept and handed out again while the current
 * key and the generation are unchanged and it is younger than half of
 * revocation_ttl (a device then gets a list with at least half its freshness
 * left). 503 no_signing_key when this server cannot sign. out: free with
 * ecards_revocations_free.
 */
sy_status ecards_revocations(db *d, int64_t now, struct revocation_list *out, sy_err *err);
void ecards_revocations_free(struct revocation_list *l);
/* Drop the kept list (tests). */
void ecards_revocations_forget(void);

#endif
