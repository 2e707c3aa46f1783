/* gateway/channel_email.c - the email channel: a campaign's e-mails of a
 * claimed batch read their targets' records in one query, are all built
 * (MIME, DKIM-signed when configured) before the first is handed over, and
 * go out through the transport ([email] transport: gateway/transport.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "gateway/channel.h"
#include "gateway/dkim.h"
#include "gateway/dsn.h"
#include "gateway/mime.h"
#include "gateway/smtp.h"
#include "gateway/transport.h"
#include "gateway/web.h"
#include "merge/office.h"
#include "merge/render.h"
#include "common/banned.h"

struct email_msg;

struct email {
	const struct gw_transport *transport; /* NULL until the first message */
	void *transport_state;
	struct gw_smtp_opts smtp;
	char *from_name, *from_addr, *return_path;
	struct gw_dkim *dkim;	    /* NULL: no [email] dkim_* settings */
	const char *subject_prefix; /* a test message's "[TEST] " */
	const char *public_url;	    /* [serve] public_url, for the unsubscribe links */
	const char *reply_to;	    /* [survey] reply_to (LOCAL@DOMAIN): a survey's replies go to LOCAL+TOKEN@DOMAIN */
	struct gw_smtp_result sr;
	/* reused from message to message: the filled parts, and a batch's messages */
	struct buf text, subject, html, att, mailto;
	struct email_msg *msgs;
	size_t nmsgs;
};

static void split_address(const char *s, char **name, char **addr)
{
	const char *lt = strrchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	*name = NULL;
	if (!lt || !gt) {
		*addr = xstrdup(s);
		return;
	}
	*addr = xstrfmt("%.*s", (int)(gt - lt - 1), lt + 1);
	while (lt > s && lt[-1] == ' ')
		lt--;
	if (lt > s)
		*name = xstrfmt("%.*s", (int)(lt - s), s);
}

/* The [email] settings of the transport, and the transport, opened at
 * the first message. */
static int email_connect(void *state, struct gw_worker *w, struct err *err)
{
	struct email *e = state;
	const struct config *cfg = w->o->cfg;
	const char *url = config_get(cfg, "email", "transport");
	const char *from = config_get(cfg, "email", "from"), *rp = config_get(cfg, "email", "return_path");
	int rc;

	if (e->transport)
		return 0;
	free(e->from_name);
	free(e->from_addr);
	free(e->return_path);
	e->return_path = NULL;
	split_address(from ? from : "crmgate <crmgate@localhost>", &e->from_name, &e->from_addr);
	if (!strchr(e->from_addr, '@'))
		return err_set(err, ERR_INPUT, "[email] from: '%s' has no address", from);
	e->return_path = xstrdup(rp ? rp : e->from_addr);
	e->smtp.url = url ? url : "file:out/mail";
	e->smtp.username = config_get(cfg, "email", "username");
	e->smtp.password = config_get(cfg, "email", "password");
	e->smtp.tls_fingerprint = config_get(cfg, "email", "tls_fingerprint");
	if ((rc = gw_transport_find(&e->transport, e->smtp.url, err)))
		return rc;
	rc = e->transport->open(&e->transport_state, &e->smtp, err);
	if (rc)
		e->transport = NULL;
	return rc;
}

/* One e-mail of a claimed batch. A batch's messages are all built before the
 * first of them is handed over, so that in between two messages the worker
 * only records the one and marks the next (gateway/outbox.h). */
struct email_msg {
	const struct gw_job *job;
	enum { MSG_WAITING, MSG_BUILT, MSG_FAILED, MSG_DONE } state;
	struct buf msg, envelope, unsub, why; /* why: what went wrong building it */
	struct buf survey;		      /* its survey link, "" when it has none */
	struct buf reply_to;		      /* its survey's tagged Reply-To, "" when it has none */
	char *msgid;
	char tag[GW_DSN_TAG_LEN + 1]; /* its return path's: crm.bounce_tag; "" for a test message */
};
#define EMAIL_MSG_INIT                                                                                                 \
	{                                                                                                              \
		NULL, MSG_WAITING, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, NULL, ""                \
	}

