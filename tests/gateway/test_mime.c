/* tests/gateway/test_mime.c - the bytes of a built message, read back by an
 * independent parser: Python's email package with policy=strict, which
 * raises on a malformed message, and whose header defects are reported. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "gateway/mime.h"

/* Prints what it parsed, a "key=value" line each, values JSON-escaped. */
static const char parser[] =
	"import sys, json, email, email.policy\n"
	"from datetime import timezone\n"
	"m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.strict)\n"
	"def out(k, v):\n"
	"    print(k + '=' + (json.dumps(v, ensure_ascii=False)[1:-1] if isinstance(v, str) else str(v)))\n"
	"defects = []\n"
	"for p in m.walk():\n"
	"    defects += p.defects\n"
	"    for k, h in p.items():\n"
	"        defects += h.defects\n"
	"        if p is not m:\n"
	"            continue\n"
	"        out('header', k.lower())\n"
	"        if k.lower() in ('from', 'to', 'reply-to'):\n"
	"            for a in h.addresses:\n"
	"                out(k.lower() + '.name', a.display_name)\n"
	"                out(k.lower() + '.addr', a.addr_spec)\n"
	"        else:\n"
	"            out(k.lower(), str(h).lstrip())  # libetpan may fold before the first word\n"
	"        if k.lower() == 'date':\n"
	"            out('date.utc', h.datetime.astimezone(timezone.utc).strftime('%Y-%m-%d %H:%M:%S'))\n"
	"    out('part', p.get_content_type())\n"
	"    if p.is_multipart():\n"
	"        continue\n"
	"    out('charset', p.get_content_charset() or '')\n"
	"    out('cte', p.get('content-transfer-encoding', ''))\n"
	"    c = p.get_content()\n"
	"    if isinstance(c, str):\n"
	"        out('content', c)\n"
	"    else:\n"
	"        out('filename', p.get_filename() or '')\n"
	"        out('bytes', c.hex())\n"
	"for d in defects:\n"
	"    out('defect', repr(d))\n";

struct parsed {
	struct buf raw;	   /* the message */
	struct buf out;	   /* the parser's output, split into lines in place */
	const char **line; /* "key=value" */
	size_t nr, alloc;
};

/* Every line ends in CRLF, holds at most 998 octets, and is 7-bit. */
static void check_lines(const struct buf *raw)
{
	size_t start = 0;
	cr_assert(raw->len > 2 && !memcmp(raw->data + raw->len - 2, "\r\n", 2), "the message ends without CRLF");
	for (size_t i = 0; i < raw->len; i++) {
		unsigned char c = (unsigned char)raw->data[i];
		cr_assert(c && c < 0x80, "byte %zu is 0x%02X:\n%s", i, c, raw->data);
		if (c == '\r')
			cr_assert(i + 1 < raw->len && raw->data[i + 1] == '\n', "a CR without LF at byte %zu", i);
		if (c == '\n') {
			cr_assert(i > 0 && raw->data[i - 1] == '\r', "an LF without CR at byte %zu:\n%s", i, raw->data);
			cr_assert(i - 1 - start <= 998, "a line of %zu octets at byte %zu", i - 1 - start, start);
			start = i + 1;
		}
	}
}

/* Run the parser on raw; its output goes to p->out. */
static void run_parser(struct parsed *p)
{
	char path[] = "/tmp/crmgate-test-mime-XXXXXX";
	int fd = mkstemp(path), pipefd[2], status;
	char chunk[4096];
	ssize_t n;
	pid_t pid;

	cr_assert(fd >= 0 && pipe(pipefd) == 0);
	cr_assert(write(fd, p->raw.data, p->raw.len) == (ssize_t)p->raw.len);
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	pid = fork();
	cr_assert(pid >= 0);
	if (!pid) {
		dup2(fd, 0);
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execlp("python3", "python3", "-I", "-c", parser, (char *)NULL);
		_exit(127);
	}
	close(fd);
	close(pipefd[1]);
	while ((n = read(pipefd[0], chunk, sizeof(chunk))) > 0)
		buf_add(&p->out, chunk, (size_t)n);
	close(pipefd[0]);
	cr_assert(waitpid(pid, &status, 0) == pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "python's strict parser rejected:\n%s", p->raw.data);
}

