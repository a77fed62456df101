/*
 * crypto_cipher.c - streaming AES (ECB, CBC, CBC with PKCS#7, GCM) over
 * EVP_CIPHER_CTX.
 *
 * One EVP_CIPHER_CTX per pf_cipher, kept for its whole life. When the next
 * message uses the same algorithm we pass a NULL cipher to EVP_CipherInit_ex2,
 * which keeps the provider context (no allocation, no fetch); only a change of
 * mode or key length makes OpenSSL replace it.
 *
 * GCM decryption: PKCS#11 hands us the tag as the last tag_len bytes of the
 * ciphertext stream, and we cannot know which bytes are last until final. So
 * update always holds back the most recent tag_len bytes (held[]) and decrypts
 * only what precedes them.
 */
#include "config.h"

#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_local.h"
#include "util/secure.h"

struct pf_cipher {
	EVP_CIPHER_CTX *ctx;
	const EVP_CIPHER *current; /* what ctx is set up for; NULL = nothing yet */
	pf_aes_mode mode;
	int encrypt;
	int ready;                 /* initialised, not finalised */
	size_t tag_len;            /* GCM */
	uint8_t held[PF_GCM_MAX_TAG];
	size_t held_len;           /* GCM decrypt: trailing bytes kept back */
	uint64_t total_in;
	uint64_t total_out;
	int keyed;                 /* holds the key of the last pf_cipher_init ... */
	size_t keyed_iv_len;       /* ... made for this IV length (and mode, encrypt) */
};

