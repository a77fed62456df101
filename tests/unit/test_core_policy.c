/* test_core_policy.c - records at rest (issue 8 item 3): an attacker who can
 * write the store edits object rows and swaps sealed rows, the ways that used to
 * turn the token against its owner. Each edited object is refused at the next
 * login (or refresh) and left out alone: the rest of the token keeps working.
 *
 * The store is edited between two C_Initialize with the store API, as another
 * program with write access to the file would (sqlite3 gives the same rows). */
#include "config.h"
#include "core_test_util.h"

#include <stdio.h>
#include <stdlib.h>

#include "store_edit.h"

static const uint8_t K0[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                               0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t K1[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                               0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
static const uint8_t KS[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                               0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static CK_BYTE challenge[4] = {0x02, 0x34, 0x51, 0x78};

static CK_SLOT_ID slot;

static CK_OBJECT_HANDLE key(CK_SESSION_HANDLE s, const char *label, const uint8_t *val, CK_ULONG index,
                            CK_BBOOL sign)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ULONG service = CK_PORTFOLIO_SRV_AUTHENT;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, (void *)val, 16}, {CKA_SIGN, &sign, sizeof sign}, {CKA_ENCRYPT, &no, sizeof no},
		{CKA_VERIFY, &tr, sizeof tr}, {CKA_DECRYPT, &no, sizeof no},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
		{CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
	return h;
}

static void identity(CK_SESSION_HANDLE s, const char *label, CK_ULONG id, const char *value)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id}, {CKA_VALUE, (void *)value, (CK_ULONG)strlen(value)},
		{CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
	};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
}

static CK_OBJECT_HANDLE find(CK_SESSION_HANDLE s, const char *label)
{
	return ct_find(s, CKA_LABEL, label, (CK_ULONG)strlen(label));
}

/* SOURCE_TOKEN signature of identity id with key; the rv of C_SignInit or C_Sign. */
static CK_RV sign_identity(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, CK_ULONG id, uint8_t out[16])
{
	CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_TOKEN, id, challenge, sizeof challenge};
	CK_MECHANISM m = {CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp};
	CK_ULONG n = 16;
	CK_RV rv = f->C_SignInit(s, &m, k);
	return rv != CKR_OK ? rv : f->C_Sign(s, NULL, 0, out, &n);
}

/* A token with Identities 2 and 3 (provisioned by the SO), device keys K0 and
 * K1 and a verify-only server copy; returns a user session. sig2 / sig3: K0's
 * signatures of the two identities. */
static CK_SESSION_HANDLE build(uint8_t sig2[16], uint8_t sig3[16])
{
	slot = ct_free_slot();
	ct_init_token(slot, "policy");
	CK_SESSION_HANDLE s = ct_session(slot, CKU_SO);
	identity(s, "id-2", 2, "urn:imei:222222222222222");
	identity(s, "id-3", 3, "urn:imei:333333333333333");
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	CK_OBJECT_HANDLE k0 = key(s, "auth-k0", K0, 0, CK_TRUE);
	key(s, "auth-k1", K1, 1, CK_TRUE);
	key(s, "srv-copy", KS, 7, CK_FALSE);
	assert_int_equal(sign_identity(s, k0, 2, sig2), CKR_OK);
	assert_int_equal(sign_identity(s, k0, 3, sig3), CKR_OK);
	assert_memory_not_equal(sig2, sig3, 16);
	return s;
}

/* ---- the attacker's edits ----------------------------------------------------- */

typedef se_row row;

static store *open_store(CK_ULONG *iid)
{
	return edit_open_store(iid, 1);
}

static row read_row(store *st, CK_ULONG iid, const char *label)
{
	return edit_read_row(st, iid, label);
}

static void write_row(store *st, CK_ULONG iid, row *r)
{
	edit_write_row(st, iid, r);
}

static void drop_attr(row *r, CK_ATTRIBUTE_TYPE type)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->attrs[i].type == type) {
			free(r->attrs[i].val);
			memmove(&r->attrs[i], &r->attrs[i + 1], (r->n - i - 1) * sizeof r->attrs[0]);
			r->n--;
			return;
		}
	}
	fail_msg("attribute %lx not in the row", (unsigned long)type);
}

/* The module comes back after the edit, with a user login. */
static CK_SESSION_HANDLE reopen(void)
{
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	return ct_session(slot, CKU_USER);
}

