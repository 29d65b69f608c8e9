/*
 * ledger.c - recording a service (verify again, the offer's usage rule, one
 * row and its audit row in one transaction), the list, the statistics.
 * See ledger.h for the rules.
 */
#include "ledger.h"

#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "db/page.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "modules/cards/cards.h"
#include "modules/merchants/merchants.h"
#include "modules/registry/vocab.h"
#include "rollup.h"

const struct vocab vocab_service_kinds[] = {
	{"discount", "优惠折扣"}, {"free", "免费服务"}, {"priority", "优先服务"}, {"visit", "走访慰问"},
	{"consultation", "咨询服务"}, {"notice", "喜报送达"}, {"medical", "医疗服务"}, {"finance", "金融服务"},
	{"other", "其他"}, {NULL, NULL},
};

static const char SQL_FIRST_TODAY[] =
	"SELECT at FROM ledger WHERE person_id = $1 AND offer_id = $2 AND day_cn = $3 ORDER BY id LIMIT 1";
static const char SQL_LAST_SINCE[] =
	"SELECT at FROM ledger WHERE person_id = $1 AND offer_id = $2 AND at > $3 ORDER BY at DESC LIMIT 1";
static const char SQL_VISIT_MINUTES[] = "SELECT visit_minutes FROM ledger_settings WHERE id = 1";
static const char SQL_ORG_REGION[] = "SELECT region_code FROM orgs WHERE id = $1";
static const char SQL_INSERT[] =
	"INSERT INTO ledger (at, day_cn, recorded_by, recorded_by_user_id, recorded_by_token_id, card_id, card_no,"
	" person_id, org_id, region_code, offer_id, kind, amount_saved_fen, companion, via, use_key)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";
static const char SQL_SETTINGS[] = "SELECT visit_minutes, updated_by, updated_at FROM ledger_settings WHERE id = 1";
static const char SQL_SETTINGS_SET[] =
	"UPDATE ledger_settings SET visit_minutes = $1, updated_by = $2, updated_at = $3 WHERE id = 1";

/* The columns of a row as listed; a merchant's list reaches only its organisation ($3). */
static const char SQL_LIST[] =
	"SELECT l.id, l.at, l.day_cn, l.org_id, o.name, l.offer_id, f.title, l.card_no, p.name, l.kind,"
	" l.amount_saved_fen, l.companion, l.recorded_by, l.region_code, l.via"
	" FROM ledger l JOIN orgs o ON o.id = l.org_id JOIN people p ON p.id = l.person_id"
	" LEFT JOIN offers f ON f.id = l.offer_id"
	" WHERE ($1 = 0 OR l.id < $1) AND l.region_code LIKE $2 AND ($3 = 0 OR l.org_id = $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR l.kind = $4) AND ($5 = 0 OR l.offer_id = $5)"
	" AND (CAST($6 AS TEXT) IS NULL OR l.day_cn >= $6) AND (CAST($7 AS TEXT) IS NULL OR l.day_cn <= $7)"
	" AND (CAST($8 AS TEXT) IS NULL OR l.card_no = $8)"
	" ORDER BY l.id DESC LIMIT $9";

/* Statistics: the same scope and dates ($1..$4) for every grouping. */
#define STATS_WHERE \
	" WHERE l.region_code LIKE $1 AND ($2 = 0 OR l.org_id = $2)" \
	" AND (CAST($3 AS TEXT) IS NULL OR l.day_cn >= $3) AND (CAST($4 AS TEXT) IS NULL OR l.day_cn <= $4)"
static const char SQL_STATS_TOTAL[] = "SELECT COUNT(*), COUNT(DISTINCT l.person_id) FROM ledger l" STATS_WHERE;
static const char SQL_STATS_KIND[] =
	"SELECT l.kind, l.kind, COUNT(*), COUNT(DISTINCT l.person_id) FROM ledger l" STATS_WHERE
	" GROUP BY l.kind ORDER BY 3 DESC, 1";
/* By county-level division: the first six digits of the organisation's region. */
static const char SQL_STATS_REGION[] =
	"SELECT SUBSTR(l.region_code, 1, 6), r.name, COUNT(*), COUNT(DISTINCT l.person_id) FROM ledger l"
	" LEFT JOIN regions r ON r.code = SUBSTR(l.region_code, 1, 6)" STATS_WHERE
	" GROUP BY SUBSTR(l.region_code, 1, 6), r.name ORDER BY 3 DESC, 1";
