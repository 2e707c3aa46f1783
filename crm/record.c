/* crm/record.c - the targets of a merge as value trees. */
#include "crm/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "crm/export.h"
#include "common/banned.h"

#define FETCH_ROWS "1000"

/* The related rows a record carries: the targets of the entity's references,
 * and for a contact its customer's salesperson as "owner". */
struct relation {
	const char *name;            /* "customer" */
	const struct crm_entity *e;  /* its entity */
	char *join;                  /* how to reach it from "t", given its alias */
};

struct shape {
	struct relation *rel;
	size_t nrel, alloc;
};

static void add_relation(struct shape *s, const char *name, const struct crm_entity *e, char *join)
{
	ALLOC_GROW(s->rel, s->nrel + 1, s->alloc);
	s->rel[s->nrel].name = name;
	s->rel[s->nrel].e = e;
	s->rel[s->nrel].join = join;
	s->nrel++;
}

/* "customer_code" -> "customer" */
static char *relation_name(const struct crm_column *col)
{
	size_t n = strlen(col->name);
	return xstrndup(col->name, n > 5 && !strcmp(col->name + n - 5, "_code") ? n - 5 : n);
}

static void shape_of(struct shape *s, const struct crm_entity *e, char ***names)
{
	size_t nnames = 0;
	*names = xcalloc(e->ncolumns + 2, sizeof(**names));
	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *col = &e->columns[i];
		char *name;
		if (col->type != CRM_REF)
			continue;
		name = relation_name(col);
		(*names)[nnames++] = name;
		add_relation(s, name, crm_column_target(col), xstrfmt("ON %%s.id = t.%s", col->sql));
	}
	if (!strcmp(e->name, "contact"))
		add_relation(s, "owner", crm_entity_find("salesperson"),
			     xstrdup("ON %s.id = (SELECT c.owner_id FROM crm.customer c WHERE c.id = t.customer_id)"));
}

static void shape_release(struct shape *s, char **names)
{
	for (size_t i = 0; i < s->nrel; i++)
		free(s->rel[i].join);
	free(s->rel);
	for (size_t i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

/* The typed value of column col from its export text. */
static struct value *typed(const struct crm_column *col, const char *text)
{
	int y, m, d, hh, mi, ss;
	if (!text)
		return value_new_null();
	switch (col->type) {
	case CRM_INT:
	case CRM_DECIMAL: return value_new_number(text, 0);
	case CRM_MONEY: return value_new_number(text, 1);
	case CRM_BOOL: return value_new_bool(!strcmp(text, "true"));
	case CRM_DATE:
		if (sscanf(text, "%d-%d-%d", &y, &m, &d) == 3)
			return value_new_date(y, m, d);
		break;
	case CRM_TIME:
		if (sscanf(text, "%d-%d-%dT%d:%d:%d", &y, &m, &d, &hh, &mi, &ss) == 6)
			return value_new_datetime(y, m, d, hh, mi, ss);
		break;
	default: break;
	}
	return value_new_text(text);
}

/* Fill obj from result columns [*col, ...) that hold e's columns. */
static void fill(struct value *obj, const struct crm_res *res, int row, int *col, const struct crm_entity *e,
		 int with_virtual)
{
	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *c = &e->columns[i];
		if ((c->flags & CRM_VIRTUAL) && !with_virtual)
			continue;
		if (c->type != CRM_PASSWORD)
			value_object_set(obj, c->name, typed(c, crm_res_get(res, row, *col)));
		(*col)++;
	}
}

static void build_sql(struct buf *sql, const struct crm_entity *e, const struct shape *s, const struct crm_query *q)
{
	struct buf cols = BUF_INIT, joins = BUF_INIT;
	int n = 0;

	crm_export_select_list(&cols, &joins, e, "t", "", &n);
	for (size_t i = 0; i < s->nrel; i++) {
		char alias[32], prefix[96];
		snprintf(alias, sizeof(alias), "r%zu", i);
		snprintf(prefix, sizeof(prefix), "%s.", s->rel[i].name);
		/* the relation's own join first: its references' joins speak of it */
		buf_addf(&joins, " LEFT JOIN %s %s ", s->rel[i].e->table, alias);
		/* join is ours, with one %s for the alias */
		for (const char *p = s->rel[i].join; *p; p++) {
			if (p[0] == '%' && p[1] == 's') {
				buf_adds(&joins, alias);
				p++;
			} else if (p[0] == '%' && p[1] == '%') {
				buf_addch(&joins, '%');
				p++;
			} else {
				buf_addch(&joins, *p);
			}
		}
		/* a row that is there: "id" tells a missing one from an empty one */
		buf_addf(&cols, ", %s.id IS NOT NULL AS \"%s\"", alias, s->rel[i].name);
		crm_export_select_list(&cols, &joins, s->rel[i].e, alias, prefix, &n);
	}
	buf_addf(sql, "DECLARE records NO SCROLL CURSOR FOR SELECT %s FROM %s t%s %s", cols.data, e->table, joins.data,
		 q->joins.data);
	if (q->where.len)
		buf_addf(sql, " WHERE %s", q->where.data);
	buf_addf(sql, " ORDER BY %s", e->order);
	buf_release(&cols);
	buf_release(&joins);
}

int crm_records_each(long *count, struct crm_db *db, const struct crm_entity *e, const struct crm_query *q,
		     long limit, crm_record_fn fn, void *ctx, struct err *err)
{
	struct shape s = { 0 };
	char **names;
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL;
	long done = 0;
	int rc;

	shape_of(&s, e, &names);
	build_sql(&sql, e, &s, q);
	rc = crm_db_begin(db, err);
	if (!rc)
		rc = crm_db_query(NULL, db, sql.data, (int)q->nparams, crm_query_params(q), err);
	while (!rc && (limit <= 0 || done < limit)) {
		crm_res_free(res);
		res = NULL;
		if ((rc = crm_db_query(&res, db, "FETCH " FETCH_ROWS " FROM records", 0, NULL, err)) || !crm_res_rows(res))
			break;
		for (int r = 0; !rc && r < crm_res_rows(res) && (limit <= 0 || done < limit); r++) {
			struct value *rec = value_new_object();
			int col = 0;
			fill(rec, res, r, &col, e, 1);
			for (size_t i = 0; i < s.nrel; i++) {
				int present = !strcmp(crm_res_get(res, r, col++), "t");
				struct value *obj = value_new_object();
				fill(obj, res, r, &col, s.rel[i].e, 0);
				if (present) {
					value_object_set(rec, s.rel[i].name, obj);
				} else {
					value_free(obj);
					value_object_set(rec, s.rel[i].name, value_new_null());
				}
			}
			rc = fn(ctx, rec, err);
			if (!rc && !err->code)
				done++;
			value_free(rec);
		}
	}
	crm_res_free(res);
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
	if (count)
		*count = done;
	buf_release(&sql);
	shape_release(&s, names);
	return rc;
}

struct value *crm_record_shape(const struct crm_entity *e)
{
	struct shape s = { 0 };
	char **names;
	struct value *rec = value_new_object();

	shape_of(&s, e, &names);
	for (size_t i = 0; i < e->ncolumns; i++)
		value_object_set(rec, e->columns[i].name, value_new_null());
	for (size_t i = 0; i < s.nrel; i++) {
		struct value *obj = value_new_object();
		for (size_t k = 0; k < s.rel[i].e->ncolumns; k++)
			value_object_set(obj, s.rel[i].e->columns[k].name, value_new_null());
		value_object_set(rec, s.rel[i].name, obj);
	}
	shape_release(&s, names);
	return rec;
}
