/* gateway/smtp.h - handing messages to an SMTP server: one connection for many
 * messages (RFC 5321), STARTTLS (RFC 3207), AUTH PLAIN or LOGIN (RFC 4954),
 * enhanced status codes (RFC 3463); and the tagged return path that ties a
 * bounce to its outbox row.
 *
 * Each send ends in one outcome of enum gw_outcome: sent (2xx after the final
 * dot), temporary (4xx, a refused or timed-out connection, a connection lost
 * before the final dot), permanent (5xx), slowdown (421, or a 4xx with an
 * enhanced code 4.7.x: the server asks us to back off) or unknown (the final
 * dot went out and no reply came: the message may have arrived, and sending
 * it again may deliver it twice). */
#ifndef GATEWAY_SMTP_H
#define GATEWAY_SMTP_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "gateway/outbox.h"

/* The most of a server's reply kept in a result, on one line. */
#define GW_SMTP_REPLY_MAX 1000

struct gw_smtp_opts {
	const char *url;		 /* smtp://HOST:PORT or smtps://HOST:PORT (port 25 or 465 when left out) */
	const char *username, *password; /* NULL: no AUTH */
	const char *helo;		 /* the EHLO name; NULL: this host's name */
	/* The SHA-256 fingerprint of the server's TLS certificate ("AB:CD:...",
	 * colons and case free); NULL: not checked (the fingerprint seen is
	 * logged, once, for pinning) */
	const char *tls_fingerprint;
	/* Seconds, whole (libetpan's unit), up to a day; 0: the RFC 5321 defaults. connect:
	 * the TCP connect (30 s); command: the greeting, each command's reply
	 * and each write of the message (300 s); final: the reply after the
	 * final dot (600 s, RFC 5321 4.5.3.2.6 - giving up earlier is how
	 * duplicates happen). */
	long connect_timeout, command_timeout, final_timeout;
};

/* Where a send ended: the step whose reply (or silence) decided it. */
enum gw_smtp_stage {
	GW_SMTP_CONNECT,
	GW_SMTP_GREETING,
	GW_SMTP_EHLO,
	GW_SMTP_STARTTLS,
	GW_SMTP_AUTH,
	GW_SMTP_RSET,
	GW_SMTP_MAIL,
	GW_SMTP_RCPT,
	GW_SMTP_DATA,
	GW_SMTP_BODY, /* writing the message, before the final dot was out */
	GW_SMTP_DOT,  /* the reply to the final dot */
};

struct gw_smtp_result {
	enum gw_outcome outcome;
	enum gw_smtp_stage stage;
	int code;	     /* the server's reply code; 0: no reply (connection lost, timeout) */
	char enhanced[16];   /* its enhanced status code ("4.7.1"), or "" */
	struct buf reply;    /* "250 2.0.0 Ok: queued as 4F1D2" on one line, or what went wrong without one */
	struct buf queue_id; /* the server's id of the accepted message ("4F1D2"), or "" */
};

void gw_smtp_result_init(struct gw_smtp_result *r);
void gw_smtp_result_release(struct gw_smtp_result *r);
/* Empty r for the next message (temporary, at connect, no reply); the
 * buffers are kept. */
void gw_smtp_result_reset(struct gw_smtp_result *r);
/* The stage's SMTP command ("RCPT TO", "end of data"...), for messages. */
const char *gw_smtp_stage_name(enum gw_smtp_stage stage);

struct gw_smtp;

/* Connect to o->url, read the greeting, EHLO (HELO when EHLO is refused),
 * STARTTLS whenever the server offers it, then AUTH when o->username is set.
 * Opportunistic STARTTLS protects the messages' contents (personal data), not
 * only the password. A password is never sent in clear text except to a
 * loopback address: without TLS elsewhere that is ERR_INPUT. Note that the
 * server's certificate is not verified (libetpan does not): TLS here guards
 * against listeners, not against an impostor.
 *
 * o and its strings are borrowed until gw_smtp_close. A bad URL is
 * ERR_INPUT; a server that cannot be reached, times out or answers 4xx is
 * ERR_TEMPFAIL; one that refuses us (5xx to the greeting, EHLO or AUTH) is
 * ERR_PERMFAIL. Ignores SIGPIPE when it is at its default (libetpan writes
 * with send() without MSG_NOSIGNAL). */
int gw_smtp_open(struct gw_smtp **out, const struct gw_smtp_opts *o, struct err *err);

/* Send one message of len bytes (CRLF or LF line ends; lines starting with
 * a dot are escaped here, and the bytes arrive as given, CRLF line ends)
 * from the envelope sender to one recipient, on the open connection: RSET
 * first when the connection's last transaction did not end with the message
 * taken (a refused recipient, say), then MAIL FROM, RCPT TO, DATA. When the
 * server has closed the connection while it was idle, found out before
 * anything of this message is taken (no reply, or 421, to RSET or MAIL),
 * connects again once and goes on.
 *
 * r (initialised by the caller) is reset and then says what became of it.
 * Returns 0 when sent; otherwise ERR_TEMPFAIL (temporary, slowdown,
 * unknown) or ERR_PERMFAIL, with err saying what happened. An envelope
 * address that is empty, too long, not ASCII or has a control character,
 * space or angle bracket is ERR_INPUT (outcome permanent, nothing sent). */
int gw_smtp_send(struct gw_smtp *s, const char *from, const char *rcpt, const char *msg, size_t len,
		 struct gw_smtp_result *r, struct err *err);

/* QUIT (without waiting for its reply) and free; NULL does nothing. */
void gw_smtp_close(struct gw_smtp *s);

/* The return path of an outbox row, appended to out: with tag (the row's
 * crm.bounce_tag) "bounces+42.TAG@example.test" from return_path
 * "bounces@example.test" and id 42; without (NULL), return_path itself.
 * gateway/dsn.c reads it back from bounces. A return_path that is not
 * LOCAL@DOMAIN (ASCII, no space, control or angle bracket), or whose local
 * part would grow past the 64 characters of RFC 5321, is ERR_INPUT. */
int gw_smtp_return_path(struct buf *out, const char *return_path, long id, const char *tag, struct err *err);

#endif
