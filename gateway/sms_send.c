/* gateway/sms_send.c - SMS providers: Kannel's sendsms interface, a generic
 * HTTP provider, and files; the outcome of each send. */
#include "gateway/sms_send.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "common/xalloc.h"
#include "gateway/sms_http.h"
#include "common/banned.h"

struct gw_sms_provider {
	const struct gw_sms_provider_ops *ops;
	const struct gw_sms_config *cfg;
	void *state;
};

/* ------------------------------------------------------------ configuration */

static int seconds_ms(long *out, const struct config *cfg, const char *key, struct err *err)
{
	const char *v = config_get(cfg, "sms", key);
	char *end;
	double s;

	*out = 0;
	if (!v)
		return 0;
	errno = 0;
	s = strtod(v, &end);
	if (errno || end == v || *end || !(s > 0 && s <= 3600))
		return err_set(err, ERR_INPUT, "[sms] %s: '%s' is not a number of seconds (up to 3600)", key, v);
	*out = (long)(s * 1000 + 0.5);
	return 0;
}

int gw_sms_config_load(struct gw_sms_config *out, const struct config *cfg, struct err *err)
{
	const char *pub = config_get(cfg, "serve", "public_url");
	size_t publen;
	int rc;

	memset(out, 0, sizeof(*out));
	out->provider = config_get(cfg, "sms", "provider");
	out->url = config_get(cfg, "sms", "url");
	out->username = config_get(cfg, "sms", "username");
	out->password = config_get(cfg, "sms", "password");
	out->sender = config_get(cfg, "sms", "sender");
	out->proxy = config_get(cfg, "sms", "proxy");
	out->method = config_get(cfg, "sms", "method");
	out->content_type = config_get(cfg, "sms", "content_type");
	out->body = config_get(cfg, "sms", "body");
	out->id_field = config_get(cfg, "sms", "id_field");
	if ((rc = seconds_ms(&out->connect_timeout_ms, cfg, "connect_timeout", err)) ||
	    (rc = seconds_ms(&out->timeout_ms, cfg, "timeout", err)))
		return rc;
	for (size_t i = 1;; i++) {
		char key[32];
		const char *h;
		snprintf(key, sizeof(key), "header_%zu", i);
		if (!(h = config_get(cfg, "sms", key)))
			break;
		out->headers = xrealloc(out->headers, i * sizeof(*out->headers));
		out->headers[i - 1] = h;
		out->nheaders = i;
	}
	if (!pub)
		pub = "http://127.0.0.1:8080";
	publen = strlen(pub);
	while (publen && pub[publen - 1] == '/')
		publen--;
	out->owned_dlr_url = xstrfmt("%.*s/sms/dlr", (int)publen, pub);
	out->dlr_url = out->owned_dlr_url;
	return 0;
}

void gw_sms_config_release(struct gw_sms_config *c)
{
	free(c->headers);
	free(c->owned_dlr_url);
	c->headers = NULL;
	c->owned_dlr_url = NULL;
	c->nheaders = 0;
}

/* ------------------------------------------------------------------ results */

void gw_sms_result_init(struct gw_sms_result *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->reply);
}

void gw_sms_result_release(struct gw_sms_result *r)
{
	buf_release(&r->reply);
}

static void result_reset(struct gw_sms_result *r)
{
	struct buf reply = r->reply;
	memset(r, 0, sizeof(*r));
	r->reply = reply;
	buf_reset(&r->reply);
}

/* Keep what the provider said on one line: control characters become
 * spaces, and it stops at GW_SMS_REPLY_MAX bytes on a character boundary. */
