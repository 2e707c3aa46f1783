/* merge/text.c - compile text templates with {{placeholders}} and sections. */
#include "merge/text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

#define MAX_NESTING 32

struct compiler {
	const char *src;
	struct merge_node *stack[MAX_NESTING + 1]; /* open sections, the root first */
	int depth;
	int xml; /* the source is an XML part: tags are XML-escaped */
	struct err *err;
};

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

static int fail(struct compiler *c, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct compiler *c, const char *at, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	int line, col;

	position(c->src, at, &line, &col);
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	err_set(c->err, ERR_INPUT, "line %d, column %d: %s", line, col, msg.data);
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

/* One tag's content, trimmed: "#lines", "/lines", "name \@ "M月d日"". */
static int add_tag(struct compiler *c, const char *at, const char *body, size_t len)
{
	char *tag = c->xml ? unescape_xml(body, len) : xstrndup(body, len), *name;
	struct merge_node *n;
	int rc = 0, line, col;

	name = tag;
	while (isspace((unsigned char)*name))
		name++;
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	position(c->src, at, &line, &col);
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
			n->line = line;
			c->stack[++c->depth] = n;
		}
	} else if (*name == '/') {
		char *sec = name + 1;
		while (isspace((unsigned char)*sec))
			sec++;
		if (c->depth == 0)
			rc = fail(c, at, "section '%s' is closed but was never opened", sec);
		else if (strcmp(c->stack[c->depth]->text, sec))
			rc = fail(c, at, "section '%s' is closed while another one is open", sec);
		else
			c->depth--;
	} else {
		n = merge_node_add(c->stack[c->depth], MERGE_NODE_FIELD);
		n->line = line;
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
	struct compiler c = { .src = src, .err = err, .xml = escape == MERGE_ESC_WORDML };
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
		int line = c.stack[c.depth]->line;
		rc = err_set(err, ERR_INPUT, "line %d: section '%s' is never closed", line, c.stack[c.depth]->text);
	}
	if (rc)
		merge_tpl_release(t);
	return rc;
}
