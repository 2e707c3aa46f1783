/* gateway/channel_sms.c - the sms channel: each row a text through the SMS
 * provider (gateway/sms_send.h), marketing texts held at quiet hours. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/config.h"
#include "common/xalloc.h"
#include "gateway/channel.h"
#include "gateway/sms_send.h"
#include "gateway/web.h"
#include "merge/render.h"
#include "common/banned.h"

struct sms {
	struct gw_sms_config cfg;
	struct gw_sms_provider *provider; /* NULL until the first text */
	struct gw_sms_quiet quiet;
	struct gw_sms_cap cap;
	const char *signature, *optout;
	const char *public_url; /* [serve] public_url, for survey links */
	struct buf text;	/* reused from text to text */
};

struct sms_job {
	struct sms *s;
	struct gw_worker *w;
	struct gw_camp *k;
	const struct gw_job *job;
	int stop; /* the provider refuses us whatever the message: stop the run */
	int seen; /* the target's record was there */
};

static void sms_close(void *state)
{
	struct sms *s = state;

	if (!s)
		return;
	gw_sms_provider_close(s->provider);
	gw_sms_config_release(&s->cfg);
	buf_release(&s->text);
	free(s);
}

static int sms_open(void **state, struct gw_worker *w, struct err *err)
{
	const struct config *cfg = w->o->cfg;
	struct sms *s = xcalloc(1, sizeof(*s));
	int rc;

	buf_init(&s->text);
	*state = s;
	rc = gw_sms_config_load(&s->cfg, cfg, err);
	s->signature = config_get(cfg, "sms", "signature");
	s->optout = config_get(cfg, "sms", "optout_text");
	s->public_url = config_get_or(cfg, "serve", "public_url", "http://127.0.0.1:8080");
	if (!rc)
		rc = gw_sms_quiet_parse(&s->quiet, config_get_or(cfg, "sms", "quiet_hours", GW_SMS_QUIET_DEFAULT), err);
	/* the frequency cap, checked again by the database right before each
	 * marketing text (crm.sms_capped); numbers we parsed, safe in SQL */
	if (!rc)
		rc = gw_sms_cap_parse(&s->cap, config_get(cfg, "sms", "frequency_cap"), err);
	if (!rc && s->cap.count) {
		char *set = xstrfmt("SET crmgate.sms_cap = '%d/%d'", s->cap.count, s->cap.days);
		rc = crm_db_exec(w->db, set, err);
		free(set);
	}
	return rc;
}

static int sms_connect(void *state, struct gw_worker *w, struct err *err)
{
	struct sms *s = state;

	(void)w;
	return s->provider ? 0 : gw_sms_provider_open(&s->provider, &s->cfg, err);
}

/* The text of k for rec, with the signature and opt-out line of a
 * marketing text, into body. */
static int fill(struct buf *body, struct sms *s, struct gw_camp *k, const struct value *rec, struct err *err)
{
	int rc;

	buf_reset(&s->text);
	if ((rc = merge_render(&s->text, &k->text.text, rec, k->globals, err)))
		return rc;
	if (k->c.marketing)
		gw_sms_decorate(body, s->text.data, s->signature, s->optout);
	else
		buf_adds(body, s->text.data);
	return 0;
}

