/* merge/docx_xml.c - turn Word's split runs and merge fields into plain
 * {{placeholders}} and put section tags where the XML's structure lets them
 * repeat or vanish (ECMA-376 part 1, 17.16 fields; 17.3.2 runs; 17.4 tables),
 * with libxml2. */
#include "merge/docx_xml.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/xalloc.h"
#include "merge/field.h"
#include "merge/problem.h"
#include "merge/text.h"
#include "common/banned.h"

#define W_NS  "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"

/* Word types curly double quotes around a field's name too. */
#define LQUOTE "\xE2\x80\x9C"
#define RQUOTE "\xE2\x80\x9D"

struct nodes {
	xmlNodePtr *v;
	size_t nr, alloc;
};

static void nodes_push(struct nodes *n, xmlNodePtr node)
{
	ALLOC_GROW(n->v, n->nr + 1, n->alloc);
	n->v[n->nr++] = node;
}

static int nodes_has(const struct nodes *n, xmlNodePtr node)
{
	for (size_t i = 0; i < n->nr; i++)
		if (n->v[i] == node)
			return 1;
	return 0;
}

static int is_w(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, W_NS) &&
	       !strcmp((const char *)n->name, name);
}

static xmlNodePtr first_child_w(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is_w(c, name))
			return c;
	return NULL;
}

/* Elements named name below n, in document order; text boxes are entered
 * only when into_boxes (their paragraphs are paragraphs of their own). */
static void collect(struct nodes *out, xmlNodePtr n, const char *name, int into_boxes)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(c, name))
			nodes_push(out, c);
		if (!into_boxes && is_w(c, "txbxContent"))
			continue;
		collect(out, c, name, into_boxes);
	}
}

static char *node_text(xmlNodePtr n)
{
	xmlChar *s = xmlNodeGetContent(n);
	char *copy = xstrdup(s ? (const char *)s : "");
	xmlFree(s);
	return copy;
}

static void set_text(xmlNodePtr t, const char *s)
{
	xmlNodeSetContentLen(t, NULL, 0);
	xmlNodeAddContent(t, (const xmlChar *)s);
	/* keep leading and trailing blanks: Word drops them otherwise */
	xmlSetNsProp(t, xmlSearchNsByHref(t->doc, t, (const xmlChar *)"http://www.w3.org/XML/1998/namespace"),
		     (const xmlChar *)"space", (const xmlChar *)"preserve");
}

/* Link n next to at without merging it into a neighbouring text node, as
 * xmlAddPrevSibling and xmlAddNextSibling would: each tag keeps its node
 * (and so the paragraph it came from). */
static void link_before(xmlNodePtr at, xmlNodePtr n)
{
	n->parent = at->parent;
	n->doc = at->doc;
	n->next = at;
	n->prev = at->prev;
	if (at->prev)
		at->prev->next = n;
	else if (at->parent)
		at->parent->children = n;
	at->prev = n;
}

static void link_after(xmlNodePtr at, xmlNodePtr n)
{
	n->parent = at->parent;
	n->doc = at->doc;
	n->prev = at;
	n->next = at->next;
	if (at->next)
		at->next->prev = n;
	else if (at->parent)
		at->parent->last = n;
	at->next = n;
}

/* What the preparation of one Word part keeps besides the tree: its
 * paragraphs by number (each w:p's _private holds its number), the text
 * Word shows of each, and the problems found on the way. A w:t made from a
 * MERGEFIELD has the «name» Word shows for it in _private; a section tag
 * moved out of its paragraph has that paragraph's number in _private. */
struct prep {
	xmlDocPtr doc;
	struct nodes paras;
	char **visible;	 /* by paragraph number - 1 */
	char **displays; /* the «name»s the fields' w:t point at, owned here */
	size_t ndisplays, displays_alloc;
	struct problem {
		int para;
		char *msg;
	} * problems;
	size_t nproblems, problems_alloc;
	int fields;
};

static int para_no(const xmlNode *p)
{
	return (int)(intptr_t)p->_private;
}

