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

static const struct opt_cmd usage[1];

static const struct opt_spec reset_opts[] = {
	OPT_FLAG("yes", N_("yes, drop every crmgate table and all data in them"), struct db_args, yes),
	OPT_END(),
};

static const struct opt_spec psql_opts[] = {
	OPT_ARGS("PSQL-ARGS", N_("passed to psql as they are (-c 'SELECT 1', -f FILE...)"), struct db_args, args, 0),
	OPT_END(),
};

static const struct opt_spec dump_opts[] = {
	OPT_ARG("FILE", N_("the dump to write (pg_dump's custom format)"), struct db_args, file, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_spec restore_opts[] = {
	OPT_ARG("FILE", N_("a dump made by 'crmgate db dump'"), struct db_args, file, OPT_REQUIRED),
	OPT_FLAG("yes", N_("yes, replace every record in the database with the dump's"), struct db_args, yes),
	OPT_END(),
};

static int db_start_verb(struct cli *cli, void *args, struct err *err);
static int db_stop(struct cli *cli, void *args, struct err *err);
static int db_status(struct cli *cli, void *args, struct err *err);
static int db_migrate(struct cli *cli, void *args, struct err *err);
static int db_psql(struct cli *cli, void *args, struct err *err);
static int db_dump(struct cli *cli, void *args, struct err *err);
static int db_restore_verb(struct cli *cli, void *args, struct err *err);

static const struct opt_cmd verbs[] = {
	{ .name = "db init",
	  .summary = N_("create the embedded cluster in var/ here (if needed), start it, apply migrations"),
	  .fn = cli_db_init },
	{ .name = "db start",
	  .summary = N_("start the embedded PostgreSQL (already running is fine)"),
	  .fn = db_start_verb },
	{ .name = "db stop", .summary = N_("stop it"), .fn = db_stop },
	{ .name = "db status",
	  .summary = N_("which database is used, whether it runs, where, the schema version (exit 1 when stopped)"),
	  .fn = db_status },
	{ .name = "db migrate", .summary = N_("apply pending schema migrations"), .fn = db_migrate },
	{ .name = "db psql",
	  .summary = N_("open psql on the database (or run it with PSQL-ARGS)"),
	  .opts = psql_opts,
	  .fn = db_psql,
	  .flags = OPT_PASSTHROUGH },
	{ .name = "db reset",
	  .summary = N_("drop every crmgate table and recreate the empty schema"),
	  .opts = reset_opts,
	  .fn = cli_db_reset },
	{ .name = "db dump",
	  .summary = N_("back up the data (pg_dump's custom format)"),
	  .opts = dump_opts,
	  .fn = db_dump },
	{ .name = "db restore",
	  .summary = N_("put a dump back, replacing everything that is there"),
	  .opts = restore_opts,
	  .fn = db_restore_verb },
	{ 0 },
};

static const struct opt_cmd usage[1] = { {
	.name = "db",
	.summary = N_("the database: init, start, stop, status, migrate, psql, reset, dump, restore"),
	.help = N_("Without --db, [database] url or PG* variables, the database is the embedded cluster:\n"
		   "the folder [database] dir names, else the nearest var/ holding one in the working\n"
		   "directory or above it, else $CRMGATE_HOME, else ~/.local/share/crmgate (as root\n"
		   "/var/lib/crmgate). Every command that needs it starts it on demand; one that has to\n"
		   "create it says so."),
	.verbs = verbs,
} };

const struct opt_cmd *const cli_db_cmd = usage;

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

int cli_db_init(struct cli *cli, void *args, struct err *err)
{
	(void)args;
	return db_start(cli, 1, err);
}

static int db_start_verb(struct cli *cli, void *args, struct err *err)
{
	(void)args;
	return db_start(cli, 0, err);
}

static int db_stop(struct cli *cli, void *args, struct err *err)
{
	(void)args;
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

static int db_status(struct cli *cli, void *args, struct err *err)
{
	(void)args;
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
		       : running	       ? "running"
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

static int db_migrate(struct cli *cli, void *args, struct err *err)
{
	(void)args;
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

int cli_db_reset(struct cli *cli, void *args, struct err *err)
{
	const struct db_args *a = args;
	struct crm_db *db;
	int rc;
	if (!a->yes)
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
	char *argv[] = { "pg_restore", "--no-owner", "--single-transaction", "--exit-on-error",
			 "--dbname",   ci,	     (char *)file,	     NULL };
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
		rc = err_set(err, ERR_FAIL,
			     "an earlier restore did not finish: the data it was replacing is in the "
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
			err_detail(err,
				   "and the data that was there could not be put back: %s (it is in the schema "
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

static int db_tool(struct cli *cli, const char *verb, const struct db_args *a, struct err *err)
{
	char *ci = tool_conninfo(cli, err);
	int rc = 0;

	if (!ci)
		return err->code;
	if (!strcmp(verb, "psql")) {
		/* psql CONNINFO, then what the user gave it */
		char **argv = xcalloc((size_t)a->args.n + 3, sizeof(*argv));
		argv[0] = "psql";
		argv[1] = ci;
		for (int i = 0; i < a->args.n; i++)
			argv[i + 2] = (char *)a->args.v[i];
		rc = proc_exec(argv, err);
		free(argv);
	} else if (!strcmp(verb, "dump")) {
		char *argv[] = { "pg_dump", "--format=custom", "--no-owner", "--schema=crm",
				 "--file",  (char *)a->file,   ci,	     NULL };
		if (!(rc = proc_run(argv, NULL, NULL, err)))
			log_info("wrote %s", a->file);
	} else {
		rc = db_restore(cli, ci, a->file, err);
	}
	free(ci);
	return rc;
}

static int db_psql(struct cli *cli, void *args, struct err *err)
{
	return db_tool(cli, "psql", args, err);
}

static int db_dump(struct cli *cli, void *args, struct err *err)
{
	return db_tool(cli, "dump", args, err);
}

static int db_restore_verb(struct cli *cli, void *args, struct err *err)
{
	const struct db_args *a = args;
	if (!a->yes)
		return cli_usage_error(
			err, usage, _("'db restore' replaces every record in the database with the dump's: add --yes"));
	return db_tool(cli, "restore", a, err);
}

int cmd_db(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct db_args a = { 0 };
	return opt_run(cli, usage, &a, argc, argv, err);
}
