/* crm/entity.h - every CRM entity described once.
 *
 * One table of descriptions drives the CSV import and export (the column
 * contract of SPEC section 2), the generic list/show/add/edit/delete commands
 * and the whitelist of fields that filters may name (SPEC section 3). Nothing
 * else in crmgate spells out an entity's columns. */
#ifndef CRM_ENTITY_H
#define CRM_ENTITY_H

#include <stddef.h>

enum crm_type {
	CRM_TEXT,     /* one line of text (CRM_MULTILINE allows line breaks) */
	CRM_EMAIL,    /* an e-mail address that can go into a mail header */
	CRM_INT,      /* integer */
	CRM_DECIMAL,  /* numeric, up to 4 decimal places (quantities) */
	CRM_MONEY,    /* numeric(14,2): a decimal with up to 2 places */
	CRM_DATE,     /* date, YYYY-MM-DD */
	CRM_TIME,     /* timestamptz, ISO 8601 */
	CRM_BOOL,     /* boolean, true/false */
	CRM_ENUM,     /* text from a set of values the database lists (sql/020) */
	CRM_REF,      /* another entity's row, named in CSV by its key (code) */
	CRM_PASSWORD, /* imported in clear, stored salted and hashed, never exported */
};

enum crm_column_flags {
	CRM_REQUIRED = 1 << 0,	/* import refuses an empty value */
	CRM_KEY = 1 << 1,	/* the natural key: unique, names the row in CSV and CLI */
	CRM_ANNUAL = 1 << 2,	/* a date that recurs every year (birthday): 'within N days' compares month and day */
	CRM_NOFILTER = 1 << 3,	/* filters may not name it */
	CRM_VIRTUAL = 1 << 4,	/* not a column of the table: expr computes it, import handles it by a hook */
	CRM_MULTILINE = 1 << 5, /* text that may hold line breaks (addresses, descriptions) */
};

struct crm_column {
	const char *name; /* import/export name, also the filter field: "owner_code" */
	const char *sql;  /* the column in the table: "owner_id" */
	enum crm_type type;
	unsigned flags;
	const char *ref; /* CRM_REF: the entity referred to, by its key */
	/* CRM_ENUM: the database function that lists the allowed values
	 * ("crm.genders", sql/020); crm_value_set (crm/rules.h) reads it */
	const char *set;
	const char *expr; /* CRM_VIRTUAL: SQL over the row alias "t" */
	const char *dflt; /* SQL for the value an empty field takes, or NULL for NULL */
};

/* A rule no column type can state alone (a composite reference, say). bad_when
 * and message are SQL over the staging alias "s", whose columns are the import
 * names, as text; message is an SQL text expression. joins (or NULL) are LEFT
 * JOINs the rule reads, with aliases of its own: a rule that looks at other
 * rows of the input joins them, once for all rows, where a subquery per row
 * over the staging table (which has no index) would cost the square of the
 * rows. */
struct crm_check {
	const char *column;
	const char *bad_when;
	const char *msg_sql;
	const char *joins;
};

/* A related row named as if it were one of the entity's own references,
 * reached through two of them: a contact's "owner" is its customer's
 * salesperson. Templates (crm/record.c) and filters (crm/filter.c) both
 * take it, with the fields of the row it reaches ("owner.mobile"). */
struct crm_via {
	const char *name;  /* "owner" */
	const char *first; /* a reference column of the entity: "customer_code" */
	const char *then;  /* a reference column of the row that reaches: "owner_code" */
};

struct crm_entity {
	const char *name;  /* as on the command line: "customer", "lead-contact" */
	const char *table; /* schema-qualified: "crm.customer" */
	const char *title; /* "customers 客户" */
	const struct crm_column *columns;
	size_t ncolumns;
	const char *key;   /* name of the CRM_KEY column, NULL when rows have none */
	const char *label; /* column shown as the row's name: "name" */
	const char *order; /* SQL ORDER BY over alias "t", for export and list */
	const struct crm_check *checks;
	size_t nchecks;
	/* Run after validation, before the rows are written, over the staging
	 * table "stg" (sales-stage creates its sales modes here); or NULL. */
	const char *pre_import_sql;
	const struct crm_via *vias;
	size_t nvias;
	/* The self-reference that makes the rows a classification tree (regions,
	 * categories, departments), or NULL: a filter on a reference to such a
	 * row matches the row and the rows below it. */
	const char *parent;
	/* The columns of the table that are outside the CSV contract (nothing
	 * imports, exports or filters them), but that crmgate fills: a
	 * customer's credit terms, an activity's review. With the columns above
	 * they describe every column the generator writes (gen/stream.c). */
	const struct crm_column *internal;
	size_t ninternal;
};

extern const struct crm_entity *const crm_entities[];
extern const size_t crm_nentities;
/* Tables that are not entities but whose rows crmgate writes whole (the
 * histories the triggers keep), described as entities are; no command
 * names them. */
extern const struct crm_entity *const crm_histories[];
extern const size_t crm_nhistories;

/* The entity named name ("customer"), or NULL. */
const struct crm_entity *crm_entity_find(const char *name);
/* The entity or history stored in table ("crm.customer"), or NULL. */
const struct crm_entity *crm_table_find(const char *table);
/* The column of e whose import name is name, or NULL. */
const struct crm_column *crm_entity_column(const struct crm_entity *e, const char *name);
/* The key column of e, or NULL. */
const struct crm_column *crm_entity_key(const struct crm_entity *e);
/* The via of e named name, or NULL; and the two reference columns it goes
 * through (the second a column of the first's target). */
const struct crm_via *crm_entity_via(const struct crm_entity *e, const char *name);
void crm_via_columns(const struct crm_entity *e, const struct crm_via *v, const struct crm_column **first,
		     const struct crm_column **then);
/* The column that makes e a tree (e->parent), or NULL. */
const struct crm_column *crm_entity_parent(const struct crm_entity *e);
/* For a reference column, the entity it points at (never NULL for CRM_REF). */
const struct crm_entity *crm_column_target(const struct crm_column *col);
/* A comma-separated list of e's column names, for messages; the caller frees it. */
char *crm_entity_column_list(const struct crm_entity *e);

#endif
