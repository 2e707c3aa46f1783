/* gateway/dsn.c - bounces read from raw messages: RFC 3464 delivery status
 * notifications (with RFC 3462/6522 multipart/report, RFC 3463 status codes,
 * RFC 6533 message/global-delivery-status), and the common non-standard
 * bounces loosely; MIME structure per RFC 2045/2046, headers per RFC 5322.
 *
 * A small parser of our own rather than libetpan's mailmime_parse: it reads
 * only what a bounce needs (headers, multipart boundaries, base64 and
 * quoted-printable), never copies the message, and holds hard caps on size,
 * nesting and parts, which an untrusted message must not be able to pass
 * (mailmime_parse recurses without a limit). Every string it hands out is
 * made safe for the database and for one log line: valid UTF-8, no control
 * characters. */
#include "gateway/dsn.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hex.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define FIELD_CAP	8192	     /* bytes of one unfolded header field */
#define MAX_FIELDS	1000	     /* fields read from one header block */
#define TEXT_CAP	(256u << 10) /* human-readable text kept for loose bounces */
#define DIAG_CAP	1000	     /* bytes of a diagnostic kept */
#define LOOSE_MAX_RCPTS 8

struct span {
	const char *p;
	size_t n;
};

struct walk {
	struct gw_dsn *out;
	const char *return_path;
	struct buf text;      /* text/plain parts outside the returned message */
	int have_status;      /* a delivery-status part was read */
	int have_returned;    /* the returned message's headers were read */
	char *postfix_sender; /* X-Postfix-Sender of the report */
	struct err *err;
};

/* ------------------------------------------------------------ strings */

/* A copy that is valid UTF-8 without control characters (each becomes a
 * space, each invalid byte a '?'), trimmed, at most cap bytes. */
static char *clean_copy(const char *s, size_t n, size_t cap)
{
	struct buf b = BUF_INIT;
	size_t i = 0;
	while (i < n && b.len < cap) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 0;
		if (c < 0x80) {
			buf_addch(&b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		if (len && i + len <= n) {
			uint32_t cp = c & (0xff >> (len + 1));
			size_t k;
			for (k = 1; k < len && ((unsigned char)s[i + k] & 0xc0) == 0x80; k++)
				cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
			if (k == len && !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10ffff)) &&
			    !(cp >= 0xd800 && cp <= 0xdfff)) {
				if (b.len + len > cap)
					break;
				buf_add(&b, s + i, len);
				i += len;
				continue;
			}
		}
		buf_addch(&b, '?');
		i++;
	}
	while (b.len && b.data[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	{
		size_t lead = 0;
		while (lead < b.len && b.data[lead] == ' ')
			lead++;
		if (lead) {
			char *r = xstrdup(b.data + lead);
			buf_release(&b);
			return r;
		}
	}
	return buf_detach(&b, NULL);
}

static struct span trim(struct span s)
{
	while (s.n && (*s.p == ' ' || *s.p == '\t' || *s.p == '\r' || *s.p == '\n'))
		s.p++, s.n--;
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
		s.n--;
	return s;
}

static int span_ieq(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && !strncasecmp(s.p, lit, n);
}

static int span_iprefix(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && !strncasecmp(s.p, lit, n);
}

static const char *memcasestr(const char *h, size_t hn, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= hn && i <= hn - n; i++)
		if (!strncasecmp(h + i, needle, n))
			return h + i;
	return NULL;
}

