/*
 * challenge.h - the tool's parser of a GetAuthData challenge argument, as an
 * LwM2M server writes it ("0x2345178" or "38032760"), into the canonical bytes
 * the Portfolio mechanisms take. The rule is the common library's
 * (src/util/challenge.h), the one the module's users and the Object 16
 * adapter follow too; this is only its C-string form.
 */
#ifndef PORTFOLIO_TOOL_CHALLENGE_H
#define PORTFOLIO_TOOL_CHALLENGE_H

#include <stddef.h>

#include "util/challenge.h"

#define TOOL_CHALLENGE_MAX PF_CHALLENGE_MAX

/* Returns the byte count (1..64) written to out[TOOL_CHALLENGE_MAX], or -1. */
int tool_challenge_parse(const char *text, unsigned char out[TOOL_CHALLENGE_MAX]);

#endif
