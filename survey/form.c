/* survey/form.c - the questionnaire as a web page and the answers posted
 * back (survey/form.h); application/x-www-form-urlencoded as HTML 5,
 * section 4.10.21.7 reads it, but strictly: what our form never sends is
 * refused, not guessed at. */
#include "survey/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "survey/fold.h"
#include "common/banned.h"

/* ------------------------------------------------------------ languages */

/* A language range's q-value (RFC 9110, 12.4.2) in thousandths, or -1. */
static int qvalue(const char *s, size_t n)
{
	int v = 0, scale = 1000;

	if (!n || (s[0] != '0' && s[0] != '1'))
		return -1;
	v = (s[0] - '0') * 1000;
	if (n == 1)
		return v;
	if (s[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		scale /= 10;
		v += (s[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Does the range tag (n bytes) name lang, the primary subtag "zh" or "en"? */
static int names(const char *tag, size_t n, const char *lang)
{
	return n >= 2 && !strncasecmp(tag, lang, 2) && (n == 2 || tag[2] == '-');
}

enum survey_lang survey_form_lang(const char *accept_language, enum survey_lang fallback)
{
	enum survey_lang best = fallback;
	int best_q = 0;
	const char *p = accept_language;

	while (p && *p) {
		const char *end = strchr(p, ','), *tag, *semi;
		size_t len, tag_len;
		int q = 1000;

		if (!end)
			end = p + strlen(p);
		while (p < end && is_ows(*p))
			p++;
		len = (size_t)(end - p);
		tag = p;
		semi = memchr(p, ';', len);
		tag_len = semi ? (size_t)(semi - p) : len;
		while (tag_len && is_ows(tag[tag_len - 1]))
			tag_len--;
		if (semi) {
			const char *v = semi + 1, *v_end = end;
			while (v < v_end && is_ows(*v))
				v++;
			while (v_end > v && is_ows(v_end[-1]))
				v_end--;
			q = v_end - v > 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '='
				    ? qvalue(v + 2, (size_t)(v_end - v - 2))
				    : -1;
		}
		if (q > best_q) {
			if (names(tag, tag_len, "zh")) {
				best = SURVEY_LANG_ZH;
				best_q = q;
			} else if (names(tag, tag_len, "en")) {
				best = SURVEY_LANG_EN;
				best_q = q;
			} else if (tag_len == 1 && tag[0] == '*') {
				best = fallback;
				best_q = q;
			}
		}
		p = *end ? end + 1 : end;
	}
	return best;
}

/* The words of the pages in each language. */
static const struct words {
	const char *html_lang;
	const char *required, *submit, *other_label, *choose, *rating_lo, *rating_hi, *at_most_pre, *at_most_post;
	const char *fix_pre, *fix_post, *fix_one;
	/* problems */
	const char *p_required, *p_no_option, *p_twice, *p_one, *p_number, *p_rating, *p_whole, *p_long, *p_chars;
	const char *p_other, *p_kind, *p_range_rating, *p_range_between, *p_range_min, *p_range_max;
	/* pages: title, text */
	const char *pages[7][2];
} words[] = {
	[SURVEY_LANG_ZH] = {
		.html_lang = "zh-CN",
		.required = "（必答）",
		.submit = "提交",
		.other_label = "请注明",
		.choose = "请选择",
		.rating_lo = "分（最低）",
		.rating_hi = "分（最高）",
		.at_most_pre = "最多选 ",
		.at_most_post = " 项",
		.fix_pre = "有 ",
		.fix_post = " 道题需要修改，请查看题目下方的提示。",
		.fix_one = "有 1 道题需要修改，请查看题目下方的提示。",
		.p_required = "请回答这道题。",
		.p_no_option = "请从列出的选项中选择。",
		.p_twice = "同一选项只能选一次。",
		.p_one = "只能选择一项。",
		.p_number = "请填写一个数字。",
		.p_rating = "请选择一个分数。",
		.p_whole = "请填写整数。",
		.p_long = "内容太长，请缩短到 %s 个字以内。",
		.p_chars = "内容含有无法使用的字符，请删除后再提交。",
		.p_other = "填写“其他”的内容时，请同时选中该选项。",
		.p_kind = "这个回答与题目不符。",
		.p_range_rating = "请选择 %s 到 %s 之间的分数。",
		.p_range_between = "请填写 %s 到 %s 之间的数字。",
		.p_range_min = "请填写不小于 %s 的数字。",
		.p_range_max = "请填写不大于 %s 的数字。",
		.pages = {
			[SURVEY_PAGE_THANKS] = { "谢谢！", "您的回答已经收到，感谢您的参与。" },
			[SURVEY_PAGE_ANSWERED] = { "已经回答过了", "这份问卷已经回答过了，感谢您的参与。" },
			[SURVEY_PAGE_CLOSED] = { "调查已结束", "这项调查已经结束，不再接受回答。" },
			[SURVEY_PAGE_NOT_FOUND] = { "找不到页面", "找不到这个页面。" },
			[SURVEY_PAGE_BAD_FORM] = { "无法读取表单", "无法读取提交的表单，请重新打开链接后再试。" },
			[SURVEY_PAGE_TOO_LARGE] = { "内容太长", "提交的内容太长，请缩短后再试。" },
			[SURVEY_PAGE_BAD_TYPE] = { "无法读取表单", "提交的内容不是表单，请重新打开链接后再试。" },
		},
	},
	[SURVEY_LANG_EN] = {
		.html_lang = "en",
		.required = " (required)",
		.submit = "Submit",
		.other_label = "Please specify",
		.choose = "Choose",
		.rating_lo = " (lowest)",
		.rating_hi = " (highest)",
		.at_most_pre = "Choose at most ",
		.at_most_post = "",
		.fix_pre = "",
		.fix_post = " answers need changing: see the notes below their questions.",
		.fix_one = "1 answer needs changing: see the note below its question.",
		.p_required = "Please answer this question.",
		.p_no_option = "Please choose from the options listed.",
		.p_twice = "Each option can be chosen once.",
		.p_one = "Please choose only one option.",
		.p_number = "Please enter a number.",
		.p_rating = "Please choose a rating.",
		.p_whole = "Please enter a whole number.",
		.p_long = "This is too long: please keep it under %s characters.",
		.p_chars = "This holds characters that cannot be used: please remove them.",
		.p_other = "Please tick the \xe2\x80\x9cother\xe2\x80\x9d option to add your own words.",
		.p_kind = "This answer does not fit the question.",
		.p_range_rating = "Please choose a rating from %s to %s.",
		.p_range_between = "Please enter a number from %s to %s.",
		.p_range_min = "Please enter a number of at least %s.",
		.p_range_max = "Please enter a number of at most %s.",
		.pages = {
			[SURVEY_PAGE_THANKS] = { "Thank you!", "Your answers have been received. Thank you for taking part." },
			[SURVEY_PAGE_ANSWERED] = { "Already answered", "This questionnaire has already been answered. Thank you for taking part." },
			[SURVEY_PAGE_CLOSED] = { "Survey closed", "This survey is closed and takes no more answers." },
			[SURVEY_PAGE_NOT_FOUND] = { "Page not found", "There is no page here." },
			[SURVEY_PAGE_BAD_FORM] = { "The form could not be read", "What was sent could not be read as this form: please open the link again and retry." },
			[SURVEY_PAGE_TOO_LARGE] = { "Too long", "What was sent is too long: please shorten it and retry." },
			[SURVEY_PAGE_BAD_TYPE] = { "The form could not be read", "What was sent is not a form: please open the link again and retry." },
		},
	},
};

static const struct words *words_of(enum survey_lang lang)
{
	return &words[lang == SURVEY_LANG_ZH ? SURVEY_LANG_ZH : SURVEY_LANG_EN];
}

/* ---------------------------------------------------------------- pages */

static void esc(struct buf *out, const char *s)
{
	utf8_add_xml(out, s, strlen(s));
}

/* Small screens first; no script, no outside resource (the CSP allows
 * inline style and nothing else). */
static const char style[] =
	"body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#f6f6f6}"
	"main{max-width:40em;margin:0 auto;padding:1em;background:#fff}"
	"h1{font-size:1.4em}fieldset,.q{border:1px solid #ccc;border-radius:6px;margin:1em 0;padding:.5em 1em}"
	"legend,.qtext{font-weight:600;padding:0 .25em}label{display:block;padding:.4em 0}"
	"input[type=radio],input[type=checkbox]{width:1.2em;height:1.2em;vertical-align:middle;margin-right:.5em}"
	"input[type=text],input[type=number],textarea,select{width:100%;box-sizing:border-box;font:inherit;"
	"padding:.4em}textarea{min-height:6em}.req{color:#a00;font-weight:normal}.hint{color:#555;margin:.25em 0}"
	".error{color:#a00;font-weight:600;margin:.25em 0}.alert{border:2px solid #a00;padding:.5em 1em}"
	"button{font:inherit;padding:.6em 2em;margin:1em 0}";

/* The head and the start of <main> with a heading; well-formed XML too. */
static void page_begin(struct buf *b, const struct words *w, const char *title)
{
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
	buf_adds(b, w->html_lang);
	buf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
		    "<meta name=\"robots\" content=\"noindex\"/>\n<title>");
	esc(b, title);
	buf_adds(b, "</title>\n<style>");
	buf_adds(b, style);
	buf_adds(b, "</style>\n</head>\n<body>\n<main>\n<h1>");
	esc(b, title);
	buf_adds(b, "</h1>\n");
}

static void page_end(struct buf *b)
{
	buf_adds(b, "</main>\n</body>\n</html>\n");
}

void survey_form_page(struct buf *out, enum survey_page page, enum survey_lang lang, const struct survey_template *t)
{
	const struct words *w = words_of(lang);
	int titled = t && t->title && *t->title && page != SURVEY_PAGE_NOT_FOUND;

	page_begin(out, w, titled ? t->title : w->pages[page][0]);
	if (titled) {
		buf_adds(out, "<h2>");
		esc(out, w->pages[page][0]);
		buf_adds(out, "</h2>\n");
	}
	buf_adds(out, "<p>");
	esc(out, w->pages[page][1]);
	buf_adds(out, "</p>\n");
	page_end(out);
}

/* ------------------------------------------------------------- problems */

/* fmt holds two "%s" (one for the *_min and *_max forms): each is replaced
 * by a number, so that no format string comes from a table. */
static void fill(struct buf *out, const char *fmt, long long a, long long b)
{
	const char *p = fmt, *hole;
	int n = 0;

	while ((hole = strstr(p, "%s"))) {
		buf_add(out, p, (size_t)(hole - p));
		buf_addf(out, "%lld", n++ ? b : a);
		p = hole + 2;
	}
	buf_adds(out, p);
}

void survey_form_problem(struct buf *out, const struct survey_problem *p, const struct survey_question *q,
			 const struct survey_answer *answer, enum survey_lang lang)
{
	const struct words *w = words_of(lang);
	const char *text;

	switch (p->kind) {
	case SURVEY_PROBLEM_REQUIRED: esc(out, w->p_required); return;
	case SURVEY_PROBLEM_NO_OPTION: esc(out, w->p_no_option); return;
	case SURVEY_PROBLEM_TWICE: esc(out, w->p_twice); return;
	case SURVEY_PROBLEM_ONE: esc(out, w->p_one); return;
	case SURVEY_PROBLEM_TOO_MANY:
		buf_adds(out, w->at_most_pre);
		buf_addf(out, "%d", q->max_choices);
		buf_adds(out, w->at_most_post);
		buf_adds(out, lang == SURVEY_LANG_ZH ? "。" : ".");
		return;
	case SURVEY_PROBLEM_NOT_NUMBER: esc(out, q->type == SURVEY_RATING ? w->p_rating : w->p_number); return;
	case SURVEY_PROBLEM_WHOLE: esc(out, w->p_whole); return;
	case SURVEY_PROBLEM_RANGE:
		if (q->type == SURVEY_RATING)
			fill(out, w->p_range_rating, q->lo, q->hi);
		else if (q->has_lo && q->has_hi)
			fill(out, w->p_range_between, q->lo, q->hi);
		else if (q->has_lo)
			fill(out, w->p_range_min, q->lo, 0);
		else
			fill(out, w->p_range_max, q->hi, 0);
		return;
	case SURVEY_PROBLEM_TEXT:
		text = q->type == SURVEY_TEXT ? answer->text : answer->other;
		if (text && strlen(text) > SURVEY_ANSWER_TEXT_MAX)
			fill(out, w->p_long, SURVEY_FORM_MAXLENGTH, 0);
		else
			esc(out, w->p_chars);
		return;
	case SURVEY_PROBLEM_OTHER: esc(out, w->p_other); return;
	case SURVEY_PROBLEM_KIND: esc(out, w->p_kind); return;
	}
	esc(out, w->p_kind);
}

/* ----------------------------------------------------------------- form */

static int chosen(const struct survey_answer *a, char label)
{
	return a && a->choices && strchr(a->choices, label);
}

static const char *field(const char *s)
{
	return s ? s : "";
}

/* The problems of question n, one <p> each, in a block that the question's
 * aria-describedby names; 0 when there are none. */
static int render_problems(struct buf *out, const struct survey_form *f, const struct survey_question *q,
			   const struct survey_answer *a)
{
	static const struct survey_answer none;
	int n = 0;

	for (size_t i = 0; f->problems && i < f->problems->nitems; i++) {
		const struct survey_problem *p = &f->problems->items[i];
		if (p->number != q->number)
			continue;
		if (!n++)
			buf_addf(out, "<div class=\"error\" id=\"q%d-error\">\n", q->number);
		buf_adds(out, "<p>");
		survey_form_problem(out, p, q, a ? a : &none, f->lang);
		buf_adds(out, "</p>\n");
	}
	if (n)
		buf_adds(out, "</div>\n");
	return n;
}

/* The question's heading: number, text, "(required)". */
static void render_question_text(struct buf *out, const struct words *w, const struct survey_question *q)
{
	buf_addf(out, "%d. ", q->number);
	esc(out, q->text);
	if (q->required) {
		buf_adds(out, "<span class=\"req\">");
		esc(out, w->required);
		buf_adds(out, "</span>");
	}
}

/* The ids that describe question n's input: its hint and its problems. */
static void described_by(struct buf *out, int n, int hint, int problems)
{
	if (!hint && !problems)
		return;
	buf_adds(out, " aria-describedby=\"");
	if (hint)
		buf_addf(out, "q%d-hint", n);
	if (problems)
		buf_addf(out, "%sq%d-error", hint ? " " : "", n);
	buf_adds(out, "\"");
	if (problems)
		buf_adds(out, " aria-invalid=\"true\"");
}

/* Radio buttons or checkboxes, one labelled input per option; an [other]
 * option's own words in a text input of their own label. */
static void render_choices(struct buf *out, const struct survey_form *f, const struct survey_question *q,
			   const struct survey_answer *a, int problems)
{
	const struct words *w = words_of(f->lang);
	int multi = q->type == SURVEY_MULTI, hint = multi && q->max_choices;

	buf_addf(out, "<fieldset id=\"q%d\"", q->number);
	described_by(out, q->number, hint, problems);
	if (q->required)
		buf_adds(out, " aria-required=\"true\"");
	buf_adds(out, ">\n<legend>");
	render_question_text(out, w, q);
	buf_adds(out, "</legend>\n");
	if (hint) {
		buf_addf(out, "<p class=\"hint\" id=\"q%d-hint\">", q->number);
		buf_adds(out, w->at_most_pre);
		buf_addf(out, "%d", q->max_choices);
		buf_adds(out, w->at_most_post);
		buf_adds(out, "</p>\n");
	}
	render_problems(out, f, q, a);
	for (size_t i = 0; i < q->noptions; i++) {
		const struct survey_option *o = &q->options[i];
		buf_addf(out, "<label><input type=\"%s\" name=\"q%d\" value=\"%c\"%s%s/> %c. ",
			 multi ? "checkbox" : "radio", q->number, o->label,
			 chosen(a, o->label) ? " checked=\"checked\"" : "",
			 q->required && !multi ? " required=\"required\"" : "", o->label);
		esc(out, o->text);
		buf_adds(out, "</label>\n");
		if (o->other) {
			buf_addf(out, "<label for=\"q%d-other\">", q->number);
			esc(out, w->other_label);
			buf_addf(
				out,
				" (%c)</label>\n<input type=\"text\" id=\"q%d-other\" name=\"q%d_other\" maxlength=\"%d\" value=\"",
				o->label, q->number, q->number, SURVEY_FORM_MAXLENGTH);
			esc(out, a ? field(a->other) : "");
			buf_adds(out, "\"/>\n");
		}
	}
	buf_adds(out, "</fieldset>\n");
}

/* A rating: radio buttons lo…hi with the ends named, or a <select> for a
 * long scale. */
static void render_rating(struct buf *out, const struct survey_form *f, const struct survey_question *q,
			  const struct survey_answer *a, int problems)
{
	const struct words *w = words_of(f->lang);
	const char *value = a ? field(a->value) : "";
	char v[24];

	if (q->hi - q->lo + 1 <= SURVEY_FORM_RADIOS_MAX) {
		buf_addf(out, "<fieldset id=\"q%d\"", q->number);
		described_by(out, q->number, 0, problems);
		if (q->required)
			buf_adds(out, " aria-required=\"true\"");
		buf_adds(out, ">\n<legend>");
		render_question_text(out, w, q);
		buf_adds(out, "</legend>\n");
		render_problems(out, f, q, a);
		for (long long k = q->lo; k <= q->hi; k++) {
			snprintf(v, sizeof(v), "%lld", k);
			buf_addf(out, "<label><input type=\"radio\" name=\"q%d\" value=\"%s\"%s%s/> %s", q->number, v,
				 !strcmp(value, v) ? " checked=\"checked\"" : "",
				 q->required ? " required=\"required\"" : "", v);
			if (k == q->lo || k == q->hi)
				esc(out, k == q->lo ? w->rating_lo : w->rating_hi);
			buf_adds(out, "</label>\n");
		}
		buf_adds(out, "</fieldset>\n");
		return;
	}
	buf_addf(out, "<div class=\"q\" id=\"q%d\">\n<label class=\"qtext\" for=\"q%d-in\">", q->number, q->number);
	render_question_text(out, w, q);
	buf_adds(out, "</label>\n");
	render_problems(out, f, q, a);
	buf_addf(out, "<select id=\"q%d-in\" name=\"q%d\"", q->number, q->number);
	described_by(out, q->number, 0, problems);
	buf_adds(out, q->required ? " required=\"required\">\n" : ">\n");
	buf_adds(out, "<option value=\"\">");
	esc(out, w->choose);
	buf_adds(out, "</option>\n");
	for (long long k = q->lo; k <= q->hi; k++) {
		snprintf(v, sizeof(v), "%lld", k);
		buf_addf(out, "<option value=\"%s\"%s>%s", v, !strcmp(value, v) ? " selected=\"selected\"" : "", v);
		if (k == q->lo || k == q->hi)
			esc(out, k == q->lo ? w->rating_lo : w->rating_hi);
		buf_adds(out, "</option>\n");
	}
	buf_adds(out, "</select>\n</div>\n");
}

/* A number input (with its bounds as a hint) or a text box. */
static void render_input(struct buf *out, const struct survey_form *f, const struct survey_question *q,
			 const struct survey_answer *a, int problems)
{
	const struct words *w = words_of(f->lang);
	int number = q->type == SURVEY_NUMBER, hint = number && (q->has_lo || q->has_hi);

	buf_addf(out, "<div class=\"q\" id=\"q%d\">\n<label class=\"qtext\" for=\"q%d-in\">", q->number, q->number);
	render_question_text(out, w, q);
	buf_adds(out, "</label>\n");
	if (hint) {
		buf_addf(out, "<p class=\"hint\" id=\"q%d-hint\">", q->number);
		if (q->has_lo && q->has_hi)
			buf_addf(out, "%lld – %lld", q->lo, q->hi);
		else if (q->has_lo)
			buf_addf(out, "≥ %lld", q->lo);
		else
			buf_addf(out, "≤ %lld", q->hi);
		buf_adds(out, "</p>\n");
	}
	render_problems(out, f, q, a);
	if (number) {
		buf_addf(out, "<input type=\"number\" inputmode=\"decimal\" step=\"any\" id=\"q%d-in\" name=\"q%d\"",
			 q->number, q->number);
		if (q->has_lo)
			buf_addf(out, " min=\"%lld\"", q->lo);
		if (q->has_hi)
			buf_addf(out, " max=\"%lld\"", q->hi);
		described_by(out, q->number, hint, problems);
		if (q->required)
			buf_adds(out, " required=\"required\"");
		buf_adds(out, " value=\"");
		esc(out, a ? field(a->value) : "");
		buf_adds(out, "\"/>\n</div>\n");
		return;
	}
	buf_addf(out, "<textarea id=\"q%d-in\" name=\"q%d\" rows=\"4\" maxlength=\"%d\"", q->number, q->number,
		 SURVEY_FORM_MAXLENGTH);
	described_by(out, q->number, 0, problems);
	if (q->required)
		buf_adds(out, " required=\"required\"");
	buf_adds(out, ">");
	/* a newline right after <textarea> would be eaten by the parser */
	if (a && a->text && a->text[0] == '\n')
		buf_addch(out, '\n');
	esc(out, a ? field(a->text) : "");
	buf_adds(out, "</textarea>\n</div>\n");
}

void survey_form_render(struct buf *out, const struct survey_form *f)
{
	const struct words *w = words_of(f->lang);
	const struct survey_template *t = f->t;
	size_t nproblems = f->problems ? f->problems->nitems : 0;
	const char *line = t->intro ? t->intro : "";

	page_begin(out, w, t->title);
	while (*line) {
		size_t n = strcspn(line, "\n");
		if (n) {
			buf_adds(out, "<p class=\"intro\">");
			utf8_add_xml(out, line, n);
			buf_adds(out, "</p>\n");
		}
		line += n + (line[n] == '\n');
	}
	if (nproblems) {
		size_t questions = 0;
		for (size_t i = 0; i < nproblems; i++)
			questions += !i || f->problems->items[i].number != f->problems->items[i - 1].number;
		buf_adds(out, "<p class=\"alert\" role=\"alert\">");
		if (questions == 1) {
			esc(out, w->fix_one);
		} else {
			esc(out, w->fix_pre);
			buf_addf(out, "%zu", questions);
			esc(out, w->fix_post);
		}
		buf_adds(out, "</p>\n");
	}
	/* novalidate: the server's messages, in the page's language, are the
	 * ones a respondent sees, the same on every browser */
	buf_adds(out, "<form method=\"post\" action=\"");
	esc(out, f->action);
	buf_adds(out, "\" accept-charset=\"utf-8\" novalidate=\"novalidate\">\n");
	for (size_t i = 0; i < t->nquestions; i++) {
		const struct survey_question *q = &t->questions[i];
		const struct survey_answer *a = f->answers && i < f->answers->nanswers ? &f->answers->answers[i] : NULL;
		int problems = 0;

		for (size_t k = 0; k < nproblems; k++)
			problems |= f->problems->items[k].number == q->number;
		switch (q->type) {
		case SURVEY_SINGLE:
		case SURVEY_MULTI: render_choices(out, f, q, a, problems); break;
		case SURVEY_RATING: render_rating(out, f, q, a, problems); break;
		case SURVEY_NUMBER:
		case SURVEY_TEXT: render_input(out, f, q, a, problems); break;
		}
	}
	buf_adds(out, "<button type=\"submit\">");
	esc(out, w->submit);
	buf_adds(out, "</button>\n</form>\n");
	page_end(out);
}

/* ---------------------------------------------------------------- parse */

/* Decode one name or value (s, n bytes): '+' is a space, %XX a byte. -1
 * for a '%' without two hexadecimal digits. */
static int decode(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			buf_addch(out, ' ');
		} else if (s[i] == '%') {
			int b = i + 2 < n ? hex_byte(s + i + 1) : -1;
			if (b < 0)
				return -1;
			buf_addch(out, (char)b);
			i += 2;
		} else {
			buf_addch(out, s[i]);
		}
	}
	return 0;
}

/* The question a field name names: "qN" (N without a leading zero) or
 * "qN_other"; 0 for any other name. */
static int field_question(const char *name, int *other)
{
	const char *p = name + 1;
	long n = 0;

	*other = 0;
	if (name[0] != 'q' || *p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > SURVEY_QUESTIONS_MAX)
			return 0;
	}
	if (!strcmp(p, "_other"))
		*other = 1;
	else if (*p)
		return 0;
	return (int)n;
}

static int has_other(const struct survey_question *q)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (q->options[i].other)
			return 1;
	return 0;
}

