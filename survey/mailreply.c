/* survey/mailreply.c - e-mail replies to survey invitations, and the
 * review inbox (see mailreply.h; SPEC section 6, sql/023). */
#include "survey/mailreply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/crypto.h"
#include "gateway/mime_read.h"
#include "survey/answer.h"
#include "survey/reply.h"
#include "survey/response.h"
#include "survey/store.h"
#include "common/banned.h"

static int is_token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The invitation whose token follows a '+' in one of the addresses of
 * value (LOCAL+TOKEN@DOMAIN): *found is 1 when there is one. */
static int by_address(struct survey_invitation *inv, int *found, struct crm_db *db, const char *value, struct err *err)
{
	for (const char *p = value ? strchr(value, '+') : NULL; p; p = strchr(p + 1, '+')) {
		char token[SURVEY_TOKEN_LEN + 1];
		size_t n = 0;
		int rc;

		while (is_token_char(p[1 + n]) && n <= SURVEY_TOKEN_LEN)
			n++;
		if (n != SURVEY_TOKEN_LEN || p[1 + n] != '@')
			continue;
		memcpy(token, p + 1, n);
		token[n] = '\0';
		rc = survey_invitation_by_token(inv, db, token, err);
		if (!rc) {
			*found = 1;
			return 0;
		}
		if (rc != ERR_NOTFOUND)
			return rc;
		err_clear(err);
	}
	return 0;
}

/* The invitation one of whose messages (the invitation, a reminder) has a
 * Message-ID in value (In-Reply-To, References). Ours are
 * <crmgate.ID.RANDOM@DOMAIN>: the row is found by its id, and the whole
 * Message-ID, random part included, must be the row's. */
static int by_message_id(struct survey_invitation *inv, int *found, struct crm_db *db, const char *value,
			 struct err *err)
{
	for (const char *p = value ? strchr(value, '<') : NULL; p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		struct crm_res *res = NULL;
		char *mid, id[24];
		size_t digits;
		int rc;

		if (!end)
			break;
		if (strncmp(p + 1, "crmgate.", 8) || !(digits = strspn(p + 9, "0123456789")) || digits >= sizeof(id) ||
		    p[9 + digits] != '.')
			continue;
		memcpy(id, p + 9, digits);
		id[digits] = '\0';
		mid = xstrfmt("%.*s", (int)(end - p - 1), p + 1);
		rc = crm_db_query(
			&res, db,
			"SELECT i.id FROM crm.outbox o JOIN crm.survey s ON s.campaign_id = o.campaign_id"
			" JOIN crm.survey_invitation i ON i.survey_id = s.id AND i.target_code = o.target_code"
			" WHERE o.id = $1::bigint AND o.channel = 'email' AND btrim(o.message_id, '<> ') = $2",
			2, (const char *[]){ id, mid }, err);
		free(mid);
		if (!rc && crm_res_rows(res) == 1)
			rc = survey_invitation_by_id(inv, db, strtoll(crm_res_get(res, 0, 0), NULL, 10), err);
		if (!rc && crm_res_rows(res) == 1)
			*found = 1;
		crm_res_free(res);
		if (rc || *found)
			return rc;
	}
	return 0;
}

/* The reply's Message-ID without <>, or "sha256:HEX" of its bytes. */
static int message_id(char **out, const struct gw_mime_text *m, const char *msg, size_t len, struct err *err)
{
	const char *v = gw_mime_text_field(m, "message-id");
	unsigned char hash[GW_CRYPTO_SHA256_LEN];
	struct buf b = BUF_INIT;
	int rc;

	if (v) {
		v += strspn(v, " \t<");
		size_t n = strcspn(v, "> \t");
		if (n) {
			*out = xstrndup(v, n);
			return 0;
		}
	}
	if ((rc = gw_crypto_sha256(hash, msg, len, err)))
		return rc;
	buf_adds(&b, "sha256:");
	for (size_t i = 0; i < sizeof(hash); i++)
		buf_addf(&b, "%02x", hash[i]);
	*out = buf_detach(&b, NULL);
	return 0;
}

