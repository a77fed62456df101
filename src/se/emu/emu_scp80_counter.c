/*
 * emu_scp80_counter.c - the SCP80 counters of the emulator: one sealed row of
 * the store per (instance, keyset, TAR, direction), read and written inside
 * the transaction that accepts (or numbers) a packet, so a crash leaves the
 * old or the new counter with the packet refused or accepted accordingly.
 *
 * Row name (store meta key): "scp80/<iid>/<r|s>/<keyset id>/<TAR>", where the
 * keyset id is HMAC-SHA256(pepper, label || KID value), first 16 bytes, hex:
 * stable while the KID value is, whatever its item ref, so deleting and
 * importing the keyset again does not reset its counter (no replay window);
 * without the store's secret pepper the name tells nothing about the key.
 * Value: counter (8 bytes BE) || HMAC-SHA256(K, row name || counter), first
 * 16 bytes, K = HMAC-SHA256(pepper, seal label). The counter is no secret;
 * what matters is that a row cannot be edited, forged or moved to another
 * keyset without the pepper. (Putting an older copy of the whole store back
 * is outside what an emulator can see; docs/sms.md.)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "se/emu/emu_scp80.h"
#include "se/emu/emu_token.h" /* se_token: its store and instance id */
#include "store/store.h"
#include "util/log.h"
#include "util/secure.h"

#define NAME_LABEL "portfolio scp80 keyset v1"
#define SEAL_LABEL "portfolio scp80 counter seal v1"
#define TAG_LEN 16
#define ROW_LEN (8 + TAG_LEN)
#define NAME_MAX_LEN 96

static CK_RV pepper_mac(const uint8_t pepper[STORE_PEPPER_LEN], const char *label,
                        const emu_item *kid, uint8_t out[32])
{
	uint8_t msg[sizeof NAME_LABEL + 32];
	size_t ll = strlen(label), n = ll;

	memcpy(msg, label, ll);
	if (kid != NULL) {
		if (kid->len > 32)
			return CKR_GENERAL_ERROR;
		memcpy(msg + ll, kid->value, kid->len);
		n += kid->len;
	}
	int rc = pf_mac_oneshot(PF_MAC_HMAC_SHA256, pepper, STORE_PEPPER_LEN, msg, n, out, 32);
	pf_wipe(msg, sizeof msg);
	return rc == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
}

/* The row's name and sealing key. */
static CK_RV row_prepare(se_token *t, const emu_item *kid, emu_scp80_dir dir, uint32_t tar,
                         char name[NAME_MAX_LEN], uint8_t key[32])
{
	uint8_t pepper[STORE_PEPPER_LEN], id[32];
	char hex[33];
	CK_RV rv = store_pepper(t->st, pepper);

	if (rv == CKR_OK)
		rv = pepper_mac(pepper, NAME_LABEL, kid, id);
	if (rv == CKR_OK)
		rv = pepper_mac(pepper, SEAL_LABEL, NULL, key);
	pf_wipe(pepper, sizeof pepper);
	if (rv != CKR_OK)
		return rv;
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	snprintf(name, NAME_MAX_LEN, "scp80/%lu/%c/%s/%06lx", (unsigned long)t->iid, (char)dir, hex,
	         (unsigned long)(tar & 0xFFFFFFu));
	return CKR_OK;
}

/* The row's tag over (name, counter bytes). */
static CK_RV row_tag(const uint8_t key[32], const char *name, const uint8_t counter[8],
                     uint8_t tag[TAG_LEN])
{
	uint8_t msg[NAME_MAX_LEN + 8];
	size_t n = strlen(name);
	memcpy(msg, name, n);
	memcpy(msg + n, counter, 8);
	return pf_mac_oneshot(PF_MAC_HMAC_SHA256, key, 32, msg, n + 8, tag, TAG_LEN) == PF_CRYPTO_OK
	               ? CKR_OK
	               : CKR_FUNCTION_FAILED;
}

CK_RV emu_scp80_counter_get(se_token *t, const emu_item *kid, emu_scp80_dir dir, uint32_t tar,
                            uint64_t *out)
{
	char name[NAME_MAX_LEN];
	uint8_t key[32], tag[TAG_LEN], *row = NULL;
	size_t len = 0;
	CK_RV rv = row_prepare(t, kid, dir, tar, name, key);

	*out = 0;
	if (rv == CKR_OK)
		rv = store_meta_get(t->st, name, &row, &len);
	if (rv == CKR_OK && row != NULL) {
		if (len != ROW_LEN || row_tag(key, name, row, tag) != CKR_OK ||
		    !pf_ct_equal(tag, row + 8, TAG_LEN)) {
			PF_ERROR("emulator: SCP80 counter row %s is not authentic", name);
			rv = CKR_DEVICE_ERROR;
		} else {
			for (int i = 0; i < 8; i++)
				*out = (*out << 8) | row[i];
		}
		store_free(row, len);
	}
	pf_wipe(key, sizeof key);
	return rv;
}

CK_RV emu_scp80_counter_put(se_token *t, const emu_item *kid, emu_scp80_dir dir, uint32_t tar,
                            uint64_t value)
{
	char name[NAME_MAX_LEN];
	uint8_t key[32], row[ROW_LEN];
	CK_RV rv = row_prepare(t, kid, dir, tar, name, key);

	for (int i = 0; i < 8; i++)
		row[i] = (uint8_t)(value >> (56 - 8 * i));
	if (rv == CKR_OK)
		rv = row_tag(key, name, row, row + 8);
	if (rv == CKR_OK)
		rv = store_meta_put(t->st, name, row, sizeof row);
	pf_wipe(key, sizeof key);
	return rv;
}
