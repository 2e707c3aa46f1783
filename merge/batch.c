/* merge/batch.c - one combined .docx for printing, a section per target. */
#include "merge/batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "merge/docx_xml.h"
#include "merge/docx_zip.h"
#include "common/banned.h"

#define RELS	"word/_rels/document.xml.rels"
#define TYPES	"[Content_Types].xml"
#define NS_REL	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define CT_WORD "application/vnd.openxmlformats-officedocument.wordprocessingml."

/* A header or footer that holds fields, and the copy the current target uses. */
struct hf {
	char *rel_id;	 /* its relationship in the template: "rId8" */
	size_t part;	 /* its entry in the template */
	char *rels_file; /* its own relationships (a logo), copied out once, or NULL */
	int footer;
	struct buf last; /* the last copy written */
	char *cur_id;	 /* the relationship the current target's sections use */
};

/* A part made for the batch, waiting in the temporary folder. */
struct made {
	char *name; /* in the package */
	char *file;
};

struct merge_batch {
	struct merge_docx *d;
	struct merge_zip *zip;
	long doc_part;
	char *path, *tmpdir, *body_file;
	FILE *body;
	struct hf *hf;
	size_t nhf;
	struct made *made;
	size_t nmade, made_alloc;
	struct buf rels_extra, types_extra; /* relationships and overrides to add */
	struct buf suffix;		    /* what follows </w:body> */
	struct buf pending;		    /* the previous target's last section properties */
	struct buf doc, part, edited;
	long n;
};

long merge_batch_count(const struct merge_batch *b)
{
	return b->n;
}

/* A header or footer relationship whose part holds fields. */
static int add_header(void *ctx, const char *id, const char *type, const char *target, struct err *err)
{
	struct merge_batch *b = ctx;
	int footer = !strcmp(type, NS_REL "footer");
	char *name;
	long i;

	(void)err;
	if (!footer && strcmp(type, NS_REL "header"))
		return 0;
	/* a target is relative to word/, or absolute from the package root */
	name = target[0] == '/' ? xstrdup(target + 1) : xstrfmt("word/%s", target);
	i = merge_zip_find(b->zip, name);
	free(name);
	if (i >= 0 && merge_docx_compiled(b->d, (size_t)i)) {
		struct hf *h;
		b->hf = xrealloc(b->hf, (b->nhf + 1) * sizeof(*b->hf));
		h = &b->hf[b->nhf++];
		memset(h, 0, sizeof(*h));
		h->rel_id = xstrdup(id);
		h->cur_id = xstrdup(id);
		h->part = (size_t)i;
		h->footer = footer;
		buf_init(&h->last);
	}
	return 0;
}

/* The template's headers and footers that hold fields, from the document's
 * relationships (ECMA-376 part 1, 11.3.9 and 11.3.6). */
static int find_headers(struct merge_batch *b, struct err *err)
{
	long rels = merge_zip_find(b->zip, RELS);
	struct buf xml = BUF_INIT;
	int rc;

	if (rels < 0)
		return 0;
	rc = merge_zip_read(b->zip, (size_t)rels, &xml, err);
	if (!rc)
		rc = merge_docx_relations(RELS, xml.data, xml.len, add_header, b, err);
	buf_release(&xml);
	return rc;
}

int merge_batch_open(struct merge_batch **out, struct merge_docx *d, const char *path, struct err *err)
{
	struct merge_batch *b = xcalloc(1, sizeof(*b));
	const char *slash = strrchr(path, '/');
	int rc = 0;

	*out = NULL;
	b->d = d;
	b->zip = merge_docx_zip(d);
	b->path = xstrdup(path);
	b->doc_part = merge_zip_find(b->zip, "word/document.xml");
	buf_init(&b->rels_extra);
	buf_init(&b->types_extra);
	buf_init(&b->suffix);
	buf_init(&b->pending);
	buf_init(&b->doc);
	buf_init(&b->part);
	buf_init(&b->edited);
	for (size_t i = 0; i < merge_zip_count(b->zip); i++) {
		const char *name = merge_zip_name(b->zip, i);
		if (merge_docx_compiled(d, i) &&
		    (!strncmp(name, "word/footnotes", 14) || !strncmp(name, "word/endnotes", 13)))
			rc = err_set(
				err, ERR_INPUT,
				"part %s: footnotes and endnotes with fields cannot go into a combined document yet;"
				" merge one document per target instead",
				name);
	}
	if (!rc)
		rc = find_headers(b, err);
	if (!rc) {
		/* beside the output, so the final rename stays on one file system */
		b->tmpdir = slash ? xstrfmt("%.*s/.crmgate-batch-XXXXXX", (int)(slash - path), path)
				  : xstrdup(".crmgate-batch-XXXXXX");
		if (!mkdtemp(b->tmpdir)) {
			rc = err_set(err, ERR_FAIL, "could not make a folder beside '%s': %s", path, strerror(errno));
			free(b->tmpdir);
			b->tmpdir = NULL;
		}
	}
	if (!rc) {
		b->body_file = xstrfmt("%s/document.xml", b->tmpdir);
		if (!(b->body = fopen(b->body_file, "wb")))
			rc = err_set(err, ERR_FAIL, "could not write '%s': %s", b->body_file, strerror(errno));
	}
	if (rc) {
		merge_batch_discard(b);
		return rc;
	}
	*out = b;
	return 0;
}

