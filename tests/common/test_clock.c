/* tests/common/test_clock.c - clock_now: the real time, or the instant a
 * test hands in through CRMGATE_NOW, whatever zone it is written in. */
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "testlib.h"
#include "common/clock.h"
#include "common/xalloc.h"

Test(clock, is_the_real_time_unless_set)
{
	time_t before, after, t;

	unsetenv("CRMGATE_NOW");
	before = time(NULL);
	t = clock_now();
	after = time(NULL);
	cr_assert(t >= before && t <= after, "%lld not in [%lld, %lld]", (long long)t, (long long)before,
		  (long long)after);
	setenv("CRMGATE_NOW", "", 1);
	t = clock_now();
	cr_assert(t >= before && t <= time(NULL), "empty: %lld", (long long)t);
}

static const struct {
	const char *now;
	long long want; /* seconds since the epoch, worked out by hand */
} instants[] = {
	{ "2026-12-07T22:30:00+08:00", 1796653800 }, { "2026-12-07T14:30:00Z", 1796653800 },
	{ "2026-12-07T14:30:00+00:00", 1796653800 }, { "2031-03-04T22:30:00-05:30", 1930449600 },
	{ "1970-01-01T08:00:01+08:00", 1 },
};

Test(clock, is_the_instant_handed_in)
{
	for (size_t i = 0; i < ARRAY_SIZE(instants); i++) {
		setenv("CRMGATE_NOW", instants[i].now, 1);
		/* the same at every call: a fixed clock */
		cr_expect_eq((long long)clock_now(), instants[i].want, "%s: %lld", instants[i].now,
			     (long long)clock_now());
		cr_expect_eq((long long)clock_now(), instants[i].want, "%s, again", instants[i].now);
	}
}

/* A seam set wrong is the test's mistake: it stops the program, never
 * runs it at some other time. */
static const char *const malformed[] = {
	"2026-12-07T22:30:00",
	"2026-12-07 22:30:00+08:00",
	"2026-12-07T22:30:00+8",
	"2026-13-07T22:30:00Z",
	"2026-12-07T24:30:00Z",
	"2026-12-07T22:30:00+08:00x",
	"tomorrow",
};

ParameterizedTestParameters(clock, refuses_another_form)
{
	TEST_CASE_INDICES(malformed);
}

ParameterizedTest(size_t *i, clock, refuses_another_form, .signal = SIGABRT)
{
	setenv("CRMGATE_NOW", malformed[*i], 1);
	clock_now();
	cr_assert_fail("'%s' was taken", malformed[*i]);
}
