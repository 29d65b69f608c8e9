/*
 * verify.c - online verification of a 优待证: by a typed card number or by a
 * scanned e-card code, for the merchant at the counter.
 *
 * The order of checks is the order of cost and of what a clerk can do about
 * the answer: the number's check character (a typo, no lookup), the code's
 * signature and times (no card lookup: a forged or stale code says nothing
 * about any card), then one indexed lookup of the card with its holder, read
 * now — so a card revoked, a holder barred (the registry's status) after the
 * card was issued, fails at once with no cache to go stale.
 */
#include <stdio.h>
#include <string.h>

#include "cardno.h"
#include "cards.h"
#include "modules/keys/keys.h"
#include "lib/ecard.h"
#include "lib/text.h"
#include "modules/registry/people.h"

/* The card by its number, with its holder: the unique index on cards.number, then the people primary key. */
static const char SQL_VERIFY_CARD[] =
	"SELECT c.id, c.state, c.kind, c.categories, p.id, p.name, p.status"
	" FROM cards c JOIN people p ON p.id = c.person_id WHERE c.number = $1";

/* Why a card in a state other than received is not good, one reason per state. */
static const struct {
	const char *state, *reason, *zh, *en;
} state_reasons[] = {
	{"revoked", "revoked", "该优待证已注销", "the card has been revoked"},
	{"suspended", "suspended", "该优待证已暂停使用", "the card is suspended"},
	{"lost", "lost", "该优待证已挂失", "the card has been reported lost"},
	{"replaced", "replaced", "该优待证已补换，旧证作废，请出示新证", "the card was replaced by a reissue: the old one no longer works"},
};

static void refuse(struct card_verdict *v, const char *reason, const char *zh, const char *en)
{
	v->valid = false;
	v->reason = reason;
	v->msg_zh = zh;
	v->msg_en = en;
}

