/* tests/crm/test_db.c - the database session crm/db.c sets up: no statement
 * outlives its client or its purpose (statement_timeout by the kind of work,
 * client_connection_check_interval), and server messages reach the terminal
 * escaped. Against the real PostgreSQL of tests/run.sh. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"

static struct err err;

static void setup(void)
{
	test_fixture_init_session();
	err_init(&err);
}

static void teardown(void)
{
	err_release(&err);
	test_fixture_fini();
}

TestSuite(db, .init = setup, .fini = teardown);

/* A setting of db's session, malloc'd. */
static char *show(const char *name)
{
	char *sql = xstrfmt("SELECT current_setting('%s')", name), *v = NULL;
	assert_ok(crm_db_value(&v, session, sql, 0, NULL, &err), &err);
	free(sql);
	cr_assert(v, "no setting %s", name);
	return v;
}

static void expect_setting(const char *name, const char *want)
{
	char *v = show(name);
	cr_expect_str_eq(v, want, "%s is %s, not %s", name, v, want);
	free(v);
}

Test(db, a_session_starts_with_a_timeout_and_a_watch_on_its_client)
{
	expect_setting("statement_timeout", "1min");
	expect_setting("client_connection_check_interval", "1s");
	expect_setting("application_name", "crmgate");
	cr_expect_eq(crm_db_work_seconds(CRM_DB_QUICK), 60);
	cr_expect_eq(crm_db_work_seconds(CRM_DB_REPORT), 15 * 60);
	cr_expect_eq(crm_db_work_seconds(CRM_DB_BULK), 2 * 60 * 60);
}

/* Outside a transaction the kind of work holds for the session; inside one
 * until it ends, and a rolled back one leaves the session as it was. */
Test(db, the_kind_of_work_sets_the_timeout)
{
	assert_ok(crm_db_work(session, CRM_DB_REPORT, &err), &err);
	expect_setting("statement_timeout", "15min");
	assert_ok(crm_db_begin(session, &err), &err);
	assert_ok(crm_db_work(session, CRM_DB_BULK, &err), &err);
	expect_setting("statement_timeout", "2h");
	assert_ok(crm_db_commit(session, &err), &err);
	expect_setting("statement_timeout", "15min");
	assert_ok(crm_db_begin(session, &err), &err);
	assert_ok(crm_db_work(session, CRM_DB_QUICK, &err), &err);
	crm_db_rollback(session);
	expect_setting("statement_timeout", "15min");
}

/* The timeout is the server's: a statement past it is cancelled, and the
 * error is a temporary failure with the server's message. */
Test(db, a_statement_past_its_timeout_is_cancelled)
{
	assert_ok(crm_db_exec(session, "SET statement_timeout = 200", &err), &err);
	cr_assert_eq(crm_db_exec(session, "SELECT pg_sleep(5)", &err), ERR_TEMPFAIL);
	cr_assert(strstr(err.msg.data, "statement timeout"), "%s", err.msg.data);
}

Test(db, server_messages_are_shown_escaped)
{
	cr_assert_neq(crm_db_exec(session,
				  "DO $$ BEGIN RAISE EXCEPTION USING MESSAGE = E'bad \\x1b]0;x\\x07 value',"
				  " DETAIL = E'key (\\x1b[2J)', HINT = E'\\u009b'; END $$",
				  &err),
		      0);
	cr_assert_str_eq(err.msg.data, "bad \\x1b]0;x\\x07 value");
	cr_assert(strstr(err.detail.data, "key (\\x1b[2J)"), "%s", err.detail.data);
	cr_assert(strstr(err.hint.data, "\\u009b"), "%s", err.hint.data);
}

/* How many other sessions of this database wait for a lock. */
static long waiting(struct crm_db *conn)
{
	char *n = NULL;
	long v;
	assert_ok(crm_db_value(&n, conn,
			       "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
			       " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
			       0, NULL, &err),
		  &err);
	v = strtol(n, NULL, 10);
	free(n);
	return v;
}

/* A command killed in the middle of a query leaves nothing running: its
 * backend notices within a second or two that the client has gone. Each
 * command here waits for a table another session has locked, as a long
 * query would run; then it is killed with -9, as a user's Ctrl-C or an OOM
 * killer would end it, and pg_stat_activity must lose it. */
Test(db, a_killed_client_leaves_no_query_behind, .timeout = 120)
{
	static const struct {
		const char *table, *args;
	} cmds[] = {
		{ "crm.customer", "customer list" },
		{ "crm.opportunity", "report funnel" },
		{ "crm.contact", "export contact" },
	};
	struct crm_db *locker = NULL;
	char *log = xstrfmt("%s/bg.log", dir);

	assert_ok(crm_db_connect(&locker, db, &err), &err);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		char *lock = xstrfmt("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", cmds[i].table);
		pid_t pid;
		int n;

		assert_ok(crm_db_begin(locker, &err), &err);
		assert_ok(crm_db_exec(locker, lock, &err), &err);
		pid = test_crmgate_bg(log, db, "%s", cmds[i].args);
		for (n = 0; n < 200 && waiting(session) == 0; n++)
			usleep(50 * 1000);
		cr_assert_eq(waiting(session), 1, "'crmgate %s' never waited for the lock", cmds[i].args);
		kill(-pid, SIGKILL);
		cr_assert_eq(test_wait(pid, 10), 128 + SIGKILL);
		for (n = 0; n < 100 && waiting(session) > 0; n++)
			usleep(50 * 1000);
		cr_assert_eq(waiting(session), 0, "'crmgate %s' was killed, and its query still waits on the server",
			     cmds[i].args);
		crm_db_rollback(locker);
		free(lock);
	}
	crm_db_free(locker);
	free(log);
}
