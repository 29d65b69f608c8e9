/*
 * merchants.h - the 拥军商户 network (membership profiles, 009_merchants)
 * and its members' offers (010_offers); domain only, no HTTP.
 *
 * An organisation is registered once (orgs); it is in the network while its
 * profile says 'member' (it signed the agreement and holds a plaque, whose
 * number joining records). 'candidate' marks one the bureau is recruiting,
 * 'left' one that has left (kept: the ledger points at it). Joining and
 * leaving are the bureau's acts (admin, officer of the org's region); the
 * merchant's own clerk edits its category and opening hours and manages its
 * offers. Only a member may have an active offer: creating or switching one
 * on is refused otherwise, and leaving switches them all off, in the same
 * transaction. Outside its scope an org or offer answers 404, as if absent.
 */
#ifndef SY_MERCHANTS_H
#define SY_MERCHANTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db/db.h"
#include "db/scope.h"
#include "modules/registry/vocab.h"

#define MERCHANT_TEXT_MAX 200
#define OFFER_TITLE_MAX 100
#define OFFER_DESC_MAX 1000

/* Today's date in China (UTC+8, no daylight saving), "YYYY-MM-DD": offers' dates and the ledger's days. */
void merchants_today(char out[11]);
/* The China date of a UTC time. */
void merchants_day_of(time_t t, char out[11]);

/* Business kinds of the network's members (catering, retail, …) with Chinese names. */
extern const struct vocab vocab_merchant_categories[];
/* Usage rules and benefit kinds. */
extern const struct vocab vocab_offer_rules[];
extern const struct vocab vocab_benefit_kinds[];

/* A profile's fields; NULL leaves a field as it is (update) or empty (join). */
struct merchant_input {
	const char *status;        /* join: "member" (default) or "candidate" */
	const char *category;
	const char *opening_hours;
	const char *plaque_no;     /* required to become a member */
};

/*
 * Put an organisation in the network as a member (plaque_no required) or a
 * candidate; a candidate or one that left joins again. 409 already_member.
 */
sy_status merchants_join(db *d, const struct principal *actor, int64_t org_id, const struct merchant_input *in,
			 sy_err *err);
/*
 * Check a profile without writing (an import's preview): category, texts,
 * the plaque number not another organisation's (org_id 0: a new one) and,
 * when status says "member" (joining), given. Errors name the field.
 */
sy_status merchants_validate(db *d, int64_t org_id, const struct merchant_input *in, sy_err *err);
/* Category, opening hours (the org's clerk, admin, officer); plaque number (admin, officer). */
sy_status merchants_update(db *d, const struct principal *actor, int64_t org_id, const struct merchant_input *in,
			   sy_err *err);
/* Leave the network: status left, every offer switched off. 409 not_member. */
sy_status merchants_leave(db *d, const struct principal *actor, int64_t org_id, const char *reason, sy_err *err);
/* The profile with the org's name, region, address, coordinates and its offers; status null when not in the network. */
sy_status merchants_get(db *d, const struct principal *actor, int64_t org_id, json_t **out, sy_err *err);

struct merchant_filter {
	const char *status, *region, *category, *q;
	int limit;
	int64_t cursor; /* the last org id shown (highest first) */
};
sy_status merchants_list(db *d, const struct principal *actor, const struct merchant_filter *f, json_t **items,
			 int64_t *next, sy_err *err);

/* ---- offers (offers.c) ------------------------------------------------------------ */

struct offer_input {
	int64_t org_id;            /* create: 0 = the caller's organisation */
	const char *title, *description;
	const char *benefit_kind;
	bool has_value;
	double benefit_value;
	json_t *categories;        /* array of person category codes; NULL: unchanged (update) or [] */
	const char *usage_rule;
	bool has_companion, companion_allowed;
	const char *valid_from, *valid_until; /* "YYYY-MM-DD"; "" clears (update) */
	bool has_active, active;
};
sy_status offers_create(db *d, const struct principal *actor, const struct offer_input *in, int64_t *id,
			sy_err *err);
sy_status offers_update(db *d, const struct principal *actor, int64_t id, const struct offer_input *in,
			sy_err *err);
sy_status offers_get(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);
/* org 0: every org in scope; active_only: offers usable today. */
sy_status offers_list(db *d, const struct principal *actor, int64_t org, bool active_only, json_t **items,
		      sy_err *err);

/*
 * An offer as a service uses it, checked for use at China date today
 * ("YYYY-MM-DD"): it exists in the caller's scope (404 offer_not_found),
 * is switched on, its org is a member (409 offer_inactive), and today is
 * inside its dates (409 offer_not_current).
 */
struct offer_use {
	int64_t id, org_id;
	char region_code[REGION_CODE_MAX];
	char categories[256];
	char usage_rule[16];
	char title[OFFER_TITLE_MAX + 1];
	bool companion_allowed;
};
sy_status offers_for_use(db *d, const struct principal *actor, int64_t id, const char *today, struct offer_use *out,
			 sy_err *err);

/*
 * Demo: network profiles for the demo merchants (most members with
 * plaques, a few candidates, one that left) and offers of every usage rule
 * for the members. Deterministic (org id order). Joins the caller's
 * transaction. *members gets how many joined.
 */
sy_status merchants_demo(db *d, const struct principal *actor, int *members, sy_err *err);

/*
 * The import kind "merchants" (import.c): organisations with their network
 * profile from CSV or .xlsx; the app adds it to the registry's import engine.
 */
struct import_kind;
extern const struct import_kind merchants_import_kind;

#endif
