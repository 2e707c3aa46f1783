/* gateway/send.c - a worker: claim due outbox rows, fill, send, record. */
#include "gateway/send.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/file.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/record.h"
#include "gateway/campaign.h"
#include "gateway/dkim.h"
#include "gateway/dsn.h"
#include "gateway/outbox.h"
#include "gateway/sms_send.h"
#include "gateway/mime.h"
#include "gateway/smtp.h"
#include "gateway/tpl.h"
#include "gateway/transport.h"
#include "gateway/web.h"
#include "merge/batch.h"
#include "merge/office.h"
#include "common/banned.h"

/* A campaign as a worker needs it: its templates compiled once. */
struct camp {
	struct gw_campaign c;
	const struct crm_entity *e;
	struct gw_tpl subject, text, html, doc;
	struct value *globals;
};

struct email_msg;

struct worker {
	struct crm_db *db, *rdb;
	const struct gw_send_opts *o;
	struct gw_send_stats *st;
	struct camp **camps;
	size_t ncamps, camps_alloc;
	struct gw_sms_config sms_cfg;
	struct gw_sms_provider *sms;
	struct gw_sms_quiet quiet;
	struct gw_sms_cap cap;
	const char *signature, *optout;
	const char *secret; /* [serve] secret, or NULL: the database's key */
	const char *public_url;
	/* e-mail */
	const struct gw_transport *transport;
	void *transport_state;
	struct gw_smtp_opts smtp;
	char *from_name, *from_addr, *return_path;
	struct gw_dkim *dkim; /* NULL: no [email] dkim_* settings */
	const char *subject_prefix; /* a test message's "[TEST] " */
	struct gw_smtp_result sr;
	/* reused from message to message: the filled parts, and a batch's messages */
	struct buf text, subject, html, att, mailto;
	struct email_msg *msgs;
	size_t nmsgs;
};

static void camp_free(struct camp *k)
{
	gw_campaign_release(&k->c);
	gw_tpl_release(&k->subject);
	gw_tpl_release(&k->text);
	gw_tpl_release(&k->html);
	gw_tpl_release(&k->doc);
	value_free(k->globals);
	free(k);
}

/* The campaign of a row, compiled on first use. */
static int camp_get(struct camp **out, struct worker *w, long id, struct err *err)
{
	struct camp *k;
	char ref[24];
	int rc;

	for (size_t i = 0; i < w->ncamps; i++)
		if (w->camps[i]->c.id == id) {
			*out = w->camps[i];
			return 0;
		}
	k = xcalloc(1, sizeof(*k));
	snprintf(ref, sizeof(ref), "%ld", id);
	rc = gw_campaign_get(w->db, ref, &k->c, err);
	if (!rc && !(k->e = crm_entity_find(k->c.targets)))
		rc = err_set(err, ERR_FAIL, "campaign '%s' targets '%s', which is no entity", k->c.name, k->c.targets);
	if (!rc)
		rc = gw_campaign_compile_text(&k->subject, "subject", k->c.subject, GW_TPL_TXT, k->e, err);
	if (!rc)
		rc = gw_campaign_compile_text(&k->text, "body.txt", k->c.body_text, GW_TPL_TXT, k->e, err);
	if (!rc)
		rc = gw_campaign_compile_text(&k->html, "body.html", k->c.body_html, GW_TPL_HTML, k->e, err);
	if (!rc && k->c.template_kind) {
		char *label = xstrfmt("%s.%s", k->c.name, k->c.template_kind);
		rc = gw_tpl_set(&k->doc, label, k->c.template.data, k->c.template.len, err);
		free(label);
		if (!rc)
			rc = gw_tpl_compile(&k->doc, k->e, err);
	}
	if (rc) {
		err_prefix(err, "campaign %ld: ", id);
		camp_free(k);
		return rc;
	}
	k->globals = gw_tpl_globals(w->o->today);
	ALLOC_GROW(w->camps, w->ncamps + 1, w->camps_alloc);
	w->camps[w->ncamps++] = k;
	*out = k;
	return 0;
}

/* Read the records of codes (in the order q says), one call of fn each. */
static int with_records(struct worker *w, struct camp *k, const char *const *codes, size_t n, const char *order,
			crm_record_fn fn, void *ctx, struct err *err)
{
	struct buf array = BUF_INIT;
	struct crm_query q;
	int rc;

	crm_array_text(&array, codes, n);
	crm_query_init(&q);
	buf_addf(&q.where, "t.code = ANY ($%d::text[])", crm_query_param(&q, array.data));
	if (order)
		buf_adds(&q.order, order);
	rc = crm_records_each(NULL, w->rdb, k->e, &q, 0, fn, ctx, err);
	crm_query_release(&q);
	buf_release(&array);
	return rc;
}

