/* gen/plan.c - planning: each customer, lead, opportunity, order, activity and
 * complaint recomputed from its own random stream wherever it is needed. */
#include "gen/gen_internal.h"

#include <math.h>
#include <string.h>

#include "common/banned.h"

void gen_cust_plan(struct gen *g, long c, struct cust *cu)
{
	struct rng r;
	double z, zc;
	int u;

	gen_rng_init(&r, g->seed, TAG_CUST, (uint64_t)c, 0);
	cu->idx = c;
	z = gen_rng_normal(&r);
	cu->size = exp(SIZE_SIGMA * z);
	zc = z + 0.3 * gen_rng_normal(&r);
	if (zc > 1.645)
		cu->category = 0; /* top 5 %: 大客户 */
	else if (zc > 0.842)
		cu->category = 1; /* next 15 %: 重点客户 */
	else
		cu->category = gen_rng_chance(&r, 0.4) ? 3 : 4;
	u = (int)gen_rng_below(&r, 100);
	cu->status = u < 8 ? 1 : u < 14 ? 2 : 0;
	cu->owner = (int)gen_rng_below(&r, g->nsp);
	if (cu->status == 1)
		cu->created = g->today - (int)gen_rng_range(&r, 7, 365);
	else
		cu->created = g->today - (int)gen_rng_range(&r, 30, 1460);
	cu->start = gen_maxi(cu->created, g->today - HISTORY_DAYS);
	cu->end = g->today - 1;
	if (cu->status == 2) /* inactive: it stopped buying some time ago */
		cu->end = gen_mini(g->today - 1, gen_maxi(cu->start + 30, g->today - (int)gen_rng_range(&r, 60, 720)));
	if (cu->category == 0) {
		cu->credit_days = 90;
		cu->credit_limit = gen_rng_range(&r, 100, 300) * 1000000LL;
	} else if (cu->category == 1) {
		cu->credit_days = 60;
		cu->credit_limit = gen_rng_range(&r, 30, 100) * 1000000LL;
	} else {
		static const int days[] = { 0, 15, 30, 30, 45 };
		cu->credit_days = PICK(&r, days);
		cu->credit_limit = gen_rng_range(&r, 0, 20) * 1000000LL;
	}
	gen_company_make(g, &r, &cu->co, cu->category == 0);
	cu->co.domain_no = c + 1;
	cu->co.domain_tag = 'c';
}

void gen_lead_plan(struct gen *g, long l, struct lead *ld)
{
	struct rng r;
	int age;

	gen_rng_init(&r, g->seed, TAG_LEAD, (uint64_t)l, 0);
	ld->idx = l;
	ld->customer = -1;
	ld->source = gen_rng_weighted(&r, gen_lead_source_weights, (int)gen_lead_source_weights_n);
	gen_company_make(g, &r, &ld->co, 0);
	ld->co.domain_no = l + 1;
	ld->co.domain_tag = 'l';
	ld->owner = (int)gen_rng_below(&r, g->nsp);
	if (gen_rng_chance(&r, 0.15)) {
		/* converted: it became the customer it names */
		struct cust cu;
		ld->status = 2;
		ld->customer = (long)(((uint64_t)l * (uint64_t)g->lead_step) % (uint64_t)g->ncust);
		gen_cust_plan(g, ld->customer, &cu);
		ld->created = cu.created - (int)gen_rng_range(&r, 14, 180);
		ld->owner = cu.owner;
		ld->co = cu.co;
		return;
	}
	ld->created = g->today - (int)gen_rng_range(&r, 1, 730);
	age = g->today - ld->created;
	ld->status = gen_rng_weighted(&r, age < 30 ? gen_lead_young_status : gen_lead_old_status, 4);
	if (ld->status == 0 && gen_rng_chance(&r, 0.4))
		ld->owner = -1;
}

const char *const gen_opp_status_names[] = { "open", "won", "lost", "abandoned" };

static long long round_yuan(double cents, long long step_yuan)
{
	long long step = step_yuan * 100;
	long long v = (long long)(cents / (double)step + 0.5) * step;
	return v < step ? step : v;
}

