/* tests/gateway/test_dsn.c - bounces as MTAs write them, read by gw_dsn_parse.
 *
 * tests/gateway/dsn/ holds the messages: postfix-failed.eml and
 * postfix-delayed.eml are what Postfix 3.7.11 itself wrote (a private
 * instance of tests/servers/mta.sh with an error: and a retry: transport,
 * sent to with envelope sender bounces+ID@example.test); postfix-smtp-crlf.eml
 * is the same report as Postfix's smtp(8) client writes it after a remote
 * 550 (Remote-MTA, a folded smtp Diagnostic-Code, headers only returned),
 * with CRLF line ends; exim-dsn.eml is Exim 4.9x's RFC 3464 report,
 * exim-plain.eml the plain-text bounce of old Exim with the message copied
 * inline, qmail.eml qmail-send's "failure notice". The malformed and hostile
 * ones are built here. */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/dsn.h"

#define RP "bounces@example.test"

struct fixture {
	const char *file;
	enum gw_dsn_kind kind;
	long id;
	enum gw_dsn_source source;
	const char *recipient; /* the address the outbox row holds */
	enum gw_dsn_verdict verdict;
	const char *status;
	const char *diagnostic; /* a part of it */
	const char *message_id; /* NULL: none of ours */
};

static const struct fixture fixtures[] = {
	{ "postfix-failed.eml", GW_DSN_REPORT, 42, GW_DSN_SRC_MESSAGE_ID, "anne@gone.example.test", GW_DSN_V_BOUNCED,
	  "5.1.1", "mailbox unavailable", "crmgate.42.Zx81bQ2p@example.test" },
	{ "postfix-delayed.eml", GW_DSN_REPORT, 43, GW_DSN_SRC_MESSAGE_ID, "Bob@Full.example.test", GW_DSN_V_DELAYED,
	  "4.2.2", "mailbox full", "crmgate.43.Zx81bQ2p@example.test" },
	{ "postfix-smtp-crlf.eml", GW_DSN_REPORT, 44, GW_DSN_SRC_MESSAGE_ID, "erin@example.net", GW_DSN_V_BOUNCED,
	  "5.1.1", "550 5.1.1 <erin@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
	  "crmgate.44.Zx81bQ2p@example.test" },
	{ "exim-dsn.eml", GW_DSN_REPORT, 45, GW_DSN_SRC_MESSAGE_ID, "carol@example.net", GW_DSN_V_BOUNCED, "5.0.0",
	  "550 5.1.1 <carol@example.net>: Recipient address rejected: mailbox disabled",
	  "crmgate.45.q0VbM3sX@example.test" },
	{ "exim-plain.eml", GW_DSN_LOOSE, 46, GW_DSN_SRC_MESSAGE_ID, "dave@example.org", GW_DSN_V_BOUNCED, "5.0.0",
	  "host mx.example.org [192.0.2.40]: 550 unrouteable address", "crmgate.46.A7kLm0Qz@example.test" },
	{ "qmail.eml", GW_DSN_LOOSE, 47, GW_DSN_SRC_HEADER, "frank@example.com", GW_DSN_V_BOUNCED, "5.1.1",
	  "Sorry, no mailbox here by that name. (#5.1.1)", NULL },
};

static char *fixture_path(const char *file)
{
	return xstrfmt("tests/gateway/dsn/%s", file);
}

Test(dsn, fixtures)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		const struct fixture *f = &fixtures[i];
		char *path = fixture_path(f->file), *msg = test_slurp(path);
		struct gw_dsn dsn;
		struct err err = ERR_INIT;
		const struct gw_dsn_rcpt *r = NULL;
		int matched = -1;
		enum gw_dsn_verdict v;

		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), &err);
		cr_expect_eq(dsn.kind, f->kind, "%s: kind %d", f->file, dsn.kind);
		cr_expect_eq(dsn.outbox_id, f->id, "%s: outbox id %ld", f->file, dsn.outbox_id);
		cr_expect_eq(dsn.source, f->source, "%s: id source %d", f->file, dsn.source);
		v = gw_dsn_verdict(&dsn, f->recipient, &matched, &r);
		cr_expect_eq(v, f->verdict, "%s: verdict %d", f->file, v);
		cr_expect_eq(matched, 1, "%s: the recipient block of %s", f->file, f->recipient);
		cr_assert_not_null(r, "%s", f->file);
		cr_expect_str_eq(r->status, f->status, "%s", f->file);
		cr_expect(r->diagnostic && strstr(r->diagnostic, f->diagnostic), "%s: diagnostic '%s'", f->file,
			  r->diagnostic);
		if (f->message_id)
			cr_expect(dsn.message_id && !strcmp(dsn.message_id, f->message_id), "%s: message id %s",
				  f->file, dsn.message_id);
		else
			cr_expect_null(dsn.message_id, "%s", f->file);
		gw_dsn_release(&dsn);
		err_release(&err);
		free(msg);
		free(path);
	}
}

