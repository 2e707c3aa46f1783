/* survey/store.c - questionnaires in the database (survey/store.h, sql/021). */
#include "survey/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xalloc.h"
#include "common/banned.h"

static int denied(struct err *err, const char *what)
{
	err_clear(err);
	return err_set(err, ERR_DENIED,
		       "only admins, customer admins, sales managers and marketers may %s survey templates", what);
}

static int not_found(struct err *err, const char *name)
{
	return err_set(err, ERR_NOTFOUND, "no survey template named '%s' is stored", name);
}

/* The one way a stored template goes away, for delete and for add
 * --replace. A template that a survey uses is refused (the database's
 * foreign key, sql/022): its questions are what the answers name. Without
 * missing_ok, no such template is ERR_NOTFOUND. */
static int template_remove(struct crm_db *db, const char *name, int missing_ok, struct err *err)
{
	const char *params[] = { name };
	struct crm_res *res = NULL;
	char *found = NULL;
	int rc = crm_db_query(&res, db, "DELETE FROM crm.survey_template WHERE name = $1", 1, params, err);

	if (!rc && crm_res_affected(res) == 0) {
		/* not there, or hidden from this user's writes by row security */
		rc = crm_db_value(&found, db, "SELECT name FROM crm.survey_template WHERE name = $1", 1, params, err);
		if (!rc && found)
			rc = denied(err, missing_ok ? "replace" : "delete");
		else if (!rc && !missing_ok)
			rc = not_found(err, name);
	} else if (rc == ERR_DENIED) {
		rc = denied(err, "delete");
	} else if (rc == ERR_INPUT) {
		/* the foreign key of crm.survey (sql/022) is the rule */
		err_clear(err);
		rc = err_set(err, ERR_INPUT, "survey template '%s' is used by a survey: it cannot be %s", name,
			     missing_ok ? "replaced" : "deleted");
		err_hint(err, "the answers name its questions: store a new version under a new name"
			      " ('crmgate survey list' shows which surveys use which template)");
	}
	free(found);
	crm_res_free(res);
	return rc;
}

/* Columns of values, one array parameter each ({"1","2"}). */
struct column {
	char **v;
	size_t n, alloc;
};

static void column_add(struct column *c, char *v)
{
	ALLOC_GROW(c->v, c->n + 1, c->alloc);
	c->v[c->n++] = v;
}

static void column_text(struct buf *out, const struct column *c)
{
	crm_array_text(out, (const char *const *)c->v, c->n);
}

