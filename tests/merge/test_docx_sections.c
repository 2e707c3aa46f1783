/* tests/merge/test_docx_sections.c - sections whose tags stand in any
 * paragraphs, cells, runs or text boxes: every filled document parses as
 * XML, for lists of none, one and two items and for true and false
 * conditions, and says what the template says; what a tag's paragraph
 * carries besides the tag (a page break, a section's end) stays. */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx.h"
#include "merge/docx_zip.h"

#define P(text)	   "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
#define CELL(text) "<w:tc>" P(text) "</w:tc>"
#define PAGE_BREAK "<w:r><w:br w:type=\"page\"/></w:r>"

/* An order with n lines (X100, X500, X900) and the flag vip. */
static struct value *record(int nlines, int vip)
{
	static const char *const names[] = { "塔式服务器 X100", "服务器内存条 X500", "硬盘 X900" };
	struct value *rec = value_new_object(), *lines = value_new_list();
	for (int i = 0; i < nlines; i++) {
		struct value *l = value_new_object();
		value_object_set(l, "product_name", value_new_text(names[i]));
		value_object_set(l, "quantity", value_new_number(i ? "2" : "1", 0));
		value_list_push(lines, l);
	}
	value_object_set(rec, "lines", lines);
	value_object_set(rec, "vip", value_new_bool(vip));
	value_object_set(rec, "name", value_new_text("张三"));
	return rec;
}

/* The document part of body filled for rec; dies unless it compiles, fills,
 * and parses. */
static char *fill(const char *body, struct value *rec)
{
	char *dir = test_tmpdir(), *path = xstrfmt("%s/t.docx", dir);
	char *doc = xstrfmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " TEST_W "><w:body>%s"
			    "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>",
			    body);
	const char *const parts[][2] = { { "[Content_Types].xml", TEST_DOCX_TYPES },
					 { "_rels/.rels", TEST_DOCX_RELS },
					 { "word/document.xml", doc } };
	struct err err = ERR_INIT;
	struct merge_docx *d;
	struct merge_zip *z;
	struct buf data = BUF_INIT, out = BUF_INIT, part = BUF_INIT;
	xmlDocPtr parsed;

	test_write_docx(path, parts, 3);
	test_slurp_buf(&data, path);
	assert_ok(merge_docx_compile(&d, data.data, data.len, "t.docx", NULL, NULL, &err), &err);
	assert_ok(merge_docx_render_buf(d, rec, NULL, &out, &err), &err);
	assert_ok(merge_zip_open_buffer(&z, out.data, out.len, "out.docx", &err), &err);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/document.xml"), &part, &err), &err);
	parsed = xmlReadMemory(part.data, (int)part.len, "document.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	cr_assert(parsed, "the filled document does not parse:\n%s\nfrom the template body\n%s", part.data, body);
	xmlFreeDoc(parsed);
	merge_zip_free(z);
	merge_docx_free(d);
	value_free(rec);
	buf_release(&data);
	buf_release(&out);
	free(doc);
	free(path);
	test_rmdir(dir);
	return buf_detach(&part, NULL);
}

/* What a reader sees: each paragraph's text on a line, "[page]" for a page
 * break, "|" between cells. */
static char *seen(const char *xml)
{
	struct buf b = BUF_INIT;
	for (const char *p = xml; *p; p++) {
		if (!strncmp(p, "</w:p>", 6))
			buf_addch(&b, '\n');
		else if (!strncmp(p, "<w:br w:type=\"page\"/>", 21))
			buf_adds(&b, "[page]");
		else if (!strncmp(p, "</w:tc>", 7))
			buf_addch(&b, '|');
		else if (!strncmp(p, "<w:t>", 5) || !strncmp(p, "<w:t xml:space=\"preserve\">", 26)) {
			const char *s = strchr(p, '>') + 1, *e = strstr(s, "</w:t>");
			buf_add(&b, s, (size_t)(e - s));
			p = e;
		} else if (!strncmp(p, "<w:t/>", 6) || !strncmp(p, "<w:t xml:space=\"preserve\"/>", 27)) {
			p = strchr(p, '>');
		}
	}
	return buf_detach(&b, NULL);
}

