/* tests/gateway/test_mailbox.c - bounces read from a real Dovecot over IMAP
 * and from a Maildir, recorded in the outbox once.
 *
 * The IMAP test starts its own Dovecot with tests/servers/imap.sh (through
 * a small sh wrapper that stops it again when the test closes its stdin, or
 * dies), drops bounces into the Maildir Dovecot serves, and polls: a Dovecot
 * of its own, so that no other test's messages are counted. It is skipped,
 * saying why, when Dovecot cannot start. The messages are those of
 * tests/gateway/dsn/ (see test_dsn.c), which name outbox rows 42 to 47. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "gateway/dsn.h"
#include "gateway/mailbox.h"

#define RP "bounces@example.test"

struct dovecot {
	pid_t pid;
	int in; /* its stdin: closing it stops Dovecot */
	char port[16];
	char maildir[512];
	char tls_port[16]; /* IMAPS, "0" without a certificate */
	char dir[512];	   /* Dovecot's folder: cert.pem */
};

/* Dovecot alone, serving a Maildir of its own. */
static const char dovecot_only[] = "SERVERS_DIR=tests/servers; . tests/servers/imap.sh;"
				   " trap 'imap_stop' EXIT; imap_start >&2 || exit 1;"
				   " echo \"$IMAP_PORT $IMAP_MAILDIR $IMAPS_PORT $IMAP_DIR\"; read x";
/* Postfix delivering into the Maildir that Dovecot serves; the second word
 * is Postfix's folder (its configuration is conf/ there). */
static const char postfix_and_dovecot[] = "SERVERS_DIR=tests/servers; . tests/servers/mta.sh; . tests/servers/imap.sh;"
					  " trap 'imap_stop; mta_stop' EXIT; mta_start >&2 && imap_start >&2 || exit 1;"
					  " echo \"$IMAP_PORT $MTA_DIR\"; read x";

/* Start the servers of script; 0, or 1 with *why set when they cannot run here. */
static int dovecot_start(struct dovecot *d, const char *script, char **why)
{
	int in[2], back[2];
	FILE *f;
	char line[600];

	memset(d, 0, sizeof(*d));
	if (access("tests/servers/imap.sh", R_OK)) {
		*why = xstrfmt("tests/servers/imap.sh is not here (run from the top folder)");
		return 1;
	}
	if (pipe(in) || pipe(back))
		cr_assert_fail("pipe: %s", strerror(errno));
	d->pid = fork();
	cr_assert_neq(d->pid, -1);
	if (d->pid == 0) {
		dup2(in[0], 0);
		dup2(back[1], 1);
		/* nothing of the test runner's may live on in Dovecot */
		close_range(3, ~0U, 0);
		execlp("sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(back[1]);
	d->in = in[1];
	f = fdopen(back[0], "r");
	strcpy(d->tls_port, "0");
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "%15s %511s %15s %511s", d->port, d->maildir, d->tls_port, d->dir) < 2) {
		fclose(f);
		close(d->in);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
		*why = xstrfmt("the servers did not start (tests/servers/ says why above; make deps installs them)");
		return 1;
	}
	fclose(f);
	return 0;
}

