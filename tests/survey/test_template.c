/* tests/survey/test_template.c - the questionnaire file (survey/template.c):
 * the example read into the exact model, every kind of malformed
 * file refused with FILE:LINE for each of its problems at once, what a
 * Chinese editor writes (CRLF, BOM, full width, tabs) read as the plain
 * file, and the text a respondent reads, which parses back to the same
 * questionnaire and renders to the same text again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "survey/template.h"
#include "example.h"

static void parse_ok(struct survey_template *t, const char *text, size_t len)
{
	struct err err = ERR_INIT;
	assert_ok(survey_template_parse(t, "t.txt", text, len, &err), &err);
	err_release(&err);
}

/* Every problem of a malformed file, one per line ("t.txt:3: why\n…"). */
static char *parse_bad(const char *text, size_t len)
{
	struct survey_template t;
	struct err err = ERR_INIT;
	struct buf all = BUF_INIT;
	int rc = survey_template_parse(&t, "t.txt", text, len, &err);

	cr_assert_eq(rc, ERR_INPUT, "accepted: %s", text);
	cr_assert_eq(t.nquestions, 0, "a refused file leaves no model");
	cr_assert_null(t.title);
	buf_addf(&all, "%s\n%s", err.msg.data, err.detail.data);
	err_release(&err);
	return buf_detach(&all, NULL);
}

static void expect_option(const struct survey_question *q, size_t i, char label, const char *text, int other)
{
	cr_assert_lt(i, q->noptions, "question %d has %zu options", q->number, q->noptions);
	cr_expect_eq(q->options[i].label, label);
	cr_expect_str_eq(q->options[i].text, text);
	cr_expect_eq(q->options[i].other, other, "question %d option %c", q->number, label);
}

Test(template, the_example_is_the_exact_model)
{
	struct survey_template t;
	const struct survey_question *q;

	parse_ok(&t, example, strlen(example));
	cr_assert_str_eq(t.title, "客户满意度调查");
	cr_assert_str_eq(t.intro, "感谢您抽出时间参加本次调查。");
	cr_assert_eq(t.nquestions, 5);
	for (int n = 1; n <= 5; n++)
		cr_expect_eq(survey_template_question(&t, n)->number, n);

	q = survey_template_question(&t, 1);
	cr_expect_eq(q->type, SURVEY_SINGLE);
	cr_expect_str_eq(q->text, "您对我们的产品满意吗？");
	cr_expect(q->required);
	cr_expect_eq(q->max_choices, 0);
	cr_expect(!q->has_lo && !q->has_hi);
	cr_assert_eq(q->noptions, 3);
	expect_option(q, 0, 'A', "非常满意", 0);
	expect_option(q, 1, 'B', "满意", 0);
	expect_option(q, 2, 'C', "不满意", 0);
	cr_expect_eq(q->line, 3);

	q = survey_template_question(&t, 2);
	cr_expect_eq(q->type, SURVEY_MULTI);
	cr_expect_str_eq(q->text, "您使用了哪些产品？");
	cr_expect(!q->required, "optional unless required");
	cr_expect_eq(q->max_choices, 2);
	cr_assert_eq(q->noptions, 3);
	expect_option(q, 0, 'A', "软件", 0);
	expect_option(q, 1, 'B', "硬件", 0);
	expect_option(q, 2, 'C', "其他", 1);

	q = survey_template_question(&t, 3);
	cr_expect_eq(q->type, SURVEY_RATING);
	cr_expect_str_eq(q->text, "请为我们的服务打分");
	cr_expect(q->required);
	cr_expect(q->has_lo && q->has_hi);
	cr_expect_eq(q->lo, 1);
	cr_expect_eq(q->hi, 5);
	cr_expect_eq(q->noptions, 0);

	q = survey_template_question(&t, 4);
	cr_expect_eq(q->type, SURVEY_NUMBER);
	cr_expect_str_eq(q->text, "您每年的采购预算（万元）", "full-width brackets in the text are text");
	cr_expect(!q->required);
	cr_expect(q->has_lo && q->has_hi);
	cr_expect_eq(q->lo, 0);
	cr_expect_eq(q->hi, 100000);

	q = survey_template_question(&t, 5);
	cr_expect_eq(q->type, SURVEY_TEXT);
	cr_expect_str_eq(q->text, "您还有什么建议？");
	cr_expect(!q->required);
	cr_expect(!q->has_lo && !q->has_hi);
	cr_expect_null(survey_template_question(&t, 6));
	cr_expect_null(survey_template_question(&t, 0));
	survey_template_release(&t);
}

