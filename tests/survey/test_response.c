/* tests/survey/test_response.c - answering invitations on the test
 * PostgreSQL: a token finds its invitation and nothing else does
 * (truncated, tampered, unknown, malformed); a response is stored once,
 * its answers naming the question and option rows; the first way of
 * answering wins; a closed survey and a reply stored twice store nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "survey/response.h"
#include "survey/store.h"
#include "example.h"
#include "key.h"

static struct crm_db *conn;

static void setup(void)
{
	struct err err = ERR_INIT;
	char *sat;

	test_survey_key_set();
	test_fixture_init();
	test_import(db, dir, "customer", "code,name\nC1,甲公司\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,email\n"
		    "E1,C1,张三,zhang@example.test\nE2,C1,李四,li@example.test\nE3,C1,王五,wang@example.test\n");
	sat = xstrfmt("%s/sat.txt", dir);
	test_write_file(sat, example);
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", sat), 0, "%s", errout.data);
	free(sat);
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	assert_ok(crm_db_connect(&conn, db, &err), &err);
}

static void teardown(void)
{
	crm_db_free(conn);
	conn = NULL;
	test_fixture_fini();
}

TestSuite(survey_response, .init = setup, .fini = teardown);

static char *value(const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;

	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	return v;
}

/* The token of the link sent to target code. */
static char *token_of(const char *code)
{
	char *sql = xstrfmt("SELECT " TEST_SURVEY_TOKEN_SQL("token_nonce") " FROM crm.survey_invitation"
									   " WHERE target_code = '%s'",
			    code);
	char *t = value(sql);

	free(sql);
	cr_assert(t && strlen(t) == SURVEY_TOKEN_LEN, "token %s", t ? t : "NULL");
	return t;
}

/* The answers of the questionnaire: 1 B, 2 A and C (other text),
 * 3: 4, 5: a text with markup. */
static void fill(struct survey_answers *a, const struct survey_template *t)
{
	survey_answers_init(a, t);
	survey_answer_set(&survey_answers_get(a, 1)->choices, "B", 1);
	survey_answer_set(&survey_answers_get(a, 2)->choices, "AC", 2);
	survey_answer_set(&survey_answers_get(a, 2)->other, "云服务", strlen("云服务"));
	survey_answer_set(&survey_answers_get(a, 3)->value, "4", 1);
	survey_answer_set(&survey_answers_get(a, 5)->text, "<b>好</b>", strlen("<b>好</b>"));
}

Test(survey_response, a_token_finds_its_invitation_and_nothing_else_does)
{
	struct err err = ERR_INIT;
	struct survey_invitation inv;
	char *tok = token_of("E1"), *other = token_of("E2");
	char bad[SURVEY_TOKEN_LEN + 2];

	assert_ok(survey_invitation_by_token(&inv, conn, tok, &err), &err);
	cr_expect_str_eq(inv.target_code, "E1");
	cr_expect_str_eq(inv.survey, "回访");
	cr_expect(inv.open && !inv.answered);
	survey_invitation_release(&inv);

	/* truncated, one character changed, one added, not base64url, empty */
	snprintf(bad, sizeof(bad), "%.*s", SURVEY_TOKEN_LEN - 1, tok);
	cr_expect_eq(survey_invitation_by_token(&inv, conn, bad, &err), ERR_NOTFOUND);
	err_clear(&err);
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	cr_expect_eq(survey_invitation_by_token(&inv, conn, bad, &err), ERR_NOTFOUND);
	cr_expect_str_eq(err.msg.data, "no such survey link", "the message tells nothing");
	err_clear(&err);
	snprintf(bad, sizeof(bad), "%sA", tok);
	cr_expect_eq(survey_invitation_by_token(&inv, conn, bad, &err), ERR_NOTFOUND);
	err_clear(&err);
	snprintf(bad, sizeof(bad), "%s", tok);
	bad[5] = '/';
	cr_expect_eq(survey_invitation_by_token(&inv, conn, bad, &err), ERR_NOTFOUND);
	err_clear(&err);
	cr_expect_eq(survey_invitation_by_token(&inv, conn, "", &err), ERR_NOTFOUND);
	err_clear(&err);
	cr_expect(strcmp(tok, other), "tokens are unrelated");
	free(tok);
	free(other);
}

