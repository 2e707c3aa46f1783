/* analytics/html.c - the reports as one self-contained HTML page. */
#include "analytics/html.h"

#include "analytics/svg.h"
#include "common/banned.h"

/* The same escaping serves HTML text and attribute values. */
#define esc an_svg_escape

static const char style[] =
	"body{font-family:" AN_SVG_FONTS ";color:#333;margin:0 auto;max-width:1000px;padding:1em 2em}"
	"h1{font-size:1.6em}h2{border-bottom:2px solid #4e79a7;padding-bottom:.2em;margin-top:2em}"
	"h3{font-size:1.05em;margin:1.4em 0 .4em}nav a{margin-right:1em}"
	"dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.5em}dt{color:#666}dd{margin:0}"
	"table{border-collapse:collapse;margin:.4em 0;font-size:.92em}"
	"th,td{border-bottom:1px solid #e5e5e5;padding:.25em .7em;text-align:left}"
	"th{background:#f4f6f9}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"svg{max-width:100%;height:auto;display:block;margin:1em 0}.none{color:#999}";

/* Void elements are closed (<meta/>): the page is well-formed XML as well
 * as HTML, so any parser reads it whatever the CRM values hold. */
void an_html_begin(struct buf *out, const char *title, const struct an_params *p)
{
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
	esc(out, title);
	buf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	esc(out, title);
	buf_adds(out, "</h1>\n<p>period 期间: ");
	if (!p->from && !p->to)
		buf_adds(out, "all time 全部");
	esc(out, p->from ? p->from : "");
	if (p->from || p->to)
		buf_adds(out, " – ");
	esc(out, p->to ? p->to : "");
	if (p->department) {
		buf_adds(out, " · department 部门 ");
		esc(out, p->department);
	}
	if (p->salesperson) {
		buf_adds(out, " · salesperson 业务员 ");
		esc(out, p->salesperson);
	}
	buf_adds(out, "</p>\n");
}

static void table(struct buf *out, const struct an_table *t)
{
	const struct crm_res *res = t->res;
	int cols = crm_res_cols(res);

	buf_adds(out, "<h3>");
	esc(out, t->title);
	buf_adds(out, "</h3>\n");
	if (!crm_res_rows(res)) {
		buf_adds(out, "<p class=\"none\">no rows 无数据</p>\n");
		return;
	}
	buf_adds(out, "<table>\n<tr>");
	for (int c = 0; c < cols; c++) {
		buf_adds(out, "<th>");
		esc(out, crm_res_name(res, c));
		buf_adds(out, "</th>");
	}
	buf_adds(out, "</tr>\n");
	for (int r = 0; r < crm_res_rows(res); r++) {
		buf_adds(out, "<tr>");
		for (int c = 0; c < cols; c++) {
			const char *v = crm_res_get(res, r, c);
			buf_adds(out, crm_res_kind(res, c) == CRM_RES_NUMBER ? "<td class=\"num\">" : "<td>");
			esc(out, v ? v : "");
			buf_adds(out, "</td>");
		}
		buf_adds(out, "</tr>\n");
	}
	buf_adds(out, "</table>\n");
}

void an_html_report(struct buf *out, const struct an_def *d, const struct an_report *r)
{
	buf_adds(out, "<section id=\"");
	esc(out, r->name);
	buf_adds(out, "\">\n<h2>");
	esc(out, r->title);
	buf_adds(out, "</h2>\n");
	if (r->nfigures) {
		buf_adds(out, "<dl>\n");
		for (int i = 0; i < r->nfigures; i++) {
			buf_adds(out, "<dt>");
			esc(out, r->figures[i].label);
			buf_adds(out, "</dt><dd>");
			esc(out, r->figures[i].value ? r->figures[i].value : "–");
			buf_adds(out, "</dd>\n");
		}
		buf_adds(out, "</dl>\n");
	}
	if (d && d->svg)
		d->svg(r, out);
	for (int i = 0; i < r->ntables; i++)
		table(out, &r->tables[i]);
	buf_adds(out, "</section>\n");
}

void an_html_end(struct buf *out)
{
	buf_adds(out, "</body>\n</html>\n");
}

int an_html_page(struct buf *out, struct crm_db *db, const struct an_params *p, const struct an_html_more *more,
		 struct err *err)
{
	struct buf nav = BUF_INIT, body = BUF_INIT;
	int rc = 0;

	/* the sections handed in first: their links go into the navigation */
	if (more)
		rc = more->fn(&nav, &body, more->ctx, err);
	an_html_begin(out, "crmgate analytics 销售分析", p);
	buf_adds(out, "<nav>");
	for (const struct an_def *d = an_reports; d->name; d++) {
		buf_adds(out, "<a href=\"#");
		esc(out, d->name);
		buf_adds(out, "\">");
		esc(out, d->name);
		buf_adds(out, "</a>");
	}
	buf_add(out, nav.data, nav.len);
	buf_adds(out, "</nav>\n");
	for (const struct an_def *d = an_reports; !rc && d->name; d++) {
		struct an_report r;
		rc = an_report_run(&r, d, db, p, err);
		if (!rc)
			an_html_report(out, d, &r);
		an_report_release(&r);
	}
	buf_add(out, body.data, body.len);
	an_html_end(out);
	buf_release(&nav);
	buf_release(&body);
	return rc;
}
