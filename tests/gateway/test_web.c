/* tests/gateway/test_web.c - the gateway's routes: unsubscribe links (GET
 * asks, POST and RFC 8058 one-click unsubscribe), Kannel delivery reports and
 * inbound STOP texts, served on 127.0.0.1 by common/httpd against a test
 * database and spoken to with libcurl; and once end to end through a real
 * Kannel (tests/servers/kannel.sh), skipped when Kannel is not installed. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/httpd.h"
#include "common/xalloc.h"
#include "gateway/sms_send.h"
#include "gateway/web.h"

/* [sms] inbound_secret of the server under test; Kannel's get-url carries it */
#define INBOUND_KEY "in-s3cret-1"
#define KEY	    "key=" INBOUND_KEY "&"

static struct gw_web *web;
static struct http_server *srv;
static struct crm_store_opts store;

/* Outbox rows: 1 e-mail to contact K1, 2 SMS to K1, 3 SMS to lead contact
 * LK1, 4 SMS to K2, 5 e-mail to a customer's address (no contact). */
static const char seed[] =
	"INSERT INTO crm.customer (code, name, email) VALUES ('C1', '甲公司', 'office@jia.example.test');"
	"INSERT INTO crm.contact (code, customer_id, name, email, mobile) VALUES"
	" ('K1', 1, '张三', 'zhang@example.test', '138 0013 8000'),"
	" ('K2', 1, '李四', 'li@example.test', '13900139000'),"
	" ('K3', 1, '王五', 'wang@example.test', '+86 138-0013-8000');"
	"INSERT INTO crm.lead (code, name) VALUES ('L1', '乙公司');"
	"INSERT INTO crm.lead_contact (code, lead_id, name, mobile) VALUES ('LK1', 1, '赵六', '0086 13900139000');"
	"INSERT INTO crm.campaign (name, channel, targets, status) VALUES ('邮件', 'email', 'contact', 'running'),"
	" ('短信', 'sms', 'contact', 'running');"
	"INSERT INTO crm.outbox (id, campaign_id, channel, target_code, contact_id, lead_contact_id, recipient, status)"
	" OVERRIDING SYSTEM VALUE VALUES"
	" (1, 1, 'email', 'K1', 1, NULL, 'Zhang@Example.test', 'sent'),"
	" (2, 2, 'sms', 'K1', 1, NULL, '138 0013 8000', 'sent'),"
	" (3, 2, 'sms', 'LK1', NULL, 1, '0086 13900139000', 'sent'),"
	" (4, 2, 'sms', 'K2', 2, NULL, '13900139000', 'sent'),"
	" (5, 1, 'email', 'C1', NULL, NULL, 'office@jia.example.test', 'sent');";

static void setup(void)
{
	struct err err = ERR_INIT;
	struct gw_web_options wopt = { &store, NULL, 2, INBOUND_KEY, NULL, NULL };
	struct http_options hopt = { .threads = 2 };
	struct http_routes routes = HTTP_ROUTES_INIT;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_fixture_init_session();
	assert_ok(crm_db_exec(session, seed, &err), &err);
	store = (struct crm_store_opts){ .conninfo = db, .vardir = "var" };
	assert_ok(gw_web_new(&web, &wopt, &err), &err);
	gw_web_routes(&routes, web);
	assert_ok(http_server_start(&srv, &hopt, routes.v, routes.nr, &err), &err);
	http_routes_release(&routes);
}

static void teardown(void)
{
	http_server_stop(srv);
	gw_web_free(web);
	test_fixture_fini();
	curl_global_cleanup();
}

TestSuite(web, .init = setup, .fini = teardown);

/* ---- helpers ---- */

/* One request to our server; post NULL: GET. Returns the status. */
static long fetch(const char *path, const char *post, struct buf *body, struct buf *headers)
{
	return test_http(http_server_port(srv), NULL, path, post, NULL, body, headers);
}

/* The first value of a query, "" for SQL NULL; malloc'd. */
static char *value(const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;
	assert_ok(crm_db_value(&v, session, sql, 0, NULL, &err), &err);
	return v ? v : xstrdup("");
}

