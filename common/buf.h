/* common/buf.h - the one growable byte buffer.
 *
 * A struct buf is never NULL-data and always NUL-terminated, so b.data can be
 * passed to any C string function at any time. An optional cap bounds its size
 * for untrusted input (HTTP bodies, e-mail, zip entries): an append that would
 * pass the cap fails with -1 and leaves the buffer as it was. */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t alloc; /* 0 while data points at the shared empty string */
	size_t cap;   /* 0: no cap */
};

#define BUF_INIT                                                                                                       \
	{                                                                                                              \
		buf_empty_, 0, 0, 0                                                                                    \
	}
extern char buf_empty_[1];

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Give the caller the string (malloc'd, theirs to free); b is empty afterwards. */
char *buf_detach(struct buf *b, size_t *len_out);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
/* Make room for n more bytes without changing len. */
int buf_grow(struct buf *b, size_t n);

int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
