/* gateway/smtp.c - outbox delivery over SMTP with libetpan's SMTP client
 * (RFC 5321; STARTTLS RFC 3207; AUTH RFC 4954; enhanced status codes RFC
 * 3463), and the tagged return path of each outbox row.
 *
 * The one file that includes <libetpan/libetpan.h> for SMTP. What libetpan
 * (1.9.4) does that shaped this file:
 *  - EHLO and HELO always name gethostname() (or the address): there is no
 *    way to give the EHLO name, so EHLO is written here on libetpan's stream
 *    and its reply read here, and the extensions it lists are recorded in
 *    the session for libetpan's STARTTLS, AUTH and MAIL FROM SIZE=.
 *  - mailsmtp_data_message() returns one "stream error" whether the
 *    connection died while the message was being written (nothing can have
 *    been delivered) or after the final dot (it may have been): the one
 *    difference between a retry and a possible duplicate. Its writer also
 *    always sends CRLF before the final dot, so a message that ends in CRLF
 *    (all of them) arrives one empty line longer. The message and the final
 *    dot are therefore written here, and the reply to it read here.
 *  - The greeting is read inside mailsmtp_socket_connect() with the global
 *    300 s delay, and its connect timeout is the session's; so the socket is
 *    connected here and handed to mailsmtp_connect() with its own timeout.
 *  - Timeouts are whole seconds and bound each wait for the socket, not a
 *    whole command.
 *  - Writes use send() without MSG_NOSIGNAL: a server that hung up kills the
 *    process with SIGPIPE unless it is ignored.
 *  - TLS certificates are not verified against certificate authorities:
 *    libetpan hands over the server's certificate alone, without its chain.
 *    It can be pinned instead ([email] tls_fingerprint, SHA-256 of the
 *    certificate, checked before AUTH and before any message).
 *  - Replies are not size-bounded by libetpan (a line is read until LF);
 *    the text kept here is capped.
 *  - Reply codes libetpan does not expect come back as "unexpected code";
 *    the code itself is in the session (response_code), which is what is
 *    used here. */
#include "gateway/smtp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "common/xalloc.h"
#include "gateway/tls.h"
#include "gateway/transport.h"
#include "common/banned.h"

#define DEFAULT_CONNECT_TIMEOUT 30
#define DEFAULT_COMMAND_TIMEOUT 300
#define DEFAULT_FINAL_TIMEOUT	600
#define TIMEOUT_MAX		86400
/* An SMTP path may be 256 octets with its angle brackets (RFC 5321 4.5.3.1.3). */
#define ADDR_MAX  254
#define LOCAL_MAX 64 /* characters of a local part, RFC 5321 4.5.3.1.1 */
/* What is kept of one reply (a hostile server may send a lot). */
#define REPLY_TEXT_CAP	65536
#define REPLY_LINES_MAX 200

struct gw_smtp {
	const struct gw_smtp_opts *o;
	char *host;
	char *where; /* "HOST:PORT", for messages */
	unsigned port;
	int smtps;    /* TLS from the first byte */
	int tls;      /* this connection is encrypted */
	int loopback; /* this connection goes to 127.0.0.0/8 or ::1 */
	int used;     /* this connection has carried a transaction */
	int clean;    /* ...and the last one ended with the message taken: no RSET needed */
	int told;     /* the unpinned certificate's fingerprint was logged */
	char helo[256];
	long t_connect, t_command, t_final;
	mailsmtp *smtp;
	MMAPString *line;
	/* the last reply: code (0: none) and its text, lines joined by LF */
	int code;
	struct buf text;
};

/* ------------------------------------------------------------------ results */

void gw_smtp_result_init(struct gw_smtp_result *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->reply);
	buf_init(&r->queue_id);
	r->reply.cap = GW_SMTP_REPLY_MAX + 1;
	r->queue_id.cap = 128;
}

void gw_smtp_result_release(struct gw_smtp_result *r)
{
	buf_release(&r->reply);
	buf_release(&r->queue_id);
}