/* A customer's size, damped: both how often and how much it buys. */
double gen_cust_scale(const struct cust *cu)
{
	return sqrt(cu->size) / exp(SIZE_SIGMA * SIZE_SIGMA / 8); /* that is, E[sqrt(size)] */
}

static long cust_contact(struct gen *g, const struct cust *cu, struct rng *r)
{
	uint32_t first = g->contact_first[cu->idx], n = g->contact_first[cu->idx + 1] - first;
	return (long)first + gen_rng_below(r, (long)n) + 1;
}

void gen_opp_plan(struct gen *g, const struct cust *cu, long id, struct opp *op)
{
	struct rng r;
	int u, d, last, end, points, span, lo;
	double p_prj = cu->category == 0 ? 0.5 : cu->category == 1 ? 0.3 : 0.1;

	gen_rng_init(&r, g->seed, TAG_OPP, (uint64_t)id, 0);
	op->id = id;
	op->mode = gen_rng_chance(&r, p_prj);
	op->nstages = gen_modes[op->mode].nstages;
	u = (int)gen_rng_below(&r, 100);
	if (cu->status == 1) /* a potential customer has not bought yet */
		op->status = u < 60 ? OPP_OPEN : u < 90 ? OPP_LOST : OPP_ABANDONED;
	else
		op->status = u < 38 ? OPP_WON : u < 65 ? OPP_LOST : u < 75 ? OPP_ABANDONED : OPP_OPEN;
	if (cu->status == 2 && op->status == OPP_OPEN)
		op->status = OPP_ABANDONED; /* nobody follows an inactive customer */
	last = cu->status == 2 ? cu->end : g->today - 1;
	d = (int)gen_rng_range(&r, 10, 250);
	if (op->status != OPP_OPEN && cu->start + d > last) {
		d = last - cu->start;
		if (d < 0 || (cu->status != 2 && d < 10)) {
			op->status = OPP_OPEN;
			d = 0;
		}
	}
	if (op->status != OPP_OPEN) {
		op->created = cu->start + (int)gen_rng_below(&r, last - d - cu->start + 1);
		op->closed = op->created + d;
		end = op->closed;
	} else {
		lo = gen_mini(gen_maxi(cu->start, g->today - 300), g->today - 1);
		op->created = lo + (int)gen_rng_below(&r, g->today - lo);
		op->closed = 0;
		end = g->today - 1;
	}
	if (op->status == OPP_WON) {
		op->stage = op->nstages;
		points = op->nstages - 1;
	} else {
		op->stage = 1 + gen_rng_weighted(&r, gen_modes[op->mode].open_weights, op->nstages - 1);
		points = op->stage;
	}
	span = end - op->created;
	op->entered[0] = op->created;
	for (int i = 1; i < points; i++)
		op->entered[i] =
			op->created + (int)((double)span * ((double)i - 0.4 + 0.8 * gen_rng_unif(&r)) / points);
	if (op->status == OPP_WON)
		op->entered[op->nstages - 1] = op->closed;
	if (op->status == OPP_OPEN) {
		if (gen_rng_chance(&r, 0.15)) /* overdue: expected to close already */
			op->expected = g->today - (int)gen_rng_range(&r, 1, 45);
		else
			op->expected = g->today + (int)gen_rng_range(&r, 7, 180);
	} else {
		op->expected = op->closed + (int)gen_rng_range(&r, -30, 30);
	}
	op->expected = gen_maxi(op->expected, op->created);
	op->amount = round_yuan(4000000.0 * gen_cust_scale(cu) * exp(0.5 * gen_rng_normal(&r)) * (op->mode ? 2.5 : 1.0),
				100);
	op->owner = gen_rng_chance(&r, 0.9) ? cu->owner : (int)gen_rng_below(&r, g->nsp);
	op->contact = gen_rng_chance(&r, 0.85) ? cust_contact(g, cu, &r) : 0;
	op->reason = -1;
	op->competitor = -1;
	if (op->status == OPP_LOST) {
		op->reason = gen_rng_weighted(&r, gen_fail_reason_weights, (int)gen_fail_reason_weights_n);
		if (gen_rng_chance(&r, 0.8))
			op->competitor = (int)gen_rng_below(&r, (long)gen_competitors_n);
	} else if (op->status == OPP_ABANDONED && gen_rng_chance(&r, 0.6)) {
		op->reason = 100 + (int)gen_rng_below(&r, (long)gen_abandon_reasons_n);
	}
	op->line = (int)gen_rng_below(&r, (long)gen_product_lines_n);
	op->suffix = (int)gen_rng_below(&r, (long)gen_opp_suffixes_n);
}

