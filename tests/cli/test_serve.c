/* tests/cli/test_serve.c - crmgate serve as a user runs it: it says where it
 * listens, answers an unsubscribe link and SMS callbacks, and stops cleanly
 * on SIGTERM and SIGINT. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/web.h"

static void setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_fixture_init();
}

static void teardown(void)
{
	test_fixture_fini();
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

/* An e-mail sent to zhang@example.test: its unsubscribe link's path into
 * path, and a connection to the database (the caller's). */
static struct crm_db *seed(struct buf *path)
{
	struct crm_db *conn;
	struct err err = ERR_INIT;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(
		crm_db_exec(conn,
			    "INSERT INTO crm.customer (code, name) VALUES ('C1', '甲公司');"
			    "INSERT INTO crm.contact (code, customer_id, name, email) VALUES"
			    " ('K1', 1, '张三', 'zhang@example.test');"
			    "INSERT INTO crm.campaign (name, channel, targets) VALUES ('邮件', 'email', 'contact');"
			    "INSERT INTO crm.outbox (campaign_id, channel, target_code, contact_id, recipient, status)"
			    " VALUES (1, 'email', 'K1', 1, 'zhang@example.test', 'sent')",
			    &err),
		&err);
	buf_adds(path, "/u/");
	assert_ok(gw_web_token(path, conn, 1, NULL, &err), &err);
	err_release(&err);
	return conn;
}

Test(serve, answers_and_stops_on_sigterm_and_sigint)
{
	char *log = xstrfmt("%s/serve.log", dir), *opted;
	struct crm_db *conn;
	struct err err = ERR_INIT;
	struct buf path = BUF_INIT;
	unsigned port;
	pid_t pid;

	conn = seed(&path);

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

/* The server takes a long questionnaire's form (thousands of fields) on
 * /s/, but a query's parameters stay capped on every route: past a few
 * hundred, libmicrohttpd answers nothing at all. Each such request gets a
 * plain 400 at once, and the server goes on serving. */
Test(serve, thousands_of_query_parameters_are_refused_on_every_route)
{
	static const char *const paths[] = { "/s/AAAA", "/u/AAAA", "/sms/in", "/sms/dlr", "/nope" };
	static const int counts[] = { 65, 1000, 3000, 6000 };
	char *log = xstrfmt("%s/serve.log", dir);
	struct buf path = BUF_INIT, body = BUF_INIT, wrong = BUF_INIT;
	unsigned port;
	pid_t pid;

	pid = start(log, "127.0.0.1:0");
	port = wait_port(log, pid);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		for (size_t k = 0; k < ARRAY_SIZE(counts); k++) {
			struct timespec t0, t1;
			double secs;
			long status;
			buf_reset(&path);
			buf_addf(&path, "%s?", paths[i]);
			for (int n = 0; n < counts[k]; n++)
				buf_adds(&path, n ? "&p=1" : "p=1");
			buf_reset(&body);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			status = test_http(port, NULL, path.data, NULL, NULL, &body, NULL);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
			if (status != 400 || strcmp(body.data ? body.data : "", "bad request\n") || secs >= 2.0)
				buf_addf(&wrong, "%s with %d parameters: %ld in %.2f s: %s\n", paths[i], counts[k],
					 status, secs, body.data ? body.data : "");
		}
	/* one assertion for them all: each is a line of what went wrong */
	cr_expect_eq(wrong.len, 0, "%s", wrong.data ? wrong.data : "");
	cr_expect_eq(fetch(port, "/sms/in?from=13800138000&text=hello", NULL), 403, "still serving");
	kill(pid, SIGTERM);
	expect_exit(pid, 0, log, "stopping (SIGTERM)");
	buf_release(&path);
	buf_release(&body);
	buf_release(&wrong);
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

/* ---- under attack ---- */

#define SLOW 64	  /* slow-loris sockets: a request, one header byte a second */
#define IDLE 1000 /* idle sockets: connected, silent */

struct attack {
	unsigned port;
	int nslow, nidle;    /* of SLOW and IDLE */
	int fd[SLOW + IDLE]; /* -1: to open again */
	struct timespec opened[SLOW + IDLE];
	size_t sent[SLOW]; /* bytes of its request a slow socket has sent */
	pthread_t thread;
	volatile int stop;
	long opened_nr, closed_nr; /* connections made, and closed by the server */
	double slow_longest;	   /* the longest a slow one was kept, in seconds */
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static int attack_dial(struct attack *a, int i)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)a->port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a->opened[i]);
	a->opened_nr++;
	return fd;
}

/* Has the server closed fd (or reset it)? What it may have said before is
 * read and thrown away. */
