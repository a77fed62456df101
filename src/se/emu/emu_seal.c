/*
 * emu_seal.c - the emulator's cryptography on its own secrets, all through
 * src/crypto: scrypt KEKs from PINs, AES-256-GCM wrapping of the token key,
 * AES-256-GCM sealing of items, HMAC-SHA256 fingerprints.
 *
 * Every ciphertext is bound by its AAD to where it belongs (instance, role or
 * ref, kind, flags) and, for items, to their policy (service, key index,
 * usage, identity, identity flags), so a row moved to another instance, ref
 * or kind, or with its flags or policy edited (say, to make a key READABLE or
 * to strip its service), no longer verifies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/kdf.h"
#include "se/emu/emu_token.h"
#include "se/se_fingerprint.h"
#include "util/bytes.h"
#include "util/log.h"
#include "util/secure.h"

/* Format 1 (no policy) is no longer read: its rows carry nothing that says
 * what the key may do (docs/storage.md, "Migration from format 1"). */
#define SEAL_FORMAT_V2 2
/* policy: service(8) key_index(8) usage(4) identity_id(8) identity_flags(4), big endian */
#define SEAL_POLICY_LEN (8 + 8 + 4 + 8 + 4)
/* row: version(1) kind(1) flags(4) policy(32) nonce(12) len(4) ciphertext(len) tag(16) */
#define SEAL_NONCE_AT (1 + 1 + 4 + SEAL_POLICY_LEN)
#define SEAL_HEADER_LEN (SEAL_NONCE_AT + EMU_NONCE_LEN + 4)

/* SE_SERVICE_NONE is stored as all ones, whatever the width of CK_ULONG. */
static void put_policy(uint8_t p[SEAL_POLICY_LEN], const se_item_policy *pol)
{
	pf_put_be64(p, pol->service == SE_SERVICE_NONE ? UINT64_MAX : (uint64_t)pol->service);
	pf_put_be64(p + 8, (uint64_t)pol->key_index);
	pf_put_be32(p + 16, pol->usage);
	pf_put_be64(p + 20, (uint64_t)pol->identity_id);
	pf_put_be32(p + 28, pol->identity_flags);
}

/* 0 when a field does not fit CK_ULONG (a row made on a wider platform). */
static int get_policy(const uint8_t p[SEAL_POLICY_LEN], se_item_policy *pol)
{
	uint64_t service = pf_get_be64(p), index = pf_get_be64(p + 8), id = pf_get_be64(p + 20);
	pol->service = service == UINT64_MAX ? SE_SERVICE_NONE : (CK_ULONG)service;
	pol->key_index = (CK_ULONG)index;
	pol->usage = pf_get_be32(p + 16);
	pol->identity_id = (CK_ULONG)id;
	pol->identity_flags = pf_get_be32(p + 28);
	return (service == UINT64_MAX || service == pol->service) && index == pol->key_index &&
	       id == pol->identity_id;
}

/* ---- KDF ---------------------------------------------------------------- */

/* log2 of the test override, or the production cost. The override exists
 * only in builds configured with --enable-test-hooks: a release module has
 * no code (and no string) that reads it. */
static uint8_t scrypt_log2_n(void)
{
#ifndef PORTFOLIO_TEST_HOOKS
	return EMU_SCRYPT_LOG2_N;
#else
	const char *env = getenv(EMU_TEST_SCRYPT_N_ENV);
	if (env == NULL || *env == '\0')
		return EMU_SCRYPT_LOG2_N;
	char *end = NULL;
	unsigned long n = strtoul(env, &end, 10);
	if (*end != '\0' || n < 2 || (n & (n - 1)) != 0 || n > (1UL << EMU_SCRYPT_MAX_LOG2_N)) {
		PF_WARN("%s ignored (not a power of two in range)", EMU_TEST_SCRYPT_N_ENV);
		return EMU_SCRYPT_LOG2_N;
	}
	static int warned;
	if (!warned) {
		warned = 1;
		PF_WARN("%s is set: PIN key derivation cost lowered for testing", EMU_TEST_SCRYPT_N_ENV);
	}
	uint8_t l = 0;
	while ((1UL << l) < n)
		l++;
	return l;
#endif
}

CK_RV emu_kek_derive(const uint8_t *pin, size_t pin_len, const uint8_t *salt, size_t salt_len,
                     unsigned log2_n, uint32_t r, uint32_t p, uint8_t kek[32])
{
	if (log2_n < 1 || log2_n > EMU_SCRYPT_MAX_LOG2_N || r != EMU_SCRYPT_R || p != EMU_SCRYPT_P)
		return CKR_DEVICE_ERROR;
	if (pf_scrypt(pin, pin_len, salt, salt_len, (uint64_t)1 << log2_n, r, p, kek, 32) != PF_CRYPTO_OK) {
		PF_ERROR("emulator: PIN key derivation failed");
		return CKR_HOST_MEMORY; /* scrypt fails on memory, the parameters are checked above */
	}
	return CKR_OK;
}

