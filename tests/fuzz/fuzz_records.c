/*
 * fuzz_records.c - the decoders of what the store holds: the core's object
 * attribute record (attr_codec_decode), the emulator's instance row
 * (emu_instance_decode) and its sealed secret rows (emu_item_unseal).
 * Anyone who can write the store file controls these bytes.
 *
 * The first byte picks the decoder. Besides "no crash, no overread", the
 * harness checks properties that must hold for every input:
 *   - a record that decodes re-encodes to the same bytes (the formats have one
 *     encoding: a decoder that accepts two spellings of one record is a bug);
 *   - a failed decode leaves its output cleared;
 *   - a sealed row opens only if it was sealed under this key, instance and
 *     ref: mode 3 seals the input as a value and checks that it comes back
 *     and that one flipped bit anywhere makes it fail.
 */
#include "config.h"
#include "fuzz_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/attr_codec.h"
#include "se/emu/emu_token.h"
#include "util/log.h"

static const uint8_t KEY[EMU_TOKEN_KEY_LEN] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
	0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4};

static void attr_record(const uint8_t *d, size_t n)
{
	core_attr *attrs = NULL;
	size_t count = 0;
	se_ref vr = 0, hr = 0;
	/* An exact-size copy so an overread is caught even when d is a larger buffer. */
	uint8_t *rec = malloc(n ? n : 1);
	FZ_CHECK(rec != NULL);
	if (n)
		memcpy(rec, d, n);
	CK_RV rv = attr_codec_decode(rec, n, &attrs, &count, &vr, &hr);
	if (rv == CKR_OK) {
		uint8_t *again = NULL;
		size_t again_len = 0;
		FZ_CHECK(attr_codec_encode(attrs, count, vr, hr, &again, &again_len) == CKR_OK);
		FZ_CHECK(again_len == n && memcmp(again, rec, n) == 0);
		free(again);
		core_attrs_free(attrs, count);
	} else {
		FZ_CHECK(rv == CKR_DATA_INVALID || rv == CKR_HOST_MEMORY);
	}
	free(rec);
}

static void instance_row(const uint8_t *d, size_t n)
{
	emu_instance inst;
	uint8_t *row = malloc(n ? n : 1);
	FZ_CHECK(row != NULL);
	if (n)
		memcpy(row, d, n);
	memset(&inst, 0xa5, sizeof inst);
	CK_RV rv = emu_instance_decode(row, n, &inst);
	if (rv == CKR_OK) {
		uint8_t *again = NULL;
		size_t again_len = 0;
		FZ_CHECK(emu_instance_encode(&inst, &again, &again_len) == CKR_OK);
		FZ_CHECK(again_len == n && memcmp(again, row, n) == 0);
		free(again);
	} else {
		static const emu_instance zero;
		FZ_CHECK(memcmp(&inst, &zero, sizeof inst) == 0);
	}
	free(row);
}

static void sealed_row(const uint8_t *d, size_t n)
{
	emu_item it;
	uint8_t *row = malloc(n ? n : 1);
	FZ_CHECK(row != NULL);
	if (n)
		memcpy(row, d, n);
	/* Without the key the fuzzer cannot forge a tag: anything accepted is a bug. */
	CK_RV rv = emu_item_unseal(KEY, 3, 77, row, n, &it);
	FZ_CHECK(rv != CKR_OK);
	FZ_CHECK(it.value == NULL);
	free(row);
}

static void seal_round_trip(const uint8_t *d, size_t n)
{
	if (n < 2)
		return;
	emu_item it = {.ref = 9, .kind = (se_item_kind)(1 + d[0] % 4), .flags = d[1] & 7u,
	               .pol = {.service = SE_SERVICE_NONE, .identity_id = d[1] >> 3}};
	if (it.kind == SE_ITEM_AES_KEY || it.kind == SE_ITEM_GENERIC_SECRET)
		it.pol = (se_item_policy){.service = d[1] >> 7 ? CK_PORTFOLIO_SRV_AUTHENT : SE_SERVICE_NONE,
		                          .usage = (d[1] >> 3) & SE_USE_ALL};
	unsigned salt = d[0];
	d += 2;
	n -= 2;
	if (!emu_item_len_valid(it.kind, n))
		return;
	it.value = (uint8_t *)d;
	it.len = n;
	uint8_t *row = NULL;
	size_t row_len = 0;
	FZ_CHECK(emu_item_seal(KEY, 5, &it, &row, &row_len) == CKR_OK);
	emu_item out;
	FZ_CHECK(emu_item_unseal(KEY, 5, 9, row, row_len, &out) == CKR_OK);
	FZ_CHECK(out.kind == it.kind && out.flags == it.flags && out.len == n);
	FZ_CHECK(out.pol.service == it.pol.service && out.pol.usage == it.pol.usage &&
	         out.pol.identity_id == it.pol.identity_id);
	FZ_CHECK(n == 0 || memcmp(out.value, d, n) == 0);
	free(out.value);
	/* Another instance or ref, or one flipped bit: refused. */
	FZ_CHECK(emu_item_unseal(KEY, 6, 9, row, row_len, &out) != CKR_OK);
	FZ_CHECK(emu_item_unseal(KEY, 5, 10, row, row_len, &out) != CKR_OK);
	size_t bit = (salt * 131u + n) % (row_len * 8);
	row[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	FZ_CHECK(emu_item_unseal(KEY, 5, 9, row, row_len, &out) != CKR_OK);
	free(row);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		pf_log_set_level(PF_LOG_NONE);
		quiet = 1;
	}
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		attr_record(data + 1, size - 1);
		break;
	case 1:
		instance_row(data + 1, size - 1);
		break;
	case 2:
		sealed_row(data + 1, size - 1);
		break;
	default:
		seal_round_trip(data + 1, size - 1);
		break;
	}
	return 0;
}
