/* crm/filter.c - the target filter language (SPEC section 3): a small lexer and
 * a recursive-descent parser that writes parameterised SQL as it parses.
 *
 *   filter    := [ or ]
 *   or        := and { "or" and }
 *   and       := not { "and" not }
 *   not       := "not" not | "(" or ")" | condition
 *   condition := field ( op value | ["not"] "in" "(" value { "," value } ")"
 *                | ["not"] ("like" | "ilike") string | "is" ["not"] "null"
 *                | "within" integer ("days" | "day") | <nothing, for a boolean field> )
 *   field     := name { "." name }
 *   value     := string | number | "true" | "false" | "today"
 *
 * Keywords are case-insensitive, field names are not. Every SQL fragment made
 * here comes either from a fixed string in this file or from the entity
 * descriptions of crm/entity.c; what the user typed reaches SQL only as a
 * parameter. */
#include "crm/filter.h"

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/date.h"
#include "common/utf8.h"
#include "common/xalloc.h"
#include "crm/entity.h"
#include "crm/rules.h"
#include "common/banned.h"

/* Parentheses and "not"s nested deeper than this are refused (the parser recurses). */
#define MAX_DEPTH 64
/* Related fields make joins; a filter that needs more is not a sensible one. */
#define MAX_JOINS 32
/* PostgreSQL takes at most 65535 parameters in a statement. */
#define MAX_PARAMS 65535
/* "within N days": a century is plenty, and keeps date arithmetic in range. */
#define MAX_DAYS 36600

/* --------------------------------------------------------------- queries */

void crm_query_init(struct crm_query *q)
{
	buf_init(&q->joins);
	buf_init(&q->where);
	buf_init(&q->order);
	q->params = NULL;
	q->nparams = 0;
	q->params_alloc = 0;
	q->naliases = 0;
}

void crm_query_release(struct crm_query *q)
{
	for (size_t i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	buf_release(&q->joins);
	buf_release(&q->where);
	buf_release(&q->order);
	crm_query_init(q);
}

int crm_query_param(struct crm_query *q, const char *value)
{
	ALLOC_GROW(q->params, q->nparams + 1, q->params_alloc);
	q->params[q->nparams++] = value ? xstrdup(value) : NULL;
	return (int)q->nparams;
}

const char *const *crm_query_params(const struct crm_query *q)
{
	return (const char *const *)q->params;
}

/* Does a terminal give this character two cells (CJK, full-width forms)? */
static int is_wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) || (c >= 0x3041 && c <= 0x33ff) ||
	       (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) ||
	       (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
}

