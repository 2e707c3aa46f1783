/* crm/template.h - document templates stored in the database.
 *
 * The bytes are kept as they were given (crmgate checks a template with the
 * merge engine before it stores it; this module only keeps it). Names are
 * what `merge --template NAME` and campaigns refer to. */
#ifndef CRM_TEMPLATE_H
#define CRM_TEMPLATE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "crm/db.h"

struct crm_template {
	char *name;
	char *kind;    /* "docx", "txt", "html" */
	char *targets; /* the entity it was checked against, or NULL */
	int fields;
	struct buf content;
};

#define CRM_TEMPLATE_MAX (32u << 20) /* bytes of one template */

/* Store a template under name; one there already is ERR_EXISTS unless
 * replace. Not allowed for this user: ERR_DENIED. */
int crm_template_put(struct crm_db *db, const struct crm_template *t, int replace, struct err *err);
/* Load the template named name (ERR_NOTFOUND when there is none). */
int crm_template_get(struct crm_db *db, const char *name, struct crm_template *out, struct err *err);
void crm_template_release(struct crm_template *t);
/* Every template, without its bytes: name, kind, targets, fields, bytes,
 * sha256, updated_by, updated_at; by name. */
int crm_template_list(struct crm_res **out, struct crm_db *db, struct err *err);
/* One template's description, as the list gives it (ERR_NOTFOUND). */
int crm_template_describe(struct crm_res **out, struct crm_db *db, const char *name, struct err *err);
int crm_template_delete(struct crm_db *db, const char *name, struct err *err);

#endif
