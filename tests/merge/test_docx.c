/* tests/merge/test_docx.c - a Word template filled end to end: the fields of
 * the body, a header and a repeating table row, for two targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx.h"
#include "merge/docx_xml.h"
#include "merge/docx_zip.h"

#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char *const parts[][2] = {
	{ "[Content_Types].xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	  "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	  "<Override PartName=\"/word/document.xml\" "
	  "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	  "<Override PartName=\"/word/header1.xml\" "
	  "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/></Types>" },
	{ "_rels/.rels",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	  "officeDocument\" Target=\"word/document.xml\"/></Relationships>" },
	{ "word/_rels/document.xml.rels",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	  "header\" Target=\"header1.xml\"/></Relationships>" },
	{ "word/header1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:hdr " W
			      "><w:p><w:r><w:t>报价单 {{co</w:t></w:r>"
			      "<w:r><w:t>de}}</w:t></w:r></w:p></w:hdr>" },
	{ "word/document.xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document " W "><w:body>"
	  "<w:p><w:r><w:t xml:space=\"preserve\">致 </w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
	  "<w:r><w:instrText> MERGEFIELD customer.name </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/>"
	  "</w:r><w:r><w:t>«customer.name»</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
	  "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{#lines}}{{product_name}}</w:t></w:r></w:p></w:tc>"
	  "<w:tc><w:p><w:r><w:t>{{amount}}{{/lines}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
	  "<w:p><w:r><w:t>合计：{{total}}</w:t></w:r></w:p>"
	  "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\" "
	  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"/></w:sectPr>"
	  "</w:body></w:document>" },
};

static struct value *order(const char *code, const char *customer, int nlines)
{
	struct value *rec = value_new_object(), *cust = value_new_object(), *lines = value_new_list();
	value_object_set(cust, "name", value_new_text(customer));
	value_object_set(rec, "customer", cust);
	value_object_set(rec, "code", value_new_text(code));
	for (int i = 0; i < nlines; i++) {
		struct value *l = value_new_object();
		value_object_set(l, "product_name", value_new_text(i ? "刀具 & <配件>" : "数控机床"));
		value_object_set(l, "amount", value_new_number(i ? "350.5" : "12000", 1));
		value_list_push(lines, l);
	}
	value_object_set(rec, "lines", lines);
	value_object_set(rec, "total", value_new_number(nlines > 1 ? "12350.5" : "12000", 1));
	return rec;
}

Test(docx, fills_body_header_and_rows)
{
	char *dir = test_tmpdir(), *tpl = xstrfmt("%s/quote.docx", dir);
	struct err err = ERR_INIT;
	struct merge_zip_writer *w;
	struct merge_docx *d;
	struct buf data = BUF_INIT, part = BUF_INIT;
	FILE *f;

	assert_ok(merge_zip_writer_open(&w, tpl, &err), &err);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		assert_ok(merge_zip_writer_add(w, parts[i][0], parts[i][1], strlen(parts[i][1]), &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	f = fopen(tpl, "rb");
	cr_assert(f);
	for (int c; (c = getc(f)) != EOF;)
		buf_addch(&data, (char)c);
	fclose(f);

	assert_ok(merge_docx_compile(&d, data.data, data.len, "quote.docx", NULL, NULL, &err), &err);
	cr_assert_eq(merge_docx_fields(d), 5, "customer.name, product_name, amount, total, code");
	for (int t = 0; t < 2; t++) {
		struct value *rec = order(t ? "SO2" : "SO1", t ? "乙公司" : "上海华东机械有限公司", t ? 2 : 1);
		char *path = xstrfmt("%s/SO%d.docx", dir, t + 1);
		struct merge_zip *z;
		assert_ok(merge_docx_render(d, rec, NULL, path, &err), &err);
		assert_ok(merge_zip_open_file(&z, path, &err), &err);
		cr_assert_eq(merge_zip_count(z), 5, "every part is there");
		assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/document.xml"), &part, &err), &err);
		/* well-formed: it parses again */
		assert_ok(merge_xml_check("out", part.data, part.len, &err), &err);
		cr_assert_null(strstr(part.data, "{{"), "no placeholder left: %s", part.data);
		cr_assert_null(strstr(part.data, "«"), "no field result left");
		if (t == 0) {
			cr_assert(strstr(part.data, "上海华东机械有限公司"), "%s", part.data);
			cr_assert(strstr(part.data, "合计：12,000.00"), "%s", part.data);
		} else {
			cr_assert(strstr(part.data, "刀具 &amp; &lt;配件&gt;"), "values are escaped: %s", part.data);
			cr_assert(strstr(part.data, "350.50"), "%s", part.data);
			/* the row repeats: two rows in the table */
			cr_assert(strstr(strstr(part.data, "<w:tr>") + 1, "<w:tr>"), "%s", part.data);
		}
		assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/header1.xml"), &part, &err), &err);
		cr_assert(strstr(part.data, t ? "报价单 SO2" : "报价单 SO1"), "%s", part.data);
		merge_zip_free(z);
		value_free(rec);
		free(path);
	}
	merge_docx_free(d);
	buf_release(&data);
	buf_release(&part);
	free(tpl);
	test_rmdir(dir);
}

