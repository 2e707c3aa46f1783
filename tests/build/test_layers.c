/* tests/build/test_layers.c - the modules include each other only along the
 * arrows of the layout: merge and crm use common alone; gen uses crm;
 * gateway uses crm and merge; survey uses gateway, crm and merge; analytics
 * uses crm (each common too); cli uses them all, and nothing uses cli. An
 * include against an arrow is named with its file and line. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"

/* Each source folder and the folders it may include from (itself aside). */
static const struct {
	const char *module;
	const char *const uses[8];
} arrows[] = {
	{ "common", { NULL } },
	{ "crm", { "common", NULL } },
	{ "merge", { "common", NULL } },
	{ "gen", { "crm", "common", NULL } },
	{ "gateway", { "crm", "merge", "common", NULL } },
	{ "survey", { "gateway", "crm", "merge", "common", NULL } },
	{ "analytics", { "crm", "common", NULL } },
	{ "cli", { "survey", "gateway", "analytics", "gen", "crm", "merge", "common", NULL } },
};

/* The index of module in arrows (name: len bytes), -1 for another folder. */
static int module_index(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(arrows); i++)
		if (strlen(arrows[i].module) == len && !strncmp(arrows[i].module, name, len))
			return (int)i;
	return -1;
}

static int may_use(int from, int to)
{
	if (from == to)
		return 1;
	for (const char *const *u = arrows[from].uses; *u; u++)
		if (!strcmp(*u, arrows[to].module))
			return 1;
	return 0;
}

/* What a scan found: the includes against the arrows ("file:line: ..."),
 * and how many files and includes of another module it read, so that a
 * scan that reads nothing cannot pass. */
struct scan {
	struct buf bad;
	size_t root_len; /* the length of "ROOT/" in the paths nftw gives */
	int module;	 /* of the folder being walked */
	int files, crossings;
};

static struct scan *scanning; /* nftw's callback takes no argument of ours */

/* The module named by a line '#include "MODULE/...' (any spaces around
 * '#' and 'include'), -1 for any other line or folder; its name in *name. */
static int included_module(const char *line, const char **name, size_t *len)
{
	const char *p = line + strspn(line, " \t");
	if (*p++ != '#')
		return -1;
	p += strspn(p, " \t");
	if (strncmp(p, "include", 7))
		return -1;
	p += 7;
	p += strspn(p, " \t");
	if (*p++ != '"' || !strchr(p, '/'))
		return -1;
	*name = p;
	*len = strcspn(p, "/\"");
	return p[*len] == '/' ? module_index(p, *len) : -1;
}

static void scan_file(struct scan *s, const char *path)
{
	char *text = test_slurp(path);
	int lineno = 1;

	s->files++;
	for (char *line = text, *end; *line; line = end, lineno++) {
		const char *name;
		size_t len;
		int to;

		end = line + strcspn(line, "\n");
		if (*end)
			*end++ = '\0';
		to = included_module(line, &name, &len);
		if (to < 0 || to == s->module)
			continue;
		s->crossings++;
		if (!may_use(s->module, to))
			buf_addf(&s->bad, "%s:%d: %s/ includes %.*s/, against the arrows (%s)\n", path + s->root_len,
				 lineno, arrows[s->module].module, (int)len, name, line);
	}
	free(text);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && len > 2 && path[len - 2] == '.' && (path[len - 1] == 'c' || path[len - 1] == 'h'))
		scan_file(scanning, path);
	return 0;
}

/* Scan every .c and .h under each module's folder of root (those that
 * exist) into s. */
static void scan_tree(struct scan *s, const char *root)
{
	buf_init(&s->bad);
	s->root_len = strlen(root) + 1;
	s->files = s->crossings = 0;
	scanning = s;
	for (size_t i = 0; i < ARRAY_SIZE(arrows); i++) {
		char *path = xstrfmt("%s/%s", root, arrows[i].module);
		struct stat st;
		if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
			s->module = (int)i;
			cr_assert_eq(nftw(path, visit, 16, FTW_PHYS), 0, "could not read %s", path);
		}
		free(path);
	}
	scanning = NULL;
}

/* The folder the tests were built from: __FILE__ is
 * tests/build/test_layers.c, relative to it or absolute. */
static char *source_root(void)
{
	const char *file = __FILE__, *at = strstr(file, "tests/build/test_layers.c");
	char *root = at && at > file ? xstrfmt("%.*s", (int)(at - file - 1), file) : xstrdup(".");
	char *probe = xstrfmt("%s/common", root);

	cr_assert_eq(access(probe, R_OK), 0, "the source tree is not at '%s' (run from the top folder)", root);
	free(probe);
	return root;
}

Test(layers, every_include_follows_the_arrows)
{
	char *root = source_root();
	struct scan s;

	scan_tree(&s, root);
	cr_assert_gt(s.files, 50, "only %d source files under '%s'", s.files, root);
	cr_assert_gt(s.crossings, 50, "only %d includes from one module into another", s.crossings);
	cr_expect_eq(s.bad.len, 0, "includes against the arrows:\n%s", s.bad.data);
	buf_release(&s.bad);
	free(root);
}

/* The scan itself, on a made-up tree: each wrong way is named where it is,
 * and the right ones are not. */
Test(layers, a_made_up_tree_shows_each_wrong_include)
{
	static const char *const files[][2] = {
		{ "common/a.h", "#include \"crm/db.h\"\n" },
		{ "crm/x.c", "#include <stdio.h>\n# include \"gateway/send.h\"\n#include \"common/buf.h\"\n" },
		{ "merge/m.c", "#include \"merge/m.h\"\n  #  include \"crm/db.h\"\n" },
		{ "gen/g.c", "#include \"crm/db.h\"\n#include \"merge/docx.h\"\n" },
		{ "gateway/s.c", "#include \"crm/db.h\"\n#include \"merge/docx.h\"\n#include \"cli/output.h\"\n" },
		{ "analytics/q.c", "#include \"crm/db.h\"\n#include \"gen/gen.h\"\n" },
		{ "cli/main.c", "#include \"gateway/send.h\"\n#include \"analytics/q.h\"\n#include \"gen/gen.h\"\n" },
		{ "cli/sub/deep.h", "#include \"survey/s.h\"\n" },
		{ "survey/s.c", "#include \"gateway/send.h\"\n#include \"analytics/q.h\"\n" },
	};
	char *dir = test_tmpdir();
	struct scan s;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xstrfmt("%s/%s", dir, files[i][0]);
		cr_assert_eq(test_sh("mkdir -p \"$(dirname '%s')\"", path), 0);
		test_write_file(path, files[i][1]);
		free(path);
	}
	scan_tree(&s, dir);
	cr_expect_eq(s.files, (int)ARRAY_SIZE(files));
	cr_expect_str_eq(s.bad.data,
			 "common/a.h:1: common/ includes crm/, against the arrows (#include \"crm/db.h\")\n"
			 "crm/x.c:2: crm/ includes gateway/, against the arrows (# include \"gateway/send.h\")\n"
			 "merge/m.c:2: merge/ includes crm/, against the arrows (  #  include \"crm/db.h\")\n"
			 "gen/g.c:2: gen/ includes merge/, against the arrows (#include \"merge/docx.h\")\n"
			 "gateway/s.c:3: gateway/ includes cli/, against the arrows (#include \"cli/output.h\")\n"
			 "survey/s.c:2: survey/ includes analytics/, against the arrows (#include \"analytics/q.h\")\n"
			 "analytics/q.c:2: analytics/ includes gen/, against the arrows (#include \"gen/gen.h\")\n");
	buf_release(&s.bad);
	test_rmdir(dir);
}
