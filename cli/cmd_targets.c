/* cli/cmd_targets.c - crmgate targets ENTITY --where FILTER: preview a target set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crm/entity.h"
#include "crm/export.h"
#include "crm/filter.h"
#include "common/banned.h"

static const struct opt_spec targets_opts[] = {
	OPT_ARG("ENTITY", N_("the entity: customer, contact, lead, order..."), struct targets_args, entity,
		OPT_REQUIRED),
	OPT_STRING("where", "FILTER", N_("the rows to count and show (default: all)"), struct targets_args, where),
	OPT_FLAG("count", N_("print only the number"), struct targets_args, count),
	OPT_INT("limit", "N", N_("show N rows (0: all)"), struct targets_args, limit, 0, 1000000000),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "targets",
	.summary = N_("preview a target set: an entity and a filter"),
	.help = N_("Counts the ENTITY rows that FILTER selects and shows the first of them (10 by default).\n"
		   "A filter compares the entity's columns (by their CSV names) and related records' fields\n"
		   "through a dot with literals:\n"
		   "\n"
		   "  birthday within 7 days and customer.region = '华东' and not email_opt_out\n"
		   "  industry in ('制造', '零售') and status != 'inactive'\n"
		   "  owner.name like '王%' or customer.owner_code is null\n"
		   "\n"
		   "  = != < <= > >=, in (...), not in, like, is [not] null, and, or, not, ( ),\n"
		   "  a bare true/false field, DATE within N days (birthdays by month and day, from today)."),
	.opts = targets_opts,
	.fn = cli_targets,
} };

const struct opt_cmd *const cli_targets_cmd = usage;

int cli_targets(struct cli *cli, void *args, struct err *err)
{
	const struct targets_args *a = args;
	const char *where = a->where ? a->where : "";
	long limit = a->limit < 0 ? 10 : a->limit;
	int count_only = a->count, rc;
	const struct crm_entity *e;
	struct crm_query q;
	struct crm_db *db;
	struct crm_res *res = NULL;
	struct buf sql = BUF_INIT;

	if (!(e = cli_entity(a->entity, usage, err)))
		return err->code;
	crm_query_init(&q);
	/* a filter counts and sorts over every row of the entity */
	if ((rc = cli_db(cli, &db, err)) || (rc = crm_filter_compile(&q, db, e, where, cli->today, err)) ||
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

int cmd_targets(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct targets_args a = { .limit = OPT_UNSET };
	return opt_run(cli, usage, &a, argc, argv, err);
}
