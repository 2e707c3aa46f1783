/* tests/cli/test_template.c - crmgate template check|add|list|show|delete, and
 * merge --template NAME with a stored template: the problems a marketer
 * sees, named by part, paragraph and the text near them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_FIXTURE
#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx_zip.h"

static void setup(void)
{
	test_fixture_init();
	import("salesperson", "code,name\nS1,王伟\nS2,李娜\n");
	import("user", "login,name,role,salesperson_code,password\nwang,王伟,salesperson,S1,pw1\n"
		       "mei,市场部,marketer,,pw2\n");
	import("customer", "code,name,owner_code\nC1,上海华东机械有限公司,S1\n");
	import("contact", "code,customer_code,name,birthday\nK1,C1,张三,1985-03-02\n");
}

TestSuite(template, .init = setup, .fini = test_fixture_fini);

static char *letter_docx(const char *name, const char *body, const char *header)
{
	char *path = xstrfmt("%s/%s", dir, name);
	char *doc = xstrfmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " TEST_W
			    "><w:body>%s</w:body></w:document>",
			    body);
	char *hdr = xstrfmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:hdr " TEST_W ">%s</w:hdr>", header);
	const char *const parts[][2] = { { "[Content_Types].xml", TEST_DOCX_TYPES },
					 { "_rels/.rels", TEST_DOCX_RELS },
					 { "word/document.xml", doc },
					 { "word/header1.xml", hdr } };
	test_write_docx(path, parts, 4);
	free(doc);
	free(hdr);
	return path;
}

static char *docx_part(const char *path, const char *part)
{
	struct merge_zip *z;
	struct err err = ERR_INIT;
	struct buf b = BUF_INIT;
	assert_ok(merge_zip_open_file(&z, path, &err), &err);
	cr_assert_geq(merge_zip_find(z, part), 0, "%s has no %s", path, part);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, part), &b, &err), &err);
	merge_zip_free(z);
	return buf_detach(&b, NULL);
}

Test(template, the_built_in_quote_is_clean_for_orders)
{
	cr_assert_eq(crmgate("template check quote.docx --targets order"), 0, "%s", errout.data);
	cr_assert_str_eq(out.data, "quote.docx: ok: 18 fields, all known to order\n");
}

Test(template, check_reports_every_problem_by_part_and_paragraph)
{
	char *path = letter_docx("bad.docx",
				 "<w:p><w:r><w:t>尊敬的{{name}}：</w:t></w:r></w:p>"
				 "<w:p><w:r><w:t>您的客户经理</w:t></w:r><w:r><w:t>{{owner.nmae}}</w:t></w:r></w:p>"
				 "<w:p><w:r><w:t>{{ordered_on}}</w:t></w:r></w:p>",
				 "<w:p><w:r><w:t>{{#vip}}贵宾</w:t></w:r></w:p>");

	/* without targets only the structure is checked: the header's open section */
	cr_assert_eq(crmgate("template check '%s'", path), 2);
	cr_expect(strstr(errout.data, "bad.docx: part word/header1.xml, paragraph 1: section 'vip' is never closed "
				      "(near \"{{#vip}}贵宾\")"),
		  "%s", errout.data);
	cr_expect_null(strstr(errout.data, "nmae"), "%s", errout.data);

	/* with targets, the names too, every one of them */
	cr_assert_eq(crmgate("template check '%s' --targets contact", path), 2);
	cr_expect(strstr(errout.data, "bad.docx: part word/document.xml, paragraph 2: unknown field 'owner.nmae' "
				      "(near \"您的客户经理{{owner.nmae}}\")"),
		  "%s", errout.data);
	cr_expect(strstr(errout.data, "bad.docx: part word/document.xml, paragraph 3: unknown field 'ordered_on'"),
		  "%s", errout.data);
	cr_expect(strstr(errout.data, "part word/header1.xml, paragraph 1: section 'vip' is never closed"), "%s",
		  errout.data);
	cr_expect(strstr(errout.data, "hint: a field is one of contact's columns"), "%s", errout.data);
	cr_expect_null(strstr(errout.data, "'name'"), "name is a contact's field: %s", errout.data);
	free(path);
}

