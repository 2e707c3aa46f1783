/* tests/gateway/test_dkim.c - DKIM signatures of built messages, checked by
 * an independent verifier: dkimpy (Debian's python3-dkim), given the public
 * key through its dnsfunc hook, so no DNS is asked. The key is made by
 * `openssl genrsa` in a temporary folder. Tampering with a signed header or
 * the body must break the signature; what relaxed canonicalisation forgives
 * (white space, an added unsigned header) must not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "common/config.h"
#include "common/xalloc.h"
#include "gateway/dkim.h"
#include "gateway/mime.h"

/* Debian's python, where python3-dkim is installed (a python3 first in PATH,
 * from pyenv say, would not have it). Prints what it checked, key=value. */
static const char verifier[] = "import sys, dkim\n"
			       "msg = open(sys.argv[1], 'rb').read()\n"
			       "pub = open(sys.argv[2]).read().strip()\n"
			       "def dnsfunc(name, timeout=5):\n"
			       "    name = name.decode() if isinstance(name, bytes) else name\n"
			       "    print('dns=' + name)\n"
			       "    return ('v=DKIM1; k=rsa; p=' + pub).encode() if name == sys.argv[3] else None\n"
			       "d = dkim.DKIM(msg)\n"
			       "try:\n"
			       "    ok = d.verify(dnsfunc=dnsfunc)\n"
			       "except dkim.DKIMException as e:\n"
			       "    print('error=' + str(e))\n"
			       "    ok = False\n"
			       "for k in (b'a', b'c', b'd', b's', b'h'):\n"
			       "    v = d.signature_fields.get(k, b'')\n"
			       "    print(k.decode() + '=' + b''.join(v.split()).decode())\n"
			       "print('result=' + ('pass' if ok else 'fail'))\n"
			       "sys.exit(0 if ok else 1)\n";

#define PYTHON	 "/usr/bin/python3"
#define DNS_NAME "sel2026._domainkey.example.test."

static char *dir;
static struct gw_dkim *dkim;

/* Load a configuration of these lines ("[email]" is put in front). */
static int open_with(struct gw_dkim **out, const char *lines, struct err *err)
{
	char *path = xstrfmt("%s/crmgate.conf", dir), *text = xstrfmt("[email]\n%s", lines);
	struct config *cfg = NULL;
	int rc;

	test_write_file(path, text);
	setenv("CRMGATE_CONFIG", path, 1);
	rc = config_load(&cfg, NULL, err);
	if (!rc)
		rc = gw_dkim_open(out, cfg, err);
	config_free(cfg);
	free(text);
	free(path);
	return rc;
}

static void setup(void)
{
	struct err err = ERR_INIT;
	char *lines;

	if (access(PYTHON, X_OK) || test_sh(PYTHON " -I -c 'import dkim' 2>/dev/null") ||
	    test_sh("command -v openssl >/dev/null"))
		cr_skip_test("dkimpy (python3-dkim) or openssl is not installed (make deps)");
	dir = test_tmpdir();
	cr_assert_eq(test_sh("cd %s && openssl genrsa -out key.pem 2048 2>/dev/null && "
			     "openssl rsa -in key.pem -pubout -outform DER 2>/dev/null | base64 -w0 >pub.b64",
			     dir),
		     0, "openssl could not make a key");
	lines = xstrfmt("dkim_domain = example.test\ndkim_selector = sel2026\ndkim_key = %s/key.pem\n", dir);
	assert_ok(open_with(&dkim, lines, &err), &err);
	cr_assert(dkim);
	free(lines);
	err_release(&err);
}

static void teardown(void)
{
	gw_dkim_close(dkim);
	unsetenv("CRMGATE_CONFIG");
	test_rmdir(dir);
}

TestSuite(dkim, .init = setup, .fini = teardown);

/* Run dkimpy on msg; its key=value lines go to out. 1: the signature
 * verifies; 0: it does not (error= says why). A message dkimpy cannot even
 * parse fails the test. */
