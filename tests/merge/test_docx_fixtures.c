/* tests/merge/test_docx_fixtures.c - a quote template as Word writes it
 * (tests/merge/word_fixture.h), filled and checked the way a user would: the
 * text is there, nothing of a field or placeholder is left, formatting is
 * kept, and the output is a valid package (every part well-formed XML,
 * [Content_Types].xml true to the parts). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "testlib.h"
#include "word_fixture.h"
#include "common/xalloc.h"

#define W_NS  "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define CT_NS "http://schemas.openxmlformats.org/package/2006/content-types"

static int is_w(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, W_NS) &&
	       !strcmp((const char *)n->name, name);
}

/* The text a reader sees: w:t contents, a line end per paragraph and break. */
static void text_of(struct buf *out, xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(n, "t")) {
			xmlChar *s = xmlNodeGetContent(n);
			buf_adds(out, (const char *)s);
			xmlFree(s);
		} else if (is_w(n, "br")) {
			buf_addch(out, '\n');
		} else {
			text_of(out, n->children);
			if (is_w(n, "p"))
				buf_addch(out, '\n');
		}
	}
}

static xmlDocPtr parse(const struct buf *xml, const char *part)
{
	xmlDocPtr doc = xmlReadMemory(xml->data, (int)xml->len, part, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	cr_assert(doc, "%s is not well-formed XML:\n%s", part, xml->data);
	return doc;
}

/* The template filled for one record, in a folder of its own, opened:
 * its parts by name, raw and as text. */
struct output {
	char *dir;
	struct merge_zip *z;
	struct buf raw, text;
};

static void output_open(struct output *o, struct value *rec)
{
	struct err err = ERR_INIT;
	char *path;

	memset(o, 0, sizeof(*o));
	buf_init(&o->raw);
	buf_init(&o->text);
	o->dir = test_tmpdir();
	path = wf_fill(o->dir, rec);
	assert_ok(merge_zip_open_file(&o->z, path, &err), &err);
	free(path);
}

static void output_close(struct output *o)
{
	merge_zip_free(o->z);
	buf_release(&o->raw);
	buf_release(&o->text);
	test_rmdir(o->dir);
}

/* Load part into o->raw and its reader's text into o->text. */
static void output_part(struct output *o, const char *part)
{
	struct err err = ERR_INIT;
	long i = merge_zip_find(o->z, part);
	xmlDocPtr doc;

	cr_assert(i >= 0, "the output has no %s", part);
	assert_ok(merge_zip_read(o->z, (size_t)i, &o->raw, &err), &err);
	doc = parse(&o->raw, part);
	buf_reset(&o->text);
	text_of(&o->text, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
}

#define expect_text(o, s) cr_expect(strstr((o)->text.data, s), "expected '%s' in the text:\n%s", s, (o)->text.data)
#define expect_no_text(o, s)                                                                                           \
	cr_expect_null(strstr((o)->text.data, s), "did not expect '%s' in the text:\n%s", s, (o)->text.data)

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* What every output must be: each XML part well-formed, no field or
 * placeholder left in any of them, and [Content_Types].xml true to the
 * parts (OPC, ECMA-376 part 2, 10.1.2). */
static void check_package(struct output *o)
{
	struct err err = ERR_INIT;
	xmlDocPtr ct;
	size_t nparts = merge_zip_count(o->z);
	char **defaults = xcalloc(nparts * 4 + 1, sizeof(*defaults)),
	     **overrides = xcalloc(nparts * 4 + 1, sizeof(char *));
	size_t ndef = 0, nover = 0;

	for (size_t i = 0; i < nparts; i++) {
		const char *name = merge_zip_name(o->z, i);
		if (!has_suffix(name, ".xml") && !has_suffix(name, ".rels"))
			continue;
		assert_ok(merge_zip_read(o->z, i, &o->raw, &err), &err);
		xmlFreeDoc(parse(&o->raw, name));
		cr_expect_null(strstr(o->raw.data, "{{"), "a placeholder is left in %s:\n%s", name, o->raw.data);
		cr_expect_null(strstr(o->raw.data, "MERGEFIELD"), "a merge field is left in %s:\n%s", name,
			       o->raw.data);
		cr_expect_null(strstr(o->raw.data, "«"), "a field's result is left in %s", name);
		/* the footer's PAGE field is Word's to fill; no other field code stays */
		cr_expect_eq(count(o->raw.data, "<w:fldChar"), strcmp(name, "word/footer1.xml") ? 0 : 3,
			     "fldChar left in %s:\n%s", name, o->raw.data);
	}

	output_part(o, "[Content_Types].xml");
	ct = parse(&o->raw, "[Content_Types].xml");
	for (xmlNodePtr n = xmlDocGetRootElement(ct)->children; n; n = n->next) {
		xmlChar *v;
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->ns->href, CT_NS))
			continue;
		if (!strcmp((const char *)n->name, "Default") && (v = xmlGetProp(n, (const xmlChar *)"Extension")))
			defaults[ndef++] = (char *)v;
		if (!strcmp((const char *)n->name, "Override") && (v = xmlGetProp(n, (const xmlChar *)"PartName")))
			overrides[nover++] = (char *)v;
	}
	for (size_t i = 0; i < nover; i++)
		cr_expect(overrides[i][0] == '/' && merge_zip_find(o->z, overrides[i] + 1) >= 0,
			  "[Content_Types].xml names %s, which is not in the package", overrides[i]);
	for (size_t i = 0; i < nparts; i++) {
		const char *name = merge_zip_name(o->z, i), *dot = strrchr(name, '.');
		int typed = 0;
		if (!strcmp(name, "[Content_Types].xml") || has_suffix(name, "/"))
			continue;
		/* part names compare without regard to case (ECMA-376 part 2, 9.1.1.1) */
		for (size_t k = 0; !typed && k < nover; k++)
			typed = !strcasecmp(overrides[k] + 1, name);
		for (size_t k = 0; !typed && dot && k < ndef; k++)
			typed = !strcasecmp(defaults[k], dot + 1);
		cr_expect(typed, "part %s has no content type", name);
	}
	for (size_t i = 0; i < ndef; i++)
		xmlFree(defaults[i]);
	for (size_t i = 0; i < nover; i++)
		xmlFree(overrides[i]);
	free(defaults);
	free(overrides);
	xmlFreeDoc(ct);
	err_release(&err);
}

