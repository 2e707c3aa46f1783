/* tests/gateway/test_mime_read.c - received e-mails read back as text
 * (gateway/mime_read.c), without servers: each transfer encoding, each
 * charset family, the parts a reply's text is taken from, HTML turned into
 * text, encoded words in header fields; and what cannot be decoded refused
 * with the reason, not guessed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/mime_read.h"

struct read_case {
	const char *name;
	const char *msg;  /* LF line ends: CRLF is a case of its own */
	const char *body; /* NULL: refused */
	const char *why;  /* a part of the reason it is refused */
	int html;
};

#define HEAD "From: a@example.org\nTo: b@example.test\nSubject: Re: survey\nMessage-ID: <r1@example.org>\n"
#define MP_ALT(a, b)                                                                                                   \
	HEAD "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"xx\"\n\n--xx\n" a "\n--xx\n" b        \
	     "\n--xx--\n"

static const struct read_case cases[] = {
	{ "plain, no MIME", HEAD "\n1: B\n3: 4\n", "1: B\n3: 4\n", NULL, 0 },
	{ "8-bit UTF-8",
	  HEAD "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n１：Ｂ\n5: 很好\n",
	  "１：Ｂ\n5: 很好\n", NULL, 0 },
	{ "8-bit UTF-8 without a charset", HEAD "\n5: 很好\n", "5: 很好\n", NULL, 0 },
	{ "quoted-printable UTF-8",
	  HEAD "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	       "1: B\n5: =E5=BE=88=E5=A5=BD, a long line that goes on and on and on and on and o=\nn\n",
	  "1: B\n5: 很好, a long line that goes on and on and on and on and on\n", NULL, 0 },
	{ "base64 GBK",
	  HEAD "Content-Type: text/plain; charset=GBK\nContent-Transfer-Encoding: base64\n\n"
	       "MaO6Qgozo7o0CjWjurf+zvG63LrDCg==\n",
	  "1：B\n3：4\n5：服务很好\n", NULL, 0 },
	{ "GB2312 label, GBK bytes",
	  HEAD "Content-Type: text/plain; charset=\"gb2312\"\nContent-Transfer-Encoding: 8bit\n\n"
	       "5: \xb7\xfe\xce\xf1\xba\xdc\xba\xc3\n",
	  "5: 服务很好\n", NULL, 0 },
	{ "GB18030 four-byte characters",
	  HEAD "Content-Type: text/plain; charset=GB18030\nContent-Transfer-Encoding: base64\n\nNToglTKCNrrDouMK\n",
	  "5: \xf0\xa0\x80\x80好€\n", NULL, 0 },
	{ "Big5",
	  HEAD
	  "Content-Type: text/plain; charset=big5\nContent-Transfer-Encoding: base64\n\nMTogQgo1OiCqQbDIq9ymbgo=\n",
	  "1: B\n5: 服務很好\n", NULL, 0 },
	{ "ISO-8859-1 quoted-printable",
	  HEAD "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
	       "5: caf=E9 cr=E8me\n",
	  "5: café crème\n", NULL, 0 },
	{ "ISO-8859-15", HEAD "Content-Type: text/plain; charset=ISO-8859-15\n\n5: 10 \xa4\n", "5: 10 €\n", NULL, 0 },
	{ "alternative: the text part",
	  MP_ALT("Content-Type: text/plain; charset=utf-8\n\n1: A\n", "Content-Type: text/html\n\n<p>1: C</p>"),
	  "1: A\n", NULL, 0 },
	{ "alternative, HTML first: still the text part",
	  MP_ALT("Content-Type: text/html\n\n<p>1: C</p>", "Content-Type: text/plain; charset=utf-8\n\n1: A\n"),
	  "1: A\n", NULL, 0 },
	{ "HTML only: tags stripped, entities decoded, quote kept as quote",
	  HEAD "Content-Type: text/html; charset=utf-8\n\n<html><head><title>t</title><style>p{}</style></head>"
	       "<body><div>1: B</div><div>2:&nbsp;A,&#x43;</div><p>5: R&amp;D &lt;ok&gt;<br>second   line</p>"
	       "<script>alert(1)</script><div>On Mon wrote:</div><blockquote><p>1. question</p>"
	       "<p>A. yes</p></blockquote></body></html>",
	  "1: B\n2:\xc2\xa0"
	  "A,C\n5: R&D <ok>\nsecond line\nOn Mon wrote:\n> 1. question\n> A. yes\n",
	  NULL, 1 },
	{ "HTML in GBK, a meta that says otherwise",
	  HEAD "Content-Type: text/html; charset=gbk\nContent-Transfer-Encoding: 8bit\n\n"
	       "<html><head><meta charset=\"iso-8859-1\"></head><body>5: \xb7\xfe\xce\xf1</body></html>",
	  "5: 服务\n", NULL, 1 },
	{ "mixed: the text before the attachment",
	  HEAD "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\n1: B\n"
	       "--m\nContent-Type: text/plain; name=a.txt\nContent-Disposition: attachment; filename=a.txt\n\n"
	       "1: C\n--m--\n",
	  "1: B", NULL, 0 }, /* the line break before a boundary is the boundary's */
	{ "mixed, alternative inside",
	  HEAD "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: multipart/alternative; boundary=a\n\n"
	       "--a\nContent-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: base64\n\n"
	       "MaO6Qgozo7o0CjWjurf+zvG63LrDCg==\n--a\nContent-Type: text/html\n\n<b>x</b>\n--a--\n"
	       "--m\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0K\n--m--\n",
	  "1：B\n3：4\n5：服务很好\n", NULL, 0 },
	{ "forwarded as an attachment, no text of its own",
	  HEAD "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: message/rfc822\n\n"
	       "From: x@example.org\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n1: A\n--m--\n",
	  "1: A", NULL, 0 },
	{ "CRLF line ends",
	  "From: a@example.org\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	  "1: B\r\n5: one\r\ntwo\r\n",
	  "1: B\n5: one\ntwo\n", NULL, 0 },
	{ "windows-1255: the last letter, which the converter holds back",
	  HEAD "Content-Type: text/plain; charset=windows-1255\n\n5: \xf9\xec\xe5\xed", "5: שלום", NULL, 0 },
	{ "windows-1258: the last letter", HEAD "Content-Type: text/plain; charset=windows-1258\n\n5: Vi\xd2t",
	  "5: Vỉt", NULL, 0 },
	{ "HTML table: a tab between cells, a line per row",
	  HEAD "Content-Type: text/html; charset=utf-8\n\n<table><tr><td>1: B</td><td>2: A</td></tr>"
	       "<tr><th>3</th><th>4</th></tr><tr><td><p>5: x</p></td><td>y</td></tr></table>",
	  "1: B\t2: A\n3\t4\n5: x\ny\n", NULL, 1 },
	{ "unknown charset", HEAD "Content-Type: text/plain; charset=x-klingon\n\n1: B\n", NULL, "x-klingon", 0 },
	{ "a charset that is no name", HEAD "Content-Type: text/plain; charset=\"GBK//IGNORE\"\n\n5: \xb7\xfe\xff\n",
	  NULL, "no charset name", 0 },
	{ "bytes that are not GBK", HEAD "Content-Type: text/plain; charset=gbk\n\n5: \xb7\xfe\xff\xff\n", NULL,
	  "not valid gbk", 0 },
	{ "bytes that are not UTF-8", HEAD "Content-Type: text/plain; charset=utf-8\n\n5: \xb7\xfe\xce\xf1\n", NULL,
	  "not valid UTF-8", 0 },
	{ "attachments only",
	  HEAD "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: application/pdf\n"
	       "Content-Disposition: attachment; filename=a.pdf\n\nJVBERi0=\n--m--\n",
	  NULL, "no text part", 0 },
};

