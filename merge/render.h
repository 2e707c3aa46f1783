/* merge/render.h - a compiled template and its rendering for one target.
 *
 * A template is parsed once per batch into a tree of nodes: fixed bytes,
 * fields (a name and its format switches) and sections (repeated per list
 * item, or shown when a value is true, or when it is false for an inverted
 * section). Rendering a target writes the bytes and each field's value,
 * formatted and escaped for the output (plain text, HTML, or WordprocessingML,
 * where a line break in a value becomes <w:br/>); nothing is parsed again. */
#ifndef MERGE_RENDER_H
#define MERGE_RENDER_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/value.h"
#include "merge/field.h"
#include "merge/problem.h"

enum merge_escape {
	MERGE_ESC_NONE,	  /* plain text: e-mail bodies, SMS */
	MERGE_ESC_HTML,	  /* & < > " ' escaped */
	MERGE_ESC_WORDML, /* XML escaped, line breaks as </w:t><w:br/><w:t xml:space="preserve"> */
	MERGE_ESC_XML,	  /* XML escaped: a package part that is not WordprocessingML (docProps) */
};

enum merge_node_kind { MERGE_NODE_TEXT, MERGE_NODE_FIELD, MERGE_NODE_SECTION };

struct merge_node {
	enum merge_node_kind kind;
	char *text; /* TEXT: the bytes to write; SECTION: the name */
	size_t len;
	struct merge_field field;    /* FIELD */
	int inverted;		     /* SECTION: {{^name}} */
	struct merge_node *children; /* SECTION */
	size_t nchildren, alloc;
	size_t offset; /* where it stood in the source, for messages */
};

/* The root of a template: a section that is always shown. */
struct merge_tpl {
	struct merge_node root;
	enum merge_escape escape;
	struct merge_places places; /* of a prepared XML part, for messages */
};

void merge_tpl_init(struct merge_tpl *t, enum merge_escape escape);
void merge_tpl_release(struct merge_tpl *t);
/* Append a child to a section node (or the root); returns it, zeroed but for kind. */
struct merge_node *merge_node_add(struct merge_node *parent, enum merge_node_kind kind);

/* Render t for the record rec (an object: the target's fields) into out.
 * A name rec lacks is looked up in globals ("today", "unsubscribe_url"), an
 * object or NULL. A value that cannot be formatted by its switch is
 * ERR_INPUT naming the field. */
int merge_render(struct buf *out, const struct merge_tpl *t, const struct value *rec, const struct value *globals,
		 struct err *err);

/* Check that every field and section of t (compiled from src) names
 * something records shaped like shape have (an object whose members are
 * present, lists holding one item of their shape), or globals. Each name that
 * is not there is a problem reported through merge_problem_report; returns
 * err's code (0 when every name is known). */
int merge_tpl_check(const struct merge_tpl *t, const char *src, const struct value *shape, const struct value *globals,
		    struct err *err);

/* How many fields t holds, in sections too (section tags aside). */
int merge_tpl_count_fields(const struct merge_tpl *t);

/* Format one value as a field shows it (switches applied, not escaped). */
int merge_value_text(struct buf *out, const struct value *v, const struct merge_field *f, struct err *err);

/* Append s to out escaped for esc. */
void merge_escape(struct buf *out, const char *s, size_t len, enum merge_escape esc);

#endif
