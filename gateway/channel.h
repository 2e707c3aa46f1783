/* gateway/channel.h - a delivery channel as an ops table, and what the send
 * loop (gateway/send.c) shares with every channel.
 *
 *   mail   letters: a campaign's rows become one print batch (channel_mail.c)
 *   sms    texts through the SMS provider (channel_sms.c)
 *   email  e-mail through a transport (channel_email.c)
 *
 * The loop claims due rows, asks the table for each row's channel, and hands
 * the channel the rows; the channel fills, sends and records them through
 * the outbox (gateway/outbox.h), with the worker services below. Each
 * channel keeps its state behind the pointer its open makes: a new channel
 * is one file and one entry in gw_channels. */
#ifndef GATEWAY_CHANNEL_H
#define GATEWAY_CHANNEL_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/value.h"
#include "crm/record.h"
#include "gateway/campaign.h"
#include "gateway/outbox.h"
#include "gateway/send.h"
#include "gateway/tpl.h"

/* A campaign as a worker needs it: its templates compiled once. */
struct gw_camp {
	struct gw_campaign c;
	const struct crm_entity *e;
	struct gw_tpl subject, text, html, doc;
	struct value *globals;
	int survey; /* it sends a survey's invitations or reminders: their links need the key */
};

/* The worker: what every channel shares (gateway/send.c keeps the rest). */
struct gw_worker {
	struct crm_db *db;  /* the outbox's session: every step commits */
	struct crm_db *rdb; /* reads the targets' records */
	const struct gw_send_opts *o;
	struct gw_send_stats *st;
	const char *secret; /* [serve] secret, or NULL: the database's key */
	/* the campaigns compiled so far (gw_worker_campaign's) */
	struct gw_camp **camps;
	size_t ncamps, camps_alloc;
};

struct gw_channel {
	const char *name; /* crm.outbox.channel */
	/* Rows claimed on their own, this many at a time (one send_batch per
	 * campaign among them); 0: claimed with every other channel's. */
	int own_claim;
	/* Rows of one campaign within a claim go to send_batch together; 0: one
	 * row at a time, in the order they were claimed. */
	int batches;
	/* Why a campaign of the channel has no test message ("sends letters:
	 * ..."), or NULL when sample can send one. */
	const char *no_sample;

	/* Read the channel's settings; connects nowhere. Called once, when the
	 * worker first has rows of the channel: at its start when rows of it
	 * wait (gw_outbox_waiting), so that a bad setting stops the worker
	 * before it claims anything, else before the first rows of it go to
	 * send_batch. A channel no row of the run is for is never opened.
	 * *state is close's (also when open fails). */
	int (*open)(void **state, struct gw_worker *w, struct err *err);
	/* Open the connection (transport, provider) before the first batch or
	 * sample; does nothing once open. NULL: the channel has none. */
	int (*connect)(void *state, struct gw_worker *w, struct err *err);
	/* Fill, send and record the claimed rows jobs[0..n) of one campaign.
	 * handled[i] (all 0 on entry) is set for each row recorded or given
	 * back; on a stop or an error the others are the loop's to give back
	 * (own_claim channels give their rows back themselves). */
	int (*send_batch)(void *state, struct gw_worker *w, const struct gw_job **jobs, int n, int *handled,
			  struct err *err);
	/* A test message of campaign k filled from rec, sent to `to` at once,
	 * outside the outbox; what was sent is appended to report. */
	int (*sample)(void *state, struct gw_worker *w, struct gw_camp *k, const struct value *rec, const char *to,
		      struct buf *report, struct err *err);
	void (*close)(void *state); /* NULL state does nothing */
};

extern const struct gw_channel gw_channel_mail, gw_channel_sms, gw_channel_email;

/* Every channel, in the order the worker opens them and claims their rows. */
extern const struct gw_channel *const gw_channels[];
extern const size_t gw_channels_nr;

/* The channel called name, or NULL. */
const struct gw_channel *gw_channel_find(const char *name);

/* ---- worker services, for the channels (gateway/send.c) ---- */

/* The campaign id, compiled on first use; borrowed until the worker ends. */
int gw_worker_campaign(struct gw_camp **out, struct gw_worker *w, long id, struct err *err);
/* Read the records of codes[0..n) of k's entity (ordered by order, a SQL
 * expression, or NULL), one call of fn each. */
int gw_worker_records(struct gw_worker *w, struct gw_camp *k, const char *const *codes, size_t n, const char *order,
		      crm_record_fn fn, void *ctx, struct err *err);
/* Count an outcome in the worker's statistics. */
void gw_worker_count(struct gw_worker *w, enum gw_outcome outcome);
/* The rate of channel for k (messages a second; 0: none). */
double gw_worker_rate(struct gw_worker *w, const struct gw_camp *k, const char *channel);
/* Wait for channel's rate, shared by every worker through the database:
 * 0 to go on, 1 when the worker was stopped while waiting. */
int gw_worker_pace(struct gw_worker *w, const struct gw_camp *k, const char *channel, struct err *err);
/* Is the worker asked to stop? */
int gw_worker_stopping(const struct gw_worker *w);
/* Give a row back unsent (the worker stops): due again at once. */
int gw_worker_give_back(struct gw_worker *w, const struct gw_job *job, struct err *err);
/* Fail a row whose target has gone (deleted, or hidden from the worker). */
int gw_worker_target_gone(struct gw_worker *w, const struct gw_job *job, struct err *err);
/* The text field name of a record, "" when it has none. */
const char *gw_record_text(const struct value *rec, const char *name);

#endif
