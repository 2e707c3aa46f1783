/* survey/response.c - see response.h. */
#include "survey/response.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "gateway/crypto.h"
#include "common/banned.h"

#define INVITATION_COLUMNS                                                                                             \
	"SELECT i.id, i.survey_id, s.template_id, s.name, i.target_code, i.answered_by,"                               \
	" s.status = 'running' AND (i.valid_until IS NULL OR i.valid_until >= now()), i.token_hash"                    \
	" FROM crm.survey_invitation i JOIN crm.survey s ON s.id = i.survey_id"

static int is_token(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", s[n]))
			return 0;
	return n == SURVEY_TOKEN_LEN;
}

/* Fill out from row 0 of res (INVITATION_COLUMNS). */
static void from_row(struct survey_invitation *out, const struct crm_res *res)
{
	out->id = strtoll(crm_res_get(res, 0, 0), NULL, 10);
	out->survey_id = strtoll(crm_res_get(res, 0, 1), NULL, 10);
	out->template_id = strtoll(crm_res_get(res, 0, 2), NULL, 10);
	out->survey = xstrdup(crm_res_get(res, 0, 3));
	out->target_code = xstrdup(crm_res_get(res, 0, 4));
	out->answered_by = xstrdup_or_null(crm_res_get(res, 0, 5));
	out->answered = out->answered_by != NULL;
	out->open = !strcmp(crm_res_get(res, 0, 6), "t");
}

static int no_such_link(struct err *err)
{
	return err_set(err, ERR_NOTFOUND, "no such survey link");
}

int survey_invitation_by_token(struct survey_invitation *out, struct crm_db *db, const char *token, struct err *err)
{
	unsigned char hash[GW_CRYPTO_SHA256_LEN];
	struct buf param = BUF_INIT, stored = BUF_INIT;
	struct crm_res *res = NULL;
	const char *p;
	unsigned char diff = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!token || !is_token(token))
		return no_such_link(err);
	if ((rc = gw_crypto_sha256(hash, token, strlen(token), err)))
		return rc;
	crm_bytea_text(&param, hash, sizeof(hash));
	p = param.data;
	rc = crm_db_query(&res, db, INVITATION_COLUMNS " WHERE i.token_hash = $1::bytea", 1, &p, err);
	if (!rc && crm_res_rows(res) == 0)
		rc = no_such_link(err);
	if (!rc)
		rc = crm_bytea_parse(&stored, crm_res_get(res, 0, 7), err);
	if (!rc) {
		/* the index found it by equality; say so again without a
		 * comparison whose time tells how much of it matched */
		for (size_t i = 0; i < sizeof(hash); i++)
			diff |= (unsigned char)(i < stored.len ? (unsigned char)stored.data[i] ^ hash[i] : 1);
		if (diff || stored.len != sizeof(hash))
			rc = no_such_link(err);
	}
	if (!rc)
		from_row(out, res);
	crm_res_free(res);
	buf_release(&stored);
	buf_release(&param);
	return rc;
}

int survey_invitation_by_id(struct survey_invitation *out, struct crm_db *db, long long id, struct err *err)
{
	struct crm_res *res = NULL;
	char n[24];
	const char *p = n;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(n, sizeof(n), "%lld", id);
	rc = crm_db_query(&res, db, INVITATION_COLUMNS " WHERE i.id = $1", 1, &p, err);
	if (!rc && crm_res_rows(res) == 0)
		rc = err_set(err, ERR_NOTFOUND, "there is no survey invitation %lld", id);
	if (!rc)
		from_row(out, res);
	crm_res_free(res);
	return rc;
}

void survey_invitation_release(struct survey_invitation *inv)
{
	free(inv->survey);
	free(inv->target_code);
	free(inv->answered_by);
	memset(inv, 0, sizeof(*inv));
}

static const char *const outcome_names[] = {
	[SURVEY_STORED] = "stored",	  [SURVEY_ANSWERED] = "answered", [SURVEY_CLOSED] = "closed",
	[SURVEY_DUPLICATE] = "duplicate", [SURVEY_UNKNOWN] = "unknown",
};

const char *survey_outcome_name(enum survey_outcome o)
{
	return outcome_names[o];
}

