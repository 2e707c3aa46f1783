/* tests/survey/test_mailreply.c - e-mail replies to survey invitations
 * (survey/mailreply.c): replies as the common clients write them (quoted
 * text above and below, HTML only, base64 and quoted-printable, GBK,
 * GB18030 and Big5, a forwarded reply, an out-of-office notice, one matched
 * by In-Reply-To alone, one that matches nothing, one that cannot be read,
 * one in a charset nobody knows), each filed as an answer, kept for review
 * with its reason, or counted as an automatic reply; the same message
 * twice changes nothing. First through the mailbox's hook on the test
 * database, then end to end: the invitations sent (their Reply-To tagged
 * with the token), the replies sent over SMTP to a private Postfix,
 * `mailbox poll` reading them over IMAP from Dovecot, and `survey inbox`
 * listing, showing, assigning and dismissing what was kept. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "crm/db.h"
#include "survey/mailreply.h"
#include "example.h"
#include "key.h"

static void setup(void)
{
	char *sat;

	test_survey_key_set();
	test_fixture_init_session();
	test_import(db, dir, "customer", "code,name\nC1,甲公司\n");
	test_import(db, dir, "contact",
		    "code,customer_code,name,email\n"
		    "E1,C1,张三,e1@example.org\nE2,C1,李四,e2@example.org\nE3,C1,王五,e3@example.org\n"
		    "E4,C1,赵六,e4@example.org\nE5,C1,陈七,e5@example.org\nE6,C1,周八,e6@example.org\n"
		    "E7,C1,吴九,e7@example.org\nE8,C1,郑十,e8@example.org\nE9,C1,冯一,e9@example.org\n");
	sat = xstrfmt("%s/sat.txt", dir);
	test_write_file(sat, example);
	cr_assert_eq(crmgate("survey template add 满意度 '%s'", sat), 0, "%s", errout.data);
	free(sat);
	cr_assert_eq(crmgate("survey create 回访 --template 满意度 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 回访 --yes"), 0, "%s", errout.data);
}

TestSuite(survey_mailreply, .init = setup, .fini = test_fixture_fini);

/* The first value of a query (NULL: none), the caller's. */
static char *value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *value(const char *fmt, ...)
{
	struct err err = ERR_INIT;
	struct buf sql = BUF_INIT;
	char *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&sql, fmt, ap);
	va_end(ap);
	assert_ok(crm_db_value(&v, session, sql.data, 0, NULL, &err), &err);
	buf_release(&sql);
	err_release(&err);
	return v;
}

