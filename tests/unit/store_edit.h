/* store_edit.h - what an attacker who can write the store does to it, for the
 * tests of records at rest: open the file beside a finalized module and
 * rewrite object rows (decoded, edited, encoded again). */
#ifndef STORE_EDIT_H
#define STORE_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/attr.h"
#include "core/attr_codec.h"
#include "store/store.h"

typedef struct se_row {
	uint64_t oid;
	core_attr *attrs;
	size_t n;
	se_ref value_ref, hash_ref;
} se_row;

/* The test's store (ct_dir()/store.db), which must hold exactly want
 * instances; their ids, ascending, in iids[0..want). */
store *edit_open_store(CK_ULONG *iids, size_t want);
/* The object row of instance iid labelled label (the test fails without one). */
se_row edit_read_row(store *st, CK_ULONG iid, const char *label);
/* Writes r back as the row of its object, and frees its attributes. */
void edit_write_row(store *st, CK_ULONG iid, se_row *r);

#endif