static void problem(struct prep *pr, xmlNodePtr p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(struct prep *pr, xmlNodePtr p, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	ALLOC_GROW(pr->problems, pr->nproblems + 1, pr->problems_alloc);
	pr->problems[pr->nproblems].para = para_no(p);
	pr->problems[pr->nproblems++].msg = buf_detach(&msg, NULL);
}

/* ------------------------------------------------------------- fields */

static const char *skip_blanks(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* The name a MERGEFIELD instruction names, as Word shows the field: «name». */
static char *field_display(const char *instr)
{
	const char *p = skip_blanks(skip_blanks(instr) + strlen("MERGEFIELD")), *end;

	if (*p == '"' || !strncmp(p, LQUOTE, 3)) {
		p += *p == '"' ? 1 : 3;
		for (end = p; *end && *end != '"' && strncmp(end, RQUOTE, 3);)
			end++;
	} else {
		for (end = p; *end && !isspace((unsigned char)*end);)
			end++;
	}
	return xstrfmt("«%.*s»", (int)(end - p), p);
}

/* "MERGEFIELD name \@ x" -> "{{name \@ x}}", switches as written: the
 * compiler parses them and reports what is wrong where it stands. NULL
 * when the instruction holds "{{" or "}}", which a placeholder cannot carry. */
static char *placeholder_for(const char *instr)
{
	const char *p = skip_blanks(skip_blanks(instr) + strlen("MERGEFIELD"));
	size_t n = strlen(p);

	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (memmem(p, n, "{{", 2) || memmem(p, n, "}}", 2))
		return NULL;
	return xstrfmt("{{%.*s}}", (int)n, p);
}

/* A new run "<w:r>[rPr]<w:t>text</w:t></w:r>" for a MERGEFIELD, its w:t
 * marked with what Word shows of the field. rpr is moved, not copied, from
 * a run that is about to go: a copy would carry its own namespace declaration. */
static xmlNodePtr field_run(struct prep *pr, xmlNodePtr like, xmlNodePtr rpr, const char *text, const char *instr)
{
	xmlNodePtr r = xmlNewDocNode(like->doc, like->ns, (const xmlChar *)"r", NULL);
	xmlNodePtr t;
	if (rpr) {
		xmlUnlinkNode(rpr);
		xmlAddChild(r, rpr);
	}
	t = xmlNewDocNode(like->doc, like->ns, (const xmlChar *)"t", NULL);
	xmlAddChild(r, t);
	set_text(t, text);
	/* owned by pr, not by the node: a later step may free the node */
	ALLOC_GROW(pr->displays, pr->ndisplays + 1, pr->displays_alloc);
	t->_private = pr->displays[pr->ndisplays++] = field_display(instr);
	return r;
}

static xmlNodePtr run_fldchar(xmlNodePtr run, const char **type)
{
	xmlNodePtr fc = first_child_w(run, "fldChar");
	xmlChar *t;
	static const char *const types[] = { "begin", "separate", "end" };
	if (!fc)
		return NULL;
	t = xmlGetNsProp(fc, (const xmlChar *)"fldCharType", (const xmlChar *)W_NS);
	*type = NULL;
	for (size_t i = 0; t && i < 3; i++)
		if (!strcmp((const char *)t, types[i]))
			*type = types[i];
	xmlFree(t);
	return fc;
}

#define MAX_FIELD_DEPTH	      16
#define MAX_SECTION_TAGS      10000
#define MAX_SECTION_TAGS_TEXT "10,000"
#define MAX_WARNINGS	      20

/* A complex field being read: its begin run, instruction and result. */
struct open_field {
	size_t begin;
	struct buf instr;
	int separated, nested, result_seen;
	xmlNodePtr result_rpr;
};

/* A complex field has ended at run end: a MERGEFIELD becomes a placeholder
 * when it stands alone; inside another field (IF) or holding one, it
 * cannot be merged, which is a problem, never a field left behind. */
static void field_ended(struct prep *pr, xmlNodePtr p, struct nodes *runs, struct open_field *f, size_t end, int depth)
{
	const char *instr = f->instr.data;
	char *name, *ph;
	xmlNodePtr nr;

	if (!merge_field_is_mergefield(instr))
		return;
	name = field_display(instr);
	if (depth > 0) {
		problem(pr, p,
			"MERGEFIELD %s stands inside another field (IF…): crmgate does not merge it there; "
			"write a condition as {{#name}}…{{/name}} or {{^name}}…{{/name}}",
			name);
	} else if (f->nested) {
		problem(pr, p, "MERGEFIELD %s holds another field: crmgate cannot merge it", name);
	} else if (!(ph = placeholder_for(instr))) {
		problem(pr, p, "MERGEFIELD %s: '{{' and '}}' cannot stand in its switches", name);
	} else {
		nr = field_run(pr, runs->v[f->begin], f->result_rpr, ph, instr);
		xmlAddPrevSibling(runs->v[f->begin], nr);
		for (size_t k = f->begin; k <= end; k++) {
			xmlUnlinkNode(runs->v[k]);
			xmlFreeNode(runs->v[k]);
		}
		free(ph);
	}
	free(name);
}

/* Complex fields: begin / instrText... / separate / result runs / end. */
static void replace_complex_fields(struct prep *pr, xmlNodePtr p)
{
	struct nodes runs = { 0 };
	struct open_field st[MAX_FIELD_DEPTH];
	int depth = 0;

	collect(&runs, p, "r", 0);
	for (size_t i = 0; i < runs.nr && depth < MAX_FIELD_DEPTH; i++) {
		const char *type = NULL;
		xmlNodePtr r = runs.v[i];
		if (run_fldchar(r, &type) && type) {
			if (!strcmp(type, "begin")) {
				struct open_field *f = &st[depth];
				if (depth)
					st[depth - 1].nested = 1;
				memset(f, 0, sizeof(*f));
				f->begin = i;
				buf_init(&f->instr);
				f->result_rpr = first_child_w(r, "rPr");
				depth++;
			} else if (!strcmp(type, "separate") && depth) {
				st[depth - 1].separated = 1;
			} else if (!strcmp(type, "end") && depth) {
				depth--;
				field_ended(pr, p, &runs, &st[depth], i, depth);
				buf_release(&st[depth].instr);
			}
			continue;
		}
		if (depth && !st[depth - 1].separated) {
			xmlNodePtr it = first_child_w(r, "instrText");
			if (it) {
				char *s = node_text(it);
				buf_adds(&st[depth - 1].instr, s);
				free(s);
			}
		} else if (depth == 1 && !st[0].result_seen && first_child_w(r, "rPr")) {
			/* the field takes the formatting of its result */
			st[0].result_rpr = first_child_w(r, "rPr");
			st[0].result_seen = 1;
		}
	}
	/* a field that goes on into the next paragraph */
	while (depth > 0) {
		struct open_field *f = &st[--depth];
		if (merge_field_is_mergefield(f->instr.data)) {
			char *name = field_display(f->instr.data);
			problem(pr, p,
				"MERGEFIELD %s runs on into the next paragraph: crmgate merges a field that "
				"begins and ends in one paragraph",
				name);
			free(name);
		}
		buf_release(&f->instr);
	}
	free(runs.v);
}

static void replace_simple_fields(struct prep *pr, xmlNodePtr p)
{
	struct nodes simple = { 0 };

	collect(&simple, p, "fldSimple", 0);
	for (size_t i = 0; i < simple.nr; i++) {
		xmlNodePtr f = simple.v[i];
		xmlChar *instr = xmlGetNsProp(f, (const xmlChar *)"instr", (const xmlChar *)W_NS);
		char *ph = instr && merge_field_is_mergefield((const char *)instr)
				   ? placeholder_for((const char *)instr)
				   : NULL;
		if (ph) {
			struct nodes runs = { 0 };
			collect(&runs, f, "r", 0);
			xmlAddPrevSibling(f, field_run(pr, f, runs.nr ? first_child_w(runs.v[0], "rPr") : NULL, ph,
						       (const char *)instr));
			xmlUnlinkNode(f);
			xmlFreeNode(f);
			free(runs.v);
		} else if (instr && merge_field_is_mergefield((const char *)instr)) {
			char *name = field_display((const char *)instr);
			problem(pr, p, "MERGEFIELD %s: '{{' and '}}' cannot stand in its switches", name);
			free(name);
		}
		free(ph);
		xmlFree(instr);
	}
	free(simple.v);
}

/* The paragraph's text, and where each w:t starts in it. */
struct para_text {
	struct nodes t;
	size_t *start;
	struct buf all;
};

static void para_text_load(struct para_text *pt, xmlNodePtr p)
{
	memset(pt, 0, sizeof(*pt));
	buf_init(&pt->all);
	collect(&pt->t, p, "t", 0);
	pt->start = xcalloc(pt->t.nr + 1, sizeof(*pt->start));
	for (size_t i = 0; i < pt->t.nr; i++) {
		char *s = node_text(pt->t.v[i]);
		pt->start[i] = pt->all.len;
		buf_adds(&pt->all, s);
		free(s);
	}
	pt->start[pt->t.nr] = pt->all.len;
}

static void para_text_release(struct para_text *pt)
{
	free(pt->t.v);
	free(pt->start);
	buf_release(&pt->all);
}

/* Which w:t holds byte off of the paragraph's text (the last one that
 * starts at or before it). */
static size_t holder(const struct para_text *pt, size_t off)
{
	size_t i = 0;
	while (i + 1 < pt->t.nr && pt->start[i + 1] <= off)
		i++;
	return i;
}

/* Move each placeholder that spans w:t elements into the one it starts in;
 * returns how many fields (not section tags) the paragraph holds. */
static int gather_placeholders(xmlNodePtr p)
{
	struct para_text pt;
	size_t spans[256][2], nspans = 0;
	int count = 0;
	const char *s;

	para_text_load(&pt, p);
	for (s = pt.all.data; (s = strstr(s, "{{")) && nspans < 256;) {
		const char *e = strstr(s + 2, "}}");
		if (!e)
			break;
		spans[nspans][0] = (size_t)(s - pt.all.data);
		spans[nspans][1] = (size_t)(e + 2 - pt.all.data);
		nspans++;
		count += !strchr("#^/", *skip_blanks(s + 2)); /* fields, not section tags */
		s = e + 2;
	}
	/* last first, so that the offsets of earlier spans stay true */
	while (nspans-- > 0) {
		size_t a = spans[nspans][0], b = spans[nspans][1];
		size_t i = holder(&pt, a), j = holder(&pt, b - 1);
		if (i == j)
			continue;
		for (size_t k = i; k <= j; k++) {
			char *old = node_text(pt.t.v[k]);
			struct buf nt = BUF_INIT;
			size_t from = pt.start[k];
			if (k == i) {
				buf_add(&nt, old, a - from);
				buf_add(&nt, pt.all.data + a, b - a);
			} else if (k == j) {
				buf_adds(&nt, old + (b - from));
			}
			set_text(pt.t.v[k], nt.data);
			buf_release(&nt);
			free(old);
		}
	}
	para_text_release(&pt);
	return count;
}

/* What Word shows of paragraph n's own text (not its text boxes'): the
 * typed text, «name» for a MERGEFIELD, a blank for a tab or a break. */
static void visible_text(struct buf *out, xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(c, "t")) {
			char *s = c->_private ? NULL : node_text(c);
			buf_adds(out, s ? s : (const char *)c->_private);
			free(s);
		} else if (is_w(c, "tab") || is_w(c, "br") || is_w(c, "cr")) {
			buf_addch(out, ' ');
		} else if (!is_w(c, "txbxContent") && !is_w(c, "pPr") && !is_w(c, "rPr") && !is_w(c, "instrText") &&
			   !(c->ns && !strcmp((const char *)c->ns->href, MC_NS) &&
			     !strcmp((const char *)c->name, "Fallback"))) {
			visible_text(out, c);
		}
	}
}

