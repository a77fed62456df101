/*
 * test_p11_wrap.c - C_WrapKey / C_UnwrapKey through the function list
 * (issue 10 items 3 and 6): the RFC 3394 and RFC 5649 vectors both ways, the
 * PKCS#11 3.0 rules (CKA_WRAP / CKA_UNWRAP, CKA_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED
 * with CKA_TRUSTED, the 5.2 length convention), bad blobs, and the bound form
 * that carries a keyset key's service, index and usage into exactly one instance.
 */
#include "core_test_util.h"
#include "test_crypto_util.h"

static const CK_OBJECT_CLASS secret = CKO_SECRET_KEY;
static const CK_KEY_TYPE aes = CKK_AES, generic = CKK_GENERIC_SECRET;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

#define A(type, v) {type, (void *)&(v), sizeof(v)}

/* A key-encryption key: wraps and unwraps, never signs or encrypts (so not a device key). */
static CK_OBJECT_HANDLE kek(CK_SESSION_HANDLE s, const char *hex, CK_BBOOL wrap, CK_BBOOL unwrap)
{
	uint8_t v[32];
	CK_ULONG len = (CK_ULONG)unhex(hex, v, sizeof v);
	CK_ATTRIBUTE t[] = {
		A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), A(CKA_TOKEN, yes), {CKA_VALUE, v, len},
		A(CKA_WRAP, wrap), A(CKA_UNWRAP, unwrap), A(CKA_SIGN, no), A(CKA_ENCRYPT, no),
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, sizeof t / sizeof t[0], &h), CKR_OK);
	return h;
}

/* An unwrap template: readable, server-side (verify/decrypt only) key of type kt. */
static CK_RV unwrap_plain(CK_SESSION_HANDLE s, CK_MECHANISM_TYPE mech, CK_OBJECT_HANDLE k, const uint8_t *blob,
                          CK_ULONG len, CK_KEY_TYPE kt, CK_OBJECT_HANDLE *out)
{
	CK_MECHANISM m = {mech, NULL, 0};
	CK_ATTRIBUTE t[] = {
		A(CKA_CLASS, secret), A(CKA_KEY_TYPE, kt), A(CKA_SENSITIVE, no), A(CKA_EXTRACTABLE, yes),
		A(CKA_SIGN, no), A(CKA_ENCRYPT, no),
	};
	return f->C_UnwrapKey(s, &m, k, (CK_BYTE_PTR)blob, len, t, sizeof t / sizeof t[0], out);
}

static CK_ULONG count_keys(CK_SESSION_HANDLE s)
{
	CK_ATTRIBUTE q = A(CKA_CLASS, secret);
	CK_OBJECT_HANDLE h[16];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(s, &q, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, h, 16, &n), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	return n;
}

static void assert_value(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, const uint8_t *want, CK_ULONG len)
{
	uint8_t v[64];
	CK_ATTRIBUTE a = {CKA_VALUE, v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, len);
	assert_memory_equal(v, want, len);
}

typedef struct kat {
	CK_MECHANISM_TYPE mech;
	CK_KEY_TYPE kt;
	const char *kek, *key, *wrapped;
} kat;

static const kat kats[] = {
	{ CKM_AES_KEY_WRAP, CKK_AES, "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF",
	  "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5" },                          /* RFC 3394 4.1 */
	{ CKM_AES_KEY_WRAP, CKK_AES, "000102030405060708090A0B0C0D0E0F1011121314151617",
	  "00112233445566778899AABBCCDDEEFF0001020304050607",
	  "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2" },          /* RFC 3394 4.4 */
	{ CKM_AES_KEY_WRAP, CKK_AES, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	  "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
	  "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21" }, /* 4.6 */
	{ CKM_AES_KEY_WRAP_KWP, CKK_GENERIC_SECRET, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
	  "c37b7e6492584340bed12207808941155068f738",
	  "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a" },          /* RFC 5649 6 */
	{ CKM_AES_KEY_WRAP_KWP, CKK_GENERIC_SECRET, "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
	  "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f" },                          /* RFC 5649 6 */
};

