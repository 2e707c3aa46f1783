/* common/err.c - the one error type. */
#include "common/err.h"

#include <stdarg.h>
#include <string.h>

#include "common/banned.h"

void err_init(struct err *err)
{
	err->code = 0;
	buf_init(&err->msg);
	buf_init(&err->detail);
	buf_init(&err->hint);
}

void err_release(struct err *err)
{
	buf_release(&err->msg);
	buf_release(&err->detail);
	buf_release(&err->hint);
	err->code = 0;
}

void err_clear(struct err *err)
{
	err_release(err);
}

int err_set(struct err *err, int code, const char *fmt, ...)
{
	va_list ap;
	if (err->code)
		return err->code;
	err->code = code ? code : ERR_FAIL;
	buf_reset(&err->msg);
	va_start(ap, fmt);
	buf_vaddf(&err->msg, fmt, ap);
	va_end(ap);
	/* a message is one line: trim what libraries end theirs with */
	while (err->msg.len && (err->msg.data[err->msg.len - 1] == '\n' || err->msg.data[err->msg.len - 1] == ' '))
		buf_truncate(&err->msg, err->msg.len - 1);
	return err->code;
}

void err_prefix(struct err *err, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	buf_add(&msg, err->msg.data, err->msg.len);
	buf_reset(&err->msg);
	buf_add(&err->msg, msg.data, msg.len);
	buf_release(&msg);
}

void err_detail(struct err *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&err->detail, fmt, ap);
	va_end(ap);
	if (err->detail.len && err->detail.data[err->detail.len - 1] != '\n')
		buf_addch(&err->detail, '\n');
}

void err_absorb(struct err *err, const struct err *from, const char *prefix)
{
	const char *p = from->detail.data, *nl;

	if (!from->code)
		return;
	if (err->code)
		err_detail(err, "%s%s", prefix, from->msg.data);
	else
		err_set(err, from->code, "%s%s", prefix, from->msg.data);
	for (; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		err_detail(err, "%s%.*s", prefix, (int)(nl - p + (*nl != '\n')), p);
	}
	if (!err->hint.len && from->hint.len)
		err_hint(err, "%s", from->hint.data);
}

void err_hint(struct err *err, const char *fmt, ...)
{
	va_list ap;
	buf_reset(&err->hint);
	va_start(ap, fmt);
	buf_vaddf(&err->hint, fmt, ap);
	va_end(ap);
}

int err_exit_status(int code)
{
	switch (code) {
	case 0: return 0;
	case ERR_INPUT:
	case ERR_NOTFOUND:
	case ERR_EXISTS: return 2;
	default: return 1;
	}
}
