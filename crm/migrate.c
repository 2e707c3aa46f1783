/* crm/migrate.c - apply the numbered SQL migrations built into the binary,
 * and refuse a database whose applied migrations are not this binary's. */
#include "crm/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* Any number will do, as long as it is ours alone. */
#define MIGRATE_LOCK "74220501"

/* The SHA-256 of a migration's text, in lower-case hex, as sha256sum prints
 * it: the server computes it, so that crm/ needs no crypto library. The text
 * travels in the client encoding (UTF-8) and convert_to gives back its bytes. */
#define DIGEST_OF(p) "encode(sha256(convert_to(" p ", 'UTF8')), 'hex')"

static int is_migration(const struct embedded_file *f)
{
	size_t n = strlen(f->name);
	return !strncmp(f->name, "sql/", 4) && n > 8 && !strcmp(f->name + n - 4, ".sql");
}

static const char *version_of(const struct embedded_file *f)
{
	return f->name + 4; /* "001_core.sql" */
}

/* What there is of crm.schema_migrations: nothing yet, the table as it was
 * before digests were recorded, or the table with its sha256 column. */
enum table_state { TABLE_NONE, TABLE_NO_DIGESTS, TABLE_READY };

static int table_state(enum table_state *out, struct crm_db *db, struct err *err)
{
	char *found = NULL;
	int rc = crm_db_value(&found, db,
			      "SELECT CASE WHEN to_regclass('crm.schema_migrations') IS NULL THEN 0"
			      " WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass("
			      "'crm.schema_migrations') AND attname = 'sha256' AND NOT attisdropped) THEN 2"
			      " ELSE 1 END",
			      0, NULL, err);
	*out = !found ? TABLE_NONE : found[0] == '2' ? TABLE_READY : found[0] == '1' ? TABLE_NO_DIGESTS : TABLE_NONE;
	free(found);
	return rc;
}

/* Each embedded migration, in order, beside what the database recorded of
 * it: columns version, applied ('t'/'f'), the recorded digest (NULL when
 * none was recorded) and the digest of this binary's text. */
static int inspect(struct crm_res **out, struct crm_db *db, enum table_state state, struct err *err)
{
	struct buf versions = BUF_INIT, bodies = BUF_INIT, sql = BUF_INIT;
	const char **v = NULL, **b = NULL;
	size_t nr = 0, alloc = 0, balloc = 0;
	const char *params[2];
	int rc;

	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (!is_migration(f))
			continue;
		ALLOC_GROW(v, nr + 1, alloc);
		ALLOC_GROW(b, nr + 1, balloc);
		v[nr] = version_of(f);
		b[nr++] = (const char *)f->data;
	}
	crm_array_text(&versions, v, nr);
	crm_array_text(&bodies, b, nr);
	params[0] = versions.data;
	params[1] = bodies.data;
	buf_addf(&sql,
		 "SELECT f.version, m.version IS NOT NULL, %s, " DIGEST_OF(
			 "f.body") " FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS f(version, body, n)"
				   " LEFT JOIN %s m ON m.version = f.version ORDER BY f.n",
		 state == TABLE_READY ? "m.sha256" : "NULL::text",
		 state == TABLE_NONE ? "(SELECT NULL::text AS version) " : "crm.schema_migrations");
	rc = crm_db_query(out, db, sql.data, 2, params, err);
	buf_release(&sql);
	buf_release(&bodies);
	buf_release(&versions);
	free(b);
	free(v);
	return rc;
}

/* A migration that was applied from a text other than this binary's: the
 * file was edited after it landed, or this is another build's database.
 * The schema may then lack what the code calls, so no command may run. */
static int refuse_drift(const struct crm_res *res, struct err *err)
{
	for (int i = 0; i < crm_res_rows(res); i++) {
		const char *version = crm_res_get(res, i, 0), *recorded = crm_res_get(res, i, 2),
			   *built = crm_res_get(res, i, 3);
		if (!recorded || !strcmp(recorded, built))
			continue;
		err_set(err, ERR_FAIL,
			"migration %s applied to this database differs from this crmgate's (sha256 %.12s… recorded, "
			"%.12s… built in)",
			version, recorded, built);
		err_hint(err,
			 "a migration never changes once it has landed: put sql/%s back as it was and make the change "
			 "in a new migration, or run the crmgate that migrated this database; a database whose data "
			 "you do not need is rebuilt by 'crmgate db reset --yes'",
			 version);
		return err->code;
	}
	return 0;
}

