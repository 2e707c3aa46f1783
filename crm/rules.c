/* crm/rules.c - ask the database's value sets and rules (sql/019, sql/020). */
#include "crm/rules.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

/* The channels as a list a sentence can end with: "a, b or c". */
#define CHANNEL_LIST                                                                                                   \
	"(SELECT CASE WHEN cardinality(c) > 1 THEN array_to_string(c[1:cardinality(c) - 1], ', ') || ' or ' ||"        \
	" c[cardinality(c)] ELSE c[1] END FROM crm.channels() c)"

int crm_channel_list(char **out, struct crm_db *db, struct err *err)
{
	return crm_db_value(out, db, "SELECT " CHANNEL_LIST, 0, NULL, err);
}

int crm_channel_check(struct crm_db *db, const char *channel, struct err *err)
{
	const char *params[] = { channel };
	struct crm_res *res = NULL;
	int rc = crm_db_query(&res, db, "SELECT crm.is_channel($1), " CHANNEL_LIST, 1, params, err);

	if (!rc && strcmp(crm_res_get(res, 0, 0), "t"))
		rc = err_set(err, ERR_INPUT, "'%s' is not a channel: %s", channel, crm_res_get(res, 0, 1));
	crm_res_free(res);
	return rc;
}

int crm_value_set(const struct crm_res **out, struct crm_db *db, const char *set, struct err *err)
{
	char *sql;
	int rc;

	/* set names a function of ours (crm/entity.c), never the user's text */
	if (strspn(set, "abcdefghijklmnopqrstuvwxyz_.") != strlen(set))
		BUG("'%s' is not the name of a value set", set);
	sql = xstrfmt("SELECT unnest(%s())", set);
	rc = crm_db_query_cached(out, db, sql, err);
	free(sql);
	return rc;
}

int crm_value_list(struct buf *out, struct crm_db *db, const char *set, struct err *err)
{
	const struct crm_res *res;
	int rc = crm_value_set(&res, db, set, err);

	for (int i = 0; !rc && i < crm_res_rows(res); i++)
		buf_addf(out, "%s%s", i ? ", " : "", crm_res_get(res, i, 0));
	return rc;
}

int crm_value_in(struct crm_db *db, const char *set, const char *value, struct err *err)
{
	const struct crm_res *res;
	int rc = crm_value_set(&res, db, set, err);

	if (rc)
		return rc;
	for (int i = 0; i < crm_res_rows(res); i++)
		if (!strcmp(crm_res_get(res, i, 0), value))
			return 1;
	return 0;
}
