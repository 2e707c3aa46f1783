/* gateway/mime.c - one e-mail message as bytes, laid out by libetpan's MIME
 * writer (RFC 5322; MIME: RFC 2045, 2046; RFC 2047 encoded words, RFC 2231
 * parameter values, RFC 2369 and 8058 List-Unsubscribe).
 *
 * libetpan writes what it is given. Found here (libetpan 1.9.4): a CR or LF
 * in a display name goes out raw inside the quotes, which starts a new header
 * line; non-ASCII names and file names go out as raw 8-bit bytes; a parameter
 * value is always put in quotes, which RFC 2231 forbids for filename*=; its
 * quoted-printable encoder writes a space or tab that ends a line twice (once
 * raw, once as =20); mailimf_get_date() writes India's +0530 as +0550. So
 * every value is checked, or cleaned and encoded, here before libetpan sees
 * it; quoted-printable bodies are encoded here; an RFC 2231 file name travels
 * inside the disposition type, which libetpan copies as it is; and the Date
 * is built from localtime_r's own offset. */
#include "gateway/mime.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <libetpan/libetpan.h>
#include <libetpan/mailmime_write_generic.h>

#include "common/csv.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/banned.h"

/* UTF-8 bytes in one encoded word of a subject or header value: 48 base64
 * characters, 60 with "=?UTF-8?B?" and "?=", so that after "Subject: " the
 * first word still fits the 72 columns libetpan folds at. */
#define TEXT_WORD_BYTES 36
/* A display name's words hold the most RFC 2047 allows (45 bytes, words of
 * 75 characters), so that a name of up to 15 Chinese characters is one word:
 * some readers wrongly keep the space between two encoded words of a name
 * (Python's email before gh-128110 was fixed, for one). */
#define NAME_WORD_BYTES 45
/* A run without spaces longer than this cannot be folded: it is encoded. */
#define PLAIN_WORD_MAX 76
/* libetpan neither folds a quoted display name nor takes one over 499 bytes:
 * longer names are encoded words instead. */
#define NAME_PLAIN_MAX 76
/* Columns of a quoted-printable line, the soft break's '=' included. */
#define QP_LINE 76
/* A longer file name, or one not plain ASCII, is written per RFC 2231. */
#define FILENAME_PLAIN_MAX 60
/* Percent-encoded bytes in one RFC 2231 section of a file name. */
#define SECTION_MAX 48
/* An unsubscribe URL stays on one header line of at most 998 octets. */
#define URL_MAX 900

/* libetpan's constructors return NULL only when memory runs out. */
static void *need(void *p)
{
	if (!p) {
		fputs("crmgate: out of memory in libetpan\n", stderr);
		abort();
	}
	return p;
}

static void need_ok(int r)
{
	if (r != 0) /* MAILIMF_NO_ERROR, or clist's 0 */
		need(NULL);
}

/* value as an error message may show it: control characters escaped, cut
 * (between characters) after 80 bytes. */
static void add_shown(struct buf *b, const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (b->len >= 80 && (*p & 0xC0) != 0x80) {
			buf_adds(b, "...");
			break;
		}
		if (*p == '\r')
			buf_adds(b, "\\r");
		else if (*p == '\n')
			buf_adds(b, "\\n");
		else if (*p < 0x20 || *p == 0x7F)
			buf_addf(b, "\\x%02X", *p);
		else
			buf_addch(b, (char)*p);
	}
}