/* --------------------------------------------------------- section tags */

/* A section tag in the text of a w:t: "{{#lines}}", "{{^vip}}", "{{/vip}}". */
struct tag {
	xmlNodePtr t;	 /* the w:t that holds it */
	size_t from, to; /* in t's text */
	char *text, *name;
	int opens;
	xmlNodePtr para; /* the paragraph it stands in */
	int lift;	 /* it moves out of its w:t, next to anchor */
	xmlNodePtr anchor;
};

struct tags {
	struct tag *v;
	size_t nr, alloc;
};

static void find_tags(struct tags *out, xmlNodePtr root)
{
	struct nodes ts = { 0 };

	collect(&ts, root, "t", 1);
	for (size_t i = 0; i < ts.nr; i++) {
		char *text = node_text(ts.v[i]);
		for (const char *s = text, *e; (s = strstr(s, "{{")) && (e = strstr(s + 2, "}}")); s = e + 2) {
			const char *body = skip_blanks(s + 2), *name = skip_blanks(body + 1), *name_end = e;
			struct tag *t;
			if (!strchr("#^/", *body) || body >= e)
				continue;
			while (name_end > name && isspace((unsigned char)name_end[-1]))
				name_end--;
			ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			t = &out->v[out->nr++];
			memset(t, 0, sizeof(*t));
			t->t = ts.v[i];
			t->from = (size_t)(s - text);
			t->to = (size_t)(e + 2 - text);
			t->text = xstrndup(s, t->to - t->from);
			t->name = xstrndup(name, name_end > name ? (size_t)(name_end - name) : 0);
			t->opens = *body != '/';
			for (xmlNodePtr p = ts.v[i]; p && !t->para; p = p->parent)
				if (is_w(p, "p"))
					t->para = p;
		}
		free(text);
	}
	free(ts.v);
}

static xmlNodePtr common_ancestor(xmlNodePtr a, xmlNodePtr b)
{
	for (xmlNodePtr x = a; x; x = x->parent)
		for (xmlNodePtr y = b; y; y = y->parent)
			if (x == y)
				return x;
	return NULL;
}

/* Do a and b stand at the same kind of place below top (w:p/w:r/w:t and
 * w:p/w:r/w:t)? Then the XML between them closes what it opens, and a
 * section between them may repeat or vanish as it stands. */
static int same_shape(xmlNodePtr top, xmlNodePtr a, xmlNodePtr b)
{
	for (; a != top && b != top; a = a->parent, b = b->parent)
		if (strcmp((const char *)a->name, (const char *)b->name) || a->ns != b->ns)
			return 0;
	return a == top && b == top;
}

/* The ancestor-or-self of n that is a child of top. */
static xmlNodePtr child_toward(xmlNodePtr top, xmlNodePtr n)
{
	while (n->parent != top)
		n = n->parent;
	return n;
}

/* Is n (or an ancestor below the block level) a paragraph? */
static int within_paragraph(xmlNodePtr n)
{
	for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		if (is_w(n, "p"))
			return 1;
		if (is_w(n, "txbxContent") || is_w(n, "tc") || is_w(n, "tr") || is_w(n, "tbl") || is_w(n, "body"))
			return 0;
	}
	return 0;
}

/* The table row n is in (a cell, the row itself), or NULL. */
static xmlNodePtr table_row(xmlNodePtr n)
{
	for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		if (is_w(n, "tr"))
			return n;
		if (is_w(n, "p") || is_w(n, "tbl") || is_w(n, "txbxContent") || is_w(n, "body"))
			return NULL;
	}
	return NULL;
}

/* Is n a table or between a table and its rows (a content control)? */
static int among_rows(xmlNodePtr n)
{
	for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		if (is_w(n, "tbl"))
			return 1;
		if (is_w(n, "tc") || is_w(n, "txbxContent") || is_w(n, "body"))
			return 0;
	}
	return 0;
}

/* Does paragraph p hold more than text: a break, a section's end, a page
 * break before it, a picture, a text box, a field, a footnote mark? What it
 * holds besides a section tag must stay. */
static int holds_more(xmlNodePtr n)
{
	static const char *const plain[] = { "r",
					     "t",
					     "proofErr",
					     "lastRenderedPageBreak",
					     "bookmarkStart",
					     "bookmarkEnd",
					     "sdt",
					     "sdtContent",
					     "smartTag",
					     "customXml",
					     "permStart",
					     "permEnd",
					     "ins",
					     "del",
					     "delText",
					     "noBreakHyphen" };
	for (xmlNodePtr c = n->children; c; c = c->next) {
		size_t i;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* properties: only a section's end and a page break before count */
		if (is_w(c, "pPr")) {
			xmlNodePtr pb = first_child_w(c, "pageBreakBefore");
			xmlChar *val = pb ? xmlGetNsProp(pb, (const xmlChar *)"val", (const xmlChar *)W_NS) : NULL;
			int on = pb && (!val || (strcmp((const char *)val, "0") && strcmp((const char *)val, "false") &&
						 strcmp((const char *)val, "off")));
			xmlFree(val);
			if (on || first_child_w(c, "sectPr"))
				return 1;
			continue;
		}
		if (is_w(c, "rPr") || is_w(c, "sdtPr") || is_w(c, "sdtEndPr") || is_w(c, "smartTagPr") ||
		    is_w(c, "customXmlPr"))
			continue;
		for (i = 0; i < ARRAY_SIZE(plain) && !is_w(c, plain[i]); i++)
			;
		if (i == ARRAY_SIZE(plain) || holds_more(c))
			return 1;
	}
	return 0;
}

