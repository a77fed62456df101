/*
 * object_index.h - the token's search index (object_index.c): which objects
 * carry a given CKA_LABEL, a given CKA_ID, or a given CKA_CLASS +
 * CKA_PORTFOLIO_SERVICE + CKA_PORTFOLIO_KEY_INDEX, and which object holds a
 * secure-component item. Kept in step with the object table by
 * core_object_insert / core_object_unlink and, after an attribute change, by
 * core_index_update. Token lock exclusive for changes, shared for lookups.
 */
#ifndef PORTFOLIO_CORE_OBJECT_INDEX_H
#define PORTFOLIO_CORE_OBJECT_INDEX_H

#include "core/core.h"

/* Index o (after core_object_cache). Never fails visibly: without memory the
 * index is marked unusable and searches scan the table again. */
void core_index_add(core_token *tok, core_object *o);
void core_index_remove(core_token *tok, core_object *o);
/* o's attributes or items changed in place. */
void core_index_update(core_token *tok, core_object *o);
/* The objects that may match t: 1 and (*list, *count) when t names an indexed
 * attribute (valid until the next change of the token), 0 when the caller must
 * scan every object. Candidates still need the full template match. */
int core_index_candidates(const core_token *tok, const CK_ATTRIBUTE *t, CK_ULONG n,
                          core_object *const **list, size_t *count);
/* 1 when an object of the token (any session's, visible or not) is a secret
 * key holding keyset slot (srv, idx): one lookup while the index is whole,
 * a scan of every object otherwise. */
int core_index_keyset_taken(const core_token *tok, CK_ULONG srv, CK_ULONG idx);
/* 1 when every object of the token is in the index (it ran out of memory
 * never, or the token has no objects yet). */
int core_index_complete(const core_token *tok);
/* The object whose value or hash item is ref, or NULL. */
core_object *core_index_by_ref(const core_token *tok, se_ref ref);
void core_index_free(core_token *tok);

#endif
