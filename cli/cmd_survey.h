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
};

/* The work of the verbs the demo runs (cli/cli.h says how): found in
 * cli_survey_cmd by their function (opt_verb). */
extern const struct opt_cmd *const cli_survey_cmd;
int cli_survey_template_add(struct cli *cli, void *args, struct err *err);
int cli_survey_create(struct cli *cli, void *args, struct err *err);
int cli_survey_launch(struct cli *cli, void *args, struct err *err);

#endif
