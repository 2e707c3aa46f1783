/* merge/text.c - compile text templates with {{placeholders}} and sections. */
#include "merge/text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "common/banned.h"

#define MAX_NESTING 32

struct compiler {
	const char *src;
	struct merge_node *stack[MAX_NESTING + 1]; /* open sections, the root first */
	int depth;
	int xml; /* the source is an XML part: tags are XML-escaped */
	enum merge_escape escape;
	struct err *err;
};

/* In an XML part a tag's text is XML-escaped ("\b &quot;x&quot;" after a
 * round trip through a serializer): read it back as typed. */
static char *unescape_xml(const char *s, size_t len)
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

static void position(const char *src, const char *at, int *line, int *col)
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

/* The text a person sees in xml[from, to): tags dropped, entities read, at
 * most max bytes (whole UTF-8 characters) from its start or, when tail, its end. */
static void visible_text(struct buf *out, const char *from, const char *to, size_t max, int tail)
{
	struct buf b = BUF_INIT;
	const char *start;
	for (const char *p = from; p < to; p++) {
		if (*p == '<') {
			const char *gt = memchr(p, '>', (size_t)(to - p));
			if (!gt)
				break;
			p = gt;
			continue;
		}
		buf_addch(&b, *p);
	}
	char *text = unescape_xml(b.data, b.len);
	size_t len = strlen(text);
	start = text;
	if (len > max) {
		start = tail ? text + len - max : text;
		if (tail)
			while (((unsigned char)*start & 0xC0) == 0x80)
				start++;
		len = tail ? strlen(start) : max;
		while (!tail && len && ((unsigned char)start[len] & 0xC0) == 0x80)
			len--;
		if (tail)
			buf_adds(out, "…");
	}
	buf_add(out, start, len);
	if (!tail && len < strlen(start))
		buf_adds(out, "…");
	free(text);
	buf_release(&b);
}

/* A section tag between paragraphs had a paragraph of its own in the
 * template (merge/docx_xml.c lifts it out); one beside a table row was
 * written in the row's cells. */
static int lifted_tag(const char *src, const char *p)
{
	const char *close;
	if (p[0] != '{' || p[1] != '{' || !p[2] || !strchr("#^/", p[2]))
		return 0;
	if (p - src >= 7 && !memcmp(p - 7, "</w:tr>", 7))
		return 0;
	close = strstr(p, "}}");
	return !close || strncmp(close + 2, "<w:tr", 5);
}

/* Where offset stands in an XML part, as a person finds it in Word: the
 * paragraph's number in the part (a section tag that had a paragraph of its
 * own counts as one) and the text around it. */
static void where_in_xml(struct buf *where, struct buf *near, const char *src, const char *at)
{
	const char *pstart = NULL, *pend;
	int n = 0, in_para = 0;

	for (const char *p = src; p < at; p++) {
		if (para_start(p)) {
			n++;
			in_para = p[4] != '/';
			pstart = p;
		} else if (!strncmp(p, "</w:p>", 6)) {
			in_para = 0;
		} else if (!in_para && lifted_tag(src, p)) {
			n++;
			pstart = p;
		}
	}
	buf_addf(where, "paragraph %d", n ? n : 1);
	if (!pstart)
		pstart = src;
	pend = strstr(at, "</w:p>");
	if (!pend)
		pend = at + strlen(at);
	visible_text(near, pstart, at, 24, 1);
	visible_text(near, at, pend, 24, 0);
}

void merge_text_problem(struct err *err, const char *src, size_t offset, enum merge_escape escape, const char *msg)
{
	struct buf where = BUF_INIT, near = BUF_INIT, line = BUF_INIT;

	if (escape == MERGE_ESC_WORDML) {
		where_in_xml(&where, &near, src, src + offset);
		buf_addf(&line, "%s: %s (near \"%s\")", where.data, msg, near.data);
	} else {
		int l, c;
		position(src, src + offset, &l, &c);
		buf_addf(&line, "line %d, column %d: %s", l, c, msg);
	}
	if (err->code)
		err_detail(err, "%s", line.data);
	else
		err_set(err, ERR_INPUT, "%s", line.data);
	buf_release(&where);
	buf_release(&near);
	buf_release(&line);
}

static int fail(struct compiler *c, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct compiler *c, const char *at, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	merge_text_problem(c->err, c->src, (size_t)(at - c->src), c->escape, msg.data);
	buf_release(&msg);
	return c->err->code;
}

