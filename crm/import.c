/* crm/import.c - all-or-nothing import through a staging table (COPY). */
#include "crm/import.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/csv.h"
#include "common/utf8.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "common/banned.h"

#define COPY_CHUNK	   (1 << 20)
#define DEFAULT_MAX_ERRORS 50
/* Problems found while reading are kept up to this many; more are counted. */
#define MAX_READ_PROBLEMS 1000

struct bad_row {
	long line;
	char *column; /* NULL: the row as a whole */
	char *msg;
};

struct crm_import {
	struct crm_db *db;
	const struct crm_entity *e;
	struct crm_import_opts opts;
	const struct crm_column **cols; /* the header's columns, in order */
	size_t ncols;
	struct buf copy;     /* COPY text waiting to be sent */
	long rows;	     /* rows sent */
	struct bad_row *bad; /* problems found while reading */
	size_t nbad, bad_alloc;
	long bad_total;
	int in_tx;
	int copying;
	struct timespec phase_start; /* for -v: how long each step took */
};

/* With -v, say how long the step that just ended took. */
static void phase_done(struct crm_import *imp, const char *what)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	log_debug("import %s: %s in %.3f s", imp->e->name, what,
		  (double)(now.tv_sec - imp->phase_start.tv_sec) + (now.tv_nsec - imp->phase_start.tv_nsec) / 1e9);
	imp->phase_start = now;
}

static int has_col(const struct crm_import *imp, const struct crm_column *col)
{
	for (size_t i = 0; i < imp->ncols; i++)
		if (imp->cols[i] == col)
			return 1;
	return 0;
}

/* "customers.csv:17: " or "add: " */
static void where_prefix(struct buf *b, const struct crm_import *imp, long line)
{
	if (imp->opts.no_lines || line <= 0)
		buf_addf(b, "%s: ", imp->opts.source);
	else
		buf_addf(b, "%s:%ld: ", imp->opts.source, line);
}

static void note_bad(struct crm_import *imp, long line, const char *column, const char *msg)
{
	imp->bad_total++;
	if (imp->nbad >= MAX_READ_PROBLEMS)
		return;
	ALLOC_GROW(imp->bad, imp->nbad + 1, imp->bad_alloc);
	imp->bad[imp->nbad].line = line;
	imp->bad[imp->nbad].column = column ? xstrdup(column) : NULL;
	imp->bad[imp->nbad].msg = xstrdup(msg);
	imp->nbad++;
}

static int check_header(struct crm_import *imp, const char *const *header, size_t n, struct err *err)
{
	const struct crm_entity *e = imp->e;
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const struct crm_column *col = crm_entity_column(e, header[i]);
		if (!col) {
			char *known = crm_entity_column_list(e);
			where_prefix(&b, imp, 1);
			err_set(err, ERR_INPUT, "%scolumn '%s' is not a column of %s", b.data, header[i], e->name);
			err_hint(err, "the columns of %s are: %s", e->name, known);
			free(known);
			goto fail;
		}
		if (has_col(imp, col)) {
			where_prefix(&b, imp, 1);
			err_set(err, ERR_INPUT, "%scolumn '%s' appears twice", b.data, header[i]);
			goto fail;
		}
		imp->cols[imp->ncols++] = col;
	}
	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *col = &e->columns[i];
		int needed = imp->opts.update ? (col->flags & CRM_KEY) : (col->flags & CRM_REQUIRED);
		if (needed && !has_col(imp, col)) {
			where_prefix(&b, imp, 1);
			err_set(err, ERR_INPUT, "%scolumn '%s' is required but missing", b.data, col->name);
			goto fail;
		}
	}
	buf_release(&b);
	return 0;
fail:
	buf_release(&b);
	return err->code;
}

int crm_import_begin(struct crm_import **out, struct crm_db *db, const struct crm_entity *e, const char *const *header,
		     size_t ncols, const struct crm_import_opts *opts, struct err *err)
{
	struct crm_import *imp = xcalloc(1, sizeof(*imp));
	struct buf sql = BUF_INIT;
	int rc;

	*out = imp;
	imp->db = db;
	imp->e = e;
	imp->opts = *opts;
	if (!imp->opts.max_errors)
		imp->opts.max_errors = DEFAULT_MAX_ERRORS;
	imp->cols = xcalloc(ncols ? ncols : 1, sizeof(*imp->cols));
	buf_init(&imp->copy);
	clock_gettime(CLOCK_MONOTONIC, &imp->phase_start);

	if (opts->update && !e->key)
		return err_set(err, ERR_INPUT, "%s rows have no key: they can be imported, not updated", e->name);
	if ((rc = check_header(imp, header, ncols, err)))
		return rc;

	/* a large staging table should stay in memory; this fails harmlessly
	 * once the session has used a temporary table */
	if (crm_db_exec(db, "SET temp_buffers = '256MB'", err))
		err_clear(err);
	if ((rc = crm_db_begin(db, err)))
		return rc;
	imp->in_tx = 1;
	/* a file of millions of rows is checked and written in a few statements */
	if ((rc = crm_db_work(db, CRM_DB_BULK, err)))
		return rc;

	buf_adds(&sql, "CREATE TEMP TABLE stg (line integer NOT NULL");
	for (size_t i = 0; i < imp->ncols; i++) {
		buf_adds(&sql, ", ");
		crm_db_quote_ident(&sql, imp->cols[i]->name);
		buf_adds(&sql, " text");
	}
	buf_adds(&sql, ") ON COMMIT DROP");
	rc = crm_db_exec(db, sql.data, err);
	buf_reset(&sql);
	buf_adds(&sql, "COPY stg (line");
	for (size_t i = 0; i < imp->ncols; i++) {
		buf_adds(&sql, ", ");
		crm_db_quote_ident(&sql, imp->cols[i]->name);
	}
	buf_adds(&sql, ") FROM STDIN");
	if (!rc)
		rc = crm_db_copy_in_begin(db, sql.data, err);
	imp->copying = !rc;
	buf_release(&sql);
	return rc;
}

