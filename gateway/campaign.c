/* gateway/campaign.c - campaigns: what to send, to whom, by which channel. */
#include "gateway/campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/rules.h"
#include "gateway/channel.h"
#include "gateway/outbox.h"
#include "common/banned.h"

#define COUNTS                                                                                                         \
	"count(*) FILTER (WHERE o.status = 'queued') AS queued,"                                                       \
	" count(*) FILTER (WHERE o.status IN ('claimed', 'sending')) AS sending,"                                      \
	" count(*) FILTER (WHERE o.status = 'sent') AS sent, count(*) FILTER (WHERE o.status = 'unknown') AS unknown," \
	" count(*) FILTER (WHERE o.status = 'failed') AS failed,"                                                      \
	" count(*) FILTER (WHERE o.status = 'skipped') AS skipped,"                                                    \
	" count(*) FILTER (WHERE o.status = 'bounced') AS bounced,"                                                    \
	" count(*) FILTER (WHERE o.status = 'delivered') AS delivered, count(o.id) AS total,"                          \
	" coalesce(sum(o.segments) FILTER (WHERE o.status IN ('queued', 'claimed', 'sending')), 0)"                    \
	" AS segments_to_send,"                                                                                        \
	" coalesce(sum(o.segments) FILTER (WHERE o.status IN ('sent', 'delivered', 'unknown')), 0) AS segments_sent"

/* The column holding a target's address for the channel. */
static const char *address_column(const char *channel)
{
	return !strcmp(channel, "email") ? "email" : !strcmp(channel, "sms") ? "mobile" : "address";
}

int gw_campaign_compile_text(struct gw_tpl *t, const char *label, const char *src, enum gw_tpl_kind kind,
			     const struct crm_entity *e, struct err *err)
{
	gw_tpl_set_text(t, label, kind, src);
	return gw_tpl_compile(t, e, err);
}

int gw_campaign_check_text(const char *label, const char *src, enum gw_tpl_kind kind, const struct crm_entity *e,
			   struct err *err)
{
	struct gw_tpl t;
	int rc = gw_campaign_compile_text(&t, label, src, kind, e, err);
	gw_tpl_release(&t);
	return rc;
}

int gw_campaign_check_channel(const struct gw_campaign *c, struct err *err)
{
	const char *attach = c->attach ? c->attach : "none";

	if (!strcmp(c->channel, "mail") && (!c->template_kind || strcmp(c->template_kind, "docx")))
		return err_set(err, ERR_INPUT, "a mail campaign needs --template, a Word letter (.docx)");
	if (!strcmp(c->channel, "email") && !c->subject)
		return err_set(err, ERR_INPUT, "an e-mail campaign needs --subject");
	if (!strcmp(c->channel, "email") && !c->body_text && !c->body_html)
		return err_set(err, ERR_INPUT, "an e-mail campaign needs --body FILE (.txt and/or .html)");
	if (!strcmp(c->channel, "email") && strcmp(attach, "none") && !c->template_kind)
		return err_set(err, ERR_INPUT, "--attach %s needs --template, the Word document to attach", attach);
	if (!strcmp(c->channel, "sms") && !c->body_text)
		return err_set(err, ERR_INPUT, "an SMS campaign needs --body FILE, a .txt");
	if (!strcmp(c->channel, "sms") && c->body_html)
		return err_set(err, ERR_INPUT, "a text message is plain text: --body takes a .txt for sms");
	return 0;
}

