/* merge/docx.h - fill a Word .docx template for one target after another.
 *
 * The template is compiled once: its document, header, footer, footnote and
 * endnote parts are prepared (merge/docx_xml.c) and compiled into fixed
 * bytes and field slots (merge/text.c); every other part is copied into each
 * output still compressed. Rendering a target then writes bytes and escaped
 * values only, so memory stays flat however many targets there are. */
#ifndef MERGE_DOCX_H
#define MERGE_DOCX_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/value.h"

struct merge_docx;

/* Compile the template held in data (the bytes must outlive the handle);
 * label names it in messages. Broken zips, broken XML, unclosed or crossed
 * sections, fields that cannot be parsed or merged are ERR_INPUT: "LABEL:
 * part word/document.xml, paragraph 12: section 'lines' is never closed
 * (near "…")", one line for each problem of every part (the paragraph as
 * Word counts the part's paragraphs, text boxes' too; the text as Word shows
 * it). With a shape (merge_tpl_check), a name the targets lack is such a
 * problem too. The document's properties (docProps: title, subject,
 * company) are filled like its text. */
int merge_docx_compile(struct merge_docx **out, const void *data, size_t len, const char *label,
		       const struct value *shape, const struct value *globals, struct err *err);
void merge_docx_free(struct merge_docx *d);

/* What the template holds that is no error but likely a mistake (another
 * engine's syntax: "{% if %}", "+++INS+++"), a line each, "LABEL: part P,
 * paragraph N: …"; "" when nothing. Borrowed until merge_docx_free. When the
 * compile fails, these lines end its error's detail, as "warning: …". */
const char *merge_docx_warnings(const struct merge_docx *d);

/* Say on the terminal (log_warn, a line each) what merge_docx_warnings says
 * of d, or, for a text template (d NULL), what another engine's syntax text
 * holds, "LABEL: line 3, column 1: …". */
void merge_template_warn(const char *label, const struct merge_docx *d, const char *text);

/* How many fields the template holds (0: nothing to merge). */
int merge_docx_fields(const struct merge_docx *d);

/* Write the template filled with rec (and globals, as merge_render takes
 * them) to path, which the caller has chosen free. */
int merge_docx_render(struct merge_docx *d, const struct value *rec, const struct value *globals, const char *path,
		      struct err *err);

/* The same into fd, an empty file the caller has open (path names it in
 * messages): one create and one write per document. */
int merge_docx_render_fd(struct merge_docx *d, const struct value *rec, const struct value *globals, const char *path,
			 int fd, struct err *err);

/* The same into out (appended): a document to attach to an e-mail. */
int merge_docx_render_buf(struct merge_docx *d, const struct value *rec, const struct value *globals, struct buf *out,
			  struct err *err);

/* The parts one by one, for writers of other packages (merge/batch.c): the
 * template's zip, whether entry i is compiled, and entry i rendered for rec
 * into out (appended; entry i must be compiled). Every rendered part is
 * parsed again before it is written: one that is not well-formed is an
 * error (merge_xml_check), never a broken document. */
struct merge_zip *merge_docx_zip(const struct merge_docx *d);
int merge_docx_compiled(const struct merge_docx *d, size_t i);
int merge_docx_render_part(struct merge_docx *d, size_t i, const struct value *rec, const struct value *globals,
			   struct buf *out, struct err *err);

#endif