static void dovecot_stop(struct dovecot *d)
{
	if (!d->pid)
		return;
	close(d->in);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

/* Deliver a message into a Maildir as an MTA would: tmp/, then new/, owned
 * by whoever owns the Maildir (Dovecot reads it as that user). */
static void deliver(const char *maildir, const char *name, const char *content)
{
	struct stat sb;
	char *tmp = xstrfmt("%s/tmp/%s", maildir, name), *dst = xstrfmt("%s/new/%s", maildir, name);
	test_write_file(tmp, content);
	cr_assert_eq(stat(maildir, &sb), 0);
	if (geteuid() == 0)
		cr_assert_eq(chown(tmp, sb.st_uid, sb.st_gid), 0);
	cr_assert_eq(rename(tmp, dst), 0, "%s: %s", dst, strerror(errno));
	free(tmp);
	free(dst);
}

/* The signed return path of outbox row id, as gateway/send.c makes it. */
static char *return_path(struct crm_db *conn, long id)
{
	struct err err = ERR_INIT;
	char idtext[24], *tag = NULL, *rp;
	snprintf(idtext, sizeof(idtext), "%ld", id);
	assert_ok(crm_db_value(&tag, conn, "SELECT crm.bounce_tag($1::bigint)", 1, (const char *[]){ idtext }, &err),
		  &err);
	cr_assert_not_null(tag);
	rp = xstrfmt("bounces+%ld.%s@example.test", id, tag);
	free(tag);
	err_release(&err);
	return rp;
}

/* A message of tests/gateway/dsn/. With conn, it answers a message sent since
 * sql/015: its bare return path bounces+ID@ becomes the row's signed one. */
static void deliver_fixture(const char *maildir, const char *file, struct crm_db *conn, long id)
{
	char *path = xstrfmt("tests/gateway/dsn/%s", file), *msg = test_slurp(path);
	char *name = xstrfmt("1795753701.%s.test", file);
	if (conn) {
		char *bare = xstrfmt("bounces+%ld@example.test", id), *tagged = return_path(conn, id);
		struct buf b = BUF_INIT;
		for (const char *p = msg, *q; *p; p = q + strlen(bare)) {
			q = strstr(p, bare);
			if (!q) {
				buf_adds(&b, p);
				break;
			}
			buf_add(&b, p, (size_t)(q - p));
			buf_adds(&b, tagged);
		}
		free(msg);
		msg = buf_detach(&b, NULL);
		cr_assert(strstr(msg, tagged), "%s names no bounces+%ld@", file, id);
		free(bare);
		free(tagged);
	}
	deliver(maildir, name, msg);
	free(name);
	free(msg);
	free(path);
}

static const char survey_reply[] = "From: Anne <anne@example.net>\nTo: survey@example.test\n"
				   "Subject: Re: your opinion\nMessage-ID: <r1@example.net>\n"
				   "In-Reply-To: <crmgate.42.Zx81bQ2p@example.test>\n\n1: B\n2: A,C\n";

/* Claims to be a bounce of row 48, for an address that is not the row's. */
static const char forged[] = "From: MAILER-DAEMON@evil.example\nTo: bounces+48@example.test\n"
			     "Subject: Undelivered Mail Returned to Sender\n"
			     "Content-Type: multipart/report; report-type=delivery-status; boundary=f\n\n"
			     "--f\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; evil.example\n\n"
			     "Final-Recipient: rfc822; mallory@evil.example\nAction: failed\nStatus: 5.1.1\n--f--\n";

/* A bounce of a row that does not exist. */
static const char stray[] = "From: MAILER-DAEMON@mx.example.net\nTo: bounces+999@example.test\n"
			    "Subject: Undelivered Mail Returned to Sender\n"
			    "Content-Type: multipart/report; report-type=delivery-status; boundary=f\n\n"
			    "--f\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
			    "Final-Recipient: rfc822; zed@example.net\nAction: failed\nStatus: 5.1.1\n--f--\n";

static void seed(struct crm_db *conn)
{
	struct err err = ERR_INIT;
	assert_ok(
		crm_db_exec(
			conn,
			"INSERT INTO crm.campaign (id, name, channel, targets, status) OVERRIDING SYSTEM VALUE"
			" VALUES (1, 'birthday', 'email', 'contact', 'running');"
			"INSERT INTO crm.outbox (id, campaign_id, channel, target_code, recipient, status, attempts,"
			" message_id, sent_at) OVERRIDING SYSTEM VALUE VALUES"
			" (42, 1, 'email', 'P42', 'anne@gone.example.test', 'sent', 1,"
			"  '<crmgate.42.Zx81bQ2p@example.test>', now()),"
			" (43, 1, 'email', 'P43', 'bob@full.example.test', 'sent', 1,"
			"  '<crmgate.43.Zx81bQ2p@example.test>', now()),"
			/* another Message-ID than the bounce returns: its address must match */
			" (44, 1, 'email', 'P44', 'Erin@Example.net', 'sent', 1, '<crmgate.44.Other@example.test>', now()),"
			" (45, 1, 'email', 'P45', 'carol@example.net', 'unknown', 1, NULL, NULL),"
			" (46, 1, 'email', 'P46', 'dave@example.org', 'sent', 1,"
			"  '<crmgate.46.A7kLm0Qz@example.test>', now()),"
			/* never went out: a bounce of it is no bounce */
			" (47, 1, 'email', 'P47', 'frank@example.com', 'queued', 0, NULL, NULL),"
			" (48, 1, 'email', 'P48', 'grace@example.net', 'sent', 1, '<crmgate.48.x@example.test>', now())",
			&err),
		&err);
	err_release(&err);
}

static char *value(struct crm_db *conn, const char *sql)
{
	struct err err = ERR_INIT;
	char *v = NULL;
	assert_ok(crm_db_value(&v, conn, sql, 0, NULL, &err), &err);
	err_release(&err);
	return v ? v : xstrdup("(null)");
}

static void expect_value(struct crm_db *conn, const char *sql, const char *want)
{
	char *v = value(conn, sql);
	cr_expect_str_eq(v, want, "%s", sql);
	free(v);
}

static void expect_rows(struct crm_db *conn)
{
	expect_value(conn, "SELECT string_agg(id || ' ' || status, ', ' ORDER BY id) FROM crm.outbox",
		     "42 bounced, 43 sent, 44 bounced, 45 bounced, 46 bounced, 47 queued, 48 sent");
	expect_value(conn, "SELECT last_error FROM crm.outbox WHERE id = 42", "bounced: 5.1.1 mailbox unavailable");
	expect_value(conn, "SELECT last_error FROM crm.outbox WHERE id = 43", "delayed: 4.2.2 mailbox full");
	expect_value(conn, "SELECT last_error FROM crm.outbox WHERE id = 44",
		     "bounced: 5.1.1 550 5.1.1 <erin@example.net>: Recipient address rejected: User unknown in virtual"
		     " mailbox table");
	expect_value(conn, "SELECT last_error FROM crm.outbox WHERE id = 46",
		     "bounced: 5.0.0 host mx.example.org [192.0.2.40]: 550 unrouteable address");
	expect_value(conn,
		     "SELECT string_agg(address || ' ' || reason || ' ' || outbox_id, ', ' ORDER BY address)"
		     " FROM crm.suppression",
		     "anne@gone.example.test bounced 42, carol@example.net bounced 45, dave@example.org bounced 46,"
		     " erin@example.net bounced 44");
}

static void expect_stats(const struct gw_mailbox_stats *s, long bounced, long delayed, long noted, long unmatched,
			 long other)
{
	cr_expect_eq(s->bounced, bounced, "bounced %ld", s->bounced);
	cr_expect_eq(s->failed, 0, "failed %ld", s->failed);
	cr_expect_eq(s->delayed, delayed, "delayed %ld", s->delayed);
	cr_expect_eq(s->delivered, 0, "delivered %ld", s->delivered);
	cr_expect_eq(s->noted, noted, "noted %ld", s->noted);
	cr_expect_eq(s->unmatched, unmatched, "unmatched %ld", s->unmatched);
	cr_expect_eq(s->other, other, "other %ld", s->other);
}

/* The fixtures: 42, 43 and 46 return their row's Message-ID; 44's is
 * another one and 45's row has none recorded (its outcome was unknown), and
 * 47 (qmail) returns none: those three prove their row by the signed
 * return path. */
static void deliver_all(const char *maildir, struct crm_db *conn)
{
	static const struct {
		const char *file;
		long tagged; /* the row whose signed return path it comes back to; 0: the bare one */
	} files[] = { { "postfix-failed.eml", 0 }, { "postfix-delayed.eml", 0 }, { "postfix-smtp-crlf.eml", 44 },
		      { "exim-dsn.eml", 45 },	   { "exim-plain.eml", 0 },	 { "qmail.eml", 47 } };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		deliver_fixture(maildir, files[i].file, files[i].tagged ? conn : NULL, files[i].tagged);
	deliver(maildir, "1795753702.reply.test", survey_reply);
	deliver(maildir, "1795753702.forged.test", forged);
	deliver(maildir, "1795753702.stray.test", stray);
}

/* The files of DIR/cur whose flags are S, and those without. */
static void count_cur(const char *maildir, int *seen, int *unseen)
{
	char *cmd = xstrfmt("ls '%s/cur'", maildir);
	FILE *p = popen(cmd, "r");
	char line[512];
	*seen = *unseen = 0;
	while (fgets(line, sizeof(line), p)) {
		char *info = strstr(line, ":2,");
		cr_assert_not_null(info, "%s", line);
		if (strchr(info, 'S'))
			(*seen)++;
		else
			(*unseen)++;
	}
	pclose(p);
	free(cmd);
}

/* A delivery report (NOTIFY=SUCCESS) for row 48. */
static const char delivered[] = "From: MAILER-DAEMON@mx.example.net\nTo: bounces+48@example.test\n"
				"Subject: Successful Mail Delivery Report\n"
				"Content-Type: multipart/report; report-type=delivery-status; boundary=d\n\n"
				"--d\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
				"Final-Recipient: rfc822; grace@example.net\nAction: delivered\nStatus: 2.0.0\n"
				"--d\nContent-Type: text/rfc822-headers\n\nMessage-ID: <crmgate.48.x@example.test>\n"
				"--d--\n";

/* Over TLS: IMAPS and STARTTLS, the certificate pinned by its SHA-256. */
static void imap_tls(const struct dovecot *d, struct crm_db *conn)
{
	char *cmd, *url, pin[128] = "";
	struct gw_mailbox_stats st = { 0 };
	struct gw_mailbox_opts o = { .return_path = RP, .timeout = 10 };
	struct err err = ERR_INIT;
	FILE *p;

	if (!strcmp(d->tls_port, "0"))
		return; /* no openssl: imap.sh made no certificate */
	cmd = xstrfmt("openssl x509 -in %s/cert.pem -noout -fingerprint -sha256 | sed 's/.*=//'", d->dir);
	p = popen(cmd, "r");
	cr_assert(p && fgets(pin, sizeof(pin), p), "%s", cmd);
	pclose(p);
	pin[strcspn(pin, "\n")] = '\0';
	/* IMAPS with the right pin: read, nothing new */
	url = xstrfmt("imaps://user%%40example.test:secret@127.0.0.1:%s/INBOX", d->tls_port);
	o.url = url;
	o.tls_fingerprint = pin;
	assert_ok(gw_mailbox_poll(conn, &o, &st, &err), &err);
	/* another certificate pinned: refused before the password goes, over
	 * IMAPS and over the plain port's STARTTLS alike */
	o.tls_fingerprint =
		"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
	cr_expect_eq(gw_mailbox_poll(conn, &o, &st, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "is not the one tls_fingerprint names"), "%s", err.msg.data);
	cr_expect(strstr(err.msg.data, pin), "%s", err.msg.data);
	err_clear(&err);
	free(url);
	url = xstrfmt("imap://user%%40example.test:secret@127.0.0.1:%s/INBOX", d->port);
	o.url = url;
	cr_expect_eq(gw_mailbox_poll(conn, &o, &st, &err), ERR_INPUT, "STARTTLS was used, and the pin checked");
	err_release(&err);
	free(url);
	free(cmd);
}

TestSuite(mailbox, .init = test_fixture_init_session, .fini = test_fixture_fini);

Test(mailbox, imap_dovecot, .timeout = 60)
{
	struct dovecot d;
	char *why = NULL, *url, *key;
	struct err err = ERR_INIT;
	struct gw_mailbox_stats st = { 0 };
	struct gw_mailbox_opts o = { .return_path = RP, .timeout = 10 };
	int seen, unseen, status;

	if (dovecot_start(&d, dovecot_only, &why))
		cr_skip_test("%s", why);
	seed(session);
	deliver_all(d.maildir, session);
	url = xstrfmt("imap://user%%40example.test:secret@127.0.0.1:%s/INBOX", d.port);
	o.url = url;

	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	expect_stats(&st, 4, 1, 1, 2, 1);
	expect_rows(session);
	key = xstrfmt("imap://user@example.test@127.0.0.1:%s/INBOX 9", d.port);
	expect_value(session, "SELECT mailbox || ' ' || last_uid FROM crm.mailbox_state", key);
	free(key);
	/* Dovecot keeps IMAP flags in the file names: the bounces are seen, the reply is not */
	count_cur(d.maildir, &seen, &unseen);
	cr_expect_eq(seen, 8, "%d messages flagged seen", seen);
	cr_expect_eq(unseen, 1, "%d messages left unseen", unseen);

	/* again: nothing is read twice */
	memset(&st, 0, sizeof(st));
	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	expect_stats(&st, 0, 0, 0, 0, 0);
	expect_rows(session);

	/* the command, configured from the environment; one more message */
	deliver(d.maildir, "1795753703.delivered.test", delivered);
	setenv("CRMGATE_MAILBOX_URL", url, 1);
	setenv("CRMGATE_EMAIL_RETURN_PATH", RP, 1);
	status = crmgate("mailbox poll --once");
	cr_expect_eq(status, 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "bounced 0, failed 0, delayed 0, delivered 1, noted 0, unmatched 0, other 0\n"
				   "survey replies: answers 0, kept for review 0, auto-replies 0\n");
	expect_value(session, "SELECT status || ' ' || (delivered_at IS NOT NULL) FROM crm.outbox WHERE id = 48",
		     "delivered true");
	status = crmgate("--format json mailbox poll --once");
	cr_expect_eq(status, 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "{\"bounced\":0,\"failed\":0,\"delayed\":0,\"delivered\":0,\"noted\":0,"
				   "\"unmatched\":0,\"other\":0,\"answers\":0,\"kept\":0,\"auto_replies\":0}\n");

	/* a wrong password: the server's refusal, and no password in the message */
	free(url);
	url = xstrfmt("imap://user%%40example.test:wrong@127.0.0.1:%s/INBOX", d.port);
	o.url = url;
	cr_expect_eq(gw_mailbox_poll(session, &o, &st, &err), ERR_FAIL);
	cr_expect(strstr(err.msg.data, "could not log in as 'user@example.test'"), "%s", err.msg.data);
	cr_expect_null(strstr(err.msg.data, "wrong"), "%s", err.msg.data);
	err_clear(&err);
	/* a folder that is not there */
	free(url);
	url = xstrfmt("imap://user%%40example.test:secret@127.0.0.1:%s/Nope", d.port);
	o.url = url;
	cr_expect_eq(gw_mailbox_poll(session, &o, &st, &err), ERR_FAIL);
	cr_expect(strstr(err.msg.data, "could not select folder 'Nope'"), "%s", err.msg.data);
	err_clear(&err);
	imap_tls(&d, session);

	err_release(&err);
	free(url);
	dovecot_stop(&d);
}

Test(mailbox, maildir)
{
	char *url = xstrfmt("maildir:%s/Maildir", dir);
	char *md = url + 8, *sub;
	struct err err = ERR_INIT;
	struct gw_mailbox_stats st = { 0 };
	struct gw_mailbox_opts o = { .url = url, .return_path = RP };
	int seen, unseen;

	for (const char *const *s = (const char *const[]){ "", "/cur", "/new", "/tmp", NULL }; *s; s++) {
		sub = xstrfmt("%s%s", md, *s);
		cr_assert_eq(mkdir(sub, 0700), 0, "%s", sub);
		free(sub);
	}
	seed(session);
	deliver_all(md, session);
	/* no message: passed by, and left where it is */
	sub = xstrfmt("%s/new/1795753700.folder", md);
	cr_assert_eq(mkdir(sub, 0700), 0);
	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	cr_expect_eq(access(sub, F_OK), 0);
	free(sub);
	expect_stats(&st, 4, 1, 1, 2, 1);
	expect_rows(session);
	count_cur(md, &seen, &unseen);
	cr_expect_eq(seen, 8);
	cr_expect_eq(unseen, 1);
	expect_value(session, "SELECT count(*) FROM crm.mailbox_state", "0");

	memset(&st, 0, sizeof(st));
	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	expect_stats(&st, 0, 0, 0, 0, 0);

	/* the same bounce delivered twice: recorded once */
	deliver_fixture(md, "postfix-failed.eml", NULL, 0);
	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	expect_stats(&st, 0, 0, 1, 0, 0);
	expect_rows(session);

	/* one poll of a mailbox at a time */
	{
		struct crm_db *other;
		const char *params[] = { url };
		assert_ok(crm_db_connect(&other, db, &err), &err);
		assert_ok(crm_db_query(NULL, other, "SELECT pg_advisory_lock(1835167608, hashtext($1))", 1, params,
				       &err),
			  &err);
		cr_expect_eq(gw_mailbox_poll(session, &o, &st, &err), ERR_TEMPFAIL);
		char *want = xstrfmt("another 'mailbox poll' is reading '%s'", url);
		cr_expect_str_eq(err.msg.data, want);
		free(want);
		err_clear(&err);
		crm_db_free(other);
	}

	err_release(&err);
	free(url);
}

Test(mailbox, bad_urls)
{
	static const struct {
		const char *url;
		int code;
		const char *msg;
	} cases[] = {
		{ "", ERR_INPUT, "[mailbox] url is not set" },
		{ "pop3://u:secret@host/INBOX", ERR_INPUT, "[mailbox] url: 'pop3:' is neither imap:// nor maildir:" },
		{ "imap://host/INBOX", ERR_INPUT,
		  "[mailbox] url: not imap://USER:PASS@HOST:PORT/FOLDER (percent-encode '@' in the user)" },
		{ "imap://u:secret@127.0.0.1:99999/INBOX", ERR_INPUT,
		  "[mailbox] url: not imap://USER:PASS@HOST:PORT/FOLDER (percent-encode '@' in the user)" },
		{ "imap://u:sec%zzret@127.0.0.1/INBOX", ERR_INPUT,
		  "[mailbox] url: not imap://USER:PASS@HOST:PORT/FOLDER (percent-encode '@' in the user)" },
		{ "imap://u:secret@127.0.0.1:1/INBOX", ERR_TEMPFAIL,
		  "could not connect to IMAP server '127.0.0.1:1': connection refused" },
		{ "maildir:", ERR_INPUT, "[mailbox] url: 'maildir:' names no folder" },
		{ "maildir:/nonexistent/Maildir", ERR_FAIL,
		  "could not open Maildir folder '/nonexistent/Maildir/new': No such file or directory" },
	};
	struct err err = ERR_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gw_mailbox_opts o = { .url = cases[i].url, .timeout = 5 };
		struct gw_mailbox_stats st = { 0 };
		cr_expect_eq(gw_mailbox_poll(session, &o, &st, &err), cases[i].code, "%s: %s", cases[i].url,
			     err.msg.data);
		cr_expect_str_eq(err.msg.data, cases[i].msg, "%s", cases[i].url);
		err_clear(&err);
	}
	err_release(&err);
}

