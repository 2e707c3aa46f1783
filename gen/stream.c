/* gen/stream.c - the COPY stream: fields escaped for COPY's text format, sent to
 * PostgreSQL in chunks of about 1 MB, with progress. */
#include "gen/gen_internal.h"

#include <string.h>

#include "crm/db.h"
#include "crm/entity.h"
#include "common/banned.h"

#define FLUSH_BYTES   (1 << 20) /* send COPY data in chunks of this much */
#define BATCH_ROWS    1000000L	/* end and restart a COPY after this many rows */
#define PROGRESS_ROWS 65536L

void gen_w_sep(struct out *w)
{
	if (w->col++)
		buf_addch(&w->b, '\t');
}

/* Append s to the current field, escaped for COPY's text format. */
void gen_a_str(struct out *w, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "\\\t\n\r");
		buf_add(&w->b, s, n);
		s += n;
		if (!*s)
			return;
		buf_addch(&w->b, '\\');
		buf_addch(&w->b, *s == '\\' ? '\\' : *s == '\t' ? 't' : *s == '\n' ? 'n' : 'r');
		s++;
	}
}

void gen_a_uint(struct out *w, unsigned long long v, int width)
{
	char tmp[24];
	int i = (int)sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v || (int)sizeof(tmp) - i < width);
	buf_add(&w->b, tmp + i, sizeof(tmp) - (size_t)i);
}

void gen_w_null(struct out *w)
{
	gen_w_sep(w);
	buf_add(&w->b, "\\N", 2);
}

void gen_w_str(struct out *w, const char *s)
{
	gen_w_sep(w);
	gen_a_str(w, s);
}

void gen_w_str_or_null(struct out *w, const char *s)
{
	if (s)
		gen_w_str(w, s);
	else
		gen_w_null(w);
}

void gen_w_int(struct out *w, long long v)
{
	gen_w_sep(w);
	if (v < 0) {
		buf_addch(&w->b, '-');
		gen_a_uint(w, (unsigned long long)-v, 1);
	} else {
		gen_a_uint(w, (unsigned long long)v, 1);
	}
}

/* An id; 0 is NULL. */
void gen_w_ref(struct out *w, long long id)
{
	if (id > 0)
		gen_w_int(w, id);
	else
		gen_w_null(w);
}

void gen_w_code(struct out *w, const char *prefix, long n, int width)
{
	gen_w_sep(w);
	buf_adds(&w->b, prefix);
	gen_a_uint(w, (unsigned long long)n, width);
}

static void a_date(struct out *w, int day)
{
	int y, m, d;
	gen_civil_from_days(day, &y, &m, &d);
	gen_a_uint(w, (unsigned long long)y, 4);
	buf_addch(&w->b, '-');
	gen_a_uint(w, (unsigned long long)m, 2);
	buf_addch(&w->b, '-');
	gen_a_uint(w, (unsigned long long)d, 2);
}

void gen_w_date(struct out *w, int day)
{
	gen_w_sep(w);
	a_date(w, day);
}

void gen_w_time(struct out *w, int64_t t)
{
	int day, minute;
	if (t == NO_TIME) {
		gen_w_null(w);
		return;
	}
	day = gen_time_day(t);
	minute = (int)(t - (int64_t)day * 1440);
	gen_w_sep(w);
	a_date(w, day);
	buf_addch(&w->b, ' ');
	gen_a_uint(w, (unsigned long long)(minute / 60), 2);
	buf_addch(&w->b, ':');
	gen_a_uint(w, (unsigned long long)(minute % 60), 2);
	buf_add(&w->b, ":00+08", 6);
}

void gen_w_money(struct out *w, long long cents)
{
	gen_w_sep(w);
	gen_a_uint(w, (unsigned long long)(cents / 100), 1);
	buf_addch(&w->b, '.');
	gen_a_uint(w, (unsigned long long)(cents % 100), 2);
}

void gen_w_bool(struct out *w, int v)
{
	gen_w_sep(w);
	buf_addch(&w->b, v ? 't' : 'f');
}

/* While a table is written its total is an estimate (never below done);
 * at its end, total is done. */
