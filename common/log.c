/* common/log.c - messages for the person at the terminal, on standard error. */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/banned.h"

static enum log_level level = LOG_NORMAL;

void log_set_level(enum log_level l)
{
	level = l;
}

enum log_level log_get_level(void)
{
	return level;
}

static void emit(enum log_level min, const char *prefix, const char *fmt, va_list ap)
{
	if (level < min)
		return;
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_NORMAL, "", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_NORMAL, "warning: ", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(LOG_VERBOSE, "", fmt, ap);
	va_end(ap);
}
