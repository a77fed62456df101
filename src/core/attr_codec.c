#include "config.h"
#include "core/attr_codec.h"
#include "util/bytes.h"

#include <stdlib.h>
#include <string.h>

#define HEADER_LEN (4 + 8 + 8 + 2)

void core_attrs_free(core_attr *attrs, size_t n)
{
	if (attrs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(attrs[i].val);
	free(attrs);
}

CK_RV attr_codec_encode(const core_attr *attrs, size_t n, se_ref value_ref, se_ref hash_ref,
                        uint8_t **out, size_t *out_len)
{
	if (n > ATTR_CODEC_MAX_ATTRS)
		return CKR_GENERAL_ERROR;
	size_t total = HEADER_LEN;
	for (size_t i = 0; i < n; i++) {
		if (attrs[i].len > ATTR_CODEC_MAX_VALUE)
			return CKR_GENERAL_ERROR;
		total += 12 + attrs[i].len;
	}
	uint8_t *buf = malloc(total);
	if (buf == NULL)
		return CKR_HOST_MEMORY;
	uint8_t *p = buf;
	*p++ = 'P';
	*p++ = 'F';
	*p++ = ATTR_CODEC_VERSION;
	*p++ = 0;
	pf_put_be64(p, value_ref);
	p += 8;
	pf_put_be64(p, hash_ref);
	p += 8;
	*p++ = (uint8_t)(n >> 8);
	*p++ = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		pf_put_be64(p, (uint64_t)attrs[i].type);
		pf_put_be32(p + 8, (uint32_t)attrs[i].len);
		p += 12;
		if (attrs[i].len != 0) {
			memcpy(p, attrs[i].val, attrs[i].len);
			p += attrs[i].len;
		}
	}
	*out = buf;
	*out_len = total;
	return CKR_OK;
}

CK_RV attr_codec_decode(const uint8_t *rec, size_t len, core_attr **attrs_out, size_t *n_out,
                        se_ref *value_ref, se_ref *hash_ref)
{
	if (rec == NULL || len < HEADER_LEN || rec[0] != 'P' || rec[1] != 'F' ||
	    rec[2] != ATTR_CODEC_VERSION || rec[3] != 0)
		return CKR_DATA_INVALID;
	uint64_t vref = pf_get_be64(rec + 4);
	uint64_t href = pf_get_be64(rec + 12);
	size_t n = (size_t)rec[20] << 8 | rec[21];
	if (n > ATTR_CODEC_MAX_ATTRS)
		return CKR_DATA_INVALID;
	core_attr *attrs = calloc(n ? n : 1, sizeof *attrs);
	if (attrs == NULL)
		return CKR_HOST_MEMORY;
	size_t off = HEADER_LEN;
	CK_RV rv = CKR_OK;
	size_t i;
	for (i = 0; i < n; i++) {
		if (len - off < 12) {
			rv = CKR_DATA_INVALID;
			break;
		}
		uint64_t type = pf_get_be64(rec + off);
		uint32_t vlen = pf_get_be32(rec + off + 8);
		off += 12;
		if (type != (uint64_t)(CK_ATTRIBUTE_TYPE)type || vlen > ATTR_CODEC_MAX_VALUE ||
		    vlen > len - off) {
			rv = CKR_DATA_INVALID;
			break;
		}
		for (size_t j = 0; j < i; j++) {
			if (attrs[j].type == (CK_ATTRIBUTE_TYPE)type) {
				rv = CKR_DATA_INVALID;
				break;
			}
		}
		if (rv != CKR_OK)
			break;
		attrs[i].type = (CK_ATTRIBUTE_TYPE)type;
		attrs[i].len = vlen;
		if (vlen != 0) {
			attrs[i].val = malloc(vlen);
			if (attrs[i].val == NULL) {
				rv = CKR_HOST_MEMORY;
				break;
			}
			memcpy(attrs[i].val, rec + off, vlen);
			off += vlen;
		}
	}
	if (rv == CKR_OK && off != len)
		rv = CKR_DATA_INVALID;
	if (rv != CKR_OK) {
		core_attrs_free(attrs, i < n ? i + 1 : n);
		return rv;
	}
	*attrs_out = attrs;
	*n_out = n;
	*value_ref = vref;
	*hash_ref = href;
	return CKR_OK;
}
