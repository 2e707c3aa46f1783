/* tests/cli/test_options.c - every command and verb reads its options the
 * same way (cli/opt.c): --help anywhere, a missing value named, an unknown
 * option answered with the closest known one, an argument nobody takes
 * refused. The commands, verbs and options come from the binary's own
 * help, so that a new one is covered without editing this file. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"

TestSuite(options, .init = test_fixture_init, .fini = test_fixture_fini);

struct words {
	char **v;
	size_t n, alloc;
};

static void words_add(struct words *w, const char *s, size_t len)
{
	ALLOC_GROW(w->v, w->n + 1, w->alloc);
	w->v[w->n++] = xstrndup(s, len);
}

static void words_release(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* The names listed under a heading of 'crmgate --help' ("  db   the database..."). */
static void listed_after(struct words *names, const char *help, const char *heading)
{
	const char *p = strstr(help, heading);
	cr_assert(p, "no '%s' in crmgate --help: %s", heading, help);
	p = strchr(p + 1, '\n') + 1;
	while (!strncmp(p, "  ", 2) && islower((unsigned char)p[2])) {
		words_add(names, p + 2, strcspn(p + 2, " "));
		p = strchr(p, '\n') + 1;
	}
	cr_assert(names->n, "nothing listed under '%s'", heading);
}

/* Has a synopsis of the same shape been seen, but for the command's name?
 * ("contact list [--where FILTER]" is "customer list [--where FILTER]":
 * one table serves every entity.) */
static int seen(const struct words *lines, const char *syn, size_t len)
{
	const char *rest = memchr(syn, ' ', len);
	for (size_t i = 0; rest && i < lines->n; i++) {
		const char *r = strchr(lines->v[i], ' ');
		if (r && strlen(r) == len - (size_t)(rest - syn) && !strncmp(r, rest, strlen(r)))
			return 1;
	}
	return 0;
}

/* The synopses of a command's help: "CMD VERB ARGS..." of each usage line. */
static void synopses(struct words *lines, const char *help)
{
	for (const char *p = help; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *c = !strncmp(p, "usage: crmgate ", 15)   ? p + 15
				: !strncmp(p, "       crmgate ", 15) ? p + 15
								     : NULL;
		if (c && !seen(lines, c, strcspn(c, "\n")))
			words_add(lines, c, strcspn(c, "\n"));
	}
}

/* What a synopsis says: the words typed before the arguments ("campaign
 * create"), how many positionals it takes (-1: any number), its options. */
struct usage {
	char prefix[128];
	int positionals;
};

static void read_synopsis(struct usage *u, const char *syn)
{
	const char *p = syn;
	size_t n = strcspn(p, " ");
	const char *verb = p[n] == ' ' ? p + n + 1 : NULL;

	/* a verb is a lower-case word after the command, and a verb of a
	 * group of verbs one after that ("survey template add") */
	while (verb && islower((unsigned char)*verb)) {
		n += 1 + strcspn(verb, " ");
		verb = syn[n] == ' ' ? syn + n + 1 : NULL;
	}
	cr_assert_lt(n, sizeof(u->prefix));
	memcpy(u->prefix, syn, n);
	u->prefix[n] = '\0';
	/* it goes to a shell: words, nothing else */
	cr_assert_eq(strspn(u->prefix, "abcdefghijklmnopqrstuvwxyz0123456789- "), n, "not a command and verb: '%s'",
		     u->prefix);
	u->positionals = 0;
	for (p = syn + n; *p == ' ';) {
		size_t len;
		p++;
		len = strcspn(p, " ");
		if (!strncmp(p, "[-", 2))
			break;
		if (len >= 3 && (!strncmp(p + len - 3, "...", 3) || !strncmp(p + len - 4, "...]", 4)))
			u->positionals = -1;
		else if (u->positionals >= 0)
			u->positionals++;
		p += len;
	}
}

/* The options a command's help lists, that its synopsis names too: each
 * "name" or "name=" (takes a value). */
static void options_of(struct words *opts, const char *help, const char *syn)
{
	for (const char *p = help; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *q = p, *at;
		char key[80];
		size_t len;
		int takes;
		while (*q == ' ')
			q++;
		if (q == p)
			continue;
		if (q[0] == '-' && isalpha((unsigned char)q[1]) && q[2] == ',')
			q += 4;
		if (strncmp(q, "--", 2) || !islower((unsigned char)q[2]))
			continue;
		q += 2;
		len = strspn(q, "abcdefghijklmnopqrstuvwxyz-");
		cr_assert_lt(len + 8, sizeof(key));
		memcpy(key, "[--", 3);
		memcpy(key + 3, q, len);
		key[3 + len] = '\0';
		/* a word of the help text that is no option of this command */
		at = strstr(syn, key);
		if (!at || (at[3 + len] != ' ' && at[3 + len] != ']'))
			continue;
		takes = q[len] == ' ' && q[len + 1] && !isspace((unsigned char)q[len + 1]);
		words_add(opts, q, len);
		if (takes) {
			char *name = opts->v[opts->n - 1];
			opts->v[opts->n - 1] = xstrfmt("%s=", name);
			free(name);
		}
	}
}

