/*
 * emu_manifest.c - the sealed manifest of an instance's secret rows. Each row
 * alone is authentic (emu_seal.c) but nothing said which version of it is the
 * latest, nor whether it still exists: someone who can write the store could
 * put back an older row (a key from before its usage was restricted, an older
 * Identity hash) or a destroyed key's row. The manifest says, for every live
 * row, which bytes it holds:
 *
 *   K_manifest = HMAC-SHA256(token key, "portfolio-pkcs11 manifest key v1")
 *   tag(row)   = HMAC-SHA256(K_manifest, iid (8) || ref (8) || row as stored),
 *                first 16 bytes
 *   manifest   = the (ref, tag) of every live row, ascending refs, sealed under
 *                the token key in the store's meta table as pages and a root
 *                that binds them (emu_manifest_page.c); the root and the row's
 *                page are rewritten in the same transaction as every row
 *                write (read-modify-write under BEGIN IMMEDIATE: processes
 *                serialise, a crash leaves all old or all new).
 *
 * A list rather than one XOR of the tags (the first design): with a list each
 * row gets its own verdict, so a replayed, put-back or tampered row is refused
 * alone and the rest of the token stays usable (docs/security.md, item 3 of
 * issue 8), where a single digest could only refuse the whole login. Cost: a
 * write re-seals 24 bytes per row (docs/storage.md has the measurement).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "se/emu/emu_manifest_local.h"
#include "store/store.h"
#include "util/bytes.h"
#include "util/log.h"
#include "util/secure.h"

static const char key_label[] = "portfolio-pkcs11 manifest key v1";

CK_RV emu_manifest_unlock(se_token *t)
{
	if (pf_mac_oneshot(PF_MAC_HMAC_SHA256, t->token_key, EMU_TOKEN_KEY_LEN, key_label,
	                   sizeof key_label - 1, t->manifest_key, EMU_MANIFEST_KEY_LEN) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	pf_mac_free(t->manifest_mac);
	t->manifest_mac = pf_mac_new(PF_MAC_HMAC_SHA256, EMU_MANIFEST_KEY_LEN);
	if (t->manifest_mac == NULL)
		return CKR_HOST_MEMORY;
	return pf_mac_set_key(t->manifest_mac, t->manifest_key, EMU_MANIFEST_KEY_LEN) == PF_CRYPTO_OK
	           ? CKR_OK
	           : CKR_FUNCTION_FAILED;
}

void emu_manifest_lock(se_token *t)
{
	pf_mac_free(t->manifest_mac);
	t->manifest_mac = NULL;
	pf_wipe(t->manifest_key, sizeof(t->manifest_key));
}

CK_RV emu_manifest_open(se_token *t, emu_manifest *m)
{
	memset(m, 0, sizeof *m);
	m->token = t;
	return CKR_OK;
}

void emu_manifest_close(emu_manifest *m)
{
	free(m->ref);
	free(m->tag);
	free(m->seen);
	free(m->page);
	memset(m, 0, sizeof *m);
}

static CK_RV row_tag(const se_token *t, se_ref ref, const uint8_t *row, size_t len,
                     uint8_t tag[EMU_MANIFEST_TAG_LEN])
{
	uint8_t head[16];
	pf_put_be64(head, (uint64_t)t->iid);
	pf_put_be64(head + 8, ref);
	return t->manifest_mac != NULL && pf_mac_restart(t->manifest_mac) == PF_CRYPTO_OK &&
	               pf_mac_update(t->manifest_mac, head, sizeof head) == PF_CRYPTO_OK &&
	               pf_mac_update(t->manifest_mac, row, len) == PF_CRYPTO_OK &&
	               pf_mac_final(t->manifest_mac, tag, EMU_MANIFEST_TAG_LEN) == PF_CRYPTO_OK
	           ? CKR_OK
	           : CKR_FUNCTION_FAILED;
}

CK_RV emu_manifest_reserve(emu_manifest *m, size_t n)
{
	se_ref *r = realloc(m->ref, (n ? n : 1) * sizeof *r);
	if (r != NULL)
		m->ref = r;
	uint8_t(*g)[EMU_MANIFEST_TAG_LEN] = realloc(m->tag, (n ? n : 1) * sizeof *g);
	if (g != NULL)
		m->tag = g;
	uint8_t *s = realloc(m->seen, n ? n : 1);
	if (s != NULL)
		m->seen = s;
	return r != NULL && g != NULL && s != NULL ? CKR_OK : CKR_HOST_MEMORY;
}

size_t emu_manifest_lower_bound(const emu_manifest *m, se_ref ref)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->ref[mid] < ref)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

CK_RV emu_manifest_insert(emu_manifest *m, const uint8_t *body, uint64_t count, se_ref lo, se_ref hi)
{
	size_t at = emu_manifest_lower_bound(m, lo);
	if (count > 0 && at < m->n && m->ref[at] < hi)
		return CKR_DEVICE_ERROR; /* entries of that range already listed */
	for (size_t i = 0; i < count; i++) {
		se_ref ref = pf_get_be64(body + i * EMU_MANIFEST_ENTRY_LEN);
		if (ref < lo || ref >= hi || (i > 0 && ref <= pf_get_be64(body + (i - 1) * EMU_MANIFEST_ENTRY_LEN)))
			return CKR_DEVICE_ERROR; /* refs ascend strictly: written only by us */
	}
	CK_RV rv = emu_manifest_reserve(m, m->n + (size_t)count);
	if (rv != CKR_OK)
		return rv;
	memmove(m->ref + at + count, m->ref + at, (m->n - at) * sizeof *m->ref);
	memmove(m->tag + at + count, m->tag + at, (m->n - at) * sizeof *m->tag);
	memmove(m->seen + at + count, m->seen + at, m->n - at);
	for (size_t i = 0; i < count; i++) {
		m->ref[at + i] = pf_get_be64(body + i * EMU_MANIFEST_ENTRY_LEN);
		memcpy(m->tag[at + i], body + i * EMU_MANIFEST_ENTRY_LEN + 8, EMU_MANIFEST_TAG_LEN);
	}
	memset(m->seen + at, 0, (size_t)count);
	m->n += (size_t)count;
	return CKR_OK;
}