static void column_release(struct column *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static char *bound(int has, long long v)
{
	return has ? xstrfmt("%lld", v) : NULL;
}

/* The questions and options of t, in two statements whatever their number. */
static int insert_questions(struct crm_db *db, const char *id, const struct survey_template *t, struct err *err)
{
	enum { NUM, TYPE, TEXT, REQ, MAX, LO, HI, Q_COLS };
	enum { O_Q, O_LABEL, O_TEXT, O_OTHER, O_COLS };
	struct column q[Q_COLS] = { 0 }, o[O_COLS] = { 0 };
	struct buf qa[Q_COLS], oa[O_COLS];
	const char *qp[Q_COLS + 1], *op[O_COLS + 1];
	int rc;

	for (size_t i = 0; i < t->nquestions; i++) {
		const struct survey_question *x = &t->questions[i];
		column_add(&q[NUM], xstrfmt("%d", x->number));
		column_add(&q[TYPE], xstrdup(survey_type_name(x->type)));
		column_add(&q[TEXT], xstrdup(x->text));
		column_add(&q[REQ], xstrdup(x->required ? "t" : "f"));
		column_add(&q[MAX], x->max_choices ? xstrfmt("%d", x->max_choices) : NULL);
		column_add(&q[LO], bound(x->has_lo, x->lo));
		column_add(&q[HI], bound(x->has_hi, x->hi));
		for (size_t k = 0; k < x->noptions; k++) {
			column_add(&o[O_Q], xstrfmt("%d", x->number));
			column_add(&o[O_LABEL], xstrfmt("%c", x->options[k].label));
			column_add(&o[O_TEXT], xstrdup(x->options[k].text));
			column_add(&o[O_OTHER], xstrdup(x->options[k].other ? "t" : "f"));
		}
	}
	qp[0] = op[0] = id;
	for (int c = 0; c < Q_COLS; c++) {
		buf_init(&qa[c]);
		column_text(&qa[c], &q[c]);
		qp[c + 1] = qa[c].data;
	}
	for (int c = 0; c < O_COLS; c++) {
		buf_init(&oa[c]);
		column_text(&oa[c], &o[c]);
		op[c + 1] = oa[c].data;
	}
	rc = crm_db_query(
		NULL, db,
		"INSERT INTO crm.survey_question (template_id, number, type, text, required, max_choices, lo, hi)"
		" SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::boolean[],"
		" $6::integer[], $7::bigint[], $8::bigint[])",
		Q_COLS + 1, qp, err);
	if (!rc)
		rc = crm_db_query(NULL, db,
				  "INSERT INTO crm.survey_option (template_id, question, label, text, other)"
				  " SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::boolean[])",
				  O_COLS + 1, op, err);
	for (int c = 0; c < Q_COLS; c++) {
		buf_release(&qa[c]);
		column_release(&q[c]);
	}
	for (int c = 0; c < O_COLS; c++) {
		buf_release(&oa[c]);
		column_release(&o[c]);
	}
	return rc;
}

int survey_store_add(struct crm_db *db, const char *name, const char *source, const struct survey_template *t,
		     int replace, struct err *err)
{
	const char *params[] = { name, t->title, t->intro ? t->intro : "", source };
	char *id = NULL;
	int rc;

	if ((rc = crm_db_begin(db, err)))
		return rc;
	if (replace && (rc = template_remove(db, name, 1, err)))
		goto done;
	rc = crm_db_value(&id, db,
			  "INSERT INTO crm.survey_template (name, title, intro, source) VALUES ($1, $2, $3, $4)"
			  " RETURNING id",
			  4, params, err);
	if (rc == ERR_EXISTS) {
		err_clear(err);
		rc = err_set(err, ERR_EXISTS, "a survey template named '%s' is stored already", name);
		err_hint(err, "'survey template add --replace' replaces it; a new version may take a new name");
	} else if (rc == ERR_DENIED) {
		rc = denied(err, "store");
	}
	if (!rc)
		rc = insert_questions(db, id, t, err);
	if (!rc)
		rc = crm_db_commit(db, err);
done:
	if (rc)
		crm_db_rollback(db);
	free(id);
	return rc;
}

static long long to_ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

/* Load the template that where (a condition on $1) finds; what names it
 * in a message when there is none. */
static int load(struct survey_template *out, struct crm_db *db, const char *where, const char *param, const char *what,
		struct err *err)
{
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL, *qres = NULL, *ores = NULL;
	const char *id;
	int rc;

	memset(out, 0, sizeof(*out));
	buf_addf(&sql, "SELECT id, title, intro FROM crm.survey_template WHERE %s", where);
	rc = crm_db_query(&res, db, sql.data, 1, &param, err);
	buf_release(&sql);
	if (!rc && crm_res_rows(res) == 0)
		rc = not_found(err, what);
	if (rc)
		goto done;
	id = crm_res_get(res, 0, 0);
	out->title = xstrdup(crm_res_get(res, 0, 1));
	out->intro = xstrdup(crm_res_get(res, 0, 2));
	rc = crm_db_query(&qres, db,
			  "SELECT number, type, text, required, max_choices, lo, hi FROM crm.survey_question"
			  " WHERE template_id = $1 ORDER BY number",
			  1, &id, err);
	if (!rc)
		rc = crm_db_query(&ores, db,
				  "SELECT question, label, text, other FROM crm.survey_option"
				  " WHERE template_id = $1 ORDER BY question, label",
				  1, &id, err);
	if (rc)
		goto done;
	for (int r = 0, o = 0; r < crm_res_rows(qres); r++) {
		struct survey_question *q;
		int type = survey_type_from_name(crm_res_get(qres, r, 1));
		if (type < 0)
			BUG("question type '%s' in the database", crm_res_get(qres, r, 1));
		ALLOC_GROW(out->questions, out->nquestions + 1, out->questions_alloc);
		q = &out->questions[out->nquestions++];
		memset(q, 0, sizeof(*q));
		q->number = (int)to_ll(crm_res_get(qres, r, 0));
		q->type = (enum survey_type)type;
		q->text = xstrdup(crm_res_get(qres, r, 2));
		q->required = !strcmp(crm_res_get(qres, r, 3), "t");
		q->max_choices = (int)to_ll(crm_res_get(qres, r, 4));
		q->has_lo = crm_res_get(qres, r, 5) != NULL;
		q->has_hi = crm_res_get(qres, r, 6) != NULL;
		q->lo = to_ll(crm_res_get(qres, r, 5));
		q->hi = to_ll(crm_res_get(qres, r, 6));
		/* the options come in the questions' order */
		for (; o < crm_res_rows(ores) && to_ll(crm_res_get(ores, o, 0)) == q->number; o++) {
			struct survey_option *opt;
			ALLOC_GROW(q->options, q->noptions + 1, q->options_alloc);
			opt = &q->options[q->noptions++];
			opt->label = crm_res_get(ores, o, 1)[0];
			opt->text = xstrdup(crm_res_get(ores, o, 2));
			opt->other = !strcmp(crm_res_get(ores, o, 3), "t");
		}
	}
done:
	crm_res_free(ores);
	crm_res_free(qres);
	crm_res_free(res);
	if (rc)
		survey_template_release(out);
	return rc;
}

int survey_store_get(struct survey_template *out, struct crm_db *db, const char *name, struct err *err)
{
	return load(out, db, "name = $1", name, name, err);
}

int survey_store_get_id(struct survey_template *out, struct crm_db *db, long long id, struct err *err)
{
	char n[24];

	snprintf(n, sizeof(n), "%lld", id);
	return load(out, db, "id = $1", n, n, err);
}

int survey_store_list(struct crm_res **out, struct crm_db *db, struct err *err)
{
	return crm_db_query(out, db,
			    "SELECT t.name, t.title, count(q.number) AS questions,"
			    " to_char(t.created_at, 'YYYY-MM-DD HH24:MI') AS created, t.created_by"
			    " FROM crm.survey_template t LEFT JOIN crm.survey_question q ON q.template_id = t.id"
			    " GROUP BY t.id ORDER BY t.name",
			    0, NULL, err);
}

int survey_store_delete(struct crm_db *db, const char *name, struct err *err)
{
	return template_remove(db, name, 0, err);
}