static void count(struct worker *w, enum gw_outcome outcome)
{
	switch (outcome) {
	case GW_SENT: w->st->sent++; break;
	case GW_TEMPFAIL:
	case GW_SLOWDOWN: w->st->retried++; break;
	case GW_PERMFAIL:
	case GW_ERROR: w->st->failed++; break;
	case GW_UNKNOWN: w->st->unknown++; break;
	}
}

/* Wait for the channel's rate (the campaign's own, else [channel] rate),
 * shared by every worker through the database. */
static double rate_of(struct worker *w, const struct camp *k, const char *channel)
{
	const char *conf = k->c.rate ? k->c.rate : config_get(w->o->cfg, channel, "rate");
	return conf ? strtod(conf, NULL) : 0;
}

static int pace(struct worker *w, const struct camp *k, const char *channel, struct err *err)
{
	double rate = rate_of(w, k, channel), wait;
	int rc;

	if (rate <= 0)
		return 0;
	if ((rc = gw_outbox_take_token(w->db, channel, rate, &wait, err)))
		return rc;
	while (wait > 0) {
		double step = wait > 0.2 ? 0.2 : wait;
		struct timespec ts = { (time_t)step, (long)((step - (double)(time_t)step) * 1e9) };
		/* stopped while waiting for its turn: the row goes back, unsent */
		if (w->o->stop && *w->o->stop)
			return 1;
		nanosleep(&ts, NULL);
		wait -= step;
	}
	return 0;
}

/* A row given back unsent (the worker stops): due again at once. */
static int give_back(struct worker *w, const struct gw_job *job, struct err *err)
{
	struct gw_result r = { .outcome = GW_SLOWDOWN, .reply = "worker stopped", .retry_at = time(NULL) };
	return gw_outbox_done(w->db, job, &r, err);
}

/* ------------------------------------------------------------------ SMS */

struct sms_job {
	struct worker *w;
	struct camp *k;
	const struct gw_job *job;
	int stop; /* the provider refuses us whatever the message: stop the run */
	int seen; /* the target's record was there */
};

static int sms_one(void *ctx, const struct value *rec, struct err *err)
{
	struct sms_job *s = ctx;
	struct worker *w = s->w;
	struct gw_result r = { GW_SENT, NULL, NULL, 0, 0 };

	s->seen = 1;
	struct gw_sms_result res;
	struct buf body = BUF_INIT;
	struct err serr = ERR_INIT;
	time_t until = 0;
	int rc, go = 0;

	buf_reset(&w->text);
	rc = merge_render(&w->text, &s->k->text.text, rec, s->k->globals, &serr);
	if (rc) {
		/* the template cannot be filled for this target: its fault, not the number's */
		r.outcome = GW_ERROR;
		r.reply = serr.msg.data;
	} else if (s->k->c.marketing && gw_sms_quiet_at(&w->quiet, time(NULL), &until)) {
		r.outcome = GW_SLOWDOWN;
		r.reply = "quiet hours";
		r.retry_at = until;
	}
	if (rc || r.outcome != GW_SENT) {
		count(w, r.outcome);
		rc = gw_outbox_done(w->db, s->job, &r, err);
		err_release(&serr);
		return rc;
	}
	if (s->k->c.marketing)
		gw_sms_decorate(&body, w->text.data, w->signature, w->optout);
	else
		buf_adds(&body, w->text.data);
	/* the provider calls back with this id: signed, so reports cannot be forged;
	 * made before the row is sending, so that nothing can fail in between */
	buf_reset(&w->text);
	if ((rc = gw_web_dlr_token(&w->text, w->db, s->job->id, w->secret, err))) {
		buf_release(&body);
		return rc;
	}
	rc = pace(w, s->k, "sms", err);
	if (rc == 1)
		rc = give_back(w, s->job, err);
	else if (!rc)
		rc = gw_outbox_sending(w->db, s->job, &go, err);
	if (rc || !go) {
		if (!rc && !(w->o->stop && *w->o->stop))
			w->st->skipped++;
		buf_release(&body);
		return rc;
	}
	gw_sms_result_init(&res);
	struct gw_sms_msg msg = { w->text.data, s->job->recipient, NULL, body.data };
	rc = gw_sms_send(w->sms, &msg, &res, &serr);
	r.reply = res.reply.len ? res.reply.data : serr.msg.data;
	r.segments = res.info.segments;
	if (!rc) {
		r.message_id = res.reply.data;
	} else if (res.maybe_sent) {
		r.outcome = GW_UNKNOWN;
	} else if (res.http_status == 429) {
		/* the provider asks every worker to slow down: not this number's fault */
		r.outcome = GW_SLOWDOWN;
	} else if (rc == ERR_PERMFAIL && !res.provider_fault) {
		r.outcome = GW_PERMFAIL;
	} else {
		r.outcome = GW_TEMPFAIL;
		s->stop = res.provider_fault;
	}
	count(w, r.outcome);
	rc = r.outcome == GW_SLOWDOWN ? gw_outbox_back_off(w->db, "sms", 30, err) : 0;
	if (!rc)
		rc = gw_outbox_done(w->db, s->job, &r, err);
	if (!rc && s->stop)
		rc = err_set(err, ERR_FAIL, "the SMS provider refuses every message: %s", r.reply);
	gw_sms_result_release(&res);
	err_release(&serr);
	buf_release(&body);
	return rc;
}

