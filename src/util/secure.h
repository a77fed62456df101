/*
 * secure.h - wiping and comparing secrets. Thin names over OpenSSL so that
 * every layer says what it means (and nobody writes a memset the compiler
 * may drop, or a memcmp that leaks timing).
 */
#ifndef PORTFOLIO_SECURE_H
#define PORTFOLIO_SECURE_H

#include <stddef.h>
#include <stdlib.h>
#include <openssl/crypto.h>

static inline void pf_wipe(void *p, size_t n)
{
	if (p != NULL && n != 0)
		OPENSSL_cleanse(p, n);
}

/* 1 when equal; time depends on n only. */
static inline int pf_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* Wipe, then free() a malloc'd buffer. */
static inline void pf_free_secret(void *p, size_t n)
{
	if (p != NULL) {
		OPENSSL_cleanse(p, n);
		free(p);
	}
}

#endif
