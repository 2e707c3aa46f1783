/* survey/template.c - the questionnaire file (survey/template.h): parse it
 * into the model, every problem at once, and render the model as the text
 * a respondent reads. */
#include "survey/template.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/xalloc.h"
#include "survey/fold.h"
#include "common/banned.h"

static const char *const type_names[] = { "single", "multi", "rating", "number", "text" };

const char *survey_type_name(enum survey_type type)
{
	if ((size_t)type >= ARRAY_SIZE(type_names))
		BUG("survey type %d", (int)type);
	return type_names[type];
}

int survey_type_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (!strcmp(type_names[i], name))
			return (int)i;
	return -1;
}

int survey_type_has_options(enum survey_type type)
{
	return type == SURVEY_SINGLE || type == SURVEY_MULTI;
}

/* ------------------------------------------------------------ reading */

/* The rest of a line, read a folded character at a time. */
struct cur {
	const char *s;
	size_t n;
};

static uint32_t peek(const struct cur *c, size_t *len)
{
	uint32_t cp;
	size_t l;

	if (!c->n) {
		*len = 0;
		return 0;
	}
	l = utf8_decode(c->s, c->n, &cp);
	if (!l) /* the lines were checked: cannot happen, but stay in bounds */
		l = 1, cp = 0xFFFD;
	*len = l;
	return survey_fold(cp);
}

static uint32_t next(struct cur *c)
{
	size_t len;
	uint32_t cp = peek(c, &len);
	c->s += len;
	c->n -= len;
	return cp;
}

static int eat(struct cur *c, uint32_t want)
{
	size_t len;
	if (!c->n || peek(c, &len) != want)
		return 0;
	c->s += len;
	c->n -= len;
	return 1;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t';
}

static void skip_space(struct cur *c)
{
	size_t len;
	while (c->n && is_space(peek(c, &len))) {
		c->s += len;
		c->n -= len;
	}
}

/* Leave out the spaces at the end of c. */
static void trim_end(struct cur *c)
{
	for (;;) {
		if (c->n && (c->s[c->n - 1] == ' ' || c->s[c->n - 1] == '\t'))
			c->n--;
		else if (c->n >= 2 && !memcmp(c->s + c->n - 2, "\xc2\xa0", 2))
			c->n -= 2;
		else if (c->n >= 3 && !memcmp(c->s + c->n - 3, "\xe3\x80\x80", 3))
			c->n -= 3;
		else
			return;
	}
}

static int is_digit(uint32_t cp)
{
	return cp >= '0' && cp <= '9';
}

/* The folded character after the first one of c (0 at the end). */
static uint32_t second(const struct cur *c)
{
	struct cur d = *c;
	next(&d);
	size_t len;
	return peek(&d, &len);
}

/* ------------------------------------------------------------ problems */

struct problem {
	int line;
	size_t seq; /* the order it was found in */
	char *msg;
};

struct parser {
	const char *file;
	struct survey_template *t;
	struct problem *problems;
	size_t nproblems, problems_alloc;
	int line;

	int title_line;	     /* 0: no title yet */
	int first_text_line; /* the first line of text, 0: none yet */
	int text_before_title;
	int blank_pending; /* a blank line in the introduction, kept if text follows */
	struct buf intro;

	int expect;			    /* the number the next question should have */
	int seen[SURVEY_QUESTIONS_MAX + 1]; /* the line of each number seen */
	struct survey_question *q;	    /* the question being read */
	int q_typed, q_refused;		    /* its type was given; its options were refused */
	int too_many;			    /* said there are too many questions */
};