static void set_reply(struct gw_sms_result *res, const char *s, size_t len)
{
	while (len && (unsigned char)*s <= ' ')
		s++, len--;
	while (len && (unsigned char)s[len - 1] <= ' ')
		len--;
	if (len > GW_SMS_REPLY_MAX) {
		len = GW_SMS_REPLY_MAX;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	buf_reset(&res->reply);
	for (size_t i = 0; i < len; i++)
		buf_addch(&res->reply, (unsigned char)s[i] < ' ' || s[i] == 0x7F ? ' ' : s[i]);
}

static const char *status_word(enum gw_sms_status s)
{
	return s == GW_SMS_TEMPFAIL ? "failed for now" : "failed";
}

/* Record the outcome in res, and a failure in err with what the provider
 * said; returns 0 or the matching error code. */
static int finish(struct gw_sms_result *res, struct err *err, enum gw_sms_status status, const struct gw_sms_msg *msg,
		  const char *what)
{
	res->status = status;
	if (status == GW_SMS_SENT)
		return 0;
	if (res->http_status)
		return err_set(err, status == GW_SMS_TEMPFAIL ? ERR_TEMPFAIL : ERR_PERMFAIL,
			       "SMS to '%s' %s: HTTP %ld: %s", msg->to, status_word(status), res->http_status,
			       *what ? what : "(no reply text)");
	return err_set(err, status == GW_SMS_TEMPFAIL ? ERR_TEMPFAIL : ERR_PERMFAIL, "SMS to '%s' %s: %s", msg->to,
		       status_word(status), what);
}

/* The outcome an HTTP status means for any provider (SPEC section 5). */
static enum gw_sms_status classify_status(struct gw_sms_result *res, long status)
{
	res->http_status = status;
	if (status >= 200 && status < 300)
		return GW_SMS_SENT;
	if (status == 408 || status == 429 || status >= 500)
		return GW_SMS_TEMPFAIL;
	/* Authentication, a wrong URL or method, a redirect: every message
	 * would fail alike, whatever its number. */
	if (status < 400 || status == 401 || status == 403 || status == 404 || status == 405 || status == 407)
		res->provider_fault = 1;
	return GW_SMS_PERMFAIL;
}

/* A request that got no reply: failed for now, maybe sent. */
static int no_reply(struct gw_sms_result *res, const struct gw_sms_http_reply *reply, const struct gw_sms_msg *msg,
		    int rc, struct err *err)
{
	res->maybe_sent = reply->maybe_sent;
	if (rc == ERR_INPUT) {
		res->provider_fault = 1;
		res->status = GW_SMS_PERMFAIL;
		err_prefix(err, "SMS to '%s': ", msg->to);
		err->code = ERR_PERMFAIL;
		return ERR_PERMFAIL;
	}
	res->status = GW_SMS_TEMPFAIL;
	err_prefix(err, "SMS to '%s' failed for now: ", msg->to);
	return ERR_TEMPFAIL;
}

/* ------------------------------------------------------------------- kannel */

struct kannel {
	const struct gw_sms_config *cfg;
	struct gw_sms_http *http;
	struct gw_sms_http_reply reply;
	struct buf url, dlr;
};

static int http_open(struct gw_sms_http **out, const struct gw_sms_config *cfg, struct err *err)
{
	struct gw_sms_http_opts opts = { cfg->connect_timeout_ms, cfg->timeout_ms, cfg->proxy };
	return gw_sms_http_new(out, &opts, err);
}

static int kannel_open(void **state, const struct gw_sms_config *cfg, struct err *err)
{
	struct kannel *k = xcalloc(1, sizeof(*k));
	int rc = http_open(&k->http, cfg, err);

	if (rc) {
		free(k);
		return rc;
	}
	k->cfg = cfg;
	gw_sms_http_reply_init(&k->reply);
	buf_init(&k->url);
	buf_init(&k->dlr);
	*state = k;
	return 0;
}

static void kannel_close(void *state)
{
	struct kannel *k = state;
	gw_sms_http_free(k->http);
	gw_sms_http_reply_release(&k->reply);
	buf_release(&k->url);
	buf_release(&k->dlr);
	free(k);
}

/* Append name=value to a URL that has its '?' already. */
static void add_param(struct buf *url, const char *name, const char *value)
{
	char last = url->data[url->len - 1];
	if (last != '?' && last != '&')
		buf_addch(url, '&');
	buf_adds(url, name);
	buf_addch(url, '=');
	gw_sms_http_escape(url, value);
}

/* Kannel answers "0: Accepted for delivery", or "3: Queued for later
 * delivery" when its store keeps the message for an SMSC that is down. */
static int kannel_accepted(const char *body)
{
	return !strncmp(body, "0:", 2) || !strncmp(body, "3:", 2);
}

/* Replies that blame the message or the number. */
static int kannel_rejected(const char *body)
{
	static const char *const words[] = { "unknown", "invalid", "denied", "rejected", "missing", "not allowed" };
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcasestr(body, words[i]))
			return 1;
	return 0;
}

