/*
 * pcsc_link.h - one Portfolio applet reached through pcsc-lite, with its
 * SCP03 channel: connect / reconnect, SELECT, open the channel, and one
 * protected exchange. Removal and reader loss become PKCS#11 return codes here.
 */
#ifndef PORTFOLIO_SE_PCSC_LINK_H
#define PORTFOLIO_SE_PCSC_LINK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <PCSC/winscard.h>

#include "pkcs11/portfolio.h"
#include "scp03/scp03.h"

/* The first applet version (SELECT response byte 0) that enforces item policies. */
#define PCSC_APPLET_MIN_VERSION 0x02u

typedef struct pcsc_link {
	pthread_mutex_t lock;     /* one exchange at a time: the channel counters are shared */
	SCARDCONTEXT ctx;
	int have_ctx;
	SCARDHANDLE card;
	int connected;
	DWORD protocol;
	char reader_pattern[128];
	uint8_t aid[16];
	size_t aid_len;
	scp03_keys keys;
	scp03_session sm;
	/* What the card lost, for se_backend.present: written under lock, read
	 * without it (atomic loads), so the core can check them on every call. */
	uint64_t removals;        /* a connected card went away (pulled, reader or pcscd lost) */
	uint64_t resets;          /* an open channel (and the login with it) was lost, card in place */
	int present_seen;         /* what the last exchange or poll saw */
} pcsc_link;

/* Parses the configuration; does not touch the card yet. */
CK_RV pcsc_link_init(pcsc_link *l, const char *reader, const char *aid_hex, const char *scp03_keys);
void pcsc_link_free(pcsc_link *l);

/* Sends a plain command (CLA 80) through the channel, opening connection and
 * channel first when needed. data / *data_len receive the plain response data
 * (cap bytes of room); *sw the status word. Returns CKR_OK when a status word was
 * obtained (whatever it is), else CKR_DEVICE_REMOVED / CKR_TOKEN_NOT_PRESENT /
 * CKR_DEVICE_ERROR. Takes l->lock. */
CK_RV pcsc_link_command(pcsc_link *l, const uint8_t *apdu, size_t apdu_len, uint8_t *data, size_t cap,
                        size_t *data_len, uint16_t *sw);

/* Builds the plain command 80 INS P1 P2 [Lc data] [Le 00] and sends it as
 * pcsc_link_command does; out NULL discards the response data. Secrets in the
 * command are wiped from the stack afterwards. CKR_DATA_LEN_RANGE when dn is
 * over SCP03_MAX_PLAIN_DATA. */
CK_RV pcsc_link_run(pcsc_link *l, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le,
                    uint8_t *out, size_t cap, size_t *out_len, uint16_t *sw);

/* Is the card there? poll = 1 asks pcscd (SCardStatus, or a connection attempt
 * when not connected); poll = 0 reports what was last seen, with no I/O and no
 * lock. The counts are those of the struct above. */
int pcsc_link_present(pcsc_link *l, int poll, uint64_t *removals, uint64_t *resets);

/* Maps an applet status word to a CK_RV (docs/apdu.md); decrypting / verifying
 * change the meaning of 6A80 / 6700. */
CK_RV pcsc_sw_to_rv(uint16_t sw, int decrypting, int verifying);
/* Maps a pcsc-lite error to a CK_RV. */
CK_RV pcsc_error_to_rv(LONG err);

#endif
