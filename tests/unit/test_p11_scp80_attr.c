/*
 * test_p11_scp80_attr.c - TAR, SPI, KIc/KID coding and slot of an SMS key as
 * attributes (CKA_PORTFOLIO_SMS_*): read back from the sealed index, never
 * changed, a creation template that contradicts the index refused, and a
 * keyset made from the attributes alone used as they say (the WRAP known
 * answer of test_p11_scp80, computed with Python's cryptography, docs/sms.md).
 */
#include "config.h"

#include "core_test_util.h"
#include "sms_token_util.h"

#define HIGHER_CMD "00281516392222b00011896aeec77e9ad39f273e786ef81d9dd0f1faa259cef8c0c1535b4a6c16f1177e"
#define APDU "00a40004023f00"

static const uint8_t tar_b[3] = {0xb0, 0x00, 0x11}, spi_b[2] = {0x16, 0x39}, aes_b[1] = {0x22};

static void assert_bytes(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, const uint8_t *want,
                         CK_ULONG len)
{
	uint8_t got[8];
	CK_ATTRIBUTE a = {t, got, sizeof got};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	assert_int_equal(a.ulValueLen, len);
	assert_memory_equal(got, want, len);
}

static CK_ULONG read_ulong(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	CK_ULONG v = 0;
	CK_ATTRIBUTE a = {t, &v, sizeof v};
	assert_int_equal(f->C_GetAttributeValue(s, h, &a, 1), CKR_OK);
	return v;
}

static void assert_views(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ULONG slot)
{
	assert_bytes(s, h, CKA_PORTFOLIO_SMS_TAR, tar_b, 3);
	assert_bytes(s, h, CKA_PORTFOLIO_SMS_SPI, spi_b, 2);
	assert_bytes(s, h, CKA_PORTFOLIO_SMS_KIC, aes_b, 1);
	assert_bytes(s, h, CKA_PORTFOLIO_SMS_KID, aes_b, 1);
	assert_int_equal(read_ulong(s, h, CKA_PORTFOLIO_SMS_SLOT), slot);
}

static void test_views_read_back(void **state)
{
	(void)state;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kic = st_key(s, ST_KIC, CK_PORTFOLIO_SMS_SLOT_KIC, 0x1639, ST_TAR);
	CK_OBJECT_HANDLE kid = st_key(s, ST_KID, CK_PORTFOLIO_SMS_SLOT_KID, 0x1639, ST_TAR);
	assert_views(s, kic, CK_PORTFOLIO_SMS_SLOT_KIC);
	assert_views(s, kid, CK_PORTFOLIO_SMS_SLOT_KID);
	/* C_FindObjects by TAR finds the keyset's two keys, by slot only the KID */
	CK_ATTRIBUTE by_tar = {CKA_PORTFOLIO_SMS_TAR, (void *)tar_b, 3};
	CK_ULONG slot = CK_PORTFOLIO_SMS_SLOT_KID;
	CK_ATTRIBUTE by_slot[] = {by_tar, {CKA_PORTFOLIO_SMS_SLOT, &slot, sizeof slot}};
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0;
	assert_int_equal(f->C_FindObjectsInit(s, &by_tar, 1), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(f->C_FindObjectsInit(s, by_slot, 2), CKR_OK);
	assert_int_equal(f->C_FindObjects(s, found, 4, &n), CKR_OK);
	assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0], kid);
}

