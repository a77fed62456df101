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

/*
 * One family the emulator computes: se.h's se_op_family, chosen by the mech
 * layer. emu_ops.c finds it in its table by p->fam and never looks at the
 * mechanism type. The policy facts are data here, so emu_policy.c needs no
 * list of families either.
 */
typedef struct emu_fam {
	CK_ULONG service;         /* the key service it needs (SE_SERVICE_NONE: a plain key) */
	unsigned kinds;           /* EMU_KIND(SE_OP_*) it performs */
	se_op_kind token_only;    /* with a device key, this kind takes SOURCE_TOKEN only (0: none) */
	CK_RV (*init)(se_op *op, const se_op_params *p, se_ref key);
	/* As se_backend.op_update / op_final / op_verify_final / op_output_bound. */
	CK_RV (*update)(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);
	CK_RV (*final)(se_op *op, uint8_t *out, size_t *out_len);
	CK_RV (*verify_final)(se_op *op, const uint8_t *sig, size_t sig_len); /* NULL: no verify */
	size_t (*output_bound)(const se_op *op, size_t in_len, int final);
	/* 1: the key is a Portfolio master of `service` (SE_USE_MASTER), which
	 * computes through this family only the kinds it lists (emu_policy.c) */
	int master;
} emu_fam;

#define EMU_KIND(k) (1u << (k))
#define EMU_KINDS_CRYPT (EMU_KIND(SE_OP_ENCRYPT) | EMU_KIND(SE_OP_DECRYPT))
#define EMU_KINDS_MAC (EMU_KIND(SE_OP_SIGN) | EMU_KIND(SE_OP_VERIFY))

extern const emu_fam emu_fam_cipher;   /* emu_ops_std.c */
extern const emu_fam emu_fam_mac;      /* emu_ops_std.c */
extern const emu_fam emu_fam_pf_auth;  /* emu_ops_portfolio.c */
extern const emu_fam emu_fam_pf_enc;   /* emu_ops_portfolio.c */
extern const emu_fam emu_fam_aes_ccm;  /* emu_ops_ccm.c */
extern const emu_fam emu_fam_scp80;    /* emu_scp80.c */
extern const emu_fam emu_fam_div_auth; /* emu_div.c */
extern const emu_fam emu_fam_div_enc;  /* emu_div.c */

/* CKM_AES_CCM: the whole message is buffered (CCM computes in one pass). */
#define EMU_CCM_MAX_DATA (1u << 20)
#define EMU_CCM_MAX_AAD  65536u

#define EMU_CHALLENGE(op) ((op)->msg + PF_SHA256_SIZE)

struct se_op {
	se_token *tok;
	const emu_fam *fam;
	se_op_kind kind;
	unsigned alg;          /* the family's choice: pf_aes_mode, pf_mac_alg or se_pf_alg */
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
	/* SHA-256(identity) || challenge: AUTH absorbs both in one MAC update (one
	 * EVP call fewer per signature); ENC uses the challenge alone
	 * (EMU_CHALLENGE). The hash part is filled at init (SOURCE_TOKEN) or final
	 * (SOURCE_DATA); SOURCE_HASH streams its hash to the MAC instead. */
	uint8_t msg[PF_SHA256_SIZE + CK_PORTFOLIO_MAX_CHALLENGE];
	size_t challenge_len;
	size_t hash_fed;       /* AUTH, SOURCE_HASH: identity-hash bytes absorbed */
	se_ref key_ref;        /* ENC: the key, looked up again at final */
	uint64_t key_serial;   /* ENC: and checked to be the same key */
	uint8_t *buf;          /* ENC: buffered input */
	size_t buf_len, buf_cap;
	uint8_t *scratch;      /* ENC decrypt: plaintext before its checks */
	size_t scratch_cap;
	pf_iv_pool ivs;        /* ENC encrypt: random IVs fetched ahead (crypto.h) */

	/* CKM_AES_CCM (the input goes to buf; key_ref / key_serial as ENC) */
	uint8_t nonce[13];
	size_t nonce_len;
	size_t tag_len;
	size_t data_len;       /* the plaintext length fixed at init */
	uint8_t *aad;          /* copied at init: CCM takes it with the data, at final */
	size_t aad_len, aad_cap;
	/* GCM and CCM encryption through the message API (se_cipher_params.tag_out):
	 * the tag goes here at final, not after the ciphertext. NULL otherwise. */
	uint8_t *tag_out;

	struct emu_scp80 *scp80; /* CKM_PORTFOLIO_SCP80_*: made at the first SCP80 op_init */
	struct emu_div *div;     /* CKM_PORTFOLIO_DIV_*: made at the first such op_init */
};

