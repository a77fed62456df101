/*
 * scp03_host.c - the off-card side of SCP03: opening the channel and
 * wrapping commands / checking responses. Used by the pcsc backend.
 */
#include <string.h>

#include "scp03/scp03_internal.h"
#include "util/secure.h"

#define CLA_GP        0x80
#define CLA_SM        0x04
#define INS_INIT_UPD  0x50
#define INS_EXT_AUTH  0x82
#define SW_SECURITY_NOT_SATISFIED 0x6982
#define SW_SM_DATA_INCORRECT      0x6988

/* C-MAC is always on; C-DEC and R-ENC come only on top of the weaker ones. */
int scp03_level_valid(uint8_t level)
{
	return level == 0x01 || level == 0x03 || level == 0x11 || level == 0x13 || level == 0x33;
}

scp03_status scp03_host_initialize_update(scp03_session *s, uint8_t kvn,
                                          const uint8_t host_challenge[SCP03_CHALLENGE_LEN],
                                          uint8_t *apdu, size_t cap, size_t *apdu_len)
{
	if (s == NULL || host_challenge == NULL || apdu == NULL || apdu_len == NULL || cap < 14)
		return SCP03_ERR_ARGS;
	scp03_session_close(s);
	memcpy(s->host_challenge, host_challenge, SCP03_CHALLENGE_LEN);
	apdu[0] = CLA_GP;
	apdu[1] = INS_INIT_UPD;
	apdu[2] = kvn;
	apdu[3] = 0x00;
	apdu[4] = SCP03_CHALLENGE_LEN;
	memcpy(apdu + 5, host_challenge, SCP03_CHALLENGE_LEN);
	apdu[13] = 0x00;
	*apdu_len = 14;
	return SCP03_OK;
}

scp03_status scp03_host_check_card(scp03_session *s, const scp03_keys *keys,
                                   const uint8_t *resp, size_t resp_len)
{
	uint8_t host_challenge[SCP03_CHALLENGE_LEN];
	const uint8_t *p;
	scp03_status st;

	if (s == NULL || keys == NULL || resp == NULL)
		return SCP03_ERR_ARGS;
	/* 29 bytes without, 32 with the sequence counter (pseudo-random challenge). */
	if (resp_len != SCP03_INIT_UPDATE_RESP_LEN && resp_len != SCP03_INIT_UPDATE_RESP_LEN - 3) {
		scp03_session_close(s);
		return SCP03_ERR_FORMAT;
	}
	p = resp + SCP03_DIV_DATA_LEN;
	if (p[0] != keys->kvn) {
		scp03_session_close(s);
		return SCP03_ERR_KVN;
	}
	if (p[1] != 0x03 || (p[2] & 0x01) != 0) { /* SCP03 in S8 mode only */
		scp03_session_close(s);
		return SCP03_ERR_FORMAT;
	}
	memcpy(host_challenge, s->host_challenge, sizeof(host_challenge));
	st = scp03_session_derive(s, keys, host_challenge, p + 3);
	if (st != SCP03_OK)
		return st;
	if (!pf_ct_equal(s->card_cryptogram, p + 3 + SCP03_CHALLENGE_LEN, SCP03_CRYPTOGRAM_LEN)) {
		scp03_session_close(s);
		return SCP03_ERR_AUTH;
	}
	return SCP03_OK;
}

scp03_status scp03_host_external_authenticate(scp03_session *s, uint8_t level,
                                              uint8_t *apdu, size_t cap, size_t *apdu_len)
{
	static const uint8_t zero_chain[SCP03_BLOCK_LEN];
	uint8_t mac[SCP03_BLOCK_LEN];

	if (s == NULL || apdu == NULL || apdu_len == NULL || cap < 21)
		return SCP03_ERR_ARGS;
	if (s->state != SCP03_INITIALIZED)
		return SCP03_ERR_STATE;
	if (!scp03_level_valid(level))
		return SCP03_ERR_LEVEL;
	apdu[0] = CLA_GP | CLA_SM;
	apdu[1] = INS_EXT_AUTH;
	apdu[2] = level;
	apdu[3] = 0x00;
	apdu[4] = SCP03_CRYPTOGRAM_LEN + SCP03_MAC_LEN;
	memcpy(apdu + 5, s->host_cryptogram, SCP03_CRYPTOGRAM_LEN);
	/* The first C-MAC chains from zero. */
	if (scp03_cmac2(s->s_mac, zero_chain, sizeof(zero_chain), apdu, 13, mac) != SCP03_OK)
		return SCP03_ERR_CRYPTO;
	memcpy(s->mac_chain, mac, SCP03_BLOCK_LEN);
	memcpy(apdu + 13, mac, SCP03_MAC_LEN);
	*apdu_len = 21;
	s->level = level;
	s->state = SCP03_AUTH_SENT;
	return SCP03_OK;
}

