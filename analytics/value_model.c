/* analytics/value_model.c - keep the customer value model: tiers, cuts and
 * weights (sql/009_value_model.sql checks the cuts; this file names them). */
#include "analytics/value_model.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

const char *const an_indicators[AN_INDICATORS] = {
	"revenue", "profit", "opportunity", "arrears", "expense", "loyalty"
};

int an_value_model_list(struct crm_res **out, struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	return crm_db_query(
		out, db,
		"SELECT m.name::text AS name, m.cut_by, m.is_default AS \"default\","
		" (SELECT string_agg(t.name || CASE WHEN m.cut_by = 'share' THEN ' ' || trim_scale(t.share * 100) || '%'"
		"   WHEN t.min_value IS NOT NULL THEN ' >= ' || trim_scale(t.min_value) ELSE '' END,"
		"   ' / ' ORDER BY t.seq) FROM crm.value_tier t WHERE t.model_id = m.id) AS tiers,"
		" trim_scale(m.w_revenue) AS w_revenue, trim_scale(m.w_profit) AS w_profit,"
		" trim_scale(m.w_opportunity) AS w_opportunity, trim_scale(m.w_arrears) AS w_arrears,"
		" trim_scale(m.w_expense) AS w_expense, trim_scale(m.w_loyalty) AS w_loyalty"
		" FROM crm.value_model m WHERE $1::text IS NULL OR m.name = $1 ORDER BY m.name",
		1, params, err);
}

/* Does the model exist? And may this session change models? Asked before
 * writing, because row security turns a forbidden UPDATE into no rows
 * rather than an error. */
static int check_model(struct crm_db *db, const char *name, int want_exists, struct err *err)
{
	const char *params[] = { name };
	char *found = NULL;
	int rc = crm_db_value(&found, db,
			      "SELECT (SELECT count(*) FROM crm.value_model WHERE name = $1)::text || ','"
			      " || (current_user <> 'crmgate_app' OR crm.keeps_value_model())::text",
			      1, params, err);
	if (rc)
		return rc;
	if (found[0] == '0' && want_exists)
		rc = err_set(err, ERR_NOTFOUND, "there is no value model '%s'", name);
	else if (found[0] != '0' && !want_exists)
		rc = err_set(err, ERR_EXISTS, "value model '%s' exists already", name);
	else if (strcmp(found + 2, "true"))
		rc = err_set(err, ERR_DENIED, "only admins and sales managers may change value models");
	if (rc == ERR_NOTFOUND)
		err_hint(err, "'crmgate value-model list' shows the models");
	free(found);
	return rc;
}

