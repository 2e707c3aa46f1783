/* cli/cmd_export.c - crmgate export ENTITY [--where FILTER]: CSV to standard output. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crm/entity.h"
#include "crm/export.h"
#include "crm/filter.h"
#include "common/banned.h"

static const char usage[] =
	"usage: crmgate export ENTITY [--where FILTER]\n"
	"\n"
	"Writes ENTITY's rows as CSV (RFC 4180, UTF-8, header row) to standard output, with the\n"
	"columns 'crmgate import' takes, in code order: export, import and export again give the\n"
	"same file (passwords are never exported). FILTER is the language of 'crmgate targets'.";

int cmd_export(struct cli *cli, int argc, char **argv, struct err *err)
{
	const struct crm_entity *e;
	const char *entity = NULL, *where = NULL;
	struct crm_query q;
	struct crm_db *db;
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--where") && i + 1 < argc)
			where = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage_error(err, usage, "unknown option '%s'", argv[i]);
		else if (!entity)
			entity = argv[i];
		else
			return cli_usage_error(err, usage, "too many arguments");
	}
	if (!entity)
		return cli_usage_error(err, usage, "'export' needs an ENTITY");
	if (!(e = cli_entity(entity, usage, err)))
		return err->code;
	crm_query_init(&q);
	rc = crm_filter_compile(&q, e, where ? where : "", cli->today, err);
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc)
		rc = crm_export_csv(stdout, db, e, q.joins.data, q.where.data, (int)q.nparams,
				    crm_query_params(&q), err);
	crm_query_release(&q);
	return rc;
}