static int kannel_send(void *state, const struct gw_sms_msg *msg, struct gw_sms_result *res, struct err *err)
{
	struct kannel *k = state;
	const struct gw_sms_config *cfg = k->cfg;
	const char *from = msg->from ? msg->from : cfg->sender;
	const char *base = cfg->url ? cfg->url : "http://127.0.0.1:13013/cgi-bin/sendsms";
	enum gw_sms_status status;
	int rc;

	buf_reset(&k->url);
	buf_adds(&k->url, base);
	if (!strchr(base, '?'))
		buf_addch(&k->url, '?');
	if (cfg->username)
		add_param(&k->url, "username", cfg->username);
	if (cfg->password)
		add_param(&k->url, "password", cfg->password);
	if (from)
		add_param(&k->url, "from", from);
	add_param(&k->url, "to", msg->to);
	add_param(&k->url, "text", msg->text);
	add_param(&k->url, "charset", "UTF-8");
	add_param(&k->url, "coding", res->info.coding == GW_SMS_GSM7 ? "0" : "2");
	if (cfg->dlr_url) {
		/* Kannel fills in %d (the report type), %A (the SMSC's
		 * words) and %T (its time) when it calls back. */
		buf_reset(&k->dlr);
		buf_addf(&k->dlr, "%s%cid=%s&type=%%d&reply=%%A&ts=%%T", cfg->dlr_url,
			 strchr(cfg->dlr_url, '?') ? '&' : '?', msg->id);
		add_param(&k->url, "dlr-mask", "31");
		add_param(&k->url, "dlr-url", k->dlr.data);
	}
	rc = gw_sms_http_request(k->http, &k->reply, "GET", k->url.data, NULL, NULL, 0, err);
	if (rc)
		return no_reply(res, &k->reply, msg, rc, err);
	set_reply(res, k->reply.body.data, k->reply.body.len);
	status = classify_status(res, k->reply.status);
	if (status == GW_SMS_SENT && !kannel_accepted(res->reply.data)) {
		/* A 2xx that is no acceptance: a rejection we can name, or
		 * else an answer nobody knows the outcome of. */
		if (kannel_rejected(res->reply.data)) {
			status = GW_SMS_PERMFAIL;
		} else {
			status = GW_SMS_TEMPFAIL;
			res->maybe_sent = 1;
		}
	}
	return finish(res, err, status, msg, res->reply.data);
}

const struct gw_sms_provider_ops gw_sms_kannel = { "kannel", kannel_open, kannel_send, kannel_close };

/* --------------------------------------------------------------------- http */

struct httpp {
	const struct gw_sms_config *cfg;
	struct gw_sms_http *http;
	struct gw_sms_http_reply reply;
	const char *method;
	char **headers; /* NULL-terminated */
	struct buf url, body;
};

static void json_escape(struct buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\r': buf_adds(out, "\\r"); break;
		case '\t': buf_adds(out, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7F)
				buf_addf(out, "\\u%04x", *p);
			else
				buf_addch(out, (char)*p);
		}
	}
}

/* Fill {{name}} placeholders of tpl with msg's values, each escaped by esc;
 * msg NULL only checks the names. */
static int expand(struct buf *out, const char *tpl, const char *key, const struct gw_sms_msg *msg,
		  const struct gw_sms_result *res, const char *dlr, void (*esc)(struct buf *, const char *),
		  struct err *err)
{
	static const char *const names[] = { "to", "from", "text", "id", "coding", "dlr_url" };
	const char *p = tpl;

