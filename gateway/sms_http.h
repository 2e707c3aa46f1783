/* gateway/sms_http.h - HTTP requests to SMS providers (RFC 9110, 9112), the one
 * file that includes libcurl.
 *
 * A handle keeps its connection open between requests. Only http and https
 * are spoken, redirects are never followed (a provider that redirects is
 * misconfigured, and a message must not go where nobody configured), and no
 * proxy is taken from the environment: only the one given here. */
#ifndef GATEWAY_SMS_HTTP_H
#define GATEWAY_SMS_HTTP_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"

/* The most of a reply body that is kept; the rest is dropped. */
#define GW_SMS_HTTP_BODY_MAX (64 * 1024)

struct gw_sms_http;

struct gw_sms_http_opts {
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;	 /* the whole request; 0: 30 s */
	const char *proxy;	 /* NULL or empty: none */
};

struct gw_sms_http_reply {
	long status;	 /* the HTTP status; 0 when no reply came */
	struct buf body; /* at most GW_SMS_HTTP_BODY_MAX bytes of it */
	int maybe_sent;	 /* no reply, but the request had gone out */
};

void gw_sms_http_reply_init(struct gw_sms_http_reply *r);
void gw_sms_http_reply_release(struct gw_sms_http_reply *r);

int gw_sms_http_new(struct gw_sms_http **out, const struct gw_sms_http_opts *opts, struct err *err);
void gw_sms_http_free(struct gw_sms_http *h);

/* Send one request: method "GET" or "POST" (body then sent as it is), headers
 * a NULL-terminated list of "Name: value" lines or NULL. Any HTTP reply,
 * whatever its status, is 0 with reply filled in. No reply (connection
 * refused, timed out or cut) is ERR_TEMPFAIL, with reply->maybe_sent set when
 * the request may have reached the server; a URL libcurl cannot use (not
 * http or https, malformed) is ERR_INPUT. reply is reset first. */
int gw_sms_http_request(struct gw_sms_http *h, struct gw_sms_http_reply *reply, const char *method, const char *url,
			const char *const *headers, const char *body, size_t body_len, struct err *err);

/* s percent-encoded for a URL query (RFC 3986 unreserved characters kept),
 * appended to out. */
void gw_sms_http_escape(struct buf *out, const char *s);

#endif