static int verify(const struct buf *msg, struct buf *out)
{
	char *path = xstrfmt("%s/msg.eml", dir), *script = xstrfmt("%s/verify.py", dir);
	char *cmd = xstrfmt(PYTHON " -I %s %s %s/pub.b64 " DNS_NAME " 2>&1", script, path, dir);
	FILE *f = fopen(path, "wb"), *p;
	char chunk[4096];
	size_t n;
	int status;

	cr_assert(f && fwrite(msg->data, 1, msg->len, f) == msg->len && !fclose(f));
	test_write_file(script, verifier);
	buf_reset(out);
	p = popen(cmd, "r");
	cr_assert(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	status = pclose(p);
	cr_assert(strstr(out->data, "result="), "the verifier failed:\n%s", out->data);
	free(cmd);
	free(script);
	free(path);
	return status == 0;
}

/* The value of key in the verifier's output, malloc'd ("" when absent). */
static char *field(const struct buf *out, const char *key)
{
	char *want = xstrfmt("\n%s=", key), *at, *res;
	struct buf b = BUF_INIT;

	buf_addch(&b, '\n');
	buf_add(&b, out->data, out->len);
	at = strstr(b.data, want);
	res = at ? xstrndup(at + strlen(want), strcspn(at + strlen(want), "\n")) : xstrdup("");
	buf_release(&b);
	free(want);
	return res;
}

static void expect_field(const struct buf *out, const char *key, const char *want)
{
	char *v = field(out, key);
	cr_expect_str_eq(v, want, "%s in\n%s", key, out->data);
	free(v);
}

static void sign(struct buf *msg)
{
	struct err err = ERR_INIT;
	assert_ok(gw_dkim_sign(dkim, msg, &err), &err);
	err_release(&err);
}

/* Replace the first occurrence of from in msg by to; it must be there. */
static void replace(struct buf *msg, const char *from, const char *to)
{
	char *at = strstr(msg->data, from);
	struct buf b = BUF_INIT;

	cr_assert(at, "'%s' is not in the message", from);
	buf_add(&b, msg->data, (size_t)(at - msg->data));
	buf_adds(&b, to);
	buf_adds(&b, at + strlen(from));
	buf_release(msg);
	*msg = b;
}

/* A campaign message at its fullest: Chinese names and subject, text and
 * HTML, a line far past 998 octets, an attachment, List-Unsubscribe. */
static void build_full(struct buf *out)
{
	static unsigned char attach[30000];
	struct buf text = BUF_INIT, html = BUF_INIT;
	struct err err = ERR_INIT;
	const char *extra[] = { "X-Crmgate-Outbox: 12345", NULL };

	for (size_t i = 0; i < sizeof(attach); i++)
		attach[i] = (unsigned char)(i * 7919 % 251);
	buf_adds(&text, "尊敬的王伟：\n\n附件是您的报价单。  行尾有空格   \n");
	for (int i = 0; i < 400; i++)
		buf_adds(&text, "很长的一行 a long line ");
	buf_adds(&text, "\n\n\n");
	buf_adds(&html, "<p>尊敬的王伟：</p><p>");
	for (int i = 0; i < 300; i++)
		buf_adds(&html, "很长的一行&nbsp;");
	buf_adds(&html, "</p>");
	struct gw_mail m = {
		.from_name = "上海华东机械有限公司 市场部",
		.from_addr = "marketing@example.test",
		.to_name = "王伟",
		.to_addr = "wang.wei@example.test",
		.subject = "您的报价单 SO0001：年终特惠，限时优惠，欢迎垂询（上海华东机械有限公司）",
		.text = text.data,
		.html = html.data,
		.attach_name = "报价单 SO0001.docx",
		.attach = attach,
		.attach_len = sizeof(attach),
		.attach_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		.message_id = "crmgate.12345.abc@example.test",
		.unsubscribe_mailto = "unsubscribe@example.test?subject=12345",
		.unsubscribe_url = "https://crm.example.test/u/12345.abc",
		.extra = extra,
		.date = 1764115200,
	};
	assert_ok(gw_mime_build(out, &m, &err), &err);
	err_release(&err);
	buf_release(&text);
	buf_release(&html);
}

Test(dkim, a_full_campaign_message_verifies)
{
	struct buf msg = BUF_INIT, orig = BUF_INIT, out = BUF_INIT;
	size_t hdr_len, start = 0;

	build_full(&msg);
	buf_add(&orig, msg.data, msg.len);
	sign(&msg);

	cr_assert(!strncmp(msg.data, "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;", 53), "%.200s", msg.data);
	/* the header is prepended, the message itself untouched */
	hdr_len = msg.len - orig.len;
	cr_assert(!memcmp(msg.data + hdr_len, orig.data, orig.len), "the message changed under the signature");
	cr_assert(!memcmp(msg.data + hdr_len - 2, "\r\n", 2));
	/* folded: CRLF and at most 78 octets a line, continuation lines indented */
	for (size_t i = 0; i < hdr_len; i++) {
		cr_assert(msg.data[i] != '\n' || (i && msg.data[i - 1] == '\r'), "a bare LF at %zu", i);
		if (msg.data[i] == '\n') {
			cr_expect(i - 1 - start <= 78, "a line of %zu octets: %.*s", i - 1 - start, (int)(i - start),
				  msg.data + start);
			cr_expect(i + 1 == hdr_len || msg.data[i + 1] == '\t', "a header line not folded");
			start = i + 1;
		}
	}

	cr_assert(verify(&msg, &out), "dkimpy did not verify:\n%s\n%s", out.data, msg.data);
	expect_field(&out, "dns", DNS_NAME);
	expect_field(&out, "a", "rsa-sha256");
	expect_field(&out, "c", "relaxed/relaxed");
	expect_field(&out, "d", "example.test");
	expect_field(&out, "s", "sel2026");
	/* every one of them present, and each once more than it occurs */
	expect_field(&out, "h",
		     "From:From:To:To:Subject:Subject:Date:Date:Message-ID:Message-ID:MIME-Version:MIME-Version:"
		     "Content-Type:Content-Type:List-Unsubscribe:List-Unsubscribe:"
		     "List-Unsubscribe-Post:List-Unsubscribe-Post");
	buf_release(&msg);
	buf_release(&orig);
	buf_release(&out);
}

Test(dkim, only_the_headers_present_are_signed)
{
	struct buf msg = BUF_INIT, out = BUF_INIT;
	struct err err = ERR_INIT;
	struct gw_mail m = {
		.from_addr = "marketing@example.test",
		.to_addr = "li@example.test",
		.text = "你好\n",
		.msgid_domain = "example.test",
	};

	assert_ok(gw_mime_build(&msg, &m, &err), &err);
	sign(&msg);
	cr_assert(verify(&msg, &out), "dkimpy did not verify:\n%s\n%s", out.data, msg.data);
	expect_field(&out, "h",
		     "From:From:To:To:Date:Date:Message-ID:Message-ID:MIME-Version:MIME-Version:"
		     "Content-Type:Content-Type");
	buf_release(&msg);
	buf_release(&out);
	err_release(&err);
}

/* Canonicalisation at its edges, in messages written by hand: white space
 * runs, folded headers, trailing blank lines, no final CRLF, no body. */
Test(dkim, relaxed_canonicalisation_edges)
{
	static const char *const msgs[] = {
		"From: a@example.test\r\nSubject:  hello \t world  \r\n\t continued \r\nTO:b@example.test\r\n"
		"\r\nline  with \t spaces  \r\n \t \r\n\r\ntrailing\t\r\n\r\n\r\n",
		"from: a@example.test\r\n\r\nno final line break",
		"From: a@example.test\r\nSubject: empty body\r\n\r\n",
		"From: a@example.test\r\nSubject: only blank lines\r\n\r\n\r\n \r\n\t\r\n",
		"From: a@example.test\r\nSubject: two\r\nSubject: subjects, the last one signed first\r\n\r\nx\r\n",
	};
	struct buf msg = BUF_INIT, out = BUF_INIT;

	for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
		buf_reset(&msg);
		buf_adds(&msg, msgs[i]);
		sign(&msg);
		cr_expect(verify(&msg, &out), "message %zu: dkimpy did not verify:\n%s\n%s", i, out.data, msg.data);
	}
	buf_release(&msg);
	buf_release(&out);
}

