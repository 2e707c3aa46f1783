/* gen/sales.c - orders, order lines, invoices and receipts. */
#include "gen/gen_internal.h"

#include "common/banned.h"

/* One pass over every customer's orders, writing one of the four tables. */
void gen_sales(struct gen *g, int table)
{
	static const char *const stages[] = { "orders", "order lines", "invoices", "receipts" };
	static const char *const names[] = { "crm.sales_order", "crm.order_line", "crm.invoice", "crm.receipt" };
	struct out *w = &g->w;
	struct cust cu;
	struct line lines[6];
	struct billing b;
	long order_id = 0, line_id = 0, invoice_id = 0, receipt_id = 0;
	long total = table == ORDERS ? g->ncust * 3 / 2 : g->st.orders * (table == ORDER_LINES ? 5 : 1) / 2;

	if (table == ORDERS)
		g->order_first = xcalloc((size_t)g->ncust + 1, sizeof(*g->order_first));
	gen_out_begin(g, stages[table], names[table], total);
	for (long c = 0; c < g->ncust && !g->rc; c++) {
		size_t n;
		if (table != ORDERS && g->order_first[c] == g->order_first[c + 1])
			continue;
		gen_cust_plan(g, c, &cu);
		n = gen_cust_orders(g, &cu);
		if (table == ORDERS)
			g->order_first[c] = (uint32_t)order_id;
		else
			order_id = g->order_first[c];
		for (size_t k = 0; k < n; k++) {
			const struct order *od = &g->orders[k];
			int nlines;
			order_id++;
			if (table == ORDERS) {
				gen_w_int(w, order_id);
				gen_w_code(w, "SO", order_id, 8);
				gen_w_int(w, c + 1);
				gen_w_ref(w, od->opp);
				gen_w_int(w, od->owner + 1);
				gen_w_date(w, od->day);
				gen_w_end(g);
				continue;
			}
			nlines = gen_order_lines(g, order_id, od->target, cu.category, lines);
			if (table == ORDER_LINES) {
				for (int i = 0; i < nlines; i++) {
					gen_w_int(w, ++line_id);
					gen_w_int(w, order_id);
					gen_w_int(w, lines[i].product + 1);
					gen_w_int(w, lines[i].qty);
					gen_w_money(w, lines[i].price);
					gen_w_money(w, lines[i].cost);
					gen_w_end(g);
				}
				continue;
			}
			gen_billing_plan(g, &cu, order_id, od->day, gen_lines_total(lines, nlines), &b);
			if (!b.invoiced)
				continue;
			invoice_id++;
			if (table == INVOICES) {
				gen_w_int(w, invoice_id);
				gen_w_code(w, "IV", invoice_id, 8);
				gen_w_int(w, order_id);
				gen_w_int(w, c + 1);
				gen_w_date(w, b.inv_day);
				gen_w_money(w, b.inv_amount);
				gen_w_end(g);
			} else if (b.paid) {
				gen_w_int(w, ++receipt_id);
				gen_w_code(w, "RC", receipt_id, 8);
				gen_w_int(w, c + 1);
				gen_w_int(w, invoice_id);
				gen_w_date(w, b.rec_day);
				gen_w_money(w, b.rec_amount);
				gen_w_end(g);
			}
		}
	}
	if (table == ORDERS)
		g->order_first[g->ncust] = (uint32_t)order_id;
	switch (table) {
	case ORDERS: g->st.orders = gen_out_end(g); break;
	case ORDER_LINES: g->st.order_lines = gen_out_end(g); break;
	case INVOICES: g->st.invoices = gen_out_end(g); break;
	default: g->st.receipts = gen_out_end(g); break;
	}
}
