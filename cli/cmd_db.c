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
	"usage: crmgate db init|start|stop|status|migrate|psql|reset --yes|dump FILE|restore FILE --yes\n"
	"\n"
	"  init               create the embedded cluster in var/ here (if needed), start it,\n"
	"                     apply migrations\n"
	"  start              start the embedded PostgreSQL (already running is fine)\n"
	"  stop               stop it\n"
	"  status             say which database is used, whether it runs, where, and the schema\n"
	"                     version (exit 1 when stopped)\n"
	"  migrate            apply pending schema migrations\n"
	"  psql               open psql on the database\n"
	"  reset --yes        drop every crmgate table and recreate the empty schema\n"
	"  dump FILE          back up the data (pg_dump's custom format)\n"
	"  restore FILE --yes put a dump back, replacing everything that is there\n"
	"\n"
	"Without --db, [database] url or PG* variables, the database is the embedded cluster:\n"
	"the folder [database] dir names, else the nearest var/ holding one in the working\n"
	"directory or above it, else $CRMGATE_HOME, else ~/.local/share/crmgate (as root\n"
	"/var/lib/crmgate). Every command that needs it starts it on demand; one that has to\n"
	"create it says so.";

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
		if (init)
			cli_vardir_here(cli);
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
		printf("embedded PostgreSQL: %s\nfolder: %s\ndata:   %s\nsocket: %s\n",
		       !crm_cluster_exists(&c) ? "not created yet ('crmgate db init' makes one in var/ here)"
		       : running		 ? "running"
						 : "stopped",
		       c.vardir, c.datadir, c.sockdir);
		crm_cluster_release(&c);
		if (!running)
			return 1;
	}
	if (!rc)
		rc = crm_store_connect(&db, &cli->store, err);
	if (!rc && crm_store_is_external(&cli->store)) {
		struct crm_res *res = NULL;
		rc = crm_db_query(&res, db,
				  "SELECT current_database(), coalesce(host(inet_server_addr()), 'a Unix socket'),"
				  " current_setting('port'), current_setting('server_version')",
				  0, NULL, err);
		if (!rc)
			printf("external PostgreSQL %s: database %s on %s, port %s\n", crm_res_get(res, 0, 3),
			       crm_res_get(res, 0, 0), crm_res_get(res, 0, 1), crm_res_get(res, 0, 2));
		crm_res_free(res);
	}
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

/* Put a dump back. The dump holds the whole schema: the present one steps
 * aside (renamed, not dropped) while pg_restore runs in one transaction, and
 * comes back when the restore fails, so that a failed restore costs nothing;
 * then the schema is brought up to this binary's migrations. */
static int db_restore(struct cli *cli, char *ci, const char *file, struct err *err)
{
	char *argv[] = { "pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname", ci,
			 (char *)file, NULL };
	char *list[] = { "pg_restore", "--list", (char *)file, NULL };
	struct buf listed = BUF_INIT;
	struct crm_db *db = NULL;
	char *left = NULL;
	int rc;

	/* a file pg_restore cannot read must not cost the data there is */
	rc = proc_run(list, NULL, &listed, err);
	buf_release(&listed);
	if (rc) {
		err_hint(err, "'%s' is not a dump made by 'crmgate db dump'; nothing was changed", file);
		return rc;
	}
	if ((rc = crm_store_connect(&db, &cli->store, err)))
		return rc;
	rc = crm_db_value(&left, db, "SELECT to_regnamespace('crm_before_restore') IS NOT NULL", 0, NULL, err);
	if (!rc && !strcmp(left, "t")) {
		rc = err_set(err, ERR_FAIL, "an earlier restore did not finish: the data it was replacing is in the "
					    "schema crm_before_restore; nothing was changed");
		err_hint(err, "look at both with 'crmgate db psql'; drop the one you do not want");
	}
	if (!rc)
		rc = crm_db_exec(db, "ALTER SCHEMA crm RENAME TO crm_before_restore", err);
	if (!rc && (rc = proc_run(argv, NULL, NULL, err))) {
		struct err undo = ERR_INIT;
		if (crm_db_exec(db,
				"BEGIN; DROP SCHEMA IF EXISTS crm CASCADE;"
				" ALTER SCHEMA crm_before_restore RENAME TO crm; COMMIT",
				&undo))
			err_detail(err, "and the data that was there could not be put back: %s (it is in the schema "
					"crm_before_restore)",
				   undo.msg.data);
		else
			err_hint(err, "nothing was changed");
		err_release(&undo);
	}
	if (!rc)
		rc = crm_migrate_run(db, NULL, err);
	if (!rc)
		rc = crm_db_exec(db, "SELECT crm.demo_forget(); DROP SCHEMA crm_before_restore CASCADE", err);
	if (!rc)
		log_info("restored %s", file);
	free(left);
	crm_db_free(db);
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
		rc = db_restore(cli, ci, file, err);
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
	if (!strcmp(verb, "dump")) {
		if (argc != 3)
			return cli_usage_error(err, usage, "'db dump' needs a FILE");
		return db_tool(cli, verb, argv[2], err);
	}
	if (!strcmp(verb, "restore")) {
		const char *file = NULL;
		int yes = 0;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--yes"))
				yes = 1;
			else if (!file && argv[i][0] != '-')
				file = argv[i];
			else
				return cli_usage_error(err, usage, "'db restore' takes a FILE and --yes, not '%s'",
						       argv[i]);
		}
		if (!file)
			return cli_usage_error(err, usage, "'db restore' needs a FILE");
		if (!yes)
			return cli_usage_error(err, usage,
					       "'db restore' replaces every record in the database with the dump's: "
					       "add --yes");
		return db_tool(cli, verb, file, err);
	}
	return cli_usage_error(err, usage, "'%s' is not a db verb", verb);
}
