/* gen/run.c - the run: one transaction, the bulk load (keys and indexes dropped and
 * made again), the tables in dependency order, the sequences. */
#include "gen/gen_internal.h"

#include <stdlib.h>
#include <string.h>

#include "crm/db.h"
#include "common/banned.h"

#define MAX_CUSTOMERS 50000000L

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int check_empty(struct gen *g, const struct filled *tables, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *sql = xstrfmt("SELECT count(*) FROM %s", tables[i].table);
		char *value = NULL;
		long rows;
		int rc = crm_db_value(&value, g->db, sql, 0, NULL, g->err);
		free(sql);
		if (rc)
			return rc;
		rows = value ? strtol(value, NULL, 10) : 0;
		free(value);
		if (!rows)
			continue;
		if (!strcmp(tables[i].table, "crm.customer"))
			err_set(g->err, ERR_INPUT, "the database already holds %ld customers", rows);
		else
			err_set(g->err, ERR_INPUT, "the database already holds %ld rows in table '%s'", rows,
				tables[i].table);
		err_hint(g->err, "run 'crmgate db reset --yes' first");
		return g->err->code;
	}
	return 0;
}

static int set_sequences(struct gen *g, const struct filled *tables, size_t n)
{
	struct buf sql = BUF_INIT;
	int rc = 0, any = 0;

	buf_adds(&sql, "SELECT ");
	for (size_t i = 0; i < n; i++) {
		if (!tables[i].has_id || *tables[i].rows <= 0)
			continue;
		buf_addf(&sql, "%ssetval(pg_get_serial_sequence('%s', 'id'), %ld)", any ? ", " : "", tables[i].table,
			 *tables[i].rows);
		any = 1;
	}
	if (any)
		rc = crm_db_query(NULL, g->db, sql.data, 0, NULL, g->err);
	buf_release(&sql);
	return rc;
}

/* Bulk loading: COPY into a table checks each foreign key per row, one
 * query each, and grows every index row by row, which costs three to four
 * times the load itself. So, inside the transaction, the foreign keys and
 * the plain (not primary, not unique) indexes of the tables the generator
 * fills are dropped, and made again from their catalog definitions at the
 * end: one sort per index, one join per key, which validates every row as
 * strictly as the triggers would. The primary and unique keys stay. Into
 * restore[0] goes the SQL that makes the indexes again, into restore[1]
 * the foreign keys. */
static int bulk_begin(struct gen *g, const struct filled *tables, size_t n, struct buf restore[2])
{
	static const char *const queries[] = {
		"SELECT pg_get_indexdef(i.indexrelid), format('DROP INDEX %s', i.indexrelid::regclass)"
		" FROM pg_index i WHERE i.indrelid = ANY($1::regclass[])"
		" AND NOT i.indisprimary AND NOT i.indisunique AND NOT i.indisexclusion"
		" ORDER BY i.indexrelid",
		"SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,"
		" pg_get_constraintdef(c.oid)),"
		" format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname)"
		" FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])"
		" ORDER BY c.oid",
	};
	struct buf list = BUF_INIT, drop = BUF_INIT;
	struct crm_res *res = NULL;
	const char *params[1];
	int rc = 0;

	buf_addch(&list, '{');
	for (size_t i = 0; i < n; i++)
		buf_addf(&list, "%s%s", i ? "," : "", tables[i].table);
	buf_addch(&list, '}');
	params[0] = list.data;
	for (size_t q = 0; q < ARRAY_SIZE(queries) && !rc; q++) {
		rc = crm_db_query(&res, g->db, queries[q], 1, params, g->err);
		for (int i = 0; !rc && i < crm_res_rows(res); i++) {
			buf_addf(&restore[q], "%s;\n", crm_res_get(res, i, 0));
			buf_addf(&drop, "%s;\n", crm_res_get(res, i, 1));
		}
		crm_res_free(res);
		res = NULL;
	}
	if (!rc && drop.len)
		rc = crm_db_exec(g->db, drop.data, g->err);
	buf_release(&list);
	buf_release(&drop);
	return rc;
}

static int bulk_step(struct gen *g, const char *stage, const char *sql)
{
	int rc;
	g->w.stage = stage;
	g->w.total = 1;
	gen_report(g, 0, 0);
	rc = crm_db_exec(g->db, sql, g->err);
	if (!rc)
		gen_report(g, 1, 1);
	return rc;
}

/* Make the indexes and foreign keys again, once the rows are in. (Analysing
 * the tables first makes the key checks faster, but costs more than it saves.) */
static int bulk_end(struct gen *g, const struct buf restore[2])
{
	int rc = crm_db_exec(g->db, "SET LOCAL maintenance_work_mem = '256MB'", g->err);
	if (!rc && restore[0].len)
		rc = bulk_step(g, "indexes", restore[0].data);
	if (!rc && restore[1].len)
		rc = bulk_step(g, "foreign keys", restore[1].data);
	return rc;
}

