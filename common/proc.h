/* common/proc.h - run another program (initdb, pg_ctl, pg_dump, soffice) and
 * wait for it: argv straight to execvp, never through a shell. */
#ifndef COMMON_PROC_H
#define COMMON_PROC_H

#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"

/* Run argv[0] with argv, optionally as another (unprivileged) user, in the
 * current directory. Standard output and error are collected into output (if
 * not NULL; capped) or passed through to ours when output is NULL. Returns 0
 * when it exits with status 0; otherwise ERR_FAIL with a message that names
 * the program and, in detail, the end of what it printed. */
int proc_run(char *const argv[], const char *as_user, struct buf *output, struct err *err);

/* Replace this process with argv[0] (for 'db psql'); returns only on failure. */
int proc_exec(char *const argv[], struct err *err);

#endif