struct section_case {
	const char *what, *body;
	const char *want[3]; /* seen for 0, 1 and 2 lines (vip when the line count is odd) */
};

static const struct section_case cases[] = {
	{ "a list opened among text, closed alone in the next paragraph (the issue's template)",
	  P("{{#lines}}{{product_name}}") P("{{/lines}}") P("end"),
	  { "end\n", "塔式服务器 X100\nend\n", "塔式服务器 X100\n服务器内存条 X500\nend\n" } },
	{ "a list opened alone, closed among text",
	  P("订单") P("{{#lines}}") P("{{product_name}} × {{quantity}}{{/lines}}") P("end"),
	  { "订单\nend\n", "订单\n塔式服务器 X100 × 1\nend\n",
	    "订单\n塔式服务器 X100 × 1\n服务器内存条 X500 × 2\nend\n" } },
	{ "a list opened alone as the first paragraph, closed among text",
	  P("{{#lines}}") P("{{product_name}}{{/lines}}") P("end"),
	  { "end\n", "塔式服务器 X100\nend\n", "塔式服务器 X100\n服务器内存条 X500\nend\n" } },
	{ "a list among the text of two paragraphs",
	  P("清单：{{#lines}}{{product_name}}") P("，{{/lines}}完") P("end"),
	  { "清单：完\nend\n", "清单：塔式服务器 X100\n，完\nend\n",
	    "清单：塔式服务器 X100\n，服务器内存条 X500\n，完\nend\n" } },
	{ "a condition whose tags stand alone",
	  P("a") P("{{#vip}}") P("贵宾") P("{{/vip}}") P("{{^vip}}") P("普通") P("{{/vip}}") P("z"),
	  { "a\n普通\nz\n", "a\n贵宾\nz\n", "a\n普通\nz\n" } },
	{ "a condition false among the text of paragraphs, a greeting before it",
	  P("尊敬的{{name}}，{{#vip}}作为贵宾，") P("您可享受九折。{{/vip}}") P("此致"),
	  { "尊敬的张三，\n此致\n", "尊敬的张三，作为贵宾，\n您可享受九折。\n此致\n", "尊敬的张三，\n此致\n" } },
	{ "a list in a table row, its tags in the first and last cells",
	  "<w:tbl><w:tr>" CELL("{{#lines}}{{product_name}}") CELL("{{quantity}}{{/lines}}") "</w:tr></w:tbl>" P("end"),
	  { "end\n", "塔式服务器 X100\n|1\n|end\n", "塔式服务器 X100\n|1\n|服务器内存条 X500\n|2\n|end\n" } },
	{ "a list opened in one row's cell, closed alone in the next row",
	  "<w:tbl><w:tr>" CELL("{{#lines}}{{product_name}}")
		  CELL("{{quantity}}") "</w:tr>"
				       "<w:tr>" CELL("{{/lines}}") CELL("") "</w:tr><w:tr>" CELL("合计")
					       CELL("3") "</w:tr></w:tbl>",
	  { "合计\n|3\n|", "塔式服务器 X100\n|1\n|\n|\n|合计\n|3\n|",
	    "塔式服务器 X100\n|1\n|\n|\n|服务器内存条 X500\n|2\n|\n|\n|合计\n|3\n|" } },
	{ "a list opened in a paragraph, closed in a table cell",
	  P("{{#lines}}{{product_name}}") "<w:tbl><w:tr>" CELL("{{quantity}}{{/lines}}") "</w:tr></w:tbl>" P("end"),
	  { "end\n", "塔式服务器 X100\n1\n|end\n", "塔式服务器 X100\n1\n|服务器内存条 X500\n2\n|end\n" } },
	{ "a condition that opens in a hyperlink and closes outside it",
	  "<w:p><w:hyperlink w:anchor=\"x\"><w:r><w:t>{{#vip}}链接</w:t></w:r></w:hyperlink>"
	  "<w:r><w:t>文字{{/vip}}后</w:t></w:r></w:p>" P("end"),
	  { "后\nend\n", "链接文字后\nend\n", "后\nend\n" } },
	{ "a list opened in a text box, closed in the body",
	  "<w:p><w:r><w:t>框</w:t></w:r><w:r><w:pict><v:shape xmlns:v=\"urn:schemas-microsoft-com:vml\"><v:textbox>"
	  "<w:txbxContent>" P("{{#lines}}{{product_name}}") "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>" P(
		  "{{/lines}}") P("end"),
	  { "end\n", NULL, NULL } },
	{ "nested sections over paragraphs, the inner one among text",
	  P("{{#vip}}") P("贵宾：{{#lines}}{{product_name}}") P("{{/lines}}") P("{{/vip}}") P("end"),
	  { "end\n", "贵宾：塔式服务器 X100\nend\n", "end\n" } },
	{ "two sections that close and open in one paragraph",
	  P("{{#vip}}") P("贵宾") P("{{/vip}}{{#lines}}") P("{{product_name}}") P("{{/lines}}") P("end"),
	  { "end\n", "贵宾\n塔式服务器 X100\nend\n", "塔式服务器 X100\n服务器内存条 X500\nend\n" } },
};

