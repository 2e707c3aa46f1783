/* common/date.h - days of the proleptic Gregorian calendar written YYYY-MM-DD
 * (ISO 8601 calendar dates), checked by one rule: the rule of crm.is_date and
 * crm.valid_ymd in sql/001_core.sql (years 1 to 9999).
 *
 * Every part that reads a date from the user (a filter, a report's --from and
 * --to, a merge field's date picture, gen's --start) checks it here, so that
 * what one accepts the others and the database accept too. */
#ifndef COMMON_DATE_H
#define COMMON_DATE_H

/* A calendar day: year 1-9999, month 1-12, day 1-31. */
struct date {
	int y, m, d;
};

/* Is y a leap year of the Gregorian calendar? */
int date_is_leap(int y);
/* The days of month m (1-12) of year y. */
int date_days_in_month(int y, int m);
/* Is y-m-d a day of the calendar, year 1 to 9999? 1 or 0. */
int date_valid(int y, int m, int d);

/* Read the day that s starts with, written YYYY-MM-DD (exactly four, two and
 * two digits): 0, and the day in *out (out may be NULL), or -1 when s does
 * not start with one (2025-02-29 is no day). Whatever follows the 10 bytes
 * is the caller's (a time, say). */
int date_parse_prefix(struct date *out, const char *s);
/* date_parse_prefix for a string that must hold nothing but the day. */
int date_parse(struct date *out, const char *s);
/* Is s a day written YYYY-MM-DD, nothing before or after? 1 or 0. */
int date_is_ymd(const char *s);

#endif