/* Paragraph p's text with its section tags (when tags is given) taken out:
 * is it blank? */
static int blank_but_tags(xmlNodePtr p, const struct tags *tags, size_t *ntags)
{
	struct para_text pt;
	size_t n = 0;
	int blank;

	para_text_load(&pt, p);
	for (size_t i = 0; tags && i < tags->nr; i++)
		if (tags->v[i].para == p) {
			/* blank out each tag where it stands in the paragraph's text */
			size_t k, at;
			for (k = 0; k < pt.t.nr && pt.t.v[k] != tags->v[i].t; k++)
				;
			if (k == pt.t.nr)
				continue;
			at = pt.start[k] + tags->v[i].from;
			if (tags->v[i].to - tags->v[i].from <= pt.all.len - at)
				memset(pt.all.data + at, ' ', tags->v[i].to - tags->v[i].from);
			n++;
		}
	blank = strspn(pt.all.data, " \t") == pt.all.len;
	para_text_release(&pt);
	if (ntags)
		*ntags = n;
	return blank;
}

/* Does paragraph p hold section tags and nothing else? */
static int para_alone(const struct tags *tags, xmlNodePtr p, size_t *ntags)
{
	return p && blank_but_tags(p, tags, ntags) && !holds_more(p);
}

/* Does a section tag stand alone in its paragraph, which holds nothing else? */
static int alone(const struct tags *tags, const struct tag *t, size_t *ntags)
{
	return para_alone(tags, t->para, ntags);
}

static xmlNodePtr element_sibling(xmlNodePtr n, int next)
{
	do
		n = next ? n->next : n->prev;
	while (n && n->type != XML_ELEMENT_NODE);
	return n;
}

/* A tag alone in its paragraph, whose partner stands among text: the tag
 * takes the place of its paragraph's end (an opening tag goes to the end of
 * the paragraph before, a closing one to the start of the next), so that the
 * section is the text between the tags, as typed, and no empty paragraph is
 * left where the tag was. 0 when there is no such paragraph next to it. */
static int join_neighbour(struct prep *pr, struct tags *tags, size_t x, size_t other)
{
	struct tag *t = &tags->v[x];
	xmlNodePtr p = t->para, nb = element_sibling(p, !t->opens), target, node, lca;
	struct nodes ts = { 0 };
	size_t ntags = 0, len = strlen(t->text);

	/* a neighbour that is only tags goes itself: the pair is lifted then */
	if (!alone(tags, t, &ntags) || ntags != 1 || !is_w(nb, "p") || para_alone(tags, nb, NULL))
		return 0;
	/* the w:t next to the tag in document order, text boxes counted */
	collect(&ts, nb, "t", 1);
	target = ts.nr ? ts.v[t->opens ? ts.nr - 1 : 0] : NULL;
	free(ts.v);
	if (!target || !(lca = common_ancestor(target, tags->v[other].t)) || table_row(lca) || among_rows(lca) ||
	    !same_shape(lca, target, tags->v[other].t))
		return 0;
	node = xmlNewDocText(pr->doc, (const xmlChar *)t->text);
	node->_private = (void *)(intptr_t)para_no(p);
	if (t->opens) {
		char *old = node_text(target);
		if (target->last)
			link_after(target->last, node);
		else
			xmlAddChild(target, node);
		t->from = strlen(old);
		free(old);
	} else {
		if (target->children)
			link_before(target->children, node);
		else
			xmlAddChild(target, node);
		t->from = 0;
		for (size_t i = 0; i < tags->nr; i++)
			if (i != x && tags->v[i].t == target) {
				tags->v[i].from += len;
				tags->v[i].to += len;
			}
	}
	t->to = t->from + len;
	t->t = target;
	t->para = nb;
	/* blanks around the tag went with it: the paragraph held nothing else */
	for (size_t i = 0; i < pr->paras.nr; i++)
		if (pr->paras.v[i] == p)
			pr->paras.v[i] = NULL;
	xmlUnlinkNode(p);
	xmlFreeNode(p);
	return 1;
}

static void lift(struct tags *tags, size_t o, size_t c, xmlNodePtr lca)
{
	xmlNodePtr row = table_row(lca);
	tags->v[o].lift = tags->v[c].lift = 1;
	tags->v[o].anchor = row ? row : child_toward(lca, tags->v[o].t);
	tags->v[c].anchor = row ? row : child_toward(lca, tags->v[c].t);
}

/* Where the pair of tags o and c goes; returns whether it was lifted:
 *   - in one paragraph, the section is the text between them (or, when
 *     they stand at different depths, such as one in a hyperlink, the runs
 *     from one to the other);
 *   - in a table's cells, it is the rows from one to the other;
 *   - in different paragraphs, each alone in its own, it is the paragraphs
 *     between them, and theirs go;
 *   - in different paragraphs among text, it is the text between them, as
 *     typed; a tag alone in its paragraph joins the paragraph next to it;
 *   - and where none of this fits, or a section inside it had to be lifted,
 *     it is the blocks from the one holding one tag to the one holding the
 *     other. */
static int place_pair(struct prep *pr, struct tags *tags, size_t o, size_t c, int inner_lifted)
{
	struct tag *a = &tags->v[o], *b = &tags->v[c];
	xmlNodePtr lca = common_ancestor(a->t, b->t);
	int alone_a, alone_b;

	if (!lca)
		return 0;
	if (within_paragraph(lca)) {
		if (!inner_lifted && same_shape(lca, a->t, b->t))
			return 0;
	} else if (!table_row(lca) && !among_rows(lca) && !inner_lifted) {
		alone_a = alone(tags, a, NULL);
		alone_b = alone(tags, b, NULL);
		if (!alone_a && !alone_b && same_shape(lca, a->t, b->t))
			return 0;
		if (alone_a != alone_b && join_neighbour(pr, tags, alone_a ? o : c, alone_a ? c : o))
			return 0;
		lca = common_ancestor(a->t, b->t);
	}
	lift(tags, o, c, lca);
	return 1;
}

/* Pair the tags as the compiler will (by name, innermost first) and decide
 * where each pair goes. A tag without its partner stays where it is: the
 * compiler reports it there. */
