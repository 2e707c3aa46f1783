/* common/xalloc.h - allocation that cannot fail (it dies instead), and ALLOC_GROW. */
#ifndef COMMON_XALLOC_H
#define COMMON_XALLOC_H

#include <stddef.h>

/* Each of these aborts the program with a message when memory runs out:
 * an allocation failure is not a condition callers can do anything about. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup(s), or NULL when s is NULL (an SQL NULL read from a result). */
char *xstrdup_or_null(const char *s);
/* A malloc'd, formatted string. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow the array x so that it holds at least nr elements; alloc is its capacity. */
#define ALLOC_GROW(x, nr, alloc)                                                                                       \
	do {                                                                                                           \
		if ((size_t)(nr) > (size_t)(alloc)) {                                                                  \
			size_t alloc_grow_n_ = (size_t)(alloc)*3 / 2 + 16;                                             \
			if (alloc_grow_n_ < (size_t)(nr))                                                              \
				alloc_grow_n_ = (size_t)(nr);                                                          \
			(x) = xrealloc((x), alloc_grow_n_ * sizeof(*(x)));                                             \
			(alloc) = alloc_grow_n_;                                                                       \
		}                                                                                                      \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A programmer error: print where, and abort. */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bug_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
