/* common/buf.c - the one growable byte buffer. */
#include "common/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "common/banned.h"

char buf_empty_[1];

void buf_init(struct buf *b)
{
	b->data = buf_empty_;
	b->len = 0;
	b->alloc = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->data);
	size_t cap = b->cap;
	buf_init(b);
	b->cap = cap;
}

char *buf_detach(struct buf *b, size_t *len_out)
{
	char *s;
	if (len_out)
		*len_out = b->len;
	s = b->alloc ? b->data : xstrdup("");
	size_t cap = b->cap;
	buf_init(b);
	b->cap = cap;
	return s;
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		BUG("buf_truncate past the end (%zu > %zu)", len, b->len);
	b->len = len;
	if (b->alloc)
		b->data[len] = '\0';
}

int buf_grow(struct buf *b, size_t n)
{
	size_t want;
	if (n > SIZE_MAX - b->len - 1)
		BUG("buf_grow overflow");
	want = b->len + n + 1;
	if (b->cap && b->len + n > b->cap)
		return -1;
	if (want <= b->alloc)
		return 0;
	if (!b->alloc)
		b->data = NULL;
	ALLOC_GROW(b->data, want, b->alloc);
	if (!b->len)
		b->data[0] = '\0';
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) < 0)
		return -1;
	if (len)
		memmove(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	size_t room = b->alloc ? b->alloc - b->len : 0;

	va_copy(cp, ap);
	n = vsnprintf(b->alloc ? b->data + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("bad format string '%s'", fmt);
	if ((size_t)n >= room) {
		if (buf_grow(b, (size_t)n) < 0)
			return -1;
		n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	} else if (b->cap && b->len + (size_t)n > b->cap) {
		b->data[b->len] = '\0';
		return -1;
	}
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}
