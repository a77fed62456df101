/*
 * pcsc_link.c - pcsc-lite transport and the SCP03 channel of the pcsc backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "crypto/crypto.h"
#include "se/pcsc/pcsc_link.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/secure.h"

#define DEFAULT_AID "A0000006165046"

CK_RV pcsc_error_to_rv(LONG err)
{
	switch (err) {
	case SCARD_S_SUCCESS:
		return CKR_OK;
	case SCARD_W_REMOVED_CARD:
	case SCARD_W_RESET_CARD:
	case SCARD_W_UNPOWERED_CARD:
		return CKR_DEVICE_REMOVED;
	case SCARD_E_NO_SMARTCARD:
	case SCARD_E_READER_UNAVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
	case SCARD_E_INVALID_HANDLE:
	case SCARD_E_INVALID_VALUE:
	case SCARD_E_TIMEOUT:
	case SCARD_W_UNRESPONSIVE_CARD:
		return CKR_TOKEN_NOT_PRESENT;
	case SCARD_E_NO_MEMORY:
		return CKR_HOST_MEMORY;
	default:
		return CKR_DEVICE_ERROR;
	}
}

/* Status words of docs/apdu.md whose meaning does not depend on the command. */
static const struct {
	uint16_t sw;
	CK_RV rv;
} sw_table[] = {
	{0x9000, CKR_OK},
	{0x6300, CKR_SIGNATURE_INVALID},
	{0x6982, CKR_USER_NOT_LOGGED_IN},
	{0x6983, CKR_PIN_LOCKED},
	{0x6984, CKR_USER_PIN_NOT_INITIALIZED},
	{0x6985, CKR_KEY_TYPE_INCONSISTENT},
	{0x6986, CKR_ATTRIBUTE_SENSITIVE},
	{0x6A82, CKR_TOKEN_NOT_RECOGNIZED},
	{0x6A84, CKR_DEVICE_MEMORY},
	{0x6A86, CKR_MECHANISM_INVALID},
	{0x6A88, CKR_KEY_HANDLE_INVALID},
	{0x6A89, CKR_ATTRIBUTE_VALUE_INVALID},
	{0x6D00, CKR_FUNCTION_NOT_SUPPORTED},
	{0x6E00, CKR_FUNCTION_NOT_SUPPORTED},
	/* Item policy refusals: the codes the emulator returns for the same rule
	 * (docs/mechanisms.md, "Key policy"). */
	{0x69F1, CKR_KEY_FUNCTION_NOT_PERMITTED}, /* service */
	{0x69F2, CKR_KEY_FUNCTION_NOT_PERMITTED}, /* usage */
	{0x69F3, CKR_KEY_FUNCTION_NOT_PERMITTED}, /* source: device keys take only the token's identity */
	{0x69F4, CKR_MECHANISM_PARAM_INVALID},    /* named item is not the identity's */
	{0x69F5, CKR_ACTION_PROHIBITED},          /* identity value is not the provisioned one */
	{0x69F6, CKR_ATTRIBUTE_READ_ONLY},        /* usage may only shrink */
};

CK_RV pcsc_sw_to_rv(uint16_t sw, int decrypting, int verifying)
{
	size_t i;

	if ((sw & 0xFFF0) == 0x63C0)
		return CKR_PIN_INCORRECT;
	if (sw == 0x6700)
		return verifying ? CKR_SIGNATURE_LEN_RANGE : CKR_DATA_LEN_RANGE;
	if (sw == 0x6A80)
		return decrypting ? CKR_ENCRYPTED_DATA_INVALID : CKR_ARGUMENTS_BAD;
	for (i = 0; i < sizeof(sw_table) / sizeof(sw_table[0]); i++)
		if (sw_table[i].sw == sw)
			return sw_table[i].rv;
	return CKR_DEVICE_ERROR;
}

static int parse_aid(const char *hex, uint8_t *out, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n < 10 || n > 32 || pf_hex_decode(hex, out, n / 2) != 0)
		return 0;
	*len = n / 2;
	return 1;
}

