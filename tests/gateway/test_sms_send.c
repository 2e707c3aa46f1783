/* tests/gateway/test_sms_send.c - SMS providers: files, a generic HTTP
 * provider, and Kannel.
 *
 * The HTTP outcomes (5xx, 429, 4xx, redirects, timeouts, cut connections) are
 * tested against a small Python HTTP server started by the test on
 * 127.0.0.1: it stands for any HTTP provider, answering what the URL asks
 * for and logging each request. The Kannel test talks to a real Kannel
 * (bearerbox, smsbox and the fake SMSC, tests/servers/kannel.sh) and is
 * skipped when KANNEL_SENDSMS_URL is not set. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/sms_send.h"

/* ------------------------------------------------------------- the server */

/* GET or POST /status/CODE?reply=TEXT answers CODE with TEXT (and Location
 * for 3xx); /hang waits 5 s first; /cut closes the connection without a
 * reply. Every request is logged as "METHOD PATH", its headers, an empty
 * line, the body, and a line ".". */
static const char server_py[] =
	"import os, sys, threading, time, urllib.parse\n"
	"from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler\n"
	"log = open(sys.argv[1], 'a')\n"
	"lock = threading.Lock()\n"
	"class H(BaseHTTPRequestHandler):\n"
	"    protocol_version = 'HTTP/1.1'\n"
	"    def log_message(self, *a): pass\n"
	"    def do_GET(self): self.answer()\n"
	"    def do_POST(self): self.answer()\n"
	"    def do_PUT(self): self.answer()\n"
	"    def answer(self):\n"
	"        n = int(self.headers.get('Content-Length') or 0)\n"
	"        body = self.rfile.read(n).decode('utf-8', 'replace')\n"
	"        with lock:\n"
	"            log.write('%s %s\\n%s\\n%s\\n.\\n' % (self.command, self.path, str(self.headers).strip(), body))\n"
	"            log.flush()\n"
	"        url = urllib.parse.urlsplit(self.path)\n"
	"        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)\n"
	"        parts = url.path.split('/')\n"
	"        if parts[1] == 'cut':\n"
	"            self.close_connection = True\n"
	"            self.connection.shutdown(2)\n"
	"            return\n"
	"        if parts[1] == 'hang':\n"
	"            time.sleep(5)\n"
	"        code = int(parts[2]) if parts[1] == 'status' else 200\n"
	"        text = q.get('reply', ['ok'])[0].encode()\n"
	"        self.send_response(code)\n"
	"        if 300 <= code < 400:\n"
	"            self.send_header('Location', '/status/200')\n"
	"        self.send_header('Content-Type', 'text/plain; charset=utf-8')\n"
	"        self.send_header('Content-Length', str(len(text)))\n"
	"        self.end_headers()\n"
	"        self.wfile.write(text)\n"
	"srv = ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
	"srv.daemon_threads = True\n"
	"print(srv.server_address[1], flush=True)\n"
	"def watch():\n"
	"    sys.stdin.read()\n"
	"    os._exit(0)\n"
	"threading.Thread(target=watch, daemon=True).start()\n"
	"srv.serve_forever()\n";

struct server {
	char *dir;  /* the test's folder, with the script and the log */
	char *log;  /* what the server received */
	char *base; /* http://127.0.0.1:PORT */
	pid_t pid;
	int in; /* closing it stops the server */
};

