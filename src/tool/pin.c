/* pin.c - obtaining PINs without leaving them about. */
#include "tool/pin.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

void pin_wipe(char buf[TOOL_PIN_MAX])
{
	OPENSSL_cleanse(buf, TOOL_PIN_MAX);
}

static int copy_pin(const char *src, char buf[TOOL_PIN_MAX], const char *where)
{
	size_t len = strlen(src);

	if (len >= TOOL_PIN_MAX) {
		return usage_error("the PIN from %s is longer than %d bytes", where, TOOL_PIN_MAX - 1);
	}
	memcpy(buf, src, len + 1);
	return TOOL_EXIT_OK;
}

static int prompt_pin(const char *prompt, char buf[TOOL_PIN_MAX])
{
	struct termios saved, quiet;
	int echo_off;
	char *got;
	size_t len;

	fprintf(stderr, "%s: ", prompt);
	fflush(stderr);
	echo_off = tcgetattr(STDIN_FILENO, &saved) == 0;
	if (echo_off) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	got = fgets(buf, TOOL_PIN_MAX, stdin);
	if (echo_off)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	fputc('\n', stderr);
	if (got == NULL) {
		pin_wipe(buf);
		return usage_error("no PIN entered");
	}
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return TOOL_EXIT_OK;
}

int pin_available(const struct tool_options *opts, enum tool_opt opt, const char *env)
{
	const char *value = env != NULL ? getenv(env) : NULL;

	return options_has(opts, opt) || value != NULL;
}

int pin_obtain(struct tool_options *opts, enum tool_opt opt, const char *env,
	       const char *prompt, char buf[TOOL_PIN_MAX])
{
	const char *value;
	int rc;

	memset(buf, 0, TOOL_PIN_MAX);
	if (options_has(opts, opt)) {
		char *arg = opts->value[opt];

		rc = copy_pin(arg, buf, "the command line");
		OPENSSL_cleanse(arg, strlen(arg));
		return rc;
	}
	value = env != NULL ? getenv(env) : NULL;
	if (value != NULL)
		return copy_pin(value, buf, env);
	if (isatty(STDIN_FILENO))
		return prompt_pin(prompt, buf);
	if (env != NULL)
		return usage_error("a PIN is needed: give --%s, set %s, or run on a terminal", options_name(opt), env);
	return usage_error("a PIN is needed: give --%s, or run on a terminal", options_name(opt));
}