/* A row whose target has gone (deleted, or hidden from this worker) fails:
 * otherwise it would come back for ever. */
static int target_gone(struct worker *w, const struct gw_job *job, struct err *err)
{
	struct gw_result r = { .outcome = GW_ERROR, .reply = "the target no longer exists" };
	count(w, GW_ERROR);
	return gw_outbox_done(w->db, job, &r, err);
}

static int send_sms(struct worker *w, const struct gw_job *job, struct err *err)
{
	struct sms_job s = { w, NULL, job, 0, 0 };
	const char *code = job->target_code;
	int rc;

	if (!w->sms && (rc = gw_sms_provider_open(&w->sms, &w->sms_cfg, err)))
		return rc;
	if ((rc = camp_get(&s.k, w, job->campaign_id, err)))
		return rc;
	rc = with_records(w, s.k, &code, 1, NULL, sms_one, &s, err);
	return !rc && !s.seen ? target_gone(w, job, err) : rc;
}

/* --------------------------------------------------------------- e-mail */

static const char *text_of(const struct value *rec, const char *name)
{
	const struct value *v = value_lookup(rec, name);
	return v && v->kind == VALUE_TEXT ? v->u.text : "";
}

/* "市场部 <marketing@example.test>" or a bare address. */
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

/* The [email] settings, and the transport, opened at the first message. */
static int open_transport(struct worker *w, struct err *err)
{
	const struct config *cfg = w->o->cfg;
	const char *url = config_get(cfg, "email", "transport");
	const char *from = config_get(cfg, "email", "from"), *rp = config_get(cfg, "email", "return_path");
	int rc;

	split_address(from ? from : "crmgate <crmgate@localhost>", &w->from_name, &w->from_addr);
	if (!strchr(w->from_addr, '@'))
		return err_set(err, ERR_INPUT, "[email] from: '%s' has no address", from);
	w->return_path = xstrdup(rp ? rp : w->from_addr);
	w->smtp.url = url ? url : "file:out/mail";
	w->smtp.username = config_get(cfg, "email", "username");
	w->smtp.password = config_get(cfg, "email", "password");
	w->smtp.tls_fingerprint = config_get(cfg, "email", "tls_fingerprint");
	if ((rc = gw_transport_find(&w->transport, w->smtp.url, err)))
		return rc;
	rc = w->transport->open(&w->transport_state, &w->smtp, err);
	if (rc)
		w->transport = NULL;
	return rc;
}

/* One e-mail of a claimed batch. A batch's messages are all built before the
 * first of them is handed over, so that in between two messages the worker
 * only records the one and marks the next (gateway/outbox.h). */
struct email_msg {
	const struct gw_job *job;
	enum { MSG_WAITING, MSG_BUILT, MSG_FAILED, MSG_DONE } state;
	struct buf msg, envelope, unsub, why; /* why: what went wrong building it */
	char *msgid;
	char tag[GW_DSN_TAG_LEN + 1]; /* its return path's: crm.bounce_tag; "" for a test message */
};
#define EMAIL_MSG_INIT { NULL, MSG_WAITING, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, NULL, "" }

struct email_batch {
	struct worker *w;
	struct camp *k;
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
	free(m->msgid);
}

static int render_into(struct buf *out, struct gw_tpl *t, const char *src, const struct value *rec,
		       const struct value *globals, struct err *err)
{
	buf_reset(out);
	return src ? merge_render(out, &t->text, rec, globals, err) : 0;
}