static void server_start(struct server *s)
{
	int in[2], out[2];
	char line[32] = "";
	char *script;
	FILE *f;

	s->dir = test_tmpdir();
	script = xstrfmt("%s/server.py", s->dir);
	s->log = xstrfmt("%s/requests.log", s->dir);
	test_write_file(script, server_py);
	test_write_file(s->log, "");
	cr_assert(!pipe(in) && !pipe(out));
	s->pid = fork();
	cr_assert_neq(s->pid, -1);
	if (!s->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execlp("python3", "python3", script, s->log, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->in = in[1];
	f = fdopen(out[0], "r");
	cr_assert(fgets(line, sizeof(line), f), "the test HTTP server did not start");
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	s->base = xstrfmt("http://127.0.0.1:%s", line);
	free(script);
}

static void server_stop(struct server *s)
{
	int status;
	close(s->in);
	waitpid(s->pid, &status, 0);
	test_rmdir(s->dir);
	free(s->log);
	free(s->base);
}

/* Requests the server logged. */
static char *server_log(struct server *s)
{
	return test_slurp(s->log);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* ----------------------------------------------------------------- helpers */

static struct gw_sms_provider *open_provider(const struct gw_sms_config *cfg)
{
	struct gw_sms_provider *p = NULL;
	struct err err = ERR_INIT;
	assert_ok(gw_sms_provider_open(&p, cfg, &err), &err);
	err_release(&err);
	return p;
}

/* Send and expect the return code rc; the error message is left in msg_out
 * (malloc'd) when it is not NULL. */
static void send_expect(struct gw_sms_provider *p, const struct gw_sms_msg *m, struct gw_sms_result *res, int rc,
			char **msg_out)
{
	struct err err = ERR_INIT;
	int got = gw_sms_send(p, m, res, &err);
	cr_assert_eq(got, rc, "send to '%s' returned %d, want %d: %s", m->to, got, rc, err.msg.data);
	if (msg_out)
		*msg_out = xstrdup(err.msg.data);
	err_release(&err);
}

/* ------------------------------------------------------------------- file */

Test(sms_file, writes_one_file_per_message)
{
	char *dir = test_tmpdir(), *out = xstrfmt("%s/out/sms", dir), *prov = xstrfmt("file:%s", out);
	struct gw_sms_config cfg = { .provider = prov, .sender = "10690000" };
	struct gw_sms_provider *p = open_provider(&cfg);
	struct gw_sms_msg m = { "42", "+86 138-0013-8000", NULL, "Hello {Wang}, 5€ off!" };
	struct gw_sms_result res;
	char *path = xstrfmt("%s/42.sms", out), *got;

	cr_expect_str_eq(gw_sms_provider_name(p), "file");
	gw_sms_result_init(&res);
	send_expect(p, &m, &res, 0, NULL);
	cr_expect_eq(res.status, GW_SMS_SENT);
	cr_expect_str_eq(res.reply.data, path);
	cr_expect_eq(res.info.coding, GW_SMS_GSM7);
	cr_expect_eq(res.info.units, 24);
	got = test_slurp(path);
	cr_expect_str_eq(got, "Id: 42\nTo: +8613800138000\nFrom: 10690000\nCoding: GSM 7-bit\nSegments: 1\n\n"
			      "Hello {Wang}, 5€ off!\n");
	free(got);

	/* Chinese, two parts, our own sender; the same id again replaces the file. */
	struct buf text = BUF_INIT;
	for (int i = 0; i < 10; i++)
		buf_adds(&text, "王先生您好，生日快乐！");
	m = (struct gw_sms_msg){ "42", "13800138000", "crmgate", text.data };
	send_expect(p, &m, &res, 0, NULL);
	got = test_slurp(path);
	const char *want = "Id: 42\nTo: 13800138000\nFrom: crmgate\nCoding: UCS-2\nSegments: 2\n\n王先生";
	cr_expect(!strncmp(got, want, strlen(want)), "%s", got);
	free(got);

	/* Nothing but the messages is left in the folder. */
	struct buf ls = BUF_INIT, errout = BUF_INIT;
	char *cmd = xstrfmt("ls -A %s", out);
	FILE *f = popen(cmd, "r");
	char line[256];
	while (fgets(line, sizeof(line), f))
		buf_adds(&ls, line);
	pclose(f);
	cr_expect_str_eq(ls.data, "42.sms\n");

	free(cmd);
	buf_release(&ls);
	buf_release(&errout);
	buf_release(&text);
	gw_sms_result_release(&res);
	gw_sms_provider_close(p);
	free(path);
	free(prov);
	free(out);
	test_rmdir(dir);
}

Test(sms_file, refuses_bad_numbers_and_text_before_writing)
{
	char *dir = test_tmpdir(), *prov = xstrfmt("file:%s", dir), *msg = NULL;
	struct gw_sms_config cfg = { .provider = prov };
	struct gw_sms_provider *p = open_provider(&cfg);
	struct gw_sms_result res;
	struct gw_sms_msg bad_to = { "1", "call me", NULL, "hi" };
	struct gw_sms_msg short_to = { "2", "12", NULL, "hi" };
	struct gw_sms_msg bad_text = { "3", "13800138000", NULL, "caf\xC3" };
	struct gw_sms_msg bad_from = { "4", "13800138000", "x\r\nTo: 1", "hi" };
	struct stat st;

	gw_sms_result_init(&res);
	send_expect(p, &bad_to, &res, ERR_PERMFAIL, &msg);
	cr_expect_eq(res.status, GW_SMS_PERMFAIL);
	cr_expect_eq(res.provider_fault, 0);
	cr_expect_str_eq(msg, "SMS to 'call me' failed: not a phone number");
	free(msg);
	send_expect(p, &short_to, &res, ERR_PERMFAIL, NULL);
	send_expect(p, &bad_text, &res, ERR_PERMFAIL, &msg);
	cr_expect_str_eq(msg, "SMS to '13800138000' failed: text is not valid UTF-8 at byte 4");
	free(msg);
	send_expect(p, &bad_from, &res, ERR_PERMFAIL, NULL);
	cr_expect_eq(res.provider_fault, 1);
	for (int i = 1; i <= 4; i++) {
		char *path = xstrfmt("%s/%d.sms", dir, i);
		cr_expect_neq(stat(path, &st), 0, "%s was written", path);
		free(path);
	}
	gw_sms_result_release(&res);
	gw_sms_provider_close(p);
	free(prov);
	test_rmdir(dir);
}

Test(sms_file, default_is_out_sms_in_the_working_folder)
{
	char *dir = test_tmpdir();
	struct gw_sms_config cfg = { 0 };
	struct gw_sms_provider *p;
	struct gw_sms_msg m = { "7", "10086", NULL, "hi" };
	struct gw_sms_result res;
	struct err err = ERR_INIT;

	cr_assert(!chdir(dir));
	p = open_provider(&cfg);
	gw_sms_result_init(&res);
	send_expect(p, &m, &res, 0, NULL);
	cr_expect_str_eq(res.reply.data, "out/sms/7.sms");
	gw_sms_provider_close(p);

	cfg.provider = "file:";
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] provider: 'file:' names no folder (such as file:out/sms)");
	err_clear(&err);
	cfg.provider = "smpp";
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] provider: 'smpp' is not kannel, http or file:FOLDER");
	err_release(&err);
	gw_sms_result_release(&res);
	test_rmdir(dir);
}

/* --------------------------------------------------------------- settings */

Test(sms_config, reads_sms_and_serve)
{
	char *dir = test_tmpdir(), *path = xstrfmt("%s/crmgate.conf", dir);
	struct config *c = NULL;
	struct gw_sms_config cfg;
	struct err err = ERR_INIT;

	test_write_file(path, "[sms]\nprovider = http\nurl = https://sms.example.test/send\nsender = 10690000\n"
			      "timeout = 2.5\nconnect_timeout = 1\nbody = {\"to\":\"{{to}}\"}\nid_field = msgid\n"
			      "header_1 = Authorization: Bearer abc\nheader_2 = X-Tenant: 7\nheader_4 = X-Lost: 1\n"
			      "[serve]\npublic_url = https://crm.example.test/\n");
	setenv("CRMGATE_CONFIG", path, 1);
	setenv("CRMGATE_SMS_PASSWORD", "from-env", 1);
	assert_ok(config_load(&c, NULL, &err), &err);
	assert_ok(gw_sms_config_load(&cfg, c, &err), &err);
	cr_expect_str_eq(cfg.provider, "http");
	cr_expect_str_eq(cfg.url, "https://sms.example.test/send");
	cr_expect_str_eq(cfg.password, "from-env");
	cr_expect_eq(cfg.timeout_ms, 2500);
	cr_expect_eq(cfg.connect_timeout_ms, 1000);
	cr_expect_str_eq(cfg.id_field, "msgid");
	cr_assert_eq(cfg.nheaders, 2);
	cr_expect_str_eq(cfg.headers[0], "Authorization: Bearer abc");
	cr_expect_str_eq(cfg.headers[1], "X-Tenant: 7");
	cr_expect_str_eq(cfg.dlr_url, "https://crm.example.test/sms/dlr");
	gw_sms_config_release(&cfg);

	setenv("CRMGATE_SMS_TIMEOUT", "soon", 1);
	cr_expect_eq(gw_sms_config_load(&cfg, c, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] timeout: 'soon' is not a number of seconds (up to 3600)");
	gw_sms_config_release(&cfg);
	config_free(c);
	err_release(&err);
	free(path);
	test_rmdir(dir);
}

/* ------------------------------------------------- kannel, outcomes by HTTP */

static struct gw_sms_config kannel_config(const struct server *s, const char *path)
{
	struct gw_sms_config cfg = { .provider = "kannel",
				     .username = "crm",
				     .password = "p&ss word",
				     .sender = "10690000",
				     .timeout_ms = 3000 };
	cfg.url = xstrfmt("%s%s", s->base, path);
	cfg.dlr_url = "http://127.0.0.1:8080/sms/dlr";
	return cfg;
}

Test(sms_kannel, request_bytes)
{
	struct server s;
	struct gw_sms_config cfg;
	struct gw_sms_provider *p;
	struct gw_sms_result res;
	struct gw_sms_msg gsm = { "1001", "+86 138 0013 8000", NULL, "Hi {Wang} 5€ & more" };
	struct gw_sms_msg ucs = { "1002", "13800138000", "crm", "【示范贸易】您好😀回TD退订" };
	char *log;

	server_start(&s);
	cfg = kannel_config(&s, "/status/202?reply=0:%20Accepted%20for%20delivery");
	p = open_provider(&cfg);
	gw_sms_result_init(&res);
	send_expect(p, &gsm, &res, 0, NULL);
	cr_expect_eq(res.status, GW_SMS_SENT);
	cr_expect_eq(res.http_status, 202);
	cr_expect_str_eq(res.reply.data, "0: Accepted for delivery");
	send_expect(p, &ucs, &res, 0, NULL);
	log = server_log(&s);
	cr_expect(strstr(log, "GET /status/202?reply=0:%20Accepted%20for%20delivery&username=crm&password=p%26ss%20word"
			      "&from=10690000&to=%2B8613800138000&text=Hi%20%7BWang%7D%205%E2%82%AC%20%26%20more"
			      "&charset=UTF-8&coding=0&dlr-mask=31&dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fsms%2Fdlr"
			      "%3Fid%3D1001%26type%3D%25d%26reply%3D%25A%26ts%3D%25T\n"),
		  "%s", log);
	cr_expect(strstr(log, "&from=crm&to=13800138000&text=%E3%80%90%E7%A4%BA%E8%8C%83%E8%B4%B8%E6%98%93%E3%80%91"
			      "%E6%82%A8%E5%A5%BD%F0%9F%98%80%E5%9B%9ETD%E9%80%80%E8%AE%A2&charset=UTF-8&coding=2"
			      "&dlr-mask=31&dlr-url=http%3A%2F%2F127.0.0.1%3A8080%2Fsms%2Fdlr%3Fid%3D1002%26"),
		  "%s", log);
	cr_expect_eq(count(log, "\nUser-Agent: crmgate\n"), 2);
	free(log);
	gw_sms_result_release(&res);
	gw_sms_provider_close(p);
	free((char *)cfg.url);
	server_stop(&s);
}

struct outcome {
	const char *path;
	int rc;
	enum gw_sms_status status;
	long http;
	int maybe_sent, provider_fault;
	const char *reply, *msg;
};

static const struct outcome kannel_outcomes[] = {
	{ "/status/202?reply=3:%20Queued%20for%20later%20delivery", 0, GW_SMS_SENT, 202, 0, 0,
	  "3: Queued for later delivery", "" },
	{ "/status/503?reply=Temporal%20failure,%20try%20again%20later.", ERR_TEMPFAIL, GW_SMS_TEMPFAIL, 503, 0, 0,
	  "Temporal failure, try again later.",
	  "SMS to '13800138000' failed for now: HTTP 503: Temporal failure, try again later." },
	{ "/status/429?reply=slow%20down", ERR_TEMPFAIL, GW_SMS_TEMPFAIL, 429, 0, 0, "slow down",
	  "SMS to '13800138000' failed for now: HTTP 429: slow down" },
	{ "/status/500?reply=", ERR_TEMPFAIL, GW_SMS_TEMPFAIL, 500, 0, 0, "",
	  "SMS to '13800138000' failed for now: HTTP 500: (no reply text)" },
	{ "/status/400?reply=Missing%20receiver%20number", ERR_PERMFAIL, GW_SMS_PERMFAIL, 400, 0, 0,
	  "Missing receiver number", "SMS to '13800138000' failed: HTTP 400: Missing receiver number" },
	{ "/status/403?reply=Authorization%20failed%20for%20sendsms", ERR_PERMFAIL, GW_SMS_PERMFAIL, 403, 0, 1,
	  "Authorization failed for sendsms",
	  "SMS to '13800138000' failed: HTTP 403: Authorization failed for sendsms" },
	{ "/status/202?reply=Unknown%20number%0Aline%202", ERR_PERMFAIL, GW_SMS_PERMFAIL, 202, 0, 0,
	  "Unknown number line 2", "SMS to '13800138000' failed: HTTP 202: Unknown number line 2" },
	{ "/status/200?reply=who%20knows", ERR_TEMPFAIL, GW_SMS_TEMPFAIL, 200, 1, 0, "who knows",
	  "SMS to '13800138000' failed for now: HTTP 200: who knows" },
	/* Redirects are not followed. */
	{ "/status/302?reply=moved", ERR_PERMFAIL, GW_SMS_PERMFAIL, 302, 0, 1, "moved",
	  "SMS to '13800138000' failed: HTTP 302: moved" },
	/* The connection cut after the request: nobody knows whether it was sent. */
	{ "/cut", ERR_TEMPFAIL, GW_SMS_TEMPFAIL, 0, 1, 0, "", NULL },
};

Test(sms_kannel, outcomes)
{
	struct server s;
	struct gw_sms_msg m = { "9", "13800138000", NULL, "hi" };

	server_start(&s);
	/* The environment's proxy is never used. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("ALL_PROXY", "http://127.0.0.1:9", 1);
	for (size_t i = 0; i < ARRAY_SIZE(kannel_outcomes); i++) {
		const struct outcome *o = &kannel_outcomes[i];
		struct gw_sms_config cfg = kannel_config(&s, o->path);
		struct gw_sms_provider *p = open_provider(&cfg);
		struct gw_sms_result res;
		char *msg = NULL;

		gw_sms_result_init(&res);
		send_expect(p, &m, &res, o->rc, &msg);
		cr_expect_eq(res.status, o->status, "%s: status %d", o->path, res.status);
		cr_expect_eq(res.http_status, o->http, "%s: HTTP %ld", o->path, res.http_status);
		cr_expect_eq(res.maybe_sent, o->maybe_sent, "%s: maybe_sent %d", o->path, res.maybe_sent);
		cr_expect_eq(res.provider_fault, o->provider_fault, "%s: provider_fault", o->path);
		cr_expect_str_eq(res.reply.data, o->reply, "%s: reply '%s'", o->path, res.reply.data);
		if (o->msg)
			cr_expect_str_eq(msg, o->msg, "%s", o->path);
		else
			cr_expect(!strncmp(msg,
					   "SMS to '13800138000' failed for now: could not reach the SMS provider: ",
					   70),
				  "%s", msg);
		free(msg);
		gw_sms_result_release(&res);
		gw_sms_provider_close(p);
		free((char *)cfg.url);
	}
	char *log = server_log(&s);
	cr_expect_eq(count(log, "\n.\n"), ARRAY_SIZE(kannel_outcomes), "a redirect was followed:\n%s", log);
	free(log);
	server_stop(&s);
}

Test(sms_kannel, timeout_and_refused)
{
	struct server s;
	struct gw_sms_msg m = { "9", "13800138000", NULL, "hi" };
	struct gw_sms_config cfg;
	struct gw_sms_provider *p;
	struct gw_sms_result res;
	struct timespec t0, t1;
	char *url;

	server_start(&s);
	cfg = kannel_config(&s, "/hang");
	cfg.timeout_ms = 400;
	p = open_provider(&cfg);
	gw_sms_result_init(&res);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	send_expect(p, &m, &res, ERR_TEMPFAIL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_expect_lt(t1.tv_sec - t0.tv_sec, 3, "the timeout did not hold");
	cr_expect_eq(res.status, GW_SMS_TEMPFAIL);
	cr_expect_eq(res.maybe_sent, 1, "the request went out before the timeout");
	gw_sms_provider_close(p);
	free((char *)cfg.url);

	/* A server that is gone: refused, and certainly not sent. */
	url = xstrdup(s.base);
	server_stop(&s);
	cfg.url = url;
	p = open_provider(&cfg);
	send_expect(p, &m, &res, ERR_TEMPFAIL, NULL);
	cr_expect_eq(res.maybe_sent, 0);
	cr_expect_eq(res.http_status, 0);
	gw_sms_provider_close(p);

	/* Only http and https. */
	cfg.url = "ftp://127.0.0.1/sendsms";
	p = open_provider(&cfg);
	send_expect(p, &m, &res, ERR_PERMFAIL, NULL);
	cr_expect_eq(res.provider_fault, 1);
	gw_sms_provider_close(p);
	gw_sms_result_release(&res);
	free(url);
}

/* ------------------------------------------------------ generic HTTP provider */

Test(sms_http, json_body_headers_and_id)
{
	struct server s;
	struct gw_sms_config cfg = { .provider = "http", .sender = "10690000", .id_field = "message_id" };
	const char *headers[] = { "Authorization: Bearer t0k3n", "X-Tenant: 7" };
	struct gw_sms_provider *p;
	struct gw_sms_result res;
	struct gw_sms_msg m = { "55", "13800138000", NULL, "王先生：\"报价\" \\ 见附件\n谢谢\t!" };
	char *log;

	server_start(&s);
	cfg.url =
		xstrfmt("%s/status/200?reply=%%7B%%22status%%22:%%22ok%%22,%%20%%22message_id%%22:%%20%%22ab-12%%22%%7D"
			"&to={{to}}",
			s.base);
	cfg.body = "{\"to\":\"{{to}}\",\"from\":\"{{ from }}\",\"text\":\"{{text}}\",\"ref\":\"{{id}}\","
		   "\"coding\":{{coding}},\"callback\":\"{{dlr_url}}\"}";
	cfg.dlr_url = "https://crm.example.test/sms/dlr";
	cfg.headers = headers;
	cfg.nheaders = 2;
	p = open_provider(&cfg);
	cr_expect_str_eq(gw_sms_provider_name(p), "http");
	gw_sms_result_init(&res);
	send_expect(p, &m, &res, 0, NULL);
	cr_expect_eq(res.status, GW_SMS_SENT);
	cr_expect_eq(res.http_status, 200);
	cr_expect_str_eq(res.reply.data, "ab-12");
	log = server_log(&s);
	cr_expect(strstr(log, "\n{\"to\":\"13800138000\",\"from\":\"10690000\",\"text\":\"王先生：\\\"报价\\\" \\\\ "
			      "见附件\\n谢谢\\t!\",\"ref\":\"55\",\"coding\":2,"
			      "\"callback\":\"https://crm.example.test/sms/dlr?id=55\"}\n.\n"),
		  "%s", log);
	cr_expect(strstr(log, "POST /status/200?"), "%s", log);
	cr_expect(strstr(log, "&to=13800138000\n"), "%s", log);
	cr_expect(strstr(log, "\nContent-Type: application/json\n"), "%s", log);
	cr_expect(strstr(log, "\nAuthorization: Bearer t0k3n\n"), "%s", log);
	cr_expect(strstr(log, "\nX-Tenant: 7\n"), "%s", log);
	free(log);
	gw_sms_result_release(&res);
	gw_sms_provider_close(p);
	free((char *)cfg.url);
	server_stop(&s);
}

Test(sms_http, outcomes_by_status)
{
	static const struct {
		const char *path;
		int rc;
		int provider_fault;
	} cases[] = {
		{ "/status/201?reply=queued", 0, 0 },	   { "/status/500?reply=oops", ERR_TEMPFAIL, 0 },
		{ "/status/502?reply=", ERR_TEMPFAIL, 0 }, { "/status/429?reply=", ERR_TEMPFAIL, 0 },
		{ "/status/408?reply=", ERR_TEMPFAIL, 0 }, { "/status/422?reply=bad%20number", ERR_PERMFAIL, 0 },
		{ "/status/401?reply=", ERR_PERMFAIL, 1 }, { "/status/404?reply=", ERR_PERMFAIL, 1 },
		{ "/status/301?reply=", ERR_PERMFAIL, 1 },
	};
	struct server s;
	struct gw_sms_msg m = { "9", "13800138000", NULL, "hi" };

	server_start(&s);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gw_sms_config cfg = { .provider = "http", .body = "{\"to\":\"{{to}}\"}" };
		struct gw_sms_provider *p;
		struct gw_sms_result res;
		cfg.url = xstrfmt("%s%s", s.base, cases[i].path);
		p = open_provider(&cfg);
		gw_sms_result_init(&res);
		send_expect(p, &m, &res, cases[i].rc, NULL);
		cr_expect_eq(res.status,
			     cases[i].rc == 0		   ? GW_SMS_SENT
			     : cases[i].rc == ERR_TEMPFAIL ? GW_SMS_TEMPFAIL
							   : GW_SMS_PERMFAIL,
			     "%s", cases[i].path);
		cr_expect_eq(res.provider_fault, cases[i].provider_fault, "%s", cases[i].path);
		if (!cases[i].rc)
			cr_expect_str_eq(res.reply.data, "queued");
		gw_sms_result_release(&res);
		gw_sms_provider_close(p);
		free((char *)cfg.url);
	}
	server_stop(&s);
}

Test(sms_http, settings_checked_when_opened)
{
	struct gw_sms_config cfg = { .provider = "http", .url = "http://127.0.0.1:1/x" };
	const char *bad_header[] = { "no colon here" };
	struct gw_sms_provider *p = NULL;
	struct err err = ERR_INIT;

	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data,
			 "[sms] body is required for provider http (a template with {{to}} and {{text}})");
	err_clear(&err);
	cfg.body = "{\"to\":\"{{to}}\",\"x\":\"{{name}}\"}";
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] body: unknown placeholder '{{name}}'; known are {{to}}, {{from}}, "
				       "{{text}}, {{id}}, {{coding}} and {{dlr_url}}");
	err_clear(&err);
	cfg.body = "{\"to\":\"{{to}\"}";
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] body: '{{' without '}}'");
	err_clear(&err);
	cfg.body = "{}";
	cfg.headers = bad_header;
	cfg.nheaders = 1;
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] header_1: 'no colon here' is not a 'Name: value' header");
	err_clear(&err);
	cfg.nheaders = 0;
	cfg.method = "DELETE";
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] method: 'DELETE' is not GET, POST or PUT");
	err_clear(&err);
	cfg.url = NULL;
	cr_expect_eq(gw_sms_provider_open(&p, &cfg, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "[sms] url is required for provider http");
	cr_expect_null(p);
	err_release(&err);
}

