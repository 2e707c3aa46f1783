/* crm/store.c - open the CRM store for a command. */
#include "crm/store.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "crm/cluster.h"
#include "crm/migrate.h"
#include "common/banned.h"

int crm_store_is_external(const struct crm_store_opts *opts)
{
	static const char *const vars[] = { "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE" };
	if (opts->conninfo && *opts->conninfo)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return 1;
	}
	return 0;
}

int crm_store_connect(struct crm_db **out, const struct crm_store_opts *opts, struct err *err)
{
	struct crm_cluster cluster;
	char *conninfo;
	int rc, created = 0;

	*out = NULL;
	if (crm_store_is_external(opts))
		return crm_db_connect(out, opts->conninfo ? opts->conninfo : "", err);
	if ((rc = crm_cluster_init(&cluster, opts->vardir, err)))
		return rc;
	if (!crm_cluster_running(&cluster))
		log_debug("starting the embedded PostgreSQL in %s", cluster.datadir);
	rc = crm_cluster_start(&cluster, &created, err);
	/* a command that found no database made one: say where, so that a
	 * user in the wrong folder does not take it for their data gone */
	if (!rc && created)
		log_info("crmgate: created a new database in %s", cluster.vardir);
	conninfo = crm_cluster_conninfo(&cluster);
	if (!rc)
		rc = crm_db_connect(out, conninfo, err);
	free(conninfo);
	crm_cluster_release(&cluster);
	return rc;
}

static int take_view(struct crm_db *db, const char *login, struct err *err)
{
	const char *params[] = { login };
	char *role = NULL;
	int rc = crm_db_value(&role, db, "SELECT role FROM crm.app_user WHERE login = $1", 1, params, err);
	if (rc)
		return rc;
	if (!role) {
		err_set(err, ERR_INPUT, "there is no user '%s'", login);
		err_hint(err, "users come from 'crmgate import user FILE.csv' or 'crmgate user add'");
		return err->code;
	}
	free(role);
	rc = crm_db_query(NULL, db, "SELECT set_config('crmgate.login', $1, false)", 1, params, err);
	if (!rc)
		rc = crm_db_exec(db, "SET ROLE crmgate_app", err);
	return rc;
}

int crm_store_open(struct crm_db **out, const struct crm_store_opts *opts, struct err *err)
{
	struct crm_db *db = NULL;
	int pending = 0;
	int rc = crm_store_connect(&db, opts, err);

	if (!rc)
		rc = crm_migrate_pending(&pending, db, err);
	if (!rc && pending)
		rc = crm_migrate_run(db, NULL, err);
	if (!rc && opts->timezone) {
		const char *params[] = { opts->timezone };
		rc = crm_db_query(NULL, db, "SELECT set_config('TimeZone', $1, false)", 1, params, err);
		if (rc)
			err_hint(err, "check [general] timezone: a name such as Asia/Shanghai");
	}
	if (!rc && opts->as_login)
		rc = take_view(db, opts->as_login, err);
	if (rc) {
		crm_db_free(db);
		db = NULL;
	}
	*out = db;
	return rc;
}
