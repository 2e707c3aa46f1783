/* gen/gen_internal.h - what the files of the generator share: its state,
 * the plans of its rows, the fixed tables, the random streams and the COPY
 * writer. Only the files of gen/ include it.
 *
 * Determinism without memory: every row is a pure function of the seed, the
 * options and its own index. Each entity draws from its own xoshiro256**
 * stream, seeded by splitmix64 from (seed, kind of entity, index), so that a
 * later table can recompute what it needs of an earlier one (a customer's
 * owner and size, an opportunity's dates) instead of keeping it. Only three
 * prefix arrays of 32-bit ids per customer are kept (first contact, first
 * opportunity, first order). Tables are streamed in dependency order with
 * COPY ... FROM STDIN (text format) in chunks of about 1 MB, with the
 * foreign keys and plain indexes dropped and made again at the end (see
 * gen/run.c).
 *
 * Customer value is lognormal (sigma 1.75): a customer's number and size of
 * orders both grow with the square root of its "size", so that revenue is
 * Pareto-like, the top fifth of customers bringing about four fifths of it. */
#ifndef GEN_GEN_INTERNAL_H
#define GEN_GEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/xalloc.h"
#include "gen/gen.h"

#define HISTORY_DAYS 1095 /* orders and opportunities: the last three years */
#define SIZE_SIGMA   1.75 /* lognormal spread of customer size */
#define NO_TIME	     INT64_MIN

struct crm_db;
struct crm_entity;

struct name_part {
	const char *hz, *py;
};

struct region {
	const char *code, *name;
};

struct province {
	const char *code, *name, *full; /* full is what an address starts with */
	int region;
	int city_level; /* a municipality: the province is the city */
};

struct city {
	int province;
	const char *name; /* without 市 */
	int postcode;	  /* the first three digits */
	const char *area; /* telephone area code */
	int weight;	  /* share of companies, roughly by economy */
	const char *districts[3];
};

struct word {
	const char *full, *brief; /* 精密机械 / 机械 */
};

struct industry {
	const char *name;
	int weight;
	struct word words[6];
	int nwords;
};

struct category {
	const char *code, *name;
	int parent; /* index, or -1 */
};

/* A product line: nvariants products, named base + variant. */
struct product_line {
	int category;
	const char *base, *unit;
	int lo, hi; /* list price range of the cheapest variant, yuan */
	int nvariants;
	int software; /* variants are editions, not models */
};

struct stage {
	const char *name;
	int probability;
};

struct mode {
	const char *code, *name;
	int nstages;
	struct stage stages[6];
	int open_weights[5]; /* where open and lost opportunities stand: stages 1 .. n-1 */
};

struct competitor {
	const char *name, *strengths, *weaknesses, *products;
};

struct title {
	const char *title, *department;
};

struct rng {
	uint64_t s[4];
};

struct out {
	struct buf b;
	const char *stage; /* for progress: "customers" */
	const char *table; /* "crm.customer" */
	struct buf sql;	   /* COPY ... FROM STDIN */
	int ncols;	   /* the columns it names */
	long rows;	   /* written to this table so far */
	long stmt_rows;	   /* since the current COPY began */
	long total;	   /* expected, for progress */
	int col;	   /* fields in the current row so far */
	int open;	   /* a COPY is in progress */
};

struct salesperson {
	char code[16], login[16], name[16], email[64];
	int dept; /* index of its sales department */
};

struct product {
	char name[64];
	int category, line;
	long long price, cost; /* cents */
};

/* A company's name, address and telephone: customers and leads both have one. */
struct company {
	int city, district, road, number, building, room;
	int brand_a, brand_b, industry, word, suffix, city_prefix;
	int postcode, phone, mail_box;
	long domain_no;	 /* the e-mail domain is brand pinyin + this */
	char domain_tag; /* 'c' customer, 'l' lead */
};

/* One customer, recomputed from its own stream wherever it is needed. */
struct cust {
	long idx;
	double size;  /* lognormal value: orders grow with its square root */
	int category; /* index into gen_customer_categories */
	int status;   /* 0 active, 1 potential, 2 inactive */
	int owner;    /* salesperson index */
	int created;
	int start; /* the first day of its history we generate */
	int end;   /* the last day it buys (yesterday, or when it went inactive) */
	int credit_days;
	long long credit_limit;
	struct company co;
};

