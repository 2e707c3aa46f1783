/* tests/cli/test_merge.c - crmgate merge end to end: birthday letters from a
 * text template and from a Word template, file names, no overwriting. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx_zip.h"

#include <libxml/parser.h>

static void setup(void)
{
	test_fixture_init();
	import("salesperson", "code,name,mobile\nS1,王伟,13800000001\n");
	import("customer", "code,name,short_name,owner_code\nC1,上海华东机械有限公司,华东机械,S1\n");
	import("contact", "code,customer_code,name,gender,birthday\n"
			  "K1,C1,张三,男,1985-03-02\nK2,C1,\"李<四>&\",,1990-12-31\nK3,C1,王五,男,1970-07-01\n");
}

TestSuite(merge, .init = setup, .fini = test_fixture_fini);

/* How many files (not dot files) DIR/sub holds. */
static int files_in(const char *sub)
{
	char *path = xstrfmt("%s/%s", dir, sub);
	DIR *d = opendir(path);
	struct dirent *ent;
	int n = 0;
	cr_assert(d, "%s is missing", path);
	while ((ent = readdir(d)))
		n += ent->d_name[0] != '.';
	closedir(d);
	free(path);
	return n;
}

Test(merge, text_letters_one_per_target)
{
	char *tpl = xstrfmt("%s/bday.txt", dir), *letter, *path;
	test_write_file(tpl, "{{name}}{{#gender}}（{{gender}}）{{/gender}}：{{customer.short_name}}的{{owner.name}}"
			     "（{{owner.mobile}}）祝您{{birthday \\@ \"M月d日\"}}生日快乐！\n");
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --where \"code in ('K1', 'K2')\" --out '%s/out'",
			     tpl, dir),
		     0, "%s", errout.data);
	cr_assert_eq(files_in("out"), 2, "only the documents, one per target");
	path = xstrfmt("%s/out/K1.txt", dir);
	letter = test_slurp(path);
	cr_assert_str_eq(letter, "张三（男）：华东机械的王伟（13800000001）祝您3月2日生日快乐！\n");
	free(letter);
	free(path);
	path = xstrfmt("%s/out/K2.txt", dir);
	letter = test_slurp(path);
	cr_assert_str_eq(letter, "李<四>&：华东机械的王伟（13800000001）祝您12月31日生日快乐！\n",
			 "no escaping in text");
	free(letter);
	free(path);

	/* again into the same folder, named by a pattern: nothing is overwritten */
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --where \"code = 'K1'\" --out '%s/out'", tpl,
			     dir),
		     0, "%s", errout.data);
	cr_assert_eq(
		crmgate("merge --template '%s' --targets contact --out '%s/out' --name '{{customer.code}}/{{name}}'",
			tpl, dir),
		0, "%s", errout.data);
	path = xstrfmt("%s/out/K1-2.txt", dir);
	free(test_slurp(path));
	free(path);
	path = xstrfmt("%s/out/C1_张三.txt", dir);
	free(test_slurp(path));
	free(path);
	cr_assert_eq(files_in("out"), 6);
	free(tpl);
}

Test(merge, html_values_are_escaped_and_errors_name_the_line)
{
	char *tpl = xstrfmt("%s/mail.html", dir), *bad = xstrfmt("%s/bad.txt", dir), *letter, *path;
	test_write_file(tpl, "<p>{{name}}</p>");
	test_write_file(bad, "Hello\n{{#gender}} no end\n");
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --where \"code = 'K2'\" --out '%s/h'", tpl, dir),
		     0, "%s", errout.data);
	path = xstrfmt("%s/h/K2.html", dir);
	letter = test_slurp(path);
	cr_assert_str_eq(letter, "<p>李&lt;四&gt;&amp;</p>");
	free(letter);
	free(path);
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --out '%s/b'", bad, dir), 2);
	cr_assert(strstr(errout.data, "bad.txt: line 2, column 1: section 'gender' is never closed"), "%s",
		  errout.data);
	cr_assert_eq(crmgate("merge --template '%s' --targets nothing --out '%s/b'", tpl, dir), 2);
	free(tpl);
	free(bad);
}

