/* survey/web.c - GET and POST /s/TOKEN (survey/web.h), over common/httpd
 * and the gateway's connection pool. */
#include "survey/web.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xalloc.h"
#include "survey/form.h"
#include "survey/response.h"
#include "survey/store.h"
#include "common/banned.h"

/* Questionnaires kept at most; past that they are loaded per request. */
#define CACHE_MAX 256

/* Stricter than the issue asks: no frame may hold the page, no <base> may
 * move its links. */
#define CSP "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

#define FORM_TYPE "application/x-www-form-urlencoded"

struct cached {
	long long id;
	struct survey_template t;
};

struct survey_web {
	struct gw_web *gw;
	pthread_mutex_t lock;
	struct cached **cache; /* under lock; an entry, once in, stays until survey_web_free */
	size_t cache_nr, cache_alloc;
};

void survey_web_new(struct survey_web **out, struct gw_web *gw)
{
	struct survey_web *w = xcalloc(1, sizeof(*w));

	w->gw = gw;
	pthread_mutex_init(&w->lock, NULL);
	*out = w;
}

void survey_web_free(struct survey_web *web)
{
	if (!web)
		return;
	for (size_t i = 0; i < web->cache_nr; i++) {
		survey_template_release(&web->cache[i]->t);
		free(web->cache[i]);
	}
	free(web->cache);
	pthread_mutex_destroy(&web->lock);
	free(web);
}

/* The questionnaire with this id: *out points into the cache, or at own
 * (loaded, the caller releases it) when the cache is full. A launched
 * survey's questionnaire never changes (survey/store.h), so what is cached
 * stays true. */
static int template_get(const struct survey_template **out, struct survey_template *own, struct survey_web *w,
			struct crm_db *db, long long id, struct err *err)
{
	struct cached *c;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->cache_nr; i++)
		if (w->cache[i]->id == id)
			*out = &w->cache[i]->t;
	pthread_mutex_unlock(&w->lock);
	if (*out)
		return 0;
	c = xcalloc(1, sizeof(*c));
	c->id = id;
	rc = survey_store_get_id(&c->t, db, id, err);
	if (rc) {
		free(c);
		return rc;
	}
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->cache_nr && !*out; i++)
		if (w->cache[i]->id == id)
			*out = &w->cache[i]->t; /* another thread was quicker */
	if (!*out && w->cache_nr < CACHE_MAX) {
		ALLOC_GROW(w->cache, w->cache_nr + 1, w->cache_alloc);
		w->cache[w->cache_nr++] = c;
		*out = &c->t;
		c = NULL;
	}
	pthread_mutex_unlock(&w->lock);
	if (c && !*out) {
		*own = c->t;
		*out = own;
	} else if (c) {
		survey_template_release(&c->t);
	}
	free(c);
	return 0;
}

