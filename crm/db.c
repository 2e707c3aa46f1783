/* crm/db.c - the database connection over libpq. */
#include "crm/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "common/hex.h"
#include "common/log.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "common/banned.h"

struct crm_db {
	PGconn *conn;
	/* the statements prepared on this connection, by their text's address */
	const char **prepared;
	size_t nprepared, prepared_alloc;
	/* the answers kept for the session (crm_db_query_cached) */
	struct cached_answer *cached;
	size_t ncached, cached_alloc;
};

/* A statement's text and the answer the session keeps for it. */
struct cached_answer {
	char *sql;
	struct crm_res *res;
};

struct crm_res {
	PGresult *res;
};

/* Which ERR_* a failed statement is, by its SQLSTATE class. */
static int code_for_sqlstate(const char *state)
{
	if (!state)
		return ERR_DB;
	if (!strcmp(state, "23505"))
		return ERR_EXISTS;
	if (!strncmp(state, "23", 2) || !strncmp(state, "22", 2))
		return ERR_INPUT; /* integrity or data exception: what the user gave */
	if (!strcmp(state, "42501"))
		return ERR_DENIED;
	if (!strcmp(state, "57014") || !strncmp(state, "08", 2) || !strcmp(state, "40001") || !strcmp(state, "40P01") ||
	    !strcmp(state, "55P03"))
		return ERR_TEMPFAIL;
	return ERR_DB;
}

/* A server message as the terminal may show it: it can quote a value
 * ("Key (code)=(...) already exists"), and a value anything a file held. */
static const char *visible(struct buf *b, const char *s)
{
	buf_reset(b);
	utf8_add_visible(b, s, strlen(s), 1);
	return b->data;
}

static int set_result_error(struct err *err, const PGresult *res, PGconn *conn)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	struct buf b = BUF_INIT;
	int code;

	if (err->code)
		return err->code;
	code = code_for_sqlstate(state);
	if (msg)
		err_set(err, code, "%s", visible(&b, msg));
	else
		err_set(err, code, "database: %s", visible(&b, PQerrorMessage(conn)));
	if (detail)
		err_detail(err, "%s", visible(&b, detail));
	if (hint)
		err_hint(err, "%s", visible(&b, hint));
	buf_release(&b);
	return err->code;
}

static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	/* NOTICEs from IF NOT EXISTS and the like are for -v only */
	log_debug("%.*s", (int)strcspn(message, "\n"), message);
}

int crm_db_work_seconds(enum crm_db_work work)
{
	switch (work) {
	case CRM_DB_QUICK: return 60;
	case CRM_DB_REPORT: return 15 * 60;
	case CRM_DB_BULK: return 2 * 60 * 60;
	}
	BUG("unknown kind of work %d", (int)work);
}

int crm_db_work(struct crm_db *db, enum crm_db_work work, struct err *err)
{
	char ms[32];
	const char *params[] = { ms, PQtransactionStatus(db->conn) == PQTRANS_INTRANS ? "t" : "f" };
	snprintf(ms, sizeof(ms), "%d", crm_db_work_seconds(work) * 1000);
	return crm_db_query(NULL, db, "SELECT set_config('statement_timeout', $1, $2::boolean)", 2, params, err);
}

/* What every session starts with (see crm_db_connect in db.h). A server
 * before PostgreSQL 14 cannot watch its client during a statement: there
 * the statement timeout alone bounds a statement whose client has gone. */
static int session_setup(struct crm_db *db, struct err *err)
{
	int rc = crm_db_work(db, CRM_DB_QUICK, err);
	if (!rc && PQserverVersion(db->conn) >= 140000)
		rc = crm_db_exec(db, "SET client_connection_check_interval = '1s'", err);
	if (rc)
		err_prefix(err, "could not set up the database session: ");
	return rc;
}

