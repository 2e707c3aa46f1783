/* survey/activity.h - survey activities (调查活动, sql/022): a
 * questionnaire sent to the targets of a filter by e-mail or text, its
 * invitations queued through the outbox under a campaign of its own.
 *
 * A survey is created as a draft holding its invitation's texts, launched
 * (one invitation per target, with a token of its own, queued in one
 * transaction; targets that cannot be sent to are skipped, as a campaign's
 * are) and closed. */
#ifndef SURVEY_ACTIVITY_H
#define SURVEY_ACTIVITY_H

#include "common/err.h"
#include "crm/db.h"
#include "gateway/campaign.h"

/* What 'survey create' is given; NULLs are the defaults. */
struct survey_new {
	const char *name, *template_name, *targets, *channel;
	const char *filter;  /* a filter of the targets (crm/filter.h) */
	const char *closes;  /* YYYY-MM-DD: the last day answers are taken */
	const char *subject; /* default: the questionnaire's title */
	const char *body;    /* a .txt/.html file, stored or built-in template;
			      * default: survey-invitation.txt and .html (e-mail),
			      * survey-invitation-sms.txt */
	const char *today;   /* YYYY-MM-DD, for filters on dates */
};

/* Check s (template, targets, channel, filter, texts) and store the survey
 * as a draft with its invitation's campaign. ERR_INPUT / ERR_NOTFOUND for
 * what the user gave, ERR_EXISTS for a name taken. */
int survey_activity_create(struct crm_db *db, const struct survey_new *s, struct err *err);

/* Every survey with its counts (invited, skipped, answered), newest first. */
int survey_activity_list(struct crm_res **out, struct crm_db *db, struct err *err);

/* One row: the survey called name, with its counts; ERR_NOTFOUND. */
int survey_activity_show(struct crm_res **out, struct crm_db *db, const char *name, struct err *err);

/* Queue an invitation to every target of the survey called name not
 * invited yet, each with a fresh token made with secret ([serve] secret,
 * the key 'send' makes the links with: gw_web_survey_key_check's
 * ERR_INPUT when it is unset or short), and set it running. A closed
 * survey is ERR_INPUT. */
int survey_activity_launch(struct crm_db *db, const char *name, const char *secret, const char *today,
			   struct gw_launch *out, struct err *err);

/* Remind, in a new round, the invited who have not answered, whose
 * invitation went out and who heard from the survey (invitation or
 * reminder) no sooner than min_days days ago: one outbox row each (source
 * survey_reminder) with the invitation's link again. A closed survey is
 * ERR_INPUT, one not launched too, and a secret that does not remake the
 * invitations' links (survey_activity_launch checks that as well when the
 * survey has invitations already). */
int survey_activity_remind(struct crm_db *db, const char *name, int min_days, const char *secret, const char *today,
			   struct gw_launch *out, struct err *err);

/* Close the survey called name: no more answers are taken, invitations not
 * sent yet are dropped. Closing a closed survey is ERR_INPUT. */
int survey_activity_close(struct crm_db *db, const char *name, struct err *err);

/* The campaign that sends the invitations of the survey called name
 * (gw_campaign_release); ERR_NOTFOUND. */
int survey_activity_campaign(struct gw_campaign *out, struct crm_db *db, const char *name, struct err *err);

/* What a survey holds, which deleting it deletes. */
struct survey_holdings {
	char status[16];  /* draft, running, closed */
	long invitations; /* invitations (with their links) */
	long responses;	  /* answers received */
	long kept;	  /* replies kept for review that name it */
	long messages;	  /* invitations and reminders in the outbox */
};

/* Count what the survey called name holds; ERR_NOTFOUND. */
int survey_activity_holdings(struct survey_holdings *out, struct crm_db *db, const char *name, struct err *err);

/* Delete the survey called name with its campaign, in one transaction. A
 * draft goes alone (it holds nothing). A running survey is ERR_INPUT (close
 * it first); a closed one is ERR_INPUT too unless force, and then its
 * invitations, responses, replies kept for review and the records of its
 * messages go with it. Opt-outs and suppressed addresses stay: they are the
 * recipients', not the survey's. */
int survey_activity_delete(struct crm_db *db, const char *name, int force, struct err *err);

#endif
