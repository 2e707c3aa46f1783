/* gen/rng.c - random numbers (xoshiro256**, one independent stream per entity) and
 * days (days since 1970-01-01, times in minutes, China time). */
#include "gen/gen_internal.h"

#include <math.h>
#include <string.h>

#include "common/date.h"

#include "common/banned.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The stream of entity kind tag, number a (and b): independent of every other. */
void gen_rng_init(struct rng *r, uint64_t seed, uint64_t tag, uint64_t a, uint64_t b)
{
	uint64_t x = seed;
	x ^= splitmix64(&x) + tag * 0xd1342543de82ef95ULL;
	x ^= splitmix64(&x) + a * 0xa0761d6478bd642fULL;
	x ^= splitmix64(&x) + b * 0xe7037ed1a0b428dbULL;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

double gen_rng_normal(struct rng *r)
{
	double u1 = 1.0 - gen_rng_unif(r); /* (0, 1]: log stays finite */
	double u2 = gen_rng_unif(r);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

long gen_rng_poisson(struct rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda < 30) {
		double limit = exp(-lambda), p = 1.0;
		long k = -1;
		do {
			k++;
			p *= gen_rng_unif(r);
		} while (p > limit);
		return k;
	}
	double v = lambda + sqrt(lambda) * gen_rng_normal(r);
	return v < 0 ? 0 : (long)(v + 0.5);
}

int gen_rng_weighted(struct rng *r, const int *weights, int n)
{
	int total = 0, i;
	for (i = 0; i < n; i++)
		total += weights[i];
	long x = gen_rng_below(r, total);
	for (i = 0; i < n - 1; i++) {
		x -= weights[i];
		if (x < 0)
			break;
	}
	return i;
}

#define PICK(r, array) ((array)[gen_rng_below((r), (long)ARRAY_SIZE(array))])

/* ----------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a Gregorian date (H. Hinnant's algorithm). */
int gen_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int)doe - 719468;
}

void gen_civil_from_days(int z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int gen_parse_date(const char *s, int *out)
{
	struct date d;

	/* the calendar's rule is common/date's; gen's own is the range it plans in */
	if (!s || date_parse(&d, s) || d.y < 1900 || d.y > 9000)
		return -1;
	*out = gen_days_from_civil(d.y, d.m, d.d);
	return 0;
}

/* Office hours: 09:00 .. 17:30 in half hours. */
int gen_office_minute(struct rng *r)
{
	return 540 + 30 * (int)gen_rng_below(r, 18);
}