static void pair_tags(struct prep *pr, struct tags *tags)
{
	size_t *stack = xcalloc(tags->nr + 1, sizeof(*stack)), depth = 0;
	int *lifted_inside = xcalloc(tags->nr + 1, sizeof(*lifted_inside));

	for (size_t i = 0; i < tags->nr; i++) {
		size_t o;
		if (tags->v[i].opens) {
			stack[depth] = i;
			lifted_inside[depth++] = 0;
			continue;
		}
		if (!depth || strcasecmp(tags->v[stack[depth - 1]].name, tags->v[i].name))
			continue;
		o = stack[--depth];
		/* a section around a lifted one is lifted too, or they would cross */
		if (place_pair(pr, tags, o, i, lifted_inside[depth]) && depth)
			lifted_inside[depth - 1] = 1;
	}
	free(stack);
	free(lifted_inside);
}

/* Is anchor inside paragraph p (not p itself)? */
static int inside(xmlNodePtr anchor, xmlNodePtr p)
{
	for (xmlNodePtr n = anchor->parent; n; n = n->parent)
		if (n == p)
			return 1;
	return 0;
}

/* Would removing p leave its container (a cell, a text box, a header, a
 * footnote) without a block, which Word requires? The body needs none. */
static int last_block(xmlNodePtr p, const struct nodes *removed)
{
	if (is_w(p->parent, "body"))
		return 0;
	for (xmlNodePtr s = p->parent->children; s; s = s->next)
		if (s != p && (is_w(s, "p") || is_w(s, "tbl") || is_w(s, "sdt")) && !nodes_has(removed, s))
			return 0;
	return 1;
}

/* Point what the copy n (and below) names through defs, the namespace
 * declarations the copy made itself, at the ones in force at scope. */
static void use_scope_ns(xmlNodePtr n, xmlNsPtr defs, xmlNodePtr scope)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlNsPtr d = defs; d; d = d->next) {
			xmlNsPtr in_scope = xmlSearchNsByHref(scope->doc, scope, d->href);
			if (!in_scope)
				continue;
			if (n->ns == d)
				n->ns = in_scope;
			for (xmlAttrPtr a = n->properties; a; a = a->next)
				if (a->ns == d)
					a->ns = in_scope;
		}
		use_scope_ns(n->children, defs, scope);
	}
}

/* A copy of n for a place below parent, naming the namespaces in force
 * there: libxml2's copy declares them again on itself. */
static xmlNodePtr copy_into(xmlNodePtr n, xmlNodePtr parent)
{
	xmlNodePtr c = xmlDocCopyNode(n, parent->doc, 1);
	xmlNsPtr defs = c->nsDef, keep = NULL, *tail = &keep;

	xmlAddChild(parent, c);
	c->nsDef = NULL;
	use_scope_ns(c, defs, parent);
	/* drop the declarations that are in force anyway */
	while (defs) {
		xmlNsPtr d = defs;
		defs = d->next;
		d->next = NULL;
		if (xmlSearchNsByHref(parent->doc, parent, d->href)) {
			xmlFreeNs(d);
		} else {
			*tail = d;
			tail = &d->next;
		}
	}
	c->nsDef = keep;
	return c;
}

/* Split run r after byte at of its w:t t: r keeps what stands before, a new
 * run after it (with a copy of r's properties) what follows. */
static void split_run(xmlNodePtr r, xmlNodePtr t, size_t at)
{
	xmlNodePtr r2 = xmlNewDocNode(r->doc, r->ns, (const xmlChar *)"r", NULL), t2, rpr = first_child_w(r, "rPr");
	char *text = node_text(t);

	link_after(r, r2);
	if (rpr)
		copy_into(rpr, r2);
	t2 = xmlNewDocNode(r->doc, t->ns, (const xmlChar *)"t", NULL);
	xmlAddChild(r2, t2);
	set_text(t2, text + at);
	text[at] = '\0';
	set_text(t, text);
	while (t->next) {
		xmlNodePtr c = t->next;
		xmlUnlinkNode(c);
		xmlAddChild(r2, c);
	}
	free(text);
}

/* Does t's run hold nothing but properties (and text before or after at
 * in t) on the given side of t? */
static int run_side_empty(xmlNodePtr t, size_t at, int before)
{
	char *text = node_text(t);
	int empty = before ? at == 0 : text[at] == '\0';
	free(text);
	for (xmlNodePtr c = before ? t->prev : t->next; empty && c; c = before ? c->prev : c->next)
		empty = c->type != XML_ELEMENT_NODE || is_w(c, "rPr");
	return empty;
}

enum side { BEFORE, AFTER };

/* Where lifted tag i goes: beside which node, on which side. Anchored at
 * a run of which it is the only lifted tag, it splits the run where it
 * stood, so that the text around it stays on its side of the section. */
static xmlNodePtr place_of(struct tags *tags, size_t i, const struct nodes *removed, enum side *side)
{
	struct tag *t = &tags->v[i];
	xmlNodePtr a = t->anchor;
	size_t n = 0;

	*side = t->opens || nodes_has(removed, a) ? BEFORE : AFTER;
	if (!is_w(a, "r") || t->t->parent != a)
		return a;
	for (size_t k = 0; k < tags->nr; k++)
		n += tags->v[k].lift && tags->v[k].anchor == a;
	if (n != 1)
		return a;
	if (run_side_empty(t->t, t->from, 1)) {
		*side = BEFORE;
	} else if (run_side_empty(t->t, t->from, 0)) {
		*side = AFTER;
	} else {
		split_run(a, t->t, t->from);
		*side = AFTER;
	}
	return a;
}

/* Move the lifted tags out of their w:t next to their anchors, in document
 * order, and take out the paragraphs they leave holding nothing. */
static void lift_tags(struct tags *tags)
{
	struct nodes removed = { 0 }, after_anchor = { 0 }, after_last = { 0 };

	/* out of the text: per w:t, from its last tag to its first */
	for (size_t i = tags->nr; i-- > 0;) {
		struct tag *t = &tags->v[i];
		char *text;
		if (!t->lift)
			continue;
		text = node_text(t->t);
		memmove(text + t->from, text + t->to, strlen(text + t->to) + 1);
		set_text(t->t, text);
		free(text);
	}
	for (size_t i = 0; i < tags->nr; i++) {
		xmlNodePtr p = tags->v[i].para;
		/* the lifted tags' text is gone already */
		int keep = !tags->v[i].lift || !p || nodes_has(&removed, p) || !blank_but_tags(p, NULL, NULL) ||
			   holds_more(p);
		for (size_t k = 0; !keep && k < tags->nr; k++)
			keep = tags->v[k].lift && inside(tags->v[k].anchor, p);
		if (!keep && !last_block(p, &removed))
			nodes_push(&removed, p);
	}
	/* next to the anchors: before it an opening tag, after it a closing
	 * one (and an opening one that follows it); beside a paragraph that
	 * goes, in its place */
	for (size_t i = 0; i < tags->nr; i++) {
		struct tag *t = &tags->v[i];
		xmlNodePtr a, node, last = NULL;
		enum side side;
		size_t k;
		if (!t->lift)
			continue;
		a = place_of(tags, i, &removed, &side);
		node = xmlNewDocText(a->doc, (const xmlChar *)t->text);
		node->_private = (void *)(intptr_t)(t->para ? para_no(t->para) : 0);
		for (k = 0; k < after_anchor.nr; k++)
			if (after_anchor.v[k] == a)
				last = after_last.v[k];
		if (side == BEFORE && !last) {
			link_before(a, node);
			continue;
		}
		link_after(last ? last : a, node);
		if (last) {
			for (k = 0; after_anchor.v[k] != a; k++)
				;
			after_last.v[k] = node;
		} else {
			nodes_push(&after_anchor, a);
			nodes_push(&after_last, node);
		}
	}
	for (size_t i = 0; i < removed.nr; i++) {
		xmlUnlinkNode(removed.v[i]);
		xmlFreeNode(removed.v[i]);
	}
	free(removed.v);
	free(after_anchor.v);
	free(after_last.v);
}

