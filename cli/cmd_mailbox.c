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
#include "common/banned.h"

static const char usage[] =
	"usage: crmgate mailbox poll [--once] [--interval SECONDS]\n"
	"\n"
	"Reads the new messages of the [mailbox] url (imap[s]://USER:PASS@HOST:PORT/FOLDER, or\n"
	"maildir:FOLDER) once each. A bounce (a delivery status notification, RFC 3464) counts\n"
	"when it proves the message it answers, by the signed return path or the Message-ID, and\n"
	"names that message's recipient: a permanent failure (5.x.x) marks the outbox row bounced and suppresses the\n"
	"address, a delay is noted, a delivery report marks it delivered. Other messages are left\n"
	"for the survey reader. Prints what it did: bounced N, failed N, delayed N, delivered N,\n"
	"noted N (nothing new), unmatched N (not ours), other N. Without --once it polls again\n"
	"every SECONDS (default: [mailbox] interval, else 60) until interrupted, and waits for an\n"
	"IMAP server that cannot be reached.\n"
	"\n"
	"  --once               poll once and stop\n"
	"  --interval SECONDS   time between polls";


static void print_stats(const struct cli *cli, const struct gw_mailbox_stats *s)
{
	if (cli->format == OUT_JSON)
		printf("{\"bounced\":%ld,\"failed\":%ld,\"delayed\":%ld,\"delivered\":%ld,\"noted\":%ld,"
		       "\"unmatched\":%ld,\"other\":%ld}\n",
		       s->bounced, s->failed, s->delayed, s->delivered, s->noted, s->unmatched, s->other);
	else
		printf("bounced %ld, failed %ld, delayed %ld, delivered %ld, noted %ld, unmatched %ld, other %ld\n",
		       s->bounced, s->failed, s->delayed, s->delivered, s->noted, s->unmatched, s->other);
	fflush(stdout);
}

static int mailbox_poll(struct cli *cli, int argc, char **argv, struct err *err)
{
	struct gw_mailbox_opts o = { 0 };
	struct crm_db *db;
	const char *iv = config_get(cli->cfg, "mailbox", "interval");
	long interval = iv ? strtol(iv, NULL, 10) : 60;
	int once = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--once")) {
			once = 1;
		} else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
			char *end;
			interval = strtol(argv[++i], &end, 10);
			if (*end || interval < 1 || interval > 86400)
				return cli_usage_error(err, usage, "--interval takes a number of seconds from 1 to 86400");
		} else {
			return cli_usage_error(err, usage, "'%s' is not an option of mailbox poll", argv[i]);
		}
	}
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
			print_stats(cli, &st);
		for (long s = 0; !once && s < interval && !proc_stopping; s++)
			sleep(1);
	} while (!once && !proc_stopping);
	return 0;
}

static const struct {
	const char *name;
	cli_handler fn;
} verbs[] = {
	{ "poll", mailbox_poll },
};

int cmd_mailbox(struct cli *cli, int argc, char **argv, struct err *err)
{
	if (cli_wants_help(argc, argv, usage))
		return 0;
	if (argc < 2)
		return cli_usage_error(err, usage, "mailbox needs a verb: poll");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(cli, argc - 1, argv + 1, err);
	return cli_usage_error(err, usage, "'%s' is not a verb of mailbox (poll)", argv[1]);
}
