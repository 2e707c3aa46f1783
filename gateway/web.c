/* gateway/web.c - unsubscribe pages (RFC 8058 one-click, RFC 2369), Kannel
 * delivery reports and inbound texts, as routes of common/httpd.
 *
 * Connections: the server runs handlers on a fixed pool of threads, so a
 * pool of at most that many database connections means no handler ever
 * waits for one, and an idle server holds only what it has used. A
 * connection is opened on first need and closed after any error (the
 * database may have restarted); the next request opens a fresh one. */
#include "gateway/web.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "gateway/crypto.h"
#include "gateway/outbox.h"
#include "common/banned.h"

#define DEFAULT_CONNECTIONS 4
/* "ID.SIG": a bigint, and 32 bytes of HMAC in unpadded base64url */
#define SIG_LEN	      43
#define INBOUND_HOWTO "set [sms] inbound_secret (or CRMGATE_SMS_INBOUND_SECRET) and add key=SECRET to Kannel's get-url"

struct gw_web {
	struct crm_store_opts store;
	char *secret;
	char *inbound_secret; /* NULL: /sms/in is off */
	int inbound_warned;   /* under lock: the first refusal of an unconfigured /sms/in is logged */
	gw_web_text_fn text_fn;
	void *text_ctx;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct crm_db **idle;
	size_t idle_nr;
	unsigned open, max;
};

/* ---------------------------------------------------------------- the pool */

static int pool_get(struct crm_db **out, struct gw_web *w, struct err *err)
{
	int rc;

	*out = NULL;
	pthread_mutex_lock(&w->lock);
	while (!w->idle_nr && w->open >= w->max)
		pthread_cond_wait(&w->freed, &w->lock);
	if (w->idle_nr) {
		*out = w->idle[--w->idle_nr];
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	w->open++;
	pthread_mutex_unlock(&w->lock);
	rc = crm_store_open(out, &w->store, err);
	if (rc) {
		pthread_mutex_lock(&w->lock);
		w->open--;
		pthread_cond_signal(&w->freed);
		pthread_mutex_unlock(&w->lock);
	}
	return rc;
}

/* Give db back; after an error it is closed instead (it may be broken). */
static void pool_put(struct gw_web *w, struct crm_db *db, int failed)
{
	if (!db)
		return;
	if (failed) {
		crm_db_rollback(db);
		crm_db_free(db);
	}
	pthread_mutex_lock(&w->lock);
	if (failed)
		w->open--;
	else
		w->idle[w->idle_nr++] = db;
	pthread_cond_signal(&w->freed);
	pthread_mutex_unlock(&w->lock);
}

int gw_web_db_get(struct crm_db **out, struct gw_web *web, struct err *err)
{
	return pool_get(out, web, err);
}

void gw_web_db_put(struct gw_web *web, struct crm_db *db, int failed)
{
	pool_put(web, db, failed);
}

int gw_web_new(struct gw_web **out, const struct gw_web_options *opt, struct err *err)
{
	struct gw_web *w = xcalloc(1, sizeof(*w));
	struct crm_db *db = NULL;
	int rc;

	*out = NULL;
	w->store = *opt->store;
	w->store.as_login = NULL; /* the server acts for recipients, not for a CRM user */
	w->secret = opt->secret && *opt->secret ? xstrdup(opt->secret) : NULL;
	w->inbound_secret = opt->inbound_secret && *opt->inbound_secret ? xstrdup(opt->inbound_secret) : NULL;
	w->max = opt->connections ? opt->connections : DEFAULT_CONNECTIONS;
	w->text_fn = opt->text_fn;
	w->text_ctx = opt->text_ctx;
	w->idle = xcalloc(w->max, sizeof(*w->idle));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->freed, NULL);
	rc = pool_get(&db, w, err);
	if (rc) {
		gw_web_free(w);
		return rc;
	}
	pool_put(w, db, 0);
	if (!w->inbound_secret)
		log_warn("serve: inbound texts (/sms/in) are refused: " INBOUND_HOWTO);
	*out = w;
	return 0;
}

