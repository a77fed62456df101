/*
 * test_emu_ops_fake.h - a tiny stand-in for emu_items.c (written by another
 * worker), so the engine's tests depend only on the engine: a fixed table of
 * items and emu_item_lookup over it. Include in exactly one file per test.
 */
#ifndef PORTFOLIO_TEST_EMU_OPS_FAKE_H
#define PORTFOLIO_TEST_EMU_OPS_FAKE_H

#include <string.h>

#include "crypto/crypto.h"
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

/* The same scan emu_items.c does (the SMS keyset's partner key, emu_scp80.c). */
emu_item *emu_item_find(se_token *t, int (*match)(const emu_item *it, const void *ctx),
                        const void *ctx)
{
	fake_token *ft = (fake_token *)(void *)t;
	for (size_t i = 0; i < ft->count; i++)
		if (match(&ft->items[i], ctx))
			return &ft->items[i];
	return NULL;
}

/* Adds an item (its key cache built, as the real emulator does) and returns its ref.
 * Its policy: a key of no service that may do everything, or an identity item of
 * identity 3; fake_policy changes it. */
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
	it->pol = (se_item_policy){.service = SE_SERVICE_NONE};
	if (kind == SE_ITEM_AES_KEY || kind == SE_ITEM_GENERIC_SECRET)
		it->pol.usage = SE_USE_ALL;
	else
		it->pol.identity_id = 3;
	it->value = fake.values[i];
	it->len = len;
	it->cache = NULL;
	if (emu_key_cache_build(it) != CKR_OK)
		abort();
	if (kind == SE_ITEM_IDENTITY_VALUE &&
	    pf_digest_oneshot(PF_MD_SHA256, value, len, it->value_sha256) != PF_CRYPTO_OK)
		abort();
	return it->ref;
}

/* Item ref of the fake table; aborts if there is none. */
static inline emu_item *fake_item(se_ref ref)
{
	emu_item *it = emu_item_lookup((se_token *)(void *)&fake, ref);
	if (it == NULL)
		abort();
	return it;
}

/* The sealed policy of ref, as if the item had been made with it. */
static inline se_ref fake_policy(se_ref ref, CK_ULONG service, unsigned usage)
{
	emu_item *it = fake_item(ref);
	it->pol.service = service;
	it->pol.usage = usage;
	return ref;
}

/* The identity an identity item belongs to, and its SE_IDENTITY_* flags. */
static inline se_ref fake_identity(se_ref ref, CK_ULONG id, unsigned flags)
{
	emu_item *it = fake_item(ref);
	it->pol.identity_id = id;
	it->pol.identity_flags = flags;
	return ref;
}

/* Points item ref at value (kept by the caller), as a rewrite would. */
static inline void fake_value(se_ref ref, const void *value, size_t len)
{
	emu_item *it = fake_item(ref);
	it->value = (uint8_t *)(uintptr_t)value;
	it->len = len;
	if (pf_digest_oneshot(PF_MD_SHA256, value, len, it->value_sha256) != PF_CRYPTO_OK)
		abort(); /* as emu_item_replace does */
}

static inline void fake_reset(void)
{
	for (size_t i = 0; i < fake.count; i++)
		emu_key_cache_free(&fake.items[i]);
	memset(&fake, 0, sizeof(fake));
}

#define FAKE_TOKEN ((se_token *)(void *)&fake)

#endif
