/*
 * pcsc_backend.c - the se_backend of a real (or virtual) secure element
 * running the Portfolio applet (docs/apdu.md), over pcsc-lite and SCP03.
 * se_ref = the applet's item slot number. Only the Portfolio mechanisms run
 * on the card; standard mechanisms are refused with CKR_MECHANISM_INVALID.
 * Each item goes to the card with its policy, and the applet decides what a
 * key may do (docs/apdu.md, "Item policy"): this file only carries requests.
 */
#include <stdlib.h>
#include <string.h>


#include "crypto/crypto.h"
#include "se/se.h"
#include "store/store.h"
#include "se/pcsc/pcsc_fingerprint.h"
#include "se/pcsc/pcsc_link.h"
#include "se/pcsc/pcsc_policy.h"
#include "scp03/scp03.h"
#include "util/bytes.h"
#include "util/log.h"
#include "util/secure.h"

#define INS_LAYOUT 0xCA
#define INS_CHALLENGE 0x84
#define INS_VERIFY 0x20
#define INS_CHANGE 0x24
#define INS_INIT_TOKEN 0x2E
#define INS_INIT_PIN 0x2C
#define INS_PUT 0xD8
#define INS_GENERATE 0x46
#define INS_READ 0xB0
#define INS_DELETE 0xE4
#define INS_SIGN 0x70
#define INS_ENCRYPT 0x72
#define INS_RESTRICT 0xDA
#define INS_DIV_VERIFY 0x74
/* PORTFOLIO DIV VERIFY: the longest device id whose largest request fits one
 * short APDU (docs/apdu.md): 239 - (1 + 4 + 4 + 1 + 32 + 1 + 64 + signature),
 * 116 with AES-CMAC's 16 bytes, 100 with HMAC-SHA256's 32. */
#define DIV_MAX_DEVICE_ID 116u
#define DIV_MAX_DEVICE_ID_HMAC 100u
#define LAYOUT_POLICY 0x02
#define MAX_PIN 64u
#define MAX_ITEM 128u

struct se_token {
	pcsc_link link;
	struct store *st; /* holds the core's object records; the card holds the secrets */
	CK_ULONG iid;
};

/* The instance row the core's object records hang from. Its blob only says
 * "the secrets are on a card", so nothing secret ever reaches the store. */
static const uint8_t INSTANCE_MARKER[] = {'P', 'C', 'S', 'C', 0x01};

struct se_op {
	se_token *t;
	se_op_kind kind;
	se_pf_alg alg;
	CK_ULONG source;
	uint8_t key;
	uint32_t identity_id;      /* SOURCE_TOKEN: the identity asked for, and its items */
	uint8_t identity_hash;
	uint8_t identity_value;
	uint8_t challenge[CK_PORTFOLIO_MAX_CHALLENGE];
	size_t challenge_len;
	uint8_t buf[SCP03_MAX_PLAIN_DATA];
	size_t len;
	int active;
	/* SE_FAM_DIV_AUTH: the device whose key the card derives from the master */
	int div;
	uint8_t device_id[DIV_MAX_DEVICE_ID];
	size_t device_id_len;
	uint32_t instance, key_index;
	uint8_t device_key_len;
};

/* 80 INS P1 P2 [Lc data] [00] through the channel (pcsc_link_run). */
static CK_RV run(se_token *t, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn, int le,
                 uint8_t *out, size_t cap, size_t *out_len, uint16_t *sw)
{
	return pcsc_link_run(&t->link, ins, p1, p2, d, dn, le, out, cap, out_len, sw);
}

static CK_RV run_simple(se_token *t, uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *d, size_t dn)
{
	uint16_t sw = 0;
	CK_RV rv = run(t, ins, p1, p2, d, dn, 0, NULL, 0, NULL, &sw);

	return rv != CKR_OK ? rv : pcsc_sw_to_rv(sw, 0, 0);
}

