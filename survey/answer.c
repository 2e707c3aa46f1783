/* survey/answer.c - the answers of one response and the one check of them
 * (survey/answer.h). */
#include "survey/answer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/xalloc.h"
#include "survey/fold.h"
#include "common/banned.h"

void survey_answers_init(struct survey_answers *out, const struct survey_template *t)
{
	out->nanswers = t->nquestions;
	out->answers = xcalloc(t->nquestions ? t->nquestions : 1, sizeof(*out->answers));
}

void survey_answers_release(struct survey_answers *a)
{
	for (size_t i = 0; i < a->nanswers; i++) {
		free(a->answers[i].choices);
		free(a->answers[i].other);
		free(a->answers[i].value);
		free(a->answers[i].text);
	}
	free(a->answers);
	a->answers = NULL;
	a->nanswers = 0;
}

struct survey_answer *survey_answers_get(struct survey_answers *a, int n)
{
	if (n < 1 || (size_t)n > a->nanswers)
		return NULL;
	return &a->answers[n - 1];
}

void survey_answer_set(char **field, const char *s, size_t len)
{
	free(*field);
	*field = xstrndup(s, len);
}

static int filled(const char *s)
{
	return s && *s;
}

int survey_answer_given(const struct survey_answer *answer)
{
	return filled(answer->choices) || filled(answer->other) || filled(answer->value) || filled(answer->text);
}

void survey_problems_release(struct survey_problems *p)
{
	for (size_t i = 0; i < p->nitems; i++)
		free(p->items[i].msg);
	free(p->items);
	p->items = NULL;
	p->nitems = p->alloc = 0;
}

static void problem(struct survey_problems *out, const struct survey_question *q, enum survey_problem_kind kind,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct survey_problems *out, const struct survey_question *q, enum survey_problem_kind kind,
		    const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	buf_addf(&msg, "question %d: ", q->number);
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	ALLOC_GROW(out->items, out->nitems + 1, out->alloc);
	out->items[out->nitems].number = q->number;
	out->items[out->nitems].kind = kind;
	out->items[out->nitems].msg = buf_detach(&msg, NULL);
	out->nitems++;
}

/* Free text: capped, valid UTF-8, nothing a terminal or XML would choke on
 * (tab and line ends are fine: a paragraph has them). */
static void check_text(struct survey_problems *out, const struct survey_question *q, const char *what, const char *s)
{
	size_t len = strlen(s);
	uint32_t cp;

	if (len > SURVEY_ANSWER_TEXT_MAX)
		problem(out, q, SURVEY_PROBLEM_TEXT, "%s is %zu bytes long, more than %d", what, len,
			SURVEY_ANSWER_TEXT_MAX);
	else if (!utf8_valid(s, len))
		problem(out, q, SURVEY_PROBLEM_TEXT, "%s is not valid UTF-8", what);
	else if (utf8_find_forbidden(s, len, &cp) >= 0)
		problem(out, q, SURVEY_PROBLEM_TEXT, "%s holds the control character U+%04X", what, (unsigned)cp);
}

static const struct survey_option *find_option(const struct survey_question *q, char label)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (q->options[i].label == label)
			return &q->options[i];
	return NULL;
}

static void check_choices(struct survey_problems *out, const struct survey_question *q, const struct survey_answer *a)
{
	const char *c = a->choices ? a->choices : "";
	size_t n = strlen(c);
	int other_chosen = 0;

	for (size_t i = 0; i < n; i++) {
		const struct survey_option *o = find_option(q, c[i]);
		if (!o) {
			if (c[i] > ' ' && c[i] < 0x7f)
				problem(out, q, SURVEY_PROBLEM_NO_OPTION, "there is no option %c", c[i]);
			else
				problem(out, q, SURVEY_PROBLEM_NO_OPTION, "an option is not a letter");
			continue;
		}
		if (memchr(c, c[i], i))
			problem(out, q, SURVEY_PROBLEM_TWICE, "option %c is chosen twice", c[i]);
		other_chosen |= o->other;
	}
	if (q->type == SURVEY_SINGLE && n > 1)
		problem(out, q, SURVEY_PROBLEM_ONE, "only one option may be chosen, not %zu", n);
	if (q->type == SURVEY_MULTI && q->max_choices && n > (size_t)q->max_choices)
		problem(out, q, SURVEY_PROBLEM_TOO_MANY, "at most %d options may be chosen, not %zu", q->max_choices,
			n);
	if (filled(a->other)) {
		if (!other_chosen)
			problem(out, q, SURVEY_PROBLEM_OTHER, "own text is given without choosing an \"other\" option");
		check_text(out, q, "the own text", a->other);
	}
}

