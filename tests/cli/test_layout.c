/* tests/cli/test_layout.c - commands call the library, never each other
 * through a made-up argv (STYLE.md, "Commands").
 *
 * Only cli/main.c's dispatch table names a command's entry point (cmd_db,
 * cmd_gen...): a command that wants another's work calls the function
 * behind it, with the argument struct its option table fills (cli/cli.h),
 * as the demo and send-one do. And no file of cli/ writes a command line
 * down as a list of strings ({ "db", "init" }, { "crmgate", "gen", ... })
 * to hand to a parser. The source of cli/ is read, as written. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "crm/entity.h"

/* A token of C: an identifier, a string literal (its text between the
 * quotes, as written) or one character of punctuation. */
struct token {
	char kind; /* 'i', 's' or the punctuation */
	char *text;
	int line;
};

struct tokens {
	struct token *v;
	size_t n, alloc;
};

static void token_add(struct tokens *t, char kind, const char *s, size_t len, int line)
{
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	t->v[t->n++] = (struct token){ kind, xstrndup(s, len), line };
}

static void tokens_release(struct tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int is_ident(char c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

/* The tokens of src; comments, character constants, blanks and numbers
 * (as identifiers that never match) do not hide anything. */
static void tokenize(struct tokens *out, const char *src)
{
	int line = 1;

	for (const char *p = src; *p;) {
		if (*p == '\n') {
			line++;
			p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			end = end ? end + 2 : p + strlen(p);
			for (; p < end; p++)
				line += *p == '\n';
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (*p == '"' || *p == '\'') {
			char quote = *p;
			const char *start = ++p;
			for (; *p && *p != quote && *p != '\n'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (quote == '"')
				token_add(out, 's', start, (size_t)(p - start), line);
			if (*p == quote)
				p++;
		} else if (is_ident(*p, 0)) {
			const char *start = p;
			while (is_ident(*p, 0))
				p++;
			token_add(out, 'i', start, (size_t)(p - start), line);
		} else if (strchr(" \t\r\\", *p)) {
			p++;
		} else {
			token_add(out, *p, p, 1, line);
			p++;
		}
	}
}

struct names {
	char **v;
	size_t n, alloc;
};

static void names_add(struct names *s, const char *name)
{
	ALLOC_GROW(s->v, s->n + 1, s->alloc);
	s->v[s->n++] = xstrdup(name);
}

static int names_has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], name))
			return 1;
	return 0;
}

