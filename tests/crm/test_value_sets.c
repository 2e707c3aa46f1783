/* tests/crm/test_value_sets.c - one definition of each value set: what the
 * database refuses, the C refuses with the same rule (the channels, e-mail
 * addresses and codes: the C asks sql/019's functions), the migrated
 * database holds no second copy of the channel list, and every enumeration
 * of crm/entity.c (the roles too) is exactly what the database's CHECK
 * allows. Against the real PostgreSQL of tests/run.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "crm/entity.h"
#include "crm/rules.h"

static char *ci;
static char *dir;
static struct crm_db *db;
static struct err err;
static struct buf out, errout;

#define crmgate(...) test_crmgate(&out, &errout, ci, __VA_ARGS__)

static void setup(void)
{
	db = test_db_session(&ci);
	dir = test_tmpdir();
	err_init(&err);
	buf_init(&out);
	buf_init(&errout);
}

static void teardown(void)
{
	err_release(&err);
	buf_release(&out);
	buf_release(&errout);
	test_rmdir(dir);
	test_db_session_end(db, ci);
}

TestSuite(value_sets, .init = setup, .fini = teardown);

/* Does the database take sql with $1 = value? Tried in a transaction that is
 * rolled back. */
static int database_takes(const char *sql, const char *value)
{
	const char *params[] = { value };
	struct err e = ERR_INIT;
	int rc;
	assert_ok(crm_db_begin(db, &err), &err);
	rc = crm_db_query(NULL, db, sql, 1, params, &e);
	crm_db_rollback(db);
	err_release(&e);
	return rc == 0;
}

static const char *const channels[] = { "mail", "email", "sms", "fax", "", "Mail", "sms ", "e-mail", "SMS", "post" };

Test(value_sets, a_channel_the_database_refuses_the_c_refuses)
{
	char *list = NULL;
	for (size_t i = 0; i < sizeof(channels) / sizeof(*channels); i++) {
		/* each of the four tables that hold a channel */
		int suppression = database_takes("INSERT INTO crm.suppression (channel, address, reason) "
						 "VALUES ($1, 'x', 'test')",
						 channels[i]);
		int bucket = database_takes("INSERT INTO crm.rate_bucket (channel, tokens) VALUES ($1, 1) "
					    "ON CONFLICT (channel) DO UPDATE SET tokens = 1",
					    channels[i]);
		int campaign = database_takes("INSERT INTO crm.campaign (name, channel, targets) VALUES ('c', $1, "
					      "'contact')",
					      channels[i]);
		struct err e = ERR_INIT;
		int c = crm_channel_check(db, channels[i], &e);
		cr_expect_eq(suppression, bucket, "'%s'", channels[i]);
		cr_expect_eq(suppression, campaign, "'%s'", channels[i]);
		cr_expect_eq(c == 0, suppression, "'%s': the database %s it, crm_channel_check returned %d (%s)",
			     channels[i], suppression ? "takes" : "refuses", c, e.msg.data);
		if (c) {
			char *want = xstrfmt("'%s' is not a channel: mail, email or sms", channels[i]);
			cr_expect_eq(c, ERR_INPUT);
			cr_expect_str_eq(e.msg.data, want);
			free(want);
		}
		err_release(&e);
	}
	assert_ok(crm_channel_list(&list, db, &err), &err);
	cr_expect_str_eq(list, "mail, email or sms");
	free(list);
}

Test(value_sets, the_migrated_database_lists_the_channels_once)
{
	char *copies = NULL, *users = NULL;
	/* no CHECK names a channel of its own: each asks crm.is_channel */
	assert_ok(crm_db_value(&copies, db,
			       "SELECT string_agg(conrelid::regclass || ': ' || pg_get_constraintdef(oid), '; ') FROM "
			       "pg_constraint WHERE connamespace = 'crm'::regnamespace AND contype = 'c' AND "
			       "pg_get_constraintdef(oid) ~ '''(mail|email|sms)'''",
			       0, NULL, &err),
		  &err);
	cr_expect(!copies, "CHECKs with a channel list of their own: %s", copies);
	assert_ok(crm_db_value(&users, db,
			       "SELECT count(*) FROM pg_constraint WHERE connamespace = 'crm'::regnamespace AND "
			       "contype = 'c' AND pg_get_constraintdef(oid) LIKE '%crm.is_channel(channel)%'",
			       0, NULL, &err),
		  &err);
	cr_expect_str_eq(users, "4",
			 "%s CHECKs ask crm.is_channel, not the four of campaign, outbox, "
			 "suppression and rate_bucket",
			 users);
	free(copies);
	free(users);
}

/* A customer imported with value in column (email or code): the import must
 * take it exactly when the database's domain does, and name the file, line
 * and column when it does not. */
