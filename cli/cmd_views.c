/* cli/cmd_views.c - the views the manual names: a customer's whole picture
 * (客户全貌), a salesperson's (业务员全貌), a customer's reporting lines
 * (汇报关系), and moving customers between salespeople (客户分配). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "common/banned.h"

/* ------------------------------------------------------------- sections */

/* A view is a record and named sections of rows; JSON gets one object. */
struct view {
	struct cli *cli;
	int sections;
};

struct view_section {
	const char *title, *key, *sql; /* sql takes the code as $1 */
};

/* A whole picture: one record and sections of rows, all by one code. */
struct view_def {
	const char *what; /* "customer" */
	const char *record_sql;
	const struct view_section *sections;
	size_t nsections;
};

static int view_query(struct crm_res **out, struct view *v, const char *sql, const char *code, struct err *err)
{
	struct crm_db *db;
	const char *params[] = { code };
	int rc = cli_db(v->cli, &db, err);
	if (!rc)
		rc = crm_db_query(out, db, sql, 1, params, err);
	return rc;
}

static void view_begin(struct view *v, const struct crm_res *record)
{
	if (v->cli->format == OUT_JSON) {
		fputs("{\"record\": ", stdout);
		out_record(v->cli, record, 0, stdout);
	} else {
		out_record(v->cli, record, 0, stdout);
	}
}

static int view_section(struct view *v, const struct view_section *sec, const char *code, struct err *err)
{
	struct crm_res *res = NULL;
	int rc = view_query(&res, v, sec->sql, code, err);
	if (rc)
		return rc;
	if (v->cli->format == OUT_JSON) {
		printf(", \"%s\": ", sec->key);
		out_rows(v->cli, res, stdout);
	} else if (v->cli->format == OUT_CSV) {
		printf("\r\n# %s\r\n", sec->key);
		out_rows(v->cli, res, stdout);
	} else {
		printf("\n%s (%d)\n", sec->title, crm_res_rows(res));
		if (crm_res_rows(res))
			out_rows(v->cli, res, stdout);
	}
	v->sections++;
	crm_res_free(res);
	return 0;
}

static void view_end(struct view *v)
{
	if (v->cli->format == OUT_JSON)
		fputs("}\n", stdout);
}

/* ------------------------------------------------------ customer view */

static const char customer_record_sql[] =
	"SELECT c.code, c.name, c.short_name, cat.name AS category, r.name AS region, c.industry, c.status,"
	" s.code AS owner_code, s.name AS owner, d.name AS department, c.address, c.postcode, c.phone, c.email,"
	" c.created_on,"
	" (SELECT coalesce(sum(l.quantity * l.price), 0) FROM crm.sales_order o JOIN crm.order_line l"
	"  ON l.order_id = o.id WHERE o.customer_id = c.id)::numeric(14,2) AS revenue,"
	" ((SELECT coalesce(sum(amount), 0) FROM crm.invoice WHERE customer_id = c.id)"
	"  - (SELECT coalesce(sum(amount), 0) FROM crm.receipt WHERE customer_id = c.id)) AS arrears"
	" FROM crm.customer c LEFT JOIN crm.customer_category cat ON cat.id = c.category_id"
	" LEFT JOIN crm.region r ON r.id = c.region_id LEFT JOIN crm.salesperson s ON s.id = c.owner_id"
	" LEFT JOIN crm.department d ON d.id = s.department_id WHERE c.code = $1";