/* The headers of every answer on /s/ (the token is in the URL). */
static int add_headers(struct http_response *res, struct err *err)
{
	static const char *const headers[][2] = {
		{ "Content-Security-Policy", CSP },
		{ "X-Content-Type-Options", "nosniff" },
		{ "Referrer-Policy", "no-referrer" },
		{ "Cache-Control", "no-store" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		if (http_response_header(res, headers[i][0], headers[i][1], err))
			return err->code;
	return 0;
}

/* The headers of every survey page, and the page itself. */
static int reply(struct http_response *res, int status, struct err *err)
{
	if (add_headers(res, err))
		return err->code;
	http_reply_html(res, status, NULL);
	return 0;
}

static int page(struct http_response *res, int status, enum survey_page p, enum survey_lang lang,
		const struct survey_template *t, struct err *err)
{
	buf_reset(&res->body);
	survey_form_page(&res->body, p, lang, t);
	return reply(res, status, err);
}

/* Is the body a form: "application/x-www-form-urlencoded", any parameters
 * (charset) after a ';'? */
static int is_form(const char *type)
{
	size_t n = strlen(FORM_TYPE);

	if (!type || strncasecmp(type, FORM_TYPE, n))
		return 0;
	type += n;
	type += strspn(type, " \t");
	return !*type || *type == ';';
}

/* POST: check the answers, store them or show the form again. */
static int post(struct http_response *res, const struct http_request *req, struct crm_db *db,
		const struct survey_invitation *inv, const struct survey_template *t, enum survey_lang lang,
		struct err *err)
{
	struct survey_answers a = { 0 };
	struct survey_problems problems = SURVEY_PROBLEMS_INIT;
	struct err bad = ERR_INIT;
	enum survey_outcome o;
	int rc = 0;

	if (!is_form(http_header(req, "Content-Type"))) {
		rc = page(res, 415, SURVEY_PAGE_BAD_TYPE, lang, t, err);
		goto done;
	}
	if (survey_form_parse(&a, t, req->body.data, req->body.len, &bad)) {
		log_debug("serve: survey '%s', invitation %lld: a post refused: %s", inv->survey, inv->id,
			  bad.msg.data);
		rc = page(res, 400, SURVEY_PAGE_BAD_FORM, lang, t, err);
		goto done;
	}
	if (survey_answers_check(&problems, t, &a)) {
		struct survey_form f = { t, lang, req->rest, &a, &problems };
		buf_reset(&res->body);
		survey_form_render(&res->body, &f);
		rc = reply(res, 422, err);
		goto done;
	}
	rc = survey_respond(&o, db, inv->id, "link", t, &a, NULL, NULL, err);
	if (rc)
		goto done;
	switch (o) {
	case SURVEY_STORED:
		log_debug("serve: survey '%s': invitation %lld answered by its link", inv->survey, inv->id);
		rc = page(res, 200, SURVEY_PAGE_THANKS, lang, t, err);
		break;
	case SURVEY_ANSWERED:
	case SURVEY_DUPLICATE: rc = page(res, 409, SURVEY_PAGE_ANSWERED, lang, t, err); break;
	case SURVEY_CLOSED: rc = page(res, 410, SURVEY_PAGE_CLOSED, lang, t, err); break;
	case SURVEY_UNKNOWN: rc = page(res, 404, SURVEY_PAGE_NOT_FOUND, lang, NULL, err); break;
	}
done:
	err_release(&bad);
	survey_problems_release(&problems);
	survey_answers_release(&a);
	return rc;
}

/* GET (and HEAD) and POST /s/TOKEN. */
static int h_survey(struct http_response *res, const struct http_request *req, void *ctx, struct err *err)
{
	struct survey_web *w = ctx;
	const char *accept = http_header(req, "Accept-Language");
	struct survey_invitation inv = { 0 };
	struct survey_template own = { 0 };
	const struct survey_template *t = NULL;
	struct crm_db *db = NULL;
	struct err lookup = ERR_INIT;
	enum survey_lang lang;
	int rc = gw_web_db_get(&db, w->gw, err);

	if (rc)
		return rc;
	rc = survey_invitation_by_token(&inv, db, req->rest, &lookup);
	if (rc == ERR_NOTFOUND) {
		/* the same page whatever was wrong with the token */
		rc = page(res, 404, SURVEY_PAGE_NOT_FOUND, survey_form_lang(accept, SURVEY_LANG_ZH), NULL, err);
		goto done;
	}
	if (rc) {
		rc = err_set(err, rc, "%s", lookup.msg.data);
		goto done;
	}
	rc = template_get(&t, &own, w, db, inv.template_id, err);
	if (rc)
		goto done;
	lang = survey_form_lang(accept, survey_template_lang(t));
	if (inv.answered)
		rc = page(res, strcmp(req->method, "POST") ? 200 : 409, SURVEY_PAGE_ANSWERED, lang, t, err);
	else if (!inv.open)
		rc = page(res, 410, SURVEY_PAGE_CLOSED, lang, t, err);
	else if (!strcmp(req->method, "POST"))
		rc = post(res, req, db, &inv, t, lang, err);
	else {
		/* the token alone, a URL relative to /s/TOKEN: the form posts to
		 * its own link, whatever path a proxy serves it under */
		struct survey_form f = { t, lang, req->rest, NULL, NULL };
		buf_reset(&res->body);
		survey_form_render(&res->body, &f);
		rc = reply(res, 200, err);
	}
done:
	gw_web_db_put(w->gw, db, rc != 0);
	survey_template_release(&own);
	survey_invitation_release(&inv);
	err_release(&lookup);
	return rc;
}

/* What common/httpd answers itself on /s/ (a post past max_body, a bad
 * query, a failed handler, another method): the survey's headers, and its
 * own page where it has one. */
static void h_error(struct http_response *res, const struct http_request *req, void *ctx)
{
	enum survey_lang lang = survey_form_lang(http_header(req, "Accept-Language"), SURVEY_LANG_ZH);
	struct err err = ERR_INIT;

	(void)ctx;
	if (res->status == 413 || res->status == 400) {
		buf_reset(&res->body);
		survey_form_page(&res->body, res->status == 413 ? SURVEY_PAGE_TOO_LARGE : SURVEY_PAGE_BAD_FORM, lang,
				 NULL);
		http_reply_html(res, res->status, NULL);
	}
	if (add_headers(res, &err))
		BUG("survey headers: %s", err.msg.data); /* constants: cannot fail */
	err_release(&err);
}

/* ctx: the struct survey_web, set when they are registered. The form is
 * read by survey_form_parse from the raw body: a long questionnaire posts
 * thousands of fields, past the server's max_params, which stays a guard
 * on query parameters. */
static const struct http_route routes[] = {
	{ "GET", "/s/", h_survey, NULL, 0, h_error },
	{ "POST", "/s/", h_survey, NULL, HTTP_ROUTE_RAW_FORM, h_error },
};

void survey_web_routes(struct http_routes *t, struct survey_web *web)
{
	http_routes_add(t, routes, ARRAY_SIZE(routes), web);
}
