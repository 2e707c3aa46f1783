/* gateway/dsn.h - is this message a bounce of ours, and what does it say?
 *
 * Reads one raw message (untrusted bytes) and finds the delivery status
 * notification in it: RFC 3464 (multipart/report; report-type=delivery-status
 * with a message/delivery-status part; RFC 6533's message/global-delivery-
 * status too), or, loosely, the non-standard bounces some MTAs still send (a
 * text that names an SMTP 5xx reply, with our message returned inline or as
 * message/rfc822). It also finds which outbox row the bounce is about, from
 * what gateway/send.c puts in every message:
 *
 *   envelope sender of outbox row ID   LOCAL+ID.TAG@DOMAIN ([email] return_path
 *                                      = LOCAL@DOMAIN; TAG = crm.bounce_tag(ID),
 *                                      sql/015: bounces+12345.9f0c…@example.test)
 *   header of every message            X-Crmgate-Outbox: ID
 *   Message-ID                         <crmgate.ID.RANDOM@DOMAIN>
 *
 * Only the Message-ID's random part and the TAG are secrets: ids are
 * sequential and shown in every message, so an id alone (the header, an
 * envelope id, the bare LOCAL+ID@DOMAIN of messages sent before sql/015)
 * is a claim, not a proof. Nothing here touches the database:
 * gateway/mailbox.c checks the proof and decides what a bounce does to the
 * outbox. */
#ifndef GATEWAY_DSN_H
#define GATEWAY_DSN_H

#include <stddef.h>

#include "common/err.h"

/* Caps on what the parser looks at (a bigger message is ERR_INPUT). */
#define GW_DSN_MAX_SIZE	 (16u << 20) /* bytes of the whole message */
#define GW_DSN_MAX_DEPTH 8	     /* multiparts within multiparts */
#define GW_DSN_MAX_PARTS 64	     /* parts in one multipart */
#define GW_DSN_MAX_RCPTS 100	     /* recipients of one report */

enum gw_dsn_kind {
	GW_DSN_NONE,   /* not a bounce (a reply, say: for the survey reader) */
	GW_DSN_REPORT, /* an RFC 3464 report with at least one recipient Action */
	GW_DSN_LOOSE,  /* a non-standard bounce: a 5xx in its text, our message in it */
};

enum gw_dsn_action {
	GW_DSN_ACTION_NONE, /* missing or not one of the five */
	GW_DSN_FAILED,
	GW_DSN_DELAYED,
	GW_DSN_DELIVERED,
	GW_DSN_RELAYED,
	GW_DSN_EXPANDED,
};

/* Where the outbox id came from, strongest first. */
enum gw_dsn_source {
	GW_DSN_SRC_NONE,
	GW_DSN_SRC_MESSAGE_ID,	/* the returned message's Message-ID */
	GW_DSN_SRC_HEADER,	/* the returned message's X-Crmgate-Outbox */
	GW_DSN_SRC_RETURN_PATH, /* LOCAL+ID[.TAG]@DOMAIN: To, Delivered-To, X-Original-To, X-Postfix-Sender,
				 * the returned message's Return-Path */
	GW_DSN_SRC_ENVID,	/* Original-Envelope-Id: ID or crmgate.ID[.…] */
};

struct gw_dsn_rcpt {
	char *final_recipient;	  /* the address, "rfc822;" taken off; may be NULL */
	char *original_recipient; /* may be NULL */
	enum gw_dsn_action action;
	char status[16];  /* "5.1.1"; "" when missing or malformed */
	char *diagnostic; /* Diagnostic-Code (type taken off), unfolded; may be NULL */
};

/* The TAG of a return path: 32 lower-case hex digits. */
#define GW_DSN_TAG_LEN 32

struct gw_dsn {
	enum gw_dsn_kind kind;
	long outbox_id; /* the row it names (a claim); 0: none found */
	enum gw_dsn_source source;
	char *message_id;    /* the returned message's Message-ID without <>, when of our form */
	long tag_id;	     /* the ID of the first LOCAL+ID.TAG@DOMAIN found; 0: none */
	char *tag;	     /* its TAG, lower-cased; NULL: none */
	char *envelope_id;   /* Original-Envelope-Id, may be NULL */
	char *reporting_mta; /* may be NULL */
	struct gw_dsn_rcpt *rcpt;
	size_t nr, alloc;
};

#define GW_DSN_INIT                                                                                                    \
	{                                                                                                              \
		GW_DSN_NONE, 0, GW_DSN_SRC_NONE, NULL, 0, NULL, NULL, NULL, NULL, 0, 0                                 \
	}

/* Parse msg (len bytes, not NUL-terminated, CRLF or LF line ends).
 * return_path is [email] return_path (LOCAL@DOMAIN), or NULL to accept any
 * LOCAL+ID[.TAG]@ address. Returns 0 with out filled (out->kind says whether it
 * is a bounce at all), or ERR_INPUT when the message passes the caps above;
 * a malformed report is no error: what could be read is there, and a part
 * that cannot be read is left out. out is the caller's (gw_dsn_release). */
int gw_dsn_parse(struct gw_dsn *out, const char *msg, size_t len, const char *return_path, struct err *err);
void gw_dsn_release(struct gw_dsn *dsn);

/* What the report says about one address, for the outbox. */
enum gw_dsn_verdict {
	GW_DSN_V_NONE,	    /* nothing to act on */
	GW_DSN_V_BOUNCED,   /* failed, 5.x.x: bounced for good, suppress the address */
	GW_DSN_V_FAILED,    /* failed, 4.x.x or no status (a message that expired in a queue) */
	GW_DSN_V_DELAYED,   /* delayed: still being retried */
	GW_DSN_V_DELIVERED, /* delivered */
	GW_DSN_V_RELAYED,   /* relayed or expanded: no news to come from there */
};

/* The verdict for recipient (an address; NULL: any). The recipient block
 * whose Final- or Original-Recipient is that address (case-insensitively)
 * decides; without one, *matched is 0 and the worst block decides. *which
 * (may be NULL) is the deciding block, borrowed from dsn. */
enum gw_dsn_verdict gw_dsn_verdict(const struct gw_dsn *dsn, const char *recipient, int *matched,
				   const struct gw_dsn_rcpt **which);

/* "failed", "delayed"...: for messages. */
const char *gw_dsn_action_name(enum gw_dsn_action action);

/* p (up to end) past white space, line breaks and (comments) of a header
 * field's value (RFC 5322 CFWS): for gateway/mime_read.c too. */
const char *gw_dsn_skip_cfws(const char *p, const char *end);

#endif
