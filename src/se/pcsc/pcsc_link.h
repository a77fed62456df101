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
#include "se/pcsc/scp03.h"

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

/* Maps an applet status word to a CK_RV (docs/apdu.md); decrypting / verifying
 * change the meaning of 6A80 / 6700. */
CK_RV pcsc_sw_to_rv(uint16_t sw, int decrypting, int verifying);
/* Maps a pcsc-lite error to a CK_RV. */
CK_RV pcsc_error_to_rv(LONG err);

#endif
