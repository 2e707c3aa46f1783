/* tests/common/test_httpd.c - the HTTP server, spoken to with libcurl and raw sockets
 * on 127.0.0.1 only. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "common/httpd.h"
#include "common/xalloc.h"

/* ---- handlers ---- */

static int h_echo(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	(void)ctx;
	(void)err;
	buf_addf(&out->body, "%s %s\n", req->method, req->path);
	for (size_t i = 0; i < req->params_nr; i++)
		buf_addf(&out->body, "%s=%s\n", req->params[i].name, req->params[i].value);
	http_reply_text(out, 200, NULL);
	return 0;
}

static int h_token(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	(void)ctx;
	(void)err;
	buf_addf(&out->body, "token=%s", req->rest);
	http_reply_text(out, 200, NULL);
	return 0;
}

static int h_page(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	const char *q = http_param(req, "q");
	(void)ctx;
	(void)err;
	buf_adds(&out->body, "<!doctype html><p title=\"");
	http_html_escape(&out->body, q ? q : "");
	buf_adds(&out->body, "\">");
	http_html_escape(&out->body, q ? q : "");
	buf_adds(&out->body, "</p>");
	http_reply_html(out, 200, NULL);
	return 0;
}

static int h_fail(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	(void)out;
	(void)req;
	(void)ctx;
	return err_set(err, ERR_DB, "could not connect to 'secret-db-host'");
}

static int h_body(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	const char *type = http_header(req, "content-type");
	(void)ctx;
	(void)err;
	buf_addf(&out->body, "{\"len\":%zu,\"type\":\"%s\",\"from\":\"%s\"}", req->body.len, type ? type : "",
		 req->remote);
	http_reply_json(out, 201, NULL);
	return 0;
}

static int h_redirect(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	(void)ctx;
	return http_redirect(out, 303, http_param(req, "to") ? http_param(req, "to") : "/", err);
}

static const struct http_route routes[] = {
	{ "GET", "/echo", h_echo, NULL, 0, NULL },	   { "POST", "/form", h_echo, NULL, 0, NULL },
	{ NULL, "/any", h_echo, NULL, 0, NULL },	   { "GET", "/u/", h_token, NULL, 0, NULL },
	{ "GET", "/page", h_page, NULL, 0, NULL },	   { "GET", "/fail", h_fail, NULL, 0, NULL },
	{ "GET", "/fail/", h_fail, NULL, 0, NULL },	   { "POST", "/body", h_body, NULL, 0, NULL },
	{ "GET", "/redirect", h_redirect, NULL, 0, NULL },
};

/* ---- clients ---- */

static struct http_server *start(const struct http_options *opt)
{
	struct http_server *srv;
	struct err err = ERR_INIT;
	assert_ok(http_server_start(&srv, opt, routes, ARRAY_SIZE(routes), &err), &err);
	cr_assert(http_server_port(srv) > 0);
	return srv;
}

/* One request with libcurl (testlib's test_http). */
#define fetch test_http

static long get(unsigned port, const char *path, struct buf *body, struct buf *headers)
{
	return fetch(port, NULL, path, NULL, NULL, body, headers);
}

