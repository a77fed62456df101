/* kat_ccm.h - NIST SP 800-38C Appendix C examples C.1-C.3 (key
 * 404142434445464748494a4b4c4d4e4f for all), for the tests of CKM_AES_CCM
 * through C_Encrypt and through C_EncryptMessage. */
#ifndef KAT_CCM_H
#define KAT_CCM_H

#include "pkcs11/pkcs11.h"

typedef struct ccm_kat {
	const char *nonce, *aad, *plain, *cipher_tag;
	CK_ULONG tag_len;
} ccm_kat;

static const ccm_kat ccm_kats[] = {
	{ "10111213141516", "0001020304050607", "20212223", "7162015b4dac255d", 4 },
	{ "1011121314151617", "000102030405060708090a0b0c0d0e0f", "202122232425262728292a2b2c2d2e2f",
	  "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd", 6 },
	{ "101112131415161718191a1b", "000102030405060708090a0b0c0d0e0f10111213",
	  "202122232425262728292a2b2c2d2e2f3031323334353637",
	  "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951", 8 },
};

#endif