static long count(const char *sql)
{
	char *v = value("%s", sql);
	long n = v ? strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

/* The token of target code's invitation. */
static char *token_of(const char *code)
{
	return value("SELECT " TEST_SURVEY_TOKEN_SQL(
			     "token_nonce") " FROM crm.survey_invitation WHERE target_code = '%s'",
		     code);
}

/* The Message-ID of target code's invitation, as sent. */
static char *message_id_of(const char *code)
{
	return value("SELECT btrim(o.message_id, '<>') FROM crm.survey_invitation i JOIN crm.outbox o"
		     " ON o.id = i.outbox_id WHERE i.target_code = '%s'",
		     code);
}

/* What target code's response holds: "1:B | 2:C+other | 3:5 | 5:+text way". */
static char *answers_of(const char *code)
{
	char *v = value("SELECT string_agg(a.question || ':' || coalesce(a.label, '') || coalesce(a.value::text, '')"
			" || coalesce('+' || a.text, ''), ' | ' ORDER BY a.question, a.label) || ' ' || r.answered_by"
			" FROM crm.survey_response r JOIN crm.survey_invitation i ON i.id = r.invitation_id"
			" JOIN crm.survey_answer a ON a.response_id = r.id WHERE i.target_code = '%s'"
			" GROUP BY r.answered_by",
			code);
	return v ? v : xstrdup("(none)");
}

enum fate { ANSWER, KEPT, AUTO };
enum to { TO_TOKEN, TO_PLAIN };

static const struct reply {
	const char *name;
	const char *code; /* the invitation it answers (its token, its Message-ID) */
	enum to to;	  /* TO_TOKEN: survey+TOKEN@example.test; TO_PLAIN: survey@example.test */
	int in_reply_to;  /* carries In-Reply-To and References of the invitation's Message-ID */
	const char *msgid;
	const char *headers; /* more header lines (a Subject replaces the usual one) */
	const char *body;
	enum fate fate;
	const char *expect; /* ANSWER: answers_of(code); KEPT: the reason's start */
} replies[] = {
	{ "quoted text above and below, quoted-printable, a signature", "E1", TO_TOKEN, 1, "r-e1@example.org",
	  "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n",
	  "> =E5=AE=A2=E6=88=B7=E6=BB=A1=E6=84=8F=E5=BA=A6=E8=B0=83=E6=9F=A5\n"
	  "> 1. =E6=82=A8=E5=AF=B9=E6=88=91=E4=BB=AC=E7=9A=84=E4=BA=A7=E5=93=81=E6=BB=\n"
	  "=A1=E6=84=8F=E5=90=97=EF=BC=9F =E3=80=90=E5=8D=95=E9=80=89=EF=BC=8C=E5=BF=\n"
	  "=85=E7=AD=94=E3=80=91\n"
	  "1: B\n"
	  "> 2. =E6=82=A8=E4=BD=BF=E7=94=A8=E4=BA=86=E5=93=AA=E4=BA=9B=E4=BA=A7=E5=93=\n"
	  "=81=EF=BC=9F\n"
	  "2: A,C =E4=BA=91=E6=9C=8D=E5=8A=A1\n"
	  "3: 5\n"
	  "5: =E5=BE=88=E5=A5=BD=EF=BC=8C\n"
	  "=E7=BB=A7=E7=BB=AD=E4=BF=9D=E6=8C=81\n"
	  "> 5. =E6=82=A8=E8=BF=98=E6=9C=89=E4=BB=80=E4=B9=88=E5=BB=BA=E8=AE=AE=EF=BC=\n"
	  "=9F\n\n--=20\n=E5=BC=A0=E4=B8=89\n",
	  ANSWER, "1:B | 2:A | 2:C+云服务 | 3:5 | 5:+很好，\n继续保持 email" },
	{ "HTML only, base64, Gmail's quote", "E2", TO_TOKEN, 1, "r-e2@example.org",
	  "MIME-Version: 1.0\nContent-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n",
	  "PGh0bWw+PGJvZHk+PGRpdiBkaXI9Imx0ciI+PGRpdj4xOiBBPC9kaXY+PGRpdj4yOiDova/ku7Y8\n"
	  "L2Rpdj48ZGl2PjM6IDM8L2Rpdj48L2Rpdj48YnI+PGRpdiBjbGFzcz0iZ21haWxfcXVvdGUiPjxk\n"
	  "aXYgZGlyPSJsdHIiPk9uIE1vbiwgRGVjIDcsIDIwMjYg5biC5Zy66YOoICZsdDtzdXJ2ZXlAZXhh\n"
	  "bXBsZS50ZXN0Jmd0OyB3cm90ZTo8L2Rpdj48YmxvY2txdW90ZSBjbGFzcz0iZ21haWxfcXVvdGUi\n"
	  "PjxwPjEuIOaCqOWvueaIkeS7rOeahOS6p+WTgea7oeaEj+WQl++8nyDjgJDljZXpgInvvIzlv4Xn\n"
	  "rZTjgJE8L3A+PHA+QS4g6Z2e5bi45ruh5oSPPC9wPjwvYmxvY2txdW90ZT48L2Rpdj48L2JvZHk+\n"
	  "PC9odG1sPgo=\n",
	  ANSWER, "1:A | 2:A | 3:3 email" },
	{ "GBK in base64, full-width answers, Foxmail's original below", "E3", TO_TOKEN, 0, "r-e3@example.org",
	  "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"gb2312\"\nContent-Transfer-Encoding: base64\n",
	  "xPq6w6OsCqOxo7qjwwqjs6O6o7IKCtC70LsKCi0tLS0tLS0tLS0tLS0tLS0tLSDUrcq808q8/iAt\n"
	  "LS0tLS0tLS0tLS0tLS0tLS0Kt6K8/sjLOiDK0LOhsr8KMS4gxPq21M7Sw8e1xLL6xrfC+tLiwvCj\n"
	  "vwo=\n",
	  ANSWER, "1:C | 3:2 email" },
	{ "GB18030 in quoted-printable, multipart/alternative", "E4", TO_TOKEN, 0, "r-e4@example.org",
	  "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"=_b\"\n",
	  "--=_b\nContent-Type: text/plain; charset=GB18030\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "1=A1=A2A\n2=A1=A2B\n3=A1=A23\n5=A1=A2=D2=BB=C7=D0=B6=BC=BA=C3=A2=E3\n"
	  "--=_b\nContent-Type: text/html; charset=GB18030\n\n<p>1: C</p>\n--=_b--\n",
	  ANSWER, "1:A | 2:B | 3:3 | 5:+一切都好€ email" },
	{ "Big5", "E5", TO_TOKEN, 0, "r-e5@example.org",
	  "MIME-Version: 1.0\nContent-Type: text/plain; charset=big5\nContent-Transfer-Encoding: base64\n",
	  "MTogQQozOiA0CjU6IKpBsMir3KZuCg==\n", ANSWER, "1:A | 3:4 | 5:+服務很好 email" },
	{ "a forwarded reply", "E6", TO_TOKEN, 0, "r-e6@example.org",
	  "Subject: Fwd: 客户满意度调查\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: 8bit\n",
	  "1: C\n3: 1\n5: 请联系我\n\n---------- Forwarded message ---------\nFrom: 市场部 <marketing@example.test>\n"
	  "Subject: 客户满意度调查\nTo: <e6@example.org>\n\n1. 您对我们的产品满意吗？ 【单选，必答】\n"
	  "   A. 非常满意\n",
	  ANSWER, "1:C | 3:1 | 5:+请联系我 email" },
	{ "an out-of-office reply", "E7", TO_TOKEN, 1, "r-e7-ooo@example.org",
	  "Subject: =?UTF-8?B?6Ieq5Yqo5Zue5aSNOiDlrqLmiLfmu6HmhI/luqbosIPmn6U=?=\nAuto-Submitted: auto-replied\n",
	  "我正在休假，1月3日回来。\n1: A\n3: 5\n", AUTO, NULL },
	{ "matched by In-Reply-To alone", "E8", TO_PLAIN, 1, "r-e8@example.org", "", "1: A\n3: 5\n", ANSWER,
	  "1:A | 3:5 email" },
	{ "unmatched", "E9", TO_PLAIN, 0, "r-e9@example.org", "", "1: B\n3: 4\n", KEPT, "unmatched: " },
	{ "no answers in it", "E7", TO_TOKEN, 0, "r-e7@example.org", "", "Sounds good, call me tomorrow.\n", KEPT,
	  "unreadable: " },
	{ "a charset nobody knows", NULL, TO_PLAIN, 0, "spam@example.net",
	  "Subject: win\nContent-Type: text/plain; charset=x-klingon\n", "\xff\xfe 1: B\n", KEPT, "unmatched: " },
};

#define NANSWERS 7
#define NKEPT	 3
#define NAUTO	 1

/* Reply r as its sender writes it; *rcpt gets its envelope recipient. */
static char *compose(const struct reply *r, char **rcpt)
{
	struct buf b = BUF_INIT;
	char *token = r->code ? token_of(r->code) : NULL, *mid = r->code ? message_id_of(r->code) : NULL;

	*rcpt = r->to == TO_TOKEN ? xstrfmt("survey+%s@example.test", token) : xstrdup("survey@example.test");
	buf_addf(&b, "From: %s@example.org\nTo: 市场部 <%s>\nDate: Mon, 7 Dec 2026 10:00:00 +0800\n",
		 r->code ? r->code : "x", *rcpt);
	if (!strstr(r->headers, "Subject:"))
		buf_adds(&b, "Subject: =?UTF-8?B?5Zue5aSN77ya5a6i5oi35ruh5oSP5bqm6LCD5p+l?=\n");
	if (r->msgid)
		buf_addf(&b, "Message-ID: <%s>\n", r->msgid);
	if (r->in_reply_to) {
		cr_assert_not_null(mid, "%s: the invitation of %s has no Message-ID", r->name, r->code);
		buf_addf(&b, "In-Reply-To: <%s>\nReferences: <earlier@example.org>\n <%s>\n", mid, mid);
	}
	buf_addf(&b, "%s\n%s", r->headers, r->body);
	free(token);
	free(mid);
	return buf_detach(&b, NULL);
}

static void expect_answers(const char *code, const char *want, const char *why)
{
	char *got = answers_of(code);
	cr_expect_str_eq(got, want, "%s: %s", code, why);
	free(got);
}

/* Every reply has its fate: stored with its answers, or kept with its reason. */
static void expect_fates(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		const struct reply *r = &replies[i];
		if (r->fate == ANSWER) {
			expect_answers(r->code, r->expect, r->name);
		} else if (r->fate == KEPT) {
			char *got = value("SELECT reason FROM crm.survey_inbox WHERE message_id = '%s'", r->msgid);
			cr_expect(got && !strncmp(got, r->expect, strlen(r->expect)), "%s: kept as '%s'", r->name,
				  got ? got : "(not kept)");
			free(got);
		}
	}
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_response"), NANSWERS);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox"), NKEPT);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_response WHERE message_id IS NULL"), 0);
}

