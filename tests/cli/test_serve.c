/* tests/cli/test_serve.c - crmgate serve as a user runs it: it says where it
 * listens, answers an unsubscribe link and SMS callbacks, and stops cleanly
 * on SIGTERM and SIGINT. */
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/web.h"

static char *db, *dir;

static void setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	db = test_db_create();
	dir = test_tmpdir();
}

static void teardown(void)
{
	test_db_drop(db);
	test_rmdir(dir);
	curl_global_cleanup();
}

TestSuite(serve, .init = setup, .fini = teardown, .timeout = 60);

/* Start "crmgate --db DB serve ARGS..." with its standard error in log. */
static pid_t start(const char *log, const char *listen)
{
	pid_t pid;

	test_write_file(log, ""); /* there before the child writes to it */
	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(getenv("CRMGATE_BIN"), "crmgate", "--db", db, "serve", "--listen", listen, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The port from "serving on http://127.0.0.1:PORT/", waited for up to 20 s. */
static unsigned wait_port(const char *log, pid_t pid)
{
	for (int i = 0; i < 400; i++) {
		char *text = test_slurp(log);
		const char *p = strstr(text, "serving on http://127.0.0.1:");
		unsigned port = p ? (unsigned)strtoul(p + 28, NULL, 10) : 0;
		free(text);
		if (port)
			return port;
		cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "crmgate serve ended before it listened");
		usleep(50 * 1000);
	}
	cr_assert_fail("crmgate serve did not say where it listens");
	return 0;
}

/* Wait up to 10 s for pid; its exit status, or -1. */
static int wait_exit(pid_t pid)
{
	int status;

	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* pid ends with status, and its log says needle. */
static void expect_exit(pid_t pid, int status, const char *log, const char *needle)
{
	char *text;

	cr_expect_eq(wait_exit(pid), status, "crmgate serve ended otherwise than with %d", status);
	text = test_slurp(log);
	cr_expect(strstr(text, needle), "%s", text);
	free(text);
}

static long fetch(unsigned port, const char *path, const char *post)
{
	return test_http(port, NULL, path, post, NULL, NULL, NULL);
}

Test(serve, answers_and_stops_on_sigterm_and_sigint)
{
	char *log = xstrfmt("%s/serve.log", dir), *opted;
	struct crm_db *conn;
	struct err err = ERR_INIT;
	struct buf path = BUF_INIT;
	unsigned port;
	pid_t pid;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_exec(conn,
			      "INSERT INTO crm.customer (code, name) VALUES ('C1', '甲公司');"
			      "INSERT INTO crm.contact (code, customer_id, name, email) VALUES"
			      " ('K1', 1, '张三', 'zhang@example.test');"
			      "INSERT INTO crm.campaign (name, channel, targets) VALUES ('邮件', 'email', 'contact');"
			      "INSERT INTO crm.outbox (campaign_id, channel, target_code, contact_id, recipient, status)"
			      " VALUES (1, 'email', 'K1', 1, 'zhang@example.test', 'sent')",
			      &err),
		  &err);
	buf_adds(&path, "/u/");
	assert_ok(gw_web_token(&path, conn, 1, NULL, &err), &err);

	pid = start(log, "127.0.0.1:0");
	port = wait_port(log, pid);
	cr_expect_eq(fetch(port, "/u/1.forged", NULL), 404);
	cr_expect_eq(fetch(port, path.data, NULL), 200);
	cr_expect_eq(fetch(port, path.data, "List-Unsubscribe=One-Click"), 200);
	/* no [sms] inbound_secret: inbound texts refused, and the log says how to turn them on */
	cr_expect_eq(fetch(port, "/sms/in?from=13800138000&text=hello", NULL), 403);
	cr_expect_eq(fetch(port, "/nope", NULL), 404);
	assert_ok(crm_db_value(&opted, conn, "SELECT email_opt_out::text FROM crm.contact", 0, NULL, &err), &err);
	cr_expect_str_eq(opted, "true");
	free(opted);
	kill(pid, SIGTERM);
	expect_exit(pid, 0, log, "stopping (SIGTERM)");
	{
		char *text = test_slurp(log);
		cr_expect(strstr(text, "set [sms] inbound_secret"), "%s", text);
		free(text);
	}

	/* again, with an inbound secret from the environment, stopped with Ctrl-C */
	setenv("CRMGATE_SMS_INBOUND_SECRET", "k-9f2c", 1);
	pid = start(log, "127.0.0.1:0");
	unsetenv("CRMGATE_SMS_INBOUND_SECRET");
	port = wait_port(log, pid);
	cr_expect_eq(fetch(port, path.data, NULL), 200);
	cr_expect_eq(fetch(port, "/sms/in?from=13800138000&text=hello", NULL), 403);
	cr_expect_eq(fetch(port, "/sms/in?key=k-9f2c&from=13800138000&text=hello", NULL), 200);
	kill(pid, SIGINT);
	expect_exit(pid, 0, log, "stopping (SIGINT)");
	cr_expect_eq(fetch(port, path.data, NULL), 0, "the port still answers");

	crm_db_free(conn);
	buf_release(&path);
	free(log);
}

Test(serve, a_bad_address_or_a_busy_port)
{
	char *log = xstrfmt("%s/serve.log", dir);
	unsigned port;
	pid_t pid, other;

	pid = start(log, "localhost");
	expect_exit(pid, 2, log, "'localhost' is not ADDR:PORT");

	pid = start(log, "127.0.0.1:0");
	port = wait_port(log, pid);
	{
		char *listen = xstrfmt("127.0.0.1:%u", port);
		char *log2 = xstrfmt("%s/other.log", dir);
		other = start(log2, listen);
		expect_exit(other, 1, log2, "could not listen on 127.0.0.1 port");
		free(listen);
		free(log2);
	}
	kill(pid, SIGTERM);
	cr_expect_eq(wait_exit(pid), 0);
	free(log);
}
