/* ecards.c - the holder's code, the printed code and the revocation list (see ecards.h). */
#include "ecards.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catbits.h"
#include "db/audit.h"
#include "lib/strbuf.h"
#include "lib/timeutil.h"
#include "modules/cards/cards.h"
#include "modules/registry/people.h"

struct ecards_settings ecards_cfg = {
	.revocation_ttl = 3600,
};

/* The caller's card that still stands (one at most: cards_one_live), with the holder's status. */
static const char SQL_MY_CARD[] =
	"SELECT c.id, c.number, c.kind, c.categories, c.state, p.status"
	" FROM cards c JOIN people p ON p.id = c.person_id WHERE c.person_id = $1 AND c.live = 1";
/*
 * The numbers not to honour, sorted: closed or stopped cards by their state
 * (those closed before $1 can have no code left that verifies), and standing
 * cards whose holder's status is no longer normal (filtered by
 * ecards_holder_barred, where the rule lives).
 */
static const char SQL_REVOKED[] =
	"SELECT number, state, CAST(NULL AS TEXT) FROM cards WHERE number IS NOT NULL"
	" AND state IN ('lost', 'suspended', 'revoked', 'replaced', 'returned')"
	" AND (closed_at IS NULL OR closed_at > $1)"
	" UNION ALL"
	" SELECT c.number, CAST(NULL AS TEXT), p.status FROM cards c JOIN people p ON p.id = c.person_id"
	" WHERE c.number IS NOT NULL AND c.state IN ('made', 'handed_out', 'received') AND p.status <> 'normal'"
	" ORDER BY 1";
/* Both ids only grow, so their sum grows with every change that can alter the list. */
static const char SQL_GENERATION[] =
	"SELECT (SELECT COALESCE(MAX(id), 0) FROM card_events) + (SELECT COALESCE(MAX(id), 0) FROM person_status_history)";

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static sy_status no_card(sy_err *err)
{
	return sy_failf(err, SY_ENOTFOUND, "no_card", NULL, "您还没有优待证（或申请尚未办结）",
			"you have no card (or your application is not finished)");
}

bool ecards_holder_barred(const char *status)
{
	return status && (person_status_bars_card(status) || strcmp(status, "deceased") == 0);
}

/* 409 card_is_<state>, naming the state in words. */
static sy_status not_valid(const char *state, const char *zh_what, const char *en_what, sy_err *err)
{
	char code[48], zh[256], en[256];
	snprintf(code, sizeof code, "card_is_%s", state);
	snprintf(zh, sizeof zh, "优待证当前状态为「%s」，%s", card_state_label(state, false), zh_what);
	snprintf(en, sizeof en, "the card is %s: %s", card_state_label(state, true), en_what);
	return sy_failf(err, SY_ECONFLICT, code, NULL, zh, en);
}

static sy_status holder_not_eligible(sy_err *err)
{
	return sy_failf(err, SY_ECONFLICT, "not_eligible", NULL, "持证人当前不符合享受优待的条件，电子优待证不可用",
			"the holder is not eligible at present: no e-card");
}

struct my_card {
	int64_t id;
	char number[ECARD_CARD_MAX + 1], kind[16], categories[256], state[16], status[32];
	bool has_number;
};

static sy_status load_my_card(db *d, const struct principal *who, struct my_card *c, sy_err *err)
{
	db_rows *r = NULL;
	memset(c, 0, sizeof *c);
	if (who->role != ROLE_PERSON || who->person_id <= 0)
		return no_card(err);
	sy_status st = db_query(d, SQL_MY_CARD, DB_ARGS(DB_I(who->person_id)), &r, err);
	if (st)
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return no_card(err);
	}
	c->id = db_int(r, 0);
	c->has_number = !db_isnull(r, 1);
	snprintf(c->number, sizeof c->number, "%s", c->has_number ? db_text(r, 1) : "");
	snprintf(c->kind, sizeof c->kind, "%s", db_text(r, 2));
	snprintf(c->categories, sizeof c->categories, "%s", db_text(r, 3));
	snprintf(c->state, sizeof c->state, "%s", db_text(r, 4));
	snprintf(c->status, sizeof c->status, "%s", db_text(r, 5));
	db_rows_free(r);
	return SY_OK;
}