static int sms_one(void *ctx, const struct value *rec, struct err *err)
{
	struct sms_job *j = ctx;
	struct sms *s = j->s;
	struct gw_worker *w = j->w;
	struct gw_result r = { GW_SENT, NULL, NULL, 0, 0 };
	struct gw_sms_result res;
	struct buf body = BUF_INIT;
	struct err serr = ERR_INIT;
	time_t until = 0;
	int rc, go = 0;

	j->seen = 1;
	/* a survey invitation's link, made as the e-mail channel makes it */
	buf_reset(&s->text);
	if (j->k->survey && (rc = gw_web_survey_url(&s->text, w->db, s->public_url, j->job->id, w->secret, err))) {
		buf_release(&body);
		return rc;
	}
	value_object_set(j->k->globals, "survey_url", s->text.len ? value_new_text(s->text.data) : value_new_null());
	rc = fill(&body, s, j->k, rec, &serr);
	if (rc) {
		/* the template cannot be filled for this target: its fault, not the number's */
		r.outcome = GW_ERROR;
		r.reply = serr.msg.data;
	} else if (j->k->c.marketing && gw_sms_quiet_at(&s->quiet, clock_now(), &until)) {
		r.outcome = GW_SLOWDOWN;
		r.reply = "quiet hours";
		r.retry_at = until;
	}
	if (rc || r.outcome != GW_SENT) {
		gw_worker_count(w, r.outcome);
		rc = gw_outbox_done(w->db, j->job, &r, err);
		err_release(&serr);
		buf_release(&body);
		return rc;
	}
	/* the provider calls back with this id: signed, so reports cannot be forged;
	 * made before the row is sending, so that nothing can fail in between */
	buf_reset(&s->text);
	if ((rc = gw_web_dlr_token(&s->text, w->db, j->job->id, w->secret, err))) {
		buf_release(&body);
		return rc;
	}
	rc = gw_worker_pace(w, j->k, "sms", err);
	if (rc == 1)
		rc = gw_worker_give_back(w, j->job, err);
	else if (!rc)
		rc = gw_outbox_sending(w->db, j->job, &go, err);
	if (rc || !go) {
		if (!rc && !gw_worker_stopping(w))
			w->st->skipped++;
		buf_release(&body);
		return rc;
	}
	gw_sms_result_init(&res);
	struct gw_sms_msg msg = { s->text.data, j->job->recipient, NULL, body.data };
	rc = gw_sms_send(s->provider, &msg, &res, &serr);
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
		j->stop = res.provider_fault;
	}
	gw_worker_count(w, r.outcome);
	rc = r.outcome == GW_SLOWDOWN ? gw_outbox_back_off(w->db, "sms", 30, err) : 0;
	if (!rc)
		rc = gw_outbox_done(w->db, j->job, &r, err);
	if (!rc && j->stop)
		rc = err_set(err, ERR_FAIL, "the SMS provider refuses every message: %s", r.reply);
	gw_sms_result_release(&res);
	err_release(&serr);
	buf_release(&body);
	return rc;
}

/* One text at a time (the channel does not batch): the row's target read
 * and filled, then sent. */
static int sms_send_batch(void *state, struct gw_worker *w, const struct gw_job **jobs, int n, int *handled,
			  struct err *err)
{
	int rc = 0;

	for (int i = 0; !rc && i < n; i++) {
		struct sms_job j = { state, w, NULL, jobs[i], 0, 0 };
		const char *code = jobs[i]->target_code;

		if ((rc = gw_worker_campaign(&j.k, w, jobs[i]->campaign_id, err)))
			break;
		rc = gw_worker_records(w, j.k, &code, 1, NULL, sms_one, &j, err);
		if (!rc && !j.seen)
			rc = gw_worker_target_gone(w, jobs[i], err);
		handled[i] = !rc;
	}
	return rc;
}

static int sms_sample(void *state, struct gw_worker *w, struct gw_camp *k, const struct value *rec, const char *to,
		      struct buf *report, struct err *err)
{
	struct sms *s = state;
	struct gw_sms_result res;
	struct buf body = BUF_INIT;
	struct err serr = ERR_INIT;
	int rc;

	(void)w;
	if ((rc = fill(&body, s, k, rec, err))) {
		buf_release(&body);
		return rc;
	}
	gw_sms_result_init(&res);
	/* no delivery report for a test: "test" matches no outbox row */
	struct gw_sms_msg msg = { "test", to, NULL, body.data };
	if (gw_sms_send(s->provider, &msg, &res, &serr))
		rc = err_set(err, ERR_FAIL, "the SMS provider did not take the test text: %s",
			     res.reply.len ? res.reply.data : serr.msg.data);
	else
		buf_addf(report, "sent a test text to %s, filled for %s %s (%zu segment%s)", to,
			 gw_record_text(rec, "code"), gw_record_text(rec, "name"), res.info.segments,
			 res.info.segments == 1 ? "" : "s");
	gw_sms_result_release(&res);
	err_release(&serr);
	buf_release(&body);
	return rc;
}

const struct gw_channel gw_channel_sms = {
	.name = "sms",
	.open = sms_open,
	.connect = sms_connect,
	.send_batch = sms_send_batch,
	.sample = sms_sample,
	.close = sms_close,
};
