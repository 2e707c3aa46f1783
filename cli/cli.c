/* cli/cli.c - what every command shares: the database on demand, usage
 * errors, entity names. (Out of cli/main.c, so that the commands do not
 * depend on the entry point that depends on them.) */
#include <stdarg.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/opt.h"
#include "common/buf.h"
#include "crm/cluster.h"
#include "crm/entity.h"
#include "common/banned.h"

int cli_usage_error(struct err *err, const struct opt_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	struct buf msg = BUF_INIT, use = BUF_INIT;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	err_set(err, ERR_INPUT, "%s", msg.data);
	if (cmd) {
		opt_usage(&use, cmd);
		err_hint(err, "%s", use.data);
	}
	buf_release(&msg);
	buf_release(&use);
	return err->code;
}

const struct crm_entity *cli_entity(const char *name, const struct opt_cmd *cmd, struct err *err)
{
	const struct crm_entity *e = crm_entity_find(name);
	if (!e)
		cli_usage_error(err, cmd, _("'%s' is not an entity ('crmgate --help' lists them)"), name);
	return e;
}

void cli_vardir_set(struct cli *cli, int here)
{
	char *named = config_get_path(cli->cfg, "database", "dir");
	free(cli->vardir);
	cli->vardir = crm_cluster_locate(named, here);
	cli->store.vardir = cli->vardir;
	free(named);
}

void cli_vardir_here(struct cli *cli)
{
	cli_vardir_set(cli, 1);
}

int cli_db(struct cli *cli, struct crm_db **out, struct err *err)
{
	int rc = 0;
	if (!cli->db)
		rc = crm_store_open(&cli->db, &cli->store, err);
	*out = cli->db;
	return rc;
}
