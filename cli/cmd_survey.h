/* cli/cmd_survey.h - what the files of 'crmgate survey' share: the one
 * argument struct its option tables write into (cli/opt.h), and the verbs
 * that live in files of their own. */
#ifndef CLI_CMD_SURVEY_H
#define CLI_CMD_SURVEY_H

#include "common/buf.h"
#include "common/err.h"

struct cli;
struct crm_db;

struct survey_args {
	const char *name, *file, *lang;
	const char *template, *targets, *where, *channel, *closes, *subject, *body;
	int replace, yes, min_days;
	const char *by, *svg, *out, *table; /* results, export */
};

/* survey results, survey export (cli/cmd_survey_results.c) */
int cli_survey_results(struct cli *cli, void *args, struct err *err);
int cli_survey_export(struct cli *cli, void *args, struct err *err);

/* The surveys' section of 'report html' (an_html_more_fn, analytics/html.h):
 * ctx is a struct cli_survey_html. */
struct cli_survey_html {
	struct crm_db *db;
	const char *only; /* this survey's results; NULL: every running or closed survey's */
};
int cli_survey_html(struct buf *nav, struct buf *body, void *ctx, struct err *err);

#endif