Test(template, defaults_and_the_other_spellings)
{
	static const char text[] = "# Defaults\n"
				   "1. Untyped with options\n"
				   "   A. yes\n"
				   "   B. no\n"
				   "2. Untyped without\n"
				   "3. A scale [rating]\n"
				   "4. Ten points [rating 10]\n"
				   "5. NPS [Rating 0~10, Required]\n"
				   "6. At least zero [number, min 0]\n"
				   "7. At most 9 [number, max: 9]\n"
				   "8. Any number [number]\n"
				   "9. Any options [multiple]\n"
				   "   a) one\n"
				   "   b) two [other]\n";
	struct survey_template t;
	const struct survey_question *q;

	parse_ok(&t, text, strlen(text));
	cr_assert_eq(t.nquestions, 9);
	cr_expect_str_eq(t.intro, "");
	cr_expect_eq(survey_template_question(&t, 1)->type, SURVEY_SINGLE, "options and no type: single");
	cr_expect_eq(survey_template_question(&t, 2)->type, SURVEY_TEXT, "no options, no type: text");
	q = survey_template_question(&t, 3);
	cr_expect(q->lo == 1 && q->hi == 5, "a rating without a scale is 1-5: %lld-%lld", q->lo, q->hi);
	q = survey_template_question(&t, 4);
	cr_expect(q->lo == 1 && q->hi == 10, "rating 10 is 1-10: %lld-%lld", q->lo, q->hi);
	q = survey_template_question(&t, 5);
	cr_expect(q->lo == 0 && q->hi == 10 && q->required);
	q = survey_template_question(&t, 6);
	cr_expect(q->has_lo && !q->has_hi && q->lo == 0);
	q = survey_template_question(&t, 7);
	cr_expect(!q->has_lo && q->has_hi && q->hi == 9);
	q = survey_template_question(&t, 8);
	cr_expect(!q->has_lo && !q->has_hi);
	q = survey_template_question(&t, 9);
	cr_expect_eq(q->type, SURVEY_MULTI);
	cr_expect_eq(q->max_choices, 0);
	cr_assert_eq(q->noptions, 2);
	expect_option(q, 0, 'A', "one", 0);
	expect_option(q, 1, 'B', "two", 1);
	survey_template_release(&t);
}

