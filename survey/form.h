/* survey/form.h - the questionnaire as a web page (the link /s/TOKEN of
 * SPEC section 6), the answers a browser posts back, and the pages around
 * them (thanks, already answered, closed, not found).
 *
 * The page is plain HTML for a phone without JavaScript: one <label> per
 * input, a radio button per option of a single choice, a checkbox per option
 * of a multiple choice, radio buttons 1…N for a rating (a <select> past
 * SURVEY_FORM_RADIOS_MAX), a number input for a number, a <textarea> for
 * free text, a text input for an [other] option's own words. A problem is
 * shown beside its question and named by the question's aria-describedby.
 * The chrome (buttons, hints, messages) is Chinese or English; the
 * questionnaire's own words are shown as the marketer wrote them. Every
 * value goes through utf8_add_xml, so the page is well-formed XML as well
 * as HTML whatever the template or a respondent wrote.
 *
 * The form's fields are a contract (README.md, "Surveys"), in
 * application/x-www-form-urlencoded (HTML 5, section 4.10.21.7):
 *
 *	qN        the answer to question N: an option's letter (single
 *	          choice: once; multiple choice: once per option chosen,
 *	          q2=A&q2=C), a rating or a number as typed (q3=4), free text
 *	qN_other  the respondent's own words for question N's [other] option
 *
 * An empty value is no answer. Everything here is a pure function of its
 * arguments: no database, no locale. */
#ifndef SURVEY_FORM_H
#define SURVEY_FORM_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "survey/answer.h"
#include "survey/template.h"

/* A rating scale of more steps than this is a <select>, not radio buttons. */
#define SURVEY_FORM_RADIOS_MAX 11
/* The maxlength of a text box: what a browser lets through (it counts
 * UTF-16 units, at most three bytes of UTF-8 each) always fits in
 * SURVEY_ANSWER_TEXT_MAX bytes. */
#define SURVEY_FORM_MAXLENGTH (SURVEY_ANSWER_TEXT_MAX / 3)

/* The language of the pages for an Accept-Language header (RFC 9110,
 * section 12.5.4; NULL when there is none): the most preferred of Chinese
 * (zh, zh-CN, zh-Hant…) and English (en, en-GB…) by q-value, the earlier
 * on a tie; fallback (the questionnaire's own language) when the header
 * names neither, or "*" comes first. */
enum survey_lang survey_form_lang(const char *accept_language, enum survey_lang fallback);

/* What a form page shows. */
struct survey_form {
	const struct survey_template *t;
	enum survey_lang lang;
	const char *action;			/* where the form posts: a URL, relative or not */
	const struct survey_answers *answers;	/* filled in, or NULL: an empty form */
	const struct survey_problems *problems; /* shown beside their questions, or NULL */
};

/* Append the whole page (<!DOCTYPE html>…</html>) to out. */
void survey_form_render(struct buf *out, const struct survey_form *f);

/* Read a posted form (body, len bytes, application/x-www-form-urlencoded)
 * into out, answers to each question of t (the caller releases them,
 * whatever is returned). What no browser sends from our form is
 * ERR_INPUT, with the field in the message: a bad %-escape, bytes that are
 * not UTF-8 (or a NUL), a field that is not one of the form's, a second
 * value of a field that takes one, an option that is not a letter. What
 * a respondent can get wrong (a missing answer, a number out of range) is
 * left to survey_answers_check. Lines of free text end in LF (a browser
 * sends CRLF). */
int survey_form_parse(struct survey_answers *out, const struct survey_template *t, const char *body, size_t len,
		      struct err *err);

/* The problem p with the answer to question q, as the respondent reads it
 * in lang: "请回答这道题。", "Please choose at most 2 options." */
void survey_form_problem(struct buf *out, const struct survey_problem *p, const struct survey_question *q,
			 const struct survey_answer *answer, enum survey_lang lang);

/* The pages that are not the form. */
enum survey_page {
	SURVEY_PAGE_THANKS,    /* the answers are stored */
	SURVEY_PAGE_ANSWERED,  /* the link was used already */
	SURVEY_PAGE_CLOSED,    /* the survey takes no more answers */
	SURVEY_PAGE_NOT_FOUND, /* no such page: says nothing about why */
	SURVEY_PAGE_BAD_FORM,  /* a post that is not our form's */
	SURVEY_PAGE_TOO_LARGE, /* a post past the size limit */
	SURVEY_PAGE_BAD_TYPE,  /* a post that is not a form */
};

/* Append page to out in lang; t (or NULL) gives the survey's title, which
 * the not-found page never shows. */
void survey_form_page(struct buf *out, enum survey_page page, enum survey_lang lang, const struct survey_template *t);

#endif
