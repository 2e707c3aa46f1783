/* tests/analytics/test_report.c - every report over a small hand-made CRM,
 * through the real binary, against answers worked out by hand below (never
 * by running the reports' own SQL).
 *
 * The data: departments D1 > D2 and D3; salespeople S1 (D1), S2 (D2), S3
 * (D3), each owning one customer C1, C2, C3; the user s1 is S1. Sales mode
 * STD has stages 1 接洽 10 %, 2 报价 50 %, 3 谈判 80 %, 4 赢单 100 %; mode
 * PRJ one stage 调研 20 %. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"

/* Run SQL as the database owner: what no import can say (a probability
 * override, assignment times, a stage history with several steps). */
static void sql(const char *text)
{
	struct crm_db *conn = NULL;
	struct err err = ERR_INIT;
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_exec(conn, text, &err), &err);
	crm_db_free(conn);
	err_release(&err);
}

static void setup(void)
{
	test_fixture_init();
	import("department", "code,name,parent_code\nD1,销售部,\nD2,华东组,D1\nD3,直销部,\n");
	import("salesperson", "code,name,department_code\nS1,王伟,D1\nS2,李娜,D2\nS3,张强,D3\n");
	import("user", "login,name,role,salesperson_code\ns1,王伟,salesperson,S1\n");
	import("customer", "code,name,owner_code\nC1,甲公司,S1\nC2,乙公司,S2\nC3,丙公司,S3\n");
	import("sales-stage", "mode_code,mode_name,seq,name,probability\n"
			      "STD,标准,1,接洽,10\nSTD,标准,2,报价,50\nSTD,标准,3,谈判,80\nSTD,标准,4,赢单,100\n"
			      "PRJ,项目,1,调研,20\n");
	import("competitor", "code,name\nK1,甲对手\nK2,乙对手\n");
	import("opportunity",
	       "code,name,customer_code,owner_code,mode_code,stage_seq,amount,expected_close_on,status,fail_reason,"
	       "winning_competitor_code,created_on,closed_on\n"
	       "O1,开一,C1,S1,STD,1,1000.00,2025-01-15,open,,,2024-12-01,\n"
	       "O2,开二,C1,S1,STD,2,333.33,2025-01-20,open,,,2024-12-15,\n"
	       "O3,开三,C2,S2,STD,2,200.00,2025-02-10,open,,,2025-01-05,\n"
	       "O4,开四,C3,S3,STD,3,500.00,2025-03-05,open,,,2024-11-20,\n"
	       "O5,项目,C1,S1,PRJ,1,999.00,2025-01-31,open,,,2024-12-01,\n"
	       "W1,赢一,C1,S1,STD,4,700.00,2025-01-10,won,,,2024-10-01,2025-01-10\n"
	       "W2,赢二,C2,S2,STD,4,300.00,2025-02-15,won,,,2024-11-01,2025-02-15\n"
	       "L1,输一,C1,S1,STD,2,400.00,,lost,价格过高,K1,2024-10-05,2024-12-20\n"
	       "L2,输二,C3,S3,STD,3,600.00,,lost,价格过高,K2,2024-11-10,2025-01-25\n"
	       "L3,输三,C2,S2,STD,1,100.00,,lost,关系不足,,2024-12-01,2025-02-01\n"
	       "A1,弃一,C3,S3,STD,1,50.00,,abandoned,,,2024-12-01,2025-01-05\n");
	import("opportunity-competitor", "opportunity_code,competitor_code\nW1,K1\n");
	/* O3 overrides its stage's 50 % with 30 % */
	sql("UPDATE crm.opportunity SET probability = 30 WHERE code = 'O3'");
	/* the stage history, step by step (the import wrote one row each) */
	sql("DELETE FROM crm.opportunity_stage_history;"
	    "INSERT INTO crm.opportunity_stage_history (opportunity_id, stage_seq, status, entered_on)"
	    " SELECT o.id, h.seq, h.status, h.on_day::date FROM (VALUES"
	    " ('O1', 1, 'open', '2024-12-01'),"
	    " ('O2', 1, 'open', '2024-12-15'), ('O2', 2, 'open', '2025-01-05'),"
	    " ('O3', 1, 'open', '2025-01-05'), ('O3', 2, 'open', '2025-01-15'),"
	    " ('O4', 1, 'open', '2024-11-20'), ('O4', 2, 'open', '2024-12-01'), ('O4', 3, 'open', '2024-12-21'),"
	    " ('W1', 1, 'open', '2024-10-01'), ('W1', 2, 'open', '2024-10-11'), ('W1', 3, 'open', '2024-11-10'),"
	    " ('W1', 4, 'won', '2025-01-10'),"
	    " ('W2', 1, 'open', '2024-11-01'), ('W2', 2, 'open', '2024-11-21'), ('W2', 3, 'open', '2024-12-21'),"
	    " ('W2', 4, 'won', '2025-02-15'),"
	    " ('L1', 1, 'open', '2024-10-05'), ('L1', 2, 'open', '2024-11-04'), ('L1', 2, 'lost', '2024-12-20'),"
	    " ('L2', 1, 'open', '2024-11-10'), ('L2', 3, 'open', '2024-12-10'), ('L2', 3, 'lost', '2025-01-25'),"
	    " ('L3', 1, 'open', '2024-12-01'), ('L3', 1, 'lost', '2025-02-01'),"
	    " ('A1', 1, 'open', '2024-12-01'), ('A1', 1, 'abandoned', '2025-01-05'),"
	    " ('O5', 1, 'open', '2024-12-01')"
	    ") h (code, seq, status, on_day) JOIN crm.opportunity o ON o.code = h.code");
	import("product-category", "code,name\nG1,硬件\nG2,服务\n");
	import("product", "code,name,category_code,list_price,cost\n"
			  "P1,产品一,G1,100,60\nP2,产品二,G1,50,20\nP3,产品三,G2,10,4\nP4,产品四,,25,5\n");
	import("order", "code,customer_code,owner_code,ordered_on\n"
			"SO1,C1,S1,2025-01-10\nSO2,C2,S2,2025-02-05\nSO3,C3,S3,2024-12-20\n");
	/* P3's and P4's lines have no cost of their own: the product's applies */
	import("order-line", "order_code,product_code,quantity,price,cost\n"
			     "SO1,P1,2,100,60\nSO1,P2,1,50,20\nSO2,P1,1,90,60\nSO2,P3,3,10,\n"
			     "SO3,P4,4,25,\nSO3,P2,2,50,20\n");
	import("complaint", "code,customer_code,product_code,reason,received_at,status,assignee_code,resolved_at,"
			    "verified_at\n"
			    "Q1,C1,P1,质量,2025-01-01T08:00:00Z,verified,S1,2025-01-02T08:00:00Z,2025-01-03T08:00:00Z\n"
			    "Q2,C1,P1,质量,2025-01-05T00:00:00Z,resolved,S1,2025-01-05T10:00:00Z,\n"
			    "Q3,C2,P2,交期,2025-01-10T00:00:00Z,new,,,\n"
			    "Q4,C3,,质量,2025-02-01T00:00:00Z,verified,S3,2025-02-03T00:00:00Z,2025-02-04T00:00:00Z\n"
			    "Q5,C2,P2,服务,2025-02-10T00:00:00Z,assigned,S2,,\n");
	sql("UPDATE crm.complaint SET assigned_at = v.at::timestamptz FROM (VALUES"
	    " ('Q1', '2025-01-01T10:00:00Z'), ('Q2', '2025-01-05T04:00:00Z'), ('Q4', '2025-02-01T06:00:00Z'),"
	    " ('Q5', '2025-02-10T12:00:00Z')) v (code, at) WHERE complaint.code = v.code");
	import("activity", "code,type,subject,customer_code,owner_code,planned_at,done_at,status\n"
			   "T1,拜访,回访,C1,S1,2020-01-01T10:00:00Z,,planned\n"
			   "T2,拜访,再访,C1,S1,2099-01-01T10:00:00Z,,planned\n"
			   "T3,电话,电话,C2,S2,2024-05-01T10:00:00Z,2024-05-01T11:00:00Z,done\n"
			   "T4,电话,电话,C3,S3,2020-06-01T10:00:00Z,,planned\n"
			   "T5,电话,电话,C3,S3,2024-06-01T10:00:00Z,,cancelled\n");
	import("lead", "code,name,source,status,owner_code,created_on\n"
		       "N1,线索一,展会,new,S1,2025-01-01\nN2,线索二,展会,converted,S1,2025-01-02\n"
		       "N3,线索三,网站,following,S2,2025-01-03\nN4,线索四,网站,converted,S3,2025-01-04\n"
		       "N5,线索五,,invalid,S3,2025-01-05\n");
	import("intent", "code,customer_code,lead_code,product_code,quantity,source,status,created_on\n"
			 "I1,C1,,P1,2,展会,confirmed,2025-01-02\nI2,,N3,P1,1,网站,unconfirmed,2025-01-03\n"
			 "I3,C2,,P2,5,网站,confirmed,2025-01-04\n");
}

