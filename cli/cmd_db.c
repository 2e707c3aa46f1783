/* cli/cmd_db.c - crmgate db: the embedded PostgreSQL or an external server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/proc.h"
#include "common/xalloc.h"
#include "crm/cluster.h"
#include "crm/migrate.h"
#include "common/banned.h"

static const char usage[] =
	"usage: crmgate db init|start|stop|status|migrate|psql|reset --yes|dump FILE|restore FILE\n"
	"\n"
	"  init         create the embedded cluster in var/ (if needed), start it, apply migrations\n"
	"  start        start the embedded PostgreSQL (already running is fine)\n"
	"  stop         stop it\n"
	"  status       say whether it runs, where, and the schema version (exit 1 when stopped)\n"
	"  migrate      apply pending schema migrations\n"
	"  psql         open psql on the database\n"
	"  reset --yes  drop every crmgate table and recreate the empty schema\n"
	"  dump FILE    back up the data (pg_dump's custom format)\n"
	"  restore FILE put a dump back, replacing what is there\n"
	"\n"
	"Without --db, [database] url or PG* variables, the database is the embedded cluster under\n"
	"var/ in the working directory; every command that needs it starts it on demand.";

static int need_embedded(struct cli *cli, const char *verb, struct err *err)
{
	if (crm_store_is_external(&cli->store))
		return err_set(err, ERR_INPUT,
			       "'db %s' manages the embedded cluster, but an external database is configured", verb);
	return 0;
}

static int db_start(struct cli *cli, int init, struct err *err)
{
	struct crm_cluster c;
	struct crm_db *db;
	int created = 0, applied = 0, rc;

	if (crm_store_is_external(&cli->store)) {
		if (!init)
			return need_embedded(cli, "start", err);
	} else {
		if ((rc = crm_cluster_init(&c, cli->store.vardir, err)))
			return rc;
		rc = crm_cluster_start(&c, &created, err);
		if (!rc)
			log_info("%s PostgreSQL running in %s (socket in %s)", created ? "new" : "embedded", c.datadir,
				 c.sockdir);
		crm_cluster_release(&c);
		if (rc)
			return rc;
	}
	if ((rc = crm_store_connect(&db, &cli->store, err)))
		return rc;
	rc = crm_migrate_run(db, &applied, err);
	crm_db_free(db);
	if (!rc && applied)
		log_info("applied %d migration%s", applied, applied == 1 ? "" : "s");
	return rc;
}

static int db_stop(struct cli *cli, struct err *err)
{
	struct crm_cluster c;
	int rc, was;
	if ((rc = need_embedded(cli, "stop", err)) || (rc = crm_cluster_init(&c, cli->store.vardir, err)))
		return rc;
	was = crm_cluster_running(&c);
	rc = crm_cluster_stop(&c, err);
	if (!rc)
		log_info(was ? "stopped the embedded PostgreSQL" : "the embedded PostgreSQL was not running");
	crm_cluster_release(&c);
	return rc;
}

static int db_status(struct cli *cli, struct err *err)
{
	struct crm_db *db = NULL;
	char *version = NULL;
	int rc = 0, pending = 0;

	if (!crm_store_is_external(&cli->store)) {
		struct crm_cluster c;
		int running;
		if ((rc = crm_cluster_init(&c, cli->store.vardir, err)))
			return rc;
		running = crm_cluster_running(&c);
		printf("embedded PostgreSQL: %s\ndata:   %s\nsocket: %s\n",
		       !crm_cluster_exists(&c) ? "not created yet ('crmgate db init')" : running ? "running" : "stopped",
		       c.datadir, c.sockdir);
		crm_cluster_release(&c);
		if (!running)
			return 1;
	}
	if (!rc)
		rc = crm_store_connect(&db, &cli->store, err);
	if (!rc)
		rc = crm_db_value(&version, db,
				  "SELECT CASE WHEN to_regclass('crm.schema_migrations') IS NOT NULL THEN"
				  " (SELECT max(version) FROM crm.schema_migrations) END",
				  0, NULL, err);
	if (!rc)
		rc = crm_migrate_pending(&pending, db, err);
	if (!rc)
		printf("schema: %s%s\n", version ? version : "empty",
		       pending ? " (migrations pending: 'crmgate db migrate')" : "");
	free(version);
	crm_db_free(db);
	return rc;
}

static int db_migrate(struct cli *cli, struct err *err)
{
	struct crm_db *db;
	int applied = 0;
	int rc = crm_store_connect(&db, &cli->store, err);
	if (!rc)
		rc = crm_migrate_run(db, &applied, err);
	crm_db_free(db);
	if (!rc && applied)
		log_info("applied %d migration%s", applied, applied == 1 ? "" : "s");
	else if (!rc)
		log_info("the schema is up to date");
	return rc;
}

static int db_reset(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct crm_db *db;
	int rc;
	if (argc < 2 || strcmp(argv[1], "--yes"))
		return cli_usage_error(err, usage, "'db reset' drops every table and all data in them: add --yes");
	if ((rc = crm_store_connect(&db, &cli->store, err)))
		return rc;
	rc = crm_db_exec(db, "DROP SCHEMA IF EXISTS crm CASCADE", err);
	if (!rc)
		rc = crm_migrate_run(db, NULL, err);
	crm_db_free(db);
	if (!rc)
		log_info("the database is empty again");
	return rc;
}

/* The connection string for external tools (psql, pg_dump). */
static char *tool_conninfo(struct cli *cli, struct err *err)
{
	struct crm_cluster c;
	char *ci;
	if (crm_store_is_external(&cli->store))
		return xstrdup(cli->store.conninfo ? cli->store.conninfo : "");
	if (crm_cluster_init(&c, cli->store.vardir, err) || crm_cluster_start(&c, NULL, err))
		return NULL;
	ci = crm_cluster_conninfo(&c);
	crm_cluster_release(&c);
	return ci;
}

