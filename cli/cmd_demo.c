/* cli/cmd_demo.c - crmgate demo: the whole job, end to end, on the embedded default. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/banned.h"

static const char usage[] =
	"usage: crmgate demo [--customers N]\n"
	"\n"
	"Runs the whole job on the embedded database in var/: resets it, generates a realistic\n"
	"CRM (1000 customers unless --customers says otherwise), and shows what a user would\n"
	"look at first: a summary of the data, a customer's whole picture, its reporting lines,\n"
	"the contacts whose birthday falls in the next 7 days, and a birthday letter for each of\n"
	"them in out/birthday.";

/* Run one crmgate command line as a user would type it, echoing it first. */
static int step(struct cli *cli, const char *line, int argc, char **argv, struct err *err)
{
	int rc;
	printf("\n$ crmgate %s\n", line);
	fflush(stdout);
	if (!strcmp(argv[0], "db"))
		rc = cmd_db(cli, argc, argv, err);
	else if (!strcmp(argv[0], "gen"))
		rc = cmd_gen(cli, argc, argv, err);
	else if (!strcmp(argv[0], "targets"))
		rc = cmd_targets(cli, argc, argv, err);
	else if (!strcmp(argv[0], "merge"))
		rc = cmd_merge(cli, argc, argv, err);
	else
		rc = cmd_entity(cli, argc, argv, err);
	return rc;
}

int cmd_demo(struct cli *cli, int argc, char **argv, struct err *err)
{
	char *customers = "1000";
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	if (argc == 3 && !strcmp(argv[1], "--customers"))
		customers = argv[2];
	else if (argc != 1)
		return cli_usage_error(err, usage, "demo takes only --customers N");
	if (crm_store_is_external(&cli->store))
		return err_set(err, ERR_INPUT, "the demo resets its database: it runs only on the embedded one in var/");

	{
		char *a[] = { "db", "init", NULL };
		if ((rc = step(cli, "db init", 2, a, err)))
			return rc;
	}
	{
		char *a[] = { "db", "reset", "--yes", NULL };
		if ((rc = step(cli, "db reset --yes", 3, a, err)))
			return rc;
	}
	{
		char line[64];
		char *a[] = { "gen", "--seed", "1", "--customers", customers, NULL };
		snprintf(line, sizeof(line), "gen --seed 1 --customers %s", customers);
		if ((rc = step(cli, line, 5, a, err)))
			return rc;
	}
	{
		char *a[] = { "customer", "view", "C0000001", NULL };
		if ((rc = step(cli, "customer view C0000001", 3, a, err)))
			return rc;
	}
	{
		char *a[] = { "contact", "tree", "C0000001", NULL };
		if ((rc = step(cli, "contact tree C0000001", 3, a, err)))
			return rc;
	}
	{
		char *a[] = { "targets", "contact", "--where", "birthday within 7 days and not email_opt_out", NULL };
		if ((rc = step(cli, "targets contact --where \"birthday within 7 days and not email_opt_out\"", 4, a,
			       err)))
			return rc;
	}
	{
		char *a[] = { "merge", "--template", "birthday.txt", "--targets", "contact", "--where",
			      "birthday within 7 days and not mail_opt_out", "--out", "out/birthday", NULL };
		if ((rc = step(cli, "merge --template birthday.txt --targets contact --where \"birthday within 7 days"
				    " and not mail_opt_out\" --out out/birthday",
			       9, a, err)))
			return rc;
	}
	printf("\nThe data lives in var/ (PostgreSQL, started on demand; 'crmgate db stop' stops it).\n"
	       "Try: crmgate customer list --where \"code like 'C00000%%'\", crmgate salesperson view S0001,\n"
	       "     crmgate export customer > customers.csv, crmgate db psql\n");
	return 0;
}