TestSuite(report, .init = setup, .fini = test_fixture_fini);

/* A report as CSV must be exactly this. */
static void assert_csv(const char *args, const char *want)
{
	cr_assert_eq(crmgate("--format csv report %s", args), 0, "report %s: %s", args, errout.data);
	cr_assert_str_eq(out.data, want, "report %s", args);
}

Test(report, funnel_counts_and_weighted_amounts)
{
	/* stage 2: 333.33 × 50 % = 166.665 → 166.67, and O3's own 30 %: 200 × 30 % = 60.00 */
	assert_csv("funnel", "stage_seq,stage,count,amount,probability,weighted_amount\r\n"
			     "1,接洽,1,1000.00,10,100.00\r\n"
			     "2,报价,2,533.33,50,226.67\r\n"
			     "3,谈判,1,500.00,80,400.00\r\n"
			     "4,赢单,0,0.00,100,0.00\r\n");
	/* PRJ holds one open opportunity, STD four: STD is the default */
	assert_csv("funnel --sales-mode PRJ", "stage_seq,stage,count,amount,probability,weighted_amount\r\n"
					      "1,调研,1,999.00,20,199.80\r\n");
}

Test(report, funnel_figures_in_json)
{
	cr_assert_eq(crmgate("--format json report funnel"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"sales_mode\": \"STD 标准\""), "%s", out.data);
	cr_assert(strstr(out.data, "\"open_count\": 4,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"open_amount\": 2033.33,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"weighted_total\": 726.67,"), "%s", out.data);
	/* STD's alone, as the funnel: 100.00 + 166.67 + 60.00 + 400.00 (not PRJ's O5) */
	cr_assert(strstr(out.data, "\"forecast_total\": 726.67,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"pipeline_total\": 2033.33,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"won_amount\": 1000.00,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"won\": 2,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"lost\": 3,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"win_rate\": 0.4000"), "won 2 of 5 decided: %s", out.data);
	cr_assert(strstr(out.data, "\"stages\": [{\"stage_seq\": 1, \"stage\": \"接洽\", \"count\": 1,"), "%s",
		  out.data);
	cr_assert(strstr(out.data, "\"conversion\": [{"), "%s", out.data);
	cr_assert(strstr(out.data, "\"forecast\": [{\"month\": \"2025-01\""), "%s", out.data);
	cr_assert_eq(out.data[0], '{');
}

