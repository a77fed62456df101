/*
 * emu_manifest_page.c - the sealed records of the manifest (emu_manifest.c
 * says what it is for), format 2: the (ref, tag) entries are cut into pages
 * (page = ref >> EMU_MANIFEST_PAGE_SHIFT; refs come from store_next_id and
 * ascend, so a page fills and is then left alone), each sealed on its own,
 * and a root lists every non-empty page with the SHA-256 of its record:
 *
 *   page  "emu.manifest.<iid>.<page>"  its entries, AES-256-GCM under the token
 *         key, AAD = "PFMP" || 02 || iid (8) || page (8) || count (8)
 *   root  "emu.manifest.<iid>"         (page, SHA-256 of the page record) for
 *         every page, AES-256-GCM, AAD = "PFMF" || 02 || iid (8) || count (8)
 *
 * The root binds each page's exact bytes: a page put back from an older
 * state, removed, of another page number or of another instance does not
 * match the root, and is refused like a manifest that does not open. A root
 * put back alone names page records that are no longer there. A write
 * re-seals the root and the row's page, in the row's transaction; a refresh
 * that sees changed rows reads the root and their pages only: the cost grows
 * with the rows changed, not with the rows held (docs/storage.md has the bytes
 * and the figures).
 *
 * Format 1 (one record under the root's name listing every row, AAD "PFMF" ||
 * 01 || iid || count) is still read; the next seal (a write, or a login)
 * writes it again as format 2.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "se/emu/emu_manifest_local.h"
#include "store/store.h"
#include "util/bytes.h"
#include "util/log.h"
#include "util/secure.h"

#define HEAD_LEN (1 + EMU_NONCE_LEN + 8) /* format, nonce, count (clear, authenticated) */
#define ROOT_ENTRY_LEN (8 + EMU_MANIFEST_DIGEST_LEN)
#define AAD_MAX (4 + 1 + 8 + 8 + 8)
#define NAME_LEN 64
/* Bounds what a crafted record can make us allocate before its tag is checked. */
#define MAX_ENTRIES (1u << 22)
#define PAGE_SPAN ((uint64_t)1 << EMU_MANIFEST_PAGE_SHIFT)

/* One kind of sealed record: what its header and AAD say, what it holds. */
typedef struct record_kind {
	char magic[4];
	uint8_t format;
	uint8_t paged; /* the AAD names the page */
	size_t entry_len;
	uint64_t max;
} record_kind;

static const record_kind kind_list = {{'P', 'F', 'M', 'F'}, 1, 0, EMU_MANIFEST_ENTRY_LEN, MAX_ENTRIES};
static const record_kind kind_root = {{'P', 'F', 'M', 'F'}, 2, 0, ROOT_ENTRY_LEN, MAX_ENTRIES};
static const record_kind kind_page = {{'P', 'F', 'M', 'P'}, 2, 1, EMU_MANIFEST_ENTRY_LEN, PAGE_SPAN};

static _Atomic uint64_t stat_pages;

#ifdef PORTFOLIO_TEST_HOOKS
uint64_t emu_manifest_pages_opened(void)
{
	return atomic_load_explicit(&stat_pages, memory_order_relaxed);
}
#endif

static void root_name(CK_ULONG iid, char name[NAME_LEN])
{
	snprintf(name, NAME_LEN, "emu.manifest.%lu", (unsigned long)iid);
}

static void page_name(CK_ULONG iid, uint64_t no, char name[NAME_LEN])
{
	snprintf(name, NAME_LEN, "emu.manifest.%lu.%llu", (unsigned long)iid, (unsigned long long)no);
}

static size_t record_aad(uint8_t aad[AAD_MAX], const record_kind *k, CK_ULONG iid, uint64_t page,
                         uint64_t count)
{
	size_t at = 13;
	memcpy(aad, k->magic, 4);
	aad[4] = k->format;
	pf_put_be64(aad + 5, (uint64_t)iid);
	if (k->paged) {
		pf_put_be64(aad + at, page);
		at += 8;
	}
	pf_put_be64(aad + at, count);
	return at + 8;
}

static size_t record_len(const record_kind *k, uint64_t count)
{
	return HEAD_LEN + (size_t)count * k->entry_len + EMU_TAG_LEN;
}

