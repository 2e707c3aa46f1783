/* merge/problem.h - where a problem in a template stands: the places a
 * prepared Word part records for its tags, and the messages that name a
 * line and column, or a paragraph and the text near it. Used by the
 * compiler (merge/text.c), the checker (merge/render.c) and merge/docx_xml.c;
 * it needs nothing else of merge/. */
#ifndef MERGE_PROBLEM_H
#define MERGE_PROBLEM_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* Where a tag of a prepared XML part stood in the template, as a person
 * finds it: merge/docx_xml.c records one for each "{{" and "}}" of the part
 * it prepares, in order, and problems are reported with it. */
struct merge_place {
	size_t offset; /* of the "{{" or "}}" in the prepared part */
	char *where;   /* "paragraph 12", "title" */
	char *near;    /* the text around it, as Word shows it */
};

struct merge_places {
	struct merge_place *v;
	size_t nr, alloc;
};

void merge_places_release(struct merge_places *p);
/* The place recorded at offset, else the last one before it; NULL when
 * there is none. */
const struct merge_place *merge_places_find(const struct merge_places *p, size_t offset);

/* Report a problem at byte offset of src: "line 3, column 5: MSG" in a text
 * template, "paragraph 12: MSG (near "…")" in a Word part (wordml), from the
 * place places record there when they do. The first problem becomes err's
 * message (ERR_INPUT), later ones its detail. */
void merge_problem_report(struct err *err, const struct merge_places *places, int wordml, const char *src,
			  size_t offset, const char *msg);

/* The same with the place given: "WHERE: MSG (near "NEAR")" (near may be NULL). */
void merge_problem_at(struct err *err, const char *where, const char *near, const char *msg);

/* Append the text around byte at of text[0, len): at most 24 bytes before it
 * and 24 from it on, whole UTF-8 characters, "…" where it was cut. */
void merge_problem_near(struct buf *out, const char *text, size_t len, size_t at);

/* The line and column (in characters, from 1) of at in src. */
void merge_problem_line_col(const char *src, const char *at, int *line, int *col);

/* An XML-escaped text read back as typed ("&quot;x&quot;" is "x" quoted); malloc'd. */
char *merge_problem_unescape_xml(const char *s, size_t len);

#endif