void gw_web_free(struct gw_web *web)
{
	if (!web)
		return;
	for (size_t i = 0; i < web->idle_nr; i++)
		crm_db_free(web->idle[i]);
	free(web->idle);
	pthread_cond_destroy(&web->freed);
	pthread_mutex_destroy(&web->lock);
	free(web->secret);
	free(web->inbound_secret);
	free(web);
}

/* ----------------------------------------------------------------- tokens */

/* What a token is for: the word signed with the id (sql/010), and what the
 * token is called in messages. */
struct purpose {
	const char *word, *what;
};
static const struct purpose unsubscribe = { "unsubscribe", "the unsubscribe link" };
static const struct purpose dlr = { "dlr", "the delivery report's id" };

static int sign(struct buf *out, struct crm_db *db, const struct purpose *p, long outbox_id, const char *secret,
		struct err *err)
{
	char id[24];
	const char *params[] = { p->word, id, secret };
	char *token = NULL;
	int rc;

	snprintf(id, sizeof(id), "%ld", outbox_id);
	rc = crm_db_value(&token, db, "SELECT crm.sign_token($1, $2::bigint, $3::text)", 3, params, err);
	if (!rc && !token)
		rc = err_set(err, ERR_FAIL, "could not sign %s of outbox row %ld", p->what, outbox_id);
	if (!rc)
		buf_adds(out, token);
	free(token);
	return rc;
}

int gw_web_token(struct buf *out, struct crm_db *db, long outbox_id, const char *secret, struct err *err)
{
	return sign(out, db, &unsubscribe, outbox_id, secret, err);
}

int gw_web_dlr_token(struct buf *out, struct crm_db *db, long outbox_id, const char *secret, struct err *err)
{
	return sign(out, db, &dlr, outbox_id, secret, err);
}

int gw_web_unsubscribe_url(struct buf *out, struct crm_db *db, const char *public_url, long outbox_id,
			   const char *secret, struct err *err)
{
	size_t len = strlen(public_url), at = out->len;

	while (len && public_url[len - 1] == '/')
		len--;
	buf_add(out, public_url, len);
	buf_adds(out, "/u/");
	if (gw_web_token(out, db, outbox_id, secret, err)) {
		buf_truncate(out, at);
		return err->code;
	}
	return 0;
}

/* Append data[0..len) to out in base64url without padding (RFC 4648,
 * section 5): what fits in a URL or a configuration file as it is. */
static void add_b64url(struct buf *out, const unsigned char *data, size_t len)
{
	struct buf b64 = BUF_INIT;

	gw_crypto_base64(&b64, data, len);
	for (size_t i = 0; i < b64.len && b64.data[i] != '='; i++)
		buf_addch(out, b64.data[i] == '+' ? '-' : b64.data[i] == '/' ? '_' : b64.data[i]);
	buf_release(&b64);
}

int gw_web_survey_key_new(struct buf *out, struct err *err)
{
	unsigned char raw[32];
	int rc = gw_crypto_random(raw, sizeof(raw), err);

	for (size_t i = 0; !rc && i < sizeof(raw); i++)
		buf_addf(out, "%02x", raw[i]);
	memset(raw, 0, sizeof(raw));
	return rc;
}

int gw_web_survey_key_check(const char *secret, struct err *err)
{
	struct buf key = BUF_INIT;
	struct err ignored = ERR_INIT;
	size_t len = secret ? strlen(secret) : 0;

	if (len >= GW_WEB_SURVEY_KEY_MIN)
		return 0;
	if (len)
		err_set(err, ERR_INPUT, "[serve] secret has %zu characters: survey links need a key of at least %d",
			len, GW_WEB_SURVEY_KEY_MIN);
	else
		err_set(err, ERR_INPUT,
			"survey links need a key of this installation's own: [serve] secret is not set");
	/* a key to paste, drawn now; without randomness, the hint says how */
	if (gw_web_survey_key_new(&key, &ignored) == 0)
		err_hint(err,
			 "add to crmgate.conf the two lines \"[serve]\" and \"secret = %s\" (or set"
			 " CRMGATE_SERVE_SECRET), the same for every crmgate that sends or serves",
			 key.data);
	else
		err_hint(err,
			 "set [serve] secret in crmgate.conf (or CRMGATE_SERVE_SECRET) to %d or more random characters",
			 GW_WEB_SURVEY_KEY_MIN);
	buf_release(&key);
	err_release(&ignored);
	return err->code;
}

