/* gateway/mime_read.h - a received e-mail read back as text: its header
 * fields with their encoded words decoded (RFC 5322, RFC 2047), and its
 * text body as UTF-8 (MIME: RFC 2045, 2046): quoted-printable and base64
 * undone, the text/plain part of a multipart/alternative or mixed message
 * (else its text/html part, tags stripped and entities decoded), its
 * charset (UTF-8, GBK/GB2312/GB18030, Big5, ISO-8859-x, ...) converted.
 *
 * Every byte is untrusted. What cannot be decoded is refused with the
 * reason, never guessed: a charset nobody knows, bytes that are not of the
 * charset the part names, a message with no text part. */
#ifndef GATEWAY_MIME_READ_H
#define GATEWAY_MIME_READ_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* The most bytes of decoded text kept of a body; a longer one is refused. */
#define GW_MIME_READ_MAX (4u << 20)

/* One header field: its name as written, its value unfolded and decoded
 * (valid UTF-8, no line breaks). */
struct gw_mime_field {
	char *name;
	char *value;
};

struct gw_mime_text {
	struct gw_mime_field *fields; /* in the order of the message */
	size_t nfields, alloc;
	char *body; /* the text body, UTF-8, LF line ends; NULL when it could not be read */
	size_t body_len;
	int from_html; /* the body is the text of an HTML part */
};

/* Read msg (len bytes, CRLF or LF line ends) into out, which the caller
 * releases whatever the result. ERR_INPUT when the body cannot be read as
 * text: err says why (the part and its charset or encoding); out's fields
 * are filled all the same, so that the message can be shown and kept. */
int gw_mime_read(struct gw_mime_text *out, const char *msg, size_t len, struct err *err);
void gw_mime_text_release(struct gw_mime_text *m);

/* The value of the first field named name (in any case), or NULL. */
const char *gw_mime_text_field(const struct gw_mime_text *m, const char *name);

/* Append len bytes of s to out as valid UTF-8 text: bytes that are not
 * UTF-8 become U+FFFD, NUL bytes are left out (raw bytes to be kept in a
 * text column for a person to read). */
void gw_mime_add_raw(struct buf *out, const char *s, size_t len);

#endif