/* Write data to file; on failure (a full disk) the file is gone again. */
static int write_file(const char *file, const struct buf *data, struct err *err)
{
	FILE *f = fopen(file, "wb");
	int failed = !f, saved = errno;

	if (f) {
		if (fwrite(data->data, 1, data->len, f) != data->len || ferror(f)) {
			failed = 1;
			saved = errno;
		}
		/* closed once, whatever happened: fclose frees f even when it fails */
		if (fclose(f) && !failed) {
			failed = 1;
			saved = errno;
		}
	}
	if (!failed)
		return 0;
	if (f)
		unlink(file);
	return err_set(err, ERR_FAIL, "could not write '%s': %s", file, strerror(saved));
}

static void add_made(struct merge_batch *b, char *name, char *file)
{
	ALLOC_GROW(b->made, b->nmade + 1, b->made_alloc);
	b->made[b->nmade].name = name;
	b->made[b->nmade++].file = file;
}

/* A copy of a header that has relationships of its own (a logo: r:embed)
 * needs them too, under its own name (ECMA-376 part 2, 9.3.3). */
static int copy_rels(struct merge_batch *b, struct hf *h, const char *base, const char *copy, struct err *err)
{
	char *orig = xstrfmt("word/_rels/%s.rels", base);
	long i = merge_zip_find(b->zip, orig);
	int rc = 0;

	free(orig);
	if (i < 0)
		return 0;
	if (!h->rels_file) {
		/* not b->part: it holds the header being copied */
		struct buf rels = BUF_INIT;
		h->rels_file = xstrfmt("%s/%s.rels", b->tmpdir, base);
		rc = merge_zip_read(b->zip, (size_t)i, &rels, err);
		if (!rc)
			rc = write_file(h->rels_file, &rels, err);
		buf_release(&rels);
	}
	if (!rc)
		add_made(b, xstrfmt("word/_rels/%s.rels", copy), xstrdup(h->rels_file));
	return rc;
}

/* Fill the headers and footers for this target; a copy the same as the
 * previous target's is shared, so a header without per-target values stays
 * one part. */
static int fill_headers(struct merge_batch *b, const struct value *rec, const struct value *globals, struct err *err)
{
	for (size_t k = 0; k < b->nhf; k++) {
		struct hf *h = &b->hf[k];
		const char *orig = merge_zip_name(b->zip, h->part);
		char *file;
		int rc;

		buf_reset(&b->part);
		if ((rc = merge_docx_render_part(b->d, h->part, rec, globals, &b->part, err)))
			return rc;
		if (b->n > 1 && b->part.len == h->last.len && !memcmp(b->part.data, h->last.data, b->part.len))
			continue;
		file = xstrfmt("%s/%zu-%ld.xml", b->tmpdir, k, b->n);
		if ((rc = write_file(file, &b->part, err))) {
			free(file);
			return rc;
		}
		if (b->n == 1) {
			add_made(b, xstrdup(orig), file);
		} else {
			const char *base = strrchr(orig, '/') + 1;
			char *name = xstrfmt("word/crmgate-%ld-%s", b->n, base);
			if ((rc = copy_rels(b, h, base, name + 5, err))) {
				unlink(file);
				free(name);
				free(file);
				return rc;
			}
			free(h->cur_id);
			h->cur_id = xstrfmt("crmgateR%ldh%zu", b->n, k);
			buf_addf(&b->rels_extra, "<Relationship Id=\"%s\" Type=\"" NS_REL "%s\" Target=\"%s\"/>",
				 h->cur_id, h->footer ? "footer" : "header", name + 5);
			buf_addf(&b->types_extra, "<Override PartName=\"/%s\" ContentType=\"" CT_WORD "%s+xml\"/>",
				 name, h->footer ? "footer" : "header");
			add_made(b, name, file);
		}
		buf_reset(&h->last);
		buf_add(&h->last, b->part.data, b->part.len);
	}
	return 0;
}

/* Copy s[0, len) into out with each header or footer reference pointing at
 * this target's copy. */