/* Each command (and each entity) of 'crmgate --help', and each verb of its
 * own help, as a synopsis line. */
static void every_synopsis(struct words *all)
{
	struct words names = { 0 };

	cr_assert_eq(crmgate("--help"), 0, "%s", errout.data);
	listed_after(&names, out.data, "\ncommands:");
	listed_after(&names, out.data, "\nentities");
	for (size_t i = 0; i < names.n; i++) {
		cr_assert_eq(crmgate("%s --help", names.v[i]), 0, "%s --help: %s", names.v[i], errout.data);
		synopses(all, out.data);
	}
	words_release(&names);
	cr_assert_gt(all->n, 30, "too few usage lines: %zu", all->n);
}

/* For each command and verb: its help, with --help or -h anywhere (after
 * the arguments too), exit 0; and one argument more than it takes refused
 * with exit 2. */
Test(options, help_anywhere_and_no_argument_ignored)
{
	struct words all = { 0 };
	size_t tried = 0;

	every_synopsis(&all);
	for (size_t i = 0; i < all.n; i++) {
		struct buf args = BUF_INIT;
		struct usage u;
		char want[160];
		int rc;

		read_synopsis(&u, all.v[i]);
		snprintf(want, sizeof(want), "usage: crmgate %s", u.prefix);
		cr_assert_eq(crmgate("%s --help", u.prefix), 0, "%s --help: %s", u.prefix, errout.data);
		cr_assert(strstr(out.data, want), "%s --help: %s", u.prefix, out.data);
		cr_assert_eq(crmgate("%s X Y -h", u.prefix), 0, "%s X Y -h: %s", u.prefix, errout.data);
		cr_assert(strstr(out.data, want), "%s X Y -h: %s", u.prefix, out.data);
		if (u.positionals < 0)
			continue; /* takes any number (KEY..., psql's) */
		for (int k = 0; k <= u.positionals; k++)
			buf_addf(&args, " extra%d", k);
		rc = crmgate("%s%s", u.prefix, args.data);
		cr_assert_eq(rc, 2, "%s%s: exit %d: %s%s", u.prefix, args.data, rc, out.data, errout.data);
		/* a group that runs alone takes a word too many for a verb */
		cr_assert(strstr(errout.data, "too many arguments") || strstr(errout.data, "is not a verb of"),
			  "%s%s: %s", u.prefix, args.data, errout.data);
		buf_release(&args);
		tried++;
	}
	cr_assert_gt(tried, 30, "too few commands tried: %zu", tried);
	cr_assert_eq(crmgate("campaign create X --help"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "--channel mail|email|sms"), "%s", out.data);
	words_release(&all);
}

/* For each option of each command and verb: without its value, the option
 * is named; misspelt (its last letter left out), it is suggested. */
