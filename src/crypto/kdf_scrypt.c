/*
 * kdf_scrypt.c - RFC 7914 scrypt through EVP_KDF "SCRYPT": the emulator's
 * key-encryption keys from PINs (docs/storage.md). Fetched per call: a
 * derivation costs tens of milliseconds by design, the fetch nothing beside it.
 */
#include "config.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto/kdf.h"
#include "util/secure.h"

int pf_scrypt(const uint8_t *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
              uint64_t n, uint32_t r, uint32_t p, uint8_t *out, size_t out_len)
{
	if ((pass == NULL && pass_len != 0) || (salt == NULL && salt_len != 0) || out == NULL ||
	    out_len == 0 || out_len > PF_KDF_MAX_OUT || n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0 ||
	    n > UINT64_MAX / 128 / r / p)
		return PF_CRYPTO_BAD_PARAM;
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SCRYPT, NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (ctx == NULL)
		return PF_CRYPTO_ERR;
	/* 128*r*N*p for V plus the block buffers, with room to spare. */
	uint64_t maxmem = 128ull * r * n * p + (1ull << 20);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass, pass_len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len),
		OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
		OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
		OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
		OSSL_PARAM_construct_end(),
	};
	int ok = EVP_KDF_derive(ctx, out, out_len, params);
	EVP_KDF_CTX_free(ctx);
	if (ok != 1) {
		pf_wipe(out, out_len);
		return PF_CRYPTO_ERR;
	}
	return PF_CRYPTO_OK;
}