static void point_references(struct merge_batch *b, struct buf *out, const char *s, size_t len)
{
	static const char attr[] = " r:id=\"";
	const char *p = s, *end = s + len;

	buf_reset(out);
	while (p < end) {
		const char *a = memmem(p, (size_t)(end - p), attr, sizeof(attr) - 1), *v, *q;
		size_t k;
		if (!a)
			break;
		v = a + sizeof(attr) - 1;
		q = memchr(v, '"', (size_t)(end - v));
		if (!q)
			break;
		buf_add(out, p, (size_t)(v - p));
		for (k = 0; k < b->nhf; k++)
			if (strlen(b->hf[k].rel_id) == (size_t)(q - v) && !memcmp(v, b->hf[k].rel_id, (size_t)(q - v)))
				break;
		if (k < b->nhf)
			buf_adds(out, b->hf[k].cur_id);
		else
			buf_add(out, v, (size_t)(q - v));
		p = q;
	}
	buf_add(out, p, (size_t)(end - p));
}

/* The first section of a target starts on a new page: drop a w:type
 * (continuous, evenPage...) from the first section properties. */
static void new_page(struct buf *body)
{
	char *sect = strstr(body->data, "<w:sectPr"), *end, *type, *close;
	if (!sect || !(end = strstr(sect, "</w:sectPr>")))
		return;
	type = strstr(sect, "<w:type ");
	if (!type || type > end || !(close = strstr(type, "/>")) || close > end)
		return;
	memmove(type, close + 2, body->len - (size_t)(close + 2 - body->data) + 1);
	body->len -= (size_t)(close + 2 - type);
}

/* Where the body's own section properties start (the last child of w:body),
 * or NULL. */
static const char *final_sectpr(const char *s, size_t len)
{
	static const char close[] = "</w:sectPr>";
	const char *start = NULL;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == '\t'))
		len--;
	if (len < sizeof(close) - 1 || memcmp(s + len - (sizeof(close) - 1), close, sizeof(close) - 1))
		return NULL;
	for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), "<w:sectPr", 9)); p++)
		if (p[9] == '>' || p[9] == ' ')
			start = p;
	return start;
}

/* Is part i a header or footer the batch fills per target? */
static int is_hf(const struct merge_batch *b, size_t i)
{
	for (size_t k = 0; k < b->nhf; k++)
		if (b->hf[k].part == i)
			return 1;
	return 0;
}

/* The other parts with fields (the document's properties: its title,
 * subject, company) are filled once, with the first target's values. */
static int fill_others(struct merge_batch *b, const struct value *rec, const struct value *globals, struct err *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < merge_zip_count(b->zip); i++) {
		char *file;
		if (!merge_docx_compiled(b->d, i) || (long)i == b->doc_part || is_hf(b, i))
			continue;
		buf_reset(&b->part);
		if ((rc = merge_docx_render_part(b->d, i, rec, globals, &b->part, err)))
			break;
		file = xstrfmt("%s/part-%zu.xml", b->tmpdir, i);
		if ((rc = write_file(file, &b->part, err)))
			free(file);
		else
			add_made(b, xstrdup(merge_zip_name(b->zip, i)), file);
	}
	return rc;
}

int merge_batch_add(struct merge_batch *b, const struct value *rec, const struct value *globals, struct err *err)
{
	const char *body, *open_end, *close, *sect;
	int rc;

	b->n++;
	if ((rc = fill_headers(b, rec, globals, err)))
		return rc;
	if (b->n == 1 && (rc = fill_others(b, rec, globals, err)))
		return rc;
	buf_reset(&b->doc);
	if ((rc = merge_docx_render_part(b->d, (size_t)b->doc_part, rec, globals, &b->doc, err)))
		return rc;
	body = strstr(b->doc.data, "<w:body");
	open_end = body ? strchr(body, '>') : NULL;
	close = open_end ? strstr(open_end, "</w:body>") : NULL;
	if (!close)
		return err_set(err, ERR_INPUT, "word/document.xml has no body to combine");
	if (b->n == 1) {
		fwrite(b->doc.data, 1, (size_t)(open_end + 1 - b->doc.data), b->body);
		buf_add(&b->suffix, close, b->doc.len - (size_t)(close - b->doc.data));
	}
	point_references(b, &b->edited, open_end + 1, (size_t)(close - open_end - 1));
	new_page(&b->edited);
	sect = final_sectpr(b->edited.data, b->edited.len);
	if (b->pending.len)
		fprintf(b->body, "<w:p><w:pPr>%s</w:pPr></w:p>", b->pending.data);
	fwrite(b->edited.data, 1, sect ? (size_t)(sect - b->edited.data) : b->edited.len, b->body);
	buf_reset(&b->pending);
	if (sect)
		buf_add(&b->pending, sect, b->edited.len - (size_t)(sect - b->edited.data));
	else
		buf_adds(&b->pending, "<w:sectPr/>");
	if (ferror(b->body))
		return err_set(err, ERR_FAIL, "could not write '%s': %s", b->body_file, strerror(errno));
	return 0;
}

