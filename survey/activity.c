/* survey/activity.c - survey activities (survey/activity.h, sql/022). */
#include "survey/activity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "gateway/crypto.h"
#include "gateway/tpl.h"
#include "gateway/web.h"
#include "survey/store.h"
#include "survey/template.h"
#include "common/banned.h"

/* Who a survey may go to: people and organisations with an address. */
static const char *const target_entities[] = { "contact", "customer", "lead", "lead-contact", "salesperson" };

/* Bits of a token's nonce (sql/022's header). */
#define NONCE_BYTES 16

/* The backing campaign of a survey is named after it, apart from any a
 * user names (campaign list leaves it out). */
static char *campaign_name(const char *survey)
{
	return xstrfmt("survey: %s", survey);
}

/* What a respondent is told, after the introduction, about answering by
 * reply: by e-mail in lines, by text in one line. */
static const char *instructions(const char *channel, enum survey_lang lang)
{
	if (!strcmp(channel, "sms"))
		return lang == SURVEY_LANG_ZH ? "回复短信即可作答，例如：1B 2A 3:5"
					      : "Reply to this text to answer, like: 1B 2A 3:5";
	return lang == SURVEY_LANG_ZH ? "您也可以回复本邮件作答，每题一行，例如：1: B　2: A,C　3: 4　5: 您的意见"
				      : "You may also reply to this e-mail, one line a question, like:"
					" 1: B, 2: A,C, 3: 4, 5: your words";
}

static int check_targets(const char *targets, struct err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(target_entities); i++)
		if (!strcmp(targets, target_entities[i]))
			return 0;
	return err_set(err, ERR_INPUT,
		       "--targets '%s': a survey goes to contact, customer, lead, lead-contact or salesperson",
		       targets);
}

/* The invitation's body: --body (a file, stored or built-in template) or
 * the built-in text of the channel, into c's body_text or body_html. */
static int load_body(struct gw_campaign *c, struct crm_db *db, const char *ref, const struct crm_entity *e,
		     struct err *err)
{
	struct gw_tpl b = { 0 };
	int rc = gw_tpl_load(&b, db, ref, err);

	if (!rc && b.kind == GW_TPL_DOCX)
		rc = err_set(err, ERR_INPUT, "--body '%s': a body is a .txt or .html template", ref);
	if (!rc && b.kind == GW_TPL_HTML && !strcmp(c->channel, "sms"))
		rc = err_set(err, ERR_INPUT, "--body '%s': a text message is plain text: give a .txt", ref);
	if (!rc) {
		char **slot = b.kind == GW_TPL_HTML ? &c->body_html : &c->body_text;
		*slot = xstrdup(b.data.data);
		rc = gw_campaign_check_text(ref, *slot, b.kind, e, err);
	}
	gw_tpl_release(&b);
	return rc;
}

/* Is channel one a survey is sent by? The database says (crm.survey_channels). */
static int check_channel(struct crm_db *db, const char *channel, struct err *err)
{
	const char *params[1] = { channel };
	char *list = NULL;
	int rc = crm_db_value(&list, db,
			      "SELECT CASE WHEN $1 = ANY (crm.survey_channels()) THEN NULL "
			      "ELSE array_to_string(crm.survey_channels(), ' or ') END",
			      1, params, err);

	if (!rc && list)
		rc = err_set(err, ERR_INPUT, "--channel '%s': a survey is sent by %s", channel, list);
	free(list);
	return rc;
}

