/*
 * routes.c - /api/v1/merchants (the 拥军商户 network's profiles),
 * /api/v1/offers (members' offers), /api/v1/merchant-categories.
 */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "merchants.h"
#include "modules/registry/import_http.h"
#include "modules/registry/people.h"

#define BUREAU (ROLE_ADMIN | ROLE_OFFICER)
/* Merchants manage their own; clinics verify cards and record services, so they read their own too. */
#define READERS (ROLES_STAFF | ROLE_MERCHANT | ROLE_CLINIC)
#define CLERKS (ROLE_ADMIN | ROLE_OFFICER | ROLE_MERCHANT)

static const struct export_column profile_columns[] = {
	{"org_id", "机构编号", "Org ID"},
	{"name", "名称", "Name"},
	{"region_name", "地区", "Region"},
	{"address", "地址", "Address"},
	{"status", "状态", "Status"},
	{"category_zh", "类别", "Category"},
	{"plaque_no", "牌匾编号", "Plaque"},
	{"opening_hours", "营业时间", "Opening hours"},
	{"joined_at", "加入时间", "Joined"},
	{"active_offers", "有效优惠数", "Active offers"},
	{"contact_phone", "联系电话", "Phone"},
};

static sy_status get_merchants(struct http_req *r, sy_err *err)
{
	struct merchant_filter f = {0};
	enum export_format fmt;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "status", 16, &f.status, err)) ||
	    (st = http_query_str(r, "region", 15, &f.region, err)) ||
	    (st = http_query_str(r, "category", 32, &f.category, err)) ||
	    (st = http_query_str(r, "q", 100, &f.q, err)) ||
	    (st = merchants_list(r->db, &r->who, &f, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, profile_columns, (int)(sizeof profile_columns / sizeof profile_columns[0]),
			      "merchants", err);
}

static sy_status reply_profile(struct http_req *r, int status, int64_t org, sy_err *err)
{
	json_t *o;
	sy_status st = merchants_get(r->db, &r->who, org, &o, err);
	if (st)
		return st;
	http_json(r, status, o);
	return SY_OK;
}

static sy_status profile_input(struct http_req *r, struct merchant_input *in, sy_err *err)
{
	sy_status st;
	if ((st = http_in_str(r, "category", false, 32, &in->category, err)) ||
	    (st = http_in_str(r, "opening_hours", false, MERCHANT_TEXT_MAX, &in->opening_hours, err)) ||
	    (st = http_in_str(r, "plaque_no", false, 64, &in->plaque_no, err)) ||
	    (st = http_in_str(r, "status", false, 16, &in->status, err)))
		return st;
	return SY_OK;
}

static sy_status post_merchants(struct http_req *r, sy_err *err)
{
	struct merchant_input in = {0};
	int64_t org;
	sy_status st;
	if ((st = http_in_int(r, "org_id", true, 1, INT64_MAX, NULL, &org, err)) || (st = profile_input(r, &in, err)) ||
	    (st = merchants_join(r->db, &r->who, org, &in, err)))
		return st;
	return reply_profile(r, 201, org, err);
}

static sy_status get_merchant(struct http_req *r, sy_err *err)
{
	int64_t org;
	sy_status st = http_param_id(r, "org_id", &org, err);
	return st ? st : reply_profile(r, 200, org, err);
}

static sy_status patch_merchant(struct http_req *r, sy_err *err)
{
	struct merchant_input in = {0};
	int64_t org;
	sy_status st;
	if ((st = http_param_id(r, "org_id", &org, err)) || (st = profile_input(r, &in, err)) ||
	    (st = merchants_update(r->db, &r->who, org, &in, err)))
		return st;
	return reply_profile(r, 200, org, err);
}

static sy_status post_leave(struct http_req *r, sy_err *err)
{
	const char *reason;
	int64_t org;
	sy_status st;
	if ((st = http_param_id(r, "org_id", &org, err)) ||
	    (st = http_in_str(r, "reason", false, MERCHANT_TEXT_MAX, &reason, err)) ||
	    (st = merchants_leave(r->db, &r->who, org, reason, err)))
		return st;
	return reply_profile(r, 200, org, err);
}