/* Build m, check its lines, parse it; no defect may be found. */
static void parse(struct parsed *p, const struct gw_mail *m)
{
	struct err err = ERR_INIT;

	memset(p, 0, sizeof(*p));
	buf_init(&p->raw);
	buf_init(&p->out);
	assert_ok(gw_mime_build(&p->raw, m, &err), &err);
	err_release(&err);
	check_lines(&p->raw);
	run_parser(p);
	for (char *s = p->out.data, *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		*nl = '\0';
		ALLOC_GROW(p->line, p->nr + 1, p->alloc);
		p->line[p->nr++] = s;
		cr_assert(strncmp(s, "defect=", 7), "%s in\n%s", s, p->raw.data);
	}
}

static void parsed_release(struct parsed *p)
{
	buf_release(&p->raw);
	buf_release(&p->out);
	free(p->line);
}

/* The value of the nth line with this key, or NULL. */
static const char *get_nth(const struct parsed *p, const char *key, int nth)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < p->nr; i++)
		if (!strncmp(p->line[i], key, klen) && p->line[i][klen] == '=' && !nth--)
			return p->line[i] + klen + 1;
	return NULL;
}

static const char *get(const struct parsed *p, const char *key)
{
	const char *v = get_nth(p, key, 0);
	cr_assert(v, "no %s in:\n%s", key, p->out.data);
	return v;
}

static int count(const struct parsed *p, const char *key)
{
	int n = 0;
	while (get_nth(p, key, n))
		n++;
	return n;
}

/* The part types, in order, joined by spaces. */
static char *parts(const struct parsed *p)
{
	struct buf b = BUF_INIT;
	for (int i = 0; get_nth(p, "part", i); i++)
		buf_addf(&b, "%s%s", i ? " " : "", get_nth(p, "part", i));
	return buf_detach(&b, NULL);
}

static struct gw_mail quote_mail(void)
{
	struct gw_mail m = {
		.from_name = "上海华东机械有限公司 销售部",
		.from_addr = "sales@huadong.test",
		.to_name = "王伟",
		.to_addr = "wang.wei@example.test",
		.subject = "您的报价单 SO0001",
		.text = "尊敬的王伟：\n附件是您的报价单。\n",
		.msgid_domain = "crmgate.test",
		.date = 1764115200, /* 2025-11-26 00:00:00 UTC */
	};
	return m;
}

static void fails(const struct gw_mail *m, const char *want)
{
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;
	buf_adds(&out, "kept");
	cr_assert_eq(gw_mime_build(&out, m, &err), ERR_INPUT, "expected an error naming %s", want);
	cr_expect(strstr(err.msg.data, want), "'%s' does not name %s", err.msg.data, want);
	cr_expect(!strchr(err.msg.data, '\r') && !strchr(err.msg.data, '\n'), "a raw line break in '%s'", err.msg.data);
	cr_expect_str_eq(out.data, "kept");
	buf_release(&out);
	err_release(&err);
}

