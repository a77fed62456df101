/*
 * crypto_local.h - the table of fetched algorithms, shared by the files of
 * src/crypto only.
 */
#ifndef PORTFOLIO_CRYPTO_LOCAL_H
#define PORTFOLIO_CRYPTO_LOCAL_H

#include <openssl/evp.h>
#include "crypto/crypto.h"

/* Index of an AES key length in the tables below: 16 -> 0, 24 -> 1, 32 -> 2, else -1. */
int pf_aes_key_index(size_t key_len);

typedef struct pf_alg_table {
	EVP_CIPHER *ecb[3], *cbc[3], *gcm[3];  /* by pf_aes_key_index */
	const char *cbc_name[3];               /* CMAC names its block cipher */
	EVP_MAC *cmac, *hmac;
	EVP_MD *md[PF_MD_COUNT];
	const char *md_name[PF_MD_COUNT];      /* HMAC names its digest */
} pf_alg_table;

/* The fetched table, or NULL if fetching failed (logged once). */
const pf_alg_table *pf_algs(void);

/* EVP works in int lengths: feed big buffers in slices of this size. */
#define PF_EVP_SLICE ((size_t)1 << 30)

#endif
