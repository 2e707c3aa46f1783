/* common/embedded.h - files built into the binary: the SQL migrations (sql/)
 * and the demo templates (templates/). The array is generated at build time by
 * scripts/embedgen.c; each file's data is followed by a NUL. */
#ifndef COMMON_EMBEDDED_H
#define COMMON_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* its path in the source tree: "sql/001_core.sql" */
	const unsigned char *data;
	size_t len;
};

/* In the order the build named them (sorted), ended by a NULL name. */
extern const struct embedded_file embedded_files[];

/* The embedded file with this path, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
