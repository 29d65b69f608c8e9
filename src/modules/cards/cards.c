/*
 * cards.c - 优待证 rules and SQL: who may apply, the steps of a card's life,
 * who may take each, the card number, and reading cards in scope.
 */
#include "cards.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardno.h"
#include "db/audit.h"
#include "db/page.h"
#include "lib/idcard.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "modules/registry/people.h"

/* ---- vocabulary ------------------------------------------------------------- */

static const struct {
	const char *code, *zh, *en;
	bool live; /* the card (or its application) still stands: one per person */
} states[] = {
	{"applied", "已申请", "applied", true},
	{"reviewed", "县级已审核", "reviewed by the county", true},
	{"approved", "市级已审批", "approved by the city", true},
	{"refused", "不予办理", "refused", false},
	{"made", "已制证", "made", true},
	{"handed_out", "已下发待领取", "at the station, to be collected", true},
	{"received", "已领取（有效）", "received (valid)", true},
	{"returned", "逾期未领已退回", "returned unclaimed", false},
	{"suspended", "已暂停使用", "suspended", true},
	{"lost", "已挂失", "reported lost", true},
	{"revoked", "已注销", "revoked", false},
	{"replaced", "已补换", "replaced by a reissue", false},
};
#define NSTATES (sizeof states / sizeof states[0])

enum level { LV_COUNTY, LV_CITY };

/* The steps as data: from which states, to which, at which level, what they need. */
static const struct rule {
	const char *name, *zh, *en;
	const char *from[9];
	const char *to;
	enum level level;    /* refuse: county from applied, city from reviewed (level_for) */
	bool reason_required;
	bool recheck;        /* check the person's standing again: the registry may have changed */
} rules[CA_COUNT] = {
	[CA_REVIEW] = {"review", "县级审核", "county review", {"applied"}, "reviewed", LV_COUNTY, false, true},
	[CA_APPROVE] = {"approve", "市级审批", "city approval", {"reviewed"}, "approved", LV_CITY, false, true},
	[CA_REFUSE] = {"refuse", "不予办理", "refusal", {"applied", "reviewed"}, "refused", LV_COUNTY, true, false},
	[CA_MAKE] = {"make", "制证", "making the card", {"approved"}, "made", LV_CITY, false, false},
	[CA_HAND_OUT] = {"hand-out", "下发至服务站", "hand-out to the station", {"made"}, "handed_out", LV_COUNTY, false, false},
	[CA_RECEIVE] = {"receive", "本人领取", "receipt by the holder", {"handed_out"}, "received", LV_COUNTY, false, false},
	[CA_RETURN] = {"return", "逾期未领退回", "return unclaimed", {"handed_out"}, "returned", LV_COUNTY, false, false},
	[CA_REPORT_LOSS] = {"report-loss", "挂失", "loss report", {"received", "suspended"}, "lost", LV_COUNTY, false, false},
	[CA_SUSPEND] = {"suspend", "暂停使用", "suspension", {"received"}, "suspended", LV_COUNTY, true, false},
	[CA_RESUME] = {"resume", "恢复使用", "lifting the suspension", {"suspended"}, "received", LV_COUNTY, false, true},
	[CA_REISSUE] = {"reissue", "补换", "reissue", {"received", "lost"}, "replaced", LV_COUNTY, true, true},
	[CA_REVOKE] = {"revoke", "注销", "revocation",
		       {"applied", "reviewed", "approved", "made", "handed_out", "received", "suspended", "lost"},
		       "revoked", LV_COUNTY, true, false},
};

/* The categories that give a card, and the kind they give (veteran first: see card_kind). */
static const char *const veteran_categories[] = {"veteran", "disabled_veteran"};
static const char *const survivor_categories[] = {"martyr_family", "duty_family", "illness_family"};

/* The rules of the 办法 that bar a card, one per barring registry status. */
static const struct {
	const char *status, *zh, *en;
} bars[] = {
	{"expelled", "被除名或开除军籍的，不予发放优待证", "no card for one struck off the rolls or expelled from the armed forces"},
	{"deprived_rights", "被剥夺政治权利期间，不予发放优待证", "no card while deprived of political rights"},
	{"serving_sentence", "服刑期间，不予发放优待证", "no card while serving a sentence"},
	{"in_custody", "被羁押期间，不予发放优待证", "no card while in custody"},
	{"wanted", "被通缉期间，不予发放优待证", "no card while wanted"},
};

const char *card_action_name(enum card_action a)
{
	return (unsigned)a < CA_COUNT ? rules[a].name : NULL;
}

enum card_action card_action_parse(const char *s)
{
	for (int i = 0; s && i < CA_COUNT; i++)
		if (strcmp(s, rules[i].name) == 0)
			return (enum card_action)i;
	return CA_COUNT;
}

static int state_index(const char *s)
{
	for (size_t i = 0; s && i < NSTATES; i++)
		if (strcmp(s, states[i].code) == 0)
			return (int)i;
	return -1;
}

bool card_state_valid(const char *s)
{
	return state_index(s) >= 0;
}

const char *card_state_label(const char *s, bool english)
{
	int i = state_index(s);
	return i < 0 ? s : english ? states[i].en : states[i].zh;
}

static bool state_live(const char *s)
{
	int i = state_index(s);
	return i >= 0 && states[i].live;
}

static bool rule_from(const struct rule *r, const char *state)
{
	for (size_t i = 0; i < sizeof r->from / sizeof r->from[0] && r->from[i]; i++)
		if (strcmp(r->from[i], state) == 0)
			return true;
	return false;
}

