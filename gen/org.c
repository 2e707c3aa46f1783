/* gen/org.c - the organisation and the catalogue: departments, salespeople, users,
 * categories, regions, products, sales modes and stages, competitors. */
#include "gen/gen_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/banned.h"

static void a_chinese_number(struct out *w, int n)
{
	if (n >= 100) {
		gen_a_str(w, "一百");
		return;
	}
	if (n >= 20)
		gen_a_str(w, gen_chinese_digits[n / 10]);
	if (n >= 10)
		gen_a_str(w, "十");
	gen_a_str(w, gen_chinese_digits[n % 10]);
}

/* The salespeople and the catalogue, which every later table draws on. */
void gen_setup(struct gen *g)
{
	struct rng r;
	struct person p;
	long n;

	g->nsp = (int)((g->ncust + 199) / 200);
	g->nsp = gen_clampi(g->nsp, 5, 2000);
	g->ndept = gen_clampi((g->nsp + 9) / 10, 3, 100);
	g->sp = xcalloc((size_t)g->nsp, sizeof(*g->sp));
	gen_rng_init(&r, g->seed, TAG_ORG, 1, 0);
	for (int i = 0; i < g->nsp; i++) {
		struct salesperson *s = &g->sp[i];
		gen_person_make(&r, &p);
		snprintf(s->code, sizeof(s->code), "S%04d", i + 1);
		snprintf(s->login, sizeof(s->login), "s%04d", i + 1);
		gen_person_name(s->name, sizeof(s->name), &p);
		snprintf(s->email, sizeof(s->email), "%s%s.%s%d@corp.example.test", p.g1->py, p.g2 ? p.g2->py : "",
			 p.sur->py, i + 1);
		s->dept = i % g->ndept; /* salesperson d heads department d */
	}

	n = 0;
	for (size_t i = 0; i < gen_product_lines_n; i++)
		n += gen_product_lines[i].nvariants;
	g->nproducts = (int)n;
	g->products = xcalloc((size_t)n, sizeof(*g->products));
	g->product_cum = xcalloc((size_t)n, sizeof(*g->product_cum));
	n = 0;
	for (size_t i = 0; i < gen_product_lines_n; i++) {
		const struct product_line *pl = &gen_product_lines[i];
		double base;
		gen_rng_init(&r, g->seed, TAG_PRODUCT, i, 0);
		base = pl->lo + (pl->hi - pl->lo) * gen_rng_unif(&r);
		for (int v = 0; v < pl->nvariants; v++, n++) {
			struct product *pr = &g->products[n];
			double price = base * (1.0 + 0.7 * v);
			long long step = price >= 10000 ? 100 : price >= 1000 ? 10 : 1;
			pr->line = (int)i;
			pr->category = pl->category;
			pr->price = ((long long)(price / (double)step + 0.5)) * step * 100;
			pr->cost = ((long long)((double)pr->price * (0.45 + 0.3 * gen_rng_unif(&r)) / 100.0)) * 100;
			if (pl->nvariants == 1)
				snprintf(pr->name, sizeof(pr->name), "%s", pl->base);
			else
				snprintf(pr->name, sizeof(pr->name), "%s %s", pl->base,
					 pl->software ? gen_editions[v] : gen_models[v]);
		}
	}
	/* popularity: a few products sell most (Zipf-like, in a shuffled order) */
	{
		int *rank = xcalloc((size_t)g->nproducts, sizeof(*rank));
		double cum = 0;
		gen_rng_init(&r, g->seed, TAG_PRODUCT, 1000, 0);
		for (int i = 0; i < g->nproducts; i++)
			rank[i] = i;
		for (int i = g->nproducts - 1; i > 0; i--) {
			int j = (int)gen_rng_below(&r, i + 1), t = rank[i];
			rank[i] = rank[j];
			rank[j] = t;
		}
		for (int i = 0; i < g->nproducts; i++) {
			cum += 1.0 / (rank[i] + 4);
			g->product_cum[i] = cum;
		}
		free(rank);
	}
}

static void gen_tree(struct gen *g, const char *stage, const char *table, const struct category *rows, size_t n)
{
	struct out *w = &g->w;
	gen_out_begin(g, stage, table, (long)n);
	for (size_t i = 0; i < n; i++) {
		gen_w_int(w, (long long)i + 1);
		gen_w_str(w, rows[i].code);
		gen_w_str(w, rows[i].name);
		gen_w_ref(w, rows[i].parent + 1);
		gen_w_end(g);
	}
	gen_out_end(g);
}

