/*
 * attr_codec.h - the object attribute record kept in the store (one row per
 * token object). It holds the non-secret attributes and the references of the
 * object's secure-component items; never a secret value.
 *
 * Format, version 1 (all integers big-endian):
 *   "PF" 0x01 0x00                  magic, version, reserved (must be 0)
 *   u64 value_ref, u64 hash_ref     secure-component items (0 = none)
 *   u16 count                       number of attributes, <= ATTR_CODEC_MAX_ATTRS
 *   count x { u64 type, u32 len, len bytes }   len <= ATTR_CODEC_MAX_VALUE,
 *                                              types strictly distinct
 * The record must be consumed exactly. Values are kept as the module holds
 * them in memory (CK_ULONG and CK_BBOOL in host form): the store is local to
 * the host. The decoder trusts nothing: it is fuzzed.
 */
#ifndef PORTFOLIO_CORE_ATTR_CODEC_H
#define PORTFOLIO_CORE_ATTR_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "core/core.h"

#define ATTR_CODEC_VERSION 1
#define ATTR_CODEC_MAX_ATTRS 64
#define ATTR_CODEC_MAX_VALUE 1024

CK_RV attr_codec_encode(const core_attr *attrs, size_t n, se_ref value_ref, se_ref hash_ref,
                        uint8_t **out, size_t *out_len);
/* CKR_DATA_INVALID for any malformed record; on success *attrs is owned by the caller
 * (core_attrs_free). */
CK_RV attr_codec_decode(const uint8_t *rec, size_t len, core_attr **attrs, size_t *n,
                        se_ref *value_ref, se_ref *hash_ref);
void core_attrs_free(core_attr *attrs, size_t n);

#endif
