/* analytics/stats.h - the statistics reports of the manual: intents
 * (意向客户统计, 产品意向统计, 意向来源统计), complaints (投诉原因统计
 * and the time of each step), activities (活动统计) and won/lost
 * opportunities (失败原因分析, 商机竞争分析); sql/008_analytics.sql. */
#ifndef ANALYTICS_STATS_H
#define ANALYTICS_STATS_H

#include "analytics/report.h"

/* Tables: leads (main: status, source, leads), products, sources. */
int an_intents(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Tables: reasons (main: reason, count, share), statuses, products, steps. */
int an_complaints(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Tables: types (main), owners, statuses; each with overdue counts. */
int an_activities(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Tables: fail_reasons (main), competitors, statuses. */
int an_opportunities(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);

/* Their pictures: leads by source, the Pareto of complaint reasons,
 * activities by type, the Pareto of fail reasons. */
void an_intents_svg(const struct an_report *r, struct buf *out);
void an_complaints_svg(const struct an_report *r, struct buf *out);
void an_activities_svg(const struct an_report *r, struct buf *out);
void an_opportunities_svg(const struct an_report *r, struct buf *out);

#endif