/* Replace the tiers from new cuts, or rename them keeping their cuts. */
static int set_tiers(struct crm_db *db, const struct an_value_model_change *c, int is_new, struct err *err)
{
	static const char *const letters[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L" };
	static const char *const preset[] = { "1", "4", "15", "80" };
	const char *const *cuts = c->shares ? c->shares : c->thresholds;
	int ncuts = c->ncuts, ntiers;
	const char *sql;
	struct buf names = BUF_INIT, cutlist = BUF_INIT;
	const char *params[3];
	int rc;

	if (!cuts && !c->tiers && !is_new)
		return 0;
	if (!cuts && !c->tiers) {
		cuts = preset;
		ncuts = ARRAY_SIZE(preset);
	}
	if (cuts) {
		/* value thresholds leave a last tier below the lowest of them */
		ntiers = c->thresholds ? ncuts + 1 : ncuts;
		if (c->tiers && c->ntiers != ntiers)
			return err_set(err, ERR_INPUT, "%d tier name%s given for %d tiers", c->ntiers,
				       c->ntiers == 1 ? "" : "s", ntiers);
		if (!c->tiers && ntiers > (int)ARRAY_SIZE(letters))
			return err_set(err, ERR_INPUT, "%d tiers need names (--tiers): A to L name twelve", ntiers);
		params[0] = c->name;
		params[1] = c->thresholds ? "value" : "share";
		if ((rc = crm_db_query(NULL, db, "UPDATE crm.value_model SET cut_by = $2 WHERE name = $1", 2, params,
				       err)))
			return rc;
		crm_array_text(&names, c->tiers ? c->tiers : letters, (size_t)ntiers);
		crm_array_text(&cutlist, cuts, (size_t)ncuts);
		sql = c->thresholds
			      ? "SELECT crm.value_model_set_tiers($1, $2::text[], $3::numeric[] || NULL::numeric)"
			      : "SELECT crm.value_model_set_tiers($1, $2::text[], (SELECT array_agg(x / 100 ORDER BY o)"
				" FROM unnest($3::numeric[]) WITH ORDINALITY u(x, o)))";
	} else {
		crm_array_text(&names, c->tiers, (size_t)c->ntiers);
		sql = "SELECT crm.value_model_set_tiers($1, $2::text[], (SELECT array_agg(coalesce(t.share, t.min_value)"
		      " ORDER BY t.seq) FROM crm.value_tier t JOIN crm.value_model m ON m.id = t.model_id"
		      " WHERE m.name = $1))";
	}
	params[0] = c->name;
	params[1] = names.data;
	params[2] = cuts ? cutlist.data : NULL;
	rc = crm_db_query(NULL, db, sql, cuts ? 3 : 2, params, err);
	buf_release(&names);
	buf_release(&cutlist);
	return rc;
}

static int set_weights(struct crm_db *db, const struct an_value_model_change *c, struct err *err)
{
	for (int i = 0; i < AN_INDICATORS; i++) {
		const char *params[] = { c->name, c->weights[i] };
		char *sql;
		int rc;
		if (!c->weights[i])
			continue;
		/* the column comes from our own list of indicators */
		sql = xstrfmt("UPDATE crm.value_model SET w_%s = $2::numeric WHERE name = $1", an_indicators[i]);
		rc = crm_db_query(NULL, db, sql, 2, params, err);
		free(sql);
		if (rc) {
			err_prefix(err, "weight of %s '%s': ", an_indicators[i], c->weights[i]);
			return rc;
		}
	}
	return 0;
}

static int change(struct crm_db *db, const struct an_value_model_change *c, int is_new, struct err *err)
{
	const char *params[] = { c->name };
	int rc = crm_db_begin(db, err);

	if (!rc)
		rc = check_model(db, c->name, !is_new, err);
	if (!rc && is_new)
		rc = crm_db_query(NULL, db, "INSERT INTO crm.value_model (name) VALUES ($1)", 1, params, err);
	if (!rc)
		rc = set_tiers(db, c, is_new, err);
	if (!rc)
		rc = set_weights(db, c, err);
	if (!rc)
		rc = crm_db_commit(db, err);
	if (rc)
		crm_db_rollback(db);
	return rc;
}

int an_value_model_create(struct crm_db *db, const struct an_value_model_change *c, struct err *err)
{
	return change(db, c, 1, err);
}

int an_value_model_set(struct crm_db *db, const struct an_value_model_change *c, struct err *err)
{
	return change(db, c, 0, err);
}

int an_value_model_default(struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	int rc = crm_db_begin(db, err);
	if (!rc)
		rc = check_model(db, name, 1, err);
	/* two steps: the unique index allows one default at any moment */
	if (!rc)
		rc = crm_db_query(NULL, db,
				  "UPDATE crm.value_model SET is_default = false WHERE is_default AND name <> $1", 1,
				  params, err);
	if (!rc)
		rc = crm_db_query(NULL, db, "UPDATE crm.value_model SET is_default = true WHERE name = $1", 1, params,
				  err);
	if (!rc)
		rc = crm_db_commit(db, err);
	if (rc)
		crm_db_rollback(db);
	return rc;
}

int an_value_model_delete(struct crm_db *db, const char *name, struct err *err)
{
	const char *params[] = { name };
	char *is_default = NULL;
	int rc = check_model(db, name, 1, err);
	if (!rc)
		rc = crm_db_value(&is_default, db, "SELECT is_default::text FROM crm.value_model WHERE name = $1", 1,
				  params, err);
	if (!rc && is_default && !strcmp(is_default, "true")) {
		err_set(err, ERR_INPUT, "value model '%s' is the default one", name);
		err_hint(err, "make another the default first: crmgate value-model default NAME");
		rc = err->code;
	}
	free(is_default);
	if (!rc)
		rc = crm_db_query(NULL, db, "DELETE FROM crm.value_model WHERE name = $1", 1, params, err);
	return rc;
}