Test(dsn, postfix_fields)
{
	char *path = fixture_path("postfix-failed.eml"), *msg = test_slurp(path);
	struct gw_dsn dsn;
	struct err err = ERR_INIT;
	assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), &err);
	cr_assert_eq(dsn.nr, 1);
	cr_expect_str_eq(dsn.rcpt[0].final_recipient, "anne@gone.example.test");
	cr_expect_str_eq(dsn.rcpt[0].original_recipient, "anne@gone.example.test");
	cr_expect_eq(dsn.rcpt[0].action, GW_DSN_FAILED);
	cr_expect_str_eq(dsn.rcpt[0].diagnostic, "mailbox unavailable");
	cr_expect_str_eq(dsn.reporting_mta, "mta.example.test");
	cr_expect_null(dsn.envelope_id);
	gw_dsn_release(&dsn);

	/* without the returned message, X-Postfix-Sender and the To: still tie it */
	{
		char *cut =
			strstr(msg,
			       "--8562CA81DFA.1795753701/mta.example.test\nContent-Description: Undelivered Message\n");
		cr_assert_not_null(cut);
		*cut = 0;
		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), &err);
		cr_expect_eq(dsn.kind, GW_DSN_REPORT, "no close delimiter is no reason to give up");
		cr_expect_eq(dsn.outbox_id, 42);
		cr_expect_eq(dsn.source, GW_DSN_SRC_RETURN_PATH);
		cr_expect_null(dsn.message_id);
		gw_dsn_release(&dsn);
		/* another return path is not ours */
		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), "returns@example.test", &err), &err);
		cr_expect_eq(dsn.kind, GW_DSN_REPORT);
		cr_expect_eq(dsn.outbox_id, 0);
		gw_dsn_release(&dsn);
		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), "bounces@example.org", &err), &err);
		cr_expect_eq(dsn.outbox_id, 0, "the domain counts too");
		gw_dsn_release(&dsn);
		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), NULL, &err), &err);
		cr_expect_eq(dsn.outbox_id, 42, "no return path configured: any LOCAL+ID@");
		gw_dsn_release(&dsn);
	}
	err_release(&err);
	free(msg);
	free(path);
}

/* A report of our own making: fields in any case and order, comments,
 * folding, an envelope id, several recipients. */
#define HEAD(boundary)                                                                                                 \
	"From: MAILER-DAEMON@mx.example.net\n"                                                                         \
	"To: someone@example.test\n"                                                                                   \
	"Subject: Delivery Status Notification\n"                                                                      \
	"MIME-Version: 1.0\n"                                                                                          \
	"Content-Type: Multipart/Report; boundary=\"" boundary "\" (a comment);\n"                                     \
	" Report-Type=\"Delivery-Status\"\n"                                                                           \
	"\n"