Test(report, conversion_from_the_stage_history)
{
	/* highest stage reached: O1 1, O2 2, O3 2, O4 3, W1 4, W2 4, L1 2, L2 3 (it skipped 2), L3 1, A1 1;
	 * reached ≥ 1: 10, ≥ 2: 7, ≥ 3: 4, ≥ 4: 2. Completed stays in stage 1: 21 10 11 10 20 30 30 62 35
	 * days (229 / 9 = 25.4); stage 2: 20 30 30 46 (31.5); stage 3: 61 56 46 (54.3). */
	assert_csv("funnel --table conversion", "stage_seq,stage,reached,next_reached,conversion,avg_days\r\n"
						"1,接洽,10,7,0.7000,25.4\r\n"
						"2,报价,7,4,0.5714,31.5\r\n"
						"3,谈判,4,2,0.5000,54.3\r\n"
						"4,赢单,2,,,\r\n");
}

Test(report, forecast_by_expected_close_month)
{
	/* the funnel's mode, STD: January O1 100.00 + O2 166.67, won W1 700; lost L2 is not
	 * counted; PRJ's O5 is PRJ's forecast */
	assert_csv("funnel --table forecast", "month,open,pipeline,forecast,won,won_amount\r\n"
					      "2025-01,2,1333.33,266.67,1,700.00\r\n"
					      "2025-02,1,200.00,60.00,1,300.00\r\n"
					      "2025-03,1,500.00,400.00,0,0.00\r\n");
	assert_csv("funnel --table forecast --sales-mode PRJ", "month,open,pipeline,forecast,won,won_amount\r\n"
							       "2025-01,1,999.00,199.80,0,0.00\r\n");
	assert_csv("funnel --table forecast --from 2025-02-01 --to 2025-02-28",
		   "month,open,pipeline,forecast,won,won_amount\r\n2025-02,1,200.00,60.00,1,300.00\r\n");
}