static void import_agrees_with_domain(const char *column, const char *domain, const char *value, const char *what)
{
	char *cast = xstrfmt("SELECT $1::%s", domain), *path = xstrfmt("%s/customer.csv", dir), *csv, *want;
	int takes = database_takes(cast, value), rc;
	struct buf field = BUF_INIT;
	/* the value is quoted in the CSV, so that blanks around it stay */
	buf_addch(&field, '"');
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			buf_addch(&field, '"');
		buf_addch(&field, *p);
	}
	buf_addch(&field, '"');
	if (!strcmp(column, "email"))
		csv = xstrfmt("code,name,email\nK1,甲,ok@example.test\nK2,乙,%s\n", field.data);
	else
		csv = xstrfmt("code,name\nK1,甲\n%s,乙\n", field.data);
	buf_release(&field);
	test_write_file(path, csv);
	rc = crmgate("import customer '%s'", path);
	cr_expect_eq(rc, takes ? 0 : 2, "%s '%s': the %s domain %s it, the import exited %d: %s", column, value, domain,
		     takes ? "takes" : "refuses", rc, errout.data);
	if (!takes) {
		want = xstrfmt("customer.csv:3: column '%s': '%s' %s", column, value, what);
		cr_expect(strstr(errout.data, want), "not '%s': %s", want, errout.data);
		free(want);
	}
	test_sql(ci, "DELETE FROM crm.customer");
	free(csv);
	free(path);
	free(cast);
}

Test(value_sets, an_email_the_domain_refuses_the_import_refuses_naming_file_line_and_column)
{
	static const char *const emails[] = {
		"a@b.test",    "a.b+c@d.e.test", "张@例子.测试",      "a@b",	    "@b.test",
		"a@.test",     "a b@c.test",	 "a@b.test,c@d.test", "<a@b.test>", "a@b@c.test",
		"a\"b@c.test", "a\\b@c.test",	 "a;b@c.test",	      "a@b.",
	};
	for (size_t i = 0; i < sizeof(emails) / sizeof(*emails); i++)
		import_agrees_with_domain("email", "crm.email", emails[i], "is not an e-mail address");
}

Test(value_sets, a_code_the_domain_refuses_the_import_refuses_naming_file_line_and_column)
{
	static const char *const codes[] = { "K2", "K 2", "甲-2", " K2", "K2 ", "  ", "K2\u3000" };
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		import_agrees_with_domain("code", "crm.code", codes[i],
					  "is not a code: no blanks around it, no line breaks or tabs");
}

/* The values a CHECK of table's allows for column, sorted and joined by '|';
 * NULL when no CHECK of the table lists them. */
static char *check_values(const char *table, const char *column)
{
	const char *params[] = { table, column };
	char *v = NULL;
	/* "CHECK ((status = ANY (ARRAY['new'::text, ...])))": the quoted words of
	 * the CHECK on that column alone */
	assert_ok(
		crm_db_value(&v, db,
			     "SELECT string_agg(v, '|' ORDER BY v) FROM (SELECT DISTINCT m[1] COLLATE \"C\" AS v "
			     "FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([^'']*)''::text', "
			     "'g') m WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND "
			     "pg_get_constraintdef(c.oid) ~ ('^CHECK \\(\\(' || $2 || ' = ANY \\(ARRAY\\[')) x",
			     2, params, &err),
		&err);
	return v;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

Test(value_sets, every_enumeration_of_the_entities_is_the_database_check)
{
	int seen = 0;
	for (size_t i = 0; i < crm_nentities; i++) {
		const struct crm_entity *e = crm_entities[i];
		for (size_t j = 0; j < e->ncolumns; j++) {
			const struct crm_column *col = &e->columns[j];
			const char *sorted[32];
			struct buf mine = BUF_INIT;
			size_t n = 0;
			char *theirs;
			if (col->type != CRM_ENUM)
				continue;
			while (col->values[n]) {
				cr_assert_lt(n, 31);
				sorted[n] = col->values[n];
				n++;
			}
			qsort(sorted, n, sizeof(*sorted), by_text);
			for (size_t k = 0; k < n; k++)
				buf_addf(&mine, "%s%s", k ? "|" : "", sorted[k]);
			theirs = check_values(e->table, col->sql);
			cr_expect(theirs, "%s.%s: no CHECK lists its values", e->table, col->sql);
			if (theirs)
				cr_expect_str_eq(mine.data, theirs, "%s.%s: crm/entity.c has %s, the database %s",
						 e->table, col->sql, mine.data, theirs);
			seen++;
			free(theirs);
			buf_release(&mine);
		}
	}
	/* customer status, genders, lead, intent, opportunity, activity and complaint status, roles */
	cr_expect_geq(seen, 9, "only %d enumerations", seen);
}
