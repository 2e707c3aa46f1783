/* cli/cmd_survey.c - crmgate survey: questionnaires (survey template
 * add|list|show|delete|check) and survey activities (survey
 * create|list|show|launch|remind|close, the work in survey/activity.c). */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/config.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "gateway/web.h"
#include "survey/activity.h"
#include "survey/store.h"
#include "survey/template.h"
#include "common/banned.h"

static int template_check(struct cli *cli, void *args, struct err *err);
static int template_list(struct cli *cli, void *args, struct err *err);
static int template_show(struct cli *cli, void *args, struct err *err);
static int template_delete(struct cli *cli, void *args, struct err *err);
static int survey_list(struct cli *cli, void *args, struct err *err);
static int survey_show(struct cli *cli, void *args, struct err *err);
static int survey_close(struct cli *cli, void *args, struct err *err);
static int survey_remind(struct cli *cli, void *args, struct err *err);

#define FILE_ARG(field)                                                                                                \
	OPT_ARG("FILE", N_("a questionnaire as plain text (UTF-8): see 'crmgate survey --help'"), struct survey_args,  \
		field, OPT_REQUIRED)
#define NAME_ARG(help) OPT_ARG("NAME", help, struct survey_args, name, OPT_REQUIRED)

static const struct opt_spec check_opts[] = {
	FILE_ARG(file),
	OPT_END(),
};

static const struct opt_spec add_opts[] = {
	NAME_ARG(N_("the name to store it under")),
	FILE_ARG(file),
	OPT_FLAG("replace", N_("replace the template stored under NAME"), struct survey_args, replace),
	OPT_END(),
};

static const struct opt_spec show_opts[] = {
	NAME_ARG(N_("a stored survey template")),
	OPT_STRING("lang", "zh|en",
		   N_("the language of the hints ([single, required] or 【单选，必答】);\n"
		      "default: the questionnaire's own"),
		   struct survey_args, lang),
	OPT_END(),
};

static const struct opt_spec delete_opts[] = {
	NAME_ARG(N_("a stored survey template")),
	OPT_FLAG("yes", N_("do not ask (scripts)"), struct survey_args, yes),
	OPT_END(),
};

static const struct opt_spec create_opts[] = {
	NAME_ARG(N_("the survey's name")),
	OPT_STRING("template", "T", N_("the stored questionnaire it asks (survey template add)"), struct survey_args,
		   template),
	OPT_STRING("targets", "ENTITY", N_("who is invited: contact, customer, lead, lead-contact or salesperson"),
		   struct survey_args, targets),
	OPT_STRING("where", "FILTER", N_("only the targets that match FILTER (as in 'crmgate export')"),
		   struct survey_args, where),
	OPT_STRING("channel", "email|sms", N_("how the invitations go"), struct survey_args, channel),
	OPT_STRING("closes", "DATE", N_("the last day answers are taken (YYYY-MM-DD)"), struct survey_args, closes),
	OPT_STRING("subject", "S", N_("the e-mail's subject; default: the questionnaire's title"), struct survey_args,
		   subject),
	OPT_STRING("body", "FILE|NAME",
		   N_("the invitation's text (.txt or .html; a file, a stored or built-in template);\n"
		      "default: survey-invitation.txt with survey-invitation.html, or\n"
		      "survey-invitation-sms.txt for sms"),
		   struct survey_args, body),
	OPT_END(),
};

static const struct opt_spec one_opts[] = {
	NAME_ARG(N_("a survey")),
	OPT_END(),
};

static const struct opt_spec ask_opts[] = {
	NAME_ARG(N_("a survey")),
	OPT_FLAG("yes", N_("do not ask (scripts)"), struct survey_args, yes),
	OPT_END(),
};

static const struct opt_spec remind_opts[] = {
	NAME_ARG(N_("a survey")),
	OPT_INT("min-days", "N",
		N_("only those who heard from the survey (invitation or reminder) N days ago or\n"
		   "earlier; default 3"),
		struct survey_args, min_days, 0, 365),
	OPT_FLAG("yes", N_("do not ask (scripts)"), struct survey_args, yes),
	OPT_END(),
};

