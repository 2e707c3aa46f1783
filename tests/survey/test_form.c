/* tests/survey/test_form.c - the questionnaire as a web page and the
 * answers posted back (survey/form.c), as pure functions: the language an
 * Accept-Language header picks; a page that is well-formed, has one label
 * per input and the right input per type, escapes every value, keeps the
 * answers and shows each problem beside its question in the page's
 * language; a strict reading of posted forms; the other pages. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "survey/form.h"
#include "example.h"

static void load(struct survey_template *t, const char *text)
{
	struct err err = ERR_INIT;
	assert_ok(survey_template_parse(t, "t.txt", text, strlen(text), &err), &err);
	err_release(&err);
}

/* ------------------------------------------------------------ language */

static const struct {
	const char *header;
	enum survey_lang fallback, want;
} langs[] = {
	{ NULL, SURVEY_LANG_ZH, SURVEY_LANG_ZH },
	{ NULL, SURVEY_LANG_EN, SURVEY_LANG_EN },
	{ "", SURVEY_LANG_EN, SURVEY_LANG_EN },
	{ "zh-CN,zh;q=0.9,en;q=0.8", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ "en-US,en;q=0.9,zh-CN;q=0.8", SURVEY_LANG_ZH, SURVEY_LANG_EN },
	{ "en-US;q=0.5, zh-TW;q=0.7", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ "zh-Hant-HK", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ "ZH", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ "En-gb", SURVEY_LANG_ZH, SURVEY_LANG_EN },
	{ "fr-FR, de;q=0.8", SURVEY_LANG_ZH, SURVEY_LANG_ZH },
	{ "fr-FR, de;q=0.8", SURVEY_LANG_EN, SURVEY_LANG_EN },
	{ "*", SURVEY_LANG_ZH, SURVEY_LANG_ZH },
	{ "*, en;q=0.5", SURVEY_LANG_ZH, SURVEY_LANG_ZH },
	{ "zh;q=0, en;q=0.1", SURVEY_LANG_ZH, SURVEY_LANG_EN },
	{ "en;q=0", SURVEY_LANG_ZH, SURVEY_LANG_ZH },
	{ "en;q=0.000, zh;q=0.001", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ "en;q=0.5, zh;q=0.5", SURVEY_LANG_ZH, SURVEY_LANG_EN },
	{ "zh;q=0.5, en;q=0.5", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ "  en ; q=1.0 ,zh;q=0.9", SURVEY_LANG_ZH, SURVEY_LANG_EN },
	{ "zh;q=2, en;q=0.5", SURVEY_LANG_ZH, SURVEY_LANG_EN }, /* q=2 is no q-value */
	{ "zh;q=abc, en;q=0.5", SURVEY_LANG_ZH, SURVEY_LANG_EN },
	{ "zhx, eng", SURVEY_LANG_ZH, SURVEY_LANG_ZH }, /* neither is zh nor en */
	{ "english, zh-CN", SURVEY_LANG_EN, SURVEY_LANG_ZH },
	{ ",,, en", SURVEY_LANG_ZH, SURVEY_LANG_EN },
};

ParameterizedTestParameters(form, accept_language)
{
	TEST_CASE_INDICES(langs);
}

ParameterizedTest(size_t *i, form, accept_language)
{
	cr_expect_eq(survey_form_lang(langs[*i].header, langs[*i].fallback), langs[*i].want, "'%s' (fallback %s)",
		     langs[*i].header ? langs[*i].header : "(none)",
		     langs[*i].fallback == SURVEY_LANG_ZH ? "zh" : "en");
}

/* ----------------------------------------------------------------- page */

/* The page, parsed as XML (it must be well-formed); the caller frees it. */
static xmlDocPtr parse_page(const struct buf *page)
{
	xmlDocPtr doc = xmlReadMemory(page->data, (int)page->len, "page.html", "UTF-8",
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	cr_assert_not_null(doc, "the page is not well-formed:\n%s", page->data);
	return doc;
}

/* The number an XPath expression evaluates to on doc. */
static double xpath_number(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	double v;

	cr_assert_not_null(r, "%s", expr);
	v = xmlXPathCastToNumber(r);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return v;
}

/* The string value of an XPath expression on doc, malloc'd. */
static char *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	xmlChar *s;
	char *v;

	cr_assert_not_null(r, "%s", expr);
	s = xmlXPathCastToString(r);
	v = xstrdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return v;
}

