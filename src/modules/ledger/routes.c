/*
 * routes.c - POST /api/v1/services (record a service after a verification),
 * GET /api/v1/ledger (the rows, exportable), GET /api/v1/ledger/stats,
 * /api/v1/ledger-settings.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http.h"
#include "ledger.h"

#define RECORDERS (ROLE_MERCHANT | ROLE_CLINIC | ROLE_ADMIN)
#define READERS (ROLES_STAFF | ROLE_MERCHANT | ROLE_CLINIC)
#define CODE_MAX 512

static const struct export_column ledger_columns[] = {
	{"id", "编号", "ID"},
	{"at", "时间", "Time"},
	{"org_name", "服务单位", "Organisation"},
	{"offer_title", "优惠", "Offer"},
	{"card_number", "优待证号", "Card number"},
	{"name", "持证人", "Holder"},
	{"kind_zh", "服务类型", "Kind"},
	{"amount_saved", "优惠金额（元）", "Saved (yuan)"},
	{"companion", "含同行人员", "Companion"},
	{"recorded_by", "登记人", "Recorded by"},
};

static sy_status post_services(struct http_req *r, sy_err *err)
{
	struct ledger_service in = {0};
	json_t *v, *out;
	bool has_companion;
	sy_status st;
	if ((st = http_in_str(r, "card_number", false, 32, &in.card_no, err)) ||
	    (st = http_in_str(r, "kind", false, 32, &in.kind, err)) ||
	    (st = http_in_int(r, "offer_id", false, 1, INT64_MAX, NULL, &in.offer_id, err)) ||
	    (st = http_in_bool(r, "companion", &has_companion, &in.companion, err)))
		return st;
	/* The code as scanned: no trimming (base45 may end in a space). */
	if ((v = json_object_get(r->in, "code")) && !json_is_null(v)) {
		if (!json_is_string(v) || json_string_length(v) > CODE_MAX)
			return sy_failf(err, SY_EINVAL, "invalid_code", "code", "二维码内容无效", "code is not a scanned code");
		in.code = json_string_value(v);
		in.code_len = json_string_length(v);
	}
	if ((v = json_object_get(r->in, "amount_saved")) && !json_is_null(v)) {
		double yuan = json_number_value(v);
		if (!json_is_number(v) || !isfinite(yuan) || yuan < 0 || yuan > 1e6)
			return sy_failf(err, SY_EINVAL, "invalid_amount", "amount_saved", "优惠金额应在 0 至 100 万元之间",
					"amount_saved is between 0 and 1,000,000 yuan");
		in.has_amount = true;
		in.amount_fen = (int64_t)llround(yuan * 100.0);
	}
	if ((st = ledger_record(r->db, &r->who, &in, (int64_t)time(NULL), &out, err)))
		return st;
	http_json(r, 201, out);
	return SY_OK;
}

static sy_status filter_in(struct http_req *r, struct ledger_filter *f, sy_err *err)
{
	sy_status st;
	if ((st = http_query_id(r, "org", &f->org, err)) || (st = http_query_id(r, "offer", &f->offer, err)) ||
	    (st = http_query_str(r, "kind", 32, &f->kind, err)) || (st = http_query_str(r, "from", 10, &f->from, err)) ||
	    (st = http_query_str(r, "to", 10, &f->to, err)) || (st = http_query_str(r, "region", 15, &f->region, err)) ||
	    (st = http_query_str(r, "card", 32, &f->card_no, err)))
		return st;
	return SY_OK;
}

static sy_status get_ledger(struct http_req *r, sy_err *err)
{
	struct ledger_filter f = {0};
	enum export_format fmt;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) || (st = filter_in(r, &f, err)) ||
	    (st = ledger_list(r->db, &r->who, &f, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, ledger_columns, (int)(sizeof ledger_columns / sizeof ledger_columns[0]),
			      "ledger", err);
}

static sy_status get_stats(struct http_req *r, sy_err *err)
{
	struct ledger_filter f = {0};
	const char *by;
	json_t *out;
	sy_status st;
	if ((st = http_query_str(r, "by", 16, &by, err)) || (st = filter_in(r, &f, err)) ||
	    (st = ledger_stats(r->db, &r->who, by ? by : "month", &f, &out, err)))
		return st;
	http_json(r, 200, out);
	return SY_OK;
}

static sy_status get_settings(struct http_req *r, sy_err *err)
{
	json_t *out;
	sy_status st = ledger_settings_get(r->db, &out, err);
	if (st)
		return st;
	http_json(r, 200, out);
	return SY_OK;
}

static sy_status patch_settings(struct http_req *r, sy_err *err)
{
	int64_t minutes;
	sy_status st;
	if ((st = http_in_int(r, "visit_minutes", true, 1, 1440, NULL, &minutes, err)) ||
	    (st = ledger_settings_set(r->db, &r->who, minutes, err)))
		return st;
	return get_settings(r, err);
}

const struct route ledger_routes[] = {
	{"POST", "/api/v1/services", post_services, RECORDERS, 0,
	 "Record a service after a verification: card_number or code (a scanned e-card), offer_id (of the caller's"
	 " organisation; optional for an organisation's own services, then kind is required), amount_saved (yuan),"
	 " companion, kind. The card is verified again (409 with the reason as the code) and the offer's usage"
	 " rule enforced: 409 used_today (once_per_day, naming the first use's time), used_this_visit"
	 " (once_per_visit), setting_unset (visit length not set). One append-only row",
	 "{\"card_number\":\"{cardno}\",\"offer_id\":1,\"amount_saved\":12.5}"},
	{"GET", "/api/v1/ledger", get_ledger, READERS, ROUTE_EXPORT,
	 "Services in scope, newest first (?org, offer, kind, from, to (China dates), region, card, limit, cursor;"
	 " format=csv|xlsx); a merchant or clinic: its own organisation's; holders' names masked",
	 NULL},
	{"GET", "/api/v1/ledger/stats", get_stats, READERS, 0,
	 "Person-times and distinct persons in scope, in total and by=kind|region|org|association|month (?from, to"
	 " China dates, org, region)",
	 NULL},
	{"GET", "/api/v1/ledger-settings", get_settings, ROLES_STAFF, 0,
	 "Ledger settings: visit_minutes (uses of a once_per_visit offer closer than this are one visit; null until"
	 " set)",
	 NULL},
	{"PATCH", "/api/v1/ledger-settings", patch_settings, ROLE_ADMIN, 0, "Set visit_minutes (1..1440; audited)",
	 "{\"visit_minutes\":120}"},
};
const int ledger_routes_count = sizeof ledger_routes / sizeof ledger_routes[0];