/* The end of the line at p (its '\n', or end), and the start of the next. */
static const char *eol(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static int blank_line(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

/* --------------------------------------------------------------- headers */

/* Split an entity into its header block and body at the first empty line;
 * without one, it is all header (text/rfc822-headers ends so). */
static void split_entity(struct span in, struct span *hdr, struct span *body)
{
	const char *p = in.p, *end = in.p + in.n;
	while (p < end) {
		const char *e = eol(p, end);
		if (e == p || (e == p + 1 && *p == '\r')) {
			hdr->p = in.p, hdr->n = (size_t)(p - in.p);
			body->p = e < end ? e + 1 : end;
			body->n = (size_t)(end - body->p);
			return;
		}
		p = e < end ? e + 1 : end;
	}
	*hdr = in;
	body->p = end, body->n = 0;
}

/* The next field of a header block at *pos: its name, and its value
 * unfolded (each line break and the folding white space after it become one
 * space) and capped. Lines that are no field are skipped. Returns 0 at the end. */
static int next_field(const char **pos, const char *end, struct span *name, struct buf *value)
{
	const char *p = *pos;
	buf_reset(value);
	while (p < end) {
		const char *e = eol(p, end), *colon, *q;
		if (*p == ' ' || *p == '\t') { /* a continuation without a field */
			p = e < end ? e + 1 : end;
			continue;
		}
		colon = memchr(p, ':', (size_t)(e - p));
		for (q = p; colon && q < colon; q++)
			if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
				break;
		if (!colon || colon == p || q != colon) {
			/* "From " lines and junk; a name may have space before the colon */
			const char *r = colon;
			while (r && r > p && (r[-1] == ' ' || r[-1] == '\t'))
				r--;
			if (!colon || r == p || q < r) {
				p = e < end ? e + 1 : end;
				continue;
			}
			name->p = p, name->n = (size_t)(r - p);
		} else {
			name->p = p, name->n = (size_t)(colon - p);
		}
		q = colon + 1;
		for (;;) {
			size_t n = (size_t)(e - q);
			if (n && q[n - 1] == '\r')
				n--;
			if (value->len + n + 1 <= FIELD_CAP)
				buf_add(value, q, n);
			p = e < end ? e + 1 : end;
			if (p >= end || (*p != ' ' && *p != '\t'))
				break;
			if (value->len < FIELD_CAP)
				buf_addch(value, ' ');
			q = p;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			e = eol(q, end);
		}
		*pos = p;
		return 1;
	}
	*pos = end;
	return 0;
}

/* The first field called name in a header block, trimmed, into out. */
static int header_get(struct span hdr, const char *name, struct buf *out)
{
	const char *pos = hdr.p, *end = hdr.p + hdr.n;
	struct span n;
	int fields = 0;
	while (fields++ < MAX_FIELDS && next_field(&pos, end, &n, out))
		if (span_ieq(n, name)) {
			struct span v = trim((struct span){ out->data, out->len });
			memmove(out->data, v.p, v.n);
			buf_truncate(out, v.n);
			return 1;
		}
	buf_reset(out);
	return 0;
}

/* ---------------------------------------------------------- content type */

struct ctype {
	char type[80];	      /* "multipart/report", lowercased; "" when absent */
	char boundary[256];   /* "" when absent */
	char report_type[64]; /* lowercased */
};

const char *gw_dsn_skip_cfws(const char *p, const char *end)
{
	int depth = 0;
	for (; p < end; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth)
			depth--;
		else if (*p == '\\' && depth && p + 1 < end)
			p++;
		else if (!depth && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			break;
	}
	return p;
}

/* A token or quoted string at *pos into out (size n), lowercased if asked. */
static void read_value(const char **pos, const char *end, char *out, size_t n, int lower)
{
	const char *p = *pos;
	size_t k = 0;
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			if (k + 1 < n)
				out[k++] = lower ? (char)tolower((unsigned char)*p) : *p;
		}
		if (p < end)
			p++;
	} else {
		for (; p < end && *p != ';' && *p != ' ' && *p != '\t' && *p != '('; p++)
			if (k + 1 < n)
				out[k++] = lower ? (char)tolower((unsigned char)*p) : *p;
	}
	out[k] = 0;
	*pos = p;
}

static void parse_ctype(struct ctype *ct, const char *v, size_t len)
{
	const char *p = v, *end = v + len;
	memset(ct, 0, sizeof(*ct));
	p = gw_dsn_skip_cfws(p, end);
	read_value(&p, end, ct->type, sizeof(ct->type), 1);
	while (p < end) {
		char name[32], value[256];
		p = memchr(p, ';', (size_t)(end - p));
		if (!p)
			break;
		p = gw_dsn_skip_cfws(p + 1, end);
		{
			size_t k = 0;
			for (; p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t'; p++)
				if (k + 1 < sizeof(name))
					name[k++] = (char)tolower((unsigned char)*p);
			name[k] = 0;
		}
		p = gw_dsn_skip_cfws(p, end);
		if (p >= end || *p != '=')
			continue;
		p = gw_dsn_skip_cfws(p + 1, end);
		read_value(&p, end, value, sizeof(value), 0);
		if (!strcmp(name, "boundary") && !ct->boundary[0])
			memcpy(ct->boundary, value, strlen(value) + 1);
		else if (!strcmp(name, "report-type") && !ct->report_type[0]) {
			size_t k;
			for (k = 0; value[k] && k + 1 < sizeof(ct->report_type); k++)
				ct->report_type[k] = (char)tolower((unsigned char)value[k]);
			ct->report_type[k] = 0;
		}
	}
}

/* ---------------------------------------------------------- body decoding */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The body as its Content-Transfer-Encoding says, into out (capped): bytes
 * that do not belong to the encoding are skipped, never fatal. */
static void decode_body(struct buf *out, struct span body, const char *cte)
{
	const unsigned char *p = (const unsigned char *)body.p, *end = p + body.n;
	if (!strcasecmp(cte, "base64")) {
		uint32_t acc = 0;
		int bits = 0;
		for (; p < end; p++) {
			int v = b64_value(*p);
			if (*p == '=')
				break;
			if (v < 0)
				continue;
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (buf_addch(out, (char)(acc >> bits & 0xff)))
					return;
			}
		}
	} else if (!strcasecmp(cte, "quoted-printable")) {
		while (p < end) {
			if (*p == '=' && p + 1 < end &&
			    (p[1] == '\n' || (p[1] == '\r' && p + 2 < end && p[2] == '\n'))) {
				p += p[1] == '\n' ? 2 : 3;
			} else if (*p == '=' && p + 2 < end && hex_byte((const char *)p + 1) >= 0) {
				if (buf_addch(out, (char)hex_byte((const char *)p + 1)))
					return;
				p += 3;
			} else {
				if (buf_addch(out, (char)*p++))
					return;
			}
		}
	} else {
		buf_add(out, body.p, body.n < out->cap ? body.n : out->cap);
	}
}