/* An error's message and its detail lines, as a reason to keep. */
static char *reason_of(const char *what, const struct err *e)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s: %s", what, e->msg.len ? e->msg.data : "unknown");
	if (e->detail.len)
		buf_addf(&b, "\n%s", e->detail.data);
	while (b.len && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	return buf_detach(&b, NULL);
}

/* Keep the message for review (once per Message-ID): *kept is 1 when it
 * was not kept before. */
static int keep(int *kept, struct crm_db *db, const struct gw_mime_text *m, const char *msg, size_t len,
		const char *msg_id, const char *reason, const struct survey_invitation *inv, struct err *err)
{
	struct crm_res *res = NULL;
	struct buf body = BUF_INIT;
	char sid[24] = "", iid[24] = "";
	const char *from = gw_mime_text_field(m, "from"), *subject = gw_mime_text_field(m, "subject");
	int rc;

	if (m->body)
		buf_add(&body, m->body, m->body_len);
	else
		gw_mime_add_raw(&body, msg, len); /* undecodable: the message as it came, for a person */
	if (inv) {
		snprintf(sid, sizeof(sid), "%lld", inv->survey_id);
		snprintf(iid, sizeof(iid), "%lld", inv->id);
	}
	rc = crm_db_query(&res, db,
			  "INSERT INTO crm.survey_inbox (channel, message_id, sender, subject, body, reason, survey_id,"
			  " invitation_id) VALUES ('email', $1, $2, $3, $4, $5, $6::bigint, $7::bigint)"
			  " ON CONFLICT (message_id) DO NOTHING",
			  7,
			  (const char *[]){ msg_id, from ? from : "", subject ? subject : "", body.data, reason,
					    inv ? sid : NULL, inv ? iid : NULL },
			  err);
	*kept = !rc && crm_res_affected(res) > 0;
	crm_res_free(res);
	buf_release(&body);
	return rc;
}