/* ------------------------------------------------------------ real Kannel */

/* Wait up to 10 s for needle to appear in the file at path. */
static int file_gets(const char *path, const char *needle)
{
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		struct buf b = BUF_INIT;
		char chunk[4096];
		size_t n;
		int found;
		if (f) {
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
				buf_add(&b, chunk, n);
			fclose(f);
		}
		found = strstr(b.data, needle) != NULL;
		buf_release(&b);
		if (found)
			return 1;
		usleep(50 * 1000);
	}
	return 0;
}

Test(sms_kannel, real_kannel_accepts_and_reports)
{
	const char *url = getenv("KANNEL_SENDSMS_URL"), *smsc_log = getenv("KANNEL_SMSC_LOG");
	struct server s;
	struct gw_sms_config cfg = { .provider = "kannel", .timeout_ms = 10000 };
	struct gw_sms_provider *p;
	struct gw_sms_result res;
	struct gw_sms_msg gsm = { "k1", "13800138000", NULL, "Hello {Wang}, 5€ off today" };
	struct gw_sms_msg ucs = { "k2", "+8613900139000", "10690000", "【示范贸易】王先生您好😀回TD退订" };
	char *dlr, *bad_pass;

	if (!url || !*url)
		cr_skip_test("KANNEL_SENDSMS_URL is not set: start Kannel with tests/servers/kannel.sh (kannel_start) "
			     "to run this test against a real bearerbox and smsbox");
	server_start(&s); /* stands for crmgate serve: it receives the delivery reports */
	dlr = xstrfmt("%s/sms/dlr", s.base);
	cfg.url = url;
	cfg.username = getenv("KANNEL_USER");
	cfg.password = getenv("KANNEL_PASS");
	cfg.dlr_url = dlr;
	p = open_provider(&cfg);
	gw_sms_result_init(&res);
	send_expect(p, &gsm, &res, 0, NULL);
	cr_expect_eq(res.http_status, 202);
	cr_expect_str_eq(res.reply.data, "0: Accepted for delivery");
	send_expect(p, &ucs, &res, 0, NULL);
	cr_expect_str_eq(res.reply.data, "0: Accepted for delivery");

	/* The fake SMSC got both, and Kannel reported back with our ids:
	 * 8 (accepted by the SMSC) and 1 (delivered). */
	if (smsc_log) {
		/* As the fake SMSC prints them: GSM as text, UCS-2 as UTF-16BE
		 * bytes URL-encoded (the pair D83D DE00 is the emoji, whole). */
		cr_expect(file_gets(smsc_log, " 13800138000 text Hello {Wang}, 5€ off today>"),
			  "the fake SMSC did not get the GSM message");
		cr_expect(file_gets(smsc_log,
				    "<10690000 +8613900139000 ucs-2 0%10y%3A%83%03%8D8f%130%11s%8BQHu%1F%60%A8Y"
				    "%7D%D8%3D%DE%00V%DE%00T%00D%90%00%8B%A2>"),
			  "the fake SMSC did not get the UCS-2 message");
	}
	cr_expect(file_gets(s.log, "GET /sms/dlr?id=k1&type=8&"), "no report 8 for k1");
	cr_expect(file_gets(s.log, "GET /sms/dlr?id=k1&type=1&"), "no report 1 for k1");
	cr_expect(file_gets(s.log, "GET /sms/dlr?id=k2&type=1&"), "no report 1 for k2");
	gw_sms_provider_close(p);

	/* A wrong password fails for good, and says it is not the number. */
	bad_pass = xstrfmt("%s-wrong", cfg.password ? cfg.password : "");
	cfg.password = bad_pass;
	p = open_provider(&cfg);
	send_expect(p, &gsm, &res, ERR_PERMFAIL, NULL);
	cr_expect_eq(res.http_status, 403);
	cr_expect_eq(res.provider_fault, 1);
	cr_expect(strstr(res.reply.data, "Authorization failed"), "%s", res.reply.data);
	gw_sms_provider_close(p);

	gw_sms_result_release(&res);
	free(bad_pass);
	free(dlr);
	server_stop(&s);
}
