/*
 * routes.c - the e-card over HTTP: a person's own card and rotating code
 * (/api/v1/me/card, /api/v1/me/ecard), a printed card's static code
 * (/api/v1/cards/{id}/printed-code), the signed revocation list
 * (/api/v1/cards/revocations) and the category bits (/api/v1/ecard/categories).
 *
 * Registered before the cards module: the router takes the first pattern
 * that matches, and /api/v1/cards/revocations would otherwise be read as
 * /api/v1/cards/{id}.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catbits.h"
#include "ecards.h"
#include "http/http.h"
#include "lib/qr.h"
#include "lib/timeutil.h"

#define PNG_SCALE_DEFAULT 8

enum picture { PIC_SVG = 1, PIC_PNG = 2, PIC_JSON = 4 };

/* ?format= among the allowed (a set of enum picture), def when absent; 400 naming "format" otherwise. */
static sy_status picture_format(struct http_req *r, unsigned allowed, enum picture def, enum picture *out,
				sy_err *err)
{
	static const struct {
		const char *name;
		enum picture p;
	} names[] = {{"svg", PIC_SVG}, {"png", PIC_PNG}, {"json", PIC_JSON}};
	const char *f = http_query(r, "format");
	*out = def;
	if (!f || !*f)
		return SY_OK;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(f, names[i].name) == 0 && (allowed & names[i].p)) {
			*out = names[i].p;
			return SY_OK;
		}
	if (allowed & PIC_SVG)
		return sy_failf(err, SY_EINVAL, "invalid_format", "format", "format 只能是 svg、png 或 json",
				"format must be svg, png or json");
	return sy_failf(err, SY_EINVAL, "invalid_format", "format", "format 只能是 json 或 png",
			"format must be json or png");
}

/* ?scale= pixels per module of a PNG (1..QR_SCALE_MAX). */
static sy_status png_scale(struct http_req *r, int *scale, sy_err *err)
{
	const char *s = http_query(r, "scale");
	*scale = PNG_SCALE_DEFAULT;
	if (!s || !*s)
		return SY_OK;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v < 1 || v > QR_SCALE_MAX)
		return sy_failf(err, SY_EINVAL, "invalid_scale", "scale", "scale 须为 1–32", "scale must be 1–32");
	*scale = (int)v;
	return SY_OK;
}

/* The picture of text as the response body. */
static sy_status send_picture(struct http_req *r, const char *text, enum picture pic, int scale,
			      const char *filename, sy_err *err)
{
	sy_status st;
	if (pic == PIC_PNG) {
		unsigned char *png = NULL;
		if ((st = qr_png(text, scale, &png, &r->out_len, err)))
			return st;
		r->out = (char *)png;
		r->content_type = "image/png";
	} else {
		if ((st = qr_svg(text, &r->out, &r->out_len, err)))
			return st;
		r->content_type = "image/svg+xml";
	}
	if (filename)
		http_add_header(r, "Content-Disposition",
				arena_printf(r->a, "inline; filename=\"%s.%s\"", filename, pic == PIC_PNG ? "png" : "svg"));
	return SY_OK;
}

static sy_status get_my_card(struct http_req *r, sy_err *err)
{
	json_t *out;
	sy_status st = ecards_my_card(r->db, &r->who, &out, err);
	if (st)
		return st;
	http_json(r, 200, out);
	return SY_OK;
}

/* {text, card_number, key_id, issued_at, expires_at, refresh_at (when given), ttl, svg}. */
static sy_status send_code_json(struct http_req *r, const char *text, const struct ecard *p, int64_t refresh_at,
				sy_err *err)
{
	char kid[KEYS_ID_LEN], issued[TIME_ISO_LEN], expires[TIME_ISO_LEN], refresh[TIME_ISO_LEN];
	char *svg = NULL;
	size_t svg_len;
	sy_status st = qr_svg(text, &svg, &svg_len, err);
	if (st)
		return st;
	snprintf(kid, sizeof kid, "%08x", (unsigned)p->key_id);
	time_iso((time_t)p->issued_at, issued);
	time_iso((time_t)p->expires_at, expires);
	time_iso((time_t)refresh_at, refresh);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:I, s:b, s:s%}", "text", text, "card_number",
				 p->card_no, "key_id", kid, "issued_at", issued, "expires_at", expires, "refresh_at",
				 refresh_at ? refresh : NULL, "ttl", (json_int_t)(p->expires_at - p->issued_at),
				 "is_static", ecard_is_static(p), "svg", svg, svg_len);
	free(svg);
	if (!body)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, body);
	return SY_OK;
}

