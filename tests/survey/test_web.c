/* tests/survey/test_web.c - the survey's link page as a respondent meets
 * it: the real `crmgate serve` on a free port of 127.0.0.1 against the test
 * PostgreSQL, spoken to with libcurl. The form with its security headers,
 * a post with a required answer missing (the form again, answers kept,
 * the error beside its question, markup escaped), a valid post (thanks,
 * the rows stored), the link again (already answered); token misuse
 * (unknown, truncated, tampered, an unsubscribe token, another survey's,
 * a closed survey's); oversized and malformed posts, which store nothing
 * and leave the link usable. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "gateway/web.h"
#include "survey/form.h"
#include "survey/response.h"
#include "survey/web.h"
#include "example.h"
#include "serve.h"
#include "key.h"

static const char english[] = "# Product feedback\n"
			      "1. Would you buy again? [single, required]\n"
			      "   A. Yes\n"
			      "   B. No\n";

static struct crm_db *conn;
static pid_t server;
static unsigned port;
static char *log_path;

static char *value(const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;

	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	return v ? v : xstrdup("");
}

#define expect_value(sql, want)                                                                                        \
	do {                                                                                                           \
		char *v_ = value(sql);                                                                                 \
		cr_expect_str_eq(v_, want, "%s", sql);                                                                 \
		free(v_);                                                                                              \
	} while (0)

/* Three contacts invited to 回访 (the questionnaire), the third
 * to "feedback" (English) as well, and the first and second to 旧, which
 * is closed; then crmgate serve. */
static void setup(void)
{
	struct err err = ERR_INIT;
	char *file;

	test_survey_key_set();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_fixture_init();
	test_import(db, dir, "customer", "code,name\nC1,甲公司\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,email\n"
		    "E1,C1,张三,zhang@example.test\nE2,C1,李四,li@example.test\nE3,C1,王五,wang@example.test\n");
	file = xstrfmt("%s/sat.txt", dir);
	test_write_file(file, example);
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", file), 0, "%s", errout.data);
	free(file);
	file = xstrfmt("%s/en.txt", dir);
	test_write_file(file, english);
	cr_assert_eq(crmgate("survey template add feedback '%s'", file), 0, "%s", errout.data);
	free(file);
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("survey create feedback --template feedback --targets contact --where \"code = 'E3'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch feedback --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("survey create 旧 --template 满意度 --targets contact --where \"code <> 'E3'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 旧 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("survey close 旧 --yes"), 0, "%s", errout.data);
	assert_ok(crm_db_connect(&conn, db, &err), &err);

	log_path = xstrfmt("%s/serve.log", dir);
	port = serve_start(&server, log_path, db);
}

static void teardown(void)
{
	if (server > 0) {
		kill(-server, SIGTERM);
		cr_expect_eq(test_wait(server, 10), 0, "crmgate serve did not stop cleanly");
	}
	server = 0;
	crm_db_free(conn);
	conn = NULL;
	free(log_path);
	test_fixture_fini();
	curl_global_cleanup();
}

TestSuite(survey_web, .init = setup, .fini = teardown, .timeout = 120);

static char *token_of(const char *survey, const char *code)
{
	return serve_token(conn, survey, code);
}

static size_t collect(char *data, size_t size, size_t n, void *to)
{
	buf_add(to, data, size * n);
	return size * n;
}

/* One request: method NULL is GET, or POST with body (len bytes) of
 * Content-Type type (NULL: none); "chunked" is that POST in chunks. lang: Accept-Language, or NULL. The
 * answer's body and headers into the bufs (reset first). Returns the
 * status, 0 when the transfer failed. */
static long request(const char *method, const char *path, const char *body, size_t len, const char *type,
		    const char *lang, struct buf *page, struct buf *headers)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char *url = xstrfmt("http://127.0.0.1:%u%s", port, path), *h;
	long status = 0;

	buf_reset(page);
	buf_reset(headers);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, page);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	/* curl would say x-www-form-urlencoded itself: say exactly what the test means */
	h = xstrfmt("Content-Type:%s%s", type ? " " : "", type ? type : "");
	hdrs = curl_slist_append(hdrs, h);
	free(h);
	if (lang) {
		h = xstrfmt("Accept-Language: %s", lang);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
	}
	if (method && !strcmp(method, "chunked"))
		hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (method && !strcmp(method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (method && !strcmp(method, "chunked"))
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, -1L);
	else if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	free(url);
	return status;
}

