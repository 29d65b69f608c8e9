#include "idcard.h"

#include <string.h>
#include <time.h>

#include "timeutil.h"

/* ISO 7064 MOD 11-2 as GB 11643 states it: weight of position i is 2^(17-i) mod 11. */
static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

/*
 * Province-level prefixes of GB/T 2260 (plus 83, which the 2020 revision
 * added for Taiwan residents' residence permits, and 91 for other foreign
 * nationals' permanent residence). Kept as ranges because that is how the
 * standard groups them by major region.
 */
static const struct {
	int lo, hi;
} provinces[] = {
	{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65},
	{71, 71}, {81, 83}, {91, 91},
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* v as exactly n decimal digits, zero-padded; callers guarantee 0 <= v < 10^n. */
static void put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

bool idcard_check_char(const char first17[17], char *out)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return false;
		sum += (first17[i] - '0') * weights[i];
	}
	*out = check_chars[sum % 11];
	return true;
}

static bool province_valid(int p)
{
	for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		if (p >= provinces[i].lo && p <= provinces[i].hi)
			return true;
	return false;
}

/* Today's date (UTC) as YYYYMMDD, so birth dates compare as integers. */
static int today_ymd(void)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static sy_status fail(sy_err *err, const char *zh, const char *en)
{
	return sy_failf(err, SY_EINVAL, "invalid_id_number", "id_number", zh, en);
}

sy_status idcard_validate(const char *s, struct idcard_info *info, sy_err *err)
{
	if (!s || !*s)
		return fail(err, "身份证号不能为空", "ID number is required");
	/* strnlen: an absurdly long input is rejected without reading all of it. */
	if (strnlen(s, IDCARD_LEN + 1) != IDCARD_LEN)
		return fail(err, "身份证号长度必须为18位", "ID number must be 18 characters long");
	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return fail(err, "身份证号前17位必须是数字",
				    "ID number: the first 17 characters must be digits");
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!is_digit(last) && last != 'X')
		return fail(err, "身份证号最后一位必须是数字或X",
			    "ID number: the last character must be a digit or X");

	/* A city code such as 130900 is legitimate on older numbers; only the
	 * province part can be checked without a full GB/T 2260 table. */
	if (!province_valid(digits(s, 2)) || memcmp(s, "000000", 6) == 0)
		return fail(err, "身份证号地区码无效", "ID number region code is invalid");

	int y = digits(s + 6, 4), m = digits(s + 10, 2), d = digits(s + 12, 2);
	if (y < 1900 || !time_valid_date(y, m, d) || y * 10000 + m * 100 + d > today_ymd())
		return fail(err, "身份证号出生日期无效", "ID number birth date is invalid");

	char want;
	if (!idcard_check_char(s, &want) || want != last)
		return fail(err, "身份证号校验位错误", "ID number check character is wrong");

	if (info) {
		memcpy(info->normalized, s, 17);
		info->normalized[17] = last;
		info->normalized[18] = '\0';
		/* Copied rather than formatted: the digits were checked above. */
		memcpy(info->birth_date, s + 6, 4);
		info->birth_date[4] = '-';
		memcpy(info->birth_date + 5, s + 10, 2);
		info->birth_date[7] = '-';
		memcpy(info->birth_date + 8, s + 12, 2);
		info->birth_date[10] = '\0';
		info->sex = (s[16] - '0') % 2 ? 'M' : 'F';
		memcpy(info->region, s, 6);
		info->region[6] = '\0';
	}
	return SY_OK;
}

void idcard_mask(const char *id, char out[IDCARD_LEN + 1])
{
	size_t n = id ? strnlen(id, IDCARD_LEN + 1) : 0;
	if (n != IDCARD_LEN) {
		if (n > IDCARD_LEN)
			n = IDCARD_LEN;
		memset(out, '*', n);
		out[n] = '\0';
		return;
	}
	memcpy(out, id, 6);
	memset(out + 6, '*', 8);
	memcpy(out + 14, id + 14, 4);
	if (out[17] == 'x')
		out[17] = 'X';
	out[IDCARD_LEN] = '\0';
}

bool idcard_make(const char region[7], int y, int m, int d, int seq3,
		 char out[IDCARD_LEN + 1])
{
	for (int i = 0; i < 6; i++)
		if (!is_digit(region[i]))
			return false;
	if (region[6] != '\0' || !time_valid_date(y, m, d) || seq3 < 0 || seq3 > 999)
		return false;
	memcpy(out, region, 6);
	put_digits(out + 6, y, 4);
	put_digits(out + 10, m, 2);
	put_digits(out + 12, d, 2);
	put_digits(out + 14, seq3, 3);
	out[18] = '\0';
	return idcard_check_char(out, &out[17]);
}
