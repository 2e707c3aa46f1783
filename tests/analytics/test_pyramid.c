/* tests/analytics/test_pyramid.c - the customer value pyramid over small
 * hand-made datasets. Every expected number is worked out by hand in the
 * comments next to it, from the rows imported here, not by running the
 * report's own SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"

#include "analytics/pyramid.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "crm/store.h"
#include "common/banned.h"

#define FROM  "2025-01-01"
#define TO    "2025-12-31"
#define TODAY "2026-06-30"

static struct crm_db *conn;
static struct err err;
static struct an_report rep;

static void common_setup(void)
{
	test_fixture_init();
	err_init(&err);
	an_report_init(&rep, "pyramid", "Customer value pyramid 客户价值金字塔");
	import("department", "code,name,parent_code\nD1,销售一部,\n");
	import("salesperson", "code,name,department_code\nS1,王伟,D1\nS2,李娜,D1\n");
	import("user", "login,name,role,salesperson_code,password\nwang,王伟,salesperson,S1,pw\n");
	import("product", "code,name,list_price,cost\nP1,产品一,100,60\nP2,产品二,50,30\n");
	import("sales-stage", "mode_code,mode_name,seq,name,probability\nM,直销,1,初步接触,10\n");
	assert_ok(crm_db_connect(&conn, db, &err), &err);
}

static void teardown(void)
{
	an_report_release(&rep);
	crm_db_free(conn);
	err_release(&err);
	test_fixture_fini();
}

/* Dataset A: one of each source of every indicator.
 *
 * C1 (S1): orders 2023-01-01 (outside), 2025-03-10 (2 × 100, cost 60) and
 *   2025-10-19 (1 × 50, no line cost: the product's 30).
 *     revenue 2×100 + 1×50 = 250; profit 2×(100−60) + 1×(50−30) = 100
 *   opportunities created 2025-05-01 (1000) and 2024-12-31 (500, outside): 1000
 *   invoices 2024-01-01 50, 2025-06-01 300, 2026-01-05 100 (after the end);
 *   receipts 2024-02-01 30, 2025-07-01 120: arrears 50 + 300 − 30 − 120 = 200
 *   expenses 2025-04-01 10 on C1, 2025-05-02 20 on its opportunity, 2025-06-01
 *   5 on its activity, 2024-06-01 99 on C1 (outside): 35
 *   loyalty, window 2025-01-01..2025-12-31 (12 months): order months Mar, Oct: 2;
 *   first order 2023-01-01, 1095 days = 3 years before the end: min(3/5, 1) = 0.6;
 *   last 2025-10-19, 73 days before the end: 1 − 73/365 = 0.8; one complaint:
 *     100 × (0.4 × 2/12 + 0.3 × 0.6 + 0.3 × 0.8) − 5 = 6.6667 + 18 + 24 − 5 = 43.67
 * C2 (S1): order 2025-12-31 1 × 1000 cost 900: revenue 1000, profit 100;
 *   five complaints in 2025, capped at 20:
 *     100 × (0.4 × 1/12 + 0.3 × 0 + 0.3 × 1) − 20 = 3.3333 + 30 − 20 = 13.33
 * C3 (S2): only an opportunity created 2025-02-01 of 4000; an expense
 *   charged to its salesperson alone is not the customer's. Loyalty 0.
 * C4 (S2): an order and an unpaid invoice of 2023 (arrears 70), nothing in
 *   2025: inactive.
 * C5 (S1): nothing at all: inactive. */
