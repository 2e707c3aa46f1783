/* cli/cmd_survey.h - what the files of 'crmgate survey' share: the one
 * argument struct its option tables write into (cli/opt.h), and the verbs
 * that live in files of their own. */
#ifndef CLI_CMD_SURVEY_H
#define CLI_CMD_SURVEY_H

#include "cli/cli.h"

struct survey_args {
	const char *name, *file, *lang;
	const char *template, *targets, *where, *channel, *closes, *subject, *body;
	int replace, yes, min_days;
	/* survey inbox (cli/cmd_survey_inbox.c) */
	const char *item, *invitation, *survey, *answers;
	int all;
};

/* The work of the verbs the demo runs (cli/cli.h says how): found in
 * cli_survey_cmd by their function (opt_verb). */
extern const struct opt_cmd *const cli_survey_cmd;
int cli_survey_template_add(struct cli *cli, void *args, struct err *err);
int cli_survey_create(struct cli *cli, void *args, struct err *err);
int cli_survey_launch(struct cli *cli, void *args, struct err *err);

/* survey inbox [--all] | show | assign | dismiss: the review inbox of
 * replies (cli/cmd_survey_inbox.c) */
extern const struct opt_cmd survey_inbox_verbs[];
int survey_inbox_list(struct cli *cli, void *args, struct err *err);
extern const struct opt_spec survey_inbox_list_opts[];

#endif