void gw_smtp_result_reset(struct gw_smtp_result *r)
{
	r->outcome = GW_TEMPFAIL;
	r->stage = GW_SMTP_CONNECT;
	r->code = 0;
	r->enhanced[0] = '\0';
	buf_reset(&r->reply);
	buf_reset(&r->queue_id);
}

const char *gw_smtp_stage_name(enum gw_smtp_stage stage)
{
	switch (stage) {
	case GW_SMTP_CONNECT: return "connect";
	case GW_SMTP_GREETING: return "greeting";
	case GW_SMTP_EHLO: return "EHLO";
	case GW_SMTP_STARTTLS: return "STARTTLS";
	case GW_SMTP_AUTH: return "AUTH";
	case GW_SMTP_RSET: return "RSET";
	case GW_SMTP_MAIL: return "MAIL FROM";
	case GW_SMTP_RCPT: return "RCPT TO";
	case GW_SMTP_DATA: return "DATA";
	case GW_SMTP_BODY: return "message";
	case GW_SMTP_DOT: return "end of data";
	}
	return "?";
}

/* Append text to b on one line: line breaks and other control characters
 * become single spaces, and what does not fit b's cap is dropped. */
static void add_one_line(struct buf *b, const char *text)
{
	int space = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			space = 1;
			continue;
		}
		if (space && b->len && buf_addch(b, ' '))
			return;
		space = 0;
		if (buf_addch(b, (char)*p))
			return;
	}
}

/* "4.7.1" at the start of text (RFC 3463: class.subject.detail), or "". */
static void enhanced_code(char out[16], const char *text)
{
	const char *p = text + 2;
	size_t n;

	out[0] = '\0';
	if (!(*text == '2' || *text == '4' || *text == '5') || text[1] != '.')
		return;
	n = strspn(p, "0123456789");
	if (n < 1 || n > 3 || p[n] != '.')
		return;
	p += n + 1;
	n = strspn(p, "0123456789");
	if (n < 1 || n > 3 || (p[n] && p[n] != ' '))
		return;
	p += n;
	memcpy(out, text, (size_t)(p - text));
	out[p - text] = '\0';
}

/* The server's id of an accepted message: Postfix and smtp-sink say "queued
 * as ID", Exim "id=ID". */
static void queue_id(struct buf *out, const char *text)
{
	const char *p = strstr(text, "queued as ");
	size_t n;

	if (p)
		p += strlen("queued as ");
	else if ((p = strstr(text, "id=")))
		p += 3;
	else
		return;
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
	buf_add(out, p, n);
}

static enum gw_outcome classify(int code, const char *enhanced)
{
	if (code >= 200 && code < 300)
		return GW_SENT;
	if (code == 421 || !strncmp(enhanced, "4.7.", 4))
		return GW_SLOWDOWN;
	if (code >= 400 && code < 500)
		return GW_TEMPFAIL;
	if (code >= 500 && code < 600)
		return GW_PERMFAIL;
	return GW_TEMPFAIL;
}

/* ---------------------------------------------------------------- the wire */

static void drop(struct gw_smtp *s)
{
	if (s->smtp->stream) {
		mailstream_close(s->smtp->stream);
		s->smtp->stream = NULL;
	}
	s->tls = 0;
	s->used = 0;
	s->clean = 0;
}

static void set_timeout(struct gw_smtp *s, long secs)
{
	mailstream_low_set_timeout(mailstream_get_low(s->smtp->stream), (time_t)secs);
}

/* The reply to what libetpan just sent (its code is 0 when none came). */
static void took_reply(struct gw_smtp *s)
{
	s->code = s->smtp->response_code;
	buf_reset(&s->text);
	if (s->code && s->smtp->response)
		buf_adds(&s->text, s->smtp->response);
	while (s->text.len && s->text.data[s->text.len - 1] == '\n')
		buf_truncate(&s->text, s->text.len - 1);
}

/* Before each libetpan command: no code until a reply is read. */
static void await_reply(struct gw_smtp *s, long secs)
{
	s->smtp->response_code = 0;
	set_timeout(s, secs);
}

/* Read one reply, all its lines; returns its code, 0 when the connection
 * ended, timed out or sent something that is no reply. */
