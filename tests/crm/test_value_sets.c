/* tests/crm/test_value_sets.c - one definition of each value set: what the
 * database refuses, the C refuses with the same rule (the channels, e-mail
 * addresses and codes: the C asks sql/019's functions), the migrated
 * database holds no second copy of the channel list; the enumerations of
 * the entities and the roles are the database's sets (sql/020), which the
 * CHECKs, the import and the filter ask, so that a value added in the
 * database alone is taken without a rebuild, and no C file or function of
 * the database keeps a list of its own. Against the real PostgreSQL of
 * tests/run.sh. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* ------------------------------------------- enumerations and roles: sql/020 */

#define MAXSETS 16

/* The database's sets: every ENUM column's, and the roles. */
struct sets {
	const char *name[MAXSETS];
	const struct crm_res *values[MAXSETS];
	size_t nr;
};

static void load_sets(struct sets *s)
{
	s->nr = 0;
	for (size_t i = 0; i < crm_nentities + crm_nhistories; i++) {
		const struct crm_entity *e = i < crm_nentities ? crm_entities[i] : crm_histories[i - crm_nentities];
		for (size_t j = 0; j < e->ncolumns; j++) {
			const struct crm_column *col = &e->columns[j];
			size_t k = 0;
			if (col->type != CRM_ENUM)
				continue;
			while (k < s->nr && strcmp(s->name[k], col->set))
				k++;
			if (k < s->nr)
				continue;
			cr_assert_lt(s->nr, MAXSETS);
			s->name[s->nr] = col->set;
			assert_ok(crm_value_set(&s->values[s->nr], db, col->set, &err), &err);
			cr_assert_gt(crm_res_rows(s->values[s->nr]), 0, "%s is empty", col->set);
			s->nr++;
		}
	}
	cr_assert_geq(s->nr, 8, "only %zu sets", s->nr);
}

static int in_set(const struct crm_res *set, const char *word, size_t len)
{
	for (int i = 0; i < crm_res_rows(set); i++) {
		const char *v = crm_res_get(set, i, 0);
		if (strlen(v) == len && !memcmp(v, word, len))
			return i + 1;
	}
	return 0;
}

/* The quoted words of a text in order, one a line; an empty line where
 * anything but blanks and commas stands between two of them, so that only
 * the words of one list ({ "a", "b" } in C, IN ('a', 'b') or ARRAY['a', 'b']
 * in SQL) follow each other. */
struct words {
	struct buf *out;
	int brk; /* something stood since the last word */
};

static void word_add(struct words *w, const char *s, size_t len)
{
	if (w->brk)
		buf_addch(w->out, '\n');
	w->brk = 0;
	buf_add(w->out, s, len);
	buf_addch(w->out, '\n');
}

/* SQL: its literals ('' doubles a quote); -- comments skipped. */
static void sql_words(struct words *w, const char *p)
{
	while (*p) {
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (*p == '\'') {
			struct buf word = BUF_INIT;
			for (p++; *p && (*p != '\'' || p[1] == '\''); p++) {
				if (*p == '\'')
					p++;
				buf_addch(&word, *p);
			}
			if (*p)
				p++;
			word_add(w, word.data, word.len);
			buf_release(&word);
		} else {
			if (!strchr(" \t\r\n,", *p))
				w->brk = 1;
			p++;
		}
	}
}

static const char *skip_blanks_and_comments(const char *p)
{
	for (;;) {
		if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			p += strcspn(p, "\n");
		} else if (*p && strchr(" \t\r\n", *p)) {
			p++;
		} else {
			return p;
		}
	}
}

/* C: its string literals, adjacent ones joined as the compiler joins them;
 * one that holds SQL literals gives those instead. */
static void c_words(struct words *w, const char *p)
{
	while (*p) {
		const char *q = skip_blanks_and_comments(p);
		if (q != p) {
			p = q;
		} else if (*p == '\'') {
			/* a character constant */
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
			w->brk = 1;
		} else if (*p == '"') {
			struct buf lit = BUF_INIT;
			while (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1])
						p++;
					buf_addch(&lit, *p);
				}
				if (*p)
					p++;
				p = skip_blanks_and_comments(p);
			}
			if (strchr(lit.data, '\'')) {
				w->brk = 1;
				sql_words(w, lit.data);
				w->brk = 1;
			} else {
				word_add(w, lit.data, lit.len);
			}
			buf_release(&lit);
		} else {
			if (*p != ',')
				w->brk = 1;
			p++;
		}
	}
}