/* A malformed file and the problem it must be refused for. */
static const struct {
	const char *text;
	const char *why; /* "t.txt:LINE: …", a prefix of one line of the report */
} malformed[] = {
	/* numbering */
	{ "# T\n1. a [text]\n3. b [text]\n", "t.txt:3: question 3 where 2 was expected" },
	{ "# T\n1. a [text]\n2. b [text]\n2. c [text]\n", "t.txt:4: question 2 twice (also on line 3)" },
	{ "# T\n2. a [text]\n", "t.txt:2: question 2 where 1 was expected" },
	{ "# T\n0. a [text]\n", "t.txt:2: question 0: the first question is 1" },
	{ "# T\n201. a [text]\n", "t.txt:2: question 201: a questionnaire has questions 1 to 200" },
	/* options */
	{ "# T\n1. a\n   A. x\n   C. y\n", "t.txt:4: option C of question 1 where B was expected" },
	{ "# T\n1. a\n   B. x\n   C. y\n", "t.txt:3: option B of question 1 where A was expected" },
	{ "# T\n1. a\n   A. x\n   A. y\n", "t.txt:4: option A of question 1 twice" },
	{ "# T\n1. a [rating 1-5]\n   A. x\n   B. y\n",
	  "t.txt:3: question 1 is a rating question: it takes no options" },
	{ "# T\n1. a [number]\n   A. x\n   B. y\n", "t.txt:3: question 1 is a number question: it takes no options" },
	{ "# T\n1. a [text]\n   A. x [other]\n", "t.txt:3: question 1 is a text question: it takes no options" },
	{ "# T\n1. a [single]\n2. b [text]\n", "t.txt:2: question 1 is a single choice question without options" },
	{ "# T\n1. a [multi]\n", "t.txt:2: question 1 is a multiple choice question without options" },
	{ "# T\n1. a [single]\n   A. x\n", "t.txt:2: question 1 has one option: a choice needs two or more" },
	{ "# T\nA. x\n1. a [text]\n", "t.txt:2: an option before the first question" },
	{ "# T\n1. a\n   A. [other]\n   B. y\n", "t.txt:3: option A of question 1 has no text" },
	{ "# T\n1. a\n   A. x [frob]\n   B. y\n", "t.txt:3: unknown attribute 'frob' of an option" },
	/* types and attributes */
	{ "# T\n1. a [singel]\n   A. x\n   B. y\n", "t.txt:2: unknown attribute 'singel'" },
	{ "# T\n1. a [single, mandatory]\n   A. x\n   B. y\n", "t.txt:2: unknown attribute 'mandatory'" },
	{ "# T\n1. a [single, multi]\n   A. x\n   B. y\n", "t.txt:2: two types: 'single' and 'multi'" },
	{ "# T\n1. a [text, required, optional]\n", "t.txt:2: both required and optional" },
	{ "# T\n1. a [text, required, required]\n", "t.txt:2: 'required' twice" },
	{ "# T\n1. a [single,, required]\n   A. x\n   B. y\n", "t.txt:2: an empty attribute in '[single,, required]'" },
	{ "# T\n1. a [single 2]\n   A. x\n   B. y\n", "t.txt:2: 'single 2': 'single' takes no value" },
	{ "# T\n1. a [multi, max 3]\n   A. x\n   B. y\n", "t.txt:2: question 1: max 3, but it has 2 options" },
	{ "# T\n1. a [multi, max 0]\n   A. x\n   B. y\n", "t.txt:2: max 0: a multi question's max is 1 to" },
	{ "# T\n1. a [multi, max two]\n   A. x\n   B. y\n", "t.txt:2: 'max two': 'max' takes a whole number" },
	{ "# T\n1. a [text, max 2]\n", "t.txt:2: 'max' is for multi and number questions, not text" },
	{ "# T\n1. a [multi, min 1]\n   A. x\n   B. y\n", "t.txt:2: 'min' is for number questions, not multi" },
	{ "# T\n1. a [max 2]\n   A. x\n   B. y\n", "t.txt:2: 'max' needs a type" },
	{ "# T\n1. a [single, other]\n   A. x\n   B. y\n", "t.txt:2: 'other' belongs after an option" },
	{ "# T\n1. a [rating, other]\n", "t.txt:2: 'other' belongs after an option" },
	{ "# T\n1. [text]\n", "t.txt:2: question 1 has no text" },
	/* ranges */
	{ "# T\n1. a [rating 5-1]\n", "t.txt:2: rating 5-1: a scale runs from 0 or more up to 100" },
	{ "# T\n1. a [rating 3-3]\n", "t.txt:2: rating 3-3: a scale runs" },
	{ "# T\n1. a [rating 1-1000]\n", "t.txt:2: rating 1-1000: a scale runs" },
	{ "# T\n1. a [rating -1-5]\n", "t.txt:2: rating -1-5: a scale runs" },
	{ "# T\n1. a [rating one-five]\n", "t.txt:2: 'rating one-five': a rating takes a range of whole numbers" },
	{ "# T\n1. a [number 10-1]\n", "t.txt:2: number 10-1: the low bound must be below the high one" },
	{ "# T\n1. a [number 1.5-3]\n", "t.txt:2: 'number 1.5-3': a number takes a range of whole numbers" },
	{ "# T\n1. a [number 5]\n", "t.txt:2: 'number 5': a number takes a range" },
	{ "# T\n1. a [number 0-99999999999999999999]\n", "t.txt:2: 'number 0-99999999999999999999': a number" },
	{ "# T\n1. a [number 0-10, max 5]\n", "t.txt:2: the bounds twice: a range and max" },
	{ "# T\n1. a [number, min 9, max 1]\n", "t.txt:2: number 9-1: the low bound must be below" },
	/* title and lines */
	{ "1. a [text]\n", "t.txt:1: no title" },
	{ "\n\n1. a [text]\n", "t.txt:3: no title" },
	{ "intro\n# T\n1. a [text]\n", "t.txt:1: text before the title (line 2)" },
	{ "# T\n# U\n1. a [text]\n", "t.txt:2: a second title: the title is line 1" },
	{ "#\n1. a [text]\n", "t.txt:1: the title is empty" },
	{ "# T\nintro\n", "t.txt:2: no questions" },
	{ "# T\n", "t.txt:1: no questions" },
	{ "", "t.txt:1: no title" },
	{ "# T\n1. a [text]\nstray words\n", "t.txt:3: a line that is no question" },
	{ "# T\n1. a [text]\n   more of the question\n", "t.txt:3: a line that is no question" },
	/* bytes */
	{ "# T\n1. a \xff [text]\n", "t.txt:2: column 6: not valid UTF-8 (save the file as UTF-8" },
	{ "# \xb5\xf7\xb2\xe9\n1. a [text]\n", "t.txt:1: column 3: not valid UTF-8" }, /* 调查 in GBK */
	{ "# T\n1. 问题\x1b[31m [text]\n", "t.txt:2: column 6: control character U+001B" },
	{ "\xff\xfe#\0 \0T\0\n\0", "t.txt:1: the file is UTF-16: save it as UTF-8" },
};

