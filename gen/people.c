/* gen/people.c - people and companies: names, mailboxes, telephones, addresses. */
#include "gen/gen_internal.h"

#include <stdio.h>

#include "common/date.h"

#include "common/banned.h"

void gen_person_make(struct rng *r, struct person *p)
{
	double u = gen_rng_unif(r);
	const struct name_part *pool;
	long n;

	/* common surnames come first: favour them */
	p->sur = &gen_surnames[(long)(u * u * (double)gen_surnames_n)];
	p->female = gen_rng_chance(r, 0.42);
	pool = p->female ? gen_female_given : gen_male_given;
	n = p->female ? (long)gen_female_given_n : (long)gen_male_given_n;
	p->g1 = &pool[gen_rng_below(r, n)];
	p->g2 = gen_rng_chance(r, 0.7) ? &pool[gen_rng_below(r, n)] : NULL;
}

void gen_a_person_name(struct out *w, const struct person *p)
{
	gen_a_str(w, p->sur->hz);
	gen_a_str(w, p->g1->hz);
	if (p->g2)
		gen_a_str(w, p->g2->hz);
}

/* given.surname, as Chinese companies spell mailboxes */
static void a_person_mailbox(struct out *w, const struct person *p)
{
	gen_a_str(w, p->g1->py);
	if (p->g2)
		gen_a_str(w, p->g2->py);
	buf_addch(&w->b, '.');
	gen_a_str(w, p->sur->py);
}

void gen_person_name(char *dst, size_t size, const struct person *p)
{
	snprintf(dst, size, "%s%s%s", p->sur->hz, p->g1->hz, p->g2 ? p->g2->hz : "");
}

static const char *const mobile_prefixes[] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
	"155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186", "187", "188", "189",
};

void gen_w_mobile(struct out *w, struct rng *r)
{
	const char *prefix = PICK(r, mobile_prefixes);
	gen_w_sep(w);
	buf_add(&w->b, prefix, 3);
	gen_a_uint(w, (unsigned long long)gen_rng_below(r, 100000000), 8);
}

/* A day in the year of someone aged 24 to 60; about one in 250 is 29 February. */
int gen_birthday(struct gen *g, struct rng *r)
{
	int y = g->today_year - (int)gen_rng_range(r, 24, 60);
	if (gen_rng_chance(r, 0.004)) {
		y -= y % 4;
		if (!date_is_leap(y))
			y -= 4;
		return gen_days_from_civil(y, 2, 29);
	}
	return gen_days_from_civil(y, 1, 1) + (int)gen_rng_below(r, date_is_leap(y) ? 366 : 365);
}

static int pick_city(struct gen *g, struct rng *r)
{
	long x = gen_rng_below(r, g->city_total);
	int i;
	for (i = 0; i < (int)gen_cities_n - 1; i++) {
		x -= gen_cities[i].weight;
		if (x < 0)
			break;
	}
	return i;
}

/* gen_rng_weighted over the industries' weights */
static int pick_industry(struct rng *r)
{
	int total = 0, i, n = (int)gen_industries_n;
	long x;
	for (i = 0; i < n; i++)
		total += gen_industries[i].weight;
	x = gen_rng_below(r, total);
	for (i = 0; i < n - 1; i++) {
		x -= gen_industries[i].weight;
		if (x < 0)
			break;
	}
	return i;
}

