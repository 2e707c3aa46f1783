/* analytics/svg.c - SVG 1.1 shapes, text and the reports' charts. */
#include "analytics/svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define INK	   "#333333"
#define FAINT	   "#999999"
#define GRID	   "#e5e5e5"
#define TITLE_SIZE 18
#define LABEL_SIZE 13
#define TOP	   48 /* room for the title */

/* Tableau 10: distinct, calm, and readable for the colour-blind in order. */
static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

const char *an_svg_colour(int i)
{
	return palette[(unsigned)i % (sizeof(palette) / sizeof(palette[0]))];
}

void an_svg_escape(struct buf *out, const char *s)
{
	if (s)
		utf8_add_xml(out, s, strlen(s));
}

void an_svg_begin(struct buf *out, double width, double height, const char *title)
{
	buf_addf(out,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
		 " font-family=\"" AN_SVG_FONTS "\" role=\"img\"><title>",
		 width, height, width, height);
	an_svg_escape(out, title);
	buf_adds(out, "</title>\n");
	an_svg_rect(out, 0, 0, width, height, "#ffffff");
	buf_addf(out,
		 "<text x=\"%.1f\" y=\"30\" font-size=\"%d\" font-weight=\"bold\" fill=\"" INK
		 "\" text-anchor=\"middle\">",
		 width / 2, TITLE_SIZE);
	an_svg_escape(out, title);
	buf_adds(out, "</text>\n");
}

void an_svg_end(struct buf *out)
{
	buf_adds(out, "</svg>\n");
}

void an_svg_rect(struct buf *out, double x, double y, double w, double h, const char *fill)
{
	buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, y, w, h, fill);
}

static void points(struct buf *out, const double *xy, int n)
{
	for (int i = 0; i < n; i++)
		buf_addf(out, "%s%.1f,%.1f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
}

void an_svg_polygon(struct buf *out, const double *xy, int n, const char *fill)
{
	buf_adds(out, "<polygon points=\"");
	points(out, xy, n);
	buf_addf(out, "\" fill=\"%s\"/>\n", fill);
}

void an_svg_polyline(struct buf *out, const double *xy, int n, const char *stroke, double width, int dash)
{
	buf_adds(out, "<polyline points=\"");
	points(out, xy, n);
	buf_addf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n", stroke, width,
		 dash ? " stroke-dasharray=\"6 4\"" : "");
}

void an_svg_line(struct buf *out, double x1, double y1, double x2, double y2, const char *stroke, double width)
{
	buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
		 x1, y1, x2, y2, stroke, width);
}

void an_svg_circle(struct buf *out, double cx, double cy, double r, const char *fill)
{
	buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n", cx, cy, r, fill);
}

void an_svg_text(struct buf *out, double x, double y, double size, enum an_svg_anchor anchor, const char *fill,
		 const char *text)
{
	static const char *const anchors[] = { "start", "middle", "end" };
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"%s\" text-anchor=\"%s\">", x, y, size,
		 fill, anchors[anchor]);
	an_svg_escape(out, text);
	buf_adds(out, "</text>\n");
}