/* Refusing an application is the county's before its review and the city's after it. */
static enum level level_for(enum card_action a, const char *state)
{
	if (a == CA_REFUSE && strcmp(state, "reviewed") == 0)
		return LV_CITY;
	return rules[a].level;
}

/* County steps: an admin, or an officer of a county-level division or below (prefix of 6+ digits). */
static bool county_level(const struct principal *a)
{
	char prefix[REGION_CODE_MAX];
	if (a->role == ROLE_ADMIN)
		return true;
	if (a->role != ROLE_OFFICER)
		return false;
	scope_region_prefix(a, prefix);
	return strlen(prefix) >= 6;
}

static bool level_allows(const struct principal *a, enum level lv)
{
	return lv == LV_CITY ? a->role == ROLE_ADMIN : county_level(a);
}

static sy_status level_refused(enum level lv, sy_err *err)
{
	if (lv == LV_CITY)
		return sy_failf(err, SY_EFORBIDDEN, "city_step", NULL, "该步骤由市退役军人事务局（管理员）办理",
				"this step is the city bureau's (an admin's)");
	return sy_failf(err, SY_EFORBIDDEN, "county_step", NULL,
			"该步骤由县级退役军人事务部门或乡镇（街道）服务站经办人员办理",
			"this step is for the county bureau or a township service station");
}

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static sy_status not_found(sy_err *err)
{
	return sy_failf(err, SY_ENOTFOUND, "card_not_found", NULL, "优待证不存在或不在您的管辖范围内",
			"no such card in your scope");
}

static sy_status check_reason(const char *reason, bool required, sy_err *err)
{
	if (!reason || !*reason) {
		if (!required)
			return SY_OK;
		return sy_failf(err, SY_EINVAL, "reason_required", "reason", "此操作须填写原因",
				"this step needs a reason");
	}
	if (strlen(reason) > CARD_REASON_MAX || !text_valid_utf8_line(reason))
		return sy_failf(err, SY_EINVAL, "invalid_text", "reason", "原因过长或含有控制字符",
				"reason is too long or contains control characters");
	return SY_OK;
}

/* ---- SQL ---------------------------------------------------------------------- */

static const char SQL_PERSON_FACTS[] =
	"SELECT region_code, household_region_code, status FROM people WHERE id = $1";
static const char SQL_LIVE_CARD[] = "SELECT id, state FROM cards WHERE person_id = $1 AND live = 1";
static const char SQL_CARD_INSERT[] =
	"INSERT INTO cards (person_id, kind, categories, state, live, region_code, applied_via, replaces_id,"
	" applied_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $8, $8) RETURNING id";
static const char SQL_CARD_SCOPE[] =
	"SELECT c.state, c.person_id, c.region_code, p.region_code, c.handed_out_at, c.applied_via, c.number"
	" FROM cards c JOIN people p ON p.id = c.person_id WHERE c.id = $1";
/*
 * One step: the new state and whether it still stands; each date column is
 * stamped by the state that sets it; the number, national number and the
 * replacing card only when given. $8: the state read, so a concurrent step
 * makes this one change nothing (and fail) instead of overwriting it.
 */
static const char SQL_CARD_STEP[] =
	"UPDATE cards SET state = $2, live = $3, updated_at = $4,"
	" made_at = CASE WHEN $2 = 'made' THEN $4 ELSE made_at END,"
	" handed_out_at = CASE WHEN $2 = 'handed_out' THEN $4 ELSE handed_out_at END,"
	" received_at = CASE WHEN $2 = 'received' AND received_at IS NULL THEN $4 ELSE received_at END,"
	" closed_at = CASE WHEN $3 = 0 THEN $4 ELSE closed_at END,"
	" number = COALESCE(CAST($5 AS TEXT), number),"
	" national_number = COALESCE(CAST($6 AS TEXT), national_number)"
	" WHERE id = $1 AND state = $7";
static const char SQL_CARD_REPLACED_BY[] = "UPDATE cards SET replaced_by_id = $2 WHERE id = $1";
static const char SQL_EVENT_INSERT[] =
	"INSERT INTO card_events (card_id, action, from_state, to_state, reason, actor, actor_user_id, at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_SEQ_ENSURE[] =
	"INSERT INTO card_number_seq (region_prefix, last_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING";
static const char SQL_SEQ_NEXT[] =
	"UPDATE card_number_seq SET last_seq = last_seq + 1 WHERE region_prefix = $1 RETURNING last_seq";
static const char SQL_NATIONAL_TAKEN[] = "SELECT 1 FROM cards WHERE national_number = $1 AND id <> $2";
static const char SQL_SETTINGS[] = "SELECT unclaimed_months, updated_by, updated_at FROM card_settings WHERE id = 1";
static const char SQL_SETTINGS_SET[] =
	"UPDATE card_settings SET unclaimed_months = $1, updated_by = $2, updated_at = $3 WHERE id = 1";
static const char SQL_CARD_GET[] =
	"SELECT c.id, c.number, c.person_id, p.name, p.id_number, c.kind, c.categories, c.state, c.region_code,"
	" r.name, c.applied_via, c.national_number, c.replaces_id, o.number, c.replaced_by_id, n.number,"
	" c.applied_at, c.made_at, c.handed_out_at, c.received_at, c.closed_at, c.updated_at, p.region_code"
	" FROM cards c JOIN people p ON p.id = c.person_id JOIN regions r ON r.code = c.region_code"
	" LEFT JOIN cards o ON o.id = c.replaces_id LEFT JOIN cards n ON n.id = c.replaced_by_id"
	" WHERE c.id = $1";
static const char SQL_CARD_EVENTS[] =
	"SELECT action, from_state, to_state, reason, actor, at FROM card_events WHERE card_id = $1 ORDER BY id";
