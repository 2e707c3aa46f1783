/* gen/activities.c - activities, expenses and complaints with their logs. */
#include "gen/gen_internal.h"

#include "common/banned.h"

/* subject = pre + short name + post, per type */
static const char *const subjects[4][3][2] = {
	{ { "拜访", "" }, { "", "季度回访" }, { "走访", "了解需求" } },
	{ { "电话沟通", "采购需求" }, { "电话跟进报价：", "" }, { "电话回访", "" } },
	{ { "", "项目启动会" }, { "", "方案评审会" }, { "与", "商务洽谈" } },
	{ { "", "产品演示" }, { "为", "做方案演示" }, { "", "现场试用演示" } },
};

static const char *reviewer(struct gen *g, int owner)
{
	int head = g->sp[owner].dept;
	return head == owner ? "ceo" : g->sp[head].login;
}

static void w_activity(struct gen *g, long id, const struct act *a, long cust, const struct company *co)
{
	struct out *w = &g->w;
	const char *const *subj = subjects[a->type][a->subject];

	gen_w_int(w, id);
	gen_w_code(w, "AC", id, 8);
	gen_w_str(w, gen_activity_types[a->type]);
	gen_w_sep(w);
	gen_a_str(w, subj[0]);
	gen_a_company_short(w, co);
	gen_a_str(w, subj[1]);
	gen_w_ref(w, cust);
	gen_w_ref(w, a->contact);
	gen_w_ref(w, a->opp);
	gen_w_ref(w, a->lead);
	gen_w_int(w, a->owner + 1);
	gen_w_time(w, a->planned);
	gen_w_time(w, a->remind);
	gen_w_time(w, a->done);
	gen_w_str(w, gen_act_status_names[a->status]);
	if (a->result < 0)
		gen_w_null(w);
	else
		gen_w_str(w, a->result >= 100 ? gen_cancel_results[a->result - 100] : gen_activity_results[a->result]);
	if (a->review < 0) {
		gen_w_null(w);
		gen_w_null(w);
		gen_w_null(w);
	} else {
		gen_w_str(w, gen_reviews[a->review]);
		gen_w_str(w, reviewer(g, a->owner));
		gen_w_time(w, a->reviewed);
	}
	gen_w_end(g);
}

void gen_activities(struct gen *g)
{
	struct cust cu;
	struct lead ld;
	struct rng r;
	struct act a;
	long id = 0;

	gen_out_begin(g, "activities", "crm.activity", g->ncust * 18 / 10);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		size_t n;
		gen_cust_plan(g, c, &cu);
		n = gen_cust_acts(g, &cu);
		for (size_t k = 0; k < n; k++)
			w_activity(g, ++id, &g->acts[k], c + 1, &cu.co);
	}
	for (long l = 0; l < g->nleads && !g->rc; l++) {
		long k;
		gen_lead_plan(g, l, &ld);
		if (ld.owner < 0)
			continue;
		gen_rng_init(&r, g->seed, TAG_LEAD_ACTS, (uint64_t)l, 0);
		k = ld.status == 1 || ld.status == 2 ? gen_rng_range(&r, 1, 3) : gen_rng_range(&r, 0, 1);
		while (k-- > 0) {
			gen_act_make(g, &r, ld.created, gen_mini(ld.created + 120, g->today + 14), &a);
			a.contact = 0;
			a.opp = 0;
			a.lead = l + 1;
			a.owner = ld.owner;
			w_activity(g, ++id, &a, 0, &ld.co);
		}
	}
	g->st.activities = gen_out_end(g);
}

/* ------------------------------------------------------------------ expenses */

enum { EX_TRAVEL, EX_ENTERTAIN, EX_GIFT, EX_TRANSPORT, EX_MEETING, EX_SAMPLE, EX_PHONE };

static void w_expense(struct gen *g, struct rng *r, long *id, int type, int day, long opp, long act, long cust, int sp)
{
	struct out *w = &g->w;
	long long cents = gen_rng_range(r, gen_expense_lo[type] / 100, gen_expense_hi[type] / 100) * 100;
	gen_w_int(w, ++*id);
	gen_w_code(w, "EX", *id, 8);
	gen_w_str(w, gen_expense_types[type]);
	gen_w_money(w, cents);
	gen_w_date(w, day);
	gen_w_ref(w, opp);
	gen_w_ref(w, act);
	gen_w_ref(w, cust);
	gen_w_int(w, sp + 1);
	gen_w_end(g);
}

