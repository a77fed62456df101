/*
 * crypto.h - the module's cryptographic primitives: thin wrappers over
 * OpenSSL 3 EVP. This directory is the only code that asks libcrypto to
 * compute; everything above it (the emulator, the mechanism layer, tests)
 * talks in these terms.
 *
 * Speed rules, because the signing path of a busy device runs through here:
 *   - algorithms are fetched once (pf_crypto_init, idempotent, thread-safe),
 *     never per operation;
 *   - contexts are allocated once and re-initialised in place: re-keying a
 *     CMAC context, restarting it with the same key, or re-initialising a
 *     cipher context with the same algorithm costs no allocation.
 *
 * Return convention: PF_CRYPTO_OK (0) or a negative pf_crypto_rc.
 */
#ifndef PORTFOLIO_CRYPTO_H
#define PORTFOLIO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

typedef enum pf_crypto_rc {
	PF_CRYPTO_OK = 0,
	PF_CRYPTO_ERR = -1,          /* library failure or misuse (bad mode, missing key...) */
	PF_CRYPTO_BAD_LENGTH = -2,   /* ECB/CBC data not a whole number of blocks; GCM input
	                                shorter than its tag */
	PF_CRYPTO_AUTH_FAILED = -3,  /* GCM tag mismatch, CBC padding malformed */
	PF_CRYPTO_BAD_PARAM = -4,    /* KDF parameters the standard forbids (kdf.h): the
	                                mechanism layer answers CKR_MECHANISM_PARAM_INVALID */
} pf_crypto_rc;

/* Fetch every algorithm once. Called implicitly by every *_new function; may be
 * called at module load to fail early. Returns PF_CRYPTO_OK or PF_CRYPTO_ERR. */
int pf_crypto_init(void);
/* Releases what pf_crypto_init fetched (C_Finalize calls it, so nothing of
 * OpenSSL's outlives an unload of the module). Contexts made before keep
 * their own references; the next *_new or pf_crypto_init fetches again.
 * Not to be called while another thread uses this layer. */
void pf_crypto_cleanup(void);

/* ---- Digests ------------------------------------------------------------ */

typedef enum pf_md_alg {
	PF_MD_SHA1 = 0,
	PF_MD_SHA224,
	PF_MD_SHA256,
	PF_MD_SHA384,
	PF_MD_SHA512,
	PF_MD_COUNT
} pf_md_alg;

#define PF_MD_MAX_SIZE 64
#define PF_SHA256_SIZE 32

size_t pf_md_size(pf_md_alg alg); /* 0 for an unknown alg */

typedef struct pf_digest pf_digest;
pf_digest *pf_digest_new(void);
void pf_digest_free(pf_digest *d);
int pf_digest_init(pf_digest *d, pf_md_alg alg);
int pf_digest_update(pf_digest *d, const void *data, size_t len);
/* Writes pf_md_size(alg) bytes. */
int pf_digest_final(pf_digest *d, uint8_t *out);
size_t pf_digest_size(const pf_digest *d);
/* One call; allocates a context (not for hot paths). */
int pf_digest_oneshot(pf_md_alg alg, const void *data, size_t len, uint8_t *out);

/* ---- MACs --------------------------------------------------------------- */

typedef enum pf_mac_alg {
	PF_MAC_CMAC_AES = 0,   /* key 16, 24 or 32 bytes; 16-byte tag */
	PF_MAC_HMAC_SHA1,
	PF_MAC_HMAC_SHA224,
	PF_MAC_HMAC_SHA256,
	PF_MAC_HMAC_SHA384,
	PF_MAC_HMAC_SHA512,
	PF_MAC_COUNT
} pf_mac_alg;

#define PF_MAC_MAX_SIZE 64

/* Full tag length of alg (16 for CMAC, the digest size for HMAC), 0 if unknown. */
size_t pf_mac_alg_size(pf_mac_alg alg);

/*
 * A MAC context bound to one algorithm (and, for CMAC, one AES key length,
 * because the underlying cipher is chosen by name when the context is made).
 * Life cycle: new once, then any number of set_key / restart + update + final.
 */
typedef struct pf_mac pf_mac;
pf_mac *pf_mac_new(pf_mac_alg alg, size_t key_len);
void pf_mac_free(pf_mac *m);
/* 1 if m was made for (alg, key_len) and can be re-keyed without reallocation. */
int pf_mac_fits(const pf_mac *m, pf_mac_alg alg, size_t key_len);
int pf_mac_set_key(pf_mac *m, const uint8_t *key, size_t key_len); /* key and start */
int pf_mac_restart(pf_mac *m);                                     /* same key, new message */
int pf_mac_update(pf_mac *m, const void *data, size_t len);
/* Writes the first out_len bytes of the tag (1 <= out_len <= full size): the
 * truncation rule of the *_GENERAL mechanisms. */
