/* crm/rules.c - ask the database's value sets and rules (sql/019). */
#include "crm/rules.h"

#include <stdlib.h>
#include <string.h>

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
