/* common/value.c - the small value tree passed from the CRM to the merge engine. */
#include "common/value.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

static struct value *new_value(enum value_kind kind)
{
	struct value *v = xcalloc(1, sizeof(*v));
	v->kind = kind;
	return v;
}

struct value *value_new_null(void)
{
	return new_value(VALUE_NULL);
}

struct value *value_new_text(const char *s)
{
	return value_new_textn(s, strlen(s));
}

struct value *value_new_textn(const char *s, size_t len)
{
	struct value *v = new_value(VALUE_TEXT);
	v->u.text = xstrndup(s, len);
	return v;
}

int value_is_decimal(const char *s)
{
	int digits = 0;
	if (*s == '-' || *s == '+')
		s++;
	while (isdigit((unsigned char)*s))
		s++, digits++;
	if (*s == '.') {
		s++;
		while (isdigit((unsigned char)*s))
			s++, digits++;
	}
	return digits > 0 && !*s;
}

struct value *value_new_number(const char *decimal, int money)
{
	struct value *v;
	if (!value_is_decimal(decimal))
		BUG("'%s' is not a decimal number", decimal);
	v = new_value(VALUE_NUMBER);
	v->u.number.decimal = xstrdup(decimal);
	v->u.number.money = money;
	return v;
}

struct value *value_new_date(int y, int m, int d)
{
	struct value *v = new_value(VALUE_DATE);
	v->u.date.y = y;
	v->u.date.m = m;
	v->u.date.d = d;
	return v;
}

struct value *value_new_datetime(int y, int m, int d, int hh, int mi, int ss)
{
	struct value *v = value_new_date(y, m, d);
	v->u.date.hh = hh;
	v->u.date.mi = mi;
	v->u.date.ss = ss;
	v->u.date.has_time = 1;
	return v;
}

struct value *value_new_bool(int b)
{
	struct value *v = new_value(VALUE_BOOL);
	v->u.boolean = !!b;
	return v;
}

struct value *value_new_list(void)
{
	return new_value(VALUE_LIST);
}

struct value *value_new_object(void)
{
	return new_value(VALUE_OBJECT);
}

void value_free(struct value *v)
{
	if (!v)
		return;
	switch (v->kind) {
	case VALUE_TEXT: free(v->u.text); break;
	case VALUE_NUMBER: free(v->u.number.decimal); break;
	case VALUE_LIST:
		for (size_t i = 0; i < v->u.list.nr; i++)
			value_free(v->u.list.items[i]);
		free(v->u.list.items);
		break;
	case VALUE_OBJECT:
		for (size_t i = 0; i < v->u.object.nr; i++) {
			free(v->u.object.members[i].key);
			value_free(v->u.object.members[i].val);
		}
		free(v->u.object.members);
		break;
	case VALUE_NULL:
	case VALUE_DATE:
	case VALUE_BOOL: break;
	}
	free(v);
}

void value_list_push(struct value *list, struct value *item)
{
	if (list->kind != VALUE_LIST)
		BUG("value_list_push on a value that is not a list");
	ALLOC_GROW(list->u.list.items, list->u.list.nr + 1, list->u.list.alloc);
	list->u.list.items[list->u.list.nr++] = item;
}

void value_object_set(struct value *obj, const char *key, struct value *val)
{
	if (obj->kind != VALUE_OBJECT)
		BUG("value_object_set on a value that is not an object");
	for (size_t i = 0; i < obj->u.object.nr; i++)
		if (!strcmp(obj->u.object.members[i].key, key)) {
			value_free(obj->u.object.members[i].val);
			obj->u.object.members[i].val = val;
			return;
		}
	ALLOC_GROW(obj->u.object.members, obj->u.object.nr + 1, obj->u.object.alloc);
	obj->u.object.members[obj->u.object.nr].key = xstrdup(key);
	obj->u.object.members[obj->u.object.nr].val = val;
	obj->u.object.nr++;
}

/* The member whose key is the first len bytes of key. */
static const struct value *member(const struct value *obj, const char *key, size_t len)
{
	if (!obj || obj->kind != VALUE_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->u.object.nr; i++)
		if (strlen(obj->u.object.members[i].key) == len && !memcmp(obj->u.object.members[i].key, key, len))
			return obj->u.object.members[i].val;
	return NULL;
}

const struct value *value_object_get(const struct value *obj, const char *key)
{
	return member(obj, key, strlen(key));
}

const struct value *value_lookup(const struct value *obj, const char *path)
{
	const struct value *v = obj;
	const char *p = path;
	for (;;) {
		size_t n = strcspn(p, ".");
		v = member(v, p, n);
		if (!v || !p[n])
			return v;
		p += n + 1;
	}
}

int value_truthy(const struct value *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case VALUE_NULL: return 0;
	case VALUE_TEXT: return v->u.text[0] != '\0';
	case VALUE_NUMBER: return strspn(v->u.number.decimal, "-+0.") != strlen(v->u.number.decimal);
	case VALUE_BOOL: return v->u.boolean;
	case VALUE_LIST: return v->u.list.nr > 0;
	case VALUE_DATE:
	case VALUE_OBJECT: return 1;
	}
	return 0;
}
