/* cli/opt.c - the one option parser, and the usage and help made from the
 * same tables (see cli/opt.h). */
#include "cli/opt.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* A usage line wraps before this column. */
#define USAGE_WIDTH 100
/* The help of an option starts at most this far in. */
#define HELP_COLUMN 24

static int takes_value(const struct opt_spec *o)
{
	return o->arg != NULL;
}

static int is_positional(const struct opt_spec *o)
{
	return o->kind == OPT_ARG || o->kind == OPT_ARGS;
}

static int is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

static const struct opt_spec *find_long(const struct opt_spec *opts, const char *name, size_t len)
{
	for (const struct opt_spec *o = opts; o && o->kind != OPT_END; o++)
		if (!is_positional(o) && strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *opts, char c)
{
	for (const struct opt_spec *o = opts; o && o->kind != OPT_END; o++)
		if (!is_positional(o) && o->alias && o->alias == c)
			return o;
	return NULL;
}

/* The option of opts that a names ("--where", "--where=x", "-w"), or NULL. */
static const struct opt_spec *find_option(const struct opt_spec *opts, const char *a)
{
	if (a[0] != '-' || !a[1])
		return NULL;
	if (a[1] == '-')
		return find_long(opts, a + 2, strcspn(a + 2, "="));
	return a[2] ? NULL : find_short(opts, a[1]);
}

/* ------------------------------------------------------------ suggestions */

/* Levenshtein distance between a and b (short words: names of options). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	size_t d;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

const char *opt_closest(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word);
	/* a typo or two, fewer in short words ("wher" for "where", not "to" for "at") */
	size_t limit = len < 3 ? 0 : len < 6 ? 1 : 2;
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(word, names[i]);
		/* the start of a name ("--work" for "--workers") is as close as one typo */
		if (len >= 3 && !strncmp(names[i], word, len) && d > 1)
			d = 1;
		if (d <= limit && d < best_d) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

/* The closest long option of opts to name (without "--"), or NULL. */
static const char *closest_option(const struct opt_spec *opts, const char *name, size_t len)
{
	const char *names[64];
	char *word = xstrndup(name, len);
	const char *best;
	size_t n = 0;

	for (const struct opt_spec *o = opts; o && o->kind != OPT_END && n < ARRAY_SIZE(names) - 1; o++)
		if (!is_positional(o))
			names[n++] = o->name;
	names[n++] = "help";
	best = opt_closest(word, names, n);
	free(word);
	return best;
}

static const char *closest_verb(const struct opt_cmd *cmd, const char *word)
{
	const char *names[64];
	size_t n = 0;
	for (const struct opt_cmd *v = cmd->verbs; v->name && n < ARRAY_SIZE(names); v++)
		names[n++] = strrchr(v->name, ' ') ? strrchr(v->name, ' ') + 1 : v->name;
	return opt_closest(word, names, n);
}

/* ------------------------------------------------------------ usage, help */

static const char *verb_word(const struct opt_cmd *v)
{
	const char *sp = strrchr(v->name, ' ');
	return sp ? sp + 1 : v->name;
}

/* One word of a synopsis: "[--where FILTER]", "ENTITY", "[KEY...]". */
static void synopsis_word(struct buf *w, const struct opt_spec *o)
{
	int optional = !(o->flags & OPT_REQUIRED);
	buf_reset(w);
	if (o->kind == OPT_ARG) {
		buf_addf(w, optional ? "[%s]" : "%s", o->name);
		return;
	}
	if (o->kind == OPT_ARGS) {
		buf_addf(w, optional ? "[%s...]" : "%s...", o->name);
		return;
	}
	buf_addch(w, '[');
	if (o->alias)
		buf_addf(w, "-%c|", o->alias);
	buf_addf(w, "--%s", o->name);
	if (o->arg)
		buf_addf(w, " %s", o->arg);
	buf_addch(w, ']');
	if (o->kind == OPT_LIST)
		buf_adds(w, "...");
}

/* "crmgate NAME" and its words, wrapped under the first of them. */
static void synopsis(struct buf *out, const char *lead, const struct opt_cmd *cmd)
{
	struct buf w = BUF_INIT;
	size_t indent = strlen(lead) + strlen("crmgate ") + strlen(cmd->name) + 1;
	size_t col;

	buf_addf(out, "%scrmgate %s", lead, cmd->name);
	col = indent - 1;
	for (int pass = 0; pass < 2; pass++) /* positionals first, then the options */
		for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++) {
			if (is_positional(o) != !pass)
				continue;
			synopsis_word(&w, o);
			if (col + 1 + w.len > USAGE_WIDTH && col > indent) {
				buf_addf(out, "\n%*s", (int)indent - 1, "");
				col = indent - 1;
			}
			buf_addf(out, " %s", w.data);
			col += 1 + w.len;
		}
	buf_addch(out, '\n');
	buf_release(&w);
}

