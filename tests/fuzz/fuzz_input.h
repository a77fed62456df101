/*
 * fuzz_input.h - reading a fuzzer's byte string as a stream of small
 * decisions, and a per-input arena so every buffer handed to the module has
 * exactly the length the call claims (AddressSanitizer then sees any byte the
 * module reads or writes past it).
 */
#ifndef PORTFOLIO_FUZZ_INPUT_H
#define PORTFOLIO_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A property every input must keep: when it does not, the fuzzer has a finding. */
#define FZ_CHECK(c)                                                               \
	do {                                                                      \
		if (!(c)) {                                                       \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                  \
		}                                                                 \
	} while (0)

typedef struct fz_in {
	const uint8_t *p;
	size_t n;
	void **owned;            /* arena: freed by fz_release */
	size_t n_owned, cap_owned;
} fz_in;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline uint8_t fz_u8(fz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint32_t fz_u16(fz_in *in)
{
	uint32_t hi = fz_u8(in);
	return hi << 8 | fz_u8(in);
}

static inline uint64_t fz_u64(fz_in *in)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | fz_u8(in);
	return v;
}

/* malloc that the arena frees at the end of the input; size 0 gives a valid
 * one-byte block so callers never pass a dangling pointer. */
static inline void *fz_alloc(fz_in *in, size_t size)
{
	if (in->n_owned == in->cap_owned) {
		size_t cap = in->cap_owned ? in->cap_owned * 2 : 64;
		void **grown = realloc(in->owned, cap * sizeof *grown);
		if (grown == NULL)
			abort();
		in->owned = grown;
		in->cap_owned = cap;
	}
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		abort();
	in->owned[in->n_owned++] = p;
	return p;
}

/* len bytes of the input (zero-filled once the input runs out) in a block of exactly len. */
static inline uint8_t *fz_bytes(fz_in *in, size_t len)
{
	uint8_t *b = fz_alloc(in, len);
	size_t take = len < in->n ? len : in->n;
	if (len != 0)
		memset(b, 0, len);
	if (take != 0)
		memcpy(b, in->p, take);
	in->p += take;
	in->n -= take;
	return b;
}

static inline void fz_release(fz_in *in)
{
	for (size_t i = 0; i < in->n_owned; i++)
		free(in->owned[i]);
	free(in->owned);
	in->owned = NULL;
	in->n_owned = in->cap_owned = 0;
}

#endif