static const char SQL_STATS_ORG[] =
	"SELECT CAST(l.org_id AS TEXT), o.name, COUNT(*), COUNT(DISTINCT l.person_id) FROM ledger l"
	" JOIN orgs o ON o.id = l.org_id" STATS_WHERE " GROUP BY l.org_id, o.name ORDER BY 3 DESC, 1 LIMIT 500";
/* A service by a member of two associations counts for both. */
static const char SQL_STATS_ASSOCIATION[] =
	"SELECT CAST(a.id AS TEXT), a.name, COUNT(*), COUNT(DISTINCT l.person_id) FROM ledger l"
	" JOIN association_members am ON am.member_id = l.org_id JOIN orgs a ON a.id = am.association_id"
	STATS_WHERE " GROUP BY a.id, a.name ORDER BY 3 DESC, 1";
static const char SQL_STATS_MONTH[] =
	"SELECT SUBSTR(l.day_cn, 1, 7), SUBSTR(l.day_cn, 1, 7), COUNT(*), COUNT(DISTINCT l.person_id) FROM ledger l"
	STATS_WHERE " GROUP BY SUBSTR(l.day_cn, 1, 7) ORDER BY 1";

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static const char *kind_label(const char *code)
{
	for (const struct vocab *v = vocab_service_kinds; code && v->code; v++)
		if (strcmp(v->code, code) == 0)
			return v->zh;
	return code;
}

/* "HH:MM" Beijing time of an ISO UTC time, for a clerk reading a refusal. */
static void clock_cn(const char *iso, char out[6])
{
	time_t t;
	struct tm tm;
	snprintf(out, 6, "?");
	if (!iso || !time_parse_iso(iso, &t))
		return;
	t += 8 * 3600;
	gmtime_r(&t, &tm);
	out[0] = (char)('0' + tm.tm_hour / 10 % 10);
	out[1] = (char)('0' + tm.tm_hour % 10);
	out[2] = ':';
	out[3] = (char)('0' + tm.tm_min / 10 % 10);
	out[4] = (char)('0' + tm.tm_min % 10);
	out[5] = '\0';
}

/* The earlier use the rule forbids a second of, if any; *key the once-per-day row key. */
static sy_status check_rule(db *d, const struct offer_use *use, int64_t person, const char *day, int64_t now,
			    char key[96], sy_err *err)
{
	db_rows *r = NULL;
	char at[TIME_ISO_LEN] = "", hm[6], since[TIME_ISO_LEN];
	sy_status st;
	key[0] = '\0';
	if (strcmp(use->usage_rule, "once_per_day") == 0) {
		snprintf(key, 96, "d:%" PRId64 ":%" PRId64 ":%s", use->id, person, day);
		st = db_query(d, SQL_FIRST_TODAY, DB_ARGS(DB_I(person), DB_I(use->id), DB_T(day)), &r, err);
	} else if (strcmp(use->usage_rule, "once_per_visit") == 0) {
		int64_t minutes = 0;
		st = db_query_int(d, SQL_VISIT_MINUTES, DB_NOARGS, &minutes, err);
		if (st == SY_ENOTFOUND || (st == SY_OK && minutes <= 0))
			return sy_failf(err, SY_ECONFLICT, "setting_unset", "visit_minutes",
					"“每次到店限一次”的到店时长尚未设定，请联系市退役军人事务局设定",
					"the length of a visit (ledger settings visit_minutes) is not set yet: ask the city bureau");
		if (st)
			return st;
		time_iso((time_t)(now - minutes * 60), since);
		st = db_query(d, SQL_LAST_SINCE, DB_ARGS(DB_I(person), DB_I(use->id), DB_T(since)), &r, err);
	} else {
		return SY_OK;
	}
	if (st)
		return st;
	if (db_next(r))
		snprintf(at, sizeof at, "%s", db_text(r, 0));
	db_rows_free(r);
	if (!at[0])
		return SY_OK;
	clock_cn(at, hm);
	if (key[0])
		return sy_fail(err, SY_ECONFLICT, "used_today", "offer_id",
			       "该优惠每人每天限用一次，持证人今天已于 %s 使用过（%s）",
			       "this offer is once a day per person: the holder used it today at %s Beijing time (%s)", hm, at);
	return sy_fail(err, SY_ECONFLICT, "used_this_visit", "offer_id",
		       "该优惠每次到店限用一次，持证人本次到店已于 %s 使用过（%s）",
		       "this offer is once per visit: the holder used it on this visit at %s Beijing time (%s)", hm, at);
}

