/* tests/crm/test_filter.c - the filter compiler (SPEC section 3): the SQL and
 * parameters it makes, its errors, and the rows its SQL selects in a real
 * PostgreSQL (suite filter_db, which needs tests/run.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"

#include "common/xalloc.h"
#include "crm/db.h"
#include "crm/entity.h"
#include "crm/filter.h"
#include "crm/rules.h"
#include "common/banned.h"

#define TODAY "2026-12-28"
#define MAXP  6

/* The filter asks the database for the values of an enumeration (sql/020):
 * each test of suite filter has a database of its own. */
TestSuite(filter, .init = test_fixture_init_session, .fini = test_fixture_fini);

static const struct crm_entity *entity(const char *name)
{
	const struct crm_entity *e = crm_entity_find(name);
	cr_assert(e, "no entity '%s'", name);
	return e;
}

/* ------------------------------------------------------ the SQL it makes */

struct ok_case {
	const char *entity;
	const char *src;
	const char *joins;
	const char *where;
	const char *params[MAXP]; /* NULL-terminated */
};

/* A condition on a region, asked of the region's subtree (crm/filter.c,
 * tree_condition): the regions that match and those below them. */
#define REGION_TREE(from, neg, cond)                                                                                   \
	"(" from " " neg "IN (WITH RECURSIVE tree_sub(id) AS (SELECT tr.id FROM crm.region tr WHERE " cond             \
	" UNION SELECT tc.id FROM crm.region tc JOIN tree_sub ON tc.parent_id = tree_sub.id)"                          \
	" SELECT tree_sub.id FROM tree_sub))"

