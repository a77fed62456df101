/*
 * emu_scp80.c - CKM_PORTFOLIO_SCP80_WRAP / _UNWRAP inside the emulator.
 *
 * The operation's key is the KID key of an SMS keyset (sealed service SMS,
 * slot KID); its KIc partner is the unlocked item of the same keyset
 * (same sealed parameters, slot KIc). Both stay items: src/sms does the
 * packet work through emu_scp80_crypto, whose handles are the items.
 *
 *   UNWRAP  in one store transaction: read the receive counter, check and
 *           open the packet (CC, counter, deciphering: scp80_command_unwrap),
 *           write the new counter, commit; the data is released only once
 *           the commit succeeded. A refusal rolls back: the counter is as it
 *           was. The PoR the SPI asks for is built either way.
 *   WRAP    in one store transaction: next send counter, protect, write the
 *           counter, commit; the packet is released only after the commit,
 *           so a number is never given twice (a crash may skip one).
 *   POR_UNWRAP  the sender reads a PoR: opened as the keyset's SPI asks
 *           (scp80_por_unwrap), then its TAR and counter checked against the
 *           send counter (read only: nothing is written).
 *
 * The input is buffered (the whole packet is needed before anything is
 * released), up to one packet over the concatenation limit.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "se/emu/emu_scp80.h"
#include "store/store.h"
#include "util/secure.h"
#include "util/sizes.h"

#define IN_MAX ((size_t)SCP80_MAX_PACKET + 1) /* one byte over: refused as TOO_LONG, status 06 */
/* CPL(2) CHL SPI(2) KIc KID TAR(3) CNTR(5) PCNTR CC(8) + padding (< 16) */
#define WRAP_OVERHEAD (2u + SCP80_CMD_HEADER_MIN + 1u + SCP80_CC_LEN + SCP80_BLOCK)


/* ---- the keyset ------------------------------------------------------------ */

static CK_ULONG params_of(const emu_item *it)
{
	return it->pol.key_index & ((1ul << 56) - 1); /* all but the slot */
}

static int is_kic_of(const emu_item *it, const void *ctx)
{
	const emu_item *kid = ctx;
	return it->kind == SE_ITEM_AES_KEY && it->value != NULL &&
	       it->pol.service == CK_PORTFOLIO_SRV_SMS &&
	       CK_PORTFOLIO_SMS_INDEX_SLOT(it->pol.key_index) == CK_PORTFOLIO_SMS_SLOT_KIC &&
	       params_of(it) == params_of(kid) && pf_aes_key_len_ok(it->len);
}

CK_RV emu_scp80_keyset(se_op *op, const emu_item **kid, const emu_item **kic)
{
	const struct emu_scp80 *s = op->scp80;
	const emu_item *d = emu_item_lookup(op->tok, s->kid_ref);

	if (d == NULL || emu_ops_key_serial(d) != s->kid_serial)
		return CKR_KEY_HANDLE_INVALID;
	const emu_item *c = emu_item_find(op->tok, is_kic_of, d);
	if (c == NULL || (s->kic_serial != 0 && emu_ops_key_serial(c) != s->kic_serial))
		return CKR_KEY_HANDLE_INVALID;
	*kid = d;
	*kic = c;
	return CKR_OK;
}

static CK_RV scp80_init(se_op *op, const se_op_params *params, se_ref key)
{
	const se_scp80_params *p = &params->u.scp80;
	CK_RV rv;

	/* (emu_op_init let only ENCRYPT and DECRYPT through: emu_fam_scp80.kinds) */
	if ((p->op == SE_SCP80_WRAP) != (op->kind == SE_OP_ENCRYPT) ||
	    (p->op != SE_SCP80_WRAP && p->op != SE_SCP80_UNWRAP && p->op != SE_SCP80_POR_UNWRAP) ||
	    p->por_data_len > sizeof op->scp80->por_data || (p->por_data == NULL && p->por_data_len != 0) ||
	    (p->op != SE_SCP80_UNWRAP && p->por_data_len != 0))
		return CKR_MECHANISM_PARAM_INVALID;
	if (op->scp80 == NULL && (op->scp80 = calloc(1, sizeof *op->scp80)) == NULL)
		return CKR_HOST_MEMORY;
	struct emu_scp80 *s = op->scp80;
	memset(&s->res, 0, sizeof s->res);
	emu_item *kid = emu_ops_key_item(op, key, SE_ITEM_AES_KEY, &rv);
	if (kid == NULL)
		return rv;
	/* the operation's key is the keyset's KID; the KIc is found by the token */
	if (CK_PORTFOLIO_SMS_INDEX_SLOT(kid->pol.key_index) != CK_PORTFOLIO_SMS_SLOT_KID)
		return CKR_KEY_FUNCTION_NOT_PERMITTED;
	const emu_item *kic = emu_item_find(op->tok, is_kic_of, kid);
	s->kid_ref = key;
	s->kid_serial = emu_ops_key_serial(kid);
	s->kic_serial = kic != NULL ? emu_ops_key_serial(kic) : 0;
	if (kic == NULL)
		return CKR_KEY_HANDLE_INVALID; /* a keyset without its KIc cannot work */
	if (p->por_data_len != 0)
		memcpy(s->por_data, p->por_data, p->por_data_len);
	s->por_data_len = p->por_data_len;
	s->op = p->op;
	s->len = 0;
	return CKR_OK;
}