int gw_web_survey_token(struct buf *out, unsigned char hash[32], const unsigned char *nonce, size_t len,
			const char *secret, struct err *err)
{
	struct buf msg = BUF_INIT;
	unsigned char mac[GW_CRYPTO_SHA256_LEN];
	size_t at = out->len;
	int rc;

	if ((rc = gw_web_survey_key_check(secret, err)))
		return rc;
	buf_adds(&msg, "survey:");
	for (size_t i = 0; i < len; i++)
		buf_addf(&msg, "%02x", nonce[i]);
	rc = gw_crypto_hmac_sha256(mac, secret, strlen(secret), msg.data, msg.len, err);
	if (!rc) {
		add_b64url(out, mac, sizeof(mac));
		rc = gw_crypto_sha256(hash, out->data + at, out->len - at, err);
	}
	memset(mac, 0, sizeof(mac));
	buf_release(&msg);
	return rc;
}

/* Read 2 * n hexadecimal digits into out; -1 when hex is anything else. */
static int unhex(unsigned char *out, size_t n, const char *hex)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int b = hex_byte(hex + 2 * i);
		if (b < 0)
			return -1;
		out[i] = (unsigned char)b;
	}
	return 0;
}

int gw_web_survey_token_of(struct buf *out, const struct gw_web_invitation *v, const char *secret, struct err *err)
{
	unsigned char nonce[64], want[GW_CRYPTO_SHA256_LEN], got[GW_CRYPTO_SHA256_LEN];
	size_t n = strlen(v->nonce_hex) / 2, at = out->len;
	int rc;

	if (n > sizeof(nonce) || unhex(nonce, n, v->nonce_hex) || unhex(want, sizeof(want), v->hash_hex))
		return err_set(err, ERR_FAIL,
			       "outbox row %ld: its survey invitation's nonce or token hash is malformed",
			       v->outbox_id);
	if ((rc = gw_web_survey_token(out, got, nonce, n, secret, err)))
		return rc;
	/* the hash is no secret: a plain comparison tells nothing */
	if (memcmp(got, want, sizeof(want)) != 0) {
		buf_truncate(out, at);
		err_set(err, ERR_INPUT,
			"survey '%s' (outbox row %ld): its link cannot be made: [serve] secret is not the key the survey"
			" was launched with",
			v->survey, v->outbox_id);
		err_hint(
			err,
			"set [serve] secret back to that key (the links sent with it keep working), or close the survey:"
			" its messages not sent yet are dropped");
		return err->code;
	}
	return 0;
}

int gw_web_survey_url(struct buf *out, struct crm_db *db, const char *public_url, long outbox_id, const char *secret,
		      struct err *err)
{
	char id[24];
	const char *params[] = { id };
	struct crm_res *res = NULL;
	size_t len = strlen(public_url), at = out->len;
	int rc;

	snprintf(id, sizeof(id), "%ld", outbox_id);
	rc = crm_db_query(&res, db,
			  "SELECT encode(nonce, 'hex'), encode(token_hash, 'hex'), survey"
			  " FROM crm.survey_outbox_nonce($1::bigint) WHERE nonce IS NOT NULL",
			  1, params, err);
	while (len && public_url[len - 1] == '/')
		len--;
	if (!rc && crm_res_rows(res) == 1) {
		struct gw_web_invitation v = { outbox_id, crm_res_get(res, 0, 0), crm_res_get(res, 0, 1),
					       crm_res_get(res, 0, 2) };
		buf_add(out, public_url, len);
		buf_adds(out, "/s/");
		if ((rc = gw_web_survey_token_of(out, &v, secret, err)))
			buf_truncate(out, at);
	}
	crm_res_free(res);
	return rc;
}