static void tags_release(struct tags *tags)
{
	for (size_t i = 0; i < tags->nr; i++) {
		free(tags->v[i].text);
		free(tags->v[i].name);
	}
	free(tags->v);
}

/* ------------------------------------------------------------ places */

/* A "{{" or "}}" found in the tree, in document order. */
struct occurrence {
	int para;     /* Word parts: the paragraph; 0 when where says it */
	char *where;  /* other parts: "title" */
	char *near;   /* other parts: the text around it */
	char *needle; /* Word parts: what to look for in the paragraph's text */
};

struct occurrences {
	struct occurrence *v;
	size_t nr, alloc;
};

static int is_brace_pair(const char *p)
{
	return (p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}');
}

/* Each "{{" and "}}" of s, left to right, as the compiler meets them. */
static void scan(struct occurrences *out, const char *s, int para, const char *where, const char *display)
{
	size_t len = strlen(s);

	for (const char *p = s; *p;) {
		struct occurrence *o;
		const char *close;
		if (!is_brace_pair(p)) {
			p++;
			continue;
		}
		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		o = &out->v[out->nr++];
		memset(o, 0, sizeof(*o));
		o->para = para;
		if (where) {
			struct buf near = BUF_INIT;
			o->where = xstrdup(where);
			merge_problem_near(&near, s, len, (size_t)(p - s));
			o->near = buf_detach(&near, NULL);
		} else if (display) {
			o->needle = xstrdup(display);
		} else if (p[0] == '{' && (close = strstr(p + 2, "}}")) && close - p < 256) {
			o->needle = xstrndup(p, (size_t)(close + 2 - p));
		} else {
			/* a '}}' with what precedes it, a '{{' with what follows */
			const char *from = p[0] == '}' && p - s > 8 ? p - 8 : p[0] == '}' ? s : p;
			while (from > s && ((unsigned char)*from & 0xC0) == 0x80)
				from--;
			o->needle = xstrndup(from, (size_t)(p + 2 - from));
		}
		p += 2;
	}
}

/* What a docProps element is called in messages: "title", or "property
 * 'Owner'" for a custom property. */
static char *prop_name(xmlNodePtr n)
{
	for (xmlNodePtr e = n; e && e->type == XML_ELEMENT_NODE; e = e->parent)
		if (!strcmp((const char *)e->name, "property")) {
			xmlChar *name = xmlGetProp(e, (const xmlChar *)"name");
			char *s = xstrfmt("property '%s'", name ? (const char *)name : "?");
			xmlFree(name);
			return s;
		}
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->parent;
	return xstrdup(n ? (const char *)n->name : "the part");
}

/* Walk the tree in the order it is written out: an element's attributes,
 * then its children. para is the paragraph being walked (Word parts). */
static void walk(struct occurrences *out, xmlNodePtr n, int para, int props)
{
	for (; n; n = n->next) {
		int here = para;
		if (n->type == XML_ELEMENT_NODE) {
			if (is_w(n, "p") && para_no(n))
				here = para_no(n);
			for (xmlAttrPtr a = n->properties; a; a = a->next) {
				xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
				char *where = props ? prop_name(n) : NULL;
				if (v && (strstr((const char *)v, "{{") || strstr((const char *)v, "}}")))
					scan(out, (const char *)v, here, where, NULL);
				free(where);
				xmlFree(v);
			}
			walk(out, n->children, here, props);
			/* after a paragraph, what stands outside one counts as its */
			if (n->type == XML_ELEMENT_NODE && is_w(n, "p") && !props)
				para = here;
			continue;
		}
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE || n->type == XML_COMMENT_NODE ||
		    n->type == XML_PI_NODE) {
			const char *s = (const char *)n->content;
			char *where;
			if (!s || (!strstr(s, "{{") && !strstr(s, "}}")))
				continue;
			if (n->_private)
				here = (int)(intptr_t)n->_private;
			where = props ? prop_name(n->parent) : NULL;
			scan(out, s, here, where, n->parent && is_w(n->parent, "t") ? n->parent->_private : NULL);
			free(where);
		}
	}
}

/* Record where each "{{" and "}}" of the prepared part stood: the walk of
 * the tree met them in the order the serializer wrote them. When the counts
 * differ (text nodes that join into a "{{"), messages fall back to counting
 * paragraphs in the XML. */
static void make_places(struct merge_places *places, const struct occurrences *occ, const struct buf *xml,
			char **visible, size_t nvisible)
{
	size_t k = 0, *cursor = xcalloc(nvisible + 1, sizeof(*cursor));

	/* the walk and the written part must agree on every one */
	for (const char *p = xml->data; *p; p++)
		if (is_brace_pair(p)) {
			k++;
			p++;
		}
	for (const char *p = xml->data; k == occ->nr && *p; p++) {
		const struct occurrence *o;
		struct merge_place *pl;
		if (!is_brace_pair(p))
			continue;
		o = &occ->v[places->nr];
		ALLOC_GROW(places->v, places->nr + 1, places->alloc);
		pl = &places->v[places->nr++];
		pl->offset = (size_t)(p - xml->data);
		pl->where = o->where ? xstrdup(o->where) : xstrfmt("paragraph %d", o->para ? o->para : 1);
		if (o->near) {
			pl->near = xstrdup(o->near);
		} else {
			/* a paragraph's tags come in order: look on from the last one */
			size_t n = o->para > 0 && (size_t)o->para <= nvisible ? (size_t)o->para : 0;
			const char *vis = n ? visible[n - 1] : "", *at = strstr(vis + cursor[n], o->needle);
			struct buf near = BUF_INIT;
			if (!at && cursor[n])
				at = strstr(vis, o->needle);
			if (at)
				cursor[n] = (size_t)(at - vis) + strlen(o->needle);
			merge_problem_near(&near, vis, strlen(vis), at ? (size_t)(at - vis) : 0);
			pl->near = buf_detach(&near, NULL);
		}
		p++;
	}
	free(cursor);
}

static void occurrences_release(struct occurrences *occ)
{
	for (size_t i = 0; i < occ->nr; i++) {
		free(occ->v[i].where);
		free(occ->v[i].near);
		free(occ->v[i].needle);
	}
	free(occ->v);
}

