/* survey/web.h - the survey's link page in crmgate serve (SPEC section 6):
 *
 *   GET  /s/TOKEN   the questionnaire as a form (survey/form.h); a link
 *                   used already: "already answered"; a closed survey:
 *                   "closed" (410)
 *   POST /s/TOKEN   the answers (application/x-www-form-urlencoded, else
 *                   415): checked by survey_answers_check; on a problem
 *                   the form again (422) with the answers kept and each
 *                   problem beside its question; else stored through
 *                   survey_respond (way "link") and thanked for; a link
 *                   used already: 409, a closed survey: 410, a post that
 *                   is not our form's: 400
 *
 * An unknown, truncated, tampered or malformed token gets the same plain
 * 404 page, whichever it is. The pages are in Chinese or English by
 * Accept-Language (the questionnaire's own language by default) and carry
 * a Content-Security-Policy that allows no script, no frame and no outside
 * resource, nosniff, no referrer (the token is in the URL) and no-store.
 * Other methods get 405 from common/httpd, and bodies past its max_body a
 * 413 (the survey's "too long" page) before they reach the route; what
 * common/httpd answers itself on /s/ carries the same headers.
 *
 * The routes use the gateway's connection pool (gw_web_db_get): one pool
 * for the whole server. Questionnaires are cached by id, since the one a
 * launched survey uses never changes. */
#ifndef SURVEY_WEB_H
#define SURVEY_WEB_H

#include "survey/answer.h"
#include "survey/template.h"

#include "common/err.h"
#include "common/httpd.h"
#include "gateway/web.h"

/* How large a post of the form may be, for the server's max_body: every
 * option of every question chosen with an [other] text each, and free
 * text at its cap, percent-encoded (a Chinese character takes 9 bytes),
 * for a long questionnaire's worth of it. Its fields are not counted
 * against max_params: the POST route reads its body itself
 * (HTTP_ROUTE_RAW_FORM, survey_form_parse). */
#define SURVEY_WEB_BODY_MAX (256u * 1024)

struct survey_web;

/* The routes' shared state on top of the gateway's (gw, borrowed: it must
 * outlive *out). *out is the caller's (survey_web_free), and must outlive
 * the server its routes are registered with. */
void survey_web_new(struct survey_web **out, struct gw_web *gw);
/* Call after http_server_stop. NULL: nothing. */
void survey_web_free(struct survey_web *web);

/* Register GET and POST /s/ in t, with web as their context. */
void survey_web_routes(struct http_routes *t, struct survey_web *web);

#endif
