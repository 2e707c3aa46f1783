/* gateway/send.c - a worker: claim due outbox rows, fill, send, record. */
#include "gateway/send.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/record.h"
#include "gateway/campaign.h"
#include "gateway/outbox.h"
#include "gateway/sms_send.h"
#include "gateway/tpl.h"
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

struct worker {
	struct crm_db *db, *rdb;
	const struct gw_send_opts *o;
	struct gw_send_stats *st;
	struct camp **camps;
	size_t ncamps, camps_alloc;
	struct gw_sms_config sms_cfg;
	struct gw_sms_provider *sms;
	struct gw_sms_quiet quiet;
	const char *signature, *optout;
	const char *secret; /* [serve] secret, or NULL: the database's key */
	struct buf text;
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

static int compile_text(struct gw_tpl *t, const char *label, const char *src, enum gw_tpl_kind kind,
			const struct crm_entity *e, struct err *err)
{
	gw_tpl_set_text(t, label, kind, src);
	return gw_tpl_compile(t, e, err);
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
		rc = compile_text(&k->subject, "subject", k->c.subject, GW_TPL_TXT, k->e, err);
	if (!rc)
		rc = compile_text(&k->text, "body.txt", k->c.body_text, GW_TPL_TXT, k->e, err);
	if (!rc)
		rc = compile_text(&k->html, "body.html", k->c.body_html, GW_TPL_HTML, k->e, err);
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

	/* a text[] literal: every code quoted, quotes and backslashes escaped */
	buf_addch(&array, '{');
	for (size_t i = 0; i < n; i++) {
		buf_adds(&array, i ? ",\"" : "\"");
		for (const char *p = codes[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(&array, '\\');
			buf_addch(&array, *p);
		}
		buf_addch(&array, '"');
	}
	buf_addch(&array, '}');
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
static int pace(struct worker *w, const struct camp *k, const char *channel, struct err *err)
{
	const char *conf = k->c.rate ? k->c.rate : config_get(w->o->cfg, channel, "rate");
	double rate = conf ? strtod(conf, NULL) : 0, wait;
	int rc;

	if (rate <= 0)
		return 0;
	if ((rc = gw_outbox_take_token(w->db, channel, rate, &wait, err)))
		return rc;
	while (wait > 0 && !(w->o->stop && *w->o->stop)) {
		double step = wait > 0.2 ? 0.2 : wait;
		struct timespec ts = { (time_t)step, (long)((step - (double)(time_t)step) * 1e9) };
		nanosleep(&ts, NULL);
		wait -= step;
	}
	return 0;
}

/* ------------------------------------------------------------------ SMS */

struct sms_job {
	struct worker *w;
	struct camp *k;
	const struct gw_job *job;
	int stop; /* the provider refuses us whatever the message: stop the run */
};

static int sms_one(void *ctx, const struct value *rec, struct err *err)
{
	struct sms_job *s = ctx;
	struct worker *w = s->w;
	struct gw_result r = { GW_SENT, NULL, NULL, 0, 0 };
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
	if (!(rc = pace(w, s->k, "sms", err)))
		rc = gw_outbox_sending(w->db, s->job, &go, err);
	if (rc || !go) {
		if (!rc)
			w->st->skipped++;
		buf_release(&body);
		return rc;
	}
	/* the provider calls back with this id: signed, so reports cannot be forged */
	buf_reset(&w->text);
	if ((rc = gw_web_token(&w->text, w->db, s->job->id, w->secret, err))) {
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
	} else if (rc == ERR_PERMFAIL && !res.provider_fault) {
		r.outcome = GW_PERMFAIL;
	} else {
		r.outcome = GW_TEMPFAIL;
		s->stop = res.provider_fault;
	}
	count(w, r.outcome);
	rc = gw_outbox_done(w->db, s->job, &r, err);
	if (!rc && s->stop)
		rc = err_set(err, ERR_FAIL, "the SMS provider refuses every message: %s", r.reply);
	gw_sms_result_release(&res);
	err_release(&serr);
	buf_release(&body);
	return rc;
}

static int send_sms(struct worker *w, const struct gw_job *job, struct err *err)
{
	struct sms_job s = { w, NULL, job, 0 };
	const char *code = job->target_code;
	int rc;

	if (!w->sms && (rc = gw_sms_provider_open(&w->sms, &w->sms_cfg, err)))
		return rc;
	if ((rc = camp_get(&s.k, w, job->campaign_id, err)))
		return rc;
	return with_records(w, s.k, &code, 1, NULL, sms_one, &s, err);
}

/* ----------------------------------------------------------- postal mail */

struct mail_batch {
	struct worker *w;
	struct camp *k;
	struct merge_batch *batch;
	FILE *list;
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

static const char *text_of(const struct value *rec, const char *name)
{
	const struct value *v = value_lookup(rec, name);
	return v && v->kind == VALUE_TEXT ? v->u.text : "";
}

static int letter(void *ctx, const struct value *rec, struct err *err)
{
	struct mail_batch *m = ctx;
	csv_field(m->list, text_of(rec, "code"), 0);
	csv_field(m->list, text_of(rec, "name"), 0);
	csv_field(m->list, text_of(rec, "postcode"), 0);
	csv_field(m->list, text_of(rec, "address"), 1);
	return merge_batch_add(m->batch, rec, m->k->globals, err);
}

/* mkdir -p for the mail folder */
static int make_dirs(const char *path, struct err *err)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; !rc; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			rc = err_set(err, ERR_FAIL, "could not create '%s': %s", p, strerror(errno));
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

/* One campaign's claimed letters: the print batch, its PDF when LibreOffice
 * is there, and the address list, all sorted by postcode. */
static int send_mail(struct worker *w, struct gw_job *jobs, int n, struct err *err)
{
	struct mail_batch m = { w, NULL, NULL, NULL };
	const char *dir = w->o->mail_dir ? w->o->mail_dir : "out/print";
	const char **codes = xcalloc((size_t)n, sizeof(*codes));
	char stamp[32], *base = NULL, *docx = NULL, *csv = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	for (int i = 0; i < n; i++)
		codes[i] = jobs[i].target_code;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	rc = camp_get(&m.k, w, jobs[0].campaign_id, err);
	if (!rc)
		rc = make_dirs(dir, err);
	if (!rc) {
		base = xstrfmt("%s/campaign-%ld-%s", dir, m.k->c.id, stamp);
		docx = xstrfmt("%s.docx", base);
		csv = xstrfmt("%s-addresses.csv", base);
		if (!(m.list = fopen(csv, "wx")))
			rc = err_set(err, ERR_FAIL, "could not write '%s': %s", csv, strerror(errno));
	}
	if (!rc) {
		fputs("code,name,postcode,address\r\n", m.list);
		rc = merge_batch_open(&m.batch, m.k->doc.docx, docx, err);
	}
	if (!rc)
		rc = with_records(w, m.k, codes, (size_t)n, crm_entity_column(m.k->e, "postcode") ? "t.postcode" : NULL,
				  letter, &m, err);
	if (m.batch)
		rc = rc ? (merge_batch_discard(m.batch), rc) : merge_batch_close(m.batch, err);
	if (m.list && fclose(m.list) && !rc)
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", csv, strerror(errno));
	if (!rc && merge_office_available()) {
		const char *p = docx;
		rc = merge_office_convert(&p, 1, "pdf", dir, err);
	}
	/* the letters are written: each row is sent */
	for (int i = 0; !rc && i < n; i++) {
		struct gw_result r = { GW_SENT, NULL, "in the print batch", 0, 0 };
		int go;
		rc = gw_outbox_sending(w->db, &jobs[i], &go, err);
		if (!rc && go) {
			r.message_id = docx;
			count(w, GW_SENT);
			rc = gw_outbox_done(w->db, &jobs[i], &r, err);
		} else if (!rc) {
			w->st->skipped++;
		}
	}
	if (!rc)
		log_info("campaign '%s': %d letter%s in %s, addresses in %s", m.k->c.name, n, n == 1 ? "" : "s", docx, csv);
	else if (csv)
		unlink(csv);
	free(codes);
	free(base);
	free(docx);
	free(csv);
	return rc;
}

/* --------------------------------------------------------------- the loop */

static int release_rest(struct worker *w, struct gw_job *jobs, int from, int n, struct err *err)
{
	/* rows claimed but not started go back to the queue at once */
	for (int i = from; i < n; i++) {
		struct gw_result r = { GW_SLOWDOWN, NULL, "worker stopped", 0, 0 };
		int rc = gw_outbox_done(w->db, &jobs[i], &r, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int round_of(struct worker *w, int *claimed, struct err *err)
{
	struct gw_job *jobs;
	int n, rc, i;

	/* letters: a whole campaign's due rows at a time, one batch each */
	if ((rc = gw_outbox_claim(w->db, "mail", 100000, &jobs, &n, err)))
		return rc;
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
	if ((rc = gw_outbox_claim(w->db, "sms", w->o->batch > 0 ? w->o->batch : 20, &jobs, &n, err)))
		return rc;
	for (i = 0; !rc && i < n && !(w->o->stop && *w->o->stop); i++)
		rc = send_sms(w, &jobs[i], err);
	if (i < n) {
		struct err rerr = ERR_INIT;
		if (release_rest(w, jobs, i, n, &rerr))
			log_warn("could not give rows back: %s", rerr.msg.data);
		err_release(&rerr);
	}
	gw_jobs_free(jobs, n);
	*claimed += n;
	return rc;
}

int gw_send_run(struct crm_db *db, struct crm_db *rdb, const struct gw_send_opts *o, struct gw_send_stats *st,
		struct err *err)
{
	struct worker w = { .db = db, .rdb = rdb, .o = o, .st = st };
	long requeued, unknown;
	int rc;

	memset(st, 0, sizeof(*st));
	buf_init(&w.text);
	rc = gw_sms_config_load(&w.sms_cfg, o->cfg, err);
	w.signature = config_get(o->cfg, "sms", "signature");
	w.optout = config_get(o->cfg, "sms", "optout_text");
	w.secret = config_get(o->cfg, "serve", "secret");
	if (!rc)
		rc = gw_sms_quiet_parse(&w.quiet, config_get(o->cfg, "sms", "quiet_hours"), err);
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
	for (size_t i = 0; i < w.ncamps; i++)
		camp_free(w.camps[i]);
	free(w.camps);
	gw_sms_provider_close(w.sms);
	gw_sms_config_release(&w.sms_cfg);
	buf_release(&w.text);
	return rc;
}