/* The synopsis of cmd, or of each of its verbs (and theirs: "survey
 * template add"), after its own when a group does something without a
 * verb ("survey inbox [--all]"); lead is "usage: " for the first line
 * only. */
static void synopses(struct buf *out, const char **lead, const struct opt_cmd *cmd)
{
	if (!cmd->verbs || cmd->fn) {
		synopsis(out, *lead, cmd);
		*lead = "       ";
	}
	if (!cmd->verbs)
		return;
	for (const struct opt_cmd *v = cmd->verbs; v->name; v++)
		synopses(out, lead, v);
}

void opt_usage(struct buf *out, const struct opt_cmd *cmd)
{
	const char *lead = "usage: ";
	synopses(out, &lead, cmd);
	if (out->len && out->data[out->len - 1] == '\n')
		buf_truncate(out, out->len - 1);
}

/* Lines of text, each indented by indent but the first. */
static void indented(FILE *f, const char *text, int indent)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		fprintf(f, "%.*s\n", (int)n, p);
		p += n;
		if (*p == '\n' && *++p)
			fprintf(f, "%*s", indent, "");
	}
}

static void print_options(const struct opt_cmd *cmd, FILE *f)
{
	struct buf left = BUF_INIT;
	int width = 0, any = 0;

	for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++) {
		int n = (int)(strlen(o->name) + (o->arg ? strlen(o->arg) + 1 : 0) + (is_positional(o) ? 2 : 8));
		if (o->help && n > width && n <= HELP_COLUMN)
			width = n;
	}
	for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++) {
		if (!o->help)
			continue;
		buf_reset(&left);
		if (is_positional(o))
			buf_addf(&left, "  %s", o->name);
		else if (o->alias)
			buf_addf(&left, "  -%c, --%s%s%s", o->alias, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		else
			buf_addf(&left, "      --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (!any++)
			fprintf(f, "\n");
		if ((int)left.len > width)
			fprintf(f, "%s\n%*s", left.data, width + 2, "");
		else
			fprintf(f, "%-*s  ", width, left.data);
		indented(f, _(o->help), width + 2);
	}
	buf_release(&left);
}

void opt_help(const struct opt_cmd *cmd, FILE *f)
{
	struct buf u = BUF_INIT;

	opt_usage(&u, cmd);
	fprintf(f, "%s\n", u.data);
	buf_release(&u);
	if (cmd->help || cmd->summary)
		fprintf(f, "\n%s\n", _(cmd->help ? cmd->help : cmd->summary));
	if (cmd->verbs) {
		int any = 0;
		for (const struct opt_cmd *v = cmd->verbs; v->name; v++)
			if (v->summary && !any++)
				fprintf(f, "\nverbs ('crmgate %s VERB --help' says more):\n", cmd->name);
		for (const struct opt_cmd *v = cmd->verbs; v->name; v++)
			if (v->summary)
				fprintf(f, "  %-10s %s\n", verb_word(v), _(v->summary));
	}
	print_options(cmd, f);
	for (const struct opt_cmd *v = cmd->verbs; v && v->name; v++) {
		int any = 0;
		for (const struct opt_spec *o = v->opts; o && o->kind != OPT_END; o++)
			any |= !is_positional(o) && o->help;
		if (!any)
			continue;
		fprintf(f, "\n%s:", v->name);
		print_options(v, f);
	}
	if (cmd->more_help)
		cmd->more_help(cmd, f);
}

/* ------------------------------------------------------------ parsing */

static void *field(void *args, const struct opt_spec *o)
{
	return (char *)args + o->offset;
}

static void list_add(struct opt_list *l, const char *v)
{
	l->v = xrealloc(l->v, ((size_t)l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = v;
}

/* Keep value for option o. */
static int store(const struct opt_cmd *cmd, void *args, const struct opt_spec *o, const char *value, struct err *err)
{
	switch (o->kind) {
	case OPT_FLAG: *(int *)field(args, o) = 1; return 0;
	case OPT_STRING: *(const char **)field(args, o) = value; return 0;
	case OPT_INT: {
		char *end;
		long n = strtol(value, &end, 10);
		if (!*value || *end)
			return cli_usage_error(err, cmd, _("option '--%s' needs a number, got '%s'"), o->name, value);
		if (n < o->min || n > o->max)
			return cli_usage_error(err, cmd, _("option '--%s' takes a number from %ld to %ld, not '%s'"),
					       o->name, o->min, o->max, value);
		*(long *)field(args, o) = n;
		return 0;
	}
	case OPT_LIST: {
		struct opt_list *l = field(args, o);
		if (o->max && l->n >= o->max)
			return cli_usage_error(err, cmd, _("option '--%s' is given at most %ld times"), o->name,
					       o->max);
		list_add(l, value);
		return 0;
	}
	case OPT_CALLBACK: {
		int rc = o->cb(args, o, value, err);
		if (!rc && (o->flags & OPT_KEEP))
			list_add(field(args, o), value);
		return rc;
	}
	default: BUG("option kind %d", (int)o->kind);
	}
	return 0;
}

/* The next positional argument a goes into the first free OPT_ARG, else the OPT_ARGS. */
static int positional(const struct opt_cmd *cmd, void *args, unsigned *filled, const char *a, struct err *err)
{
	unsigned i = 0;
	for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++) {
		if (o->kind == OPT_ARG && !(*filled & (1u << i))) {
			*filled |= 1u << i;
			*(const char **)field(args, o) = a;
			return 0;
		}
		if (o->kind == OPT_ARGS) {
			list_add(field(args, o), a);
			return 0;
		}
		i += o->kind == OPT_ARG;
	}
	return cli_usage_error(err, cmd, _("too many arguments: '%s' is not an argument of '%s'"), a, cmd->name);
}

/* The positionals that must be given and were not: "ENTITY and FILE". */
static int missing(const struct opt_cmd *cmd, void *args, struct err *err)
{
	struct buf names = BUF_INIT;
	int n = 0;

	for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++) {
		int absent = o->kind == OPT_ARG	   ? !*(const char **)field(args, o)
			     : o->kind == OPT_ARGS ? !((struct opt_list *)field(args, o))->n
						   : 0;
		if (absent && (o->flags & OPT_REQUIRED))
			buf_addf(&names, "%s%s", n++ ? _(" and ") : "", o->name);
	}
	if (n)
		cli_usage_error(err, cmd, _("'%s' needs %s"), cmd->name, names.data);
	buf_release(&names);
	return n ? err->code : 0;
}

static int unknown(const struct opt_cmd *cmd, const char *a, struct err *err)
{
	const char *best = NULL;
	if (a[1] == '-')
		best = closest_option(cmd->opts, a + 2, strcspn(a + 2, "="));
	if (best)
		return cli_usage_error(err, cmd, _("unknown option '%s' (did you mean '--%s'?)"), a, best);
	return cli_usage_error(err, cmd, _("unknown option '%s'"), a);
}

/* Where the verb stands: the first argument that is not an option or an
 * option's value (a value is skipped when some verb's option takes one);
 * 0 when there is none. */
static int find_verb(const struct opt_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return i + 1 < argc ? i + 1 : 0;
		if (a[0] != '-' || !a[1])
			return i;
		for (const struct opt_cmd *v = cmd->verbs; v->name; v++) {
			const struct opt_spec *o = find_option(v->opts, a);
			if (o && takes_value(o) && !strchr(a, '=')) {
				i++;
				break;
			}
		}
	}
	return 0;
}