struct email_batch {
	struct email *e;
	struct gw_worker *w;
	struct gw_camp *k;
	struct email_msg *m;
	int n;
};

static void email_msg_reset(struct email_msg *m, const struct gw_job *job)
{
	m->job = job;
	m->state = MSG_WAITING;
	buf_reset(&m->msg);
	buf_reset(&m->envelope);
	buf_reset(&m->unsub);
	buf_reset(&m->why);
	buf_reset(&m->survey);
	buf_reset(&m->reply_to);
	free(m->msgid);
	m->msgid = NULL;
	m->tag[0] = '\0';
}

static void email_msg_release(struct email_msg *m)
{
	buf_release(&m->msg);
	buf_release(&m->envelope);
	buf_release(&m->unsub);
	buf_release(&m->why);
	buf_release(&m->survey);
	buf_release(&m->reply_to);
	free(m->msgid);
}

static int render_into(struct buf *out, struct gw_tpl *t, const char *src, const struct value *rec,
		       const struct value *globals, struct err *err)
{
	buf_reset(out);
	return src ? merge_render(out, &t->text, rec, globals, err) : 0;
}

/* The filled Word document, or its PDF, for the attachment. */
static int attachment(struct gw_camp *k, const struct gw_job *job, const struct value *rec, struct buf *out,
		      struct err *err)
{
	char tmpl[] = "/tmp/crmgate-pdf-XXXXXX";
	char *docx = NULL, *pdf = NULL;
	const char *p;
	int rc;

	buf_reset(out);
	if (!strcmp(k->c.attach, "docx"))
		return merge_docx_render_buf(k->doc.docx, rec, k->globals, out, err);
	if (!mkdtemp(tmpl))
		return err_set(err, ERR_FAIL, "could not make a temporary folder: %s", strerror(errno));
	docx = xstrfmt("%s/%ld.docx", tmpl, job->id);
	pdf = xstrfmt("%s/%ld.pdf", tmpl, job->id);
	p = docx;
	rc = merge_docx_render(k->doc.docx, rec, k->globals, docx, err);
	if (!rc)
		rc = merge_office_convert(&p, 1, "pdf", tmpl, err);
	if (!rc) {
		FILE *f = fopen(pdf, "rb");
		char chunk[65536];
		size_t n;
		while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(out, chunk, n);
		if (!f)
			rc = err_set(err, ERR_FAIL, "could not read '%s': %s", pdf, strerror(errno));
		else
			fclose(f);
	}
	unlink(docx);
	unlink(pdf);
	rmdir(tmpl);
	free(docx);
	free(pdf);
	return rc;
}

/* Build the message of one target's record. What cannot be filled or built
 * is that message's fault: it is marked failed (its row fails, nothing is
 * suppressed), and the batch goes on. */
