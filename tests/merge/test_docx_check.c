/* tests/merge/test_docx_check.c - what a template check says about a Word
 * template: every problem of every part at once, each at the paragraph a
 * person counts in Word, near the text Word shows there; MERGEFIELDs as Word
 * writes them merged, and the ones that cannot be merged reported, never
 * left behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx.h"
#include "merge/docx_zip.h"

#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
#define FIELD(instr, result)                                                                                           \
	"<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\">" instr               \
	"</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>" result "</w:t></w:r>"       \
	"<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"

static struct value *shape(void)
{
	struct value *s = value_new_object(), *lines = value_new_list(), *line = value_new_object();
	value_object_set(s, "name", value_new_null());
	value_object_set(s, "email", value_new_null());
	value_object_set(s, "vip", value_new_null());
	value_object_set(line, "product_name", value_new_null());
	value_list_push(lines, line);
	value_object_set(s, "lines", lines);
	return s;
}

/* The bytes of the last template compiled: a compiled template reads them. */
static char *kept;

/* Compile a template whose document body is body (and header hdr, when
 * given), checked against shape() when check; returns its code, with err
 * as it left it and *out the compiled template (or NULL). */
static int compile(const char *body, const char *hdr, int check, struct err *err, struct merge_docx **out)
{
	char *dir = test_tmpdir(), *path = xstrfmt("%s/t.docx", dir);
	char *doc = xstrfmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " TEST_W "><w:body>%s</w:body>"
			    "</w:document>",
			    body);
	char *h = xstrfmt("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:hdr " TEST_W ">%s</w:hdr>", hdr ? hdr : P(""));
	const char *const parts[][2] = { { "[Content_Types].xml", TEST_DOCX_TYPES },
					 { "_rels/.rels", TEST_DOCX_RELS },
					 { "word/document.xml", doc },
					 { "word/header1.xml", h } };
	struct value *s = check ? shape() : NULL;
	struct merge_docx *d = NULL;
	struct buf data = BUF_INIT;
	int rc;

	test_write_docx(path, parts, 4);
	test_slurp_buf(&data, path);
	rc = merge_docx_compile(&d, data.data, data.len, "t.docx", s, NULL, err);
	if (out)
		*out = d;
	else
		merge_docx_free(d);
	free(kept);
	kept = buf_detach(&data, NULL);
	value_free(s);
	free(doc);
	free(h);
	free(path);
	test_rmdir(dir);
	return rc;
}

/* Every line of what the check says: the message, then the detail. */
static char *report(const struct err *err)
{
	return xstrfmt("%s\n%s", err->msg.data, err->detail.data);
}

#define expect_line(rep, line) cr_expect(strstr(rep, line "\n"), "expected the line\n  %s\nin\n%s", line, rep)

Test(docx_check, every_syntax_problem_at_its_own_paragraph)
{
	struct err err = ERR_INIT;
	char *rep;

	cr_assert_eq(compile(P("{{a") P("{{b") P("{{c"), NULL, 0, &err, NULL), ERR_INPUT);
	rep = report(&err);
	expect_line(rep, "t.docx: part word/document.xml, paragraph 1: '{{' is never closed by '}}' (near \"{{a\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 2: '{{' is never closed by '}}' (near \"{{b\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 3: '{{' is never closed by '}}' (near \"{{c\")");
	free(rep);
	err_release(&err);

	/* a '{{' closed in a later paragraph takes no XML into a field's name,
	 * and a '}}' that closes nothing is a problem too */
	cr_assert_eq(compile(P("您好 {{foo") P("bar}} 谢谢") P("完 }} 了"), NULL, 1, &err, NULL), ERR_INPUT);
	rep = report(&err);
	expect_line(rep,
		    "t.docx: part word/document.xml, paragraph 1: '{{' is never closed by '}}' (near \"您好 {{foo\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 2: '}}' closes nothing: its '{{' is missing "
			 "(near \"bar}} 谢谢\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 3: '}}' closes nothing: its '{{' is missing "
			 "(near \"完 }} 了\")");
	cr_expect_null(strstr(rep, "w:t"), "no XML in a message: %s", rep);
	free(rep);
	err_release(&err);
}

Test(docx_check, a_bad_field_hides_no_other_problem)
{
	struct err err = ERR_INIT;
	char *rep;

	cr_assert_eq(compile(P("{{name \\q 1}}") P("{{nmae}}") P("{{#lines}}{{product_nmae}}{{/lines}}"),
			     P("{{#vip}}贵宾"), 1, &err, NULL),
		     ERR_INPUT);
	rep = report(&err);
	expect_line(rep, "t.docx: part word/document.xml, paragraph 1: field 'name': unknown switch '\\q' "
			 "(near \"{{name \\q 1}}\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 2: unknown field 'nmae' (near \"{{nmae}}\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 3: unknown field 'product_nmae' "
			 "(near \"{{#lines}}{{product_nmae}}{{/lines…\")");
	expect_line(
		rep,
		"t.docx: part word/header1.xml, paragraph 1: section 'vip' is never closed (near \"{{#vip}}贵宾\")");
	free(rep);
	err_release(&err);
}

