/*
 * emu.h - internals shared by the two halves of the secure-component emulator:
 *   emu_token.c / emu_items.c / emu_backend.c : PINs, token key, items, sealing,
 *                                               persistence (through store.h)
 *   emu_ops.c                                 : the cryptographic operations
 *                                               (through src/crypto)
 * Nothing outside src/se/emu includes this file.
 */
#ifndef PORTFOLIO_SE_EMU_H
#define PORTFOLIO_SE_EMU_H

#include "se/se.h"

struct emu_key_cache; /* prebuilt OpenSSL contexts for one key, owned by emu_ops.c */

/* One item held by the emulator, in clear, in memory, while its token is unlocked. */
typedef struct emu_item {
	se_ref ref;
	se_item_kind kind;
	unsigned flags;                /* SE_ITEM_* */
	se_item_policy pol;            /* what the item may do: sealed with it */
	uint8_t value_sha256[32];      /* identity values: SHA-256(value), made whenever the value
	                                  is set, so ENC compares it with the provisioned hash at
	                                  op_init without hashing (emu_policy.c) */
	uint8_t *value;                /* len bytes, wiped on free */
	size_t len;
	struct emu_key_cache *cache;   /* NULL for identity items */
} emu_item;

/* emu_items.c: the item with that ref in t, or NULL (unknown, or token locked). */
emu_item *emu_item_lookup(se_token *t, se_ref ref);
/* emu_items.c: the first unlocked item for which match(it, ctx) is non-zero, or
 * NULL. A scan of every item: for the SMS keyset's partner key, not hot paths. */
emu_item *emu_item_find(se_token *t, int (*match)(const emu_item *it, const void *ctx),
                        const void *ctx);
/* emu_items.c: it->value_sha256 of an identity value item (other kinds: nothing). */
CK_RV emu_item_digest(emu_item *it);

/* emu_ops.c: build / free the per-key contexts. Called whenever a key item enters
 * memory (import, generate, load at login) and leaves it (delete, logout). Building
 * eagerly keeps the operation path free of allocation and of lazy initialisation
 * under a shared lock. */
CK_RV emu_key_cache_build(emu_item *it);
void emu_key_cache_free(emu_item *it);

/* emu_ops.c: the operation half of the backend table. */
CK_RV emu_op_new(se_token *t, se_op **out);
void emu_op_free(se_op *op);
CK_RV emu_op_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key);
CK_RV emu_op_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);
CK_RV emu_op_final(se_op *op, uint8_t *out, size_t *out_len);
CK_RV emu_op_verify_final(se_op *op, const uint8_t *sig, size_t sig_len);
size_t emu_op_output_bound(se_op *op, size_t in_len, int final);
void emu_op_abort(se_op *op);

#endif
