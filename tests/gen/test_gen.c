/* tests/gen/test_gen.c - the synthetic data generator: exact counts, the
 * same data for the same seed, consistent stories (reporting lines, stage
 * histories, complaint logs), skewed revenue, and refusal to overwrite. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "crm/entity.h"
#include "gen/gen.h"
#include "gen/gen_internal.h"

#define TODAY "2025-06-15"

/* A fresh database filled by the generator; *db stays connected to it. */
static char *generate(struct crm_db **db, unsigned long long seed, long customers, struct gen_stats *st)
{
	struct err err = ERR_INIT;
	struct gen_opts opts = { .seed = seed, .customers = customers, .today = TODAY };
	char *conninfo;

	*db = test_db_session(&conninfo);
	assert_ok(gen_run(st, *db, &opts, &err), &err);
	err_release(&err);
	return conninfo;
}

/* The first value of a query, as a malloc'd string ("" for NULL). */
static char *value(struct crm_db *db, const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;
	assert_ok(crm_db_value(&v, db, sql, 0, NULL, &err), &err);
	err_release(&err);
	return v ? v : xstrdup("");
}

static long number(struct crm_db *db, const char *sql)
{
	char *v = value(db, sql);
	long n = strtol(v, NULL, 10);
	free(v);
	return n;
}

static double fraction(struct crm_db *db, const char *sql)
{
	char *v = value(db, sql);
	double x = strtod(v, NULL);
	free(v);
	return x;
}

static long count(struct crm_db *db, const char *table)
{
	char *sql = xstrfmt("SELECT count(*) FROM %s", table);
	long n = number(db, sql);
	free(sql);
	return n;
}

/* A digest of every generated table, each in a fixed order. */
static char *digest(struct crm_db *db)
{
	static const char *const tables[] = {
		"department",
		"salesperson",
		"app_user",
		"region",
		"product",
		"customer",
		"contact",
		"lead",
		"lead_contact",
		"product_intent",
		"opportunity",
		"opportunity_stage_history",
		"opportunity_competitor",
		"opportunity_team",
		"sales_order",
		"order_line",
		"invoice",
		"receipt",
		"activity",
		"expense",
		"complaint",
		"complaint_log",
	};
	struct buf sql = BUF_INIT;
	char *v;
	buf_adds(&sql, "SELECT md5(''");
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		buf_addf(&sql, " || (SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM crm.%s t)",
			 tables[i]);
	buf_adds(&sql, ")");
	v = value(db, sql.data);
	buf_release(&sql);
	return v;
}

Test(gen, counts_match_and_every_table_has_rows)
{
	struct gen_stats st;
	struct crm_db *db;
	char *conn = generate(&db, 7, 500, &st);
	const struct {
		const char *table;
		long rows;
	} tables[] = {
		{ "crm.department", st.departments },
		{ "crm.salesperson", st.salespeople },
		{ "crm.app_user", st.users },
		{ "crm.customer", st.customers },
		{ "crm.contact", st.contacts },
		{ "crm.lead", st.leads },
		{ "crm.lead_contact", st.lead_contacts },
		{ "crm.product", st.products },
		{ "crm.product_intent", st.intents },
		{ "crm.opportunity", st.opportunities },
		{ "crm.sales_order", st.orders },
		{ "crm.order_line", st.order_lines },
		{ "crm.invoice", st.invoices },
		{ "crm.receipt", st.receipts },
		{ "crm.activity", st.activities },
		{ "crm.expense", st.expenses },
		{ "crm.complaint", st.complaints },
		{ "crm.competitor", st.competitors },
		{ "crm.opportunity_stage_history", st.stage_history },
		{ "crm.complaint_log", st.complaint_log },
		{ "crm.opportunity_competitor", st.opportunity_competitors },
		{ "crm.opportunity_team", st.opportunity_team },
	};

	cr_assert_eq(st.customers, 500);
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		cr_expect_gt(tables[i].rows, 0, "%s is empty", tables[i].table);
		long rows = count(db, tables[i].table);
		cr_expect_eq(rows, tables[i].rows, "%s: %ld rows in the database, %ld in the stats", tables[i].table,
			     rows, tables[i].rows);
	}
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.sales_stage s JOIN crm.sales_mode m ON m.id = s.mode_id"
				" WHERE m.code = 'STD'"),
		     5);
	cr_expect_geq(count(db, "crm.customer_category"), 3);
	cr_expect_geq(count(db, "crm.product_category"), 3);
	/* every salesperson can log in, the department heads as managers */
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.app_user WHERE role IN ('salesperson', 'sales_manager')"),
		     st.salespeople);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.app_user WHERE login = 'admin' AND role = 'admin'"), 1);
	test_db_session_end(db, conn);
}

