/*
 * scp03_internal.h - the primitives the SCP03 host and card halves share.
 * Private to src/scp03 (and its own tests and fuzz harnesses): the pcsc
 * backend and the virtual card use scp03.h only.
 */
#ifndef PORTFOLIO_SCP03_INTERNAL_H
#define PORTFOLIO_SCP03_INTERNAL_H

#include "scp03/scp03.h"

/* AES-128-CMAC (full 16 bytes) of the concatenation a || b (either may be empty). */
scp03_status scp03_cmac2(const uint8_t key[SCP03_KEY_LEN], const uint8_t *a, size_t a_len,
                         const uint8_t *b, size_t b_len, uint8_t out[SCP03_BLOCK_LEN]);
/* AES-128-CBC, no padding; len a multiple of 16; in == out allowed. */
scp03_status scp03_cbc(int encrypt, const uint8_t key[SCP03_KEY_LEN], const uint8_t iv[SCP03_BLOCK_LEN],
                       const uint8_t *in, size_t len, uint8_t *out);
/* The ICV of command (response = 0) or response (response = 1) encryption:
 * AES(S-ENC, counter), with the first byte of the block set to 0x80 for responses. */
scp03_status scp03_icv(const scp03_session *s, int response, uint8_t icv[SCP03_BLOCK_LEN]);
/* Adds one to the 16-byte big-endian encryption counter. */
void scp03_counter_increment(scp03_session *s);

/* A short C-APDU split into its parts (data points into the parsed buffer). */
typedef struct scp03_apdu {
	uint8_t header[4];   /* CLA INS P1 P2 */
	const uint8_t *data; /* Lc bytes, NULL when lc == 0 */
	size_t lc;
	int has_le;
	uint8_t le;
} scp03_apdu;

/* Whether GP allows this security level (01, 03, 11, 13, 33). */
int scp03_level_valid(uint8_t level);

/* Cases 1-4 of ISO 7816-3 short APDUs; 0 if the bytes are none of them. */
int scp03_apdu_parse(const uint8_t *buf, size_t len, scp03_apdu *out);

#endif
