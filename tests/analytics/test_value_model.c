/* tests/analytics/test_value_model.c - crmgate value-model: the presets, a
 * model made and changed from the command line, errors that name the bad
 * value, and who may change models. */
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"

#include "analytics/pyramid.h"
#include "crm/db.h"
#include "common/banned.h"

static void setup(void)
{
	test_fixture_init();
	import("department", "code,name,parent_code\nD1,销售一部,\n");
	import("salesperson", "code,name,department_code\nS1,王伟,D1\nM1,周经理,D1\n");
	import("user", "login,name,role,salesperson_code,password\n"
		       "wang,王伟,salesperson,S1,pw\nzhou,周经理,sales_manager,M1,pw\nboss,老板,executive,,pw\n");
}

TestSuite(value_model, .init = setup, .fini = test_fixture_fini);

#define HEADER "name,cut_by,default,tiers,w_revenue,w_profit,w_opportunity,w_arrears,w_expense,w_loyalty\r\n"

Test(value_model, the_presets_come_with_the_database)
{
	cr_assert_eq(crmgate("--format csv value-model list%s", ""), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, HEADER "default,share,true,A 1% / B 4% / C 15% / D 80%,30,25,15,10,10,10\r\n"
					  "pareto,share,false,A 1% / B 19% / C 30% / D 50%,30,25,15,10,10,10\r\n");
	cr_assert_eq(crmgate("value-model %s", "--help"), 0);
	cr_assert(strstr(out.data, "usage: crmgate value-model list"), "%s", out.data);
}