/* Opens rec in place: its *count entries are then at rec + HEAD_LEN. */
static CK_RV record_open(const uint8_t key[EMU_TOKEN_KEY_LEN], const record_kind *k, CK_ULONG iid,
                         uint64_t page, uint8_t *rec, size_t len, uint64_t *count)
{
	uint64_t n = len >= HEAD_LEN ? pf_get_be64(rec + 1 + EMU_NONCE_LEN) : 0;
	if (len < HEAD_LEN + EMU_TAG_LEN || rec[0] != k->format || n > k->max || len != record_len(k, n))
		return CKR_DEVICE_ERROR;
	uint8_t aad[AAD_MAX];
	size_t body_len = (size_t)n * k->entry_len;
	CK_RV rv = emu_gcm_open(key, rec + 1, aad, record_aad(aad, k, iid, page, n), rec + HEAD_LEN,
	                        body_len, rec + HEAD_LEN + body_len, rec + HEAD_LEN);
	*count = n;
	return rv == CKR_OK || rv == CKR_HOST_MEMORY ? rv : CKR_DEVICE_ERROR;
}

/* rec (record_len(k, count) bytes) holds the entries at rec + HEAD_LEN: seals
 * it in place and stores it under name; digest (when not NULL) gets the
 * SHA-256 of the record as stored. */
static CK_RV record_seal(struct store *st, const char *name, const uint8_t key[EMU_TOKEN_KEY_LEN],
                         const record_kind *k, CK_ULONG iid, uint64_t page, uint8_t *rec,
                         uint64_t count, uint8_t digest[EMU_MANIFEST_DIGEST_LEN])
{
	size_t body_len = (size_t)count * k->entry_len, len = record_len(k, count);
	uint8_t aad[AAD_MAX];
	rec[0] = k->format;
	pf_put_be64(rec + 1 + EMU_NONCE_LEN, count);
	CK_RV rv = pf_random(rec + 1, EMU_NONCE_LEN) == PF_CRYPTO_OK ? CKR_OK : CKR_FUNCTION_FAILED;
	if (rv == CKR_OK)
		rv = emu_gcm_seal(key, rec + 1, aad, record_aad(aad, k, iid, page, count), rec + HEAD_LEN,
		                  body_len, rec + HEAD_LEN, rec + HEAD_LEN + body_len);
	if (rv == CKR_OK && digest != NULL &&
	    pf_digest_oneshot(PF_MD_SHA256, rec, len, digest) != PF_CRYPTO_OK)
		rv = CKR_FUNCTION_FAILED;
	if (rv == CKR_OK)
		rv = store_meta_put(st, name, rec, len);
	return rv;
}

/* ---- the root's pages ---------------------------------------------------------- */

int emu_manifest_page_find(const emu_manifest *m, uint64_t no, size_t *at)
{
	size_t lo = 0, hi = m->npages;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->page[mid].no < no)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return lo < m->npages && m->page[lo].no == no;
}

/* A new page entry at index at (sorted position). */
static CK_RV page_insert(emu_manifest *m, size_t at, uint64_t no, int loaded)
{
	emu_manifest_page *p = realloc(m->page, (m->npages + 1) * sizeof *p);
	if (p == NULL)
		return CKR_HOST_MEMORY;
	m->page = p;
	memmove(p + at + 1, p + at, (m->npages - at) * sizeof *p);
	memset(&p[at], 0, sizeof p[at]);
	p[at].no = no;
	p[at].loaded = (uint8_t)loaded;
	p[at].dirty = (uint8_t)loaded;
	m->npages++;
	return CKR_OK;
}

CK_RV emu_manifest_pages_from_list(emu_manifest *m)
{
	m->npages = 0;
	CK_RV rv = CKR_OK;
	for (size_t i = 0; rv == CKR_OK && i < m->n; i++) {
		uint64_t no = emu_manifest_page_of(m->ref[i]);
		if (m->npages == 0 || m->page[m->npages - 1].no != no)
			rv = page_insert(m, m->npages, no, 1);
	}
	return rv;
}

CK_RV emu_manifest_page_touch(const se_token *t, emu_manifest *m, se_ref ref)
{
	size_t at;
	uint64_t no = emu_manifest_page_of(ref);
	CK_RV rv = CKR_OK;
	if (!emu_manifest_page_find(m, no, &at))
		rv = page_insert(m, at, no, 1);
	else if (!m->page[at].loaded)
		rv = emu_manifest_page_load(t, m, at);
	if (rv == CKR_OK)
		m->page[at].dirty = 1;
	return rv;
}

