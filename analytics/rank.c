/* analytics/rank.c - the product and category sales rankings. */
#include "analytics/rank.h"

#include <stdlib.h>
#include <string.h>

#include "analytics/query.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* Every row of the ranking is computed once into a temporary table; the
 * table printed (the first --top rows) and the totals both read it, so
 * the order lines are scanned once. */
#define RANKED "an_ranked"
#define TOP    "(SELECT nullif(a.top, 0) FROM a)"

static const struct an_part products[] = {
	{ "products", "Sales by product 产品销售排名",
	  "SELECT t.* FROM " RANKED " t ORDER BY t.rank, t.product_code LIMIT " TOP },
};

static const struct an_part categories[] = {
	{ "categories", "Sales by product category 产品类销售排名",
	  "SELECT t.* FROM " RANKED " t ORDER BY t.rank, t.category_code NULLS LAST LIMIT " TOP },
};

static const struct an_label labels[] = {
	{ "quantity", "quantity 数量" },
	{ "revenue", "revenue 收入" },
	{ "profit", "profit 利润" },
	{ "items", "items sold 售出种类" },
};

static const char figures_sql[] =
	"SELECT coalesce(sum(t.quantity), 0) AS quantity, coalesce(sum(t.revenue), 0) AS revenue,"
	" coalesce(sum(t.profit), 0) AS profit, count(*) AS items FROM " RANKED " t";

static int ranking(struct an_report *r, struct crm_db *db, const struct an_params *p, const char *all_sql,
		   const struct an_spec *spec, struct err *err)
{
	int rc = crm_db_begin(db, err);
	if (!rc)
		rc = an_query_temp(db, p, RANKED, all_sql, err);
	if (!rc)
		rc = an_query_report(r, db, p, spec, err);
	if (!rc)
		rc = crm_db_commit(db, err);
	if (rc)
		crm_db_rollback(db);
	return rc;
}

int an_products(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(products, figures_sql, labels);
	return ranking(r, db, p, "SELECT r.* FROM a, crm.an_products(a.f, a.t, a.owners, 0) r", &spec, err);
}

int an_categories(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(categories, figures_sql, labels);
	return ranking(r, db, p, "SELECT r.* FROM a, crm.an_categories(a.f, a.t, a.owners, 0) r", &spec, err);
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
