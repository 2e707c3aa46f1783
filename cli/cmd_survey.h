/* cli/cmd_survey.h - what the files of 'crmgate survey' share: the one
 * argument struct its option tables write into (cli/opt.h), and the verbs
 * that live in files of their own. */
#ifndef CLI_CMD_SURVEY_H
#define CLI_CMD_SURVEY_H

struct survey_args {
	const char *name, *file, *lang;
	const char *template, *targets, *where, *channel, *closes, *subject, *body;
	int replace, yes, min_days;
};

#endif