/* One value in COPY's text format: \N for NULL, backslash escapes. */
static void copy_value(struct buf *b, const char *v)
{
	if (!v || !*v) {
		buf_adds(b, "\\N");
		return;
	}
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '\\': buf_adds(b, "\\\\"); break;
		case '\t': buf_adds(b, "\\t"); break;
		case '\n': buf_adds(b, "\\n"); break;
		case '\r': buf_adds(b, "\\r"); break;
		default: buf_addch(b, *p);
		}
	}
}

/* What every value must be, whatever its column: valid UTF-8 (else it
 * cannot be staged: returns -1), and free of the characters XML 1.0 forbids
 * (a merged Word document could not hold them) and of control characters
 * other than tab and line breaks (they would steer the terminal that shows
 * the value). Each such value is a problem of its row, named with the code
 * point; returns 0 when the row can still be staged, so that the other
 * rows' references to it resolve and its other problems are found too. */
static int check_chars(struct crm_import *imp, long line, const char *const *values, size_t nvalues)
{
	int rc = 0;

	for (size_t i = 0; i < nvalues; i++) {
		const char *v = values[i];
		char msg[128];
		uint32_t cp;
		long at;

		if (!v || imp->cols[i]->type == CRM_PASSWORD || (at = utf8_find_forbidden(v, strlen(v), &cp)) < 0)
			continue;
		if (cp == 0xFFFFFFFFu) {
			snprintf(msg, sizeof(msg), "is not valid UTF-8 (byte %ld)", at + 1);
			rc = -1;
		} else if (utf8_control(cp) || cp < 0x20) {
			snprintf(msg, sizeof(msg),
				 "holds the control character U+%04" PRIX32 ", which crmgate does not store", cp);
		} else {
			snprintf(msg, sizeof(msg),
				 "holds U+%04" PRIX32 ", which XML and so a Word document cannot hold", cp);
		}
		note_bad(imp, line, imp->cols[i]->name, msg);
	}
	return rc;
}

int crm_import_row(struct crm_import *imp, long line, const char *const *values, size_t nvalues, const char *problem,
		   int problem_col, struct err *err)
{
	if (problem) {
		const char *col =
			problem_col >= 0 && (size_t)problem_col < imp->ncols ? imp->cols[problem_col]->name : NULL;
		note_bad(imp, line, col, problem);
		return 0;
	}
	if (nvalues != imp->ncols) {
		char msg[96];
		snprintf(msg, sizeof(msg), "expected %zu fields as in the header, found %zu", imp->ncols, nvalues);
		note_bad(imp, line, NULL, msg);
		return 0;
	}
	if (check_chars(imp, line, values, nvalues))
		return 0;
	buf_addf(&imp->copy, "%ld", line);
	for (size_t i = 0; i < nvalues; i++) {
		buf_addch(&imp->copy, '\t');
		copy_value(&imp->copy, values[i]);
	}
	buf_addch(&imp->copy, '\n');
	imp->rows++;
	if (imp->copy.len >= COPY_CHUNK) {
		int rc = crm_db_copy_in_put(imp->db, imp->copy.data, imp->copy.len, err);
		buf_reset(&imp->copy);
		if (rc) {
			imp->copying = 0;
			return rc;
		}
		if (imp->opts.progress)
			imp->opts.progress(imp->opts.progress_ctx, imp->rows);
	}
	return 0;
}

/* ------------------------------------------------------------- the checks */

/* The checks are built as SQL over the staging row "s", each a condition that
 * is true when the row is bad and a message (SQL text expression). */
struct check {
	const char *column;
	struct buf cond;
	struct buf msg;
};

struct checks {
	struct check *v;
	size_t nr, alloc;
	struct buf joins; /* LEFT JOINs that resolve references */
	int naliases;
};