/* The width of one UTF-8 character starting at s, in ems; *len its bytes. */
static double char_width(const unsigned char *s, size_t *len)
{
	unsigned cp = *s;
	*len = 1;
	if (cp >= 0xf0 && s[1] && s[2] && s[3]) {
		*len = 4;
		return 1.0;
	}
	if (cp >= 0xe0 && s[1] && s[2]) {
		*len = 3;
		cp = ((cp & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (unsigned)(s[2] & 0x3f);
		/* CJK, kana, hangul, full-width forms and the like are square */
		return cp >= 0x2e80 ? 1.0 : 0.6;
	}
	if (cp >= 0xc0 && s[1]) {
		*len = 2;
		return 0.6;
	}
	return cp == ' ' ? 0.3 : 0.6;
}

double an_svg_text_width(const char *text, double size)
{
	double w = 0;
	size_t len;
	for (const unsigned char *s = (const unsigned char *)text; s && *s; s += len)
		w += char_width(s, &len);
	return w * size;
}

char *an_svg_fit(const char *text, double size, double width)
{
	double w = 0, ellipsis = 1.0 * size;
	size_t len, cut = 0;
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	if (an_svg_text_width((const char *)s, size) <= width)
		return xstrdup((const char *)s);
	for (size_t i = 0; s[i]; i += len) {
		w += char_width(s + i, &len) * size;
		if (w + ellipsis > width)
			break;
		cut = i + len;
	}
	return xstrfmt("%.*s…", (int)cut, (const char *)s);
}

void an_svg_number(struct buf *out, double v)
{
	char digits[64];
	int n, lead;
	if (fabs(v) < 1000) {
		buf_addf(out, v == floor(v) ? "%.0f" : "%.2f", v);
		return;
	}
	n = snprintf(digits, sizeof(digits), "%.0f", fabs(v));
	if (v < 0)
		buf_addch(out, '-');
	lead = n % 3 ? n % 3 : 3;
	buf_add(out, digits, (size_t)lead);
	for (int i = lead; i < n; i += 3) {
		buf_addch(out, ',');
		buf_add(out, digits + i, 3);
	}
}

void an_svg_list_init(struct an_svg_list *l, int n)
{
	l->n = n < 0 ? 0 : n;
	l->items = xcalloc((size_t)l->n + 1, sizeof(*l->items));
	l->notes = xcalloc((size_t)l->n + 1, sizeof(*l->notes));
	for (int i = 0; i < l->n; i++)
		buf_init(&l->notes[i]);
}

void an_svg_list_notes(struct an_svg_list *l)
{
	for (int i = 0; i < l->n; i++)
		l->items[i].note = l->notes[i].len ? l->notes[i].data : NULL;
}

void an_svg_list_release(struct an_svg_list *l)
{
	for (int i = 0; i < l->n; i++)
		buf_release(&l->notes[i]);
	free(l->notes);
	free(l->items);
	l->n = 0;
}

/* Text fitted to a width, drawn. */
static void fitted(struct buf *out, double x, double y, double size, enum an_svg_anchor a, const char *fill,
		   const char *text, double width)
{
	char *t = an_svg_fit(text, size, width);
	an_svg_text(out, x, y, size, a, fill, t);
	free(t);
}

static double max_value(const struct an_svg_item *items, int n)
{
	double m = 0;
	for (int i = 0; i < n; i++)
		if (items[i].value > m)
			m = items[i].value;
	return m;
}

static void empty(struct buf *out, const char *title)
{
	an_svg_begin(out, 720, 120, title);
	an_svg_text(out, 360, 80, LABEL_SIZE, AN_SVG_MIDDLE, FAINT, "no data for this period 本期无数据");
	an_svg_end(out);
}

/* The funnel's layout: labels | bands | notes, one row per stage. */
#define FUNNEL_W       860
#define FUNNEL_LABEL_W 150
#define FUNNEL_BAND_W  330
#define FUNNEL_ROW     46
#define FUNNEL_GAP     6

void an_svg_funnel(struct buf *out, const char *title, const struct an_svg_item *items, int n)
{
	double max = max_value(items, n), left = 20 + FUNNEL_LABEL_W + 10, mid = left + FUNNEL_BAND_W / 2.0;
	double notes_x = left + FUNNEL_BAND_W + 14, min_w = 24;

	if (n <= 0) {
		empty(out, title);
		return;
	}
	an_svg_begin(out, FUNNEL_W, TOP + n * (FUNNEL_ROW + FUNNEL_GAP) + 20, title);
	for (int i = 0; i < n; i++) {
		double y = TOP + i * (FUNNEL_ROW + FUNNEL_GAP);
		double w = max > 0 ? fmax(min_w, FUNNEL_BAND_W * items[i].value / max) : min_w;
		double next = i + 1 < n && max > 0 ? fmax(min_w, FUNNEL_BAND_W * items[i + 1].value / max) : w;
		/* a band narrows to the next one's width, never widens: a funnel */
		double bottom = fmin(w, next);
		double xy[8] = { mid - w / 2,	y, mid + w / 2, y, mid + bottom / 2, y + FUNNEL_ROW, mid - bottom / 2,
				 y + FUNNEL_ROW };
		double base = y + FUNNEL_ROW / 2.0 + LABEL_SIZE / 2.5;
		an_svg_polygon(out, xy, 4, an_svg_colour(i));
		fitted(out, left - 10, base, LABEL_SIZE, AN_SVG_END, INK, items[i].label, FUNNEL_LABEL_W);
		if (items[i].note)
			fitted(out, notes_x, base, LABEL_SIZE, AN_SVG_START, INK, items[i].note,
			       FUNNEL_W - notes_x - 10);
	}
	an_svg_end(out);
}

/* Horizontal bars: labels | bars | the note after each bar's end. */
#define BARS_W	     760
#define BARS_LABEL_W 190
#define BARS_NOTE_W  190
#define BARS_ROW     28

void an_svg_bars(struct buf *out, const char *title, const struct an_svg_item *items, int n)
{
	double left = 20 + BARS_LABEL_W + 10, span = BARS_W - left - BARS_NOTE_W - 10, max;

	if (n > AN_SVG_MAX_ITEMS)
		n = AN_SVG_MAX_ITEMS;
	if (n <= 0) {
		empty(out, title);
		return;
	}
	max = max_value(items, n);
	an_svg_begin(out, BARS_W, TOP + n * BARS_ROW + 20, title);
	an_svg_line(out, left, TOP - 4, left, TOP + n * BARS_ROW, FAINT, 1);
	for (int i = 0; i < n; i++) {
		double y = TOP + i * BARS_ROW, w = max > 0 ? span * items[i].value / max : 0;
		double base = y + BARS_ROW / 2.0 + LABEL_SIZE / 2.5;
		an_svg_rect(out, left, y + 4, fmax(w, 1), BARS_ROW - 8, an_svg_colour(0));
		fitted(out, left - 8, base, LABEL_SIZE, AN_SVG_END, INK, items[i].label, BARS_LABEL_W);
		if (items[i].note)
			fitted(out, left + w + 6, base, LABEL_SIZE - 1, AN_SVG_START, INK, items[i].note,
			       BARS_W - (left + w + 6) - 6);
	}
	an_svg_end(out);
}

/* The Pareto chart's plot area. */
#define PARETO_W 760
#define PARETO_H 400
#define PARETO_L 70
#define PARETO_R 60
#define PARETO_B 60

/* A round step for an axis from 0 to max, in about five steps. */
static double nice_step(double max)
{
	double raw = max / 5, mag, f;
	if (raw <= 0)
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

void an_svg_pareto(struct buf *out, const char *title, const struct an_svg_item *items, int n)
{
	double x0 = PARETO_L, x1 = PARETO_W - PARETO_R, y0 = TOP + 10, y1 = PARETO_H - PARETO_B;
	double total = 0, cum = 0, max, step, top, slot;
	double *line;
	struct buf t = BUF_INIT;

	for (int i = 0; i < n; i++)
		total += items[i].value;
	if (n > AN_SVG_MAX_ITEMS)
		n = AN_SVG_MAX_ITEMS;
	if (n <= 0 || total <= 0) {
		empty(out, title);
		return;
	}
	max = max_value(items, n);
	step = nice_step(max);
	top = ceil(max / step) * step;
	slot = (x1 - x0) / n;
	an_svg_begin(out, PARETO_W, PARETO_H, title);
	/* the left axis (counts) and its grid; the right one (cumulative %) */
	for (double v = 0; v <= top + step / 2; v += step) {
		double y = y1 - (y1 - y0) * v / top;
		buf_reset(&t);
		an_svg_number(&t, v);
		an_svg_line(out, x0, y, x1, y, GRID, 1);
		an_svg_text(out, x0 - 6, y + 4, 11, AN_SVG_END, FAINT, t.data);
	}
	for (int pct = 0; pct <= 100; pct += 20) {
		buf_reset(&t);
		buf_addf(&t, "%d%%", pct);
		an_svg_text(out, x1 + 6, y1 - (y1 - y0) * pct / 100.0 + 4, 11, AN_SVG_START, FAINT, t.data);
	}
	{
		double y80 = y1 - (y1 - y0) * 0.8, xy[4] = { x0, y80, x1, y80 };
		an_svg_polyline(out, xy, 2, an_svg_colour(2), 1, 1);
		an_svg_text(out, x1 - 4, y80 - 4, 11, AN_SVG_END, an_svg_colour(2), "80%");
	}
	line = xcalloc((size_t)n * 2, sizeof(*line));
	for (int i = 0; i < n; i++) {
		double h = (y1 - y0) * items[i].value / top, x = x0 + i * slot;
		an_svg_rect(out, x + slot * 0.15, y1 - h, slot * 0.7, h, an_svg_colour(0));
		buf_reset(&t);
		an_svg_number(&t, items[i].value);
		an_svg_text(out, x + slot / 2, y1 - h - 4, 11, AN_SVG_MIDDLE, INK, t.data);
		fitted(out, x + slot / 2, y1 + 18, 12, AN_SVG_MIDDLE, INK, items[i].label, slot - 4);
		cum += items[i].value;
		line[2 * i] = x + slot / 2;
		line[2 * i + 1] = y1 - (y1 - y0) * cum / total;
	}
	an_svg_polyline(out, line, n, an_svg_colour(1), 2, 0);
	for (int i = 0; i < n; i++)
		an_svg_circle(out, line[2 * i], line[2 * i + 1], 3.5, an_svg_colour(1));
	an_svg_line(out, x0, y1, x1, y1, INK, 1);
	an_svg_text(out, x0, PARETO_H - 14, 11, AN_SVG_START, FAINT,
		    "bars: count 数量 · line: cumulative share 累计占比");
	free(line);
	buf_release(&t);
	an_svg_end(out);
}
