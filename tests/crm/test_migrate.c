/* tests/crm/test_migrate.c - migrations that cannot drift: each applied
 * migration is recorded with the SHA-256 of its file, and a database whose
 * applied migration differs from this binary's is refused by every command
 * that opens it. Against the real PostgreSQL of tests/run.sh. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"

TestSuite(migrate, .init = test_fixture_init, .fini = test_fixture_fini);

/* The first column of the first row of sql on db, malloc'd (NULL: none). */
static char *value(const char *sql, const char *param)
{
	struct crm_db *conn;
	struct err err = ERR_INIT;
	const char *params[] = { param };
	char *v = NULL;
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, sql, param ? 1 : 0, params, &err), &err);
	crm_db_free(conn);
	err_release(&err);
	return v;
}

/* sha256sum's digest of a file of the source tree, malloc'd. */
static char *sha256sum(const char *path)
{
	char *cmd = xstrfmt("sha256sum '%s'", path), line[256] = "";
	FILE *p = popen(cmd, "r");
	cr_assert(p, "could not run %s", cmd);
	cr_assert(fgets(line, sizeof(line), p), "%s said nothing", cmd);
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
	free(cmd);
	line[strcspn(line, " ")] = '\0';
	cr_assert_eq(strlen(line), 64, "'%s' is no digest", line);
	return xstrdup(line);
}

/* Every sql/NNN_*.sql file of the source tree, sorted; the count in *n. */
static char **migration_files(size_t *n)
{
	struct dirent **list;
	int nr = scandir("sql", &list, NULL, alphasort);
	char **names = xcalloc((size_t)(nr > 0 ? nr : 0) + 1, sizeof(*names));
	cr_assert(nr > 0, "no sql/ folder here");
	*n = 0;
	for (int i = 0; i < nr; i++) {
		size_t len = strlen(list[i]->d_name);
		if (len > 4 && !strcmp(list[i]->d_name + len - 4, ".sql"))
			names[(*n)++] = xstrdup(list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return names;
}

/* names ends with a NULL (n of them are counted; 0 also frees them all) */
static void free_names(char **names, size_t n)
{
	(void)n;
	for (size_t i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

/* Each migration file's recorded digest is sha256sum's of the file. */
static void expect_digests_of_files(void)
{
	size_t n;
	char **names = migration_files(&n);
	for (size_t i = 0; i < n; i++) {
		char *path = xstrfmt("sql/%s", names[i]), *want = sha256sum(path);
		char *got = value("SELECT sha256 FROM crm.schema_migrations WHERE version = $1", names[i]);
		cr_expect(got, "migration %s is not recorded with a digest", names[i]);
		if (got)
			cr_expect_str_eq(got, want, "migration %s recorded as %s, its file is %s", names[i], got, want);
		free(got);
		free(want);
		free(path);
	}
	free_names(names, n);
}

Test(migrate, every_migration_file_is_recorded_with_its_sha256)
{
	size_t n;
	char *count;
	free_names(migration_files(&n), 0);
	count = value("SELECT count(*) FROM crm.schema_migrations", NULL);
	cr_expect_eq(strtol(count, NULL, 10), (long)n, "%s migrations recorded, %zu files in sql/", count, n);
	free(count);
	expect_digests_of_files();
}

/* The commands that open the database, each of which must refuse one that
 * drifted: the store's way in (export, a list, a report, send), and db's own. */
static const char *const opening[] = {
	"export customer", "--format csv customer list", "report funnel", "send --once", "db status", "db migrate",
};

/* The migrations edited after later ones had landed (issue 11), and the first and last. */
static const char *const edited[] = { "004_gateway.sql", "008_analytics.sql", "009_value_model.sql", "011_sms_cap.sql",
				      "001_core.sql" };

Test(migrate, a_database_whose_applied_migration_differs_is_refused_by_every_command)
{
	for (size_t m = 0; m < sizeof(edited) / sizeof(*edited); m++) {
		/* the digest of the text as it was applied, before the file was edited */
		char *sql = xstrfmt("UPDATE crm.schema_migrations SET sha256 = encode(sha256('as it was'), 'hex')"
				    " WHERE version = '%s'",
				    edited[m]);
		char *want = xstrfmt("migration %s applied to this database differs from this crmgate's (sha256 ",
				     edited[m]);
		char *how = xstrfmt("put sql/%s back as it was and make the change in a new migration", edited[m]);
		char *before = value("SELECT sha256 FROM crm.schema_migrations WHERE version = $1", edited[m]);
		test_sql(db, sql);
		for (size_t c = 0; c < sizeof(opening) / sizeof(*opening); c++) {
			int rc = crmgate("%s", opening[c]);
			cr_expect_eq(rc, 1, "'crmgate %s' with %s changed exited %d: %s", opening[c], edited[m], rc,
				     errout.data);
			cr_expect(strstr(errout.data, want), "'crmgate %s' did not name %s: %s", opening[c], edited[m],
				  errout.data);
			cr_expect(strstr(errout.data, how), "'crmgate %s' did not say how to recover: %s", opening[c],
				  errout.data);
		}
		/* nothing was recorded over the difference: it stays refused */
		cr_expect_eq(crmgate("export customer"), 1);
		free(sql);
		sql = xstrfmt("UPDATE crm.schema_migrations SET sha256 = '%s' WHERE version = '%s'", before, edited[m]);
		test_sql(db, sql);
		cr_expect_eq(crmgate("export customer"), 0, "put back, %s is refused still: %s", edited[m],
			     errout.data);
		free(before);
		free(how);
		free(want);
		free(sql);
	}
}

Test(migrate, a_database_migrated_before_digests_has_them_recorded_once_then_checked)
{
	test_sql(db, "ALTER TABLE crm.schema_migrations DROP COLUMN sha256");
	cr_expect_eq(crmgate("db status"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "migrations pending"), "the digests to record are not pending: %s", out.data);
	cr_assert_eq(crmgate("export customer"), 0, "%s", errout.data);
	expect_digests_of_files();
	cr_expect_eq(crmgate("db status"), 0, "%s", errout.data);
	cr_expect(!strstr(out.data, "pending"), "still pending: %s", out.data);
	/* and from then on a change is refused */
	test_sql(db, "UPDATE crm.schema_migrations SET sha256 = repeat('0', 64) WHERE version = '004_gateway.sql'");
	cr_expect_eq(crmgate("export customer"), 1, "%s", errout.data);
	cr_expect(strstr(errout.data, "migration 004_gateway.sql applied to this database differs"), "%s", errout.data);
}

Test(migrate, db_reset_recovers_a_scratch_database_that_drifted)
{
	test_sql(db, "UPDATE crm.schema_migrations SET sha256 = repeat('0', 64) WHERE version = '009_value_model.sql'");
	cr_assert_eq(crmgate("db reset --yes"), 0, "%s", errout.data);
	cr_expect_eq(crmgate("export customer"), 0, "%s", errout.data);
	expect_digests_of_files();
}