static json_t *categories_named(const char *list)
{
	json_t *a = json_array();
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); a && tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "code", tok, "zh", person_category_label(tok, false),
						   "en", person_category_label(tok, true)));
	return a;
}

sy_status ecards_my_card(db *d, const struct principal *who, json_t **out, sy_err *err)
{
	struct my_card c;
	sy_status st = load_my_card(d, who, &c, err);
	*out = NULL;
	if (st)
		return st;
	bool eligible = !ecards_holder_barred(c.status);
	*out = json_pack("{s:I, s:s?, s:s, s:o, s:I, s:s, s:s, s:s, s:b, s:b}", "id", (json_int_t)c.id, "number",
			 c.has_number ? c.number : NULL, "kind", c.kind, "categories", categories_named(c.categories),
			 "category_bits", (json_int_t)catbits_from_list(c.categories, NULL), "state", c.state,
			 "state_zh", card_state_label(c.state, false), "state_en", card_state_label(c.state, true),
			 "valid", strcmp(c.state, "received") == 0 && eligible, "holder_eligible", eligible);
	return *out ? SY_OK : oom(err);
}

sy_status ecards_my_code(db *d, const struct principal *who, int64_t now, char text[ECARD_TEXT_MAX],
			 struct ecard *card, sy_err *err)
{
	struct my_card c;
	sy_status st = load_my_card(d, who, &c, err);
	text[0] = '\0';
	if (st)
		return st;
	if (strcmp(c.state, "received") != 0 || !c.has_number)
		return not_valid(c.state, "不能出示电子优待证", "no e-card can be shown", err);
	if (ecards_holder_barred(c.status))
		return holder_not_eligible(err);
	return keys_sign(d, c.number, catbits_from_list(c.categories, NULL), false, now, text, card, err);
}

/* A printed code is made for a card that exists and stands: made, at the station, or received. */
static bool printable(const char *state)
{
	return strcmp(state, "made") == 0 || strcmp(state, "handed_out") == 0 || strcmp(state, "received") == 0;
}

sy_status ecards_printed_code(db *d, const struct principal *who, int64_t card_id, int64_t now,
			      char text[ECARD_TEXT_MAX], struct ecard *card, sy_err *err)
{
	json_t *c = NULL, *detail = NULL;
	struct ecard p;
	char id[24], expires[TIME_ISO_LEN], kid[KEYS_ID_LEN];
	bool own;
	sy_status st;
	text[0] = '\0';
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = cards_get(d, who, card_id, &c, err)))
		goto out;
	const char *state = json_string_value(json_object_get(c, "state"));
	const char *number = json_string_value(json_object_get(c, "number"));
	char list[256] = "";
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "categories"), i, v) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s", len ? "," : "", json_string_value(v));
	}
	if (!state || !number || !printable(state)) {
		st = not_valid(state ? state : "unknown", "只能为已制证、待领取或有效的优待证打印电子码",
			       "only a card that is made, at the station or received gets a printed code", err);
		goto out;
	}
	if ((st = keys_sign(d, number, catbits_from_list(list, NULL), true, now, text, &p, err)))
		goto out;
	snprintf(id, sizeof id, "%" PRId64, card_id);
	snprintf(kid, sizeof kid, "%08" PRIx32, p.key_id);
	time_iso((time_t)p.expires_at, expires);
	detail = json_pack("{s:s, s:s, s:s, s:I}", "number", number, "key_id", kid, "expires_at", expires,
			   "category_bits", (json_int_t)p.categories);
	if (!detail) {
		st = oom(err);
		goto out;
	}
	struct audit_event ev = {.action = "card.print_code", .object_type = "card", .object_id = id,
				 .region_code = json_string_value(json_object_get(c, "region_code")), .detail = detail};
	if ((st = audit_write(d, who, &ev, err)))
		goto out;
	if (card)
		*card = p;
out:
	if (st)
		text[0] = '\0';
	json_decref(detail);
	json_decref(c);
	return db_tx_finish(d, own, st, err);
}

/* ---- the revocation list ----------------------------------------------------------- */

/* The reason a row of SQL_REVOKED gives, or NULL when the row is not to be listed. */
static const char *revocation_reason(db_rows *r)
{
	if (!db_isnull(r, 1))
		return db_text(r, 1);
	return ecards_holder_barred(db_text(r, 2)) ? "not_eligible" : NULL;
}