static CK_RV pcsc_open(const se_config *cfg, struct store *st, CK_ULONG iid, se_token **out)
{
	se_token *t = calloc(1, sizeof(*t));
	CK_RV rv;

	if (t == NULL)
		return CKR_HOST_MEMORY;
	rv = pcsc_link_init(&t->link, cfg->pcsc.reader, cfg->pcsc.aid_hex, cfg->pcsc.scp03_keys);
	if (rv != CKR_OK) {
		free(t);
		return rv;
	}
	t->iid = iid;
	t->st = st;
	*out = t;
	return CKR_OK;
}

static void pcsc_close(se_token *t)
{
	if (t == NULL)
		return;
	pcsc_link_free(&t->link);
	free(t);
}

static void pin_flags(uint8_t tries, CK_FLAGS low, CK_FLAGS final, CK_FLAGS locked, CK_FLAGS *f)
{
	if (tries == 0)
		*f |= locked;
	else if (tries == 1)
		*f |= final | low;
	else if (tries < 3)
		*f |= low;
}

static CK_RV pcsc_token_info(se_token *t, se_token_info *out)
{
	uint8_t r[64];
	size_t n;
	uint16_t sw = 0;
	CK_RV rv = run(t, INS_LAYOUT, 0, 0, NULL, 0, 1, r, sizeof(r), &n, &sw);

	if (rv == CKR_OK && (rv = pcsc_sw_to_rv(sw, 0, 0)) == CKR_OK && n != 53)
		rv = CKR_DEVICE_ERROR;
	if (rv != CKR_OK)
		return rv;
	memset(out, 0, sizeof(*out));
	out->initialized = (r[2] & 0x01) != 0;
	out->user_pin_set = (r[2] & 0x02) != 0;
	memcpy(out->label, r + 5, 32);
	memcpy(out->serial, r + 37, 16);
	if (out->user_pin_set)
		pin_flags(r[3], CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED, &out->pin_flags);
	if (out->initialized)
		pin_flags(r[4], CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED, &out->pin_flags);
	return CKR_OK;
}

static CK_RV pcsc_init_token(se_token *t, const uint8_t *so_pin, size_t so_len, const char label[32])
{
	uint8_t d[1 + MAX_PIN + 32];
	CK_RV rv;

	if (so_len < 1 || so_len > MAX_PIN)
		return CKR_PIN_LEN_RANGE;
	d[0] = (uint8_t)so_len;
	memcpy(d + 1, so_pin, so_len);
	memcpy(d + 1 + so_len, label, 32);
	rv = run_simple(t, INS_INIT_TOKEN, 0, 0, d, 1 + so_len + 32);
	pf_wipe(d, sizeof(d));
	if (rv != CKR_OK || t->st == NULL)
		return rv;
	/* The card erased its items: the records that pointed at them go too. */
	rv = store_instance_delete(t->st, t->iid);
	if (rv == CKR_OK)
		rv = store_instance_put(t->st, t->iid, INSTANCE_MARKER, sizeof(INSTANCE_MARKER));
	return rv;
}

static CK_RV pcsc_init_pin(se_token *t, const uint8_t *pin, size_t len)
{
	if (len < 1 || len > MAX_PIN)
		return CKR_PIN_LEN_RANGE;
	return run_simple(t, INS_INIT_PIN, 0, 0x81, pin, len);
}

static CK_RV pcsc_set_pin(se_token *t, CK_USER_TYPE who, const uint8_t *old_pin, size_t old_len,
                          const uint8_t *new_pin, size_t new_len)
{
	uint8_t d[1 + 2 * MAX_PIN];
	CK_RV rv;

	if (old_len < 1 || old_len > MAX_PIN || new_len < 1 || new_len > MAX_PIN)
		return CKR_PIN_LEN_RANGE;
	d[0] = (uint8_t)old_len;
	memcpy(d + 1, old_pin, old_len);
	memcpy(d + 1 + old_len, new_pin, new_len);
	rv = run_simple(t, INS_CHANGE, 0, who == CKU_SO ? 0x82 : 0x81, d, 1 + old_len + new_len);
	pf_wipe(d, sizeof(d));
	return rv;
}