#define expect_count(doc, expr, n) cr_expect_eq(xpath_number(doc, expr), (double)(n), "%s", expr)
#define expect_string(doc, expr, s)                                                                                    \
	do {                                                                                                           \
		char *v_ = xpath_string(doc, expr);                                                                    \
		cr_expect_str_eq(v_, s, "%s", expr);                                                                   \
		free(v_);                                                                                              \
	} while (0)

/* Every input, select and textarea has exactly one label: one around it,
 * or one whose for= names its id, never both, never two. */
static void expect_one_label_each(xmlDocPtr doc)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)"//input|//select|//textarea", ctx);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;

	cr_assert_gt(n, 0);
	for (int i = 0; i < n; i++) {
		xmlNodePtr node = r->nodesetval->nodeTab[i];
		xmlChar *id = xmlGetProp(node, (const xmlChar *)"id"),
			*name = xmlGetProp(node, (const xmlChar *)"name");
		xmlXPathObjectPtr around, by_for;
		char *expr = xstrfmt("//label[@for='%s']", id ? (const char *)id : "");
		int labels;

		ctx->node = node;
		around = xmlXPathEvalExpression((const xmlChar *)"ancestor::label", ctx);
		by_for = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
		labels = (around->nodesetval ? around->nodesetval->nodeNr : 0) +
			 (id && by_for->nodesetval ? by_for->nodesetval->nodeNr : 0);
		cr_expect_eq(labels, 1, "input '%s' (id %s) has %d labels", name ? (const char *)name : "?",
			     id ? (const char *)id : "none", labels);
		xmlXPathFreeObject(around);
		xmlXPathFreeObject(by_for);
		xmlFree(id);
		xmlFree(name);
		free(expr);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
}

static void render(struct buf *page, const struct survey_template *t, enum survey_lang lang,
		   const struct survey_answers *a, const struct survey_problems *p)
{
	struct survey_form f = { t, lang, "/s/TOKEN", a, p };
	buf_reset(page);
	survey_form_render(page, &f);
}

Test(form, each_question_gets_its_inputs_each_with_one_label)
{
	struct survey_template t;
	struct buf page = BUF_INIT;
	xmlDocPtr doc;

	load(&t, example);
	render(&page, &t, SURVEY_LANG_ZH, NULL, NULL);
	doc = parse_page(&page);
	expect_one_label_each(doc);
	expect_string(doc, "/html/@lang", "zh-CN");
	expect_string(doc, "//title", "客户满意度调查");
	expect_string(doc, "//h1", "客户满意度调查");
	expect_string(doc, "//p[@class='intro']", "感谢您抽出时间参加本次调查。");
	expect_string(doc, "//form/@method", "post");
	expect_string(doc, "//form/@action", "/s/TOKEN");
	expect_count(doc, "count(//script)", 0);
	/* 1: single, required: three radios */
	expect_count(doc, "count(//fieldset[@id='q1']//input[@type='radio'][@name='q1'])", 3);
	expect_string(doc, "//fieldset[@id='q1']/legend", "1. 您对我们的产品满意吗？（必答）");
	expect_string(doc, "//fieldset[@id='q1']/@aria-required", "true");
	expect_string(doc, "//fieldset[@id='q1']//label[2]", " B. 满意");
	expect_count(doc, "count(//input[@name='q1'][@value='C'])", 1);
	/* 2: multi, max 2 (a hint the fieldset names), C with its own words */
	expect_count(doc, "count(//fieldset[@id='q2']//input[@type='checkbox'][@name='q2'])", 3);
	expect_string(doc, "//fieldset[@id='q2']/@aria-describedby", "q2-hint");
	expect_string(doc, "//p[@id='q2-hint']", "最多选 2 项");
	expect_count(doc, "count(//fieldset[@id='q2']//input[@type='text'][@name='q2_other'])", 1);
	expect_string(doc, "//input[@name='q2_other']/@maxlength", "1333");
	expect_count(doc, "count(//fieldset[@id='q2']/@aria-required)", 0);
	/* 3: rating 1-5: five radios, the ends named */
	expect_count(doc, "count(//fieldset[@id='q3']//input[@type='radio'][@name='q3'])", 5);
	expect_string(doc, "//fieldset[@id='q3']//input[@value='5']/../text()", " 5分（最高）");
	/* 4: a number with its bounds */
	expect_string(doc, "//input[@name='q4']/@type", "number");
	expect_string(doc, "//input[@name='q4']/@inputmode", "decimal");
	expect_string(doc, "//input[@name='q4']/@min", "0");
	expect_string(doc, "//input[@name='q4']/@max", "100000");
	expect_string(doc, "//input[@name='q4']/@aria-describedby", "q4-hint");
	/* 5: a text box, capped */
	expect_string(doc, "//textarea[@name='q5']/@maxlength", "1333");
	expect_string(doc, "//label[@for='q5-in']", "5. 您还有什么建议？");
	/* nothing is chosen or filled in, and no problem is shown */
	expect_count(doc, "count(//input[@checked])", 0);
	expect_count(doc, "count(//*[@class='error'])+count(//*[@role='alert'])", 0);
	expect_string(doc, "//button[@type='submit']", "提交");
	xmlFreeDoc(doc);

	/* English chrome: the questionnaire's own words stay as written */
	render(&page, &t, SURVEY_LANG_EN, NULL, NULL);
	doc = parse_page(&page);
	expect_string(doc, "/html/@lang", "en");
	expect_string(doc, "//fieldset[@id='q1']/legend", "1. 您对我们的产品满意吗？ (required)");
	expect_string(doc, "//p[@id='q2-hint']", "Choose at most 2");
	expect_string(doc, "//button[@type='submit']", "Submit");
	xmlFreeDoc(doc);
	buf_release(&page);
	survey_template_release(&t);
}

