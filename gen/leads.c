/* gen/leads.c - leads (intent customers), their contacts, and product intents. */
#include "gen/gen_internal.h"

#include <math.h>

#include "common/banned.h"

static const char *const lead_status_names[] = { "new", "following", "converted", "invalid" };

void gen_leads(struct gen *g)
{
	struct out *w = &g->w;
	struct lead ld;

	gen_out_begin(g, "leads", "crm.lead", g->nleads);
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		gen_lead_plan(g, l, &ld);
		gen_w_int(w, l + 1);
		gen_w_code(w, "L", l + 1, 7);
		gen_w_sep(w);
		gen_a_company_name(w, &ld.co);
		gen_w_str(w, gen_lead_sources[ld.source]);
		gen_w_str(w, gen_industries[ld.co.industry].name);
		gen_w_int(w, gen_province_id(ld.co.city));
		gen_w_str(w, lead_status_names[ld.status]);
		gen_w_ref(w, ld.owner + 1);
		gen_w_company_phone(w, &ld.co);
		gen_w_company_email(w, &ld.co);
		gen_w_company_address(w, &ld.co);
		gen_w_company_postcode(w, &ld.co);
		gen_w_date(w, ld.created);
		gen_w_ref(w, ld.customer + 1);
		gen_w_end(g);
	}
	g->st.leads = gen_out_end(g);
}

void gen_lead_contacts(struct gen *g)
{
	static const int count_weights[] = { 65, 25, 10 };
	struct out *w = &g->w;
	struct lead ld;
	struct rng r;
	struct person p;
	long id = 0;

	gen_out_begin(g, "lead contacts", "crm.lead_contact", g->nleads * 145 / 100);
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		int n;
		gen_lead_plan(g, l, &ld);
		gen_rng_init(&r, g->seed, TAG_LEAD_CONTACTS, (uint64_t)l, 0);
		n = 1 + gen_rng_weighted(&r, count_weights, 3);
		for (int k = 0; k < n; k++) {
			const struct title *t = k ? &PICK_LIST(&r, gen_titles) : &PICK_LIST(&r, gen_top_titles);
			gen_person_make(&r, &p);
			gen_w_int(w, ++id);
			gen_w_code(w, "LC", id, 7);
			gen_w_int(w, l + 1);
			gen_w_sep(w);
			gen_a_person_name(w, &p);
			gen_w_str(w, p.female ? "女" : "男");
			gen_w_str(w, t->title);
			if (gen_rng_chance(&r, 0.6))
				gen_w_date(w, gen_birthday(g, &r));
			else
				gen_w_null(w);
			if (gen_rng_chance(&r, 0.9))
				gen_w_mobile(w, &r);
			else
				gen_w_null(w);
			if (gen_rng_chance(&r, 0.7))
				gen_w_person_email(w, &p, &ld.co);
			else
				gen_w_null(w);
			if (gen_rng_chance(&r, 0.2)) {
				gen_w_company_address(w, &ld.co);
				gen_w_company_postcode(w, &ld.co);
			} else {
				gen_w_null(w);
				gen_w_null(w);
			}
			gen_w_bool(w, gen_rng_chance(&r, 0.03));
			gen_w_bool(w, gen_rng_chance(&r, 0.03));
			gen_w_bool(w, gen_rng_chance(&r, 0.02));
			gen_w_end(g);
		}
	}
	g->st.lead_contacts = gen_out_end(g);
}

/* ---------------------------------------------------------- product intents */

static const char *const intent_status_names[] = { "unconfirmed", "confirmed", "converted", "closed" };

static void w_intent(struct gen *g, struct rng *r, long *id, long cust, long lead, int lo, int hi, int status,
		     double scale)
{
	struct out *w = &g->w;
	int product = gen_pick_product(g, r);
	int created = lo + (int)gen_rng_below(r, gen_maxi(1, hi - lo + 1));
	int expected = created + (int)gen_rng_range(r, 30, 180);
	double want = 2000000.0 * scale * exp(0.5 * gen_rng_normal(r));
	long qty = (long)(want / (double)g->products[product].price + 0.5);

	if (status < 0) {
		static const int done[] = { 15, 15, 35, 35 }, pending[] = { 50, 50, 0, 0 };
		status = gen_rng_weighted(r, expected < g->today ? done : pending, 4);
	}
	gen_w_int(w, ++*id);
	gen_w_code(w, "PI", *id, 7);
	gen_w_ref(w, cust);
	gen_w_ref(w, lead);
	gen_w_int(w, product + 1);
	gen_w_int(w, qty < 1 ? 1 : qty > 9999 ? 9999 : qty);
	gen_w_date(w, expected);
	gen_w_str(w,
		  gen_intent_sources[gen_rng_weighted(r, gen_intent_source_weights, (int)gen_intent_source_weights_n)]);
	gen_w_str(w, intent_status_names[status]);
	gen_w_date(w, created);
	gen_w_end(g);
}

void gen_intents(struct gen *g)
{
	static const int cust_counts[] = { 65, 25, 10 }, lead_counts[] = { 40, 45, 15 };
	struct cust cu;
	struct lead ld;
	struct rng r;
	long id = 0;

	gen_out_begin(g, "product intents", "crm.product_intent", g->ncust * 45 / 100 + g->nleads * 75 / 100);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		int n;
		gen_cust_plan(g, c, &cu);
		gen_rng_init(&r, g->seed, TAG_INTENTS, (uint64_t)c, 0);
		n = cu.status == 1 ? (int)gen_rng_range(&r, 1, 2) : gen_rng_weighted(&r, cust_counts, 3);
		for (int k = 0; k < n; k++)
			w_intent(g, &r, &id, c + 1, 0, cu.created, g->today - 1, -1, gen_cust_scale(&cu));
	}
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		int n, status;
		gen_lead_plan(g, l, &ld);
		gen_rng_init(&r, g->seed, TAG_LEAD_INTENTS, (uint64_t)l, 0);
		n = gen_rng_weighted(&r, lead_counts, 3);
		status = ld.status == 2 ? 2 : ld.status == 3 ? 3 : -1;
		for (int k = 0; k < n; k++)
			w_intent(g, &r, &id, ld.customer + 1, l + 1, ld.created,
				 gen_mini(g->today - 1, ld.created + 60), status, 1.0);
	}
	g->st.intents = gen_out_end(g);
}