/* Newest first; a card is in scope by its station's region or its holder's residence. */
static const char SQL_CARDS[] =
	"SELECT c.id, c.number, c.person_id, p.name, p.id_number, c.kind, c.categories, c.state, c.region_code,"
	" r.name, c.applied_at, c.made_at, c.received_at, c.national_number"
	" FROM cards c JOIN people p ON p.id = c.person_id JOIN regions r ON r.code = c.region_code"
	" WHERE ($1 = 0 OR c.id < $1) AND (c.region_code LIKE $2 OR p.region_code LIKE $2)"
	" AND (CAST($3 AS TEXT) IS NULL OR c.state = $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR c.number = $4)"
	" AND (CAST($5 AS TEXT) IS NULL OR p.name LIKE $5 ESCAPE '\\')"
	" AND ($6 = 0 OR c.person_id = $6)"
	" ORDER BY c.id DESC LIMIT $7";

/* ---- the person's standing ------------------------------------------------------ */

struct standing {
	char residence[REGION_CODE_MAX], household[REGION_CODE_MAX], status[32];
	char kind[16];
	char categories[256]; /* comma-separated */
};

static sy_status person_facts(db *d, int64_t person_id, struct standing *s, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_PERSON_FACTS, DB_ARGS(DB_I(person_id)), &r, err);
	if (st)
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return sy_failf(err, SY_ENOTFOUND, "person_not_found", "person_id", "人员不存在或不在您的管辖范围内",
				"no such person in your scope");
	}
	snprintf(s->residence, sizeof s->residence, "%s", db_text(r, 0));
	snprintf(s->household, sizeof s->household, "%s", db_text(r, 1) ? db_text(r, 1) : "");
	snprintf(s->status, sizeof s->status, "%s", db_text(r, 2));
	db_rows_free(r);
	return SY_OK;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Append code to the comma list once. */