ParameterizedTestParameters(mime_read, cases)
{
	TEST_CASE_INDICES(cases);
}

ParameterizedTest(size_t *i, mime_read, cases)
{
	const struct read_case *c = &cases[*i];
	struct gw_mime_text m;
	struct err err = ERR_INIT;
	int rc = gw_mime_read(&m, c->msg, strlen(c->msg), &err);

	if (c->body) {
		cr_assert_eq(rc, 0, "%s: %s", c->name, err.msg.data);
		cr_expect_str_eq(m.body, c->body, "%s: got [%s]", c->name, m.body);
		cr_expect_eq(m.body_len, strlen(c->body), "%s", c->name);
		cr_expect_eq(m.from_html, c->html, "%s", c->name);
	} else {
		cr_assert_eq(rc, ERR_INPUT, "%s: read as '%s'", c->name, m.body ? m.body : "");
		cr_expect(strstr(err.msg.data, c->why), "%s: '%s' does not say '%s'", c->name, err.msg.data, c->why);
		cr_expect_null(m.body);
	}
	/* the fields are there either way: a refused reply is kept with them */
	cr_expect_str_eq(gw_mime_text_field(&m, "from"), "a@example.org", "%s", c->name);
	gw_mime_text_release(&m);
	err_release(&err);
}

