/* cli/cmd_survey_inbox.c - crmgate survey inbox [--all] | show | assign |
 * dismiss: the replies to surveys that could not be filed by themselves
 * (unmatched, unreadable, a closed survey), kept for a person to read and
 * file by hand (the work in survey/mailreply.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/log.h"
#include "survey/mailreply.h"
#include "common/banned.h"

static int inbox_show(struct cli *cli, void *args, struct err *err);
static int inbox_assign(struct cli *cli, void *args, struct err *err);
static int inbox_dismiss(struct cli *cli, void *args, struct err *err);

#define ITEM_ARG                                                                                                       \
	OPT_ARG("ID", N_("an item of the inbox (its id in 'crmgate survey inbox')"), struct survey_args, item,         \
		OPT_REQUIRED)

const struct opt_spec survey_inbox_list_opts[] = {
	OPT_FLAG("all", N_("the items filed and dismissed too, with their status"), struct survey_args, all),
	OPT_END(),
};

static const struct opt_spec item_opts[] = {
	ITEM_ARG,
	OPT_END(),
};

static const struct opt_spec assign_opts[] = {
	ITEM_ARG,
	OPT_STRING("invitation", "ID|TARGET_CODE",
		   N_("the invitation it answers: its id, or the code of its target (of --survey, else of the\n"
		      "survey the reply was matched to); default: the one it was matched to"),
		   struct survey_args, invitation),
	OPT_STRING("survey", "S", N_("the survey of a TARGET_CODE"), struct survey_args, survey),
	OPT_STRING("answers", "\"1: B; 3: 4\"",
		   N_("the answers, read by hand ('; ' or a line between answers), instead of the\n"
		      "reply's own text"),
		   struct survey_args, answers),
	OPT_END(),
};

const struct opt_cmd survey_inbox_verbs[] = {
	{ .name = "survey inbox show",
	  .summary = N_("one item: who sent it, why it is kept, its text"),
	  .opts = item_opts,
	  .fn = inbox_show },
	{ .name = "survey inbox assign",
	  .summary = N_("file an item as the e-mail answer of an invitation (status filed)"),
	  .opts = assign_opts,
	  .fn = inbox_assign },
	{ .name = "survey inbox dismiss",
	  .summary = N_("set an item aside: it needs nothing (status dismissed)"),
	  .opts = item_opts,
	  .fn = inbox_dismiss },
	{ 0 },
};

/* The item id of the arguments, or a usage error. */
static int item_id(long long *out, const struct survey_args *a, struct err *err)
{
	char *end;

	*out = strtoll(a->item, &end, 10);
	if (*end || end == a->item || *out <= 0)
		return cli_usage_error(err, NULL, _("ID must be the number of an inbox item, not '%s'"), a->item);
	return 0;
}

int survey_inbox_list(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct crm_res *res = NULL;
	struct crm_db *db;
	int rc;

	if ((rc = cli_db(cli, &db, err)) || (rc = survey_mail_inbox_list(&res, db, a->all, err)))
		return rc;
	out_rows(cli, res, stdout);
	crm_res_free(res);
	return 0;
}

static int inbox_show(struct cli *cli, void *args, struct err *err)
{
	struct crm_res *res = NULL;
	struct crm_db *db;
	long long id;
	int rc;

	if ((rc = item_id(&id, args, err)) || (rc = cli_db(cli, &db, err)) ||
	    (rc = survey_mail_inbox_show(&res, db, id, err)))
		return rc;
	out_record(cli, res, 0, stdout);
	crm_res_free(res);
	return 0;
}

static int inbox_assign(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct crm_db *db;
	long long id;
	int rc;

	if ((rc = item_id(&id, a, err)) || (rc = cli_db(cli, &db, err)) ||
	    (rc = survey_mail_inbox_assign(db, id, a->invitation, a->survey, a->answers, err)))
		return rc;
	log_info(_("filed survey inbox item %lld as its invitation's e-mail answer"), id);
	return 0;
}

static int inbox_dismiss(struct cli *cli, void *args, struct err *err)
{
	struct crm_db *db;
	long long id;
	int rc;

	if ((rc = item_id(&id, args, err)) || (rc = cli_db(cli, &db, err)) ||
	    (rc = survey_mail_inbox_dismiss(db, id, err)))
		return rc;
	log_info(_("dismissed survey inbox item %lld"), id);
	return 0;
}
