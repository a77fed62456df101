/*
 * grow.h - room for one more element in a growing array (doubling, from
 * `first`): the pattern every "collect rows, then act" loop needs.
 */
#ifndef PORTFOLIO_UTIL_GROW_H
#define PORTFOLIO_UTIL_GROW_H

#include <stdlib.h>

/* The array arr (of *cap elements of elem bytes) with room for element n:
 * arr itself, or a larger copy (*cap updated); NULL without memory (arr is
 * then untouched and still the caller's). */
static inline void *pf_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return arr;
	size_t want = *cap ? *cap * 2 : first;
	void *grown = realloc(arr, want * elem);
	if (grown != NULL)
		*cap = want;
	return grown;
}

#endif