scp03_status scp03_host_authenticated(scp03_session *s, uint16_t sw)
{
	if (s == NULL)
		return SCP03_ERR_ARGS;
	if (s->state != SCP03_AUTH_SENT)
		return SCP03_ERR_STATE;
	if (sw != 0x9000) {
		scp03_session_close(s);
		return SCP03_ERR_AUTH;
	}
	memset(s->counter, 0, sizeof(s->counter)); /* first wrapped command uses 1 */
	s->state = SCP03_OPEN;
	return SCP03_OK;
}

scp03_status scp03_host_wrap(scp03_session *s, const uint8_t *apdu, size_t apdu_len,
                             uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t icv[SCP03_BLOCK_LEN], mac[SCP03_BLOCK_LEN];
	scp03_apdu in;
	size_t body_len, need;
	scp03_status st;

	if (s == NULL || apdu == NULL || out == NULL || out_len == NULL)
		return SCP03_ERR_ARGS;
	if (s->state != SCP03_OPEN)
		return SCP03_ERR_STATE;
	if (!scp03_apdu_parse(apdu, apdu_len, &in) || (in.header[0] & CLA_SM) != 0)
		return SCP03_ERR_FORMAT;
	if ((s->level & SCP03_SL_C_DEC) && in.lc > 0)
		body_len = (in.lc / SCP03_BLOCK_LEN + 1) * SCP03_BLOCK_LEN;
	else
		body_len = in.lc;
	if (body_len + SCP03_MAC_LEN > 255)
		return SCP03_ERR_LENGTH;
	need = 5 + body_len + SCP03_MAC_LEN + (in.has_le ? 1 : 0);
	if (cap < need)
		return SCP03_ERR_ARGS;

	/* Every command moves the counter, with or without data, so both ends agree. */
	scp03_counter_increment(s);
	out[0] = in.header[0] | CLA_SM;
	memcpy(out + 1, in.header + 1, 3);
	out[4] = (uint8_t)(body_len + SCP03_MAC_LEN);
	if (in.lc > 0)
		memcpy(out + 5, in.data, in.lc);
	if ((s->level & SCP03_SL_C_DEC) && in.lc > 0) {
		scp03_pad(out + 5, in.lc);
		st = scp03_icv(s, 0, icv);
		if (st == SCP03_OK)
			st = scp03_cbc(1, s->s_enc, icv, out + 5, body_len, out + 5);
		pf_wipe(icv, sizeof(icv));
		if (st != SCP03_OK) {
			pf_wipe(out, need);
			scp03_session_close(s);
			return st;
		}
	}
	if (scp03_cmac2(s->s_mac, s->mac_chain, SCP03_BLOCK_LEN, out, 5 + body_len, mac) != SCP03_OK) {
		pf_wipe(out, need);
		scp03_session_close(s);
		return SCP03_ERR_CRYPTO;
	}
	memcpy(s->mac_chain, mac, SCP03_BLOCK_LEN);
	memcpy(out + 5 + body_len, mac, SCP03_MAC_LEN);
	if (in.has_le)
		out[need - 1] = in.le;
	*out_len = need;
	return SCP03_OK;
}

/* R-MAC = CMAC(S-RMAC, chain of this command || body || SW). The chain
 * changes with every command, so an old response never verifies again.
 * rapdu is body || R-MAC (8) || SW (2). */
static scp03_status rmac_check(const scp03_session *s, const uint8_t *rapdu, size_t body_len)
{
	uint8_t buf[SCP03_MAX_RAPDU], mac[SCP03_BLOCK_LEN];
	const uint8_t *sw_bytes = rapdu + body_len + SCP03_MAC_LEN;
	scp03_status st;

	memcpy(buf, rapdu, body_len);
	memcpy(buf + body_len, sw_bytes, 2);
	st = scp03_cmac2(s->s_rmac, s->mac_chain, SCP03_BLOCK_LEN, buf, body_len + 2, mac);
	if (st == SCP03_OK && !pf_ct_equal(mac, rapdu + body_len, SCP03_MAC_LEN))
		st = SCP03_ERR_AUTH;
	return st;
}