static int dial(unsigned port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	cr_assert(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Send data (len bytes), then read until the server closes or 5 s pass. */
static void raw(unsigned port, const char *data, size_t len, int shut, struct buf *reply)
{
	int fd = dial(port);
	char chunk[4096];
	ssize_t n;

	for (size_t off = 0; off < len;) {
		n = send(fd, data + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the server may hang up on a request it refuses */
		off += (size_t)n;
	}
	if (shut)
		shutdown(fd, SHUT_WR);
	while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
		buf_add(reply, chunk, (size_t)n);
	close(fd);
}

static void raws(unsigned port, const char *data, int shut, struct buf *reply)
{
	raw(port, data, strlen(data), shut, reply);
}

static void assert_still_serving(unsigned port)
{
	struct buf body = BUF_INIT;
	cr_assert_eq(get(port, "/echo?ok=1", &body, NULL), 200);
	cr_assert_str_eq(body.data, "GET /echo\nok=1\n");
	buf_release(&body);
}

static void setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void teardown(void)
{
	curl_global_cleanup();
}

TestSuite(http, .init = setup, .fini = teardown);

/* ---- requests ---- */

/* One request, one answer: the cases that need no more than status and body. */
static const struct exchange {
	const char *what, *path, *post, *type;
	long status;
	const char *body;
} exchanges[] = {
	{ "percent-encoded UTF-8 in the query", "/echo?name=%E5%BC%A0%E4%B8%89&city=Z%C3%BCrich&sp=a%20b&flag", NULL,
	  NULL, 200, "GET /echo\nname=张三\ncity=Zürich\nsp=a b\nflag=\n" },
	{ "form fields after the query", "/form?src=mail", "name=%E6%9D%8E%E5%9B%9B&flag&msg=hello+world&empty=&last",
	  "application/x-www-form-urlencoded", 200,
	  "POST /form\nsrc=mail\nname=李四\nflag=\nmsg=hello world\nempty=\nlast=\n" },
	{ "a body of another type, headers, the client", "/body", "{\"id\":1}", "application/json", 201,
	  "{\"len\":8,\"type\":\"application/json\",\"from\":\"127.0.0.1\"}" },
	{ "a prefix route", "/u/AbC-123_x", NULL, NULL, 200, "token=AbC-123_x" },
	{ "a prefix route, nothing after", "/u/", NULL, NULL, 200, "token=" },
	{ "the prefix without its slash", "/u", NULL, NULL, 404, "not found\n" },
	{ "an exact route is not a prefix", "/echo/more", NULL, NULL, 404, "not found\n" },
	{ "no route", "/nope", NULL, NULL, 404, "not found\n" },
	{ "a failing handler: details only in the log", "/fail", NULL, NULL, 500, "internal server error\n" },
};

Test(http, exchanges)
{
	struct http_server *srv = start(NULL);
	struct buf body = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(exchanges); i++) {
		const struct exchange *x = &exchanges[i];
		buf_reset(&body);
		cr_expect_eq(fetch(http_server_port(srv), NULL, x->path, x->post, x->type, &body, NULL), x->status,
			     "%s: not %ld", x->what, x->status);
		cr_expect_str_eq(body.data, x->body, "%s", x->what);
	}
	buf_release(&body);
	http_server_stop(srv);
}

Test(http, long_form_value_arrives_whole)
{
	struct http_server *srv = start(NULL);
	struct buf post = BUF_INIT, body = BUF_INIT, want = BUF_INIT;

	buf_adds(&post, "a=");
	for (int i = 0; i < 5000; i++)
		buf_adds(&post, "%E4%B8%AD"); /* 中 */
	buf_adds(&post, "&b=2");
	buf_adds(&want, "POST /form\na=");
	for (int i = 0; i < 5000; i++)
		buf_adds(&want, "中");
	buf_adds(&want, "\nb=2\n");
	cr_assert_eq(fetch(http_server_port(srv), NULL, "/form", post.data, "application/x-www-form-urlencoded", &body,
			   NULL),
		     200);
	cr_assert_str_eq(body.data, want.data);
	buf_release(&post);
	buf_release(&body);
	buf_release(&want);
	http_server_stop(srv);
}

Test(http, wrong_method_is_405_with_allow)
{
	struct http_server *srv = start(NULL);
	unsigned port = http_server_port(srv);
	struct buf body = BUF_INIT, headers = BUF_INIT;

	cr_assert_eq(fetch(port, NULL, "/echo", "a=1", "application/x-www-form-urlencoded", NULL, &headers), 405);
	cr_assert(strstr(headers.data, "Allow: GET, HEAD\r\n"), "%s", headers.data);
	buf_reset(&headers);
	cr_assert_eq(fetch(port, "PUT", "/form", "a=1", "text/plain", NULL, &headers), 405);
	cr_assert(strstr(headers.data, "Allow: POST\r\n"), "%s", headers.data);
	buf_reset(&headers);
	cr_assert_eq(fetch(port, "DELETE", "/any", NULL, NULL, NULL, &headers), 405);
	cr_assert(strstr(headers.data, "Allow: GET, HEAD, POST\r\n"), "%s", headers.data);
	cr_assert_eq(fetch(port, NULL, "/any", "x=1", "application/x-www-form-urlencoded", NULL, NULL), 200);
	cr_assert_eq(get(port, "/any", NULL, NULL), 200);
	/* HEAD on a GET route: the headers, no body */
	buf_reset(&body);
	raws(port, "HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0, &body);
	cr_assert(!strncmp(body.data, "HTTP/1.1 200 ", 13), "%s", body.data);
	cr_assert(!strcmp(body.data + body.len - 4, "\r\n\r\n"), "%s", body.data);
	buf_release(&body);
	buf_release(&headers);
	http_server_stop(srv);
}

Test(http, large_body_is_413)
{
	struct http_options opt = { .max_body = 1024 };
	struct http_server *srv = start(&opt);
	unsigned port = http_server_port(srv);
	struct buf post = BUF_INIT, reply = BUF_INIT;
	char head[256];

	for (int i = 0; i < 100 * 1024; i++)
		buf_addch(&post, 'x');
	cr_assert_eq(fetch(port, NULL, "/body", post.data, "text/plain", NULL, NULL), 413);
	buf_truncate(&post, 1024);
	cr_assert_eq(fetch(port, NULL, "/body", post.data, "text/plain", NULL, NULL), 201);
	/* chunked, so no Content-Length to refuse early: read to the end, then 413 */
	snprintf(head, sizeof(head),
		 "POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
		 "%x\r\n",
		 2000);
	buf_reset(&post);
	buf_adds(&post, head);
	for (int i = 0; i < 2000; i++)
		buf_addch(&post, 'y');
	buf_adds(&post, "\r\n0\r\n\r\n");
	raw(port, post.data, post.len, 0, &reply);
	cr_assert(!strncmp(reply.data, "HTTP/1.1 413 ", 13), "%s", reply.data);
	assert_still_serving(port);
	buf_release(&post);
	buf_release(&reply);
	http_server_stop(srv);
}

Test(http, too_many_params_or_nul_is_400)
{
	struct http_options opt = { .max_params = 3 };
	struct http_server *srv = start(&opt);
	unsigned port = http_server_port(srv);

	cr_assert_eq(get(port, "/echo?a=1&b=2&c=3", NULL, NULL), 200);
	cr_assert_eq(get(port, "/echo?a=1&b=2&c=3&d=4", NULL, NULL), 400);
	cr_assert_eq(fetch(port, NULL, "/form?a=1&b=2", "c=3&d=4", "application/x-www-form-urlencoded", NULL, NULL),
		     400);
	cr_assert_eq(get(port, "/echo?a=x%00y", NULL, NULL), 400);
	cr_assert_eq(fetch(port, NULL, "/form", "a=x%00y", "application/x-www-form-urlencoded", NULL, NULL), 400);
	http_server_stop(srv);
}

/* A route that reads its form itself: its fields are no parameters, and
 * do not count against max_params; its query still does. */
Test(http, a_raw_form_route_reads_its_own_body_past_max_params)
{
	static const struct http_route raw_routes[] = {
		{ "POST", "/raw", h_echo, NULL, HTTP_ROUTE_RAW_FORM, NULL },
		{ "POST", "/form", h_echo, NULL, 0, NULL },
	};
	struct http_options opt = { .max_params = 3 };
	struct http_server *srv;
	struct err err = ERR_INIT;
	struct buf post = BUF_INIT, body = BUF_INIT;
	unsigned port;

	assert_ok(http_server_start(&srv, &opt, raw_routes, ARRAY_SIZE(raw_routes), &err), &err);
	port = http_server_port(srv);
	for (int i = 0; i < 5000; i++)
		buf_addf(&post, "%sq%d=A", i ? "&" : "", i);
	cr_expect_eq(fetch(port, NULL, "/raw?src=x", post.data, "application/x-www-form-urlencoded", &body, NULL), 200,
		     "%s", body.data);
	cr_expect_str_eq(body.data, "POST /raw\nsrc=x\n", "the fields stay in the body, unparsed");
	cr_expect_eq(fetch(port, NULL, "/raw?a=x%00y", "q=1", "application/x-www-form-urlencoded", NULL, NULL), 400);
	cr_expect_eq(fetch(port, NULL, "/raw?a&b&c&d", "q=1", "application/x-www-form-urlencoded", NULL, NULL), 400);
	/* another route on the same server keeps the limit on its fields */
	cr_expect_eq(fetch(port, NULL, "/form", post.data, "application/x-www-form-urlencoded", NULL, NULL), 400);
	buf_release(&post);
	buf_release(&body);
	http_server_stop(srv);
}

/* ---- responses ---- */

Test(http, html_escapes_and_secures)
{
	struct http_server *srv = start(NULL);
	struct buf body = BUF_INIT, headers = BUF_INIT;

	cr_assert_eq(get(http_server_port(srv), "/page?q=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E%27%26", &body,
			 &headers),
		     200);
	cr_assert_str_eq(body.data,
			 "<!doctype html><p title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;\">"
			 "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;</p>");
	cr_assert(strstr(headers.data, "Content-Type: text/html; charset=utf-8\r\n"), "%s", headers.data);
	cr_assert(strstr(headers.data, "Content-Security-Policy: default-src 'self'"), "%s", headers.data);
	cr_assert(strstr(headers.data, "X-Content-Type-Options: nosniff\r\n"), "%s", headers.data);
	cr_assert(strstr(headers.data, "Referrer-Policy: no-referrer\r\n"), "%s", headers.data);
	buf_release(&body);
	buf_release(&headers);
	http_server_stop(srv);
}

Test(http, redirect_refuses_header_injection)
{
	struct http_server *srv = start(NULL);
	unsigned port = http_server_port(srv);
	struct buf headers = BUF_INIT;

	cr_assert_eq(get(port, "/redirect?to=%2Fthanks", NULL, &headers), 303);
	cr_assert(strstr(headers.data, "Location: /thanks\r\n"), "%s", headers.data);
	buf_reset(&headers);
	cr_assert_eq(get(port, "/redirect?to=%2Fx%0D%0ASet-Cookie:%20a=b", NULL, &headers), 500);
	cr_assert(!strstr(headers.data, "Set-Cookie"), "%s", headers.data);
	buf_release(&headers);
	http_server_stop(srv);
}

Test(http, html_escape_and_header_checks)
{
	struct buf b = BUF_INIT;
	struct http_response res;
	struct err err = ERR_INIT;

	http_html_escape(&b, "a<b>&\"c'd 中");
	cr_assert_str_eq(b.data, "a&lt;b&gt;&amp;&quot;c&#39;d 中");
	buf_release(&b);
	b.cap = 8;
	buf_adds(&b, "ok:");
	cr_assert_eq(http_html_escape(&b, "<<"), -1);
	cr_assert_str_eq(b.data, "ok:");
	buf_release(&b);

	http_response_init(&res);
	cr_assert_eq(http_response_header(&res, "X-A", "1\r\nX-B: 2", &err), ERR_INPUT);
	cr_assert_eq(res.headers_nr, 0);
	err_release(&err);
	assert_ok(http_response_header(&res, "X-A", "1\t2", &err), &err);
	cr_assert_eq(res.headers_nr, 1);
	http_response_release(&res);
}

/* ---- many clients, bad clients ---- */

struct client {
	unsigned port;
	int id;
	int ok;
};

static void *client_run(void *arg)
{
	struct client *c = arg;
	struct buf body = BUF_INIT;
	char path[64], want[64];

	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/echo?c=%d&i=%d", c->id, i);
		snprintf(want, sizeof(want), "GET /echo\nc=%d\ni=%d\n", c->id, i);
		buf_reset(&body);
		if (get(c->port, path, &body, NULL) == 200 && !strcmp(body.data, want))
			c->ok++;
	}
	buf_release(&body);
	return NULL;
}

Test(http, concurrent_clients)
{
	struct http_server *srv = start(NULL);
	pthread_t th[8];
	struct client cl[8];

	for (int i = 0; i < 8; i++) {
		cl[i] = (struct client){ http_server_port(srv), i, 0 };
		cr_assert_eq(pthread_create(&th[i], NULL, client_run, &cl[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(cl[i].ok, 20, "client %d: %d of 20 answered right", i, cl[i].ok);
	}
	http_server_stop(srv);
}

Test(http, malformed_requests)
{
	/* a short timeout: a client that stops halfway is dropped within it */
	struct http_options opt = { .timeout = 1 };
	struct http_server *srv = start(&opt);
	unsigned port = http_server_port(srv);
	struct buf req = BUF_INIT, reply = BUF_INIT;

	/* a garbage request line */
	raw(port, "\x01\x02 garbage \xff\r\n\r\n", 16, 0, &reply);
	cr_assert(!strncmp(reply.data, "HTTP/1.1 400 ", 13), "%s", reply.data);
	assert_still_serving(port);

	/* a header larger than the connection's memory */
	buf_reset(&reply);
	buf_adds(&req, "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: ");
	for (int i = 0; i < 200 * 1024; i++)
		buf_addch(&req, 'h');
	buf_adds(&req, "\r\n\r\n");
	raw(port, req.data, req.len, 0, &reply);
	cr_assert(!strncmp(reply.data, "HTTP/1.1 431 ", 13), "%s", reply.data);
	assert_still_serving(port);

	/* a body cut short by the client, which then waits: it gets no answer,
	 * and the connection is closed when the timeout strikes */
	buf_reset(&reply);
	raws(port,
	     "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	     "Content-Length: 1000\r\n\r\na=1&b=",
	     1, &reply);
	cr_assert(!strstr(reply.data, "HTTP/1.1 200"), "%s", reply.data);
	assert_still_serving(port);

	/* a client that goes away halfway through its body */
	{
		int fd = dial(port);
		const char *part = "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc";
		cr_assert_eq(send(fd, part, strlen(part), MSG_NOSIGNAL), (ssize_t)strlen(part));
		close(fd);
	}
	assert_still_serving(port);

	/* a request line without a version, and a bad Content-Length */
	buf_reset(&reply);
	raws(port, "GET /echo\r\n\r\n", 1, &reply);
	cr_assert(!strncmp(reply.data, "HTTP/1.1 400 ", 13), "%s", reply.data);
	buf_reset(&reply);
	raws(port, "POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 1, &reply);
	cr_assert(!strncmp(reply.data, "HTTP/1.1 400 ", 13), "%s", reply.data);
	assert_still_serving(port);

	buf_release(&req);
	buf_release(&reply);
	http_server_stop(srv);
}

Test(http, idle_connection_times_out)
{
	struct http_options opt = { .timeout = 1 };
	struct http_server *srv = start(&opt);
	struct buf reply = BUF_INIT;
	time_t t0 = time(NULL);

	raws(http_server_port(srv), "GET /echo HTTP/1.1\r\n", 0, &reply);
	cr_assert(time(NULL) - t0 <= 4, "the server kept an idle connection for %ld s", (long)(time(NULL) - t0));
	cr_assert(!strstr(reply.data, " 200 "), "%s", reply.data);
	buf_release(&reply);
	http_server_stop(srv);
}

/* Has the server closed fd? (Waits up to ms for it to say.) */
static int closed_by_server(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* Seconds since t0 (CLOCK_MONOTONIC). */
static double since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Send data one byte every 200 ms until the server closes the connection
 * or 6 s pass; the seconds it took (6 or more: never closed). */
static double trickle(int fd, const char *data)
{
	struct timespec t0;
	size_t len = strlen(data);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0;; i = (i + 1) % len)
		if (since(&t0) >= 6 || send(fd, data + i, 1, MSG_NOSIGNAL) != 1 || closed_by_server(fd, 200))
			break;
	return since(&t0);
}

Test(http, a_request_trickled_byte_by_byte_is_cut_at_its_deadline)
{
	/* each byte resets the idle timeout: only a deadline ends this */
	struct http_options opt = { .timeout = 30, .header_timeout = 1, .body_timeout = 1 };
	struct http_server *srv = start(&opt);
	unsigned port = http_server_port(srv);
	int fd;
	double took;

	/* the headers, a byte at a time */
	fd = dial(port);
	cr_assert_eq(send(fd, "GET /echo HTTP/1.1\r\nHost: x\r\n", 29, MSG_NOSIGNAL), 29);
	took = trickle(fd, "X-Slow: a\r\n");
	close(fd);
	cr_expect(took < 2.5, "a trickle of headers went on for %.1f s past a deadline of 1 s", took);
	/* the headers whole, then the body a byte at a time */
	fd = dial(port);
	static const char head[] =
		"POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
		"Content-Length: 1000\r\n\r\n";
	cr_assert_eq(send(fd, head, sizeof(head) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(head) - 1);
	took = trickle(fd, "a=1&");
	close(fd);
	cr_expect(took < 2.5, "a trickle of body went on for %.1f s past a deadline of 1 s", took);
	assert_still_serving(port);
	http_server_stop(srv);
}

Test(http, one_address_keeps_its_share_and_a_real_request_gets_in)
{
	struct http_options opt = { .max_per_address = 4, .header_timeout = 30, .timeout = 30 };
	struct http_server *srv = start(&opt);
	unsigned port = http_server_port(srv);
	int fd[10];
	struct timespec t0;

	/* ten idle connections from 127.0.0.1: each past the fourth closes the oldest */
	for (int i = 0; i < 10; i++) {
		fd[i] = dial(port);
		usleep(20 * 1000); /* accepted in this order */
	}
	for (int i = 0; i < 6; i++)
		cr_expect(closed_by_server(fd[i], 2000), "idle connection %d of 10 is still open", i + 1);
	for (int i = 6; i < 10; i++)
		cr_expect(!closed_by_server(fd[i], 0), "idle connection %d of 10 was closed", i + 1);
	/* a real request from the same address: answered at once, in the place of the oldest */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_still_serving(port);
	cr_expect_lt(since(&t0), 1, "the request waited %.1f s", since(&t0));
	cr_expect(closed_by_server(fd[6], 2000), "the oldest idle connection is still open");
	for (int i = 0; i < 10; i++)
		close(fd[i]);
	http_server_stop(srv);
}

Test(http, connection_limit)
{
	struct http_options opt = { .threads = 1, .max_connections = 2, .timeout = 30, .header_timeout = 30 };
	struct http_server *srv = start(&opt);
	unsigned port = http_server_port(srv);
	int a = dial(port), b;
	struct timespec t0;

	usleep(50 * 1000);
	b = dial(port);
	usleep(50 * 1000);
	/* both slots held by idle clients: a request takes the oldest one's, at once */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_still_serving(port);
	cr_assert_lt(since(&t0), 1, "a third connection waited %.1f s", since(&t0));
	cr_expect(closed_by_server(a, 2000), "the oldest idle connection is still open");
	cr_expect(!closed_by_server(b, 0), "the newer idle connection was closed");
	close(a);
	close(b);
	http_server_stop(srv);
}

/* MHD 0.9.75 runs out of a connection's memory on a few hundred query
 * arguments, and then answers nothing until the timeout: every such
 * request must be a 400 at once. */
Test(http, hundreds_of_query_parameters_are_400_at_once)
{
	static const int counts[] = { 65, 300, 500, 1000, 4000 };
	struct http_server *srv = start(NULL);
	unsigned port = http_server_port(srv);
	struct buf path = BUF_INIT, body = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		struct timespec t0;
		double took;
		long status;
		buf_reset(&path);
		buf_adds(&path, "/echo?");
		for (int k = 0; k < counts[i]; k++)
			buf_adds(&path, k ? "&p=" : "p=");
		buf_reset(&body);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		status = get(port, path.data, &body, NULL);
		took = since(&t0);
		cr_expect_eq(status, 400, "%d parameters: status %ld", counts[i], status);
		cr_expect_str_eq(body.data, "bad request\n", "%d parameters", counts[i]);
		cr_expect_lt(took, 1, "%d parameters: answered after %.1f s", counts[i], took);
	}
	assert_still_serving(port);
	buf_release(&path);
	buf_release(&body);
	http_server_stop(srv);
}

/* What follows a prefix route's prefix is a token (an unsubscribe or a
 * survey link): a failing handler's warning names the route, not it. */
Test(http, a_failing_route_keeps_its_token_out_of_the_log)
{
	char *log = xstrfmt("%s/httpd-log-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp"), *text;
	int fd = mkstemp(log), saved = dup(2);
	struct http_server *srv;
	unsigned port;

	cr_assert(fd >= 0 && saved >= 0);
	cr_assert(dup2(fd, 2) >= 0);
	srv = start(NULL);
	port = http_server_port(srv);
	cr_expect_eq(get(port, "/fail/Tk-5ecret-9f2c?x=1", NULL, NULL), 500);
	cr_expect_eq(get(port, "/fail/Tk-5ecret-%0A-9f2c", NULL, NULL), 500);
	cr_expect_eq(get(port, "/fail/", NULL, NULL), 500);
	cr_expect_eq(get(port, "/fail", NULL, NULL), 500);
	http_server_stop(srv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	text = test_slurp(log);
	unlink(log);
	cr_expect_null(strstr(text, "5ecret"), "the token in the log:\n%s", text);
	cr_expect(strstr(text, "http: GET /fail/… from 127.0.0.1: could not connect to 'secret-db-host'\n"), "%s",
		  text);
	cr_expect(strstr(text, "http: GET /fail/ from 127.0.0.1: could not connect"), "%s", text);
	cr_expect(strstr(text, "http: GET /fail from 127.0.0.1: could not connect"), "%s", text);
	free(text);
	free(log);
}

/* Decorates httpd's own answers on its route, and tries to change their
 * status (which httpd keeps). */
static void dress(struct http_response *out, const struct http_request *req, void *ctx)
{
	struct err err = ERR_INIT;

	buf_reset(&out->body);
	buf_addf(&out->body, "<p>%s %d on %s</p>", (const char *)ctx, out->status, req->rest);
	assert_ok(http_response_header(out, "Cache-Control", "no-store", &err), &err);
	http_reply_html(out, 200, NULL);
}

static int h_dressed(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	(void)ctx;
	if (!strcmp(req->rest, "fail"))
		return err_set(err, ERR_FAIL, "failed");
	http_reply_text(out, 200, "ok\n");
	return 0;
}

/* Every answer on a route with an error hook goes through it, whoever
 * makes it: too large (by Content-Length or chunked), a bad query, a failed
 * handler, another method on its path. Other routes' answers stay plain. */
Test(http, a_route_dresses_the_answers_httpd_makes_for_it)
{
	static char name[] = "dressed";
	static const struct http_route dressed_routes[] = {
		{ "GET", "/d/", h_dressed, name, 0, dress },
		{ "POST", "/d/", h_dressed, name, HTTP_ROUTE_RAW_FORM, dress },
		{ "GET", "/plain/", h_dressed, NULL, 0, NULL },
	};
	static const struct {
		const char *method, *path, *post;
		long status;
		const char *body;
	} cases[] = {
		{ NULL, "/d/x", "q=1", 200, "ok\n" },
		{ NULL, "/d/big", NULL, 413, "<p>dressed 413 on big</p>" },
		{ NULL, "/d/nul?a=%00", NULL, 400, "<p>dressed 400 on nul</p>" },
		{ NULL, "/d/fail", NULL, 500, "<p>dressed 500 on fail</p>" },
		{ "DELETE", "/d/x", NULL, 405, "<p>dressed 405 on x</p>" },
		{ NULL, "/plain/fail", NULL, 500, "internal server error\n" },
		{ NULL, "/nope", NULL, 404, "not found\n" },
	};
	struct http_options opt = { .max_body = 1024 };
	struct http_server *srv;
	struct err err = ERR_INIT;
	struct buf big = BUF_INIT, body = BUF_INIT, headers = BUF_INIT;
	unsigned port;

	assert_ok(http_server_start(&srv, &opt, dressed_routes, ARRAY_SIZE(dressed_routes), &err), &err);
	port = http_server_port(srv);
	for (int i = 0; i < 4096; i++)
		buf_addch(&big, 'x');
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *post = cases[i].post;
		long status;
		if (!post && !cases[i].method && !strncmp(cases[i].path, "/d/big", 6))
			post = big.data;
		buf_reset(&body);
		buf_reset(&headers);
		status = fetch(port, cases[i].method, cases[i].path, post, post ? "text/plain" : NULL, &body, &headers);
		cr_expect_eq(status, cases[i].status, "%s: %ld", cases[i].path, status);
		cr_expect_str_eq(body.data, cases[i].body, "%s", cases[i].path);
		if (cases[i].status >= 400 && !strncmp(cases[i].path, "/d/", 3)) {
			cr_expect(strstr(headers.data, "Cache-Control: no-store\r\n"), "%s: %s", cases[i].path,
				  headers.data);
			cr_expect(strstr(headers.data, "Content-Security-Policy: "), "%s: %s", cases[i].path,
				  headers.data);
		} else {
			cr_expect_null(strstr(headers.data, "Cache-Control"), "%s: %s", cases[i].path, headers.data);
		}
	}
	cr_expect(strstr(headers.data, "X-Content-Type-Options: nosniff\r\n"), "%s", headers.data);
	/* chunked: the 413 comes after the body, through the hook too */
	buf_reset(&body);
	buf_adds(&body, "POST /d/chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
			"1000\r\n");
	buf_add(&body, big.data, big.len);
	buf_adds(&body, "\r\n0\r\n\r\n");
	buf_reset(&headers);
	raw(port, body.data, body.len, 0, &headers);
	cr_expect(!strncmp(headers.data, "HTTP/1.1 413 ", 13), "%s", headers.data);
	cr_expect(strstr(headers.data, "Cache-Control: no-store\r\n"), "%s", headers.data);
	cr_expect(strstr(headers.data, "<p>dressed 413 on chunked</p>"), "%s", headers.data);
	buf_release(&big);
	buf_release(&body);
	buf_release(&headers);
	http_server_stop(srv);
}

/* ---- lifecycle ---- */

Test(http, stop_with_open_connections_and_restart)
{
	for (int i = 0; i < 3; i++) {
		struct http_server *srv = start(NULL);
		int fd = dial(http_server_port(srv));
		send(fd, "GET /echo HTTP/1.1\r\n", 20, MSG_NOSIGNAL);
		assert_still_serving(http_server_port(srv));
		http_server_stop(srv);
		close(fd);
	}
	http_server_stop(NULL);
}

Test(http, port_in_use_and_bad_address)
{
	struct http_server *srv = start(NULL), *other = NULL;
	struct http_options opt = { .port = http_server_port(srv) };
	struct err err = ERR_INIT;

	cr_assert_eq(http_server_start(&other, &opt, routes, ARRAY_SIZE(routes), &err), ERR_FAIL);
	cr_assert_null(other);
	cr_assert(strstr(err.msg.data, "could not listen on 127.0.0.1 port "), "%s", err.msg.data);
	err_release(&err);
	opt = (struct http_options){ .address = "localhost" };
	cr_assert_eq(http_server_start(&other, &opt, routes, ARRAY_SIZE(routes), &err), ERR_INPUT);
	cr_assert_str_eq(err.msg.data, "'localhost' is not an IP address to listen on");
	err_release(&err);
	http_server_stop(srv);
}

/* ---- each route its own context ---- */

/* Two modules, each with its own state, register routes into one table (as
 * the gateway and the survey do): every handler gets its own module's
 * context, however the routes interleave, and a module's routes share it. */
struct module {
	const char *name;
	int calls;
	pthread_mutex_t lock;
};

static int h_module(struct http_response *out, const struct http_request *req, void *ctx, struct err *err)
{
	struct module *m = ctx;
	(void)err;
	pthread_mutex_lock(&m->lock);
	m->calls++;
	pthread_mutex_unlock(&m->lock);
	buf_addf(&out->body, "%s %s", m->name, req->path);
	http_reply_text(out, 200, NULL);
	return 0;
}

Test(http, each_route_gets_its_own_context)
{
	static const struct http_route gateway_routes[] = {
		{ "GET", "/u/", h_module, NULL, 0, NULL },
		{ NULL, "/sms/dlr", h_module, NULL, 0, NULL },
	};
	static const struct http_route survey_routes[] = {
		{ "GET", "/s/", h_module, NULL, 0, NULL },
		{ "POST", "/s/", h_module, NULL, 0, NULL },
	};
	struct module gateway = { "gateway", 0, PTHREAD_MUTEX_INITIALIZER };
	struct module survey = { "survey", 0, PTHREAD_MUTEX_INITIALIZER };
	struct http_routes t = HTTP_ROUTES_INIT;
	struct http_server *srv;
	struct err err = ERR_INIT;
	struct buf body = BUF_INIT;
	static const struct {
		const char *path, *expect;
	} cases[] = {
		{ "/u/abc", "gateway /u/abc" },
		{ "/s/42", "survey /s/42" },
		{ "/sms/dlr", "gateway /sms/dlr" },
		{ "/s/", "survey /s/" },
	};

	http_routes_add(&t, gateway_routes, ARRAY_SIZE(gateway_routes), &gateway);
	http_routes_add(&t, survey_routes, ARRAY_SIZE(survey_routes), &survey);
	/* the static tables stay as they were: a registration copies them */
	cr_assert_null(gateway_routes[0].ctx);
	cr_assert_eq(t.nr, 4);
	assert_ok(http_server_start(&srv, NULL, t.v, t.nr, &err), &err);
	http_routes_release(&t);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&body);
		cr_expect_eq(get(http_server_port(srv), cases[i].path, &body, NULL), 200, "%s", cases[i].path);
		cr_expect_str_eq(body.data, cases[i].expect);
	}
	buf_reset(&body);
	cr_expect_eq(fetch(http_server_port(srv), NULL, "/s/42", "a=1", NULL, &body, NULL), 200);
	cr_expect_str_eq(body.data, "survey /s/42");
	http_server_stop(srv);
	cr_expect_eq(gateway.calls, 2);
	cr_expect_eq(survey.calls, 3);
	buf_release(&body);
}
