/* merge/docx_xml.h - prepare a WordprocessingML part (ECMA-376 part 1,
 * document.xml, headers, footers, footnotes, endnotes) for merging.
 *
 * Word splits what a person typed into many runs (spelling marks, revision
 * ids, language changes, bookmarks), and writes its own merge fields as
 * field codes. This turns both into plain {{placeholders}} inside one w:t
 * each, keeping the formatting of the placeholder's first character (of the
 * field's result, for a MERGEFIELD):
 *
 *   - a complex field (w:fldChar begin / w:instrText ... / separate / result
 *     / end) or a w:fldSimple whose instruction is a MERGEFIELD becomes one
 *     run with "{{name switches}}";
 *   - a placeholder split over runs is gathered into the run it starts in;
 *   - a paragraph that holds nothing but a section tag gives way to the tag
 *     alone, so that a false condition leaves no empty line;
 *   - a section tag inside a table row makes the whole row (or rows, up to
 *     the closing tag) repeat.
 *
 * The result is the part's XML as bytes, ready for merge_text_compile with
 * MERGE_ESC_WORDML. The part is untrusted: no DTD, no entities, no network. */
#ifndef MERGE_DOCX_XML_H
#define MERGE_DOCX_XML_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* Rewrite the part named part (for messages) from xml into out. A part that
 * is not well-formed XML, or has a DTD, is ERR_INPUT naming the part and
 * the line. *fields counts the fields found, section tags aside. */
int merge_docx_prepare(struct buf *out, int *fields, const char *part, const char *xml, size_t len,
		       struct err *err);

/* Each relationship of a .rels part (ECMA-376 part 2, 9.3): its Id, Type and
 * Target, given to fn (which may stop the walk by returning non-zero). */
typedef int (*merge_relation_fn)(void *ctx, const char *id, const char *type, const char *target, struct err *err);
int merge_docx_relations(const char *part, const char *xml, size_t len, merge_relation_fn fn, void *ctx,
			 struct err *err);

#endif