/* Give msg to the hook as the mailbox does: in a transaction. */
static void hook(struct survey_mail *sm, const char *msg)
{
	struct err err = ERR_INIT;

	assert_ok(crm_db_begin(session, &err), &err);
	assert_ok(survey_mail_hook(sm, session, msg, strlen(msg), NULL, &err), &err);
	assert_ok(crm_db_commit(session, &err), &err);
	err_release(&err);
}

/* Through the hook: each reply's fate; the same messages again change nothing. */
Test(survey_mailreply, each_reply_filed_kept_or_counted)
{
	struct survey_mail sm = { { 0 } };
	char *rcpt;

	/* what the send loop records of an invitation sent */
	test_sql(db, "UPDATE crm.outbox SET status = 'sent', sent_at = now(), message_id = '<crmgate.' || id ||"
		     " '.0123456789abcdef@example.test>' WHERE source = 'survey_invitation'");
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		struct survey_mail_stats before = sm.stats;
		char *msg = compose(&replies[i], &rcpt);
		hook(&sm, msg);
		cr_expect_eq(sm.stats.answers - before.answers, replies[i].fate == ANSWER, "%s", replies[i].name);
		cr_expect_eq(sm.stats.kept - before.kept, replies[i].fate == KEPT, "%s", replies[i].name);
		cr_expect_eq(sm.stats.auto_replies - before.auto_replies, replies[i].fate == AUTO, "%s",
			     replies[i].name);
		free(msg);
		free(rcpt);
	}
	expect_fates();
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE invitation_id IS NOT NULL"), 1,
		     "the unreadable reply is kept with the invitation it was matched to");
	/* again: counted, and nothing changes */
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++) {
		char *msg = compose(&replies[i], &rcpt);
		hook(&sm, msg);
		free(msg);
		free(rcpt);
	}
	cr_expect_eq(sm.stats.answers, 2 * NANSWERS);
	expect_fates();
}

