/* tests/merge/test_docx_xml.c - Word's split runs and field codes become
 * plain placeholders; section tags leave their paragraph or wrap their row. */
#include <string.h>

#include "testlib.h"
#include "merge/docx_xml.h"

#define DOC_START                                                                                                      \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"                                                \
	"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
#define DOC_END "</w:body></w:document>"

static void prepare(const char *body, struct buf *out, int *fields)
{
	struct err err = ERR_INIT;
	struct buf xml = BUF_INIT;
	struct merge_prepared prep;
	merge_prepared_init(&prep);
	buf_adds(&xml, DOC_START);
	buf_adds(&xml, body);
	buf_adds(&xml, DOC_END);
	assert_ok(merge_docx_prepare(&prep, "word/document.xml", xml.data, xml.len, &err), &err);
	buf_reset(out);
	buf_add(out, prep.xml.data, prep.xml.len);
	*fields = prep.fields;
	merge_prepared_release(&prep);
	buf_release(&xml);
	err_release(&err);
}

#define expect_in(out, s)     cr_expect(strstr((out)->data, s), "expected %s in:\n%s", s, (out)->data)
#define expect_not_in(out, s) cr_expect_null(strstr((out)->data, s), "did not expect %s in:\n%s", s, (out)->data)

Test(docx_xml, a_placeholder_split_over_runs_is_gathered)
{
	struct buf out = BUF_INIT;
	int fields;
	prepare("<w:p><w:r><w:t>尊敬的{{cust</w:t></w:r><w:proofErr w:type=\"spellStart\"/>"
		"<w:bookmarkStart w:id=\"0\" w:name=\"x\"/><w:r w:rsidR=\"00A1\"><w:rPr><w:b/></w:rPr><w:t>omer.na</w:t></w:r>"
		"<w:bookmarkEnd w:id=\"0\"/><w:r><w:t xml:space=\"preserve\">me}}，您好 {{owner.name}}</w:t></w:r></w:p>",
		&out, &fields);
	cr_assert_eq(fields, 2);
	expect_in(&out, "<w:t xml:space=\"preserve\">尊敬的{{customer.name}}</w:t>");
	expect_in(&out, "<w:t xml:space=\"preserve\">，您好 {{owner.name}}</w:t>");
	expect_in(&out, "<w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\"/>");
	buf_release(&out);
}

