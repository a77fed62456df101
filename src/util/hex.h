/*
 * hex.h - hexadecimal digits to bytes, the one decoder of the project (the
 * challenge encoding, the tool's key and signature arguments, the SCP03
 * keyset text). Key material passes through it, so it never reports which
 * character it refused.
 */
#ifndef PORTFOLIO_UTIL_HEX_H
#define PORTFOLIO_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), or -1. */
int pf_hex_digit(char c);

/* Decodes exactly 2 * n hex digits (either case) from text into out[n].
 * Returns 0, or -1 at the first non-digit (out is then partly written). */
int pf_hex_decode(const char *text, uint8_t *out, size_t n);

#endif