/* The value of figure name in a report's JSON ("2033.33", "null"), malloc'd. */
static char *json_figure(const char *json, const char *name)
{
	char *key = xstrfmt("\"%s\": ", name);
	const char *at = strstr(json, key);
	size_t n;

	cr_assert(at, "no figure '%s' in %s", name, json);
	at += strlen(key);
	n = strcspn(at, ",}\n");
	free(key);
	return xstrndup(at, n);
}

static double json_number(const char *json, const char *name)
{
	char *v = json_figure(json, name);
	double d = strtod(v, NULL);
	free(v);
	return d;
}

/* The first value of a query, as text ("null" for NULL), malloc'd. */
static char *sql_value(const char *text, const char *mode)
{
	struct crm_db *conn = NULL;
	struct err err = ERR_INIT;
	const char *params[] = { mode };
	char *v = NULL;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, text, 1, params, &err), &err);
	crm_db_free(conn);
	err_release(&err);
	return v ? v : xstrdup("null");
}

/* Every figure of the funnel is of the one mode it names, whichever: each is
 * computed again here straight from the opportunities of that mode (by the
 * definitions of README.md, not the report's SQL), and the figures are the
 * sums of the tables under them. PRJ gets a won and a lost opportunity and
 * an open one without an expected close date, so that a figure of both modes
 * or of another set shows. */
