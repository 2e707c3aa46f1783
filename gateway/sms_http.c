/* gateway/sms_http.c - HTTP requests to SMS providers through libcurl. */
#include "gateway/sms_http.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/xalloc.h"
#include "common/banned.h"

struct gw_sms_http {
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
};

void gw_sms_http_reply_init(struct gw_sms_http_reply *r)
{
	r->status = 0;
	buf_init(&r->body);
	r->body.cap = GW_SMS_HTTP_BODY_MAX;
	r->maybe_sent = 0;
}

void gw_sms_http_reply_release(struct gw_sms_http_reply *r)
{
	buf_release(&r->body);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct buf *b = ctx;
	size_t n = size * nmemb, room = b->cap - b->len;
	/* Keep what fits and carry on: the status matters more than the tail. */
	buf_add(b, data, n < room ? n : room);
	return n;
}

int gw_sms_http_new(struct gw_sms_http **out, const struct gw_sms_http_opts *opts, struct err *err)
{
	struct gw_sms_http *h = xcalloc(1, sizeof(*h));
	CURLcode rc = CURLE_OK;

	*out = NULL;
	h->curl = curl_easy_init();
	if (!h->curl) {
		free(h);
		return err_set(err, ERR_FAIL, "could not start an HTTP client (libcurl)");
	}
#define SET(opt, val)                                                                                                  \
	do {                                                                                                           \
		if (rc == CURLE_OK)                                                                                    \
			rc = curl_easy_setopt(h->curl, opt, val);                                                      \
	} while (0)
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	/* "" turns off the proxies of the environment (http_proxy...). */
	SET(CURLOPT_PROXY, opts->proxy ? opts->proxy : "");
	SET(CURLOPT_CONNECTTIMEOUT_MS, opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000L);
	SET(CURLOPT_TIMEOUT_MS, opts->timeout_ms > 0 ? opts->timeout_ms : 30000L);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_USERAGENT, "crmgate");
#undef SET
	if (rc != CURLE_OK) {
		err_set(err, ERR_FAIL, "could not set up the HTTP client: %s", curl_easy_strerror(rc));
		gw_sms_http_free(h);
		return ERR_FAIL;
	}
	*out = h;
	return 0;
}

void gw_sms_http_free(struct gw_sms_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

static int transport_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_BAD_FUNCTION_ARGUMENT: return ERR_INPUT;
	default: return ERR_TEMPFAIL;
	}
}

int gw_sms_http_request(struct gw_sms_http *h, struct gw_sms_http_reply *reply, const char *method, const char *url,
			const char *const *headers, const char *body, size_t body_len, struct err *err)
{
	struct curl_slist *list = NULL;
	CURLcode rc = CURLE_OK;
	int ret = 0;

	reply->status = 0;
	reply->maybe_sent = 0;
	buf_reset(&reply->body);
	h->errbuf[0] = '\0';
	for (size_t i = 0; headers && headers[i]; i++) {
		struct curl_slist *l = curl_slist_append(list, headers[i]);
		if (!l) {
			ret = err_set(err, ERR_FAIL, "could not build the HTTP headers: out of memory");
			goto done;
		}
		list = l;
	}
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &reply->body);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, list);
	if (!strcmp(method, "GET")) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, NULL);
	} else {
		curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
		curl_easy_setopt(h->curl, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") ? method : NULL);
	}
	rc = curl_easy_perform(h->curl);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &reply->status);
	} else {
		long sent = 0;
		/* Bytes of the request that went out: none when the connection
		 * was never made, so the provider cannot have the message. */
		curl_easy_getinfo(h->curl, CURLINFO_REQUEST_SIZE, &sent);
		reply->maybe_sent = sent > 0;
		ret = err_set(err, transport_error(rc), "could not reach the SMS provider: %s",
			      h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
	}
done:
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(list);
	return ret;
}

void gw_sms_http_escape(struct buf *out, const char *s)
{
	char *e = curl_easy_escape(NULL, s, (int)strlen(s));
	if (!e)
		BUG("curl_easy_escape: out of memory");
	buf_adds(out, e);
	curl_free(e);
}