#define expect_value(sql, want)                                                                                        \
	do {                                                                                                           \
		char *v_ = value(sql);                                                                                 \
		cr_expect_str_eq(v_, want, "%s", sql);                                                                 \
		free(v_);                                                                                              \
	} while (0)

static char *token(long id, const char *secret)
{
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	assert_ok(gw_web_token(&b, session, id, secret, &err), &err);
	return buf_detach(&b, NULL);
}

static char *dlr_token(long id, const char *secret)
{
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	assert_ok(gw_web_dlr_token(&b, session, id, secret, &err), &err);
	return buf_detach(&b, NULL);
}

static char *upath(long id)
{
	char *t = token(id, NULL), *p = xstrfmt("/u/%s", t);
	free(t);
	return p;
}

/* What every opt-out column and the suppression list say, in one line. */
static char *state(void)
{
	return value(
		"SELECT (SELECT string_agg(code || ':' || email_opt_out::int || sms_opt_out::int, ' ' ORDER BY code)"
		" FROM (SELECT code, email_opt_out, sms_opt_out FROM crm.contact UNION ALL"
		" SELECT code, email_opt_out, sms_opt_out FROM crm.lead_contact) x) || ' | ' ||"
		" coalesce((SELECT string_agg(channel || ':' || address || ':' || reason, ' '"
		" ORDER BY channel, address) FROM crm.suppression), '')");
}

static const char nothing_done[] = "K1:00 K2:00 K3:00 LK1:00 | ";

/* ---- tokens ---- */