/* ---- verdicts on rows read ---------------------------------------------------- */

/* Record (ref, tag) at index i (sorted position): replace when present, insert when not. */
static CK_RV set_entry(emu_manifest *m, size_t i, se_ref ref, const uint8_t tag[EMU_MANIFEST_TAG_LEN])
{
	if (i < m->n && m->ref[i] == ref) {
		memcpy(m->tag[i], tag, EMU_MANIFEST_TAG_LEN);
		return CKR_OK;
	}
	CK_RV rv = emu_manifest_reserve(m, m->n + 1);
	if (rv != CKR_OK)
		return rv;
	memmove(m->ref + i + 1, m->ref + i, (m->n - i) * sizeof *m->ref);
	memmove(m->tag + i + 1, m->tag + i, (m->n - i) * sizeof *m->tag);
	memmove(m->seen + i + 1, m->seen + i, m->n - i);
	m->ref[i] = ref;
	memcpy(m->tag[i], tag, EMU_MANIFEST_TAG_LEN);
	m->seen[i] = 0;
	m->n++;
	return CKR_OK;
}

static void drop_entry(emu_manifest *m, size_t i)
{
	memmove(m->ref + i, m->ref + i + 1, (m->n - i - 1) * sizeof *m->ref);
	memmove(m->tag + i, m->tag + i + 1, (m->n - i - 1) * sizeof *m->tag);
	memmove(m->seen + i, m->seen + i + 1, m->n - i - 1);
	m->n--;
}

/* The root lists ref's page: it is loaded (now, if it was not). 0: not listed. */
static CK_RV listed_page(const se_token *t, emu_manifest *m, se_ref ref, int *listed)
{
	size_t at;
	*listed = emu_manifest_page_find(m, emu_manifest_page_of(ref), &at);
	return *listed && !m->page[at].loaded ? emu_manifest_page_load(t, m, at) : CKR_OK;
}