/* C_UnwrapKey of each vector gives its key; C_WrapKey of that key gives the vector. */
static void test_rfc_vectors(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
		uint8_t key[64], blob[80], out[80];
		CK_ULONG key_len = (CK_ULONG)unhex(kats[i].key, key, sizeof key);
		CK_ULONG blob_len = (CK_ULONG)unhex(kats[i].wrapped, blob, sizeof blob);
		CK_OBJECT_HANDLE k = kek(s, kats[i].kek, CK_TRUE, CK_TRUE), h = CK_INVALID_HANDLE;
		assert_int_equal(unwrap_plain(s, kats[i].mech, k, blob, blob_len, kats[i].kt, &h), CKR_OK);
		assert_value(s, h, key, key_len);
		CK_MECHANISM m = {kats[i].mech, NULL, 0};
		CK_ULONG out_len = sizeof out;
		assert_int_equal(f->C_WrapKey(s, &m, k, h, out, &out_len), CKR_OK);
		assert_int_equal(out_len, blob_len);
		assert_memory_equal(out, blob, blob_len);
		assert_int_equal(f->C_DestroyObject(s, h), CKR_OK);
		assert_int_equal(f->C_DestroyObject(s, k), CKR_OK);
	}
}

/* A fresh token with the KEK of RFC 3394 4.1 (*k) and its key unwrapped (*h); blob = the vector. */
static CK_SESSION_HANDLE kat0(CK_OBJECT_HANDLE *k, CK_OBJECT_HANDLE *h, uint8_t blob[24])
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	*k = kek(s, kats[0].kek, CK_TRUE, CK_TRUE);
	*h = CK_INVALID_HANDLE;
	unhex(kats[0].wrapped, blob, 24);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP, *k, blob, 24, CKK_AES, h), CKR_OK);
	return s;
}

/* RFC 3394 2.2.3.1's default IV may be given as the parameter; any other is refused. */
static void test_kw_iv_param(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k, h;
	uint8_t blob[24], out[24];
	CK_SESSION_HANDLE s = kat0(&k, &h, blob);
	uint8_t iv[8] = {0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6};
	CK_MECHANISM m = {CKM_AES_KEY_WRAP, iv, sizeof iv};
	CK_ULONG out_len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, h, out, &out_len), CKR_OK);
	assert_memory_equal(out, blob, 24);
	iv[7] = 0;
	assert_int_equal(f->C_WrapKey(s, &m, k, h, out, &out_len), CKR_MECHANISM_PARAM_INVALID);
	CK_MECHANISM kwp = {CKM_AES_KEY_WRAP_KWP, iv, 4};
	assert_int_equal(f->C_WrapKey(s, &kwp, k, h, out, &out_len), CKR_MECHANISM_PARAM_INVALID);
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	assert_int_equal(f->C_WrapKey(s, &ecb, k, h, out, &out_len), CKR_MECHANISM_INVALID);
}

/* A generated, sensitive key leaves wrapped and comes back as the same key. */
static void test_roundtrip_sensitive(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = kek(s, kats[2].kek, CK_TRUE, CK_TRUE), g = CK_INVALID_HANDLE, u = CK_INVALID_HANDLE;
	CK_ULONG len = 32;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE gt[] = {
		A(CKA_VALUE_LEN, len), A(CKA_SENSITIVE, yes), A(CKA_EXTRACTABLE, yes), A(CKA_SIGN, no),
		A(CKA_ENCRYPT, no), A(CKA_DECRYPT, yes),
	};
	assert_int_equal(f->C_GenerateKey(s, &gen, gt, 6, &g), CKR_OK);
	uint8_t v[32];
	CK_ATTRIBUTE va = {CKA_VALUE, v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(s, g, &va, 1), CKR_ATTRIBUTE_SENSITIVE);
	CK_MECHANISM m = {CKM_AES_KEY_WRAP_KWP, NULL, 0};
	uint8_t blob[64];
	CK_ULONG blob_len = sizeof blob;
	assert_int_equal(f->C_WrapKey(s, &m, k, g, blob, &blob_len), CKR_OK);
	assert_int_equal(blob_len, 40);
	CK_ATTRIBUTE ut[] = {A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), A(CKA_SIGN, no), A(CKA_ENCRYPT, no)};
	assert_int_equal(f->C_UnwrapKey(s, &m, k, blob, blob_len, ut, 4, &u), CKR_OK);
	/* PKCS#11 3.0 4.10.1: an unwrapped key was outside: neither always sensitive nor never extractable */
	CK_BBOOL as = CK_TRUE, ne = CK_TRUE, local = CK_TRUE;
	CK_ATTRIBUTE q[] = {A(CKA_ALWAYS_SENSITIVE, as), A(CKA_NEVER_EXTRACTABLE, ne), A(CKA_LOCAL, local)};
	assert_int_equal(f->C_GetAttributeValue(s, u, q, 3), CKR_OK);
	assert_false(as || ne || local);
	/* the same key: both decrypt one block alike */
	uint8_t ct[16] = {1, 2, 3}, p1[16], p2[16];
	CK_ULONG l1 = 16, l2 = 16;
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	assert_int_equal(f->C_DecryptInit(s, &ecb, g), CKR_OK);
	assert_int_equal(f->C_Decrypt(s, ct, 16, p1, &l1), CKR_OK);
	assert_int_equal(f->C_DecryptInit(s, &ecb, u), CKR_OK);
	assert_int_equal(f->C_Decrypt(s, ct, 16, p2, &l2), CKR_OK);
	assert_memory_equal(p1, p2, 16);
}