static CK_RV pcsc_login(se_token *t, CK_USER_TYPE who, const uint8_t *pin, size_t len)
{
	if (len < 1 || len > MAX_PIN)
		return CKR_PIN_INCORRECT;
	return run_simple(t, INS_VERIFY, 0, who == CKU_SO ? 0x82 : 0x81, pin, len);
}

static CK_RV pcsc_logout(se_token *t)
{
	CK_RV rv = run_simple(t, INS_VERIFY, 0xFF, 0, NULL, 0);

	/* A card that is gone has logged out by itself. */
	return rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT ? CKR_OK : rv;
}

static CK_RV item_answer(CK_RV rv, uint16_t sw, const uint8_t *r, size_t n, se_ref *out)
{
	if (rv == CKR_OK)
		rv = pcsc_sw_to_rv(sw, 0, 0);
	if (rv == CKR_OK && (n != 1 || r[0] == 0))
		rv = CKR_DEVICE_ERROR;
	if (rv == CKR_OK)
		*out = r[0];
	return rv;
}

/* PUT ITEM: the value travels encrypted under the DEK inside the encrypted
 * channel, after the item's policy block (all zero for a rewrite: the item
 * keeps its own). */
static CK_RV put(se_token *t, uint8_t slot, se_item_kind kind, const uint8_t *value, size_t len,
                 unsigned flags, const uint8_t block[PCSC_POLICY_LEN], se_ref *out)
{
	uint8_t d[2 + PCSC_POLICY_LEN + MAX_ITEM + SCP03_BLOCK_LEN], r[8], *v = d + 2 + PCSC_POLICY_LEN;
	size_t padded, n = 0;
	uint16_t sw = 0;
	CK_RV rv;

	if (len < 1 || len > MAX_ITEM)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	d[0] = (uint8_t)(flags & (SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE | SE_ITEM_READABLE));
	d[1] = (uint8_t)len;
	memcpy(d + 2, block, PCSC_POLICY_LEN);
	memcpy(v, value, len);
	padded = scp03_pad(v, len);
	if (scp03_dek_encrypt(t->link.keys.dek, v, padded, v) != SCP03_OK) {
		pf_wipe(d, sizeof(d));
		return CKR_DEVICE_ERROR;
	}
	rv = run(t, INS_PUT, slot, (uint8_t)kind, d, 2 + PCSC_POLICY_LEN + padded, 1, r, sizeof(r), &n, &sw);
	pf_wipe(d, sizeof(d));
	if (rv == CKR_OK && sw == 0x6A80)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return item_answer(rv, sw, r, n, out);
}

static CK_RV pcsc_item_put(se_token *t, se_item_kind kind, const uint8_t *value, size_t len, unsigned flags,
                           const se_item_policy *pol, se_ref *out)
{
	uint8_t fp[32], block[PCSC_POLICY_LEN];
	CK_RV rv = pcsc_policy_encode(pol, block);

	if (rv != CKR_OK)
		return rv;
	if (!(flags & SE_ITEM_EXCLUSIVE) || t->st == NULL)
		return put(t, 0, kind, value, len, flags, block, out);
	/* Refused before the key travels if the store knows it already; claimed
	 * after the card took it (the unique index settles a race). */
	rv = pcsc_fingerprint(t->st, kind, value, len, fp);
	if (rv == CKR_OK)
		rv = pcsc_fingerprint_check(t->st, fp);
	if (rv == CKR_OK)
		rv = put(t, 0, kind, value, len, flags, block, out);
	if (rv == CKR_OK && (flags & SE_ITEM_PERSISTENT)) {
		pcsc_fingerprint_release(t->st, t->iid, *out); /* a row left by a delete that failed */
		rv = pcsc_fingerprint_claim(t->st, t->iid, *out, fp);
		if (rv != CKR_OK)
			(void)run_simple(t, INS_DELETE, (uint8_t)*out, 0, NULL, 0);
	}
	pf_wipe(fp, sizeof(fp));
	return rv;
}

