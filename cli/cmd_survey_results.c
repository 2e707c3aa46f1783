/* cli/cmd_survey_results.c - crmgate survey results and survey export:
 * the figures of survey/results.c as a table for people, CSV or JSON,
 * each question's bar chart through analytics/svg.c, every response as
 * CSV (RFC 4180), and the surveys' section of 'report html'.
 *
 * survey/ does not know analytics/ nor analytics/ survey/: this file hands
 * the survey's figures to the charts (as struct an_svg_item, the input
 * every chart takes) and to the page (as an an_report with its tables). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analytics/html.h"
#include "analytics/svg.h"
#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/csv.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "survey/results.h"
#include "common/banned.h"

/* The column called name of a result of survey/results.c (it has it).
 * With a breakdown the first two columns are the group and the field's
 * value, named as the field is ("status", "code"): a figure's column of
 * the same name is the one after them. */
static int col(const struct crm_res *res, const char *name)
{
	int first = crm_res_cols(res) > 1 && !strcmp(crm_res_name(res, 0), "group") && strcmp(name, "group") ? 2 : 0;

	for (int c = first; c < crm_res_cols(res); c++)
		if (!strcmp(crm_res_name(res, c), name))
			return c;
	BUG("survey results: no column '%s'", name);
}

static const char *get(const struct crm_res *res, int row, const char *name)
{
	return crm_res_get(res, row, col(res, name));
}

/* The group a row belongs to: 0 (every target) without a breakdown. */
static long group_of(const struct crm_res *res, int row)
{
	int c = crm_res_column(res, "group");
	return c < 0 ? 0 : strtol(crm_res_get(res, row, c), NULL, 10);
}

/* Is this row of group g and, when q > 0, of question q? */
static int row_is(const struct crm_res *res, int row, long g, long q)
{
	return group_of(res, row) == g && (q <= 0 || strtol(get(res, row, "question"), NULL, 10) == q);
}

/* ------------------------------------------------------------- charts */

/* The bar chart of question row qrow of questions (group 0): one bar per
 * option, or per point of a rating's scale or value given to a number;
 * nothing for a free-text question. Returns whether it drew one. */
static int question_chart(struct buf *out, const struct crm_res *questions, const struct crm_res *options,
			  const struct crm_res *dist, int qrow)
{
	long q = strtol(get(questions, qrow, "question"), NULL, 10);
	const char *type = get(questions, qrow, "type");
	const struct crm_res *from = !strcmp(type, "single") || !strcmp(type, "multi") ? options
				     : !strcmp(type, "text")			       ? NULL
										       : dist;
	struct an_svg_list l;
	struct buf labels = BUF_INIT;
	char *title;
	size_t *at;
	int n = 0;

	if (!from)
		return 0;
	for (int r = 0; r < crm_res_rows(from); r++)
		n += row_is(from, r, 0, q);
	an_svg_list_init(&l, n);
	at = xcalloc((size_t)n + 1, sizeof(*at));
	n = 0;
	for (int r = 0; r < crm_res_rows(from); r++) {
		double share;
		if (!row_is(from, r, 0, q))
			continue;
		/* labels live in one buffer: offsets now, pointers once it stops growing */
		at[n] = labels.len;
		if (from == options)
			buf_addf(&labels, "%s. %s", get(from, r, "label"), get(from, r, "text"));
		else
			buf_adds(&labels, get(from, r, "value"));
		buf_addch(&labels, '\0');
		l.items[n].value = strtod(get(from, r, "count"), NULL);
		share = strtod(get(from, r, "share"), NULL);
		buf_addf(&l.notes[n], "%s · %.0f%%", get(from, r, "count"), share * 100);
		n++;
	}
	for (int i = 0; i < n; i++)
		l.items[i].label = labels.data + at[i];
	an_svg_list_notes(&l);
	/* a chart has room for so many bars: say that the rest are left out */
	title = n > AN_SVG_MAX_ITEMS
			? xstrfmt("%ld. %s (the first %d of %d)", q, get(questions, qrow, "text"), AN_SVG_MAX_ITEMS, n)
			: xstrfmt("%ld. %s", q, get(questions, qrow, "text"));
	an_svg_bars(out, title, l.items, l.n);
	free(title);
	free(at);
	buf_release(&labels);
	an_svg_list_release(&l);
	return 1;
}