/* Is -h or --help among the arguments (before "--"), not as an option's value? */
static int wants_help(const struct opt_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const struct opt_spec *o;
		if (!strcmp(argv[i], "--"))
			return 0;
		if (is_help(argv[i]))
			return 1;
		o = cmd->flags & OPT_PASSTHROUGH ? NULL : find_option(cmd->opts, argv[i]);
		if (o && takes_value(o) && !strchr(argv[i], '='))
			i++;
	}
	return 0;
}

int opt_parse(const struct opt_cmd **verb, const struct opt_cmd *cmd, void *args, int argc, char **argv,
	      struct err *err)
{
	const struct opt_cmd *spec = cmd;
	unsigned filled = 0;
	int at_verb = 0, options = 1;

	/* a group of verbs that does something of its own without one
	 * ("survey inbox" lists the inbox) */
	int own = cmd->verbs && cmd->fn && !find_verb(cmd, argc, argv) && !wants_help(cmd, argc, argv);

	if (verb)
		*verb = own ? cmd : NULL;
	if (cmd->verbs && !own) {
		at_verb = find_verb(cmd, argc, argv);
		if (!at_verb || !strcmp(argv[at_verb], "help")) {
			if (at_verb || wants_help(cmd, argc, argv)) {
				opt_help(cmd, stdout);
				return OPT_HELP;
			}
			return cli_usage_error(err, cmd, _("'%s' needs a verb"), cmd->name);
		}
		for (const struct opt_cmd *v = cmd->verbs; v->name; v++)
			if (!strcmp(verb_word(v), argv[at_verb]))
				spec = v;
		if (spec == cmd) {
			const char *best = closest_verb(cmd, argv[at_verb]);
			if (wants_help(cmd, argc, argv)) {
				opt_help(cmd, stdout);
				return OPT_HELP;
			}
			if (best)
				return cli_usage_error(err, cmd, _("'%s' is not a verb of %s (did you mean '%s'?)"),
						       argv[at_verb], cmd->name, best);
			return cli_usage_error(err, cmd, _("'%s' is not a verb of %s"), argv[at_verb], cmd->name);
		}
		/* a group of verbs ("survey template"): the rest is its own */
		if (spec->verbs) {
			if (at_verb > 1)
				return unknown(cmd, argv[1], err);
			return opt_parse(verb, spec, args, argc - at_verb, argv + at_verb, err);
		}
		if (verb)
			*verb = spec;
	}
	if (wants_help(spec, argc, argv)) {
		opt_help(spec, stdout);
		return OPT_HELP;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *value = NULL;
		const struct opt_spec *o;
		int rc;

		if (i == at_verb)
			continue;
		if (options && !strcmp(a, "--")) {
			options = 0;
			continue;
		}
		if (!options || (spec->flags & OPT_PASSTHROUGH) || a[0] != '-' || !a[1]) {
			if ((rc = positional(spec, args, &filled, a, err)))
				return rc;
			continue;
		}
		if (!(o = find_option(spec->opts, a)))
			return unknown(spec, a, err);
		if (takes_value(o)) {
			const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
			if (eq)
				value = eq + 1;
			else if (i + 1 < argc && !find_option(spec->opts, argv[i + 1]) && !is_help(argv[i + 1]))
				value = argv[++i];
			else
				return cli_usage_error(err, spec, _("option '--%s' needs a value"), o->name);
		} else if (strchr(a, '=')) {
			return cli_usage_error(err, spec, _("option '--%s' takes no value"), o->name);
		}
		if ((rc = store(spec, args, o, value, err)))
			return rc;
	}
	return missing(spec, args, err);
}

