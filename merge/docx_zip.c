/* merge/docx_zip.c - the zip container of a .docx, through libzip
 * (ECMA-376 part 2; APPNOTE.TXT for the zip format itself). */
#include "merge/docx_zip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>
#include <zip.h>

#include "common/file.h"
#include "common/xalloc.h"
#include "common/banned.h"

struct merge_zip {
	zip_t *za;
	char *label;
	char **names; /* entry names, in index order */
	size_t count;
	unsigned long long total; /* decompressed bytes, all entries */
};

struct merge_zip_writer {
	zip_t *za;
	char *path;
	zip_source_t *memory; /* small packages are built here, then written at once */
	int fd;		      /* to write them to, when the caller has it open */
};

/* Generated parts are deflated fast: a document's text compresses nearly
 * as well at level 1, in much less time than at 6 (bench/README.md). */
#define DEFLATE_LEVEL 1

static int zip_failed(struct err *err, const char *label, const char *what, zip_error_t *ze)
{
	return err_set(err, ERR_INPUT, "%s: %s: %s", label, what, zip_error_strerror(ze));
}

/* A name a package may hold: relative, no "..", no backslashes or drive
 * letters that another unzipper could take for a path. */
static int safe_name(const char *name)
{
	if (!*name || name[0] == '/' || strchr(name, '\\') || strchr(name, ':'))
		return 0;
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

static int index_entries(struct merge_zip *z, struct err *err)
{
	zip_int64_t n = zip_get_num_entries(z->za, 0);
	if (n < 0 || n > MERGE_ZIP_MAX_ENTRIES)
		return err_set(err, ERR_INPUT, "%s: has %lld parts, more than a document needs (at most %d)", z->label,
			       (long long)n, MERGE_ZIP_MAX_ENTRIES);
	z->names = xcalloc((size_t)n + 1, sizeof(*z->names));
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		const char *name = zip_get_name(z->za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		if (!name || zip_stat_index(z->za, (zip_uint64_t)i, 0, &st))
			return err_set(err, ERR_INPUT, "%s: part %lld cannot be read", z->label, (long long)i);
		if (!safe_name(name))
			return err_set(err, ERR_INPUT, "%s: part name '%s' is not allowed (absolute or with '..')",
				       z->label, name);
		z->total += st.size;
		if (st.size > MERGE_ZIP_MAX_PART || z->total > MERGE_ZIP_MAX_TOTAL)
			return err_set(err, ERR_INPUT, "%s: '%s' would decompress to more than a document may (%u MiB)",
				       z->label, name, (unsigned)(MERGE_ZIP_MAX_TOTAL >> 20));
		z->names[i] = xstrdup(name);
		z->count++;
	}
	return 0;
}

static int open_source(struct merge_zip **out, zip_source_t *src, const char *label, struct err *err)
{
	struct merge_zip *z = xcalloc(1, sizeof(*z));
	zip_error_t ze;
	int rc;

	*out = NULL;
	z->label = xstrdup(label);
	zip_error_init(&ze);
	/* no ZIP_CHECKCONS: it refuses packages whose local headers differ from
	 * the central directory in small ways (docx4j's modification times), which
	 * every unzipper reads; the caps below and the CRC of each entry read
	 * are what protect us */
	z->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!z->za) {
		zip_source_free(src);
		rc = zip_failed(err, label, "is not a valid .docx (zip) file", &ze);
		zip_error_fini(&ze);
		merge_zip_free(z);
		return rc;
	}
	zip_error_fini(&ze);
	if ((rc = index_entries(z, err))) {
		merge_zip_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

int merge_zip_open_buffer(struct merge_zip **out, const void *data, size_t len, const char *label, struct err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		int rc = zip_failed(err, label, "could not be opened", &ze);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	return open_source(out, src, label, err);
}

int merge_zip_open_file(struct merge_zip **out, const char *path, struct err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_error_init(&ze);
	src = zip_source_file_create(path, 0, -1, &ze);
	if (!src) {
		int rc = zip_failed(err, path, "could not be opened", &ze);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	return open_source(out, src, path, err);
}

void merge_zip_free(struct merge_zip *z)
{
	if (!z)
		return;
	if (z->za)
		zip_discard(z->za);
	for (size_t i = 0; i < z->count; i++)
		free(z->names[i]);
	free(z->names);
	free(z->label);
	free(z);
}

size_t merge_zip_count(const struct merge_zip *z)
{
	return z->count;
}

const char *merge_zip_name(const struct merge_zip *z, size_t i)
{
	return i < z->count ? z->names[i] : NULL;
}

long merge_zip_find(const struct merge_zip *z, const char *name)
{
	for (size_t i = 0; i < z->count; i++)
		if (!strcmp(z->names[i], name))
			return (long)i;
	return -1;
}

int merge_zip_read(struct merge_zip *z, size_t i, struct buf *out, struct err *err)
{
	zip_file_t *f;
	char chunk[65536];
	zip_int64_t n;
	int rc = 0;

	buf_reset(out);
	if (i >= z->count)
		BUG("merge_zip_read past the last entry");
	f = zip_fopen_index(z->za, i, 0);
	if (!f)
		return err_set(err, ERR_INPUT, "%s: part '%s' cannot be read: %s", z->label, z->names[i],
			       zip_strerror(z->za));
	/* the stat'ed size is the archive's word; count what really comes out */
	while ((n = zip_fread(f, chunk, sizeof(chunk))) > 0) {
		if (out->len + (size_t)n > MERGE_ZIP_MAX_PART) {
			rc = err_set(err, ERR_INPUT, "%s: part '%s' decompresses to more than %u MiB", z->label,
				     z->names[i], (unsigned)(MERGE_ZIP_MAX_PART >> 20));
			break;
		}
		buf_add(out, chunk, (size_t)n);
	}
	if (!rc && n < 0)
		rc = err_set(err, ERR_INPUT, "%s: part '%s' is damaged: %s", z->label, z->names[i],
			     zip_file_strerror(f));
	zip_fclose(f);
	return rc;
}

int merge_zip_writer_open(struct merge_zip_writer **out, const char *path, struct err *err)
{
	int zerr = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		err_set(err, ERR_FAIL, "could not write '%s': %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return err->code;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->za = za;
	(*out)->path = xstrdup(path);
	return 0;
}

int merge_zip_writer_open_small(struct merge_zip_writer **out, const char *path, int fd, struct err *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!za) {
		err_set(err, ERR_FAIL, "could not build '%s': %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		if (src)
			zip_source_free(src);
		return err->code;
	}
	zip_error_fini(&ze);
	/* the archive is read back from src after zip_close */
	zip_source_keep(src);
	*out = xcalloc(1, sizeof(**out));
	(*out)->za = za;
	(*out)->memory = src;
	(*out)->fd = fd;
	(*out)->path = xstrdup(path);
	return 0;
}

/* The package built in memory, read back from its source. */
static int read_memory(struct merge_zip_writer *w, char **data, zip_uint64_t *size, struct err *err)
{
	zip_stat_t st;
	int rc = 0;

	*data = NULL;
	if (zip_source_stat(w->memory, &st) || zip_source_open(w->memory))
		return err_set(err, ERR_FAIL, "could not write '%s': %s", w->path,
			       zip_error_strerror(zip_source_error(w->memory)));
	*data = xmalloc(st.size ? st.size : 1);
	*size = st.size;
	if (zip_source_read(w->memory, *data, st.size) != (zip_int64_t)st.size)
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", w->path,
			     zip_error_strerror(zip_source_error(w->memory)));
	zip_source_close(w->memory);
	return rc;
}

/* Write the package built in memory to w->path, at once. */
static int write_memory(struct merge_zip_writer *w, struct err *err)
{
	zip_uint64_t size = 0;
	char *data;
	int fd, rc = read_memory(w, &data, &size, err);

	if (!rc) {
		int failed, saved = 0;
		fd = w->fd >= 0 ? w->fd : open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		failed = fd < 0 || file_write_all(fd, data, size);
		if (failed)
			saved = errno;
		/* our own fd is closed once, whatever happened */
		if (fd >= 0 && fd != w->fd && close(fd) && !failed) {
			failed = 1;
			saved = errno;
		}
		if (failed)
			rc = err_set(err, ERR_FAIL, "could not write '%s': %s", w->path, strerror(saved));
	}
	free(data);
	return rc;
}

int merge_zip_writer_add(struct merge_zip_writer *w, const char *name, const void *data, size_t len, struct err *err)
{
	void *copy = xmalloc(len ? len : 1);
	zip_source_t *src;
	zip_int64_t idx;

	if (!safe_name(name))
		BUG("part name '%s' is not safe", name);
	memcpy(copy, data, len);
	/* freep = 1: libzip frees the copy when it is done with it */
	src = zip_source_buffer(w->za, copy, len, 1);
	if (!src) {
		free(copy);
		return err_set(err, ERR_FAIL, "could not add '%s' to '%s': %s", name, w->path, zip_strerror(w->za));
	}
	idx = zip_file_add(w->za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(src);
		return err_set(err, ERR_FAIL, "could not add '%s' to '%s': %s", name, w->path, zip_strerror(w->za));
	}
	zip_set_file_compression(w->za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, DEFLATE_LEVEL);
	return 0;
}

int merge_zip_writer_add_file(struct merge_zip_writer *w, const char *name, const char *file, struct err *err)
{
	zip_source_t *src;
	zip_int64_t idx;

	if (!safe_name(name))
		BUG("part name '%s' is not safe", name);
	src = zip_source_file(w->za, file, 0, -1);
	if (!src)
		return err_set(err, ERR_FAIL, "could not add '%s' to '%s': %s", file, w->path, zip_strerror(w->za));
	idx = zip_file_add(w->za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(src);
		return err_set(err, ERR_FAIL, "could not add '%s' to '%s': %s", file, w->path, zip_strerror(w->za));
	}
	zip_set_file_compression(w->za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, DEFLATE_LEVEL);
	return 0;
}

int merge_zip_writer_copy(struct merge_zip_writer *w, struct merge_zip *src, size_t i, struct err *err)
{
	zip_source_t *s = zip_source_zip(w->za, src->za, i, ZIP_FL_COMPRESSED, 0, -1);
	zip_int64_t idx;
	zip_stat_t st;

	if (!s || zip_stat_index(src->za, i, 0, &st))
		return err_set(err, ERR_FAIL, "could not copy '%s' into '%s': %s", src->names[i], w->path,
			       zip_strerror(w->za));
	idx = zip_file_add(w->za, src->names[i], s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(s);
		return err_set(err, ERR_FAIL, "could not copy '%s' into '%s': %s", src->names[i], w->path,
			       zip_strerror(w->za));
	}
	/* the data is already compressed this way: tell libzip not to redo it */
	zip_set_file_compression(w->za, (zip_uint64_t)idx, (zip_int32_t)st.comp_method, 0);
	return 0;
}

int merge_zip_writer_close(struct merge_zip_writer *w, struct err *err)
{
	int rc = 0;
	if (zip_close(w->za)) {
		rc = err_set(err, ERR_FAIL, "could not write '%s': %s", w->path, zip_strerror(w->za));
		zip_discard(w->za);
	} else if (w->memory) {
		rc = write_memory(w, err);
	}
	if (w->memory)
		zip_source_free(w->memory);
	free(w->path);
	free(w);
	return rc;
}

int merge_zip_writer_close_buf(struct merge_zip_writer *w, struct buf *out, struct err *err)
{
	zip_uint64_t size = 0;
	char *data = NULL;
	int rc = 0;

	if (!w->memory)
		BUG("close_buf on a writer that writes a file");
	if (zip_close(w->za)) {
		rc = err_set(err, ERR_FAIL, "could not build '%s': %s", w->path, zip_strerror(w->za));
		zip_discard(w->za);
	} else if (!(rc = read_memory(w, &data, &size, err))) {
		buf_add(out, data, (size_t)size);
	}
	free(data);
	zip_source_free(w->memory);
	free(w->path);
	free(w);
	return rc;
}

void merge_zip_writer_discard(struct merge_zip_writer *w)
{
	if (!w)
		return;
	zip_discard(w->za);
	if (w->memory)
		zip_source_free(w->memory);
	free(w->path);
	free(w);
}