/* The 1-based character column of byte offset off. */
static int column_of(const char *src, size_t off)
{
	int col = 1;
	for (size_t i = 0; i < off; i++)
		if (((unsigned char)src[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* ---------------------------------------------------------------- parser */

enum tok {
	T_END,
	T_IDENT,
	T_STRING,
	T_NUMBER,
	T_LPAREN,
	T_RPAREN,
	T_COMMA,
	T_DOT,
	T_OP,
};

struct token {
	enum tok kind;
	size_t off;	 /* where it starts in the source, in bytes */
	size_t len;	 /* its length in the source, in bytes */
	struct buf text; /* a string's value ('' undone); otherwise the source text */
};

struct parser {
	const char *src;
	size_t pos; /* where the next token starts looking */
	struct token tok;
	struct crm_query *q;
	struct crm_db *db; /* asked for the values of an enumeration */
	const struct crm_entity *e;
	const char *today;
	int today_param; /* 0 until a condition needs today */
	int depth;
	struct err *err;
};

/* What the filter compares: a column of the row or of a related row. */
struct field {
	struct buf sql;		      /* the SQL expression over t, f1, f2, ... (tree: over tr) */
	struct buf name;	      /* as written: "customer.region" */
	const struct crm_column *col; /* the column compared: its type, flags and values */
	size_t off;		      /* where it starts in the source */
	/* A row of a tree named through a reference ("region", "category_code"):
	 * the tree's entity, and the reference's SQL ("f1.region_id"). The
	 * condition is asked of the tree's rows (alias tr) and holds for a row
	 * that refers to one of them or to a row below one (tree_condition). */
	const struct crm_entity *tree;
	struct buf tree_from;
};

static void add_caret(struct err *err, const char *src, size_t off)
{
	struct buf line = BUF_INIT, caret = BUF_INIT;
	size_t i = 0, len = strlen(src);

	while (i < len) {
		uint32_t c;
		size_t n = utf8_decode(src + i, len - i, &c);
		int width = 1;
		if (!n) {
			buf_addch(&line, '?');
			n = 1;
		} else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
			buf_addch(&line, ' '); /* keep it one line, and the terminal sane */
		} else {
			buf_add(&line, src + i, n);
			width = is_wide(c) ? 2 : 1;
		}
		if (i < off)
			buf_adds(&caret, width == 2 ? "  " : " ");
		i += n;
	}
	buf_addch(&caret, '^');
	err_detail(err, "%s", line.data);
	err_detail(err, "%s", caret.data);
	buf_release(&line);
	buf_release(&caret);
}

/* Fail with ERR_INPUT at byte offset off: "filter: column N: <fmt>", the
 * filter and a caret as detail, and hint (or NULL). */
__attribute__((format(printf, 4, 5))) static int fail(struct parser *p, size_t off, const char *hint, const char *fmt,
						      ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	if (p->err->code)
		return p->err->code;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < msg.len; i++) /* a value quoted in it may hold a line break */
		if ((unsigned char)msg.data[i] < 0x20 || msg.data[i] == 0x7f)
			msg.data[i] = ' ';
	err_set(p->err, ERR_INPUT, "filter: column %d: %s", column_of(p->src, off), msg.data);
	add_caret(p->err, p->src, off);
	if (hint)
		err_hint(p->err, "%s", hint);
	buf_release(&msg);
	return ERR_INPUT;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int fail_char(struct parser *p, size_t off)
{
	uint32_t c;
	size_t n = utf8_decode(p->src + off, strlen(p->src + off), &c);

	if (!n)
		return fail(p, off, NULL, "invalid UTF-8");
	if (c < 0x20 || c == 0x7f)
		return fail(p, off, NULL, "unexpected control character");
	if (c == '"')
		return fail(p, off, "quote values with single quotes: name = 'x'", "unexpected character '\"'");
	if (c >= 0x80)
		return fail(p, off, "outside quotes a filter uses half-width characters: ' ( ) , = < >",
			    "unexpected character '%.*s'", (int)n, p->src + off);
	return fail(p, off, NULL, "unexpected character '%c'", (char)c);
}

/* Read the next token into p->tok. */
static int next(struct parser *p)
{
	const char *s = p->src;
	size_t i = p->pos, j;
	struct token *t = &p->tok;

	while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
		i++;
	buf_reset(&t->text);
	t->off = i;
	j = i + 1;
	if (!s[i]) {
		t->kind = T_END;
		j = i;
	} else if (is_alpha(s[i])) {
		t->kind = T_IDENT;
		while (is_alpha(s[j]) || is_digit(s[j]))
			j++;
	} else if (is_digit(s[i]) || (s[i] == '-' && is_digit(s[i + 1]))) {
		t->kind = T_NUMBER;
		while (is_digit(s[j]))
			j++;
		if (s[j] == '.' && is_digit(s[j + 1])) {
			j += 2;
			while (is_digit(s[j]))
				j++;
		}
	} else if (s[i] == '\'') {
		t->kind = T_STRING;
		for (;;) {
			if (!s[j])
				return fail(p, i, NULL, "unterminated string: the closing ' is missing");
			if (s[j] == '\'') {
				if (s[j + 1] != '\'')
					break;
				j++; /* '' is a quote */
			}
			buf_addch(&t->text, s[j]);
			j++;
		}
		j++;
	} else if (s[i] == '(') {
		t->kind = T_LPAREN;
	} else if (s[i] == ')') {
		t->kind = T_RPAREN;
	} else if (s[i] == ',') {
		t->kind = T_COMMA;
	} else if (s[i] == '.') {
		t->kind = T_DOT;
	} else if (s[i] == '=') {
		t->kind = T_OP;
	} else if (s[i] == '!' && s[i + 1] == '=') {
		t->kind = T_OP;
		j++;
	} else if (s[i] == '<') {
		t->kind = T_OP;
		if (s[j] == '=' || s[j] == '>')
			j++;
	} else if (s[i] == '>') {
		t->kind = T_OP;
		if (s[j] == '=')
			j++;
	} else {
		return fail_char(p, i);
	}
	if (t->kind != T_STRING)
		buf_add(&t->text, s + i, j - i);
	t->len = j - i;
	p->pos = j;
	return 0;
}

static int is_kw(const struct parser *p, const char *kw)
{
	return p->tok.kind == T_IDENT && !strcasecmp(p->tok.text.data, kw);
}

static int is_reserved(const struct parser *p)
{
	static const char *const words[] = {
		"and", "or", "not", "in", "like", "ilike", "is", "null", "within", "true", "false", "today",
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (is_kw(p, words[i]))
			return 1;
	return 0;
}

/* The current token for a message: "'foo'", "'a string'", "the end of the filter". */
static const char *tok_desc(struct parser *p, struct buf *out)
{
	buf_reset(out);
	if (p->tok.kind == T_END)
		buf_adds(out, "the end of the filter");
	else if (p->tok.kind == T_STRING) /* quoted already */
		buf_add(out, p->src + p->tok.off, p->tok.len);
	else
		buf_addf(out, "'%.*s'", (int)p->tok.len, p->src + p->tok.off);
	return out->data;
}

/* ---------------------------------------------------------------- fields */

static const char *type_noun(enum crm_type type)
{
	switch (type) {
	case CRM_TEXT:
	case CRM_ENUM:
	case CRM_REF: return "text";
	case CRM_EMAIL: return "an e-mail address";
	case CRM_INT: return "an integer";
	case CRM_DECIMAL: return "a number";
	case CRM_MONEY: return "an amount";
	case CRM_DATE: return "a date";
	case CRM_TIME: return "a time";
	case CRM_BOOL: return "true or false";
	case CRM_PASSWORD: return "a password";
	}
	return "a value";
}

static int filterable(const struct crm_column *col)
{
	return !(col->flags & CRM_NOFILTER) && col->type != CRM_PASSWORD;
}

/* The reference column "<prefix>_code" of e, or NULL. */
static const struct crm_column *ref_by_prefix(const struct crm_entity *e, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *c = &e->columns[i];
		if (c->type == CRM_REF && filterable(c) && !strncmp(c->name, prefix, n) &&
		    !strcmp(c->name + n, "_code"))
			return c;
	}
	return NULL;
}

/* The reference column "<prefix>_code" of e whose rows have a label (a
 * name) that "<prefix>" alone stands for, or NULL. */
static const struct crm_column *labelled_ref(const struct crm_entity *e, const char *prefix)
{
	const struct crm_column *ref = ref_by_prefix(e, prefix);
	return ref && crm_column_target(ref)->label ? ref : NULL;
}

/* The optimal string alignment distance of a and b (edits, with swaps of
 * neighbours as one), or a large number for long names. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAXLEN = 48 };
	size_t d[MAXLEN + 1][MAXLEN + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > MAXLEN || lb > MAXLEN)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* Offer the first n bytes of name as a candidate for what the user meant by typed. */
static void consider(struct buf *best, size_t *best_d, const char *typed, const char *name, size_t n)
{
	char *cand = xstrndup(name, n);
	size_t d = edit_distance(typed, cand);
	if (d < *best_d) {
		buf_reset(best);
		buf_adds(best, cand);
		*best_d = d;
	}
	free(cand);
}

static int fail_unknown(struct parser *p, size_t off, const struct crm_entity *e, const char *name)
{
	struct buf hint = BUF_INIT, best = BUF_INIT;
	size_t best_d = SIZE_MAX, len = strlen(name);
	int rc;

	for (size_t i = 0; i < e->ncolumns; i++) {
		const struct crm_column *c = &e->columns[i];
		size_t n = strlen(c->name);
		if (!filterable(c))
			continue;
		consider(&best, &best_d, name, c->name, n);
		if (c->type == CRM_REF && n > 5 && !strcmp(c->name + n - 5, "_code"))
			consider(&best, &best_d, name, c->name, n - 5); /* "customer" for "customer_code" */
	}
	for (size_t i = 0; i < e->nvias; i++)
		consider(&best, &best_d, name, e->vias[i].name, strlen(e->vias[i].name));
	if (best.len && best_d <= (len < 5 ? 1 : 2)) {
		buf_addf(&hint, "did you mean '%s'?", best.data);
	} else {
		size_t n = 0;
		buf_addf(&hint, "the fields of %s are", e->name);
		for (size_t i = 0; i < e->ncolumns; i++)
			if (filterable(&e->columns[i]))
				buf_addf(&hint, "%s %s", n++ ? "," : "", e->columns[i].name);
		for (size_t i = 0; i < e->nvias; i++)
			buf_addf(&hint, ", %s", e->vias[i].name);
	}
	rc = fail(p, off, hint.data, "unknown field '%s' for %s", name, e->name);
	buf_release(&hint);
	buf_release(&best);
	return rc;
}

/* The alias of the row that ref, a column of the row aliased from, points at:
 * the LEFT JOIN made for the same path before, or a new one. Each join's text
 * names its path (the alias it starts from and the column), so q->joins alone
 * remembers which paths have one. */
static int join(struct parser *p, size_t off, struct buf *alias, const struct crm_column *ref)
{
	const struct crm_entity *target = crm_column_target(ref);
	struct crm_query *q = p->q;
	struct buf want = BUF_INIT;
	int k;

	for (k = 1; k <= q->naliases; k++) {
		const char *hit;
		buf_reset(&want);
		buf_addf(&want, " LEFT JOIN %s f%d ON f%d.id = %s.%s", target->table, k, k, alias->data, ref->sql);
		hit = strstr(q->joins.data, want.data);
		if (hit && (hit[want.len] == ' ' || !hit[want.len]))
			break;
	}
	if (k > q->naliases) {
		if (q->naliases >= MAX_JOINS) {
			buf_release(&want);
			return fail(p, off, NULL, "too many related fields (at most %d)", MAX_JOINS);
		}
		k = ++q->naliases;
		buf_addf(&q->joins, " LEFT JOIN %s f%d ON f%d.id = %s.%s", target->table, k, k, alias->data, ref->sql);
	}
	buf_reset(alias);
	buf_addf(alias, "f%d", k);
	buf_release(&want);
	return 0;
}

/* Column col of the row aliased alias, as SQL. A virtual column's expression
 * is written over "t": move it to alias (outside quoted text). */
static void column_sql(struct buf *out, const char *alias, const struct crm_column *col)
{
	const char *s = col->expr;
	char quote = 0;

	if (!(col->flags & CRM_VIRTUAL)) {
		buf_addf(out, "%s.%s", alias, col->sql);
		return;
	}
	for (size_t i = 0; s[i]; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '\'' || s[i] == '"') {
			quote = s[i];
		} else if (s[i] == 't' && s[i + 1] == '.' &&
			   (!i || !(is_alpha(s[i - 1]) || is_digit(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '$'))) {
			buf_addf(out, "%s.", alias);
			i++;
			continue;
		}
		buf_addch(out, s[i]);
	}
}

/* Join the row a via of e (a contact's "owner") reaches from the row
 * aliased alias: its two references, one after the other. */
static int join_via(struct parser *p, size_t off, struct buf *alias, const struct crm_entity *e,
		    const struct crm_via *via, const struct crm_entity **target)
{
	const struct crm_column *first, *then;
	int rc;

	crm_via_columns(e, via, &first, &then);
	if (!(rc = join(p, off, alias, first)))
		rc = join(p, off, alias, then);
	*target = crm_column_target(then);
	return rc;
}

/* Field f names the row ref (a column of the row aliased alias) refers to
 * by its column col: as a condition on a tree, when that row's entity is one. */
static void tree_field(struct field *f, const struct buf *alias, const struct crm_column *ref,
		       const struct crm_column *col)
{
	f->tree = crm_column_target(ref);
	buf_addf(&f->tree_from, "%s.%s", alias->data, ref->sql);
	column_sql(&f->sql, "tr", col);
	f->col = col;
}

/* Read a field name ("birthday", "customer.owner.name") into f: its SQL, with
 * a LEFT JOIN for each related row on the way, and the column it ends at.
 * A reference's code or name that ends the field ("region", "region_code",
 * "customer.category") is a condition on a tree when it names a tree's row:
 * no join, see tree_field. */
static int parse_field(struct parser *p, struct field *f)
{
	const struct crm_entity *e = p->e;
	struct buf alias = BUF_INIT, seg = BUF_INIT, d = BUF_INIT;
	const struct crm_via *via = NULL;
	int rc = 0;

	buf_adds(&alias, "t");
	f->off = p->tok.off;
	for (;;) {
		const struct crm_column *col, *ref;
		size_t seg_off = p->tok.off;

		buf_reset(&seg);
		buf_adds(&seg, p->tok.text.data);
		buf_adds(&f->name, seg.data);
		if ((rc = next(p)))
			break;
		if (p->tok.kind == T_DOT) {
			ref = ref_by_prefix(e, seg.data);
			via = ref ? NULL : crm_entity_via(e, seg.data);
			if (!ref && !via) {
				col = crm_entity_column(e, seg.data);
				if (col && col->type == CRM_REF && filterable(col) && seg.len > 5 &&
				    !strcmp(seg.data + seg.len - 5, "_code")) {
					const struct crm_entity *t = crm_column_target(col);
					rc = fail(p, p->tok.off, NULL,
						  "'%s' is the code of a %s: name its fields as in %.*s.%s", seg.data,
						  t->name, (int)(seg.len - 5), seg.data, t->label ? t->label : t->key);
				} else if (col) {
					rc = fail(p, p->tok.off, NULL,
						  "'%s' of %s is not a related row: nothing can follow it", seg.data,
						  e->name);
				} else {
					rc = fail_unknown(p, seg_off, e, seg.data);
				}
				break;
			}
			if (via)
				rc = join_via(p, seg_off, &alias, e, via, &e);
			else if (!(rc = join(p, seg_off, &alias, ref)))
				e = crm_column_target(ref);
			if (rc || (rc = next(p)))
				break;
			if (p->tok.kind != T_IDENT) {
				rc = fail(p, p->tok.off, NULL, "expected a field of %s after '.', found %s", e->name,
					  tok_desc(p, &d));
				break;
			}
			buf_addch(&f->name, '.');
			continue;
		}
		col = crm_entity_column(e, seg.data);
		if (col && !filterable(col)) {
			rc = fail(p, seg_off, NULL, "field '%s' of %s cannot be used in a filter", seg.data, e->name);
			break;
		}
		if (col && col->type == CRM_REF) {
			/* "customer_code" is the customer's key */
			const struct crm_entity *target = crm_column_target(col);
			if (target->parent) {
				tree_field(f, &alias, col, crm_entity_key(target));
				break;
			}
			if ((rc = join(p, seg_off, &alias, col)))
				break;
			col = crm_entity_key(target);
		} else if (!col && ((ref = labelled_ref(e, seg.data)) || (via = crm_entity_via(e, seg.data)))) {
			/* "customer" is the customer's label (its name), "owner" a contact's owner's */
			const struct crm_entity *target = ref ? crm_column_target(ref) : NULL;
			col = target ? crm_entity_column(target, target->label) : NULL;
			if (target && target->parent && col) {
				tree_field(f, &alias, ref, col);
				break;
			}
			if (ref)
				rc = join(p, seg_off, &alias, ref);
			else
				rc = join_via(p, seg_off, &alias, e, via, &target);
			if (rc)
				break;
			col = target->label ? crm_entity_column(target, target->label) : NULL;
			if (!col || col->type == CRM_REF)
				BUG("entity '%s' has a bad label '%s'", target->name,
				    target->label ? target->label : "");
		} else if (!col) {
			rc = fail_unknown(p, seg_off, e, seg.data);
			break;
		}
		column_sql(&f->sql, alias.data, col);
		f->col = col;
		break;
	}
	buf_release(&alias);
	buf_release(&seg);
	buf_release(&d);
	return rc;
}

/* ---------------------------------------------------------------- values */

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* An ISO 8601 time as crm.is_time takes it: a date, optionally T (or a blank)
 * and hh:mm[:ss[.ffffff]], optionally Z or an offset. */
static int is_time(const char *s)
{
	size_t i = 10;

	if (date_parse_prefix(NULL, s))
		return 0;
	if (s[i] == 'T' || s[i] == ' ') {
		if (!all_digits(s + i + 1, 2) || s[i + 3] != ':' || !all_digits(s + i + 4, 2) || num2(s + i + 1) > 23 ||
		    num2(s + i + 4) > 59)
			return 0;
		i += 6;
		if (s[i] == ':') {
			size_t n = 0;
			if (!all_digits(s + i + 1, 2) || num2(s + i + 1) > 59)
				return 0;
			i += 3;
			if (s[i] == '.') {
				for (i++; is_digit(s[i]); i++)
					n++;
				if (n < 1 || n > 6)
					return 0;
			}
		}
	}
	if (s[i] == 'Z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		if (!all_digits(s + i + 1, 2))
			return 0;
		i += 3;
		if (s[i] == ':' && all_digits(s + i + 1, 2))
			i += 3;
		else if (all_digits(s + i, 2))
			i += 2;
	}
	return !s[i];
}

/* An integer, optionally negative; *out its value. */
static int is_integer(const char *s, long long *out)
{
	const char *d = s[0] == '-' ? s + 1 : s;
	char *end;

	if (!*d || !all_digits(d, strlen(d)))
		return 0;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && !*end;
}

/* An integer or decimal number, optionally negative. */
static int is_number(const char *s)
{
	const char *dot;

	if (*s == '-')
		s++;
	dot = strchr(s, '.');
	if (!dot)
		return *s && all_digits(s, strlen(s));
	return dot > s && all_digits(s, (size_t)(dot - s)) && dot[1] && all_digits(dot + 1, strlen(dot + 1));
}

static const char *cast_of(enum crm_type type)
{
	switch (type) {
	case CRM_INT: return "::int";
	case CRM_DECIMAL:
	case CRM_MONEY: return "::numeric";
	case CRM_DATE: return "::date";
	case CRM_TIME: return "::timestamptz";
	case CRM_BOOL: return "::boolean";
	default: return "::text";
	}
}

/* Add value as a parameter; *n is its number. */
static int add_param(struct parser *p, size_t off, const char *value, int *n)
{
	if (p->q->nparams >= MAX_PARAMS)
		return fail(p, off, NULL, "too many values (at most %d)", MAX_PARAMS);
	*n = crm_query_param(p->q, value);
	return 0;
}

static int today_param(struct parser *p)
{
	if (!p->today_param) {
		if (!p->today || !date_is_ymd(p->today))
			BUG("the filter's today '%s' is not a date", p->today ? p->today : "(null)");
		p->today_param = crm_query_param(p->q, p->today);
	}
	return p->today_param;
}

/* Check value v, written at off, against field f's type. */
static int check_value(struct parser *p, const struct field *f, const char *v, size_t off)
{
	const struct crm_column *col = f->col;
	long long n;

	switch (col->type) {
	case CRM_INT:
		if (!is_integer(v, &n))
			return fail(p, off, NULL, "'%s' is not an integer", v);
		if (n < INT32_MIN || n > INT32_MAX)
			return fail(p, off, NULL, "'%s' is out of range for an integer", v);
		return 0;
	case CRM_DECIMAL:
	case CRM_MONEY:
		if (!is_number(v))
			return fail(p, off, NULL, "'%s' is not a number", v);
		return 0;
	case CRM_DATE:
		if (!date_is_ymd(v))
			return fail(p, off, NULL, "'%s' is not a date (YYYY-MM-DD)", v);
		return 0;
	case CRM_TIME:
		if (!is_time(v))
			return fail(p, off, NULL, "'%s' is not a time (ISO 8601, as in 2026-01-31 or 2026-01-31T09:30)",
				    v);
		return 0;
	case CRM_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			return fail(p, off, NULL, "'%s' is not true or false", v);
		return 0;
	case CRM_ENUM: {
		/* the database's set (sql/020), asked once per session */
		struct buf all = BUF_INIT;
		int rc = crm_value_in(p->db, col->set, v, p->err);
		if (rc < 0 || rc == 1)
			return rc < 0 ? rc : 0;
		if (!(rc = crm_value_list(&all, p->db, col->set, p->err)))
			rc = fail(p, off, NULL, "'%s' is not a value of '%s': use one of %s", v, f->name.data,
				  all.data);
		buf_release(&all);
		return rc;
	}
	default: return 0;
	}
}

/* Read a literal for field f; add "$n::type" to out. */
static int parse_value(struct parser *p, const struct field *f, struct buf *out)
{
	enum crm_type type = f->col->type;
	struct buf v = BUF_INIT, d = BUF_INIT;
	size_t off = p->tok.off;
	int rc = 0, n = 0;

	if (p->tok.kind == T_STRING || p->tok.kind == T_NUMBER) {
		buf_adds(&v, p->tok.text.data);
		if (type == CRM_BOOL && p->tok.kind == T_STRING && !strcasecmp(v.data, "true")) {
			buf_reset(&v);
			buf_adds(&v, "true");
		} else if (type == CRM_BOOL && p->tok.kind == T_STRING && !strcasecmp(v.data, "false")) {
			buf_reset(&v);
			buf_adds(&v, "false");
		}
		rc = check_value(p, f, v.data, off);
		if (!rc)
			rc = add_param(p, off, v.data, &n);
		if (!rc)
			buf_addf(out, "$%d%s", n, cast_of(type));
	} else if (is_kw(p, "true") || is_kw(p, "false")) {
		if (type != CRM_BOOL)
			rc = fail(p, off, NULL, "'%s' is %s, not true or false", f->name.data, type_noun(type));
		else if (!(rc = add_param(p, off, is_kw(p, "true") ? "true" : "false", &n)))
			buf_addf(out, "$%d::boolean", n);
	} else if (is_kw(p, "today")) {
		if (type != CRM_DATE && type != CRM_TIME)
			rc = fail(p, off, NULL, "'today' is a date, and '%s' is %s", f->name.data, type_noun(type));
		else
			buf_addf(out, "$%d::date", today_param(p));
	} else if (is_kw(p, "null")) {
		rc = fail(p, off, NULL, "compare with null by 'is null' or 'is not null'");
	} else {
		rc = fail(p, off, NULL, "expected a value, found %s", tok_desc(p, &d));
	}
	if (!rc)
		rc = next(p);
	buf_release(&v);
	buf_release(&d);
	return rc;
}

/* ------------------------------------------------------------ conditions */

static int is_text(enum crm_type type)
{
	return type == CRM_TEXT || type == CRM_EMAIL || type == CRM_ENUM;
}

/* After "in" or "not in": "(" value { "," value } ")". */
static int parse_in(struct parser *p, const struct field *f, int neg, struct buf *out)
{
	struct buf list = BUF_INIT, d = BUF_INIT;
	int rc = next(p);

	if (!rc && p->tok.kind != T_LPAREN)
		rc = fail(p, p->tok.off, NULL, "expected '(' after 'in', found %s", tok_desc(p, &d));
	if (!rc)
		rc = next(p);
	while (!rc) {
		rc = parse_value(p, f, &list);
		if (rc)
			break;
		if (p->tok.kind == T_RPAREN) {
			rc = next(p);
			break;
		}
		if (p->tok.kind != T_COMMA) {
			rc = fail(p, p->tok.off, NULL, "expected ',' or ')' in the list of values, found %s",
				  tok_desc(p, &d));
			break;
		}
		buf_adds(&list, ", ");
		rc = next(p);
	}
	if (!rc)
		buf_addf(out, "(%s %sIN (%s))", f->sql.data, neg ? "NOT " : "", list.data);
	buf_release(&list);
	buf_release(&d);
	return rc;
}

/* At "like" or "ilike" (after an optional "not"): a quoted pattern. */
static int parse_like(struct parser *p, const struct field *f, int neg, struct buf *out)
{
	int ilike = is_kw(p, "ilike");
	struct buf d = BUF_INIT;
	size_t off = p->tok.off;
	int rc = 0, n = 0;

	if (!is_text(f->col->type))
		rc = fail(p, off, NULL, "'%s%s' needs a text field, and '%s' is %s", neg ? "not " : "",
			  ilike ? "ilike" : "like", f->name.data, type_noun(f->col->type));
	if (!rc)
		rc = next(p);
	if (!rc && p->tok.kind != T_STRING)
		rc = fail(p, p->tok.off, NULL, "expected a quoted pattern after '%s', found %s",
			  ilike ? "ilike" : "like", tok_desc(p, &d));
	if (!rc)
		rc = add_param(p, p->tok.off, p->tok.text.data, &n);
	if (!rc) {
		buf_addf(out, "(%s %s%s $%d::text)", f->sql.data, neg ? "NOT " : "", ilike ? "ILIKE" : "LIKE", n);
		rc = next(p);
	}
	buf_release(&d);
	return rc;
}

/* At "within": N days from today, inclusive; for an annual date (a
 * birthday) its next anniversary, by month and day. */
static int parse_within(struct parser *p, const struct field *f, struct buf *out)
{
	const struct crm_column *col = f->col;
	struct buf d = BUF_INIT, days = BUF_INIT;
	long long n = 0;
	int rc = 0, tp = 0, np = 0;

	if (col->type != CRM_DATE && col->type != CRM_TIME)
		rc = fail(p, p->tok.off, NULL, "'within' needs a date field, and '%s' is %s", f->name.data,
			  type_noun(col->type));
	if (!rc)
		rc = next(p);
	if (!rc && (p->tok.kind != T_NUMBER || !is_integer(p->tok.text.data, &n) || n < 0))
		rc = fail(p, p->tok.off, NULL, "expected a number of days after 'within', found %s", tok_desc(p, &d));
	if (!rc && n > MAX_DAYS)
		rc = fail(p, p->tok.off, NULL, "'%s' days is too many (at most %d)", p->tok.text.data, MAX_DAYS);
	if (!rc) {
		buf_addf(&days, "%lld", n);
		rc = next(p);
	}
	if (!rc && !is_kw(p, "days") && !is_kw(p, "day"))
		rc = fail(p, p->tok.off, NULL, "expected 'days' after '%s', found %s", days.data, tok_desc(p, &d));
	if (!rc)
		rc = next(p);
	if (!rc) {
		tp = today_param(p);
		rc = add_param(p, p->tok.off, days.data, &np);
	}
	if (!rc) {
		if (col->type == CRM_DATE && (col->flags & CRM_ANNUAL))
			/* a contact without a birthday has none within N days */
			buf_addf(out, "(%s IS NOT NULL AND crm.next_birthday(%s, $%d::date) <= $%d::date + $%d::int)",
				 f->sql.data, f->sql.data, tp, tp, np);
		else if (col->type == CRM_DATE)
			buf_addf(out, "(%s BETWEEN $%d::date AND $%d::date + $%d::int)", f->sql.data, tp, tp, np);
		else
			buf_addf(out, "(%s >= $%d::date AND %s < $%d::date + $%d::int + 1)", f->sql.data, tp,
				 f->sql.data, tp, np);
	}
	buf_release(&d);
	buf_release(&days);
	return rc;
}

/* Does the current token end a condition? */
static int at_condition_end(const struct parser *p)
{
	return p->tok.kind == T_END || p->tok.kind == T_RPAREN || is_kw(p, "and") || is_kw(p, "or");
}

/* Condition cond, over the tree's rows (alias tr), for the rows that refer
 * to a row of the tree through field f: it holds when the row referred to
 * matches or lies below a row that does ("region = '华东'" for the regions
 * under 华东 too), and with neg when neither does. The subtree is found
 * once per query (the subquery is not correlated) by walking down from the
 * rows that match. A row that refers to none holds neither (SQL NULL). */
static void tree_condition(struct buf *out, const struct field *f, int neg, const char *cond)
{
	const struct crm_entity *t = f->tree;
	const struct crm_column *parent = crm_entity_parent(t);

	buf_addf(
		out,
		"(%s %sIN (WITH RECURSIVE tree_sub(id) AS (SELECT tr.id FROM %s tr WHERE %s"
		" UNION SELECT tc.id FROM %s tc JOIN tree_sub ON tc.%s = tree_sub.id) SELECT tree_sub.id FROM tree_sub))",
		f->tree_from.data, neg ? "NOT " : "", t->table, cond, t->table, parent->sql);
}

/* A field and what is asked of it. A condition on a tree's row is built as
 * a positive one ("=", "in", "like") over the tree, then negated as a whole
 * when it was "!=", "not in" or "not like" (see tree_condition). */
static int parse_condition(struct parser *p, struct buf *out)
{
	struct field f = { BUF_INIT, BUF_INIT, NULL, 0, NULL, BUF_INIT };
	struct buf d = BUF_INIT, v = BUF_INIT, cond = BUF_INIT;
	int rc = parse_field(p, &f), neg = 0, negate = 0;

	if (rc)
		goto done;
	if (p->tok.kind == T_OP) {
		char op[3] = { 0 };
		memcpy(op, p->tok.text.data, p->tok.len); /* at most 2 bytes */
		if (!strcmp(op, "!="))
			memcpy(op, "<>", 2);
		if (f.tree && !strcmp(op, "<>")) {
			memcpy(op, "=", 2);
			negate = 1;
		}
		rc = next(p);
		if (!rc)
			rc = parse_value(p, &f, &v);
		if (!rc)
			buf_addf(&cond, "(%s %s %s)", f.sql.data, op, v.data);
		goto done;
	}
	if (is_kw(p, "not")) {
		neg = 1;
		if ((rc = next(p)))
			goto done;
		if (!is_kw(p, "in") && !is_kw(p, "like") && !is_kw(p, "ilike")) {
			rc = fail(p, p->tok.off, NULL, "expected 'in', 'like' or 'ilike' after 'not', found %s",
				  tok_desc(p, &d));
			goto done;
		}
		if (f.tree) {
			neg = 0;
			negate = 1;
		}
	}
	if (is_kw(p, "in")) {
		rc = parse_in(p, &f, neg, &cond);
	} else if (is_kw(p, "like") || is_kw(p, "ilike")) {
		rc = parse_like(p, &f, neg, &cond);
	} else if (is_kw(p, "is")) {
		if ((rc = next(p)))
			goto done;
		if (is_kw(p, "not")) {
			neg = 1;
			if ((rc = next(p)))
				goto done;
		}
		if (!is_kw(p, "null"))
			rc = fail(p, p->tok.off, NULL, "expected 'null' after '%s', found %s", neg ? "is not" : "is",
				  tok_desc(p, &d));
		if (!rc)
			rc = next(p);
		/* a tree's row is there when it is referred to */
		if (!rc)
			buf_addf(out, "(%s IS %sNULL)", f.tree ? f.tree_from.data : f.sql.data, neg ? "NOT " : "");
		goto done_out;
	} else if (is_kw(p, "within")) {
		rc = parse_within(p, &f, &cond);
	} else if (at_condition_end(p)) {
		if (f.col->type != CRM_BOOL)
			rc = fail(p, f.off, NULL, "'%s' is %s, not true or false: compare it with a value", f.name.data,
				  type_noun(f.col->type));
		else
			buf_addf(&cond, "(%s)", f.sql.data);
	} else {
		rc = fail(p, p->tok.off, NULL, "expected a comparison after '%s', found %s", f.name.data,
			  tok_desc(p, &d));
	}
done:
	if (!rc && f.tree)
		tree_condition(out, &f, negate, cond.data);
	else if (!rc)
		buf_adds(out, cond.data);
done_out:
	buf_release(&f.sql);
	buf_release(&f.name);
	buf_release(&f.tree_from);
	buf_release(&d);
	buf_release(&v);
	buf_release(&cond);
	return rc;
}

/* ----------------------------------------------------------- expressions */

static int parse_or(struct parser *p, struct buf *out);

/* "not" x is two-valued: a condition on a missing value is false, and its
 * negation true. */
static int parse_not(struct parser *p, struct buf *out)
{
	struct buf sub = BUF_INIT, d = BUF_INIT;
	size_t off = p->tok.off;
	int rc = 0;

	if (++p->depth > MAX_DEPTH) {
		rc = fail(p, off, NULL, "the filter nests too deeply (at most %d levels)", MAX_DEPTH);
	} else if (is_kw(p, "not")) {
		rc = next(p);
		if (!rc)
			rc = parse_not(p, &sub);
		if (!rc)
			buf_addf(out, "(NOT coalesce(%s, false))", sub.data);
	} else if (p->tok.kind == T_LPAREN) {
		rc = next(p);
		if (!rc)
			rc = parse_or(p, out);
		if (!rc && p->tok.kind != T_RPAREN)
			rc = fail(p, p->tok.off, NULL, "expected ')' to close the '(' at column %d, found %s",
				  column_of(p->src, off), tok_desc(p, &d));
		if (!rc)
			rc = next(p);
	} else if (p->tok.kind == T_IDENT && !is_reserved(p)) {
		rc = parse_condition(p, out);
	} else {
		rc = fail(p, off, NULL, "expected a condition, found %s", tok_desc(p, &d));
	}
	p->depth--;
	buf_release(&sub);
	buf_release(&d);
	return rc;
}

/* operand (kw operand)...: "a and b and c", "x or y", parenthesised when
 * there is more than one operand. */
static int parse_chain(struct parser *p, struct buf *out, const char *kw, const char *op,
		       int (*operand)(struct parser *p, struct buf *out))
{
	struct buf sql = BUF_INIT;
	int rc, n = 0;

	for (;;) {
		rc = operand(p, &sql);
		if (rc || !is_kw(p, kw))
			break;
		buf_adds(&sql, op);
		n++;
		if ((rc = next(p)))
			break;
	}
	if (!rc)
		buf_addf(out, n ? "(%s)" : "%s", sql.data);
	buf_release(&sql);
	return rc;
}

static int parse_and(struct parser *p, struct buf *out)
{
	return parse_chain(p, out, "and", " AND ", parse_not);
}

static int parse_or(struct parser *p, struct buf *out)
{
	return parse_chain(p, out, "or", " OR ", parse_and);
}

int crm_filter_compile(struct crm_query *q, struct crm_db *db, const struct crm_entity *e, const char *src,
		       const char *today, struct err *err)
{
	struct parser p = { .src = src ? src : "", .q = q, .db = db, .e = e, .today = today, .err = err };
	struct buf sql = BUF_INIT, d = BUF_INIT;
	size_t nparams = q->nparams, joins_len = q->joins.len;
	int naliases = q->naliases, rc = 0;

	buf_init(&p.tok.text);
	for (size_t i = 0, len = strlen(p.src); i < len && !rc;) {
		uint32_t c;
		size_t n = utf8_decode(p.src + i, len - i, &c);
		if (!n)
			rc = fail(&p, i, NULL, "invalid UTF-8");
		i += n;
	}
	if (!rc)
		rc = next(&p);
	if (!rc && p.tok.kind != T_END) {
		rc = parse_or(&p, &sql);
		if (!rc && p.tok.kind == T_RPAREN)
			rc = fail(&p, p.tok.off, NULL, "unexpected ')' with no '(' before it");
		else if (!rc && p.tok.kind != T_END)
			rc = fail(&p, p.tok.off, NULL, "expected 'and', 'or' or the end of the filter, found %s",
				  tok_desc(&p, &d));
	}
	if (!rc && sql.len) {
		if (q->where.len) {
			struct buf both = BUF_INIT;
			buf_addf(&both, "(%s) AND %s", q->where.data, sql.data);
			buf_release(&q->where);
			q->where = both;
		} else {
			buf_adds(&q->where, sql.data);
		}
	}
	if (rc) {
		/* leave q as it was */
		for (size_t i = nparams; i < q->nparams; i++)
			free(q->params[i]);
		q->nparams = nparams;
		buf_truncate(&q->joins, joins_len);
		q->naliases = naliases;
	}
	buf_release(&p.tok.text);
	buf_release(&sql);
	buf_release(&d);
	return rc;
}

int crm_filter_field(struct buf *out, struct crm_query *q, const struct crm_entity *e, const char *src, struct err *err)
{
	struct parser p = { .src = src ? src : "", .q = q, .e = e, .err = err };
	struct field f = { BUF_INIT, BUF_INIT, NULL, 0, NULL, BUF_INIT };
	struct buf d = BUF_INIT;
	size_t joins_len = q->joins.len;
	int naliases = q->naliases, rc = 0;

	buf_init(&p.tok.text);
	if (!utf8_valid(p.src, strlen(p.src)))
		rc = fail(&p, 0, NULL, "invalid UTF-8");
	if (!rc)
		rc = next(&p);
	if (!rc && p.tok.kind != T_IDENT)
		rc = fail(&p, p.tok.off, NULL, "expected a field of %s, found %s", e->name, tok_desc(&p, &d));
	if (!rc)
		rc = parse_field(&p, &f);
	if (!rc && p.tok.kind != T_END)
		rc = fail(&p, p.tok.off, NULL, "expected the end of the field, found %s", tok_desc(&p, &d));
	if (!rc && f.tree) /* the row referred to itself, not its subtree */
		buf_addf(out, "(SELECT %s FROM %s tr WHERE tr.id = %s)", f.sql.data, f.tree->table, f.tree_from.data);
	else if (!rc)
		buf_adds(out, f.sql.data);
	if (rc) {
		buf_truncate(&q->joins, joins_len);
		q->naliases = naliases;
	}
	buf_release(&f.sql);
	buf_release(&f.name);
	buf_release(&f.tree_from);
	buf_release(&p.tok.text);
	buf_release(&d);
	return rc;
}