Test(dsn, several_recipients_and_envelope_id)
{
	static const char msg[] = HEAD("b1") "preamble\n"
					     "--b1\n"
					     "Content-Type: text/plain\n\nsorry\n"
					     "--b1\n"
					     "content-type: message/delivery-status\n\n"
					     "reporting-mta: dns; mx.example.net\n"
					     "original-envelope-id: crmgate.77.x9\n"
					     "\n"
					     "final-recipient: rfc822; <Other@Example.net>\n"
					     "action: delivered (done)\n"
					     "status: 2.0.0\n"
					     "\n"
					     "FINAL-RECIPIENT: RFC822;\n"
					     "    gina@example.net\n"
					     "ACTION: Failed\n"
					     "STATUS: 5.2.2 (over quota)\n"
					     "DIAGNOSTIC-CODE: smtp; 552-5.2.2 mailbox full\n"
					     "    and then some\n"
					     "\n"
					     "Final-Recipient: rfc822; hank@example.net\n"
					     "Action: delayed\n"
					     "Status: 4.4.7\n"
					     "\n\n"
					     "--b1--\nepilogue 550 5.1.1 not this\n";
	struct gw_dsn dsn;
	struct err err = ERR_INIT;
	const struct gw_dsn_rcpt *r;
	int matched;

	assert_ok(gw_dsn_parse(&dsn, msg, sizeof(msg) - 1, RP, &err), &err);
	cr_assert_eq(dsn.kind, GW_DSN_REPORT);
	cr_expect_eq(dsn.outbox_id, 77);
	cr_expect_eq(dsn.source, GW_DSN_SRC_ENVID);
	cr_expect_str_eq(dsn.envelope_id, "crmgate.77.x9");
	cr_assert_eq(dsn.nr, 3);
	cr_expect_str_eq(dsn.rcpt[0].final_recipient, "Other@Example.net");
	cr_expect_eq(dsn.rcpt[0].action, GW_DSN_DELIVERED);
	cr_expect_str_eq(dsn.rcpt[1].final_recipient, "gina@example.net");
	cr_expect_str_eq(dsn.rcpt[1].status, "5.2.2");
	cr_expect_str_eq(dsn.rcpt[1].diagnostic, "552-5.2.2 mailbox full and then some");

	cr_expect_eq(gw_dsn_verdict(&dsn, "other@example.net", &matched, &r), GW_DSN_V_DELIVERED);
	cr_expect_eq(matched, 1);
	cr_expect_eq(gw_dsn_verdict(&dsn, "hank@example.net", &matched, &r), GW_DSN_V_DELAYED);
	cr_expect_eq(gw_dsn_verdict(&dsn, "nobody@example.net", &matched, &r), GW_DSN_V_BOUNCED, "the worst decides");
	cr_expect_eq(matched, 0);
	cr_expect_str_eq(r->final_recipient, "gina@example.net");
	cr_expect_eq(gw_dsn_verdict(&dsn, NULL, NULL, NULL), GW_DSN_V_BOUNCED);
	gw_dsn_release(&dsn);
	err_release(&err);
}

Test(dsn, encoded_global_report)
{
	/* RFC 6533: message/global-delivery-status may be encoded; this one is
	 * base64 of "Final-Recipient: utf-8; ivy@example.net\nAction: failed\nStatus: 5.1.10\n",
	 * a report that left out its per-message fields (Reporting-MTA) */
	static const char msg[] =
		"From: postmaster@mx.example.net\n"
		"To: bounces+9@example.test\n"
		"Content-Type: multipart/report; report-type=global-delivery-status; boundary=zz\n\n"
		"--zz\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
		"Delivery to ivy@example.net failed: 550 5.1.1 =E7=94=A8=E6=88=B7=\nunknown\n"
		"--zz\nContent-Type: message/global-delivery-status\nContent-Transfer-Encoding: base64\n\n"
		"RmluYWwtUmVjaXBpZW50OiB1dGYtODsgaXZ5QGV4YW1wbGUubmV0CkFjdGlvbjogZmFpbGVkClN0YXR1\n"
		"czogNS4xLjEwCg==\n"
		"--zz--\n";
	struct gw_dsn dsn;
	struct err err = ERR_INIT;
	assert_ok(gw_dsn_parse(&dsn, msg, sizeof(msg) - 1, RP, &err), &err);
	cr_assert_eq(dsn.kind, GW_DSN_REPORT);
	cr_expect_eq(dsn.outbox_id, 9);
	cr_expect_eq(dsn.source, GW_DSN_SRC_RETURN_PATH);
	cr_assert_eq(dsn.nr, 1);
	cr_expect_str_eq(dsn.rcpt[0].final_recipient, "ivy@example.net");
	cr_expect_str_eq(dsn.rcpt[0].status, "5.1.10");
	cr_expect_eq(gw_dsn_verdict(&dsn, "ivy@example.net", NULL, NULL), GW_DSN_V_BOUNCED);
	gw_dsn_release(&dsn);
	err_release(&err);
}

