/* crm/import.h - all-or-nothing import of rows into an entity's table.
 *
 * Rows stream into a staging table by COPY; then one set-based query checks
 * every value (types, required values, enumerations, references by code —
 * to rows in the table or, for a self-reference, anywhere in the same input
 * — duplicate and existing keys, the entity's own rules), and only when no
 * row is bad are they written, in the same transaction. Every bad row is
 * reported as "SOURCE:LINE: column 'x': why" (up to a limit). The same path
 * serves CSV files, 'ENTITY add' and 'ENTITY edit' (update mode). */
#ifndef CRM_IMPORT_H
#define CRM_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "common/err.h"
#include "crm/db.h"
#include "crm/entity.h"

struct crm_import_opts {
	const char *source;			/* named in messages: "customers.csv", "add" */
	int no_lines;				/* messages name no line (a command line has one row) */
	int update;				/* rows name existing keys and change the columns given */
	int max_errors;				/* how many bad rows to name (0: 50) */
	void (*progress)(void *ctx, long rows); /* now and then while rows stream in; may be NULL */
	void *progress_ctx;
};

struct crm_import;

/* Start an import of rows with these columns (import names). A header that
 * names an unknown or repeated column, or lacks a required one, is ERR_INPUT.
 * Opens a transaction on db that crm_import_finish commits. */
int crm_import_begin(struct crm_import **out, struct crm_db *db, const struct crm_entity *e, const char *const *header,
		     size_t ncols, const struct crm_import_opts *opts, struct err *err);
/* Add one row from line. values[i] belongs to header[i]; an empty value is
 * NULL. problem (or NULL) is what the reader found wrong with the row, at
 * field problem_col (or -1): the row is then reported, not sent. */
int crm_import_row(struct crm_import *imp, long line, const char *const *values, size_t nvalues, const char *problem,
		   int problem_col, struct err *err);
/* Check everything and write it, or write nothing: ERR_INPUT with every bad
 * row in err->detail. *rows (may be NULL) counts the rows written. */
int crm_import_finish(struct crm_import *imp, long *rows, struct err *err);
/* Free an import; one not finished is rolled back. */
void crm_import_free(struct crm_import *imp);

/* Import a CSV file (header row first) with the steps above. */
int crm_import_csv(long *rows, struct crm_db *db, const struct crm_entity *e, FILE *in,
		   const struct crm_import_opts *opts, struct err *err);

#endif
