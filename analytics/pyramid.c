/* analytics/pyramid.c - the customer value pyramid (SPEC section 7, issue 5).
 *
 * crm.value_pyramid (sql/009_value_model.sql) values, ranks and tiers every
 * customer; this file computes it once into a temporary table, and reads
 * the tiers, figures, members and movements from there, so that each part
 * of the report sees the same numbers at the cost of one pass over the data. */
#include "analytics/pyramid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/query.h"
#include "analytics/svg.h"
#include "common/xalloc.h"
#include "common/banned.h"

static const char *const indicators[] = {
	"revenue", "profit", "opportunity", "arrears", "expense", "loyalty", "score"
};

static int check_indicator(const char *by, struct err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(indicators); i++)
		if (!strcmp(by, indicators[i]))
			return 0;
	err_set(err, ERR_INPUT, "'%s' is not a value indicator", by);
	err_hint(err, "--by takes revenue, profit, opportunity, arrears, expense, loyalty or score");
	return err->code;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Store the first value of a one-row result as figure name. */
static void figure_from(struct an_report *r, const struct crm_res *res, int col, const char *name, const char *label)
{
	an_report_figure(r, name, label, crm_res_rows(res) ? crm_res_get(res, 0, col) : NULL);
}

/* The model's name, resolved from p->model or the default. */
static int resolve_model(char **out, struct crm_db *db, const char *model, struct err *err)
{
	const char *params[] = { model };
	int rc = crm_db_value(out, db,
			      "SELECT name FROM crm.value_model WHERE CASE WHEN $1::text IS NULL THEN is_default"
			      " ELSE name = $1 END",
			      1, params, err);
	if (!rc && !*out) {
		if (model)
			err_set(err, ERR_NOTFOUND, "there is no value model '%s'", model);
		else
			err_set(err, ERR_NOTFOUND, "there is no default value model");
		err_hint(err, "'crmgate value-model list' shows the models");
		rc = err->code;
	}
	return rc;
}

/* Fill temporary table `table` (already made) with the pyramid of a period
 * over the customers of owners (NULL: everyone's), with their scores when
 * `scores` or when ranking by score. */
static int compute_into(struct crm_db *db, const char *table, const char *from, const char *to, const char *today,
			const char *by, const char *model, const char *owners, int scores, struct err *err)
{
	const char *params[] = { from, to, today, by, model, owners, scores ? "true" : "false" };
	char *sql = xstrfmt("INSERT INTO %s SELECT * FROM crm.value_pyramid($1::date, $2::date, $3::date, $4, $5,"
			    " $6::bigint[], $7::boolean)",
			    table);
	int rc = crm_db_query(NULL, db, sql, 7, params, err);
	free(sql);
	return rc;
}

/* Run a query into a new table of r. */
static int query_table(struct an_report *r, const char *name, const char *title, struct crm_db *db, const char *sql,
		       int nparams, const char *const *params, struct err *err)
{
	struct crm_res *res = NULL;
	int rc = crm_db_query(&res, db, sql, nparams, params, err);
	if (!rc)
		an_report_table(r, name, title, res);
	return rc;
}

static int tiers_table(struct crm_db *db, const char *model, struct an_report *r, struct err *err)
{
	const char *params[] = { model };
	return query_table(r, "tiers", "Customers by value tier 客户价值分层", db,
			   "SELECT t.name::text AS tier, count(p.customer_id) AS customers,"
			   " round(coalesce(sum(p.value), 0), 2) AS value,"
			   " round(coalesce(sum(p.value), 0) / nullif((SELECT sum(value) FROM an_pyramid_now"
			   "  WHERE rank IS NOT NULL), 0), 4) AS value_share,"
			   " min(p.value) AS min_value, max(p.value) AS max_value"
			   " FROM crm.value_tier t JOIN crm.value_model m ON m.id = t.model_id"
			   " LEFT JOIN an_pyramid_now p ON p.tier_seq = t.seq"
			   " WHERE m.name = $1 GROUP BY t.seq, t.name ORDER BY t.seq",
			   1, params, err);
}