/* The whole way back: Postfix itself bounces a message of row 42 (its
 * error transport refuses every domain but example.test, 5.0.0) to the
 * row's signed return path, delivers the bounce into the Maildir, and
 * Dovecot serves it. The row has no Message-ID recorded (its outcome was
 * unknown): the tag, through a real MTA, is the proof. */
Test(mailbox, postfix_bounces_dovecot_serves, .timeout = 60)
{
	struct dovecot d;
	char *why = NULL, *url, *cmd, *rp;
	struct err err = ERR_INIT;
	struct gw_mailbox_stats st = { 0 };
	struct gw_mailbox_opts o = { .return_path = RP, .timeout = 10 };
	FILE *p;

	if (geteuid() != 0)
		cr_skip_test("a private Postfix needs root (tests/servers/mta.sh)");
	if (dovecot_start(&d, postfix_and_dovecot, &why))
		cr_skip_test("%s", why);
	assert_ok(crm_db_exec(
			  session,
			  "INSERT INTO crm.campaign (id, name, channel, targets, status) OVERRIDING SYSTEM VALUE"
			  " VALUES (1, 'birthday', 'email', 'contact', 'running');"
			  "INSERT INTO crm.outbox (id, campaign_id, channel, target_code, recipient, status, attempts,"
			  " message_id, sent_at) OVERRIDING SYSTEM VALUE VALUES (42, 1, 'email', 'P42',"
			  " 'anne@example.org', 'unknown', 1, NULL, NULL)",
			  &err),
		  &err);

	rp = return_path(session, 42);
	cmd = xstrfmt("sendmail -C '%s/conf' -f %s -- anne@example.org", d.maildir, rp);
	p = popen(cmd, "w");
	cr_assert_not_null(p);
	fputs("From: Crmgate <news@example.test>\nTo: <anne@example.org>\nSubject: Happy birthday\n"
	      "X-Crmgate-Outbox: 42\nMessage-ID: <crmgate.42.L1veTest@example.test>\n\nDear Anne,\n",
	      p);
	cr_assert_eq(pclose(p), 0, "%s", cmd);
	free(cmd);

	url = xstrfmt("imap://user%%40example.test:secret@127.0.0.1:%s/INBOX", d.port);
	o.url = url;
	for (int i = 0; i < 100 && !st.bounced; i++) {
		assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
		if (!st.bounced)
			usleep(100000);
	}
	expect_stats(&st, 1, 0, 0, 0, 0);
	expect_value(session, "SELECT status || ': ' || last_error FROM crm.outbox WHERE id = 42",
		     "bounced: bounced: 5.0.0 crmgate test MTA delivers to example.test only");
	expect_value(session, "SELECT address || ' ' || reason FROM crm.suppression", "anne@example.org bounced");

	err_release(&err);
	free(url);
	free(rp);
	dovecot_stop(&d);
}

