/* test_core_object.c - object creation, search, attributes, destruction and
 * the Portfolio rules (keysets, identities, hash provisioning). */
#include "config.h"
#include "core_test_util.h"

#include <openssl/evp.h>

static const uint8_t K16[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static CK_OBJECT_CLASS cls_key = CKO_SECRET_KEY, cls_id = CKO_PORTFOLIO_IDENTITY, cls_data = CKO_DATA;
/* Handles of private objects die at logout (PKCS#11): after a new login the
 * object is found again by its attributes. */
static CK_OBJECT_HANDLE find_again(CK_SESSION_HANDLE s, CK_ATTRIBUTE_TYPE type, const void *val, CK_ULONG len)
{
	CK_OBJECT_HANDLE h = ct_find(s, type, val, len);
	assert_int_not_equal(h, CK_INVALID_HANDLE);
	return h;
}

static CK_KEY_TYPE kt_aes = CKK_AES, kt_gen = CKK_GENERIC_SECRET, kt_rsa = CKK_RSA;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

static CK_RV create(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_HANDLE *h)
{
	return f->C_CreateObject(s, t, n, h);
}

static void test_template_errors(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE h;
	uint8_t k15[15] = {0};
	CK_ULONG ulong_len = 16, svc = 0, idx = 0, bad_svc = 5;
	uint8_t bad_bool = 7;

	CK_ATTRIBUTE no_class[] = {{CKA_KEY_TYPE, &kt_aes, sizeof kt_aes}, {CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(create(s, no_class, 2, &h), CKR_TEMPLATE_INCOMPLETE);
	CK_ATTRIBUTE no_type[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(create(s, no_type, 2, &h), CKR_TEMPLATE_INCOMPLETE);
	CK_ATTRIBUTE no_value[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes}};
	assert_int_equal(create(s, no_value, 2, &h), CKR_TEMPLATE_INCOMPLETE);
	CK_ATTRIBUTE data_class[] = {{CKA_CLASS, &cls_data, sizeof cls_data}};
	assert_int_equal(create(s, data_class, 1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE short_class[] = {{CKA_CLASS, &cls_key, 4}};
	assert_int_equal(create(s, short_class, 1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE rsa[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_rsa, sizeof kt_rsa},
	                      {CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(create(s, rsa, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE badlen[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                         {CKA_VALUE, k15, 15}};
	assert_int_equal(create(s, badlen, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE bool_len[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                           {CKA_VALUE, (void *)K16, 16}, {CKA_TOKEN, &ulong_len, sizeof ulong_len}};
	assert_int_equal(create(s, bool_len, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE bool_val[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                           {CKA_VALUE, (void *)K16, 16}, {CKA_SIGN, &bad_bool, 1}};
	assert_int_equal(create(s, bool_val, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE ulong_short[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, 2},
	                              {CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(create(s, ulong_short, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE local[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                        {CKA_VALUE, (void *)K16, 16}, {CKA_LOCAL, &yes, 1}};
	assert_int_equal(create(s, local, 4, &h), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE always[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                         {CKA_VALUE, (void *)K16, 16}, {CKA_ALWAYS_SENSITIVE, &yes, 1}};
	assert_int_equal(create(s, always, 4, &h), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE unknown[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                          {CKA_VALUE, (void *)K16, 16}, {CKA_MODULUS, (void *)K16, 16}};
	assert_int_equal(create(s, unknown, 4, &h), CKR_ATTRIBUTE_TYPE_INVALID);
	CK_ATTRIBUTE id_on_key[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                            {CKA_VALUE, (void *)K16, 16}, {CKA_PORTFOLIO_IDENTITY_ID, &idx, sizeof idx}};
	assert_int_equal(create(s, id_on_key, 4, &h), CKR_ATTRIBUTE_TYPE_INVALID);
	CK_ATTRIBUTE vlen_mismatch[] = {{CKA_CLASS, &cls_key, sizeof cls_key},
	                                {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                                {CKA_VALUE, (void *)K16, 16},
	                                {CKA_VALUE_LEN, &svc, sizeof svc}};
	assert_int_equal(create(s, vlen_mismatch, 4, &h), CKR_TEMPLATE_INCONSISTENT);
	CK_ATTRIBUTE dup[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                      {CKA_VALUE, (void *)K16, 16}, {CKA_SIGN, &yes, 1}, {CKA_SIGN, &no, 1}};
	assert_int_equal(create(s, dup, 5, &h), CKR_TEMPLATE_INCONSISTENT);
	CK_ATTRIBUTE half_keyset[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                              {CKA_VALUE, (void *)K16, 16}, {CKA_PORTFOLIO_SERVICE, &svc, sizeof svc}};
	assert_int_equal(create(s, half_keyset, 4, &h), CKR_TEMPLATE_INCONSISTENT);
	CK_ATTRIBUTE bad_service[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                              {CKA_VALUE, (void *)K16, 16}, {CKA_PORTFOLIO_SERVICE, &bad_svc, sizeof bad_svc},
	                              {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx}};
	assert_int_equal(create(s, bad_service, 5, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE null_value[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_VALUE, NULL, 16}};
	assert_int_equal(create(s, null_value, 2, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(f->C_CreateObject(s, NULL, 2, &h), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_CreateObject(s, no_class, 2, NULL), CKR_ARGUMENTS_BAD);
}

static void test_create_get_defaults(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE h = ct_aes_key(s, K16, 16, 0, 1, CK_TRUE);
	CK_BBOOL priv = 0, sens = 0, extr = 1, local = 1, always = 1, never = 1, tok = 0, hp;
	CK_ULONG vlen = 0, kgm = 0, svc = 9, idx = 9;
	uint8_t buf[32];
	CK_ATTRIBUTE t[] = {
		{CKA_PRIVATE, &priv, 1},         {CKA_SENSITIVE, &sens, 1},  {CKA_EXTRACTABLE, &extr, 1},
		{CKA_LOCAL, &local, 1},          {CKA_ALWAYS_SENSITIVE, &always, 1},
		{CKA_NEVER_EXTRACTABLE, &never, 1}, {CKA_TOKEN, &tok, 1},   {CKA_VALUE_LEN, &vlen, sizeof vlen},
		{CKA_KEY_GEN_MECHANISM, &kgm, sizeof kgm}, {CKA_PORTFOLIO_SERVICE, &svc, sizeof svc},
		{CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx},
	};
	assert_int_equal(f->C_GetAttributeValue(s, h, t, 11), CKR_OK);
	assert_int_equal(priv, CK_TRUE);
	assert_int_equal(sens, CK_TRUE);
	assert_int_equal(extr, CK_FALSE);
	assert_int_equal(local, CK_FALSE);
	assert_int_equal(always, CK_FALSE);
	assert_int_equal(never, CK_FALSE);
	assert_int_equal(tok, CK_TRUE);
	assert_int_equal(vlen, 16);
	assert_int_equal(kgm, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(svc, 0);
	assert_int_equal(idx, 1);

	/* Standard GetAttributeValue rules: all attributes processed. */
	CK_ATTRIBUTE g[] = {
		{CKA_VALUE, buf, sizeof buf},           /* sensitive */
		{CKA_MODULUS, buf, sizeof buf},         /* not on this class */
		{CKA_LABEL, NULL, 0},                   /* length query */
		{CKA_UNIQUE_ID, buf, 1},                /* too small */
		{CKA_PORTFOLIO_HASH_PROVISIONED, &hp, 1}, /* identity only */
		{CKA_CLASS, buf, sizeof(CK_ULONG)},
	};
	CK_RV rv = f->C_GetAttributeValue(s, h, g, 6);
	assert_true(rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_BUFFER_TOO_SMALL);
	assert_int_equal(g[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(g[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(g[2].ulValueLen, 0);
	assert_int_equal(g[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(g[4].ulValueLen, CK_UNAVAILABLE_INFORMATION);
	assert_int_equal(g[5].ulValueLen, sizeof(CK_ULONG));
	CK_ULONG c;
	memcpy(&c, buf, sizeof c);
	assert_int_equal(c, CKO_SECRET_KEY);
	CK_ULONG sz = 0;
	assert_int_equal(f->C_GetObjectSize(s, h, &sz), CKR_OK);
	assert_true(sz > 0);
	assert_int_equal(f->C_GetAttributeValue(s, h + 1000, g, 1), CKR_OBJECT_HANDLE_INVALID);

	/* (service, index) is unique per token */
	static const uint8_t K2[16] = {1, 2, 3};
	CK_ATTRIBUTE again[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                        {CKA_VALUE, (void *)K2, 16}, {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1},
	                        {CKA_PORTFOLIO_SERVICE, &svc, sizeof svc}, {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx}};
	CK_OBJECT_HANDLE h2;
	assert_int_equal(create(s, again, 7, &h2), CKR_ATTRIBUTE_VALUE_INVALID);
	/* the same device key twice is refused (keysets are never shared) */
	CK_ATTRIBUTE clone[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                        {CKA_VALUE, (void *)K16, 16}, {CKA_SIGN, &yes, 1}};
	assert_int_equal(create(s, clone, 4, &h2), CKR_ATTRIBUTE_VALUE_INVALID);
}

static void test_readable_key_and_set_rules(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE h;
	uint8_t buf[64];
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                    {CKA_VALUE, (void *)K16, 16}, {CKA_SENSITIVE, &no, 1}, {CKA_EXTRACTABLE, &yes, 1},
	                    {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1}, {CKA_LABEL, "srv", 3}, {CKA_TOKEN, &yes, 1}};
	assert_int_equal(create(s, t, 9, &h), CKR_OK);
	CK_ATTRIBUTE v = {CKA_VALUE, NULL, 0};
	assert_int_equal(f->C_GetAttributeValue(s, h, &v, 1), CKR_OK);
	assert_int_equal(v.ulValueLen, 16);
	v.pValue = buf;
	v.ulValueLen = 8;
	assert_int_equal(f->C_GetAttributeValue(s, h, &v, 1), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(v.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	v.ulValueLen = sizeof buf;
	assert_int_equal(f->C_GetAttributeValue(s, h, &v, 1), CKR_OK);
	assert_int_equal(v.ulValueLen, 16);
	assert_memory_equal(buf, K16, 16);

	/* find by value: only for readable values */
	CK_ATTRIBUTE q = {CKA_VALUE, (void *)K16, 16};
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(s, &q, 1), CKR_OK);
	assert_int_equal(f->C_FindObjectsInit(s, &q, 1), CKR_OPERATION_ACTIVE);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0], h);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OPERATION_NOT_INITIALIZED);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OPERATION_NOT_INITIALIZED);

	/* one-way switches */
	CK_ATTRIBUTE set_sens = {CKA_SENSITIVE, &yes, 1};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_sens, 1), CKR_OK);
	v.ulValueLen = sizeof buf;
	assert_int_equal(f->C_GetAttributeValue(s, h, &v, 1), CKR_ATTRIBUTE_SENSITIVE);
	CK_ATTRIBUTE unset_sens = {CKA_SENSITIVE, &no, 1};
	assert_int_equal(f->C_SetAttributeValue(s, h, &unset_sens, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE unset_ext = {CKA_EXTRACTABLE, &no, 1};
	assert_int_equal(f->C_SetAttributeValue(s, h, &unset_ext, 1), CKR_OK);
	CK_ATTRIBUTE set_ext = {CKA_EXTRACTABLE, &yes, 1};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_ext, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_BBOOL always = 9, never = 9;
	CK_ATTRIBUTE an[] = {{CKA_ALWAYS_SENSITIVE, &always, 1}, {CKA_NEVER_EXTRACTABLE, &never, 1}};
	assert_int_equal(f->C_GetAttributeValue(s, h, an, 2), CKR_OK);
	assert_int_equal(always, CK_FALSE); /* it was readable once */
	assert_int_equal(never, CK_FALSE);
	/* immutable ones */
	CK_ULONG one = 1;
	CK_ATTRIBUTE set_cls = {CKA_CLASS, &cls_id, sizeof cls_id};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_cls, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE set_kt = {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_kt, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE set_srv = {CKA_PORTFOLIO_SERVICE, &one, sizeof one};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_srv, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE set_val = {CKA_VALUE, (void *)K16, 16};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_val, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE set_bad = {CKA_SIGN, &one, sizeof one};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_bad, 1), CKR_ATTRIBUTE_VALUE_INVALID);
	/* a label change persists through a reload */
	CK_ATTRIBUTE lab = {CKA_LABEL, "renamed", 7};
	assert_int_equal(f->C_SetAttributeValue(s, h, &lab, 1), CKR_OK);
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	s = ct_session(0, CKU_USER);
	CK_ATTRIBUTE ql = {CKA_LABEL, "renamed", 7};
	assert_int_equal(f->C_FindObjectsInit(s, &ql, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(n, 1);
	h = found[0]; /* handles of private objects are not kept across logins */
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);

	/* non-modifiable objects */
	CK_OBJECT_HANDLE h2;
	CK_ATTRIBUTE t2[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                     {CKA_VALUE, (void *)"0123456789abcdefXYZ", 19}, {CKA_MODIFIABLE, &no, 1},
	                     {CKA_DESTROYABLE, &no, 1}, {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1}};
	assert_int_equal(create(s, t2, 7, &h2), CKR_OK);
	assert_int_equal(f->C_SetAttributeValue(s, h2, &lab, 1), CKR_ACTION_PROHIBITED);
	assert_int_equal(f->C_DestroyObject(s, h2), CKR_ACTION_PROHIBITED);
	assert_int_equal(f->C_DestroyObject(s, h), CKR_OK);
	assert_int_equal(f->C_DestroyObject(s, h), CKR_OBJECT_HANDLE_INVALID);
}

static void test_session_rules_and_visibility(void **state)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_SESSION_HANDLE ro;
	CK_OBJECT_HANDLE h = ct_aes_key(s, K16, 16, 0, 0, CK_TRUE);
	assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &ro), CKR_OK);
	/* token objects need R/W */
	static const uint8_t K3[16] = {3};
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                    {CKA_VALUE, (void *)K3, 16}, {CKA_TOKEN, &yes, 1}};
	CK_OBJECT_HANDLE h2;
	assert_int_equal(create(ro, t, 4, &h2), CKR_SESSION_READ_ONLY);
	assert_int_equal(f->C_DestroyObject(ro, h), CKR_SESSION_READ_ONLY);
	CK_ATTRIBUTE lab = {CKA_LABEL, "x", 1};
	assert_int_equal(f->C_SetAttributeValue(ro, h, &lab, 1), CKR_SESSION_READ_ONLY);
	/* a session object in the R/O session is fine, and dies with its session */
	t[3].pValue = &no;
	assert_int_equal(create(ro, t, 4, &h2), CKR_OK);
	assert_true(h2 != h);
	CK_ATTRIBUTE cl = {CKA_CLASS, NULL, 0};
	assert_int_equal(f->C_GetAttributeValue(s, h2, &cl, 1), CKR_OK); /* visible to the app's other sessions */
	assert_int_equal(f->C_CloseSession(ro), CKR_OK);
	assert_int_equal(f->C_GetAttributeValue(s, h2, &cl, 1), CKR_OBJECT_HANDLE_INVALID);

	/* private objects disappear on logout; secrets need a login */
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 9;
	assert_int_equal(f->C_Logout(s), CKR_OK);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(f->C_GetAttributeValue(s, h, &cl, 1), CKR_OBJECT_HANDLE_INVALID);
	t[3].pValue = &yes;
	assert_int_equal(create(s, t, 4, &h2), CKR_USER_NOT_LOGGED_IN);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	assert_int_equal(f->C_SignInit(s, &m, h), CKR_USER_NOT_LOGGED_IN);
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	assert_int_equal(f->C_FindObjectsInit(s, NULL, 0), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
}

static void test_handles_are_per_token(void **state)
{
	CK_SLOT_ID a, b;
	CK_SESSION_HANDLE sa = ct_ready_token(&a);
	CK_SESSION_HANDLE sb = ct_ready_token(&b);
	assert_int_not_equal(a, b);
	CK_OBJECT_HANDLE ka = ct_aes_key(sa, K16, 16, 0, 0, CK_TRUE);
	CK_MECHANISM m = {CKM_AES_CMAC, NULL, 0};
	assert_int_equal(f->C_SignInit(sb, &m, ka), CKR_KEY_HANDLE_INVALID);
	CK_ATTRIBUTE cl = {CKA_CLASS, NULL, 0};
	assert_int_equal(f->C_GetAttributeValue(sb, ka, &cl, 1), CKR_OBJECT_HANDLE_INVALID);
	assert_int_equal(f->C_DestroyObject(sb, ka), CKR_OBJECT_HANDLE_INVALID);
	/* the same key material on another token, as a device key: refused */
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                    {CKA_VALUE, (void *)K16, 16}, {CKA_TOKEN, &yes, 1}, {CKA_SIGN, &yes, 1}};
	CK_OBJECT_HANDLE kb;
	assert_int_equal(create(sb, t, 5, &kb), CKR_ATTRIBUTE_VALUE_INVALID);
	/* as a server-side copy (verify only): allowed */
	t[4].type = CKA_VERIFY;
	CK_ATTRIBUTE t2[7];
	memcpy(t2, t, sizeof t);
	t2[5] = (CK_ATTRIBUTE){CKA_SIGN, &no, 1};
	t2[6] = (CK_ATTRIBUTE){CKA_ENCRYPT, &no, 1};
	assert_int_equal(create(sb, t2, 7, &kb), CKR_OK);
}

static void test_generate_key(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG len = 32, bad = 17;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE t[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_TOKEN, &yes, 1}};
	assert_int_equal(f->C_GenerateKey(s, &m, t, 1, NULL), CKR_ARGUMENTS_BAD);
	assert_int_equal(f->C_GenerateKey(s, &m, NULL, 0, &h), CKR_TEMPLATE_INCOMPLETE);
	CK_ATTRIBUTE tb[] = {{CKA_VALUE_LEN, &bad, sizeof bad}};
	assert_int_equal(f->C_GenerateKey(s, &m, tb, 1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE tv[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_VALUE, (void *)K16, 16}};
	assert_int_equal(f->C_GenerateKey(s, &m, tv, 2, &h), CKR_TEMPLATE_INCONSISTENT);
	CK_ATTRIBUTE tk[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen}};
	assert_int_equal(f->C_GenerateKey(s, &m, tk, 2, &h), CKR_TEMPLATE_INCONSISTENT);
	assert_int_equal(f->C_GenerateKey(s, &m, t, 2, &h), CKR_OK);
	CK_BBOOL local = 0, always = 0, never = 0;
	CK_ULONG kgm = 0, vlen = 0;
	CK_KEY_TYPE kt = 0;
	CK_ATTRIBUTE g[] = {{CKA_LOCAL, &local, 1}, {CKA_ALWAYS_SENSITIVE, &always, 1},
	                    {CKA_NEVER_EXTRACTABLE, &never, 1}, {CKA_KEY_GEN_MECHANISM, &kgm, sizeof kgm},
	                    {CKA_VALUE_LEN, &vlen, sizeof vlen}, {CKA_KEY_TYPE, &kt, sizeof kt}};
	assert_int_equal(f->C_GetAttributeValue(s, h, g, 6), CKR_OK);
	assert_int_equal(local, CK_TRUE);
	assert_int_equal(always, CK_TRUE);
	assert_int_equal(never, CK_TRUE);
	assert_int_equal(kgm, CKM_AES_KEY_GEN);
	assert_int_equal(vlen, 32);
	assert_int_equal(kt, CKK_AES);
	CK_MECHANISM mg = {CKM_GENERIC_SECRET_KEY_GEN, NULL, 0};
	assert_int_equal(f->C_GenerateKey(s, &mg, t, 2, &h), CKR_OK);
	CK_MECHANISM mx = {CKM_SHA256, NULL, 0};
	assert_int_equal(f->C_GenerateKey(s, &mx, t, 2, &h), CKR_MECHANISM_INVALID);
}

static void sha256(const void *in, size_t len, uint8_t out[32])
{
	unsigned int n = 32;
	assert_int_equal(EVP_Digest(in, len, out, &n, EVP_sha256(), NULL), 1);
}

static void test_identity_provisioning(void **state)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	CK_ULONG id3 = 3, id4 = 4;
	const char *ident = "urn:imei:490154203237518";
	CK_OBJECT_HANDLE h, hu;
	CK_BBOOL prov = 9;
	uint8_t buf[64], hash[32];

	/* The user creates an identity: no hash is provisioned, and none can be given. */
	sha256(ident, strlen(ident), hash);
	CK_ATTRIBUTE with_hash[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id4, sizeof id4},
	                            {CKA_VALUE, (void *)ident, strlen(ident)}, {CKA_TOKEN, &yes, 1},
	                            {CKA_PORTFOLIO_IDENTITY_HASH, hash, 32}};
	assert_int_equal(create(s, with_hash, 5, &hu), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(create(s, with_hash, 4, &hu), CKR_OK);
	CK_ATTRIBUTE hp = {CKA_PORTFOLIO_HASH_PROVISIONED, &prov, 1};
	assert_int_equal(f->C_GetAttributeValue(s, hu, &hp, 1), CKR_OK);
	assert_int_equal(prov, CK_FALSE);
	CK_ATTRIBUTE no_id[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_VALUE, (void *)ident, strlen(ident)}};
	assert_int_equal(create(s, no_id, 2, &h), CKR_TEMPLATE_INCOMPLETE);
	assert_int_equal(create(s, with_hash, 4, &h), CKR_ATTRIBUTE_VALUE_INVALID); /* id 4 taken */
	assert_int_equal(f->C_Logout(s), CKR_OK);

	/* The SO provisions identity 3: the hash is SHA-256 of the value. */
	assert_int_equal(f->C_Login(s, CKU_SO, P(SO_PIN)), CKR_OK);
	hu = find_again(s, CKA_PORTFOLIO_IDENTITY_ID, &id4, sizeof id4);
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id3, sizeof id3},
	                    {CKA_VALUE, (void *)ident, strlen(ident)}, {CKA_TOKEN, &yes, 1}};
	assert_int_equal(create(s, t, 4, &h), CKR_OK);
	assert_int_equal(f->C_GetAttributeValue(s, h, &hp, 1), CKR_OK);
	assert_int_equal(prov, CK_TRUE);
	CK_ATTRIBUTE hv = {CKA_PORTFOLIO_IDENTITY_HASH, buf, sizeof buf};
	assert_int_equal(f->C_GetAttributeValue(s, h, &hv, 1), CKR_ATTRIBUTE_SENSITIVE);
	assert_int_equal(hv.ulValueLen, CK_UNAVAILABLE_INFORMATION);
	CK_ATTRIBUTE bad_hash = {CKA_PORTFOLIO_IDENTITY_HASH, hash, 31};
	assert_int_equal(f->C_SetAttributeValue(s, hu, &bad_hash, 1), CKR_ATTRIBUTE_VALUE_INVALID);
	CK_ATTRIBUTE good_hash = {CKA_PORTFOLIO_IDENTITY_HASH, hash, 32};
	assert_int_equal(f->C_SetAttributeValue(s, hu, &good_hash, 1), CKR_OK);
	assert_int_equal(f->C_GetAttributeValue(s, hu, &hp, 1), CKR_OK);
	assert_int_equal(prov, CK_TRUE);
	assert_int_equal(f->C_Logout(s), CKR_OK);

	/* The user rewrites the value (an LwM2M WRITE) but cannot touch the hash. */
	assert_int_equal(f->C_Login(s, CKU_USER, P(USER_PIN)), CKR_OK);
	h = find_again(s, CKA_PORTFOLIO_IDENTITY_ID, &id3, sizeof id3);
	hu = find_again(s, CKA_PORTFOLIO_IDENTITY_ID, &id4, sizeof id4);
	const char *other = "urn:imei:000000000000000";
	CK_ATTRIBUTE nv = {CKA_VALUE, (void *)other, strlen(other)};
	assert_int_equal(f->C_SetAttributeValue(s, h, &nv, 1), CKR_OK);
	CK_ATTRIBUTE rv = {CKA_VALUE, buf, sizeof buf};
	assert_int_equal(f->C_GetAttributeValue(s, h, &rv, 1), CKR_OK);
	assert_int_equal(rv.ulValueLen, strlen(other));
	assert_memory_equal(buf, other, strlen(other));
	assert_int_equal(f->C_SetAttributeValue(s, h, &good_hash, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE set_prov = {CKA_PORTFOLIO_HASH_PROVISIONED, &no, 1};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_prov, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE set_iid = {CKA_PORTFOLIO_IDENTITY_ID, &id4, sizeof id4};
	assert_int_equal(f->C_SetAttributeValue(s, h, &set_iid, 1), CKR_ATTRIBUTE_READ_ONLY);
	/* still provisioned after the rewrite (the hash signs, checked in test_p11_ops) */
	assert_int_equal(f->C_GetAttributeValue(s, h, &hp, 1), CKR_OK);
	assert_int_equal(prov, CK_TRUE);
	/* find by identity id */
	CK_ATTRIBUTE q[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id3, sizeof id3}};
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(s, q, 2), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0], h);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	/* identities can be copied only while no hash is provisioned */
	CK_OBJECT_HANDLE hc;
	CK_ULONG id9 = 9;
	CK_ATTRIBUTE ct[] = {{CKA_PORTFOLIO_IDENTITY_ID, &id9, sizeof id9}};
	assert_int_equal(f->C_CopyObject(s, h, ct, 1, &hc), CKR_ACTION_PROHIBITED);
}

/* A keyset key must fit some mechanism of its service, checked at creation
 * (issue 14 item 4): AUTH_CMAC takes 16 or 32 bytes, AUTH_HMAC 16..512, the
 * encryption mechanisms AES 16/24/32. */
static void test_keyset_key_size(void **state)
{
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	static const uint8_t K[32] = {9, 8, 7}, K2[32] = {6, 5, 4};
	CK_ULONG auth = CK_PORTFOLIO_SRV_AUTHENT, enc = CK_PORTFOLIO_SRV_ENCRYPT, idx = 3;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                    {CKA_VALUE, (void *)K, 24}, {CKA_TOKEN, &yes, 1},
	                    {CKA_PORTFOLIO_SERVICE, &auth, sizeof auth}, {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx}};
	assert_int_equal(create(s, t, 6, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	assert_int_equal(ct_find(s, CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx), CK_INVALID_HANDLE);
	t[1].pValue = &kt_gen;
	t[2].ulValueLen = 8; /* AUTH_HMAC wants at least 16 */
	assert_int_equal(create(s, t, 6, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	t[2].ulValueLen = 20;
	assert_int_equal(create(s, t, 6, &h), CKR_OK);
	t[4].pValue = &enc; /* no encryption mechanism takes a generic secret */
	assert_int_equal(create(s, t, 6, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	t[1].pValue = &kt_aes;
	t[2].ulValueLen = 24; /* AES-192 is fine for the encryption service */
	t[2].pValue = (void *)K2; /* not the HMAC key's bytes: keysets are never shared */
	assert_int_equal(create(s, t, 6, &h), CKR_OK);

	CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG len = 24, idx2 = 4;
	CK_ATTRIBUTE g[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_PORTFOLIO_SERVICE, &auth, sizeof auth},
	                    {CKA_PORTFOLIO_KEY_INDEX, &idx2, sizeof idx2}};
	assert_int_equal(f->C_GenerateKey(s, &m, g, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	len = 32;
	assert_int_equal(f->C_GenerateKey(s, &m, g, 3, &h), CKR_OK);
}

/* Every key gets a non-empty CKA_ID when it has none (8 random bytes, kept
 * with the object); a caller's id is kept as given. */
static CK_ULONG key_id(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, uint8_t out[16])
{
	CK_ATTRIBUTE a = {CKA_ID, out, 16};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return a.ulValueLen;
}

static void test_key_ids(void **state)
{
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = ct_ready_token(&slot);
	uint8_t a[16], b[16], c[16];
	CK_OBJECT_HANDLE ha = ct_aes_key(s, K16, 16, 0, 1, CK_TRUE);
	static const uint8_t K2[16] = {4, 5, 6};
	CK_OBJECT_HANDLE hb = ct_aes_key(s, K2, 16, 0, 2, CK_TRUE);
	assert_int_equal(key_id(s, ha, a), 8);
	assert_int_equal(key_id(s, hb, b), 8);
	assert_memory_not_equal(a, b, 8);
	CK_MECHANISM m = {CKM_AES_KEY_GEN, NULL, 0};
	CK_ULONG len = 16;
	CK_OBJECT_HANDLE h;
	CK_ATTRIBUTE empty[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_ID, NULL, 0}};
	assert_int_equal(f->C_GenerateKey(s, &m, empty, 2, &h), CKR_OK);
	assert_int_equal(key_id(s, h, c), 8);
	static const uint8_t mine[3] = {0xca, 0xfe, 0x01};
	CK_ATTRIBUTE given[] = {{CKA_VALUE_LEN, &len, sizeof len}, {CKA_ID, (void *)mine, 3}};
	assert_int_equal(f->C_GenerateKey(s, &m, given, 2, &h), CKR_OK);
	assert_int_equal(key_id(s, h, c), 3);
	assert_memory_equal(c, mine, 3);
	/* stored with the object: the same after the module is restarted */
	assert_int_equal(f->C_Finalize(NULL), CKR_OK);
	assert_int_equal(f->C_Initialize(NULL), CKR_OK);
	s = ct_session(slot, CKU_USER);
	h = ct_find(s, CKA_ID, a, 8);
	assert_int_not_equal(h, CK_INVALID_HANDLE);
	CK_ULONG idx = 0;
	CK_ATTRIBUTE ia = {CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof idx};
	assert_int_equal(f->C_GetAttributeValue(s, h, &ia, 1), CKR_OK);
	assert_int_equal(idx, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_template_errors, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_create_get_defaults, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_readable_key_and_set_rules, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_session_rules_and_visibility, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_handles_are_per_token, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_generate_key, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_identity_provisioning, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_keyset_key_size, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_key_ids, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
