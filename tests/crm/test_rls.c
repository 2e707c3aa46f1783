/* tests/crm/test_rls.c - data permissions by row-level security: two
 * salespeople, their manager and an admin look at the same database. */
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
	import("department", "code,name,parent_code\nHQ,总部,\nD1,销售一部,HQ\nD2,销售二部,HQ\n");
	import("salesperson", "code,name,department_code\nS1,王伟,D1\nS2,李娜,D1\nS3,陈晨,D2\nM1,周经理,D1\n");
	import("user", "login,name,role,salesperson_code,password\n"
		       "wang,王伟,salesperson,S1,pw1\nli,李娜,salesperson,S2,pw2\nchen,陈晨,salesperson,S3,pw3\n"
		       "zhou,周经理,sales_manager,M1,pw4\nboss,老板,executive,,pw5\n");
	import("customer", "code,name,owner_code\nA1,甲公司,S1\nA2,乙公司,S1\nB1,丙公司,S2\nC1,丁公司,S3\n");
	import("contact", "code,customer_code,name\nKA1,A1,甲联系人\nKB1,B1,丙联系人\nKC1,C1,丁联系人\n");
	import("product", "code,name,list_price\nP1,产品一,100\n");
	import("order", "code,customer_code,owner_code,ordered_on\nO1,A1,S1,2025-01-02\nO2,B1,S2,2025-01-03\n");
	import("order-line", "order_code,product_code,quantity,price\nO1,P1,2,100\nO2,P1,1,90\n");
}

TestSuite(rls, .init = setup, .fini = test_fixture_fini);

