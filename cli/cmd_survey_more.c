/* cli/cmd_survey_more.c - crmgate survey preview and delete, and what
 * survey launch checks before it asks (SPEC sections 5 and 6): the
 * invitations rendered as they will go (through campaign preview's
 * renderer), whether their links can be opened, and for texts what they
 * cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_survey.h"
#include "common/config.h"
#include "common/log.h"
#include "gateway/plan.h"
#include "survey/activity.h"
#include "common/banned.h"

const struct opt_spec survey_preview_opts[] = {
	OPT_ARG("NAME", N_("a survey"), struct survey_args, name, OPT_REQUIRED),
	OPT_STRING("target", "CODE", N_("the invitation of this target (its code) only"), struct survey_args, target),
	OPT_INT("limit", "N", N_("how many targets (default 3)"), struct survey_args, limit, 1, 1000),
	OPT_END(),
};

const struct opt_spec survey_delete_opts[] = {
	OPT_ARG("NAME", N_("a survey"), struct survey_args, name, OPT_REQUIRED),
	OPT_FLAG("force",
		 N_("delete a closed survey with its invitations, responses, replies kept for\n"
		    "review and the records of its messages"),
		 struct survey_args, force),
	OPT_FLAG("yes", N_("do not ask (scripts)"), struct survey_args, yes),
	OPT_END(),
};

int survey_preview(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);

	if (!rc)
		rc = survey_activity_campaign(&c, db, a->name, err);
	if (!rc) {
		survey_warn_links(cli, c.channel);
		rc = cli_campaign_preview(cli, db, &c, a->target ? 1 : a->limit > 0 ? a->limit : 3, a->target, err);
	}
	if (!rc)
		printf("\n[the link is each invitation's own: %s/s/ and its token, shown as X]\n",
		       config_get_or(cli->cfg, "serve", "public_url", "http://127.0.0.1:8080"));
	gw_campaign_release(&c);
	return rc;
}

void survey_warn_links(struct cli *cli, const char *channel)
{
	const char *url = config_get(cli->cfg, "serve", "public_url");
	const char *how = !strcmp(channel, "sms") ? "texts" : "e-mails";

	if (!url)
		log_warn("[serve] public_url is not set: the links in the %s would point at http://127.0.0.1:8080,"
			 " which respondents cannot open; set it to the https address of 'crmgate serve'",
			 how);
	else if (cli_url_is_loopback(url))
		log_warn("[serve] public_url '%s' is this machine: respondents cannot open the links in the %s; set it"
			 " to the https address of 'crmgate serve'",
			 url, how);
	else if (strncmp(url, "https://", 8))
		log_warn("[serve] public_url '%s' is not https: respondents' answers and links would travel"
			 " unencrypted",
			 url);
}

int survey_plan_texts(struct cli *cli, struct crm_db *db, const char *name, struct err *err)
{
	struct gw_campaign c = { 0 };
	struct gw_plan p;
	int rc = survey_activity_campaign(&c, db, name, err);

	if (!rc && !strcmp(c.channel, "sms"))
		rc = gw_plan_sms(db, &c, cli->cfg, cli->today, &p, err);
	if (!rc && !strcmp(c.channel, "sms") && p.texts) {
		printf("texts: %ld segment%s for %ld invitation%s (link included): ", p.segments,
		       p.segments == 1 ? "" : "s", p.texts, p.texts == 1 ? "" : "s");
		if (p.max_segments <= 1)
			printf("1 each");
		else if (p.multipart == p.texts)
			printf("%ld each at most, none in one", p.max_segments);
		else
			printf("1 each, %ld of them up to %ld", p.multipart, p.max_segments);
		printf(" (%ld GSM 7-bit, %ld UCS-2)\n", p.gsm7, p.ucs2);
	}
	gw_campaign_release(&c);
	return rc;
}

int survey_delete(struct cli *cli, void *args, struct err *err)
{
	const struct survey_args *a = args;
	struct survey_holdings h;
	struct crm_db *db;
	int rc = cli_db(cli, &db, err), yes = 1;

	if (!rc)
		rc = survey_activity_holdings(&h, db, a->name, err);
	/* what cannot be deleted is said before anything is asked */
	if (!rc && !strcmp(h.status, "running"))
		return survey_activity_delete(db, a->name, a->force, err);
	if (!rc && !strcmp(h.status, "closed") && !a->force)
		return survey_activity_delete(db, a->name, 0, err);
	if (!rc && !strcmp(h.status, "draft"))
		rc = survey_confirm(&yes, a, "delete", _("not deleted"), err, _("Delete the draft survey '%s'?"),
				    a->name);
	else if (!rc)
		rc = survey_confirm(&yes, a, "delete", _("not deleted"), err,
				    _("Delete survey '%s' with its %ld invitations, %ld responses, %ld replies kept for"
				      " review and the records of its %ld messages? This cannot be undone."),
				    a->name, h.invitations, h.responses, h.kept, h.messages);
	if (rc || !yes)
		return rc;
	if ((rc = survey_activity_delete(db, a->name, a->force, err)))
		return rc;
	if (!strcmp(h.status, "draft"))
		log_info(_("deleted survey '%s', a draft"), a->name);
	else
		log_info(_("deleted survey '%s': %ld invitations, %ld responses, %ld replies kept for review, %ld"
			   " messages"),
			 a->name, h.invitations, h.responses, h.kept, h.messages);
	return 0;
}
