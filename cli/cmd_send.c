/* cli/cmd_send.c - crmgate send: deliver the outbox. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/proc.h"
#include "gateway/campaign.h"
#include "gateway/send.h"
#include "common/banned.h"

static const struct opt_spec send_opts[] = {
	OPT_INT("workers", "N", N_("N processes side by side (default: [email] connections, else 1)"), struct send_args,
		workers, 1, 64),
	OPT_FLAG("once", N_("stop when nothing is due"), struct send_args, once),
	OPT_STRING("campaign", "CAMPAIGN", N_("only this campaign's messages (a name or an id), the others wait"),
		   struct send_args, campaign),
	OPT_END(),
};

static const struct opt_cmd usage[1] = { {
	.name = "send",
	.summary = N_("deliver the outbox: letters, e-mail and text messages"),
	.help = N_("Delivers the messages of running campaigns as they fall due: letters into a print batch\n"
		   "(out/print, with an address list sorted by postcode), text messages through the [sms]\n"
		   "provider (files in out/sms by default). Each result is committed at once; several 'send'\n"
		   "processes, here or on other machines sharing the database, never send a message twice, and\n"
		   "the rows of one that stopped are taken over at once. Without --once it keeps waiting for\n"
		   "more until interrupted (Ctrl-C finishes the message in hand).\n"
		   "\n"
		   "Each worker keeps one SMTP connection open for all its e-mails, and two database sessions:\n"
		   "e-mail goes out as fast as the workers side by side ([email] connections of them, unless\n"
		   "--workers says otherwise; 4 to 8 keep two cores busy towards a nearby server)."),
	.opts = send_opts,
	.fn = cli_send,
} };

const struct opt_cmd *const cli_send_cmd = usage;

/* How long a worker keeps trying to reach a database that went away (a
 * restart, a failover) before it gives up, and the longest wait between tries. */
#define RECONNECT_FOR	   300
#define RECONNECT_WAIT_MAX 10

static void add_stats(struct gw_send_stats *to, const struct gw_send_stats *from)
{
	to->sent += from->sent;
	to->retried += from->retried;
	to->failed += from->failed;
	to->unknown += from->unknown;
	to->skipped += from->skipped;
}

/* One run of a worker on sessions of its own. They are the database owner's
 * whatever --as says: a worker sends for the campaigns' owners, and needs
 * to see other sessions in pg_stat_activity to take over their rows.
 * *opened says whether it got its sessions, *lost whether it ended because
 * one of them (or the database) went away. */
static int work_once(struct cli *cli, const struct gw_send_opts *o, struct gw_send_stats *total, int *opened, int *lost,
		     struct err *err)
{
	struct crm_store_opts owner = cli->store;
	struct crm_db *db = NULL, *rdb = NULL;
	struct gw_send_stats st = { 0 };
	int rc;

	owner.as_login = NULL;
	rc = crm_store_open(&db, &owner, err);
	if (!rc)
		rc = crm_store_open(&rdb, &owner, err);
	if (!rc)
		rc = gw_send_run(db, rdb, o, &st, err);
	add_stats(total, &st);
	*opened = db && rdb;
	*lost = rc && (!*opened || crm_db_lost(db) || crm_db_lost(rdb));
	crm_db_free(rdb);
	crm_db_free(db);
	return rc;
}

/* One worker. When the database goes away under it, it connects again
 * (with a growing pause) and goes on: the rows it held are taken over by
 * the usual recovery, a message in flight counting as unknown. Only a
 * database that was there at the start is waited for: a wrong --db fails
 * at once. */
static int work(struct cli *cli, const struct gw_send_opts *o, struct err *err)
{
	struct gw_send_stats st = { 0 };
	time_t lost_since = 0;
	int rc, opened, lost, pause = 1, connected = 0;

	for (;;) {
		rc = work_once(cli, o, &st, &opened, &lost, err);
		connected |= opened;
		if (rc && lost && proc_stopping) {
			/* asked to stop anyway: what it held is taken over by the next worker */
			log_warn("stopping without the database (%s)", err->msg.data);
			err_clear(err);
			rc = 0;
		}
		if (!rc || !lost || proc_stopping || !connected)
			break;
		if (!lost_since)
			lost_since = time(NULL);
		if (time(NULL) - lost_since > RECONNECT_FOR) {
			err_prefix(err, "gave up after %d s without the database: ", RECONNECT_FOR);
			break;
		}
		log_warn("lost the database (%s); connecting again in %d s", err->msg.data, pause);
		err_clear(err);
		sleep((unsigned)pause);
		pause = pause * 2 > RECONNECT_WAIT_MAX ? RECONNECT_WAIT_MAX : pause * 2;
	}
	if (!rc)
		log_info("sent %ld, to retry %ld, failed %ld, unknown %ld, skipped %ld", st.sent, st.retried, st.failed,
			 st.unknown, st.skipped);
	return rc;
}

/* The id of the campaign named ref, as the user running send sees it. */
static int campaign_id(struct cli *cli, const char *ref, long *id, struct err *err)
{
	struct gw_campaign c = { 0 };
	struct crm_db *db;
	int rc = cli_db(cli, &db, err);

	if (!rc)
		rc = gw_campaign_get(db, ref, &c, err);
	if (!rc)
		*id = c.id;
	gw_campaign_release(&c);
	return rc;
}

int cli_send(struct cli *cli, void *args, struct err *err)
{
	const struct send_args *a = args;
	struct gw_send_opts o = { .cfg = cli->cfg, .today = cli->today, .stop = &proc_stopping };
	const char *conf = config_get(cli->cfg, "email", "connections");
	const char *campaign = a->campaign;
	long workers = 1;
	/* OPT_UNSET or 0: not given */
	int failed = 0, given = a->workers >= 1, rc;

	o.once = a->once;
	if (given)
		workers = a->workers;
	if (!given && conf) {
		char *end;
		errno = 0;
		workers = strtol(conf, &end, 10);
		if (errno || end == conf || *end || workers < 1 || workers > 64)
			return err_set(err, ERR_INPUT, "[email] connections: '%s' is not a number from 1 to 64", conf);
	}
	if (campaign && (rc = campaign_id(cli, campaign, &o.campaign_id, err)))
		return rc;
	o.mail_dir = config_get(cli->cfg, "mail", "dir");
	proc_stop_on_signals();
	if (workers == 1)
		return work(cli, &o, err);

	fflush(NULL);
	for (long i = 0; i < workers; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return err_set(err, ERR_FAIL, "could not start a worker: %s", strerror(errno));
		if (pid == 0) {
			struct err werr = ERR_INIT;
			int wrc = work(cli, &o, &werr);
			if (wrc)
				log_warn("worker %ld: %s", i + 1, werr.msg.data);
			fflush(NULL);
			_exit(wrc ? 1 : 0);
		}
	}
	for (;;) {
		int status;
		pid_t pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	return failed ? err_set(err, ERR_FAIL, "%d of %ld workers failed", failed, workers) : 0;
}

int cmd_send(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct send_args a = { 0 };
	return opt_run(cli, usage, &a, argc, argv, err);
}
