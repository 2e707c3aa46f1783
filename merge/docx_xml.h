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
 *     run with "{{name switches}}"; one that cannot (inside an IF field,
 *     running on into the next paragraph) is a problem, never a field left
 *     behind; other fields (PAGE, FORMCHECKBOX...) stay as they are;
 *   - a placeholder split over runs is gathered into the run it starts in;
 *   - each pair of section tags goes where the XML between them closes what
 *     it opens, so that the section may repeat or vanish whatever paragraphs
 *     its tags stand in: text between tags in one paragraph, or among the
 *     text of two; whole paragraphs between tags that stand alone in theirs
 *     (which go, unless they carry more: a page or section break, a picture);
 *     whole table rows from the cell of one tag to the cell of the other.
 *
 * The result is the part's XML as bytes, ready for merge_text_compile_part
 * with MERGE_ESC_WORDML, and where each of its tags stood, so that messages
 * name the paragraph a person sees in Word. The part is untrusted: no DTD,
 * no entities, no network. */
#ifndef MERGE_DOCX_XML_H
#define MERGE_DOCX_XML_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "merge/render.h"

/* A part made ready to compile. */
struct merge_prepared {
	struct buf xml;		    /* the part, rewritten */
	int fields;		    /* how many fields, section tags aside */
	struct merge_places places; /* where each "{{" and "}}" of xml stood */
	struct buf warnings;	    /* "paragraph 3: '{% if vip %}' is Jinja's…", a line each */
};

void merge_prepared_init(struct merge_prepared *p);
void merge_prepared_release(struct merge_prepared *p);

/* Prepare the Word part named part (for messages) from xml into out. A part
 * that is not well-formed XML, or has a DTD, is ERR_INPUT naming the part
 * and the line, and out->xml stays empty. A MERGEFIELD that cannot be merged
 * is ERR_INPUT too, "paragraph 4: …" (every one of them, each a line of err),
 * but out is prepared all the same, so that the caller may find the part's
 * other problems as well. */
int merge_docx_prepare(struct merge_prepared *out, const char *part, const char *xml, size_t len, struct err *err);

/* The same for a part that is XML but not WordprocessingML: the document's
 * properties (docProps/core.xml: title, subject; app.xml: company), whose
 * {{placeholders}} are filled too (compile with MERGE_ESC_XML). Places name
 * the property: "title". */
int merge_docx_prepare_props(struct merge_prepared *out, const char *part, const char *xml, size_t len,
			     struct err *err);

/* Is xml, a part about to be written, well-formed XML? A rendered part
 * that is not (a bug, or a value that breaks a comment) is ERR_FAIL: "part
 * word/document.xml would not be well-formed XML (line 3: …)", so that a
 * broken document is never written. */
int merge_xml_check(const char *part, const char *xml, size_t len, struct err *err);
/* The same for a part written to file (a print batch's body), read as a stream. */
int merge_xml_file_check(const char *part, const char *file, struct err *err);

/* The text of an HTML document (len bytes of UTF-8: a <meta charset> does
 * not change that), as a person reads it, appended to out: tags stripped,
 * entities decoded, white space collapsed but in <pre>, a line per block
 * and <br>, nothing of <head>, <script> or <style>. The lines of a
 * <blockquote> (an e-mail reply's quoted original: Gmail, Apple Mail,
 * Thunderbird) come out quoted with "> ", as a plain-text client writes
 * them. Tolerant, as the HTML of mail clients needs; no network, no
 * entities of a DTD. ERR_INPUT when nothing can be read. */
int merge_xml_html_text(struct buf *out, const char *html, size_t len, struct err *err);

/* Each relationship of a .rels part (ECMA-376 part 2, 9.3): its Id, Type and
 * Target, given to fn (which may stop the walk by returning non-zero). */
typedef int (*merge_relation_fn)(void *ctx, const char *id, const char *type, const char *target, struct err *err);
int merge_docx_relations(const char *part, const char *xml, size_t len, merge_relation_fn fn, void *ctx,
			 struct err *err);

#endif
