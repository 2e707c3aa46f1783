/* crm/rules.h - the value sets and rules the database holds (sql/019:
 * crm.channels, crm.is_channel, crm.is_email, crm.is_code; sql/020: the
 * enumerations of the entities' columns and the roles; sql/001:
 * crm.is_date), asked by the C instead of copied into it, so that what the
 * C refuses and what the database refuses cannot drift apart. */
#ifndef CRM_RULES_H
#define CRM_RULES_H

#include "common/buf.h"
#include "common/err.h"
#include "crm/db.h"

/* Is channel one of the database's channels (crm.is_channel)? 0, or
 * ERR_INPUT "'fax' is not a channel: mail, email or sms", the list as the
 * database has it. For a campaign's --channel, before anything is written. */
int crm_channel_check(struct crm_db *db, const char *channel, struct err *err);

/* The database's channels for a message or a usage line, "mail, email or
 * sms", malloc'd into *out. */
int crm_channel_list(char **out, struct crm_db *db, struct err *err);

/* The values of an enumeration: set is an ENUM column's set (crm/entity.h,
 * "crm.genders"). *out has one row a value, in the database's order
 * (crm_res_get(*out, i, 0)), borrowed until db is freed: the database is
 * asked once per session. */
int crm_value_set(const struct crm_res **out, struct crm_db *db, const char *set, struct err *err);

/* The values of set as a list for a message, "男, 女, M, F", appended to out. */
int crm_value_list(struct buf *out, struct crm_db *db, const char *set, struct err *err);

/* Is value one of set's values? 1 or 0, or a negative ERR_* code. */
int crm_value_in(struct crm_db *db, const char *set, const char *value, struct err *err);

#endif
