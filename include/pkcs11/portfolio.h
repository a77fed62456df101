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
/* ---- SMS binding: ETSI TS 102 225 / 3GPP TS 31.115 secured packets ("SCP80") ----
 * The whole work is done inside the token with the instance's SMS keyset
 * (service CK_PORTFOLIO_SRV_SMS): the host never sees KIc or KID.
 *   WRAP    C_EncryptInit/C_Encrypt: data -> one command packet (from CPL). The
 *           token numbers it from its send counter (committed before the packet
 *           is returned), protects it as the keyset's SPI asks and pads it.
 *   UNWRAP  C_DecryptInit/C_Decrypt: command packet (from CPL) -> secured data.
 *           The token verifies the CC, checks the counter against its receive
 *           counter, deciphers, and advances the counter in the same store
 *           transaction that accepts the packet. A discarded packet leaves the
 *           counter as it was and returns CKR_SIGNATURE_INVALID (wrong CC),
 *           CKR_ENCRYPTED_DATA_LEN_RANGE (length, CPL/CHL, concatenation limit)
 *           or CKR_ENCRYPTED_DATA_INVALID (anything else); ulStatus says which
 *           TS 102 225 status, and pPoR receives the PoR the SPI asks for.
 *   POR_UNWRAP  C_DecryptInit/C_Decrypt, the sender of a command: its PoR (from
 *           the UDH) -> the PoR's data. The token opens it as the keyset's SPI
 *           asks (CC, deciphering), and accepts it only for the keyset's TAR
 *           and a counter this token numbered (not above its send counter),
 *           at most once (a record of the accepted counters, written with the
 *           acceptance; docs/sms.md). Refusals return as UNWRAP's; ulStatus and the counter
 *           report the PoR's status code and counter (pPoRData, pPoR: NULL/0).
 * Key: the KID key of the keyset (CKK_AES, service SMS, slot KID); the token
 * finds the KIc key of the same keyset itself. Parameter: CK_PORTFOLIO_SCP80_PARAMS.
 * docs/mechanisms.md and docs/sms.md describe both. */
#define CKM_PORTFOLIO_SCP80_WRAP     (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0021UL)
#define CKM_PORTFOLIO_SCP80_UNWRAP   (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0022UL)
#define CKM_PORTFOLIO_SCP80_POR_UNWRAP (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0023UL)

/* Largest PoR data accepted by UNWRAP (one SMS holds the PoR). */
#define CK_PORTFOLIO_SCP80_MAX_POR_DATA 96UL
/* Room enough for any PoR UNWRAP writes: UDH(3) RPL(2) RHL TAR(3) CNTR(5)
 * PCNTR STS CC(8) data padding(<=15). */
#define CK_PORTFOLIO_SCP80_MAX_POR   (24UL + CK_PORTFOLIO_SCP80_MAX_POR_DATA + 16UL)

typedef struct CK_PORTFOLIO_SCP80_PARAMS {
	CK_BYTE_PTR pPoRData;       /* UNWRAP: data the PoR carries when the packet is accepted
	                               (NULL/0: none; at most CK_PORTFOLIO_SCP80_MAX_POR_DATA) */
	CK_ULONG    ulPoRDataLen;
	CK_BYTE_PTR pPoR;           /* UNWRAP, written by C_Decrypt (accepted or discarded): the
	                               PoR from its UDH; NULL when the caller wants none */
	CK_ULONG    ulPoRLen;       /* in: room of pPoR; out: bytes written (0: the SPI asks none) */
	CK_ULONG    ulStatus;       /* out: TS 102 225 status code (0x00 accepted) */
	CK_ULONG    ulCounterHigh;  /* out: the packet's 5-byte counter, bits 39..32 */
	CK_ULONG    ulCounterLow;   /* out: bits 31..0 (WRAP: the number given; UNWRAP: the one read) */
} CK_PORTFOLIO_SCP80_PARAMS;
typedef CK_PORTFOLIO_SCP80_PARAMS CK_PTR CK_PORTFOLIO_SCP80_PARAMS_PTR;

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
#define CK_PORTFOLIO_SRV_SMS         2UL /* SMS binding keyset (KIc, KID): SCP80 mechanisms only */
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

/* ---- Server side: diversified verify / decrypt with the master alone --------
 * (docs/mechanisms.md 10.2, docs/fleet.md). The key is a master
 * (CKA_PORTFOLIO_MASTER = the service below); the token derives the device key
 * K(D, I, n, s) exactly as CKM_PORTFOLIO_DIVERSIFY does, runs the one
 * operation with it and wipes it: no object is made. A master computes only
 * through these mechanisms, and only verifies or decrypts (the server never
 * speaks as a device); they take nothing but a master.
 *   DIV_AUTH_CMAC  C_VerifyInit/C_Verify: CKM_PORTFOLIO_AUTH_CMAC of the device
 *                  (master AUTHENT; device key CKK_AES, 16 or 32 bytes)
 *   DIV_AUTH_HMAC  the same for CKM_PORTFOLIO_AUTH_HMAC (device key a generic
 *                  secret of 16..64 bytes)
 *   DIV_ENC_GCM    C_DecryptInit/C_Decrypt: a device's CKM_PORTFOLIO_ENC_GCM
 *                  answer (master ENCRYPT; device key CKK_AES 16, 24 or 32)
 * Parameter: CK_PORTFOLIO_DIV_PARAMS. op.ulSource: SOURCE_DATA or SOURCE_HASH
 * to verify, 0 or SOURCE_DATA to decrypt; SOURCE_TOKEN is refused (the server
 * holds no device identities). The same parameter serves C_VerifyMessage /
 * C_DecryptMessage, one per device answer. */