/* ------------------------------------------------------------ parsing */

/* libxml2's error e as "line N: what" (its message ends with a line feed). */
static char *xml_error(const xmlError *e)
{
	char *msg = xstrfmt("line %d: %s", e ? e->line : 0, e && e->message ? e->message : "not well-formed");
	for (size_t n = strlen(msg); n && isspace((unsigned char)msg[n - 1]);)
		msg[--n] = '\0';
	return msg;
}

/* Parse an untrusted part: no DTD, no entities, no network. */
static int parse(xmlDocPtr *out, const char *part, const char *xml, size_t len, struct err *err)
{
	xmlDocPtr doc;

	if (len > (size_t)INT32_MAX)
		return err_set(err, ERR_INPUT, "part %s is too large", part);
	doc = xmlReadMemory(xml, (int)len, part, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		char *what = xml_error(xmlGetLastError());
		char *colon = strchr(what, ':');
		/* "part P, line 3: broken XML: what" */
		err_set(err, ERR_INPUT, "part %s, %.*s: broken XML%s", part, (int)(colon - what), what, colon);
		free(what);
		return err->code;
	}
	if (doc->intSubset || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return err_set(err, ERR_INPUT, "part %s: a DOCTYPE is not allowed in a document part", part);
	}
	*out = doc;
	return 0;
}

int merge_docx_relations(const char *part, const char *xml, size_t len, merge_relation_fn fn, void *ctx,
			 struct err *err)
{
	xmlDocPtr doc = NULL;
	int rc = parse(&doc, part, xml, len, err);

	for (xmlNodePtr r = rc ? NULL : xmlDocGetRootElement(doc)->children; r && !rc; r = r->next) {
		xmlChar *id, *type, *target;
		if (r->type != XML_ELEMENT_NODE || xmlStrcmp(r->name, BAD_CAST "Relationship"))
			continue;
		id = xmlGetProp(r, BAD_CAST "Id");
		type = xmlGetProp(r, BAD_CAST "Type");
		target = xmlGetProp(r, BAD_CAST "Target");
		if (id && type && target)
			rc = fn(ctx, (const char *)id, (const char *)type, (const char *)target, err);
		xmlFree(id);
		xmlFree(type);
		xmlFree(target);
	}
	xmlFreeDoc(doc);
	return rc;
}

void merge_prepared_init(struct merge_prepared *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->xml);
	buf_init(&p->warnings);
}

void merge_prepared_release(struct merge_prepared *p)
{
	buf_release(&p->xml);
	buf_release(&p->warnings);
	merge_places_release(&p->places);
	memset(p, 0, sizeof(*p));
}

static void serialize(struct buf *out, xmlDocPtr doc)
{
	xmlChar *mem = NULL;
	int size = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	buf_reset(out);
	if (mem)
		buf_add(out, mem, (size_t)size);
	xmlFree(mem);
}

static void prep_release(struct prep *pr)
{
	for (size_t i = 0; i < pr->ndisplays; i++)
		free(pr->displays[i]);
	free(pr->displays);
	for (size_t i = 0; pr->visible && i < pr->paras.nr; i++)
		free(pr->visible[i]);
	for (size_t i = 0; i < pr->nproblems; i++)
		free(pr->problems[i].msg);
	free(pr->problems);
	free(pr->visible);
	free(pr->paras.v);
	xmlFreeDoc(pr->doc);
}

int merge_docx_prepare(struct merge_prepared *out, const char *part, const char *xml, size_t len, struct err *err)
{
	struct prep pr = { 0 };
	struct tags tags = { 0 };
	struct occurrences occ = { 0 };
	int rc, too_many = 0;

	merge_prepared_release(out);
	merge_prepared_init(out);
	if ((rc = parse(&pr.doc, part, xml, len, err)))
		return rc;
	/* paragraphs are numbered as they stand in the template, text boxes'
	 * too: messages name them so, whatever the preparation moves */
	collect(&pr.paras, xmlDocGetRootElement(pr.doc), "p", 1);
	pr.visible = xcalloc(pr.paras.nr + 1, sizeof(*pr.visible));
	for (size_t i = 0; i < pr.paras.nr; i++)
		pr.paras.v[i]->_private = (void *)(intptr_t)(i + 1);
	for (size_t i = 0; i < pr.paras.nr; i++) {
		struct buf vis = BUF_INIT;
		replace_complex_fields(&pr, pr.paras.v[i]);
		replace_simple_fields(&pr, pr.paras.v[i]);
		out->fields += gather_placeholders(pr.paras.v[i]);
		visible_text(&vis, pr.paras.v[i]);
		pr.visible[i] = buf_detach(&vis, NULL);
	}
	/* a few say enough */
	for (size_t i = 0, lines = 0; i < pr.paras.nr && lines < MAX_WARNINGS; i++) {
		char *where = xstrfmt("paragraph %zu", i + 1);
		merge_text_foreign(&out->warnings, where, pr.visible[i]);
		free(where);
		lines = 0;
		for (const char *w = out->warnings.data; (w = strchr(w, '\n')); w++)
			lines++;
	}
	for (size_t i = 0; i < pr.nproblems; i++) {
		struct buf near = BUF_INIT;
		int n = pr.problems[i].para;
		char *where = xstrfmt("paragraph %d", n);
		const char *vis = n > 0 ? pr.visible[n - 1] : "";
		merge_problem_near(&near, vis, strlen(vis), 0);
		merge_problem_at(err, where, near.data, pr.problems[i].msg);
		buf_release(&near);
		free(where);
	}
	find_tags(&tags, xmlDocGetRootElement(pr.doc));
	if (tags.nr > MAX_SECTION_TAGS) {
		/* placing them costs more than linear time: a template is no place
		 * for so many, and a hostile one must not keep us busy */
		xmlNodePtr p = tags.v[MAX_SECTION_TAGS].para;
		char *where = xstrfmt("paragraph %d", p ? para_no(p) : 1);
		merge_problem_at(err, where, NULL, "more than " MAX_SECTION_TAGS_TEXT " section tags in one part");
		free(where);
		too_many = 1;
	} else {
		pair_tags(&pr, &tags);
		lift_tags(&tags);
	}
	tags_release(&tags);
	serialize(&out->xml, pr.doc);
	walk(&occ, pr.doc->children, 0, 0);
	make_places(&out->places, &occ, &out->xml, pr.visible, pr.paras.nr);
	occurrences_release(&occ);
	rc = pr.nproblems || too_many ? ERR_INPUT : 0;
	prep_release(&pr);
	return rc;
}

/* Another engine's syntax in the properties' text, by property. */
static void props_foreign(struct buf *out, xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content &&
		    (strchr((const char *)n->content, '%') || strchr((const char *)n->content, '+') ||
		     strchr((const char *)n->content, '$'))) {
			char *where = prop_name(n->parent);
			merge_text_foreign(out, where, (const char *)n->content);
			free(where);
		} else if (n->type == XML_ELEMENT_NODE) {
			props_foreign(out, n->children);
		}
	}
}