Test(web, token_round_trip_and_forgeries)
{
	struct err err = ERR_INIT;
	char *t = token(1, NULL), *other = token(1, "a configured secret"), *t2 = token(2, NULL);
	char *forged = xstrdup(t), *swapped;
	struct buf url = BUF_INIT;
	long id = -1;

	cr_assert(!strncmp(t, "1.", 2) && strlen(t) == 2 + 43, "%s", t);
	cr_assert_eq(strspn(t + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43, "%s", t);
	assert_ok(gw_web_token_check(&id, session, t, NULL, &err), &err);
	cr_assert_eq(id, 1);
	/* the same id signs the same way every time; another key, another id: another signature */
	cr_assert_str_neq(t, other);
	assert_ok(gw_web_token_check(&id, session, other, "a configured secret", &err), &err);
	cr_assert_eq(id, 1);
	cr_assert_eq(gw_web_token_check(&id, session, other, NULL, &err), ERR_NOTFOUND);
	err_clear(&err);
	cr_assert_eq(gw_web_token_check(&id, session, other, "another secret", &err), ERR_NOTFOUND);
	err_clear(&err);
	/* signed with the database's key before [serve] secret was set: mail
	 * already sent keeps working links once it is */
	id = -1;
	assert_ok(gw_web_token_check(&id, session, t, "a configured secret", &err), &err);
	cr_assert_eq(id, 1);

	/* one character changed; a signature moved to another id; malformed tokens */
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == 'A' ? 'B' : 'A';
	swapped = xstrfmt("2%s", t + 1);
	const char *bad[] = { forged, swapped, "1",	"1.",	"01.abc",
			      "-1.x", "",      "1.a/b", t2 + 1, "99999999999999999999.x" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		cr_expect_eq(gw_web_token_check(&id, session, bad[i], NULL, &err), ERR_NOTFOUND, "'%s'", bad[i]);
		cr_expect_eq(id, 0);
		err_clear(&err);
	}

	assert_ok(gw_web_unsubscribe_url(&url, session, "https://crm.example.test/", 1, NULL, &err), &err);
	cr_expect(!strncmp(url.data, "https://crm.example.test/u/1.", 29), "%s", url.data);
	cr_expect_str_eq(url.data + 27, t);
	buf_release(&url);
	free(t);
	free(t2);
	free(other);
	free(forged);
	free(swapped);
}

/* Each purpose signs its own message; the unsubscribe links keep the bytes
 * they had before purposes were named (mail already sent holds them). */
Test(web, tokens_sign_their_purpose)
{
	struct err err = ERR_INIT;
	char *u = token(7, "k"), *d = dlr_token(7, "k"), *d2 = dlr_token(7, NULL);
	long id = -1;

	expect_value("SELECT '7.' || translate(rtrim(encode(public.hmac('unsubscribe:7', 'k', 'sha256'), 'base64'),"
		     " '='), '+/', '-_')",
		     u);
	expect_value("SELECT '7.' || translate(rtrim(encode(public.hmac('dlr:7', 'k', 'sha256'), 'base64'), '='),"
		     " '+/', '-_')",
		     d);
	cr_expect_str_neq(u, d);
	/* a purpose is a word: none can spell another's message */
	expect_value("SELECT coalesce(crm.sign_token('unsubscribe:7', 1, 'k'), 'null')", "null");
	expect_value("SELECT coalesce(crm.sign_token('', 1, 'k'), 'null')", "null");
	/* each check takes its own purpose only */
	assert_ok(gw_web_dlr_token_check(&id, session, d2, NULL, &err), &err);
	cr_expect_eq(id, 7);
	cr_expect_eq(gw_web_dlr_token_check(&id, session, u, "k", &err), ERR_NOTFOUND);
	err_clear(&err);
	cr_expect_eq(gw_web_token_check(&id, session, d, "k", &err), ERR_NOTFOUND);
	cr_expect_eq(id, 0);
	err_release(&err);
	free(u);
	free(d);
	free(d2);
}

Test(web, a_report_id_is_no_unsubscribe_link_and_the_other_way_round)
{
	char *d = dlr_token(2, NULL), *u = token(2, NULL), *p = xstrfmt("/u/%s", d), *s;
	char *report = xstrfmt("/sms/dlr?id=%s&type=1&reply=DELIVRD", u);

	/* the id a provider saw in the callback URL: no page, no unsubscribing */
	cr_expect_eq(fetch(p, NULL, NULL, NULL), 404);
	cr_expect_eq(fetch(p, "confirm=1", NULL, NULL), 404);
	cr_expect_eq(fetch(p, "List-Unsubscribe=One-Click", NULL, NULL), 404);
	s = state();
	cr_expect_str_eq(s, nothing_done);
	free(s);
	/* an unsubscribe link's token makes no report */
	cr_expect_eq(fetch(report, NULL, NULL, NULL), 404);
	expect_value("SELECT status || coalesce(dlr_type::text, '') FROM crm.outbox WHERE id = 2", "sent");
	free(d);
	free(u);
	free(p);
	free(report);
}

/* ---- unsubscribe pages ---- */

Test(web, get_shows_a_page_and_changes_nothing)
{
	struct buf body = BUF_INIT, headers = BUF_INIT;
	char *p = upath(1), *s;

	cr_assert_eq(fetch(p, NULL, &body, &headers), 200);
	cr_expect(strstr(body.data, "退订 · Unsubscribe"), "%s", body.data);
	cr_expect(strstr(body.data, "不再向您发送营销邮件（Z***@Example.test）？"), "%s", body.data);
	cr_expect(strstr(body.data, "Stop marketing e-mail to Z***@Example.test?"), "%s", body.data);
	cr_expect(strstr(body.data, "<form method=\"post\">"), "%s", body.data);
	cr_expect(!strstr(body.data, "zhang"), "the page shows the whole address: %s", body.data);
	cr_expect(strstr(headers.data, "Content-Security-Policy: default-src 'self'"), "%s", headers.data);
	cr_expect(strstr(headers.data, "Content-Type: text/html; charset=utf-8"), "%s", headers.data);
	/* twice, as a mail scanner would: still nothing */
	cr_assert_eq(fetch(p, NULL, NULL, NULL), 200);
	s = state();
	cr_expect_str_eq(s, nothing_done);
	free(s);
	free(p);
	buf_release(&body);
	buf_release(&headers);
}

/* Recipients stored with what XML forbids (U+FFFE, U+FFFF, control
 * characters; no import lets them in, an older database may hold them):
 * every page about them is still XML, and shows whole characters. */
Test(web, pages_are_xml_whatever_the_recipient_holds)
{
	static const struct {
		long id;
		const char *ask, *done; /* in the page that asks, and the one after POST */
	} cases[] = {
		{ 6, "不再向您发送营销邮件（王***@例\xEF\xBF\xBD子.test）？",
		  "no more marketing e-mail to 王***@例\xEF\xBF\xBD子.test." },
		{ 7, "不再向您发送营销短信（*******80\xEF\xBF\xBD０）？",
		  "no more marketing text messages to *******80\xEF\xBF\xBD０." },
		{ 8, "不再向您发送营销邮件（a***@ex.test）？", "no more marketing e-mail to a***@ex.test." },
	};
	struct err err = ERR_INIT;
	struct buf body = BUF_INIT;
	char *text;

	assert_ok(crm_db_exec(session,
			      "INSERT INTO crm.outbox (id, campaign_id, channel, target_code, recipient, status)"
			      " OVERRIDING SYSTEM VALUE VALUES"
			      " (6, 1, 'email', 'X6', E'王\\uFFFE小\\u0007明@例\\uFFFF子.test', 'sent'),"
			      " (7, 2, 'sms', 'X7', E'138\\u0001 0013 80\\uFFFE０', 'sent'),"
			      " (8, 1, 'email', 'X8', E'a\\u001b[2J@ex.test', 'sent')",
			      &err),
		  &err);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = upath(cases[i].id);
		buf_reset(&body);
		cr_assert_eq(fetch(p, NULL, &body, NULL), 200);
		text = test_xml_text(body.data, body.len, p);
		cr_expect(strstr(text, cases[i].ask), "row %ld: %s", cases[i].id, text);
		free(text);
		buf_reset(&body);
		cr_assert_eq(fetch(p, "List-Unsubscribe=One-Click", &body, NULL), 200);
		text = test_xml_text(body.data, body.len, p);
		cr_expect(strstr(text, cases[i].done), "row %ld: %s", cases[i].id, text);
		free(text);
		free(p);
	}
	buf_reset(&body);
	cr_assert_eq(fetch("/u/6.forged", NULL, &body, NULL), 404);
	free(test_xml_text(body.data, body.len, "the page of a bad link"));
	buf_release(&body);
	err_release(&err);
}