/* ---- AES-256-GCM ---------------------------------------------------------- */

CK_RV emu_gcm_seal(const uint8_t key[32], const uint8_t nonce[EMU_NONCE_LEN], const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                      uint8_t tag[EMU_TAG_LEN])
{
	return pf_aes_gcm_seal(key, 32, nonce, EMU_NONCE_LEN, aad, aad_len, in, len, out, tag,
	                       EMU_TAG_LEN) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
}

CK_RV emu_gcm_open(const uint8_t key[32], const uint8_t nonce[EMU_NONCE_LEN], const uint8_t *aad,
                      size_t aad_len, const uint8_t *in, size_t len, const uint8_t tag[EMU_TAG_LEN],
                      uint8_t *out)
{
	int rc = pf_aes_gcm_open(key, 32, nonce, EMU_NONCE_LEN, aad, aad_len, in, len, tag, EMU_TAG_LEN, out);
	if (rc == PF_CRYPTO_OK)
		return CKR_OK;
	pf_wipe(out, len); /* pf_aes_gcm_open wipes too; an argument error returns before it writes */
	return rc == PF_CRYPTO_AUTH_FAILED ? CKR_ENCRYPTED_DATA_INVALID : CKR_FUNCTION_FAILED;
}

/* ---- token key wrapping --------------------------------------------------- */

/* AAD = "PFTK" || 01 || iid (8, big endian) || role (1). */
#define WRAP_AAD_LEN (4 + 1 + 8 + 1)
static void wrap_aad(uint8_t aad[WRAP_AAD_LEN], CK_ULONG iid, int role)
{
	memcpy(aad, "PFTK", 4);
	aad[4] = 1;
	pf_put_be64(aad + 5, (uint64_t)iid);
	aad[13] = (uint8_t)role;
}

