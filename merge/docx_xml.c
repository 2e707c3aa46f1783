/* merge/docx_xml.c - turn Word's split runs and merge fields into plain
 * {{placeholders}} (ECMA-376 part 1, 17.16 fields; 17.3.2 runs), with libxml2. */
#include "merge/docx_xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/xalloc.h"
#include "merge/field.h"
#include "common/banned.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

struct nodes {
	xmlNodePtr *v;
	size_t nr, alloc;
};

static void nodes_push(struct nodes *n, xmlNodePtr node)
{
	ALLOC_GROW(n->v, n->nr + 1, n->alloc);
	n->v[n->nr++] = node;
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

/* Elements named name below n, in document order, without entering text
 * boxes (their paragraphs are paragraphs of their own). */
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

/* A new run "<w:r>[rPr]<w:t>text</w:t></w:r>". rpr is moved, not copied,
 * from a run that is about to go: a copy would carry its own namespace
 * declaration. */
static xmlNodePtr new_run(xmlNodePtr like, xmlNodePtr rpr, const char *text)
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
	return r;
}

/* "MERGEFIELD name \@ x" -> "{{name \@ x}}"; NULL when it is another field. */
static char *placeholder_for(const char *instr)
{
	struct merge_field f;
	struct err err = ERR_INIT;
	const char *p = instr;
	char *out;

	if (!merge_field_is_mergefield(instr))
		return NULL;
	/* keep the switches as written: parse only to check */
	if (merge_field_parse(&f, instr, 1, &err)) {
		err_release(&err);
		return NULL;
	}
	merge_field_release(&f);
	while (*p == ' ')
		p++;
	p += strlen("MERGEFIELD");
	while (*p == ' ')
		p++;
	out = xstrfmt("{{%s}}", p);
	for (size_t n = strlen(out); n > 4 && out[n - 3] == ' ';) {
		memmove(out + n - 3, out + n - 2, 3);
		n--;
	}
	return out;
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

/* Complex fields: begin / instrText... / separate / result runs / end. Only
 * MERGEFIELDs that begin and end in this paragraph are replaced; a field
 * inside another field is left to Word. */
static int replace_complex_fields(xmlNodePtr p)
{
	struct nodes runs = { 0 };
	size_t begin = 0;
	int depth = 0, in_result = 0, count = 0;
	struct buf instr = BUF_INIT;
	xmlNodePtr result_rpr = NULL;

	collect(&runs, p, "r", 0);
	for (size_t i = 0; i < runs.nr; i++) {
		const char *type = NULL;
		xmlNodePtr r = runs.v[i];
		if (run_fldchar(r, &type) && type) {
			if (!strcmp(type, "begin")) {
				if (depth++ == 0) {
					begin = i;
					buf_reset(&instr);
					in_result = 0;
					result_rpr = first_child_w(r, "rPr");
				}
				continue;
			}
			if (!strcmp(type, "separate") && depth == 1) {
				in_result = 1;
				continue;
			}
			if (!strcmp(type, "end") && --depth == 0) {
				char *ph = placeholder_for(instr.data);
				if (ph) {
					xmlNodePtr nr = new_run(r, result_rpr, ph);
					xmlAddPrevSibling(runs.v[begin], nr);
					for (size_t k = begin; k <= i; k++) {
						xmlUnlinkNode(runs.v[k]);
						xmlFreeNode(runs.v[k]);
					}
					count++;
					free(ph);
				}
				continue;
			}
			if (depth < 0)
				depth = 0;
			continue;
		}
		if (depth == 1 && !in_result) {
			xmlNodePtr it = first_child_w(r, "instrText");
			if (it) {
				char *s = node_text(it);
				buf_adds(&instr, s);
				free(s);
			}
		} else if (depth == 1 && in_result && result_rpr == first_child_w(runs.v[begin], "rPr")) {
			/* the field takes the formatting of its result */
			xmlNodePtr rpr = first_child_w(r, "rPr");
			if (rpr)
				result_rpr = rpr;
		}
	}
	buf_release(&instr);
	free(runs.v);
	return count;
}

static int replace_simple_fields(xmlNodePtr p)
{
	struct nodes simple = { 0 };
	int count = 0;

	collect(&simple, p, "fldSimple", 0);
	for (size_t i = 0; i < simple.nr; i++) {
		xmlNodePtr f = simple.v[i];
		xmlChar *instr = xmlGetNsProp(f, (const xmlChar *)"instr", (const xmlChar *)W_NS);
		char *ph = instr ? placeholder_for((const char *)instr) : NULL;
		if (ph) {
			struct nodes runs = { 0 };
			collect(&runs, f, "r", 0);
			xmlAddPrevSibling(f, new_run(f, runs.nr ? first_child_w(runs.v[0], "rPr") : NULL, ph));
			xmlUnlinkNode(f);
			xmlFreeNode(f);
			free(runs.v);
			count++;
		}
		free(ph);
		xmlFree(instr);
	}
	free(simple.v);
	return count;
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

/* Move each placeholder that spans w:t elements into the one it starts in. */
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
		count += !strchr("#^/", s[2]); /* fields, not section tags */
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

static int is_section_tag(const char *s, size_t len)
{
	return len > 5 && s[0] == '{' && s[1] == '{' && (s[2] == '#' || s[2] == '^' || s[2] == '/') &&
	       s[len - 1] == '}' && s[len - 2] == '}' && !memchr(s + 2, '}', len - 4);
}

static xmlNodePtr ancestor_w(xmlNodePtr n, const char *name, const char *stop)
{
	for (n = n->parent; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
		if (is_w(n, name))
			return n;
		if (stop && is_w(n, stop))
			return NULL;
	}
	return NULL;
}

/* Does paragraph p hold more than text: a picture, a text box, an object? */
static int holds_objects(xmlNodePtr p)
{
	static const char *const kinds[] = { "drawing", "pict", "object", "txbxContent" };
	int found = 0;
	for (size_t i = 0; !found && i < ARRAY_SIZE(kinds); i++) {
		struct nodes n = { 0 };
		collect(&n, p, kinds[i], 1);
		found = n.nr > 0;
		free(n.v);
	}
	return found;
}

/* The name in "{{#name}}", "{{^name}}" or "{{/name}}". */
static char *tag_name(const char *tag, size_t len)
{
	const char *a = tag + 3, *b = tag + len - 2;
	while (a < b && *a == ' ')
		a++;
	while (b > a && b[-1] == ' ')
		b--;
	return xstrndup(a, (size_t)(b - a));
}

/* A closing tag goes after the row, after any the rows before it put
 * there: in the order the paragraphs hold them (xmlAddNextSibling would put
 * each new one first). */
static void put_after_row(xmlNodePtr row, const char *tag)
{
	if (row->next && row->next->type == XML_TEXT_NODE)
		xmlNodeAddContent(row->next, (const xmlChar *)tag);
	else
		xmlAddNextSibling(row, xmlNewDocText(row->doc, (const xmlChar *)tag));
}

#define MAX_ROW_TAGS 64

struct row_tag {
	size_t from, to; /* in the paragraph's text */
	char *name;
	int opens, lift;
};

/* A paragraph of a table row that holds section tags among other text:
 * "{{#lines}}{{product_name}}" in the first cell, "{{amount}}{{/lines}}" in
 * the last. A tag whose partner is in the same paragraph stays inline
 * ("{{#discounted}}（折）{{/discounted}}", "{{^lines}}none{{/lines}}"); the
 * others open before the row or close after it, so that the row repeats. */
static void lift_row_tags(xmlNodePtr row, struct para_text *pt)
{
	struct row_tag tags[MAX_ROW_TAGS];
	size_t n = 0, open[MAX_ROW_TAGS], depth = 0;
	const char *all = pt->all.data, *s;

	for (s = all; n < MAX_ROW_TAGS && (s = strstr(s, "{{"));) {
		const char *e = strstr(s + 2, "}}");
		if (!e)
			break;
		if (is_section_tag(s, (size_t)(e + 2 - s))) {
			struct row_tag *t = &tags[n++];
			t->from = (size_t)(s - all);
			t->to = (size_t)(e + 2 - all);
			t->name = tag_name(s, t->to - t->from);
			t->opens = s[2] != '/';
			t->lift = 1;
			if (t->opens) {
				open[depth++] = n - 1;
			} else if (depth && !strcmp(tags[open[depth - 1]].name, t->name)) {
				tags[open[--depth]].lift = 0;
				t->lift = 0;
			}
		}
		s = e + 2;
	}
	for (size_t i = 0; i < n; i++) {
		char *tag = xstrndup(all + tags[i].from, tags[i].to - tags[i].from);
		if (!tags[i].lift)
			;
		else if (tags[i].opens)
			xmlAddPrevSibling(row, xmlNewDocText(row->doc, (const xmlChar *)tag));
		else
			put_after_row(row, tag);
		free(tag);
	}
	/* out of the text, last first: the offsets of earlier tags stay true
	 * (gather_placeholders left each tag inside one w:t) */
	while (n-- > 0) {
		if (tags[n].lift) {
			size_t k = holder(pt, tags[n].from);
			char *text = node_text(pt->t.v[k]);
			size_t at = tags[n].from - pt->start[k], len = tags[n].to - tags[n].from;
			memmove(text + at, text + at + len, strlen(text + at + len) + 1);
			set_text(pt->t.v[k], text);
			free(text);
		}
		free(tags[n].name);
	}
}

/* Section tags that stand alone, or that open or close a table row range,
 * move out of the paragraph: the paragraph (or the row) then belongs to the
 * section, and a false section leaves nothing behind. */
static void lift_section_tags(xmlNodePtr p)
{
	struct para_text pt;
	const char *all;
	size_t len;
	xmlNodePtr row = ancestor_w(p, "tr", "txbxContent");

	para_text_load(&pt, p);
	all = pt.all.data;
	/* trim blanks: a tag alone on its line */
	while (*all == ' ')
		all++;
	len = strlen(all);
	while (len && all[len - 1] == ' ')
		len--;
	if (pt.t.nr && is_section_tag(all, len)) {
		char *tag = xstrndup(all, len);
		if (row && tag[2] != '/')
			xmlAddPrevSibling(row, xmlNewDocText(p->doc, (const xmlChar *)tag));
		else if (row)
			put_after_row(row, tag);
		else
			xmlAddPrevSibling(p, xmlNewDocText(p->doc, (const xmlChar *)tag));
		if (row || holds_objects(p)) {
			/* a cell needs its paragraph; a picture or text box stays */
			for (size_t i = 0; i < pt.t.nr; i++)
				set_text(pt.t.v[i], "");
		} else {
			xmlUnlinkNode(p);
			xmlFreeNode(p);
		}
		free(tag);
	} else if (row) {
		lift_row_tags(row, &pt);
	}
	para_text_release(&pt);
}

/* Parse an untrusted part: no DTD, no entities, no network. */
static int parse(xmlDocPtr *out, const char *part, const char *xml, size_t len, struct err *err)
{
	xmlDocPtr doc;

	if (len > (size_t)INT32_MAX)
		return err_set(err, ERR_INPUT, "part %s is too large", part);
	doc = xmlReadMemory(xml, (int)len, part, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		err_set(err, ERR_INPUT, "part %s, line %d: broken XML: %s", part, e ? e->line : 0,
			e && e->message ? e->message : "not well-formed");
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

int merge_docx_prepare(struct buf *out, int *fields, const char *part, const char *xml, size_t len,
		       struct err *err)
{
	xmlDocPtr doc;
	struct nodes paras = { 0 };
	xmlChar *mem = NULL;
	int size = 0, rc;

	*fields = 0;
	if ((rc = parse(&doc, part, xml, len, err)))
		return rc;
	collect(&paras, xmlDocGetRootElement(doc), "p", 1);
	for (size_t i = 0; i < paras.nr; i++) {
		replace_complex_fields(paras.v[i]);
		replace_simple_fields(paras.v[i]);
		*fields += gather_placeholders(paras.v[i]);
	}
	/* lifting may remove paragraphs: do it last */
	for (size_t i = 0; i < paras.nr; i++)
		lift_section_tags(paras.v[i]);
	free(paras.v);
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	buf_reset(out);
	if (mem)
		buf_add(out, mem, (size_t)size);
	xmlFree(mem);
	xmlFreeDoc(doc);
	return 0;
}