/* ---- reading ----------------------------------------------------------------------- */

static CK_RV page_refused(const se_token *t, uint64_t no, const char *why)
{
	PF_ERROR("emulator: instance %lu: page %llu of its sealed manifest %s (put back from an "
	         "older state, removed, moved or tampered with)",
	         (unsigned long)t->iid, (unsigned long long)no, why);
	return CKR_DEVICE_ERROR;
}

/* The record of page p, checked against the root's digest, then opened. */
static CK_RV page_open(const se_token *t, emu_manifest *m, const emu_manifest_page *p, uint8_t *rec,
                       size_t len)
{
	uint8_t digest[EMU_MANIFEST_DIGEST_LEN];
	uint64_t count = 0;
	if (pf_digest_oneshot(PF_MD_SHA256, rec, len, digest) != PF_CRYPTO_OK)
		return CKR_FUNCTION_FAILED;
	if (!pf_ct_equal(digest, p->digest, sizeof digest))
		return page_refused(t, p->no, "is not the one its root lists");
	CK_RV rv = record_open(t->token_key, &kind_page, t->iid, p->no, rec, len, &count);
	if (rv == CKR_OK)
		rv = emu_manifest_insert(m, rec + HEAD_LEN, count, emu_manifest_page_start(p->no),
		                         emu_manifest_page_start(p->no + 1));
	return rv == CKR_DEVICE_ERROR ? page_refused(t, p->no, "does not open") : rv;
}

CK_RV emu_manifest_page_load(const se_token *t, emu_manifest *m, size_t i)
{
	char name[NAME_LEN];
	uint8_t *rec = NULL;
	size_t len = 0;
	page_name(t->iid, m->page[i].no, name);
	CK_RV rv = store_meta_get(t->st, name, &rec, &len);
	if (rv != CKR_OK)
		return rv;
	if (rec == NULL)
		return page_refused(t, m->page[i].no, "is missing");
	atomic_fetch_add_explicit(&stat_pages, 1, memory_order_relaxed);
	rv = page_open(t, m, &m->page[i], rec, len);
	store_free(rec, len);
	if (rv == CKR_OK)
		m->page[i].loaded = 1;
	return rv;
}

/* The root's entries: (page, digest), pages ascending strictly. */
static CK_RV decode_root(emu_manifest *m, const uint8_t *body, uint64_t count)
{
	emu_manifest_page *p = calloc(count ? (size_t)count : 1, sizeof *p);
	if (p == NULL)
		return CKR_HOST_MEMORY;
	for (size_t i = 0; i < count; i++) {
		p[i].no = pf_get_be64(body + i * ROOT_ENTRY_LEN);
		memcpy(p[i].digest, body + i * ROOT_ENTRY_LEN + 8, EMU_MANIFEST_DIGEST_LEN);
		if ((i > 0 && p[i].no <= p[i - 1].no) || p[i].no >= (UINT64_MAX >> EMU_MANIFEST_PAGE_SHIFT)) {
			free(p);
			return CKR_DEVICE_ERROR; /* written only by us */
		}
	}
	free(m->page);
	m->page = p;
	m->npages = (size_t)count;
	return CKR_OK;
}

static CK_RV open_root(const se_token *t, emu_manifest *m, uint8_t *rec, size_t len)
{
	uint64_t count = 0;
	const record_kind *k = len > 0 && rec[0] == kind_list.format ? &kind_list : &kind_root;
	CK_RV rv = record_open(t->token_key, k, t->iid, 0, rec, len, &count);
	m->format = k->format;
	if (rv == CKR_OK && k == &kind_root)
		return decode_root(m, rec + HEAD_LEN, count);
	if (rv == CKR_OK) /* format 1: the whole list, every page of it to be sealed */
		rv = emu_manifest_insert(m, rec + HEAD_LEN, count, 0, UINT64_MAX);
	return rv == CKR_OK ? emu_manifest_pages_from_list(m) : rv;
}