/* build(), then the module goes away and the attacker opens the file. */
static store *tamper_begin(uint8_t sig2[16], CK_ULONG *iid)
{
	uint8_t sig3[16];
	build(sig2, sig3);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	return open_store(iid);
}

static CK_SESSION_HANDLE tamper_end(store *st)
{
	store_close(st);
	return reopen();
}

/* What was not touched still works: the rest of the token is not lost. */
static void others_work(CK_SESSION_HANDLE s, const char *key_label, const uint8_t sig2[16])
{
	uint8_t sig[16];
	CK_OBJECT_HANDLE k = find(s, key_label);
	assert_int_not_equal(k, CK_INVALID_HANDLE);
	assert_int_equal(sign_identity(s, k, 2, sig), CKR_OK);
	if (sig2 != NULL)
		assert_memory_equal(sig, sig2, 16);
	assert_int_not_equal(find(s, "id-2"), CK_INVALID_HANDLE);
}

/* CKA_SIGN set on the verify-only server copy's row. */
static void make_copy_a_signer(store *st, CK_ULONG iid)
{
	row r = read_row(st, iid, "srv-copy");
	CK_BBOOL tr = CK_TRUE;
	assert_int_equal(attr_set(&r.attrs, &r.n, CKA_SIGN, &tr, sizeof tr), CKR_OK);
	write_row(st, iid, &r);
}

/* The service stripped from an authentication key: it would be a generic
 * CKM_AES_CMAC oracle (CMAC over any 48 bytes = any hash || challenge). */
static void test_stripped_service(void **state)
{
	(void)state;
	uint8_t sig2[16];
	CK_ULONG iid;
	store *st = tamper_begin(sig2, &iid);
	row r = read_row(st, iid, "auth-k0");
	drop_attr(&r, CKA_PORTFOLIO_SERVICE);
	drop_attr(&r, CKA_PORTFOLIO_KEY_INDEX);
	write_row(st, iid, &r);
	CK_SESSION_HANDLE s = tamper_end(st);

	CK_OBJECT_HANDLE k = find(s, "auth-k0");
	if (k != CK_INVALID_HANDLE) { /* the old module: show the oracle, then fail */
		CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
		uint8_t data[48] = {0}, mac[16];
		CK_ULONG n = sizeof mac;
		assert_int_not_equal(f->C_SignInit(s, &m, k) == CKR_OK &&
		                     f->C_Sign(s, data, sizeof data, mac, &n) == CKR_OK, 1);
	}
	assert_int_equal(k, CK_INVALID_HANDLE);
	others_work(s, "auth-k1", NULL);
}

/* Identity 3's row pointed at Identity 2's hash: K0 would sign Identity 2's
 * hash when asked for Identity 3. */
static void test_identity_pointed_at_other_hash(void **state)
{
	(void)state;
	uint8_t sig2[16], sig[16];
	CK_ULONG iid;
	store *st = tamper_begin(sig2, &iid);
	row two = read_row(st, iid, "id-2");
	row three = read_row(st, iid, "id-3");
	three.hash_ref = two.hash_ref;
	write_row(st, iid, &three);
	core_attrs_free(two.attrs, two.n);
	CK_SESSION_HANDLE s = tamper_end(st);

	CK_OBJECT_HANDLE k0 = find(s, "auth-k0");
	assert_int_not_equal(k0, CK_INVALID_HANDLE);
	CK_RV rv = sign_identity(s, k0, 3, sig);
	assert_false(rv == CKR_OK && memcmp(sig, sig2, 16) == 0); /* the old module signs Identity 2 */
	assert_int_equal(rv, CKR_MECHANISM_PARAM_INVALID);
	assert_int_equal(find(s, "id-3"), CK_INVALID_HANDLE);
	others_work(s, "auth-k0", sig2);
}

/* CKA_SIGN set on a verify-only server copy: it would become a signer. */
static void test_sign_set_on_verify_copy(void **state)
{
	(void)state;
	uint8_t sig2[16], sig[16];
	CK_ULONG iid;
	store *st = tamper_begin(sig2, &iid);
	make_copy_a_signer(st, iid);
	CK_SESSION_HANDLE s = tamper_end(st);

	CK_OBJECT_HANDLE k = find(s, "srv-copy");
	if (k != CK_INVALID_HANDLE)
		assert_int_not_equal(sign_identity(s, k, 3, sig), CKR_OK);
	assert_int_equal(k, CK_INVALID_HANDLE);
	others_work(s, "auth-k0", sig2);
}

