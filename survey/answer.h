/* survey/answer.h - the answers of one response to one questionnaire, and
 * the one check every way of answering goes through: the web form, an
 * e-mail reply and a text reply are held to the same rules, and a bad
 * response gets every problem at once, each with its question, so that the
 * form can show each beside its question. */
#ifndef SURVEY_ANSWER_H
#define SURVEY_ANSWER_H

#include <stddef.h>

#include "survey/template.h"

/* Bytes of one free-text or "other" answer: a long paragraph, not a file. */
#define SURVEY_ANSWER_TEXT_MAX 4000

/* What was answered to one question; NULL (or "" for choices) is "not
 * answered". Which fields a question takes follows its type: choices and
 * other for single and multi, value for rating and number, text for text. */
struct survey_answer {
	char *choices; /* the option labels chosen, "AC", in the order given */
	char *other;   /* the respondent's own text for an [other] option */
	char *value;   /* a rating or number as typed ("4", "12.5"), ASCII */
	char *text;    /* free text, UTF-8 */
};

/* One answer per question of the questionnaire they answer. */
struct survey_answers {
	struct survey_answer *answers; /* answers[n - 1] answers question n */
	size_t nanswers;
};

/* Empty answers to each question of t; release with survey_answers_release. */
void survey_answers_init(struct survey_answers *out, const struct survey_template *t);
void survey_answers_release(struct survey_answers *a);

/* The answer to question n (1…N), or NULL. */
struct survey_answer *survey_answers_get(struct survey_answers *a, int n);

/* Set one field of an answer (answer->choices, ->other, …) to a copy of
 * s (len bytes), replacing what it held. */
void survey_answer_set(char **field, const char *s, size_t len);

/* Is anything answered to this question? */
int survey_answer_given(const struct survey_answer *answer);

/* What is wrong with the answer to one question, so that a form can say
 * it in the respondent's language; msg says it in English. */
enum survey_problem_kind {
	SURVEY_PROBLEM_REQUIRED,   /* a required question is not answered */
	SURVEY_PROBLEM_NO_OPTION,  /* a label that is not one of the options */
	SURVEY_PROBLEM_TWICE,	   /* the same option chosen twice */
	SURVEY_PROBLEM_ONE,	   /* a single choice with more than one option */
	SURVEY_PROBLEM_TOO_MANY,   /* a multiple choice past its max */
	SURVEY_PROBLEM_NOT_NUMBER, /* a rating or number that is not one */
	SURVEY_PROBLEM_RANGE,	   /* a rating or number outside its bounds */
	SURVEY_PROBLEM_WHOLE,	   /* a rating that is not a whole number */
	SURVEY_PROBLEM_TEXT,	   /* text too long, not UTF-8, or with control characters */
	SURVEY_PROBLEM_OTHER,	   /* "other" text without an [other] option chosen */
	SURVEY_PROBLEM_KIND,	   /* an answer of the wrong kind (options to a rating…) */
};

struct survey_problem {
	int number; /* the question */
	enum survey_problem_kind kind;
	char *msg; /* "question 3: 7 is not on the scale 1-5" */
};

struct survey_problems {
	struct survey_problem *items;
	size_t nitems, alloc;
};

#define SURVEY_PROBLEMS_INIT                                                                                           \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

void survey_problems_release(struct survey_problems *p);

/* Check a against t: required questions answered, option labels that
 * exist, one option for a single choice, at most max for a multiple one,
 * a rating whole and on its scale, a number within its bounds, text at
 * most SURVEY_ANSWER_TEXT_MAX bytes of valid UTF-8 without control
 * characters, "other" text only with an [other] option chosen. Every
 * problem is added to out, in the order of the questions; returns how
 * many were added (0: the answers may be stored). */
size_t survey_answers_check(struct survey_problems *out, const struct survey_template *t,
			    const struct survey_answers *a);

#endif
