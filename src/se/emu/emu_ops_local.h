/*
 * emu_ops_local.h - the emulator's operation state, shared by emu_ops.c
 * (life cycle, standard ciphers and MACs, key caches) and
 * emu_ops_portfolio.c (the Portfolio constructions). Nothing else includes it.
 */
#ifndef PORTFOLIO_SE_EMU_OPS_LOCAL_H
#define PORTFOLIO_SE_EMU_OPS_LOCAL_H

#include "crypto/crypto.h"
#include "se/emu/emu.h"

/* Portfolio encryption works on the whole message at final (decryption may
 * release nothing before the tag and the challenge are checked), so its input
 * is buffered, up to these sizes. Identity values are short strings. */
#define EMU_PF_MAX_DATA   65536u
#define EMU_PF_MAX_CIPHER (16u + EMU_PF_MAX_DATA + CK_PORTFOLIO_MAX_CHALLENGE + 16u)
#define EMU_PF_GCM_IV     12u
#define EMU_PF_CBC_IV     16u
#define EMU_PF_TAG        16u

/* Per key, built once when the key enters memory, read-only afterwards (so
 * shared readers need no lock). The serial lets an operation recognise "the
 * key my MAC context is already loaded with" and restart instead of re-key. */
struct emu_key_cache {
	uint64_t serial; /* unique in the process, never 0, never reused */
};

typedef enum emu_family {
	EMU_FAM_NONE = 0,
	EMU_FAM_CIPHER,   /* CKM_AES_ECB/CBC/CBC_PAD/GCM */
	EMU_FAM_MAC,      /* CKM_AES_CMAC(_GENERAL), CKM_SHA*_HMAC(_GENERAL) */
	EMU_FAM_PF_AUTH,  /* CKM_PORTFOLIO_AUTH_CMAC / _HMAC */
	EMU_FAM_PF_ENC,   /* CKM_PORTFOLIO_ENC_GCM / _CBC */
	EMU_FAM_SCP80,    /* CKM_PORTFOLIO_SCP80_WRAP / _UNWRAP (emu_scp80.c) */
} emu_family;

struct se_op {
	se_token *tok;
	emu_family fam;
	se_op_kind kind;
	CK_MECHANISM_TYPE mech;
	int active;

	/* Contexts made on first use and kept for the life of the op. */
	pf_mac *mac;
	uint64_t mac_serial;   /* key serial mac is loaded with; 0 = must re-key */
	pf_cipher *cipher;
	uint64_t cipher_serial; /* key serial cipher is loaded with; 0 = must re-key */
	pf_digest *digest;
	size_t mac_len;        /* tag bytes produced / expected */

	/* Portfolio */
	CK_ULONG source;
	uint8_t challenge[CK_PORTFOLIO_MAX_CHALLENGE];
	size_t challenge_len;
	size_t hash_fed;       /* AUTH, SOURCE_HASH: identity-hash bytes absorbed */
	se_ref key_ref;        /* ENC: the key, looked up again at final */
	uint64_t key_serial;   /* ENC: and checked to be the same key */
	uint8_t *buf;          /* ENC: buffered input */
	size_t buf_len, buf_cap;
	uint8_t *scratch;      /* ENC decrypt: plaintext before its checks */
	size_t scratch_cap;
	pf_iv_pool ivs;        /* ENC encrypt: random IVs fetched ahead (crypto.h) */
	struct emu_scp80 *scp80; /* (additive, SMS) made at the first SCP80 op_init */
};

/* emu_ops.c helpers used by the Portfolio half. */
/* The key item, of kind want, whose sealed policy allows op->fam / op->kind /
 * op->source (emu_policy_allows); NULL with *rv saying why. */
emu_item *emu_ops_key_item(se_op *op, se_ref key, se_item_kind want, CK_RV *rv);
CK_RV emu_ops_mac_start(se_op *op, pf_mac_alg alg, const emu_item *key);
uint64_t emu_ops_key_serial(const emu_item *it);
/* Start op->cipher (made already) for one message with key: a restart that
 * loads only the IV when the context holds this very key for the same mode,
 * direction and IV length, else a full pf_cipher_init. A PF_CRYPTO_* code. */
int emu_ops_cipher_start(se_op *op, pf_aes_mode mode, int encrypt, const emu_item *key,
                         const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
                         size_t tag_len);
/* Grow *buf (keeping its first len bytes, wiping the old block) to hold need bytes. */
CK_RV emu_ops_reserve(uint8_t **buf, size_t *cap, size_t len, size_t need);

/* emu_policy.c: the item policy rules of op_init (se.h). */
/* CKR_KEY_FUNCTION_NOT_PERMITTED unless key's sealed policy allows kind with fam and source. */
CK_RV emu_policy_allows(const emu_item *key, emu_family fam, se_op_kind kind, CK_ULONG source);
/* SOURCE_TOKEN AUTH: the 32-byte hash item p names, if it belongs to p->identity_id. */
emu_item *emu_policy_identity_hash(se_token *t, const se_op_params *p);
/* SOURCE_TOKEN ENC: the value item p names, if it belongs to p->identity_id
 * (else CKR_MECHANISM_PARAM_INVALID) and still matches the provisioned hash or
 * the SO allowed the current value (else CKR_ACTION_PROHIBITED). */
CK_RV emu_policy_identity_value(se_token *t, const se_op_params *p, emu_item **out);

/* emu_ops_portfolio.c */
CK_RV emu_pf_init(se_op *op, const se_op_params *p, emu_item *key);
CK_RV emu_pf_update(se_op *op, const uint8_t *in, size_t in_len);
CK_RV emu_pf_final(se_op *op, uint8_t *out, size_t *out_len);
CK_RV emu_pf_verify_final(se_op *op, const uint8_t *sig, size_t sig_len);
size_t emu_pf_output_bound(const se_op *op, size_t in_len, int final);
void emu_pf_wipe_buffers(se_op *op);

#endif