/* The filled Word document, or its PDF, for the attachment. */
static int attachment(struct camp *k, const struct gw_job *job, const struct value *rec, struct buf *out,
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
	struct worker *w = b->w;
	struct camp *k = b->k;
	const char *code = text_of(rec, "code");
	struct email_msg *m = NULL;
	const char *domain = strchr(w->from_addr, '@') + 1;
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
	if ((rc = gw_smtp_return_path(&m->envelope, w->return_path, job->id, m->tag[0] ? m->tag : NULL, err)))
		return rc;
	value_object_set(k->globals, "unsubscribe_url", value_new_text(m->unsub.data));
	buf_reset(&w->text);
	if (render_into(&w->subject, &k->subject, k->c.subject, rec, k->globals, &merr) ||
	    render_into(&w->text, &k->text, k->c.body_text, rec, k->globals, &merr) ||
	    render_into(&w->html, &k->html, k->c.body_html, rec, k->globals, &merr) ||
	    (strcmp(k->c.attach, "none") && attachment(k, job, rec, &w->att, &merr)))
		goto failed;
	if (w->subject_prefix) {
		char *subject = buf_detach(&w->subject, NULL);
		buf_addf(&w->subject, "%s%s", w->subject_prefix, subject);
		free(subject);
	}
	if (!strcmp(k->c.attach, "none"))
		buf_reset(&w->att);
	if (getentropy(rnd, sizeof(rnd)))
		memset(rnd, 0, sizeof(rnd));
	m->msgid = xstrfmt("crmgate.%ld.%02x%02x%02x%02x%02x%02x%02x%02x@%s", job->id, rnd[0], rnd[1], rnd[2],
			   rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], domain);
	extra[0] = xstrfmt("X-Crmgate-Outbox: %ld", job->id);
	buf_reset(&w->mailto);
	buf_addf(&w->mailto, "%s?subject=unsubscribe", m->envelope.data);
	if (w->att.len)
		attach_name = xstrfmt("%s-%s.%s", k->c.name, job->target_code, k->c.attach);
	struct gw_mail mail = {
		.from_name = w->from_name, .from_addr = w->from_addr,
		.to_name = job->recipient_name, .to_addr = job->recipient,
		.subject = w->subject.data, .text = k->c.body_text ? w->text.data : NULL,
		.html = k->c.body_html ? w->html.data : NULL,
		.attach_name = attach_name, .attach = w->att.data, .attach_len = w->att.len,
		.attach_type = !strcmp(k->c.attach, "pdf") ? "application/pdf"
			       : "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		.message_id = m->msgid, .msgid_domain = domain,
		.unsubscribe_mailto = k->c.marketing ? w->mailto.data : NULL,
		/* RFC 8058's one-click link must be https: a plain http public_url
		 * (the loopback default) still goes into the body's {{unsubscribe_url}} */
		.unsubscribe_url = k->c.marketing && !strncmp(m->unsub.data, "https://", 8) ? m->unsub.data : NULL,
		.extra = (const char *const *)extra,
	};
	/* signed last: nothing may change the message after this */
	if (gw_mime_build(&m->msg, &mail, &merr) || (w->dkim && gw_dkim_sign(w->dkim, &m->msg, &merr)))
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
 * in one query. */
static int email_links(struct email_batch *b, struct err *err)
{
	struct worker *w = b->w;
	struct buf ids = BUF_INIT;
	struct crm_res *res = NULL;
	const char *params[2];
	size_t len = strlen(w->public_url);
	int rc;

	while (len && w->public_url[len - 1] == '/')
		len--;
	buf_addch(&ids, '{');
	for (int i = 0; i < b->n; i++)
		buf_addf(&ids, "%s%ld", i ? "," : "", b->m[i].job->id);
	buf_addch(&ids, '}');
	params[0] = ids.data;
	params[1] = w->secret;
	rc = crm_db_query_prepared(&res, w->db,
				   "SELECT crm.unsubscribe_token(u.id, $2::text), crm.bounce_tag(u.id, $2::text)"
				   " FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) ORDER BY u.n",
				   2, params, err);
	if (!rc && crm_res_rows(res) != b->n)
		rc = err_set(err, ERR_FAIL, "could not sign the links of %d outbox rows", b->n);
	for (int i = 0; !rc && i < b->n; i++) {
		const char *token = crm_res_get(res, i, 0), *tag = crm_res_get(res, i, 1);
		if (!token || !tag || strlen(tag) != GW_DSN_TAG_LEN) {
			rc = err_set(err, ERR_FAIL, "could not sign the links of outbox row %ld", b->m[i].job->id);
			break;
		}
		buf_add(&b->m[i].unsub, w->public_url, len);
		buf_addf(&b->m[i].unsub, "/u/%s", token);
		memcpy(b->m[i].tag, tag, GW_DSN_TAG_LEN + 1);
	}
	crm_res_free(res);
	buf_release(&ids);
	return rc;
}

/* Hand over the built message m: it is marked sending already when
 * *marked (by the statement that recorded the message before), else here.
 * Its result is recorded at once; when it was sent and next is the batch's
 * next built message, the same statement marks next sending (*marked says
 * so), so that a message costs one round trip to the database. */
static int email_send(struct email_batch *b, struct email_msg *m, struct email_msg *next, int *marked,
		      struct err *err)
{
	struct worker *w = b->w;
	const struct gw_job *job = m->job;
	struct gw_result r = { .outcome = GW_SENT };
	struct err merr = ERR_INIT;
	int rc = 0, go = *marked;