/* The Pareto figures: the share of the value the top 20 % of the ranked
 * customers hold (at least one customer), and the smallest share of them
 * that holds 80 % of it (none when the total is not above zero). */
static int figures(struct crm_db *db, struct an_report *r, struct err *err)
{
	struct crm_res *res = NULL;
	int rc = crm_db_query(
		&res, db,
		"SELECT count(*) AS ranked,"
		" (SELECT count(*) FROM an_pyramid_now WHERE rank IS NULL) AS inactive,"
		" round(coalesce(sum(value), 0), 2) AS total,"
		" round(sum(value) FILTER (WHERE rank <= greatest(1, round(0.2 * n))) / nullif(sum(value), 0), 4),"
		" CASE WHEN sum(value) > 0 THEN"
		"  round(min(rank) FILTER (WHERE cum >= 0.8 * total) / max(n)::numeric, 4) END"
		" FROM (SELECT value, rank, count(*) OVER () AS n, sum(value) OVER () AS total,"
		"  sum(value) OVER (ORDER BY rank) AS cum FROM an_pyramid_now WHERE rank IS NOT NULL) a",
		0, NULL, err);
	if (rc)
		return rc;
	figure_from(r, res, 0, "customers", "Customers ranked 参与排名客户");
	figure_from(r, res, 1, "inactive", "Inactive customers (not tiered) 无业务客户");
	figure_from(r, res, 2, "total_value", "Total value 总价值");
	figure_from(r, res, 3, "top20_share", "Share of value of the top 20 % of customers 前20%客户价值占比");
	figure_from(r, res, 4, "customers_for_80_share",
		    "Smallest share of customers holding 80 % of value 贡献80%价值的客户占比");
	crm_res_free(res);
	return 0;
}

static int members_table(struct crm_db *db, const char *model, const char *tier, struct an_report *r, struct err *err)
{
	const char *params[] = { model, tier };
	const char *only_tier[] = { tier };
	char *found = NULL;
	int rc;

	if (strcmp(tier, "inactive")) {
		rc = crm_db_value(&found, db,
				  "SELECT t.name FROM crm.value_tier t JOIN crm.value_model m ON m.id = t.model_id"
				  " WHERE m.name = $1 AND t.name = $2",
				  2, params, err);
		if (rc)
			return rc;
		if (!found) {
			err_set(err, ERR_INPUT, "there is no tier '%s' in value model '%s'", tier, model);
			err_hint(
				err,
				"'crmgate value-model show %s' lists its tiers; 'inactive' lists the customers outside them",
				model);
			return err->code;
		}
		free(found);
	}
	return query_table(
		r, "members", "Customers of the tier 分层客户", db,
		"SELECT rank, code AS customer_code, name AS customer_name, value, coalesce(tier, 'inactive') AS tier,"
		" revenue, profit, opportunity, arrears, expense, loyalty, score"
		" FROM an_pyramid_now WHERE coalesce(tier, 'inactive') = $1 ORDER BY rank NULLS LAST, code",
		1, only_tier, err);
}

