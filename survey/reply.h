/* survey/reply.h - the answers in an e-mail or text reply to a survey
 * invitation.
 *
 * An e-mail reply's decoded text body (UTF-8: the mailbox decodes the MIME
 * parts, charsets and HTML) is read after its quoted text is cut away:
 * lines quoted with '>', the original below the reply separators of the
 * common clients ("-----Original Message-----" and the "From:/Sent:" block
 * of Outlook, "发件人:/发送时间:" of Outlook, Foxmail, QQ Mail and NetEase
 * in Chinese, "------------------ 原始邮件 ------------------", Gmail's and
 * Apple Mail's "On … wrote:" and "在 … 写道：") and the signature after a
 * "-- " line. What is left is read a line at a time: a line that starts
 * with a question number answers that question ("1: B", "2: A,C", "3: 4",
 * "5: your words"; "1.B", "1 B", "1、B", "1) B", full width "１：Ｂ",
 * "２：Ａ，Ｃ", lower case, an option's text instead of its letter), the
 * lines after a text answer continue it until the next numbered line, and
 * other lines ("Hi," "Thanks") are not answers. The questionnaire quoted
 * without '>' (its numbered question lines) is not read as answers.
 *
 * A text reply (SMS) answers a survey whose questions are all single
 * choice or rating: "1B 2A 3:5", "1b2a3-5", "B" alone for one question.
 *
 * What cannot be read is not guessed: the reply is refused with the
 * reason, to be kept for review. */
#ifndef SURVEY_REPLY_H
#define SURVEY_REPLY_H

#include <stddef.h>

#include "common/err.h"
#include "survey/answer.h"
#include "survey/template.h"

/* The most bytes of a reply body read; a longer one is refused. */
#define SURVEY_REPLY_MAX (256u * 1024)

/* Read the answers to t in the e-mail reply body (len bytes of UTF-8)
 * into out, which the caller releases (survey_answers_release) whatever
 * the result. 0: out holds answers that pass survey_answers_check.
 * ERR_INPUT: the reply could not be read as answers; err's message says
 * why and its detail lines give every other problem ("line 4: there is no
 * question 7", "question 1: there is no option D"). */
int survey_reply_parse(struct survey_answers *out, const struct survey_template *t, const char *body, size_t len,
		       struct err *err);

/* A text reply that asks to stop messages: a stop word by the gateway's
 * one rule (gw_web_is_stop: "STOP.", "ＴＤ", "退订。"); the SMS gateway acts
 * on it; it is no answer. */
#define SURVEY_REPLY_STOP 1

/* Read the answers to t in a text reply (len bytes of UTF-8) into out, as
 * survey_reply_parse does; SURVEY_REPLY_STOP for a stop word (out then
 * holds no answer); ERR_INPUT also when t has a question that is neither
 * single choice nor rating. */
int survey_reply_parse_sms(struct survey_answers *out, const struct survey_template *t, const char *text, size_t len,
			   struct err *err);

/* One header of a message, as the mailbox decoded it. */
struct survey_header {
	const char *name;
	const char *value;
};

/* Why a message with these headers is an automatic reply that is not an
 * answer (RFC 3834 Auto-Submitted other than "no", X-Autoreply,
 * X-Autorespond, Precedence auto_reply, bulk or junk, a vacation notice's
 * Subject: "Out of Office", "Automatic reply", "自动回复", "休假"), or
 * NULL when it is none. Header names are matched in any case. */
const char *survey_reply_auto(const struct survey_header *headers, size_t n);

#endif