static void quoted_words(struct buf *words_out, const char *text, int c)
{
	struct words w = { .out = words_out, .brk = 0 };
	if (c)
		c_words(&w, text);
	else
		sql_words(&w, text);
}

/* Does text hold a list of one of the sets: three or more of its values
 * (all of them, for a set of fewer) as quoted words one after the other?
 * The first such list into found, after what. */
static int holds_list(struct buf *found, const struct sets *s, const char *text, int c, const char *what)
{
	struct buf words = BUF_INIT;
	int hits = 0;

	quoted_words(&words, text, c);
	for (size_t k = 0; k < s->nr; k++) {
		int need = crm_res_rows(s->values[k]) < 3 ? crm_res_rows(s->values[k]) : 3, hit = 0;
		unsigned long seen = 0;
		int distinct = 0;
		const char *run = words.data;
		for (const char *w = words.data; *w && !hit;) {
			size_t len = strcspn(w, "\n");
			int i = in_set(s->values[k], w, len);
			if (!i) {
				seen = 0;
				distinct = 0;
				run = w + len + 1;
			} else if (!(seen & (1UL << (i - 1)))) {
				seen |= 1UL << (i - 1);
				if (++distinct >= need) {
					buf_addf(found, "%s: the values of %s:", what, s->name[k]);
					for (const char *r = run; r < w + len; r += strcspn(r, "\n") + 1)
						buf_addf(found, " '%.*s'", (int)strcspn(r, "\n"), r);
					buf_addch(found, '\n');
					hit = 1;
				}
			}
			w += len + (w[len] == '\n');
		}
		hits += hit;
	}
	buf_release(&words);
	return hits > 0;
}

/* The generator simulates each status with weights and steps of its own: its
 * names sit beside that behaviour (and are held to the database's sets by
 * tests/gen/test_gen, whose rows pass the CHECKs). They are the only lists
 * of these values the C may keep. */
static const char *const may_list[] = { "gen/customers.c", "gen/leads.c", "gen/plan.c" };

static void scan_dir(struct buf *found, const struct sets *s, const char *path_of_dir)
{
	DIR *d = opendir(path_of_dir);
	struct dirent *de;

	cr_assert(d, "cannot read %s", path_of_dir);
	while ((de = readdir(d))) {
		char *path =
			!strcmp(path_of_dir, ".") ? xstrdup(de->d_name) : xstrfmt("%s/%s", path_of_dir, de->d_name);
		const char *dot = strrchr(de->d_name, '.');
		struct stat st;
		int allowed = 0;

		for (size_t i = 0; i < sizeof(may_list) / sizeof(*may_list); i++)
			allowed |= !strcmp(path, may_list[i]);
		if (de->d_name[0] == '.' || stat(path, &st) || allowed) {
			free(path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(path, "tests") && strcmp(path, "build") && strcmp(path, "var") &&
			    strcmp(path, "out") && strcmp(path, "sql"))
				scan_dir(found, s, path);
		} else if (dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h"))) {
			char *src = test_slurp(path);
			holds_list(found, s, src, 1, path);
			free(src);
		}
		free(path);
	}
	closedir(d);
}

