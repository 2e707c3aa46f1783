/* cli/demo_survey.c - the demo's respondents: after its surveys' invitations
 * went out, some contacts answer through the real web form (crmgate serve's
 * /s/TOKEN, served here on a free port of 127.0.0.1 for the demo only), one
 * by replying to the invitation e-mail (the reply handed to what 'mailbox
 * poll' does with every message it reads) and one by a text reply (Kannel's
 * inbound route /sms/in on the same server); then the results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/buf.h"
#include "common/config.h"
#include "common/httpd.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "gateway/sms_http.h"
#include "gateway/web.h"
#include "survey/mailreply.h"
#include "survey/smsreply.h"
#include "survey/web.h"
#include "common/banned.h"

/* What the demo's respondents answer on the form, one line each, in the
 * form's own fields (survey/form.h). */
static const char *const form_answers[] = {
	"q1=A&q2=A&q3=5&q4=20&q5=%E4%BA%A4%E8%B4%A7%E5%BE%88%E5%BF%AB%EF%BC%8C%E8%B0%A2%E8%B0%A2",
	"q1=B&q2=A&q2=B&q3=4&q4=50",
	"q1=B&q2=C&q2_other=%E5%9F%B9%E8%AE%AD&q3=4",
	"q1=C&q2=B&q3=2&q5=%E5%94%AE%E5%90%8E%E5%93%8D%E5%BA%94%E5%A4%AA%E6%85%A2",
	"q1=A&q2=A&q2=B&q3=5&q4=120",
};

/* The demo's server: the gateway's routes and the survey form. */
struct server {
	struct gw_web *web;
	struct survey_web *survey;
	struct http_routes routes;
	struct http_server *srv;
	char key[33]; /* [sms] inbound_secret of this server only */
	char base[64];
};

static int server_start(struct server *s, struct cli *cli, struct err *err)
{
	struct gw_web_options wopt = { &cli->store, config_get(cli->cfg, "serve", "secret"), 2, s->key, survey_sms_hook,
				       NULL };
	struct http_options hopt = { .address = "127.0.0.1", .threads = 2, .max_body = SURVEY_WEB_BODY_MAX };
	unsigned char r[16];
	int rc;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return err_set(err, ERR_FAIL, "getrandom: no random bytes");
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(s->key + 2 * i, 3, "%02x", r[i]);
	rc = gw_web_new(&s->web, &wopt, err);
	if (!rc) {
		survey_web_new(&s->survey, s->web);
		gw_web_routes(&s->routes, s->web);
		survey_web_routes(&s->routes, s->survey);
		rc = http_server_start(&s->srv, &hopt, s->routes.v, s->routes.nr, err);
	}
	if (!rc)
		snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%u", http_server_port(s->srv));
	return rc;
}

static void server_stop(struct server *s)
{
	http_server_stop(s->srv);
	survey_web_free(s->survey);
	gw_web_free(s->web);
	http_routes_release(&s->routes);
}

/* The first n invitations of survey (target code, nonce and token hash in
 * hexadecimal, recipient, message id, invitation id, outbox row). */
static int invitations(struct crm_res **out, struct cli *cli, const char *survey, int n, struct err *err)
{
	char limit[16];
	const char *params[] = { survey, limit };
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);

	snprintf(limit, sizeof(limit), "%d", n);
	return rc ? rc
		  : crm_db_query(
			    out, db,
			    "SELECT i.target_code, encode(i.token_nonce, 'hex'), o.recipient, o.message_id, i.id,"
			    " encode(i.token_hash, 'hex'), i.outbox_id"
			    " FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id"
			    " JOIN crm.outbox o ON o.id = i.outbox_id"
			    " WHERE s.name = $1 AND o.status IN ('sent', 'delivered') ORDER BY i.id LIMIT $2::integer",
			    2, params, err);
}

/* The token of row i of survey's invitations(), remade as the sender made it. */
static int token_of(struct buf *out, struct cli *cli, const char *survey, struct crm_res *res, int i, struct err *err)
{
	struct gw_web_invitation v = { strtol(crm_res_get(res, i, 6), NULL, 10), crm_res_get(res, i, 1),
				       crm_res_get(res, i, 5), survey };

	return gw_web_survey_token_of(out, &v, config_get(cli->cfg, "serve", "secret"), err);
}

/* POST the answers to the form of token; the HTTP status into *status. */
static int post_form(struct gw_sms_http *h, const struct server *s, const char *token, const char *form, long *status,
		     struct err *err)
{
	static const char *const headers[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	struct gw_sms_http_reply reply;
	struct buf url = BUF_INIT;
	int rc;

	gw_sms_http_reply_init(&reply);
	buf_addf(&url, "%s/s/%s", s->base, token);
	rc = gw_sms_http_request(h, &reply, "POST", url.data, headers, form, strlen(form), err);
	*status = reply.status;
	gw_sms_http_reply_release(&reply);
	buf_release(&url);
	return rc;
}

static int answer_by_form(struct gw_sms_http *h, const struct server *s, struct cli *cli, const char *survey,
			  struct err *err)
{
	struct crm_res *res = NULL;
	struct buf token = BUF_INIT;
	int rc = invitations(&res, cli, survey, (int)ARRAY_SIZE(form_answers), err);

