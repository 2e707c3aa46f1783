/* survey/template.h - a questionnaire (调查表模版): its model, the plain-text
 * file a marketer writes it in, and the text a respondent reads.
 *
 * The file format is a contract (README.md, "Surveys"):
 *
 *	# 客户满意度调查                      the first '#' line: the title
 *	感谢您抽出时间参加本次调查。          lines before question 1: the introduction
 *	1. 您对我们的产品满意吗？ [single, required]
 *	   A. 非常满意                         options A, B, C… of a choice question
 *	   B. 其他 [other]                     an option with the respondent's own text
 *	2. 您使用了哪些产品？ [multi, max 2]
 *	3. 请为我们的服务打分 [rating 1-5, required]
 *	4. 您每年的采购预算（万元） [number 0-100000]
 *	5. 您还有什么建议？ [text]
 *
 * Questions are numbered 1…N in order; the attributes in the one bracket
 * group at the end of the line are a type (single, multi, rating, number,
 * text), required or optional, max N (multi: most options chosen; number:
 * the highest value) and min N (number: the lowest value). Defaults: a
 * question is optional; one without a type is single choice when it has
 * options, else free text; a rating without a scale runs 1-5 ("rating 10"
 * is 1-10); a number without bounds takes any whole or decimal number.
 * Bounds and scales are whole numbers.
 *
 * What a Chinese marketer's editor writes is read the same: a UTF-8 BOM,
 * CRLF (or CR) line ends, tabs or spaces (or U+3000) for indentation, blank
 * lines anywhere, full-width digits, letters and punctuation in the
 * structure (１．, Ａ、, ［single，required］, 【单选，必答】), and the
 * attributes' Chinese names (单选 多选 评分 数字 填空 必答 选答 最多 最少
 * 请注明). The text of titles, questions and options is kept as written.
 *
 * Parsing is a pure function of the bytes: no database, no locale. */
#ifndef SURVEY_TEMPLATE_H
#define SURVEY_TEMPLATE_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

#define SURVEY_QUESTIONS_MAX 200		/* questions of one questionnaire */
#define SURVEY_OPTIONS_MAX   26			/* options of one question: A…Z */
#define SURVEY_TEXT_MAX	     2000		/* bytes of a title, introduction line, question or option */
#define SURVEY_FILE_MAX	     (1u << 20)		/* bytes of a template file */
#define SURVEY_BOUND_MAX     1000000000000000LL /* |bound| of a number question (exact in a double) */
#define SURVEY_RATING_MAX    100		/* the highest top of a rating scale */

/* The types of question; survey_type_name gives the name the file, the
 * database (crm.survey_question.type) and JSON use. */
enum survey_type {
	SURVEY_SINGLE, /* one option */
	SURVEY_MULTI,  /* some options, at most max_choices when that is set */
	SURVEY_RATING, /* a whole number on the scale lo…hi */
	SURVEY_NUMBER, /* a number, within lo…hi where they are set */
	SURVEY_TEXT,   /* free text */
};

const char *survey_type_name(enum survey_type type);
/* The type named name ("single"…), or -1. */
int survey_type_from_name(const char *name);
/* Does a question of this type have options? */
int survey_type_has_options(enum survey_type type);

struct survey_option {
	char label; /* 'A', 'B', … in order */
	char *text;
	int other; /* the respondent may write their own text ("其他 [other]") */
};

struct survey_question {
	int number; /* 1…N in order */
	enum survey_type type;
	char *text;
	int required;
	int max_choices;	       /* multi: the most options chosen, 0: any */
	int has_lo, has_hi;	       /* rating: always both; number: each bound given */
	long long lo, hi;	       /* rating: the scale; number: the values allowed */
	struct survey_option *options; /* single, multi: two or more */
	size_t noptions, options_alloc;
	int line; /* where it stands in its file (0 when loaded from the database) */
};

struct survey_template {
	char *title;
	char *intro; /* the lines before question 1, '\n' between them; "" when none */
	struct survey_question *questions;
	size_t nquestions, questions_alloc;
};

/* Read a template file (data, len bytes; file is its name for messages)
 * into out, which the caller releases. A malformed file is ERR_INPUT with
 * every problem at once, each "FILE:LINE: why": the first is err's
 * message, the others its detail lines, in the order of the file; out is
 * then empty. */
int survey_template_parse(struct survey_template *out, const char *file, const char *data, size_t len, struct err *err);

/* Free what t holds; t is empty (and may be parsed into) afterwards. */
void survey_template_release(struct survey_template *t);

/* Question number n (1…N), or NULL. */
const struct survey_question *survey_template_question(const struct survey_template *t, int n);

/* The language in which the respondent reads a questionnaire's hints
 * ("[single, required]" or "【单选，必答】"). */
enum survey_lang { SURVEY_LANG_EN, SURVEY_LANG_ZH };

/* The language t is written in: Chinese when its title or a question
 * holds a CJK character, else English. */
enum survey_lang survey_template_lang(const struct survey_template *t);

/* How a questionnaire is rendered as text. */
struct survey_render {
	enum survey_lang lang;
	/* Lines printed after the introduction, before question 1, or NULL:
	 * an e-mail invitation's {{survey_text}} puts its reply instructions
	 * here ("reply with lines like 1: B"). */
	const char *instructions;
};

/* Append t as a respondent reads it: the title, the introduction, then
 * each question with its hints in the chosen language and its options.
 * The text is itself a template file that parses to the same model, so
 * rendering what it parses to gives the same text again. */
void survey_template_render(struct buf *out, const struct survey_template *t, const struct survey_render *how);

#endif