/* ---- forged bounces, end to end ---- */

/* What a message of ours carries, read back from the Maildir it was sent into. */
struct sent {
	char return_path[128], recipient[128], message_id[128], outbox[24];
};

/* The value of the first header line name: (CRLF or LF) in msg, into got. */
static void header_of(const char *msg, const char *name, char *got, size_t n)
{
	const char *p = strstr(msg, name);
	size_t len;
	cr_assert_not_null(p, "no %s in %s", name, msg);
	p += strlen(name);
	while (*p == ' ' || *p == '<')
		p++;
	len = strcspn(p, ">\r\n");
	cr_assert_lt(len, n);
	memcpy(got, p, len);
	got[len] = '\0';
}

/* A delivery status notification to `to` saying that `failed` failed for
 * good, returning the headers `returned` (NULL: none), as file NAME of the
 * Maildir's new/. */
static void bounce(const char *maildir, const char *name, const char *to, const char *failed, const char *returned)
{
	char *msg = xstrfmt("From: MAILER-DAEMON@mx.example.net\nTo: %s\nSubject: Undelivered Mail Returned to Sender\n"
			    "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
			    "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
			    "Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n"
			    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n%s%s--b--\n",
			    to, failed, returned ? "--b\nContent-Type: text/rfc822-headers\n\n" : "",
			    returned ? returned : "");
	deliver(maildir, name, msg);
	free(msg);
}