/* PKCS#11 5.2: NULL asks the length; too small says CKR_BUFFER_TOO_SMALL and the length. */
static void test_length_convention(void **state)
{
	(void)state;
	CK_OBJECT_HANDLE k, h;
	uint8_t blob[24], out[40];
	CK_SESSION_HANDLE s = kat0(&k, &h, blob);
	CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ULONG len = 0;
	assert_int_equal(f->C_WrapKey(s, &m, k, h, NULL, &len), CKR_OK);
	assert_int_equal(len, 24);
	len = 23;
	memset(out, 0x5A, sizeof out);
	assert_int_equal(f->C_WrapKey(s, &m, k, h, out, &len), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(len, 24);
	assert_int_equal(out[0], 0x5A); /* nothing written */
	len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, h, out, &len), CKR_OK);
	assert_int_equal(len, 24);
	assert_memory_equal(out, blob, 24);
	CK_MECHANISM b = {CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, NULL, 0};
	assert_int_equal(f->C_WrapKey(s, &b, k, h, NULL, &len), CKR_OK);
	assert_int_equal(len, 40); /* KWP over 16 + 16 bytes */
	assert_int_equal(f->C_WrapKey(s, &m, k, h, out, NULL), CKR_ARGUMENTS_BAD);
}

/* Wrong lengths: CKR_WRAPPED_KEY_LEN_RANGE; a changed bit or the wrong KEK: _INVALID. */
static void test_bad_blobs(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = kek(s, kats[0].kek, CK_FALSE, CK_TRUE), other = kek(s, kats[2].kek, CK_FALSE, CK_TRUE);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	uint8_t blob[40];
	unhex(kats[0].wrapped, blob, 24);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP, k, blob, 20, CKK_AES, &h), CKR_WRAPPED_KEY_LEN_RANGE);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP, k, blob, 16, CKK_AES, &h), CKR_WRAPPED_KEY_LEN_RANGE);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP, k, blob, 0, CKK_AES, &h), CKR_WRAPPED_KEY_LEN_RANGE);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP_KWP, k, blob, 12, CKK_AES, &h),
	                 CKR_WRAPPED_KEY_LEN_RANGE);
	for (size_t i = 0; i < 24; i += 5) {
		blob[i] ^= 0x80;
		assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP, k, blob, 24, CKK_AES, &h), CKR_WRAPPED_KEY_INVALID);
		blob[i] ^= 0x80;
	}
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP, other, blob, 24, CKK_AES, &h), CKR_WRAPPED_KEY_INVALID);
	/* a KW blob opened as KWP fails its check too */
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP_KWP, k, blob, 24, CKK_AES, &h), CKR_WRAPPED_KEY_INVALID);
	assert_int_equal(h, CK_INVALID_HANDLE);
	assert_int_equal(count_keys(s), 2); /* the two KEKs: nothing was created by any of it */
}

/* CKA_EXTRACTABLE = FALSE never wraps; a KEK without CKA_WRAP / CKA_UNWRAP is refused,
 * and CKA_WRAP cannot be granted afterwards. */
static void test_permissions(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = kek(s, kats[0].kek, CK_TRUE, CK_TRUE), nowrap = kek(s, kats[2].kek, CK_FALSE, CK_FALSE);
	CK_OBJECT_HANDLE g = CK_INVALID_HANDLE, u = CK_INVALID_HANDLE;
	CK_ULONG len = 16;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0}, m = {CKM_AES_KEY_WRAP_KWP, NULL, 0};
	CK_ATTRIBUTE gt[] = {A(CKA_VALUE_LEN, len), A(CKA_SIGN, no), A(CKA_ENCRYPT, no), A(CKA_EXTRACTABLE, no)};
	assert_int_equal(f->C_GenerateKey(s, &gen, gt, 4, &g), CKR_OK);
	uint8_t out[64];
	CK_ULONG out_len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, g, out, &out_len), CKR_KEY_UNEXTRACTABLE);
	assert_int_equal(f->C_WrapKey(s, &m, k, g, NULL, &out_len), CKR_KEY_UNEXTRACTABLE);
	/* extractable now, then turned off: no longer wraps */
	CK_OBJECT_HANDLE x = CK_INVALID_HANDLE;
	gt[3].pValue = &yes;
	assert_int_equal(f->C_GenerateKey(s, &gen, gt, 4, &x), CKR_OK);
	out_len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, x, out, &out_len), CKR_OK);
	assert_int_equal(f->C_WrapKey(s, &m, nowrap, x, out, &out_len), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP_KWP, nowrap, out, out_len, CKK_AES, &u),
	                 CKR_KEY_FUNCTION_NOT_PERMITTED);
	CK_ATTRIBUTE grant = A(CKA_WRAP, yes), off = A(CKA_EXTRACTABLE, no);
	assert_int_equal(f->C_SetAttributeValue(s, nowrap, &grant, 1), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(f->C_SetAttributeValue(s, x, &off, 1), CKR_OK);
	out_len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, x, out, &out_len), CKR_KEY_UNEXTRACTABLE);
	/* the wrapping key must be an AES key; the target a key */
	assert_int_equal(f->C_WrapKey(s, &m, k, 0x7777, out, &out_len), CKR_KEY_HANDLE_INVALID);
	assert_int_equal(f->C_WrapKey(s, &m, 0x7777, x, out, &out_len), CKR_WRAPPING_KEY_HANDLE_INVALID);
	assert_int_equal(unwrap_plain(s, CKM_AES_KEY_WRAP_KWP, 0x7777, out, 24, CKK_AES, &u),
	                 CKR_UNWRAPPING_KEY_HANDLE_INVALID);
}