static void add_order(struct gen *g, size_t *n, long opp, int day, int owner, long long target)
{
	ALLOC_GROW(g->orders, *n + 1, g->orders_alloc);
	g->orders[*n].opp = opp;
	g->orders[*n].day = day;
	g->orders[*n].owner = owner;
	g->orders[*n].target = target;
	(*n)++;
}

/* A customer's orders into g->orders, by date: one for each won
 * opportunity, and repeat business as often as its size says. */
size_t gen_cust_orders(struct gen *g, const struct cust *cu)
{
	struct rng r;
	struct opp op;
	size_t n = 0;
	double years;
	long k;

	if (cu->status == 1)
		return 0;
	for (uint32_t o = g->opp_first[cu->idx]; o < g->opp_first[cu->idx + 1]; o++) {
		gen_opp_plan(g, cu, (long)o + 1, &op);
		if (op.status == OPP_WON)
			add_order(g, &n, op.id, op.closed, op.owner, op.amount);
	}
	gen_rng_init(&r, g->seed, TAG_ORDERS, (uint64_t)cu->idx, 0);
	years = (double)(cu->end - cu->start + 1) / 365.0;
	/* a customer buys: one that won no opportunity has at least one order */
	k = (n ? 0 : 1) + (years > 0 ? gen_rng_poisson(&r, 0.45 * years * gen_cust_scale(cu)) : 0);
	while (k-- > 0) {
		int day = cu->start + (int)gen_rng_below(&r, cu->end - cu->start + 1);
		long long target = round_yuan(2500000.0 * gen_cust_scale(cu) * exp(0.6 * gen_rng_normal(&r)), 10);
		int owner = gen_rng_chance(&r, 0.95) ? cu->owner : (int)gen_rng_below(&r, g->nsp);
		add_order(g, &n, 0, day, owner, target);
	}
	for (size_t i = 1; i < n; i++) { /* insertion sort: a customer has few orders */
		struct order t = g->orders[i];
		size_t j = i;
		for (; j > 0 && g->orders[j - 1].day > t.day; j--)
			g->orders[j] = g->orders[j - 1];
		g->orders[j] = t;
	}
	return n;
}

