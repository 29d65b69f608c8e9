#include "timeutil.h"

#include <stdio.h>
#include <string.h>

/*
 * Every authenticated request formats "now" (token expiry, last seen): the
 * last second formatted is kept per thread, so gmtime_r and strftime run
 * once a second per thread, not once a request.
 */
static _Thread_local struct {
	bool ok;
	time_t t;
	char s[TIME_ISO_LEN];
} iso_last;

void time_iso(time_t t, char out[TIME_ISO_LEN])
{
	if (!iso_last.ok || iso_last.t != t) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(iso_last.s, TIME_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
		iso_last.t = t;
		iso_last.ok = true;
	}
	memcpy(out, iso_last.s, TIME_ISO_LEN);
}

void time_now_iso(char out[TIME_ISO_LEN])
{
	time_iso(time(NULL), out);
}

int time_days_in_month(int y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

bool time_valid_date(int y, int m, int d)
{
	if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= time_days_in_month(y, m);
}

int32_t time_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

/* n digits at s as a number, or -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* By hand rather than sscanf and timegm: each authenticated request parses one (a token's last use). */
bool time_parse_iso(const char *s, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t len = strlen(s);
	if (len != 10 && len != 20)
		return false;
	if (s[4] != '-' || s[7] != '-')
		return false;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (len == 20) {
		if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
			return false;
		h = digits(s + 11, 2);
		mi = digits(s + 14, 2);
		se = digits(s + 17, 2);
	}
	if (!time_valid_date(y, mo, d) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59)
		return false;
	*out = (time_t)time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

double time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