	while (*p) {
		const char *open = strstr(p, "{{"), *close, *a, *z;
		size_t i;
		if (!open) {
			buf_adds(out, p);
			break;
		}
		buf_add(out, p, (size_t)(open - p));
		if (!(close = strstr(open + 2, "}}")))
			return err_set(err, ERR_INPUT, "[sms] %s: '{{' without '}}'", key);
		for (a = open + 2; *a == ' '; a++)
			;
		for (z = close; z > a && z[-1] == ' '; z--)
			;
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == (size_t)(z - a) && !memcmp(names[i], a, (size_t)(z - a)))
				break;
		if (i == ARRAY_SIZE(names))
			return err_set(err, ERR_INPUT,
				       "[sms] %s: unknown placeholder '%.*s'; known are {{to}}, {{from}}, {{text}}, "
				       "{{id}}, {{coding}} and {{dlr_url}}",
				       key, (int)(close + 2 - open), open);
		if (msg) {
			const char *v = "";
			switch (i) {
			case 0: v = msg->to; break;
			case 1: v = msg->from ? msg->from : ""; break;
			case 2: v = msg->text; break;
			case 3: v = msg->id; break;
			case 4: v = res->info.coding == GW_SMS_GSM7 ? "0" : "2"; break;
			case 5: v = dlr ? dlr : ""; break;
			}
			esc(out, v);
		}
		p = close + 2;
	}
	return 0;
}

static void httpp_close(void *state)
{
	struct httpp *h = state;
	gw_sms_http_free(h->http);
	gw_sms_http_reply_release(&h->reply);
	for (size_t i = 0; h->headers && h->headers[i]; i++)
		free(h->headers[i]);
	free(h->headers);
	buf_release(&h->url);
	buf_release(&h->body);
	free(h);
}

static int httpp_open(void **state, const struct gw_sms_config *cfg, struct err *err)
{
	struct httpp *h;
	struct buf scratch = BUF_INIT;
	size_t n = 0;
	int rc;

	if (!cfg->url)
		return err_set(err, ERR_INPUT, "[sms] url is required for provider http");
	if (!cfg->body && (!cfg->method || strcasecmp(cfg->method, "GET")))
		return err_set(err, ERR_INPUT,
			       "[sms] body is required for provider http (a template with {{to}} and {{text}})");
	if (cfg->method && strcasecmp(cfg->method, "GET") && strcasecmp(cfg->method, "POST") &&
	    strcasecmp(cfg->method, "PUT"))
		return err_set(err, ERR_INPUT, "[sms] method: '%s' is not GET, POST or PUT", cfg->method);
	if ((rc = expand(&scratch, cfg->url, "url", NULL, NULL, NULL, NULL, err)) ||
	    (cfg->body && (rc = expand(&scratch, cfg->body, "body", NULL, NULL, NULL, NULL, err)))) {
		buf_release(&scratch);
		return rc;
	}
	buf_release(&scratch);
	for (size_t i = 0; i < cfg->nheaders; i++) {
		const char *line = cfg->headers[i], *colon = strchr(line, ':');
		if (!colon || colon == line || strpbrk(line, "\r\n"))
			return err_set(err, ERR_INPUT, "[sms] header_%zu: '%s' is not a 'Name: value' header", i + 1,
				       line);
	}

	h = xcalloc(1, sizeof(*h));
	if ((rc = http_open(&h->http, cfg, err))) {
		free(h);
		return rc;
	}
	h->cfg = cfg;
	h->method = !cfg->method		      ? "POST"
		    : !strcasecmp(cfg->method, "GET") ? "GET"
		    : !strcasecmp(cfg->method, "PUT") ? "PUT"
						      : "POST";
	gw_sms_http_reply_init(&h->reply);
	buf_init(&h->url);
	buf_init(&h->body);
	h->headers = xcalloc(cfg->nheaders + 2, sizeof(*h->headers));
	if (strcmp(h->method, "GET"))
		h->headers[n++] =
			xstrfmt("Content-Type: %s", cfg->content_type ? cfg->content_type : "application/json");
	for (size_t i = 0; i < cfg->nheaders; i++)
		h->headers[n++] = xstrdup(cfg->headers[i]);
	*state = h;
	return 0;
}

/* The value of member name in a JSON reply, string or number, found by a
 * plain scan (a provider's reply is small and flat). */
