/* tests/survey/test_sms.c - text answers with the real binary: a survey
 * sent by text through Kannel (tests/servers/kannel.sh, its fake SMSC),
 * answered by inbound texts that Kannel delivers to 'crmgate serve's
 * /sms/in; texts that cannot be matched or read are kept for review, STOP
 * opts out and answers nothing, and a text Kannel delivers twice counts
 * once. The Kannel test is skipped where Kannel is not installed; the rest
 * speak to /sms/in as Kannel does. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "survey/smsreply.h"
#include "key.h"

#define KEY "in-key-7"

/* Three questions a text can answer, and one. */
static const char three[] = "# 短信回访\n"
			    "1. 服务满意吗？ [single, required]\n"
			    "   A. 满意\n"
			    "   B. 一般\n"
			    "2. 会推荐吗？ [single]\n"
			    "   A. 会\n"
			    "   B. 不会\n"
			    "3. 打分 [rating 1-5]\n";
static const char one[] = "# 一题\n"
			  "1. 满意吗？ [single, required]\n"
			  "   A. 是\n"
			  "   B. 否\n";
static const char with_text[] = "# 有填空\n"
				"1. 满意吗？ [single]\n"
				"   A. 是\n"
				"   B. 否\n"
				"2. 建议 [text]\n";

static unsigned port; /* crmgate serve's */
static pid_t serve_pid;
static char *serve_log;

static void add_template(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s.txt", dir, name);
	test_write_file(path, text);
	cr_assert_eq(crmgate("survey template add %s '%s'", name, path), 0, "%s", errout.data);
	free(path);
}

static void setup(void)
{
	test_survey_key_set();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_fixture_init();
	test_import(db, dir, "customer", "code,name\nC1,甲公司\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,mobile\n"
		    "E1,C1,张三,13900000001\nE2,C1,李四,13900000002\nE3,C1,王五,13900000003\n"
		    "E4,C1,赵六,13900000004\nE5,C1,钱七,13900000005\n");
	add_template("three", three);
	add_template("one", one);
	add_template("with_text", with_text);
	port = test_free_port();
	setenv("CRMGATE_SMS_INBOUND_SECRET", KEY, 1);
	setenv("CRMGATE_SMS_QUIET_HOURS", "", 1); /* marketing texts at any hour */
	serve_log = xstrfmt("%s/serve.log", dir);
}

static void teardown(void)
{
	if (serve_pid > 0) {
		kill(-serve_pid, SIGTERM);
		test_wait(serve_pid, 10);
	}
	serve_pid = 0;
	unsetenv("CRMGATE_SMS_INBOUND_SECRET");
	unsetenv("CRMGATE_SMS_QUIET_HOURS");
	unsetenv("CRMGATE_SMS_PROVIDER");
	unsetenv("CRMGATE_SERVE_PUBLIC_URL");
	free(serve_log);
	serve_log = NULL;
	test_fixture_fini();
	curl_global_cleanup();
}

TestSuite(survey_sms, .init = setup, .fini = teardown, .timeout = 120);

/* One value from the database ("" for none), the caller's. */
static char *value(const char *sql)
{
	struct err err = ERR_INIT;
	struct crm_db *conn;
	char *v = NULL;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	crm_db_free(conn);
	return v ? v : xstrdup("");
}

#define expect_value(sql, want)                                                                                        \
	do {                                                                                                           \
		char *v_ = value(sql);                                                                                 \
		cr_expect_str_eq(v_, want, "%s", sql);                                                                 \
		free(v_);                                                                                              \
	} while (0)