/* Things that are no bounce, or no bounce of ours. */
static const char *const not_bounces[] = {
	/* a survey reply: our Message-ID in In-Reply-To, a 550 in the text */
	"From: Anne <anne@example.net>\nTo: survey@example.test\nSubject: Re: your opinion\n"
	"In-Reply-To: <crmgate.42.Zx81bQ2p@example.test>\n\n1: B\n2: 550 5.1.1 is my favourite number\n",
	/* a reply sent to the return path: VERP-tied, but no bounce */
	"From: Anne <anne@example.net>\nTo: bounces+42@example.test\nSubject: Re: Happy birthday\n\n"
	"Thanks! Call me at 550 1234.\n",
	/* a bounce of someone else's message: nothing ties it to us */
	"From: MAILER-DAEMON@mx.example.net\nTo: alice@example.test\nSubject: Undelivered Mail\n\n"
	"<zed@example.net>: 550 5.1.1 unknown user\n",
	/* a report of another type (an ARF abuse report) */
	"From: abuse@example.net\nTo: bounces+42@example.test\nSubject: abuse report\n"
	"Content-Type: multipart/report; report-type=feedback-report; boundary=x\n\n"
	"--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\n"
	"Status: 5.0.0\n--x--\n",
	/* a delivery-status part outside a report (forwarded as an attachment) */
	"From: boss@example.test\nTo: bounces+42@example.test\nSubject: fyi\n"
	"Content-Type: multipart/mixed; boundary=x\n\n"
	"--x\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@example.net\nAction: failed\n"
	"Status: 5.0.0\n--x--\n",
	"",
	"\n\n\n",
	"no header at all",
};

Test(dsn, not_bounces)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_bounces); i++) {
		struct gw_dsn dsn;
		struct err err = ERR_INIT;
		assert_ok(gw_dsn_parse(&dsn, not_bounces[i], strlen(not_bounces[i]), RP, &err), &err);
		cr_expect_eq(dsn.kind, GW_DSN_NONE, "message %zu: kind %d", i, dsn.kind);
		cr_expect_eq(dsn.outbox_id, 0, "message %zu", i);
		cr_expect_eq(gw_dsn_verdict(&dsn, NULL, NULL, NULL), GW_DSN_V_NONE);
		gw_dsn_release(&dsn);
		err_release(&err);
	}
}

/* Broken reports: read what can be read, crash on nothing. */
Test(dsn, malformed)
{
	static const char broken[] = HEAD("b\"2") /* a boundary with a quote escaped... */
		"--b\"2\n"
		"Content-Type: message/delivery-status\n\n"
		"Reporting-MTA dns; no colon\n"
		": no name\n"
		"\tcontinuation without a field\n"
		"\n"
		"Final-Recipient: rfc822; jo@example.net\n"
		"Action: exploded\n"
		"Status: 9.9.9\n"
		"\n"
		"Final-Recipient: rfc822; kim@example.net\n"
		"Action: failed\n"
		"Status: 5.1\n"
		"Diagnostic-Code: smtp; \x01\x7f bad \xff\xfe utf-8 \xe7\x94 and \xf0\x9f\x98\x80 fine\n";
	struct gw_dsn dsn;
	struct err err = ERR_INIT;
	const struct gw_dsn_rcpt *r;

	/* the header's boundary is 'b"2' (a quoted quote) only if escaped: it is not, so it is 'b' */
	assert_ok(gw_dsn_parse(&dsn, broken, sizeof(broken) - 1, RP, &err), &err);
	cr_expect_eq(dsn.kind, GW_DSN_NONE, "no part found, nothing to report");
	gw_dsn_release(&dsn);

	{
		char *fixed = xstrdup(broken);
		char *q = strstr(fixed, "b\"2\" (a");
		memcpy(q, "b22", 3); /* boundary="b22" */
		for (char *p = fixed; (p = strstr(p, "--b\"2")); p += 5)
			p[3] = '2';
		assert_ok(gw_dsn_parse(&dsn, fixed, strlen(fixed), RP, &err), &err);
		cr_expect_eq(dsn.kind, GW_DSN_REPORT);
		cr_assert_eq(dsn.nr, 2, "%zu recipients", dsn.nr);
		cr_expect_eq(dsn.rcpt[0].action, GW_DSN_ACTION_NONE);
		cr_expect_str_eq(dsn.rcpt[0].status, "");
		cr_expect_str_eq(dsn.rcpt[1].status, "", "5.1 is no status");
		cr_expect_str_eq(dsn.rcpt[1].diagnostic, "bad ?? utf-8 ?? and \xf0\x9f\x98\x80 fine");
		cr_expect_eq(gw_dsn_verdict(&dsn, "kim@example.net", NULL, &r), GW_DSN_V_FAILED,
			     "failed without a status is no reason to suppress");
		cr_expect_eq(gw_dsn_verdict(&dsn, "jo@example.net", NULL, &r), GW_DSN_V_NONE);
		cr_expect_eq(dsn.outbox_id, 0);
		gw_dsn_release(&dsn);
		free(fixed);
	}
	err_release(&err);
}