static int json_member(struct buf *out, const char *json, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strchr(json, '"'); p; p = strchr(p + 1, '"')) {
		const char *v = p + 1 + n, *end;
		if (strncmp(p + 1, name, n) || *v != '"')
			continue;
		for (v++; *v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'; v++)
			;
		if (*v++ != ':')
			continue;
		while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
			v++;
		if (*v == '"') {
			for (end = ++v; *end && *end != '"'; end++)
				if (*end == '\\' && end[1])
					end++;
		} else {
			for (end = v; *end && (strchr("+-.", *end) || (*end >= '0' && *end <= '9') ||
					       (*end >= 'a' && *end <= 'z') || (*end >= 'A' && *end <= 'Z'));
			     end++)
				;
		}
		if (end == v)
			return 0;
		buf_add(out, v, (size_t)(end - v));
		return 1;
	}
	return 0;
}

static int httpp_send(void *state, const struct gw_sms_msg *msg, struct gw_sms_result *res, struct err *err)
{
	struct httpp *h = state;
	const struct gw_sms_config *cfg = h->cfg;
	struct gw_sms_msg m = *msg;
	struct buf dlr = BUF_INIT, id = BUF_INIT;
	enum gw_sms_status status;
	int rc;

	if (!m.from)
		m.from = cfg->sender;
	if (cfg->dlr_url)
		buf_addf(&dlr, "%s%cid=%s", cfg->dlr_url, strchr(cfg->dlr_url, '?') ? '&' : '?', msg->id);
	buf_reset(&h->url);
	buf_reset(&h->body);
	rc = expand(&h->url, cfg->url, "url", &m, res, dlr.data, gw_sms_http_escape, err);
	if (!rc && cfg->body)
		rc = expand(&h->body, cfg->body, "body", &m, res, dlr.data, json_escape, err);
	if (!rc)
		rc = gw_sms_http_request(h->http, &h->reply, h->method, h->url.data, (const char *const *)h->headers,
					 h->body.data, h->body.len, err);
	buf_release(&dlr);
	if (rc)
		return no_reply(res, &h->reply, msg, rc, err);
	status = classify_status(res, h->reply.status);
	if (status == GW_SMS_SENT && cfg->id_field && json_member(&id, h->reply.body.data, cfg->id_field))
		set_reply(res, id.data, id.len);
	else
		set_reply(res, h->reply.body.data, h->reply.body.len);
	buf_release(&id);
	return finish(res, err, status, msg, res->reply.data);
}

const struct gw_sms_provider_ops gw_sms_http = { "http", httpp_open, httpp_send, httpp_close };

/* --------------------------------------------------------------------- file */

struct filep {
	const struct gw_sms_config *cfg;
	char *dir;
};

static int filep_open(void **state, const struct gw_sms_config *cfg, struct err *err)
{
	const char *dir = cfg->provider ? cfg->provider + 5 : "out/sms";
	struct filep *f;
	int rc;

	if (!*dir)
		return err_set(err, ERR_INPUT, "[sms] provider: 'file:' names no folder (such as file:out/sms)");
	if ((rc = file_mkdir_p(dir, err)))
		return rc;
	f = xcalloc(1, sizeof(*f));
	f->cfg = cfg;
	f->dir = xstrdup(dir);
	*state = f;
	return 0;
}

static void filep_close(void *state)
{
	struct filep *f = state;
	free(f->dir);
	free(f);
}

/* DIR/ID.sms, written whole or not at all: a temporary file, fsync, rename,
 * and fsync of the folder, so that a message recorded as sent is on disk. A
 * second send of the same id replaces the file. */
static int filep_send(void *state, const struct gw_sms_msg *msg, struct gw_sms_result *res, struct err *err)
{
	struct filep *f = state;
	const char *from = msg->from ? msg->from : f->cfg->sender;
	char *path = xstrfmt("%s/%s.sms", f->dir, msg->id);
	char *tmp = xstrfmt("%s/.%s.sms.%ld.tmp", f->dir, msg->id, (long)getpid());
	struct buf content = BUF_INIT, why = BUF_INIT;
	struct iovec iov;
	int rc = 0;

	buf_addf(&content, "Id: %s\nTo: %s\n", msg->id, msg->to);
	if (from)
		buf_addf(&content, "From: %s\n", from);
	buf_addf(&content, "Coding: %s\nSegments: %zu\n\n%s\n", gw_sms_coding_name(res->info.coding),
		 res->info.segments, msg->text);
	iov.iov_base = content.data;
	iov.iov_len = content.len;
	if (file_put(tmp, path, &iov, 1, &why)) {
		res->status = GW_SMS_TEMPFAIL;
		rc = err_set(err, ERR_TEMPFAIL, "SMS to '%s' failed for now: %s", msg->to, why.data);
		goto done;
	}
	res->status = GW_SMS_SENT;
	set_reply(res, path, strlen(path));
done:
	buf_release(&why);
	buf_release(&content);
	free(tmp);
	free(path);
	return rc;
}