static int email_build(void *ctx, const struct value *rec, struct err *err)
{
	struct email_batch *b = ctx;
	struct email *e = b->e;
	struct gw_camp *k = b->k;
	const char *code = gw_record_text(rec, "code");
	struct email_msg *m = NULL;
	const char *domain = strchr(e->from_addr, '@') + 1;
	char *extra[2] = { NULL, NULL }, *attach_name = NULL;
	struct err merr = ERR_INIT;
	unsigned char rnd[8];
	int rc;

	for (int i = 0; i < b->n && !m; i++)
		if (b->m[i].state == MSG_WAITING && !strcmp(b->m[i].job->target_code, code))
			m = &b->m[i];
	if (!m)
		return 0;
	const struct gw_job *job = m->job;
	/* made before anything is filled: a link the template may show too; a
	 * test message, which is no row's, goes out from the return path itself */
	if ((rc = gw_smtp_return_path(&m->envelope, e->return_path, job->id, m->tag[0] ? m->tag : NULL, err)))
		return rc;
	value_object_set(k->globals, "unsubscribe_url", value_new_text(m->unsub.data));
	value_object_set(k->globals, "survey_url", m->survey.len ? value_new_text(m->survey.data) : value_new_null());
	buf_reset(&e->text);
	if (render_into(&e->subject, &k->subject, k->c.subject, rec, k->globals, &merr) ||
	    render_into(&e->text, &k->text, k->c.body_text, rec, k->globals, &merr) ||
	    render_into(&e->html, &k->html, k->c.body_html, rec, k->globals, &merr) ||
	    (strcmp(k->c.attach, "none") && attachment(k, job, rec, &e->att, &merr)))
		goto failed;
	if (e->subject_prefix) {
		char *subject = buf_detach(&e->subject, NULL);
		buf_addf(&e->subject, "%s%s", e->subject_prefix, subject);
		free(subject);
	}
	if (!strcmp(k->c.attach, "none"))
		buf_reset(&e->att);
	if (getentropy(rnd, sizeof(rnd)))
		memset(rnd, 0, sizeof(rnd));
	m->msgid = xstrfmt("crmgate.%ld.%02x%02x%02x%02x%02x%02x%02x%02x@%s", job->id, rnd[0], rnd[1], rnd[2], rnd[3],
			   rnd[4], rnd[5], rnd[6], rnd[7], domain);
	extra[0] = xstrfmt("X-Crmgate-Outbox: %ld", job->id);
	buf_reset(&e->mailto);
	buf_addf(&e->mailto, "%s?subject=unsubscribe", m->envelope.data);
	if (e->att.len)
		attach_name = xstrfmt("%s-%s.%s", k->c.name, job->target_code, k->c.attach);
	struct gw_mail mail = {
		.from_name = e->from_name,
		.from_addr = e->from_addr,
		.to_name = job->recipient_name,
		.to_addr = job->recipient,
		.reply_to = m->reply_to.len ? m->reply_to.data : NULL,
		.subject = e->subject.data,
		.text = k->c.body_text ? e->text.data : NULL,
		.html = k->c.body_html ? e->html.data : NULL,
		.attach_name = attach_name,
		.attach = e->att.data,
		.attach_len = e->att.len,
		.attach_type = !strcmp(k->c.attach, "pdf")
				       ? "application/pdf"
				       : "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		.message_id = m->msgid,
		.msgid_domain = domain,
		.unsubscribe_mailto = k->c.marketing ? e->mailto.data : NULL,
		/* RFC 8058's one-click link must be https: a plain http public_url
		 * (the loopback default) still goes into the body's {{unsubscribe_url}} */
		.unsubscribe_url = k->c.marketing && !strncmp(m->unsub.data, "https://", 8) ? m->unsub.data : NULL,
		.extra = (const char *const *)extra,
	};
	/* signed last: nothing may change the message after this */
	if (gw_mime_build(&m->msg, &mail, &merr) || (e->dkim && gw_dkim_sign(e->dkim, &m->msg, &merr)))
		goto failed;
	m->state = MSG_BUILT;
	goto done;
failed:
	m->state = MSG_FAILED;
	buf_adds(&m->why, merr.msg.len ? merr.msg.data : "the message could not be built");
done:
	free(extra[0]);
	free(attach_name);
	err_release(&merr);
	return 0;
}

/* The signed unsubscribe links and return path tags of the batch's rows,
 * in one query, and for a survey's rows their survey links. */