static const struct view_section customer_sections[] = {
	{ "contacts 联系人", "contacts",
	  "SELECT k.code, k.name, k.title, k.department, b.name AS reports_to, k.birthday, k.mobile, k.email"
	  " FROM crm.contact k JOIN crm.customer c ON c.id = k.customer_id LEFT JOIN crm.contact b"
	  " ON b.id = k.reports_to_id WHERE c.code = $1 ORDER BY k.code" },
	{ "opportunities 商机", "opportunities",
	  "SELECT o.code, o.name, st.name AS stage, o.amount, o.status, o.expected_close_on, s.name AS owner,"
	  " o.fail_reason, w.name AS winning_competitor FROM crm.opportunity o JOIN crm.customer c"
	  " ON c.id = o.customer_id LEFT JOIN crm.sales_stage st ON st.mode_id = o.mode_id AND st.seq = o.stage_seq"
	  " LEFT JOIN crm.salesperson s ON s.id = o.owner_id LEFT JOIN crm.competitor w"
	  " ON w.id = o.winning_competitor_id WHERE c.code = $1 ORDER BY o.created_on DESC, o.code" },
	{ "orders 销售订单", "orders",
	  "SELECT o.code, o.ordered_on, count(l.id) AS lines, coalesce(sum(l.quantity * l.price), 0)::numeric(14,2)"
	  " AS amount, s.name AS owner FROM crm.sales_order o JOIN crm.customer c ON c.id = o.customer_id"
	  " LEFT JOIN crm.order_line l ON l.order_id = o.id LEFT JOIN crm.salesperson s ON s.id = o.owner_id"
	  " WHERE c.code = $1 GROUP BY o.id, s.name ORDER BY o.ordered_on DESC, o.code" },
	{ "invoices and receipts 开票与收款", "payments",
	  "SELECT 'invoice' AS kind, i.code, i.invoiced_on AS on_date, i.amount FROM crm.invoice i"
	  " JOIN crm.customer c ON c.id = i.customer_id WHERE c.code = $1"
	  " UNION ALL SELECT 'receipt', r.code, r.received_on, r.amount FROM crm.receipt r"
	  " JOIN crm.customer c ON c.id = r.customer_id WHERE c.code = $1 ORDER BY 3 DESC, 2" },
	{ "activities 活动", "activities",
	  "SELECT a.code, a.type, a.subject, a.status, a.planned_at, a.done_at, s.name AS owner,"
	  " (a.status = 'planned' AND a.planned_at < now()) AS overdue FROM crm.activity a"
	  " JOIN crm.customer c ON c.id = a.customer_id LEFT JOIN crm.salesperson s ON s.id = a.owner_id"
	  " WHERE c.code = $1 ORDER BY a.planned_at DESC NULLS LAST, a.code LIMIT 50" },
	{ "complaints 投诉", "complaints",
	  "SELECT p.code, p.reason, p.status, p.received_at, s.name AS assignee, p.resolved_at, p.verified_at"
	  " FROM crm.complaint p JOIN crm.customer c ON c.id = p.customer_id LEFT JOIN crm.salesperson s"
	  " ON s.id = p.assignee_id WHERE c.code = $1 ORDER BY p.received_at DESC, p.code" },
	{ "expenses 费用", "expenses",
	  "SELECT e.code, e.type, e.amount, e.spent_on FROM crm.expense e JOIN crm.customer c"
	  " ON c.id = e.customer_id OR e.opportunity_id IN (SELECT id FROM crm.opportunity WHERE customer_id = c.id)"
	  " OR e.activity_id IN (SELECT id FROM crm.activity WHERE customer_id = c.id)"
	  " WHERE c.code = $1 ORDER BY e.spent_on DESC, e.code" },
	{ "campaigns 营销", "campaigns",
	  "SELECT cp.name AS campaign, o.channel, o.recipient_name, o.recipient, o.status,"
	  " coalesce(o.skip_reason, o.last_error) AS note, o.sent_at FROM crm.customer c JOIN crm.outbox o"
	  " ON o.contact_id IN (SELECT k.id FROM crm.contact k WHERE k.customer_id = c.id)"
	  " OR (o.contact_id IS NULL AND o.target_code = c.code) JOIN crm.campaign cp ON cp.id = o.campaign_id"
	  " AND (o.contact_id IS NOT NULL OR cp.targets = 'customer')"
	  " WHERE c.code = $1 ORDER BY o.updated_at DESC, o.id DESC LIMIT 50" },
	{ "assignments 客户分配", "assignments",
	  "SELECT a.at, a.action, f.name AS from_salesperson, t.name AS to_salesperson, a.by_login"
	  " FROM crm.customer_assignment a JOIN crm.customer c ON c.id = a.customer_id"
	  " LEFT JOIN crm.salesperson f ON f.id = a.from_salesperson_id LEFT JOIN crm.salesperson t"
	  " ON t.id = a.to_salesperson_id WHERE c.code = $1 ORDER BY a.at DESC" },
};

static const struct view_def customer_view_def = {
	"customer",
	customer_record_sql,
	customer_sections,
	ARRAY_SIZE(customer_sections),
};