static struct check *add_check(struct checks *cs, const char *column)
{
	struct check *c;
	ALLOC_GROW(cs->v, cs->nr + 1, cs->alloc);
	c = &cs->v[cs->nr++];
	c->column = column;
	buf_init(&c->cond);
	buf_init(&c->msg);
	return c;
}

static void checks_release(struct checks *cs)
{
	for (size_t i = 0; i < cs->nr; i++) {
		buf_release(&cs->v[i].cond);
		buf_release(&cs->v[i].msg);
	}
	free(cs->v);
	buf_release(&cs->joins);
}

/* s."name" */
static void staged(struct buf *b, const struct crm_column *col)
{
	buf_adds(b, "s.");
	crm_db_quote_ident(b, col->name);
}

/* Append template with every "$v" replaced by what. */
static void substitute(struct buf *b, const char *template, const char *what)
{
	for (const char *p = template; *p; p++) {
		if (p[0] == '$' && p[1] == 'v') {
			buf_adds(b, what);
			p++;
		} else {
			buf_addch(b, *p);
		}
	}
}

/* A check on a value that is present: bad_when (SQL, "$v" standing for the
 * value) gives the message "'<value>' <what>". */
static void value_check(struct checks *cs, const struct crm_column *col, const char *bad_when, const char *what)
{
	struct check *c = add_check(cs, col->name);
	struct buf v = BUF_INIT;
	staged(&v, col);
	buf_addf(&c->cond, "%s IS NOT NULL AND ", v.data);
	substitute(&c->cond, bad_when, v.data);
	buf_addf(&c->msg, "'''' || %s || ''' %s'", v.data, what);
	buf_release(&v);
}

static void sql_string(struct buf *b, const char *s)
{
	buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addch(b, '\'');
		buf_addch(b, *s);
	}
	buf_addch(b, '\'');
}

static void type_checks(struct checks *cs, const struct crm_import *imp, const struct crm_column *col)
{
	switch (col->type) {
	/* control characters are refused for every column as the rows are
	 * read (check_chars): here only what is allowed elsewhere. A rule the
	 * database holds (crm.is_code, crm.is_email, crm.is_date) is asked,
	 * never copied */
	case CRM_TEXT:
		if (col->flags & (CRM_KEY))
			value_check(cs, col, "NOT crm.is_code($v)",
				    "is not a code: no blanks around it, no line breaks or tabs");
		else if (!(col->flags & CRM_MULTILINE))
			value_check(cs, col, "$v ~ '[\\t\\r\\n]'",
				    "holds a line break or tab, which this column does not allow");
		break;
	case CRM_EMAIL: value_check(cs, col, "NOT crm.is_email($v)", "is not an e-mail address"); break;
	case CRM_INT: value_check(cs, col, "$v !~ '^-?\\d{1,9}$'", "is not a whole number"); break;
	case CRM_DECIMAL:
		value_check(cs, col, "CASE WHEN $v ~ '^\\d{1,12}(\\.\\d{1,6})?$' THEN $v::numeric = 0 ELSE true END",
			    "is not a positive number");
		break;
	case CRM_MONEY:
		value_check(cs, col, "$v !~ '^\\d{1,12}(\\.\\d{1,2})?$'",
			    "is not an amount (a decimal with up to 2 places, not negative)");
		break;
	case CRM_DATE: value_check(cs, col, "NOT crm.is_date($v)", "is not a date (YYYY-MM-DD)"); break;
	case CRM_TIME:
		value_check(cs, col, "NOT crm.is_time($v)", "is not a time (ISO 8601: YYYY-MM-DDThh:mm:ss)");
		break;
	case CRM_BOOL: value_check(cs, col, "$v NOT IN ('true', 'false')", "is not true or false"); break;
	case CRM_ENUM: {
		/* the set is the database's (sql/020): asked in the check, listed
		 * by the database in the message */
		struct check *c = add_check(cs, col->name);
		struct buf v = BUF_INIT;
		staged(&v, col);
		buf_addf(&c->cond, "%s IS NOT NULL AND NOT %s = ANY (%s())", v.data, v.data, col->set);
		buf_addf(&c->msg, "'''' || %s || ''' is not one of ' || array_to_string(%s(), ', ')", v.data, col->set);
		buf_release(&v);
		break;
	}
	case CRM_REF: {
		const struct crm_entity *target = crm_column_target(col);
		int self = target == imp->e;
		struct check *c;
		int a = ++cs->naliases;
		struct buf v = BUF_INIT;

		staged(&v, col);
		buf_addf(&cs->joins, " LEFT JOIN %s r%d ON r%d.%s = %s", target->table, a, a, target->key, v.data);
		if (self && !imp->opts.update)
			buf_addf(&cs->joins, " LEFT JOIN (SELECT DISTINCT %s AS k FROM stg) z%d ON z%d.k = %s",
				 imp->e->key, a, a, v.data);
		c = add_check(cs, col->name);
		buf_addf(&c->cond, "%s IS NOT NULL AND r%d.id IS NULL", v.data, a);
		if (self && !imp->opts.update)
			buf_addf(&c->cond, " AND z%d.k IS NULL", a);
		buf_addf(&c->msg, "'there is no %s ''' || %s || ''''", target->name, v.data);
		if (self) {
			c = add_check(cs, col->name);
			buf_addf(&c->cond, "%s = s.%s", v.data, imp->e->key);
			buf_adds(&c->msg, "'a row cannot refer to itself'");
		}
		buf_release(&v);
		break;
	}
	case CRM_PASSWORD: break;
	}
}