/* CKA_WRAP_WITH_TRUSTED: only under a CKA_TRUSTED key, which only the SO makes. */
static void test_trusted(void **state)
{
	(void)state;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_OBJECT_HANDLE k = kek(s, kats[0].kek, CK_TRUE, CK_TRUE), g = CK_INVALID_HANDLE, t = CK_INVALID_HANDLE;
	CK_ULONG len = 16;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0}, m = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ATTRIBUTE gt[] = {A(CKA_VALUE_LEN, len), A(CKA_SIGN, no), A(CKA_ENCRYPT, no), A(CKA_EXTRACTABLE, yes),
	                     A(CKA_WRAP_WITH_TRUSTED, yes), A(CKA_TOKEN, yes)};
	assert_int_equal(f->C_GenerateKey(s, &gen, gt, 6, &g), CKR_OK);
	uint8_t out[64];
	CK_ULONG out_len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, g, out, &out_len), CKR_KEY_NOT_WRAPPABLE);
	/* the user cannot make a trusted key */
	CK_ATTRIBUTE tt[] = {A(CKA_VALUE_LEN, len), A(CKA_SIGN, no), A(CKA_ENCRYPT, no), A(CKA_WRAP, yes),
	                     A(CKA_TRUSTED, yes), A(CKA_TOKEN, yes)};
	assert_int_equal(f->C_GenerateKey(s, &gen, tt, 6, &t), CKR_ATTRIBUTE_READ_ONLY);
	/* the SO can */
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_SO, P(SO_PIN)), CKR_OK);
	assert_int_equal(f->C_GenerateKey(s, &gen, tt, 6, &t), CKR_OK);
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	/* handles of private objects changed with the login */
	CK_BBOOL tr = CK_TRUE;
	t = ct_find(s, CKA_TRUSTED, &tr, sizeof tr);
	g = ct_find(s, CKA_WRAP_WITH_TRUSTED, &tr, sizeof tr);
	k = ct_find(s, CKA_UNWRAP, &tr, sizeof tr);
	assert_int_not_equal(t, CK_INVALID_HANDLE);
	assert_int_equal(f->C_WrapKey(s, &m, t, g, out, &out_len), CKR_OK);
	assert_int_equal(f->C_WrapKey(s, &m, k, g, out, &out_len), CKR_KEY_NOT_WRAPPABLE);
	CK_ATTRIBUTE off = A(CKA_TRUSTED, no);
	assert_int_equal(f->C_SetAttributeValue(s, t, &off, 1), CKR_ATTRIBUTE_READ_ONLY);
}

/* A keyset key travels only in the bound form, keeps its service, index and usage,
 * and lands in exactly one instance. */
static void keyset_template(CK_ATTRIBUTE *t, CK_ULONG *n, CK_ATTRIBUTE_TYPE extra, void *val, CK_ULONG len)
{
	static const CK_ATTRIBUTE base[] = {A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), A(CKA_TOKEN, yes)};
	memcpy(t, base, sizeof base);
	*n = 3;
	if (extra != 0)
		t[(*n)++] = (CK_ATTRIBUTE){extra, val, len};
}