static int email_links(struct email_batch *b, struct err *err)
{
	struct gw_worker *w = b->w;
	const char *public_url = b->e->public_url;
	struct buf ids = BUF_INIT, token = BUF_INIT;
	struct crm_res *res = NULL;
	const char *params[2];
	size_t len = strlen(public_url);
	int rc;

	while (len && public_url[len - 1] == '/')
		len--;
	buf_addch(&ids, '{');
	for (int i = 0; i < b->n; i++)
		buf_addf(&ids, "%s%ld", i ? "," : "", b->m[i].job->id);
	buf_addch(&ids, '}');
	params[0] = ids.data;
	params[1] = w->secret;
	/* only a survey's rows look for an invitation: a campaign's cost no
	 * more than they did before surveys */
	rc = crm_db_query_prepared(
		&res, w->db,
		b->k->survey ? "SELECT crm.unsubscribe_token(u.id, $2::text), crm.bounce_tag(u.id, $2::text),"
			       " encode(s.nonce, 'hex'), encode(s.token_hash, 'hex'), s.survey"
			       " FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n)"
			       " LEFT JOIN LATERAL crm.survey_outbox_nonce(u.id) s ON true ORDER BY u.n"
			     : "SELECT crm.unsubscribe_token(u.id, $2::text), crm.bounce_tag(u.id, $2::text)"
			       " FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) ORDER BY u.n",
		2, params, err);
	if (!rc && crm_res_rows(res) != b->n)
		rc = err_set(err, ERR_FAIL, "could not sign the links of %d outbox rows", b->n);
	for (int i = 0; !rc && i < b->n; i++) {
		const char *unsub = crm_res_get(res, i, 0), *tag = crm_res_get(res, i, 1);
		const char *nonce = b->k->survey ? crm_res_get(res, i, 2) : NULL;
		if (!unsub || !tag || strlen(tag) != GW_DSN_TAG_LEN) {
			rc = err_set(err, ERR_FAIL, "could not sign the links of outbox row %ld", b->m[i].job->id);
			break;
		}
		buf_add(&b->m[i].unsub, public_url, len);
		buf_addf(&b->m[i].unsub, "/u/%s", unsub);
		if (nonce) {
			struct gw_web_invitation v = { b->m[i].job->id, nonce, crm_res_get(res, i, 3),
						       crm_res_get(res, i, 4) };
			buf_reset(&token);
			rc = gw_web_survey_token_of(&token, &v, w->secret, err);
			if (rc)
				break;
			buf_add(&b->m[i].survey, public_url, len);
			buf_addf(&b->m[i].survey, "/s/%s", token.data);
			/* a reply finds its invitation by the token (survey/mailreply.h) */
			if (b->e->reply_to && strchr(b->e->reply_to, '@'))
				buf_addf(&b->m[i].reply_to, "%.*s+%s%s", (int)strcspn(b->e->reply_to, "@"),
					 b->e->reply_to, token.data, strchr(b->e->reply_to, '@'));
		}
		memcpy(b->m[i].tag, tag, GW_DSN_TAG_LEN + 1);
	}
	crm_res_free(res);
	buf_release(&ids);
	buf_release(&token);
	return rc;
}

/* Hand over the built message m: it is marked sending already when
 * *marked (by the statement that recorded the message before), else here.
 * Its result is recorded at once; when it was sent and next is the batch's
 * next built message, the same statement marks next sending (*marked says
 * so), so that a message costs one round trip to the database. */
static int email_send(struct email_batch *b, struct email_msg *m, struct email_msg *next, int *marked, struct err *err)
{
	struct gw_worker *w = b->w;
	struct email *e = b->e;
	const struct gw_job *job = m->job;
	struct gw_result r = { .outcome = GW_SENT };
	struct err merr = ERR_INIT;
	int rc = 0, go = *marked;

	if (!*marked) {
		rc = gw_worker_pace(w, b->k, "email", err);
		if (rc == 1) {
			m->state = MSG_DONE;
			return gw_worker_give_back(w, job, err);
		}
		if (!rc)
			rc = gw_outbox_sending(w->db, job, &go, err);
	}
	*marked = 0;
	if (rc || !go) {
		if (!rc) {
			m->state = MSG_DONE;
			w->st->skipped++;
		}
		return rc;
	}
	m->state = MSG_DONE;
	rc = e->transport->send(e->transport_state, m->envelope.data, job->recipient, m->msg.data, m->msg.len, &e->sr,
				&merr);
	r.outcome = rc ? e->sr.outcome : GW_SENT;
	r.reply = e->sr.reply.len ? e->sr.reply.data : merr.msg.data;
	r.message_id = m->msgid;
	rc = 0;
	gw_worker_count(w, r.outcome);
	/* a rate to keep waits before the next is marked: that wait must not
	 * delay this result, nor must a stop keep the next marked */
	if (r.outcome == GW_SENT && next && gw_worker_rate(w, b->k, "email") <= 0 && !gw_worker_stopping(w)) {
		rc = gw_outbox_sent_next(w->db, job, &r, next->job, &go, err);
		*marked = 1;
		if (!rc && !go) {
			next->state = MSG_DONE;
			w->st->skipped++;
			*marked = 0;
		}
	} else {
		if (r.outcome == GW_SLOWDOWN)
			rc = gw_outbox_back_off(w->db, "email", 60, err);
		if (!rc)
			rc = gw_outbox_done(w->db, job, &r, err);
	}
	err_release(&merr);
	return rc;
}

