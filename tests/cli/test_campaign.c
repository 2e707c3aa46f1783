/* tests/cli/test_campaign.c - crmgate campaign as a marketer uses it: what
 * create refuses, preview, launch with and without --yes, status in JSON. */
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"

static void setup(void)
{
	test_fixture_init();
	test_import(db, dir, "salesperson", "code,name\nS1,王伟\n");
	test_import(db, dir, "customer", "code,name,owner_code,email\nC1,甲公司,S1,info@jia.example.test\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,email,mobile\n"
		    "K1,C1,张三,zhang@example.test,13800000001\nK2,C1,李四,,13800000002\n");
}

TestSuite(campaign, .init = setup, .fini = test_fixture_fini);

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
	cr_expect_eq(crmgate("campaign create a --channel email --targets contact --subject '{{nmae}}' --body '%s'",
			     txt),
		     2);
	cr_expect(strstr(errout.data, "--subject: line 1, column 1: unknown field 'nmae'"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel sms --targets contact --body '%s'", bad), 2);
	cr_expect(strstr(errout.data, "bad.txt: line 1, column 1: unknown field 'nmae'"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel sms --targets customer --body '%s'", txt), 2);
	cr_expect(strstr(errout.data, "a customer has no mobile"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel mail --targets contact --template birthday.txt"), 2);
	cr_expect(strstr(errout.data, "a Word letter"), "%s", errout.data);
	cr_expect_eq(crmgate("campaign create a --channel fax --targets contact"), 2);
	cr_expect_eq(
		crmgate("campaign create a --channel email --targets contact --where 'nmae = 1' --subject x --body '%s'",
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

	cr_assert_eq(
		crmgate("campaign create 问候 --channel email --targets contact --subject '致{{name}}' --body '%s'",
			txt),
		0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign preview 问候"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "Subject: 致张三\n\n张三，您好\n"), "%s", out.data);
	cr_expect_eq(crmgate("campaign launch 问候"), 2, "no terminal, no --yes");
	cr_expect(strstr(errout.data, "pass --yes"), "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 问候 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "queued 1, skipped 1\n  no email: 1\n"), "%s", out.data);
	cr_assert_eq(crmgate("--format json campaign status 问候"), 0, "%s", errout.data);
	cr_expect(strstr(out.data,
			 "\"status\": \"running\", \"queued\": 1, \"sending\": 0, \"sent\": 0, \"unknown\": 0,"
			 " \"failed\": 0, \"skipped\": 1, \"bounced\": 0, \"delivered\": 0, \"total\": 2,"
			 " \"segments_to_send\": 0, \"segments_sent\": 0}"),
		  "%s", out.data);
	cr_assert_eq(crmgate("campaign pause 问候"), 0, "%s", errout.data);
	cr_expect_eq(crmgate("campaign pause 问候"), 2, "paused already");
	cr_assert_eq(crmgate("campaign resume 1"), 0, "by id: %s", errout.data);
	cr_expect_eq(crmgate("campaign status nothere"), 2);
	free(txt);
}

Test(campaign, texts_are_measured_in_segments_before_and_after_sending)
{
	struct buf text = BUF_INIT;
	char *txt, *sms = xstrfmt("file:%s/sms", dir);

	/* 【示例】 + 张三 + ， + 60 characters + 回T退订: 71 UCS-2 characters, two segments of 67 */
	buf_adds(&text, "{{name}}，");
	for (int i = 0; i < 60; i++)
		buf_adds(&text, "新");
	txt = body("long.txt", text.data);
	setenv("CRMGATE_SMS_SIGNATURE", "【示例】", 1);
	setenv("CRMGATE_SMS_OPTOUT_TEXT", "回T退订", 1);
	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	cr_assert_eq(crmgate("campaign create 新品 --channel sms --targets contact --body '%s'", txt), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("campaign preview 新品 --limit 1"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\n【示例】张三，新新"), "signed as it will go: %s", out.data);
	cr_expect(strstr(out.data, "新回T退订\n[71 characters, UCS-2, 2 segments]\n"), "%s", out.data);
	cr_assert_eq(crmgate("campaign launch 新品 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data,
			 "2 texts, 4 segments: 0 GSM 7-bit, 2 UCS-2; 2 longer than one segment (the longest 2)\n"),
		  "%s", out.data);
	cr_assert_eq(crmgate("--format json campaign status 新品"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"segments_to_send\": 4, \"segments_sent\": 0}"), "before: %s", out.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json campaign status 新品"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"sent\": 2,"), "%s", out.data);
	cr_expect(strstr(out.data, "\"segments_to_send\": 0, \"segments_sent\": 4}"), "after: %s", out.data);
	buf_release(&text);
	free(txt);
	free(sms);
}

Test(campaign, launch_warns_when_unsubscribe_links_point_at_this_machine)
{
	char *txt = body("b.txt", "{{name}}，您好\n");

	cr_assert_eq(crmgate("campaign create 推广 --channel email --targets contact --subject hi --body '%s'", txt), 0,
		     "%s", errout.data);
	unsetenv("CRMGATE_SERVE_PUBLIC_URL");
	cr_assert_eq(crmgate("campaign launch 推广 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "only this machine can open: set [serve] public_url"), "%s", errout.data);
	setenv("CRMGATE_SERVE_PUBLIC_URL", "https://crm.example.test", 1);
	cr_assert_eq(crmgate("campaign launch 推广 --yes"), 0, "%s", errout.data);
	cr_expect_null(strstr(errout.data, "public_url"), "%s", errout.data);
	free(txt);
}

Test(campaign, a_scheduled_campaign_waits_for_its_time)
{
	char *txt = body("b.txt", "{{name}}，您好\n"), *sms = xstrfmt("file:%s/sms", dir);

	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	cr_expect_eq(crmgate("campaign create 坏 --channel sms --targets contact --body '%s' --at 'next tuesday'", txt),
		     2);
	cr_expect(strstr(errout.data, "next tuesday"), "names the bad time: %s", errout.data);
	cr_assert_eq(crmgate("campaign create 以后 --channel sms --targets contact --body '%s' --at '2099-01-01 09:00'"
			     " --transactional",
			     txt),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign create 之前 --channel sms --targets contact --body '%s' --at '2020-01-01 09:00'"
			     " --transactional",
			     txt),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 以后 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 之前 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json campaign status 以后"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"status\": \"running\", \"queued\": 2, \"sending\": 0, \"sent\": 0,"), "%s",
		  out.data);
	cr_assert_eq(crmgate("--format json campaign status 之前"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"status\": \"done\", \"queued\": 0, \"sending\": 0, \"sent\": 2,"), "%s",
		  out.data);
	free(txt);
	free(sms);
}