Test(value_sets, the_scanner_sees_a_list_in_c_and_in_sql)
{
	static const char *const bad[] = {
		"static const char *const s[] = { \"potential\", \"active\", \"inactive\", NULL };",
		"x = \"s.status IN ('new', 'assigned',\"\n\t\" 'processing')\";",
		"x = { \"admin\", /* why */ \"customer_admin\",\n \"sales_manager\" };",
		"x = { \"男\", \"女\" \"\" , \"M\" };",
		"x = \"ARRAY['open', 'won',\" /* why */ \" 'lost']\";",
	};
	static const char *const good[] = {
		"/* \"potential\", \"active\", \"inactive\" */ x = 1;",
		"x = { \"won\", \"won 赢单\" }, { \"lost\", \"lost 丢单\" }, { \"abandoned\", \"x\" };",
		"x = \"s.role IN ('salesperson', 'sales_manager')\";",
		"x = { \"new\", \"x\", \"assigned\", \"y\", \"processing\" };",
		"w(\"admin\"); w(i ? \"sales_manager\" : \"salesperson\");",
		"x = \"count(*) FILTER (WHERE status = 'won'), count(*) FILTER (WHERE status = 'lost'), 'abandoned'\";",
	};
	struct sets s;
	struct buf found = BUF_INIT;

	load_sets(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect(holds_list(&found, &s, bad[i], 1, "bad"), "not seen: %s", bad[i]);
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		cr_expect(!holds_list(&found, &s, good[i], 1, "good"), "seen: %s", good[i]);
	cr_expect(holds_list(&found, &s, "SELECT x IN ('planned', 'done', 'cancelled') -- 'open'", 0, "sql"));
	cr_expect(!holds_list(&found, &s, "SELECT 'it''s', 'planned' -- 'done', 'cancelled'", 0, "sql"));
	buf_release(&found);
}

Test(value_sets, no_c_file_keeps_a_list_of_a_status_or_of_the_roles)
{
	struct sets s;
	struct buf found = BUF_INIT;

	load_sets(&s);
	scan_dir(&found, &s, ".");
	cr_expect_eq(found.len, 0, "the database's sets (sql/020), copied into C:\n%s", found.data);
	buf_release(&found);
}

/* The set functions of sql/019 and sql/020: the one place each set is
 * written. */
#define SET_FUNCTIONS                                                                                                  \
	"('channels', 'customer_statuses', 'genders', 'lead_statuses', 'intent_statuses', 'opportunity_statuses', "    \
	"'activity_statuses', 'complaint_statuses', 'role_rights')"

Test(value_sets, the_migrated_database_writes_each_set_once)
{
	struct sets s;
	struct buf found = BUF_INIT;
	struct crm_res *res = NULL;
	char *roles = NULL;

	load_sets(&s);
	/* every function of the schema, CHECK and policy, as the database has it */
	assert_ok(crm_db_query(&res, db,
			       "SELECT 'function crm.' || proname, prosrc FROM pg_proc WHERE pronamespace = "
			       "'crm'::regnamespace AND proname NOT IN " SET_FUNCTIONS " UNION ALL "
			       "SELECT 'constraint ' || conname, pg_get_constraintdef(oid) FROM pg_constraint "
			       "WHERE connamespace = 'crm'::regnamespace AND contype = 'c' UNION ALL "
			       "SELECT 'policy ' || polname, coalesce(pg_get_expr(polqual, polrelid), '') || ' ' || "
			       "coalesce(pg_get_expr(polwithcheck, polrelid), '') FROM pg_policy",
			       0, NULL, &err),
		  &err);
	for (int i = 0; i < crm_res_rows(res); i++)
		holds_list(&found, &s, crm_res_get(res, i, 1), 0, crm_res_get(res, i, 0));
	cr_expect_eq(found.len, 0, "a set written again beside its function:\n%s", found.data);
	/* and a role is named by crm.role_rights alone: what a role may do is
	 * one of its rights, never a test of its name */
	buf_reset(&found);
	for (int i = 0; i < crm_res_rows(res); i++) {
		const char *text = crm_res_get(res, i, 1);
		const struct crm_res *r = NULL;
		for (size_t k = 0; k < s.nr; k++)
			if (!strcmp(s.name[k], "crm.roles"))
				r = s.values[k];
		cr_assert(r);
		for (int j = 0; j < crm_res_rows(r); j++) {
			char *quoted = xstrfmt("'%s'", crm_res_get(r, j, 0));
			if (strstr(text, quoted))
				buf_addf(&found, "%s names %s\n", crm_res_get(res, i, 0), quoted);
			free(quoted);
		}
	}
	cr_expect_eq(found.len, 0, "roles named outside crm.role_rights:\n%s", found.data);
	crm_res_free(res);
	/* the roles are those of the rights, in their order */
	assert_ok(crm_db_value(&roles, db, "SELECT array_to_string(crm.roles(), ',')", 0, NULL, &err), &err);
	cr_expect_str_eq(roles, "admin,customer_admin,sales_manager,salesperson,marketer,service_supervisor,executive");
	free(roles);
	buf_release(&found);
}

/* Every enumeration of the entities is the CHECK of its column: the CHECK
 * asks the column's set. */
Test(value_sets, every_enumeration_of_the_entities_is_its_columns_check)
{
	int seen = 0;
	for (size_t i = 0; i < crm_nentities; i++) {
		const struct crm_entity *e = crm_entities[i];
		for (size_t j = 0; j < e->ncolumns; j++) {
			const struct crm_column *col = &e->columns[j];
			char *want, *n = NULL;
			const char *params[2];
			if (col->type != CRM_ENUM)
				continue;
			want = xstrfmt("CHECK ((%s = ANY (%s())))", col->sql, col->set);
			params[0] = e->table;
			params[1] = want;
			assert_ok(crm_db_value(&n, db,
					       "SELECT count(*) FROM pg_constraint WHERE conrelid = $1::regclass AND "
					       "contype = 'c' AND pg_get_constraintdef(oid) = $2",
					       2, params, &err),
				  &err);
			cr_expect_str_eq(n, "1", "%s: no %s", e->table, want);
			seen++;
			free(n);
			free(want);
		}
	}
	/* customer status, genders twice, lead, intent, opportunity, activity and complaint status, roles */
	cr_expect_geq(seen, 9, "only %d enumerations", seen);
}

/* Import csv as entity (the file named after it): taken, or refused with
 * the message refusal. */
static void import_csv(const char *entity, const char *csv, const char *refusal)
{
	char *path = xstrfmt("%s/%s.csv", dir, entity);
	int rc;

	test_write_file(path, csv);
	rc = crmgate("import %s '%s'", entity, path);
	cr_expect_eq(rc, refusal ? 2 : 0, "%s: exited %d: %s", csv, rc, errout.data);
	if (refusal)
		cr_expect(strstr(errout.data, refusal), "not '%s': %s", refusal, errout.data);
	free(path);
}

/* A set changed in the database alone: the import and the filter take the
 * new value and list it, without a rebuild. */
Test(value_sets, a_value_added_in_the_database_alone_is_taken_and_listed)
{
	int rc;

	test_sql(ci, "CREATE OR REPLACE FUNCTION crm.customer_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE "
		     "PARALLEL SAFE AS $$ SELECT ARRAY['potential', 'active', 'inactive', 'dormant'] $$");
	import_csv("customer", "code,name,status\nK1,甲,dormant\nK2,乙,active\n", NULL);
	import_csv("customer", "code,name,status\nK3,丙,active\nK4,丁,gone\n",
		   "customer.csv:3: column 'status': 'gone' is not one of potential, active, inactive, dormant");

	rc = crmgate("export customer --where \"status = 'dormant'\"");
	cr_expect_eq(rc, 0, "%s", errout.data);
	cr_expect(strstr(out.data, "K1,甲"), "%s", out.data);
	cr_expect(!strstr(out.data, "K2"), "%s", out.data);
	rc = crmgate("export customer --where \"status = 'gone'\"");
	cr_expect_eq(rc, 2);
	cr_expect(strstr(errout.data, "'gone' is not a value of 'status': use one of potential, active, inactive, "
				      "dormant"),
		  "%s", errout.data);
}

/* A role, with what it may do, is one row of crm.role_rights: the import
 * takes it, lists it, and asks its rights. */
Test(value_sets, a_role_added_in_the_database_alone_is_taken_with_its_rights)
{
	test_sql(ci,
		 "CREATE OR REPLACE FUNCTION crm.role_rights() RETURNS TABLE (role text, rights text[]) "
		 "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ VALUES ('admin', ARRAY['sees_all']), "
		 "('salesperson', ARRAY['needs_salesperson']), ('auditor', ARRAY['sees_all', 'needs_salesperson']) $$;"
		 "INSERT INTO crm.salesperson (code, name) VALUES ('S1', '甲')");
	import_csv("user", "login,role,salesperson_code\nu1,admin,\nu2,auditor,\n",
		   "user.csv:3: column 'salesperson_code': a user with role 'auditor' needs a salesperson_code");
	import_csv("user", "login,role,salesperson_code\nu1,admin,\nu2,executive,\n",
		   "user.csv:3: column 'role': 'executive' is not one of admin, salesperson, auditor");
	import_csv("user", "login,role,salesperson_code\nu1,admin,\nu2,auditor,S1\n", NULL);
}