static CK_RV pcsc_item_generate(se_token *t, se_item_kind kind, size_t len, unsigned flags,
                                const se_item_policy *pol, se_ref *out)
{
	uint8_t d[2 + PCSC_POLICY_LEN] = {(uint8_t)(flags & 7u), (uint8_t)len}, r[8];
	size_t n = 0;
	uint16_t sw = 0;
	CK_RV rv;

	if (len < 1 || len > MAX_ITEM)
		return CKR_KEY_SIZE_RANGE;
	if ((rv = pcsc_policy_encode(pol, d + 2)) != CKR_OK)
		return rv;
	rv = run(t, INS_GENERATE, 0, (uint8_t)kind, d, sizeof(d), 1, r, sizeof(r), &n, &sw);
	if (rv == CKR_OK && sw == 0x6A80)
		return CKR_ATTRIBUTE_VALUE_INVALID;
	return item_answer(rv, sw, r, n, out);
}

/* RESTRICT ITEM: the card takes usage away, never adds it (69F6). */
static CK_RV pcsc_item_restrict(se_token *t, se_ref ref, unsigned usage)
{
	uint8_t u = (uint8_t)usage;
	CK_RV rv;

	if (ref == 0 || ref > 255)
		return CKR_OBJECT_HANDLE_INVALID;
	if ((usage & ~SE_USE_ALL) != 0)
		return CKR_ATTRIBUTE_READ_ONLY; /* no item holds these bits, so this would grow it */
	rv = run_simple(t, INS_RESTRICT, (uint8_t)ref, 0, &u, 1);
	return rv == CKR_KEY_HANDLE_INVALID ? CKR_OBJECT_HANDLE_INVALID : rv;
}

/* GET LAYOUT P1 = 02: the policy the card keeps with the item. */
static CK_RV pcsc_item_policy(se_token *t, se_ref ref, se_item_policy *out)
{
	uint8_t r[32];
	size_t n = 0;
	uint16_t sw = 0;
	CK_RV rv;

	if (out == NULL)
		return CKR_ARGUMENTS_BAD;
	if (ref == 0 || ref > 255)
		return CKR_OBJECT_HANDLE_INVALID;
	rv = run(t, INS_LAYOUT, LAYOUT_POLICY, (uint8_t)ref, NULL, 0, 1, r, sizeof(r), &n, &sw);
	if (rv == CKR_OK)
		rv = sw == 0x6A88 ? CKR_OBJECT_HANDLE_INVALID : pcsc_sw_to_rv(sw, 0, 0);
	if (rv == CKR_OK && (n != PCSC_POLICY_LEN || !pcsc_policy_decode(r, out)))
		rv = CKR_DEVICE_ERROR;
	return rv;
}

static CK_RV pcsc_item_replace(se_token *t, se_ref ref, const uint8_t *value, size_t len)
{
	static const uint8_t keep_policy[PCSC_POLICY_LEN];
	se_ref same = 0;

	if (ref == 0 || ref > 255)
		return CKR_OBJECT_HANDLE_INVALID;
	return put(t, (uint8_t)ref, SE_ITEM_IDENTITY_VALUE, value, len, SE_ITEM_READABLE, keep_policy, &same);
}

static CK_RV pcsc_item_read(se_token *t, se_ref ref, uint8_t *out, size_t *len)
{
	uint8_t r[SCP03_MAX_RAPDU];
	size_t n = 0;
	uint16_t sw = 0;
	CK_RV rv;

	if (ref == 0 || ref > 255)
		return CKR_OBJECT_HANDLE_INVALID;
	rv = run(t, INS_READ, (uint8_t)ref, 0, NULL, 0, 1, r, sizeof(r), &n, &sw);
	if (rv == CKR_OK)
		rv = pcsc_sw_to_rv(sw, 0, 0);
	if (rv == CKR_OK) {
		if (out != NULL && *len < n)
			rv = CKR_BUFFER_TOO_SMALL;
		else if (out != NULL)
			memcpy(out, r, n);
		*len = n;
	}
	pf_wipe(r, sizeof(r));
	return rv;
}

static CK_RV pcsc_item_delete(se_token *t, se_ref ref)
{
	CK_RV rv;

	if (ref == 0 || ref > 255)
		return CKR_OBJECT_HANDLE_INVALID;
	rv = run_simple(t, INS_DELETE, (uint8_t)ref, 0, NULL, 0);
	if (rv == CKR_OK && t->st != NULL)
		pcsc_fingerprint_release(t->st, t->iid, ref);
	return rv;
}

