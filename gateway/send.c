/* gateway/send.c - a worker: claim due outbox rows, hand each to its channel
 * (gateway/channel.h), and what every channel shares: campaigns compiled
 * once, the targets' records, rate-limit waits, results, recovery. */
#include "gateway/send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/record.h"
#include "gateway/campaign.h"
#include "gateway/channel.h"
#include "gateway/outbox.h"
#include "gateway/tpl.h"
#include "gateway/web.h"
#include "common/banned.h"

/* A channel of a worker: opened when the worker first has rows of it
 * (channel_open), its state then close's. */
struct worker_channel {
	void *state;
	int opened;
};

struct worker {
	struct gw_worker w;
	struct worker_channel *chans; /* in gw_channels' order */
};

static void camp_free(struct gw_camp *k)
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
static int camp_get(struct gw_camp **out, struct gw_worker *w, long id, struct err *err)
{
	struct gw_camp *k;
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
	rc = gw_tpl_survey_globals(k->globals, w->db, k->c.id, NULL, err);
	/* a survey's messages carry links made with [serve] secret: without
	 * it none can go, and the rows stay queued until it is set */
	k->survey = !rc && value_object_get(k->globals, "survey_title") != NULL;
	if (!rc && k->survey)
		rc = gw_web_survey_key_check(w->secret, err);
	if (rc) {
		err_prefix(err, "campaign %ld: ", id);
		camp_free(k);
		return rc;
	}
	ALLOC_GROW(w->camps, w->ncamps + 1, w->camps_alloc);
	w->camps[w->ncamps++] = k;
	*out = k;
	return 0;
}

int gw_worker_campaign(struct gw_camp **out, struct gw_worker *w, long id, struct err *err)
{
	return camp_get(out, w, id, err);
}

