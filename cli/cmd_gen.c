/* cli/cmd_gen.c - crmgate gen: fill the database with realistic synthetic data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/progress.h"
#include "gen/gen.h"
#include "common/banned.h"

static const char usage[] =
	"usage: crmgate gen [--seed N] [--customers N] [--today YYYY-MM-DD]\n"
	"\n"
	"Fills an empty database with a whole, realistic CRM: departments and salespeople, exactly\n"
	"N customers (default 1000) with contacts, reporting lines and birthdays, leads and their\n"
	"contacts, products, product intents, opportunities through the sales stages (won, lost\n"
	"to competitors, open), orders with lines, invoices and receipts, activities, expenses\n"
	"and complaints, with customer values skewed as real ones are (a few bring most revenue).\n"
	"The same seed and --today (default: today) give the same data. A million customers work.";

struct gen_progress {
	struct progress bar;
	const char *stage;
};

static void show_progress(void *ctx, const char *stage, long done, long total)
{
	struct gen_progress *g = ctx;
	if (g->stage != stage) {
		progress_done(&g->bar);
		progress_start(&g->bar, stage, total);
		g->stage = stage;
	}
	progress_update(&g->bar, done);
}

static long parse_count(const char *s, const char *what, struct err *err)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*end || n < 0) {
		err_set(err, ERR_INPUT, "%s must be a whole number, not '%s'", what, s);
		return -1;
	}
	return n;
}

int cmd_gen(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct gen_opts opts = { .seed = 1, .customers = 1000, .today = cli->today };
	struct gen_stats st;
	struct gen_progress g = { .stage = NULL };
	struct crm_db *db;
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return cli_usage_error(err, usage, "'%s' is not an option of gen, or lacks its value", argv[i]);
		if (!strcmp(argv[i], "--seed")) {
			char *end;
			opts.seed = strtoull(argv[++i], &end, 10);
			if (*end)
				return cli_usage_error(err, usage, "--seed must be a whole number");
		} else if (!strcmp(argv[i], "--customers")) {
			if ((opts.customers = parse_count(argv[++i], "--customers", err)) < 0)
				return err->code;
		} else if (!strcmp(argv[i], "--today")) {
			opts.today = argv[++i];
		} else {
			return cli_usage_error(err, usage, "'%s' is not an option of gen", argv[i]);
		}
	}
	if (cli->store.as_login)
		return err_set(err, ERR_INPUT, "gen fills the whole database: it runs as the database owner, not --as %s",
			       cli->store.as_login);
	if ((rc = cli_db(cli, &db, err)))
		return rc;
	progress_start(&g.bar, "gen", 0);
	opts.progress = show_progress;
	opts.progress_ctx = &g;
	rc = gen_run(&st, db, &opts, err);
	progress_done(&g.bar);
	if (rc)
		return rc;
	if (log_get_level() < LOG_NORMAL)
		return 0;
	printf("generated (seed %llu, today %s):\n", opts.seed, opts.today);
	printf("  %-16s %9ld    %-16s %9ld\n", "departments", st.departments, "salespeople", st.salespeople);
	printf("  %-16s %9ld    %-16s %9ld\n", "users", st.users, "customers", st.customers);
	printf("  %-16s %9ld    %-16s %9ld\n", "contacts", st.contacts, "leads", st.leads);
	printf("  %-16s %9ld    %-16s %9ld\n", "lead contacts", st.lead_contacts, "products", st.products);
	printf("  %-16s %9ld    %-16s %9ld\n", "product intents", st.intents, "competitors", st.competitors);
	printf("  %-16s %9ld    %-16s %9ld\n", "opportunities", st.opportunities, "orders", st.orders);
	printf("  %-16s %9ld    %-16s %9ld\n", "order lines", st.order_lines, "invoices", st.invoices);
	printf("  %-16s %9ld    %-16s %9ld\n", "receipts", st.receipts, "activities", st.activities);
	printf("  %-16s %9ld    %-16s %9ld\n", "expenses", st.expenses, "complaints", st.complaints);
	printf("  %-16s %9ld    %-16s %9ld\n", "stage history", st.stage_history, "complaint log", st.complaint_log);
	return 0;
}