/* The length of a malformed text: the UTF-16 one holds NULs. */
static size_t malformed_len(size_t i)
{
	const char *t = malformed[i].text;
	return t[0] == '\xff' ? 10 : strlen(t);
}

ParameterizedTestParameters(template, malformed_files_are_refused)
{
	TEST_CASE_INDICES(malformed);
}

ParameterizedTest(size_t *i, template, malformed_files_are_refused)
{
	char *all = parse_bad(malformed[*i].text, malformed_len(*i));
	int found = 0;

	for (const char *p = all; *p; p = strchr(p, '\n') + 1)
		found |= !strncmp(p, malformed[*i].why, strlen(malformed[*i].why));
	cr_expect(found, "case %zu: wanted a line starting '%s', got:\n%s", *i, malformed[*i].why, all);
	free(all);
}

/* A file with a problem of every kind reports each, at its line, in the
 * order of the file: the first as the message, the others as details. */
Test(template, every_problem_at_once)
{
	static const char text[] = "intro before the title\n"		/* 1 */
				   "# T\n"				/* 2 */
				   "1. one option [single, required]\n" /* 3 */
				   "   A. only\n"			/* 4 */
				   "3. skipped two [rating 5-1]\n"	/* 5 */
				   "   A. an option on a rating\n"	/* 6 */
				   "3. again [multi, max 4]\n"		/* 7 */
				   "   A. a\n"				/* 8 */
				   "   C. c\n"				/* 9 */
				   "4. q [frob]\n"			/* 10 */
				   "5. n [number 10-1, other]\n"	/* 11 */
				   "stray line\n"			/* 12 */
				   "6. bad \xc3 byte [text]\n"		/* 13 */
				   "7. no options [multi]\n";		/* 14 */
	static const int lines[] = { 1, 3, 5, 5, 6, 7, 7, 9, 10, 11, 11, 12, 13, 14 };
	struct survey_template t;
	struct err err = ERR_INIT;
	size_t n = 0;
	int last = 0;

	cr_assert_eq(survey_template_parse(&t, "t.txt", text, strlen(text), &err), ERR_INPUT);
	cr_assert(!strncmp(err.msg.data, "t.txt:1: text before the title", 30), "%s", err.msg.data);
	{
		struct buf all = BUF_INIT;
		buf_addf(&all, "%s\n%s", err.msg.data, err.detail.data);
		for (const char *p = all.data; *p; p = strchr(p, '\n') + 1, n++) {
			int line;
			cr_assert_eq(sscanf(p, "t.txt:%d: ", &line), 1, "not FILE:LINE: %s", p);
			cr_expect_geq(line, last, "out of the file's order:\n%s", all.data);
			cr_assert_lt(n, sizeof(lines) / sizeof(*lines), "more problems than expected:\n%s", all.data);
			cr_expect_eq(line, lines[n], "problem %zu on line %d, not %d:\n%s", n, line, lines[n],
				     all.data);
			last = line;
		}
		cr_expect_eq(n, sizeof(lines) / sizeof(*lines), "%s", all.data);
		buf_release(&all);
	}
	err_release(&err);
}