/* The card verdict as a refusal: its reason is the error's code. */
static sy_status refused(const struct card_verdict *v, sy_err *err)
{
	sy_status st = strcmp(v->reason, "bad_check_character") == 0 || strcmp(v->reason, "bad_format") == 0
			       ? SY_EINVAL
			       : SY_ECONFLICT;
	return sy_fail(err, st, v->reason, v->by_code ? "code" : "card_number", "%s", "%s", v->msg_zh, v->msg_en);
}

static sy_status check_input(const struct principal *a, const struct ledger_service *in, sy_err *err)
{
	bool number = in->card_no && *in->card_no, code = in->code && in->code_len;
	if (number == code)
		return sy_failf(err, SY_EINVAL, "card_required", "card_number", "请输入优待证号或扫描电子优待证（二选一）",
				"give card_number or code, one of them");
	if (in->kind && !vocab_has(vocab_service_kinds, in->kind))
		return sy_failf(err, SY_EINVAL, "invalid_kind", "kind", "服务类型无效", "unknown service kind");
	if (!in->offer_id && !in->kind)
		return sy_failf(err, SY_EINVAL, "kind_required", "kind", "未选择优惠时须填写服务类型",
				"without an offer, kind is required");
	if (!in->offer_id && a->org_id <= 0)
		return sy_failf(err, SY_EINVAL, "offer_required", "offer_id", "请选择优惠（由哪个商户提供）",
				"offer_id is required: it names the organisation giving the service");
	if (in->has_amount && (in->amount_fen < 0 || in->amount_fen > 100000000))
		return sy_failf(err, SY_EINVAL, "invalid_amount", "amount_saved", "优惠金额应在 0 至 100 万元之间",
				"amount_saved is between 0 and 1,000,000 yuan");
	return SY_OK;
}

static json_t *row_json(db_rows *r);

static sy_status record(db *d, const struct principal *a, const struct ledger_service *in, int64_t now,
			int64_t *id, sy_err *err)
{
	struct offer_use use = {0};
	struct offer_terms terms;
	struct card_verdict v;
	char day[11], at[TIME_ISO_LEN], key[96] = "";
	sy_status st;
	merchants_day_of((time_t)now, day);
	time_iso((time_t)now, at);
	/* One service at a time: two servers racing on a once-per-visit offer cannot both pass check_rule. */
	if ((st = ledger_rollup_lock(d, err)))
		return st;
	if (in->offer_id) {
		if ((st = offers_for_use(d, a, in->offer_id, day, &use, err)))
			return st;
		terms.categories = use.categories;
		if (in->companion && !use.companion_allowed)
			return sy_failf(err, SY_ECONFLICT, "companion_not_allowed", "companion", "该优惠不含同行人员",
					"this offer does not extend to a companion");
	} else {
		use.org_id = a->org_id;
		db_rows *r = NULL;
		if ((st = db_query(d, SQL_ORG_REGION, DB_ARGS(DB_I(a->org_id)), &r, err)))
			return st;
		if (db_next(r))
			snprintf(use.region_code, sizeof use.region_code, "%s", db_text(r, 0));
		db_rows_free(r);
	}
	st = in->code ? cards_verify_code(d, in->code, in->code_len, now, in->offer_id ? &terms : NULL, &v, err)
		      : cards_verify_number(d, in->card_no, in->offer_id ? &terms : NULL, &v, err);
	if (st)
		return st;
	if (!v.valid)
		return refused(&v, err);
	if (in->offer_id && (st = check_rule(d, &use, v.person_id, day, now, key, err)))
		return st;
	const char *kind = in->kind ? in->kind : "discount";
	db_val args[] = {DB_T(at), DB_T(day), DB_T(a->name), DB_IDOPT(a->user_id), DB_IDOPT(a->token_id),
			 DB_I(v.card_id), DB_T(v.card_no), DB_I(v.person_id), DB_I(use.org_id), DB_T(use.region_code),
			 DB_IDOPT(use.id), DB_T(kind), in->has_amount ? DB_I(in->amount_fen) : DB_NULL,
			 DB_I(in->companion), DB_T(in->code ? "code" : "number"), DB_T(key[0] ? key : NULL)};
	if ((st = db_query_int(d, SQL_INSERT, args, 16, id, err))) {
		/*
		 * Two clerks (or two servers) recorded the same once-a-day use at the
		 * same moment: both passed check_rule, and the unique key let one
		 * row in. The loser gets the rule's own answer, not a bare
		 * "duplicate" (the first use's time cannot be read here: on
		 * PostgreSQL the failed statement ended the transaction).
		 */
		if (key[0] && st == SY_ECONFLICT && strcmp(err->code, "duplicate") == 0)
			return sy_fail(err, SY_ECONFLICT, "used_today", "offer_id", "该优惠每人每天限用一次，持证人今天已使用过",
				       "this offer is once a day per person: the holder has used it today");
		return st;
	}
	struct ledger_rollup_row counted = {.id = *id, .person_id = v.person_id, .org_id = use.org_id, .day = day,
					    .kind = kind, .region_code = use.region_code};
	if ((st = ledger_rollup_add(d, &counted, err)))
		return st;
	char oid[24];
	snprintf(oid, sizeof oid, "%" PRId64, *id);
	json_t *detail = json_pack("{s:s, s:I, s:I, s:s}", "card_number", v.card_no, "org_id", (json_int_t)use.org_id,
				   "offer_id", (json_int_t)use.id, "kind", kind);
	if (!detail)
		return oom(err);
	struct audit_event ev = {.action = "service.record", .object_type = "service", .object_id = oid,
				 .region_code = use.region_code, .detail = detail};
	st = audit_write(d, a, &ev, err);
	json_decref(detail);
	return st;
}

