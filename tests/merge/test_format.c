/* tests/merge/test_format.c - Word's \@, \# and \* switches on merge values
 * (merge/format.c). Expected strings are exact bytes, spaces included. */
#include <string.h>

#include "testlib.h"
#include "merge/format.h"

/* ------------------------------------------------------------------ dates */

struct date_case {
	int y, m, d, hh, mi, ss;
	const char *picture, *lang, *want;
};

static const struct date_case date_cases[] = {
	/* zh-CN default */
	{ 2026, 11, 26, 0, 0, 0, NULL, NULL, "2026年11月26日" },
	{ 2026, 11, 26, 0, 0, 0, "", "zh-CN", "2026年11月26日" },
	{ 2026, 3, 5, 0, 0, 0, "yyyy年MM月dd日", NULL, "2026年03月05日" },
	/* numeric pictures */
	{ 2026, 11, 26, 0, 0, 0, "yyyy-MM-dd", NULL, "2026-11-26" },
	{ 2026, 3, 5, 0, 0, 0, "M/d/yy", NULL, "3/5/26" },
	{ 2026, 3, 5, 0, 0, 0, "yy/M/d", NULL, "26/3/5" },
	{ 2026, 3, 5, 0, 0, 0, "DD/MM/YYYY", NULL, "05/03/2026" },
	{ 2005, 3, 5, 0, 0, 0, "yy", NULL, "05" },
	/* names */
	{ 2026, 11, 26, 0, 0, 0, "dddd", NULL, "星期四" },
	{ 2026, 11, 26, 0, 0, 0, "dddd", "en", "Thursday" },
	{ 2026, 11, 26, 0, 0, 0, "ddd", "zh-CN", "周四" },
	{ 2026, 11, 26, 0, 0, 0, "ddd", "en-US", "Thu" },
	{ 2026, 11, 26, 0, 0, 0, "MMMM", NULL, "十一月" },
	{ 2026, 11, 26, 0, 0, 0, "MMM", NULL, "11月" },
	{ 2026, 11, 26, 0, 0, 0, "MMMM d, yyyy", "en", "November 26, 2026" },
	{ 2026, 11, 26, 0, 0, 0, "MMM d, yyyy", "en", "Nov 26, 2026" },
	{ 2026, 5, 3, 0, 0, 0, "d MMMM yyyy", "en-GB", "3 May 2026" },
	{ 2026, 11, 26, 0, 0, 0, "yyyy年M月d日 dddd", NULL, "2026年11月26日 星期四" },
	/* leap days */
	{ 2028, 2, 29, 0, 0, 0, "yyyy-MM-dd dddd", "en", "2028-02-29 Tuesday" },
	{ 2000, 2, 29, 0, 0, 0, "M月d日", NULL, "2月29日" },
	/* times: M is month, m is minutes wherever they stand */
	{ 2026, 11, 26, 14, 5, 9, "HH:mm:ss", NULL, "14:05:09" },
	{ 2026, 11, 26, 9, 7, 0, "H:m", NULL, "9:7" },
	{ 2026, 11, 26, 14, 5, 0, "h:mm AM/PM", NULL, "2:05 PM" },
	{ 2026, 11, 26, 0, 30, 0, "hh:mm am/pm", NULL, "12:30 am" },
	{ 2026, 11, 26, 12, 0, 0, "h AM/PM", NULL, "12 PM" },
	{ 2026, 3, 5, 10, 7, 0, "yyyy-M-d H:mm", NULL, "2026-3-5 10:07" },
	{ 2026, 3, 5, 10, 7, 0, "m", NULL, "7" },
	/* literal text */
	{ 2026, 11, 26, 0, 0, 0, "'Date:' yyyy", NULL, "Date: 2026" },
	{ 2026, 11, 26, 0, 0, 0, "'dddd' d", NULL, "dddd 26" },
	{ 2026, 11, 26, 0, 0, 0,
	  "\xE2\x80\x98"
	  "day\xE2\x80\x99 d",
	  NULL, "day 26" },
	{ 2026, 11, 26, 0, 0, 0, "yyyy 'at", NULL, "2026 at" },
	/* letters that are not items are copied, as Word does */
	{ 2026, 11, 26, 0, 0, 0, "yyyy-QQ", NULL, "2026-QQ" },
	{ 2026, 11, 26, 0, 0, 0, "第d天", NULL, "第26天" },
};