int survey_mail_hook(void *ctx, struct crm_db *db, const char *msg, size_t len, const char *unread, struct err *err)
{
	static const char *const recipients[] = { "to", "cc", "delivered-to" };
	static const char *const threads[] = { "in-reply-to", "references" };
	struct survey_mail *sm = ctx;
	struct gw_mime_text m;
	struct survey_invitation inv = { 0 };
	struct survey_template t = { 0 };
	struct survey_answers a = { 0 };
	struct survey_header *headers = NULL;
	struct err rerr = ERR_INIT, perr = ERR_INIT;
	char *msg_id = NULL, *reason = NULL;
	const char *autoreply;
	enum survey_outcome oc;
	int rc = 0, found = 0, unreadable, have_t = 0, kept = 0;

	unreadable = gw_mime_read(&m, msg, len, &rerr) != 0;
	headers = xcalloc(m.nfields + 1, sizeof(*headers));
	for (size_t i = 0; i < m.nfields; i++) {
		headers[i].name = m.fields[i].name;
		headers[i].value = m.fields[i].value;
	}
	if ((autoreply = survey_reply_auto(headers, m.nfields))) {
		log_debug("mailbox: an automatic reply (%s) is no answer", autoreply);
		sm->stats.auto_replies++;
		goto done;
	}
	if ((rc = message_id(&msg_id, &m, msg, len, err)))
		goto done;
	for (size_t i = 0; !rc && !found && i < sizeof(recipients) / sizeof(*recipients); i++)
		for (size_t f = 0; !rc && !found && f < m.nfields; f++)
			if (!strcasecmp(m.fields[f].name, recipients[i]))
				rc = by_address(&inv, &found, db, m.fields[f].value, err);
	for (size_t i = 0; !rc && !found && i < sizeof(threads) / sizeof(*threads); i++)
		rc = by_message_id(&inv, &found, db, gw_mime_text_field(&m, threads[i]), err);
	if (rc)
		goto done;
	if (unread) { /* only its header: kept with what it matched */
		reason = xstrdup(unread);
	} else if (!found) {
		reason = xstrdup("unmatched: no recipient address with an invitation's +TOKEN and no In-Reply-To or"
				 " References of an invitation's message");
	} else if (!inv.open) {
		reason = xstrfmt("closed: survey '%s' takes no more answers", inv.survey);
	} else if (unreadable) {
		reason = reason_of("unreadable", &rerr);
	} else {
		if ((rc = survey_store_get_id(&t, db, inv.template_id, err)))
			goto done;
		have_t = 1;
		if (survey_reply_parse(&a, &t, m.body, m.body_len, &perr))
			reason = reason_of("unreadable", &perr);
	}
	if (!reason) {
		if ((rc = survey_respond(&oc, db, inv.id, "email", &t, &a, msg_id, NULL, err)))
			goto done;
		if (oc == SURVEY_CLOSED)
			reason = xstrfmt("closed: survey '%s' takes no more answers", inv.survey);
		else if (oc == SURVEY_ANSWERED) /* by the link, a text or another reply: a person decides */
			reason = xstrfmt("answered already by %s: invitation %lld (%s) has a response",
					 inv.answered_by ? inv.answered_by : "another way", inv.id, inv.target_code);
		else if (oc == SURVEY_UNKNOWN)
			reason = xstrdup("unmatched: its invitation is gone");
		else /* stored, or this very message stored before */
			sm->stats.answers++;
	}
	if (reason) {
		if ((rc = keep(&kept, db, &m, msg, len, msg_id, reason, found ? &inv : NULL, err)))
			goto done;
		sm->stats.kept += kept;
	}
done:
	if (have_t)
		survey_template_release(&t);
	survey_answers_release(&a);
	survey_invitation_release(&inv);
	free(headers);
	free(msg_id);
	free(reason);
	err_release(&rerr);
	err_release(&perr);
	gw_mime_text_release(&m);
	return rc;
}

/* ------------------------------------------------------------ the inbox */

int survey_mail_inbox_list(struct crm_res **out, struct crm_db *db, int all, struct err *err)
{
	return crm_db_query(out, db,
			    all ? "SELECT id, to_char(received_at, 'YYYY-MM-DD HH24:MI') AS received, sender, subject,"
				  " split_part(reason, E'\\n', 1) AS reason, status FROM crm.survey_inbox"
				  " ORDER BY received_at, id"
				: "SELECT id, to_char(received_at, 'YYYY-MM-DD HH24:MI') AS received, sender, subject,"
				  " split_part(reason, E'\\n', 1) AS reason FROM crm.survey_inbox WHERE status = 'open'"
				  " ORDER BY received_at, id",
			    0, NULL, err);
}

int survey_mail_inbox_show(struct crm_res **out, struct crm_db *db, long long id, struct err *err)
{
	char n[24];
	int rc;

	snprintf(n, sizeof(n), "%lld", id);
	rc = crm_db_query(
		out, db,
		"SELECT b.id, to_char(b.received_at, 'YYYY-MM-DD HH24:MI:SS') AS received, b.channel,"
		" b.message_id, b.sender, b.subject, b.reason, s.name AS survey, b.invitation_id AS invitation,"
		" i.target_code AS target, b.status, b.handled_by,"
		" to_char(b.handled_at, 'YYYY-MM-DD HH24:MI:SS') AS handled_at, b.body"
		" FROM crm.survey_inbox b LEFT JOIN crm.survey s ON s.id = b.survey_id"
		" LEFT JOIN crm.survey_invitation i ON i.id = b.invitation_id WHERE b.id = $1::bigint",
		1, (const char *[]){ n }, err);
	if (!rc && crm_res_rows(*out) == 0) {
		crm_res_free(*out);
		*out = NULL;
		rc = err_set(err, ERR_NOTFOUND, "there is no survey inbox item %lld", id);
	}
	return rc;
}

