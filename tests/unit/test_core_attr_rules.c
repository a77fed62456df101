/* test_core_attr_rules.c - the attribute rules of the attribute table
 * (src/core/attr.c) as an application sees them: creation defaults, required
 * attributes, one-way switches, read-only and SO-only attributes, what
 * C_CopyObject may change, value lengths, attributes never readable. Each rule
 * is checked through the C_* calls, so moving a rule between code and table
 * cannot change what it does. */
#include "config.h"
#include "core_test_util.h"

static const uint8_t K16[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
static CK_OBJECT_CLASS cls_key = CKO_SECRET_KEY, cls_id = CKO_PORTFOLIO_IDENTITY;
static CK_KEY_TYPE kt_gen = CKK_GENERIC_SECRET;
static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;

static CK_RV set1(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type, CK_BBOOL v)
{
	CK_ATTRIBUTE a = {type, &v, sizeof v};
	return f->C_SetAttributeValue(s, h, &a, 1);
}

static CK_BBOOL get_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL v = 9;
	CK_ATTRIBUTE a = {type, &v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return v;
}

/* A readable session key (no device usage): copyable, every switch free. */
static CK_OBJECT_HANDLE server_key(CK_SESSION_HANDLE s, const CK_ATTRIBUTE *extra, CK_ULONG n_extra)
{
	CK_ATTRIBUTE t[12] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                      {CKA_VALUE, (void *)K16, 16},           {CKA_SENSITIVE, &no, 1},
	                      {CKA_EXTRACTABLE, &yes, 1},             {CKA_SIGN, &no, 1},
	                      {CKA_ENCRYPT, &no, 1}};
	CK_ULONG n = 7;
	for (CK_ULONG i = 0; i < n_extra; i++)
		t[n++] = extra[i];
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(f->C_CreateObject(s, t, n, &h), CKR_OK);
	return h;
}

/* Defaults of the table: what a key and an Identity hold when the template
 * leaves an attribute out. */
static void test_creation_defaults(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                    {CKA_VALUE, (void *)K16, 16}, {CKA_SIGN, &no, 1}, {CKA_ENCRYPT, &no, 1}};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, t, 5, &h), CKR_OK);
	static const CK_ATTRIBUTE_TYPE on[] = {CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE,
	                                       CKA_SENSITIVE, CKA_DECRYPT, CKA_VERIFY};
	static const CK_ATTRIBUTE_TYPE off[] = {CKA_TOKEN, CKA_EXTRACTABLE, CKA_WRAP, CKA_UNWRAP,
	                                        CKA_DERIVE, CKA_WRAP_WITH_TRUSTED, CKA_TRUSTED};
	for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
		assert_int_equal(get_bool(s, h, on[i]), CK_TRUE);
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
		assert_int_equal(get_bool(s, h, off[i]), CK_FALSE);
	CK_ATTRIBUTE label = {CKA_LABEL, NULL, 9};
	assert_int_equal(f->C_GetAttributeValue(s, h, &label, 1), CKR_OK);
	assert_int_equal(label.ulValueLen, 0);

	/* A key made without usage attributes signs and encrypts (a device key). */
	CK_ATTRIBUTE dev[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                      {CKA_VALUE, (void *)"another-key-0123", 16}};
	assert_int_equal(f->C_CreateObject(s, dev, 3, &h), CKR_OK);
	assert_int_equal(get_bool(s, h, CKA_SIGN), CK_TRUE);
	assert_int_equal(get_bool(s, h, CKA_ENCRYPT), CK_TRUE);

	/* A diversification master only derives: the usages' defaults turn over. */
	CK_KEY_TYPE kt_aes = CKK_AES;
	CK_ULONG srv = CK_PORTFOLIO_SRV_AUTHENT;
	CK_ATTRIBUTE mt[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_aes, sizeof kt_aes},
	                     {CKA_VALUE, (void *)K16, 16}, {CKA_PORTFOLIO_MASTER, &srv, sizeof srv}};
	assert_int_equal(f->C_CreateObject(s, mt, 4, &h), CKR_OK);
	assert_int_equal(get_bool(s, h, CKA_DERIVE), CK_TRUE);
	static const CK_ATTRIBUTE_TYPE master_off[] = {CKA_SIGN, CKA_ENCRYPT, CKA_DECRYPT, CKA_VERIFY,
	                                               CKA_WRAP, CKA_UNWRAP, CKA_TRUSTED};
	for (size_t i = 0; i < sizeof master_off / sizeof master_off[0]; i++)
		assert_int_equal(get_bool(s, h, master_off[i]), CK_FALSE);

	/* An Identity has the common defaults and no CKA_PORTFOLIO_ENCRYPT_CURRENT. */
	CK_ULONG id = 5;
	CK_ATTRIBUTE it[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id},
	                     {CKA_VALUE, "urn:x", 5}};
	assert_int_equal(f->C_CreateObject(s, it, 3, &h), CKR_OK);
	assert_int_equal(get_bool(s, h, CKA_PRIVATE), CK_TRUE);
	assert_int_equal(get_bool(s, h, CKA_COPYABLE), CK_TRUE);
	assert_int_equal(get_bool(s, h, CKA_TOKEN), CK_FALSE);
	CK_BBOOL ec = 9;
	CK_ATTRIBUTE eca = {CKA_PORTFOLIO_ENCRYPT_CURRENT, &ec, 1};
	assert_int_equal(f->C_GetAttributeValue(s, h, &eca, 1), CKR_ATTRIBUTE_TYPE_INVALID);
}

