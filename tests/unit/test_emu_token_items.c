/*
 * test_emu_token_items.c - the emulator's items: put / generate / read /
 * replace / delete, persistence across logins and reopen, sealed rows that
 * never hold the clear value, AAD binding of rows, exclusive key material.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_emu_token_support.h"
#include "crypto/crypto.h"
#include "util/secure.h"

/* RFC 4493's AES-128 key, used as a known key that must never appear in the file. */
static const uint8_t known_key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                       0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
static const uint8_t other_key[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                       0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
static const uint8_t identity[] = "urn:imei:490154203237518";

static se_token *user_token(emu_fixture *f, CK_ULONG iid)
{
	se_token *t = emu_test_token(f, iid, 1);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	return t;
}

static void test_put_read_delete(void **state)
{
	emu_fixture *f = *state;
	se_token *t = emu_test_token(f, 1, 1);
	se_ref r = 0;
	size_t len = 0;
	/* everything needs a login */
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 16, 0, NULL, &r), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 16, 0, NULL, &r), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_item_length(t, 1, &len), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_item_read(t, 1, NULL, &len), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_item_delete(t, 1), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_item_replace(t, 1, identity, 3), CKR_USER_NOT_LOGGED_IN);
	assert_null(emu_item_lookup(t, 1));
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK); /* the SO: hashes too */

	/* length and kind rules */
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 15, 0, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_HASH, known_key, 16, 0, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(t, SE_ITEM_GENERIC_SECRET, known_key, 0, 0, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(t, (se_item_kind)9, known_key, 16, 0, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 16, 0x80, NULL, &r), CKR_ARGUMENTS_BAD);
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, NULL, 16, 0, NULL, &r), CKR_ARGUMENTS_BAD);
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 20, 0, NULL, &r), CKR_KEY_SIZE_RANGE);
	assert_int_equal(emu_item_generate(t, SE_ITEM_GENERIC_SECRET, 513, 0, NULL, &r), CKR_KEY_SIZE_RANGE);
	assert_int_equal(emu_item_generate(t, SE_ITEM_IDENTITY_VALUE, 16, 0, NULL, &r), CKR_ARGUMENTS_BAD);

	int built = emu_test_caches_built;
	se_ref key = 0, id = 0, hash = 0, gen = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_PERSISTENT, NULL, &key), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, identity, sizeof(identity),
	                              SE_ITEM_PERSISTENT | SE_ITEM_READABLE, NULL, &id), CKR_OK);
	uint8_t h[32];
	memset(h, 0x5a, sizeof(h));
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_HASH, h, 32, SE_ITEM_READABLE, NULL, &hash), CKR_OK);
	assert_int_equal(emu_item_generate(t, SE_ITEM_GENERIC_SECRET, 64, 0, NULL, &gen), CKR_OK);
	assert_true(key != 0 && id != 0 && hash != 0 && gen != 0);
	assert_true(key != id && id != hash && hash != gen);
	/* key caches for the two keys, none for identity items */
	assert_int_equal(emu_test_caches_built, built + 2);
	assert_non_null(emu_item_lookup(t, key)->cache);
	assert_null(emu_item_lookup(t, id)->cache);
	assert_int_equal(emu_item_lookup(t, key)->kind, SE_ITEM_AES_KEY);
	assert_memory_equal(emu_item_lookup(t, key)->value, known_key, 16);

	/* read: only READABLE, never an identity hash, length query convention */
	assert_int_equal(emu_item_read(t, key, NULL, &len), CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(emu_item_read(t, hash, NULL, &len), CKR_ATTRIBUTE_SENSITIVE);
	len = 0;
	assert_int_equal(emu_item_read(t, id, NULL, &len), CKR_OK);
	assert_int_equal(len, sizeof(identity));
	uint8_t buf[64];
	len = 4;
	assert_int_equal(emu_item_read(t, id, buf, &len), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(len, sizeof(identity));
	len = sizeof(buf);
	assert_int_equal(emu_item_read(t, id, buf, &len), CKR_OK);
	assert_int_equal(len, sizeof(identity));
	assert_memory_equal(buf, identity, sizeof(identity));
	assert_int_equal(emu_item_length(t, gen, &len), CKR_OK);
	assert_int_equal(len, 64);
	assert_int_equal(emu_item_length(t, 999999, &len), CKR_OBJECT_HANDLE_INVALID);

	/* replace: the identity value only */
	static const uint8_t id2[] = "urn:imei:000000000000000";
	assert_int_equal(emu_item_replace(t, key, other_key, 16), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(emu_item_replace(t, hash, h, 32), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(emu_item_replace(t, id, id2, sizeof(id2)), CKR_OK);
	len = sizeof(buf);
	assert_int_equal(emu_item_read(t, id, buf, &len), CKR_OK);
	assert_int_equal(len, sizeof(id2));
	assert_memory_equal(buf, id2, sizeof(id2));

	/* delete */
	int freed = emu_test_caches_freed;
	assert_int_equal(emu_item_delete(t, key), CKR_OK);
	assert_int_equal(emu_test_caches_freed, freed + 1);
	assert_null(emu_item_lookup(t, key));
	assert_int_equal(emu_item_delete(t, key), CKR_OBJECT_HANDLE_INVALID);
	uint8_t *row = NULL;
	assert_int_equal(store_secret_get(f->st, 1, key, &row, &len), CKR_OK);
	assert_null(row);

	/* logout frees the remaining key cache and everything in memory */
	freed = emu_test_caches_freed;
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_test_caches_freed, freed + 1);
	assert_null(emu_item_lookup(t, id));
	emu_close(t);
}

static void test_many_items_table_growth(void **state)
{
	emu_fixture *f = *state;
	se_token *t = user_token(f, 2);
	se_ref refs[200];
	for (int i = 0; i < 200; i++) {
		uint8_t v[4] = { (uint8_t)i, (uint8_t)(i >> 8), 0xee, 0xff };
		assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, v, sizeof(v), SE_ITEM_READABLE, NULL, &refs[i]),
		                 CKR_OK);
	}
	for (int i = 0; i < 200; i += 2)
		assert_int_equal(emu_item_delete(t, refs[i]), CKR_OK);
	for (int i = 0; i < 200; i++) {
		emu_item *it = emu_item_lookup(t, refs[i]);
		if (i % 2 == 0) {
			assert_null(it);
		} else {
			assert_non_null(it);
			assert_int_equal(it->value[0], (uint8_t)i);
		}
	}
	emu_close(t);
}

