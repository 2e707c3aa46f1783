/* gateway/mime.h - one e-mail message as bytes, ready for SMTP or a .eml file:
 * Internet Message Format headers (RFC 5322), MIME (RFC 2045, 2046), encoded
 * words for non-ASCII names and subjects (RFC 2047), non-ASCII attachment
 * names (RFC 2231), List-Unsubscribe (RFC 2369) with one-click (RFC 8058).
 *
 * Every value may come from the CRM, so none of them can add a header or a
 * recipient: addresses with anything but an address in them are refused, and
 * names, subjects and header values lose their control characters and line
 * breaks and are encoded when they are not plain ASCII. */
#ifndef GATEWAY_MIME_H
#define GATEWAY_MIME_H

#include <stddef.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"

struct gw_mail {
	const char *from_name, *from_addr; /* name may be NULL */
	const char *to_name, *to_addr;	   /* name may be NULL */
	const char *reply_to;		   /* an address, or NULL */
	const char *subject;		   /* UTF-8; NULL or empty: no Subject */
	const char *text;		   /* text/plain body, UTF-8, or NULL */
	const char *html;		   /* text/html body, UTF-8, or NULL; both: multipart/alternative */
	const char *attach_name;	   /* UTF-8 file name; NULL: no attachment */
	const void *attach;
	size_t attach_len;
	const char *attach_type; /* "type/subtype"; NULL: application/octet-stream */
	const char *message_id;	 /* "left@right" without <>, or NULL to make one at msgid_domain */
	const char *msgid_domain;
	const char *unsubscribe_mailto; /* an address (with an optional ?query), or NULL */
	const char *unsubscribe_url;	/* an https URL that takes a one-click POST, or NULL */
	const char *const *extra;	/* "Name: value" headers of ours, NULL-terminated; may be NULL */
	time_t date;			/* 0: now */
};

/* Append the message m to out: CRLF line ends, no line over 998 octets,
 * bodies in quoted-printable or base64 (whichever is shorter) with
 * charset=UTF-8, the attachment in base64, multipart/alternative when there
 * are both bodies and multipart/mixed around them with an attachment.
 *
 * A bad address, Message-ID, URL, content type or extra header, or text that
 * is not UTF-8, is ERR_INPUT naming the field; out is then as it was. A
 * caller that needs the Message-ID (to match replies and bounces) passes its
 * own. */
int gw_mime_build(struct buf *out, const struct gw_mail *m, struct err *err);

/* Is addr a plain address (dot-atom@host), as every address of a message
 * must be? ERR_INPUT naming it as what ("reply-to address") and why not. */
int gw_mime_check_addr(const char *addr, const char *what, struct err *err);

#endif
