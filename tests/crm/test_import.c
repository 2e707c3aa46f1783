/* tests/crm/test_import.c - the CSV contract end to end: import, export,
 * round trips, and loud all-or-nothing failures, through the real binary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/csv.h"
#include "common/xalloc.h"

TestSuite(import, .init = test_fixture_init, .fini = test_fixture_fini);

/* Write a fixture into the test's folder; returns its path (static buffer). */
static const char *fixture(const char *name, const char *content)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	test_write_file(path, content);
	return path;
}

/* this file's import runs the binary on a file of its own, and says how it went */
#undef import
static int import(const char *entity, const char *name, const char *content)
{
	char *args = xstrfmt("import %s '%s'", entity, fixture(name, content));
	int rc = crmgate("%s", args);
	free(args);
	return rc;
}

static const char departments[] = "code,name,parent_code\r\nD1,总公司,\r\nD2,销售一部,D1\r\n";
static const char salespeople[] = "code,name,department_code,email,mobile\r\n"
				  "S1,王伟,D2,wang@example.test,13800000001\r\n"
				  "S2,李娜,D2,li@example.test,\r\n";
static const char regions[] = "code,name,parent_code\r\nEC,华东,\r\nSH,上海,EC\r\n";
/* every kind of value the contract has: quotes, commas, a line break, Chinese */
static const char customers[] =
	"code,name,short_name,category_code,region_code,industry,status,owner_code,address,postcode,phone,email,"
	"created_on\r\n"
	"C1,上海华东机械有限公司,华东机械,,SH,制造,active,S1,\"上海市浦东新区, 张江路 1 号\r\n3 楼\",200120,"
	"021-5555,info@hd.example.test,2024-03-01\r\n"
	"C2,\"Say \"\"Hi\"\" Ltd\",,,EC,零售,potential,S2,,,,,2025-01-15\r\n";
/* a contact reports to one that comes later in the file */
static const char contacts[] =
	"code,customer_code,name,gender,title,department,reports_to_code,birthday,mobile,phone,email,address,"
	"postcode,email_opt_out,sms_opt_out,mail_opt_out\r\n"
	"K1,C1,张三,男,采购经理,采购部,K2,1985-02-28,13900000001,,zhang@hd.example.test,,,false,false,false\r\n"
	"K2,C1,赵总,女,总经理,,,1970-12-31,,,,,,true,false,false\r\n"
	"K3,C2,Bob,M,,,,2000-02-29,,,,,,false,true,false\r\n";

static void load_basics(void)
{
	cr_assert_eq(import("department", "d.csv", departments), 0, "%s", errout.data);
	cr_assert_eq(import("salesperson", "s.csv", salespeople), 0, "%s", errout.data);
	cr_assert_eq(import("region", "r.csv", regions), 0, "%s", errout.data);
	cr_assert_eq(import("customer", "c.csv", customers), 0, "%s", errout.data);
	cr_assert_eq(import("contact", "k.csv", contacts), 0, "%s", errout.data);
}

