/* cardno.c - make and check 优待证 numbers (ISO 7064 MOD 11-2). */
#include "cardno.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

char cardno_check_char(const char *digits, int n)
{
	/* ISO 7064 pure system, recursive form: p = (p + d) * 2 mod 11; check = (12 - p) mod 11. */
	int p = 0;
	for (int i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return '\0';
		p = ((p + (digits[i] - '0')) * 2) % 11;
	}
	int c = (12 - p) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

bool cardno_make(const char *region6, int64_t seq, char out[CARDNO_LEN + 1])
{
	if (!region6 || strnlen(region6, CARDNO_REGION_LEN + 1) < CARDNO_REGION_LEN || seq < 1 ||
	    seq > CARDNO_SEQ_MAX)
		return false;
	snprintf(out, CARDNO_LEN + 1, "%.6s%07" PRId64, region6, seq);
	char c = cardno_check_char(out, CARDNO_LEN - 1);
	if (!c)
		return false;
	out[CARDNO_LEN - 1] = c;
	out[CARDNO_LEN] = '\0';
	return true;
}

sy_status cardno_validate(const char *s, const char *field, char out[CARDNO_LEN + 1], sy_err *err)
{
	char buf[CARDNO_LEN + 1];
	if (!s || strlen(s) != CARDNO_LEN)
		return sy_failf(err, SY_EINVAL, "invalid_card_number", field, "优待证号应为14位（末位为数字或X）",
				"a card number has 14 characters (the last a digit or X)");
	for (int i = 0; i < CARDNO_LEN; i++) {
		char ch = s[i];
		bool last = i == CARDNO_LEN - 1;
		if (last && ch == 'x')
			ch = 'X';
		if (!((ch >= '0' && ch <= '9') || (last && ch == 'X')))
			return sy_failf(err, SY_EINVAL, "invalid_card_number", field,
					"优待证号只能含数字，末位可为X", "a card number has digits only, the last may be X");
		buf[i] = ch;
	}
	buf[CARDNO_LEN] = '\0';
	if (cardno_check_char(buf, CARDNO_LEN - 1) != buf[CARDNO_LEN - 1])
		return sy_failf(err, SY_EINVAL, "invalid_card_number", field,
				"优待证号校验位错误，请核对是否输错", "the card number's check character is wrong: it was mistyped");
	if (out)
		memcpy(out, buf, sizeof buf);
	return SY_OK;
}