Test(form, long_scales_and_one_sided_bounds)
{
	struct survey_template t;
	struct buf page = BUF_INIT;
	xmlDocPtr doc;

	load(&t, "# NPS\n1. How likely are you to recommend us? [rating 0-10, required]\n"
		 "2. Out of 20? [rating 20]\n3. How many staff? [number, min 1]\n4. Debt? [number, max 0]\n");
	render(&page, &t, SURVEY_LANG_EN, NULL, NULL);
	doc = parse_page(&page);
	expect_one_label_each(doc);
	/* 0-10 is eleven radios; 1-20 a select with an empty first choice */
	expect_count(doc, "count(//input[@type='radio'][@name='q1'])", 11);
	expect_count(doc, "count(//select[@name='q2']/option)", 21);
	expect_string(doc, "//select[@name='q2']/option[1]/@value", "");
	expect_string(doc, "//input[@name='q3']/@min", "1");
	expect_count(doc, "count(//input[@name='q3']/@max)", 0);
	expect_string(doc, "//p[@id='q3-hint']", "≥ 1");
	expect_string(doc, "//p[@id='q4-hint']", "≤ 0");
	xmlFreeDoc(doc);
	buf_release(&page);
	survey_template_release(&t);
}

/* Markup in every value a page shows, from the template and from the
 * respondent, comes out as text. */
static const char hostile[] = "# <script>alert(1)</script> & \"title\"\n"
			      "Intro <b>bold</b> & 'quoted'\n"
			      "1. <img src=x onerror=alert(1)>? [single, required]\n"
			      "   A. \"><script>alert(2)</script>\n"
			      "   B. other </label> [other]\n"
			      "2. </textarea><script>alert(3)</script> [text]\n";

Test(form, every_value_is_escaped)
{
	struct survey_template t;
	struct survey_answers a;
	struct buf page = BUF_INIT;
	xmlDocPtr doc;
	char *text;
	static const char evil[] = "\"/><script>alert('x')</script>";
	static const char evil_text[] = "</textarea><script>alert(4)</script>&amp;";

	load(&t, hostile);
	survey_answers_init(&a, &t);
	survey_answer_set(&survey_answers_get(&a, 1)->choices, "B", 1);
	survey_answer_set(&survey_answers_get(&a, 1)->other, evil, strlen(evil));
	survey_answer_set(&survey_answers_get(&a, 2)->text, evil_text, strlen(evil_text));
	render(&page, &t, SURVEY_LANG_ZH, &a, NULL);
	cr_expect_null(strstr(page.data, "<script"), "%s", page.data);
	cr_expect_null(strstr(page.data, "<img"), "%s", page.data);
	cr_expect_null(strstr(page.data, "<b>"), "%s", page.data);
	text = test_xml_text(page.data, page.len, "page");
	free(text);
	doc = parse_page(&page);
	expect_count(doc, "count(//script)+count(//img)+count(//b)", 0);
	expect_string(doc, "//title", "<script>alert(1)</script> & \"title\"");
	expect_string(doc, "//p[@class='intro']", "Intro <b>bold</b> & 'quoted'");
	expect_string(doc, "//input[@name='q1_other']/@value", evil);
	expect_string(doc, "//textarea[@name='q2']", evil_text);
	expect_count(doc, "count(//textarea)", 1);
	expect_count(doc, "count(//form)", 1);
	xmlFreeDoc(doc);

	/* the action too, though ours is always "/s/" and a token */
	{
		struct survey_form f = { &t, SURVEY_LANG_EN, "/s/\"><script>", NULL, NULL };
		buf_reset(&page);
		survey_form_render(&page, &f);
		cr_expect_null(strstr(page.data, "<script"));
	}
	buf_release(&page);
	survey_answers_release(&a);
	survey_template_release(&t);
}

