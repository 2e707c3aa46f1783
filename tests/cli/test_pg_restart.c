/* tests/cli/test_pg_restart.c - PostgreSQL restarting (as after a crash)
 * in the middle of a campaign: the workers connect again, take over what
 * their old sessions held, and every recipient gets the message; a second
 * copy only where an outcome was unknown.
 *
 * It restarts the test server that tests/run.sh started, so it is the only
 * test of its binary: run.sh runs the binaries one after another. */
#include "crash.h"

TestSuite(pg_restart, .init = test_fixture_init, .fini = test_fixture_fini, .timeout = 240);

/* pg_ctl restart -m immediate: the server stops as if it crashed (every
 * session cut at once, crash recovery at the start) and comes back with the
 * options it had. */
static void restart_postgres(void)
{
	const char *data = getenv("CRMGATE_TEST_PGDATA"), *bin = getenv("PGBIN");
	char *cmd = xstrfmt("%s'%s/pg_ctl' -D '%s' -l '%s/../restart.log' -m immediate -w restart >/dev/null",
			    getuid() ? "" : "runuser -u postgres -- ", bin, data, data);
	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
	free(cmd);
}

Test(pg_restart, a_restart_mid_campaign_loses_nothing)
{
	const char *port = getenv("SINK_PORT"), *msgdir = getenv("SINK_MSGDIR");
	struct crash c;
	pid_t send;
	char *log;
	int status;

	if (!port || !msgdir)
		cr_skip_test("tests/run.sh started no smtp-sink");
	if (!getenv("CRMGATE_TEST_PGDATA") || !getenv("PGBIN"))
		cr_skip_test("tests/run.sh did not say where its PostgreSQL lives (CRMGATE_TEST_PGDATA, PGBIN)");
	crash_setup(&c, "pgrestart.test", 150, (unsigned)atoi(port), "50", "");
	send = test_crmgate_bg(c.log, db, "send --workers 2");
	cr_assert_geq(crash_wait_sent(30, 30), 30, "nothing was sent: %s", test_slurp(c.log));
	restart_postgres();
	for (int i = 0; i < 900 && !crash_done(); i++)
		usleep(100 * 1000);
	cr_assert(crash_done(), "not done after the restart: %s\n%s", out.data, test_slurp(c.log));
	kill(-send, SIGTERM);
	status = test_wait(send, 20);
	cr_expect_eq(status, 0, "the workers stop cleanly: %s", test_slurp(c.log));
	log = test_slurp(c.log);
	cr_expect(strstr(log, "lost the database"), "the workers saw it go: %s", log);
	free(log);
	crash_check(&c, msgdir);
	crash_teardown(&c);
}
