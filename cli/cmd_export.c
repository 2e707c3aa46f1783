/* cli/cmd_export.c - crmgate export ENTITY [--where FILTER]: CSV to standard output. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crm/entity.h"
#include "crm/export.h"
#include "crm/filter.h"
#include "common/banned.h"

struct export_args {
	const char *entity, *where;
};

static const struct opt_spec export_opts[] = {
	OPT_ARG("ENTITY", N_("the entity whose rows to write: customer, contact, order..."), struct export_args, entity,
		OPT_REQUIRED),
	OPT_STRING("where", "FILTER", N_("only the rows FILTER selects (the language of 'crmgate targets')"),
		   struct export_args, where),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "export",
	.summary = N_("write an entity's rows as CSV to standard output"),
	.help = N_("Writes ENTITY's rows as CSV (RFC 4180, UTF-8, header row) to standard output, with the\n"
		   "columns 'crmgate import' takes, in code order: export, import and export again give the\n"
		   "same file (passwords are never exported)."),
	.opts = export_opts,
} };

int cmd_export(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct export_args a = { 0 };
	const struct crm_entity *e;
	struct crm_query q;
	struct crm_db *db;
	int rc;

	if ((rc = opt_parse(NULL, usage, &a, argc, argv, err)))
		return rc == OPT_HELP ? 0 : rc;
	if (!(e = cli_entity(a.entity, usage, err)))
		return err->code;
	crm_query_init(&q);
	rc = cli_db(cli, &db, err);
	if (!rc)
		rc = crm_filter_compile(&q, db, e, a.where ? a.where : "", cli->today, err);
	if (!rc)
		rc = crm_export_csv(stdout, db, e, q.joins.data, q.where.data, (int)q.nparams, crm_query_params(&q),
				    err);
	crm_query_release(&q);
	return rc;
}