CK_RV emu_manifest_read(const se_token *t, emu_manifest *m)
{
	char name[NAME_LEN];
	uint8_t *rec = NULL;
	size_t len = 0;
	m->n = 0;
	m->npages = 0;
	m->present = 0;
	m->read = 1;
	m->format = 0;
	root_name(t->iid, name);
	CK_RV rv = emu_manifest_reserve(m, 0);
	if (rv == CKR_OK)
		rv = store_meta_get(t->st, name, &rec, &len);
	if (rv != CKR_OK || rec == NULL)
		return rv;
	rv = open_root(t, m, rec, len);
	store_free(rec, len);
	if (rv == CKR_DEVICE_ERROR)
		PF_ERROR("emulator: instance %lu: its sealed manifest does not open (tampered, "
		         "malformed, or of another life of the instance)", (unsigned long)t->iid);
	m->present = rv == CKR_OK;
	return rv;
}

CK_RV emu_manifest_read_all(const se_token *t, emu_manifest *m)
{
	CK_RV rv = emu_manifest_read(t, m);
	for (size_t i = 0; rv == CKR_OK && i < m->npages; i++)
		if (!m->page[i].loaded)
			rv = emu_manifest_page_load(t, m, i);
	return rv;
}

/* ---- writing ------------------------------------------------------------------------ */

/* Page i sealed again from the list; an empty page leaves (*gone = 1). */
static CK_RV seal_page(struct store *st, CK_ULONG iid, const uint8_t key[EMU_TOKEN_KEY_LEN],
                       emu_manifest *m, size_t i, int *gone)
{
	emu_manifest_page *p = &m->page[i];
	char name[NAME_LEN];
	page_name(iid, p->no, name);
	size_t lo = emu_manifest_lower_bound(m, emu_manifest_page_start(p->no));
	size_t hi = emu_manifest_lower_bound(m, emu_manifest_page_start(p->no + 1));
	*gone = hi == lo;
	if (*gone)
		return store_meta_delete(st, name);
	uint8_t *rec = malloc(record_len(&kind_page, hi - lo));
	if (rec == NULL)
		return CKR_HOST_MEMORY;
	for (size_t j = lo; j < hi; j++) {
		uint8_t *e = rec + HEAD_LEN + (j - lo) * EMU_MANIFEST_ENTRY_LEN;
		pf_put_be64(e, m->ref[j]);
		memcpy(e + 8, m->tag[j], EMU_MANIFEST_TAG_LEN);
	}
	CK_RV rv = record_seal(st, name, key, &kind_page, iid, p->no, rec, hi - lo, p->digest);
	free(rec);
	if (rv == CKR_OK)
		p->dirty = 0;
	return rv;
}

static CK_RV seal_root(struct store *st, CK_ULONG iid, const uint8_t key[EMU_TOKEN_KEY_LEN],
                       const emu_manifest *m)
{
	uint8_t *rec = malloc(record_len(&kind_root, m->npages));
	if (rec == NULL)
		return CKR_HOST_MEMORY;
	for (size_t i = 0; i < m->npages; i++) {
		pf_put_be64(rec + HEAD_LEN + i * ROOT_ENTRY_LEN, m->page[i].no);
		memcpy(rec + HEAD_LEN + i * ROOT_ENTRY_LEN + 8, m->page[i].digest, EMU_MANIFEST_DIGEST_LEN);
	}
	char name[NAME_LEN];
	root_name(iid, name);
	CK_RV rv = record_seal(st, name, key, &kind_root, iid, 0, rec, m->npages, NULL);
	free(rec);
	return rv;
}

CK_RV emu_manifest_seal(struct store *st, CK_ULONG iid, const uint8_t token_key[EMU_TOKEN_KEY_LEN],
                        emu_manifest *m)
{
	CK_RV rv = CKR_OK;
	for (size_t i = 0; rv == CKR_OK && i < m->npages;) {
		int gone = 0;
		if (m->page[i].dirty)
			rv = seal_page(st, iid, token_key, m, i, &gone);
		if (rv == CKR_OK && gone) {
			memmove(m->page + i, m->page + i + 1, (m->npages - i - 1) * sizeof *m->page);
			m->npages--;
		} else {
			i++;
		}
	}
	if (rv == CKR_OK)
		rv = seal_root(st, iid, token_key, m);
	if (rv == CKR_OK)
		m->format = kind_root.format;
	return rv;
}

CK_RV emu_manifest_write_empty(struct store *st, CK_ULONG iid,
                               const uint8_t token_key[EMU_TOKEN_KEY_LEN])
{
	emu_manifest none = {0};
	return emu_manifest_seal(st, iid, token_key, &none);
}