/* Every question's chart of r, one file each: DIR/q1.svg, q2.svg, … */
static int write_charts(const struct survey_results *r, const char *dir, struct err *err)
{
	const struct crm_res *questions = r->tables[SURVEY_RESULTS_QUESTIONS];
	struct buf pic = BUF_INIT;
	int rc = 0;

	/* the folder is made when it is not there (not its parents: a typo stays one) */
	if (mkdir(dir, 0777) && errno != EEXIST)
		return err_set(err, ERR_FAIL, "could not make the folder '%s': %s", dir, strerror(errno));
	for (int row = 0; !rc && row < crm_res_rows(questions); row++) {
		char *path;
		if (group_of(questions, row) != 0)
			continue;
		buf_reset(&pic);
		if (!question_chart(&pic, questions, r->tables[SURVEY_RESULTS_OPTIONS],
				    r->tables[SURVEY_RESULTS_DISTRIBUTION], row))
			continue;
		path = xstrfmt("%s/q%s.svg", dir, get(questions, row, "question"));
		rc = cli_write_file(path, &pic, err);
		free(path);
	}
	buf_release(&pic);
	return rc;
}

/* ---------------------------------------------------------------- JSON */

static void json_key(FILE *f, const char *key)
{
	out_json_string(f, key ? key : ""); /* a key is a string: none is "" */
	fputs(": ", f);
}

/* "key": {name: count, …} of the rows of group g: how many of each. */
static void json_counts(FILE *f, const char *key, const struct crm_res *res, long g, const char *name,
			const char *count)
{
	int any = 0;
	fputs(",\n ", f);
	json_key(f, key);
	fputc('{', f);
	for (int r = 0; r < crm_res_rows(res); r++) {
		if (!row_is(res, r, g, 0))
			continue;
		fputs(any++ ? ", " : "", f);
		json_key(f, get(res, r, name));
		out_json_scalar(f, get(res, r, count));
	}
	fputc('}', f);
}

/* The fields names[] of a row as one object. */
static void json_object(FILE *f, const struct crm_res *res, int row, const char *const *names)
{
	fputc('{', f);
	for (int i = 0; names[i]; i++) {
		const char *v = get(res, row, names[i]);
		fputs(i ? ", " : "", f);
		json_key(f, names[i]);
		if (!strcmp(names[i], "other"))
			fputs(v && *v == 't' ? "true" : "false", f);
		else if (!strcmp(names[i], "text") || !strcmp(names[i], "code") || !strcmp(names[i], "label"))
			v ? out_json_string(f, v) : (void)fputs("null", f);
		else
			out_json_scalar(f, v);
	}
	fputc('}', f);
}

/* "key": [objects] of the rows of group g and question q. */
static void json_array(FILE *f, const char *key, const struct crm_res *res, long g, long q, const char *const *names)
{
	int any = 0;
	fputs(", ", f);
	json_key(f, key);
	fputc('[', f);
	for (int r = 0; r < crm_res_rows(res); r++) {
		if (!row_is(res, r, g, q))
			continue;
		fputs(any++ ? ", " : "", f);
		json_object(f, res, r, names);
	}
	fputc(']', f);
}

/* The figures of group g, as members of an object (after its first). */
static void json_figures(FILE *f, const struct survey_results *r, long g)
{
	static const char *const summary[] = { "invited", "skipped",  "sent",	      "delivered",
					       "failed",  "answered", "response_rate" };
	static const char *const option[] = { "label", "text", "other", "count", "share", NULL };
	static const char *const point[] = { "value", "count", "share", NULL };
	static const char *const text[] = { "label", "code", "text", NULL };
	const struct crm_res *s = r->tables[SURVEY_RESULTS_SUMMARY], *qs = r->tables[SURVEY_RESULTS_QUESTIONS];
	int row = 0, any = 0;

	while (row < crm_res_rows(s) && group_of(s, row) != g)
		row++;
	for (size_t i = 0; i < ARRAY_SIZE(summary); i++) {
		fputs(",\n ", f);
		json_key(f, summary[i]);
		out_json_scalar(f, row < crm_res_rows(s) ? get(s, row, summary[i]) : "0");
	}
	json_counts(f, "by_channel", r->tables[SURVEY_RESULTS_CHANNELS], g, "way", "answered");
	json_counts(f, "skipped_by_reason", r->tables[SURVEY_RESULTS_SKIPPED], g, "reason", "targets");
	json_counts(f, "delivery", r->tables[SURVEY_RESULTS_DELIVERY], g, "status", "invitations");
	fputs(",\n ", f);
	json_key(f, "questions");
	fputc('[', f);
	for (int q = 0; q < crm_res_rows(qs); q++) {
		static const char *const head[] = { "question", "type", "text", "answered", NULL };
		const char *type = get(qs, q, "type");
		long n = strtol(get(qs, q, "question"), NULL, 10);
		if (group_of(qs, q) != g)
			continue;
		fputs(any++ ? ",\n  " : "\n  ", f);
		fputs("{\"number\": ", f);
		out_json_scalar(f, get(qs, q, "question"));
		for (int i = 1; head[i]; i++) {
			fputs(", ", f);
			json_key(f, head[i]);
			if (!strcmp(head[i], "text"))
				out_json_string(f, get(qs, q, head[i]));
			else
				out_json_scalar(f, get(qs, q, head[i]));
		}
		if (!strcmp(type, "single") || !strcmp(type, "multi")) {
			json_array(f, "options", r->tables[SURVEY_RESULTS_OPTIONS], g, n, option);
			json_array(f, "others", r->tables[SURVEY_RESULTS_TEXTS], g, n, text);
		} else if (!strcmp(type, "text")) {
			json_array(f, "texts", r->tables[SURVEY_RESULTS_TEXTS], g, n, text);
		} else {
			static const char *const stats[] = { "mean", "median", "min", "max" };
			for (size_t i = 0; i < ARRAY_SIZE(stats); i++) {
				fputs(", ", f);
				json_key(f, stats[i]);
				out_json_scalar(f, get(qs, q, stats[i]));
			}
			json_array(f, "distribution", r->tables[SURVEY_RESULTS_DISTRIBUTION], g, n, point);
		}
		fputc('}', f);
	}
	fputs(any ? "\n ]" : "]", f);
}

