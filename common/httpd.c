/* common/httpd.c - a small HTTP/1.1 server with a route table, over libmicrohttpd.
 *
 * The only file of ours that includes <microhttpd.h>. Threading: one
 * listening socket served by a fixed pool of threads (MHD's internal polling
 * threads, epoll), each running the handlers of its connections. A fixed pool
 * bounds what the server costs however many clients connect (an idle or slow
 * client holds a connection slot, not a thread), and bounds how many handlers
 * can be in the database at once; the price is that a slow handler delays the
 * other connections of its thread, so handlers should be quick.
 *
 * Slots are guarded here, because MHD's own limits do not keep real requests
 * in: its timeout is an idle timeout, which a client sending a byte a second
 * never reaches, and its limits refuse the newcomer, which is the real
 * request when an attacker holds every slot. So every connection is in a
 * table (MHD_OPTION_NOTIFY_CONNECTION) with the deadline of what it owes
 * us; a watchdog thread shuts down those past it, and a connection past its
 * address's share (or the server's) shuts down the oldest one that is still
 * owing its request. shutdown(2) from another thread is safe: MHD closes a
 * socket only after telling us (NOTIFY_CLOSED, under our lock), and sees
 * the shut down socket as a client that hung up.
 *
 * Implements RFC 9110/9112 server behaviour through libmicrohttpd, and
 * application/x-www-form-urlencoded (HTML 5, 4.10.21.7) through its post
 * processor. */
#include "common/httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "common/log.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define DEFAULT_ADDRESS		"127.0.0.1"
#define DEFAULT_THREADS		4
#define DEFAULT_MAX_CONNECTIONS 512
#define DEFAULT_PER_ADDRESS	64
#define DEFAULT_TIMEOUT		10
#define DEFAULT_HEADER_TIMEOUT	5
#define DEFAULT_BODY_TIMEOUT	10
#define DEFAULT_MAX_BODY	(64 * 1024)
#define DEFAULT_MAX_PARAMS	64
/* Per connection: the request line and headers must fit in about half. */
#define CONNECTION_MEMORY (32 * 1024)
/* How much of a body past max_body (sent without Content-Length) is read
 * and thrown away to answer 413; a client that sends more is cut off. */
#define DISCARD_LIMIT (1024 * 1024)
/* How many idle-looking connections one eviction looks into for bytes
 * waiting (a syscall each) before it takes the oldest. */
#define EVICT_PEEKS 16

#define CSP "default-src 'self'; frame-ancestors 'none'"

/* What an open connection owes us, and by when. */
enum conn_state {
	CONN_WAITING,  /* for a request's line and headers */
	CONN_BODY,     /* reading its body */
	CONN_ANSWERING /* in a handler, or sending the answer: never cut */
};

struct conn {
	int fd;
	int family;		/* AF_INET, AF_INET6; 0: unknown (no share) */
	unsigned char addr[16]; /* the client's address */
	enum conn_state state;
	struct timespec since; /* when it entered its state: the oldest goes first */
	struct timespec deadline;
	int begun;   /* its request has begun to come: not an idle socket */
	int cut;     /* shut down: on its way out, no longer counted */
	size_t slot; /* its index in the table */
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_route *routes;
	size_t routes_nr;
	size_t max_body, max_params;
	unsigned port;
	int starting;	      /* MHD's messages also go to start_log */
	struct buf start_log; /* for the error when the daemon does not start */

	/* the guard: every open connection, under lock */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the watchdog's, on CLOCK_MONOTONIC */
	pthread_t watchdog;
	int watching, stopping;
	struct conn **conns;
	size_t conns_nr, conns_alloc;
	unsigned max_connections, per_address, header_timeout, body_timeout;
};

/* One request's state, kept by MHD between calls of on_request. */
struct request_state {
	struct http_request req; /* what the handler sees; first, for http_header */
	struct http_server *srv;
	struct MHD_Connection *conn;
	struct conn *guard;		/* its connection in the table */
	int begun;			/* on_request has seen its headers */
	int refused;			/* answered 400 before MHD read on: close */
	const struct http_route *route; /* NULL: answer with status */
	const struct http_route *owner; /* route, or for a 405 the first on its path: dresses httpd's answers */
	int status;			/* an error to answer instead of calling a handler */
	const char *allow;		/* for 405 */
	size_t discarded;		/* body bytes past max_body */
	int bad_params;			/* too many, or one held a NUL */
};

