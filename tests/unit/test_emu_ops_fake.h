/*
 * test_emu_ops_fake.h - a tiny stand-in for emu_items.c (written by another
 * worker), so the engine's tests depend only on the engine: a fixed table of
 * items and emu_item_lookup over it. Include in exactly one file per test.
 */
#ifndef PORTFOLIO_TEST_EMU_OPS_FAKE_H
#define PORTFOLIO_TEST_EMU_OPS_FAKE_H

#include <string.h>

#include "se/emu/emu.h"

#define FAKE_MAX_ITEMS 16

typedef struct fake_token {
	emu_item items[FAKE_MAX_ITEMS];
	uint8_t values[FAKE_MAX_ITEMS][128];
	size_t count;
} fake_token;

static fake_token fake;

emu_item *emu_item_lookup(se_token *t, se_ref ref)
{
	fake_token *ft = (fake_token *)(void *)t;
	for (size_t i = 0; i < ft->count; i++)
		if (ft->items[i].ref == ref)
			return &ft->items[i];
	return NULL;
}

/* Adds an item (its key cache built, as the real emulator does) and returns its ref. */
static inline se_ref fake_put(se_item_kind kind, const void *value, size_t len)
{
	size_t i = fake.count++;
	emu_item *it = &fake.items[i];

	if (i >= FAKE_MAX_ITEMS || len > sizeof(fake.values[i]))
		abort();
	memcpy(fake.values[i], value, len);
	it->ref = 100 + i;
	it->kind = kind;
	it->flags = 0;
	it->value = fake.values[i];
	it->len = len;
	it->cache = NULL;
	if (emu_key_cache_build(it) != CKR_OK)
		abort();
	return it->ref;
}

static inline void fake_reset(void)
{
	for (size_t i = 0; i < fake.count; i++)
		emu_key_cache_free(&fake.items[i]);
	memset(&fake, 0, sizeof(fake));
}

#define FAKE_TOKEN ((se_token *)(void *)&fake)

#endif
