/* tests/analytics/test_xml_values.c - CRM values that XML forbids (U+FFFE,
 * U+FFFF, control characters) still give charts and pages that an XML
 * parser reads, with the rest of their text intact.
 *
 * The values are put into the database with SQL, as an import would refuse
 * them: what is already stored must be drawn safely all the same. Each
 * writer is run end to end as a user runs it (report --svg, report --html,
 * report html) and its file parsed by libxml2 as XML, without recovery. */
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"

/* What each stored value turns into: U+FFFE and U+FFFF become U+FFFD, the
 * control characters are left out, everything else stays. */
#define FFFD "\xEF\xBF\xBD"
static const struct {
	const char *sql;  /* sets the hostile value */
	const char *seen; /* what must be read back */
} values[] = {
	{ "UPDATE crm.customer SET name = E'甲\\uFFFE公司\\u0001' WHERE code = 'C1'", "甲" FFFD "公司" },
	{ "UPDATE crm.product SET name = E'产品\\uFFFF一\\u001b[31m' WHERE code = 'P1'", "产品" FFFD "一[31m" },
	{ "UPDATE crm.complaint SET reason = E'质\\uFFFE量\\u0007' WHERE reason = '质量'", "质" FFFD "量" },
	{ "UPDATE crm.opportunity SET fail_reason = E'价格\\uFFFF过高\\u000b' WHERE fail_reason = '价格过高'",
	  "价格" FFFD "过高" },
	{ "UPDATE crm.competitor SET name = E'对手\\uFFFE<甲&>' WHERE code = 'K1'", "对手" FFFD "<甲&>" },
	{ "UPDATE crm.sales_stage SET name = E'接\\u0001洽\\uFFFF' WHERE name = '接洽'", "接洽" FFFD },
	{ "UPDATE crm.salesperson SET name = E'王\\uFFFF伟\\u0008' WHERE code = 'S1'", "王" FFFD "伟" },
};

static void setup(void)
{
	test_fixture_init();
	import("department", "code,name\nD1,销售部\n");
	import("salesperson", "code,name,department_code\nS1,王伟,D1\n");
	import("customer", "code,name,owner_code\nC1,甲公司,S1\nC2,乙公司,S1\n");
	import("sales-stage", "mode_code,mode_name,seq,name,probability\nSTD,标准,1,接洽,10\nSTD,标准,2,报价,50\n");
	import("competitor", "code,name\nK1,甲对手\n");
	import("opportunity", "code,name,customer_code,owner_code,mode_code,stage_seq,amount,expected_close_on,status,"
			      "fail_reason,winning_competitor_code,created_on,closed_on\n"
			      "O1,开一,C1,S1,STD,1,1000.00,2025-01-15,open,,,2024-12-01,\n"
			      "O2,开二,C2,S1,STD,2,500.00,2025-01-20,open,,,2024-12-15,\n"
			      "L1,输一,C1,S1,STD,2,400.00,,lost,价格过高,K1,2024-10-05,2024-12-20\n"
			      "L2,输二,C2,S1,STD,1,100.00,,lost,关系不足,,2024-12-01,2025-02-01\n");
	import("product", "code,name,list_price,cost\nP1,产品一,100,60\nP2,产品二,50,20\n");
	import("order", "code,customer_code,owner_code,ordered_on\nSO1,C1,S1,2025-01-10\nSO2,C2,S1,2025-02-05\n");
	import("order-line", "order_code,product_code,quantity,price,cost\nSO1,P1,2,100,60\nSO2,P2,1,50,20\n");
	import("complaint", "code,customer_code,product_code,reason,received_at,status\n"
			    "Q1,C1,P1,质量,2025-01-01T08:00:00Z,new\nQ2,C1,P1,质量,2025-01-05T00:00:00Z,new\n"
			    "Q3,C2,P2,交期,2025-01-10T00:00:00Z,new\n");
	import("activity", "code,type,subject,customer_code,owner_code,planned_at,status\n"
			   "T1,拜访,回访,C1,S1,2020-01-01T10:00:00Z,planned\n");
	/* as in a database written before any rule refused them: the checks
	 * that would (the domains', the tables', triggers) are off here */
	test_sql(db,
		 "DO $$ DECLARE c record; BEGIN"
		 " FOR c IN SELECT t.typname, k.conname FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid"
		 "  JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'crm' LOOP"
		 "  EXECUTE format('ALTER DOMAIN crm.%I DROP CONSTRAINT %I', c.typname, c.conname); END LOOP;"
		 " FOR c IN SELECT r.relname, k.conname FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid"
		 "  JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'crm' AND k.contype = 'c'"
		 "  AND r.relname IN ('customer', 'product', 'complaint', 'opportunity', 'competitor', 'sales_stage',"
		 "  'salesperson') LOOP"
		 "  EXECUTE format('ALTER TABLE crm.%I DROP CONSTRAINT %I', c.relname, c.conname); END LOOP; END $$");
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		char *text = xstrfmt("SET session_replication_role = replica; %s", values[i].sql);
		test_sql(db, text);
		free(text);
	}
}

TestSuite(xml_values, .init = setup, .fini = test_fixture_fini, .timeout = 120);

/* The file at path, parsed as XML: its text. */
static char *xml_text(const char *path)
{
	char *file = test_slurp(path), *text = test_xml_text(file, strlen(file), path);
	free(file);
	return text;
}

/* Each report's chart, and the text it should show. */
static const struct {
	const char *report;
	const char *seen[3];
} charts[] = {
	{ "complaints", { "质" FFFD "量", "交期" } },
	{ "products", { "产品" FFFD "一[31m", "产品二" } },
	{ "opportunities", { "价格" FFFD "过高", "关系不足" } },
	{ "funnel --sales-mode STD", { "接洽" FFFD, "报价" } },
	{ "activities", { "拜访" } },
};

Test(xml_values, every_chart_is_xml_with_its_labels)
{
	for (size_t i = 0; i < ARRAY_SIZE(charts); i++) {
		char *svg = xstrfmt("%s/chart%zu.svg", dir, i), *text;
		cr_assert_eq(crmgate("-q report %s --svg %s", charts[i].report, svg), 0, "%s: %s", charts[i].report,
			     errout.data);
		text = xml_text(svg);
		for (size_t k = 0; k < ARRAY_SIZE(charts[i].seen) && charts[i].seen[k]; k++)
			cr_expect(strstr(text, charts[i].seen[k]), "report %s: no '%s' in %s", charts[i].report,
				  charts[i].seen[k], text);
		free(text);
		free(svg);
	}
}

Test(xml_values, the_report_page_is_xml_with_every_value)
{
	char *page = xstrfmt("%s/report.html", dir), *text;

	cr_assert_eq(crmgate("-q report html --out %s", page), 0, "%s", errout.data);
	text = xml_text(page);
	/* the customer's name is in no table of the whole page: see below */
	for (size_t i = 1; i < ARRAY_SIZE(values); i++)
		cr_expect(strstr(text, values[i].seen), "no '%s' in the page: %s", values[i].seen, text);
	free(text);
	free(page);
}

Test(xml_values, one_report_as_a_page_with_the_customers)
{
	char *page = xstrfmt("%s/pyramid.html", dir), *svg = xstrfmt("%s/pyramid.svg", dir), *text;

	cr_assert_eq(crmgate("-q report pyramid --by revenue --members A --html %s --svg %s", page, svg), 0, "%s",
		     errout.data);
	text = xml_text(page);
	cr_expect(strstr(text, values[0].seen), "no '%s' in the page: %s", values[0].seen, text);
	free(text);
	free(xml_text(svg));
	free(svg);
	free(page);
}
