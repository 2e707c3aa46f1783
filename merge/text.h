/* merge/text.h - text templates: e-mail subjects and bodies (plain or HTML)
 * and SMS texts, with {{name}} placeholders (Word's field switches allowed:
 * {{birthday \@ "M月d日"}}), {{#list}}…{{/list}} repeated per item,
 * {{#flag}}…{{/flag}} shown when true and {{^flag}}…{{/flag}} when false. */
#ifndef MERGE_TEXT_H
#define MERGE_TEXT_H

#include "common/err.h"
#include "merge/render.h"

/* Compile src into t (merge_tpl_init'ed by this call). Every problem is
 * reported (ERR_INPUT), each with where it stands: "line 3, column 5:
 * section 'lines' is never closed", the first as err's message and the
 * others in its detail; t is then released. A '}}' that closes nothing is
 * a problem too, but in HTML (whose style sheets end rules so). */
int merge_text_compile(struct merge_tpl *t, const char *src, enum merge_escape escape, struct err *err);

/* The same for a part that merge/docx_xml.c prepared (escape WORDML or
 * XML): places (moved into t) say where each tag stood in the template, for
 * messages; with a shape, every field and section is checked against it as
 * merge_tpl_check does, after the syntax, so that one run reports both. */
int merge_text_compile_part(struct merge_tpl *t, const char *src, enum merge_escape escape, struct merge_places *places,
			    const struct value *shape, const struct value *globals, struct err *err);

/* Another template engine's syntax in text ("{% if vip %}", "+++INS name+++",
 * "${name}"), which crmgate would copy as it is: one warning line for each,
 * appended to out, starting "WHERE: " or, without where, "line L, column C: ". */
void merge_text_foreign(struct buf *out, const char *where, const char *text);

#endif
