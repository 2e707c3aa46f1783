/* gateway/campaign.h - campaigns: what to send, to whom, by which channel.
 *
 * A campaign is created as a draft holding a snapshot of its template and
 * texts (checked against its targets' records at creation), and launched:
 * the launch writes one outbox row per target in one transaction — queued,
 * or skipped with the reason (no address for the channel, opted out,
 * suppressed, an address another target of the campaign has already) — and
 * a relaunch adds only targets that are new. */
#ifndef GATEWAY_CAMPAIGN_H
#define GATEWAY_CAMPAIGN_H

#include "common/buf.h"
#include "common/err.h"
#include "crm/db.h"
#include "gateway/sms_text.h"
#include "gateway/tpl.h"

struct gw_campaign {
	long id;
	char *name, *channel, *targets, *filter, *status;
	char *template_name, *template_kind; /* NULL when there is none */
	struct buf template;		     /* its bytes */
	char *subject, *body_text, *body_html;
	char *attach;	      /* docx, pdf, none */
	char *unknown_policy; /* resend, hold */
	char *scheduled_at;   /* NULL: at once */
	char *rate;	      /* messages per second, NULL: the channel's */
	int max_attempts;
	int marketing;
	/* not stored: the frequency cap in force when targets are counted or
	 * queued ([sms] frequency_cap; marketing texts only) */
	struct gw_sms_cap cap;
};

/* A text of a campaign (a subject, a body) as a template compiled for e's
 * records into t (the caller's: gw_tpl_release); label names it in
 * messages; src NULL compiles to nothing. */
int gw_campaign_compile_text(struct gw_tpl *t, const char *label, const char *src, enum gw_tpl_kind kind,
			     const struct crm_entity *e, struct err *err);
/* gw_campaign_compile_text, only to check src: ERR_INPUT with every problem. */
int gw_campaign_check_text(const char *label, const char *src, enum gw_tpl_kind kind, const struct crm_entity *e,
			   struct err *err);
/* What c's channel needs: a letter (mail), a subject and a body (email), a
 * plain text (sms); ERR_INPUT naming the option that gives it. */
int gw_campaign_check_channel(const struct gw_campaign *c, struct err *err);

/* Store c (a draft) after checking it (gw_campaign_check_channel too); c->id
 * is set. A name taken is ERR_EXISTS. */
int gw_campaign_create(struct crm_db *db, struct gw_campaign *c, struct err *err);
/* The campaign named ref (its name, or its id in digits); ERR_NOTFOUND. */
int gw_campaign_get(struct crm_db *db, const char *ref, struct gw_campaign *out, struct err *err);
void gw_campaign_release(struct gw_campaign *c);

/* The outcome of a launch: how many rows were queued and skipped now. */
struct gw_launch {
	long queued, skipped, already;
	struct buf reasons; /* "opted out: 3\nno email: 2\n" */
};

/* How many targets a launch would queue and skip, without writing anything. */
int gw_campaign_plan(struct crm_db *db, const struct gw_campaign *c, const char *today, struct gw_launch *out,
		     struct err *err);
/* Queue the campaign's targets and set it running. A cancelled campaign is
 * ERR_INPUT. today (YYYY-MM-DD) is for filters on dates. */
int gw_campaign_launch(struct crm_db *db, const struct gw_campaign *c, const char *today, struct gw_launch *out,
		       struct err *err);

/* Another producer that sends a campaign's message (a survey's invitations):
 * its rows are queued under kind and id, and queued() runs in the launch's
 * transaction after they are, before the commit (an error rolls it all back). */
struct gw_producer {
	const char *kind; /* crm.outbox.source: survey_invitation... */
	long id;
	/* NULL, or an SQL condition on the target t that only the rows it
	 * queues meet (the producer's own numbers, no user's text): a
	 * reminder's round. A producer with a condition queues rows of a
	 * campaign that is done too: they are a new round of it. */
	const char *only;
	int (*queued)(void *ctx, struct crm_db *db, struct err *err);
	void *ctx;
};
/* gw_campaign_launch, the rows queued for by. */
int gw_campaign_launch_for(struct crm_db *db, const struct gw_campaign *c, const struct gw_producer *by,
			   const char *today, struct gw_launch *out, struct err *err);
void gw_launch_release(struct gw_launch *l);

/* pause, resume, cancel: running <-> paused, anything but done -> cancelled
 * (its queued rows become skipped, "cancelled"). */
int gw_campaign_set_status(struct crm_db *db, const struct gw_campaign *c, const char *verb, struct err *err);

/* One row: the campaign's counts as columns queued, sending, sent, unknown,
 * failed, skipped, bounced, delivered, total (and its name, channel, status). */
/* What became of a campaign's first message that did not go out: its status
 * and the reason (skip reason or last error), malloc'd; both NULL when every
 * message went. */
int gw_campaign_not_sent(struct crm_db *db, const struct gw_campaign *c, char **status, char **why, struct err *err);
int gw_campaign_status(struct crm_res **out, struct crm_db *db, const struct gw_campaign *c, struct err *err);
/* Every campaign with its counts, newest first; those that a producer of
 * its own sends (a survey's) are left out: they are no user's campaigns. */
int gw_campaign_list(struct crm_res **out, struct crm_db *db, struct err *err);

#endif