int merge_docx_prepare_props(struct merge_prepared *out, const char *part, const char *xml, size_t len, struct err *err)
{
	xmlDocPtr doc = NULL;
	struct occurrences occ = { 0 };
	int rc;

	merge_prepared_release(out);
	merge_prepared_init(out);
	if ((rc = parse(&doc, part, xml, len, err)))
		return rc;
	serialize(&out->xml, doc);
	walk(&occ, doc->children, 0, 1);
	for (const char *p = out->xml.data; (p = strstr(p, "{{")); p += 2)
		out->fields += !strchr("#^/", *skip_blanks(p + 2));
	props_foreign(&out->warnings, xmlDocGetRootElement(doc));
	make_places(&out->places, &occ, &out->xml, NULL, 0);
	occurrences_release(&occ);
	xmlFreeDoc(doc);
	return 0;
}

/* A parser that only checks well-formedness: no tree, no callbacks, so that
 * checking a part costs a fraction of building it (bench/README.md). */
static xmlParserCtxtPtr checker(const char *part)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr c;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	c = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, part);
	if (c)
		xmlCtxtUseOptions(c, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	return c;
}

/* Feed the last chunk to c and free it: was all it read well-formed
 * (namespaces too)? */
static int checked(xmlParserCtxtPtr c, const char *part, struct err *err)
{
	int ok;

	xmlParseChunk(c, NULL, 0, 1);
	ok = c->wellFormed && c->nsWellFormed;
	if (!ok) {
		char *what = xml_error(xmlCtxtGetLastError(c));
		err_set(err, ERR_FAIL, "part %s would not be well-formed XML (%s)", part, what);
		free(what);
	}
	xmlFreeParserCtxt(c);
	return ok ? 0 : err->code;
}

int merge_xml_check(const char *part, const char *xml, size_t len, struct err *err)
{
	xmlParserCtxtPtr c = checker(part);

	if (!c)
		return err_set(err, ERR_FAIL, "part %s could not be checked", part);
	for (size_t off = 0; off < len && c->wellFormed;) {
		int n = len - off > (1u << 20) ? 1 << 20 : (int)(len - off);
		xmlParseChunk(c, xml + off, n, 0);
		off += (size_t)n;
	}
	return checked(c, part, err);
}

int merge_xml_file_check(const char *part, const char *file, struct err *err)
{
	/* streamed: a print batch's body may be larger than memory should hold */
	xmlParserCtxtPtr c = checker(part);
	FILE *f = fopen(file, "rb");
	char chunk[65536];
	size_t n;

	if (!c || !f) {
		if (c)
			xmlFreeParserCtxt(c);
		if (f)
			fclose(f);
		return err_set(err, ERR_FAIL, "part %s could not be checked: %s", part, strerror(errno));
	}
	while (c->wellFormed && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		xmlParseChunk(c, chunk, (int)n, 0);
	if (ferror(f)) {
		fclose(f);
		xmlFreeParserCtxt(c);
		return err_set(err, ERR_FAIL, "could not read '%s': %s", file, strerror(errno));
	}
	fclose(f);
	return checked(c, part, err);
}

/* ------------------------------------------------------------------ HTML */

/* What an HTML document reads as (merge_xml_html_text): where the walk is. */
struct html_text {
	struct buf *out;
	int quote;	/* blockquotes around the text */
	int line_start; /* nothing written on this line yet */
	int space;	/* a space (1) or a tab (2: a new table cell) is owed before the next word */
	int pre;	/* inside <pre>: white space is kept */
};

static void html_newline(struct html_text *h, int force)
{
	if (!h->line_start || force) {
		if (h->line_start && h->quote)
			for (int i = 0; i < h->quote; i++)
				buf_adds(h->out, "> ");
		buf_addch(h->out, '\n');
	}
	h->line_start = 1;
	h->space = 0;
}

static void html_chars(struct html_text *h, const char *s)
{
	for (; *s; s++) {
		int white = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f';
		if (h->pre && *s == '\n') {
			html_newline(h, 1);
			continue;
		}
		if (white && !h->pre) {
			if (!h->line_start && !h->space)
				h->space = 1;
			continue;
		}
		if (h->line_start) {
			for (int i = 0; i < h->quote; i++)
				buf_adds(h->out, "> ");
			h->line_start = 0;
		} else if (h->space) {
			buf_addch(h->out, h->space == 2 ? '\t' : ' ');
		}
		h->space = 0;
		buf_addch(h->out, *s);
	}
}

static int is_block(const char *name)
{
	static const char *const blocks[] = {
		"p",	"div",	      "tr",	"li",	   "h1",       "h2",	  "h3",	    "h4",
		"h5",	"h6",	      "ul",	"ol",	   "dl",       "dt",	  "dd",	    "table",
		"hr",	"pre",	      "center", "address", "section",  "article", "header", "footer",
		"form", "blockquote", "tbody",	"thead",   "fieldset", "main",	  "nav",    "aside",
	};
	for (size_t i = 0; i < sizeof(blocks) / sizeof(*blocks); i++)
		if (!strcasecmp(name, blocks[i]))
			return 1;
	return 0;
}

static int is_hidden(const char *name)
{
	static const char *const hidden[] = { "head", "script", "style", "title", "template", "noscript" };
	for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++)
		if (!strcasecmp(name, hidden[i]))
			return 1;
	return 0;
}

static void html_walk(struct html_text *h, xmlNode *node, int depth)
{
	for (xmlNode *n = node; n; n = n->next) {
		const char *name = (const char *)n->name;
		int block, quote, pre;

		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				html_chars(h, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || !name || is_hidden(name))
			continue;
		if (!strcasecmp(name, "br")) {
			html_newline(h, 1);
			continue;
		}
		block = is_block(name);
		quote = !strcasecmp(name, "blockquote");
		pre = !strcasecmp(name, "pre");
		if (block)
			html_newline(h, 0);
		/* the cells of a row: their texts apart, as a browser copies them */
		if ((!strcasecmp(name, "td") || !strcasecmp(name, "th")) && !h->line_start)
			h->space = 2;
		h->quote += quote;
		h->pre += pre;
		/* libxml2 limits the depth of what it builds; this is its own guard */
		if (depth < 256)
			html_walk(h, n->children, depth + 1);
		h->quote -= quote;
		h->pre -= pre;
		if (block)
			html_newline(h, 0);
	}
}

int merge_xml_html_text(struct buf *out, const char *html, size_t len, struct err *err)
{
	htmlDocPtr doc;
	struct html_text h = { out, 0, 1, 0, 0 };

	if (len > INT32_MAX)
		return err_set(err, ERR_INPUT, "the HTML is too large");
	/* the charset is UTF-8 already: a <meta charset> must not change it */
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc)
		return err_set(err, ERR_INPUT, "the HTML could not be read");
	html_walk(&h, xmlDocGetRootElement(doc), 0);
	if (!h.line_start)
		buf_addch(out, '\n');
	xmlFreeDoc(doc);
	return 0;
}