/* --------------------------------------------------- salesperson view */

static const char salesperson_record_sql[] =
	"SELECT s.code, s.name, d.name AS department, s.email, s.mobile,"
	" (SELECT count(*) FROM crm.customer WHERE owner_id = s.id) AS customers,"
	" (SELECT count(*) FROM crm.opportunity WHERE owner_id = s.id AND status = 'open') AS open_opportunities,"
	" (SELECT coalesce(sum(amount), 0) FROM crm.opportunity WHERE owner_id = s.id AND status = 'open')"
	"  AS open_amount,"
	" (SELECT coalesce(sum(l.quantity * l.price), 0) FROM crm.sales_order o JOIN crm.order_line l"
	"  ON l.order_id = o.id WHERE o.owner_id = s.id)::numeric(14,2) AS revenue,"
	" (SELECT count(*) FROM crm.activity WHERE owner_id = s.id AND status = 'planned' AND planned_at < now())"
	"  AS overdue_activities"
	" FROM crm.salesperson s LEFT JOIN crm.department d ON d.id = s.department_id WHERE s.code = $1";

static const struct view_section salesperson_sections[] = {
	{ "customers 客户 (by revenue, top 50)", "customers",
	  "SELECT c.code, c.name, c.status, r.name AS region,"
	  " coalesce((SELECT sum(l.quantity * l.price) FROM crm.sales_order o JOIN crm.order_line l"
	  " ON l.order_id = o.id WHERE o.customer_id = c.id), 0)::numeric(14,2) AS revenue"
	  " FROM crm.customer c JOIN crm.salesperson s ON s.id = c.owner_id LEFT JOIN crm.region r"
	  " ON r.id = c.region_id WHERE s.code = $1 ORDER BY revenue DESC, c.code LIMIT 50" },
	{ "open opportunities 商机", "opportunities",
	  "SELECT o.code, o.name, c.name AS customer, st.name AS stage, o.amount, o.expected_close_on"
	  " FROM crm.opportunity o JOIN crm.salesperson s ON s.id = o.owner_id JOIN crm.customer c"
	  " ON c.id = o.customer_id LEFT JOIN crm.sales_stage st ON st.mode_id = o.mode_id AND st.seq = o.stage_seq"
	  " WHERE s.code = $1 AND o.status = 'open' ORDER BY o.expected_close_on NULLS LAST, o.code LIMIT 50" },
	{ "recent orders 销售订单", "orders",
	  "SELECT o.code, o.ordered_on, c.name AS customer, coalesce(sum(l.quantity * l.price), 0)::numeric(14,2)"
	  " AS amount FROM crm.sales_order o JOIN crm.salesperson s ON s.id = o.owner_id JOIN crm.customer c"
	  " ON c.id = o.customer_id LEFT JOIN crm.order_line l ON l.order_id = o.id WHERE s.code = $1"
	  " GROUP BY o.id, c.name ORDER BY o.ordered_on DESC, o.code LIMIT 20" },
	{ "activities 活动 (planned and overdue first)", "activities",
	  "SELECT a.code, a.type, a.subject, c.name AS customer, a.status, a.planned_at,"
	  " (a.status = 'planned' AND a.planned_at < now()) AS overdue FROM crm.activity a"
	  " JOIN crm.salesperson s ON s.id = a.owner_id LEFT JOIN crm.customer c ON c.id = a.customer_id"
	  " WHERE s.code = $1 ORDER BY (a.status = 'planned') DESC, a.planned_at DESC NULLS LAST LIMIT 30" },
};

static const struct view_def salesperson_view_def = {
	"salesperson",
	salesperson_record_sql,
	salesperson_sections,
	ARRAY_SIZE(salesperson_sections),
};

static int run_view(struct cli *cli, const struct view_def *def, const char *code, struct err *err)
{
	struct view v = { cli, 0 };
	struct crm_res *rec = NULL;
	int rc;

	if ((rc = view_query(&rec, &v, def->record_sql, code, err)))
		return rc;
	if (!crm_res_rows(rec)) {
		crm_res_free(rec);
		return err_set(err, ERR_NOTFOUND, "there is no %s '%s'%s", def->what, code,
			       cli->store.as_login ? " that you may see" : "");
	}
	view_begin(&v, rec);
	crm_res_free(rec);
	for (size_t i = 0; !rc && i < def->nsections; i++)
		rc = view_section(&v, &def->sections[i], code, err);
	view_end(&v);
	return rc;
}

