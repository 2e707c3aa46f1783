/* tests/common/test_date.c - the one date validator agrees with the
 * database's rule (crm.is_date, crm.valid_ymd of sql/001_core.sql) on every
 * kind of value: real days, days past a month's end, leap years, years out
 * of range, and strings that only look like dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/date.h"
#include "crm/db.h"

static char *ci;
static struct crm_db *db;
static struct err err;

static void setup(void)
{
	db = test_db_session(&ci);
	err_init(&err);
}

static void teardown(void)
{
	err_release(&err);
	test_db_session_end(db, ci);
}

TestSuite(date, .init = setup, .fini = teardown);

Test(date, every_year_month_and_day_is_judged_as_the_database_judges_it)
{
	struct crm_res *res = NULL;
	int checked = 0;
	/* the edges of the year range, the century and leap years, and days
	 * and months one past either end */
	assert_ok(crm_db_query(&res, db,
			       "SELECT y, m, d, crm.valid_ymd(y, m, d) FROM unnest(ARRAY[0, 1, 4, 100, 1900, 1999, "
			       "2000, 2023, 2024, 2100, 2400, 9999, 10000]) y, generate_series(0, 13) m, "
			       "generate_series(0, 32) d",
			       0, NULL, &err),
		  &err);
	for (int i = 0; i < crm_res_rows(res); i++) {
		int y = atoi(crm_res_get(res, i, 0)), m = atoi(crm_res_get(res, i, 1)),
		    d = atoi(crm_res_get(res, i, 2));
		int want = !strcmp(crm_res_get(res, i, 3), "t");
		char s[32];
		cr_expect_eq(date_valid(y, m, d), want, "date_valid(%d, %d, %d) is %d, crm.valid_ymd says %d", y, m, d,
			     !want, want);
		/* and written out, as crm.is_date reads it (years past 9999 have five digits) */
		snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
		cr_expect_eq(date_is_ymd(s), want && y <= 9999, "'%s'", s);
		checked++;
	}
	crm_res_free(res);
	cr_expect_gt(checked, 6000);
}

/* Strings that are or only look like a day: each must be judged as crm.is_date judges it. */
static const char *const written[] = {
	"2024-02-29",
	"2023-02-29",
	"1900-02-29",
	"2000-02-29",
	"2025-04-31",
	"2025-12-31",
	"0001-01-01",
	"0000-01-01",
	"9999-12-31",
	"2025-1-01",
	"2025-01-1",
	" 2025-01-01",
	"2025-01-01 ",
	"2025-01-01T10:00",
	"2025/01/01",
	"20250101",
	"",
	"2025-01-0a",
	"+025-01-01",
	"2025-00-10",
	"2025-13-01",
	"２０２５-01-01",
	"2025-01-01\n",
	"-2025-01-01",
};

Test(date, a_written_day_is_judged_as_crm_is_date_judges_it)
{
	for (size_t i = 0; i < sizeof(written) / sizeof(*written); i++) {
		const char *params[] = { written[i] };
		char *v = NULL;
		struct date day = { 0, 0, 0 };
		int want;
		assert_ok(crm_db_value(&v, db, "SELECT crm.is_date($1)", 1, params, &err), &err);
		want = !strcmp(v, "t");
		free(v);
		cr_expect_eq(date_is_ymd(written[i]), want, "'%s': crm.is_date says %d", written[i], want);
		cr_expect_eq(date_parse(&day, written[i]) == 0, want, "'%s'", written[i]);
		if (want)
			cr_expect(day.y >= 1 && day.m >= 1 && day.d >= 1, "'%s' read as %d-%d-%d", written[i], day.y,
				  day.m, day.d);
	}
}

Test(date, a_prefix_leaves_what_follows_to_the_caller)
{
	struct date day;
	cr_expect_eq(date_parse_prefix(&day, "2024-02-29T10:00:00Z"), 0);
	cr_expect(day.y == 2024 && day.m == 2 && day.d == 29);
	cr_expect_eq(date_parse_prefix(&day, "2023-02-29T10:00:00Z"), -1);
	cr_expect_eq(date_parse_prefix(&day, "2024-02"), -1);
	cr_expect_eq(date_parse_prefix(NULL, NULL), -1);
	cr_expect_eq(date_parse(&day, "2024-02-29T10:00"), -1);
	cr_expect_eq(date_days_in_month(2100, 2), 28);
	cr_expect_eq(date_days_in_month(2000, 2), 29);
}