/* Free text as the respondent wrote it: a browser's CRLF as LF. */
static void set_text(char **to, const char *s)
{
	struct buf b = BUF_INIT;

	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			buf_addch(&b, *s);
	free(*to);
	*to = buf_detach(&b, NULL);
}

/* A rating or number as typed, without the spaces around it. */
static void set_value(char **to, const char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	survey_answer_set(to, s, n);
}

/* One field, name=value decoded, into out. */
static int take(struct survey_answers *out, const struct survey_template *t, unsigned char *seen, size_t field,
		const char *name, const char *value, struct err *err)
{
	int other, n = field_question(name, &other);
	const struct survey_question *q = survey_template_question(t, n);
	struct survey_answer *a;

	if (!q || (other && (!survey_type_has_options(q->type) || !has_other(q))))
		return err_set(err, ERR_INPUT, "field %zu of the form: '%.*s' is not one of its names", field,
			       survey_clip(name, strlen(name), 40), name);
	a = &out->answers[n - 1];
	/* every field takes one value but a multiple choice's qN */
	if (seen[n - 1] & (other ? 2 : 1) && (other || q->type != SURVEY_MULTI))
		return err_set(err, ERR_INPUT, "field %zu of the form: '%s' is given twice", field, name);
	seen[n - 1] |= other ? 2 : 1;
	if (!*value)
		return 0;
	if (other) {
		survey_answer_set(&a->other, value, strlen(value));
		return 0;
	}
	switch (q->type) {
	case SURVEY_SINGLE:
	case SURVEY_MULTI:
		if (value[0] < 'A' || value[0] > 'Z' || value[1])
			return err_set(err, ERR_INPUT, "field %zu of the form: '%s' takes an option's letter, A to Z",
				       field, name);
		{
			size_t len = a->choices ? strlen(a->choices) : 0;
			char *c = xmalloc(len + 2);
			memcpy(c, a->choices ? a->choices : "", len);
			c[len] = value[0];
			c[len + 1] = '\0';
			free(a->choices);
			a->choices = c;
		}
		break;
	case SURVEY_RATING:
	case SURVEY_NUMBER: set_value(&a->value, value); break;
	case SURVEY_TEXT: set_text(&a->text, value); break;
	}
	return 0;
}

