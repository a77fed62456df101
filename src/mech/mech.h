/*
 * mech.h - the mechanism layer: one registry of every mechanism the module
 * offers (standard and Portfolio vendor ones), parameter checks, key checks,
 * and the PKCS#11 operation rules (length queries, when an operation ends).
 *
 * The core (src/core) owns sessions and objects; for each session and each
 * operation family it keeps one mech_op and calls these functions. The mech
 * layer computes nothing itself: keyed work goes to the secure component
 * (se.h), digests to src/crypto.
 */
#ifndef PORTFOLIO_MECH_H
#define PORTFOLIO_MECH_H

#include <stddef.h>
#include <stdint.h>
#include "pkcs11/portfolio.h"
#include "se/se.h"

/* What the core knows about a key object, as the mech layer needs it. */
typedef struct mech_key {
	CK_OBJECT_CLASS cls;      /* CKO_SECRET_KEY */
	CK_KEY_TYPE type;         /* CKK_AES, CKK_GENERIC_SECRET */
	CK_ULONG value_len;       /* bytes */
	CK_BBOOL has_service;     /* CKA_PORTFOLIO_SERVICE present */
	CK_ULONG service;         /* CK_PORTFOLIO_SRV_* */
	CK_BBOOL can_encrypt, can_decrypt, can_sign, can_verify; /* CKA_ENCRYPT ... */
	se_ref ref;
	CK_BBOOL is_master;       /* CKA_PORTFOLIO_MASTER present */
	CK_ULONG master_service;  /* its value: the service of the device keys */
} mech_key;

typedef enum mech_op_kind {
	MECH_OP_ENCRYPT = 1,
	MECH_OP_DECRYPT,
	MECH_OP_SIGN,
	MECH_OP_VERIFY,
	MECH_OP_DIGEST,
	/* A message-based operation (PKCS#11 3.0 C_Message*Init, mech_msg.h) runs in
	 * the session's slot of its plain kind k with op->kind = k + MECH_OP_MSG:
	 * the slot is taken (C_EncryptInit and C_MessageEncryptInit exclude each
	 * other, CKR_OPERATION_ACTIVE) and C_Encrypt on it finds no operation of its
	 * kind (CKR_OPERATION_NOT_INITIALIZED), at no cost to the signing path. */
	MECH_OP_MSG_ENCRYPT = 9,
	MECH_OP_MSG_DECRYPT,
	MECH_OP_MSG_SIGN,
	MECH_OP_MSG_VERIFY,
} mech_op_kind;
#define MECH_OP_MSG (MECH_OP_MSG_ENCRYPT - MECH_OP_ENCRYPT)

/* Lets the mech layer turn a CKP_PORTFOLIO_SOURCE_TOKEN identity id into the
 * secure-component items, without knowing how the core stores objects: the
 * provisioned hash item and the value item (0 where the identity has none).
 * Returns CKR_MECHANISM_PARAM_INVALID when there is no such identity. */
typedef struct mech_identity_resolver {
	void *ctx;
	CK_RV (*resolve)(void *ctx, CK_ULONG identity_id, se_ref *hash, se_ref *value);
} mech_identity_resolver;

/* One running operation of one session. Embedded in the session; zero-initialise,
 * then mech_op_release at session close. Reused without allocation: the se_op and
 * digest context are created on first use and kept. */
typedef struct mech_op {
	int active;               /* an operation is initialised and not yet terminated */
	mech_op_kind kind;
	CK_MECHANISM_TYPE mech;
	const struct mech_desc *desc;
	const se_backend *be;
	se_op *se;                /* keyed operations */
	void *digest_ctx;         /* digest operations (EVP_MD_CTX *) */
	int multipart_started;    /* an Update was done: single-part calls are then refused */
	size_t mac_len;           /* sign/verify output length */
	/* (additive, engine) state the PKCS#11 length rules need */
	se_token *tok;            /* the token op->se was made for (a new token gets a new se_op) */
	CK_ULONG source;          /* Portfolio: CKP_PORTFOLIO_SOURCE_* of the running operation */
	size_t tag_len;           /* CKM_AES_GCM, CKM_AES_CCM: tag bytes */
	uint64_t total_in;        /* bytes given to updates so far */
	uint64_t expect_len;      /* CKM_AES_CCM: the whole input the operation takes */
	/* buffered input for mechanisms that need the whole message (none today; kept
	 * so that a backend with single-shot APDUs can be served) */
	/* Families with a report hook (CKM_PORTFOLIO_SCP80_*): the caller's
	 * parameter, whose output fields C_Encrypt/C_Decrypt (or the Final) fill
	 * after the backend's op_final; NULL otherwise. */
	void *report_param;
	/* Message-based operations (mech_msg.c): the key bound at C_Message*Init,
	 * and the IV counter of CKG_GENERATE_COUNTER(_XOR), which never repeats
	 * within the operation (msg_counter_spent: no fresh value is left). */
	mech_key msg_key;
	uint64_t msg_counter;
	int msg_counter_spent;
} mech_op;

/* Registry. */
size_t mech_count(void);
CK_MECHANISM_TYPE mech_type_at(size_t i);
CK_RV mech_get_info(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *out); /* CKR_MECHANISM_INVALID */
/* 1 when some mechanism of the Portfolio service (CK_PORTFOLIO_SRV_*) takes a
 * key of this type and length: a keyset key no mechanism could use is refused
 * when it is created, not at its first use. */
