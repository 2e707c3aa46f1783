/* crm/db.h - the database connection: the one place that speaks libpq.
 *
 * Every query is parameterised; results are read through struct crm_res so
 * that no other file needs <libpq-fe.h>. Errors carry PostgreSQL's message,
 * detail and hint, and a code from common/err.h chosen by SQLSTATE (a unique,
 * foreign-key or check violation is the user's input: ERR_INPUT / ERR_EXISTS). */
#ifndef CRM_DB_H
#define CRM_DB_H

#include <stddef.h>

#include "common/err.h"

struct crm_db;
struct crm_res;

/* Connect with a libpq connection string (or URI). The session is set up so
 * that no statement outlives its client or its purpose: the server checks
 * every second that the client is still there while a statement runs
 * (client_connection_check_interval, PostgreSQL 14 and later), and each
 * statement may run for as long as CRM_DB_QUICK work allows until
 * crm_db_work says otherwise. The session is named "crmgate" in
 * pg_stat_activity unless the connection string names it. */
int crm_db_connect(struct crm_db **out, const char *conninfo, struct err *err);
void crm_db_free(struct crm_db *db);
/* Has the connection been lost (the server restarted or went away)? Asks
 * the server when libpq has not noticed yet, so call it after a failure,
 * outside a transaction. A long-running caller connects again; the
 * session's state is gone. */
int crm_db_lost(struct crm_db *db);

/* Run one or more statements that take no parameters and return no rows. */
int crm_db_exec(struct crm_db *db, const char *sql, struct err *err);
/* Run one statement with text parameters ($1 … $n; a NULL is SQL NULL). *out
 * is the caller's (crm_res_free); out may be NULL when the rows do not matter. */
int crm_db_query(struct crm_res **out, struct crm_db *db, const char *sql, int nparams, const char *const *params,
		 struct err *err);
/* crm_db_query for a statement run again and again: prepared once per
 * connection (parsed, and planned once PostgreSQL settles on a generic
 * plan), then only executed. sql must live as long as db (a string
 * constant): its address names the prepared statement. */
int crm_db_query_prepared(struct crm_res **out, struct crm_db *db, const char *sql, int nparams,
			  const char *const *params, struct err *err);
/* crm_db_query for a statement without parameters whose answer does not
 * change while the session lasts (a value set of sql/020): run the first
 * time the session asks it, then answered from the session's copy. *out is
 * borrowed until db is freed. */
int crm_db_query_cached(const struct crm_res **out, struct crm_db *db, const char *sql, struct err *err);
/* The first column of the first row of a query, malloc'd (NULL for no row or SQL NULL). */
int crm_db_value(char **out, struct crm_db *db, const char *sql, int nparams, const char *const *params,
		 struct err *err);

/* What a session's statements are for, and so how long one may run before
 * the server cancels it (statement_timeout; the error is ERR_TEMPFAIL). */
enum crm_db_work {
	CRM_DB_QUICK,  /* the default: look-ups, one record, one message, a status: 1 minute */
	CRM_DB_REPORT, /* reports, exports, merges and previews over every customer: 15 minutes */
	CRM_DB_BULK,   /* import, gen, a campaign's launch, migrations of millions of rows: 2 hours */
};
/* The statement timeout of a kind of work, in seconds. */
int crm_db_work_seconds(enum crm_db_work work);
/* Let each statement from now on run as long as work needs: for the rest of
 * the session, or, called inside a transaction, until the transaction ends. */
int crm_db_work(struct crm_db *db, enum crm_db_work work, struct err *err);

int crm_db_begin(struct crm_db *db, struct err *err);
int crm_db_commit(struct crm_db *db, struct err *err);
/* Roll back an open transaction, if any; never fails in a way callers handle. */
void crm_db_rollback(struct crm_db *db);

/* COPY ... FROM STDIN: begin, put any number of chunks, end. A failed put or
 * end leaves the connection usable (the COPY is ended). */
int crm_db_copy_in_begin(struct crm_db *db, const char *sql, struct err *err);
int crm_db_copy_in_put(struct crm_db *db, const char *data, size_t len, struct err *err);
int crm_db_copy_in_end(struct crm_db *db, struct err *err);

/* Rows, columns, and values (borrowed until crm_res_free; NULL for SQL NULL). */
int crm_res_rows(const struct crm_res *res);
int crm_res_cols(const struct crm_res *res);
const char *crm_res_name(const struct crm_res *res, int col);
const char *crm_res_get(const struct crm_res *res, int row, int col);
/* The column named name, or -1. */
int crm_res_column(const struct crm_res *res, const char *name);
/* What kind of value a column holds, for JSON output. */
enum crm_res_kind { CRM_RES_TEXT, CRM_RES_NUMBER, CRM_RES_BOOL };
enum crm_res_kind crm_res_kind(const struct crm_res *res, int col);
/* The number of rows a command touched (INSERT, UPDATE, DELETE). */
long long crm_res_affected(const struct crm_res *res);
void crm_res_free(struct crm_res *res);

/* bytea as it travels in text: PostgreSQL's hex format, \x0a1b... Append
 * data's text form to out; parse a value read back into out (appended). */
void crm_bytea_text(struct buf *out, const void *data, size_t len);
int crm_bytea_parse(struct buf *out, const char *text, struct err *err);

/* An array parameter as it travels in text: {"a","b"}, every item quoted,
 * quotes and backslashes escaped (a NULL item is NULL). Appended to out;
 * cast it in SQL ($1::text[], $2::integer[]). */
void crm_array_text(struct buf *out, const char *const *items, size_t n);

/* Quote an identifier (a column alias built from a name we own) for SQL text. */
void crm_db_quote_ident(struct buf *out, const char *ident);

#endif