Test(merge, a_quote_lists_the_order_lines)
{
	char *tpl = xstrfmt("%s/quote.txt", dir), *path, *text;
	import("product", "code,name,unit\nP1,数控机床,台\nP2,刀具,套\n");
	import("order", "code,customer_code,owner_code,ordered_on\nO1,C1,S1,2026-11-20\nO2,C1,S1,2026-11-21\n");
	import("order-line", "order_code,product_code,quantity,price\nO1,P1,2,12000\nO1,P2,3,350.5\nO2,P2,1,99\n");
	test_write_file(tpl,
			"{{code}} {{customer.name}}\n{{#lines}}\n{{product_name}} {{quantity}}{{unit}} × {{price}} = "
			"{{amount}}\n{{/lines}}\n合计 {{total}}\n");
	cr_assert_eq(crmgate("merge --template '%s' --targets order --out '%s/q'", tpl, dir), 0, "%s", errout.data);
	path = xstrfmt("%s/q/O1.txt", dir);
	text = test_slurp(path);
	cr_assert_str_eq(text,
			 "O1 上海华东机械有限公司\n数控机床 2台 × 12,000.00 = 24,000.00\n刀具 3套 × 350.50 = 1,051.50\n"
			 "合计 25,051.50\n");
	free(text);
	free(path);
	path = xstrfmt("%s/q/O2.txt", dir);
	text = test_slurp(path);
	cr_assert_str_eq(text, "O2 上海华东机械有限公司\n刀具 1套 × 99.00 = 99.00\n合计 99.00\n");
	free(text);
	free(path);
	free(tpl);
}

Test(merge, word_template)
{
	static const char *const parts[][2] = {
		{ "[Content_Types].xml", "<?xml version=\"1.0\"?><Types "
					 "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>" },
		{ "word/document.xml",
		  "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
		  "main\"><w:body><w:p><w:r><w:t>亲爱的{{na</w:t></w:r><w:r><w:t>me}}</w:t></w:r></w:p>"
		  "<w:p><w:fldSimple w:instr=\" MERGEFIELD customer.name \"><w:r><w:t>«x»</w:t></w:r></w:fldSimple></w:p>"
		  "</w:body></w:document>" },
	};
	struct err err = ERR_INIT;
	struct merge_zip_writer *w;
	struct merge_zip *z;
	struct buf part = BUF_INIT;
	char *tpl = xstrfmt("%s/letter.docx", dir), *path = xstrfmt("%s/w/K2.docx", dir);

	assert_ok(merge_zip_writer_open(&w, tpl, &err), &err);
	for (size_t i = 0; i < 2; i++)
		assert_ok(merge_zip_writer_add(w, parts[i][0], parts[i][1], strlen(parts[i][1]), &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --out '%s/w'", tpl, dir), 0, "%s", errout.data);
	cr_assert_eq(files_in("w"), 3);
	assert_ok(merge_zip_open_file(&z, path, &err), &err);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/document.xml"), &part, &err), &err);
	cr_assert(strstr(part.data, "亲爱的李&lt;四&gt;&amp;"), "%s", part.data);
	cr_assert(strstr(part.data, "上海华东机械有限公司"), "%s", part.data);
	merge_zip_free(z);
	buf_release(&part);
	free(tpl);
	free(path);
}

Test(merge, a_combined_print_batch_has_every_target)
{
	char *path = xstrfmt("%s/print/all.docx", dir);
	struct merge_zip *z;
	struct err err = ERR_INIT;
	struct buf doc = BUF_INIT;

	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --combined '%s'", path), 0, "%s",
		     errout.data);
	cr_expect(strstr(errout.data, "3 targets, each its own section"), "%s", errout.data);
	assert_ok(merge_zip_open_file(&z, path, &err), &err);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/document.xml"), &doc, &err), &err);
	cr_expect(strstr(doc.data, "张三") && strstr(doc.data, "李&lt;四&gt;&amp;") && strstr(doc.data, "王五"), "%s",
		  doc.data);
	merge_zip_free(z);
	buf_release(&doc);

	/* no targets: nothing written, and said so */
	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --where \"code = 'none'\" --combined "
			     "'%s/none.docx'",
			     dir),
		     0, "%s", errout.data);
	cr_expect(strstr(errout.data, "no targets"), "%s", errout.data);
	char *none = xstrfmt("%s/none.docx", dir);
	cr_expect_neq(access(none, F_OK), 0, "%s was written", none);
	free(none);
	/* a text template cannot be combined; one output or the other */
	cr_assert_eq(crmgate("merge --template birthday.txt --targets contact --combined '%s/x.docx'", dir), 2);
	free(path);
}

