/*
 * scp80_crypto_evp.h - the SCP80 crypto provider over src/crypto (OpenSSL
 * EVP), for the server side and the tests: its key handles are
 * scp80_evp_key, AES keys held in host memory. The token's provider (keys
 * that never leave it) is src/se/emu/emu_scp80_crypto.c; see docs/sms.md.
 */
#ifndef PORTFOLIO_SCP80_CRYPTO_EVP_H
#define PORTFOLIO_SCP80_CRYPTO_EVP_H

#include "sms/scp80.h"

typedef struct scp80_evp_key {
	size_t len;                 /* 16, 24 or 32 */
	uint8_t bytes[32];
} scp80_evp_key;

/* Fill k from bytes; -1 unless len is an AES key length. */
int scp80_evp_key_set(scp80_evp_key *k, const uint8_t *bytes, size_t len);
void scp80_evp_key_wipe(scp80_evp_key *k);

/* A provider with its own contexts (one per thread): 0, or -1 on allocation failure. */
int scp80_evp_open(scp80_crypto *out);
void scp80_evp_close(scp80_crypto *c);

#endif