int cli_customer_view(struct cli *cli, void *args, struct err *err)
{
	return run_view(cli, &customer_view_def, ((const struct entity_args *)args)->key, err);
}

static int salesperson_view(struct cli *cli, void *args, struct err *err)
{
	return run_view(cli, &salesperson_view_def, ((const struct entity_args *)args)->key, err);
}

/* ------------------------------------------------------- contact tree */

/* Roots are contacts who report to nobody in the same customer. */
static const char tree_sql[] =
	"WITH RECURSIVE c AS (SELECT id FROM crm.customer WHERE code = $1),"
	" tree AS ("
	"  SELECT k.id, k.code, k.name, k.title, k.reports_to_id, 0 AS depth, ARRAY[k.code::text] AS path"
	"  FROM crm.contact k JOIN c ON k.customer_id = c.id WHERE k.reports_to_id IS NULL"
	"   OR NOT EXISTS (SELECT 1 FROM crm.contact b WHERE b.id = k.reports_to_id AND b.customer_id = c.id)"
	"  UNION ALL"
	"  SELECT k.id, k.code, k.name, k.title, k.reports_to_id, t.depth + 1, t.path || k.code::text"
	"  FROM crm.contact k JOIN tree t ON k.reports_to_id = t.id, c WHERE k.customer_id = c.id AND t.depth < 100)"
	" SELECT t.depth, t.code, t.name, t.title, b.code AS reports_to_code"
	" FROM tree t LEFT JOIN crm.contact b ON b.id = t.reports_to_id ORDER BY t.path";

static int depth_of(const struct crm_res *res, int row)
{
	return (int)strtol(crm_res_get(res, row, 0), NULL, 10);
}

/* In the tree's rows (depth first, in path order), is there another row at
 * depth d below row r before the branch of r's ancestor at d ends? */
static int has_later_sibling(const struct crm_res *res, int r, int d)
{
	for (int n = r + 1; n < crm_res_rows(res); n++) {
		int dn = depth_of(res, n);
		if (dn < d)
			return 0;
		if (dn == d)
			return 1;
	}
	return 0;
}

int cli_contact_tree(struct cli *cli, void *args, struct err *err)
{
	const char *code = ((const struct entity_args *)args)->key;
	struct view v = { cli, 0 };
	struct crm_res *res = NULL, *cust = NULL;
	int rc;

	if ((rc = view_query(&cust, &v, "SELECT code, name FROM crm.customer WHERE code = $1", code, err)))
		return rc;
	if (!crm_res_rows(cust)) {
		crm_res_free(cust);
		return err_set(err, ERR_NOTFOUND, "there is no customer '%s'", code);
	}
	rc = view_query(&res, &v, tree_sql, code, err);
	if (!rc && cli->format != OUT_TABLE) {
		out_rows(cli, res, stdout);
	} else if (!rc) {
		int rows = crm_res_rows(res);
		out_text(stdout, crm_res_get(cust, 0, 0));
		putchar(' ');
		out_text(stdout, crm_res_get(cust, 0, 1));
		putchar('\n');
		for (int r = 0; r < rows; r++) {
			int depth = depth_of(res, r);
			const char *title = crm_res_get(res, r, 3);
			/* a line goes on down at every level whose row has a sibling below */
			for (int d = 0; d < depth; d++)
				fputs(has_later_sibling(res, r, d) ? "│   " : "    ", stdout);
			int last = !has_later_sibling(res, r, depth);
			fputs(last ? "└── " : "├── ", stdout);
			out_text(stdout, crm_res_get(res, r, 2));
			fputs(" (", stdout);
			out_text(stdout, crm_res_get(res, r, 1));
			fputs(")", stdout);
			if (title) {
				fputs(", ", stdout);
				out_text(stdout, title);
			}
			putchar('\n');
		}
		if (!rows)
			printf("(no contacts)\n");
	}
	crm_res_free(res);
	crm_res_free(cust);
	return rc;
}

/* ---------------------------------------------------- assign / reclaim */