pf_cipher *pf_cipher_new(void)
{
	if (pf_algs() == NULL)
		return NULL;
	pf_cipher *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->ctx = EVP_CIPHER_CTX_new();
	if (c->ctx == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void pf_cipher_free(pf_cipher *c)
{
	if (c == NULL)
		return;
	EVP_CIPHER_CTX_free(c->ctx); /* the AES providers clear their key schedule */
	pf_wipe(c->held, sizeof(c->held));
	free(c);
}

static const EVP_CIPHER *pick(const pf_alg_table *t, pf_aes_mode mode, int ki)
{
	switch (mode) {
	case PF_AES_ECB: return t->ecb[ki];
	case PF_AES_CBC:
	case PF_AES_CBC_PAD: return t->cbc[ki];
	case PF_AES_GCM: return t->gcm[ki];
	}
	return NULL;
}

static int params_ok(pf_aes_mode mode, const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                     size_t aad_len, size_t tag_len)
{
	switch (mode) {
	case PF_AES_ECB:
		return iv_len == 0;
	case PF_AES_CBC:
	case PF_AES_CBC_PAD:
		return iv != NULL && iv_len == PF_AES_BLOCK;
	case PF_AES_GCM:
		return iv != NULL && iv_len != 0 && iv_len <= 256 && tag_len != 0 &&
		       tag_len <= PF_GCM_MAX_TAG && (aad != NULL || aad_len == 0);
	}
	return 0;
}

static void start_message(pf_cipher *c)
{
	c->ready = 0;
	c->held_len = 0;
	c->total_in = c->total_out = 0;
	pf_wipe(c->held, sizeof(c->held));
}

static int feed_aad(pf_cipher *c, const uint8_t *aad, size_t aad_len)
{
	for (size_t done = 0; done < aad_len;) {
		size_t n = aad_len - done > PF_EVP_SLICE ? PF_EVP_SLICE : aad_len - done;
		int outl = 0;
		if (EVP_CipherUpdate(c->ctx, NULL, &outl, aad + done, (int)n) != 1)
			return PF_CRYPTO_ERR;
		done += n;
	}
	return PF_CRYPTO_OK;
}

int pf_cipher_init(pf_cipher *c, pf_aes_mode mode, int encrypt, const uint8_t *key, size_t key_len,
                   const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
                   size_t tag_len)
{
	const pf_alg_table *t = pf_algs();
	int ki = pf_aes_key_index(key_len);
	const EVP_CIPHER *cipher;
	const EVP_CIPHER *pass;
	int enc = encrypt ? 1 : 0;

	if (c == NULL || t == NULL || ki < 0 || key == NULL)
		return PF_CRYPTO_ERR;
	cipher = pick(t, mode, ki);
	if (cipher == NULL)
		return PF_CRYPTO_ERR;
	if (!params_ok(mode, iv, iv_len, aad, aad_len, tag_len))
		return PF_CRYPTO_ERR;
	start_message(c);
	c->keyed = 0;

	/* Same algorithm as last time: NULL keeps the provider context. */
	pass = (c->current == cipher) ? NULL : cipher;
	if (mode == PF_AES_GCM) {
		size_t ivl = iv_len;
		OSSL_PARAM p[2] = {
			OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivl),
			OSSL_PARAM_construct_end(),
		};
		/* The IV length must be set before the IV itself is loaded. */
		if (EVP_CipherInit_ex2(c->ctx, pass, NULL, NULL, enc, p) != 1)
			goto fail;
		pass = NULL;
	}
	if (EVP_CipherInit_ex2(c->ctx, pass, key, iv, enc, NULL) != 1)
		goto fail;
	c->current = cipher;
	if (mode != PF_AES_GCM &&
	    EVP_CIPHER_CTX_set_padding(c->ctx, mode == PF_AES_CBC_PAD ? 1 : 0) != 1)
		goto fail;
	if (mode == PF_AES_GCM && feed_aad(c, aad, aad_len) != PF_CRYPTO_OK)
		goto fail;
	c->mode = mode;
	c->encrypt = enc;
	c->tag_len = tag_len;
	c->keyed = 1;
	c->keyed_iv_len = iv_len;
	c->ready = 1;
	return PF_CRYPTO_OK;
fail:
	/* A half-initialised context must not be reused blindly: force a full init. */
	c->current = NULL;
	return PF_CRYPTO_ERR;
}

int pf_cipher_restart(pf_cipher *c, pf_aes_mode mode, int encrypt, const uint8_t *iv, size_t iv_len,
                      const uint8_t *aad, size_t aad_len, size_t tag_len)
{
	int enc = encrypt ? 1 : 0;

	if (c == NULL || !c->keyed || c->current == NULL || c->mode != mode || c->encrypt != enc ||
	    c->keyed_iv_len != iv_len || !params_ok(mode, iv, iv_len, aad, aad_len, tag_len))
		return PF_CRYPTO_ERR;
	start_message(c);
	c->keyed = 0; /* until the restart is through */
	/* NULL cipher and key: OpenSSL keeps the provider context and its key
	 * schedule and only loads the IV (GCM: the IV length set at init stays). */
	if (EVP_CipherInit_ex2(c->ctx, NULL, NULL, iv, enc, NULL) != 1)
		goto fail;
	if (mode != PF_AES_GCM &&
	    EVP_CIPHER_CTX_set_padding(c->ctx, mode == PF_AES_CBC_PAD ? 1 : 0) != 1)
		goto fail;
	if (mode == PF_AES_GCM && feed_aad(c, aad, aad_len) != PF_CRYPTO_OK)
		goto fail;
	c->tag_len = tag_len;
	c->keyed = 1;
	c->ready = 1;
	return PF_CRYPTO_OK;
fail:
	c->current = NULL;
	return PF_CRYPTO_ERR;
}

/* Feed bytes to EVP, in int-sized slices. */
static int evp_feed(pf_cipher *c, const uint8_t *in, size_t in_len, uint8_t *out, size_t *written)
{
	size_t done = 0, w = 0;

	while (done < in_len) {
		size_t n = in_len - done > PF_EVP_SLICE ? PF_EVP_SLICE : in_len - done;
		int outl = 0;
		if (EVP_CipherUpdate(c->ctx, out + w, &outl, in + done, (int)n) != 1 || outl < 0)
			return PF_CRYPTO_ERR;
		done += n;
		w += (size_t)outl;
	}
	*written = w;
	return PF_CRYPTO_OK;
}

size_t pf_cipher_update_bound(const pf_cipher *c, size_t in_len)
{
	if (c == NULL || !c->ready)
		return 0;
	if (c->mode == PF_AES_GCM) {
		if (c->encrypt)
			return in_len;
		size_t total = c->held_len + in_len;
		return total > c->tag_len ? total - c->tag_len : 0;
	}
	/* Block modes emit whole blocks only; OpenSSL may hold one back when
	 * unpadding, so this is exact for encryption and an upper bound otherwise. */
	uint64_t blocks_out = ((c->total_in + in_len) / PF_AES_BLOCK) * PF_AES_BLOCK;
	return (size_t)(blocks_out - c->total_out);
}

size_t pf_cipher_final_bound(const pf_cipher *c)
{
	if (c == NULL || !c->ready)
		return 0;
	switch (c->mode) {
	case PF_AES_GCM: return c->encrypt ? c->tag_len : 0;
	case PF_AES_CBC_PAD: return PF_AES_BLOCK;
	default: return 0;
	}
}

size_t pf_cipher_total_bound(const pf_cipher *c, size_t in_len)
{
	if (c == NULL || !c->ready)
		return 0;
	if (c->mode == PF_AES_CBC_PAD) {
		uint64_t all = c->total_in + in_len;
		if (c->encrypt)
			return (size_t)((all / PF_AES_BLOCK + 1) * PF_AES_BLOCK - c->total_out);
		/* The plaintext is shorter than the ciphertext. */
		return (size_t)(all - c->total_out);
	}
	return pf_cipher_update_bound(c, in_len) + pf_cipher_final_bound(c);
}

uint64_t pf_cipher_total_in(const pf_cipher *c)
{
	return c != NULL ? c->total_in : 0;
}

static int gcm_decrypt_update(pf_cipher *c, const uint8_t *in, size_t in_len, uint8_t *out,
                              size_t *out_len)
{
	size_t total = c->held_len + in_len;
	size_t feed, from_held, from_in, w1 = 0, w2 = 0, keep_held;

	if (total <= c->tag_len) {
		memcpy(c->held + c->held_len, in, in_len);
		c->held_len = total;
		*out_len = 0;
		return PF_CRYPTO_OK;
	}
	feed = total - c->tag_len;
	from_held = feed < c->held_len ? feed : c->held_len;
	from_in = feed - from_held;
	if (evp_feed(c, c->held, from_held, out, &w1) != PF_CRYPTO_OK ||
	    evp_feed(c, in, from_in, out + w1, &w2) != PF_CRYPTO_OK)
		return PF_CRYPTO_ERR;
	/* New tail = what is left of held, then the rest of in: tag_len bytes in all. */
	keep_held = c->held_len - from_held;
	memmove(c->held, c->held + from_held, keep_held);
	memcpy(c->held + keep_held, in + from_in, in_len - from_in);
	c->held_len = c->tag_len;
	*out_len = w1 + w2;
	return PF_CRYPTO_OK;
}

int pf_cipher_update(pf_cipher *c, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	int rc;

	if (c == NULL || !c->ready || out_len == NULL || (in == NULL && in_len != 0))
		return PF_CRYPTO_ERR;
	*out_len = 0;
	if (in_len == 0)
		return PF_CRYPTO_OK;
	if (out == NULL && pf_cipher_update_bound(c, in_len) != 0)
		return PF_CRYPTO_ERR;
	if (c->mode == PF_AES_GCM && !c->encrypt)
		rc = gcm_decrypt_update(c, in, in_len, out, out_len);
	else
		rc = evp_feed(c, in, in_len, out, out_len);
	if (rc != PF_CRYPTO_OK) {
		c->ready = 0;
		return rc;
	}
	c->total_in += in_len;
	c->total_out += *out_len;
	return PF_CRYPTO_OK;
}

static int gcm_final(pf_cipher *c, uint8_t *out, size_t *out_len)
{
	uint8_t scratch[PF_AES_BLOCK];
	int outl = 0;

	if (c->encrypt) {
		OSSL_PARAM p[2] = {
			OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, out, c->tag_len),
			OSSL_PARAM_construct_end(),
		};
		if (EVP_CipherFinal_ex(c->ctx, scratch, &outl) != 1 || outl != 0 ||
		    EVP_CIPHER_CTX_get_params(c->ctx, p) != 1)
			return PF_CRYPTO_ERR;
		*out_len = c->tag_len;
		return PF_CRYPTO_OK;
	}
	if (c->held_len < c->tag_len)
		return PF_CRYPTO_BAD_LENGTH; /* the input was shorter than its tag */
	OSSL_PARAM p[2] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, c->held, c->tag_len),
		OSSL_PARAM_construct_end(),
	};
	if (EVP_CIPHER_CTX_set_params(c->ctx, p) != 1)
		return PF_CRYPTO_ERR;
	if (EVP_CipherFinal_ex(c->ctx, scratch, &outl) != 1)
		return PF_CRYPTO_AUTH_FAILED;
	*out_len = 0;
	return PF_CRYPTO_OK;
}