Test(mime, chinese_names_and_subject_decode_to_the_inputs)
{
	struct gw_mail m = quote_mail();
	struct parsed p;
	const char *id;

	parse(&p, &m);
	cr_expect_str_eq(get(&p, "from.name"), "上海华东机械有限公司 销售部");
	cr_expect_str_eq(get(&p, "from.addr"), "sales@huadong.test");
	cr_expect_str_eq(get(&p, "to.name"), "王伟");
	cr_expect_str_eq(get(&p, "to.addr"), "wang.wei@example.test");
	cr_expect_str_eq(get(&p, "subject"), "您的报价单 SO0001");
	cr_expect_str_eq(get(&p, "mime-version"), "1.0");
	cr_expect_str_eq(get(&p, "date.utc"), "2025-11-26 00:00:00");
	id = get(&p, "message-id");
	cr_expect(strlen(id) == 1 + 32 + strlen("@crmgate.test>") && id[0] == '<' && strstr(id, "@crmgate.test>"),
		  "Message-ID %s", id);
	/* Date, From, To, Message-ID, Subject, MIME-Version, Content-Type, Content-Transfer-Encoding */
	cr_expect_eq(count(&p, "header"), 8, "%s", p.out.data);
	cr_expect_str_eq(get(&p, "part"), "text/plain");
	cr_expect_str_eq(get(&p, "charset"), "utf-8");
	cr_expect_str_eq(get(&p, "cte"), "base64");
	cr_expect_str_eq(get(&p, "content"), "尊敬的王伟：\\r\\n附件是您的报价单。\\r\\n");
	/* nothing of the names went out raw */
	cr_expect(!strstr(p.raw.data, "\"=?"), "an encoded word in quotes:\n%s", p.raw.data);
	parsed_release(&p);
}

Test(mime, a_long_name_is_several_encoded_words)
{
	struct gw_mail m = quote_mail();
	struct parsed p;
	struct buf name = BUF_INIT;

	/* 30 characters: two words, that RFC 2047 readers join without a space */
	m.to_name = "上海华东机械有限公司数控机床与刀具套装销售部华东大区客户服务中心";
	parse(&p, &m);
	/* Python before gh-128110 keeps the space between the words of a name */
	for (const char *s = get(&p, "to.name"); *s; s++)
		if (*s != ' ')
			buf_addch(&name, *s);
	cr_expect_str_eq(name.data, m.to_name);
	cr_expect(strstr(p.raw.data, "?=\r\n =?UTF-8?B?"), "%s", p.raw.data);
	buf_release(&name);
	parsed_release(&p);
}

Test(mime, ascii_names_are_quoted_when_they_need_it)
{
	struct gw_mail m = quote_mail();
	struct parsed p;

	m.from_name = "Huadong Machinery, Sales";
	m.to_name = "Wang \"Wei\" \\ Jr.";
	m.subject = "Your quote SO0001 =? is ready";
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "from.name"), "Huadong Machinery, Sales");
	cr_expect_str_eq(get(&p, "to.name"), "Wang \\\"Wei\\\" \\\\ Jr.");
	cr_expect_str_eq(get(&p, "subject"), "Your quote SO0001 =? is ready");
	cr_expect(strstr(p.raw.data, "From: \"Huadong Machinery, Sales\" <sales@huadong.test>\r\n"), "%s", p.raw.data);
	parsed_release(&p);
}

struct structure_case {
	int text, html, attach;
	const char *parts;
};

