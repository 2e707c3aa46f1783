/* merge/office.h - convert documents with LibreOffice headless (soffice
 * --convert-to): .docx to PDF for printing, or to text for checking.
 *
 * LibreOffice is an optional dependency: only --pdf and the tests that check
 * merged documents need it. The program is CRMGATE_SOFFICE when that is set,
 * else soffice on PATH, /usr/bin/soffice or
 * /usr/lib/libreoffice/program/soffice. Each conversion runs with a private,
 * throw-away profile (so that calls may run side by side, as root or not,
 * whatever HOME is), with macros off and linked content neither fetched nor
 * updated: a template is untrusted, and the conversion stays off the network. */
#ifndef MERGE_OFFICE_H
#define MERGE_OFFICE_H

#include <stddef.h>

#include "common/err.h"

/* Find soffice: *out (malloc'd, the caller's) is its path. When there is none
 * (or CRMGATE_SOFFICE names no program) ERR_FAIL says that LibreOffice is an
 * optional dependency and, in the hint, which Debian package gives it. */
int merge_office_find(char **out, struct err *err);

/* 1 when soffice is there, 0 when not. */
int merge_office_available(void);

/* Convert the n files paths (each readable; .docx, .odt and the like) to
 * format into the folder outdir, which must exist: "pdf", "txt" (UTF-8 text)
 * or any "EXT[:FILTER]" soffice's --convert-to takes. The output of dir/x.docx
 * is outdir/x.EXT, replacing a file of that name; two inputs with the same
 * name are ERR_INPUT. Many files go to one soffice process (in chunks, to
 * bound its command line), so a batch pays LibreOffice's start-up once.
 * soffice says "done" even when it could not load a file: every output is
 * checked, and a missing or empty one is an error naming its input. A file
 * named as a zip package (.docx, .odt…) that is not a zip is ERR_INPUT before
 * anything runs, as LibreOffice would print its bytes as plain text. */
int merge_office_convert(const char *const *paths, size_t n, const char *format, const char *outdir, struct err *err);

#endif