static void print_json(const struct survey_results *r)
{
	const struct crm_res *s = r->tables[SURVEY_RESULTS_SUMMARY];

	fputs("{\"survey\": ", stdout);
	out_json_string(stdout, r->survey);
	fputs(",\n \"title\": ", stdout);
	out_json_string(stdout, r->title);
	fputs(",\n \"targets\": ", stdout);
	out_json_string(stdout, r->targets);
	fputs(",\n \"status\": ", stdout);
	out_json_string(stdout, r->status);
	json_figures(stdout, r, 0);
	if (r->by) {
		fputs(",\n \"by\": ", stdout);
		out_json_string(stdout, r->by);
		fputs(",\n \"groups\": [", stdout);
		for (int row = 1; row < crm_res_rows(s); row++) {
			fputs(row > 1 ? ",\n{\"value\": " : "\n{\"value\": ", stdout);
			/* a field's value is text, whatever it looks like ("007") */
			if (crm_res_get(s, row, 1))
				out_json_string(stdout, crm_res_get(s, row, 1));
			else
				fputs("null", stdout);
			json_figures(stdout, r, group_of(s, row));
			fputc('}', stdout);
		}
		fputs("]", stdout);
	}
	fputs("}\n", stdout);
}

/* --------------------------------------------------------------- verbs */

int cli_survey_results(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_results r;
	struct crm_db *db;
	int rc, table = SURVEY_RESULTS_OPTIONS;

	if (a->table) {
		for (table = 0; table < SURVEY_RESULTS_NTABLES; table++)
			if (!strcmp(a->table, survey_results_name(table)))
				break;
		if (table == SURVEY_RESULTS_NTABLES)
			return cli_usage_error(err, NULL,
					       "--table '%s': one of summary, channels, delivery, skipped, questions,"
					       " options, distribution, texts",
					       a->table);
	}
	if ((rc = cli_db(cli, &db, err)) || (rc = crm_db_work(db, CRM_DB_REPORT, err)))
		return rc;
	rc = survey_results_get(&r, db, a->name, a->by, err);
	if (!rc && a->svg)
		rc = write_charts(&r, a->svg, err);
	if (!rc && cli->format == OUT_CSV) {
		out_rows(cli, r.tables[table], stdout);
	} else if (!rc && cli->format == OUT_JSON) {
		print_json(&r);
	} else if (!rc) {
		printf("%s: ", r.survey);
		out_text(stdout, r.title);
		printf(" (%s, %s)\n", r.targets, r.status);
		for (int i = 0; i < SURVEY_RESULTS_NTABLES; i++) {
			if (a->table && i != table)
				continue;
			printf("\n%s (%d)\n", survey_results_title(i), crm_res_rows(r.tables[i]));
			if (crm_res_rows(r.tables[i]))
				out_rows(cli, r.tables[i], stdout);
		}
	}
	survey_results_release(&r);
	return rc;
}

