/* common/file.h - the file-system steps that messages written to disk share
 * (the e-mail Maildir, the SMS folder): a folder with its parents, and a file
 * that appears whole or not at all; and finding a file the way git finds its
 * repository. */
#ifndef COMMON_FILE_H
#define COMMON_FILE_H

#include <stddef.h>
#include <sys/uio.h>

#include "common/buf.h"
#include "common/err.h"

/* Create dir and each folder above it that is missing (mode 0777 before the
 * umask); an existing one is fine. */
int file_mkdir_p(const char *dir, struct err *err);

/* Make a file someone else wrote (libzip, stdio) durable: fsync it and its
 * folder. For a file whose existence is about to be recorded as done. */
int file_sync(const char *path, struct err *err);

/* Write all len bytes of p to fd, past short writes (a disk filling up
 * takes part of a write first); -1 with errno set when it cannot. */
int file_write_all(int fd, const char *p, size_t len);

/* Write the n pieces of iov to tmp (created, or emptied when it exists),
 * fsync it, rename it to path, and fsync path's folder: once this returns 0,
 * path is on disk whole. On failure tmp is removed, path is as it was, what
 * went wrong ("could not write 'TMP': No space left on device") is appended
 * to why, and -1 returned: the caller says what it was writing. */
int file_put(const char *tmp, const char *path, const struct iovec *iov, int n, struct buf *why);

/* The folder, from the working directory up to /, nearest to it that holds
 * name (a relative path such as "crmgate.conf" or "var/pg/PG_VERSION"):
 * malloc'd and absolute, or NULL when none does. */
char *file_find_upwards(const char *name);

#endif
