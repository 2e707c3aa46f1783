/* common/err.h - the one error type.
 *
 * Fallible functions return int: 0 on success, a negative ERR_* code on failure,
 * and describe the failure in a caller-supplied struct err. The first error set
 * wins: a caller that adds context never overwrites what went wrong first.
 * Messages follow PostgreSQL's style: lowercase, no final period, what failed
 * first, the subject in quotes, and the file, line, column or field to fix. */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

#include "common/buf.h"

enum {
	ERR_OK = 0,
	ERR_FAIL = -1,	   /* the work failed (exit 1) */
	ERR_INPUT = -2,	   /* bad input or usage: the user can fix it (exit 2) */
	ERR_NOTFOUND = -3, /* a named thing does not exist (exit 2) */
	ERR_EXISTS = -4,   /* a named thing exists already (exit 2) */
	ERR_DB = -5,	   /* the database said no (exit 1) */
	ERR_TEMPFAIL = -6, /* try again later */
	ERR_PERMFAIL = -7, /* will never work */
	ERR_DENIED = -8,   /* not allowed for this user (exit 1) */
};

struct err {
	int code;
	struct buf msg;	   /* primary message, one line */
	struct buf detail; /* more lines: every bad row of an import, say */
	struct buf hint;   /* what the user might do about it */
};

#define ERR_INIT                                                                                                       \
	{                                                                                                              \
		0, BUF_INIT, BUF_INIT, BUF_INIT                                                                        \
	}

void err_init(struct err *err);
void err_release(struct err *err);
/* Forget a set error, so that the same struct can be reused. */
void err_clear(struct err *err);

/* Set the error unless one is set already; returns the code in err (so the
 * first code, not necessarily this one), for `return err_set(...)`. */
int err_set(struct err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Put context before the message already set ("FILE: " + "line 3: ..."). */
void err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a line to the detail / set the hint of the error being built. */
void err_detail(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_hint(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add from's message and detail lines to err, each after prefix: as err's
 * message when none is set, else as detail lines. For checks that report
 * every problem of several parts ("FILE: part word/header1.xml, "). */
void err_absorb(struct err *err, const struct err *from, const char *prefix);

/* The exit status for an error code: 2 for input errors, 1 for the rest. */
int err_exit_status(int code);

#endif
