/* cli/cmd_send_one.c - crmgate send-one: one message to one target, now.
 *
 * The same path as a campaign, on purpose: a campaign of one target is
 * created, launched and delivered at once (by the functions the campaign
 * and send commands use, not by running those commands), so that opt-outs,
 * suppression, the outbox's exactly-once and the record of what was sent
 * hold for a salesperson's single greeting as they do for a mass mailing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/xalloc.h"
#include "common/log.h"
#include "gateway/campaign.h"
#include "gateway/send.h"
#include "common/banned.h"

struct send_one_args {
	const char *entity, *code;
	struct opt_list create; /* campaign create's options */
};

static const struct opt_spec send_one_opts[] = {
	OPT_ARG("ENTITY", N_("the target's entity: contact, customer, lead..."), struct send_one_args, entity, 0),
	OPT_ARG("CODE", N_("the target's code"), struct send_one_args, code, 0),
	OPT_ARGS("CAMPAIGN-CREATE-OPTIONS",
		 N_("--channel mail|email|sms and the other options of 'crmgate campaign create'"),
		 struct send_one_args, create, 0),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "send-one",
	.summary = N_("one message to one target now, through the outbox"),
	.help = N_("Sends one message to the target CODE of ENTITY now: a campaign of that one target is\n"
		   "created (named 'send-one ENTITY CODE TIME'), launched and delivered, and its status\n"
		   "printed. The options are those of 'crmgate campaign create' (--channel, --subject, --body,\n"
		   "--template, --attach, --transactional...). Opt-outs and suppression apply as to any\n"
		   "campaign; the exit status is 1 when the message was not sent.\n"
		   "\n"
		   "  crmgate send-one contact K0011 --channel email --subject '{{name}}，您的报价'\n"
		   "      --body quote.txt --template quote.docx --attach pdf"),
	.opts = send_one_opts,
	/* the options are campaign create's, read there */
	.flags = OPT_PASSTHROUGH,
} };

/* A filter naming one code: the code quoted as the filter language quotes. */
static char *code_filter(const char *code)
{
	struct buf f = BUF_INIT;
	buf_adds(&f, "code = '");
	for (const char *p = code; *p; p++) {
		if (*p == '\'')
			buf_addch(&f, '\'');
		buf_addch(&f, *p);
	}
	buf_addch(&f, '\'');
	return buf_detach(&f, NULL);
}

/* The campaign's counts, and exit status 1 unless its message went out (2
 * when there was no such target: the empty campaign is cancelled). */
static int outcome(struct cli *cli, const char *name, const char *entity, const char *code, struct err *err)
{
	struct gw_campaign c = { 0 };
	struct crm_res *res = NULL;
	struct crm_db *db;
	char *status = NULL, *why = NULL;
	int rc = cli_db(cli, &db, err);

	if (!rc)
		rc = gw_campaign_get(db, name, &c, err);
	if (!rc)
		rc = gw_campaign_status(&res, db, &c, err);
	if (!rc && !strcmp(crm_res_get(res, 0, crm_res_column(res, "total")), "0")) {
		/* nobody was queued or skipped */
		gw_campaign_set_status(db, &c, "cancel", err);
		err_clear(err);
		rc = err_set(err, ERR_NOTFOUND, "there is no %s '%s' (or it is not yours to see)", entity, code);
	} else if (!rc) {
		out_record(cli, res, 0, stdout);
	}
	if (!rc)
		rc = gw_campaign_not_sent(db, &c, &status, &why, err);
	if (!rc && status && !strcmp(status, "queued"))
		rc = err_set(err, ERR_FAIL, "the message is not sent yet: %s; 'crmgate send' tries again",
			     why ? why : "it is due later");
	else if (!rc && status)
		rc = err_set(err, ERR_FAIL, "the message was not sent: %s%s%s", status, why ? ": " : "",
			     why ? why : "");
	crm_res_free(res);
	gw_campaign_release(&c);
	free(status);
	free(why);
	return rc;
}

/* Deliver campaign id's queue now, as 'crmgate send --once --campaign' does
 * with one worker: on the owner's sessions (the outbox is the owner's). */
static int deliver(struct cli *cli, long id, struct err *err)
{
	struct crm_store_opts owner = cli->store;
	struct gw_send_opts o = { .cfg = cli->cfg, .today = cli->today, .once = 1, .campaign_id = id };
	struct gw_send_stats st = { 0 };
	struct crm_db *db = NULL, *rdb = NULL;
	int rc;

	o.mail_dir = config_get(cli->cfg, "mail", "dir");
	owner.as_login = NULL;
	rc = crm_store_open(&db, &owner, err);
	if (!rc)
		rc = crm_store_open(&rdb, &owner, err);
	if (!rc)
		rc = gw_send_run(db, rdb, &o, &st, err);
	if (!rc)
		log_info("sent %ld, to retry %ld, failed %ld, unknown %ld, skipped %ld", st.sent, st.retried, st.failed,
			 st.unknown, st.skipped);
	crm_db_free(rdb);
	crm_db_free(db);
	return rc;
}

int cmd_send_one(struct cli *cli, int argc, char **argv, struct err *err)
{
	char stamp[32], *name, *where;
	time_t now = time(NULL);
	struct tm tm;
	long id = 0;
	int rc;

	struct send_one_args a = { 0 };

	rc = opt_parse(NULL, usage, &a, argc, argv, err);
	opt_release(usage, &a);
	if (rc)
		return rc == OPT_HELP ? 0 : rc;
	if (argc < 3 || argv[1][0] == '-' || argv[2][0] == '-')
		return cli_usage_error(err, usage, "send-one needs the target's entity and code");
	if (!cli_entity(argv[1], usage, err))
		return err->code;
	/* one target, named here: a filter of the user's would widen it */
	for (int i = 3; i < argc; i++)
		if (!strcmp(argv[i], "--where") || !strcmp(argv[i], "--targets"))
			return cli_usage_error(err, usage, "send-one sends to the one target it names: no %s", argv[i]);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	name = xstrfmt("send-one %s %s %s.%ld", argv[1], argv[2], stamp, (long)getpid());
	where = code_filter(argv[2]);
	/* the campaign of one target, with the user's create options */
	rc = cli_campaign_create_for(cli, name, argv[1], where, argc - 2, argv + 2, err);
	if (!rc)
		rc = cli_campaign_launch_now(cli, name, &id, err);
	if (!rc)
		rc = deliver(cli, id, err);
	if (!rc)
		rc = outcome(cli, name, argv[1], argv[2], err);
	free(where);
	free(name);
	return rc;
}