static void dataset_a(void)
{
	import("customer",
	       "code,name,owner_code\nC1,甲公司,S1\nC2,乙公司,S1\nC3,丙公司,S2\nC4,丁公司,S2\nC5,戊公司,S1\n");
	import("order", "code,customer_code,owner_code,ordered_on\n"
			"O0,C1,S1,2023-01-01\nO1,C1,S1,2025-03-10\nO2,C1,S1,2025-10-19\nO3,C2,S1,2025-12-31\n"
			"O4,C4,S2,2023-05-05\n");
	import("order-line", "order_code,product_code,quantity,price,cost\n"
			     "O0,P1,10,100,60\nO1,P1,2,100,60\nO2,P2,1,50,\nO3,P1,1,1000,900\nO4,P1,1,70,60\n");
	import("opportunity", "code,name,customer_code,mode_code,stage_seq,amount,created_on,status\n"
			      "OP1,大单,C1,M,1,1000,2025-05-01,open\nOP2,旧单,C1,M,1,500,2024-12-31,open\n"
			      "OP3,新单,C3,M,1,4000,2025-02-01,open\n");
	import("invoice", "code,order_code,customer_code,invoiced_on,amount\n"
			  "I0,O0,C1,2024-01-01,50\nI1,O1,C1,2025-06-01,300\nI2,O2,C1,2026-01-05,100\n"
			  "I4,O4,C4,2023-06-01,70\n");
	import("receipt", "code,customer_code,invoice_code,received_on,amount\n"
			  "R0,C1,I0,2024-02-01,30\nR1,C1,I1,2025-07-01,120\n");
	import("activity", "code,type,subject,customer_code,owner_code,planned_at,status\n"
			   "A1,visit,拜访,C1,S1,2025-06-01,planned\n");
	import("expense", "code,type,amount,spent_on,opportunity_code,activity_code,customer_code,salesperson_code\n"
			  "E1,餐费,10,2025-04-01,,,C1,\nE2,差旅,20,2025-05-02,OP1,,,\nE3,礼品,5,2025-06-01,,A1,,\n"
			  "E4,餐费,99,2024-06-01,,,C1,\nE5,差旅,77,2025-03-01,,,,S2\n");
	import("complaint", "code,customer_code,reason,received_at,status\n"
			    "K1,C1,质量,2025-08-01,new\nK2,C2,质量,2025-02-01,new\nK3,C2,交期,2025-03-01,new\n"
			    "K4,C2,服务,2025-04-01,new\nK5,C2,价格,2025-05-01,new\nK6,C2,质量,2025-06-01,new\n");
}

/* Dataset B: ten customers with one 2025 order each, by revenue:
 *   K02 900, K03 500, K04 500, K05 300, K06 300, K07 300, K08 200, K01 100,
 *   K09 100, K10 50 (ties in code order): total 3250.
 * K02, K05 and K08 also opened an opportunity of 100 in 2025. K11 has only
 * a 2026 order (inactive in 2025). */
static void dataset_b(void)
{
	static const int revenue[] = { 100, 900, 500, 500, 300, 300, 300, 200, 100, 50 };
	struct buf cust = BUF_INIT, ord = BUF_INIT, line = BUF_INIT;
	buf_adds(&cust, "code,name,owner_code\n");
	buf_adds(&ord, "code,customer_code,owner_code,ordered_on\n");
	buf_adds(&line, "order_code,product_code,quantity,price,cost\n");
	for (int i = 0; i < 10; i++) {
		buf_addf(&cust, "K%02d,客户%02d,%s\n", i + 1, i + 1, i < 5 ? "S1" : "S2");
		buf_addf(&ord, "B%02d,K%02d,S1,2025-06-%02d\n", i + 1, i + 1, i + 1);
		buf_addf(&line, "B%02d,P1,1,%d,0\n", i + 1, revenue[i]);
	}
	buf_adds(&cust, "K11,客户11,S2\n");
	buf_adds(&ord, "B11,K11,S2,2026-03-01\n");
	buf_adds(&line, "B11,P1,1,50,0\n");
	import("customer", cust.data);
	import("order", ord.data);
	import("order-line", line.data);
	import("opportunity", "code,name,customer_code,mode_code,stage_seq,amount,created_on,status\n"
			      "OP2,商机,K02,M,1,100,2025-02-01,open\nOP5,商机,K05,M,1,100,2025-02-01,open\n"
			      "OP8,商机,K08,M,1,100,2025-02-01,open\n");
	buf_release(&cust);
	buf_release(&ord);
	buf_release(&line);
}

