/*
 * cards.h - 优待证: the application and the life of a card (domain only, no HTTP).
 *
 * The flow (《退役军人、其他优抚对象优待证管理办法(试行)》, shared/domain.md):
 *
 *   apply (station of household or residence) → applied
 *   review (county)  applied → reviewed          refuse (county) applied → refused
 *   approve (city)   reviewed → approved         refuse (city) reviewed → refused
 *   make (city)      approved → made             the card number is assigned here
 *   hand-out (county) made → handed_out          at the station for the holder
 *   receive (county) handed_out → received       the holder signed: the card is valid
 *   return (county)  handed_out → returned       only once unclaimed for card_settings.unclaimed_months
 *   report-loss      received|suspended → lost
 *   suspend / resume received ↔ suspended
 *   reissue          received|lost → replaced; a new card (new number when made) in approved,
 *                    pointing at the old one
 *   revoke (reason)  any standing state → revoked
 *
 * County steps: an admin, or an officer whose region is a county-level
 * division or below (region prefix of 6+ digits); city steps: an admin (the
 * city bureau). Every change is one transaction with its event row and its
 * audit row. Officers and auditors reach the cards of people of their region
 * (by the card's station or the holder's residence); a person their own;
 * anything else answers 404 card_not_found, as if absent.
 */
#ifndef SY_CARDS_H
#define SY_CARDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/strbuf.h"

#define CARD_REASON_MAX 200
#define CARD_NATIONAL_MAX 32
#define CARDNO_MAX 32 /* longest card number a verification carries (ECARD_CARD_MAX) */

enum card_action {
	CA_REVIEW,
	CA_APPROVE,
	CA_REFUSE,
	CA_MAKE,
	CA_HAND_OUT,
	CA_RECEIVE,
	CA_RETURN,
	CA_REPORT_LOSS,
	CA_SUSPEND,
	CA_RESUME,
	CA_REISSUE,
	CA_REVOKE,
	CA_COUNT
};

/* "review", "hand-out", …; NULL when out of range. */
const char *card_action_name(enum card_action a);
/* CA_COUNT when s names no action. */
enum card_action card_action_parse(const char *s);
/* Whether s is a card state; and its label. */
bool card_state_valid(const char *s);
const char *card_state_label(const char *s, bool english);

struct card_step {
	enum card_action action;
	const char *reason;          /* required for refuse, return, suspend, reissue, revoke */
	const char *national_number; /* make only, optional */
};

/*
 * Apply for a card for person_id: refused (409) with the rule when the
 * registry shows a barring state (barred_<status>), when the person is not
 * living here (person_<status>), holds no category that gives a card
 * (not_eligible), or already has a card or an open application
 * (card_exists). *id: the new card.
 */
sy_status cards_apply(db *d, const struct principal *actor, int64_t person_id, const char *reason,
		      int64_t *id, sy_err *err);
/*
 * Take one step. 409 card_is_<state> when the step is not allowed from the
 * card's state; 403 county_step / city_step when the actor's level may not.
 * *result: the card to show next (the new one after a reissue).
 */
sy_status cards_step(db *d, const struct principal *actor, int64_t id, const struct card_step *s,
		     int64_t *result, sy_err *err);
/* One card with its events and the steps the actor may take now. */
sy_status cards_get(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

struct card_filter {
	const char *state;
	const char *region;
	const char *q;      /* a card number (checked first), or part of the holder's name */
	int64_t person_id;  /* 0: any */
	int limit;
	int64_t cursor;     /* the last id shown (newest first) */
};
sy_status cards_list(db *d, const struct principal *actor, const struct card_filter *f, json_t **items,
		     int64_t *next, sy_err *err);

/* The settings row: {"unclaimed_months", "updated_by", "updated_at"}. */
sy_status cards_settings_get(db *d, json_t **out, sy_err *err);
/* Admin only; months 1..24; audited. */
sy_status cards_settings_set(db *d, const struct principal *actor, int64_t unclaimed_months, sy_err *err);

/* ---- verification (verify.c) ----------------------------------------------------- */

/*
 * What a merchant's verification answers, and no more: valid or not, the
 * reason when not, the card's kind, the holder's name masked (张*明), and
 * when an offer was named whether the holder's categories qualify and which
 * of the offer's categories they hold. Never the 身份证号, the address or
 * the full name. person_id and card_id are for the ledger, not for output.
 */
struct card_verdict {
	bool valid;
	const char *reason;      /* stable code, NULL when valid */
	const char *msg_zh, *msg_en;
	char card_no[CARDNO_MAX + 1];
	char kind[16];           /* "veteran" | "survivor"; "" when no card was found */
	char masked_name[64];
	char categories[256];    /* the card's categories, comma-separated */
	bool static_code;        /* a printed card's code: check the holder's 身份证 */
	bool by_code;            /* verified from a scanned code, not a typed number */
	bool offer_checked;      /* an offer was named */
	char offer_matched[256]; /* the offer's categories the holder has (comma-separated) */
	int64_t card_id, person_id;
};

/* The offer's terms a verification checks against (from the merchants module). */
struct offer_terms {
	const char *categories; /* comma-separated codes; "" = every card holder */
};

/*
 * Verify a typed card number. A malformed number (length, characters) is
 * 400 invalid_card_number; a wrong check character is an answer (valid
 * false, reason bad_check_character) given before any lookup. offer may be
 * NULL. Two indexed point lookups at most (the card with its holder).
 */
sy_status cards_verify_number(db *d, const char *number, const struct offer_terms *offer,
			      struct card_verdict *v, sy_err *err);
/*
 * Verify a scanned e-card code (the "SY1:…" text, len bytes, as scanned)
 * at unix time now: its signature and times (keys_verify), then the card
 * it names as cards_verify_number does.
 */
sy_status cards_verify_code(db *d, const char *text, size_t len, int64_t now, const struct offer_terms *offer,
			    struct card_verdict *v, sy_err *err);
/*
 * The verdict as the API shows it (the message in the language asked), as
 * the members of a JSON object without its braces, so the caller can add
 * its own: written straight into sb, as verification is the counter's hot
 * path (no tree of JSON values to build and serialise per answer).
 */
void card_verdict_write(strbuf *sb, const struct card_verdict *v, bool english);

/*
 * Demo data: cards in every state for the first eligible people (veterans
 * and the 三属) in id order, so the same registry gives the same cards; the
 * first of them (the `person` login's veteran, when eligible) gets a
 * received card. At most max cards. Joins the caller's transaction.
 * *made: how many applications were made.
 */
sy_status cards_demo(db *d, const struct principal *actor, int max, int *made, sy_err *err);

#endif