int survey_activity_create(struct crm_db *db, const struct survey_new *s, struct err *err)
{
	struct gw_campaign c = { 0 };
	struct survey_template t;
	struct survey_render how;
	struct buf text = BUF_INIT, closes = BUF_INIT;
	const struct crm_entity *e;
	struct crm_query q;
	char *cid = NULL;
	int rc, have_t = 0;

	if ((rc = check_channel(db, s->channel, err)) || (rc = check_targets(s->targets, err)))
		return rc;
	if (!(e = crm_entity_find(s->targets)))
		BUG("survey target '%s' is no entity", s->targets);
	if (s->closes) {
		struct date d;
		if (date_parse(&d, s->closes) || !date_is_ymd(s->closes))
			return err_set(err, ERR_INPUT, "--closes '%s' is not a date (YYYY-MM-DD)", s->closes);
		if (s->today && strcmp(s->closes, s->today) < 0)
			return err_set(err, ERR_INPUT, "--closes %s is in the past", s->closes);
		buf_addf(&closes, "%s 23:59:59", s->closes);
	}
	if (s->subject && !strcmp(s->channel, "sms"))
		return err_set(err, ERR_INPUT, "--subject: a text message has no subject");
	if ((rc = survey_store_get(&t, db, s->template_name, err)))
		return rc;
	have_t = 1;
	/* the filter, checked now rather than at launch */
	crm_query_init(&q);
	rc = crm_filter_compile(&q, db, e, s->filter ? s->filter : "", s->today, err);
	crm_query_release(&q);
	if (rc)
		goto done;

	c.name = campaign_name(s->name);
	c.channel = (char *)s->channel;
	c.targets = (char *)s->targets;
	c.filter = (char *)s->filter;
	c.marketing = 1; /* opt-outs, quiet hours, the unsubscribe line */
	buf_init(&c.template);
	if (!strcmp(s->channel, "email"))
		c.subject = xstrdup(s->subject ? s->subject : "{{survey_title}}");
	if ((rc = load_body(&c, db,
			    s->body			 ? s->body
			    : !strcmp(s->channel, "sms") ? "survey-invitation-sms.txt"
							 : "survey-invitation.txt",
			    e, err)))
		goto done;
	/* the built-in e-mail goes as text and HTML (its questions listed, the
	 * link a button): clients show the one they can */
	if (!s->body && !strcmp(s->channel, "email") && (rc = load_body(&c, db, "survey-invitation.html", e, err)))
		goto done;
	if (c.subject && (rc = gw_campaign_check_text("--subject", c.subject, GW_TPL_TXT, e, err)))
		goto done;

	how.lang = survey_template_lang(&t);
	how.instructions = instructions(s->channel, how.lang);
	survey_template_render(&text, &t, &how);

	if ((rc = crm_db_begin(db, err)))
		goto done;
	rc = gw_campaign_create(db, &c, err);
	if (rc == ERR_EXISTS) {
		err_clear(err);
		rc = err_set(err, ERR_EXISTS, "a survey named '%s' exists already", s->name);
	}
	if (!rc) {
		char id[24];
		const char *params[] = { s->name,
					 s->template_name,
					 id,
					 s->targets,
					 s->filter ? s->filter : "",
					 s->channel,
					 closes.len ? closes.data : NULL,
					 t.title,
					 text.data };
		snprintf(id, sizeof(id), "%ld", c.id);
		rc = crm_db_value(
			&cid, db,
			"INSERT INTO crm.survey (name, template_id, campaign_id, targets, filter, channel, closes_at,"
			" title, text) SELECT $1, t.id, $3::bigint, $4, $5, $6, $7::timestamptz, $8, $9"
			" FROM crm.survey_template t WHERE t.name = $2 RETURNING id",
			9, params, err);
		if (rc == ERR_EXISTS) {
			err_clear(err);
			rc = err_set(err, ERR_EXISTS, "a survey named '%s' exists already", s->name);
		} else if (!rc && !cid) {
			rc = err_set(err, ERR_NOTFOUND, "no survey template named '%s' is stored", s->template_name);
		}
	}
	if (rc == ERR_DENIED) {
		err_clear(err);
		rc = err_set(err, ERR_DENIED,
			     "surveys are run by admins, customer admins, sales managers, marketers and salespeople");
	}
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
done:
	free(cid);
	free(c.name);
	free(c.subject);
	free(c.body_text);
	free(c.body_html);
	buf_release(&c.template);
	buf_release(&text);
	buf_release(&closes);
	if (have_t)
		survey_template_release(&t);
	return rc;
}

#define SURVEY_COUNTS                                                                                                  \
	" (SELECT count(*) FROM crm.survey_invitation i WHERE i.survey_id = s.id) AS invited,"                         \
	" (SELECT count(*) FROM crm.outbox o WHERE o.source = 'survey_invitation' AND o.source_id = s.id"              \
	" AND o.status = 'skipped' AND o.skip_reason <> 'cancelled') AS skipped,"                                      \
	" (SELECT count(*) FROM crm.survey_invitation i JOIN crm.outbox o ON o.id = i.outbox_id"                       \
	" WHERE i.survey_id = s.id AND o.status IN ('sent', 'delivered')) AS sent,"                                    \
	" (SELECT count(*) FROM crm.survey_invitation i WHERE i.survey_id = s.id AND i.answered_at IS NOT NULL)"       \
	" AS answered"