/* Anyone may send us mail: 200 "bounces" to bounces+1@ … bounces+200@ naming
 * a real recipient, one that copies the X-Crmgate-Outbox our messages show,
 * one sent to another row's signed return path, one that pairs a row's id
 * with another row's tag. None of them may touch the outbox; the real bounces
 * (one to a signed return path whose case an MTA changed, one of a message
 * sent before sql/015 that returns its Message-ID) do. */
Test(mailbox, forged_bounces_suppress_nobody, .timeout = 60)
{
	char *body = xstrfmt("%s/body.txt", dir), *sent_url = xstrfmt("file:%s/sent", dir);
	char *inbox = xstrfmt("%s/in", dir), *inbox_url = xstrfmt("maildir:%s", inbox), *cmd;
	struct sent s[3]; /* anne, bob, carol */
	struct err err = ERR_INIT;
	FILE *ls;
	char line[512];
	int n = 0;

	import("salesperson", "code,name\nS1,王伟\n");
	import("customer", "code,name,owner_code\nC1,甲公司,S1\n");
	import("contact", "code,customer_code,name,email\nE1,C1,安妮,anne@example.net\n"
			  "E2,C1,鲍勃,bob@example.net\nE3,C1,卡罗,carol@example.net\n");
	test_write_file(body, "{{name}}，您好\n");
	setenv("CRMGATE_EMAIL_TRANSPORT", sent_url, 1);
	setenv("CRMGATE_EMAIL_FROM", "市场部 <marketing@example.test>", 1);
	setenv("CRMGATE_EMAIL_RETURN_PATH", RP, 1);
	setenv("CRMGATE_MAILBOX_URL", inbox_url, 1);
	cr_assert_eq(crmgate("campaign create 通知 --channel email --targets contact --subject 你好 --body '%s'"
			     " --transactional",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 通知 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);

	/* what went out: each message's return path, recipient, Message-ID and row */
	cmd = xstrfmt("ls %s/sent/new", dir);
	ls = popen(cmd, "r");
	while (fgets(line, sizeof(line), ls)) {
		char *path = xstrfmt("%s/sent/new/%.*s", dir, (int)strcspn(line, "\n"), line), *msg = test_slurp(path);
		struct sent one;
		header_of(msg, "Return-Path:", one.return_path, sizeof(one.return_path));
		header_of(msg, "Delivered-To:", one.recipient, sizeof(one.recipient));
		header_of(msg, "Message-ID:", one.message_id, sizeof(one.message_id));
		header_of(msg, "X-Crmgate-Outbox:", one.outbox, sizeof(one.outbox));
		cr_assert_lt(n, 3);
		s[one.recipient[0] == 'a' ? 0 : one.recipient[0] == 'b' ? 1 : 2] = one;
		n++;
		free(msg);
		free(path);
	}
	pclose(ls);
	free(cmd);
	cr_assert_eq(n, 3);
	for (int i = 0; i < 3; i++) {
		char *want = xstrfmt("bounces+%s.", s[i].outbox);
		cr_assert(!strncmp(s[i].return_path, want, strlen(want)) &&
				  strlen(s[i].return_path) == strlen(want) + GW_DSN_TAG_LEN + strlen("@example.test"),
			  "the return path is signed: %s", s[i].return_path);
		free(want);
	}

	for (const char *const *sub = (const char *const[]){ "", "/new", "/cur", "/tmp", NULL }; *sub; sub++) {
		char *d = xstrfmt("%s%s", inbox, *sub);
		cr_assert_eq(mkdir(d, 0700), 0, "%s", d);
		free(d);
	}
	for (int i = 1; i <= 200; i++) {
		char *to = xstrfmt("bounces+%d@example.test", i), *name = xstrfmt("1795753800.forged%03d", i);
		bounce(inbox, name, to, s[0].recipient, NULL);
		free(to);
		free(name);
	}
	{
		char *hdr = xstrfmt("X-Crmgate-Outbox: %s\nMessage-ID: <crmgate.%s.0123456789abcdef@example.test>\n",
				    s[0].outbox, s[0].outbox);
		char *to = xstrfmt("bounces+%s@example.test", s[0].outbox);
		char *swapped = xstrfmt("bounces+%s%s", s[0].outbox, strchr(s[1].return_path, '.'));
		bounce(inbox, "1795753801.header", to, s[0].recipient, hdr);
		bounce(inbox, "1795753801.another-rows-path", s[1].return_path, s[0].recipient, NULL);
		bounce(inbox, "1795753801.swapped-tag", swapped, s[0].recipient, NULL);
		free(hdr);
		free(to);
		free(swapped);
	}
	/* the real ones: bob's to his return path, in capitals; carol's to the
	 * bare return path of old, returning her message's headers */
	{
		char *upper = xstrdup(s[1].return_path), *to = xstrfmt("bounces+%s@example.test", s[2].outbox);
		char *hdr = xstrfmt("X-Crmgate-Outbox: %s\nMessage-ID: <%s>\n", s[2].outbox, s[2].message_id);
		for (char *p = upper; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		bounce(inbox, "1795753802.bob", upper, s[1].recipient, NULL);
		bounce(inbox, "1795753802.carol", to, s[2].recipient, hdr);
		free(upper);
		free(to);
		free(hdr);
	}

	cr_assert_eq(crmgate("mailbox poll --once"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "bounced 2, failed 0, delayed 0, delivered 0, noted 0, unmatched 203, other 0\n"
				   "survey replies: answers 0, kept for review 0, auto-replies 0\n");
	expect_value(session, "SELECT string_agg(recipient || ' ' || status, ', ' ORDER BY recipient) FROM crm.outbox",
		     "anne@example.net sent, bob@example.net bounced, carol@example.net bounced");
	expect_value(session, "SELECT string_agg(address, ', ' ORDER BY address) FROM crm.suppression",
		     "bob@example.net, carol@example.net");

	err_release(&err);
	free(inbox_url);
	free(inbox);
	free(sent_url);
	free(body);
}

/* What the other hook was handed. */
struct handed {
	int n, unread;
	struct buf last;
};

static int other_hook(void *ctx, struct crm_db *conn, const char *msg, size_t len, const char *unread, struct err *err)
{
	struct handed *h = ctx;
	(void)conn;
	(void)err;
	h->n++;
	h->unread += unread && !strncmp(unread, "too large: ", 11);
	buf_reset(&h->last);
	buf_add(&h->last, msg, len);
	return 0;
}

/* Every message that is no bounce reaches the survey's hook: one that
 * cannot be read as a bounce (too many parts, nested too deep), and one
 * too large to read whole (its header alone, with the reason). */
Test(mailbox, unreadable_and_too_large_handed_over)
{
	char *url = xstrfmt("maildir:%s/Maildir", dir), *md = url + 8, *sub, *path;
	struct handed h = { 0, 0, BUF_INIT };
	struct err err = ERR_INIT;
	struct gw_mailbox_stats st = { 0 };
	struct gw_mailbox_opts o = { .url = url, .return_path = RP, .other = other_hook, .other_ctx = &h };
	struct buf b = BUF_INIT;
	FILE *f;

	for (const char *const *s = (const char *const[]){ "", "/cur", "/new", "/tmp", NULL }; *s; s++) {
		sub = xstrfmt("%s%s", md, *s);
		cr_assert_eq(mkdir(sub, 0700), 0, "%s", sub);
		free(sub);
	}
	/* 100 parts: more than a bounce may have */
	buf_adds(&b, "From: anne@example.net\nSubject: many\nContent-Type: multipart/mixed; boundary=p\n\n");
	for (int i = 0; i < 100; i++)
		buf_addf(&b, "--p\nContent-Type: text/plain\n\n%d\n", i);
	buf_adds(&b, "--p--\n");
	deliver(md, "1795753710.parts.test", b.data);
	buf_reset(&b);
	/* multiparts 20 deep */
	buf_adds(&b, "From: anne@example.net\nSubject: deep\n");
	for (int i = 0; i < 20; i++)
		buf_addf(&b, "Content-Type: multipart/mixed; boundary=d%d\n\n--d%d\n", i, i);
	buf_adds(&b, "\n1: B\n");
	deliver(md, "1795753711.deep.test", b.data);
	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	cr_expect_eq(h.n, 2, "handed %d of 2", h.n);
	cr_expect_eq(h.unread, 0);
	cr_expect_eq(st.other, 2);

	/* one byte over the size read whole */
	path = xstrfmt("%s/new/1795753712.big.test", md);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("From: anne@example.net\r\nSubject: big\r\nMessage-ID: <big@example.net>\r\n\r\n", f);
	for (long i = ftell(f); i <= (long)GW_MAILBOX_MAX_SIZE; i++)
		fputc('x', f);
	fclose(f);
	assert_ok(gw_mailbox_poll(session, &o, &st, &err), &err);
	cr_expect_eq(h.n, 3);
	cr_expect_eq(h.unread, 1);
	cr_expect_str_eq(h.last.data, "From: anne@example.net\r\nSubject: big\r\nMessage-ID: <big@example.net>\r\n");
	cr_expect_eq(st.other, 3);

	buf_release(&b);
	buf_release(&h.last);
	err_release(&err);
	free(path);
	free(url);
}
