/* common/csv.h - CSV (RFC 4180) reading and writing, UTF-8.
 *
 * The reader streams one record at a time and knows the line each record
 * starts on (a quoted field may hold line breaks), so errors can name it. It
 * takes CRLF or LF line ends and skips a UTF-8 byte order mark. It checks
 * that every field is valid UTF-8 without NUL bytes, and reports a stray
 * quote; such a record is still returned whole, with the problem noted, so
 * that a caller can report every bad row of a file at once. */
#ifndef COMMON_CSV_H
#define COMMON_CSV_H

#include <stdio.h>

#include "common/buf.h"

struct csv_reader {
	FILE *in;
	long line;	    /* the line the next record starts on */
	long record_line;   /* the line the last record started on */
	struct buf *fields; /* the last record's fields */
	size_t nfields, alloc;
	char problem[160]; /* what was wrong with the last record, or "" */
	int problem_field; /* 0-based field of the problem, or -1 */
	int started;
	unsigned char pending[4]; /* bytes read ahead, last first */
	int npending;
};

/* The longest record read (in bytes, the line breaks inside quotes counted):
 * more is no table a person made but a missing quote or line end, or no
 * CSV at all (/dev/zero), and reading on would only fill memory. */
#define CSV_RECORD_MAX (1 << 20)

void csv_reader_init(struct csv_reader *r, FILE *in);
void csv_reader_release(struct csv_reader *r);
/* Read the next record into r->fields[0..nfields). Returns 1 for a record,
 * 0 at the end of input, -1 on a read error (errno set), -2 when a record
 * grows past CSV_RECORD_MAX (r->problem says so; the input cannot be read
 * further). A record with a problem (bad UTF-8, NUL, a quote in the wrong
 * place, end of input inside quotes) is returned with r->problem set. An
 * empty line is no record. */
int csv_read(struct csv_reader *r);

/* Append value to out as one CSV field (quoted when it needs to be). */
void csv_add_field(struct buf *out, const char *value);

/* The same for a field of words someone outside wrote (a respondent's
 * answer) in a file for a spreadsheet: one that Excel or LibreOffice would
 * take for a formula (starting with = + - @, a tab or CR) is written with a
 * ' before it, which both show as text and do not run. */
void csv_add_text_field(struct buf *out, const char *value);

#endif
