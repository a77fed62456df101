/* emu_manifest_local.h - between the manifest's list (emu_manifest.c) and its
 * sealed records (emu_manifest_page.c); nothing else uses these. */
#ifndef PORTFOLIO_EMU_MANIFEST_LOCAL_H
#define PORTFOLIO_EMU_MANIFEST_LOCAL_H

#include "se/emu/emu_token.h"

#define EMU_MANIFEST_ENTRY_LEN (8 + EMU_MANIFEST_TAG_LEN) /* ref (8) || tag, as sealed */

/* ---- emu_manifest.c: the list ---------------------------------------------- */

/* Room for n entries. */
CK_RV emu_manifest_reserve(emu_manifest *m, size_t n);
/* Index of the first entry whose ref >= ref. */
size_t emu_manifest_lower_bound(const emu_manifest *m, se_ref ref);
/* Adds count sealed entries (ref || tag, as decrypted) whose refs ascend
 * strictly within [lo, hi) and hold no ref already listed; anything else is
 * CKR_DEVICE_ERROR (written only by us) and m is unchanged. */
CK_RV emu_manifest_insert(emu_manifest *m, const uint8_t *body, uint64_t count, se_ref lo, se_ref hi);

/* ---- emu_manifest_page.c: the records ----------------------------------------- */

/* The page a row belongs to, and the first ref of a page. */
static inline uint64_t emu_manifest_page_of(se_ref ref) { return ref >> EMU_MANIFEST_PAGE_SHIFT; }
static inline se_ref emu_manifest_page_start(uint64_t no) { return no << EMU_MANIFEST_PAGE_SHIFT; }
/* 1 and *at = its index when the root lists page no; 0 and *at = where it would go. */
int emu_manifest_page_find(const emu_manifest *m, uint64_t no, size_t *at);
/* The root's pages made from the list (every one loaded and to be sealed):
 * after a first-use scan, or a format-1 record read. */
CK_RV emu_manifest_pages_from_list(emu_manifest *m);
/* The page of ref, listed (a new empty one when the root had none), loaded,
 * and marked to be sealed again. */
CK_RV emu_manifest_page_touch(const se_token *t, emu_manifest *m, se_ref ref);
/* Reads page m->page[i], checks it against the root's digest and its seal,
 * and adds its entries to the list. */
CK_RV emu_manifest_page_load(const se_token *t, emu_manifest *m, size_t i);
/* Seals every changed page (an empty one leaves the root and the store) and
 * the root. In the caller's transaction. */
CK_RV emu_manifest_seal(struct store *st, CK_ULONG iid, const uint8_t token_key[EMU_TOKEN_KEY_LEN],
                        emu_manifest *m);

#endif