static char *nested(int depth)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "From: MAILER-DAEMON@x.example\nTo: bounces+5@example.test\n");
	for (int i = 0; i < depth; i++)
		buf_addf(&b, "Content-Type: multipart/mixed; boundary=n%d\n\n--n%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\n550 5.1.1 deep\n");
	return buf_detach(&b, NULL);
}

Test(dsn, caps)
{
	struct gw_dsn dsn;
	struct err err = ERR_INIT;
	char *msg = nested(GW_DSN_MAX_DEPTH);
	struct buf many = BUF_INIT;

	assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), &err);
	gw_dsn_release(&dsn);
	free(msg);

	msg = nested(GW_DSN_MAX_DEPTH + 1);
	cr_expect_eq(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "multiparts nested more than 8 deep");
	cr_expect_eq(dsn.kind, GW_DSN_NONE);
	gw_dsn_release(&dsn);
	free(msg);
	err_clear(&err);

	msg = nested(10000); /* no stack to spare for this */
	cr_expect_eq(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), ERR_INPUT);
	gw_dsn_release(&dsn);
	free(msg);
	err_clear(&err);

	buf_adds(&many, "Content-Type: multipart/report; report-type=delivery-status; boundary=m\n\n");
	for (int i = 0; i <= GW_DSN_MAX_PARTS; i++)
		buf_adds(&many, "--m\n\n");
	cr_expect_eq(gw_dsn_parse(&dsn, many.data, many.len, RP, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "a multipart has more than 64 parts");
	gw_dsn_release(&dsn);
	err_clear(&err);

	cr_expect_eq(gw_dsn_parse(&dsn, many.data, (size_t)GW_DSN_MAX_SIZE + 1, RP, &err), ERR_INPUT,
		     "the size is checked before a byte is read");
	gw_dsn_release(&dsn);
	buf_release(&many);
	err_release(&err);
}

/* A small report of one failed recipient, with the header lines head and,
 * when given, the returned message's headers; malloc'd. */
static char *small_report(const char *head, const char *returned)
{
	return xstrfmt("From: MAILER-DAEMON@x.example\n%s"
		       "Content-Type: multipart/report; report-type=delivery-status; boundary=q\n\n"
		       "--q\nContent-Type: message/delivery-status\n\n"
		       "Reporting-MTA: dns; x.example\n\nFinal-Recipient: rfc822; a@b.example\n"
		       "Action: failed\nStatus: 5.0.0\n%s%s--q--\n",
		       head, returned ? "--q\nContent-Type: text/rfc822-headers\n\n" : "", returned ? returned : "");
}

/* The tie: only digits make an id, only our form of Message-ID counts. */
Test(dsn, ids)
{
	static const struct {
		const char *returned; /* headers of the returned message */
		long id;
		enum gw_dsn_source source;
	} cases[] = {
		{ "Message-ID: <crmgate.12.abc@example.test>\nX-Crmgate-Outbox: 13\n", 12, GW_DSN_SRC_MESSAGE_ID },
		{ "X-Crmgate-Outbox: 13\nMessage-ID: <crmgate.12.abc@example.test>\n", 12, GW_DSN_SRC_MESSAGE_ID },
		{ "X-Crmgate-Outbox:  13 \n", 13, GW_DSN_SRC_HEADER },
		{ "X-Crmgate-Outbox: 13x\n", 3, GW_DSN_SRC_RETURN_PATH },
		{ "X-Crmgate-Outbox: -1\n", 3, GW_DSN_SRC_RETURN_PATH },
		{ "X-Crmgate-Outbox: 99999999999999999999\n", 3, GW_DSN_SRC_RETURN_PATH },
		{ "Message-ID: <crmgate.12@example.test>\n", 3, GW_DSN_SRC_RETURN_PATH },
		{ "Message-ID: <crmgate..abc@example.test>\n", 3, GW_DSN_SRC_RETURN_PATH },
		{ "Message-ID: <other.12.abc@example.test>\n", 3, GW_DSN_SRC_RETURN_PATH },
		{ "Message-ID: crmgate.12.abc@example.test\n", 3, GW_DSN_SRC_RETURN_PATH },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *msg = small_report("To: Bounces <BOUNCES+3@EXAMPLE.TEST>\n", cases[i].returned);
		struct gw_dsn dsn;
		struct err err = ERR_INIT;
		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), &err);
		cr_expect_eq(dsn.outbox_id, cases[i].id, "case %zu: %ld", i, dsn.outbox_id);
		cr_expect_eq(dsn.source, cases[i].source, "case %zu: %d", i, dsn.source);
		gw_dsn_release(&dsn);
		err_release(&err);
		free(msg);
	}
}

