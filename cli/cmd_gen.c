/* cli/cmd_gen.c - crmgate gen: fill the database with realistic synthetic data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/progress.h"
#include "gen/gen.h"
#include "common/banned.h"

static const struct opt_spec gen_opts[] = {
	OPT_STRING("seed", "N", N_("the seed of the randomness (default 1): the same seed, the same data"),
		   struct gen_args, seed),
	OPT_INT("customers", "N", N_("how many customers (default 1000)"), struct gen_args, customers, 0,
		CLI_GEN_CUSTOMERS_MAX),
	OPT_STRING("today", "YYYY-MM-DD", N_("the day the data ends on (default: today)"), struct gen_args, today),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "gen",
	.summary = N_("fill the database with realistic synthetic data"),
	.help = N_("Fills an empty database with a whole, realistic CRM: departments and salespeople, exactly\n"
		   "N customers (default 1000) with contacts, reporting lines and birthdays, leads and their\n"
		   "contacts, products, product intents, opportunities through the sales stages (won, lost\n"
		   "to competitors, open), orders with lines, invoices and receipts, activities, expenses\n"
		   "and complaints, with customer values skewed as real ones are (a few bring most revenue).\n"
		   "The same seed and --today (default: today) give the same data. A million customers work."),
	.opts = gen_opts,
	.fn = cli_gen,
} };

const struct opt_cmd *const cli_gen_cmd = usage;

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

int cli_gen(struct cli *cli, void *args, struct err *err)
{
	const struct gen_args *a = args;
	struct gen_opts opts = { .seed = 1, .today = cli->today };
	struct gen_stats st;
	struct gen_progress g = { .stage = NULL };
	struct crm_db *db;
	int rc;

	if (a->seed) {
		char *end;
		opts.seed = strtoull(a->seed, &end, 10);
		if (*end || !*a->seed || *a->seed == '-')
			return cli_usage_error(err, usage, _("option '--seed' needs a number, got '%s'"), a->seed);
	}
	if (a->today)
		opts.today = a->today;
	opts.customers = a->customers < 0 ? 1000 : a->customers; /* OPT_UNSET: not given */
	if (cli->store.as_login)
		return err_set(err, ERR_INPUT,
			       "gen fills the whole database: it runs as the database owner, not --as %s",
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

int cmd_gen(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct gen_args a = { .customers = OPT_UNSET };
	return opt_run(cli, usage, &a, argc, argv, err);
}
