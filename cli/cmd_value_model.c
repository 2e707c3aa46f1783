/* cli/cmd_value_model.c - crmgate value-model: the customer value model
 * (客户价值评估模型) that 'report pyramid' tiers customers by. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/value_model.h"
#include "cli/cli.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "common/banned.h"

struct vm_args {
	const char *name;
	char **cuts, **tiers; /* malloc'd, as split */
	int ncuts, ntiers;
	int thresholds; /* cuts are --thresholds, not --shares */
	char *weights;	/* a copy of --weights, split in place */
	struct an_value_model_change change;
};

static const struct opt_cmd usage[1];

static int vm_list(struct cli *cli, void *args, struct err *err);
static int vm_create(struct cli *cli, void *args, struct err *err);
static int vm_set(struct cli *cli, void *args, struct err *err);
static int vm_default(struct cli *cli, void *args, struct err *err);
static int vm_delete(struct cli *cli, void *args, struct err *err);
static int opt_cuts(void *args, const struct opt_spec *o, const char *value, struct err *err);
static int opt_tiers(void *args, const struct opt_spec *o, const char *value, struct err *err);
static int opt_weights(void *args, const struct opt_spec *o, const char *value, struct err *err);

#define VM_NAME OPT_ARG("NAME", N_("a value model's name"), struct vm_args, name, 0)

static const struct opt_spec name_opts[] = {
	VM_NAME,
	OPT_END(),
};

static const struct opt_spec change_opts[] = {
	VM_NAME,
	OPT_CALLBACK("shares", "P/P/…",
		     N_("each tier's percentage of the ranked customers by count, adding up\n"
			"to 100 (--preset is the same): 1/4/15/80 or 1/19/30/50"),
		     opt_cuts),
	OPT_CALLBACK("preset", "P/P/…", NULL, opt_cuts),
	OPT_CALLBACK("thresholds", "V/V/…",
		     N_("instead, the lowest value of each tier but the last, falling:\n"
			"100000/10000/1000 makes four tiers"),
		     opt_cuts),
	OPT_CALLBACK("tiers", "N,N,…", N_("the tiers' names, top first (default A, B, C…); alone, renames them"),
		     opt_tiers),
	OPT_CALLBACK("weights", "I=W,…",
		     N_("the weights of the score: revenue, profit, opportunity, arrears,\n"
			"expense, loyalty (default 30, 25, 15, 10, 10, 10; relative)"),
		     opt_weights),
	OPT_END(),
};

static const struct opt_cmd verbs[] = {
	{ .name = "value-model list", .summary = N_("the models"), .fn = vm_list },
	{ .name = "value-model show", .summary = N_("one model"), .opts = name_opts, .fn = vm_list },
	{ .name = "value-model create", .summary = N_("a new model"), .opts = change_opts, .fn = vm_create },
	{ .name = "value-model set", .summary = N_("change a model"), .opts = change_opts, .fn = vm_set },
	{ .name = "value-model default",
	  .summary = N_("make a model the default one"),
	  .opts = name_opts,
	  .fn = vm_default },
	{ .name = "value-model delete", .summary = N_("delete a model"), .opts = name_opts, .fn = vm_delete },
	{ 0 },
};

static const struct opt_cmd usage[1] = { {
	.name = "value-model",
	.summary = N_("the customer value model: tiers, their cuts, the weights of the score"),
	.help = N_("A value model cuts the customers ranked by 'crmgate report pyramid' into tiers, top\n"
		   "first, and weighs the six indicators of --by score. Models 'default' (1/4/15/80, the\n"
		   "default) and 'pareto' (1/19/30/50) come with the database. Admins and sales managers\n"
		   "change models; everyone reads them."),
	.verbs = verbs,
} };

static void vm_args_release(struct vm_args *a)
{
	for (int i = 0; i < a->ncuts; i++)
		free(a->cuts[i]);
	for (int i = 0; i < a->ntiers; i++)
		free(a->tiers[i]);
	free(a->cuts);
	free(a->tiers);
	free(a->weights);
}

/* A plain decimal: digits, and optionally a point and more digits. */
static int is_decimal(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (!n)
		return 0;
	if (s[n] == '.') {
		size_t m = strspn(s + n + 1, "0123456789");
		if (!m)
			return 0;
		n += 1 + m;
	}
	return !s[n];
}

/* Split s at sep into a malloc'd array; empty parts are kept (and refused later). */
static char **split(const char *s, char sep, int *n)
{
	char **out = NULL;
	size_t alloc = 0;
	*n = 0;
	for (;;) {
		const char *end = strchr(s, sep);
		size_t len = end ? (size_t)(end - s) : strlen(s);
		ALLOC_GROW(out, (size_t)*n + 1, alloc);
		out[(*n)++] = xstrndup(s, len);
		if (!end)
			return out;
		s = end + 1;
	}
}

