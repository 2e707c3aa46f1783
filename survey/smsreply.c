/* survey/smsreply.c - text answers (survey/smsreply.h). */
#include "survey/smsreply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "gateway/crypto.h"
#include "gateway/web.h"
#include "survey/reply.h"
#include "survey/response.h"
#include "survey/store.h"
#include "common/banned.h"

/* The number's invitation: of a running survey sent by sms, to that number
 * (as the gateway compares mobiles), not answered first, then the newest. */
static const char find_sql[] = "SELECT i.id, s.template_id, s.id FROM crm.survey_invitation i"
			       " JOIN crm.survey s ON s.id = i.survey_id JOIN crm.outbox o ON o.id = i.outbox_id"
			       " WHERE s.channel = 'sms' AND s.status = 'running' AND o.channel = 'sms'"
			       " AND crm.mobile_key(o.recipient) = crm.mobile_key($1)"
			       " ORDER BY i.answered_at IS NULL DESC, i.id DESC LIMIT 1";

/* The text's id: Kannel's, else a digest of what it is: the number, the
 * recipient, the text, the invitation it was matched to (NULL: none), and
 * for a text kept for review (day) the UTC day (see the header). */
static int text_id(struct buf *out, const char *from, const char *to, const char *text, const char *msg_id,
		   const char *invitation, int day, struct err *err)
{
	unsigned char d[GW_CRYPTO_SHA256_LEN];
	struct buf all = BUF_INIT;
	char today[16] = "";
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	buf_reset(out);
	if (msg_id) {
		buf_addf(out, "kannel:%s", msg_id);
		return 0;
	}
	if (day) {
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	}
	/* NUL between the parts: no part can pass for another */
	buf_add(&all, from, strlen(from) + 1);
	buf_add(&all, to ? to : "", (to ? strlen(to) : 0) + 1);
	buf_add(&all, text, strlen(text) + 1);
	buf_add(&all, invitation ? invitation : "", (invitation ? strlen(invitation) : 0) + 1);
	buf_adds(&all, today);
	rc = gw_crypto_sha256(d, all.data, all.len, err);
	if (!rc) {
		buf_adds(out, "sms:");
		for (size_t i = 0; i < sizeof(d); i++)
			buf_addf(out, "%02x", d[i]);
	}
	buf_release(&all);
	return rc;
}

/* Keep the text for review with reason, known by Kannel's id or else by
 * its digest with the day; survey and invitation: what it was matched to
 * (NULL: nothing). Kept once by its id. */
static int keep(enum survey_sms_outcome *out, struct crm_db *db, const char *from, const char *to, const char *text,
		const char *msg_id, const char *reason, const char *survey, const char *invitation, struct err *err)
{
	struct buf id = BUF_INIT;
	const char *params[] = { NULL, from, text, reason, survey, invitation };
	struct crm_res *res = NULL;
	int rc = text_id(&id, from, to, text, msg_id, invitation, 1, err);

	params[0] = id.data;
	if (!rc)
		rc = crm_db_query(&res, db,
				  "INSERT INTO crm.survey_inbox (channel, message_id, sender, body, reason, survey_id,"
				  " invitation_id) VALUES ('sms', $1, $2, $3, $4, $5::bigint, $6::bigint)"
				  " ON CONFLICT (message_id) DO NOTHING",
				  6, params, err);
	if (!rc)
		*out = crm_res_affected(res) ? SURVEY_SMS_KEPT : SURVEY_SMS_DUPLICATE;
	crm_res_free(res);
	buf_release(&id);
	return rc;
}

/* survey_respond said a response with id is stored already: *same when it
 * is invitation's own (a retry), else it answered another invitation. */
static int same_invitation(int *same, struct crm_db *db, const char *id, const char *invitation, struct err *err)
{
	const char *params[] = { id, invitation };
	char *v = NULL;
	int rc = crm_db_value(&v, db,
			      "SELECT 1 FROM crm.survey_response WHERE message_id = $1 AND invitation_id = $2::bigint",
			      2, params, err);

	*same = v != NULL;
	free(v);
	return rc;
}

