/*
 * pin.h - where PINs come from: the option (--pin, --so-pin, ...), else an
 * environment variable (PORTFOLIO_PIN, PORTFOLIO_SO_PIN), else the next line
 * of --pin-file PATH (- for standard input), else a prompt without echo when
 * standard input is a terminal (a new PIN is asked twice). A PIN given as an option is
 * wiped from argv once copied, so it lingers in /proc/<pid>/cmdline no longer
 * than needed (the environment is the better channel for scripts).
 */
#ifndef PORTFOLIO_TOOL_PIN_H
#define PORTFOLIO_TOOL_PIN_H

#include <stddef.h>

#include "tool/options.h"

#define TOOL_PIN_MAX 256

/* Fills buf (TOOL_PIN_MAX bytes, NUL-terminated). env may be NULL. Returns
 * TOOL_EXIT_OK, or TOOL_EXIT_USAGE when no PIN can be had (message printed). */
int pin_obtain(struct tool_options *opts, enum tool_opt opt, const char *env,
	       const char *prompt, char buf[TOOL_PIN_MAX]);

/* The same for a PIN about to be set: a terminal user types it twice. */
int pin_obtain_new(struct tool_options *opts, enum tool_opt opt, const char *env,
		   const char *prompt, char buf[TOOL_PIN_MAX]);

/* Closes --pin-file. */
void pin_done(void);

/* 1 when pin_obtain would find a PIN without prompting. */
int pin_available(const struct tool_options *opts, enum tool_opt opt, const char *env);

void pin_wipe(char buf[TOOL_PIN_MAX]);

#endif