static void setup_a(void)
{
	common_setup();
	dataset_a();
}

static void setup_b(void)
{
	common_setup();
	dataset_b();
}

static void sql(const char *text)
{
	assert_ok(crm_db_exec(conn, text, &err), &err);
}

/* The report for 2025 by an indicator, model and tier to list. */
static void run(const char *by, const char *model, const char *members)
{
	struct an_params p = { .from = FROM, .to = TO, .today = TODAY, .by = by, .model = model, .members = members };
	an_report_release(&rep);
	assert_ok(an_pyramid(conn, &p, &rep, &err), &err);
}

static const struct crm_res *table(const char *name)
{
	const struct an_table *t = an_report_find(&rep, name);
	cr_assert(t, "no table '%s'", name);
	return t->res;
}

static int column(const struct crm_res *res, const char *name)
{
	for (int c = 0; c < crm_res_cols(res); c++)
		if (!strcmp(crm_res_name(res, c), name))
			return c;
	cr_assert_fail("no column '%s'", name);
	return -1;
}

/* The rows of a table as text: cells joined by ',', rows by ';' (NULL: empty). */
static char *rows_of(const char *name, const char *const *cols)
{
	const struct crm_res *res = table(name);
	struct buf b = BUF_INIT;
	for (int r = 0; r < crm_res_rows(res); r++) {
		for (int c = 0; cols[c]; c++) {
			const char *v = crm_res_get(res, r, column(res, cols[c]));
			buf_addf(&b, "%s%s", c ? "," : "", v ? v : "");
		}
		buf_adds(&b, ";");
	}
	return buf_detach(&b, NULL);
}

#define assert_rows(name, want, ...)                                                                                   \
	do {                                                                                                           \
		char *got_ = rows_of(name, (const char *const[]){ __VA_ARGS__, NULL });                                \
		cr_assert_str_eq(got_, want, "table %s:\n got %s\nwant %s", name, got_, want);                         \
		free(got_);                                                                                            \
	} while (0)

static void assert_figure(const char *name, const char *want)
{
	const char *got = an_report_value(&rep, name);
	if (!want)
		cr_assert_null(got, "figure %s: %s", name, got);
	else
		cr_assert(got && !strcmp(got, want), "figure %s: got %s, want %s", name, got ? got : "NULL", want);
}

#define TIER_COLS "tier", "customers", "value", "value_share", "min_value", "max_value"

/* One tier holding every active customer lists them all with --members. */
static void one_tier_model(void)
{
	sql("INSERT INTO crm.value_model (name) VALUES ('one');"
	    "SELECT crm.value_model_set_tiers('one', ARRAY['all'], ARRAY[1]);");
}

TestSuite(pyramid_a, .init = setup_a, .fini = teardown);
TestSuite(pyramid_b, .init = setup_b, .fini = teardown);

Test(pyramid_a, each_indicator_by_hand)
{
	one_tier_model();
	run("revenue", "one", "all");
	assert_rows("members",
		    "1,C2,1000.00,100.00,0.00,0.00,0.00,13.33;2,C1,250.00,100.00,1000.00,200.00,35.00,43.67;"
		    "3,C3,0.00,0.00,4000.00,0.00,0.00,0.00;",
		    "rank", "customer_code", "revenue", "profit", "opportunity", "arrears", "expense", "loyalty");
	assert_figure("customers", "3");
	assert_figure("inactive", "2");
	run("revenue", "one", "inactive");
	/* C4's arrears of 2023 do not make it active */
	assert_rows("members", ",C4,inactive,70.00;,C5,inactive,0.00;", "rank", "customer_code", "tier", "arrears");
}

