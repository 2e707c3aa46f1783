/* merge/batch.h - one combined .docx for printing: every target its own
 * section, on a new page.
 *
 * Each target's body is written after the previous one's, and the section
 * properties that ended its body end its section. Headers and footers that
 * hold fields are filled per target: a target whose header differs from the
 * previous target's gets its own copy of the part and its section points at
 * it, so each page shows its own target's values (the popular merge
 * libraries fill a combined document's headers once). The body streams
 * through a temporary file beside the output, so memory does not grow with
 * the body; the per-target header parts are small files there too. */
#ifndef MERGE_BATCH_H
#define MERGE_BATCH_H

#include "common/err.h"
#include "common/value.h"
#include "merge/docx.h"

struct merge_batch;

/* Start a combined document at path from the compiled template d (which
 * must outlive the batch). Footnotes or endnotes that hold fields cannot be
 * combined yet: ERR_INPUT. */
int merge_batch_open(struct merge_batch **out, struct merge_docx *d, const char *path, struct err *err);
/* Add one target. */
int merge_batch_add(struct merge_batch *b, const struct value *rec, const struct value *globals, struct err *err);
/* Write the package (nothing is at path before); frees b whether or not it succeeds. */
int merge_batch_close(struct merge_batch *b, struct err *err);
/* Give up: nothing is written; frees b. */
void merge_batch_discard(struct merge_batch *b);
/* How many targets are in it. */
long merge_batch_count(const struct merge_batch *b);

#endif