Test(template, broken_files_are_named)
{
	char *junk = xstrfmt("%s/junk.docx", dir), *txt = xstrfmt("%s/x.pdf", dir);
	test_write_file(junk, "this is not a zip");
	test_write_file(txt, "%PDF");
	cr_assert_eq(crmgate("template check '%s'", junk), 2);
	cr_expect(strstr(errout.data, "junk.docx"), "%s", errout.data);
	cr_assert_eq(crmgate("template check '%s'", txt), 2);
	cr_expect(strstr(errout.data, "a template is a .docx, .txt or .html file"), "%s", errout.data);
	cr_assert_eq(crmgate("template check '%s/missing.docx'", dir), 2);
	cr_expect(strstr(errout.data, "no template"), "%s", errout.data);
	free(junk);
	free(txt);
}

Test(template, stored_templates_are_listed_shown_used_and_deleted)
{
	char *path = letter_docx("letter.docx", "<w:p><w:r><w:t>{{name}}，生日快乐！</w:t></w:r></w:p>",
				 "<w:p><w:r><w:t>{{customer.name}}</w:t></w:r></w:p>");
	char *bad = letter_docx("bad.docx", "<w:p><w:r><w:t>{{nmae}}</w:t></w:r></w:p>", "<w:p/>");
	char *copy = xstrfmt("%s/copy.docx", dir);

	cr_assert_eq(crmgate("template add 生日贺信 '%s' --targets contact", path), 0, "%s", errout.data);
	cr_assert_eq(crmgate("template add 生日贺信 '%s'", path), 2, "a name is taken once");
	cr_expect(strstr(errout.data, "is stored already"), "%s", errout.data);
	cr_assert_eq(crmgate("template add broken '%s' --targets contact", bad), 2, "nothing wrong is stored");
	cr_assert_eq(crmgate("--format csv template list"), 0, "%s", errout.data);
	cr_expect(strstr(out.data,
			 "name,kind,targets,fields,bytes,sha256,updated_by,updated_at\r\n生日贺信,docx,contact,2,"),
		  "%s", out.data);
	cr_expect_null(strstr(out.data, "broken"), "%s", out.data);

	/* the bytes come back as they went in */
	cr_assert_eq(crmgate("template show 生日贺信 --out '%s'", copy), 0, "%s", errout.data);
	char *a = test_slurp(path), *b = test_slurp(copy);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);

	/* merge finds it by name */
	cr_assert_eq(crmgate("merge --template 生日贺信 --targets contact --out '%s/out'", dir), 0, "%s", errout.data);
	char *merged = xstrfmt("%s/out/K1.docx", dir), *body = docx_part(merged, "word/document.xml");
	cr_expect(strstr(body, "张三，生日快乐！"), "%s", body);
	free(body);
	free(merged);

	/* a salesperson may use templates but not change them */
	cr_assert_eq(crmgate("--as wang template add mine '%s'", path), 1);
	cr_expect(strstr(errout.data, "only admins, customer admins, sales managers and marketers"), "%s", errout.data);
	cr_assert_eq(crmgate("--as wang template delete 生日贺信"), 1);
	cr_assert_eq(crmgate("--as mei template add 生日贺信 '%s' --replace", path), 0, "%s", errout.data);
	cr_assert_eq(crmgate("--format csv template show 生日贺信"), 0, "%s", errout.data);
	cr_expect(strstr(out.data, ",mei,"), "who changed it last: %s", out.data);

	cr_assert_eq(crmgate("template delete 生日贺信"), 0, "%s", errout.data);
	cr_assert_eq(crmgate("template show 生日贺信"), 2);
	cr_assert_eq(crmgate("merge --template 生日贺信 --targets contact --out '%s/out2'", dir), 2);
	free(path);
	free(bad);
	free(copy);
}