static void add_text(struct compiler *c, const char *p, size_t len)
{
	struct merge_node *n;
	if (!len)
		return;
	n = merge_node_add(c->stack[c->depth], MERGE_NODE_TEXT);
	n->text = xstrndup(p, len);
	n->len = len;
}

/* One tag's content, trimmed: "#lines", "/lines", "name \@ "M月d日"". */
static int add_tag(struct compiler *c, const char *at, const char *body, size_t len)
{
	char *tag = c->xml ? unescape_xml(body, len) : xstrndup(body, len), *name;
	struct merge_node *n;
	int rc = 0;

	name = tag;
	while (isspace((unsigned char)*name))
		name++;
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (*name == '#' || *name == '^') {
		char *sec = name + 1;
		while (isspace((unsigned char)*sec))
			sec++;
		if (!*sec)
			rc = fail(c, at, "a section needs a name");
		else if (c->depth == MAX_NESTING)
			rc = fail(c, at, "sections nest too deep at '%s'", sec);
		if (!rc) {
			n = merge_node_add(c->stack[c->depth], MERGE_NODE_SECTION);
			n->text = xstrdup(sec);
			n->inverted = *name == '^';
			n->offset = (size_t)(at - c->src);
			c->stack[++c->depth] = n;
		}
	} else if (*name == '/') {
		char *sec = name + 1;
		while (isspace((unsigned char)*sec))
			sec++;
		if (c->depth == 0)
			rc = fail(c, at, "section '%s' is closed but was never opened", sec);
		else if (strcasecmp(c->stack[c->depth]->text, sec))
			rc = fail(c, at, "section '%s' is closed while another one is open", sec);
		else
			c->depth--;
	} else {
		n = merge_node_add(c->stack[c->depth], MERGE_NODE_FIELD);
		n->offset = (size_t)(at - c->src);
		struct err ferr = ERR_INIT;
		/* the field parser names the field; say where it stands too */
		if (merge_field_parse(&n->field, name, 0, &ferr))
			rc = fail(c, at, "%s", ferr.msg.data);
		err_release(&ferr);
	}
	free(tag);
	return rc;
}

/* A section tag alone on its line (blanks around it) takes the whole line
 * with it, so that a letter has no empty line where a section was: returns
 * how many blanks before the tag to drop, and moves *next past the line's
 * end. A field, or a tag that shares its line with text, is kept as it is. */
static size_t standalone(const char *src, const char *open, const char *after, const char **next)
{
	const char *a = open, *z = after;
	const char *body = open + 2;
	while (*body == ' ')
		body++;
	if (*body != '#' && *body != '^' && *body != '/')
		return 0;
	while (a > src && (a[-1] == ' ' || a[-1] == '\t'))
		a--;
	if (a > src && a[-1] != '\n')
		return 0;
	while (*z == ' ' || *z == '\t')
		z++;
	if (*z == '\r' && z[1] == '\n')
		z += 2;
	else if (*z == '\n')
		z++;
	else if (*z)
		return 0;
	*next = z;
	return (size_t)(open - a);
}

int merge_text_compile(struct merge_tpl *t, const char *src, enum merge_escape escape, struct err *err)
{
	struct compiler c = { .src = src, .err = err, .xml = escape == MERGE_ESC_WORDML, .escape = escape };
	const char *p = src;
	int rc = 0;

	merge_tpl_init(t, escape);
	c.stack[0] = &t->root;
	while (!rc && *p) {
		const char *open = strstr(p, "{{"), *close;
		if (!open) {
			add_text(&c, p, strlen(p));
			break;
		}
		close = strstr(open + 2, "}}");
		if (!close) {
			add_text(&c, p, (size_t)(open - p));
			rc = fail(&c, open, "'{{' is never closed by '}}'");
			break;
		}
		const char *next = close + 2;
		size_t lead = standalone(src, open, close + 2, &next);
		add_text(&c, p, (size_t)(open - p) - lead);
		rc = add_tag(&c, open, open + 2, (size_t)(close - open - 2));
		p = next;
	}
	if (!rc && c.depth > 0) {
		char *msg = xstrfmt("section '%s' is never closed", c.stack[c.depth]->text);
		merge_text_problem(err, src, c.stack[c.depth]->offset, escape, msg);
		rc = err->code;
		free(msg);
	}
	if (rc)
		merge_tpl_release(t);
	return rc;
}
