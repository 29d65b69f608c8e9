/*
 * Unit tests for src/modules/ecards and document signing (lib/crypto.h):
 * every registry category has its own e-card bit; a document signed under a
 * context verifies under that context only, and never as an e-card; the
 * revocation list names lost, suspended, revoked and replaced cards and the
 * cards of barred holders (and no valid card), is sorted, carries its key id
 * and generation, and verifies with the published key until a byte changes.
 */
#include "testutil.h"

#include <sodium.h>
#include <time.h>

#include "db/scope.h"
#include "lib/crypto.h"
#include "lib/ecard.h"
#include "modules/cards/cards.h"
#include "modules/demo/demo.h"
#include "modules/ecards/catbits.h"
#include "modules/ecards/ecards.h"
#include "modules/keys/keys.h"
#include "modules/registry/people.h"

static db *d;
static struct principal sys;

static int setup(void **state)
{
	(void)state;
	sy_err err;
	char dir[] = "/tmp/sy-ecards-XXXXXX", kd[64];
	bool created;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return -1;
	const char *url = testutil_fresh_db();
	d = db_open(url, &err);
	if (!d)
		return -1;
	snprintf(kd, sizeof kd, "%s/keys", dir);
	keys_configure(kd, url, 300, 1825);
	principal_system(&sys, "system");
	if (demo_load(d, 1, 120, NULL, &err) || keys_ensure(d, &sys, &created, NULL, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg_en);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	keys_forget();
	ecards_revocations_forget();
	db_close(d);
	return 0;
}

static void test_every_category_has_one_bit(void **state)
{
	(void)state;
	uint32_t seen = 0;
	int n = 0;
	for (const char *c; (c = person_category_at(n)); n++) {
		int bit = catbits_bit(c);
		assert_true(bit >= 0 && bit < 32);
		assert_false(seen & (UINT32_C(1) << bit)); /* no two categories share a bit */
		seen |= UINT32_C(1) << bit;
	}
	assert_int_equal(n, catbits_count());
	for (int i = 0; i < catbits_count(); i++)
		assert_true(person_category_valid(catbits_code_at(i)));
	/* The published bits never move: a printed code from years ago still reads the same. */
	assert_int_equal(catbits_bit("veteran"), 0);
	assert_int_equal(catbits_bit("martyr_family"), 2);
	bool unknown;
	assert_int_equal(catbits_from_list("veteran,martyr_family", &unknown), 0x5u);
	assert_false(unknown);
	assert_int_equal(catbits_from_list("veteran,,nonsense", &unknown), 0x1u);
	assert_true(unknown);
	assert_int_equal(catbits_from_list("", &unknown), 0u);
	json_t *j = catbits_json();
	assert_non_null(j);
	assert_int_equal(json_array_size(j), (size_t)catbits_count());
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "zh")), "退役军人");
	json_decref(j);
}

static void test_document_signature_is_bound_to_its_context(void **state)
{
	(void)state;
	uint8_t pk[32], sk[64], sig[64];
	const char doc[] = "SY-REVOKE 1\ncount 0\n";
	crypto_sign_keypair(pk, sk);
	assert_true(crypto_sign_document("SY-REVOKE", doc, strlen(doc), sk, sig));
	assert_true(crypto_verify_document("SY-REVOKE", doc, strlen(doc), sig, pk));
	assert_false(crypto_verify_document("SY-REVOKF", doc, strlen(doc), sig, pk));
	assert_false(crypto_verify_document("SY-REVOKE", doc, strlen(doc) - 1, sig, pk));
	char bad[sizeof doc];
	memcpy(bad, doc, sizeof doc);
	bad[3] ^= 1;
	assert_false(crypto_verify_document("SY-REVOKE", bad, strlen(bad), sig, pk));
	/* Contexts: 1..64 printable bytes. */
	assert_false(crypto_sign_document("", doc, 1, sk, sig));
	assert_false(crypto_sign_document("has space", doc, 1, sk, sig));
	char longctx[66];
	memset(longctx, 'A', 65);
	longctx[65] = '\0';
	assert_false(crypto_sign_document(longctx, doc, 1, sk, sig));

	/* A document signature over an e-card's very bytes, even under "SY-ECARD", is no e-card signature. */
	struct ecard p = {.key_id = ecard_key_id(pk), .categories = 1, .issued_at = 1700000000,
			  .expires_at = 1700000300};
	char text[ECARD_TEXT_MAX];
	snprintf(p.card_no, sizeof p.card_no, "130902000000017");
	assert_int_equal(ecard_encode(&p, sk, text, sizeof text), ECARD_OK);
	assert_int_equal(ecard_verify(&p, pk, 1700000001, 60), ECARD_OK);
	assert_true(crypto_sign_document("SY-ECARD", p.body, p.body_len, sk, p.sig));
	assert_int_equal(ecard_verify(&p, pk, 1700000001, 60), ECARD_ESIGNATURE);
	sodium_memzero(sk, sizeof sk);
}

