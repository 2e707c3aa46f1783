/* analytics/query.c - a report's SQL run with the shared parameters, into
 * its tables and figures. */
#include "analytics/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* The row of parameters every report's SQL reads (see query.h). Every
 * value is a parameter of the statement, not an expression: PostgreSQL
 * plans an unnamed statement with its parameters' values, so that "no
 * period" or "no salesperson" folds away and the inlined report
 * functions are planned as plain scans and hash joins. */
static const char params_cte[] =
	"WITH a AS (SELECT $1::date AS f, $2::date AS t, $3::bigint[] AS owners, $4::text AS mode,"
	" $5::bigint AS mode_id, $6::bigint AS mode_named, $7::integer AS top, $8::date AS today) ";

/* What the codes of p name, computed once before the report's query: the
 * salespeople (NULL for all), the funnel's mode and the mode named. Only
 * what sql reads is looked up (an_mode counts open opportunities). */
static int resolve(char *out[3], struct crm_db *db, const struct an_params *p, const char *sql, struct err *err)
{
	static const char *const what[3][2] = {
		{ "a.owners", "SELECT crm.an_owners($1, $2)::text" },
		{ "a.mode_id", "SELECT crm.an_mode($3)::text" },
		{ "a.mode_named", "SELECT m.id::text FROM crm.sales_mode m WHERE m.code = $3" },
	};
	const char *params[3] = { p->department, p->salesperson, p->sales_mode };
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++) {
		struct buf q = BUF_INIT;
		out[i] = NULL;
		if (!strstr(sql, what[i][0]))
			continue;
		/* each query reads some of the three: the unused CTE gives all three a type */
		buf_addf(&q, "WITH x AS (SELECT $1::text, $2::text, $3::text) %s", what[i][1]);
		rc = crm_db_value(&out[i], db, q.data, 3, params, err);
		buf_release(&q);
	}
	return rc;
}

static int exists(struct crm_db *db, const char *what, const char *sql, const char *code, struct err *err)
{
	char *found = NULL;
	const char *params[] = { code };
	int rc;
	if (!code)
		return 0;
	if ((rc = crm_db_value(&found, db, sql, 1, params, err)))
		return rc;
	if (!found)
		return err_set(err, ERR_NOTFOUND, "there is no %s '%s'", what, code);
	free(found);
	return 0;
}

int an_params_check(struct crm_db *db, const struct an_params *p, struct err *err)
{
	if (p->from && !date_is_ymd(p->from))
		return err_set(err, ERR_INPUT, "--from: '%s' is not a date (YYYY-MM-DD)", p->from);
	if (p->to && !date_is_ymd(p->to))
		return err_set(err, ERR_INPUT, "--to: '%s' is not a date (YYYY-MM-DD)", p->to);
	/* the same width and order: text order is date order */
	if (p->from && p->to && strcmp(p->from, p->to) > 0)
		return err_set(err, ERR_INPUT, "the period ends (%s) before it begins (%s)", p->to, p->from);
	if (p->top < 0)
		return err_set(err, ERR_INPUT, "--top must be a positive number, not %d", p->top);
	if (exists(db, "department", "SELECT 1 FROM crm.department WHERE code = $1", p->department, err) ||
	    exists(db, "salesperson", "SELECT 1 FROM crm.salesperson WHERE code = $1", p->salesperson, err) ||
	    exists(db, "sales mode", "SELECT 1 FROM crm.sales_mode WHERE code = $1", p->sales_mode, err))
		return err->code;
	return 0;
}

int an_params_owners(char **out, struct crm_db *db, const struct an_params *p, struct err *err)
{
	char *ids[3] = { NULL, NULL, NULL };
	int rc = resolve(ids, db, p, "a.owners", err);
	*out = ids[0];
	return rc;
}

static int run(struct crm_res **out, struct crm_db *db, const struct an_params *p, const char *prefix, const char *sql,
	       struct err *err)
{
	struct buf q = BUF_INIT;
	char top[16], *ids[3] = { NULL, NULL, NULL };
	const char *params[8];
	int rc = resolve(ids, db, p, sql, err);

	snprintf(top, sizeof(top), "%d", p->top);
	params[0] = p->from;
	params[1] = p->to;
	params[2] = ids[0];
	params[3] = p->sales_mode;
	params[4] = ids[1];
	params[5] = ids[2];
	params[6] = top;
	params[7] = p->today;
	buf_adds(&q, prefix);
	buf_adds(&q, params_cte);
	buf_adds(&q, sql);
	if (!rc)
		rc = crm_db_query(out, db, q.data, 8, params, err);
	for (int i = 0; i < 3; i++)
		free(ids[i]);
	buf_release(&q);
	return rc;
}

int an_query(struct crm_res **out, struct crm_db *db, const struct an_params *p, const char *sql, struct err *err)
{
	return run(out, db, p, "", sql, err);
}

int an_query_temp(struct crm_db *db, const struct an_params *p, const char *name, const char *sql, struct err *err)
{
	char *prefix = xstrfmt("CREATE TEMP TABLE %s ON COMMIT DROP AS ", name);
	int rc = run(NULL, db, p, prefix, sql, err);
	free(prefix);
	return rc;
}

int an_query_tables(struct an_report *r, struct crm_db *db, const struct an_params *p, const struct an_part *parts,
		    size_t n, struct err *err)
{
	for (size_t i = 0; i < n; i++) {
		struct crm_res *res = NULL;
		int rc = an_query(&res, db, p, parts[i].sql, err);
		if (rc) {
			err_prefix(err, "report %s, table %s: ", r->name, parts[i].name);
			return rc;
		}
		an_report_table(r, parts[i].name, parts[i].title, res);
	}
	return 0;
}

int an_query_figures(struct an_report *r, struct crm_db *db, const struct an_params *p, const char *sql,
		     const struct an_label *labels, size_t n, struct err *err)
{
	struct crm_res *res = NULL;
	int rc = an_query(&res, db, p, sql, err);
	if (rc) {
		err_prefix(err, "report %s: ", r->name);
		return rc;
	}
	for (int c = 0; c < crm_res_cols(res); c++) {
		const char *name = crm_res_name(res, c);
		size_t i = 0;
		while (i < n && strcmp(labels[i].name, name))
			i++;
		if (i == n)
			abort(); /* a figure without a label: the report's own mistake */
		an_report_figure(r, labels[i].name, labels[i].label, crm_res_rows(res) ? crm_res_get(res, 0, c) : NULL);
	}
	crm_res_free(res);
	return 0;
}

int an_query_report(struct an_report *r, struct crm_db *db, const struct an_params *p, const struct an_spec *s,
		    struct err *err)
{
	int rc = an_query_tables(r, db, p, s->parts, s->nparts, err);
	if (!rc)
		rc = an_query_figures(r, db, p, s->figures_sql, s->labels, s->nlabels, err);
	return rc;
}

double an_cell_number(const struct crm_res *res, int row, const char *column)
{
	int c = crm_res_column(res, column);
	const char *v = c < 0 ? NULL : crm_res_get(res, row, c);
	return v ? strtod(v, NULL) : 0;
}