CK_RV pcsc_link_init(pcsc_link *l, const char *reader, const char *aid_hex, const char *keys)
{
	memset(l, 0, sizeof(*l));
	if (reader == NULL || reader[0] == '\0' || strlen(reader) >= sizeof(l->reader_pattern)) {
		PF_ERROR("pcsc: instance needs a reader name");
		return CKR_GENERAL_ERROR;
	}
	strcpy(l->reader_pattern, reader);
	if (!parse_aid(aid_hex != NULL ? aid_hex : DEFAULT_AID, l->aid, &l->aid_len)) {
		PF_ERROR("pcsc: bad applet AID");
		return CKR_GENERAL_ERROR;
	}
	/* No default keys: a module that silently used test keys would look secure and not be. */
	if (keys == NULL || scp03_keys_parse(keys, &l->keys) != SCP03_OK) {
		PF_ERROR("pcsc: missing or malformed scp03 keys (kvn:enc:mac:dek)");
		return CKR_GENERAL_ERROR;
	}
	if (pthread_mutex_init(&l->lock, NULL) != 0) {
		pf_wipe(&l->keys, sizeof(l->keys));
		return CKR_GENERAL_ERROR;
	}
	return CKR_OK;
}

/* pcsc-lite errors that say the card (or the way to it) is gone, not just
 * that one exchange went wrong. */
static int card_gone(LONG rc)
{
	switch (rc) {
	case SCARD_W_REMOVED_CARD:
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_E_NO_SMARTCARD:
	case SCARD_E_READER_UNAVAILABLE:
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_NO_READERS_AVAILABLE:
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
	case SCARD_E_INVALID_HANDLE:
		return 1;
	default:
		return 0;
	}
}

/* The connection is about to be dropped: count what the core must hear of.
 * A card that went away is a removal whatever state it was in; a card that
 * stays only matters when a channel was open, because a login lives in it. */
static void count_loss(pcsc_link *l, int gone)
{
	if (gone) {
		__atomic_add_fetch(&l->removals, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&l->present_seen, 0, __ATOMIC_RELEASE);
	} else if (l->sm.state == SCP03_OPEN) {
		__atomic_add_fetch(&l->resets, 1, __ATOMIC_RELEASE);
	}
}

static void disconnect(pcsc_link *l, DWORD how)
{
	scp03_session_close(&l->sm);
	if (l->connected)
		(void)SCardDisconnect(l->card, how);
	l->connected = 0;
}

void pcsc_link_free(pcsc_link *l)
{
	disconnect(l, SCARD_LEAVE_CARD);
	if (l->have_ctx)
		(void)SCardReleaseContext(l->ctx);
	pf_wipe(&l->keys, sizeof(l->keys));
	pthread_mutex_destroy(&l->lock);
}

/* Finds the first reader whose name contains the pattern and connects to it. */
static CK_RV connect_card(pcsc_link *l)
{
	char readers[4096];
	DWORD len = sizeof(readers);
	const char *r;
	LONG rc;

	if (!l->have_ctx) {
		rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &l->ctx);
		if (rc != SCARD_S_SUCCESS)
			return pcsc_error_to_rv(rc);
		l->have_ctx = 1;
	}
	rc = SCardListReaders(l->ctx, NULL, readers, &len);
	if (rc == SCARD_E_NO_SERVICE || rc == SCARD_E_SERVICE_STOPPED || rc == SCARD_E_INVALID_HANDLE) {
		/* pcscd restarted: the context is stale, start over next time */
		(void)SCardReleaseContext(l->ctx);
		l->have_ctx = 0;
	}
	if (rc != SCARD_S_SUCCESS)
		return pcsc_error_to_rv(rc);
	for (r = readers; *r != '\0' && r < readers + len; r += strlen(r) + 1) {
		if (strstr(r, l->reader_pattern) == NULL)
			continue;
		rc = SCardConnect(l->ctx, r, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
		                  &l->card, &l->protocol);
		if (rc == SCARD_S_SUCCESS) {
			l->connected = 1;
			__atomic_store_n(&l->present_seen, 1, __ATOMIC_RELEASE);
			return CKR_OK;
		}
		if (rc != SCARD_E_NO_SMARTCARD && rc != SCARD_W_REMOVED_CARD)
			return pcsc_error_to_rv(rc);
	}
	__atomic_store_n(&l->present_seen, 0, __ATOMIC_RELEASE);
	return CKR_TOKEN_NOT_PRESENT;
}