Test(pyramid_a, ranked_by_each_indicator)
{
	one_tier_model();
	run("profit", "one", "all");
	/* C1 and C2 tie on 100: C2 has more revenue */
	assert_rows("members", "C2,100.00;C1,100.00;C3,0.00;", "customer_code", "value");
	run("opportunity", "one", "all");
	assert_rows("members", "C3,4000.00;C1,1000.00;C2,0.00;", "customer_code", "value");
	run("arrears", "one", "all");
	assert_rows("members", "C1,200.00;C2,0.00;C3,0.00;", "customer_code", "value");
	run("expense", "one", "all");
	assert_rows("members", "C1,35.00;C2,0.00;C3,0.00;", "customer_code", "value");
	run("loyalty", "one", "all");
	assert_rows("members", "C1,43.67;C2,13.33;C3,0.00;", "customer_code", "value");
}

/* Percentile ranks (rank − 1)/(N − 1) among the 3 active customers, peers
 * sharing the lowest rank; arrears and expense ranked from the highest:
 *              revenue profit opportunity arrears expense loyalty
 *   C1  250 .5  100 .5   1000 .5     200 0    35 0   43.67 1
 *   C2 1000 1   100 .5      0 0        0 .5    0 .5  13.33 .5
 *   C3    0 0     0 0    4000 1        0 .5    0 .5   0    0
 * score = Σ w·pct with weights 30/25/15/10/10/10 (sum 100):
 *   C1 15 + 12.5 + 7.5 + 0 + 0 + 10 = 45; C2 30 + 12.5 + 0 + 5 + 5 + 5 = 57.5;
 *   C3 0 + 0 + 15 + 5 + 5 + 0 = 25.
 * Default tiers for N = 3: A to rank max(1, round(0.03)) = 1, B to
 * round(0.15) = 0, C to round(0.6) = 1, D the rest. */
Test(pyramid_a, score_and_default_tiers)
{
	run("score", NULL, "D");
	assert_rows("members", "2,C1,45.00,D;3,C3,25.00,D;", "rank", "customer_code", "value", "tier");
	/* total 127.50: A 57.50 / 127.50 = 0.4510, D 70 / 127.50 = 0.5490 */
	assert_rows("tiers",
		    "A,1,57.50,0.4510,57.50,57.50;B,0,0.00,0.0000,,;C,0,0.00,0.0000,,;D,2,70.00,0.5490,25.00,45.00;",
		    TIER_COLS);
	assert_figure("indicator", "score");
	assert_figure("model", "default");
	/* the weights are data: all on loyalty ranks by loyalty */
	sql("UPDATE crm.value_model SET w_revenue = 0, w_profit = 0, w_opportunity = 0, w_arrears = 0,"
	    " w_expense = 0, w_loyalty = 5 WHERE name = 'default'");
	run("score", NULL, "A");
	assert_rows("members", "1,C1,100.00;", "rank", "customer_code", "value");
}

/* Revenue: C2 1000, C1 250, C3 0; total 1250. The top 20 % is
 * max(1, round(0.6)) = 1 customer: 1000 / 1250 = 0.8000; 80 % of 1250 is
 * 1000, reached by the first customer: 1/3 = 0.3333. */
Test(pyramid_a, pareto_figures)
{
	run("revenue", NULL, NULL);
	assert_figure("customers", "3");
	assert_figure("inactive", "2");
	assert_figure("total_value", "1250.00");
	assert_figure("top20_share", "0.8000");
	assert_figure("customers_for_80_share", "0.3333");
	assert_rows("tiers",
		    "A,1,1000.00,0.8000,1000.00,1000.00;B,0,0.00,0.0000,,;C,0,0.00,0.0000,,;"
		    "D,2,250.00,0.2000,0.00,250.00;",
		    TIER_COLS);
}

/* wang (S1) sees C1, C2 and C5: two active customers, C5 inactive. N = 2:
 * A to rank 1, B to round(0.1) = 0, C to round(0.4) = 0, D the rest. */