/* An open item: its channel (email, sms), message id, body, survey and
 * invitation ("" when none). */
struct item {
	char *channel, *message_id, *body, *survey_id, *invitation_id;
};

static int item_get(struct item *out, struct crm_db *db, long long id, struct err *err)
{
	struct crm_res *res = NULL;
	char n[24];
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(n, sizeof(n), "%lld", id);
	rc = crm_db_query(
		&res, db,
		"SELECT status, message_id, body, coalesce(survey_id::text, ''), coalesce(invitation_id::text, ''),"
		" channel"
		" FROM crm.survey_inbox WHERE id = $1::bigint FOR UPDATE",
		1, (const char *[]){ n }, err);
	if (!rc && crm_res_rows(res) == 0)
		rc = err_set(err, ERR_NOTFOUND, "there is no survey inbox item %lld", id);
	if (!rc && strcmp(crm_res_get(res, 0, 0), "open"))
		rc = err_set(err, ERR_INPUT, "survey inbox item %lld is %s already", id, crm_res_get(res, 0, 0));
	if (!rc) {
		out->message_id = xstrdup_or_null(crm_res_get(res, 0, 1));
		out->body = xstrdup(crm_res_get(res, 0, 2));
		out->survey_id = xstrdup(crm_res_get(res, 0, 3));
		out->invitation_id = xstrdup(crm_res_get(res, 0, 4));
		out->channel = xstrdup(crm_res_get(res, 0, 5));
	}
	crm_res_free(res);
	return rc;
}

static void item_release(struct item *it)
{
	free(it->channel);
	free(it->message_id);
	free(it->body);
	free(it->survey_id);
	free(it->invitation_id);
}

/* The invitation --invitation names: an id, or a target code of survey
 * (a name; NULL: the item's survey). */
static int which_invitation(long long *out, struct crm_db *db, const struct item *it, const char *invitation,
			    const char *survey, struct err *err)
{
	char *v = NULL;
	int rc;

	if (!invitation) {
		if (!*it->invitation_id)
			return err_set(err, ERR_INPUT, "the item matches no invitation: say which with --invitation");
		*out = strtoll(it->invitation_id, NULL, 10);
		return 0;
	}
	if (invitation[strspn(invitation, "0123456789")] == '\0' && !survey) {
		*out = strtoll(invitation, NULL, 10);
		return 0;
	}
	if (!survey && !*it->survey_id)
		return err_set(err, ERR_INPUT, "'%s' is a target code: say of which survey with --survey", invitation);
	rc = crm_db_value(&v, db,
			  "SELECT i.id FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id"
			  " WHERE i.target_code = $1 AND CASE WHEN $2::text IS NOT NULL THEN s.name = $2"
			  " ELSE s.id = $3::bigint END",
			  3, (const char *[]){ invitation, survey, *it->survey_id ? it->survey_id : NULL }, err);
	if (!rc && !v)
		rc = err_set(err, ERR_NOTFOUND, "target '%s' has no invitation of survey '%s'", invitation,
			     survey ? survey : "of the item");
	if (!rc)
		*out = strtoll(v, NULL, 10);
	free(v);
	return rc;
}

