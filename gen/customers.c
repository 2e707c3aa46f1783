/* gen/customers.c - customers and their contacts. */
#include "gen/gen_internal.h"

#include "common/banned.h"

static const char *const cust_status_names[] = { "active", "potential", "inactive" };

void gen_customers(struct gen *g)
{
	struct out *w = &g->w;
	struct cust cu;

	gen_out_begin(g, "customers", "crm.customer", g->ncust);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		gen_cust_plan(g, c, &cu);
		gen_w_int(w, c + 1);
		gen_w_code(w, "C", c + 1, 7);
		gen_w_sep(w);
		gen_a_company_name(w, &cu.co);
		gen_w_sep(w);
		gen_a_company_short(w, &cu.co);
		gen_w_int(w, cu.category + 1);
		gen_w_int(w, gen_province_id(cu.co.city));
		gen_w_str(w, gen_industries[cu.co.industry].name);
		gen_w_str(w, cust_status_names[cu.status]);
		gen_w_int(w, cu.owner + 1);
		gen_w_company_address(w, &cu.co);
		gen_w_company_postcode(w, &cu.co);
		gen_w_company_phone(w, &cu.co);
		gen_w_company_email(w, &cu.co);
		gen_w_date(w, cu.created);
		/* the credit terms, outside the CSV contract */
		gen_w_int(w, cu.credit_days);
		gen_w_money(w, cu.credit_limit);
		gen_w_end(g);
	}
	g->st.customers = gen_out_end(g);
}

void gen_contacts(struct gen *g)
{
	static const int count_weights[] = { 40, 32, 15, 8, 5 }; /* 2.06 on average */
	struct out *w = &g->w;
	struct cust cu;
	struct rng r;
	struct person p;
	uint32_t id = 0;

	g->contact_first = xcalloc((size_t)g->ncust + 1, sizeof(*g->contact_first));
	gen_out_begin(g, "contacts", "crm.contact", g->ncust * 24 / 10);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		int n;
		gen_cust_plan(g, c, &cu);
		gen_rng_init(&r, g->seed, TAG_CONTACTS, (uint64_t)c, 0);
		n = 1 + gen_rng_weighted(&r, count_weights, 5);
		if (cu.category == 0 && n < 5)
			n++;
		g->contact_first[c] = id;
		for (int k = 0; k < n; k++) {
			const struct title *t = k ? &PICK_LIST(&r, gen_titles) : &PICK_LIST(&r, gen_top_titles);
			gen_person_make(&r, &p);
			gen_w_int(w, ++id);
			gen_w_code(w, "CT", id, 8);
			gen_w_int(w, c + 1);
			gen_w_sep(w);
			gen_a_person_name(w, &p);
			gen_w_str(w, p.female ? "女" : "男");
			gen_w_str(w, t->title);
			gen_w_str(w, t->department);
			/* a tree: everyone reports to someone listed before them,
			 * most to the top */
			if (k == 0)
				gen_w_null(w);
			else if (k == 1 || gen_rng_chance(&r, 0.5))
				gen_w_int(w, g->contact_first[c] + 1);
			else
				gen_w_int(w, g->contact_first[c] + 1 + gen_rng_below(&r, k));
			if (gen_rng_chance(&r, 0.9))
				gen_w_date(w, gen_birthday(g, &r));
			else
				gen_w_null(w);
			if (gen_rng_chance(&r, 0.92))
				gen_w_mobile(w, &r);
			else
				gen_w_null(w);
			if (gen_rng_chance(&r, 0.6)) {
				gen_w_sep(w);
				gen_a_str(w, gen_cities[cu.co.city].area);
				buf_addch(&w->b, '-');
				gen_a_uint(w, (unsigned long long)gen_rng_range(&r, 20000000, 89999999), 8);
				if (gen_rng_chance(&r, 0.3)) {
					buf_addch(&w->b, '-');
					gen_a_uint(w, (unsigned long long)gen_rng_range(&r, 800, 8999), 1);
				}
			} else {
				gen_w_null(w);
			}
			if (gen_rng_chance(&r, 0.85))
				gen_w_person_email(w, &p, &cu.co);
			else
				gen_w_null(w);
			if (gen_rng_chance(&r, 0.3)) {
				gen_w_company_address(w, &cu.co);
				gen_w_company_postcode(w, &cu.co);
			} else {
				gen_w_null(w);
				gen_w_null(w);
			}
			gen_w_bool(w, gen_rng_chance(&r, 0.04));
			gen_w_bool(w, gen_rng_chance(&r, 0.03));
			gen_w_bool(w, gen_rng_chance(&r, 0.02));
			gen_w_end(g);
		}
	}
	g->contact_first[g->ncust] = id;
	g->st.contacts = gen_out_end(g);
}
