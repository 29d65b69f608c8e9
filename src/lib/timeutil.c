#include "timeutil.h"

#include <stdio.h>
#include <string.h>

void time_iso(time_t t, char out[TIME_ISO_LEN])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, TIME_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
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

bool time_parse_iso(const char *s, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
	size_t len = strlen(s);
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
			return false;
	} else if (len == 20) {
		if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 ||
		    n != 20)
			return false;
	} else {
		return false;
	}
	if (!time_valid_date(y, mo, d) || h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = se};
	*out = timegm(&tm);
	return true;
}

double time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
