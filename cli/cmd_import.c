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

static const char usage[] =
	"usage: crmgate import ENTITY FILE.csv [--update] [--max-errors N]\n"
	"\n"
	"Imports a UTF-8 CSV file (RFC 4180, header row first) into ENTITY. The columns are\n"
	"those 'crmgate export ENTITY' writes; order is free, empty means no value. References\n"
	"name the other record's code. Nothing is imported unless every row is good: each bad\n"
	"row is named as FILE:LINE: column 'x': why, and the exit status is 2.\n"
	"\n"
	"  --update        the rows name existing records by their key and change the columns given\n"
	"  --max-errors N  name at most N bad rows (default 50)\n"
	"  FILE may be - for standard input.";

static void show_progress(void *ctx, long rows)
{
	progress_update(ctx, rows);
}

int cmd_import(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct crm_import_opts opts = { 0 };
	const struct crm_entity *e;
	const char *entity = NULL, *path = NULL;
	struct progress bar;
	struct crm_db *db;
	FILE *in;
	long rows = 0;
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--update"))
			opts.update = 1;
		else if (!strcmp(argv[i], "--max-errors") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 1 || n > 1000000)
				return cli_usage_error(err, usage, "--max-errors takes a number from 1 to 1000000");
			opts.max_errors = (int)n;
		}
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(err, usage, "unknown option '%s'", argv[i]);
		else if (!entity)
			entity = argv[i];
		else if (!path)
			path = argv[i];
		else
			return cli_usage_error(err, usage, "too many arguments");
	}
	if (!entity || !path)
		return cli_usage_error(err, usage, "'import' needs an ENTITY and a FILE");
	if (!(e = cli_entity(entity, usage, err)))
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