/* The length is in the layout (no secret leaves the card for it). */
static CK_RV pcsc_item_length(se_token *t, se_ref ref, size_t *len)
{
	uint8_t r[SCP03_MAX_RAPDU];
	size_t n = 0, i;
	uint8_t from = 1;
	int pages;
	uint16_t sw = 0;

	for (pages = 0; pages < 8; pages++) {
		CK_RV rv = run(t, INS_LAYOUT, 1, from, NULL, 0, 1, r, sizeof(r), &n, &sw);

		if (rv == CKR_OK)
			rv = pcsc_sw_to_rv(sw, 0, 0);
		if (rv != CKR_OK)
			return rv;
		for (i = 1; i + 5 <= n; i += 5) {
			if (r[i] == ref) {
				*len = (size_t)r[i + 3] << 8 | r[i + 4];
				return CKR_OK;
			}
		}
		if (n == 0 || r[0] == 0)
			break;
		from = r[0];
	}
	return CKR_OBJECT_HANDLE_INVALID;
}

static CK_RV pcsc_random(se_token *t, uint8_t *out, size_t len)
{
	while (len > 0) {
		size_t chunk = len > SCP03_MAX_PLAIN_DATA ? SCP03_MAX_PLAIN_DATA : len, n = 0;
		uint8_t apdu_le[1] = {(uint8_t)chunk};
		uint8_t apdu[5] = {0x80, INS_CHALLENGE, 0, 0, apdu_le[0]};
		uint16_t sw = 0;
		CK_RV rv = pcsc_link_command(&t->link, apdu, sizeof(apdu), out, chunk, &n, &sw);

		if (rv == CKR_OK)
			rv = pcsc_sw_to_rv(sw, 0, 0);
		if (rv == CKR_OK && n != chunk)
			rv = CKR_DEVICE_ERROR;
		if (rv != CKR_OK)
			return rv;
		out += chunk;
		len -= chunk;
	}
	return CKR_OK;
}

/* Asks the card now (a round trip to the reader). */
static int pcsc_present_poll(se_token *t, uint64_t *removals, uint64_t *resets)
{
	return pcsc_link_present(&t->link, 1, removals, resets);
}

/* What the link has seen so far: no I/O. */
static int pcsc_present_seen(se_token *t, uint64_t *removals, uint64_t *resets)
{
	return pcsc_link_present(&t->link, 0, removals, resets);
}

/* ---- operations: buffered, one APDU at final ------------------------------ */

static CK_RV pcsc_op_new(se_token *t, se_op **out)
{
	se_op *op = calloc(1, sizeof(*op));

	if (op == NULL)
		return CKR_HOST_MEMORY;
	op->t = t;
	*out = op;
	return CKR_OK;
}

static void pcsc_op_abort(se_op *op)
{
	se_token *t = op->t;

	pf_wipe(op, sizeof(*op));
	op->t = t;
}

static void pcsc_op_free(se_op *op)
{
	if (op != NULL) {
		pf_wipe(op, sizeof(*op));
		free(op);
	}
}

/* SOURCE_TOKEN: the identity by id and by its items (the card checks that they
 * are that identity's). AUTH needs the hash item, ENC the value item. */
static CK_RV token_source(se_op *op, se_op_kind kind, const se_pf_params *p, int auth)
{
	se_ref need = auth ? p->identity_hash_ref : p->identity_value_ref;

	if (kind == SE_OP_DECRYPT || need == 0 || p->identity_hash_ref > 255 || p->identity_value_ref > 255 ||
	    (p->identity_id >> 16 >> 16) != 0)
		return CKR_MECHANISM_PARAM_INVALID;
	op->identity_id = (uint32_t)p->identity_id;
	op->identity_hash = (uint8_t)p->identity_hash_ref;
	op->identity_value = (uint8_t)p->identity_value_ref;
	return CKR_OK;
}

