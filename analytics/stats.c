/* analytics/stats.c - intents, complaints, activities and won/lost
 * opportunities: tables from SQL, and a chart for each. */
#include "analytics/stats.h"

#include <stdlib.h>

#include "analytics/query.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define CALL(fn) "SELECT r.* FROM a, crm." fn "(a.f, a.t, a.owners) r"

/* ----------------------------------------------------------------- intents */

static const struct an_part intent_parts[] = {
	{ "leads", "Intent customers by status and source 意向客户统计", CALL("an_leads") },
	{ "products", "Product intents by product and status 产品意向统计", CALL("an_product_intents") },
	{ "sources", "Intents by source 意向来源统计", CALL("an_intent_sources") },
};

static const struct an_label intent_labels[] = {
	{ "leads_total", "intent customers 意向客户" },
	{ "converted_total", "converted 已转化" },
	{ "conversion", "conversion 转化率" },
	{ "intents_total", "product intents 产品意向" },
};

static const char intent_sql[] =
	"SELECT coalesce(sum(r.leads), 0) AS leads_total, coalesce(sum(r.converted), 0) AS converted_total,"
	" CASE WHEN sum(r.leads) > 0 THEN round(sum(r.converted) / sum(r.leads), 4) END"
	" AS conversion, coalesce(sum(r.intents), 0) AS intents_total"
	" FROM a, crm.an_intent_sources(a.f, a.t, a.owners) r";

int an_intents(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(intent_parts, intent_sql, intent_labels);
	return an_query_report(r, db, p, &spec, err);
}

/* -------------------------------------------------------------- complaints */

static const struct an_part complaint_parts[] = {
	{ "reasons", "Complaints by reason 投诉原因统计", CALL("an_complaint_reasons") },
	{ "statuses", "Complaints by status 按状态", CALL("an_complaint_statuses") },
	{ "products", "Complaints by product 按产品", CALL("an_complaint_products") },
	{ "steps", "Hours per step 各环节用时（小时）", CALL("an_complaint_steps") },
};

static const struct an_label complaint_labels[] = {
	{ "complaints", "complaints 投诉" },
	{ "open", "not yet resolved 未解决" },
	{ "verified", "verified 已验证" },
};

static const char complaint_sql[] = "SELECT count(*) AS complaints,"
				    " count(*) FILTER (WHERE q.status NOT IN ('resolved', 'verified')) AS open,"
				    " count(*) FILTER (WHERE q.status = 'verified') AS verified"
				    " FROM a, crm.an_complaint_set(a.f, a.t, a.owners) q";

int an_complaints(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(complaint_parts, complaint_sql, complaint_labels);
	return an_query_report(r, db, p, &spec, err);
}

/* -------------------------------------------------------------- activities */

static const struct an_part activity_parts[] = {
	{ "types", "Activities by type 按活动类型", CALL("an_activity_types") },
	{ "owners", "Activities by owner 按负责人", CALL("an_activity_owners") },
	{ "statuses", "Activities by status 按状态", CALL("an_activity_statuses") },
};

static const struct an_label activity_labels[] = {
	{ "activities", "activities 活动" },
	{ "done", "done 已完成" },
	{ "overdue", "overdue 逾期" },
};

static const char activity_sql[] = "SELECT coalesce(sum(r.count), 0) AS activities, coalesce(sum(r.done), 0) AS done,"
				   " coalesce(sum(r.overdue), 0) AS overdue"
				   " FROM a, crm.an_activity_types(a.f, a.t, a.owners) r";

int an_activities(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(activity_parts, activity_sql, activity_labels);
	return an_query_report(r, db, p, &spec, err);
}

/* ----------------------------------------------------------- opportunities */

static const struct an_part opportunity_parts[] = {
	{ "fail_reasons", "Lost opportunities by fail reason 失败原因分析", CALL("an_fail_reasons") },
	{ "competitors", "Competitors 商机竞争分析", CALL("an_competitors") },
	{ "statuses", "Opportunities by status 按状态", CALL("an_opportunity_statuses") },
};

static const struct an_label opportunity_labels[] = {
	{ "won", "won 赢单" },
	{ "lost", "lost 丢单" },
	{ "abandoned", "abandoned 放弃" },
	{ "won_amount", "won amount 赢单金额" },
	{ "lost_amount", "lost amount 丢单金额" },
	{ "win_rate", "win rate 赢单率" },
};

static const char opportunity_sql[] = "SELECT r.* FROM a, crm.an_outcomes(a.f, a.t, a.owners, NULL) r";

int an_opportunities(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(opportunity_parts, opportunity_sql, opportunity_labels);
	return an_query_report(r, db, p, &spec, err);
}

/* ------------------------------------------------------------------ charts */

enum chart { BARS, PARETO };

/* A chart of one table: a label column, a value column, and the share
 * column when there is one in the note. */
static void table_chart(const struct an_report *r, struct buf *out, enum chart kind, const char *table,
			const char *label_col, const char *value_col, const char *title)
{
	const struct an_table *t = an_report_find(r, table);
	int label = t ? crm_res_column(t->res, label_col) : -1, share = t ? crm_res_column(t->res, "share") : -1;
	struct an_svg_list l;

	an_svg_list_init(&l, label < 0 ? 0 : crm_res_rows(t->res));
	for (int i = 0; i < l.n; i++) {
		const char *v = crm_res_get(t->res, i, label);
		l.items[i].label = v ? v : "(none 无)";
		l.items[i].value = an_cell_number(t->res, i, value_col);
		an_svg_number(&l.notes[i], l.items[i].value);
		if (share >= 0)
			buf_addf(&l.notes[i], " (%.1f%%)", 100 * an_cell_number(t->res, i, "share"));
	}
	an_svg_list_notes(&l);
	if (kind == PARETO)
		an_svg_pareto(out, title, l.items, l.n);
	else
		an_svg_bars(out, title, l.items, l.n);
	an_svg_list_release(&l);
}

void an_intents_svg(const struct an_report *r, struct buf *out)
{
	table_chart(r, out, BARS, "sources", "source", "intents", "Product intents by source 意向来源");
}

void an_complaints_svg(const struct an_report *r, struct buf *out)
{
	table_chart(r, out, PARETO, "reasons", "reason", "count", "Complaint reasons 投诉原因 (Pareto)");
}

void an_activities_svg(const struct an_report *r, struct buf *out)
{
	table_chart(r, out, BARS, "types", "type", "count", "Activities by type 按活动类型");
}

void an_opportunities_svg(const struct an_report *r, struct buf *out)
{
	table_chart(r, out, PARETO, "fail_reasons", "fail_reason", "lost", "Why we lost 失败原因 (Pareto)");
}
