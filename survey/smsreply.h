/* survey/smsreply.h - text answers (SPEC section 6): an inbound SMS from an
 * invited number, read as the answers to that number's open invitation of
 * a survey sent by text, or kept for review.
 *
 * crmgate serve's /sms/in (gateway/web.c) hands every inbound text that is
 * no stop word to survey_sms_receive through its text hook. A stop word is
 * the gateway's one rule (gw_web_is_stop): one that comes here all the
 * same opts the number out as /sms/in does (gw_web_sms_stop), and is no
 * answer; no text is dropped.
 *
 * Matching: the newest invitation of a running survey sent by sms whose
 * outbox row went to the sending number, the numbers compared as the
 * gateway compares mobiles (crm.mobile_key: digits only, 0086/86 before a
 * Chinese mobile dropped), an invitation not answered yet before one that
 * is. The text is read with survey_reply_parse_sms against the survey's
 * questionnaire and stored with survey_respond (answered by "sms").
 *
 * Nothing is dropped: a text from a number with no such invitation, one
 * that cannot be read (or whose survey has questions a text cannot
 * answer), and one for an invitation answered already or a survey closed
 * meanwhile, goes to crm.survey_inbox (channel sms) with the reason.
 *
 * Once: a text is known by Kannel's id of it ("kannel:ID") when Kannel
 * gives one (%I in its get-url), else by a digest ("sms:HEX") of the
 * number, the recipient, the text and the invitation it was matched to,
 * and for a text kept for review the UTC day too, so that Kannel calling
 * again stores nothing twice, response or review item, while the same "B"
 * answering two surveys is two answers. A text whose id is that of the
 * response to another invitation is kept for review, not dropped. */
#ifndef SURVEY_SMSREPLY_H
#define SURVEY_SMSREPLY_H

#include "common/err.h"
#include "crm/db.h"

/* What became of a text. */
enum survey_sms_outcome {
	SURVEY_SMS_STORED,    /* stored as the invitation's answers */
	SURVEY_SMS_DUPLICATE, /* this very text was handled before: nothing done */
	SURVEY_SMS_KEPT,      /* kept in the review inbox, with the reason */
	SURVEY_SMS_OPTED_OUT, /* a stop word: the number is opted out */
};

/* Deal with the text (UTF-8) from number from to to (NULL: unknown), with
 * Kannel's id of it msg_id (NULL: none). *out (may be NULL) says what
 * became of it; errors are the database's (ERR_DB), and then nothing is
 * stored: the caller may try again. */
int survey_sms_receive(enum survey_sms_outcome *out, struct crm_db *db, const char *from, const char *to,
		       const char *text, const char *msg_id, struct err *err);

/* survey_sms_receive as gateway/web.h's text hook (gw_web_text_fn); ctx
 * is not used. */
int survey_sms_hook(void *ctx, struct crm_db *db, const char *from, const char *to, const char *text,
		    const char *msg_id, struct err *err);

#endif
