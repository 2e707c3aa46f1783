/* common/config.h - settings from crmgate.conf (INI) and the environment.
 *
 * The file is crmgate.conf in the working directory, or the one named by
 * $CRMGATE_CONFIG (which must then exist). Every key can also be set as
 * CRMGATE_SECTION_KEY in the environment, which wins over the file: secrets
 * belong there. */
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include "common/err.h"

struct config;

/* Load the configuration; a missing crmgate.conf is no error (the embedded
 * defaults hold). A malformed line is ERR_INPUT naming file and line. */
int config_load(struct config **out, struct err *err);
void config_free(struct config *cfg);

/* The value of section.key (environment first), or NULL when unset or empty.
 * Borrowed until config_free. */
const char *config_get(const struct config *cfg, const char *section, const char *key);
/* For a key with a default that an empty value turns off: fallback when
 * section.key is not set at all, NULL when it is set empty, else its value. */
const char *config_get_or(const struct config *cfg, const char *section, const char *key, const char *fallback);
/* Is section.key set at all (perhaps empty)? */
int config_is_set(const struct config *cfg, const char *section, const char *key);

#endif
