/* tests/merge/test_text.c - text templates: placeholders, switches, sections,
 * escaping, and the errors a marketer sees. */
#include <string.h>

#include "testlib.h"
#include "merge/text.h"

/* A quote for an order: a customer, its owner, and two lines. */
static struct value *quote_record(void)
{
	struct value *rec = value_new_object(), *cust = value_new_object(), *owner = value_new_object();
	struct value *lines = value_new_list();
	const char *items[][3] = { { "P1", "数控机床", "12000.00" }, { "P2", "刀具 <套装> & 配件", "350.5" } };

	value_object_set(cust, "name", value_new_text("上海华东机械有限公司"));
	value_object_set(owner, "name", value_new_text("王伟"));
	value_object_set(owner, "mobile", value_new_null());
	value_object_set(rec, "customer", cust);
	value_object_set(rec, "owner", owner);
	value_object_set(rec, "code", value_new_text("SO0001"));
	value_object_set(rec, "ordered_on", value_new_date(2026, 11, 26));
	value_object_set(rec, "total", value_new_number("12350.5", 1));
	value_object_set(rec, "note", value_new_text("第一行\n第二行"));
	for (size_t i = 0; i < 2; i++) {
		struct value *l = value_new_object();
		value_object_set(l, "product_code", value_new_text(items[i][0]));
		value_object_set(l, "product_name", value_new_text(items[i][1]));
		value_object_set(l, "amount", value_new_number(items[i][2], 1));
		value_list_push(lines, l);
	}
	value_object_set(rec, "lines", lines);
	value_object_set(rec, "vip", value_new_bool(0));
	return rec;
}

static void renders(const char *src, enum merge_escape esc, const char *want)
{
	struct merge_tpl t;
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct value *rec = quote_record();

	assert_ok(merge_text_compile(&t, src, esc, &err), &err);
	assert_ok(merge_render(&out, &t, rec, NULL, &err), &err);
	cr_expect_str_eq(out.data, want, "template '%s'", src);
	merge_tpl_release(&t);
	value_free(rec);
	buf_release(&out);
	err_release(&err);
}

Test(text, fields_and_related_records)
{
	renders("尊敬的{{customer.name}}：您的客户经理是{{ owner.name }}。", MERGE_ESC_NONE,
		"尊敬的上海华东机械有限公司：您的客户经理是王伟。");
	renders("{{owner.mobile}}|{{no.such.field}}|", MERGE_ESC_NONE, "||");
	/* names match regardless of case, as Word matches MERGEFIELD names */
	renders("{{Customer.NAME}} {{CODE}} {{#LINES}}{{Product_Code}}{{/lines}}", MERGE_ESC_NONE,
		"上海华东机械有限公司 SO0001 P1P2");
	renders("{{owner.mobile \\b \"电话：\"}}{{owner.name \\b \"联系人：\" \\f \"。\"}}", MERGE_ESC_NONE,
		"联系人：王伟。");
}

Test(text, default_formats_and_switches)
{
	renders("{{ordered_on}} {{total}}", MERGE_ESC_NONE, "2026年11月26日 12,350.50");
	renders("{{ordered_on \\@ \"yyyy-MM-dd\"}} {{total \\# \"#,##0\"}}", MERGE_ESC_NONE, "2026-11-26 12,351");
	renders("{{code \\* Lower}}", MERGE_ESC_NONE, "so0001");
	/* a number written another way starts from the number, not 12,350.50 */
	renders("{{total \\* DBNum2}}元", MERGE_ESC_NONE, "壹万贰仟叁佰伍拾壹元");
	/* roman stops at 3999: the number is left as it is */
	renders("{{#lines}}{{amount \\* ROMAN}} {{/lines}}", MERGE_ESC_NONE, "12000.00 CCCLI ");
	renders("{{total \\* DBNum1 \\* MERGEFORMAT}}", MERGE_ESC_NONE, "一万二千三百五十一");
}