/* One raw APDU exchange; a transport failure drops the connection. */
static CK_RV transmit(pcsc_link *l, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	const SCARD_IO_REQUEST *pci = l->protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
	DWORD n = (DWORD)*out_len;
	LONG rc = SCardTransmit(l->card, pci, in, (DWORD)in_len, NULL, out, &n);

	if (rc != SCARD_S_SUCCESS) {
		CK_RV rv = pcsc_error_to_rv(rc);
		int gone = card_gone(rc);

		if (!gone && rv != CKR_DEVICE_REMOVED) {
			/* A failed exchange may be the first sign of a pulled card, before
			 * pcscd's next poll of the reader: ask once more. */
			DWORD state = 0, proto = 0, rlen = 0, alen = MAX_ATR_SIZE;
			BYTE atr[MAX_ATR_SIZE];
			LONG st = SCardStatus(l->card, NULL, &rlen, &state, &proto, atr, &alen);

			if (card_gone(st) || (st == SCARD_S_SUCCESS && !(state & SCARD_PRESENT))) {
				gone = 1;
				rv = CKR_DEVICE_REMOVED;
			}
		}
		PF_WARN("pcsc: transmit failed (0x%lx)", (unsigned long)rc);
		count_loss(l, gone);
		disconnect(l, rc == SCARD_W_RESET_CARD ? SCARD_RESET_CARD : SCARD_LEAVE_CARD);
		return gone ? CKR_DEVICE_REMOVED : rv;
	}
	if (n < 2) {
		count_loss(l, 0);
		disconnect(l, SCARD_RESET_CARD);
		return CKR_DEVICE_ERROR;
	}
	__atomic_store_n(&l->present_seen, 1, __ATOMIC_RELEASE);
	*out_len = n;
	return CKR_OK;
}

static uint16_t sw_of(const uint8_t *r, size_t n)
{
	return (uint16_t)(r[n - 2] << 8 | r[n - 1]);
}

/* SELECT, INITIALIZE UPDATE, EXTERNAL AUTHENTICATE at level 33. */
static CK_RV open_channel(pcsc_link *l)
{
	uint8_t cmd[64], resp[SCP03_MAX_RAPDU], hc[SCP03_CHALLENGE_LEN];
	size_t n, rn;
	CK_RV rv;

	cmd[0] = 0x00; cmd[1] = 0xA4; cmd[2] = 0x04; cmd[3] = 0x00; cmd[4] = (uint8_t)l->aid_len;
	memcpy(cmd + 5, l->aid, l->aid_len);
	cmd[5 + l->aid_len] = 0x00;
	rn = sizeof(resp);
	if ((rv = transmit(l, cmd, 6 + l->aid_len, resp, &rn)) != CKR_OK)
		return rv;
	if (sw_of(resp, rn) != 0x9000) {
		PF_ERROR("pcsc: applet not selectable (SW %04x)", sw_of(resp, rn));
		return CKR_TOKEN_NOT_RECOGNIZED;
	}
	/* Version 01 applets keep no item policy: any AES key on them signs and
	 * encrypts whatever it is given. Such a card is not a Portfolio token. */
	if (rn < 3 + 2 || resp[0] < PCSC_APPLET_MIN_VERSION) {
		PF_ERROR("pcsc: applet version %u enforces no key policy (need %u or later)",
		         rn < 3 + 2 ? 0u : (unsigned)resp[0], (unsigned)PCSC_APPLET_MIN_VERSION);
		return CKR_TOKEN_NOT_RECOGNIZED;
	}
	if (pf_random(hc, sizeof(hc)) != PF_CRYPTO_OK ||
	    scp03_host_initialize_update(&l->sm, l->keys.kvn, hc, cmd, sizeof(cmd), &n) != SCP03_OK)
		return CKR_DEVICE_ERROR;
	rn = sizeof(resp);
	if ((rv = transmit(l, cmd, n, resp, &rn)) != CKR_OK)
		return rv;
	if (sw_of(resp, rn) != 0x9000 || scp03_host_check_card(&l->sm, &l->keys, resp, rn - 2) != SCP03_OK) {
		PF_ERROR("pcsc: SCP03 card authentication failed");
		scp03_session_close(&l->sm);
		return CKR_DEVICE_ERROR;
	}
	if (scp03_host_external_authenticate(&l->sm, SCP03_SL_FULL, cmd, sizeof(cmd), &n) != SCP03_OK)
		return CKR_DEVICE_ERROR;
	rn = sizeof(resp);
	if ((rv = transmit(l, cmd, n, resp, &rn)) != CKR_OK)
		return rv;
	if (scp03_host_authenticated(&l->sm, sw_of(resp, rn)) != SCP03_OK) {
		PF_ERROR("pcsc: SCP03 EXTERNAL AUTHENTICATE refused (SW %04x)", sw_of(resp, rn));
		return CKR_DEVICE_ERROR;
	}
	return CKR_OK;
}