/* Parse a positive decimal id without sign, spaces or leading zeros. */
static int parse_id(long *out, const char *s, size_t len)
{
	long v = 0;

	if (!len || len > 18 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Are a and b the same bytes? Every byte of b is looked at whatever
 * differs, and a different length too: the time taken tells an attacker
 * nothing about b, the secret. */
static int same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char diff = alen != blen;

	for (size_t i = 0; i < blen; i++)
		diff |= (unsigned char)(b[i] ^ (alen ? a[i % alen] : 0));
	return !diff;
}

static int is_b64url(int c)
{
	return isalnum(c) || c == '-' || c == '_';
}

static int verify_token(long *outbox_id, struct crm_db *db, const struct purpose *p, const char *token,
			const char *secret, struct err *err)
{
	const char *dot = strchr(token, '.');
	struct buf want = BUF_INIT;
	long id;
	int rc;

	*outbox_id = 0;
	if (!dot || parse_id(&id, token, (size_t)(dot - token)) || strlen(dot + 1) != SIG_LEN)
		return err_set(err, ERR_NOTFOUND, "%s is not valid", p->what);
	for (const char *q = dot + 1; *q; q++)
		if (!is_b64url((unsigned char)*q))
			return err_set(err, ERR_NOTFOUND, "%s is not valid", p->what);
	rc = sign(&want, db, p, id, secret, err);
	if (rc)
		goto done;
	/* a link signed before [serve] secret was set, with the database's
	 * key, stays good: an unsubscribe link in mail already read must work */
	if (secret && !same_secret(token, strlen(token), want.data, want.len)) {
		buf_reset(&want);
		if ((rc = sign(&want, db, p, id, NULL, err)))
			goto done;
	}
	if (!same_secret(token, strlen(token), want.data, want.len)) {
		rc = err_set(err, ERR_NOTFOUND, "%s is not valid", p->what);
		goto done;
	}
	*outbox_id = id;
done:
	buf_release(&want);
	return rc;
}

int gw_web_token_check(long *outbox_id, struct crm_db *db, const char *token, const char *secret, struct err *err)
{
	return verify_token(outbox_id, db, &unsubscribe, token, secret, err);
}

int gw_web_dlr_token_check(long *outbox_id, struct crm_db *db, const char *token, const char *secret, struct err *err)
{
	return verify_token(outbox_id, db, &dlr, token, secret, err);
}

/* ------------------------------------------------------------------ pages */

/* Void elements are closed (<meta/>) so that a page is well-formed XML as
 * well as HTML: whatever a recipient's address holds, any parser reads it. */
static const char page_head[] = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\"/>\n"
				"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
				"<meta name=\"robots\" content=\"noindex\"/>\n<title>";

static void page_begin(struct buf *b, const char *title)
{
	buf_adds(b, page_head);
	http_html_escape(b, title);
	buf_adds(b, "</title>\n</head>\n<body>\n<main>\n<h1>");
	http_html_escape(b, title);
	buf_adds(b, "</h1>\n");
}

static void page_end(struct buf *b)
{
	buf_adds(b, "</main>\n</body>\n</html>\n");
}

/* The two languages' words for what a channel sends. */
static void channel_words(const char *channel, const char **zh, const char **en)
{
	if (!strcmp(channel, "email")) {
		*zh = "营销邮件";
		*en = "marketing e-mail";
	} else if (!strcmp(channel, "sms")) {
		*zh = "营销短信";
		*en = "marketing text messages";
	} else {
		*zh = "营销信件";
		*en = "marketing letters";
	}
}

/* The length in bytes of the first character of s (1 for a byte that
 * starts none: the escape replaces it), 0 at the end. */
static size_t first_char(const char *s, size_t len)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	return len ? (n ? n : 1) : 0;
}

/* The recipient, enough to recognise, not to harvest: "w***@example.com",
 * "*******8000"; nothing for a postal address. Whole characters are shown
 * (王***@例子.cn), never a piece of one. */
static void mask_recipient(struct buf *out, const char *channel, const char *recipient)
{
	size_t len, start, n = 0;

	if (!recipient || !*recipient)
		return;
	len = strlen(recipient);
	if (!strcmp(channel, "email")) {
		const char *at = strrchr(recipient, '@');
		if (!at || at == recipient)
			return;
		buf_add(out, recipient, first_char(recipient, (size_t)(at - recipient)));
		buf_adds(out, "***");
		buf_adds(out, at);
	} else if (!strcmp(channel, "sms")) {
		/* the last four characters, after at least one hidden */
		for (start = 0; start < len; start += first_char(recipient + start, len - start))
			n++;
		if (n <= 4)
			return;
		for (start = 0; n > 4; n--)
			start += first_char(recipient + start, len - start);
		buf_adds(out, "*******");
		buf_adds(out, recipient + start);
	}
}

