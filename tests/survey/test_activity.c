/* tests/survey/test_activity.c - survey activities with the real binary on
 * the test PostgreSQL: create, list, show and close; what create refuses;
 * launch queues one invitation per target through the outbox (source
 * survey_invitation), 'send' sends them with a working link whose token is
 * stored only as its SHA-256; a template a survey uses cannot be replaced
 * or deleted. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "example.h"
#include "key.h"

static char *maildir;

static void setup(void)
{
	char *sat, *url;

	test_survey_key_set();
	test_fixture_init();
	test_import(db, dir, "salesperson", "code,name,email\nS1,王伟,wang.wei@example.test\nS2,李娜,\n");
	test_import(db, dir, "customer", "code,name,owner_code\nC1,甲公司,S1\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,email,mobile\n"
		    "E1,C1,张三,zhang@example.test,13900000001\nE2,C1,李四,li@example.test,13900000002\n"
		    "E3,C1,王五,wang@example.test,\nE4,C1,赵六,,13900000004\n");
	sat = xstrfmt("%s/sat.txt", dir);
	test_write_file(sat, example);
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", sat), 0, "%s", errout.data);
	free(sat);
	maildir = xstrfmt("%s/maildir", dir);
	url = xstrfmt("file:%s", maildir);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "市场部 <marketing@example.test>", 1);
	free(url);
}

static void teardown(void)
{
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(maildir);
	maildir = NULL;
	test_fixture_fini();
}

TestSuite(survey_activity, .init = setup, .fini = teardown);

/* One value from the database (NULL: none), the caller's. */
static char *value(const char *sql)
{
	struct err err = ERR_INIT;
	struct crm_db *conn;
	char *v = NULL;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	crm_db_free(conn);
	return v;
}

static long count(const char *sql)
{
	char *v = value(sql);
	long n = v ? strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

Test(survey_activity, create_list_show_close)
{
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --where \"code like 'E%%'\""
			     " --channel email --closes 2099-12-31"),
		     0, "%s", errout.data);
	cr_expect(strstr(errout.data, "created survey '回访', a draft"), "%s", errout.data);
	cr_assert_eq(crmgate("--format csv survey list"), 0, "%s", errout.data);
	cr_expect(!strncmp(out.data,
			   "name,template,targets,channel,status,closes,invited,skipped,sent,answered\r\n"
			   "回访,满意度,contact,email,draft,2099-12-31,0,0,0,0\r\n",
			   200),
		  "%s", out.data);
	cr_assert_eq(crmgate("--format json survey show 回访"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"title\": \"客户满意度调查\""), "%s", out.data);
	cr_expect(strstr(out.data, "\"filter\": \"code like 'E%'\""), "%s", out.data);
	/* the survey's campaign is no user's */
	cr_assert_eq(crmgate("--format csv campaign list"), 0, "%s", errout.data);
	cr_expect(!strstr(out.data, "回访"), "%s", out.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.campaign c JOIN crm.survey s ON s.campaign_id = c.id"), 1);

	cr_expect_eq(crmgate("survey close 回访 < /dev/null"), 2, "asks, and this is no terminal");
	cr_expect(strstr(errout.data, "--yes"), "%s", errout.data);
	cr_assert_eq(crmgate("survey close 回访 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv survey show 回访"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, ",closed,"), "%s", out.data);
	cr_expect_eq(crmgate("survey close 回访 --yes"), 2);
	cr_expect(strstr(errout.data, "survey '回访' is closed already"), "%s", errout.data);
	cr_expect_eq(crmgate("survey launch 回访 --yes"), 2);
	cr_expect(strstr(errout.data, "survey '回访' is closed: it cannot be launched"), "%s", errout.data);
	cr_expect_eq(crmgate("survey show 没有"), 2);
	cr_expect(strstr(errout.data, "no survey named '没有'"), "%s", errout.data);
}

