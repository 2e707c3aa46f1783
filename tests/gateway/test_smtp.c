/* tests/gateway/test_smtp.c - SMTP delivery against real servers on
 * 127.0.0.1, the file transport, and the tagged return path.
 *
 * tests/run.sh starts the servers once for the whole run (tests/servers/):
 * a private Postfix delivering into a Maildir (MTA_PORT, MTA_MAILDIR; root
 * only), an smtp-sink that saves each message (SINK_PORT, SINK_MSGDIR), and
 * sinks that fail on purpose (SINK_RCPT4XX_PORT and the others named in
 * run.sh). A test whose server is missing is skipped and says why. What
 * reached Postfix's Maildir is compared byte for byte with what was sent and
 * parsed by Python's email package in strict mode.
 *
 * No test has a .timeout: with two jobs, Criterion 2.4.1's runner then leaks
 * an object of its own now and then, which ASan turns into a failed run.
 * Every wait here is bounded by the client's timeouts or a deadline. */
#include <ctype.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/mime.h"
#include "gateway/smtp.h"
#include "gateway/transport.h"

/* ---------------------------------------------------------------- helpers */

static const char *server_env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v)
		cr_skip_test("%s is not set: tests/run.sh could not start that server "
			     "(Postfix needs root; smtp-sink comes with the postfix package)",
			     name);
	return v;
}