int gw_campaign_create(struct crm_db *db, struct gw_campaign *c, struct err *err)
{
	const struct crm_entity *e = crm_entity_find(c->targets);
	struct buf hex = BUF_INIT;
	char attempts[16];
	char *id = NULL;
	int rc;

	/* the channels are the database's (crm.channels, sql/019); each has its
	 * ops in gateway/channel_*.c, which a test holds to the same list */
	if ((rc = crm_channel_check(db, c->channel, err)))
		return rc;
	if (!gw_channel_find(c->channel))
		return err_set(err, ERR_FAIL, "this crmgate cannot send by '%s'", c->channel);
	if (!e)
		return err_set(err, ERR_INPUT, "'%s' is not an entity", c->targets);
	if ((rc = gw_campaign_check_channel(c, err)))
		return rc;
	if (!crm_entity_column(e, address_column(c->channel)))
		return err_set(err, ERR_INPUT, "a %s has no %s: it cannot be sent %s", e->name,
			       address_column(c->channel),
			       !strcmp(c->channel, "mail")  ? "by post"
			       : !strcmp(c->channel, "sms") ? "texts"
							    : "e-mail");
	crm_bytea_text(&hex, c->template.data, c->template.len);
	snprintf(attempts, sizeof(attempts), "%d", c->max_attempts > 0 ? c->max_attempts : 8);
	const char *params[] = { c->name,
				 c->channel,
				 c->targets,
				 c->filter ? c->filter : "",
				 c->template_name,
				 c->template_kind,
				 c->template.len ? hex.data : NULL,
				 c->subject,
				 c->body_text,
				 c->body_html,
				 c->attach ? c->attach : "none",
				 c->marketing ? "true" : "false",
				 c->scheduled_at,
				 c->rate,
				 c->unknown_policy ? c->unknown_policy : "resend",
				 attempts };
	rc = crm_db_value(
		&id, db,
		"INSERT INTO crm.campaign (name, channel, targets, filter, template_name, template_kind, template,"
		" subject, body_text, body_html, attach, marketing, scheduled_at, rate, unknown_policy, max_attempts)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7::bytea, $8, $9, $10, $11, $12::boolean, $13::timestamptz,"
		" $14::numeric, $15, $16::integer) RETURNING id",
		16, params, err);
	if (rc == ERR_EXISTS) {
		err_clear(err);
		rc = err_set(err, ERR_EXISTS, "a campaign named '%s' exists already", c->name);
	} else if (rc == ERR_DENIED) {
		err_clear(err);
		rc = err_set(err, ERR_DENIED,
			     "campaigns are run by admins, customer admins, sales managers, marketers"
			     " and salespeople");
	}
	if (!rc)
		c->id = strtol(id, NULL, 10);
	free(id);
	buf_release(&hex);
	return rc;
}

int gw_campaign_get(struct crm_db *db, const char *ref, struct gw_campaign *out, struct err *err)
{
	const char *params[] = { ref };
	struct crm_res *res = NULL;
	int rc = crm_db_query(
		&res, db,
		"SELECT id, name, channel, targets, filter, status, template_name, template_kind, template,"
		" subject, body_text, body_html, attach, unknown_policy, scheduled_at::text, rate::text,"
		" max_attempts, marketing FROM crm.campaign"
		" WHERE name = $1 OR ($1 ~ '^[0-9]{1,18}$' AND id = $1::bigint)",
		1, params, err);

	memset(out, 0, sizeof(*out));
	buf_init(&out->template);
	if (!rc && crm_res_rows(res) == 0)
		rc = err_set(err, ERR_NOTFOUND, "no campaign named '%s'", ref);
	if (!rc) {
		const char *tpl = crm_res_get(res, 0, 8);
		out->id = strtol(crm_res_get(res, 0, 0), NULL, 10);
		out->name = xstrdup(crm_res_get(res, 0, 1));
		out->channel = xstrdup(crm_res_get(res, 0, 2));
		out->targets = xstrdup(crm_res_get(res, 0, 3));
		out->filter = xstrdup(crm_res_get(res, 0, 4));
		out->status = xstrdup(crm_res_get(res, 0, 5));
		out->template_name = xstrdup_or_null(crm_res_get(res, 0, 6));
		out->template_kind = xstrdup_or_null(crm_res_get(res, 0, 7));
		if (tpl)
			rc = crm_bytea_parse(&out->template, tpl, err);
		out->subject = xstrdup_or_null(crm_res_get(res, 0, 9));
		out->body_text = xstrdup_or_null(crm_res_get(res, 0, 10));
		out->body_html = xstrdup_or_null(crm_res_get(res, 0, 11));
		out->attach = xstrdup(crm_res_get(res, 0, 12));
		out->unknown_policy = xstrdup(crm_res_get(res, 0, 13));
		out->scheduled_at = xstrdup_or_null(crm_res_get(res, 0, 14));
		out->rate = xstrdup_or_null(crm_res_get(res, 0, 15));
		out->max_attempts = (int)strtol(crm_res_get(res, 0, 16), NULL, 10);
		out->marketing = !strcmp(crm_res_get(res, 0, 17), "t");
	}
	crm_res_free(res);
	if (rc)
		gw_campaign_release(out);
	return rc;
}

void gw_campaign_release(struct gw_campaign *c)
{
	char **strings[] = { &c->name,		&c->channel,	    &c->targets,      &c->filter,    &c->status,
			     &c->template_name, &c->template_kind,  &c->subject,      &c->body_text, &c->body_html,
			     &c->attach,	&c->unknown_policy, &c->scheduled_at, &c->rate };
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
	buf_release(&c->template);
}