int mech_service_key_fits(CK_ULONG service, CK_KEY_TYPE type, CK_ULONG len);

/* Opt-in mechanisms: offered by a slot only when its configuration enables
 * them (docs/mechanisms.md says why each one is off by default). A slot keeps
 * the bits it enables; a mechanism outside them is not listed and its C_*Init
 * is CKR_MECHANISM_INVALID. */
#define MECH_OPT_IN_ENC_CBC 0x1u /* CKM_PORTFOLIO_ENC_CBC: a decryption oracle */
/* 1 if type needs no opt-in or all of its opt-in bits are in enabled. */
int mech_offered(CK_MECHANISM_TYPE type, unsigned enabled);
/* The mechanisms a slot with these opt-ins offers: fills out (when not NULL)
 * with up to mech_count() types and returns how many there are. */
size_t mech_list(unsigned enabled, CK_MECHANISM_TYPE *out);

/* The CKF_ENCRYPT ... CKF_DIGEST flag that names an operation kind, and
 * CKF_MESSAGE_ENCRYPT ... CKF_MESSAGE_VERIFY for the message kinds (the bits
 * of C_GetMechanismInfo and C_SessionCancel). */
CK_FLAGS mech_op_kind_flag(mech_op_kind kind);

/* Key generation: validates mechanism and requested length, returns the item kind. */
CK_RV mech_keygen_check(const CK_MECHANISM *m, CK_KEY_TYPE key_type, CK_ULONG value_len,
                        se_item_kind *kind);

/* Start an operation. Checks the mechanism allows kind, validates the parameter,
 * the key type/size, the key's usage flag (CKR_KEY_FUNCTION_NOT_PERMITTED), and the
 * Portfolio service rule: Portfolio mechanisms need a key of their service, other
 * mechanisms refuse keys that carry a service (CKR_KEY_FUNCTION_NOT_PERMITTED).
 * key is NULL for MECH_OP_DIGEST. */
CK_RV mech_op_init(mech_op *op, mech_op_kind kind, const CK_MECHANISM *m, const mech_key *key,
                   const se_backend *be, se_token *tok, const mech_identity_resolver *res);

/*
 * The calls below follow PKCS#11 to the letter (3.0 section 5): out == NULL or
 * a too-small *out_len returns the needed length (CKR_OK / CKR_BUFFER_TOO_SMALL)
 * and keeps the operation; any other error (CKR_ARGUMENTS_BAD, and
 * CKR_OPERATION_ACTIVE for a single-part call after an update, included), and a
 * successful single-part call or final, ends it (op->active = 0). NULL pointers
 * are CKR_ARGUMENTS_BAD even with no operation running; otherwise
 * CKR_OPERATION_NOT_INITIALIZED if !op->active or the kind differs.
 */
CK_RV mech_op_single(mech_op *op, mech_op_kind kind, const uint8_t *in, CK_ULONG in_len,
                     uint8_t *out, CK_ULONG *out_len);          /* C_Encrypt/C_Decrypt/C_Sign/C_Digest */
CK_RV mech_op_update(mech_op *op, mech_op_kind kind, const uint8_t *in, CK_ULONG in_len,
                     uint8_t *out, CK_ULONG *out_len);          /* out unused for sign/verify/digest */
CK_RV mech_op_final(mech_op *op, mech_op_kind kind, uint8_t *out, CK_ULONG *out_len);
CK_RV mech_op_verify(mech_op *op, const uint8_t *in, CK_ULONG in_len,
                     const uint8_t *sig, CK_ULONG sig_len);    /* C_Verify */
CK_RV mech_op_verify_final(mech_op *op, const uint8_t *sig, CK_ULONG sig_len);
/* C_DigestKey is not offered. */

/* C_DeriveKey (mech_derive.c): the mechanism's parameter, checked, as the
 * secure component takes it. out->p points into out and into m's buffers:
 * both must outlive the item_derive call. */
typedef struct mech_derive {
	se_derive_params p;
	pf_kbkdf_field fields[PF_KBKDF_MAX_FIELDS];  /* p.kbkdf.fields */
	CK_OBJECT_HANDLE salt_key;  /* HKDF CKF_HKDF_SALT_KEY: the core sets p.salt_key from it */
	CK_OBJECT_HANDLE prev_key;  /* CKM_PORTFOLIO_ONEM2M_CONF hPrevious: the core sets p.prev_key */
	CK_ULONG value_len;         /* the length the mechanism fixes; 0: CKA_VALUE_LEN */
	CK_ULONG key_index;         /* CKM_PORTFOLIO_DIVERSIFY: the new key's index */
} mech_derive;
/* CKR_MECHANISM_INVALID for a mechanism that does not derive,
 * CKR_MECHANISM_PARAM_INVALID, CKR_KEY_TYPE_INCONSISTENT (base key type). */
CK_RV mech_derive_parse(const CK_MECHANISM *m, const mech_key *base, mech_derive *out);

void mech_op_abort(mech_op *op);   /* end a running operation (session close, logout...) */
void mech_op_release(mech_op *op); /* free what the op owns; op may be reused after */

#endif /* PORTFOLIO_MECH_H */
