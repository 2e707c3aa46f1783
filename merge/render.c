/* merge/render.c - render a compiled template for one target's record. */
#include "merge/render.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"
#include "common/xalloc.h"
#include "merge/problem.h"
#include "merge/format.h"
#include "common/banned.h"

#define MAX_DEPTH 32

void merge_tpl_init(struct merge_tpl *t, enum merge_escape escape)
{
	memset(t, 0, sizeof(*t));
	t->root.kind = MERGE_NODE_SECTION;
	t->escape = escape;
}

static void node_release(struct merge_node *n)
{
	for (size_t i = 0; i < n->nchildren; i++)
		node_release(&n->children[i]);
	free(n->children);
	free(n->text);
	merge_field_release(&n->field);
}

void merge_tpl_release(struct merge_tpl *t)
{
	node_release(&t->root);
	merge_places_release(&t->places);
	memset(t, 0, sizeof(*t));
}

struct merge_node *merge_node_add(struct merge_node *parent, enum merge_node_kind kind)
{
	struct merge_node *n;
	ALLOC_GROW(parent->children, parent->nchildren + 1, parent->alloc);
	n = &parent->children[parent->nchildren++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

void merge_escape(struct buf *out, const char *s, size_t len, enum merge_escape esc)
{
	size_t i = 0;

	if (esc != MERGE_ESC_WORDML) {
		/* HTML and XML alike */
		if (esc == MERGE_ESC_NONE)
			buf_add(out, s, len);
		else
			utf8_add_xml(out, s, len);
		return;
	}
	/* Word: each line break (LF, CRLF or a lone CR) is a <w:br/> */
	while (i <= len) {
		size_t end = i;
		while (end < len && s[end] != '\n' && s[end] != '\r')
			end++;
		utf8_add_xml(out, s + i, end - i);
		if (end == len)
			break;
		buf_adds(out, "</w:t><w:br/><w:t xml:space=\"preserve\">");
		i = end + 1 + (s[end] == '\r' && end + 1 < len && s[end + 1] == '\n');
	}
}

int merge_value_text(struct buf *out, const struct value *v, const struct merge_field *f, struct err *err)
{
	struct buf raw = BUF_INIT;
	int rc = 0;

	if (!v || v->kind == VALUE_NULL)
		return 0;
	switch (v->kind) {
	case VALUE_TEXT: buf_adds(&raw, v->u.text); break;
	case VALUE_NUMBER:
		/* \* roman, DBNum2... write the number itself, not 12,350.50 */
		if (f->text_number)
			buf_adds(&raw, v->u.number.decimal);
		else
			rc = merge_format_number(&raw, v->u.number.decimal, f->number_picture, v->u.number.money, err);
		break;
	case VALUE_DATE:
		rc = merge_format_date(&raw, v->u.date.y, v->u.date.m, v->u.date.d, v->u.date.hh, v->u.date.mi,
				       v->u.date.ss, f->date_picture, NULL, err);
		break;
	case VALUE_BOOL: buf_adds(&raw, v->u.boolean ? "是" : "否"); break;
	case VALUE_LIST:
	case VALUE_OBJECT:
		rc = err_set(err, ERR_INPUT, "field '%s' is a %s: use it as a section ({{#%s}}…{{/%s}})", f->name,
			     v->kind == VALUE_LIST ? "list" : "record", f->name, f->name);
		break;
	case VALUE_NULL: break;
	}
	if (!rc && f->text_format) {
		struct buf cased = BUF_INIT;
		rc = merge_format_text(&cased, raw.data, f->text_format, err);
		buf_release(&raw);
		raw = cased;
	}
	if (!rc && raw.len) {
		if (f->before)
			buf_adds(out, f->before);
		buf_add(out, raw.data, raw.len);
		if (f->after)
			buf_adds(out, f->after);
	}
	if (rc && err->code)
		err_detail(err, "in field '%s'", f->name);
	buf_release(&raw);
	return rc;
}

/* Sections nest: a name is looked up in the innermost record first. */
struct scope {
	const struct value *rec;
	const struct scope *outer;
};

/* The member of obj named name[0, len), matched as Word matches merge field
 * names: regardless of case ("MERGEFIELD Email" is the column email); a
 * member spelled exactly so wins. */
static const struct value *member_named(const struct value *obj, const char *name, size_t len)
{
	const struct value *folded = NULL;

	if (!obj || obj->kind != VALUE_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->u.object.nr; i++) {
		const struct value_member *m = &obj->u.object.members[i];
		if (strlen(m->key) != len)
			continue;
		if (!memcmp(m->key, name, len))
			return m->val;
		if (!folded && !strncasecmp(m->key, name, len))
			folded = m->val;
	}
	return folded;
}

/* Follow a dotted path ("customer.name") from obj, each step by member_named. */
static const struct value *path_named(const struct value *obj, const char *path)
{
	for (;;) {
		size_t n = strcspn(path, ".");
		obj = member_named(obj, path, n);
		if (!obj || !path[n])
			return obj;
		path += n + 1;
	}
}

static const struct value *lookup(const struct scope *s, const char *name)
{
	size_t first = strcspn(name, ".");
	/* the scope that has the first step of a path holds the rest */
	for (; s; s = s->outer)
		if (member_named(s->rec, name, first))
			return path_named(s->rec, name);
	return NULL;
}

static int render_children(struct buf *out, const struct merge_tpl *t, const struct merge_node *n,
			   const struct scope *s, int depth, struct err *err);

static int render_section(struct buf *out, const struct merge_tpl *t, const struct merge_node *n, const struct scope *s,
			  int depth, struct err *err)
{
	const struct value *v = lookup(s, n->text);
	int rc = 0;

	if (depth > MAX_DEPTH)
		return err_set(err, ERR_INPUT, "sections nest deeper than %d", MAX_DEPTH);
	if (n->inverted)
		return value_truthy(v) ? 0 : render_children(out, t, n, s, depth + 1, err);
	if (!value_truthy(v))
		return 0;
	if (v->kind == VALUE_LIST) {
		for (size_t i = 0; !rc && i < v->u.list.nr; i++) {
			struct scope inner = { v->u.list.items[i], s };
			rc = render_children(out, t, n, &inner, depth + 1, err);
		}
		return rc;
	}
	struct scope inner = { v->kind == VALUE_OBJECT ? v : NULL, s };
	return render_children(out, t, n, &inner, depth + 1, err);
}

static int render_children(struct buf *out, const struct merge_tpl *t, const struct merge_node *n,
			   const struct scope *s, int depth, struct err *err)
{
	struct buf val = BUF_INIT;
	int rc = 0;

	for (size_t i = 0; !rc && i < n->nchildren; i++) {
		const struct merge_node *c = &n->children[i];
		switch (c->kind) {
		case MERGE_NODE_TEXT: buf_add(out, c->text, c->len); break;
		case MERGE_NODE_FIELD:
			buf_reset(&val);
			rc = merge_value_text(&val, lookup(s, c->field.name), &c->field, err);
			if (!rc)
				merge_escape(out, val.data, val.len, t->escape);
			break;
		case MERGE_NODE_SECTION: rc = render_section(out, t, c, s, depth, err); break;
		}
	}
	buf_release(&val);
	return rc;
}

int merge_render(struct buf *out, const struct merge_tpl *t, const struct value *rec, const struct value *globals,
		 struct err *err)
{
	struct scope g = { globals, NULL };
	struct scope s = { rec, globals ? &g : NULL };
	return render_children(out, t, &t->root, &s, 0, err);
}

/* What a template may name, checked against the shape of its records. */
struct checker {
	const struct merge_tpl *t;
	const char *src;
	struct err *err;
};

static void check_children(struct checker *c, const struct merge_node *n, const struct scope *s);

static void unknown(struct checker *c, const struct merge_node *n, const char *name, const char *why)
{
	const char *kind = n->kind == MERGE_NODE_SECTION ? "section" : "field";
	char *msg = why ? xstrfmt("%s '%s' %s", kind, name, why) : xstrfmt("unknown %s '%s'", kind, name);
	merge_problem_report(c->err, &c->t->places, c->t->escape == MERGE_ESC_WORDML, c->src, n->offset, msg);
	free(msg);
}

static void check_children(struct checker *c, const struct merge_node *n, const struct scope *s)
{
	for (size_t i = 0; i < n->nchildren; i++) {
		const struct merge_node *k = &n->children[i];
		const struct value *v;

		if (k->kind == MERGE_NODE_TEXT)
			continue;
		v = lookup(s, k->kind == MERGE_NODE_FIELD ? k->field.name : k->text);
		if (!v) {
			unknown(c, k, k->kind == MERGE_NODE_FIELD ? k->field.name : k->text, NULL);
			continue;
		}
		if (k->kind == MERGE_NODE_FIELD) {
			if (v->kind == VALUE_LIST || v->kind == VALUE_OBJECT)
				unknown(c, k, k->field.name,
					v->kind == VALUE_LIST ? "is a list: repeat it as a section"
							      : "is a record: name one of its fields");
			continue;
		}
		/* a list's items, a record's fields, or a flag: the same scope */
		const struct value *item = v->kind == VALUE_LIST && v->u.list.nr ? v->u.list.items[0] : v;
		struct scope inner = { item->kind == VALUE_OBJECT && !k->inverted ? item : NULL, s };
		check_children(c, k, &inner);
	}
}

int merge_tpl_check(const struct merge_tpl *t, const char *src, const struct value *shape, const struct value *globals,
		    struct err *err)
{
	struct checker c = { t, src, err };
	struct scope g = { globals, NULL };
	struct scope s = { shape, globals ? &g : NULL };
	int before = err->code;

	check_children(&c, &t->root, &s);
	return before ? before : err->code;
}

static int count_fields(const struct merge_node *n)
{
	int count = 0;
	for (size_t i = 0; i < n->nchildren; i++)
		count += n->children[i].kind == MERGE_NODE_FIELD     ? 1
			 : n->children[i].kind == MERGE_NODE_SECTION ? count_fields(&n->children[i])
								     : 0;
	return count;
}

int merge_tpl_count_fields(const struct merge_tpl *t)
{
	return count_fields(&t->root);
}
