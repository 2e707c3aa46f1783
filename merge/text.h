/* merge/text.h - text templates: e-mail subjects and bodies (plain or HTML)
 * and SMS texts, with {{name}} placeholders (Word's field switches allowed:
 * {{birthday \@ "M月d日"}}), {{#list}}…{{/list}} repeated per item,
 * {{#flag}}…{{/flag}} shown when true and {{^flag}}…{{/flag}} when false. */
#ifndef MERGE_TEXT_H
#define MERGE_TEXT_H

#include "common/err.h"
#include "merge/render.h"

/* Compile src into t (merge_tpl_init'ed by this call). Errors (ERR_INPUT)
 * name the line and column: "line 3, column 5: section 'lines' is never
 * closed"; every problem found is listed in err->detail. */
int merge_text_compile(struct merge_tpl *t, const char *src, enum merge_escape escape, struct err *err);

/* Report a problem at byte offset of src: "line 3, column 5: MSG" in a text
 * template, "paragraph 12: MSG (near "…")" in a Word part (escape WORDML).
 * The first problem becomes err's message (ERR_INPUT), later ones its detail. */
void merge_text_problem(struct err *err, const char *src, size_t offset, enum merge_escape escape, const char *msg);

#endif