/* One-way switches not covered by test_core_object: CKA_COPYABLE only off,
 * CKA_WRAP_WITH_TRUSTED only on, the usages (and DERIVE, WRAP, UNWRAP) only
 * off; CKA_PRIVATE and CKA_TRUSTED never. */
static void test_one_way_switches(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ATTRIBUTE usage[] = {{CKA_DECRYPT, &yes, 1}, {CKA_VERIFY, &yes, 1}};
	CK_OBJECT_HANDLE h = server_key(s, usage, 2);

	/* In order, on one key: each change and its answer. */
	static const struct {
		CK_ATTRIBUTE_TYPE type;
		CK_BBOOL to;
		CK_RV want;
	} steps[] = {
		{CKA_COPYABLE, CK_TRUE, CKR_OK}, /* unchanged: fine */
		{CKA_COPYABLE, CK_FALSE, CKR_OK},
		{CKA_COPYABLE, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_WRAP_WITH_TRUSTED, CK_FALSE, CKR_OK},
		{CKA_WRAP_WITH_TRUSTED, CK_TRUE, CKR_OK},
		{CKA_WRAP_WITH_TRUSTED, CK_FALSE, CKR_ATTRIBUTE_READ_ONLY},
		/* usages: off is fine, on again (or on for the first time) is not */
		{CKA_VERIFY, CK_FALSE, CKR_OK},
		{CKA_VERIFY, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_DECRYPT, CK_FALSE, CKR_OK},
		{CKA_DECRYPT, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_SIGN, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_ENCRYPT, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_SIGN, CK_FALSE, CKR_OK},
		/* sealed with the item like the usages (SE_USE_DERIVE, SE_USE_WRAP,
		 * SE_USE_UNWRAP): off by default, never turned on afterwards */
		{CKA_DERIVE, CK_FALSE, CKR_OK},
		{CKA_DERIVE, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_WRAP, CK_FALSE, CKR_OK},
		{CKA_WRAP, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_UNWRAP, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		/* fixed at creation, and only the SO makes it TRUE */
		{CKA_TRUSTED, CK_FALSE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_TRUSTED, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		/* CKA_PRIVATE: FALSE is no value of this module, TRUE is read-only */
		{CKA_PRIVATE, CK_FALSE, CKR_ATTRIBUTE_VALUE_INVALID},
		{CKA_PRIVATE, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		/* read-only after creation: the module's own and the creation-only ones */
		{CKA_TOKEN, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_DESTROYABLE, CK_FALSE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_LOCAL, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
		{CKA_ALWAYS_SENSITIVE, CK_TRUE, CKR_ATTRIBUTE_READ_ONLY},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		print_message("step %zu\n", i);
		assert_int_equal(set1(s, h, steps[i].type, steps[i].to), steps[i].want);
	}
	assert_int_equal(get_bool(s, h, CKA_COPYABLE), CK_FALSE);
	assert_int_equal(get_bool(s, h, CKA_WRAP_WITH_TRUSTED), CK_TRUE);
	assert_int_equal(get_bool(s, h, CKA_VERIFY), CK_FALSE);

	/* a CKA_PRIVATE of the wrong shape is read-only too */
	CK_ULONG wide = 1;
	CK_ATTRIBUTE bad = {CKA_PRIVATE, &wide, sizeof wide};
	assert_int_equal(f->C_SetAttributeValue(s, h, &bad, 1), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE pub[] = {{CKA_PRIVATE, &no, 1}};
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                    {CKA_VALUE, (void *)K16, 16}, pub[0]};
	CK_OBJECT_HANDLE h2;
	assert_int_equal(f->C_CreateObject(s, t, 4, &h2), CKR_ATTRIBUTE_VALUE_INVALID);

	CK_ATTRIBUTE uid = {CKA_UNIQUE_ID, "x", 1};
	assert_int_equal(f->C_SetAttributeValue(s, h, &uid, 1), CKR_ATTRIBUTE_READ_ONLY);
	/* the module's own are not creatable either */
	CK_ATTRIBUTE own[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                      {CKA_VALUE, (void *)K16, 16}, {CKA_UNIQUE_ID, "x", 1}};
	assert_int_equal(f->C_CreateObject(s, own, 4, &h2), CKR_ATTRIBUTE_READ_ONLY);
}

/* CKA_PORTFOLIO_ENCRYPT_CURRENT, the hash and CKA_TRUSTED are the SO's: at creation (when
 * set to anything but what an absent one reads as) and at every change. */
static void test_so_only(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ULONG id6 = 6, id7 = 7;
	CK_ATTRIBUTE on[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id6, sizeof id6},
	                     {CKA_VALUE, "urn:a", 5}, {CKA_PORTFOLIO_ENCRYPT_CURRENT, &yes, 1}};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, on, 4, &h), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE off[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id7, sizeof id7},
	                      {CKA_VALUE, "urn:b", 5}, {CKA_PORTFOLIO_ENCRYPT_CURRENT, &no, 1}};
	assert_int_equal(f->C_CreateObject(s, off, 4, &h), CKR_OK);
	assert_int_equal(get_bool(s, h, CKA_PORTFOLIO_ENCRYPT_CURRENT), CK_FALSE);
	/* a user may not even set the value it has */
	assert_int_equal(set1(s, h, CKA_PORTFOLIO_ENCRYPT_CURRENT, CK_FALSE), CKR_ATTRIBUTE_READ_ONLY);
	assert_int_equal(set1(s, h, CKA_PORTFOLIO_ENCRYPT_CURRENT, CK_TRUE), CKR_ATTRIBUTE_READ_ONLY);
	/* CKA_TRUSTED: only the SO makes a trusted key; FALSE is what an absent one reads as */
	CK_ATTRIBUTE trusted = {CKA_TRUSTED, &yes, 1};
	CK_ATTRIBUTE kt_key[] = {{CKA_CLASS, &cls_key, sizeof cls_key}, {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen},
	                         {CKA_VALUE, (void *)K16, 16}, trusted};
	CK_OBJECT_HANDLE k;
	assert_int_equal(f->C_CreateObject(s, kt_key, 4, &k), CKR_ATTRIBUTE_READ_ONLY);
	kt_key[3].pValue = &no;
	assert_int_equal(f->C_CreateObject(s, kt_key, 4, &k), CKR_OK);
	assert_int_equal(get_bool(s, k, CKA_TRUSTED), CK_FALSE);
	/* an unknown attribute answers as such, before any SO rule */
	CK_ATTRIBUTE kt = {CKA_KEY_TYPE, &kt_gen, sizeof kt_gen};
	assert_int_equal(f->C_SetAttributeValue(s, h, &kt, 1), CKR_ATTRIBUTE_TYPE_INVALID);
}

/* Identity value: 1 to 1024 bytes at creation and when rewritten. */
static void test_identity_lengths(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	static uint8_t big[1025];
	memset(big, 'a', sizeof big);
	CK_ULONG id = 8;
	CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id},
	                    {CKA_VALUE, big, 1025}};
	CK_OBJECT_HANDLE h;
	assert_int_equal(f->C_CreateObject(s, t, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	t[2].ulValueLen = 0;
	assert_int_equal(f->C_CreateObject(s, t, 3, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	t[2].ulValueLen = 1024;
	assert_int_equal(f->C_CreateObject(s, t, 3, &h), CKR_OK);
	CK_ATTRIBUTE v = {CKA_VALUE, big, 1025};
	assert_int_equal(f->C_SetAttributeValue(s, h, &v, 1), CKR_ATTRIBUTE_VALUE_INVALID);
	v.ulValueLen = 0;
	assert_int_equal(f->C_SetAttributeValue(s, h, &v, 1), CKR_ATTRIBUTE_VALUE_INVALID);
	v.ulValueLen = 1;
	assert_int_equal(f->C_SetAttributeValue(s, h, &v, 1), CKR_OK);
	/* the identity id is required, and is not a key's attribute */
	CK_ATTRIBUTE no_id[] = {{CKA_CLASS, &cls_id, sizeof cls_id}, {CKA_VALUE, "urn:c", 5}};
	assert_int_equal(f->C_CreateObject(s, no_id, 2, &h), CKR_TEMPLATE_INCOMPLETE);
	CK_ATTRIBUTE on_key[] = {{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof id}};
	CK_OBJECT_HANDLE k = server_key(s, NULL, 0);
	assert_int_equal(f->C_SetAttributeValue(s, k, on_key, 1), CKR_ATTRIBUTE_TYPE_INVALID);
}

/* C_CopyObject's template: the attributes a copy may change, and those it may
 * not (read-only), or that the class does not have (type invalid). */
static void test_copy_template(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE h = server_key(s, NULL, 0), c;
	CK_ATTRIBUTE may[] = {{CKA_LABEL, "copy", 4}, {CKA_ID, "id", 2}, {CKA_MODIFIABLE, &no, 1},
	                      {CKA_DESTROYABLE, &yes, 1}, {CKA_START_DATE, NULL, 0}, {CKA_EXTRACTABLE, &yes, 1},
	                      {CKA_COPYABLE, &yes, 1}, {CKA_PRIVATE, &yes, 1}};
	assert_int_equal(f->C_CopyObject(s, h, may, 8, &c), CKR_OK);
	assert_int_equal(get_bool(s, c, CKA_MODIFIABLE), CK_FALSE);
	assert_int_equal(get_bool(s, h, CKA_MODIFIABLE), CK_TRUE);
	static const CK_ATTRIBUTE_TYPE may_not[] = {CKA_SIGN, CKA_DERIVE, CKA_WRAP, CKA_VERIFY,
	                                            CKA_WRAP_WITH_TRUSTED, CKA_CLASS};
	for (size_t i = 0; i < sizeof may_not / sizeof may_not[0]; i++) {
		CK_ATTRIBUTE a = {may_not[i], &no, 1};
		if (may_not[i] == CKA_CLASS) {
			a.pValue = &cls_key;
			a.ulValueLen = sizeof cls_key;
		}
		assert_int_equal(f->C_CopyObject(s, h, &a, 1, &c), CKR_ATTRIBUTE_READ_ONLY);
	}
	CK_ULONG one = 1;
	CK_ATTRIBUTE lenattr = {CKA_VALUE_LEN, &one, sizeof one};
	assert_int_equal(f->C_CopyObject(s, h, &lenattr, 1, &c), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE val = {CKA_VALUE, (void *)K16, 16};
	assert_int_equal(f->C_CopyObject(s, h, &val, 1, &c), CKR_ATTRIBUTE_READ_ONLY);
	CK_ATTRIBUTE unknown = {CKA_MODULUS, "x", 1};
	assert_int_equal(f->C_CopyObject(s, h, &unknown, 1, &c), CKR_ATTRIBUTE_TYPE_INVALID);
	/* an attribute array is copied as the array it is (kept flat in the record) */
	CK_ATTRIBUTE wt_in[] = {{CKA_EXTRACTABLE, &yes, 1}, {CKA_LABEL, "wrapme", 6}};
	CK_ATTRIBUTE with_tmpl[] = {{CKA_WRAP_TEMPLATE, wt_in, sizeof wt_in}};
	CK_OBJECT_HANDLE wk = server_key(s, with_tmpl, 1), wc;
	assert_int_equal(f->C_CopyObject(s, wk, NULL, 0, &wc), CKR_OK);
	uint8_t lbuf[2][8];
	CK_ATTRIBUTE wt_out[2] = {{0, lbuf[0], 8}, {0, lbuf[1], 8}};
	CK_ATTRIBUTE get = {CKA_WRAP_TEMPLATE, wt_out, sizeof wt_out};
	assert_int_equal(f->C_GetAttributeValue(s, wc, &get, 1), CKR_OK);
	assert_int_equal(get.ulValueLen, sizeof wt_out);
	assert_int_equal(wt_out[0].type, CKA_EXTRACTABLE);
	assert_int_equal(wt_out[1].type, CKA_LABEL);
	assert_int_equal(wt_out[1].ulValueLen, 6);
	assert_memory_equal(lbuf[1], "wrapme", 6);
	/* a copy made sensitive is no longer copyable (its secret is not readable) */
	CK_ATTRIBUTE sens = {CKA_SENSITIVE, &yes, 1};
	assert_int_equal(f->C_CopyObject(s, h, &sens, 1, &c), CKR_OK);
	assert_int_equal(f->C_CopyObject(s, c, NULL, 0, &h), CKR_ACTION_PROHIBITED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creation_defaults, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_one_way_switches, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_so_only, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_identity_lengths, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_copy_template, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