static const char SQL_ONE[] =
	"SELECT l.id, l.at, l.day_cn, l.org_id, o.name, l.offer_id, f.title, l.card_no, p.name, l.kind,"
	" l.amount_saved_fen, l.companion, l.recorded_by, l.region_code, l.via"
	" FROM ledger l JOIN orgs o ON o.id = l.org_id JOIN people p ON p.id = l.person_id"
	" LEFT JOIN offers f ON f.id = l.offer_id WHERE l.id = $1";

sy_status ledger_record(db *d, const struct principal *actor, const struct ledger_service *in, int64_t now,
			json_t **out, sy_err *err)
{
	int64_t id = 0;
	db_rows *r = NULL;
	sy_status st;
	*out = NULL;
	if ((st = check_input(actor, in, err)) || (st = db_begin(d, err)))
		return st;
	st = record(d, actor, in, now, &id, err);
	if (st) {
		db_rollback(d);
		return st;
	}
	if ((st = db_commit(d, err)))
		return st;
	if ((st = db_query(d, SQL_ONE, DB_ARGS(DB_I(id)), &r, err)))
		return st;
	if (db_next(r) && !(*out = row_json(r)))
		st = oom(err);
	db_rows_free(r);
	return st;
}

static json_t *row_json(db_rows *r)
{
	char masked[64];
	text_mask_name(db_text(r, 8), masked, sizeof masked);
	json_t *amount = db_isnull(r, 10) ? json_null() : json_real((double)db_int(r, 10) / 100.0);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:s?, s:s, s:s, s:s, s:s, s:o, s:b, s:s, s:s, s:s}", "id",
			 (json_int_t)db_int(r, 0), "at", db_text(r, 1), "day", db_text(r, 2), "org_id",
			 (json_int_t)db_int(r, 3), "org_name", db_text(r, 4), "offer_id",
			 db_isnull(r, 5) ? json_null() : json_integer(db_int(r, 5)), "offer_title", db_text(r, 6),
			 "card_number", db_text(r, 7), "name", masked, "kind", db_text(r, 9), "kind_zh",
			 kind_label(db_text(r, 9)), "amount_saved", amount, "companion", db_bool(r, 11), "recorded_by",
			 db_text(r, 12), "region_code", db_text(r, 13), "via", db_text(r, 14));
}

