/*
 * Unit tests for verification, the merchant network and the ledger, on the
 * demo data set (SQLite, or PostgreSQL with SY_TEST_DB): names masked by
 * code point; a card's reasons read at verification time; only members have
 * active offers and leaving switches them off; the once-per-day rule counts
 * China's calendar day (UTC+8), not UTC's; the once-per-visit rule its
 * window; the database refuses to change or remove a ledger row.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/scope.h"
#include "lib/crypto.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "modules/cards/cards.h"
#include "modules/demo/demo.h"
#include "modules/ledger/ledger.h"
#include "modules/merchants/merchants.h"
#include "modules/registry/people.h"

static db *d;
static struct principal sys, clerk;
static char number[CARDNO_MAX + 1];
static int64_t person;

static void query_text(const char *sql, char *out, size_t cap)
{
	db_rows *r = NULL;
	sy_err err;
	assert_int_equal(db_query(d, sql, NULL, 0, &r, &err), SY_OK);
	assert_true(db_next(r));
	snprintf(out, cap, "%s", db_text(r, 0));
	db_rows_free(r);
}

static int64_t query_int(const char *sql)
{
	return testutil_query_int(d, sql);
}

static int setup(void **state)
{
	(void)state;
	sy_err err;
	if (!crypto_init())
		return -1;
	d = db_open(testutil_fresh_db(), &err);
	if (!d || demo_load(d, 42, 200, NULL, &err))
		return -1;
	principal_system(&sys, "test");
	clerk = (struct principal){.role = ROLE_MERCHANT};
	snprintf(clerk.name, sizeof clerk.name, "merchant");
	snprintf(clerk.region_code, sizeof clerk.region_code, "130902");
	clerk.org_id = query_int("SELECT id FROM orgs WHERE name = '沧州华北商厦'");
	query_text("SELECT number FROM cards WHERE state = 'received' ORDER BY id LIMIT 1", number, sizeof number);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT person_id FROM cards WHERE number = '%s'", number);
	person = query_int(sql);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(d);
	return 0;
}

static void test_mask_name(void **state)
{
	(void)state;
	char out[64];
	assert_true(text_mask_name("张三明", out, sizeof out));
	assert_string_equal(out, "张*明");
	assert_true(text_mask_name("李四", out, sizeof out));
	assert_string_equal(out, "李*");
	assert_true(text_mask_name("欧阳春晓", out, sizeof out));
	assert_string_equal(out, "欧**晓");
	assert_true(text_mask_name("Li", out, sizeof out));
	assert_string_equal(out, "L*");
	assert_false(text_mask_name("", out, sizeof out));
	assert_string_equal(out, "*");
	assert_false(text_mask_name("\xe5\xbc", out, sizeof out)); /* a character cut in half */
	assert_string_equal(out, "*");
	assert_false(text_mask_name("张三明", out, 5)); /* too small: never half a character */
	assert_string_equal(out, "*");
}

static void test_verify_reasons(void **state)
{
	(void)state;
	struct card_verdict v;
	sy_err err;
	assert_int_equal(cards_verify_number(d, number, NULL, &v, &err), SY_OK);
	assert_true(v.valid);
	assert_int_equal(v.person_id, person);
	assert_non_null(strchr(v.masked_name, '*'));

	char typo[CARDNO_MAX + 1];
	snprintf(typo, sizeof typo, "%s", number);
	typo[13] = typo[13] == '0' ? '1' : '0';
	assert_int_equal(cards_verify_number(d, typo, NULL, &v, &err), SY_OK);
	assert_false(v.valid);
	assert_string_equal(v.reason, "bad_check_character");
	assert_int_equal(v.card_id, 0); /* never looked up */

	assert_int_equal(cards_verify_number(d, "1309029999999", NULL, &v, &err), SY_EINVAL);
	assert_string_equal(err.code, "invalid_card_number");

	struct offer_terms survivors = {.categories = "martyr_family,duty_family"}, anyone = {.categories = ""};
	assert_int_equal(cards_verify_number(d, number, &survivors, &v, &err), SY_OK);
	assert_string_equal(v.reason, "not_eligible");
	assert_int_equal(cards_verify_number(d, number, &anyone, &v, &err), SY_OK);
	assert_true(v.valid);
}

static sy_status record_at(const char *iso, int64_t offer, json_t **out, sy_err *err)
{
	time_t t;
	assert_true(time_parse_iso(iso, &t));
	struct ledger_service in = {.card_no = number, .offer_id = offer};
	sy_status st = ledger_record(d, &clerk, &in, (int64_t)t, out, err);
	json_decref(*out);
	*out = NULL;
	return st;
}

static int64_t new_offer(const char *rule)
{
	struct offer_input in = {.title = "单元测试优惠", .benefit_kind = "free", .usage_rule = rule};
	int64_t id = 0;
	sy_err err;
	assert_int_equal(offers_create(d, &clerk, &in, &id, &err), SY_OK);
	return id;
}

