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
	struct merge_tpl *t;
	struct merge_node *stack[MAX_NESTING + 1]; /* open sections, the root first */
	int depth;
	int xml; /* the source is an XML part: tags are XML-escaped */
	enum merge_escape escape;
	int failed; /* a problem was reported: the template is not usable */
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

/* At most NEAR_BYTES of text before a problem and from it on. */
#define NEAR_BYTES 24

void merge_text_near(struct buf *out, const char *text, size_t len, size_t at)
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
			char *one = amp ? unescape_xml(p, (size_t)(amp + 1 - p)) : NULL;
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
	merge_text_near(near, text.data, text.len, at_text);
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

void merge_text_problem(struct err *err, const struct merge_tpl *t, const char *src, size_t offset, const char *msg)
{
	const struct merge_place *pl = merge_places_find(&t->places, offset);
	struct buf where = BUF_INIT, near = BUF_INIT;

	if (pl) {
		merge_problem_at(err, pl->where, pl->near, msg);
	} else if (t->escape == MERGE_ESC_WORDML) {
		where_in_xml(&where, &near, src, src + offset);
		merge_problem_at(err, where.data, near.data, msg);
	} else {
		int l, c;
		position(src, src + offset, &l, &c);
		buf_addf(&where, "line %d, column %d", l, c);
		merge_problem_at(err, where.data, NULL, msg);
	}
	buf_release(&where);
	buf_release(&near);
}

static void fail(struct compiler *c, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct compiler *c, const char *at, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	merge_text_problem(c->err, c->t, c->src, (size_t)(at - c->src), msg.data);
	c->failed = 1;
	buf_release(&msg);
}

/* Text between tags that holds "}}" closes nothing: a '{{' went missing or
 * was mistyped. HTML is left alone: its style sheets end rules with "}}". */
