/* common/csv.c - CSV (RFC 4180) reading and writing, UTF-8. */
#include "common/csv.h"
#include "common/utf8.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

void csv_reader_init(struct csv_reader *r, FILE *in)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->line = 1;
	r->problem_field = -1;
}

void csv_reader_release(struct csv_reader *r)
{
	for (size_t i = 0; i < r->alloc; i++)
		buf_release(&r->fields[i]);
	free(r->fields);
	r->fields = NULL;
	r->alloc = r->nfields = 0;
}

static struct buf *next_field(struct csv_reader *r)
{
	if (r->nfields == r->alloc) {
		size_t old = r->alloc;
		ALLOC_GROW(r->fields, r->nfields + 1, r->alloc);
		for (size_t i = old; i < r->alloc; i++)
			buf_init(&r->fields[i]);
	}
	buf_reset(&r->fields[r->nfields]);
	return &r->fields[r->nfields++];
}

static void note(struct csv_reader *r, const char *what)
{
	if (!r->problem[0]) {
		snprintf(r->problem, sizeof(r->problem), "%s", what);
		r->problem_field = (int)r->nfields - 1;
	}
}

/* The next byte, from the bytes read ahead (a byte order mark that was not
 * one, or a look-ahead) first. */
static int next_byte(struct csv_reader *r)
{
	if (r->npending)
		return r->pending[--r->npending];
	return getc(r->in);
}

static void push_back(struct csv_reader *r, int c)
{
	if (c != EOF)
		r->pending[r->npending++] = (unsigned char)c;
}

/* A byte order mark before the header is not part of it. */
static void skip_bom(struct csv_reader *r)
{
	int b[3];
	int n = 0;
	while (n < 3 && (b[n] = getc(r->in)) != EOF)
		n++;
	if (n == 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		return;
	while (n > 0)
		push_back(r, b[--n]);
}

int csv_read(struct csv_reader *r)
{
	struct buf *f;
	int c, quoted = 0, after_quote = 0, any = 0;
	size_t size = 0;

	r->nfields = 0;
	r->problem[0] = '\0';
	r->problem_field = -1;
	if (!r->started) {
		r->started = 1;
		skip_bom(r);
	}
	r->record_line = r->line;
	f = next_field(r);
	for (;;) {
		c = next_byte(r);
		if (c == EOF) {
			if (ferror(r->in))
				return -1;
			if (quoted)
				note(r, "the file ends inside a quoted field");
			break;
		}
		if (++size > CSV_RECORD_MAX) {
			snprintf(r->problem, sizeof(r->problem),
				 "the record is longer than %d MiB: a closing quote or a line end is missing%s",
				 CSV_RECORD_MAX >> 20, quoted ? " (a quoted field starts in it)" : "");
			r->problem_field = -1;
			return -2;
		}
		if (quoted) {
			if (c == '"') {
				int d = next_byte(r);
				if (d == '"') {
					buf_addch(f, '"');
				} else {
					push_back(r, d);
					quoted = 0;
					after_quote = 1;
				}
			} else {
				if (c == '\n')
					r->line++;
				buf_addch(f, (char)c);
			}
			continue;
		}
		if (c == '\r') {
			int d = next_byte(r);
			if (d != '\n')
				push_back(r, d);
			c = '\n';
		}
		if (c == '\n') {
			r->line++;
			if (!any && r->nfields == 1) {
				/* an empty line: no record */
				r->record_line = r->line;
				continue;
			}
			break;
		}
		any = 1;
		if (c == ',') {
			f = next_field(r);
			after_quote = 0;
			continue;
		}
		if (c == '"' && f->len == 0 && !after_quote) {
			quoted = 1;
			continue;
		}
		if (after_quote || c == '"')
			note(r, "a quote in the middle of a field (quote the whole field and double the quote)");
		buf_addch(f, (char)c);
	}
	if (!any && r->nfields == 1 && c == EOF)
		return 0;
	for (size_t i = 0; i < r->nfields; i++)
		if (!utf8_valid(r->fields[i].data, r->fields[i].len)) {
			if (!r->problem[0]) {
				snprintf(r->problem, sizeof(r->problem), "%s",
					 memchr(r->fields[i].data, 0, r->fields[i].len) ? "a NUL byte"
											: "not valid UTF-8");
				r->problem_field = (int)i;
			}
			break;
		}
	return 1;
}

void csv_add_field(struct buf *out, const char *value)
{
	/* an empty field stays empty: import reads it as no value */
	if (!value[strcspn(value, ",\"\r\n")] && value[0] != ' ') {
		buf_adds(out, value);
		return;
	}
	buf_addch(out, '"');
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			buf_addch(out, '"');
		buf_addch(out, *p);
	}
	buf_addch(out, '"');
}

void csv_add_text_field(struct buf *out, const char *value)
{
	struct buf guarded = BUF_INIT;

	if (!value[0] || !strchr("=+-@\t\r", value[0])) {
		csv_add_field(out, value);
		return;
	}
	buf_addch(&guarded, '\'');
	buf_adds(&guarded, value);
	csv_add_field(out, guarded.data);
	buf_release(&guarded);
}
