/* tests/cli/test_db.c - the embedded PostgreSQL's life cycle under var/,
 * through the real binary in a folder of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"

static char *dir;
static struct buf out, errout;

static int crmgate(const char *args)
{
	/* no --db and no PG* settings: the embedded cluster */
	return test_run(&out, &errout, dir, NULL, "%s", args);
}

static void setup(void)
{
	dir = test_tmpdir();
	/* the postgres user must be able to reach var/ when we run as root */
	chmod(dir, 0755);
	buf_init(&out);
	buf_init(&errout);
}

static void teardown(void)
{
	crmgate("db stop");
	test_rmdir(dir);
	buf_release(&out);
	buf_release(&errout);
}

TestSuite(embedded, .init = setup, .fini = teardown, .timeout = 120);

Test(embedded, life_cycle)
{
	struct stat st;
	char path[600];

	cr_assert_eq(crmgate("db status"), 1, "nothing runs before the first start");
	cr_assert(strstr(out.data, "not created yet"), "%s", out.data);

	cr_assert_eq(crmgate("db start"), 0, "%s", errout.data);
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
		cr_assert_eq(crmgate(args), 0, "%s", errout.data);
		cr_assert_eq(crmgate("db reset"), 2, "reset wants --yes");
		cr_assert_eq(crmgate("db reset --yes"), 0, "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0);
		cr_assert_str_eq(out.data, "0\n");
		/* a file that is no dump costs nothing */
		snprintf(args, sizeof(args), "db restore '%s/var/pg/PG_VERSION'", dir);
		cr_assert_eq(crmgate("customer add code=C2 name=二号客户"), 0, "%s", errout.data);
		cr_assert_neq(crmgate(args), 0);
		cr_assert(strstr(errout.data, "nothing was changed"), "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0);
		cr_assert_str_eq(out.data, "1\n", "the data is still there");
		snprintf(args, sizeof(args), "db restore '%s'", path);
		cr_assert_eq(crmgate(args), 0, "%s", errout.data);
		cr_assert_eq(crmgate("targets customer --count"), 0, "%s", errout.data);
		cr_assert_str_eq(out.data, "1\n", "the restored data is back");
	}

	cr_assert_eq(crmgate("db stop"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("db status"), 1);
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