Test(mime_read, fields_decoded_and_unfolded)
{
	static const char msg[] = "From: =?UTF-8?B?5byg5LiJ?= <zhang+abc_DEF-1@example.test>\n"
				  "Subject: =?GBK?B?u9i4tKO6v827p8L60uK2yLX3suk=?=\n"
				  "To: \"Survey\" <survey+tok@example.test>,\n\tother@example.org\n"
				  "In-Reply-To: <crmgate.42.0011223344556677@example.test>\n"
				  "X-Plain: caf\xc3\xa9 =?iso-8859-1?q?cr=E8me?= and more\n"
				  "X-Bad: \xff\xfe\n"
				  "\nbody\n";
	struct gw_mime_text m;
	struct err err = ERR_INIT;

	assert_ok(gw_mime_read(&m, msg, strlen(msg), &err), &err);
	cr_expect_str_eq(gw_mime_text_field(&m, "FROM"), "张三 <zhang+abc_DEF-1@example.test>");
	cr_expect_str_eq(gw_mime_text_field(&m, "subject"), "回复：客户满意度调查");
	cr_expect_str_eq(gw_mime_text_field(&m, "to"), "\"Survey\" <survey+tok@example.test>, other@example.org");
	cr_expect_str_eq(gw_mime_text_field(&m, "in-reply-to"), "<crmgate.42.0011223344556677@example.test>");
	cr_expect(strstr(gw_mime_text_field(&m, "x-plain"), "crème"), "%s", gw_mime_text_field(&m, "x-plain"));
	cr_expect_str_eq(gw_mime_text_field(&m, "x-bad"), "\xef\xbf\xbd\xef\xbf\xbd");
	cr_expect_null(gw_mime_text_field(&m, "cc"));
	cr_expect_eq(m.nfields, 6);
	gw_mime_text_release(&m);
	err_release(&err);
}

Test(mime_read, raw_bytes_as_text)
{
	struct buf b = BUF_INIT;

	gw_mime_add_raw(&b, "a\0b\xff\xe5\xbe\x88", 7);
	cr_expect_str_eq(b.data, "ab\xef\xbf\xbd很");
	buf_release(&b);
}

/* A message nested n times in the way of step (each step ends in a blank
 * line, whatever it starts with), then its text. */
static char *nested(const char *head, const char *step, size_t n, const char *text)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, head);
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, step);
	buf_adds(&b, text);
	return buf_detach(&b, NULL);
}

/* libetpan recurses once per nested part with no limit: a small message of
 * 40,000 nested messages (or multiparts) must be refused before it reads
 * it, whatever the case or the folding of its fields; a forwarded message
 * within a forwarded one is read as before. */
Test(mime_read, nested_too_deep_refused)
{
	static const struct {
		const char *name, *step;
		size_t n;
		int ok;
	} deep[] = {
		{ "message/rfc822", "Content-Type: message/rfc822\r\n\r\n", 40000, 0 },
		{ "folded, any case, a comment", "content-TYPE :\r\n\t(fwd) Message/RFC822\r\n\r\n", 40000, 0 },
		{ "multipart", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n", 40000, 0 },
		{ "just over the limit", "Content-Type: message/rfc822\r\n\r\n", 64, 0 },
		{ "within the limit", "Content-Type: message/rfc822\r\n\r\n", 8, 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(deep); i++) {
		char *msg = nested("From: a@example.org\r\nSubject: s\r\nContent-Type: message/rfc822\r\n\r\n",
				   deep[i].step, deep[i].n, "hello\r\n");
		struct gw_mime_text m;
		struct err err = ERR_INIT;
		int rc = gw_mime_read(&m, msg, strlen(msg), &err);

		if (deep[i].ok) {
			cr_expect_eq(rc, 0, "%s: %s", deep[i].name, err.msg.data);
			cr_expect_str_eq(m.body ? m.body : "(none)", "hello\n", "%s", deep[i].name);
		} else {
			cr_expect_eq(rc, ERR_INPUT, "%s", deep[i].name);
			cr_expect(strstr(err.msg.data, "nested too deep"), "%s: %s", deep[i].name, err.msg.data);
			cr_expect_null(m.body, "%s", deep[i].name);
		}
		cr_expect_str_eq(gw_mime_text_field(&m, "from"), "a@example.org", "%s", deep[i].name);
		gw_mime_text_release(&m);
		err_release(&err);
		free(msg);
	}
}
