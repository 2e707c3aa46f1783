/* analytics/html.h - reports as one self-contained HTML page (HTML5, UTF-8):
 * inline CSS and SVG, no scripts, fonts, images or links to anything
 * outside, so that it opens from a file or an e-mail attachment as it is. */
#ifndef ANALYTICS_HTML_H
#define ANALYTICS_HTML_H

#include "analytics/report.h"

/* The page's head, its title and the period of p; then any number of
 * reports; then the end. */
void an_html_begin(struct buf *out, const char *title, const struct an_params *p);
/* One report as a section: its figures, its chart (d->svg) and its tables. */
void an_html_report(struct buf *out, const struct an_def *d, const struct an_report *r);
void an_html_end(struct buf *out);

/* Sections of the page that are no report of an_reports, drawn by whoever
 * hands them in (cli/ draws the surveys' results, which analytics/ does not
 * know): fn appends a link for each section to nav (<a href="#id">) and
 * the sections themselves to body, every value escaped. */
typedef int (*an_html_more_fn)(struct buf *nav, struct buf *body, void *ctx, struct err *err);
struct an_html_more {
	an_html_more_fn fn;
	void *ctx;
};

/* The whole page: every report of an_reports, run with p on db, then the
 * sections of more (NULL: none). */
int an_html_page(struct buf *out, struct crm_db *db, const struct an_params *p, const struct an_html_more *more,
		 struct err *err);

#endif