static void test_bound_keyset(void **state)
{
	(void)state;
	CK_SLOT_ID s1, s2, s3;
	CK_SESSION_HANDLE a = ct_ready_token(&s1), b = ct_ready_token(&s2), c = ct_ready_token(&s3);
	CK_OBJECT_HANDLE ka = kek(a, kats[2].kek, CK_TRUE, CK_FALSE), kb = kek(b, kats[2].kek, CK_FALSE, CK_TRUE);
	CK_OBJECT_HANDLE kc = kek(c, kats[2].kek, CK_FALSE, CK_TRUE);
	CK_ULONG srv = CK_PORTFOLIO_SRV_AUTHENT, idx = 1, len = 32;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ATTRIBUTE gt[] = {A(CKA_VALUE_LEN, len), A(CKA_TOKEN, yes), A(CKA_EXTRACTABLE, yes), A(CKA_ENCRYPT, no),
	                     A(CKA_DECRYPT, no), A(CKA_PORTFOLIO_SERVICE, srv), A(CKA_PORTFOLIO_KEY_INDEX, idx)};
	CK_OBJECT_HANDLE dev = CK_INVALID_HANDLE, u = CK_INVALID_HANDLE;
	assert_int_equal(f->C_GenerateKey(a, &gen, gt, 7, &dev), CKR_OK);
	uint8_t blob[80];
	CK_ULONG blob_len = sizeof blob;
	CK_MECHANISM kwp = {CKM_AES_KEY_WRAP_KWP, NULL, 0}, bound = {CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, NULL, 0};
	assert_int_equal(f->C_WrapKey(a, &kwp, ka, dev, blob, &blob_len), CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(f->C_WrapKey(a, &bound, ka, dev, blob, &blob_len), CKR_OK);
	assert_int_equal(blob_len, 56);
	CK_ATTRIBUTE t[6];
	CK_ULONG n, other = 2;
	/* the template may not move it, change its usage or its type */
	keyset_template(t, &n, CKA_PORTFOLIO_KEY_INDEX, &other, sizeof other);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_TEMPLATE_INCONSISTENT);
	CK_ULONG enc = CK_PORTFOLIO_SRV_ENCRYPT;
	keyset_template(t, &n, CKA_PORTFOLIO_SERVICE, &enc, sizeof enc);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_TEMPLATE_INCONSISTENT);
	keyset_template(t, &n, CKA_SIGN, &no, sizeof no);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_TEMPLATE_INCONSISTENT);
	keyset_template(t, &n, CKA_ENCRYPT, &yes, sizeof yes);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_TEMPLATE_INCONSISTENT);
	keyset_template(t, &n, 0, NULL, 0);
	t[1].pValue = (void *)&generic;
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_TEMPLATE_INCONSISTENT);
	/* a bound blob never opens as a plain one (header and key would become a
	 * readable generic secret outside any keyset), nor a plain one as bound */
	assert_int_equal(unwrap_plain(b, CKM_AES_KEY_WRAP_KWP, kb, blob, blob_len, CKK_GENERIC_SECRET, &u),
	                 CKR_WRAPPED_KEY_INVALID);
	uint8_t plain[80];
	CK_ULONG plain_len = sizeof plain;
	CK_OBJECT_HANDLE ka2 = kek(a, kats[0].kek, CK_TRUE, CK_FALSE), kb2 = kek(b, kats[0].kek, CK_FALSE, CK_TRUE);
	assert_int_equal(f->C_WrapKey(a, &kwp, ka2, ka, plain, &plain_len), CKR_KEY_UNEXTRACTABLE);
	CK_OBJECT_HANDLE pk = CK_INVALID_HANDLE;
	CK_ATTRIBUTE pt[] = {A(CKA_VALUE_LEN, len), A(CKA_EXTRACTABLE, yes), A(CKA_SIGN, no), A(CKA_ENCRYPT, no)};
	assert_int_equal(f->C_GenerateKey(a, &gen, pt, 4, &pk), CKR_OK);
	assert_int_equal(f->C_WrapKey(a, &kwp, ka2, pk, plain, &plain_len), CKR_OK);
	keyset_template(t, &n, 0, NULL, 0);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb2, plain, plain_len, t, n, &u), CKR_WRAPPED_KEY_INVALID);
	/* keyset exclusivity: the device key is held by instance a */
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(f->C_DestroyObject(a, dev), CKR_OK);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, n, &u), CKR_OK);
	CK_ULONG got_srv = 9, got_idx = 9;
	CK_BBOOL sign = CK_FALSE, encrypt = CK_TRUE, verify = CK_FALSE;
	CK_ATTRIBUTE q[] = {A(CKA_PORTFOLIO_SERVICE, got_srv), A(CKA_PORTFOLIO_KEY_INDEX, got_idx), A(CKA_SIGN, sign),
	                    A(CKA_ENCRYPT, encrypt), A(CKA_VERIFY, verify)};
	assert_int_equal(f->C_GetAttributeValue(b, u, q, 5), CKR_OK);
	assert_int_equal(got_srv, srv);
	assert_int_equal(got_idx, idx);
	assert_true(sign && verify && !encrypt);
	/* and in no second instance */
	CK_OBJECT_HANDLE u2 = CK_INVALID_HANDLE;
	assert_int_equal(f->C_UnwrapKey(c, &bound, kc, blob, blob_len, t, n, &u2), CKR_ATTRIBUTE_VALUE_INVALID);
	/* a tampered bound blob */
	blob[10] ^= 1;
	assert_int_equal(f->C_UnwrapKey(c, &bound, kc, blob, blob_len, t, n, &u2), CKR_WRAPPED_KEY_INVALID);
}