/* ------------------------------------------------------------ multiparts */

/* The parts of a multipart body between "--boundary" lines (RFC 2046 5.1.1);
 * without a close delimiter the last part runs to the end. */
static int split_multipart(struct span body, const char *boundary, struct span *parts, size_t *n, struct err *err)
{
	size_t blen = strlen(boundary);
	const char *p = body.p, *end = body.p + body.n, *start = NULL;
	*n = 0;
	while (p < end) {
		const char *e = eol(p, end);
		if ((size_t)(e - p) >= blen + 2 && p[0] == '-' && p[1] == '-' && !memcmp(p + 2, boundary, blen)) {
			const char *rest = p + 2 + blen;
			int close = e - rest >= 2 && rest[0] == '-' && rest[1] == '-';
			if (close || blank_line(rest, e)) {
				if (start) {
					/* the line break before the delimiter belongs to it */
					const char *stop = p;
					if (stop > start && stop[-1] == '\n')
						stop--;
					if (stop > start && stop[-1] == '\r')
						stop--;
					if (*n == GW_DSN_MAX_PARTS)
						return err_set(err, ERR_INPUT, "a multipart has more than %d parts",
							       GW_DSN_MAX_PARTS);
					parts[(*n)++] = (struct span){ start, (size_t)(stop - start) };
				}
				if (close)
					return 0;
				start = e < end ? e + 1 : end;
			}
		}
		p = e < end ? e + 1 : end;
	}
	if (start && start < end) {
		if (*n == GW_DSN_MAX_PARTS)
			return err_set(err, ERR_INPUT, "a multipart has more than %d parts", GW_DSN_MAX_PARTS);
		parts[(*n)++] = (struct span){ start, (size_t)(end - start) };
	}
	return 0;
}

/* -------------------------------------------------------------- the ids */

static void set_id(struct walk *w, long id, enum gw_dsn_source src)
{
	if (id <= 0)
		return;
	if (w->out->source == GW_DSN_SRC_NONE || src < w->out->source) {
		w->out->outbox_id = id;
		w->out->source = src;
	}
}

/* Digits only (at most 18), or 0. */
static long parse_id(const char *p, size_t n)
{
	long id = 0;
	if (!n || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		id = id * 10 + (p[i] - '0');
	}
	return id;
}

/* <crmgate.ID.RANDOM@DOMAIN>: the id, and the Message-ID without <> in *copy. */
static long our_message_id(const char *v, size_t n, char **copy)
{
	struct span s = trim((struct span){ v, n });
	const char *dot, *at;
	long id;
	if (s.n < 2 || s.p[0] != '<')
		return 0;
	s.p++, s.n--;
	at = memchr(s.p, '>', s.n);
	if (!at)
		return 0;
	s.n = (size_t)(at - s.p);
	if (!span_iprefix(s, "crmgate."))
		return 0;
	at = memchr(s.p, '@', s.n);
	dot = memchr(s.p + 8, '.', s.n - 8);
	if (!at || !dot || dot > at || dot + 1 == at || at + 1 == s.p + s.n)
		return 0;
	id = parse_id(s.p + 8, (size_t)(dot - s.p - 8));
	if (id && copy && !*copy)
		*copy = clean_copy(s.p, s.n, 250);
	return id;
}

/* Original-Envelope-Id: ID, or crmgate.ID, or crmgate.ID.anything. */
static long envid_id(const char *v)
{
	struct span s = trim((struct span){ v, strlen(v) });
	const char *dot;
	if (span_iprefix(s, "crmgate.")) {
		s.p += 8, s.n -= 8;
		dot = memchr(s.p, '.', s.n);
		if (dot)
			s.n = (size_t)(dot - s.p);
	}
	return parse_id(s.p, s.n);
}