ParameterizedTestParameters(format, date)
{
	TEST_CASE_INDICES(date_cases);
}

ParameterizedTest(size_t *i, format, date)
{
	const struct date_case *c = &date_cases[*i];
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;

	assert_ok(merge_format_date(&out, c->y, c->m, c->d, c->hh, c->mi, c->ss, c->picture, c->lang, &err), &err);
	cr_expect_str_eq(out.data, c->want, "%04d-%02d-%02d by '%s': got '%s', want '%s'", c->y, c->m, c->d,
			 c->picture ? c->picture : "(null)", out.data, c->want);
	buf_release(&out);
	err_release(&err);
}

Test(format, bad_dates)
{
	static const struct {
		int y, m, d, hh;
		const char *msg;
	} cases[] = {
		{ 2026, 2, 29, 0, "'2026-02-29' is not a date" }, { 1900, 2, 29, 0, "'1900-02-29' is not a date" },
		{ 2026, 13, 1, 0, "'2026-13-01' is not a date" }, { 2026, 4, 31, 0, "'2026-04-31' is not a date" },
		{ 2026, 1, 1, 24, "'24:00:00' is not a time" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		struct err err = ERR_INIT;
		cr_expect_eq(merge_format_date(&out, cases[i].y, cases[i].m, cases[i].d, cases[i].hh, 0, 0, NULL, NULL,
					       &err),
			     ERR_INPUT, "case %zu", i);
		cr_expect_str_eq(err.msg.data, cases[i].msg);
		buf_release(&out);
		err_release(&err);
	}
}

/* ---------------------------------------------------------------- numbers */

struct number_case {
	const char *value, *picture;
	int money;
	const char *want;
};

static const struct number_case number_cases[] = {
	/* no picture: our default */
	{ "1234.5", NULL, 1, "1,234.50" },
	{ "0.5", "", 1, "0.50" },
	{ "-0.001", NULL, 1, "0.00" },
	{ "1234567", NULL, 0, "1,234,567" },
	{ "3.5", NULL, 0, "3.5" },
	{ "3.50", NULL, 0, "3.50" },
	{ "-1234.5", NULL, 0, "-1,234.5" },
	{ "+007", NULL, 0, "7" },
	{ ".5", NULL, 0, "0.5" },
	/* grouping, rounding half away from zero, exactly */
	{ "1234.5", "#,##0.00", 0, "1,234.50" },
	{ "-1234.5", "#,##0.00", 0, "-1,234.50" },
	{ "0.125", "0.00", 0, "0.13" },
	{ "-0.125", "0.00", 0, "-0.13" },
	{ "0.124999", "0.00", 0, "0.12" },
	{ "2.5", "0", 0, "3" },
	{ "-2.5", "0", 0, "-3" },
	{ "-0.001", "0.00", 0, "0.00" },
	{ "-0", "0.00", 0, "0.00" },
	{ "-0", NULL, 0, "0" },
	{ "999.995", "#,##0.00", 0, "1,000.00" },
	{ "9.995", "0.00", 0, "10.00" },
	{ "1000000", "#,##0", 0, "1,000,000" },
	{ "12350.5", "#,##0", 1, "12,351" },
	{ "1234.5", "$,0.00", 0, "$1,234.50" },
	{ "2456800", "$#,###,###", 0, "$2,456,800" },
	{ "123", "0.00, 'net'", 0, "123.00, net" },
	/* 0 pads with zeros; digits are never lost for want of places */
	{ "12", "00000", 0, "00012" },
	{ "123456", "00000", 0, "123456" },
	{ "9", "00.00", 0, "09.00" },
	{ "95.4", ".00", 0, "95.40" },
	{ "0.75", ".00", 0, ".75" },
	/* # shows a space where the number has no digit (Word's help, ECMA-376) */
	{ "15", "$###", 0, "$ 15" },
	{ "95.4", "$###.00", 0, "$ 95.40" },
	{ "12.5", "#,##0.00", 0, "  12.50" },
	{ "0.5", "#.00", 0, " .50" },
	{ "2.5", "0.##", 0, "2.5 " },
	{ "2.50", "0.0#", 0, "2.5 " },
	{ "2.56", "0.0#", 0, "2.56" },
	/* x drops digits left of it; after the point it rounds there */
	{ "222492", "x##", 0, "492" },
	{ "1005", "x##", 0, "  5" },
	{ "0.125678", "0.00x", 0, "0.126" },
	{ "0.75", ".x", 0, ".8" },
	/* % and currency signs are text: % does not multiply by 100 */
	{ "0.5", "0%", 0, "1%" },
	{ "33", "##%", 0, "33%" },
	{ "12.5", "0.0%", 0, "12.5%" },
	{ "1234.5", "¥#,##0.00", 1, "¥1,234.50" },
	{ "-1234.5", "¥#,##0.00", 1, "-¥1,234.50" },
	{ "1234.5", "$#,##0.00", 1, "$1,234.50" },
	{ "1234.5", "#,##0.00 元", 1, "1,234.50 元" },
	{ "7", "Nr. 000", 0, "Nr. 007" },
	{ "3.89", "$0.00 'is the sales tax'", 0, "$3.89 is the sales tax" },
	{ "3.89", "$##0.00 'is the ##.00 goodness'", 0, "$  3.89 is the ##.00 goodness" },
	{ "5", "0' ;x'", 0, "5 ;x" },
	/* digit places between text fill from the right */
	{ "5551234567", "(000)'-'000'-'0000", 0, "(555)-123-4567" },
	{ "123456789", "#####'-'####", 0, "12345-6789" },
	/* signs */
	{ "10", "-##", 0, " 10" },
	{ "-10", "-##", 0, "-10" },
	{ "10", "+##", 0, "+10" },
	{ "-10", "+##", 0, "-10" },
	{ "0", "+0", 0, " 0" },
	/* sections: positive;negative;zero */
	{ "-1234.5", "#,##0.00;(#,##0.00)", 0, "(1,234.50)" },
	{ "1234.5", "#,##0.00;(#,##0.00)", 0, "1,234.50" },
	{ "-5", "$,0.00;($,0.00)", 0, "($5.00)" },
	{ "-5", "#,##0.00;-#,##0.00", 0, "-   5.00" },
	{ "-5", "0.00;-0.00", 0, "-5.00" },
	{ "-0.001", "0.00;(0.00)", 0, "(0.00)" },
	{ "0", "#,##0.00;-#,##0.00;'-'", 0, "-" },
	{ "0.00", "$,0.00;($,0.00);'zero'", 0, "zero" },
	{ "-1", "0.00;;'z'", 0, "-1.00" },
	/* long numbers stay exact */
	{ "123456789012345678901234567890.005", "#,##0.00", 0, "123,456,789,012,345,678,901,234,567,890.01" },
	{ "-999999999999999999999999999999.995", "0.00", 0, "-1000000000000000000000000000000.00" },
	{ "123456789012345678901234567890", NULL, 0, "123,456,789,012,345,678,901,234,567,890" },
};

ParameterizedTestParameters(format, number)
{
	TEST_CASE_INDICES(number_cases);
}

ParameterizedTest(size_t *i, format, number)
{
	const struct number_case *c = &number_cases[*i];
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;

	assert_ok(merge_format_number(&out, c->value, c->picture, c->money, &err), &err);
	cr_expect_str_eq(out.data, c->want, "'%s' by '%s': got '%s', want '%s'", c->value,
			 c->picture ? c->picture : "(null)", out.data, c->want);
	buf_release(&out);
	err_release(&err);
}

Test(format, bad_numbers)
{
	static const struct {
		const char *value, *picture, *msg;
	} cases[] = {
		{ "12a", "0", "'12a' is not a number" },
		{ "12a", NULL, "'12a' is not a number" },
		{ "", "0", "'' is not a number" },
		{ "1e5", "0", "'1e5' is not a number" },
		{ "1,234", "0", "'1,234' is not a number" },
		{ "12", "abc", "number picture 'abc' has no digit place (0, # or x)" },
		{ "12", ";(0)", "number picture ';(0)' has no digit place (0, # or x)" },
		{ "12", "0.00 'net", "number picture '0.00 'net': a quote is never closed" },
		/* a broken negative section fails for positive numbers too */
		{ "12", "0;('x)", "number picture '0;('x)': a quote is never closed" },
		{ "12", "0;0;0;0", "number picture '0;0;0;0' has more than three sections" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;
		struct err err = ERR_INIT;
		cr_expect_eq(merge_format_number(&out, cases[i].value, cases[i].picture, 0, &err), ERR_INPUT,
			     "case %zu", i);
		cr_expect_eq(err.code, ERR_INPUT);
		cr_expect_str_eq(err.msg.data, cases[i].msg);
		buf_release(&out);
		err_release(&err);
	}
}

/* ------------------------------------------------------------------- text */

struct text_case {
	const char *text, *sw, *want;
};

static const struct text_case text_cases[] = {
	{ "hello 王 world", "Upper", "HELLO 王 WORLD" },
	{ "éclair 咖啡 bar", "Upper", "éCLAIR 咖啡 BAR" },
	{ "HeLLo 中文 ABC", "Lower", "hello 中文 abc" },
	{ "hello world", "FirstCap", "Hello world" },
	{ "hello WORLD", "FirstCap", "Hello WORLD" },
	{ "  hello", "FirstCap", "  Hello" },
	{ "上海 shanghai", "FirstCap", "上海 shanghai" },
	{ "mary SMITH", "Caps", "Mary Smith" },
	{ "张三 zhang san", "Caps", "张三 Zhang San" },
	{ "北京\xE3\x80\x80"
	  "beijing",
	  "Caps",
	  "北京\xE3\x80\x80"
	  "Beijing" },
	{ "RICHARD", "Lower FirstCap", "Richard" },
	{ "hello", "upper", "HELLO" },
	{ "Hello", "MERGEFORMAT", "Hello" },
	{ "Hello", "CHARFORMAT", "Hello" },
	{ "Hello", NULL, "Hello" },
	{ "", "Upper", "" },
	/* Word's number formats, on the text of a number */
	{ "123", "roman", "cxxiii" },
	{ "1994", "ROMAN", "MCMXCIV" },
	{ "3999", "Roman", "MMMCMXCIX" },
	{ "0", "roman", "0" },
	{ "4000", "ROMAN", "4000" },
	{ "27", "ALPHABETIC", "AA" },
	{ "52", "alphabetic", "zz" },
	{ "53", "alphabetic", "aaa" },
	{ "1", "Ordinal", "1st" },
	{ "2", "Ordinal", "2nd" },
	{ "13", "Ordinal", "13th" },
	{ "101", "Ordinal", "101st" },
	{ "255", "Hex", "FF" },
	{ "123", "ArabicDash", "- 123 -" },
	{ "2.5", "Arabic", "3" },
	{ "张三", "roman", "张三" },
	/* 一百二十三, 壹佰贰拾叁, with the zeros Chinese writes */
	{ "123", "DBNum1", "一百二十三" },
	{ "123", "DBNum2", "壹佰贰拾叁" },
	{ "12", "DBNUM1", "十二" },
	{ "12", "DBNum2", "壹拾贰" },
	{ "10", "CHINESENUM3", "十" },
	{ "0", "DBNum1", "零" },
	{ "-45", "DBNum1", "负四十五" },
	{ "1001", "DBNum1", "一千零一" },
	{ "1010", "DBNum1", "一千零一十" },
	{ "10001", "DBNum1", "一万零一" },
	{ "100000", "DBNum1", "十万" },
	{ "110000", "DBNum1", "十一万" },
	{ "1000010", "DBNum1", "一百万零一十" },
	{ "10010000", "DBNum1", "一千零一万" },
	{ "100000001", "DBNum1", "一亿零一" },
	{ "120000000", "DBNum1", "一亿二千万" },
	{ "1234567890", "CHINESENUM2", "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾" },
	{ "1234.5", "DBNum2", "壹仟贰佰叁拾伍" },
	{ " 12 ", "DBNum1", "十二" },
	{ "ABC 123", "DBChar", "ＡＢＣ\xE3\x80\x80１２３" },
	{ "ＡＢＣ\xE3\x80\x80１２３。", "SBChar", "ABC 123。" },
	{ "dbchar", "Upper DBChar", "ＤＢＣＨＡＲ" },
	{ "12", "DBNum1 MERGEFORMAT", "十二" },
};

ParameterizedTestParameters(format, text)
{
	TEST_CASE_INDICES(text_cases);
}

ParameterizedTest(size_t *i, format, text)
{
	const struct text_case *c = &text_cases[*i];
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;

	assert_ok(merge_format_text(&out, c->text, c->sw, &err), &err);
	cr_expect_str_eq(out.data, c->want, "'%s' by '%s': got '%s'", c->text, c->sw ? c->sw : "(null)", out.data);
	buf_release(&out);
	err_release(&err);
}

Test(format, unknown_text_switch)
{
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;

	cr_assert_eq(merge_format_text(&out, "x", "Shout", &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "unknown format switch 'Shout'");
	cr_expect(strstr(err.hint.data, "use \\* Upper, Lower, FirstCap, Caps, roman"), "%s", err.hint.data);
	cr_expect_str_eq(out.data, "");
	err_release(&err);
	cr_assert_eq(merge_format_text(&out, "x", "Upper Loud", &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "unknown format switch 'Loud'");
	cr_expect_str_eq(out.data, "", "nothing is appended on failure");
	err_release(&err);
	/* Word's, but not written here: said so, before anything is merged */
	static const char *const refused[] = { "CardText", "DollarText", "OrdText", "DBNum3", "GB1", "CHINESENUM1" };
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int numeric = -1;
		cr_assert_eq(merge_format_text_check(refused[i], &numeric, &err), ERR_INPUT, "%s", refused[i]);
		cr_expect(strstr(err.msg.data, "is Word's, but crmgate cannot write numbers that way"), "%s",
			  err.msg.data);
		cr_expect(strstr(err.msg.data, refused[i]), "%s", err.msg.data);
		err_release(&err);
	}
	{
		int numeric = -1;
		assert_ok(merge_format_text_check("Upper MERGEFORMAT", &numeric, &err), &err);
		cr_expect_eq(numeric, 0);
		assert_ok(merge_format_text_check("dbnum2", &numeric, &err), &err);
		cr_expect_eq(numeric, 1);
	}
	buf_release(&out);
}

/* Results append to what out holds already. */
Test(format, appends)
{
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;

	buf_adds(&out, "合计：");
	assert_ok(merge_format_number(&out, "1234.5", "¥#,##0.00", 1, &err), &err);
	buf_adds(&out, "，");
	assert_ok(merge_format_date(&out, 2026, 11, 26, 0, 0, 0, NULL, NULL, &err), &err);
	cr_expect_str_eq(out.data, "合计：¥1,234.50，2026年11月26日");
	buf_release(&out);
	err_release(&err);
}