/* emu_ops.c helpers used by the Portfolio half. */
/* The key item, of kind want, whose sealed policy allows op->fam / op->kind /
 * op->source (emu_policy_allows); NULL with *rv saying why. */
emu_item *emu_ops_key_item(se_op *op, se_ref key, se_item_kind want, CK_RV *rv);
/* At final, for families that compute then: the key op_init checked
 * (op->key_ref), looked up again and required to be the same key (op->key_serial). */
emu_item *emu_ops_key_again(se_op *op, se_item_kind want, CK_RV *rv);
/* A PF_CRYPTO_* code as the CKR_* of a cipher operation. */
CK_RV emu_ops_crypto_rv(int rc, int encrypt);
/* Load *mac (made or remade for alg and the key's length) with key and start
 * it: a restart when *mac_serial says it holds this key already. */
CK_RV emu_ops_mac_load(pf_mac **mac, uint64_t *mac_serial, pf_mac_alg alg, const emu_item *key);
/* The op's own MAC context (op->mac), as above. */
static inline CK_RV emu_ops_mac_start(se_op *op, pf_mac_alg alg, const emu_item *key)
{
	return emu_ops_mac_load(&op->mac, &op->mac_serial, alg, key);
}
/* The key's serial (0: none); inline, it is on every signature. */
static inline uint64_t emu_ops_key_serial(const emu_item *it)
{
	return (it != NULL && it->cache != NULL) ? it->cache->serial : 0;
}
/* Start op->cipher (made already) for one message with key: a restart that
 * loads only the IV when the context holds this very key for the same mode,
 * direction and IV length, else a full pf_cipher_init. A PF_CRYPTO_* code. */
int emu_ops_cipher_start(se_op *op, pf_aes_mode mode, int encrypt, const emu_item *key,
                         const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
                         size_t tag_len);
/* Grow *buf (keeping its first len bytes, wiping the old block) to hold need bytes. */
CK_RV emu_ops_reserve(uint8_t **buf, size_t *cap, size_t len, size_t need);
/* Append n bytes of in to *buf (its first *len bytes kept), growing it as
 * emu_ops_reserve does; *len grows by n. */
CK_RV emu_ops_append(uint8_t **buf, size_t *cap, size_t *len, const void *in, size_t n);

/* emu_policy.c: the item policy rules of op_init (se.h). */
/* CKR_KEY_FUNCTION_NOT_PERMITTED unless key's sealed policy allows kind with fam and source. */
CK_RV emu_policy_allows(const emu_item *key, const emu_fam *fam, se_op_kind kind, CK_ULONG source);
/* SOURCE_TOKEN AUTH: the 32-byte hash item p names, if it belongs to p->identity_id. */
emu_item *emu_policy_identity_hash(se_token *t, const se_pf_params *p);
/* SOURCE_TOKEN ENC: the value item p names, if it belongs to p->identity_id
 * (else CKR_MECHANISM_PARAM_INVALID) and still matches the provisioned hash or
 * the SO allowed the current value (else CKR_ACTION_PROHIBITED). */
CK_RV emu_policy_identity_value(se_token *t, const se_pf_params *p, emu_item **out);

/* emu_ops_portfolio.c: wipe what the buffered families hold (op->buf). */
void emu_pf_wipe_buffers(se_op *op);
/* emu_ops_portfolio.c, the Portfolio families with their key already found
 * and allowed (emu_div.c brings a derived device key instead of an item):
 * AUTH: take alg, source, challenge, start op->mac with key. */
CK_RV emu_pf_auth_start(se_op *op, const se_pf_params *p, const emu_item *key);
/* ENC: take alg, source, challenge; the key is found again at final by
 * key_ref and key_serial (op->key_ref, op->key_serial). */
CK_RV emu_pf_enc_start(se_op *op, const se_pf_params *p, se_ref key_ref, uint64_t key_serial);
/* ENC final, first half: 1 when the call ends here with *rv (an impossible
 * ciphertext length, or a length query: CKR_BUFFER_TOO_SMALL, *out_len). */
int emu_pf_enc_final_len(const se_op *op, uint8_t *out, size_t *out_len, CK_RV *rv);
/* ENC final, second half: encrypt or decrypt the buffered input with key,
 * then wipe the buffers. */
CK_RV emu_pf_enc_run(se_op *op, const emu_item *key, uint8_t *out, size_t *out_len);
/* emu_ops_ccm.c */
void emu_ccm_wipe(se_op *op);

#endif
