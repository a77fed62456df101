/*
 * mech_local.h - what the files of src/mech share: the family object (all
 * that a mechanism family knows: its parameter, its data and length rules,
 * its key rule, who runs it) and the description of one mechanism (one row of
 * the registry, pointing at its family).
 *
 * Adding a mechanism (docs/architecture.md, "Adding a mechanism"): a family
 * object in a new src/mech/mech_<name>.c, declared below, and one row in
 * mech_registry.c. Nothing else in src/mech branches on a mechanism type.
 */
#ifndef PORTFOLIO_MECH_LOCAL_H
#define PORTFOLIO_MECH_LOCAL_H

#include "crypto/crypto.h"
#include "mech/mech.h"

typedef struct mech_desc mech_desc;

/* What one message of a message-based operation brings beside its parameter,
 * and what the family's parse_message hook reports back (mech_msg.c). */
typedef struct mech_msg_data {
	const uint8_t *aad;       /* in: the associated data of C_EncryptMessage / C_DecryptMessage */
	size_t aad_len;
	const uint8_t *tag_in;    /* out, decrypt: the tag the parameter carries (tag_len bytes) */
	size_t tag_len;
} mech_msg_data;

/* A family the mech layer computes itself (digests: no key, no backend). */
typedef struct mech_local_run {
	CK_RV (*init)(mech_op *op, const mech_desc *d);
	CK_RV (*update)(mech_op *op, const uint8_t *in, CK_ULONG in_len);
	CK_RV (*final)(mech_op *op, uint8_t *out, CK_ULONG *out_len);
} mech_local_run;

/*
 * One mechanism family. Every hook may be NULL, meaning "nothing to do" (for
 * parse: the mechanism takes no parameter): a family for a non-streaming operation (key generation, derivation,
 * wrapping) has no op hooks at all and is found by its address.
 */
typedef struct mech_family {
	const char *name;
	/* What the backend computes (se.h); SE_FAM_NONE: not a backend operation. */
	se_op_family se_fam;
	/* The CK_MECHANISM parameter into the family's member of p->u (p->fam and
	 * p->mech are set already). NULL: the mechanism takes no parameter. */
	CK_RV (*parse)(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m, se_op_params *p);
	/* After parse: turn what the parameter names by reference into se_refs
	 * (Portfolio identities). */
	CK_RV (*bind)(const mech_desc *d, const CK_MECHANISM *m, const mech_identity_resolver *res,
	              se_op_params *p);
	/* Keep in op what the length rules of the running operation need
	 * (op->mac_len, op->tag_len, op->source, op->expect_len). */
	void (*keep)(mech_op *op, const se_op_params *p);
	/* Data-length rules the standard fixes before any computation: single = 1
	 * for C_Encrypt/C_Decrypt/C_Sign/C_Verify (in_len is the whole message),
	 * 0 for an update (in_len more bytes; op->total_in came before). */
	CK_RV (*check_data)(const mech_op *op, CK_ULONG in_len, int single);
	/* At C_*Final: whether what the updates brought is complete. */
	CK_RV (*check_final)(const mech_op *op);
	/* Key size rule beyond the row's min..max (and AES's 16/24/32). */
	int (*key_rule)(const mech_desc *d, CK_ULONG len);
	/* Families computed here rather than by the backend. */
	const mech_local_run *run;
	/* After the backend's op_final, whatever it returned: write what the
	 * operation reports into the caller's parameter (op->report_param, kept
	 * from the Init; the parameter carries output fields, as SCP80's does). */
	void (*report)(mech_op *op);
	/* The message-based kinds the family allows (CKF_MESSAGE_ENCRYPT ...; each
	 * only where the row has the plain kind too): 0 for none. */
	CK_FLAGS msg_flags;
	/* A per-message parameter that differs from the C_*Init one (GCM, CCM):
	 * into p->u as parse would, with md's associated data, the tag placed
	 * (encrypt: p->u.cipher.tag_out; decrypt: md->tag_in) and the IV made as
	 * the parameter's generator says (op keeps the counter). NULL: parse and
	 * bind take the per-message parameter as they take the C_*Init one. */
	CK_RV (*parse_message)(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
	                       mech_msg_data *md, mech_op *op, se_op_params *p);
} mech_family;

#define MECH_NO_SERVICE (-1) /* standard mechanism: refuses keys that carry a service */
/* service of a row whose key is a Portfolio master (CKA_PORTFOLIO_MASTER) of
 * service s, never a keyset key (CKM_PORTFOLIO_DIV_*) */
#define MECH_MASTER_OF(s) (0x100 | (int)(s))
#define MECH_IS_MASTER_ROW(d) ((d)->service >= 0x100)
#define MECH_MASTER_SERVICE(d) ((CK_ULONG)((d)->service & 0xFF))

/* One registry row. variant is the family's choice within itself: an
 * se_cipher_mode, se_mac_alg, se_pf_alg or pf_md_alg (0 for none). */
