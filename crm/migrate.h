/* crm/migrate.h - apply the numbered SQL migrations built into the binary.
 *
 * sql/NNN_name.sql files run in order, each in its own transaction, and are
 * recorded in crm.schema_migrations; a migration never changes once it has
 * landed, so a recorded one is never run again. An advisory lock keeps two
 * crmgate processes from migrating at once. */
#ifndef CRM_MIGRATE_H
#define CRM_MIGRATE_H

#include "common/err.h"
#include "crm/db.h"

/* Apply every pending migration; *applied (may be NULL) counts them. */
int crm_migrate_run(struct crm_db *db, int *applied, struct err *err);
/* How many migrations are not applied yet. */
int crm_migrate_pending(int *out, struct crm_db *db, struct err *err);

#endif
