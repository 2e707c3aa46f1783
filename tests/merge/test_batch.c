/* tests/merge/test_batch.c - a combined print batch: every target its own
 * section, with its own values in the header, a footer without fields shared,
 * and a package that holds together (every part well-formed, every
 * reference resolved, every part typed). */
#include <dirent.h>
#include <libxml/parser.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "merge/batch.h"
#include "merge/docx_zip.h"

#define R	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
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
	{ "word/header1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:hdr " TEST_W
			      "><w:p><w:r><w:t>致 {{name}}</w:t></w:r></w:p></w:hdr>" },
	/* the header's own relationships, as a logo in it has */
	{ "word/_rels/header1.xml.rels",
	  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	  "<Relationship Id=\"rId1\" Type=\"" RELTYPE "image\" Target=\"media/logo.png\"/></Relationships>" },
	{ "word/footer1.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:ftr " TEST_W
			      "><w:p><w:r><w:t>示范贸易有限公司</w:t></w:r></w:p></w:ftr>" },
	{ "word/document.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " TEST_W " " R "><w:body>"
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

/* Writes past limit bytes fail for this process (and what it starts), as
 * on a full disk: EFBIG, "File too large" (setrlimit RLIMIT_FSIZE, with
 * SIGXFSZ ignored so that a write fails instead of killing). Only the soft
 * limit moves: file_size_limit(RLIM_INFINITY) lifts it again. */
static void file_size_limit(rlim_t limit)
{
	struct rlimit rl;
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = limit == RLIM_INFINITY ? rl.rlim_max : limit;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* Is dir's only entry name? Nothing else, no temporary folder, is left. */
static int only_entry(const char *dir, const char *name)
{
	DIR *d = opendir(dir);
	int others = 0, found = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (name && !strcmp(e->d_name, name))
			found = 1;
		else
			others++;
	}
	closedir(d);
	return !others && (found || !name);
}

/* A batch of 40 targets, each with its own header, into out (a folder);
 * returns what merge_batch left in err. */
static int batch_into(const char *out, struct merge_docx *d, struct err *err)
{
	char *path = xstrfmt("%s/batch.docx", out);
	struct merge_batch *b;
	int rc = merge_batch_open(&b, d, path, err);
	for (int i = 0; !rc && i < 40; i++) {
		struct value *rec = value_new_object();
		char name[32];
		snprintf(name, sizeof(name), "客户%d", i);
		value_object_set(rec, "name", value_new_text(name));
		value_object_set(rec, "code", value_new_text(name));
		rc = merge_batch_add(b, rec, NULL, err);
		value_free(rec);
	}
	if (b)
		rc = rc ? (merge_batch_discard(b), rc) : merge_batch_close(b, err);
	free(path);
	return rc;
}

/* A write that fails anywhere in a print batch (its body, a header's copy,
 * the package) is an error saying why; nothing is left behind, neither the
 * batch nor a temporary folder; and nothing is freed twice. */
static void full_disk_case(const char *out, const char *why, void (*fill)(const char *out, size_t step), size_t steps)
{
	char *tpl = xstrfmt("%s/../t.docx", out);
	struct buf bytes = BUF_INIT;
	struct merge_docx *d;
	struct err err = ERR_INIT;
	int failed = 0, worked = 0;

	test_write_docx(tpl, parts, sizeof(parts) / sizeof(parts[0]));
	test_slurp_buf(&bytes, tpl);
	assert_ok(merge_docx_compile(&d, bytes.data, bytes.len, "t.docx", NULL, NULL, &err), &err);
	for (size_t step = 0; step < steps; step++) {
		int rc;
		fill(out, step);
		rc = batch_into(out, d, &err);
		file_size_limit(RLIM_INFINITY);
		if (rc) {
			failed++;
			cr_expect_eq(rc, ERR_FAIL, "step %zu: %s", step, err.msg.data);
			cr_expect(strstr(err.msg.data, why), "step %zu: %s", step, err.msg.data);
			if (!only_entry(out, NULL))
				test_sh("ls -laR '%s' >&2", out);
			cr_expect(only_entry(out, NULL), "step %zu: nothing is left in %s", step, out);
		} else {
			worked++;
			cr_expect(only_entry(out, "batch.docx"), "step %zu: only the batch is in %s", step, out);
			char *made = xstrfmt("%s/batch.docx", out);
			unlink(made);
			free(made);
		}
		err_release(&err);
	}
	cr_expect_gt(failed, 3, "the writes failed at several places");
	cr_expect_gt(worked, 0, "and a disk with room enough took the batch");
	merge_docx_free(d);
	buf_release(&bytes);
	free(tpl);
}

static void limit_files(const char *out, size_t step)
{
	static const rlim_t limits[] = { 0, 1, 100, 600, 2000, 4096, 9000, 20000, 60000, 200000, RLIM_INFINITY };
	(void)out;
	file_size_limit(limits[step]);
}

Test(batch, a_write_past_a_file_size_limit_fails_cleanly)
{
	char *dir = test_tmpdir(), *out = xstrfmt("%s/out", dir);
	cr_assert_eq(mkdir(out, 0755), 0);
	full_disk_case(out, "File too large", limit_files, 11);
	free(out);
	test_rmdir(dir);
}

/* A tmpfs as small as step says, mounted on out (root only). */
static void small_disk(const char *out, size_t step)
{
	static const char *const sizes[] = { "4k", "8k", "12k", "16k", "24k", "32k", "64k", "1m" };
	test_sh("umount '%s' 2>/dev/null", out);
	cr_assert_eq(test_sh("mount -t tmpfs -o size=%s tmpfs '%s'", sizes[step], out), 0);
}

Test(batch, a_full_disk_fails_cleanly)
{
	char *dir = test_tmpdir(), *out = xstrfmt("%s/out", dir);
	cr_assert_eq(mkdir(out, 0755), 0);
	if (geteuid() != 0 || test_sh("mount -t tmpfs -o size=4k tmpfs '%s' 2>/dev/null && umount '%s'", out, out)) {
		free(out);
		test_rmdir(dir);
		cr_skip_test("mounting a small tmpfs needs root");
	}
	full_disk_case(out, "No space left on device", small_disk, 8);
	test_sh("umount '%s'", out);
	free(out);
	test_rmdir(dir);
}
