/* common/proc.h - run another program (initdb, pg_ctl, pg_dump, soffice) and
 * wait for it: argv straight to execvp, never through a shell. */
#ifndef COMMON_PROC_H
#define COMMON_PROC_H

#include <signal.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"

/* How to run a program; every member is optional (zero: the default). */
struct proc_opts {
	const char *as_user;	/* run as this (unprivileged) user */
	const char *const *env; /* "NAME=value" strings set in the child, NULL-terminated */
	int timeout;		/* seconds; 0 waits for ever. With a timeout the program runs in a
				 * process group of its own, and the whole group is killed when the
				 * time is up (a program that forks a helper, as soffice does) */
};

/* Run argv[0] with argv, optionally as another (unprivileged) user, in the
 * current directory. Standard output and error are collected into output (if
 * not NULL; capped) or passed through to ours when output is NULL. Returns 0
 * when it exits with status 0; otherwise ERR_FAIL with a message that names
 * the program and, in detail, the end of what it printed. */
int proc_run(char *const argv[], const char *as_user, struct buf *output, struct err *err);

/* proc_run with more to say about how (opts may be NULL). */
int proc_run_opts(char *const argv[], const struct proc_opts *opts, struct buf *output, struct err *err);

/* Replace this process with argv[0] (for 'db psql'); returns only on failure. */
int proc_exec(char *const argv[], struct err *err);

/* Set to 1 by SIGINT or SIGTERM once proc_stop_on_signals() has run: a
 * long-running command (send, mailbox poll) finishes the unit of work in
 * hand, so that nothing is lost or done twice, and stops. */
extern volatile sig_atomic_t proc_stopping;
/* Catch SIGINT and SIGTERM into proc_stopping (forked children inherit it). */
void proc_stop_on_signals(void);

#endif