static int db_tool(struct cli *cli, const char *verb, const char *file, struct err *err)
{
	char *ci = tool_conninfo(cli, err);
	struct crm_db *db = NULL;
	int rc = 0;

	if (!ci)
		return err->code;
	if (!strcmp(verb, "psql")) {
		char *argv[] = { "psql", ci, NULL };
		rc = proc_exec(argv, err);
	} else if (!strcmp(verb, "dump")) {
		char *argv[] = { "pg_dump", "--format=custom", "--no-owner", "--schema=crm", "--file", (char *)file, ci, NULL };
		if (!(rc = proc_run(argv, NULL, NULL, err)))
			log_info("wrote %s", file);
	} else {
		/* the dump holds the whole schema: start from none, then bring
		 * it up to this binary's migrations */
		char *argv[] = { "pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname", ci,
				 (char *)file, NULL };
		char *list[] = { "pg_restore", "--list", (char *)file, NULL };
		struct buf listed = BUF_INIT;
		/* a file pg_restore cannot read must not cost the data there is */
		rc = proc_run(list, NULL, &listed, err);
		buf_release(&listed);
		if (rc)
			err_hint(err, "'%s' is not a dump made by 'crmgate db dump'; nothing was changed", file);
		if (!rc)
			rc = crm_store_connect(&db, &cli->store, err);
		if (!rc)
			rc = crm_db_exec(db, "DROP SCHEMA IF EXISTS crm CASCADE", err);
		if (!rc)
			rc = proc_run(argv, NULL, NULL, err);
		if (!rc)
			rc = crm_migrate_run(db, NULL, err);
		if (!rc)
			log_info("restored %s", file);
	}
	crm_db_free(db);
	free(ci);
	return rc;
}

int cmd_db(struct cli *cli, int argc, char **argv, struct err *err)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	if (cli_wants_help(argc, argv, usage))
		return 0;
	if (!verb)
		return cli_usage_error(err, usage, "'db' needs a verb");
	if (!strcmp(verb, "init") || !strcmp(verb, "start"))
		return db_start(cli, !strcmp(verb, "init"), err);
	if (!strcmp(verb, "stop"))
		return db_stop(cli, err);
	if (!strcmp(verb, "status"))
		return db_status(cli, err);
	if (!strcmp(verb, "migrate"))
		return db_migrate(cli, err);
	if (!strcmp(verb, "reset"))
		return db_reset(cli, argc - 1, argv + 1, err);
	if (!strcmp(verb, "psql"))
		return db_tool(cli, verb, NULL, err);
	if (!strcmp(verb, "dump") || !strcmp(verb, "restore")) {
		if (argc != 3)
			return cli_usage_error(err, usage, "'db %s' needs a FILE", verb);
		return db_tool(cli, verb, argv[2], err);
	}
	return cli_usage_error(err, usage, "'%s' is not a db verb", verb);
}
