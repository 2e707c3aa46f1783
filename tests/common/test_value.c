/* tests/common/test_value.c - the value tree. */
#include <string.h>

#include "testlib.h"
#include "common/value.h"

Test(value, objects_lists_and_paths)
{
	struct value *root = value_new_object(), *customer = value_new_object(), *lines = value_new_list();
	const struct value *v;

	value_object_set(customer, "name", value_new_text("上海华东机械"));
	value_object_set(customer, "owner", value_new_object());
	value_object_set((struct value *)value_object_get(customer, "owner"), "name", value_new_text("王伟"));
	value_object_set(root, "customer", customer);
	value_object_set(root, "total", value_new_number("1234.50", 1));
	value_list_push(lines, value_new_object());
	value_object_set(root, "lines", lines);
	value_object_set(root, "total", value_new_number("99", 1)); /* replaces */

	v = value_lookup(root, "customer.owner.name");
	cr_assert(v && v->kind == VALUE_TEXT);
	cr_assert_str_eq(v->u.text, "王伟");
	cr_assert_null(value_lookup(root, "customer.owner.email"));
	cr_assert_null(value_lookup(root, "customer.name.more"), "a text has no members");
	cr_assert_null(value_lookup(root, "custom"), "a prefix of a key is not the key");
	cr_assert_str_eq(value_lookup(root, "total")->u.number.decimal, "99");
	cr_assert_eq(value_lookup(root, "lines")->u.list.nr, 1);
	value_free(root);
	value_free(NULL);
}

Test(value, truthiness)
{
	struct {
		struct value *v;
		int want;
	} cases[] = {
		{ value_new_null(), 0 },
		{ value_new_text(""), 0 },
		{ value_new_text("x"), 1 },
		{ value_new_number("0", 0), 0 },
		{ value_new_number("0.00", 1), 0 },
		{ value_new_number("-0.5", 0), 1 },
		{ value_new_bool(0), 0 },
		{ value_new_bool(1), 1 },
		{ value_new_list(), 0 },
		{ value_new_date(2026, 2, 28), 1 },
		{ value_new_object(), 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_expect_eq(value_truthy(cases[i].v), cases[i].want, "case %zu", i);
		value_free(cases[i].v);
	}
	cr_assert_not(value_truthy(NULL));
}

Test(value, decimals)
{
	cr_assert(value_is_decimal("12"));
	cr_assert(value_is_decimal("-3.50"));
	cr_assert(value_is_decimal(".5"));
	cr_assert_not(value_is_decimal(""));
	cr_assert_not(value_is_decimal("-"));
	cr_assert_not(value_is_decimal("1e5"));
	cr_assert_not(value_is_decimal("1.2.3"));
	cr_assert_not(value_is_decimal("12a"));
}