static int read_reply(struct gw_smtp *s)
{
	buf_reset(&s->text);
	s->code = 0;
	for (int n = 0; n < REPLY_LINES_MAX; n++) {
		const char *line = mailstream_read_line_remove_eol(s->smtp->stream, s->line);
		if (!line || !isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]) || (line[3] && line[3] != ' ' && line[3] != '-'))
			return 0;
		if (n)
			buf_addch(&s->text, '\n');
		buf_adds(&s->text, line[3] ? line + 4 : "");
		if (line[3] != '-') {
			s->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
			return s->code;
		}
	}
	return 0;
}

/* Write one command line of ours; returns the reply's code (0: none). */
static int command(struct gw_smtp *s, const char *line, long secs)
{
	set_timeout(s, secs);
	if (mailstream_write(s->smtp->stream, line, strlen(line)) < 0 || mailstream_flush(s->smtp->stream) < 0) {
		s->code = 0;
		return 0;
	}
	return read_reply(s);
}

/* The message, its lines ending in CRLF, each line that starts with a dot
 * given one more (RFC 5321 4.5.2), then the final dot. 0 once all of it is
 * in the kernel's hands. */
static int write_body(mailstream *st, const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;

		if (stop > p && stop[-1] == '\r')
			stop--;
		if (*p == '.' && mailstream_write(st, ".", 1) < 0)
			return -1;
		if (stop > p && mailstream_write(st, p, (size_t)(stop - p)) < 0)
			return -1;
		if (mailstream_write(st, "\r\n", 2) < 0)
			return -1;
		p = next;
	}
	if (mailstream_write(st, ".\r\n", 3) < 0 || mailstream_flush(st) < 0)
		return -1;
	return 0;
}

/* Whether the server has spoken (or hung up) while we said nothing: an idle
 * connection it closed, with or without a 421 first. */
static int peer_spoke(struct gw_smtp *s)
{
	struct pollfd pfd = { 0 };

	if (s->smtp->stream->read_buffer_len > 0)
		return 1;
	pfd.fd = mailstream_low_get_fd(mailstream_get_low(s->smtp->stream));
	pfd.events = POLLIN;
	return pfd.fd < 0 || poll(&pfd, 1, 0) != 0;
}

/* ---------------------------------------------------------------- failures */

/* A step ended otherwise than it should: fill r from the last reply (or its
 * absence), close the connection when it can no longer be trusted, and set
 * err. Returns ERR_PERMFAIL or ERR_TEMPFAIL after r->outcome. */
static int failed(struct gw_smtp *s, struct gw_smtp_result *r, enum gw_smtp_stage stage, const char *rcpt,
		  struct err *err)
{
	const char *what = gw_smtp_stage_name(stage);
	struct buf msg = BUF_INIT;
	int rc;

	r->stage = stage;
	r->code = s->code;
	buf_reset(&r->reply);
	buf_reset(&r->queue_id);
	if (s->code) {
		enhanced_code(r->enhanced, s->text.data);
		buf_addf(&r->reply, "%d", s->code);
		if (s->text.len) {
			buf_addch(&r->reply, ' ');
			add_one_line(&r->reply, s->text.data);
		}
		r->outcome = classify(s->code, r->enhanced);
		/* After the final dot, a reply that is neither yes nor no
		 * cannot be read as any answer. */
		if (stage == GW_SMTP_DOT && (s->code < 400 || s->code >= 600))
			r->outcome = GW_UNKNOWN;
		else if (r->outcome == GW_SENT)
			r->outcome = GW_TEMPFAIL;
		/* 5xx before the transaction is about us, not the recipient. */
		if (r->outcome == GW_PERMFAIL && stage < GW_SMTP_MAIL)
			r->outcome = GW_TEMPFAIL;
		buf_addf(&msg, "%s: %s answered '%s'", s->where, what, r->reply.data);
	} else {
		r->enhanced[0] = '\0';
		r->outcome = stage == GW_SMTP_DOT ? GW_UNKNOWN : GW_TEMPFAIL;
		if (stage == GW_SMTP_CONNECT)
			buf_addf(&r->reply, "%s", s->text.data);
		else
			buf_addf(&r->reply, "no reply to %s: connection lost or no answer within %ld s", what,
				 stage == GW_SMTP_DOT ? s->t_final : s->t_command);
		buf_addf(&msg, "%s: %s", s->where, r->reply.data);
	}
	/* Only a transaction's own refusal leaves the connection usable. */
	if (s->code < 400 || s->code >= 600 || s->code == 421 || stage < GW_SMTP_MAIL)
		drop(s);
	rc = r->outcome == GW_PERMFAIL ? ERR_PERMFAIL : ERR_TEMPFAIL;
	if (rcpt) {
		static const char *const said[] = {
			[GW_SENT] = "was sent",
			[GW_TEMPFAIL] = "failed for now",
			[GW_PERMFAIL] = "failed for good",
			[GW_UNKNOWN] = "may or may not have arrived",
			[GW_SLOWDOWN] = "was deferred: the server asks us to slow down",
		};
		err_set(err, rc, "e-mail to '%s' %s: %s", rcpt, said[r->outcome], msg.data);
	} else {
		err_set(err, rc, "SMTP server %s", msg.data);
	}
	buf_release(&msg);
	return rc;
}

