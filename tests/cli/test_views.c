/* tests/cli/test_views.c - the views the manual names, through the real
 * binary: reporting lines, a customer's and a salesperson's whole picture,
 * and moving customers between salespeople. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"

static void setup(void)
{
	test_fixture_init();
	import("department", "code,name\nD1,销售一部\n");
	import("salesperson", "code,name,department_code\nS1,王伟,D1\nS2,李娜,D1\n");
	import("customer", "code,name,owner_code\nC1,甲公司,S1\nC2,乙公司,S2\n");
	/* K1 and K3 report to K2, K4 to K1; K9 is another customer's */
	import("contact", "code,customer_code,name,title,reports_to_code\n"
			  "K1,C1,张三,采购经理,K2\nK2,C1,赵总,总经理,\nK3,C1,李四,,K2\nK4,C1,王五,采购员,K1\n"
			  "K9,C2,钱六,,\n");
	import("sales-stage", "mode_code,mode_name,seq,name,probability\nSTD,标准,1,接洽,10\nSTD,标准,2,报价,50\n");
	import("opportunity", "code,name,customer_code,owner_code,mode_code,stage_seq,amount,status\n"
			      "OP1,一号商机,C1,S1,STD,2,5000,open\n");
	import("product", "code,name,list_price,cost\nP1,产品一,100,60\nP2,产品二,50,20\n");
	import("order", "code,customer_code,owner_code,ordered_on\nO1,C1,S1,2025-03-01\n");
	import("order-line", "order_code,product_code,quantity,price,cost\nO1,P1,2,100,60\nO1,P2,1,50,20\n");
	import("invoice", "code,order_code,customer_code,invoiced_on,amount\nI1,O1,C1,2025-03-02,250\n");
	import("receipt", "code,customer_code,invoice_code,received_on,amount\nR1,C1,I1,2025-03-10,100\n");
	import("complaint", "code,customer_code,reason,status\nQ1,C1,交货延迟,new\n");
	import("activity", "code,type,subject,customer_code,owner_code,planned_at,status\n"
			   "A1,拜访,季度回访,C1,S1,2020-01-01T10:00:00+08,planned\n");
}

TestSuite(views, .init = setup, .fini = test_fixture_fini);

