/* pin.c - obtaining PINs without leaving them about. */
#include "tool/pin.h"

#include <errno.h>
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

	/* Echo off (which flushes pending input) before the prompt shows, so
	 * nothing typed after the prompt is lost. */
	echo_off = tcgetattr(STDIN_FILENO, &saved) == 0;
	if (echo_off) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	fprintf(stderr, "%s: ", prompt);
	fflush(stderr);
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

	return options_has(opts, opt) || value != NULL || options_has(opts, OPT_PIN_FILE);
}

/* --pin-file PATH|-: one PIN a line, in the order the command asks. */
static FILE *pin_stream;

static int read_pin_line(const struct tool_options *opts, const char *prompt, char buf[TOOL_PIN_MAX])
{
	const char *path = opts->value[OPT_PIN_FILE];
	size_t len;

	if (pin_stream == NULL) {
		pin_stream = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
		if (pin_stream == NULL) {
			fprintf(stderr, "portfolio-tool: cannot open --pin-file %s: %s\n", path, strerror(errno));
			return TOOL_EXIT_FAILURE;
		}
	}
	if (fgets(buf, TOOL_PIN_MAX, pin_stream) == NULL) {
		pin_wipe(buf);
		return usage_error("--pin-file %s has no line for the %s", path, prompt);
	}
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == TOOL_PIN_MAX - 1) {
		pin_wipe(buf);
		return usage_error("a PIN in --pin-file is longer than %d bytes", TOOL_PIN_MAX - 2);
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return TOOL_EXIT_OK;
}

void pin_done(void)
{
	if (pin_stream != NULL && pin_stream != stdin)
		fclose(pin_stream);
	pin_stream = NULL;
}

/* A new PIN typed without echo is typed twice, as softhsm2-util asks. */
static int prompt_new_pin(const char *prompt, char buf[TOOL_PIN_MAX])
{
	char again[TOOL_PIN_MAX], repeat_prompt[96];
	int rc = prompt_pin(prompt, buf);

	if (rc != TOOL_EXIT_OK)
		return rc;
	snprintf(repeat_prompt, sizeof(repeat_prompt), "%s (again)", prompt);
	rc = prompt_pin(repeat_prompt, again);
	if (rc == TOOL_EXIT_OK && strcmp(buf, again) != 0) {
		fprintf(stderr, "portfolio-tool: the two PINs differ; nothing was changed\n");
		rc = TOOL_EXIT_FAILURE;
	}
	pin_wipe(again);
	if (rc != TOOL_EXIT_OK)
		pin_wipe(buf);
	return rc;
}

static int obtain(struct tool_options *opts, enum tool_opt opt, const char *env,
		  const char *prompt, char buf[TOOL_PIN_MAX], int is_new)
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
	if (options_has(opts, OPT_PIN_FILE))
		return read_pin_line(opts, prompt, buf);
	if (isatty(STDIN_FILENO))
		return is_new ? prompt_new_pin(prompt, buf) : prompt_pin(prompt, buf);
	if (env != NULL)
		return usage_error("a PIN is needed: give --%s, set %s, use --pin-file, or run on a terminal",
				   options_name(opt), env);
	return usage_error("a PIN is needed: give --%s, use --pin-file, or run on a terminal", options_name(opt));
}

int pin_obtain(struct tool_options *opts, enum tool_opt opt, const char *env,
	       const char *prompt, char buf[TOOL_PIN_MAX])
{
	return obtain(opts, opt, env, prompt, buf, 0);
}

int pin_obtain_new(struct tool_options *opts, enum tool_opt opt, const char *env,
		   const char *prompt, char buf[TOOL_PIN_MAX])
{
	return obtain(opts, opt, env, prompt, buf, 1);
}
