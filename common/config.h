/* common/config.h - settings from crmgate.conf (INI) and the environment.
 *
 * The file is the first of: the one named by --config or $CRMGATE_CONFIG
 * (which must then exist), crmgate.conf in the working directory or the
 * nearest folder above it, /etc/crmgate/crmgate.conf. Every key can also be
 * set as CRMGATE_SECTION_KEY in the environment, which wins over the file:
 * secrets belong there. */
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include "common/err.h"

struct config;

#define CONFIG_SYSTEM_PATH "/etc/crmgate/crmgate.conf"

enum config_origin {
	CONFIG_NONE,	/* no file: the defaults and the environment */
	CONFIG_NAMED,	/* --config or $CRMGATE_CONFIG */
	CONFIG_NEAREST, /* crmgate.conf in the working directory or above */
	CONFIG_SYSTEM,	/* CONFIG_SYSTEM_PATH */
};

/* Load the configuration from path (--config; NULL: look for it as above);
 * no file at all is no error (the defaults hold). A malformed line is
 * ERR_INPUT naming file and line. */
int config_load(struct config **out, const char *path, struct err *err);
void config_free(struct config *cfg);

/* The value of section.key (environment first), or NULL when unset or empty.
 * Borrowed until config_free. */
const char *config_get(const struct config *cfg, const char *section, const char *key);
/* For a key with a default that an empty value turns off: fallback when
 * section.key is not set at all, NULL when it is set empty, else its value. */
const char *config_get_or(const struct config *cfg, const char *section, const char *key, const char *fallback);
/* A setting that is a path: a relative one in the file is taken from the
 * file's folder (in the environment, from the working directory).
 * malloc'd, or NULL when unset or empty. */
char *config_get_path(const struct config *cfg, const char *section, const char *key);
/* The file read (NULL: none) and how it was found. */
const char *config_path(const struct config *cfg);
enum config_origin config_origin(const struct config *cfg);
/* Is section.key set at all (perhaps empty)? */
int config_is_set(const struct config *cfg, const char *section, const char *key);

#endif