/* The answers of a post shown again: each kept where it was. */
static void fill_example(struct survey_answers *a, const struct survey_template *t)
{
	survey_answers_init(a, t);
	survey_answer_set(&survey_answers_get(a, 2)->choices, "AC", 2);
	survey_answer_set(&survey_answers_get(a, 2)->other, "云服务", strlen("云服务"));
	survey_answer_set(&survey_answers_get(a, 3)->value, "9", 1);
	survey_answer_set(&survey_answers_get(a, 4)->value, "12.5", 4);
	survey_answer_set(&survey_answers_get(a, 5)->text, "\n第一行\n第二行", strlen("\n第一行\n第二行"));
}

Test(form, problems_beside_their_questions_in_the_pages_language_answers_kept)
{
	struct survey_template t;
	struct survey_answers a;
	struct survey_problems p = SURVEY_PROBLEMS_INIT;
	struct buf page = BUF_INIT;
	xmlDocPtr doc;

	load(&t, example);
	fill_example(&a, &t);
	/* 1 is not answered, 3 is off the scale */
	cr_assert_eq(survey_answers_check(&p, &t, &a), 2);
	render(&page, &t, SURVEY_LANG_ZH, &a, &p);
	doc = parse_page(&page);
	expect_one_label_each(doc);
	expect_string(doc, "//p[@role='alert']", "有 2 道题需要修改，请查看题目下方的提示。");
	expect_string(doc, "//fieldset[@id='q1']/div[@class='error'][@id='q1-error']", "\n请回答这道题。\n");
	expect_string(doc, "//fieldset[@id='q1']/@aria-describedby", "q1-error");
	expect_string(doc, "//fieldset[@id='q1']/@aria-invalid", "true");
	expect_string(doc, "//fieldset[@id='q3']/div[@id='q3-error']/p", "请选择 1 到 5 之间的分数。");
	expect_count(doc, "count(//div[@class='error'])", 2);
	expect_count(doc, "count(//fieldset[@id='q2']/@aria-invalid)", 0);
	/* the English messages of survey_answers_check are not shown */
	cr_expect_null(strstr(page.data, "question 1"));
	cr_expect_null(strstr(page.data, "is required"));
	/* what was answered is there again */
	expect_count(doc, "count(//input[@name='q2'][@checked])", 2);
	expect_count(doc, "count(//input[@name='q2'][@value='A'][@checked])", 1);
	expect_count(doc, "count(//input[@name='q2'][@value='C'][@checked])", 1);
	expect_string(doc, "//input[@name='q2_other']/@value", "云服务");
	expect_count(doc, "count(//input[@name='q3'][@checked])", 0); /* 9 is none of them */
	expect_string(doc, "//input[@name='q4']/@value", "12.5");
	/* a leading newline survives HTML's eating of the first one */
	cr_expect(strstr(page.data, "maxlength=\"1333\">\n\n第一行\n第二行</textarea>"), "%s", page.data);
	xmlFreeDoc(doc);

	render(&page, &t, SURVEY_LANG_EN, &a, &p);
	doc = parse_page(&page);
	expect_string(doc, "//fieldset[@id='q1']/div[@id='q1-error']/p", "Please answer this question.");
	expect_string(doc, "//fieldset[@id='q3']/div[@id='q3-error']/p", "Please choose a rating from 1 to 5.");
	expect_string(doc, "//p[@role='alert']", "2 answers need changing: see the notes below their questions.");
	xmlFreeDoc(doc);
	survey_problems_release(&p);
	survey_answer_set(&survey_answers_get(&a, 1)->choices, "A", 1);
	cr_assert_eq(survey_answers_check(&p, &t, &a), 1);
	render(&page, &t, SURVEY_LANG_EN, &a, &p);
	doc = parse_page(&page);
	expect_string(doc, "//p[@role='alert']", "1 answer needs changing: see the note below its question.");
	xmlFreeDoc(doc);
	survey_problems_release(&p);

	/* a rating kept, a single choice kept */
	survey_answer_set(&survey_answers_get(&a, 3)->value, "4", 1);
	survey_answer_set(&survey_answers_get(&a, 1)->choices, "B", 1);
	render(&page, &t, SURVEY_LANG_EN, &a, &p);
	doc = parse_page(&page);
	expect_count(doc, "count(//input[@checked])", 4);
	expect_count(doc, "count(//input[@name='q3'][@value='4'][@checked])", 1);
	expect_count(doc, "count(//input[@name='q1'][@value='B'][@checked])", 1);
	xmlFreeDoc(doc);
	buf_release(&page);
	survey_problems_release(&p);
	survey_answers_release(&a);
	survey_template_release(&t);
}