Test(text, sections_repeat_and_choose)
{
	renders("{{#lines}}{{product_code}}={{amount}}; {{/lines}}", MERGE_ESC_NONE, "P1=12,000.00; P2=350.50; ");
	/* inside a section the outer record is still there */
	renders("{{#lines}}{{code}}/{{product_code}} {{/lines}}", MERGE_ESC_NONE, "SO0001/P1 SO0001/P2 ");
	renders("{{#vip}}VIP{{/vip}}{{^vip}}普通{{/vip}}", MERGE_ESC_NONE, "普通");
	renders("{{^lines}}无明细{{/lines}}{{#owner}}{{name}}{{/owner}}", MERGE_ESC_NONE, "王伟");
}

Test(text, a_section_tag_alone_on_its_line_leaves_no_empty_line)
{
	renders("尊敬的客户：\n  {{#vip}}\n贵宾专享\n  {{/vip}}\n{{^vip}}\r\n普通\r\n{{/vip}}\r\n谢谢", MERGE_ESC_NONE,
		"尊敬的客户：\n普通\r\n谢谢");
	renders("a {{#vip}}x{{/vip}} b\n", MERGE_ESC_NONE, "a  b\n");
	renders("{{#lines}}\n- {{product_code}}\n{{/lines}}\n", MERGE_ESC_NONE, "- P1\n- P2\n");
}

Test(text, escaping)
{
	renders("<p>{{#lines}}{{product_name}}{{/lines}}</p>", MERGE_ESC_HTML,
		"<p>数控机床刀具 &lt;套装&gt; &amp; 配件</p>");
	renders("{{note}}", MERGE_ESC_WORDML, "第一行</w:t><w:br/><w:t xml:space=\"preserve\">第二行");
	renders("{{note}}", MERGE_ESC_NONE, "第一行\n第二行");
}

