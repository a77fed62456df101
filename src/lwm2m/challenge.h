/*
 * challenge.h - GetAuthData argument 2 (Challenge) text -> canonical bytes.
 *
 * The rule (shared with the module's docs/mechanisms.md, implemented here
 * separately because the adapter links no module internals):
 *   "0x"/"0X" + hex digits -> big-endian bytes; an odd digit count gets one
 *       leading zero nibble; leading zero bytes are kept;
 *   decimal digits        -> the minimal big-endian bytes of the integer
 *       (0 -> 00);
 *   the result is 1..64 bytes; anything else is refused.
 */
#ifndef PF_LWM2M_CHALLENGE_H
#define PF_LWM2M_CHALLENGE_H

#include <stddef.h>
#include <stdint.h>

#define PF_LWM2M_CHALLENGE_MAX 64

/* 0 on success (*out_len in 1..64), -1 if text is not a valid challenge. */
int pf_lwm2m_challenge_parse(const char *text, size_t len, uint8_t out[PF_LWM2M_CHALLENGE_MAX], size_t *out_len);

#endif