int survey_activity_list(struct crm_res **out, struct crm_db *db, struct err *err)
{
	return crm_db_query(out, db,
			    "SELECT s.name, t.name AS template, s.targets, s.channel, s.status,"
			    " to_char(s.closes_at, 'YYYY-MM-DD') AS closes," SURVEY_COUNTS
			    " FROM crm.survey s JOIN crm.survey_template t ON t.id = s.template_id ORDER BY s.id DESC",
			    0, NULL, err);
}

int survey_activity_show(struct crm_res **out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	int rc = crm_db_query(out, db,
			      "SELECT s.name, t.name AS template, s.title, s.targets, s.filter, s.channel, s.status,"
			      " to_char(s.closes_at, 'YYYY-MM-DD') AS closes," SURVEY_COUNTS ", s.created_by,"
			      " to_char(s.created_at, 'YYYY-MM-DD HH24:MI') AS created, s.launched_by,"
			      " to_char(s.launched_at, 'YYYY-MM-DD HH24:MI') AS launched, s.closed_by,"
			      " to_char(s.closed_at, 'YYYY-MM-DD HH24:MI') AS closed"
			      " FROM crm.survey s JOIN crm.survey_template t ON t.id = s.template_id WHERE s.name = $1",
			      1, params, err);

	if (!rc && crm_res_rows(*out) == 0) {
		crm_res_free(*out);
		*out = NULL;
		rc = err_set(err, ERR_NOTFOUND, "no survey named '%s'", name);
	}
	return rc;
}

/* A survey found by name for a launch or a close: its id and its
 * campaign (as gateway/campaign.h reads it). */
struct survey_ref {
	char *id;
	struct gw_campaign c;
	int have_c;
};

/* Find the survey called name into r (survey_ref_release, also after a
 * failure); a closed survey is ERR_INPUT, closed_why ("is closed: ...")
 * saying what it cannot be. */
static int survey_ref_get(struct survey_ref *r, struct crm_db *db, const char *name, const char *closed_why,
			  struct err *err)
{
	const char *params[] = { name };
	struct crm_res *res = NULL;
	int rc = crm_db_query(&res, db, "SELECT id, campaign_id, status FROM crm.survey WHERE name = $1", 1, params,
			      err);

	memset(r, 0, sizeof(*r));
	if (!rc && crm_res_rows(res) == 0)
		rc = err_set(err, ERR_NOTFOUND, "no survey named '%s'", name);
	else if (!rc && !strcmp(crm_res_get(res, 0, 2), "closed"))
		rc = err_set(err, ERR_INPUT, "survey '%s' is closed%s", name, closed_why);
	if (!rc) {
		r->id = xstrdup(crm_res_get(res, 0, 0));
		if (!(rc = gw_campaign_get(db, crm_res_get(res, 0, 1), &r->c, err)))
			r->have_c = 1;
	}
	crm_res_free(res);
	return rc;
}

static void survey_ref_release(struct survey_ref *r)
{
	if (r->have_c)
		gw_campaign_release(&r->c);
	free(r->id);
	memset(r, 0, sizeof(*r));
}

struct invite {
	const char *survey_id, *secret;
};

/* In the launch's transaction, after its rows are queued: an invitation
 * with a fresh nonce for each queued row that has none, and the survey
 * running. */