Test(mime, structures)
{
	static const struct structure_case cases[] = {
		{ 1, 0, 0, "text/plain" },
		{ 0, 1, 0, "text/html" },
		{ 1, 1, 0, "multipart/alternative text/plain text/html" },
		{ 1, 0, 1, "multipart/mixed text/plain application/pdf" },
		{ 0, 1, 1, "multipart/mixed text/html application/pdf" },
		{ 1, 1, 1, "multipart/mixed multipart/alternative text/plain text/html application/pdf" },
		{ 0, 0, 1, "application/pdf" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gw_mail m = quote_mail();
		struct parsed p;
		char *got;

		m.text = cases[i].text ? "尊敬的王伟：\n您好。" : NULL;
		m.html = cases[i].html ? "<p>尊敬的王伟：</p>\n<p>您好。</p>" : NULL;
		if (cases[i].attach) {
			m.attach_name = "报价单-SO0001.pdf";
			m.attach = "%PDF-1.4\n";
			m.attach_len = 9;
			m.attach_type = "application/pdf";
		}
		parse(&p, &m);
		got = parts(&p);
		cr_expect_str_eq(got, cases[i].parts);
		if (cases[i].text)
			cr_expect_str_eq(get(&p, "content"), "尊敬的王伟：\\r\\n您好。");
		if (cases[i].html)
			cr_expect_str_eq(get_nth(&p, "content", cases[i].text),
					 "<p>尊敬的王伟：</p>\\r\\n<p>您好。</p>");
		free(got);
		parsed_release(&p);
	}
}

Test(mime, a_message_needs_a_body)
{
	struct gw_mail m = quote_mail();
	m.text = NULL;
	fails(&m, "no text");
}

static void hex(struct buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_addf(out, "%02x", p[i]);
}

Test(mime, the_attachment_decodes_to_its_bytes_and_name)
{
	static const char *const names[] = {
		"报价单-SO0001.docx",
		/* long: RFC 2231 sections, each of whole characters (2, 3 and 4 bytes) */
		"上海华东机械有限公司-数控机床与刀具套装-年度框架协议报价单-é-😀-SO0001-第二版.docx",
		"quote \"SO0001\" (final).docx",
		"quote-SO0001.docx",
	};
	unsigned char data[20000];
	struct buf want = BUF_INIT;

	srand(4);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i < 256 ? i : (size_t)rand());
	hex(&want, data, sizeof(data));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct gw_mail m = quote_mail();
		struct parsed p;

		m.attach_name = names[i];
		m.attach = data;
		m.attach_len = sizeof(data);
		m.attach_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
		parse(&p, &m);
		cr_expect_str_eq(get_nth(&p, "part", 2), m.attach_type);
		if (strchr(names[i], '"'))
			cr_expect_str_eq(get(&p, "filename"), "quote \\\"SO0001\\\" (final).docx");
		else
			cr_expect_str_eq(get(&p, "filename"), names[i]);
		cr_expect_str_eq(get(&p, "cte"), "base64");
		cr_expect(!strcmp(get(&p, "bytes"), want.data), "the attachment's bytes differ");
		parsed_release(&p);
	}
	buf_release(&want);
}

Test(mime, an_attachment_name_is_not_a_path)
{
	struct gw_mail m = quote_mail();
	struct parsed p;

	m.attach_name = "../../etc/passwd\r\n";
	m.attach = "x";
	m.attach_len = 1;
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "filename"), ".._.._etc_passwd");
	cr_expect_str_eq(get_nth(&p, "part", 2), "application/octet-stream");
	parsed_release(&p);
	m.attach_type = "application/pdf\r\nBcc: x@evil.test";
	fails(&m, "attachment type");
}

Test(mime, header_injection_in_names_and_subjects_adds_no_header)
{
	static const char *const cases[][2] = {
		{ "王伟\r\nBcc: x@evil.test", "王伟 Bcc: x@evil.test" },
		{ "Wang\r\nBcc: x@evil.test", "Wang Bcc: x@evil.test" },
		{ "Wang\nBcc: x@evil.test", "Wang Bcc: x@evil.test" },
		{ "Wang\rBcc: x@evil.test", "Wang Bcc: x@evil.test" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gw_mail m = quote_mail();
		const char *extra[] = { NULL, NULL };
		struct parsed p;

		extra[0] = xstrfmt("X-Crmgate-Outbox: %s", cases[i][0]);
		m.from_name = m.to_name = m.subject = cases[i][0];
		m.extra = extra;
		parse(&p, &m);
		for (int h = 0; get_nth(&p, "header", h); h++)
			cr_expect_str_neq(get_nth(&p, "header", h), "bcc", "a Bcc header:\n%s", p.raw.data);
		cr_expect_eq(count(&p, "to.addr"), 1);
		cr_expect_str_eq(get(&p, "to.addr"), "wang.wei@example.test");
		cr_expect_str_eq(get(&p, "to.name"), cases[i][1]);
		cr_expect_str_eq(get(&p, "from.name"), cases[i][1]);
		cr_expect_str_eq(get(&p, "subject"), cases[i][1]);
		cr_expect_eq(count(&p, "x-crmgate-outbox"), 1);
		cr_expect_str_eq(get(&p, "x-crmgate-outbox"), cases[i][1]);
		free((char *)extra[0]);
		parsed_release(&p);
	}
}

Test(mime, control_characters_leave_names_and_subjects)
{
	struct gw_mail m = quote_mail();
	struct parsed p;

	m.to_name = "王\t伟\x01\x7f\xc2\x85";
	m.subject = "  报价\x1b[31m 单  ";
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "to.name"), "王 伟");
	cr_expect_str_eq(get(&p, "subject"), "报价[31m 单");
	parsed_release(&p);
	m.subject = "报价\xff";
	fails(&m, "subject");
	m.subject = NULL;
	m.to_name = "\xe7\x8e";
	fails(&m, "to name");
}

