/* crm/migrate.h - apply the numbered SQL migrations built into the binary.
 *
 * sql/NNN_name.sql files run in order, each in its own transaction, and are
 * recorded in crm.schema_migrations; a migration never changes once it has
 * landed, so a recorded one is never run again. An advisory lock keeps two
 * crmgate processes from migrating at once.
 *
 * Each applied migration's SHA-256 is recorded in crm.schema_migrations.sha256;
 * a database whose applied migration differs from this binary's (the file was
 * edited after it landed, or another build migrated it) is refused with
 * ERR_FAIL, naming the file and how to recover: its schema may lack what this
 * binary's code calls. Change the schema only in new files. */
#ifndef CRM_MIGRATE_H
#define CRM_MIGRATE_H

#include "common/err.h"
#include "crm/db.h"

/* Refuse a database that drifted, record the digests of migrations applied
 * before digests were recorded, and apply every pending migration; *applied
 * (may be NULL) counts the migrations applied. */
int crm_migrate_run(struct crm_db *db, int *applied, struct err *err);
/* Refuse a database that drifted (as crm_migrate_run does); else *out is how
 * many migrations are not applied yet or not recorded with their digest:
 * crm_migrate_run has work to do when it is not 0. */
int crm_migrate_pending(int *out, struct crm_db *db, struct err *err);

#endif