static const struct opt_spec results_opts[] = {
	NAME_ARG(N_("a survey")),
	OPT_STRING("by", "FIELD",
		   N_("break every figure down by this field of the targets, as a filter names it\n"
		      "(customer.region_code for contacts)"),
		   struct survey_args, by),
	OPT_STRING("svg", "DIR", N_("also write a bar chart of each question into DIR (q1.svg, q2.svg…)"),
		   struct survey_args, svg),
	OPT_STRING("table", "TABLE", N_("--format csv: this table rather than options (see below)"), struct survey_args,
		   table),
	OPT_END(),
};

static const struct opt_spec export_opts[] = {
	NAME_ARG(N_("a survey")),
	{ OPT_STRING, "out", 'o', "FILE", N_("write the CSV to FILE rather than to the standard output"),
	  offsetof(struct survey_args, out), 0, 0, NULL, 0 },
	OPT_END(),
};

#define RESULTS_HELP                                                                                                   \
	N_("Invited are the targets whose invitation was queued; skipped those left out at launch\n"                   \
	   "(opted out, suppressed, no address). Shares and the response rate are plain decimals\n"                    \
	   "from 0 to 1: an option's share is of those who answered its question. --format csv\n"                      \
	   "prints one table: options (default), summary, channels, delivery, skipped, questions,\n"                   \
	   "distribution or texts (--table).")

static const struct opt_cmd template_verbs[] = {
	{ .name = "survey template add",
	  .summary = N_("check a questionnaire file, then store it under NAME"),
	  .opts = add_opts,
	  .fn = cli_survey_template_add },
	{ .name = "survey template list", .summary = N_("the stored questionnaires"), .fn = template_list },
	{ .name = "survey template show",
	  .summary = N_("a stored questionnaire as a respondent reads it"),
	  .opts = show_opts,
	  .fn = template_show },
	{ .name = "survey template delete",
	  .summary = N_("delete a stored questionnaire (asks first)"),
	  .opts = delete_opts,
	  .fn = template_delete },
	{ .name = "survey template check",
	  .summary = N_("report every problem of a questionnaire file, store nothing"),
	  .opts = check_opts,
	  .fn = template_check },
	{ 0 },
};

#define FORMAT_HELP                                                                                                    \
	N_("A questionnaire (调查表模版) is a plain-text file: the first '#' line is its title, the lines\n"      \
	   "before question 1 its introduction; questions are numbered 1, 2, 3… and end with their\n"                \
	   "attributes in brackets; the options of a choice question follow it as A., B., C…:\n"                     \
	   "\n"                                                                                                        \
	   "  # 客户满意度调查\n"                                                                               \
	   "  感谢您抽出时间参加本次调查。\n"                                                            \
	   "  1. 您对我们的产品满意吗？ [single, required]\n"                                               \
	   "     A. 非常满意\n"                                                                                    \
	   "     B. 满意\n"                                                                                          \
	   "  2. 您使用了哪些产品？ [multi, max 2]\n"                                                         \
	   "     A. 软件\n"                                                                                          \
	   "     B. 其他 [other]\n"                                                                                  \
	   "  3. 请为我们的服务打分 [rating 1-5, required]\n"                                                 \
	   "  4. 您每年的采购预算（万元） [number 0-100000]\n"                                             \
	   "  5. 您还有什么建议？ [text]\n"                                                                    \
	   "\n"                                                                                                        \
	   "Types: single, multi (max N: the most options chosen), rating (LO-HI, default 1-5;\n"                      \
	   "'rating 10' is 1-10), number (LO-HI, or min N, max N), text. A question is optional\n"                     \
	   "unless 'required'; without a type it is single choice when it has options, else text.\n"                   \
	   "[other] after an option lets the respondent write their own. Full-width digits, letters\n"                 \
	   "and punctuation (１．, Ａ、, 【单选，必答】), a BOM and CRLF are read as well. A file with\n"   \
	   "problems is refused with every problem at once, as FILE:LINE: why (exit 2).")

