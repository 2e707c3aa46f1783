/* cli/cmd_targets.c - crmgate targets ENTITY --where FILTER: preview a target set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crm/entity.h"
#include "crm/export.h"
#include "crm/filter.h"
#include "common/banned.h"

static const char usage[] =
	"usage: crmgate targets ENTITY [--where FILTER] [--count] [--limit N]\n"
	"\n"
	"Counts the ENTITY rows that FILTER selects and shows the first of them (10 by default).\n"
	"A filter compares the entity's columns (by their CSV names) and related records' fields\n"
	"through a dot with literals:\n"
	"\n"
	"  birthday within 7 days and customer.region = '华东' and not email_opt_out\n"
	"  industry in ('制造', '零售') and status != 'inactive'\n"
	"  owner.name like '王%' or customer.owner_code is null\n"
	"\n"
	"  = != < <= > >=, in (...), not in, like, is [not] null, and, or, not, ( ),\n"
	"  a bare true/false field, DATE within N days (birthdays by month and day, from today).\n"
	"\n"
	"  --count    print only the number\n"
	"  --limit N  show N rows (0: all)";

int cmd_targets(struct cli *cli, int argc, char **argv, struct err *err)
{
	const struct crm_entity *e;
	const char *entity = NULL, *where = "";
	long limit = 10;
	int count_only = 0, rc;
	struct crm_query q;
	struct crm_db *db;
	struct crm_res *res = NULL;
	struct buf sql = BUF_INIT;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--where") && i + 1 < argc)
			where = argv[++i];
		else if (!strcmp(argv[i], "--count"))
			count_only = 1;
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			char *end;
			limit = strtol(argv[++i], &end, 10);
			if (*end || limit < 0)
				return err_set(err, ERR_INPUT, "--limit takes a whole number (0: all), not '%s'", argv[i]);
		}
		else if (argv[i][0] == '-')
			return cli_usage_error(err, usage, "unknown option '%s'", argv[i]);
		else if (!entity)
			entity = argv[i];
		else
			return cli_usage_error(err, usage, "too many arguments");
	}
	if (!entity)
		return cli_usage_error(err, usage, "'targets' needs an ENTITY");
	if (!(e = cli_entity(entity, usage, err)))
		return err->code;
	crm_query_init(&q);
	/* a filter counts and sorts over every row of the entity */
	if ((rc = crm_filter_compile(&q, e, where, cli->today, err)) || (rc = cli_db(cli, &db, err)) ||
	    (rc = crm_db_work(db, CRM_DB_REPORT, err)))
		goto done;
	buf_addf(&sql, "SELECT count(*) FROM %s t %s%s%s", e->table, q.joins.data, q.where.len ? " WHERE " : "",
		 q.where.data);
	rc = crm_db_query(&res, db, sql.data, (int)q.nparams, crm_query_params(&q), err);
	if (rc)
		goto done;
	if (count_only || cli->format == OUT_TABLE)
		printf(count_only ? "%s\n" : "%s targets\n", crm_res_get(res, 0, 0));
	if (count_only || (cli->format == OUT_TABLE && !strcmp(crm_res_get(res, 0, 0), "0")))
		goto done;
	crm_res_free(res);
	res = NULL;
	buf_reset(&sql);
	crm_list_sql(&sql, e, q.joins.data, q.where.data, limit);
	rc = crm_db_query(&res, db, sql.data, (int)q.nparams, crm_query_params(&q), err);
	if (!rc)
		out_rows(cli, res, stdout);
done:
	crm_res_free(res);
	buf_release(&sql);
	crm_query_release(&q);
	return rc;
}
