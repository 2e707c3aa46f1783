/* common/value.h - the small value tree that carries one target's record from
 * the CRM to the merge engine: object, list, text, number, date, bool, null.
 *
 * The merge engine knows values, not the database; crm/ builds them. Numbers
 * are kept as exact decimal text ("1234.50"), never as floating point, so
 * that money prints exactly; a number may be marked as money, which formats
 * with two decimals by default. A tree owns everything below it: value_free
 * on the root frees it all. */
#ifndef COMMON_VALUE_H
#define COMMON_VALUE_H

#include <stddef.h>

enum value_kind { VALUE_NULL, VALUE_TEXT, VALUE_NUMBER, VALUE_DATE, VALUE_BOOL, VALUE_LIST, VALUE_OBJECT };

struct value;

struct value_member {
	char *key;
	struct value *val;
};

struct value {
	enum value_kind kind;
	union {
		char *text; /* VALUE_TEXT: UTF-8 */
		struct {
			char *decimal; /* "-1234.5" */
			int money;
		} number;
		struct {
			int y, m, d, hh, mi, ss;
			int has_time;
		} date;
		int boolean;
		struct {
			struct value **items;
			size_t nr, alloc;
		} list;
		struct {
			struct value_member *members;
			size_t nr, alloc;
		} object;
	} u;
};

struct value *value_new_null(void);
struct value *value_new_text(const char *s);
struct value *value_new_textn(const char *s, size_t len);
/* decimal must be a decimal number ("12", "-3.50"); BUG() otherwise. */
struct value *value_new_number(const char *decimal, int money);
struct value *value_new_date(int y, int m, int d);
struct value *value_new_datetime(int y, int m, int d, int hh, int mi, int ss);
struct value *value_new_bool(int b);
struct value *value_new_list(void);
struct value *value_new_object(void);
void value_free(struct value *v);

/* Append item to a list; the list owns it. */
void value_list_push(struct value *list, struct value *item);
/* Set key in an object (replacing an earlier value); the object owns val. */
void value_object_set(struct value *obj, const char *key, struct value *val);
/* The member named key of obj, or NULL. */
const struct value *value_object_get(const struct value *obj, const char *key);
/* Follow a dotted path ("customer.owner.name") from obj; NULL when a step is
 * missing or not an object. */
const struct value *value_lookup(const struct value *obj, const char *path);

/* Is a value "true" for a section? NULL, false, empty text, an empty list
 * and the number zero are false; everything else is true. */
int value_truthy(const struct value *v);

/* Is s a decimal number as value_new_number takes it? */
int value_is_decimal(const char *s);

#endif
