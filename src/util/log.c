#include "config.h"
#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

/* Errors only by default: the module lives in other people's processes and
 * must not chatter on their stderr. PORTFOLIO_LOG / the config raise it. */
static volatile int current_level = PF_LOG_ERROR;

/* The sink: -1 is stderr. A new file is dup2()ed onto the descriptor in use,
 * so a thread logging meanwhile writes to the old or the new file, never to a
 * closed or reused descriptor. */
static volatile int log_fd = -1;
static volatile int log_syslog;

int pf_log_set_file(const char *path)
{
	if (path == NULL) {
		int old = log_fd;
		log_fd = -1;
		if (old >= 0)
			close(old);
		return 0;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	if (log_fd < 0) {
		log_fd = fd;
		return 0;
	}
	int rc = dup3(fd, log_fd, O_CLOEXEC) < 0 ? -1 : 0;
	close(fd);
	return rc;
}

void pf_log_set_syslog(int on)
{
	if (on && !log_syslog)
		openlog("portfolio-pkcs11", LOG_PID, LOG_USER);
	log_syslog = on != 0;
}

void pf_log_set_level(pf_log_level level) { current_level = (int)level; }

pf_log_level pf_log_get_level(void) { return (pf_log_level)current_level; }

int pf_log_parse_level(const char *text)
{
	static const char *const names[] = {"none", "error", "warning", "info", "debug"};
	if (text == NULL)
		return -1;
	for (int i = 0; i < 5; i++)
		if (strcasecmp(text, names[i]) == 0)
			return i;
	if (text[0] >= '0' && text[0] <= '4' && text[1] == '\0')
		return text[0] - '0';
	return -1;
}

void pf_log(pf_log_level level, const char *fmt, ...)
{
	static const char *const tags[] = {"", "error", "warning", "info", "debug"};
	char line[512];
	va_list ap;

	if (level == PF_LOG_NONE || (int)level > current_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (log_syslog) {
		static const int priority[] = {LOG_ERR, LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
		syslog(priority[level], "%s: %s", tags[level], line);
	}
	int fd = log_fd;
	if (fd < 0) {
		/* One fprintf per message so that lines from threads do not interleave. */
		fprintf(stderr, "portfolio-pkcs11: %s: %s\n", tags[level], line);
		return;
	}
	char out[600];
	int n = snprintf(out, sizeof out, "portfolio-pkcs11[%ld]: %s: %s\n", (long)getpid(), tags[level], line);
	if (n > (int)sizeof out - 1)
		n = (int)sizeof out - 1;
	/* One write() with O_APPEND: lines from processes sharing the file stay whole. */
	if (n > 0 && write(fd, out, (size_t)n) < 0)
		return; /* nowhere left to report it */
}
