/*
 * kdf.h - key derivation functions over OpenSSL 3 EVP: NIST SP 800-108
 * (KBKDF) in counter and feedback mode, and RFC 5869 HKDF.
 *
 * The KBKDF parameters mirror PKCS#11 3.0's CK_SP800_108_KDF_PARAMS /
 * CK_SP800_108_FEEDBACK_KDF_PARAMS one to one, so that C_DeriveKey can map the
 * caller's data-parameter list onto pf_kbkdf_field entries without
 * reinterpreting it: one field per CK_PRF_DATA_PARAM, in the caller's order,
 * with the same type numbers. See docs/kdf.md.
 *
 * Nothing here allocates beyond the EVP context of one call (none at all in
 * pf_kbkdf_derive_mac); every
 * intermediate secret is wiped before return. Return convention of crypto.h;
 * PF_CRYPTO_BAD_PARAM for a parameter set the standard does not allow.
 */
#ifndef PORTFOLIO_CRYPTO_KDF_H
#define PORTFOLIO_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* Upper bound of one derivation's output (bytes): far above any key, and
 * small enough that bit lengths never overflow. */
#define PF_KDF_MAX_OUT 65536u
/* Upper bound of the data-parameter list (PKCS#11 sets none; this keeps a
 * hostile list from costing more than a few PRF inputs). */
#define PF_KBKDF_MAX_FIELDS 16u

/* Release the fetched KDF algorithms (C_Finalize, with pf_crypto_cleanup);
 * the next derivation fetches again. Not while another thread derives. */
void pf_kdf_cleanup(void);

/* ---- SP 800-108 ---------------------------------------------------------- */

typedef enum pf_kbkdf_mode {
	PF_KBKDF_MODE_COUNTER = 0,   /* CKM_SP800_108_COUNTER_KDF */
	PF_KBKDF_MODE_FEEDBACK,      /* CKM_SP800_108_FEEDBACK_KDF */
} pf_kbkdf_mode;

/* Same numbers as PKCS#11 3.0's CK_SP800_108_* data-parameter types. */
typedef enum pf_kbkdf_field_type {
	/* Counter mode: the counter i (needs width_bits, little_endian).
	 * Feedback mode: K(i-1), with K(0) = the IV (width_bits must be 0). */
	PF_KBKDF_ITERATION = 1,
	PF_KBKDF_OPTIONAL_COUNTER = 2, /* feedback mode only: the counter i */
	PF_KBKDF_DKM_LENGTH = 3,       /* [L], per dkm_method, width_bits, little_endian */
	PF_KBKDF_BYTES = 4,            /* bytes/len verbatim (label, context, separator...) */
} pf_kbkdf_field_type;

/* CK_SP800_108_DKM_LENGTH_SUM_OF_KEYS / _SUM_OF_SEGMENTS. */
typedef enum pf_kbkdf_dkm_method {
	PF_KBKDF_DKM_SUM_OF_KEYS = 1,      /* L = out_len * 8 */
	PF_KBKDF_DKM_SUM_OF_SEGMENTS = 2,  /* L = blocks * PRF size * 8 */
} pf_kbkdf_dkm_method;

typedef struct pf_kbkdf_field {
	pf_kbkdf_field_type type;
	/* Integers (counter: 8, 16, 24, 32; DKM length: 8..64, whole bytes). */
	unsigned width_bits;
	int little_endian;
	pf_kbkdf_dkm_method dkm_method;   /* PF_KBKDF_DKM_LENGTH only */
	const uint8_t *bytes;             /* PF_KBKDF_BYTES only; NULL when len is 0 */
	size_t len;
} pf_kbkdf_field;

typedef struct pf_kbkdf_params {
	pf_kbkdf_mode mode;
	/* PF_MAC_CMAC_AES (key 16, 24 or 32 bytes), PF_MAC_HMAC_SHA256/384/512. */
	pf_mac_alg prf;
	const pf_kbkdf_field *fields;     /* 1..PF_KBKDF_MAX_FIELDS, exactly one ITERATION */
	size_t n_fields;
	const uint8_t *iv;                /* feedback mode: K(0), may be empty */
	size_t iv_len;
} pf_kbkdf_params;

/* PF_CRYPTO_OK when p may derive out_len bytes, else PF_CRYPTO_BAD_PARAM:
 * unknown mode or PRF, no or two iteration variables, a counter or DKM width
 * the standard does not list, a counter in counter mode's optional slot, a
 * counter that would wrap, an L that its width cannot hold, out_len 0. */
int pf_kbkdf_check(const pf_kbkdf_params *p, size_t out_len);

/* Derive out_len bytes from key (the key-derivation key K_I) into out. The
 * DKM length field, if any, encodes L for this out_len: derive every key of
 * one C_DeriveKey in one call. On any failure out is wiped. */
int pf_kbkdf_derive(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                    uint8_t *out, size_t out_len);

/* The same with a PRF context the caller keeps (the emulator's per-session
 * diversification, docs/performance.md): m is a pf_mac of p->prf, keyed and
 * started for the first block (pf_mac_set_key, or pf_mac_restart when it
 * holds the key already); every later block restarts it. Nothing is
 * allocated; m is left finished (restart or re-key it before its next use)
 * and still holds the key. On any failure out is wiped. */
int pf_kbkdf_derive_mac(const pf_kbkdf_params *p, pf_mac *m, uint8_t *out, size_t out_len);

/* ---- scrypt (RFC 7914) ---------------------------------------------------- */

/* Keys from passwords (the emulator's PIN KEKs). n a power of two >= 2, r and
 * p >= 1 (PF_CRYPTO_BAD_PARAM otherwise); PF_CRYPTO_ERR when the memory
 * the parameters ask for is not there. out wiped on failure. */
int pf_scrypt(const uint8_t *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
              uint64_t n, uint32_t r, uint32_t p, uint8_t *out, size_t out_len);

/* ---- HKDF (RFC 5869) ------------------------------------------------------ */

typedef enum pf_hkdf_mode {
	PF_HKDF_EXTRACT_AND_EXPAND = 0,  /* CKF_HKDF_SALT + bExtract and bExpand */
	PF_HKDF_EXTRACT_ONLY,            /* out_len must be the hash size: the PRK */
	PF_HKDF_EXPAND_ONLY,             /* key is the PRK; salt unused */
} pf_hkdf_mode;

/* md: PF_MD_SHA256, PF_MD_SHA384 or PF_MD_SHA512. An empty salt means HashLen
 * zero bytes (RFC 5869 2.2). out_len 1..255 * hash size for expansion. */
int pf_hkdf(pf_hkdf_mode mode, pf_md_alg md, const uint8_t *key, size_t key_len,
            const uint8_t *salt, size_t salt_len, const uint8_t *info, size_t info_len,
            uint8_t *out, size_t out_len);

#endif /* PORTFOLIO_CRYPTO_KDF_H */