/* A message without a Message-ID is known by its bytes; a forged In-Reply-To
 * (a row's id with another random part) matches nothing; a closed survey
 * keeps its replies for review. */
Test(survey_mailreply, without_message_id_forged_thread_closed_survey)
{
	struct survey_mail sm = { { 0 } };
	char *token = token_of("E1"), *msg;

	test_sql(db, "UPDATE crm.outbox SET status = 'sent', sent_at = now(), message_id = '<crmgate.' || id ||"
		     " '.0123456789abcdef@example.test>' WHERE source = 'survey_invitation'");
	msg = value("SELECT E'From: e2@example.org\\nTo: survey@example.test\\nIn-Reply-To: <crmgate.' || outbox_id ||"
		    " E'.fedcba9876543210@example.test>\\n\\n1: A\\n3: 2\\n' FROM crm.survey_invitation"
		    " WHERE target_code = '%s'",
		    "E2");
	hook(&sm, msg);
	hook(&sm, msg);
	cr_expect_eq(sm.stats.kept, 1, "kept once, and counted once");
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE message_id ~ '^sha256:[0-9a-f]{64}$'"
			   " AND reason LIKE 'unmatched:%'"),
		     1, "kept once, by the hash of its bytes");
	free(msg);

	cr_assert_eq(crmgate("survey close 回访 --yes"), 0, "%s", errout.data);
	msg = xstrfmt("From: e1@example.org\nTo: <survey+%s@example.test>\nMessage-ID: <late@example.org>\n\n1: B\n3: "
		      "4\n",
		      token);
	hook(&sm, msg);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE message_id = 'late@example.org'"
			   " AND reason LIKE 'closed: survey ''回访''%' AND invitation_id IS NOT NULL"),
		     1);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_response"), 0);
	free(msg);
	free(token);
}

