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

/* The whole page: every report of an_reports, run with p on db. */
int an_html_page(struct buf *out, struct crm_db *db, const struct an_params *p, struct err *err);

#endif
