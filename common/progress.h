/* common/progress.h - a progress line for long work on a terminal.
 * Quiet when standard error is not a terminal (scripts) or with -q. */
#ifndef COMMON_PROGRESS_H
#define COMMON_PROGRESS_H

#include <time.h>

struct progress {
	const char *label;
	long total; /* 0 when unknown: a count without a bar */
	int active; /* drawing at all? */
	int drawn;  /* something is on the line */
	struct timespec last;
};

void progress_start(struct progress *p, const char *label, long total);
/* Redraw now and then (at most ten times a second). */
void progress_update(struct progress *p, long done);
/* Clear the line. */
void progress_done(struct progress *p);

#endif