static char *url_of(const char *port_env)
{
	return xstrfmt("smtp://127.0.0.1:%s", server_env(port_env));
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	cr_assert(d, "cannot open '%s'", dir);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Wait up to secs for dir to hold at least n files. */
static size_t wait_files(const char *dir, size_t n, double secs)
{
	double end = now() + secs;
	size_t have;
	while ((have = count_files(dir)) < n && now() < end)
		usleep(20000);
	return have;
}

/* The file in dir whose content holds needle, malloc'd; waits up to secs. */
static char *wait_file_with(const char *dir, const char *needle, double secs)
{
	double end = now() + secs;
	do {
		DIR *d = opendir(dir);
		struct dirent *e;
		cr_assert(d, "cannot open '%s'", dir);
		while ((e = readdir(d))) {
			char *path, *content;
			if (e->d_name[0] == '.')
				continue;
			path = xstrfmt("%s/%s", dir, e->d_name);
			content = test_slurp(path);
			if (strstr(content, needle)) {
				free(content);
				closedir(d);
				return path;
			}
			free(content);
			free(path);
		}
		closedir(d);
		usleep(20000);
	} while (now() < end);
	return NULL;
}

static void send_one(const char *url, long final_timeout, const char *rcpt, struct gw_smtp_result *r, int *rc)
{
	struct gw_smtp_opts o = {
		.url = url, .helo = "client.example.test", .command_timeout = 5, .final_timeout = final_timeout
	};
	struct err err = ERR_INIT;
	struct gw_smtp *s;
	static const char msg[] = "Subject: test\r\n\r\nhello\r\n";

	assert_ok(gw_smtp_open(&s, &o, &err), &err);
	*rc = gw_smtp_send(s, "bounces+1@example.test", rcpt, msg, strlen(msg), r, &err);
	cr_assert_neq(*rc, 0, "sent, though the server was to refuse");
	cr_assert(strstr(err.msg.data, rcpt), "the error names no recipient: %s", err.msg.data);
	gw_smtp_close(s);
	err_release(&err);
}

/* ------------------------------------------------------------ return path */

Test(smtp, return_path)
{
	static const char tag[] = "0123456789abcdef0123456789abcdef";
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;

	assert_ok(gw_smtp_return_path(&b, "bounces@example.test", 42, tag, &err), &err);
	cr_assert_str_eq(b.data, "bounces+42.0123456789abcdef0123456789abcdef@example.test");
	/* no tag (a test message, no row's): the return path itself, no bare id */
	buf_reset(&b);
	assert_ok(gw_smtp_return_path(&b, "bounces@example.test", 42, NULL, &err), &err);
	cr_assert_str_eq(b.data, "bounces@example.test");
	/* a local part holds 64 characters: 13 + 1 + 18 + 1 + 32 do not fit */
	buf_reset(&b);
	cr_assert_eq(gw_smtp_return_path(&b, "bounces-to-me@example.test", 123456789012345678, tag, &err), ERR_INPUT);
	cr_assert_str_eq(err.msg.data, "[email] return_path: 'bounces-to-me@example.test' leaves no room for the tag"
				       " of outbox row 123456789012345678 (a local part of 64 characters at most)");
	cr_assert_eq(b.len, 0);
	static const char *const bad[] = { "bounces", "@example.test", "a b@example.test", "a@b\r\nRCPT TO:<x@y>", "" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err_clear(&err);
		cr_assert_eq(gw_smtp_return_path(&b, bad[i], 1, tag, &err), ERR_INPUT, "%s", bad[i]);
	}
	buf_release(&b);
	err_release(&err);
}

/* ------------------------------------------------------------- options */

Test(smtp, bad_urls_and_addresses)
{
	static const char *const urls[] = {
		NULL,
		"",
		"http://127.0.0.1:25",
		"smtp://",
		"smtp://127.0.0.1:0",
		"smtp://127.0.0.1:99999",
		"smtp://127.0.0.1:25/x",
		"smtp://user@127.0.0.1:25",
		"smtp://[::1:25",
	};
	struct gw_smtp_result r;
	struct err err = ERR_INIT;
	const struct gw_transport *t;
	struct gw_smtp *s;

	for (size_t i = 0; i < ARRAY_SIZE(urls); i++) {
		struct gw_smtp_opts o = { .url = urls[i] };
		err_clear(&err);
		cr_assert_eq(gw_smtp_open(&s, &o, &err), ERR_INPUT, "%s", urls[i] ? urls[i] : "NULL");
		cr_assert_null(s);
	}
	struct gw_smtp_opts o = { .url = "smtp://127.0.0.1:25", .helo = "bad name\r\nMAIL" };
	err_clear(&err);
	cr_assert_eq(gw_smtp_open(&s, &o, &err), ERR_INPUT);
	cr_assert_eq(gw_transport_find(&t, "smtps://mail.example.test", &err), 0);
	cr_assert_eq(t, &gw_transport_smtp);
	cr_assert_eq(gw_transport_find(&t, "file:out/mail", &err), 0);
	cr_assert_eq(t, &gw_transport_file);
	err_clear(&err);
	cr_assert_eq(gw_transport_find(&t, "lmtp://x", &err), ERR_INPUT);

	/* addresses are checked before any connection: nothing listens here */
	void *state;
	struct gw_smtp_opts lazy = { .url = "smtp://127.0.0.1:1" };
	gw_smtp_result_init(&r);
	assert_ok(gw_transport_smtp.open(&state, &lazy, &err), &err);
	static const char *const addrs[] = {
		"a@b\r\nRCPT TO:<c@d>", "a b@example.test", "<a@example.test>", "", "noat", "a@", "é@example.test"
	};
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		err_clear(&err);
		cr_assert_eq(gw_transport_smtp.send(state, "b@example.test", addrs[i], "x\r\n", 3, &r, &err), ERR_INPUT,
			     "%s", addrs[i]);
		cr_assert_eq(r.outcome, GW_PERMFAIL);
	}
	gw_transport_smtp.close(state);
	gw_smtp_result_release(&r);
	err_release(&err);
}

/* A port on 127.0.0.1 where nothing listens: the transport connects at the
 * first message, and that message fails for now. */
