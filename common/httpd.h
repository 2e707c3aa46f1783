/* common/httpd.h - a small HTTP/1.1 server with a route table (over libmicrohttpd).
 *
 * For the pages and callbacks crmgate answers itself: unsubscribe links, SMS
 * delivery reports and inbound texts, survey forms. Every request is read
 * with limits (body size, number of parameters, headers, number of
 * connections, and deadlines) because everything that arrives is untrusted:
 * slow or idle clients, however many, must not keep real requests out.
 *
 *   - A request's line and headers must arrive within header_timeout of the
 *     connection (or of the answer before, on a kept-alive connection), its
 *     body within body_timeout of the headers: a client that trickles a byte
 *     a second is cut at the deadline, not kept alive by its trickle.
 *   - The server holds max_connections at most, one client address
 *     max_per_address of them; a connection beyond either limit closes the
 *     oldest connection of that address (or of all) that is still waiting
 *     for or reading its request, never one whose request is being answered.
 *     So a flood of idle or slow connections from one address keeps only its
 *     share, and a real request, which arrives whole at once, gets in.
 *   - Connections are many and cheap (epoll); handler threads are few.
 *
 * Each route carries its own context: the module that registers a route
 * (the gateway's pages, the survey's forms) hands it its own state, and no
 * module sees another's. Handlers run on a fixed pool of threads and may
 * block (a database query, say); they are called concurrently, so what a
 * route's ctx holds must be thread-safe.
 *
 * Implements the server side of RFC 9110/9112 as far as libmicrohttpd does,
 * and application/x-www-form-urlencoded (HTML 5, section 4.10.21.7). */
#ifndef COMMON_HTTP_H
#define COMMON_HTTP_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

struct http_server;

struct http_options {
	const char *address;	  /* NULL: "127.0.0.1"; an IPv4 or IPv6 literal */
	unsigned port;		  /* 0: any free port (see http_server_port) */
	unsigned threads;	  /* handler threads; 0: 4 */
	unsigned max_connections; /* open connections at once; 0: 512 */
	unsigned max_per_address; /* of them, from one client address; 0: 64 */
	unsigned timeout;	  /* seconds a connection may stay idle; 0: 10 */
	unsigned header_timeout;  /* seconds for a request's line and headers; 0: 5 */
	unsigned body_timeout;	  /* seconds for its body, after the headers; 0: 10 */
	size_t max_body;	  /* request body bytes, 413 beyond; 0: 64 KiB */
	size_t max_params;	  /* query parameters plus form fields (not of a
				     HTTP_ROUTE_RAW_FORM route), 400 beyond; 0: 64 */
};

struct http_param {
	char *name;
	char *value; /* decoded, never NULL, never contains NUL */
};

/* What a handler is given. Everything is borrowed for the handler's call. */
struct http_request {
	const char *method; /* "GET", "HEAD" (on a GET route) or "POST" */
	const char *path;   /* percent-decoded, without the query: "/u/abc" */
	const char *rest;   /* what follows a prefix route's path ("abc"); "" on exact routes */
	char remote[64];    /* the client's address: "127.0.0.1", "::1" */
	struct buf body;    /* the raw body (any content type), at most max_body bytes */
	/* Query parameters in order, then the fields of an
	 * application/x-www-form-urlencoded body in order. */
	struct http_param *params;
	size_t params_nr, params_alloc;
};

struct http_header {
	char *name;
	char *value;
};

/* What a handler fills in. Starts as 200, no content type, empty body. */
struct http_response {
	int status;
	const char *content_type; /* a string literal, or one that outlives the server */
	struct buf body;
	struct http_header *headers;
	size_t headers_nr, headers_alloc;
};

/* A handler returns 0 with out filled in, or a negative ERR_* code with err
 * set: the client then gets a 500 with a generic message, and the error goes
 * to the log (never to the client). */
typedef int (*http_handler_fn)(struct http_response *out, const struct http_request *req, void *ctx, struct err *err);

