/*
 * portfolio.h - vendor extensions of portfolio-pkcs11 for the OMA LwM2M
 * Portfolio Object (Object 16, TS 1.0.1).
 *
 * Every constant sits in the vendor range (CKx_VENDOR_DEFINED) under the
 * project prefix 0x504F ("PO"), so it cannot collide with the standard and is
 * easy to recognise in a trace. docs/mechanisms.md is the normative
 * description of each mechanism, with worked examples in hex.
 */
#ifndef PORTFOLIO_PKCS11_PORTFOLIO_H
#define PORTFOLIO_PKCS11_PORTFOLIO_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_PORTFOLIO_PREFIX 0x504F0000UL

/* ---- Mechanisms ------------------------------------------------------- */

/* Data Authentication service (TS 5.2.2 item 1), sign / verify:
 *   Signature = AES-CMAC_Kn( SHA-256(Identity) || Challenge )       16 bytes
 * Key: CKK_AES (128 or 256 bits) with CKA_PORTFOLIO_SERVICE = AUTH. */
#define CKM_PORTFOLIO_AUTH_CMAC      (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0001UL)
/* Same, with HMAC-SHA256 as the signature function:
 *   Signature = HMAC-SHA256_Kn( SHA-256(Identity) || Challenge )    32 bytes
 * Key: CKK_GENERIC_SECRET (>= 16 bytes) with CKA_PORTFOLIO_SERVICE = AUTH. */
#define CKM_PORTFOLIO_AUTH_HMAC      (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0002UL)

/* Data Encryption service (TS 5.2.2 item 2), encrypt / decrypt:
 *   AEAD form:  IV(12) || AES-GCM_Kn(IV, data || Challenge) || TAG(16)
 *   CBC form:   IV(16) || AES-CBC_Kn(IV, PKCS#7(data || Challenge))
 * Key: CKK_AES with CKA_PORTFOLIO_SERVICE = ENCRYPT. Decrypt checks the
 * challenge (and the tag) and returns data; any mismatch is
 * CKR_ENCRYPTED_DATA_INVALID. */
#define CKM_PORTFOLIO_ENC_GCM        (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0011UL)
#define CKM_PORTFOLIO_ENC_CBC        (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0012UL)

/* Key transport that keeps a keyset key's place (docs/mechanisms.md, "Key wrap"):
 *   blob = AES-KWP_KEK( header(16) || key )     RFC 5649
 *   header = version(1) = 1 | kind(1) | service(4) | key index(4) | usage(4) | key length(2)
 * C_WrapKey / C_UnwrapKey, no parameter; the wrapping key is CKK_AES with CKA_WRAP /
 * CKA_UNWRAP. The unwrapped key gets the service, index and usage of the blob. */
#define CKM_PORTFOLIO_AES_KEY_WRAP_BOUND (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0041UL)

/* ---- Mechanism parameter (one structure for all four mechanisms) ------- */

/* Where the Identity comes from. */
#define CKP_PORTFOLIO_SOURCE_TOKEN   0x00000001UL /* the Identity instance ulIdentityId held by this
                                                     token: its provisioned hash (AUTH) or its value
                                                     (ENC); the operation's data must be empty */
#define CKP_PORTFOLIO_SOURCE_DATA    0x00000002UL /* the operation's data is the Identity value
                                                     (AUTH: hashed with SHA-256 by the mechanism;
                                                     ENC: the plaintext) */
#define CKP_PORTFOLIO_SOURCE_HASH    0x00000003UL /* AUTH only: the operation's data is the 32-byte
                                                     SHA-256 hash of the Identity */

#define CK_PORTFOLIO_MAX_CHALLENGE   64UL

typedef struct CK_PORTFOLIO_PARAMS {
	CK_ULONG    ulSource;       /* CKP_PORTFOLIO_SOURCE_* */
	CK_ULONG    ulIdentityId;   /* Identity resource instance id (/16/x/0/<id>), SOURCE_TOKEN only */
	CK_BYTE_PTR pChallenge;     /* canonical challenge bytes (docs/mechanisms.md), 1..64 bytes */
	CK_ULONG    ulChallengeLen;
} CK_PORTFOLIO_PARAMS;
typedef CK_PORTFOLIO_PARAMS CK_PTR CK_PORTFOLIO_PARAMS_PTR;

/* ---- Object class and attributes ----------------------------------------- */

