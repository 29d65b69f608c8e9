/*
 * demo.c - the network in the demo set: profiles for the demo's merchants
 * and the bank (members with plaques, every eighth a candidate, every
 * eleventh one that left), and two offers per member covering every usage
 * rule. Through the same functions as the API (audited like any join).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char SQL_DEMO_ORGS[] =
	"SELECT id, name FROM orgs WHERE type IN ('merchant','bank') ORDER BY id";

/* The business kind a demo shop's name tells. */
static const char *category_of(const char *name)
{
	static const struct {
		const char *word, *category;
	} words[] = {
		{"超市", "supermarket"}, {"药房", "pharmacy"}, {"饭庄", "catering"}, {"酒楼", "catering"},
		{"火烧", "catering"},    {"美发", "beauty"},   {"理发", "beauty"},    {"4S", "automotive"},
		{"洗车", "automotive"},  {"眼镜", "optical"},  {"家电", "appliances"}, {"健身", "fitness"},
		{"影城", "culture"},     {"银行", "finance"},  {"商厦", "retail"},
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(name, words[i].word))
			return words[i].category;
	return "other";
}

/* Offer k of a member: the rules in turn, so that every rule appears on the fixed merchant. */
static sy_status demo_offers(db *d, const struct principal *a, int64_t org, int k, sy_err *err)
{
	static const char *const veterans[] = {"veteran", "disabled_veteran"};
	json_t *all = json_array(), *vets = json_array();
	int64_t id;
	sy_status st = SY_OK;
	if (!all || !vets)
		st = merchants_oom(err);
	for (size_t i = 0; !st && i < 2; i++)
		json_array_append_new(vets, json_string(veterans[i]));
	struct offer_input offers[] = {
		{.org_id = org, .title = "持优待证消费九折", .description = "凭优待证或电子优待证享受九折，不与其他优惠同享",
		 .benefit_kind = "discount", .has_value = true, .benefit_value = 0.9, .categories = all,
		 .usage_rule = "once_per_day", .has_companion = true, .companion_allowed = true},
		{.org_id = org, .title = "退役军人优先服务", .description = "退役军人、残疾军人优先办理、优先结算",
		 .benefit_kind = "priority", .categories = vets, .usage_rule = "unlimited"},
		{.org_id = org, .title = "每次到店立减10元", .description = "单次消费满50元立减10元",
		 .benefit_kind = "amount_off", .has_value = true, .benefit_value = 10, .categories = all,
		 .usage_rule = "once_per_visit"},
	};
	/* The fixed merchant (k 0) gets all three; the others two, in turn. */
	for (int i = 0; !st && i < 3; i++)
		if (k == 0 || i != k % 3)
			st = offers_create(d, a, &offers[i], &id, err);
	json_decref(all);
	json_decref(vets);
	return st;
}

sy_status merchants_demo(db *d, const struct principal *actor, int *members, sy_err *err)
{
	db_rows *r = NULL;
	int64_t ids[512];
	char names[512][64];
	int n = 0;
	*members = 0;
	sy_status st = db_query(d, SQL_DEMO_ORGS, DB_NOARGS, &r, err);
	if (st)
		return st;
	while (n < 512 && db_next(r)) {
		ids[n] = db_int(r, 0);
		snprintf(names[n], sizeof names[n], "%s", db_text(r, 1));
		n++;
	}
	db_rows_free(r);
	for (int i = 0; !st && i < n; i++) {
		/* The `merchant` login's shop is always a member. */
		bool fixed = strcmp(names[i], "沧州华北商厦") == 0;
		bool candidate = !fixed && i % 8 == 7, left = !fixed && i % 11 == 10;
		char plaque[32];
		snprintf(plaque, sizeof plaque, "CZYJ-2026-%04d", i + 1);
		struct merchant_input in = {.status = candidate ? "candidate" : "member", .category = category_of(names[i]),
					    .opening_hours = "周一至周日 09:00-21:00", .plaque_no = candidate ? NULL : plaque};
		if ((st = merchants_join(d, actor, ids[i], &in, err)) || candidate)
			continue;
		if ((st = demo_offers(d, actor, ids[i], fixed ? 0 : i, err)))
			break;
		if (left)
			st = merchants_leave(d, actor, ids[i], "演示：协议到期未续签", err);
		else
			(*members)++;
	}
	return st;
}