static void key_checks(struct checks *cs, const struct crm_import *imp)
{
	const struct crm_entity *e = imp->e;
	const struct crm_column *key = crm_entity_key(e);
	struct check *c;

	if (!key)
		return;
	buf_addf(&cs->joins, " LEFT JOIN %s k ON k.%s = s.%s", e->table, key->sql, key->name);
	c = add_check(cs, key->name);
	/* a hash aggregate finds duplicates faster than a window sorts for them */
	buf_addf(&cs->joins, " LEFT JOIN (SELECT %s AS k FROM stg GROUP BY 1 HAVING count(*) > 1) dup ON dup.k = s.%s",
		 key->name, key->name);
	buf_adds(&c->cond, "dup.k IS NOT NULL");
	buf_addf(&c->msg, "'''' || s.%s || ''' appears more than once'", key->name);
	c = add_check(cs, key->name);
	if (imp->opts.update) {
		buf_addf(&c->cond, "s.%s IS NOT NULL AND k.id IS NULL", key->name);
		buf_addf(&c->msg, "'there is no %s ''' || s.%s || ''' to change'", e->name, key->name);
	} else {
		buf_adds(&c->cond, "k.id IS NOT NULL");
		buf_addf(&c->msg, "'%s ''' || s.%s || ''' exists already'", e->name, key->name);
	}
}

static void build_checks(struct checks *cs, const struct crm_import *imp)
{
	const struct crm_entity *e = imp->e;

	for (size_t i = 0; i < imp->ncols; i++) {
		const struct crm_column *col = imp->cols[i];
		if (col->flags & CRM_REQUIRED) {
			struct check *c = add_check(cs, col->name);
			staged(&c->cond, col);
			buf_adds(&c->cond, " IS NULL");
			buf_adds(&c->msg, "'a value is required'");
		}
		type_checks(cs, imp, col);
	}
	key_checks(cs, imp);
	for (size_t i = 0; i < e->nchecks; i++) {
		const struct crm_check *ec = &e->checks[i];
		const struct crm_column *col = crm_entity_column(e, ec->column);
		int usable = 1;
		/* a rule about columns the input does not have cannot be judged
		 * here (update mode); the table's constraints still hold */
		for (size_t j = 0; j < e->ncolumns; j++) {
			struct buf ref = BUF_INIT;
			buf_addf(&ref, "s.%s", e->columns[j].name);
			if (strstr(ec->bad_when, ref.data) && !has_col(imp, &e->columns[j]))
				usable = 0;
			buf_release(&ref);
		}
		if (!usable)
			continue;
		struct check *c = add_check(cs, col ? col->name : ec->column);
		if (ec->joins)
			buf_adds(&cs->joins, ec->joins);
		buf_addf(&c->cond, "%s", ec->bad_when);
		buf_addf(&c->msg, "%s", ec->msg_sql);
	}
}

/* Columns the entity checks use but the input lacks are NULL in the staging
 * table's view of them: give the check query every column, as NULL if absent. */
static void staging_columns(struct buf *b, const struct crm_import *imp)
{
	buf_adds(b, "s0.line");
	for (size_t i = 0; i < imp->e->ncolumns; i++) {
		const struct crm_column *col = &imp->e->columns[i];
		buf_adds(b, ", ");
		if (has_col(imp, col))
			buf_addf(b, "s0.%s", col->name);
		else
			buf_addf(b, "NULL::text AS %s", col->name);
	}
}

static void add_bad_rows(struct crm_import *imp, struct crm_res *res)
{
	for (int r = 0; r < crm_res_rows(res); r++) {
		long line = strtol(crm_res_get(res, r, 0), NULL, 10);
		const char *col = crm_res_get(res, r, 1);
		const char *msg = crm_res_get(res, r, 2);
		ALLOC_GROW(imp->bad, imp->nbad + 1, imp->bad_alloc);
		imp->bad[imp->nbad].line = line;
		imp->bad[imp->nbad].column = col ? xstrdup(col) : NULL;
		imp->bad[imp->nbad].msg = xstrdup(msg ? msg : "a value is not valid");
		imp->nbad++;
	}
}

