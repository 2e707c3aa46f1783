/* common/file.c - a folder with its parents; a file written whole, synced
 * and renamed into place. */
#include "common/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "common/banned.h"

int file_mkdir_p(const char *dir, struct err *err)
{
	char *path = xstrdup(dir);
	int rc = 0;

	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0777) && errno != EEXIST) {
			rc = err_set(err, ERR_FAIL, "could not create folder '%s': %s", path, strerror(errno));
			break;
		}
		*p = c;
		if (!c)
			break;
	}
	free(path);
	return rc;
}

int file_write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The name path has in its folder is durable once the folder is synced. */
static void sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

int file_sync(const char *path, struct err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fsync(fd)) {
		err_set(err, ERR_FAIL, "could not save '%s' to disk: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err->code;
	}
	close(fd);
	sync_folder(path);
	return 0;
}

int file_put(const char *tmp, const char *path, const struct iovec *iov, int n, struct buf *why)
{
	int fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	for (int i = 0; fd >= 0 && i < n; i++)
		if (file_write_all(fd, iov[i].iov_base, iov[i].iov_len))
			goto fail;
	if (fd < 0 || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		buf_addf(why, "could not rename '%s' to '%s': %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	sync_folder(path);
	return 0;
fail:
	buf_addf(why, "could not write '%s': %s", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

char *file_find_upwards(const char *name)
{
	char *dir = getcwd(NULL, 0);
	size_t len;

	if (!dir)
		return NULL;
	len = strlen(dir);
	if (len == 1)
		len = 0; /* the root: "/" + name */
	for (;;) {
		char *path = xstrfmt("%.*s/%s", (int)len, dir, name);
		int there = access(path, F_OK) == 0;
		free(path);
		if (there) {
			dir[len ? len : 1] = '\0';
			return dir;
		}
		if (len == 0)
			break;
		while (len > 0 && dir[len - 1] != '/')
			len--;
		if (len > 0)
			len--; /* the slash; at the root this leaves 0 */
	}
	free(dir);
	return NULL;
}
