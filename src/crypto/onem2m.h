/*
 * onem2m.h - the oneM2M bootstrapped data-security key hierarchy (TS-0003
 * and seed 004): a pure function of the bootstrap credential Ke (or Kpsa),
 * built only from src/crypto's KDFs. docs/onem2m.md gives every step with a
 * worked example. The token-side mechanisms (key handles, attributes) are a
 * later layer; this is the arithmetic they will call.
 *
 *   K_master = HKDF-Extract(Salt, Ke)                     pf_hkdf, extract only
 *   K_auth   = T(1) = HMAC(K_master, "Data Authenticity and Integrity" | 01)
 *                                                         pf_hkdf, expand only
 *   K_conf   = T(2) = HMAC(K_master, T(1) | "Data  Confidentiality Key" | 02)
 *                     (two blanks) SP 800-108 feedback mode, IV = T(1), no counter
 *   K_container_auth = HMAC(K_auth, "Data Authenticity and Integrity" | container | nonce)
 *   K_container_conf = HMAC(K_conf, "Data Confidentiality" | container | nonce)
 *                     SP 800-108 feedback mode, empty IV, no counter (one block)
 *   Credential-Id    = hex(Hash(key id)) "@" TEF
 */
#ifndef PORTFOLIO_CRYPTO_ONEM2M_H
#define PORTFOLIO_CRYPTO_ONEM2M_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* The labels, byte for byte as the seed writes them (no terminating NUL). */
#define PF_ONEM2M_LABEL_AUTH "Data Authenticity and Integrity"
#define PF_ONEM2M_LABEL_CONF "Data  Confidentiality Key"
#define PF_ONEM2M_LABEL_CONTAINER_CONF "Data Confidentiality"

/* Which container key: the authenticity key is derived from K_auth with
 * PF_ONEM2M_LABEL_AUTH, the confidentiality key from K_conf with
 * PF_ONEM2M_LABEL_CONTAINER_CONF. */
typedef enum pf_onem2m_purpose {
	PF_ONEM2M_AUTH = 0,
	PF_ONEM2M_CONF,
} pf_onem2m_purpose;

/* Every step's key is one hash output: 32 bytes for SHA-256 (the seed's
 * Hash), 48 / 64 for SHA-384 / SHA-512. md must be one of these three. */
int pf_onem2m_master(pf_md_alg md, const uint8_t *ke, size_t ke_len, const uint8_t *salt,
                     size_t salt_len, uint8_t *k_master);
int pf_onem2m_auth(pf_md_alg md, const uint8_t *k_master, uint8_t *k_auth);
/* T(2) needs T(1) = K_auth as its chaining input. */
int pf_onem2m_conf(pf_md_alg md, const uint8_t *k_master, const uint8_t *k_auth, uint8_t *k_conf);
/* parent is K_auth for PF_ONEM2M_AUTH, K_conf for PF_ONEM2M_CONF. container
 * and nonce (or creationTime) are the caller's bytes, neither may be empty. */
int pf_onem2m_container_key(pf_md_alg md, pf_onem2m_purpose purpose, const uint8_t *parent,
                            const uint8_t *container, size_t container_len,
                            const uint8_t *nonce, size_t nonce_len, uint8_t *key);
/* "<lower-case hex of Hash(key_id)>@<tef>" with a NUL, into out (room bytes).
 * PF_CRYPTO_BAD_LENGTH when it does not fit. Not secret. */
int pf_onem2m_credential_id(pf_md_alg md, const char *key_id, const char *tef, char *out,
                            size_t room);

/* The whole chain at once (tests, portfolio-tool). */
typedef struct pf_onem2m_input {
	pf_md_alg md;
	const uint8_t *ke, *salt, *container, *nonce;
	size_t ke_len, salt_len, container_len, nonce_len;
} pf_onem2m_input;

typedef struct pf_onem2m_keys {
	size_t len;   /* of each key: the hash size */
	uint8_t master[PF_MD_MAX_SIZE], auth[PF_MD_MAX_SIZE], conf[PF_MD_MAX_SIZE];
	uint8_t container_auth[PF_MD_MAX_SIZE], container_conf[PF_MD_MAX_SIZE];
} pf_onem2m_keys;

/* Fills keys, or wipes it and returns the failing step's code. */
int pf_onem2m_derive(const pf_onem2m_input *in, pf_onem2m_keys *keys);
void pf_onem2m_keys_wipe(pf_onem2m_keys *keys);

#endif