Test(docx_fixtures, a_word_quote_is_filled_in_every_part)
{
	struct output o;

	output_open(&o, wf_record(1, 2));
	check_package(&o);

	output_part(&o, "word/document.xml");
	expect_text(&o, "尊敬的Acme 上海 <&> \"quote\"：");
	expect_text(&o, "客户：ACME 上海 <&> \"QUOTE\"\n");
	expect_text(&o, "日期：2026年11月26日\n");
	expect_text(&o, "地址：上海市浦东新区\n世纪大道100号\n");
	expect_text(&o, "备注：A<B & \"C\"\n第二行\n");
	expect_text(&o, "联系人：王小明\n");
	/* the text box, in the drawing and in its fallback */
	cr_expect_eq(count(o.text.data, "编号：SO-2026-001"), 2, "%s", o.text.data);
	expect_text(&o, "感谢您多年来的支持");
	expect_no_text(&o, "欢迎加入");
	expect_text(&o, "数控机床 <CK6140>\n1\n12,000.00\n12,000.00\n");
	/* a # place a number does not fill shows as a space, as in Word */
	expect_text(&o, "刀具 & 配件（折）\n2\n 175.25\n 350.50\n");
	cr_expect_eq(count(o.text.data, "（折）"), 1, "only the discounted line: %s", o.text.data);
	expect_no_text(&o, "暂无明细");
	expect_text(&o, "合计：12,350.50 元\n");
	expect_no_text(&o, "折扣");
	/* a false condition leaves no empty paragraph: the line before the
	 * table is the one the condition kept */
	expect_text(&o, "备注：A<B & \"C\"\n第二行\n感谢您多年来的支持，贵宾价已计入。\n贵宾专享：\n免运费。\n产品");
	/* the picture in the header, the notes and the references stay */
	cr_expect(strstr(o.raw.data, "<w:footnoteReference w:id=\"1\"/>"), "%s", o.raw.data);
	cr_expect(strstr(o.raw.data, "<w:endnoteReference w:id=\"1\"/>"), "%s", o.raw.data);

	output_part(&o, "word/header1.xml");
	expect_text(&o, " 客户编号 SO-2026-001");
	cr_expect(strstr(o.raw.data, "r:embed=\"rId1\""), "the header keeps its picture: %s", o.raw.data);
	cr_expect(merge_zip_find(o.z, "word/_rels/header1.xml.rels") >= 0 &&
			  merge_zip_find(o.z, "word/media/image1.png") >= 0,
		  "the picture's part and relationship stay");

	output_part(&o, "word/footer1.xml");
	expect_text(&o, "销售代表 李雷 电话 13800138000　第 1 页");
	cr_expect(strstr(o.raw.data, " PAGE "), "the PAGE field stays: %s", o.raw.data);

	output_part(&o, "word/footnotes.xml");
	expect_text(&o, " 报价有效期至 2026-12-31。");
	cr_expect(strstr(o.raw.data, "<w:separator/>") && strstr(o.raw.data, "<w:continuationSeparator/>"),
		  "the separators stay: %s", o.raw.data);
	output_part(&o, "word/endnotes.xml");
	expect_text(&o, " 联系人：王小明");
	cr_expect(strstr(o.raw.data, "<w:separator/>"), "%s", o.raw.data);

	output_close(&o);
}