/* Every kind of problem has its words in both languages, never the
 * English of survey_answers_check. */
static const struct {
	int q;
	char field;
	const char *s;
	enum survey_problem_kind kind;
	const char *zh, *en;
} kinds[] = {
	{ 1, 'c', "", SURVEY_PROBLEM_REQUIRED, "请回答这道题。", "Please answer this question." },
	{ 1, 'c', "D", SURVEY_PROBLEM_NO_OPTION, "请从列出的选项中选择。", "Please choose from the options listed." },
	{ 2, 'c', "AA", SURVEY_PROBLEM_TWICE, "同一选项只能选一次。", "Each option can be chosen once." },
	{ 1, 'c', "AB", SURVEY_PROBLEM_ONE, "只能选择一项。", "Please choose only one option." },
	{ 2, 'c', "ABC", SURVEY_PROBLEM_TOO_MANY, "最多选 2 项。", "Choose at most 2." },
	{ 4, 'v', "abc", SURVEY_PROBLEM_NOT_NUMBER, "请填写一个数字。", "Please enter a number." },
	{ 3, 'v', "x", SURVEY_PROBLEM_NOT_NUMBER, "请选择一个分数。", "Please choose a rating." },
	{ 4, 'v', "100001", SURVEY_PROBLEM_RANGE, "请填写 0 到 100000 之间的数字。",
	  "Please enter a number from 0 to 100000." },
	{ 3, 'v', "2.5", SURVEY_PROBLEM_WHOLE, "请填写整数。", "Please enter a whole number." },
	{ 5, 't', "\x1b[31m", SURVEY_PROBLEM_TEXT, "内容含有无法使用的字符，请删除后再提交。",
	  "This holds characters that cannot be used: please remove them." },
	{ 5, 'T', NULL, SURVEY_PROBLEM_TEXT, "内容太长，请缩短到 1333 个字以内。",
	  "This is too long: please keep it under 1333 characters." },
	{ 2, 'o', "电视", SURVEY_PROBLEM_OTHER, "填写“其他”的内容时，请同时选中该选项。",
	  "Please tick the “other” option to add your own words." },
	{ 3, 't', "words", SURVEY_PROBLEM_KIND, "这个回答与题目不符。", "This answer does not fit the question." },
};

ParameterizedTestParameters(form, problem_words)
{
	TEST_CASE_INDICES(kinds);
}

ParameterizedTest(size_t *i, form, problem_words)
{
	struct survey_template t;
	struct survey_answers a;
	struct survey_problems p = SURVEY_PROBLEMS_INIT;
	struct survey_answer *an;
	struct buf zh = BUF_INIT, en = BUF_INIT;
	char *long_text = NULL;

	load(&t, example);
	survey_answers_init(&a, &t);
	survey_answer_set(&survey_answers_get(&a, 1)->choices, "A", 1);
	survey_answer_set(&survey_answers_get(&a, 3)->value, "3", 1);
	an = survey_answers_get(&a, kinds[*i].q);
	if (kinds[*i].field == 'T') {
		long_text = xmalloc(SURVEY_ANSWER_TEXT_MAX + 2);
		memset(long_text, 'x', SURVEY_ANSWER_TEXT_MAX + 1);
		long_text[SURVEY_ANSWER_TEXT_MAX + 1] = '\0';
	}
	survey_answer_set(kinds[*i].field == 'c'   ? &an->choices
			  : kinds[*i].field == 'o' ? &an->other
			  : kinds[*i].field == 'v' ? &an->value
						   : &an->text,
			  long_text ? long_text : kinds[*i].s, strlen(long_text ? long_text : kinds[*i].s));
	survey_answers_check(&p, &t, &a);
	cr_assert_geq(p.nitems, 1);
	cr_assert_eq(p.items[0].kind, kinds[*i].kind, "%s", p.items[0].msg);
	survey_form_problem(&zh, &p.items[0], survey_template_question(&t, p.items[0].number), an, SURVEY_LANG_ZH);
	survey_form_problem(&en, &p.items[0], survey_template_question(&t, p.items[0].number), an, SURVEY_LANG_EN);
	cr_expect_str_eq(zh.data, kinds[*i].zh);
	cr_expect_str_eq(en.data, kinds[*i].en);
	free(long_text);
	buf_release(&zh);
	buf_release(&en);
	survey_problems_release(&p);
	survey_answers_release(&a);
	survey_template_release(&t);
}