Test(survey_response, a_response_is_stored_once_with_its_answers)
{
	struct err err = ERR_INIT;
	struct survey_invitation inv;
	struct survey_template t;
	struct survey_answers a;
	enum survey_outcome o;
	char *tok = token_of("E1"), *v;

	assert_ok(survey_invitation_by_token(&inv, conn, tok, &err), &err);
	assert_ok(survey_store_get_id(&t, conn, inv.template_id, &err), &err);
	fill(&a, &t);
	assert_ok(survey_respond(&o, conn, inv.id, "link", &t, &a, NULL, NULL, &err), &err);
	cr_expect_eq(o, SURVEY_STORED);
	v = value("SELECT string_agg(format('%s|%s|%s|%s', question, label, value, text), ';'"
		  " ORDER BY question, label) FROM crm.survey_answer");
	cr_expect_str_eq(v, "1|B||;2|A||;2|C||云服务;3||4|;5|||<b>好</b>");
	free(v);
	v = value("SELECT answered_by FROM crm.survey_invitation WHERE target_code = 'E1' AND answered_at IS NOT NULL");
	cr_expect_str_eq(v, "link");
	free(v);

	/* again, by the link or by a reply: the first answer stands */
	assert_ok(survey_respond(&o, conn, inv.id, "link", &t, &a, NULL, NULL, &err), &err);
	cr_expect_eq(o, SURVEY_ANSWERED);
	assert_ok(survey_respond(&o, conn, inv.id, "email", &t, &a, "<r1@example.test>", NULL, &err), &err);
	cr_expect_eq(o, SURVEY_ANSWERED);
	v = value("SELECT count(*) || '/' || (SELECT count(*) FROM crm.survey_answer) FROM crm.survey_response");
	cr_expect_str_eq(v, "1/5");
	free(v);
	survey_invitation_release(&inv);
	assert_ok(survey_invitation_by_token(&inv, conn, tok, &err), &err);
	cr_expect(inv.answered && !strcmp(inv.answered_by, "link"));
	survey_invitation_release(&inv);
	survey_answers_release(&a);
	survey_template_release(&t);
	free(tok);
}

Test(survey_response, a_reply_is_stored_once_and_a_closed_survey_takes_none)
{
	struct err err = ERR_INIT;
	struct survey_invitation e2, e3;
	struct survey_template t;
	struct survey_answers a;
	enum survey_outcome o;
	char *t2 = token_of("E2"), *t3 = token_of("E3"), *v;

	assert_ok(survey_invitation_by_token(&e2, conn, t2, &err), &err);
	assert_ok(survey_invitation_by_token(&e3, conn, t3, &err), &err);
	assert_ok(survey_store_get_id(&t, conn, e2.template_id, &err), &err);
	fill(&a, &t);
	assert_ok(survey_respond(&o, conn, e2.id, "email", &t, &a, "<r2@example.test>", NULL, &err), &err);
	cr_expect_eq(o, SURVEY_STORED);
	/* the same message polled again, even said to answer someone else */
	assert_ok(survey_respond(&o, conn, e3.id, "email", &t, &a, "<r2@example.test>", NULL, &err), &err);
	cr_expect_eq(o, SURVEY_DUPLICATE);
	assert_ok(survey_respond(&o, conn, 999999, "link", &t, &a, NULL, NULL, &err), &err);
	cr_expect_eq(o, SURVEY_UNKNOWN);
	cr_expect_neq(survey_respond(&o, conn, e3.id, "fax", &t, &a, NULL, NULL, &err), 0, "no such way");
	err_clear(&err);

	cr_assert_eq(crmgate("survey close 回访 --yes"), 0, "%s", errout.data);
	assert_ok(survey_respond(&o, conn, e3.id, "link", &t, &a, NULL, NULL, &err), &err);
	cr_expect_eq(o, SURVEY_CLOSED);
	survey_invitation_release(&e3);
	assert_ok(survey_invitation_by_token(&e3, conn, t3, &err), &err);
	cr_expect(!e3.open && !e3.answered);
	v = value("SELECT string_agg(target_code || ':' || answered_by, ',') FROM crm.survey_invitation"
		  " WHERE answered_at IS NOT NULL");
	cr_expect_str_eq(v, "E2:email");
	free(v);
	survey_invitation_release(&e2);
	survey_invitation_release(&e3);
	survey_answers_release(&a);
	survey_template_release(&t);
	free(t2);
	free(t3);
}