/* Wait up to 10 s for sql to say want. */
static int wait_for(const char *sql, const char *want)
{
	for (int i = 0; i < 200; i++) {
		char *v = value(sql);
		int ok = !strcmp(v, want);
		free(v);
		if (ok)
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

/* The answers stored for target code's invitation, "1B 2A 3:5", and how
 * they came ("sms"). */
static char *answers(const char *code)
{
	char *sql = xstrfmt("SELECT r.answered_by || ' ' || string_agg(a.question || coalesce(a.label, '')"
			    " || coalesce(':' || a.value::text, '') || coalesce('=' || a.text, ''), ' '"
			    " ORDER BY a.question, a.label) FROM crm.survey_response r"
			    " JOIN crm.survey_invitation i ON i.id = r.invitation_id"
			    " JOIN crm.survey_answer a ON a.response_id = r.id WHERE i.target_code = '%s'"
			    " GROUP BY r.answered_by",
			    code);
	char *v = value(sql);
	free(sql);
	return v;
}

/* Start crmgate serve on port and wait until it listens. */
static void serve(void)
{
	test_write_file(serve_log, "");
	serve_pid = test_crmgate_bg(serve_log, db, "serve --listen 127.0.0.1:%u", port);
	cr_assert(serve_pid > 0);
	for (int i = 0; i < 400; i++) {
		char *text = test_slurp(serve_log);
		int up = strstr(text, "serving on http://") != NULL;
		free(text);
		if (up)
			return;
		usleep(50 * 1000);
	}
	cr_assert_fail("crmgate serve did not start: %s", test_slurp(serve_log));
}

/* An inbound text as Kannel delivers it: GET /sms/in; id NULL: without
 * Kannel's id. The status. */
static long inbound(const char *from, const char *text, const char *id)
{
	CURL *c = curl_easy_init();
	char *f = curl_easy_escape(c, from, 0), *t = curl_easy_escape(c, text, 0);
	char *i = id ? curl_easy_escape(c, id, 0) : NULL;
	char *path = xstrfmt("/sms/in?key=" KEY "&from=%s&to=10690000&text=%s%s%s", f, t, i ? "&id=" : "", i ? i : "");
	long status = test_http(port, NULL, path, NULL, NULL, NULL, NULL);

	curl_free(f);
	curl_free(t);
	curl_free(i);
	curl_easy_cleanup(c);
	free(path);
	return status;
}

/* Create and launch survey name of template tpl by sms to the contacts
 * where, with the body file body (NULL: the built-in text). */
static void survey(const char *name, const char *tpl, const char *where, const char *body)
{
	cr_assert_eq(crmgate("survey create %s --template %s --targets contact --where \"%s\" --channel sms%s%s", name,
			     tpl, where, body ? " --body " : "", body ? body : ""),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch %s --yes", name), 0, "%s", errout.data);
}

/* Invitations to a file folder, sent. */
static void send_to_files(void)
{
	char *sms = xstrfmt("file:%s/sms", dir);
	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	free(sms);
}

static const char inbox_sql[] = "SELECT coalesce(string_agg(sender || ' ' || body || ' | ' || reason, E'\\n'"
				" ORDER BY id), '') FROM crm.survey_inbox WHERE channel = 'sms'";

Test(survey_sms, texts_answer_the_senders_invitation)
{
	survey("回访", "three", "code <> 'E3'", NULL);
	survey("快访", "one", "code = 'E3'", NULL);
	send_to_files();
	serve();

	/* the number as the operator writes it: +86 before the mobile */
	cr_expect_eq(inbound("+8613900000001", "1B 2A 3:5", "m-1"), 200);
	char *a = answers("E1");
	cr_expect_str_eq(a, "sms 1B 2A 3:5", "E1's text");
	free(a);
	/* full width, lower case, no spaces */
	cr_expect_eq(inbound("13900000002", "１ｂ２Ｂ３：４", "m-2"), 200);
	a = answers("E2");
	cr_expect_str_eq(a, "sms 1B 2B 3:4", "E2's full-width text");
	free(a);
	/* one question: the letter alone */
	cr_expect_eq(inbound("13900000003", " Ｂ ", "m-3"), 200);
	a = answers("E3");
	cr_expect_str_eq(a, "sms 1B", "E3's one letter");
	free(a);
	expect_value("SELECT count(*) FROM crm.survey_inbox", "0");
	expect_value("SELECT string_agg(message_id, ' ' ORDER BY message_id) FROM crm.survey_response",
		     "kannel:m-1 kannel:m-2 kannel:m-3");
}

Test(survey_sms, what_cannot_be_answered_is_kept_for_review)
{
	survey("回访", "three", "code <> 'E3'", NULL);
	survey("填空", "with_text", "code = 'E3'", NULL);
	send_to_files();
	serve();

	cr_expect_eq(inbound("13700000000", "1A 2A 3:5", "u-1"), 200);	/* a number never invited */
	cr_expect_eq(inbound("13900000001", "好的，谢谢", "u-2"), 200); /* no answers in it */
	cr_expect_eq(inbound("13900000002", "1D", "u-3"), 200);		/* no option D */
	cr_expect_eq(inbound("13900000003", "1A", "u-4"), 200);		/* a question a text cannot answer */
	cr_expect_eq(inbound("13900000004", "1A 3:5", "u-5"), 200);	/* stored, then */
	cr_expect_eq(inbound("13900000004", "1B 3:1", "u-6"), 200);	/* answered already */
	expect_value("SELECT count(*) FROM crm.survey_response", "1");
	char *inbox = value(inbox_sql);
	cr_expect(strstr(inbox, "13700000000 1A 2A 3:5 | no survey invitation was sent to this number"), "%s", inbox);
	cr_expect(strstr(inbox, "13900000001 好的，谢谢 | cannot be read as answers: "), "%s", inbox);
	cr_expect(strstr(inbox, "13900000002 1D | cannot be read as answers: "), "%s", inbox);
	cr_expect(strstr(inbox, "13900000003 1A | cannot be read as answers: question 2 is not single choice or "
				"rating"),
		  "%s", inbox);
	cr_expect(strstr(inbox, "13900000004 1B 3:1 | the invitation was answered already"), "%s", inbox);
	free(inbox);
	/* what it could be matched to is kept with it */
	expect_value("SELECT string_agg(coalesce(i.target_code, '-'), ' ' ORDER BY x.id) FROM crm.survey_inbox x"
		     " LEFT JOIN crm.survey_invitation i ON i.id = x.invitation_id",
		     "- E1 E2 E3 E4");
	/* closed: kept too, not stored */
	cr_assert_eq(crmgate("survey close 回访 --yes"), 0, "%s", errout.data);
	cr_expect_eq(inbound("13900000005", "1A", "u-7"), 200);
	expect_value("SELECT count(*) FROM crm.survey_response", "1");
	expect_value("SELECT reason FROM crm.survey_inbox WHERE message_id = 'kannel:u-7'",
		     "no survey invitation was sent to this number");
}

Test(survey_sms, a_text_delivered_twice_counts_once)
{
	survey("回访", "three", "code <> 'none'", NULL);
	send_to_files();
	serve();

	/* with Kannel's id: a retry of an answer, and of a text kept; without
	 * it, the same text from the same number */
	static const char *const texts[][3] = {
		{ "13900000001", "1A 2A 3:5", "d-1" },
		{ "13700000000", "hello", "d-2" },
		{ "13900000002", "1B", NULL },
		{ "13700000001", "hi", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		for (int twice = 0; twice < 2; twice++)
			cr_expect_eq(inbound(texts[i][0], texts[i][1], texts[i][2]), 200);
	expect_value("SELECT count(*) FROM crm.survey_response", "2");
	expect_value("SELECT count(*) FROM crm.survey_answer", "4");
	expect_value("SELECT count(*) FROM crm.survey_inbox", "2");
	/* another text from a number that answered: kept, not lost */
	cr_expect_eq(inbound("13900000002", "1A", NULL), 200);
	expect_value("SELECT count(*) FROM crm.survey_inbox", "3");
}

Test(survey_sms, stop_opts_out_and_answers_nothing)
{
	survey("回访", "three", "code <> 'none'", NULL);
	send_to_files();
	serve();

	cr_expect_eq(inbound("13900000004", "STOP", "s-1"), 200);
	cr_expect_eq(inbound("13900000005", "退订", "s-2"), 200);
	cr_expect(wait_for("SELECT string_agg(code, ' ' ORDER BY code) FROM crm.contact WHERE sms_opt_out", "E4 E5"));
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	expect_value("SELECT count(*) FROM crm.survey_inbox", "0");
}

/* Every way a stop word is typed opts the number out through /sms/in, and
 * is neither answer nor review item; a word that may cancel something else
 * is kept for review, the number not opted out (issue 12). */
Test(survey_sms, stop_in_every_form_opts_out)
{
	static const struct {
		const char *code, *mobile, *text;
		int stop;
	} texts[] = {
		{ "E1", "13900000001", "STOP.", 1 },	   { "E2", "13900000002", "stop!", 1 },
		{ "E3", "13900000003", "Unsubscribe", 1 }, { "E4", "13900000004", "ＳＴＯＰ", 1 },
		{ "E5", "13900000005", "td.", 1 },	   { "E6", "13900000006", "退订。", 1 },
		{ "E7", "13900000007", " ｔｄ！ ", 1 },	   { "E8", "13900000008", "取消", 0 },
		{ "E9", "13900000009", "please stop", 0 },
	};
	struct buf want = BUF_INIT;

	test_import(db, dir, "contact",
		    "code,customer_code,name,mobile\n"
		    "E6,C1,孙八,13900000006\nE7,C1,周九,13900000007\nE8,C1,吴十,13900000008\nE9,C1,郑一,13900000009\n");
	survey("回访", "three", "code <> 'none'", NULL);
	send_to_files();
	serve();
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		char *id = xstrfmt("f-%zu", i);
		cr_expect_eq(inbound(texts[i].mobile, texts[i].text, i % 2 ? id : NULL), 200, "'%s'", texts[i].text);
		if (texts[i].stop)
			buf_addf(&want, "%s%s", want.len ? " " : "", texts[i].code);
		free(id);
	}
	cr_expect(wait_for("SELECT coalesce(string_agg(code, ' ' ORDER BY code), '') FROM crm.contact"
			   " WHERE sms_opt_out",
			   want.data),
		  "not opted out as %s", want.data);
	expect_value("SELECT coalesce(string_agg(code, ' ' ORDER BY code), '') FROM crm.contact WHERE sms_opt_out",
		     want.data);
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	expect_value("SELECT string_agg(body, ' | ' ORDER BY id) FROM crm.survey_inbox", "取消 | please stop");
	buf_release(&want);
}

/* A stop word handed to the text answers all the same (not through
 * /sms/in) opts out there too: no text is dropped. */
Test(survey_sms, a_stop_word_given_to_the_text_answers_opts_out)
{
	static const char *const stops[] = { "STOP", "Unsubscribe.", "退订。" };
	struct err err = ERR_INIT;
	struct crm_db *conn;

	survey("回访", "three", "code <> 'none'", NULL);
	send_to_files();
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	for (size_t i = 0; i < ARRAY_SIZE(stops); i++) {
		enum survey_sms_outcome o = SURVEY_SMS_STORED;
		char *from = xstrfmt("1390000000%zu", i + 1);
		assert_ok(survey_sms_receive(&o, conn, from, "10690000", stops[i], NULL, &err), &err);
		cr_expect_eq(o, SURVEY_SMS_OPTED_OUT, "'%s': %d", stops[i], o);
		free(from);
	}
	crm_db_free(conn);
	expect_value("SELECT string_agg(code, ' ' ORDER BY code) FROM crm.contact WHERE sms_opt_out", "E1 E2 E3");
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	expect_value("SELECT count(*) FROM crm.survey_inbox", "0");
}

/* Without Kannel's id the same text answering two surveys the same day is
 * two answers, and a retry for the same invitation still one; with it, a
 * text whose id is that of another invitation's answer is kept, not
 * dropped (issue 12). */
Test(survey_sms, the_same_text_answers_two_surveys)
{
	survey("一问", "one", "code IN ('E1', 'E2')", NULL);
	survey("再问", "one", "code IN ('E1', 'E2')", NULL);
	send_to_files();
	serve();

	/* without an id: each "B" answers one invitation, the newest first */
	cr_expect_eq(inbound("13900000001", "B", NULL), 200);
	cr_expect_eq(inbound("13900000001", "B", NULL), 200);
	expect_value(
		"SELECT string_agg(s.name || ':' || i.answered_by, ' ' ORDER BY s.name) FROM crm.survey_invitation i"
		" JOIN crm.survey s ON s.id = i.survey_id WHERE i.target_code = 'E1'",
		"一问:sms 再问:sms");
	/* Kannel calling again with both: nothing more */
	cr_expect_eq(inbound("13900000001", "B", NULL), 200);
	expect_value("SELECT count(*) FROM crm.survey_response", "2");
	expect_value("SELECT count(*) FROM crm.survey_inbox", "0");

	/* with an id: the second text carries the first one's id */
	cr_expect_eq(inbound("13900000002", "A", "k-1"), 200);
	cr_expect_eq(inbound("13900000002", "B", "k-1"), 200);
	expect_value("SELECT count(*) FROM crm.survey_response", "3");
	expect_value("SELECT body || ' | ' || reason FROM crm.survey_inbox",
		     "B | a text with this id answered another invitation already");
	/* and again: kept once */
	cr_expect_eq(inbound("13900000002", "B", "k-1"), 200);
	expect_value("SELECT count(*) FROM crm.survey_inbox", "1");
}

/* ---- a real Kannel ---- */

/* NAME=value from the state file the start script wrote. */
static char *state_get(const char *file, const char *name)
{
	char *all = test_slurp(file), *line, *res = NULL;
	size_t n = strlen(name);

	for (line = all; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, name, n) && line[n] == '=') {
			res = xstrndup(line + n + 1, strcspn(line + n + 1, "\n"));
			break;
		}
	free(all);
	return res ? res : xstrdup("");
}

static int mo(const char *env, const char *from, const char *text)
{
	return test_sh("SERVERS_DIR=tests/servers; set -a; . %s; set +a; . tests/servers/kannel.sh; "
		       "kannel_mo '%s' 10690000 '%s'",
		       env, from, text);
}

Test(survey_sms, through_kannel)
{
	static const char vars[] = "KANNEL_DIR KANNEL_SENDSMS_URL KANNEL_USER KANNEL_PASS KANNEL_ADMIN_URL "
				   "KANNEL_ADMIN_PASS KANNEL_MO_PORT KANNEL_SMSC_LOG KANNEL_BB_PID KANNEL_SB_PID "
				   "KANNEL_FAKE_PID";
	char *env, *url, *user, *pass, *smsc, *public_url, *body, *tok, *sent, *want;
	struct stat st;

	if (stat("tests/servers/kannel.sh", &st) || access("/usr/sbin/bearerbox", X_OK) ||
	    access("/usr/sbin/smsbox", X_OK) || access("/usr/lib/kannel/test/fakesmsc", X_OK))
		cr_skip_test("Kannel is not installed (packages kannel and kannel-extras; make deps), or the test "
			     "does not run from the repository's top folder");
	env = xstrfmt("%s/kannel.env", dir);
	/* the get-url the README documents, Kannel's id of the text included */
	if (test_sh("SERVERS_DIR=tests/servers KANNEL_MO_URL='http://127.0.0.1:%u/sms/in?key=" KEY
		    "&from=%%p&to=%%P&text=%%a&id=%%I'; export KANNEL_MO_URL; "
		    ". tests/servers/kannel.sh && kannel_start && for v in %s; do eval \"echo $v=\\$$v\"; done >%s",
		    port, vars, env)) {
		test_sh("SERVERS_DIR=tests/servers; set -a; . %s; set +a; . tests/servers/kannel.sh; kannel_stop", env);
		cr_skip_test("Kannel is installed but did not start here (see the log above)");
	}
	url = state_get(env, "KANNEL_SENDSMS_URL");
	user = state_get(env, "KANNEL_USER");
	pass = state_get(env, "KANNEL_PASS");
	smsc = state_get(env, "KANNEL_SMSC_LOG");
	setenv("CRMGATE_SMS_PROVIDER", "kannel", 1);
	setenv("CRMGATE_SMS_URL", url, 1);
	setenv("CRMGATE_SMS_USERNAME", user, 1);
	setenv("CRMGATE_SMS_PASSWORD", pass, 1);
	public_url = xstrfmt("http://127.0.0.1:%u", port);
	setenv("CRMGATE_SERVE_PUBLIC_URL", public_url, 1);

	/* GSM text, so that the fake SMSC prints it as it is */
	body = xstrfmt("%s/invite.txt", dir);
	test_write_file(body, "Please answer at {{survey_url}} or reply like 1B 2A 3:5\n");
	serve();
	survey("回访", "three", "code <> 'E3'", body);
	survey("快访", "one", "code = 'E3'", NULL);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect(wait_for("SELECT count(*) FROM crm.outbox WHERE status IN ('sent', 'delivered')", "5"),
		  "the invitations did not go");

	/* the text the operator got carries E1's link */
	tok = value("SELECT " TEST_SURVEY_TOKEN_SQL("i.token_nonce") " FROM crm.survey_invitation i"
								     " WHERE i.target_code = 'E1'");
	want = xstrfmt("13900000001 text Please answer at %s/s/%s or reply like 1B 2A 3:5", public_url, tok);
	sent = test_slurp(smsc);
	cr_expect(strstr(sent, want), "the fake SMSC did not get E1's link %s:\n%s", want, sent);
	free(sent);

	cr_expect_eq(mo(env, "+8613900000001", "1B 2A 3:5"), 0);
	cr_expect(wait_for("SELECT count(*) FROM crm.survey_response", "1"), "E1's text was not stored");
	char *a = answers("E1");
	cr_expect_str_eq(a, "sms 1B 2A 3:5");
	free(a);
	/* full width comes as UCS-2, recoded by smsbox */
	cr_expect_eq(mo(env, "13900000002", "１Ｂ　２Ａ　３：４"), 0);
	cr_expect_eq(mo(env, "13900000003", "B"), 0);
	cr_expect(wait_for("SELECT count(*) FROM crm.survey_response", "3"), "E2's and E3's texts were not stored");
	a = answers("E2");
	cr_expect_str_eq(a, "sms 1B 2A 3:4");
	free(a);
	a = answers("E3");
	cr_expect_str_eq(a, "sms 1B");
	free(a);
	/* Kannel's id is what a response is known by */
	expect_value("SELECT count(*) FROM crm.survey_response WHERE message_id ~ '^kannel:.'", "3");

	/* kept for review: a stranger, and what cannot be read */
	cr_expect_eq(mo(env, "13700000000", "1A"), 0);
	cr_expect_eq(mo(env, "13900000005", "see you"), 0);
	cr_expect(wait_for("SELECT count(*) FROM crm.survey_inbox", "2"), "the unreadable texts were not kept");
	/* STOP: opted out, no answer */
	cr_expect_eq(mo(env, "13900000004", "STOP"), 0);
	cr_expect(wait_for("SELECT sms_opt_out::text FROM crm.contact WHERE code = 'E4'", "true"));
	expect_value("SELECT count(*) FROM crm.survey_response", "3");
	expect_value("SELECT count(*) FROM crm.survey_inbox", "2");

	test_sh("SERVERS_DIR=tests/servers; set -a; . %s; set +a; . tests/servers/kannel.sh; kannel_stop", env);
	unsetenv("CRMGATE_SMS_URL");
	unsetenv("CRMGATE_SMS_USERNAME");
	unsetenv("CRMGATE_SMS_PASSWORD");
	free(want);
	free(tok);
	free(body);
	free(public_url);
	free(smsc);
	free(url);
	free(user);
	free(pass);
	free(env);
}