/* A plain decimal: an optional '-', digits, an optional fraction. Not
 * strtod alone, which takes "inf", "0x10" and leading spaces too. */
static int read_number(const char *s, double *out, int *whole)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		p++;
	*whole = 1;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			*whole &= *p++ == '0';
	}
	if (*p || p - s > 32)
		return -1;
	*out = strtod(s, NULL);
	return 0;
}

static void check_value(struct survey_problems *out, const struct survey_question *q, const char *value)
{
	double v;
	int whole;

	if (read_number(value, &v, &whole) < 0) {
		problem(out, q, SURVEY_PROBLEM_NOT_NUMBER, "'%.*s' is not a number",
			survey_clip(value, strlen(value), 40), value);
		return;
	}
	if (q->type == SURVEY_RATING && !whole) {
		problem(out, q, SURVEY_PROBLEM_WHOLE, "a rating is a whole number, not %s", value);
		return;
	}
	if (q->type == SURVEY_RATING && (v < (double)q->lo || v > (double)q->hi))
		problem(out, q, SURVEY_PROBLEM_RANGE, "%s is not on the scale %lld-%lld", value, q->lo, q->hi);
	else if (q->has_lo && v < (double)q->lo)
		problem(out, q, SURVEY_PROBLEM_RANGE, "%s is less than %lld", value, q->lo);
	else if (q->has_hi && v > (double)q->hi)
		problem(out, q, SURVEY_PROBLEM_RANGE, "%s is more than %lld", value, q->hi);
}

static void check_one(struct survey_problems *out, const struct survey_question *q, const struct survey_answer *a)
{
	int choice = survey_type_has_options(q->type), valued = q->type == SURVEY_RATING || q->type == SURVEY_NUMBER;

	if (!survey_answer_given(a)) {
		if (q->required)
			problem(out, q, SURVEY_PROBLEM_REQUIRED, "an answer is required");
		return;
	}
	if (!choice && (filled(a->choices) || filled(a->other)))
		problem(out, q, SURVEY_PROBLEM_KIND, "takes no options but a %s", survey_type_name(q->type));
	if (!valued && filled(a->value))
		problem(out, q, SURVEY_PROBLEM_KIND, "takes no number but %s", choice ? "options" : "text");
	if (q->type != SURVEY_TEXT && filled(a->text))
		problem(out, q, SURVEY_PROBLEM_KIND, "takes no free text but %s", choice ? "options" : "a number");
	if (choice)
		check_choices(out, q, a);
	else if (valued && filled(a->value))
		check_value(out, q, a->value);
	else if (q->type == SURVEY_TEXT && filled(a->text))
		check_text(out, q, "the text", a->text);
	if (q->required && choice && !filled(a->choices) && !filled(a->other))
		problem(out, q, SURVEY_PROBLEM_REQUIRED, "an answer is required");
	else if (q->required && valued && !filled(a->value))
		problem(out, q, SURVEY_PROBLEM_REQUIRED, "an answer is required");
}

size_t survey_answers_check(struct survey_problems *out, const struct survey_template *t,
			    const struct survey_answers *a)
{
	size_t before = out->nitems;

	if (a->nanswers != t->nquestions)
		BUG("answers to %zu questions for a questionnaire of %zu", a->nanswers, t->nquestions);
	for (size_t i = 0; i < t->nquestions; i++)
		check_one(out, &t->questions[i], &a->answers[i]);
	return out->nitems - before;
}