/* The line for number in body ("number reason\n"), or NULL. */
static const char *line_of(const char *body, const char *number)
{
	char needle[64];
	snprintf(needle, sizeof needle, "\n%s ", number);
	const char *p = strstr(body, needle);
	return p ? p + 1 : NULL;
}

static void expect_reason(const char *body, const char *number, const char *reason)
{
	const char *l = line_of(body, number);
	if (!l)
		fail_msg("%s is not in the list", number);
	size_t n = strlen(number);
	if (strncmp(l + n + 1, reason, strlen(reason)) != 0 || l[n + 1 + strlen(reason)] != '\n')
		fail_msg("%s: expected %s, got %.20s", number, reason, l + n + 1);
}

/* A card in state, with its number and holder. */
static bool card_in_state(const char *state, int skip, int64_t *id, char number[40], int64_t *person)
{
	db_rows *r = NULL;
	sy_err err;
	bool found = false;
	assert_int_equal(db_query(d, "SELECT id, number, person_id FROM cards WHERE state = $1 AND number IS NOT NULL"
				     " ORDER BY id LIMIT 1 OFFSET $2",
				  DB_ARGS(DB_T(state), DB_I(skip)), &r, &err), SY_OK);
	if (db_next(r)) {
		*id = db_int(r, 0);
		snprintf(number, 40, "%s", db_text(r, 1));
		*person = db_int(r, 2);
		found = true;
	}
	db_rows_free(r);
	return found;
}

static void step(int64_t id, enum card_action a, const char *reason)
{
	struct card_step s = {.action = a, .reason = reason};
	int64_t result;
	sy_err err;
	if (cards_step(d, &sys, id, &s, &result, &err))
		fail_msg("step %s: %s", card_action_name(a), err.msg_en);
}