static const struct ok_case ok_cases[] = {
	{ "contact", "", "", "", { NULL } },
	{ "contact", "  \t\n ", "", "", { NULL } },
	{ "contact", "name = 'x'", "", "(t.name = $1::text)", { "x" } },
	{ "contact", "name != 'x'", "", "(t.name <> $1::text)", { "x" } },
	{ "contact", "name<>'x'", "", "(t.name <> $1::text)", { "x" } },
	{ "contact", "name = 'it''s'", "", "(t.name = $1::text)", { "it's" } },
	{ "contact", "name = '王伟'", "", "(t.name = $1::text)", { "王伟" } },
	{ "contact", "postcode = 200000", "", "(t.postcode = $1::text)", { "200000" } },
	{ "contact",
	  "birthday within 7 days",
	  "",
	  "(t.birthday IS NOT NULL AND crm.next_birthday(t.birthday, $1::date) <= $1::date + $2::int)",
	  { TODAY, "7" } },
	{ "contact",
	  "birthday within 1 day",
	  "",
	  "(t.birthday IS NOT NULL AND crm.next_birthday(t.birthday, $1::date) <= $1::date + $2::int)",
	  { TODAY, "1" } },
	{ "contact", "birthday = today", "", "(t.birthday = $1::date)", { TODAY } },
	{ "contact", "birthday >= '1990-02-28'", "", "(t.birthday >= $1::date)", { "1990-02-28" } },
	{ "contact", "email_opt_out", "", "(t.email_opt_out)", { NULL } },
	{ "contact", "not sms_opt_out", "", "(NOT coalesce((t.sms_opt_out), false))", { NULL } },
	{ "contact", "email_opt_out = true", "", "(t.email_opt_out = $1::boolean)", { "true" } },
	{ "contact", "email_opt_out = 'FALSE'", "", "(t.email_opt_out = $1::boolean)", { "false" } },
	{ "contact", "gender in ('男', 'F')", "", "(t.gender IN ($1::text, $2::text))", { "男", "F" } },
	{ "contact", "code not in ('K1','K2')", "", "(t.code NOT IN ($1::text, $2::text))", { "K1", "K2" } },
	{ "contact", "name like '王%'", "", "(t.name LIKE $1::text)", { "王%" } },
	{ "contact", "email NOT ILIKE '%@example.com'", "", "(t.email NOT ILIKE $1::text)", { "%@example.com" } },
	{ "contact", "email is null", "", "(t.email IS NULL)", { NULL } },
	{ "contact", "email IS NOT NULL", "", "(t.email IS NOT NULL)", { NULL } },
	{ "contact",
	  "customer_code = 'C1'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id",
	  "(f1.code = $1::text)",
	  { "C1" } },
	{ "contact",
	  "customer = '甲公司'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id",
	  "(f1.name = $1::text)",
	  { "甲公司" } },
	/* a region is a tree: its subtree, found without a join */
	{ "contact",
	  "customer.region = '华东'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id",
	  REGION_TREE("f1.region_id", "", "(tr.name = $1::text)"),
	  { "华东" } },
	{ "customer",
	  "region_code != 'EAST'",
	  "",
	  REGION_TREE("t.region_id", "NOT ", "(tr.code = $1::text)"),
	  { "EAST" } },
	{ "customer",
	  "region not in ('a', 'b')",
	  "",
	  REGION_TREE("t.region_id", "NOT ", "(tr.name IN ($1::text, $2::text))"),
	  { "a", "b" } },
	{ "customer",
	  "region not like '华%'",
	  "",
	  REGION_TREE("t.region_id", "NOT ", "(tr.name LIKE $1::text)"),
	  { "华%" } },
	{ "customer",
	  "region is null and region_code is not null",
	  "",
	  "((t.region_id IS NULL) AND (t.region_id IS NOT NULL))",
	  { NULL } },
	/* the region's own fields through the dot: that region alone */
	{ "customer",
	  "region.name = '华东'",
	  " LEFT JOIN crm.region f1 ON f1.id = t.region_id",
	  "(f1.name = $1::text)",
	  { "华东" } },
	/* one join per path, however often it is named */
	{ "contact",
	  "customer.region.code = 'EAST' or customer.region.name = '华东' or customer.name = 'x'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id LEFT JOIN crm.region f2 ON f2.id = f1.region_id",
	  "((f2.code = $1::text) OR (f2.name = $2::text) OR (f1.name = $3::text))",
	  { "EAST", "华东", "x" } },
	/* a contact's owner is its customer's salesperson, as in templates */
	{ "contact",
	  "owner.name like '王%' or customer.owner_code is null",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id LEFT JOIN crm.salesperson f2 ON f2.id = f1.owner_id",
	  "((f2.name LIKE $1::text) OR (f2.code IS NULL))",
	  { "王%" } },
	{ "contact",
	  "owner = '张三' and owner.department.code = 'D1'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id LEFT JOIN crm.salesperson f2 ON f2.id = f1.owner_id"
	  " LEFT JOIN crm.department f3 ON f3.id = f2.department_id",
	  "((f2.name = $1::text) AND (f3.code = $2::text))",
	  { "张三", "D1" } },
	{ "contact",
	  "customer.owner.name like '张%'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id LEFT JOIN crm.salesperson f2 ON f2.id = f1.owner_id",
	  "(f2.name LIKE $1::text)",
	  { "张%" } },
	{ "contact",
	  "reports_to.reports_to.name = 'x' and reports_to_code = 'K1'",
	  " LEFT JOIN crm.contact f1 ON f1.id = t.reports_to_id LEFT JOIN crm.contact f2 ON f2.id = f1.reports_to_id",
	  "((f2.name = $1::text) AND (f1.code = $2::text))",
	  { "x", "K1" } },
	/* precedence: not > and > or, made explicit */
	{ "contact",
	  "email_opt_out and sms_opt_out or mail_opt_out",
	  "",
	  "(((t.email_opt_out) AND (t.sms_opt_out)) OR (t.mail_opt_out))",
	  { NULL } },
	{ "contact",
	  "email_opt_out AND (sms_opt_out Or mail_opt_out)",
	  "",
	  "((t.email_opt_out) AND ((t.sms_opt_out) OR (t.mail_opt_out)))",
	  { NULL } },
	{ "contact",
	  "not email_opt_out and not not sms_opt_out",
	  "",
	  "((NOT coalesce((t.email_opt_out), false)) AND (NOT coalesce((NOT coalesce((t.sms_opt_out), false)), false)))",
	  { NULL } },
	{ "contact",
	  "birthday within 7 days and customer.region = '华东' and not email_opt_out",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id",
	  "((t.birthday IS NOT NULL AND crm.next_birthday(t.birthday, $1::date) <= $1::date + $2::int) AND " REGION_TREE(
		  "f1.region_id", "", "(tr.name = $3::text)") " AND (NOT coalesce((t.email_opt_out), false)))",
	  { TODAY, "7", "华东" } },
	{ "opportunity",
	  "amount >= 1000.50 and stage_seq < 3 and expected_close_on within 30 days",
	  "",
	  "((t.amount >= $1::numeric) AND (t.stage_seq < $2::int) AND "
	  "(t.expected_close_on BETWEEN $3::date AND $3::date + $4::int))",
	  { "1000.50", "3", TODAY, "30" } },
	{ "opportunity",
	  "amount > -1.5 and status = 'won'",
	  "",
	  "((t.amount > $1::numeric) AND (t.status = $2::text))",
	  { "-1.5", "won" } },
	{ "opportunity",
	  "winning_competitor.name = 'x'",
	  " LEFT JOIN crm.competitor f1 ON f1.id = t.winning_competitor_id",
	  "(f1.name = $1::text)",
	  { "x" } },
	{ "opportunity",
	  "customer.owner = '张三'",
	  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id LEFT JOIN crm.salesperson f2 ON f2.id = f1.owner_id",
	  "(f2.name = $1::text)",
	  { "张三" } },
	{ "activity",
	  "planned_at within 2 days",
	  "",
	  "(t.planned_at >= $1::date AND t.planned_at < $1::date + $2::int + 1)",
	  { TODAY, "2" } },
	{ "activity",
	  "planned_at >= '2026-01-31T09:30+08' and done_at < today",
	  "",
	  "((t.planned_at >= $1::timestamptz) AND (t.done_at < $2::date))",
	  { "2026-01-31T09:30+08", TODAY } },
	/* categories and departments are trees too */
	{ "product",
	  "category_code = 'HW'",
	  "",
	  "(t.category_id IN (WITH RECURSIVE tree_sub(id) AS (SELECT tr.id FROM crm.product_category tr WHERE"
	  " (tr.code = $1::text) UNION SELECT tc.id FROM crm.product_category tc JOIN tree_sub ON tc.parent_id ="
	  " tree_sub.id) SELECT tree_sub.id FROM tree_sub))",
	  { "HW" } },
	{ "opportunity",
	  "owner.department = '销售部'",
	  " LEFT JOIN crm.salesperson f1 ON f1.id = t.owner_id",
	  "(f1.department_id IN (WITH RECURSIVE tree_sub(id) AS (SELECT tr.id FROM crm.department tr WHERE"
	  " (tr.name = $1::text) UNION SELECT tc.id FROM crm.department tc JOIN tree_sub ON tc.parent_id ="
	  " tree_sub.id) SELECT tree_sub.id FROM tree_sub))",
	  { "销售部" } },
	/* the regions under 华东, at any depth */
	{ "region", "parent = '华东'", "", REGION_TREE("t.parent_id", "", "(tr.name = $1::text)"), { "华东" } },
	{ "user",
	  "salesperson.department.name = 'x' and role = 'admin'",
	  " LEFT JOIN crm.salesperson f1 ON f1.id = t.salesperson_id LEFT JOIN crm.department f2 ON f2.id = f1.department_id",
	  "((f2.name = $1::text) AND (t.role = $2::text))",
	  { "x", "admin" } },
	/* a virtual column is its expression */
	{ "sales-stage",
	  "mode_name = 'x' and mode_code = 'M'",
	  " LEFT JOIN crm.sales_mode f1 ON f1.id = t.mode_id",
	  "(((SELECT m.name FROM crm.sales_mode m WHERE m.id = t.mode_id) = $1::text) AND (f1.code = $2::text))",
	  { "x", "M" } },
	/* values that look like SQL stay values */
	{ "contact", "name = 'x'' OR 1=1 --'", "", "(t.name = $1::text)", { "x' OR 1=1 --" } },
	{ "contact",
	  "name = '''; DROP TABLE crm.customer; --'",
	  "",
	  "(t.name = $1::text)",
	  { "'; DROP TABLE crm.customer; --" } },
	{ "contact",
	  "name in ('a'')) OR true OR ((''', 'b')",
	  "",
	  "(t.name IN ($1::text, $2::text))",
	  { "a')) OR true OR (('", "b" } },
};