/* Scope: officers and auditors their region, an org role its organisation, admin all. */
static sy_status scope_of(const struct principal *a, const struct ledger_filter *f, char like[REGION_CODE_MAX + 1],
			  int64_t *org, sy_err *err)
{
	*org = f->org;
	sy_status st = scope_filter_like(a, f->region, "region", like, err);
	if (st)
		return st;
	if (a->role & ROLES_ORG) {
		if (f->org && f->org != a->org_id)
			return sy_failf(err, SY_ENOTFOUND, "org_not_found", "org", "机构不存在或不在您的管辖范围内",
					"no such organisation in your scope");
		*org = a->org_id > 0 ? a->org_id : -1;
		snprintf(like, REGION_CODE_MAX + 1, "%%");
	}
	const char *dates[2] = {f->from, f->to};
	for (int i = 0; i < 2; i++) {
		time_t t;
		if (dates[i] && (strlen(dates[i]) != 10 || !time_parse_iso(dates[i], &t)))
			return sy_failf(err, SY_EINVAL, "invalid_date", i ? "to" : "from", "日期格式应为 YYYY-MM-DD",
					"a date is YYYY-MM-DD");
	}
	if (f->kind && !vocab_has(vocab_service_kinds, f->kind))
		return sy_failf(err, SY_EINVAL, "invalid_kind", "kind", "服务类型无效", "unknown service kind");
	return SY_OK;
}

sy_status ledger_list(db *d, const struct principal *actor, const struct ledger_filter *f, json_t **items,
		      int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	int64_t org;
	db_rows *r = NULL;
	*next = 0;
	sy_status st = scope_of(actor, f, like, &org, err);
	if (st)
		return st;
	if ((st = db_query(d, SQL_LIST,
			   DB_ARGS(DB_I(f->cursor), DB_T(like), DB_I(org), DB_T(f->kind), DB_I(f->offer), DB_T(f->from),
				   DB_T(f->to), DB_T(f->card_no), DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, row_json, items, next, err);
	db_rows_free(r);
	return st;
}

static const struct {
	const char *by, *sql;
} groupings[] = {
	{"kind", SQL_STATS_KIND},   {"region", SQL_STATS_REGION}, {"org", SQL_STATS_ORG},
	{"association", SQL_STATS_ASSOCIATION}, {"month", SQL_STATS_MONTH},
};

sy_status ledger_stats_item(json_t *items, const char *by, const char *key, const char *label, int64_t times,
			    int64_t persons, sy_err *err)
{
	if (strcmp(by, "kind") == 0)
		label = kind_label(key);
	json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "key", key ? key : "", "label", label ? label : (key ? key : ""),
			      "person_times", (json_int_t)times, "persons", (json_int_t)persons);
	if (!o || json_array_append_new(items, o))
		return oom(err);
	return SY_OK;
}

/* The statistics read from the rows: any scope. */
static sy_status scan(db *d, const char *sql, const char *by, const char *like, int64_t org,
		      const struct ledger_filter *f, json_t *items, int64_t *times, int64_t *persons, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_STATS_TOTAL, DB_ARGS(DB_T(like), DB_I(org), DB_T(f->from), DB_T(f->to)), &r, err);
	if (st)
		return st;
	if (db_next(r)) {
		*times = db_int(r, 0);
		*persons = db_int(r, 1);
	}
	db_rows_free(r);
	r = NULL;
	if ((st = db_query(d, sql, DB_ARGS(DB_T(like), DB_I(org), DB_T(f->from), DB_T(f->to)), &r, err)))
		return st;
	while (!st && db_next(r))
		st = ledger_stats_item(items, by, db_text(r, 0), db_text(r, 1), db_int(r, 2), db_int(r, 3), err);
	db_rows_free(r);
	return st;
}

/* Whether the counters can answer: no organisation, a scope holding every counted service, every row counted. */
static sy_status counters_serve(db *d, const char *like, int64_t org, bool *yes, sy_err *err)
{
	*yes = false;
	return org != 0 ? SY_OK : ledger_rollup_serves(d, like, yes, err);
}

static sy_status stats(db *d, const struct principal *actor, const char *by, const struct ledger_filter *f,
		       bool may_count, json_t **out, sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	const char *sql = NULL;
	int64_t org, times = 0, persons = 0;
	bool counters = false;
	json_t *items = NULL;
	*out = NULL;
	for (size_t i = 0; by && i < sizeof groupings / sizeof groupings[0]; i++)
		if (strcmp(by, groupings[i].by) == 0)
			sql = groupings[i].sql;
	if (!sql)
		return sy_failf(err, SY_EINVAL, "invalid_by", "by", "by 只能是 kind、region、org、association 或 month",
				"by is kind, region, org, association or month");
	sy_status st = scope_of(actor, f, like, &org, err);
	if (st)
		return st;
	if (!(items = json_array()))
		return oom(err);
	if (may_count && (st = counters_serve(d, like, org, &counters, err)))
		goto out;
	st = counters ? ledger_rollup_stats(d, by, f->from, f->to, items, &times, &persons, err)
		      : scan(d, sql, by, like, org, f, items, &times, &persons, err);
	if (!st && !(*out = json_pack("{s:s, s:s?, s:s?, s:{s:I, s:I}, s:O, s:s}", "by", by, "from", f->from, "to", f->to,
				      "total", "person_times", (json_int_t)times, "persons", (json_int_t)persons,
				      "items", items, "source", counters ? "counters" : "ledger")))
		st = oom(err);
out:
	json_decref(items);
	return st;
}

sy_status ledger_stats(db *d, const struct principal *actor, const char *by, const struct ledger_filter *f,
		       json_t **out, sy_err *err)
{
	return stats(d, actor, by, f, true, out, err);
}

sy_status ledger_stats_scan(db *d, const struct principal *actor, const char *by, const struct ledger_filter *f,
			    json_t **out, sy_err *err)
{
	return stats(d, actor, by, f, false, out, err);
}

sy_status ledger_settings_get(db *d, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_SETTINGS, DB_NOARGS, &r, err);
	*out = NULL;
	if (st)
		return st;
	if (db_next(r))
		*out = json_pack("{s:o, s:s?, s:s?}", "visit_minutes", db_isnull(r, 0) ? json_null() : json_integer(db_int(r, 0)),
				 "updated_by", db_text(r, 1), "updated_at", db_text(r, 2));
	db_rows_free(r);
	return *out ? SY_OK : oom(err);
}

