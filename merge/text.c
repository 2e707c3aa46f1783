/* merge/text.c - compile text templates with {{placeholders}} and sections. */
#include "merge/text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xalloc.h"
#include "merge/problem.h"
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

static void fail(struct compiler *c, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(struct compiler *c, const char *at, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	merge_problem_report(c->err, &c->t->places, c->t->escape == MERGE_ESC_WORDML, c->src, (size_t)(at - c->src),
			     msg.data);
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
	char *tag = c->xml ? merge_problem_unescape_xml(body, len) : xstrndup(body, len), *name;
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
		merge_problem_report(err, &t->places, t->escape == MERGE_ESC_WORDML, src, c.stack[c.depth]->offset,
				     msg);
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

int merge_text_compile_part(struct merge_tpl *t, const char *src, enum merge_escape escape, struct merge_places *places,
			    const struct value *shape, const struct value *globals, struct err *err)
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
				merge_problem_line_col(text, open, &l, &c);
				buf_addf(out, "line %d, column %d: ", l, c);
			}
			buf_addf(out, "'%.*s%s' is %s template syntax, which crmgate does not read: write %s\n",
				 (int)shown, open, shown < len ? "…" : "", foreign[k].engine, foreign[k].instead);
			p = close + strlen(foreign[k].close);
		}
	}
}