#define FIELD(instr)                                                                                                   \
	"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\">" instr               \
	"</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>«x»</w:t></w:r>"            \
	"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"

Test(template, mergefields_as_word_writes_them_are_checked_and_merged)
{
	char *path = letter_docx(
		"word.docx",
		"<w:p>" FIELD(
			" MERGEFIELD Name \\* FirstCap MERGEFORMAT ") "</w:p>"
								      "<w:p>" FIELD(
									      " MERGEFIELD  \"Customer.Name\"  \\m \\v ") "</w:p>"
															  "<w:p>" FIELD(
																  " MERGEFIELD birthday \\@ \"M月d日\" \\* MERGEFORMAT ") "</w:p>"
																							  "<w:p>" FIELD(
																								  " MERGEFIELD CODE \\* Lower ") "</w:p>",
		"<w:p><w:r><w:t>{{Code}}</w:t></w:r></w:p>");
	cr_assert_eq(crmgate("template check '%s' --targets contact", path), 0, "%s", errout.data);
	cr_expect(strstr(out.data, "word.docx: ok: 5 fields, all known to contact"), "%s", out.data);
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --out '%s/w'", path, dir), 0, "%s", errout.data);
	char *merged = xstrfmt("%s/w/K1.docx", dir), *body = docx_part(merged, "word/document.xml");
	cr_expect(strstr(body, ">张三<") && strstr(body, ">上海华东机械有限公司<") && strstr(body, ">3月2日<") &&
			  strstr(body, ">k1<"),
		  "%s", body);
	cr_expect_null(strstr(body, "«"), "no field left unmerged: %s", body);
	cr_expect_null(strstr(body, "MERGEFIELD"), "%s", body);
	free(body);
	free(merged);
	free(path);
}

Test(template, another_engines_syntax_is_a_warning_by_part_and_paragraph)
{
	char *path = letter_docx("jinja.docx",
				 "<w:p><w:r><w:t>尊敬的{{name}}：</w:t></w:r></w:p>"
				 "<w:p><w:r><w:t>{% if vip %}贵宾{% endif %}</w:t></w:r></w:p>",
				 "<w:p><w:r><w:t>+++INS customer.name+++</w:t></w:r></w:p>");
	char *txt = xstrfmt("%s/mail.txt", dir);

	cr_assert_eq(crmgate("template check '%s' --targets contact", path), 0, "a warning: %s", errout.data);
	cr_expect(strstr(out.data, "jinja.docx: ok: 1 field, all known to contact"), "%s", out.data);
	cr_expect(strstr(errout.data, "warning: "), "%s", errout.data);
	cr_expect(strstr(errout.data, "jinja.docx: part word/document.xml, paragraph 2: '{% if vip %}' is Jinja's "
				      "(docxtpl) template syntax, which crmgate does not read"),
		  "%s", errout.data);
	cr_expect(strstr(errout.data, "jinja.docx: part word/header1.xml, paragraph 1: '+++INS customer.name+++' is "
				      "docx-templates' template syntax"),
		  "%s", errout.data);
	test_write_file(txt, "您好 {{name}}\n{% for l in lines %}${l}{% endfor %}\n");
	cr_assert_eq(crmgate("template check '%s' --targets contact", txt), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "mail.txt: line 2, column 1: '{% for l in lines %}' is Jinja's"), "%s",
		  errout.data);
	cr_expect(strstr(errout.data, "mail.txt: line 2, column 21: '${l}' is FreeMarker's or Velocity's"), "%s",
		  errout.data);
	/* merge says so too, and goes on */
	cr_assert_eq(crmgate("merge --template '%s' --targets contact --out '%s/j'", path, dir), 0, "%s", errout.data);
	cr_expect(strstr(errout.data, "paragraph 2: '{% if vip %}' is Jinja's"), "%s", errout.data);
	free(txt);
	free(path);
}