/* SE_FAM_DIV_AUTH (PORTFOLIO DIV VERIFY): a device's AUTH_CMAC or AUTH_HMAC
 * verified with a master, SOURCE_HASH or SOURCE_DATA. The card checks that the
 * key is a master; what the one APDU cannot carry is refused here. */
static CK_RV div_init(se_op *op, se_op_kind kind, const se_div_params *dv)
{
	int hmac = dv->pf.alg == SE_PF_AUTH_HMAC;
	int key_ok = hmac ? dv->key_len >= 16 && dv->key_len <= CK_PORTFOLIO_MAX_DIV_KEY
	                  : dv->key_len == 16 || dv->key_len == 32;

	if (kind != SE_OP_VERIFY || (dv->pf.alg != SE_PF_AUTH_CMAC && !hmac))
		return CKR_MECHANISM_INVALID;
	if (dv->pf.source == CKP_PORTFOLIO_SOURCE_TOKEN || dv->device_id == NULL || dv->device_id_len < 1 ||
	    dv->device_id_len > (hmac ? DIV_MAX_DEVICE_ID_HMAC : DIV_MAX_DEVICE_ID) ||
	    (dv->instance >> 16 >> 16) != 0 || (dv->key_index >> 16 >> 16) != 0 || !key_ok)
		return CKR_MECHANISM_PARAM_INVALID;
	op->div = 1;
	memcpy(op->device_id, dv->device_id, dv->device_id_len);
	op->device_id_len = dv->device_id_len;
	op->instance = (uint32_t)dv->instance;
	op->key_index = (uint32_t)dv->key_index;
	op->device_key_len = (uint8_t)dv->key_len;
	return CKR_OK;
}

static CK_RV pcsc_op_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key)
{
	/* Only the Portfolio families run on the card: everything else (standard
	 * ciphers and MACs, CKM_AES_CCM included) is CKR_MECHANISM_INVALID. */
	int auth = p->fam == SE_FAM_PF_AUTH || p->fam == SE_FAM_DIV_AUTH;
	int enc = p->fam == SE_FAM_PF_ENC;
	const se_pf_params *pf = p->fam == SE_FAM_DIV_AUTH ? &p->u.div.pf : &p->u.pf;
	CK_RV rv;

	pcsc_op_abort(op);
	if (p->fam == SE_FAM_DIV_AUTH && (rv = div_init(op, kind, &p->u.div)) != CKR_OK)
		return rv;
	if (!(auth && (kind == SE_OP_SIGN || kind == SE_OP_VERIFY)) &&
	    !(enc && (kind == SE_OP_ENCRYPT || kind == SE_OP_DECRYPT)))
		return CKR_MECHANISM_INVALID;
	if (key == 0 || key > 255 || pf->challenge == NULL || pf->challenge_len < 1 ||
	    pf->challenge_len > CK_PORTFOLIO_MAX_CHALLENGE)
		return key == 0 || key > 255 ? CKR_KEY_HANDLE_INVALID : CKR_MECHANISM_PARAM_INVALID;
	if (pf->source == CKP_PORTFOLIO_SOURCE_TOKEN) {
		if ((rv = token_source(op, kind, pf, auth)) != CKR_OK)
			return rv;
	} else if (pf->source != CKP_PORTFOLIO_SOURCE_DATA &&
	           !(pf->source == CKP_PORTFOLIO_SOURCE_HASH && auth)) {
		return CKR_MECHANISM_PARAM_INVALID;
	} else if (kind == SE_OP_SIGN || kind == SE_OP_ENCRYPT) {
		/* Only keys allowed to sign / encrypt get here, and those answer only about
		 * the token's identity. The card refuses it too (69F3), for callers that
		 * talk to it without this module; refusing here gives the emulator's
		 * answer at the emulator's moment (C_SignInit / C_EncryptInit). */
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	}
	op->kind = kind;
	op->alg = pf->alg;
	op->source = pf->source;
	op->key = (uint8_t)key;
	memcpy(op->challenge, pf->challenge, pf->challenge_len);
	op->challenge_len = pf->challenge_len;
	op->active = 1;
	return CKR_OK;
}

