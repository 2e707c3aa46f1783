/* survey/results.h - the figures of one survey (SPEC section 6, issue 12
 * "Results"): who was invited, skipped, reached and answered, how, and
 * what they answered to each question, computed in SQL (one query per
 * family of figures) over the survey's invitations, their outbox rows,
 * responses and answers, optionally broken down by a field of the targets.
 *
 * Every table has, with a breakdown (by), two leading columns: "group"
 * (0: every target, 1…N: one per value of the field, in order) and the
 * field as named ("customer.region_code"), NULL in group 0. Counts are
 * whole numbers, shares and the response rate plain decimals from 0 to 1
 * (0 when there is nothing to divide by), means and medians NULL when
 * nothing was answered. */
#ifndef SURVEY_RESULTS_H
#define SURVEY_RESULTS_H

#include "common/err.h"
#include "crm/db.h"
#include "survey/template.h"

enum survey_results_table {
	SURVEY_RESULTS_SUMMARY,	     /* invited, skipped, sent, delivered, failed, answered, response_rate */
	SURVEY_RESULTS_CHANNELS,     /* way (link, email, sms), answered: how they answered */
	SURVEY_RESULTS_DELIVERY,     /* status, invitations: the outbox's state of the invitations */
	SURVEY_RESULTS_SKIPPED,	     /* reason, targets: skipped at launch (opted out, no email…) */
	SURVEY_RESULTS_QUESTIONS,    /* question, type, text, answered, mean, median, min, max */
	SURVEY_RESULTS_OPTIONS,	     /* question, label, text, other, count, share */
	SURVEY_RESULTS_DISTRIBUTION, /* question, value, count, share: each point of a rating's scale,
				      * each value given to a number */
	SURVEY_RESULTS_TEXTS,	     /* question, label, code, text: free text and "other" texts */
	SURVEY_RESULTS_NTABLES
};

struct survey_results {
	char *survey, *title, *targets, *status;	/* the survey's */
	const char *by;					/* the field broken down by (the caller's), or NULL */
	struct crm_res *tables[SURVEY_RESULTS_NTABLES]; /* owned; NULL when taken */
};

/* The name of a table ("summary", "channels", …: JSON keys, CSV --table)
 * and its title for people. */
const char *survey_results_name(enum survey_results_table t);
const char *survey_results_title(enum survey_results_table t);

/* The figures of the survey called name into out (the caller releases it,
 * whatever this returns). by: a filter field of the survey's targets
 * (crm/filter.h: "customer.region_code" for contacts), or NULL. ERR_NOTFOUND
 * for no such survey, ERR_INPUT for a field the targets have not. */
int survey_results_get(struct survey_results *out, struct crm_db *db, const char *name, const char *by,
		       struct err *err);
void survey_results_release(struct survey_results *r);

/* The surveys whose results a report shows, by name in the order they
 * were created: every running or closed one, or only the one called name
 * (NULL: all; ERR_NOTFOUND when there is none). */
int survey_results_surveys(struct crm_res **out, struct crm_db *db, const char *name, struct err *err);

/* Every response of the survey called name, one row per respondent: code,
 * name, channel, answered_at, then one column per question of *t (the
 * survey's questionnaire, loaded into it for the caller to release), q1,
 * q2, … in order: the options chosen by their text, joined by ";", an
 * [other] option followed by ": " and the respondent's text; a rating or
 * number as a plain decimal; free text as written; NULL when not answered. */
int survey_results_export(struct crm_res **out, struct survey_template *t, struct crm_db *db, const char *name,
			  struct err *err);

#endif