void gen_expenses(struct gen *g)
{
	static const int visit_types[] = { EX_TRAVEL, EX_ENTERTAIN, EX_TRANSPORT, EX_GIFT };
	static const int visit_weights[] = { 40, 25, 25, 10 };
	static const int opp_types[] = { EX_ENTERTAIN, EX_GIFT, EX_MEETING, EX_SAMPLE };
	static const int opp_weights[] = { 40, 20, 15, 25 };
	struct cust cu;
	struct opp op;
	struct rng r;
	long id = 0, act_id = 0;

	gen_out_begin(g, "expenses", "crm.expense", g->ncust / 2);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		size_t n;
		gen_cust_plan(g, c, &cu);
		n = gen_cust_acts(g, &cu);
		gen_rng_init(&r, g->seed, TAG_EXPENSES, (uint64_t)c, 0);
		for (size_t k = 0; k < n; k++) {
			const struct act *a = &g->acts[k];
			act_id++;
			if (a->status != ACT_DONE || a->type == 1 || !gen_rng_chance(&r, 0.35))
				continue; /* only visits, meetings and demonstrations cost money */
			w_expense(g, &r, &id, visit_types[gen_rng_weighted(&r, visit_weights, 4)],
				  gen_time_day(a->done), 0, act_id, 0, a->owner);
		}
		for (uint32_t o = g->opp_first[c]; o < g->opp_first[c + 1]; o++) {
			long k;
			int end;
			gen_opp_plan(g, &cu, (long)o + 1, &op);
			if (!gen_rng_chance(&r, 0.25))
				continue;
			end = op.status == OPP_OPEN ? g->today - 1 : op.closed;
			for (k = gen_rng_range(&r, 1, 2); k > 0; k--)
				w_expense(g, &r, &id, opp_types[gen_rng_weighted(&r, opp_weights, 4)],
					  op.created + (int)gen_rng_below(&r, end - op.created + 1), op.id, 0, 0,
					  op.owner);
		}
		if (cu.status != 1 && gen_rng_chance(&r, 0.08)) { /* a holiday gift for the customer */
			int day = cu.start + (int)gen_rng_below(&r, cu.end - cu.start + 1);
			w_expense(g, &r, &id, EX_GIFT, day, 0, 0, c + 1, cu.owner);
		}
	}
	/* every salesperson's monthly phone bill, the last twelve months */
	for (int s = 0; s < g->nsp && !g->rc; s++) {
		int y, m, d;
		gen_rng_init(&r, g->seed, TAG_EXPENSES, (uint64_t)g->ncust + (uint64_t)s, 1);
		gen_civil_from_days(g->today, &y, &m, &d);
		for (int k = 12; k >= 1; k--) {
			int mm = m - k, yy = y;
			while (mm < 1) {
				mm += 12;
				yy--;
			}
			w_expense(g, &r, &id, EX_PHONE, gen_days_from_civil(yy, mm, 25), 0, 0, 0, s);
		}
	}
	g->st.expenses = gen_out_end(g);
}

/* ---------------------------------------------------------------- complaints */

void gen_complaints(struct gen *g, int log)
{
	struct out *w = &g->w;
	struct cust cu;
	struct complaint cp;
	struct rng r;
	long id = 0, log_id = 0;

	if (log)
		gen_out_begin(g, "complaint log", "crm.complaint_log", g->st.complaints * 4);
	else
		gen_out_begin(g, "complaints", "crm.complaint", g->ncust / 15);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		long norders = (long)(g->order_first[c + 1] - g->order_first[c]), k;
		if (!norders)
			continue;
		gen_cust_plan(g, c, &cu);
		gen_rng_init(&r, g->seed, TAG_COMPLAINTS, (uint64_t)c, 0);
		k = gen_rng_poisson(&r, 0.03 + 0.02 * (double)norders);
		for (k = k > 20 ? 20 : k; k > 0; k--) {
			int64_t at[6] = { NO_TIME, NO_TIME, NO_TIME, NO_TIME, NO_TIME, NO_TIME };
			gen_complaint_plan(g, &r, &cu, &cp);
			id++;
			for (int s = 0; s < cp.nsteps; s++)
				at[cp.steps[s]] = cp.at[s];
			if (log) {
				for (int s = 0; s < cp.nsteps; s++) {
					int st = cp.steps[s];
					gen_w_int(w, ++log_id);
					gen_w_int(w, id);
					gen_w_str(w, gen_complaint_status_names[st]);
					gen_w_ref(w, st == CP_NEW ? 0 : cp.assignee + 1);
					if (st == CP_NEW)
						gen_w_str(w, "custadmin");
					else if (st == CP_PROCESSING || st == CP_RESOLVED)
						gen_w_str(w, g->sp[cp.assignee].login);
					else
						gen_w_str(w, "service");
					gen_w_time(w, cp.at[s]);
					gen_w_str(w, gen_complaint_notes[st]);
					gen_w_end(g);
				}
				continue;
			}
			gen_w_int(w, id);
			gen_w_code(w, "CP", id, 7);
			gen_w_int(w, c + 1);
			gen_w_ref(w, cp.contact);
			gen_w_ref(w, cp.product + 1);
			gen_w_str(w, gen_complaint_reasons[cp.reason]);
			gen_w_str(w, gen_complaint_texts[cp.reason][cp.text]);
			gen_w_time(w, cp.at[0]);
			gen_w_str(w, gen_complaint_status_names[cp.steps[cp.nsteps - 1]]);
			gen_w_ref(w, cp.nsteps > 1 ? cp.assignee + 1 : 0);
			gen_w_time(w, at[CP_RESOLVED]);
			gen_w_time(w, at[CP_VERIFIED]);
			gen_w_time(w, at[CP_ASSIGNED]); /* outside the CSV contract */
			gen_w_end(g);
		}
	}
	if (log)
		g->st.complaint_log = gen_out_end(g);
	else
		g->st.complaints = gen_out_end(g);
}
