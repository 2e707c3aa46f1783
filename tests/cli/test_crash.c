/* tests/cli/test_crash.c - nothing lost, nothing doubled: kill -9 of the
 * workers at random moments, an SMTP server that dies mid-campaign, and a
 * worker killed while it waits for the server's reply (unknown outcome, held
 * or resent by the campaign's policy). What arrived is counted in a real
 * smtp-sink's folder. (PostgreSQL restarting: test_pg_restart.c.) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "crash.h"

TestSuite(crash, .init = test_fixture_init, .fini = test_fixture_fini, .timeout = 240);

Test(crash, kill_9_of_the_workers_at_random_moments_loses_nothing)
{
	const char *port = getenv("SINK_PORT"), *msgdir = getenv("SINK_MSGDIR"), *s = getenv("CRASH_SEED");
	unsigned seed = s ? (unsigned)strtoul(s, NULL, 10) : (unsigned)time(NULL) ^ (unsigned)getpid();
	struct crash c;
	int kills = 0;

	if (!port || !msgdir)
		cr_skip_test("tests/run.sh started no smtp-sink");
	crash_setup(&c, "kill9.test", 200, (unsigned)atoi(port), "100", "");
	cr_log_info("kill moments from seed %u (CRASH_SEED=%u reruns them)", seed, seed);
	srand(seed);
	/* two workers at a time, killed with their parent 0 to 0.5 s after
	 * they sent their first message, while rows are claimed, sending and
	 * recorded (counted from the first message, not from the start: on a
	 * loaded machine, or under the sanitizers, a worker may take longer
	 * to start than the whole window) */
	for (int round = 0; round < 8 && !crash_done(); round++) {
		long before = crash_count_of("sent");
		pid_t pid = test_crmgate_bg(c.log, db, "send --workers 2");
		crash_wait_sent(before + 1, 20);
		usleep((useconds_t)(rand() % 500000));
		kill(-pid, SIGKILL);
		test_wait(pid, 10);
		kills++;
	}
	cr_expect_gt(crash_count_of("sent"), 0, "the killed workers sent some");
	/* the next worker takes over what the killed ones held: at once, as
	 * their database sessions are gone (a session may take a moment to end) */
	for (int i = 0; i < 30 && !crash_done(); i++) {
		cr_assert_eq(crmgate("send --once --workers 2"), 0, "%s", errout.data);
		if (!crash_done())
			usleep(200 * 1000);
	}
	cr_assert(crash_done(), "after %d kills the campaign did not finish: %s", kills, out.data);
	crash_check(&c, msgdir);
	crash_teardown(&c);
}

static int can_connect(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
	ok = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* smtp-sink saving into msgdir on port, as root dropping to nobody. */
static pid_t sink_start(const char *msgdir, unsigned port)
{
	char *addr = xstrfmt("127.0.0.1:%u", port), *files = xstrfmt("%s/%%Y%%m%%d%%H%%M%%S.", msgdir);
	pid_t pid;

	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		if (chdir(msgdir))
			_exit(127);
		if (!getuid())
			execlp("smtp-sink", "smtp-sink", "-u", "nobody", "-d", files, addr, "256", (char *)NULL);
		else
			execlp("smtp-sink", "smtp-sink", "-d", files, addr, "256", (char *)NULL);
		_exit(127);
	}
	/* listening when a connection is taken */
	for (int i = 0; !can_connect(port); i++) {
		cr_assert_lt(i, 100, "smtp-sink did not start on %s", addr);
		cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "smtp-sink ended before it listened on %s", addr);
		usleep(50 * 1000);
	}
	free(addr);
	free(files);
	return pid;
}

Test(crash, an_smtp_server_that_dies_mid_campaign_loses_nothing)
{
	struct crash c;
	unsigned port = test_free_port();
	char *msgdir;
	pid_t sink, send;
	long sent;

	if (system("command -v smtp-sink >/dev/null"))
		cr_skip_test("smtp-sink is not installed (package postfix)");
	crash_setup(&c, "sinkdies.test", 150, port, "60", "");
	msgdir = xstrfmt("%s/messages", dir);
	cr_assert_eq(mkdir(msgdir, 0777), 0);
	cr_assert_eq(chmod(dir, 0755) | chmod(msgdir, 0777), 0);
	sink = sink_start(msgdir, port);
	send = test_crmgate_bg(c.log, db, "send --workers 2");
	sent = crash_wait_sent(30, 30);
	cr_assert_geq(sent, 30, "nothing was sent: %s", test_slurp(c.log));
	/* the server dies mid-campaign, mid-message perhaps, and comes back 2 s later */
	kill(sink, SIGKILL);
	waitpid(sink, NULL, 0);
	cr_expect_lt(crash_count_of("sent"), c.n, "the server died before the end");
	sleep(2);
	sink = sink_start(msgdir, port);
	for (int i = 0; i < 600 && !crash_done(); i++)
		usleep(100 * 1000);
	cr_assert(crash_done(), "not done after the server came back: %s\n%s", out.data, test_slurp(c.log));
	kill(-send, SIGTERM);
	cr_expect_eq(test_wait(send, 20), 0, "send stops cleanly: %s", test_slurp(c.log));
	kill(sink, SIGTERM);
	waitpid(sink, NULL, 0);
	crash_check(&c, msgdir);
	/* the outage was seen: connections refused, rows queued again and retried */
	cr_expect_gt(crash_rows("attempts > 1"), 0, "no row was retried: %s", test_slurp(c.log));
	free(msgdir);
	crash_teardown(&c);
}

/* A worker killed while the server sits on its final dot: the row's outcome
 * is unknown. Held, it waits for a person; resent, it goes out again. */
static void killed_waiting_for_the_reply(const char *policy)
{
	const char *slow = getenv("SINK_DOTSLOW_PORT");
	struct crash c;
	pid_t pid;

	if (!slow)
		cr_skip_test("tests/run.sh started no smtp-sink that waits after the dot");
	crash_setup(&c, "slow.test", 1, (unsigned)atoi(slow), "10", !strcmp(policy, "hold") ? "--policy hold" : "");
	pid = test_crmgate_bg(c.log, db, "send");
	/* sending, then a second into the server's five-second wait */
	for (int i = 0; i < 100 && crash_rows("status = 'sending'") < 1; i++)
		usleep(100 * 1000);
	cr_assert_eq(crash_rows("status = 'sending'"), 1, "the message never went out: %s", test_slurp(c.log));
	sleep(1);
	kill(-pid, SIGKILL);
	test_wait(pid, 10);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(crash_rows("doubts = 1"), 1, "one unknown outcome");
	if (!strcmp(policy, "hold"))
		cr_expect_eq(crash_rows("status = 'unknown' AND last_error LIKE 'outcome unknown:%'"), 1,
			     "held for a person, not resent");
	else /* resent: the slow sink answers 250 after its wait this time */
		cr_expect_eq(crash_rows("status = 'sent'"), 1);
	crash_teardown(&c);
}

Test(crash, killed_waiting_for_the_reply_the_hold_policy_keeps_it_unknown)
{
	killed_waiting_for_the_reply("hold");
}

Test(crash, killed_waiting_for_the_reply_the_resend_policy_sends_it_again)
{
	killed_waiting_for_the_reply("resend");
}
