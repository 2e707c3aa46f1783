/* analytics/rank.h - the sales rankings: 产品销售排名 by product and
 * 产品类销售排名 by product category, over the order lines of the period
 * (sql/008_analytics.sql: crm.an_products, crm.an_categories). */
#ifndef ANALYTICS_RANK_H
#define ANALYTICS_RANK_H

#include "analytics/report.h"

/* Table "products": rank, product_code, product_name, quantity, revenue, profit, share. */
int an_products(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Table "categories": the same with category_code, category_name. */
int an_categories(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Bars of the revenue of the first rows of the main table. */
void an_rank_svg(const struct an_report *r, struct buf *out);

#endif
