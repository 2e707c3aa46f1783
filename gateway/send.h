/* gateway/send.h - a worker: claim due outbox rows, fill, send, record.
 *
 * Every campaign's templates are compiled once per worker. Rows are claimed
 * in small batches (100), their targets' records read, their messages filled
 * and handed over one by one, and each result committed at once
 * (gateway/outbox.h). A batch's e-mails of one campaign read their records
 * in one query and are all built before the first is handed over; between
 * two of them one statement records the one and marks the next sending. A worker uses
 * two database sessions: one for the outbox, whose every step commits, and
 * one that reads the targets' records (a read holds a transaction open).
 *
 * Postal mail is done a campaign at a time: its due rows become one print
 * batch (merge/batch.h, a section per letter, PDF too when LibreOffice is
 * there) and an address list sorted by postcode, in the mail folder; the
 * rows are sent when both are written. */
#ifndef GATEWAY_SEND_H
#define GATEWAY_SEND_H

#include "common/config.h"
#include "common/err.h"
#include "crm/db.h"

struct gw_send_opts {
	const struct config *cfg; /* [email], [sms], [mail] settings */
	const char *today;	  /* YYYY-MM-DD, for templates */
	int once;		  /* stop when nothing is due (else wait for more) */
	int batch;		  /* rows per claim; 0: 100 */
	const char *mail_dir;	  /* print batches; NULL: [mail] dir, else out/print */
	long campaign_id;	  /* this campaign's rows only; 0: every campaign's */
	volatile int *stop;	  /* set by a signal handler: finish the row in hand and stop */
};

struct gw_send_stats {
	long sent, retried, failed, unknown, skipped;
};

/* Run a worker until nothing is due (once) or *stop. db holds the outbox,
 * rdb reads records; both are the caller's. */
int gw_send_run(struct crm_db *db, struct crm_db *rdb, const struct gw_send_opts *o, struct gw_send_stats *st,
		struct err *err);

/* A test of campaign campaign_id before its launch: its message filled for
 * its first target and sent to `to` (an e-mail address or a mobile number)
 * at once, outside the outbox (a test e-mail's subject starts "[TEST] ").
 * What was sent is appended to report. A letter campaign has no test. */
int gw_send_sample(struct crm_db *db, const struct gw_send_opts *o, long campaign_id, const char *to,
		   struct buf *report, struct err *err);

#endif
