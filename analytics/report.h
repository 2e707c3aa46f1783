/* analytics/report.h - what every report shares: its parameters, and its
 * result as named tables and summary figures.
 *
 * The numbers are computed in SQL (sql/NNN_*.sql: views and functions with
 * the indexes they need); C only runs the query, formats and draws. One
 * result serves the table, CSV, JSON, SVG and HTML outputs. A report runs
 * on the caller's connection, so row security (--as) applies as it does
 * everywhere else. */
#ifndef ANALYTICS_REPORT_H
#define ANALYTICS_REPORT_H

#include "common/buf.h"
#include "common/err.h"
#include "crm/db.h"

/* What a report is asked for; NULL or 0 is "not given". Dates are
 * YYYY-MM-DD; without from/to a report covers all time. */
struct an_params {
	const char *from, *to;
	const char *department;	 /* a department code: its subtree */
	const char *salesperson; /* a salesperson code */
	const char *sales_mode;	 /* funnel: a sales mode code (default: each in turn, or the first) */
	const char *today;	 /* the local date, for "overdue" and recency */
	int top;		 /* rankings: the first N (0: all) */
	const char *by;		 /* pyramid: revenue|profit|opportunity|arrears|expense|loyalty|score */
	const char *members;	 /* pyramid: list this tier's customers */
	const char *compare;	 /* pyramid: a saved run's id, or an earlier period FROM..TO */
	int save;		 /* pyramid: store this run */
	const char *model;	 /* pyramid: a value model's name (default: the default model) */
};

#define AN_TABLES_MAX  8
#define AN_FIGURES_MAX 16

/* One table of a report. The first is the report's main table, the one
 * --format csv prints unless --table names another. */
struct an_table {
	const char *name;    /* "stages", "conversion", "forecast"...: for --table and JSON keys */
	const char *title;   /* for people: "Open opportunities by stage 按阶段" */
	struct crm_res *res; /* owned */
};

/* A summary figure: "forecast_total" = "1234.50". Numbers as plain decimals. */
struct an_figure {
	const char *name;  /* JSON key */
	const char *label; /* for people */
	char *value;	   /* owned, malloc'd; NULL for none */
};

struct an_report {
	const char *name;  /* "funnel" */
	const char *title; /* "Sales funnel 销售漏斗" */
	struct an_table tables[AN_TABLES_MAX];
	int ntables;
	struct an_figure figures[AN_FIGURES_MAX];
	int nfigures;
};

void an_report_init(struct an_report *r, const char *name, const char *title);
void an_report_release(struct an_report *r);
/* Add a table (res is taken over) or a figure (value copied; NULL allowed). */
void an_report_table(struct an_report *r, const char *name, const char *title, struct crm_res *res);
void an_report_figure(struct an_report *r, const char *name, const char *label, const char *value);
/* The table or figure of that name, or NULL. */
const struct an_table *an_report_find(const struct an_report *r, const char *name);
const char *an_report_value(const struct an_report *r, const char *name);

/* A report: run it into r (initialised by the caller with an_report_init). */
typedef int (*an_run_fn)(struct crm_db *db, const struct an_params *p, struct an_report *r, struct err *err);
/* Its picture: append one self-contained <svg> element to out (nothing when
 * the report has no chart). */
typedef void (*an_svg_fn)(const struct an_report *r, struct buf *out);

struct an_def {
	const char *name;
	const char *summary; /* one line for --help */
	an_run_fn run;
	an_svg_fn svg;
	const char *title; /* for people: "Sales funnel 销售漏斗" (NULL: the summary) */
};

/* Every report, in the order the HTML page shows them; NULL-terminated by name. */
extern const struct an_def an_reports[];
const struct an_def *an_report_def(const char *name);
/* Initialise r for report d (its name and title) and run it; the caller
 * releases r whatever this returns. */
int an_report_run(struct an_report *r, const struct an_def *d, struct crm_db *db, const struct an_params *p,
		  struct err *err);

#endif
