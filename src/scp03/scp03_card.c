/*
 * scp03_card.c - the card side of SCP03, for the virtual card (src/vcard).
 * Mirrors scp03_host.c; any failed check closes the session, after which the
 * applet answers 6982 without R-MAC until a new INITIALIZE UPDATE.
 */
#include <string.h>

#include "scp03/scp03_internal.h"
#include "util/secure.h"

#define CLA_GP       0x80
#define CLA_SM       0x04
#define INS_INIT_UPD 0x50
#define INS_EXT_AUTH 0x82
#define DERIV_CARD_CHALLENGE 0x02

scp03_status scp03_card_initialize_update(scp03_session *s, const scp03_keys *keys,
                                          uint32_t *seq, const uint8_t *aid, size_t aid_len,
                                          const uint8_t *cmd, size_t cmd_len,
                                          uint8_t *resp, size_t cap, size_t *resp_len)
{
	uint8_t context[SCP03_SEQ_LEN + 16];
	uint8_t card_challenge[SCP03_CHALLENGE_LEN];
	scp03_apdu in;
	scp03_status st;

	if (s == NULL || keys == NULL || seq == NULL || aid == NULL || aid_len < 5 || aid_len > 16 ||
	    cmd == NULL || resp == NULL || resp_len == NULL || cap < SCP03_INIT_UPDATE_RESP_LEN)
		return SCP03_ERR_ARGS;
	scp03_session_close(s);
	if (!scp03_apdu_parse(cmd, cmd_len, &in) || in.header[0] != CLA_GP ||
	    in.header[1] != INS_INIT_UPD || in.header[3] != 0x00 || in.lc != SCP03_CHALLENGE_LEN)
		return SCP03_ERR_FORMAT;
	if (in.header[2] != 0x00 && in.header[2] != keys->kvn)
		return SCP03_ERR_KVN;
	if (*seq >= 0xFFFFFFu)
		return SCP03_ERR_STATE; /* counter exhausted: the keys must be renewed */
	(*seq)++;
	/* Pseudo-random card challenge (i bit 0x10): KDF(ENC, 02, seq || AID). */
	context[0] = (uint8_t)(*seq >> 16);
	context[1] = (uint8_t)(*seq >> 8);
	context[2] = (uint8_t)*seq;
	memcpy(context + SCP03_SEQ_LEN, aid, aid_len);
	st = scp03_kdf(keys->enc, DERIV_CARD_CHALLENGE, context, SCP03_SEQ_LEN + aid_len,
	               64, card_challenge);
	if (st == SCP03_OK)
		st = scp03_session_derive(s, keys, in.data, card_challenge);
	if (st != SCP03_OK)
		return st;
	memset(resp, 0, SCP03_DIV_DATA_LEN);
	resp[10] = keys->kvn;
	resp[11] = 0x03;
	resp[12] = SCP03_I_PARAM;
	memcpy(resp + 13, card_challenge, SCP03_CHALLENGE_LEN);
	memcpy(resp + 21, s->card_cryptogram, SCP03_CRYPTOGRAM_LEN);
	memcpy(resp + 29, context, SCP03_SEQ_LEN);
	*resp_len = SCP03_INIT_UPDATE_RESP_LEN;
	return SCP03_OK;
}

scp03_status scp03_card_external_authenticate(scp03_session *s, uint8_t min_level,
                                              const uint8_t *cmd, size_t cmd_len)
{
	static const uint8_t zero_chain[SCP03_BLOCK_LEN];
	uint8_t mac[SCP03_BLOCK_LEN];
	scp03_apdu in;
	uint8_t level;

	if (s == NULL || cmd == NULL)
		return SCP03_ERR_ARGS;
	if (s->state != SCP03_INITIALIZED) {
		scp03_session_close(s);
		return SCP03_ERR_STATE;
	}
	if (!scp03_apdu_parse(cmd, cmd_len, &in) || in.header[0] != (CLA_GP | CLA_SM) ||
	    in.header[1] != INS_EXT_AUTH || in.header[3] != 0x00 ||
	    in.lc != SCP03_CRYPTOGRAM_LEN + SCP03_MAC_LEN || in.has_le) {
		scp03_session_close(s);
		return SCP03_ERR_FORMAT;
	}
	if (scp03_cmac2(s->s_mac, zero_chain, sizeof(zero_chain), cmd, 13, mac) != SCP03_OK) {
		scp03_session_close(s);
		return SCP03_ERR_CRYPTO;
	}
	/* Check both in constant time and decide once, so timing tells nothing about which failed. */
	if (!(pf_ct_equal(mac, cmd + 13, SCP03_MAC_LEN) &
	      pf_ct_equal(s->host_cryptogram, cmd + 5, SCP03_CRYPTOGRAM_LEN))) {
		scp03_session_close(s);
		return SCP03_ERR_AUTH;
	}
	level = in.header[2];
	if (!scp03_level_valid(level) || (level & min_level) != min_level) {
		scp03_session_close(s);
		return SCP03_ERR_LEVEL;
	}
	memcpy(s->mac_chain, mac, SCP03_BLOCK_LEN);
	memset(s->counter, 0, sizeof(s->counter));
	s->level = level;
	s->state = SCP03_OPEN;
	return SCP03_OK;
}