static void add_category(char *list, size_t cap, const char *code)
{
	size_t n = strlen(code), len = strlen(list);
	for (const char *p = list; (p = strstr(p, code)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return;
	if (len + n + 2 <= cap)
		snprintf(list + len, cap - len, "%s%s", len ? "," : "", code);
}

/*
 * Every category the person holds today, entered or derived from family
 * links, read through the registry (so the rule of who is a 烈士遗属 stays
 * in one place), and the kind of card they give. A person who is both a
 * veteran and one of the 三属 holds one card (domain.md): the veteran card,
 * because it rests on their own service record, which no change to a
 * relative's record can take away; the survivor categories are on it too.
 */
static sy_status person_categories(db *d, int64_t person_id, struct standing *s, sy_err *err)
{
	struct principal sys;
	json_t *page = NULL, *c;
	char now[TIME_ISO_LEN];
	size_t i;
	bool veteran = false, survivor = false;
	principal_system(&sys, "cards");
	sy_status st = registry_person_get(d, &sys, person_id, &page, err);
	if (st)
		return st;
	time_now_iso(now);
	s->categories[0] = '\0';
	json_array_foreach(json_object_get(page, "categories"), i, c) {
		const char *code = json_string_value(json_object_get(c, "category"));
		const char *end = json_string_value(json_object_get(c, "end_date"));
		if (!code || (end && strncmp(end, now, 10) < 0))
			continue; /* ended before today */
		add_category(s->categories, sizeof s->categories, code);
		veteran = veteran || in_list(code, veteran_categories, 2);
		survivor = survivor || in_list(code, survivor_categories, 3);
	}
	json_decref(page);
	snprintf(s->kind, sizeof s->kind, "%s", veteran ? "veteran" : survivor ? "survivor" : "");
	return SY_OK;
}

/* The registry's status and categories allow a card (409 naming the rule otherwise). */
static sy_status check_standing(db *d, int64_t person_id, struct standing *s, sy_err *err)
{
	sy_status st;
	if (person_status_bars_card(s->status)) {
		char code[48];
		snprintf(code, sizeof code, "barred_%s", s->status);
		for (size_t i = 0; i < sizeof bars / sizeof bars[0]; i++)
			if (strcmp(bars[i].status, s->status) == 0)
				return sy_failf(err, SY_ECONFLICT, code, NULL, bars[i].zh, bars[i].en);
		return sy_failf(err, SY_ECONFLICT, code, NULL, "该人员当前状态不予发放优待证",
				"the person's status bars a card");
	}
	if (strcmp(s->status, "deceased") == 0)
		return sy_failf(err, SY_ECONFLICT, "person_deceased", NULL, "该人员已故，不能申领优待证",
				"the person has died: no card");
	if (strcmp(s->status, "normal") != 0)
		return sy_failf(err, SY_ECONFLICT, "person_moved_away", NULL, "该人员已迁出本市，请在现居住地申领",
				"the person has moved away: they apply where they live now");
	if ((st = person_categories(d, person_id, s, err)))
		return st;
	if (!s->kind[0])
		return sy_failf(err, SY_ECONFLICT, "not_eligible", NULL,
				"该人员没有可申领优待证的类别（退役军人、残疾军人，烈士、因公牺牲军人、病故军人遗属）",
				"the person holds no category that gives a card (veteran, disabled veteran, or the family "
				"of a martyr or of one who died on duty or of illness)");
	return SY_OK;
}

/* ---- reading one card ------------------------------------------------------------ */

struct card_row {
	char state[16], region[REGION_CODE_MAX], residence[REGION_CODE_MAX], handed_out_at[TIME_ISO_LEN];
	char applied_via[16];
	int64_t person_id;
	bool has_number;
};

static bool card_visible(const struct principal *a, const struct card_row *c)
{
	if (a->role == ROLE_PERSON)
		return a->person_id > 0 && a->person_id == c->person_id;
	if (a->role & ROLES_ORG)
		return false;
	return scope_region_allows(a, c->region) || scope_region_allows(a, c->residence);
}

/* The card as stored, if the actor may see it; 404 otherwise, so ids are not probed. */
static sy_status card_load(db *d, const struct principal *a, int64_t id, struct card_row *c, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CARD_SCOPE, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	bool found = db_next(r);
	if (found) {
		snprintf(c->state, sizeof c->state, "%s", db_text(r, 0));
		c->person_id = db_int(r, 1);
		snprintf(c->region, sizeof c->region, "%s", db_text(r, 2));
		snprintf(c->residence, sizeof c->residence, "%s", db_text(r, 3));
		snprintf(c->handed_out_at, sizeof c->handed_out_at, "%s", db_text(r, 4) ? db_text(r, 4) : "");
		snprintf(c->applied_via, sizeof c->applied_via, "%s", db_text(r, 5));
		c->has_number = !db_isnull(r, 6);
	}
	db_rows_free(r);
	return found && card_visible(a, c) ? SY_OK : not_found(err);
}

/* ---- writing ------------------------------------------------------------------------ */

static sy_status write_event(db *d, const struct principal *a, int64_t card_id, const char *action,
			     const char *from, const char *to, const char *reason, const char *now, sy_err *err)
{
	return db_execp(d, SQL_EVENT_INSERT,
			DB_ARGS(DB_I(card_id), DB_T(action), DB_T(from), DB_T(to), DB_T(reason && *reason ? reason : NULL),
				DB_T(a->name), DB_IDOPT(a->user_id), DB_T(now)),
			NULL, err);
}

static sy_status audit_card(db *d, const struct principal *a, const char *action, int64_t id,
			    const char *region, json_t *detail, sy_err *err)
{
	char oid[24];
	if (!detail)
		return oom(err);
	snprintf(oid, sizeof oid, "%" PRId64, id);
	struct audit_event ev = {.action = action, .object_type = "card", .object_id = oid,
				 .region_code = region, .detail = detail};
	sy_status st = audit_write(d, a, &ev, err);
	json_decref(detail);
	return st;
}

/* A new card row (an application, or a reissue's card) with its first event. */
static sy_status insert_card(db *d, const struct principal *a, int64_t person_id, const struct standing *s,
			     const char *state, const char *region, const char *via, int64_t replaces,
			     const char *action, const char *reason, const char *now, int64_t *id, sy_err *err)
{
	sy_status st = db_query_int(d, SQL_CARD_INSERT,
				    DB_ARGS(DB_I(person_id), DB_T(s->kind), DB_T(s->categories), DB_T(state),
					    DB_T(region), DB_T(via), DB_IDOPT(replaces), DB_T(now)),
				    id, err);
	if (st == SY_ECONFLICT) /* the unique index: another application won a race */
		return sy_failf(err, SY_ECONFLICT, "card_exists", "person_id", "该人员已有优待证或正在办理的申请",
				"the person already has a card or an open application");
	return st ? st : write_event(d, a, *id, action, NULL, state, reason, now, err);
}

static sy_status check_no_live_card(db *d, int64_t person_id, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_LIVE_CARD, DB_ARGS(DB_I(person_id)), &r, err);
	if (st)
		return st;
	if (db_next(r)) {
		char zh[200], en[200];
		snprintf(zh, sizeof zh, "该人员已有优待证或正在办理的申请（状态：%s），一人只能持有一张优待证",
			 card_state_label(db_text(r, 1), false));
		snprintf(en, sizeof en, "the person already has a card or an open application (%s): one card per person",
			 card_state_label(db_text(r, 1), true));
		st = sy_failf(err, SY_ECONFLICT, "card_exists", "person_id", zh, en);
	}
	db_rows_free(r);
	return st;
}

sy_status cards_apply(db *d, const struct principal *actor, int64_t person_id, const char *reason,
		      int64_t *id, sy_err *err)
{
	struct standing s;
	char now[TIME_ISO_LEN];
	const char *region, *via;
	bool own;
	sy_status st;
	if ((st = check_reason(reason, false, err)))
		return st;
	if (!county_level(actor))
		return level_refused(LV_COUNTY, err);
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = person_facts(d, person_id, &s, err)))
		goto out;
	/* At the station of the household registration or of the habitual residence. */
	if (scope_region_allows(actor, s.residence)) {
		region = s.residence;
		via = "residence";
	} else if (s.household[0] && scope_region_allows(actor, s.household)) {
		region = s.household;
		via = "household";
	} else {
		st = sy_failf(err, SY_ENOTFOUND, "person_not_found", "person_id", "人员不存在或不在您的管辖范围内",
			      "no such person in your scope");
		goto out;
	}
	if ((st = check_standing(d, person_id, &s, err)) || (st = check_no_live_card(d, person_id, err)))
		goto out;
	time_now_iso(now);
	if ((st = insert_card(d, actor, person_id, &s, "applied", region, via, 0, "apply", reason, now, id, err)))
		goto out;
	st = audit_card(d, actor, "card.apply", *id, region,
			json_pack("{s:I, s:s, s:s, s:s, s:s?}", "person_id", (json_int_t)person_id, "kind", s.kind,
				  "categories", s.categories, "applied_via", via, "reason", reason),
			err);
out:
	return db_tx_finish(d, own, st, err);
}