#define CKM_PORTFOLIO_DIV_AUTH_CMAC  (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0033UL)
#define CKM_PORTFOLIO_DIV_AUTH_HMAC  (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0034UL)
#define CKM_PORTFOLIO_DIV_ENC_GCM    (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0035UL)
#define CK_PORTFOLIO_MAX_DIV_KEY     64UL /* bytes of the device key (ulDeviceKeyLen) */

typedef struct CK_PORTFOLIO_DIV_PARAMS {
	CK_PORTFOLIO_DIVERSIFY_PARAMS device; /* D, I, n: as for CKM_PORTFOLIO_DIVERSIFY */
	CK_ULONG            ulDeviceKeyLen;   /* bytes of the device key (its CKA_VALUE_LEN) */
	CK_PORTFOLIO_PARAMS op;               /* source and challenge of the device's answer */
} CK_PORTFOLIO_DIV_PARAMS;
typedef CK_PORTFOLIO_DIV_PARAMS CK_PTR CK_PORTFOLIO_DIV_PARAMS_PTR;

/* C_DeriveKey, oneM2M (docs/onem2m.md step 3): the base key is K_master (a
 * generic secret of HashLen bytes with CKA_DERIVE), hPrevious names T(1) =
 * K_auth (the same, in the token: it never leaves it), and the new key is
 * T(2) = K_conf = HMAC-Hash(K_master, T(1) | "Data  Confidentiality Key" | 02)
 * (two blanks), HashLen bytes. No standard mechanism chains T(1) with another
 * label than its own. */
#define CKM_PORTFOLIO_ONEM2M_CONF    (CKM_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0032UL)

typedef struct CK_PORTFOLIO_ONEM2M_CONF_PARAMS {
	CK_MECHANISM_TYPE hashMechanism; /* CKM_SHA256, CKM_SHA384 or CKM_SHA512 */
	CK_OBJECT_HANDLE  hPrevious;     /* T(1): a secret key of HashLen bytes with CKA_DERIVE */
} CK_PORTFOLIO_ONEM2M_CONF_PARAMS;
typedef CK_PORTFOLIO_ONEM2M_CONF_PARAMS CK_PTR CK_PORTFOLIO_ONEM2M_CONF_PARAMS_PTR;
/* On SMS keys (service CK_PORTFOLIO_SRV_SMS), CKA_PORTFOLIO_KEY_INDEX is not a
 * number but the keyset's "SMS Binding Key Parameters" of the LwM2M Security
 * object (KIc | KID | SPI(2) | TAR(3), 7 bytes, big-endian) with the key's slot
 * in the byte above: it is the one attribute the secure component seals with
 * the key, so TAR, SPI and the KIc/KID coding bytes are decided from
 * authenticated data. Both keys of a keyset carry the same parameters. Needs a
 * 64-bit CK_ULONG. docs/sms.md ("The token's keyset") has an example. */
#define CK_PORTFOLIO_SMS_SLOT_KIC    1UL
#define CK_PORTFOLIO_SMS_SLOT_KID    2UL
#define CK_PORTFOLIO_SMS_INDEX(slot, kic, kid, spi, tar)                                     \
	(((CK_ULONG)(slot) << 56) | ((CK_ULONG)((kic) & 0xFF) << 48) |                        \
	 ((CK_ULONG)((kid) & 0xFF) << 40) | ((CK_ULONG)((spi) & 0xFFFF) << 24) |              \
	 ((CK_ULONG)(tar) & 0xFFFFFF))
#define CK_PORTFOLIO_SMS_INDEX_SLOT(i) ((CK_ULONG)(i) >> 56)
#define CK_PORTFOLIO_SMS_INDEX_KIC(i)  (((CK_ULONG)(i) >> 48) & 0xFF)
#define CK_PORTFOLIO_SMS_INDEX_KID(i)  (((CK_ULONG)(i) >> 40) & 0xFF)
#define CK_PORTFOLIO_SMS_INDEX_SPI(i)  (((CK_ULONG)(i) >> 24) & 0xFFFF)
#define CK_PORTFOLIO_SMS_INDEX_TAR(i)  ((CK_ULONG)(i) & 0xFFFFFF)
/* On SMS keys: the parameters above as attributes, read-only views of the
 * index the secure component sealed with the key (read from the component's
 * policy of the item, never stored apart): no attribute can say one thing
 * while the component uses another. A creation template may name them: with
 * CKA_PORTFOLIO_KEY_INDEX they must agree with it (else
 * CKR_TEMPLATE_INCONSISTENT); without it, all five (and CKA_PORTFOLIO_SERVICE
 * = CK_PORTFOLIO_SRV_SMS) make the index. C_SetAttributeValue:
 * CKR_ATTRIBUTE_READ_ONLY. Absent (CKR_ATTRIBUTE_TYPE_INVALID) on other keys. */
#define CKA_PORTFOLIO_SMS_TAR        (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0030UL) /* 3 bytes */
#define CKA_PORTFOLIO_SMS_SPI        (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0031UL) /* 2 bytes */
#define CKA_PORTFOLIO_SMS_KIC        (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0032UL) /* 1 byte: KIc coding */
#define CKA_PORTFOLIO_SMS_KID        (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0033UL) /* 1 byte: KID coding */
#define CKA_PORTFOLIO_SMS_SLOT       (CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX | 0x0034UL) /* CK_ULONG: 1 KIc, 2 KID */

#ifdef __cplusplus
}
#endif
#endif /* PORTFOLIO_PKCS11_PORTFOLIO_H */