scp03_status scp03_card_unwrap(scp03_session *s, const uint8_t *cmd, size_t cmd_len,
                               uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t mac[SCP03_BLOCK_LEN], icv[SCP03_BLOCK_LEN];
	uint8_t plain[256];
	size_t body_len, plain_len, n;
	scp03_apdu in;
	scp03_status st;

	if (s == NULL || cmd == NULL || out == NULL || out_len == NULL)
		return SCP03_ERR_ARGS;
	if (s->state != SCP03_OPEN)
		return SCP03_ERR_STATE;
	if (!scp03_apdu_parse(cmd, cmd_len, &in) || (in.header[0] & CLA_SM) == 0 ||
	    in.lc < SCP03_MAC_LEN) {
		scp03_session_close(s); /* a plain command inside the session ends it */
		return SCP03_ERR_AUTH;
	}
	body_len = in.lc - SCP03_MAC_LEN;
	scp03_counter_increment(s);
	if (scp03_cmac2(s->s_mac, s->mac_chain, SCP03_BLOCK_LEN, cmd, 5 + body_len, mac) != SCP03_OK) {
		scp03_session_close(s);
		return SCP03_ERR_CRYPTO;
	}
	if (!pf_ct_equal(mac, in.data + body_len, SCP03_MAC_LEN)) {
		scp03_session_close(s);
		return SCP03_ERR_AUTH;
	}
	memcpy(s->mac_chain, mac, SCP03_BLOCK_LEN);
	plain_len = body_len;
	if ((s->level & SCP03_SL_C_DEC) && body_len > 0) {
		if (body_len % SCP03_BLOCK_LEN != 0) {
			scp03_session_close(s);
			return SCP03_ERR_AUTH;
		}
		st = scp03_icv(s, 0, icv);
		if (st == SCP03_OK)
			st = scp03_cbc(0, s->s_enc, icv, in.data, body_len, plain);
		pf_wipe(icv, sizeof(icv));
		if (st == SCP03_OK && !scp03_unpad(plain, body_len, &plain_len))
			st = SCP03_ERR_AUTH;
		if (st == SCP03_OK && plain_len == 0)
			st = SCP03_ERR_AUTH; /* we never pad an empty body: a forgery or a bug */
		if (st != SCP03_OK) {
			pf_wipe(plain, sizeof(plain));
			scp03_session_close(s);
			return st;
		}
	} else if (body_len > 0) {
		memcpy(plain, in.data, body_len);
	}
	n = 4 + (plain_len > 0 ? 1 + plain_len : 0) + (in.has_le ? 1 : 0);
	if (cap < n) {
		pf_wipe(plain, sizeof(plain));
		return SCP03_ERR_ARGS;
	}
	out[0] = in.header[0] & (uint8_t)~CLA_SM;
	memcpy(out + 1, in.header + 1, 3);
	if (plain_len > 0) {
		out[4] = (uint8_t)plain_len;
		memcpy(out + 5, plain, plain_len);
	}
	if (in.has_le)
		out[n - 1] = in.le;
	pf_wipe(plain, sizeof(plain));
	*out_len = n;
	return SCP03_OK;
}

scp03_status scp03_card_wrap(scp03_session *s, const uint8_t *data, size_t data_len, uint16_t sw,
                             uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t mac[SCP03_BLOCK_LEN], icv[SCP03_BLOCK_LEN];
	size_t body_len = data_len;
	scp03_status st;

	if (s == NULL || (data == NULL && data_len > 0) || out == NULL || out_len == NULL)
		return SCP03_ERR_ARGS;
	if (s->state != SCP03_OPEN)
		return SCP03_ERR_STATE;
	if ((s->level & SCP03_SL_R_ENC) && data_len > 0)
		body_len = (data_len / SCP03_BLOCK_LEN + 1) * SCP03_BLOCK_LEN;
	if (body_len + SCP03_MAC_LEN > 256)
		return SCP03_ERR_LENGTH;
	if (cap < body_len + SCP03_MAC_LEN + 2)
		return SCP03_ERR_ARGS;
	if (data_len > 0)
		memcpy(out, data, data_len);
	if ((s->level & SCP03_SL_R_ENC) && data_len > 0) {
		scp03_pad(out, data_len);
		st = scp03_icv(s, 1, icv);
		if (st == SCP03_OK)
			st = scp03_cbc(1, s->s_enc, icv, out, body_len, out);
		pf_wipe(icv, sizeof(icv));
		if (st != SCP03_OK) {
			pf_wipe(out, body_len);
			return st;
		}
	}
	out[body_len] = (uint8_t)(sw >> 8);
	out[body_len + 1] = (uint8_t)sw;
	if (s->level & SCP03_SL_R_MAC) {
		if (scp03_cmac2(s->s_rmac, s->mac_chain, SCP03_BLOCK_LEN, out, body_len + 2, mac) != SCP03_OK) {
			pf_wipe(out, body_len + 2);
			return SCP03_ERR_CRYPTO;
		}
		memcpy(out + body_len, mac, SCP03_MAC_LEN);
		out[body_len + SCP03_MAC_LEN] = (uint8_t)(sw >> 8);
		out[body_len + SCP03_MAC_LEN + 1] = (uint8_t)sw;
		body_len += SCP03_MAC_LEN;
	}
	*out_len = body_len + 2;
	return SCP03_OK;
}