/* SELECT the campaign's targets with their address and whether they may be
 * sent to: code, contact_id, lead_contact_id, recipient, name, postcode, reason. */
static void targets_sql(struct buf *sql, const struct gw_campaign *c, const struct crm_entity *e,
			const struct crm_query *q, int channel_param)
{
	const char *col = address_column(c->channel);
	char optout[32], cap[160] = "";
	int has_name = crm_entity_column(e, "name") != NULL;

	/* numbers we parsed, not text from anyone: they can be part of the SQL */
	if (!strcmp(c->channel, "sms") && c->marketing && c->cap.count > 0)
		snprintf(cap, sizeof(cap),
			 " WHEN crm.sms_recent(x.recipient, %d) >= %d THEN 'frequency cap: %d in %d days'", c->cap.days,
			 c->cap.count, c->cap.count, c->cap.days);

	snprintf(optout, sizeof(optout), "%s_opt_out", c->channel);
	/* the reasons a target cannot be sent to come first; only targets that
	 * could be sent to compete for an address (an opted-out one does not
	 * take it from the next) */
	buf_addf(sql,
		 "SELECT z.code, z.contact_id, z.lead_contact_id, z.recipient, z.name, z.postcode, coalesce(z.base,"
		 " CASE WHEN row_number() OVER (PARTITION BY crm.address_key($%d, z.recipient), z.base IS NULL"
		 " ORDER BY z.code) > 1 OR tk.one <> z.code OR tk.n > 1"
		 " THEN 'duplicate address' END) AS reason FROM (SELECT x.*, CASE"
		 " WHEN nullif(btrim(x.recipient), '') IS NULL THEN 'no %s' WHEN x.opted_out THEN 'opted out'"
		 " WHEN s.reason IS NOT NULL THEN 'suppressed: ' || s.reason%s END AS base"
		 " FROM (SELECT t.code, %s AS contact_id, %s AS lead_contact_id,"
		 " t.%s::text AS recipient, %s AS name, %s AS postcode, %s AS opted_out FROM %s t%s",
		 channel_param, col, cap, !strcmp(e->name, "contact") ? "t.id" : "NULL::bigint",
		 !strcmp(e->name, "lead-contact") ? "t.id" : "NULL::bigint", col,
		 has_name ? "t.name::text" : "t.code::text",
		 crm_entity_column(e, "postcode") ? "t.postcode::text" : "NULL::text",
		 crm_entity_column(e, optout) ? optout : "false", e->table, q->joins.data);
	if (q->where.len)
		buf_addf(sql, " WHERE %s", q->where.data);
	/* the addresses the campaign's outbox has already, read once: a lookup
	 * per target would walk the index entries of the rows being inserted */
	buf_addf(
		sql,
		") x LEFT JOIN crm.suppression s ON s.channel = $%d AND s.address = crm.address_key($%d, x.recipient)) z"
		" LEFT JOIN (SELECT crm.address_key(o.channel, o.recipient) AS k, min(o.target_code) AS one,"
		" count(DISTINCT o.target_code) AS n FROM crm.outbox o WHERE o.campaign_id = $1 AND o.channel = $%d"
		" AND o.status <> 'skipped' GROUP BY 1) tk ON tk.k = crm.address_key($%d, z.recipient)",
		channel_param, channel_param, channel_param, channel_param);
}

/* The filter, with the campaign id as $1 and the channel as $2 before its own. */
static int compile(struct crm_query *q, struct crm_db *db, const struct gw_campaign *c, const struct crm_entity *e,
		   const char *today, struct err *err)
{
	char id[24];
	snprintf(id, sizeof(id), "%ld", c->id);
	crm_query_init(q);
	crm_query_param(q, id);
	crm_query_param(q, c->channel);
	return crm_filter_compile(q, db, e, c->filter, today, err);
}

/* The counts by reason of rows (reason, n) into out. */
static void summarise(const struct crm_res *res, struct gw_launch *out)
{
	for (int r = 0; r < crm_res_rows(res); r++) {
		const char *reason = crm_res_get(res, r, 0);
		long n = strtol(crm_res_get(res, r, 1), NULL, 10);
		if (!reason) {
			out->queued += n;
		} else if (!strcmp(reason, "\x01already")) {
			out->already += n;
		} else {
			out->skipped += n;
			buf_addf(&out->reasons, "%s: %ld\n", reason, n);
		}
	}
}

