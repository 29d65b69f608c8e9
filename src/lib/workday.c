/* workday.c - working-day arithmetic over a caller's calendar (see workday.h). */
#include "workday.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"

bool workday_from_ymd(int y, int m, int d, int32_t *day)
{
	if (!time_valid_date(y, m, d))
		return false;
	*day = time_days_from_civil(y, m, d);
	return true;
}

void workday_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int32_t z = day + 719468;
	int32_t era = (z >= 0 ? z : z - 146096) / 146097;
	int32_t doe = z - era * 146097;
	int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int32_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

bool workday_parse(const char *s, int32_t *day)
{
	int y, m, d, n = 0;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return false;
	return workday_from_ymd(y, m, d, day);
}

void workday_format(int32_t day, char out[WORKDAY_DATE_LEN])
{
	int y, m, d;
	workday_to_ymd(day, &y, &m, &d);
	/* written digit by digit: the compiler cannot bound y, m and d for snprintf */
	unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
	char s[WORKDAY_DATE_LEN] = {(char)('0' + uy / 1000), (char)('0' + uy / 100 % 10), (char)('0' + uy / 10 % 10),
				    (char)('0' + uy % 10), '-', (char)('0' + um / 10), (char)('0' + um % 10), '-',
				    (char)('0' + ud / 10), (char)('0' + ud % 10), '\0'};
	memcpy(out, s, sizeof s);
}

int workday_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (4); floored modulo for days before it. */
	int w = (int)((day + 4) % 7);
	return w < 0 ? w + 7 : w;
}

static bool listed(const int32_t *v, size_t n, int32_t day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == day)
			return true;
		if (v[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool workday_is_working(const struct workday_calendar *cal, int32_t day)
{
	if (cal && listed(cal->workdays, cal->nworkdays, day))
		return true;
	if (cal && listed(cal->holidays, cal->nholidays, day))
		return false;
	int w = workday_weekday(day);
	return w != 0 && w != 6;
}

int32_t workday_add(const struct workday_calendar *cal, int32_t start, int n)
{
	int32_t day = start;
	while (n > 0) {
		day++;
		if (workday_is_working(cal, day))
			n--;
	}
	return day;
}

int workday_between(const struct workday_calendar *cal, int32_t from, int32_t to)
{
	int n = 0;
	for (int32_t day = from + 1; day <= to; day++)
		n += workday_is_working(cal, day);
	return n;
}