/* What a customer buys: won opportunities and repeat orders, in date order. */
struct order {
	long opp; /* id, or 0 */
	int day;
	int owner;
	long long target; /* cents the lines aim at */
};

struct line {
	int product;
	long qty;
	long long price, cost;
};

struct opp {
	long id;
	int mode, nstages, stage, status; /* status: 0 open, 1 won, 2 lost, 3 abandoned */
	int created, closed, expected;
	long long amount;
	long contact; /* id, or 0 */
	int owner;
	int reason;	/* -1: none */
	int competitor; /* -1: none */
	int line, suffix;
	int entered[6]; /* the day it entered stage 1 .. */
};

struct act {
	int type, status; /* status: 0 planned, 1 done, 2 cancelled */
	int subject;
	long contact, opp, lead; /* ids, or 0 */
	int owner;
	int64_t planned, remind, done, reviewed;
	int result, review;
};

struct lead {
	long idx;
	int status; /* 0 new, 1 following, 2 converted, 3 invalid */
	int created;
	long customer; /* converted into (index), or -1 */
	int owner;     /* -1: not assigned yet */
	int source;
	struct company co;
};

struct gen {
	struct crm_db *db;
	struct err *err;
	int rc;
	uint64_t seed;
	long ncust, nleads;
	int today, today_year;
	gen_progress_fn progress;
	void *progress_ctx;

	struct out w;
	struct gen_stats st;
	const struct filled *tables; /* every table it fills */
	size_t ntables;

	int ndept; /* sales departments */
	struct salesperson *sp;
	int nsp;
	struct product *products;
	int nproducts;
	double *product_cum; /* cumulative popularity, for picking */
	int city_total;
	long lead_step; /* converted leads map onto distinct customers */

	uint32_t *contact_first; /* per customer, and one past the end */
	uint32_t *opp_first;
	uint32_t *order_first;

	struct order *orders; /* scratch: one customer's orders */
	size_t orders_alloc;
	struct act *acts; /* scratch: one customer's activities */
	size_t acts_alloc;
};

enum {
	TAG_ORG = 1,
	TAG_PRODUCT,
	TAG_CUST,
	TAG_CONTACTS,
	TAG_LEAD,
	TAG_LEAD_CONTACTS,
	TAG_INTENTS,
	TAG_LEAD_INTENTS,
	TAG_OPP_COUNT,
	TAG_OPP,
	TAG_OPP_EXTRA,
	TAG_ORDERS,
	TAG_LINES,
	TAG_BILLING,
	TAG_ACTS,
	TAG_OPP_ACTS,
	TAG_LEAD_ACTS,
	TAG_EXPENSES,
	TAG_COMPLAINTS,
};

struct person {
	const struct name_part *sur, *g1, *g2;
	int female;
};

enum { OPP_OPEN, OPP_WON, OPP_LOST, OPP_ABANDONED };

/* Whether and when an order is invoiced and paid. */
struct billing {
	int invoiced, inv_day;
	long long inv_amount;
	int paid, rec_day;
	long long rec_amount;
};

enum { ACT_PLANNED, ACT_DONE, ACT_CANCELLED };

enum { CP_NEW, CP_ASSIGNED, CP_PROCESSING, CP_RESOLVED, CP_VERIFIED, CP_REOPENED };

/* One complaint and the workflow steps it went through (each with a time). */
struct complaint {
	long contact;
	int product; /* -1: none */
	int reason, text, assignee;
	int nsteps;   /* steps[0 .. nsteps-1]: new, assigned, processing, resolved, then verified or reopened */
	int steps[5]; /* the status of each step */
	int64_t at[5];
};

enum { ORDERS, ORDER_LINES, INVOICES, RECEIPTS };

/* Every table the generator fills, in the order it fills them, with the
 * row count it wrote (NULL: tables without an id sequence). */
struct filled {
	const char *table;
	const long *rows;
	int has_id;
};

#define PICK(r, array) ((array)[gen_rng_below((r), (long)ARRAY_SIZE(array))])
/* PICK for a fixed table of gen/data.c, which carries its size as name_n */
#define PICK_LIST(r, list) ((list)[gen_rng_below((r), (long)list##_n)])

static inline uint64_t gen_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** */
static inline uint64_t gen_rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = gen_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gen_rotl(s[3], 45);
	return result;
}