/* ---- data ---------------------------------------------------------------------- */

/* Buffers: all output comes at final. */
static CK_RV scp80_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out,
                          size_t *out_len)
{
	struct emu_scp80 *s = op->scp80;

	(void)out;
	if (out_len != NULL)
		*out_len = 0;

	if (in_len > IN_MAX - s->len)
		return op->kind == SE_OP_ENCRYPT ? CKR_DATA_LEN_RANGE : CKR_ENCRYPTED_DATA_LEN_RANGE;
	CK_RV rv = emu_ops_reserve(&s->buf, &s->cap, s->len, s->len + in_len);
	if (rv != CKR_OK)
		return rv;
	if (in_len != 0)
		memcpy(s->buf + s->len, in, in_len);
	s->len += in_len;
	return CKR_OK;
}

static size_t scp80_output_bound(const se_op *op, size_t in_len, int final)
{
	if (!final || op->scp80 == NULL)
		return 0;
	size_t total = op->scp80->len + in_len;
	return op->kind == SE_OP_ENCRYPT ? total + WRAP_OVERHEAD : total;
}

void emu_scp80_abort(se_op *op)
{
	struct emu_scp80 *s = op->scp80;
	if (s == NULL)
		return;
	if (s->buf != NULL)
		pf_wipe(s->buf, s->cap);
	if (s->plain != NULL)
		pf_wipe(s->plain, s->plain_cap);
	pf_wipe(s->por_data, sizeof s->por_data);
	s->len = 0;
}

void emu_scp80_free(se_op *op)
{
	struct emu_scp80 *s = op->scp80;
	if (s == NULL)
		return;
	pf_free_secret(s->buf, s->cap);
	pf_free_secret(s->plain, s->plain_cap);
	pf_wipe(s, sizeof *s);
	free(s);
	op->scp80 = NULL;
}

void emu_scp80_result(se_op *op, se_scp80_result *out)
{
	if (op == NULL || op->scp80 == NULL)
		memset(out, 0, sizeof *out);
	else
		*out = op->scp80->res;
}

static CK_RV scp80_final(se_op *op, uint8_t *out, size_t *out_len)
{
	const emu_item *kid, *kic;
	size_t need = scp80_output_bound(op, 0, 1);

	if (out == NULL || *out_len < need) {
		*out_len = need;
		return CKR_BUFFER_TOO_SMALL;
	}
	CK_RV rv = emu_scp80_keyset(op, &kid, &kic);
	if (rv == CKR_OK && op->scp80->op == SE_SCP80_WRAP)
		rv = emu_scp80_wrap(op, kid, kic, out, out_len);
	else if (rv == CKR_OK && op->scp80->op == SE_SCP80_UNWRAP)
		rv = emu_scp80_unwrap(op, kid, kic, out, out_len);
	else if (rv == CKR_OK)
		rv = emu_scp80_por_unwrap(op, kid, kic, out, out_len);
	if (rv != CKR_OK)
		*out_len = 0;
	/* WRAP buffered plaintext: nothing of it stays behind the operation */
	pf_wipe(op->scp80->buf, op->scp80->len);
	op->scp80->len = 0;
	return rv;
}

/* Keys of service SMS serve these three alone (and nothing else serves them:
 * CBC / CMAC never touch a KIc or KID, so no oracle on them). */
const emu_fam emu_fam_scp80 = {
	.service = CK_PORTFOLIO_SRV_SMS,
	.kinds = EMU_KINDS_CRYPT,
	.init = scp80_init,
	.update = scp80_update,
	.final = scp80_final,
	.output_bound = scp80_output_bound,
};