/* ERR_INPUT: "WHAT 'VALUE' WHY". */
static int bad(struct err *err, const char *what, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(struct err *err, const char *what, const char *value, const char *fmt, ...)
{
	struct buf shown = BUF_INIT, why = BUF_INIT;
	va_list ap;
	int rc;

	add_shown(&shown, value);
	va_start(ap, fmt);
	buf_vaddf(&why, fmt, ap);
	va_end(ap);
	rc = err_set(err, ERR_INPUT, "%s '%s' %s", what, shown.data, why.data);
	buf_release(&shown);
	buf_release(&why);
	return rc;
}

/* Why the n bytes at s cannot stand in a header as they are (a line break,
 * a control character, a space, non-ASCII, or one of the characters in
 * also), or NULL. why is room for the explanation. */
static const char *raw_problem(char why[48], const char *s, size_t n, const char *also)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + n; p++) {
		if (*p == '\r' || *p == '\n')
			return "it contains a line break";
		if (*p < 0x20 || *p == 0x7F)
			return "it contains a control character";
		if (*p == ' ')
			return "it contains a space";
		if (*p >= 0x80)
			return "it is not ASCII";
		if (strchr(also, *p)) {
			snprintf(why, 48, "it contains '%c'", *p);
			return why;
		}
	}
	return NULL;
}

static int is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* RFC 5322 dot-atom-text: atoms of atext joined by single dots. */
static int is_dot_atom(const char *s, size_t n)
{
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' ? s[i + 1] == '.' : !is_atext((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A host name: labels of letters, digits and hyphens, joined by dots. */
static int is_hostname(const char *s, size_t n)
{
	size_t label = 0;
	if (!n || n > 253)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

/* Why addr is not a plain addr-spec (dot-atom@host), or NULL. Nothing else
 * is let through: a line break, a space, an angle bracket, a comma or a
 * second '@' could each add a header or a recipient. */
static const char *addr_problem(char why[48], const char *addr, size_t n)
{
	const char *at = memchr(addr, '@', n), *raw = raw_problem(why, addr, n, "<>,;:\"()[]\\");

	if (raw)
		return raw;
	if (!at || memchr(at + 1, '@', (size_t)(addr + n - at - 1)))
		return "it needs exactly one '@'";
	if (n > 254)
		return "it is longer than 254 characters";
	if (at - addr > 64 || !is_dot_atom(addr, (size_t)(at - addr)))
		return "the part before '@' is not a valid mailbox name";
	if (!is_hostname(at + 1, (size_t)(addr + n - at - 1)))
		return "the part after '@' is not a domain name";
	return NULL;
}

int gw_mime_check_addr(const char *addr, const char *what, struct err *err)
{
	char why_buf[48];
	const char *why;
	if (!addr || !*addr)
		return err_set(err, ERR_INPUT, "%s is missing", what);
	why = addr_problem(why_buf, addr, strlen(addr));
	return why ? bad(err, what, addr, "is not an e-mail address: %s", why) : 0;
}

/* s made fit for a header: not UTF-8 is an error; line breaks and tabs
 * become spaces, other control characters (C0, DEL, C1) go, runs of spaces
 * become one and the ends are trimmed. */
static int clean_text(struct buf *out, const char *s, const char *what, struct err *err)
{
	if (!utf8_valid(s, strlen(s)))
		return err_set(err, ERR_INPUT, "%s is not valid UTF-8", what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) { /* U+0080..U+009F */
			p++;
			continue;
		}
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		else if (c < 0x20 || c == 0x7F)
			continue;
		if (c == ' ' && (!out->len || out->data[out->len - 1] == ' '))
			continue;
		buf_addch(out, (char)c);
	}
	if (out->len && out->data[out->len - 1] == ' ')
		buf_truncate(out, out->len - 1);
	return 0;
}

/* Must clean text s be encoded to stand in a header: non-ASCII, something a
 * reader would take for an encoded word, a run too long to fold, or longer
 * than plain_max? */
static int needs_encoding(const char *s, size_t plain_max)
{
	size_t word = 0;
	if (strlen(s) > plain_max || strstr(s, "=?"))
		return 1;
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80)
			return 1;
		word = *s == ' ' ? 0 : word + 1;
		if (word > PLAIN_WORD_MAX)
			return 1;
	}
	return 0;
}

