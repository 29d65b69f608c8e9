/*
 * routes.c - /api/v1/cards: the list and export, applying for a card, one
 * card with its timeline, and the steps of its life as
 * POST /api/v1/cards/{id}/{action}; /api/v1/card-settings.
 *
 * One route for every step, not one per step: the roles a step needs depend
 * on the card's state and the officer's level (refusing is the county's or
 * the city's), which only the domain can tell; the route admits the roles
 * that take any step, and an unknown step is a 400 naming "action".
 */
#include <stdlib.h>
#include <string.h>

#include "cards.h"
#include "http/http.h"

#define STAFF_WRITE (ROLE_ADMIN | ROLE_OFFICER)

static const struct export_column card_columns[] = {
	{"id", "编号", "ID"},
	{"number", "优待证号", "Card number"},
	{"person_name", "持证人", "Holder"},
	{"id_number", "身份证号", "ID number"},
	{"kind", "证件种类", "Kind"},
	{"state_zh", "状态", "State"},
	{"region_name", "受理地区", "Region"},
	{"applied_at", "申请时间", "Applied"},
	{"issued_at", "制证时间", "Issued"},
	{"received_at", "领取时间", "Received"},
};

static sy_status get_cards(struct http_req *r, sy_err *err)
{
	struct card_filter f = {0};
	enum export_format fmt;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "state", 16, &f.state, err)) ||
	    (st = http_query_str(r, "region", 15, &f.region, err)) ||
	    (st = http_query_str(r, "q", 100, &f.q, err)) ||
	    (st = http_query_id(r, "person", &f.person_id, err)))
		return st;
	if ((st = cards_list(r->db, &r->who, &f, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, card_columns, (int)(sizeof card_columns / sizeof card_columns[0]),
			      "cards", err);
}

static sy_status reply_card(struct http_req *r, int status, int64_t id, sy_err *err)
{
	json_t *c;
	sy_status st = cards_get(r->db, &r->who, id, &c, err);
	if (st)
		return st;
	http_json(r, status, c);
	return SY_OK;
}

static sy_status post_cards(struct http_req *r, sy_err *err)
{
	const char *reason;
	int64_t person, id;
	sy_status st;
	if ((st = http_in_int(r, "person_id", true, 1, INT64_MAX, NULL, &person, err)) ||
	    (st = http_in_str(r, "reason", false, CARD_REASON_MAX, &reason, err)) ||
	    (st = cards_apply(r->db, &r->who, person, reason, &id, err)))
		return st;
	return reply_card(r, 201, id, err);
}

static sy_status get_card(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st = http_param_id(r, "id", &id, err);
	return st ? st : reply_card(r, 200, id, err);
}

static sy_status post_card_step(struct http_req *r, sy_err *err)
{
	struct card_step s = {0};
	int64_t id, result;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)))
		return st;
	s.action = card_action_parse(http_param(r, "action"));
	if (s.action == CA_COUNT)
		return sy_failf(err, SY_EINVAL, "invalid_action", "action",
				"未知的办理事项（review、approve、refuse、make、hand-out、receive、return、report-loss、"
				"suspend、resume、reissue、revoke）",
				"unknown action (review, approve, refuse, make, hand-out, receive, return, report-loss, "
				"suspend, resume, reissue, revoke)");
	if ((st = http_in_str(r, "reason", false, CARD_REASON_MAX, &s.reason, err)) ||
	    (st = http_in_str(r, "national_number", false, CARD_NATIONAL_MAX, &s.national_number, err)) ||
	    (st = cards_step(r->db, &r->who, id, &s, &result, err)))
		return st;
	return reply_card(r, result != id ? 201 : 200, result, err);
}

static sy_status get_settings(struct http_req *r, sy_err *err)
{
	json_t *out;
	sy_status st = cards_settings_get(r->db, &out, err);
	if (st)
		return st;
	http_json(r, 200, out);
	return SY_OK;
}

static sy_status patch_settings(struct http_req *r, sy_err *err)
{
	int64_t months;
	sy_status st;
	if ((st = http_in_int(r, "unclaimed_months", true, 1, 24, NULL, &months, err)) ||
	    (st = cards_settings_set(r->db, &r->who, months, err)))
		return st;
	return get_settings(r, err);
}

const struct route cards_routes[] = {
	{"GET", "/api/v1/cards", get_cards, ROLES_STAFF | ROLE_PERSON, ROUTE_EXPORT,
	 "List 优待证 in scope, newest first (?state, region, q = a card number — its check character is"
	 " verified first — or part of the holder's name, person, limit, cursor; format=csv|xlsx). A person: their own",
	 NULL},
	{"POST", "/api/v1/cards", post_cards, STAFF_WRITE, 0,
	 "Apply for a card for a person (at the station of their residence or household registration; county level);"
	 " refused naming the rule when the registry bars it, the person holds no qualifying category, or already"
	 " has a card or an open application",
	 "{\"person_id\":\"{cardperson}\",\"reason\":\"本人到服务站现场申请\"}"},
	{"GET", "/api/v1/cards/{id}", get_card, ROLES_STAFF | ROLE_PERSON, 0,
	 "One card: holder (masked), kind, categories, state, dates, the card it replaces or that replaced it,"
	 " its timeline of events, and the actions the caller may take now", NULL},
	{"POST", "/api/v1/cards/{id}/{action}", post_card_step, STAFF_WRITE, 0,
	 "Take a step: review, refuse (reason), hand-out, receive, return (unclaimed past the set period),"
	 " report-loss, suspend (reason), resume, reissue (reason; a new card replaces this one at once),"
	 " revoke (reason) — admin or an officer of a county-level region or below; approve, make"
	 " (optional national_number), and refuse after the county review — admin (the city). 409 card_is_<state>"
	 " when the step is not possible from the card's state",
	 "{\"reason\":\"材料齐全，符合条件\"}"},
	{"GET", "/api/v1/card-settings", get_settings, ROLES_STAFF, 0,
	 "Card settings: unclaimed_months (a card not collected this long after reaching the station is returned)",
	 NULL},
	{"PATCH", "/api/v1/card-settings", patch_settings, ROLE_ADMIN, 0, "Change the card settings (audited)",
	 "{\"unclaimed_months\":3}"},
};
const int cards_routes_count = sizeof cards_routes / sizeof cards_routes[0];
