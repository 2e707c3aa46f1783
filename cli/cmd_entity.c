/* cli/cmd_entity.c - crmgate ENTITY list|show|add|edit|delete, for every
 * entity from its one description (crm/entity.c), and the extra verbs some
 * entities have (cli/cmd_views.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/export.h"
#include "crm/filter.h"
#include "crm/import.h"
#include "common/banned.h"

#define USAGE_FMT                                                                                  \
	"usage: crmgate %s list [--where FILTER] [--limit N]\n"                                        \
	"       crmgate %s show KEY\n"                                                                 \
	"       crmgate %s add FIELD=VALUE...\n"                                                       \
	"       crmgate %s edit KEY FIELD=VALUE...\n"                                                  \
	"       crmgate %s delete KEY...\n"

static void print_usage(const struct crm_entity *e, FILE *f)
{
	char *cols = crm_entity_column_list(e);
	fprintf(f, USAGE_FMT, e->name, e->name, e->name, e->name, e->name);
	views_list(e->name, f);
	fprintf(f, "\n%s. Fields (the CSV columns of 'crmgate import %s'):\n  %s\n", e->title, e->name, cols);
	fprintf(f, "%s", e->key ? "" : "These rows have no key: add them, list them, import and export them.\n");
	fprintf(f, "list shows 100 rows unless --limit says otherwise (0: all).\n");
	free(cols);
}

static int usage_error(const struct crm_entity *e, struct err *err, const char *msg)
{
	err_set(err, ERR_INPUT, "%s", msg);
	err_hint(err, "'crmgate %s --help' shows the verbs and fields", e->name);
	return err->code;
}

static int entity_list(struct cli *cli, const struct crm_entity *e, int argc, char **argv, struct err *err)
{
	const char *where = "";
	long limit = 100;
	struct crm_query q;
	struct crm_db *db;
	struct crm_res *res = NULL;
	struct buf sql = BUF_INIT;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--where") && i + 1 < argc)
			where = argv[++i];
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			char *end;
			limit = strtol(argv[++i], &end, 10);
			if (*end || limit < 0)
				return err_set(err, ERR_INPUT, "--limit takes a whole number (0: all), not '%s'", argv[i]);
		}
		else
			return usage_error(e, err, "'list' takes --where FILTER and --limit N");
	}
	crm_query_init(&q);
	rc = crm_filter_compile(&q, e, where, cli->today, err);
	if (!rc)
		rc = cli_db(cli, &db, err);
	/* every row, sorted, may be asked for */
	if (!rc)
		rc = crm_db_work(db, CRM_DB_REPORT, err);
	if (!rc) {
		crm_list_sql(&sql, e, q.joins.data, q.where.data, limit);
		rc = crm_db_query(&res, db, sql.data, (int)q.nparams, crm_query_params(&q), err);
	}
	if (!rc) {
		out_rows(cli, res, stdout);
		if (cli->format == OUT_TABLE && limit > 0 && crm_res_rows(res) == limit)
			log_info("(the first %ld rows: --limit 0 shows all)", limit);
	}
	crm_res_free(res);
	buf_release(&sql);
	crm_query_release(&q);
	return rc;
}

/* The row of e whose key is key, as its export columns. */
static int find_row(struct crm_res **out, struct crm_db *db, const struct crm_entity *e, const char *key,
		    struct err *err)
{
	struct buf sql = BUF_INIT, where = BUF_INIT;
	const char *params[] = { key };
	int rc;

	buf_addf(&where, "t.%s = $1", crm_entity_key(e)->sql);
	crm_list_sql(&sql, e, "", where.data, 1);
	rc = crm_db_query(out, db, sql.data, 1, params, err);
	if (!rc && !crm_res_rows(*out)) {
		crm_res_free(*out);
		*out = NULL;
		rc = err_set(err, ERR_NOTFOUND, "there is no %s '%s'", e->name, key);
	}
	buf_release(&sql);
	buf_release(&where);
	return rc;
}

static int entity_show(struct cli *cli, const struct crm_entity *e, int argc, char **argv, struct err *err)
{
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	if (argc != 2)
		return usage_error(e, err, "'show' takes one KEY");
	if ((rc = cli_db(cli, &db, err)) || (rc = find_row(&res, db, e, argv[1], err)))
		return rc;
	out_record(cli, res, 0, stdout);
	crm_res_free(res);
	return 0;
}

/* add and edit: FIELD=VALUE arguments become a one-row import, so that a
 * value is checked exactly as in a CSV file. */
