/*
 * htable.h - a map from 64-bit keys (object handles, identity ids) to
 * pointers. Lookups are O(1) and never allocate, so the signing path can use
 * them under a shared lock; inserts and removals happen under the exclusive
 * token lock.
 */
#ifndef PORTFOLIO_CORE_HTABLE_H
#define PORTFOLIO_CORE_HTABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct htable_node {
	uint64_t key;
	void *val;
	struct htable_node *next;
} htable_node;

typedef struct htable {
	htable_node **buckets;
	size_t mask;              /* bucket count - 1 (a power of two) */
	size_t count;
} htable;

int htable_init(htable *h);                     /* 0 or -1 (no memory) */
void htable_free(htable *h);                    /* frees nodes, not values */
void *htable_get(const htable *h, uint64_t key);
int htable_put(htable *h, uint64_t key, void *val); /* replaces; 0 or -1 */
void *htable_remove(htable *h, uint64_t key);   /* the value removed, or NULL */
/* Calls fn for every entry; fn must not change the table. */
void htable_each(const htable *h, void (*fn)(void *ctx, uint64_t key, void *val), void *ctx);

#endif