static void stray_closes(struct compiler *c, const char *p, size_t len)
{
	const char *end = p + len, *q;
	if (c->escape == MERGE_ESC_HTML)
		return;
	while (p < end && (q = memmem(p, (size_t)(end - p), "}}", 2))) {
		fail(c, q, "'}}' closes nothing: its '{{' is missing");
		p = q + 2;
	}
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
/* One tag's content, trimmed: "#lines", "/lines", "name \@ "M月d日"". A
 * problem is reported and the tag left out, so that the rest of the template
 * is still read and every problem found at once. */
static void add_tag(struct compiler *c, const char *at, const char *body, size_t len)
{
	char *tag = c->xml ? unescape_xml(body, len) : xstrndup(body, len), *name;
	struct merge_node *n;

	name = tag;
	while (isspace((unsigned char)*name))
		name++;
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (*name == '#' || *name == '^') {
		char *sec = name + 1;
		while (isspace((unsigned char)*sec))
			sec++;
		if (!*sec) {
			fail(c, at, "a section needs a name");
		} else if (c->depth == MAX_NESTING) {
			fail(c, at, "sections nest too deep at '%s'", sec);
		} else {
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
			fail(c, at, "section '%s' is closed but was never opened", sec);
		else if (strcasecmp(c->stack[c->depth]->text, sec))
			fail(c, at, "section '%s' is closed while another one is open", sec);
		else
			c->depth--;
	} else {
		struct merge_field f;
		struct err ferr = ERR_INIT;
		/* the field parser names the field; say where it stands too */
		if (merge_field_parse(&f, name, 0, &ferr)) {
			fail(c, at, "%s", ferr.msg.data);
		} else {
			n = merge_node_add(c->stack[c->depth], MERGE_NODE_FIELD);
			n->offset = (size_t)(at - c->src);
			n->field = f;
		}
		err_release(&ferr);
	}
	free(tag);
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

/* Compile src into t, reporting every problem; with a shape, check the
 * names too (even when the syntax had problems: the names that were read).
 * On a problem t is released. */
static int compile(struct merge_tpl *t, const char *src, enum merge_escape escape, struct merge_places *places,
		   const struct value *shape, const struct value *globals, struct err *err)
{
	struct compiler c = { .src = src,
			      .t = t,
			      .err = err,
			      .xml = escape == MERGE_ESC_WORDML || escape == MERGE_ESC_XML,
			      .escape = escape };
	const char *p = src;

	merge_tpl_init(t, escape);
	if (places) {
		t->places = *places;
		memset(places, 0, sizeof(*places));
	}
	c.stack[0] = &t->root;
	while (*p) {
		const char *open = strstr(p, "{{"), *close;
		if (!open) {
			stray_closes(&c, p, strlen(p));
			add_text(&c, p, strlen(p));
			break;
		}
		stray_closes(&c, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		/* in an XML part a tag stands in the text of one element: a '}}'
		 * past markup closes something else (a later paragraph's) */
		if (!close || (c.xml && memchr(open + 2, '<', (size_t)(close - open - 2)))) {
			add_text(&c, p, (size_t)(open + 2 - p));
			fail(&c, open, "'{{' is never closed by '}}'");
			p = open + 2;
			continue;
		}
		const char *next = close + 2;
		size_t lead = standalone(src, open, close + 2, &next);
		add_text(&c, p, (size_t)(open - p) - lead);
		add_tag(&c, open, open + 2, (size_t)(close - open - 2));
		p = next;
	}
	for (; c.depth > 0; c.depth--) {
		char *msg = xstrfmt("section '%s' is never closed", c.stack[c.depth]->text);
		merge_text_problem(err, t, src, c.stack[c.depth]->offset, msg);
		c.failed = 1;
		free(msg);
	}
	if (shape && merge_tpl_check(t, src, shape, globals, err))
		c.failed = 1;
	if (!c.failed)
		return 0;
	merge_tpl_release(t);
	return err->code ? err->code : ERR_INPUT;
}

int merge_text_compile(struct merge_tpl *t, const char *src, enum merge_escape escape, struct err *err)
{
	return compile(t, src, escape, NULL, NULL, NULL, err);
}

int merge_text_compile_part(struct merge_tpl *t, const char *src, enum merge_escape escape,
			    struct merge_places *places, const struct value *shape, const struct value *globals,
			    struct err *err)
{
	return compile(t, src, escape, places, shape, globals, err);
}

/* Another engine's syntax, and what crmgate writes instead. */
static const struct {
	const char *open, *close, *engine, *instead;
} foreign[] = {
	{ "{%", "%}", "Jinja's (docxtpl)", "{{#name}}…{{/name}} for a condition or a list" },
	{ "+++", "+++", "docx-templates'", "{{name}} for a value, {{#name}}…{{/name}} for a list" },
	{ "${", "}", "FreeMarker's or Velocity's", "{{name}} for a value" },
};

void merge_text_foreign(struct buf *out, const char *where, const char *text)
{
	for (size_t k = 0; k < ARRAY_SIZE(foreign); k++) {
		const char *p = text, *open, *close;
		int found = 0;
		/* a few of each say enough */
		while (found++ < 10 && (open = strstr(p, foreign[k].open)) &&
		       (close = strstr(open + strlen(foreign[k].open), foreign[k].close))) {
			size_t len = (size_t)(close + strlen(foreign[k].close) - open), shown = len;
			int l, c;
			/* at most 40 bytes of it, whole UTF-8 characters */
			if (shown > 40)
				for (shown = 40; shown && ((unsigned char)open[shown] & 0xC0) == 0x80;)
					shown--;
			if (where) {
				buf_addf(out, "%s: ", where);
			} else {
				position(text, open, &l, &c);
				buf_addf(out, "line %d, column %d: ", l, c);
			}
			buf_addf(out, "'%.*s%s' is %s template syntax, which crmgate does not read: write %s\n",
				 (int)shown, open, shown < len ? "…" : "", foreign[k].engine, foreign[k].instead);
			p = close + strlen(foreign[k].close);
		}
	}
}