/* Not on other keys: a plain AES key has none of them. */
static void test_views_absent_on_other_keys(void **state)
{
	(void)state;
	uint8_t buf[8];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	uint8_t v[16] = {1};
	CK_OBJECT_HANDLE k = ct_aes_key(s, v, sizeof v, CK_PORTFOLIO_SRV_ENCRYPT, 3, CK_FALSE);
	CK_ATTRIBUTE a = {CKA_PORTFOLIO_SMS_TAR, buf, sizeof buf};
	assert_int_equal(f->C_GetAttributeValue(s, k, &a, 1), CKR_ATTRIBUTE_TYPE_INVALID);
	assert_int_equal(a.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

/* Set at creation, never afterwards. */
static void test_views_read_only(void **state)
{
	(void)state;
	static const uint8_t other_tar[3] = {0xb0, 0x00, 0x12}, other_spi[2] = {0x06, 0x19};
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE kid = st_keyset(s, 0x1639, ST_TAR);
	CK_ULONG slot = CK_PORTFOLIO_SMS_SLOT_KIC;
	CK_ATTRIBUTE changes[] = {
		{CKA_PORTFOLIO_SMS_TAR, (void *)other_tar, 3}, {CKA_PORTFOLIO_SMS_SPI, (void *)other_spi, 2},
		{CKA_PORTFOLIO_SMS_KIC, (void *)aes_b, 1}, {CKA_PORTFOLIO_SMS_KID, (void *)aes_b, 1},
		{CKA_PORTFOLIO_SMS_SLOT, &slot, sizeof slot},
	};
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
		assert_int_equal(f->C_SetAttributeValue(s, kid, &changes[i], 1), CKR_ATTRIBUTE_READ_ONLY);
	assert_views(s, kid, CK_PORTFOLIO_SMS_SLOT_KID);
}

/* An SMS key (value hex; with_index: the design KIc's index) with extra
 * attributes x[0..nx). */
static CK_RV create_sms(CK_SESSION_HANDLE s, const char *hex, CK_ULONG service, int with_index,
                        const CK_ATTRIBUTE *x, size_t nx, CK_OBJECT_HANDLE *h)
{
	CK_ULONG index = CK_PORTFOLIO_SMS_INDEX(CK_PORTFOLIO_SMS_SLOT_KIC, 0x22, 0x22, 0x1639, ST_TAR);
	return st_create(s, hex, service, with_index ? &index : NULL, x, nx, h);
}

static void test_template_contradicting_index_refused(void **state)
{
	(void)state;
	static const uint8_t other_tar[3] = {0xb0, 0x00, 0x12}, other_spi[2] = {0x16, 0x3a};
	CK_ULONG kid_slot = CK_PORTFOLIO_SMS_SLOT_KID;
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_OBJECT_HANDLE h;
	const CK_ATTRIBUTE bad[] = {
		{CKA_PORTFOLIO_SMS_TAR, (void *)other_tar, 3}, {CKA_PORTFOLIO_SMS_SPI, (void *)other_spi, 2},
		{CKA_PORTFOLIO_SMS_SLOT, &kid_slot, sizeof kid_slot},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(create_sms(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, 1, &bad[i], 1, &h), CKR_TEMPLATE_INCONSISTENT);
	/* a value of the wrong length */
	CK_ATTRIBUTE short_tar = {CKA_PORTFOLIO_SMS_TAR, (void *)tar_b, 2};
	assert_int_equal(create_sms(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, 1, &short_tar, 1, &h), CKR_ATTRIBUTE_VALUE_INVALID);
	/* the views exist on SMS keys only */
	CK_ATTRIBUTE tar = {CKA_PORTFOLIO_SMS_TAR, (void *)tar_b, 3};
	assert_int_equal(create_sms(s, ST_KIC, CK_PORTFOLIO_SRV_ENCRYPT, 1, &tar, 1, &h), CKR_TEMPLATE_INCONSISTENT);
	/* some views without the index name no keyset */
	assert_int_equal(create_sms(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, 0, &tar, 1, &h), CKR_TEMPLATE_INCONSISTENT);
	/* agreeing with the index: made */
	assert_int_equal(create_sms(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, 1, &tar, 1, &h), CKR_OK);
	assert_views(s, h, CK_PORTFOLIO_SMS_SLOT_KIC);
}

/* The five views without the index make it, and the component uses what they
 * say: the first WRAP is the 'higher' known answer (SPI 1639, TAR b00011). */
static void test_keyset_from_views(void **state)
{
	(void)state;
	uint8_t apdu[7];
	CK_SESSION_HANDLE s = ct_ready_token(NULL);
	CK_ULONG kic_slot = CK_PORTFOLIO_SMS_SLOT_KIC, kid_slot = CK_PORTFOLIO_SMS_SLOT_KID;
	CK_ATTRIBUTE views[] = {
		{CKA_PORTFOLIO_SMS_TAR, (void *)tar_b, 3}, {CKA_PORTFOLIO_SMS_SPI, (void *)spi_b, 2},
		{CKA_PORTFOLIO_SMS_KIC, (void *)aes_b, 1}, {CKA_PORTFOLIO_SMS_KID, (void *)aes_b, 1},
		{CKA_PORTFOLIO_SMS_SLOT, &kic_slot, sizeof kic_slot},
	};
	CK_OBJECT_HANDLE kic, kid;
	assert_int_equal(create_sms(s, ST_KIC, CK_PORTFOLIO_SRV_SMS, 0, views, 5, &kic), CKR_OK);
	assert_int_equal(read_ulong(s, kic, CKA_PORTFOLIO_KEY_INDEX),
	                 CK_PORTFOLIO_SMS_INDEX(CK_PORTFOLIO_SMS_SLOT_KIC, 0x22, 0x22, 0x1639, ST_TAR));
	/* the KID: the same views with slot 2 */
	views[4].pValue = &kid_slot;
	assert_int_equal(create_sms(s, ST_KID, CK_PORTFOLIO_SRV_SMS, 0, views, 5, &kid), CKR_OK);
	assert_views(s, kid, CK_PORTFOLIO_SMS_SLOT_KID);
	st_out *out = calloc(1, sizeof *out);
	assert_non_null(out);
	unhex(APDU, apdu, sizeof apdu);
	assert_int_equal(st_wrap(s, kid, apdu, sizeof apdu, out), CKR_OK);
	st_assert_hex(out->data, out->len, HIGHER_CMD);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_views_read_back, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_views_absent_on_other_keys, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_views_read_only, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_template_contradicting_index_refused, ct_setup, ct_teardown),
		cmocka_unit_test_setup_teardown(test_keyset_from_views, ct_setup, ct_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
