/* survey/results.c - the figures of one survey (survey/results.h), in SQL.
 *
 * The queries share one prefix of common table expressions:
 *   tg   the survey's targets: each invitation's outbox row, and the rows
 *        skipped at launch (which have no invitation), with the value of
 *        the --by field ("v") read through crm/filter's field resolution
 *   g    the groups: 0 for every target, then one per value of v
 *   q    the survey's questions
 *   ans  the answers, each with its respondent's v
 *   qa   how many answered each question, per group (the shares' base)
 * and each family of figures is one query over them. */
#include "survey/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "survey/store.h"
#include "common/banned.h"

static const struct {
	const char *name, *title;
} tables[SURVEY_RESULTS_NTABLES] = {
	[SURVEY_RESULTS_SUMMARY] = { "summary", "Invited and answered 邀请与回复" },
	[SURVEY_RESULTS_CHANNELS] = { "channels", "Answered by 回复方式" },
	[SURVEY_RESULTS_DELIVERY] = { "delivery", "Invitations by delivery state 邀请投递状态" },
	[SURVEY_RESULTS_SKIPPED] = { "skipped", "Skipped at launch 未邀请" },
	[SURVEY_RESULTS_QUESTIONS] = { "questions", "Questions 问题" },
	[SURVEY_RESULTS_OPTIONS] = { "options", "Options chosen 选项统计" },
	[SURVEY_RESULTS_DISTRIBUTION] = { "distribution", "Ratings and numbers 评分与数字分布" },
	[SURVEY_RESULTS_TEXTS] = { "texts", "Written answers 文字回答" },
};

const char *survey_results_name(enum survey_results_table t)
{
	return tables[t].name;
}

const char *survey_results_title(enum survey_results_table t)
{
	return tables[t].title;
}

/* A group's members: every target for group 0, else those with its value. */
#define MEMBER(alias) "(g.n = 0 OR " alias ".v IS NOT DISTINCT FROM g.v)"
/* A share of a base, as a plain decimal (0 of nothing). */
#define SHARE(count, base)                                                                                             \
	"CASE WHEN " base " = 0 THEN 0 ELSE trim_scale(round((" count ")::numeric / " base ", 4)) END"

/* The families of figures: what follows the shared prefix and the group
 * columns ("g.n AS group, g.v AS field, " or nothing). */
static const char *const queries[SURVEY_RESULTS_NTABLES] = {
	[SURVEY_RESULTS_SUMMARY] =
		"count(tg.inv) AS invited, count(tg.outbox_id) FILTER (WHERE tg.inv IS NULL) AS skipped,"
		" count(tg.inv) FILTER (WHERE tg.status IN ('sent', 'delivered')) AS sent,"
		" count(tg.inv) FILTER (WHERE tg.status = 'delivered') AS delivered,"
		" count(tg.inv) FILTER (WHERE tg.status IN ('failed', 'bounced')) AS failed,"
		" count(tg.answered_by) AS answered, " SHARE(
			"count(tg.answered_by)",
			"count(tg.inv)") " AS response_rate FROM g LEFT JOIN tg ON " MEMBER("tg") " GROUP BY g.n, g.v ORDER BY g.n",
	[SURVEY_RESULTS_CHANNELS] =
		"w.way, count(tg.inv) AS answered FROM g CROSS JOIN unnest(crm.survey_answer_ways())"
		" WITH ORDINALITY AS w(way, k) LEFT JOIN tg ON tg.answered_by = w.way AND " MEMBER(
			"tg") " GROUP BY g.n, g.v, w.way, w.k ORDER BY g.n, w.k",
	[SURVEY_RESULTS_DELIVERY] =
		"tg.status, count(*) AS invitations FROM g JOIN tg ON tg.inv IS NOT NULL AND " MEMBER(
			"tg") " GROUP BY g.n, g.v, tg.status ORDER BY g.n, count(*) DESC, tg.status",
	[SURVEY_RESULTS_SKIPPED] =
		"coalesce(tg.skip_reason, tg.status) AS reason, count(*) AS targets FROM g JOIN tg"
		" ON tg.inv IS NULL AND " MEMBER("tg") " GROUP BY g.n, g.v, reason ORDER BY g.n, count(*) DESC, reason",
	[SURVEY_RESULTS_QUESTIONS] =
		"q.number AS question, q.type, q.text, qa.answered, trim_scale(round(avg(a.value), 2)) AS mean,"
		" trim_scale(round((percentile_cont(0.5) WITHIN GROUP (ORDER BY a.value))::numeric, 2)) AS median,"
		" trim_scale(min(a.value)) AS min, trim_scale(max(a.value)) AS max"
		" FROM g CROSS JOIN q JOIN qa ON qa.n = g.n AND qa.number = q.number"
		" LEFT JOIN ans a ON a.question = q.number AND a.value IS NOT NULL AND " MEMBER(
			"a") " GROUP BY g.n, g.v, q.number, q.type, q.text, qa.answered ORDER BY g.n, q.number",
	[SURVEY_RESULTS_OPTIONS] = "q.number AS question, o.label, o.text, o.other, count(a.response_id) AS count, " SHARE(
		"count(a.response_id)",
		"qa.answered") " AS share"
			       " FROM g CROSS JOIN q JOIN qa ON qa.n = g.n AND qa.number = q.number"
			       " JOIN crm.survey_option o ON o.template_id = q.template_id AND o.question = q.number"
			       " LEFT JOIN ans a ON a.question = q.number AND a.label = o.label AND " MEMBER(
				       "a") " GROUP BY g.n, g.v, q.number, o.label, o.text, o.other, qa.answered ORDER BY g.n, q.number, o.label",
	[SURVEY_RESULTS_DISTRIBUTION] = "q.number AS question, trim_scale(p.value) AS value, count(a.response_id) AS count, " SHARE(
		"count(a.response_id)",
		"qa.answered") " AS share"
			       " FROM g CROSS JOIN q JOIN qa ON qa.n = g.n AND qa.number = q.number"
			       " CROSS JOIN LATERAL (SELECT s::numeric AS value FROM generate_series(q.lo, q.hi) s"
			       " WHERE q.type = 'rating' UNION SELECT a2.value FROM ans a2 WHERE q.type = 'number'"
			       " AND a2.question = q.number AND a2.value IS NOT NULL AND " MEMBER(
				       "a2") ") p"
					     " LEFT JOIN ans a ON a.question = q.number AND a.value = p.value AND " MEMBER(
						     "a") " GROUP BY g.n, g.v, q.number, p.value, qa.answered ORDER BY g.n, q.number, p.value",
	[SURVEY_RESULTS_TEXTS] =
		"a.question, a.label, a.code, a.text FROM g JOIN ans a ON a.text IS NOT NULL AND " MEMBER(
			"a") " ORDER BY g.n, a.question, a.answered_at, a.code, a.label",
};

