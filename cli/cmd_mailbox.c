/* cli/cmd_mailbox.c - crmgate mailbox poll: read bounces into the outbox. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/log.h"
#include "common/proc.h"
#include "common/xalloc.h"
#include "gateway/mailbox.h"
#include "survey/mailreply.h"
#include "common/banned.h"

struct mailbox_args {
	int once;
	long interval;
};

static int mailbox_poll(struct cli *cli, void *args, struct err *err);

static const struct opt_spec poll_opts[] = {
	OPT_FLAG("once", N_("poll once and stop"), struct mailbox_args, once),
	OPT_INT("interval", "SECONDS", N_("time between polls"), struct mailbox_args, interval, 1, 86400),
	OPT_END(),
};

static const struct opt_cmd verbs[] = {
	{ .name = "mailbox poll",
	  .summary = N_("read the new messages, once or again and again"),
	  .opts = poll_opts,
	  .fn = mailbox_poll },
	{ 0 },
};

static const struct opt_cmd usage[1] = { {
	.name = "mailbox",
	.summary = N_("read bounces (and later survey answers) from the mailbox"),
	.help = N_(
		"Reads the new messages of the [mailbox] url (imap[s]://USER:PASS@HOST:PORT/FOLDER, or\n"
		"maildir:FOLDER) once each. A bounce (a delivery status notification, RFC 3464) counts\n"
		"when it proves the message it answers, by the signed return path or the Message-ID, and\n"
		"names that message's recipient: a permanent failure (5.x.x) marks the outbox row bounced and suppresses the\n"
		"address, a delay is noted, a delivery report marks it delivered. Other messages are left\n"
		"for the survey reader. Prints what it did: bounced N, failed N, delayed N, delivered N,\n"
		"noted N (nothing new), unmatched N (not ours), other N; then what became of the replies\n"
		"to survey invitations among the others: answers N (stored), kept for review N ('crmgate\n"
		"survey inbox' lists them), auto-replies N (not answers). Without --once it polls again\n"
		"every SECONDS (default: [mailbox] interval, else 60) until interrupted, and waits for an\n"
		"IMAP server that cannot be reached."),
	.verbs = verbs,
} };

static void print_stats(const struct cli *cli, const struct gw_mailbox_stats *s, const struct survey_mail_stats *r)
{
	if (cli->format == OUT_JSON)
		printf("{\"bounced\":%ld,\"failed\":%ld,\"delayed\":%ld,\"delivered\":%ld,\"noted\":%ld,"
		       "\"unmatched\":%ld,\"other\":%ld,\"answers\":%ld,\"kept\":%ld,\"auto_replies\":%ld}\n",
		       s->bounced, s->failed, s->delayed, s->delivered, s->noted, s->unmatched, s->other, r->answers,
		       r->kept, r->auto_replies);
	else
		printf("bounced %ld, failed %ld, delayed %ld, delivered %ld, noted %ld, unmatched %ld, other %ld\n"
		       "survey replies: answers %ld, kept for review %ld, auto-replies %ld\n",
		       s->bounced, s->failed, s->delayed, s->delivered, s->noted, s->unmatched, s->other, r->answers,
		       r->kept, r->auto_replies);
	fflush(stdout);
}

static int mailbox_poll(struct cli *cli, void *args, struct err *err)
{
	const struct mailbox_args *a = args;
	struct gw_mailbox_opts o = { 0 };
	struct crm_db *db;
	const char *iv = config_get(cli->cfg, "mailbox", "interval");
	long interval = iv ? strtol(iv, NULL, 10) : 60;
	int once = 0, rc;

	once = a->once;
	if (a->interval)
		interval = a->interval;
	if (interval < 1)
		interval = 60;
	o.url = config_get(cli->cfg, "mailbox", "url");
	o.return_path = config_get(cli->cfg, "email", "return_path");
	o.secret = config_get(cli->cfg, "serve", "secret");
	o.tls_fingerprint = config_get(cli->cfg, "mailbox", "tls_fingerprint");
	{
		const char *t = config_get(cli->cfg, "mailbox", "timeout");
		o.timeout = t ? (int)strtol(t, NULL, 10) : 30;
	}
	if (!o.url) {
		err_set(err, ERR_INPUT, "[mailbox] url is not set");
		err_hint(err, "set it in crmgate.conf ([mailbox] url = imap://USER:PASS@HOST:PORT/INBOX or "
			      "maildir:FOLDER) or as CRMGATE_MAILBOX_URL");
		return err->code;
	}
	if ((rc = cli_db(cli, &db, err)))
		return rc;
	proc_stop_on_signals();
	do {
		struct gw_mailbox_stats st = { 0 };
		struct survey_mail replies = { { 0 } };
		o.other = survey_mail_hook;
		o.other_ctx = &replies;
		rc = gw_mailbox_poll(db, &o, &st, err);
		if (rc == ERR_TEMPFAIL && !once) {
			/* the server is away, or another poll runs: next time */
			log_warn("%s", err->msg.data);
			err_clear(err);
			rc = 0;
		} else if (rc) {
			return rc;
		}
		if (once || st.bounced + st.failed + st.delayed + st.delivered + st.noted + st.unmatched + st.other)
			print_stats(cli, &st, &replies.stats);
		for (long s = 0; !once && s < interval && !proc_stopping; s++)
			sleep(1);
	} while (!once && !proc_stopping);
	return 0;
}

int cmd_mailbox(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct mailbox_args a = { 0 };
	return opt_run(cli, usage, &a, argc, argv, err);
}