static int run_checks(struct crm_import *imp, struct err *err)
{
	struct checks cs = { 0 };
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL;
	int rc;

	buf_init(&cs.joins);
	build_checks(&cs, imp);
	if (!cs.nr)
		return 0;
	/* every check of a row in one pass; only the bad rows are then
	 * spread out into one message per failed check */
	buf_adds(&sql, "SELECT s.line, v.col, v.msg, count(*) OVER () FROM (SELECT * FROM (SELECT s.line");
	for (size_t i = 0; i < cs.nr; i++)
		buf_addf(&sql, ", coalesce((%s), false) AS c%zu", cs.v[i].cond.data, i);
	for (size_t i = 0; i < imp->e->ncolumns; i++)
		buf_addf(&sql, ", s.%s", imp->e->columns[i].name);
	buf_adds(&sql, " FROM (SELECT ");
	staging_columns(&sql, imp);
	buf_addf(&sql, " FROM stg s0) s%s) x WHERE false", cs.joins.data);
	for (size_t i = 0; i < cs.nr; i++)
		buf_addf(&sql, " OR c%zu", i);
	buf_adds(&sql, ") s CROSS JOIN LATERAL (VALUES ");
	for (size_t i = 0; i < cs.nr; i++) {
		buf_addf(&sql, "%s(%zu, ", i ? ", " : "", i);
		sql_string(&sql, cs.v[i].column);
		buf_addf(&sql, ", CASE WHEN s.c%zu THEN %s END)", i, cs.v[i].msg.data);
	}
	buf_addf(&sql, ") v(n, col, msg) WHERE v.msg IS NOT NULL ORDER BY s.line, v.n LIMIT %d", imp->opts.max_errors);
	rc = crm_db_query(&res, imp->db, sql.data, 0, NULL, err);
	if (!rc && crm_res_rows(res) > 0) {
		imp->bad_total += strtol(crm_res_get(res, 0, 3), NULL, 10);
		add_bad_rows(imp, res);
	}
	crm_res_free(res);
	buf_release(&sql);
	checks_release(&cs);
	return rc;
}

/* --------------------------------------------------------------- writing */

static const struct crm_column *self_ref(const struct crm_import *imp)
{
	for (size_t i = 0; i < imp->ncols; i++)
		if (imp->cols[i]->type == CRM_REF && crm_column_target(imp->cols[i]) == imp->e)
			return imp->cols[i];
	return NULL;
}

/* The SQL value of a staged column, cast to its type; references resolved
 * through the join aliased r<i>. */
static void value_expr(struct buf *b, const struct crm_import *imp, size_t i, int fresh_ids)
{
	const struct crm_column *col = imp->cols[i];
	struct buf v = BUF_INIT;

	staged(&v, col);
	if (col->dflt)
		buf_adds(b, "coalesce(");
	switch (col->type) {
	case CRM_TEXT:
	case CRM_EMAIL:
	case CRM_ENUM: buf_adds(b, v.data); break;
	case CRM_INT: buf_addf(b, "%s::integer", v.data); break;
	case CRM_DECIMAL:
	case CRM_MONEY: buf_addf(b, "%s::numeric", v.data); break;
	case CRM_DATE: buf_addf(b, "%s::date", v.data); break;
	case CRM_TIME: buf_addf(b, "%s::timestamptz", v.data); break;
	case CRM_BOOL: buf_addf(b, "%s::boolean", v.data); break;
	case CRM_PASSWORD: buf_addf(b, "crm.hash_password(%s)", v.data); break;
	case CRM_REF:
		if (fresh_ids && crm_column_target(col) == imp->e)
			buf_addf(b, "coalesce(r%zu.id, z%zu.new_id)", i, i);
		else
			buf_addf(b, "r%zu.id", i);
		break;
	}
	if (col->dflt)
		buf_addf(b, ", %s)", col->dflt);
	buf_release(&v);
}

static void ref_joins(struct buf *b, const struct crm_import *imp, int fresh_ids)
{
	for (size_t i = 0; i < imp->ncols; i++) {
		const struct crm_column *col = imp->cols[i];
		const struct crm_entity *t;
		if (col->type != CRM_REF)
			continue;
		t = crm_column_target(col);
		buf_addf(b, " LEFT JOIN %s r%zu ON r%zu.%s = s.%s", t->table, i, i, t->key, col->name);
		if (fresh_ids && t == imp->e)
			buf_addf(b, " LEFT JOIN stg z%zu ON z%zu.%s = s.%s", i, i, t->key, col->name);
	}
}

/* The checks above have proved every reference of the input. Foreign-key
 * triggers would prove each again, one row at a time, and that is most of
 * an import's time. A superuser may skip them (session_replication_role)
 * once the rows referred to are locked as those triggers would lock them,
 * so that nobody can delete them before we commit. Tables with triggers of
 * their own that fire on INSERT (history logs) keep the ordinary path, and
 * so does every user that row-level security limits. (Triggers on UPDATE
 * alone, such as the customer's owner history, do not matter to an insert.)
 * Sets *skipping when it did. */
