/* crm/store.h - open the CRM store for a command: the embedded cluster or an
 * external server, schema migrations, the session's time zone, and whose view
 * (--as) the session takes. */
#ifndef CRM_STORE_H
#define CRM_STORE_H

#include "common/err.h"
#include "crm/db.h"

struct crm_store_opts {
	const char *conninfo; /* --db or [database] url; NULL: the PG* environment or the embedded cluster */
	const char *vardir;   /* where the embedded cluster lives (crm_cluster_locate) */
	const char *as_login; /* --as / CRMGATE_USER: whose view, or NULL for the owner's */
	const char *timezone; /* the session's time zone, or NULL for the server's */
};

/* Is the database an external server (--db, [database] url, or libpq's PG*
 * variables), rather than the embedded cluster? */
int crm_store_is_external(const struct crm_store_opts *opts);

/* Connect (starting the embedded cluster when needed), apply pending
 * migrations, set the time zone and take the view of opts->as_login. */
int crm_store_open(struct crm_db **out, const struct crm_store_opts *opts, struct err *err);

/* Connect as crm_store_open does, but apply no migration and take no view:
 * for 'db migrate', 'db reset' and 'db status'. */
int crm_store_connect(struct crm_db **out, const struct crm_store_opts *opts, struct err *err);

#endif
