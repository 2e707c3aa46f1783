/* gateway/outbox.c - the durable outbox: every change of a crm.outbox row, through
 * the crm.outbox_* functions of sql/018 (see gateway/outbox.h). */
#include "gateway/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* The outbox's statements run again and again on a worker's session:
 * prepared once each (crm_db_query_prepared). The first column of the
 * first row, malloc'd, or NULL. */
static int value_of(char **out, struct crm_db *db, const char *sql, int nparams, const char *const *params,
		    struct err *err)
{
	struct crm_res *res = NULL;
	int rc = crm_db_query_prepared(&res, db, sql, nparams, params, err);

	*out = NULL;
	if (!rc && crm_res_rows(res) > 0 && crm_res_get(res, 0, 0))
		*out = xstrdup(crm_res_get(res, 0, 0));
	crm_res_free(res);
	return rc;
}

int gw_outbox_recover(struct crm_db *db, long *claimed, long *unknown, struct err *err)
{
	struct crm_res *res = NULL;
	int rc = crm_db_query_prepared(&res, db, "SELECT * FROM crm.outbox_recover()", 0, NULL, err);
	if (!rc) {
		if (claimed)
			*claimed = strtol(crm_res_get(res, 0, 0), NULL, 10);
		if (unknown)
			*unknown = strtol(crm_res_get(res, 0, 1), NULL, 10);
	}
	crm_res_free(res);
	return rc;
}

int gw_outbox_claim(struct crm_db *db, const char *channel, long campaign_id, int max, struct gw_job **jobs, int *n,
		    struct err *err)
{
	char limit[16], campaign[24];
	const char *params[] = { limit, channel, campaign_id ? campaign : NULL };
	struct crm_res *res = NULL;
	int rc;

	*jobs = NULL;
	*n = 0;
	snprintf(limit, sizeof(limit), "%d", max);
	snprintf(campaign, sizeof(campaign), "%ld", campaign_id);
	/* oldest first, skipping rows other workers hold: crm.outbox_claim */
	rc = crm_db_query_prepared(&res, db, "SELECT * FROM crm.outbox_claim($1::integer, $2::text, $3::bigint)", 3,
				   params, err);
	if (!rc && crm_res_rows(res)) {
		*n = crm_res_rows(res);
		*jobs = xcalloc((size_t)*n, sizeof(**jobs));
		for (int r = 0; r < *n; r++) {
			struct gw_job *j = &(*jobs)[r];
			j->id = strtol(crm_res_get(res, r, 0), NULL, 10);
			j->campaign_id = strtol(crm_res_get(res, r, 1), NULL, 10);
			j->channel = xstrdup(crm_res_get(res, r, 2));
			j->target_code = xstrdup(crm_res_get(res, r, 3));
			j->recipient = xstrdup_or_null(crm_res_get(res, r, 4));
			j->recipient_name = xstrdup_or_null(crm_res_get(res, r, 5));
			j->postcode = xstrdup_or_null(crm_res_get(res, r, 6));
			j->attempts = (int)strtol(crm_res_get(res, r, 7), NULL, 10);
		}
	}
	crm_res_free(res);
	return rc;
}

void gw_jobs_free(struct gw_job *jobs, int n)
{
	for (int i = 0; i < n; i++) {
		free(jobs[i].channel);
		free(jobs[i].target_code);
		free(jobs[i].recipient);
		free(jobs[i].recipient_name);
		free(jobs[i].postcode);
	}
	free(jobs);
}

int gw_outbox_waiting(struct crm_db *db, const char *const *names, size_t n, long campaign_id, int *waiting,
		      struct err *err)
{
	struct buf array = BUF_INIT;
	char campaign[24];
	const char *params[] = { NULL, campaign_id ? campaign : NULL };
	struct crm_res *res = NULL;
	int rc;

	memset(waiting, 0, n * sizeof(*waiting));
	crm_array_text(&array, names, n);
	params[0] = array.data;
	snprintf(campaign, sizeof(campaign), "%ld", campaign_id);
	/* one probe a channel, each stopping at its first row: the outbox's
	 * (campaign_id, status) index, however many rows wait */
	rc = crm_db_query(&res, db,
			  "SELECT ch.i FROM unnest($1::text[]) WITH ORDINALITY ch(name, i) WHERE EXISTS"
			  " (SELECT 1 FROM crm.outbox o JOIN crm.campaign c ON c.id = o.campaign_id"
			  " WHERE c.status = 'running' AND o.channel = ch.name"
			  " AND o.status IN ('queued', 'claimed', 'sending')"
			  " AND ($2::bigint IS NULL OR o.campaign_id = $2::bigint))",
			  2, params, err);
	for (int r = 0; !rc && r < crm_res_rows(res); r++) {
		long i = strtol(crm_res_get(res, r, 0), NULL, 10);
		if (i >= 1 && (size_t)i <= n)
			waiting[i - 1] = 1;
	}
	crm_res_free(res);
	buf_release(&array);
	return rc;
}