Test(text, errors_say_where)
{
	static const struct {
		const char *src, *msg;
	} bad[] = {
		{ "Hello {{name", "line 1, column 7: '{{' is never closed by '}}'" },
		{ "a\n{{#lines}}\nx", "line 2, column 1: section 'lines' is never closed" },
		{ "{{#a}}{{#b}}{{/a}}{{/b}}", "line 1, column 13: section 'a' is closed while another one is open" },
		{ "x{{/a}}", "line 1, column 2: section 'a' is closed but was never opened" },
		{ "{{#}}", "line 1, column 1: a section needs a name" },
		{ "第{{name \\q 1}}", "line 1, column 2: field 'name': unknown switch '\\q'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct merge_tpl t;
		struct err err = ERR_INIT;
		cr_expect_eq(merge_text_compile(&t, bad[i].src, MERGE_ESC_NONE, &err), ERR_INPUT, "'%s'", bad[i].src);
		cr_expect_str_eq(err.msg.data, bad[i].msg, "'%s'", bad[i].src);
		err_release(&err);
	}
}

Test(text, every_problem_is_reported_at_once)
{
	struct merge_tpl t;
	struct err err = ERR_INIT;
	const char *src = "Hi {{name \\z 1}}\n}} and {{#a}}\n{{/b}} {{nmae}}\nend {{open";

	cr_assert_eq(merge_text_compile(&t, src, MERGE_ESC_NONE, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "line 1, column 4: field 'name': unknown switch '\\z'");
	cr_expect_str_eq(err.detail.data, "line 2, column 1: '}}' closes nothing: its '{{' is missing\n"
					  "line 3, column 1: section 'b' is closed while another one is open\n"
					  "line 4, column 5: '{{' is never closed by '}}'\n"
					  "line 2, column 8: section 'a' is never closed\n");
	err_release(&err);
	/* an HTML style sheet ends its rules with "}}": no problem there */
	assert_ok(merge_text_compile(&t, "<style>@media print{p{color:red}}</style>{{name}}", MERGE_ESC_HTML, &err),
		  &err);
	merge_tpl_release(&t);
}

Test(text, a_list_in_a_field_is_an_error)
{
	struct merge_tpl t;
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct value *rec = quote_record();
	assert_ok(merge_text_compile(&t, "{{lines}}", MERGE_ESC_NONE, &err), &err);
	cr_assert_eq(merge_render(&out, &t, rec, NULL, &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "field 'lines' is a list"), "%s", err.msg.data);
	merge_tpl_release(&t);
	value_free(rec);
	buf_release(&out);
	err_release(&err);
}

Test(text, errors_in_a_word_part_name_the_paragraph_and_the_text_near)
{
	static const char xml[] =
		"<w:body><w:p><w:r><w:t>报价单</w:t></w:r></w:p>"
		"<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>尊敬的 &amp; {{#vip}}贵宾</w:t></w:r></w:p>"
		"<w:p><w:r><w:t>end</w:t></w:r></w:p></w:body>";
	struct merge_tpl t;
	struct err err = ERR_INIT;

	cr_assert_eq(merge_text_compile(&t, xml, MERGE_ESC_WORDML, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "paragraph 2: section 'vip' is never closed (near \"尊敬的 & {{#vip}}贵宾\")");
	err_release(&err);
}

Test(text, a_check_names_every_unknown_field_and_where_it_is)
{
	const char *src = "{{name}} {{nmae}}\n{{customer.name}} {{customer.nope}}\n"
			  "{{#lines}}{{product_code}} {{code}}{{/lines}} {{lines}} {{customer}} {{today}}\n"
			  "{{^vip}}{{name}}{{/vip}}";
	struct value *shape = value_new_object(), *cust = value_new_object(), *lines = value_new_list();
	struct value *line = value_new_object(), *globals = value_new_object();
	struct merge_tpl t;
	struct err err = ERR_INIT;

	value_object_set(shape, "name", value_new_null());
	value_object_set(cust, "name", value_new_null());
	value_object_set(shape, "customer", cust);
	value_object_set(line, "product_code", value_new_null());
	value_list_push(lines, line);
	value_object_set(shape, "lines", lines);
	value_object_set(globals, "today", value_new_null());

	assert_ok(merge_text_compile(&t, src, MERGE_ESC_NONE, &err), &err);
	cr_assert_eq(merge_tpl_check(&t, src, shape, globals, &err), ERR_INPUT);
	cr_expect_str_eq(err.msg.data, "line 1, column 10: unknown field 'nmae'");
	cr_expect_str_eq(err.detail.data, "line 2, column 19: unknown field 'customer.nope'\n"
					  "line 3, column 28: unknown field 'code'\n"
					  "line 3, column 47: field 'lines' is a list: repeat it as a section\n"
					  "line 3, column 57: field 'customer' is a record: name one of its fields\n"
					  "line 4, column 1: unknown section 'vip'\n");
	err_release(&err);

	/* a name in another case is the same name */
	merge_tpl_release(&t);
	src = "{{NAME}} {{Customer.Name}} {{#Lines}}{{PRODUCT_CODE}}{{/Lines}} {{Today}}";
	assert_ok(merge_text_compile(&t, src, MERGE_ESC_NONE, &err), &err);
	assert_ok(merge_tpl_check(&t, src, shape, globals, &err), &err);

	/* the same template is fine for records that have those fields */
	value_object_set(shape, "vip", value_new_null());
	value_object_set(shape, "code", value_new_null());
	value_object_set(cust, "nope", value_new_null());
	value_object_set(shape, "nmae", value_new_null());
	merge_tpl_release(&t);
	src = "{{name}} {{nmae}} {{customer.nope}} {{#lines}}{{product_code}} {{code}}{{/lines}} {{^vip}}x{{/vip}}";
	assert_ok(merge_text_compile(&t, src, MERGE_ESC_NONE, &err), &err);
	assert_ok(merge_tpl_check(&t, src, shape, globals, &err), &err);
	merge_tpl_release(&t);
	value_free(shape);
	value_free(globals);
}
