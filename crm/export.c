/* crm/export.c - an entity's rows as their CSV columns. */
#include "crm/export.h"

#include <errno.h>
#include <string.h>

#include "common/csv.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define FETCH_ROWS "5000"

/* The text of one column as the CSV contract writes it, from the row
 * aliased alias; a reference's code comes from the join aliased ref. typed:
 * booleans and numbers keep their type (the same text otherwise). */
static void column_expr(struct buf *b, const struct crm_column *col, const char *alias, const char *ref, int typed)
{
	if (typed &&
	    (col->type == CRM_BOOL || col->type == CRM_INT || col->type == CRM_DECIMAL || col->type == CRM_MONEY)) {
		buf_addf(b, "%s.%s", alias, col->sql);
		return;
	}
	switch (col->type) {
	case CRM_TEXT:
	case CRM_EMAIL:
	case CRM_ENUM:
		if (col->flags & CRM_VIRTUAL)
			buf_adds(b, col->expr);
		else
			buf_addf(b, "%s.%s", alias, col->sql);
		break;
	case CRM_INT:
	case CRM_DECIMAL:
	case CRM_MONEY: buf_addf(b, "%s.%s::text", alias, col->sql); break;
	case CRM_DATE: buf_addf(b, "to_char(%s.%s, 'YYYY-MM-DD')", alias, col->sql); break;
	case CRM_TIME: buf_addf(b, "to_char(%s.%s, 'YYYY-MM-DD\"T\"HH24:MI:SSOF')", alias, col->sql); break;
	case CRM_BOOL:
		buf_addf(b, "CASE WHEN %s.%s THEN 'true' WHEN NOT %s.%s THEN 'false' END", alias, col->sql, alias,
			 col->sql);
		break;
	case CRM_REF: buf_addf(b, "%s.%s", ref, crm_column_target(col)->key); break;
	case CRM_PASSWORD: buf_adds(b, "NULL::text"); break; /* never exported */
	}
}

static void select_list(struct buf *cols, struct buf *joins, const struct crm_entity *e, const char *alias,
			const char *prefix, int *njoins, int typed)
{
	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *col = &e->columns[i];
		struct buf ref = BUF_INIT, name = BUF_INIT;
		/* a virtual column's expression speaks of "t" alone */
		if ((col->flags & CRM_VIRTUAL) && strcmp(alias, "t"))
			continue;
		if (col->type == CRM_REF) {
			buf_addf(&ref, "x%d", ++*njoins);
			buf_addf(joins, " LEFT JOIN %s %s ON %s.id = %s.%s", crm_column_target(col)->table, ref.data,
				 ref.data, alias, col->sql);
		}
		buf_adds(cols, cols->len ? ", " : "");
		column_expr(cols, col, alias, ref.data, typed);
		buf_addf(&name, "%s%s", prefix, col->name);
		buf_adds(cols, " AS ");
		crm_db_quote_ident(cols, name.data);
		buf_release(&ref);
		buf_release(&name);
	}
}

void crm_export_select_list(struct buf *cols, struct buf *joins, const struct crm_entity *e, const char *alias,
			    const char *prefix, int *njoins)
{
	select_list(cols, joins, e, alias, prefix, njoins, 0);
}

static void rows_sql(struct buf *out, const struct crm_entity *e, const char *joins, const char *where, long limit,
		     int typed)
{
	struct buf cols = BUF_INIT, refs = BUF_INIT;
	int n = 0;
	select_list(&cols, &refs, e, "t", "", &n, typed);
	buf_addf(out, "SELECT %s FROM %s t%s", cols.data, e->table, refs.data);
	if (joins && *joins)
		buf_addf(out, " %s", joins);
	if (where && *where)
		buf_addf(out, " WHERE %s", where);
	buf_addf(out, " ORDER BY %s", e->order);
	if (limit > 0)
		buf_addf(out, " LIMIT %ld", limit);
	buf_release(&cols);
	buf_release(&refs);
}

void crm_export_sql(struct buf *out, const struct crm_entity *e, const char *joins, const char *where, long limit)
{
	rows_sql(out, e, joins, where, limit, 0);
}

void crm_list_sql(struct buf *out, const struct crm_entity *e, const char *joins, const char *where, long limit)
{
	rows_sql(out, e, joins, where, limit, 1);
}

static int write_all(FILE *out, const struct buf *b, struct err *err)
{
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return err_set(err, ERR_FAIL, "could not write the export: %s", strerror(errno));
	return 0;
}

int crm_export_csv(FILE *out, struct crm_db *db, const struct crm_entity *e, const char *joins, const char *where,
		   int nparams, const char *const *params, struct err *err)
{
	struct buf sql = BUF_INIT, line = BUF_INIT;
	struct crm_res *res = NULL;
	int rc;

	buf_adds(&sql, "DECLARE export_rows NO SCROLL CURSOR FOR ");
	crm_export_sql(&sql, e, joins, where, 0);
	rc = crm_db_begin(db, err);
	/* the first FETCH sorts every row */
	if (!rc)
		rc = crm_db_work(db, CRM_DB_REPORT, err);
	if (!rc)
		rc = crm_db_query(NULL, db, sql.data, nparams, params, err);
	/* the header only once the query stands: a failed export writes nothing */
	for (size_t i = 0; !rc && i < e->ncolumns; i++) {
		buf_adds(&line, i ? "," : "");
		csv_add_field(&line, e->columns[i].name);
	}
	if (!rc) {
		buf_adds(&line, "\r\n");
		rc = write_all(out, &line, err);
	}
	while (!rc) {
		int n;
		crm_res_free(res);
		res = NULL;
		if ((rc = crm_db_query(&res, db, "FETCH " FETCH_ROWS " FROM export_rows", 0, NULL, err)))
			break;
		n = crm_res_rows(res);
		if (!n)
			break;
		buf_reset(&line);
		for (int r = 0; r < n; r++) {
			for (int c = 0; c < crm_res_cols(res); c++) {
				const char *v = crm_res_get(res, r, c);
				buf_adds(&line, c ? "," : "");
				csv_add_field(&line, v ? v : "");
			}
			buf_adds(&line, "\r\n");
		}
		rc = write_all(out, &line, err);
	}
	crm_res_free(res);
	if (!rc)
		rc = crm_db_commit(db, err);
	else
		crm_db_rollback(db);
	if (!rc && fflush(out))
		rc = err_set(err, ERR_FAIL, "could not write the export: %s", strerror(errno));
	buf_release(&sql);
	buf_release(&line);
	return rc;
}