static void expect_pdf(const char *path)
{
	char *pdf = test_slurp(path);
	cr_expect_eq(strncmp(pdf, "%PDF", 4), 0, "%s is not a PDF", path);
	free(pdf);
}

Test(merge, pdf_beside_each_document_and_the_batch)
{
	char *p;

	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --out '%s/pdf' --pdf", dir), 0, "%s",
		     errout.data);
	cr_expect_eq(files_in("pdf"), 6, "three letters, three PDFs");
	for (int i = 1; i <= 3; i++) {
		p = xstrfmt("%s/pdf/K%d.pdf", dir, i);
		expect_pdf(p);
		free(p);
	}
	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --combined '%s/batch/all.docx' --pdf",
			     dir),
		     0, "%s", errout.data);
	p = xstrfmt("%s/batch/all.pdf", dir);
	expect_pdf(p);
	free(p);

	/* without LibreOffice: a clear error before anything is written */
	setenv("CRMGATE_SOFFICE", "/nonexistent/soffice", 1);
	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --out '%s/none' --pdf", dir), 1);
	unsetenv("CRMGATE_SOFFICE");
	cr_expect(strstr(errout.data, "LibreOffice"), "%s", errout.data);
	p = xstrfmt("%s/none", dir);
	cr_expect_neq(access(p, F_OK), 0, "nothing written");
	free(p);
}

/* How many entries DIR/sub holds, dot files (a temporary folder) too. */
static int entries_in(const char *sub)
{
	char *path = xstrfmt("%s/%s", dir, sub);
	DIR *d = opendir(path);
	int n = 0;
	cr_assert(d, "%s is missing", path);
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	free(path);
	return n;
}

static void expect_file(const char *sub)
{
	char *path = xstrfmt("%s/%s", dir, sub);
	cr_expect_eq(access(path, F_OK), 0, "%s is missing", path);
	free(path);
}

Test(merge, a_name_pattern_that_ends_with_the_extension_gets_no_second_one)
{
	char *tpl = xstrfmt("%s/n.txt", dir);
	test_write_file(tpl, "{{name}}\n");
	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --out '%s/a' --name '{{code}}.docx'",
			     dir),
		     0, "%s", errout.data);
	expect_file("a/K1.docx");
	cr_expect_eq(files_in("a"), 3, "K1.docx, K2.docx, K3.docx and no K1.docx.docx");
	/* again: a name taken gets its suffix before the extension */
	cr_assert_eq(crmgate("merge --template birthday.docx --targets contact --where \"code = 'K1'\" --out '%s/a' "
			     "--name '{{code}}.DOCX'",
			     dir),
		     0, "%s", errout.data);
	expect_file("a/K1-2.docx");
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --out '%s/t' --name '{{code}}-{{name}}.txt'", tpl,
			     dir),
		     0, "%s", errout.data);
	expect_file("t/K1-张三.txt");
	/* another extension is part of the name */
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --where \"code = 'K1'\" --out '%s/t' --name "
			     "'{{code}}.letter'",
			     tpl, dir),
		     0, "%s", errout.data);
	expect_file("t/K1.letter.txt");
	free(tpl);
}

Test(merge, a_name_pattern_names_fields_the_targets_have)
{
	static const char *const bad[][2] = {
		{ "{{nosuch}}", "--name '{{nosuch}}': line 1, column 1: unknown field 'nosuch'" },
		{ "{{code}}-{{customer.nmae}}", "--name '{{code}}-{{customer.nmae}}': line 1, column 10: unknown field "
						"'customer.nmae'" },
		{ "{{#vip}}贵宾{{/vip}}", "unknown section 'vip'" },
		{ "{{code", "'{{' is never closed by '}}'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(crmgate("merge --template birthday.docx --targets contact --out '%s/x' --name '%s'", dir,
				     bad[i][0]),
			     2, "%s", bad[i][0]);
		cr_expect(strstr(errout.data, bad[i][1]), "%s: %s", bad[i][0], errout.data);
	}
	char *x = xstrfmt("%s/x", dir);
	cr_expect_neq(access(x, F_OK), 0, "nothing written");
	free(x);
	cr_assert_eq(
		crmgate("merge --template birthday.docx --targets contact --out '%s/y' --name '{{today}}-{{CODE}}'",
			dir),
		0, "%s", errout.data);
	cr_expect_eq(files_in("y"), 3);
}