/* ---- end to end: Postfix, Dovecot, the binary ---- */

struct servers {
	pid_t pid;
	int in; /* its stdin: closing it stops them */
	char imap_port[16], smtp_port[16], maildir[512];
};

/* Postfix and Dovecot of its own, on one Maildir that only this test's
 * replies reach: not tests/run.sh's Postfix, whose port the environment
 * names (mta_start would take that port too). */
static const char postfix_and_dovecot[] = "unset MTA_PORT MTA_MAILDIR MTA_DIR; SERVERS_DIR=tests/servers;"
					  " . tests/servers/mta.sh; . tests/servers/imap.sh;"
					  " trap 'imap_stop; mta_stop' EXIT; mta_start >&2 && imap_start >&2 || exit 1;"
					  " echo \"$IMAP_PORT $MTA_PORT $MTA_MAILDIR\"; read x";

static int servers_start(struct servers *s)
{
	int in[2], back[2];
	char line[700];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (pipe(in) || pipe(back))
		cr_assert_fail("pipe: %s", strerror(errno));
	s->pid = fork();
	cr_assert_neq(s->pid, -1);
	if (s->pid == 0) {
		dup2(in[0], 0);
		dup2(back[1], 1);
		close_range(3, ~0U, 0);
		execlp("sh", "sh", "-c", postfix_and_dovecot, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(back[1]);
	s->in = in[1];
	f = fdopen(back[0], "r");
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "%15s %15s %511s", s->imap_port, s->smtp_port, s->maildir) != 3) {
		fclose(f);
		close(s->in);
		waitpid(s->pid, NULL, 0);
		return 1;
	}
	fclose(f);
	return 0;
}

static void servers_stop(struct servers *s)
{
	close(s->in);
	waitpid(s->pid, NULL, 0);
}

/* Messages in the Maildir (new/ and cur/). */
static int delivered(const struct servers *s)
{
	int n = 0;
	for (int i = 0; i < 2; i++) {
		char *sub = xstrfmt("%s/%s", s->maildir, i ? "cur" : "new");
		DIR *d = opendir(sub);
		for (struct dirent *e; d && (e = readdir(d));)
			n += e->d_name[0] != '.';
		if (d)
			closedir(d);
		free(sub);
	}
	return n;
}

/* Send reply r over SMTP to Postfix. */
static void smtp_send(const struct servers *s, const struct reply *r)
{
	char *rcpt, *msg = compose(r, &rcpt), *file = xstrfmt("%s/reply.eml", dir);

	test_write_file(file, msg);
	cr_assert_eq(test_sh("swaks --silent 2 --server 127.0.0.1 --port %s --from %s@example.org --to '%s'"
			     " --data @'%s' >/dev/null",
			     s->smtp_port, r->code ? r->code : "x", rcpt, file),
		     0, "%s: swaks failed", r->name);
	free(file);
	free(msg);
	free(rcpt);
}

static void wait_delivered(const struct servers *s, int n)
{
	for (int i = 0; i < 200 && delivered(s) < n; i++)
		usleep(50000);
	cr_assert_eq(delivered(s), n, "Postfix delivered %d of %d messages", delivered(s), n);
}

/* The inbox id of the item kept from message id msgid. */
static char *item_of(const char *msgid)
{
	return value("SELECT id FROM crm.survey_inbox WHERE message_id = '%s'", msgid);
}

