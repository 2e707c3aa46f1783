/* scripts/mkdocx.c - zip an unpacked .docx folder (templates/quote/) into a
 * package, so that the demo templates live in git as readable XML (build
 * tool only). Usage: mkdocx OUT.docx DIR
 *
 * [Content_Types].xml goes first, as Word writes it; entries are sorted and
 * dated 1980-01-01 so the same sources always give the same bytes. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

static char **names;
static size_t count, alloc;

static void walk(const char *root, const char *rel)
{
	char path[4096];
	DIR *d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (!(d = opendir(path))) {
		perror(path);
		exit(1);
	}
	while ((de = readdir(d))) {
		char sub[4096];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", root, sub) >= sizeof(path) || stat(path, &st)) {
			perror(path);
			exit(1);
		}
		if (S_ISDIR(st.st_mode)) {
			walk(root, sub);
			continue;
		}
		if (count == alloc && !(names = realloc(names, (alloc = alloc * 2 + 16) * sizeof(*names))))
			exit(1);
		if (!(names[count++] = strdup(sub)))
			exit(1);
	}
	closedir(d);
}

static int order(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int cx = !strcmp(x, "[Content_Types].xml"), cy = !strcmp(y, "[Content_Types].xml");
	return cx != cy ? cy - cx : strcmp(x, y);
}

int main(int argc, char **argv)
{
	zip_t *z;
	int zerr;

	if (argc != 3) {
		fprintf(stderr, "usage: mkdocx OUT.docx DIR\n");
		return 2;
	}
	walk(argv[2], "");
	qsort(names, count, sizeof(*names), order);
	remove(argv[1]);
	if (!(z = zip_open(argv[1], ZIP_CREATE | ZIP_EXCL, &zerr))) {
		fprintf(stderr, "mkdocx: cannot create %s\n", argv[1]);
		return 1;
	}
	for (size_t i = 0; i < count; i++) {
		char path[4096];
		zip_source_t *src;
		zip_int64_t idx;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", argv[2], names[i]) >= sizeof(path) ||
		    !(src = zip_source_file(z, path, 0, -1)) || (idx = zip_file_add(z, names[i], src, 0)) < 0 ||
		    zip_file_set_mtime(z, (zip_uint64_t)idx, 315532800 + 12 * 3600, 0)) {
			fprintf(stderr, "mkdocx: %s: %s\n", path, zip_strerror(z));
			return 1;
		}
	}
	if (zip_close(z)) {
		fprintf(stderr, "mkdocx: %s: %s\n", argv[1], zip_strerror(z));
		return 1;
	}
	return 0;
}
