/* alloc_count.h - counts allocations in a test program: OpenSSL's through
 * CRYPTO_set_mem_functions (alloc_count_install, before OpenSSL allocates
 * anything) and the malloc/calloc/realloc of the module's own objects linked
 * into the test (link with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc).
 * allocs grows while counting is 1. Include in exactly one file of a program. */
#ifndef ALLOC_COUNT_H
#define ALLOC_COUNT_H

#include <stdlib.h>
#include <openssl/crypto.h>

static long counting, allocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n) { allocs += counting; return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { allocs += counting; return __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { allocs += counting; return __real_realloc(p, n); }

static void *ossl_malloc(size_t n, const char *file, int l) { (void)file; (void)l; allocs += counting; return __real_malloc(n); }
static void *ossl_realloc(void *p, size_t n, const char *file, int l) { (void)file; (void)l; allocs += counting; return __real_realloc(p, n); }
static void ossl_free(void *p, const char *file, int l) { (void)file; (void)l; free(p); }

/* 0 when OpenSSL allocated already (the program cannot count then). */
static inline int alloc_count_install(void)
{
	return CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free);
}

#endif