static const struct opt_cmd survey_verbs[] = {
	{ .name = "survey template",
	  .summary = N_("questionnaires: add, list, show, delete, check"),
	  .help = FORMAT_HELP,
	  .verbs = template_verbs },
	{ .name = "survey create",
	  .summary = N_("a survey of a questionnaire for the targets of a filter, as a draft"),
	  .help = N_("The invitation may use the target's fields and {{survey_url}} (the answer link),\n"
		     "{{survey_title}}, {{survey_text}} (the questionnaire with the reply instructions)\n"
		     "and {{survey_closes}}."),
	  .opts = create_opts,
	  .fn = cli_survey_create },
	{ .name = "survey list",
	  .summary = N_("the surveys, with how many were invited and answered"),
	  .fn = survey_list },
	{ .name = "survey show", .summary = N_("one survey and its counts"), .opts = one_opts, .fn = survey_show },
	{ .name = "survey launch",
	  .summary = N_("invite its targets: queue the invitations ('crmgate send' sends them)"),
	  .help = N_("Each invitation's link is made with [serve] secret (32 characters or more, in\n"
		     "crmgate.conf or CRMGATE_SERVE_SECRET), the same for every crmgate that launches\n"
		     "or sends: the database keeps only each link's SHA-256."),
	  .opts = ask_opts,
	  .fn = cli_survey_launch },
	{ .name = "survey remind",
	  .summary = N_("remind those invited who have not answered, with their link again"),
	  .opts = remind_opts,
	  .fn = survey_remind },
	{ .name = "survey close",
	  .summary = N_("take no more answers; invitations not sent yet are dropped (asks first)"),
	  .opts = ask_opts,
	  .fn = survey_close },
	{ .name = "survey inbox",
	  .summary = N_("the replies kept for review (--all: and those handled); show, assign, dismiss"),
	  .help = N_("A reply that could not be filed by itself (no invitation matched, a text that could\n"
		     "not be decoded or read as answers, a closed survey) is kept here with the reason."),
	  .opts = survey_inbox_list_opts,
	  .verbs = survey_inbox_verbs,
	  .fn = survey_inbox_list },
	{ .name = "survey preview",
	  .summary = N_("the invitations as they will go: subject, text, HTML, a text's segments"),
	  .opts = survey_preview_opts,
	  .fn = survey_preview },
	{ .name = "survey delete",
	  .summary = N_("delete a draft, or with --force a closed survey and all it holds (asks first)"),
	  .help = N_("A draft holds nothing and goes alone. A running survey is not deleted: close it\n"
		     "first. A closed survey is deleted only with --force, and then its invitations,\n"
		     "responses, replies kept for review and the records of its messages go with it;\n"
		     "opt-outs and suppressed addresses stay."),
	  .opts = survey_delete_opts,
	  .fn = survey_delete },
	{ .name = "survey results",
	  .summary = N_("invited, answered, the response rate, and the answers to each question"),
	  .help = RESULTS_HELP,
	  .opts = results_opts,
	  .fn = cli_survey_results },
	{ .name = "survey export",
	  .summary = N_("every response as CSV: one row per respondent, one column per question"),
	  .opts = export_opts,
	  .fn = cli_survey_export },
	{ 0 },
};

static const struct opt_cmd usage[1] = { {
	.name = "survey",
	.summary = N_("questionnaires for customers, contacts, leads and staff"),
	.help = FORMAT_HELP,
	.verbs = survey_verbs,
} };

/* Read and parse a questionnaire file into t, its bytes into source. */
static int load_file(struct survey_template *t, struct buf *source, const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (!f)
		return err_set(err, ERR_INPUT, _("could not open '%s': %s"), path, strerror(errno));
	source->cap = SURVEY_FILE_MAX + 1; /* the parser says the file is too large */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(source, chunk, n) < 0)
			break;
	if (ferror(f))
		rc = err_set(err, ERR_FAIL, _("could not read '%s': %s"), path, strerror(errno));
	fclose(f);
	if (!rc && source->len > SURVEY_FILE_MAX)
		rc = err_set(err, ERR_INPUT, _("%s: larger than %u bytes: a questionnaire is much smaller"), path,
			     SURVEY_FILE_MAX);
	if (!rc)
		rc = survey_template_parse(t, path, source->data, source->len, err);
	return rc;
}