void gen_report(struct gen *g, long done, int end)
{
	if (g->progress)
		g->progress(g->progress_ctx, g->w.stage, done, end || g->w.total < done ? done : g->w.total);
}

static void out_send(struct gen *g)
{
	if (!g->rc && g->w.b.len) {
		g->rc = crm_db_copy_in_put(g->db, g->w.b.data, g->w.b.len, g->err);
		if (g->rc)
			g->w.open = 0; /* a failed put has ended the COPY */
	}
	buf_reset(&g->w.b);
}

static void out_start(struct gen *g)
{
	if (!g->rc)
		g->rc = crm_db_copy_in_begin(g->db, g->w.sql.data, g->err);
	g->w.open = !g->rc;
	g->w.stmt_rows = 0;
}

static void out_stop(struct gen *g)
{
	out_send(g);
	if (g->w.open) {
		int rc = crm_db_copy_in_end(g->db, g->err);
		if (!g->rc)
			g->rc = rc;
		g->w.open = 0;
	}
}

static void add_columns(struct out *w, const struct crm_column *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* a virtual column is no column of the table; a password is
		 * never made up */
		if (cols[i].flags & CRM_VIRTUAL || cols[i].type == CRM_PASSWORD)
			continue;
		buf_addf(&w->sql, "%s%s", w->ncols++ ? ", " : "", cols[i].sql);
	}
}

/* The COPY of a table, from its description in crm/entity.c: its id first
 * when the generator numbers the rows, then the columns of the description
 * in their order, then its internal columns. Every row must give each of
 * them a field, in that order (gen_w_end checks the count): a column added
 * to the description cannot be left out unnoticed. */
const char *gen_copy_sql(struct out *w, const struct crm_entity *e, int has_id)
{
	buf_reset(&w->sql);
	w->ncols = 0;
	buf_addf(&w->sql, "COPY %s (", e->table);
	if (has_id)
		buf_addf(&w->sql, "%s", w->ncols++ ? ", id" : "id");
	add_columns(w, e->columns, e->ncolumns);
	add_columns(w, e->internal, e->ninternal);
	buf_adds(&w->sql, ") FROM STDIN");
	w->table = e->table;
	return w->sql.data;
}

/* Begin the COPY of table ("crm.customer", one of g->tables): stage names
 * it for progress, total is the number of rows expected. */
void gen_out_begin(struct gen *g, const char *stage, const char *table, long total)
{
	const struct crm_entity *e = crm_table_find(table);
	const struct filled *t = NULL;

	for (size_t i = 0; i < g->ntables && !t; i++)
		if (!strcmp(g->tables[i].table, table))
			t = &g->tables[i];
	if (!e || !t)
		BUG("the generator writes %s, which %s", table,
		    e ? "is not in its list of tables" : "crm/entity.c does not describe");
	gen_copy_sql(&g->w, e, t->has_id);
	g->w.stage = stage;
	g->w.rows = 0;
	g->w.total = total;
	g->w.col = 0;
	buf_reset(&g->w.b);
	out_start(g);
	gen_report(g, 0, 0);
}

/* End a row: send a full chunk, and end a long COPY so that PostgreSQL's
 * queue of foreign-key checks stays bounded. */
void gen_w_end(struct gen *g)
{
	struct out *w = &g->w;
	if (w->col != w->ncols)
		BUG("the generator wrote a row of %d fields into the %d columns of %s", w->col, w->ncols, w->table);
	buf_addch(&w->b, '\n');
	w->col = 0;
	w->rows++;
	w->stmt_rows++;
	if (w->b.len >= FLUSH_BYTES)
		out_send(g);
	if (w->stmt_rows >= BATCH_ROWS) {
		out_stop(g);
		out_start(g);
	}
	if (w->rows % PROGRESS_ROWS == 0)
		gen_report(g, w->rows, 0);
}

/* End the COPY of a table; returns its row count. */
long gen_out_end(struct gen *g)
{
	out_stop(g);
	if (!g->rc)
		gen_report(g, g->w.rows, 1);
	return g->w.rows;
}