Test(web, a_bad_or_forged_token_is_404_and_changes_nothing)
{
	char *t = token(1, NULL), *forged, *s, *unknown = upath(424242);
	struct buf body = BUF_INIT;

	t[strlen(t) - 1] = t[strlen(t) - 1] == 'x' ? 'y' : 'x';
	forged = xstrfmt("/u/%s", t);
	cr_expect_eq(fetch(forged, NULL, &body, NULL), 404);
	cr_expect(strstr(body.data, "链接无效 · Link not valid"), "%s", body.data);
	cr_expect_eq(fetch(forged, "confirm=1", NULL, NULL), 404);
	cr_expect_eq(fetch(forged, "List-Unsubscribe=One-Click", NULL, NULL), 404);
	cr_expect_eq(fetch("/u/", "confirm=1", NULL, NULL), 404);
	cr_expect_eq(fetch("/u/%3Cscript%3E", NULL, NULL, NULL), 404);
	/* a genuine signature for a row that does not exist */
	cr_expect_eq(fetch(unknown, NULL, NULL, NULL), 404);
	cr_expect_eq(fetch(unknown, "confirm=1", NULL, NULL), 404);
	s = state();
	cr_expect_str_eq(s, nothing_done);
	free(s);
	free(t);
	free(forged);
	free(unknown);
	buf_release(&body);
}