static int move_customer(struct cli *cli, const struct entity_args *a, int reclaim, struct err *err)
{
	/* crm.move_customer decides who may move what (sql/002_security.sql) */
	const char *params[3];
	struct crm_db *db;
	char *outcome = NULL;
	int rc;

	params[0] = a->key;
	params[1] = a->other;
	params[2] = reclaim ? "reclaim" : "assign";
	if ((rc = cli_db(cli, &db, err)) ||
	    (rc = crm_db_value(&outcome, db, "SELECT crm.move_customer($1, $2, $3)", 3, params, err)))
		return rc;
	if (!strcmp(outcome, "no customer"))
		rc = err_set(err, ERR_NOTFOUND, "there is no customer '%s'", a->key);
	else if (!strcmp(outcome, "no salesperson"))
		rc = err_set(err, ERR_NOTFOUND, "there is no salesperson '%s'", a->other);
	else if (!strcmp(outcome, "not theirs"))
		rc = err_set(err, ERR_NOTFOUND, "customer '%s' is not %s's to take back", a->key, a->other);
	else if (!strcmp(outcome, "denied"))
		rc = err_set(err, ERR_DENIED, "user '%s' may not move customer '%s' to or from %s", cli->store.as_login,
			     a->key, a->other);
	else
		log_info(reclaim ? "took customer %s back from %s" : "gave customer %s to %s", a->key, a->other);
	free(outcome);
	return rc;
}

static int customer_assign(struct cli *cli, void *args, struct err *err)
{
	return move_customer(cli, args, 0, err);
}

static int customer_reclaim(struct cli *cli, void *args, struct err *err)
{
	return move_customer(cli, args, 1, err);
}

/* -------------------------------------------------------------- table */

static const struct opt_spec customer_opts[] = {
	OPT_ARG("CUSTOMER", N_("a customer's code"), struct entity_args, key, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_spec salesperson_opts[] = {
	OPT_ARG("SALESPERSON", N_("a salesperson's code"), struct entity_args, key, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_spec move_opts[] = {
	OPT_ARG("CUSTOMER", N_("a customer's code"), struct entity_args, key, OPT_REQUIRED),
	OPT_ARG("SALESPERSON", N_("a salesperson's code"), struct entity_args, other, OPT_REQUIRED),
	OPT_END(),
};

#define MOVE_HELP                                                                                                      \
	N_("assign gives the customer to the salesperson (客户分配); reclaim takes it back from the\n"             \
	   "salesperson who has it, leaving it unassigned. Each move is recorded with who and when.")

const struct cli_view cli_views[] = {
	{ "customer",
	  { .name = "customer view",
	    .summary = N_("everything about one customer (客户全貌)"),
	    .help = N_("Everything about one customer (客户全貌): the record with revenue and arrears, its contacts,\n"
		       "opportunities, orders, invoices and receipts, activities, complaints, expenses, the\n"
		       "campaign messages sent to it and its contacts, and the history of its assignment to\n"
		       "salespeople."),
	    .opts = customer_opts,
	    .fn = cli_customer_view } },
	{ "customer",
	  { .name = "customer assign",
	    .summary = N_("give a customer to a salesperson"),
	    .help = MOVE_HELP,
	    .opts = move_opts,
	    .fn = customer_assign } },
	{ "customer",
	  { .name = "customer reclaim",
	    .summary = N_("take a customer back"),
	    .help = MOVE_HELP,
	    .opts = move_opts,
	    .fn = customer_reclaim } },
	{ "contact",
	  { .name = "contact tree",
	    .summary = N_("the reporting lines of a customer's contacts"),
	    .help = N_("The customer's contacts by their reporting lines (汇报关系), as an indented tree."),
	    .opts = customer_opts,
	    .fn = cli_contact_tree } },
	{ "salesperson",
	  { .name = "salesperson view",
	    .summary = N_("one salesperson's whole picture (业务员全貌)"),
	    .help = N_("One salesperson's whole picture (业务员全貌): customers, open opportunities, orders and\n"
		       "activities, with totals."),
	    .opts = salesperson_opts,
	    .fn = salesperson_view } },
	{ NULL, { 0 } },
};

const struct opt_cmd *cli_view_cmd(opt_fn fn)
{
	for (const struct cli_view *v = cli_views; v->entity; v++)
		if (v->cmd.fn == fn)
			return &v->cmd;
	BUG("no view runs that function");
}
