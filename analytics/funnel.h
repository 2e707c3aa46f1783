/* analytics/funnel.h - the sales funnel 销售漏斗: open opportunities by
 * stage, stage-to-stage conversion and the win rate, and the forecast by
 * expected close month (sql/008_analytics.sql). */
#ifndef ANALYTICS_FUNNEL_H
#define ANALYTICS_FUNNEL_H

#include "analytics/report.h"

/* Tables: stages (main), conversion, forecast. */
int an_funnel(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* One band per stage, width by amount. */
void an_funnel_svg(const struct an_report *r, struct buf *out);

#endif
