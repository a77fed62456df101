#include "config.h"
#include "core/htable.h"

#include <stdlib.h>

#define HTABLE_MIN_BUCKETS 64

/* Handles are sequential numbers: a multiplicative mix spreads them. */
static size_t slot_of(const htable *h, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & h->mask;
}

int htable_init(htable *h)
{
	h->buckets = calloc(HTABLE_MIN_BUCKETS, sizeof *h->buckets);
	h->mask = HTABLE_MIN_BUCKETS - 1;
	h->count = 0;
	return h->buckets != NULL ? 0 : -1;
}

void htable_free(htable *h)
{
	if (h->buckets == NULL)
		return;
	for (size_t i = 0; i <= h->mask; i++) {
		htable_node *n = h->buckets[i];
		while (n != NULL) {
			htable_node *next = n->next;
			free(n);
			n = next;
		}
	}
	free(h->buckets);
	h->buckets = NULL;
	h->count = 0;
}

void *htable_get(const htable *h, uint64_t key)
{
	for (htable_node *n = h->buckets[slot_of(h, key)]; n != NULL; n = n->next)
		if (n->key == key)
			return n->val;
	return NULL;
}

static void grow(htable *h)
{
	size_t nb = (h->mask + 1) * 2;
	htable_node **b = calloc(nb, sizeof *b);
	if (b == NULL)
		return; /* keep working with longer chains */
	htable old = *h;
	h->buckets = b;
	h->mask = nb - 1;
	for (size_t i = 0; i <= old.mask; i++) {
		htable_node *n = old.buckets[i];
		while (n != NULL) {
			htable_node *next = n->next;
			size_t s = slot_of(h, n->key);
			n->next = b[s];
			b[s] = n;
			n = next;
		}
	}
	free(old.buckets);
}

int htable_put(htable *h, uint64_t key, void *val)
{
	size_t s = slot_of(h, key);
	for (htable_node *n = h->buckets[s]; n != NULL; n = n->next) {
		if (n->key == key) {
			n->val = val;
			return 0;
		}
	}
	htable_node *n = malloc(sizeof *n);
	if (n == NULL)
		return -1;
	n->key = key;
	n->val = val;
	n->next = h->buckets[s];
	h->buckets[s] = n;
	if (++h->count > h->mask + 1)
		grow(h);
	return 0;
}

void *htable_remove(htable *h, uint64_t key)
{
	htable_node **pp = &h->buckets[slot_of(h, key)];
	for (; *pp != NULL; pp = &(*pp)->next) {
		htable_node *n = *pp;
		if (n->key == key) {
			void *v = n->val;
			*pp = n->next;
			free(n);
			h->count--;
			return v;
		}
	}
	return NULL;
}

void htable_each(const htable *h, void (*fn)(void *ctx, uint64_t key, void *val), void *ctx)
{
	for (size_t i = 0; i <= h->mask; i++)
		for (htable_node *n = h->buckets[i]; n != NULL; n = n->next)
			fn(ctx, n->key, n->val);
}