int gen_run(struct gen_stats *out, struct crm_db *db, const struct gen_opts *opts, struct err *err)
{
	struct gen gen = { 0 }, *g = &gen;
	struct buf restore[2] = { BUF_INIT, BUF_INIT };
	int y, m, d, rc;
	const struct filled tables[] = {
		{ "crm.customer", &g->st.customers, 1 },
		{ "crm.department", &g->st.departments, 1 },
		{ "crm.salesperson", &g->st.salespeople, 1 },
		{ "crm.app_user", &g->st.users, 1 },
		{ "crm.customer_category", &(const long){ (long)gen_customer_categories_n }, 1 },
		{ "crm.region", &(const long){ (long)(gen_regions_n + gen_provinces_n) }, 1 },
		{ "crm.product_category", &(const long){ (long)gen_product_categories_n }, 1 },
		{ "crm.product", &g->st.products, 1 },
		{ "crm.sales_mode", &(const long){ (long)gen_modes_n }, 1 },
		{ "crm.sales_stage", &(const long){ 11 }, 1 },
		{ "crm.competitor", &g->st.competitors, 1 },
		{ "crm.contact", &g->st.contacts, 1 },
		{ "crm.lead", &g->st.leads, 1 },
		{ "crm.lead_contact", &g->st.lead_contacts, 1 },
		{ "crm.product_intent", &g->st.intents, 1 },
		{ "crm.opportunity", &g->st.opportunities, 1 },
		{ "crm.opportunity_stage_history", &g->st.stage_history, 1 },
		{ "crm.opportunity_competitor", &g->st.opportunity_competitors, 0 },
		{ "crm.opportunity_team", &g->st.opportunity_team, 0 },
		{ "crm.sales_order", &g->st.orders, 1 },
		{ "crm.order_line", &g->st.order_lines, 1 },
		{ "crm.invoice", &g->st.invoices, 1 },
		{ "crm.receipt", &g->st.receipts, 1 },
		{ "crm.activity", &g->st.activities, 1 },
		{ "crm.expense", &g->st.expenses, 1 },
		{ "crm.complaint", &g->st.complaints, 1 },
		{ "crm.complaint_log", &g->st.complaint_log, 1 },
	};

	if (out)
		memset(out, 0, sizeof(*out));
	if (opts->customers < 1 || opts->customers > MAX_CUSTOMERS)
		return err_set(err, ERR_INPUT, "the number of customers must be from 1 to %ld, not %ld", MAX_CUSTOMERS,
			       opts->customers);
	if (gen_parse_date(opts->today, &g->today) < 0)
		return err_set(err, ERR_INPUT, "'%s' is not a date (YYYY-MM-DD)", opts->today ? opts->today : "");

	g->db = db;
	g->err = err;
	g->seed = opts->seed;
	g->ncust = opts->customers;
	g->nleads = g->ncust / 5 > 0 ? g->ncust / 5 : 1;
	gen_civil_from_days(g->today, &y, &m, &d);
	g->today_year = y;
	g->progress = opts->progress;
	g->progress_ctx = opts->progress_ctx;
	buf_init(&g->w.b);
	buf_init(&g->w.sql);
	g->tables = tables;
	g->ntables = ARRAY_SIZE(tables);
	for (size_t i = 0; i < gen_cities_n; i++)
		g->city_total += gen_cities[i].weight;
	/* a step coprime with the number of customers maps leads onto distinct customers */
	g->lead_step = (long)((double)g->ncust * 0.6180339887) + 1;
	while (gcd(g->lead_step, g->ncust) != 1)
		g->lead_step++;
	gen_setup(g);

	rc = crm_db_begin(db, err);
	if (!rc)
		rc = crm_db_work(db, CRM_DB_BULK, err);
	if (!rc)
		rc = check_empty(g, tables, ARRAY_SIZE(tables));
	/* the generator writes the stage history and complaint log itself, with
	 * the dates the steps happened, instead of the triggers' "now" */
	if (!rc)
		rc = bulk_begin(g, tables, ARRAY_SIZE(tables), restore);
	if (!rc)
		rc = crm_db_exec(db,
				 "ALTER TABLE crm.opportunity DISABLE TRIGGER opportunity_track_stage;"
				 "ALTER TABLE crm.complaint DISABLE TRIGGER complaint_track_status",
				 err);
	if (rc)
		goto done;

	gen_org(g);
	if (!g->rc)
		gen_customers(g);
	if (!g->rc)
		gen_contacts(g);
	if (!g->rc)
		gen_leads(g);
	if (!g->rc)
		gen_lead_contacts(g);
	if (!g->rc)
		gen_intents(g);
	if (!g->rc)
		gen_opportunities(g);
	if (!g->rc)
		gen_stage_history(g);
	if (!g->rc)
		gen_opp_links(g, 0);
	if (!g->rc)
		gen_opp_links(g, 1);
	for (int t = ORDERS; t <= RECEIPTS && !g->rc; t++)
		gen_sales(g, t);
	if (!g->rc)
		gen_activities(g);
	if (!g->rc)
		gen_expenses(g);
	if (!g->rc)
		gen_complaints(g, 0);
	if (!g->rc)
		gen_complaints(g, 1);
	rc = g->rc;
	if (!rc)
		rc = bulk_end(g, restore);
	if (!rc)
		rc = set_sequences(g, tables, ARRAY_SIZE(tables));
	if (!rc)
		rc = crm_db_exec(db,
				 "ALTER TABLE crm.opportunity ENABLE TRIGGER opportunity_track_stage;"
				 "ALTER TABLE crm.complaint ENABLE TRIGGER complaint_track_status",
				 err);
	if (!rc)
		rc = crm_db_commit(db, err);

done:
	if (rc)
		crm_db_rollback(db);
	else if (out)
		*out = g->st;
	buf_release(&g->w.b);
	buf_release(&g->w.sql);
	buf_release(&restore[0]);
	buf_release(&restore[1]);
	free(g->sp);
	free(g->products);
	free(g->product_cum);
	free(g->contact_first);
	free(g->opp_first);
	free(g->order_first);
	free(g->orders);
	free(g->acts);
	return rc;
}
