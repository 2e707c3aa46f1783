/* common/log.h - messages for the person at the terminal, on standard error.
 * Only cli/ decides how loud to be (-q, -v); library code logs progress and
 * warnings here and returns errors through struct err. */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

enum log_level { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Shown unless -q. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown unless -q, prefixed "warning: ". */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown only with -v. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