/* ------------------------------------------------------------- the session */

static int tcp_connect(struct gw_smtp *s, int *out)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char port[8];
	int fd = -1, e = 0;

	*out = -1;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", s->port);
	if ((e = getaddrinfo(s->host, port, &hints, &res))) {
		buf_addf(&s->text, "could not resolve '%s': %s", s->host, gai_strerror(e));
		return -1;
	}
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct pollfd pfd = { 0 };
		socklen_t elen = sizeof(e);

		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			e = errno;
			continue;
		}
		e = 0;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			e = errno;
			if (e == EINPROGRESS) {
				pfd.fd = fd;
				pfd.events = POLLOUT;
				int n = poll(&pfd, 1, (int)(s->t_connect * 1000));
				if (n == 0)
					e = ETIMEDOUT;
				else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen))
					e = errno;
			}
		}
		if (!e && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
			e = errno;
		/* Each command, and the message's last piece with the final dot,
		 * is written whole and then waited for: Nagle's algorithm would
		 * hold the last piece back until the server acknowledges the one
		 * before, which a server delays (40 ms here) — per message */
		if (!e && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int)))
			e = errno;
		if (!e) {
			if (ai->ai_family == AF_INET)
				s->loopback =
					(ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr) >> 24) == 127;
			else
				s->loopback = ai->ai_family == AF_INET6 &&
					      IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
			*out = fd;
			break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (*out < 0) {
		buf_addf(&s->text, "could not connect: %s", strerror(e ? e : ECONNREFUSED));
		return -1;
	}
	return 0;
}

/* EHLO with our name; the extensions go where libetpan looks for them. HELO
 * when the server does not know EHLO. */
static int ehlo(struct gw_smtp *s)
{
	char cmd[300];
	int code;

	snprintf(cmd, sizeof(cmd), "EHLO %s\r\n", s->helo);
	code = command(s, cmd, s->t_command);
	if (code == 500 || code == 502) {
		snprintf(cmd, sizeof(cmd), "HELO %s\r\n", s->helo);
		code = command(s, cmd, s->t_command);
		s->smtp->esmtp = 0;
		s->smtp->auth = MAILSMTP_AUTH_NOT_CHECKED;
		return code == 250 ? 0 : -1;
	}
	if (code != 250)
		return -1;
	s->smtp->esmtp = MAILSMTP_ESMTP;
	s->smtp->auth = MAILSMTP_AUTH_CHECKED;
	s->smtp->smtp_max_msg_size = 0;
	/* the first line is the server's name; each further one an extension */
	for (const char *p = strchr(s->text.data, '\n'); p; p = strchr(p, '\n')) {
		char line[512], *w = line;
		size_t n;

		p++;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		n = strcspn(w, " ");
		if (n == 8 && !strncasecmp(w, "STARTTLS", n))
			s->smtp->esmtp |= MAILSMTP_ESMTP_STARTTLS;
		else if (n == 3 && !strncasecmp(w, "DSN", n))
			s->smtp->esmtp |= MAILSMTP_ESMTP_DSN;
		else if (n == 8 && !strncasecmp(w, "8BITMIME", n))
			s->smtp->esmtp |= MAILSMTP_ESMTP_8BITMIME;
		else if (n == 10 && !strncasecmp(w, "PIPELINING", n))
			s->smtp->esmtp |= MAILSMTP_ESMTP_PIPELINING;
		else if (n == 4 && !strncasecmp(w, "SIZE", n)) {
			s->smtp->esmtp |= MAILSMTP_ESMTP_SIZE;
			s->smtp->smtp_max_msg_size = strtoul(w + n, NULL, 10);
		} else if (n == 4 && !strncasecmp(w, "AUTH", n)) {
			for (w += n; *w;) {
				w += strspn(w, " ");
				n = strcspn(w, " ");
				if (n == 5 && !strncasecmp(w, "PLAIN", n))
					s->smtp->auth |= MAILSMTP_AUTH_PLAIN;
				else if (n == 5 && !strncasecmp(w, "LOGIN", n))
					s->smtp->auth |= MAILSMTP_AUTH_LOGIN;
				w += n;
			}
		}
	}
	return 0;
}

