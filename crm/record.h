/* crm/record.h - the targets of a merge as value trees (common/value.h).
 *
 * A target's record holds its own columns by their import names (typed:
 * dates as dates, money as money), and for each reference X_code the
 * referenced row as an object X ("customer.name", "owner.mobile"). A
 * contact's "owner" is its customer's salesperson; an order's record holds
 * its "lines" (product_code, product_name, unit, quantity, price, amount)
 * and "total". Records stream through a
 * cursor, one at a time: memory stays flat however many targets there are. */
#ifndef CRM_RECORD_H
#define CRM_RECORD_H

#include "common/err.h"
#include "common/value.h"
#include "crm/db.h"
#include "crm/entity.h"
#include "crm/filter.h"

/* Called for each target; rec is freed after the call. A non-zero return stops. */
typedef int (*crm_record_fn)(void *ctx, const struct value *rec, struct err *err);

/* Each record of e that q selects (q may hold no filter), in e's order;
 * limit <= 0 for all. *count (may be NULL) counts the records passed on. */
int crm_records_each(long *count, struct crm_db *db, const struct crm_entity *e, const struct crm_query *q, long limit,
		     crm_record_fn fn, void *ctx, struct err *err);

/* A record with every field of e (and of the rows it refers to) present and
 * empty: what a template for e may name. The caller frees it. */
struct value *crm_record_shape(const struct crm_entity *e);

#endif