Test(value_model, create_change_and_make_default)
{
	cr_assert_eq(crmgate("value-model create wide --preset 1/19/30/50 --tiers 钻石,黄金,白银,青铜%s", ""), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("value-model create big --thresholds 100000/10000.50 --weights revenue=50,loyalty=0%s",
			     ""),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("value-model set big --tiers gold,silver,%s", "rest"), 0, "renamed: %s", errout.data);
	cr_assert_eq(crmgate("value-model set wide --weights %s", "expense=2.5"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("value-model default %s", "wide"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv value-model list%s", ""), 0, "%s", errout.data);
	cr_assert_str_eq(out.data,
			 HEADER "big,value,false,gold >= 100000 / silver >= 10000.5 / rest,50,25,15,10,10,0\r\n"
				"default,share,false,A 1% / B 4% / C 15% / D 80%,30,25,15,10,10,10\r\n"
				"pareto,share,false,A 1% / B 19% / C 30% / D 50%,30,25,15,10,10,10\r\n"
				"wide,share,true,钻石 1% / 黄金 19% / 白银 30% / 青铜 50%,30,25,15,10,2.5,10\r\n");
	/* a share model can become a threshold model */
	cr_assert_eq(crmgate("value-model set wide --thresholds %s", "500"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv value-model show %s", "wide"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "wide,value,true,A >= 500 / B,"), "%s", out.data);
	cr_assert_eq(crmgate("value-model delete %s", "default"), 0, "no longer the default: %s", errout.data);
	cr_assert_eq(crmgate("value-model show %s", "default"), 2);
}

/* Tier names travel to crm.value_model_set_tiers as one text[] parameter:
 * quotes, backslashes and braces in a name arrive as they are. */
Test(value_model, tier_names_with_quotes_backslashes_and_braces_arrive_as_they_are)
{
	cr_assert_eq(crmgate("value-model create q --preset 50/50 --tiers %s", "'\"甲\",{乙}\\'"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("--format csv value-model show %s", "q"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "q,share,false,\"\"\"甲\"\" 50% / {乙}\\ 50%\","), "%s", out.data);
}

Test(value_model, bad_input_is_named_with_exit_2)
{
	static const struct {
		const char *args, *says;
	} cases[] = {
		{ "value-model create x --shares 1/4/15/70", "must add up to 100 %, not 90 %" },
		{ "value-model create x --shares 1/a/15", "'a' is not a number" },
		{ "value-model create x --shares 0/20/80", "not 0 % / 20 % / 80 %" },
		{ "value-model create x --thresholds 10/100", "must fall from the top tier down: 10 then 100" },
		{ "value-model create x --weights turnover=3", "'turnover' is not an indicator" },
		{ "value-model create x --weights revenue=-3", "the weight of revenue, '-3', is not a number" },
		{ "value-model create x --shares 50/50 --tiers a,b,c", "3 tier names given for 2 tiers" },
		{ "value-model create x --shares 50/50 --tiers a,inactive", "cannot be called 'inactive'" },
		{ "value-model create default", "value model 'default' exists already" },
		{ "value-model set nosuch --tiers a", "there is no value model 'nosuch'" },
		{ "value-model set default", "needs something to change" },
		{ "value-model delete default", "value model 'default' is the default one" },
		{ "value-model show", "takes a model's NAME" },
		{ "value-model frobnicate", "'frobnicate' is not a verb of value-model" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(crmgate("%s", cases[i].args), 2, "%s: %s", cases[i].args, errout.data);
		cr_assert(strstr(errout.data, cases[i].says), "%s: %s", cases[i].args, errout.data);
	}
	cr_assert_eq(crmgate("--format csv value-model list%s", ""), 0);
	cr_assert_null(strstr(out.data, "\r\nx,"), "nothing half made: %s", out.data);
}

Test(value_model, only_admins_and_sales_managers_change_models)
{
	cr_assert_eq(crmgate("--as wang value-model create mine --shares %s", "50/50"), 1);
	cr_assert(strstr(errout.data, "only admins and sales managers"), "%s", errout.data);
	cr_assert_eq(crmgate("--as boss value-model set default --weights %s", "revenue=1"), 1);
	cr_assert_eq(crmgate("--as wang value-model default %s", "pareto"), 1);
	cr_assert_eq(crmgate("--as wang --format csv value-model show %s", "default"), 0, "but reads them: %s",
		     errout.data);
	cr_assert(strstr(out.data, "default,share,true,"), "%s", out.data);
	cr_assert_eq(crmgate("--as zhou value-model create team --shares %s", "10/90"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--as zhou value-model default %s", "team"), 0, "%s", errout.data);
}

/* A model made on the command line tiers the pyramid: two customers with
 * revenue 300 and 100 under thresholds 200: one each side. */
Test(value_model, a_made_model_tiers_the_pyramid)
{
	struct err err = ERR_INIT;
	struct crm_db *conn = NULL;
	struct an_report r;
	struct an_params p = { .by = "revenue", .model = "cut" };
	const struct an_table *t;

	import("customer", "code,name,owner_code\nC1,甲,S1\nC2,乙,S1\n");
	import("product", "code,name\nP1,产品\n");
	import("order", "code,customer_code,ordered_on\nO1,C1,2025-01-01\nO2,C2,2025-01-02\n");
	import("order-line", "order_code,product_code,quantity,price,cost\nO1,P1,3,100,0\nO2,P1,1,100,0\n");
	cr_assert_eq(crmgate("value-model create cut --thresholds 200 --tiers %s", "high,low"), 0, "%s", errout.data);
	an_report_init(&r, "pyramid", "pyramid");
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(an_pyramid(conn, &p, &r, &err), &err);
	t = an_report_find(&r, "tiers");
	cr_assert_eq(crm_res_rows(t->res), 2);
	cr_assert_str_eq(crm_res_get(t->res, 0, 0), "high");
	cr_assert_str_eq(crm_res_get(t->res, 0, 2), "300.00");
	cr_assert_str_eq(crm_res_get(t->res, 1, 0), "low");
	cr_assert_str_eq(crm_res_get(t->res, 1, 2), "100.00");
	an_report_release(&r);
	crm_db_free(conn);
	err_release(&err);
}
