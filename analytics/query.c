/* analytics/query.c - a report's SQL run with the shared parameters, into
 * its tables and figures. */
#include "analytics/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

/* The row of parameters every report's SQL reads (see query.h).
 * MATERIALIZED: the report functions are inlined, and an argument that
 * was an expression would be evaluated for every row they read (an_mode
 * counts opportunities: a million times a million); from a row it is a
 * value, computed once. */
static const char params_cte[] =
	"WITH a AS MATERIALIZED (SELECT $1::date AS f, $2::date AS t, crm.an_owners($3, $4) AS owners,"
	" $5::text AS mode, crm.an_mode($5) AS mode_id,"
	" (SELECT m.id FROM crm.sales_mode m WHERE m.code = $5) AS mode_named,"
	" $6::integer AS top, $7::date AS today) ";

/* Is s a day of the calendar written YYYY-MM-DD? */
static int is_day(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (int)strtol(s, NULL, 10);
	m = (int)strtol(s + 5, NULL, 10);
	d = (int)strtol(s + 8, NULL, 10);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
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
	if (p->from && !is_day(p->from))
		return err_set(err, ERR_INPUT, "--from: '%s' is not a date (YYYY-MM-DD)", p->from);
	if (p->to && !is_day(p->to))
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

int an_query(struct crm_res **out, struct crm_db *db, const struct an_params *p, const char *sql,
	     struct err *err)
{
	struct buf q = BUF_INIT;
	char top[16];
	const char *params[7];
	int rc;

	snprintf(top, sizeof(top), "%d", p->top);
	params[0] = p->from;
	params[1] = p->to;
	params[2] = p->department;
	params[3] = p->salesperson;
	params[4] = p->sales_mode;
	params[5] = top;
	params[6] = p->today;
	buf_adds(&q, params_cte);
	buf_adds(&q, sql);
	rc = crm_db_query(out, db, q.data, 7, params, err);
	buf_release(&q);
	return rc;
}

int an_query_tables(struct an_report *r, struct crm_db *db, const struct an_params *p,
		    const struct an_part *parts, size_t n, struct err *err)
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
		an_report_figure(r, labels[i].name, labels[i].label,
				 crm_res_rows(res) ? crm_res_get(res, 0, c) : NULL);
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

int an_column(const struct crm_res *res, const char *column)
{
	for (int c = 0; c < crm_res_cols(res); c++)
		if (!strcmp(crm_res_name(res, c), column))
			return c;
	return -1;
}

double an_cell_number(const struct crm_res *res, int row, const char *column)
{
	int c = an_column(res, column);
	const char *v = c < 0 ? NULL : crm_res_get(res, row, c);
	return v ? strtod(v, NULL) : 0;
}
