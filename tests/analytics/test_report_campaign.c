/* tests/analytics/test_report_campaign.c - report campaign counts what the
 * campaigns sent, per campaign and per channel, and why targets were
 * skipped: two small campaigns whose outcome is known. */
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"

static void setup(void)
{
	char *sms, *body;

	test_fixture_init();
	test_import(db, dir, "salesperson", "code,name\nS1,王伟\n");
	test_import(db, dir, "customer", "code,name,owner_code\nC1,甲公司,S1\n");
	/* K3 has no mobile, K4 opted out; K5 has no e-mail */
	test_import(db, dir, "contact",
		    "code,customer_code,name,mobile,email,sms_opt_out\n"
		    "K1,C1,张三,13800000001,zhang@example.test,false\n"
		    "K2,C1,李四,13800000002,li@example.test,false\n"
		    "K3,C1,王五,,wang@example.test,false\n"
		    "K4,C1,赵六,13800000004,zhao@example.test,true\n"
		    "K5,C1,钱七,13800000005,,false\n");
	sms = xstrfmt("file:%s/sms", dir);
	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{name}}，您好\n");
	cr_assert_eq(crmgate("campaign create 短信 --channel sms --targets contact --body '%s' --transactional", body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 短信 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	/* launched, not sent: four queued, one skipped */
	cr_assert_eq(crmgate("campaign create 邮件 --channel email --targets contact --subject hi --body '%s'", body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 邮件 --yes"), 0, "%s", errout.data);
	/* a draft has no results */
	cr_assert_eq(crmgate("campaign create 草稿 --channel sms --targets contact --body '%s'", body), 0, "%s",
		     errout.data);
	free(sms);
	free(body);
}

TestSuite(report_campaign, .init = setup, .fini = test_fixture_fini);

Test(report_campaign, counts_per_campaign_and_channel)
{
	cr_assert_eq(crmgate("--format csv report campaign"), 0, "%s", errout.data);
	cr_expect(strstr(out.data,
			 "id,name,channel,status,launched_on,total,sent,delivered,failed,bounced,unknown,skipped,"
			 "queued,segments_sent,sent_share\r\n"),
		  "%s", out.data);
	/* newest first: the e-mail campaign (4 queued, K5 no email), then the texts
	 * (K1, K2, K5 sent; K3 no mobile, K4 opted out), one segment each */
	cr_expect(strstr(out.data, "\r\n2,邮件,email,running,"), "%s", out.data);
	cr_expect(strstr(out.data, ",5,0,0,0,0,0,1,4,0,0.0000\r\n"), "%s", out.data);
	cr_expect(strstr(out.data, "1,短信,sms,done,"), "%s", out.data);
	cr_expect(strstr(out.data, ",5,3,0,0,0,0,2,0,3,0.6000\r\n"), "%s", out.data);
	cr_expect_null(strstr(out.data, "草稿"), "a draft has no results: %s", out.data);

	cr_assert_eq(crmgate("--format csv report campaign --table skips"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "reason,count,share\r\n"), "%s", out.data);
	cr_expect(strstr(out.data, "no email,1,0.3333\r\n"), "%s", out.data);
	cr_expect(strstr(out.data, "no mobile,1,0.3333\r\n"), "%s", out.data);
	cr_expect(strstr(out.data, "opted out,1,0.3333\r\n"), "%s", out.data);

	cr_assert_eq(crmgate("--format json report campaign"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"launched\": 2"), "%s", out.data);
	cr_expect(strstr(out.data, "\"sent\": 3"), "%s", out.data);
	cr_expect(strstr(out.data, "\"skipped\": 3"), "%s", out.data);
}

Test(report_campaign, a_period_without_launches_is_empty)
{
	cr_assert_eq(crmgate("--format csv report campaign --from 2001-01-01 --to 2001-12-31"), 0, "%s", errout.data);
	cr_expect_str_eq(
		out.data,
		"id,name,channel,status,launched_on,total,sent,delivered,failed,bounced,unknown,skipped,queued,"
		"segments_sent,sent_share\r\n");
}
