/* gateway/outbox.c - the durable outbox: claim, send, record, recover. */
#include "gateway/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

/* A row is this session's while it holds it: a row taken over by another
 * worker (its lease ran out) is not touched by the late result. */
#define OURS "status IN ('claimed', 'sending') AND worker_pid = pg_backend_pid()"
#define OURS_O "o.status IN ('claimed', 'sending') AND o.worker_pid = pg_backend_pid()"
/* exponential backoff with jitter: 60 s (crmgate.retry_base) doubling per
 * attempt, at most an hour, times 0.5..1 */
#define BACKOFF                                                                                            \
	"now() + make_interval(secs => least(3600, coalesce(nullif(current_setting('crmgate.retry_base', true),"  \
	" '')::double precision, 60) * 2 ^ greatest(o.attempts - 1, 0)) * (0.5 + random() / 2))"

/* Marking a row sending, right before it is handed over: why it may not go
 * (suppressed, opted out, cancelled) read afresh, then the row sending, or
 * skipped with the reason; the row's new status is returned. SENDING_WHY
 * names the row's id (a typed parameter) and is a WITH item. */
#define SENDING_WHY(id)                                                                                    \
	"why AS (SELECT o.id, CASE"                                                                        \
	" WHEN s.reason IS NOT NULL THEN 'suppressed: ' || s.reason"                                       \
	" WHEN o.channel = 'email' AND (ct.email_opt_out OR lc.email_opt_out) THEN 'opted out'"             \
	" WHEN o.channel = 'sms' AND (ct.sms_opt_out OR lc.sms_opt_out) THEN 'opted out'"                   \
	" WHEN o.channel = 'mail' AND (ct.mail_opt_out OR lc.mail_opt_out) THEN 'opted out'"                \
	" WHEN o.channel = 'sms' AND c.marketing AND crm.sms_capped(o.recipient) THEN 'frequency cap'"        \
	" WHEN c.status = 'cancelled' THEN 'cancelled' END AS reason"                                      \
	" FROM crm.outbox o JOIN crm.campaign c ON c.id = o.campaign_id"                                    \
	" LEFT JOIN crm.contact ct ON ct.id = o.contact_id"                                                \
	" LEFT JOIN crm.lead_contact lc ON lc.id = o.lead_contact_id"                                      \
	" LEFT JOIN crm.suppression s ON s.channel = o.channel"                                            \
	" AND s.address = crm.address_key(o.channel, o.recipient) WHERE o.id = " id ")"
#define SENDING_SET                                                                                        \
	"UPDATE crm.outbox o SET status = CASE WHEN why.reason IS NULL THEN 'sending' ELSE 'skipped' END,"  \
	" skip_reason = why.reason, lease_until = now() + interval '15 minutes', updated_at = now() FROM why" \
	" WHERE o.id = why.id AND o.status = 'claimed' AND o.worker_pid = pg_backend_pid() RETURNING o.status"
/* A row sent: its Message-ID (or provider's id) and SMS segments. */
#define SENT_SET(id, message_id, segments)                                                                 \
	"UPDATE crm.outbox SET status = 'sent', sent_at = now(), message_id = " message_id ","             \
	" segments = " segments ", last_error = NULL, worker_pid = NULL, worker_started = NULL,"            \
	" lease_until = NULL, updated_at = now() WHERE id = " id " AND " OURS

