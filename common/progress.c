/* common/progress.c - a progress line for long work on a terminal. */
#include "common/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "common/log.h"
#include "common/banned.h"

#define BAR_WIDTH 30

void progress_start(struct progress *p, const char *label, long total)
{
	p->label = label;
	p->total = total;
	p->active = isatty(2) && log_get_level() >= LOG_NORMAL;
	p->drawn = 0;
	p->last.tv_sec = 0;
	p->last.tv_nsec = 0;
}

void progress_update(struct progress *p, long done)
{
	struct timespec now;
	long ms;

	if (!p->active)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (p->drawn && ms < 100)
		return;
	p->last = now;
	if (p->total > 0) {
		int fill = (int)(done * BAR_WIDTH / (p->total ? p->total : 1));
		if (fill > BAR_WIDTH)
			fill = BAR_WIDTH;
		fprintf(stderr, "\r%s [", p->label);
		for (int i = 0; i < BAR_WIDTH; i++)
			fputc(i < fill ? '#' : '.', stderr);
		fprintf(stderr, "] %ld/%ld\033[K", done, p->total);
	} else {
		fprintf(stderr, "\r%s: %ld\033[K", p->label, done);
	}
	p->drawn = 1;
}

void progress_done(struct progress *p)
{
	if (p->active && p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}