static int invite(void *ctx, struct crm_db *db, struct err *err)
{
	const struct invite *v = ctx;
	const char *p1[] = { v->survey_id };
	struct buf nonces_hex = BUF_INIT, hashes_hex = BUF_INIT, token = BUF_INIT;
	unsigned char *nonces = NULL, hash[GW_CRYPTO_SHA256_LEN];
	char *count = NULL;
	long n = 0;
	int rc;

	rc = crm_db_value(&count, db,
			  "SELECT count(*) FROM crm.outbox o WHERE o.source = 'survey_invitation'"
			  " AND o.source_id = $1::bigint AND o.status <> 'skipped' AND NOT EXISTS"
			  " (SELECT 1 FROM crm.survey_invitation i WHERE i.outbox_id = o.id)",
			  1, p1, err);
	if (!rc)
		n = strtol(count, NULL, 10);
	if (!rc && n > 0) {
		nonces = xmalloc((size_t)n * NONCE_BYTES);
		rc = gw_crypto_random(nonces, (size_t)n * NONCE_BYTES, err);
	}
	/* the tokens are made here, with the key only the configuration
	 * holds; the database gets each nonce and its token's hash (sql/029) */
	buf_addch(&nonces_hex, '{');
	buf_addch(&hashes_hex, '{');
	for (long i = 0; !rc && i < n; i++) {
		const unsigned char *nonce = nonces + (size_t)i * NONCE_BYTES;
		buf_reset(&token);
		rc = gw_web_survey_token(&token, hash, nonce, NONCE_BYTES, v->secret, err);
		buf_adds(&nonces_hex, i ? ",\\\\x" : "\\\\x");
		buf_adds(&hashes_hex, i ? ",\\\\x" : "\\\\x");
		for (size_t k = 0; k < NONCE_BYTES; k++)
			buf_addf(&nonces_hex, "%02x", nonce[k]);
		for (size_t k = 0; k < sizeof(hash); k++)
			buf_addf(&hashes_hex, "%02x", hash[k]);
	}
	buf_addch(&nonces_hex, '}');
	buf_addch(&hashes_hex, '}');
	if (!rc && n > 0) {
		const char *p3[] = { v->survey_id, nonces_hex.data, hashes_hex.data };
		free(count);
		count = NULL;
		rc = crm_db_value(&count, db, "SELECT crm.survey_invite($1::bigint, $2::bytea[], $3::bytea[])", 3, p3,
				  err);
		if (!rc && (!count || strtol(count, NULL, 10) != n))
			rc = err_set(err, ERR_FAIL, "could not record the invitations of survey %s", v->survey_id);
	}
	if (!rc)
		rc = crm_db_query(
			NULL, db,
			"UPDATE crm.survey SET status = 'running', launched_at = coalesce(launched_at, now()),"
			" launched_by = coalesce(launched_by, crm.current_login()) WHERE id = $1::bigint",
			1, p1, err);
	if (nonces)
		memset(nonces, 0, (size_t)n * NONCE_BYTES);
	free(nonces);
	free(count);
	buf_release(&nonces_hex);
	buf_release(&hashes_hex);
	buf_release(&token);
	return rc;
}

/* 0 when secret remakes the link of the survey's newest invitation (or it
 * has none): launching again or reminding with another key would queue
 * messages whose links cannot be made, and crmgate send would stop at
 * them. ERR_INPUT as gw_web_survey_token_of otherwise. */
static int key_fits(struct crm_db *db, const char *survey_id, const char *secret, struct err *err)
{
	const char *params[] = { survey_id };
	struct crm_res *res = NULL;
	struct buf token = BUF_INIT;
	int rc;

	rc = crm_db_query(&res, db,
			  "SELECT i.outbox_id, encode(i.token_nonce, 'hex'), encode(i.token_hash, 'hex'), s.name"
			  " FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id"
			  " WHERE i.survey_id = $1::bigint ORDER BY i.id DESC LIMIT 1",
			  1, params, err);
	if (!rc && crm_res_rows(res) == 1) {
		struct gw_web_invitation v = { strtol(crm_res_get(res, 0, 0), NULL, 10), crm_res_get(res, 0, 1),
					       crm_res_get(res, 0, 2), crm_res_get(res, 0, 3) };
		rc = gw_web_survey_token_of(&token, &v, secret, err);
	}
	crm_res_free(res);
	buf_release(&token);
	return rc;
}

