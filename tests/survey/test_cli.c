/* tests/survey/test_cli.c - crmgate survey template as a marketer uses it,
 * the real binary on the test PostgreSQL: add, list, show, add again
 * refused, --replace, delete asks (--yes), a bad file refused with every
 * FILE:LINE and nothing stored, and who may change templates. */
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "example.h"

TestSuite(survey_cli, .init = test_fixture_init, .fini = test_fixture_fini);

static char *file(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", dir, name);
	test_write_file(path, text);
	return path;
}

/* One number from the database. */
static long count(const char *sql)
{
	struct err err = ERR_INIT;
	struct crm_db *conn;
	char *v = NULL;
	long n;

	assert_ok(crm_db_connect(&conn, db, &err), &err);
	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	n = v ? strtol(v, NULL, 10) : -1;
	free(v);
	crm_db_free(conn);
	return n;
}

Test(survey_cli, add_list_show_replace_delete)
{
	char *sat = file("sat.txt", example);
	char *short_ = file("short.txt", "# 回访\r\n1. 还满意吗？ [rating 10]\r\n2. 建议 [text]\r\n");

	cr_assert_eq(crmgate("survey template add 满意度 '%s'", sat), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "stored survey template '满意度': 5 questions"), "%s", errout.data);
	/* the questionnaire is in rows the answers will name */
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 5);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_option WHERE other"), 1);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_option"), 6);
	cr_expect_eq(count("SELECT max_choices FROM crm.survey_question WHERE number = 2"), 2);
	cr_expect_eq(count("SELECT hi FROM crm.survey_question WHERE type = 'number'"), 100000);
	cr_expect_eq(
		count("SELECT count(*) FROM crm.survey_template WHERE source = "
		      "'# 客户满意度调查' || chr(10) || '感谢您抽出时间参加本次调查。' || chr(10) || "
		      "'1. 您对我们的产品满意吗？ [single, required]' || chr(10) || '   A. 非常满意' || chr(10) || "
		      "'   B. 满意' || chr(10) || '   C. 不满意' || chr(10) || "
		      "'2. 您使用了哪些产品？ [multi, max 2]' || chr(10) || '   A. 软件' || chr(10) || "
		      "'   B. 硬件' || chr(10) || '   C. 其他 [other]' || chr(10) || "
		      "'3. 请为我们的服务打分 [rating 1-5, required]' || chr(10) || "
		      "'4. 您每年的采购预算（万元） [number 0-100000]' || chr(10) || "
		      "'5. 您还有什么建议？ [text]' || chr(10)"),
		1, "the file is kept as given");

	cr_assert_eq(crmgate("--format csv survey template list"), 0, "%s", errout.data);
	cr_expect(!strncmp(out.data, "name,title,questions,created,created_by\r\n满意度,客户满意度调查,5,", 58), "%s",
		  out.data);
	cr_assert_eq(crmgate("survey template show 满意度"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, example_zh);
	cr_assert_eq(crmgate("survey template show 满意度 --lang en"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\n1. 您对我们的产品满意吗？ [single, required]\n"), "%s", out.data);
	cr_expect_eq(crmgate("survey template show 满意度 --lang fr"), 2);
	cr_expect_eq(crmgate("survey template show 没有"), 2);
	cr_expect(strstr(errout.data, "no survey template named '没有' is stored"), "%s", errout.data);

	/* add again: refused, unchanged */
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", short_), 2, "%s", errout.data);
	cr_expect(strstr(errout.data, "a survey template named '满意度' is stored already"), "%s", errout.data);
	cr_expect(strstr(errout.data, "--replace"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 5);

	/* --replace: the new questionnaire, the old rows gone */
	cr_assert_eq(crmgate("survey template add 满意度 '%s' --replace", short_), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_template"), 1);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 2);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_option"), 0);
	cr_assert_eq(crmgate("survey template show 满意度"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "# 回访\n\n1. 还满意吗？ 【评分 1-10】\n\n2. 建议 【填空】\n");
	/* --replace of a name not stored yet stores it */
	cr_assert_eq(crmgate("survey template add 第二 '%s' --replace", sat), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_template"), 2);

	/* delete asks: no terminal, no --yes, nothing deleted */
	cr_assert_eq(crmgate("survey template delete 满意度"), 2);
	cr_expect(strstr(errout.data, "pass --yes"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_template"), 2);
	cr_assert_eq(crmgate("survey template delete 满意度 --yes"), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_template"), 1);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 5, "its questions went with it");
	cr_assert_eq(crmgate("survey template delete 满意度 --yes"), 2);
	cr_expect(strstr(errout.data, "no survey template named '满意度' is stored"), "%s", errout.data);
	cr_assert_eq(crmgate("--format csv survey template list"), 0);
	cr_expect_null(strstr(out.data, "满意度,"), "%s", out.data);
	free(sat);
	free(short_);
}

Test(survey_cli, a_bad_file_is_refused_whole)
{
	char *bad = file("bad.txt", "# 调查\n"
				    "1. 满意吗 [single, required]\n"
				    "   A. 是\n"
				    "3. 打分 [rating 5-1]\n"
				    "4. 预算 [number, frob]\n");
	char *missing = xstrfmt("%s/nothing.txt", dir);

	cr_assert_eq(crmgate("survey template add 坏 '%s'", bad), 2, "%s", errout.data);
	{
		char *want = xstrfmt("crmgate: %s:2: question 1 has one option: a choice needs two or more\n"
				     "%s:4: question 3 where 2 was expected (1, 2, 3… in order)\n"
				     "%s:4: rating 5-1: ",
				     bad, bad, bad);
		cr_expect(!strncmp(errout.data, want, strlen(want)), "wanted:\n%s\ngot:\n%s", want, errout.data);
		free(want);
		want = xstrfmt("\n%s:5: unknown attribute 'frob'", bad);
		cr_expect(strstr(errout.data, want), "%s", errout.data);
		free(want);
	}
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_template"), 0, "nothing stored");
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 0);
	cr_assert_eq(crmgate("survey template check '%s'", bad), 2);
	cr_expect(strstr(errout.data, ":4: question 3 where 2 was expected"), "%s", errout.data);
	cr_assert_eq(crmgate("survey template add x '%s'", missing), 2);
	cr_expect(strstr(errout.data, "could not open"), "%s", errout.data);
	cr_assert_eq(crmgate("survey template add"), 2);
	cr_assert_eq(crmgate("survey templat list"), 2);
	cr_expect(strstr(errout.data, "did you mean 'template'"), "%s", errout.data);
	cr_assert_eq(crmgate("survey template lst"), 2);
	cr_expect(strstr(errout.data, "did you mean 'list'"), "%s", errout.data);
	free(bad);
	free(missing);
}

Test(survey_cli, check_says_what_it_read)
{
	char *sat = file("sat.txt", example);
	cr_assert_eq(crmgate("survey template check '%s'", sat), 0, "%s", errout.data);
	cr_expect(strstr(out.data, ": ok: 5 questions, 6 options\n"), "%s", out.data);
	free(sat);
}

/* Templates are reference data: read by all, changed by those who keep it. */
Test(survey_cli, only_keepers_change_templates)
{
	char *sat = file("sat.txt", example);

	import("salesperson", "code,name\nS1,王伟\n");
	import("user", "login,name,role,salesperson_code,password\n"
		       "wang,王伟,salesperson,S1,Secret-1234\nli,李四,marketer,,Secret-1234\n");
	cr_assert_eq(crmgate("--as wang survey template add 满意度 '%s'", sat), 1);
	cr_expect(strstr(errout.data, "only admins, customer admins, sales managers and marketers may store survey "
				      "templates"),
		  "%s", errout.data);
	cr_assert_eq(crmgate("--as li survey template add 满意度 '%s'", sat), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--as wang survey template show 满意度"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--as wang survey template add 满意度 '%s' --replace", sat), 1);
	cr_expect(strstr(errout.data, "may replace survey templates"), "%s", errout.data);
	cr_assert_eq(crmgate("--as wang survey template delete 满意度 --yes"), 1);
	cr_expect(strstr(errout.data, "may delete survey templates"), "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_question"), 5);
	free(sat);
}