Test(dkim, tampering_breaks_it_and_white_space_does_not)
{
	static const struct {
		const char *what, *from, *to;
		int still_good;
	} cases[] = {
		{ "a changed Subject", "\r\nSubject: ", "\r\nSubject: Re: ", 0 },
		{ "a second Subject on top", "\r\nFrom: ", "\r\nSubject: =?UTF-8?B?5Lit5aWW?=\r\nFrom: ", 0 },
		{ "a second From on top", "\r\nTo: ", "\r\nFrom: boss@example.test\r\nTo: ", 0 },
		{ "another To", "wang.wei@example.test", "wang.wei@evil.test", 0 },
		{ "another unsubscribe link", "crm.example.test/u/", "evil.test/u/", 0 },
		{ "a changed attachment", "filename*=", "filename*0=", 0 },
		{ "white space in a header", "\r\nSubject: ", "\r\nSubject:  \t ", 1 },
		{ "a header folded anew", "\r\nMIME-Version: ", "\r\nMIME-Version:\r\n\t", 1 },
		{ "an unsigned header added", "\r\nFrom: ", "\r\nReceived: from mx.example.test\r\nFrom: ", 1 },
	};
	struct buf signed_msg = BUF_INIT, msg = BUF_INIT, out = BUF_INIT;

	build_full(&signed_msg);
	sign(&signed_msg);
	cr_assert(verify(&signed_msg, &out), "%s", out.data);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		buf_reset(&msg);
		buf_add(&msg, signed_msg.data, signed_msg.len);
		replace(&msg, cases[i].from, cases[i].to);
		cr_expect_eq(verify(&msg, &out), cases[i].still_good, "%s: %s", cases[i].what, out.data);
	}

	/* the body: the first letter of the attachment's base64, and a line added at the end */
	buf_reset(&msg);
	buf_add(&msg, signed_msg.data, signed_msg.len);
	{
		char *at = strstr(msg.data, "Content-Disposition: attachment");
		cr_assert(at && (at = strstr(at, "\r\n\r\n")), "no attachment in\n%s", msg.data);
		at += 4;
		*at = *at == 'A' ? 'B' : 'A';
	}
	cr_expect(!verify(&msg, &out), "a changed body byte still verifies: %s", out.data);
	buf_reset(&msg);
	buf_add(&msg, signed_msg.data, signed_msg.len);
	buf_adds(&msg, "P.S. added\r\n");
	cr_expect(!verify(&msg, &out), "an added body line still verifies: %s", out.data);

	/* relaxed body: trailing white space and blank lines at the end are forgiven */
	buf_reset(&msg);
	buf_add(&msg, signed_msg.data, signed_msg.len);
	buf_adds(&msg, "\r\n\r\n \r\n");
	cr_expect(verify(&msg, &out), "blank lines at the end broke it: %s", out.data);
	buf_release(&signed_msg);
	buf_release(&msg);
	buf_release(&out);
}