ParameterizedTestParameters(docx_sections, every_document_parses_and_says_what_the_template_says)
{
	TEST_CASE_INDICES(cases);
}

ParameterizedTest(size_t *i, docx_sections, every_document_parses_and_says_what_the_template_says)
{
	const struct section_case *c = &cases[*i];
	for (int n = 0; n < 3; n++) {
		char *xml = fill(c->body, record(n, n % 2)), *text = seen(xml);
		if (c->want[n])
			cr_expect_str_eq(text, c->want[n], "%s, %d line(s):\n%s", c->what, n, xml);
		free(text);
		free(xml);
	}
}

/* A loop meant to put each item on its own page: the break in the closing
 * tag's paragraph is kept, inside the section; a paragraph that ends a
 * Word section keeps its section properties. */
Test(docx_sections, page_and_section_breaks_in_a_tags_paragraph_stay)
{
	char *xml = fill(P("{{#lines}}") P("{{product_name}}") "<w:p>" PAGE_BREAK
							       "<w:r><w:t>{{/lines}}</w:t></w:r></w:p>" P("end"),
			 record(2, 0));
	char *text = seen(xml);
	cr_expect_str_eq(text, "塔式服务器 X100\n[page]\n服务器内存条 X500\n[page]\nend\n", "%s", xml);
	free(text);
	free(xml);

	xml = fill(P("{{#lines}}") "<w:p>" PAGE_BREAK "<w:r><w:t>{{product_name}}</w:t></w:r></w:p>" P("{{/lines}}"),
		   record(2, 0));
	text = seen(xml);
	cr_expect_str_eq(text, "[page]塔式服务器 X100\n[page]服务器内存条 X500\n", "%s", xml);
	free(text);
	free(xml);

	/* a paragraph that holds a tag and ends a Word section (landscape pages) */
	xml = fill(P("{{#vip}}") P(
			   "横向") "<w:p><w:pPr><w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" "
				   "w:orient=\"landscape\"/></w:sectPr></w:pPr><w:r><w:t>{{/vip}}</w:t></w:r></w:p>" P(
					   "end"),
		   record(0, 1));
	cr_expect_eq(strstr(xml, "w:orient=\"landscape\"") != NULL, 1, "the section's end is kept: %s", xml);
	free(xml);
	/* a page break before a tag's paragraph */
	xml = fill("<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>{{#lines}}</w:t></w:r></w:p>" P(
			   "{{product_name}}") P("{{/lines}}"),
		   record(2, 0));
	cr_expect_eq(strstr(strstr(xml, "<w:pageBreakBefore/>") + 1, "<w:pageBreakBefore/>") != NULL, 1,
		     "each item starts a page: %s", xml);
	free(xml);
}