	if (!*marked) {
		rc = pace(w, b->k, "email", err);
		if (rc == 1) {
			m->state = MSG_DONE;
			return give_back(w, job, err);
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
	rc = w->transport->send(w->transport_state, m->envelope.data, job->recipient, m->msg.data, m->msg.len, &w->sr,
				&merr);
	r.outcome = rc ? w->sr.outcome : GW_SENT;
	r.reply = w->sr.reply.len ? w->sr.reply.data : merr.msg.data;
	r.message_id = m->msgid;
	rc = 0;
	count(w, r.outcome);
	/* a rate to keep waits before the next is marked: that wait must not
	 * delay this result, nor must a stop keep the next marked */
	if (r.outcome == GW_SENT && next && rate_of(w, b->k, "email") <= 0 && !(w->o->stop && *w->o->stop)) {
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
static int send_emails(struct worker *w, const struct gw_job **jobs, int n, int *handled, struct err *err)
{
	struct email_batch b = { w, NULL, NULL, n };
	const char **codes = NULL;
	int rc, marked = 0;

	if (!w->transport && (rc = open_transport(w, err)))
		return rc;
	if ((rc = camp_get(&b.k, w, jobs[0]->campaign_id, err)))
		return rc;
	if ((size_t)n > w->nmsgs) {
		w->msgs = xrealloc(w->msgs, (size_t)n * sizeof(*w->msgs));
		for (size_t i = w->nmsgs; i < (size_t)n; i++)
			w->msgs[i] = (struct email_msg)EMAIL_MSG_INIT;
		w->nmsgs = (size_t)n;
	}
	b.m = w->msgs;
	codes = xcalloc((size_t)n, sizeof(*codes));
	for (int i = 0; i < n; i++) {
		email_msg_reset(&b.m[i], jobs[i]);
		codes[i] = jobs[i]->target_code;
	}
	if (w->public_url)
		rc = email_links(&b, err);
	if (!rc)
		rc = with_records(w, b.k, codes, (size_t)n, NULL, email_build, &b, err);
	free(codes);
	for (int i = 0; !rc && i < n; i++) {
		struct email_msg *m = &b.m[i];
		if (m->state == MSG_WAITING) {
			m->state = MSG_DONE;
			rc = target_gone(w, m->job, err);
		} else if (m->state == MSG_FAILED) {
			struct gw_result r = { .outcome = GW_ERROR, .reply = m->why.data };
			m->state = MSG_DONE;
			log_warn("outbox row %ld: %s", m->job->id, r.reply);
			count(w, r.outcome);
			rc = gw_outbox_done(w->db, m->job, &r, err);
		}
	}
	for (int i = 0; !rc && i < n; i++) {
		struct email_msg *next = NULL;
		if (b.m[i].state != MSG_BUILT)
			continue;
		/* a stop finishes the row in hand: one already marked sending is sent */
		if (!marked && w->o->stop && *w->o->stop)
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

/* ----------------------------------------------------------- postal mail */

struct mail_batch {
	struct worker *w;
	struct camp *k;
	struct merge_batch *batch;
	FILE *list;
	struct gw_job *jobs; /* the rows going out, and which of them became a letter */
	int *printed, n;
};

/* One CSV field, quoted when it must be (RFC 4180). */
static void csv_field(FILE *f, const char *s, int last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else if (s) {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static int letter(void *ctx, const struct value *rec, struct err *err)
{
	struct mail_batch *m = ctx;
	const char *code = text_of(rec, "code");
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->jobs[i].target_code, code))
			m->printed[i] = 1;
	csv_field(m->list, code, 0);
	csv_field(m->list, text_of(rec, "name"), 0);
	csv_field(m->list, text_of(rec, "postcode"), 0);
	csv_field(m->list, text_of(rec, "address"), 1);
	return merge_batch_add(m->batch, rec, m->k->globals, err);
}

/* The print batch could not be written (a full disk): nothing of it stays,
 * and the letters marked sending go back to the queue, to be printed by a
 * later run; the error that stopped the batch is the one reported. */
static void unprint(struct worker *w, struct gw_job *jobs, int n, const char **codes, int ncodes, const char *base,
		    const char *csv)
{
	static const char *const made[] = { ".docx", ".pdf" };
	for (size_t i = 0; base && i < ARRAY_SIZE(made); i++) {
		char *path = xstrfmt("%s%s", base, made[i]);
		unlink(path);
		free(path);
	}
	if (csv)
		unlink(csv);
	for (int i = 0; i < n; i++) {
		struct err gerr = ERR_INIT;
		int going = 0;
		for (int k = 0; k < ncodes; k++)
			going |= codes[k] == jobs[i].target_code;
		if (going && give_back(w, &jobs[i], &gerr))
			log_warn("could not give row %ld back to the queue: %s", jobs[i].id, gerr.msg.data);
		err_release(&gerr);
	}
}

/* One campaign's claimed letters: the print batch, its PDF when LibreOffice
 * is there, and the address list, all sorted by postcode. */
static int send_mail(struct worker *w, struct gw_job *jobs, int n, struct err *err)
{
	struct mail_batch m = { w, NULL, NULL, NULL, jobs, xcalloc((size_t)n, sizeof(int)), n };
	const char *dir = w->o->mail_dir ? w->o->mail_dir : "out/print";
	const char **codes = xcalloc((size_t)n, sizeof(*codes));
	char stamp[32], *base = NULL, *docx = NULL, *csv = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc, ncodes = 0, sent = 0;

	rc = camp_get(&m.k, w, jobs[0].campaign_id, err);
	/* opt-outs and suppression first: only letters that may go are printed */
	for (int i = 0; !rc && i < n; i++) {
		int go;
		rc = gw_outbox_sending(w->db, &jobs[i], &go, err);
		if (!rc && go)
			codes[ncodes++] = jobs[i].target_code;
		else if (!rc)
			w->st->skipped++;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	if (!rc && ncodes)
		rc = file_mkdir_p(dir, err);
	if (!rc && ncodes) {
		base = xstrfmt("%s/campaign-%ld-%s", dir, m.k->c.id, stamp);
		docx = xstrfmt("%s.docx", base);
		csv = xstrfmt("%s-addresses.csv", base);
		if (!(m.list = fopen(csv, "wx")))
			rc = err_set(err, ERR_FAIL, "could not write '%s': %s", csv, strerror(errno));
		if (!rc) {
			fputs("code,name,postcode,address\r\n", m.list);
			rc = merge_batch_open(&m.batch, m.k->doc.docx, docx, err);
		}
		if (!rc)
			rc = with_records(w, m.k, codes, (size_t)ncodes,
					  crm_entity_column(m.k->e, "postcode") ? "t.postcode" : NULL, letter, &m, err);
		if (m.batch)
			rc = rc ? (merge_batch_discard(m.batch), rc) : merge_batch_close(m.batch, err);
		if (m.list) {
			/* a write that failed (a full disk) may have left only the error flag */
			int failed = ferror(m.list), saved = errno;
			if (fclose(m.list) && !failed) {
				failed = 1;
				saved = errno;
			}
			if (failed && !rc)
				rc = err_set(err, ERR_FAIL, "could not write '%s': %s", csv, strerror(saved));
		}
		if (!rc && merge_office_available()) {
			const char *p = docx;
			rc = merge_office_convert(&p, 1, "pdf", dir, err);
		}
		/* on disk before the rows say the letters are printed */
		if (!rc)
			rc = file_sync(docx, err);
		if (!rc)
			rc = file_sync(csv, err);
		/* the batch's name is ours once its address list was made (exclusively) */
		if (rc)
			unprint(w, jobs, n, codes, ncodes, m.list ? base : NULL, m.list ? csv : NULL);
	}
	/* the letters are written: each printed row is sent; a target that is
	 * gone fails its row */
	for (int i = 0; !rc && i < n; i++) {
		struct gw_result r = { GW_SENT, docx, "in the print batch", 0, 0 };
		int going = 0;
		for (int k = 0; k < ncodes; k++)
			going |= codes[k] == jobs[i].target_code;
		if (!going)
			continue;
		if (!m.printed[i]) {
			rc = target_gone(w, &jobs[i], err);
			continue;
		}
		count(w, GW_SENT);
		sent++;
		rc = gw_outbox_done(w->db, &jobs[i], &r, err);
	}
	if (!rc && sent)
		log_info("campaign '%s': %d letter%s in %s, addresses in %s", m.k->c.name, sent, sent == 1 ? "" : "s", docx,
			 csv);
	free(m.printed);
	free(codes);
	free(base);
	free(docx);
	free(csv);
	return rc;
}

/* --------------------------------------------------------------- the loop */

static int by_campaign(const void *a, const void *b)
{
	const struct gw_job *x = a, *y = b;
	return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
}

static int round_of(struct worker *w, int *claimed, struct err *err)
{
	struct gw_job *jobs;
	const struct gw_job **group = NULL;
	int *handled = NULL, *ghandled = NULL;
	int n, rc;

	/* letters: a campaign's due rows at a time (in chunks a batch renders well
	 * within a lease), one batch each */
	if ((rc = gw_outbox_claim(w->db, "mail", w->o->campaign_id, 2000, &jobs, &n, err)))
		return rc;
	if (n > 1)
		qsort(jobs, (size_t)n, sizeof(*jobs), by_campaign);
	for (int from = 0; !rc && from < n;) {
		int to = from;
		while (to < n && jobs[to].campaign_id == jobs[from].campaign_id)
			to++;
		rc = send_mail(w, jobs + from, to - from, err);
		from = to;
	}
	gw_jobs_free(jobs, n);
	*claimed = n;
	if (rc)
		return rc;
	/* per batch: the claim, the records' query (planned each time: some
	 * milliseconds), the links; 100 rows make them a small part of a row's cost */
	if ((rc = gw_outbox_claim(w->db, NULL, w->o->campaign_id, w->o->batch > 0 ? w->o->batch : 100, &jobs, &n, err)))
		return rc;
	handled = xcalloc((size_t)n + 1, sizeof(*handled));
	ghandled = xcalloc((size_t)n + 1, sizeof(*ghandled));
	group = xcalloc((size_t)n + 1, sizeof(*group));
	for (int i = 0; !rc && i < n && !(w->o->stop && *w->o->stop); i++) {
		int g = 0;
		if (handled[i])
			continue;
		if (strcmp(jobs[i].channel, "email")) {
			rc = !strcmp(jobs[i].channel, "sms") ? send_sms(w, &jobs[i], err) : give_back(w, &jobs[i], err);
			handled[i] = !rc;
			continue;
		}
		/* the campaign's e-mails in this batch, together */
		for (int j = i; j < n; j++)
			if (!handled[j] && !strcmp(jobs[j].channel, "email") && jobs[j].campaign_id == jobs[i].campaign_id)
				group[g++] = &jobs[j];
		memset(ghandled, 0, (size_t)g * sizeof(*ghandled));
		rc = send_emails(w, group, g, ghandled, err);
		for (int k = 0; k < g; k++)
			handled[group[k] - jobs] = ghandled[k];
	}
	/* rows claimed but not started go back to the queue at once */
	for (int i = 0; i < n; i++) {
		struct err rerr = ERR_INIT;
		if (!handled[i] && give_back(w, &jobs[i], &rerr)) {
			log_warn("could not give rows back: %s", rerr.msg.data);
			i = n;
		}
		err_release(&rerr);
	}
	free(group);
	free(ghandled);
	free(handled);
	gw_jobs_free(jobs, n);
	*claimed += n;
	return rc;
}

/* A worker's settings, buffers and sessions' settings, before its first row. */
static int worker_init(struct worker *w, struct err *err)
{
	int rc;

	buf_init(&w->text);
	/* the outbox's promise rests on each commit surviving a crash of the
	 * server: a 'sending' or 'sent' lost with an asynchronous commit would
	 * send the message again, with nothing to say it might be a duplicate */
	rc = crm_db_exec(w->db, "SET synchronous_commit = on", err);
	buf_init(&w->subject);
	buf_init(&w->html);
	buf_init(&w->att);
	buf_init(&w->mailto);
	gw_smtp_result_init(&w->sr);
	/* the records session reads a batch of targets by key: nested loops over
	 * the indexes are what it wants, where on tables of some thousand rows
	 * the planner hashes whole tables instead (the contact's reports_to
	 * twice: 19 ms against 4 ms a batch of 100 here) */
	if (!rc)
		rc = crm_db_exec(w->rdb, "SET enable_hashjoin = off; SET enable_mergejoin = off", err);
	if (!rc)
		rc = gw_sms_config_load(&w->sms_cfg, w->o->cfg, err);
	w->signature = config_get(w->o->cfg, "sms", "signature");
	w->optout = config_get(w->o->cfg, "sms", "optout_text");
	w->secret = config_get(w->o->cfg, "serve", "secret");
	w->public_url = config_get(w->o->cfg, "serve", "public_url");
	if (!w->public_url)
		w->public_url = "http://127.0.0.1:8080";
	if (!rc)
		rc = gw_sms_quiet_parse(&w->quiet, config_get_or(w->o->cfg, "sms", "quiet_hours", GW_SMS_QUIET_DEFAULT), err);
	/* the frequency cap, checked again by the database right before each
	 * marketing text (crm.sms_capped); numbers we parsed, safe in SQL */
	if (!rc)
		rc = gw_sms_cap_parse(&w->cap, config_get(w->o->cfg, "sms", "frequency_cap"), err);
	if (!rc && w->cap.count) {
		char *set = xstrfmt("SET crmgate.sms_cap = '%d/%d'", w->cap.count, w->cap.days);
		rc = crm_db_exec(w->db, set, err);
		free(set);
	}
	/* a bad DKIM setting stops the worker before it claims anything */
	if (!rc)
		rc = gw_dkim_open(&w->dkim, w->o->cfg, err);
	return rc;
}

static void worker_release(struct worker *w)
{
	for (size_t i = 0; i < w->ncamps; i++)
		camp_free(w->camps[i]);
	free(w->camps);
	gw_sms_provider_close(w->sms);
	gw_dkim_close(w->dkim);
	if (w->transport)
		w->transport->close(w->transport_state);
	free(w->from_name);
	free(w->from_addr);
	free(w->return_path);
	gw_sms_config_release(&w->sms_cfg);
	for (size_t i = 0; i < w->nmsgs; i++)
		email_msg_release(&w->msgs[i]);
	free(w->msgs);
	gw_smtp_result_release(&w->sr);
	buf_release(&w->text);
	buf_release(&w->subject);
	buf_release(&w->html);
	buf_release(&w->att);
	buf_release(&w->mailto);
}

int gw_send_run(struct crm_db *db, struct crm_db *rdb, const struct gw_send_opts *o, struct gw_send_stats *st,
		struct err *err)
{
	struct worker w = { .db = db, .rdb = rdb, .o = o, .st = st };
	long requeued, unknown;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = worker_init(&w, err);
	while (!rc && !(o->stop && *o->stop)) {
		int claimed = 0;
		rc = gw_outbox_recover(db, &requeued, &unknown, err);
		if (!rc && requeued + unknown)
			log_info("took over %ld row%s of workers that stopped (%ld with an unknown outcome)",
				 requeued + unknown, requeued + unknown == 1 ? "" : "s", unknown);
		if (!rc)
			rc = round_of(&w, &claimed, err);
		if (!rc)
			rc = gw_outbox_finish(db, err);
		if (!rc && !claimed) {
			if (o->once)
				break;
			sleep(1);
		}
	}
	worker_release(&w);
	return rc;
}

/* ------------------------------------------------------------- a sample */

struct sample {
	struct worker *w;
	struct camp *k;
	const char *to;
	struct buf *report;
	int seen;
};

static int sample_email(struct sample *s, const struct value *rec, struct err *err)
{
	struct worker *w = s->w;
	struct gw_job job = { .id = 0, .campaign_id = s->k->c.id, .channel = "email",
			      .target_code = (char *)text_of(rec, "code"), .recipient = (char *)s->to };
	struct email_msg m = EMAIL_MSG_INIT;
	struct email_batch b = { w, s->k, &m, 1 };
	struct err merr = ERR_INIT;
	int rc;

	email_msg_reset(&m, &job);
	w->subject_prefix = "[TEST] ";
	rc = email_build(&b, rec, err);
	if (!rc && m.state != MSG_BUILT)
		rc = err_set(err, ERR_INPUT, "the message could not be filled for %s: %s", job.target_code, m.why.data);
	if (!rc && w->transport->send(w->transport_state, m.envelope.data, s->to, m.msg.data, m.msg.len, &w->sr, &merr))
		rc = err_set(err, ERR_FAIL, "%s did not take the test message: %s", w->smtp.url,
			     w->sr.reply.len ? w->sr.reply.data : merr.msg.data);
	if (!rc)
		buf_addf(s->report, "sent a test e-mail to %s, filled for %s %s (%zu bytes, Message-ID <%s>)", s->to,
			 job.target_code, text_of(rec, "name"), m.msg.len, m.msgid);
	email_msg_release(&m);
	err_release(&merr);
	return rc;
}

static int sample_sms(struct sample *s, const struct value *rec, struct err *err)
{
	struct worker *w = s->w;
	struct gw_sms_result res;
	struct buf body = BUF_INIT;
	struct err serr = ERR_INIT;
	int rc;

	buf_reset(&w->text);
	if ((rc = merge_render(&w->text, &s->k->text.text, rec, s->k->globals, err)))
		return rc;
	if (s->k->c.marketing)
		gw_sms_decorate(&body, w->text.data, w->signature, w->optout);
	else
		buf_adds(&body, w->text.data);
	gw_sms_result_init(&res);
	/* no delivery report for a test: "test" matches no outbox row */
	struct gw_sms_msg msg = { "test", s->to, NULL, body.data };
	if (gw_sms_send(w->sms, &msg, &res, &serr))
		rc = err_set(err, ERR_FAIL, "the SMS provider did not take the test text: %s",
			     res.reply.len ? res.reply.data : serr.msg.data);
	else
		buf_addf(s->report, "sent a test text to %s, filled for %s %s (%zu segment%s)", s->to,
			 text_of(rec, "code"), text_of(rec, "name"), res.info.segments, res.info.segments == 1 ? "" : "s");
	gw_sms_result_release(&res);
	err_release(&serr);
	buf_release(&body);
	return rc;
}

static int sample_one(void *ctx, const struct value *rec, struct err *err)
{
	struct sample *s = ctx;
	s->seen = 1;
	return !strcmp(s->k->c.channel, "email") ? sample_email(s, rec, err) : sample_sms(s, rec, err);
}

int gw_send_sample(struct crm_db *db, const struct gw_send_opts *o, long campaign_id, const char *to,
		   struct buf *report, struct err *err)
{
	struct gw_send_stats st;
	struct worker w = { .db = db, .rdb = db, .o = o, .st = &st };
	struct sample s = { &w, NULL, to, report, 0 };
	struct crm_query q;
	int rc;

	crm_query_init(&q);
	rc = worker_init(&w, err);
	if (!rc)
		rc = camp_get(&s.k, &w, campaign_id, err);
	if (!rc && !strcmp(s.k->c.channel, "mail"))
		rc = err_set(err, ERR_INPUT, "campaign '%s' sends letters: there is no address to test;"
					     " 'crmgate merge' writes a sample letter", s.k->c.name);
	if (!rc && !strcmp(s.k->c.channel, "email"))
		rc = open_transport(&w, err);
	if (!rc && !strcmp(s.k->c.channel, "sms"))
		rc = gw_sms_provider_open(&w.sms, &w.sms_cfg, err);
	if (!rc)
		rc = crm_filter_compile(&q, s.k->e, s.k->c.filter, o->today, err);
	if (!rc)
		rc = crm_records_each(NULL, db, s.k->e, &q, 1, sample_one, &s, err);
	if (!rc && !s.seen)
		rc = err_set(err, ERR_INPUT, "campaign '%s' has no target to fill a test message for", s.k->c.name);
	crm_query_release(&q);
	worker_release(&w);
	return rc;
}