static int gone(int fd)
{
	char junk[512];
	ssize_t n;

	while ((n = recv(fd, junk, sizeof(junk), MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOTCONN);
}

static int in_use(const struct attack *a, int i)
{
	return i < SLOW ? i < a->nslow : i - SLOW < a->nidle;
}

/* Once a second: every slow socket sends one more byte of its headers,
 * and whatever the server closed is opened again, so the pressure stays. */
static void *attack_run(void *arg)
{
	struct attack *a = arg;
	/* a header that never ends, one more byte a second */
	static const char start[] = "GET /u/1.x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a";

	while (!a->stop) {
		for (int i = 0; i < SLOW + IDLE && !a->stop; i++) {
			if (!in_use(a, i))
				continue;
			if (a->fd[i] >= 0 && gone(a->fd[i])) {
				if (i < SLOW && seconds_since(&a->opened[i]) > a->slow_longest)
					a->slow_longest = seconds_since(&a->opened[i]);
				close(a->fd[i]);
				a->fd[i] = -1;
				a->closed_nr++;
			}
			if (a->fd[i] < 0) {
				a->fd[i] = attack_dial(a, i);
				if (i < SLOW)
					a->sent[i] = 0;
			}
			if (i < SLOW && a->fd[i] >= 0) {
				ssize_t n = send(a->fd[i], a->sent[i] ? "a" : start, a->sent[i] ? 1 : sizeof(start) - 1,
						 MSG_NOSIGNAL | MSG_DONTWAIT);
				if (n > 0)
					a->sent[i] += (size_t)n;
			}
		}
		for (int ms = 0; ms < 1000 && !a->stop; ms += 50)
			usleep(50 * 1000);
	}
	for (int i = 0; i < SLOW + IDLE; i++)
		if (a->fd[i] >= 0)
			close(a->fd[i]);
	return NULL;
}

/* Attack port with nslow slow and nidle idle sockets for warmup seconds,
 * then make 5 real requests for path, half a second apart, while it goes
 * on: each must be answered, within a few seconds. Says what it saw. */
static void under_attack(unsigned port, const char *path, int nslow, int nidle, int warmup)
{
	struct attack *a = xcalloc(1, sizeof(*a));
	double slowest = 0;

	a->port = port;
	a->nslow = nslow;
	a->nidle = nidle;
	for (int i = 0; i < SLOW + IDLE; i++)
		a->fd[i] = -1;
	cr_assert_eq(pthread_create(&a->thread, NULL, attack_run, a), 0);
	sleep((unsigned)warmup);
	for (int i = 0; i < 5; i++) {
		struct timespec t0;
		struct buf body = BUF_INIT;
		double took;
		long status;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		status = test_http(port, NULL, path, NULL, NULL, &body, NULL);
		took = seconds_since(&t0);
		if (took > slowest)
			slowest = took;
		cr_expect_eq(status, 200, "%d slow, %d idle: request %d: status %ld after %.1f s", nslow, nidle, i + 1,
			     status, took);
		cr_expect(strstr(body.data, "z***@example.test"), "%s", body.data);
		cr_expect_lt(took, 3.0, "%d slow, %d idle: request %d took %.1f s", nslow, nidle, i + 1, took);
		buf_release(&body);
		usleep(500 * 1000);
	}
	a->stop = 1;
	pthread_join(a->thread, NULL);
	fprintf(stderr,
		"serve under %d slow and %d idle connections: 5 real requests, the slowest in %.3f s; the attacker"
		" opened %ld connections, the server closed %ld; a slow one lived %.1f s at most\n",
		nslow, nidle, slowest, a->opened_nr, a->closed_nr, a->slow_longest);
	if (nslow && !nidle) /* nothing else to push them out: the header deadline (5 s) cut them */
		cr_expect(a->slow_longest > 4 && a->slow_longest < 7.5, "a slow connection lived %.1f s",
			  a->slow_longest);
	free(a);
}

/* 64 slow-loris sockets trickling a byte a second and 1,000 idle TCP
 * connections, all from 127.0.0.1 like the real requests, opened again as
 * soon as the server closes them: alone and together, every real request
 * is still answered, each within a few seconds. */
Test(serve, real_requests_are_answered_under_slow_and_idle_floods, .timeout = 120)
{
	char *log = xstrfmt("%s/serve.log", dir);
	struct crm_db *conn;
	struct buf path = BUF_INIT;
	struct rlimit rl;
	unsigned port;
	pid_t pid;

	/* a socket per connection, on both sides: the test's and the server's */
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 2 * (SLOW + IDLE) + 256)
		cr_skip_test("RLIMIT_NOFILE allows %lu descriptors: too few for %d sockets", (unsigned long)rl.rlim_max,
			     SLOW + IDLE);
	rl.rlim_cur = rl.rlim_max;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);

	conn = seed(&path);

	pid = start(log, "127.0.0.1:0");
	port = wait_port(log, pid);
	under_attack(port, path.data, SLOW, 0, 8);
	under_attack(port, path.data, 0, IDLE, 3);
	under_attack(port, path.data, SLOW, IDLE, 3);
	kill(pid, SIGTERM);
	cr_expect_eq(wait_exit(pid), 0);
	crm_db_free(conn);
	buf_release(&path);
	free(log);
}
