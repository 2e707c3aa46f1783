/* common/date.c - days of the proleptic Gregorian calendar written YYYY-MM-DD
 * (ISO 8601), the one validator. */
#include "common/date.h"

#include <stddef.h>

#include "common/banned.h"

int date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && date_is_leap(y) ? 29 : days[m - 1];
}

int date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

/* The value of n digits at s, or -1 when one of them is not a digit (the
 * NUL at the end of a short string is not). */
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

int date_parse_prefix(struct date *out, const char *s)
{
	struct date day;

	if (!s || (day.y = digits(s, 4)) < 0 || s[4] != '-' || (day.m = digits(s + 5, 2)) < 0 || s[7] != '-' ||
	    (day.d = digits(s + 8, 2)) < 0 || !date_valid(day.y, day.m, day.d))
		return -1;
	if (out)
		*out = day;
	return 0;
}

int date_parse(struct date *out, const char *s)
{
	struct date day;
	if (date_parse_prefix(&day, s) || s[10])
		return -1;
	if (out)
		*out = day;
	return 0;
}

int date_is_ymd(const char *s)
{
	return !date_parse(NULL, s);
}
