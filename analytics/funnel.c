/* analytics/funnel.c - the sales funnel, conversion and forecast. */
#include "analytics/funnel.h"

#include <stdlib.h>

#include "analytics/query.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* Every table and figure is of one sales mode: the one named, else the one
 * with the most open opportunities (crm.an_mode). A report's figures and its
 * tables are one set of opportunities: the forecast once added up every
 * mode beside a funnel of one (sql/014_funnel_one_mode.sql). */
#define MODE "a.mode_id"

static const struct an_part parts[] = {
	{ "stages", "Open opportunities by stage 按阶段的未结商机",
	  "SELECT r.* FROM a, crm.an_funnel(a.f, a.t, a.owners, " MODE ") r" },
	{ "conversion", "Stage-to-stage conversion 阶段转化率",
	  "SELECT r.* FROM a, crm.an_conversion(a.f, a.t, a.owners, " MODE ") r" },
	{ "forecast", "Forecast by expected close month 按预计成交月份的销售预测",
	  "SELECT r.* FROM a, crm.an_forecast(a.f, a.t, a.owners, " MODE ") r" },
};

static const struct an_label labels[] = {
	{ "sales_mode", "sales mode 销售模式" },   { "open_count", "open opportunities 未结商机" },
	{ "open_amount", "open amount 商机金额" }, { "weighted_total", "weighted amount 加权金额" },
	{ "forecast_total", "forecast 预测收入" }, { "pipeline_total", "pipeline 未加权金额" },
	{ "won_amount", "won 赢单金额" },	   { "won", "won opportunities 赢单数" },
	{ "lost", "lost opportunities 丢单数" },   { "win_rate", "win rate 赢单率" },
};

/* The figures sum the tables they stand above: open_* the stages,
 * forecast_total and pipeline_total the forecast, won_amount the same won
 * opportunities that "won" counts. */
static const char figures_sql[] =
	"SELECT (SELECT m.code || ' ' || m.name FROM crm.sales_mode m WHERE m.id = " MODE ") AS sales_mode,"
	" s.open_count, s.open_amount, s.weighted_total, f.forecast_total, f.pipeline_total, o.won_amount,"
	" o.won, o.lost, o.win_rate FROM a,"
	" LATERAL (SELECT coalesce(sum(x.count), 0) AS open_count, coalesce(sum(x.amount), 0) AS open_amount,"
	"  coalesce(sum(x.weighted_amount), 0) AS weighted_total"
	"  FROM crm.an_funnel(a.f, a.t, a.owners, " MODE ") x) s,"
	" LATERAL (SELECT coalesce(sum(x.forecast), 0) AS forecast_total, coalesce(sum(x.pipeline), 0) AS pipeline_total"
	"  FROM crm.an_forecast(a.f, a.t, a.owners, " MODE ") x) f,"
	" LATERAL crm.an_outcomes(a.f, a.t, a.owners, " MODE ") o";

int an_funnel(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(parts, figures_sql, labels);
	return an_query_report(r, db, p, &spec, err);
}

void an_funnel_svg(const struct an_report *r, struct buf *out)
{
	const struct an_table *t = an_report_find(r, "stages");
	const char *mode = an_report_value(r, "sales_mode");
	struct an_svg_list l;
	char *title = xstrfmt("Sales funnel 销售漏斗%s%s", mode ? " · " : "", mode ? mode : "");

	an_svg_list_init(&l, t ? crm_res_rows(t->res) : 0);
	for (int i = 0; i < l.n; i++) {
		buf_addf(&l.notes[i], "%s 个 · ", crm_res_get(t->res, i, crm_res_column(t->res, "count")));
		an_svg_number(&l.notes[i], an_cell_number(t->res, i, "amount"));
		buf_adds(&l.notes[i], " (加权 ");
		an_svg_number(&l.notes[i], an_cell_number(t->res, i, "weighted_amount"));
		buf_adds(&l.notes[i], ")");
		l.items[i].label = crm_res_get(t->res, i, crm_res_column(t->res, "stage"));
		l.items[i].value = an_cell_number(t->res, i, "amount");
	}
	an_svg_list_notes(&l);
	an_svg_funnel(out, title, l.items, l.n);
	an_svg_list_release(&l);
	free(title);
}
