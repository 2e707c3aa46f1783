/* tests/survey/test_preview.c - survey preview, the checks of survey
 * launch and survey delete, with the real binary: the invitations rendered
 * as they will go (subject, text, the built-in HTML with its questions and
 * button, a text's segments, the link a placeholder as long as the real
 * one), every value escaped in the HTML; the warnings about links that
 * respondents could not open; what delete deletes and what it refuses. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "key.h"

/* A title and a question with HTML in them, which the HTML must escape. */
static const char questionnaire[] = "# 满意度 <调查> & 回访\n"
				    "1. 您满意吗？<b>请选</b> [single, required]\n"
				    "   A. 满意\n"
				    "   B. 不满意\n"
				    "2. 打分 [rating 1-5]\n";

static char *maildir;

static void setup(void)
{
	char *path, *url;

	test_survey_key_set();
	test_fixture_init();
	test_import(db, dir, "customer", "code,name\nC1,甲公司\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,email,mobile\n"
		    "E1,C1,张三,zhang@example.test,13900000001\n"
		    "E2,C1,<i>李四</i> & Co,li@example.test,13900000002\n"
		    "E3,C1,王五,wang@example.test,13900000003\n");
	path = xstrfmt("%s/q.txt", dir);
	test_write_file(path, questionnaire);
	cr_assert_eq(crmgate("survey template add 问卷 '%s'", path), 0, "%s", errout.data);
	free(path);
	maildir = xstrfmt("%s/maildir", dir);
	url = xstrfmt("file:%s", maildir);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "市场部 <marketing@example.test>", 1);
	setenv("CRMGATE_SMS_QUIET_HOURS", "", 1);
	free(url);
}

static void teardown(void)
{
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	unsetenv("CRMGATE_SMS_QUIET_HOURS");
	unsetenv("CRMGATE_SERVE_PUBLIC_URL");
	unsetenv("CRMGATE_SMS_PROVIDER");
	free(maildir);
	maildir = NULL;
	test_fixture_fini();
}

TestSuite(survey_preview, .init = setup, .fini = teardown);