static int skip_fk_triggers(struct crm_import *imp, int *skipping, struct err *err)
{
	struct buf sql = BUF_INIT;
	char *ok = NULL;
	int rc;

	*skipping = 0;
	buf_addf(&sql,
		 "SELECT r.rolsuper AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = '%s'::regclass"
		 " AND NOT t.tgisinternal AND t.tgtype & 4 <> 0) FROM pg_roles r WHERE r.rolname = current_user",
		 imp->e->table);
	rc = crm_db_value(&ok, imp->db, sql.data, 0, NULL, err);
	if (rc || !ok || strcmp(ok, "t"))
		goto done;
	for (size_t i = 0; !rc && i < imp->ncols; i++) {
		const struct crm_column *col = imp->cols[i];
		const struct crm_entity *t;
		if (col->type != CRM_REF || (t = crm_column_target(col)) == imp->e)
			continue;
		buf_reset(&sql);
		buf_addf(&sql, "SELECT 1 FROM %s r WHERE r.%s IN (SELECT s.%s FROM stg s) FOR KEY SHARE", t->table,
			 t->key, col->name);
		rc = crm_db_exec(imp->db, sql.data, err);
	}
	if (!rc)
		rc = crm_db_exec(imp->db, "SET LOCAL session_replication_role = replica", err);
	*skipping = !rc;
done:
	free(ok);
	buf_release(&sql);
	return rc;
}

static int write_rows(struct crm_import *imp, long *written, struct err *err)
{
	const struct crm_entity *e = imp->e;
	const struct crm_column *self = imp->opts.update ? NULL : self_ref(imp);
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL;
	int rc = 0, first = 1, skipping = 0;

	if (self) {
		/* rows may refer to rows later in the file: give every row its id first */
		buf_addf(&sql,
			 "ALTER TABLE stg ADD COLUMN new_id bigint;"
			 " UPDATE stg SET new_id = nextval(pg_get_serial_sequence('%s', 'id'))",
			 e->table);
		rc = crm_db_exec(imp->db, sql.data, err);
		buf_reset(&sql);
	}
	if (!rc && !imp->opts.update)
		rc = skip_fk_triggers(imp, &skipping, err);
	if (!imp->opts.update) {
		buf_addf(&sql, "INSERT INTO %s (%s", e->table, self ? "id" : "");
		first = !self;
		for (size_t i = 0; i < imp->ncols; i++) {
			if (imp->cols[i]->flags & CRM_VIRTUAL)
				continue;
			buf_addf(&sql, "%s%s", first ? "" : ", ", imp->cols[i]->sql);
			first = 0;
		}
		buf_addf(&sql, ") SELECT %s", self ? "s.new_id" : "");
		first = !self;
		for (size_t i = 0; i < imp->ncols; i++) {
			if (imp->cols[i]->flags & CRM_VIRTUAL)
				continue;
			buf_adds(&sql, first ? "" : ", ");
			value_expr(&sql, imp, i, self != NULL);
			first = 0;
		}
		buf_adds(&sql, " FROM stg s");
		ref_joins(&sql, imp, self != NULL);
		buf_adds(&sql, " ORDER BY s.line");
	} else {
		const struct crm_column *key = crm_entity_key(e);
		buf_addf(&sql, "UPDATE %s t SET ", e->table);
		for (size_t i = 0; i < imp->ncols; i++) {
			if (imp->cols[i] == key || (imp->cols[i]->flags & CRM_VIRTUAL))
				continue;
			buf_addf(&sql, "%s%s = ", first ? "" : ", ", imp->cols[i]->sql);
			value_expr(&sql, imp, i, 0);
			first = 0;
		}
		if (first) /* only the key was given: nothing to change */
			buf_addf(&sql, "%s = t.%s", key->sql, key->sql);
		buf_adds(&sql, " FROM stg s");
		ref_joins(&sql, imp, 0);
		buf_addf(&sql, " WHERE t.%s = s.%s", key->sql, key->name);
	}
	if (!rc)
		rc = crm_db_query(&res, imp->db, sql.data, 0, NULL, err);
	if (!rc)
		*written = crm_res_affected(res);
	else
		err_detail(err, "the rows passed every check of crmgate's but the database refused them");
	if (!rc && skipping)
		rc = crm_db_exec(imp->db, "SET LOCAL session_replication_role = origin", err);
	crm_res_free(res);
	buf_release(&sql);
	return rc;
}

/* A reporting line (or category tree) that leads back to where it started.
 * crm.cycle_nodes (sql/013_store_rules.sql) finds the rows on a cycle in time
 * linear in the links it is given, each row visited once, however long the
 * chains. The links go into a numbered table, stg_walk (i, k: a row's key,
 * p: the key it links to, line), analysed so that the query that hands them
 * over is planned on their true number.
 *
 * New rows cannot be referred to by rows already in the table, so in an
 * insert a cycle lies within the input: the links are those of the staging
 * table, before anything is written (a row naming itself is reported as such
 * already). In an update rows already in the table take part: after the
 * changed rows are written (the transaction is still open), the rows they
 * lead up to are collected, each once (UNION), one index lookup a step
 * (LATERAL ... LIMIT 1, whatever plan a join would get), and only the changed
 * rows on a cycle are reported, by the lines that changed them. (Duplicate
 * keys are reported already and would make the links ambiguous.) */
