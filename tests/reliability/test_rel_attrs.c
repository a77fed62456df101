/*
 * test_rel_attrs.c - the key attribute rules of PKCS#11 through the API:
 * CKA_SENSITIVE cannot be cleared, CKA_EXTRACTABLE cannot be set back,
 * CKA_ALWAYS_SENSITIVE / CKA_NEVER_EXTRACTABLE tell the key's history and
 * cannot be set, reading a sensitive value is CKR_ATTRIBUTE_SENSITIVE (also as
 * a NULL-buffer length query), C_CopyObject cannot weaken a key,
 * CKA_WRAP_WITH_TRUSTED is one-way and C_WrapKey is not offered; handles of
 * private objects die at logout and stay dead after a new login.
 */
#include "config.h"
#include "rel_util.h"

static const uint8_t K1[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                               0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static const uint8_t K2[16] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8,
                               0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0};
static const CK_BBOOL T = CK_TRUE, F = CK_FALSE;

/* Device-side key material is exclusive (never held twice): each key gets its own. */
static const uint8_t *fresh(void)
{
	static uint8_t keys[32][16];
	static unsigned n;
	uint8_t *k = keys[n % 32];
	memcpy(k, n % 2 ? K2 : K1, 16);
	k[15] ^= (uint8_t)(n + 1);
	k[14] ^= (uint8_t)((n + 1) >> 8);
	n++;
	return k;
}

static CK_BBOOL get_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = 0xff;
	CK_ATTRIBUTE a = {type, &v, sizeof v};
	CHECK_RV(C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	CHECK(v == CK_TRUE || v == CK_FALSE);
	return v;
}

static CK_RV set_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type, CK_BBOOL v)
{
	CK_ATTRIBUTE a = {type, &v, sizeof v};
	return C_SetAttributeValue(s, h, &a, 1);
}

