/*
 * scp03_session.c - what both ends of an SCP03 session share: the static
 * keyset from its text form, the session-key derivation and the cryptograms.
 */
#include <string.h>

#include "scp03/scp03_internal.h"
#include "util/hex.h"
#include "util/secure.h"

/* GP Amendment D derivation constants. */
#define DERIV_CARD_CRYPTOGRAM 0x00
#define DERIV_HOST_CRYPTOGRAM 0x01
#define DERIV_S_ENC           0x04
#define DERIV_S_MAC           0x06
#define DERIV_S_RMAC          0x07

/* Reads exactly n bytes of hex from *p, stopping at ':' or the end. */
static int read_hex(const char **p, uint8_t *out, size_t n)
{
	if (pf_hex_decode(*p, out, n) != 0)
		return 0;
	*p += 2 * n;
	return **p == ':' || **p == '\0';
}

scp03_status scp03_keys_parse(const char *text, scp03_keys *out)
{
	const char *p = text;

	if (text == NULL || out == NULL)
		return SCP03_ERR_ARGS;
	if (read_hex(&p, &out->kvn, 1) && *p++ == ':' &&
	    read_hex(&p, out->enc, SCP03_KEY_LEN) && *p++ == ':' &&
	    read_hex(&p, out->mac, SCP03_KEY_LEN) && *p++ == ':' &&
	    read_hex(&p, out->dek, SCP03_KEY_LEN) && *p == '\0')
		return SCP03_OK;
	pf_wipe(out, sizeof(*out));
	return SCP03_ERR_ARGS;
}

void scp03_session_close(scp03_session *s)
{
	if (s != NULL)
		pf_wipe(s, sizeof(*s)); /* state becomes SCP03_CLOSED (0) */
}

scp03_status scp03_session_derive(scp03_session *s, const scp03_keys *keys,
                                  const uint8_t host_challenge[SCP03_CHALLENGE_LEN],
                                  const uint8_t card_challenge[SCP03_CHALLENGE_LEN])
{
	uint8_t context[2 * SCP03_CHALLENGE_LEN];

	if (s == NULL || keys == NULL || host_challenge == NULL || card_challenge == NULL)
		return SCP03_ERR_ARGS;
	scp03_session_close(s);
	memcpy(context, host_challenge, SCP03_CHALLENGE_LEN);
	memcpy(context + SCP03_CHALLENGE_LEN, card_challenge, SCP03_CHALLENGE_LEN);
	if (scp03_kdf(keys->enc, DERIV_S_ENC, context, sizeof(context), 128, s->s_enc) != SCP03_OK ||
	    scp03_kdf(keys->mac, DERIV_S_MAC, context, sizeof(context), 128, s->s_mac) != SCP03_OK ||
	    scp03_kdf(keys->mac, DERIV_S_RMAC, context, sizeof(context), 128, s->s_rmac) != SCP03_OK ||
	    scp03_kdf(s->s_mac, DERIV_CARD_CRYPTOGRAM, context, sizeof(context), 64,
	              s->card_cryptogram) != SCP03_OK ||
	    scp03_kdf(s->s_mac, DERIV_HOST_CRYPTOGRAM, context, sizeof(context), 64,
	              s->host_cryptogram) != SCP03_OK) {
		scp03_session_close(s);
		return SCP03_ERR_CRYPTO;
	}
	memcpy(s->host_challenge, host_challenge, SCP03_CHALLENGE_LEN);
	memcpy(s->card_challenge, card_challenge, SCP03_CHALLENGE_LEN);
	memcpy(s->dek, keys->dek, SCP03_KEY_LEN);
	s->state = SCP03_INITIALIZED;
	return SCP03_OK;
}

const char *scp03_status_name(scp03_status st)
{
	switch (st) {
	case SCP03_OK: return "ok";
	case SCP03_ERR_ARGS: return "bad arguments";
	case SCP03_ERR_CRYPTO: return "crypto failure";
	case SCP03_ERR_FORMAT: return "malformed message";
	case SCP03_ERR_LENGTH: return "data too long for secure messaging";
	case SCP03_ERR_STATE: return "wrong session state";
	case SCP03_ERR_KVN: return "unknown key version";
	case SCP03_ERR_AUTH: return "authentication failed";
	case SCP03_ERR_CLOSED: return "secure channel closed by the card";
	case SCP03_ERR_LEVEL: return "security level refused";
	}
	return "unknown";
}