int survey_form_parse(struct survey_answers *out, const struct survey_template *t, const char *body, size_t len,
		      struct err *err)
{
	struct buf name = BUF_INIT, value = BUF_INIT;
	unsigned char *seen = xcalloc(t->nquestions ? t->nquestions : 1, 1);
	const char *p = body, *end = body + len;
	size_t field = 0;
	int rc = 0;

	survey_answers_init(out, t);
	while (p < end && !rc) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
		size_t n;

		if (!amp)
			amp = end;
		n = (size_t)(amp - p);
		eq = memchr(p, '=', n);
		if (!n) {
			p = amp + 1;
			continue; /* "a=1&&b=2": nothing between */
		}
		field++;
		if (decode(&name, p, eq ? (size_t)(eq - p) : n) ||
		    decode(&value, eq ? eq + 1 : amp, eq ? (size_t)(amp - eq - 1) : 0))
			rc = err_set(err, ERR_INPUT, "field %zu of the form: a '%%' without two hexadecimal digits",
				     field);
		else if (!utf8_valid(name.data, name.len) || !utf8_valid(value.data, value.len))
			rc = err_set(err, ERR_INPUT, "field %zu of the form: not UTF-8, or a NUL", field);
		else
			rc = take(out, t, seen, field, name.data, value.data, err);
		p = amp + 1;
	}
	free(seen);
	buf_release(&name);
	buf_release(&value);
	return rc;
}
