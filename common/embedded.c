/* common/embedded.c - look-ups in the files built into the binary. */
#include "common/embedded.h"

#include <string.h>

#include "common/banned.h"

const struct embedded_file *embedded_find(const char *name)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}