/* The next number for the holder's residence (6-digit prefix); a row lock queues concurrent makers. */
static sy_status next_number(db *d, const char *residence, char out[CARDNO_LEN + 1], sy_err *err)
{
	char prefix[CARDNO_REGION_LEN + 1];
	int64_t seq;
	sy_status st;
	snprintf(prefix, sizeof prefix, "%.6s", residence);
	if ((st = db_execp(d, SQL_SEQ_ENSURE, DB_ARGS(DB_T(prefix)), NULL, err)) ||
	    (st = db_query_int(d, SQL_SEQ_NEXT, DB_ARGS(DB_T(prefix)), &seq, err)))
		return st;
	if (!cardno_make(prefix, seq, out))
		return sy_fail(err, SY_EINTERNAL, "card_numbers_exhausted", NULL, "地区 %s 的优待证号已用尽",
			       "card numbers for region %s are used up", prefix);
	return SY_OK;
}

/* A national number as printed: 1–32 letters, digits and '-'. */
static sy_status check_national(const char *s, sy_err *err)
{
	size_t n = s ? strlen(s) : 0;
	bool ok = n >= 1 && n <= CARD_NATIONAL_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		     s[i] == '-';
	return ok ? SY_OK
		  : sy_failf(err, SY_EINVAL, "invalid_national_number", "national_number",
			     "全国统一卡号应为1–32位字母、数字或“-”", "the national number is 1–32 letters, digits or '-'");
}

/* YYYY-MM-DD months after the date an ISO time starts with (the day kept, or the month's last). */
static void add_months(const char *iso, int months, char out[11])
{
	int y = 0, m = 0, dd = 0;
	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &dd) != 3) {
		snprintf(out, 11, "9999-12-31");
		return;
	}
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	while (dd > 28 && !time_valid_date(y, m, dd))
		dd--;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)dd % 100u);
}

static sy_status unclaimed_months(db *d, int64_t *months, sy_err *err)
{
	sy_status st = db_query_int(d, SQL_SETTINGS, DB_NOARGS, months, err);
	if (st == SY_ENOTFOUND)
		return sy_failf(err, SY_EINTERNAL, "card_settings_missing", NULL, "缺少优待证设置", "card settings are missing");
	return st;
}

/* A card is returned only once it has waited at the station for the set period. */
static sy_status check_unclaimed(db *d, const struct card_row *c, const char *now, sy_err *err)
{
	int64_t months;
	char due[11];
	sy_status st = unclaimed_months(d, &months, err);
	if (st)
		return st;
	add_months(c->handed_out_at, (int)months, due);
	if (strncmp(now, due, 10) >= 0)
		return SY_OK;
	return sy_fail(err, SY_ECONFLICT, "not_yet_unclaimed", NULL,
		       "下发后满 %d 个月仍未领取方可退回（%s 起）",
		       "a card is returned only after %d months unclaimed (from %s)", (int)months, due);
}

static sy_status wrong_state(enum card_action a, const char *state, sy_err *err)
{
	char code[48], zh[200], en[200];
	snprintf(code, sizeof code, "card_is_%s", state);
	snprintf(zh, sizeof zh, "优待证当前状态为「%s」，不能办理「%s」", card_state_label(state, false), rules[a].zh);
	snprintf(en, sizeof en, "the card is %s: %s is not possible from there", card_state_label(state, true),
		 rules[a].en);
	return sy_failf(err, SY_ECONFLICT, code, NULL, zh, en);
}

/* Move the card from c->state to `to`, stamping dates; 409 if someone else moved it first. */
static sy_status move(db *d, int64_t id, const struct card_row *c, const char *to, const char *number,
		      const char *national, const char *now, sy_err *err)
{
	int64_t changed = 0;
	sy_status st = db_execp(d, SQL_CARD_STEP,
				DB_ARGS(DB_I(id), DB_T(to), DB_I(state_live(to) ? 1 : 0), DB_T(now), DB_T(number),
					DB_T(national), DB_T(c->state)),
				&changed, err);
	if (!st && changed != 1)
		st = sy_failf(err, SY_ECONFLICT, "card_changed", NULL, "该优待证刚被他人办理，请刷新后重试",
			      "the card was changed meanwhile: reload and try again");
	return st;
}

/* Reissue: the old card stops at once (replaced); a new one, approved, to be made with a new number. */
static sy_status reissue(db *d, const struct principal *a, int64_t id, const struct card_row *c,
			 const struct standing *s, const char *reason, const char *now, int64_t *new_id, sy_err *err)
{
	sy_status st;
	if ((st = move(d, id, c, "replaced", NULL, NULL, now, err)) ||
	    (st = write_event(d, a, id, "reissue", c->state, "replaced", reason, now, err)) ||
	    (st = insert_card(d, a, c->person_id, s, "approved", c->region, c->applied_via, id, "reissue", reason, now,
			      new_id, err)))
		return st;
	return db_execp(d, SQL_CARD_REPLACED_BY, DB_ARGS(DB_I(id), DB_I(*new_id)), NULL, err);
}

/* The step's own work between the checks and the audit row. */
static sy_status do_step(db *d, const struct principal *a, int64_t id, const struct card_row *c,
			 const struct card_step *s, struct standing *who, const char *now, char number[CARDNO_LEN + 1],
			 int64_t *result, sy_err *err)
{
	const struct rule *r = &rules[s->action];
	int64_t one;
	sy_status st;
	*result = id;
	if (r->recheck && ((st = person_facts(d, c->person_id, who, err)) || (st = check_standing(d, c->person_id, who, err))))
		return st;
	if (s->action == CA_REISSUE)
		return reissue(d, a, id, c, who, s->reason, now, result, err);
	if (s->action == CA_RETURN && (st = check_unclaimed(d, c, now, err)))
		return st;
	if (s->action == CA_MAKE) {
		if (s->national_number) {
			st = db_query_int(d, SQL_NATIONAL_TAKEN, DB_ARGS(DB_T(s->national_number), DB_I(id)), &one, err);
			if (st == SY_OK)
				return sy_failf(err, SY_ECONFLICT, "national_number_taken", "national_number",
						"该全国统一卡号已登记在另一张优待证上", "another card has this national number");
			if (st != SY_ENOTFOUND)
				return st;
		}
		if (!c->has_number && (st = next_number(d, c->residence, number, err)))
			return st;
	}
	if ((st = move(d, id, c, r->to, number[0] ? number : NULL, s->national_number, now, err)))
		return st;
	return write_event(d, a, id, r->name, c->state, r->to, s->reason, now, err);
}

