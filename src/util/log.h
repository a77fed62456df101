/*
 * log.h - the module's diagnostics. Messages go to stderr, or to the file
 * named by the configuration's log_file, and also to syslog when the
 * configuration says syslog = yes. They never carry key material, PINs or
 * identity hashes: callers pass names and numbers, not buffers.
 */
#ifndef PORTFOLIO_LOG_H
#define PORTFOLIO_LOG_H

typedef enum pf_log_level {
	PF_LOG_NONE = 0,
	PF_LOG_ERROR = 1,
	PF_LOG_WARNING = 2,
	PF_LOG_INFO = 3,
	PF_LOG_DEBUG = 4,
} pf_log_level;

void pf_log_set_level(pf_log_level level);
pf_log_level pf_log_get_level(void);
/* Parses "none", "error", "warning", "info", "debug" or a digit; -1 if unknown. */
int pf_log_parse_level(const char *text);
/* Sends messages to path (appended, created 0600) instead of stderr; NULL
 * goes back to stderr. Returns 0, or -1 (errno set) leaving the sink as it was. */
int pf_log_set_file(const char *path);
/* Also (on != 0) or no longer copy each message to syslog(3), facility LOG_USER. */
void pf_log_set_syslog(int on);
void pf_log(pf_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define PF_ERROR(...) pf_log(PF_LOG_ERROR, __VA_ARGS__)
#define PF_WARN(...)  pf_log(PF_LOG_WARNING, __VA_ARGS__)
#define PF_INFO(...)  pf_log(PF_LOG_INFO, __VA_ARGS__)
#define PF_DEBUG(...) pf_log(PF_LOG_DEBUG, __VA_ARGS__)

#endif
