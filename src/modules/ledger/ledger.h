/*
 * ledger.h - the service ledger: every service given to a card holder
 * anywhere in the platform, one append-only row (011_ledger), counted in
 * person-times and distinct persons. Domain only, no HTTP.
 *
 * Recording verifies the card again (the answer of a minute ago may be
 * stale) and enforces the offer's usage rule:
 *   once_per_day    one use per person per offer per China calendar day
 *                   (UTC+8, as the cases module's today); a second is 409
 *                   used_today naming the time of the first.
 *   once_per_visit  a visit is the stretch of time a holder spends at the
 *                   merchant; the platform cannot see the door, so uses of
 *                   one offer by one person less than ledger_settings.
 *                   visit_minutes apart are one visit: a second is 409
 *                   used_this_visit. The length is policy (the city bureau
 *                   sets it); unset, such an offer is refused 409
 *                   setting_unset rather than guessed.
 *   unlimited       no check.
 * A row is never updated or deleted: no code path does, and the database
 * refuses it (triggers on both backends); each row has its audit row.
 */
#ifndef SY_LEDGER_H
#define SY_LEDGER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "modules/registry/vocab.h"

struct ledger_service {
	const char *card_no;            /* a typed number … */
	const char *code;               /* … or a scanned code (code_len bytes) */
	size_t code_len;
	int64_t offer_id;               /* 0: none (then the caller's organisation gives it) */
	bool has_amount;
	int64_t amount_fen;             /* amount saved, yuan × 100 */
	bool companion;
	const char *kind;               /* a service kind; default "discount" with an offer */
};

/*
 * Record one service at unix time now. *out: the row as shown (masked
 * name). Errors: 400 for input; 404 offer_not_found; 409 for an offer not
 * usable, a card not valid (the verdict's reason as the code), the usage
 * rule (used_today, used_this_visit, setting_unset), companion_not_allowed.
 */
sy_status ledger_record(db *d, const struct principal *actor, const struct ledger_service *in, int64_t now,
			json_t **out, sy_err *err);

struct ledger_filter {
	int64_t org, offer;
	const char *kind, *from, *to, *region, *card_no;
	int limit;
	int64_t cursor;
};
sy_status ledger_list(db *d, const struct principal *actor, const struct ledger_filter *f, json_t **items,
		      int64_t *next, sy_err *err);

/*
 * by: kind | region | org | association | month; from/to China dates,
 * inclusive, NULL = open. For the whole city the answer comes from the
 * counters (rollup.c) when they cover every row ("source": "counters"),
 * else from the rows ("source": "ledger"): a county's officer, an
 * organisation, or a ledger loaded around the application.
 */
sy_status ledger_stats(db *d, const struct principal *actor, const char *by, const struct ledger_filter *f,
		       json_t **out, sy_err *err);
/* The same, always from the rows: what the counters must agree with. */
sy_status ledger_stats_scan(db *d, const struct principal *actor, const char *by, const struct ledger_filter *f,
			    json_t **out, sy_err *err);

/*
 * Rebuild the counters from the ledger in one transaction (after a bulk
 * load by SQL, or an upgrade): *counters the counter rows made. actor NULL:
 * not audited (the caller audits its own larger change).
 */
sy_status ledger_rollup_rebuild(db *d, const struct principal *actor, int64_t *counters, sy_err *err);
/* Rebuild only when the counters miss rows (`init` after an upgrade); *rebuilt says whether it did. */
sy_status ledger_rollup_refresh(db *d, bool *rebuilt, int64_t *counters, sy_err *err);

sy_status ledger_settings_get(db *d, json_t **out, sy_err *err);
sy_status ledger_settings_set(db *d, const struct principal *actor, int64_t visit_minutes, sy_err *err);

/* Kinds of service (code, Chinese name). */
extern const struct vocab vocab_service_kinds[];

/*
 * Demo: services by the network's members to demo card holders over the
 * twelve months before now, deterministic for the data; rows written
 * directly (with their rule keys), bypassing the live checks of a counter.
 */
sy_status ledger_demo(db *d, const struct principal *actor, int64_t now, int *rows, sy_err *err);

#endif
