/*
 * scp03.h - GlobalPlatform Secure Channel Protocol '03' (Card Specification
 * v2.3, Amendment D), AES-128 static keys, "S8" mode (8-byte challenges,
 * cryptograms and MACs), i = 0x70.
 *
 * Both ends live here because the project needs both: the host side drives a
 * real secure element from the pcsc backend, the card side runs inside the
 * virtual card (src/vcard) that the tests and demos talk to through pcscd.
 * Sharing the code is safe because each side is checked against the
 * GlobalPlatform vectors independently of the other (tests/pcsc/test_scp03.c).
 *
 * A session goes: INITIALIZE UPDATE (challenges, session keys, cryptograms) ->
 * EXTERNAL AUTHENTICATE (host cryptogram + first C-MAC, fixes the security
 * level) -> wrapped commands / responses. Every failure of a MAC, a cryptogram
 * or the padding closes the session on the side that detects it: secure
 * messaging never continues after tampering.
 *
 * Only short APDUs (Lc, Le <= 255/256) are handled; the Portfolio applet
 * never needs more.
 */
#ifndef PORTFOLIO_SCP03_H
#define PORTFOLIO_SCP03_H

#include <stddef.h>
#include <stdint.h>

#define SCP03_KEY_LEN        16u
#define SCP03_BLOCK_LEN      16u
#define SCP03_CHALLENGE_LEN  8u
#define SCP03_CRYPTOGRAM_LEN 8u
#define SCP03_MAC_LEN        8u
#define SCP03_DIV_DATA_LEN   10u
#define SCP03_SEQ_LEN        3u

/* Security levels (P1 of EXTERNAL AUTHENTICATE). */
#define SCP03_SL_C_MAC 0x01u
#define SCP03_SL_C_DEC 0x02u
#define SCP03_SL_R_MAC 0x10u
#define SCP03_SL_R_ENC 0x20u
/* What the Portfolio applet demands: everything in both directions. */
#define SCP03_SL_FULL  (SCP03_SL_C_MAC | SCP03_SL_C_DEC | SCP03_SL_R_MAC | SCP03_SL_R_ENC)

/* The i parameter we speak: S8 mode, pseudo-random card challenge, R-MAC and R-ENC supported. */
#define SCP03_I_PARAM 0x70u

/* Largest plaintext command data that still fits a short APDU under C-DECRYPTION
 * and C-MAC: pad to 240, + 8 bytes of MAC = 248 <= 255. Same bound for responses
 * under R-ENC + R-MAC. */
#define SCP03_MAX_PLAIN_DATA 239u
/* Room for any short C-APDU or R-APDU. */
#define SCP03_MAX_APDU 261u
#define SCP03_MAX_RAPDU 258u

/* Length of the INITIALIZE UPDATE response data (S8 mode with sequence counter). */
#define SCP03_INIT_UPDATE_RESP_LEN 32u

typedef enum scp03_status {
	SCP03_OK = 0,
	SCP03_ERR_ARGS,      /* NULL pointer, buffer too small, bad key text */
	SCP03_ERR_CRYPTO,    /* OpenSSL failed */
	SCP03_ERR_FORMAT,    /* malformed APDU or response */
	SCP03_ERR_LENGTH,    /* the data does not fit a wrapped short APDU */
	SCP03_ERR_STATE,     /* call out of order (no session, already open, ...) */
	SCP03_ERR_KVN,       /* key version not known / not the one asked for */
	SCP03_ERR_AUTH,      /* cryptogram, MAC or padding wrong: the session is closed */
	SCP03_ERR_CLOSED,    /* the card reported a secure-messaging error and closed */
	SCP03_ERR_LEVEL,     /* security level not allowed */
} scp03_status;

/* The static keyset of one key version. */
typedef struct scp03_keys {
	uint8_t kvn;
	uint8_t enc[SCP03_KEY_LEN];
	uint8_t mac[SCP03_KEY_LEN];
	uint8_t dek[SCP03_KEY_LEN];
} scp03_keys;

typedef enum scp03_state {
	SCP03_CLOSED = 0,
	SCP03_INITIALIZED, /* INITIALIZE UPDATE done, waiting for EXTERNAL AUTHENTICATE */
	SCP03_AUTH_SENT,   /* host only: EXTERNAL AUTHENTICATE built, waiting for 9000 */
	SCP03_OPEN,
} scp03_state;

typedef struct scp03_session {
	scp03_state state;
	uint8_t level;                          /* SCP03_SL_* once open */
	uint8_t s_enc[SCP03_KEY_LEN];
	uint8_t s_mac[SCP03_KEY_LEN];
	uint8_t s_rmac[SCP03_KEY_LEN];
	uint8_t dek[SCP03_KEY_LEN];             /* static DEK, kept for PUT KEY */
	uint8_t host_challenge[SCP03_CHALLENGE_LEN];
	uint8_t card_challenge[SCP03_CHALLENGE_LEN];
	uint8_t card_cryptogram[SCP03_CRYPTOGRAM_LEN];
	uint8_t host_cryptogram[SCP03_CRYPTOGRAM_LEN];
	uint8_t mac_chain[SCP03_BLOCK_LEN];     /* full CMAC of the last command */
	uint8_t counter[SCP03_BLOCK_LEN];       /* encryption counter, big endian */
} scp03_session;

/* ---- shared ------------------------------------------------------------- */