/* The encrypted connection's certificate against [email] tls_fingerprint. */
static int check_certificate(struct gw_smtp *s, struct gw_smtp_result *r, struct err *err)
{
	char *where = xstrfmt("SMTP server %s", s->where);
	unsigned char *der = NULL;
	ssize_t n = mailstream_ssl_get_certificate(s->smtp->stream, &der);
	int rc = gw_tls_check(der, n > 0 ? (size_t)n : 0, where, s->o->tls_fingerprint, s->loopback, &s->told, err);

	free(der);
	free(where);
	if (rc) {
		r->stage = GW_SMTP_STARTTLS;
		drop(s);
	}
	return rc;
}

static int authenticate(struct gw_smtp *s, struct gw_smtp_result *r, struct err *err)
{
	int type;

	if (!s->tls && !s->loopback) {
		r->stage = GW_SMTP_AUTH;
		drop(s);
		err_set(err, ERR_INPUT, "SMTP server %s: will not send the password of '%s' in clear text", s->where,
			s->o->username);
		err_hint(err, "use smtps://, or a server that offers STARTTLS");
		return ERR_INPUT;
	}
	if (s->smtp->auth & MAILSMTP_AUTH_PLAIN)
		type = MAILSMTP_AUTH_PLAIN;
	else if (s->smtp->auth & MAILSMTP_AUTH_LOGIN)
		type = MAILSMTP_AUTH_LOGIN;
	else {
		r->stage = GW_SMTP_AUTH;
		drop(s);
		return err_set(err, ERR_PERMFAIL, "SMTP server %s: offers no AUTH PLAIN or LOGIN for user '%s'",
			       s->where, s->o->username);
	}
	await_reply(s, s->t_command);
	s->smtp->response_code = -1;
	if (mailsmtp_auth_type(s->smtp, s->o->username, s->o->password ? s->o->password : "", type) ==
	    MAILSMTP_NO_ERROR)
		return 0;
	if (s->smtp->response_code == -1) {
		/* Cyrus SASL refused before a word was sent. */
		r->stage = GW_SMTP_AUTH;
		drop(s);
		return err_set(err, ERR_FAIL,
			       "SMTP server %s: could not start AUTH %s (is libsasl2-modules installed?)", s->where,
			       type == MAILSMTP_AUTH_PLAIN ? "PLAIN" : "LOGIN");
	}
	took_reply(s);
	return failed(s, r, GW_SMTP_AUTH, NULL, err);
}