/* What plan and launch share: out emptied, the entity, the filter compiled. */
static int prepare(struct gw_launch *out, const struct crm_entity **e, struct crm_query *q, struct crm_db *db,
		   const struct gw_campaign *c, const char *today, struct err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->reasons);
	if (!(*e = crm_entity_find(c->targets)))
		return err_set(err, ERR_INPUT, "'%s' is not an entity", c->targets);
	if ((rc = compile(q, db, c, *e, today, err)))
		crm_query_release(q);
	return rc;
}

int gw_campaign_plan(struct crm_db *db, const struct gw_campaign *c, const char *today, struct gw_launch *out,
		     struct err *err)
{
	const struct crm_entity *e;
	struct buf sql = BUF_INIT;
	struct crm_query q;
	int rc;

	if ((rc = prepare(out, &e, &q, db, c, today, err)))
		return rc;
	buf_adds(&sql, "SELECT CASE WHEN EXISTS (SELECT 1 FROM crm.outbox o WHERE o.source = 'campaign'"
		       " AND o.source_id = $1 AND o.channel = $2"
		       " AND o.target_code = y.code) THEN E'\\x01already' ELSE y.reason END, count(*) FROM (");
	targets_sql(&sql, c, e, &q, 2);
	buf_adds(&sql, ") y GROUP BY 1 ORDER BY 2 DESC");
	{
		struct crm_res *res = NULL;
		rc = crm_db_query(&res, db, sql.data, (int)q.nparams, crm_query_params(&q), err);
		if (!rc)
			summarise(res, out);
		crm_res_free(res);
	}
	crm_query_release(&q);
	buf_release(&sql);
	return rc;
}

int gw_campaign_launch(struct crm_db *db, const struct gw_campaign *c, const char *today, struct gw_launch *out,
		       struct err *err)
{
	return gw_campaign_launch_for(db, c, NULL, today, out, err);
}

int gw_campaign_launch_for(struct crm_db *db, const struct gw_campaign *c, const struct gw_producer *by,
			   const char *today, struct gw_launch *out, struct err *err)
{
	const struct crm_entity *e;
	struct buf sql = BUF_INIT;
	struct crm_query q;
	int rc;

	/* the status is checked again under the row's lock below */
	if ((rc = prepare(out, &e, &q, db, c, today, err)))
		return rc;
	if (by && by->only) {
		char *filter = buf_detach(&q.where, NULL);
		buf_addf(&q.where, *filter ? "(%s) AND (%s)" : "%s(%s)", filter, by->only);
		free(filter);
	}
	targets_sql(&sql, c, e, &q, 2);
	rc = crm_db_begin(db, err);
	/* one statement queues every target */
	if (!rc)
		rc = crm_db_work(db, CRM_DB_BULK, err);
	if (!rc) {
		/* the campaign's status as it is now, held until commit: a cancel or
		 * pause at the same moment waits, and is not undone */
		char *status = NULL;
		const char *p[] = { q.params[0] };
		rc = crm_db_value(&status, db, "SELECT status FROM crm.campaign WHERE id = $1::bigint FOR UPDATE", 1, p,
				  err);
		if (!rc && (!status || !strcmp(status, "cancelled") || (!strcmp(status, "done") && !(by && by->only)) ||
			    !strcmp(status, "paused")))
			rc = err_set(err, ERR_INPUT, "campaign '%s' is %s: it cannot be launched%s", c->name,
				     status ? status : "gone",
				     status && !strcmp(status, "paused") ? " (resume it)" : "");
		free(status);
		/* a campaign that another producer owns is launched by it alone:
		 * a survey's invitations need their tokens (survey/activity.c) */
		if (!rc && !by) {
			char *survey = NULL;
			rc = crm_db_value(&survey, db, "SELECT name FROM crm.survey WHERE campaign_id = $1::bigint", 1,
					  p, err);
			if (!rc && survey)
				rc = err_set(
					err, ERR_INPUT,
					"campaign '%s' sends the invitations of survey '%s': 'crmgate survey launch'"
					" launches it",
					c->name, survey);
			free(survey);
		}
	}
	if (!rc) {
		struct gw_source src = { by ? by->kind : "campaign", by ? by->id : c->id };
		struct crm_res *res = NULL;
		rc = gw_outbox_enqueue(&res, db, &src, c->id, c->channel, sql.data, (int)q.nparams,
				       crm_query_params(&q), err);
		if (!rc)
			summarise(res, out);
		crm_res_free(res);
	}
	if (!rc) {
		char id[24];
		const char *params[] = { id };
		snprintf(id, sizeof(id), "%ld", c->id);
		rc = crm_db_query(
			NULL, db,
			"UPDATE crm.campaign SET status = 'running', launched_at = coalesce(launched_at, now()),"
			" finished_at = NULL WHERE id = $1::bigint",
			1, params, err);
	}
	if (!rc && by && by->queued)
		rc = by->queued(by->ctx, db, err);
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
	crm_query_release(&q);
	buf_release(&sql);
	return rc;
}