static void page_not_found(struct http_response *res)
{
	buf_reset(&res->body);
	page_begin(&res->body, "链接无效 · Link not valid");
	buf_adds(&res->body, "<p>这个退订链接无效或已过期。</p>\n"
			     "<p lang=\"en\">This unsubscribe link is not valid or no longer exists.</p>\n");
	page_end(&res->body);
	http_reply_html(res, 404, NULL);
}

static void page_ask(struct http_response *res, const char *channel, const char *recipient, int done)
{
	struct buf who = BUF_INIT;
	const char *zh, *en;

	channel_words(channel, &zh, &en);
	mask_recipient(&who, channel, recipient);
	buf_reset(&res->body);
	page_begin(&res->body, "退订 · Unsubscribe");
	buf_adds(&res->body, "<p>");
	if (done)
		buf_adds(&res->body, "您已退订，不会再收到我们的");
	else
		buf_adds(&res->body, "不再向您发送");
	http_html_escape(&res->body, zh);
	if (who.len) {
		buf_adds(&res->body, "（");
		http_html_escape(&res->body, who.data);
		buf_adds(&res->body, "）");
	}
	buf_adds(&res->body,
		 done ? "。</p>\n<p lang=\"en\">You are unsubscribed: no more " : "？</p>\n<p lang=\"en\">Stop ");
	http_html_escape(&res->body, en);
	if (who.len) {
		buf_adds(&res->body, " to ");
		http_html_escape(&res->body, who.data);
	}
	buf_adds(&res->body, done ? ".</p>\n" : "?</p>\n");
	if (!done)
		/* no action: the form posts to this very URL, whatever the path in front */
		buf_adds(&res->body, "<form method=\"post\">\n"
				     "<input type=\"hidden\" name=\"confirm\" value=\"1\"/>\n"
				     "<button type=\"submit\">退订 · Unsubscribe</button>\n</form>\n");
	page_end(&res->body);
	http_reply_html(res, 200, NULL);
	buf_release(&who);
}

/* --------------------------------------------------------------- handlers */

/* Ask about (GET) or unsubscribe (POST) with the token in the path: sql
 * takes the outbox id and answers the row's channel, its recipient and
 * whether the recipient is unsubscribed; no row or no channel is a 404. */
static int unsubscribe_request(struct http_response *res, const struct http_request *req, struct gw_web *w,
			       const char *sql, struct err *err)
{
	struct crm_db *db = NULL;
	struct crm_res *r = NULL;
	struct err check = ERR_INIT;
	char idtext[24];
	const char *params[] = { idtext };
	long id = 0;
	int rc = pool_get(&db, w, err);

	if (rc)
		return rc;
	rc = gw_web_token_check(&id, db, req->rest, w->secret, &check);
	if (rc == ERR_NOTFOUND) {
		page_not_found(res);
		rc = 0;
		goto done;
	} else if (rc) {
		err_set(err, rc, "%s", check.msg.data);
		goto done;
	}
	snprintf(idtext, sizeof(idtext), "%ld", id);
	rc = crm_db_query(&r, db, sql, 1, params, err);
	if (rc)
		goto done;
	if (!crm_res_rows(r) || !crm_res_get(r, 0, 0)) {
		page_not_found(res);
		goto done;
	}
	if (!strcmp(req->method, "POST"))
		log_info("serve: outbox row %ld: the recipient unsubscribed from %s", id, crm_res_get(r, 0, 0));
	page_ask(res, crm_res_get(r, 0, 0), crm_res_get(r, 0, 1), !strcmp(crm_res_get(r, 0, 2), "t"));
done:
	err_release(&check);
	crm_res_free(r);
	pool_put(w, db, rc != 0);
	return rc;
}

static int h_unsubscribe_page(struct http_response *res, const struct http_request *req, void *ctx, struct err *err)
{
	return unsubscribe_request(
		res, req, ctx,
		"SELECT o.channel, o.recipient, EXISTS (SELECT 1 FROM crm.suppression s"
		" WHERE s.channel = o.channel AND s.address = crm.address_key(o.channel, o.recipient))"
		" FROM crm.outbox o WHERE o.id = $1::bigint",
		err);
}

