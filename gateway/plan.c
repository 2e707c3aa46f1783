/* gateway/plan.c - the segments an SMS campaign's queued texts will take. */
#include "gateway/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "crm/filter.h"
#include "crm/record.h"
#include "gateway/outbox.h"
#include "gateway/sms_text.h"
#include "gateway/tpl.h"
#include "common/banned.h"

/* Figures are written back this many rows at a time. */
#define FLUSH_ROWS 1000

struct planner {
	struct crm_db *db;
	const struct gw_campaign *c;
	struct gw_tpl text;
	struct value *globals;
	const char *signature, *optout;
	struct buf filled, sent;
	char **codes;
	size_t *segments;
	size_t n, alloc, segments_alloc;
	struct gw_plan *plan;
};

static void forget(struct planner *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->codes[i]);
	p->n = 0;
}

static int flush(struct planner *p, struct err *err)
{
	struct buf codes = BUF_INIT, segments = BUF_INIT;
	int rc;

	if (!p->n)
		return 0;
	crm_array_text(&codes, (const char *const *)p->codes, p->n);
	for (size_t i = 0; i < p->n; i++)
		buf_addf(&segments, "%s%zu", i ? "," : "{", p->segments[i]);
	buf_addch(&segments, '}');
	rc = gw_outbox_set_segments(p->db, p->c->id, codes.data, segments.data, err);
	buf_release(&codes);
	buf_release(&segments);
	forget(p);
	return rc;
}

static int measure_one(void *ctx, const struct value *rec, struct err *err)
{
	struct planner *p = ctx;
	const struct value *code = value_lookup(rec, "code");
	struct gw_sms_info info;
	struct err ferr = ERR_INIT;

	buf_reset(&p->filled);
	buf_reset(&p->sent);
	/* a text that cannot be filled or is no valid UTF-8 fails when it is
	 * sent, with the reason on its row; here it just has no figure */
	if (merge_render(&p->filled, &p->text.text, rec, p->globals, &ferr) || !code || code->kind != VALUE_TEXT) {
		err_release(&ferr);
		return 0;
	}
	if (p->c->marketing)
		gw_sms_decorate(&p->sent, p->filled.data, p->signature, p->optout);
	else
		buf_adds(&p->sent, p->filled.data);
	if (gw_sms_measure(&info, p->sent.data, &ferr)) {
		err_release(&ferr);
		return 0;
	}
	p->plan->texts++;
	p->plan->segments += (long)info.segments;
	p->plan->gsm7 += info.coding == GW_SMS_GSM7;
	p->plan->ucs2 += info.coding == GW_SMS_UCS2;
	p->plan->multipart += info.segments > 1;
	if ((long)info.segments > p->plan->max_segments)
		p->plan->max_segments = (long)info.segments;
	ALLOC_GROW(p->codes, p->n + 1, p->alloc);
	ALLOC_GROW(p->segments, p->n + 1, p->segments_alloc);
	p->codes[p->n] = xstrdup(code->u.text);
	p->segments[p->n] = info.segments;
	p->n++;
	return p->n >= FLUSH_ROWS ? flush(p, err) : 0;
}

int gw_plan_sms(struct crm_db *db, const struct gw_campaign *c, const struct config *cfg, const char *today,
		struct gw_plan *out, struct err *err)
{
	struct planner p = { .db = db, .c = c, .plan = out };
	const struct crm_entity *e = crm_entity_find(c->targets);
	struct crm_query q;
	char id[24];
	int rc;

	memset(out, 0, sizeof(*out));
	if (strcmp(c->channel, "sms") || !c->body_text)
		return 0;
	if (!e)
		return err_set(err, ERR_INPUT, "campaign '%s' targets '%s', which is no entity", c->name, c->targets);
	buf_init(&p.filled);
	buf_init(&p.sent);
	p.signature = config_get(cfg, "sms", "signature");
	p.optout = config_get(cfg, "sms", "optout_text");
	gw_tpl_set_text(&p.text, "body.txt", GW_TPL_TXT, c->body_text);
	rc = gw_tpl_compile(&p.text, e, err);
	p.globals = gw_tpl_globals(today);
	/* a survey's text carries a link: measured with one as long */
	if (!rc)
		rc = gw_tpl_survey_globals(p.globals, db, c->id, gw_tpl_public_url(cfg), err);
	snprintf(id, sizeof(id), "%ld", c->id);
	crm_query_init(&q);
	buf_addf(&q.where,
		 "t.code IN (SELECT o.target_code FROM crm.outbox o WHERE o.campaign_id = $%d::bigint"
		 " AND o.channel = 'sms' AND o.status = 'queued' AND o.segments IS NULL)",
		 crm_query_param(&q, id));
	if (!rc)
		rc = crm_records_each(NULL, db, e, &q, 0, measure_one, &p, err);
	/* the last figures, in a transaction of their own (the read's has ended) */
	if (!rc)
		rc = flush(&p, err);
	forget(&p);
	free(p.codes);
	free(p.segments);
	crm_query_release(&q);
	value_free(p.globals);
	gw_tpl_release(&p.text);
	buf_release(&p.filled);
	buf_release(&p.sent);
	return rc;
}