static void codes_are(const char *as, const char *entity, const char *want)
{
	char *args = xstrfmt("--as %s --format csv %s list", as, entity);
	struct buf got = BUF_INIT;
	cr_assert_eq(test_run(&out, &errout, NULL, NULL, "--db '%s' %s", db, args), 0, "%s", errout.data);
	/* the first column of every row after the header */
	for (char *line = strstr(out.data, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
		size_t n = strcspn(line + 2, ",\r");
		buf_add(&got, line + 2, n);
		buf_addch(&got, ' ');
	}
	cr_assert_str_eq(got.data, want, "%s sees these %s rows: '%s'", as, entity, got.data);
	buf_release(&got);
	free(args);
}

Test(rls, a_salesperson_sees_only_their_customers)
{
	codes_are("wang", "customer", "A1 A2 ");
	codes_are("li", "customer", "B1 ");
	codes_are("chen", "customer", "C1 ");
}

Test(rls, what_is_under_a_customer_follows_it)
{
	codes_are("wang", "contact", "KA1 ");
	codes_are("li", "contact", "KB1 ");
	codes_are("wang", "order", "O1 ");
	codes_are("li", "order", "O2 ");
	codes_are("wang", "order-line", "O1 ");
}

Test(rls, a_manager_sees_the_department_and_an_executive_everything)
{
	codes_are("zhou", "customer", "A1 A2 B1 ");
	codes_are("boss", "customer", "A1 A2 B1 C1 ");
	codes_are("zhou", "contact", "KA1 KB1 ");
}

Test(rls, without_as_the_owner_sees_all)
{
	cr_assert_eq(crmgate("targets customer --count%s", ""), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "4\n");
}

Test(rls, no_peeking_or_changing_other_peoples_customers)
{
	cr_assert_eq(crmgate("--as wang customer show %s", "B1"), 2);
	cr_assert(strstr(errout.data, "there is no customer 'B1'"), "%s", errout.data);
	cr_assert_eq(crmgate("--as wang customer view %s", "B1"), 2);
	cr_assert_neq(crmgate("--as wang customer edit B1 name=%s", "抢来的"), 0);
	cr_assert_neq(crmgate("--as wang customer delete %s", "B1"), 0);
	/* a salesperson cannot hand a new customer to someone else */
	cr_assert_neq(crmgate("--as wang customer add code=Z1 name=新 owner_code=%s", "S2"), 0);
	cr_assert_eq(crmgate("--as wang customer add code=Z2 name=新 owner_code=%s", "S1"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv customer show %s", "B1"), 0);
	cr_assert(strstr(out.data, "丙公司"), "B1 is unchanged: %s", out.data);
}

Test(rls, only_keepers_change_reference_data)
{
	cr_assert_neq(crmgate("--as wang product add code=P9 name=%s", "私加产品"), 0,
		      "a salesperson keeps no products");
	cr_assert_neq(crmgate("--as wang salesperson edit S2 name=%s", "改名"), 0);
	cr_assert_eq(crmgate("--as wang --format csv product list%s", ""), 0, "but reads them: %s", errout.data);
	cr_assert(strstr(out.data, "P1,产品一"), "%s", out.data);
	cr_assert_eq(crmgate("--as zhou product add code=P9 name=%s", "新产品"), 0, "%s", errout.data);
}

Test(rls, a_manager_moves_customers_within_the_department)
{
	cr_assert_eq(crmgate("--as zhou customer assign A1 %s", "S2"), 0, "%s", errout.data);
	codes_are("li", "customer", "A1 B1 ");
	codes_are("wang", "customer", "A2 ");
	codes_are("wang", "order", "");
	codes_are("li", "order", "O1 O2 ");
	cr_assert_eq(crmgate("--as zhou customer reclaim A1 %s", "S2"), 0, "%s", errout.data);
	codes_are("li", "customer", "B1 ");
	cr_assert_eq(crmgate("--as zhou customer assign A1 %s", "S1"), 0, "an unassigned customer: %s", errout.data);
	/* outside the department, and not a manager's job for a salesperson */
	cr_assert_eq(crmgate("--as zhou customer assign C1 %s", "S1"), 1);
	cr_assert(strstr(errout.data, "may not move customer 'C1'"), "%s", errout.data);
	cr_assert_eq(crmgate("--as zhou customer assign A2 %s", "S3"), 1);
	cr_assert_eq(crmgate("--as wang customer assign A2 %s", "S2"), 1);
	cr_assert_eq(crmgate("--as wang salesperson edit S3 department_code=%s", "D1"), 1,
		     "nobody but admins moves people between departments");
	cr_assert_eq(crmgate("--as zhou salesperson edit S3 department_code=%s", "D1"), 1,
		     "a manager cannot widen their own view");
}

Test(rls, every_table_open_to_users_has_row_security)
{
	struct err err = ERR_INIT;
	struct crm_db *conn;
	char *open_tables = NULL;
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(
		crm_db_value(
			&open_tables, conn,
			"SELECT string_agg(c.relname, ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
			" WHERE n.nspname = 'crm' AND c.relkind = 'r' AND NOT c.relrowsecurity AND"
			" (has_table_privilege('crmgate_app', c.oid, 'INSERT')"
			"  OR has_table_privilege('crmgate_app', c.oid, 'UPDATE')"
			"  OR has_table_privilege('crmgate_app', c.oid, 'DELETE'))",
			0, NULL, &err),
		&err);
	cr_assert_null(open_tables, "writable without row-level security: %s", open_tables);
	crm_db_free(conn);
}

Test(rls, the_filter_does_not_widen_the_view)
{
	/* a filter that matches every customer still finds only wang's two */
	cr_assert_eq(crmgate("--as wang targets customer --where \"owner_code = 'S2' or owner_code != 'S2'\" --count%s",
			     ""),
		     0, "%s", errout.data);
	cr_assert_str_eq(out.data, "2\n");
}

Test(rls, unknown_login_and_passwords)
{
	cr_assert_eq(crmgate("--as %s customer list", "nobody"), 2);
	cr_assert(strstr(errout.data, "there is no user 'nobody'"), "%s", errout.data);
	cr_assert_eq(crmgate("--format csv export %s", "user"), 0);
	cr_assert_null(strstr(out.data, "pw1"), "passwords are never exported: %s", out.data);
	cr_assert(strstr(out.data, "wang,王伟,salesperson,S1,\r\n"), "%s", out.data);
}
