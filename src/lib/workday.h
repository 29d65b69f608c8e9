/*
 * workday.h - working days: weekends, public holidays and make-up working
 * days (调休), as a pure function of a calendar the caller supplies.
 *
 * Dates are day numbers (days since 1970-01-01, proleptic Gregorian), so a
 * deadline is integer arithmetic and the calendar is two sorted arrays.
 *
 * A day is a working day when it is listed in `workdays` (a make-up working
 * Saturday or Sunday), else not when listed in `holidays`, else when it is
 * Monday to Friday. A day listed in both is a working day: the make-up list
 * is the more specific statement.
 *
 * Counting rule (as 期间 are counted in Chinese administrative law: the day
 * the period starts is not counted): workday_add(cal, start, n) is the n-th
 * working day AFTER start. Day 0 is the start day itself and never counts,
 * whether or not it is a working day; workday_add(cal, start, 0) is start.
 * So a 5-working-day deadline for a step entered on a Friday before an
 * ordinary weekend falls on the next Friday.
 */
#ifndef SY_WORKDAY_H
#define SY_WORKDAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WORKDAY_DATE_LEN 11 /* "2026-02-14" + NUL */

struct workday_calendar {
	const int32_t *holidays; /* sorted ascending, no duplicates */
	size_t nholidays;
	const int32_t *workdays; /* make-up working days, sorted ascending */
	size_t nworkdays;
};

/* The day number of a real date; false when y-m-d is not one (or outside 1800..9999). */
bool workday_from_ymd(int y, int m, int d, int32_t *day);
void workday_to_ymd(int32_t day, int *y, int *m, int *d);
/* "YYYY-MM-DD" exactly; false when malformed or not a real date. */
bool workday_parse(const char *s, int32_t *day);
void workday_format(int32_t day, char out[WORKDAY_DATE_LEN]);
/* 0 = Sunday … 6 = Saturday. */
int workday_weekday(int32_t day);

bool workday_is_working(const struct workday_calendar *cal, int32_t day);
/* The n-th working day after start (n >= 0; see the counting rule above). */
int32_t workday_add(const struct workday_calendar *cal, int32_t start, int n);
/* Working days in (from, to]: how many working days after from `to` is; 0 when to <= from. */
int workday_between(const struct workday_calendar *cal, int32_t from, int32_t to);

#endif
