/* cli/cmd_survey.h - what the files of 'crmgate survey' share: the one
 * argument struct its option tables write into (cli/opt.h), and the verbs
 * that live in files of their own. */
#ifndef CLI_CMD_SURVEY_H
#define CLI_CMD_SURVEY_H

#include "cli/cli.h"
#include "common/buf.h"
#include "common/err.h"

struct survey_args {
	const char *name, *file, *lang;
	const char *template, *targets, *where, *channel, *closes, *subject, *body;
	int replace, yes;
	long min_days; /* OPT_INT writes a long */
	/* survey inbox (cli/cmd_survey_inbox.c) */
	const char *item, *invitation, *survey, *answers;
	int all;
	const char *target;		    /* preview */
	long limit;			    /* preview */
	int force;			    /* delete */
	const char *by, *svg, *out, *table; /* results, export */
};

/* The work of the verbs the demo runs (cli/cli.h says how): found in
 * cli_survey_cmd by their function (opt_verb). */
extern const struct opt_cmd *const cli_survey_cmd;
int cli_survey_template_add(struct cli *cli, void *args, struct err *err);
int cli_survey_create(struct cli *cli, void *args, struct err *err);
int cli_survey_launch(struct cli *cli, void *args, struct err *err);

/* The demo's respondents (cli/demo_survey.c): some invited to email_survey
 * answer on its web form and one by an e-mail reply, one invited to
 * sms_survey by a text reply. */
int cli_demo_survey_answers(struct cli *cli, const char *email_survey, const char *sms_survey, struct err *err);

/* survey inbox [--all] | show | assign | dismiss: the review inbox of
 * replies (cli/cmd_survey_inbox.c) */
extern const struct opt_cmd survey_inbox_verbs[];
int survey_inbox_list(struct cli *cli, void *args, struct err *err);
extern const struct opt_spec survey_inbox_list_opts[];

/* cli/cmd_survey.c */
/* Ask question on the terminal, unless --yes answered for a script; *yes
 * is the answer, and a no says no_msg. */
int survey_confirm(int *yes, const struct survey_args *a, const char *verb, const char *no_msg, struct err *err,
		   const char *question, ...) __attribute__((format(printf, 6, 7)));

/* cli/cmd_survey_more.c */
extern const struct opt_spec survey_preview_opts[], survey_delete_opts[];
int survey_preview(struct cli *cli, void *args, struct err *err);
int survey_delete(struct cli *cli, void *args, struct err *err);
/* Warn when the links of invitations by channel could not be opened by
 * respondents: [serve] public_url unset, this machine, or not https. */
void survey_warn_links(struct cli *cli, const char *channel);
/* For a survey sent by text: measure its queued invitations and say how
 * many segments they take, each and in all. */
int survey_plan_texts(struct cli *cli, struct crm_db *db, const char *name, struct err *err);

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