/* One Identity resource instance (/16/x/0/<id>) of the instance the token is. */
#define CKO_PORTFOLIO_IDENTITY       (CKO_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0001UL)

/* On CKO_PORTFOLIO_IDENTITY: CK_ULONG resource instance id; unique per token. */
#define CKA_PORTFOLIO_IDENTITY_ID    (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0001UL)
/* On CKO_PORTFOLIO_IDENTITY: 32 bytes, the provisioned SHA-256(Identity).
 * Written only by the SO (provisioning), never readable (CKR_ATTRIBUTE_SENSITIVE),
 * not changed when CKA_VALUE (the Identity string) is rewritten. */
#define CKA_PORTFOLIO_IDENTITY_HASH  (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0002UL)
/* On CKO_PORTFOLIO_IDENTITY: CK_BBOOL, read-only, TRUE once a hash is provisioned. */
#define CKA_PORTFOLIO_HASH_PROVISIONED (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0003UL)
/* On CKO_PORTFOLIO_IDENTITY: CK_BBOOL, default FALSE. FALSE: CKM_PORTFOLIO_ENC_*
 * with SOURCE_TOKEN encrypts the Identity value only while its SHA-256 equals the
 * provisioned hash (else CKR_ACTION_PROHIBITED). TRUE: it encrypts the current
 * value, whatever was written since. Set only by the SO, together with the hash
 * it is kept with (C_CreateObject, or C_SetAttributeValue with
 * CKA_PORTFOLIO_IDENTITY_HASH); docs/mechanisms.md says what a server can
 * conclude in each case. */
#define CKA_PORTFOLIO_ENCRYPT_CURRENT (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0004UL)

/* On secret keys: which keyset of the instance the key belongs to. */
#define CKA_PORTFOLIO_SERVICE        (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0010UL)
#define CK_PORTFOLIO_SRV_AUTHENT     0UL /* LwM2M GetAuthData argument 0 = 0 */
#define CK_PORTFOLIO_SRV_ENCRYPT     1UL /* LwM2M GetAuthData argument 0 = 1 */
/* On secret keys: the key index Kn within the keyset (GetAuthData argument 3).
 * (service, index) is unique within a token. */
#define CKA_PORTFOLIO_KEY_INDEX      (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0011UL)

/* ---- Diversification (docs/mechanisms.md, "Diversification") ----------- */
/* On secret keys: CK_ULONG, the service (CK_PORTFOLIO_SRV_*) whose device keys
 * this master key derives. Absent: not a master. A master has CKA_DERIVE TRUE
 * and CKA_SIGN/VERIFY/ENCRYPT/DECRYPT FALSE (the secure component keeps it so:
 * it only derives), no CKA_PORTFOLIO_SERVICE/KEY_INDEX, and is CKK_AES
 * (16 or 32 bytes: the PRF is AES-CMAC). */
#define CKA_PORTFOLIO_MASTER         (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0020UL)
/* C_DeriveKey from a master: the key of device D, instance I, index n, as a
 * keyset key (CKA_PORTFOLIO_SERVICE = the master's, CKA_PORTFOLIO_KEY_INDEX =
 * ulKeyIndex). SP 800-108 counter mode, AES-CMAC, label "Portfolio-Div",
 * context len(D) | D | I | n | service (docs/mechanisms.md). */
#define CKM_PORTFOLIO_DIVERSIFY      (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0031UL)
#define CK_PORTFOLIO_MAX_DEVICE_ID   128UL /* bytes of pDeviceId */

typedef struct CK_PORTFOLIO_DIVERSIFY_PARAMS {
	CK_BYTE_PTR pDeviceId;       /* D: 1..CK_PORTFOLIO_MAX_DEVICE_ID bytes (e.g. the endpoint name) */
	CK_ULONG    ulDeviceIdLen;
	CK_ULONG    ulInstance;      /* I: the Portfolio instance of the device (< 2^32) */
	CK_ULONG    ulKeyIndex;      /* n: the key index Kn (< 2^32) */
} CK_PORTFOLIO_DIVERSIFY_PARAMS;
typedef CK_PORTFOLIO_DIVERSIFY_PARAMS CK_PTR CK_PORTFOLIO_DIVERSIFY_PARAMS_PTR;

#ifdef __cplusplus
}
#endif
#endif /* PORTFOLIO_PKCS11_PORTFOLIO_H */
