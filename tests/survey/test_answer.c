/* tests/survey/test_answer.c - the one check of a response (survey/answer.c):
 * a valid response passes, and each rule, broken alone, gives exactly its
 * problem on its question; several broken at once are all reported. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "survey/answer.h"
#include "example.h"

/* The example (1 single required A-C, 2 multi max 2 with C [other], 3
 * rating 1-5 required, 4 number 0-100000, 5 text). */
static void load(struct survey_template *t)
{
	struct err err = ERR_INIT;
	assert_ok(survey_template_parse(t, "t.txt", example, strlen(example), &err), &err);
	err_release(&err);
}

/* An answer to one question: which field, what. */
struct set {
	int q;
	char field; /* c choices, o other, v value, t text */
	const char *s;
};

static void fill(struct survey_answers *a, const struct set *sets)
{
	for (const struct set *s = sets; s->q; s++) {
		struct survey_answer *an = survey_answers_get(a, s->q);
		char **f = s->field == 'c'   ? &an->choices
			   : s->field == 'o' ? &an->other
			   : s->field == 'v' ? &an->value
					     : &an->text;
		survey_answer_set(f, s->s, strlen(s->s));
	}
}

/* A valid base: 1 B, 3 4; each case changes or adds to it. */
static const struct set base[] = { { 1, 'c', "B" }, { 3, 'v', "4" }, { 0, 0, NULL } };

static const struct {
	const char *name;
	struct set sets[4];
	int number; /* the question of the one problem, 0: none */
	enum survey_problem_kind kind;
	const char *msg;
} cases[] = {
	{ "valid as it is", { { 0, 0, NULL } }, 0, 0, NULL },
	{ "every question", { { 2, 'c', "AC" }, { 2, 'o', "电视" }, { 4, 'v', "12.5" } }, 0, 0, NULL },
	{ "text of one paragraph", { { 5, 't', "很好\n谢谢\t！" }, { 0, 0, NULL } }, 0, 0, NULL },
	{ "number at its bounds", { { 4, 'v', "100000" }, { 0, 0, NULL } }, 0, 0, NULL },
	{ "number at its low bound", { { 4, 'v', "0" }, { 0, 0, NULL } }, 0, 0, NULL },
	{ "rating at the top", { { 3, 'v', "5" }, { 0, 0, NULL } }, 0, 0, NULL },
	{ "rating written 4.0", { { 3, 'v', "4.0" }, { 0, 0, NULL } }, 0, 0, NULL },
	{ "required single missing",
	  { { 1, 'c', "" }, { 0, 0, NULL } },
	  1,
	  SURVEY_PROBLEM_REQUIRED,
	  "question 1: an answer is required" },
	{ "required rating missing",
	  { { 3, 'v', "" }, { 0, 0, NULL } },
	  3,
	  SURVEY_PROBLEM_REQUIRED,
	  "question 3: an answer is required" },
	{ "no such option",
	  { { 1, 'c', "D" }, { 0, 0, NULL } },
	  1,
	  SURVEY_PROBLEM_NO_OPTION,
	  "question 1: there is no option D" },
	{ "lower case is not a label",
	  { { 1, 'c', "b" }, { 0, 0, NULL } },
	  1,
	  SURVEY_PROBLEM_NO_OPTION,
	  "question 1: there is no option b" },
	{ "single with two",
	  { { 1, 'c', "AB" }, { 0, 0, NULL } },
	  1,
	  SURVEY_PROBLEM_ONE,
	  "question 1: only one option may be chosen, not 2" },
	{ "multi past max",
	  { { 2, 'c', "ABC" }, { 0, 0, NULL } },
	  2,
	  SURVEY_PROBLEM_TOO_MANY,
	  "question 2: at most 2 options may be chosen, not 3" },
	{ "option twice",
	  { { 2, 'c', "AA" }, { 0, 0, NULL } },
	  2,
	  SURVEY_PROBLEM_TWICE,
	  "question 2: option A is chosen twice" },
	{ "other text without other",
	  { { 2, 'c', "A" }, { 2, 'o', "电视" }, { 0, 0, NULL } },
	  2,
	  SURVEY_PROBLEM_OTHER,
	  "question 2: own text is given without choosing an \"other\" option" },
	{ "other text on a question without other",
	  { { 1, 'o', "x" }, { 0, 0, NULL } },
	  1,
	  SURVEY_PROBLEM_OTHER,
	  "question 1: own text is given without choosing an \"other\" option" },
	{ "rating below",
	  { { 3, 'v', "0" }, { 0, 0, NULL } },
	  3,
	  SURVEY_PROBLEM_RANGE,
	  "question 3: 0 is not on the scale 1-5" },
	{ "rating above",
	  { { 3, 'v', "6" }, { 0, 0, NULL } },
	  3,
	  SURVEY_PROBLEM_RANGE,
	  "question 3: 6 is not on the scale 1-5" },
	{ "rating not whole",
	  { { 3, 'v', "3.5" }, { 0, 0, NULL } },
	  3,
	  SURVEY_PROBLEM_WHOLE,
	  "question 3: a rating is a whole number, not 3.5" },
	{ "rating not a number",
	  { { 3, 'v', "good" }, { 0, 0, NULL } },
	  3,
	  SURVEY_PROBLEM_NOT_NUMBER,
	  "question 3: 'good' is not a number" },
	{ "number below",
	  { { 4, 'v', "-1" }, { 0, 0, NULL } },
	  4,
	  SURVEY_PROBLEM_RANGE,
	  "question 4: -1 is less than 0" },
	{ "number above",
	  { { 4, 'v', "100000.5" }, { 0, 0, NULL } },
	  4,
	  SURVEY_PROBLEM_RANGE,
	  "question 4: 100000.5 is more than 100000" },
	{ "number as hex",
	  { { 4, 'v', "0x10" }, { 0, 0, NULL } },
	  4,
	  SURVEY_PROBLEM_NOT_NUMBER,
	  "question 4: '0x10' is not a number" },
	{ "number as inf",
	  { { 4, 'v', "inf" }, { 0, 0, NULL } },
	  4,
	  SURVEY_PROBLEM_NOT_NUMBER,
	  "question 4: 'inf' is not a number" },
	{ "number with a bare point",
	  { { 4, 'v', "3." }, { 0, 0, NULL } },
	  4,
	  SURVEY_PROBLEM_NOT_NUMBER,
	  "question 4: '3.' is not a number" },
	{ "text not UTF-8",
	  { { 5, 't', "caf\xe9" }, { 0, 0, NULL } },
	  5,
	  SURVEY_PROBLEM_TEXT,
	  "question 5: the text is not valid UTF-8" },
	{ "text with ESC",
	  { { 5, 't', "a\x1b[2Jb" }, { 0, 0, NULL } },
	  5,
	  SURVEY_PROBLEM_TEXT,
	  "question 5: the text holds the control character U+001B" },
	{ "options to a rating",
	  { { 3, 'c', "A" }, { 0, 0, NULL } },
	  3,
	  SURVEY_PROBLEM_KIND,
	  "question 3: takes no options but a rating" },
	{ "number to a text",
	  { { 5, 'v', "3" }, { 0, 0, NULL } },
	  5,
	  SURVEY_PROBLEM_KIND,
	  "question 5: takes no number but text" },
	{ "text to a choice",
	  { { 2, 't', "x" }, { 0, 0, NULL } },
	  2,
	  SURVEY_PROBLEM_KIND,
	  "question 2: takes no free text but options" },
};

