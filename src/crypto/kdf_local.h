/*
 * kdf_local.h - shared by the KDF files of src/crypto (and by the unit test
 * that proves the two SP 800-108 engines agree).
 */
#ifndef PORTFOLIO_CRYPTO_KDF_LOCAL_H
#define PORTFOLIO_CRYPTO_KDF_LOCAL_H

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "crypto/kdf.h"

/* EVP_KDF "KBKDF" and "HKDF", fetched once for the life of the process;
 * NULL if the provider lacks them (logged once). */
typedef struct pf_kdf_algs {
	EVP_KDF *kbkdf, *hkdf;
} pf_kdf_algs;
const pf_kdf_algs *pf_kdf_fetch(void);

/* PRF output size h of an accepted PRF, 0 for one KBKDF does not take. */
size_t pf_kbkdf_prf_size(pf_mac_alg prf);
/* The digest of an HMAC PRF (PF_MD_COUNT for CMAC): names it to EVP. */
pf_md_alg pf_kbkdf_prf_md(pf_mac_alg prf);
/* The value L that a DKM-length field encodes for an out_len-byte derivation. */
uint64_t pf_kbkdf_dkm_bits(const pf_kbkdf_field *f, size_t prf_size, size_t out_len);

/*
 * The two engines behind pf_kbkdf_derive, for already checked parameters.
 * EVP_KDF "KBKDF" takes only OpenSSL's fixed layout; evp_kdf_fits says
 * whether p is that layout. The EVP_MAC engine takes every layout PKCS#11
 * can express.
 */
int pf_kbkdf_evp_kdf_fits(const pf_kbkdf_params *p, size_t out_len);
int pf_kbkdf_derive_evp_kdf(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                            uint8_t *out, size_t out_len);
int pf_kbkdf_derive_evp_mac(const pf_kbkdf_params *p, const uint8_t *key, size_t key_len,
                            uint8_t *out, size_t out_len);

#endif