Test(filter, compiles)
{
	for (size_t i = 0; i < ARRAY_SIZE(ok_cases); i++) {
		const struct ok_case *c = &ok_cases[i];
		struct crm_query q;
		struct err err = ERR_INIT;
		size_t n = 0;
		int rc;

		crm_query_init(&q);
		rc = crm_filter_compile(&q, session, entity(c->entity), c->src, TODAY, &err);
		cr_expect_eq(rc, 0, "%s: [%s]: %s", c->entity, c->src, err.msg.data);
		cr_expect_str_eq(q.joins.data, c->joins, "%s: [%s]: joins", c->entity, c->src);
		cr_expect_str_eq(q.where.data, c->where, "%s: [%s]: where", c->entity, c->src);
		while (n < MAXP && c->params[n])
			n++;
		cr_expect_eq(q.nparams, n, "%s: [%s]: %zu params, not %zu", c->entity, c->src, q.nparams, n);
		for (size_t j = 0; j < n && j < q.nparams; j++)
			cr_expect_str_eq(q.params[j], c->params[j], "%s: [%s]: $%zu", c->entity, c->src, j + 1);
		crm_query_release(&q);
		err_release(&err);
	}
}

/* No value reaches the SQL text: what the user typed in quotes is only ever
 * a parameter. */
Test(filter, values_stay_out_of_sql)
{
	static const char *const srcs[] = {
		"name = 'x'' OR 1=1 --'",
		"name = '''; DROP TABLE crm.customer; --'",
		"email like '%''; select pg_sleep(10); --'",
		"customer.region in ('$1', '); delete from crm.contact; --')",
	};
	for (size_t i = 0; i < ARRAY_SIZE(srcs); i++) {
		struct crm_query q;
		struct err err = ERR_INIT;
		crm_query_init(&q);
		assert_ok(crm_filter_compile(&q, session, entity("contact"), srcs[i], TODAY, &err), &err);
		cr_expect_null(strchr(q.where.data, '\''), "[%s]: a quote in %s", srcs[i], q.where.data);
		cr_expect_null(strchr(q.where.data, ';'), "[%s]: a ; in %s", srcs[i], q.where.data);
		cr_expect_null(strstr(q.where.data, "--"), "[%s]: a comment in %s", srcs[i], q.where.data);
		cr_expect_null(strchr(q.joins.data, '\''), "[%s]: a quote in %s", srcs[i], q.joins.data);
		crm_query_release(&q);
		err_release(&err);
	}
}

Test(filter, params_continue_after_callers)
{
	struct crm_query q;
	struct err err = ERR_INIT;

	crm_query_init(&q);
	cr_assert_eq(crm_query_param(&q, "mine"), 1);
	buf_adds(&q.where, "t.id > $1::int");
	assert_ok(crm_filter_compile(&q, session, entity("contact"), "name = 'a' and birthday within 3 days", TODAY,
				     &err),
		  &err);
	cr_expect_str_eq(q.where.data,
			 "(t.id > $1::int) AND ((t.name = $2::text) AND "
			 "(t.birthday IS NOT NULL AND crm.next_birthday(t.birthday, $3::date) <= $3::date + $4::int))");
	cr_assert_eq(q.nparams, 4);
	cr_expect_str_eq(crm_query_params(&q)[0], "mine");
	cr_expect_str_eq(q.params[3], "3");
	crm_query_release(&q);
	cr_expect_eq(q.nparams, 0);
	cr_expect_str_eq(q.where.data, "");
	err_release(&err);
}

/* A second filter into the same query reuses the joins of the first. */
Test(filter, joins_shared_across_compiles)
{
	struct crm_query q;
	struct err err = ERR_INIT;

	crm_query_init(&q);
	assert_ok(crm_filter_compile(&q, session, entity("contact"), "customer.name = 'a'", TODAY, &err), &err);
	assert_ok(crm_filter_compile(&q, session, entity("contact"), "customer.owner_code = 'S1'", TODAY, &err), &err);
	cr_expect_str_eq(q.joins.data, " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id"
				       " LEFT JOIN crm.salesperson f2 ON f2.id = f1.owner_id");
	cr_expect_eq(q.naliases, 2);
	cr_expect_str_eq(q.where.data, "((f1.name = $1::text)) AND (f2.code = $2::text)");
	crm_query_release(&q);
	err_release(&err);
}

/* One field's value (crm_filter_field, what 'survey results --by' breaks
 * figures down by): the same joins a filter makes, a tree's row as itself. */