const struct gw_sms_provider_ops gw_sms_file = { "file", filep_open, filep_send, filep_close };

/* ----------------------------------------------------------------- provider */

int gw_sms_provider_open(struct gw_sms_provider **out, const struct gw_sms_config *cfg, struct err *err)
{
	const struct gw_sms_provider_ops *ops;
	const char *name = cfg->provider;
	void *state = NULL;
	int rc;

	*out = NULL;
	if (!name || !strncmp(name, "file:", 5))
		ops = &gw_sms_file;
	else if (!strcmp(name, "kannel"))
		ops = &gw_sms_kannel;
	else if (!strcmp(name, "http"))
		ops = &gw_sms_http;
	else
		return err_set(err, ERR_INPUT, "[sms] provider: '%s' is not kannel, http or file:FOLDER", name);
	if ((rc = ops->open(&state, cfg, err)))
		return rc;
	*out = xcalloc(1, sizeof(**out));
	(*out)->ops = ops;
	(*out)->cfg = cfg;
	(*out)->state = state;
	return 0;
}

void gw_sms_provider_close(struct gw_sms_provider *p)
{
	if (!p)
		return;
	p->ops->close(p->state);
	free(p);
}

const char *gw_sms_provider_name(const struct gw_sms_provider *p)
{
	return p->ops->name;
}

static int id_ok(const char *id)
{
	size_t n = strlen(id);
	if (!n || n > 64)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-'))
			return 0;
	return *id != '.';
}

/* The number as providers get it: an optional + and 3 to 20 digits, once
 * the spaces, dashes, dots and parentheses people write are dropped. */
static int number_normalise(struct buf *out, const char *number)
{
	size_t digits = 0;
	for (const char *p = number; *p; p++) {
		if (*p >= '0' && *p <= '9')
			buf_addch(out, *p), digits++;
		else if (*p == '+' && !out->len)
			buf_addch(out, '+');
		else if (!strchr(" -.()", *p))
			return 0;
	}
	return digits >= 3 && digits <= 20;
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7F)
			return 1;
	return 0;
}

int gw_sms_send(struct gw_sms_provider *p, const struct gw_sms_msg *msg, struct gw_sms_result *res, struct err *err)
{
	struct gw_sms_msg m = *msg;
	struct buf to = BUF_INIT;
	struct err terr = ERR_INIT;
	int rc;

	result_reset(res);
	if (!id_ok(msg->id))
		BUG("SMS message id '%s' is not 1-64 of [A-Za-z0-9._-]", msg->id);
	if (!number_normalise(&to, msg->to)) {
		res->status = GW_SMS_PERMFAIL;
		rc = err_set(err, ERR_PERMFAIL, "SMS to '%s' failed: not a phone number", msg->to);
		goto done;
	}
	m.to = to.data;
	if ((m.from || p->cfg->sender) && has_control(m.from ? m.from : p->cfg->sender)) {
		res->status = GW_SMS_PERMFAIL;
		res->provider_fault = 1;
		rc = err_set(err, ERR_PERMFAIL, "SMS to '%s' failed: the sender contains a control character", m.to);
		goto done;
	}
	if (gw_sms_measure(&res->info, m.text, &terr)) {
		res->status = GW_SMS_PERMFAIL;
		rc = err_set(err, ERR_PERMFAIL, "SMS to '%s' failed: %s", m.to, terr.msg.data);
		goto done;
	}
	rc = p->ops->send(p->state, &m, res, err);
	if (!rc && res->status != GW_SMS_SENT)
		BUG("SMS provider %s returned 0 for a failed send", p->ops->name);
done:
	err_release(&terr);
	buf_release(&to);
	return rc;
}