/* The earlier pyramid into an_pyramid_then: a saved run, or FROM..TO. */
static int load_then(struct crm_db *db, const struct an_params *p, const char *by, const char *model,
		     const char *owners, struct err *err)
{
	const char *cmp = p->compare;
	const char *dots = strstr(cmp, "..");
	int rc;

	if (all_digits(cmp)) {
		const char *params[] = { cmp };
		char *found = NULL;
		if ((rc = crm_db_value(&found, db, "SELECT id FROM crm.value_run WHERE id = $1::bigint", 1, params,
				       err)))
			return rc;
		if (!found) {
			err_set(err, ERR_NOTFOUND, "there is no saved pyramid run '%s'", cmp);
			err_hint(err, "'crmgate report pyramid --save' saves one and prints its id");
			return err->code;
		}
		free(found);
		/* only the customers of the owners compared (the run may hold more) */
		const char *run[] = { cmp, owners };
		return crm_db_query(
			NULL, db,
			"INSERT INTO an_pyramid_then SELECT v.customer_id, v.rank, v.tier_seq, v.tier"
			" FROM crm.value_run_customer v JOIN crm.customer c ON c.id = v.customer_id"
			" WHERE v.run_id = $1::bigint AND ($2::bigint[] IS NULL OR c.owner_id = ANY ($2::bigint[]))",
			2, run, err);
	}
	if (dots) {
		char *from = xstrndup(cmp, (size_t)(dots - cmp));
		const char *to = dots + 2;
		/* the same customers as now; ranks and tiers need no scores */
		const char *params[] = { *from ? from : NULL, *to ? to : NULL, p->today, by, model, owners };
		if (!*from && !*to)
			rc = err_set(err, ERR_INPUT, "--compare '%s' names no period", cmp);
		else
			rc = crm_db_query(
				NULL, db,
				"INSERT INTO an_pyramid_then SELECT customer_id, rank, tier_seq, tier"
				" FROM crm.value_pyramid($1::date, $2::date, $3::date, $4, $5, $6::bigint[], false)",
				6, params, err);
		free(from);
		return rc;
	}
	err_set(err, ERR_INPUT, "--compare takes a saved run's id or an earlier period FROM..TO, not '%s'", cmp);
	err_hint(err, "--compare 12 or --compare 2024-01-01..2024-12-31");
	return err->code;
}

/* Each customer's tier then and now, for the matrix and the moves. */
#define PAIRS                                                                                                          \
	"WITH pair AS (SELECT coalesce(n.customer_id, t.customer_id) AS customer_id,"                                  \
	" t.tier_seq AS from_seq, t.tier AS from_tier, t.rank AS from_rank,"                                           \
	" n.tier_seq AS to_seq, n.tier AS to_tier, n.rank AS to_rank"                                                  \
	" FROM an_pyramid_now n FULL JOIN an_pyramid_then t ON t.customer_id = n.customer_id) "

static int migration_tables(struct crm_db *db, const char *model, const struct crm_res *tiers, struct an_report *r,
			    struct err *err)
{
	const char *params[] = { model };
	struct buf sql = BUF_INIT;
	const struct crm_res *res;
	int rc;

	/* one column per tier of the model, named by the tier (names are the
	 * model's, quoted as identifiers), then the customers that fell out */
	buf_adds(&sql, PAIRS ", rows_ AS (SELECT t.seq, t.name::text AS name FROM crm.value_tier t"
			     " JOIN crm.value_model m ON m.id = t.model_id WHERE m.name = $1"
			     " UNION SELECT DISTINCT tier_seq, tier FROM an_pyramid_then WHERE tier IS NOT NULL"
			     " UNION ALL SELECT NULL, 'inactive')"
			     " SELECT r.name AS from_tier");
	for (int i = 0; i < crm_res_rows(tiers); i++) {
		buf_addf(&sql, ", count(p.customer_id) FILTER (WHERE p.to_seq = %d) AS ", i + 1);
		crm_db_quote_ident(&sql, crm_res_get(tiers, i, 0));
	}
	buf_adds(&sql, ", count(p.customer_id) FILTER (WHERE p.to_seq IS NULL) AS inactive"
		       " FROM rows_ r LEFT JOIN pair p ON coalesce(p.from_seq || ':' || p.from_tier, 'inactive')"
		       "  = coalesce(r.seq || ':' || r.name, 'inactive')"
		       " GROUP BY r.seq, r.name ORDER BY r.seq NULLS LAST, r.name");
	rc = query_table(r, "migration", "Customers from tier (rows) to tier (columns) 客户价值变化", db, sql.data, 1,
			 params, err);
	buf_release(&sql);
	if (rc)
		return rc;
	rc = query_table(
		r, "moves", "Customers who changed tier 层级变动客户", db,
		PAIRS ", moved AS (SELECT p.*, CASE WHEN p.from_seq IS NULL THEN 'in'"
		      " WHEN p.to_seq IS NULL THEN 'out' WHEN p.to_seq < p.from_seq THEN 'up' ELSE 'down' END AS move"
		      " FROM pair p WHERE p.from_seq IS DISTINCT FROM p.to_seq)"
		      " SELECT m.move, c.code::text AS customer_code, c.name::text AS customer_name,"
		      " coalesce(m.from_tier, 'inactive') AS from_tier, coalesce(m.to_tier, 'inactive') AS to_tier,"
		      " m.from_rank, m.to_rank FROM moved m JOIN crm.customer c ON c.id = m.customer_id"
		      " ORDER BY array_position(ARRAY['up', 'down', 'in', 'out'], m.move),"
		      " coalesce(m.to_rank, m.from_rank), c.code",
		0, NULL, err);
	if (rc)
		return rc;
	res = an_report_find(r, "moves")->res;
	{
		static const char *const moves[][2] = {
			{ "up", "moved_up" }, { "down", "moved_down" }, { "in", "moved_in" }, { "out", "moved_out" }
		};
		for (size_t i = 0; i < ARRAY_SIZE(moves); i++) {
			int n = 0;
			char num[24];
			for (int row = 0; row < crm_res_rows(res); row++)
				n += !strcmp(crm_res_get(res, row, 0), moves[i][0]);
			snprintf(num, sizeof(num), "%d", n);
			an_report_figure(r, moves[i][1], moves[i][1], num);
		}
	}
	return 0;
}

