/* merge/field.h - a merge field's instruction, as Word writes it in a field
 * code ("MERGEFIELD "customer.name" \* Upper \* MERGEFORMAT") and as our
 * placeholders carry it ("{{birthday \@ "M月d日"}}"): the name and the
 * switches that format its value. */
#ifndef MERGE_FIELD_H
#define MERGE_FIELD_H

#include "common/err.h"

struct merge_field {
	char *name;	      /* "customer.name" */
	char *date_picture;   /* \@ "yyyy年M月d日", or NULL */
	char *number_picture; /* \# "#,##0.00", or NULL */
	char *text_format;    /* \* Upper | Lower | FirstCap | Caps, several in turn ("Lower FirstCap"), or NULL */
	char *before;	      /* \b "text": put before a value that is not empty */
	char *after;	      /* \f "text": put after a value that is not empty */
	int text_number;      /* a \* name writes the number itself (roman, DBNum2) */
};

/* Parse instr. With mergefield set, instr must start with the word
 * MERGEFIELD (any case), as in a Word field code; otherwise it starts with
 * the name. Every switch Word documents for a MERGEFIELD is taken, in either
 * case (\B is \b): \@, \#, \* (several names in one switch too: "\* Upper
 * MERGEFORMAT"), \b, \f, and \m, \v and \! (no value; nothing to do in a
 * merge). Returns ERR_INPUT with a message naming what is wrong: an unknown
 * switch, a \* name Word has not or crmgate cannot write, a switch given
 * twice, \# with a \* that writes the number. */
int merge_field_parse(struct merge_field *out, const char *instr, int mergefield, struct err *err);
void merge_field_release(struct merge_field *f);

/* Is instr a MERGEFIELD instruction (and not another field, such as PAGE)? */
int merge_field_is_mergefield(const char *instr);

#endif