int gw_outbox_sending(struct crm_db *db, const struct gw_job *job, int *go, struct err *err)
{
	char id[24];
	const char *params[] = { id };
	char *status = NULL;
	int rc;

	snprintf(id, sizeof(id), "%ld", job->id);
	rc = value_of(&status, db, "SELECT crm.outbox_sending($1::bigint)", 1, params, err);
	*go = !rc && status && !strcmp(status, "sending");
	free(status);
	return rc;
}

int gw_outbox_done(struct crm_db *db, const struct gw_job *job, const struct gw_result *r, struct err *err)
{
	char id[24], segments[16], retry[24];
	const char *sql = NULL;
	const char *params[4] = { id };
	int n = 0;

	snprintf(id, sizeof(id), "%ld", job->id);
	snprintf(segments, sizeof(segments), "%d", r->segments);
	snprintf(retry, sizeof(retry), "%lld", (long long)r->retry_at);
	switch (r->outcome) {
	case GW_SENT:
		sql = "SELECT crm.outbox_sent($1::bigint, $2::text, $3::integer)";
		params[1] = r->message_id;
		params[2] = r->segments ? segments : NULL;
		n = 3;
		break;
	case GW_TEMPFAIL:
	case GW_SLOWDOWN:
		/* a slow-down request does not count as an attempt */
		sql = "SELECT crm.outbox_retry($1::bigint, $2::text, $3::boolean, to_timestamp($4::double precision))";
		params[1] = r->reply;
		params[2] = r->outcome == GW_TEMPFAIL ? "true" : "false";
		params[3] = r->outcome == GW_SLOWDOWN && r->retry_at ? retry : NULL;
		n = 4;
		break;
	case GW_ERROR:
	case GW_PERMFAIL:
		/* a permanent failure suppresses the address; ours does not */
		sql = "SELECT crm.outbox_failed($1::bigint, $2::text, $3::boolean)";
		params[1] = r->reply;
		params[2] = r->outcome == GW_PERMFAIL ? "true" : "false";
		n = 3;
		break;
	case GW_UNKNOWN:
		sql = "SELECT crm.outbox_unknown($1::bigint, $2::text, $3::text)";
		params[1] = r->message_id;
		params[2] = r->reply;
		n = 3;
		break;
	}
	return crm_db_query_prepared(NULL, db, sql, n, params, err);
}

int gw_outbox_sent_next(struct crm_db *db, const struct gw_job *job, const struct gw_result *r,
			const struct gw_job *next, int *go, struct err *err)
{
	char id[24], segments[16], next_id[24];
	const char *params[] = { id, r->message_id, r->segments ? segments : NULL, next_id };
	char *status = NULL;
	int rc;

	if (r->outcome != GW_SENT)
		BUG("gw_outbox_sent_next records sent rows only");
	snprintf(id, sizeof(id), "%ld", job->id);
	snprintf(segments, sizeof(segments), "%d", r->segments);
	snprintf(next_id, sizeof(next_id), "%ld", next->id);
	/* two rows, one call: both commit together */
	rc = value_of(&status, db, "SELECT crm.outbox_sent_next($1::bigint, $2::text, $3::integer, $4::bigint)", 4,
		      params, err);
	*go = !rc && status && !strcmp(status, "sending");
	free(status);
	return rc;
}

int gw_outbox_finish(struct crm_db *db, struct err *err)
{
	return crm_db_query_prepared(
		NULL, db,
		"UPDATE crm.campaign c SET status = 'done', finished_at = now() WHERE c.status = 'running'"
		" AND NOT EXISTS (SELECT 1 FROM crm.outbox o WHERE o.campaign_id = c.id"
		" AND o.status IN ('queued', 'claimed', 'sending'))",
		0, NULL, err);
}

int gw_outbox_take_token(struct crm_db *db, const char *channel, double rate, double *wait, struct err *err)
{
	char r[32];
	const char *params[] = { channel, r };
	char *v = NULL;
	int rc;

	snprintf(r, sizeof(r), "%.6f", rate);
	rc = value_of(&v, db, "SELECT crm.take_token($1, $2::double precision)", 2, params, err);
	*wait = rc || !v ? 0 : strtod(v, NULL);
	free(v);
	return rc;
}

