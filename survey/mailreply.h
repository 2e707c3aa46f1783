/* survey/mailreply.h - e-mail replies to survey invitations, as `mailbox
 * poll` hands them over (gateway/mailbox.h's hook for messages that are
 * no bounce), and the review inbox of the replies that could not be filed
 * (crm.survey_inbox, sql/023).
 *
 * A reply is matched to its invitation by the +TOKEN of any of its
 * recipient addresses (To, Cc, Delivered-To: an invitation's Reply-To is
 * LOCAL+TOKEN@DOMAIN when [survey] reply_to = LOCAL@DOMAIN), else by its
 * In-Reply-To and References against the Message-ID of the invitation or
 * of a reminder of it. Its text (gateway/mime_read.h) is read as answers
 * to the invitation's questionnaire (survey/reply.h) and stored through
 * survey_respond, by e-mail, once per Message-ID (the same message again
 * is counted as an answer, and changes nothing). An automatic reply
 * (survey_reply_auto) is counted and forgotten. Anything else - a reply
 * that matches no invitation, whose text cannot be decoded or read as
 * answers, that answers a closed survey or an invitation answered already
 * (by the link, a text or another reply), or that was too large to be read
 * whole - is kept for review with the reason, once per Message-ID (a
 * message without one is known by the SHA-256 of its bytes), never
 * dropped. */
#ifndef SURVEY_MAILREPLY_H
#define SURVEY_MAILREPLY_H

#include <stddef.h>

#include "common/err.h"
#include "crm/db.h"

/* What the replies of one poll became. */
struct survey_mail_stats {
	long answers;	   /* stored, or stored before (answered already by another way, the same message again) */
	long kept;	   /* newly kept for review (a message kept before is not counted again) */
	long auto_replies; /* automatic replies: not answers, not kept */
};

/* The hook's context: cli/ connects survey_mail_hook to the mailbox with
 * a struct survey_mail of its own as ctx. */
struct survey_mail {
	struct survey_mail_stats stats;
};

/* A gw_mailbox_other_fn: file the message msg (len bytes) as above, in the
 * mailbox's transaction; unread not NULL: msg is only the message's header
 * (or a marker), kept with that reason. Only a database error fails (and
 * stops the poll). */
int survey_mail_hook(void *ctx, struct crm_db *db, const char *msg, size_t len, const char *unread, struct err *err);

/* The review inbox: id, received, sender, subject, reason (and status with
 * all), oldest first; the open items unless all. */
int survey_mail_inbox_list(struct crm_res **out, struct crm_db *db, int all, struct err *err);

/* One item, every column: id, received, channel, message_id, sender,
 * subject, reason, survey, invitation, target, status, handled_by,
 * handled_at, body (ERR_NOTFOUND). */
int survey_mail_inbox_show(struct crm_res **out, struct crm_db *db, long long id, struct err *err);

/* File open item id by hand as the answer of an invitation, by its
 * channel (an sms item's text is read as a text reply is, and stored as
 * answered by sms; answers by hand are read as an e-mail's are): the
 * invitation with that id, or (when it is not a number) the one of target
 * code in survey (NULL: the survey the item was matched to); invitation
 * NULL: the one the item was matched to. answers NULL: the item's text is
 * read as the reply; else answers, given by hand ("1: B; 3: 4", ';' or
 * newline between answers), are read the same way. ERR_INPUT when they
 * cannot be read (err's detail says why), ERR_EXISTS when the invitation
 * was answered already, ERR_DENIED for a closed survey; the item is then
 * left open. */
int survey_mail_inbox_assign(struct crm_db *db, long long id, const char *invitation, const char *survey,
			     const char *answers, struct err *err);

/* Dismiss open item id: it is read and needs nothing (ERR_NOTFOUND, or
 * ERR_INPUT for an item that is not open). */
int survey_mail_inbox_dismiss(struct crm_db *db, long long id, struct err *err);

#endif
