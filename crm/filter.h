/* crm/filter.h - the target filter language, compiled to parameterised SQL
 * (SPEC section 3).
 *
 *     birthday within 7 days and customer.region = '华东' and not email_opt_out
 *
 * A filter names fields from the entity's description only (crm/entity.c):
 * its columns by their import names, "X" for the label of the row an "X_code"
 * column refers to, and related fields through a dot ("customer.owner.name"),
 * and the rows its vias reach as templates do (a contact's "owner.name").
 * A row of a tree (a region, a category, a department) named through a
 * reference ("region", "region_code", "customer.region") matches itself and
 * the rows below it: "customer.region = '华东'" holds for 上海 under 华东;
 * its own fields through the dot ("region.name") are compared as they are.
 * Every literal becomes a parameter with an explicit cast: no value is ever
 * spliced into SQL text. "not" is two-valued: a condition on a missing value
 * (SQL NULL) is false, so "not customer.region = 'x'" keeps rows without a
 * region, while "customer.region != 'x'" and "not in" do not. */
#ifndef CRM_FILTER_H
#define CRM_FILTER_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

struct crm_db;
struct crm_entity;

/* A compiled query fragment over an entity's table, aliased "t". */
struct crm_query {
	/* " LEFT JOIN crm.customer f1 ON f1.id = t.customer_id ...", to append after "FROM <table> t" */
	struct buf joins;
	struct buf where; /* a boolean SQL expression, or empty when there is no filter */
	struct buf order; /* an ORDER BY to go before the entity's own ("t.postcode"), or empty */
	char **params;	  /* text values for $1..$n, owned */
	size_t nparams, params_alloc;
	int naliases; /* joins made so far: aliases f1, f2, ... */
};

void crm_query_init(struct crm_query *q);
/* Free what q holds; q is empty (as after crm_query_init) afterwards. */
void crm_query_release(struct crm_query *q);
/* Add a parameter (copied; NULL is SQL NULL); returns its number (1-based) for "$n". */
int crm_query_param(struct crm_query *q, const char *value);
/* q->params as crm_db_query takes them (borrowed until q changes). */
const char *const *crm_query_params(const struct crm_query *q);

/* Compile filter text src (UTF-8) for entity e into q. db is asked the
 * values an enumeration takes (crm/rules.h), once per session. today is the local date
 * "YYYY-MM-DD", passed as a parameter when the filter needs it ("within",
 * "today"). Parameters are numbered after those already in q; when q->where
 * holds a condition already, the filter is ANDed to it. An empty or blank src
 * is valid and adds nothing.
 *
 * Returns 0, or ERR_INPUT with a message that names the column (1-based, in
 * characters) where the filter went wrong, as in
 * "filter: column 14: unknown field 'regoin' for contact", two lines of
 * err->detail (the filter and a caret under that column) and sometimes a
 * hint. On error q is left as it was before the call. */
int crm_filter_compile(struct crm_query *q, struct crm_db *db, const struct crm_entity *e, const char *src,
		       const char *today, struct err *err);

/* The value of one field, named as a filter names it ("region_code",
 * "customer.region_code", "owner.name"), as an SQL expression over the
 * entity's table aliased "t", appended to out; the joins it needs are added
 * to q->joins as crm_filter_compile adds them. A field that names a row of
 * a tree is that row's own value, not its subtree. An unknown field is
 * ERR_INPUT with the message and caret crm_filter_compile gives; q is then
 * left as it was. */
int crm_filter_field(struct buf *out, struct crm_query *q, const struct crm_entity *e, const char *src,
		     struct err *err);

#endif
