/*
 * ccm.h - AES-CCM (NIST SP 800-38C) as one call over the whole message,
 * through OpenSSL's EVP_CIPH_CCM_MODE ciphers. CCM needs the message length
 * before the first byte and takes the data in one pass, so the caller buffers
 * and calls once at the end.
 */
#ifndef PORTFOLIO_CRYPTO_CCM_H
#define PORTFOLIO_CRYPTO_CCM_H

#include <stddef.h>
#include <stdint.h>

#define PF_CCM_NONCE_MIN 7
#define PF_CCM_NONCE_MAX 13
#define PF_CCM_TAG_MIN 4
#define PF_CCM_TAG_MAX 16

/*
 * encrypt = 1: in is the plaintext (in_len bytes); out receives
 *   ciphertext || tag (in_len + tag_len bytes).
 * encrypt = 0: in is ciphertext || tag (in_len >= tag_len); out receives the
 *   plaintext (in_len - tag_len bytes) only when the tag checks: otherwise
 *   PF_CRYPTO_AUTH_FAILED and out is wiped.
 * key 16, 24 or 32 bytes; nonce 7..13 bytes; tag_len 4..16, even; aad may be
 * NULL when aad_len is 0. PF_CRYPTO_BAD_LENGTH for parameters CCM cannot
 * take (a message too long for the nonce's length field included).
 * *out_len is the bytes written.
 */
int pf_aes_ccm(int encrypt, const uint8_t *key, size_t key_len, const uint8_t *nonce,
               size_t nonce_len, const uint8_t *aad, size_t aad_len, const uint8_t *in,
               size_t in_len, size_t tag_len, uint8_t *out, size_t *out_len);

#endif
