/* cli/output.c - results as a table for people, or CSV or JSON for programs. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/cli.h"
#include "common/csv.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* A table cell shows at most this many terminal columns. */
#define CELL_MAX 40

/* How many terminal columns the UTF-8 text s takes (CJK characters take two). */
static size_t display_width(const char *s, size_t *bytes_for_max, size_t max)
{
	mbstate_t st;
	size_t w = 0, i = 0, n = strlen(s);
	memset(&st, 0, sizeof(st));
	if (bytes_for_max)
		*bytes_for_max = n;
	while (i < n) {
		wchar_t wc;
		size_t len = mbrtowc(&wc, s + i, n - i, &st);
		int cw;
		if (len == (size_t)-1 || len == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			len = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (bytes_for_max && w + (size_t)cw > max) {
			*bytes_for_max = i;
			bytes_for_max = NULL;
		}
		w += (size_t)cw;
		i += len ? len : 1;
	}
	return w;
}

/* A value as people read it: a boolean as true or false (PostgreSQL's t
 * and f as the CSV contract writes them), anything else as it is. */
static const char *cell(const struct crm_res *res, int r, int c)
{
	const char *v = crm_res_get(res, r, c);
	if (v && crm_res_kind(res, c) == CRM_RES_BOOL)
		return *v == 't' ? "true" : "false";
	return v;
}

/* A cell's text on one line, cut to CELL_MAX columns with "…"; a control
 * character that is no line break or tab is shown as an escape, never
 * passed to the terminal. */
static char *cell_text(const char *v)
{
	struct buf b = BUF_INIT, line = BUF_INIT;
	size_t cut;
	for (const char *p = v ? v : ""; *p; p++)
		buf_addch(&line, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
	utf8_add_visible(&b, line.data, line.len, 1);
	buf_release(&line);
	if (display_width(b.data, &cut, CELL_MAX - 1) > CELL_MAX) {
		buf_truncate(&b, cut);
		buf_adds(&b, "…");
	}
	return buf_detach(&b, NULL);
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

static void print_table(const struct crm_res *res, FILE *f)
{
	int rows = crm_res_rows(res), cols = crm_res_cols(res);
	size_t *width = xcalloc((size_t)cols, sizeof(*width));
	char **cells = xcalloc((size_t)rows * (size_t)cols + 1, sizeof(*cells));

	for (int c = 0; c < cols; c++)
		width[c] = display_width(crm_res_name(res, c), NULL, 0);
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			char *t = cell_text(cell(res, r, c));
			size_t w = display_width(t, NULL, 0);
			cells[r * cols + c] = t;
			if (w > width[c])
				width[c] = w;
		}
	for (int c = 0; c < cols; c++) {
		const char *name = crm_res_name(res, c);
		fprintf(f, "%s%s", c ? "  " : "", name);
		if (c + 1 < cols)
			pad(f, width[c] - display_width(name, NULL, 0));
	}
	fputc('\n', f);
	for (int c = 0; c < cols; c++) {
		fputs(c ? "  " : "", f);
		for (size_t i = 0; i < width[c]; i++)
			fputc('-', f);
	}
	fputc('\n', f);
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			const char *t = cells[r * cols + c];
			int right = crm_res_kind(res, c) == CRM_RES_NUMBER;
			size_t w = display_width(t, NULL, 0);
			fputs(c ? "  " : "", f);
			if (right)
				pad(f, width[c] - w);
			fputs(t, f);
			if (!right && c + 1 < cols)
				pad(f, width[c] - w);
		}
		fputc('\n', f);
	}
	for (int i = 0; i < rows * cols; i++)
		free(cells[i]);
	free(cells);
	free(width);
}

static void print_csv(const struct crm_res *res, FILE *f)
{
	struct buf line = BUF_INIT;
	int cols = crm_res_cols(res);
	for (int c = 0; c < cols; c++) {
		buf_adds(&line, c ? "," : "");
		csv_add_field(&line, crm_res_name(res, c));
	}
	buf_adds(&line, "\r\n");
	for (int r = 0; r < crm_res_rows(res); r++) {
		for (int c = 0; c < cols; c++) {
			const char *v = cell(res, r, c);
			buf_adds(&line, c ? "," : "");
			/* text may be anyone's words (a respondent's, a customer's
			 * name): never a formula for the spreadsheet that opens
			 * this; numbers and booleans stay what Excel reads them as */
			if (crm_res_kind(res, c) == CRM_RES_TEXT)
				csv_add_text_field(&line, v ? v : "");
			else
				csv_add_field(&line, v ? v : "");
		}
		buf_adds(&line, "\r\n");
	}
	fwrite(line.data, 1, line.len, f);
	buf_release(&line);
}