Test(docx_fixtures, false_conditions_and_no_lines)
{
	struct output o;

	output_open(&o, wf_record(0, 0));
	check_package(&o);
	output_part(&o, "word/document.xml");
	expect_no_text(&o, "感谢您多年来的支持");
	/* the condition inside two paragraphs' text leaves one empty paragraph */
	expect_text(&o, "第二行\n欢迎加入我们的贵宾计划。\n\n产品\n数量\n单价\n金额\n暂无明细\n");
	expect_no_text(&o, "免运费");
	expect_no_text(&o, "（折）");
	expect_text(&o, "合计：   0.00 元\n");
	output_close(&o);
}

/* The run that holds needle, serialized: its formatting is what counts. */
static char *run_holding(const char *xml, const char *needle)
{
	const char *at = strstr(xml, needle), *start, *end;
	cr_assert(at, "no %s in %s", needle, xml);
	for (start = at; start > xml && strncmp(start, "<w:r>", 5) && strncmp(start, "<w:r ", 5);)
		start--;
	end = strstr(at, "</w:r>");
	cr_assert(end);
	return xstrndup(start, (size_t)(end - start));
}

Test(docx_fixtures, a_field_keeps_the_formatting_of_its_first_character)
{
	static const struct {
		const char *text, *rpr;
	} cases[] = {
		{ "Acme 上海 &lt;&amp;&gt; &quot;quote&quot;", "<w:rPr><w:b/><w:color w:val=\"C00000\"/></w:rPr>" },
		{ "ACME 上海", "<w:rPr><w:u w:val=\"single\"/><w:noProof/></w:rPr>" },
		{ "合计：12,350.50 元", "<w:rPr><w:b/><w:noProof/></w:rPr>" },
		{ "王小明", "<w:rPr><w:i/></w:rPr>" },
	};
	struct output o;

	output_open(&o, wf_record(1, 2));
	output_part(&o, "word/document.xml");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *run = run_holding(o.raw.data, cases[i].text);
		cr_expect(strstr(run, cases[i].rpr), "'%s' should be formatted %s: %s", cases[i].text, cases[i].rpr,
			  run);
		free(run);
	}
	output_close(&o);
}