/* The e-mails of one campaign among a claimed batch: the targets' records
 * in one query, every message built, then each handed over in turn. Rows
 * whose target has gone or whose message cannot be built fail first.
 * handled[i] is set for each row that was recorded (or given back); on a
 * stop or an error the others are the caller's to give back. */
static int email_send_batch(void *state, struct gw_worker *w, const struct gw_job **jobs, int n, int *handled,
			    struct err *err)
{
	struct email *e = state;
	struct email_batch b = { e, w, NULL, NULL, n };
	const char **codes = NULL;
	int rc, marked = 0;

	if ((rc = gw_worker_campaign(&b.k, w, jobs[0]->campaign_id, err)))
		return rc;
	if ((size_t)n > e->nmsgs) {
		e->msgs = xrealloc(e->msgs, (size_t)n * sizeof(*e->msgs));
		for (size_t i = e->nmsgs; i < (size_t)n; i++)
			e->msgs[i] = (struct email_msg)EMAIL_MSG_INIT;
		e->nmsgs = (size_t)n;
	}
	b.m = e->msgs;
	codes = xcalloc((size_t)n, sizeof(*codes));
	for (int i = 0; i < n; i++) {
		email_msg_reset(&b.m[i], jobs[i]);
		codes[i] = jobs[i]->target_code;
	}
	rc = email_links(&b, err);
	if (!rc)
		rc = gw_worker_records(w, b.k, codes, (size_t)n, NULL, email_build, &b, err);
	free(codes);
	for (int i = 0; !rc && i < n; i++) {
		struct email_msg *m = &b.m[i];
		if (m->state == MSG_WAITING) {
			m->state = MSG_DONE;
			rc = gw_worker_target_gone(w, m->job, err);
		} else if (m->state == MSG_FAILED) {
			struct gw_result r = { .outcome = GW_ERROR, .reply = m->why.data };
			m->state = MSG_DONE;
			log_warn("outbox row %ld: %s", m->job->id, r.reply);
			gw_worker_count(w, r.outcome);
			rc = gw_outbox_done(w->db, m->job, &r, err);
		}
	}
	for (int i = 0; !rc && i < n; i++) {
		struct email_msg *next = NULL;
		if (b.m[i].state != MSG_BUILT)
			continue;
		/* a stop finishes the row in hand: one already marked sending is sent */
		if (!marked && gw_worker_stopping(w))
			break;
		for (int j = i + 1; j < n && !next; j++)
			if (b.m[j].state == MSG_BUILT)
				next = &b.m[j];
		rc = email_send(&b, &b.m[i], next, &marked, err);
	}
	for (int i = 0; i < n; i++)
		handled[i] = b.m[i].state == MSG_DONE;
	return rc;
}

static int email_sample(void *state, struct gw_worker *w, struct gw_camp *k, const struct value *rec, const char *to,
			struct buf *report, struct err *err)
{
	struct email *e = state;
	struct gw_job job = { .id = 0,
			      .campaign_id = k->c.id,
			      .channel = "email",
			      .target_code = (char *)gw_record_text(rec, "code"),
			      .recipient = (char *)to };
	struct email_msg m = EMAIL_MSG_INIT;
	struct email_batch b = { e, w, k, &m, 1 };
	struct err merr = ERR_INIT;
	int rc;