Test(merge, combined_and_one_per_target_at_once)
{
	cr_assert_eq(
		crmgate("merge --template birthday.docx --targets contact --combined '%s/print/all.docx' --out '%s/each'",
			dir, dir),
		0, "%s", errout.data);
	expect_file("print/all.docx");
	cr_expect_eq(entries_in("print"), 1, "the batch alone");
	cr_expect_eq(entries_in("each"), 3, "a document per target");
	expect_file("each/K3.docx");
}

/* Every XML part of the package at path parses, strictly. */
static void every_part_parses(const char *path)
{
	struct err err = ERR_INIT;
	struct merge_zip *z;
	struct buf part = BUF_INIT;

	assert_ok(merge_zip_open_file(&z, path, &err), &err);
	for (size_t i = 0; i < merge_zip_count(z); i++) {
		const char *name = merge_zip_name(z, i);
		xmlDocPtr x;
		if (!strstr(name, ".xml") && !strstr(name, ".rels"))
			continue;
		assert_ok(merge_zip_read(z, i, &part, &err), &err);
		x = xmlReadMemory(part.data, (int)part.len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
		cr_expect(x, "%s: %s is not well-formed XML:\n%s", path, name, part.data);
		xmlFreeDoc(x);
	}
	merge_zip_free(z);
	buf_release(&part);
}

/* Values that XML forbids (U+FFFE, U+FFFF, C0 controls) from the CRM, in
 * the body, a header and the document's title of a print batch with other
 * targets, and of a document each: every part parses. */
Test(merge, values_xml_forbids_still_make_well_formed_documents)
{
	static const char *const parts[][2] = {
		{ "[Content_Types].xml", TEST_DOCX_TYPES },
		{ "_rels/.rels", TEST_DOCX_RELS },
		{ "docProps/core.xml",
		  "<?xml version=\"1.0\"?><cp:coreProperties "
		  "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
		  "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>致{{name}} {{address}}</dc:title>"
		  "</cp:coreProperties>" },
		{ "word/_rels/document.xml.rels",
		  "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
		  "Target=\"header1.xml\"/></Relationships>" },
		{ "word/header1.xml",
		  "<?xml version=\"1.0\"?><w:hdr " TEST_W "><w:p><w:r><w:t>{{name}} {{address}}</w:t></w:r>"
		  "</w:p></w:hdr>" },
		{ "word/document.xml",
		  "<?xml version=\"1.0\"?><w:document " TEST_W " "
		  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>"
		  "<w:p><w:r><w:t>{{name}}</w:t></w:r></w:p><w:p><w:r><w:t>{{address}}</w:t></w:r></w:p>"
		  "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\"/></w:sectPr></w:body></w:document>" },
	};
	char *tpl = xstrfmt("%s/addr.docx", dir), *batch = xstrfmt("%s/print/all.docx", dir), *each;

	test_write_docx(tpl, parts, sizeof(parts) / sizeof(parts[0]));
	/* past the import, straight into the database: the import may refuse them */
	cr_assert_eq(
		test_sh("psql '%s' -qX -v ON_ERROR_STOP=1 -c \"UPDATE crm.contact SET address = "
			"E'北京\\uFFFE市\\uFFFF\\x01朝阳\\x1b[31m区\\x0c\\r\\n2号\\x7f' WHERE code IN ('K1', 'K3')\"",
			db),
		0);
	/* a name too, where the database takes it */
	test_sh("psql '%s' -qX -c \"UPDATE crm.contact SET name = E'bad\\uFFFEname\\uFFFF' WHERE code = 'K1'\" 2>/dev/null",
		db);
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --combined '%s' --out '%s/each'", tpl, batch,
			     dir),
		     0, "%s", errout.data);
	every_part_parses(batch);
	for (int i = 1; i <= 3; i++) {
		each = xstrfmt("%s/each/K%d.docx", dir, i);
		every_part_parses(each);
		free(each);
	}
	free(tpl);
	free(batch);
}