void opt_release(const struct opt_cmd *spec, void *args)
{
	for (const struct opt_spec *o = spec ? spec->opts : NULL; o && o->kind != OPT_END; o++)
		if (o->kind == OPT_LIST || o->kind == OPT_ARGS || (o->kind == OPT_CALLBACK && (o->flags & OPT_KEEP))) {
			struct opt_list *l = field(args, o);
			free(l->v);
			l->v = NULL;
			l->n = 0;
		}
}

int opt_run(struct cli *cli, const struct opt_cmd *cmd, void *args, int argc, char **argv, struct err *err)
{
	const struct opt_cmd *verb = NULL;
	int rc = opt_parse(&verb, cmd, args, argc, argv, err);

	if (rc == OPT_HELP)
		rc = 0;
	else if (!rc)
		rc = (verb ? verb : cmd)->fn(cli, args, err);
	opt_release(verb ? verb : cmd, args);
	return rc;
}

/* The verb of cmd, or of one of its verb groups, that runs fn; NULL. */
static const struct opt_cmd *verb_of(const struct opt_cmd *cmd, opt_fn fn)
{
	for (const struct opt_cmd *v = cmd->verbs; v && v->name; v++) {
		const struct opt_cmd *found = v->fn == fn ? v : verb_of(v, fn);
		if (found)
			return found;
	}
	return NULL;
}

const struct opt_cmd *opt_verb(const struct opt_cmd *cmd, opt_fn fn)
{
	const struct opt_cmd *found = verb_of(cmd, fn);

	if (found)
		return found;
	BUG("'%s' has no verb that runs this function", cmd->name);
}