static void test_persistence(void **state)
{
	emu_fixture *f = *state;
	se_token *t = user_token(f, 3);
	se_ref pk = 0, sk = 0, pid = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_PERSISTENT, NULL, &pk), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, other_key, 16, 0, NULL, &sk), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, identity, sizeof(identity),
	                              SE_ITEM_PERSISTENT | SE_ITEM_READABLE, NULL, &pid), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_non_null(emu_item_lookup(t, pk));
	assert_null(emu_item_lookup(t, sk)); /* session items end with the login */
	assert_memory_equal(emu_item_lookup(t, pk)->value, known_key, 16);
	assert_int_equal(emu_item_lookup(t, pk)->flags, SE_ITEM_PERSISTENT);
	emu_close(t);

	/* a new store handle, a new token: the SO sees the same items */
	emu_fixture_reopen(f);
	assert_int_equal(emu_open(NULL, f->st, 3, &t), CKR_OK);
	assert_null(emu_item_lookup(t, pk)); /* locked */
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	emu_item *it = emu_item_lookup(t, pk);
	assert_non_null(it);
	assert_int_equal(it->kind, SE_ITEM_AES_KEY);
	assert_int_equal(it->len, 16);
	assert_memory_equal(it->value, known_key, 16);
	assert_non_null(it->cache);
	it = emu_item_lookup(t, pid);
	assert_non_null(it);
	assert_int_equal(it->flags, SE_ITEM_PERSISTENT | SE_ITEM_READABLE);
	assert_memory_equal(it->value, identity, sizeof(identity));
	/* a replaced value persists */
	static const uint8_t id2[] = "urn:changed";
	assert_int_equal(emu_item_replace(t, pid, id2, sizeof(id2)), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	it = emu_item_lookup(t, pid);
	assert_int_equal(it->len, sizeof(id2));
	assert_memory_equal(it->value, id2, sizeof(id2));
	emu_close(t);
}