/* TAG: GW_DSN_TAG_LEN hex digits (any case: a mail system may have changed it). */
static int is_tag(const char *p, size_t n)
{
	if (n != GW_DSN_TAG_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hex_digit(p[i]) < 0)
			return 0;
	return 1;
}

/* LOCAL+ID@DOMAIN or LOCAL+ID.TAG@DOMAIN in an address field (the first <…>
 * or the whole value): the id, and in *tag (when tag is given and the
 * address has one) the TAG lower-cased, malloc'd. */
static long verp_parse(const char *v, const char *return_path, char **tag)
{
	struct span s = trim((struct span){ v, strlen(v) });
	const char *lt = memchr(s.p, '<', s.n), *at, *plus, *dot;
	const char *semi = memchr(s.p, ';', s.n);
	long id;
	if (lt) {
		const char *gt = memchr(lt, '>', (size_t)(s.p + s.n - lt));
		if (!gt)
			return 0;
		s.p = lt + 1, s.n = (size_t)(gt - lt - 1);
	} else if (semi) { /* X-Postfix-Sender: rfc822; address */
		s = trim((struct span){ semi + 1, (size_t)(s.p + s.n - semi - 1) });
	}
	at = NULL;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == '@')
			at = s.p + i;
	if (!at)
		return 0;
	plus = NULL;
	for (const char *q = s.p; q < at; q++)
		if (*q == '+')
			plus = q;
	if (!plus)
		return 0;
	if (return_path) {
		const char *rat = strrchr(return_path, '@');
		size_t llen = rat ? (size_t)(rat - return_path) : strlen(return_path);
		struct span dom = { at + 1, (size_t)(s.p + s.n - at - 1) };
		if ((size_t)(plus - s.p) != llen || strncasecmp(s.p, return_path, llen))
			return 0;
		if (rat && !span_ieq(dom, rat + 1))
			return 0;
	}
	dot = memchr(plus, '.', (size_t)(at - plus));
	if (!dot)
		return parse_id(plus + 1, (size_t)(at - plus - 1));
	if (!is_tag(dot + 1, (size_t)(at - dot - 1)))
		return 0;
	id = parse_id(plus + 1, (size_t)(dot - plus - 1));
	if (id && tag && !*tag) {
		*tag = xstrndup(dot + 1, GW_DSN_TAG_LEN);
		for (char *t = *tag; *t; t++)
			*t = (char)tolower((unsigned char)*t);
	}
	return id;
}

/* An address field that may be our return path: the claim, and the first
 * tag found with the id it was made for. */
static void return_path_ids(struct walk *w, const char *v)
{
	char *tag = NULL;
	long id = verp_parse(v, w->return_path, &tag);
	set_id(w, id, GW_DSN_SRC_RETURN_PATH);
	if (tag && !w->out->tag) {
		w->out->tag = tag;
		w->out->tag_id = id;
		tag = NULL;
	}
	free(tag);
}

/* The returned message's (or an inline copy's) headers. */
static void ids_from_headers(struct walk *w, struct span hdr)
{
	struct buf v = BUF_INIT;
	if (header_get(hdr, "Message-ID", &v))
		set_id(w, our_message_id(v.data, v.len, &w->out->message_id), GW_DSN_SRC_MESSAGE_ID);
	if (header_get(hdr, "X-Crmgate-Outbox", &v))
		set_id(w, parse_id(v.data, v.len), GW_DSN_SRC_HEADER);
	if (header_get(hdr, "Return-Path", &v))
		return_path_ids(w, v.data);
	buf_release(&v);
}

/* --------------------------------------------------------- delivery-status */

/* "rfc822; a@b" -> "a@b" (and <a@b> -> a@b). */
static char *address_of(const char *v)
{
	struct span s = { v, strlen(v) };
	const char *semi = memchr(s.p, ';', s.n);
	if (semi)
		s = (struct span){ semi + 1, (size_t)(s.p + s.n - semi - 1) };
	s = trim(s);
	if (s.n >= 2 && s.p[0] == '<' && s.p[s.n - 1] == '>')
		s.p++, s.n -= 2;
	return s.n ? clean_copy(s.p, s.n, 320) : NULL;
}

static enum gw_dsn_action action_of(const char *v)
{
	static const char *const names[] = { "failed", "delayed", "delivered", "relayed", "expanded" };
	struct span s = trim((struct span){ v, strlen(v) });
	size_t n = 0;
	while (n < s.n && isalpha((unsigned char)s.p[n]))
		n++;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (span_ieq((struct span){ s.p, n }, names[i]))
			return (enum gw_dsn_action)(GW_DSN_FAILED + i);
	return GW_DSN_ACTION_NONE;
}