/* Finish the body: what follows the last target, then close it (once,
 * whatever happens: b->body is NULL afterwards). */
static int close_body(struct merge_batch *b, struct err *err)
{
	int failed, saved;

	if (b->pending.len)
		fputs(b->pending.data, b->body);
	fwrite(b->suffix.data, 1, b->suffix.len, b->body);
	fflush(b->body);
	failed = ferror(b->body);
	saved = errno;
	if (fclose(b->body) && !failed) {
		failed = 1;
		saved = errno;
	}
	b->body = NULL;
	return failed ? err_set(err, ERR_FAIL, "could not write '%s': %s", b->body_file, strerror(saved)) : 0;
}

/* A package part with more elements inserted before its closing tag. */
static int with_more(struct merge_batch *b, size_t i, const char *closing, const struct buf *more,
		     struct merge_zip_writer *w, struct err *err)
{
	const char *name = merge_zip_name(b->zip, i), *at;
	int rc;

	buf_reset(&b->part);
	if ((rc = merge_zip_read(b->zip, i, &b->part, err)))
		return rc;
	at = strstr(b->part.data, closing);
	if (!at)
		return err_set(err, ERR_INPUT, "part %s has no %s", name, closing);
	buf_reset(&b->edited);
	buf_add(&b->edited, b->part.data, (size_t)(at - b->part.data));
	buf_add(&b->edited, more->data, more->len);
	buf_adds(&b->edited, at);
	return merge_zip_writer_add(w, name, b->edited.data, b->edited.len, err);
}

static int made_index(const struct merge_batch *b, const char *name)
{
	for (size_t k = 0; k < b->nmade; k++)
		if (!strcmp(b->made[k].name, name))
			return (int)k;
	return -1;
}

static int write_package(struct merge_batch *b, struct err *err)
{
	struct merge_zip_writer *w;
	int rc;

	if ((rc = close_body(b, err)) || (rc = merge_xml_file_check("word/document.xml", b->body_file, err)))
		return rc;
	if ((rc = merge_zip_writer_open(&w, b->path, err)))
		return rc;
	for (size_t i = 0; !rc && i < merge_zip_count(b->zip); i++) {
		const char *name = merge_zip_name(b->zip, i);
		int k = made_index(b, name);
		if ((long)i == b->doc_part)
			rc = merge_zip_writer_add_file(w, name, b->body_file, err);
		else if (!strcmp(name, RELS) && b->rels_extra.len)
			rc = with_more(b, i, "</Relationships>", &b->rels_extra, w, err);
		else if (!strcmp(name, TYPES) && b->types_extra.len)
			rc = with_more(b, i, "</Types>", &b->types_extra, w, err);
		else if (k >= 0)
			rc = merge_zip_writer_add_file(w, name, b->made[k].file, err);
		else
			rc = merge_zip_writer_copy(w, b->zip, i, err);
	}
	/* the copies for later targets, which the template does not have */
	for (size_t k = 0; !rc && k < b->nmade; k++)
		if (merge_zip_find(b->zip, b->made[k].name) < 0)
			rc = merge_zip_writer_add_file(w, b->made[k].name, b->made[k].file, err);
	if (rc) {
		merge_zip_writer_discard(w);
		return rc;
	}
	return merge_zip_writer_close(w, err);
}

int merge_batch_close(struct merge_batch *b, struct err *err)
{
	int rc = b->n ? write_package(b, err) : err_set(err, ERR_INPUT, "no targets: '%s' not written", b->path);
	merge_batch_discard(b);
	return rc;
}

void merge_batch_discard(struct merge_batch *b)
{
	if (!b)
		return;
	if (b->body)
		fclose(b->body);
	if (b->body_file)
		unlink(b->body_file);
	for (size_t k = 0; k < b->nmade; k++) {
		unlink(b->made[k].file);
		free(b->made[k].file);
		free(b->made[k].name);
	}
	for (size_t k = 0; k < b->nhf; k++)
		if (b->hf[k].rels_file)
			unlink(b->hf[k].rels_file);
	if (b->tmpdir)
		rmdir(b->tmpdir);
	for (size_t k = 0; k < b->nhf; k++) {
		free(b->hf[k].rels_file);
		free(b->hf[k].rel_id);
		free(b->hf[k].cur_id);
		buf_release(&b->hf[k].last);
	}
	free(b->hf);
	free(b->made);
	free(b->tmpdir);
	free(b->body_file);
	free(b->path);
	buf_release(&b->rels_extra);
	buf_release(&b->types_extra);
	buf_release(&b->suffix);
	buf_release(&b->pending);
	buf_release(&b->doc);
	buf_release(&b->part);
	buf_release(&b->edited);
	free(b);
}