Test(pyramid_a, a_salesperson_sees_only_their_customers)
{
	struct crm_store_opts opts = { .conninfo = db, .as_login = "wang" };
	struct crm_db *as_wang = NULL;
	struct an_params p = { .from = FROM, .to = TO, .today = TODAY, .by = "revenue", .members = "D", .save = 1 };
	char *saved = NULL;

	assert_ok(crm_store_open(&as_wang, &opts, &err), &err);
	assert_ok(an_pyramid(as_wang, &p, &rep, &err), &err);
	assert_rows("tiers",
		    "A,1,1000.00,0.8000,1000.00,1000.00;B,0,0.00,0.0000,,;C,0,0.00,0.0000,,;"
		    "D,1,250.00,0.2000,250.00,250.00;",
		    TIER_COLS);
	assert_rows("members", "C1;", "customer_code");
	assert_figure("inactive", "1");
	/* the saved run holds what wang saw, under wang's name */
	assert_ok(crm_db_value(
			  &saved, conn,
			  "SELECT string_agg(c.code || ':' || coalesce(v.tier, '-'), ' ' ORDER BY c.code) || ' by ' ||"
			  " min(r.saved_by) FROM crm.value_run r JOIN crm.value_run_customer v ON v.run_id = r.id"
			  " JOIN crm.customer c ON c.id = v.customer_id",
			  0, NULL, &err),
		  &err);
	cr_assert_str_eq(saved, "C1:D C2:A C5:- by wang");
	free(saved);
	crm_db_free(as_wang);
}

Test(pyramid_a, bad_parameters_are_named)
{
	struct an_params p = { .by = "turnover" };
	cr_assert_eq(an_pyramid(conn, &p, &rep, &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "'turnover'"), "%s", err.msg.data);
	err_clear(&err);
	an_report_release(&rep);
	p = (struct an_params){ .model = "nosuch" };
	cr_assert_eq(an_pyramid(conn, &p, &rep, &err), ERR_NOTFOUND);
	cr_assert(strstr(err.msg.data, "'nosuch'"), "%s", err.msg.data);
	err_clear(&err);
	an_report_release(&rep);
	p = (struct an_params){ .members = "Z" };
	cr_assert_eq(an_pyramid(conn, &p, &rep, &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "'Z'"), "%s", err.msg.data);
	err_clear(&err);
	an_report_release(&rep);
	p = (struct an_params){ .compare = "last year" };
	cr_assert_eq(an_pyramid(conn, &p, &rep, &err), ERR_INPUT);
	err_clear(&err);
	an_report_release(&rep);
	p = (struct an_params){ .compare = "99" };
	cr_assert_eq(an_pyramid(conn, &p, &rep, &err), ERR_NOTFOUND);
	cr_assert(strstr(err.msg.data, "'99'"), "%s", err.msg.data);
}

/* Default model, N = 10: A to rank max(1, round(0.1)) = 1, B to
 * round(0.05 × 10) = round(0.5) = 1 (half rounds up: B is empty), C to
 * round(2.0) = 2, D the rest. The tie K03 = K04 = 500 falls across the C/D
 * boundary and is broken by code. Shares of 3250: 900 → 0.2769,
 * 500 → 0.1538, 1850 → 0.5692. */
Test(pyramid_b, tier_boundaries_with_ties_and_rounding)
{
	run("revenue", NULL, "D");
	assert_rows("tiers",
		    "A,1,900.00,0.2769,900.00,900.00;B,0,0.00,0.0000,,;C,1,500.00,0.1538,500.00,500.00;"
		    "D,8,1850.00,0.5692,50.00,500.00;",
		    TIER_COLS);
	assert_rows("members", "3,K04;4,K05;5,K06;6,K07;7,K08;8,K01;9,K09;10,K10;", "rank", "customer_code");
	/* top 20 %: round(2.0) = 2 customers, 1400 / 3250 = 0.4308; 80 % is
	 * 2600, reached at rank 6 (900 + 500 + 500 + 300 + 300 + 300 = 2800) */
	assert_figure("top20_share", "0.4308");
	assert_figure("customers_for_80_share", "0.6000");
	assert_figure("inactive", "1");
}

