/* analytics/report.c - a report's tables and figures, and the list of reports. */
#include "analytics/report.h"

#include <stdlib.h>
#include <string.h>

#include "analytics/campaign.h"
#include "analytics/funnel.h"
#include "analytics/rank.h"
#include "analytics/stats.h"
#include "analytics/pyramid.h"
#include "common/xalloc.h"
#include "common/banned.h"

void an_report_init(struct an_report *r, const char *name, const char *title)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->title = title;
}

void an_report_release(struct an_report *r)
{
	for (int i = 0; i < r->ntables; i++)
		crm_res_free(r->tables[i].res);
	for (int i = 0; i < r->nfigures; i++)
		free(r->figures[i].value);
	r->ntables = r->nfigures = 0;
}

void an_report_table(struct an_report *r, const char *name, const char *title, struct crm_res *res)
{
	/* the limit is ours, not the data's: a report that needs more is a bug */
	if (r->ntables == AN_TABLES_MAX)
		abort();
	r->tables[r->ntables++] = (struct an_table){ name, title, res };
}

void an_report_figure(struct an_report *r, const char *name, const char *label, const char *value)
{
	if (r->nfigures == AN_FIGURES_MAX)
		abort();
	r->figures[r->nfigures++] = (struct an_figure){ name, label, value ? xstrdup(value) : NULL };
}

const struct an_table *an_report_find(const struct an_report *r, const char *name)
{
	for (int i = 0; i < r->ntables; i++)
		if (!strcmp(r->tables[i].name, name))
			return &r->tables[i];
	return NULL;
}

const char *an_report_value(const struct an_report *r, const char *name)
{
	for (int i = 0; i < r->nfigures; i++)
		if (!strcmp(r->figures[i].name, name))
			return r->figures[i].value;
	return NULL;
}

/* Every report, in the order the HTML page shows them. */
const struct an_def an_reports[] = {
	{ "funnel", "the sales funnel, stage conversion and win rate, and the forecast by month", an_funnel,
	  an_funnel_svg, "Sales funnel and forecast 销售漏斗与销售预测" },
	{ "pyramid", "customers ranked into value tiers by an indicator (客户价值金字塔)", an_pyramid, an_pyramid_svg,
	  "Customer value pyramid 客户价值金字塔" },
	{ "products", "product sales ranking: quantity, revenue, profit and share", an_products, an_rank_svg,
	  "Product sales ranking 产品销售排名" },
	{ "categories", "product category sales ranking", an_categories, an_rank_svg,
	  "Product category sales ranking 产品类销售排名" },
	{ "intents", "intent customers by status and source, product intents, intent sources", an_intents,
	  an_intents_svg, "Intent analysis 意向分析" },
	{ "complaints", "complaints by reason (Pareto), status and product; hours per step", an_complaints,
	  an_complaints_svg, "Complaint analysis 投诉分析" },
	{ "activities", "activities by type, owner and status, with overdue counts", an_activities, an_activities_svg,
	  "Activity analysis 活动分析" },
	{ "opportunities", "lost opportunities by fail reason and by winning competitor", an_opportunities,
	  an_opportunities_svg, "Won and lost opportunities 失败原因与竞争分析" },
	{ "campaign", "what the campaigns launched in the period sent, by campaign and channel", an_campaigns,
	  an_campaigns_svg, "Campaign results 营销活动结果" },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct an_def *an_report_def(const char *name)
{
	for (const struct an_def *d = an_reports; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

int an_report_run(struct an_report *r, const struct an_def *d, struct crm_db *db, const struct an_params *p,
		  struct err *err)
{
	an_report_init(r, d->name, d->title ? d->title : d->summary);
	return d->run(db, p, r, err);
}
