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
 * and those its vias reach (a contact's "owner", its customer's salesperson). */
struct relation {
	const char *name;	    /* "customer" */
	const struct crm_entity *e; /* its entity */
	char *join;		    /* how to reach it from "t", given its alias */
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
	for (size_t i = 0; i < e->nvias; i++) {
		const struct crm_column *first, *then;
		crm_via_columns(e, &e->vias[i], &first, &then);
		add_relation(s, e->vias[i].name, crm_column_target(then),
			     xstrfmt("ON %%s.id = (SELECT v.%s FROM %s v WHERE v.id = t.%s)", then->sql,
				     crm_column_target(first)->table, first->sql));
	}
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

/* The fields of an order line in a record. */
static const char *const line_fields[] = { "product_code", "product_name", "unit", "quantity", "price", "amount" };

/* An order's record also holds its lines and total, for quotes. */
static int is_order(const struct crm_entity *e)
{
	return !strcmp(e->name, "order");
}

/* The lines of the same orders, in the same order, for a second cursor. */
static void build_lines_sql(struct buf *sql, const struct crm_entity *e, const struct crm_query *q)
{
	buf_addf(sql,
		 "DECLARE record_lines NO SCROLL CURSOR FOR SELECT t.code, p.code, p.name, p.unit, l.quantity::text,"
		 " l.price::text, (l.quantity * l.price)::numeric(14,2)::text FROM crm.order_line l"
		 " JOIN %s t ON t.id = l.order_id JOIN crm.product p ON p.id = l.product_id %s",
		 e->table, q->joins.data);
	if (q->where.len)
		buf_addf(sql, " WHERE %s", q->where.data);
	buf_addf(sql, " ORDER BY %s, l.id", e->order);
}

/* The second cursor's place: lines come in batches, orders in others. */
struct lines_cursor {
	struct crm_db *db;
	struct crm_res *res;
	int row;
	int done;
};

/* Add to rec the list "lines" of order code: the cursor's rows while they
 * belong to it (both cursors are in the orders' order). */
static int attach_lines(struct value *rec, struct lines_cursor *lc, const char *code, struct err *err)
{
	struct value *lines = value_new_list();
	int rc = 0;

	value_object_set(rec, "lines", lines);
	while (!lc->done) {
		if (!lc->res || lc->row >= crm_res_rows(lc->res)) {
			crm_res_free(lc->res);
			lc->res = NULL;
			lc->row = 0;
			if ((rc = crm_db_query(&lc->res, lc->db, "FETCH " FETCH_ROWS " FROM record_lines", 0, NULL,
					       err)))
				return rc;
			if (!crm_res_rows(lc->res)) {
				lc->done = 1;
				break;
			}
		}
		if (strcmp(crm_res_get(lc->res, lc->row, 0), code))
			break;
		struct value *line = value_new_object();
		for (int c = 0; c < (int)ARRAY_SIZE(line_fields); c++) {
			const char *v = crm_res_get(lc->res, lc->row, c + 1);
			value_object_set(line, line_fields[c],
					 !v	  ? value_new_null()
					 : c >= 3 ? value_new_number(v, c >= 4)
						  : value_new_text(v));
		}
		value_list_push(lines, line);
		lc->row++;
	}
	return rc;
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
	if (is_order(e))
		buf_adds(&cols, ", (SELECT coalesce(sum(l.quantity * l.price), 0)::numeric(14,2)::text"
				" FROM crm.order_line l WHERE l.order_id = t.id) AS total");
	buf_addf(sql, "DECLARE records NO SCROLL CURSOR FOR SELECT %s FROM %s t%s %s", cols.data, e->table, joins.data,
		 q->joins.data);
	if (q->where.len)
		buf_addf(sql, " WHERE %s", q->where.data);
	/* an order's lines come from a second cursor in the orders' own order */
	if (q->order.len && !is_order(e))
		buf_addf(sql, " ORDER BY %s, %s", q->order.data, e->order);
	else
		buf_addf(sql, " ORDER BY %s", e->order);
	buf_release(&cols);
	buf_release(&joins);
}

int crm_records_each(long *count, struct crm_db *db, const struct crm_entity *e, const struct crm_query *q, long limit,
		     crm_record_fn fn, void *ctx, struct err *err)
{
	struct shape s = { 0 };
	char **names;
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL;
	struct lines_cursor lines = { db, NULL, 0, 0 };
	long done = 0;
	int rc;

	shape_of(&s, e, &names);
	build_sql(&sql, e, &s, q);
	rc = crm_db_begin(db, err);
	/* the first FETCH sorts every target */
	if (!rc)
		rc = crm_db_work(db, CRM_DB_REPORT, err);
	if (!rc)
		rc = crm_db_query(NULL, db, sql.data, (int)q->nparams, crm_query_params(q), err);
	if (!rc && is_order(e)) {
		buf_reset(&sql);
		build_lines_sql(&sql, e, q);
		rc = crm_db_query(NULL, db, sql.data, (int)q->nparams, crm_query_params(q), err);
	}
	while (!rc && (limit <= 0 || done < limit)) {
		crm_res_free(res);
		res = NULL;
		if ((rc = crm_db_query(&res, db, "FETCH " FETCH_ROWS " FROM records", 0, NULL, err)) ||
		    !crm_res_rows(res))
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
			if (is_order(e)) {
				value_object_set(rec, "total", value_new_number(crm_res_get(res, r, col++), 1));
				rc = attach_lines(rec, &lines, crm_res_get(res, r, 0), err);
			}
			if (!rc)
				rc = fn(ctx, rec, err);
			if (!rc && !err->code)
				done++;
			value_free(rec);
		}
	}
	crm_res_free(res);
	crm_res_free(lines.res);
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
	if (is_order(e)) {
		struct value *lines = value_new_list(), *line = value_new_object();
		for (size_t k = 0; k < ARRAY_SIZE(line_fields); k++)
			value_object_set(line, line_fields[k], value_new_null());
		value_list_push(lines, line);
		value_object_set(rec, "lines", lines);
		value_object_set(rec, "total", value_new_null());
	}
	shape_release(&s, names);
	return rec;
}
