/*
 * emu_fingerprint.c - keysets are never shared: an EXCLUSIVE item's key
 * material may not be held by any other EXCLUSIVE item of the store.
 *
 * The fingerprint is HMAC-SHA256(pepper, label || canonical key)
 * (se_key_fingerprint, pf_key_canonical_len): K and K || 00.., an AES key and
 * a generic secret of the same bytes, all give one fingerprint. The pepper is
 * 32 random bytes kept in a secret file beside the store, not in it
 * (store_pepper.c): a copy of the database alone cannot test a guessed key
 * against the fingerprints; equal keys still give equal fingerprints, which
 * is all the uniqueness check needs.
 *
 * Where the check happens:
 *  - persistent items: the store's unique index on secret.fingerprint, which
 *    holds across every process using the file;
 *  - session items (never written to the store): a process-wide list of the
 *    claims of session items of every token of this process, plus a lookup of
 *    the store's persistent fingerprints. Persistent puts consult the list
 *    too. Session items of *other processes* are invisible here: they live
 *    and die in that process's memory, and a session item can only be created
 *    from the same key material a persistent one would be refused for, so
 *    the rule "one holder in the store" holds for everything that persists.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "se/emu/emu_token.h"
#include "store/store.h"
#include "util/log.h"
#include "util/secure.h"

typedef struct claim {
	const struct store *st;
	const se_token *t;
	CK_ULONG iid;
	se_ref ref;
	uint8_t fp[32];
	struct claim *next;
} claim;

static pthread_mutex_t claims_mu = PTHREAD_MUTEX_INITIALIZER;
static claim *claims;

CK_RV emu_pepper(se_token *t)
{
	if (t->have_pepper)
		return CKR_OK;
	CK_RV rv = store_pepper(t->st, t->pepper);
	t->have_pepper = rv == CKR_OK;
	return rv;
}

static void log_refusal(CK_ULONG owner)
{
	PF_WARN("emulator: key material already held by an exclusive item of instance %lu",
	        (unsigned long)owner);
}

CK_RV emu_exclusive_claim(se_token *t, se_ref ref, const uint8_t fp[32], int persistent,
                          const uint8_t *row, size_t row_len)
{
	CK_RV rv = CKR_OK;
	CK_ULONG owner = 0;
	pthread_mutex_lock(&claims_mu);
	for (claim *c = claims; c != NULL; c = c->next) {
		if (c->st == t->st && pf_ct_equal(c->fp, fp, 32)) {
			owner = c->iid;
			rv = CKR_ATTRIBUTE_VALUE_INVALID;
			goto out;
		}
	}
	if (persistent) {
		rv = emu_persist_row(t, ref, row, row_len, fp, &owner);
		goto out;
	}
	int found = 0;
	rv = store_fingerprint_owner(t->st, fp, &found, &owner);
	if (rv != CKR_OK)
		goto out;
	if (found) {
		rv = CKR_ATTRIBUTE_VALUE_INVALID;
		goto out;
	}
	claim *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	c->st = t->st;
	c->t = t;
	c->iid = t->iid;
	c->ref = ref;
	memcpy(c->fp, fp, 32);
	c->next = claims;
	claims = c;
out:
	pthread_mutex_unlock(&claims_mu);
	if (rv == CKR_ATTRIBUTE_VALUE_INVALID)
		log_refusal(owner);
	return rv;
}

void emu_exclusive_release(se_token *t, se_ref ref)
{
	pthread_mutex_lock(&claims_mu);
	claim **pp = &claims;
	while (*pp != NULL) {
		claim *c = *pp;
		if (c->t == t && (ref == 0 || c->ref == ref)) {
			*pp = c->next;
			pf_free_secret(c, sizeof(*c));
		} else {
			pp = &c->next;
		}
	}
	pthread_mutex_unlock(&claims_mu);
}