Test(views, contact_tree_shows_the_reporting_lines)
{
	cr_assert_eq(crmgate("contact tree C1"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "C1 甲公司\n"
				   "└── 赵总 (K2), 总经理\n"
				   "    ├── 张三 (K1), 采购经理\n"
				   "    │   └── 王五 (K4), 采购员\n"
				   "    └── 李四 (K3)\n");
	cr_assert_eq(crmgate("--format csv contact tree C1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "2,K4,王五,采购员,K1\r\n"), "%s", out.data);
	cr_assert_eq(crmgate("contact tree NOPE"), 2);
	cr_assert(strstr(errout.data, "there is no customer 'NOPE'"), "%s", errout.data);
}

Test(views, customer_view_holds_everything)
{
	cr_assert_eq(crmgate("customer view C1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "revenue:    250.00\n"), "%s", out.data);
	cr_assert(strstr(out.data, "arrears:    150.00\n"), "%s", out.data);
	cr_assert(strstr(out.data, "contacts 联系人 (4)"), "%s", out.data);
	cr_assert(strstr(out.data, "opportunities 商机 (1)"), "%s", out.data);
	cr_assert(strstr(out.data, "报价"), "the stage is shown by name: %s", out.data);
	cr_assert(strstr(out.data, "orders 销售订单 (1)"), "%s", out.data);
	cr_assert(strstr(out.data, "complaints 投诉 (1)"), "%s", out.data);
	cr_assert(strstr(out.data, "activities 活动 (1)"), "%s", out.data);
	cr_assert_null(strstr(out.data, "钱六"), "another customer's contact: %s", out.data);
	cr_assert(strstr(out.data, "campaigns 营销 (0)"), "%s", out.data);
	cr_assert_eq(crmgate("--format json customer view C1"), 0, "%s", errout.data);
	cr_assert(!strncmp(out.data, "{\"record\": {\"code\": \"C1\"", 24), "%s", out.data);
	cr_assert(strstr(out.data, "\"revenue\": 250.00"), "%s", out.data);
	cr_assert(strstr(out.data, "\"overdue\": true"), "%s", out.data);
}

Test(views, assign_and_reclaim_are_recorded)
{
	cr_assert_eq(crmgate("customer assign C1 S2"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv customer show C1"), 0);
	cr_assert(strstr(out.data, ",S2,"), "C1 now belongs to S2: %s", out.data);
	cr_assert_eq(crmgate("customer reclaim C1 S1"), 2, "C1 is not S1's any more");
	cr_assert(strstr(errout.data, "customer 'C1' is not S1's to take back"), "%s", errout.data);
	cr_assert_eq(crmgate("customer reclaim C1 S2"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json customer view C1"), 0);
	cr_assert(strstr(out.data, "\"owner_code\": null"), "%s", out.data);
	cr_assert(strstr(out.data, "\"action\": \"reclaim\", \"from_salesperson\": \"李娜\""), "%s", out.data);
	cr_assert(strstr(out.data,
			 "\"action\": \"assign\", \"from_salesperson\": \"王伟\", \"to_salesperson\": \"李娜\""),
		  "%s", out.data);
	cr_assert_eq(crmgate("customer assign C1 S9"), 2);
	cr_assert(strstr(errout.data, "there is no salesperson 'S9'"), "%s", errout.data);
}

Test(views, salesperson_view_adds_up)
{
	cr_assert_eq(crmgate("salesperson view S1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "customers:          1\n"), "%s", out.data);
	cr_assert(strstr(out.data, "open_amount:        5000.00\n"), "%s", out.data);
	cr_assert(strstr(out.data, "revenue:            250.00\n"), "%s", out.data);
	cr_assert(strstr(out.data, "overdue_activities: 1\n"), "%s", out.data);
	cr_assert(strstr(out.data, "一号商机"), "%s", out.data);
}

Test(views, customer_view_shows_the_campaign_messages_of_its_people)
{
	char *body = xstrfmt("%s/b.txt", dir), *sms = xstrfmt("file:%s/sms", dir);

	test_write_file(body, "{{name}}，您好\n");
	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	cr_assert_eq(crmgate("contact edit K1 mobile=13800000001"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("contact edit K9 mobile=13800000009"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign create 问候 --channel sms --targets contact --body '%s' --transactional", body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 问候 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json customer view C1"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"campaign\": \"问候\", \"channel\": \"sms\", \"recipient_name\": \"张三\","
				   " \"recipient\": \"13800000001\", \"status\": \"sent\""),
		  "%s", out.data);
	/* K2..K4 have no mobile: skipped, and said why */
	cr_expect(strstr(out.data, "\"status\": \"skipped\", \"note\": \"no mobile\""), "%s", out.data);
	cr_expect_null(strstr(out.data, "13800000009"), "another customer's contact: %s", out.data);
	free(body);
	free(sms);
}

/* Run SQL as the database owner; the first column of its rows, one a line. */
static void sql_rows(struct buf *res_out, const char *text)
{
	struct crm_db *conn = NULL;
	struct crm_res *res = NULL;
	struct err err = ERR_INIT;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_query(&res, conn, text, 0, NULL, &err), &err);
	buf_reset(res_out);
	for (int r = 0; r < crm_res_rows(res); r++)
		buf_addf(res_out, "%s\n", crm_res_get(res, r, 0) ? crm_res_get(res, r, 0) : "");
	crm_res_free(res);
	crm_db_free(conn);
	err_release(&err);
}

/* Every change of a customer's owner is recorded once (客户分配), whichever
 * command makes it: assign and reclaim, edit, import --update, plain SQL;
 * giving a customer to the one who has it changes and records nothing. */
Test(views, every_change_of_owner_is_recorded_once)
{
	struct buf got = BUF_INIT;
	char *csv = xstrfmt("%s/owners.csv", dir), *args;

	import("user", "login,name,role\nboss,老板,admin\n");
	cr_assert_eq(crmgate("customer assign C1 S2"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--as boss customer edit C1 owner_code=S1"), 0, "%s", errout.data);
	test_write_file(csv, "code,owner_code\nC1,S2\nC2,S1\n");
	args = xstrfmt("import --update customer '%s'", csv);
	cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C1 owner_code=S2"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer assign C1 S2"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C1 name=甲公司新名"), 0, "%s", errout.data);
	sql_rows(&got, "UPDATE crm.customer SET owner_id = NULL WHERE code = 'C2' RETURNING code");
	cr_assert_eq(crmgate("customer assign C2 S2"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer reclaim C2 S2"), 0, "%s", errout.data);
	sql_rows(&got, "SELECT concat_ws(' ', c.code, a.action, coalesce(f.code, '-'), coalesce(t.code, '-'),"
		       " CASE WHEN a.by_login = 'boss' THEN 'boss' END)"
		       " FROM crm.customer_assignment a JOIN crm.customer c ON c.id = a.customer_id"
		       " LEFT JOIN crm.salesperson f ON f.id = a.from_salesperson_id"
		       " LEFT JOIN crm.salesperson t ON t.id = a.to_salesperson_id ORDER BY a.id");
	cr_assert_str_eq(got.data, "C1 assign S1 S2\n"	    /* customer assign */
				   "C1 assign S2 S1 boss\n" /* customer edit, by whom --as says */
				   "C1 assign S1 S2\n"	    /* import --update, both rows */
				   "C2 assign S2 S1\n"
				   "C2 reclaim S1 -\n" /* SQL */
				   "C2 assign - S2\n"
				   "C2 reclaim S2 -\n");
	buf_release(&got);
	free(args);
	free(csv);
}

/* JSON carries booleans, numbers and nulls as such, in every list and record;
 * tables and CSV write booleans as the CSV contract does. */
Test(views, json_has_booleans_numbers_and_nulls)
{
	cr_assert_eq(crmgate("contact edit K1 email_opt_out=true"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json contact list --where \"code = 'K1'\""), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"email_opt_out\": true, \"sms_opt_out\": false,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"birthday\": null"), "%s", out.data);
	cr_assert_eq(crmgate("--format json contact show K2"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"email_opt_out\": false"), "%s", out.data);
	cr_assert_eq(crmgate("--format json targets contact --where email_opt_out"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"code\": \"K1\"") && strstr(out.data, "\"email_opt_out\": true"), "%s", out.data);
	cr_assert_eq(crmgate("--format json opportunity show OP1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"stage_seq\": 2,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"amount\": 5000.00,"), "%s", out.data);
	cr_assert_eq(crmgate("--format json order-line list"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"quantity\": 2,") || strstr(out.data, "\"quantity\": 2.0"), "%s", out.data);
	cr_assert(strstr(out.data, "\"price\": 100.00,"), "%s", out.data);
	cr_assert_eq(crmgate("--format json product list"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"list_price\": 100.00, \"cost\": 60.00"), "%s", out.data);
	/* for people and spreadsheets, as export writes them */
	cr_assert_eq(crmgate("--format csv contact show K1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, ",true,false,false\r\n"), "%s", out.data);
	cr_assert_eq(crmgate("contact show K1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "email_opt_out:   true\n"), "%s", out.data);
	cr_assert_eq(crmgate("customer view C1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "true") && !strstr(out.data, "  t\n"), "overdue as true or false: %s", out.data);
}

/* A control character stored in a value (by SQL, or before import refused
 * them) never reaches the terminal as it is: tables, records and views show
 * it escaped, and JSON escapes it. */
Test(views, control_characters_are_shown_escaped)
{
	struct buf got = BUF_INIT;

	sql_rows(&got, "UPDATE crm.contact SET address = E'\\x1b]0;pwned\\x07上海\\x1b[2J路', title = E'a\\u009bb'"
		       " WHERE code = 'K1' RETURNING code");
	sql_rows(&got, "UPDATE crm.customer SET address = E'甲\\x1b[31m路', short_name = E'甲\\u009b[31m'"
		       " WHERE code = 'C1' RETURNING code");
	static const char *const cmds[] = { "contact list",
					    "contact show K1",
					    "customer view C1",
					    "customer list",
					    "targets contact --where \"code = 'K1'\"",
					    "--format json contact show K1",
					    "--format json customer view C1" };
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		cr_assert_eq(crmgate("%s", cmds[i]), 0, "%s: %s", cmds[i], errout.data);
		cr_assert_null(memchr(out.data, 0x1b, out.len), "%s passes ESC to the terminal: %s", cmds[i], out.data);
		cr_assert_null(strstr(out.data, "\xc2\x9b"), "%s passes U+009B to the terminal: %s", cmds[i], out.data);
		cr_assert_null(memchr(out.data, 0x07, out.len), "%s passes BEL to the terminal: %s", cmds[i], out.data);
		cr_assert(strstr(out.data, "\\x1b") || strstr(out.data, "\\u001b"), "%s: %s", cmds[i], out.data);
	}
	cr_assert_eq(crmgate("contact tree C1"), 0, "%s", errout.data);
	cr_assert_null(strstr(out.data, "\xc2\x9b"), "%s", out.data);
	cr_assert(strstr(out.data, "张三 (K1), a\\u009bb"), "%s", out.data);
	buf_release(&got);
}