static int opt_cuts(void *args, const struct opt_spec *o, const char *value, struct err *err)
{
	struct vm_args *a = args;
	if (a->cuts)
		return cli_usage_error(err, usage, "give --shares or --thresholds once");
	a->thresholds = !strcmp(o->name, "thresholds");
	a->cuts = split(value, '/', &a->ncuts);
	for (int i = 0; i < a->ncuts; i++)
		if (!is_decimal(a->cuts[i]))
			return cli_usage_error(err, usage, "--%s '%s': '%s' is not a number", o->name, value,
					       a->cuts[i]);
	return 0;
}

/* "revenue=30,loyalty=5": the weights point into a's copy of the text. */
static int opt_weights(void *args, const struct opt_spec *o, const char *value, struct err *err)
{
	struct vm_args *a = args;
	char *p;
	(void)o;
	if (a->weights)
		return cli_usage_error(err, usage, "give --weights once");
	a->weights = xstrdup(value);
	for (p = a->weights; p;) {
		char *next = strchr(p, ','), *eq;
		int which = -1;
		if (next)
			*next++ = '\0';
		if ((eq = strchr(p, '=')))
			*eq++ = '\0';
		for (int k = 0; k < AN_INDICATORS; k++)
			if (!strcmp(p, an_indicators[k]))
				which = k;
		if (which < 0)
			return cli_usage_error(
				err, usage,
				"--weights: '%s' is not an indicator (revenue, profit, opportunity, arrears,"
				" expense, loyalty)",
				p);
		if (!eq || !is_decimal(eq))
			return cli_usage_error(err, usage, "--weights: the weight of %s, '%s', is not a number", p,
					       eq ? eq : "");
		a->change.weights[which] = eq;
		p = next;
	}
	return 0;
}

static int opt_tiers(void *args, const struct opt_spec *o, const char *value, struct err *err)
{
	struct vm_args *a = args;
	(void)o;
	if (a->tiers)
		return cli_usage_error(err, usage, "give --tiers once");
	a->tiers = split(value, ',', &a->ntiers);
	return 0;
}

static int parse(const struct opt_cmd **verb, struct vm_args *a, int argc, char **argv, struct err *err)
{
	int rc = opt_parse(verb, usage, a, argc, argv, err);
	if (rc)
		return rc;
	for (int i = 0; i < a->ntiers; i++)
		if (!*a->tiers[i])
			return cli_usage_error(err, usage, "--tiers: tier %d has no name", i + 1);
	a->change.name = a->name;
	a->change.shares = a->cuts && !a->thresholds ? (const char *const *)a->cuts : NULL;
	a->change.thresholds = a->cuts && a->thresholds ? (const char *const *)a->cuts : NULL;
	a->change.ncuts = a->ncuts;
	a->change.tiers = (const char *const *)a->tiers;
	a->change.ntiers = a->ntiers;
	return 0;
}

static int vm_list(struct cli *cli, void *args, struct err *err)
{
	const struct vm_args *a = args;
	struct crm_res *res = NULL;
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);
	if (!rc)
		rc = an_value_model_list(&res, db, a->name, err);
	if (!rc && a->name && !crm_res_rows(res))
		rc = err_set(err, ERR_NOTFOUND, "there is no value model '%s'", a->name);
	if (!rc && a->name)
		out_record(cli, res, 0, stdout);
	else if (!rc)
		out_rows(cli, res, stdout);
	crm_res_free(res);
	return rc;
}

/* A change to a model, and what to say when it is done. */
static int vm_change(struct cli *cli, const struct vm_args *a, int which, struct err *err)
{
	static const char *const done[] = { "created", "changed", "the default now", "deleted" };
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);

	if (!rc && which == 0)
		rc = an_value_model_create(db, &a->change, err);
	else if (!rc && which == 1)
		rc = an_value_model_set(db, &a->change, err);
	else if (!rc && which == 2)
		rc = an_value_model_default(db, a->name, err);
	else if (!rc)
		rc = an_value_model_delete(db, a->name, err);
	if (!rc)
		log_info("value model '%s': %s", a->name, done[which]);
	return rc;
}

static int vm_create(struct cli *cli, void *args, struct err *err)
{
	return vm_change(cli, args, 0, err);
}

static int vm_set(struct cli *cli, void *args, struct err *err)
{
	const struct vm_args *a = args;
	if (!a->cuts && !a->tiers && !a->weights)
		return cli_usage_error(err, usage, "value-model set needs something to change");
	return vm_change(cli, a, 1, err);
}

static int vm_default(struct cli *cli, void *args, struct err *err)
{
	return vm_change(cli, args, 2, err);
}

static int vm_delete(struct cli *cli, void *args, struct err *err)
{
	return vm_change(cli, args, 3, err);
}

int cmd_value_model(struct cli *cli, int argc, char **argv, struct err *err)
{
	const struct opt_cmd *verb = NULL;
	struct vm_args a = { 0 };
	int rc = parse(&verb, &a, argc, argv, err);

	/* every verb but list names a model */
	if (!rc && verb->opts && !a.name)
		rc = cli_usage_error(err, usage, "%s takes a model's NAME", verb->name);
	if (!rc)
		rc = verb->fn(cli, &a, err);
	vm_args_release(&a);
	return rc == OPT_HELP ? 0 : rc;
}
