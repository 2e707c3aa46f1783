/* gen/opportunities.c - opportunities, their stage history, competitors and teams. */
#include "gen/gen_internal.h"

#include <math.h>

#include "common/banned.h"

static const char *opp_reason(const struct opp *op)
{
	if (op->reason < 0)
		return NULL;
	return op->reason >= 100 ? gen_abandon_reasons[op->reason - 100] : gen_fail_reasons[op->reason];
}

void gen_opportunities(struct gen *g)
{
	struct out *w = &g->w;
	struct cust cu;
	struct opp op;
	struct rng r;
	uint32_t id = 0;

	g->opp_first = xcalloc((size_t)g->ncust + 1, sizeof(*g->opp_first));
	gen_out_begin(g, "opportunities", "crm.opportunity", g->ncust / 2);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		long n;
		gen_cust_plan(g, c, &cu);
		gen_rng_init(&r, g->seed, TAG_OPP_COUNT, (uint64_t)c, 0);
		if (cu.status == 1)
			n = gen_rng_poisson(&r, 0.8);
		else /* E[size^0.4] = exp(0.08 sigma^2) */
			n = gen_rng_poisson(&r, 0.5 * pow(cu.size, 0.4) / exp(0.08 * SIZE_SIGMA * SIZE_SIGMA));
		n = n > 60 ? 60 : n;
		g->opp_first[c] = id;
		while (n-- > 0) {
			gen_opp_plan(g, &cu, (long)++id, &op);
			gen_w_int(w, id);
			gen_w_code(w, "OP", id, 7);
			gen_w_sep(w);
			gen_a_company_short(w, &cu.co);
			gen_a_str(w, gen_product_categories[gen_product_lines[op.line].category].name);
			gen_a_str(w, gen_opp_suffixes[op.suffix]);
			gen_w_int(w, c + 1);
			gen_w_ref(w, op.contact);
			gen_w_int(w, op.owner + 1);
			gen_w_int(w, op.mode + 1);
			gen_w_int(w, op.stage);
			gen_w_money(w, op.amount);
			gen_w_date(w, op.expected);
			gen_w_str(w, gen_opp_status_names[op.status]);
			gen_w_str_or_null(w, opp_reason(&op));
			gen_w_ref(w, op.competitor + 1);
			gen_w_date(w, op.created);
			if (op.status == OPP_OPEN)
				gen_w_null(w);
			else
				gen_w_date(w, op.closed);
			gen_w_end(g);
		}
	}
	g->opp_first[g->ncust] = id;
	g->st.opportunities = gen_out_end(g);
}

static void w_history(struct gen *g, long *id, const struct opp *op, int stage, const char *status, int day,
		      struct rng *r)
{
	struct out *w = &g->w;
	gen_w_int(w, ++*id);
	gen_w_int(w, op->id);
	gen_w_int(w, stage);
	gen_w_str(w, status);
	gen_w_date(w, day);
	gen_w_time(w, gen_at_time(day, gen_office_minute(r) + (int)gen_rng_below(r, 30)));
	gen_w_end(g);
}

/* 进程报告: each stage an opportunity entered, as the stage trigger would
 * have recorded it had a salesperson moved it day by day. */
void gen_stage_history(struct gen *g)
{
	struct cust cu;
	struct opp op;
	struct rng r;
	long id = 0;

	gen_out_begin(g, "stage history", "crm.opportunity_stage_history", g->st.opportunities * 3);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		if (g->opp_first[c] == g->opp_first[c + 1])
			continue;
		gen_cust_plan(g, c, &cu);
		for (uint32_t o = g->opp_first[c]; o < g->opp_first[c + 1]; o++) {
			int open_rows;
			gen_opp_plan(g, &cu, (long)o + 1, &op);
			gen_rng_init(&r, g->seed, TAG_OPP_EXTRA, (uint64_t)op.id, 1);
			open_rows = op.status == OPP_WON ? op.nstages - 1 : op.stage;
			for (int i = 0; i < open_rows; i++)
				w_history(g, &id, &op, i + 1, "open", op.entered[i], &r);
			if (op.status != OPP_OPEN)
				w_history(g, &id, &op, op.stage, gen_opp_status_names[op.status], op.closed, &r);
		}
	}
	g->st.stage_history = gen_out_end(g);
}

/* Competitors met on an opportunity (always the winner of a lost one), and
 * the colleagues helping its owner. */
void gen_opp_links(struct gen *g, int team)
{
	struct out *w = &g->w;
	struct cust cu;
	struct opp op;
	struct rng r;

	if (team)
		gen_out_begin(g, "opportunity team", "crm.opportunity_team", g->st.opportunities / 8);
	else
		gen_out_begin(g, "opportunity competitors", "crm.opportunity_competitor", g->st.opportunities / 2);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		if (g->opp_first[c] == g->opp_first[c + 1])
			continue;
		gen_cust_plan(g, c, &cu);
		for (uint32_t o = g->opp_first[c]; o < g->opp_first[c + 1]; o++) {
			gen_opp_plan(g, &cu, (long)o + 1, &op);
			gen_rng_init(&r, g->seed, TAG_OPP_EXTRA, (uint64_t)op.id, 2);
			if (team) {
				int mate;
				if (g->nsp < 2 || !gen_rng_chance(&r, 0.12))
					continue;
				mate = (op.owner + 1 + (int)gen_rng_below(&r, g->nsp - 1)) % g->nsp;
				gen_w_int(w, op.id);
				gen_w_int(w, mate + 1);
				gen_w_str(w, PICK_LIST(&r, gen_team_roles));
				gen_w_end(g);
			} else {
				int first = op.competitor, n = 0;
				if (first >= 0)
					n = 1 + gen_rng_chance(&r, 0.3);
				else if (gen_rng_chance(&r, 0.3))
					n = (int)gen_rng_range(&r, 1, 2);
				if (first < 0)
					first = (int)gen_rng_below(&r, (long)gen_competitors_n);
				for (int k = 0; k < n; k++) {
					/* distinct: steps through the list from the first */
					gen_w_int(w, op.id);
					gen_w_int(w, (first + k * 3) % (int)gen_competitors_n + 1);
					gen_w_end(g);
				}
			}
		}
	}
	if (team)
		g->st.opportunity_team = gen_out_end(g);
	else
		g->st.opportunity_competitors = gen_out_end(g);
}