static int entity_write(struct cli *cli, const struct crm_entity *e, const char *key, int argc, char **argv,
			struct err *err)
{
	struct crm_import_opts opts = { .source = key ? "edit" : "add", .no_lines = 1, .update = key != NULL };
	size_t n = 0, nargs = (size_t)argc + 1;
	const char **names = xcalloc(nargs, sizeof(*names));
	const char **values = xcalloc(nargs, sizeof(*values));
	char **owned = xcalloc(nargs, sizeof(*owned));
	struct crm_import *imp = NULL;
	struct crm_db *db;
	long rows = 0;
	int rc = 0;

	if (key) {
		names[n] = e->key;
		values[n++] = key;
	}
	for (int i = 0; i < argc && !rc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			rc = usage_error(e, err, "fields are given as FIELD=VALUE");
			break;
		}
		owned[n] = xstrndup(argv[i], (size_t)(eq - argv[i]));
		names[n] = owned[n];
		values[n++] = eq + 1;
	}
	if (!rc && !n)
		rc = usage_error(e, err, "give the fields as FIELD=VALUE");
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc)
		rc = crm_import_begin(&imp, db, e, names, n, &opts, err);
	if (!rc)
		rc = crm_import_row(imp, 1, values, n, NULL, -1, err);
	if (!rc)
		rc = crm_import_finish(imp, &rows, err);
	crm_import_free(imp);
	if (!rc && !key) {
		const char *given = "";
		for (size_t i = 0; e->key && i < n; i++)
			if (!strcmp(names[i], e->key))
				given = values[i];
		log_info("added %s %s", e->name, given);
	} else if (!rc) {
		log_info("changed %s %s", e->name, key);
	}
	for (size_t i = 0; i < nargs; i++)
		free(owned[i]);
	free(owned);
	free(names);
	free(values);
	return rc;
}

static int entity_delete(struct cli *cli, const struct crm_entity *e, int argc, char **argv, struct err *err)
{
	struct buf sql = BUF_INIT;
	struct crm_db *db;
	int rc;

	if (argc < 2)
		return usage_error(e, err, "'delete' takes one KEY or more");
	if ((rc = cli_db(cli, &db, err)) || (rc = crm_db_begin(db, err)))
		return rc;
	buf_addf(&sql, "DELETE FROM %s WHERE %s = $1", e->table, crm_entity_key(e)->sql);
	for (int i = 1; !rc && i < argc; i++) {
		const char *params[] = { argv[i] };
		struct crm_res *res = NULL;
		rc = crm_db_query(&res, db, sql.data, 1, params, err);
		if (!rc && crm_res_affected(res) == 0)
			rc = err_set(err, ERR_NOTFOUND, "there is no %s '%s'%s", e->name, argv[i],
				     cli->store.as_login ? " that you may change" : "");
		else if (rc == ERR_INPUT)
			err_hint(err, "other records refer to %s '%s': delete or change them first", e->name, argv[i]);
		crm_res_free(res);
	}
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
	if (!rc)
		log_info("deleted %d %s row%s", argc - 1, e->name, argc == 2 ? "" : "s");
	buf_release(&sql);
	return rc;
}

int cmd_entity(struct cli *cli, int argc, char **argv, struct err *err)
{
	const struct crm_entity *e = crm_entity_find(argv[0]);
	const char *verb = argc > 1 ? argv[1] : NULL;
	cli_handler extra;

	if (!verb || !strcmp(verb, "-h") || !strcmp(verb, "--help") || !strcmp(verb, "help")) {
		print_usage(e, verb ? stdout : stderr);
		return verb ? 0 : 2;
	}
	if ((extra = views_find(e->name, verb, NULL)))
		return extra(cli, argc - 1, argv + 1, err);
	if (argc > 2 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
		print_usage(e, stdout);
		return 0;
	}
	if (!strcmp(verb, "list"))
		return entity_list(cli, e, argc - 1, argv + 1, err);
	if (!strcmp(verb, "add"))
		return entity_write(cli, e, NULL, argc - 2, argv + 2, err);
	if (!e->key && (!strcmp(verb, "show") || !strcmp(verb, "edit") || !strcmp(verb, "delete")))
		return usage_error(e, err, "these rows have no key: list, add, import and export them");
	if (!strcmp(verb, "show"))
		return entity_show(cli, e, argc - 1, argv + 1, err);
	if (!strcmp(verb, "edit")) {
		if (argc < 4)
			return usage_error(e, err, "'edit' takes a KEY and FIELD=VALUE arguments");
		return entity_write(cli, e, argv[2], argc - 3, argv + 3, err);
	}
	if (!strcmp(verb, "delete"))
		return entity_delete(cli, e, argc - 1, argv + 1, err);
	err_set(err, ERR_INPUT, "'%s' is not a verb of %s", verb, e->name);
	err_hint(err, "'crmgate %s --help' shows the verbs", e->name);
	return err->code;
}