int crm_db_connect(struct crm_db **out, const char *conninfo, struct err *err)
{
	/* the connection string is expanded as dbname is; the name is the
	 * fallback for it */
	static const char *const keys[] = { "dbname", "fallback_application_name", NULL };
	const char *values[] = { conninfo, "crmgate", NULL };
	PGconn *conn = PQconnectdbParams(keys, values, 1);
	int rc;

	*out = NULL;
	if (PQstatus(conn) != CONNECTION_OK) {
		err_set(err, ERR_DB, "could not connect to the database: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return err->code;
	}
	/* our CSV, filters and documents are UTF-8, whatever PGCLIENTENCODING says */
	if (PQsetClientEncoding(conn, "UTF8")) {
		err_set(err, ERR_DB, "could not use UTF-8 with the database: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return err->code;
	}
	PQsetNoticeProcessor(conn, notice_to_log, NULL);
	*out = xcalloc(1, sizeof(**out));
	(*out)->conn = conn;
	if ((rc = session_setup(*out, err))) {
		crm_db_free(*out);
		*out = NULL;
	}
	return rc;
}

void crm_db_free(struct crm_db *db)
{
	if (!db)
		return;
	PQfinish(db->conn);
	free(db->prepared);
	for (size_t i = 0; i < db->ncached; i++) {
		free(db->cached[i].sql);
		crm_res_free(db->cached[i].res);
	}
	free(db->cached);
	free(db);
}

int crm_db_lost(struct crm_db *db)
{
	PGresult *res;
	int lost;

	if (PQstatus(db->conn) == CONNECTION_BAD)
		return 1;
	/* libpq notices a closed connection only when it next talks to the
	 * server: after a failure, ask */
	res = PQexec(db->conn, "SELECT 1");
	lost = PQresultStatus(res) != PGRES_TUPLES_OK && PQstatus(db->conn) == CONNECTION_BAD;
	PQclear(res);
	return lost;
}

static int check_result(struct crm_db *db, PGresult *res, struct err *err)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN || st == PGRES_COPY_OUT)
		return 0;
	return set_result_error(err, res, db->conn);
}

int crm_db_exec(struct crm_db *db, const char *sql, struct err *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = check_result(db, res, err);
	PQclear(res);
	return rc;
}

/* A statement's result, checked: *out (when out is given) holds it. */
static int result_of(struct crm_res **out, struct crm_db *db, PGresult *res, struct err *err)
{
	int rc = check_result(db, res, err);

	if (rc || !out) {
		PQclear(res);
		if (out)
			*out = NULL;
		return rc;
	}
	*out = xmalloc(sizeof(**out));
	(*out)->res = res;
	return 0;
}

int crm_db_query(struct crm_res **out, struct crm_db *db, const char *sql, int nparams, const char *const *params,
		 struct err *err)
{
	return result_of(out, db, PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0), err);
}

int crm_db_query_prepared(struct crm_res **out, struct crm_db *db, const char *sql, int nparams,
			  const char *const *params, struct err *err)
{
	PGresult *res;
	char name[32];
	size_t i;
	int rc;

	for (i = 0; i < db->nprepared && db->prepared[i] != sql; i++)
		;
	snprintf(name, sizeof(name), "crm_p%zu", i);
	if (i == db->nprepared) {
		res = PQprepare(db->conn, name, sql, nparams, NULL);
		if ((rc = check_result(db, res, err))) {
			PQclear(res);
			return rc;
		}
		PQclear(res);
		ALLOC_GROW(db->prepared, db->nprepared + 1, db->prepared_alloc);
		db->prepared[db->nprepared++] = sql;
	}
	return result_of(out, db, PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0), err);
}

int crm_db_query_cached(const struct crm_res **out, struct crm_db *db, const char *sql, struct err *err)
{
	struct crm_res *res;
	int rc;

	for (size_t i = 0; i < db->ncached; i++) {
		if (!strcmp(db->cached[i].sql, sql)) {
			*out = db->cached[i].res;
			return 0;
		}
	}
	*out = NULL;
	if ((rc = crm_db_query(&res, db, sql, 0, NULL, err)))
		return rc;
	ALLOC_GROW(db->cached, db->ncached + 1, db->cached_alloc);
	db->cached[db->ncached].sql = xstrdup(sql);
	db->cached[db->ncached++].res = res;
	*out = res;
	return 0;
}

int crm_db_value(char **out, struct crm_db *db, const char *sql, int nparams, const char *const *params,
		 struct err *err)
{
	struct crm_res *res;
	int rc = crm_db_query(&res, db, sql, nparams, params, err);
	*out = NULL;
	if (rc)
		return rc;
	if (crm_res_rows(res) > 0 && crm_res_get(res, 0, 0))
		*out = xstrdup(crm_res_get(res, 0, 0));
	crm_res_free(res);
	return 0;
}

int crm_db_begin(struct crm_db *db, struct err *err)
{
	return crm_db_exec(db, "BEGIN", err);
}

int crm_db_commit(struct crm_db *db, struct err *err)
{
	return crm_db_exec(db, "COMMIT", err);
}

void crm_db_rollback(struct crm_db *db)
{
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		PQclear(PQexec(db->conn, "ROLLBACK"));
}