/* The bound form for a key of no keyset (a oneM2M content key, docs/onem2m.md):
 * the receiving token may narrow its usage through the unwrap template -
 * decrypt-only - never widen it; the narrow usage is what the component
 * sealed: C_Encrypt is refused, and after a new login the row (decrypt-only)
 * still agrees with the sealed policy (a wider sealed usage would be refused
 * there, src/core/policy.c). */
static void test_bound_narrows(void **state)
{
	(void)state;
	CK_SESSION_HANDLE a = ct_ready_token(NULL), b = ct_ready_token(NULL);
	CK_OBJECT_HANDLE ka = kek(a, kats[2].kek, CK_TRUE, CK_FALSE), kb = kek(b, kats[2].kek, CK_FALSE, CK_TRUE);
	CK_ULONG len = 32;
	static const char label[] = "K_container_conf";
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0}, bound = {CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, NULL, 0};
	CK_ATTRIBUTE gt[] = {A(CKA_VALUE_LEN, len), A(CKA_TOKEN, yes), A(CKA_EXTRACTABLE, yes), A(CKA_SENSITIVE, yes),
	                     A(CKA_ENCRYPT, yes), A(CKA_DECRYPT, yes), A(CKA_SIGN, no), A(CKA_VERIFY, no)};
	CK_OBJECT_HANDLE key = CK_INVALID_HANDLE, u = CK_INVALID_HANDLE;
	assert_int_equal(f->C_GenerateKey(a, &gen, gt, 8, &key), CKR_OK);
	uint8_t blob[80];
	CK_ULONG blob_len = sizeof blob;
	assert_int_equal(f->C_WrapKey(a, &bound, ka, key, blob, &blob_len), CKR_OK);
	CK_ATTRIBUTE t[] = {A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), A(CKA_TOKEN, yes), A(CKA_SENSITIVE, yes),
	                    A(CKA_EXTRACTABLE, no), {CKA_LABEL, (void *)label, sizeof label - 1}, A(CKA_ENCRYPT, no),
	                    A(CKA_SIGN, no), A(CKA_DERIVE, no), A(CKA_DECRYPT, yes)};
	/* wider than the blob, one bit at a time: refused, nothing made */
	static const CK_ATTRIBUTE_TYPE widen[] = {CKA_SIGN, CKA_VERIFY, CKA_DERIVE};
	CK_ULONG before = count_keys(b);
	for (size_t i = 0; i < sizeof widen / sizeof widen[0]; i++) {
		CK_ATTRIBUTE w[11];
		memcpy(w, t, sizeof t);
		w[10] = (CK_ATTRIBUTE)A(widen[i], yes);
		assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, w, 11, &u), CKR_TEMPLATE_INCONSISTENT);
	}
	assert_int_equal(count_keys(b), before);
	assert_int_equal(f->C_UnwrapKey(b, &bound, kb, blob, blob_len, t, 10, &u), CKR_OK);
	CK_BBOOL enc = CK_TRUE, dec = CK_FALSE, der = CK_TRUE;
	CK_ATTRIBUTE q[] = {A(CKA_ENCRYPT, enc), A(CKA_DECRYPT, dec), A(CKA_DERIVE, der)};
	assert_int_equal(f->C_GetAttributeValue(b, u, q, 3), CKR_OK);
	assert_true(!enc && dec && !der);
	CK_MECHANISM ecb = {CKM_AES_ECB, NULL, 0};
	assert_int_equal(f->C_EncryptInit(b, &ecb, u), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_DecryptInit(b, &ecb, u), CKR_OK);
	uint8_t in[16] = {0}, out[16];
	CK_ULONG out_len = sizeof out;
	assert_int_equal(f->C_Decrypt(b, in, 16, out, &out_len), CKR_OK);
	/* the original still encrypts: narrowing is the receiver's */
	assert_int_equal(f->C_EncryptInit(a, &ecb, key), CKR_OK);
	out_len = sizeof out;
	assert_int_equal(f->C_Encrypt(a, in, 16, out, &out_len), CKR_OK);
	assert_int_equal(f->C_Logout(b), CKR_OK);
	assert_int_equal(f->C_Login(b, CKU_USER, P(USER_PIN)), CKR_OK);
	u = ct_find(b, CKA_LABEL, label, sizeof label - 1);
	assert_int_not_equal(u, CK_INVALID_HANDLE);
	assert_int_equal(f->C_EncryptInit(b, &ecb, u), CKR_KEY_FUNCTION_NOT_PERMITTED);
	assert_int_equal(f->C_DecryptInit(b, &ecb, u), CKR_OK);
}

