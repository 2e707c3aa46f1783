/* gateway/plan.h - what an SMS campaign will cost before it is sent: each
 * queued text is filled for its target, decorated as it will go out
 * (signature and opt-out text for marketing), and measured; its segments are
 * recorded on its outbox row, so that `campaign status` shows the segments
 * still to send beside those sent (the send replaces the figure with the one
 * of the text that went). */
#ifndef GATEWAY_PLAN_H
#define GATEWAY_PLAN_H

#include "common/config.h"
#include "common/err.h"
#include "crm/db.h"
#include "gateway/campaign.h"

struct gw_plan {
	long texts;	   /* queued texts measured */
	long segments;	   /* their segments together */
	long gsm7, ucs2;   /* texts by encoding */
	long multipart;	   /* texts of more than one segment */
	long max_segments; /* the longest text's segments */
};

/* Measure the queued texts of SMS campaign c that have no figure yet ([sms]
 * signature and optout_text from cfg); a text that cannot be filled is left
 * for the send to fail. Commits its figures. */
int gw_plan_sms(struct crm_db *db, const struct gw_campaign *c, const struct config *cfg, const char *today,
		struct gw_plan *out, struct err *err);

#endif