int gw_worker_records(struct gw_worker *w, struct gw_camp *k, const char *const *codes, size_t n, const char *order,
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

void gw_worker_count(struct gw_worker *w, enum gw_outcome outcome)
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

/* The campaign's own rate, else [channel] rate. */
double gw_worker_rate(struct gw_worker *w, const struct gw_camp *k, const char *channel)
{
	const char *conf = k->c.rate ? k->c.rate : config_get(w->o->cfg, channel, "rate");
	return conf ? strtod(conf, NULL) : 0;
}

int gw_worker_stopping(const struct gw_worker *w)
{
	return w->o->stop && *w->o->stop;
}

int gw_worker_pace(struct gw_worker *w, const struct gw_camp *k, const char *channel, struct err *err)
{
	double rate = gw_worker_rate(w, k, channel), wait;
	int rc;

	if (rate <= 0)
		return 0;
	if ((rc = gw_outbox_take_token(w->db, channel, rate, &wait, err)))
		return rc;
	while (wait > 0) {
		double step = wait > 0.2 ? 0.2 : wait;
		struct timespec ts = { (time_t)step, (long)((step - (double)(time_t)step) * 1e9) };
		/* stopped while waiting for its turn: the row goes back, unsent */
		if (gw_worker_stopping(w))
			return 1;
		nanosleep(&ts, NULL);
		wait -= step;
	}
	return 0;
}

int gw_worker_give_back(struct gw_worker *w, const struct gw_job *job, struct err *err)
{
	struct gw_result r = { .outcome = GW_SLOWDOWN, .reply = "worker stopped", .retry_at = time(NULL) };
	return gw_outbox_done(w->db, job, &r, err);
}

/* Otherwise the row would come back for ever. */
int gw_worker_target_gone(struct gw_worker *w, const struct gw_job *job, struct err *err)
{
	struct gw_result r = { .outcome = GW_ERROR, .reply = "the target no longer exists" };
	gw_worker_count(w, GW_ERROR);
	return gw_outbox_done(w->db, job, &r, err);
}

const char *gw_record_text(const struct value *rec, const char *name)
{
	const struct value *v = value_lookup(rec, name);
	return v && v->kind == VALUE_TEXT ? v->u.text : "";
}

/* ------------------------------------------------------------ the channels */

const struct gw_channel *const gw_channels[] = { &gw_channel_mail, &gw_channel_sms, &gw_channel_email };
const size_t gw_channels_nr = ARRAY_SIZE(gw_channels);

const struct gw_channel *gw_channel_find(const char *name)
{
	for (size_t i = 0; i < gw_channels_nr; i++)
		if (!strcmp(gw_channels[i]->name, name))
			return gw_channels[i];
	return NULL;
}

static size_t channel_index(const struct gw_channel *ch)
{
	size_t i = 0;
	while (gw_channels[i] != ch)
		i++;
	return i;
}

/* Read the channel's settings (its open), once: when the worker first has
 * rows of it, so that a run reads the settings of the channels it sends by
 * alone. The SMS channel's open sets the outbox session's frequency cap,
 * which crm.outbox_sending reads: done before the first row of the channel
 * goes to sending. */
static int channel_open(struct worker *wk, const struct gw_channel *ch, struct err *err)
{
	size_t c = channel_index(ch);
	int rc;

	if (wk->chans[c].opened)
		return 0;
	rc = ch->open ? ch->open(&wk->chans[c].state, &wk->w, err) : 0;
	if (rc && ch->close)
		ch->close(wk->chans[c].state);
	if (rc)
		wk->chans[c].state = NULL;
	wk->chans[c].opened = !rc;
	return rc;
}

/* The channel's batch: the channel opened, and its connection, first. */
static int send_batch(struct worker *wk, const struct gw_channel *ch, const struct gw_job **jobs, int n, int *handled,
		      struct err *err)
{
	void *state;
	int rc = channel_open(wk, ch, err);

	state = wk->chans[channel_index(ch)].state;
	if (!rc && ch->connect)
		rc = ch->connect(state, &wk->w, err);
	return rc ? rc : ch->send_batch(state, &wk->w, jobs, n, handled, err);
}

/* Rows claimed but not started (handled[i] 0; NULL: none was) go back to
 * the queue at once. */
static void give_back_unhandled(struct gw_worker *w, const struct gw_job *jobs, int n, const int *handled)
{
	for (int i = 0; i < n; i++) {
		struct err rerr = ERR_INIT;
		if ((!handled || !handled[i]) && gw_worker_give_back(w, &jobs[i], &rerr)) {
			log_warn("could not give rows back: %s", rerr.msg.data);
			i = n;
		}
		err_release(&rerr);
	}
}

/* --------------------------------------------------------------- the loop */

static int by_campaign(const void *a, const void *b)
{
	const struct gw_job *x = a, *y = b;
	return (x->campaign_id > y->campaign_id) - (x->campaign_id < y->campaign_id);
}

/* The rows of a channel that claims its own: a campaign's at a time. */
static int round_own(struct worker *wk, const struct gw_channel *ch, int *claimed, struct err *err)
{
	struct gw_worker *w = &wk->w;
	struct gw_job *jobs;
	const struct gw_job **group;
	int *handled;
	int n, rc;

	if ((rc = gw_outbox_claim(w->db, ch->name, w->o->campaign_id, ch->own_claim, &jobs, &n, err)))
		return rc;
	/* the channel's settings read before its rows are given to it: when
	 * they are bad, the rows go back, none of them left claimed */
	if (n > 0 && (rc = channel_open(wk, ch, err))) {
		give_back_unhandled(w, jobs, n, NULL);
		gw_jobs_free(jobs, n);
		return rc;
	}
	if (n > 1)
		qsort(jobs, (size_t)n, sizeof(*jobs), by_campaign);
	group = xcalloc((size_t)n + 1, sizeof(*group));
	handled = xcalloc((size_t)n + 1, sizeof(*handled));
	for (int from = 0; !rc && from < n;) {
		int to = from;
		while (to < n && jobs[to].campaign_id == jobs[from].campaign_id) {
			group[to - from] = &jobs[to];
			to++;
		}
		rc = send_batch(wk, ch, group, to - from, handled, err);
		from = to;
	}
	free(handled);
	free(group);
	gw_jobs_free(jobs, n);
	*claimed += n;
	return rc;
}

static int round_of(struct worker *wk, int *claimed, struct err *err)
{
	struct gw_worker *w = &wk->w;
	struct gw_job *jobs;
	const struct gw_job **group = NULL;
	const struct gw_channel **chs;
	int *handled = NULL, *ghandled = NULL;
	int n, rc = 0;

	*claimed = 0;
	for (size_t c = 0; !rc && c < gw_channels_nr; c++)
		if (gw_channels[c]->own_claim)
			rc = round_own(wk, gw_channels[c], claimed, err);
	if (rc)
		return rc;
	/* per batch: the claim, the records' query (planned each time: some
	 * milliseconds), the links; 100 rows make them a small part of a row's cost */
	if ((rc = gw_outbox_claim(w->db, NULL, w->o->campaign_id, w->o->batch > 0 ? w->o->batch : 100, &jobs, &n, err)))
		return rc;
	handled = xcalloc((size_t)n + 1, sizeof(*handled));
	ghandled = xcalloc((size_t)n + 1, sizeof(*ghandled));
	group = xcalloc((size_t)n + 1, sizeof(*group));
	chs = xcalloc((size_t)n + 1, sizeof(*chs));
	for (int i = 0; i < n; i++)
		chs[i] = gw_channel_find(jobs[i].channel);
	for (int i = 0; !rc && i < n && !gw_worker_stopping(w); i++) {
		const struct gw_channel *ch = chs[i];
		int g = 0;
		if (handled[i])
			continue;
		/* a row of no channel here, or of one that claims its own, goes
		 * back (below) */
		if (!ch || ch->own_claim)
			continue;
		/* the campaign's rows of the channel in this batch, together when
		 * the channel batches them */
		group[g++] = &jobs[i];
		for (int j = i + 1; ch->batches && j < n; j++)
			if (!handled[j] && chs[j] == ch && jobs[j].campaign_id == jobs[i].campaign_id)
				group[g++] = &jobs[j];
		memset(ghandled, 0, (size_t)g * sizeof(*ghandled));
		rc = send_batch(wk, ch, group, g, ghandled, err);
		for (int k = 0; k < g; k++)
			handled[group[k] - jobs] = ghandled[k];
	}
	give_back_unhandled(w, jobs, n, handled);
	free(chs);
	free(group);
	free(ghandled);
	free(handled);
	gw_jobs_free(jobs, n);
	*claimed += n;
	return rc;
}

/* A worker's sessions' settings, before its first row. */
static int worker_init(struct worker *wk, struct err *err)
{
	struct gw_worker *w = &wk->w;
	int rc;

	wk->chans = xcalloc(gw_channels_nr, sizeof(*wk->chans));
	/* the outbox's promise rests on each commit surviving a crash of the
	 * server: a 'sending' or 'sent' lost with an asynchronous commit would
	 * send the message again, with nothing to say it might be a duplicate */
	rc = crm_db_exec(w->db, "SET synchronous_commit = on", err);
	/* the records session reads a batch of targets by key: nested loops over
	 * the indexes are what it wants, where on tables of some thousand rows
	 * the planner hashes whole tables instead (the contact's reports_to
	 * twice: 19 ms against 4 ms a batch of 100 here) */
	if (!rc)
		rc = crm_db_exec(w->rdb, "SET enable_hashjoin = off; SET enable_mergejoin = off", err);
	w->secret = config_get(w->o->cfg, "serve", "secret");
	return rc;
}

/* The channels that have rows waiting opened before the first claim, so
 * that a bad setting of one stops the run before it takes a row; the
 * others are opened when rows of theirs come (channel_open), or never. */
static int open_waiting(struct worker *wk, struct err *err)
{
	const char *names[ARRAY_SIZE(gw_channels)];
	int waiting[ARRAY_SIZE(gw_channels)];
	int rc;

	for (size_t c = 0; c < gw_channels_nr; c++)
		names[c] = gw_channels[c]->name;
	rc = gw_outbox_waiting(wk->w.db, names, gw_channels_nr, wk->w.o->campaign_id, waiting, err);
	for (size_t c = 0; !rc && c < gw_channels_nr; c++)
		if (waiting[c])
			rc = channel_open(wk, gw_channels[c], err);
	return rc;
}

static void worker_release(struct worker *wk)
{
	struct gw_worker *w = &wk->w;

	for (size_t i = 0; i < w->ncamps; i++)
		camp_free(w->camps[i]);
	free(w->camps);
	for (size_t c = 0; wk->chans && c < gw_channels_nr; c++)
		if (wk->chans[c].opened && gw_channels[c]->close)
			gw_channels[c]->close(wk->chans[c].state);
	free(wk->chans);
}

int gw_send_run(struct crm_db *db, struct crm_db *rdb, const struct gw_send_opts *o, struct gw_send_stats *st,
		struct err *err)
{
	struct worker wk = { .w = { .db = db, .rdb = rdb, .o = o, .st = st } };
	long requeued, unknown;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = worker_init(&wk, err);
	if (!rc)
		rc = open_waiting(&wk, err);
	while (!rc && !(o->stop && *o->stop)) {
		int claimed = 0;
		rc = gw_outbox_recover(db, &requeued, &unknown, err);
		if (!rc && requeued + unknown)
			log_info("took over %ld row%s of workers that stopped (%ld with an unknown outcome)",
				 requeued + unknown, requeued + unknown == 1 ? "" : "s", unknown);
		if (!rc)
			rc = round_of(&wk, &claimed, err);
		if (!rc)
			rc = gw_outbox_finish(db, err);
		if (!rc && !claimed) {
			if (o->once)
				break;
			sleep(1);
		}
	}
	worker_release(&wk);
	return rc;
}

/* ------------------------------------------------------------- a sample */

struct sample {
	struct worker *wk;
	const struct gw_channel *ch;
	struct gw_camp *k;
	const char *to;
	struct buf *report;
	int seen;
};

static int sample_one(void *ctx, const struct value *rec, struct err *err)
{
	struct sample *s = ctx;
	s->seen = 1;
	return s->ch->sample(s->wk->chans[channel_index(s->ch)].state, &s->wk->w, s->k, rec, s->to, s->report, err);
}

int gw_send_sample(struct crm_db *db, const struct gw_send_opts *o, long campaign_id, const char *to,
		   struct buf *report, struct err *err)
{
	struct gw_send_stats st;
	struct worker wk = { .w = { .db = db, .rdb = db, .o = o, .st = &st } };
	struct sample s = { &wk, NULL, NULL, to, report, 0 };
	struct crm_query q;
	int rc;

	crm_query_init(&q);
	rc = worker_init(&wk, err);
	if (!rc)
		rc = camp_get(&s.k, &wk.w, campaign_id, err);
	if (!rc && !(s.ch = gw_channel_find(s.k->c.channel)))
		rc = err_set(err, ERR_FAIL, "campaign '%s' sends by '%s', which is no channel", s.k->c.name,
			     s.k->c.channel);
	if (!rc && !s.ch->sample)
		rc = err_set(err, ERR_INPUT, "campaign '%s' %s", s.k->c.name, s.ch->no_sample);
	/* the campaign's channel alone */
	if (!rc)
		rc = channel_open(&wk, s.ch, err);
	if (!rc && s.ch->connect)
		rc = s.ch->connect(wk.chans[channel_index(s.ch)].state, &wk.w, err);
	if (!rc)
		rc = crm_filter_compile(&q, db, s.k->e, s.k->c.filter, o->today, err);
	if (!rc)
		rc = crm_records_each(NULL, db, s.k->e, &q, 1, sample_one, &s, err);
	if (!rc && !s.seen)
		rc = err_set(err, ERR_INPUT, "campaign '%s' has no target to fill a test message for", s.k->c.name);
	crm_query_release(&q);
	worker_release(&wk);
	return rc;
}