/* The survey called name: id, template_id, targets, title, status. */
static int survey_find(struct crm_res **out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	int rc = crm_db_query(out, db, "SELECT id, template_id, targets, title, status FROM crm.survey WHERE name = $1",
			      1, params, err);

	if (!rc && crm_res_rows(*out) == 0)
		rc = err_set(err, ERR_NOTFOUND, "no survey named '%s'", name);
	return rc;
}

/* The target entity of a survey; it is one (survey/activity.c checked). */
static const struct crm_entity *target_entity(const char *targets)
{
	const struct crm_entity *e = crm_entity_find(targets);
	if (!e || !crm_entity_key(e))
		BUG("survey targets '%s' are no entity with a key", targets);
	return e;
}

/* The shared prefix (see the header of this file) for the survey $1 and
 * its targets e, broken down by the field by (or not), into sql. */
static int prefix(struct buf *sql, const struct crm_entity *e, const char *by, struct err *err)
{
	struct crm_query q;
	struct buf v = BUF_INIT;
	int rc = 0;

	crm_query_init(&q);
	if (by)
		rc = crm_filter_field(&v, &q, e, by, err);
	else
		buf_adds(&v, "NULL");
	if (!rc)
		buf_addf(sql,
			 "WITH tg AS (SELECT o.id AS outbox_id, o.target_code AS code, o.status, o.skip_reason,"
			 " i.id AS inv, i.answered_by, (%s)::text AS v FROM crm.outbox o"
			 " LEFT JOIN crm.survey_invitation i ON i.outbox_id = o.id"
			 " LEFT JOIN %s t ON t.%s = o.target_code%s"
			 " WHERE o.source = 'survey_invitation' AND o.source_id = $1::bigint AND (i.id IS NOT NULL"
			 " OR (o.status = 'skipped' AND o.skip_reason IS DISTINCT FROM 'cancelled'))),"
			 " g AS (SELECT 0 AS n, NULL::text AS v UNION ALL SELECT (row_number() OVER"
			 " (ORDER BY d.v NULLS LAST))::integer, d.v FROM (SELECT DISTINCT v FROM tg) d WHERE %s),"
			 " q AS (SELECT sq.* FROM crm.survey_question sq JOIN crm.survey s"
			 " ON s.template_id = sq.template_id WHERE s.id = $1::bigint),"
			 " ans AS (SELECT tg.v, tg.code, r.answered_at, a.* FROM tg"
			 " JOIN crm.survey_response r ON r.invitation_id = tg.inv"
			 " JOIN crm.survey_answer a ON a.response_id = r.id),"
			 " qa AS (SELECT g.n, q.number, count(DISTINCT a.response_id) AS answered FROM g CROSS JOIN q"
			 " LEFT JOIN ans a ON a.question = q.number AND " MEMBER(
				 "a") " GROUP BY g.n, q.number) SELECT ",
			 v.data, e->table, crm_entity_key(e)->sql, q.joins.data, by ? "true" : "false");
	if (!rc && by) {
		buf_adds(sql, "g.n AS \"group\", g.v AS ");
		crm_db_quote_ident(sql, by);
		buf_adds(sql, ", ");
	}
	buf_release(&v);
	crm_query_release(&q);
	return rc;
}

