/*
 * verify_routes.c - online verification of a 优待证 at the counter:
 * GET /api/v1/cards/{no}/verify (a typed number) and POST /api/v1/cards/verify
 * (a scanned code), each with an optional offer the answer checks the
 * holder's categories against. The answer is 200 whatever the verdict (a
 * refused card is an answer, not an error); 400 only for input that is no
 * card number or no code at all.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cards.h"
#include "http/http.h"
#include "modules/merchants/merchants.h"

#define VERIFIERS (ROLE_MERCHANT | ROLE_CLINIC | ROLE_ADMIN)
#define CODE_MAX 512

/* The named offer's terms (the caller's own organisation's, usable today), or none. */
static sy_status offer_terms(struct http_req *r, int64_t offer_id, struct offer_use *use, struct offer_terms *t,
			     const struct offer_terms **out, sy_err *err)
{
	char today[11];
	*out = NULL;
	if (!offer_id)
		return SY_OK;
	merchants_today(today);
	sy_status st = offers_for_use(r->db, &r->who, offer_id, today, use, err);
	if (st)
		return st;
	t->categories = use->categories;
	*out = t;
	return SY_OK;
}

/* The answer written as JSON text straight into the response body (one buffer, no tree of values). */
static sy_status reply(struct http_req *r, const struct card_verdict *v, const struct offer_use *use, sy_err *err)
{
	strbuf sb;
	sb_init(&sb);
	sb_reserve(&sb, 512);
	sb_putc(&sb, '{');
	card_verdict_write(&sb, v, r->lang == LANG_EN);
	if (use->id) {
		sb_printf(&sb, ",\"offer_id\":%" PRId64 ",\"usage_rule\":", use->id);
		sb_json_str(&sb, use->usage_rule);
		sb_puts(&sb, use->companion_allowed ? ",\"companion_allowed\":true" : ",\"companion_allowed\":false");
	}
	sb_putc(&sb, '}');
	if (sb.oom) {
		sb_free(&sb);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	r->out_len = sb.len;
	r->out = sb_steal(&sb);
	r->content_type = "application/json; charset=utf-8";
	r->status = 200;
	return SY_OK;
}

static sy_status get_verify(struct http_req *r, sy_err *err)
{
	struct card_verdict v;
	struct offer_use use = {0};
	struct offer_terms t;
	const struct offer_terms *terms;
	int64_t offer;
	sy_status st;
	if ((st = http_query_id(r, "offer", &offer, err)) || (st = offer_terms(r, offer, &use, &t, &terms, err)) ||
	    (st = cards_verify_number(r->db, http_param(r, "no"), terms, &v, err)))
		return st;
	return reply(r, &v, &use, err);
}

static sy_status post_verify(struct http_req *r, sy_err *err)
{
	struct card_verdict v;
	struct offer_use use = {0};
	struct offer_terms t;
	const struct offer_terms *terms;
	const char *code;
	int64_t offer = 0;
	sy_status st;
	/* The code as scanned: base45 may begin or end with a space, so no trimming. */
	json_t *c = json_object_get(r->in, "code");
	if (!json_is_string(c) || json_string_length(c) == 0 || json_string_length(c) > CODE_MAX)
		return sy_failf(err, SY_EINVAL, "code_required", "code", "请扫描或粘贴电子优待证二维码",
				"code: scan or paste the e-card's QR code");
	code = json_string_value(c);
	if ((st = http_in_int(r, "offer_id", false, 1, INT64_MAX, NULL, &offer, err)) ||
	    (st = offer_terms(r, offer, &use, &t, &terms, err)) ||
	    (st = cards_verify_code(r->db, code, json_string_length(c), (int64_t)time(NULL), terms, &v, err)))
		return st;
	return reply(r, &v, &use, err);
}

const struct route verify_routes[] = {
	{"GET", "/api/v1/cards/{no}/verify", get_verify, VERIFIERS, ROUTE_SNAPSHOT,
	 "Verify a typed card number (check character first: a typo answers bad_check_character with no lookup;"
	 " ?offer = an offer of the caller's organisation to check the holder's categories against). 200 with"
	 " valid, reason (unknown_card, bad_check_character, not_issued, revoked, suspended, lost, replaced,"
	 " holder_barred, holder_deceased, not_eligible) and message when not, kind, the masked name and the"
	 " offer's categories the holder has; never the 身份证号 or the address",
	 NULL},
	/* A read like the GET (the code is a body only for its size): the key, the token and the card in one snapshot. */
	{"POST", "/api/v1/cards/verify", post_verify, VERIFIERS, ROUTE_SNAPSHOT,
	 "Verify a scanned e-card code (code: the SY1: text as scanned; offer_id optional): signature and times"
	 " first (bad_format, unknown_key, bad_signature, code_expired, not_yet_valid), then the card as the"
	 " typed-number check; a printed card's static code says to check the holder's 身份证 (check_id_card)",
	 "{\"code\":\"SY1:…\"}"},
};
const int verify_routes_count = sizeof verify_routes / sizeof verify_routes[0];
