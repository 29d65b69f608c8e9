/* timeutil.h - UTC timestamps as the API shows them (ISO-8601, seconds). */
#ifndef SY_TIMEUTIL_H
#define SY_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define TIME_ISO_LEN 21 /* "2026-11-29T00:00:00Z" + NUL */

void time_iso(time_t t, char out[TIME_ISO_LEN]);
void time_now_iso(char out[TIME_ISO_LEN]);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ"; false when malformed or not a real date. */
bool time_parse_iso(const char *s, time_t *out);
/* true when y-m-d is a real calendar date. */
bool time_valid_date(int y, int m, int d);
/* Days in month m (1..12) of year y, leap years included. */
int time_days_in_month(int y, int m);
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): exact for
 * every date, no time zone involved. */
int32_t time_days_from_civil(int y, int m, int d);
/* Monotonic milliseconds, for durations. */
double time_mono_ms(void);

#endif
