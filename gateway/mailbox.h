/* gateway/mailbox.h - read the mailbox that bounces (and, later, e-mailed
 * survey answers) come back to, and record what they say in the outbox.
 *
 * [mailbox] url is imap://USER:PASS@HOST:PORT/FOLDER or maildir:DIR. Each
 * message is read once: over IMAP the last UID read is kept in
 * crm.mailbox_state (committed with what the message did), and the bounces
 * handled are flagged \Seen; in a Maildir each message moves from new/ to
 * cur/ (flagged S when it was a bounce). A bounce whose recipient failed
 * for good (5.x.x) makes its outbox row 'bounced', with the diagnostic as
 * last_error, and suppresses the address; a failure that is not permanent
 * (4.x.x: it expired in a queue) fails the row; a delay is noted in
 * last_error; a delivery report marks the row delivered. */
#ifndef GATEWAY_MAILBOX_H
#define GATEWAY_MAILBOX_H

#include <stddef.h>

#include "common/err.h"
#include "crm/db.h"

/* Messages bigger than this are not read whole (counted as other, left
 * unseen): the other hook gets their header. */
#define GW_MAILBOX_MAX_SIZE (16u << 20)

struct gw_mailbox_stats {
	long bounced;	/* rows now bounced, addresses suppressed */
	long failed;	/* rows now failed (a failure that was not permanent) */
	long delayed;	/* delays noted */
	long delivered; /* rows now delivered */
	long noted;	/* bounces that changed nothing: told before, relayed, a row not sent */
	long unmatched; /* bounces that prove no row of ours, or whose recipient is not the row's */
	long other;	/* no bounce: for the survey reader */
};

/* A message that is no bounce (or that could not be read as one), handed
 * over inside the transaction that records it as read (an error rolls both
 * back, and stops the poll). unread is NULL when msg is the whole message;
 * else it says why msg is only the message's header ("too large: ..."),
 * or a marker header when not even that could be read. */
typedef int (*gw_mailbox_other_fn)(void *ctx, struct crm_db *db, const char *msg, size_t len, const char *unread,
				   struct err *err);

struct gw_mailbox_opts {
	const char *url;	     /* [mailbox] url */
	const char *return_path;     /* [email] return_path (LOCAL@DOMAIN), may be NULL */
	const char *secret;	     /* [serve] secret, which signs return paths; NULL: the database's key */
	int timeout;		     /* seconds for each IMAP step; 0: 30 */
	const char *tls_fingerprint; /* [mailbox] tls_fingerprint: the IMAP server's pinned certificate */
	gw_mailbox_other_fn other;   /* may be NULL: other messages are only counted */
	void *other_ctx;
};

/* Read what is new in the mailbox and record it; *stats counts it (added
 * to what it holds). One poll of a mailbox at a time (an advisory lock):
 * another is ERR_TEMPFAIL. */
int gw_mailbox_poll(struct crm_db *db, const struct gw_mailbox_opts *opts, struct gw_mailbox_stats *stats,
		    struct err *err);

#endif