Test(gen, same_seed_same_data_other_seed_other_data)
{
	struct gen_stats a, b, c;
	struct crm_db *da, *db, *dc;
	char *ca = generate(&da, 42, 300, &a);
	char *cb = generate(&db, 42, 300, &b);
	char *cc = generate(&dc, 43, 300, &c);
	char *ha = digest(da), *hb = digest(db), *hc = digest(dc);

	cr_expect_str_eq(ha, hb, "the same seed gave different data");
	cr_expect_str_neq(ha, hc, "another seed gave the same data");
	cr_expect_eq(memcmp(&a, &b, sizeof(a)), 0);
	cr_expect_eq(c.customers, 300);
	free(ha);
	free(hb);
	free(hc);
	test_db_session_end(da, ca);
	test_db_session_end(db, cb);
	test_db_session_end(dc, cc);
}

Test(gen, refuses_a_database_with_customers)
{
	struct gen_stats st;
	struct crm_db *db;
	struct err err = ERR_INIT;
	struct gen_opts opts = { .seed = 1, .customers = 10, .today = TODAY };
	char *conn = generate(&db, 1, 20, &st);

	cr_assert_eq(gen_run(&st, db, &opts, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "the database already holds 20 customers");
	cr_expect_str_eq(err.hint.data, "run 'crmgate db reset --yes' first");
	cr_expect_eq(count(db, "crm.customer"), 20, "the refused run changed the database");
	err_release(&err);
	test_db_session_end(db, conn);
}

Test(gen, refuses_bad_options)
{
	struct gen_stats st;
	char *conn;
	struct crm_db *db = test_db_session(&conn);
	struct err err = ERR_INIT;
	struct gen_opts bad_date = { .seed = 1, .customers = 10, .today = "2025-02-29" };
	struct gen_opts no_customers = { .seed = 1, .customers = 0, .today = TODAY };

	cr_expect_eq(gen_run(&st, db, &bad_date, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "2025-02-29"), "%s", err.msg.data);
	err_clear(&err);
	cr_expect_eq(gen_run(&st, db, &no_customers, &err), ERR_INPUT);
	err_release(&err);
	cr_expect_eq(count(db, "crm.department"), 0);
	test_db_session_end(db, conn);
}

Test(gen, leaves_the_schema_as_it_found_it)
{
	static const char objects[] =
		"SELECT (SELECT count(*) FROM pg_constraint WHERE connamespace = 'crm'::regnamespace)"
		" || '/' || (SELECT count(*) FROM pg_indexes WHERE schemaname = 'crm')"
		" || '/' || (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
		"  WHERE c.relnamespace = 'crm'::regnamespace AND t.tgenabled = 'O')";
	struct gen_stats st;
	struct crm_db *db;
	struct err err = ERR_INIT;
	char *empty, *before, *after;
	struct crm_db *edb = test_db_session(&empty);
	char *conn;

	before = value(edb, objects);
	test_db_session_end(edb, empty);
	conn = generate(&db, 5, 200, &st);
	after = value(db, objects);
	cr_expect_str_eq(after, before, "constraints/indexes/enabled triggers before and after");
	/* the identity sequences were moved past the generated ids */
	assert_ok(crm_db_exec(db, "INSERT INTO crm.customer (code, name) VALUES ('NEW1', '新客户')", &err), &err);
	cr_expect_eq(number(db, "SELECT id FROM crm.customer WHERE code = 'NEW1'"), 201);
	assert_ok(crm_db_exec(db, "INSERT INTO crm.contact (code, customer_id, name) VALUES ('NEWC', 1, '张三')", &err),
		  &err);
	cr_expect_eq(number(db, "SELECT id FROM crm.contact WHERE code = 'NEWC'"), st.contacts + 1);
	/* and the stage trigger works again */
	assert_ok(crm_db_exec(db,
			      "INSERT INTO crm.opportunity (code, name, customer_id, mode_id, stage_seq)"
			      " VALUES ('NEWO', '新商机', 1, 1, 1)",
			      &err),
		  &err);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.opportunity_stage_history h JOIN crm.opportunity o"
				" ON o.id = h.opportunity_id WHERE o.code = 'NEWO'"),
		     1);
	err_release(&err);
	free(before);
	free(after);
	test_db_session_end(db, conn);
}