	email_msg_reset(&m, &job);
	e->subject_prefix = "[TEST] ";
	rc = email_build(&b, rec, err);
	if (!rc && m.state != MSG_BUILT)
		rc = err_set(err, ERR_INPUT, "the message could not be filled for %s: %s", job.target_code, m.why.data);
	if (!rc && e->transport->send(e->transport_state, m.envelope.data, to, m.msg.data, m.msg.len, &e->sr, &merr))
		rc = err_set(err, ERR_FAIL, "%s did not take the test message: %s", e->smtp.url,
			     e->sr.reply.len ? e->sr.reply.data : merr.msg.data);
	if (!rc)
		buf_addf(report, "sent a test e-mail to %s, filled for %s %s (%zu bytes, Message-ID <%s>)", to,
			 job.target_code, gw_record_text(rec, "name"), m.msg.len, m.msgid);
	email_msg_release(&m);
	err_release(&merr);
	return rc;
}

/* [survey] reply_to, LOCAL@DOMAIN: each survey invitation's Reply-To is
 * LOCAL+TOKEN@DOMAIN, which must still be an address (a mailbox name is 64
 * characters at most, and the token takes 44 of them). */
static int check_reply_to(const char *reply_to, struct err *err)
{
	struct buf tagged = BUF_INIT;
	const char *at = strchr(reply_to, '@');
	int rc = gw_mime_check_addr(reply_to, "[survey] reply_to", err);

	if (!rc) {
		buf_addf(&tagged, "%.*s+%0*d%s", (int)(at - reply_to), reply_to, GW_WEB_SURVEY_TOKEN_LEN, 0, at);
		if (gw_mime_check_addr(tagged.data, "[survey] reply_to", err)) {
			err_clear(err);
			rc = err_set(err, ERR_INPUT,
				     "[survey] reply_to '%s': with a reply token (+ and %d characters) the part before"
				     " '@' is longer than an address allows (64)",
				     reply_to, GW_WEB_SURVEY_TOKEN_LEN);
			err_hint(err, "use a part before '@' of %d characters or fewer, such as survey@…",
				 64 - 1 - GW_WEB_SURVEY_TOKEN_LEN);
		}
	}
	buf_release(&tagged);
	return rc;
}

static int email_open(void **state, struct gw_worker *w, struct err *err)
{
	struct email *e = xcalloc(1, sizeof(*e));
	int rc;

	*state = e;
	buf_init(&e->text);
	buf_init(&e->subject);
	buf_init(&e->html);
	buf_init(&e->att);
	buf_init(&e->mailto);
	gw_smtp_result_init(&e->sr);
	e->public_url = config_get(w->o->cfg, "serve", "public_url");
	if (!e->public_url)
		e->public_url = "http://127.0.0.1:8080";
	e->reply_to = config_get(w->o->cfg, "survey", "reply_to");
	/* a bad setting stops the worker before it claims anything, rather
	 * than fail each message it touches */
	if (e->reply_to && *e->reply_to && (rc = check_reply_to(e->reply_to, err)))
		return rc;
	return gw_dkim_open(&e->dkim, w->o->cfg, err);
}

static void email_close(void *state)
{
	struct email *e = state;

	if (!e)
		return;
	gw_dkim_close(e->dkim);
	if (e->transport)
		e->transport->close(e->transport_state);
	free(e->from_name);
	free(e->from_addr);
	free(e->return_path);
	for (size_t i = 0; i < e->nmsgs; i++)
		email_msg_release(&e->msgs[i]);
	free(e->msgs);
	gw_smtp_result_release(&e->sr);
	buf_release(&e->text);
	buf_release(&e->subject);
	buf_release(&e->html);
	buf_release(&e->att);
	buf_release(&e->mailto);
	free(e);
}

const struct gw_channel gw_channel_email = {
	.name = "email",
	.batches = 1,
	.open = email_open,
	.connect = email_connect,
	.send_batch = email_send_batch,
	.sample = email_sample,
	.close = email_close,
};
