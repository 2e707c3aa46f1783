/* analytics/campaign.c - report campaign: the results of the campaigns. */
#include "analytics/campaign.h"

#include <stdlib.h>

#include "analytics/query.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "common/banned.h"

static const struct an_part parts[] = {
	{ "campaigns", "Campaigns launched 营销活动", "SELECT r.* FROM a, crm.an_campaigns(a.f, a.t) r" },
	{ "channels", "By channel 按渠道",
	  "SELECT r.channel, count(*) AS campaigns, sum(r.total) AS total, sum(r.sent) AS sent,"
	  " sum(r.delivered) AS delivered, sum(r.failed) AS failed, sum(r.bounced) AS bounced,"
	  " sum(r.unknown) AS unknown, sum(r.skipped) AS skipped, sum(r.queued) AS queued,"
	  " sum(r.segments_sent) AS segments_sent,"
	  " CASE WHEN sum(r.total) > 0 THEN round(sum(r.sent) / sum(r.total), 4) ELSE 0 END AS sent_share"
	  " FROM a, crm.an_campaigns(a.f, a.t) r GROUP BY r.channel ORDER BY r.channel" },
	{ "skips", "Why targets were skipped 未发送原因", "SELECT r.* FROM a, crm.an_campaign_skips(a.f, a.t) r" },
};

static const struct an_label labels[] = {
	{ "launched", "campaigns launched 活动数" },
	{ "sent", "messages sent 已发送" },
	{ "delivered", "delivery reports 已送达" },
	{ "failed", "failed 失败" },
	{ "bounced", "bounced 退信" },
	{ "skipped", "skipped 未发送" },
};

static const char figures_sql[] =
	"SELECT count(*) AS launched, coalesce(sum(r.sent), 0) AS sent, coalesce(sum(r.delivered), 0) AS delivered,"
	" coalesce(sum(r.failed), 0) AS failed, coalesce(sum(r.bounced), 0) AS bounced,"
	" coalesce(sum(r.skipped), 0) AS skipped FROM a, crm.an_campaigns(a.f, a.t) r";

int an_campaigns(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	static const struct an_spec spec = AN_SPEC(parts, figures_sql, labels);
	return an_query_report(r, db, p, &spec, err);
}

void an_campaigns_svg(const struct an_report *r, struct buf *out)
{
	const struct an_table *t = an_report_find(r, "channels");
	int n = t ? crm_res_rows(t->res) : 0, channel = t ? crm_res_column(t->res, "channel") : -1;
	struct an_svg_list l;

	if (channel < 0)
		n = 0;
	an_svg_list_init(&l, n < AN_SVG_MAX_ITEMS ? n : AN_SVG_MAX_ITEMS);
	for (int i = 0; i < l.n; i++) {
		l.items[i].label = crm_res_get(t->res, i, channel);
		l.items[i].value = an_cell_number(t->res, i, "sent");
		an_svg_number(&l.notes[i], l.items[i].value);
		buf_addf(&l.notes[i], " / %.0f (%.1f%%)", an_cell_number(t->res, i, "total"),
			 100 * an_cell_number(t->res, i, "sent_share"));
	}
	an_svg_list_notes(&l);
	an_svg_bars(out, "Messages sent by channel 各渠道发送量", l.items, l.n);
	an_svg_list_release(&l);
}
