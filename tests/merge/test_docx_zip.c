/* tests/merge/test_docx_zip.c - reading and writing .docx packages, and
 * refusing the ones that would hurt (bad names, zip bombs, junk). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "common/xalloc.h"
#include "merge/docx_zip.h"

static char *dir;

static void setup(void)
{
	dir = test_tmpdir();
}

static void teardown(void)
{
	test_rmdir(dir);
}

TestSuite(docx_zip, .init = setup, .fini = teardown);

static const char doc[] = "<w:document><w:body><w:p><w:r><w:t>你好 {{name}}</w:t></w:r></w:p></w:body></w:document>";
static const char types[] = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";

static char *write_package(const char *name)
{
	struct err err = ERR_INIT;
	struct merge_zip_writer *w;
	char *path = xstrfmt("%s/%s", dir, name);
	assert_ok(merge_zip_writer_open(&w, path, &err), &err);
	assert_ok(merge_zip_writer_add(w, "[Content_Types].xml", types, strlen(types), &err), &err);
	assert_ok(merge_zip_writer_add(w, "word/document.xml", doc, strlen(doc), &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	return path;
}

Test(docx_zip, write_then_read)
{
	struct err err = ERR_INIT;
	struct merge_zip *z;
	struct buf part = BUF_INIT;
	char *path = write_package("a.docx");
	long i;

	assert_ok(merge_zip_open_file(&z, path, &err), &err);
	cr_assert_eq(merge_zip_count(z), 2);
	i = merge_zip_find(z, "word/document.xml");
	cr_assert_geq(i, 0);
	cr_assert_eq(merge_zip_find(z, "word/styles.xml"), -1);
	assert_ok(merge_zip_read(z, (size_t)i, &part, &err), &err);
	cr_assert_str_eq(part.data, doc);
	merge_zip_free(z);
	buf_release(&part);
	free(path);
}

Test(docx_zip, copy_keeps_parts_and_replaces_one)
{
	struct err err = ERR_INIT;
	struct merge_zip *src, *z;
	struct merge_zip_writer *w;
	struct buf part = BUF_INIT;
	char *in = write_package("in.docx"), *out = xstrfmt("%s/out.docx", dir);
	static const char filled[] = "<w:document><w:t>你好 王伟</w:t></w:document>";

	assert_ok(merge_zip_open_file(&src, in, &err), &err);
	assert_ok(merge_zip_writer_open(&w, out, &err), &err);
	assert_ok(merge_zip_writer_copy(w, src, (size_t)merge_zip_find(src, "[Content_Types].xml"), &err), &err);
	assert_ok(merge_zip_writer_add(w, "word/document.xml", filled, strlen(filled), &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	merge_zip_free(src);

	assert_ok(merge_zip_open_file(&z, out, &err), &err);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "[Content_Types].xml"), &part, &err), &err);
	cr_assert_str_eq(part.data, types);
	assert_ok(merge_zip_read(z, (size_t)merge_zip_find(z, "word/document.xml"), &part, &err), &err);
	cr_assert_str_eq(part.data, filled);
	merge_zip_free(z);
	buf_release(&part);
	free(in);
	free(out);
}

/* A zip with one stored entry, built byte by byte (APPNOTE.TXT 4.3), so a
 * test can hold names that no well-behaved writer makes. */