CK_RV emu_wrap_key(CK_ULONG iid, int role, const uint8_t *pin, size_t pin_len,
                   const uint8_t key[EMU_TOKEN_KEY_LEN], emu_wrap *w)
{
	memset(w, 0, sizeof(*w));
	w->log2_n = scrypt_log2_n();
	w->r = EMU_SCRYPT_R;
	w->p = EMU_SCRYPT_P;
	if (pf_random(w->salt, EMU_SALT_LEN) != PF_CRYPTO_OK || pf_random(w->nonce, EMU_NONCE_LEN) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	uint8_t kek[32], aad[WRAP_AAD_LEN];
	CK_RV rv = emu_kek_derive(pin, pin_len, w->salt, EMU_SALT_LEN, w->log2_n, w->r, w->p, kek);
	if (rv != CKR_OK)
		return rv;
	wrap_aad(aad, iid, role);
	rv = emu_gcm_seal(kek, w->nonce, aad, sizeof(aad), key, EMU_TOKEN_KEY_LEN, w->ct, w->tag);
	pf_wipe(kek, sizeof(kek));
	return rv;
}

CK_RV emu_unwrap_key(CK_ULONG iid, int role, const uint8_t *pin, size_t pin_len, const emu_wrap *w,
                     uint8_t key[EMU_TOKEN_KEY_LEN])
{
	uint8_t kek[32], aad[WRAP_AAD_LEN];
	CK_RV rv = emu_kek_derive(pin, pin_len, w->salt, EMU_SALT_LEN, w->log2_n, w->r, w->p, kek);
	if (rv != CKR_OK)
		return rv;
	wrap_aad(aad, iid, role);
	rv = emu_gcm_open(kek, w->nonce, aad, sizeof(aad), w->ct, EMU_TOKEN_KEY_LEN, w->tag, key);
	pf_wipe(kek, sizeof(kek));
	return rv == CKR_ENCRYPTED_DATA_INVALID ? CKR_PIN_INCORRECT : rv;
}

/* ---- item sealing ----------------------------------------------------------- */

/* AAD = "PFSI" || 02 || iid (8) || ref (8) || kind (1) || flags (4) || policy (32),
 * big endian: the row's whole header but the nonce and length, and where it lives. */
#define SEAL_AAD_LEN (4 + 1 + 8 + 8 + 1 + 4 + SEAL_POLICY_LEN)
static void seal_aad(uint8_t aad[SEAL_AAD_LEN], CK_ULONG iid, se_ref ref, uint8_t kind, uint32_t flags,
                     const uint8_t policy[SEAL_POLICY_LEN])
{
	memcpy(aad, "PFSI", 4);
	aad[4] = SEAL_FORMAT_V2;
	pf_put_be64(aad + 5, (uint64_t)iid);
	pf_put_be64(aad + 13, ref);
	aad[21] = kind;
	pf_put_be32(aad + 22, flags);
	memcpy(aad + 26, policy, SEAL_POLICY_LEN);
}

CK_RV emu_item_seal(const uint8_t key[EMU_TOKEN_KEY_LEN], CK_ULONG iid, const emu_item *it,
                    uint8_t **row, size_t *row_len)
{
	if (it->len > UINT32_MAX - SEAL_HEADER_LEN - EMU_TAG_LEN || it->len > INT32_MAX)
		return CKR_ARGUMENTS_BAD;
	size_t total = SEAL_HEADER_LEN + it->len + EMU_TAG_LEN;
	uint8_t *r = malloc(total);
	if (r == NULL)
		return CKR_HOST_MEMORY;
	r[0] = SEAL_FORMAT_V2;
	r[1] = (uint8_t)it->kind;
	pf_put_be32(r + 2, it->flags);
	put_policy(r + 6, &it->pol);
	if (pf_random(r + SEAL_NONCE_AT, EMU_NONCE_LEN) != PF_CRYPTO_OK) {
		free(r);
		return CKR_FUNCTION_FAILED;
	}
	pf_put_be32(r + SEAL_NONCE_AT + EMU_NONCE_LEN, (uint32_t)it->len);
	uint8_t aad[SEAL_AAD_LEN];
	seal_aad(aad, iid, it->ref, (uint8_t)it->kind, it->flags, r + 6);
	CK_RV rv = emu_gcm_seal(key, r + SEAL_NONCE_AT, aad, sizeof(aad), it->value, it->len,
	                        r + SEAL_HEADER_LEN, r + SEAL_HEADER_LEN + it->len);
	if (rv != CKR_OK) {
		pf_free_secret(r, total);
		return rv;
	}
	*row = r;
	*row_len = total;
	return CKR_OK;
}

CK_RV emu_item_unseal(const uint8_t key[EMU_TOKEN_KEY_LEN], CK_ULONG iid, se_ref ref,
                      const uint8_t *row, size_t row_len, emu_item *out)
{
	memset(out, 0, sizeof(*out));
	if (row == NULL || row_len < SEAL_HEADER_LEN + EMU_TAG_LEN || row[0] != SEAL_FORMAT_V2)
		return CKR_DEVICE_ERROR;
	uint8_t kind = row[1];
	uint32_t flags = pf_get_be32(row + 2);
	se_item_policy pol;
	uint32_t len = pf_get_be32(row + SEAL_NONCE_AT + EMU_NONCE_LEN);
	if ((size_t)len != row_len - SEAL_HEADER_LEN - EMU_TAG_LEN ||
	    !emu_item_kind_valid((se_item_kind)kind) || !emu_item_len_valid((se_item_kind)kind, len) ||
	    (flags & ~(SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE | SE_ITEM_READABLE)) != 0 ||
	    !get_policy(row + 6, &pol) || !emu_policy_fits((se_item_kind)kind, &pol))
		return CKR_DEVICE_ERROR;
	uint8_t *value = malloc(len ? len : 1);
	if (value == NULL)
		return CKR_HOST_MEMORY;
	uint8_t aad[SEAL_AAD_LEN];
	seal_aad(aad, iid, ref, kind, flags, row + 6);
	CK_RV rv = emu_gcm_open(key, row + SEAL_NONCE_AT, aad, sizeof(aad), row + SEAL_HEADER_LEN, len,
	                        row + SEAL_HEADER_LEN + len, value);
	if (rv != CKR_OK) {
		free(value); /* already wiped by gcm_open */
		return rv == CKR_ENCRYPTED_DATA_INVALID ? CKR_DEVICE_ERROR : rv;
	}
	out->ref = ref;
	out->kind = (se_item_kind)kind;
	out->flags = flags;
	out->pol = pol;
	out->value = value;
	out->len = len;
	return CKR_OK;
}

/* ---- fingerprints ------------------------------------------------------------ */

CK_RV emu_fingerprint(const uint8_t pepper[EMU_PEPPER_LEN], se_item_kind kind,
                      const uint8_t *value, size_t len, uint8_t fp[32])
{
	return se_key_fingerprint(pepper, kind, value, len, fp); /* shared with the card backend */
}