struct mech_desc {
	CK_MECHANISM_TYPE type;
	CK_FLAGS flags;         /* CKF_ENCRYPT ... as reported by C_GetMechanismInfo */
	CK_ULONG min_key;       /* bytes (PKCS#11 2.40+ convention for AES and secrets) */
	CK_ULONG max_key;
	CK_KEY_TYPE key_type;   /* keyed families */
	int service;            /* MECH_NO_SERVICE, CK_PORTFOLIO_SRV_* or MECH_MASTER_OF(srv) */
	const mech_family *fam;
	unsigned variant;
	size_t out_len;         /* full MAC / digest length */
};

/* The families (one object each, in the file named after it). */
extern const mech_family mech_fam_keygen;       /* mech_keygen.c */
extern const mech_family mech_fam_aes_ecb;      /* mech_aes.c */
extern const mech_family mech_fam_aes_cbc;      /* mech_aes.c */
extern const mech_family mech_fam_aes_cbc_pad;  /* mech_aes.c */
extern const mech_family mech_fam_aes_gcm;      /* mech_aes_gcm.c */
extern const mech_family mech_fam_aes_ccm;      /* mech_aes_ccm.c */
extern const mech_family mech_fam_mac;          /* mech_mac.c */
extern const mech_family mech_fam_mac_general;  /* mech_mac.c */
extern const mech_family mech_fam_digest;       /* mech_digest.c */
extern const mech_family mech_fam_pf_auth;      /* mech_portfolio.c */
extern const mech_family mech_fam_pf_enc;       /* mech_portfolio.c */
extern const mech_family mech_fam_scp80;        /* mech_scp80.c */
extern const mech_family mech_fam_derive;       /* mech_derive.c (C_DeriveKey; no op hooks) */
extern const mech_family mech_fam_wrap;         /* mech_wrap.c (C_WrapKey / C_UnwrapKey; no op hooks) */
extern const mech_family mech_fam_div_auth;     /* mech_div.c (CKM_PORTFOLIO_DIV_AUTH_*) */
extern const mech_family mech_fam_div_enc;      /* mech_div.c (CKM_PORTFOLIO_DIV_ENC_GCM) */

/* mech_portfolio.c, shared with the diversified families (mech_div.c): one
 * CK_PORTFOLIO_PARAMS checked for kind into out (alg: the row's variant). */
CK_RV mech_pf_parse_op(const CK_PORTFOLIO_PARAMS *pp, se_pf_alg alg, mech_op_kind kind, se_pf_params *out);
/* The Portfolio data-length rules (mech_family.check_data, AUTH's check_final). */
CK_RV mech_pf_check_data(const mech_op *op, CK_ULONG in_len, int single);
CK_RV mech_pf_auth_check_final(const mech_op *op);
/* mech_derive.c, shared with mech_div.c: D, I and n of a diversification. */
CK_RV mech_div_device_check(const CK_PORTFOLIO_DIVERSIFY_PARAMS *dp);

const mech_desc *mech_find(CK_MECHANISM_TYPE type);
/* Whether a key of len bytes (of d's key type) has a size d accepts. */
int mech_key_size_ok(const mech_desc *d, CK_ULONG len);

/* The CKF_MESSAGE_* kinds (and CKF_MULTI_MESSAGE) row d offers (mech_registry.c). */
CK_FLAGS mech_msg_flags(const mech_desc *d);
/* One message of the message-based operation op (op->desc, op->msg_key): m is
 * {type, the message's parameter}; its se_op_params through parse_message or
 * parse + bind, then the backend's op_init and keep. On success op runs as a
 * plain operation of kind (mech_op_single...) until it ends (mech_op.c). */
CK_RV mech_op_start_message(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, mech_msg_data *md,
                            const mech_identity_resolver *res);
/* The IV (or nonce) of one message, as gen (CKG_*) says: the first fixed_bits
 * of iv are the caller's, the rest generated (mech_msg_iv.c). Decryption and
 * CKG_NO_GENERATE take iv as it is. CKR_MECHANISM_PARAM_INVALID for an
 * unknown generator, too few free bits, or a counter with no fresh value. */
CK_RV mech_msg_make_iv(mech_op *op, mech_op_kind kind, CK_GENERATOR_FUNCTION gen, CK_ULONG fixed_bits,
                       uint8_t *iv, size_t len);

/* C_DecryptMessage of an AEAD family: the tag apart from the ciphertext (mech_op.c). */
CK_RV mech_op_single_tagged(mech_op *op, const uint8_t *in, CK_ULONG in_len, const uint8_t *tag,
                            size_t tag_len, uint8_t *out, CK_ULONG *out_len);

/* The length-query convention: 1 if the call must return now with *rv (out
 * NULL: CKR_OK and the length; too small: CKR_BUFFER_TOO_SMALL). */
static inline int mech_length_query(CK_ULONG need, const uint8_t *out, CK_ULONG *out_len, CK_RV *rv)
{
	if (out == NULL) {
		*out_len = need;
		*rv = CKR_OK;
		return 1;
	}
	if (*out_len < need) {
		*out_len = need;
		*rv = CKR_BUFFER_TOO_SMALL;
		return 1;
	}
	return 0;
}

/* A mechanism that takes no parameter. */
CK_RV mech_no_param(const CK_MECHANISM *m);
/* The code for a data length out of range, by direction. */
CK_RV mech_len_range(const mech_op *op);

#endif