/* By opportunity, K02, K05 and K08 tie at 100 and the rest at 0: ties go
 * by revenue (900, 300, 200; then 500, 500, 300, 300, 100, 100, 50), then
 * by code. */
Test(pyramid_b, ties_broken_by_revenue_then_code)
{
	run("opportunity", NULL, "D");
	assert_rows("members", "3,K08;4,K03;5,K04;6,K06;7,K07;8,K01;9,K09;10,K10;", "rank", "customer_code");
	run("opportunity", NULL, "C");
	assert_rows("members", "2,K05;", "rank", "customer_code");
}

/* Preset 1/19/30/50, N = 10: A to max(1, round(0.1)) = 1, B to round(2.0)
 * = 2, C to round(5.0) = 5, D the rest. */
Test(pyramid_b, preset_1_19_30_50)
{
	run("revenue", "pareto", NULL);
	/* A K02 900; B K03 500; C K04 500, K05 300, K06 300; D K07 300, K08 200,
	 * K01 100, K09 100, K10 50 = 750 */
	assert_rows("tiers", "A,1,900.00,0.2769;B,1,500.00,0.1538;C,3,1100.00,0.3385;D,5,750.00,0.2308;", "tier",
		    "customers", "value", "value_share");
}

/* The pyramid of some salespeople's customers (--department, --salesperson)
 * has these tiers, these members of tier `tier` and this many inactive. */
static void assert_limited(const char *department, const char *salesperson, const char *tiers, const char *tier,
			   const char *members, const char *inactive)
{
	struct an_params p = { .from = FROM,
			       .to = TO,
			       .today = TODAY,
			       .by = "revenue",
			       .members = tier,
			       .department = department,
			       .salesperson = salesperson };
	an_report_release(&rep);
	assert_ok(an_pyramid(conn, &p, &rep, &err), &err);
	assert_rows("tiers", tiers, TIER_COLS);
	assert_rows("members", members, "rank", "customer_code");
	assert_figure("inactive", inactive);
}

/* --salesperson takes the customer's owner (every order of dataset B is
 * S1's), --department the owners in a department and the departments under
 * it. Here D2 under D1 has S3, who gets K06 and K07; D3 beside D1 has S4,
 * who gets K10. */
Test(pyramid_b, department_and_salesperson_limit_the_customers)
{
	import("department", "code,name,parent_code\nD2,华东组,D1\nD3,直销部,\n");
	import("salesperson", "code,name,department_code\nS3,张强,D2\nS4,赵敏,D3\n");
	sql("UPDATE crm.customer SET owner_id = (SELECT id FROM crm.salesperson WHERE code = 'S3')"
	    " WHERE code IN ('K06', 'K07');"
	    "UPDATE crm.customer SET owner_id = (SELECT id FROM crm.salesperson WHERE code = 'S4') WHERE code = 'K10'");

	/* S1: K02 900, K03 500, K04 500, K05 300, K01 100 = 2300, N = 5. A to
	 * max(1, round(0.05)) = 1, B to round(0.25) = 0, C to round(1.0) = 1
	 * (nothing past A), D the rest: 1400. 900 / 2300 = 0.3913, 1400 / 2300
	 * = 0.6087. K11 is S2's: no one is inactive. */
	assert_limited(NULL, "S1",
		       "A,1,900.00,0.3913,900.00,900.00;B,0,0.00,0.0000,,;C,0,0.00,0.0000,,;"
		       "D,4,1400.00,0.6087,100.00,500.00;",
		       "D", "2,K03;3,K04;4,K05;5,K01;", "0");
	assert_figure("customers", "5");

	/* D1 and D2 (S1, S2, S3), not D3: everyone but K10. K02 900, K03 500,
	 * K04 500, K05 300, K06 300, K07 300, K08 200, K01 100, K09 100 = 3200,
	 * N = 9: A to max(1, round(0.09)) = 1, B to round(0.45) = 0, C to
	 * round(1.8) = 2, D the rest (1800). 900 / 3200 = 0.28125 → 0.2813,
	 * 500 / 3200 = 0.15625 → 0.1563, 1800 / 3200 = 0.5625. K11 (S2) is
	 * inactive in 2025. */
	assert_limited("D1", NULL,
		       "A,1,900.00,0.2813,900.00,900.00;B,0,0.00,0.0000,,;C,1,500.00,0.1563,500.00,500.00;"
		       "D,7,1800.00,0.5625,100.00,500.00;",
		       "C", "2,K03;", "1");
	assert_figure("customers", "9");

	/* D2 alone (S3): K06 and K07 tie at 300, broken by code; N = 2: A to
	 * rank 1, B and C to round(0.1) = round(0.4) = 0, D the rest. */
	assert_limited("D2", NULL,
		       "A,1,300.00,0.5000,300.00,300.00;B,0,0.00,0.0000,,;C,0,0.00,0.0000,,;"
		       "D,1,300.00,0.5000,300.00,300.00;",
		       "D", "2,K07;", "0");
}