/* Connect, greeting, EHLO, STARTTLS, AUTH. */
static int session_start(struct gw_smtp *s, struct gw_smtp_result *r, struct err *err)
{
	mailstream *st;
	int fd, rc;

	s->code = 0;
	buf_reset(&s->text);
	s->tls = 0;
	s->used = 0;
	if (tcp_connect(s, &fd))
		return failed(s, r, GW_SMTP_CONNECT, NULL, err);
	st = s->smtps ? mailstream_ssl_open_timeout(fd, (time_t)s->t_command)
		      : mailstream_socket_open_timeout(fd, (time_t)s->t_command);
	if (!st) {
		close(fd);
		buf_addf(&s->text, s->smtps ? "TLS handshake failed" : "could not set up the connection");
		return failed(s, r, GW_SMTP_CONNECT, NULL, err);
	}
	s->tls = s->smtps;
	s->smtp->response_code = 0;
	mailsmtp_set_timeout(s->smtp, (time_t)s->t_command);
	/* mailsmtp_connect closes the stream itself when the greeting is no 220 */
	if (mailsmtp_connect(s->smtp, st) != MAILSMTP_NO_ERROR) {
		took_reply(s);
		return failed(s, r, GW_SMTP_GREETING, NULL, err);
	}
	if (s->tls && (rc = check_certificate(s, r, err)))
		return rc;
	if (ehlo(s))
		return failed(s, r, GW_SMTP_EHLO, NULL, err);
	if (!s->tls && (s->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		await_reply(s, s->t_command);
		rc = mailsmtp_socket_starttls(s->smtp);
		took_reply(s);
		if (rc == MAILSMTP_NO_ERROR) {
			s->tls = 1;
			if ((rc = check_certificate(s, r, err)))
				return rc;
			if (ehlo(s))
				return failed(s, r, GW_SMTP_EHLO, NULL, err);
		} else if (s->code == 220 || !s->code) {
			/* the handshake failed: the connection is in no known state */
			s->code = 0;
			return failed(s, r, GW_SMTP_STARTTLS, NULL, err);
		}
		/* else STARTTLS was refused: go on in clear text (opportunistic) */
	}
	if (s->o->username && (rc = authenticate(s, r, err)))
		return rc;
	return 0;
}

static int parse_url(struct gw_smtp *s, const char *url, struct err *err)
{
	const char *p, *host, *end;
	size_t hlen;
	unsigned long port;

	if (!url)
		return err_set(err, ERR_INPUT, "no SMTP server given (such as smtp://127.0.0.1:25)");
	if (!strncmp(url, "smtp://", 7)) {
		p = url + 7;
		s->port = 25;
	} else if (!strncmp(url, "smtps://", 8)) {
		p = url + 8;
		s->port = 465;
		s->smtps = 1;
	} else {
		return err_set(err, ERR_INPUT, "'%s' is not smtp://HOST:PORT or smtps://HOST:PORT", url);
	}
	host = p;
	if (*p == '[') {
		end = strchr(p, ']');
		if (!end)
			return err_set(err, ERR_INPUT, "'%s': no ']' after the IPv6 address", url);
		host = p + 1;
		hlen = (size_t)(end - host);
		p = end + 1;
	} else {
		hlen = strcspn(p, ":/");
		p += hlen;
	}
	if (!hlen)
		return err_set(err, ERR_INPUT, "'%s' names no host", url);
	for (size_t i = 0; i < hlen; i++)
		if (!isalnum((unsigned char)host[i]) && !strchr(".-_:", host[i]))
			return err_set(err, ERR_INPUT, "'%s': '%.*s' is not a host name or address", url, (int)hlen,
				       host);
	if (*p == ':') {
		char *stop;
		errno = 0;
		port = strtoul(p + 1, &stop, 10);
		if (errno || stop == p + 1 || port < 1 || port > 65535)
			return err_set(err, ERR_INPUT, "'%s': the port is not a number from 1 to 65535", url);
		s->port = (unsigned)port;
		p = stop;
	}
	if (*p == '/')
		p++;
	if (*p)
		return err_set(err, ERR_INPUT, "'%s' has more than smtp://HOST:PORT", url);
	s->host = xstrndup(host, hlen);
	s->where = xstrfmt(strchr(s->host, ':') ? "[%s]:%u" : "%s:%u", s->host, s->port);
	return 0;
}

static int valid_helo(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > 255)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-[]:", *p))
			return 0;
	return 1;
}