int survey_sms_receive(enum survey_sms_outcome *out, struct crm_db *db, const char *from, const char *to,
		       const char *text, const char *msg_id, struct err *err)
{
	enum survey_sms_outcome ignored;
	struct buf id = BUF_INIT, reason = BUF_INIT;
	struct survey_template t;
	struct survey_answers a;
	struct crm_res *res = NULL;
	struct err why = ERR_INIT;
	enum survey_outcome o;
	const char *inv = NULL, *survey = NULL;
	char *seen = NULL;
	int rc = 0, have_t = 0, have_a = 0, same;

	if (!out)
		out = &ignored;
	/* a stop word is the gateway's, here too: nothing is answered by it,
	 * and the opt-out it asks for is not lost */
	if (gw_web_is_stop(text)) {
		rc = gw_web_sms_stop(db, from, err);
		if (!rc)
			*out = SURVEY_SMS_OPTED_OUT;
		goto done;
	}
	if (msg_id) { /* Kannel's id kept for review before: a retry */
		const char *p[1];
		rc = text_id(&id, from, to, text, msg_id, NULL, 0, err);
		p[0] = id.data;
		if (!rc)
			rc = crm_db_value(&seen, db, "SELECT 1 FROM crm.survey_inbox WHERE message_id = $1", 1, p, err);
	}
	if (!rc && seen) {
		*out = SURVEY_SMS_DUPLICATE;
		goto done;
	}
	if (!rc)
		rc = crm_db_query(&res, db, find_sql, 1, &from, err);
	if (rc)
		goto done;
	if (!crm_res_rows(res)) {
		rc = keep(out, db, from, to, text, msg_id, "no survey invitation was sent to this number", NULL, NULL,
			  err);
		goto done;
	}
	inv = crm_res_get(res, 0, 0);
	survey = crm_res_get(res, 0, 2);
	if ((rc = survey_store_get_id(&t, db, strtoll(crm_res_get(res, 0, 1), NULL, 10), err)))
		goto done;
	have_t = 1;
	have_a = 1;
	rc = survey_reply_parse_sms(&a, &t, text, strlen(text), &why);
	if (rc) { /* SURVEY_REPLY_STOP cannot come: it was acted on above */
		buf_addf(&reason, "cannot be read as answers: %s", why.msg.data);
		rc = keep(out, db, from, to, text, msg_id, reason.data, survey, inv, err);
		goto done;
	}
	/* the same text answers two surveys: known by the invitation too */
	if ((rc = text_id(&id, from, to, text, msg_id, inv, 0, err)))
		goto done;
	if ((rc = survey_respond(&o, db, strtoll(inv, NULL, 10), "sms", &t, &a, id.data, NULL, err)))
		goto done;
	switch (o) {
	case SURVEY_STORED: *out = SURVEY_SMS_STORED; break;
	case SURVEY_DUPLICATE:
		rc = same_invitation(&same, db, id.data, inv, err);
		if (!rc && same)
			*out = SURVEY_SMS_DUPLICATE;
		else if (!rc)
			rc = keep(out, db, from, to, text, msg_id,
				  "a text with this id answered another invitation already", survey, inv, err);
		break;
	case SURVEY_ANSWERED:
		rc = keep(out, db, from, to, text, msg_id, "the invitation was answered already", survey, inv, err);
		break;
	case SURVEY_CLOSED: rc = keep(out, db, from, to, text, msg_id, "the survey is closed", survey, inv, err); break;
	case SURVEY_UNKNOWN:
		rc = keep(out, db, from, to, text, msg_id, "no survey invitation was sent to this number", NULL, NULL,
			  err);
		break;
	}
done:
	if (have_a)
		survey_answers_release(&a);
	if (have_t)
		survey_template_release(&t);
	err_release(&why);
	crm_res_free(res);
	free(seen);
	buf_release(&reason);
	buf_release(&id);
	return rc;
}

int survey_sms_hook(void *ctx, struct crm_db *db, const char *from, const char *to, const char *text,
		    const char *msg_id, struct err *err)
{
	(void)ctx;
	return survey_sms_receive(NULL, db, from, to, text, msg_id, err);
}