Test(dkim, a_message_without_from_is_refused_unchanged)
{
	struct buf msg = BUF_INIT;
	struct err err = ERR_INIT;

	buf_adds(&msg, "To: b@example.test\r\nSubject: no sender\r\n\r\nbody\r\n");
	cr_assert_eq(gw_dkim_sign(dkim, &msg, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "From"), "%s", err.msg.data);
	cr_expect_str_eq(msg.data, "To: b@example.test\r\nSubject: no sender\r\n\r\nbody\r\n");
	buf_release(&msg);
	err_release(&err);
}

/* ---- configuration ---- */

Test(dkim, not_configured_is_no_signer_and_no_error)
{
	struct gw_dkim *d = (struct gw_dkim *)&d;
	struct err err = ERR_INIT;

	assert_ok(open_with(&d, "transport = file:out/mail\n", &err), &err);
	cr_expect_null(d);
	gw_dkim_close(NULL);
	err_release(&err);
}

Test(dkim, configuration_errors_name_the_key_or_file)
{
	struct {
		const char *lines, *want;
	} cases[] = {
		{ "dkim_domain = example.test\n", "[email] dkim_selector and dkim_key are not set" },
		{ "dkim_selector = s\ndkim_key = /x.pem\n", "[email] dkim_domain is not set" },
		{ "dkim_domain = example.test\ndkim_selector = s\n", "[email] dkim_key is not set" },
		{ "dkim_domain = example.test\ndkim_selector = s\ndkim_key = DIR/missing.pem\n", "/missing.pem" },
		{ "dkim_domain = example.test\ndkim_selector = s\ndkim_key = DIR/junk.pem\n", "/junk.pem" },
		{ "dkim_domain = example.test\ndkim_selector = s\ndkim_key = DIR/pub.pem\n", "/pub.pem" },
		{ "dkim_domain = example.test\ndkim_selector = s\ndkim_key = DIR/locked.pem\n", "/locked.pem" },
		{ "dkim_domain = example.test\ndkim_selector = s\ndkim_key = DIR/small.pem\n", "512 bits" },
		{ "dkim_domain = example.test\ndkim_selector = s\ndkim_key = DIR/ec.pem\n", "not an RSA key" },
		{ "dkim_domain = example.test; h=x\ndkim_selector = s\ndkim_key = DIR/key.pem\n",
		  "[email] dkim_domain" },
		{ "dkim_domain = example.test\ndkim_selector = a b\ndkim_key = DIR/key.pem\n",
		  "[email] dkim_selector" },
	};

	cr_assert_eq(
		test_sh("cd %s && printf 'not a key\\n' >junk.pem && openssl rsa -in key.pem -pubout -out pub.pem "
			"2>/dev/null && openssl genrsa -aes128 -passout pass:secret -out locked.pem 2048 2>/dev/null "
			"&& openssl genrsa -out small.pem 512 2>/dev/null && "
			"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem 2>/dev/null",
			dir),
		0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gw_dkim *d = NULL;
		struct err err = ERR_INIT;
		struct buf lines = BUF_INIT;
		const char *at = strstr(cases[i].lines, "DIR");

		buf_add(&lines, cases[i].lines, at ? (size_t)(at - cases[i].lines) : strlen(cases[i].lines));
		if (at) {
			buf_adds(&lines, dir);
			buf_adds(&lines, at + 3);
		}
		cr_expect_eq(open_with(&d, lines.data, &err), ERR_INPUT, "%s", lines.data);
		cr_expect_null(d);
		cr_expect(strstr(err.msg.data, cases[i].want), "'%s' does not say '%s'", err.msg.data, cases[i].want);
		gw_dkim_close(d);
		buf_release(&lines);
		err_release(&err);
	}
}
