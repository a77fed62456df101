/*
 * vcard_rig.c - the virtual card applet and the host end of its SCP03
 * channel, for the harnesses that drive the card (see vcard_rig.h).
 */
#include "config.h"
#include "fuzz_input.h"
#include "vcard_rig.h"

#include <string.h>

#include <openssl/evp.h>

#include "scp03/scp03_internal.h"
#include "util/log.h"

/* The test keyset of /work/shared/design.md (GlobalPlatform SCP03 vectors) and the applet AID. */
const scp03_keys vcard_rig_keys = {
	0x30,
	{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f},
	{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f},
	{0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f},
};
static const uint8_t AID[] = {0xA0, 0x00, 0x00, 0x06, 0x16, 0x50, 0x46};

uint16_t vcard_rig_raw(vcard_rig *r, const uint8_t *cmd, size_t len, uint8_t *resp, size_t *resp_len)
{
	vcard_applet_process(&r->card, cmd, len, resp, resp_len);
	FZ_CHECK(*resp_len >= 2 && *resp_len <= SCP03_MAX_RAPDU);
	return (uint16_t)(resp[*resp_len - 2] << 8 | resp[*resp_len - 1]);
}

int vcard_rig_open_channel(vcard_rig *r)
{
	uint8_t cmd[SCP03_MAX_APDU], resp[SCP03_MAX_RAPDU];
	size_t n, rn;
	const uint8_t hc[8] = {0xb1, 0x3e, 0x5f, 0x93, 0x8f, 0xc1, 0x08, 0xc4};
	const scp03_keys *keys = &vcard_rig_keys;

	scp03_session_close(&r->host);
	cmd[0] = 0x00; cmd[1] = 0xA4; cmd[2] = 0x04; cmd[3] = 0x00; cmd[4] = sizeof(AID);
	memcpy(cmd + 5, AID, sizeof(AID));
	cmd[5 + sizeof(AID)] = 0x00;
	if (vcard_rig_raw(r, cmd, 6 + sizeof(AID), resp, &rn) != 0x9000)
		return -1;
	if (scp03_host_initialize_update(&r->host, keys->kvn, hc, cmd, sizeof(cmd), &n) != SCP03_OK ||
	    vcard_rig_raw(r, cmd, n, resp, &rn) != 0x9000 ||
	    scp03_host_check_card(&r->host, keys, resp, rn - 2) != SCP03_OK ||
	    scp03_host_external_authenticate(&r->host, SCP03_SL_FULL, cmd, sizeof(cmd), &n) != SCP03_OK)
		return -1;
	if (scp03_host_authenticated(&r->host, vcard_rig_raw(r, cmd, n, resp, &rn)) != SCP03_OK)
		return -1;
	return 0;
}

uint16_t vcard_rig_wrapped(vcard_rig *r, const uint8_t *apdu, size_t len, uint8_t *plain, size_t *plain_len)
{
	uint8_t wrapped[SCP03_MAX_APDU], resp[SCP03_MAX_RAPDU];
	size_t n, rn;
	uint16_t sw = 0;
	/* Wrapped INS 82 is "84 82": EXTERNAL AUTHENTICATE to the applet, which
	 * refuses it in an open channel and closes (fail-closed, no R-MAC): the
	 * one plain command whose answer the host is right to refuse. */
	int both_open = r->host.state == SCP03_OPEN && r->card.sm.state == SCP03_OPEN &&
	                !(len >= 2 && apdu[1] == 0x82);
	scp03_status st;

	*plain_len = 0;
	if (scp03_host_wrap(&r->host, apdu, len, wrapped, sizeof(wrapped), &n) != SCP03_OK)
		return 0;
	vcard_rig_raw(r, wrapped, n, resp, &rn);
	st = scp03_host_unwrap(&r->host, resp, rn, plain, SCP03_MAX_RAPDU, plain_len, &sw);
	if (both_open)
		FZ_CHECK(st == SCP03_OK);
	FZ_CHECK(*plain_len <= SCP03_MAX_PLAIN_DATA);
	return st == SCP03_OK ? sw : 0;
}

uint16_t vcard_rig_command(vcard_rig *r, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn,
                           int le)
{
	uint8_t apdu[SCP03_MAX_APDU], plain[SCP03_MAX_RAPDU];
	size_t n, pn;

	FZ_CHECK(dn <= 255);
	n = scp03_plain_apdu(apdu, ins, p1, p2, d, dn, le);
	return vcard_rig_wrapped(r, apdu, n, plain, &pn);
}

size_t vcard_rig_put_data(uint8_t *data, uint8_t flags, const uint8_t pol[VCARD_POLICY_LEN], const uint8_t *value,
                          size_t len)
{
	uint8_t *v = data + 2 + VCARD_POLICY_LEN;
	size_t padded;

	FZ_CHECK(len < 160);
	data[0] = flags;
	data[1] = (uint8_t)len;
	memcpy(data + 2, pol, VCARD_POLICY_LEN);
	memcpy(v, value, len);
	padded = scp03_pad(v, len);
	FZ_CHECK(scp03_dek_encrypt(vcard_rig_keys.dek, v, padded, v) == SCP03_OK);
	return 2 + VCARD_POLICY_LEN + padded;
}

