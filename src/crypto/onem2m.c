/*
 * onem2m.c - the oneM2M data-security key chain (see onem2m.h), each step
 * one call of a standard KDF so that the later token mechanisms map onto
 * CKM_HKDF_DERIVE and CKM_SP800_108_FEEDBACK_KDF with the same parameters.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "crypto/kdf.h"
#include "crypto/onem2m.h"
#include "util/secure.h"

#define LIT(s) (const uint8_t *)(s), sizeof(s) - 1

static const uint8_t block_two[1] = { 0x02 };

static pf_mac_alg hmac_of(pf_md_alg md)
{
	switch (md) {
	case PF_MD_SHA256: return PF_MAC_HMAC_SHA256;
	case PF_MD_SHA384: return PF_MAC_HMAC_SHA384;
	case PF_MD_SHA512: return PF_MAC_HMAC_SHA512;
	default: return PF_MAC_COUNT;
	}
}

int pf_onem2m_master(pf_md_alg md, const uint8_t *ke, size_t ke_len, const uint8_t *salt,
                     size_t salt_len, uint8_t *k_master)
{
	return pf_hkdf(PF_HKDF_EXTRACT_ONLY, md, ke, ke_len, salt, salt_len, NULL, 0, k_master,
	               pf_md_size(md));
}

int pf_onem2m_auth(pf_md_alg md, const uint8_t *k_master, uint8_t *k_auth)
{
	/* HKDF-Expand's T(1) = HMAC(PRK, "" | info | 0x01): exactly the seed's K_auth. */
	return pf_hkdf(PF_HKDF_EXPAND_ONLY, md, k_master, pf_md_size(md), NULL, 0,
	               LIT(PF_ONEM2M_LABEL_AUTH), k_auth, pf_md_size(md));
}

/* One PRF block HMAC(key, iv | fields...) as SP 800-108 feedback mode without
 * a counter: K(1) = PRF(K_I, K(0) | fixed data), K(0) = iv. */
static int one_feedback_block(pf_md_alg md, const uint8_t *key, const uint8_t *iv, size_t iv_len,
                              pf_kbkdf_field *fields, size_t n_fields, uint8_t *out)
{
	pf_kbkdf_params p = { PF_KBKDF_MODE_FEEDBACK, hmac_of(md), fields, n_fields, iv, iv_len };

	fields[0] = (pf_kbkdf_field){ .type = PF_KBKDF_ITERATION };
	if (pf_md_size(md) == 0 || p.prf == PF_MAC_COUNT)
		return PF_CRYPTO_BAD_PARAM;
	return pf_kbkdf_derive(&p, key, pf_md_size(md), out, pf_md_size(md));
}

static pf_kbkdf_field bytes_field(const uint8_t *bytes, size_t len)
{
	return (pf_kbkdf_field){ .type = PF_KBKDF_BYTES, .bytes = bytes, .len = len };
}

int pf_onem2m_conf(pf_md_alg md, const uint8_t *k_master, const uint8_t *k_auth, uint8_t *k_conf)
{
	/* T(2) = HMAC(K_master, T(1) | label | 0x02): the label differs from
	 * T(1)'s, so this is not HKDF-Expand; it is one feedback-mode block. */
	pf_kbkdf_field f[3] = { { 0 }, bytes_field(LIT(PF_ONEM2M_LABEL_CONF)),
	                        bytes_field(block_two, sizeof(block_two)) };

	if (k_auth == NULL)
		return PF_CRYPTO_ERR;
	return one_feedback_block(md, k_master, k_auth, pf_md_size(md), f, 3, k_conf);
}

int pf_onem2m_container_key(pf_md_alg md, pf_onem2m_purpose purpose, const uint8_t *parent,
                            const uint8_t *container, size_t container_len,
                            const uint8_t *nonce, size_t nonce_len, uint8_t *key)
{
	pf_kbkdf_field f[4] = { { 0 },
	    purpose == PF_ONEM2M_AUTH ? bytes_field(LIT(PF_ONEM2M_LABEL_AUTH))
	                              : bytes_field(LIT(PF_ONEM2M_LABEL_CONTAINER_CONF)),
	    bytes_field(container, container_len), bytes_field(nonce, nonce_len) };

	if ((purpose != PF_ONEM2M_AUTH && purpose != PF_ONEM2M_CONF) || container == NULL ||
	    container_len == 0 || nonce == NULL || nonce_len == 0)
		return PF_CRYPTO_BAD_PARAM;
	return one_feedback_block(md, parent, NULL, 0, f, 4, key);
}

int pf_onem2m_credential_id(pf_md_alg md, const char *key_id, const char *tef, char *out,
                            size_t room)
{
	uint8_t h[PF_MD_MAX_SIZE];
	size_t hlen = pf_md_size(md), need;

	if (key_id == NULL || tef == NULL || out == NULL || hlen == 0)
		return PF_CRYPTO_ERR;
	need = 2 * hlen + 1 + strlen(tef) + 1;
	if (room < need)
		return PF_CRYPTO_BAD_LENGTH;
	if (pf_digest_oneshot(md, key_id, strlen(key_id), h) != PF_CRYPTO_OK)
		return PF_CRYPTO_ERR;
	for (size_t i = 0; i < hlen; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	snprintf(out + 2 * hlen, room - 2 * hlen, "@%s", tef);
	return PF_CRYPTO_OK;
}

int pf_onem2m_derive(const pf_onem2m_input *in, pf_onem2m_keys *keys)
{
	int rc;

	if (in == NULL || keys == NULL)
		return PF_CRYPTO_ERR;
	keys->len = pf_md_size(in->md);
	rc = pf_onem2m_master(in->md, in->ke, in->ke_len, in->salt, in->salt_len, keys->master);
	if (rc == PF_CRYPTO_OK)
		rc = pf_onem2m_auth(in->md, keys->master, keys->auth);
	if (rc == PF_CRYPTO_OK)
		rc = pf_onem2m_conf(in->md, keys->master, keys->auth, keys->conf);
	if (rc == PF_CRYPTO_OK)
		rc = pf_onem2m_container_key(in->md, PF_ONEM2M_AUTH, keys->auth, in->container,
		                             in->container_len, in->nonce, in->nonce_len,
		                             keys->container_auth);
	if (rc == PF_CRYPTO_OK)
		rc = pf_onem2m_container_key(in->md, PF_ONEM2M_CONF, keys->conf, in->container,
		                             in->container_len, in->nonce, in->nonce_len,
		                             keys->container_conf);
	if (rc != PF_CRYPTO_OK)
		pf_onem2m_keys_wipe(keys);
	return rc;
}

void pf_onem2m_keys_wipe(pf_onem2m_keys *keys)
{
	pf_wipe(keys, sizeof(*keys));
}
