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
 *                the token key (AES-256-GCM, AAD binds the iid), in the store's
 *                meta table; rewritten in the same transaction as every row
 *                write (read-modify-write under BEGIN IMMEDIATE: processes
 *                serialise, a crash leaves both old or both new).
 *
 * A list rather than one XOR of the tags (the first design): with a list each
 * row gets its own verdict, so a replayed, put-back or tampered row is refused
 * alone and the rest of the token stays usable (docs/security.md, item 3 of
 * issue 8), where a single digest could only refuse the whole login. Cost: a
 * write re-seals 24 bytes per row (docs/storage.md has the measurement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "crypto/crypto.h"
#include "se/emu/emu_token.h"
#include "store/store.h"
#include "util/bytes.h"
#include "util/log.h"
#include "util/secure.h"

#define MANIFEST_FORMAT 1
#define ENTRY_LEN (8 + EMU_MANIFEST_TAG_LEN)
#define HEAD_LEN (1 + EMU_NONCE_LEN + 8) /* format, nonce, count (clear, authenticated) */
#define MANIFEST_AAD_LEN (4 + 1 + 8 + 8)
/* Bounds what a crafted record can make us allocate before its tag is checked. */
#define MANIFEST_MAX_ENTRIES (1u << 22)

static const char key_label[] = "portfolio-pkcs11 manifest key v1";

static void meta_name(CK_ULONG iid, char name[40])
{
	snprintf(name, 40, "emu.manifest.%lu", (unsigned long)iid);
}

/* AAD = "PFMF" || 01 || iid (8) || count (8). */
static void manifest_aad(uint8_t aad[MANIFEST_AAD_LEN], CK_ULONG iid, uint64_t count)
{
	memcpy(aad, "PFMF", 4);
	aad[4] = MANIFEST_FORMAT;
	pf_put_be64(aad + 5, (uint64_t)iid);
	pf_put_be64(aad + 13, count);
}

CK_RV emu_manifest_key(const uint8_t token_key[EMU_TOKEN_KEY_LEN], uint8_t out[EMU_MANIFEST_KEY_LEN])
{
	return pf_mac_oneshot(PF_MAC_HMAC_SHA256, token_key, EMU_TOKEN_KEY_LEN, key_label,
	                      sizeof key_label - 1, out, EMU_MANIFEST_KEY_LEN) == PF_CRYPTO_OK
	           ? CKR_OK
	           : CKR_FUNCTION_FAILED;
}

CK_RV emu_manifest_open(se_token *t, emu_manifest *m)
{
	memset(m, 0, sizeof *m);
	m->token = t;
	m->mac = pf_mac_new(PF_MAC_HMAC_SHA256, EMU_MANIFEST_KEY_LEN);
	if (m->mac == NULL)
		return CKR_HOST_MEMORY;
	if (pf_mac_set_key(m->mac, t->manifest_key, EMU_MANIFEST_KEY_LEN) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	return CKR_OK;
}

void emu_manifest_close(emu_manifest *m)
{
	pf_mac_free(m->mac);
	free(m->ref);
	free(m->tag);
	free(m->seen);
	memset(m, 0, sizeof *m);
}

static CK_RV row_tag(emu_manifest *m, CK_ULONG iid, se_ref ref, const uint8_t *row, size_t len,
                     uint8_t tag[EMU_MANIFEST_TAG_LEN])
{
	uint8_t head[16];
	pf_put_be64(head, (uint64_t)iid);
	pf_put_be64(head + 8, ref);
	return pf_mac_restart(m->mac) == PF_CRYPTO_OK &&
	               pf_mac_update(m->mac, head, sizeof head) == PF_CRYPTO_OK &&
	               pf_mac_update(m->mac, row, len) == PF_CRYPTO_OK &&
	               pf_mac_final(m->mac, tag, EMU_MANIFEST_TAG_LEN) == PF_CRYPTO_OK
	           ? CKR_OK
	           : CKR_FUNCTION_FAILED;
}

static CK_RV reserve(emu_manifest *m, size_t n)
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

/* Index of the first entry whose ref >= ref. */
static size_t lower_bound(const emu_manifest *m, se_ref ref)
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

/* ---- the sealed record ------------------------------------------------------ */

static CK_RV decode_entries(emu_manifest *m, const uint8_t *body, uint64_t count)
{
	CK_RV rv = reserve(m, (size_t)count);
	for (size_t i = 0; rv == CKR_OK && i < count; i++) {
		m->ref[i] = pf_get_be64(body + i * ENTRY_LEN);
		memcpy(m->tag[i], body + i * ENTRY_LEN + 8, EMU_MANIFEST_TAG_LEN);
		if (i > 0 && m->ref[i] <= m->ref[i - 1])
			rv = CKR_DEVICE_ERROR; /* refs ascend strictly: written only by us */
	}
	m->n = rv == CKR_OK ? (size_t)count : 0;
	if (m->seen != NULL)
		memset(m->seen, 0, m->n ? m->n : 1);
	return rv;
}

static CK_RV open_record(const se_token *t, emu_manifest *m, const uint8_t *rec, size_t len)
{
	uint64_t count = len >= HEAD_LEN ? pf_get_be64(rec + 1 + EMU_NONCE_LEN) : 0;
	if (len < HEAD_LEN + EMU_TAG_LEN || rec[0] != MANIFEST_FORMAT || count > MANIFEST_MAX_ENTRIES ||
	    len != HEAD_LEN + count * ENTRY_LEN + EMU_TAG_LEN)
		return CKR_DEVICE_ERROR;
	size_t body_len = (size_t)count * ENTRY_LEN;
	uint8_t *body = malloc(body_len ? body_len : 1), aad[MANIFEST_AAD_LEN];
	if (body == NULL)
		return CKR_HOST_MEMORY;
	manifest_aad(aad, t->iid, count);
	CK_RV rv = emu_gcm_open(t->token_key, rec + 1, aad, sizeof aad, rec + HEAD_LEN, body_len,
	                        rec + HEAD_LEN + body_len, body);
	if (rv == CKR_OK)
		rv = decode_entries(m, body, count);
	free(body);
	return rv == CKR_HOST_MEMORY ? rv : (rv == CKR_OK ? CKR_OK : CKR_DEVICE_ERROR);
}

CK_RV emu_manifest_read(const se_token *t, emu_manifest *m)
{
	char name[40];
	uint8_t *rec = NULL;
	size_t len = 0;
	m->n = 0;
	m->present = 0;
	m->read = 1;
	meta_name(t->iid, name);
	CK_RV rv = store_meta_get(t->st, name, &rec, &len);
	if (rv != CKR_OK || rec == NULL)
		return rv == CKR_OK ? reserve(m, 0) : rv;
	rv = open_record(t, m, rec, len);
	store_free(rec, len);
	if (rv == CKR_DEVICE_ERROR)
		PF_ERROR("emulator: instance %lu: its sealed manifest does not open (tampered, "
		         "malformed, or of another life of the instance)", (unsigned long)t->iid);
	m->present = rv == CKR_OK;
	return rv;
}

CK_RV emu_manifest_write(struct store *st, CK_ULONG iid, const uint8_t token_key[EMU_TOKEN_KEY_LEN],
                         const emu_manifest *m)
{
	size_t body_len = m->n * ENTRY_LEN, len = HEAD_LEN + body_len + EMU_TAG_LEN;
	uint8_t *rec = malloc(len), *body = malloc(body_len ? body_len : 1), aad[MANIFEST_AAD_LEN];
	CK_RV rv = rec != NULL && body != NULL ? CKR_OK : CKR_HOST_MEMORY;
	for (size_t i = 0; rv == CKR_OK && i < m->n; i++) {
		pf_put_be64(body + i * ENTRY_LEN, m->ref[i]);
		memcpy(body + i * ENTRY_LEN + 8, m->tag[i], EMU_MANIFEST_TAG_LEN);
	}
	if (rv == CKR_OK) {
		rec[0] = MANIFEST_FORMAT;
		pf_put_be64(rec + 1 + EMU_NONCE_LEN, (uint64_t)m->n);
		manifest_aad(aad, iid, (uint64_t)m->n);
		rv = pf_random(rec + 1, EMU_NONCE_LEN) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
	}
	if (rv == CKR_OK)
		rv = emu_gcm_seal(token_key, rec + 1, aad, sizeof aad, body, body_len, rec + HEAD_LEN,
		                  rec + HEAD_LEN + body_len);
	if (rv == CKR_OK) {
		char name[40];
		meta_name(iid, name);
		rv = store_meta_put(st, name, rec, len);
	}
	free(body);
	free(rec);
	return rv;
}

CK_RV emu_manifest_write_empty(struct store *st, CK_ULONG iid,
                               const uint8_t token_key[EMU_TOKEN_KEY_LEN])
{
	emu_manifest none = {0};
	return emu_manifest_write(st, iid, token_key, &none);
}

/* ---- verdicts on rows read ---------------------------------------------------- */

/* Record (ref, tag) at index i (sorted position): replace when present, insert when not. */
static CK_RV set_entry(emu_manifest *m, size_t i, se_ref ref, const uint8_t tag[EMU_MANIFEST_TAG_LEN])
{
	if (i < m->n && m->ref[i] == ref) {
		memcpy(m->tag[i], tag, EMU_MANIFEST_TAG_LEN);
		return CKR_OK;
	}
	CK_RV rv = reserve(m, m->n + 1);
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

CK_RV emu_manifest_verdict(const se_token *t, emu_manifest *m, se_ref ref, const uint8_t *row,
                           size_t len, emu_row_verdict *out)
{
	uint8_t tag[EMU_MANIFEST_TAG_LEN];
	CK_RV rv = row_tag(m, t->iid, ref, row, len, tag);
	if (rv != CKR_OK)
		return rv;
	size_t i = lower_bound(m, ref);
	if (!m->present) { /* trust on first use: the rows as they are now */
		rv = set_entry(m, i, ref, tag);
		if (rv == CKR_OK)
			m->seen[i] = 1;
		*out = EMU_ROW_LIVE;
		return rv;
	}
	if (i == m->n || m->ref[i] != ref) {
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
		return emu_manifest_write(t->st, t->iid, t->token_key, m);
	}
	for (size_t i = 0; i < m->n; i++)
		if (!m->seen[i])
			PF_ERROR("emulator: instance %lu: secret row %llu is missing: the sealed manifest "
			         "lists it (removed from the store)",
			         (unsigned long)t->iid, (unsigned long long)m->ref[i]);
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
	if (rv == CKR_OK)
		rv = row != NULL ? store_secret_put(t->st, t->iid, ref, row, row_len, fp, owner_iid)
		                 : store_secret_delete(t->st, t->iid, ref);
	size_t i = lower_bound(&m, ref);
	uint8_t tag[EMU_MANIFEST_TAG_LEN];
	if (rv == CKR_OK && row != NULL && (rv = row_tag(&m, t->iid, ref, row, row_len, tag)) == CKR_OK)
		rv = set_entry(&m, i, ref, tag);
	else if (rv == CKR_OK && i < m.n && m.ref[i] == ref)
		drop_entry(&m, i);
	if (rv == CKR_OK)
		rv = emu_manifest_write(t->st, t->iid, t->token_key, &m);
	emu_manifest_close(&m);
	return rv;
}
