/* crm/export.c - an entity's rows as their CSV columns. */
#include "crm/export.h"

#include <errno.h>
#include <string.h>

#include "common/csv.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define FETCH_ROWS "5000"

/* The text of one column as the CSV contract writes it. */
static void column_expr(struct buf *b, const struct crm_column *col, size_t i)
{
	switch (col->type) {
	case CRM_TEXT:
	case CRM_EMAIL:
	case CRM_ENUM:
		if (col->flags & CRM_VIRTUAL)
			buf_adds(b, col->expr);
		else
			buf_addf(b, "t.%s", col->sql);
		break;
	case CRM_INT:
	case CRM_DECIMAL:
	case CRM_MONEY: buf_addf(b, "t.%s::text", col->sql); break;
	case CRM_DATE: buf_addf(b, "to_char(t.%s, 'YYYY-MM-DD')", col->sql); break;
	case CRM_TIME: buf_addf(b, "to_char(t.%s, 'YYYY-MM-DD\"T\"HH24:MI:SSOF')", col->sql); break;
	case CRM_BOOL: buf_addf(b, "CASE WHEN t.%s THEN 'true' WHEN NOT t.%s THEN 'false' END", col->sql, col->sql); break;
	case CRM_REF: buf_addf(b, "x%zu.%s", i, crm_column_target(col)->key); break;
	case CRM_PASSWORD: buf_adds(b, "NULL::text"); break; /* never exported */
	}
	buf_addf(b, " AS %s", col->name);
}

void crm_export_sql(struct buf *out, const struct crm_entity *e, const char *joins, const char *where, long limit)
{
	buf_adds(out, "SELECT ");
	for (size_t i = 0; i < e->ncolumns; i++) {
		buf_adds(out, i ? ", " : "");
		column_expr(out, &e->columns[i], i);
	}
	buf_addf(out, " FROM %s t", e->table);
	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *col = &e->columns[i];
		if (col->type == CRM_REF)
			buf_addf(out, " LEFT JOIN %s x%zu ON x%zu.id = t.%s", crm_column_target(col)->table, i, i,
				 col->sql);
	}
	if (joins && *joins)
		buf_addf(out, " %s", joins);
	if (where && *where)
		buf_addf(out, " WHERE %s", where);
	buf_addf(out, " ORDER BY %s", e->order);
	if (limit > 0)
		buf_addf(out, " LIMIT %ld", limit);
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

	for (size_t i = 0; i < e->ncolumns; i++) {
		buf_adds(&line, i ? "," : "");
		csv_add_field(&line, e->columns[i].name);
	}
	buf_adds(&line, "\r\n");
	rc = write_all(out, &line, err);

	buf_adds(&sql, "DECLARE export_rows NO SCROLL CURSOR FOR ");
	crm_export_sql(&sql, e, joins, where, 0);
	if (!rc)
		rc = crm_db_begin(db, err);
	if (!rc)
		rc = crm_db_query(NULL, db, sql.data, nparams, params, err);
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
