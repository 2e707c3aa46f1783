/* tests/cli/test_campaign.c - crmgate campaign as a marketer uses it: what
 * create refuses, preview, launch with and without --yes, status in JSON. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"

static char *db, *dir;
static struct buf out, errout;

#define crmgate(...) test_crmgate(&out, &errout, db, __VA_ARGS__)

static void setup(void)
{
	db = test_db_create();
	dir = test_tmpdir();
	buf_init(&out);
	buf_init(&errout);
	test_import(db, dir, "salesperson", "code,name\nS1,王伟\n");
	test_import(db, dir, "customer", "code,name,owner_code,email\nC1,甲公司,S1,info@jia.example.test\n");
	test_import(db, dir, "contact", "code,customer_code,name,email,mobile\n"
					"K1,C1,张三,zhang@example.test,13800000001\nK2,C1,李四,,13800000002\n");
}

static void teardown(void)
{
	test_db_drop(db);
	test_rmdir(dir);
	buf_release(&out);
	buf_release(&errout);
}

TestSuite(campaign, .init = setup, .fini = teardown);

static char *body(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", dir, name);
	test_write_file(path, text);
	return path;
}

Test(campaign, create_refuses_what_cannot_be_sent)
{
	char *txt = body("b.txt", "{{name}}，您好\n"), *bad = body("bad.txt", "{{nmae}}\n");

	cr_expect_eq(crmgate("campaign create a --channel email --targets contact --body '%s'", txt), 2);
	cr_expect(strstr(errout.data, "needs --subject"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel email --targets contact --subject '{{nmae}}' --body '%s'", txt), 2);
	cr_expect(strstr(errout.data, "--subject: line 1, column 1: unknown field 'nmae'"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel sms --targets contact --body '%s'", bad), 2);
	cr_expect(strstr(errout.data, "bad.txt: line 1, column 1: unknown field 'nmae'"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel sms --targets customer --body '%s'", txt), 2);
	cr_expect(strstr(errout.data, "a customer has no mobile"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel mail --targets contact --template birthday.txt"), 2);
	cr_expect(strstr(errout.data, "a Word letter"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel fax --targets contact"), 2);
	cr_expect_eq(crmgate("campaign create a --channel email --targets contact --where 'nmae = 1' --subject x --body '%s'",
			     txt),
		     2);
	cr_expect(strstr(errout.data, "unknown field 'nmae'"), "%s", errout.data);
	cr_expect_eq(crmgate("--format csv campaign list"), 0);
	cr_expect_null(strstr(out.data, "\r\n1,"), "nothing was created: %s", out.data);
	free(txt);
	free(bad);
}

Test(campaign, preview_launch_and_status)
{
	char *txt = body("b.txt", "{{name}}，您好\n");

	cr_assert_eq(crmgate("campaign create 问候 --channel email --targets contact --subject '致{{name}}' --body '%s'", txt),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign preview 问候"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "Subject: 致张三\n\n张三，您好\n"), "%s", out.data);
	cr_expect_eq(crmgate("campaign launch 问候"), 2, "no terminal, no --yes");
	cr_expect(strstr(errout.data, "pass --yes"), "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 问候 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "queued 1, skipped 1\n  no email: 1\n"), "%s", out.data);
	cr_assert_eq(crmgate("--format json campaign status 问候"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"status\": \"running\", \"queued\": 1, \"sending\": 0, \"sent\": 0, \"unknown\": 0,"
				   " \"failed\": 0, \"skipped\": 1, \"bounced\": 0, \"delivered\": 0, \"total\": 2}"),
		  "%s", out.data);
	cr_assert_eq(crmgate("campaign pause 问候"), 0, "%s", errout.data);
	cr_expect_eq(crmgate("campaign pause 问候"), 2, "paused already");
	cr_assert_eq(crmgate("campaign resume 1"), 0, "by id: %s", errout.data);
	cr_expect_eq(crmgate("campaign status nothere"), 2);
	free(txt);
}