static void names_release(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* What the checks know of the tree: the commands' entry points and the
 * words that start a command line (commands, entities, "crmgate"). */
struct layout {
	struct names entries, words;
};

/* One file's offences, a line each in found: "cli/cmd_demo.c:79: ...". */
/* Is the list whose first item is token i an order of options for
 * opt_line (an array "..._order[] = {" or "order[] = {"), whose words are
 * option names ("template", "targets"), not a command line? */
static int order_list(const struct tokens *t, size_t i)
{
	const char *name, *end;

	if (i < 5 || t->v[i - 2].kind != '=' || t->v[i - 3].kind != ']' || t->v[i - 4].kind != '[' ||
	    t->v[i - 5].kind != 'i')
		return 0;
	name = t->v[i - 5].text;
	end = name + strlen(name);
	return end - name >= 5 && !strcmp(end - 5, "order");
}

static void check_file(struct buf *found, const struct layout *l, const char *path, const char *src)
{
	struct tokens t = { 0 };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (!strcmp(base, "main.c"))
		return; /* the dispatch table */
	tokenize(&t, src);
	for (size_t i = 0; i < t.n; i++) {
		const struct token *k = &t.v[i];
		if (k->kind == 'i' && names_has(&l->entries, k->text)) {
			char *own = xstrfmt("%s.c", k->text);
			if (strcmp(base, own))
				buf_addf(found,
					 "%s:%d: names %s, another command's entry point: call the function behind "
					 "it (cli/cli.h) with its argument struct\n",
					 path, k->line, k->text);
			free(own);
		} else if (k->kind == 'i' && !strcmp(k->text, "cli_handler")) {
			buf_addf(found, "%s:%d: takes a command's handler (cli_handler): only cli/main.c runs one\n",
				 path, k->line);
		} else if (k->kind == 's' && i > 0 && t.v[i - 1].kind == '{' && i + 2 < t.n && t.v[i + 1].kind == ',' &&
			   t.v[i + 2].kind == 's' && names_has(&l->words, k->text) && !order_list(&t, i)) {
			buf_addf(found,
				 "%s:%d: a command line as a list of strings (\"%s\", \"%s\"...) to run a command\n",
				 path, k->line, k->text, t.v[i + 2].text);
		}
	}
	tokens_release(&t);
}

/* The entry points cli/cli.h declares ("int cmd_db(struct cli *cli, int
 * argc, ..."), the command names of cli/main.c's table ({ "db", cmd_db, ...),
 * and the entities' names. */
static void layout_load(struct layout *l)
{
	char *h = test_slurp("cli/cli.h"), *m = test_slurp("cli/main.c");
	struct tokens t = { 0 };

	memset(l, 0, sizeof(*l));
	tokenize(&t, h);
	for (size_t i = 0; i + 3 < t.n; i++)
		if (!strcmp(t.v[i].text, "int") && !strncmp(t.v[i + 1].text, "cmd_", 4) && t.v[i + 2].kind == '(' &&
		    !strcmp(t.v[i + 3].text, "struct"))
			names_add(&l->entries, t.v[i + 1].text);
	tokens_release(&t);
	tokenize(&t, m);
	for (size_t i = 1; i + 2 < t.n; i++)
		if (t.v[i - 1].kind == '{' && t.v[i].kind == 's' && t.v[i + 1].kind == ',' &&
		    names_has(&l->entries, t.v[i + 2].text))
			names_add(&l->words, t.v[i].text);
	tokens_release(&t);
	for (size_t i = 0; i < crm_nentities; i++)
		names_add(&l->words, crm_entities[i]->name);
	names_add(&l->words, "crmgate");
	free(h);
	free(m);
	cr_assert(l->entries.n >= 10, "found only %zu entry points in cli/cli.h", l->entries.n);
	cr_assert(names_has(&l->words, "db") && names_has(&l->words, "campaign") && names_has(&l->words, "contact"),
		  "the command names of cli/main.c were not found");
}

static void layout_release(struct layout *l)
{
	names_release(&l->entries);
	names_release(&l->words);
}

/* The checker first: what it must see, and what it must leave alone. */
static const struct {
	const char *path, *src;
	int bad;
} cases[] = {
	{ "cli/cmd_demo.c", "static int f(void)\n{\n\treturn cmd_gen(cli, argc, argv, err);\n}\n", 1 },
	{ "cli/cmd_send_one.c", "\trc = cmd_campaign(cli, n, words, err);\n", 1 },
	{ "cli/cmd_x.c", "static const cli_handler run = cmd_send;\n", 1 },
	{ "cli/cmd_x.c", "static const struct { cli_handler fn; } t[] = { { 0 } };\n", 1 },
	{ "cli/cmd_demo.c", "static const char *const steps[][20] = {\n\t{ \"db\", \"init\" },\n};\n", 1 },
	{ "cli/cmd_demo.c", "\tchar *argv[] = { \"crmgate\", \"gen\", \"--seed\", \"1\", NULL };\n", 1 },
	{ "cli/cmd_x.c", "\tconst char *words[] = { \"customer\", \"view\", code };\n", 1 },
	{ "cli/cmd_x.c", "\tconst char *words[] = { \"send\" /* the verb */, \"--once\" };\n", 1 },
	/* its own entry point, a comment, a string, a program's argv, a list of option names */
	{ "cli/cmd_gen.c", "int cmd_gen(struct cli *cli, int argc, char **argv, struct err *err)\n{\n", 0 },
	{ "cli/cmd_demo.c", "/* unlike cmd_gen(cli, argc, argv), this... */\n// cmd_db( too\n", 0 },
	{ "cli/cmd_demo.c", "\tlog_info(\"cmd_gen(\");\n\tchar c = '\"'; int cmd_genx = 1;\n", 0 },
	{ "cli/cmd_db.c", "\tchar *argv[] = { \"pg_dump\", \"--format=custom\", ci, NULL };\n", 0 },
	{ "cli/cmd_demo.c", "\tstatic const char *const order[] = { \"channel\", \"targets\", NULL };\n", 0 },
	{ "cli/cmd_demo.c", "\tstatic const char *const survey_order[] = { \"template\", \"targets\", NULL };\n", 0 },
	{ "cli/cmd_demo.c", "\tstatic const char *const words[] = { \"template\", \"targets\", NULL };\n", 1 },
	{ "cli/cmd_views.c", "const struct cli_view cli_views[] = {\n\t{ \"customer\", { .name = \"view\" } },\n", 0 },
	{ "cli/main.c", "\t{ \"db\", cmd_db, N_(\"the database\") },\n", 0 },
};

Test(layout, the_checker_sees_a_command_driving_another)
{
	struct layout l;

	layout_load(&l);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf found = BUF_INIT;
		check_file(&found, &l, cases[i].path, cases[i].src);
		if (cases[i].bad)
			cr_expect(found.len, "not seen in %s:\n%s", cases[i].path, cases[i].src);
		else
			cr_expect(!found.len, "a false alarm: %s", found.data);
		buf_release(&found);
	}
	layout_release(&l);
}

Test(layout, no_command_drives_another_through_argv)
{
	struct layout l;
	struct buf found = BUF_INIT;
	DIR *d = opendir("cli");
	struct dirent *de;
	int files = 0;

	cr_assert(d, "cannot read cli/ (the tests run from the top of the tree)");
	layout_load(&l);
	while ((de = readdir(d))) {
		const char *dot = strrchr(de->d_name, '.');
		char *path, *src;
		if (de->d_name[0] == '.' || !dot || strcmp(dot, ".c"))
			continue;
		path = xstrfmt("cli/%s", de->d_name);
		src = test_slurp(path);
		check_file(&found, &l, path, src);
		files++;
		free(src);
		free(path);
	}
	closedir(d);
	cr_assert(files >= 10, "read only %d files of cli/", files);
	cr_expect(!found.len, "%s", found.data);
	buf_release(&found);
	layout_release(&l);
}