/* RFC 3463: class "." subject "." detail, class 2, 4 or 5, up to 3 digits each. */
static size_t status_code(const char *p, size_t n, char out[16])
{
	size_t i = 0, a, b;
	if (n < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5') || p[1] != '.')
		return 0;
	for (i = 2, a = 0; i < n && isdigit((unsigned char)p[i]) && a < 3; i++, a++)
		;
	if (!a || i >= n || p[i] != '.')
		return 0;
	for (i++, b = 0; i < n && isdigit((unsigned char)p[i]) && b < 3; i++, b++)
		;
	if (!b || (i < n && isdigit((unsigned char)p[i])))
		return 0;
	memcpy(out, p, i);
	out[i] = 0;
	return i;
}

static void parse_status(struct walk *w, struct span body)
{
	const char *p = body.p, *end = body.p + body.n;
	struct buf v = BUF_INIT;
	while (p < end) {
		const char *gstart, *gend, *pos;
		struct span name;
		struct gw_dsn_rcpt r = { 0 };
		int fields = 0, any = 0;
		/* skip blank lines, then take lines up to the next blank one */
		while (p < end && blank_line(p, eol(p, end)))
			p = eol(p, end) < end ? eol(p, end) + 1 : end;
		if (p >= end)
			break;
		gstart = p;
		while (p < end && !blank_line(p, eol(p, end)))
			p = eol(p, end) < end ? eol(p, end) + 1 : end;
		gend = p;
		pos = gstart;
		while (fields++ < MAX_FIELDS && next_field(&pos, gend, &name, &v)) {
			/* per-message fields come first, but a report that
			 * left them out still has its recipients read */
			if (span_ieq(name, "Reporting-MTA") && !w->out->reporting_mta)
				w->out->reporting_mta = address_of(v.data);
			else if (span_ieq(name, "Original-Envelope-Id") && !w->out->envelope_id)
				w->out->envelope_id = clean_copy(v.data, v.len, 250);
			else if (span_ieq(name, "X-Postfix-Sender") && !w->postfix_sender)
				w->postfix_sender = xstrdup(v.data);
			else if (span_ieq(name, "Final-Recipient") && !r.final_recipient)
				r.final_recipient = address_of(v.data), any = 1;
			else if (span_ieq(name, "Original-Recipient") && !r.original_recipient)
				r.original_recipient = address_of(v.data), any = 1;
			else if (span_ieq(name, "Action") && !r.action)
				r.action = action_of(v.data), any = 1;
			else if (span_ieq(name, "Status") && !r.status[0]) {
				struct span s = trim((struct span){ v.data, v.len });
				status_code(s.p, s.n, r.status);
				any = 1;
			} else if (span_ieq(name, "Diagnostic-Code") && !r.diagnostic) {
				const char *semi = strchr(v.data, ';');
				const char *d = semi ? semi + 1 : v.data;
				r.diagnostic = clean_copy(d, strlen(d), DIAG_CAP);
				any = 1;
			}
		}
		if (!any)
			continue;
		if (w->out->nr == GW_DSN_MAX_RCPTS) {
			free(r.final_recipient), free(r.original_recipient), free(r.diagnostic);
			break;
		}
		ALLOC_GROW(w->out->rcpt, w->out->nr + 1, w->out->alloc);
		w->out->rcpt[w->out->nr++] = r;
	}
	buf_release(&v);
}

/* -------------------------------------------------------------- the walk */

static int is_type(const struct ctype *ct, const char *a, const char *b)
{
	return !strcmp(ct->type, a) || (b && !strcmp(ct->type, b));
}

static int walk_entity(struct walk *w, struct span entity, int depth, const struct ctype *parent)
{
	struct span hdr, body;
	struct buf v = BUF_INIT, dec = BUF_INIT;
	struct ctype ct;
	char cte[32] = "";
	int rc = 0;

	split_entity(entity, &hdr, &body);
	if (header_get(hdr, "Content-Type", &v))
		parse_ctype(&ct, v.data, v.len);
	else
		parse_ctype(&ct, "text/plain", 10);
	if (header_get(hdr, "Content-Transfer-Encoding", &v)) {
		const char *p = v.data;
		read_value(&p, v.data + v.len, cte, sizeof(cte), 1);
	}
	dec.cap = GW_DSN_MAX_SIZE;

	if (!strncmp(ct.type, "multipart/", 10)) {
		struct span *parts;
		size_t n = 0;
		if (!ct.boundary[0])
			goto done; /* unreadable: left out */
		if (depth >= GW_DSN_MAX_DEPTH) {
			rc = err_set(w->err, ERR_INPUT, "multiparts nested more than %d deep", GW_DSN_MAX_DEPTH);
			goto done;
		}
		parts = xmalloc(GW_DSN_MAX_PARTS * sizeof(*parts));
		rc = split_multipart(body, ct.boundary, parts, &n, w->err);
		for (size_t i = 0; !rc && i < n; i++)
			rc = walk_entity(w, parts[i], depth + 1, &ct);
		free(parts);
	} else if (is_type(&ct, "message/delivery-status", "message/global-delivery-status")) {
		if (w->have_status || !parent || strcmp(parent->type, "multipart/report"))
			goto done;
		w->have_status = 1;
		decode_body(&dec, body, cte);
		parse_status(w, (struct span){ dec.data, dec.len });
	} else if (is_type(&ct, "message/rfc822", "message/global") ||
		   is_type(&ct, "text/rfc822-headers", "message/global-headers")) {
		struct span rh, rb;
		if (w->have_returned)
			goto done;
		w->have_returned = 1;
		decode_body(&dec, body, cte);
		split_entity((struct span){ dec.data, dec.len }, &rh, &rb);
		ids_from_headers(w, rh);
	} else if (!strcmp(ct.type, "text/plain") || !ct.type[0]) {
		decode_body(&dec, body, cte);
		if (w->text.len)
			buf_addch(&w->text, '\n');
		buf_add(&w->text, dec.data, dec.len < TEXT_CAP - w->text.len ? dec.len : TEXT_CAP - w->text.len);
	}
done:
	buf_release(&dec);
	buf_release(&v);
	return rc;
}

/* ----------------------------------------------------------- loose bounces */

/* Where a returned copy starts in a bounce's text (Exim, qmail, others):
 * its 5xx and addresses are not the bounce's. */
static const char *copy_marker(const char *p, const char *end)
{
	static const char *const markers[] = {
		"------ This is a copy of the message",
		"--- Below this line is a copy of the message",
		"----- Original message",
		"-----Original Message",
		"------ Original message",
		"----- The following addresses had",
		"Received: ",
		"Return-Path: ",
	};
	while (p < end) {
		const char *e = eol(p, end);
		struct span line = trim((struct span){ p, (size_t)(e - p) });
		for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
			if (span_iprefix(line, markers[i]) && (i < 5 || line.p == p))
				return p;
		p = e < end ? e + 1 : end;
	}
	return end;
}

/* The first line of text naming an SMTP 5xx reply (or a 5.x.x status):
 * the diagnostic, and the enhanced status if there is one ("5.0.0" if not). */
static int find_5xx(const char *p, const char *end, char **diag, char status[16])
{
	while (p < end) {
		const char *e = eol(p, end);
		for (const char *q = p; q + 3 <= e; q++) {
			char prev = q == p ? ' ' : q[-1];
			if (q[0] != '5' || !(prev == ' ' || prev == '\t' || prev == '(' || prev == '#' || prev == '['))
				continue;
			if (status_code(q, (size_t)(e - q), status)) {
				*diag = clean_copy(p, (size_t)(e - p), DIAG_CAP);
				return 1;
			}
			if (isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]) &&
			    (q + 3 == e || q[3] == ' ' || q[3] == '-' || q[3] == '\r')) {
				const char *s = q + 4;
				if (!(s < e && status_code(s, (size_t)(e - s), status)))
					memcpy(status, "5.0.0", 6);
				*diag = clean_copy(p, (size_t)(e - p), DIAG_CAP);
				return 1;
			}
		}
		p = e < end ? e + 1 : end;
	}
	return 0;
}