Test(form, number_bounds_in_problems)
{
	struct survey_template t;
	struct survey_answers a;
	struct survey_problems p = SURVEY_PROBLEMS_INIT;
	struct buf b = BUF_INIT;

	load(&t, "# T\n1. Staff? [number, min 1]\n2. Debt? [number, max -5]\n");
	survey_answers_init(&a, &t);
	survey_answer_set(&survey_answers_get(&a, 1)->value, "0", 1);
	survey_answer_set(&survey_answers_get(&a, 2)->value, "3", 1);
	cr_assert_eq(survey_answers_check(&p, &t, &a), 2);
	for (size_t i = 0; i < 2; i++) {
		survey_form_problem(&b, &p.items[i], &t.questions[i], &a.answers[i], SURVEY_LANG_ZH);
		buf_addch(&b, '|');
		survey_form_problem(&b, &p.items[i], &t.questions[i], &a.answers[i], SURVEY_LANG_EN);
		buf_addch(&b, '|');
	}
	cr_expect_str_eq(b.data, "请填写不小于 1 的数字。|Please enter a number of at least 1.|"
				 "请填写不大于 -5 的数字。|Please enter a number of at most -5.|");
	buf_release(&b);
	survey_problems_release(&p);
	survey_answers_release(&a);
	survey_template_release(&t);
}

/* ---------------------------------------------------------------- parse */

Test(form, a_post_is_read_into_answers)
{
	struct survey_template t;
	struct survey_answers a;
	struct err err = ERR_INIT;
	static const char body[] = "q1=B&q2=A&q2=C&q2_other=%E4%BA%91+%E6%9C%8D%E5%8A%A1&q3=4&q4=+12.5+"
				   "&q5=%3Cb%3E%E5%A5%BD%3C%2Fb%3E%0D%0Aline+2%0D%0A&";

	load(&t, example);
	assert_ok(survey_form_parse(&a, &t, body, strlen(body), &err), &err);
	cr_expect_str_eq(a.answers[0].choices, "B");
	cr_expect_str_eq(a.answers[1].choices, "AC");
	cr_expect_str_eq(a.answers[1].other, "云 服务");
	cr_expect_str_eq(a.answers[2].value, "4");
	cr_expect_str_eq(a.answers[3].value, "12.5");
	cr_expect_str_eq(a.answers[4].text, "<b>好</b>\nline 2\n");
	survey_answers_release(&a);

	/* empty values are no answers; an empty body answers nothing */
	assert_ok(survey_form_parse(&a, &t, "q4=&q5=&q2_other=&&q1=A", 23, &err), &err);
	cr_expect(!survey_answer_given(&a.answers[3]) && !survey_answer_given(&a.answers[4]));
	cr_expect(!survey_answer_given(&a.answers[1]));
	cr_expect_str_eq(a.answers[0].choices, "A");
	survey_answers_release(&a);
	assert_ok(survey_form_parse(&a, &t, "", 0, &err), &err);
	cr_expect_eq(a.nanswers, 5);
	for (size_t i = 0; i < a.nanswers; i++)
		cr_expect(!survey_answer_given(&a.answers[i]));
	survey_answers_release(&a);

	/* a field without '=' is an empty value; the same option twice is
	 * the check's to report, beside its question */
	assert_ok(survey_form_parse(&a, &t, "q5&q2=A&q2=A", 12, &err), &err);
	cr_expect_str_eq(a.answers[1].choices, "AA");
	survey_answers_release(&a);
	survey_template_release(&t);
}