/* SP 800-108 counter-mode KDF with AES-CMAC, GP data layout:
 * 00*11 || constant || 00 || L(2, bits) || i(1) || context. out_bits: 64 or 128 (or 256). */
scp03_status scp03_kdf(const uint8_t key[SCP03_KEY_LEN], uint8_t constant, const uint8_t *context,
                       size_t context_len, unsigned out_bits, uint8_t *out);

/* Parses "kvn:enc:mac:dek" (hex, 1 + 3 x 16 bytes). Wipes partial results on failure. */
scp03_status scp03_keys_parse(const char *text, scp03_keys *out);

/* Wipes everything and returns to SCP03_CLOSED. */
void scp03_session_close(scp03_session *s);

/* Derives S-ENC / S-MAC / S-RMAC and both cryptograms from the challenges.
 * Leaves the session in SCP03_INITIALIZED. Used by both sides (and the tests). */
scp03_status scp03_session_derive(scp03_session *s, const scp03_keys *keys,
                                  const uint8_t host_challenge[SCP03_CHALLENGE_LEN],
                                  const uint8_t card_challenge[SCP03_CHALLENGE_LEN]);

/* ISO/IEC 9797-1 method 2 padding: returns the padded length (multiple of 16). */
size_t scp03_pad(uint8_t *buf, size_t len);
/* Strips method-2 padding; 0 on malformed padding. */
int scp03_unpad(const uint8_t *buf, size_t len, size_t *out_len);
/* AES-128-CBC without padding, zero IV: the DEK wrapping of key values (PUT KEY).
 * len is a multiple of 16. */
scp03_status scp03_dek_encrypt(const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                               uint8_t *out);
scp03_status scp03_dek_decrypt(const uint8_t dek[SCP03_KEY_LEN], const uint8_t *in, size_t len,
                               uint8_t *out);

/* ---- host (off-card entity) --------------------------------------------- */

/* 80 50 kvn 00 08 host_challenge 00 -> 14 bytes. */
scp03_status scp03_host_initialize_update(scp03_session *s, uint8_t kvn,
                                          const uint8_t host_challenge[SCP03_CHALLENGE_LEN],
                                          uint8_t *apdu, size_t cap, size_t *apdu_len);
/* Checks the INITIALIZE UPDATE response data (without SW), derives the session keys
 * and checks the card cryptogram. SCP03_ERR_AUTH on a wrong cryptogram. */
scp03_status scp03_host_check_card(scp03_session *s, const scp03_keys *keys,
                                   const uint8_t *resp, size_t resp_len);
/* 84 82 level 00 10 host_cryptogram C-MAC -> 21 bytes. */
scp03_status scp03_host_external_authenticate(scp03_session *s, uint8_t level,
                                              uint8_t *apdu, size_t cap, size_t *apdu_len);
/* The card answered EXTERNAL AUTHENTICATE with sw: 9000 opens the session. */
scp03_status scp03_host_authenticated(scp03_session *s, uint16_t sw);

/* Builds the plain short C-APDU 80 INS P1 P2 [Lc data] [Le 00] in out, which
 * holds 4 + 1 + dn + 1 bytes (dn <= 255; dn 0: no Lc); returns its length. */
size_t scp03_plain_apdu(uint8_t *out, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le);

/* Wraps a plain short C-APDU (CLA INS P1 P2 [Lc data] [Le]) for the open session. */
scp03_status scp03_host_wrap(scp03_session *s, const uint8_t *apdu, size_t apdu_len,
                             uint8_t *out, size_t cap, size_t *out_len);
/* Checks and unwraps the R-APDU (data || R-MAC || SW) of the last wrapped command.
 * On success *data_len plain bytes are in data and *sw holds the status word.
 * A bare SM-error status word (6982 / 6988) closes the session: SCP03_ERR_CLOSED.
 * Anything that fails the R-MAC or the padding closes it: SCP03_ERR_AUTH. */
scp03_status scp03_host_unwrap(scp03_session *s, const uint8_t *rapdu, size_t rapdu_len,
                               uint8_t *data, size_t cap, size_t *data_len, uint16_t *sw);

/* ---- card ---------------------------------------------------------------- */

/* Handles INITIALIZE UPDATE: cmd is the whole C-APDU. The card challenge is the
 * pseudo-random one (KDF(ENC, 02, seq || aid)); *seq is incremented first. On
 * success resp holds the 32 response bytes (without SW). */
scp03_status scp03_card_initialize_update(scp03_session *s, const scp03_keys *keys,
                                          uint32_t *seq, const uint8_t *aid, size_t aid_len,
                                          const uint8_t *cmd, size_t cmd_len,
                                          uint8_t *resp, size_t cap, size_t *resp_len);
/* Handles EXTERNAL AUTHENTICATE. min_level: what the applet demands. */
scp03_status scp03_card_external_authenticate(scp03_session *s, uint8_t min_level,
                                              const uint8_t *cmd, size_t cmd_len);
/* Checks and unwraps a wrapped C-APDU into a plain one (CLA without the SM bit). */
scp03_status scp03_card_unwrap(scp03_session *s, const uint8_t *cmd, size_t cmd_len,
                               uint8_t *out, size_t cap, size_t *out_len);
/* Wraps the plain response (data, sw) of the last unwrapped command. */
scp03_status scp03_card_wrap(scp03_session *s, const uint8_t *data, size_t data_len, uint16_t sw,
                             uint8_t *out, size_t cap, size_t *out_len);

const char *scp03_status_name(scp03_status st);

#endif