Test(web, post_unsubscribes_at_once_and_twice_is_the_same)
{
	struct buf body = BUF_INIT;
	char *p = upath(1), *s;

	cr_assert_eq(fetch(p, "confirm=1", &body, NULL), 200);
	cr_expect(strstr(body.data, "您已退订，不会再收到我们的营销邮件（Z***@Example.test）。"), "%s", body.data);
	cr_expect(!strstr(body.data, "<form"), "%s", body.data);
	s = state();
	cr_expect_str_eq(s, "K1:10 K2:00 K3:00 LK1:00 | email:zhang@example.test:unsubscribed");
	free(s);
	expect_value("SELECT outbox_id FROM crm.suppression", "1");
	buf_reset(&body);
	cr_assert_eq(fetch(p, "confirm=1", &body, NULL), 200);
	cr_expect(strstr(body.data, "您已退订"), "%s", body.data);
	s = state();
	cr_expect_str_eq(s, "K1:10 K2:00 K3:00 LK1:00 | email:zhang@example.test:unsubscribed");
	free(s);
	/* the page now says so */
	buf_reset(&body);
	cr_assert_eq(fetch(p, NULL, &body, NULL), 200);
	cr_expect(strstr(body.data, "您已退订"), "%s", body.data);
	/* a row without a contact: the address is suppressed */
	free(p);
	p = upath(5);
	cr_assert_eq(fetch(p, "confirm=1", NULL, NULL), 200);
	expect_value("SELECT count(*) FROM crm.suppression WHERE address = 'office@jia.example.test'", "1");
	free(p);
	buf_release(&body);
}

Test(web, one_click_post_of_rfc_8058)
{
	char *p = upath(3), *s;
	struct buf body = BUF_INIT;

	cr_assert_eq(fetch(p, "List-Unsubscribe=One-Click", &body, NULL), 200);
	cr_expect(strstr(body.data, "营销短信"), "%s", body.data);
	s = state();
	cr_expect_str_eq(s, "K1:00 K2:00 K3:00 LK1:01 | sms:13900139000:unsubscribed");
	free(s);
	free(p);
	buf_release(&body);
}

/* ---- delivery reports ---- */

/* A report as Kannel sends it: the id is the row's token signed for reports. */
static long dlr(long id, int type, const char *reply)
{
	char path[256];
	char *t = dlr_token(id, NULL);
	long status;
	snprintf(path, sizeof(path), "/sms/dlr?id=%s&type=%d&reply=%s&ts=%ld", t, type, reply, (long)time(NULL));
	status = fetch(path, NULL, NULL, NULL);
	free(t);
	return status;
}

Test(web, delivery_reports_in_any_order_end_delivered)
{
	char *first;

	cr_assert_eq(dlr(2, 8, "ACK%2F"), 200);
	expect_value("SELECT status || ' ' || dlr_type || ' ' || (delivered_at IS NULL) FROM crm.outbox WHERE id = 2",
		     "sent 8 true");
	cr_assert_eq(dlr(2, 1, "id%3A1+stat%3ADELIVRD"), 200);
	expect_value("SELECT status || ' ' || dlr_type || ' ' || dlr_reply FROM crm.outbox WHERE id = 2",
		     "delivered 1 id:1 stat:DELIVRD");
	first = value("SELECT delivered_at FROM crm.outbox WHERE id = 2");
	cr_assert_str_neq(first, "");
	/* a late 8, a repeated 1, a 2 after the 1: still delivered, at the first time */
	cr_assert_eq(dlr(2, 8, "ACK"), 200);
	cr_assert_eq(dlr(2, 1, "again"), 200);
	cr_assert_eq(dlr(2, 2, "late"), 200);
	expect_value("SELECT status || ' ' || dlr_type || ' ' || dlr_reply FROM crm.outbox WHERE id = 2",
		     "delivered 1 id:1 stat:DELIVRD");
	{
		char *again = value("SELECT delivered_at FROM crm.outbox WHERE id = 2");
		cr_expect_str_eq(again, first);
		free(again);
	}
	free(first);

	/* not delivered: failed, the reply kept; a late 8 keeps it failed */
	cr_assert_eq(dlr(4, 16, "stat%3AREJECTD"), 200);
	expect_value("SELECT status || ' ' || last_error FROM crm.outbox WHERE id = 4",
		     "failed not delivered (report 16): stat:REJECTD");
	cr_assert_eq(dlr(4, 8, "ACK"), 200);
	expect_value("SELECT status || ' ' || dlr_type FROM crm.outbox WHERE id = 4", "failed 16");

	/* malformed, unknown, or not an SMS */
	cr_expect_eq(fetch("/sms/dlr?type=1", NULL, NULL, NULL), 400);
	cr_expect_eq(fetch("/sms/dlr?id=2", NULL, NULL, NULL), 400);
	cr_expect_eq(fetch("/sms/dlr?id=2&type=3", NULL, NULL, NULL), 400);
	/* a bare or forged id: as if there were no such message, nothing changed */
	cr_expect_eq(fetch("/sms/dlr?id=4&type=1", NULL, NULL, NULL), 404);
	cr_expect_eq(fetch("/sms/dlr?id=4.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&type=1", NULL, NULL, NULL), 404);
	expect_value("SELECT status FROM crm.outbox WHERE id = 4", "failed");
	cr_expect_eq(dlr(999, 1, "x"), 404);
	cr_expect_eq(dlr(1, 1, "x"), 404);
	expect_value("SELECT status FROM crm.outbox WHERE id = 1", "sent");
}