Test(survey_activity, create_refuses_what_cannot_be_sent)
{
	static const struct {
		const char *args, *why;
	} bad[] = {
		{ "--template 没有 --targets contact --channel email", "no survey template named '没有' is stored" },
		{ "--template 满意度 --targets opportunity --channel email",
		  "--targets 'opportunity': a survey goes to contact, customer, lead, lead-contact or salesperson" },
		{ "--template 满意度 --targets contact --channel mail",
		  "--channel 'mail': a survey is sent by email or sms" },
		{ "--template 满意度 --targets contact --channel fax",
		  "--channel 'fax': a survey is sent by email or sms" },
		{ "--template 满意度 --targets lead --channel sms", "a lead has no mobile" },
		{ "--template 满意度 --targets contact --channel email --where 'nosuch = 1'", "nosuch" },
		{ "--template 满意度 --targets contact --channel email --closes 2099-02-30",
		  "--closes '2099-02-30' is not a date" },
		{ "--template 满意度 --targets contact --channel email --closes 2000-01-01",
		  "--closes 2000-01-01 is in the past" },
		{ "--template 满意度 --targets contact --channel sms --subject 你好", "a text message has no subject" },
		{ "--template 满意度 --targets contact --channel email --body nosuch.txt", "nosuch.txt" },
		{ "--targets contact --channel email", "needs --template, --targets and --channel" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(crmgate("survey create 错 %s", bad[i].args), 2, "%s: %s", bad[i].args, errout.data);
		cr_expect(strstr(errout.data, bad[i].why), "%s: %s", bad[i].args, errout.data);
	}
	cr_expect_eq(count("SELECT count(*) FROM crm.survey"), 0, "nothing stored");
	cr_expect_eq(count("SELECT count(*) FROM crm.campaign"), 0, "nothing stored");
	/* a body with a field the targets have not */
	char *body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{nosuch}} {{survey_url}}\n");
	cr_expect_eq(crmgate("survey create 错 --template 满意度 --targets contact --channel email --body '%s'", body),
		     2, "%s", errout.data);
	cr_expect(strstr(errout.data, "nosuch"), "%s", errout.data);
	free(body);
	/* a name taken */
	cr_assert_eq(crmgate("survey create 对 --template 满意度 --targets salesperson --channel email"), 0, "%s",
		     errout.data);
	cr_expect_eq(crmgate("survey create 对 --template 满意度 --targets contact --channel sms"), 2);
	cr_expect(strstr(errout.data, "a survey named '对' exists already"), "%s", errout.data);
}

/* The base64 parts of a message (the text, and the HTML of the built-in
 * e-mail) as text, appended to out. */
static void body_text(struct buf *text, const char *msg)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = msg;
	unsigned acc = 0;
	int bits = 0;

	cr_assert(strstr(msg, "Content-Transfer-Encoding: base64"), "%s", msg);
	while ((p = strstr(p, "Content-Transfer-Encoding: base64")) && (p = strstr(p, "\r\n\r\n"))) {
		/* a part ends at its padding or at the boundary's "--" */
		for (p += 4, acc = 0, bits = 0; *p && *p != '=' && *p != '-'; p++) {
			const char *d = strchr(digits, *p);
			if (!d || !*p)
				continue;
			acc = acc << 6 | (unsigned)(d - digits);
			if ((bits += 6) >= 8) {
				bits -= 8;
				buf_addch(text, (char)(acc >> bits & 0xFF));
			}
		}
		buf_addch(text, '\n');
	}
}

/* Every .eml in the maildir, its headers and its body decoded. */
static void read_mail(struct buf *all)
{
	char *sub = xstrfmt("%s/new", maildir);
	DIR *d = opendir(sub);

	cr_assert(d, "no maildir %s", sub);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xstrfmt("%s/%s", sub, e->d_name);
		char *msg = test_slurp(path);
		buf_adds(all, msg);
		body_text(all, msg);
		buf_adds(all, "\n\x01\n");
		free(msg);
		free(path);
	}
	closedir(d);
	free(sub);
}

/* The distinct tokens of the links in mail (":8080/s/TOKEN", the
 * default [serve] public_url), at most max;
 * *links counts the links. */
static size_t tokens(char (*found)[64], size_t max, const char *mail, int *links)
{
	size_t n = 0;

	*links = 0;
	for (const char *p = mail; n < max && (p = strstr(p, ":8080/s/"));) {
		size_t len;
		p += 8;
		len = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
		if (len >= 22 && len < 64) {
			int seen = 0;
			++*links;
			for (size_t i = 0; i < n; i++)
				seen |= strlen(found[i]) == len && !memcmp(found[i], p, len);
			if (!seen) {
				memcpy(found[n], p, len);
				found[n++][len] = 0;
			}
		}
		p += len;
	}
	return n;
}

