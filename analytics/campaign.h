/* analytics/campaign.h - report campaign: what the campaigns launched in the
 * period sent, per campaign and per channel, and why targets were skipped
 * (sql/012_report_campaign.sql). */
#ifndef ANALYTICS_CAMPAIGN_H
#define ANALYTICS_CAMPAIGN_H

#include "analytics/report.h"

/* Tables "campaigns" (id, name, channel, status, launched_on, total, sent,
 * delivered, failed, bounced, unknown, skipped, queued, segments_sent,
 * sent_share), "channels" and "skips". */
int an_campaigns(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Bars of the messages sent by each channel. */
void an_campaigns_svg(const struct an_report *r, struct buf *out);

#endif