Test(gen, reporting_lines_are_trees_within_a_customer)
{
	struct gen_stats st;
	struct crm_db *db;
	char *conn = generate(&db, 11, 500, &st);

	cr_expect_eq(number(db, "SELECT count(*) FROM crm.contact c JOIN crm.contact b ON b.id = c.reports_to_id"
				" WHERE b.customer_id <> c.customer_id"),
		     0, "someone reports to a contact of another customer");
	cr_expect_gt(number(db, "SELECT count(*) FROM crm.contact WHERE reports_to_id IS NOT NULL"), 0);
	/* walking up from every contact ends at a top within a few steps */
	cr_expect_eq(number(db, "WITH RECURSIVE up(id, top, depth) AS ("
				" SELECT id, reports_to_id, 0 FROM crm.contact"
				" UNION ALL SELECT up.id, c.reports_to_id, up.depth + 1 FROM up"
				" JOIN crm.contact c ON c.id = up.top WHERE up.depth < 10)"
				" SELECT count(*) FROM up WHERE depth = 10"),
		     0, "a reporting line has a cycle");
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.customer u WHERE (SELECT count(*) FROM crm.contact c"
				" WHERE c.customer_id = u.id AND c.reports_to_id IS NULL) <> 1"),
		     0, "a customer without exactly one top contact");
	test_db_session_end(db, conn);
}

