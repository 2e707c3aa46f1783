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

static const char usage[] =
	"usage: crmgate value-model list\n"
	"       crmgate value-model show NAME\n"
	"       crmgate value-model create NAME [--shares P/P/…|--thresholds V/V/…] [--tiers N,N,…] [--weights I=W,…]\n"
	"       crmgate value-model set NAME [--shares P/P/…|--thresholds V/V/…] [--tiers N,N,…] [--weights I=W,…]\n"
	"       crmgate value-model default NAME\n"
	"       crmgate value-model delete NAME\n"
	"\n"
	"A value model cuts the customers ranked by 'crmgate report pyramid' into tiers, top\n"
	"first, and weighs the six indicators of --by score. Models 'default' (1/4/15/80, the\n"
	"default) and 'pareto' (1/19/30/50) come with the database. Admins and sales managers\n"
	"change models; everyone reads them.\n"
	"\n"
	"  --shares P/P/…      each tier's percentage of the ranked customers by count, adding up\n"
	"                      to 100 (--preset is the same): 1/4/15/80 or 1/19/30/50\n"
	"  --thresholds V/V/…  instead, the lowest value of each tier but the last, falling:\n"
	"                      100000/10000/1000 makes four tiers\n"
	"  --tiers N,N,…       the tiers' names, top first (default A, B, C…); alone, renames them\n"
	"  --weights I=W,…     the weights of the score: revenue, profit, opportunity, arrears,\n"
	"                      expense, loyalty (default 30, 25, 15, 10, 10, 10; relative)";

struct vm_args {
	const char *verb, *name;
	char **cuts, **tiers; /* malloc'd, as split */
	int ncuts, ntiers;
	int thresholds;       /* cuts are --thresholds, not --shares */
	char *weights;        /* a copy of --weights, split in place */
	struct an_value_model_change change;
};

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

static int parse_cuts(struct vm_args *a, const char *opt, const char *value, struct err *err)
{
	if (a->cuts)
		return cli_usage_error(err, usage, "give --shares or --thresholds once");
	a->thresholds = !strcmp(opt, "--thresholds");
	a->cuts = split(value, '/', &a->ncuts);
	for (int i = 0; i < a->ncuts; i++)
		if (!is_decimal(a->cuts[i]))
			return cli_usage_error(err, usage, "%s '%s': '%s' is not a number", opt, value, a->cuts[i]);
	return 0;
}