Test(mime, bad_addresses_are_refused_naming_the_field)
{
	static const char *const addrs[] = {
		"a@b.test\r\nBcc: x@evil.test",
		"a@b.test\nBcc: x@evil.test",
		"a b@c.test",
		"<a@b.test>",
		"a@b.test, c@d.test",
		"ab.test",
		"a@b@c.test",
		"王@b.test",
		"a@",
		"@b.test",
		"a..b@c.test",
		"a@b_c.test",
		"",
		"a@b.test>",
		"\"a\"@b.test",
		"a@b.test;c@d.test",
		"a@b.test\t",
	};
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		struct gw_mail m = quote_mail();
		m.to_addr = addrs[i];
		fails(&m, "to address");
		m = quote_mail();
		m.from_addr = addrs[i];
		fails(&m, "from address");
		m = quote_mail();
		m.reply_to = addrs[i];
		fails(&m, "reply-to address");
	}
}

Test(mime, a_long_chinese_subject_folds_and_decodes_back)
{
	struct gw_mail m = quote_mail();
	struct buf subject = BUF_INIT;
	struct parsed p;
	const char *s, *end;
	int lines = 0;

	/* 200 characters of 1 to 4 bytes, so that words end at every offset */
	for (int i = 0; i < 200; i++)
		buf_adds(&subject, i % 7 == 3 ? "a" : i % 11 == 5 ? "é" : i % 13 == 6 ? "😀" : "价");
	m.subject = subject.data;
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "subject"), subject.data);
	/* the header: folded lines, encoded words of at most 75 characters */
	s = strstr(p.raw.data, "\r\nSubject: ") + 2;
	end = strstr(s, "\r\nMIME-Version");
	cr_assert(end);
	for (const char *line = s; line < end; lines++) {
		const char *eol = strstr(line, "\r\n");
		cr_expect(eol - line <= 78, "a line of %d columns", (int)(eol - line));
		for (const char *w = strstr(line, "=?"); w && w < eol; w = strstr(w + 2, "=?")) {
			const char *close = strstr(w + 10, "?=");
			cr_expect(close && close + 2 - w <= 75, "an encoded word of %d characters",
				  (int)(close + 2 - w));
			w = close;
		}
		line = eol + 2;
	}
	cr_expect_gt(lines, 10);
	parsed_release(&p);
	buf_release(&subject);
}

Test(mime, quoted_printable_bodies_decode_exactly)
{
	struct gw_mail m = quote_mail();
	struct buf text = BUF_INIT, want = BUF_INIT;
	struct parsed p;

	buf_adds(&text, "Dear Wang Wei, \nFrom our side:\t\n.\nprice=100_000 \xe5\x85\x83\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&text, "0123456789");
	buf_adds(&text, "\r\nlast line ends with a space ");
	m.text = text.data;
	m.html = "<p style=\"color: red\">Hello</p>  ";
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "cte"), "quoted-printable");
	cr_expect_str_eq(get_nth(&p, "cte", 1), "quoted-printable");
	buf_adds(&want, "Dear Wang Wei, \\r\\nFrom our side:\\t\\r\\n.\\r\\nprice=100_000 元\\r\\n");
	for (int i = 0; i < 300; i++)
		buf_adds(&want, "0123456789");
	buf_adds(&want, "\\r\\nlast line ends with a space ");
	cr_expect_str_eq(get(&p, "content"), want.data);
	cr_expect_str_eq(get_nth(&p, "content", 1), "<p style=\\\"color: red\\\">Hello</p>  ");
	cr_expect(!strstr(p.raw.data, "\r\nFrom "), "a line starts with 'From '");
	parsed_release(&p);
	buf_release(&text);
	buf_release(&want);
}