Test(survey_mailreply, replies_over_smtp_read_over_imap, .timeout = 120)
{
	struct servers s;
	char *sent = xstrfmt("%s/sent", dir), *url, *unmatched, *unreadable, *spam;
	struct buf mail = BUF_INIT;
	int n = 0;

	/* the invitations, their Reply-To tagged with each one's token */
	url = xstrfmt("file:%s", sent);
	setenv("CRMGATE_EMAIL_TRANSPORT", url, 1);
	setenv("CRMGATE_EMAIL_FROM", "市场部 <marketing@example.test>", 1);
	setenv("CRMGATE_SURVEY_REPLY_TO", "survey@example.test", 1);
	free(url);
	cr_assert_eq(crmgate("send --once"), 0, "%s", errout.data);
	cr_assert_eq(test_sh("cat '%s'/new/* > '%s/all.eml'", sent, dir), 0);
	{
		/* the header lines unfolded: a long Reply-To goes on the next line */
		char *all = xstrfmt("%s/all.eml", dir), *text = test_slurp(all);
		for (const char *p = text; *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')))
				buf_addch(&mail, *p);
			else
				p += 2;
		free(text);
		free(all);
	}
	for (int i = 1; i <= 9; i++) {
		char code[16], *token, *line;
		snprintf(code, sizeof(code), "E%d", i);
		token = token_of(code);
		line = xstrfmt("Reply-To: survey+%s@example.test\r\n", token);
		cr_expect(strstr(mail.data, line), "no %s in %.1500s", line, mail.data);
		free(line);
		free(token);
	}
	cr_expect_eq(count("SELECT count(*) FROM crm.outbox WHERE status = 'sent' AND message_id IS NOT NULL"), 9);

	if (geteuid() != 0)
		cr_skip_test("a private Postfix needs root (tests/servers/mta.sh)");
	if (servers_start(&s))
		cr_skip_test(
			"Postfix and Dovecot did not start (tests/servers/ says why above; make deps installs them)");
	for (size_t i = 0; i < ARRAY_SIZE(replies); i++)
		smtp_send(&s, &replies[i]);
	n = (int)ARRAY_SIZE(replies);
	wait_delivered(&s, n);

	url = xstrfmt("imap://user%%40example.test:secret@127.0.0.1:%s/INBOX", s.imap_port);
	setenv("CRMGATE_MAILBOX_URL", url, 1);
	cr_assert_eq(crmgate("mailbox poll --once"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "other 11\nsurvey replies: answers 7, kept for review 3, auto-replies 1\n"), "%s",
		  out.data);
	expect_fates();

	/* polled again: nothing new; the same replies again: nothing changes */
	cr_assert_eq(crmgate("--format json mailbox poll --once"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "\"other\":0,\"answers\":0,\"kept\":0,\"auto_replies\":0}"), "%s", out.data);
	smtp_send(&s, &replies[0]);
	smtp_send(&s, &replies[8]);
	wait_delivered(&s, n + 2);
	cr_assert_eq(crmgate("mailbox poll --once"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "survey replies: answers 1, kept for review 0, auto-replies 0\n"), "%s", out.data);
	expect_fates();

	/* the review inbox */
	unmatched = item_of("r-e9@example.org");
	unreadable = item_of("r-e7@example.org");
	spam = item_of("spam@example.net");
	cr_assert_eq(crmgate("--format csv survey inbox"), 0, "%s", errout.data);
	cr_expect(!strncmp(out.data, "id,received,sender,subject,reason\r\n", 35), "%s", out.data);
	cr_expect(strstr(out.data, ",E9@example.org,回复：客户满意度调查,unmatched: "), "%s", out.data);
	cr_expect(strstr(out.data, ",unreadable: "), "%s", out.data);
	cr_expect(strstr(out.data, ",x@example.org,win,unmatched: "), "%s", out.data);
	cr_assert_eq(crmgate("survey inbox show %s", unreadable), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "Sounds good, call me tomorrow."), "%s", out.data);
	cr_expect(strstr(out.data, "target:"), "%s", out.data);
	cr_expect(strstr(out.data, "E7"), "%s", out.data);
	cr_expect_eq(crmgate("survey inbox show 999999"), 2);
	cr_expect(strstr(errout.data, "there is no survey inbox item 999999"), "%s", errout.data);

	/* filed by hand: what cannot be read, what was answered already, then right */
	cr_expect_eq(crmgate("survey inbox assign %s", unmatched), 2);
	cr_expect(strstr(errout.data, "matches no invitation: say which with --invitation"), "%s", errout.data);
	cr_expect_eq(crmgate("survey inbox assign %s --invitation E1 --survey 回访", unmatched), 2);
	cr_expect(strstr(errout.data, "was answered already, by email"), "%s", errout.data);
	cr_assert_eq(crmgate("survey inbox assign %s --invitation E9 --survey 回访", unmatched), 0, "%s", errout.data);
	expect_answers("E9", "1:B | 3:4 email", "filed by hand");
	cr_expect_eq(crmgate("survey inbox assign %s", unreadable), 2, "its own text holds no answer");
	cr_expect(strstr(errout.data, "the kept reply: "), "%s", errout.data);
	cr_expect_eq(crmgate("survey inbox assign %s --answers '1: Z; 3: 4'", unreadable), 2);
	cr_expect(strstr(errout.data, "--answers: "), "%s", errout.data);
	cr_assert_eq(crmgate("survey inbox assign %s --answers '1: C; 3: 2'", unreadable), 0, "%s", errout.data);
	expect_answers("E7", "1:C | 3:2 email", "filed by hand");
	cr_expect_eq(crmgate("survey inbox assign %s --answers '1: C; 3: 2'", unreadable), 2);
	cr_expect(strstr(errout.data, "is filed already"), "%s", errout.data);
	cr_assert_eq(crmgate("survey inbox dismiss %s", spam), 0, "%s", errout.data);
	cr_expect_eq(crmgate("survey inbox dismiss %s", spam), 2);
	cr_expect(strstr(errout.data, "is dismissed already"), "%s", errout.data);

	cr_assert_eq(crmgate("--format json survey inbox"), 0, "%s", errout.data);
	cr_expect_str_eq(out.data, "[]\n");
	cr_assert_eq(crmgate("--format csv survey inbox --all"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, ",filed\r\n") && strstr(out.data, ",dismissed\r\n"), "%s", out.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE status <> 'open' AND handled_at IS NOT NULL"
			   " AND handled_by IS NOT NULL"),
		     3);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_response WHERE filed_by IS NOT NULL"), 2);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_invitation WHERE answered_by = 'email'"), 9);

	unsetenv("CRMGATE_MAILBOX_URL");
	unsetenv("CRMGATE_EMAIL_TRANSPORT");
	unsetenv("CRMGATE_EMAIL_FROM");
	unsetenv("CRMGATE_SURVEY_REPLY_TO");
	free(unmatched);
	free(unreadable);
	free(spam);
	free(url);
	free(sent);
	buf_release(&mail);
	servers_stop(&s);
}