/* [0, 1) */
static inline double gen_rng_unif(struct rng *r)
{
	return (double)(gen_rng_next(r) >> 11) * 0x1.0p-53;
}

/* [0, n) */
static inline long gen_rng_below(struct rng *r, long n)
{
	return n > 0 ? (long)(gen_rng_next(r) % (uint64_t)n) : 0;
}

/* [lo, hi] */
static inline long gen_rng_range(struct rng *r, long lo, long hi)
{
	return hi > lo ? lo + gen_rng_below(r, hi - lo + 1) : lo;
}

static inline int gen_rng_chance(struct rng *r, double p)
{
	return gen_rng_unif(r) < p;
}

/* A time is minutes since 1970-01-01 00:00 China time (+08). */
static inline int64_t gen_at_time(int day, int minute)
{
	return (int64_t)day * 1440 + minute;
}

static inline int gen_time_day(int64_t t)
{
	return (int)(t >= 0 ? t / 1440 : -((-t + 1439) / 1440));
}

static inline int gen_clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static inline int gen_maxi(int a, int b)
{
	return a > b ? a : b;
}

static inline int gen_mini(int a, int b)
{
	return a < b ? a : b;
}

/* gen/data.c */
extern const struct name_part gen_surnames[];
extern const size_t gen_surnames_n;
extern const struct name_part gen_male_given[];
extern const size_t gen_male_given_n;
extern const struct name_part gen_female_given[];
extern const size_t gen_female_given_n;
extern const struct name_part gen_brand_chars[];
extern const size_t gen_brand_chars_n;
extern const struct region gen_regions[];
extern const size_t gen_regions_n;
extern const struct province gen_provinces[];
extern const size_t gen_provinces_n;
extern const struct city gen_cities[];
extern const size_t gen_cities_n;
extern const char *const gen_roads[];
extern const size_t gen_roads_n;
extern const struct industry gen_industries[];
extern const size_t gen_industries_n;
extern const char *const gen_company_suffixes[];
extern const int gen_company_suffix_weights[];
extern const size_t gen_company_suffix_weights_n;
extern const struct category gen_customer_categories[];
extern const size_t gen_customer_categories_n;
extern const struct category gen_product_categories[];
extern const size_t gen_product_categories_n;
extern const struct product_line gen_product_lines[];
extern const size_t gen_product_lines_n;
extern const char *const gen_editions[];
extern const char *const gen_models[];
extern const struct mode gen_modes[];
extern const size_t gen_modes_n;
extern const struct competitor gen_competitors[];
extern const size_t gen_competitors_n;
extern const char *const gen_lead_sources[];
extern const int gen_lead_source_weights[];
extern const size_t gen_lead_source_weights_n;
extern const int gen_lead_young_status[];
extern const int gen_lead_old_status[];
extern const char *const gen_intent_sources[];
extern const int gen_intent_source_weights[];
extern const size_t gen_intent_source_weights_n;
extern const char *const gen_fail_reasons[];
extern const int gen_fail_reason_weights[];
extern const size_t gen_fail_reason_weights_n;
extern const char *const gen_abandon_reasons[];
extern const size_t gen_abandon_reasons_n;
extern const char *const gen_opp_suffixes[];
extern const size_t gen_opp_suffixes_n;
extern const struct title gen_top_titles[];
extern const size_t gen_top_titles_n;
extern const struct title gen_titles[];
extern const size_t gen_titles_n;
extern const char *const gen_activity_types[];
extern const int gen_activity_type_weights[];
extern const size_t gen_activity_type_weights_n;
extern const char *const gen_activity_results[];
extern const size_t gen_activity_results_n;
extern const char *const gen_cancel_results[];
extern const size_t gen_cancel_results_n;
extern const char *const gen_reviews[];
extern const size_t gen_reviews_n;
extern const char *const gen_expense_types[];
extern const long long gen_expense_lo[];
extern const long long gen_expense_hi[];
extern const char *const gen_complaint_reasons[];
extern const int gen_complaint_reason_weights[];
extern const size_t gen_complaint_reason_weights_n;
extern const char *const gen_complaint_texts[][3];
extern const char *const gen_team_roles[];
extern const size_t gen_team_roles_n;
extern const char *const gen_chinese_digits[];