Test(report, funnel_figures_are_all_of_its_one_mode)
{
	static const char *const modes[] = { NULL, "STD", "PRJ" };
	/* o: the opportunities of mode $1 (the default, STD, has most open ones) */
#define OF_MODE                                                                                                        \
	" FROM crm.opportunity o JOIN crm.sales_mode m ON m.id = o.mode_id"                                            \
	" JOIN crm.sales_stage st ON st.mode_id = o.mode_id AND st.seq = o.stage_seq WHERE m.code = coalesce($1, 'STD')"
	static const struct {
		const char *name, *sql;
	} figures[] = {
		{ "open_count", "SELECT count(*)" OF_MODE " AND o.status = 'open'" },
		{ "open_amount", "SELECT coalesce(sum(o.amount), 0)::numeric(14,2)" OF_MODE " AND o.status = 'open'" },
		{ "weighted_total",
		  "SELECT coalesce(sum(round(o.amount * coalesce(o.probability, st.probability) / 100, 2)), 0)"
		  "::numeric(14,2)" OF_MODE " AND o.status = 'open'" },
		{ "pipeline_total",
		  "SELECT coalesce(sum(o.amount), 0)::numeric(14,2)" OF_MODE " AND o.status = 'open'" },
		{ "forecast_total",
		  "SELECT coalesce(sum(round(o.amount * coalesce(o.probability, st.probability) / 100, 2)), 0)"
		  "::numeric(14,2)" OF_MODE " AND o.status = 'open'" },
		{ "won", "SELECT count(*)" OF_MODE " AND o.status = 'won'" },
		{ "won_amount", "SELECT coalesce(sum(o.amount), 0)::numeric(14,2)" OF_MODE " AND o.status = 'won'" },
		{ "lost", "SELECT count(*)" OF_MODE " AND o.status = 'lost'" },
		{ "win_rate", "SELECT round(count(*) FILTER (WHERE o.status = 'won')::numeric"
			      " / nullif(count(*) FILTER (WHERE o.status IN ('won', 'lost')), 0), 4)" OF_MODE },
	};
#undef OF_MODE

	import("opportunity", "code,name,customer_code,owner_code,mode_code,stage_seq,amount,expected_close_on,status,"
			      "created_on,closed_on\n"
			      "W3,项目赢,C2,S2,PRJ,1,5000.00,2025-01-20,won,2024-12-01,2025-01-20\n"
			      "L4,项目输,C3,S3,PRJ,1,800.00,,lost,2024-12-01,2025-02-20\n"
			      "O6,无期,C3,S3,PRJ,1,50.00,,open,2024-12-01,\n");
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		char *opt = modes[m] ? xstrfmt("--sales-mode %s", modes[m]) : xstrdup("");
		struct buf json = BUF_INIT;
		double open = 0, pipeline = 0, weighted = 0, forecast = 0;

		cr_assert_eq(crmgate("--format json report funnel %s", opt), 0, "%s", errout.data);
		buf_add(&json, out.data, out.len);
		for (size_t i = 0; i < ARRAY_SIZE(figures); i++) {
			char *got = json_figure(json.data, figures[i].name);
			char *want = sql_value(figures[i].sql, modes[m]);
			cr_expect_str_eq(got, want, "mode %s: %s is %s, not %s", modes[m] ? modes[m] : "(default)",
					 figures[i].name, got, want);
			free(got);
			free(want);
		}
		/* and the figures are the sums of the tables they head */
		cr_assert_eq(crmgate("--format csv report funnel --table stages %s", opt), 0, "%s", errout.data);
		for (char *line = strchr(out.data, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
			double count, amount, prob, w;
			cr_assert_eq(sscanf(line + 1, "%*d,%*[^,],%lf,%lf,%lf,%lf", &count, &amount, &prob, &w), 4,
				     "%s", line);
			open += amount;
			weighted += w;
		}
		cr_assert_eq(crmgate("--format csv report funnel --table forecast %s", opt), 0, "%s", errout.data);
		for (char *line = strchr(out.data, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
			double n, pipe, f;
			cr_assert_eq(sscanf(strchr(line + 1, ',') + 1, "%lf,%lf,%lf", &n, &pipe, &f), 3, "%s", line);
			pipeline += pipe;
			forecast += f;
		}
		cr_expect_float_eq(open, json_number(json.data, "open_amount"), 0.001, "%s", json.data);
		cr_expect_float_eq(weighted, json_number(json.data, "weighted_total"), 0.001, "%s", json.data);
		cr_expect_float_eq(pipeline, open, 0.001, "the forecast's pipeline is the funnel's open amount: %s",
				   json.data);
		cr_expect_float_eq(forecast, weighted, 0.001, "the forecast is the funnel's weighted amount: %s",
				   json.data);
		buf_release(&json);
		free(opt);
	}
}

Test(report, funnel_filters)
{
	static const char s1[] = "stage_seq,stage,count,amount,probability,weighted_amount\r\n"
				 "1,接洽,1,1000.00,10,100.00\r\n2,报价,1,333.33,50,166.67\r\n"
				 "3,谈判,0,0.00,80,0.00\r\n4,赢单,0,0.00,100,0.00\r\n";
	assert_csv("funnel --salesperson S1", s1);
	/* D1 and the D2 below it: S1 and S2, not S3's O4 */
	assert_csv("funnel --department D1", "stage_seq,stage,count,amount,probability,weighted_amount\r\n"
					     "1,接洽,1,1000.00,10,100.00\r\n2,报价,2,533.33,50,226.67\r\n"
					     "3,谈判,0,0.00,80,0.00\r\n4,赢单,0,0.00,100,0.00\r\n");
	assert_csv("funnel --department D2 --to 2025-01-31",
		   "stage_seq,stage,count,amount,probability,weighted_amount\r\n"
		   "1,接洽,0,0.00,10,0.00\r\n2,报价,0,0.00,50,0.00\r\n"
		   "3,谈判,0,0.00,80,0.00\r\n4,赢单,0,0.00,100,0.00\r\n");
	/* expected to close in January: O1 and O2 */
	assert_csv("funnel --from 2025-01-01 --to 2025-01-31", s1);
	/* the salesperson s1 sees their own customer's opportunities, whatever they ask for */
	cr_assert_eq(crmgate("--as s1 --format csv report funnel"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, s1);
	cr_assert_eq(crmgate("--as s1 --format csv report products"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "rank,product_code,product_name,quantity,revenue,profit,share\r\n"
				   "1,P1,产品一,2,200.00,80.00,0.8000\r\n2,P2,产品二,1,50.00,30.00,0.2000\r\n");
}

Test(report, products_ranking)
{
	/* P1 2×100 + 1×90 = 290, profit 2×40 + 1×30 = 110; P2 50 + 2×50 = 150, profit 30 + 60 = 90;
	 * P4 4×25 = 100, profit 4×(25 − 5) = 80; P3 3×10 = 30, profit 3×(10 − 4) = 18; of 570 in all */
	assert_csv("products", "rank,product_code,product_name,quantity,revenue,profit,share\r\n"
			       "1,P1,产品一,3,290.00,110.00,0.5088\r\n"
			       "2,P2,产品二,3,150.00,90.00,0.2632\r\n"
			       "3,P4,产品四,4,100.00,80.00,0.1754\r\n"
			       "4,P3,产品三,3,30.00,18.00,0.0526\r\n");
	assert_csv("products --top 2", "rank,product_code,product_name,quantity,revenue,profit,share\r\n"
				       "1,P1,产品一,3,290.00,110.00,0.5088\r\n"
				       "2,P2,产品二,3,150.00,90.00,0.2632\r\n");
	/* January: SO1 alone */
	assert_csv("products --from 2025-01-01 --to 2025-01-31",
		   "rank,product_code,product_name,quantity,revenue,profit,share\r\n"
		   "1,P1,产品一,2,200.00,80.00,0.8000\r\n2,P2,产品二,1,50.00,30.00,0.2000\r\n");
	assert_csv("products --salesperson S2",
		   "rank,product_code,product_name,quantity,revenue,profit,share\r\n"
		   "1,P1,产品一,1,90.00,30.00,0.7500\r\n2,P3,产品三,3,30.00,18.00,0.2500\r\n");
	cr_assert_eq(crmgate("--format json report products"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"revenue\": 570.00,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"profit\": 298.00,"), "%s", out.data);
}

Test(report, categories_ranking)
{
	/* G1 = P1 + P2: 440, profit 200; no category (P4) 100; G2 = P3 30 */
	assert_csv("categories", "rank,category_code,category_name,quantity,revenue,profit,share\r\n"
				 "1,G1,硬件,6,440.00,200.00,0.7719\r\n"
				 "2,,,4,100.00,80.00,0.1754\r\n"
				 "3,G2,服务,3,30.00,18.00,0.0526\r\n");
}

Test(report, complaints_by_reason_and_step)
{
	assert_csv("complaints", "reason,count,share\r\n质量,3,0.6000\r\n交期,1,0.2000\r\n服务,1,0.2000\r\n");
	assert_csv(
		"complaints --table statuses",
		"status,count,share\r\nnew,1,0.2000\r\nassigned,1,0.2000\r\nresolved,1,0.2000\r\nverified,2,0.4000\r\n");
	/* received → assigned: 2, 4, 6, 12 h (median 5); assigned → resolved: 22, 6, 42 h; resolved →
	 * verified: 24, 24 h; received → resolved: 24, 10, 48 h */
	assert_csv("complaints --table steps", "step,complaints,avg_hours,median_hours\r\n"
					       "received → assigned,4,6.00,5.00\r\n"
					       "assigned → resolved,3,23.33,22.00\r\n"
					       "resolved → verified,2,24.00,24.00\r\n"
					       "received → resolved,3,27.33,24.00\r\n");
	assert_csv("complaints --table products", "product_code,product_name,count,share\r\n"
						  "P1,产品一,2,0.4000\r\nP2,产品二,2,0.4000\r\n,,1,0.2000\r\n");
}

Test(report, activities_with_overdue)
{
	assert_csv("activities", "type,count,planned,done,cancelled,overdue\r\n"
				 "电话,3,1,1,1,1\r\n拜访,2,2,0,0,1\r\n");
	assert_csv("activities --table owners", "owner_code,owner_name,count,planned,done,cancelled,overdue\r\n"
						"S1,王伟,2,2,0,0,1\r\nS3,张强,2,1,0,1,1\r\nS2,李娜,1,0,1,0,0\r\n");
	cr_assert_eq(crmgate("--format json report activities --salesperson S3"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\"activities\": 2,"), "%s", out.data);
	cr_assert(strstr(out.data, "\"overdue\": 1,"), "%s", out.data);
}

Test(report, opportunities_by_fail_reason_and_competitor)
{
	assert_csv("opportunities",
		   "fail_reason,lost,amount,share\r\n价格过高,2,1000.00,0.6667\r\n关系不足,1,100.00,0.3333\r\n");
	/* K1 beat us on L1 and met us on W1, which we won */
	assert_csv("opportunities --table competitors",
		   "competitor_code,competitor_name,won_from_us,amount,share,competed,we_won\r\n"
		   "K1,甲对手,1,400.00,0.3333,2,1\r\nK2,乙对手,1,600.00,0.3333,1,0\r\n");
	/* closed from 2025: L2 and L3 */
	assert_csv("opportunities --from 2025-01-01",
		   "fail_reason,lost,amount,share\r\n价格过高,1,600.00,0.5000\r\n关系不足,1,100.00,0.5000\r\n");
}

Test(report, intents_by_status_source_and_product)
{
	assert_csv("intents", "status,source,leads\r\nnew,展会,1\r\nfollowing,网站,1\r\nconverted,展会,1\r\n"
			      "converted,网站,1\r\ninvalid,,1\r\n");
	assert_csv("intents --table products",
		   "product_code,product_name,status,intents,quantity\r\n"
		   "P1,产品一,unconfirmed,1,1\r\nP1,产品一,confirmed,1,2\r\nP2,产品二,confirmed,1,5\r\n");
	assert_csv("intents --table sources", "source,leads,converted,conversion,intents\r\n"
					      "网站,2,1,0.5000,2\r\n展会,2,1,0.5000,1\r\n,1,0,0.0000,0\r\n");
}

Test(report, csv_is_one_table_and_json_has_every_table)
{
	cr_assert_eq(crmgate("--format csv report complaints"), 0, "%s", errout.data);
	cr_assert_null(strstr(out.data, "\r\n\r\n"), "one table, no blank line: %s", out.data);
	cr_assert_null(strstr(out.data, "status"), "the reasons alone: %s", out.data);
	cr_assert_eq(crmgate("--format json report complaints"), 0, "%s", errout.data);
	for (const char *const *k =
		     (const char *const[]){ "\"complaints\": 5,", "\"reasons\": [", "\"statuses\": [",
					    "\"products\": [", "\"steps\": [", "\"share\": 0.6000", NULL };
	     *k; k++)
		cr_assert(strstr(out.data, *k), "%s in %s", *k, out.data);
	cr_assert_eq(crmgate("report complaints"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "Complaints by reason 投诉原因统计 (3)"), "%s", out.data);
	cr_assert(strstr(out.data, "Hours per step"), "%s", out.data);
}

Test(report, bad_input_is_exit_2)
{
	cr_assert_eq(crmgate("report nosuch"), 2);
	cr_assert(strstr(errout.data, "'nosuch' is not a report"), "%s", errout.data);
	cr_assert_eq(crmgate("report funnel --from 2025-02-30"), 2);
	cr_assert(strstr(errout.data, "'2025-02-30' is not a date"), "%s", errout.data);
	cr_assert_eq(crmgate("report funnel --from 2025-03-01 --to 2025-02-01"), 2);
	cr_assert_eq(crmgate("report funnel --table nosuch"), 2);
	cr_assert(strstr(errout.data, "has no table 'nosuch'"), "%s", errout.data);
	cr_assert(strstr(errout.data, "stages, conversion, forecast"), "%s", errout.data);
	cr_assert_eq(crmgate("report products --department D9"), 2);
	cr_assert(strstr(errout.data, "there is no department 'D9'"), "%s", errout.data);
	cr_assert_eq(crmgate("report products --top x"), 2);
	cr_assert_eq(crmgate("report"), 2);
	cr_assert_eq(crmgate("report --help"), 0);
	cr_assert(strstr(out.data, "complaints"), "%s", out.data);
}

Test(report, svg_and_html_files)
{
	char *svg = NULL, *html = NULL, *text;
	svg = xstrfmt("%s/funnel.svg", dir);
	html = xstrfmt("%s/complaints.html", dir);
	cr_assert_eq(crmgate("-q report funnel --svg %s", svg), 0, "%s", errout.data);
	text = test_slurp(svg);
	cr_assert(!strncmp(text, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39), "%s", text);
	cr_assert(strstr(text, ">接洽</text>"), "the stages are labelled: %s", text);
	cr_assert(strstr(text, "1 个 · 1,000 (加权 100)"), "count, amount and weighted amount: %s", text);
	free(text);
	cr_assert_eq(crmgate("-q report complaints --html %s", html), 0, "%s", errout.data);
	text = test_slurp(html);
	cr_assert(strstr(text, "<!DOCTYPE html>"), "%s", text);
	cr_assert(strstr(text, "<section id=\"complaints\">"), "%s", text);
	cr_assert(strstr(text, "<td>质量</td><td class=\"num\">3</td><td class=\"num\">0.6000</td>"), "%s", text);
	cr_assert_null(strstr(text, "<section id=\"funnel\">"), "this report alone: %s", text);
	free(text);
	cr_assert_eq(crmgate("report html"), 2, "the page needs a file");
	free(svg);
	free(html);
}