CK_RV emu_manifest_verdict(const se_token *t, emu_manifest *m, se_ref ref, const uint8_t *row,
                           size_t len, emu_row_verdict *out)
{
	uint8_t tag[EMU_MANIFEST_TAG_LEN];
	CK_RV rv = row_tag(t, ref, row, len, tag);
	int listed = 0;
	if (rv == CKR_OK && m->present)
		rv = listed_page(t, m, ref, &listed);
	if (rv != CKR_OK)
		return rv;
	size_t i = emu_manifest_lower_bound(m, ref);
	if (!m->present) { /* trust on first use: the rows as they are now */
		rv = set_entry(m, i, ref, tag);
		if (rv == CKR_OK)
			m->seen[i] = 1;
		*out = EMU_ROW_LIVE;
		return rv;
	}
	if (!listed || i == m->n || m->ref[i] != ref) {
		*out = EMU_ROW_UNLISTED;
		PF_ERROR("emulator: instance %lu: secret row %llu refused: the sealed manifest does not "
		         "list it (a destroyed item's row put back, or a row added)",
		         (unsigned long)t->iid, (unsigned long long)ref);
		return CKR_OK;
	}
	m->seen[i] = 1;
	*out = pf_ct_equal(m->tag[i], tag, EMU_MANIFEST_TAG_LEN) ? EMU_ROW_LIVE : EMU_ROW_STALE;
	if (*out == EMU_ROW_STALE)
		PF_ERROR("emulator: instance %lu: secret row %llu refused: it does not match the sealed "
		         "manifest (replaced by an older copy, or tampered with)",
		         (unsigned long)t->iid, (unsigned long long)ref);
	return CKR_OK;
}

CK_RV emu_manifest_finish(se_token *t, emu_manifest *m)
{
	if (!m->read)
		return CKR_OK; /* a refresh that judged no row */
	if (!m->present) {
		PF_WARN("emulator: instance %lu: no sealed manifest yet; sealing one over its %zu secret "
		        "rows as they are (first login since the upgrade: trust on first use)",
		        (unsigned long)t->iid, m->n);
		CK_RV rv = emu_manifest_pages_from_list(m);
		return rv == CKR_OK ? emu_manifest_seal(t->st, t->iid, t->token_key, m) : rv;
	}
	for (size_t i = 0; i < m->n; i++)
		if (!m->seen[i])
			PF_ERROR("emulator: instance %lu: secret row %llu is missing: the sealed manifest "
			         "lists it (removed from the store)",
			         (unsigned long)t->iid, (unsigned long long)m->ref[i]);
	if (m->format == 1) { /* one list: sealed again as pages */
		PF_INFO("emulator: instance %lu: sealed manifest of format 1 written again as pages",
		        (unsigned long)t->iid);
		return emu_manifest_seal(t->st, t->iid, t->token_key, m);
	}
	return CKR_OK;
}

/* ---- writes ------------------------------------------------------------------------ */

CK_RV emu_manifest_row_write(se_token *t, se_ref ref, const uint8_t *row, size_t row_len,
                             const uint8_t *fp, CK_ULONG *owner_iid)
{
	emu_manifest m;
	CK_RV rv = emu_manifest_open(t, &m);
	if (rv == CKR_OK)
		rv = emu_manifest_read(t, &m);
	if (rv == CKR_OK && !m.present) {
		PF_ERROR("emulator: instance %lu: no sealed manifest to update (log in again)",
		         (unsigned long)t->iid);
		rv = CKR_DEVICE_ERROR;
	}
	if (rv == CKR_OK) /* the root and ref's page: a format-1 list is all loaded, all to be sealed */
		rv = emu_manifest_page_touch(t, &m, ref);
	if (rv == CKR_OK)
		rv = row != NULL ? store_secret_put(t->st, t->iid, ref, row, row_len, fp, owner_iid)
		                 : store_secret_delete(t->st, t->iid, ref);
	size_t i = emu_manifest_lower_bound(&m, ref);
	uint8_t tag[EMU_MANIFEST_TAG_LEN];
	if (rv == CKR_OK && row != NULL && (rv = row_tag(t, ref, row, row_len, tag)) == CKR_OK)
		rv = set_entry(&m, i, ref, tag);
	else if (rv == CKR_OK && i < m.n && m.ref[i] == ref)
		drop_entry(&m, i);
	if (rv == CKR_OK)
		rv = emu_manifest_seal(t->st, t->iid, t->token_key, &m);
	emu_manifest_close(&m);
	return rv;
}