/* What no browser sends from our form, each refused with the field. */
static const struct {
	const char *body;
	const char *msg;
} bad_posts[] = {
	{ "q1=%zz", "field 1 of the form: a '%' without two hexadecimal digits" },
	{ "q1=A&q5=%4", "field 2 of the form: a '%' without two hexadecimal digits" },
	{ "q5=%", "field 1 of the form: a '%' without two hexadecimal digits" },
	{ "q%=A", "field 1 of the form: a '%' without two hexadecimal digits" },
	{ "q5=%ff", "field 1 of the form: not UTF-8, or a NUL" },
	{ "q5=%C3%28", "field 1 of the form: not UTF-8, or a NUL" },
	{ "q5=%ED%A0%80", "field 1 of the form: not UTF-8, or a NUL" }, /* a surrogate */
	{ "q5=a%00b", "field 1 of the form: not UTF-8, or a NUL" },
	{ "q5\xff=a", "field 1 of the form: not UTF-8, or a NUL" },
	{ "q1=A&q1=B", "field 2 of the form: 'q1' is given twice" },
	{ "q1=A&q1=A", "field 2 of the form: 'q1' is given twice" },
	{ "q3=1&q3=2", "field 2 of the form: 'q3' is given twice" },
	{ "q4=1&q4=", "field 2 of the form: 'q4' is given twice" },
	{ "q5=a&q5=b", "field 2 of the form: 'q5' is given twice" },
	{ "q2_other=x&q2_other=y", "field 2 of the form: 'q2_other' is given twice" },
	{ "x=1", "field 1 of the form: 'x' is not one of its names" },
	{ "q6=1", "field 1 of the form: 'q6' is not one of its names" },
	{ "q0=1", "field 1 of the form: 'q0' is not one of its names" },
	{ "q01=A", "field 1 of the form: 'q01' is not one of its names" },
	{ "q99999999999999999999=A", "field 1 of the form: 'q99999999999999999999' is not one of its names" },
	{ "Q1=A", "field 1 of the form: 'Q1' is not one of its names" },
	{ "q1_other=x", "field 1 of the form: 'q1_other' is not one of its names" }, /* no [other] option */
	{ "q3_other=1", "field 1 of the form: 'q3_other' is not one of its names" },
	{ "q1_Other=x", "field 1 of the form: 'q1_Other' is not one of its names" },
	{ "q1=AB", "field 1 of the form: 'q1' takes an option's letter, A to Z" },
	{ "q2=a", "field 1 of the form: 'q2' takes an option's letter, A to Z" },
	{ "q1=%C3%89", "field 1 of the form: 'q1' takes an option's letter, A to Z" },
	{ "q1=+A", "field 1 of the form: 'q1' takes an option's letter, A to Z" },
};

ParameterizedTestParameters(form, malformed_posts)
{
	TEST_CASE_INDICES(bad_posts);
}

ParameterizedTest(size_t *i, form, malformed_posts)
{
	struct survey_template t;
	struct survey_answers a;
	struct err err = ERR_INIT;

	load(&t, example);
	cr_expect_eq(survey_form_parse(&a, &t, bad_posts[*i].body, strlen(bad_posts[*i].body), &err), ERR_INPUT, "%s",
		     bad_posts[*i].body);
	cr_expect_str_eq(err.msg.data, bad_posts[*i].msg, "%s", bad_posts[*i].body);
	survey_answers_release(&a);
	err_release(&err);
	survey_template_release(&t);
}

/* A form rendered with answers and posted back as a browser would gives
 * the same answers. */
Test(form, what_is_shown_posts_back_the_same)
{
	struct survey_template t;
	struct survey_answers a, back;
	struct err err = ERR_INIT;
	static const char body[] = "q1=C&q2=B&q2=C&q2_other=%26%3C%3E%22&q3=5&q4=-0.5&q5=%E2%80%9Chi%E2%80%9D";

	load(&t, example);
	assert_ok(survey_form_parse(&a, &t, body, strlen(body), &err), &err);
	{
		/* the body in another order reads the same */
		static const char shuffled[] =
			"q5=%E2%80%9Chi%E2%80%9D&q4=-0.5&q2_other=%26%3C%3E%22&q2=B&q3=5&q1=C&q2=C";
		assert_ok(survey_form_parse(&back, &t, shuffled, strlen(shuffled), &err), &err);
		for (size_t i = 0; i < a.nanswers; i++) {
			cr_expect_str_eq(a.answers[i].choices ? a.answers[i].choices : "",
					 back.answers[i].choices ? back.answers[i].choices : "");
			cr_expect_str_eq(a.answers[i].other ? a.answers[i].other : "",
					 back.answers[i].other ? back.answers[i].other : "");
			cr_expect_str_eq(a.answers[i].value ? a.answers[i].value : "",
					 back.answers[i].value ? back.answers[i].value : "");
			cr_expect_str_eq(a.answers[i].text ? a.answers[i].text : "",
					 back.answers[i].text ? back.answers[i].text : "");
		}
		survey_answers_release(&back);
	}
	cr_expect_str_eq(a.answers[1].other, "&<>\"");
	survey_answers_release(&a);
	survey_template_release(&t);
}