Test(docx_check, a_lone_tag_is_named_at_its_own_paragraph_with_its_own_text)
{
	struct err err = ERR_INIT;
	char *rep;

	cr_assert_eq(compile(P("尊敬的客户：") P("您好。") P("{{#nosuch}}") P("只给某些人") P("{{/nosuch}}") P("此致"),
			     NULL, 1, &err, NULL),
		     ERR_INPUT);
	rep = report(&err);
	cr_expect_str_eq(
		rep, "t.docx: part word/document.xml, paragraph 3: unknown section 'nosuch' (near \"{{#nosuch}}\")\n",
		"%s", rep);
	free(rep);
	err_release(&err);

	/* in a table row: the cell's own text, not the neighbouring row's */
	cr_assert_eq(
		compile("<w:tbl><w:tr><w:tc>" P("产品") "</w:tc></w:tr><w:tr><w:tc>" P("{{#lines}}{{nosuch}}") "</w:tc><w:tc>" P(
				"{{/lines}}") "</w:tc></w:tr><w:tr><w:tc>" P("合计") "</w:tc></w:tr></w:tbl>",
			NULL, 1, &err, NULL),
		ERR_INPUT);
	rep = report(&err);
	cr_expect_str_eq(rep,
			 "t.docx: part word/document.xml, paragraph 2: unknown field 'nosuch' "
			 "(near \"{{#lines}}{{nosuch}}\")\n",
			 "%s", rep);
	free(rep);
	err_release(&err);
}

Test(docx_check, the_near_text_is_what_word_shows)
{
	struct err err = ERR_INIT;
	char *rep;

	/* indented XML, a PAGE field's code and a MERGEFIELD: Word shows the
	 * page number and «name» */
	cr_assert_eq(
		compile("\n  <w:p>\n    <w:r><w:t>第</w:t></w:r>\n    " FIELD(
				" PAGE ",
				"1") "\n    <w:r><w:t xml:space=\"preserve\">页 </w:t></w:r>\n    " FIELD(" MERGEFIELD nmae ",
													  "«nmae»") "\n  </w:p>\n",
			NULL, 1, &err, NULL),
		ERR_INPUT);
	rep = report(&err);
	cr_expect_str_eq(rep,
			 "t.docx: part word/document.xml, paragraph 1: unknown field 'nmae' (near \"第1页 «nmae»\")\n",
			 "%s", rep);
	free(rep);
	err_release(&err);
}

Test(docx_check, mergefields_as_word_writes_them_are_merged)
{
	struct err err = ERR_INIT;
	struct merge_docx *d;
	struct value *rec = value_new_object();
	struct buf out = BUF_INIT, part = BUF_INIT;
	struct merge_zip *z;

	value_object_set(rec, "email", value_new_text("zhang@example.test"));
	value_object_set(rec, "name", value_new_text("zhang san"));
	assert_ok(
		compile("<w:p>" FIELD(
				" MERGEFIELD email \\* FirstCap MERGEFORMAT ",
				"«email»") "</w:p>"
					   "<w:p>" FIELD(
						   " MERGEFIELD Email \\* Upper \\* MERGEFORMAT ",
						   "«Email»") "</w:p>"
							      "<w:p>" FIELD(
								      " MERGEFIELD  NAME  \\m ",
								      "«NAME»") "</w:p>"
										"<w:p><w:fldSimple w:instr=\" MERGEFIELD name \\v \\* Caps \"><w:r><w:t>«name»</w:t></w:r>"
										"</w:fldSimple></w:p>"
										"<w:p>第 <w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple> 页</w:p>"
										"<w:p>" FIELD(" FORMCHECKBOX ",
											      "") "</w:p>",
			NULL, 1, &err, &d),
		&err);
	cr_expect_eq(merge_docx_fields(d), 4, "every MERGEFIELD is counted");
	assert_ok(merge_docx_render_buf(d, rec, NULL, &out, &err), &err);
	assert_ok(merge_zip_open_buffer(&z, out.data, out.len, "out.docx", &err), &err);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/document.xml"), &part, &err), &err);
	cr_expect(strstr(part.data, ">Zhang@example.test<"), "%s", part.data);
	cr_expect(strstr(part.data, ">ZHANG@EXAMPLE.TEST<"), "%s", part.data);
	cr_expect(strstr(part.data, ">zhang san<"), "%s", part.data);
	cr_expect(strstr(part.data, ">Zhang San<"), "%s", part.data);
	cr_expect_null(strstr(part.data, "«"), "no field left unmerged: %s", part.data);
	cr_expect_null(strstr(part.data, "MERGEFIELD"), "%s", part.data);
	cr_expect(strstr(part.data, "w:instr=\" PAGE \""), "other fields stay: %s", part.data);
	cr_expect(strstr(part.data, "FORMCHECKBOX"), "other fields stay: %s", part.data);
	merge_zip_free(z);
	merge_docx_free(d);
	value_free(rec);
	buf_release(&out);
	buf_release(&part);
}