static long get(const char *path, const char *lang, struct buf *page, struct buf *headers)
{
	return request(NULL, path, NULL, 0, NULL, lang, page, headers);
}

static long post(const char *path, const char *body, struct buf *page, struct buf *headers)
{
	return request(NULL, path, body, strlen(body), "application/x-www-form-urlencoded", NULL, page, headers);
}

/* Does the answer carry header line (name and value, exactly)? */
static int has_header(const struct buf *headers, const char *line)
{
	const char *p = headers->data;
	size_t n = strlen(line);

	while ((p = strcasestr(p, line)))
		if ((p == headers->data || p[-1] == '\n') && p[n] == '\r')
			return 1;
		else
			p += n;
	return 0;
}

/* The headers every survey page carries, and an HTML body that is
 * well-formed. */
static void expect_survey_page(const struct buf *page, const struct buf *headers)
{
	static const char *const lines[] = {
		"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; form-action 'self';"
		" frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options: nosniff",
		"Referrer-Policy: no-referrer",
		"Cache-Control: no-store",
		"Content-Type: text/html; charset=utf-8",
	};
	char *text;

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		cr_expect(has_header(headers, lines[i]), "no '%s' in:\n%s", lines[i], headers->data);
	cr_expect_null(strstr(page->data, "<script"), "%s", page->data);
	text = test_xml_text(page->data, page->len, "the page");
	free(text);
}

static char *path_of(const char *token)
{
	return xstrfmt("/s/%s", token);
}

Test(survey_web, the_link_shows_the_form_with_its_headers)
{
	struct buf page = BUF_INIT, headers = BUF_INIT;
	char *tok = token_of("回访", "E1"), *path = path_of(tok), *action = xstrfmt("action=\"%s\"", tok);

	cr_assert_eq(get(path, NULL, &page, &headers), 200, "%s", page.data);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<html lang=\"zh-CN\">"), "the questionnaire's own language by default");
	cr_expect(strstr(page.data, "<title>客户满意度调查</title>"));
	cr_expect(strstr(page.data, action), "the form posts to its own link (relative to /s/):\n%s", page.data);
	cr_expect(strstr(page.data, "name=\"q2_other\""));
	cr_expect(strstr(page.data, ">提交</button>"));

	/* an English reader gets English chrome around the Chinese questions */
	cr_assert_eq(get(path, "en-GB,en;q=0.9,zh;q=0.5", &page, &headers), 200);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<html lang=\"en\">"));
	cr_expect(strstr(page.data, ">Submit</button>"));
	cr_expect(strstr(page.data, "您对我们的产品满意吗？"));

	/* HEAD answers like GET */
	cr_expect_eq(request("HEAD", path, NULL, 0, NULL, NULL, &page, &headers), 200);
	cr_expect(has_header(&headers, "Cache-Control: no-store"), "%s", headers.data);

	/* other methods are refused, and change nothing */
	cr_expect_eq(request("PUT", path, "q1=A", 4, "application/x-www-form-urlencoded", NULL, &page, &headers), 405);
	cr_expect(has_header(&headers, "Cache-Control: no-store"), "%s", headers.data);
	cr_expect(has_header(&headers, "Referrer-Policy: no-referrer"), "%s", headers.data);
	cr_expect_eq(request("DELETE", path, NULL, 0, NULL, NULL, &page, &headers), 405);
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	buf_release(&page);
	buf_release(&headers);
	free(action);
	free(path);
	free(tok);
}