sy_status ledger_settings_set(db *d, const struct principal *actor, int64_t visit_minutes, sy_err *err)
{
	char now[TIME_ISO_LEN];
	bool own;
	if (actor->role != ROLE_ADMIN)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "只有管理员可以修改该设置", "only an admin may change this");
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	time_now_iso(now);
	st = db_execp(d, SQL_SETTINGS_SET, DB_ARGS(DB_I(visit_minutes), DB_T(actor->name), DB_T(now)), NULL, err);
	if (!st) {
		json_t *detail = json_pack("{s:I}", "visit_minutes", (json_int_t)visit_minutes);
		struct audit_event ev = {.action = "ledger.settings", .object_type = "ledger_settings", .object_id = "1",
					 .detail = detail};
		st = detail ? audit_write(d, actor, &ev, err) : oom(err);
		json_decref(detail);
	}
	return db_tx_finish(d, own, st, err);
}

/* ---- demo ------------------------------------------------------------------------- */

static const char SQL_DEMO_CARDS[] =
	"SELECT id, number, person_id FROM cards WHERE state = 'received' ORDER BY id LIMIT 400";
static const char SQL_DEMO_OFFERS[] =
	"SELECT f.id, f.org_id, o.region_code, f.usage_rule, f.companion_allowed, f.benefit_kind FROM offers f"
	" JOIN orgs o ON o.id = f.org_id WHERE f.active = 1 ORDER BY f.id LIMIT 400";
static const char SQL_DEMO_INSERT[] =
	"INSERT INTO ledger (at, day_cn, recorded_by, recorded_by_user_id, recorded_by_token_id, card_id, card_no,"
	" person_id, org_id, region_code, offer_id, kind, amount_saved_fen, companion, via, use_key)"
	" VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'number', $13)"
	" ON CONFLICT DO NOTHING";

struct demo_card {
	int64_t id, person;
	char number[CARDNO_MAX + 1];
};
struct demo_offer {
	int64_t id, org;
	char region[REGION_CODE_MAX], rule[16], benefit[16];
	bool companion;
};

/* A fixed linear congruential stream: the same cards and offers give the same rows. */
static uint32_t demo_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