/* "revenue=30,loyalty=5": the weights point into a's copy of the text. */
static int parse_weights(struct vm_args *a, const char *value, struct err *err)
{
	char *p;
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
			return cli_usage_error(err, usage,
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

static int parse(struct vm_args *a, int argc, char **argv, struct err *err)
{
	const char **pos[] = { &a->verb, &a->name };
	size_t npos = 0;
	int rc = 0;

	for (int i = 1; i < argc && !rc; i++) {
		const char *o = argv[i];
		int takes = !strcmp(o, "--shares") || !strcmp(o, "--preset") || !strcmp(o, "--thresholds") ||
			    !strcmp(o, "--tiers") || !strcmp(o, "--weights");
		if (takes && i + 1 >= argc)
			return cli_usage_error(err, usage, "option '%s' needs a value", o);
		if (!strcmp(o, "--shares") || !strcmp(o, "--preset") || !strcmp(o, "--thresholds"))
			rc = parse_cuts(a, o, argv[++i], err);
		else if (!strcmp(o, "--tiers"))
			a->tiers = split(argv[++i], ',', &a->ntiers);
		else if (!strcmp(o, "--weights"))
			rc = parse_weights(a, argv[++i], err);
		else if (o[0] == '-' && o[1])
			return cli_usage_error(err, usage, "'%s' is not an option of value-model", o);
		else if (npos < ARRAY_SIZE(pos))
			*pos[npos++] = o;
		else
			return cli_usage_error(err, usage, "too many arguments: '%s'", o);
	}
	if (rc)
		return rc;
	for (int i = 0; i < a->ntiers; i++)
		if (!*a->tiers[i])
			return cli_usage_error(err, usage, "--tiers: tier %d has no name", i + 1);
	if (!a->verb)
		return cli_usage_error(err, usage, "value-model needs a verb: list, show, create, set, default or delete");
	a->change.name = a->name;
	a->change.shares = a->cuts && !a->thresholds ? (const char *const *)a->cuts : NULL;
	a->change.thresholds = a->cuts && a->thresholds ? (const char *const *)a->cuts : NULL;
	a->change.ncuts = a->ncuts;
	a->change.tiers = (const char *const *)a->tiers;
	a->change.ntiers = a->ntiers;
	return 0;
}

static int vm_list(struct cli *cli, struct crm_db *db, const struct vm_args *a, struct err *err)
{
	struct crm_res *res = NULL;
	int rc = an_value_model_list(&res, db, a->name, err);
	if (!rc && a->name && !crm_res_rows(res))
		rc = err_set(err, ERR_NOTFOUND, "there is no value model '%s'", a->name);
	if (!rc && a->name)
		out_record(cli, res, 0, stdout);
	else if (!rc)
		out_rows(cli, res, stdout);
	crm_res_free(res);
	return rc;
}

static int vm_create(struct cli *cli, struct crm_db *db, const struct vm_args *a, struct err *err)
{
	(void)cli;
	return an_value_model_create(db, &a->change, err);
}

static int vm_set(struct cli *cli, struct crm_db *db, const struct vm_args *a, struct err *err)
{
	(void)cli;
	return an_value_model_set(db, &a->change, err);
}

static int vm_default(struct cli *cli, struct crm_db *db, const struct vm_args *a, struct err *err)
{
	(void)cli;
	return an_value_model_default(db, a->name, err);
}

static int vm_delete(struct cli *cli, struct crm_db *db, const struct vm_args *a, struct err *err)
{
	(void)cli;
	return an_value_model_delete(db, a->name, err);
}

static const struct {
	const char *name;
	int (*fn)(struct cli *cli, struct crm_db *db, const struct vm_args *a, struct err *err);
	int needs_name;
	int takes_changes; /* --shares, --thresholds, --tiers, --weights */
	const char *done;  /* what to say afterwards */
} verbs[] = {
	{ "list", vm_list, 0, 0, NULL },
	{ "show", vm_list, 1, 0, NULL },
	{ "create", vm_create, 1, 1, "created" },
	{ "set", vm_set, 1, 1, "changed" },
	{ "default", vm_default, 1, 0, "the default now" },
	{ "delete", vm_delete, 1, 0, "deleted" },
};

int cmd_value_model(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct vm_args a = { 0 };
	struct crm_db *db;
	int rc;

	if (cli_wants_help(argc, argv, usage))
		return 0;
	if ((rc = parse(&a, argc, argv, err)))
		goto done;
	rc = cli_usage_error(err, usage, "'%s' is not a verb of value-model: list, show, create, set, default or delete",
			     a.verb);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (strcmp(a.verb, verbs[i].name))
			continue;
		err_clear(err);
		if (verbs[i].needs_name != !!a.name) {
			rc = cli_usage_error(err, usage, "value-model %s takes %s", a.verb,
					     verbs[i].needs_name ? "a model's NAME" : "no NAME");
		} else if (!verbs[i].takes_changes && (a.cuts || a.tiers || a.weights)) {
			rc = cli_usage_error(err, usage, "value-model %s takes no --shares, --thresholds, --tiers or --weights",
					     a.verb);
		} else if (!strcmp(a.verb, "set") && !a.cuts && !a.tiers && !a.weights) {
			rc = cli_usage_error(err, usage, "value-model set needs something to change");
		} else if (!(rc = cli_db(cli, &db, err))) {
			rc = verbs[i].fn(cli, db, &a, err);
			if (!rc && verbs[i].done)
				log_info("value model '%s': %s", a.name, verbs[i].done);
		}
		break;
	}
done:
	vm_args_release(&a);
	return rc;
}
