/*
 * keyinput.h - key material in hex from --hex or from --hex-file PATH ("-" is
 * standard input), so that a key need not appear in argv or a shell history.
 * Buffers holding key bytes are the caller's to wipe.
 */
#ifndef PORTFOLIO_TOOL_KEYINPUT_H
#define PORTFOLIO_TOOL_KEYINPUT_H

#include <stddef.h>

#include "tool/options.h"

#define TOOL_KEY_MAX 64

/* Fills key (TOOL_KEY_MAX bytes) and *len. Whitespace around and inside the
 * hex text of a file is ignored. Returns an exit code; never prints the key. */
int key_read_hex(struct tool_options *opts, unsigned char key[TOOL_KEY_MAX], size_t *len);

#endif
