/* merge/docx.c - fill a Word .docx template for one target after another. */
#include "merge/docx.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "merge/docx_xml.h"
#include "merge/docx_zip.h"
#include "merge/render.h"
#include "merge/text.h"
#include "common/banned.h"

struct docx_part {
	int compiled;	      /* else copied as it is */
	struct merge_tpl tpl; /* when compiled */
};

struct merge_docx {
	struct merge_zip *zip;
	struct docx_part *parts; /* one per zip entry, by index */
	int fields;
	struct buf out;	     /* one rendered part, reused */
	struct buf warnings; /* a line each */
};

/* The parts of a WordprocessingML package that hold text a merge field can
 * stand in (ECMA-376 part 1, 11.3): MERGE_ESC_WORDML; and the document's
 * properties (part 2, 11; part 1, 15.2.12.3), which hold a title or a
 * company that may be a placeholder too: MERGE_ESC_XML; else -1. */
static int text_part(const char *name)
{
	static const char *const prefixes[] = { "word/document", "word/header", "word/footer", "word/footnotes",
						"word/endnotes" };
	size_t n = strlen(name);
	if (n < 4 || strcmp(name + n - 4, ".xml"))
		return -1;
	if (!strncmp(name, "docProps/", 9))
		return strchr(name + 9, '/') ? -1 : MERGE_ESC_XML;
	if (strncmp(name, "word/", 5) || strchr(name + 5, '/'))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return MERGE_ESC_WORDML;
	return -1;
}

/* Compile part i, and with a shape check the names it uses too, reporting
 * every problem into a fresh err of the caller's, to be prefixed with the
 * part; its warnings go to warnings. */
static int compile_part(struct merge_docx *d, size_t i, enum merge_escape esc, struct buf *xml,
			struct merge_prepared *prep, struct buf *warnings, const struct value *shape,
			const struct value *globals, struct err *err)
{
	const char *name = merge_zip_name(d->zip, i);
	struct merge_tpl *tpl = &d->parts[i].tpl;
	int rc = merge_zip_read(d->zip, i, xml, err);

	if (!rc)
		rc = esc == MERGE_ESC_WORDML ? merge_docx_prepare(prep, name, xml->data, xml->len, err)
					     : merge_docx_prepare_props(prep, name, xml->data, xml->len, err);
	buf_add(warnings, prep->warnings.data, prep->warnings.len);
	/* a part that could not be read at all has no more to say */
	if (!prep->xml.len || (!prep->fields && !strstr(prep->xml.data, "{{") && !strstr(prep->xml.data, "}}")))
		return rc;
	if (merge_text_compile_part(tpl, prep->xml.data, esc, &prep->places, shape, globals, err) || rc) {
		if (!rc)
			return err->code;
		/* the preparation's problems make the part unusable too */
		merge_tpl_release(tpl);
		return rc;
	}
	d->parts[i].compiled = 1;
	d->fields += prep->fields;
	return 0;
}

int merge_docx_compile(struct merge_docx **out, const void *data, size_t len, const char *label,
		       const struct value *shape, const struct value *globals, struct err *err)
{
	struct merge_docx *d = xcalloc(1, sizeof(*d));
	struct buf xml = BUF_INIT, prefix = BUF_INIT, warnings = BUF_INIT;
	struct merge_prepared prep;
	int rc;

	*out = NULL;
	buf_init(&d->out);
	buf_init(&d->warnings);
	merge_prepared_init(&prep);
	rc = merge_zip_open_buffer(&d->zip, data, len, label, err);
	if (!rc && merge_zip_find(d->zip, "word/document.xml") < 0)
		rc = err_set(err, ERR_INPUT, "%s: has no word/document.xml: not a Word document", label);
	if (!rc)
		d->parts = xcalloc(merge_zip_count(d->zip), sizeof(*d->parts));
	/* every part is compiled, so that one check reports every problem */
	for (size_t i = 0; d->parts && i < merge_zip_count(d->zip); i++) {
		struct err perr = ERR_INIT;
		const char *name = merge_zip_name(d->zip, i);
		int esc = text_part(name);
		buf_reset(&warnings);
		if (esc < 0)
			continue;
		compile_part(d, i, (enum merge_escape)esc, &xml, &prep, &warnings, shape, globals, &perr);
		buf_reset(&prefix);
		/* the zip and XML layers name the package and part themselves */
		buf_addf(&prefix, "%s: part %s, ", label, name);
		for (const char *w = warnings.data, *e; *w; w = e + 1) {
			e = strchr(w, '\n');
			buf_addf(&d->warnings, "%s%.*s\n", prefix.data, (int)(e - w), w);
		}
		if (!perr.code)
			continue;
		buf_reset(&prefix);
		if (!strstr(perr.msg.data, label))
			buf_addf(&prefix, "%s: ", label);
		if (!strstr(perr.msg.data, name))
			buf_addf(&prefix, "part %s, ", name);
		err_absorb(err, &perr, prefix.data);
		err_release(&perr);
		rc = err->code;
	}
	buf_release(&xml);
	buf_release(&prefix);
	buf_release(&warnings);
	merge_prepared_release(&prep);
	if (rc) {
		/* what else is odd about the template helps to read its errors */
		for (const char *w = d->warnings.data, *e; *w; w = e + 1) {
			e = strchr(w, '\n');
			err_detail(err, "warning: %.*s", (int)(e - w), w);
		}
		merge_docx_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

const char *merge_docx_warnings(const struct merge_docx *d)
{
	return d->warnings.data;
}

void merge_template_warn(const char *label, const struct merge_docx *d, const char *text)
{
	struct buf w = BUF_INIT;

	if (d)
		buf_adds(&w, merge_docx_warnings(d));
	else if (text)
		merge_text_foreign(&w, NULL, text);
	for (const char *p = w.data, *e; *p; p = e + 1) {
		e = strchr(p, '\n');
		/* the Word lines name the template themselves */
		log_warn("%s%s%.*s", d ? "" : label, d ? "" : ": ", (int)(e - p), p);
	}
	buf_release(&w);
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
	buf_release(&d->warnings);
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
		rc = merge_docx_render_part(d, i, rec, globals, &d->out, err);
		if (!rc)
			rc = merge_zip_writer_add(w, merge_zip_name(d->zip, i), d->out.data, d->out.len, err);
	}
	if (rc)
		merge_zip_writer_discard(w);
	return rc;
}

int merge_docx_render_fd(struct merge_docx *d, const struct value *rec, const struct value *globals, const char *path,
			 int fd, struct err *err)
{
	struct merge_zip_writer *w = NULL;
	int rc = merge_zip_writer_open_small(&w, path, fd, err);

	if (!rc && !(rc = fill(d, w, rec, globals, err)))
		rc = merge_zip_writer_close(w, err);
	return rc;
}

int merge_docx_render_buf(struct merge_docx *d, const struct value *rec, const struct value *globals, struct buf *out,
			  struct err *err)
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
	size_t from = out->len;
	int rc;

	if (!d->parts[i].compiled)
		BUG("part %zu holds no field", i);
	rc = merge_render(out, &d->parts[i].tpl, rec, globals, err);
	/* parsed again before it is written: whatever went wrong, a broken
	 * part becomes an error here, never a document Word cannot open */
	if (!rc)
		rc = merge_xml_check(merge_zip_name(d->zip, i), out->data + from, out->len - from, err);
	return rc;
}
