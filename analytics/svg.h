/* analytics/svg.h - our small SVG drawing module (SVG 1.1): a document
 * with a title, shapes, text that is XML-escaped and set in fonts that have
 * Chinese, a colour palette, and the charts the reports draw from them.
 *
 * Everything appends to a struct buf; coordinates are user units of the
 * viewBox, which is the width and height given (so the picture scales). */
#ifndef ANALYTICS_SVG_H
#define ANALYTICS_SVG_H

#include "common/buf.h"

/* Fonts with CJK glyphs first, for Linux, Windows and macOS, then any. */
#define AN_SVG_FONTS                                                                                                   \
	"Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"

/* The i-th colour of the palette (it repeats). */
const char *an_svg_colour(int i);

/* Append s with &, <, >, " and ' escaped, for text and attribute values. */
void an_svg_escape(struct buf *out, const char *s);

/* <svg> with its size, viewBox, fonts and an accessible <title>, a white
 * background and the title drawn at the top; an_svg_end closes it. */
void an_svg_begin(struct buf *out, double width, double height, const char *title);
void an_svg_end(struct buf *out);

void an_svg_rect(struct buf *out, double x, double y, double w, double h, const char *fill);
/* A closed polygon through n points xy[0..2n). */
void an_svg_polygon(struct buf *out, const double *xy, int n, const char *fill);
/* An open line through n points; dashed when dash is set. */
void an_svg_polyline(struct buf *out, const double *xy, int n, const char *stroke, double width, int dash);
void an_svg_line(struct buf *out, double x1, double y1, double x2, double y2, const char *stroke, double width);
void an_svg_circle(struct buf *out, double cx, double cy, double r, const char *fill);

enum an_svg_anchor { AN_SVG_START, AN_SVG_MIDDLE, AN_SVG_END };
/* Text on one line, its baseline at y. */
void an_svg_text(struct buf *out, double x, double y, double size, enum an_svg_anchor anchor, const char *fill,
		 const char *text);
/* About how wide text is at a font size: CJK characters are square, the
 * rest about 0.6 of the size (a little more than most fonts need). */
double an_svg_text_width(const char *text, double size);
/* text cut with "…" to fit width at size (malloc'd, the caller's). */
char *an_svg_fit(const char *text, double size, double width);
/* A number for people: thousands grouped, no decimals from 1000 up. */
void an_svg_number(struct buf *out, double v);

/* What a chart shows: one item per bar or band. */
struct an_svg_item {
	const char *label; /* "初步接洽" */
	double value;	   /* what sets the size */
	const char *note;  /* written beside it: "78 · 4,413,700"; may be NULL */
};

/* Items and their notes, for a chart drawn from a table: fill items[i]
 * and notes[i], then an_svg_list_notes points each item at its note. */
struct an_svg_list {
	struct an_svg_item *items;
	struct buf *notes;
	int n;
};
void an_svg_list_init(struct an_svg_list *l, int n);
void an_svg_list_notes(struct an_svg_list *l);
void an_svg_list_release(struct an_svg_list *l);

/* A funnel: one band per item, top to bottom, width by value, labelled
 * with the label on the left and the note on the right. */
void an_svg_funnel(struct buf *out, const char *title, const struct an_svg_item *items, int n);
/* Horizontal bars, largest value the longest, labels left, notes right. */
void an_svg_bars(struct buf *out, const char *title, const struct an_svg_item *items, int n);
/* A Pareto chart: the items (most first) as bars with the count axis on
 * the left, and their cumulative share as a line with the 0-100 % axis on
 * the right and a dashed line at 80 %. */
void an_svg_pareto(struct buf *out, const char *title, const struct an_svg_item *items, int n);

/* At most this many bars: more would not leave room for their labels. */
#define AN_SVG_MAX_ITEMS 15

#endif