/* A session is alive while pg_stat_activity has its pid with the same start. */
#define HOLDER_GONE                                                                                        \
	"(NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = o.worker_pid"                         \
	" AND a.backend_start = o.worker_started) OR o.lease_until < now())"

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
	/* the rows are locked first (another worker recovering at the same time
	 * skips them) and their old status kept, which RETURNING cannot give */
	int rc = crm_db_query_prepared(&res, db,
			      "WITH gone AS (SELECT o.id, o.status AS was FROM crm.outbox o"
			      " WHERE o.status IN ('claimed', 'sending') AND " HOLDER_GONE " FOR UPDATE OF o SKIP LOCKED),"
			      " taken AS (UPDATE crm.outbox o SET"
			      " status = CASE WHEN o.status = 'claimed' OR (c.unknown_policy = 'resend'"
			      " AND o.attempts < c.max_attempts) THEN 'queued' ELSE 'unknown' END,"
			      " doubts = o.doubts + CASE WHEN o.status = 'sending' THEN 1 ELSE 0 END,"
			      " last_error = CASE WHEN o.status = 'claimed' THEN o.last_error"
			      " ELSE 'outcome unknown: its worker stopped while sending' END,"
			      " worker_pid = NULL, worker_started = NULL, lease_until = NULL, due_at = now(),"
			      " updated_at = now() FROM gone, crm.campaign c WHERE o.id = gone.id AND c.id = o.campaign_id"
			      " RETURNING gone.was)"
			      " SELECT count(*) FILTER (WHERE was = 'claimed'), count(*) FILTER (WHERE was = 'sending')"
			      " FROM taken",
			      0, NULL, err);
	if (!rc) {
		if (claimed)
			*claimed = strtol(crm_res_get(res, 0, 0), NULL, 10);
		if (unknown)
			*unknown = strtol(crm_res_get(res, 0, 1), NULL, 10);
	}
	crm_res_free(res);
	return rc;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
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
	/* oldest first by due_at alone, the order of the outbox_due index: a
	 * launch gives all its rows one due_at, and ordering them by id too
	 * read and sorted every queued row for each claim (16 ms at 10,000,
	 * against 0.4 ms); rows due at the same time come in index order */
	rc = crm_db_query_prepared(&res, db,
			  "UPDATE crm.outbox o SET status = 'claimed', worker_pid = pg_backend_pid(),"
			  " worker_started = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()),"
			  " lease_until = now() + interval '15 minutes', attempts = o.attempts + 1, updated_at = now()"
			  " WHERE o.id IN (SELECT q.id FROM crm.outbox q JOIN crm.campaign c ON c.id = q.campaign_id"
			  " WHERE q.status = 'queued' AND q.due_at <= now() AND c.status = 'running'"
			  " AND ($2::text IS NULL OR q.channel = $2) AND ($3::bigint IS NULL OR q.campaign_id = $3)"
			  " ORDER BY q.due_at LIMIT $1::integer"
			  " FOR UPDATE OF q SKIP LOCKED)"
			  " RETURNING o.id, o.campaign_id, o.channel, o.target_code, o.recipient, o.recipient_name,"
			  " o.postcode, o.attempts",
			  3, params, err);
	if (!rc && crm_res_rows(res)) {
		*n = crm_res_rows(res);
		*jobs = xcalloc((size_t)*n, sizeof(**jobs));
		for (int r = 0; r < *n; r++) {
			struct gw_job *j = &(*jobs)[r];
			j->id = strtol(crm_res_get(res, r, 0), NULL, 10);
			j->campaign_id = strtol(crm_res_get(res, r, 1), NULL, 10);
			j->channel = xstrdup(crm_res_get(res, r, 2));
			j->target_code = xstrdup(crm_res_get(res, r, 3));
			j->recipient = dup_or_null(crm_res_get(res, r, 4));
			j->recipient_name = dup_or_null(crm_res_get(res, r, 5));
			j->postcode = dup_or_null(crm_res_get(res, r, 6));
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

int gw_outbox_sending(struct crm_db *db, const struct gw_job *job, int *go, struct err *err)
{
	char id[24];
	const char *params[] = { id };
	char *status = NULL;
	int rc;

	snprintf(id, sizeof(id), "%ld", job->id);
	rc = value_of(&status, db, "WITH " SENDING_WHY("$1::bigint") " " SENDING_SET, 1, params, err);
	*go = !rc && status && !strcmp(status, "sending");
	free(status);
	return rc;
}

int gw_outbox_done(struct crm_db *db, const struct gw_job *job, const struct gw_result *r, struct err *err)
{
	char id[24], segments[16], retry[24];
	const char *params[] = { id, r->message_id, r->reply, r->segments ? segments : NULL };
	const char *sql = NULL;

	snprintf(id, sizeof(id), "%ld", job->id);
	snprintf(segments, sizeof(segments), "%d", r->segments);
	/* every statement takes the same four parameters, and names each with a
	 * type ("$4::integer IS NULL OR true" where it has no use for it): an
	 * untyped parameter is an error in PostgreSQL */
	switch (r->outcome) {
	case GW_SENT:
		sql = SENT_SET("$1::bigint", "$2::text", "$4::integer") " AND ($3::text IS NULL OR true)";
		break;
	case GW_TEMPFAIL:
	case GW_SLOWDOWN:
		/* exponential backoff with jitter: base 2^(attempts-1), at most an hour, times 0.5..1;
		 * a slow-down request does not count as an attempt */
		sql = "UPDATE crm.outbox o SET status = CASE WHEN $5::boolean AND o.attempts >= c.max_attempts"
		      " THEN 'failed' ELSE 'queued' END, last_error = $3::text, worker_pid = NULL, lease_until = NULL,"
		      " attempts = o.attempts - CASE WHEN $5::boolean THEN 0 ELSE 1 END, updated_at = now(),"
		      " due_at = " BACKOFF " FROM crm.campaign c WHERE c.id = o.campaign_id AND o.id = $1::bigint"
		      " AND " OURS_O " AND ($2::text IS NULL OR true) AND ($4::integer IS NULL OR true)";
		if (r->outcome == GW_SLOWDOWN && r->retry_at)
			sql = "UPDATE crm.outbox o SET status = 'queued', last_error = $3::text, worker_pid = NULL,"
			      " lease_until = NULL, attempts = o.attempts - 1, updated_at = now(),"
			      " due_at = to_timestamp($6::double precision) WHERE o.id = $1::bigint AND " OURS_O
			      " AND ($2::text IS NULL OR true) AND ($4::integer IS NULL OR true) AND $5::boolean IS NOT NULL";
		break;
	case GW_ERROR:
		sql = "UPDATE crm.outbox SET status = 'failed', last_error = $3::text, worker_pid = NULL,"
		      " lease_until = NULL, updated_at = now() WHERE id = $1::bigint AND " OURS
		      " AND ($2::text IS NULL OR true) AND ($4::integer IS NULL OR true)";
		break;
	case GW_PERMFAIL:
		sql = "WITH f AS (UPDATE crm.outbox SET status = 'failed', last_error = $3::text, worker_pid = NULL,"
		      " lease_until = NULL, updated_at = now() WHERE id = $1::bigint AND " OURS " RETURNING id, channel, recipient)"
		      " INSERT INTO crm.suppression (channel, address, reason, outbox_id)"
		      " SELECT channel, crm.address_key(channel, recipient), coalesce(left($3, 200), 'failed'), id FROM f"
		      " WHERE recipient IS NOT NULL AND ($2::text IS NULL OR true) AND ($4::integer IS NULL OR true)"
		      " ON CONFLICT DO NOTHING";
		break;
	case GW_UNKNOWN:
		/* resent under the resend policy, with the backoff, until the attempts run out */
		sql = "UPDATE crm.outbox o SET status = CASE WHEN c.unknown_policy = 'resend'"
		      " AND o.attempts < c.max_attempts THEN 'queued' ELSE 'unknown' END,"
		      " last_error = 'outcome unknown: ' || coalesce($3::text, 'no reply'), due_at = " BACKOFF ","
		      " message_id = $2::text, doubts = o.doubts + 1, worker_pid = NULL, lease_until = NULL,"
		      " updated_at = now() FROM crm.campaign c WHERE c.id = o.campaign_id AND o.id = $1::bigint AND " OURS_O
		      " AND ($4::integer IS NULL OR true)";
		break;
	}
	if (r->outcome == GW_TEMPFAIL || r->outcome == GW_SLOWDOWN) {
		const char *p6[] = { id, r->message_id, r->reply, NULL, r->outcome == GW_TEMPFAIL ? "true" : "false", retry };
		snprintf(retry, sizeof(retry), "%lld", (long long)r->retry_at);
		return crm_db_query_prepared(NULL, db, sql, r->retry_at && r->outcome == GW_SLOWDOWN ? 6 : 5, p6, err);
	}
	return crm_db_query_prepared(NULL, db, sql, 4, params, err);
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
	/* two rows, one statement: both commit together, and neither waits for
	 * the other (the row sent is not among the rows the check reads) */
	rc = value_of(&status, db,
			  "WITH sent AS (" SENT_SET("$1::bigint", "$2::text", "$3::integer") " RETURNING id), "
			  SENDING_WHY("$4::bigint") ", nxt AS (" SENDING_SET ")"
			  " SELECT (SELECT status FROM nxt)",
			  4, params, err);
	*go = !rc && status && !strcmp(status, "sending");
	free(status);
	return rc;
}

int gw_outbox_finish(struct crm_db *db, struct err *err)
{
	return crm_db_query_prepared(NULL, db,
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
