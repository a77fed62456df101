/*
 * core_test_stubs.c - stand-ins for the layers other workers are writing
 * (src/mech, the emulator's operation half). Linked as a separate library
 * AFTER libportfolio-internal.la, and weak: when the real code is in the
 * internal library the linker takes it from there and these are unused.
 *
 * The stand-in registry is empty (mech_count() == 0): tests that need real
 * cryptography check core_test_have_mech() and skip.
 */
#include "config.h"
#include "mech/mech.h"
#include "se/emu/emu.h"

#define WEAK __attribute__((weak))

WEAK size_t mech_count(void) { return 0; }
WEAK CK_MECHANISM_TYPE mech_type_at(size_t i) { return (CK_MECHANISM_TYPE)-1; }
WEAK CK_RV mech_get_info(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *out) { return CKR_MECHANISM_INVALID; }

WEAK CK_RV mech_keygen_check(const CK_MECHANISM *m, CK_KEY_TYPE key_type, CK_ULONG value_len, se_item_kind *kind)
{
	if (m->mechanism == CKM_AES_KEY_GEN) {
		if (key_type != CKK_AES)
			return CKR_TEMPLATE_INCONSISTENT;
		if (value_len != 16 && value_len != 24 && value_len != 32)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		*kind = SE_ITEM_AES_KEY;
		return CKR_OK;
	}
	if (m->mechanism == CKM_GENERIC_SECRET_KEY_GEN) {
		if (key_type != CKK_GENERIC_SECRET)
			return CKR_TEMPLATE_INCONSISTENT;
		if (value_len < 1 || value_len > 512)
			return CKR_ATTRIBUTE_VALUE_INVALID;
		*kind = SE_ITEM_GENERIC_SECRET;
		return CKR_OK;
	}
	return CKR_MECHANISM_INVALID;
}

WEAK CK_RV mech_op_init(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, const mech_key *key,
                        const se_backend *be, se_token *tok, const mech_identity_resolver *res)
{
	if (op->active)
		return CKR_OPERATION_ACTIVE;
	op->active = 1;
	op->kind = kind;
	op->mech = m->mechanism;
	return CKR_OK;
}

WEAK CK_RV mech_op_single(mech_op *op, mech_op_kind kind, const uint8_t *in, CK_ULONG in_len, uint8_t *out,
                          CK_ULONG *out_len)
{
	if (!op->active || op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	*out_len = 0;
	op->active = 0;
	return CKR_OK;
}

WEAK CK_RV mech_op_update(mech_op *op, mech_op_kind kind, const uint8_t *in, CK_ULONG in_len, uint8_t *out,
                          CK_ULONG *out_len)
{
	if (!op->active || op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	if (out_len != NULL)
		*out_len = 0;
	return CKR_OK;
}

WEAK CK_RV mech_op_final(mech_op *op, mech_op_kind kind, uint8_t *out, CK_ULONG *out_len)
{
	if (!op->active || op->kind != kind)
		return CKR_OPERATION_NOT_INITIALIZED;
	*out_len = 0;
	op->active = 0;
	return CKR_OK;
}

WEAK CK_RV mech_op_verify(mech_op *op, const uint8_t *in, CK_ULONG in_len, const uint8_t *sig, CK_ULONG sig_len)
{
	if (!op->active || op->kind != MECH_OP_VERIFY)
		return CKR_OPERATION_NOT_INITIALIZED;
	op->active = 0;
	return CKR_SIGNATURE_INVALID;
}

WEAK CK_RV mech_op_verify_final(mech_op *op, const uint8_t *sig, CK_ULONG sig_len)
{
	return mech_op_verify(op, NULL, 0, sig, sig_len);
}

WEAK void mech_op_abort(mech_op *op) { op->active = 0; }
WEAK void mech_op_release(mech_op *op) { op->active = 0; }

/* The emulator's operation half. */
WEAK CK_RV emu_key_cache_build(emu_item *it) { it->cache = NULL; return CKR_OK; }
WEAK void emu_key_cache_free(emu_item *it) { it->cache = NULL; }
WEAK CK_RV emu_op_new(se_token *t, se_op **out) { return CKR_FUNCTION_NOT_SUPPORTED; }
WEAK void emu_op_free(se_op *op) {}
WEAK CK_RV emu_op_init(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key) { return CKR_FUNCTION_NOT_SUPPORTED; }
WEAK CK_RV emu_op_update(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{ return CKR_FUNCTION_NOT_SUPPORTED; }
WEAK CK_RV emu_op_final(se_op *op, uint8_t *out, size_t *out_len) { return CKR_FUNCTION_NOT_SUPPORTED; }
WEAK CK_RV emu_op_verify_final(se_op *op, const uint8_t *sig, size_t sig_len) { return CKR_FUNCTION_NOT_SUPPORTED; }
WEAK size_t emu_op_output_bound(se_op *op, size_t in_len, int final) { return 0; }
WEAK void emu_op_abort(se_op *op) {}