static void expect_same(const struct survey_template *a, const struct survey_template *b, const char *what)
{
	cr_assert_str_eq(a->title, b->title, "%s: title", what);
	cr_assert_str_eq(a->intro, b->intro, "%s: introduction", what);
	cr_assert_eq(a->nquestions, b->nquestions, "%s: questions", what);
	for (size_t i = 0; i < a->nquestions; i++) {
		const struct survey_question *x = &a->questions[i], *y = &b->questions[i];
		cr_assert_eq(x->number, y->number, "%s", what);
		cr_assert_eq(x->type, y->type, "%s: question %d type", what, x->number);
		cr_assert_str_eq(x->text, y->text, "%s: question %d", what, x->number);
		cr_assert_eq(x->required, y->required, "%s: question %d required", what, x->number);
		cr_assert_eq(x->max_choices, y->max_choices, "%s: question %d max", what, x->number);
		cr_assert_eq(x->has_lo, y->has_lo, "%s: question %d", what, x->number);
		cr_assert_eq(x->has_hi, y->has_hi, "%s: question %d", what, x->number);
		cr_assert_eq(x->lo, y->lo, "%s: question %d lo", what, x->number);
		cr_assert_eq(x->hi, y->hi, "%s: question %d hi", what, x->number);
		cr_assert_eq(x->noptions, y->noptions, "%s: question %d options", what, x->number);
		for (size_t k = 0; k < x->noptions; k++) {
			cr_assert_eq(x->options[k].label, y->options[k].label, "%s", what);
			cr_assert_str_eq(x->options[k].text, y->options[k].text, "%s", what);
			cr_assert_eq(x->options[k].other, y->options[k].other, "%s: question %d option %c", what,
				     x->number, x->options[k].label);
		}
	}
}

/* text with each "from" replaced by "to". */
static char *replace_all(const char *text, const char *from, const char *to)
{
	struct buf b = BUF_INIT;
	for (const char *p = text, *q; *p; p = q + strlen(from)) {
		if (!(q = strstr(p, from))) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, to);
	}
	return buf_detach(&b, NULL);
}

/* The example as a Chinese editor may have saved it: full-width digits,
 * letters and punctuation in the structure, 【】, 、, Chinese attribute
 * names, ideographic spaces and tabs for indentation. */
static const char example_wide[] = "＃ 客户满意度调查\n"
				   "感谢您抽出时间参加本次调查。\n"
				   "１．您对我们的产品满意吗？［single，required］\n"
				   "\tＡ．非常满意\n"
				   "\tＢ、满意\n"
				   "\tＣ）不满意\n"
				   "2、您使用了哪些产品？【多选，最多２项】\n"
				   "　　a. 软件\n"
				   "　　b. 硬件\n"
				   "　　c. 其他【请注明】\n"
				   "３．请为我们的服务打分 【评分 １－５；必答】\n"
				   "４． 您每年的采购预算（万元）［number ０～１０００００］\n"
				   "５．您还有什么建议？【填空】  \n";

Test(template, what_a_chinese_editor_writes_is_the_same_questionnaire)
{
	struct survey_template plain, t;
	char *crlf = replace_all(example, "\n", "\r\n");
	char *cr = replace_all(example, "\n", "\r");
	char *bom = xstrfmt("\xef\xbb\xbf%s", crlf);
	char *tabs = replace_all(example, "   ", "\t");
	char *blank = replace_all(example, "\n", "\n \n\n");
	const char *const variants[][2] = {
		{ "CRLF", crlf },	  { "CR", cr },
		{ "BOM and CRLF", bom },  { "tabs", tabs },
		{ "blank lines", blank }, { "full width", example_wide },
	};

	parse_ok(&plain, example, strlen(example));
	for (size_t i = 0; i < sizeof(variants) / sizeof(*variants); i++) {
		parse_ok(&t, variants[i][1], strlen(variants[i][1]));
		expect_same(&plain, &t, variants[i][0]);
		survey_template_release(&t);
	}
	survey_template_release(&plain);
	free(crlf);
	free(cr);
	free(bom);
	free(tabs);
	free(blank);
}

static char *render(const struct survey_template *t, enum survey_lang lang, const char *instructions)
{
	struct buf b = BUF_INIT;
	struct survey_render how = { lang, instructions };
	survey_template_render(&b, t, &how);
	return buf_detach(&b, NULL);
}