sy_status cards_step(db *d, const struct principal *actor, int64_t id, const struct card_step *s,
		     int64_t *result, sy_err *err)
{
	struct card_row c;
	struct standing who;
	char now[TIME_ISO_LEN], number[CARDNO_LEN + 1] = "", audit_action[48];
	bool own;
	sy_status st;
	if ((unsigned)s->action >= CA_COUNT)
		return sy_failf(err, SY_EINVAL, "invalid_action", "action", "未知的办理事项", "unknown action");
	if ((st = check_reason(s->reason, rules[s->action].reason_required, err)))
		return st;
	if (s->national_number && s->action != CA_MAKE)
		return sy_failf(err, SY_EINVAL, "national_number_make_only", "national_number",
				"全国统一卡号在制证时登记", "the national number is recorded when the card is made");
	if (s->national_number && (st = check_national(s->national_number, err)))
		return st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = card_load(d, actor, id, &c, err)))
		goto out;
	if (!rule_from(&rules[s->action], c.state)) {
		st = wrong_state(s->action, c.state, err);
		goto out;
	}
	if (!level_allows(actor, level_for(s->action, c.state))) {
		st = level_refused(level_for(s->action, c.state), err);
		goto out;
	}
	time_now_iso(now);
	if ((st = do_step(d, actor, id, &c, s, &who, now, number, result, err)))
		goto out;
	snprintf(audit_action, sizeof audit_action, "card.%s", rules[s->action].name);
	st = audit_card(d, actor, audit_action, id, c.region,
			json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "person_id", (json_int_t)c.person_id,
				  "from", c.state, "to", rules[s->action].to, "reason", s->reason,
				  "number", number[0] ? number : NULL, "national_number", s->national_number,
				  "new_card_id", *result != id ? json_integer(*result) : json_null()),
			err);
out:
	return db_tx_finish(d, own, st, err);
}

/* ---- reading ---------------------------------------------------------------------------- */

static json_t *categories_json(const char *csv)
{
	json_t *a = json_array();
	char buf[256];
	snprintf(buf, sizeof buf, "%s", csv ? csv : "");
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(tok));
	return a;
}

static json_t *masked_id(const char *id_number)
{
	char masked[IDCARD_LEN + 1];
	idcard_mask(id_number, masked);
	return json_string(masked);
}

static json_t *card_row_json(db_rows *r)
{
	const char *state = db_text(r, 7);
	return json_pack("{s:I, s:s?, s:I, s:s?, s:o, s:s?, s:o, s:s?, s:s, s:s, s:b, s:s?, s:s?, s:s?, s:s?, s:s?}",
			 "id", (json_int_t)db_int(r, 0), "number", db_text(r, 1), "person_id", (json_int_t)db_int(r, 2),
			 "person_name", db_text(r, 3), "id_number", masked_id(db_text(r, 4)), "kind", db_text(r, 5),
			 "categories", categories_json(db_text(r, 6)), "state", state,
			 "state_zh", card_state_label(state, false), "state_en", card_state_label(state, true),
			 "valid", state && strcmp(state, "received") == 0, "region_code", db_text(r, 8),
			 "region_name", db_text(r, 9), "applied_at", db_text(r, 10), "issued_at", db_text(r, 11),
			 "received_at", db_text(r, 12));
}

sy_status cards_list(db *d, const struct principal *actor, const struct card_filter *f, json_t **items,
		     int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1], q[300], number[CARDNO_LEN + 1];
	const char *num = NULL, *name = NULL;
	int64_t person = f->person_id;
	db_rows *r = NULL;
	sy_status st;
	*next = 0;
	if (actor->role & ROLES_ORG)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权查看优待证", "your role may not read cards");
	if (f->state && !card_state_valid(f->state))
		return sy_failf(err, SY_EINVAL, "invalid_state", "state", "优待证状态无效", "unknown card state");
	if (f->q) {
		/* Digits (and X) are a card number: a mistyped one is refused before any lookup. */
		bool numeric = strspn(f->q, "0123456789Xx") == strlen(f->q);
		if (numeric && (st = cardno_validate(f->q, "q", number, err)))
			return st;
		if (numeric)
			num = number;
		else if (!text_like_contains(f->q, q, sizeof q))
			return sy_failf(err, SY_EINVAL, "too_long", "q", "搜索词过长", "search text too long");
		else
			name = q;
	}
	if ((st = scope_filter_like(actor, f->region, "region", like, err)))
		return st;
	/* A person reads their own cards, wherever they were applied for. */
	if (actor->role == ROLE_PERSON) {
		bool other = f->person_id && f->person_id != actor->person_id;
		person = actor->person_id > 0 && !other ? actor->person_id : -1;
		snprintf(like, sizeof like, "%%");
	}
	if ((st = db_query(d, SQL_CARDS,
			   DB_ARGS(DB_I(f->cursor), DB_T(like), DB_T(f->state), DB_T(num), DB_T(name), DB_I(person),
				   DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, card_row_json, items, next, err);
	db_rows_free(r);
	return st;
}

/* The steps the actor may take now (the server checks again when one is taken). */
static json_t *actions_json(const struct principal *a, const char *state)
{
	json_t *out = json_array();
	for (int i = 0; i < CA_COUNT; i++)
		if (rule_from(&rules[i], state) && level_allows(a, level_for((enum card_action)i, state)))
			json_array_append_new(out, json_pack("{s:s, s:b}", "action", rules[i].name, "reason_required",
							     rules[i].reason_required));
	return out;
}

static sy_status load_events(db *d, int64_t id, json_t *out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_CARD_EVENTS, DB_ARGS(DB_I(id)), &r, err);
	if (st)
		return st;
	while (db_next(r))
		json_array_append_new(out, json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "action", db_text(r, 0),
						     "from_state", db_text(r, 1), "to_state", db_text(r, 2),
						     "reason", db_text(r, 3), "actor", db_text(r, 4), "at", db_text(r, 5)));
	db_rows_free(r);
	return SY_OK;
}

