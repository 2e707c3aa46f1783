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

static int entity_list(struct cli *cli, void *args, struct err *err);
static int entity_show(struct cli *cli, void *args, struct err *err);
static int entity_add(struct cli *cli, void *args, struct err *err);
static int entity_edit(struct cli *cli, void *args, struct err *err);
static int entity_delete(struct cli *cli, void *args, struct err *err);

static const struct opt_spec list_opts[] = {
	OPT_STRING("where", "FILTER", N_("only the rows FILTER selects (the language of 'crmgate targets')"),
		   struct entity_args, where),
	OPT_INT("limit", "N", N_("show N rows (default 100; 0: all)"), struct entity_args, limit, 0, 1000000000),
	OPT_END(),
};

static const struct opt_spec show_opts[] = {
	OPT_ARG("KEY", N_("the record's key (its code)"), struct entity_args, key, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_spec add_opts[] = {
	OPT_ARGS("FIELD=VALUE", N_("the fields, by their CSV names"), struct entity_args, rest, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_spec edit_opts[] = {
	OPT_ARG("KEY", N_("the record's key (its code)"), struct entity_args, key, OPT_REQUIRED),
	OPT_ARGS("FIELD=VALUE", N_("the fields to change, by their CSV names"), struct entity_args, rest, OPT_REQUIRED),
	OPT_END(),
};

static const struct opt_spec delete_opts[] = {
	OPT_ARGS("KEY", N_("the keys of the records to delete"), struct entity_args, rest, OPT_REQUIRED),
	OPT_END(),
};

/* Every entity's own verbs; cmd_entity puts the entity's name before each. */
static const struct opt_cmd entity_verbs[] = {
	{ .name = "list",
	  .summary = N_("the rows (100 unless --limit says otherwise)"),
	  .opts = list_opts,
	  .fn = entity_list },
	{ .name = "show", .summary = N_("one record"), .opts = show_opts, .fn = entity_show },
	{ .name = "add",
	  .summary = N_("a new record, checked as an import checks it"),
	  .opts = add_opts,
	  .fn = entity_add },
	{ .name = "edit", .summary = N_("change fields of a record"), .opts = edit_opts, .fn = entity_edit },
	{ .name = "delete", .summary = N_("delete records"), .opts = delete_opts, .fn = entity_delete },
};

static int usage_error(const struct crm_entity *e, struct err *err, const char *msg)
{
	err_set(err, ERR_INPUT, "%s", msg);
	err_hint(err, "'crmgate %s --help' shows the verbs and fields", e->name);
	return err->code;
}

static int entity_list(struct cli *cli, void *args, struct err *err)
{
	const struct entity_args *a = args;
	const struct crm_entity *e = a->e;
	const char *where = a->where ? a->where : "";
	long limit = a->limit;
	struct crm_query q;
	struct crm_db *db;
	struct crm_res *res = NULL;
	struct buf sql = BUF_INIT;
	int rc;

	crm_query_init(&q);
	rc = cli_db(cli, &db, err);
	if (!rc)
		rc = crm_filter_compile(&q, db, e, where, cli->today, err);
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

static int entity_show(struct cli *cli, void *args, struct err *err)
{
	const struct entity_args *a = args;
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	if ((rc = cli_db(cli, &db, err)) || (rc = find_row(&res, db, a->e, a->key, err)))
		return rc;
	out_record(cli, res, 0, stdout);
	crm_res_free(res);
	return 0;
}

/* add and edit: FIELD=VALUE arguments become a one-row import, so that a
 * value is checked exactly as in a CSV file. */
static int entity_write(struct cli *cli, const struct crm_entity *e, const char *key, int argc, const char **argv,
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

static int entity_add(struct cli *cli, void *args, struct err *err)
{
	const struct entity_args *a = args;
	return entity_write(cli, a->e, NULL, a->rest.n, a->rest.v, err);
}

static int entity_edit(struct cli *cli, void *args, struct err *err)
{
	const struct entity_args *a = args;
	return entity_write(cli, a->e, a->key, a->rest.n, a->rest.v, err);
}

static int entity_delete(struct cli *cli, void *args, struct err *err)
{
	const struct entity_args *a = args;
	const struct crm_entity *e = a->e;
	const char *const *keys = a->rest.v;
	int n = a->rest.n;
	struct buf sql = BUF_INIT;
	struct crm_db *db;
	int rc;

	if ((rc = cli_db(cli, &db, err)) || (rc = crm_db_begin(db, err)))
		return rc;
	buf_addf(&sql, "DELETE FROM %s WHERE %s = $1", e->table, crm_entity_key(e)->sql);
	for (int i = 0; !rc && i < n; i++) {
		const char *params[] = { keys[i] };
		struct crm_res *res = NULL;
		rc = crm_db_query(&res, db, sql.data, 1, params, err);
		if (!rc && crm_res_affected(res) == 0)
			rc = err_set(err, ERR_NOTFOUND, "there is no %s '%s'%s", e->name, keys[i],
				     cli->store.as_login ? " that you may change" : "");
		else if (rc == ERR_INPUT)
			err_hint(err, "other records refer to %s '%s': delete or change them first", e->name, keys[i]);
		crm_res_free(res);
	}
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
	if (!rc)
		log_info("deleted %d %s row%s", n, e->name, n == 1 ? "" : "s");
	buf_release(&sql);
	return rc;
}

/* The help after the usage: the entity's fields. */
static void entity_help(const struct opt_cmd *cmd, FILE *f)
{
	const struct crm_entity *e = crm_entity_find(cmd->name);
	char *cols = crm_entity_column_list(e);
	fprintf(f, _("\n%s. Fields (the CSV columns of 'crmgate import %s'):\n  %s\n"), e->title, e->name, cols);
	if (!e->key)
		fprintf(f, "%s", _("These rows have no key: add them, list them, import and export them.\n"));
	free(cols);
}

int cmd_entity(struct cli *cli, int argc, char **argv, struct err *err)
{
	const struct crm_entity *e = crm_entity_find(argv[0]);
	struct entity_args a = { .e = e, .limit = 100 };
	struct opt_cmd verbs[ARRAY_SIZE(entity_verbs) + 8] = { 0 };
	struct opt_cmd cmd = { .name = e->name, .summary = e->title, .verbs = verbs, .more_help = entity_help };
	const struct opt_cmd *verb = NULL;
	char *names[ARRAY_SIZE(verbs)] = { 0 };
	size_t n = 0;
	int rc;

	/* its own verbs ("customer list", named here), then its views ("customer view") */
	for (size_t i = 0; i < ARRAY_SIZE(entity_verbs); i++)
		if (e->key || entity_verbs[i].fn == entity_list || entity_verbs[i].fn == entity_add) {
			verbs[n] = entity_verbs[i];
			verbs[n].name = names[n] = xstrfmt("%s %s", e->name, entity_verbs[i].name);
			n++;
		}
	for (const struct cli_view *v = cli_views; v->entity && n < ARRAY_SIZE(verbs) - 1; v++)
		if (!strcmp(v->entity, e->name))
			verbs[n++] = v->cmd;
	rc = opt_parse(&verb, &cmd, &a, argc, argv, err);
	if (!rc)
		rc = verb->fn(cli, &a, err);
	opt_release(verb, &a);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc == OPT_HELP ? 0 : rc;
}
