/* tests/gateway/test_outbox_owner.c - one owner for the outbox's states.
 *
 * Every change of a crm.outbox row is a crm.outbox_* function (sql/018),
 * and only gateway/outbox.c calls them: no other C file of the tree writes
 * crm.outbox in the SQL it holds, and no other function of a migrated
 * database writes it in its body. The migrated database is read, not the
 * migration files: a later migration may replace a function. */
#include <dirent.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"

/* Writing crm.outbox, in SQL: the statements that change rows. */
#define WRITES                                                                                                         \
	"(update|insert[[:space:]]+into|delete[[:space:]]+from|merge[[:space:]]+into|copy|truncate)"                   \
	"[[:space:]]+(only[[:space:]]+|table[[:space:]]+)?crm[[:space:]]*\\.[[:space:]]*outbox([^a-z0-9_]|$)"
/* Calling one of the owner's functions. */
#define CALLS "crm[[:space:]]*\\.[[:space:]]*outbox_[a-z0-9_]+[[:space:]]*\\("
#define OWNER "gateway/outbox.c"

/* The string literals of a C file as the compiler joins them: adjacent
 * literals (only blanks or comments between) run together, others are
 * apart. Escapes stay as written; "\n" does not hide a keyword. */
static void literals(struct buf *out, const char *src)
{
	int apart = 0;

	for (const char *p = src; *p;) {
		if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (*p == '\'') {
			/* a character constant: '"' is no string */
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
			apart = 1;
		} else if (*p == '"') {
			if (apart)
				buf_addch(out, '\n');
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1] == 'n') {
					buf_addch(out, ' ');
					p++;
					continue;
				}
				if (*p == '\\' && p[1])
					buf_addch(out, *p++);
				buf_addch(out, *p);
			}
			if (*p)
				p++;
			apart = 0;
		} else {
			if (!strchr(" \t\r\n\\", *p))
				apart = 1;
			p++;
		}
	}
}

/* Each line of found: "FILE: what", for the files under dir (the tests
 * excepted, which set rows up by hand) whose literals match re. */
static void scan(struct buf *found, const char *dir, const regex_t *re, const char *what)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	cr_assert(d, "cannot read %s", dir);
	while ((de = readdir(d))) {
		char *path = !strcmp(dir, ".") ? xstrdup(de->d_name) : xstrfmt("%s/%s", dir, de->d_name);
		const char *dot = strrchr(de->d_name, '.');
		struct stat st;

		if (de->d_name[0] == '.' || stat(path, &st)) {
			free(path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(path, "tests") && strcmp(path, "build") && strcmp(path, "var") &&
			    strcmp(path, "out"))
				scan(found, path, re, what);
		} else if (dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h")) && strcmp(path, OWNER)) {
			char *src = test_slurp(path);
			struct buf lit = BUF_INIT;
			regmatch_t m;
			literals(&lit, src);
			if (!regexec(re, lit.data, 1, &m, 0))
				buf_addf(found, "%s: %s: \"%.*s\"\n", path, what, (int)(m.rm_eo - m.rm_so),
					 lit.data + m.rm_so);
			buf_release(&lit);
			free(src);
		}
		free(path);
	}
	closedir(d);
}

static void scan_tree(struct buf *found, const char *pattern, const char *what)
{
	regex_t re;
	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_ICASE), 0);
	scan(found, ".", &re, what);
	regfree(&re);
}

Test(outbox_owner, the_scanner_sees_sql_split_over_literals)
{
	static const char *const bad[] = {
		"x = \"UPDATE crm.outbox SET status = 'sent'\";",
		"x = \"WITH b AS (update\"\n\t\" crm.outbox o SET\";",
		"x = \"INSERT INTO\" /* why */ \" crm.outbox (id)\";",
		"x = \"DELETE FROM crm.\"\n\"outbox WHERE\";",
		"x = \"COPY crm.outbox FROM STDIN\";",
		"x = \"SELECT crm.outbox_sent($1)\";",
	};
	static const char *const good[] = {
		"/* UPDATE crm.outbox SET status */ x = 1;",
		"x = \"SELECT * FROM crm.outbox o WHERE o.id = $1\";",
		"x = \"UPDATE crm.outbox_x SET a = 1\"; y = \"UPDATE \" z \"crm.campaign\";",
		"x = \"UPDATE crm.campaign\"; y = \"crm.outbox o\";",
	};
	regex_t w, c;

	cr_assert_eq(regcomp(&w, WRITES, REG_EXTENDED | REG_ICASE), 0);
	cr_assert_eq(regcomp(&c, CALLS, REG_EXTENDED | REG_ICASE), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct buf lit = BUF_INIT;
		literals(&lit, bad[i]);
		cr_expect(!regexec(&w, lit.data, 0, NULL, 0) || !regexec(&c, lit.data, 0, NULL, 0), "not seen: %s",
			  bad[i]);
		buf_release(&lit);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		struct buf lit = BUF_INIT;
		literals(&lit, good[i]);
		cr_expect(regexec(&w, lit.data, 0, NULL, 0) && regexec(&c, lit.data, 0, NULL, 0), "seen: %s", good[i]);
		buf_release(&lit);
	}
	regfree(&w);
	regfree(&c);
}

Test(outbox_owner, no_c_file_but_the_owner_writes_the_outbox)
{
	struct buf found = BUF_INIT;

	scan_tree(&found, WRITES, "writes crm.outbox");
	scan_tree(&found, CALLS, "calls the outbox's SQL functions");
	cr_expect_eq(found.len, 0, "only " OWNER " changes crm.outbox:\n%s", found.data);
	buf_release(&found);
}

Test(outbox_owner, no_database_function_but_the_owners_writes_the_outbox)
{
	char *db;
	struct crm_db *c = test_db_session(&db);
	struct crm_res *res = NULL;
	struct err err = ERR_INIT;
	struct buf found = BUF_INIT;

	/* every function of every schema but PostgreSQL's own, as migrated */
	assert_ok(
		crm_db_query(
			&res, c,
			"SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
			" WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
			" AND NOT (n.nspname = 'crm' AND p.proname LIKE 'outbox\\_%')"
			" AND p.prosrc ~* $1 ORDER BY 1",
			1,
			(const char *[]){ "(update|insert\\s+into|delete\\s+from|merge\\s+into|copy|truncate)"
					  "\\s+(only\\s+|table\\s+)?(crm\\s*\\.\\s*)?outbox\\M" },
			&err),
		&err);
	for (int r = 0; r < crm_res_rows(res); r++)
		buf_addf(&found, "%s\n", crm_res_get(res, r, 0));
	cr_expect_eq(crm_res_rows(res), 0, "functions that write crm.outbox but are not crm.outbox_*:\n%s", found.data);
	/* the owner's functions are there: the check above is not empty by accident */
	crm_res_free(res);
	res = NULL;
	assert_ok(crm_db_query(&res, c,
			       "SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'crm'::regnamespace"
			       " AND p.proname LIKE 'outbox\\_%' AND p.prosrc ~* 'update\\s+crm\\.outbox\\M'",
			       0, NULL, &err),
		  &err);
	cr_expect_geq(strtol(crm_res_get(res, 0, 0), NULL, 10), 5,
		      "the outbox's transitions are not crm.outbox_* functions");
	crm_res_free(res);
	buf_release(&found);
	test_db_session_end(c, db);
}