/* A saved run of everyone compared with S1's pyramid compares S1's
 * customers only. Everyone in 2025 (see tier_boundaries_with_ties_and_rounding):
 * A K02, C K03 (rank 2), D the other eight; S1 now (above): A K02, D K03
 * (rank 2), K04, K05, K01. K03 moved down; no one moved out. */
Test(pyramid_b, a_limited_pyramid_compares_its_own_customers)
{
	struct an_params all = { .from = FROM, .to = TO, .today = TODAY, .by = "revenue", .save = 1 };
	struct an_params s1 = { .from = FROM, .to = TO, .today = TODAY, .by = "revenue", .salesperson = "S1" };
	char *run_id;

	assert_ok(an_pyramid(conn, &all, &rep, &err), &err);
	run_id = xstrdup(an_report_value(&rep, "run"));
	s1.compare = run_id;
	an_report_release(&rep);
	assert_ok(an_pyramid(conn, &s1, &rep, &err), &err);
	assert_rows("moves", "down,K03,C,D,2,2;", "move", "customer_code", "from_tier", "to_tier", "from_rank",
		    "to_rank");
	assert_figure("moved_up", "0");
	assert_figure("moved_out", "0");
	free(run_id);
}

/* Thresholds: gold from 500, silver from 200, bronze the rest. */
Test(pyramid_b, value_thresholds_model)
{
	sql("INSERT INTO crm.value_model (name, cut_by) VALUES ('big', 'value');"
	    "SELECT crm.value_model_set_tiers('big', ARRAY['gold', 'silver', 'bronze'], ARRAY[500, 200, 0]);");
	run("revenue", "big", "silver");
	/* gold K02 900, K03 500, K04 500 = 1900; silver K05, K06, K07 300, K08 200
	 * = 1100; bronze K01 100, K09 100, K10 50 = 250 */
	assert_rows("tiers",
		    "gold,3,1900.00,0.5846,500.00,900.00;silver,4,1100.00,0.3385,200.00,300.00;"
		    "bronze,3,250.00,0.0769,50.00,100.00;",
		    TIER_COLS);
	assert_rows("members", "K05;K06;K07;K08;", "customer_code");
}

/* 2025 is saved; 2026 has orders from K10 (1000), K02 (600), K03 (100) and
 * K11 (50, its first): N = 4, A to rank 1, B to round(0.2) = 0, C to
 * round(0.8) = 1: A K10; D K02, K03, K11. Against 2025 (A K02, C K03, D the
 * other eight, K11 inactive): K10 up D→A; K02 down A→D, K03 down C→D; K11
 * in; K04 K05 K06 K07 K08 K01 K09 out (by their 2025 rank). */
