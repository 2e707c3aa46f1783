/* gateway/outbox.h - the durable outbox: claim, send, record, recover.
 *
 * A row moves queued -> claimed (a worker took it, in a batch) -> sending
 * (the worker is about to hand it over) -> sent | failed | unknown, or back
 * to queued for a retry. Each step commits at once, and progress is recorded
 * on the sending side only: a row is sent when the other side has said so.
 * The session that claimed a row is recorded (its backend pid and start):
 * when that session has ended, the next worker takes the row over at once —
 * a claimed row goes back to the queue (it was never handed over); a row
 * that was sending has an unknown outcome, which the campaign's policy
 * settles (resend, the default, or hold for a person). A lease guards
 * against a worker that hangs with its session open.
 *
 * One owner for every state a row takes (queued, claimed, sending, sent,
 * unknown, retry, failed, skipped, cancelled, bounced, delivered): each move
 * is a crm.outbox_* SQL function (sql/018_outbox_owner.sql), and this file
 * alone calls them; no other C file writes crm.outbox. SQL rather than C
 * because the moves that crmgate serve makes (an SMS delivery report, an
 * unsubscribe, a STOP) run in the database already, and a guard such as
 * "only while this session holds the row" must be the same wherever a move
 * starts; a database function is the one place both sides reach.
 * tests/gateway/test_outbox_owner.c checks the tree and the migrated
 * database's functions.
 *
 * Producers: a campaign is one producer of rows among several (a survey's
 * invitation and reminder, an alert digest, a single message). Each row
 * names its producer and the producer's id; a target is queued once per
 * producer and channel (gw_outbox_enqueue). */
#ifndef GATEWAY_OUTBOX_H
#define GATEWAY_OUTBOX_H

#include <time.h>

#include "common/err.h"
#include "crm/db.h"

struct gw_job {
	long id, campaign_id;
	char *channel, *target_code, *recipient, *recipient_name, *postcode;
	int attempts;
};

enum gw_outcome {
	GW_SENT,     /* the other side took it */
	GW_TEMPFAIL, /* try again later (4xx, 5xx HTTP, 429, timeouts, refused) */
	GW_PERMFAIL, /* never: fail the row and suppress the address */
	GW_UNKNOWN,  /* handed over, no answer: it may have arrived */
	GW_SLOWDOWN, /* the other side asked us to slow down (or quiet hours): not the row's fault */
	GW_ERROR,    /* failed on our side (a template that cannot be filled): fail, suppress nothing */
};

struct gw_result {
	enum gw_outcome outcome;
	const char *message_id; /* Message-ID, the SMS provider's id */
	const char *reply;	/* the server's words, for last_error */
	int segments;		/* SMS */
	time_t retry_at;	/* GW_SLOWDOWN: not before then (0: the backoff) */
};

/* Take over rows whose worker's session has ended (or whose lease ran out);
 * *claimed counts those requeued, *unknown those whose outcome is unknown. */
int gw_outbox_recover(struct crm_db *db, long *claimed, long *unknown, struct err *err);

/* Claim up to max due rows of running campaigns (channel may be NULL for
 * any, campaign_id 0 for every campaign), oldest first, skipping rows other
 * workers hold. *jobs is the caller's (gw_jobs_free). */
int gw_outbox_claim(struct crm_db *db, const char *channel, long campaign_id, int max, struct gw_job **jobs, int *n,
		    struct err *err);
void gw_jobs_free(struct gw_job *jobs, int n);

/* Which of the channels names[0..n) have rows still to go (queued, or
 * held by a worker) in running campaigns (campaign_id's alone, when not
 * 0): waiting[i] is set for each. A worker opens those alone before it
 * claims anything, so that a bad setting of one stops it early, and the
 * settings of a channel with nothing to send are never read. */
int gw_outbox_waiting(struct crm_db *db, const char *const *names, size_t n, long campaign_id, int *waiting,
		      struct err *err);

/* Right before handing job over: checks opt-outs and suppression again
 * (campaigns run for hours) and marks it sending. *go is 0 when the row was
 * skipped instead (or is no longer ours). */
int gw_outbox_sending(struct crm_db *db, const struct gw_job *job, int *go, struct err *err);

/* Record what became of a job. A temporary failure is retried with
 * exponential backoff and jitter until the campaign's max_attempts; a
 * permanent one also suppresses the address. */
int gw_outbox_done(struct crm_db *db, const struct gw_job *job, const struct gw_result *r, struct err *err);

/* gw_outbox_done of a job that was sent (r->outcome GW_SENT) and
 * gw_outbox_sending of the next job, in one statement: one round trip and
 * one commit between two messages. Neither step waits for anything the
 * other does; *go is as gw_outbox_sending's for next. */
int gw_outbox_sent_next(struct crm_db *db, const struct gw_job *job, const struct gw_result *r,
			const struct gw_job *next, int *go, struct err *err);

/* Rate limits, shared by every worker through the database: take a token
 * from the channel's bucket (rate messages a second); *wait is how long to
 * wait before sending (a back-off the other side asked for included). */
int gw_outbox_take_token(struct crm_db *db, const char *channel, double rate, double *wait, struct err *err);
/* The other side asked us to slow down: every worker of the channel waits seconds. */
int gw_outbox_back_off(struct crm_db *db, const char *channel, double seconds, struct err *err);

/* Who queues a row: kind is one of campaign, single, survey_invitation,
 * survey_reminder, alert_digest (sql/018), id the producer's own (a
 * campaign's id for a campaign). */
struct gw_source {
	const char *kind;
	long id;
};

/* Queue the rows of the SELECT items (parameters $1..$nparams) for src on
 * channel, sending campaign_id's message. items' columns: code,
 * contact_id, lead_contact_id, recipient, name, postcode, reason (NULL:
 * queued; else skipped with that reason). A target src queued on channel
 * before is left alone. *out (the caller's) has a row (reason, n) per
 * reason, NULL for those queued. */
int gw_outbox_enqueue(struct crm_res **out, struct crm_db *db, const struct gw_source *src, long campaign_id,
		      const char *channel, const char *items, int nparams, const char *const *params, struct err *err);

/* An SMS campaign's queued rows measured: codes and segments are SQL arrays
 * ({..}) of the same length. */
int gw_outbox_set_segments(struct crm_db *db, long campaign_id, const char *codes, const char *segments,
			   struct err *err);

/* A cancelled campaign's queued rows become skipped, "cancelled". */
int gw_outbox_cancel(struct crm_db *db, long campaign_id, struct err *err);

/* What a report (a DSN) says became of a row that went out. */
enum gw_report {
	GW_REPORT_BOUNCED, /* failed for good: bounced, and the address suppressed */
	GW_REPORT_FAILED,  /* failed on the way */
	GW_REPORT_DELAYED, /* noted on a sent row */
	GW_REPORT_DELIVERED,
};
/* Record a report on row id (why: the report's words); *changed says
 * whether the row took it (a row that never went out does not). */
int gw_outbox_report(struct crm_db *db, long id, enum gw_report what, const char *why, int *changed, struct err *err);

/* An SMS delivery report for row id: type Kannel's %d (1, 2, 4, 8, 16),
 * reply its words, ts its Unix time (NULL, or an implausible one: now).
 * *status (malloc'd) is the row's status afterwards, NULL when there is no
 * such SMS row. */
int gw_outbox_sms_report(char **status, struct crm_db *db, long id, const char *type, const char *reply, const char *ts,
			 struct err *err);

/* Campaigns that have nothing left to send are done. */
int gw_outbox_finish(struct crm_db *db, struct err *err);

#endif
