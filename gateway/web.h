/* gateway/web.h - the gateway's pages and callbacks for crmgate serve
 * (SPEC section 5): unsubscribe links, SMS delivery reports, inbound texts.
 *
 *   GET  /u/TOKEN   a page (Chinese and English) with one button; changes nothing
 *   POST /u/TOKEN   opts the recipient out at once (RFC 8058 one-click too)
 *   GET  /sms/dlr   Kannel's delivery reports: ?id=DLR_TOKEN&type=%d&reply=%A&ts=%T
 *   GET  /sms/in    Kannel's get-url for inbound texts:
 *                   ?key=SECRET&from=%p&to=%P&text=%a&id=%I (id, Kannel's
 *                   message id, may be left out: it makes a retried call
 *                   idempotent); a stop word (gw_web_is_stop) opts the number out,
 *                   any other text goes to the text hook (the surveys'
 *                   text answers) when one is given. SECRET is [sms]
 *                   inbound_secret: anyone else gets 403, and without one
 *                   configured the route is off (403 for all), because
 *                   whoever may call it can opt any number out
 *
 * The work of each request is one call of a function of sql/005_serve.sql,
 * so it is atomic and idempotent. Handlers take a database connection from a
 * small pool (at most one per handler thread, opened on first use, dropped
 * after an error); the server acts for the recipients, not for a CRM user,
 * so it connects as the database owner whatever --as says.
 *
 * Tokens: "ID.SIG", SIG = HMAC-SHA256(PURPOSE || ':' || ID) in unpadded
 * base64url, computed by PostgreSQL (pgcrypto, sql/010): PURPOSE is
 * 'unsubscribe' for /u/ and 'dlr' for the id of /sms/dlr, so that an id
 * seen by the SMS provider is no unsubscribe link and the other way round.
 * The key is [serve] secret when set, else one generated into the database
 * by the migration, so that every worker and server sharing the database
 * agrees. */
#ifndef GATEWAY_WEB_H
#define GATEWAY_WEB_H

#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/httpd.h"
#include "crm/db.h"
#include "crm/store.h"

struct gw_web;

/* An inbound text that is no stop word, handed to whoever answers texts
 * (cli/ connects the surveys' text answers: gateway/ knows nothing of
 * them). db is a pooled connection outside any transaction; from and text
 * are as Kannel gave them (text valid UTF-8), to and msg_id (Kannel's id of
 * the message, the same when it calls again) may be NULL. Return 0 when the
 * text is dealt with, stored or kept; an error answers 500, so that Kannel
 * calls again later. */
typedef int (*gw_web_text_fn)(void *ctx, struct crm_db *db, const char *from, const char *to, const char *text,
			      const char *msg_id, struct err *err);

struct gw_web_options {
	const struct crm_store_opts *store; /* how to connect (as_login is ignored); borrowed */
	const char *secret;		    /* [serve] secret, or NULL: the database's key; borrowed */
	unsigned connections;		    /* connections at most; 0: 4 (give the server's thread count) */
	const char *inbound_secret;	    /* [sms] inbound_secret, or NULL: /sms/in is off; borrowed */
	gw_web_text_fn text_fn;		    /* inbound texts that are no stop word, or NULL: ignored */
	void *text_ctx;			    /* text_fn's context */
};

/* Check that the database can be reached (applying pending migrations) and
 * make the routes' shared state. *out is the caller's (gw_web_free), and
 * must outlive the server its routes are registered with. */
int gw_web_new(struct gw_web **out, const struct gw_web_options *opt, struct err *err);
/* Close the pooled connections; call after http_server_stop. NULL: nothing. */
void gw_web_free(struct gw_web *web);

/* A connection from the routes' pool, for the routes other modules
 * register beside the gateway's (the survey's forms): at most
 * opt->connections are open, so with one per handler thread none waits;
 * it connects as the database owner. Give it back with gw_web_db_put,
 * failed when something on it failed: it is closed then (the database may
 * have restarted) and the next get opens a fresh one. */
int gw_web_db_get(struct crm_db **out, struct gw_web *web, struct err *err);
/* db NULL: nothing. */
void gw_web_db_put(struct gw_web *web, struct crm_db *db, int failed);

/* Register the gateway's routes in t, each with web as its context. */
void gw_web_routes(struct http_routes *t, struct gw_web *web);

/* Append the unsubscribe token of outbox row outbox_id to out. secret NULL:
 * the database's key. The database computes it (no row need exist). */