/* Checked options, no connection yet. */
static int smtp_new(struct gw_smtp **out, const struct gw_smtp_opts *o, struct err *err)
{
	struct gw_smtp *s = xcalloc(1, sizeof(*s));
	struct sigaction sa;
	int rc;

	*out = NULL;
	s->o = o;
	buf_init(&s->text);
	s->text.cap = REPLY_TEXT_CAP;
	if ((rc = parse_url(s, o->url, err)))
		goto fail;
	if (o->helo) {
		if (!valid_helo(o->helo)) {
			rc = err_set(err, ERR_INPUT, "'%s' is not a host name to give in EHLO", o->helo);
			goto fail;
		}
		snprintf(s->helo, sizeof(s->helo), "%s", o->helo);
	} else if (gethostname(s->helo, sizeof(s->helo)) || !valid_helo(s->helo)) {
		snprintf(s->helo, sizeof(s->helo), "localhost");
	}
	if (o->username && strlen(o->username) > 200) {
		rc = err_set(err, ERR_INPUT, "the SMTP user name is longer than 200 bytes");
		goto fail;
	}
	s->t_connect = o->connect_timeout > 0 ? o->connect_timeout : DEFAULT_CONNECT_TIMEOUT;
	s->t_command = o->command_timeout > 0 ? o->command_timeout : DEFAULT_COMMAND_TIMEOUT;
	s->t_final = o->final_timeout > 0 ? o->final_timeout : DEFAULT_FINAL_TIMEOUT;
	if (s->t_connect > TIMEOUT_MAX || s->t_command > TIMEOUT_MAX || s->t_final > TIMEOUT_MAX) {
		rc = err_set(err, ERR_INPUT, "an SMTP timeout is longer than %d seconds", TIMEOUT_MAX);
		goto fail;
	}
	if (!(s->smtp = mailsmtp_new(0, NULL)) || !(s->line = mmap_string_new("")))
		BUG("out of memory in libetpan");
	if (!sigaction(SIGPIPE, NULL, &sa) && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	*out = s;
	return 0;
fail:
	gw_smtp_close(s);
	return rc;
}

int gw_smtp_open(struct gw_smtp **out, const struct gw_smtp_opts *o, struct err *err)
{
	struct gw_smtp_result r;
	struct gw_smtp *s;
	int rc;

	*out = NULL;
	if ((rc = smtp_new(&s, o, err)))
		return rc;
	gw_smtp_result_init(&r);
	rc = session_start(s, &r, err);
	if (rc == ERR_TEMPFAIL && r.code >= 500) {
		err->code = ERR_PERMFAIL;
		rc = ERR_PERMFAIL;
	}
	gw_smtp_result_release(&r);
	if (rc) {
		gw_smtp_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void gw_smtp_close(struct gw_smtp *s)
{
	if (!s)
		return;
	if (s->smtp) {
		/* QUIT without waiting for its reply; a short wait for the socket */
		if (s->smtp->stream)
			set_timeout(s, s->t_command < 5 ? s->t_command : 5);
		mailsmtp_free(s->smtp);
	}
	if (s->line)
		mmap_string_free(s->line);
	buf_release(&s->text);
	free(s->host);
	free(s->where);
	free(s);
}

/* -------------------------------------------------------------- a message */

/* An envelope address we can put between angle brackets on a command line. */
static int valid_addr(const char *a)
{
	size_t n = strlen(a);
	const char *at = strrchr(a, '@');

	if (!n || n > ADDR_MAX || !at || at == a || !at[1])
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

int gw_smtp_send(struct gw_smtp *s, const char *from, const char *rcpt, const char *msg, size_t len,
		 struct gw_smtp_result *r, struct err *err)
{
	int rc;

	gw_smtp_result_reset(r);
	if (!valid_addr(from) || !valid_addr(rcpt)) {
		r->outcome = GW_PERMFAIL;
		r->stage = GW_SMTP_MAIL;
		return err_set(err, ERR_INPUT, "e-mail to '%s': '%s' is not an address SMTP can carry", rcpt,
			       valid_addr(from) ? rcpt : from);
	}
	/* The server may have closed an idle connection: find out before
	 * anything of this message is taken, and connect again once. RSET
	 * only after a transaction that did not end with the server taking
	 * the message (RFC 5321 4.1.1.5): after a final 2xx the session is
	 * back where MAIL may start the next one, and the round trip is saved. */
	for (int again = 1;; again = 0) {
		int fresh = !s->smtp->stream;
		if (fresh) {
			if ((rc = session_start(s, r, err)))
				return rc;
		} else if (s->used && peer_spoke(s)) {
			drop(s);
			continue;
		} else if (s->used && !s->clean) {
			await_reply(s, s->t_command);
			mailsmtp_reset(s->smtp);
			took_reply(s);
			if (s->code != 250 && again && (!s->code || s->code == 421)) {
				drop(s);
				continue;
			}
			if (s->code != 250)
				return failed(s, r, GW_SMTP_RSET, rcpt, err);
		}
		s->used = 1;
		s->clean = 0;
		await_reply(s, s->t_command);
		mailesmtp_mail_size(s->smtp, from, 0, NULL, len);
		took_reply(s);
		if (s->code == 250)
			break;
		/* no reply, or 421, on a connection that had been idle: it was
		 * closed under us, and nothing of this message was taken */
		if (again && !fresh && (!s->code || s->code == 421)) {
			drop(s);
			continue;
		}
		return failed(s, r, GW_SMTP_MAIL, rcpt, err);
	}

	await_reply(s, s->t_command);
	mailesmtp_rcpt(s->smtp, rcpt, 0, NULL);
	took_reply(s);
	if (s->code != 250 && s->code != 251)
		return failed(s, r, GW_SMTP_RCPT, rcpt, err);

	await_reply(s, s->t_command);
	mailsmtp_data(s->smtp);
	took_reply(s);
	if (s->code != 354)
		return failed(s, r, GW_SMTP_DATA, rcpt, err);

	set_timeout(s, s->t_command);
	if (write_body(s->smtp->stream, msg, len)) {
		s->code = 0;
		return failed(s, r, GW_SMTP_BODY, rcpt, err);
	}
	/* From here on the server may have the message. */
	set_timeout(s, s->t_final);
	if (read_reply(s) / 100 != 2)
		return failed(s, r, GW_SMTP_DOT, rcpt, err);
	s->clean = 1;
	r->outcome = GW_SENT;
	r->stage = GW_SMTP_DOT;
	r->code = s->code;
	enhanced_code(r->enhanced, s->text.data);
	buf_addf(&r->reply, "%d ", s->code);
	add_one_line(&r->reply, s->text.data);
	queue_id(&r->queue_id, s->text.data);
	return 0;
}

/* ------------------------------------------------------------ return path */

int gw_smtp_return_path(struct buf *out, const char *return_path, long id, const char *tag, struct err *err)
{
	const char *at = return_path ? strrchr(return_path, '@') : NULL;
	struct buf local = BUF_INIT;
	int rc = 0;

	if (!at || !valid_addr(return_path) || id < 0)
		return err_set(err, ERR_INPUT, "[email] return_path: '%s' is not an address like bounces@example.test",
			       return_path ? return_path : "");
	buf_add(&local, return_path, (size_t)(at - return_path));
	if (tag)
		buf_addf(&local, "+%ld.%s", id, tag);
	if (tag && local.len > LOCAL_MAX)
		rc = err_set(
			err, ERR_INPUT,
			"[email] return_path: '%s' leaves no room for the tag of outbox row %ld (a local part of %d"
			" characters at most)",
			return_path, id, LOCAL_MAX);
	else
		buf_addf(out, "%s%s", local.data, at);
	buf_release(&local);
	return rc;
}

/* -------------------------------------------------------------- transport */

/* As a transport, the connection is made at the first message, so that a
 * server that is down is each message's temporary failure. */
static int transport_open(void **state, const struct gw_smtp_opts *o, struct err *err)
{
	struct gw_smtp *s;
	int rc = smtp_new(&s, o, err);

	*state = rc ? NULL : s;
	return rc;
}

static int transport_send(void *state, const char *from, const char *rcpt, const char *msg, size_t len,
			  struct gw_smtp_result *r, struct err *err)
{
	return gw_smtp_send(state, from, rcpt, msg, len, r, err);
}

static void transport_close(void *state)
{
	gw_smtp_close(state);
}

const struct gw_transport gw_transport_smtp = { "smtp", transport_open, transport_send, transport_close };
