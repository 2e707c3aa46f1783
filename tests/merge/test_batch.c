/* tests/merge/test_batch.c - a combined print batch: every target its own
 * section, with its own values in the header, a footer without fields shared,
 * and a package that holds together (every part well-formed, every
 * reference resolved, every part typed). */
#include <dirent.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "merge/batch.h"
#include "merge/docx_zip.h"

#define R "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELTYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char *const parts[][2] = {
	{ "[Content_Types].xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	  "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	  "<Override PartName=\"/word/document.xml\" "
	  "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	  "<Override PartName=\"/word/header1.xml\" "
	  "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
	  "<Override PartName=\"/word/footer1.xml\" "
	  "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/></Types>" },
	{ "_rels/.rels", TEST_DOCX_RELS },
	{ "word/_rels/document.xml.rels",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	  "<Relationship Id=\"rId7\" Type=\"" RELTYPE "header\" Target=\"header1.xml\"/>"
	  "<Relationship Id=\"rId8\" Type=\"" RELTYPE "footer\" Target=\"footer1.xml\"/></Relationships>" },
	{ "word/header1.xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:hdr " TEST_W "><w:p><w:r><w:t>致 {{name}}</w:t></w:r></w:p></w:hdr>" },
	/* the header's own relationships, as a logo in it has */
	{ "word/_rels/header1.xml.rels",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	  "<Relationship Id=\"rId1\" Type=\"" RELTYPE "image\" Target=\"media/logo.png\"/></Relationships>" },
	{ "word/footer1.xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:ftr " TEST_W "><w:p><w:r><w:t>示范贸易有限公司</w:t></w:r></w:p></w:ftr>" },
	{ "word/document.xml",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " TEST_W " " R "><w:body>"
	  "<w:p><w:r><w:t>{{name}} &lt;{{code}}&gt;</w:t></w:r></w:p>"
	  "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId7\"/>"
	  "<w:footerReference w:type=\"default\" r:id=\"rId8\"/><w:type w:val=\"continuous\"/>"
	  "<w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>" },
};

static char *part_of(struct merge_zip *z, const char *name)
{
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	long i = merge_zip_find(z, name);
	cr_assert_geq(i, 0, "the package has no %s", name);
	assert_ok(merge_zip_read(z, (size_t)i, &b, &err), &err);
	return buf_detach(&b, NULL);
}

static int count(const char *s, const char *what)
{
	int n = 0;
	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

Test(batch, every_target_has_its_section_and_its_header)
{
	char *dir = test_tmpdir(), *tpl = xstrfmt("%s/t.docx", dir), *path = xstrfmt("%s/batch.docx", dir);
	const char *names[] = { "甲公司", "乙 & 丙", "乙 & 丙" };
	struct err err = ERR_INIT;
	struct merge_docx *d;
	struct merge_batch *b;
	struct merge_zip *z;
	char *doc, *rels, *types;
	struct buf bytes = BUF_INIT;

	test_write_docx(tpl, parts, sizeof(parts) / sizeof(parts[0]));
	{
		FILE *f = fopen(tpl, "rb");
		for (int c; (c = getc(f)) != EOF;)
			buf_addch(&bytes, (char)c);
		fclose(f);
	}
	assert_ok(merge_docx_compile(&d, bytes.data, bytes.len, "t.docx", NULL, NULL, &err), &err);
	assert_ok(merge_batch_open(&b, d, path, &err), &err);
	for (int i = 0; i < 3; i++) {
		struct value *rec = value_new_object();
		char code[16];
		snprintf(code, sizeof(code), "C%d", i + 1);
		value_object_set(rec, "name", value_new_text(names[i]));
		value_object_set(rec, "code", value_new_text(code));
		assert_ok(merge_batch_add(b, rec, NULL, &err), &err);
		value_free(rec);
	}
	cr_assert_eq(merge_batch_count(b), 3);
	assert_ok(merge_batch_close(b, &err), &err);

	assert_ok(merge_zip_open_file(&z, path, &err), &err);
	doc = part_of(z, "word/document.xml");
	rels = part_of(z, "word/_rels/document.xml.rels");
	types = part_of(z, "[Content_Types].xml");
	/* every part parses */
	for (size_t i = 0; i < merge_zip_count(z); i++) {
		char *p = part_of(z, merge_zip_name(z, i));
		xmlDocPtr x = xmlReadMemory(p, (int)strlen(p), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
		cr_expect(x, "%s is not well-formed: %s", merge_zip_name(z, i), p);
		xmlFreeDoc(x);
		free(p);
	}
	/* the bodies in order, three sections, each starting on a new page */
	cr_assert(strstr(doc, "甲公司 &lt;C1&gt;"), "%s", doc);
	cr_assert(strstr(doc, "乙 &amp; 丙 &lt;C2&gt;") > strstr(doc, "甲公司"), "%s", doc);
	cr_assert(strstr(doc, "&lt;C3&gt;") > strstr(doc, "&lt;C2&gt;"), "%s", doc);
	cr_expect_eq(count(doc, "<w:sectPr>"), 3, "%s", doc);
	cr_expect_null(strstr(doc, "continuous"), "every target starts on a new page: %s", doc);
	cr_expect_null(strstr(doc, "{{"), "%s", doc);
	/* the header: target 1 in the template's part, target 2 in a copy that
	 * target 3 shares (same values); the footer holds no field: one part */
	char *h1 = part_of(z, "word/header1.xml"), *h2 = part_of(z, "word/crmgate-2-header1.xml");
	cr_expect(strstr(h1, "致 甲公司"), "%s", h1);
	cr_expect(strstr(h2, "致 乙 &amp; 丙"), "%s", h2);
	cr_expect_lt(merge_zip_find(z, "word/crmgate-3-header1.xml"), 0, "an identical header is shared");
	/* the copy keeps the header's relationships (its logo) */
	char *hrels = part_of(z, "word/_rels/crmgate-2-header1.xml.rels");
	cr_expect(strstr(hrels, "media/logo.png"), "%s", hrels);
	free(hrels);
	cr_expect_eq(count(doc, "r:id=\"rId8\""), 3, "the footer is shared: %s", doc);
	cr_expect_eq(count(doc, "r:id=\"rId7\""), 1, "%s", doc);
	cr_expect_eq(count(doc, "r:id=\"crmgateR2h0\""), 2, "%s", doc);
	cr_expect(strstr(rels, "Id=\"crmgateR2h0\" Type=\"" RELTYPE "header\" Target=\"crmgate-2-header1.xml\""), "%s",
		  rels);
	cr_expect(strstr(types, "<Override PartName=\"/word/crmgate-2-header1.xml\" ContentType=\"application/"
				"vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"),
		  "%s", types);
	free(h1);
	free(h2);
	free(doc);
	free(rels);
	free(types);
	merge_zip_free(z);

	/* nothing is left beside the output but the output */
	DIR *dh = opendir(dir);
	int entries = 0;
	for (struct dirent *de; (de = readdir(dh));)
		entries += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(dh);
	cr_expect_eq(entries, 2, "the template and the batch, no temporary folder");
	merge_docx_free(d);
	buf_release(&bytes);
	free(tpl);
	free(path);
	test_rmdir(dir);
}