Test(survey_activity, launch_queues_invitations_send_carries_links)
{
	struct buf mail = BUF_INIT;
	char tok[8][64];
	size_t n;
	int links;

	cr_assert_eq(
		crmgate("survey create 回访 --template 满意度 --targets contact --channel email --closes 2099-12-31"),
		0, "%s", errout.data);
	cr_expect_eq(crmgate("survey launch 回访 < /dev/null"), 2, "asks first");
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox"), 0);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "invited 3, skipped 1\n  no email: 1\n"), "%s", out.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE source = 'survey_invitation'"
			   " AND source_id = (SELECT id FROM crm.survey WHERE name = '回访')"),
		     4, "one row per target, the skipped one on the record");
	cr_expect_eq(
		count("SELECT count(*) FROM crm.survey_invitation i JOIN crm.outbox o ON o.id = i.outbox_id"
		      " WHERE o.status = 'queued' AND o.target_code = i.target_code AND o.contact_id = i.contact_id"),
		3, "one invitation per queued row");
	cr_expect_eq(count("SELECT count(DISTINCT token_nonce) + count(DISTINCT token_hash) FROM crm.survey_invitation"
			   " WHERE octet_length(token_nonce) = 16"),
		     6);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey WHERE status = 'running' AND launched_at IS NOT NULL"), 1);
	/* launched again: nobody is invited twice */
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "invited 0, skipped 0"), "%s", out.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_invitation"), 3);

	/* a campaign to the same contacts is no duplicate of the invitations */
	char *body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{name}}，您好\n");
	cr_assert_eq(crmgate("campaign create 通知 --channel email --targets contact --subject 你好 --body '%s'", body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 通知 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "queued 3, skipped 1"), "%s", out.data);
	free(body);

	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	read_mail(&mail);
	n = tokens(tok, 8, mail.data, &links);
	cr_assert_eq(n, 3, "one token per invitation:\n%s", mail.data);
	cr_expect_eq(links, 12, "the built-in text links twice, in Chinese and English, and its HTML twice");
	cr_expect(strstr(mail.data, "问卷将于 2099-12-31 截止"), "%s", mail.data);
	cr_expect(strstr(mail.data, "1. 您对我们的产品满意吗？ 【单选，必答】"), "{{survey_text}}: %s", mail.data);
	cr_expect(strstr(mail.data, "每题一行，例如：1: B"), "the reply instructions: %s", mail.data);
	cr_expect(strstr(mail.data, "Subject: =?UTF-8?B?5a6i5oi35ruh5oSP5bqm6LCD5p+l?="), "the title: %s", mail.data);
	cr_expect(strstr(mail.data, "http://127.0.0.1:8080/s/"), "%s", mail.data);
	cr_expect(strcmp(tok[0], tok[1]) && strcmp(tok[1], tok[2]) && strcmp(tok[0], tok[2]));
	for (size_t i = 0; i < n; i++) {
		char *sql;
		cr_expect_eq(strlen(tok[i]), 43, "%s", tok[i]);
		sql = xstrfmt("SELECT count(*) FROM crm.survey_invitation WHERE token_hash = sha256('%s'::bytea)",
			      tok[i]);
		cr_expect_eq(count(sql), 1, "the token's SHA-256 is stored: %s", tok[i]);
		free(sql);
		/* the token itself is nowhere in the database */
		sql = xstrfmt(
			"SELECT count(*) FROM (SELECT to_jsonb(x)::text AS t FROM crm.survey_invitation x UNION ALL"
			" SELECT to_jsonb(x)::text FROM crm.outbox x UNION ALL SELECT to_jsonb(x)::text"
			" FROM crm.survey x UNION ALL SELECT to_jsonb(x)::text FROM crm.campaign x) a"
			" WHERE strpos(a.t, '%s') > 0",
			tok[i]);
		cr_expect_eq(count(sql), 0, "token %s stored in plain", tok[i]);
		free(sql);
	}
	cr_assert_eq(crmgate("--format csv survey list"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "回访,满意度,contact,email,running,2099-12-31,3,1,3,0"), "%s", out.data);
	buf_release(&mail);
}

Test(survey_activity, a_template_a_survey_uses_cannot_change)
{
	char *other = xstrfmt("%s/other.txt", dir);

	test_write_file(other, "# 回访\n1. 还满意吗？ [rating 10]\n");
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_expect_eq(crmgate("survey template add 满意度 '%s' --replace", other), 2);
	cr_expect(strstr(errout.data, "survey template '满意度' is used by a survey: it cannot be replaced"), "%s",
		  errout.data);
	cr_expect_eq(crmgate("survey template delete 满意度 --yes"), 2);
	cr_expect(strstr(errout.data, "survey template '满意度' is used by a survey: it cannot be deleted"), "%s",
		  errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 5, "unchanged");
	/* the database holds the rule, whoever deletes */
	cr_expect_eq(test_sh("psql -q '%s' -c 'DELETE FROM crm.survey_template' 2>/dev/null", db) == 0, 0);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_template"), 1);
	free(other);
}