static int addr_char(unsigned char c, int local)
{
	return isalnum(c) || c == '.' || c == '-' || c >= 0x80 ||
	       (local && (c == '_' || c == '+' || c == '=' || c == '%' || c == '\'' || c == '!'));
}

/* The addresses a loose bounce's text names, before any returned copy. */
static void loose_rcpts(struct walk *w, const char *p, const char *end, const char *diag, const char *status)
{
	for (const char *at = p; at < end && w->out->nr < LOOSE_MAX_RCPTS; at++) {
		const char *l = at, *r = at + 1;
		char *addr;
		int dot = 0, dup = 0;
		if (*at != '@')
			continue;
		while (l > p && addr_char((unsigned char)l[-1], 1))
			l--;
		while (r < end && addr_char((unsigned char)*r, 0))
			dot |= *r++ == '.';
		while (r > at + 1 && r[-1] == '.')
			r--;
		if (l == at || r == at + 1 || !dot)
			continue;
		addr = clean_copy(l, (size_t)(r - l), 320);
		for (size_t i = 0; i < w->out->nr; i++)
			dup |= w->out->rcpt[i].final_recipient && !strcasecmp(w->out->rcpt[i].final_recipient, addr);
		if (dup || verp_parse(addr, w->return_path, NULL) || !strncasecmp(addr, "mailer-daemon@", 14) ||
		    !strncasecmp(addr, "postmaster@", 11)) {
			free(addr);
			continue;
		}
		ALLOC_GROW(w->out->rcpt, w->out->nr + 1, w->out->alloc);
		w->out->rcpt[w->out->nr] = (struct gw_dsn_rcpt){ .final_recipient = addr,
								 .action = GW_DSN_FAILED,
								 .diagnostic = xstrdup(diag) };
		memcpy(w->out->rcpt[w->out->nr].status, status, strlen(status) + 1);
		w->out->nr++;
		at = r - 1;
	}
	if (!w->out->nr) {
		ALLOC_GROW(w->out->rcpt, 1, w->out->alloc);
		w->out->rcpt[0] = (struct gw_dsn_rcpt){ .action = GW_DSN_FAILED, .diagnostic = xstrdup(diag) };
		memcpy(w->out->rcpt[0].status, status, strlen(status) + 1);
		w->out->nr = 1;
	}
}

