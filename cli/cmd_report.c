/* cli/cmd_report.c - crmgate report: the analytics of SPEC section 7 as a
 * table for people, CSV or JSON for programs, and SVG or HTML pictures. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "analytics/html.h"
#include "analytics/query.h"
#include "analytics/report.h"
#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/file.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define R struct report_args
static const struct opt_spec report_opts[] = {
	OPT_ARG("NAME", N_("the report (below), or html for all of them in one page"), R, name, 0),
	OPT_STRING("from", "DATE", N_("the first day of the period, YYYY-MM-DD"), R, p.from),
	OPT_STRING("to", "DATE", N_("the last day of the period (both days included)"), R, p.to),
	OPT_STRING("department", "D", N_("a department and the departments below it"), R, p.department),
	OPT_STRING("salesperson", "S", N_("one salesperson"), R, p.salesperson),
	OPT_STRING("sales-mode", "M", N_("funnel: this sales mode (default: the one with most open opportunities)"), R,
		   p.sales_mode),
	OPT_INT("top", "N", N_("rankings: the first N rows (the shares stay those of the whole)"), R, top, 1, 1000000),
	OPT_STRING("table", "TABLE", N_("--format csv: this table rather than the report's main one"), R, table),
	OPT_STRING("svg", "FILE", N_("also write the report's chart"), R, svg),
	OPT_STRING("html", "FILE", N_("also write a page with the report"), R, html),
	OPT_STRING("out", "FILE", N_("report html: the page to write"), R, html),
	OPT_STRING("by", "INDICATOR", N_("pyramid: rank the customers by this indicator (see README.md)"), R, p.by),
	OPT_STRING("members", "TIER", N_("pyramid: list this tier's customers"), R, p.members),
	OPT_STRING("compare", "RUN", N_("pyramid: against a saved run, or an earlier period FROM..TO"), R, p.compare),
	OPT_FLAG("save", N_("pyramid: store this run"), R, p.save),
	OPT_STRING("model", "NAME", N_("pyramid: this value model (default: the default one)"), R, p.model),
	OPT_STRING("survey", "NAME",
		   N_("report html: this survey's results (default: those of every running or closed survey)"), R,
		   survey),
	OPT_END(),
};
#undef R

static void list_reports(const struct opt_cmd *cmd, FILE *f)
{
	(void)cmd;
	fprintf(f, "\n%s\n", _("reports:"));
	for (const struct an_def *d = an_reports; d->name; d++)
		fprintf(f, "  %-14s %s\n", d->name, d->summary);
	fprintf(f, "  %-14s %s\n", "html", _("every report in one HTML page (--out FILE)"));
}

static const struct opt_cmd usage[1] = { {
	.name = "report",
	.summary = N_("analytics: the funnel, sales rankings and statistics, as tables, CSV, JSON, SVG, HTML"),
	.help = N_("Prints a report over a period (--from and --to, YYYY-MM-DD, both days included; without\n"
		   "them all time) for the whole company, a department and the departments below it, or one\n"
		   "salesperson. With --as LOGIN a user sees only the data their permissions show them.\n"
		   "\n"
		   "  --format table    (default) for people: the figures, then each table under a heading\n"
		   "  --format csv      exactly one table, the report's main one unless --table names another,\n"
		   "                    with a header row, plain decimals and shares as fractions from 0 to 1\n"
		   "  --format json     one object: the figures as keys, each table an array of rows by name\n"
		   "\n"
		   "'report html --out FILE' writes every report and chart into one self-contained page.\n"
		   "The definitions (weighted amount, forecast, conversion, win rate) are in README.md."),
	.opts = report_opts,
	.more_help = list_reports,
	.fn = cli_report,
} };

const struct opt_cmd *const cli_report_cmd = usage;

int cli_write_file(const char *path, const struct buf *content, struct err *err)
{
	struct iovec iov = { content->data, content->len };
	struct buf why = BUF_INIT;
	char *tmp = xstrfmt("%s.tmp", path);
	int rc = 0;
	if (file_put(tmp, path, &iov, 1, &why))
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", path, why.data);
	else
		log_info("wrote %s", path);
	free(tmp);
	buf_release(&why);
	return rc;
}

static void print_table_format(const struct cli *cli, const struct an_report *r, const struct an_table *only)
{
	size_t w = 0;
	printf("%s\n", r->title);
	for (int i = 0; i < r->nfigures; i++)
		if (out_width(r->figures[i].label) > w)
			w = out_width(r->figures[i].label);
	if (r->nfigures)
		putchar('\n');
	for (int i = 0; i < r->nfigures; i++) {
		printf("%s:%*s ", r->figures[i].label, (int)(w - out_width(r->figures[i].label)), "");
		out_text(stdout, r->figures[i].value ? r->figures[i].value : "-");
		putchar('\n');
	}
	for (int i = 0; i < r->ntables; i++) {
		const struct an_table *t = &r->tables[i];
		if (only && t != only)
			continue;
		printf("\n%s (%d)\n", t->title, crm_res_rows(t->res));
		if (crm_res_rows(t->res))
			out_rows(cli, t->res, stdout);
	}
}

static void print_json(const struct cli *cli, const struct an_report *r)
{
	const char *sep = "";
	putchar('{');
	for (int i = 0; i < r->nfigures; i++, sep = ",\n ") {
		fputs(sep, stdout);
		out_json_string(stdout, r->figures[i].name);
		fputs(": ", stdout);
		out_json_scalar(stdout, r->figures[i].value);
	}
	for (int i = 0; i < r->ntables; i++, sep = ",\n ") {
		fputs(sep, stdout);
		out_json_string(stdout, r->tables[i].name);
		fputs(": ", stdout);
		out_rows(cli, r->tables[i].res, stdout);
	}
	fputs("}\n", stdout);
}

static int table_error(const struct an_report *r, const char *name, struct err *err)
{
	struct buf names = BUF_INIT;
	for (int i = 0; i < r->ntables; i++)
		buf_addf(&names, "%s%s", i ? ", " : "", r->tables[i].name);
	err_set(err, ERR_INPUT, "report '%s' has no table '%s'", r->name, name);
	err_hint(err, "its tables: %s", names.data);
	buf_release(&names);
	return err->code;
}

static int html_page(struct crm_db *db, const struct report_args *q, struct err *err)
{
	struct buf page = BUF_INIT;
	int rc;
	if (!q->html) {
		return cli_usage_error(err, usage, "%s",
				       "report html needs --out FILE (the page is written to a file)");
	}
	struct cli_survey_html surveys = { db, q->survey };
	struct an_html_more more = { cli_survey_html, &surveys };
	rc = an_html_page(&page, db, &q->p, &more, err);
	if (!rc)
		rc = cli_write_file(q->html, &page, err);
	buf_release(&page);
	return rc;
}

static int one_report(struct cli *cli, struct crm_db *db, const struct an_def *d, const struct report_args *q,
		      struct err *err)
{
	struct an_report r;
	const struct an_table *only = NULL;
	struct buf pic = BUF_INIT;
	int rc = an_report_run(&r, d, db, &q->p, err);

	if (!rc && q->table && !(only = an_report_find(&r, q->table)))
		rc = table_error(&r, q->table, err);
	if (!rc && cli->format == OUT_CSV && !only && !r.ntables)
		rc = err_set(err, ERR_INPUT, "report '%s' has no table to print as CSV", r.name);
	if (!rc && q->svg) {
		if (d->svg)
			d->svg(&r, &pic);
		if (!pic.len)
			rc = err_set(err, ERR_INPUT, "report '%s' has no chart to write to '%s'", r.name, q->svg);
		else
			rc = cli_write_file(q->svg, &pic, err);
	}
	if (!rc && q->html) {
		buf_reset(&pic);
		an_html_begin(&pic, r.title, &q->p);
		an_html_report(&pic, d, &r);
		an_html_end(&pic);
		rc = cli_write_file(q->html, &pic, err);
	}
	if (!rc) {
		if (cli->format == OUT_CSV)
			out_rows(cli, (only ? only : &r.tables[0])->res, stdout);
		else if (cli->format == OUT_JSON)
			print_json(cli, &r);
		else
			print_table_format(cli, &r, only);
	}
	buf_release(&pic);
	an_report_release(&r);
	return rc;
}

int cli_report(struct cli *cli, void *args, struct err *err)
{
	const struct report_args *given = args;
	struct report_args q = *given;
	const struct an_def *d = NULL;
	struct crm_db *db;
	int rc;

	if (!q.name)
		return cli_usage_error(err, usage, "%s",
				       _("which report? name one ('crmgate report --help' lists them)"));
	q.p.top = q.top >= 1 ? (int)q.top : 0; /* 0 or OPT_UNSET: not given */
	if (!q.p.today)
		q.p.today = cli->today;
	if (strcmp(q.name, "html") && !(d = an_report_def(q.name))) {
		err_set(err, ERR_INPUT, "'%s' is not a report", q.name);
		err_hint(err, "'crmgate report --help' lists them");
		return err->code;
	}
	if (d && q.survey)
		return cli_usage_error(
			err, usage, "--survey is for report html (the surveys' results are 'crmgate survey results')");
	if ((rc = cli_db(cli, &db, err)) || (rc = crm_db_work(db, CRM_DB_REPORT, err)) ||
	    (rc = an_params_check(db, &q.p, err)))
		return rc;
	return d ? one_report(cli, db, d, &q, err) : html_page(db, &q, err);
}

int cmd_report(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct report_args q = { 0 };
	return opt_run(cli, usage, &q, argc, argv, err);
}