/* ------------------------------------------------------------ the guard */

static struct timespec after(unsigned seconds)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += seconds;
	return t;
}

static int earlier(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Shut c's socket down: MHD sees a client that hung up, and closes it. */
static void cut(struct conn *c, const char *why)
{
	if (c->cut)
		return;
	c->cut = 1;
	shutdown(c->fd, SHUT_RDWR);
	log_debug("http: a connection was closed: %s", why);
}

/* c enters state, owing what it owes within seconds (0: nothing). */
static void guard_set(struct http_server *srv, struct conn *c, enum conn_state state, unsigned seconds)
{
	if (!c)
		return;
	pthread_mutex_lock(&srv->lock);
	c->state = state;
	c->begun = state != CONN_WAITING;
	c->since = after(0);
	c->deadline = after(seconds);
	pthread_mutex_unlock(&srv->lock);
	if (seconds)
		pthread_cond_signal(&srv->wake);
}

static int same_address(const struct conn *a, const struct conn *b)
{
	return a->family && a->family == b->family && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* Has c's client sent bytes that MHD has yet to read? Then a request is
 * on its way, which a flood of idle sockets must not push out. */
static int request_pending(struct conn *c)
{
	char b;

	if (!c->begun && recv(c->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0)
		c->begun = 1;
	return c->begun;
}

/* The oldest connection but the newcomer (of the newcomer's address when
 * mine) that still owes its request and is (begun) or is not (!begun) on
 * its way. */
static struct conn *oldest(struct http_server *srv, const struct conn *newcomer, int mine, int begun)
{
	struct conn *victim = NULL;

	for (size_t i = 0; i < srv->conns_nr; i++) {
		struct conn *c = srv->conns[i];
		if (c == newcomer || c->cut || c->state == CONN_ANSWERING || c->begun != begun ||
		    (mine && !same_address(c, newcomer)))
			continue;
		if (!victim || earlier(&c->since, &victim->since))
			victim = c;
	}
	return victim;
}

/* A newcomer took a connection over a limit (its address's share when
 * mine, else the server's): cut the oldest other connection that still
 * owes its request. Idle sockets go first: a request whose bytes have come,
 * even bytes MHD has not read yet (its thread is busy), is cut only when
 * nothing idle is left, so that a flood of idle sockets from the real
 * client's own address cannot push its request out between its arrival and
 * its reading. Under lock. */
static void evict(struct http_server *srv, const struct conn *newcomer, int mine, const char *why)
{
	struct conn *victim;
	int peeks = 0;

	while ((victim = oldest(srv, newcomer, mine, 0)) && peeks++ < EVICT_PEEKS && request_pending(victim))
		;
	if (!victim || victim->begun)
		victim = oldest(srv, newcomer, mine, 1);
	if (victim)
		cut(victim, why);
}

/* A new connection: into the table, then the limits. */
static void guard_add(struct http_server *srv, struct MHD_Connection *mc, void **socket_context)
{
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	struct conn *c = xcalloc(1, sizeof(*c));
	size_t mine = 0, live = 0;

	c->fd = fd ? fd->connect_fd : -1;
	if (sa && sa->sa_family == AF_INET) {
		c->family = AF_INET;
		memcpy(c->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		c->family = AF_INET6;
		memcpy(c->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
	c->state = CONN_WAITING;
	c->since = after(0);
	c->deadline = after(srv->header_timeout);
	*socket_context = c;

	pthread_mutex_lock(&srv->lock);
	ALLOC_GROW(srv->conns, srv->conns_nr + 1, srv->conns_alloc);
	c->slot = srv->conns_nr;
	srv->conns[srv->conns_nr++] = c;
	for (size_t i = 0; i < srv->conns_nr; i++) {
		live += !srv->conns[i]->cut;
		mine += !srv->conns[i]->cut && same_address(srv->conns[i], c);
	}
	if (mine > srv->per_address)
		evict(srv, c, 1, "over its address's share of connections");
	else if (live > srv->max_connections)
		evict(srv, c, 0, "over the server's connections");
	if (c->fd < 0)
		cut(c, "no socket");
	pthread_mutex_unlock(&srv->lock);
	pthread_cond_signal(&srv->wake);
}

static void guard_remove(struct http_server *srv, void **socket_context)
{
	struct conn *c = *socket_context;

	if (!c)
		return;
	pthread_mutex_lock(&srv->lock);
	srv->conns[c->slot] = srv->conns[--srv->conns_nr];
	srv->conns[c->slot]->slot = c->slot;
	pthread_mutex_unlock(&srv->lock);
	free(c);
	*socket_context = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		guard_add(cls, mc, socket_context);
	else
		guard_remove(cls, socket_context);
}

/* The watchdog: cut what is past its deadline, sleep until the next one. */
static void *watch(void *arg)
{
	struct http_server *srv = arg;

	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		struct timespec now = after(0), next = after(1);
		for (size_t i = 0; i < srv->conns_nr; i++) {
			struct conn *c = srv->conns[i];
			if (c->cut || c->state == CONN_ANSWERING)
				continue;
			if (!earlier(&now, &c->deadline))
				cut(c,
				    c->state == CONN_BODY ? "the body came too slowly" : "the request came too slowly");
			else if (earlier(&c->deadline, &next))
				next = c->deadline;
		}
		pthread_cond_timedwait(&srv->wake, &srv->lock, &next);
	}
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

/* 0, or pthread_create's error. */
static int guard_start(struct http_server *srv)
{
	pthread_condattr_t attr;
	int rc;

	pthread_mutex_init(&srv->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->wake, &attr);
	pthread_condattr_destroy(&attr);
	rc = pthread_create(&srv->watchdog, NULL, watch, srv);
	srv->watching = !rc;
	return rc;
}

/* After MHD has stopped: every connection is closed and out of the table. */
static void guard_stop(struct http_server *srv)
{
	if (srv->watching) {
		pthread_mutex_lock(&srv->lock);
		srv->stopping = 1;
		pthread_mutex_unlock(&srv->lock);
		pthread_cond_signal(&srv->wake);
		pthread_join(srv->watchdog, NULL);
	}
	pthread_cond_destroy(&srv->wake);
	pthread_mutex_destroy(&srv->lock);
	free(srv->conns);
}

/* --------------------------------------------------------------- requests */

/* Where MHD's complaints go: the debug log (a malformed request is the
 * client's problem, not the operator's), and while starting, the error. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *srv = cls;
	struct buf line = BUF_INIT;
	va_list cp;

	va_copy(cp, ap);
	buf_vaddf(&line, fmt, cp);
	va_end(cp);
	while (line.len && (line.data[line.len - 1] == '\n' || line.data[line.len - 1] == '.'))
		buf_truncate(&line, line.len - 1);
	if (srv->starting && !srv->start_log.len)
		buf_add(&srv->start_log, line.data, line.len);
	log_debug("http: %s", line.data);
	buf_release(&line);
}

/* A log line with client-supplied bytes: control characters become '?' so
 * that a request cannot forge log lines or drive the terminal. The path is
 * the route's: what follows a prefix route's prefix is a token (/u/, /s/)
 * that lets whoever reads it act as its recipient, so it stays out. */
static void log_request_warning(const struct http_route *route, const struct http_request *req, const char *msg)
{
	struct buf line = BUF_INIT;

	buf_addf(&line, "http: %s %s%s from %s: %s", req->method, route->path, *req->rest ? "…" : "", req->remote, msg);
	for (size_t i = 0; i < line.len; i++)
		if ((unsigned char)line.data[i] < 0x20 || line.data[i] == 0x7f)
			line.data[i] = '?';
	log_warn("%s", line.data);
	buf_release(&line);
}

static int method_matches(const char *route_method, const char *method)
{
	if (!route_method)
		return !strcmp(method, "GET") || !strcmp(method, "HEAD") || !strcmp(method, "POST");
	if (!strcmp(route_method, method))
		return 1;
	return !strcmp(route_method, "GET") && !strcmp(method, "HEAD");
}

static int path_matches(const struct http_route *r, const char *path, const char **rest)
{
	size_t len = strlen(r->path);

	if (r->path[len - 1] == '/') {
		if (strncmp(path, r->path, len))
			return 0;
		*rest = path + len;
		return 1;
	}
	if (strcmp(path, r->path))
		return 0;
	*rest = "";
	return 1;
}

/* Pick the route for st; otherwise set st->status to 404 or 405. */
static void route_request(struct http_server *srv, struct request_state *st)
{
	int get = 0, post = 0;
	const char *rest;

	for (size_t i = 0; i < srv->routes_nr; i++) {
		const struct http_route *r = &srv->routes[i];
		if (!path_matches(r, st->req.path, &rest))
			continue;
		if (method_matches(r->method, st->req.method)) {
			st->route = st->owner = r;
			st->req.rest = rest;
			return;
		}
		if (!st->owner) {
			st->owner = r;
			st->req.rest = rest;
		}
		get |= !r->method || !strcmp(r->method, "GET");
		post |= !r->method || !strcmp(r->method, "POST");
	}
	if (!get && !post) {
		st->status = MHD_HTTP_NOT_FOUND;
		return;
	}
	st->status = MHD_HTTP_METHOD_NOT_ALLOWED;
	st->allow = get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : "POST";
}

/* Add a parameter, or note that the request has too many or holds a NUL
 * (a value from the web never reaches a C string cut short). */
static enum MHD_Result add_param(struct request_state *st, const char *name, size_t name_len, const char *value,
				 size_t value_len)
{
	struct http_param *p;

	if (memchr(name, '\0', name_len) || (value && memchr(value, '\0', value_len))) {
		st->bad_params = 1;
		return MHD_NO;
	}
	if (st->req.params_nr >= st->srv->max_params) {
		st->bad_params = 1;
		return MHD_NO;
	}
	ALLOC_GROW(st->req.params, st->req.params_nr + 1, st->req.params_alloc);
	p = &st->req.params[st->req.params_nr++];
	p->name = xstrndup(name, name_len);
	p->value = xstrndup(value ? value : "", value ? value_len : 0);
	return MHD_YES;
}

static enum MHD_Result on_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				    const char *value, size_t value_size)
{
	(void)kind;
	return add_param(cls, key, key_size, value, value_size);
}

/* The post processor hands over a value in pieces (off > 0 continues the
 * field added last). */
static enum MHD_Result on_form_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				     const char *content_type, const char *transfer_encoding, const char *data,
				     uint64_t off, size_t size)
{
	struct request_state *st = cls;
	struct http_param *last;
	struct buf value = BUF_INIT;
	size_t len;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (!off || !st->req.params_nr)
		return add_param(st, key, strlen(key), data, size);
	if (size && memchr(data, '\0', size)) {
		st->bad_params = 1;
		return MHD_NO;
	}
	last = &st->req.params[st->req.params_nr - 1];
	len = strlen(last->value);
	buf_add(&value, last->value, len);
	buf_add(&value, data, size);
	free(last->value);
	last->value = buf_detach(&value, NULL);
	return MHD_YES;
}

/* Query parameters and form fields into st->req.params; 0, or the status
 * to answer with. */
static int parse_params(struct request_state *st)
{
	struct MHD_PostProcessor *pp;
	const char *type;

	MHD_get_connection_values_n(st->conn, MHD_GET_ARGUMENT_KIND, on_query_arg, st);
	if (st->bad_params)
		return MHD_HTTP_BAD_REQUEST;
	type = MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if ((st->route->flags & HTTP_ROUTE_RAW_FORM) || !st->req.body.len || !type ||
	    strncasecmp(type, MHD_HTTP_POST_ENCODING_FORM_URLENCODED, strlen(MHD_HTTP_POST_ENCODING_FORM_URLENCODED)))
		return 0;
	pp = MHD_create_post_processor(st->conn, 1024, on_form_field, st);
	if (!pp)
		return MHD_HTTP_BAD_REQUEST;
	/* the final '&' makes MHD 0.9.75 report a last field without '=' too */
	if (MHD_post_process(pp, st->req.body.data, st->req.body.len) != MHD_YES ||
	    (st->req.body.data[st->req.body.len - 1] != '&' && MHD_post_process(pp, "&", 1) != MHD_YES))
		st->bad_params = 1;
	MHD_destroy_post_processor(pp);
	if (st->bad_params)
		return MHD_HTTP_BAD_REQUEST;
	return 0;
}

static void set_remote(struct request_state *st)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(st->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, st->req.remote, sizeof(st->req.remote));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, st->req.remote,
			  sizeof(st->req.remote));
}

static int has_header(const struct http_response *res, const char *name)
{
	for (size_t i = 0; i < res->headers_nr; i++)
		if (!strcasecmp(res->headers[i].name, name))
			return 1;
	return 0;
}

/* A security header, unless the handler chose its own value. */
static void add_default(struct MHD_Response *r, const struct http_response *res, const char *name, const char *value)
{
	if (!has_header(res, name))
		MHD_add_response_header(r, name, value);
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct http_response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t len;
	char *body = buf_detach(&res->body, &len);

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	add_default(r, res, "X-Content-Type-Options", "nosniff");
	if (res->content_type && !strncmp(res->content_type, "text/html", 9)) {
		add_default(r, res, "Content-Security-Policy", CSP);
		add_default(r, res, "Referrer-Policy", "no-referrer");
	}
	for (size_t i = 0; i < res->headers_nr; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static const char *status_text(int status)
{
	switch (status) {
	case MHD_HTTP_BAD_REQUEST: return "bad request\n";
	case MHD_HTTP_NOT_FOUND: return "not found\n";
	case MHD_HTTP_METHOD_NOT_ALLOWED: return "method not allowed\n";
	case MHD_HTTP_CONTENT_TOO_LARGE: return "request body too large\n";
	default: return "internal server error\n";
	}
}

static enum MHD_Result queue_status(struct request_state *st, int status)
{
	struct http_response res;
	struct err err = ERR_INIT;
	enum MHD_Result ok;

	http_response_init(&res);
	http_reply_text(&res, status, status_text(status));
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED && st->allow)
		http_response_header(&res, MHD_HTTP_HEADER_ALLOW, st->allow, &err);
	if (st->owner && st->owner->error) {
		st->owner->error(&res, &st->req, st->owner->ctx);
		res.status = status;
	}
	ok = queue(st->conn, &res);
	http_response_release(&res);
	err_release(&err);
	return ok;
}

static enum MHD_Result call_handler(struct request_state *st)
{
	struct http_response res;
	struct err err = ERR_INIT;
	enum MHD_Result ok;
	int rc;

	http_response_init(&res);
	rc = st->route->handler(&res, &st->req, st->route->ctx, &err);
	if (!rc && (res.status < 100 || res.status > 599))
		rc = err_set(&err, ERR_FAIL, "the handler answered with status %d", res.status);
	if (rc) {
		log_request_warning(st->route, &st->req, err.msg.len ? err.msg.data : "the handler failed");
		ok = queue_status(st, MHD_HTTP_INTERNAL_SERVER_ERROR);
	} else {
		ok = queue(st->conn, &res);
	}
	http_response_release(&res);
	err_release(&err);
	return ok;
}

/* The request line has come (MHD_OPTION_URI_LOG_CALLBACK): the request's
 * state, which MHD hands to on_request and on_completed. Too many query
 * parameters are refused here, before MHD parses them: MHD 0.9.75 runs out
 * of the connection's memory on a few hundred, and then answers nothing at
 * all. The 400 is written to the socket as it is, and the connection shut
 * down; what MHD does with it after that reaches no one. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_server *srv = cls;
	struct request_state *st = xcalloc(1, sizeof(*st));
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const char *query = strchr(uri, '?');
	size_t params = 0;

	st->conn = conn;
	st->srv = srv;
	st->guard = ci ? ci->socket_context : NULL;
	if (st->guard) {
		pthread_mutex_lock(&srv->lock);
		st->guard->begun = 1;
		pthread_mutex_unlock(&srv->lock);
	}
	buf_init(&st->req.body);
	st->req.body.cap = srv->max_body;
	for (const char *p = query; p && *p && params <= srv->max_params; p = strchr(p + 1, '&'))
		params++;
	if (params > srv->max_params && st->guard) {
		static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
					  "X-Content-Type-Options: nosniff\r\nContent-Length: 12\r\n"
					  "Connection: close\r\n\r\nbad request\n";
		st->refused = 1;
		pthread_mutex_lock(&srv->lock);
		if (!st->guard->cut && send(st->guard->fd, bad, sizeof(bad) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("http: could not refuse a request: %s", strerror(errno));
		cut(st->guard, "too many query parameters");
		pthread_mutex_unlock(&srv->lock);
	}
	return st;
}

/* The first call, with the headers: route, and refuse what is too large
 * before reading it. */
static enum MHD_Result begin_request(struct http_server *srv, struct request_state *st, const char *url,
				     const char *method)
{
	const char *length;

	st->begun = 1;
	st->req.method = method;
	st->req.path = url;
	st->req.rest = "";
	set_remote(st);
	route_request(srv, st);
	guard_set(srv, st->guard, CONN_BODY, srv->body_timeout);
	if (st->status)
		return MHD_YES; /* answered once the request is read: no early close */
	length = MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (length) {
		char *end;
		unsigned long long n;
		errno = 0;
		n = strtoull(length, &end, 10);
		/* an early answer: MHD closes the connection without reading the body */
		if (errno || *end || n > srv->max_body) {
			guard_set(srv, st->guard, CONN_ANSWERING, 0);
			return queue_status(st, MHD_HTTP_CONTENT_TOO_LARGE);
		}
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_server *srv = cls;
	struct request_state *st = *con_cls;
	int status;

	(void)version;
	(void)conn;
	if (st->refused)
		return MHD_NO; /* answered in on_uri: close */
	if (!st->begun)
		return begin_request(srv, st, url, method);
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (st->status && st->status != MHD_HTTP_CONTENT_TOO_LARGE)
			return MHD_YES; /* a 404 or 405: the body does not matter */
		if (!st->status && !buf_add(&st->req.body, upload_data, n))
			return MHD_YES;
		st->status = MHD_HTTP_CONTENT_TOO_LARGE;
		st->discarded += n;
		return st->discarded > DISCARD_LIMIT ? MHD_NO : MHD_YES;
	}
	/* the whole request is here: from now on the connection owes nothing */
	guard_set(srv, st->guard, CONN_ANSWERING, 0);
	if (st->status)
		return queue_status(st, st->status);
	status = parse_params(st);
	if (status)
		return queue_status(st, status);
	return call_handler(st);
}

/* A request is over (answered, or the connection gone): the connection
 * now waits for the next one, within header_timeout. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct request_state *st = *con_cls;

	(void)conn;
	(void)toe;
	if (!st)
		return;
	guard_set(srv, st->guard, CONN_WAITING, srv->header_timeout);
	for (size_t i = 0; i < st->req.params_nr; i++) {
		free(st->req.params[i].name);
		free(st->req.params[i].value);
	}
	free(st->req.params);
	buf_release(&st->req.body);
	free(st);
	*con_cls = NULL;
}

static void check_routes(const struct http_route *routes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct http_route *r = &routes[i];
		if (!r->path || r->path[0] != '/' || !r->handler)
			BUG("http route %zu needs a path starting with '/' and a handler", i);
		if (r->method && strcmp(r->method, "GET") && strcmp(r->method, "POST"))
			BUG("http route '%s': method '%s' is not GET, POST or NULL", r->path, r->method);
	}
}

void http_routes_add(struct http_routes *t, const struct http_route *routes, size_t n, void *ctx)
{
	ALLOC_GROW(t->v, t->nr + n, t->alloc);
	for (size_t i = 0; i < n; i++) {
		t->v[t->nr] = routes[i];
		t->v[t->nr++].ctx = ctx;
	}
}

void http_routes_release(struct http_routes *t)
{
	free(t->v);
	*t = (struct http_routes)HTTP_ROUTES_INIT;
}

int http_server_start(struct http_server **out, const struct http_options *opt, const struct http_route *routes,
		      size_t n, struct err *err)
{
	static const struct http_options defaults;
	struct http_server *srv;
	const char *address;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	unsigned threads;
	int rc;

	*out = NULL;
	if (!opt)
		opt = &defaults;
	check_routes(routes, n);
	address = opt->address ? opt->address : DEFAULT_ADDRESS;
	if (opt->port > 65535)
		return err_set(err, ERR_INPUT, "port %u is not between 0 and 65535", opt->port);
	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, address, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)opt->port);
		sa = (struct sockaddr *)&sin;
	} else if (inet_pton(AF_INET6, address, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)opt->port);
		sa = (struct sockaddr *)&sin6;
		flags |= MHD_USE_IPv6;
	} else {
		return err_set(err, ERR_INPUT, "'%s' is not an IP address to listen on", address);
	}

	srv = xcalloc(1, sizeof(*srv));
	srv->routes = xcalloc(n ? n : 1, sizeof(*routes));
	if (n)
		memcpy(srv->routes, routes, n * sizeof(*routes));
	srv->routes_nr = n;
	srv->max_body = opt->max_body ? opt->max_body : DEFAULT_MAX_BODY;
	srv->max_params = opt->max_params ? opt->max_params : DEFAULT_MAX_PARAMS;
	srv->max_connections = opt->max_connections ? opt->max_connections : DEFAULT_MAX_CONNECTIONS;
	srv->per_address = opt->max_per_address ? opt->max_per_address : DEFAULT_PER_ADDRESS;
	srv->header_timeout = opt->header_timeout ? opt->header_timeout : DEFAULT_HEADER_TIMEOUT;
	srv->body_timeout = opt->body_timeout ? opt->body_timeout : DEFAULT_BODY_TIMEOUT;
	buf_init(&srv->start_log);
	threads = opt->threads ? opt->threads : DEFAULT_THREADS;
	if ((rc = guard_start(srv))) {
		http_server_stop(srv);
		return err_set(err, ERR_FAIL, "could not start the HTTP server's watchdog: %s", strerror(rc));
	}
	srv->starting = 1;
	/* The logger first, to hear about the options after it. MHD's own
	 * limit is above ours, with room for each thread's share and for the
	 * connections we have cut and MHD has yet to close: the guard decides
	 * who goes, MHD should never refuse a newcomer itself. */
	srv->daemon =
		MHD_start_daemon(flags, (uint16_t)opt->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
				 on_mhd_log, srv, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE,
				 threads > 1 ? threads : 0u, MHD_OPTION_CONNECTION_LIMIT,
				 srv->max_connections * 2 + threads * 16, MHD_OPTION_CONNECTION_TIMEOUT,
				 (unsigned)(opt->timeout ? opt->timeout : DEFAULT_TIMEOUT),
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
				 MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
				 srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
	srv->starting = 0;
	if (!srv->daemon) {
		err_set(err, ERR_FAIL, "could not listen on %s port %u%s%s", address, opt->port,
			srv->start_log.len ? ": " : "", srv->start_log.data);
		http_server_stop(srv);
		return err->code;
	}
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : opt->port;
	*out = srv;
	return 0;
}

unsigned http_server_port(const struct http_server *srv)
{
	return srv->port;
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	if (srv->daemon)
		MHD_stop_daemon(srv->daemon);
	guard_stop(srv);
	buf_release(&srv->start_log);
	free(srv->routes);
	free(srv);
}

const char *http_param(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->params_nr; i++)
		if (!strcmp(req->params[i].name, name))
			return req->params[i].value;
	return NULL;
}

const char *http_header(const struct http_request *req, const char *name)
{
	/* req is the first member of its request_state */
	const struct request_state *st = (const struct request_state *)req;
	return MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, name);
}

void http_response_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = MHD_HTTP_OK;
	buf_init(&res->body);
}