static CK_RV pcsc_op_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
	if (out_len != NULL)
		*out_len = 0; /* everything happens at final */
	(void)out;
	if (!op->active)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (op->source == CKP_PORTFOLIO_SOURCE_TOKEN && in_len > 0)
		return CKR_DATA_LEN_RANGE;
	if (in_len > sizeof(op->buf) - op->len)
		return CKR_DATA_LEN_RANGE;
	memcpy(op->buf + op->len, in, in_len);
	op->len += in_len;
	return CKR_OK;
}

static size_t sig_len(const se_op *op)
{
	return op->alg == SE_PF_AUTH_CMAC ? 16 : 32;
}

static size_t pcsc_op_output_bound(se_op *op, size_t in_len, int final)
{
	size_t total = op->len + in_len + op->challenge_len;

	if (!final)
		return 0;
	switch (op->kind) {
	case SE_OP_SIGN: return sig_len(op);
	case SE_OP_VERIFY: return 0;
	case SE_OP_ENCRYPT:
		if (op->source == CKP_PORTFOLIO_SOURCE_TOKEN)
			total = MAX_ITEM + op->challenge_len;
		return op->alg == SE_PF_ENC_GCM ? 12 + total + 16 : 16 + (total / 16 + 1) * 16;
	case SE_OP_DECRYPT: return op->len + in_len;
	}
	return 0;
}

/* identity-id(4), big-endian; returns 4. */
static size_t put_identity(const se_op *op, uint8_t *d)
{
	pf_put_be32(d, op->identity_id);
	return 4;
}

/* Builds the PORTFOLIO SIGN data: identity id and hash item, or the hash (verify
 * only: SOURCE_DATA is hashed here), then the challenge. */
static CK_RV sign_data(se_op *op, uint8_t *d, size_t *dn, uint8_t *p2)
{
	size_t n = 0;

	*p2 = 0;
	if (op->source == CKP_PORTFOLIO_SOURCE_TOKEN) {
		n = put_identity(op, d);
		d[n++] = op->identity_hash;
	} else if (op->source == CKP_PORTFOLIO_SOURCE_HASH) {
		if (op->len != 32)
			return CKR_DATA_LEN_RANGE;
		memcpy(d, op->buf, 32);
		n = 32;
		*p2 = 0x01;
	} else {
		if (pf_digest_oneshot(PF_MD_SHA256, op->buf, op->len, d) != PF_CRYPTO_OK)
			return CKR_FUNCTION_FAILED;
		n = 32;
		*p2 = 0x01;
	}
	d[n++] = (uint8_t)op->challenge_len;
	memcpy(d + n, op->challenge, op->challenge_len);
	*dn = n + op->challenge_len;
	return CKR_OK;
}

static CK_RV pcsc_op_final(se_op *op, uint8_t *out, size_t *out_len)
{
	uint8_t d[SCP03_MAX_PLAIN_DATA + 1], r[SCP03_MAX_RAPDU];
	size_t dn = 0, n = 0;
	uint8_t p2 = 0;
	uint16_t sw = 0;
	CK_RV rv;

	if (!op->active)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (op->kind == SE_OP_SIGN) {
		rv = sign_data(op, d, &dn, &p2);
		if (rv == CKR_OK)
			rv = run(op->t, INS_SIGN, op->key, p2, d, dn, 1, r, sizeof(r), &n, &sw);
	} else if (op->kind == SE_OP_ENCRYPT || op->kind == SE_OP_DECRYPT) {
		int gcm = op->alg == SE_PF_ENC_GCM;

		p2 = (uint8_t)((gcm ? 0 : 2) | (op->kind == SE_OP_DECRYPT ? 1 : 0));
		d[0] = (uint8_t)op->challenge_len;
		memcpy(d + 1, op->challenge, op->challenge_len);
		dn = 1 + op->challenge_len;
		if (op->source == CKP_PORTFOLIO_SOURCE_TOKEN) {
			dn += put_identity(op, d + dn);
			d[dn++] = op->identity_value;
			d[dn++] = op->identity_hash;
			p2 |= 0x80;
		} else if (dn + op->len > SCP03_MAX_PLAIN_DATA) {
			rv = CKR_DATA_LEN_RANGE;
			goto done;
		} else {
			memcpy(d + dn, op->buf, op->len);
			dn += op->len;
		}
		rv = run(op->t, INS_ENCRYPT, op->key, p2, d, dn, 1, r, sizeof(r), &n, &sw);
	} else {
		rv = CKR_OPERATION_NOT_INITIALIZED;
	}
	if (rv == CKR_OK)
		rv = pcsc_sw_to_rv(sw, op->kind == SE_OP_DECRYPT, 0);
	if (rv == CKR_OK) {
		if (n > *out_len)
			rv = CKR_BUFFER_TOO_SMALL; /* cannot happen: the mech layer sized out from the bound */
		else {
			memcpy(out, r, n);
			*out_len = n;
		}
	}
done:
	pf_wipe(d, sizeof(d));
	pf_wipe(r, sizeof(r));
	pcsc_op_abort(op);
	return rv;
}