/* Nothing is dropped: a reply to an invitation answered already (by the
 * link, by another reply) is kept with the reason, and the same message
 * again is not counted again; a message nested too deep to be read (it
 * crashed libetpan) and one too large to read whole (only its header) are
 * kept with their sender and subject. */
Test(survey_mailreply, answered_already_nested_too_large_kept)
{
	struct survey_mail sm = { { 0 } };
	struct err err = ERR_INIT;
	char *e1 = token_of("E1"), *e2 = token_of("E2"), *e3 = token_of("E3"), *msg;
	struct buf deep = BUF_INIT;

	/* E2 answered on the web form */
	test_sql(db, "UPDATE crm.survey_invitation SET answered_at = now(), answered_by = 'link'"
		     " WHERE target_code = 'E2'");
	msg = xstrfmt("From: e2@example.org\nTo: <survey+%s@example.test>\nSubject: late\n"
		      "Message-ID: <twice@example.org>\n\n1: B\n3: 4\n",
		      e2);
	hook(&sm, msg);
	cr_expect_eq(sm.stats.kept, 1);
	cr_expect_eq(sm.stats.answers, 0);
	hook(&sm, msg);
	cr_expect_eq(sm.stats.kept, 1, "the same message again is kept once, and counted once");
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE message_id = 'twice@example.org'"
			   " AND reason LIKE 'answered already by link%' AND invitation_id IS NOT NULL"),
		     1);
	free(msg);

	/* E1 answered by one reply, then another */
	for (int i = 0; i < 2; i++) {
		msg = xstrfmt("From: e1@example.org\nTo: <survey+%s@example.test>\nMessage-ID: <e1-%d@example.org>\n\n"
			      "1: %s\n3: 4\n",
			      e1, i, i ? "C" : "A");
		hook(&sm, msg);
		free(msg);
	}
	cr_expect_eq(sm.stats.answers, 1);
	cr_expect_eq(sm.stats.kept, 2);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE message_id = 'e1-1@example.org'"
			   " AND reason LIKE 'answered already by email%'"),
		     1);
	expect_answers("E1", "1:A | 3:4 email", "the first reply");

	/* 40,000 messages nested: kept as unreadable, with its invitation */
	buf_addf(&deep,
		 "From: e3@example.org\r\nTo: <survey+%s@example.test>\r\nSubject: deep\r\n"
		 "Message-ID: <deep@example.org>\r\nContent-Type: message/rfc822\r\n\r\n",
		 e3);
	for (int i = 0; i < 40000; i++)
		buf_adds(&deep, "Content-Type: message/rfc822\r\n\r\n");
	buf_adds(&deep, "hello\r\n");
	assert_ok(crm_db_begin(session, &err), &err);
	assert_ok(survey_mail_hook(&sm, session, deep.data, deep.len, NULL, &err), &err);
	assert_ok(crm_db_commit(session, &err), &err);
	cr_expect_eq(sm.stats.kept, 3);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE message_id = 'deep@example.org'"
			   " AND reason LIKE 'unreadable: %nested too deep%' AND invitation_id IS NOT NULL"
			   " AND sender = 'e3@example.org' AND subject = 'deep'"),
		     1);

	/* too large: its header alone */
	msg = xstrfmt("From: e3@example.org\r\nTo: <survey+%s@example.test>\r\nSubject: big\r\n"
		      "Message-ID: <big@example.org>\r\n\r\n",
		      e3);
	assert_ok(crm_db_begin(session, &err), &err);
	assert_ok(survey_mail_hook(&sm, session, msg, strlen(msg), "too large: test", &err), &err);
	assert_ok(crm_db_commit(session, &err), &err);
	cr_expect_eq(sm.stats.kept, 4);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE message_id = 'big@example.org'"
			   " AND reason = 'too large: test' AND sender = 'e3@example.org' AND subject = 'big'"),
		     1);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_response"), 1);
	free(msg);
	buf_release(&deep);
	err_release(&err);
	free(e1);
	free(e2);
	free(e3);
}

