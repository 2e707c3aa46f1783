/* tests/cli/test_readme.c - every example of README.md does what it says.
 *
 * The examples are read from the README itself, so that a change of either
 * shows here: each `crmgate ...` line of a ```sh block and of an indented
 * block (with its continuation lines), and each `crmgate ...` in running
 * text that is a whole command (two words or more, no placeholder such as
 * FILE or ENTITY, no [optional] or a|b part). They run in the order they
 * stand, in one folder, on a database of 1,000 generated customers (the
 * demo's), with the files they name; each must succeed. The examples that
 * show output (an import's errors) are compared with what crmgate prints. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"

struct example {
	int line;
	char *args; /* after "crmgate " */
};

struct examples {
	struct example *items;
	size_t nr, alloc;
};

static void add(struct examples *ex, int line, const char *cmd, size_t len)
{
	struct buf b = BUF_INIT;
	int quote = 0;

	/* the shell's comment, outside quotes */
	for (size_t i = 0; i < len; i++) {
		char c = cmd[i];
		if ((c == '\'' || c == '"') && (!quote || quote == c))
			quote = quote ? 0 : c;
		else if (c == '#' && !quote && i > 0 && cmd[i - 1] == ' ')
			break;
		buf_addch(&b, c);
	}
	while (b.len && isspace((unsigned char)b.data[b.len - 1]))
		buf_truncate(&b, b.len - 1);
	ALLOC_GROW(ex->items, ex->nr + 1, ex->alloc);
	ex->items[ex->nr].line = line;
	ex->items[ex->nr].args = xstrdup(b.data + strlen("crmgate "));
	ex->nr++;
	buf_release(&b);
}

/* A word that stands for something to fill in: FILE, ENTITY, FILE.csv. */
static int placeholder(const char *w, size_t n)
{
	size_t caps = 0;
	while (caps < n && (isupper((unsigned char)w[caps]) || w[caps] == '_'))
		caps++;
	return caps >= 2 && (caps == n || !isalnum((unsigned char)w[caps]));
}

/* Is the inline code span s (after "crmgate ") a whole command to run? */
static int whole_command(const char *s, size_t n)
{
	int words = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != ' ')
			j++;
		if (j > i) {
			words++;
			if (placeholder(s + i, j - i))
				return 0;
		}
		i = j + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '|' || s[i] == '[' || !strncmp(s + i, "…", strlen("…")))
			return 0;
	return words >= 2;
}

/* One logical line from *p (a backslash at the end joins the next); the
 * number of lines it took in *taken. */
static void logical_line(struct buf *line, const char **p, int *taken)
{
	buf_reset(line);
	*taken = 0;
	for (;;) {
		const char *end = strchr(*p, '\n');
		size_t n = end ? (size_t)(end - *p) : strlen(*p);
		const char *s = *p;
		while (n && (s[0] == ' ' || s[0] == '\t') && line->len)
			s++, n--; /* a continuation's indentation */
		(*taken)++;
		*p = end ? end + 1 : *p + strlen(*p);
		if (n && s[n - 1] == '\\') {
			buf_add(line, s, n - 1);
			continue;
		}
		buf_add(line, s, n);
		return;
	}
}

static void extract(struct examples *ex, const char *readme)
{
	struct buf line = BUF_INIT;
	const char *p = readme;
	int lineno = 1, fence = 0, sh = 0;

	while (*p) {
		int at = lineno, taken;
		logical_line(&line, &p, &taken);
		lineno += taken;
		const char *s = line.data;
		if (!strncmp(s, "```", 3)) {
			fence = !fence;
			sh = fence && !strcmp(s + 3, "sh");
			continue;
		}
		if (fence) {
			while (*s == ' ')
				s++;
			if (sh && !strncmp(s, "crmgate ", 8))
				add(ex, at, s, strlen(s));
			continue;
		}
		if (!strncmp(s, "    crmgate ", 12)) {
			add(ex, at, s + 4, strlen(s + 4));
			continue;
		}
		for (const char *q = s; (q = strstr(q, "`crmgate ")); q++) {
			const char *end = strchr(q + 1, '`');
			if (!end)
				break;
			if (whole_command(q + 9, (size_t)(end - q - 9)))
				add(ex, at, q + 1, (size_t)(end - q - 1));
			q = end;
		}
	}
	buf_release(&line);
}