int gw_web_token(struct buf *out, struct crm_db *db, long outbox_id, const char *secret, struct err *err);
/* Append the delivery-report id of outbox row outbox_id to out: what the
 * SMS provider calls /sms/dlr back with. Not an unsubscribe token. */
int gw_web_dlr_token(struct buf *out, struct crm_db *db, long outbox_id, const char *secret, struct err *err);
/* Append public_url (a trailing '/' dropped) + "/u/" + the token to out. */
int gw_web_unsubscribe_url(struct buf *out, struct crm_db *db, const char *public_url, long outbox_id,
			   const char *secret, struct err *err);
/* Survey links (sql/022, 029): public_url/s/TOKEN, TOKEN being
 * base64url(HMAC-SHA256(key, "survey:" || hex(nonce))) without padding, the
 * nonce an invitation's 128 random bits. The key is [serve] secret, and
 * only crmgate computes tokens: the database holds each invitation's nonce
 * and the SHA-256 of its token, neither of which makes a link. */
#define GW_WEB_SURVEY_TOKEN_LEN 43
/* The shortest [serve] secret survey links take: whoever reads the
 * database holds a nonce and a token's hash, from which a short key could
 * be guessed. */
#define GW_WEB_SURVEY_KEY_MIN 32

/* 0 when secret can key survey links; ERR_INPUT otherwise (unset, or
 * shorter than GW_WEB_SURVEY_KEY_MIN bytes), with a hint that gives a
 * freshly drawn key to put in the configuration. */
int gw_web_survey_key_check(const char *secret, struct err *err);
/* Append a new key for survey links to out: 32 random bytes from the
 * kernel, as 64 hexadecimal digits (what a configuration file holds as it
 * is). ERR_FAIL only when the kernel gives none. */
int gw_web_survey_key_new(struct buf *out, struct err *err);
/* Append the token of nonce[0..len) under secret to out, and put the
 * SHA-256 of the token (what the database keeps) in hash. */
int gw_web_survey_token(struct buf *out, unsigned char hash[32], const unsigned char *nonce, size_t len,
			const char *secret, struct err *err);
/* The invitation an outbox row carries, as crm.survey_outbox_nonce gives
 * it: nonce and token hash in hexadecimal digits, the survey's name. */
struct gw_web_invitation {
	long outbox_id;
	const char *nonce_hex, *hash_hex, *survey;
};
/* Append the token of invitation v to out. ERR_INPUT when secret is not
 * the key the token was made with (its hash differs): the survey was
 * launched with another [serve] secret, and no link made now would open. */
int gw_web_survey_token_of(struct buf *out, const struct gw_web_invitation *v, const char *secret, struct err *err);
/* Append public_url (a trailing '/' dropped) + "/s/" + the survey token of
 * the invitation outbox row outbox_id carries to out; nothing when the row
 * carries none. Fails as gw_web_survey_token_of. */
int gw_web_survey_url(struct buf *out, struct crm_db *db, const char *public_url, long outbox_id, const char *secret,
		      struct err *err);
/* Check a token: 0 with *outbox_id set when it is genuine, ERR_NOTFOUND
 * when it is malformed or forged (compared in constant time), ERR_DB when
 * the database could not say. */
int gw_web_token_check(long *outbox_id, struct crm_db *db, const char *token, const char *secret, struct err *err);
/* The same for a delivery-report id (gw_web_dlr_token's). */
int gw_web_dlr_token_check(long *outbox_id, struct crm_db *db, const char *token, const char *secret, struct err *err);

/* Is text an opt-out keyword: STOP, TD, T, UNSUBSCRIBE or 退订, in any
 * case, in full-width letters too ("ＳＴＯＰ"), with spaces around (ASCII,
 * U+3000) and the punctuation a sentence ends with after it ("STOP.",
 * "td!", "退订。")? The one rule of every inbound text: /sms/in acts on it,
 * and the surveys' text answers (survey/smsreply.c) do not read it as an
 * answer. Words that may ask to cancel something else (取消, CANCEL) are
 * none: such a text is kept for review, not taken as an opt-out. */
int gw_web_is_stop(const char *text);

/* Opt the number from out of texts (crm.sms_stop: every contact and lead
 * contact with that mobile, and the suppression list), and log it. */
int gw_web_sms_stop(struct crm_db *db, const char *from, struct err *err);

#endif