int pf_mac_final(pf_mac *m, uint8_t *out, size_t out_len);
size_t pf_mac_size(const pf_mac *m);
pf_mac_alg pf_mac_get_alg(const pf_mac *m); /* PF_MAC_COUNT for NULL */
/* Drop the key from the context (overwrites the key schedule). No allocation
 * for CMAC. The context must be keyed again before use. */
void pf_mac_forget_key(pf_mac *m);
/* One call; allocates (not for hot paths). */
int pf_mac_oneshot(pf_mac_alg alg, const uint8_t *key, size_t key_len, const void *data,
                   size_t len, uint8_t *out, size_t out_len);

/* ---- Key identity (keysets are never shared) ---------------------------- */

/*
 * RFC 2104 pads a key of at most B bytes (the hash's block) with zeros to B,
 * and hashes a longer key first: K, K || 00.. and, for |L| > B, H(L) are one
 * HMAC key. A key here may serve HMAC-SHA-1/-224/-256 (B = 64) and
 * HMAC-SHA-384/-512 (B = 128), and the same bytes may be imported as an AES
 * key. Up to 64 bytes every hash pads the same way, so the canonical key is
 * the key without its trailing zero bytes, whichever hash or key type uses
 * it. Beyond 64 bytes no single form exists (SHA-256 hashes a 100-byte key,
 * SHA-512 pads it; SHA-1 and SHA-256 hash to different aliases), so such a
 * key has no canonical form: PF_CRYPTO_BAD_LENGTH, and the caller refuses it
 * where exclusivity matters (docs/mechanisms.md, "Keysets are never shared").
 */
#define PF_KEY_CANONICAL_MAX 64
/* *canon_len: length of the canonical prefix of key (never more than len). */
int pf_key_canonical_len(const uint8_t *key, size_t len, size_t *canon_len);
/*
 * fp = HMAC-SHA256(pepper, "portfolio key fingerprint v2" || canonical key):
 * equal for every pair of keys that are the same key to HMAC or AES.
 * PF_CRYPTO_BAD_LENGTH for a key longer than PF_KEY_CANONICAL_MAX.
 */
#define PF_KEY_FINGERPRINT_LEN 32
int pf_key_fingerprint(const uint8_t *pepper, size_t pepper_len, const uint8_t *key, size_t len,
                       uint8_t fp[PF_KEY_FINGERPRINT_LEN]);

/* ---- AES ciphers -------------------------------------------------------- */

typedef enum pf_aes_mode {
	PF_AES_ECB = 0,
	PF_AES_CBC,      /* no padding: whole blocks only */
	PF_AES_CBC_PAD,  /* PKCS#7 padding */
	PF_AES_GCM,
} pf_aes_mode;

#define PF_AES_BLOCK 16
#define PF_GCM_MAX_TAG 16

typedef struct pf_cipher pf_cipher;
pf_cipher *pf_cipher_new(void);
void pf_cipher_free(pf_cipher *c);
/*
 * (Re)initialise for one message. iv: CBC 16 bytes, GCM 1..256 bytes (12
 * recommended), ECB none. aad and tag_len (1..16) only for GCM. Re-using the
 * same mode and key length as the previous message allocates nothing.
 */
int pf_cipher_init(pf_cipher *c, pf_aes_mode mode, int encrypt, const uint8_t *key, size_t key_len,
                   const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len,
                   size_t tag_len);
/*
 * The same for a new message with the key the context already holds: only
 * the IV (and AAD) are loaded, no key schedule, no GHASH table, no key-length
 * query. Allowed only right after messages of the same mode, direction, key
 * length and IV length begun by pf_cipher_init (the key is whatever that init
 * loaded: the caller must know it is the key it wants). PF_CRYPTO_ERR when
 * that does not hold, leaving c fit for a pf_cipher_init.
 */
int pf_cipher_restart(pf_cipher *c, pf_aes_mode mode, int encrypt, const uint8_t *iv, size_t iv_len,
                      const uint8_t *aad, size_t aad_len, size_t tag_len);
/* Writes at most pf_cipher_update_bound(c, in_len) bytes. GCM decryption holds
 * back the last tag_len bytes seen (the tag) until final. */
int pf_cipher_update(pf_cipher *c, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);
/* Encrypt: flushes padding / appends the GCM tag. Decrypt: checks padding / tag
 * (PF_CRYPTO_AUTH_FAILED) and block alignment (PF_CRYPTO_BAD_LENGTH). Writes at
 * most pf_cipher_final_bound(c) bytes. */