/* CKA_DERIVE set on a row whose item was sealed without SE_USE_DERIVE (a row
 * of a module from before derivation, or an edit at rest): the object is kept
 * (the component is on the safe side), but it does not derive. */
/* build(), then one attribute of label's row set at rest; the module back. */
static CK_SESSION_HANDLE set_at_rest(const char *label, CK_ATTRIBUTE_TYPE type, const void *val, CK_ULONG len,
                                     uint8_t sig2[16])
{
	CK_ULONG iid;
	store *st = tamper_begin(sig2, &iid);
	row r = read_row(st, iid, label);
	assert_int_equal(attr_set(&r.attrs, &r.n, type, val, len), CKR_OK);
	write_row(st, iid, &r);
	return tamper_end(st);
}

static void test_derive_set_at_rest(void **state)
{
	(void)state;
	uint8_t sig2[16];
	CK_BBOOL tr = CK_TRUE;
	CK_SESSION_HANDLE s = set_at_rest("auth-k0", CKA_DERIVE, &tr, sizeof tr, sig2);

	CK_OBJECT_HANDLE k = find(s, "auth-k0");
	assert_int_not_equal(k, CK_INVALID_HANDLE);
	CK_HKDF_PARAMS hp = {CK_TRUE, CK_TRUE, CKM_SHA256, CKF_HKDF_SALT_NULL, NULL, 0, CK_INVALID_HANDLE, NULL, 0};
	CK_MECHANISM m = {CKM_HKDF_DERIVE, &hp, sizeof hp};
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
	CK_ULONG len = 32;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                    {CKA_VALUE_LEN, &len, sizeof len}};
	CK_OBJECT_HANDLE out;
	assert_int_equal(f->C_DeriveKey(s, &m, k, t, 3, &out), CKR_KEY_FUNCTION_NOT_PERMITTED);
	others_work(s, "auth-k0", sig2);
}

/* CKA_PORTFOLIO_MASTER added to a device key's row: the row disagrees with
 * the sealed policy (no MASTER, a key index), so the object is refused. */
static void test_master_set_at_rest(void **state)
{
	(void)state;
	uint8_t sig2[16];
	CK_ULONG srv = CK_PORTFOLIO_SRV_AUTHENT;
	CK_SESSION_HANDLE s = set_at_rest("auth-k1", CKA_PORTFOLIO_MASTER, &srv, sizeof srv, sig2);
	assert_int_equal(find(s, "auth-k1"), CK_INVALID_HANDLE);
	others_work(s, "auth-k0", sig2);
}

typedef struct sealed {
	uint8_t *v;
	size_t len;
} sealed;

/* Two sealed values swapped in the secret table: K0's row now holds K1's key. */
static void test_swapped_sealed_values(void **state)
{
	(void)state;
	uint8_t sig2[16];
	CK_ULONG iid;
	store *st = tamper_begin(sig2, &iid);
	row a = read_row(st, iid, "auth-k0"), b = read_row(st, iid, "auth-k1");
	sealed sa, sb;
	assert_int_equal(store_secret_get(st, iid, a.value_ref, &sa.v, &sa.len), CKR_OK);
	assert_int_equal(store_secret_get(st, iid, b.value_ref, &sb.v, &sb.len), CKR_OK);
	assert_int_equal(store_secret_put(st, iid, a.value_ref, sb.v, sb.len, NULL, NULL), CKR_OK);
	assert_int_equal(store_secret_put(st, iid, b.value_ref, sa.v, sa.len, NULL, NULL), CKR_OK);
	store_free(sa.v, sa.len);
	store_free(sb.v, sb.len);
	core_attrs_free(a.attrs, a.n);
	core_attrs_free(b.attrs, b.n);
	store_close(st);

	/* the login still works (the old module refused it: the whole token lost) */
	CK_SESSION_HANDLE s = reopen();
	assert_int_equal(find(s, "auth-k0"), CK_INVALID_HANDLE);
	assert_int_equal(find(s, "auth-k1"), CK_INVALID_HANDLE);
	assert_int_not_equal(find(s, "id-3"), CK_INVALID_HANDLE);
	assert_int_not_equal(find(s, "srv-copy"), CK_INVALID_HANDLE);
}