static int check_cycles(struct crm_import *imp, struct err *err)
{
	const struct crm_column *self = self_ref(imp);
	const struct crm_entity *e = imp->e;
	const char *key = e->key;
	struct buf sql = BUF_INIT;
	struct crm_res *res = NULL;
	char *unique = NULL;
	int rc = 0;

	if (!self)
		return 0;
	if (!imp->opts.update) {
		buf_addf(&sql, "SELECT count(%s) = count(DISTINCT %s) FROM stg", key, key);
		rc = crm_db_value(&unique, imp->db, sql.data, 0, NULL, err);
		if (rc || strcmp(unique, "t"))
			goto done;
		buf_reset(&sql);
		buf_addf(
			&sql,
			"CREATE TEMP TABLE stg_walk ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY s.line)::integer"
			" AS i, s.%s AS k, CASE WHEN s.%s <> s.%s THEN s.%s END AS p, s.line FROM stg s",
			key, self->name, key, self->name);
	} else {
		buf_addf(
			&sql,
			"CREATE TEMP TABLE stg_walk ON COMMIT DROP AS WITH RECURSIVE up(k, p) AS ("
			" SELECT t.id, t.%s FROM %s t JOIN stg s ON s.%s = t.%s"
			" UNION"
			" SELECT u.id, u.p FROM up, LATERAL (SELECT t.id, t.%s AS p FROM %s t WHERE t.id = up.p LIMIT 1) u)"
			" SELECT row_number() OVER (ORDER BY up.k)::integer AS i, up.k, up.p, NULL::integer AS line FROM up",
			self->sql, e->table, key, key, self->sql, e->table);
	}
	/* a recursive query's size is guessed at ten times its start, and on
	 * that guess JIT compiles the walk for longer than it runs */
	rc = crm_db_exec(imp->db, "SET LOCAL jit = off", err);
	if (!rc)
		rc = crm_db_exec(imp->db, sql.data, err);
	if (!rc)
		rc = crm_db_exec(imp->db, "ANALYZE stg_walk", err);
	buf_reset(&sql);
	buf_adds(&sql, "SELECT ");
	buf_adds(&sql, imp->opts.update ? "s.line" : "w.line");
	buf_adds(&sql, ", count(*) OVER ()");
	buf_adds(&sql, " FROM crm.cycle_nodes(ARRAY(SELECT q.i FROM stg_walk w LEFT JOIN stg_walk q ON q.k = w.p"
		       " ORDER BY w.i)) c(i) JOIN stg_walk w ON w.i = c.i");
	if (imp->opts.update)
		buf_addf(&sql, " JOIN %s t ON t.id = w.k JOIN stg s ON s.%s = t.%s", e->table, key, key);
	buf_addf(&sql, " ORDER BY 1 LIMIT %d", imp->opts.max_errors);
	if (!rc)
		rc = crm_db_query(&res, imp->db, sql.data, 0, NULL, err);
	if (!rc)
		rc = crm_db_exec(imp->db, "SET LOCAL jit TO DEFAULT", err);
	for (int r = 0; !rc && r < crm_res_rows(res); r++)
		note_bad(imp, strtol(crm_res_get(res, r, 0), NULL, 10), self->name,
			 "the chain of references leads back to this row (a cycle)");
	/* the rows past the first max_errors are counted, not named */
	if (!rc && crm_res_rows(res) > 0)
		imp->bad_total += strtol(crm_res_get(res, 0, 1), NULL, 10) - crm_res_rows(res);
done:
	crm_res_free(res);
	free(unique);
	buf_release(&sql);
	return rc;
}