static uint32_t crc32_of(const char *s, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void le(struct buf *b, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		buf_addch(b, (char)((v >> (8 * i)) & 0xFF));
}

static void stored_zip(struct buf *b, const char *name, const char *data)
{
	uint32_t crc = crc32_of(data, strlen(data)), n = (uint32_t)strlen(name), len = (uint32_t)strlen(data);
	uint32_t central, central_size;
	le(b, 0x04034b50, 4), le(b, 20, 2), le(b, 0, 2), le(b, 0, 2), le(b, 0, 2), le(b, 0, 2);
	le(b, crc, 4), le(b, len, 4), le(b, len, 4), le(b, n, 2), le(b, 0, 2);
	buf_adds(b, name);
	buf_adds(b, data);
	central = (uint32_t)b->len;
	le(b, 0x02014b50, 4), le(b, 20, 2), le(b, 20, 2), le(b, 0, 2), le(b, 0, 2), le(b, 0, 2), le(b, 0, 2);
	le(b, crc, 4), le(b, len, 4), le(b, len, 4), le(b, n, 2), le(b, 0, 2), le(b, 0, 2), le(b, 0, 2);
	le(b, 0, 2), le(b, 0, 4), le(b, 0, 4);
	buf_adds(b, name);
	central_size = (uint32_t)b->len - central;
	le(b, 0x06054b50, 4), le(b, 0, 2), le(b, 0, 2), le(b, 1, 2), le(b, 1, 2);
	le(b, central_size, 4), le(b, central, 4), le(b, 0, 2);
}

Test(docx_zip, refuses_names_that_climb_out)
{
	static const char *const bad[] = { "../evil.txt", "word/../../evil.txt", "/etc/passwd", "c:\\evil.txt" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct err err = ERR_INIT;
		struct buf zip = BUF_INIT;
		struct merge_zip *z = NULL;
		stored_zip(&zip, bad[i], "x");
		cr_expect_eq(merge_zip_open_buffer(&z, zip.data, zip.len, "evil.docx", &err), ERR_INPUT, "%s", bad[i]);
		cr_expect(strstr(err.msg.data, "is not allowed"), "%s: %s", bad[i], err.msg.data);
		merge_zip_free(z);
		buf_release(&zip);
		err_release(&err);
	}
	{
		struct err err = ERR_INIT;
		struct buf zip = BUF_INIT;
		struct merge_zip *z = NULL;
		stored_zip(&zip, "word/document.xml", "ok");
		assert_ok(merge_zip_open_buffer(&z, zip.data, zip.len, "fine.docx", &err), &err);
		merge_zip_free(z);
		buf_release(&zip);
	}
}

Test(docx_zip, refuses_a_zip_bomb)
{
	struct err err = ERR_INIT;
	struct merge_zip_writer *w;
	struct merge_zip *z = NULL;
	size_t big = MERGE_ZIP_MAX_PART + 1;
	char *zeros = xcalloc(big, 1), *path = xstrfmt("%s/bomb.docx", dir);

	/* 64 MiB of zeros deflate to a few dozen kilobytes */
	assert_ok(merge_zip_writer_open(&w, path, &err), &err);
	assert_ok(merge_zip_writer_add(w, "word/document.xml", zeros, big, &err), &err);
	assert_ok(merge_zip_writer_close(w, &err), &err);
	free(zeros);
	cr_assert_eq(merge_zip_open_file(&z, path, &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "would decompress to more than"), "%s", err.msg.data);
	merge_zip_free(z);
	free(path);
	err_release(&err);
}

Test(docx_zip, junk_is_not_a_docx)
{
	struct err err = ERR_INIT;
	struct merge_zip *z = NULL;
	static const char junk[] = "this is plain text, not a zip file at all";
	cr_assert_eq(merge_zip_open_buffer(&z, junk, sizeof(junk) - 1, "letter.docx", &err), ERR_INPUT);
	cr_assert(strstr(err.msg.data, "letter.docx: is not a valid .docx (zip) file"), "%s", err.msg.data);
	err_release(&err);
}

/* Writers differ from each other in small ways between a local header and
 * its central directory entry; unzip, Python and LibreOffice read all of
 * these, and so must we (docx4j writes a modification time one unit off). */
Test(docx_zip, local_headers_that_differ_in_small_ways_are_read)
{
	static const struct {
		const char *what;
		size_t at; /* in the local header */
		uint32_t value;
		int bytes;
	} patches[] = {
		{ "a modification time one unit off", 10, 1, 2 },
		{ "another modification date", 12, 0x5A21, 2 },
		{ "another version needed to extract", 4, 10, 2 },
		{ "the UTF-8 name flag in the local header only", 6, 0x0800, 2 },
	};
	for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
		struct err err = ERR_INIT;
		struct buf zip = BUF_INIT, part = BUF_INIT;
		struct merge_zip *z = NULL;
		stored_zip(&zip, "word/document.xml", "<w:document/>");
		for (int k = 0; k < patches[i].bytes; k++)
			zip.data[patches[i].at + (size_t)k] = (char)((patches[i].value >> (8 * k)) & 0xFF);
		assert_ok(merge_zip_open_buffer(&z, zip.data, zip.len, "docx4j.docx", &err), &err);
		assert_ok(merge_zip_read(z, 0, &part, &err), &err);
		cr_expect_str_eq(part.data, "<w:document/>", "%s", patches[i].what);
		merge_zip_free(z);
		buf_release(&zip);
		buf_release(&part);
		err_release(&err);
	}
}

/* ... while a central directory that lies about what an entry holds is still
 * caught when the entry is read. */
Test(docx_zip, an_entry_whose_data_does_not_match_is_refused_when_read)
{
	struct err err = ERR_INIT;
	struct buf zip = BUF_INIT, part = BUF_INIT;
	struct merge_zip *z = NULL;
	char *data;
	stored_zip(&zip, "word/document.xml", "<w:document/>");
	data = memmem(zip.data, zip.len, "<w:document/>", 13);
	data[1] = 'x'; /* the CRC no longer matches */
	assert_ok(merge_zip_open_buffer(&z, zip.data, zip.len, "bad.docx", &err), &err);
	cr_assert_eq(merge_zip_read(z, 0, &part, &err), ERR_INPUT);
	cr_expect(strstr(err.msg.data, "bad.docx: part 'word/document.xml' is damaged"), "%s", err.msg.data);
	merge_zip_free(z);
	buf_release(&zip);
	buf_release(&part);
	err_release(&err);
}
