/*
 * challenge.h - the canonical encoding of a Portfolio challenge
 * (docs/mechanisms.md, "Challenge encoding").
 *
 * The LwM2M GetAuthData argument 2 is text; the PKCS#11 mechanisms take bytes.
 * Every component that turns one into the other (the Object 16 adapter and
 * portfolio-tool today) calls this one function from the common library
 * (src/util), so both ends agree:
 *
 *   "0x..." / "0X..."  hex digits, big-endian; an odd count gets one leading
 *                      zero nibble; leading zero bytes are kept
 *                      ("0x2345178" -> 02 34 51 78, "0x0001" -> 00 01)
 *   otherwise          decimal digits: the minimal big-endian bytes of the
 *                      unsigned integer ("0" -> 00, "256" -> 01 00)
 *   result             1..64 bytes; anything else (sign, blanks, empty,
 *                      "0x" alone, other characters, too large) is invalid.
 */
#ifndef PORTFOLIO_CHALLENGE_H
#define PORTFOLIO_CHALLENGE_H

#include <stddef.h>
#include <stdint.h>

#define PF_CHALLENGE_MAX 64

/* Returns 0 and sets out/out_len, or -1 (out_len set to 0, out unspecified). */
int pf_challenge_parse(const char *text, size_t len, uint8_t out[PF_CHALLENGE_MAX],
                       size_t *out_len);

#endif
