/* merge/docx.c - fill a Word .docx template for one target after another. */
#include "merge/docx.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "merge/docx_xml.h"
#include "merge/docx_zip.h"
#include "merge/render.h"
#include "merge/text.h"
#include "common/banned.h"

struct docx_part {
	int compiled;         /* else copied as it is */
	struct merge_tpl tpl; /* when compiled */
};

struct merge_docx {
	struct merge_zip *zip;
	struct docx_part *parts; /* one per zip entry, by index */
	int fields;
	struct buf out;          /* one rendered part, reused */
};

/* The parts of a WordprocessingML package that hold text a merge field can
 * stand in (ECMA-376 part 1, 11.3). */
static int text_part(const char *name)
{
	static const char *const prefixes[] = { "word/document", "word/header", "word/footer", "word/footnotes",
						"word/endnotes" };
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 4, ".xml") || strchr(name + 5, '/'))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* Compile part i; with a shape, check the names it uses too. Problems are
 * reported into a fresh err of the caller's, to be prefixed with the part. */
static int compile_part(struct merge_docx *d, size_t i, struct buf *xml, struct buf *prepared,
			const struct value *shape, const struct value *globals, struct err *err)
{
	const char *name = merge_zip_name(d->zip, i);
	struct merge_tpl *tpl = &d->parts[i].tpl;
	int fields = 0;
	int rc = merge_zip_read(d->zip, i, xml, err);

	if (!rc)
		rc = merge_docx_prepare(prepared, &fields, name, xml->data, xml->len, err);
	if (rc || (!fields && !strstr(prepared->data, "{{")))
		return rc;
	if ((rc = merge_text_compile(tpl, prepared->data, MERGE_ESC_WORDML, err)))
		return rc;
	d->parts[i].compiled = 1;
	d->fields += fields;
	return shape ? merge_tpl_check(tpl, prepared->data, shape, globals, err) : 0;
}

int merge_docx_compile(struct merge_docx **out, const void *data, size_t len, const char *label,
		       const struct value *shape, const struct value *globals, struct err *err)
{
	struct merge_docx *d = xcalloc(1, sizeof(*d));
	struct buf xml = BUF_INIT, prepared = BUF_INIT, prefix = BUF_INIT;
	int rc;

	*out = NULL;
	buf_init(&d->out);
	rc = merge_zip_open_buffer(&d->zip, data, len, label, err);
	if (!rc && merge_zip_find(d->zip, "word/document.xml") < 0)
		rc = err_set(err, ERR_INPUT, "%s: has no word/document.xml: not a Word document", label);
	if (!rc)
		d->parts = xcalloc(merge_zip_count(d->zip), sizeof(*d->parts));
	/* every part is compiled, so that one check reports every problem */
	for (size_t i = 0; d->parts && i < merge_zip_count(d->zip); i++) {
		struct err perr = ERR_INIT;
		const char *name = merge_zip_name(d->zip, i);
		if (!text_part(name) || !compile_part(d, i, &xml, &prepared, shape, globals, &perr))
			continue;
		buf_reset(&prefix);
		/* the zip and XML layers name the package and part themselves */
		if (!strstr(perr.msg.data, label))
			buf_addf(&prefix, "%s: ", label);
		if (!strstr(perr.msg.data, name))
			buf_addf(&prefix, "part %s, ", name);
		err_absorb(err, &perr, prefix.data);
		err_release(&perr);
		rc = err->code;
	}
	buf_release(&xml);
	buf_release(&prepared);
	buf_release(&prefix);
	if (rc) {
		merge_docx_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void merge_docx_free(struct merge_docx *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->parts && i < merge_zip_count(d->zip); i++)
		if (d->parts[i].compiled)
			merge_tpl_release(&d->parts[i].tpl);
	free(d->parts);
	merge_zip_free(d->zip);
	buf_release(&d->out);
	free(d);
}

int merge_docx_fields(const struct merge_docx *d)
{
	return d->fields;
}

int merge_docx_render(struct merge_docx *d, const struct value *rec, const struct value *globals, const char *path,
		      struct err *err)
{
	return merge_docx_render_fd(d, rec, globals, path, -1, err);
}

/* Fill every part into w; on failure w is discarded. */
static int fill(struct merge_docx *d, struct merge_zip_writer *w, const struct value *rec, const struct value *globals,
		struct err *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < merge_zip_count(d->zip); i++) {
		if (!d->parts[i].compiled) {
			rc = merge_zip_writer_copy(w, d->zip, i, err);
			continue;
		}
		buf_reset(&d->out);
		rc = merge_render(&d->out, &d->parts[i].tpl, rec, globals, err);
		if (!rc)
			rc = merge_zip_writer_add(w, merge_zip_name(d->zip, i), d->out.data, d->out.len, err);
	}
	if (rc)
		merge_zip_writer_discard(w);
	return rc;
}

int merge_docx_render_fd(struct merge_docx *d, const struct value *rec, const struct value *globals,
			 const char *path, int fd, struct err *err)
{
	struct merge_zip_writer *w = NULL;
	int rc = merge_zip_writer_open_small(&w, path, fd, err);

	if (!rc && !(rc = fill(d, w, rec, globals, err)))
		rc = merge_zip_writer_close(w, err);
	return rc;
}

int merge_docx_render_buf(struct merge_docx *d, const struct value *rec, const struct value *globals,
			  struct buf *out, struct err *err)
{
	struct merge_zip_writer *w = NULL;
	int rc = merge_zip_writer_open_small(&w, "attachment", -1, err);

	if (!rc && !(rc = fill(d, w, rec, globals, err)))
		rc = merge_zip_writer_close_buf(w, out, err);
	return rc;
}

struct merge_zip *merge_docx_zip(const struct merge_docx *d)
{
	return d->zip;
}

int merge_docx_compiled(const struct merge_docx *d, size_t i)
{
	return d->parts[i].compiled;
}

int merge_docx_render_part(struct merge_docx *d, size_t i, const struct value *rec, const struct value *globals,
			   struct buf *out, struct err *err)
{
	if (!d->parts[i].compiled)
		BUG("part %zu holds no field", i);
	return merge_render(out, &d->parts[i].tpl, rec, globals, err);
}