/* Does the file (database plus its WAL) contain needle anywhere? */
static int file_contains(const char *path, const uint8_t *needle, size_t n)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return 0;
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
	assert_non_null(buf);
	size_t got = fread(buf, 1, (size_t)size, fp);
	fclose(fp);
	int found = 0;
	for (size_t i = 0; !found && i + n <= got; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

static int store_files_contain(emu_fixture *f, const uint8_t *needle, size_t n)
{
	char wal[128];
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	return file_contains(f->path, needle, n) || file_contains(wal, needle, n);
}

static void test_sealed_rows_hide_values(void **state)
{
	emu_fixture *f = *state;
	se_token *t = user_token(f, 4);
	se_ref r = 0, g = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_PERSISTENT, NULL, &r), CKR_OK);
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, identity, sizeof(identity),
	                              SE_ITEM_PERSISTENT | SE_ITEM_READABLE, NULL, &g), CKR_OK);
	/* the search works: bytes written in clear (an object record) are found */
	static const uint8_t marker[] = "clear-marker-7f3a9c";
	assert_int_equal(store_object_put(f->st, 4, 1, marker, sizeof(marker)), CKR_OK);
	assert_true(store_files_contain(f, marker, sizeof(marker) - 1));
	/* the key and the identity string are not, in the database nor its WAL */
	assert_false(store_files_contain(f, known_key, sizeof(known_key)));
	assert_false(store_files_contain(f, identity, sizeof(identity) - 1));
	/* nor the token key */
	assert_false(store_files_contain(f, t->token_key, EMU_TOKEN_KEY_LEN));
	/* and the row has the documented size: header 54 (with the policy) + value + tag 16 */
	uint8_t *row = NULL;
	size_t len = 0;
	assert_int_equal(store_secret_get(f->st, 4, r, &row, &len), CKR_OK);
	assert_int_equal(len, 54 + 16 + 16);
	assert_int_equal(row[0], 2); /* format 2 */
	store_free(row, len);
	emu_close(t);
}

