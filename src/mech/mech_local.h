/*
 * mech_local.h - what the files of src/mech share: the description of one
 * mechanism (one row of the registry) and the per-family hooks.
 */
#ifndef PORTFOLIO_MECH_LOCAL_H
#define PORTFOLIO_MECH_LOCAL_H

#include "crypto/crypto.h"
#include "mech/mech.h"

typedef enum mech_family {
	MECH_FAM_KEYGEN = 1,
	MECH_FAM_CIPHER,
	MECH_FAM_MAC,
	MECH_FAM_DIGEST,
	MECH_FAM_PF_AUTH,
	MECH_FAM_PF_ENC,
	MECH_FAM_DERIVE,  /* C_DeriveKey only (mech_derive.c) */
	MECH_FAM_WRAP,      /* C_WrapKey / C_UnwrapKey only (mech_wrap.c) */
	MECH_FAM_SCP80,   /* CKM_PORTFOLIO_SCP80_WRAP / _UNWRAP (mech_scp80.c) */
} mech_family;

#define MECH_NO_SERVICE (-1) /* standard mechanism: refuses keys that carry a service */

typedef struct mech_desc {
	CK_MECHANISM_TYPE type;
	mech_family fam;
	CK_FLAGS flags;         /* CKF_ENCRYPT ... as reported by C_GetMechanismInfo */
	CK_ULONG min_key;       /* bytes (PKCS#11 2.40+ convention for AES and secrets) */
	CK_ULONG max_key;
	CK_KEY_TYPE key_type;   /* keyed families */
	int service;            /* MECH_NO_SERVICE or CK_PORTFOLIO_SRV_* */
	size_t out_len;         /* full MAC / digest length */
	pf_md_alg md;           /* digests */
} mech_desc;

const mech_desc *mech_find(CK_MECHANISM_TYPE type);
/* Whether a key of len bytes (of d's key type) has a size d accepts. */
int mech_key_size_ok(const mech_desc *d, CK_ULONG len);

/* Family hooks: turn the CK_MECHANISM parameter into se_op_params. */
CK_RV mech_aes_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                     se_op_params *p);
CK_RV mech_mac_parse(const mech_desc *d, const CK_MECHANISM *m, se_op_params *p);
CK_RV mech_pf_parse(const mech_desc *d, mech_op_kind kind, const CK_MECHANISM *m,
                    se_op_params *p);
/* mech_scp80.c: CK_PORTFOLIO_SCP80_PARAMS into p; and, after the backend's
 * op_final (whatever it returned), the PoR, status and counter written back
 * into the caller's parameter (kept in op->scp80_param). */
CK_RV mech_scp80_parse(mech_op_kind kind, const CK_MECHANISM *m, se_op_params *p);
void mech_scp80_report(mech_op *op);
/* A mechanism that takes no parameter. */
CK_RV mech_no_param(const CK_MECHANISM *m);

/* Data-length rules that the standard fixes before any computation:
 * single = 1 for C_Encrypt/C_Decrypt/C_Sign/C_Verify (in_len is the whole
 * message), 0 for an update (in_len more bytes). */
CK_RV mech_aes_check_data(const mech_op *op, CK_ULONG in_len, int single);
CK_RV mech_pf_check_data(const mech_op *op, CK_ULONG in_len, int single);
CK_RV mech_pf_check_final(const mech_op *op);

/* Digests (no key, no backend): src/crypto directly. */
CK_RV mech_digest_init(mech_op *op, const mech_desc *d, const CK_MECHANISM *m);
CK_RV mech_digest_update(mech_op *op, const uint8_t *in, CK_ULONG in_len);
CK_RV mech_digest_final(mech_op *op, uint8_t *out, CK_ULONG *out_len);

#endif
