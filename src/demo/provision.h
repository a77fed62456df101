/*
 * provision.h - the factory step of the demo, in plain PKCS#11: a device
 * token (identities with provisioned hashes, signing/encrypting keys) and a
 * server token holding check-only copies of the same keys.
 */
#ifndef PF_DEMO_PROVISION_H
#define PF_DEMO_PROVISION_H

#include <stddef.h>

#include <pkcs11/portfolio.h>

#define DEMO_IDENTITY_COUNT 4
extern const char *const demo_identity_names[DEMO_IDENTITY_COUNT];

typedef struct demo_keys {
	CK_BYTE auth[16]; /* K0 of the authentication keyset */
	CK_BYTE enc[16];  /* K1 of the encryption keyset */
} demo_keys;

/* Initialises a free slot's token with the given PINs and label; *slot
 * receives it. CKR_OK or the failing call's code. */
CK_RV demo_init_token(CK_FUNCTION_LIST_PTR p11, const char *so_pin, const char *user_pin,
		      const char *label, CK_SLOT_ID *slot);
/* The device: identities 0..3 created by the SO (so their hashes are
 * provisioned), K0 (auth, index 0) able to sign, K1 (enc, index 1) able to
 * encrypt. */
CK_RV demo_provision_device(CK_FUNCTION_LIST_PTR p11, CK_SLOT_ID slot, const char *so_pin,
			    const char *user_pin, const char *const identities[DEMO_IDENTITY_COUNT],
			    const demo_keys *keys);
/* The server: the same K0 with CKA_VERIFY only, K1 with CKA_DECRYPT only. */
CK_RV demo_provision_server(CK_FUNCTION_LIST_PTR p11, CK_SLOT_ID slot, const char *user_pin,
			    const demo_keys *keys);

#endif
