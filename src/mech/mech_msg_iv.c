/*
 * mech_msg_iv.c - the IV (GCM) or nonce (CCM) of one message of a
 * message-based encryption, made by the token as the parameter's generator
 * asks (PKCS#11 3.0 CK_GCM_MESSAGE_PARAMS / CK_CCM_MESSAGE_PARAMS). The
 * leading fixed_bits of the caller's IV stay; the free bits after them are:
 *
 *   CKG_NO_GENERATE           the caller's (and always when decrypting: the IV
 *                             of a ciphertext is the one it was made with)
 *   CKG_GENERATE_COUNTER      a counter of this message-based operation, big
 *                             endian in the free bits: 0, 1, 2, ... never
 *                             repeated, refused rather than wrapped
 *   CKG_GENERATE_COUNTER_XOR  the caller's free bits XOR that counter (the
 *                             TLS 1.3 / RFC 8446 construction)
 *   CKG_GENERATE_RANDOM       random from src/crypto, only with at least 96
 *   CKG_GENERATE              free bits (SP 800-38D 8.2.2: fewer make a
 *                             repeat across messages likely); CKG_GENERATE is
 *                             the random construction, which needs no state
 *                             that a new C_MessageEncryptInit would restart
 * and the IV made is written back into the caller's parameter.
 */
#include "config.h"

#include <string.h>

#include "mech/mech_local.h"
#include "util/secure.h"

#define RANDOM_MIN_FREE_BITS 96u

/* The bits of byte i (of len) below the free-bit boundary: the mask of the
 * generated part. Bits are counted from the last byte's least significant. */
static uint8_t free_mask(size_t i, size_t len, size_t free_bits)
{
	size_t low = 8u * (len - 1u - i);

	if (low >= free_bits)
		return 0;
	return free_bits - low >= 8u ? 0xffu : (uint8_t)((1u << (free_bits - low)) - 1u);
}

/* The counter's byte for byte i (0 beyond its 64 bits). */
static uint8_t counter_byte(uint64_t counter, size_t i, size_t len)
{
	size_t shift = 8u * (len - 1u - i);

	return shift < 64u ? (uint8_t)(counter >> shift) : 0;
}

/* The next counter value that fits free_bits, or CKR_MECHANISM_PARAM_INVALID. */
static CK_RV take_counter(mech_op *op, size_t free_bits, uint64_t *out)
{
	if (op->msg_counter_spent || (free_bits < 64u && (op->msg_counter >> free_bits) != 0))
		return CKR_MECHANISM_PARAM_INVALID; /* every value of the free bits was used */
	*out = op->msg_counter;
	if (++op->msg_counter == 0)
		op->msg_counter_spent = 1;
	return CKR_OK;
}

static CK_RV make_counter(mech_op *op, int xor_in, uint8_t *iv, size_t len, size_t free_bits)
{
	uint64_t counter;
	CK_RV rv = take_counter(op, free_bits, &counter);

	if (rv != CKR_OK)
		return rv;
	for (size_t i = 0; i < len; i++) {
		uint8_t mask = free_mask(i, len, free_bits), c = counter_byte(counter, i, len) & mask;

		iv[i] = xor_in ? (uint8_t)(iv[i] ^ c) : (uint8_t)((iv[i] & (uint8_t)~mask) | c);
	}
	return CKR_OK;
}

static CK_RV make_random(uint8_t *iv, size_t len, size_t free_bits)
{
	uint8_t r[256];

	if (free_bits < RANDOM_MIN_FREE_BITS || len > sizeof r)
		return CKR_MECHANISM_PARAM_INVALID;
	if (pf_random(r, len) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	for (size_t i = 0; i < len; i++) {
		uint8_t mask = free_mask(i, len, free_bits);

		iv[i] = (uint8_t)((iv[i] & (uint8_t)~mask) | (r[i] & mask));
	}
	pf_wipe(r, len);
	return CKR_OK;
}

CK_RV mech_msg_make_iv(mech_op *op, mech_op_kind kind, CK_GENERATOR_FUNCTION gen, CK_ULONG fixed_bits,
                       uint8_t *iv, size_t len)
{
	size_t free_bits;

	if (kind != MECH_OP_ENCRYPT || gen == CKG_NO_GENERATE)
		return CKR_OK;
	if (fixed_bits >= 8u * len)
		return CKR_MECHANISM_PARAM_INVALID; /* nothing left to generate */
	free_bits = 8u * len - fixed_bits;
	switch (gen) {
	case CKG_GENERATE_COUNTER:
		return make_counter(op, 0, iv, len, free_bits);
	case CKG_GENERATE_COUNTER_XOR:
		return make_counter(op, 1, iv, len, free_bits);
	case CKG_GENERATE:
	case CKG_GENERATE_RANDOM:
		return make_random(iv, len, free_bits);
	default:
		return CKR_MECHANISM_PARAM_INVALID;
	}
}