static size_t count_options(const struct survey_template *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nquestions; i++)
		n += t->questions[i].noptions;
	return n;
}

static int template_check(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_template t;
	struct buf source = BUF_INIT;
	int rc;

	(void)cli;
	if (!(rc = load_file(&t, &source, a->file, err)))
		printf(_("%s: ok: %zu questions, %zu options\n"), a->file, t.nquestions, count_options(&t));
	survey_template_release(&t);
	buf_release(&source);
	return rc;
}

int cli_survey_template_add(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_template t;
	struct buf source = BUF_INIT;
	struct crm_db *db;
	int rc;

	rc = load_file(&t, &source, a->file, err);
	if (!rc)
		rc = cli_db(cli, &db, err);
	if (!rc)
		rc = survey_store_add(db, a->name, source.data, &t, a->replace, err);
	if (!rc)
		log_info(_("stored survey template '%s': %zu questions"), a->name, t.nquestions);
	survey_template_release(&t);
	buf_release(&source);
	return rc;
}

static int template_list(struct cli *cli, void *args, struct err *err)
{
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc;

	(void)args;
	if ((rc = cli_db(cli, &db, err)))
		return rc;
	if (!(rc = survey_store_list(&res, db, err)))
		out_rows(cli, res, stdout);
	crm_res_free(res);
	return rc;
}

static int template_show(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_template t;
	struct survey_render how = { SURVEY_LANG_EN, NULL };
	struct buf text = BUF_INIT, shown = BUF_INIT;
	struct crm_db *db;
	int rc;

	if (a->lang && strcmp(a->lang, "zh") && strcmp(a->lang, "en"))
		return cli_usage_error(err, NULL, _("--lang must be zh or en, not '%s'"), a->lang);
	if ((rc = cli_db(cli, &db, err)) || (rc = survey_store_get(&t, db, a->name, err)))
		return rc;
	how.lang = !a->lang ? survey_template_lang(&t) : !strcmp(a->lang, "zh") ? SURVEY_LANG_ZH : SURVEY_LANG_EN;
	survey_template_render(&text, &t, &how);
	/* what a file held is shown, never obeyed by the terminal */
	utf8_add_visible(&shown, text.data, text.len, 1);
	fputs(shown.data, stdout);
	buf_release(&shown);
	buf_release(&text);
	survey_template_release(&t);
	return 0;
}

static int template_delete(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct crm_db *db;
	int rc;

	if ((rc = cli_db(cli, &db, err)))
		return rc;
	if (!a->yes) {
		struct survey_template t;
		char answer[16] = "";
		int yes;
		if (!isatty(STDIN_FILENO))
			return cli_usage_error(err, NULL, _("delete asks first, and this is no terminal: pass --yes"));
		if ((rc = survey_store_get(&t, db, a->name, err)))
			return rc;
		printf(_("Delete survey template '%s' (%zu questions)? [y/N] "), a->name, t.nquestions);
		survey_template_release(&t);
		fflush(stdout);
		yes = fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
		if (!yes) {
			printf(_("not deleted\n"));
			return 0;
		}
	}
	if (!(rc = survey_store_delete(db, a->name, err)))
		log_info(_("deleted survey template '%s'"), a->name);
	return rc;
}

int survey_confirm(int *yes, const struct survey_args *a, const char *verb, const char *no_msg, struct err *err,
		   const char *question, ...)
{
	char answer[16] = "";
	va_list ap;

	*yes = 1;
	if (a->yes)
		return 0;
	if (!isatty(STDIN_FILENO))
		return cli_usage_error(err, NULL, _("%s asks first, and this is no terminal: pass --yes"), verb);
	va_start(ap, question);
	vprintf(question, ap);
	va_end(ap);
	fputs(" [y/N] ", stdout);
	fflush(stdout);
	*yes = fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
	if (!*yes)
		printf("%s\n", no_msg);
	return 0;
}

/* What a launch or a reminder round queued: "invited 3, skipped 1", then
 * the reasons, one a line ("no email: 1"). */