Test(options, a_missing_value_named_and_a_misspelling_answered)
{
	struct words all = { 0 };
	size_t missing = 0, misspelt = 0;

	every_synopsis(&all);
	for (size_t i = 0; i < all.n; i++) {
		struct words opts = { 0 };
		struct usage u;
		read_synopsis(&u, all.v[i]);
		cr_assert_eq(crmgate("%s --help", u.prefix), 0);
		options_of(&opts, out.data, all.v[i]);
		for (size_t k = 0; k < opts.n; k++) {
			size_t len = strcspn(opts.v[k], "=");
			const char *name = opts.v[k];
			char want[200];

			if (name[len]) {
				snprintf(want, sizeof(want), "option '--%.*s' needs a value", (int)len, name);
				cr_assert_eq(crmgate("%s --%.*s", u.prefix, (int)len, name), 2, "%s: %s", want,
					     errout.data);
				cr_assert(strstr(errout.data, want), "%s --%.*s: %s", u.prefix, (int)len, name,
					  errout.data);
				missing++;
			}
			if (len < 5)
				continue;
			snprintf(want, sizeof(want), "unknown option '--%.*s' (did you mean '--%.*s'?)", (int)len - 1,
				 name, (int)len, name);
			cr_assert_eq(crmgate("%s --%.*s", u.prefix, (int)len - 1, name), 2, "%s: %s", want,
				     errout.data);
			cr_assert(strstr(errout.data, want), "%s --%.*s: %s", u.prefix, (int)len - 1, name,
				  errout.data);
			misspelt++;
		}
		words_release(&opts);
	}
	cr_assert_gt(missing, 30, "too few options with values found: %zu", missing);
	cr_assert_gt(misspelt, 30, "too few options found: %zu", misspelt);

	/* the examples, whole */
	cr_assert_eq(crmgate("export customer --where"), 2);
	cr_assert(strstr(errout.data, "crmgate: option '--where' needs a value\n"), "%s", errout.data);
	cr_assert_eq(crmgate("send --workers"), 2);
	cr_assert(strstr(errout.data, "crmgate: option '--workers' needs a value\n"), "%s", errout.data);
	cr_assert_eq(crmgate("export customer --wher x"), 2);
	cr_assert(!strncmp(errout.data, "crmgate: unknown option '--wher' (did you mean '--where'?)\n", 58), "%s",
		  errout.data);
	/* the next option is not taken for the value */
	cr_assert_eq(crmgate("customer list --where --limit 3"), 2);
	cr_assert(strstr(errout.data, "option '--where' needs a value"), "%s", errout.data);
	/* numbers are checked */
	cr_assert_eq(crmgate("send --workers x"), 2);
	cr_assert(strstr(errout.data, "option '--workers' needs a number, got 'x'"), "%s", errout.data);
	/* and a verb */
	cr_assert_eq(crmgate("customer lst"), 2);
	cr_assert(strstr(errout.data, "'lst' is not a verb of customer (did you mean 'list'?)"), "%s", errout.data);
	words_release(&all);
}

Test(options, db_psql_passes_its_arguments_to_psql)
{
	cr_assert_eq(crmgate("db psql -c 'SELECT 1'"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, "\n        1\n(1 row)"), "%s", out.data);
	cr_assert_eq(crmgate("db psql -tA -c 'SELECT 40 + 2'"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "42\n");
	/* after --, -h is psql's too */
	cr_assert_eq(crmgate("db psql -- -tA -c 'SELECT 7'"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "7\n");
}

/* An option writes a value of its kind's C type into the command's
 * argument struct (a long for OPT_INT): a field of another type would be
 * written past, so the option tables refuse to compile with one. */
Test(options, a_field_of_the_wrong_type_does_not_compile)
{
	static const struct {
		const char *field, *spec;
		int compiles;
	} cases[] = {
		{ "long n;", "OPT_INT(\"n\", \"N\", \"h\", struct a, n, 0, 9)", 1 },
		{ "int n;", "OPT_INT(\"n\", \"N\", \"h\", struct a, n, 0, 9)", 0 },
		{ "int f;", "OPT_FLAG(\"f\", \"h\", struct a, f)", 1 },
		{ "long f;", "OPT_FLAG(\"f\", \"h\", struct a, f)", 0 },
		{ "const char *s;", "OPT_STRING(\"s\", \"S\", \"h\", struct a, s)", 1 },
		{ "int s;", "OPT_STRING(\"s\", \"S\", \"h\", struct a, s)", 0 },
		{ "struct opt_list l;", "OPT_LIST(\"l\", \"L\", \"h\", struct a, l, 0)", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *src = xstrfmt("%s/opt_%zu.c", dir, i);
		char *code = xstrfmt("#include \"cli/opt.h\"\nstruct a { %s };\n"
				     "const struct opt_spec specs[] = { %s, OPT_END() };\n",
				     cases[i].field, cases[i].spec);
		test_write_file(src, code);
		cr_expect_eq(test_sh("cc -std=c17 -D_GNU_SOURCE -fsyntax-only -I. '%s' 2>/dev/null", src) == 0,
			     cases[i].compiles, "%s with %s %s", cases[i].spec, cases[i].field,
			     cases[i].compiles ? "does not compile" : "compiles");
		free(code);
		free(src);
	}
}

/* A group of verbs that does something without a verb shows that too:
 * 'survey inbox' lists the kept replies, 'survey inbox show ID' one. */
Test(options, a_group_that_runs_alone_shows_its_own_usage)
{
	cr_assert_eq(crmgate("survey inbox --help"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "usage: crmgate survey inbox [--all]\n"), "%s", out.data);
	cr_expect(strstr(out.data, "       crmgate survey inbox show ID\n"), "%s", out.data);
	cr_assert_eq(crmgate("survey --help"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "       crmgate survey inbox [--all]\n"), "%s", out.data);
	cr_expect_null(strstr(out.data, "crmgate survey template\n"), "a group that needs a verb has no line: %s",
		       out.data);
}
