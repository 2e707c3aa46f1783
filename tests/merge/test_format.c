/* tests/merge/test_format.c - Word's \@, \# and \* switches. */
#include <string.h>

#include "testlib.h"
#include "merge/format.h"

Test(format, dates)
{
	static const struct {
		int y, m, d, hh, mi;
		const char *picture, *lang, *want;
	} cases[] = {
		{ 2026, 11, 26, 0, 0, NULL, NULL, "2026年11月26日" },
		{ 2026, 11, 26, 0, 0, "yyyy-MM-dd", NULL, "2026-11-26" },
		{ 2026, 3, 5, 0, 0, "M/d/yy", NULL, "3/5/26" },
		{ 2026, 11, 26, 0, 0, "dddd", NULL, "星期四" },
		{ 2026, 11, 26, 0, 0, "dddd", "en", "Thursday" },
		{ 2026, 11, 26, 0, 0, "MMMM d, yyyy", "en", "November 26, 2026" },
		{ 2026, 11, 26, 0, 0, "MMM d ddd", "en", "Nov 26 Thu" },
		{ 2026, 11, 26, 0, 0, "MMMM ddd", NULL, "十一月 周四" },
		{ 2028, 2, 29, 0, 0, "M月d日", NULL, "2月29日" },
		{ 2026, 11, 26, 14, 5, "HH:mm", NULL, "14:05" },
		{ 2026, 11, 26, 14, 5, "h:mm AM/PM", NULL, "2:05 PM" },
		{ 2026, 11, 26, 0, 30, "h:mm am/pm", NULL, "12:30 am" },
		{ 2026, 11, 26, 0, 0, "'Date:' yyyy", NULL, "Date: 2026" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		struct err err = ERR_INIT;
		assert_ok(merge_format_date(&out, cases[i].y, cases[i].m, cases[i].d, cases[i].hh, cases[i].mi, 0,
					    cases[i].picture, cases[i].lang, &err),
			  &err);
		cr_expect_str_eq(out.data, cases[i].want, "case %zu ('%s')", i, cases[i].picture);
		buf_release(&out);
	}
}

Test(format, numbers)
{
	static const struct {
		const char *value, *picture;
		int money;
		const char *want;
	} cases[] = {
		{ "1234.5", "#,##0.00", 0, "1,234.50" },
		{ "1234.5", NULL, 1, "1,234.50" },
		{ "1234567", NULL, 0, "1,234,567" },
		{ "3.5", NULL, 0, "3.5" },
		{ "-1234.5", "#,##0.00;(#,##0.00)", 0, "(1,234.50)" },
		{ "-1234.5", "#,##0.00", 0, "-1,234.50" },
		{ "0.125", "0.00", 0, "0.13" },
		{ "-0.125", "0.00", 0, "-0.13" },
		{ "-0.001", "0.00", 0, "0.00" },
		{ "999.995", "#,##0.00", 0, "1,000.00" },
		{ "1000000", "#,##0", 0, "1,000,000" },
		{ "12350.5", "#,##0", 1, "12,351" },
		{ "12", "00000", 0, "00012" },
		{ "0.5", "0%", 0, "1%" }, /* Word does not scale by 100 for % */
		{ "1234.5", "¥#,##0.00", 1, "¥1,234.50" },
		{ "1234.5", "#,##0.00 元", 1, "1,234.50 元" },
		{ "2.50", "0.##", 0, "2.5" },
		{ "0", "#,##0.00;-#,##0.00;'-'", 0, "-" },
		{ "123456789012345678901234567890.005", "#,##0.00", 0,
		  "123,456,789,012,345,678,901,234,567,890.01" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		struct err err = ERR_INIT;
		assert_ok(merge_format_number(&out, cases[i].value, cases[i].picture, cases[i].money, &err), &err);
		cr_expect_str_eq(out.data, cases[i].want, "case %zu ('%s' by '%s')", i, cases[i].value, cases[i].picture);
		buf_release(&out);
	}
}

Test(format, errors)
{
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;
	cr_assert_eq(merge_format_number(&out, "12a", "0", 0, &err), ERR_INPUT);
	cr_assert_str_eq(err.msg.data, "'12a' is not a number");
	err_release(&err);
	cr_assert_eq(merge_format_number(&out, "12", "abc", 0, &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "has no digit place"), "%s", err.msg.data);
	err_release(&err);
	cr_assert_eq(merge_format_text(&out, "x", "Shout", &err), ERR_INPUT);
	err_release(&err);
	buf_release(&out);
}

Test(format, text)
{
	static const struct {
		const char *text, *sw, *want;
	} cases[] = {
		{ "hello 王 world", "Upper", "HELLO 王 WORLD" },
		{ "HeLLo 中文", "Lower", "hello 中文" },
		{ "hello world", "FirstCap", "Hello world" },
		{ "hello big world", "Caps", "Hello Big World" },
		{ "上海 shanghai", "FirstCap", "上海 shanghai" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		struct err err = ERR_INIT;
		assert_ok(merge_format_text(&out, cases[i].text, cases[i].sw, &err), &err);
		cr_expect_str_eq(out.data, cases[i].want, "case %zu", i);
		buf_release(&out);
	}
}