int crm_migrate_pending(int *out, struct crm_db *db, struct err *err)
{
	struct crm_res *res = NULL;
	enum table_state state;
	int rc;

	*out = 0;
	if ((rc = table_state(&state, db, err)) || (rc = inspect(&res, db, state, err)) ||
	    (rc = refuse_drift(res, err)))
		goto done;
	/* an applied migration without its digest still has to be recorded */
	for (int i = 0; i < crm_res_rows(res); i++)
		*out += strcmp(crm_res_get(res, i, 1), "t") || !crm_res_get(res, i, 2);
done:
	crm_res_free(res);
	return rc;
}

static int apply_one(struct crm_db *db, const struct embedded_file *f, struct err *err)
{
	const char *params[] = { version_of(f), (const char *)f->data };
	int rc = crm_db_begin(db, err);
	/* a migration may rewrite or index tables of millions of rows */
	if (!rc)
		rc = crm_db_work(db, CRM_DB_BULK, err);
	if (!rc)
		rc = crm_db_exec(db, (const char *)f->data, err);
	if (!rc)
		rc = crm_db_query(NULL, db,
				  "INSERT INTO crm.schema_migrations (version, sha256) VALUES ($1, " DIGEST_OF(
					  "$2") ")",
				  2, params, err);
	if (!rc)
		rc = crm_db_commit(db, err);
	if (rc) {
		crm_db_rollback(db);
		err_detail(err, "in migration %s", f->name);
	}
	return rc;
}

/* Check what was applied, record the digests a database migrated before
 * they were recorded lacks, and apply what is pending. */
static int migrate_locked(struct crm_db *db, int *count, struct err *err)
{
	struct crm_res *res = NULL;
	enum table_state state;
	int rc, row = 0;

	/* The runner makes the sha256 column itself, before it reads the table:
	 * it must check migrations 001 to N before it applies N + 1, so no
	 * migration file could add the column in time (and crm.schema_migrations
	 * is the runner's own table, created here too). */
	rc = crm_db_exec(db,
			 "CREATE SCHEMA IF NOT EXISTS crm;"
			 "CREATE TABLE IF NOT EXISTS crm.schema_migrations ("
			 " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), sha256 text)",
			 err);
	if (!rc)
		rc = table_state(&state, db, err);
	if (!rc && state == TABLE_NO_DIGESTS)
		rc = crm_db_exec(db, "ALTER TABLE crm.schema_migrations ADD COLUMN IF NOT EXISTS sha256 text", err);
	if (!rc)
		rc = inspect(&res, db, TABLE_READY, err);
	if (!rc)
		rc = refuse_drift(res, err);
	for (const struct embedded_file *f = embedded_files; !rc && f->name; f++) {
		const char *params[2];
		if (!is_migration(f))
			continue;
		params[0] = crm_res_get(res, row, 0);
		params[1] = crm_res_get(res, row, 3);
		if (strcmp(params[0], version_of(f)))
			BUG("migration %s came back as %s", version_of(f), params[0]);
		if (strcmp(crm_res_get(res, row, 1), "t")) {
			log_debug("applying migration %s", version_of(f));
			if (!(rc = apply_one(db, f, err)))
				(*count)++;
		} else if (!crm_res_get(res, row, 2)) {
			/* Applied before digests were recorded: what was applied then
			 * cannot be known now, so this binary's digest is recorded, once,
			 * and checked from then on. (The row's xmin changes with it, which
			 * crm.demo_foreign_table reads: on such a database the demo may
			 * ask once more before it empties it, the safe way to be wrong.) */
			rc = crm_db_query(
				NULL, db,
				"UPDATE crm.schema_migrations SET sha256 = $2 WHERE version = $1 AND sha256 IS NULL", 2,
				params, err);
		}
		row++;
	}
	crm_res_free(res);
	return rc;
}

int crm_migrate_run(struct crm_db *db, int *applied, struct err *err)
{
	int rc, count = 0;

	if (applied)
		*applied = 0;
	rc = crm_db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", err);
	if (!rc)
		rc = migrate_locked(db, &count, err);
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
