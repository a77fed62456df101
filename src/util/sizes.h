/*
 * sizes.h - sizes more than one layer checks, each defined once (the module's
 * core and mechanisms, the emulator, the virtual card, the SMS layer and the
 * Object 16 adapter use these).
 */
#ifndef PORTFOLIO_UTIL_SIZES_H
#define PORTFOLIO_UTIL_SIZES_H

#include <stddef.h>

/* The longest Identity value (CKA_VALUE of a CKO_PORTFOLIO_IDENTITY, LwM2M
 * resource 16/x/0/y): docs/mechanisms.md. */
#define PF_IDENTITY_MAX 1024

/* AES keys are 128, 192 or 256 bits (FIPS 197). */
static inline int pf_aes_key_len_ok(size_t len)
{
	return len == 16 || len == 24 || len == 32;
}

#endif
