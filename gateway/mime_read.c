/* gateway/mime_read.c - a received e-mail read back as text (see
 * mime_read.h): libetpan parses the header fields and the MIME structure
 * and undoes the transfer encodings (RFC 2045 quoted-printable and base64)
 * and the encoded words (RFC 2047), iconv converts each charset to UTF-8,
 * and the text of an HTML-only message is merge_xml_html_text's (libxml2's
 * HTML parser), its quoted original quoted with "> " as a plain-text
 * client writes it, so that the reader of the answers cuts it the same
 * way. */
#include "gateway/mime_read.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "common/utf8.h"
#include "common/xalloc.h"
#include "gateway/dsn.h"
#include "merge/docx_xml.h"
#include "common/banned.h"

/* Message within message: a forwarded one inside a reply, and so on. */
#define MAX_DEPTH 16

/* The most Content-Type fields of a message or multipart a message may
 * hold, anywhere in it: libetpan's mailmime_parse recurses once for each
 * level of nesting, with no limit of its own, so that a small message of
 * many nested message/rfc822 parts overflows the stack. Each level needs
 * a field of its own (a part without one is text/plain, or in a
 * multipart/digest one message/rfc822 whose own parts need one again), so
 * this bounds the depth libetpan reaches, and is four times what
 * find_text reads. */
#define MAX_COMPOSITE (4 * MAX_DEPTH)

void gw_mime_add_raw(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (!n) {
			buf_adds(out, "\xEF\xBF\xBD");
			i++;
		} else {
			if (cp)
				buf_add(out, s + i, n);
			i += n;
		}
	}
}

/* ---------------------------------------------------------------- fields */

static void add_field(struct gw_mime_text *m, const char *name, const char *value)
{
	struct buf v = BUF_INIT, raw = BUF_INIT;
	char *decoded = NULL;
	size_t idx = 0;

	/* unfolded: a line break and the white space after it are one space */
	for (const char *p = value; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			while (p[1] == '\r' || p[1] == '\n' || p[1] == ' ' || p[1] == '\t')
				p++;
			buf_addch(&raw, ' ');
		} else {
			buf_addch(&raw, *p);
		}
	}
	/* only a value with encoded words goes through the decoder, which
	 * rewrites the spacing of what it does not decode */
	if (strstr(raw.data, "=?") &&
	    mailmime_encoded_phrase_parse("utf-8", raw.data, raw.len, &idx, "utf-8", &decoded) == MAILIMF_NO_ERROR &&
	    decoded) {
		gw_mime_add_raw(&v, decoded, strlen(decoded));
		free(decoded);
	} else {
		gw_mime_add_raw(&v, raw.data, raw.len);
	}
	ALLOC_GROW(m->fields, m->nfields + 1, m->alloc);
	m->fields[m->nfields].name = xstrdup(name);
	m->fields[m->nfields].value = buf_detach(&v, NULL);
	m->nfields++;
	buf_release(&raw);
}

static void read_fields(struct gw_mime_text *m, const char *msg, size_t len)
{
	struct mailimf_fields *fields = NULL;
	size_t idx = 0;

	if (mailimf_optional_fields_parse(msg, len, &idx, &fields) != MAILIMF_NO_ERROR || !fields)
		return;
	for (clistiter *it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);
		if (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD)
			add_field(m, f->fld_data.fld_optional_field->fld_name,
				  f->fld_data.fld_optional_field->fld_value);
	}
	mailimf_fields_free(fields);
}

const char *gw_mime_text_field(const struct gw_mime_text *m, const char *name)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (!strcasecmp(m->fields[i].name, name))
			return m->fields[i].value;
	return NULL;
}

/* ----------------------------------------------------------------- parts */