static json_t *vocab_json(const struct vocab *v)
{
	json_t *a = json_array();
	for (; a && v->code; v++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code", v->code, "label", v->zh));
	return a;
}

/* The person categories an offer may be for (the card's): [{code, label}]. */
static json_t *person_categories_json(void)
{
	json_t *a = json_array();
	const char *code;
	for (int i = 0; a && (code = person_category_at(i)); i++)
		if (json_array_append_new(a, json_pack("{s:s, s:s}", "code", code, "label", person_category_label(code, false)))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

static sy_status get_categories(struct http_req *r, sy_err *err)
{
	json_t *body = json_pack("{s:o, s:o, s:o, s:o}", "categories", vocab_json(vocab_merchant_categories),
				 "usage_rules", vocab_json(vocab_offer_rules), "benefit_kinds",
				 vocab_json(vocab_benefit_kinds), "person_categories", person_categories_json());
	if (!body)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	http_json(r, 200, body);
	return SY_OK;
}

/* The offer's fields from the body; create and update read the same. */
static sy_status offer_input(struct http_req *r, struct offer_input *in, sy_err *err)
{
	json_t *v;
	sy_status st;
	if ((st = http_in_str(r, "title", false, OFFER_TITLE_MAX, &in->title, err)) ||
	    (st = http_in_str(r, "description", false, OFFER_DESC_MAX, &in->description, err)) ||
	    (st = http_in_str(r, "benefit_kind", false, 16, &in->benefit_kind, err)) ||
	    (st = http_in_str(r, "usage_rule", false, 16, &in->usage_rule, err)) ||
	    (st = http_in_str(r, "valid_from", false, 10, &in->valid_from, err)) ||
	    (st = http_in_str(r, "valid_until", false, 10, &in->valid_until, err)) ||
	    (st = http_in_bool(r, "companion_allowed", &in->has_companion, &in->companion_allowed, err)) ||
	    (st = http_in_bool(r, "active", &in->has_active, &in->active, err)))
		return st;
	if ((v = json_object_get(r->in, "benefit_value")) && !json_is_null(v)) {
		if (!json_is_number(v))
			return sy_failf(err, SY_EINVAL, "invalid_benefit_value", "benefit_value", "优惠值须为数字",
					"benefit_value is a number");
		in->has_value = true;
		in->benefit_value = json_number_value(v);
	}
	in->categories = json_object_get(r->in, "categories");
	return SY_OK;
}

static sy_status reply_offer(struct http_req *r, int status, int64_t id, sy_err *err)
{
	json_t *o;
	sy_status st = offers_get(r->db, &r->who, id, &o, err);
	if (st)
		return st;
	http_json(r, status, o);
	return SY_OK;
}

static sy_status get_offers(struct http_req *r, sy_err *err)
{
	const char *active_s;
	int64_t org;
	json_t *items;
	sy_status st;
	if ((st = http_query_id(r, "org", &org, err)) || (st = http_query_str(r, "active", 5, &active_s, err)))
		return st;
	if ((st = offers_list(r->db, &r->who, org, active_s && strcmp(active_s, "true") == 0, &items, err)))
		return st;
	http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
	return SY_OK;
}

static sy_status post_offers(struct http_req *r, sy_err *err)
{
	struct offer_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = http_in_int(r, "org_id", false, 1, INT64_MAX, NULL, &in.org_id, err)) ||
	    (st = offer_input(r, &in, err)) || (st = offers_create(r->db, &r->who, &in, &id, err)))
		return st;
	return reply_offer(r, 201, id, err);
}

static sy_status get_offer(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st = http_param_id(r, "id", &id, err);
	return st ? st : reply_offer(r, 200, id, err);
}

static sy_status patch_offer(struct http_req *r, sy_err *err)
{
	struct offer_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = offer_input(r, &in, err)) ||
	    (st = offers_update(r->db, &r->who, id, &in, err)))
		return st;
	return reply_offer(r, 200, id, err);
}

static sy_status post_import_merchants(struct http_req *r, sy_err *err)
{
	return import_post(r, &merchants_import_kind, err);
}

static sy_status get_import_template(struct http_req *r, sy_err *err)
{
	return import_get_template(r, &merchants_import_kind, err);
}

