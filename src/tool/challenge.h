/*
 * challenge.h - the tool's parser of a GetAuthData challenge argument, as an
 * LwM2M server writes it ("0x2345178" or "38032760"), into the canonical bytes
 * the Portfolio mechanisms take (docs/mechanisms.md):
 *
 *   "0x"/"0X" + hex digits  -> big-endian bytes; an odd digit count gets one
 *                              leading zero nibble; leading zeros are kept;
 *   decimal digits          -> the minimal big-endian bytes of the integer
 *                              ("0" -> 00);
 *   anything else, or a result outside 1..64 bytes, is refused.
 *
 * The module has its own parser (src/crypto/challenge.c); the tool does not
 * link module internals, so it carries this small one, tested against the
 * same examples.
 */
#ifndef PORTFOLIO_TOOL_CHALLENGE_H
#define PORTFOLIO_TOOL_CHALLENGE_H

#include <stddef.h>

#define TOOL_CHALLENGE_MAX 64

/* Returns the byte count (1..64) written to out[TOOL_CHALLENGE_MAX], or -1. */
int tool_challenge_parse(const char *text, unsigned char out[TOOL_CHALLENGE_MAX]);

#endif