int cli_survey_export(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_template t;
	struct crm_res *res = NULL;
	struct buf csv = BUF_INIT, head = BUF_INIT;
	struct crm_db *db;
	int rc;

	if ((rc = cli_db(cli, &db, err)) || (rc = crm_db_work(db, CRM_DB_REPORT, err)))
		return rc;
	if ((rc = survey_results_export(&res, &t, db, a->name, err)))
		return rc;
	/* the header names each question by its number and text */
	buf_adds(&csv, "code,name,channel,answered_at");
	for (size_t i = 0; i < t.nquestions; i++) {
		buf_reset(&head);
		buf_addf(&head, "%d. %s", t.questions[i].number, t.questions[i].text);
		buf_addch(&csv, ',');
		csv_add_field(&csv, head.data);
	}
	buf_adds(&csv, "\r\n");
	for (int r = 0; r < crm_res_rows(res); r++) {
		for (int c = 0; c < crm_res_cols(res); c++) {
			const char *v = crm_res_get(res, r, c);
			/* everything but a rating or number is words (a name, an
			 * option's text and its "other" text, a free text), never
			 * a formula; those two are plain decimals, -3 a number */
			const struct survey_question *q =
				c >= 4 && (size_t)(c - 4) < t.nquestions ? &t.questions[c - 4] : NULL;
			int words = !q || (q->type != SURVEY_RATING && q->type != SURVEY_NUMBER);
			buf_adds(&csv, c ? "," : "");
			(words ? csv_add_text_field : csv_add_field)(&csv, v ? v : "");
		}
		buf_adds(&csv, "\r\n");
	}
	if (a->out)
		rc = cli_write_file(a->out, &csv, err);
	else
		fwrite(csv.data, 1, csv.len, stdout);
	if (!rc)
		log_info("survey '%s': %d responses", a->name, crm_res_rows(res));
	crm_res_free(res);
	survey_template_release(&t);
	buf_release(&csv);
	buf_release(&head);
	return rc;
}

/* ------------------------------------------------------- report html */

/* The charts of a survey's section: r holds the tables of survey/results.c
 * by their names. */
static void section_charts(const struct an_report *r, struct buf *out)
{
	const struct an_table *qs = an_report_find(r, "questions"), *o = an_report_find(r, "options"),
			      *d = an_report_find(r, "distribution");

	for (int row = 0; qs && o && d && row < crm_res_rows(qs->res); row++)
		question_chart(out, qs->res, o->res, d->res, row);
}

/* One survey's section: its figures, each question's chart, its tables. */
static int section(struct buf *nav, struct buf *body, struct crm_db *db, const char *name, int n, struct err *err)
{
	static const char *const figures[][2] = {
		{ "invited", "invited 已邀请" },   { "skipped", "skipped 未邀请" },
		{ "sent", "sent 已发送" },	   { "delivered", "delivered 已送达" },
		{ "answered", "answered 已回复" }, { "response_rate", "response rate 回复率" },
	};
	static const struct an_def def = { "survey", NULL, NULL, section_charts, NULL };
	struct survey_results sr;
	struct an_report r;
	char *id = xstrfmt("survey-%d", n), *title = NULL;
	int rc = survey_results_get(&sr, db, name, NULL, err);

	if (!rc) {
		const struct crm_res *s = sr.tables[SURVEY_RESULTS_SUMMARY];
		title = xstrfmt("Survey 调查: %s — %s (%s)", sr.survey, sr.title, sr.status);
		an_report_init(&r, id, title);
		for (size_t i = 0; i < ARRAY_SIZE(figures); i++)
			an_report_figure(&r, figures[i][0], figures[i][1], get(s, 0, figures[i][0]));
		for (int i = 0; i < SURVEY_RESULTS_NTABLES; i++) {
			if (i == SURVEY_RESULTS_SUMMARY)
				continue;
			an_report_table(&r, survey_results_name(i), survey_results_title(i), sr.tables[i]);
			sr.tables[i] = NULL; /* the report's now */
		}
		buf_adds(nav, "<a href=\"#");
		an_svg_escape(nav, id);
		buf_adds(nav, "\">");
		an_svg_escape(nav, name);
		buf_adds(nav, "</a>");
		an_html_report(body, &def, &r);
		an_report_release(&r);
	}
	survey_results_release(&sr);
	free(title);
	free(id);
	return rc;
}

int cli_survey_html(struct buf *nav, struct buf *body, void *ctx, struct err *err)
{
	const struct cli_survey_html *h = ctx;
	struct crm_res *names = NULL;
	int rc = survey_results_surveys(&names, h->db, h->only, err);

	for (int i = 0; !rc && i < crm_res_rows(names); i++)
		rc = section(nav, body, h->db, crm_res_get(names, i, 0), i + 1, err);
	crm_res_free(names);
	return rc;
}