int gw_outbox_back_off(struct crm_db *db, const char *channel, double seconds, struct err *err)
{
	char s[32];
	const char *params[] = { channel, s };
	snprintf(s, sizeof(s), "%.3f", seconds);
	return crm_db_query(NULL, db, "SELECT crm.back_off($1, $2::double precision)", 2, params, err);
}

int gw_outbox_enqueue(struct crm_res **out, struct crm_db *db, const struct gw_source *src, long campaign_id,
		      const char *channel, const char *items, int nparams, const char *const *params, struct err *err)
{
	char source_id[24], campaign[24];
	const char **all = xcalloc((size_t)nparams + 4, sizeof(*all));
	struct buf sql = BUF_INIT;
	int rc;

	*out = NULL;
	snprintf(source_id, sizeof(source_id), "%ld", src->id);
	snprintf(campaign, sizeof(campaign), "%ld", campaign_id);
	for (int i = 0; i < nparams; i++)
		all[i] = params[i];
	all[nparams] = src->kind;
	all[nparams + 1] = source_id;
	all[nparams + 2] = campaign;
	all[nparams + 3] = channel;
	/* one statement queues every item */
	buf_addf(&sql,
		 "SELECT reason, n FROM crm.outbox_enqueue($%d::text, $%d::bigint, $%d::bigint, $%d::text,"
		 " ARRAY(SELECT ROW(y.code::text, y.contact_id, y.lead_contact_id, y.recipient::text, y.name::text,"
		 " y.postcode::text, y.reason::text)::crm.outbox_item FROM (%s) y))",
		 nparams + 1, nparams + 2, nparams + 3, nparams + 4, items);
	rc = crm_db_query(out, db, sql.data, nparams + 4, all, err);
	buf_release(&sql);
	free(all);
	return rc;
}

int gw_outbox_set_segments(struct crm_db *db, long campaign_id, const char *codes, const char *segments,
			   struct err *err)
{
	char id[24];
	const char *params[] = { id, codes, segments };
	snprintf(id, sizeof(id), "%ld", campaign_id);
	return crm_db_query(NULL, db, "SELECT crm.outbox_set_segments($1::bigint, $2::text[], $3::integer[])", 3,
			    params, err);
}

int gw_outbox_cancel(struct crm_db *db, long campaign_id, struct err *err)
{
	char id[24];
	const char *params[] = { id };
	snprintf(id, sizeof(id), "%ld", campaign_id);
	return crm_db_query(NULL, db, "SELECT crm.outbox_cancel($1::bigint)", 1, params, err);
}

int gw_outbox_report(struct crm_db *db, long id, enum gw_report what, const char *why, int *changed, struct err *err)
{
	static const char *const sql[] = {
		[GW_REPORT_BOUNCED] = "SELECT crm.outbox_bounced($1::bigint, $2::text)",
		[GW_REPORT_FAILED] = "SELECT crm.outbox_undelivered($1::bigint, $2::text)",
		[GW_REPORT_DELAYED] = "SELECT crm.outbox_delayed($1::bigint, $2::text)",
		[GW_REPORT_DELIVERED] = "SELECT crm.outbox_delivered($1::bigint)",
	};
	char idtext[24];
	const char *params[] = { idtext, why };
	char *v = NULL;
	int rc;

	snprintf(idtext, sizeof(idtext), "%ld", id);
	rc = crm_db_value(&v, db, sql[what], what == GW_REPORT_DELIVERED ? 1 : 2, params, err);
	*changed = !rc && v && !strcmp(v, "t");
	free(v);
	return rc;
}

int gw_outbox_sms_report(char **status, struct crm_db *db, long id, const char *type, const char *reply, const char *ts,
			 struct err *err)
{
	char idtext[24];
	const char *params[] = { idtext, type, reply, ts };

	snprintf(idtext, sizeof(idtext), "%ld", id);
	/* the report's own time when it is plausible, else the time it came */
	return crm_db_value(
		status, db,
		"SELECT crm.outbox_sms_report($1::bigint, $2::integer, $3::text, (SELECT CASE WHEN t BETWEEN"
		" now() - interval '30 days' AND now() + interval '1 hour' THEN t END"
		" FROM (SELECT to_timestamp($4::bigint) AS t) x))",
		4, params, err);
}