void gen_company_make(struct gen *g, struct rng *r, struct company *co, int big)
{
	co->city = pick_city(g, r);
	co->district = (int)gen_rng_below(r, 3);
	co->road = (int)gen_rng_below(r, (long)gen_roads_n);
	co->number = (int)gen_rng_range(r, 1, 999);
	co->building = gen_rng_chance(r, 0.5) ? (int)gen_rng_range(r, 1, 12) : 0;
	co->room = (int)gen_rng_range(r, 1, 28) * 100 + (int)gen_rng_range(r, 1, 20);
	co->brand_a = (int)gen_rng_below(r, (long)gen_brand_chars_n);
	co->brand_b = (int)gen_rng_below(r, (long)gen_brand_chars_n - 1);
	if (co->brand_b >= co->brand_a)
		co->brand_b++;
	co->industry = pick_industry(r);
	co->word = (int)gen_rng_below(r, gen_industries[co->industry].nwords);
	co->suffix = gen_rng_weighted(r, gen_company_suffix_weights, (int)gen_company_suffix_weights_n);
	if (big && gen_rng_chance(r, 0.5))
		co->suffix = gen_rng_chance(r, 0.5) ? 1 : 3;
	co->city_prefix = gen_rng_chance(r, 0.88);
	co->postcode = gen_cities[co->city].postcode * 1000 + (int)gen_rng_below(r, 1000);
	co->phone = (int)gen_rng_range(r, 20000000, 89999999);
	co->mail_box = (int)gen_rng_below(r, 5);
}

static const struct word *company_word(const struct company *co)
{
	return &gen_industries[co->industry].words[co->word];
}

/* 苏州华信精密机械有限公司 */
void gen_a_company_name(struct out *w, const struct company *co)
{
	if (co->city_prefix)
		gen_a_str(w, gen_cities[co->city].name);
	gen_a_str(w, gen_brand_chars[co->brand_a].hz);
	gen_a_str(w, gen_brand_chars[co->brand_b].hz);
	gen_a_str(w, company_word(co)->full);
	gen_a_str(w, gen_company_suffixes[co->suffix]);
}

/* 华信机械 */
void gen_a_company_short(struct out *w, const struct company *co)
{
	gen_a_str(w, gen_brand_chars[co->brand_a].hz);
	gen_a_str(w, gen_brand_chars[co->brand_b].hz);
	gen_a_str(w, company_word(co)->brief);
}

static void a_company_domain(struct out *w, const struct company *co)
{
	gen_a_str(w, gen_brand_chars[co->brand_a].py);
	gen_a_str(w, gen_brand_chars[co->brand_b].py);
	if (co->domain_tag == 'l')
		buf_add(&w->b, "-l", 2);
	gen_a_uint(w, (unsigned long long)co->domain_no, 1);
	buf_adds(&w->b, ".example.test");
}

void gen_w_company_email(struct out *w, const struct company *co)
{
	static const char *const boxes[] = { "info", "sales", "contact", "service", "office" };
	gen_w_sep(w);
	gen_a_str(w, boxes[co->mail_box]);
	buf_addch(&w->b, '@');
	a_company_domain(w, co);
}

/* 江苏省苏州市工业园区人民路328号3栋1205室 */
void gen_w_company_address(struct out *w, const struct company *co)
{
	const struct city *ci = &gen_cities[co->city];
	const struct province *pr = &gen_provinces[ci->province];
	gen_w_sep(w);
	if (!pr->city_level)
		gen_a_str(w, pr->full);
	gen_a_str(w, ci->name);
	gen_a_str(w, "市");
	gen_a_str(w, ci->districts[co->district]);
	gen_a_str(w, gen_roads[co->road]);
	gen_a_uint(w, (unsigned long long)co->number, 1);
	gen_a_str(w, "号");
	if (co->building) {
		gen_a_uint(w, (unsigned long long)co->building, 1);
		gen_a_str(w, "栋");
		gen_a_uint(w, (unsigned long long)co->room, 1);
		gen_a_str(w, "室");
	}
}

void gen_w_company_postcode(struct out *w, const struct company *co)
{
	gen_w_sep(w);
	gen_a_uint(w, (unsigned long long)co->postcode, 6);
}

void gen_w_company_phone(struct out *w, const struct company *co)
{
	gen_w_sep(w);
	gen_a_str(w, gen_cities[co->city].area);
	buf_addch(&w->b, '-');
	gen_a_uint(w, (unsigned long long)co->phone, 8);
}

long gen_province_id(int city)
{
	return (long)gen_regions_n + gen_cities[city].province + 1;
}

void gen_w_person_email(struct out *w, const struct person *p, const struct company *co)
{
	gen_w_sep(w);
	a_person_mailbox(w, p);
	buf_addch(&w->b, '@');
	a_company_domain(w, co);
}