/* The factory hand-over: a plain blob may be placed in a keyset by the template;
 * once there, the key leaves only bound. */
static void test_plain_into_keyset(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE k = kek(s, kats[0].kek, CK_TRUE, CK_TRUE), h = CK_INVALID_HANDLE;
	uint8_t blob[24], out[64];
	unhex(kats[0].wrapped, blob, sizeof blob);
	CK_ULONG srv = CK_PORTFOLIO_SRV_AUTHENT, idx = 0, out_len = sizeof out;
	CK_MECHANISM kw = {CKM_AES_KEY_WRAP, NULL, 0}, bound = {CKM_PORTFOLIO_AES_KEY_WRAP_BOUND, NULL, 0};
	CK_ATTRIBUTE t[] = {A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), A(CKA_TOKEN, yes), A(CKA_ENCRYPT, no),
	                    A(CKA_DECRYPT, no), A(CKA_EXTRACTABLE, yes), A(CKA_PORTFOLIO_SERVICE, srv),
	                    A(CKA_PORTFOLIO_KEY_INDEX, idx)};
	assert_int_equal(f->C_UnwrapKey(s, &kw, k, blob, 24, t, 8, &h), CKR_OK);
	CK_BBOOL sign = CK_FALSE;
	CK_ATTRIBUTE q = A(CKA_SIGN, sign);
	assert_int_equal(f->C_GetAttributeValue(s, h, &q, 1), CKR_OK);
	assert_true(sign); /* a device key now */
	assert_int_equal(f->C_WrapKey(s, &kw, k, h, out, &out_len), CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(f->C_WrapKey(s, &bound, k, h, out, &out_len), CKR_OK);
	/* the same device key cannot come in a second time, even as another slot of the keyset */
	CK_OBJECT_HANDLE h2 = CK_INVALID_HANDLE;
	idx = 1;
	assert_int_equal(f->C_UnwrapKey(s, &kw, k, blob, 24, t, 8, &h2), CKR_ATTRIBUTE_VALUE_INVALID);
}

/* A KEK carrying CKA_WRAP_TEMPLATE / CKA_UNWRAP_TEMPLATE (PKCS#11 3.0 4.10). */
static CK_OBJECT_HANDLE kek_with(CK_SESSION_HANDLE s, CK_ATTRIBUTE_TYPE which, CK_ATTRIBUTE *arr, CK_ULONG n)
{
	uint8_t v[16];
	unhex(kats[0].kek, v, sizeof v);
	CK_ATTRIBUTE t[] = {
		A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), {CKA_VALUE, v, 16}, A(CKA_WRAP, yes), A(CKA_UNWRAP, yes),
		A(CKA_SIGN, no), A(CKA_ENCRYPT, no), {which, arr, n * sizeof(CK_ATTRIBUTE)}, A(CKA_TOKEN, yes),
	};
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, 9, &h), CKR_OK);
	return h;
}