void http_response_release(struct http_response *res)
{
	for (size_t i = 0; i < res->headers_nr; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	free(res->headers);
	buf_release(&res->body);
	http_response_init(res);
}

static int is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

int http_response_header(struct http_response *res, const char *name, const char *value, struct err *err)
{
	struct http_header *h;

	if (!*name)
		BUG("an empty HTTP header name");
	for (const char *p = name; *p; p++)
		if (!is_token_char((unsigned char)*p))
			BUG("'%s' is not an HTTP header name", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return err_set(err, ERR_INPUT, "header '%s': the value holds a control character", name);
	ALLOC_GROW(res->headers, res->headers_nr + 1, res->headers_alloc);
	h = &res->headers[res->headers_nr++];
	h->name = xstrdup(name);
	h->value = xstrdup(value);
	return 0;
}

static void reply(struct http_response *res, int status, const char *type, const char *body)
{
	res->status = status;
	res->content_type = type;
	if (body) {
		buf_reset(&res->body);
		buf_adds(&res->body, body);
	}
}

void http_reply_text(struct http_response *res, int status, const char *text)
{
	reply(res, status, "text/plain; charset=utf-8", text);
}

void http_reply_html(struct http_response *res, int status, const char *html)
{
	reply(res, status, "text/html; charset=utf-8", html);
}

void http_reply_json(struct http_response *res, int status, const char *json)
{
	reply(res, status, "application/json", json);
}

int http_redirect(struct http_response *res, int status, const char *location, struct err *err)
{
	if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
		BUG("%d is not a redirect status", status);
	if (http_response_header(res, MHD_HTTP_HEADER_LOCATION, location, err))
		return err->code;
	reply(res, status, "text/plain; charset=utf-8", "redirecting\n");
	return 0;
}

int http_html_escape(struct buf *out, const char *s)
{
	return utf8_add_xml(out, s, strlen(s));
}
