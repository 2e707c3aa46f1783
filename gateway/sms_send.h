/* gateway/sms_send.h - sending one SMS through a provider (SPEC sections 5, 8).
 *
 * Providers are an ops table:
 *   kannel    Kannel's sendsms HTTP interface (GET), with delivery reports
 *             (dlr-mask 31) to crmgate's /sms/dlr carrying our message id;
 *   http      a generic HTTP provider: URL, headers and a body template with
 *             {{to}} {{from}} {{text}} {{id}} {{coding}} {{dlr_url}} from the
 *             configuration, values JSON-escaped in the body and
 *             percent-encoded in the URL;
 *   file:DIR  one file per message in DIR (temp file, fsync, rename), the
 *             embedded default (file:out/sms).
 *
 * A send ends sent, failed for now (try again later: HTTP 5xx, 429, 408,
 * timeouts, refused connections) or failed for good (HTTP 4xx, a rejected or
 * invalid number), and keeps what the provider said. */
#ifndef GATEWAY_SMS_SEND_H
#define GATEWAY_SMS_SEND_H

#include <stddef.h>

#include "common/buf.h"
#include "common/config.h"
#include "common/err.h"
#include "gateway/sms_text.h"

/* The most of a provider's reply kept in a result, on one line. */
#define GW_SMS_REPLY_MAX 1000

struct gw_sms_config {
	const char *provider; /* "kannel", "http" or "file:DIR"; NULL: file:out/sms */
	const char *url;      /* kannel: sendsms (default http://127.0.0.1:13013/cgi-bin/sendsms); http: required */
	const char *username, *password;
	const char *sender;		     /* from, when a message names none */
	const char *dlr_url;		     /* crmgate's /sms/dlr; NULL: no delivery reports */
	long connect_timeout_ms, timeout_ms; /* 0: 10 s and 30 s */
	const char *proxy;		     /* NULL: none (never the environment's) */
	/* provider http */
	const char *method;	  /* POST (default) or GET */
	const char *content_type; /* default application/json */
	const char *body;	  /* the body template */
	const char *id_field;	  /* the reply's JSON member holding the provider's id */
	const char **headers;	  /* "Name: value", nheaders of them */
	size_t nheaders;
	/* owned by gw_sms_config_load, freed by gw_sms_config_release */
	char *owned_dlr_url;
};

/* Read [sms] provider, url, username, password, sender, connect_timeout and
 * timeout (seconds), proxy, method, content_type, body, id_field and
 * header_1 ... header_N, and [serve] public_url (default
 * http://127.0.0.1:8080) for the delivery report URL. Strings are borrowed
 * from cfg. A bad number or header is ERR_INPUT naming the key. */
int gw_sms_config_load(struct gw_sms_config *out, const struct config *cfg, struct err *err);
void gw_sms_config_release(struct gw_sms_config *c);

struct gw_sms_msg {
	const char *id;	  /* ours (the outbox row): 1-64 of [A-Za-z0-9._-] */
	const char *to;	  /* a phone number: digits, an optional leading +; spaces, dashes, dots, parentheses dropped */
	const char *from; /* NULL: the configured sender */
	const char *text; /* UTF-8, decorated already */
};

enum gw_sms_status { GW_SMS_SENT, GW_SMS_TEMPFAIL, GW_SMS_PERMFAIL };

struct gw_sms_result {
	enum gw_sms_status status;
	long http_status;   /* 0: no HTTP reply */
	struct buf reply;   /* the provider's message id, or its reply text (one line) */
	int maybe_sent;	    /* failed after the request went out: the outcome is unknown */
	int provider_fault; /* refused whatever the message (authentication, a wrong URL): not the number's fault */
	struct gw_sms_info info; /* the coding and segments it went as */
};

void gw_sms_result_init(struct gw_sms_result *r);
void gw_sms_result_release(struct gw_sms_result *r);

struct gw_sms_provider_ops {
	const char *name;
	int (*open)(void **state, const struct gw_sms_config *cfg, struct err *err);
	/* Called with a checked message (id, number, UTF-8) and res reset. */
	int (*send)(void *state, const struct gw_sms_msg *msg, struct gw_sms_result *res, struct err *err);
	void (*close)(void *state);
};

extern const struct gw_sms_provider_ops gw_sms_kannel;
extern const struct gw_sms_provider_ops gw_sms_http;
extern const struct gw_sms_provider_ops gw_sms_file;

struct gw_sms_provider;

/* Open the provider cfg names. An unknown provider or a missing setting is
 * ERR_INPUT. */
int gw_sms_provider_open(struct gw_sms_provider **out, const struct gw_sms_config *cfg, struct err *err);
void gw_sms_provider_close(struct gw_sms_provider *p);
const char *gw_sms_provider_name(const struct gw_sms_provider *p);

/* Send msg and describe the outcome in res (reset first): 0 when sent,
 * ERR_TEMPFAIL or ERR_PERMFAIL (with res->status saying the same and err the
 * message, the provider's reply in it). A malformed id is a BUG; a bad
 * number or invalid UTF-8 fails for good without asking the provider. */
int gw_sms_send(struct gw_sms_provider *p, const struct gw_sms_msg *msg, struct gw_sms_result *res, struct err *err);

#endif
