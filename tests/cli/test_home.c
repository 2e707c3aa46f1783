/* tests/cli/test_home.c - which embedded database a command uses, found as
 * git finds its repository: the nearest var/ holding one from the working
 * directory up, the folder a crmgate.conf names, $CRMGATE_HOME, then the
 * per-user default; a database made anywhere but by 'db init' is announced. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"

/* Not on testlib's fixture: no test database, and its 'db stop' would search homes as these tests do. */
static char *dir;
static struct buf out, errout;

static void setup(void)
{
	dir = test_tmpdir_open();
	buf_init(&out);
	buf_init(&errout);
}

/* every cluster a test may have started, stopped again */
static void teardown(void)
{
	test_sh("for d in '%s'/var '%s'/home '%s'/data '%s'/data2; do [ -f \"$d/pg/PG_VERSION\" ] && "
		"CRMGATE_HOME=\"$d\" '%s' -q db stop; done >/dev/null 2>&1",
		dir, dir, dir, dir, getenv("CRMGATE_BIN"));
	test_sh("[ -f '%s'/xdg/crmgate/pg/PG_VERSION ] && runuser -u nobody -- env XDG_DATA_HOME='%s/xdg' "
		"CRMGATE_HOME= '%s' -q db stop >/dev/null 2>&1",
		dir, dir, getenv("CRMGATE_BIN"));
	test_rmdir(dir);
	buf_release(&out);
	buf_release(&errout);
}

TestSuite(home, .init = setup, .fini = teardown, .timeout = 120);

/* Is there dir/sub? */
static int exists(const char *sub)
{
	struct stat st;
	char *path = xstrfmt("%s%s", dir, sub);
	int there = stat(path, &st) == 0;
	free(path);
	return there;
}

static int in(const char *sub, const char *args)
{
	char *where = xstrfmt("%s%s", dir, sub);
	int rc = test_run(&out, &errout, where, NULL, "%s", args);
	free(where);
	return rc;
}

Test(home, the_nearest_var_above_is_found)
{
	cr_assert_eq(in("", "db init"), 0, "%s", errout.data);
	cr_assert_eq(test_sh("mkdir -p '%s/a/b'", dir), 0);
	cr_assert_eq(in("/a/b", "customer add code=C1 name=一号客户"), 0, "%s", errout.data);
	cr_assert_null(strstr(errout.data, "created a new database"), "%s", errout.data);
	cr_assert_not(exists("/a/b/var"), "no second database below");
	cr_assert_not(exists("/a/var"), "no second database below");
	cr_assert_eq(in("/a", "customer list"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "一号客户"), "the record is found from another folder: %s", out.data);
	cr_assert_eq(in("/a/b", "db status"), 0, "%s", errout.data);
	{
		char *folder = xstrfmt("folder: %s/var\n", dir);
		cr_assert(strstr(out.data, folder), "db status says which: %s", out.data);
		free(folder);
	}
}

Test(home, crmgate_home_and_the_announcement)
{
	char *home = xstrfmt("%s/home", dir), *said = xstrfmt("crmgate: created a new database in %s\n", home);
	setenv("CRMGATE_HOME", home, 1);
	cr_assert_eq(in("", "customer list"), 0, "%s", errout.data);
	cr_assert(strstr(errout.data, said), "a new database is announced: %s", errout.data);
	cr_assert(exists("/home/pg/PG_VERSION"));
	cr_assert_not(exists("/var"), "nothing made here");
	cr_assert_eq(in("", "customer add code=C1 name=x"), 0, "%s", errout.data);
	cr_assert_null(strstr(errout.data, "created"), "only once: %s", errout.data);
	/* a var/ on the way up comes first */
	cr_assert_eq(in("", "db init"), 0, "%s", errout.data);
	cr_assert_eq(in("", "targets customer --count"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "0\n", "the var/ here is another database");
	free(home);
	free(said);
}

Test(home, a_crmgate_conf_names_the_folder)
{
	char *conf = xstrfmt("%s/crmgate.conf", dir), *other = xstrfmt("%s/sub/other.conf", dir);
	test_write_file(conf, "[database]\ndir = data\n");
	cr_assert_eq(test_sh("mkdir -p '%s/sub'", dir), 0);
	cr_assert_eq(in("/sub", "customer add code=C1 name=x"), 0, "%s", errout.data);
	cr_assert(strstr(errout.data, "/data\n"), "made where the file says, relative to the file: %s", errout.data);
	cr_assert(exists("/data/pg/PG_VERSION"));
	cr_assert_eq(in("", "customer show C1"), 0, "%s", errout.data);
	/* --config names another file, and its folder */
	test_write_file(other, "[database]\ndir = ../data2\n");
	cr_assert_eq(in("/sub", "--config other.conf targets customer --count"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "0\n");
	cr_assert(exists("/data2/pg/PG_VERSION"));
	free(conf);
	free(other);
}

/* Nothing found and no $CRMGATE_HOME: the per-user default, as a normal
 * user ${XDG_DATA_HOME}/crmgate. */
Test(home, the_per_user_default)
{
	char *said = xstrfmt("crmgate: created a new database in %s/xdg/crmgate\n", dir);
	const char *bin = getenv("CRMGATE_BIN");
	char *run;
	int rc;

	cr_assert_eq(test_sh("mkdir -p '%s/xdg' '%s/work'", dir, dir), 0);
	if (geteuid() == 0) {
		cr_assert_eq(test_sh("chown nobody '%s/xdg' '%s/work'", dir, dir), 0);
		run = xstrfmt("cd '%s/work' && runuser -u nobody -- env -u CRMGATE_HOME XDG_DATA_HOME='%s/xdg' '%s'",
			      dir, dir, bin);
	} else {
		run = xstrfmt("cd '%s/work' && env -u CRMGATE_HOME XDG_DATA_HOME='%s/xdg' '%s'", dir, dir, bin);
	}
	rc = test_sh("%s customer list >'%s/o.txt' 2>'%s/e.txt'", run, dir, dir);
	{
		char *path = xstrfmt("%s/e.txt", dir), *e = test_slurp(path);
		cr_assert_eq(rc, 0, "%s", e);
		cr_assert(strstr(e, said), "%s", e);
		free(e);
		free(path);
	}
	cr_assert(exists("/xdg/crmgate/pg/PG_VERSION"));
	cr_assert_not(exists("/work/var"));
	free(run);
	free(said);
}