static void test_rows_bound_to_their_place(void **state)
{
	emu_fixture *f = *state;
	se_token *a = user_token(f, 5);
	se_token *b = user_token(f, 6);
	se_ref r = 0;
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_PERSISTENT, NULL, &r), CKR_OK);
	uint8_t *row = NULL;
	size_t len = 0;
	assert_int_equal(store_secret_get(f->st, 5, r, &row, &len), CKR_OK);
	assert_non_null(row);

	/* the row copied into instance 6: B's login leaves it out (and logs it), keeping
	 * the rest of B's items */
	se_ref mine = 0;
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, other_key, 16, SE_ITEM_PERSISTENT, NULL, &mine),
	                 CKR_OK);
	assert_int_equal(emu_logout(b), CKR_OK);
	assert_int_equal(store_secret_put(f->st, 6, r, row, len, NULL, NULL), CKR_OK);
	assert_int_equal(emu_login(b, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_null(emu_item_lookup(b, r));
	assert_int_equal(emu_item_length(b, r, &len), CKR_OBJECT_HANDLE_INVALID);
	assert_non_null(emu_item_lookup(b, mine));
	assert_int_equal(store_secret_delete(f->st, 6, r), CKR_OK);

	/* same key, same instance: the AAD alone rejects another iid, ref, kind or flags */
	emu_item clear;
	assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, len, &clear), CKR_OK);
	assert_memory_equal(clear.value, known_key, 16);
	pf_free_secret(clear.value, clear.len);
	assert_int_equal(emu_item_unseal(a->token_key, 6, r, row, len, &clear), CKR_DEVICE_ERROR);
	assert_int_equal(emu_item_unseal(a->token_key, 5, r + 1, row, len, &clear), CKR_DEVICE_ERROR);
	assert_null(clear.value);
	row[1] = SE_ITEM_GENERIC_SECRET; /* kind */
	assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, len, &clear), CKR_DEVICE_ERROR);
	row[1] = SE_ITEM_AES_KEY;
	row[5] |= SE_ITEM_READABLE; /* flags: an attacker making a key readable */
	assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, len, &clear), CKR_DEVICE_ERROR);
	row[5] &= (uint8_t)~SE_ITEM_READABLE;
	for (size_t at = 6; at < 6 + 32; at++) { /* each byte of the policy (service ... flags) */
		row[at] ^= 1;
		assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, len, &clear), CKR_DEVICE_ERROR);
		row[at] ^= 1;
	}
	row[60] ^= 1; /* ciphertext */
	assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, len, &clear), CKR_DEVICE_ERROR);
	row[60] ^= 1;
	assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, len, &clear), CKR_OK);
	pf_free_secret(clear.value, clear.len);
	/* every truncation is refused safely */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(emu_item_unseal(a->token_key, 5, r, row, n, &clear), CKR_DEVICE_ERROR);
	store_free(row, len);

	/* tampering a row in place: A's next login leaves that item out, and only it */
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, other_key, 16, SE_ITEM_PERSISTENT, NULL, &mine),
	                 CKR_OK);
	assert_int_equal(store_secret_get(f->st, 5, r, &row, &len), CKR_OK);
	row[len - 1] ^= 0x80; /* tag */
	assert_int_equal(store_secret_put(f->st, 5, r, row, len, NULL, NULL), CKR_OK);
	store_free(row, len);
	assert_int_equal(emu_logout(a), CKR_OK);
	assert_int_equal(emu_login(a, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_null(emu_item_lookup(a, r));
	assert_non_null(emu_item_lookup(a, mine));
	emu_close(a);
	emu_close(b);
}

static void test_exclusive_across_instances(void **state)
{
	emu_fixture *f = *state;
	se_token *a = user_token(f, 7);
	se_token *b = user_token(f, 8);
	const unsigned dev = SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE;
	se_ref r = 0, r2 = 0;
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, known_key, 16, dev, NULL, &r), CKR_OK);
	/* another instance, and the same one, cannot hold it as a device key */
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, known_key, 16, dev, NULL, &r2), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, known_key, 16, dev, NULL, &r2), CKR_ATTRIBUTE_VALUE_INVALID);
	/* nor as an exclusive session key */
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_EXCLUSIVE, NULL, &r2),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	/* a server-side copy (not exclusive) is fine */
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_PERSISTENT, NULL, &r2), CKR_OK);
	/* the same bytes as another key type are the same key (one fingerprint) */
	assert_int_equal(emu_item_put(b, SE_ITEM_GENERIC_SECRET, known_key, 16, dev, NULL, &r2),
	                 CKR_ATTRIBUTE_VALUE_INVALID);

	/* session claims are checked against persistent puts and other sessions */
	se_ref s = 0;
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, other_key, 16, SE_ITEM_EXCLUSIVE, NULL, &s), CKR_OK);
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, other_key, 16, dev, NULL, &r2), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, other_key, 16, SE_ITEM_EXCLUSIVE, NULL, &r2),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	/* deleting the session item (or logging out) releases the claim */
	assert_int_equal(emu_item_delete(a, s), CKR_OK);
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, other_key, 16, SE_ITEM_EXCLUSIVE, NULL, &r2), CKR_OK);
	assert_int_equal(emu_logout(b), CKR_OK);
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, other_key, 16, dev, NULL, &s), CKR_OK);

	/* the holder is reported by the store: instance 7 */
	uint8_t fp[32];
	assert_int_equal(emu_pepper(a), CKR_OK);
	assert_int_equal(emu_fingerprint(a->pepper, SE_ITEM_AES_KEY, known_key, 16, fp), CKR_OK);
	int found = 0;
	CK_ULONG owner = 0;
	assert_int_equal(store_fingerprint_owner(f->st, fp, &found, &owner), CKR_OK);
	assert_true(found);
	assert_int_equal(owner, 7);

	/* deleting the persistent device key frees the material for another instance */
	assert_int_equal(emu_item_delete(a, r), CKR_OK);
	assert_int_equal(emu_login(b, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_put(b, SE_ITEM_AES_KEY, known_key, 16, dev, NULL, &r2), CKR_OK);
	emu_close(a);
	emu_close(b);
}