static void problem(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void problem(struct parser *p, int line, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ALLOC_GROW(p->problems, p->nproblems + 1, p->problems_alloc);
	p->problems[p->nproblems].line = line;
	p->problems[p->nproblems].seq = p->nproblems;
	p->problems[p->nproblems].msg = buf_detach(&b, NULL);
	p->nproblems++;
}

static int by_line(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	/* the order they were found in: qsort is not stable */
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ------------------------------------------------------------ attributes */

enum attr { A_SINGLE, A_MULTI, A_RATING, A_NUMBER, A_TEXT, A_REQUIRED, A_OPTIONAL, A_MAX, A_MIN, A_OTHER };

/* Longer names first: the first that matches is taken. */
static const struct {
	const char *word;
	enum attr attr;
} attr_words[] = {
	{ "single", A_SINGLE }, { "单选题", A_SINGLE }, { "单选", A_SINGLE },	    { "multiple", A_MULTI },
	{ "multi", A_MULTI },	{ "多选题", A_MULTI },	{ "多选", A_MULTI },	    { "rating", A_RATING },
	{ "评分题", A_RATING }, { "评分", A_RATING },	{ "打分", A_RATING },	    { "number", A_NUMBER },
	{ "数字", A_NUMBER },	{ "数值", A_NUMBER },	{ "text", A_TEXT },	    { "填空题", A_TEXT },
	{ "填空", A_TEXT },	{ "文本", A_TEXT },	{ "简答", A_TEXT },	    { "required", A_REQUIRED },
	{ "必答", A_REQUIRED }, { "必填", A_REQUIRED }, { "optional", A_OPTIONAL }, { "选答", A_OPTIONAL },
	{ "选填", A_OPTIONAL }, { "可选", A_OPTIONAL }, { "max", A_MAX },	    { "最多", A_MAX },
	{ "min", A_MIN },	{ "最少", A_MIN },	{ "other", A_OTHER },	    { "请注明", A_OTHER },
	{ "其他", A_OTHER },
};

static const char *const attr_names[] = { "single",   "multi",	  "rating", "number", "text",
					  "required", "optional", "max",    "min",    "other" };

static uint32_t lower(uint32_t cp)
{
	return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
}

/* Does c start with word (folded, ASCII in any case)? An ASCII word must
 * end there ("singles" is no "single"). Advances c past it when it does. */
static int starts_with(struct cur *c, const char *word)
{
	struct cur d = *c, w = { word, strlen(word) };
	size_t len;

	while (w.n)
		if (!d.n || lower(next(&d)) != next(&w))
			return 0;
	if ((unsigned char)word[0] < 0x80 && lower(peek(&d, &len)) >= 'a' && lower(peek(&d, &len)) <= 'z')
		return 0;
	*c = d;
	return 1;
}

/* A whole number at c (folded digits, an optional '-'), at most
 * SURVEY_BOUND_MAX in size. */
static int read_int(struct cur *c, long long *out)
{
	int neg = eat(c, '-'), digits = 0;
	long long v = 0;
	size_t len;

	while (is_digit(peek(c, &len))) {
		uint32_t d = next(c);
		if (v > SURVEY_BOUND_MAX / 10)
			return -1;
		v = v * 10 + (long long)(d - '0');
		digits++;
	}
	if (!digits || v > SURVEY_BOUND_MAX)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

/* "LO-HI" (or ~, 至, 到 between them). */
static int read_range(struct cur *c, long long *lo, long long *hi)
{
	if (read_int(c, lo))
		return -1;
	skip_space(c);
	if (!eat(c, '-') && !eat(c, '~') && !eat(c, 0x81F3 /* 至 */) && !eat(c, 0x5230 /* 到 */))
		return -1;
	skip_space(c);
	return read_int(c, hi);
}

/* What the bracket group of a question line says. */
struct attrs {
	int type; /* enum survey_type, -1: none given */
	int required, optional, other;
	int has_range, has_max, has_min;
	long long lo, hi, max, min;
	int seen[ARRAY_SIZE(attr_names)];
};

/* Read one attribute, the text of item (a piece between commas). */
static void read_attr(struct parser *p, struct attrs *a, struct cur item, int is_option)
{
	struct cur c = item;
	int attr = -1;

	for (size_t i = 0; i < ARRAY_SIZE(attr_words) && attr < 0; i++)
		if (starts_with(&c, attr_words[i].word))
			attr = (int)attr_words[i].attr;
	if (attr < 0 || (is_option && attr != A_OTHER)) {
		if (is_option)
			problem(p, p->line, "unknown attribute '%.*s' of an option: an option takes only [other]",
				(int)item.n, item.s);
		else
			problem(p, p->line,
				"unknown attribute '%.*s': a question takes a type (single, multi, rating, number, "
				"text), required or optional, max N, min N",
				(int)item.n, item.s);
		return;
	}
	if (a->seen[attr]++) {
		problem(p, p->line, "'%s' twice", attr_names[attr]);
		return;
	}
	skip_space(&c);
	if (eat(&c, ':') || eat(&c, '='))
		skip_space(&c);
	switch (attr) {
	case A_SINGLE:
	case A_MULTI:
	case A_RATING:
	case A_NUMBER:
	case A_TEXT:
		if (a->type >= 0) {
			problem(p, p->line, "two types: '%s' and '%s'", type_names[a->type], type_names[attr]);
			return;
		}
		a->type = attr;
		if (!c.n)
			return;
		if (attr == A_RATING || attr == A_NUMBER) {
			struct cur v = c;
			long long top;
			if (!read_range(&c, &a->lo, &a->hi) && !c.n) {
				a->has_range = 1;
				return;
			}
			c = v;
			if (attr == A_RATING && !read_int(&c, &top) && !c.n) {
				a->has_range = 1;
				a->lo = 1;
				a->hi = top;
				return;
			}
			problem(p, p->line, "'%.*s': a %s takes a range of whole numbers, as in '%s'", (int)item.n,
				item.s, type_names[attr], attr == A_RATING ? "rating 1-5" : "number 0-100");
			return;
		}
		problem(p, p->line, "'%.*s': '%s' takes no value", (int)item.n, item.s, type_names[attr]);
		return;
	case A_MAX:
	case A_MIN: {
		int bad = read_int(&c, attr == A_MAX ? &a->max : &a->min);
		skip_space(&c);
		if (attr == A_MAX)
			eat(&c, 0x9879); /* 项, as in 最多2项 */
		if (bad || c.n) {
			problem(p, p->line, "'%.*s': '%s' takes a whole number, as in '%s 2'", (int)item.n, item.s,
				attr_names[attr], attr_names[attr]);
			return;
		}
		*(attr == A_MAX ? &a->has_max : &a->has_min) = 1;
		return;
	}
	default:
		if (c.n) {
			problem(p, p->line, "'%.*s': '%s' takes no value", (int)item.n, item.s, attr_names[attr]);
			return;
		}
		if (attr == A_REQUIRED)
			a->required = 1;
		else if (attr == A_OPTIONAL)
			a->optional = 1;
		else
			a->other = 1;
	}
}

/* Split a line's rest into its text and the bracket group at its end
 * ("… [single, required]"), and read the group's attributes. */
static void split_attrs(struct parser *p, struct cur rest, struct cur *text, struct attrs *a, int is_option)
{
	struct cur c = rest;
	const char *open = NULL;
	uint32_t last = 0;

	memset(a, 0, sizeof(*a));
	a->type = -1;
	*text = rest;
	while (c.n) {
		const char *at = c.s;
		last = next(&c);
		if (last == '[')
			open = at;
	}
	if (last != ']' || !open)
		return;
	text->n = (size_t)(open - rest.s);
	trim_end(text);
	c.s = open;
	c.n = rest.n - (size_t)(open - rest.s);
	next(&c); /* [ */
	while (c.n) {
		struct cur item = c;
		size_t len;
		uint32_t ch;
		/* up to the next comma or semicolon, or the closing bracket */
		while (c.n && (ch = peek(&c, &len)) != ',' && ch != ';' && !(ch == ']' && len == c.n))
			next(&c);
		item.n = (size_t)(c.s - item.s);
		skip_space(&item);
		trim_end(&item);
		if (!item.n)
			problem(p, p->line, "an empty attribute in '%.*s'", (int)(rest.n - (size_t)(open - rest.s)),
				open);
		else
			read_attr(p, a, item, is_option);
		if (next(&c) == ']')
			break;
	}
}

/* ------------------------------------------------------------ lines */

static char *text_dup(struct parser *p, const struct cur *c, const char *what)
{
	if (c->n > SURVEY_TEXT_MAX)
		problem(p, p->line, "%s is longer than %d bytes", what, SURVEY_TEXT_MAX);
	return xstrndup(c->s, c->n);
}

/* The question being read is complete: check what needs all of it. */
static void finish_question(struct parser *p)
{
	struct survey_question *q = p->q;

	if (!q)
		return;
	p->q = NULL;
	if (!p->q_typed)
		q->type = q->noptions ? SURVEY_SINGLE : SURVEY_TEXT;
	if (!survey_type_has_options(q->type))
		return;
	if (q->noptions == 0)
		problem(p, q->line,
			"question %d is a %s choice question without options (A. …, B. … on the lines below it)",
			q->number, q->type == SURVEY_SINGLE ? "single" : "multiple");
	else if (q->noptions == 1)
		problem(p, q->line, "question %d has one option: a choice needs two or more", q->number);
	if (q->max_choices && (size_t)q->max_choices > q->noptions && q->noptions)
		problem(p, q->line, "question %d: max %d, but it has %zu options", q->number, q->max_choices,
			q->noptions);
}

/* The attributes a of question q, checked against each other. */
static void apply_attrs(struct parser *p, struct survey_question *q, const struct attrs *a)
{
	int type = a->type;

	p->q_typed = type >= 0;
	if (a->other)
		problem(p, p->line, "'other' belongs after an option, as in 'C. 其他 [other]'");
	if (a->required && a->optional)
		problem(p, p->line, "both required and optional");
	q->required = a->required;
	if (type < 0 && (a->has_max || a->has_min)) {
		problem(p, p->line, "'%s' needs a type: [multi, max 2] or [number, max 100]",
			a->has_max ? "max" : "min");
		return;
	}
	if (type < 0)
		return;
	q->type = (enum survey_type)type;
	if (a->has_min && type != SURVEY_NUMBER)
		problem(p, p->line, "'min' is for number questions, not %s", type_names[type]);
	if (a->has_max && type != SURVEY_NUMBER && type != SURVEY_MULTI)
		problem(p, p->line, "'max' is for multi and number questions, not %s", type_names[type]);
	if (type == SURVEY_MULTI && a->has_max) {
		if (a->max < 1 || a->max > SURVEY_OPTIONS_MAX)
			problem(p, p->line, "max %lld: a multi question's max is 1 to the number of its options",
				a->max);
		else
			q->max_choices = (int)a->max;
	}
	if (type == SURVEY_RATING) {
		q->has_lo = q->has_hi = 1;
		q->lo = a->has_range ? a->lo : 1;
		q->hi = a->has_range ? a->hi : 5;
		if (q->lo < 0 || q->hi > SURVEY_RATING_MAX || q->lo >= q->hi)
			problem(p, p->line,
				"rating %lld-%lld: a scale runs from 0 or more up to %d at most, low to high", q->lo,
				q->hi, SURVEY_RATING_MAX);
	}
	if (type == SURVEY_NUMBER) {
		if (a->has_range && (a->has_min || a->has_max))
			problem(p, p->line, "the bounds twice: a range and %s", a->has_min ? "min" : "max");
		q->has_lo = a->has_range || a->has_min;
		q->has_hi = a->has_range || a->has_max;
		q->lo = a->has_range ? a->lo : a->min;
		q->hi = a->has_range ? a->hi : a->max;
		if (q->has_lo && q->has_hi && q->lo >= q->hi)
			problem(p, p->line, "number %lld-%lld: the low bound must be below the high one", q->lo, q->hi);
	}
}

static void question_line(struct parser *p, long long n, struct cur rest)
{
	struct survey_template *t = p->t;
	struct survey_question *q;
	struct attrs a;
	struct cur text;

	finish_question(p);
	if (n < 1) {
		problem(p, p->line, "question %lld: the first question is 1", n);
	} else if (n > SURVEY_QUESTIONS_MAX) {
		if (!p->too_many++)
			problem(p, p->line, "question %lld: a questionnaire has questions 1 to %d", n,
				SURVEY_QUESTIONS_MAX);
	} else if (p->seen[n]) {
		problem(p, p->line, "question %lld twice (also on line %d)", n, p->seen[n]);
	} else if (n != p->expect) {
		problem(p, p->line, "question %lld where %d was expected (1, 2, 3… in order)", n, p->expect);
	}
	if (n >= 1 && n <= SURVEY_QUESTIONS_MAX && !p->seen[n])
		p->seen[n] = p->line;
	p->expect = (int)(n >= 0 && n < SURVEY_QUESTIONS_MAX ? n + 1 : SURVEY_QUESTIONS_MAX + 1);

	ALLOC_GROW(t->questions, t->nquestions + 1, t->questions_alloc);
	q = p->q = &t->questions[t->nquestions++];
	memset(q, 0, sizeof(*q));
	q->number = (int)(n >= 0 && n <= SURVEY_QUESTIONS_MAX ? n : 0);
	q->line = p->line;
	p->q_refused = 0;
	split_attrs(p, rest, &text, &a, 0);
	if (!text.n)
		problem(p, p->line, "question %lld has no text", n);
	q->text = text_dup(p, &text, "the question");
	apply_attrs(p, q, &a);
}

static void option_line(struct parser *p, char label, struct cur rest)
{
	struct survey_question *q = p->q;
	struct survey_option *o;
	struct attrs a;
	struct cur text;
	char expect;

	if (!q) {
		problem(p, p->line, "an option before the first question");
		return;
	}
	if (p->q_typed && !survey_type_has_options(q->type)) {
		if (!p->q_refused++)
			problem(p, p->line, "question %d is a %s question: it takes no options", q->number,
				type_names[q->type]);
		return;
	}
	expect = q->noptions ? (char)(q->options[q->noptions - 1].label + 1) : 'A';
	if (label != expect) {
		int twice = 0;
		for (size_t i = 0; i < q->noptions; i++)
			twice |= q->options[i].label == label;
		if (twice)
			problem(p, p->line, "option %c of question %d twice", label, q->number);
		else
			problem(p, p->line, "option %c of question %d where %c was expected (A, B, C… in order)", label,
				q->number, expect);
	}
	split_attrs(p, rest, &text, &a, 1);
	if (!text.n)
		problem(p, p->line, "option %c of question %d has no text", label, q->number);
	ALLOC_GROW(q->options, q->noptions + 1, q->options_alloc);
	o = &q->options[q->noptions++];
	o->label = label;
	o->other = a.other;
	o->text = text_dup(p, &text, "the option");
}

static void title_line(struct parser *p, struct cur rest)
{
	if (p->title_line) {
		problem(p, p->line, "a second title: the title is line %d ('#' starts only the first line)",
			p->title_line);
		return;
	}
	p->title_line = p->line;
	if (p->first_text_line < p->line)
		p->text_before_title = p->first_text_line;
	skip_space(&rest);
	if (!rest.n)
		problem(p, p->line, "the title is empty: '# ' and the questionnaire's title");
	free(p->t->title);
	p->t->title = text_dup(p, &rest, "the title");
}

static void text_line(struct parser *p, struct cur line)
{
	if (p->t->nquestions) {
		problem(p, p->line,
			"a line that is no question ('1. TEXT [single, required]') nor option ('A. TEXT'): "
			"a question's text is one line");
		return;
	}
	if (!p->title_line)
		return; /* text before the title: said once, at the end */
	if (p->intro.len)
		buf_adds(&p->intro, p->blank_pending ? "\n\n" : "\n");
	p->blank_pending = 0;
	if (line.n > SURVEY_TEXT_MAX)
		problem(p, p->line, "the introduction's line is longer than %d bytes", SURVEY_TEXT_MAX);
	buf_add(&p->intro, line.s, line.n);
}

/* A line that cannot be read still counts as the question it numbers (its
 * readable start "8. "), so that the next is not said to be out of order. */
static void count_question(struct parser *p, const char *s, size_t n)
{
	struct cur c = { s, n };
	long long num = 0;
	int digits = 0;
	size_t len;

	skip_space(&c);
	while (is_digit(peek(&c, &len)) && digits < 4)
		num = num * 10 + (long long)(next(&c) - '0'), digits++;
	if (digits && num >= p->expect && num <= SURVEY_QUESTIONS_MAX &&
	    (eat(&c, '.') || eat(&c, ',') || eat(&c, ')'))) {
		p->seen[num] = p->line;
		p->expect = (int)num + 1;
	}
}

/* One line, without its line end. */
static void read_line(struct parser *p, const char *s, size_t n)
{
	struct cur c = { s, n };
	uint32_t cp;
	long bad = utf8_find_forbidden(s, n, &cp);
	size_t len;

	if (bad >= 0) {
		int col = 1;
		for (struct cur d = { s, (size_t)bad }; d.n; col++)
			next(&d);
		if (cp == 0xFFFFFFFF)
			problem(p, p->line, "column %d: not valid UTF-8 (save the file as UTF-8, not GBK or Big5)",
				col);
		else
			problem(p, p->line, "column %d: control character U+%04X", col, (unsigned)cp);
		count_question(p, s, (size_t)bad);
		return;
	}
	skip_space(&c);
	trim_end(&c);
	if (!c.n) {
		if (p->intro.len)
			p->blank_pending = 1;
		return;
	}
	if (!p->first_text_line)
		p->first_text_line = p->line;
	cp = peek(&c, &len);
	if (cp == '#') {
		next(&c);
		title_line(p, c);
		return;
	}
	if (is_digit(cp)) {
		struct cur d = c;
		long long n_ = 0;
		int digits = 0;
		while (is_digit(peek(&d, &len)) && digits < 12)
			n_ = n_ * 10 + (long long)(next(&d) - '0'), digits++;
		cp = peek(&d, &len);
		if ((cp == '.' || cp == ',' || cp == ')') && !is_digit(second(&d))) {
			next(&d);
			skip_space(&d);
			question_line(p, n_, d);
			return;
		}
	}
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) {
		uint32_t t = second(&c);
		if (t == '.' || t == ',' || t == ')') {
			char label = (char)(cp >= 'a' ? cp - 32 : cp);
			next(&c);
			next(&c);
			skip_space(&c);
			option_line(p, label, c);
			return;
		}
	}
	text_line(p, c);
}

void survey_template_release(struct survey_template *t)
{
	for (size_t i = 0; i < t->nquestions; i++) {
		struct survey_question *q = &t->questions[i];
		for (size_t k = 0; k < q->noptions; k++)
			free(q->options[k].text);
		free(q->options);
		free(q->text);
	}
	free(t->questions);
	free(t->title);
	free(t->intro);
	memset(t, 0, sizeof(*t));
}

int survey_template_parse(struct survey_template *out, const char *file, const char *data, size_t len, struct err *err)
{
	struct parser p = { .file = file, .t = out, .expect = 1 };
	const char *s = data, *end = data + len;
	int rc = 0, refused = 1;

	memset(out, 0, sizeof(*out));
	buf_init(&p.intro);
	if (len > SURVEY_FILE_MAX) {
		p.line = 1;
		problem(&p, 1, "the file is larger than %u bytes", SURVEY_FILE_MAX);
		s = end;
	} else if (len >= 2 && ((unsigned char)s[0] == 0xFF || (unsigned char)s[0] == 0xFE) &&
		   ((unsigned char)s[1] == 0xFF || (unsigned char)s[1] == 0xFE)) {
		problem(&p, 1, "the file is UTF-16: save it as UTF-8");
		s = end;
	} else {
		refused = 0;
		if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
			s += 3;
	}
	while (s < end) {
		const char *e = s;
		while (e < end && *e != '\n' && *e != '\r')
			e++;
		p.line++;
		read_line(&p, s, (size_t)(e - s));
		if (e < end && *e == '\r' && e + 1 < end && e[1] == '\n')
			e++;
		s = e < end ? e + 1 : end;
	}
	finish_question(&p);
	/* a file refused whole has had its say */
	if (!refused && !p.title_line)
		problem(&p, p.first_text_line ? p.first_text_line : 1,
			"no title: the first line is '# ' and the questionnaire's title");
	else if (!refused && p.text_before_title)
		problem(&p, p.text_before_title, "text before the title (line %d): the title comes first",
			p.title_line);
	if (!refused && !out->nquestions)
		problem(&p, p.line ? p.line : 1, "no questions: a question is a line such as '1. TEXT [single]'");
	out->intro = buf_detach(&p.intro, NULL);
	if (p.nproblems) {
		qsort(p.problems, p.nproblems, sizeof(*p.problems), by_line);
		for (size_t i = 0; i < p.nproblems; i++) {
			if (!i)
				rc = err_set(err, ERR_INPUT, "%s:%d: %s", file, p.problems[i].line, p.problems[i].msg);
			else
				err_detail(err, "%s:%d: %s", file, p.problems[i].line, p.problems[i].msg);
		}
		survey_template_release(out);
	}
	for (size_t i = 0; i < p.nproblems; i++)
		free(p.problems[i].msg);
	free(p.problems);
	return rc;
}

const struct survey_question *survey_template_question(const struct survey_template *t, int n)
{
	return n >= 1 && (size_t)n <= t->nquestions ? &t->questions[n - 1] : NULL;
}

/* ------------------------------------------------------------ rendering */

static int has_cjk(const char *s)
{
	struct cur c = { s, strlen(s) };
	while (c.n) {
		uint32_t cp;
		size_t len = utf8_decode(c.s, c.n, &cp);
		if (!len)
			len = 1, cp = 0;
		if ((cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF))
			return 1;
		c.s += len;
		c.n -= len;
	}
	return 0;
}

enum survey_lang survey_template_lang(const struct survey_template *t)
{
	if (t->title && has_cjk(t->title))
		return SURVEY_LANG_ZH;
	for (size_t i = 0; i < t->nquestions; i++)
		if (has_cjk(t->questions[i].text))
			return SURVEY_LANG_ZH;
	return SURVEY_LANG_EN;
}

/* The words of the hints in each language: a type, required, max N, min N,
 * the mark of an option with the respondent's own text, and the brackets
 * and separator. Each is a name of the file format, so that the text
 * rendered parses back to the same questionnaire. */
static const struct hint_words {
	const char *type[5];
	const char *required, *max, *max_unit, *min, *other, *open, *close, *sep;
} hint_words[] = {
	[SURVEY_LANG_EN] = { { "single", "multi", "rating", "number", "text" },
			     "required",
			     "max ",
			     "",
			     "min ",
			     "[other]",
			     "[",
			     "]",
			     ", " },
	[SURVEY_LANG_ZH] = { { "单选", "多选", "评分", "数字", "填空" },
			     "必答",
			     "最多",
			     "项",
			     "最少",
			     "【请注明】",
			     "【",
			     "】",
			     "，" },
};

static void render_hints(struct buf *out, const struct survey_question *q, const struct hint_words *w)
{
	buf_addf(out, " %s%s", w->open, w->type[q->type]);
	if (q->type == SURVEY_RATING || (q->type == SURVEY_NUMBER && q->has_lo && q->has_hi))
		buf_addf(out, " %lld-%lld", q->lo, q->hi);
	else if (q->type == SURVEY_NUMBER && q->has_lo)
		buf_addf(out, "%s%s%lld", w->sep, w->min, q->lo);
	else if (q->type == SURVEY_NUMBER && q->has_hi)
		buf_addf(out, "%s%s%lld", w->sep, w->max, q->hi);
	if (q->type == SURVEY_MULTI && q->max_choices)
		buf_addf(out, "%s%s%d%s", w->sep, w->max, q->max_choices, w->max_unit);
	if (q->required)
		buf_addf(out, "%s%s", w->sep, w->required);
	buf_adds(out, w->close);
}

void survey_template_render(struct buf *out, const struct survey_template *t, const struct survey_render *how)
{
	const struct hint_words *w = &hint_words[how->lang == SURVEY_LANG_ZH ? SURVEY_LANG_ZH : SURVEY_LANG_EN];

	buf_addf(out, "# %s\n", t->title);
	if (t->intro && *t->intro)
		buf_addf(out, "\n%s\n", t->intro);
	if (how->instructions && *how->instructions) {
		size_t n = strlen(how->instructions);
		buf_addf(out, "\n%s%s", how->instructions, how->instructions[n - 1] == '\n' ? "" : "\n");
	}
	for (size_t i = 0; i < t->nquestions; i++) {
		const struct survey_question *q = &t->questions[i];
		buf_addf(out, "\n%d. %s", q->number, q->text);
		render_hints(out, q, w);
		buf_addch(out, '\n');
		for (size_t k = 0; k < q->noptions; k++)
			buf_addf(out, "   %c. %s%s%s\n", q->options[k].label, q->options[k].text,
				 q->options[k].other ? " " : "", q->options[k].other ? w->other : "");
	}
}