/* The signed return path LOCAL+ID.TAG@DOMAIN (sql/015): the tag is read in
 * any case and kept lower-cased, with the id it was made for; anything
 * else that looks like one carries no tag (and a malformed one no id). */
Test(dsn, signed_return_paths)
{
#define TAG "0123456789abcdef0123456789abcdef"
	static const struct {
		const char *header; /* of the report itself */
		long id, tag_id;
		const char *tag;
	} cases[] = {
		{ "To: bounces+42." TAG "@example.test\n", 42, 42, TAG },
		{ "To: Bounces <BOUNCES+42.0123456789ABCDEF0123456789ABCDEF@EXAMPLE.TEST>\n", 42, 42, TAG },
		{ "Delivered-To: bounces+7." TAG "@example.test\nTo: bounces+8@example.test\n", 7, 7, TAG },
		{ "To: bounces+42@example.test\n", 42, 0, NULL },
		{ "To: bounces+42." TAG "0@example.test\n", 0, 0, NULL },
		{ "To: bounces+42.0123456789abcdef0123456789abcdeg@example.test\n", 0, 0, NULL },
		{ "To: bounces+42.@example.test\n", 0, 0, NULL },
		{ "To: bounces+." TAG "@example.test\n", 0, 0, NULL },
		{ "To: bounces+42." TAG "@example.org\n", 0, 0, NULL },
		{ "To: other+42." TAG "@example.test\n", 0, 0, NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *msg = small_report(cases[i].header, NULL);
		struct gw_dsn dsn;
		struct err err = ERR_INIT;
		assert_ok(gw_dsn_parse(&dsn, msg, strlen(msg), RP, &err), &err);
		cr_expect_eq(dsn.outbox_id, cases[i].id, "case %zu: id %ld", i, dsn.outbox_id);
		cr_expect_eq(dsn.tag_id, cases[i].tag_id, "case %zu: tag id %ld", i, dsn.tag_id);
		if (cases[i].tag)
			cr_expect(dsn.tag && !strcmp(dsn.tag, cases[i].tag), "case %zu: tag %s", i, dsn.tag);
		else
			cr_expect_null(dsn.tag, "case %zu: tag %s", i, dsn.tag);
		gw_dsn_release(&dsn);
		err_release(&err);
		free(msg);
	}

	/* in X-Postfix-Sender, and in the returned message's Return-Path */
	{
		static const char msg[] =
			"From: MAILER-DAEMON@x.example\nTo: someone@example.test\n"
			"Content-Type: multipart/report; report-type=delivery-status; boundary=q\n\n"
			"--q\nContent-Type: message/delivery-status\n\nX-Postfix-Sender: rfc822; bounces+9." TAG
			"@example.test\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.0.0\n"
			"--q\nContent-Type: text/rfc822-headers\n\nReturn-Path: <bounces+10." TAG
			"@example.test>\n--q--\n";
		struct gw_dsn dsn;
		struct err err = ERR_INIT;
		assert_ok(gw_dsn_parse(&dsn, msg, sizeof(msg) - 1, RP, &err), &err);
		cr_expect_eq(dsn.tag_id, 10, "the returned message is read first");
		cr_expect_str_eq(dsn.tag, TAG);
		gw_dsn_release(&dsn);
		/* a message that is no bounce keeps no tag */
		static const char hello[] = "To: bounces+9." TAG "@example.test\n\nhello\n";
		assert_ok(gw_dsn_parse(&dsn, hello, sizeof(hello) - 1, RP, &err), &err);
		cr_expect_eq(dsn.kind, GW_DSN_NONE);
		cr_expect_null(dsn.tag);
		cr_expect_eq(dsn.tag_id, 0);
		gw_dsn_release(&dsn);
		err_release(&err);
	}
#undef TAG
}
