/*
 * hex.h - hexadecimal text <-> bytes for the command line. Key material passes
 * through here, so the decoder never echoes its input in error messages.
 */
#ifndef PORTFOLIO_TOOL_HEX_H
#define PORTFOLIO_TOOL_HEX_H

#include <stddef.h>
#include <stdio.h>

/* Decodes an even number of hex digits (either case; no prefix, no spaces)
 * into out (capacity cap). Returns the byte count, or -1 if the text is not
 * hex, has an odd length, or does not fit. */
long hex_decode(const char *text, unsigned char *out, size_t cap);

/* Why hex_decode would refuse text (a phrase to follow the thing's name:
 * "is not hex ..."), or NULL if it would not. Never quotes the text. */
const char *hex_problem(const char *text, size_t cap);

/* Writes bytes as lowercase hex to f. */
void hex_print(FILE *f, const unsigned char *bytes, size_t len);

#endif