/* The pepper comes from the store's secret file, not from the database: two
 * handles on one store agree on it, and the database holds no copy. */
static void test_pepper_shared_and_stable(void **state)
{
	emu_fixture *f = *state;
	se_token *a = user_token(f, 9);
	assert_int_equal(emu_pepper(a), CKR_OK);
	uint8_t *v = NULL;
	size_t len = 0;
	assert_int_equal(store_meta_get(f->st, "fingerprint_pepper", &v, &len), CKR_OK);
	assert_null(v);
	store *st2 = NULL;
	assert_int_equal(store_open(f->path, &st2), CKR_OK);
	se_token *b = NULL;
	assert_int_equal(emu_open(NULL, st2, 9, &b), CKR_OK);
	assert_int_not_equal(emu_pepper(b), CKR_OK); /* no secret file attached: no fingerprints */
	emu_fixture_attach(f, st2);
	assert_int_equal(emu_pepper(b), CKR_OK);
	assert_memory_equal(b->pepper, a->pepper, EMU_PEPPER_LEN);
	emu_close(b);
	store_close(st2);
	emu_close(a);
}

/* The policy is sealed with the item, reads back after a new login, only shrinks,
 * and must fit the item; identity hashes (and their flags) are the SO's. */
static void test_policy_sealed(void **state)
{
	emu_fixture *f = *state;
	se_token *t = user_token(f, 8);
	se_ref k = 0, r = 0, v = 0;
	se_item_policy got, auth = {.service = CK_PORTFOLIO_SRV_AUTHENT, .key_index = 2,
	                            .usage = SE_USE_SIGN | SE_USE_VERIFY};
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, known_key, 16, SE_ITEM_PERSISTENT, &auth, &k), CKR_OK);
	assert_int_equal(emu_item_policy(t, k, &got), CKR_OK);
	assert_true(got.service == CK_PORTFOLIO_SRV_AUTHENT && got.key_index == 2 &&
	            got.usage == (SE_USE_SIGN | SE_USE_VERIFY) && got.identity_id == 0);
	/* usage shrinks, never grows, and the shrunk one is what is sealed */
	assert_int_equal(emu_item_restrict(t, k, SE_USE_VERIFY), CKR_OK);
	assert_int_equal(emu_item_restrict(t, k, SE_USE_SIGN | SE_USE_VERIFY), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(emu_item_restrict(t, 4242, 0), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_item_policy(t, k, &got), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_policy(t, k, &got), CKR_OK);
	assert_true(got.service == CK_PORTFOLIO_SRV_AUTHENT && got.key_index == 2 && got.usage == SE_USE_VERIFY);
	/* no policy: a plain key that may do nothing */
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 16, 0, NULL, &r), CKR_OK);
	assert_int_equal(emu_item_policy(t, r, &got), CKR_OK);
	assert_true(got.service == SE_SERVICE_NONE && got.usage == 0 && got.key_index == 0);
	/* policies that do not fit the item */
	se_item_policy bad = auth;
	bad.identity_id = 3;
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, other_key, 16, 0, &bad, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	bad = auth;
	bad.service = 5;
	assert_int_equal(emu_item_generate(t, SE_ITEM_AES_KEY, 16, 0, &bad, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	bad = auth;
	bad.usage = 0x40; /* no such usage (0x10 DERIVE, 0x20 MASTER and 0x100.. key management exist) */
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, other_key, 16, 0, &bad, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	bad = (se_item_policy){.service = SE_SERVICE_NONE, .key_index = 3};
	assert_int_equal(emu_item_put(t, SE_ITEM_AES_KEY, other_key, 16, 0, &bad, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	se_item_policy ident = {.service = SE_SERVICE_NONE, .identity_id = 3};
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, identity, 8, 0, &auth, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	ident.identity_flags = SE_IDENTITY_ENCRYPT_CURRENT; /* the flag lives on the hash */
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, identity, 8, 0, &ident, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	/* the user writes values, never a hash or the SO's flag */
	uint8_t h[32] = {0};
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_HASH, h, 32, 0, &ident, &r), CKR_ATTRIBUTE_READ_ONLY);
	ident.identity_flags = 0;
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_HASH, h, 32, 0, &ident, &r), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_VALUE, identity, 8, SE_ITEM_PERSISTENT, &ident, &v), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_SO, PIN(TEST_SO_PIN)), CKR_OK);
	ident.identity_flags = SE_IDENTITY_ENCRYPT_CURRENT;
	assert_int_equal(emu_item_put(t, SE_ITEM_IDENTITY_HASH, h, 32, SE_ITEM_PERSISTENT, &ident, &r), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_policy(t, r, &got), CKR_OK);
	assert_true(got.identity_id == 3 && got.identity_flags == SE_IDENTITY_ENCRYPT_CURRENT &&
	            got.service == SE_SERVICE_NONE && got.usage == 0);
	/* another process's view of the instance picks up a reduced usage at its refresh */
	se_token *other = NULL;
	assert_int_equal(emu_open(NULL, f->st, 8, &other), CKR_OK);
	assert_int_equal(emu_login(other, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_restrict(t, k, 0), CKR_OK);
	assert_int_equal(emu_item_policy(other, k, &got), CKR_OK);
	assert_int_equal(got.usage, SE_USE_VERIFY);
	assert_int_equal(emu_items_refresh(other), CKR_OK);
	assert_int_equal(emu_item_policy(other, k, &got), CKR_OK);
	assert_int_equal(got.usage, 0);
	emu_close(other);
	/* a rewritten value keeps its identity */
	assert_int_equal(emu_item_replace(t, v, other_key, 16), CKR_OK);
	assert_int_equal(emu_logout(t), CKR_OK);
	assert_int_equal(emu_login(t, CKU_USER, PIN(TEST_USER_PIN)), CKR_OK);
	assert_int_equal(emu_item_policy(t, v, &got), CKR_OK);
	assert_int_equal(got.identity_id, 3);
	emu_close(t);
}