Test(survey_web, a_missing_answer_shows_the_form_again_then_a_valid_post_is_stored_once)
{
	struct buf page = BUF_INIT, headers = BUF_INIT, thanks = BUF_INIT;
	char *tok = token_of("回访", "E1"), *path = path_of(tok);
	/* 1 (required) is not answered; 5 holds markup */
	static const char missing[] = "q2=A&q2=C&q2_other=%E4%BA%91%E6%9C%8D%E5%8A%A1&q3=4&q4=12.5"
				      "&q5=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%3Cb%3E%E5%A5%BD%3C%2Fb%3E";

	cr_assert_eq(post(path, missing, &page, &headers), 422, "%s", page.data);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<fieldset id=\"q1\" aria-describedby=\"q1-error\" aria-invalid=\"true\""), "%s",
		  page.data);
	cr_expect(strstr(page.data, "<div class=\"error\" id=\"q1-error\">\n<p>请回答这道题。</p>"), "%s", page.data);
	cr_expect_null(strstr(page.data, "q3-error"), "only the question with a problem has one");
	/* the answers are kept, the markup escaped */
	cr_expect(strstr(page.data, "name=\"q2\" value=\"A\" checked=\"checked\""), "%s", page.data);
	cr_expect(strstr(page.data, "name=\"q2\" value=\"C\" checked=\"checked\""), "%s", page.data);
	cr_expect_null(strstr(page.data, "name=\"q2\" value=\"B\" checked"), "%s", page.data);
	cr_expect(strstr(page.data, "value=\"云服务\""), "%s", page.data);
	cr_expect(strstr(page.data, "name=\"q3\" value=\"4\" checked=\"checked\""), "%s", page.data);
	cr_expect(strstr(page.data, "value=\"12.5\""), "%s", page.data);
	cr_expect(strstr(page.data, "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;好&lt;/b&gt;</textarea>"), "%s",
		  page.data);
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	expect_value("SELECT count(*) FROM crm.survey_invitation WHERE answered_at IS NOT NULL", "0");

	/* the same with question 1 answered: thanks, every answer stored */
	{
		char *valid = xstrfmt("q1=B&%s", missing);
		cr_assert_eq(post(path, valid, &thanks, &headers), 200, "%s", thanks.data);
		free(valid);
	}
	expect_survey_page(&thanks, &headers);
	cr_expect(strstr(thanks.data, "<h2>谢谢！</h2>"), "%s", thanks.data);
	expect_value("SELECT string_agg(format('%s|%s|%s|%s', question, label, value, text), ';'"
		     " ORDER BY question, label) FROM crm.survey_answer",
		     "1|B||;2|A||;2|C||云服务;3||4|;4||12.5|;5|||<script>alert(1)</script> <b>好</b>");
	expect_value("SELECT answered_by FROM crm.survey_invitation WHERE answered_at IS NOT NULL", "link");
	expect_value("SELECT count(*) FROM crm.survey_response", "1");

	/* the link again: already answered, by GET (200) and POST (409) */
	cr_expect_eq(get(path, NULL, &page, &headers), 200);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<h2>已经回答过了</h2>"), "%s", page.data);
	cr_expect_null(strstr(page.data, "<form"));
	cr_expect_eq(get(path, "en", &page, &headers), 200);
	cr_expect(strstr(page.data, "<h2>Already answered</h2>"), "%s", page.data);
	cr_expect_eq(post(path, "q1=A&q3=1", &page, &headers), 409);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<h2>已经回答过了</h2>"), "%s", page.data);
	expect_value("SELECT count(*) || '/' || (SELECT count(*) FROM crm.survey_answer) FROM crm.survey_response",
		     "1/6");
	expect_value("SELECT string_agg(label, '') FROM crm.survey_answer WHERE question = 1", "B");

	/* another invitation of the same survey is untouched */
	{
		char *tok2 = token_of("回访", "E2"), *path2 = path_of(tok2);
		cr_expect_eq(get(path2, NULL, &page, &headers), 200);
		cr_expect(strstr(page.data, "<form"));
		free(path2);
		free(tok2);
	}
	buf_release(&page);
	buf_release(&thanks);
	buf_release(&headers);
	free(path);
	free(tok);
}

