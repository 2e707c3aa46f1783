/* crm/export.h - an entity's rows as their CSV columns (SPEC section 2):
 * the same columns, in the same order and format, that import takes, so that
 * export -> import -> export gives the same file. */
#ifndef CRM_EXPORT_H
#define CRM_EXPORT_H

#include <stdio.h>

#include "common/buf.h"
#include "common/err.h"
#include "crm/db.h"
#include "crm/entity.h"

/* Append to out the SELECT that gives e's rows as text columns named by their
 * import names, from "<table> t" plus joins (a filter's, may be ""), where
 * condition (may be ""), in the entity's order; limit <= 0 for all rows. */
void crm_export_sql(struct buf *out, const struct crm_entity *e, const char *joins, const char *where, long limit);

/* crm_export_sql for people and programs (list, show, targets): the same
 * columns and text, but booleans and numbers keep their SQL types, so that
 * JSON carries them as true/false and numbers. */
void crm_list_sql(struct buf *out, const struct crm_entity *e, const char *joins, const char *where, long limit);

/* Append to cols the columns of e's row aliased alias, as the CSV writes
 * them, each named prefix + its import name ("customer.name"), and to joins
 * the LEFT JOINs that give references their codes (aliases x1, x2, ...
 * counted by *njoins, which the caller starts at 0). */
void crm_export_select_list(struct buf *cols, struct buf *joins, const struct crm_entity *e, const char *alias,
			    const char *prefix, int *njoins);

/* Write e's rows (filtered as above, with params for $1..$n) to out as CSV
 * with a header row. Streams through a cursor: memory stays flat. */
int crm_export_csv(FILE *out, struct crm_db *db, const struct crm_entity *e, const char *joins, const char *where,
		   int nparams, const char *const *params, struct err *err);

#endif