static const char *const users_csv = "login,name,role,salesperson_code,password\n"
				     "lisi,李四,marketer,,Secret-1234\n";
static const char *const greeting_txt = "{{name}}，祝您生日快乐！\n";

/* The Word template the examples merge and store: a letter to a contact. */
static void write_letter(const char *path)
{
	static const char *const parts[][2] = {
		{ "[Content_Types].xml", TEST_DOCX_TYPES },
		{ "_rels/.rels", TEST_DOCX_RELS },
		{ "word/document.xml",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		  "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
		  "<w:p><w:r><w:t>尊敬的{{name}}：</w:t></w:r></w:p>"
		  "<w:p><w:r><w:t>您的客户经理{{owner.name}}祝您生日快乐。</w:t></w:r></w:p>"
		  "</w:body></w:document>" },
	};
	test_write_docx(path, parts, sizeof(parts) / sizeof(*parts));
}

/* The questionnaire the survey examples store: the README's own, the
 * block that starts with its title. */
static void write_questionnaire(void)
{
	char *text = test_slurp("README.md"), *path = xstrfmt("%s/satisfaction.txt", dir);
	const char *block = strstr(text, "```\n# 客户满意度调查\n"), *end;

	cr_assert(block, "the README's questionnaire is gone");
	block += 4;
	end = strstr(block, "```");
	cr_assert(end);
	text[end - text] = '\0';
	test_write_file(path, block);
	free(path);
	free(text);
}