void gw_launch_release(struct gw_launch *l)
{
	buf_release(&l->reasons);
}

int gw_campaign_set_status(struct crm_db *db, const struct gw_campaign *c, const char *verb, struct err *err)
{
	static const struct {
		const char *verb, *from, *to;
	} moves[] = {
		{ "pause", "running", "paused" },
		{ "resume", "paused", "running" },
		{ "cancel", "draft running paused", "cancelled" },
	};
	char id[24];
	const char *params[] = { id };
	int rc;

	snprintf(id, sizeof(id), "%ld", c->id);
	for (size_t i = 0; i < ARRAY_SIZE(moves); i++) {
		char *sql;
		if (strcmp(verb, moves[i].verb))
			continue;
		if (!strstr(moves[i].from, c->status))
			return err_set(err, ERR_INPUT, "campaign '%s' is %s: it cannot be %s", c->name, c->status,
				       !strcmp(verb, "pause")	 ? "paused"
				       : !strcmp(verb, "resume") ? "resumed"
								 : "cancelled");
		if ((rc = crm_db_begin(db, err)))
			return rc;
		/* only from the status it had when read: a concurrent change wins */
		sql = xstrfmt("UPDATE crm.campaign SET status = '%s'%s WHERE id = $1::bigint"
			      " AND status = ANY (string_to_array('%s', ' '))",
			      moves[i].to, !strcmp(verb, "cancel") ? ", finished_at = now()" : "", moves[i].from);
		struct crm_res *res = NULL;
		rc = crm_db_query(&res, db, sql, 1, params, err);
		free(sql);
		if (!rc && crm_res_affected(res) != 1)
			rc = err_set(err, ERR_INPUT, "campaign '%s' changed meanwhile: look at its status again",
				     c->name);
		crm_res_free(res);
		/* a cancelled campaign's queue is dropped, on the record */
		if (!rc && !strcmp(verb, "cancel"))
			rc = gw_outbox_cancel(db, c->id, err);
		if (!rc)
			return crm_db_commit(db, err);
		crm_db_rollback(db);
		return rc;
	}
	return err_set(err, ERR_INPUT, "'%s' is not a campaign verb", verb);
}

int gw_campaign_not_sent(struct crm_db *db, const struct gw_campaign *c, char **status, char **why, struct err *err)
{
	char id[24];
	const char *params[] = { id };
	struct crm_res *res = NULL;
	int rc;

	*status = *why = NULL;
	snprintf(id, sizeof(id), "%ld", c->id);
	rc = crm_db_query(
		&res, db,
		"SELECT status, coalesce(skip_reason, last_error) FROM crm.outbox WHERE campaign_id = $1::bigint"
		" AND status NOT IN ('sent', 'delivered') ORDER BY id LIMIT 1",
		1, params, err);
	if (!rc && crm_res_rows(res)) {
		const char *w = crm_res_get(res, 0, 1);
		*status = xstrdup(crm_res_get(res, 0, 0));
		*why = w ? xstrdup(w) : NULL;
	}
	crm_res_free(res);
	return rc;
}

int gw_campaign_status(struct crm_res **out, struct crm_db *db, const struct gw_campaign *c, struct err *err)
{
	char id[24];
	const char *params[] = { id };
	snprintf(id, sizeof(id), "%ld", c->id);
	return crm_db_query(out, db,
			    "SELECT c.name, c.channel, c.status, " COUNTS " FROM crm.campaign c"
			    " LEFT JOIN crm.outbox o ON o.campaign_id = c.id WHERE c.id = $1::bigint GROUP BY c.id",
			    1, params, err);
}

int gw_campaign_list(struct crm_res **out, struct crm_db *db, struct err *err)
{
	return crm_db_query(out, db,
			    "SELECT c.id, c.name, c.channel, c.targets, c.status, " COUNTS
			    ", to_char(c.created_at, 'YYYY-MM-DD HH24:MI') AS created_at FROM crm.campaign c"
			    " LEFT JOIN crm.outbox o ON o.campaign_id = c.id"
			    " WHERE NOT EXISTS (SELECT 1 FROM crm.survey s WHERE s.campaign_id = c.id)"
			    " GROUP BY c.id ORDER BY c.id DESC",
			    0, NULL, err);
}