/* Two rows' item links swapped: each key row now names the other's key. */
static void test_swapped_item_links(void **state)
{
	(void)state;
	uint8_t sig2[16], sig[16];
	CK_ULONG iid;
	store *st = tamper_begin(sig2, &iid);
	row a = read_row(st, iid, "auth-k0"), b = read_row(st, iid, "auth-k1");
	se_ref ref = a.value_ref;
	a.value_ref = b.value_ref;
	b.value_ref = ref;
	write_row(st, iid, &a);
	write_row(st, iid, &b);
	CK_SESSION_HANDLE s = tamper_end(st);

	CK_OBJECT_HANDLE k = find(s, "auth-k1");
	if (k != CK_INVALID_HANDLE) /* the old module: "K1" signs with K0 */
		assert_false(sign_identity(s, k, 2, sig) == CKR_OK && memcmp(sig, sig2, 16) == 0);
	assert_int_equal(k, CK_INVALID_HANDLE);
	assert_int_equal(find(s, "auth-k0"), CK_INVALID_HANDLE);
	assert_int_not_equal(find(s, "id-2"), CK_INVALID_HANDLE);
}

/* An edit made while the module runs and is logged in: refused at the refresh
 * that picks it up (a new session), like at a login. */
static void test_refused_on_refresh(void **state)
{
	(void)state;
	uint8_t sig2[16], sig3[16];
	CK_SESSION_HANDLE s = build(sig2, sig3);
	CK_ULONG iid;
	store *st = open_store(&iid);
	make_copy_a_signer(st, iid);
	store_close(st);
	CK_SESSION_HANDLE s2;
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s2), CKR_OK);
	assert_int_equal(find(s2, "srv-copy"), CK_INVALID_HANDLE);
	others_work(s, "auth-k0", sig2);
}

/* SOURCE_TOKEN encryption of identity id with the ENC key k: the rv, and the
 * ciphertext in out (*len in: room, out: length). */
static CK_RV encrypt_identity(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, CK_ULONG id, uint8_t *out, CK_ULONG *len)
{
	CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_TOKEN, id, challenge, sizeof challenge};
	CK_MECHANISM m = {CKM_PORTFOLIO_ENC_GCM, &pp, sizeof pp};
	CK_RV rv = f->C_EncryptInit(s, &m, k);
	return rv != CKR_OK ? rv : f->C_Encrypt(s, NULL, 0, out, len);
}

/* The token's encryption key K0, found by its service. */
static CK_OBJECT_HANDLE find_key_enc(CK_SESSION_HANDLE s)
{
	CK_ULONG service = CK_PORTFOLIO_SRV_ENCRYPT;
	return ct_find(s, CKA_PORTFOLIO_SERVICE, &service, sizeof service);
}

static CK_OBJECT_HANDLE enc_key(CK_SESSION_HANDLE s)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ULONG service = CK_PORTFOLIO_SRV_ENCRYPT, index = 0;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, (void *)KS, 16}, {CKA_ENCRYPT, &tr, sizeof tr}, {CKA_DECRYPT, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service}, {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
	return h;
}

/* Issue 8 item 2 through PKCS#11: ENC encrypts the identity only while it is the
 * provisioned one; CKA_PORTFOLIO_ENCRYPT_CURRENT is the SO's to set, with the hash. */