/* A text kept for review (as /sms/in keeps one) is filed as a text reply:
 * read as one, and answered by sms. */
Test(survey_mailreply, sms_item_assigned_as_text)
{
	char *sat = xstrfmt("%s/short.txt", dir), *id;

	test_write_file(sat, "# 短\n1. 满意吗？ [single, required]\n   A. 是\n   B. 否\n2. 打分 [rating 1-5]\n");
	cr_assert_eq(crmgate("survey template add 短 '%s'", sat), 0, "%s", errout.data);
	cr_assert_eq(crmgate("survey create 短访 --template 短 --targets contact --channel email"), 0, "%s",
		     errout.data);
	cr_assert_eq(crmgate("survey launch 短访 --yes"), 0, "%s", errout.data);
	test_sql(
		db,
		"INSERT INTO crm.survey_inbox (channel, message_id, sender, body, reason)"
		" VALUES ('sms', 'kannel:t1', '+8613800000001', '1b2-4', 'no survey invitation was sent to this number')");
	id = value("SELECT id FROM crm.survey_inbox WHERE message_id = 'kannel:t1'");
	cr_assert_eq(crmgate("survey inbox assign %s --invitation E4 --survey 短访", id), 0, "%s", errout.data);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_response r JOIN crm.survey_invitation i"
			   " ON i.id = r.invitation_id JOIN crm.survey s ON s.id = i.survey_id"
			   " WHERE s.name = '短访' AND i.target_code = 'E4' AND r.answered_by = 'sms'"
			   " AND i.answered_by = 'sms' AND r.message_id = 'kannel:t1'"),
		     1);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_answer a JOIN crm.survey_response r ON r.id = a.response_id"
			   " WHERE r.message_id = 'kannel:t1' AND ((a.question = 1 AND a.label = 'B')"
			   " OR (a.question = 2 AND a.value = 4))"),
		     2);
	cr_expect_eq(count("SELECT count(*) FROM crm.survey_inbox WHERE id = (SELECT id FROM crm.survey_inbox"
			   " WHERE message_id = 'kannel:t1') AND status = 'filed'"),
		     1);
	free(id);
	free(sat);
}