int gen_pick_product(struct gen *g, struct rng *r)
{
	double x = gen_rng_unif(r) * g->product_cum[g->nproducts - 1];
	int lo = 0, hi = g->nproducts - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (g->product_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The lines of order id, aiming at target cents; returns how many (<= 6). */
int gen_order_lines(struct gen *g, long id, long long target, int category, struct line *lines)
{
	static const int nline_weights[] = { 30, 25, 18, 12, 9, 6 };
	struct rng r;
	double share[6], sum = 0;
	double disc_max = category == 0 ? 0.25 : category == 1 ? 0.18 : 0.12;
	int n;

	gen_rng_init(&r, g->seed, TAG_LINES, (uint64_t)id, 0);
	n = 1 + gen_rng_weighted(&r, nline_weights, 6);
	n = gen_mini(n, 1 + (int)(target / 1000000));
	for (int i = 0; i < n; i++) {
		share[i] = 0.5 + gen_rng_unif(&r);
		sum += share[i];
	}
	for (int i = 0; i < n; i++) {
		double want = (double)target * share[i] / sum;
		int best = -1;
		double best_miss = 0;
		/* something that fits the budget: from one to a few hundred of it */
		for (int t = 0; t < 8; t++) {
			int p = gen_pick_product(g, &r);
			double qty = want / (double)g->products[p].price;
			double miss = qty < 0.7 ? 0.7 / qty : qty > 200 ? qty / 200 : 0;
			if (best < 0 || miss < best_miss) {
				best = p;
				best_miss = miss;
			}
			if (miss == 0)
				break;
		}
		long long list = g->products[best].price;
		long long price = (long long)((double)list * (1.0 - disc_max * gen_rng_unif(&r)));
		if (price >= 10000)
			price -= price % 100;
		long qty = (long)(want / (double)price + 0.5);
		lines[i].product = best;
		lines[i].qty = qty < 1 ? 1 : qty > 999 ? 999 : qty;
		lines[i].price = price;
		lines[i].cost = g->products[best].cost;
	}
	return n;
}

long long gen_lines_total(const struct line *lines, int n)
{
	long long total = 0;
	for (int i = 0; i < n; i++)
		total += lines[i].qty * lines[i].price;
	return total;
}

void gen_billing_plan(struct gen *g, const struct cust *cu, long order_id, int day, long long total, struct billing *b)
{
	struct rng r;
	gen_rng_init(&r, g->seed, TAG_BILLING, (uint64_t)order_id, 0);
	memset(b, 0, sizeof(*b));
	b->inv_day = day + (int)gen_rng_range(&r, 0, 20);
	b->invoiced = gen_rng_chance(&r, g->today - day < 30 ? 0.6 : 0.93) && b->inv_day <= g->today - 1;
	if (!b->invoiced)
		return;
	b->inv_amount = total;
	b->rec_day = b->inv_day + (int)gen_rng_range(&r, 0, cu->credit_days + 30);
	b->paid = gen_rng_chance(&r, cu->status == 2 ? 0.65 : 0.92) && b->rec_day <= g->today - 1;
	b->rec_amount = total;
	if (b->paid && gen_rng_chance(&r, 0.08)) /* paid in part: arrears remain */
		b->rec_amount = total * (long long)gen_rng_range(&r, 30, 80) / 100;
}

const char *const gen_act_status_names[] = { "planned", "done", "cancelled" };

void gen_act_make(struct gen *g, struct rng *r, int lo, int hi, struct act *a)
{
	static const int remind_minutes[] = { 30, 60, 1440 };
	int day, age;

	a->type = gen_rng_weighted(r, gen_activity_type_weights, (int)gen_activity_type_weights_n);
	a->subject = (int)gen_rng_below(r, 3);
	day = hi > lo ? lo + (int)gen_rng_below(r, hi - lo + 1) : lo;
	a->planned = gen_at_time(day, gen_office_minute(r));
	a->remind = gen_rng_chance(r, 0.6) ? a->planned - PICK(r, remind_minutes) : NO_TIME;
	a->done = NO_TIME;
	a->reviewed = NO_TIME;
	a->result = -1;
	a->review = -1;
	age = g->today - day;
	if (age <= 0) {
		a->status = ACT_PLANNED;
	} else {
		static const int old[] = { 0, 90, 10 }, recent[] = { 24, 70, 6 };
		a->status = gen_rng_weighted(r, age > 90 ? old : recent, 3);
	}
	if (a->status == ACT_DONE) {
		a->done = a->planned + gen_rng_range(r, 30, 180);
		a->result = (int)gen_rng_below(r, (long)gen_activity_results_n);
		if (day <= g->today - 4 && gen_rng_chance(r, 0.2)) {
			a->review = (int)gen_rng_below(r, (long)gen_reviews_n);
			a->reviewed = gen_at_time(day + (int)gen_rng_range(r, 1, 3), gen_office_minute(r));
		}
	} else if (a->status == ACT_CANCELLED && gen_rng_chance(r, 0.5)) {
		a->result = 100 + (int)gen_rng_below(r, (long)gen_cancel_results_n);
	}
}

static void add_act(struct gen *g, size_t *n, const struct act *a)
{
	ALLOC_GROW(g->acts, *n + 1, g->acts_alloc);
	g->acts[(*n)++] = *a;
}

/* A customer's activities into g->acts: its own, then its opportunities'. */
size_t gen_cust_acts(struct gen *g, const struct cust *cu)
{
	struct rng r;
	struct act a;
	struct opp op;
	size_t n = 0;
	long k;
	int hi = cu->status == 2 ? cu->end : g->today + 30;

	gen_rng_init(&r, g->seed, TAG_ACTS, (uint64_t)cu->idx, 0);
	k = gen_rng_poisson(&r,
			    cu->status == 1 ? 0.6 : 0.7 * pow(cu->size, 0.3) / exp(0.045 * SIZE_SIGMA * SIZE_SIGMA));
	while (k-- > 0) {
		gen_act_make(g, &r, cu->start, hi, &a);
		a.contact = gen_rng_chance(&r, 0.7) ? cust_contact(g, cu, &r) : 0;
		a.opp = 0;
		a.lead = 0;
		a.owner = cu->owner;
		add_act(g, &n, &a);
	}
	for (uint32_t o = g->opp_first[cu->idx]; o < g->opp_first[cu->idx + 1]; o++) {
		gen_opp_plan(g, cu, (long)o + 1, &op);
		gen_rng_init(&r, g->seed, TAG_OPP_ACTS, (uint64_t)o + 1, 0);
		k = op.status == OPP_OPEN || op.status == OPP_WON ? gen_rng_range(&r, 1, 3) : gen_rng_range(&r, 0, 2);
		while (k-- > 0) {
			gen_act_make(g, &r, op.created, op.status == OPP_OPEN ? g->today + 21 : op.closed, &a);
			a.contact = op.contact && gen_rng_chance(&r, 0.8) ? op.contact : 0;
			a.opp = op.id;
			a.lead = 0;
			a.owner = op.owner;
			add_act(g, &n, &a);
		}
	}
	return n;
}

const char *const gen_complaint_status_names[] = {
	"new", "assigned", "processing", "resolved", "verified", "reopened"
};
const char *const gen_complaint_notes[] = { "登记投诉",		  "已分配处理人",
					    "开始处理",		  "已处理完毕，等待客户验证",
					    "客户确认问题已解决", "客户反馈问题未解决，重新打开" };

void gen_complaint_plan(struct gen *g, struct rng *r, const struct cust *cu, struct complaint *cp)
{
	static const int fresh[] = { 40, 30, 30, 0, 0, 0 }, recent[] = { 0, 10, 30, 35, 20, 5 },
			 old[] = { 0, 0, 4, 14, 77, 5 };
	int day = cu->start + 7 + (int)gen_rng_below(r, gen_maxi(1, g->today - 1 - (cu->start + 7) + 1));
	int age, target;
	int64_t now = gen_at_time(g->today, 0), t;

	day = gen_mini(day, g->today - 1);
	cp->reason = gen_rng_weighted(r, gen_complaint_reason_weights, (int)gen_complaint_reason_weights_n);
	cp->text = (int)gen_rng_below(r, 3);
	cp->contact = gen_rng_chance(r, 0.8) ? cust_contact(g, cu, r) : 0;
	cp->product = gen_rng_chance(r, 0.85) ? gen_pick_product(g, r) : -1;
	cp->assignee = gen_rng_chance(r, 0.7) ? cu->owner : (int)gen_rng_below(r, g->nsp);
	age = g->today - day;
	target = gen_rng_weighted(r, age < 3 ? fresh : age < 30 ? recent : old, 6);
	t = gen_at_time(day, gen_office_minute(r) + (int)gen_rng_below(r, 30));
	cp->steps[0] = CP_NEW;
	cp->at[0] = t;
	cp->nsteps = 1;
	/* walk the workflow towards target, stopping at what has happened by now */
	int path[4] = { CP_ASSIGNED, CP_PROCESSING, CP_RESOLVED, target };
	int len = target <= CP_RESOLVED ? target : 4;
	for (int i = 0; i < len; i++) {
		switch (path[i]) {
		case CP_ASSIGNED: t += gen_rng_range(r, 30, 1440); break;
		case CP_PROCESSING: t += gen_rng_range(r, 60, 2880); break;
		case CP_RESOLVED: t += gen_rng_range(r, 1, 10) * 1440 + gen_rng_range(r, 0, 480); break;
		default: t += gen_rng_range(r, 1, 7) * 1440 + gen_rng_range(r, 0, 480); break;
		}
		if (t >= now)
			break;
		cp->steps[cp->nsteps] = path[i];
		cp->at[cp->nsteps] = t;
		cp->nsteps++;
	}
}