/* ---------------------------------------------------------------- pages */

static const struct {
	enum survey_page page;
	enum survey_lang lang;
	const char *h2, *text;
} pages[] = {
	{ SURVEY_PAGE_THANKS, SURVEY_LANG_ZH, "谢谢！", "您的回答已经收到，感谢您的参与。" },
	{ SURVEY_PAGE_THANKS, SURVEY_LANG_EN, "Thank you!",
	  "Your answers have been received. Thank you for taking part." },
	{ SURVEY_PAGE_ANSWERED, SURVEY_LANG_ZH, "已经回答过了", "这份问卷已经回答过了，感谢您的参与。" },
	{ SURVEY_PAGE_ANSWERED, SURVEY_LANG_EN, "Already answered",
	  "This questionnaire has already been answered. Thank you for taking part." },
	{ SURVEY_PAGE_CLOSED, SURVEY_LANG_ZH, "调查已结束", "这项调查已经结束，不再接受回答。" },
	{ SURVEY_PAGE_CLOSED, SURVEY_LANG_EN, "Survey closed", "This survey is closed and takes no more answers." },
	{ SURVEY_PAGE_BAD_FORM, SURVEY_LANG_EN, "The form could not be read",
	  "What was sent could not be read as this form: please open the link again and retry." },
	{ SURVEY_PAGE_TOO_LARGE, SURVEY_LANG_ZH, "内容太长", "提交的内容太长，请缩短后再试。" },
	{ SURVEY_PAGE_BAD_TYPE, SURVEY_LANG_EN, "The form could not be read",
	  "What was sent is not a form: please open the link again and retry." },
};

ParameterizedTestParameters(form, pages)
{
	TEST_CASE_INDICES(pages);
}

ParameterizedTest(size_t *i, form, pages)
{
	struct survey_template t;
	struct buf page = BUF_INIT;
	xmlDocPtr doc;

	load(&t, hostile);
	survey_form_page(&page, pages[*i].page, pages[*i].lang, &t);
	doc = parse_page(&page);
	expect_string(doc, "//h1", "<script>alert(1)</script> & \"title\"");
	expect_string(doc, "//h2", pages[*i].h2);
	expect_string(doc, "//main/p", pages[*i].text);
	expect_string(doc, "/html/@lang", pages[*i].lang == SURVEY_LANG_ZH ? "zh-CN" : "en");
	expect_count(doc, "count(//script)+count(//form)", 0);
	xmlFreeDoc(doc);
	buf_release(&page);
	survey_template_release(&t);
}

/* The 404 says nothing of the survey, whatever it is given. */
Test(form, not_found_says_nothing)
{
	struct survey_template t;
	struct buf with = BUF_INIT, without = BUF_INIT;
	xmlDocPtr doc;

	load(&t, example);
	survey_form_page(&with, SURVEY_PAGE_NOT_FOUND, SURVEY_LANG_ZH, &t);
	survey_form_page(&without, SURVEY_PAGE_NOT_FOUND, SURVEY_LANG_ZH, NULL);
	cr_expect_str_eq(with.data, without.data);
	cr_expect_null(strstr(with.data, "满意度"));
	doc = parse_page(&with);
	expect_string(doc, "//h1", "找不到页面");
	expect_string(doc, "//main/p", "找不到这个页面。");
	xmlFreeDoc(doc);
	buf_reset(&with);
	survey_form_page(&with, SURVEY_PAGE_NOT_FOUND, SURVEY_LANG_EN, &t);
	doc = parse_page(&with);
	expect_string(doc, "//h1", "Page not found");
	xmlFreeDoc(doc);
	buf_release(&with);
	buf_release(&without);
	survey_template_release(&t);
}