static void add_base64(struct buf *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (; n >= 3; p += 3, n -= 3) {
		buf_addch(out, digits[p[0] >> 2]);
		buf_addch(out, digits[(p[0] & 3) << 4 | p[1] >> 4]);
		buf_addch(out, digits[(p[1] & 15) << 2 | p[2] >> 6]);
		buf_addch(out, digits[p[2] & 63]);
	}
	if (n) {
		buf_addch(out, digits[p[0] >> 2]);
		buf_addch(out, digits[(p[0] & 3) << 4 | (n > 1 ? p[1] >> 4 : 0)]);
		buf_addch(out, n > 1 ? digits[(p[1] & 15) << 2] : '=');
		buf_addch(out, '=');
	}
}

/* s (valid UTF-8) as RFC 2047 encoded words, B encoding, separated by the
 * spaces libetpan folds at. A word holds whole characters: a reader decodes
 * each word on its own. */
static void add_encoded_words(struct buf *out, const char *s, size_t word_bytes)
{
	size_t len = strlen(s);
	while (len) {
		size_t n = len < word_bytes ? len : word_bytes;
		while (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		buf_adds(out, out->len ? " =?UTF-8?B?" : "=?UTF-8?B?");
		add_base64(out, (const unsigned char *)s, n);
		buf_adds(out, "?=");
		s += n;
		len -= n;
	}
}

/* s for a header, malloc'd for libetpan to own: cleaned, and encoded unless
 * it is plain ASCII (a name: of at most NAME_PLAIN_MAX bytes); NULL when
 * nothing is left. */
static int header_text(char **out, const char *s, int is_name, const char *what, struct err *err)
{
	struct buf clean = BUF_INIT, enc = BUF_INIT;
	int rc = 0;

	*out = NULL;
	if (s)
		rc = clean_text(&clean, s, what, err);
	if (!rc && clean.len) {
		if (needs_encoding(clean.data, is_name ? NAME_PLAIN_MAX : SIZE_MAX)) {
			add_encoded_words(&enc, clean.data, is_name ? NAME_WORD_BYTES : TEXT_WORD_BYTES);
			*out = buf_detach(&enc, NULL);
		} else {
			*out = buf_detach(&clean, NULL);
		}
	}
	buf_release(&clean);
	buf_release(&enc);
	return rc;
}

/* A body in the canonical form of text (RFC 2046 4.1.1): UTF-8, every line
 * break CRLF. */
static int canonical_text(struct buf *out, const char *s, const char *what, struct err *err)
{
	if (!utf8_valid(s, strlen(s)))
		return err_set(err, ERR_INPUT, "%s is not valid UTF-8", what);
	for (; *s; s++) {
		if (*s == '\r' || *s == '\n') {
			if (s[0] == '\r' && s[1] == '\n')
				s++;
			buf_adds(out, "\r\n");
		} else {
			buf_addch(out, *s);
		}
	}
	return 0;
}

/* Is quoted-printable shorter than base64 for these n bytes? Each byte it
 * must escape costs it 3; base64 costs 4 for every 3. */
static int qp_is_shorter(const char *s, size_t n)
{
	size_t escaped = 0;
	for (size_t i = 0; i < n; i++)
		escaped += (unsigned char)s[i] >= 0x80 || s[i] == '=';
	return 6 * escaped < n;
}

/* Quoted-printable (RFC 2045 6.7) of canonical text s: lines of at most 76
 * columns, a space or tab before a line break encoded, and besides what must
 * be, '_' (libetpan's boundaries are hex digits and '_', so none can ever
 * appear in a body), and a '.' or "From " that would start a line. The
 * encoding ends with a line break, a soft one when the text does not. */
static void add_qp(struct buf *out, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int at_eol = i + 1 == n || s[i + 1] == '\r';
		int raw = (c > 32 && c < 127 && c != '=' && c != '_') || ((c == ' ' || c == '\t') && !at_eol);

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n') {
			buf_adds(out, "\r\n");
			i++;
			col = 0;
			continue;
		}
		if (col + (raw ? 1 : 3) > QP_LINE - 1) {
			buf_adds(out, "=\r\n");
			col = 0;
		}
		if (!col && (c == '.' || (c == 'F' && n - i >= 5 && !memcmp(s + i, "From ", 5))))
			raw = 0;
		if (raw)
			buf_addch(out, (char)c);
		else
			buf_addf(out, "=%02X", c);
		col += raw ? 1 : 3;
	}
	if (col)
		buf_adds(out, "=\r\n");
}