static sy_status get_my_ecard(struct http_req *r, sy_err *err)
{
	char text[ECARD_TEXT_MAX];
	struct ecard p;
	enum picture pic;
	int scale;
	sy_status st;
	if ((st = picture_format(r, PIC_JSON | PIC_PNG, PIC_JSON, &pic, err)) || (st = png_scale(r, &scale, err)) ||
	    (st = ecards_my_code(r->db, &r->who, (int64_t)time(NULL), text, &p, err)))
		return st;
	if (pic == PIC_PNG)
		return send_picture(r, text, pic, scale, NULL, err);
	/* Ask again when four fifths of the life have passed: the last fifth covers a slow network. */
	return send_code_json(r, text, &p, p.issued_at + (p.expires_at - p.issued_at) * 4 / 5, err);
}

static sy_status get_printed_code(struct http_req *r, sy_err *err)
{
	char text[ECARD_TEXT_MAX];
	struct ecard p;
	enum picture pic;
	int64_t id;
	int scale;
	sy_status st;
	/* Every input is checked before the code is signed and the print audited. */
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = picture_format(r, PIC_SVG | PIC_PNG | PIC_JSON, PIC_SVG, &pic, err)) ||
	    (st = png_scale(r, &scale, err)) ||
	    (st = ecards_printed_code(r->db, &r->who, id, (int64_t)time(NULL), text, &p, err)))
		return st;
	if (pic == PIC_JSON)
		return send_code_json(r, text, &p, 0, err);
	return send_picture(r, text, pic, scale, arena_printf(r->a, "ecard-%s", p.card_no), err);
}

static sy_status get_revocations(struct http_req *r, sy_err *err)
{
	struct revocation_list l;
	char sig[sodium_base64_ENCODED_LEN(ECARD_SIG_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	sy_status st = ecards_revocations(r->db, (int64_t)time(NULL), &l, err);
	if (st)
		return st;
	sodium_bin2base64(sig, sizeof sig, l.sig, sizeof l.sig, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s%}", "context", REVOCATION_CONTEXT, "key_id", l.key_id,
				 "signature", sig, "body", l.body, l.len);
	ecards_revocations_free(&l);
	if (!body)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, body);
	return SY_OK;
}

static sy_status get_categories(struct http_req *r, sy_err *err)
{
	json_t *items = catbits_json();
	json_t *body = items ? json_pack("{s:o}", "items", items) : NULL;
	if (!body)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, body);
	return SY_OK;
}

const struct route ecards_routes[] = {
	{"GET", "/api/v1/cards/revocations", get_revocations, ROLE_ADMIN | ROLE_MERCHANT | ROLE_CLINIC, 0,
	 "The signed revocation list an offline verifier syncs: every card number not to honour with a reason"
	 " code (lost, suspended, revoked, replaced, returned, not_eligible), generation, issued_at, next_update;"
	 " Ed25519 by the current key under the context SY-REVOKE (see docs/api.md). No personal data",
	 NULL},
	{"GET", "/api/v1/cards/{id}/printed-code", get_printed_code, ROLE_ADMIN | ROLE_OFFICER, 0,
	 "The static signed QR code for printing on a card (?format=svg|png|json, scale): valid for the static-code"
	 " lifetime; for a card that is made, at the station or received; audited (card.print_code)",
	 NULL},
	{"GET", "/api/v1/me/card", get_my_card, ROLE_PERSON, 0,
	 "The caller's own standing card: number, kind, categories (with their e-card bits), state, valid",
	 NULL},
	{"GET", "/api/v1/me/ecard", get_my_ecard, ROLE_PERSON, 0,
	 "A fresh rotating e-card code for the caller's valid card: {text, expires_at, refresh_at, svg};"
	 " ?format=png for the picture. 409 card_is_<state> when the card is not valid, 503 no_signing_key",
	 NULL},
	{"GET", "/api/v1/ecard/categories", get_categories, 0, ROUTE_PUBLIC,
	 "The e-card category bits with their Chinese and English names, for verifiers", NULL},
};
const int ecards_routes_count = sizeof ecards_routes / sizeof ecards_routes[0];
