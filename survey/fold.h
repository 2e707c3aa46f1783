/* survey/fold.h - the characters a Chinese respondent or marketer types for
 * the structure of a questionnaire or an answer, read as their ASCII: the
 * questionnaire file (survey/template.c) and the e-mail and text replies
 * (survey/reply.c) read "１．", "Ａ、", "２：Ａ，Ｃ" with this one rule. */
#ifndef SURVEY_FOLD_H
#define SURVEY_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* cp as the structure reads it: the full-width forms (U+FF01-U+FF5E) as
 * their ASCII, 【】 as [], 、 as a comma, 。 as a period, dashes as '-', and
 * the ideographic and no-break spaces as a space; other characters as they
 * are. */
uint32_t survey_fold(uint32_t cp);

/* The folded character at *s (*n bytes left), stepping past it; 0 at the
 * end. An invalid byte reads as U+FFFD, one byte long, so that a caller
 * always moves on. */
uint32_t survey_fold_next(const char **s, size_t *n);

/* How many bytes of s (n bytes) a message quotes: at most max, whole
 * characters, so that a reason stored or shown stays valid UTF-8. */
int survey_clip(const char *s, size_t n, size_t max);

#endif
