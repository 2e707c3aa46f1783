/* tests/crm/test_import.c - the CSV contract end to end: import, export,
 * round trips, and loud all-or-nothing failures, through the real binary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"

static char *db;
static char *dir;
static struct buf out, errout;

static void setup(void)
{
	db = test_db_create();
	dir = test_tmpdir();
	buf_init(&out);
	buf_init(&errout);
}

static void teardown(void)
{
	test_db_drop(db);
	test_rmdir(dir);
	buf_release(&out);
	buf_release(&errout);
}

TestSuite(import, .init = setup, .fini = teardown);

/* Write a fixture into the test's folder; returns its path (static buffer). */
static const char *fixture(const char *name, const char *content)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	test_write_file(path, content);
	return path;
}

static int crmgate(const char *args)
{
	return test_run(&out, &errout, NULL, NULL, "--db '%s' %s", db, args);
}

static int import(const char *entity, const char *name, const char *content)
{
	char *args = xstrfmt("import %s '%s'", entity, fixture(name, content));
	int rc = crmgate(args);
	free(args);
	return rc;
}

static const char departments[] = "code,name,parent_code\r\nD1,总公司,\r\nD2,销售一部,D1\r\n";
static const char salespeople[] = "code,name,department_code,email,mobile\r\n"
				  "S1,王伟,D2,wang@example.test,13800000001\r\n"
				  "S2,李娜,D2,li@example.test,\r\n";
static const char regions[] = "code,name,parent_code\r\nEC,华东,\r\nSH,上海,EC\r\n";
/* every kind of value the contract has: quotes, commas, a line break, Chinese */
static const char customers[] =
	"code,name,short_name,category_code,region_code,industry,status,owner_code,address,postcode,phone,email,"
	"created_on\r\n"
	"C1,上海华东机械有限公司,华东机械,,SH,制造,active,S1,\"上海市浦东新区, 张江路 1 号\r\n3 楼\",200120,"
	"021-5555,info@hd.example.test,2024-03-01\r\n"
	"C2,\"Say \"\"Hi\"\" Ltd\",,,EC,零售,potential,S2,,,,,2025-01-15\r\n";
/* a contact reports to one that comes later in the file */
static const char contacts[] =
	"code,customer_code,name,gender,title,department,reports_to_code,birthday,mobile,phone,email,address,"
	"postcode,email_opt_out,sms_opt_out,mail_opt_out\r\n"
	"K1,C1,张三,男,采购经理,采购部,K2,1985-02-28,13900000001,,zhang@hd.example.test,,,false,false,false\r\n"
	"K2,C1,赵总,女,总经理,,,1970-12-31,,,,,,true,false,false\r\n"
	"K3,C2,Bob,M,,,,2000-02-29,,,,,,false,true,false\r\n";

static void load_basics(void)
{
	cr_assert_eq(import("department", "d.csv", departments), 0, "%s", errout.data);
	cr_assert_eq(import("salesperson", "s.csv", salespeople), 0, "%s", errout.data);
	cr_assert_eq(import("region", "r.csv", regions), 0, "%s", errout.data);
	cr_assert_eq(import("customer", "c.csv", customers), 0, "%s", errout.data);
	cr_assert_eq(import("contact", "k.csv", contacts), 0, "%s", errout.data);
}