uint16_t vcard_rig_put_item(vcard_rig *r, uint8_t kind, uint8_t flags, const uint8_t pol[VCARD_POLICY_LEN],
                            const uint8_t *value, size_t len)
{
	uint8_t data[VCARD_RIG_PUT_MAX];

	return vcard_rig_command(r, 0xD8, 0, kind, data, vcard_rig_put_data(data, flags, pol, value, len), 1);
}

uint16_t vcard_rig_verify(vcard_rig *r, uint8_t p2, const char *pin)
{
	return vcard_rig_command(r, 0x20, 0, p2, (const uint8_t *)pin, strlen(pin), 0);
}

/* The user-logged-in card with its items: an AUTH key that signs and verifies
 * (item 1), identity 0's hash (item 2), identity 1's value (item 3) and its
 * SHA-256 (item 4), an ENC key that encrypts and decrypts (item 5). */
static void provision(vcard_rig *ready)
{
	uint8_t aes[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	                   0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
	static const uint8_t auth_key[VCARD_POLICY_LEN] = {VCARD_SERVICE_AUTH, VCARD_USE_SIGN | VCARD_USE_VERIFY};
	static const uint8_t identity0[VCARD_POLICY_LEN] = {VCARD_SERVICE_NONE};
	static const uint8_t identity1[VCARD_POLICY_LEN] = {VCARD_SERVICE_NONE, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	static const uint8_t enc_key[VCARD_POLICY_LEN] = {VCARD_SERVICE_ENC, VCARD_USE_ENCRYPT | VCARD_USE_DECRYPT};
	uint8_t hash[32];

	FZ_CHECK(vcard_rig_put_item(ready, VCARD_KIND_AES, VCARD_FLAG_EXCLUSIVE, auth_key, aes, sizeof(aes)) ==
	         0x9000);
	FZ_CHECK(vcard_rig_verify(ready, 0x82, VCARD_RIG_SO_PIN) == 0x9000);
	memset(hash, 0xa5, sizeof(hash));
	FZ_CHECK(vcard_rig_put_item(ready, VCARD_KIND_ID_HASH, 0, identity0, hash, sizeof(hash)) == 0x9000);
	FZ_CHECK(vcard_rig_put_item(ready, VCARD_KIND_ID_VALUE, 0, identity1, (const uint8_t *)VCARD_RIG_ID1_VALUE,
	                            sizeof VCARD_RIG_ID1_VALUE - 1) == 0x9000);
	FZ_CHECK(EVP_Digest(VCARD_RIG_ID1_VALUE, sizeof VCARD_RIG_ID1_VALUE - 1, hash, NULL, EVP_sha256(), NULL) == 1);
	FZ_CHECK(vcard_rig_put_item(ready, VCARD_KIND_ID_HASH, 0, identity1, hash, sizeof(hash)) == 0x9000);
	FZ_CHECK(vcard_rig_verify(ready, 0x81, VCARD_RIG_USER_PIN) == 0x9000);
	aes[0] ^= 1; /* keyset keys are exclusive */
	FZ_CHECK(vcard_rig_put_item(ready, VCARD_KIND_AES, VCARD_FLAG_EXCLUSIVE, enc_key, aes, sizeof(aes)) == 0x9000);
}

void vcard_rig_build(vcard_rig_states *out)
{
	uint8_t data[64];
	vcard_rig *ready = &out->ready;
	const size_t so_len = sizeof VCARD_RIG_SO_PIN - 1;

	pf_log_set_level(PF_LOG_NONE);
	memset(out, 0, sizeof *out);
	FZ_CHECK(vcard_applet_init(&out->fresh.card, &vcard_rig_keys, AID, sizeof(AID), 7) == 0);
	/* The salt is random: fix it so a replayed input behaves the same every time. */
	memset(out->fresh.card.salt, 0x5a, sizeof(out->fresh.card.salt));

	out->blank_open = out->fresh;
	FZ_CHECK(vcard_rig_open_channel(&out->blank_open) == 0);

	*ready = out->blank_open;
	/* INITIALIZE TOKEN: SO PIN length, SO PIN, 32-byte label. */
	data[0] = (uint8_t)so_len;
	memcpy(data + 1, VCARD_RIG_SO_PIN, so_len);
	memset(data + 1 + so_len, ' ', 32);
	memcpy(data + 1 + so_len, "fuzz", 4);
	FZ_CHECK(vcard_rig_command(ready, 0x2E, 0, 0, data, 1 + so_len + 32, 0) == 0x9000);
	FZ_CHECK(vcard_rig_verify(ready, 0x82, VCARD_RIG_SO_PIN) == 0x9000);
	FZ_CHECK(vcard_rig_command(ready, 0x2C, 0, 0x81, (const uint8_t *)VCARD_RIG_USER_PIN,
	                           sizeof VCARD_RIG_USER_PIN - 1, 0) == 0x9000);
	FZ_CHECK(vcard_rig_verify(ready, 0x81, VCARD_RIG_USER_PIN) == 0x9000);
	provision(ready);
}