static int save_run(struct crm_db *db, const struct an_params *p, const char *by, const char *model,
		    struct an_report *r, struct err *err)
{
	const char *params[] = { model, by, p->from, p->to, p->today };
	char *id = NULL;
	int rc = crm_db_value(
		&id, db,
		"INSERT INTO crm.value_run (model, by, from_on, to_on, params)"
		" SELECT m.name, $2, $3::date, $4::date, jsonb_build_object('today', $5::date, 'cut_by', m.cut_by,"
		"  'weights', jsonb_build_object('revenue', m.w_revenue, 'profit', m.w_profit,"
		"   'opportunity', m.w_opportunity, 'arrears', m.w_arrears, 'expense', m.w_expense,"
		"   'loyalty', m.w_loyalty),"
		"  'tiers', (SELECT jsonb_agg(jsonb_build_object('name', t.name, 'share', t.share,"
		"   'min_value', t.min_value) ORDER BY t.seq) FROM crm.value_tier t WHERE t.model_id = m.id))"
		" FROM crm.value_model m WHERE m.name = $1 RETURNING id",
		5, params, err);
	if (!rc) {
		const char *run[] = { id };
		rc = crm_db_query(
			NULL, db,
			"INSERT INTO crm.value_run_customer (run_id, customer_id, revenue, profit, opportunity,"
			" arrears, expense, loyalty, score, value, rank, tier_seq, tier)"
			" SELECT $1::bigint, customer_id, revenue, profit, opportunity, arrears, expense, loyalty,"
			" score, value, rank, tier_seq, tier FROM an_pyramid_now",
			1, run, err);
	}
	if (!rc)
		an_report_figure(r, "run", "Saved as run 保存的运行", id);
	free(id);
	return rc;
}