static int cmp_bad(const void *a, const void *b)
{
	const struct bad_row *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

static int report_bad(struct crm_import *imp, struct err *err)
{
	struct buf line = BUF_INIT;
	size_t shown = imp->nbad < (size_t)imp->opts.max_errors ? imp->nbad : (size_t)imp->opts.max_errors;

	qsort(imp->bad, imp->nbad, sizeof(*imp->bad), cmp_bad);
	err_set(err, ERR_INPUT, "%s: %ld problem%s: nothing was imported", imp->opts.source, imp->bad_total,
		imp->bad_total == 1 ? "" : "s");
	for (size_t i = 0; i < shown; i++) {
		buf_reset(&line);
		where_prefix(&line, imp, imp->bad[i].line);
		if (imp->bad[i].column)
			buf_addf(&line, "column '%s': ", imp->bad[i].column);
		/* a message may quote the value, and the value anything the file held */
		utf8_add_visible(&line, imp->bad[i].msg, strlen(imp->bad[i].msg), 0);
		err_detail(err, "%s", line.data);
	}
	if (imp->bad_total > (long)shown)
		err_detail(err, "... and %ld more", imp->bad_total - (long)shown);
	buf_release(&line);
	return err->code;
}

int crm_import_finish(struct crm_import *imp, long *rows, struct err *err)
{
	long written = 0;
	int rc = 0;

	if (rows)
		*rows = 0;
	if (imp->copy.len)
		rc = crm_db_copy_in_put(imp->db, imp->copy.data, imp->copy.len, err);
	buf_reset(&imp->copy);
	if (imp->copying) {
		imp->copying = 0;
		if (rc)
			crm_db_copy_in_end(imp->db, err);
		else
			rc = crm_db_copy_in_end(imp->db, err);
	}
	phase_done(imp, "rows read and copied to the staging table");
	if (!rc && imp->e->pre_import_sql)
		rc = crm_db_exec(imp->db, imp->e->pre_import_sql, err);
	if (!rc)
		rc = run_checks(imp, err);
	if (!rc && !imp->opts.update)
		rc = check_cycles(imp, err);
	phase_done(imp, "rows checked");
	if (!rc && !imp->bad_total)
		rc = write_rows(imp, &written, err);
	phase_done(imp, "rows written");
	/* a row that every check passed but that UPDATE did not reach is one
	 * row-level security hides from this user for writing */
	if (!rc && !imp->bad_total && imp->opts.update && written < imp->rows)
		rc = err_set(err, ERR_DENIED, "%s: %ld of %ld rows may not be changed by this user", imp->opts.source,
			     imp->rows - written, imp->rows);
	if (!rc && !imp->bad_total && imp->opts.update) {
		rc = check_cycles(imp, err);
		phase_done(imp, "changed rows checked for cycles");
	}
	if (!rc && imp->bad_total)
		rc = report_bad(imp, err);
	if (!rc)
		rc = crm_db_commit(imp->db, err);
	phase_done(imp, "committed");
	if (rc) {
		crm_db_rollback(imp->db);
	} else if (rows) {
		*rows = written;
	}
	imp->in_tx = 0;
	return rc;
}

void crm_import_free(struct crm_import *imp)
{
	if (!imp)
		return;
	if (imp->copying) {
		struct err ignored = ERR_INIT;
		crm_db_copy_in_end(imp->db, &ignored);
		err_release(&ignored);
	}
	if (imp->in_tx)
		crm_db_rollback(imp->db);
	for (size_t i = 0; i < imp->nbad; i++) {
		free(imp->bad[i].column);
		free(imp->bad[i].msg);
	}
	free(imp->bad);
	free(imp->cols);
	buf_release(&imp->copy);
	free(imp);
}

int crm_import_csv(long *rows, struct crm_db *db, const struct crm_entity *e, FILE *in,
		   const struct crm_import_opts *opts, struct err *err)
{
	struct csv_reader r;
	struct crm_import *imp = NULL;
	const char **values = NULL;
	size_t values_alloc = 0;
	int rc, got;

	csv_reader_init(&r, in);
	got = csv_read(&r);
	if (got == -2 || got == 0) {
		rc = err_set(err, ERR_INPUT, "%s: %s", opts->source,
			     got ? "the header row is longer than any CSV header: is this a CSV file?"
				 : "is empty: a header row is needed");
		goto done;
	} else if (got < 0) {
		rc = err_set(err, ERR_FAIL, "%s: could not be read", opts->source);
		goto done;
	}
	if (r.problem[0]) {
		rc = err_set(err, ERR_INPUT, "%s:1: header: %s", opts->source, r.problem);
		goto done;
	}
	ALLOC_GROW(values, r.nfields, values_alloc);
	for (size_t i = 0; i < r.nfields; i++)
		values[i] = xstrdup(r.fields[i].data);
	rc = crm_import_begin(&imp, db, e, values, r.nfields, opts, err);
	for (size_t i = 0; i < r.nfields; i++)
		free((char *)values[i]);
	while (!rc && (got = csv_read(&r)) > 0) {
		ALLOC_GROW(values, r.nfields, values_alloc);
		for (size_t i = 0; i < r.nfields; i++)
			values[i] = r.fields[i].data;
		rc = crm_import_row(imp, r.record_line, values, r.nfields, r.problem[0] ? r.problem : NULL,
				    r.problem_field, err);
	}
	if (!rc && got == -2)
		rc = err_set(err, ERR_INPUT, "%s:%ld: %s", opts->source, r.record_line, r.problem);
	else if (!rc && got < 0)
		rc = err_set(err, ERR_FAIL, "%s: could not be read", opts->source);
	if (!rc)
		rc = crm_import_finish(imp, rows, err);
done:
	crm_import_free(imp);
	free(values);
	csv_reader_release(&r);
	return rc;
}