Test(survey_web, a_bad_token_is_the_same_plain_404)
{
	struct buf page = BUF_INIT, headers = BUF_INIT, first = BUF_INIT;
	struct err err = ERR_INIT;
	char *tok = token_of("回访", "E1"), *unsub, *outbox;
	char bad[SURVEY_TOKEN_LEN + 2];
	struct buf u = BUF_INIT;
	long id;

	/* an unsubscribe link's token of the same invitation */
	outbox = value("SELECT outbox_id FROM crm.survey_invitation WHERE target_code = 'E1' LIMIT 1");
	id = strtol(outbox, NULL, 10);
	assert_ok(gw_web_token(&u, conn, id, NULL, &err), &err);
	unsub = xstrfmt("/s/%s", u.data);

	cr_assert_eq(get("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL, &first, &headers), 404);
	expect_survey_page(&first, &headers);
	cr_expect(strstr(first.data, "<h1>找不到页面</h1>"), "%s", first.data);
	{
		const char *paths[12];
		char *owned[6];
		size_t n = 0, k = 0;

		snprintf(bad, sizeof(bad), "%.*s", SURVEY_TOKEN_LEN - 1, tok); /* truncated */
		paths[n++] = owned[k++] = xstrfmt("/s/%s", bad);
		snprintf(bad, sizeof(bad), "%s", tok); /* one character changed */
		bad[20] = bad[20] == 'x' ? 'y' : 'x';
		paths[n++] = owned[k++] = xstrfmt("/s/%s", bad);
		paths[n++] = owned[k++] = xstrfmt("/s/%sA", tok); /* one added */
		paths[n++] = owned[k++] = xstrfmt("/s/%s/", tok);
		paths[n++] = owned[k++] = xstrfmt("/s/%s?x=1/../", bad);
		paths[n++] = unsub;
		paths[n++] = "/s/";
		paths[n++] = "/s/%00";
		paths[n++] = "/s/..%2F..%2Fetc%2Fpasswd";
		paths[n++] = "/s/%3Cscript%3E";
		for (size_t i = 0; i < n; i++) {
			cr_expect_eq(get(paths[i], "zh-CN", &page, &headers), 404, "%s", paths[i]);
			cr_expect_str_eq(page.data, first.data, "%s", paths[i]);
			cr_expect_eq(post(paths[i], "q1=A&q3=1", &page, &headers), 404, "%s", paths[i]);
			cr_expect_str_eq(page.data, first.data, "%s", paths[i]);
		}
		for (size_t i = 0; i < k; i++)
			free(owned[i]);
	}
	/* the real token still works, and nothing was stored */
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	{
		char *path = path_of(tok);
		cr_expect_eq(get(path, NULL, &page, &headers), 200);
		free(path);
	}
	buf_release(&u);
	buf_release(&page);
	buf_release(&first);
	buf_release(&headers);
	err_release(&err);
	free(unsub);
	free(outbox);
	free(tok);
}

Test(survey_web, another_surveys_token_answers_that_survey_only)
{
	struct buf page = BUF_INIT, headers = BUF_INIT;
	char *tok = token_of("feedback", "E3"), *path = path_of(tok);

	cr_assert_eq(get(path, NULL, &page, &headers), 200);
	cr_expect(strstr(page.data, "<html lang=\"en\">"), "an English questionnaire: English by default");
	cr_expect(strstr(page.data, "<title>Product feedback</title>"), "%s", page.data);
	cr_expect_null(strstr(page.data, "满意"));
	/* its own questions: question 2 of the other questionnaire is no field here */
	cr_expect_eq(post(path, "q1=A&q2=A", &page, &headers), 400);
	expect_survey_page(&page, &headers);
	cr_expect_eq(post(path, "q1=A", &page, &headers), 200);
	expect_value("SELECT s.name || ':' || i.target_code FROM crm.survey_invitation i JOIN crm.survey s"
		     " ON s.id = i.survey_id WHERE i.answered_at IS NOT NULL",
		     "feedback:E3");
	expect_value("SELECT count(*) FROM crm.survey_answer", "1");
	/* E3's invitation to 回访 is still open */
	{
		char *tok2 = token_of("回访", "E3"), *path2 = path_of(tok2);
		cr_expect_eq(get(path2, NULL, &page, &headers), 200);
		cr_expect(strstr(page.data, "<form"));
		free(path2);
		free(tok2);
	}
	buf_release(&page);
	buf_release(&headers);
	free(path);
	free(tok);
}

Test(survey_web, a_closed_survey_says_so_and_stores_nothing)
{
	struct buf page = BUF_INIT, headers = BUF_INIT;
	char *tok = token_of("旧", "E1"), *path = path_of(tok);

	cr_assert_eq(get(path, NULL, &page, &headers), 410, "%s", page.data);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<h2>调查已结束</h2>"), "%s", page.data);
	cr_expect_null(strstr(page.data, "<form"));
	cr_expect_eq(post(path, "q1=A&q3=1", &page, &headers), 410);
	expect_survey_page(&page, &headers);
	cr_expect_eq(get(path, "en-US", &page, &headers), 410);
	cr_expect(strstr(page.data, "<h2>Survey closed</h2>"), "%s", page.data);
	expect_value("SELECT count(*) FROM crm.survey_response", "0");

	/* a survey closed while its form is open: the post says closed */
	{
		char *tok2 = token_of("回访", "E2"), *path2 = path_of(tok2);
		cr_expect_eq(get(path2, NULL, &page, &headers), 200);
		cr_assert_eq(crmgate("survey close 回访 --yes"), 0, "%s", errout.data);
		cr_expect_eq(post(path2, "q1=A&q3=1", &page, &headers), 410);
		cr_expect(strstr(page.data, "<h2>调查已结束</h2>"), "%s", page.data);
		free(path2);
		free(tok2);
	}
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	buf_release(&page);
	buf_release(&headers);
	free(path);
	free(tok);
}

/* Posts no browser sends from the form: each refused with a survey page
 * (the ones common/httpd answers before the route too: too large, or a NUL
 * in the query), nothing stored, the link still usable. */
static const struct {
	const char *name;
	const char *body; /* NULL: a 1 MB body */
	const char *type;
	long status;
	const char *query; /* after the link */
} bad_posts[] = {
	{ "a bad %-escape", "q1=A&q3=%zz", "application/x-www-form-urlencoded", 400, "" },
	{ "a cut %-escape", "q1=A&q3=4&q5=%E", "application/x-www-form-urlencoded", 400, "" },
	{ "invalid UTF-8, escaped", "q1=A&q3=4&q5=%FF%FE", "application/x-www-form-urlencoded", 400, "" },
	{ "invalid UTF-8, raw", "q1=A&q3=4&q5=\xC3\x28", "application/x-www-form-urlencoded", 400, "" },
	{ "a NUL", "q1=A&q3=4&q5=a%00b", "application/x-www-form-urlencoded", 400, "" },
	{ "a NUL in the query", "q1=A&q3=4", "application/x-www-form-urlencoded", 400, "?x=%00" },
	{ "a single field twice", "q1=A&q1=B&q3=4", "application/x-www-form-urlencoded", 400, "" },
	{ "a field of no question", "q1=A&q3=4&q9=1", "application/x-www-form-urlencoded", 400, "" },
	{ "an option that is not a letter", "q1=%E7%94%B2&q3=4", "application/x-www-form-urlencoded", 400, "" },
	{ "1 MB", NULL, "application/x-www-form-urlencoded", 413, "" },
	{ "text/plain", "q1=A&q3=4", "text/plain", 415, "" },
	{ "multipart", "q1=A&q3=4", "multipart/form-data; boundary=x", 415, "" },
	{ "JSON", "{\"q1\":\"A\",\"q3\":4}", "application/json", 415, "" },
	{ "no content type", "q1=A&q3=4", NULL, 415, "" },
	{ "a look-alike type", "q1=A&q3=4", "application/x-www-form-urlencodedx", 415, "" },
};

ParameterizedTestParameters(survey_web, malformed_posts)
{
	TEST_CASE_INDICES(bad_posts);
}

ParameterizedTest(size_t *i, survey_web, malformed_posts)
{
	struct buf page = BUF_INIT, headers = BUF_INIT, big = BUF_INIT;
	char *tok = token_of("回访", "E1"), *path = path_of(tok), *url = xstrfmt("%s%s", path, bad_posts[*i].query);
	const char *body = bad_posts[*i].body;
	long status;

	if (!body) {
		buf_adds(&big, "q1=A&q3=4&q5=");
		while (big.len < 1024 * 1024)
			buf_adds(&big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		body = big.data;
	}
	status = request(NULL, url, body, strlen(body), bad_posts[*i].type, NULL, &page, &headers);
	cr_expect_eq(status, bad_posts[*i].status, "%s: %ld\n%s", bad_posts[*i].name, status, page.data);
	expect_survey_page(&page, &headers);
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	/* the link still works */
	cr_expect_eq(post(path, "q1=A&q3=4", &page, &headers), 200, "%s", bad_posts[*i].name);
	expect_value("SELECT count(*) FROM crm.survey_answer", "2");
	buf_release(&big);
	buf_release(&page);
	buf_release(&headers);
	free(url);
	free(path);
	free(tok);
}

/* A post past the server's body limit is refused by common/httpd before
 * the route, with the survey's own page and headers all the same: whether
 * its Content-Length says so at once or its chunks run over. */
Test(survey_web, an_oversized_post_gets_the_survey_s_too_large_page)
{
	struct buf page = BUF_INIT, headers = BUF_INIT, big = BUF_INIT;
	char *tok = token_of("回访", "E1"), *path = path_of(tok);

	buf_adds(&big, "q1=A&q3=4&q5=");
	while (big.len <= SURVEY_WEB_BODY_MAX)
		buf_adds(&big, "%E5%A5%BD");
	cr_expect_eq(request(NULL, path, big.data, big.len, "application/x-www-form-urlencoded", NULL, &page, &headers),
		     413);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<h1>内容太长</h1>"), "%s", page.data);
	cr_expect_eq(request(NULL, path, big.data, big.len, "application/x-www-form-urlencoded", "en", &page, &headers),
		     413);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<h1>Too long</h1>"), "%s", page.data);
	/* chunked: no length to refuse it by, read until it runs over */
	cr_expect_eq(request("chunked", path, big.data, big.len, "application/x-www-form-urlencoded", "en", &page,
			     &headers),
		     413);
	expect_survey_page(&page, &headers);
	cr_expect(strstr(page.data, "<h1>Too long</h1>"), "%s", page.data);
	expect_value("SELECT count(*) FROM crm.survey_response", "0");
	buf_release(&big);
	buf_release(&page);
	buf_release(&headers);
	free(path);
	free(tok);
}

/* A long questionnaire is answered whole: sixty multiple choices with
 * every option and an [other] text each, and a long free text in Chinese
 * (percent-encoded, nine bytes a character), in one post. */
Test(survey_web, a_long_questionnaire_is_answered_whole)
{
	enum { QUESTIONS = 60 };
	struct buf tpl = BUF_INIT, body = BUF_INIT, page = BUF_INIT, headers = BUF_INIT;
	char *file = xstrfmt("%s/long.txt", dir), *tok, *path;

	buf_adds(&tpl, "# 长问卷\n");
	for (int q = 1; q <= QUESTIONS; q++)
		buf_addf(&tpl, "%d. 问题%d [multi]\n   A. 甲\n   B. 乙\n   C. 丙\n   D. 其他 [other]\n", q, q);
	buf_addf(&tpl, "%d. 建议 [text]\n", QUESTIONS + 1);
	test_write_file(file, tpl.data);
	cr_assert_eq(crmgate("survey template add 长问卷 '%s'", file), 0, "%s", errout.data);
	cr_assert_eq(crmgate("survey create 长 --template 长问卷 --targets contact --where \"code = 'E2'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 长 --yes"), 0, "%s", errout.data);
	for (int q = 1; q <= QUESTIONS; q++)
		buf_addf(&body, "%sq%d=A&q%d=B&q%d=C&q%d=D&q%d_other=%%E5%%AE%%9A", q > 1 ? "&" : "", q, q, q, q, q);
	buf_addf(&body, "&q%d=", QUESTIONS + 1);
	for (int i = 0; i < SURVEY_FORM_MAXLENGTH; i++)
		buf_adds(&body, "%E5%A5%BD"); /* 好 */
	tok = token_of("长", "E2");
	path = path_of(tok);
	cr_expect_eq(post(path, body.data, &page, &headers), 200, "%zu bytes, %d fields: %s", body.len,
		     QUESTIONS * 5 + 1, page.data);
	expect_value("SELECT count(*) FROM crm.survey_answer a JOIN crm.survey_response r ON r.id = a.response_id"
		     " JOIN crm.survey s ON s.id = r.survey_id WHERE s.name = '长'",
		     "241");
	buf_release(&tpl);
	buf_release(&body);
	buf_release(&page);
	buf_release(&headers);
	free(path);
	free(tok);
	free(file);
}