/* Only a key that matches the wrap template is wrapped; the template reads back. */
static void test_wrap_template(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ATTRIBUTE wt[] = {A(CKA_SENSITIVE, yes), A(CKA_KEY_TYPE, aes)};
	CK_OBJECT_HANDLE k = kek_with(s, CKA_WRAP_TEMPLATE, wt, 2), open_key, sealed_key;
	CK_ULONG len = 16;
	CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0}, m = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ATTRIBUTE gt[] = {A(CKA_VALUE_LEN, len), A(CKA_SIGN, no), A(CKA_ENCRYPT, no), A(CKA_EXTRACTABLE, yes),
	                     A(CKA_SENSITIVE, no)};
	assert_int_equal(f->C_GenerateKey(s, &gen, gt, 5, &open_key), CKR_OK);
	gt[4].pValue = &yes;
	assert_int_equal(f->C_GenerateKey(s, &gen, gt, 5, &sealed_key), CKR_OK);
	uint8_t out[64];
	CK_ULONG out_len = sizeof out;
	assert_int_equal(f->C_WrapKey(s, &m, k, open_key, out, &out_len), CKR_KEY_NOT_WRAPPABLE);
	assert_int_equal(f->C_WrapKey(s, &m, k, sealed_key, out, &out_len), CKR_OK);
	/* kept in the record: a new process (C_Finalize, C_Initialize) reads it back */
	CK_SLOT_ID slot;
	CK_SESSION_INFO info;
	assert_int_equal(f->C_GetSessionInfo(s, &info), CKR_OK);
	slot = info.slotID;
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	s = ct_session(slot, CKU_USER);
	CK_BBOOL tr = CK_TRUE;
	k = ct_find(s, CKA_WRAP, &tr, sizeof tr);
	assert_int_not_equal(k, CK_INVALID_HANDLE);
	/* read back: array length, element lengths, values (PKCS#11 3.0 5.2) */
	CK_ATTRIBUTE q = {CKA_WRAP_TEMPLATE, NULL, 0};
	assert_int_equal(f->C_GetAttributeValue(s, k, &q, 1), CKR_OK);
	assert_int_equal(q.ulValueLen, 2 * sizeof(CK_ATTRIBUTE));
	CK_ATTRIBUTE got[2] = {{0, NULL, 0}, {0, NULL, 0}};
	q.pValue = got;
	assert_int_equal(f->C_GetAttributeValue(s, k, &q, 1), CKR_OK);
	assert_int_equal(got[0].type, CKA_SENSITIVE);
	assert_int_equal(got[0].ulValueLen, sizeof(CK_BBOOL));
	assert_int_equal(got[1].ulValueLen, sizeof(CK_KEY_TYPE));
	CK_BBOOL b = CK_FALSE;
	CK_KEY_TYPE kt = 0;
	got[0].pValue = &b;
	got[1].pValue = &kt;
	assert_int_equal(f->C_GetAttributeValue(s, k, &q, 1), CKR_OK);
	assert_true(b);
	assert_int_equal(kt, CKK_AES);
	/* fixed for life; and a template must be well formed */
	assert_int_equal(f->C_SetAttributeValue(s, k, &q, 1), CKR_ATTRIBUTE_READ_ONLY);
	uint8_t v[16] = {0};
	CK_ATTRIBUTE bad[] = {{CKA_VALUE, v, 16}};
	CK_ATTRIBUTE t[] = {A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), {CKA_VALUE, v, 16},
	                    {CKA_WRAP_TEMPLATE, bad, sizeof bad}};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, t, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	t[3].ulValueLen = 5;
	assert_int_equal(f->C_CreateObject(s, t, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE nested[] = {{CKA_UNWRAP_TEMPLATE, NULL, 0}};
	t[3] = (CK_ATTRIBUTE){CKA_WRAP_TEMPLATE, nested, sizeof nested};
	assert_int_equal(f->C_CreateObject(s, t, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
}

/* The unwrap template joins the caller's; a contradiction is CKR_TEMPLATE_INCONSISTENT. */
static void test_unwrap_template(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	static const char label[] = "from-the-kek";
	CK_ATTRIBUTE ut[] = {A(CKA_EXTRACTABLE, no), {CKA_LABEL, (void *)label, sizeof label - 1}};
	CK_OBJECT_HANDLE k = kek_with(s, CKA_UNWRAP_TEMPLATE, ut, 2), h = CK_INVALID_HANDLE;
	uint8_t blob[24];
	unhex(kats[0].wrapped, blob, sizeof blob);
	CK_MECHANISM m = {CKM_AES_KEY_WRAP, NULL, 0};
	CK_ATTRIBUTE t[] = {A(CKA_CLASS, secret), A(CKA_KEY_TYPE, aes), A(CKA_SIGN, no), A(CKA_ENCRYPT, no),
	                    A(CKA_EXTRACTABLE, yes)};
	assert_int_equal(f->C_UnwrapKey(s, &m, k, blob, 24, t, 5, &h), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(f->C_UnwrapKey(s, &m, k, blob, 24, t, 4, &h), CKR_OK);
	CK_BBOOL ext = CK_TRUE;
	char got[32];
	CK_ATTRIBUTE q[] = {A(CKA_EXTRACTABLE, ext), {CKA_LABEL, got, sizeof got}};
	assert_int_equal(f->C_GetAttributeValue(s, h, q, 2), CKR_OK);
	assert_false(ext);
	assert_int_equal(q[1].ulValueLen, sizeof label - 1);
	assert_memory_equal(got, label, sizeof label - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rfc_vectors, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_kw_iv_param, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_roundtrip_sensitive, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_length_convention, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_bad_blobs, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_permissions, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_trusted, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_bound_keyset, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_bound_narrows, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_plain_into_keyset, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_wrap_template, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_unwrap_template, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