Test(import, export_gives_back_the_file)
{
	load_basics();
	cr_assert_eq(crmgate("export customer"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, customers);
	cr_assert_eq(crmgate("export contact"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, contacts);
	cr_assert_eq(crmgate("export salesperson"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, salespeople);
}

Test(import, export_reset_import_export_round_trips)
{
	static const char *const order[] = { "department", "salesperson", "region", "customer", "contact" };
	struct buf first[5];

	load_basics();
	for (size_t i = 0; i < 5; i++) {
		char *args = xstrfmt("export %s", order[i]);
		buf_init(&first[i]);
		cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
		buf_add(&first[i], out.data, out.len);
		fixture(order[i], out.data);
		free(args);
	}
	cr_assert_eq(crmgate("db reset --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("targets customer --count"), 0);
	cr_assert_str_eq(out.data, "0\n");
	for (size_t i = 0; i < 5; i++) {
		char *args = xstrfmt("import %s '%s/%s'", order[i], dir, order[i]);
		cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
		free(args);
		args = xstrfmt("export %s", order[i]);
		cr_assert_eq(crmgate("%s", args), 0);
		cr_assert_str_eq(out.data, first[i].data, "%s differs after the round trip", order[i]);
		free(args);
		buf_release(&first[i]);
	}
}

Test(import, every_bad_row_is_named_and_nothing_is_imported)
{
	load_basics();
	cr_assert_eq(import("customer", "bad.csv",
			    "code,name,owner_code,created_on,status,email\n"
			    "C10,好客户,S1,2024-01-01,active,ok@example.test\n"		  /* line 2: good */
			    "C11,坏日期,S1,2023-02-30,active,\n"			  /* 3: no such day */
			    "C12,无人,S99,2024-01-01,active,\n"				  /* 4: unknown salesperson */
			    "C10,重复,S1,2024-01-01,active,\n"				  /* 5: duplicate code */
			    "C13,,S1,2024-01-01,active,\n"				  /* 6: name missing */
			    "C14,状态,S1,2024-01-01,dormant,\n"				  /* 7: bad enum */
			    "C15,邮件,S1,2024-01-01,active,\"a@b.test\nBcc: x@y.test\"\n" /* 8-9: header injection */
			    "C16,\xff\xfe,S1,2024-01-01,active,\n"			  /* 10: bad UTF-8 */
			    "C17,少列,S1\n"						  /* 11: field count */
			    "C1,已有,S1,2024-01-01,active,\n"),				  /* 12: exists already */
		     2, "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:3: column 'created_on': '2023-02-30' is not a date"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:4: column 'owner_code': there is no salesperson 'S99'"), "%s",
		  errout.data);
	cr_assert(strstr(errout.data, "bad.csv:5: column 'code': 'C10' appears more than once"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:2: column 'code': 'C10' appears more than once"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:6: column 'name': a value is required"), "%s", errout.data);
	cr_assert(strstr(errout.data,
			 "bad.csv:7: column 'status': 'dormant' is not one of potential, active, inactive"),
		  "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:8: column 'email':"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:10: column 'name': not valid UTF-8"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:11: expected 6 fields as in the header, found 3"), "%s", errout.data);
	cr_assert(strstr(errout.data, "bad.csv:12: column 'code': customer 'C1' exists already"), "%s", errout.data);
	cr_assert(strstr(errout.data, "nothing was imported"), "%s", errout.data);
	cr_assert_eq(crmgate("targets customer --count"), 0);
	cr_assert_str_eq(out.data, "2\n", "the good row must not have been imported either");
}

Test(import, header_errors_name_the_column)
{
	load_basics();
	cr_assert_eq(import("customer", "h.csv", "code,name,colour\nC9,x,red\n"), 2);
	cr_assert(strstr(errout.data, "h.csv:1: column 'colour' is not a column of customer"), "%s", errout.data);
	cr_assert_eq(import("customer", "h2.csv", "code,owner_code\nC9,S1\n"), 2);
	cr_assert(strstr(errout.data, "h2.csv:1: column 'name' is required but missing"), "%s", errout.data);
	cr_assert_eq(import("customer", "h3.csv", ""), 2);
	cr_assert(strstr(errout.data, "h3.csv: is empty"), "%s", errout.data);
}

Test(import, reporting_cycles_are_refused)
{
	load_basics();
	cr_assert_eq(import("contact", "cycle.csv",
			    "code,customer_code,name,reports_to_code\n"
			    "K10,C1,甲,K11\n"
			    "K11,C1,乙,K12\n"
			    "K12,C1,丙,K10\n"
			    "K13,C1,丁,K13\n"),
		     2, "%s", errout.data);
	cr_assert(strstr(errout.data, "cycle.csv:2: column 'reports_to_code':"), "%s", errout.data);
	cr_assert(strstr(errout.data, "cycle.csv:5: column 'reports_to_code': a row cannot refer to itself"), "%s",
		  errout.data);
	/* in an edit, the rows already there take part: K1 reports to K2 */
	cr_assert_eq(crmgate("contact edit K2 reports_to_code=K1"), 2);
	cr_assert(strstr(errout.data, "edit: column 'reports_to_code': the chain of references leads back"), "%s",
		  errout.data);
	cr_assert_eq(import("contact", "other.csv", "code,customer_code,name,reports_to_code\nK20,C2,外人,K1\n"), 2);
	cr_assert(strstr(errout.data,
			 "other.csv:2: column 'reports_to_code': contact 'K1' belongs to another customer"),
		  "%s", errout.data);
	cr_assert_eq(crmgate("targets contact --count"), 0);
	cr_assert_str_eq(out.data, "3\n");
}

/* A cycle is named by the rows on it: not by a row whose line runs into it,
 * nor twice for a row that names itself; in an update the stored rows the
 * changed ones lead to take part, and only the changed rows are named. */
Test(import, a_cycle_is_named_by_its_rows_alone)
{
	load_basics();
	cr_assert_eq(import("contact", "loop.csv",
			    "code,customer_code,name,reports_to_code\n"
			    "K10,C1,甲,K11\n"  /* 2: on the loop */
			    "K14,C1,戊,K10\n"  /* 3: runs into it */
			    "K11,C1,乙,K12\n"  /* 4: on it */
			    "K15,C1,己,K14\n"  /* 5: runs into it */
			    "K12,C1,丙,K10\n"  /* 6: on it */
			    "K13,C1,丁,K13\n"  /* 7: names itself */
			    "K16,C1,庚,K1\n"), /* 8: a stored contact */
		     2, "%s", errout.data);
	cr_assert(strstr(errout.data, "loop.csv: 4 problems: nothing was imported"), "%s", errout.data);
	for (int line = 2; line <= 6; line += 2) {
		char *want = xstrfmt("loop.csv:%d: column 'reports_to_code': the chain of references leads back", line);
		cr_assert(strstr(errout.data, want), "%s", errout.data);
		free(want);
	}
	cr_assert(strstr(errout.data, "loop.csv:7: column 'reports_to_code': a row cannot refer to itself"), "%s",
		  errout.data);
	/* stored: K30 -> K31 -> K32 -> K33 */
	cr_assert_eq(import("contact", "line.csv",
			    "code,customer_code,name,reports_to_code\n"
			    "K30,C1,a,K31\nK31,C1,b,K32\nK32,C1,c,K33\nK33,C1,d,\n"),
		     0, "%s", errout.data);
	{
		char *args = xstrfmt("import --update contact '%s'",
				     fixture("close.csv", "code,name,reports_to_code\nK2,x,\nK33,d,K30\n"));
		cr_assert_eq(crmgate("%s", args), 2, "%s", errout.data);
		cr_assert(strstr(errout.data, "close.csv: 1 problem: nothing was imported"), "%s", errout.data);
		cr_assert(strstr(errout.data,
				 "close.csv:3: column 'reports_to_code': the chain of references leads back"),
			  "%s", errout.data);
		free(args);
	}
	cr_assert_eq(crmgate("contact edit K31 reports_to_code=K33"), 0, "a shorter line is no loop: %s", errout.data);
	cr_assert_eq(crmgate("contact edit K33 reports_to_code=K31"), 2);
	cr_assert(strstr(errout.data, "edit: column 'reports_to_code': the chain of references leads back"), "%s",
		  errout.data);
}

enum shape { FLAT, CHAIN, CYCLE };

/* n contacts <prefix>0, <prefix>1...: new ones of customer C1 (insert) or
 * stored ones to change, each reporting to the next (CHAIN), the last to the
 * first too (CYCLE), or to nobody (FLAT). */
static char *chain_csv(const char *prefix, long n, enum shape shape, int insert)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, insert ? "code,customer_code,name,reports_to_code\n" : "code,reports_to_code\n");
	for (long i = 0; i < n; i++) {
		buf_addf(&b, "%s%ld,", prefix, i);
		if (insert)
			buf_addf(&b, "C1,n%ld,", i);
		if (shape != FLAT && i + 1 < n)
			buf_addf(&b, "%s%ld\n", prefix, i + 1);
		else if (shape == CYCLE)
			buf_addf(&b, "%s0\n", prefix);
		else
			buf_adds(&b, "\n");
	}
	return buf_detach(&b, NULL);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One import of content (freed); its exit status must be want, and it must
 * end within limit seconds (it is killed then). Says how long it took; its
 * standard error is in errout. */
static void timed_import(const char *what, const char *name, char *content, int update, int want, int limit)
{
	char *errfile = xstrfmt("%s/timed.err", dir), *text;
	struct timespec t0;
	double took;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = test_sh("timeout -s KILL %d \"$CRMGATE_BIN\" -q --db '%s' import %scontact '%s' 2>'%s'", limit, db,
		     update ? "--update " : "", fixture(name, content), errfile);
	took = seconds_since(&t0);
	text = test_slurp(errfile);
	buf_reset(&errout);
	buf_adds(&errout, text);
	fprintf(stderr, "reporting lines: %s: %.2f s\n", what, took);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) != 137, "%s: killed after %d s: a linear walk needs seconds", what,
		  limit);
	cr_assert_eq(WEXITSTATUS(rc), want, "%s: %s", what, errout.data);
	free(text);
	free(errfile);
	free(content);
}

/* Reporting lines are walked in linear time: a chain of n rows once cost n
 * walks of up to n steps, each copying its path (3,000 rows: 383 s and a
 * full disk). Chains and cycles of 100,000 contacts, by import and by
 * --update, each well within a minute here; a quadratic walk needs hours. */
Test(import, reporting_lines_of_100000_are_walked_in_linear_time, .timeout = 900)
{
	const long n = 100000;
	const int limit = 60;
	char *want;

	load_basics();
	timed_import("100,000 contacts, no lines", "flat.csv", chain_csv("F", n, FLAT, 1), 0, 0, limit);
	/* the flat file's rows chained, then closed into a cycle by the last row
	 * alone: that walk goes through every stored row */
	timed_import("--update: a chain of 100,000", "chain.csv", chain_csv("F", n, CHAIN, 0), 1, 0, limit);
	timed_import("--update: one row closes a cycle of 100,000", "close.csv",
		     xstrfmt("code,reports_to_code\nF%ld,F0\n", n - 1), 1, 2, limit);
	cr_assert(strstr(errout.data, "close.csv: 1 problem"), "%s", errout.data);
	cr_assert(strstr(errout.data, "close.csv:2: column 'reports_to_code': the chain of references leads back"),
		  "%s", errout.data);
	timed_import("--update: a cycle of 100,000", "cycle.csv", chain_csv("F", n, CYCLE, 0), 1, 2, limit);
	want = xstrfmt("cycle.csv: %ld problems: nothing was imported", n);
	cr_assert(strstr(errout.data, want), "%s", errout.data);
	free(want);
	cr_assert(strstr(errout.data, "cycle.csv:2: column 'reports_to_code': the chain"), "%s", errout.data);
	/* new rows: a chain and a cycle within the file */
	timed_import("import: a chain of 100,000", "ichain.csv", chain_csv("N", n, CHAIN, 1), 0, 0, limit);
	timed_import("import: a cycle of 100,000", "icycle.csv", chain_csv("M", n, CYCLE, 1), 0, 2, limit);
	want = xstrfmt("icycle.csv: %ld problems: nothing was imported", n);
	cr_assert(strstr(errout.data, want), "%s", errout.data);
	free(want);
	cr_assert_eq(crmgate("targets contact --count"), 0);
	cr_assert_str_eq(out.data, "200003\n", "the flat contacts, the chain and those of load_basics");
}

/* Characters XML forbids (a Word document could not hold them) and control
 * characters other than tab and line breaks are refused in every column, by
 * import and by add and edit, each named with its code point; tabs and line
 * breaks stay where a column takes several lines. */
Test(import, forbidden_characters_are_refused_with_their_code_point)
{
	load_basics();
	cr_assert_eq(import("contact", "chars.csv",
			    "code,customer_code,name,title,address,reports_to_code\n"
			    "K20,C1,bad\xef\xbf\xbename,,,\n" /* 2: U+FFFE */
			    "K21,C1,ok,\xef\xbf\xbf,,K20\n"   /* 3: U+FFFF */
			    "K22,C1,red,,\"\x1b[31m路\",\n"   /* 4: ESC in a multi-line column */
			    "K23,C1,\xc2\x9b"
			    "csi,,,\n"					     /* 5: U+009B, a C1 control */
			    "K24,C1,del\x7f,,,\n"			     /* 6: DEL */
			    "K25,C1,fine,,\"two\r\nlines\tand a tab\",K21\n" /* 7-8: allowed */
			    "K26,C1,bell,,\"\a\",\n"),			     /* 9: BEL */
		     2, "%s", errout.data);
	cr_assert(strstr(errout.data, "chars.csv: 6 problems: nothing was imported"), "%s", errout.data);
	cr_assert(strstr(errout.data,
			 "chars.csv:2: column 'name': holds U+FFFE, which XML and so a Word document cannot hold"),
		  "%s", errout.data);
	cr_assert(strstr(errout.data, "chars.csv:3: column 'title': holds U+FFFF, which XML"), "%s", errout.data);
	cr_assert(strstr(errout.data, "chars.csv:4: column 'address': holds the control character U+001B"), "%s",
		  errout.data);
	cr_assert(strstr(errout.data, "chars.csv:5: column 'name': holds the control character U+009B"), "%s",
		  errout.data);
	cr_assert(strstr(errout.data, "chars.csv:6: column 'name': holds the control character U+007F"), "%s",
		  errout.data);
	cr_assert(strstr(errout.data, "chars.csv:9: column 'address': holds the control character U+0007"), "%s",
		  errout.data);
	/* a refused row is still there for the others to refer to: no "there is no contact 'K20'" */
	cr_assert_null(strstr(errout.data, "there is no contact"), "%s", errout.data);
	cr_assert_eq(crmgate("contact add code=K30 customer_code=C1 name=a\xef\xbf\xbe"), 2);
	cr_assert(strstr(errout.data, "add: column 'name': holds U+FFFE"), "%s", errout.data);
	cr_assert_eq(crmgate("contact edit K1 'address=x\x1b]0;t\a'"), 2);
	cr_assert(strstr(errout.data, "edit: column 'address': holds the control character U+001B"), "%s", errout.data);
	cr_assert_eq(crmgate("contact edit K1 'title=a\tb'"), 2, "a one-line column takes no tab");
	cr_assert(strstr(errout.data, "edit: column 'title': 'a\\tb' holds a line break or tab"), "%s", errout.data);
	cr_assert_eq(crmgate("contact edit K1 'address=a\tb'"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("targets contact --count"), 0);
	cr_assert_str_eq(out.data, "3\n");
}

/* A value quoted in an error is shown escaped: a file cannot steer the
 * terminal of whoever imports it. */
Test(import, values_in_messages_are_shown_escaped)
{
	load_basics();
	cr_assert_eq(import("customer", "esc.csv",
			    "code,name,created_on,status\n"
			    "C30,x,\x1b]2;owned\a2025-01-01,active\n"
			    "C31,y,2025-01-01,\x1b[2Jdormant\n"),
		     2);
	cr_assert_null(memchr(errout.data, 0x1b, errout.len), "%s", errout.data);
	cr_assert_null(memchr(errout.data, 0x07, errout.len), "%s", errout.data);
	cr_assert(strstr(errout.data, "esc.csv:2: column 'created_on': '\\x1b]2;owned\\x072025-01-01' is not a date"),
		  "%s", errout.data);
	cr_assert(strstr(errout.data, "esc.csv:3: column 'status': '\\x1b[2Jdormant' is not one of"), "%s",
		  errout.data);
}

/* A record that never ends (no line end, an unclosed quote, /dev/zero) stops
 * the import at 1 MiB with its line, in a moment and in little memory. */
Test(import, a_record_without_end_stops_the_import)
{
	struct buf big = BUF_INIT;
	char *path;
	int rc;

	load_basics();
	rc = test_sh("timeout 20 \"$CRMGATE_BIN\" -q --db '%s' import customer /dev/zero"
		     " 2>'%s/zero.err'",
		     db, dir);
	path = xstrfmt("%s/zero.err", dir);
	{
		char *err_text = test_slurp(path);
		cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2, "status %d: %s", rc, err_text);
		cr_assert(strstr(err_text, "/dev/zero: the header row is longer than any CSV header"), "%s", err_text);
		free(err_text);
	}
	buf_adds(&big, "code,name\nC40,ok\nC41,\"");
	for (size_t i = 0; i <= CSV_RECORD_MAX; i += 8)
		buf_adds(&big, "abcdefgh");
	cr_assert_eq(import("customer", "open.csv", big.data), 2);
	cr_assert(strstr(errout.data, "open.csv:3: the record is longer than 1 MiB: a closing quote or a line end is"
				      " missing (a quoted field starts in it)"),
		  "%s", errout.data);
	/* just under the limit is a record like any other */
	buf_reset(&big);
	buf_adds(&big, "code,name,address\nC42,ok,\"");
	while (big.len < CSV_RECORD_MAX - 64)
		buf_adds(&big, "上海市浦东新区张江路");
	buf_adds(&big, "\"\n");
	cr_assert_eq(import("customer", "long.csv", big.data), 0, "%s", errout.data);
	buf_release(&big);
	free(path);
}

Test(import, update_changes_only_the_given_columns)
{
	load_basics();
	{
		char *args = xstrfmt("import --update customer '%s'", fixture("nokey.csv", "status\ninactive\n"));
		cr_assert_eq(crmgate("%s", args), 2, "an update without the key column is refused");
		cr_assert(strstr(errout.data, "nokey.csv:1: column 'code' is required but missing"), "%s", errout.data);
		free(args);
	}
	cr_assert_eq(import("customer", "u.csv", "code,status\nC1,inactive\n"), 2, "without --update it exists");
	{
		char *args = xstrfmt("import --update customer '%s'", fixture("u2.csv", "code,status\nC1,inactive\n"));
		cr_assert_eq(crmgate("%s", args), 0, "%s", errout.data);
		free(args);
	}
	cr_assert_eq(crmgate("--format csv customer show C1"), 0, "%s", errout.data);
	cr_assert(strstr(out.data, ",inactive,"), "%s", out.data);
	cr_assert(strstr(out.data, "上海华东机械有限公司"), "the name must be unchanged: %s", out.data);
}

Test(import, add_edit_delete_on_the_command_line)
{
	load_basics();
	cr_assert_eq(crmgate("customer add code=C5 name=新客户 owner_code=S2 created_on=2025-06-01"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("customer add code=C6 name=坏 created_on=2025-13-01"), 2);
	cr_assert(strstr(errout.data, "add: column 'created_on': '2025-13-01' is not a date"), "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C5 region_code=NOPE"), 2);
	cr_assert(strstr(errout.data, "edit: column 'region_code': there is no region 'NOPE'"), "%s", errout.data);
	cr_assert_eq(crmgate("customer edit C5 region_code=SH"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json customer show C5"), 0);
	cr_assert(strstr(out.data, "\"region_code\": \"SH\""), "%s", out.data);
	cr_assert_eq(crmgate("customer delete C1"), 2, "C1 still has contacts");
	cr_assert_eq(crmgate("customer delete C5"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("customer show C5"), 2);
	cr_assert(strstr(errout.data, "there is no customer 'C5'"), "%s", errout.data);
}

Test(import, sales_stages_create_their_mode)
{
	cr_assert_eq(import("sales-stage", "st.csv",
			    "mode_code,mode_name,seq,name,probability\n"
			    "STD,标准流程,1,初步接洽,10\nSTD,标准流程,2,方案报价,50\nSTD,标准流程,3,赢单,100\n"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("sales-mode list"), 0);
	cr_assert(strstr(out.data, "标准流程"), "%s", out.data);
	cr_assert_eq(import("sales-stage", "st2.csv", "mode_code,mode_name,seq,name,probability\nX,x,1,a,140\n"), 2);
	cr_assert(strstr(errout.data, "st2.csv:2: column 'probability': '140' is not a probability"), "%s",
		  errout.data);
	cr_assert_eq(crmgate("--format csv sales-mode list"), 0);
	cr_assert_null(strstr(out.data, "\r\nX,"), "the failed import must not leave its mode behind: %s", out.data);
}