/* ------------------------------------------------------------ writing back */

/* One word of a command line, in double quotes when a shell would split
 * or expand it ("birthday within 7 days", "code = 'SO00000001'"). */
static void add_word(struct buf *out, const char *word)
{
	buf_addch(out, ' ');
	if (*word && !strpbrk(word, " \t\n'\"\\$`;&|<>()*?[#~")) {
		buf_adds(out, word);
		return;
	}
	buf_addch(out, '"');
	for (const char *p = word; *p; p++) {
		if (strchr("\"\\$`", *p))
			buf_addch(out, '\\');
		buf_addch(out, *p);
	}
	buf_addch(out, '"');
}

/* --name VALUE; --name=VALUE when the value would be read as an option. */
static void add_option(struct buf *out, const struct opt_spec *o, const char *value)
{
	struct buf w = BUF_INIT;

	buf_addf(&w, "--%s", o->name);
	if (value && value[0] == '-') {
		buf_addf(&w, "=%s", value);
		value = NULL;
	}
	add_word(out, w.data);
	if (value)
		add_word(out, value);
	buf_release(&w);
}

/* Option o with the value it holds in args, if it holds one. */
static void write_option(struct buf *out, const struct opt_spec *o, const void *args)
{
	const void *f = (const char *)args + o->offset;

	if (o->kind == OPT_CALLBACK && !(o->flags & OPT_KEEP))
		BUG("option '--%s' keeps its values itself: they cannot be written back", o->name);
	switch (o->kind) {
	case OPT_FLAG:
		if (*(const int *)f)
			add_option(out, o, NULL);
		break;
	case OPT_STRING:
		if (*(const char *const *)f)
			add_option(out, o, *(const char *const *)f);
		break;
	case OPT_INT: {
		long n = *(const long *)f;
		if (n >= o->min && n <= o->max) {
			char num[32];
			snprintf(num, sizeof(num), "%ld", n);
			add_option(out, o, num);
		}
		break;
	}
	case OPT_CALLBACK: /* OPT_CALLBACK_LIST */
	case OPT_LIST: {
		const struct opt_list *l = f;
		for (int i = 0; i < l->n; i++)
			add_option(out, o, l->v[i]);
		break;
	}
	default: BUG("option kind %d", (int)o->kind);
	}
}

/* The options opt_line has written, by their fields. */
struct written {
	const struct opt_spec *v[64];
	size_t n;
};

/* Write option o unless its field is written already (by an option sharing it). */
static void write_once(struct buf *out, struct written *done, const struct opt_spec *o, const void *args)
{
	for (size_t i = 0; i < done->n; i++)
		if (done->v[i]->offset == o->offset)
			return;
	if (done->n == ARRAY_SIZE(done->v))
		BUG("more than %zu options", ARRAY_SIZE(done->v));
	write_option(out, o, args);
	done->v[done->n++] = o;
}

void opt_line(struct buf *out, const struct opt_cmd *cmd, const void *args, const char *const *order)
{
	struct written done = { .n = 0 };
	struct buf positionals = BUF_INIT;
	int dashes = 0;

	buf_adds(out, cmd->name);
	for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++) {
		const void *f = (const char *)args + o->offset;
		if (o->kind == OPT_ARG && *(const char *const *)f) {
			const char *v = *(const char *const *)f;
			dashes |= v[0] == '-';
			add_word(&positionals, v);
		} else if (o->kind == OPT_ARGS) {
			const struct opt_list *l = f;
			for (int i = 0; i < l->n; i++) {
				dashes |= l->v[i][0] == '-';
				add_word(&positionals, l->v[i]);
			}
		}
	}
	/* a positional that looks like an option comes after "--", the options before it */
	if (!dashes)
		buf_add(out, positionals.data, positionals.len);
	for (const char *const *name = order; name && *name; name++) {
		const struct opt_spec *o = find_long(cmd->opts, *name, strlen(*name));
		if (!o)
			BUG("'%s' has no option '--%s'", cmd->name, *name);
		write_once(out, &done, o, args);
	}
	for (const struct opt_spec *o = cmd->opts; o && o->kind != OPT_END; o++)
		if (!is_positional(o))
			write_once(out, &done, o, args);
	if (dashes) {
		buf_adds(out, " --");
		buf_add(out, positionals.data, positionals.len);
	}
	buf_release(&positionals);
}
