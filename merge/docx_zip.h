/* merge/docx_zip.h - the zip container of a .docx (ECMA-376 part 2, Open
 * Packaging Conventions): read a template's parts, write a filled copy.
 *
 * Templates are untrusted: entry names that are absolute or climb with ".."
 * are refused, and every part is read with a cap on its size, and the whole
 * package with a cap on what it decompresses to (zip bombs). Parts that hold
 * no field are copied into the output still compressed, never inflated and
 * deflated again. */
#ifndef MERGE_DOCX_ZIP_H
#define MERGE_DOCX_ZIP_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* Caps for untrusted packages. */
#define MERGE_ZIP_MAX_ENTRIES 4096
#define MERGE_ZIP_MAX_PART    (64u << 20)  /* one part, decompressed */
#define MERGE_ZIP_MAX_TOTAL   (256u << 20) /* the whole package, decompressed */

struct merge_zip;
struct merge_zip_writer;

/* Open a package from memory (the bytes must outlive the handle) or a file.
 * label names it in messages ("birthday.docx"). A broken zip, a bad entry
 * name or a package past the caps is ERR_INPUT. */
int merge_zip_open_buffer(struct merge_zip **out, const void *data, size_t len, const char *label, struct err *err);
int merge_zip_open_file(struct merge_zip **out, const char *path, struct err *err);
void merge_zip_free(struct merge_zip *z);

size_t merge_zip_count(const struct merge_zip *z);
/* The name of entry i ("word/document.xml"); borrowed until merge_zip_free. */
const char *merge_zip_name(const struct merge_zip *z, size_t i);
/* The index of the entry named name, or -1. */
long merge_zip_find(const struct merge_zip *z, const char *name);
/* Read entry i, decompressed, into out (replacing what it held). */
int merge_zip_read(struct merge_zip *z, size_t i, struct buf *out, struct err *err);

/* Write a new package to path. Nothing appears at path until close
 * succeeds (libzip writes a temporary file and renames it). */
int merge_zip_writer_open(struct merge_zip_writer **out, const char *path, struct err *err);
/* The same for a small package (one document): it is built in memory and
 * written with one write when closed, to fd when it is >= 0 (the caller's
 * open, empty file; path names it in messages), else to path (replaced). */
int merge_zip_writer_open_small(struct merge_zip_writer **out, const char *path, int fd, struct err *err);
/* Add a part from memory (copied), deflated. */
int merge_zip_writer_add(struct merge_zip_writer *w, const char *name, const void *data, size_t len, struct err *err);
/* Add a part from a file, read when the package is written: the file must
 * stay until close (for parts too big to hold in memory). */
int merge_zip_writer_add_file(struct merge_zip_writer *w, const char *name, const char *file, struct err *err);
/* Add entry i of src as it is stored: no inflating and deflating again.
 * src must stay open until the writer is closed. */
int merge_zip_writer_copy(struct merge_zip_writer *w, struct merge_zip *src, size_t i, struct err *err);
/* Write the package; frees w whether or not it succeeds. */
int merge_zip_writer_close(struct merge_zip_writer *w, struct err *err);
/* Close a small package's writer into out (appended) instead of a file;
 * frees w whether or not it succeeds. */
int merge_zip_writer_close_buf(struct merge_zip_writer *w, struct buf *out, struct err *err);
/* Give up: nothing is written; frees w. */
void merge_zip_writer_discard(struct merge_zip_writer *w);

#endif