static sy_status revoked_lines(db *d, int64_t now, strbuf *lines, size_t *count, sy_err *err)
{
	char since[TIME_ISO_LEN];
	db_rows *r = NULL;
	*count = 0;
	time_iso((time_t)(now - keys_cfg.static_ttl - keys_cfg.clock_skew), since);
	sy_status st = db_query(d, SQL_REVOKED, DB_ARGS(DB_T(since)), &r, err);
	while (!st && db_next(r)) {
		const char *reason = revocation_reason(r);
		if (!reason)
			continue;
		if (!sb_printf(lines, "%s %s\n", db_text(r, 0), reason))
			st = oom(err);
		(*count)++;
	}
	db_rows_free(r);
	return st;
}

void ecards_revocations_free(struct revocation_list *l)
{
	free(l->body);
	memset(l, 0, sizeof *l);
}

/* The last list built (see ecards.h), behind cache_mu. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct revocation_list cache;

static bool copy_list(const struct revocation_list *from, struct revocation_list *to)
{
	*to = *from;
	to->body = malloc(from->len + 1);
	if (!to->body)
		return false;
	memcpy(to->body, from->body, from->len + 1);
	return true;
}

/* A copy of the kept list when it may be handed out at now; false otherwise. */
static bool cache_take(const char *kid, int64_t generation, int64_t now, struct revocation_list *out, bool *oom_hit)
{
	bool hit = false;
	*oom_hit = false;
	pthread_mutex_lock(&cache_mu);
	if (cache.body && strcmp(cache.key_id, kid) == 0 && cache.generation == generation && now >= cache.issued_at &&
	    now < cache.issued_at + ecards_cfg.revocation_ttl / 2) {
		hit = copy_list(&cache, out);
		*oom_hit = !hit;
	}
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

static void cache_keep(const struct revocation_list *l)
{
	struct revocation_list copy;
	if (!copy_list(l, &copy))
		return; /* not kept: the next request builds it again */
	pthread_mutex_lock(&cache_mu);
	free(cache.body);
	cache = copy;
	pthread_mutex_unlock(&cache_mu);
}

void ecards_revocations_forget(void)
{
	pthread_mutex_lock(&cache_mu);
	ecards_revocations_free(&cache);
	pthread_mutex_unlock(&cache_mu);
}

sy_status ecards_revocations(db *d, int64_t now, struct revocation_list *out, sy_err *err)
{
	strbuf lines, body;
	char issued[TIME_ISO_LEN], next[TIME_ISO_LEN], kid[KEYS_ID_LEN];
	bool oom_hit;
	memset(out, 0, sizeof *out);
	sb_init(&lines);
	sb_init(&body);
	/* The current key's id first: the signed body names it. */
	sy_status st = keys_current_id(d, kid, err);
	if (st || (st = db_query_int(d, SQL_GENERATION, DB_NOARGS, &out->generation, err)))
		goto out;
	if (cache_take(kid, out->generation, now, out, &oom_hit))
		goto out;
	if (oom_hit) {
		st = oom(err);
		goto out;
	}
	if ((st = revoked_lines(d, now, &lines, &out->count, err)))
		goto out;
	out->issued_at = now;
	time_iso((time_t)now, issued);
	time_iso((time_t)(now + ecards_cfg.revocation_ttl), next);
	if (!sb_printf(&body, "%s\nkey_id %s\ngeneration %" PRId64 "\nissued_at %s\nnext_update %s\ncount %zu\n",
		       REVOCATION_MAGIC, kid, out->generation, issued, next, out->count) ||
	    !sb_append(&body, sb_str(&lines), lines.len)) {
		st = oom(err);
		goto out;
	}
	out->len = body.len;
	out->body = sb_steal(&body);
	if (!out->body) {
		st = oom(err);
		goto out;
	}
	if ((st = keys_sign_document(d, REVOCATION_CONTEXT, out->body, out->len, out->sig, out->key_id, err)))
		goto out;
	/* A rotation between the two reads would leave the body naming another key than the signature. */
	if (strcmp(out->key_id, kid) != 0)
		st = sy_failf(err, SY_EUNAVAILABLE, "key_rotated", NULL, "签名密钥刚刚轮换，请重试",
			      "the signing key was just rotated; try again");
	else
		cache_keep(out);
out:
	sb_free(&lines);
	sb_free(&body);
	if (st)
		ecards_revocations_free(out);
	return st;
}
