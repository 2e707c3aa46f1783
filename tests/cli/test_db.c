/* tests/cli/test_db.c - the embedded PostgreSQL's life cycle under var/,
 * through the real binary in a folder of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEST_FIXTURE
#include "testlib.h"

TestSuite(embedded, .init = test_fixture_init_embedded, .fini = test_fixture_fini, .timeout = 300);

Test(embedded, life_cycle)
{
	struct stat st;
	char path[600];

	cr_assert_eq(crmgate("db status"), 1, "nothing runs before the first start");
	cr_assert(strstr(out.data, "not created yet"), "%s", out.data);

	cr_assert_eq(crmgate("db init"), 0, "%s", errout.data);
	snprintf(path, sizeof(path), "%s/var/pg/PG_VERSION", dir);
	cr_assert_eq(stat(path, &st), 0, "the cluster lives under var/pg");
	cr_assert_eq(crmgate("db start"), 0, "starting a running server is a success: %s", errout.data);
	cr_assert_eq(crmgate("db status"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "running"), "%s", out.data);
	cr_assert(strstr(out.data, "schema: 0") && strstr(out.data, ".sql"), "%s", out.data);

	cr_assert_eq(crmgate("customer add code=C1 name=一号客户"), 0, "%s", errout.data);
	snprintf(path, sizeof(path), "%s/backup.dump", dir);
	{
		char args[700];
		snprintf(args, sizeof(args), "db dump '%s'", path);
		cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
		cr_assert_eq(crmgate("db reset"), 2, "reset wants --yes");
		cr_assert_eq(crmgate("db reset --yes"), 0, "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0);
		cr_assert_str_eq(out.data, "0\n");
		/* a file that is no dump costs nothing */
		snprintf(args, sizeof(args), "db restore '%s/var/pg/PG_VERSION' --yes", dir);
		cr_assert_eq(crmgate("customer add code=C2 name=二号客户"), 0, "%s", errout.data);
		cr_assert_neq(crmgate("%s", args), 0);
		cr_assert(strstr(errout.data, "nothing was changed"), "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0);
		cr_assert_str_eq(out.data, "1\n", "the data is still there");
		/* it replaces everything: only when told so */
		snprintf(args, sizeof(args), "db restore '%s'", path);
		cr_assert_eq(crmgate("%s", args), 2, "restore wants --yes: %s", errout.data);
		cr_assert(strstr(errout.data, "--yes"), "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0);
		cr_assert_str_eq(out.data, "1\n", "nothing was restored without --yes");
		snprintf(args, sizeof(args), "db restore '%s' --yes", path);
		cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0, "%s", errout.data);
		cr_assert_str_eq(out.data, "1\n", "the restored data is back");
	}

	cr_assert_eq(crmgate("db stop"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("db status"), 1);
	cr_assert(strstr(out.data, dir), "status names the folder: %s", out.data);
	cr_assert(strstr(out.data, "stopped"), "%s", out.data);
	/* a command that needs the database starts it again */
	cr_assert_eq(crmgate("customer show C1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "一号客户"), "%s", out.data);
}

Test(embedded, version_and_help)
{
	cr_assert_eq(crmgate("--version"), 0);
	cr_assert(!strncmp(out.data, "crmgate ", 8), "%s", out.data);
	cr_assert_eq(crmgate("--help"), 0);
	cr_assert(strstr(out.data, "targets"), "%s", out.data);
	cr_assert_eq(crmgate("customer --help"), 0);
	cr_assert(strstr(out.data, "customer view"), "%s", out.data);
	cr_assert_eq(crmgate("import --help"), 0);
	cr_assert_eq(crmgate("no-such-command"), 2);
	cr_assert(strstr(errout.data, "'no-such-command' is not a crmgate command"), "%s", errout.data);
}

/* A dump pg_restore can list but not restore (cut short): the data that was
 * there stays, whole. */
Test(embedded, failed_restore_costs_nothing)
{
	char args[700];
	cr_assert_eq(crmgate("db init"), 0, "%s", errout.data);
	/* enough data that the table of contents is well before the cut */
	cr_assert_eq(crmgate("gen --seed 1 --customers 50"), 0, "%s", errout.data);
	snprintf(args, sizeof(args), "db dump '%s/full.dump'", dir);
	cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
	cr_assert_eq(test_sh("cd '%s' && head -c -2000 full.dump >cut.dump && "
			     "pg_restore --list cut.dump >/dev/null",
			     dir),
		     0, "the cut dump still lists");
	cr_assert_eq(crmgate("customer add code=C3 name=三号客户"), 0, "%s", errout.data);
	snprintf(args, sizeof(args), "db restore '%s/cut.dump' --yes", dir);
	cr_assert_eq(crmgate("%s", args), 1, "%s", errout.data);
	cr_assert(strstr(errout.data, "nothing was changed"), "%s", errout.data);
	cr_assert_eq(crmgate("targets customer --count"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "51\n", "the data is still there");
	cr_assert_eq(crmgate("customer show C3"), 0, "%s", errout.data);
}

/* The demo empties its database only when all there is its own. */
Test(embedded, demo_keeps_what_it_did_not_make)
{
	char args[700];

	/* a database of someone's own: the demo changes nothing */
	cr_assert_eq(crmgate("db init"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer add code=MYCUST name=我的客户"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30"), 1, "%s", errout.data);
	cr_assert(strstr(errout.data, "--yes"), "the refusal names --yes: %s", errout.data);
	cr_assert(strstr(errout.data, "customer"), "and where the records are: %s", errout.data);
	cr_assert_eq(crmgate("customer show MYCUST"), 0, "MYCUST is still there: %s", errout.data);

	/* --yes says to throw it away */
	cr_assert_eq(crmgate("demo --customers 30 --yes"), 0, "%s", errout.data);
	cr_assert_neq(crmgate("customer show MYCUST"), 0, "--yes replaced everything");
	/* the demo's own records it replaces without asking, also after a send */
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30"), 0, "%s", errout.data);

	/* a record added after the demo, an edit, a campaign, a restored dump:
	 * each is someone's own */
	cr_assert_eq(crmgate("customer add code=MYCUST name=我的客户"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30"), 1, "%s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C0000001 name=改过的名字"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30"), 1, "an edited record is someone's own: %s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30 --yes"), 0, "%s", errout.data);
	snprintf(args, sizeof(args), "db dump '%s/demo.dump'", dir);
	cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
	snprintf(args, sizeof(args), "db restore '%s/demo.dump' --yes", dir);
	cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
	cr_assert_eq(crmgate("demo --customers 30"), 1, "restored records are someone's own: %s", errout.data);
}
