/* common/clock.h - the time "now" for decisions that depend on the hour of
 * day (quiet hours), with a seam for the tests: they hand the program a fixed
 * clock, so that they check what happens at 22:30 and at noon whatever hour
 * they run at. */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <time.h>

/* Now: time(NULL), or, when the environment sets CRMGATE_NOW (a test seam,
 * not a setting: ISO 8601 with a zone, such as 2026-12-07T22:30:00+08:00
 * or 2026-12-07T14:30:00Z), that instant, the same at every call. The
 * database's now() does not follow it: a test that holds messages back
 * until a time computed from it picks an instant in the future. A value of
 * another form is a BUG() (the test's, not the user's). */
time_t clock_now(void);

#endif
