/* cli/cmd_import.c - crmgate import ENTITY FILE.csv: all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/progress.h"
#include "crm/entity.h"
#include "crm/import.h"
#include "common/banned.h"

struct import_args {
	const char *entity, *path;
	int update;
	long max_errors;
};

static const struct opt_spec import_opts[] = {
	OPT_ARG("ENTITY", N_("the entity the rows are: customer, contact, order..."), struct import_args, entity,
		OPT_REQUIRED),
	OPT_ARG("FILE.csv", N_("the file, or - for standard input"), struct import_args, path, OPT_REQUIRED),
	OPT_FLAG("update", N_("the rows name existing records by their key and change the columns given"),
		 struct import_args, update),
	OPT_INT("max-errors", "N", N_("name at most N bad rows (default 50)"), struct import_args, max_errors, 1,
		1000000),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "import",
	.summary = N_("import a CSV file into an entity, all or nothing"),
	.help = N_("Imports a UTF-8 CSV file (RFC 4180, header row first) into ENTITY. The columns are\n"
		   "those 'crmgate export ENTITY' writes; order is free, empty means no value. References\n"
		   "name the other record's code. Nothing is imported unless every row is good: each bad\n"
		   "row is named as FILE:LINE: column 'x': why, and the exit status is 2."),
	.opts = import_opts,
} };

static void show_progress(void *ctx, long rows)
{
	progress_update(ctx, rows);
}

int cmd_import(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct crm_import_opts opts = { 0 };
	struct import_args a = { 0 };
	const struct crm_entity *e;
	const char *path;
	struct progress bar;
	struct crm_db *db;
	FILE *in;
	long rows = 0;
	int rc;

	if ((rc = opt_parse(NULL, usage, &a, argc, argv, err)))
		return rc == OPT_HELP ? 0 : rc;
	opts.update = a.update;
	opts.max_errors = (int)a.max_errors;
	path = a.path;
	if (!(e = cli_entity(a.entity, usage, err)))
		return err->code;
	/* close-on-exec: a server started on demand must not inherit it */
	in = strcmp(path, "-") ? fopen(path, "rbe") : stdin;
	if (!in)
		return err_set(err, ERR_INPUT, "could not open '%s': %s", path, strerror(errno));
	if ((rc = cli_db(cli, &db, err)))
		goto done;
	opts.source = strcmp(path, "-") ? path : "stdin";
	progress_start(&bar, "reading", 0);
	opts.progress = show_progress;
	opts.progress_ctx = &bar;
	rc = crm_import_csv(&rows, db, e, in, &opts, err);
	progress_done(&bar);
	if (!rc)
		log_info("%s %ld %s row%s from %s", opts.update ? "updated" : "imported", rows, e->name,
			 rows == 1 ? "" : "s", opts.source);
done:
	if (in != stdin)
		fclose(in);
	return rc;
}