/* PORTFOLIO DIV VERIFY's device: D-len(1) D I(4) n(4) key-len(1); returns its length. */
static size_t div_device(const se_op *op, uint8_t *d)
{
	size_t n = 0;

	d[n++] = (uint8_t)op->device_id_len;
	memcpy(d + n, op->device_id, op->device_id_len);
	n += op->device_id_len;
	pf_put_be32(d + n, op->instance);
	pf_put_be32(d + n + 4, op->key_index);
	n += 8;
	d[n++] = op->device_key_len;
	return n;
}

static CK_RV pcsc_op_verify_final(se_op *op, const uint8_t *sig, size_t sig_len_in)
{
	uint8_t d[SCP03_MAX_PLAIN_DATA + 1];
	size_t dn = 0, n = 0;
	uint8_t p2 = 0;
	uint16_t sw = 0;
	CK_RV rv;

	if (!op->active || op->kind != SE_OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (sig_len_in != sig_len(op)) {
		pcsc_op_abort(op);
		return CKR_SIGNATURE_LEN_RANGE;
	}
	if (op->div)
		dn = div_device(op, d);
	rv = sign_data(op, d + dn, &n, &p2);
	if (rv == CKR_OK) {
		dn += n;
		memcpy(d + dn, sig, sig_len_in);
		dn += sig_len_in;
		if (op->div)
			rv = run(op->t, INS_DIV_VERIFY, op->key, op->alg == SE_PF_AUTH_HMAC ? 0x01 : 0x00, d, dn, 0, NULL,
			         0, NULL, &sw);
		else
			rv = run(op->t, INS_SIGN, op->key, (uint8_t)(p2 | 0x80), d, dn, 0, NULL, 0, NULL, &sw);
	}
	if (rv == CKR_OK)
		rv = pcsc_sw_to_rv(sw, 0, 1);
	pf_wipe(d, sizeof(d));
	pcsc_op_abort(op);
	return rv;
}

const se_backend se_pcsc_backend = {
	.name = "pcsc",
	.open = pcsc_open,
	.close = pcsc_close,
	.token_info = pcsc_token_info,
	.init_token = pcsc_init_token,
	.init_pin = pcsc_init_pin,
	.set_pin = pcsc_set_pin,
	.login = pcsc_login,
	.logout = pcsc_logout,
	.item_put = pcsc_item_put,
	.item_generate = pcsc_item_generate,
	.item_restrict = pcsc_item_restrict,
	.item_policy = pcsc_item_policy,
	.item_replace = pcsc_item_replace,
	.item_read = pcsc_item_read,
	.item_delete = pcsc_item_delete,
	.item_length = pcsc_item_length,
	.op_new = pcsc_op_new,
	.op_free = pcsc_op_free,
	.op_init = pcsc_op_init,
	.op_update = pcsc_op_update,
	.op_final = pcsc_op_final,
	.op_verify_final = pcsc_op_verify_final,
	.op_output_bound = pcsc_op_output_bound,
	.op_abort = pcsc_op_abort,
	.random = pcsc_random,
	.present_poll = pcsc_present_poll,
	.present_seen = pcsc_present_seen,
	.keeps_masters = 1,
};