Test(mime, bodies_must_be_utf8)
{
	struct gw_mail m = quote_mail();
	m.html = "<p>\xb1\xa8\xbc\xdb</p>"; /* GBK */
	fails(&m, "HTML body");
}

Test(mime, list_unsubscribe_and_one_click)
{
	struct gw_mail m = quote_mail();
	struct parsed p;

	m.unsubscribe_mailto = "unsubscribe+7@crmgate.test?subject=unsubscribe";
	m.unsubscribe_url = "https://crm.example.test/u/AbC-123_x.y~z";
	parse(&p, &m);
	cr_expect_str_eq(
		get(&p, "list-unsubscribe"),
		"<mailto:unsubscribe+7@crmgate.test?subject=unsubscribe>, <https://crm.example.test/u/AbC-123_x.y~z>");
	cr_expect_str_eq(get(&p, "list-unsubscribe-post"), "List-Unsubscribe=One-Click");
	parsed_release(&p);

	m.unsubscribe_url = NULL;
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "list-unsubscribe"), "<mailto:unsubscribe+7@crmgate.test?subject=unsubscribe>");
	cr_expect_eq(count(&p, "list-unsubscribe-post"), 0);
	parsed_release(&p);

	m.unsubscribe_url = "http://crm.example.test/u/x";
	fails(&m, "unsubscribe URL");
	m.unsubscribe_url = "https://crm.example.test/u/x\r\nBcc: x@evil.test";
	fails(&m, "unsubscribe URL");
	m.unsubscribe_url = "https://crm.example.test/u/x>, <https://evil.test";
	fails(&m, "unsubscribe URL");
	m.unsubscribe_url = NULL;
	m.unsubscribe_mailto = "a@b.test>\r\nBcc: x@evil.test";
	fails(&m, "unsubscribe address");
}

Test(mime, reply_to_message_id_and_extra_headers)
{
	struct gw_mail m = quote_mail();
	const char *extra[] = { "X-Crmgate-Outbox: 123", "X-Crmgate-Campaign:春节促销", NULL };
	struct parsed p;

	m.reply_to = "wang.wei.sales@huadong.test";
	m.message_id = "outbox-123.1764115200@crmgate.test";
	m.extra = extra;
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "reply-to.addr"), "wang.wei.sales@huadong.test");
	cr_expect_str_eq(get(&p, "message-id"), "<outbox-123.1764115200@crmgate.test>");
	cr_expect_str_eq(get(&p, "x-crmgate-outbox"), "123");
	cr_expect_str_eq(get(&p, "x-crmgate-campaign"), "春节促销");
	parsed_release(&p);

	m.message_id = "<outbox-123@crmgate.test>";
	fails(&m, "Message-ID");
	m.message_id = "outbox-123@crmgate.test\r\nBcc: x@evil.test";
	fails(&m, "Message-ID");
	m.message_id = NULL;
	m.msgid_domain = NULL;
	fails(&m, "Message-ID domain");
	m = quote_mail();
	extra[0] = "Bcc: x@evil.test";
	m.extra = extra;
	fails(&m, "extra header");
	extra[0] = "Content-Type: text/html";
	fails(&m, "extra header");
	extra[0] = "X-No-Colon";
	fails(&m, "extra header");
	extra[0] = "X-Bad Name: 1";
	fails(&m, "extra header");
}

Test(mime, the_date_carries_the_real_zone_offset)
{
	struct gw_mail m = quote_mail();
	struct parsed p;

	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	parse(&p, &m);
	cr_expect_str_eq(get(&p, "date"), "Wed, 26 Nov 2025 05:30:00 +0530");
	cr_expect_str_eq(get(&p, "date.utc"), "2025-11-26 00:00:00");
	parsed_release(&p);
}