int survey_mail_inbox_assign(struct crm_db *db, long long id, const char *invitation, const char *survey,
			     const char *answers, struct err *err)
{
	struct item it;
	struct survey_invitation inv = { 0 };
	struct survey_template t = { 0 };
	struct survey_answers a = { 0 };
	struct buf text = BUF_INIT;
	enum survey_outcome oc;
	long long iid = 0;
	char n[24], in[24], *who = NULL;
	int rc, have_t = 0, sms;

	if ((rc = crm_db_begin(db, err)))
		return rc;
	if ((rc = item_get(&it, db, id, err)) || (rc = which_invitation(&iid, db, &it, invitation, survey, err)) ||
	    (rc = survey_invitation_by_id(&inv, db, iid, err)) ||
	    (rc = survey_store_get_id(&t, db, inv.template_id, err)))
		goto done;
	have_t = 1;
	/* answers given by hand: one a line, or separated by ';' */
	for (const char *p = answers ? answers : it.body; *p; p++)
		buf_addch(&text, answers && *p == ';' ? '\n' : *p);
	/* a kept text is read as a text reply is, and stored as one */
	sms = !strcmp(it.channel, "sms");
	if (sms && !answers)
		rc = survey_reply_parse_sms(&a, &t, text.data, text.len, err);
	else
		rc = survey_reply_parse(&a, &t, text.data, text.len, err);
	if (rc == SURVEY_REPLY_STOP)
		rc = err_set(err, ERR_INPUT, "it asks to stop messages: there is no answer in it");
	if (rc) {
		err_prefix(err, "%s: ", answers ? "--answers" : sms ? "the kept text" : "the kept reply");
		goto done;
	}
	if ((rc = crm_db_value(&who, db, "SELECT coalesce(crm.current_login(), session_user)", 0, NULL, err)) ||
	    (rc = survey_respond(&oc, db, inv.id, sms ? "sms" : "email", &t, &a, it.message_id, who ? who : "", err)))
		goto done;
	switch (oc) {
	case SURVEY_STORED: break;
	case SURVEY_ANSWERED:
		rc = err_set(err, ERR_EXISTS, "invitation %lld (%s) was answered already, by %s", inv.id,
			     inv.target_code, inv.answered_by ? inv.answered_by : "another way");
		goto done;
	case SURVEY_CLOSED: rc = err_set(err, ERR_DENIED, "survey '%s' takes no more answers", inv.survey); goto done;
	case SURVEY_DUPLICATE:
		rc = err_set(err, ERR_EXISTS, "a response from this message is stored already");
		goto done;
	case SURVEY_UNKNOWN: rc = err_set(err, ERR_NOTFOUND, "there is no survey invitation %lld", inv.id); goto done;
	}
	snprintf(n, sizeof(n), "%lld", id);
	snprintf(in, sizeof(in), "%lld", inv.id);
	rc = crm_db_query(
		NULL, db,
		"UPDATE crm.survey_inbox SET status = 'filed', handled_by = coalesce(crm.current_login(), session_user),"
		" handled_at = now(), invitation_id = $2::bigint,"
		" survey_id = (SELECT survey_id FROM crm.survey_invitation WHERE id = $2::bigint)"
		" WHERE id = $1::bigint",
		2, (const char *[]){ n, in }, err);
done:
	if (!rc)
		rc = crm_db_commit(db, err);
	if (rc)
		crm_db_rollback(db);
	if (have_t)
		survey_template_release(&t);
	survey_answers_release(&a);
	survey_invitation_release(&inv);
	item_release(&it);
	buf_release(&text);
	free(who);
	return rc;
}

int survey_mail_inbox_dismiss(struct crm_db *db, long long id, struct err *err)
{
	struct crm_res *res = NULL;
	char n[24];
	int rc;

	snprintf(n, sizeof(n), "%lld", id);
	rc = crm_db_query(
		&res, db,
		"UPDATE crm.survey_inbox SET status = 'dismissed', handled_by = coalesce(crm.current_login(), session_user),"
		" handled_at = now() WHERE id = $1::bigint AND status = 'open' RETURNING id",
		1, (const char *[]){ n }, err);
	if (!rc && crm_res_rows(res) == 0) {
		char *status = NULL;
		rc = crm_db_value(&status, db, "SELECT status FROM crm.survey_inbox WHERE id = $1::bigint", 1,
				  (const char *[]){ n }, err);
		if (!rc)
			rc = status ? err_set(err, ERR_INPUT, "survey inbox item %lld is %s already", id, status)
				    : err_set(err, ERR_NOTFOUND, "there is no survey inbox item %lld", id);
		free(status);
	}
	crm_res_free(res);
	return rc;
}