Test(docx, a_document_rendered_into_memory_is_the_same_package)
{
	char *dir = test_tmpdir(), *tpl = xstrfmt("%s/quote.docx", dir), *path = xstrfmt("%s/SO1.docx", dir);
	struct err err = ERR_INIT;
	struct merge_docx *d;
	struct buf data = BUF_INIT, mem = BUF_INIT, file = BUF_INIT;
	struct value *rec = order("SO1", "上海华东机械有限公司", 2);

	test_write_docx(tpl, parts, sizeof(parts) / sizeof(parts[0]));
	FILE *f = fopen(tpl, "rb");
	for (int c; (c = getc(f)) != EOF;)
		buf_addch(&data, (char)c);
	fclose(f);
	assert_ok(merge_docx_compile(&d, data.data, data.len, "quote.docx", NULL, NULL, &err), &err);
	assert_ok(merge_docx_render_buf(d, rec, NULL, &mem, &err), &err);
	assert_ok(merge_docx_render(d, rec, NULL, path, &err), &err);
	f = fopen(path, "rb");
	for (int c; (c = getc(f)) != EOF;)
		buf_addch(&file, (char)c);
	fclose(f);
	/* the same parts (the bytes may differ in the parts' times) */
	struct merge_zip *zm, *zf;
	struct buf pm = BUF_INIT, pf = BUF_INIT;
	assert_ok(merge_zip_open_buffer(&zm, mem.data, mem.len, "mem", &err), &err);
	assert_ok(merge_zip_open_buffer(&zf, file.data, file.len, "file", &err), &err);
	cr_assert_eq(merge_zip_count(zm), merge_zip_count(zf));
	for (size_t i = 0; i < merge_zip_count(zm); i++) {
		assert_ok(merge_zip_read(zm, i, &pm, &err), &err);
		assert_ok(merge_zip_read(zf, i, &pf, &err), &err);
		cr_expect_str_eq(pm.data, pf.data, "%s", merge_zip_name(zm, i));
	}
	merge_zip_free(zm);
	merge_zip_free(zf);
	buf_release(&pm);
	buf_release(&pf);
	value_free(rec);
	merge_docx_free(d);
	buf_release(&data);
	buf_release(&mem);
	buf_release(&file);
	free(tpl);
	free(path);
	test_rmdir(dir);
}

#define CORE_START                                                                                                     \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><cp:coreProperties "                             \
	"xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "                        \
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
#define APP_START                                                                                                      \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Properties "                                    \
	"xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"

/* A template with document properties (title, subject, company), as Word's
 * File > Info shows them. */
static struct merge_docx *with_properties(struct buf *data, const char *title, const char *company,
					  const struct value *shape, struct err *err)
{
	char *dir = test_tmpdir(), *tpl = xstrfmt("%s/props.docx", dir);
	char *core = xstrfmt(CORE_START "<dc:title>%s</dc:title><dc:subject>报价 {{code}}</dc:subject>"
					"<dc:creator>市场部</dc:creator></cp:coreProperties>",
			     title);
	char *app = xstrfmt(APP_START "<Company>%s</Company><Pages>1</Pages></Properties>", company);
	const char *const props[][2] = { { "[Content_Types].xml", TEST_DOCX_TYPES },
					 { "_rels/.rels", TEST_DOCX_RELS },
					 { "docProps/core.xml", core },
					 { "docProps/app.xml", app },
					 { "word/document.xml",
					   "<?xml version=\"1.0\"?><w:document " W "><w:body><w:p><w:r>"
					   "<w:t>{{code}}</w:t></w:r></w:p></w:body></w:document>" } };
	struct merge_docx *d = NULL;

	test_write_docx(tpl, props, 5);
	test_slurp_buf(data, tpl);
	merge_docx_compile(&d, data->data, data->len, "props.docx", shape, NULL, err);
	free(core);
	free(app);
	free(tpl);
	test_rmdir(dir);
	return d;
}