Test(survey_activity, remind_those_who_have_not_answered_with_the_same_link)
{
	struct buf first = BUF_INIT, both = BUF_INIT;
	char tok[8][64], again[8][64];
	int links;

	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_expect_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 2);
	cr_expect(strstr(errout.data, "survey '回访' is not launched"), "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	/* not sent yet: nobody to remind */
	cr_assert_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reminded 0, skipped 0"), "%s", out.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	read_mail(&first);
	cr_assert_eq(tokens(tok, 8, first.data, &links), 3);
	/* sent just now: a reminder waits the days given (3 unless told) */
	cr_assert_eq(crmgate("survey remind 回访 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reminded 0, skipped 0"), "%s", out.data);
	test_sql(db,
		 "UPDATE crm.survey_invitation SET answered_at = now(), answered_by = 'link' WHERE target_code = 'E1'");
	cr_assert_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reminded 2, skipped 0"), "%s", out.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE source = 'survey_reminder'"), 2);
	cr_expect_eq(count("SELECT sum(reminders) FROM crm.survey_invitation WHERE last_reminder_at IS NOT NULL"
			   " AND target_code IN ('E2', 'E3')"),
		     2);
	/* reminded just now: not again within the days given */
	cr_assert_eq(crmgate("survey remind 回访 --min-days 1 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reminded 0, skipped 0"), "%s", out.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	read_mail(&both);
	cr_expect_eq(tokens(again, 8, both.data, &links), 3, "the reminders carry the invitations' links");
	cr_expect_eq(links, 20, "3 invitations and 2 reminders, two links each in the text and two in the HTML");
	/* a second round reaches them again */
	cr_assert_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reminded 2, skipped 0"), "%s", out.data);
	cr_expect_eq(count("SELECT max(reminders) FROM crm.survey_invitation"), 2);
	cr_assert_eq(crmgate("survey close 回访 --yes"), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE source = 'survey_reminder' AND status = 'queued'"), 0,
		     "a closed survey's reminders not sent are dropped");
	cr_expect_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 2);
	cr_expect(strstr(errout.data, "survey '回访' is closed: nobody is reminded"), "%s", errout.data);
	buf_release(&first);
	buf_release(&both);
}

/* A survey link is made with [serve] secret alone: without it (or with a
 * short one) nothing is launched or reminded, the database's own key makes
 * no link, and a sender with another key sends no link that would not
 * open: it stops, the rows stay queued, and the right key sends them. */