/* A user files a reply by hand only for a survey they may change: a
 * service supervisor runs no campaigns, a salesperson runs only theirs;
 * the respondents' own ways act for no user. */
Test(survey_response, a_user_answers_only_for_the_surveys_they_run)
{
	struct err err = ERR_INIT;
	struct survey_invitation inv;
	struct survey_template t;
	struct survey_answers a;
	enum survey_outcome o;
	char *tok = token_of("E1");

	test_import(db, dir, "salesperson", "code,name\nS1,王伟\n");
	cr_assert_eq(crmgate("-q user add login=zhou name=周 role=service_supervisor"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("-q user add login=wang name=王伟 role=salesperson salesperson_code=S1"), 0, "%s",
		     errout.data);
	assert_ok(survey_invitation_by_token(&inv, conn, tok, &err), &err);
	assert_ok(survey_store_get_id(&t, conn, inv.template_id, &err), &err);
	fill(&a, &t);
	for (int i = 0; i < 2; i++) {
		char *set = xstrfmt("SELECT set_config('crmgate.login', '%s', false)", i ? "wang" : "zhou");
		assert_ok(crm_db_exec(conn, set, &err), &err);
		cr_expect_eq(survey_respond(&o, conn, inv.id, "email", &t, &a, NULL, i ? "wang" : "zhou", &err),
			     ERR_DENIED, "%s may not file answers to a survey of someone else's", i ? "wang" : "zhou");
		err_clear(&err);
		free(set);
	}
	assert_ok(crm_db_exec(conn, "SELECT set_config('crmgate.login', '', false)", &err), &err);
	assert_ok(survey_respond(&o, conn, inv.id, "link", &t, &a, NULL, NULL, &err), &err);
	cr_expect_eq(o, SURVEY_STORED, "the form acts for no user");
	survey_invitation_release(&inv);
	survey_answers_release(&a);
	survey_template_release(&t);
	free(tok);
}

struct retry {
	long long id;
	const struct survey_template *t;
	const struct survey_answers *a;
	enum survey_outcome o;
	int rc;
};

/* The retry, on a connection of its own: it waits for the first call's lock. */
static void *retry_run(void *arg)
{
	struct retry *r = arg;
	struct err err = ERR_INIT;
	struct crm_db *c;

	r->rc = crm_db_connect(&c, db, &err);
	if (!r->rc)
		r->rc = survey_respond(&r->o, c, r->id, "sms", r->t, r->a, "kannel:77", NULL, &err);
	crm_db_free(c);
	err_release(&err);
	return NULL;
}

/* Kannel calls /sms/in again while the first call still runs: the retry
 * waits for the invitation's lock and is the same message, not a second
 * answer to keep for review. */
Test(survey_response, a_retry_that_waited_for_the_first_is_a_duplicate)
{
	struct err err = ERR_INIT;
	struct survey_invitation inv;
	struct survey_template t;
	struct survey_answers a;
	struct retry r = { 0 };
	enum survey_outcome o;
	pthread_t th;
	char *tok = token_of("E2");

	assert_ok(survey_invitation_by_token(&inv, conn, tok, &err), &err);
	assert_ok(survey_store_get_id(&t, conn, inv.template_id, &err), &err);
	fill(&a, &t);
	r.id = inv.id;
	r.t = &t;
	r.a = &a;
	assert_ok(crm_db_begin(conn, &err), &err);
	assert_ok(survey_respond(&o, conn, inv.id, "sms", &t, &a, "kannel:77", NULL, &err), &err);
	cr_assert_eq(o, SURVEY_STORED);
	cr_assert_eq(pthread_create(&th, NULL, retry_run, &r), 0);
	usleep(300 * 1000); /* the retry is waiting for the row's lock by now */
	assert_ok(crm_db_commit(conn, &err), &err);
	pthread_join(th, NULL);
	cr_expect_eq(r.rc, 0);
	cr_expect_eq(r.o, SURVEY_DUPLICATE, "the retry was told %s", survey_outcome_name(r.o));
	survey_invitation_release(&inv);
	survey_answers_release(&a);
	survey_template_release(&t);
	free(tok);
}