/* Any POST unsubscribes: the page's button, and RFC 8058's one-click POST
 * (body "List-Unsubscribe=One-Click", which needs no looking at). */
static int h_unsubscribe(struct http_response *res, const struct http_request *req, void *ctx, struct err *err)
{
	return unsubscribe_request(res, req, ctx,
				   "SELECT u.channel, o.recipient, true FROM crm.unsubscribe($1::bigint) u(channel)"
				   " LEFT JOIN crm.outbox o ON o.id = $1::bigint",
				   err);
}

static int is_digits(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n > max)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* GET /sms/dlr?id=TOKEN&type=%d&reply=%A&ts=%T (TOKEN: gw_web_dlr_token's) */
static int h_sms_dlr(struct http_response *res, const struct http_request *req, void *ctx, struct err *err)
{
	struct gw_web *w = ctx;
	struct crm_db *db = NULL;
	const char *idtext = http_param(req, "id"), *type = http_param(req, "type");
	const char *reply = http_param(req, "reply"), *ts = http_param(req, "ts");
	char *status = NULL;
	long id, t;
	int rc;

	if (!idtext || !type || !is_digits(type, 2)) {
		http_reply_text(res, 400, "a delivery report needs id and type\n");
		return 0;
	}
	t = strtol(type, NULL, 10);
	if (t != 1 && t != 2 && t != 4 && t != 8 && t != 16) {
		http_reply_text(res, 400, "type must be 1, 2, 4, 8 or 16\n");
		return 0;
	}
	rc = pool_get(&db, w, err);
	if (rc)
		return rc;
	/* the id in the callback is the row's token signed for reports: a report
	 * cannot be forged by whoever can reach this page, and an id seen on its
	 * way through the provider is no unsubscribe link */
	{
		struct err check_err = ERR_INIT;
		int bad = gw_web_dlr_token_check(&id, db, idtext, w->secret, &check_err);
		int dberr = bad && bad != ERR_NOTFOUND;
		err_release(&check_err);
		if (bad) {
			pool_put(w, db, dberr);
			if (dberr)
				return err_set(err, ERR_DB, "could not check a delivery report's id");
			http_reply_text(res, 404, "no such SMS\n");
			return 0;
		}
	}
	/* the report's own time when it is plausible, else the time it came */
	rc = gw_outbox_sms_report(&status, db, id, type, reply, ts && is_digits(ts, 12) ? ts : NULL, err);
	if (!rc && !status)
		http_reply_text(res, 404, "no such SMS\n");
	else if (!rc)
		http_reply_text(res, 200, "ok\n");
	free(status);
	pool_put(w, db, rc != 0);
	return rc;
}

/* Only digits of what the client sent reach the log: " from a number
 * ending 8000", or nothing. */
static void number_end(char out[32], const char *from)
{
	size_t n = strlen(from);

	out[0] = 0;
	if (n > 4 && is_digits(from + n - 4, 4))
		snprintf(out, 32, " from a number ending %s", from + n - 4);
}

/* A character of a text as a stop word is read: the full-width forms
 * (U+FF01-U+FF5E, what a Chinese keyboard types) as their ASCII, ASCII
 * letters in lower case, the ideographic and no-break spaces as a space,
 * 。 and 、 as a period and a comma. */
static uint32_t stop_fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp == 0x3000 || cp == 0x00A0)
		return ' ';
	if (cp == 0x3002)
		return '.';
	if (cp == 0x3001)
		return ',';
	return cp;
}

int gw_web_is_stop(const char *text)
{
	/* Only words that ask for nothing but to stop: not 取消 or cancel
	 * (a booking, an order), not "no" (an answer) */
	static const char *const words[] = { "stop", "td", "t", "unsubscribe", "退订" };
	struct buf f = BUF_INIT;
	size_t n = strlen(text), len, start = 0;
	uint32_t cp;
	int stop = 0;

	for (; n && (len = utf8_decode(text, n, &cp)); text += len, n -= len) {
		cp = stop_fold(cp);
		if (cp < 0x80)
			buf_addch(&f, (char)cp);
		else
			buf_add(&f, text, len);
	}
	if (n) /* not UTF-8: no stop word */
		goto done;
	while (start < f.len && strchr(" \t\r\n\v\f", f.data[start]))
		start++;
	/* "STOP." "退订。" "stop!!": the punctuation a sentence ends with */
	while (f.len > start && strchr(" \t\r\n\v\f.!?,;~", f.data[f.len - 1]))
		buf_truncate(&f, f.len - 1);
	for (size_t i = 0; i < ARRAY_SIZE(words) && !stop; i++)
		stop = !strcmp(f.data + start, words[i]);
done:
	buf_release(&f);
	return stop;
}