/* gen/rng.c */
void gen_rng_init(struct rng *r, uint64_t seed, uint64_t tag, uint64_t a, uint64_t b);
double gen_rng_normal(struct rng *r);
long gen_rng_poisson(struct rng *r, double lambda);
int gen_rng_weighted(struct rng *r, const int *weights, int n);
int gen_days_from_civil(int y, int m, int d);
void gen_civil_from_days(int z, int *y, int *m, int *d);
int gen_parse_date(const char *s, int *out);
int gen_office_minute(struct rng *r);

/* gen/stream.c */
void gen_w_sep(struct out *w);
void gen_a_str(struct out *w, const char *s);
void gen_a_uint(struct out *w, unsigned long long v, int width);
void gen_w_null(struct out *w);
void gen_w_str(struct out *w, const char *s);
void gen_w_str_or_null(struct out *w, const char *s);
void gen_w_int(struct out *w, long long v);
void gen_w_ref(struct out *w, long long id);
void gen_w_code(struct out *w, const char *prefix, long n, int width);
void gen_w_date(struct out *w, int day);
void gen_w_time(struct out *w, int64_t t);
void gen_w_money(struct out *w, long long cents);
void gen_w_bool(struct out *w, int v);
void gen_report(struct gen *g, long done, int end);
const char *gen_copy_sql(struct out *w, const struct crm_entity *e, int has_id);
void gen_out_begin(struct gen *g, const char *stage, const char *table, long total);
void gen_w_end(struct gen *g);
long gen_out_end(struct gen *g);

/* gen/people.c */
void gen_person_make(struct rng *r, struct person *p);
void gen_a_person_name(struct out *w, const struct person *p);
void gen_person_name(char *dst, size_t size, const struct person *p);
void gen_w_mobile(struct out *w, struct rng *r);
int gen_birthday(struct gen *g, struct rng *r);
void gen_company_make(struct gen *g, struct rng *r, struct company *co, int big);
void gen_a_company_name(struct out *w, const struct company *co);
void gen_a_company_short(struct out *w, const struct company *co);
void gen_w_company_email(struct out *w, const struct company *co);
void gen_w_company_address(struct out *w, const struct company *co);
void gen_w_company_postcode(struct out *w, const struct company *co);
void gen_w_company_phone(struct out *w, const struct company *co);
long gen_province_id(int city);
void gen_w_person_email(struct out *w, const struct person *p, const struct company *co);

/* gen/plan.c */
void gen_cust_plan(struct gen *g, long c, struct cust *cu);
void gen_lead_plan(struct gen *g, long l, struct lead *ld);
extern const char *const gen_opp_status_names[];
double gen_cust_scale(const struct cust *cu);
void gen_opp_plan(struct gen *g, const struct cust *cu, long id, struct opp *op);
size_t gen_cust_orders(struct gen *g, const struct cust *cu);
int gen_pick_product(struct gen *g, struct rng *r);
int gen_order_lines(struct gen *g, long id, long long target, int category, struct line *lines);
long long gen_lines_total(const struct line *lines, int n);
void gen_billing_plan(struct gen *g, const struct cust *cu, long order_id, int day, long long total, struct billing *b);
extern const char *const gen_act_status_names[];
void gen_act_make(struct gen *g, struct rng *r, int lo, int hi, struct act *a);
size_t gen_cust_acts(struct gen *g, const struct cust *cu);
extern const char *const gen_complaint_status_names[];
extern const char *const gen_complaint_notes[];
void gen_complaint_plan(struct gen *g, struct rng *r, const struct cust *cu, struct complaint *cp);

/* gen/org.c */
void gen_setup(struct gen *g);
void gen_org(struct gen *g);

/* gen/customers.c */
void gen_customers(struct gen *g);
void gen_contacts(struct gen *g);

/* gen/leads.c */
void gen_leads(struct gen *g);
void gen_lead_contacts(struct gen *g);
void gen_intents(struct gen *g);

/* gen/opportunities.c */
void gen_opportunities(struct gen *g);
void gen_stage_history(struct gen *g);
void gen_opp_links(struct gen *g, int team);

/* gen/sales.c */
void gen_sales(struct gen *g, int table);

/* gen/activities.c */
void gen_activities(struct gen *g);
void gen_expenses(struct gen *g);
void gen_complaints(struct gen *g, int log);

#endif
