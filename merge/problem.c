/* merge/problem.c - where a problem in a template stands, said the way its
 * author can find it: a line and column in a text template, a paragraph
 * and the text around it in a Word part. The compiler (merge/text.c) and
 * the checker (merge/render.c) both report through here, so that neither
 * calls the other. */
#include "merge/problem.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

void merge_places_release(struct merge_places *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		free(p->v[i].where);
		free(p->v[i].near);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

const struct merge_place *merge_places_find(const struct merge_places *p, size_t offset)
{
	size_t lo = 0, hi = p->nr;
	/* the last place at or before offset */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->v[mid].offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &p->v[lo - 1] : NULL;
}

/* In an XML part a tag's text is XML-escaped ("\b &quot;x&quot;" after a
 * round trip through a serializer): read it back as typed. */
char *merge_problem_unescape_xml(const char *s, size_t len)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' } };
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		size_t k = 0;
		if (s[i] == '&')
			for (k = 0; k < ARRAY_SIZE(ents); k++)
				if (!strncmp(s + i, ents[k].ent, strlen(ents[k].ent)) && i + strlen(ents[k].ent) <= len)
					break;
		if (s[i] == '&' && k < ARRAY_SIZE(ents)) {
			buf_addch(&b, ents[k].c);
			i += strlen(ents[k].ent) - 1;
		} else {
			buf_addch(&b, s[i]);
		}
	}
	return buf_detach(&b, NULL);
}

void merge_problem_line_col(const char *src, const char *at, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (const char *p = src; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* A paragraph's start tag: <w:p> or <w:p ...>, not <w:pPr>. */
static int para_start(const char *p)
{
	return !strncmp(p, "<w:p", 4) && (p[4] == '>' || p[4] == ' ' || p[4] == '/');
}

/* At most NEAR_BYTES of text before a problem and from it on. */
#define NEAR_BYTES 24

void merge_problem_near(struct buf *out, const char *text, size_t len, size_t at)
{
	size_t from = at > NEAR_BYTES ? at - NEAR_BYTES : 0, to = len - at > NEAR_BYTES ? at + NEAR_BYTES : len;

	if (at > len)
		at = from = to = len;
	/* whole UTF-8 characters */
	while (from < at && ((unsigned char)text[from] & 0xC0) == 0x80)
		from++;
	while (to > at && to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
		to--;
	if (from > 0)
		buf_adds(out, "…");
	buf_add(out, text + from, to - from);
	if (to < len)
		buf_adds(out, "…");
}

/* Where offset stands in an XML part that was not prepared with places
 * (merge/docx_xml.c gives them): the number of the paragraph it is in and
 * the text a person sees around it. */
static void where_in_xml(struct buf *where, struct buf *near, const char *src, const char *at)
{
	const char *pstart = src, *pend;
	struct buf text = BUF_INIT;
	size_t at_text = 0;
	int n = 0;

	for (const char *p = src; p < at; p++)
		if (para_start(p)) {
			n++;
			pstart = p;
		}
	buf_addf(where, "paragraph %d", n ? n : 1);
	pend = strstr(at, "</w:p>");
	if (!pend)
		pend = at + strlen(at);
	/* the text: tags dropped, entities read */
	for (const char *p = pstart; p < pend; p++) {
		const char *gt;
		if (p == at)
			at_text = text.len;
		if (*p != '<') {
			const char *amp = *p == '&' ? memchr(p, ';', (size_t)(pend - p)) : NULL;
			char *one = amp ? merge_problem_unescape_xml(p, (size_t)(amp + 1 - p)) : NULL;
			if (one) {
				buf_adds(&text, one);
				free(one);
				p = amp;
			} else {
				buf_addch(&text, *p);
			}
			continue;
		}
		if (!(gt = memchr(p, '>', (size_t)(pend - p))))
			break;
		p = gt;
	}
	merge_problem_near(near, text.data, text.len, at_text);
	buf_release(&text);
}

void merge_problem_at(struct err *err, const char *where, const char *near, const char *msg)
{
	struct buf line = BUF_INIT;

	buf_addf(&line, "%s: %s", where, msg);
	if (near)
		buf_addf(&line, " (near \"%s\")", near);
	if (err->code)
		err_detail(err, "%s", line.data);
	else
		err_set(err, ERR_INPUT, "%s", line.data);
	buf_release(&line);
}

void merge_problem_report(struct err *err, const struct merge_places *places, int wordml, const char *src,
			  size_t offset, const char *msg)
{
	const struct merge_place *pl = merge_places_find(places, offset);
	struct buf where = BUF_INIT, near = BUF_INIT;

	if (pl) {
		merge_problem_at(err, pl->where, pl->near, msg);
	} else if (wordml) {
		where_in_xml(&where, &near, src, src + offset);
		merge_problem_at(err, where.data, near.data, msg);
	} else {
		int l, c;
		merge_problem_line_col(src, src + offset, &l, &c);
		buf_addf(&where, "line %d, column %d", l, c);
		merge_problem_at(err, where.data, NULL, msg);
	}
	buf_release(&where);
	buf_release(&near);
}