int gw_web_sms_stop(struct crm_db *db, const char *from, struct err *err)
{
	const char *params[] = { from };
	char *n = NULL, ending[32];
	int rc = crm_db_value(&n, db, "SELECT crm.sms_stop($1)", 1, params, err);

	number_end(ending, from);
	if (!rc)
		log_info("serve: an SMS opt-out%s: %s opted out", ending, n ? n : "0");
	free(n);
	return rc;
}

/* A text that is no stop word, to the hook. A text that is not UTF-8 (a
 * provider that sent another charset) is handed on with its bad bytes
 * shown escaped, so that it can still be kept and read. */
static int inbound_text(struct gw_web *w, const char *from, const char *to, const char *text, const char *msg_id,
			struct err *err)
{
	struct crm_db *db = NULL;
	struct buf shown = BUF_INIT;
	int rc;

	if (!utf8_valid(text, strlen(text))) {
		utf8_add_visible(&shown, text, strlen(text), 1);
		text = shown.data;
	}
	rc = pool_get(&db, w, err);
	if (!rc)
		rc = w->text_fn(w->text_ctx, db, from, to, text, msg_id, err);
	pool_put(w, db, rc != 0);
	buf_release(&shown);
	return rc;
}

/* GET /sms/in?key=SECRET&from=%p&to=%P&text=%a&id=%I: an empty answer, so no reply SMS. */
static int h_sms_in(struct http_response *res, const struct http_request *req, void *ctx, struct err *err)
{
	struct gw_web *w = ctx;
	struct crm_db *db = NULL;
	const char *from = http_param(req, "from"), *text = http_param(req, "text");
	const char *key = http_param(req, "key"), *id = http_param(req, "id");
	int rc;

	if (!w->inbound_secret) {
		int first;
		pthread_mutex_lock(&w->lock);
		first = !w->inbound_warned;
		w->inbound_warned = 1;
		pthread_mutex_unlock(&w->lock);
		/* once, not per request: whoever knocks must not fill the log */
		if (first)
			log_warn("serve: an inbound text (/sms/in) was refused: " INBOUND_HOWTO);
		http_reply_text(res, 403, "inbound texts are not enabled here\n");
		return 0;
	}
	if (!key || !same_secret(key, strlen(key), w->inbound_secret, strlen(w->inbound_secret))) {
		http_reply_text(res, 403, "a wrong or missing key\n");
		return 0;
	}
	if (!from || !*from) {
		http_reply_text(res, 400, "an inbound SMS needs from\n");
		return 0;
	}
	/* Kannel fills %I only when it has an id; an empty one is none */
	if (id && !*id)
		id = NULL;
	http_reply_text(res, 200, "");
	if (!text || !*text)
		return 0;
	if (!gw_web_is_stop(text))
		return w->text_fn ? inbound_text(w, from, http_param(req, "to"), text, id, err) : 0;
	rc = pool_get(&db, w, err);
	if (!rc)
		rc = gw_web_sms_stop(db, from, err);
	pool_put(w, db, rc != 0);
	return rc;
}

/* ctx: the struct gw_web, set when they are registered */
static const struct http_route routes[] = {
	{ "GET", "/u/", h_unsubscribe_page, NULL, 0, NULL },
	{ "POST", "/u/", h_unsubscribe, NULL, 0, NULL },
	/* GET for Kannel; POST too, for HTTP providers that post their callbacks */
	{ NULL, "/sms/dlr", h_sms_dlr, NULL, 0, NULL },
	{ NULL, "/sms/in", h_sms_in, NULL, 0, NULL },
};

void gw_web_routes(struct http_routes *t, struct gw_web *web)
{
	http_routes_add(t, routes, ARRAY_SIZE(routes), web);
}