Test(smtp, refused_connection)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct err err = ERR_INIT;
	struct gw_smtp_result r;
	struct gw_smtp *s;
	void *state;
	char *url;

	cr_assert(!bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !getsockname(fd, (struct sockaddr *)&sa, &len));
	close(fd);
	url = xstrfmt("smtp://127.0.0.1:%u", ntohs(sa.sin_port));
	struct gw_smtp_opts o = { .url = url, .connect_timeout = 2 };
	cr_assert_eq(gw_smtp_open(&s, &o, &err), ERR_TEMPFAIL);
	cr_assert(strstr(err.msg.data, "could not connect"), "%s", err.msg.data);
	err_clear(&err);
	gw_smtp_result_init(&r);
	assert_ok(gw_transport_smtp.open(&state, &o, &err), &err);
	cr_assert_eq(gw_transport_smtp.send(state, "a@example.test", "b@example.test", "x\r\n", 3, &r, &err),
		     ERR_TEMPFAIL);
	cr_assert_eq(r.outcome, GW_TEMPFAIL);
	cr_assert_eq(r.stage, GW_SMTP_CONNECT);
	cr_assert_eq(r.code, 0);
	gw_transport_smtp.close(state);
	gw_smtp_result_release(&r);
	err_release(&err);
	free(url);
}

/* -------------------------------------------------------------- file: */

Test(smtp, file_transport_maildir)
{
	char *dir = test_tmpdir();
	char *url = xstrfmt("file:%s/out/mail", dir);
	char *newdir = xstrfmt("%s/out/mail/new", dir);
	char *tmpdir = xstrfmt("%s/out/mail/tmp", dir);
	struct gw_smtp_opts o = { .url = url };
	struct err err = ERR_INIT;
	struct gw_smtp_result r;
	const struct gw_transport *t;
	void *state;
	static const char msg[] = "Subject: hi\r\n\r\n.line with a dot\r\n";

	gw_smtp_result_init(&r);
	assert_ok(gw_transport_find(&t, url, &err), &err);
	assert_ok(t->open(&state, &o, &err), &err);
	for (int i = 0; i < 3; i++) {
		assert_ok(t->send(state, "bounces+9@example.test", "a@example.test", msg, strlen(msg), &r, &err), &err);
		cr_assert_eq(r.outcome, GW_SENT);
		cr_assert(r.queue_id.len > 0);
	}
	t->close(state);
	cr_assert_eq(count_files(newdir), 3);
	cr_assert_eq(count_files(tmpdir), 0);
	char *path = xstrfmt("%s/%s", newdir, r.queue_id.data);
	char *content = test_slurp(path);
	cr_assert_str_eq(content, "Return-Path: <bounces+9@example.test>\r\nDelivered-To: a@example.test\r\n"
				  "Subject: hi\r\n\r\n.line with a dot\r\n");
	free(content);
	free(path);
	gw_smtp_result_release(&r);
	err_release(&err);
	free(url);
	free(newdir);
	free(tmpdir);
	test_rmdir(dir);
}

/* --------------------------------------------------------------- Postfix */

static const char strict_py[] =
	"import sys, email, email.policy\n"
	"m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.strict)\n"
	"defects = list(m.defects)\n"
	"print('subject=' + str(m['subject']))\n"
	"a = m['to'].addresses[0]\n"
	"print('to=%s <%s>' % (a.display_name, a.addr_spec))\n"
	"print('return-path=' + str(m['return-path']))\n"
	"for p in m.walk():\n"
	"    defects += p.defects\n"
	"    if p.is_multipart():\n"
	"        continue\n"
	"    c = p.get_content()\n"
	"    if isinstance(c, str):\n"
	"        print('%s=%s' % (p.get_content_type(), c.replace('\\n', '|')))\n"
	"    else:\n"
	"        print('file %s=%s' % (p.get_filename(), c.hex()))\n"
	"print('defects=%d' % len(defects))\n";