/* Dresses an answer common/httpd makes itself for a request to a route (413
 * too large, 400 bad parameters, 405 on its path, 500 when its handler
 * failed): out holds httpd's plain text answer; the hook may add headers
 * and replace the body and content type, never the status. */
typedef void (*http_error_fn)(struct http_response *out, const struct http_request *req, void *ctx);

/* The handler reads an application/x-www-form-urlencoded body itself
 * (req->body): its fields are not parsed into req->params, nor counted
 * against max_params. For a form of more fields than any query may carry. */
#define HTTP_ROUTE_RAW_FORM 1u

/* A route: method "GET" (which also answers HEAD), "POST", or NULL for both;
 * path "/sms/dlr" matches exactly, a path ending in '/' ("/u/") is a prefix
 * and matches "/u/TOKEN" (req->rest is then "TOKEN"). The first route in the
 * table whose path and method match is called, with its own ctx; a path that
 * matches only with another method gets 405 with an Allow header, no path
 * match 404. What follows a prefix route's prefix (a token, often a secret)
 * never goes to the log. */
struct http_route {
	const char *method;
	const char *path;
	http_handler_fn handler;
	void *ctx;	     /* the handler's; the registering module's state */
	unsigned flags;	     /* HTTP_ROUTE_* */
	http_error_fn error; /* NULL: httpd's own answers stay plain */
};

/* The route table a server is started with, gathered from the modules that
 * register into it (gw_web_routes, and later the survey's pages). */
struct http_routes {
	struct http_route *v;
	size_t nr, alloc;
};
#define HTTP_ROUTES_INIT                                                                                               \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

/* Append routes[0..n) to t, each with ctx as its context (their own ctx is
 * ignored): how a module registers its routes with its state. */
void http_routes_add(struct http_routes *t, const struct http_route *routes, size_t n, void *ctx);
void http_routes_release(struct http_routes *t);

/* Listen on opt->address and opt->port (opt NULL: all defaults) and serve
 * routes[0..n) on a pool of threads until http_server_stop. The table is
 * copied; its strings, each route's ctx and the handlers must outlive the
 * server. *out belongs to the caller. Fails (ERR_FAIL) when the address
 * cannot be used. */
int http_server_start(struct http_server **out, const struct http_options *opt, const struct http_route *routes,
		      size_t n, struct err *err);
/* The port the server listens on: opt->port, or the one picked for port 0. */
unsigned http_server_port(const struct http_server *srv);
/* Close every connection, wait for running handlers to return, free srv.
 * http_server_stop(NULL) does nothing. */
void http_server_stop(struct http_server *srv);

/* The first parameter called name (query first, then form fields), or NULL. */
const char *http_param(const struct http_request *req, const char *name);
/* A request header (name compared without case), or NULL. */
const char *http_header(const struct http_request *req, const char *name);

void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);
/* Add a header to the response. Fails with ERR_INPUT, adding nothing, when
 * value holds a control character (CR, LF...): a value can never add a
 * header of its own. name must be a valid header name (else BUG). */
int http_response_header(struct http_response *res, const char *name, const char *value, struct err *err);

/* Set the status, content type and body (NULL: keep the body already written
 * to res->body). Every reply carries X-Content-Type-Options: nosniff, and
 * text/html ones Content-Security-Policy: default-src 'self' (and
 * frame-ancestors 'none') and Referrer-Policy: no-referrer, unless the
 * handler added a header of that name itself. */
void http_reply_text(struct http_response *res, int status, const char *text);
void http_reply_html(struct http_response *res, int status, const char *html);
void http_reply_json(struct http_response *res, int status, const char *json);
/* A redirect (301, 302, 303, 307 or 308) to location; ERR_INPUT when
 * location holds a control character. */
int http_redirect(struct http_response *res, int status, const char *location, struct err *err);

/* Append s to out with &, <, >, " and ' escaped, for text and attribute
 * values in HTML (utf8_add_xml: characters XML forbids left out or
 * replaced). Returns -1 when out's cap is reached (out as it was). */
int http_html_escape(struct buf *out, const char *s);

#endif