static void test_once_per_day_is_china_day(void **state)
{
	(void)state;
	json_t *out = NULL;
	sy_err err;
	int64_t offer = new_offer("once_per_day");
	/* 23:59 in Beijing is 15:59 UTC; one minute later it is the next day in China, not in UTC. */
	assert_int_equal(record_at("2030-06-01T15:59:00Z", offer, &out, &err), SY_OK);
	assert_int_equal(record_at("2030-06-01T16:00:30Z", offer, &out, &err), SY_OK);
	assert_int_equal(record_at("2030-06-02T09:00:00Z", offer, &out, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "used_today");
	assert_non_null(strstr(err.msg_zh, "00:00")); /* the first use's time, Beijing */
	/* 01:00 and 18:00 Beijing on 2 July: two UTC days, one China day */
	int64_t other = new_offer("once_per_day");
	assert_int_equal(record_at("2030-07-01T17:00:00Z", other, &out, &err), SY_OK);
	assert_int_equal(record_at("2030-07-02T10:00:00Z", other, &out, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "used_today");
}

static void test_once_per_visit_window(void **state)
{
	(void)state;
	json_t *out = NULL;
	sy_err err;
	int64_t offer = new_offer("once_per_visit");
	assert_int_equal(ledger_settings_set(d, &sys, 120, &err), SY_OK);
	assert_int_equal(record_at("2030-08-01T02:00:00Z", offer, &out, &err), SY_OK);
	assert_int_equal(record_at("2030-08-01T03:59:00Z", offer, &out, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "used_this_visit");
	assert_int_equal(record_at("2030-08-01T04:01:00Z", offer, &out, &err), SY_OK);
	int64_t unlimited = new_offer("unlimited");
	for (int i = 0; i < 3; i++)
		assert_int_equal(record_at("2030-08-01T05:00:00Z", unlimited, &out, &err), SY_OK);
}

static void test_members_only_and_leaving(void **state)
{
	(void)state;
	sy_err err;
	int64_t id = 0;
	/* a candidate may not offer; joining needs a plaque */
	int64_t cand = query_int("SELECT org_id FROM merchant_profiles WHERE status = 'candidate' ORDER BY org_id LIMIT 1");
	struct offer_input in = {.org_id = cand, .title = "候选", .benefit_kind = "free", .usage_rule = "unlimited"};
	assert_int_equal(offers_create(d, &sys, &in, &id, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "not_member");
	struct merchant_input join = {.category = "catering"};
	assert_int_equal(merchants_join(d, &sys, cand, &join, &err), SY_EINVAL);
	assert_string_equal(err.code, "plaque_required");
	join.plaque_no = "UNIT-0001";
	assert_int_equal(merchants_join(d, &sys, cand, &join, &err), SY_OK);
	assert_int_equal(merchants_join(d, &sys, cand, &join, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "already_member");
	assert_int_equal(offers_create(d, &sys, &in, &id, &err), SY_OK);
	/* a merchant's clerk may not make another org a member, nor leave */
	assert_int_equal(merchants_leave(d, &clerk, cand, NULL, &err), SY_ENOTFOUND);
	assert_int_equal(merchants_leave(d, &sys, cand, "到期", &err), SY_OK);
	char sql[120];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM offers WHERE org_id = %lld AND active = 1", (long long)cand);
	assert_int_equal(query_int(sql), 0);
	struct offer_use use;
	assert_int_equal(offers_for_use(d, &sys, id, "2030-01-01", &use, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "offer_inactive");
}

static void test_ledger_append_only(void **state)
{
	(void)state;
	sy_err err;
	int64_t before = query_int("SELECT COUNT(*) FROM ledger");
	assert_true(before > 0);
	assert_int_not_equal(db_execp(d, "UPDATE ledger SET kind = 'free'", NULL, 0, NULL, &err), SY_OK);
	assert_int_not_equal(db_execp(d, "DELETE FROM ledger", NULL, 0, NULL, &err), SY_OK);
	if (db_is_postgres(d))
		assert_int_not_equal(db_exec(d, "TRUNCATE ledger", &err), SY_OK);
	assert_int_equal(query_int("SELECT COUNT(*) FROM ledger"), before);
	assert_int_equal(query_int("SELECT COUNT(*) FROM ledger WHERE kind = 'free'"), 0);
}

static void test_barred_after_issue(void **state)
{
	(void)state;
	struct card_verdict v;
	sy_err err;
	assert_int_equal(registry_person_set_status(d, &sys, person, "in_custody", "2026-01-01", "测试", NULL, &err),
			 SY_OK);
	assert_int_equal(cards_verify_number(d, number, NULL, &v, &err), SY_OK);
	assert_false(v.valid);
	assert_string_equal(v.reason, "holder_barred");
	json_t *out = NULL;
	int64_t offer = new_offer("unlimited");
	assert_int_equal(record_at("2030-09-01T02:00:00Z", offer, &out, &err), SY_ECONFLICT);
	assert_string_equal(err.code, "holder_barred");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_name),
		cmocka_unit_test(test_verify_reasons),
		cmocka_unit_test(test_once_per_day_is_china_day),
		cmocka_unit_test(test_once_per_visit_window),
		cmocka_unit_test(test_members_only_and_leaving),
		cmocka_unit_test(test_ledger_append_only),
		cmocka_unit_test(test_barred_after_issue), /* last: it bars the card the others use */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