static void setup(void)
{
	char *path;
	test_fixture_init_embedded();
	cr_assert_eq(crmgate("-q db init"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("-q gen --seed 1 --customers 1000"), 0, "%s", errout.data);
	/* the salesperson of the examples' --as */
	cr_assert_eq(crmgate("-q user add login=wangwei name=王伟 role=salesperson salesperson_code=S0001"), 0, "%s",
		     errout.data);
	path = xstrfmt("%s/users.csv", dir);
	test_write_file(path, users_csv);
	free(path);
	path = xstrfmt("%s/greeting.txt", dir);
	test_write_file(path, greeting_txt);
	free(path);
	path = xstrfmt("%s/letter.docx", dir);
	write_letter(path);
	free(path);
	write_questionnaire();
}

TestSuite(readme, .init = setup, .fini = test_fixture_fini, .timeout = 600);

Test(readme, every_example_runs)
{
	char *text = test_slurp("README.md");
	struct examples ex = { 0 };
	size_t ran = 0;

	extract(&ex, text);
	cr_assert_gt(ex.nr, 20, "the README's examples were not found (%zu)", ex.nr);
	for (size_t i = 0; i < ex.nr; i++) {
		const char *a = ex.items[i].args;
		int rc;
		/* the demo empties the database; its own tests are test_db.c and
		 * tests/build/test_fresh_clone.c */
		if (!strncmp(a, "demo", 4))
			continue;
		fprintf(stderr, "README.md:%d: crmgate %s\n", ex.items[i].line, a);
		rc = crmgate("%s", a);
		cr_expect_eq(rc, 0, "README.md:%d: crmgate %s\nexit %d\n%s%s", ex.items[i].line, a, rc, out.data,
			     errout.data);
		ran++;
	}
	cr_assert_gt(ran, 20);
	for (size_t i = 0; i < ex.nr; i++)
		free(ex.items[i].args);
	free(ex.items);
	free(text);
}

/* The block after "Nothing is imported unless every row is good" is what
 * crmgate prints for a file with those three problems. */
Test(readme, the_import_errors_are_as_shown)
{
	char *text = test_slurp("README.md"), *path;
	const char *block = strstr(text, "```\ncrmgate: customers.csv: ");
	const char *end;

	cr_assert(block, "the README's import example is gone");
	block += 4;
	end = strstr(block, "```");
	path = xstrfmt("%s/customers.csv", dir);
	test_write_file(path, "code,name,status,owner_code,created_on\n"
			      "N1,新客户一,active,S0001,2023-01-10\n"
			      "N2,新客户二,active,S0001,2023-02-30\n"
			      "N3,新客户三,active,S99,2023-03-01\n"
			      "N4,新客户四,potential,,\n"
			      "N5,新客户五,active,S0002,2023-04-01\n"
			      "N6,新客户六,dormant,S0002,2023-05-01\n");
	cr_assert_eq(crmgate("import customer customers.csv"), 2, "%s", errout.data);
	cr_assert_eq(strncmp(errout.data, block, (size_t)(end - block)), 0, "README shows:\n%.*s\ncrmgate printed:\n%s",
		     (int)(end - block), block, errout.data);
	cr_assert_eq(crmgate("targets customer --where \"code like 'N%%'\" --count"), 0);
	cr_assert_str_eq(out.data, "0\n", "nothing was imported");
	free(path);
	free(text);
}

/* The parts of the README's filters find rows in the generated data: a
 * region that is a parent of others (华东) and a contact's owner. */
Test(readme, the_filters_find_rows)
{
	static const char *const filters[][2] = {
		{ "contact", "customer.region = '华东'" },
		{ "contact", "owner.name like '王%'" },
		{ "customer", "industry in ('制造', '零售') and status != 'inactive'" },
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(*filters); i++) {
		char *args = xstrfmt("targets %s --where \"%s\" --count", filters[i][0], filters[i][1]);
		cr_assert_eq(crmgate("%s", args), 0, "%s: %s", args, errout.data);
		cr_expect_gt(atol(out.data), 0, "%s finds nothing", args);
		free(args);
	}
}

/* The indented block after "shows every problem of every part at once" is
 * what 'template check' prints for a letter with those three problems. */
Test(readme, the_check_report_is_as_shown)
{
	static const char *const parts[][2] = {
		{ "[Content_Types].xml",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		  "<Default Extension=\"rels\" "
		  "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		  "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
		  "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
		  "<Override PartName=\"/word/header1.xml\" ContentType=\"application/"
		  "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/></Types>" },
		{ "_rels/.rels", TEST_DOCX_RELS },
		{ "word/_rels/document.xml.rels",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
		  "relationships/header\" Target=\"header1.xml\"/></Relationships>" },
		{ "word/document.xml",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		  "<w:document " TEST_W
		  " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		  "<w:body>"
		  "<w:p><w:r><w:t>尊敬的{{name}}：</w:t></w:r></w:p>"
		  "<w:p><w:r><w:t>您的客户经理{{owner.nmae}}</w:t></w:r></w:p>"
		  "<w:p><w:r><w:t>祝您生日快乐。</w:t></w:r></w:p>"
		  "<w:p/>"
		  "<w:p><w:r><w:t>谢谢}}</w:t></w:r></w:p>"
		  "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\"/></w:sectPr>"
		  "</w:body></w:document>" },
		{ "word/header1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
				      "<w:hdr " TEST_W "><w:p><w:r><w:t>{{#birthday}}生日</w:t></w:r></w:p></w:hdr>" },
	};
	char *text = test_slurp("README.md"), *path = xstrfmt("%s/bad", dir);
	const char *block = strstr(text, "\n    crmgate: letter.docx: part ");
	int problems = 0;

	cr_assert(block, "the README's check example is gone");
	cr_assert_eq(mkdir(path, 0755), 0);
	free(path);
	path = xstrfmt("%s/bad/letter.docx", dir);
	test_write_docx(path, parts, sizeof(parts) / sizeof(*parts));
	{
		char *bad = xstrfmt("%s/bad", dir);
		cr_assert_eq(test_run(&out, &errout, bad, NULL, "template check letter.docx --targets contact"), 2,
			     "%s", errout.data);
		free(bad);
	}
	/* what crmgate prints, but for its hint, is what the README shows */
	{
		struct buf shown = BUF_INIT, printed = BUF_INIT;
		for (const char *p = block + 1; !strncmp(p, "    ", 4); problems++) {
			const char *end = strchr(p, '\n');
			buf_add(&shown, p + 4, (size_t)(end - p - 3));
			p = end + 1;
		}
		for (const char *p = errout.data; *p;) {
			const char *end = strchr(p, '\n');
			size_t n = end ? (size_t)(end - p + 1) : strlen(p);
			if (strncmp(p, "hint: ", 6))
				buf_add(&printed, p, n);
			p += n;
		}
		cr_expect_str_eq(printed.data, shown.data, "README shows:\n%scrmgate printed:\n%s", shown.data,
				 errout.data);
		buf_release(&shown);
		buf_release(&printed);
	}
	cr_assert_eq(problems, 3);
	free(path);
	free(text);
}