Test(docx_check, a_mergefield_that_cannot_be_merged_is_a_problem)
{
	struct err err = ERR_INIT;
	char *rep;

	cr_assert_eq(
		compile(
			/* IF { MERGEFIELD vip } = "1" "贵宾" "" */
			"<w:p><w:r><w:t>称谓：</w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
			"<w:r><w:instrText xml:space=\"preserve\"> IF </w:instrText></w:r>" FIELD(
				" MERGEFIELD vip ",
				"«vip»") "<w:r><w:instrText xml:space=\"preserve\"> = \"1\" \"贵宾\" \"\" </w:instrText></w:r>"
					 "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>贵宾</w:t></w:r>"
					 "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
					 /* a field that goes on into the next paragraph */
					 "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> MERGEFIELD name "
					 "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>«name»</w:t></w:r>"
					 "</w:p><w:p><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
					 /* switches that cannot be parsed */
					 "<w:p>" FIELD(" MERGEFIELD email \\* Shout ",
						       "«email»") "</w:p>"
								  "<w:p>" FIELD(" MERGEFIELD email junk ",
										"«email»") "</w:p>",
			NULL, 1, &err, NULL),
		ERR_INPUT);
	rep = report(&err);
	expect_line(rep,
		    "t.docx: part word/document.xml, paragraph 1: MERGEFIELD «vip» stands inside another field (IF…): "
		    "crmgate does not merge it there; write a condition as {{#name}}…{{/name}} or {{^name}}…{{/name}} "
		    "(near \"称谓：«vip»贵宾\")");
	expect_line(rep,
		    "t.docx: part word/document.xml, paragraph 2: MERGEFIELD «name» runs on into the next paragraph: "
		    "crmgate merges a field that begins and ends in one paragraph (near \"«name»\")");
	expect_line(rep, "t.docx: part word/document.xml, paragraph 4: field 'email': unknown format switch 'Shout' "
			 "(near \"«email»\")");
	expect_line(rep,
		    "t.docx: part word/document.xml, paragraph 5: field 'email': expected a switch such as \\@ or \\#, "
		    "found 'junk' (near \"«email»\")");
	free(rep);
	err_release(&err);
}

Test(docx_check, another_engines_syntax_is_a_warning)
{
	struct err err = ERR_INIT;
	struct merge_docx *d;

	assert_ok(compile(P("尊敬的{{name}}：") P("{% if vip %}贵宾{% endif %}") P("+++INS name+++"), NULL, 1, &err,
			  &d),
		  &err);
	cr_expect_str_eq(
		merge_docx_warnings(d),
		"t.docx: part word/document.xml, paragraph 2: '{% if vip %}' is Jinja's (docxtpl) template syntax, "
		"which crmgate does not read: write {{#name}}…{{/name}} for a condition or a list\n"
		"t.docx: part word/document.xml, paragraph 2: '{% endif %}' is Jinja's (docxtpl) template syntax, "
		"which crmgate does not read: write {{#name}}…{{/name}} for a condition or a list\n"
		"t.docx: part word/document.xml, paragraph 3: '+++INS name+++' is docx-templates' template syntax, "
		"which crmgate does not read: write {{name}} for a value, {{#name}}…{{/name}} for a list\n");
	merge_docx_free(d);
}

/* Templates made to hurt: a field inside a field's result that both go,
 * more section tags than any letter has, another engine's syntax in every
 * paragraph. Each is an error or a short list of warnings, quickly, and
 * nothing is read after it was freed. */
Test(docx_check, hostile_templates_are_refused_or_cut_short)
{
	struct err err = ERR_INIT;
	struct merge_docx *d;
	struct buf body = BUF_INIT;
	size_t lines = 0;

	/* a complex MERGEFIELD in the result of a simple one: both become
	 * placeholders, the outer taking the inner's run with it */
	assert_ok(compile("<w:p><w:fldSimple w:instr=\" MERGEFIELD name \">" FIELD(" MERGEFIELD email ",
										   "«email»") "</w:fldSimple></w:p>",
			  NULL, 1, &err, &d),
		  &err);
	merge_docx_free(d);

	for (int i = 0; i < 5001; i++)
		buf_adds(&body, P("{{#vip}}") P("{{/vip}}"));
	cr_assert_eq(compile(body.data, NULL, 0, &err, NULL), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "paragraph 10001: more than 10,000 section tags in one part"), "%s",
		  err.msg.data);
	err_release(&err);

	buf_reset(&body);
	for (int i = 0; i < 500; i++)
		buf_adds(&body, P("{% if x %}{% endif %}"));
	assert_ok(compile(body.data, NULL, 0, &err, &d), &err);
	for (const char *w = merge_docx_warnings(d); (w = strchr(w, '\n')); w++)
		lines++;
	cr_expect_leq(lines, 21, "a few warnings say enough: %zu", lines);
	cr_expect_geq(lines, 20);
	merge_docx_free(d);
	buf_release(&body);
}