static long count(const char *sql)
{
	struct err err = ERR_INIT;
	struct crm_db *conn;
	char *v = NULL;
	long n;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	crm_db_free(conn);
	n = v ? strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

static int occurrences(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The HTML part of target code's invitation in a preview, malloc'd. */
static char *html_part(const char *preview, const char *code)
{
	char *head = xstrfmt(": %s\n", code);
	const char *p = strstr(preview, head), *end = NULL;

	free(head);
	cr_assert(p && (p = strstr(p, "[HTML]\n")) && (end = strstr(p, "</html>")), "%s", preview);
	return xstrndup(p, (size_t)(end - p));
}

#define LINK "http://127.0.0.1:8080/s/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

Test(survey_preview, an_email_invitation_as_it_will_go)
{
	cr_assert_eq(
		crmgate("survey create 回访 --template 问卷 --targets contact --channel email --closes 2099-12-31"), 0,
		"%s", errout.data);
	cr_assert_eq(crmgate("survey preview 回访"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "--- 1: E1\nSubject: 满意度 <调查> & 回访\n"), "%s", out.data);
	cr_expect(strstr(out.data, "--- 3: E3\n"), "%s", out.data);
	/* the text part: the link as a placeholder of its length, the questionnaire */
	cr_expect(strstr(out.data, "\n" LINK "\n"), "%s", out.data);
	cr_expect(strstr(out.data, "问卷将于 2099-12-31 截止"), "%s", out.data);
	/* the HTML part: the link as a button, the questions listed, every value escaped */
	cr_expect(strstr(out.data, "[HTML]\n<!DOCTYPE html>"), "%s", out.data);
	cr_expect(strstr(out.data, "<a href=\"" LINK "\""), "%s", out.data);
	char *html = html_part(out.data, "E2");
	cr_expect(strstr(html, "<title>满意度 &lt;调查&gt; &amp; 回访</title>"), "%s", html);
	cr_expect(strstr(html, "您满意吗？&lt;b&gt;请选&lt;/b&gt;"), "%s", html);
	cr_expect(strstr(html, "2. 打分"), "%s", html);
	cr_expect(strstr(html, "<p>尊敬的&lt;i&gt;李四&lt;/i&gt; &amp; Co：</p>"), "%s", html);
	cr_expect(!strstr(html, "<b>"), "%s", html);
	cr_expect(!strstr(html, "<i>"), "%s", html);
	free(html);
	cr_expect(strstr(out.data, "[the link is each invitation's own: http://127.0.0.1:8080/s/"), "%s", out.data);

	/* one target, and fewer */
	cr_assert_eq(crmgate("survey preview 回访 --target E2"), 0, "%s", errout.data);
	cr_expect_eq(occurrences(out.data, "\n--- "), 1, "%s", out.data);
	cr_expect(strstr(out.data, "--- 1: E2\n"), "%s", out.data);
	cr_assert_eq(crmgate("survey preview 回访 --limit 2"), 0, "%s", errout.data);
	cr_expect_eq(occurrences(out.data, "\n--- "), 2, "%s", out.data);
	cr_expect_eq(crmgate("survey preview 回访 --target E9"), 2, "%s", errout.data);
	cr_expect(strstr(errout.data, "'E9' is none of the contact targets"), "%s", errout.data);
	cr_expect_eq(crmgate("survey preview 无此"), 2);
	cr_expect(strstr(errout.data, "no survey named '无此'"), "%s", errout.data);
	cr_expect_eq(crmgate("survey preview 回访 --limit 0"), 2);
	/* a preview sends and queues nothing */
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox"), 0);
}

Test(survey_preview, the_sent_email_has_the_text_and_the_html)
{
	struct buf all = BUF_INIT;
	char *sub = xstrfmt("%s/new", maildir);
	DIR *d;

	cr_assert_eq(crmgate("survey create 回访 --template 问卷 --targets contact --where \"code = 'E2'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	d = opendir(sub);
	cr_assert(d, "no maildir %s", sub);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xstrfmt("%s/%s", sub, e->d_name);
		char *msg = test_slurp(path);
		buf_adds(&all, msg);
		free(msg);
		free(path);
	}
	closedir(d);
	cr_expect(strstr(all.data, "multipart/alternative"), "%s", all.data);
	cr_expect(strstr(all.data, "text/plain"), "%s", all.data);
	cr_expect(strstr(all.data, "text/html"), "%s", all.data);
	buf_release(&all);
	free(sub);
}

Test(survey_preview, a_text_invitation_with_its_segments)
{
	cr_assert_eq(crmgate("survey create 短信 --template 问卷 --targets contact --channel sms"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey preview 短信 --target E1"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, LINK), "%s", out.data);
	/* 诚邀… is UCS-2, and with the link longer than one segment */
	cr_expect(strstr(out.data, " characters, UCS-2, 2 segments]"), "%s", out.data);
	cr_expect(!strstr(out.data, "[HTML]"), "%s", out.data);
}

/* survey launch NAME --yes with public_url (NULL: unset): what it warned. */
static void launch(const char *name, const char *channel, const char *public_url)
{
	if (public_url)
		setenv("CRMGATE_SERVE_PUBLIC_URL", public_url, 1);
	else
		unsetenv("CRMGATE_SERVE_PUBLIC_URL");
	cr_assert_eq(crmgate("survey create %s --template 问卷 --targets contact --channel %s", name, channel), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch %s --yes", name), 0, "%s", errout.data);
}

Test(survey_preview, launch_warns_of_links_respondents_cannot_open)
{
	static const struct {
		const char *url, *warning;
	} cases[] = {
		{ NULL,
		  "[serve] public_url is not set: the links in the e-mails would point at http://127.0.0.1:8080" },
		{ "http://localhost:8080", "[serve] public_url 'http://localhost:8080' is this machine" },
		{ "https://127.0.0.1/", "[serve] public_url 'https://127.0.0.1/' is this machine" },
		{ "http://[::1]:80", "is this machine" },
		{ "http://crm.example.test", "[serve] public_url 'http://crm.example.test' is not https" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char name[16];
		snprintf(name, sizeof(name), "s%zu", i);
		launch(name, "email", cases[i].url);
		cr_expect(strstr(errout.data, cases[i].warning), "%s: %s", cases[i].url ? cases[i].url : "unset",
			  errout.data);
	}
	launch("ok", "email", "https://crm.example.test/");
	cr_expect(!strstr(errout.data, "public_url"), "%s", errout.data);
	/* texts too */
	launch("t1", "sms", NULL);
	cr_expect(strstr(errout.data, "the links in the texts would point at"), "%s", errout.data);
	/* and the preview says it as well */
	cr_assert_eq(crmgate("survey preview t1"), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "[serve] public_url is not set"), "%s", errout.data);
}

Test(survey_preview, a_text_launch_says_what_it_costs)
{
	launch("短信", "sms", "https://crm.example.test");
	cr_expect(strstr(out.data, "invited 3, skipped 0\n"), "%s", out.data);
	cr_expect(strstr(out.data, "texts: 6 segments for 3 invitations (link included): 2 each at most, none in one"
				   " (0 GSM 7-bit, 3 UCS-2)\n"),
		  "%s", out.data);
	/* the figures are the outbox's too: what campaign status shows */
	cr_expect_eq(count("SELECT sum(segments) FROM crm.outbox"), 6);
	/* a short GSM text: one each */
	char *body = xstrfmt("%s/short.txt", dir);
	test_write_file(body, "Answer: {{survey_url}}\n");
	cr_assert_eq(crmgate("survey create 短 --template 问卷 --targets contact --channel sms --body '%s'", body), 0,
		     "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 短 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "texts: 3 segments for 3 invitations (link included): 1 each (3 GSM 7-bit, 0 "
				   "UCS-2)\n"),
		  "%s", out.data);
	free(body);
}

Test(survey_preview, delete_a_draft_or_a_closed_survey_with_force)
{
	cr_assert_eq(crmgate("survey create 草稿 --template 问卷 --targets contact --channel email"), 0, "%s",
		     errout.data);
	/* asks, and without a terminal needs --yes */
	cr_expect_eq(crmgate("survey delete 草稿"), 2);
	cr_expect(strstr(errout.data, "delete asks first, and this is no terminal: pass --yes"), "%s", errout.data);
	cr_expect_eq(crmgate("survey delete 草稿 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "deleted survey '草稿', a draft"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey"), 0);
	cr_expect_eq(count("SELECT count(*) FROM crm.campaign"), 0);
	/* the name is free again */
	cr_expect_eq(crmgate("survey create 草稿 --template 问卷 --targets contact --channel email"), 0, "%s",
		     errout.data);

	/* running: close it first */
	launch("在跑", "email", "https://crm.example.test");
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(crmgate("survey delete 在跑 --yes --force"), 2);
	cr_expect(strstr(errout.data, "survey '在跑' is running: close it first"), "%s", errout.data);
	cr_assert_eq(crmgate("survey close 在跑 --yes"), 0, "%s", errout.data);
	/* closed: only with --force, told what goes */
	cr_expect_eq(crmgate("survey delete 在跑 --yes"), 2);
	cr_expect(strstr(errout.data, "survey '在跑' is closed and holds 3 invitations, 0 responses and 0 replies kept"
				      " for review: --force deletes them with it"),
		  "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_invitation"), 3);
	cr_expect_eq(crmgate("survey delete 在跑 --yes --force"), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "deleted survey '在跑': 3 invitations, 0 responses, 0 replies kept for review, 3"
				      " messages"),
		  "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_invitation"), 0);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox"), 0);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey"), 1); /* the draft stays */
	cr_expect_eq(crmgate("survey delete 无此 --yes"), 2);
	cr_expect(strstr(errout.data, "no survey named '无此'"), "%s", errout.data);
}