int pf_cipher_final(pf_cipher *c, uint8_t *out, size_t *out_len)
{
	uint8_t block[PF_AES_BLOCK];
	int outl = 0;
	int rc = PF_CRYPTO_OK;

	if (c == NULL || !c->ready || out_len == NULL)
		return PF_CRYPTO_ERR;
	*out_len = 0;
	c->ready = 0;
	if (c->mode == PF_AES_GCM) {
		if (out == NULL && c->encrypt)
			return PF_CRYPTO_ERR;
		rc = gcm_final(c, out, out_len);
		pf_wipe(c->held, sizeof(c->held));
		c->held_len = 0;
		return rc;
	}
	/* Block modes: refuse partial blocks ourselves, so a length error is
	 * never mistaken for a padding error. */
	if (c->total_in % PF_AES_BLOCK != 0 && !(c->mode == PF_AES_CBC_PAD && c->encrypt))
		return PF_CRYPTO_BAD_LENGTH;
	if (c->mode == PF_AES_CBC_PAD && !c->encrypt && c->total_in == 0)
		return PF_CRYPTO_BAD_LENGTH;
	if (EVP_CipherFinal_ex(c->ctx, block, &outl) != 1 || outl < 0)
		rc = (c->mode == PF_AES_CBC_PAD && !c->encrypt) ? PF_CRYPTO_AUTH_FAILED : PF_CRYPTO_ERR;
	if (rc == PF_CRYPTO_OK && outl > 0) {
		if (out == NULL)
			rc = PF_CRYPTO_ERR;
		else
			memcpy(out, block, (size_t)outl);
		*out_len = rc == PF_CRYPTO_OK ? (size_t)outl : 0;
	}
	pf_wipe(block, sizeof(block));
	c->total_out += *out_len;
	return rc;
}

void pf_cipher_forget_key(pf_cipher *c)
{
	static const uint8_t zero[32];
	static const uint8_t zero_iv[PF_AES_BLOCK];

	if (c == NULL)
		return;
	pf_wipe(c->held, sizeof(c->held));
	c->held_len = 0;
	c->ready = 0;
	c->keyed = 0; /* the zero key below is nobody's */
	if (c->current != NULL) {
		int key_len = EVP_CIPHER_get_key_length(c->current);
		int iv_len = EVP_CIPHER_get_iv_length(c->current);
		/* Loading an all-zero key overwrites the schedule (and GCM's H) in place. */
		if (key_len <= 0 || key_len > (int)sizeof(zero) ||
		    EVP_CipherInit_ex2(c->ctx, NULL, zero, iv_len > 0 ? zero_iv : NULL, 1, NULL) != 1) {
			EVP_CIPHER_CTX_reset(c->ctx);
			c->current = NULL;
		}
	}
}