int crm_db_copy_in_begin(struct crm_db *db, const char *sql, struct err *err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COPY_IN)
		rc = set_result_error(err, res, db->conn);
	PQclear(res);
	return rc;
}

/* Collect the results that follow the end of a COPY, keeping the first error. */
static int finish_copy(struct crm_db *db, struct err *err)
{
	PGresult *res;
	int rc = 0;
	while ((res = PQgetResult(db->conn))) {
		if (!rc && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = set_result_error(err, res, db->conn);
		PQclear(res);
	}
	return rc;
}

int crm_db_copy_in_put(struct crm_db *db, const char *data, size_t len, struct err *err)
{
	while (len) {
		int n = len > (1 << 30) ? (1 << 30) : (int)len;
		if (PQputCopyData(db->conn, data, n) != 1) {
			err_set(err, ERR_DB, "could not send data to the database: %s", PQerrorMessage(db->conn));
			PQputCopyEnd(db->conn, "client error");
			finish_copy(db, err);
			return err->code;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int crm_db_copy_in_end(struct crm_db *db, struct err *err)
{
	if (PQputCopyEnd(db->conn, NULL) != 1)
		err_set(err, ERR_DB, "could not end the copy: %s", PQerrorMessage(db->conn));
	finish_copy(db, err);
	return err->code;
}

int crm_res_rows(const struct crm_res *res)
{
	return PQntuples(res->res);
}

int crm_res_cols(const struct crm_res *res)
{
	return PQnfields(res->res);
}

const char *crm_res_name(const struct crm_res *res, int col)
{
	return PQfname(res->res, col);
}

const char *crm_res_get(const struct crm_res *res, int row, int col)
{
	if (PQgetisnull(res->res, row, col))
		return NULL;
	return PQgetvalue(res->res, row, col);
}

enum crm_res_kind crm_res_kind(const struct crm_res *res, int col)
{
	/* type OIDs from pg_type.dat: they never change */
	switch (PQftype(res->res, col)) {
	case 16: return CRM_RES_BOOL;
	case 20:
	case 21:
	case 23:
	case 700:
	case 701:
	case 1700: return CRM_RES_NUMBER;
	default: return CRM_RES_TEXT;
	}
}

long long crm_res_affected(const struct crm_res *res)
{
	const char *n = PQcmdTuples(res->res);
	return *n ? strtoll(n, NULL, 10) : 0;
}

int crm_res_column(const struct crm_res *res, const char *name)
{
	for (int c = 0; c < crm_res_cols(res); c++)
		if (!strcmp(crm_res_name(res, c), name))
			return c;
	return -1;
}

void crm_res_free(struct crm_res *res)
{
	if (!res)
		return;
	PQclear(res->res);
	free(res);
}

void crm_db_quote_ident(struct buf *out, const char *ident)
{
	buf_addch(out, '"');
	for (const char *p = ident; *p; p++) {
		if (*p == '"')
			buf_addch(out, '"');
		buf_addch(out, *p);
	}
	buf_addch(out, '"');
}

static const char hexdigits[] = "0123456789abcdef";

void crm_array_text(struct buf *out, const char *const *items, size_t n)
{
	buf_addch(out, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(out, ',');
		if (!items[i]) {
			buf_adds(out, "NULL");
			continue;
		}
		buf_addch(out, '"');
		for (const char *p = items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(out, '\\');
			buf_addch(out, *p);
		}
		buf_addch(out, '"');
	}
	buf_addch(out, '}');
}

void crm_bytea_text(struct buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	char *s;

	if (buf_grow(out, len * 2 + 2))
		BUG("a bytea's text is past its buffer's cap");
	buf_adds(out, "\\x");
	s = out->data + out->len;
	for (size_t i = 0; i < len; i++) {
		*s++ = hexdigits[p[i] >> 4];
		*s++ = hexdigits[p[i] & 15];
	}
	*s = '\0';
	out->len += len * 2;
}

int crm_bytea_parse(struct buf *out, const char *text, struct err *err)
{
	if (strncmp(text, "\\x", 2) || strlen(text) % 2)
		return err_set(err, ERR_FAIL, "a bytea value came back in an unexpected form");
	for (const char *s = text + 2; *s; s += 2) {
		int byte = hex_byte(s);
		if (byte < 0)
			return err_set(err, ERR_FAIL, "a bytea value came back in an unexpected form");
		buf_addch(out, (char)byte);
	}
	return 0;
}
