/* crm/template.c - document templates stored in the database. */
#include "crm/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

#define COLUMNS                                                                                                        \
	"name, kind, targets, fields, bytes, sha256, updated_by, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS')"         \
	" AS updated_at"

static int denied(struct err *err, const char *what)
{
	err_clear(err);
	return err_set(err, ERR_DENIED, "only admins, customer admins, sales managers and marketers may %s templates",
		       what);
}

int crm_template_put(struct crm_db *db, const struct crm_template *t, int replace, struct err *err)
{
	char fields[16];
	struct buf hex = BUF_INIT;
	const char *params[] = { t->name, t->kind, t->targets, fields, NULL };
	struct crm_res *res = NULL;
	int rc;

	snprintf(fields, sizeof(fields), "%d", t->fields);
	crm_bytea_text(&hex, t->content.data, t->content.len);
	params[4] = hex.data;
	rc = crm_db_query(&res, db,
			  replace ? "INSERT INTO crm.document_template (name, kind, targets, fields, content)"
				    " VALUES ($1, $2, $3, $4, $5::bytea) ON CONFLICT (name) DO UPDATE SET"
				    " kind = excluded.kind, targets = excluded.targets, fields = excluded.fields,"
				    " content = excluded.content, updated_by = excluded.updated_by, updated_at = now()"
				  : "INSERT INTO crm.document_template (name, kind, targets, fields, content)"
				    " VALUES ($1, $2, $3, $4, $5::bytea)",
			  5, params, err);
	if (rc == ERR_EXISTS) {
		err_clear(err);
		rc = err_set(err, ERR_EXISTS, "a template named '%s' is stored already", t->name);
		err_hint(err, "'template add --replace' replaces it");
	} else if (rc == ERR_DENIED) {
		rc = denied(err, "store");
	} else if (!rc && crm_res_affected(res) != 1) {
		/* row security hid the row an upsert would have updated */
		rc = denied(err, "replace");
	}
	crm_res_free(res);
	buf_release(&hex);
	return rc;
}

int crm_template_get(struct crm_db *db, const char *name, struct crm_template *out, struct err *err)
{
	const char *params[] = { name };
	struct crm_res *res = NULL;
	int rc = crm_db_query(&res, db,
			      "SELECT name, kind, targets, fields, content FROM crm.document_template WHERE name = $1",
			      1, params, err);

	memset(out, 0, sizeof(*out));
	buf_init(&out->content);
	if (!rc && crm_res_rows(res) == 0)
		rc = err_set(err, ERR_NOTFOUND, "no template named '%s' is stored", name);
	if (!rc) {
		const char *targets = crm_res_get(res, 0, 2);
		out->name = xstrdup(crm_res_get(res, 0, 0));
		out->kind = xstrdup(crm_res_get(res, 0, 1));
		out->targets = targets ? xstrdup(targets) : NULL;
		out->fields = (int)strtol(crm_res_get(res, 0, 3), NULL, 10);
		rc = crm_bytea_parse(&out->content, crm_res_get(res, 0, 4), err);
	}
	crm_res_free(res);
	if (rc)
		crm_template_release(out);
	return rc;
}

void crm_template_release(struct crm_template *t)
{
	free(t->name);
	free(t->kind);
	free(t->targets);
	buf_release(&t->content);
	t->name = t->kind = t->targets = NULL;
}

int crm_template_list(struct crm_res **out, struct crm_db *db, struct err *err)
{
	return crm_db_query(out, db, "SELECT " COLUMNS " FROM crm.document_template ORDER BY name", 0, NULL, err);
}

int crm_template_describe(struct crm_res **out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	int rc = crm_db_query(out, db, "SELECT " COLUMNS " FROM crm.document_template WHERE name = $1", 1, params, err);
	if (!rc && crm_res_rows(*out) == 0) {
		crm_res_free(*out);
		*out = NULL;
		rc = err_set(err, ERR_NOTFOUND, "no template named '%s' is stored", name);
	}
	return rc;
}

int crm_template_delete(struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	struct crm_res *res = NULL;
	char *found = NULL;
	int rc = crm_db_query(&res, db, "DELETE FROM crm.document_template WHERE name = $1", 1, params, err);

	if (!rc && crm_res_affected(res) == 0) {
		/* not there, or hidden from this user's writes by row security */
		rc = crm_db_value(&found, db, "SELECT name FROM crm.document_template WHERE name = $1", 1, params, err);
		if (!rc)
			rc = found ? denied(err, "delete")
				   : err_set(err, ERR_NOTFOUND, "no template named '%s' is stored", name);
	}
	free(found);
	crm_res_free(res);
	return rc;
}