/* A text/SUBTYPE part with charset=UTF-8 for the canonical text in body.
 * Quoted-printable is encoded here, into body; base64 by libetpan. body
 * must live until the message is written. */
static struct mailmime *text_part(const char *type, struct buf *body)
{
	struct mailmime_content *ct = need(mailmime_content_new_with_str(type));
	int qp = qp_is_shorter(body->data, body->len);
	int mechanism = qp ? MAILMIME_MECHANISM_QUOTED_PRINTABLE : MAILMIME_MECHANISM_BASE64;
	struct mailmime *part;

	need_ok(clist_append(ct->ct_parameters, need(mailmime_param_new_with_data("charset", "UTF-8"))));
	if (qp) {
		struct buf enc = BUF_INIT;
		add_qp(&enc, body->data, body->len);
		buf_release(body);
		*body = enc;
	}
	part = need(mailmime_new_empty(ct, need(mailmime_fields_new_encoding(mechanism))));
	part->mm_data.mm_single = need(mailmime_data_new_data(mechanism, qp, body->data, body->len));
	return part;
}

/* RFC 2231 attribute-char: what a file name may keep unencoded. */
static int is_attribute_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$&+-.^_`{|}~", c));
}

/* "attachment" and name as RFC 2231 filename*= (UTF-8, percent-encoded),
 * in numbered sections of whole characters when it is long (RFC 2231 3),
 * each parameter on a line of its own. */
static char *rfc2231_disposition(const char *name)
{
	struct buf out = BUF_INIT, section = BUF_INIT;
	unsigned sections = 0;
	const unsigned char *p = (const unsigned char *)name;

	buf_adds(&out, "attachment");
	while (*p) {
		size_t clen = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
		if (section.len + 3 * clen > SECTION_MAX) {
			buf_addf(&out, ";\r\n filename*%u*=%s%s", sections, sections ? "" : "UTF-8''", section.data);
			buf_reset(&section);
			sections++;
		}
		for (; clen--; p++)
			if (is_attribute_char(*p))
				buf_addch(&section, (char)*p);
			else
				buf_addf(&section, "%%%02X", *p);
	}
	if (sections)
		buf_addf(&out, ";\r\n filename*%u*=%s", sections, section.data);
	else
		buf_addf(&out, ";\r\n filename*=UTF-8''%s", section.data);
	buf_release(&section);
	return buf_detach(&out, NULL);
}

static int is_token(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 32 || s[i] >= 127 || strchr("()<>@,;:\\\"/[]?=", s[i]))
			return 0;
	return 1;
}

/* The attachment: base64, Content-Disposition: attachment with its name. */
static int attachment_part(struct mailmime **out, const struct gw_mail *m, struct err *err)
{
	const char *type = m->attach_type ? m->attach_type : "application/octet-stream";
	const char *slash = strchr(type, '/');
	struct buf name = BUF_INIT;
	struct mailmime_disposition *dsp;
	struct mailmime_fields *fields;
	int rc;

	if (!m->attach && m->attach_len)
		BUG("an attachment of %zu bytes without data", m->attach_len);
	if (!slash || !is_token(type, (size_t)(slash - type)) || !is_token(slash + 1, strlen(slash + 1)))
		return bad(err, "attachment type", type, "is not a MIME type (type/subtype)");
	rc = clean_text(&name, m->attach_name, "attachment name", err);
	if (rc)
		goto done;
	/* a name, not a path */
	for (size_t i = 0; i < name.len; i++)
		if (name.data[i] == '/' || name.data[i] == '\\')
			name.data[i] = '_';
	if (!name.len) {
		rc = bad(err, "attachment name", m->attach_name, "is empty");
		goto done;
	}
	if (needs_encoding(name.data, FILENAME_PLAIN_MAX)) {
		/* libetpan would quote filename*=: the parameters travel in the type, which it writes as it is */
		struct mailmime_disposition_type *t =
			need(mailmime_disposition_type_new(MAILMIME_DISPOSITION_TYPE_EXTENSION,
							   rfc2231_disposition(name.data)));
		dsp = need(mailmime_disposition_new(t, need(clist_new())));
	} else {
		dsp = need(mailmime_disposition_new_filename(MAILMIME_DISPOSITION_TYPE_ATTACHMENT,
							     buf_detach(&name, NULL)));
	}
	fields = need(mailmime_fields_new_with_data(need(mailmime_mechanism_new(MAILMIME_MECHANISM_BASE64, NULL)), NULL,
						    NULL, dsp, NULL));
	*out = need(mailmime_new_empty(need(mailmime_content_new_with_str(type)), fields));
	(*out)->mm_data.mm_single =
		need(mailmime_data_new_data(MAILMIME_MECHANISM_BASE64, 0, m->attach, m->attach_len));
done:
	buf_release(&name);
	return rc;
}

static struct mailmime *multipart(const char *type, struct mailmime *a, struct mailmime *b)
{
	struct mailmime *mp = need(mailmime_multiple_new(type));
	if (mailmime_smart_add_part(mp, a) != MAILIMF_NO_ERROR || mailmime_smart_add_part(mp, b) != MAILIMF_NO_ERROR)
		BUG("could not add a part to %s", type);
	return mp;
}

/* The body: text, HTML or both (multipart/alternative), and around it with
 * the attachment, multipart/mixed. body[0] and body[1] hold the text and
 * HTML bytes libetpan will write. */
static int make_body(struct mailmime **out, const struct gw_mail *m, struct buf body[2], struct err *err)
{
	struct mailmime *text = NULL, *html = NULL, *att = NULL, *root;
	int rc = 0;

	if (m->text)
		rc = canonical_text(&body[0], m->text, "text body", err);
	if (!rc && m->html)
		rc = canonical_text(&body[1], m->html, "HTML body", err);
	if (!rc && m->attach_name)
		rc = attachment_part(&att, m, err);
	if (rc)
		return rc;
	if (!m->text && !m->html && !att)
		return err_set(err, ERR_INPUT, "the message has no text, no HTML and no attachment");
	if (m->text)
		text = text_part("text/plain", &body[0]);
	if (m->html)
		html = text_part("text/html", &body[1]);
	root = text && html ? multipart("multipart/alternative", text, html) : text ? text : html;
	if (att)
		root = root ? multipart("multipart/mixed", root, att) : att;
	*out = root;
	return 0;
}

/* The Message-ID: m's own, checked, or 128 random bits at msgid_domain. */
static int message_id(char **out, const struct gw_mail *m, struct err *err)
{
	unsigned char rnd[16];
	struct buf id = BUF_INIT;

	if (m->message_id) {
		const char *s = m->message_id, *at = strchr(s, '@');
		if (!at || strchr(at + 1, '@') || !is_dot_atom(s, (size_t)(at - s)) ||
		    !is_dot_atom(at + 1, strlen(at + 1)) || strlen(s) > 250)
			return bad(err, "Message-ID", s, "is not of the form left@right (without <>)");
		*out = xstrdup(s);
		return 0;
	}
	if (!m->msgid_domain || !is_hostname(m->msgid_domain, strlen(m->msgid_domain)))
		return bad(err, "Message-ID domain", m->msgid_domain ? m->msgid_domain : "", "is not a domain name");
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return err_set(err, ERR_FAIL, "could not make a Message-ID: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(rnd); i++)
		buf_addf(&id, "%02x", rnd[i]);
	buf_addf(&id, "@%s", m->msgid_domain);
	*out = buf_detach(&id, NULL);
	return 0;
}

/* RFC 5322 date-time in local time with its real offset. */
static struct mailimf_date_time *date_time(time_t t)
{
	struct tm tm;
	long off;
	if (!t)
		t = time(NULL);
	if (!localtime_r(&t, &tm))
		BUG("time %lld out of range", (long long)t);
	off = tm.tm_gmtoff / 60;
	return need(mailimf_date_time_new(tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
					  tm.tm_sec, (int)(off / 60 * 100 + off % 60)));
}

static void add_field(struct mailimf_fields *f, const char *name, char *value)
{
	need_ok(mailimf_fields_add(f, need(mailimf_field_new_custom(xstrdup(name), value))));
}

/* What an unsubscribe URI may not contain besides controls, spaces and
 * non-ASCII: what would end it or the list (RFC 2369 2). */
#define URI_SPECIALS "<>\",\\"

static int add_unsubscribe(struct mailimf_fields *f, const struct gw_mail *m, struct err *err)
{
	struct buf v = BUF_INIT;
	const char *why;
	char why_buf[48];

	if (m->unsubscribe_mailto) {
		const char *s = m->unsubscribe_mailto;
		why = raw_problem(why_buf, s, strlen(s), URI_SPECIALS);
		if (!why)
			why = addr_problem(why_buf, s, strcspn(s, "?"));
		if (why)
			return bad(err, "unsubscribe address", s, "cannot be used: %s", why);
		buf_addf(&v, "<mailto:%s>", s);
	}
	if (m->unsubscribe_url) {
		const char *s = m->unsubscribe_url;
		why = raw_problem(why_buf, s, strlen(s), URI_SPECIALS);
		if (!why && strncasecmp(s, "https://", 8))
			why = "it is not an https:// URL";
		if (!why && strlen(s) > URL_MAX)
			why = "it is too long";
		if (why) {
			buf_release(&v);
			return bad(err, "unsubscribe URL", s, "cannot be used: %s", why);
		}
		buf_addf(&v, "%s<%s>", v.len ? ", " : "", s);
	}
	if (v.len)
		add_field(f, "List-Unsubscribe", buf_detach(&v, NULL));
	if (m->unsubscribe_url)
		add_field(f, "List-Unsubscribe-Post", xstrdup("List-Unsubscribe=One-Click"));
	return 0;
}

/* Headers an extra header may not be: the message's own, and any that could
 * add a recipient or change the content. */
/* clang-format off */
static const char *const reserved[] = {
	"Date", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Message-ID", "In-Reply-To", "References",
	"Subject", "MIME-Version", "Return-Path", "Received", "List-Unsubscribe", "List-Unsubscribe-Post",
};
/* clang-format on */

static int add_extras(struct mailimf_fields *f, const char *const *extra, struct err *err)
{
	for (; extra && *extra; extra++) {
		const char *h = *extra, *colon = strchr(h, ':');
		size_t n = colon ? (size_t)(colon - h) : 0;
		char *name, *value;
		int rc;

		for (size_t i = 0; i < n; i++)
			if (h[i] <= 32 || h[i] >= 127)
				n = 0;
		if (!n || n > 76)
			return bad(err, "extra header", h, "is not of the form 'Name: value'");
		name = xstrndup(h, n);
		rc = !strncasecmp(name, "Content-", 8) || !strncasecmp(name, "Resent-", 7);
		for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
			rc |= !strcasecmp(name, reserved[i]);
		if (rc) {
			free(name);
			return bad(err, "extra header", h, "would replace one the message sets itself");
		}
		rc = header_text(&value, colon + 1, 0, "extra header value", err);
		if (rc) {
			free(name);
			return rc;
		}
		need_ok(mailimf_fields_add(f, need(mailimf_field_new_custom(name, value ? value : xstrdup("")))));
	}
	return 0;
}

/* The header fields. Every value is checked or made safe before libetpan
 * sees it (see the top of this file). */
static int make_fields(struct mailimf_fields **out, const struct gw_mail *m, struct err *err)
{
	char *from_name = NULL, *to_name = NULL, *subject = NULL, *msgid = NULL;
	struct mailimf_mailbox_list *from;
	struct mailimf_address_list *to, *reply_to = NULL;
	int rc;

	*out = NULL;
	if ((rc = gw_mime_check_addr(m->from_addr, "from address", err)) ||
	    (rc = gw_mime_check_addr(m->to_addr, "to address", err)) ||
	    (m->reply_to && (rc = gw_mime_check_addr(m->reply_to, "reply-to address", err))) ||
	    (rc = header_text(&from_name, m->from_name, 1, "from name", err)) ||
	    (rc = header_text(&to_name, m->to_name, 1, "to name", err)) ||
	    (rc = header_text(&subject, m->subject, 0, "subject", err)) || (rc = message_id(&msgid, m, err))) {
		free(from_name);
		free(to_name);
		free(subject);
		return rc;
	}
	from = need(mailimf_mailbox_list_new_empty());
	need_ok(mailimf_mailbox_list_add_mb(from, from_name, xstrdup(m->from_addr)));
	to = need(mailimf_address_list_new_empty());
	need_ok(mailimf_address_list_add_mb(to, to_name, xstrdup(m->to_addr)));
	if (m->reply_to) {
		reply_to = need(mailimf_address_list_new_empty());
		need_ok(mailimf_address_list_add_mb(reply_to, NULL, xstrdup(m->reply_to)));
	}
	*out = need(mailimf_fields_new_with_data_all(date_time(m->date), from, NULL, reply_to, to, NULL, NULL, msgid,
						     NULL, NULL, subject));
	rc = add_unsubscribe(*out, m, err);
	if (!rc)
		rc = add_extras(*out, m->extra, err);
	if (rc) {
		mailimf_fields_free(*out);
		*out = NULL;
	}
	return rc;
}

static int write_buf(void *data, const char *s, size_t len)
{
	return buf_add(data, s, len) == 0;
}

int gw_mime_build(struct buf *out, const struct gw_mail *m, struct err *err)
{
	struct buf body[2] = { BUF_INIT, BUF_INIT };
	struct mailimf_fields *fields = NULL;
	struct mailmime *msg = NULL, *root = NULL;
	size_t old_len = out->len;
	int rc, r, col = 0;

	rc = make_fields(&fields, m, err);
	if (!rc)
		rc = make_body(&root, m, body, err);
	if (rc)
		goto done;
	msg = need(mailmime_new_message_data(NULL));
	mailmime_set_imf_fields(msg, fields);
	fields = NULL;
	if (mailmime_smart_add_part(msg, root) != MAILIMF_NO_ERROR)
		BUG("could not put the body into the message");
	root = NULL;
	r = mailmime_write_driver(write_buf, out, &col, msg);
	if (r != MAILIMF_NO_ERROR) {
		buf_truncate(out, old_len);
		if (r == MAILIMF_ERROR_FILE && out->cap)
			rc = err_set(err, ERR_INPUT, "the message is larger than %zu bytes", out->cap);
		else
			rc = err_set(err, ERR_FAIL, "could not write the message (libetpan error %d)", r);
	}
done:
	if (msg)
		mailmime_free(msg);
	if (root)
		mailmime_free(root);
	if (fields)
		mailimf_fields_free(fields);
	buf_release(&body[0]);
	buf_release(&body[1]);
	return rc;
}
