/* store_edit.c - see store_edit.h. */
#include "config.h"
#include "core_test_util.h"
#include "store_edit.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/attr_codec.h"

typedef struct find_ctx {
	const char *label;
	se_row *out;
} find_ctx;

static CK_RV match_label(void *ctx, uint64_t oid, const uint8_t *rec, size_t len)
{
	find_ctx *c = ctx;
	se_row r = {.oid = oid};
	assert_int_equal(attr_codec_decode(rec, len, &r.attrs, &r.n, &r.value_ref, &r.hash_ref), CKR_OK);
	for (size_t i = 0; i < r.n; i++) {
		if (r.attrs[i].type == CKA_LABEL && r.attrs[i].len == strlen(c->label) &&
		    memcmp(r.attrs[i].val, c->label, r.attrs[i].len) == 0) {
			*c->out = r;
			return CKR_OK;
		}
	}
	core_attrs_free(r.attrs, r.n);
	return CKR_OK;
}

store *edit_open_store(CK_ULONG *iids, size_t want)
{
	char path[600];
	snprintf(path, sizeof path, "%s/store.db", ct_dir());
	store *st = NULL;
	assert_int_equal(store_open(path, &st), CKR_OK);
	CK_ULONG *all = NULL;
	size_t count = 0;
	assert_int_equal(store_instance_list(st, &all, &count), CKR_OK);
	assert_int_equal(count, want);
	memcpy(iids, all, want * sizeof *iids);
	free(all);
	return st;
}

se_row edit_read_row(store *st, CK_ULONG iid, const char *label)
{
	se_row r = {0};
	find_ctx c = {label, &r};
	assert_int_equal(store_object_foreach(st, iid, match_label, &c), CKR_OK);
	assert_non_null(r.attrs);
	return r;
}

void edit_write_row(store *st, CK_ULONG iid, se_row *r)
{
	uint8_t *rec = NULL;
	size_t len = 0;
	assert_int_equal(attr_codec_encode(r->attrs, r->n, r->value_ref, r->hash_ref, &rec, &len), CKR_OK);
	assert_int_equal(store_object_put(st, iid, r->oid, rec, len), CKR_OK);
	free(rec);
	core_attrs_free(r->attrs, r->n);
}
