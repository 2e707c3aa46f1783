/* crm/migrate.c - apply the numbered SQL migrations built into the binary. */
#include "crm/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* Any number will do, as long as it is ours alone. */
#define MIGRATE_LOCK "74220501"

static int is_migration(const struct embedded_file *f)
{
	size_t n = strlen(f->name);
	return !strncmp(f->name, "sql/", 4) && n > 8 && !strcmp(f->name + n - 4, ".sql");
}

static const char *version_of(const struct embedded_file *f)
{
	return f->name + 4; /* "001_core.sql" */
}

static int is_applied(int *out, struct crm_db *db, const char *version, struct err *err)
{
	const char *params[] = { version };
	char *found = NULL;
	int rc = crm_db_value(&found, db, "SELECT 1 FROM crm.schema_migrations WHERE version = $1", 1, params, err);
	*out = found != NULL;
	free(found);
	return rc;
}

static int has_table(int *out, struct crm_db *db, struct err *err)
{
	char *found = NULL;
	int rc = crm_db_value(&found, db, "SELECT to_regclass('crm.schema_migrations') IS NOT NULL", 0, NULL, err);
	*out = found && !strcmp(found, "t");
	free(found);
	return rc;
}

int crm_migrate_pending(int *out, struct crm_db *db, struct err *err)
{
	int have, rc;
	*out = 0;
	if ((rc = has_table(&have, db, err)))
		return rc;
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		int done = 0;
		if (!is_migration(f))
			continue;
		if (have && (rc = is_applied(&done, db, version_of(f), err)))
			return rc;
		*out += !done;
	}
	return 0;
}

static int apply_one(struct crm_db *db, const struct embedded_file *f, struct err *err)
{
	const char *params[] = { version_of(f) };
	int rc = crm_db_begin(db, err);
	/* a migration may rewrite or index tables of millions of rows */
	if (!rc)
		rc = crm_db_work(db, CRM_DB_BULK, err);
	if (!rc)
		rc = crm_db_exec(db, (const char *)f->data, err);
	if (!rc)
		rc = crm_db_query(NULL, db, "INSERT INTO crm.schema_migrations (version) VALUES ($1)", 1, params, err);
	if (!rc)
		rc = crm_db_commit(db, err);
	if (rc) {
		crm_db_rollback(db);
		err_detail(err, "in migration %s", f->name);
	}
	return rc;
}

int crm_migrate_run(struct crm_db *db, int *applied, struct err *err)
{
	int rc, count = 0;

	if (applied)
		*applied = 0;
	rc = crm_db_exec(db,
			 "SELECT pg_advisory_lock(" MIGRATE_LOCK ");"
			 "CREATE SCHEMA IF NOT EXISTS crm;"
			 "CREATE TABLE IF NOT EXISTS crm.schema_migrations ("
			 " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
			 err);
	for (const struct embedded_file *f = embedded_files; !rc && f->name; f++) {
		int done;
		if (!is_migration(f))
			continue;
		if ((rc = is_applied(&done, db, version_of(f), err)) || done)
			continue;
		log_debug("applying migration %s", version_of(f));
		if (!(rc = apply_one(db, f, err)))
			count++;
	}
	{
		/* an unlock that fails after a good run is no error of the run's */
		struct err ignored = ERR_INIT;
		crm_db_exec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", &ignored);
		err_release(&ignored);
	}
	if (applied)
		*applied = count;
	return rc;
}
