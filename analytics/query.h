/* analytics/query.h - running a report's SQL with the parameters every
 * report shares, into its tables and figures.
 *
 * A report's SQL names the parameters through a row "a" that an_query puts
 * in front of it: a.f and a.t (the period's first and last day, NULL for
 * open-ended), a.owners (the salespeople of --department/--salesperson,
 * NULL for everyone: crm.an_owners), a.mode (--sales-mode, text),
 * a.mode_id (its id, or else the busiest mode's: crm.an_mode), a.mode_named
 * (its id, NULL when not given), a.top (--top, 0 for all) and a.today. Each
 * is computed once, before the query, and given to it as a parameter. So
 * a report is
 *   "SELECT r.* FROM a, crm.an_funnel(a.f, a.t, a.owners, a.mode_id) r" */
#ifndef ANALYTICS_QUERY_H
#define ANALYTICS_QUERY_H

#include <stddef.h>

#include "analytics/report.h"
#include "common/xalloc.h"

/* Check what the user gave: dates that are days (from not after to), a
 * department, salesperson and sales mode that exist, a top that is not
 * negative. ERR_INPUT or ERR_NOTFOUND with the culprit named. */
int an_params_check(struct crm_db *db, const struct an_params *p, struct err *err);

/* The salespeople p limits a report to (--department, --salesperson), as
 * the text of a PostgreSQL array of their ids ("{}": none), or NULL when p
 * names neither; *out is the caller's. */
int an_params_owners(char **out, struct crm_db *db, const struct an_params *p, struct err *err);

/* Run sql (see above) with p's parameters; *out is the caller's. */
int an_query(struct crm_res **out, struct crm_db *db, const struct an_params *p, const char *sql, struct err *err);

/* CREATE TEMP TABLE name ON COMMIT DROP AS sql (inside a transaction the
 * caller began): a result that several of a report's queries read, so
 * that the data is scanned once. name is ours, never the user's. */
int an_query_temp(struct crm_db *db, const struct an_params *p, const char *name, const char *sql, struct err *err);

/* A table of a report: its name, its title for people, and its SQL. */
struct an_part {
	const char *name, *title, *sql;
};

/* A figure: its name (the column of the figures' query that holds it) and
 * its label for people. */
struct an_label {
	const char *name, *label;
};

/* Run each part into a table of r, in order. */
int an_query_tables(struct an_report *r, struct crm_db *db, const struct an_params *p, const struct an_part *parts,
		    size_t n, struct err *err);
/* Run sql, which returns one row, and add its columns as figures, labelled
 * by the entry of labels of the same name (n entries; a column with none is
 * a bug). */
int an_query_figures(struct an_report *r, struct crm_db *db, const struct an_params *p, const char *sql,
		     const struct an_label *labels, size_t n, struct err *err);

/* A report that is tables and one row of figures. */
struct an_spec {
	const struct an_part *parts;
	size_t nparts;
	const char *figures_sql;
	const struct an_label *labels;
	size_t nlabels;
};
#define AN_SPEC(parts, figures_sql, labels)                                                                            \
	{                                                                                                              \
		parts, ARRAY_SIZE(parts), figures_sql, labels, ARRAY_SIZE(labels)                                      \
	}
/* Its tables, then its figures. */
int an_query_report(struct an_report *r, struct crm_db *db, const struct an_params *p, const struct an_spec *s,
		    struct err *err);

/* A number of a table's cell for drawing (0 for NULL or text). */
double an_cell_number(const struct crm_res *res, int row, const char *column);

#endif