Test(answer, each_rule_alone)
{
	struct survey_template t;

	load(&t);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct survey_answers a;
		struct survey_problems p = SURVEY_PROBLEMS_INIT;
		size_t n;

		survey_answers_init(&a, &t);
		fill(&a, base);
		fill(&a, cases[i].sets);
		n = survey_answers_check(&p, &t, &a);
		cr_expect_eq(n, cases[i].number ? 1 : 0, "%s: %zu problems, first: %s", cases[i].name, n,
			     n ? p.items[0].msg : "");
		if (n == 1 && cases[i].number) {
			cr_expect_eq(p.items[0].number, cases[i].number, "%s", cases[i].name);
			cr_expect_eq(p.items[0].kind, cases[i].kind, "%s", cases[i].name);
			cr_expect_str_eq(p.items[0].msg, cases[i].msg, "%s", cases[i].name);
		}
		survey_problems_release(&p);
		survey_answers_release(&a);
	}
	survey_template_release(&t);
}

Test(answer, text_cap_is_exact)
{
	struct survey_template t;
	char *big = xmalloc(SURVEY_ANSWER_TEXT_MAX + 2);

	load(&t);
	for (size_t len = SURVEY_ANSWER_TEXT_MAX; len <= SURVEY_ANSWER_TEXT_MAX + 1; len++) {
		struct survey_answers a;
		struct survey_problems p = SURVEY_PROBLEMS_INIT;

		memset(big, 'x', len);
		big[len] = 0;
		survey_answers_init(&a, &t);
		fill(&a, base);
		survey_answer_set(&survey_answers_get(&a, 5)->text, big, len);
		cr_expect_eq(survey_answers_check(&p, &t, &a), len > SURVEY_ANSWER_TEXT_MAX, "%zu bytes", len);
		survey_problems_release(&p);
		survey_answers_release(&a);
	}
	free(big);
	survey_template_release(&t);
}

Test(answer, every_problem_at_once_in_question_order)
{
	struct survey_template t;
	struct survey_answers a;
	struct survey_problems p = SURVEY_PROBLEMS_INIT;
	static const struct set bad[] = { { 2, 'c', "ABC" }, { 4, 'v', "-5" }, { 5, 't', "\x01" }, { 0, 0, NULL } };

	load(&t);
	survey_answers_init(&a, &t); /* 1 and 3 unanswered */
	fill(&a, bad);
	cr_assert_eq(survey_answers_check(&p, &t, &a), 5);
	for (size_t i = 0; i < 5; i++)
		cr_expect_eq(p.items[i].number, (int)i + 1, "problem %zu: %s", i, p.items[i].msg);
	survey_problems_release(&p);
	survey_answers_release(&a);
	survey_template_release(&t);
}