int survey_results_get(struct survey_results *out, struct crm_db *db, const char *name, const char *by, struct err *err)
{
	struct crm_res *s = NULL;
	struct buf head = BUF_INIT, sql = BUF_INIT;
	const char *params[1];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = survey_find(&s, db, name, err)))
		goto done;
	out->survey = xstrdup(name);
	out->targets = xstrdup(crm_res_get(s, 0, 2));
	out->title = xstrdup(crm_res_get(s, 0, 3));
	out->status = xstrdup(crm_res_get(s, 0, 4));
	out->by = by;
	params[0] = crm_res_get(s, 0, 0);
	if ((rc = prefix(&head, target_entity(out->targets), by, err)))
		goto done;
	for (int i = 0; !rc && i < SURVEY_RESULTS_NTABLES; i++) {
		buf_reset(&sql);
		buf_addf(&sql, "%s%s", head.data, queries[i]);
		rc = crm_db_query(&out->tables[i], db, sql.data, 1, params, err);
	}
done:
	crm_res_free(s);
	buf_release(&head);
	buf_release(&sql);
	return rc;
}

void survey_results_release(struct survey_results *r)
{
	for (int i = 0; i < SURVEY_RESULTS_NTABLES; i++)
		crm_res_free(r->tables[i]);
	free(r->survey);
	free(r->title);
	free(r->targets);
	free(r->status);
	memset(r, 0, sizeof(*r));
}

int survey_results_surveys(struct crm_res **out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	int rc = crm_db_query(out, db,
			      "SELECT name FROM crm.survey WHERE CASE WHEN $1::text IS NULL"
			      " THEN status IN ('running', 'closed') ELSE name = $1 END ORDER BY id",
			      1, params, err);

	if (!rc && name && crm_res_rows(*out) == 0)
		rc = err_set(err, ERR_NOTFOUND, "no survey named '%s'", name);
	return rc;
}

int survey_results_export(struct crm_res **out, struct survey_template *t, struct crm_db *db, const char *name,
			  struct err *err)
{
	struct crm_res *s = NULL;
	struct crm_query q;
	struct buf label = BUF_INIT, sql = BUF_INIT;
	const struct crm_entity *e;
	const char *params[1];
	int rc, have_t = 0;

	*out = NULL;
	memset(t, 0, sizeof(*t));
	crm_query_init(&q);
	if ((rc = survey_find(&s, db, name, err)))
		goto done;
	if ((rc = survey_store_get_id(t, db, strtoll(crm_res_get(s, 0, 1), NULL, 10), err)))
		goto done;
	have_t = 1;
	e = target_entity(crm_res_get(s, 0, 2));
	if ((rc = crm_filter_field(&label, &q, e, e->label, err)))
		goto done;
	buf_addf(&sql,
		 "SELECT i.target_code AS code, (%s)::text AS name, r.answered_by AS channel,"
		 " to_char(r.answered_at, 'YYYY-MM-DD HH24:MI:SS') AS answered_at",
		 label.data);
	/* one column per question: numbers of our own, safe in SQL */
	for (size_t n = 1; n <= t->nquestions; n++)
		buf_addf(&sql,
			 ", (SELECT string_agg(CASE WHEN a.label IS NOT NULL THEN o.text"
			 " || coalesce(': ' || a.text, '') WHEN a.value IS NOT NULL THEN trim_scale(a.value)::text"
			 " ELSE a.text END, ';' ORDER BY a.label) FROM crm.survey_answer a"
			 " LEFT JOIN crm.survey_option o ON o.template_id = a.template_id AND o.question = a.question"
			 " AND o.label = a.label WHERE a.response_id = r.id AND a.question = %zu) AS q%zu",
			 n, n);
	buf_addf(&sql,
		 " FROM crm.survey_response r JOIN crm.survey_invitation i ON i.id = r.invitation_id"
		 " LEFT JOIN %s t ON t.%s = i.target_code%s WHERE r.survey_id = $1::bigint"
		 " ORDER BY r.answered_at, i.target_code",
		 e->table, crm_entity_key(e)->sql, q.joins.data);
	params[0] = crm_res_get(s, 0, 0);
	rc = crm_db_query(out, db, sql.data, 1, params, err);
done:
	if (rc && have_t)
		survey_template_release(t);
	crm_res_free(s);
	crm_query_release(&q);
	buf_release(&label);
	buf_release(&sql);
	return rc;
}
