/*
 * sms_token_util.h - what the token-level SCP80 tests share: an SMS keyset
 * made through C_CreateObject, and UNWRAP / WRAP through C_Decrypt / C_Encrypt.
 * Include after core_test_util.h in one file per test.
 */
#ifndef PORTFOLIO_SMS_TOKEN_UTIL_H
#define PORTFOLIO_SMS_TOKEN_UTIL_H

#include "test_crypto_util.h"

#define ST_KIC "200102030405060708090a0b0c0d0e0f"
#define ST_KID "201102030405060708090a0b0c0d0e0f"
#define ST_TAR 0xb00011ul

/* C_CreateObject of an SMS key (AES, value hex, usable for ENCRYPT and
 * DECRYPT: UNWRAP needs DECRYPT, WRAP ENCRYPT) of that service, with
 * CKA_PORTFOLIO_KEY_INDEX *index unless index is NULL, and the attributes
 * x[0..nx) after those. */
static inline CK_RV st_create(CK_SESSION_HANDLE s, const char *hex, CK_ULONG service, const CK_ULONG *index,
                              const CK_ATTRIBUTE *x, size_t nx, CK_OBJECT_HANDLE *h)
{
	uint8_t v[32];
	size_t len = unhex(hex, v, sizeof v);
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL tr = CK_TRUE;
	CK_ATTRIBUTE t[16] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &tr, sizeof tr},
		{CKA_VALUE, v, len}, {CKA_ENCRYPT, &tr, sizeof tr}, {CKA_DECRYPT, &tr, sizeof tr},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service},
	};
	CK_ULONG n = 7;
	if (index != NULL)
		t[n++] = (CK_ATTRIBUTE){CKA_PORTFOLIO_KEY_INDEX, (void *)index, sizeof *index};
	for (size_t i = 0; i < nx && n < 16; i++)
		t[n++] = x[i];
	return f->C_CreateObject(s, t, n, h);
}

/* One key of an SMS keyset (KIc/KID coding 22: AES). */
static inline CK_OBJECT_HANDLE st_key(CK_SESSION_HANDLE s, const char *hex, CK_ULONG slot,
                                      CK_ULONG spi, CK_ULONG tar)
{
	CK_ULONG index = CK_PORTFOLIO_SMS_INDEX(slot, 0x22, 0x22, spi, tar);
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	assert_int_equal(st_create(s, hex, CK_PORTFOLIO_SRV_SMS, &index, NULL, 0, &h), CKR_OK);
	return h;
}

/* A keyset (KIc, KID) with that SPI; returns the KID key, the operations' key. */
static inline CK_OBJECT_HANDLE st_keyset_of(CK_SESSION_HANDLE s, const char *kic, const char *kid,
                                             CK_ULONG spi, CK_ULONG tar)
{
	st_key(s, kic, CK_PORTFOLIO_SMS_SLOT_KIC, spi, tar);
	return st_key(s, kid, CK_PORTFOLIO_SMS_SLOT_KID, spi, tar);
}

static inline CK_OBJECT_HANDLE st_keyset(CK_SESSION_HANDLE s, CK_ULONG spi, CK_ULONG tar)
{
	return st_keyset_of(s, ST_KIC, ST_KID, spi, tar);
}

typedef struct st_out {
	CK_RV rv;
	uint8_t data[40000];
	CK_ULONG len;
	uint8_t por[CK_PORTFOLIO_SCP80_MAX_POR];
	CK_PORTFOLIO_SCP80_PARAMS prm;
} st_out;

/* C_DecryptInit + C_Decrypt with CKM_PORTFOLIO_SCP80_UNWRAP; por_data for the PoR. */
static inline CK_RV st_unwrap(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const uint8_t *pkt,
                              size_t len, const char *por_data_hex, st_out *o)
{
	uint8_t pd[CK_PORTFOLIO_SCP80_MAX_POR_DATA];
	size_t pdl = por_data_hex != NULL ? unhex(por_data_hex, pd, sizeof pd) : 0;
	memset(&o->prm, 0, sizeof o->prm);
	o->prm.pPoRData = pdl != 0 ? pd : NULL;
	o->prm.ulPoRDataLen = pdl;
	o->prm.pPoR = o->por;
	o->prm.ulPoRLen = sizeof o->por;
	o->prm.ulStatus = 0xFF;
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_UNWRAP, &o->prm, sizeof o->prm};
	o->rv = f->C_DecryptInit(s, &m, kid);
	if (o->rv != CKR_OK)
		return o->rv;
	o->len = sizeof o->data;
	o->rv = f->C_Decrypt(s, (CK_BYTE_PTR)pkt, len, o->data, &o->len);
	return o->rv;
}

static inline CK_RV st_unwrap_hex(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const char *hex,
                                  const char *por_data_hex, st_out *o)
{
	static uint8_t pkt[40000];
	size_t n = unhex(hex, pkt, sizeof pkt);
	return st_unwrap(s, kid, pkt, n, por_data_hex, o);
}

/* C_EncryptInit + C_Encrypt with CKM_PORTFOLIO_SCP80_WRAP. */
static inline CK_RV st_wrap(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE kid, const uint8_t *data,
                            size_t len, st_out *o)
{
	memset(&o->prm, 0, sizeof o->prm);
	CK_MECHANISM m = {CKM_PORTFOLIO_SCP80_WRAP, &o->prm, sizeof o->prm};
	o->rv = f->C_EncryptInit(s, &m, kid);
	if (o->rv != CKR_OK)
		return o->rv;
	o->len = sizeof o->data;
	o->rv = f->C_Encrypt(s, (CK_BYTE_PTR)data, len, o->data, &o->len);
	return o->rv;
}

static inline void st_assert_hex(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[1024];
	size_t n = unhex(hex, want, sizeof want);
	assert_int_equal(len, n);
	assert_memory_equal(got, want, n);
}

#endif
