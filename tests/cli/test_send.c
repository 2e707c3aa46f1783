/* tests/cli/test_send.c - crmgate send delivers each queued message exactly
 * once, with two workers at once too; opt-outs made after the launch still
 * hold; letters become one print batch and an address list by postcode. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/csv.h"
#include "common/xalloc.h"

static void setup(void)
{
	struct buf contacts = BUF_INIT;

	test_fixture_init();
	test_import(db, dir, "salesperson", "code,name\nS1,王伟\n");
	test_import(db, dir, "customer", "code,name,owner_code\nC1,甲公司,S1\n");
	buf_adds(&contacts, "code,customer_code,name,mobile,address,postcode\n");
	for (int i = 1; i <= 60; i++)
		buf_addf(&contacts, "K%02d,C1,客户%d,139%08d,北京市朝阳区%d号,%06d\n", i, i, i, i,
			 100000 + (i * 37) % 60);
	test_import(db, dir, "contact", contacts.data);
	buf_release(&contacts);
	char *sms = xstrfmt("file:%s/sms", dir), *mail = xstrfmt("%s/mail", dir);
	setenv("CRMGATE_SMS_PROVIDER", sms, 1);
	setenv("CRMGATE_MAIL_DIR", mail, 1);
	free(sms);
	free(mail);
}

TestSuite(send, .init = setup, .fini = test_fixture_fini);

static int files_in(const char *sub, const char *suffix)
{
	char *path = xstrfmt("%s/%s", dir, sub);
	DIR *d = opendir(path);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strlen(e->d_name) > strlen(suffix) &&
		     !strcmp(e->d_name + strlen(e->d_name) - strlen(suffix), suffix);
	if (d)
		closedir(d);
	free(path);
	return n;
}

/* A text message to each of the 60 contacts, launched. */
static void sms_campaign(void)
{
	char *body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{name}}，您好\n");
	cr_assert_eq(crmgate("campaign create 通知 --channel sms --targets contact --body '%s' --transactional", body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 通知 --yes"), 0, "%s", errout.data);
	free(body);
}

Test(send, two_workers_send_every_text_once)
{
	sms_campaign();
	/* opted out after the launch: checked again right before sending */
	cr_assert_eq(crmgate("contact edit K07 sms_opt_out=true"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once --workers 2"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 59, "one file per message, none twice");
	cr_assert_eq(crmgate("--format json campaign status 通知"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"status\": \"done\", \"queued\": 0, \"sending\": 0, \"sent\": 59, \"unknown\": 0,"
				   " \"failed\": 0, \"skipped\": 1,"),
		  "%s", out.data);
	/* nothing is sent twice: a second run finds nothing due */
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 59);
}

/* The print batch's address list in the mail folder (there must be one). */
static char *address_list(void)
{
	char *path = xstrfmt("%s/mail", dir), *csv = NULL;
	DIR *d = opendir(path);

	cr_assert(d, "%s", path);
	for (struct dirent *e; (e = readdir(d));)
		if (strstr(e->d_name, "-addresses.csv")) {
			char *p = xstrfmt("%s/%s", path, e->d_name);
			csv = test_slurp(p);
			free(p);
		}
	closedir(d);
	free(path);
	cr_assert(csv);
	return csv;
}

/* The address list is written as every CSV of crmgate is (common/csv):
 * each letter's line the very bytes csv_add_field makes of its values,
 * whatever they hold (a comma, a quote, a line break, a leading blank). */
Test(send, the_address_list_is_csv_as_crmgate_writes_it)
{
	static const char *const rows[][4] = {
		{ "X1", "甲,乙", "200001", "北京市, 朝阳区" },
		{ "X2", "说\"好\"", "200002", "上海市\n浦东新区" },
		{ "X3", " 前有空格", "200003", " 广州市" },
		{ "X4", "平常", "200004", "深圳市" },
	};
	struct buf import = BUF_INIT, line = BUF_INIT;
	char *csv;

	buf_adds(&import, "code,customer_code,name,postcode,address\n");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		csv_add_field(&import, rows[i][0]);
		buf_adds(&import, ",C1,");
		for (int c = 1; c < 4; c++) {
			csv_add_field(&import, rows[i][c]);
			buf_adds(&import, c < 3 ? "," : "\n");
		}
	}
	test_import(db, dir, "contact", import.data);
	cr_assert_eq(crmgate("campaign create 信 --channel mail --targets contact --where \"code like 'X%%'\""
			     " --template birthday.docx"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 信 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	csv = address_list();
	buf_adds(&line, "code,name,postcode,address\r\n");
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		for (int c = 0; c < 4; c++) {
			csv_add_field(&line, rows[i][c]);
			buf_adds(&line, c < 3 ? "," : "\r\n");
		}
	}
	cr_expect_str_eq(csv, line.data);
	free(csv);
	buf_release(&line);
	buf_release(&import);
}

Test(send, letters_become_one_print_batch_sorted_by_postcode)
{
	char *csv;
	cr_assert_eq(crmgate("campaign create 信 --channel mail --targets contact --where \"code <= 'K10'\""
			     " --template birthday.docx"),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 信 --yes"), 0, "%s", errout.data);
	/* opted out after the launch: not printed */
	cr_assert_eq(crmgate("contact edit K03 mail_opt_out=true"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(files_in("mail", ".docx"), 1);
	cr_expect_eq(files_in("mail", "-addresses.csv"), 1);
	/* the address list: a header and ten letters, postcodes ascending */
	csv = address_list();
	cr_expect_eq(strncmp(csv, "code,name,postcode,address\r\n", 28), 0, "%s", csv);
	const char *prev = "";
	int rows = 0;
	for (char *line = strstr(csv, "\r\n") + 2; *line; line = strstr(line, "\r\n") + 2) {
		char *pc = strchr(strchr(line, ',') + 1, ',') + 1;
		cr_expect_geq(strncmp(pc, prev, 6), 0, "by postcode: %s", csv);
		prev = pc;
		rows++;
	}
	cr_expect_eq(rows, 9, "%s", csv);
	cr_expect_null(strstr(csv, "K03,"), "%s", csv);
	cr_assert_eq(crmgate("--format csv campaign status 信"), 0);
	cr_expect(strstr(out.data, ",done,0,0,9,0,0,1,0,0,10"), "%s", out.data);
	free(csv);
}

/* A real MTA (Postfix into a Maildir, when tests/run.sh could start one) or
 * the Maildir file transport; both leave one file per message. */
static int maildir_files(const char *maildir)
{
	char *sub = xstrfmt("%s/new", maildir);
	DIR *d = opendir(sub);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	free(sub);
	return n;
}

static void email_campaign(const char *name, int add_contacts)
{
	char *body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{name}}，您好！退订：{{unsubscribe_url}}\n");
	if (add_contacts)
		test_import(db, dir, "contact",
			    "code,customer_code,name,email\n"
			    "E1,C1,张三,zhang@example.test\nE2,C1,\"李\"\"四\",li@example.test\n"
			    "E3,C1,王五,wang@example.test\n");
	cr_assert_eq(crmgate("campaign create %s --channel email --targets contact --where \"code like 'E%%'\""
			     " --subject '致{{name}}' --body '%s' --template birthday.docx --attach docx",
			     name, body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch %s --yes", name), 0, "%s", errout.data);
	free(body);
}

Test(send, email_into_the_maildir_transport_with_the_letter_attached)
{
	char *maildir = xstrfmt("%s/maildir", dir), *url = xstrfmt("file:%s", maildir);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "市场部 <marketing@example.test>", 1);
	email_campaign("邮件", 1);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(maildir_files(maildir), 3);
	cr_assert_eq(crmgate("--format csv campaign status 邮件"), 0);
	cr_expect(strstr(out.data, ",done,0,0,3,0,0,0,0,0,3"), "%s", out.data);
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(maildir);
	free(url);
}

Test(send, a_5xx_fails_and_suppresses_a_4xx_comes_back_later)
{
	const char *p5 = getenv("SINK_DATA5XX_PORT"), *p4 = getenv("SINK_RCPT4XX_PORT");
	char *url;
	if (!p5 || !p4)
		cr_skip_test("tests/run.sh started no smtp-sink answering with errors");
	url = xstrfmt("smtp://127.0.0.1:%s", p5);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "marketing@example.test", 1);
	email_campaign("拒收", 1);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv campaign status 拒收"), 0);
	cr_expect(strstr(out.data, ",done,0,0,0,0,3,0,0,0,3"), "three failed: %s", out.data);
	/* the addresses are suppressed: a new campaign skips them */
	email_campaign("再试", 0);
	cr_expect(strstr(out.data, "suppressed"), "%s", out.data);
	free(url);
	url = xstrfmt("smtp://127.0.0.1:%s", p4);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	cr_assert_eq(crmgate("contact add code=E4 customer_code=C1 name=赵六 email=zhao@example.test"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("campaign launch 再试 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv campaign status 再试"), 0);
	cr_expect(strstr(out.data, ",running,1,0,0,0,0,"), "a 4xx: queued again, later: %s", out.data);
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(url);
}

/* Marketing and transactional texts sent at the instant now (CRMGATE_NOW, in
 * the time zone UTC+8), under the quiet hours window (NULL: the default).
 * The instants are in the future: a held text waits for the database's
 * now() to pass the end of its quiet hours. */
static void sms_campaigns_at_quiet_hours(const char *window, const char *now, int expect_held)
{
	char *body = xstrfmt("%s/b.txt", dir);
	test_write_file(body, "{{name}}，新品上市\n");
	if (window)
		setenv("CRMGATE_SMS_QUIET_HOURS", window, 1);
	else
		unsetenv("CRMGATE_SMS_QUIET_HOURS");
	setenv("TZ", "CST-8", 1);
	setenv("CRMGATE_NOW", now, 1);
	cr_assert_eq(crmgate("campaign create 营销 --channel sms --targets contact --where \"code <= 'K03'\""
			     " --body '%s'",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign create 通知 --channel sms --targets contact --where \"code in ('K04', 'K05')\""
			     " --body '%s' --transactional",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 营销 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 通知 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	/* transactional texts go at any hour; marketing ones wait for the morning */
	cr_expect_eq(files_in("sms", ".sms"), expect_held ? 2 : 5, "at %s", now);
	cr_assert_eq(crmgate("--format json campaign status 营销"), 0, "%s", errout.data);
	if (expect_held)
		cr_expect(strstr(out.data, "\"queued\": 3,"), "held until quiet hours end at %s: %s", now, out.data);
	else
		cr_expect(strstr(out.data, "\"sent\": 3,"), "sent at %s: %s", now, out.data);
	free(body);
}

/* Each window is checked inside and outside (the end is not in it), so
 * that whatever hour the tests run at, a clock that was not the one handed
 * in fails one of each pair. */
Test(send, marketing_texts_wait_out_the_quiet_hours)
{
	sms_campaigns_at_quiet_hours("21:00-23:00", "2031-03-04T22:30:00+08:00", 1);
}

Test(send, marketing_texts_go_when_the_quiet_hours_end)
{
	sms_campaigns_at_quiet_hours("21:00-23:00", "2031-03-04T23:00:00+08:00", 0);
}

Test(send, quiet_hours_are_21_to_8_unless_set)
{
	sms_campaigns_at_quiet_hours(NULL, "2031-03-04T21:00:00+08:00", 1);
}

Test(send, quiet_hours_end_at_8_unless_set)
{
	sms_campaigns_at_quiet_hours(NULL, "2031-03-04T08:00:00+08:00", 0);
}

Test(send, status_watch_waits_for_the_workers)
{
	char *body = xstrfmt("%s/b.txt", dir), *log = xstrfmt("%s/send.log", dir);
	pid_t pid;

	test_write_file(body, "{{name}}，您好\n");
	cr_assert_eq(crmgate("campaign create 慢 --channel sms --targets contact --body '%s' --transactional --rate 20",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 慢 --yes"), 0, "%s", errout.data);
	pid = test_crmgate_bg(log, db, "send");
	/* 60 texts at 20 a second: --watch returns when the last is sent */
	cr_assert_eq(crmgate("--format json campaign status 慢 --watch"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"queued\": 0, \"sending\": 0, \"sent\": 60,"), "%s", out.data);
	kill(-pid, SIGTERM);
	cr_expect_eq(test_wait(pid, 20), 0, "%s", test_slurp(log));
	free(body);
	free(log);
}

Test(send, the_frequency_cap_spares_numbers_that_had_enough)
{
	char *body = xstrfmt("%s/b.txt", dir);

	test_write_file(body, "{{name}}，新品上市\n");
	setenv("CRMGATE_SMS_FREQUENCY_CAP", "1/7", 1);
	cr_assert_eq(crmgate("campaign create 一 --channel sms --targets contact --where \"code <= 'K03'\" --body '%s'",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 一 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 3);
	/* a second marketing text within the week: K01..K03 had theirs */
	cr_assert_eq(crmgate("campaign create 二 --channel sms --targets contact --where \"code <= 'K05'\" --body '%s'",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 二 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "queued 2, skipped 3\n  frequency cap: 1 in 7 days: 3\n"), "%s", out.data);
	/* a transactional text is no marketing: no cap */
	cr_assert_eq(crmgate("campaign create 三 --channel sms --targets contact --where \"code <= 'K03'\" --body '%s'"
			     " --transactional",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 三 --yes"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "queued 3, skipped 0"), "%s", out.data);
	/* queued before the cap was reached: checked again right before sending */
	setenv("CRMGATE_SMS_FREQUENCY_CAP", "", 1);
	cr_assert_eq(crmgate("campaign create 四 --channel sms --targets contact --where \"code = 'K04'\" --body '%s'",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 四 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once --campaign 二"), 0, "%s", errout.data); /* K04 and K05 get one */
	setenv("CRMGATE_SMS_FREQUENCY_CAP", "1/7", 1);
	cr_assert_eq(crmgate("send --once --campaign 四"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format json campaign status 四"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"sent\": 0, \"unknown\": 0, \"failed\": 0, \"skipped\": 1,"), "%s", out.data);
	setenv("CRMGATE_SMS_FREQUENCY_CAP", "1/x", 1);
	cr_expect_eq(crmgate("campaign launch 二 --yes"), 2);
	cr_expect(strstr(errout.data, "frequency_cap '1/x'"), "%s", errout.data);
	free(body);
}

/* The message files of a Maildir, each read whole (NULL-terminated list). */
static char **maildir_messages(const char *maildir)
{
	char *sub = xstrfmt("%s/new", maildir);
	DIR *d = opendir(sub);
	char **all = xcalloc(64, sizeof(*all));
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d)) && n < 63;) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xstrfmt("%s/%s", sub, e->d_name);
		all[n++] = test_slurp(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(sub);
	return all;
}

Test(send, a_batch_of_emails_gives_each_target_its_own_message)
{
	char *maildir = xstrfmt("%s/maildir", dir), *url = xstrfmt("file:%s", maildir);
	char *body = xstrfmt("%s/b.txt", dir);
	struct buf csv = BUF_INIT;
	char **msgs;
	int n = 0;

	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "marketing@example.test", 1);
	buf_adds(&csv, "code,customer_code,name,email\n");
	for (int i = 1; i <= 12; i++)
		buf_addf(&csv, "E%02d,C1,Name%02d,e%02d@example.test\n", i, i, i);
	test_import(db, dir, "contact", csv.data);
	test_write_file(body, "Dear {{name}} of {{customer.code}}, this is for {{email}}.\n");
	cr_assert_eq(crmgate("campaign create 批 --channel email --targets contact --where \"code like 'E%%'\""
			     " --subject 'for {{code}}' --body '%s' --transactional",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 批 --yes"), 0, "%s", errout.data);
	/* after the launch: E03 is deleted (its row fails, the rest of its batch
	 * goes), E05 opts out (checked right before its turn, in the middle of a
	 * batch) */
	cr_assert_eq(crmgate("contact delete E03"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("contact edit E05 email_opt_out=true"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv campaign status 批"), 0);
	cr_expect(strstr(out.data, ",done,0,0,10,0,1,1,0,0,12"), "10 sent, 1 failed, 1 skipped: %s", out.data);
	msgs = maildir_messages(maildir);
	for (; msgs[n]; n++) {
		/* each message's subject, recipient and body name the same target */
		const char *subject = strstr(msgs[n], "\r\nSubject: for E");
		cr_assert(subject, "%s", msgs[n]);
		int i = (int)strtol(subject + strlen("\r\nSubject: for E"), NULL, 10);
		char *to = xstrfmt("\r\nTo: Name%02d <e%02d@example.test>\r\n", i, i),
		     *dear = xstrfmt("Dear Name%02d of C1, this is for e%02d@", i, i);
		char *rcpt = xstrfmt("Delivered-To: e%02d@example.test\r\n", i);
		cr_expect(i != 3 && i != 5, "E%02d was sent", i);
		cr_expect(strstr(msgs[n], to), "%s", msgs[n]);
		cr_expect(strstr(msgs[n], rcpt), "%s", msgs[n]);
		cr_expect(strstr(msgs[n], dear), "%s", msgs[n]);
		free(to);
		free(dear);
		free(rcpt);
		free(msgs[n]);
	}
	cr_expect_eq(n, 10);
	free(msgs);
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	buf_release(&csv);
	free(body);
	free(maildir);
	free(url);
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(send, email_connections_sets_how_many_workers_send)
{
	sms_campaign();
	setenv("CRMGATE_EMAIL_CONNECTIONS", "many", 1);
	cr_expect_eq(crmgate("send --once"), 2);
	cr_expect(strstr(errout.data, "[email] connections: 'many' is not a number from 1 to 64"), "%s", errout.data);
	setenv("CRMGATE_EMAIL_CONNECTIONS", "3", 1);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	/* each worker says what it did */
	cr_expect_eq(count_of(errout.data, "sent "), 3, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 60, "one file per message, none twice");
	/* --workers wins */
	cr_assert_eq(crmgate("send --once --workers 2"), 0, "%s", errout.data);
	cr_expect_eq(count_of(errout.data, "sent "), 2, "%s", errout.data);
	unsetenv("CRMGATE_EMAIL_CONNECTIONS");
}

/* dkimpy, Debian's (python3-dkim), with the public key given for the one
 * DNS name it asks: every message of the Maildir verifies, or exit 1. */
static const char dkim_verifier[] =
	"import sys, os, dkim\n"
	"pub = open(sys.argv[2]).read().strip()\n"
	"def dnsfunc(name, timeout=5):\n"
	"    name = name.decode() if isinstance(name, bytes) else name\n"
	"    return ('v=DKIM1; k=rsa; p=' + pub).encode() if name == 'crm._domainkey.example.test.' else None\n"
	"n = 0\n"
	"for f in sorted(os.listdir(sys.argv[1])):\n"
	"    if not dkim.verify(open(os.path.join(sys.argv[1], f), 'rb').read(), dnsfunc=dnsfunc):\n"
	"        print('fails: ' + f); sys.exit(1)\n"
	"    n += 1\n"
	"print('verified %d' % n)\n";

Test(send, email_is_signed_with_dkim_when_configured)
{
	char *maildir = xstrfmt("%s/maildir", dir), *url = xstrfmt("file:%s", maildir);
	char *key = xstrfmt("%s/key.pem", dir), *script = xstrfmt("%s/verify.py", dir), *cmd;

	if (access("/usr/bin/python3", X_OK) || system("/usr/bin/python3 -I -c 'import dkim' 2>/dev/null") ||
	    system("command -v openssl >/dev/null"))
		cr_skip_test("dkimpy (python3-dkim) or openssl is not installed (make deps)");
	cmd = xstrfmt("cd %s && openssl genrsa -out key.pem 2048 2>/dev/null &&"
		      " openssl rsa -in key.pem -pubout -outform DER 2>/dev/null | base64 -w0 >pub.b64",
		      dir);
	cr_assert_eq(system(cmd), 0, "openssl could not make a key");
	free(cmd);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "市场部 <marketing@example.test>", 1);
	setenv("CRMGATE_EMAIL_DKIM_DOMAIN", "example.test", 1);
	setenv("CRMGATE_EMAIL_DKIM_SELECTOR", "crm", 1);
	/* a key that is not there: nothing is claimed, the setting is named */
	setenv("CRMGATE_EMAIL_DKIM_KEY", "/nonexistent/key.pem", 1);
	email_campaign("签名", 1);
	cr_expect_neq(crmgate("send --once"), 0);
	cr_expect(strstr(errout.data, "/nonexistent/key.pem"), "%s", errout.data);
	cr_assert_eq(crmgate("--format json campaign status 签名"), 0);
	cr_expect(strstr(out.data, "\"queued\": 3,"), "%s", out.data);
	setenv("CRMGATE_EMAIL_DKIM_KEY", key, 1);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(maildir_files(maildir), 3);
	test_write_file(script, dkim_verifier);
	cmd = xstrfmt("/usr/bin/python3 -I %s %s/new %s/pub.b64 >%s/verified 2>&1", script, maildir, dir, dir);
	cr_expect_eq(system(cmd), 0, "dkimpy: %s", test_slurp(xstrfmt("%s/verified", dir)));
	free(cmd);
	unsetenv("CRMGATE_EMAIL_DKIM_DOMAIN");
	unsetenv("CRMGATE_EMAIL_DKIM_SELECTOR");
	unsetenv("CRMGATE_EMAIL_DKIM_KEY");
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(maildir);
	free(url);
	free(key);
	free(script);
}

Test(send, send_campaign_sends_that_campaign_alone)
{
	char *body = xstrfmt("%s/b.txt", dir);

	test_write_file(body, "{{name}}，您好\n");
	cr_assert_eq(crmgate("campaign create 甲 --channel sms --targets contact --where \"code <= 'K02'\" --body '%s'"
			     " --transactional",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign create 乙 --channel sms --targets contact --where \"code = 'K03'\" --body '%s'"
			     " --transactional",
			     body),
		     0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 甲 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 乙 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once --campaign 乙"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 1);
	cr_assert_eq(crmgate("--format json campaign status 甲"), 0);
	cr_expect(strstr(out.data, "\"queued\": 2,"), "the other campaign waits: %s", out.data);
	cr_expect_eq(crmgate("send --once --campaign 丙"), 2, "no such campaign");
	free(body);
}

Test(send, send_one_sends_one_message_now)
{
	char *body = xstrfmt("%s/b.txt", dir);

	test_write_file(body, "{{name}}，您的订单已发货\n");
	cr_assert_eq(crmgate("send-one contact K05 --channel sms --body '%s' --transactional", body), 0, "%s",
		     errout.data);
	const char *sent = strstr(out.data, "\nsent:");
	cr_expect(sent && strtol(sent + 6, NULL, 10) == 1, "%s", out.data);
	cr_expect_eq(files_in("sms", ".sms"), 1);
	/* opt-outs hold as for any campaign: not sent, exit 1, and why */
	cr_assert_eq(crmgate("contact edit K06 sms_opt_out=true"), 0, "%s", errout.data);
	cr_expect_eq(crmgate("send-one contact K06 --channel sms --body '%s' --transactional", body), 1);
	cr_expect(strstr(errout.data, "the message was not sent: skipped: opted out"), "%s", errout.data);
	/* a code is a value, never filter text */
	cr_expect_eq(crmgate("send-one contact \"K05' or code like 'K%%\" --channel sms --body '%s'", body), 2);
	cr_expect(strstr(errout.data, "there is no contact 'K05' or code like 'K%'"), "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 1);
	cr_expect_eq(crmgate("send-one contact K05 --channel sms --body '%s' --where true", body), 2);
	cr_expect(strstr(errout.data, "no --where"), "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 1);
	cr_expect_eq(crmgate("send-one contact --channel sms"), 2);
	cr_expect_eq(crmgate("send-one planet P1 --channel sms"), 2);
	free(body);
}

Test(send, preview_test_to_sends_one_sample_outside_the_outbox)
{
	char *maildir = xstrfmt("%s/maildir", dir), *url = xstrfmt("file:%s", maildir),
	     *body = xstrfmt("%s/b.txt", dir);
	char **msgs;

	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "marketing@example.test", 1);
	test_write_file(body, "{{name}}，您好\n");
	cr_assert_eq(crmgate("campaign create 试发 --channel email --targets contact --where \"code = 'K02'\""
			     " --subject 'Hello {{code}}' --body '%s' --template birthday.docx --attach docx",
			     body),
		     0, "%s", errout.data);
	/* K02 has no e-mail address: a test goes to the address given */
	cr_assert_eq(crmgate("campaign preview 试发 --test-to tester@example.test"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "sent a test e-mail to tester@example.test, filled for K02 客户2"), "%s", out.data);
	msgs = maildir_messages(maildir);
	cr_assert(msgs[0] && !msgs[1], "one message");
	cr_expect(strstr(msgs[0], "\r\nTo: tester@example.test\r\n"), "%s", msgs[0]);
	cr_expect(strstr(msgs[0], "\r\nSubject: [TEST] Hello K02\r\n"), "%s", msgs[0]);
	cr_expect(strstr(msgs[0], "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
		  "attached");
	for (char **m = msgs; *m; m++)
		free(*m);
	free(msgs);
	/* nothing queued, nothing recorded: the campaign is still a draft */
	cr_assert_eq(crmgate("--format json campaign status 试发"), 0);
	cr_expect(strstr(out.data, "\"status\": \"draft\""), "%s", out.data);
	cr_expect(strstr(out.data, "\"total\": 0,"), "%s", out.data);
	/* a text to a number */
	cr_assert_eq(
		crmgate("campaign create 试短信 --channel sms --targets contact --where \"code = 'K03'\" --body '%s'",
			body),
		0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign preview 试短信 --test-to 13900000000"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "sent a test text to 13900000000, filled for K03 客户3 (1 segment)"), "%s",
		  out.data);
	cr_expect_eq(files_in("sms", ".sms"), 1);
	/* a letter has no address to test */
	cr_assert_eq(crmgate("campaign create 试信 --channel mail --targets contact --template birthday.docx"), 0, "%s",
		     errout.data);
	cr_expect_eq(crmgate("campaign preview 试信 --test-to x@example.test"), 2);
	cr_expect(strstr(errout.data, "'crmgate merge' writes a sample letter"), "%s", errout.data);
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(maildir);
	free(url);
	free(body);
}

/* One run claims rows of every channel: each row goes to its own channel
 * (texts one by one, a campaign's e-mails together, letters as one print
 * batch), and every campaign is done. */
Test(send, one_run_sends_every_channel)
{
	char *maildir = xstrfmt("%s/maildir", dir), *url = xstrfmt("file:%s", maildir);

	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "marketing@example.test", 1);
	sms_campaign();
	email_campaign("邮件", 1);
	cr_assert_eq(
		crmgate("campaign create 信 --channel mail --targets contact --where \"code like 'K%%' and code <= 'K10'\""
			" --template birthday.docx"),
		0, "%s", errout.data);
	cr_assert_eq(crmgate("campaign launch 信 --yes"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 60);
	cr_expect_eq(maildir_files(maildir), 3);
	cr_expect_eq(files_in("mail", ".docx"), 1);
	for (int i = 0; i < 3; i++) {
		static const char *const names[] = { "通知", "邮件", "信" };
		cr_assert_eq(crmgate("--format json campaign status %s", names[i]), 0, "%s", errout.data);
		cr_expect(strstr(out.data, "\"status\": \"done\", \"queued\": 0, \"sending\": 0,"), "%s: %s", names[i],
			  out.data);
		cr_expect(strstr(out.data, "\"failed\": 0, \"skipped\": 0,"), "%s: %s", names[i], out.data);
	}
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(url);
	free(maildir);
}

/* E-mails go into a Maildir of the test's folder, from marketing@: its
 * path, for end_maildir. */
static char *use_maildir(void)
{
	char *maildir = xstrfmt("%s/maildir", dir), *url = xstrfmt("file:%s", maildir);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "marketing@example.test", 1);
	free(url);
	return maildir;
}

static void end_maildir(char *maildir)
{
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	free(maildir);
}

/* campaign's JSON status holds counts (from "status" on). */
static void expect_status(const char *campaign, const char *counts)
{
	cr_assert_eq(crmgate("--format json campaign status %s", campaign), 0, "%s", errout.data);
	cr_expect(strstr(out.data, counts), "%s: %s", campaign, out.data);
}

/* [sms] settings a run cannot send texts with, each alone (quiet hours,
 * the frequency cap, the provider's timeouts). */
static const char *const bad_sms[][2] = {
	{ "CRMGATE_SMS_QUIET_HOURS", "21:00-25:00" },
	{ "CRMGATE_SMS_FREQUENCY_CAP", "1/x" },
	{ "CRMGATE_SMS_TIMEOUT", "soon" },
	{ "CRMGATE_SMS_CONNECT_TIMEOUT", "-1" },
};

/* A run with nothing but e-mails to send reads no [sms] setting: a bad one
 * stops neither it, nor the launch of its campaign, nor a test message. */
Test(send, an_email_run_reads_no_sms_setting)
{
	char *maildir = use_maildir();

	for (size_t i = 0; i < ARRAY_SIZE(bad_sms); i++) {
		char *name = xstrfmt("邮件%zu", i);
		setenv(bad_sms[i][0], bad_sms[i][1], 1);
		email_campaign(name, i == 0);
		cr_expect_eq(crmgate("send --once"), 0, "%s=%s: %s", bad_sms[i][0], bad_sms[i][1], errout.data);
		cr_expect_eq(maildir_files(maildir), 4 * (int)i + 3, "%s", bad_sms[i][0]);
		expect_status(name, "\"status\": \"done\", \"queued\": 0, \"sending\": 0, \"sent\": 3,");
		/* a test message opens the campaign's channel alone too */
		cr_expect_eq(crmgate("campaign preview %s --test-to tester@example.test", name), 0, "%s: %s",
			     bad_sms[i][0], errout.data);
		cr_expect_eq(maildir_files(maildir), 4 * (int)i + 4, "%s", bad_sms[i][0]);
		unsetenv(bad_sms[i][0]);
		free(name);
	}
	end_maildir(maildir);
}

/* The error of a run stopped by a bad [sms] setting, with texts waiting. */
static void expect_stopped_by(size_t i)
{
	static const char *const says[] = { "21:00-25:00", "frequency_cap '1/x'", "[sms] timeout: 'soon'",
					    "[sms] connect_timeout: '-1'" };
	cr_expect(strstr(errout.data, says[i]), "%s: %s", bad_sms[i][0], errout.data);
}

/* With texts waiting, a bad [sms] setting stops the run before it takes a
 * row, as before: the e-mails waiting too stay queued, no row is claimed. */
Test(send, waiting_texts_and_a_bad_sms_setting_stop_the_run_first)
{
	char *maildir = use_maildir();

	sms_campaign();
	email_campaign("邮件", 1);
	for (size_t i = 0; i < ARRAY_SIZE(bad_sms); i++) {
		setenv(bad_sms[i][0], bad_sms[i][1], 1);
		cr_expect_eq(crmgate("send --once"), 2, "%s: %s", bad_sms[i][0], errout.data);
		expect_stopped_by(i);
		unsetenv(bad_sms[i][0]);
	}
	cr_expect_eq(files_in("sms", ".sms"), 0);
	cr_expect_eq(maildir_files(maildir), 0);
	expect_status("通知", "\"status\": \"running\", \"queued\": 60, \"sending\": 0, \"sent\": 0,");
	expect_status("邮件", "\"status\": \"running\", \"queued\": 3, \"sending\": 0, \"sent\": 0,");
	/* settings mended: everything goes */
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 60);
	cr_expect_eq(maildir_files(maildir), 3);
	end_maildir(maildir);
}

/* Texts that come while a worker runs open the SMS channel then: a bad
 * setting stops the worker with the same error, and the rows it had taken
 * go back to the queue (none left claimed), to go once it is mended. */
Test(send, texts_that_come_later_open_the_channel_then)
{
	char *log = xstrfmt("%s/send.log", dir), *text;
	pid_t pid;

	setenv(bad_sms[0][0], bad_sms[0][1], 1);
	pid = test_crmgate_bg(log, db, "send");
	sleep(1);
	unsetenv(bad_sms[0][0]);
	sms_campaign();
	cr_expect_eq(test_wait(pid, 20), 2, "%s", test_slurp(log));
	text = test_slurp(log);
	cr_expect(strstr(text, bad_sms[0][1]), "%s", text);
	free(text);
	cr_expect_eq(files_in("sms", ".sms"), 0);
	expect_status("通知", "\"status\": \"running\", \"queued\": 60, \"sending\": 0, \"sent\": 0,");
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_expect_eq(files_in("sms", ".sms"), 60);
	free(log);
}

/* The frequency cap holds when the SMS channel is opened by a worker that
 * had no text waiting at its start: the second marketing text to a number
 * within the week, queued before the first went, is skipped when it would
 * go (crm.sms_capped reads the cap the channel's open set). */
Test(send, the_frequency_cap_holds_for_texts_that_come_later)
{
	char *body = xstrfmt("%s/b.txt", dir), *log = xstrfmt("%s/send.log", dir);
	pid_t pid;

	test_write_file(body, "{{name}}，新品上市\n");
	setenv("CRMGATE_SMS_FREQUENCY_CAP", "1/7", 1);
	for (int i = 1; i <= 2; i++) {
		cr_assert_eq(crmgate("campaign create 营销%d --channel sms --targets contact --where \"code <= 'K03'\""
				     " --body '%s'",
				     i, body),
			     0, "%s", errout.data);
		cr_assert_eq(crmgate("campaign launch 营销%d --yes", i), 0, "%s", errout.data);
		cr_expect(strstr(out.data, "queued 3, skipped 0"), "%s", out.data);
		cr_assert_eq(crmgate("campaign pause 营销%d", i), 0, "%s", errout.data);
	}
	/* nothing waits: the worker opens no channel before the texts come */
	pid = test_crmgate_bg(log, db, "send");
	sleep(1);
	for (int i = 1; i <= 2; i++) {
		cr_assert_eq(crmgate("campaign resume 营销%d", i), 0, "%s", errout.data);
		cr_assert_eq(crmgate("--format json campaign status 营销%d --watch", i), 0, "%s", errout.data);
	}
	kill(-pid, SIGTERM);
	cr_expect_eq(test_wait(pid, 20), 0, "%s", test_slurp(log));
	cr_expect_eq(files_in("sms", ".sms"), 3, "one text a number");
	expect_status("营销2", "\"sent\": 0, \"unknown\": 0, \"failed\": 0, \"skipped\": 3,");
	free(body);
	free(log);
}