/* When a card at the station may be returned unclaimed; null otherwise. */
static sy_status return_after(db *d, const char *state, const char *handed_out_at, json_t **out, sy_err *err)
{
	int64_t months;
	char due[11];
	*out = json_null();
	if (!state || strcmp(state, "handed_out") != 0 || !handed_out_at)
		return SY_OK;
	sy_status st = unclaimed_months(d, &months, err);
	if (st)
		return st;
	add_months(handed_out_at, (int)months, due);
	*out = json_string(due);
	return SY_OK;
}

static json_t *card_json(const struct principal *a, db_rows *r)
{
	const char *state = db_text(r, 7);
	bool staff_writer = a->role == ROLE_ADMIN || a->role == ROLE_OFFICER;
	return json_pack("{s:I, s:s?, s:I, s:s?, s:o, s:s?, s:o, s:s?, s:s, s:s, s:b, s:s?, s:s?, s:s?, s:s?,"
			 " s:o, s:s?, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:o}",
			 "id", (json_int_t)db_int(r, 0), "number", db_text(r, 1), "person_id", (json_int_t)db_int(r, 2),
			 "person_name", db_text(r, 3), "id_number", masked_id(db_text(r, 4)), "kind", db_text(r, 5),
			 "categories", categories_json(db_text(r, 6)), "state", state,
			 "state_zh", card_state_label(state, false), "state_en", card_state_label(state, true),
			 "valid", state && strcmp(state, "received") == 0, "region_code", db_text(r, 8),
			 "region_name", db_text(r, 9), "applied_via", db_text(r, 10), "national_number", db_text(r, 11),
			 "replaces_id", db_isnull(r, 12) ? json_null() : json_integer(db_int(r, 12)),
			 "replaces_number", db_text(r, 13),
			 "replaced_by_id", db_isnull(r, 14) ? json_null() : json_integer(db_int(r, 14)),
			 "replaced_by_number", db_text(r, 15), "applied_at", db_text(r, 16), "issued_at", db_text(r, 17),
			 "handed_out_at", db_text(r, 18), "received_at", db_text(r, 19), "closed_at", db_text(r, 20),
			 "updated_at", db_text(r, 21),
			 "actions", staff_writer && state ? actions_json(a, state) : json_array());
}

sy_status cards_get(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct card_row c;
	db_rows *r = NULL;
	json_t *card = NULL, *events = NULL, *due = NULL;
	sy_status st;
	*out = NULL;
	if ((st = card_load(d, actor, id, &c, err)) ||
	    (st = db_query(d, SQL_CARD_GET, DB_ARGS(DB_I(id)), &r, err)))
		return st;
	if (!db_next(r)) {
		db_rows_free(r);
		return not_found(err);
	}
	card = card_json(actor, r);
	st = card ? return_after(d, db_text(r, 7), db_text(r, 18), &due, err) : oom(err);
	db_rows_free(r);
	if (st)
		goto out;
	json_object_set_new(card, "return_after", due);
	due = NULL;
	events = json_array();
	if ((st = load_events(d, id, events, err)))
		goto out;
	json_object_set_new(card, "events", events);
	events = NULL;
	*out = card;
	card = NULL;
out:
	json_decref(due);
	json_decref(events);
	json_decref(card);
	return st;
}

/* ---- settings ------------------------------------------------------------------------------ */

sy_status cards_settings_get(db *d, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_SETTINGS, DB_NOARGS, &r, err);
	if (st)
		return st;
	if (!db_next(r))
		st = sy_failf(err, SY_EINTERNAL, "card_settings_missing", NULL, "缺少优待证设置", "card settings are missing");
	else if (!(*out = json_pack("{s:I, s:s?, s:s?}", "unclaimed_months", (json_int_t)db_int(r, 0),
				     "updated_by", db_text(r, 1), "updated_at", db_text(r, 2))))
		st = oom(err);
	db_rows_free(r);
	return st;
}

sy_status cards_settings_set(db *d, const struct principal *actor, int64_t months, sy_err *err)
{
	char now[TIME_ISO_LEN];
	int64_t before;
	bool own;
	sy_status st;
	if (actor->role != ROLE_ADMIN)
		return level_refused(LV_CITY, err);
	if (months < 1 || months > 24)
		return sy_failf(err, SY_EINVAL, "invalid_months", "unclaimed_months", "未领取退回期限须为 1–24 个月",
				"the unclaimed period is 1–24 months");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	time_now_iso(now);
	if ((st = unclaimed_months(d, &before, err)) ||
	    (st = db_execp(d, SQL_SETTINGS_SET, DB_ARGS(DB_I(months), DB_T(actor->name), DB_T(now)), NULL, err)))
		goto out;
	struct audit_event ev = {.action = "card.settings", .object_type = "card_settings", .object_id = "1",
				 .region_code = actor->region_code};
	ev.detail = json_pack("{s:I, s:I}", "unclaimed_months_before", (json_int_t)before, "unclaimed_months",
			      (json_int_t)months);
	st = ev.detail ? audit_write(d, actor, &ev, err) : oom(err);
	json_decref(ev.detail);
out:
	return db_tx_finish(d, own, st, err);
}