CK_RV pcsc_link_command(pcsc_link *l, const uint8_t *apdu, size_t apdu_len, uint8_t *data, size_t cap,
                        size_t *data_len, uint16_t *sw)
{
	uint8_t wrapped[SCP03_MAX_APDU], resp[SCP03_MAX_RAPDU];
	size_t wn, rn = sizeof(resp);
	scp03_status st;
	CK_RV rv = CKR_OK;

	*data_len = 0;
	*sw = 0;
	pthread_mutex_lock(&l->lock);
	if (!l->connected)
		rv = connect_card(l);
	if (rv == CKR_OK && l->sm.state != SCP03_OPEN)
		rv = open_channel(l);
	if (rv == CKR_OK && scp03_host_wrap(&l->sm, apdu, apdu_len, wrapped, sizeof(wrapped), &wn) != SCP03_OK)
		rv = CKR_DATA_LEN_RANGE;
	if (rv == CKR_OK)
		rv = transmit(l, wrapped, wn, resp, &rn);
	if (rv == CKR_OK) {
		st = scp03_host_unwrap(&l->sm, resp, rn, data, cap, data_len, sw);
		if (st != SCP03_OK) {
			/* Tampered, replayed or out-of-step: the channel is gone, the answer
			 * worthless. The next command opens a new channel, which logs the
			 * card out: tell the core (a reset). */
			PF_ERROR("pcsc: secure messaging response rejected (%s)", scp03_status_name(st));
			__atomic_add_fetch(&l->resets, 1, __ATOMIC_RELEASE);
			scp03_session_close(&l->sm);
			*data_len = 0;
			*sw = 0;
			rv = CKR_DEVICE_ERROR;
		}
	}
	pf_wipe(wrapped, sizeof(wrapped));
	pf_wipe(resp, sizeof(resp));
	pthread_mutex_unlock(&l->lock);
	return rv;
}

int pcsc_link_present(pcsc_link *l, int poll, uint64_t *removals, uint64_t *resets)
{
	int present;

	if (poll) {
		pthread_mutex_lock(&l->lock);
		if (l->connected) {
			DWORD state = 0, proto = 0, rlen = 0, alen = MAX_ATR_SIZE;
			BYTE atr[MAX_ATR_SIZE];
			LONG rc = SCardStatus(l->card, NULL, &rlen, &state, &proto, atr, &alen);

			/* A card pulled and put back leaves our handle stale (REMOVED_CARD):
			 * that is a removal too, whatever the reader shows now. */
			if (rc != SCARD_S_SUCCESS || !(state & SCARD_PRESENT)) {
				count_loss(l, rc == SCARD_S_SUCCESS || card_gone(rc)); /* else reset by someone */
				disconnect(l, SCARD_LEAVE_CARD);
			}
		}
		if (!l->connected)
			(void)connect_card(l); /* sets present_seen */
		pthread_mutex_unlock(&l->lock);
	}
	present = __atomic_load_n(&l->present_seen, __ATOMIC_ACQUIRE);
	*removals = __atomic_load_n(&l->removals, __ATOMIC_ACQUIRE);
	*resets = __atomic_load_n(&l->resets, __ATOMIC_ACQUIRE);
	return present;
}

CK_RV pcsc_link_run(pcsc_link *l, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le,
                    uint8_t *out, size_t cap, size_t *out_len, uint16_t *sw)
{
	uint8_t apdu[SCP03_MAX_APDU];
	uint8_t scratch[SCP03_MAX_RAPDU];
	size_t n, got = 0;
	CK_RV rv;

	if (dn > SCP03_MAX_PLAIN_DATA)
		return CKR_DATA_LEN_RANGE;
	n = scp03_plain_apdu(apdu, ins, p1, p2, d, dn, le);
	rv = pcsc_link_command(l, apdu, n, out != NULL ? out : scratch, out != NULL ? cap : sizeof(scratch), &got,
	                       sw);
	pf_wipe(apdu, sizeof(apdu));
	pf_wipe(scratch, sizeof(scratch));
	if (out_len != NULL)
		*out_len = got;
	return rv;
}