Test(gen, revenue_is_skewed_and_dates_are_around_today)
{
	struct gen_stats st;
	struct crm_db *db;
	char *conn = generate(&db, 3, 500, &st);
	double top;

	top = fraction(db, "WITH rev AS (SELECT c.id, coalesce(sum(l.quantity * l.price), 0) AS r"
			   " FROM crm.customer c LEFT JOIN crm.sales_order o ON o.customer_id = c.id"
			   " LEFT JOIN crm.order_line l ON l.order_id = o.id GROUP BY c.id),"
			   " ranked AS (SELECT r, row_number() OVER (ORDER BY r DESC) AS n FROM rev)"
			   " SELECT sum(r) FILTER (WHERE n <= (SELECT count(*) FROM rev) / 5) / sum(r) FROM ranked");
	cr_expect_gt(top, 0.6, "the top 20%% of customers bring only %.2f of revenue", top);
	cr_expect_gt(number(db, "SELECT count(*) FROM crm.contact WHERE crm.next_birthday(birthday, DATE '" TODAY
				"') < DATE '" TODAY "' + 7"),
		     0, "no birthday in the coming week");
	cr_expect_eq(number(db, "SELECT count(DISTINCT extract(month FROM birthday)) FROM crm.contact"), 12);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.sales_order WHERE ordered_on >= DATE '" TODAY "'"), 0);
	cr_expect_gt(number(db, "SELECT count(*) FROM crm.sales_order WHERE ordered_on < DATE '" TODAY "' - 730"), 0);
	cr_expect_gt(number(db, "SELECT count(*) FROM crm.opportunity WHERE status = 'open'"
				" AND expected_close_on > DATE '" TODAY "'"),
		     0);
	cr_expect_gt(number(db, "SELECT count(*) FROM crm.activity WHERE status = 'planned'"
				" AND planned_at < DATE '" TODAY "'"),
		     0, "no overdue activity");
	/* arrears: invoiced but not (fully) received */
	cr_expect_gt(fraction(db, "SELECT (SELECT sum(amount) FROM crm.invoice)"
				  " - (SELECT sum(amount) FROM crm.receipt)"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.receipt r JOIN crm.invoice i ON i.id = r.invoice_id"
				" WHERE r.amount > i.amount OR r.received_on < i.invoiced_on"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM (SELECT email FROM crm.customer UNION ALL SELECT email"
				" FROM crm.contact UNION ALL SELECT email FROM crm.salesperson UNION ALL SELECT email"
				" FROM crm.lead UNION ALL SELECT email FROM crm.lead_contact) e"
				" WHERE email NOT LIKE '%.example.test'"),
		     0, "an e-mail address outside example.test");
	test_db_session_end(db, conn);
}

Test(gen, histories_tell_the_same_story_as_the_rows)
{
	struct gen_stats st;
	struct crm_db *db;
	char *conn = generate(&db, 9, 500, &st);

	/* every opportunity starts at stage 1 on its created_on, moves up, and
	 * ends where the opportunity stands */
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.opportunity o WHERE NOT EXISTS (SELECT 1 FROM"
				" crm.opportunity_stage_history h WHERE h.opportunity_id = o.id AND h.stage_seq = 1"
				" AND h.entered_on = o.created_on)"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.opportunity o JOIN LATERAL (SELECT * FROM"
				" crm.opportunity_stage_history h WHERE h.opportunity_id = o.id"
				" ORDER BY h.id DESC LIMIT 1) last ON true"
				" WHERE last.stage_seq <> o.stage_seq OR last.status <> o.status"
				" OR (o.closed_on IS NOT NULL AND last.entered_on <> o.closed_on)"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM (SELECT stage_seq < lag(stage_seq) OVER w"
				" OR entered_on < lag(entered_on) OVER w AS back FROM crm.opportunity_stage_history"
				" WINDOW w AS (PARTITION BY opportunity_id ORDER BY id)) x WHERE back"),
		     0, "an opportunity moved back in stage or time");
	cr_expect_gt(number(db, "SELECT count(*) FROM crm.opportunity WHERE status = 'lost' AND fail_reason IS NOT NULL"
				" AND winning_competitor_id IS NOT NULL"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.opportunity o WHERE o.winning_competitor_id IS NOT NULL"
				" AND NOT EXISTS (SELECT 1 FROM crm.opportunity_competitor c"
				" WHERE c.opportunity_id = o.id AND c.competitor_id = o.winning_competitor_id)"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.sales_order s"
				" JOIN crm.opportunity o ON o.id = s.opportunity_id WHERE o.status <> 'won'"
				" OR s.ordered_on <> o.closed_on OR s.customer_id <> o.customer_id"),
		     0);
	/* a complaint's log runs from new to its status, in time */
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.complaint c JOIN LATERAL (SELECT * FROM crm.complaint_log l"
				" WHERE l.complaint_id = c.id ORDER BY l.id DESC LIMIT 1) last ON true"
				" WHERE last.status <> c.status"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.complaint c WHERE (SELECT min(at) FROM crm.complaint_log l"
				" WHERE l.complaint_id = c.id) <> c.received_at"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM (SELECT at < lag(at) OVER w AS back FROM crm.complaint_log"
				" WINDOW w AS (PARTITION BY complaint_id ORDER BY id)) x WHERE back"),
		     0);
	cr_expect_eq(number(db, "SELECT count(*) FROM crm.complaint WHERE received_at >= DATE '" TODAY "'"
				" OR resolved_at >= DATE '" TODAY "' OR verified_at >= DATE '" TODAY "'"),
		     0);
	test_db_session_end(db, conn);
}

/* The generator's output is pinned: seed 3, 150 customers, today 2025-06-15
 * give exactly these rows in every table it fills (md5 of the rows as text,
 * in text order). Computed on the generator before it moved to gen/; a
 * change here is a change of the data every demo and benchmark sees, and
 * must be made on purpose. */
Test(gen, the_same_options_give_the_pinned_data)
{
	static const struct {
		const char *table, *md5;
	} pinned[] = {
		{ "department", "4a487e02517ac322a8c0fc2a7ac3f419" },
		{ "salesperson", "1e77e8ae51b5d92c93cda4681f2107c2" },
		{ "app_user", "463c452268aca2e432051f432cc90a17" },
		{ "customer_category", "d10273facdbaa087d0ee0841e0466f03" },
		{ "region", "f68bf91f26d893c47073315c867c4e08" },
		{ "product_category", "bb606e9e53341bd863a600a741334a0c" },
		{ "product", "93cdca6f0c338319b5429a022fa3b292" },
		{ "sales_mode", "14bf3164e4efd9b01f3bc6e92309b676" },
		{ "sales_stage", "a33ed649d1e01d8e982cbf3ff49386a2" },
		{ "competitor", "716a1da077679c771c615c044bee5f95" },
		{ "customer", "68cf74572aa1d715226503e2abe846d0" },
		{ "contact", "773ea0e4612b51c6c345c1d166544f7d" },
		{ "lead", "79d216db1097f1263f84a1e23d7af726" },
		{ "lead_contact", "c748eb80b587b0f214e817f27e4d3caa" },
		{ "product_intent", "d0da60ad1efd45da7a39cff5709f38e5" },
		{ "opportunity", "6316894f694c99335c5b7e09a7815d4e" },
		{ "opportunity_stage_history", "d45f26be8354cd7dcb25caabc11114e9" },
		{ "opportunity_competitor", "1503cfa2639e2582cd7035dcd2d2e3e4" },
		{ "opportunity_team", "8fc83cca905148567dfb9ab7d0f0d6ae" },
		{ "sales_order", "3bfedca082c436a38f5daf3738456cd8" },
		{ "order_line", "7ff579045d797ae0b13e12299eeb1463" },
		{ "invoice", "c87dec06ae567f6e59697b022629a551" },
		{ "receipt", "9d669b13129911e30261a4dd9442605c" },
		{ "activity", "d6f22f1c5d25387fe2565d2760261ee4" },
		{ "expense", "82d7e0c17ba2eff2bae1979782aa0a09" },
		{ "complaint", "2e09a8690c85b41760af92b83008d481" },
		{ "complaint_log", "034b57a75768b1e3c4dc64beec20a598" },
	};
	struct gen_stats st;
	struct crm_db *db;
	char *conn = generate(&db, 3, 150, &st);

	for (size_t i = 0; i < ARRAY_SIZE(pinned); i++) {
		char *sql = xstrfmt("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM crm.%s t",
				    pinned[i].table);
		char *md5 = value(db, sql);
		cr_expect_str_eq(md5, pinned[i].md5, "crm.%s: the rows are not the pinned ones (md5 %s)",
				 pinned[i].table, md5);
		free(md5);
		free(sql);
	}
	test_db_session_end(db, conn);
}

/* The columns the generator writes come from the descriptions of
 * crm/entity.c: a column added to a description (here, a fax number added
 * to a copy of the customer's) is in the COPY, after the id and in the
 * description's order, with the internal columns last... */
Test(gen, the_copy_names_the_columns_of_the_description)
{
	const struct crm_entity *customer = crm_table_find("crm.customer");
	struct crm_column cols[64];
	struct crm_entity more;
	struct out w = { 0 };
	const char *sql;

	cr_assert(customer && customer->ncolumns < ARRAY_SIZE(cols) && customer->ninternal > 0);
	memcpy(cols, customer->columns, customer->ncolumns * sizeof(cols[0]));
	cols[customer->ncolumns] = (struct crm_column){ .name = "fax", .sql = "fax", .type = CRM_TEXT };
	more = *customer;
	more.columns = cols;
	more.ncolumns = customer->ncolumns + 1;
	buf_init(&w.sql);
	sql = gen_copy_sql(&w, &more, 1);
	cr_expect(strstr(sql, "COPY crm.customer (id, code, name, "), "%s", sql);
	cr_expect(strstr(sql, ", email, created_on, fax, credit_days, credit_limit) FROM STDIN"), "%s", sql);
	cr_expect_eq(w.ncols, 1 + (int)more.ncolumns + (int)customer->ninternal);
	/* virtual columns and passwords are never generated; a table the
	 * generator does not number has no id */
	sql = gen_copy_sql(&w, crm_table_find("crm.sales_stage"), 1);
	cr_expect_str_eq(sql, "COPY crm.sales_stage (id, mode_id, seq, name, probability) FROM STDIN");
	sql = gen_copy_sql(&w, crm_table_find("crm.app_user"), 1);
	cr_expect_str_eq(sql, "COPY crm.app_user (id, login, name, role, salesperson_id) FROM STDIN");
	sql = gen_copy_sql(&w, crm_table_find("crm.opportunity_team"), 0);
	cr_expect_str_eq(sql, "COPY crm.opportunity_team (opportunity_id, salesperson_id, role) FROM STDIN");
	/* the histories are described too */
	sql = gen_copy_sql(&w, crm_table_find("crm.complaint_log"), 1);
	cr_expect_str_eq(
		sql, "COPY crm.complaint_log (id, complaint_id, status, assignee_id, by_login, at, note) FROM STDIN");
	buf_release(&w.sql);
}

/* ... and a row that gives it no field stops the generator there, before
 * anything reaches the database. */
Test(gen, a_row_without_a_described_column_is_a_bug, .signal = SIGABRT)
{
	struct gen g = { 0 };

	buf_init(&g.w.b);
	buf_init(&g.w.sql);
	gen_copy_sql(&g.w, crm_table_find("crm.sales_mode"), 1);
	gen_w_int(&g.w, 1);
	gen_w_str(&g.w, "STD");
	gen_w_end(&g);
}