void gen_org(struct gen *g)
{
	struct out *w = &g->w;
	struct rng r;
	struct person p;
	long id;

	gen_out_begin(g, "departments", "crm.department", g->ndept + 4);
	gen_w_int(w, 1);
	gen_w_str(w, "D00");
	gen_w_str(w, "公司");
	gen_w_null(w);
	gen_w_end(g);
	for (int d = 0; d < g->ndept; d++) {
		gen_w_int(w, d + 2);
		gen_w_code(w, "D", d + 1, 2);
		gen_w_sep(w);
		gen_a_str(w, "销售");
		a_chinese_number(w, d + 1);
		gen_a_str(w, "部");
		gen_w_int(w, 1);
		gen_w_end(g);
	}
	{
		static const char *const staff[][2] = { { "MKT", "市场部" }, { "SVC", "客服部" }, { "FIN", "财务部" } };
		for (size_t i = 0; i < ARRAY_SIZE(staff); i++) {
			gen_w_int(w, g->ndept + 2 + (long long)i);
			gen_w_str(w, staff[i][0]);
			gen_w_str(w, staff[i][1]);
			gen_w_int(w, 1);
			gen_w_end(g);
		}
	}
	g->st.departments = gen_out_end(g);

	gen_out_begin(g, "salespeople", "crm.salesperson", g->nsp);
	gen_rng_init(&r, g->seed, TAG_ORG, 2, 0);
	for (int i = 0; i < g->nsp; i++) {
		gen_w_int(w, i + 1);
		gen_w_str(w, g->sp[i].code);
		gen_w_str(w, g->sp[i].name);
		gen_w_int(w, g->sp[i].dept + 2);
		gen_w_str(w, g->sp[i].email);
		gen_w_mobile(w, &r);
		gen_w_end(g);
	}
	g->st.salespeople = gen_out_end(g);

	gen_out_begin(g, "users", "crm.app_user", g->nsp + 5);
	id = 1;
	gen_w_int(w, id++);
	gen_w_str(w, "admin");
	gen_w_str(w, "系统管理员");
	gen_w_str(w, "admin");
	gen_w_null(w);
	gen_w_end(g);
	for (int i = 0; i < g->nsp; i++) {
		gen_w_int(w, id++);
		gen_w_str(w, g->sp[i].login);
		gen_w_str(w, g->sp[i].name);
		gen_w_str(w, i < g->ndept ? "sales_manager" : "salesperson");
		gen_w_int(w, i + 1);
		gen_w_end(g);
	}
	{
		static const char *const staff[][2] = { { "custadmin", "customer_admin" },
							{ "marketer", "marketer" },
							{ "service", "service_supervisor" },
							{ "ceo", "executive" } };
		gen_rng_init(&r, g->seed, TAG_ORG, 3, 0);
		for (size_t i = 0; i < ARRAY_SIZE(staff); i++) {
			gen_person_make(&r, &p);
			gen_w_int(w, id++);
			gen_w_str(w, staff[i][0]);
			gen_w_sep(w);
			gen_a_person_name(w, &p);
			gen_w_str(w, staff[i][1]);
			gen_w_null(w);
			gen_w_end(g);
		}
	}
	g->st.users = gen_out_end(g);

	gen_tree(g, "customer categories", "crm.customer_category", gen_customer_categories, gen_customer_categories_n);

	gen_out_begin(g, "regions", "crm.region", (long)(gen_regions_n + gen_provinces_n));
	for (size_t i = 0; i < gen_regions_n; i++) {
		gen_w_int(w, (long long)i + 1);
		gen_w_str(w, gen_regions[i].code);
		gen_w_str(w, gen_regions[i].name);
		gen_w_null(w);
		gen_w_end(g);
	}
	for (size_t i = 0; i < gen_provinces_n; i++) {
		gen_w_int(w, (long long)(gen_regions_n + i) + 1);
		gen_w_str(w, gen_provinces[i].code);
		gen_w_str(w, gen_provinces[i].name);
		gen_w_int(w, gen_provinces[i].region + 1);
		gen_w_end(g);
	}
	gen_out_end(g);

	gen_tree(g, "product categories", "crm.product_category", gen_product_categories, gen_product_categories_n);

	gen_out_begin(g, "products", "crm.product", g->nproducts);
	for (int i = 0; i < g->nproducts; i++) {
		const struct product *pr = &g->products[i];
		gen_w_int(w, i + 1);
		gen_w_code(w, "PR", i + 1, 4);
		gen_w_str(w, pr->name);
		gen_w_int(w, pr->category + 1);
		gen_w_str(w, gen_product_lines[pr->line].unit);
		gen_w_money(w, pr->price);
		gen_w_money(w, pr->cost);
		gen_w_end(g);
	}
	g->st.products = gen_out_end(g);

	gen_out_begin(g, "sales modes", "crm.sales_mode", (long)gen_modes_n);
	for (size_t i = 0; i < gen_modes_n; i++) {
		gen_w_int(w, (long long)i + 1);
		gen_w_str(w, gen_modes[i].code);
		gen_w_str(w, gen_modes[i].name);
		gen_w_end(g);
	}
	gen_out_end(g);
	gen_out_begin(g, "sales stages", "crm.sales_stage", 11);
	id = 1;
	for (size_t i = 0; i < gen_modes_n; i++) {
		for (int s = 0; s < gen_modes[i].nstages; s++) {
			gen_w_int(w, id++);
			gen_w_int(w, (long long)i + 1);
			gen_w_int(w, s + 1);
			gen_w_str(w, gen_modes[i].stages[s].name);
			gen_w_int(w, gen_modes[i].stages[s].probability);
			gen_w_end(g);
		}
	}
	gen_out_end(g);

	gen_out_begin(g, "competitors", "crm.competitor", (long)gen_competitors_n);
	for (size_t i = 0; i < gen_competitors_n; i++) {
		gen_w_int(w, (long long)i + 1);
		gen_w_code(w, "K", (long)i + 1, 2);
		gen_w_str(w, gen_competitors[i].name);
		gen_w_str(w, gen_competitors[i].strengths);
		gen_w_str(w, gen_competitors[i].weaknesses);
		gen_w_str(w, gen_competitors[i].products);
		gen_w_end(g);
	}
	g->st.competitors = gen_out_end(g);
}