/* R-ENC: the body decrypted under S-ENC with the response ICV, padding
 * stripped, into data. Any failure is the caller's to close the session on. */
static scp03_status response_decrypt(const scp03_session *s, const uint8_t *body, size_t body_len,
                                     uint8_t *data, size_t cap, size_t *data_len)
{
	uint8_t plain[SCP03_MAX_RAPDU], icv[SCP03_BLOCK_LEN];
	size_t plain_len = 0;
	scp03_status st;

	if (body_len % SCP03_BLOCK_LEN != 0)
		return SCP03_ERR_AUTH;
	st = scp03_icv(s, 1, icv);
	if (st == SCP03_OK)
		st = scp03_cbc(0, s->s_enc, icv, body, body_len, plain);
	pf_wipe(icv, sizeof(icv));
	if (st == SCP03_OK && !scp03_unpad(plain, body_len, &plain_len))
		st = SCP03_ERR_AUTH;
	if (st == SCP03_OK && plain_len > cap)
		st = SCP03_ERR_ARGS;
	if (st == SCP03_OK) {
		memcpy(data, plain, plain_len);
		*data_len = plain_len;
	}
	pf_wipe(plain, sizeof(plain));
	return st;
}

/* Without R-MAC the response is taken as it comes (never the case for the applet). */
static scp03_status response_plain(const uint8_t *body, size_t body_len, uint8_t *data, size_t cap,
                                   size_t *data_len)
{
	if (body_len > cap)
		return SCP03_ERR_ARGS;
	memcpy(data, body, body_len);
	*data_len = body_len;
	return SCP03_OK;
}

scp03_status scp03_host_unwrap(scp03_session *s, const uint8_t *rapdu, size_t rapdu_len,
                               uint8_t *data, size_t cap, size_t *data_len, uint16_t *sw)
{
	size_t body_len;
	uint16_t status;
	scp03_status st;

	if (s == NULL || rapdu == NULL || data == NULL || data_len == NULL || sw == NULL)
		return SCP03_ERR_ARGS;
	*data_len = 0;
	*sw = 0;
	if (s->state != SCP03_OPEN)
		return SCP03_ERR_STATE;
	if (rapdu_len < 2 || rapdu_len > SCP03_MAX_RAPDU) {
		scp03_session_close(s);
		return SCP03_ERR_FORMAT;
	}
	status = (uint16_t)(rapdu[rapdu_len - 2] << 8 | rapdu[rapdu_len - 1]);
	if (!(s->level & SCP03_SL_R_MAC)) {
		st = response_plain(rapdu, rapdu_len - 2, data, cap, data_len);
		*sw = st == SCP03_OK ? status : 0;
		return st;
	}
	if (rapdu_len == 2 && (status == SW_SECURITY_NOT_SATISFIED || status == SW_SM_DATA_INCORRECT)) {
		/* The card refused our command's secure messaging and dropped the session. */
		scp03_session_close(s);
		*sw = status;
		return SCP03_ERR_CLOSED;
	}
	if (rapdu_len < 2 + SCP03_MAC_LEN) {
		scp03_session_close(s);
		return SCP03_ERR_AUTH;
	}
	body_len = rapdu_len - 2 - SCP03_MAC_LEN;
	st = rmac_check(s, rapdu, body_len);
	if (st == SCP03_OK && (s->level & SCP03_SL_R_ENC) && body_len > 0) {
		st = response_decrypt(s, rapdu, body_len, data, cap, data_len);
	} else if (st == SCP03_OK) {
		st = response_plain(rapdu, body_len, data, cap, data_len);
		if (st != SCP03_OK)
			return st; /* the caller's buffer, not the card: the session stays open */
	}
	if (st != SCP03_OK) {
		scp03_session_close(s);
		return st;
	}
	*sw = status;
	return SCP03_OK;
}

size_t scp03_plain_apdu(uint8_t *out, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le)
{
	size_t n = 4;

	out[0] = 0x80;
	out[1] = ins;
	out[2] = p1;
	out[3] = p2;
	if (dn > 0) {
		out[n++] = (uint8_t)dn;
		memcpy(out + n, d, dn);
		n += dn;
	}
	if (le)
		out[n++] = 0x00;
	return n;
}