Test(docx_xml, complex_and_simple_merge_fields_become_placeholders)
{
	struct buf out = BUF_INIT;
	int fields;
	prepare("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		"<w:r><w:instrText xml:space=\"preserve\"> MERGEFIELD  birth</w:instrText></w:r>"
		"<w:r><w:instrText xml:space=\"preserve\">day \\@ \"yyyy年M月d日\" \\* MERGEFORMAT </w:instrText></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
		"<w:r><w:rPr><w:i/></w:rPr><w:t>«birthday»</w:t></w:r>"
		"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
		"<w:p><w:fldSimple w:instr=\" MERGEFIELD name \"><w:r><w:rPr><w:u w:val=\"single\"/></w:rPr>"
		"<w:t>«name»</w:t></w:r></w:fldSimple></w:p>"
		"<w:p><w:fldSimple w:instr=\"PAGE\"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>",
		&out, &fields);
	cr_assert_eq(fields, 2);
	expect_in(&out, "<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">{{birthday \\@ \"yyyy年M月d日\" \\* "
			"MERGEFORMAT}}</w:t></w:r>");
	expect_in(&out, "<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:t xml:space=\"preserve\">{{name}}</w:t></w:r>");
	expect_not_in(&out, "fldChar");
	expect_not_in(&out, "«");
	expect_in(&out, "<w:fldSimple w:instr=\"PAGE\">");
	buf_release(&out);
}

Test(docx_xml, section_tags_leave_their_paragraph_or_wrap_the_row)
{
	struct buf out = BUF_INIT;
	int fields;
	prepare("<w:p><w:r><w:t>{{#vip}}</w:t></w:r></w:p><w:p><w:r><w:t>尊贵的客户</w:t></w:r></w:p>"
		"<w:p><w:r><w:t xml:space=\"preserve\"> {{/vip}} </w:t></w:r></w:p>"
		"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>产品</w:t></w:r></w:p></w:tc></w:tr>"
		"<w:tr><w:tc><w:p><w:r><w:t>{{#lines}}{{product_name}}</w:t></w:r></w:p></w:tc>"
		"<w:tc><w:p><w:r><w:t>{{amount}}{{/lines}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
		"<w:p><w:r><w:t>{{#vip}}贵宾{{/vip}}</w:t></w:r></w:p>",
		&out, &fields);
	expect_in(&out, "<w:body>{{#vip}}<w:p>");
	expect_in(&out, "</w:p>{{/vip}}<w:tbl>");
	expect_in(&out, "</w:tr>{{#lines}}<w:tr>");
	expect_in(&out, "<w:t xml:space=\"preserve\">{{product_name}}</w:t>");
	expect_in(&out, "<w:t xml:space=\"preserve\">{{amount}}</w:t>");
	expect_in(&out, "</w:tr>{{/lines}}</w:tbl>");
	expect_in(&out, "<w:t>{{#vip}}贵宾{{/vip}}</w:t>");
	buf_release(&out);
}

Test(docx_xml, untrusted_xml_is_refused)
{
	struct err err = ERR_INIT;
	struct merge_prepared out;
	static const char doctype[] = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
				      "<d>&x;</d>";
	static const char broken[] = "<w:document>\n<w:body>\n<w:p></w:body>";
	merge_prepared_init(&out);
	cr_assert_eq(merge_docx_prepare(&out, "word/document.xml", doctype, strlen(doctype), &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "DOCTYPE is not allowed"), "%s", err.msg.data);
	cr_assert_null(strstr(out.xml.data, "root:"), "no entity was read");
	err_release(&err);
	cr_assert_eq(merge_docx_prepare(&out, "word/header1.xml", broken, strlen(broken), &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "part word/header1.xml, line 3: broken XML"), "%s", err.msg.data);
	err_release(&err);
	merge_prepared_release(&out);
}

Test(docx_xml, a_section_that_opens_and_closes_in_one_cell_stays_in_its_row)
{
	struct buf out = BUF_INIT;
	int fields;
	/* "no lines" inside a row, and two row sections that close in order */
	prepare("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{^lines}}暂无明细{{/lines}}</w:t></w:r></w:p></w:tc></w:tr>"
		"<w:tr><w:tc><w:p><w:r><w:t>{{#vip}}{{#lines}}{{name}}</w:t></w:r></w:p></w:tc>"
		"<w:tc><w:p><w:r><w:t>{{amount}}{{/lines}}</w:t></w:r></w:p></w:tc>"
		"<w:tc><w:p><w:r><w:t>{{/vip}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
		&out, &fields);
	expect_in(&out, "<w:t>{{^lines}}暂无明细{{/lines}}</w:t></w:r></w:p></w:tc></w:tr>{{#vip}}{{#lines}}<w:tr>");
	expect_in(&out, "</w:tr>{{/lines}}{{/vip}}</w:tbl>");
	buf_release(&out);
}

Test(docx_xml, a_part_about_to_be_written_is_checked)
{
	static const struct {
		const char *xml, *why;
	} bad[] = {
		{ "<w:document " TEST_W "><w:body><w:p></w:body></w:document>", "line 1" },
		{ "<w:document " TEST_W "><w:body>服务器内存条 X500</w:t></w:r></w:p></w:body></w:document>",
		  "line 1" },
		{ "<w:document " TEST_W "><x:p/></w:document>", "x" },
		{ "<w:document " TEST_W "><!-- a--b --></w:document>", "line 1" },
		{ "<w:document " TEST_W ">\n<w:t>\x01</w:t></w:document>", "line 2" },
		{ "", "" },
	};
	struct err err = ERR_INIT;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(merge_xml_check("word/document.xml", bad[i].xml, strlen(bad[i].xml), &err), ERR_FAIL, "%s",
			     bad[i].xml);
		cr_expect(strstr(err.msg.data, "part word/document.xml would not be well-formed XML ("), "%s",
			  err.msg.data);
		cr_expect(strstr(err.msg.data, bad[i].why), "%s", err.msg.data);
		err_release(&err);
	}
	static const char good[] = "<?xml version=\"1.0\"?><w:document " TEST_W "><w:body><w:p><w:r><w:t>塔式服务器 "
				   "&amp; X100</w:t></w:r></w:p></w:body></w:document>";
	assert_ok(merge_xml_check("word/document.xml", good, strlen(good), &err), &err);
}
