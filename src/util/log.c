#include "config.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Errors only by default: the module lives in other people's processes and
 * must not chatter on their stderr. PORTFOLIO_LOG / the config raise it. */
static volatile int current_level = PF_LOG_ERROR;

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
	/* One fprintf per message so that lines from threads do not interleave. */
	fprintf(stderr, "portfolio-pkcs11: %s: %s\n", tags[level], line);
}
