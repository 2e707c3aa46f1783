/* tests/merge/test_office.c - merged documents open in LibreOffice: a filled
 * quote converts to text (Chinese and all, no placeholder left) and to PDF;
 * a file LibreOffice cannot load, a junk file named .docx and a missing
 * soffice are errors that say what is wrong. Needs LibreOffice (deps.sh
 * installs libreoffice-writer-nogui). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "word_fixture.h"
#include "common/proc.h"
#include "common/xalloc.h"
#include "merge/office.h"

/* A private TMPDIR, to see that the profile folder is gone afterwards. */
static char *private_tmp(const char *dir)
{
	char *tmp = xstrfmt("%s/tmp", dir);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	return tmp;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	cr_assert(d, "could not open %s", dir);
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

Test(office, a_merged_quote_converts_to_text)
{
	static const char *const expected[] = {
		"尊敬的Acme 上海 <&> \"quote\"：",
		"客户：ACME 上海 <&> \"QUOTE\"",
		"日期：2026年11月26日",
		"世纪大道100号",
		"数控机床 <CK6140>",
		"刀具 & 配件（折）",
		"合计：12,350.50 元",
		"感谢您多年来的支持",
	};
	char *dir = test_tmpdir(), *tmp = private_tmp(dir), *docx = wf_fill(dir, wf_record(1, 2));
	char *txt = xstrfmt("%s/SO-2026-001.txt", dir);
	const char *paths[] = { docx };
	struct err err = ERR_INIT;
	struct buf text = BUF_INIT;

	/* a HOME nobody can write to must not matter */
	setenv("HOME", "/nonexistent", 1);
	assert_ok(merge_office_convert(paths, 1, "txt", dir, &err), &err);
	wf_read_file(&text, txt);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		cr_expect(strstr(text.data, expected[i]), "expected '%s' in:\n%s", expected[i], text.data);
	cr_expect_null(strstr(text.data, "{{"), "%s", text.data);
	cr_expect_null(strstr(text.data, "MERGEFIELD"), "%s", text.data);
	cr_expect_null(strstr(text.data, "«"), "%s", text.data);
	cr_expect_eq(entries(tmp), 0, "the profile folder is removed");

	buf_release(&text);
	free(txt);
	free(docx);
	free(tmp);
	test_rmdir(dir);
}

Test(office, a_merged_quote_converts_to_pdf)
{
	char *dir = test_tmpdir(), *docx = wf_fill(dir, wf_record(0, 1));
	char *out = xstrfmt("%s/pdf", dir), *pdf = xstrfmt("%s/SO-2026-001.pdf", out);
	char *argv[] = { "pdftotext", pdf, "-", NULL };
	const char *paths[] = { docx };
	struct err err = ERR_INIT;
	struct buf data = BUF_INIT, text = BUF_INIT;

	cr_assert_eq(mkdir(out, 0700), 0);
	assert_ok(merge_office_convert(paths, 1, "pdf", out, &err), &err);
	wf_read_file(&data, pdf);
	cr_assert(data.len > 4 && !memcmp(data.data, "%PDF", 4), "not a PDF");
	/* the text, Chinese included, is in it as text (poppler-utils) */
	assert_ok(proc_run(argv, NULL, &text, &err), &err);
	cr_expect(strstr(text.data, "报价单") && strstr(text.data, "欢迎加入我们的贵宾计划"), "%s", text.data);
	cr_expect(strstr(text.data, "客户编号 SO-2026-001"), "the header is there: %s", text.data);
	cr_expect(strstr(text.data, "电话 13800138000"), "the footer is there: %s", text.data);
	cr_expect(strstr(text.data, "报价有效期至 2026-12-31"), "the footnote is there: %s", text.data);

	buf_release(&data);
	buf_release(&text);
	free(pdf);
	free(out);
	free(docx);
	test_rmdir(dir);
}

Test(office, a_file_libreoffice_cannot_load_is_named)
{
	char *dir = test_tmpdir(), *bad = xstrfmt("%s/damaged.docx", dir);
	const char *paths[] = { bad };
	struct err err = ERR_INIT;

	/* a zip's signature and then nothing of a zip */
	test_write_file(bad, "PK\3\4 and then garbage");
	cr_assert_eq(merge_office_convert(paths, 1, "pdf", dir, &err), ERR_FAIL);
	cr_expect(strstr(err.msg.data, "could not convert") && strstr(err.msg.data, "damaged.docx"), "%s",
		  err.msg.data);
	err_release(&err);
	free(bad);
	test_rmdir(dir);
}

Test(office, junk_named_docx_is_refused_before_libreoffice_runs)
{
	char *dir = test_tmpdir(), *junk = xstrfmt("%s/junk.docx", dir), *pdf = xstrfmt("%s/junk.pdf", dir);
	const char *paths[] = { junk };
	struct err err = ERR_INIT;
	struct stat st;

	test_write_file(junk, "this is not a Word document");
	cr_assert_eq(merge_office_convert(paths, 1, "pdf", dir, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, junk) && strstr(err.msg.data, "not a .docx file"), "%s", err.msg.data);
	cr_expect_neq(stat(pdf, &st), 0, "no PDF of the junk");
	err_release(&err);
	free(pdf);
	free(junk);
	test_rmdir(dir);
}

Test(office, two_inputs_for_one_output_are_refused)
{
	char *dir = test_tmpdir(), *a = xstrfmt("%s/a", dir), *b = xstrfmt("%s/b", dir);
	char *pa = wf_fill((mkdir(a, 0700), a), wf_record(1, 1)), *pb = wf_fill((mkdir(b, 0700), b), wf_record(1, 1));
	const char *paths[] = { pa, pb };
	struct err err = ERR_INIT;

	cr_assert_eq(merge_office_convert(paths, 2, "pdf", dir, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "both would be written to") && strstr(err.msg.data, "SO-2026-001.pdf"), "%s",
		  err.msg.data);
	err_release(&err);
	free(pa);
	free(pb);
	free(a);
	free(b);
	test_rmdir(dir);
}

Test(office, a_missing_soffice_says_what_to_install)
{
	const char *paths[] = { "/nonexistent/x.docx" };
	struct err err = ERR_INIT;

	setenv("CRMGATE_SOFFICE", "/nonexistent/soffice", 1);
	cr_expect_eq(merge_office_available(), 0);
	cr_assert_eq(merge_office_convert(paths, 1, "pdf", "/tmp", &err), ERR_FAIL);
	cr_expect(strstr(err.msg.data, "LibreOffice, an optional dependency") &&
			  strstr(err.msg.data, "/nonexistent/soffice"),
		  "%s", err.msg.data);
	cr_expect(strstr(err.hint.data, "libreoffice-writer-nogui"), "%s", err.hint.data);
	err_release(&err);
}

/* A document whose picture is linked, not embedded, from url. */
static void write_linked(const char *path, const char *url)
{
	struct err err = ERR_INIT;
	struct merge_zip_writer *w;
	char *rels =
		xstrfmt(WF_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
				"<Relationship Id=\"rId1\" Type=\"" WF_REL
				"image\" Target=\"%s\" TargetMode=\"External\"/>"
				"</Relationships>",
			url);
	const char *parts[][2] = {
		{ "[Content_Types].xml", wf_parts[0].pieces[0] },
		{ "_rels/.rels", wf_parts[1].pieces[0] },
		{ "word/_rels/document.xml.rels", rels },
		{ "word/document.xml", WF_DECL
		  "<w:document " WF_NS "><w:body><w:p><w:r><w:drawing><wp:inline><wp:extent cx=\"190500\" "
		  "cy=\"190500\"/><wp:docPr id=\"1\" name=\"logo\"/><a:graphic " WF_A "><a:graphicData "
		  "uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic "
		  "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr "
		  "id=\"0\" name=\"logo.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link=\"rId1\"/>"
		  "</pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
		  "<w:r><w:t>linked</w:t></w:r></w:p></w:body></w:document>" },
	};

	assert_ok(merge_zip_writer_open(&w, path, &err), &err);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		assert_ok(merge_zip_writer_add(w, parts[i][0], parts[i][1], strlen(parts[i][1]), &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	free(rels);
}

Test(office, linked_content_is_not_fetched)
{
	/* plain soffice asks this listener for the picture (an HTTP OPTIONS
	 * first); the conversion's profile must keep it off the network */
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char *dir = test_tmpdir(), *docx = xstrfmt("%s/linked.docx", dir), *url;
	const char *paths[] = { docx };
	struct err err = ERR_INIT;

	cr_assert(fd >= 0 && !bind(fd, (struct sockaddr *)&addr, sizeof(addr)) && !listen(fd, 4) &&
		  !getsockname(fd, (struct sockaddr *)&addr, &alen));
	url = xstrfmt("http://127.0.0.1:%d/logo.png", ntohs(addr.sin_port));
	write_linked(docx, url);
	assert_ok(merge_office_convert(paths, 1, "pdf", dir, &err), &err);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	cr_expect_eq(accept(fd, NULL, NULL), -1, "LibreOffice connected to %s", url);
	cr_expect(errno == EAGAIN || errno == EWOULDBLOCK);
	close(fd);
	free(url);
	free(docx);
	test_rmdir(dir);
}

/* The template of issue 10, a list opened among text and closed alone in the
 * next paragraph, with a page break after each item: LibreOffice loads
 * what the merge writes, and shows each item once, on its own page. */
Test(office, sections_over_paragraphs_load_in_libreoffice)
{
#define P(text) "<w:p><w:r><w:t xml:space=\"preserve\">" text "</w:t></w:r></w:p>"
	static const char *const parts[][2] = {
		{ "[Content_Types].xml", TEST_DOCX_TYPES },
		{ "_rels/.rels", TEST_DOCX_RELS },
		{ "word/document.xml",
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " TEST_W "><w:body>" P("订单")
			  P("{{#lines}}{{product_name}}") "<w:p><w:r><w:br w:type=\"page\"/></w:r><w:r><w:t>{{/lines}}</w:t></w:r></w:p>" P(
				  "{{^vip}}") P("普通客户") P("{{/vip}}")
				  P("end") "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>" },
	};
	char *dir = test_tmpdir(), *tpl = xstrfmt("%s/t.docx", dir), *docx = xstrfmt("%s/out.docx", dir);
	char *txt = xstrfmt("%s/out.txt", dir);
	const char *paths[] = { docx };
	struct err err = ERR_INIT;
	struct buf data = BUF_INIT, text = BUF_INIT;
	struct merge_docx *d;
	struct value *rec = value_new_object(), *lines = value_new_list();
	static const char *const names[] = { "塔式服务器 X100", "服务器内存条 X500" };

	for (int i = 0; i < 2; i++) {
		struct value *l = value_new_object();
		value_object_set(l, "product_name", value_new_text(names[i]));
		value_list_push(lines, l);
	}
	value_object_set(rec, "lines", lines);
	value_object_set(rec, "vip", value_new_bool(0));
	test_write_docx(tpl, parts, 3);
	test_slurp_buf(&data, tpl);
	assert_ok(merge_docx_compile(&d, data.data, data.len, "t.docx", NULL, NULL, &err), &err);
	assert_ok(merge_docx_render(d, rec, NULL, docx, &err), &err);
	assert_ok(merge_office_convert(paths, 1, "txt", dir, &err), &err);
	wf_read_file(&text, txt);
	const char *a = strstr(text.data, "订单"), *b = a ? strstr(a, names[0]) : NULL,
		   *c = b ? strstr(b, names[1]) : NULL;
	const char *e = c ? strstr(c, "普通客户") : NULL;
	cr_expect(e && strstr(e, "end"), "each item once, in order, then the rest:\n%s", text.data);
	cr_expect_null(strstr(text.data, "{{"), "%s", text.data);
	merge_docx_free(d);
	value_free(rec);
	buf_release(&data);
	buf_release(&text);
	free(tpl);
	free(docx);
	free(txt);
	test_rmdir(dir);
#undef P
}