static void test_enc_bound_to_provisioning(void **state)
{
	(void)state;
	uint8_t out[128];
	CK_ULONG n = sizeof out;
	CK_BBOOL tr = CK_TRUE;
	slot = ct_free_slot();
	ct_init_token(slot, "enc");
	CK_SESSION_HANDLE s = ct_session(slot, CKU_SO);
	identity(s, "id-3", 3, "urn:imei:333333333333333");
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	CK_OBJECT_HANDLE k = enc_key(s), id3 = find(s, "id-3");
	assert_int_equal(encrypt_identity(s, k, 3, out, &n), CKR_OK);
	assert_int_equal(n, 12 + 24 + 4 + 16);
	/* a device key encrypts no caller data */
	CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_DATA, 0, challenge, sizeof challenge};
	CK_MECHANISM m = {CKM_PORTFOLIO_ENC_GCM, &pp, sizeof pp};
	assert_int_equal(f->C_EncryptInit(s, &m, k), CKR_KEY_FUNCTION_NOT_PERMITTED);
	/* an LwM2M WRITE of the value: refused until the provisioned value is back */
	CK_ATTRIBUTE other = {CKA_VALUE, "urn:imei:999999999999999", 24};
	assert_int_equal(f->C_SetAttributeValue(s, id3, &other, 1), CKR_OK);
	n = sizeof out;
	assert_int_equal(encrypt_identity(s, k, 3, out, &n), CKR_ACTION_PROHIBITED);
	/* a user identity (nothing provisioned) is not encrypted either */
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG five = 5;
	CK_ATTRIBUTE user_id[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_TOKEN, &tr, sizeof tr},
	                          {CKA_PORTFOLIO_IDENTITY_ID, &five, sizeof five}, {CKA_VALUE, "mine", 4},
	                          {CKA_PORTFOLIO_ENCRYPT_CURRENT, &tr, sizeof tr}};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, user_id, 5, &h), CKR_ATTRIBUTE_READ_ONLY); /* the SO's choice */
	assert_int_equal(f->C_CreateObject(s, user_id, 4, &h), CKR_OK);
	n = sizeof out;
	assert_int_equal(encrypt_identity(s, k, 5, out, &n), CKR_ACTION_PROHIBITED);
	CK_ATTRIBUTE flag = {CKA_PORTFOLIO_ENCRYPT_CURRENT, &tr, sizeof tr};
	assert_int_equal(f->C_SetAttributeValue(s, id3, &flag, 1), CKR_ATTRIBUTE_READ_ONLY);

	/* the SO marks Identity 3 "encrypt the current value", with its hash */
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_SO, P(SO_PIN)), CKR_OK);
	id3 = find(s, "id-3");
	assert_int_equal(f->C_SetAttributeValue(s, id3, &flag, 1), CKR_TEMPLATE_INCOMPLETE);
	uint8_t hash[32] = {0};
	CK_ATTRIBUTE both[] = {flag, {CKA_PORTFOLIO_IDENTITY_HASH, hash, sizeof hash}};
	assert_int_equal(f->C_SetAttributeValue(s, id3, both, 2), CKR_OK);
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	k = find_key_enc(s);
	n = sizeof out;
	assert_int_equal(encrypt_identity(s, k, 3, out, &n), CKR_OK);
	CK_BBOOL got = CK_FALSE;
	CK_ATTRIBUTE q = {CKA_PORTFOLIO_ENCRYPT_CURRENT, &got, sizeof got};
	assert_int_equal(f->C_GetAttributeValue(s, find(s, "id-3"), &q, 1), CKR_OK);
	assert_int_equal(got, CK_TRUE);
}

/* Usage only shrinks, in the row and in the item, and the two agree after a new login. */
static void test_usage_only_shrinks(void **state)
{
	(void)state;
	uint8_t sig2[16], sig3[16], sig[16];
	CK_SESSION_HANDLE s = build(sig2, sig3);
	CK_OBJECT_HANDLE k0 = find(s, "auth-k0"), copy = find(s, "srv-copy");
	CK_BBOOL tr = CK_TRUE, no = CK_FALSE;
	CK_ATTRIBUTE grow_sign = {CKA_SIGN, &tr, sizeof tr}, grow_dec = {CKA_DECRYPT, &tr, sizeof tr};
	assert_int_equal(f->C_SetAttributeValue(s, copy, &grow_sign, 1), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_SetAttributeValue(s, copy, &grow_dec, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE shrink = {CKA_SIGN, &no, sizeof no};
	assert_int_equal(f->C_SetAttributeValue(s, k0, &shrink, 1), CKR_OK);
	assert_int_equal(sign_identity(s, k0, 2, sig), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_SetAttributeValue(s, k0, &grow_sign, 1), CKR_ATTRIBUTE_READ_ONLY);
	/* a new login: the row and the item agree, the key is kept (verify-only) */
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	k0 = find(s, "auth-k0");
	assert_int_not_equal(k0, CK_INVALID_HANDLE);
	assert_int_equal(sign_identity(s, k0, 2, sig), CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_PORTFOLIO_PARAMS pp = {CKP_PORTFOLIO_SOURCE_DATA, 0, challenge, sizeof challenge};
	CK_MECHANISM m = {CKM_PORTFOLIO_AUTH_CMAC, &pp, sizeof pp};
	assert_int_equal(f->C_VerifyInit(s, &m, k0), CKR_OK);
	assert_int_equal(f->C_Verify(s, (CK_BYTE_PTR)"urn:imei:222222222222222", 24, sig2, 16), CKR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stripped_service, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_identity_pointed_at_other_hash, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_sign_set_on_verify_copy, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_swapped_sealed_values, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_swapped_item_links, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_refused_on_refresh, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_enc_bound_to_provisioning, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_usage_only_shrinks, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_derive_set_at_rest, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_master_set_at_rest, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
