/* common/config.c - settings from crmgate.conf (INI) and the environment. */
#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "common/xalloc.h"
#include "common/banned.h"

struct config_entry {
	char *section;
	char *key;
	char *value;
};

struct config {
	char *path;
	enum config_origin origin;
	struct config_entry *entries;
	size_t nr, alloc;
};

static char *trim(char *s)
{
	char *end;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Drop a "; comment" that follows a value (a ';' after white space). */
static void strip_comment(char *s)
{
	for (char *p = s; *p; p++)
		if ((*p == ';' || *p == '#') && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
}

static int parse_file(struct config *cfg, FILE *f, struct err *err)
{
	char *line = NULL, *section = xstrdup("");
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = trim(line), *eq;
		lineno++;
		if (lineno == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
			s = trim(s + 3);
		if (!*s || *s == ';' || *s == '#')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');
			if (!end) {
				rc = err_set(err, ERR_INPUT, "%s:%d: section header is missing its ']'", cfg->path,
					     lineno);
				break;
			}
			*end = '\0';
			free(section);
			section = xstrdup(trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			rc = err_set(err, ERR_INPUT, "%s:%d: expected 'key = value'", cfg->path, lineno);
			break;
		}
		*eq = '\0';
		strip_comment(eq + 1);
		ALLOC_GROW(cfg->entries, cfg->nr + 1, cfg->alloc);
		cfg->entries[cfg->nr].section = xstrdup(section);
		cfg->entries[cfg->nr].key = xstrdup(trim(s));
		cfg->entries[cfg->nr].value = xstrdup(trim(eq + 1));
		cfg->nr++;
	}
	free(line);
	free(section);
	return rc;
}

int config_load(struct config **out, const char *path, struct err *err)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	char *found = NULL, *dir;
	FILE *f;
	int rc;

	*out = cfg;
	if (!path || !*path)
		path = getenv("CRMGATE_CONFIG");
	if (path && *path) {
		cfg->origin = CONFIG_NAMED;
	} else if ((dir = file_find_upwards("crmgate.conf"))) {
		cfg->origin = CONFIG_NEAREST;
		found = xstrfmt("%s%scrmgate.conf", dir, strcmp(dir, "/") ? "/" : "");
		free(dir);
		path = found;
	} else if (access(CONFIG_SYSTEM_PATH, F_OK) == 0) {
		cfg->origin = CONFIG_SYSTEM;
		path = CONFIG_SYSTEM_PATH;
	} else {
		return 0;
	}
	f = fopen(path, "r");
	if (!f) {
		rc = err_set(err, ERR_INPUT, "could not read configuration '%s': %s", path, strerror(errno));
		free(found);
		return rc;
	}
	cfg->path = xstrdup(path);
	free(found);
	rc = parse_file(cfg, f, err);
	fclose(f);
	return rc;
}

const char *config_path(const struct config *cfg)
{
	return cfg->path;
}

enum config_origin config_origin(const struct config *cfg)
{
	return cfg->origin;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->nr; i++) {
		free(cfg->entries[i].section);
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->path);
	free(cfg);
}

/* The value as written (perhaps empty), or NULL when the key is not set. */
static const char *lookup(const struct config *cfg, const char *section, const char *key)
{
	char *name = xstrfmt("CRMGATE_%s_%s", section, key);
	const char *env;

	for (char *p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	env = getenv(name);
	free(name);
	if (env)
		return env;
	for (size_t i = cfg->nr; i-- > 0;)
		if (!strcmp(cfg->entries[i].section, section) && !strcmp(cfg->entries[i].key, key))
			return cfg->entries[i].value;
	return NULL;
}

const char *config_get(const struct config *cfg, const char *section, const char *key)
{
	const char *v = lookup(cfg, section, key);
	return v && *v ? v : NULL;
}

int config_is_set(const struct config *cfg, const char *section, const char *key)
{
	return lookup(cfg, section, key) != NULL;
}

char *config_get_path(const struct config *cfg, const char *section, const char *key)
{
	char *name = xstrfmt("CRMGATE_%s_%s", section, key);
	const char *v = config_get(cfg, section, key);
	const char *slash;
	int from_env;

	for (char *p = name; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	from_env = getenv(name) != NULL;
	free(name);
	if (!v)
		return NULL;
	if (v[0] == '/' || from_env || !cfg->path || !(slash = strrchr(cfg->path, '/')))
		return xstrdup(v);
	return xstrfmt("%.*s/%s", (int)(slash - cfg->path), cfg->path, v);
}

const char *config_get_or(const struct config *cfg, const char *section, const char *key, const char *fallback)
{
	const char *v = lookup(cfg, section, key);
	return !v ? fallback : *v ? v : NULL;
}