Test(web, a_report_before_the_worker_records_sent)
{
	/* Kannel reports within milliseconds, before the worker has committed */
	expect_value("UPDATE crm.outbox SET status = 'sending' WHERE id IN (2, 4) RETURNING 'x'", "x");
	cr_assert_eq(dlr(2, 1, "DELIVRD"), 200);
	cr_assert_eq(dlr(4, 2, "UNDELIV"), 200);
	expect_value("UPDATE crm.outbox SET status = 'sent' WHERE id = 2 RETURNING status", "delivered");
	expect_value("UPDATE crm.outbox SET status = 'sent' WHERE id = 4 RETURNING status", "failed");
	/* a delivered row requeued (an unknown outcome to resend) is not sent again */
	expect_value("UPDATE crm.outbox SET status = 'queued' WHERE id = 2 RETURNING status", "delivered");
	/* a retry forgets what was reported about the earlier attempt */
	expect_value("UPDATE crm.outbox SET status = 'claimed' WHERE id = 4 RETURNING status || coalesce(dlr_type, 0)",
		     "claimed0");
}

/* ---- inbound texts ---- */

Test(web, stop_words)
{
	static const struct {
		const char *text;
		int stop;
	} cases[] = {
		{ "STOP", 1 },
		{ "stop", 1 },
		{ " Stop\n", 1 },
		{ "TD", 1 },
		{ "td", 1 },
		{ "T", 1 },
		{ "t ", 1 },
		{ "退订", 1 },
		{ "\xe3\x80\x80退订\xe3\x80\x80", 1 },
		{ " 退订 ", 1 },
		{ "", 0 },
		{ "  ", 0 },
		{ "STOPP", 0 },
		{ "please stop", 0 },
		{ "TDX", 0 },
		{ "退订吧", 0 },
		{ "S T O P", 0 },
		/* what people type: punctuation after it, full width, any case */
		{ "STOP.", 1 },
		{ "stop!", 1 },
		{ " Stop!!\n", 1 },
		{ "STOP ?", 1 },
		{ "Unsubscribe", 1 },
		{ "unsubscribe.", 1 },
		{ "ＳＴＯＰ", 1 },
		{ "ｓｔｏｐ！", 1 },
		{ "ＴＤ", 1 },
		{ "td.", 1 },
		{ "T.", 1 },
		{ "退订。", 1 },
		{ "退订！", 1 },
		{ "\xe3\x80\x80退订。\xe3\x80\x80", 1 },
		/* words that may cancel something else, and no word at all */
		{ "取消", 0 },
		{ "CANCEL", 0 },
		{ "stop it", 0 },
		{ "S.T.O.P", 0 },
		{ ".", 0 },
		{ "!!", 0 },
		{ "。", 0 },
		{ "STOP\xff", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		cr_expect_eq(gw_web_is_stop(cases[i].text), cases[i].stop, "'%s'", cases[i].text);
}

Test(web, inbound_stop_opts_the_number_out)
{
	struct buf body = BUF_INIT, headers = BUF_INIT;
	char *s;

	/* not a stop word: nothing */
	cr_assert_eq(fetch("/sms/in?" KEY "from=%2B8613800138000&to=10690000&text=hello", NULL, &body, NULL), 200);
	s = state();
	cr_expect_str_eq(s, nothing_done);
	free(s);
	cr_expect_eq(fetch("/sms/in?" KEY "text=TD", NULL, NULL, NULL), 400);

	/* 退订 from +86 13800138000: K1 and K3 write that number two other ways */
	cr_assert_eq(fetch("/sms/in?" KEY "from=%2B8613800138000&to=10690000&text=%20%E9%80%80%E8%AE%A2%20", NULL,
			   &body, &headers),
		     200);
	cr_expect_eq(body.len, 0, "a reply SMS: '%s'", body.data);
	s = state();
	/* one suppression row: the suppression list keeps a number in its national form */
	cr_expect_str_eq(s, "K1:01 K2:00 K3:01 LK1:00 | sms:13800138000:stop");
	free(s);
	/* again, and td from 13900139000 as the lead contact's 0086 form */
	cr_assert_eq(fetch("/sms/in?" KEY "from=%2B8613800138000&text=%E9%80%80%E8%AE%A2", NULL, NULL, NULL), 200);
	cr_assert_eq(fetch("/sms/in?" KEY "from=13900139000&text=td", NULL, NULL, NULL), 200);
	s = state();
	cr_expect_str_eq(s, "K1:01 K2:01 K3:01 LK1:01 | sms:13800138000:stop sms:13900139000:stop");
	free(s);
	buf_release(&body);
	buf_release(&headers);
}

Test(web, inbound_texts_need_the_key)
{
	static const char *const paths[] = {
		"/sms/in?from=13800138000&text=STOP",
		"/sms/in?key=&from=13800138000&text=STOP",
		"/sms/in?key=in-s3cret-2&from=13800138000&text=STOP",
		"/sms/in?key=in-s3cret-&from=13800138000&text=STOP",
		"/sms/in?key=in-s3cret-11&from=13800138000&text=STOP",
		"/sms/in?KEY=in-s3cret-1&from=13800138000&text=STOP",
	};
	char *s;

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		cr_expect_eq(fetch(paths[i], NULL, NULL, NULL), 403, "%s", paths[i]);
	/* the key anywhere in the query, escaped or not */
	cr_expect_eq(fetch("/sms/in?from=13800138000&text=STOP&key=in-s3cret%2D1", NULL, NULL, NULL), 200);
	s = state();
	cr_expect_str_eq(s, "K1:01 K2:00 K3:01 LK1:00 | sms:13800138000:stop");
	free(s);
}

Test(web, without_an_inbound_secret_inbound_texts_are_refused)
{
	struct err err = ERR_INIT;
	struct gw_web_options wopt = { &store, NULL, 1, NULL, NULL, NULL };
	struct http_options hopt = { .threads = 1 };
	struct gw_web *off;
	struct http_server *offsrv;
	struct http_routes routes = HTTP_ROUTES_INIT;
	struct buf body = BUF_INIT;
	char *s;

	assert_ok(gw_web_new(&off, &wopt, &err), &err);
	gw_web_routes(&routes, off);
	assert_ok(http_server_start(&offsrv, &hopt, routes.v, routes.nr, &err), &err);
	http_routes_release(&routes);
	cr_expect_eq(test_http(http_server_port(offsrv), NULL, "/sms/in?from=13800138000&text=STOP", NULL, NULL, &body,
			       NULL),
		     403);
	cr_expect(strstr(body.data, "not enabled"), "%s", body.data);
	cr_expect_eq(test_http(http_server_port(offsrv), NULL, "/sms/in?key=&from=13800138000&text=STOP", NULL, NULL,
			       NULL, NULL),
		     403);
	/* the rest of the server works */
	{
		char *p = upath(1);
		cr_expect_eq(test_http(http_server_port(offsrv), NULL, p, NULL, NULL, NULL, NULL), 200);
		free(p);
	}
	http_server_stop(offsrv);
	gw_web_free(off);
	s = state();
	cr_expect_str_eq(s, nothing_done);
	free(s);
	buf_release(&body);
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

Test(web, real_kannel_reports_and_inbound_stop, .timeout = 60)
{
	static const char vars[] = "KANNEL_DIR KANNEL_SENDSMS_URL KANNEL_USER KANNEL_PASS KANNEL_ADMIN_URL "
				   "KANNEL_ADMIN_PASS KANNEL_MO_PORT KANNEL_SMSC_LOG KANNEL_BB_PID KANNEL_SB_PID "
				   "KANNEL_FAKE_PID";
	char *file, *url, *user, *pass, *dlr_url;
	struct gw_sms_config cfg = { .provider = "kannel", .timeout_ms = 10000 };
	struct gw_sms_provider *p;
	struct gw_sms_result res;
	char *signed_id = dlr_token(2, NULL);
	struct gw_sms_msg msg = { signed_id, "13800138000", NULL, "你好，张三" };
	struct err err = ERR_INIT;
	struct stat st;

	if (stat("tests/servers/kannel.sh", &st) || access("/usr/sbin/bearerbox", X_OK) ||
	    access("/usr/sbin/smsbox", X_OK) || access("/usr/lib/kannel/test/fakesmsc", X_OK))
		cr_skip_test("Kannel is not installed (packages kannel and kannel-extras; make deps), or the test "
			     "does not run from the repository's top folder");
	file = xstrfmt("%s/kannel.env", dir);
	if (test_sh("SERVERS_DIR=tests/servers KANNEL_MO_URL='http://127.0.0.1:%u/sms/in?key=" INBOUND_KEY "'; "
		    "export KANNEL_MO_URL; "
		    ". tests/servers/kannel.sh && kannel_start && for v in %s; do eval \"echo $v=\\$$v\"; done >%s",
		    http_server_port(srv), vars, file)) {
		test_sh("SERVERS_DIR=tests/servers; set -a; . %s; set +a; . tests/servers/kannel.sh; kannel_stop",
			file);
		free(file);
		cr_skip_test("Kannel is installed but did not start here (see the log above)");
	}
	url = state_get(file, "KANNEL_SENDSMS_URL");
	user = state_get(file, "KANNEL_USER");
	pass = state_get(file, "KANNEL_PASS");
	dlr_url = xstrfmt("http://127.0.0.1:%u/sms/dlr", http_server_port(srv));
	cfg.url = url;
	cfg.username = user;
	cfg.password = pass;
	cfg.dlr_url = dlr_url;

	/* outbox row 2 goes out through Kannel, which reports 8, then 1 */
	gw_sms_result_init(&res);
	assert_ok(gw_sms_provider_open(&p, &cfg, &err), &err);
	expect_value("UPDATE crm.outbox SET status = 'sending' WHERE id = 2 RETURNING status", "sending");
	assert_ok(gw_sms_send(p, &msg, &res, &err), &err);
	gw_sms_provider_close(p);
	expect_value("UPDATE crm.outbox SET status = 'sent', sent_at = now() WHERE id = 2 RETURNING 'ok'", "ok");
	cr_expect(wait_for("SELECT status || ' ' || dlr_type FROM crm.outbox WHERE id = 2", "delivered 1"),
		  "no delivery report reached /sms/dlr");

	/* 退订 from the operator's network (sent as UCS-2, recoded by smsbox) */
	cr_expect_eq(test_sh("SERVERS_DIR=tests/servers; set -a; . %s; set +a; . tests/servers/kannel.sh; "
			     "kannel_mo +8613800138000 10690000 退订",
			     file),
		     0);
	cr_expect(wait_for("SELECT sms_opt_out::text FROM crm.contact WHERE code = 'K1'", "true"),
		  "the inbound 退订 did not opt K1 out");
	expect_value("SELECT string_agg(address, ' ' ORDER BY address) FROM crm.suppression WHERE reason = 'stop'",
		     "13800138000");

	test_sh("SERVERS_DIR=tests/servers; set -a; . %s; set +a; . tests/servers/kannel.sh; kannel_stop", file);
	gw_sms_result_release(&res);
	free(file);
	free(url);
	free(user);
	free(pass);
	free(dlr_url);
	free(signed_id);
}
