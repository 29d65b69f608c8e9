/*
 * fuzz_text.c - the small parsers every form field goes through: 身份证号
 * (GB 11643), the platform's card number (ISO 7064 MOD 11-2), UTF-8 and
 * phone checks, the LIKE-pattern escaper, ISO times.
 *
 * Properties: a 身份证号 that validates ends in the check character its 17
 * digits give, and its mask keeps only the first 6 and last 4; a card number
 * that validates is 14 characters whose check character matches; the LIKE
 * escaper's output never holds an unescaped wildcard.
 */
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "lib/idcard.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "modules/cards/cardno.h"

static void check_idcard(const char *s)
{
	struct idcard_info info;
	char mask[IDCARD_LEN + 1], check;
	sy_err err;
	idcard_mask(s, mask);
	FUZZ_CHECK(strlen(mask) <= IDCARD_LEN);
	if (idcard_validate(s, &info, &err) != SY_OK)
		return;
	FUZZ_CHECK(strlen(s) == IDCARD_LEN);
	FUZZ_CHECK(idcard_check_char(s, &check));
	FUZZ_CHECK(info.normalized[17] == check);
	FUZZ_CHECK(memcmp(mask, s, 6) == 0 && memcmp(mask + 6, "********", 8) == 0);
}

static void check_cardno(const char *s)
{
	char out[CARDNO_LEN + 1];
	sy_err err;
	if (cardno_validate(s, "number", out, &err) != SY_OK)
		return;
	FUZZ_CHECK(strlen(out) == CARDNO_LEN);
	FUZZ_CHECK(cardno_check_char(out, CARDNO_LEN - 1) == out[CARDNO_LEN - 1]);
}

static void check_like(const char *s)
{
	char out[512];
	if (!text_like_contains(s, out, sizeof out))
		return;
	/* Between the pattern's own leading and trailing %, every % and _ is escaped. */
	size_t n = strlen(out);
	FUZZ_CHECK(n >= 2 && out[0] == '%' && out[n - 1] == '%');
	for (size_t i = 1; i + 1 < n; i++) {
		if (out[i] == '\\') {
			i++;
			continue;
		}
		FUZZ_CHECK(out[i] != '%' && out[i] != '_');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256];
	time_t t;
	if (size >= sizeof s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_idcard(s);
	check_cardno(s);
	check_like(s);
	if (text_valid_utf8_line(s))
		FUZZ_CHECK(text_utf8_chars(s) <= size);
	/* Columns: at least one per character, at most two per byte, whatever the bytes. */
	size_t len = strlen(s), width = text_display_width(s);
	FUZZ_CHECK(width <= 2 * len && (len == 0 || width > 0));
	(void)text_phone_valid(s);
	(void)time_parse_iso(s, &t);
	return 0;
}