int survey_activity_launch(struct crm_db *db, const char *name, const char *secret, const char *today,
			   struct gw_launch *out, struct err *err)
{
	struct survey_ref r;
	int rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->reasons);
	if ((rc = gw_web_survey_key_check(secret, err)))
		return rc;
	rc = survey_ref_get(&r, db, name, ": it cannot be launched", err);
	if (!rc)
		rc = key_fits(db, r.id, secret, err);
	if (!rc) {
		struct invite v = { r.id, secret };
		struct gw_producer p = { "survey_invitation", strtol(r.id, NULL, 10), NULL, invite, &v };
		gw_launch_release(out);
		rc = gw_campaign_launch_for(db, &r.c, &p, today, out, err);
	}
	survey_ref_release(&r);
	return rc;
}

struct round {
	const char *survey_id, *round_id;
	int min_days;
};

/* In the round's transaction, after its rows are queued: the round on
 * record, and the invitations it reminds counted. */
static int reminded(void *ctx, struct crm_db *db, struct err *err)
{
	const struct round *r = ctx;
	char days[16];
	const char *params[] = { r->round_id, r->survey_id, days };
	int rc;

	snprintf(days, sizeof(days), "%d", r->min_days);
	rc = crm_db_query(NULL, db,
			  "INSERT INTO crm.survey_reminder (id, survey_id, min_days)"
			  " VALUES ($1::bigint, $2::bigint, $3::integer)",
			  3, params, err);
	if (!rc)
		rc = crm_db_query(NULL, db,
				  "UPDATE crm.survey_invitation i SET reminders = i.reminders + 1,"
				  " last_reminder_at = now() FROM crm.outbox o WHERE o.source = 'survey_reminder'"
				  " AND o.source_id = $1::bigint AND o.status = 'queued'"
				  " AND i.survey_id = $2::bigint AND i.target_code = o.target_code",
				  2, params, err);
	return rc;
}

int survey_activity_remind(struct crm_db *db, const char *name, int min_days, const char *secret, const char *today,
			   struct gw_launch *out, struct err *err)
{
	struct survey_ref r;
	char *round = NULL, *launched = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->reasons);
	rc = survey_ref_get(&r, db, name, ": nobody is reminded", err);
	if (!rc) {
		const char *params[] = { r.id };
		rc = crm_db_value(&launched, db, "SELECT launched_at FROM crm.survey WHERE id = $1::bigint", 1, params,
				  err);
		if (!rc && !launched)
			rc = err_set(err, ERR_INPUT, "survey '%s' is not launched: nobody is invited yet", name);
	}
	if (!rc)
		rc = key_fits(db, r.id, secret, err);
	if (!rc)
		rc = crm_db_value(&round, db, "SELECT nextval('crm.survey_reminder_id')", 0, NULL, err);
	if (!rc) {
		struct round ctx = { r.id, round, min_days };
		/* our own numbers, safe in SQL: who is reminded */
		char *only = xstrfmt(
			"t.code IN (SELECT i.target_code FROM crm.survey_invitation i JOIN crm.outbox o"
			" ON o.id = i.outbox_id WHERE i.survey_id = %s AND i.answered_at IS NULL"
			" AND o.status IN ('sent', 'delivered', 'unknown')"
			" AND (i.valid_until IS NULL OR i.valid_until > now())"
			" AND coalesce(i.last_reminder_at, o.sent_at, o.updated_at) <= now() - make_interval(days => %d))",
			r.id, min_days);
		struct gw_producer p = { "survey_reminder", strtol(round, NULL, 10), only, reminded, &ctx };
		gw_launch_release(out);
		rc = gw_campaign_launch_for(db, &r.c, &p, today, out, err);
		free(only);
	}
	free(round);
	free(launched);
	survey_ref_release(&r);
	return rc;
}

int survey_activity_close(struct crm_db *db, const char *name, struct err *err)
{
	struct survey_ref r;
	const char *st;
	int rc = survey_ref_get(&r, db, name, " already", err);

	st = r.have_c ? r.c.status : "";
	/* invitations not sent yet are dropped, on the record */
	if (!rc && (!strcmp(st, "draft") || !strcmp(st, "running") || !strcmp(st, "paused")))
		rc = gw_campaign_set_status(db, &r.c, "cancel", err);
	if (!rc) {
		const char *params[] = { r.id };
		struct crm_res *res = NULL;
		rc = crm_db_query(&res, db,
				  "UPDATE crm.survey SET status = 'closed', closed_at = now(),"
				  " closed_by = crm.current_login() WHERE id = $1::bigint AND status <> 'closed'",
				  1, params, err);
		if (!rc && crm_res_affected(res) != 1)
			rc = err_set(err, ERR_INPUT, "survey '%s' changed meanwhile: look at it again", name);
		crm_res_free(res);
	}
	survey_ref_release(&r);
	return rc;
}