static void print_queued(const char *what, const struct gw_launch *l)
{
	printf("%s %ld, skipped %ld\n", what, l->queued, l->skipped);
	for (const char *p = l->reasons.data, *nl; *p; p = nl ? nl + 1 : "")
		printf("  %.*s\n", (int)((nl = strchr(p, '\n')) ? nl - p : (long)strlen(p)), p);
}

int cli_survey_create(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_new s = { a->name,   a->template, a->targets, a->channel, a->where,
				a->closes, a->subject,	a->body,    cli->today };
	struct crm_db *db;
	int rc;

	if (!a->template || !a->targets || !a->channel)
		return cli_usage_error(err, NULL, _("survey create needs --template, --targets and --channel"));
	if ((rc = cli_db(cli, &db, err)) || (rc = survey_activity_create(db, &s, err)))
		return rc;
	log_info(_("created survey '%s', a draft: 'crmgate survey launch %s' invites its targets"), a->name, a->name);
	return 0;
}

/* The rows of a list (name NULL) or of one survey, printed. */
static int print_surveys(struct cli *cli, const char *name, struct err *err)
{
	struct crm_db *db;
	struct crm_res *res = NULL;
	int rc = cli_db(cli, &db, err);

	if (!rc)
		rc = name ? survey_activity_show(&res, db, name, err) : survey_activity_list(&res, db, err);
	if (!rc)
		out_rows(cli, res, stdout);
	crm_res_free(res);
	return rc;
}

static int survey_list(struct cli *cli, void *args, struct err *err)
{
	(void)args;
	return print_surveys(cli, NULL, err);
}

static int survey_show(struct cli *cli, void *args, struct err *err)
{
	return print_surveys(cli, ((const struct survey_args *)args)->name, err);
}

int cli_survey_launch(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct gw_launch l;
	struct crm_db *db;
	int rc, yes;

	struct crm_res *s = NULL;

	/* whether its links can be made and will open, said before it is asked */
	if ((rc = gw_web_survey_key_check(config_get(cli->cfg, "serve", "secret"), err)) ||
	    (rc = cli_db(cli, &db, err)) || (rc = survey_activity_show(&s, db, a->name, err)))
		return rc;
	survey_warn_links(cli, crm_res_get(s, 0, crm_res_column(s, "channel")));
	crm_res_free(s);
	if ((rc = survey_confirm(&yes, a, "launch", _("not launched"), err, _("Invite the targets of survey '%s'?"),
				 a->name)) ||
	    !yes)
		return rc;
	rc = survey_activity_launch(db, a->name, config_get(cli->cfg, "serve", "secret"), cli->today, &l, err);
	if (!rc)
		print_queued(_("invited"), &l);
	gw_launch_release(&l);
	if (!rc)
		rc = survey_plan_texts(cli, db, a->name, err);
	return rc;
}

static int survey_remind(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct gw_launch l;
	struct crm_db *db;
	int rc, yes;

	/* the reminders carry the links again, made with the launch's key */
	if ((rc = gw_web_survey_key_check(config_get(cli->cfg, "serve", "secret"), err)))
		return rc;
	if ((rc = survey_confirm(&yes, a, "remind", _("nobody reminded"), err,
				 _("Remind those invited to survey '%s' who have not answered?"), a->name)) ||
	    !yes)
		return rc;
	if ((rc = cli_db(cli, &db, err)))
		return rc;
	rc = survey_activity_remind(db, a->name, (int)a->min_days, config_get(cli->cfg, "serve", "secret"), cli->today,
				    &l, err);
	if (!rc)
		print_queued(_("reminded"), &l);
	gw_launch_release(&l);
	return rc;
}

static int survey_close(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct crm_db *db;
	int rc, yes;

	if ((rc = survey_confirm(&yes, a, "close", _("not closed"), err,
				 _("Close survey '%s'? It takes no more answers."), a->name)) ||
	    !yes)
		return rc;
	if ((rc = cli_db(cli, &db, err)) || (rc = survey_activity_close(db, a->name, err)))
		return rc;
	log_info(_("closed survey '%s'"), a->name);
	return 0;
}

const struct opt_cmd *const cli_survey_cmd = usage;

int cmd_survey(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct survey_args a = { .min_days = 3 };
	return opt_run(cli, usage, &a, argc, argv, err);
}