/* A JSON string (RFC 8259): the controls JSON requires escaped, and DEL and
 * the C1 controls too, so that JSON shown on a terminal cannot steer it. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0)
			fprintf(f, "\\u%04x", *++p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

size_t out_width(const char *s)
{
	return display_width(s, NULL, 0);
}

void out_text(FILE *f, const char *s)
{
	struct buf b = BUF_INIT;
	utf8_add_visible(&b, s, strlen(s), 0);
	fputs(b.data, f);
	buf_release(&b);
}

void out_json_string(FILE *f, const char *s)
{
	json_string(f, s);
}

/* Is v a number as JSON writes it, and as PostgreSQL prints numerics:
 * -?(0|[1-9][0-9]*)(.[0-9]+)? */
static int is_json_number(const char *v)
{
	const char *p = v + (*v == '-');
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return !*p;
}

void out_json_scalar(FILE *f, const char *v)
{
	if (!v)
		fputs("null", f);
	else if (is_json_number(v))
		fputs(v, f);
	else
		json_string(f, v);
}

static void json_value(FILE *f, const struct crm_res *res, int r, int c)
{
	const char *v = crm_res_get(res, r, c);
	if (!v)
		fputs("null", f);
	else if (crm_res_kind(res, c) == CRM_RES_NUMBER)
		fputs(v, f);
	else if (crm_res_kind(res, c) == CRM_RES_BOOL)
		fputs(*v == 't' ? "true" : "false", f);
	else
		json_string(f, v);
}

static void json_object(const struct crm_res *res, int r, FILE *f)
{
	fputc('{', f);
	for (int c = 0; c < crm_res_cols(res); c++) {
		fputs(c ? ", " : "", f);
		json_string(f, crm_res_name(res, c));
		fputs(": ", f);
		json_value(f, res, r, c);
	}
	fputc('}', f);
}

void out_rows(const struct cli *cli, const struct crm_res *res, FILE *f)
{
	switch (cli->format) {
	case OUT_TABLE: print_table(res, f); break;
	case OUT_CSV: print_csv(res, f); break;
	case OUT_JSON:
		fputc('[', f);
		for (int r = 0; r < crm_res_rows(res); r++) {
			fputs(r ? ",\n " : "", f);
			json_object(res, r, f);
		}
		fputs("]\n", f);
		break;
	}
}

void out_record(const struct cli *cli, const struct crm_res *res, int row, FILE *f)
{
	size_t wmax = 0;
	if (cli->format == OUT_JSON) {
		json_object(res, row, f);
		fputc('\n', f);
		return;
	}
	if (cli->format == OUT_CSV) {
		print_csv(res, f);
		return;
	}
	for (int c = 0; c < crm_res_cols(res); c++) {
		size_t w = display_width(crm_res_name(res, c), NULL, 0);
		if (w > wmax)
			wmax = w;
	}
	for (int c = 0; c < crm_res_cols(res); c++) {
		const char *name = crm_res_name(res, c), *v = cell(res, row, c);
		struct buf shown = BUF_INIT, lines = BUF_INIT;
		fprintf(f, "%s:", name);
		pad(f, wmax - display_width(name, NULL, 0) + 1);
		/* CRLF is a line break; other controls are shown as escapes */
		for (const char *p = v ? v : ""; *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				buf_addch(&lines, *p);
		utf8_add_visible(&shown, lines.data, lines.len, 1);
		/* a value on several lines continues under itself */
		for (const char *p = shown.data; *p; p++) {
			fputc(*p, f);
			if (*p == '\n')
				pad(f, wmax + 2);
		}
		fputc('\n', f);
		buf_release(&shown);
		buf_release(&lines);
	}
}

void out_heading(const struct cli *cli, FILE *f, const char *fmt, ...)
{
	va_list ap;
	if (cli->format != OUT_TABLE)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}