static sy_status demo_row(db *d, const struct principal *a, const struct demo_card *c, const struct demo_offer *o,
			  int64_t now, uint64_t *rng, int *rows, sy_err *err)
{
	/* Between 1 and 365 days ago (never today: a counter's first use today is the counter's), 09:00–20:59 Beijing. */
	int64_t days = 1 + demo_next(rng) % 365, minute = 9 * 60 + demo_next(rng) % (12 * 60);
	int64_t day_start = (now + 8 * 3600) / 86400 * 86400 - 8 * 3600;
	time_t t = (time_t)(day_start - days * 86400 + minute * 60);
	char at[TIME_ISO_LEN], day[11], key[96] = "";
	int64_t changed = 0;
	time_iso(t, at);
	merchants_day_of(t, day);
	if (strcmp(o->rule, "once_per_day") == 0)
		snprintf(key, sizeof key, "d:%" PRId64 ":%" PRId64 ":%s", o->id, c->person, day);
	bool saved = strcmp(o->benefit, "discount") == 0 || strcmp(o->benefit, "amount_off") == 0;
	int64_t fen = strcmp(o->benefit, "amount_off") == 0 ? 1000 : 500 + demo_next(rng) % 7500;
	db_val args[] = {DB_T(at), DB_T(day), DB_T(a->name), DB_I(c->id), DB_T(c->number), DB_I(c->person),
			 DB_I(o->org), DB_T(o->region), DB_I(o->id),
			 DB_T(strcmp(o->benefit, "priority") == 0 ? "priority" : "discount"),
			 saved ? DB_I(fen) : DB_NULL, DB_I(o->companion && demo_next(rng) % 4 == 0),
			 DB_T(key[0] ? key : NULL)};
	sy_status st = db_execp(d, SQL_DEMO_INSERT, args, 13, &changed, err);
	*rows += (int)changed;
	return st;
}

sy_status ledger_demo(db *d, const struct principal *actor, int64_t now, int *rows, sy_err *err)
{
	struct demo_card *cards = calloc(400, sizeof *cards);
	struct demo_offer *offers = calloc(400, sizeof *offers);
	db_rows *r = NULL;
	int nc = 0, no = 0;
	uint64_t rng = 0x5E41CEULL;
	sy_status st = cards && offers ? SY_OK : oom(err);
	*rows = 0;
	if (!st && !(st = db_query(d, SQL_DEMO_CARDS, DB_NOARGS, &r, err))) {
		for (; nc < 400 && db_next(r); nc++) {
			cards[nc].id = db_int(r, 0);
			snprintf(cards[nc].number, sizeof cards[nc].number, "%s", db_text(r, 1));
			cards[nc].person = db_int(r, 2);
		}
		db_rows_free(r);
		r = NULL;
	}
	if (!st && !(st = db_query(d, SQL_DEMO_OFFERS, DB_NOARGS, &r, err))) {
		for (; no < 400 && db_next(r); no++) {
			offers[no].id = db_int(r, 0);
			offers[no].org = db_int(r, 1);
			snprintf(offers[no].region, sizeof offers[no].region, "%s", db_text(r, 2));
			snprintf(offers[no].rule, sizeof offers[no].rule, "%s", db_text(r, 3));
			offers[no].companion = db_bool(r, 4);
			snprintf(offers[no].benefit, sizeof offers[no].benefit, "%s", db_text(r, 5));
		}
		db_rows_free(r);
	}
	/* About 60 services per card holder over the year, at most 3,000 rows. */
	int want = nc * 60 < 3000 ? nc * 60 : 3000;
	for (int i = 0; !st && nc && no && i < want; i++)
		st = demo_row(d, actor, &cards[demo_next(&rng) % (uint32_t)nc], &offers[demo_next(&rng) % (uint32_t)no],
			      now, &rng, rows, err);
	/* The rows went in around ledger_record: count them all afresh. */
	int64_t counters = 0;
	if (!st)
		st = ledger_rollup_rebuild(d, NULL, &counters, err);
	if (!st) {
		json_t *detail = json_pack("{s:i}", "rows", *rows);
		struct audit_event ev = {.action = "ledger.demo", .object_type = "ledger", .detail = detail};
		st = detail ? audit_write(d, actor, &ev, err) : oom(err);
		json_decref(detail);
	}
	free(cards);
	free(offers);
	return st;
}
