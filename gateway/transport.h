/* gateway/transport.h - where e-mail goes: an ops table of transports.
 *
 *   smtp   smtp://HOST:PORT or smtps://HOST:PORT, a real server (gateway/smtp.c)
 *   file   file:DIR, a Maildir (DIR/tmp, DIR/new, DIR/cur): each message is
 *          written to tmp, fsynced, and renamed into new under a unique name;
 *          the embedded default, for the demo and for looking at messages
 *
 * Both take the message bytes, the envelope sender and one recipient, and
 * describe the outcome in a struct gw_smtp_result. */
#ifndef GATEWAY_TRANSPORT_H
#define GATEWAY_TRANSPORT_H

#include <stddef.h>

#include "common/err.h"
#include "gateway/smtp.h"

struct gw_transport {
	const char *scheme;
	/* o->url names the place; o and its strings are borrowed until close.
	 * The smtp transport connects at the first message, so that a server
	 * that is down is that message's temporary failure, not open's. */
	int (*open)(void **state, const struct gw_smtp_opts *o, struct err *err);
	/* As gw_smtp_send: r reset and filled, 0 when sent. */
	int (*send)(void *state, const char *from, const char *rcpt, const char *msg, size_t len,
		    struct gw_smtp_result *r, struct err *err);
	void (*close)(void *state);
};

extern const struct gw_transport gw_transport_smtp;
extern const struct gw_transport gw_transport_file;

/* The transport for url: smtp:// and smtps:// are smtp, file: is file.
 * Anything else is ERR_INPUT. */
int gw_transport_find(const struct gw_transport **out, const char *url, struct err *err);

/* The file transport puts the new file's name (in DIR/new) in r->queue_id and
 * "saved as PATH" in r->reply; DIR, tmp, new and cur are made when missing. */

#endif
