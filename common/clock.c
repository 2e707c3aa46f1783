/* common/clock.c - now, or the fixed instant a test hands in (CRMGATE_NOW). */
#include "common/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* s as "YYYY-MM-DDTHH:MM:SS" and "Z" or "+HH:MM"/"-HH:MM": the instant into
 * *out; -1 when s has another form. */
static int parse_instant(time_t *out, const char *s)
{
	struct tm tm = { 0 };
	int n = 0, oh = 0, om = 0;
	long offset = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -1;
	s += n;
	if (!strcmp(s, "Z")) {
		offset = 0;
	} else if ((*s == '+' || *s == '-') && strlen(s) == 6 && sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2 &&
		   n == 5 && oh < 24 && om < 60) {
		offset = (oh * 60L + om) * 60 * (*s == '-' ? -1 : 1);
	} else {
		return -1;
	}
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 59)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	/* the wall time at that offset, as if in UTC, less the offset */
	*out = timegm(&tm) - offset;
	return 0;
}

time_t clock_now(void)
{
	const char *fixed = getenv("CRMGATE_NOW");
	time_t t;

	if (!fixed || !*fixed)
		return time(NULL);
	if (parse_instant(&t, fixed))
		BUG("CRMGATE_NOW '%s' is not of the form 2026-12-07T22:30:00+08:00", fixed);
	return t;
}