/* Does the message present itself as a bounce: a null return path, a
 * mailer daemon or postmaster as the sender, or a subject that says so? */
static int looks_like_bounce(struct span hdr)
{
	static const char *const subjects[] = {
		"undeliver",	       "delivery status", "delivery failure",
		"failure notice",      "returned mail",	  "mail delivery failed",
		"delivery has failed", "non-delivery",	  "returned to sender",
	};
	struct buf v = BUF_INIT;
	int yes = 0;
	if (header_get(hdr, "Return-Path", &v) && (!v.len || !strcmp(v.data, "<>")))
		yes = 1;
	if (!yes && header_get(hdr, "From", &v) &&
	    (memcasestr(v.data, v.len, "mailer-daemon") || memcasestr(v.data, v.len, "postmaster")))
		yes = 1;
	if (!yes && header_get(hdr, "Subject", &v))
		for (size_t i = 0; i < ARRAY_SIZE(subjects) && !yes; i++)
			yes = memcasestr(v.data, v.len, subjects[i]) != NULL;
	buf_release(&v);
	return yes;
}

/* Our headers in the text of a bounce that returns the message inline. */
static void ids_inline(struct walk *w)
{
	const char *p = w->text.data, *end = p + w->text.len;
	while (p < end) {
		const char *e = eol(p, end);
		struct span line = { p, (size_t)(e - p) };
		if (span_iprefix(line, "X-Crmgate-Outbox:")) {
			struct span v = trim((struct span){ p + 17, line.n - 17 });
			set_id(w, parse_id(v.p, v.n), GW_DSN_SRC_HEADER);
		} else if (span_iprefix(line, "Message-ID:"))
			set_id(w, our_message_id(p + 11, line.n - 11, &w->out->message_id), GW_DSN_SRC_MESSAGE_ID);
		p = e < end ? e + 1 : end;
	}
}

/* ---------------------------------------------------------------- public */

int gw_dsn_parse(struct gw_dsn *out, const char *msg, size_t len, const char *return_path, struct err *err)
{
	static const char *const verp_fields[] = { "Delivered-To", "X-Original-To", "Envelope-To", "To" };
	struct walk w = { .out = out, .return_path = return_path, .text = BUF_INIT, .err = err };
	struct span hdr, body;
	struct ctype top;
	struct buf v = BUF_INIT;
	int rc = 0;

	*out = (struct gw_dsn)GW_DSN_INIT;
	if (len > GW_DSN_MAX_SIZE)
		return err_set(err, ERR_INPUT, "message of %zu bytes is larger than %u", len, GW_DSN_MAX_SIZE);
	w.text.cap = TEXT_CAP + 1;
	split_entity((struct span){ msg, len }, &hdr, &body);
	if (header_get(hdr, "Content-Type", &v))
		parse_ctype(&top, v.data, v.len);
	else
		parse_ctype(&top, "text/plain", 10);
	if ((rc = walk_entity(&w, (struct span){ msg, len }, 0, NULL)))
		goto done;

	for (size_t i = 0; i < out->nr; i++)
		if (out->rcpt[i].action != GW_DSN_ACTION_NONE && !strcmp(top.type, "multipart/report") &&
		    (!strcmp(top.report_type, "delivery-status") || !strcmp(top.report_type, "global-delivery-status")))
			out->kind = GW_DSN_REPORT;

	/* the ids, strongest first wins whatever order they are found in */
	if (out->envelope_id)
		set_id(&w, envid_id(out->envelope_id), GW_DSN_SRC_ENVID);
	if (w.postfix_sender)
		return_path_ids(&w, w.postfix_sender);
	for (size_t i = 0; i < ARRAY_SIZE(verp_fields); i++)
		if (header_get(hdr, verp_fields[i], &v))
			return_path_ids(&w, v.data);
	if (out->kind == GW_DSN_REPORT)
		goto done;

	/* Not a report (or one without a single readable recipient): a loose
	 * bounce must look like one, name a 5xx before any returned copy, and
	 * be tied to a message of ours. */
	ids_inline(&w);
	for (size_t i = 0; i < out->nr; i++) {
		free(out->rcpt[i].final_recipient), free(out->rcpt[i].original_recipient);
		free(out->rcpt[i].diagnostic);
	}
	out->nr = 0;
	if (out->outbox_id && looks_like_bounce(hdr)) {
		const char *end = copy_marker(w.text.data, w.text.data + w.text.len);
		char *diag = NULL, status[16];
		if (find_5xx(w.text.data, end, &diag, status)) {
			out->kind = GW_DSN_LOOSE;
			loose_rcpts(&w, w.text.data, end, diag, status);
		}
		free(diag);
	}
done:
	if (rc || out->kind == GW_DSN_NONE) {
		/* the ids of something that is no bounce mean nothing */
		out->outbox_id = 0;
		out->source = GW_DSN_SRC_NONE;
		out->tag_id = 0;
		free(out->tag);
		out->tag = NULL;
	}
	free(w.postfix_sender);
	buf_release(&w.text);
	buf_release(&v);
	return rc;
}