const struct route merchants_routes[] = {
	{"GET", "/api/v1/merchants", get_merchants, READERS, ROUTE_EXPORT,
	 "The 拥军商户 network's profiles in scope, highest org id first (?status=member|candidate|left, region,"
	 " category, q = part of the name, limit, cursor; format=csv|xlsx). An organisation's clerk: its own",
	 NULL},
	{"POST", "/api/v1/merchants", post_merchants, BUREAU, 0,
	 "Put an organisation in the network: status member (default; plaque_no required) or candidate; a"
	 " candidate or one that left joins again. 409 already_member, plaque_taken",
	 "{\"org_id\":\"{org}\",\"plaque_no\":\"CZ-YJ-{uniq}\",\"category\":\"catering\","
	 "\"opening_hours\":\"周一至周日 09:00-21:00\"}"},
	{"GET", "/api/v1/merchants/{org_id}", get_merchant, READERS, 0,
	 "One organisation's network profile with its offers", NULL},
	{"PATCH", "/api/v1/merchants/{org_id}", patch_merchant, CLERKS, 0,
	 "Change category and opening hours (the organisation's clerk, admin, officer) or the plaque number (admin,"
	 " officer)",
	 "{\"opening_hours\":\"周一至周六 08:30-20:00\"}"},
	{"POST", "/api/v1/merchants/{org_id}/leave", post_leave, BUREAU, 0,
	 "The organisation leaves the network; its offers are switched off at once. 409 not_member",
	 "{\"reason\":\"协议到期不再续签\"}"},
	{"GET", "/api/v1/merchant-categories", get_categories, ROLES_ALL, 0,
	 "The vocabularies: merchant categories, offers' usage rules and benefit kinds, and the person categories"
	 " an offer may be for, with Chinese labels", NULL},
	{"GET", "/api/v1/offers", get_offers, READERS, 0,
	 "Offers in scope (?org, active=true: only those usable today). An organisation's clerk: its own", NULL},
	{"POST", "/api/v1/offers", post_offers, CLERKS, 0,
	 "Create an offer for a network member (org_id: default the caller's organisation): title, description,"
	 " benefit_kind (discount with benefit_value the share paid, amount_off with yuan, free, priority, gift),"
	 " categories (person category codes; [] = every card holder), usage_rule (once_per_day, once_per_visit,"
	 " unlimited), companion_allowed, valid_from, valid_until. 409 not_member when the org is not a member",
	 "{\"org_id\":\"{merchantorg}\",\"title\":\"持证就餐八折\",\"benefit_kind\":\"discount\",\"benefit_value\":0.8,\"categories\":[],"
	 "\"usage_rule\":\"once_per_day\",\"companion_allowed\":true}"},
	{"GET", "/api/v1/offers/{id}", get_offer, ROLES_STAFF | ROLE_MERCHANT, 0, "One offer", NULL},
	{"PATCH", "/api/v1/offers/{id}", patch_offer, CLERKS, 0,
	 "Change an offer (any field of create; active=false switches it off)",
	 "{\"description\":\"周末及节假日通用\"}"},
	{"POST", "/api/v1/imports/merchants", post_import_merchants, BUREAU, ROUTE_UPLOAD,
	 "Import 拥军商户 from CSV (UTF-8/GBK) or .xlsx sent as the body: organisations with their network profile"
	 " (category, opening hours, plaque number, member or candidate, 所属协会). A preview lists every problem by"
	 " row and column; ?commit=1 writes the valid rows in one transaction; one already registered under the same"
	 " name in the region is reported as existing and skipped or (&on_existing=update) updated",
	 "名称,地区代码,地址,纬度,经度,行业类别,牌匾编号,状态\r\n拥军饭店{uniq},130902,新华区解放西路9号,38.31,116.84,餐饮,"
	 "T-{uniq},成员\r\n"},
	{"GET", "/api/v1/imports/merchants/template", get_import_template, BUREAU, ROUTE_EXPORT,
	 "The merchant import's columns with an example row (?format=csv|xlsx)", NULL},
};
const int merchants_routes_count = sizeof merchants_routes / sizeof merchants_routes[0];