/* The rows of crm.survey_answer, as four parallel arrays. */
struct rows {
	char **q, **label, **value, **text;
	size_t n, alloc;
};

static void rows_add(struct rows *r, int q, char label, const char *value, const char *text)
{
	char num[16];

	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 16;
		r->q = xrealloc(r->q, r->alloc * sizeof(*r->q));
		r->label = xrealloc(r->label, r->alloc * sizeof(*r->label));
		r->value = xrealloc(r->value, r->alloc * sizeof(*r->value));
		r->text = xrealloc(r->text, r->alloc * sizeof(*r->text));
	}
	snprintf(num, sizeof(num), "%d", q);
	r->q[r->n] = xstrdup(num);
	r->label[r->n] = label ? xstrndup(&label, 1) : NULL;
	r->value[r->n] = xstrdup_or_null(value);
	r->text[r->n] = xstrdup_or_null(text);
	r->n++;
}

static void rows_release(struct rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->q[i]);
		free(r->label[i]);
		free(r->value[i]);
		free(r->text[i]);
	}
	free(r->q);
	free(r->label);
	free(r->value);
	free(r->text);
}

static const struct survey_option *option(const struct survey_question *q, char label)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (q->options[i].label == label)
			return &q->options[i];
	return NULL;
}

/* One row per option chosen (an [other] option with the respondent's
 * text), one for a value, one for a text. */
static void rows_of(struct rows *r, const struct survey_template *t, const struct survey_answers *a)
{
	for (size_t i = 0; i < t->nquestions && i < a->nanswers; i++) {
		const struct survey_question *q = &t->questions[i];
		const struct survey_answer *ans = &a->answers[i];

		if (!survey_answer_given(ans))
			continue;
		switch (q->type) {
		case SURVEY_SINGLE:
		case SURVEY_MULTI:
			for (const char *c = ans->choices; c && *c; c++) {
				const struct survey_option *o = option(q, *c);
				rows_add(r, q->number, *c, NULL,
					 o && o->other && ans->other && *ans->other ? ans->other : NULL);
			}
			break;
		case SURVEY_RATING:
		case SURVEY_NUMBER: rows_add(r, q->number, 0, ans->value, NULL); break;
		case SURVEY_TEXT: rows_add(r, q->number, 0, NULL, ans->text); break;
		}
	}
}

int survey_respond(enum survey_outcome *out, struct crm_db *db, long long id, const char *way,
		   const struct survey_template *t, const struct survey_answers *a, const char *msg_id,
		   const char *filer, struct err *err)
{
	struct rows r = { 0 };
	struct buf qs = BUF_INIT, ls = BUF_INIT, vs = BUF_INIT, ts = BUF_INIT;
	char n[24];
	const char *params[8];
	char *res = NULL;
	int rc;

	rows_of(&r, t, a);
	snprintf(n, sizeof(n), "%lld", id);
	crm_array_text(&qs, (const char *const *)r.q, r.n);
	crm_array_text(&ls, (const char *const *)r.label, r.n);
	crm_array_text(&vs, (const char *const *)r.value, r.n);
	crm_array_text(&ts, (const char *const *)r.text, r.n);
	params[0] = n;
	params[1] = way;
	params[2] = qs.data;
	params[3] = ls.data;
	params[4] = vs.data;
	params[5] = ts.data;
	params[6] = msg_id;
	params[7] = filer;
	rc = crm_db_value(
		&res, db,
		"SELECT crm.survey_respond($1, $2, $3::integer[], $4::text[], $5::numeric[], $6::text[], $7, $8)", 8,
		params, err);
	if (!rc) {
		size_t i;
		for (i = 0; i < sizeof(outcome_names) / sizeof(*outcome_names); i++)
			if (res && !strcmp(res, outcome_names[i]))
				break;
		if (i == sizeof(outcome_names) / sizeof(*outcome_names))
			BUG("crm.survey_respond answered '%s'", res ? res : "NULL");
		*out = (enum survey_outcome)i;
	}
	free(res);
	buf_release(&qs);
	buf_release(&ls);
	buf_release(&vs);
	buf_release(&ts);
	rows_release(&r);
	return rc;
}