static void test_revocation_list(void **state)
{
	(void)state;
	int64_t lost, revoked, barred, valid, p_lost, p_revoked, p_barred, p_valid, g1;
	char n_lost[40], n_revoked[40], n_barred[40], n_valid[40], n_suspended[40], n_replaced[40];
	int64_t x, px;
	struct revocation_list l;
	sy_err err;
	int64_t now = (int64_t)time(NULL);
	assert_true(card_in_state("received", 0, &lost, n_lost, &p_lost));
	assert_true(card_in_state("received", 1, &revoked, n_revoked, &p_revoked));
	assert_true(card_in_state("received", 2, &barred, n_barred, &p_barred));
	assert_true(card_in_state("received", 3, &valid, n_valid, &p_valid));
	assert_true(card_in_state("suspended", 0, &x, n_suspended, &px));
	assert_true(card_in_state("replaced", 0, &x, n_replaced, &px));

	assert_int_equal(ecards_revocations(d, now, &l, &err), SY_OK);
	g1 = l.generation;
	assert_non_null(line_of(l.body, n_suspended));
	assert_null(line_of(l.body, n_lost));
	/* Nothing changed: the list kept is handed out again, signature and issue time alike. */
	struct revocation_list again;
	assert_int_equal(ecards_revocations(d, now + 1, &again, &err), SY_OK);
	assert_int_equal(again.len, l.len);
	assert_memory_equal(again.body, l.body, l.len);
	assert_memory_equal(again.sig, l.sig, sizeof l.sig);
	ecards_revocations_free(&again);
	/* … but not once half its freshness is gone. */
	assert_int_equal(ecards_revocations(d, now + ecards_cfg.revocation_ttl / 2, &again, &err), SY_OK);
	assert_true(again.issued_at == now + ecards_cfg.revocation_ttl / 2);
	ecards_revocations_free(&again);
	ecards_revocations_free(&l);

	step(lost, CA_REPORT_LOSS, NULL);
	step(revoked, CA_REVOKE, "持证人申请注销");
	assert_int_equal(registry_person_set_status(d, &sys, p_barred, "serving_sentence", "2026-01-05", "判决生效", NULL,
						    &err), SY_OK);
	assert_int_equal(ecards_revocations(d, now, &l, &err), SY_OK);
	assert_true(l.generation > g1); /* every change moves the generation on */
	expect_reason(l.body, n_lost, "lost");
	expect_reason(l.body, n_revoked, "revoked");
	expect_reason(l.body, n_suspended, "suspended");
	expect_reason(l.body, n_replaced, "replaced");
	expect_reason(l.body, n_barred, "not_eligible");
	assert_null(line_of(l.body, n_valid));
	/* No personal data: the barring reason is not named. */
	assert_null(strstr(l.body, "serving_sentence"));

	/* Header, count, sorted lines. */
	char head[128];
	snprintf(head, sizeof head, "SY-REVOKE 1\nkey_id %s\ngeneration %lld\n", l.key_id, (long long)l.generation);
	assert_int_equal(strncmp(l.body, head, strlen(head)), 0);
	const char *c = strstr(l.body, "\ncount ");
	assert_non_null(c);
	assert_int_equal((size_t)strtoull(c + 7, NULL, 10), l.count);
	const char *lines = strchr(c + 1, '\n') + 1, *prev = NULL;
	size_t n = 0;
	for (const char *p = lines; *p; p = strchr(p, '\n') + 1, n++) {
		if (prev)
			assert_true(strncmp(prev, p, 14) < 0);
		prev = p;
	}
	assert_int_equal(n, l.count);
	assert_int_equal(strlen(l.body), l.len);

	/* It verifies with the published key under SY-REVOKE only, and not once a byte changes. */
	bool ok;
	assert_int_equal(keys_verify_document(d, l.key_id, "SY-REVOKE", l.body, l.len, l.sig, now, &ok, &err), SY_OK);
	assert_true(ok);
	assert_int_equal(keys_verify_document(d, l.key_id, "SY-ECARD", l.body, l.len, l.sig, now, &ok, &err), SY_OK);
	assert_false(ok);
	assert_int_equal(keys_verify_document(d, "00000000", "SY-REVOKE", l.body, l.len, l.sig, now, &ok, &err), SY_OK);
	assert_false(ok);
	char *line = (char *)line_of(l.body, n_lost);
	line[0] = line[0] == '1' ? '2' : '1'; /* another card number on the lost line */
	assert_int_equal(keys_verify_document(d, l.key_id, "SY-REVOKE", l.body, l.len, l.sig, now, &ok, &err), SY_OK);
	assert_false(ok);
	ecards_revocations_free(&l);

	/* A card closed longer ago than any static code lives has no code left: it leaves the list. */
	assert_int_equal(ecards_revocations(d, now + keys_cfg.static_ttl + keys_cfg.clock_skew + 86400, &l, &err), SY_OK);
	assert_null(line_of(l.body, n_revoked));
	expect_reason(l.body, n_lost, "lost"); /* still lost: still listed */
	ecards_revocations_free(&l);
}

static void test_no_key_no_list(void **state)
{
	(void)state;
	struct revocation_list l;
	sy_err err;
	char saved[sizeof keys_cfg.key_dir];
	snprintf(saved, sizeof saved, "%s", keys_cfg.key_dir);
	keys_forget();
	ecards_revocations_forget(); /* a kept list would be handed out without signing */
	snprintf(keys_cfg.key_dir, sizeof keys_cfg.key_dir, "/tmp/sy-ecards-no-such-dir");
	assert_int_equal(ecards_revocations(d, (int64_t)time(NULL), &l, &err), SY_EUNAVAILABLE);
	assert_string_equal(err.code, "no_signing_key");
	assert_null(l.body);
	snprintf(keys_cfg.key_dir, sizeof keys_cfg.key_dir, "%s", saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_category_has_one_bit),
		cmocka_unit_test(test_document_signature_is_bound_to_its_context),
		cmocka_unit_test(test_revocation_list),
		cmocka_unit_test(test_no_key_no_list),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