int pf_cipher_final(pf_cipher *c, uint8_t *out, size_t *out_len);
size_t pf_cipher_update_bound(const pf_cipher *c, size_t in_len);
size_t pf_cipher_final_bound(const pf_cipher *c);
/* Upper bound of update(in_len) + final together: the single-part length. */
size_t pf_cipher_total_bound(const pf_cipher *c, size_t in_len);
/* Bytes given to update so far in this message. */
uint64_t pf_cipher_total_in(const pf_cipher *c);
/* Wipe buffered bytes and overwrite the key schedule; init needed before reuse. */
void pf_cipher_forget_key(pf_cipher *c);

/*
 * AES-GCM in one call, the tag apart from the ciphertext (out holds len
 * bytes): sealing at rest (crypto_gcm.c). Allocates; not for hot paths.
 * Open: PF_CRYPTO_AUTH_FAILED when the tag does not verify, out wiped.
 */
int pf_aes_gcm_seal(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                    const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                    uint8_t *tag, size_t tag_len);
int pf_aes_gcm_open(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                    const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                    const uint8_t *tag, size_t tag_len, uint8_t *out);

/* ---- AES key wrap (crypto_wrap.c) --------------------------------------- */

/* RFC 3394 (pad = 0: AES-KW, default IV) and RFC 5649 (pad = 1: AES-KWP). The
 * key-encryption key is 16, 24 or 32 bytes. Inputs longer than PF_AES_WRAP_MAX
 * are refused (keys and small bound headers only). */
#define PF_AES_WRAP_MAX 4096
/* The blob length for a key of key_len bytes. */
size_t pf_aes_wrap_len(size_t key_len, int pad);
/* Whether in_len is something this mode may wrap (wrapping = 1) or a blob
 * length it may unwrap (wrapping = 0). */
int pf_aes_wrap_input_ok(size_t in_len, int pad, int wrapping);
/* *out_len in: room (at least pf_aes_wrap_len), out: written. PF_CRYPTO_BAD_LENGTH
 * for a length the mode refuses or too little room. */
int pf_aes_wrap(const uint8_t *kek, size_t kek_len, int pad, const uint8_t *in, size_t in_len,
                uint8_t *out, size_t *out_len);
/* *out_len in: room (at least in_len - 8). PF_CRYPTO_AUTH_FAILED when the
 * integrity check (and, KWP, the length and padding) fails: out is wiped. */
int pf_aes_unwrap(const uint8_t *kek, size_t kek_len, int pad, const uint8_t *in, size_t in_len,
                  uint8_t *out, size_t *out_len);

/* ---- Randomness, comparisons -------------------------------------------- */

int pf_random(uint8_t *out, size_t len);
/* The same from OpenSSL's private DRBG: for bytes that become a secret key
 * (a card generating a key), kept apart from the public stream of IVs. */
int pf_random_private(uint8_t *out, size_t len);
/* Random IV for the Portfolio encryption mechanisms: pf_random unless a test
 * fixed it with crypto_test_set_fixed_iv. */
int pf_random_iv(uint8_t *out, size_t len);
/*
 * TEST ONLY. Makes pf_random_iv return iv (repeated/truncated to the requested
 * length) instead of random bytes, so documentation examples are reproducible.
 * Pass NULL to go back to random IVs. Never called by the module itself; a
 * fixed IV destroys GCM's security.
 */
void crypto_test_set_fixed_iv(const uint8_t *iv, size_t len);

/*
 * A reserve of random IV bytes for one operation context (one session): one
 * RAND_bytes call serves PF_IV_POOL_SIZE / 12 GCM messages. RAND_bytes costs
 * several thousand instructions per call whatever the length (provider and
 * parameter lookups), twice the rest of a Portfolio encryption. The bytes are
 * the same DRBG output a direct call would give, only fetched ahead; IVs are
 * public, so holding them early discloses nothing. Zero-initialised = empty.
 * Never copy a pool (two users would repeat IVs); a forked child cannot reach
 * its parent's pools (its sessions are gone until C_Initialize).
 * With the test hook active, takes come from pf_random_iv, as before.
 */
#define PF_IV_POOL_SIZE 384
typedef struct pf_iv_pool {
	uint8_t buf[PF_IV_POOL_SIZE];
	size_t avail;               /* unused bytes, at the start of buf */
} pf_iv_pool;
int pf_iv_pool_take(pf_iv_pool *p, uint8_t *out, size_t len);   /* len <= PF_IV_POOL_SIZE */
void pf_iv_pool_wipe(pf_iv_pool *p);

/* 1 when equal; the time depends on len only. */
int pf_ct_equal_bytes(const void *a, const void *b, size_t len);

#endif /* PORTFOLIO_CRYPTO_H */