Test(filter, a_field_as_a_value)
{
	static const struct {
		const char *entity, *field, *sql, *joins;
	} cases[] = {
		{ "contact", "name", "t.name", "" },
		{ "contact", "customer.name", "f1.name", " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id" },
		{ "contact", "customer.region_code", "(SELECT tr.code FROM crm.region tr WHERE tr.id = f1.region_id)",
		  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id" },
		{ "customer", "region", "(SELECT tr.name FROM crm.region tr WHERE tr.id = t.region_id)", "" },
		{ "contact", "owner.name", "f2.name",
		  " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id LEFT JOIN crm.salesperson f2 ON f2.id = f1.owner_id" },
	};
	static const struct {
		const char *field, *msg;
	} bad[] = {
		{ "regoin", "filter: column 1: unknown field 'regoin' for contact" },
		{ "name = 'x'", "filter: column 6: expected the end of the field, found '='" },
		{ "", "filter: column 1: expected a field of contact, found the end of the filter" },
		{ "customer.",
		  "filter: column 10: expected a field of customer after '.', found the end of the filter" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct crm_query q;
		struct buf sql = BUF_INIT;
		struct err err = ERR_INIT;
		crm_query_init(&q);
		assert_ok(crm_filter_field(&sql, &q, entity(cases[i].entity), cases[i].field, &err), &err);
		cr_expect_str_eq(sql.data, cases[i].sql, "%s", cases[i].field);
		cr_expect_str_eq(q.joins.data, cases[i].joins, "%s", cases[i].field);
		cr_expect_eq(q.nparams, 0);
		crm_query_release(&q);
		buf_release(&sql);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct crm_query q;
		struct buf sql = BUF_INIT;
		struct err err = ERR_INIT;
		crm_query_init(&q);
		cr_expect_eq(crm_filter_field(&sql, &q, entity("contact"), bad[i].field, &err), ERR_INPUT, "%s",
			     bad[i].field);
		cr_expect_str_eq(err.msg.data, bad[i].msg);
		cr_expect_str_eq(q.joins.data, "", "%s: nothing joined", bad[i].field);
		crm_query_release(&q);
		buf_release(&sql);
		err_release(&err);
	}
}

/* ------------------------------------------------------------ its errors */

struct bad_case {
	const char *entity;
	const char *src;
	int column;
	const char *msg; /* the message after "filter: column N: " */
};

static const struct bad_case bad_cases[] = {
	{ "contact", "regoin = 'x'", 1, "unknown field 'regoin' for contact" },
	{ "contact", "name = 'x' and regoin = 'y'", 16, "unknown field 'regoin' for contact" },
	{ "contact", "customer.regoin = 'x'", 10, "unknown field 'regoin' for customer" },
	{ "contact", "customer.region = '华东' and foo", 28, "unknown field 'foo' for contact" },
	{ "contact", "Name = 'x'", 1, "unknown field 'Name' for contact" },
	{ "contact", "name = 'abc", 8, "unterminated string: the closing ' is missing" },
	{ "contact", "name = '华东", 8, "unterminated string: the closing ' is missing" },
	{ "contact", "birthday = 'abc'", 12, "'abc' is not a date (YYYY-MM-DD)" },
	{ "contact", "birthday = 'a\nb'", 12, "'a b' is not a date (YYYY-MM-DD)" },
	{ "contact", "birthday = '2027-02-29'", 12, "'2027-02-29' is not a date (YYYY-MM-DD)" },
	{ "contact", "birthday in ('2000-01-01', 5)", 28, "'5' is not a date (YYYY-MM-DD)" },
	{ "contact", "(name = 'x'", 12, "expected ')' to close the '(' at column 1, found the end of the filter" },
	{ "contact", "((name = 'x') or (email_opt_out)", 33,
	  "expected ')' to close the '(' at column 1, found the end of the filter" },
	{ "contact", "name = 'x')", 11, "unexpected ')' with no '(' before it" },
	{ "contact", "name = 'x' name = 'y'", 12, "expected 'and', 'or' or the end of the filter, found 'name'" },
	{ "contact", "email_opt_out sms_opt_out", 15,
	  "expected a comparison after 'email_opt_out', found 'sms_opt_out'" },
	{ "contact", "name", 1, "'name' is text, not true or false: compare it with a value" },
	{ "contact", "customer.region and email_opt_out", 1,
	  "'customer.region' is text, not true or false: compare it with a value" },
	{ "contact", "name within 3 days", 6, "'within' needs a date field, and 'name' is text" },
	{ "contact", "birthday within -1 days", 17, "expected a number of days after 'within', found '-1'" },
	{ "contact", "birthday within 2.5 days", 17, "expected a number of days after 'within', found '2.5'" },
	{ "contact", "birthday within 7", 18, "expected 'days' after '7', found the end of the filter" },
	{ "contact", "birthday within 7 weeks", 19, "expected 'days' after '7', found 'weeks'" },
	{ "contact", "birthday within 99999 days", 17, "'99999' days is too many (at most 36600)" },
	{ "contact", "birthday like '2000%'", 10, "'like' needs a text field, and 'birthday' is a date" },
	{ "contact", "email_opt_out not like 'x'", 19,
	  "'not like' needs a text field, and 'email_opt_out' is true or false" },
	{ "contact", "name like 5", 11, "expected a quoted pattern after 'like', found '5'" },
	{ "contact", "gender = 'X'", 10, "'X' is not a value of 'gender': use one of 男, 女, M, F" },
	{ "customer", "status in ('active', 'gone')", 22,
	  "'gone' is not a value of 'status': use one of potential, active, inactive" },
	{ "contact", "name = ", 8, "expected a value, found the end of the filter" },
	{ "contact", "name = null", 8, "compare with null by 'is null' or 'is not null'" },
	{ "contact", "name = true", 8, "'name' is text, not true or false" },
	{ "contact", "name = today", 8, "'today' is a date, and 'name' is text" },
	{ "contact", "name not = 'x'", 10, "expected 'in', 'like' or 'ilike' after 'not', found '='" },
	{ "contact", "email is 'x'", 10, "expected 'null' after 'is', found 'x'" },
	{ "contact", "email is not empty", 14, "expected 'null' after 'is not', found 'empty'" },
	{ "contact", "name in 'x'", 9, "expected '(' after 'in', found 'x'" },
	{ "contact", "name in ('a' 'b')", 14, "expected ',' or ')' in the list of values, found 'b'" },
	{ "contact", "name in ()", 10, "expected a value, found ')'" },
	{ "contact", "name == 'x'", 7, "expected a value, found '='" },
	{ "contact", "name 'x'", 6, "expected a comparison after 'name', found 'x'" },
	{ "contact", "and", 1, "expected a condition, found 'and'" },
	{ "contact", "not", 4, "expected a condition, found the end of the filter" },
	{ "contact", "name = 'x' and", 15, "expected a condition, found the end of the filter" },
	{ "contact", "()", 2, "expected a condition, found ')'" },
	{ "contact", "名字 = 'x'", 1, "unexpected character '名'" },
	{ "contact", "name ＝ 'x'", 6, "unexpected character '＝'" },
	{ "contact", "name = ‘x’", 8, "unexpected character '‘'" },
	{ "contact", "name = 'x\xff'", 10, "invalid UTF-8" },
	{ "opportunity", "stage_seq = 1.5", 13, "'1.5' is not an integer" },
	{ "opportunity", "stage_seq = 99999999999", 13, "'99999999999' is out of range for an integer" },
	{ "opportunity", "amount = 'abc'", 10, "'abc' is not a number" },
	{ "opportunity", "amount = '1.'", 10, "'1.' is not a number" },
	{ "activity", "planned_at > '2026-01-31 25:00'", 14,
	  "'2026-01-31 25:00' is not a time (ISO 8601, as in 2026-01-31 or 2026-01-31T09:30)" },
	{ "contact", "email_opt_out = 'yes'", 17, "'yes' is not true or false" },
	{ "contact", "email_opt_out = 1", 17, "'1' is not true or false" },
	{ "user", "password = 'x'", 1, "field 'password' of user cannot be used in a filter" },
	{ "contact", "name.x = 1", 5, "'name' of contact is not a related row: nothing can follow it" },
	{ "contact", "customer_code.name = 'x'", 14,
	  "'customer_code' is the code of a customer: name its fields as in customer.name" },
	{ "contact", "customer. = 'x'", 11, "expected a field of customer after '.', found '='" },
	{ "contact", "customer.owner.nmae = 'x'", 16, "unknown field 'nmae' for salesperson" },
	{ "order-line", "order.customer.owner.department.parent.parent.code = 'x' and quantity > 1 and price = 'p'", 87,
	  "'p' is not a number" },
	/* injection through field names */
	{ "contact", "\"name\" = 'x'", 1, "unexpected character '\"'" },
	{ "contact", "name; drop table crm.customer", 5, "unexpected character ';'" },
	{ "contact", "name = 'x'; drop table crm.customer", 11, "unexpected character ';'" },
	{ "contact", "name = 'x' -- comment", 12, "unexpected character '-'" },
	{ "contact", "name = 'x' /* */", 12, "unexpected character '/'" },
	{ "contact", "t.id = 1", 1, "unknown field 't' for contact" },
	{ "contact", "pg_sleep(1)", 1, "unknown field 'pg_sleep' for contact" },
	{ "contact", "customer.id = 1", 10, "unknown field 'id' for customer" },
	{ "contact", "id = 1", 1, "unknown field 'id' for contact" },
	{ "contact", "customer_id = 1", 1, "unknown field 'customer_id' for contact" },
	{ "contact", "1=1", 1, "expected a condition, found '1'" },
	{ "contact", "name = 'x' or 1=1", 15, "expected a condition, found '1'" },
	{ "contact", "true", 1, "expected a condition, found 'true'" },
	{ "contact", "name = name", 8, "expected a value, found 'name'" },
};

Test(filter, errors)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct crm_query q;
		struct err err = ERR_INIT;
		char *want = xstrfmt("filter: column %d: %s", c->column, c->msg);
		int rc;

		crm_query_init(&q);
		rc = crm_filter_compile(&q, session, entity(c->entity), c->src, TODAY, &err);
		cr_expect_eq(rc, ERR_INPUT, "%s: [%s]: returned %d", c->entity, c->src, rc);
		cr_expect_eq(err.code, ERR_INPUT, "%s: [%s]: code %d", c->entity, c->src, err.code);
		cr_expect_str_eq(err.msg.data, want, "%s: [%s]:\n got  %s\n want %s", c->entity, c->src, err.msg.data,
				 want);
		/* nothing of a failed filter stays in the query */
		cr_expect_str_eq(q.where.data, "", "%s: [%s]: where", c->entity, c->src);
		cr_expect_str_eq(q.joins.data, "", "%s: [%s]: joins", c->entity, c->src);
		cr_expect_eq(q.nparams, 0, "%s: [%s]: params", c->entity, c->src);
		cr_expect_eq(q.naliases, 0, "%s: [%s]: aliases", c->entity, c->src);
		free(want);
		crm_query_release(&q);
		err_release(&err);
	}
}