	for (int i = 0; !rc && i < crm_res_rows(res); i++) {
		long status = 0;
		buf_reset(&token);
		if (!(rc = token_of(&token, cli, survey, res, i, err)))
			rc = post_form(h, s, token.data, form_answers[i], &status, err);
		if (!rc && status != 200)
			rc = err_set(err, ERR_FAIL, "the survey form answered HTTP %ld to %s's answers", status,
				     crm_res_get(res, i, 0));
		if (!rc)
			printf("%s answered on the form: %s/s/%.8s…\n", crm_res_get(res, i, 0), s->base, token.data);
	}
	crm_res_free(res);
	buf_release(&token);
	return rc;
}

/* A reply as a mail client writes it: the answers above the quoted
 * invitation, matched by In-Reply-To. */
static int answer_by_mail(struct cli *cli, const char *survey, struct err *err)
{
	struct crm_res *res = NULL;
	struct crm_db *db;
	struct survey_mail replies = { { 0 } };
	struct buf msg = BUF_INIT;
	int rc = invitations(&res, cli, survey, (int)ARRAY_SIZE(form_answers) + 1, err);

	if (!rc && crm_res_rows(res) <= (int)ARRAY_SIZE(form_answers))
		rc = err_set(err, ERR_FAIL, "survey '%s' has no invitation left to answer by e-mail", survey);
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc) {
		int last = crm_res_rows(res) - 1;
		buf_addf(&msg,
			 "From: <%s>\r\nTo: <marketing@example.test>\r\nSubject: Re: 客户满意度调查\r\n"
			 "Message-ID: <demo-reply-%s@example.test>\r\nIn-Reply-To: <%s>\r\n"
			 "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: 8bit\r\n\r\n"
			 "1: A\r\n2: A,B\r\n3: 5\r\n5: 报价很清楚，服务周到。\r\n\r\n"
			 "> 感谢您抽出时间参加本次调查。\r\n",
			 crm_res_get(res, last, 2), crm_res_get(res, last, 0), crm_res_get(res, last, 3));
		rc = survey_mail_hook(&replies, db, msg.data, msg.len, NULL, err);
		if (!rc && replies.stats.answers != 1)
			rc = err_set(err, ERR_FAIL, "the e-mail reply was not filed as an answer");
		if (!rc)
			printf("%s answered by replying to the e-mail\n", crm_res_get(res, last, 0));
	}
	buf_release(&msg);
	crm_res_free(res);
	return rc;
}

/* Fail unless invitation id (of target) is answered by a text. */
static int answered_by_sms(struct cli *cli, const char *id, const char *target, struct err *err)
{
	const char *params[] = { id };
	struct crm_db *db;
	char *by = NULL;
	int rc = cli_db(cli, &db, err);

	if (!rc)
		rc = crm_db_value(&by, db, "SELECT answered_by FROM crm.survey_invitation WHERE id = $1::bigint", 1,
				  params, err);
	if (!rc && (!by || strcmp(by, "sms")))
		rc = err_set(
			err, ERR_FAIL,
			"%s's text reply was not stored as the answer: answered by %s (see 'crmgate survey inbox')",
			target, by ? by : "nothing");
	free(by);
	return rc;
}

/* A text reply "1A 2:5" from the first invited mobile, through Kannel's
 * inbound route as Kannel calls it. */
static int answer_by_text(struct gw_sms_http *h, const struct server *s, struct cli *cli, const char *survey,
			  struct err *err)
{
	struct gw_sms_http_reply reply;
	struct crm_res *res = NULL;
	struct buf url = BUF_INIT;
	int rc = invitations(&res, cli, survey, 1, err);

	gw_sms_http_reply_init(&reply);
	if (!rc && crm_res_rows(res) == 0)
		rc = err_set(err, ERR_FAIL, "survey '%s' has no invitation to answer by text", survey);
	if (!rc) {
		buf_addf(&url, "%s/sms/in?key=%s&from=", s->base, s->key);
		gw_sms_http_escape(&url, crm_res_get(res, 0, 2));
		buf_adds(&url, "&to=10690000&text=");
		gw_sms_http_escape(&url, "1A 2:5");
		rc = gw_sms_http_request(h, &reply, "GET", url.data, NULL, NULL, 0, err);
	}
	if (!rc && reply.status / 100 != 2)
		rc = err_set(err, ERR_FAIL, "the inbound text route answered HTTP %ld", reply.status);
	/* 2xx is also a text kept for review: only the invitation says it was answered */
	if (!rc)
		rc = answered_by_sms(cli, crm_res_get(res, 0, 4), crm_res_get(res, 0, 0), err);
	if (!rc)
		printf("%s answered by a text reply: 1A 2:5\n", crm_res_get(res, 0, 0));
	gw_sms_http_reply_release(&reply);
	buf_release(&url);
	crm_res_free(res);
	return rc;
}

int cli_demo_survey_answers(struct cli *cli, const char *email_survey, const char *sms_survey, struct err *err)
{
	struct gw_sms_http_opts hopts = { 0 };
	struct gw_sms_http *h = NULL;
	struct server s = { .routes = HTTP_ROUTES_INIT };
	int rc = server_start(&s, cli, err);

	if (!rc)
		rc = gw_sms_http_new(&h, &hopts, err);
	if (!rc)
		rc = answer_by_form(h, &s, cli, email_survey, err);
	if (!rc)
		rc = answer_by_mail(cli, email_survey, err);
	if (!rc)
		rc = answer_by_text(h, &s, cli, sms_survey, err);
	gw_sms_http_free(h);
	server_stop(&s);
	return rc;
}