/* The type/subtype of a part, lower case, into out (64 bytes). */
static void part_type(char out[64], const struct mailmime *mime)
{
	const struct mailmime_content *ct = mime->mm_content_type;
	const char *type = "text", *sub = ct && ct->ct_subtype ? ct->ct_subtype : "plain";

	if (ct && ct->ct_type && ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		switch (ct->ct_type->tp_data.tp_discrete_type->dt_type) {
		case MAILMIME_DISCRETE_TYPE_TEXT: type = "text"; break;
		case MAILMIME_DISCRETE_TYPE_IMAGE: type = "image"; break;
		case MAILMIME_DISCRETE_TYPE_AUDIO: type = "audio"; break;
		case MAILMIME_DISCRETE_TYPE_VIDEO: type = "video"; break;
		case MAILMIME_DISCRETE_TYPE_APPLICATION: type = "application"; break;
		default: type = ct->ct_type->tp_data.tp_discrete_type->dt_extension; break;
		}
	} else if (ct && ct->ct_type) {
		type = ct->ct_type->tp_data.tp_composite_type->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message"
													  : "multipart";
	}
	snprintf(out, 64, "%s/%s", type ? type : "x", sub);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

static int is_attachment(const struct mailmime *mime)
{
	if (!mime->mm_mime_fields)
		return 0;
	for (clistiter *it = clist_begin(mime->mm_mime_fields->fld_list); it; it = clist_next(it)) {
		const struct mailmime_field *f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION && f->fld_data.fld_disposition->dsp_type &&
		    f->fld_data.fld_disposition->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			return 1;
	}
	return 0;
}

/* The first text/plain and text/html parts that are no attachment: [0] of
 * the message itself, [1] of a message inside it (a forwarded one). */
struct found {
	const struct mailmime *plain[2], *html[2];
};

static void find_text(struct found *f, const struct mailmime *mime, int nested, int depth)
{
	char type[64];

	if (!mime || depth > MAX_DEPTH)
		return;
	switch (mime->mm_type) {
	case MAILMIME_SINGLE:
		part_type(type, mime);
		if (is_attachment(mime))
			break;
		if (!strcmp(type, "text/plain") && !f->plain[nested])
			f->plain[nested] = mime;
		else if (!strcmp(type, "text/html") && !f->html[nested])
			f->html[nested] = mime;
		break;
	case MAILMIME_MULTIPLE:
		for (clistiter *it = clist_begin(mime->mm_data.mm_multipart.mm_mp_list); it; it = clist_next(it))
			find_text(f, clist_content(it), nested, depth + 1);
		break;
	case MAILMIME_MESSAGE:
		find_text(f, mime->mm_data.mm_message.mm_msg_mime, nested || mime->mm_parent != NULL, depth + 1);
		break;
	}
}

/* The iconv name of a part's charset; NULL for one that is no name (it
 * could carry iconv's "//IGNORE" and such). */
static const char *iconv_name(const char *charset, char lower[64])
{
	static const char *const gb[] = { "gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "x-euc-cn" };
	size_t n = strlen(charset);

	if (!n || n >= 64)
		return NULL;
	for (size_t i = 0; i <= n; i++) {
		char c = charset[i];
		if (c &&
		    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.:", c)))
			return NULL;
		lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	/* what Chinese clients label GB2312 or GBK is often GBK or GB18030,
	 * of which the others are subsets */
	for (size_t i = 0; i < sizeof(gb) / sizeof(*gb); i++)
		if (!strcmp(lower, gb[i]))
			return "GB18030";
	if (!strcmp(lower, "big5") || !strcmp(lower, "x-big5") || !strcmp(lower, "cp950"))
		return "BIG5-HKSCS";
	if (!strcmp(lower, "ks_c_5601-1987"))
		return "CP949";
	return lower;
}

static int is_utf8_name(const char *lower)
{
	return !strcmp(lower, "utf-8") || !strcmp(lower, "utf8") || !strcmp(lower, "us-ascii") ||
	       !strcmp(lower, "ascii");
}

/* Convert len bytes of s in charset to UTF-8 into out. */
static int to_utf8(struct buf *out, const char *s, size_t len, const char *charset, const char *type, struct err *err)
{
	char lower[64];
	const char *name = iconv_name(charset, lower);
	iconv_t cd;
	char *in = (char *)s;
	size_t left = len;
	int rc = 0;

	if (!name)
		return err_set(err, ERR_INPUT, "the %s part's charset '%.40s' is no charset name", type, charset);
	if (is_utf8_name(name)) {
		/* US-ASCII is what a part without a charset is said to be;
		 * clients that send 8-bit text without saying so send UTF-8 */
		if (!utf8_valid(s, len)) {
			long at = utf8_find_forbidden(s, len, &(uint32_t){ 0 });
			return err_set(err, ERR_INPUT, "the %s part (charset %s) is not valid UTF-8 at byte %ld", type,
				       charset, at);
		}
		buf_add(out, s, len);
		return 0;
	}
	if ((cd = iconv_open("UTF-8", name)) == (iconv_t)-1)
		return err_set(err, ERR_INPUT, "the %s part's charset '%s' is not one this system can convert", type,
			       charset);
	/* then the flush (in NULL): a converter that holds a letter back to
	 * combine it with what follows (windows-1255, -1258) writes it out */
	for (int flush = 0; flush < 2; flush++) {
		do {
			char chunk[4096], *o = chunk;
			size_t room = sizeof(chunk);
			size_t r = flush ? iconv(cd, NULL, NULL, &o, &room) : iconv(cd, &in, &left, &o, &room);
			buf_add(out, chunk, (size_t)(o - chunk));
			if (r != (size_t)-1)
				break;
			if (errno != E2BIG) {
				rc = err_set(err, ERR_INPUT, "the %s part is not valid %s at byte %zu", type, charset,
					     (size_t)(in - s));
				break;
			}
		} while (flush || left);
		if (rc)
			break;
	}
	iconv_close(cd);
	if (!rc && !utf8_valid(out->data, out->len))
		rc = err_set(err, ERR_INPUT, "the %s part holds a NUL byte", type);
	return rc;
}

/* The part's content, transfer encoding undone, as UTF-8 with LF line ends. */
static int part_text(struct buf *out, const struct mailmime *mime, const char *type, struct err *err)
{
	const struct mailmime_data *d = mime->mm_data.mm_single;
	struct buf conv = BUF_INIT;
	char *decoded = NULL, *charset = NULL;
	const char *s;
	size_t len, idx = 0;
	int rc = 0;

	if (!d || d->dt_type != MAILMIME_DATA_TEXT)
		return err_set(err, ERR_INPUT, "the %s part has no content", type);
	s = d->dt_data.dt_text.dt_data;
	len = d->dt_data.dt_text.dt_length;
	if (d->dt_encoded) {
		if (mailmime_part_parse(s, len, &idx, d->dt_encoding, &decoded, &len) != MAILIMF_NO_ERROR)
			return err_set(err, ERR_INPUT, "the %s part's transfer encoding could not be undone", type);
		s = decoded;
	}
	if (len > GW_MIME_READ_MAX)
		rc = err_set(err, ERR_INPUT, "the %s part is larger than %u bytes", type, GW_MIME_READ_MAX);
	if (!rc) {
		if (mime->mm_content_type)
			charset = mailmime_content_param_get(mime->mm_content_type, "charset");
		rc = to_utf8(&conv, s, len, charset ? charset : "us-ascii", type, err);
	}
	for (size_t i = 0; !rc && i < conv.len; i++) {
		if (conv.data[i] != '\r')
			buf_addch(out, conv.data[i]);
		else if (i + 1 == conv.len || conv.data[i + 1] != '\n')
			buf_addch(out, '\n');
	}
	if (decoded)
		mailmime_decoded_part_free(decoded);
	buf_release(&conv);
	return rc;
}

/* ------------------------------------------------------------------ read */

static int starts_icase(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - p) >= n && !strncasecmp(p, word, n);
}

/* The Content-Type fields of a message or multipart in msg, counted at the
 * start of every line whatever the part they are in (an over-count refuses
 * a message, an under-count would let it crash): more than MAX_COMPOSITE
 * is ERR_INPUT. Cheap and linear, before libetpan sees the message. */
static int check_nesting(const char *msg, size_t len, struct err *err)
{
	const char *end = msg + len;
	size_t n = 0;

	for (const char *p = msg; p < end; p++) {
		const char *v;
		if (p != msg && p[-1] != '\n' && p[-1] != '\r')
			continue;
		if (!starts_icase(p, end, "content-type"))
			continue;
		v = p + 12;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v == end || *v != ':')
			continue;
		v = gw_dsn_skip_cfws(v + 1, end);
		if ((starts_icase(v, end, "message") || starts_icase(v, end, "multipart")) && ++n > MAX_COMPOSITE)
			return err_set(
				err, ERR_INPUT,
				"the message holds more than %d messages and multiparts (nested too deep to read)",
				MAX_COMPOSITE);
	}
	return 0;
}

int gw_mime_read(struct gw_mime_text *out, const char *msg, size_t len, struct err *err)
{
	struct mailmime *mime = NULL;
	struct found f = { { NULL, NULL }, { NULL, NULL } };
	const struct mailmime *part = NULL;
	struct buf text = BUF_INIT, plain = BUF_INIT;
	size_t idx = 0;
	int rc = 0, html = 0;

	memset(out, 0, sizeof(*out));
	read_fields(out, msg, len);
	if ((rc = check_nesting(msg, len, err)))
		return rc;
	if (mailmime_parse(msg, len, &idx, &mime) != MAILIMF_NO_ERROR || !mime)
		return err_set(err, ERR_INPUT, "the message's MIME structure could not be read");
	find_text(&f, mime, 0, 0);
	for (int nested = 0; nested < 2 && !part; nested++) {
		if ((part = f.plain[nested]))
			html = 0;
		else if ((part = f.html[nested]))
			html = 1;
	}
	if (!part) {
		rc = err_set(err, ERR_INPUT, "the message has no text part (only attachments, or no body)");
		goto done;
	}
	if ((rc = part_text(&text, part, html ? "text/html" : "text/plain", err)))
		goto done;
	if (html) {
		if ((rc = merge_xml_html_text(&plain, text.data, text.len, err)))
			goto done;
	}
	out->from_html = html;
	out->body = buf_detach(html ? &plain : &text, &out->body_len);
done:
	buf_release(&text);
	buf_release(&plain);
	mailmime_free(mime);
	return rc;
}

void gw_mime_text_release(struct gw_mime_text *m)
{
	for (size_t i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		free(m->fields[i].value);
	}
	free(m->fields);
	free(m->body);
	memset(m, 0, sizeof(*m));
}