Test(filter, error_detail_has_caret)
{
	struct crm_query q;
	struct err err = ERR_INIT;

	crm_query_init(&q);
	cr_assert_eq(crm_filter_compile(&q, session, entity("contact"), "name = 'x' and regoin = 'y'", TODAY, &err),
		     ERR_INPUT);
	cr_expect_str_eq(err.detail.data, "name = 'x' and regoin = 'y'\n"
					  "               ^\n");
	err_release(&err);

	/* wide characters take two cells, so the caret still lines up */
	cr_assert_eq(crm_filter_compile(&q, session, entity("contact"), "customer.region = '华东' and foo", TODAY,
					&err),
		     ERR_INPUT);
	cr_expect_str_eq(err.detail.data, "customer.region = '华东' and foo\n"
					  "                             ^\n");
	err_release(&err);

	/* a line break in the filter does not break the detail's two lines */
	cr_assert_eq(crm_filter_compile(&q, session, entity("contact"), "name = 'x'\nand\tfoo", TODAY, &err),
		     ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "filter: column 16: unknown field 'foo' for contact");
	cr_expect_str_eq(err.detail.data, "name = 'x' and foo\n"
					  "               ^\n");
	err_release(&err);
	crm_query_release(&q);
}

Test(filter, unknown_field_hints)
{
	static const struct {
		const char *entity, *src, *hint;
	} cases[] = {
		{ "contact", "Name = 'x'", "did you mean 'name'?" },
		{ "contact", "brithday within 7 days", "did you mean 'birthday'?" },
		{ "contact", "custmer.region = 'x'", "did you mean 'customer'?" },
		{ "contact", "customer.regoin = 'x'", "did you mean 'region'?" },
		{ "department", "xyz = 'x'", "the fields of department are code, name, parent_code" },
		{ "user", "secret = 'x'", "the fields of user are login, name, role, salesperson_code" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct crm_query q;
		struct err err = ERR_INIT;
		crm_query_init(&q);
		cr_expect_eq(crm_filter_compile(&q, session, entity(cases[i].entity), cases[i].src, TODAY, &err),
			     ERR_INPUT);
		cr_expect_str_eq(err.hint.data, cases[i].hint, "[%s]", cases[i].src);
		crm_query_release(&q);
		err_release(&err);
	}
}

/* A failed compile leaves what the caller had put into the query. */
Test(filter, error_leaves_query_as_it_was)
{
	struct crm_query q;
	struct err err = ERR_INIT;

	crm_query_init(&q);
	crm_query_param(&q, "mine");
	assert_ok(crm_filter_compile(&q, session, entity("contact"), "customer.name = 'a'", TODAY, &err), &err);
	cr_assert_eq(
		crm_filter_compile(&q, session, entity("contact"),
				   "customer.owner.name = 'b' and reports_to.name = 'c' and birthday within 3 days "
				   "and gender = 'X'",
				   TODAY, &err),
		ERR_INPUT);
	cr_expect_eq(q.nparams, 2);
	cr_expect_eq(q.naliases, 1);
	cr_expect_str_eq(q.joins.data, " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id");
	cr_expect_str_eq(q.where.data, "(f1.name = $2::text)");
	crm_query_release(&q);
	err_release(&err);
}

Test(filter, nesting_is_bounded)
{
	struct buf src = BUF_INIT;
	struct crm_query q;
	struct err err = ERR_INIT;

	for (int i = 0; i < 10000; i++)
		buf_adds(&src, "(");
	crm_query_init(&q);
	cr_expect_eq(crm_filter_compile(&q, session, entity("contact"), src.data, TODAY, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "nests too deeply"), "%s", err.msg.data);
	err_release(&err);

	buf_reset(&src);
	for (int i = 0; i < 10000; i++)
		buf_adds(&src, "not ");
	cr_expect_eq(crm_filter_compile(&q, session, entity("contact"), src.data, TODAY, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "nests too deeply"), "%s", err.msg.data);
	err_release(&err);

	/* but a sensible depth is fine */
	buf_reset(&src);
	buf_adds(&src, "((((((((((email_opt_out))))))))))");
	assert_ok(crm_filter_compile(&q, session, entity("contact"), src.data, TODAY, &err), &err);
	cr_expect_str_eq(q.where.data, "(t.email_opt_out)");
	crm_query_release(&q);
	buf_release(&src);
	err_release(&err);
}

/* Every column a filter may name compiles; the rest are refused. */
Test(filter, every_column)
{
	for (size_t i = 0; i < crm_nentities; i++) {
		const struct crm_entity *e = crm_entities[i];
		for (size_t j = 0; j < e->ncolumns; j++) {
			const struct crm_column *col = &e->columns[j];
			int allowed = !(col->flags & CRM_NOFILTER) && col->type != CRM_PASSWORD;
			struct crm_query q;
			struct err err = ERR_INIT;
			char *src = xstrfmt("%s is null", col->name);
			int rc;

			crm_query_init(&q);
			rc = crm_filter_compile(&q, session, e, src, TODAY, &err);
			if (allowed)
				cr_expect_eq(rc, 0, "%s: [%s]: %s", e->name, src, err.msg.data);
			else
				cr_expect_eq(rc, ERR_INPUT, "%s: [%s]: accepted", e->name, src);
			free(src);
			crm_query_release(&q);
			err_release(&err);
		}
	}
}

/* ------------------------------------------------ against a real database */

TestSuite(filter_db, .init = test_fixture_init_session, .fini = test_fixture_fini);

/* Every filterable field of every entity, with a value of its type: the SQL
 * runs (the columns, casts and joins exist in the schema). */
Test(filter_db, every_field_runs)
{
	struct err err = ERR_INIT;

	for (size_t i = 0; i < crm_nentities; i++) {
		const struct crm_entity *e = crm_entities[i];
		struct buf src = BUF_INIT;
		for (size_t j = 0; j < e->ncolumns; j++) {
			const struct crm_column *col = &e->columns[j];
			size_t n = strlen(col->name);
			if ((col->flags & CRM_NOFILTER) || col->type == CRM_PASSWORD)
				continue;
			buf_addf(&src, "%s%s is not null", src.len ? " or " : "", col->name);
			switch (col->type) {
			case CRM_TEXT:
			case CRM_EMAIL: buf_addf(&src, " or %s = 'x' or %s like 'x%%'", col->name, col->name); break;
			case CRM_INT: buf_addf(&src, " or %s = -1", col->name); break;
			case CRM_DECIMAL:
			case CRM_MONEY: buf_addf(&src, " or %s < 1.25", col->name); break;
			case CRM_DATE:
			case CRM_TIME:
				buf_addf(&src, " or %s within 7 days or %s > '2026-01-01' or %s <= today", col->name,
					 col->name, col->name);
				break;
			case CRM_BOOL: buf_addf(&src, " or %s or not %s", col->name, col->name); break;
			case CRM_ENUM: {
				const struct crm_res *set;
				assert_ok(crm_value_set(&set, session, col->set, &err), &err);
				buf_addf(&src, " or %s in ('%s')", col->name, crm_res_get(set, 0, 0));
				break;
			}
			case CRM_REF:
				buf_addf(&src, " or %s = 'x'", col->name);
				if (n > 5 && !strcmp(col->name + n - 5, "_code") && crm_column_target(col)->label)
					buf_addf(&src, " or %.*s = 'x' or %.*s.%s is null", (int)(n - 5), col->name,
						 (int)(n - 5), col->name, crm_column_target(col)->key);
				break;
			case CRM_PASSWORD: break;
			}
		}
		if (src.len) {
			struct crm_query q;
			struct buf sql = BUF_INIT;
			crm_query_init(&q);
			assert_ok(crm_filter_compile(&q, session, e, src.data, TODAY, &err), &err);
			buf_addf(&sql, "SELECT count(*) FROM %s t%s WHERE %s", e->table, q.joins.data, q.where.data);
			cr_expect_eq(crm_db_query(NULL, session, sql.data, (int)q.nparams, crm_query_params(&q), &err),
				     0, "%s: %s\n%s", e->name, err.msg.data, sql.data);
			err_release(&err);
			buf_release(&sql);
			crm_query_release(&q);
		}
		buf_release(&src);
	}
	err_release(&err);
}

static const char fixture[] =
	"INSERT INTO crm.department (code, name) VALUES ('D1', '销售部'), ('D2', '市场部');"
	"INSERT INTO crm.salesperson (code, name, department_id) VALUES"
	" ('S1', '张三', (SELECT id FROM crm.department WHERE code = 'D1')),"
	" ('S2', '李四', (SELECT id FROM crm.department WHERE code = 'D2'));"
	/* 浦东 lies in 上海, which lies in 华东 */
	"INSERT INTO crm.region (code, name) VALUES ('EAST', '华东'), ('NORTH', '华北');"
	"INSERT INTO crm.region (code, name, parent_id) VALUES ('SH', '上海', (SELECT id FROM crm.region WHERE code = 'EAST'));"
	"INSERT INTO crm.region (code, name, parent_id) VALUES ('PD', '浦东', (SELECT id FROM crm.region WHERE code = 'SH'));"
	"INSERT INTO crm.customer (code, name, region_id, owner_id) VALUES"
	" ('C1', '甲公司', (SELECT id FROM crm.region WHERE code = 'PD'), (SELECT id FROM crm.salesperson WHERE code = 'S1')),"
	" ('C2', '乙公司', (SELECT id FROM crm.region WHERE code = 'NORTH'), (SELECT id FROM crm.salesperson WHERE code = 'S2')),"
	" ('C3', 'O''Neil Ltd', NULL, NULL);"
	"INSERT INTO crm.contact (code, customer_id, name, gender, birthday, email, email_opt_out, sms_opt_out) VALUES"
	" ('K1', (SELECT id FROM crm.customer WHERE code = 'C1'), '王伟', '男', '1990-12-30', 'wang@example.com', false, false),"
	" ('K2', (SELECT id FROM crm.customer WHERE code = 'C1'), '李娜', '女', '1985-01-02', 'li@example.com', true, false),"
	" ('K3', (SELECT id FROM crm.customer WHERE code = 'C2'), 'Anna', 'F', '2000-02-29', 'anna@example.org', false, true),"
	" ('K4', (SELECT id FROM crm.customer WHERE code = 'C2'), 'Bob', 'M', '1970-02-28', NULL, false, false),"
	" ('K5', (SELECT id FROM crm.customer WHERE code = 'C3'), 'O''Brien', NULL, NULL, NULL, false, false),"
	" ('K6', (SELECT id FROM crm.customer WHERE code = 'C1'), 'Carl', 'M', '1999-03-01', 'carl@example.com', false, false),"
	" ('K7', (SELECT id FROM crm.customer WHERE code = 'C2'), 'Dora', 'F', '1980-12-27', 'dora@example.com', false, false);"
	"UPDATE crm.contact SET reports_to_id = (SELECT id FROM crm.contact WHERE code = 'K3') WHERE code = 'K4';"
	"UPDATE crm.contact SET reports_to_id = (SELECT id FROM crm.contact WHERE code = 'K1') WHERE code = 'K6';"
	"UPDATE crm.contact SET reports_to_id = (SELECT id FROM crm.contact WHERE code = 'K4') WHERE code = 'K1';";

struct rows_case {
	const char *today;
	const char *src;
	const char *codes; /* the contacts selected, comma-separated, in order */
};

static const struct rows_case rows_cases[] = {
	{ TODAY, "", "K1,K2,K3,K4,K5,K6,K7" },
	{ TODAY, "name = '王伟'", "K1" },
	{ TODAY, "name = 'O''Brien'", "K5" },
	/* birthdays across new year: today 28 December */
	{ "2026-12-28", "birthday within 7 days", "K1,K2" },
	{ "2026-12-28", "birthday within 5 days", "K1,K2" },
	{ "2026-12-28", "birthday within 4 days", "K1" },
	{ "2026-12-28", "birthday within 1 day", "" },
	{ "2026-12-28", "birthday within 2 days", "K1" },
	{ "2026-12-31", "birthday within 2 days", "K2" },
	{ "2026-12-27", "birthday within 0 days", "K7" },
	/* 29 February falls on 28 February in other years */
	{ "2027-02-27", "birthday within 1 day", "K3,K4" },
	{ "2027-02-27", "birthday within 0 days", "" },
	{ "2027-02-28", "birthday within 0 days", "K3,K4" },
	{ "2028-02-28", "birthday within 0 days", "K4" },
	{ "2028-02-29", "birthday within 0 days", "K3" },
	{ "2027-03-01", "birthday within 0 days", "K6" },
	{ "2027-02-20", "birthday within 365 days", "K1,K2,K3,K4,K6,K7" },
	/* an ordinary date compares the whole date */
	{ TODAY, "birthday >= '1990-01-01'", "K1,K3,K6" },
	{ TODAY, "birthday = '2000-02-29'", "K3" },
	/* related rows; a region holds the regions below it (C1 is in 浦东, in 上海, in 华东) */
	{ TODAY, "customer.region = '华东'", "K1,K2,K6" },
	{ TODAY, "customer.region = '上海'", "K1,K2,K6" },
	{ TODAY, "customer.region_code = 'EAST'", "K1,K2,K6" },
	{ TODAY, "customer.region_code = 'NORTH'", "K3,K4,K7" },
	{ TODAY, "customer.region in ('华北', '上海')", "K1,K2,K3,K4,K6,K7" },
	{ TODAY, "customer.region like '华%'", "K1,K2,K3,K4,K6,K7" },
	{ TODAY, "customer.region_code not in ('EAST')", "K3,K4,K7" },
	{ TODAY, "customer.region not like '上%'", "K3,K4,K7" },
	{ TODAY, "customer.region <> '上海'", "K3,K4,K7" },
	/* the region's own fields are that region's alone */
	{ TODAY, "customer.region.name = '华东'", "" },
	{ TODAY, "customer.region.code = 'PD'", "K1,K2,K6" },
	/* a contact's owner is its customer's salesperson, as in templates */
	{ TODAY, "owner.name = '张三'", "K1,K2,K6" },
	{ TODAY, "owner = '李四'", "K3,K4,K7" },
	{ TODAY, "owner.department = '市场部'", "K3,K4,K7" },
	{ TODAY, "owner is null", "K5" },
	{ TODAY, "owner.name like '王%' or customer.owner_code is null", "K5" },
	{ TODAY, "owner.name like '张%' or customer.owner_code is null", "K1,K2,K5,K6" },
	{ TODAY, "customer_code = 'C3'", "K5" },
	{ TODAY, "customer = '甲公司'", "K1,K2,K6" },
	{ TODAY, "customer.owner.name = '张三'", "K1,K2,K6" },
	{ TODAY, "customer.owner_code = 'S2'", "K3,K4,K7" },
	{ TODAY, "customer.owner.department = '市场部'", "K3,K4,K7" },
	{ TODAY, "customer.owner.department.code in ('D1', 'D2')", "K1,K2,K3,K4,K6,K7" },
	{ TODAY, "customer.region is null", "K5" },
	{ TODAY, "reports_to.name = 'Anna'", "K4" },
	{ TODAY, "reports_to_code = 'K1'", "K6" },
	{ TODAY, "reports_to.reports_to.reports_to_code = 'K3'", "K6" },
	{ TODAY, "reports_to is null", "K2,K3,K5,K7" },
	{ TODAY, "reports_to_code is not null", "K1,K4,K6" },
	/* in, like, is null */
	{ TODAY, "name in ('Anna', 'Bob', 'nobody')", "K3,K4" },
	{ TODAY, "name not in ('Anna', 'Bob')", "K1,K2,K5,K6,K7" },
	{ TODAY, "gender in ('男', 'M')", "K1,K4,K6" },
	{ TODAY, "name like 'A%'", "K3" },
	{ TODAY, "name like 'a%'", "" },
	{ TODAY, "name ilike 'a%'", "K3" },
	{ TODAY, "email like '%@example.com' and name not like 'C%'", "K1,K2,K7" },
	{ TODAY, "email not ilike '%@EXAMPLE.COM'", "K3" },
	{ TODAY, "email is null", "K4,K5" },
	{ TODAY, "email is not null and gender is not null", "K1,K2,K3,K6,K7" },
	/* booleans, not, and, or */
	{ TODAY, "email_opt_out", "K2" },
	{ TODAY, "not email_opt_out", "K1,K3,K4,K5,K6,K7" },
	{ TODAY, "email_opt_out = false and sms_opt_out = 'true'", "K3" },
	{ TODAY, "email_opt_out or sms_opt_out", "K2,K3" },
	{ TODAY, "not (email_opt_out or sms_opt_out) and customer_code = 'C2'", "K4,K7" },
	{ TODAY, "customer_code = 'C1' and gender = '女' or name = 'Bob'", "K2,K4" },
	{ TODAY, "customer_code = 'C1' and (gender = '女' or name = 'Bob')", "K2" },
	/* "not" is two-valued: a contact without a region is not in 华东 */
	{ TODAY, "not customer.region = '华东'", "K3,K4,K5,K7" },
	{ TODAY, "customer.region != '华东'", "K3,K4,K7" },
	{ TODAY, "not birthday within 7 days", "K3,K4,K5,K6,K7" },
	/* the example of SPEC section 3 */
	{ "2026-12-28", "birthday within 7 days and customer.region = '华东' and not email_opt_out", "K1" },
	/* injection attempts through values find nothing and harm nothing */
	{ TODAY, "name = 'x'' OR 1=1 --'", "" },
	{ TODAY, "name = '''; DROP TABLE crm.customer; --'", "" },
	{ TODAY, "name in ('a'')) OR true OR ((''', 'b')", "" },
	{ TODAY, "name like '%''; DELETE FROM crm.contact; --'", "" },
	{ TODAY, "customer.region = '华东'' OR ''1''=''1'", "" },
};

/* The codes of the contacts that src selects, comma-separated. */
static void select_codes(struct buf *codes, const char *src, const char *today)
{
	struct crm_query q;
	struct err err = ERR_INIT;
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL;

	crm_query_init(&q);
	buf_reset(codes);
	assert_ok(crm_filter_compile(&q, session, entity("contact"), src, today, &err), &err);
	buf_addf(&sql, "SELECT t.code FROM crm.contact t%s WHERE %s ORDER BY 1", q.joins.data,
		 q.where.len ? q.where.data : "true");
	cr_assert_eq(crm_db_query(&res, session, sql.data, (int)q.nparams, crm_query_params(&q), &err), 0,
		     "[%s]: %s\n%s", src, err.msg.data, sql.data);
	for (int i = 0; i < crm_res_rows(res); i++)
		buf_addf(codes, "%s%s", i ? "," : "", crm_res_get(res, i, 0));
	crm_res_free(res);
	buf_release(&sql);
	crm_query_release(&q);
	err_release(&err);
}

/* "birthday within N days" asks every contact for its next birthday: the
 * functions must be inlined into the query (sql/013_store_rules.sql), as a
 * call per row took 209 s over the 2,000,000 contacts of 1,000,000
 * customers, and 6.5 s inlined. */
Test(filter_db, birthday_functions_are_inlined)
{
	struct crm_query q;
	struct err err = ERR_INIT;
	struct buf sql = BUF_INIT, plan = BUF_INIT;
	struct crm_res *res = NULL;

	crm_query_init(&q);
	assert_ok(crm_filter_compile(&q, session, entity("contact"), "birthday within 7 days", TODAY, &err), &err);
	buf_addf(&sql, "EXPLAIN (VERBOSE) SELECT t.code FROM crm.contact t%s WHERE %s", q.joins.data, q.where.data);
	assert_ok(crm_db_query(&res, session, sql.data, (int)q.nparams, crm_query_params(&q), &err), &err);
	for (int i = 0; i < crm_res_rows(res); i++)
		buf_addf(&plan, "%s\n", crm_res_get(res, i, 0));
	cr_expect(strstr(plan.data, "make_date"), "the rule is in the plan: %s", plan.data);
	cr_expect_null(strstr(plan.data, "next_birthday"), "a function call per contact: %s", plan.data);
	cr_expect_null(strstr(plan.data, "anniversary"), "a function call per contact: %s", plan.data);
	crm_res_free(res);
	buf_release(&sql);
	buf_release(&plan);
	crm_query_release(&q);
	err_release(&err);
}

Test(filter_db, selects_rows)
{
	struct err err = ERR_INIT;
	struct buf got = BUF_INIT;
	char *n = NULL;

	assert_ok(crm_db_exec(session, fixture, &err), &err);
	for (size_t i = 0; i < ARRAY_SIZE(rows_cases); i++) {
		const struct rows_case *c = &rows_cases[i];
		select_codes(&got, c->src, c->today);
		cr_expect_str_eq(got.data, c->codes, "[%s] today %s: got %s, want %s", c->src, c->today, got.data,
				 c->codes);
	}
	/* the tables are all still there, with all their rows */
	assert_ok(crm_db_value(&n, session,
			       "SELECT (SELECT count(*) FROM crm.customer) || '/' || "
			       "(SELECT count(*) FROM crm.contact)",
			       0, NULL, &err),
		  &err);
	cr_expect_str_eq(n, "3/7");
	free(n);
	buf_release(&got);
	err_release(&err);
}
