/* analytics/rank.c - the product and category sales rankings. */
#include "analytics/rank.h"

#include <stdlib.h>
#include <string.h>

#include "analytics/query.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "common/banned.h"

static const struct an_part products[] = {
	{ "products", "Sales by product 产品销售排名",
	  "SELECT r.* FROM a, crm.an_products(a.f, a.t, a.owners, a.top) r" },
};

static const struct an_part categories[] = {
	{ "categories", "Sales by product category 产品类销售排名",
	  "SELECT r.* FROM a, crm.an_categories(a.f, a.t, a.owners, a.top) r" },
};

static const struct an_label labels[] = {
	{ "quantity", "quantity 数量" },
	{ "revenue", "revenue 收入" },
	{ "profit", "profit 利润" },
	{ "products_sold", "products sold 售出产品数" },
};

static const char figures_sql[] = "SELECT r.quantity, r.revenue, r.profit, r.products AS products_sold"
				   " FROM a, crm.an_sales_total(a.f, a.t, a.owners) r";

int an_products(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(products, figures_sql, labels);
	return an_query_report(r, db, p, &spec, err);
}

int an_categories(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(categories, figures_sql, labels);
	return an_query_report(r, db, p, &spec, err);
}

void an_rank_svg(const struct an_report *r, struct buf *out)
{
	const struct an_table *t = r->ntables ? &r->tables[0] : NULL;
	int n = t ? crm_res_rows(t->res) : 0, name = -1;
	struct an_svg_list l;
	char *title;

	for (int c = 0; t && c < crm_res_cols(t->res); c++)
		if (strstr(crm_res_name(t->res, c), "_name"))
			name = c;
	an_svg_list_init(&l, n < AN_SVG_MAX_ITEMS ? n : AN_SVG_MAX_ITEMS);
	for (int i = 0; i < l.n; i++) {
		const char *label = name >= 0 ? crm_res_get(t->res, i, name) : NULL;
		an_svg_number(&l.notes[i], an_cell_number(t->res, i, "revenue"));
		buf_addf(&l.notes[i], " (%.1f%%)", 100 * an_cell_number(t->res, i, "share"));
		l.items[i].label = label ? label : "(none 无)";
		l.items[i].value = an_cell_number(t->res, i, "revenue");
	}
	an_svg_list_notes(&l);
	title = xstrfmt("%s · revenue 收入, top %d", t ? t->title : r->title, l.n);
	an_svg_bars(out, title, l.items, l.n);
	an_svg_list_release(&l);
	free(title);
}