static void sensitive_value(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE k = rel_aes_key(s, fresh(), 16, CK_TRUE, CK_TRUE, CK_FALSE, NULL, 0);
	uint8_t buf[32];
	CK_ATTRIBUTE a = {CKA_VALUE, buf, sizeof buf};
	CHECK_RV(C_GetAttributeValue(s, k, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	CHECK(a.ulValueLen == CK_UNAVAILABLE_INFORMATION);
	/* The length query must not reveal it either. */
	CK_ATTRIBUTE q = {CKA_VALUE, NULL, 0};
	CHECK_RV(C_GetAttributeValue(s, k, &q, 1), CKR_ATTRIBUTE_SENSITIVE);
	CHECK(q.ulValueLen == CK_UNAVAILABLE_INFORMATION);
	/* Other attributes in the same call are still delivered. */
	CK_BBOOL sens = 0xff;
	CK_ATTRIBUTE two[] = {{CKA_VALUE, buf, sizeof buf}, {CKA_SENSITIVE, &sens, sizeof sens}};
	CHECK_RV(C_GetAttributeValue(s, k, two, 2), CKR_ATTRIBUTE_SENSITIVE);
	CHECK(two[0].ulValueLen == CK_UNAVAILABLE_INFORMATION && sens == CK_TRUE);
	/* Not sensitive but not extractable: not readable either. */
	CK_OBJECT_HANDLE k2 = rel_aes_key(s, fresh(), 16, CK_FALSE, CK_FALSE, CK_FALSE, NULL, 0);
	CHECK_RV(C_GetAttributeValue(s, k2, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	printf("ok - sensitive values: CKR_ATTRIBUTE_SENSITIVE, length queries too\n");
}

static void one_way_switches(CK_SESSION_HANDLE s)
{
	/* Created readable (not sensitive, extractable). */
	const uint8_t *val = fresh();
	CK_OBJECT_HANDLE k = rel_aes_key(s, val, 16, CK_FALSE, CK_FALSE, CK_TRUE, NULL, 0);
	uint8_t buf[16];
	CK_ATTRIBUTE a = {CKA_VALUE, buf, sizeof buf};
	CHECK_RV(C_GetAttributeValue(s, k, &a, 1), CKR_OK);
	CHECK(a.ulValueLen == 16 && memcmp(buf, val, 16) == 0);
	CHECK(get_bool(s, k, CKA_ALWAYS_SENSITIVE) == CK_FALSE);
	CHECK(get_bool(s, k, CKA_NEVER_EXTRACTABLE) == CK_FALSE);

	/* Sensitive on: allowed, and then it cannot be cleared. */
	CHECK_RV(set_bool(s, k, CKA_SENSITIVE, CK_TRUE), CKR_OK);
	CHECK_RV(set_bool(s, k, CKA_SENSITIVE, CK_FALSE), CKR_ATTRIBUTE_READ_ONLY);
	CHECK(get_bool(s, k, CKA_SENSITIVE) == CK_TRUE);
	CHECK_RV(C_GetAttributeValue(s, k, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	/* History: it was not always sensitive. */
	CHECK(get_bool(s, k, CKA_ALWAYS_SENSITIVE) == CK_FALSE);

	/* Extractable off: allowed, and then it cannot be set back. */
	CHECK_RV(set_bool(s, k, CKA_EXTRACTABLE, CK_FALSE), CKR_OK);
	CHECK_RV(set_bool(s, k, CKA_EXTRACTABLE, CK_TRUE), CKR_ATTRIBUTE_READ_ONLY);
	CHECK(get_bool(s, k, CKA_EXTRACTABLE) == CK_FALSE);
	CHECK(get_bool(s, k, CKA_NEVER_EXTRACTABLE) == CK_FALSE);

	/* The history attributes cannot be written by anyone. */
	CHECK_RV(set_bool(s, k, CKA_ALWAYS_SENSITIVE, CK_TRUE), CKR_ATTRIBUTE_READ_ONLY);
	CHECK_RV(set_bool(s, k, CKA_NEVER_EXTRACTABLE, CK_TRUE), CKR_ATTRIBUTE_READ_ONLY);

	/* An imported key was once in clear outside the token: never "always sensitive",
	 * even when created sensitive and unextractable. */
	CK_OBJECT_HANDLE k2 = rel_aes_key(s, fresh(), 16, CK_FALSE, CK_TRUE, CK_FALSE, NULL, 0);
	CHECK(get_bool(s, k2, CKA_ALWAYS_SENSITIVE) == CK_FALSE);
	CHECK(get_bool(s, k2, CKA_NEVER_EXTRACTABLE) == CK_FALSE);
	CHECK(get_bool(s, k2, CKA_LOCAL) == CK_FALSE);

	/* Nor can a template claim a history. */
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
	                    {CKA_VALUE, (void *)fresh(), 16}, {CKA_SENSITIVE, (void *)&F, 1},
	                    {CKA_ALWAYS_SENSITIVE, (void *)&T, 1}};
	CK_OBJECT_HANDLE h;
	CK_RV rv = C_CreateObject(s, t, 5, &h);
	CHECK(rv == CKR_ATTRIBUTE_READ_ONLY || rv == CKR_TEMPLATE_INCONSISTENT);

	/* Generated keys: history follows the template. */
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG len = 16;
	CK_ATTRIBUTE gt[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_SENSITIVE, (void *)&T, 1},
	                     {CKA_EXTRACTABLE, (void *)&F, 1}, {CKA_ENCRYPT, (void *)&T, 1}};
	CHECK_RV(C_GenerateKey(s, &gen, gt, 4, &h), CKR_OK);
	CHECK(get_bool(s, h, CKA_ALWAYS_SENSITIVE) == CK_TRUE);
	CHECK(get_bool(s, h, CKA_NEVER_EXTRACTABLE) == CK_TRUE);
	CHECK(get_bool(s, h, CKA_LOCAL) == CK_TRUE);
	/* Generated readable, then locked down: the history remembers. */
	CK_ATTRIBUTE gt2[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_SENSITIVE, (void *)&F, 1},
	                      {CKA_EXTRACTABLE, (void *)&T, 1}, {CKA_ENCRYPT, (void *)&T, 1}};
	CHECK_RV(C_GenerateKey(s, &gen, gt2, 4, &h), CKR_OK);
	CHECK_RV(set_bool(s, h, CKA_SENSITIVE, CK_TRUE), CKR_OK);
	CHECK_RV(set_bool(s, h, CKA_EXTRACTABLE, CK_FALSE), CKR_OK);
	CHECK(get_bool(s, h, CKA_ALWAYS_SENSITIVE) == CK_FALSE);
	CHECK(get_bool(s, h, CKA_NEVER_EXTRACTABLE) == CK_FALSE);
	printf("ok - SENSITIVE/EXTRACTABLE one-way, ALWAYS_SENSITIVE/NEVER_EXTRACTABLE true to history\n");
}

static void copy_cannot_weaken(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE k = rel_aes_key(s, fresh(), 16, CK_FALSE, CK_TRUE, CK_FALSE, NULL, 0);
	CK_OBJECT_HANDLE c = 0;
	CK_ATTRIBUTE weaken[] = {{CKA_SENSITIVE, (void *)&F, 1}};
	CK_RV rv = C_CopyObject(s, k, weaken, 1, &c);
	CHECK(rv == CKR_ATTRIBUTE_READ_ONLY || rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ACTION_PROHIBITED);
	CK_ATTRIBUTE extract[] = {{CKA_EXTRACTABLE, (void *)&T, 1}};
	rv = C_CopyObject(s, k, extract, 1, &c);
	CHECK(rv == CKR_ATTRIBUTE_READ_ONLY || rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ACTION_PROHIBITED);
	/* A plain copy keeps the history. */
	if (C_CopyObject(s, k, NULL, 0, &c) == CKR_OK) {
		CHECK(get_bool(s, c, CKA_SENSITIVE) == CK_TRUE);
		CHECK(get_bool(s, c, CKA_ALWAYS_SENSITIVE) == CK_TRUE);
		CHECK(get_bool(s, c, CKA_NEVER_EXTRACTABLE) == CK_TRUE);
	}
	printf("ok - C_CopyObject cannot clear SENSITIVE or set EXTRACTABLE\n");
}

static void wrapping(CK_SESSION_HANDLE s)
{
	CK_OBJECT_HANDLE k = rel_aes_key(s, fresh(), 16, CK_FALSE, CK_TRUE, CK_TRUE, NULL, 0);
	CHECK_RV(set_bool(s, k, CKA_WRAP_WITH_TRUSTED, CK_TRUE), CKR_OK);
	CHECK_RV(set_bool(s, k, CKA_WRAP_WITH_TRUSTED, CK_FALSE), CKR_ATTRIBUTE_READ_ONLY);
	CHECK(get_bool(s, k, CKA_WRAP_WITH_TRUSTED) == CK_TRUE);
	/* A key without CKA_WRAP / CKA_UNWRAP (the default) neither wraps nor unwraps. */
	CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};
	uint8_t out[64] = {0};
	CK_ULONG out_len = sizeof out;
	CHECK_RV(C_WrapKey(s, &m, k, k, out, &out_len), CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_OBJECT_HANDLE u;
	CHECK_RV(C_UnwrapKey(s, &m, k, out, 24, NULL, 0, &u), CKR_KEY_FUNCTION_NOT_PERMITTED);
	printf("ok - WRAP_WITH_TRUSTED one-way; a key without CKA_WRAP/CKA_UNWRAP neither wraps nor unwraps\n");
}

static void identity_hash_never_readable(CK_SLOT_ID slot)
{
	CK_SESSION_HANDLE so = rel_session(slot, CKU_SO, REL_SO_PIN);
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 7;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_TOKEN, (void *)&T, 1},
	                    {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id}, {CKA_VALUE, "urn:imei:1", 10}};
	CK_OBJECT_HANDLE h;
	CHECK_RV(C_CreateObject(so, t, 4, &h), CKR_OK);
	uint8_t buf[32];
	CK_ATTRIBUTE a = {CKA_PORTFOLIO_IDENTITY_HASH, buf, sizeof buf};
	CHECK_RV(C_GetAttributeValue(so, h, &a, 1), CKR_ATTRIBUTE_SENSITIVE);
	CK_ATTRIBUTE q = {CKA_PORTFOLIO_IDENTITY_HASH, NULL, 0};
	CHECK_RV(C_GetAttributeValue(so, h, &q, 1), CKR_ATTRIBUTE_SENSITIVE);
	CHECK(q.ulValueLen == CK_UNAVAILABLE_INFORMATION);
	CHECK_RV(C_CloseSession(so), CKR_OK);
	printf("ok - identity hash never readable\n");
}

/* PKCS#11: at logout the handles of private objects become invalid; a later
 * login finds the objects again under handles of its own. */
static void private_handles_die_at_logout(CK_SLOT_ID slot)
{
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	CK_OBJECT_HANDLE k = rel_aes_key(s, fresh(), 16, CK_TRUE, CK_TRUE, CK_FALSE, "priv", 4);
	CK_OBJECT_HANDLE sk = rel_aes_key(s, fresh(), 16, CK_FALSE, CK_TRUE, CK_FALSE, NULL, 0);
	CHECK(get_bool(s, k, CKA_PRIVATE) == CK_TRUE);
	CHECK_RV(C_Logout(s), CKR_OK);
	CK_BBOOL v;
	CK_ATTRIBUTE a = {CKA_SENSITIVE, &v, sizeof v};
	CHECK_RV(C_GetAttributeValue(s, k, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	CHECK_RV(C_Login(s, CKU_USER, REL_P(REL_USER_PIN)), CKR_OK);
	/* The old handles stay dead ... */
	CHECK_RV(C_GetAttributeValue(s, k, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	CHECK_RV(C_GetAttributeValue(s, sk, &a, 1), CKR_OBJECT_HANDLE_INVALID);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	CHECK_RV(C_SignInit(s, &m, k), CKR_KEY_HANDLE_INVALID);
	CHECK_RV(C_DestroyObject(s, k), CKR_OBJECT_HANDLE_INVALID);
	/* ... and the object is found again under a new handle. */
	CK_ATTRIBUTE find[] = {{CKA_ID, "priv", 4}};
	CK_OBJECT_HANDLE again = rel_find_one(s, find, 1);
	CHECK(again != CK_INVALID_HANDLE && again != k);
	CHECK(get_bool(s, again, CKA_SENSITIVE) == CK_TRUE);
	CHECK_RV(C_SignInit(s, &m, again), CKR_OK);
	uint8_t sig[16];
	CK_ULONG sl = sizeof sig;
	CHECK_RV(C_Sign(s, (CK_BYTE_PTR) "x", 1, sig, &sl), CKR_OK);
	/* Every object holds a secret, so every object is private: a template
	 * asking for a public one is refused, never silently made private. */
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = 9;
	CK_BBOOL priv = CK_FALSE;
	CK_ATTRIBUTE it[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_TOKEN, (void *)&T, 1},
	                     {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id}, {CKA_VALUE, "public", 6},
	                     {CKA_PRIVATE, &priv, 1}};
	CK_OBJECT_HANDLE pub;
	CHECK_RV(C_CreateObject(s, it, 5, &pub), CKR_ATTRIBUTE_VALUE_INVALID);
	CHECK_RV(C_CreateObject(s, it, 4, &pub), CKR_OK);
	CHECK(get_bool(s, pub, CKA_PRIVATE) == CK_TRUE);
	CHECK_RV(C_Logout(s), CKR_OK);
	CHECK_RV(C_Login(s, CKU_USER, REL_P(REL_USER_PIN)), CKR_OK);
	CK_ATTRIBUTE cl = {CKA_CLASS, &cls, sizeof cls};
	CHECK_RV(C_GetAttributeValue(s, pub, &cl, 1), CKR_OBJECT_HANDLE_INVALID);
	/* Closing the last session logs out too: handles die the same way. */
	CK_ATTRIBUTE fid[] = {{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id}};
	pub = rel_find_one(s, fid, 1);
	CHECK(pub != CK_INVALID_HANDLE);
	CHECK_RV(C_CloseSession(s), CKR_OK);
	s = rel_session(slot, CKU_USER, REL_USER_PIN);
	CHECK_RV(C_GetAttributeValue(s, pub, &cl, 1), CKR_OBJECT_HANDLE_INVALID);
	CHECK(rel_find_one(s, fid, 1) != CK_INVALID_HANDLE);
	CHECK_RV(C_CloseSession(s), CKR_OK);
	printf("ok - private handles dead after logout and re-login; found again under new handles\n");
}

int main(void)
{
	rel_setup(NULL, NULL);
	CHECK_RV(C_Initialize(NULL), CKR_OK);
	CK_SLOT_ID slot = rel_init_token("attrs");
	CK_SESSION_HANDLE s = rel_session(slot, CKU_USER, REL_USER_PIN);
	sensitive_value(s);
	one_way_switches(s);
	copy_cannot_weaken(s);
	wrapping(s);
	CHECK_RV(C_CloseSession(s), CKR_OK);
	identity_hash_never_readable(slot);
	private_handles_die_at_logout(slot);
	CHECK_RV(C_Finalize(NULL), CKR_OK);
	return 0;
}