void gw_dsn_release(struct gw_dsn *dsn)
{
	for (size_t i = 0; i < dsn->nr; i++) {
		free(dsn->rcpt[i].final_recipient);
		free(dsn->rcpt[i].original_recipient);
		free(dsn->rcpt[i].diagnostic);
	}
	free(dsn->rcpt);
	free(dsn->message_id);
	free(dsn->tag);
	free(dsn->envelope_id);
	free(dsn->reporting_mta);
	*dsn = (struct gw_dsn)GW_DSN_INIT;
}

static enum gw_dsn_verdict verdict_of(const struct gw_dsn_rcpt *r)
{
	switch (r->action) {
	case GW_DSN_FAILED:
		if (r->status[0] == '5')
			return GW_DSN_V_BOUNCED;
		if (r->status[0] == '4')
			return GW_DSN_V_FAILED;
		/* no status: the SMTP reply in the diagnostic decides */
		if (r->diagnostic && r->diagnostic[0] == '5' && isdigit((unsigned char)r->diagnostic[1]) &&
		    isdigit((unsigned char)r->diagnostic[2]))
			return GW_DSN_V_BOUNCED;
		return GW_DSN_V_FAILED;
	case GW_DSN_DELAYED: return GW_DSN_V_DELAYED;
	case GW_DSN_DELIVERED: return GW_DSN_V_DELIVERED;
	case GW_DSN_RELAYED:
	case GW_DSN_EXPANDED: return GW_DSN_V_RELAYED;
	case GW_DSN_ACTION_NONE: break;
	}
	return GW_DSN_V_NONE;
}

/* How bad a verdict is, for "the worst block decides". */
static int severity(enum gw_dsn_verdict v)
{
	static const int rank[] = { [GW_DSN_V_NONE] = 0,    [GW_DSN_V_RELAYED] = 1, [GW_DSN_V_DELIVERED] = 2,
				    [GW_DSN_V_DELAYED] = 3, [GW_DSN_V_FAILED] = 4,  [GW_DSN_V_BOUNCED] = 5 };
	return rank[v];
}

static int same_address(const char *a, const char *b)
{
	struct span x, y;
	if (!a || !b)
		return 0;
	x = trim((struct span){ a, strlen(a) });
	y = trim((struct span){ b, strlen(b) });
	return x.n == y.n && !strncasecmp(x.p, y.p, x.n);
}

enum gw_dsn_verdict gw_dsn_verdict(const struct gw_dsn *dsn, const char *recipient, int *matched,
				   const struct gw_dsn_rcpt **which)
{
	const struct gw_dsn_rcpt *best = NULL, *mine = NULL;
	enum gw_dsn_verdict v = GW_DSN_V_NONE;
	for (size_t i = 0; i < dsn->nr; i++) {
		const struct gw_dsn_rcpt *r = &dsn->rcpt[i];
		enum gw_dsn_verdict rv = verdict_of(r);
		if (recipient &&
		    (same_address(r->final_recipient, recipient) || same_address(r->original_recipient, recipient)) &&
		    (!mine || severity(rv) > severity(verdict_of(mine))))
			mine = r;
		if (!best || severity(rv) > severity(v))
			best = r, v = rv;
	}
	if (matched)
		*matched = mine != NULL;
	if (mine)
		best = mine;
	if (which)
		*which = best;
	return best ? verdict_of(best) : GW_DSN_V_NONE;
}

const char *gw_dsn_action_name(enum gw_dsn_action action)
{
	static const char *const names[] = { "none", "failed", "delayed", "delivered", "relayed", "expanded" };
	return names[action];
}