Test(pyramid_b, save_and_compare)
{
	struct an_params saved = { .from = FROM, .to = TO, .today = TODAY, .by = "revenue", .save = 1 };
	struct an_params now = { .from = "2026-01-01", .to = "2026-12-31", .today = TODAY, .by = "revenue" };
	const char *run_id;
	char *compare;
	static const char matrix[] = "A,0,0,0,1,0;B,0,0,0,0,0;C,0,0,0,1,0;D,1,0,0,0,7;inactive,0,0,0,1,0;";
	static const char moves[] = "up,K10,D,A,10,1;down,K02,A,D,1,2;down,K03,C,D,2,3;in,K11,inactive,D,,4;"
				    "out,K04,D,inactive,3,;out,K05,D,inactive,4,;out,K06,D,inactive,5,;"
				    "out,K07,D,inactive,6,;out,K08,D,inactive,7,;out,K01,D,inactive,8,;"
				    "out,K09,D,inactive,9,;";

	assert_ok(an_pyramid(conn, &saved, &rep, &err), &err);
	run_id = an_report_value(&rep, "run");
	cr_assert(run_id && *run_id, "a saved run has an id");
	compare = xstrdup(run_id);
	import("order", "code,customer_code,owner_code,ordered_on\n"
			"N1,K10,S1,2026-03-01\nN2,K02,S1,2026-03-01\nN3,K03,S1,2026-04-01\n");
	import("order-line",
	       "order_code,product_code,quantity,price,cost\nN1,P1,1,1000,0\nN2,P1,1,600,0\nN3,P1,1,100,0\n");

	now.compare = compare;
	an_report_release(&rep);
	assert_ok(an_pyramid(conn, &now, &rep, &err), &err);
	assert_rows("migration", matrix, "from_tier", "A", "B", "C", "D", "inactive");
	assert_rows("moves", moves, "move", "customer_code", "from_tier", "to_tier", "from_rank", "to_rank");
	assert_figure("moved_up", "1");
	assert_figure("moved_down", "2");
	assert_figure("moved_in", "1");
	assert_figure("moved_out", "7");
	assert_figure("run", NULL);

	/* the earlier period itself gives the same movement */
	now.compare = FROM ".." TO;
	an_report_release(&rep);
	assert_ok(an_pyramid(conn, &now, &rep, &err), &err);
	assert_rows("migration", matrix, "from_tier", "A", "B", "C", "D", "inactive");
	assert_rows("moves", moves, "move", "customer_code", "from_tier", "to_tier", "from_rank", "to_rank");
	free(compare);
}

Test(pyramid_b, svg_draws_one_layer_per_tier)
{
	struct buf svg = BUF_INIT;
	const char *p = NULL;
	int layers = 0;

	sql("INSERT INTO crm.value_model (name) VALUES ('odd');"
	    "SELECT crm.value_model_set_tiers('odd', ARRAY['<VIP>&', 'rest'], ARRAY[0.1, 0.9]);");
	run("revenue", "odd", NULL);
	an_pyramid_svg(&rep, &svg);
	cr_assert(!strncmp(svg.data, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), "%s", svg.data);
	cr_assert(strstr(svg.data, "font-family=\"" AN_SVG_FONTS "\""), "fonts with Chinese named: %s", svg.data);
	cr_assert(strstr(svg.data, "Customer value pyramid 客户价值金字塔"), "titled: %s", svg.data);
	/* 1 customer of 10 in the top tier with 900 / 3250 of the value */
	cr_assert(strstr(svg.data, "&lt;VIP&gt;&amp;: 1 customers 客户, 27.7 % of value"), "%s", svg.data);
	cr_assert(strstr(svg.data, "rest: 9 customers 客户, 72.3 % of value"), "%s", svg.data);
	cr_assert_null(strstr(svg.data, "<VIP>"), "names are escaped");
	for (p = svg.data; (p = strstr(p, "<polygon")); p++)
		layers++;
	cr_assert_eq(layers, 2);
	cr_assert(!strcmp(svg.data + svg.len - 7, "</svg>\n"));
	buf_release(&svg);
}