Test(survey_activity, links_are_made_with_the_configured_key_alone)
{
	struct buf mail = BUF_INIT;
	char tok[8][64];
	int links;

	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	unsetenv("CRMGATE_SERVE_SECRET");
	cr_expect_eq(crmgate("survey launch 回访 --yes"), 2);
	cr_expect(strstr(errout.data, "survey links need a key of this installation's own: [serve] secret is not set"),
		  "%s", errout.data);
	cr_expect(strstr(errout.data, "\"secret = "), "a key to paste: %s", errout.data);
	setenv("CRMGATE_SERVE_SECRET", "0123456789abcdef", 1);
	cr_expect_eq(crmgate("survey launch 回访 --yes"), 2);
	cr_expect(strstr(errout.data, "[serve] secret has 16 characters: survey links need a key of at least 32"), "%s",
		  errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox"), 0, "nothing queued");
	cr_expect_eq(count("SELECT count(*) FROM crm.survey WHERE status = 'draft'"), 1, "still a draft");

	test_survey_key_set();
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	read_mail(&mail);
	cr_assert_eq(tokens(tok, 8, mail.data, &links), 3, "%s", mail.data);
	for (int i = 0; i < 3; i++) {
		/* the formula links already sent rely on, remade apart from crmgate */
		char *sql = xstrfmt("SELECT count(*) FROM crm.survey_invitation WHERE " TEST_SURVEY_TOKEN_SQL(
					    "token_nonce") " = '%s'",
				    tok[i]);
		cr_expect_eq(count(sql), 1, "token %s", tok[i]);
		free(sql);
	}
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_invitation i, crm.serve_secret k"
			   " WHERE i.token_hash = sha256(convert_to(translate(rtrim(encode(public.hmac(convert_to("
			   "'survey:' || encode(i.token_nonce, 'hex'), 'UTF8'), k.secret, 'sha256'), 'base64'), '='),"
			   " '+/', '-_'), 'UTF8'))"),
		     0, "the database's key makes no link");

	unsetenv("CRMGATE_SERVE_SECRET");
	cr_expect_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 2);
	cr_expect(strstr(errout.data, "[serve] secret is not set"), "%s", errout.data);
	/* another key, long enough: nothing is queued that send could not make */
	setenv("CRMGATE_SERVE_SECRET", "another-key-of-forty-characters-0123456", 1);
	cr_expect_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 2);
	cr_expect(strstr(errout.data, "[serve] secret is not the key the survey was launched with"), "%s", errout.data);
	cr_expect_eq(crmgate("survey launch 回访 --yes"), 2, "nor a launch again with another key");
	cr_expect(strstr(errout.data, "[serve] secret is not the key the survey was launched with"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE source = 'survey_reminder'"), 0);
	test_survey_key_set();
	cr_assert_eq(crmgate("survey remind 回访 --min-days 0 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reminded 3"), "%s", out.data);
	setenv("CRMGATE_SERVE_SECRET", "another-key-of-forty-characters-0123456", 1);
	cr_expect_neq(crmgate("send --once"), 0, "links that would not open are not sent");
	cr_expect(strstr(errout.data, "survey '回访' (outbox row"), "%s", errout.data);
	cr_expect(strstr(errout.data, "its link cannot be made: [serve] secret is not the key the survey was"
				      " launched with"),
		  "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE source = 'survey_reminder' AND status = 'queued'"), 3,
		     "the reminders wait, queued");
	test_survey_key_set();
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE source = 'survey_reminder' AND status = 'sent'"), 3);
	buf_release(&mail);
}

Test(survey_activity, texts_carry_the_link_and_the_campaign_is_the_surveys_alone)
{
	char *sms = xstrfmt("file:%s/sms", dir), *folder = xstrfmt("%s/sms", dir);
	struct buf texts = BUF_INIT;
	char tok[8][64];
	int links;

	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	setenv("CRMGATE_SMS_QUIET_HOURS", "", 1); /* marketing texts at any hour */
	cr_assert_eq(
		crmgate("survey create 短信 --template 满意度 --targets contact --channel sms --closes 2099-12-31"), 0,
		"%s", errout.data);
	/* the survey's campaign is launched by the survey only */
	cr_expect_eq(crmgate("campaign launch 'survey: 短信' --yes"), 2);
	cr_expect(strstr(errout.data, "sends the invitations of survey '短信'"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox"), 0);
	cr_assert_eq(crmgate("survey launch 短信 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "invited 3, skipped 1\n  no mobile: 1\n"), "%s", out.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(test_sh("cat '%s'/*.sms > '%s/all.txt'", folder, dir), 0);
	char *all = xstrfmt("%s/all.txt", dir);
	test_slurp_buf(&texts, all);
	cr_expect_eq(tokens(tok, 8, texts.data, &links), 3, "%s", texts.data);
	cr_expect_eq(links, 3, "%s", texts.data);
	cr_expect(strstr(texts.data, "诚邀您参加“客户满意度调查”"), "%s", texts.data);
	cr_expect(strstr(texts.data, "（2099-12-31截止）"), "%s", texts.data);
	unsetenv("CRMGATE_SMS_PROVIDER");
	unsetenv("CRMGATE_SMS_QUIET_HOURS");
	free(all);
	free(sms);
	free(folder);
	buf_release(&texts);
}

/* [survey] reply_to too long for a token to fit: 'send' says so before it
 * touches a message, rather than fail every invitation one by one. */
Test(survey_activity, a_reply_to_without_room_for_the_token_is_refused_at_once)
{
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	setenv("CRMGATE_SURVEY_REPLY_TO", "customer-survey-replies@example.test", 1);
	cr_expect_neq(crmgate("send --once"), 0);
	cr_expect(strstr(errout.data, "[survey] reply_to 'customer-survey-replies@example.test'"), "%s", errout.data);
	cr_expect(strstr(errout.data, "20 characters or fewer"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE status <> 'queued' AND status <> 'skipped'"), 0,
		     "no message was touched");
	setenv("CRMGATE_SURVEY_REPLY_TO", "survey-replies-2026@example.test", 1);
	cr_expect_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE status = 'sent'"), 3);
	unsetenv("CRMGATE_SURVEY_REPLY_TO");
}