/* What a respondent reads, in English hints: the exact text. */
static const char example_en[] = "# 客户满意度调查\n"
				 "\n"
				 "感谢您抽出时间参加本次调查。\n"
				 "\n"
				 "1. 您对我们的产品满意吗？ [single, required]\n"
				 "   A. 非常满意\n"
				 "   B. 满意\n"
				 "   C. 不满意\n"
				 "\n"
				 "2. 您使用了哪些产品？ [multi, max 2]\n"
				 "   A. 软件\n"
				 "   B. 硬件\n"
				 "   C. 其他 [other]\n"
				 "\n"
				 "3. 请为我们的服务打分 [rating 1-5, required]\n"
				 "\n"
				 "4. 您每年的采购预算（万元） [number 0-100000]\n"
				 "\n"
				 "5. 您还有什么建议？ [text]\n";

Test(template, the_respondent_text_is_exact)
{
	struct survey_template t;
	char *en, *zh, *with;

	parse_ok(&t, example, strlen(example));
	cr_expect_eq(survey_template_lang(&t), SURVEY_LANG_ZH);
	en = render(&t, SURVEY_LANG_EN, NULL);
	zh = render(&t, SURVEY_LANG_ZH, NULL);
	cr_expect_str_eq(en, example_en);
	cr_expect_str_eq(zh, example_zh);
	/* the hook for an e-mail's reply instructions: after the introduction */
	with = render(&t, SURVEY_LANG_ZH, "请直接回复本邮件，每题一行，例如 1: B");
	cr_expect(strstr(with, "参加本次调查。\n\n请直接回复本邮件，每题一行，例如 1: B\n\n1. 您对"), "%s", with);
	free(en);
	free(zh);
	free(with);
	survey_template_release(&t);
}

/* Rendered text parses back to the same questionnaire, and renders to the
 * same text again: in both languages, for every kind of question. */
Test(template, render_round_trip_is_stable)
{
	static const char other[] = "# Customer survey\n"
				    "Thank you.\n"
				    "\n"
				    "\n"
				    "A second paragraph.\n"
				    "1. Untyped\n"
				    "   A. yes\n"
				    "   B. no [other]\n"
				    "2. Free\n"
				    "3. Ten [rating 10]\n"
				    "4. NPS [rating 0-10, required]\n"
				    "5. Min [number, min -5]\n"
				    "6. Max [number, max 7, required]\n"
				    "7. Any [number]\n"
				    "8. Range [number -10-10]\n"
				    "9. Many [multi]\n"
				    "   A. x\n"
				    "   B. y\n"
				    "   C. z\n"
				    "10. Brackets [in] the text [text]\n";
	const char *const sources[] = { example, example_wide, other };

	for (size_t i = 0; i < sizeof(sources) / sizeof(*sources); i++)
		for (int lang = SURVEY_LANG_EN; lang <= SURVEY_LANG_ZH; lang++) {
			struct survey_template t, back;
			char *once, *twice;
			parse_ok(&t, sources[i], strlen(sources[i]));
			once = render(&t, (enum survey_lang)lang, NULL);
			parse_ok(&back, once, strlen(once));
			expect_same(&t, &back, once);
			twice = render(&back, (enum survey_lang)lang, NULL);
			cr_expect_str_eq(once, twice);
			free(once);
			free(twice);
			survey_template_release(&back);
			survey_template_release(&t);
		}
}

Test(template, the_language_is_the_questionnaires)
{
	static const char en[] = "# Survey\n1. How? [text]\n";
	static const char zh_question[] = "# Survey\n1. 您好吗？ [text]\n";
	struct survey_template t;

	parse_ok(&t, en, strlen(en));
	cr_expect_eq(survey_template_lang(&t), SURVEY_LANG_EN);
	survey_template_release(&t);
	parse_ok(&t, zh_question, strlen(zh_question));
	cr_expect_eq(survey_template_lang(&t), SURVEY_LANG_ZH);
	survey_template_release(&t);
}

Test(template, the_type_names)
{
	static const char *const names[] = { "single", "multi", "rating", "number", "text" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		cr_expect_str_eq(survey_type_name((enum survey_type)i), names[i]);
		cr_expect_eq(survey_type_from_name(names[i]), (int)i);
	}
	cr_expect_eq(survey_type_from_name("choice"), -1);
}