/* Is code one of the comma-separated list's items? */
static bool list_has(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list; n && (p = strstr(p, code)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* The offer's categories the holder has into v->offer_matched; true when the offer is for them. */
static bool offer_qualifies(struct card_verdict *v, const char *wanted)
{
	size_t len = 0;
	v->offer_matched[0] = '\0';
	if (!wanted || !*wanted)
		return true; /* for every card holder */
	char code[64];
	for (const char *p = wanted; text_list_next(&p, code, sizeof code);)
		if (list_has(v->categories, code) && len + strlen(code) + 2 <= sizeof v->offer_matched)
			len += (size_t)snprintf(v->offer_matched + len, sizeof v->offer_matched - len, "%s%s", len ? "," : "",
						code);
	return len > 0;
}

/* The state and standing of the card read, as a verdict. */
static void judge(struct card_verdict *v, const char *state, const char *person_status, const struct offer_terms *offer)
{
	v->valid = true;
	if (strcmp(state, "received") != 0) {
		for (size_t i = 0; i < sizeof state_reasons / sizeof state_reasons[0]; i++)
			if (strcmp(state, state_reasons[i].state) == 0)
				return refuse(v, state_reasons[i].reason, state_reasons[i].zh, state_reasons[i].en);
		return refuse(v, "not_issued", "该优待证尚未发放到持证人手中", "the card has not been issued to its holder");
	}
	if (person_status_bars_card(person_status))
		return refuse(v, "holder_barred", "持证人当前状态不得享受优待（登记信息已变更）",
			      "the holder's registered status bars the card");
	if (strcmp(person_status, "deceased") == 0)
		return refuse(v, "holder_deceased", "持证人已故，该证不得使用", "the holder has died: the card cannot be used");
	if (offer) {
		v->offer_checked = true;
		if (!offer_qualifies(v, offer->categories))
			return refuse(v, "not_eligible", "持证人不属于该优惠的适用对象",
				      "the holder's categories do not qualify for this offer");
	}
}

static sy_status lookup(db *d, const char *number, const struct offer_terms *offer, struct card_verdict *v,
			sy_err *err)
{
	db_rows *r = NULL;
	char state[16] = "", status[32] = "";
	sy_status st = db_query(d, SQL_VERIFY_CARD, DB_ARGS(DB_T(number)), &r, err);
	if (st)
		return st;
	bool found = db_next(r);
	if (found) {
		v->card_id = db_int(r, 0);
		text_copy(state, sizeof state, db_text(r, 1));
		text_copy(v->kind, sizeof v->kind, db_text(r, 2));
		text_copy(v->categories, sizeof v->categories, db_text(r, 3));
		v->person_id = db_int(r, 4);
		text_mask_name(db_text(r, 5), v->masked_name, sizeof v->masked_name);
		text_copy(status, sizeof status, db_text(r, 6));
	}
	db_rows_free(r);
	if (!found) {
		refuse(v, "unknown_card", "查无此优待证", "no card has this number");
		return SY_OK;
	}
	judge(v, state, status, offer);
	return SY_OK;
}

/*
 * A number of the right shape whose check character is wrong is a typo the
 * clerk can fix: an answer, not an error. Anything else malformed is 400.
 */
static bool check_character_wrong(const char *s)
{
	if (strlen(s) != CARDNO_LEN)
		return false;
	for (int i = 0; i < CARDNO_LEN - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	char last = s[CARDNO_LEN - 1] == 'x' ? 'X' : s[CARDNO_LEN - 1];
	char want = cardno_check_char(s, CARDNO_LEN - 1);
	return ((last >= '0' && last <= '9') || last == 'X') && want && last != want;
}

sy_status cards_verify_number(db *d, const char *number, const struct offer_terms *offer,
			      struct card_verdict *v, sy_err *err)
{
	char no[CARDNO_LEN + 1];
	memset(v, 0, sizeof *v);
	if (number && check_character_wrong(number)) {
		text_copy(v->card_no, sizeof v->card_no, number);
		refuse(v, "bad_check_character", "卡号校验位错误，请核对后重新输入",
		       "the card number's check character is wrong: please check the number");
		return SY_OK;
	}
	sy_status st = cardno_validate(number ? number : "", "number", no, err);
	if (st)
		return st;
	text_copy(v->card_no, sizeof v->card_no, no);
	return lookup(d, no, offer, v, err);
}

sy_status cards_verify_code(db *d, const char *text, size_t len, int64_t now, const struct offer_terms *offer,
			    struct card_verdict *v, sy_err *err)
{
	enum ecard_result res = ECARD_EFORMAT;
	struct ecard card;
	memset(v, 0, sizeof *v);
	v->by_code = true;
	sy_status st = keys_verify(d, text, len, now, &res, &card, err);
	if (st)
		return st;
	if (res != ECARD_OK) {
		refuse(v, ecard_result_code(res), ecard_result_zh(res), ecard_result_en(res));
		return SY_OK;
	}
	text_copy(v->card_no, sizeof v->card_no, card.card_no);
	v->static_code = ecard_is_static(&card);
	return lookup(d, card.card_no, offer, v, err);
}

/* A comma list as a JSON array of strings. */
static void list_write(strbuf *sb, const char *list)
{
	char code[64];
	bool first = true;
	sb_putc(sb, '[');
	for (const char *p = list; text_list_next(&p, code, sizeof code); first = false) {
		if (!first)
			sb_putc(sb, ',');
		sb_json_str(sb, code);
	}
	sb_putc(sb, ']');
}

void card_verdict_write(strbuf *sb, const struct card_verdict *v, bool english)
{
	sb_puts(sb, v->valid ? "\"valid\":true" : "\"valid\":false");
	const char *msg = v->reason ? (english ? v->msg_en : v->msg_zh) : NULL;
	sb_puts(sb, ",\"reason\":"); /* null when valid */
	v->reason ? sb_json_str(sb, v->reason) : sb_puts(sb, "null");
	sb_puts(sb, ",\"message\":");
	msg ? sb_json_str(sb, msg) : sb_puts(sb, "null");
	sb_puts(sb, ",\"card_number\":");
	sb_json_str(sb, v->card_no);
	sb_puts(sb, v->static_code ? ",\"static_code\":true" : ",\"static_code\":false");
	if (v->kind[0]) {
		sb_puts(sb, ",\"kind\":");
		sb_json_str(sb, v->kind);
		sb_puts(sb, ",\"name\":");
		sb_json_str(sb, v->masked_name);
	}
	if (v->static_code) {
		sb_puts(sb, ",\"check_id_card\":");
		sb_json_str(sb, english ? "a printed card's code: check the holder's resident ID card"
				       : "纸质证件静态码，请核对持证人身份证");
	}
	if (v->offer_checked) {
		sb_puts(sb, ",\"offer_categories\":");
		list_write(sb, v->offer_matched);
	}
}