/* RFC 2104: K and K || 00.. are one HMAC key, whichever key type holds them;
 * a device key of one instance may not come back as such an alias in another.
 * Keys longer than 64 bytes (hashed by HMAC, differently per hash) have no
 * canonical form and cannot be device keys. */
static void test_exclusive_canonical_aliases(void **state)
{
	emu_fixture *f = *state;
	se_token *a = user_token(f, 21);
	se_token *b = user_token(f, 22);
	const unsigned dev = SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE;
	uint8_t k[100] = {0}, long_key[100];
	se_ref r = 0;
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)(0xA0 + i);
	for (int i = 0; i < 100; i++)
		long_key[i] = (uint8_t)(i + 1);
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, k, 16, dev, NULL, &r), CKR_OK);

	/* instance b, in order: what a second holder of k may and may not do */
	static const struct {
		se_item_kind kind;
		size_t len;
		unsigned flags;
		CK_RV want;
	} cases[] = {
		/* the same bytes as an HMAC key, and zero-padded up to the block */
		{SE_ITEM_GENERIC_SECRET, 16, SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE, CKR_ATTRIBUTE_VALUE_INVALID},
		{SE_ITEM_GENERIC_SECRET, 17, SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE, CKR_ATTRIBUTE_VALUE_INVALID},
		{SE_ITEM_AES_KEY, 32, SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE, CKR_ATTRIBUTE_VALUE_INVALID},
		{SE_ITEM_GENERIC_SECRET, 64, SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE, CKR_ATTRIBUTE_VALUE_INVALID},
		/* session device keys are checked the same way */
		{SE_ITEM_GENERIC_SECRET, 48, SE_ITEM_EXCLUSIVE, CKR_ATTRIBUTE_VALUE_INVALID},
		/* a plain key (no keyset) may repeat the bytes, at any length */
		{SE_ITEM_GENERIC_SECRET, 17, SE_ITEM_PERSISTENT, CKR_OK},
		{SE_ITEM_GENERIC_SECRET, 100, SE_ITEM_PERSISTENT, CKR_OK},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(emu_item_put(b, cases[i].kind, k, cases[i].len, cases[i].flags, NULL, &r), cases[i].want);
	/* a different key is fine: one more non-zero byte */
	k[20] = 1;
	assert_int_equal(emu_item_put(b, SE_ITEM_GENERIC_SECRET, k, 32, dev, NULL, &r), CKR_OK);

	/* longer than every HMAC block it could meet: no device key, put or
	 * generated, persistent or not; still a plain key */
	assert_int_equal(emu_item_put(a, SE_ITEM_GENERIC_SECRET, long_key, 65, dev, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(a, SE_ITEM_GENERIC_SECRET, long_key, 100, SE_ITEM_EXCLUSIVE, NULL, &r),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_generate(a, SE_ITEM_GENERIC_SECRET, 65, dev, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(a, SE_ITEM_GENERIC_SECRET, long_key, 100, SE_ITEM_PERSISTENT, NULL, &r), CKR_OK);
	emu_close(a);
	emu_close(b);
}

/* A store from before the canonical form: its pepper in the database and a
 * device key's fingerprint of the first construction, HMAC(pepper, kind ||
 * value). After the pepper moved out, that key (and its aliases) still cannot
 * become another instance's device key. */
static void test_legacy_fingerprints_still_block(void **state)
{
	emu_fixture *f = *state;
	uint8_t pepper[32], msg[17], fp[32];
	char cmd[600];
	memset(pepper, 0x5c, sizeof(pepper));
	store_close(f->st);
	snprintf(cmd, sizeof(cmd), "rm -f '%s' '%s-wal' '%s-shm' '%s.key'", f->path, f->path, f->path, f->path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(store_open(f->path, &f->st), CKR_OK);
	assert_int_equal(store_meta_put(f->st, "fingerprint_pepper", pepper, sizeof(pepper)), CKR_OK);
	msg[0] = SE_ITEM_AES_KEY;
	memcpy(msg + 1, known_key, 16);
	assert_int_equal(pf_mac_oneshot(PF_MAC_HMAC_SHA256, pepper, 32, msg, 17, fp, 32), PF_CRYPTO_OK);
	assert_int_equal(store_instance_put(f->st, 5, (const uint8_t *)"old", 3), CKR_OK);
	assert_int_equal(store_secret_put(f->st, 5, 1, (const uint8_t *)"sealed", 6, fp, NULL), CKR_OK);
	emu_fixture_attach(f, f->st); /* moves the pepper out */

	se_token *a = user_token(f, 7);
	const unsigned dev = SE_ITEM_PERSISTENT | SE_ITEM_EXCLUSIVE;
	uint8_t k[32] = {0};
	memcpy(k, known_key, 16);
	se_ref r = 0;
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, k, 16, dev, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(a, SE_ITEM_GENERIC_SECRET, k, 16, SE_ITEM_EXCLUSIVE, NULL, &r),
	                 CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, k, 32, dev, NULL, &r), CKR_ATTRIBUTE_VALUE_INVALID);
	k[31] = 1; /* another key */
	assert_int_equal(emu_item_put(a, SE_ITEM_AES_KEY, k, 32, dev, NULL, &r), CKR_OK);
	emu_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_read_delete, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_many_items_table_growth, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_persistence, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sealed_rows_hide_values, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rows_bound_to_their_place, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_exclusive_across_instances, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_pepper_shared_and_stable, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_policy_sealed, emu_fixture_setup, emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_exclusive_canonical_aliases, emu_fixture_setup,
		                                emu_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_legacy_fingerprints_still_block, emu_fixture_setup,
		                                emu_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
