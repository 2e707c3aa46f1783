/* analytics/pyramid.h - the customer value pyramid (客户价值金字塔): every
 * customer valued over a period by one indicator, ranked and cut into the
 * tiers of a value model (sql/009_value_model.sql); the Pareto figures;
 * a tier's members; the movement between tiers since a saved run or an
 * earlier period; and the picture. */
#ifndef ANALYTICS_PYRAMID_H
#define ANALYTICS_PYRAMID_H

#include "analytics/report.h"

/* Run the pyramid for p into r (initialised by the caller). Tables:
 *   tiers      tier, customers, value, value_share, min_value, max_value; top tier first
 *   members    with p->members (a tier's name, or "inactive"): that tier's customers by rank
 *   migration  with p->compare: from_tier, then one column per tier and "inactive"
 *   moves      with p->compare: who moved up, down, in (into a tier) and out
 * Figures: indicator, model, customers (ranked), inactive, total_value,
 * top20_share, customers_for_80_share; run (with p->save); compared_with,
 * moved_up, moved_down, moved_in, moved_out (with p->compare).
 * p->by defaults to revenue, p->model to the default model. Bad parameters
 * are ERR_INPUT (a tier, an indicator, a comparison) or ERR_NOTFOUND (a
 * model, a run), naming the value. p->save stores the run in the same
 * transaction as it is computed. */
int an_pyramid(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);

/* The pyramid of r's tiers table: one layer per tier, top tier at the top,
 * each labelled with its customers and share of the value. */
void an_pyramid_svg(const struct an_report *r, struct buf *out);

#endif