Test(import, export_gives_back_the_file)
{
	load_basics();
	cr_assert_eq(crmgate("export customer"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, customers);
	cr_assert_eq(crmgate("export contact"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, contacts);
	cr_assert_eq(crmgate("export salesperson"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, salespeople);
}

Test(import, export_reset_import_export_round_trips)
{
	static const char *const order[] = { "department", "salesperson", "region", "customer", "contact" };
	struct buf first[5];

	load_basics();
	for (size_t i = 0; i < 5; i++) {
		char *args = xstrfmt("export %s", order[i]);
		buf_init(&first[i]);
		cr_assert_eq(crmgate(args), 0, "%s", errout.data);
		buf_add(&first[i], out.data, out.len);
		fixture(order[i], out.data);
		free(args);
	}
	cr_assert_eq(crmgate("db reset --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("targets customer --count"), 0);
	cr_assert_str_eq(out.data, "0\n");
	for (size_t i = 0; i < 5; i++) {
		char *args = xstrfmt("import %s '%s/%s'", order[i], dir, order[i]);
		cr_assert_eq(crmgate(args), 0, "%s", errout.data);
		free(args);
		args = xstrfmt("export %s", order[i]);
		cr_assert_eq(crmgate(args), 0);
		cr_assert_str_eq(out.data, first[i].data, "%s differs after the round trip", order[i]);
		free(args);
		buf_release(&first[i]);
	}
}

Test(import, every_bad_row_is_named_and_nothing_is_imported)
{
	load_basics();
	cr_assert_eq(import("customer", "bad.csv",
			    "code,name,owner_code,created_on,status,email\n"
			    "C10,好客户,S1,2024-01-01,active,ok@example.test\n"  /* line 2: good */
			    "C11,坏日期,S1,2023-02-30,active,\n"                 /* 3: no such day */
			    "C12,无人,S99,2024-01-01,active,\n"                  /* 4: unknown salesperson */
			    "C10,重复,S1,2024-01-01,active,\n"                   /* 5: duplicate code */
			    "C13,,S1,2024-01-01,active,\n"                       /* 6: name missing */
			    "C14,状态,S1,2024-01-01,dormant,\n"                  /* 7: bad enum */
			    "C15,邮件,S1,2024-01-01,active,\"a@b.test\nBcc: x@y.test\"\n" /* 8-9: header injection */
			    "C16,\xff\xfe,S1,2024-01-01,active,\n"               /* 10: bad UTF-8 */
			    "C17,少列,S1\n"                                       /* 11: field count */
			    "C1,已有,S1,2024-01-01,active,\n"),                  /* 12: exists already */
		     2, "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:3: column 'created_on': '2023-02-30' is not a date"), "%s",
		  errout.data);
	cr_assert(strstr(errout.data, "bad.csv:4: column 'owner_code': there is no salesperson 'S99'"), "%s",
		  errout.data);
	cr_assert(strstr(errout.data, "bad.csv:5: column 'code': 'C10' appears more than once"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:2: column 'code': 'C10' appears more than once"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:6: column 'name': a value is required"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:7: column 'status': 'dormant' is not one of potential, active, inactive"),
		  "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:8: column 'email':"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:10: column 'name': not valid UTF-8"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:11: expected 6 fields as in the header, found 3"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:12: column 'code': customer 'C1' exists already"), "%s", errout.data);
	cr_assert(strstr(errout.data, "nothing was imported"), "%s", errout.data);
	cr_assert_eq(crmgate("targets customer --count"), 0);
	cr_assert_str_eq(out.data, "2\n", "the good row must not have been imported either");
}

Test(import, header_errors_name_the_column)
{
	load_basics();
	cr_assert_eq(import("customer", "h.csv", "code,name,colour\nC9,x,red\n"), 2);
	cr_assert(strstr(errout.data, "h.csv:1: column 'colour' is not a column of customer"), "%s", errout.data);
	cr_assert_eq(import("customer", "h2.csv", "code,owner_code\nC9,S1\n"), 2);
	cr_assert(strstr(errout.data, "h2.csv:1: column 'name' is required but missing"), "%s", errout.data);
	cr_assert_eq(import("customer", "h3.csv", ""), 2);
	cr_assert(strstr(errout.data, "h3.csv: is empty"), "%s", errout.data);
}

Test(import, reporting_cycles_are_refused)
{
	load_basics();
	cr_assert_eq(import("contact", "cycle.csv",
			    "code,customer_code,name,reports_to_code\n"
			    "K10,C1,甲,K11\n"
			    "K11,C1,乙,K12\n"
			    "K12,C1,丙,K10\n"
			    "K13,C1,丁,K13\n"),
		     2, "%s", errout.data);
	cr_assert(strstr(errout.data, "cycle.csv:2: column 'reports_to_code':"), "%s", errout.data);
	cr_assert(strstr(errout.data, "cycle.csv:5: column 'reports_to_code': a row cannot refer to itself"), "%s",
		  errout.data);
	/* in an edit, the rows already there take part: K1 reports to K2 */
	cr_assert_eq(crmgate("contact edit K2 reports_to_code=K1"), 2);
	cr_assert(strstr(errout.data, "edit: column 'reports_to_code': the chain of references leads back"), "%s",
		  errout.data);
	cr_assert_eq(import("contact", "other.csv", "code,customer_code,name,reports_to_code\nK20,C2,外人,K1\n"), 2);
	cr_assert(strstr(errout.data, "other.csv:2: column 'reports_to_code': contact 'K1' belongs to another customer"),
		  "%s", errout.data);
	cr_assert_eq(crmgate("targets contact --count"), 0);
	cr_assert_str_eq(out.data, "3\n");
}

Test(import, update_changes_only_the_given_columns)
{
	load_basics();
	{
		char *args = xstrfmt("import --update customer '%s'", fixture("nokey.csv", "status\ninactive\n"));
		cr_assert_eq(crmgate(args), 2, "an update without the key column is refused");
		cr_assert(strstr(errout.data, "nokey.csv:1: column 'code' is required but missing"), "%s", errout.data);
		free(args);
	}
	cr_assert_eq(import("customer", "u.csv", "code,status\nC1,inactive\n"), 2, "without --update it exists");
	{
		char *args = xstrfmt("import --update customer '%s'", fixture("u2.csv", "code,status\nC1,inactive\n"));
		cr_assert_eq(crmgate(args), 0, "%s", errout.data);
		free(args);
	}
	cr_assert_eq(crmgate("--format csv customer show C1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, ",inactive,"), "%s", out.data);
	cr_assert(strstr(out.data, "上海华东机械有限公司"), "the name must be unchanged: %s", out.data);
}

Test(import, add_edit_delete_on_the_command_line)
{
	load_basics();
	cr_assert_eq(crmgate("customer add code=C5 name=新客户 owner_code=S2 created_on=2025-06-01"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("customer add code=C6 name=坏 created_on=2025-13-01"), 2);
	cr_assert(strstr(errout.data, "add: column 'created_on': '2025-13-01' is not a date"), "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C5 region_code=NOPE"), 2);
	cr_assert(strstr(errout.data, "edit: column 'region_code': there is no region 'NOPE'"), "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C5 region_code=SH"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json customer show C5"), 0);
	cr_assert(strstr(out.data, "\"region_code\": \"SH\""), "%s", out.data);
	cr_assert_eq(crmgate("customer delete C1"), 2, "C1 still has contacts");
	cr_assert_eq(crmgate("customer delete C5"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer show C5"), 2);
	cr_assert(strstr(errout.data, "there is no customer 'C5'"), "%s", errout.data);
}

Test(import, sales_stages_create_their_mode)
{
	cr_assert_eq(import("sales-stage", "st.csv",
			    "mode_code,mode_name,seq,name,probability\n"
			    "STD,标准流程,1,初步接洽,10\nSTD,标准流程,2,方案报价,50\nSTD,标准流程,3,赢单,100\n"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("sales-mode list"), 0);
	cr_assert(strstr(out.data, "标准流程"), "%s", out.data);
	cr_assert_eq(import("sales-stage", "st2.csv", "mode_code,mode_name,seq,name,probability\nX,x,1,a,140\n"), 2);
	cr_assert(strstr(errout.data, "st2.csv:2: column 'probability': '140' is not a probability"), "%s",
		  errout.data);
	cr_assert_eq(crmgate("--format csv sales-mode list"), 0);
	cr_assert_null(strstr(out.data, "\r\nX,"), "the failed import must not leave its mode behind: %s", out.data);
}