int survey_activity_campaign(struct gw_campaign *out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	char *cid = NULL;
	int rc = crm_db_value(&cid, db, "SELECT campaign_id FROM crm.survey WHERE name = $1", 1, params, err);

	memset(out, 0, sizeof(*out));
	if (!rc && !cid)
		rc = err_set(err, ERR_NOTFOUND, "no survey named '%s'", name);
	if (!rc)
		rc = gw_campaign_get(db, cid, out, err);
	free(cid);
	return rc;
}

int survey_activity_holdings(struct survey_holdings *out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	struct crm_res *res = NULL;
	int rc = crm_db_query(&res, db,
			      "SELECT s.status,"
			      " (SELECT count(*) FROM crm.survey_invitation i WHERE i.survey_id = s.id),"
			      " (SELECT count(*) FROM crm.survey_response r WHERE r.survey_id = s.id),"
			      " (SELECT count(*) FROM crm.survey_inbox x WHERE x.survey_id = s.id),"
			      " (SELECT count(*) FROM crm.outbox o WHERE o.campaign_id = s.campaign_id)"
			      " FROM crm.survey s WHERE s.name = $1",
			      1, params, err);

	memset(out, 0, sizeof(*out));
	if (!rc && !crm_res_rows(res))
		rc = err_set(err, ERR_NOTFOUND, "no survey named '%s'", name);
	if (!rc) {
		snprintf(out->status, sizeof(out->status), "%s", crm_res_get(res, 0, 0));
		out->invitations = strtol(crm_res_get(res, 0, 1), NULL, 10);
		out->responses = strtol(crm_res_get(res, 0, 2), NULL, 10);
		out->kept = strtol(crm_res_get(res, 0, 3), NULL, 10);
		out->messages = strtol(crm_res_get(res, 0, 4), NULL, 10);
	}
	crm_res_free(res);
	return rc;
}

int survey_activity_delete(struct crm_db *db, const char *name, int force, struct err *err)
{
	const char *params[] = { name };
	struct survey_holdings h;
	struct crm_res *res = NULL;
	char *cid = NULL;
	int rc;

	if ((rc = crm_db_begin(db, err)))
		return rc;
	/* the row locked first: a launch or a close meanwhile waits, and
	 * the counts below are what goes */
	rc = crm_db_query(&res, db, "SELECT id FROM crm.survey WHERE name = $1 FOR UPDATE", 1, params, err);
	crm_res_free(res);
	res = NULL;
	if (!rc)
		rc = survey_activity_holdings(&h, db, name, err);
	if (!rc && !strcmp(h.status, "running"))
		rc = err_set(err, ERR_INPUT,
			     "survey '%s' is running: close it first ('crmgate survey close %s'), then delete it with "
			     "--force",
			     name, name);
	else if (!rc && !strcmp(h.status, "closed") && !force)
		rc = err_set(err, ERR_INPUT,
			     "survey '%s' is closed and holds %ld invitations, %ld responses and %ld replies kept for "
			     "review: --force deletes them with it",
			     name, h.invitations, h.responses, h.kept);
	/* the survey first (its invitations, responses and review items go
	 * with it), then its campaign (and the outbox rows of its messages) */
	if (!rc)
		rc = crm_db_value(&cid, db, "DELETE FROM crm.survey WHERE name = $1 RETURNING campaign_id", 1, params,
				  err);
	if (!rc && !cid)
		rc = err_set(err, ERR_DENIED, "survey '%s' is not yours to delete", name);
	if (!rc) {
		const char *p2[] = { cid };
		rc = crm_db_query(&res, db, "DELETE FROM crm.campaign WHERE id = $1::bigint", 1, p2, err);
		if (!rc && crm_res_affected(res) != 1)
			rc = err_set(err, ERR_DENIED, "the campaign of survey '%s' is not yours to delete", name);
	}
	crm_res_free(res);
	free(cid);
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
	return rc;
}