/* ---- demo ---------------------------------------------------------------------------------- */

/* Veterans, oldest records first. */
static const char SQL_DEMO_VETERANS[] =
	"SELECT p.id FROM people p WHERE p.status = 'normal' AND EXISTS (SELECT 1 FROM person_categories c"
	" WHERE c.person_id = p.id AND c.category IN ('veteran', 'disabled_veteran') AND c.end_date IS NULL)"
	" ORDER BY p.id LIMIT $1";
/* Others linked to the fallen (the registry decides which links make them 三属). */
static const char SQL_DEMO_SURVIVORS[] =
	"SELECT p.id FROM people p WHERE p.status = 'normal'"
	" AND NOT EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = p.id"
	"                 AND c.category IN ('veteran', 'disabled_veteran'))"
	" AND EXISTS (SELECT 1 FROM family_links l JOIN people x"
	"             ON x.id = CASE WHEN l.person_id = p.id THEN l.relative_id ELSE l.person_id END"
	"             WHERE (l.person_id = p.id OR l.relative_id = p.id) AND x.death_kind IS NOT NULL)"
	" ORDER BY p.id LIMIT $1";

/* The steps that bring a new application to each demo state, in order. */
static const struct {
	const char *name;
	enum card_action steps[8];
	int nsteps;
} demo_paths[] = {
	{"received", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT, CA_RECEIVE}, 5},
	{"applied", {0}, 0},
	{"received", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT, CA_RECEIVE}, 5},
	{"reviewed", {CA_REVIEW}, 1},
	{"received", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT, CA_RECEIVE}, 5},
	{"approved", {CA_REVIEW, CA_APPROVE}, 2},
	{"handed_out", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT}, 4},
	{"received", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT, CA_RECEIVE}, 5},
	{"suspended", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT, CA_RECEIVE, CA_SUSPEND}, 6},
	{"made", {CA_REVIEW, CA_APPROVE, CA_MAKE}, 3},
	{"reissued", {CA_REVIEW, CA_APPROVE, CA_MAKE, CA_HAND_OUT, CA_RECEIVE, CA_REPORT_LOSS, CA_REISSUE}, 7},
	{"refused", {CA_REFUSE}, 1},
};
#define NDEMO_PATHS (sizeof demo_paths / sizeof demo_paths[0])

static const char *demo_reason(enum card_action a)
{
	switch (a) {
	case CA_REFUSE: return "申请材料不全，经告知后未补正";
	case CA_SUSPEND: return "持证人信息待核实";
	case CA_REISSUE: return "原证遗失，本人申请补领";
	case CA_REPORT_LOSS: return "本人来电挂失";
	default: return NULL;
	}
}

static sy_status demo_one(db *d, const struct principal *actor, int64_t person, int k, bool *made, sy_err *err)
{
	int64_t id, next;
	sy_status st = cards_apply(d, actor, person, "到服务站现场申请", &id, err);
	*made = false;
	if (st == SY_ECONFLICT) { /* not eligible after all (a relative the rules do not cover) */
		sy_err_clear(err);
		return SY_OK;
	}
	if (st)
		return st;
	*made = true;
	for (int i = 0; i < demo_paths[k].nsteps; i++) {
		struct card_step s = {.action = demo_paths[k].steps[i], .reason = demo_reason(demo_paths[k].steps[i])};
		if ((st = cards_step(d, actor, id, &s, &next, err)))
			return st;
		id = next;
	}
	return SY_OK;
}

static sy_status demo_ids(db *d, const char *sql, int max, int64_t *ids, int *n, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, sql, DB_ARGS(DB_I(max)), &r, err);
	*n = 0;
	while (!st && db_next(r) && *n < max)
		ids[(*n)++] = db_int(r, 0);
	db_rows_free(r);
	return st;
}

sy_status cards_demo(db *d, const struct principal *actor, int max, int *made, sy_err *err)
{
	int64_t *vets = NULL, *survivors = NULL;
	int nv = 0, ns = 0, iv = 0, is = 0;
	sy_status st = SY_OK;
	*made = 0;
	if (max <= 0)
		return SY_OK;
	/* Read the candidates first: the steps below use the same connection. */
	vets = calloc((size_t)max * 2, sizeof *vets);
	survivors = calloc((size_t)max, sizeof *survivors);
	if (!vets || !survivors) {
		st = oom(err);
		goto out;
	}
	if ((st = demo_ids(d, SQL_DEMO_VETERANS, max * 2, vets, &nv, err)) ||
	    (st = demo_ids(d, SQL_DEMO_SURVIVORS, max, survivors, &ns, err)))
		goto out;
	/* Veterans first (the `person` login's is the oldest record), one of the 三属 every fourth. */
	for (int k = 0; *made < max && (iv < nv || is < ns); k++) {
		bool from_survivors = (k % 4 == 3 && is < ns) || iv >= nv, one;
		int64_t person = from_survivors ? survivors[is++] : vets[iv++];
		if ((st = demo_one(d, actor, person, *made % (int)NDEMO_PATHS, &one, err)))
			goto out;
		*made += one;
	}
out:
	free(vets);
	free(survivors);
	return st;
}