static void parse_strict(struct buf *out, const char *path)
{
	char *dir = test_tmpdir();
	char *script = xstrfmt("%s/strict.py", dir);
	char *cmd = xstrfmt("python3 %s %s 2>&1", script, path);
	char chunk[4096];
	size_t n;
	FILE *p;

	test_write_file(script, strict_py);
	p = popen(cmd, "r");
	cr_assert(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	cr_assert_eq(pclose(p), 0, "the strict parser failed on %s:\n%s", path, out->data);
	free(cmd);
	free(script);
	test_rmdir(dir);
}

/* The message as Postfix stores it: LF line ends. */
static void crlf_to_lf(struct buf *out, const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			buf_addch(out, msg[i]);
}

static void assert_delivered_intact(const char *maildir_new, const char *msgid, const struct buf *sent)
{
	struct buf want = BUF_INIT;
	char *path = wait_file_with(maildir_new, msgid, 15);
	char *got;
	size_t glen;

	cr_assert(path, "no message with %s reached %s", msgid, maildir_new);
	got = test_slurp(path);
	glen = strlen(got);
	crlf_to_lf(&want, sent->data, sent->len);
	/* Postfix adds Return-Path, Delivered-To and Received above it */
	cr_assert(glen >= want.len && !memcmp(got + glen - want.len, want.data, want.len),
		  "the message changed on the way:\n--- sent\n%s\n--- stored\n%s", want.data, got);
	free(got);
	free(path);
	buf_release(&want);
}

Test(smtp, postfix_maildir_intact)
{
	char *url = url_of("MTA_PORT");
	char *maildir_new = xstrfmt("%s/new", server_env("MTA_MAILDIR"));
	struct gw_smtp_opts o = {
		.url = url, .helo = "client.example.test", .command_timeout = 10, .final_timeout = 30
	};
	struct err err = ERR_INIT;
	struct buf mime = BUF_INIT, raw = BUF_INIT, parsed = BUF_INIT;
	struct gw_smtp_result r;
	struct gw_smtp *s;
	char msgid[128], rawid[128];
	static const unsigned char attach[] = { 0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0d, 0x0a, 0x2e, 0x0d, 0x0a };

	snprintf(msgid, sizeof(msgid), "smtp-%ld-%d@crmgate.example.test", (long)time(NULL), getpid());
	snprintf(rawid, sizeof(rawid), "raw-%ld-%d@crmgate.example.test", (long)time(NULL), getpid());
	struct gw_mail m = {
		.from_name = "CRM 团队",
		.from_addr = "news@example.test",
		.to_name = "王小明",
		.to_addr = "wang@example.test",
		.subject = "生日快乐, Mr. Wang",
		.text = "Happy birthday!\n.\n..two dots\n.a line that starts with a dot\n",
		.html = "<p>Happy birthday!</p>",
		.attach_name = "贺卡.docx",
		.attach = attach,
		.attach_len = sizeof(attach),
		.message_id = msgid,
	};
	assert_ok(gw_mime_build(&mime, &m, &err), &err);
	/* a hand-made one, for the dots on the wire */
	buf_addf(&raw,
		 "Message-ID: <%s>\r\nDate: Fri, 27 Nov 2026 04:00:00 +0000\r\nFrom: a@example.test\r\nSubject: "
		 "dots\r\n\r\n.\r\n..\r\n.x\r\nend\r\n",
		 rawid);

	gw_smtp_result_init(&r);
	assert_ok(gw_smtp_open(&s, &o, &err), &err);
	assert_ok(gw_smtp_send(s, "bounces+1@example.test", "wang@example.test", mime.data, mime.len, &r, &err), &err);
	cr_assert_eq(r.outcome, GW_SENT);
	cr_assert_eq(r.code, 250);
	cr_assert_str_eq(r.enhanced, "2.0.0");
	cr_assert(r.queue_id.len > 0, "no queue id in '%s'", r.reply.data);
	cr_assert(strstr(r.reply.data, r.queue_id.data));

	/* another domain: refused at RCPT for good; the connection goes on */
	cr_assert_eq(gw_smtp_send(s, "bounces+2@example.test", "x@example.org", raw.data, raw.len, &r, &err),
		     ERR_PERMFAIL);
	cr_assert_eq(r.outcome, GW_PERMFAIL);
	cr_assert_eq(r.stage, GW_SMTP_RCPT);
	cr_assert_eq(r.code, 554, "%s", r.reply.data);
	cr_assert_str_eq(r.enhanced, "5.7.1");
	err_clear(&err);
	assert_ok(gw_smtp_send(s, "bounces+3@example.test", "dots+tag@sub.example.test", raw.data, raw.len, &r, &err),
		  &err);
	gw_smtp_close(s);

	assert_delivered_intact(maildir_new, msgid, &mime);
	assert_delivered_intact(maildir_new, rawid, &raw);

	char *path = wait_file_with(maildir_new, msgid, 1);
	parse_strict(&parsed, path);
	cr_assert(strstr(parsed.data, "subject=生日快乐, Mr. Wang\n"), "%s", parsed.data);
	cr_assert(strstr(parsed.data, "to=王小明 <wang@example.test>\n"), "%s", parsed.data);
	cr_assert(strstr(parsed.data, "return-path=<bounces+1@example.test>\n"), "%s", parsed.data);
	cr_assert(strstr(parsed.data, "text/plain=Happy birthday!|.|..two dots|.a line that starts with a dot|"), "%s",
		  parsed.data);
	cr_assert(strstr(parsed.data, "file 贺卡.docx=504b030400ff0d0a2e0d0a\n"), "%s", parsed.data);
	cr_assert(strstr(parsed.data, "defects=0\n"), "%s", parsed.data);
	free(path);

	gw_smtp_result_release(&r);
	buf_release(&parsed);
	buf_release(&raw);
	buf_release(&mime);
	err_release(&err);
	free(maildir_new);
	free(url);
}

/* ---------------------------------------------------------------- sinks */

/* Many messages on one connection (no RSET needed between them), and AUTH PLAIN
 * (smtp-sink offers it and takes any password; 127.0.0.1 is loopback, so
 * the password may go in clear text). */
Test(smtp, sink_many_on_one_connection)
{
	char *url = url_of("SINK_PORT");
	const char *dir = server_env("SINK_MSGDIR");
	struct gw_smtp_opts o = { .url = url, .username = "crm", .password = "secret", .command_timeout = 10 };
	struct err err = ERR_INIT;
	struct gw_smtp_result r;
	struct gw_smtp *s;
	size_t before = count_files(dir);
	enum { N = 50 };

	gw_smtp_result_init(&r);
	assert_ok(gw_smtp_open(&s, &o, &err), &err);
	for (int i = 0; i < N; i++) {
		char *msg = xstrfmt("Subject: number %d\r\n\r\nbody %d\r\n", i, i);
		assert_ok(gw_smtp_send(s, "bounces+1@example.test", "a@example.test", msg, strlen(msg), &r, &err),
			  &err);
		cr_assert_eq(r.outcome, GW_SENT);
		free(msg);
	}
	gw_smtp_close(s);
	cr_assert_eq(wait_files(dir, before + N, 10), before + N);
	gw_smtp_result_release(&r);
	err_release(&err);
	free(url);
}

/* Each failing sink: what became of the message, at which step, with which
 * reply code (0: none) and enhanced code (NULL: any). */
static void failing(const char *port_env, long final_timeout, enum gw_outcome outcome, enum gw_smtp_stage stage,
		    int code, const char *enhanced)
{
	char *url = url_of(port_env);
	struct gw_smtp_result r;
	int rc;

	gw_smtp_result_init(&r);
	send_one(url, final_timeout, "a@example.test", &r, &rc);
	cr_assert_eq(r.outcome, outcome, "%s: outcome %d, not %d (%s)", port_env, r.outcome, outcome, r.reply.data);
	cr_assert_eq(rc, outcome == GW_PERMFAIL ? ERR_PERMFAIL : ERR_TEMPFAIL);
	cr_assert_eq(r.stage, stage, "%s: stage %s", port_env, gw_smtp_stage_name(r.stage));
	cr_assert_eq(r.code, code, "%s: %s", port_env, r.reply.data);
	if (enhanced)
		cr_assert_str_eq(r.enhanced, enhanced, "%s: %s", port_env, r.reply.data);
	cr_assert(r.reply.len > 0);
	cr_assert_eq(r.queue_id.len, 0);
	gw_smtp_result_release(&r);
	free(url);
}

Test(smtp, rcpt_4xx_is_temporary)
{
	failing("SINK_RCPT4XX_PORT", 30, GW_TEMPFAIL, GW_SMTP_RCPT, 450, "4.3.0");
}

Test(smtp, rcpt_4_7_x_is_slowdown)
{
	failing("SINK_RCPT471_PORT", 30, GW_SLOWDOWN, GW_SMTP_RCPT, 451, "4.7.1");
}

Test(smtp, data_5xx_is_permanent)
{
	failing("SINK_DATA5XX_PORT", 30, GW_PERMFAIL, GW_SMTP_DATA, 500, "5.3.0");
}

Test(smtp, dot_421_is_slowdown)
{
	failing("SINK_DOT421_PORT", 30, GW_SLOWDOWN, GW_SMTP_DOT, 421, NULL);
}

Test(smtp, hangup_after_dot_is_unknown)
{
	failing("SINK_DOTCUT_PORT", 30, GW_UNKNOWN, GW_SMTP_DOT, 0, NULL);
}

/* the sink waits 5 s after the dot; we wait 1 */
Test(smtp, timeout_after_dot_is_unknown)
{
	double t0 = now();
	failing("SINK_DOTSLOW_PORT", 1, GW_UNKNOWN, GW_SMTP_DOT, 0, NULL);
	cr_assert(now() - t0 < 4, "the final timeout of 1 s took %.1f s", now() - t0);
}

/* A refused recipient leaves the transaction open: the next message on the
 * same connection starts with RSET (else the sink would answer MAIL with
 * 503 nested MAIL command), and is refused at RCPT again, not at MAIL. */
Test(smtp, rset_after_a_refused_recipient)
{
	char *url = url_of("SINK_RCPT4XX_PORT");
	struct gw_smtp_opts o = { .url = url, .command_timeout = 5 };
	struct err err = ERR_INIT;
	struct gw_smtp_result r;
	struct gw_smtp *s;
	static const char msg[] = "Subject: again\r\n\r\nhello\r\n";

	gw_smtp_result_init(&r);
	assert_ok(gw_smtp_open(&s, &o, &err), &err);
	for (int i = 0; i < 3; i++) {
		err_clear(&err);
		cr_assert_eq(gw_smtp_send(s, "a@example.test", "b@example.test", msg, strlen(msg), &r, &err),
			     ERR_TEMPFAIL);
		cr_assert_eq(r.stage, GW_SMTP_RCPT, "message %d: stage %s: %s", i, gw_smtp_stage_name(r.stage),
			     r.reply.data);
		cr_assert_eq(r.code, 450, "message %d: %s", i, r.reply.data);
	}
	gw_smtp_close(s);
	gw_smtp_result_release(&r);
	err_release(&err);
	free(url);
}

/* The sink drops a connection idle for 1 s: the next message finds out
 * before sending anything, connects again, and goes through. */
Test(smtp, reconnect_after_idle_close)
{
	char *url = url_of("SINK_IDLE_PORT");
	const char *dir = server_env("SINK_IDLE_MSGDIR");
	struct gw_smtp_opts o = { .url = url, .command_timeout = 5 };
	struct err err = ERR_INIT;
	struct gw_smtp_result r;
	struct gw_smtp *s;
	size_t before = count_files(dir);
	static const char msg[] = "Subject: idle\r\n\r\nhello\r\n";

	gw_smtp_result_init(&r);
	assert_ok(gw_smtp_open(&s, &o, &err), &err);
	assert_ok(gw_smtp_send(s, "a@example.test", "b@example.test", msg, strlen(msg), &r, &err), &err);
	sleep(2);
	assert_ok(gw_smtp_send(s, "a@example.test", "b@example.test", msg, strlen(msg), &r, &err), &err);
	cr_assert_eq(r.outcome, GW_SENT);
	gw_smtp_close(s);
	cr_assert_eq(wait_files(dir, before + 2, 10), before + 2);
	gw_smtp_result_release(&r);
	err_release(&err);
	free(url);
}

/* ------------------------------------------------------------------ TLS */

/* A small SMTP server in Python on 127.0.0.1 with a self-signed certificate,
 * for what the test Postfix does not offer: STARTTLS (first port) and TLS
 * from the first byte (second port). It offers AUTH only once encrypted,
 * and logs one line per message: "tls=1 auth=BASE64 from=... rcpt=...". */
static const char tls_py[] = "import base64, os, socket, ssl, sys, threading\n"
			     "cert, key, log = sys.argv[1:4]\n"
			     "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
			     "ctx.load_cert_chain(cert, key)\n"
			     "def serve(c, tls):\n"
			     "    f = c.makefile('rb')\n"
			     "    def say(s):\n"
			     "        c.sendall(s.encode() + b'\\r\\n')\n"
			     "    say('220 tls.example.test ESMTP')\n"
			     "    auth = mail = rcpt = ''\n"
			     "    while True:\n"
			     "        line = f.readline().decode().rstrip('\\r\\n')\n"
			     "        cmd = line[:4].upper()\n"
			     "        if not line or cmd == 'QUIT':\n"
			     "            return\n"
			     "        if cmd == 'EHLO':\n"
			     "            say('250-tls.example.test')\n"
			     "            say('250 AUTH PLAIN LOGIN' if tls else '250 STARTTLS')\n"
			     "        elif cmd == 'STAR':\n"
			     "            say('220 go ahead')\n"
			     "            c = ctx.wrap_socket(c, server_side=True)\n"
			     "            f = c.makefile('rb')\n"
			     "            tls = True\n"
			     "        elif cmd == 'AUTH':\n"
			     "            auth = line.split()[2] if len(line.split()) > 2 else ''\n"
			     "            say('235 2.7.0 ok')\n"
			     "        elif cmd == 'MAIL':\n"
			     "            mail = line\n"
			     "            say('250 ok')\n"
			     "        elif cmd == 'RCPT':\n"
			     "            rcpt = line\n"
			     "            say('250 ok')\n"
			     "        elif cmd == 'DATA':\n"
			     "            say('354 go')\n"
			     "            while f.readline() not in (b'.\\r\\n', b''):\n"
			     "                pass\n"
			     "            with open(log, 'a') as l:\n"
			     "                l.write('tls=%d auth=%s %s %s\\n' % (tls, auth, mail, rcpt))\n"
			     "            say('250 2.0.0 Ok: queued as TLS1')\n"
			     "        else:\n"
			     "            say('250 ok')\n"
			     "def listen(tls):\n"
			     "    s = socket.socket()\n"
			     "    s.bind(('127.0.0.1', 0))\n"
			     "    s.listen()\n"
			     "    def loop():\n"
			     "        while True:\n"
			     "            c, _ = s.accept()\n"
			     "            if tls:\n"
			     "                c = ctx.wrap_socket(c, server_side=True)\n"
			     "            threading.Thread(target=serve, args=(c, tls), daemon=True).start()\n"
			     "    threading.Thread(target=loop, daemon=True).start()\n"
			     "    return s.getsockname()[1]\n"
			     "print(listen(False), listen(True), flush=True)\n"
			     "sys.stdin.read()\n";

Test(smtp, starttls_and_smtps_with_auth)
{
	char *dir = test_tmpdir();
	char *script = xstrfmt("%s/tls.py", dir), *cert = xstrfmt("%s/cert.pem", dir);
	char *key = xstrfmt("%s/key.pem", dir), *log = xstrfmt("%s/log", dir);
	char *cmd = xstrfmt("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "
			    "/CN=localhost -keyout %s -out %s "
			    ">/dev/null 2>&1",
			    key, cert);
	unsigned plain_port = 0, tls_port = 0;
	struct err err = ERR_INIT;
	struct gw_smtp_result r;
	int in[2], out[2];
	pid_t pid;
	FILE *f;

	if (system(cmd))
		cr_skip_test("openssl could not make a test certificate");
	test_write_file(script, tls_py);
	/* the certificate's SHA-256, as openssl prints it (AB:CD:...), and bare lower case */
	char *fp_cmd = xstrfmt("openssl x509 -in %s -noout -fingerprint -sha256 | sed 's/.*=//'", cert);
	char pin[128] = "", pin_plain[128] = "";
	FILE *fp = popen(fp_cmd, "r");
	cr_assert(fp && fgets(pin, sizeof(pin), fp), "openssl gave no fingerprint");
	pclose(fp);
	free(fp_cmd);
	pin[strcspn(pin, "\n")] = '\0';
	for (size_t i = 0, j = 0; pin[i]; i++)
		if (pin[i] != ':')
			pin_plain[j++] = (char)tolower((unsigned char)pin[i]);
	cr_assert(strlen(pin) == 95, "%s", pin);
	cr_assert(!pipe(in) && !pipe(out));
	pid = fork();
	cr_assert_neq(pid, -1);
	if (!pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execlp("python3", "python3", script, cert, key, log, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	f = fdopen(out[0], "r");
	cr_assert(fscanf(f, "%u %u", &plain_port, &tls_port) == 2, "the TLS test server did not start");
	fclose(f);

	gw_smtp_result_init(&r);
	for (int smtps = 0; smtps < 2; smtps++) {
		char *url = xstrfmt("%s://127.0.0.1:%u", smtps ? "smtps" : "smtp", smtps ? tls_port : plain_port);
		struct gw_smtp_opts o = { .url = url, .username = "crm", .password = "s3cret", .command_timeout = 10 };
		struct gw_smtp *s;
		assert_ok(gw_smtp_open(&s, &o, &err), &err);
		for (int i = 0; i < 2; i++)
			assert_ok(gw_smtp_send(s, "a@example.test", "b@example.test", "x\r\n", 3, &r, &err), &err);
		cr_assert_str_eq(r.queue_id.data, "TLS1");
		gw_smtp_close(s);
		/* pinned: the right fingerprint (colons or not, any case) sends; a
		 * wrong one stops before the password or any message goes */
		o.tls_fingerprint = smtps ? pin_plain : pin;
		assert_ok(gw_smtp_open(&s, &o, &err), &err);
		assert_ok(gw_smtp_send(s, "a@example.test", "b@example.test", "x\r\n", 3, &r, &err), &err);
		gw_smtp_close(s);
		o.tls_fingerprint =
			"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
		/* open connects at once, so the check stops it there */
		cr_expect_eq(gw_smtp_open(&s, &o, &err), ERR_INPUT);
		cr_expect(strstr(err.msg.data, "is not the one tls_fingerprint names"), "%s", err.msg.data);
		cr_expect(strstr(err.msg.data, pin), "names the certificate's: %s", err.msg.data);
		err_clear(&err);
		free(url);
	}
	close(in[1]);
	waitpid(pid, NULL, 0);

	/* AUTH PLAIN, only ever over TLS: base64 of "crm\0crm\0s3cret" (Cyrus
	 * SASL, as libetpan calls it, names the user as authzid as well) */
	char *got = test_slurp(log);
	static const char line[] = "tls=1 auth=Y3JtAGNybQBzM2NyZXQ= MAIL FROM:<a@example.test>";
	size_t n = 0;
	for (const char *p = got; (p = strstr(p, line)); p++)
		n++;
	cr_assert_eq(n, 6, "%s", got);
	cr_assert_null(strstr(got, "tls=0"), "%s", got);
	free(got);
	gw_smtp_result_release(&r);
	err_release(&err);
	free(cmd);
	free(log);
	free(key);
	free(cert);
	free(script);
	test_rmdir(dir);
}