int an_pyramid(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err)
{
	const char *by = p->by ? p->by : "revenue";
	char *model = NULL, *owners = NULL;
	int rc;

	if ((rc = check_indicator(by, err)))
		return rc;
	if ((rc = crm_db_begin(db, err)))
		return rc;
	if ((rc = resolve_model(&model, db, p->model, err)) || (rc = an_params_owners(&owners, db, p, err)))
		goto done;
	rc = crm_db_exec(db,
			 "CREATE TEMPORARY TABLE an_pyramid_now ON COMMIT DROP AS"
			 " SELECT * FROM crm.value_pyramid(NULL, NULL, NULL, 'revenue', NULL) WITH NO DATA;"
			 "CREATE TEMPORARY TABLE an_pyramid_then (customer_id bigint PRIMARY KEY, rank integer,"
			 " tier_seq integer, tier text) ON COMMIT DROP",
			 err);
	if (!rc)
		/* the scores show in the members and in a saved run */
		rc = compute_into(db, "an_pyramid_now", p->from, p->to, p->today, by, model, owners,
				  p->members || p->save, err);
	if (!rc)
		rc = crm_db_exec(db, "ANALYZE an_pyramid_now", err);
	an_report_figure(r, "indicator", "Valued by 价值指标", by);
	an_report_figure(r, "model", "Value model 价值模型", model);
	if (!rc)
		rc = tiers_table(db, model, r, err);
	if (!rc)
		rc = figures(db, r, err);
	if (!rc && p->members)
		rc = members_table(db, model, p->members, r, err);
	if (!rc && p->compare) {
		rc = load_then(db, p, by, model, owners, err);
		if (!rc)
			rc = crm_db_exec(db, "ANALYZE an_pyramid_then", err);
		if (!rc)
			rc = migration_tables(db, model, an_report_find(r, "tiers")->res, r, err);
		if (!rc)
			an_report_figure(r, "compared_with", "Compared with 比较对象", p->compare);
	}
	if (!rc && p->save)
		rc = save_run(db, p, by, model, r, err);
	if (!rc)
		rc = crm_db_commit(db, err);
done:
	if (rc)
		crm_db_rollback(db);
	free(model);
	free(owners);
	return rc;
}

/* ------------------------------------------------------------------ SVG */

void an_pyramid_svg(const struct an_report *r, struct buf *out)
{
	/* top tier darkest: the eye goes to the few that matter most */
	static const char *const palette[] = { "#7b1e3a", "#b8423f", "#e07b39", "#f2b84b",
					       "#9cbf6b", "#5a9bb5", "#7a7fb8" };
	const struct an_table *t = an_report_find(r, "tiers");
	const int layer_h = 56, top = 64, apex_x = 200, half_w = 180, label_x = 410, width = 720;
	int n = t ? crm_res_rows(t->res) : 0;
	const char *by = an_report_value(r, "indicator");
	char *title = by ? xstrfmt("%s — %s", r->title, by) : xstrdup(r->title);
	struct buf label = BUF_INIT;

	an_svg_begin(out, width, top + (n ? n : 1) * layer_h + 24, title);
	if (!n)
		an_svg_text(out, width / 2.0, top + layer_h / 2.0, 14, AN_SVG_MIDDLE, "#888",
			    "no data for this period 本期无数据");
	for (int i = 0; i < n; i++) {
		/* layer i spans the pyramid's widths at heights i and i + 1 */
		double w0 = (double)half_w * i / n, w1 = (double)half_w * (i + 1) / n;
		double y0 = top + i * layer_h, y1 = y0 + layer_h;
		double xy[] = { apex_x - w0, y0, apex_x + w0, y0, apex_x + w1, y1, apex_x - w1, y1 };
		const char *share = crm_res_get(t->res, i, 3);
		an_svg_polygon(out, xy, 4, palette[i % ARRAY_SIZE(palette)]);
		/* the name inside the layer where it fits, the numbers beside it */
		if (i > 0)
			an_svg_text(out, apex_x, y0 + layer_h * 2 / 3.0, 14, AN_SVG_MIDDLE, "#fff",
				    crm_res_get(t->res, i, 0));
		an_svg_line(out, apex_x + (w0 + w1) / 2 + 6, y0 + layer_h / 2.0, label_x - 8, y0 + layer_h / 2.0,
			    "#999", 1);
		buf_reset(&label);
		buf_addf(&label, "%s: %s customers 客户, ", crm_res_get(t->res, i, 0), crm_res_get(t->res, i, 1));
		if (share)
			buf_addf(&label, "%.1f %% of value 价值占比", strtod(share, NULL) * 100);
		else
			buf_adds(&label, "no value 无价值");
		an_svg_text(out, label_x, y0 + layer_h / 2.0 + 5, 14, AN_SVG_START, "#222", label.data);
	}
	an_svg_end(out);
	buf_release(&label);
	free(title);
}