Test(docx, document_properties_are_filled_and_checked)
{
	struct err err = ERR_INIT;
	struct buf data = BUF_INIT, out = BUF_INIT, part = BUF_INIT;
	struct value *rec = order("SO1", "甲 & 乙公司", 1), *shape = order("S", "x", 1);
	struct merge_docx *d = with_properties(&data, "致{{customer.name}}的报价单", "{{customer.name}}", shape, &err);
	struct merge_zip *z;

	cr_assert(d, "%s\n%s", err.msg.data, err.detail.data);
	cr_expect_eq(merge_docx_fields(d), 4, "three in the properties, one in the body");
	assert_ok(merge_docx_render_buf(d, rec, NULL, &out, &err), &err);
	assert_ok(merge_zip_open_buffer(&z, out.data, out.len, "out", &err), &err);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "docProps/core.xml"), &part, &err), &err);
	cr_expect(strstr(part.data, "<dc:title>致甲 &amp; 乙公司的报价单</dc:title>"), "%s", part.data);
	cr_expect(strstr(part.data, "<dc:subject>报价 SO1</dc:subject>"), "%s", part.data);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "docProps/app.xml"), &part, &err), &err);
	cr_expect(strstr(part.data, "<Company>甲 &amp; 乙公司</Company>"), "%s", part.data);
	merge_zip_free(z);
	merge_docx_free(d);

	/* a name the targets lack is named with the property it stands in */
	d = with_properties(&data, "致{{customer.nmae}}", "{{#vip}}", shape, &err);
	cr_assert_null(d);
	char *all = xstrfmt("%s\n%s", err.msg.data, err.detail.data);
	cr_expect(strstr(all, "props.docx: part docProps/app.xml, Company: section 'vip' is never closed "
			      "(near \"{{#vip}}\")"),
		  "%s", all);
	cr_expect(strstr(all, "props.docx: part docProps/core.xml, title: unknown field 'customer.nmae' "
			      "(near \"致{{customer.nmae}}\")"),
		  "%s", all);
	free(all);
	err_release(&err);
	value_free(rec);
	value_free(shape);
	buf_release(&data);
	buf_release(&out);
	buf_release(&part);
}

/* A value that breaks the XML it lands in (a placeholder in a comment,
 * filled with "--") is an error before anything is written, never a
 * document Word cannot open. */
Test(docx, a_part_that_would_not_be_well_formed_is_never_written)
{
	char *dir = test_tmpdir(), *tpl = xstrfmt("%s/c.docx", dir), *out = xstrfmt("%s/out.docx", dir);
	const char *const comment[][2] = {
		{ "[Content_Types].xml", TEST_DOCX_TYPES },
		{ "_rels/.rels", TEST_DOCX_RELS },
		{ "word/document.xml", "<?xml version=\"1.0\"?><w:document " W "><w:body><!-- 给 {{code}} 的信 -->"
				       "<w:p><w:r><w:t>{{code}}</w:t></w:r></w:p></w:body></w:document>" }
	};
	struct err err = ERR_INIT;
	struct buf data = BUF_INIT, mem = BUF_INIT;
	struct merge_docx *d;
	struct value *rec = order("SO--1", "甲", 0);

	test_write_docx(tpl, comment, 3);
	test_slurp_buf(&data, tpl);
	assert_ok(merge_docx_compile(&d, data.data, data.len, "c.docx", NULL, NULL, &err), &err);
	cr_assert_eq(merge_docx_render(d, rec, NULL, out, &err), ERR_FAIL);
	cr_expect(strstr(err.msg.data, "part word/document.xml would not be well-formed XML (line 2: Comment must not "
				       "contain '--'"),
		  "%s", err.msg.data);
	cr_expect_neq(access(out, F_OK), 0, "nothing was written");
	err_release(&err);
	cr_assert_eq(merge_docx_render_buf(d, rec, NULL, &mem, &err), ERR_FAIL);
	err_release(&err);
	merge_docx_free(d);
	value_free(rec);
	buf_release(&data);
	buf_release(&mem);
	free(tpl);
	free(out);
	test_rmdir(dir);
}
