/*
 * se.h - the secure-component interface.
 *
 * A secure component holds, for each Portfolio instance (= token), the PINs,
 * the keysets and the Identity hashes/values. Upper layers never see key
 * material after import: they hold se_ref numbers and ask the component to
 * compute. Two backends implement this table: the in-process emulator
 * (se/emu, the default) and a real secure element over PC/SC (se/pcsc).
 *
 * Locking contract: the core calls every function below while holding its
 * token lock, shared for op_* / item_read / random, exclusive for anything
 * that changes the token. One se_op is used by one session at a time. So a
 * backend needs no locks of its own for its tables; anything it caches lazily
 * on a shared path must be built eagerly instead (at load or import).
 */
#ifndef PORTFOLIO_SE_H
#define PORTFOLIO_SE_H

#include <stddef.h>
#include <stdint.h>
#include "pkcs11/portfolio.h"
#include "crypto/kdf.h"

struct store;
typedef struct se_token se_token; /* backend's state for one instance */
typedef struct se_op se_op;       /* backend's state for one running operation */
typedef uint64_t se_ref;          /* an item inside the component; 0 is "none" */

typedef enum se_item_kind {
	SE_ITEM_AES_KEY = 1,        /* 16, 24 or 32 bytes */
	SE_ITEM_GENERIC_SECRET = 2, /* HMAC key, 1..512 bytes */
	SE_ITEM_IDENTITY_VALUE = 3, /* the Identity string; readable */
	SE_ITEM_IDENTITY_HASH = 4,  /* SHA-256(Identity), 32 bytes; never readable */
} se_item_kind;

/* Flags for item_put / item_generate. */
#define SE_ITEM_PERSISTENT 0x1u /* token object: survives the process (else session object) */
#define SE_ITEM_EXCLUSIVE  0x2u /* device-side key: refused (CKR_ATTRIBUTE_VALUE_INVALID) when the
                                   same key material is already held, as an EXCLUSIVE item, by any
                                   token of the store, this one included. Keysets are never shared. */
#define SE_ITEM_READABLE   0x4u /* item_read may return the value (identity values, extractable
                                   non-sensitive keys); everything else is write-only */

/*
 * The authenticated policy of an item: decided when the item is made, kept by
 * the component with the item (sealed or MACed with it), and the only source
 * of what the item may do at op_init. The core's object rows carry the same
 * facts as attributes; the core compares them with item_policy() and refuses
 * a row that disagrees (docs/architecture.md, "Object model").
 */
#define SE_SERVICE_NONE ((CK_ULONG)-1) /* plain key: no keyset, standard mechanisms only */
#define SE_USE_SIGN    0x01u
#define SE_USE_VERIFY  0x02u
#define SE_USE_ENCRYPT 0x04u
#define SE_USE_DECRYPT 0x08u
#define SE_USE_ALL     (SE_USE_SIGN | SE_USE_VERIFY | SE_USE_ENCRYPT | SE_USE_DECRYPT)
/* Derivation (item_derive): outside SE_USE_ALL so that backends without
 * item_derive (and their sealed formats) never see these bits. Rows sealed
 * before these bits existed carry neither: such a key never derives. */
#define SE_USE_DERIVE  0x10u /* base key of C_DeriveKey (CKA_DERIVE) */
#define SE_USE_MASTER  0x20u /* Portfolio master (CKA_PORTFOLIO_MASTER): with DERIVE and nothing
                                else; derives only by CKM_PORTFOLIO_DIVERSIFY, keys of the service
                                its policy names (docs/mechanisms.md, "Diversification") */
#define SE_USE_KEY_ALL (SE_USE_ALL | SE_USE_DERIVE | SE_USE_MASTER)
/* Key management (item_wrap / item_unwrap; docs/mechanisms.md, "Key wrap"). Each
 * bit is a permission, so C_SetAttributeValue only ever takes one away:
 *   WRAP / UNWRAP      CKA_WRAP / CKA_UNWRAP: may wrap / unwrap other keys;
 *   EXPORT             CKA_EXTRACTABLE: may leave the component, wrapped;
 *   WRAP_UNTRUSTED     CKA_WRAP_WITH_TRUSTED = FALSE: any wrapping key will do
 *                      (without it, only one with SE_USE_TRUSTED);
 *   TRUSTED            CKA_TRUSTED: only the SO makes an item with it.
 * The core asks for them only from a backend with item_wrap (the others and
 * their sealed formats never see them); it accepts a row whose attributes claim
 * more of these than the item holds (rows from before they existed), never
 * less, and the component decides. */
#define SE_USE_WRAP           0x100u
#define SE_USE_UNWRAP         0x200u
#define SE_USE_EXPORT         0x400u
#define SE_USE_WRAP_UNTRUSTED 0x800u
#define SE_USE_TRUSTED        0x1000u
#define SE_USE_KEY_MGMT (SE_USE_WRAP | SE_USE_UNWRAP | SE_USE_EXPORT | SE_USE_WRAP_UNTRUSTED | SE_USE_TRUSTED)
/* SO's choice, on the identity's hash item: ENC may encrypt the current value
 * even when it no longer matches the provisioned hash. */
#define SE_IDENTITY_ENCRYPT_CURRENT 0x01u
#define SE_IDENTITY_FLAGS_ALL SE_IDENTITY_ENCRYPT_CURRENT

typedef struct se_item_policy {
	CK_ULONG service;        /* SE_SERVICE_NONE, CK_PORTFOLIO_SRV_AUTHENT or _ENCRYPT (keys) */
	CK_ULONG key_index;      /* Kn for keyset keys, else 0 */
	unsigned usage;          /* SE_USE_* (keys; 0 for identity items) */
	CK_ULONG identity_id;    /* identity value/hash items: the /16/x/0/<id> they belong to */
	unsigned identity_flags; /* SE_IDENTITY_* (identity hash items only) */
} se_item_policy;

/* What a wrapped blob holds (item_unwrap). */
typedef struct se_unwrap_info {
	size_t len;               /* the key's length in bytes */
	int bound;                /* CKM_PORTFOLIO_AES_KEY_WRAP_BOUND: kind and pol below travel with it */
	se_item_kind kind;        /* bound: the key's kind; else what the core decides */
	se_item_policy pol;       /* bound: service, key_index and usage (SE_USE_ALL bits) */
} se_unwrap_info;

/* What a backend reports about a token. */
typedef struct se_token_info {
	int initialized;         /* C_InitToken has been done */
	int user_pin_set;        /* C_InitPIN has been done */
	char label[32];          /* blank padded, not NUL terminated */
	char serial[16];         /* blank padded */
	CK_FLAGS pin_flags;      /* CKF_USER_PIN_* / CKF_SO_PIN_* counters and lock state */
} se_token_info;

typedef enum se_op_kind {
	SE_OP_ENCRYPT = 1,
	SE_OP_DECRYPT,
	SE_OP_SIGN,
	SE_OP_VERIFY,
} se_op_kind;

/*
 * An operation request, already validated by the mechanism layer (src/mech):
 * lengths are in range, the key fits the mechanism. The mechanism layer picks
 * the family and fills that family's parameters; a backend dispatches on fam
 * (and the family's alg/mode) and never derives anything from the mechanism
 * type. Pointers are only borrowed for the duration of op_init.
 *
 * Adding a family (docs/architecture.md, "Adding a mechanism"): a value at the
 * end of se_op_family, a struct below, a member at the end of the union.
 */
typedef enum se_op_family {
	SE_FAM_NONE = 0,
	SE_FAM_CIPHER,   /* AES block modes and GCM: se_cipher_params */
	SE_FAM_MAC,      /* CMAC, HMAC: se_mac_params */
	SE_FAM_PF_AUTH,  /* Portfolio AUTH signature: se_pf_params */
	SE_FAM_PF_ENC,   /* Portfolio ENC encryption: se_pf_params */
	SE_FAM_AES_CCM,  /* AES-CCM, the whole message at final: se_cipher_params */
	SE_FAM_SCP80,    /* SMS SCP80 packets, the whole packet at final: se_scp80_params */
	SE_FAM_DIV_AUTH, /* Portfolio AUTH verified with a master (device key derived): se_div_params */
	SE_FAM_DIV_ENC,  /* Portfolio ENC decrypted with a master (device key derived): se_div_params */
} se_op_family;

typedef enum se_cipher_mode {
	SE_AES_ECB = 1,
	SE_AES_CBC,      /* whole blocks */
	SE_AES_CBC_PAD,  /* PKCS#7 */
	SE_AES_GCM,
} se_cipher_mode;

typedef struct se_cipher_params {
	se_cipher_mode mode;
	const uint8_t *iv;        /* CBC: 16 bytes; GCM: 1..256; CCM: the 7..13-byte nonce; ECB: none */
	size_t iv_len;
	const uint8_t *aad;       /* GCM, CCM additional data */
	size_t aad_len;
	size_t tag_len;           /* GCM: 4..16; CCM: 4..16, even */
	size_t data_len;          /* CCM: the length of the whole plaintext (CK_CCM_PARAMS.ulDataLen) */
	/* GCM and CCM encryption (their parse sets it; NULL but for the message API):
	 * op_final writes the tag here (tag_len bytes) rather than after the
	 * ciphertext, and op_output_bound leaves it out. Unlike the other pointers
	 * it is kept from op_init to op_final, which the mech layer calls within
	 * one C_EncryptMessage. */
	uint8_t *tag_out;
} se_cipher_params;

typedef enum se_mac_alg {
	SE_MAC_CMAC_AES = 1,      /* AES key */
	SE_MAC_HMAC_SHA1,         /* generic secret keys below */
	SE_MAC_HMAC_SHA256,
	SE_MAC_HMAC_SHA384,
	SE_MAC_HMAC_SHA512,
} se_mac_alg;

typedef struct se_mac_params {
	se_mac_alg alg;
	size_t mac_len;           /* *_GENERAL output length; the full length otherwise */
} se_mac_params;

typedef enum se_pf_alg {
	SE_PF_AUTH_CMAC = 1,      /* AUTH with an AES key (16 or 32 bytes), 16-byte tag */
	SE_PF_AUTH_HMAC,          /* AUTH with a generic secret, HMAC-SHA256, 32-byte tag */
	SE_PF_ENC_GCM,            /* ENC, AES-GCM */
	SE_PF_ENC_CBC,            /* ENC, AES-CBC with PKCS#7 */
} se_pf_alg;

typedef struct se_pf_params {
	se_pf_alg alg;
	CK_ULONG source;          /* CKP_PORTFOLIO_SOURCE_* (0: decryption with none) */
	/* SOURCE_TOKEN names the identity by id and by its items; the component checks
	 * that each item it uses carries that identity_id in its policy. AUTH uses the
	 * hash item; ENC the value item, checked against the hash item. 0: none. */
	CK_ULONG identity_id;
	se_ref identity_hash_ref;
	se_ref identity_value_ref;
	const uint8_t *challenge; /* 1..CK_PORTFOLIO_MAX_CHALLENGE bytes, copied by op_init */
	size_t challenge_len;
} se_pf_params;

typedef enum se_scp80_op {
	SE_SCP80_WRAP = 1,        /* protect a command packet (C_Encrypt) */
	SE_SCP80_UNWRAP,          /* check and open a command packet, build its PoR (C_Decrypt) */
	SE_SCP80_POR_UNWRAP,      /* the sender checks and opens the PoR of its packet (C_Decrypt) */
} se_scp80_op;

typedef struct se_scp80_params {
	se_scp80_op op;
	/* UNWRAP: data the PoR carries on acceptance (0..CK_PORTFOLIO_SCP80_MAX_POR_DATA
	 * bytes), copied by op_init */
	const uint8_t *por_data;
	size_t por_data_len;
} se_scp80_params;

/* CKM_PORTFOLIO_DIV_*: the device's answer as for SE_FAM_PF_AUTH / _ENC (pf:
 * alg, source, challenge; never SOURCE_TOKEN), and the device whose key the
 * component derives from the master for this one operation (docs/mechanisms.md
 * 10.2). Pointers borrowed for op_init, which copies what it keeps. */
typedef struct se_div_params {
	se_pf_params pf;
	const uint8_t *device_id; /* D: 1..CK_PORTFOLIO_MAX_DEVICE_ID bytes */
	size_t device_id_len;
	CK_ULONG instance;        /* I < 2^32 */
	CK_ULONG key_index;       /* n < 2^32 */
	size_t key_len;           /* the device key's length in bytes */
} se_div_params;

typedef struct se_op_params {
	se_op_family fam;
	CK_MECHANISM_TYPE mech;   /* for messages only: backends dispatch on fam */
	union {
		se_cipher_params cipher;  /* SE_FAM_CIPHER, SE_FAM_AES_CCM (mode unused) */
		se_mac_params mac;        /* SE_FAM_MAC */
		se_pf_params pf;          /* SE_FAM_PF_AUTH, SE_FAM_PF_ENC */
		se_scp80_params scp80;    /* SE_FAM_SCP80 */
		se_div_params div;        /* SE_FAM_DIV_AUTH, SE_FAM_DIV_ENC */
	} u;
} se_op_params;

/* The settings only the pcsc backend reads (instance.N.reader, .aid,
 * .scp03_keyfile); src/se/pcsc parses and checks them at open. */
typedef struct se_pcsc_config {
	const char *reader;       /* reader name (substring match) */
	const char *aid_hex;      /* applet AID, NULL: the default */
	const char *scp03_keys;   /* "kvn:enc:mac:dek" hex */
} se_pcsc_config;

/* What item_derive computes. */
typedef enum se_derive_kind {
	SE_DERIVE_KBKDF = 1,  /* CKM_SP800_108_COUNTER_KDF / _FEEDBACK_KDF */
	SE_DERIVE_HKDF,       /* CKM_HKDF_DERIVE */
	SE_DERIVE_PORTFOLIO,  /* CKM_PORTFOLIO_DIVERSIFY: the component builds label and context */
	SE_DERIVE_ONEM2M_CONF, /* CKM_PORTFOLIO_ONEM2M_CONF: T(2) from K_master (base) and T(1) (prev_key) */
} se_derive_kind;

/*
 * A derivation request, already validated by the mechanism layer
 * (src/mech/mech_derive.c). Pointers are borrowed for the call only.
 */
typedef struct se_derive_params {
	se_derive_kind kind;
	pf_kbkdf_params kbkdf;        /* KBKDF: the caller's data parameters, in order */
	/* HKDF */
	pf_hkdf_mode hkdf_mode;
	pf_md_alg hkdf_md;
	const uint8_t *salt;          /* CKF_HKDF_SALT_DATA (empty: HashLen zeros) */
	size_t salt_len;
	se_ref salt_key;              /* CKF_HKDF_SALT_KEY: a key item that may DERIVE; else 0 */
	const uint8_t *info;
	size_t info_len;
	/* PORTFOLIO: device id and instance; service and key index are those of
	 * the new key's policy, which the component checks against the master's. */
	const uint8_t *device_id;     /* 1..CK_PORTFOLIO_MAX_DEVICE_ID bytes */
	size_t device_id_len;
	CK_ULONG instance;
	/* ONEM2M_CONF: the hash (hkdf_md) and T(1), a key item of HashLen bytes
	 * that may DERIVE; its value never leaves the component. */
	se_ref prev_key;
} se_derive_params;

/* (additive, SMS) What a CKM_PORTFOLIO_SCP80_* operation reports besides its
 * output, accepted or not: the PoR (por_len 0: none), the status, the counter. */
typedef struct se_scp80_result {
	uint8_t por[CK_PORTFOLIO_SCP80_MAX_POR];
	size_t por_len;
	CK_ULONG status;
	uint64_t counter;
	int valid;                /* 0: the last operation was not an SCP80 one, or got nowhere */
} se_scp80_result;

typedef struct se_config {
	const char *backend;      /* "emulator" or "pcsc" */
	se_pcsc_config pcsc;      /* backend "pcsc" only; the emulator has no settings */
} se_config;

typedef struct se_backend {
	const char *name;

	/* Open the component's view of instance iid. The store is shared by all tokens and
	 * outlives every se_token. A token that was never initialised opens fine and
	 * reports initialized = 0. */
	CK_RV (*open)(const se_config *cfg, struct store *st, CK_ULONG iid, se_token **out);
	void (*close)(se_token *t);
	CK_RV (*token_info)(se_token *t, se_token_info *out);

	/* Optional (added for removable components): both NULL for a component that
	 * cannot go away, like the emulator, whose tokens are always present.
	 * Both return 1 when the component is in place, 0 when it is not. *removals
	 * counts the times the backend saw it go away (card pulled, reader or service
	 * lost); *resets the times it stayed but forgot its login (reset by someone
	 * else, or the secure channel broke and had to be re-opened). Both counts only
	 * grow, so a caller that remembers them knows what was lost in between, even
	 * when the component is back: the core closes the sessions of a removed token
	 * and logs a reset one out (PKCS#11: sessions end with their token's removal).
	 * present_poll asks the device now (a round trip to the reader; the token lock
	 * is held, as for the other calls). present_seen only reports what the backend
	 * has seen so far: it costs no I/O, is thread-safe, and may be called with no
	 * lock. */
	int (*present_poll)(se_token *t, uint64_t *removals, uint64_t *resets);
	int (*present_seen)(se_token *t, uint64_t *removals, uint64_t *resets);

	/* PINs. login unlocks the token's items (the emulator unwraps its token key and
	 * decrypts its items into memory); logout wipes them. */
	CK_RV (*init_token)(se_token *t, const uint8_t *so_pin, size_t so_pin_len, const char label[32]);
	CK_RV (*init_pin)(se_token *t, const uint8_t *pin, size_t pin_len);   /* SO logged in */
	CK_RV (*set_pin)(se_token *t, CK_USER_TYPE who, const uint8_t *old_pin, size_t old_len,
	                 const uint8_t *new_pin, size_t new_len);
	CK_RV (*login)(se_token *t, CK_USER_TYPE who, const uint8_t *pin, size_t pin_len);
	CK_RV (*logout)(se_token *t);

	/* Items (need a login). pol is the item's policy (se_item_policy above),
	 * kept with the item for its whole life; NULL only for items that need none
	 * (it then reads back as service NONE, usage 0, identity 0). */
	CK_RV (*item_put)(se_token *t, se_item_kind kind, const uint8_t *value, size_t len,
	                  unsigned flags, const se_item_policy *pol, se_ref *out);
	CK_RV (*item_generate)(se_token *t, se_item_kind kind, size_t len, unsigned flags,
	                       const se_item_policy *pol, se_ref *out);
	/* Usage may only shrink (CKA_SIGN -> FALSE...): growing it is CKR_ATTRIBUTE_READ_ONLY.
	 * Optional until every backend has it (NULL: the core keeps usage fixed). */
	CK_RV (*item_restrict)(se_token *t, se_ref ref, unsigned usage);
	/* The authenticated policy, so the core can check its object row against it.
	 * Optional until every backend has it (NULL: the core cannot check its rows). */
	CK_RV (*item_policy)(se_token *t, se_ref ref, se_item_policy *out);
	CK_RV (*item_replace)(se_token *t, se_ref ref, const uint8_t *value, size_t len); /* identity value rewrite */
	/* Length-query convention: out == NULL sets *len. CKR_ATTRIBUTE_SENSITIVE if not READABLE. */
	CK_RV (*item_read)(se_token *t, se_ref ref, uint8_t *out, size_t *len);
	CK_RV (*item_delete)(se_token *t, se_ref ref);
	CK_RV (*item_length)(se_token *t, se_ref ref, size_t *len);

	/* Operations. op_new allocates once per session; op_init may be called again and
	 * again on the same se_op without allocating. */
	CK_RV (*op_new)(se_token *t, se_op **out);
	void (*op_free)(se_op *op);
	CK_RV (*op_init)(se_op *op, se_op_kind kind, const se_op_params *p, se_ref key);
	/* Ciphers: consume in, write what is ready to out (*out_len in: room, out: written).
	 * MACs: absorb in; out unused. The caller (mech layer) guarantees room from
	 * op_output_bound, so backends never see a too-small buffer. */
	CK_RV (*op_update)(se_op *op, const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len);
	CK_RV (*op_final)(se_op *op, uint8_t *out, size_t *out_len);
	/* VERIFY: constant-time comparison; CKR_SIGNATURE_INVALID / CKR_SIGNATURE_LEN_RANGE. */
	CK_RV (*op_verify_final)(se_op *op, const uint8_t *sig, size_t sig_len);
	/* Upper bound of what the next update (final = 0) or final (final = 1) writes after
	 * in_len more bytes; exact for MACs. */
	size_t (*op_output_bound)(se_op *op, size_t in_len, int final);
	void (*op_abort)(se_op *op); /* drop state, wipe buffered data */

	CK_RV (*random)(se_token *t, uint8_t *out, size_t len);

	/* Optional (NULL: not needed). While logged in: bring the unlocked items in
	 * line with the store after another process added or deleted persistent
	 * items, so objects it created are usable here without a new login. Called
	 * with the token lock exclusive when the store's generation moved. */
	CK_RV (*refresh)(se_token *t);

	/* Optional (NULL: C_DeriveKey is CKR_MECHANISM_INVALID). Makes a key item of
	 * kind/len from the key item base, computed inside the component; flags and
	 * pol as for item_generate. The base must carry SE_USE_DERIVE in its policy
	 * (else CKR_KEY_FUNCTION_NOT_PERMITTED); a master derives only by
	 * SE_DERIVE_PORTFOLIO, and that only from a master. */
	CK_RV (*item_derive)(se_token *t, se_ref base, const se_derive_params *p, se_item_kind kind,
	                     size_t len, unsigned flags, const se_item_policy *pol, se_ref *out);
	/* Optional (NULL: C_WrapKey / C_UnwrapKey answer CKR_FUNCTION_NOT_SUPPORTED).
	 * item_wrap changes nothing and is called with the token lock shared;
	 * item_unwrap with it exclusive.
	 * Key transport, computed inside the component (docs/mechanisms.md, "Key wrap").
	 * mech: CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_KWP or CKM_PORTFOLIO_AES_KEY_WRAP_BOUND.
	 * The component checks the wrapping key (AES, no service, SE_USE_WRAP), the
	 * target (SE_USE_EXPORT; SE_USE_WRAP_UNTRUSTED or a TRUSTED wrapping key; a
	 * keyset key only in the bound form). out == NULL: *len = the blob's length;
	 * too little room: *len = that length, CKR_BUFFER_TOO_SMALL. */
	CK_RV (*item_wrap)(se_token *t, se_ref wrapping, CK_MECHANISM_TYPE mech, se_ref target,
	                   uint8_t *out, size_t *len);
	/* out == NULL: open the blob under the unwrapping key (AES, SE_USE_UNWRAP) and
	 * only report what it holds in *info (CKR_WRAPPED_KEY_LEN_RANGE, _INVALID).
	 * Else make the item: info (kind and len as the core checked them), flags and
	 * pol as for item_put; a bound blob's service, index and usage must be pol's
	 * (CKR_TEMPLATE_INCONSISTENT), and so must its kind. */
	CK_RV (*item_unwrap)(se_token *t, se_ref unwrapping, CK_MECHANISM_TYPE mech, const uint8_t *blob,
	                     size_t blob_len, se_unwrap_info *info, unsigned flags,
	                     const se_item_policy *pol, se_ref *out);
	/* Optional (NULL: no SCP80 mechanisms). After op_final of a CKM_PORTFOLIO_SCP80_*
	 * operation, whatever it returned: what it reports (se_scp80_result). */
	void (*op_scp80_result)(se_op *op, se_scp80_result *out);
	/* 1: without item_derive, the component still keeps diversification
	 * masters (SE_USE_MASTER | SE_USE_DERIVE, nothing else) and runs
	 * SE_FAM_DIV_AUTH with them (the card applet: PORTFOLIO DIV VERIFY,
	 * docs/apdu.md). A backend with item_derive keeps them anyway. */
	int keeps_masters;
} se_backend;

extern const se_backend se_emulator_backend;
/* Returns the backend named by cfg->backend, or NULL. */
const se_backend *se_backend_find(const char *name);

#endif /* PORTFOLIO_SE_H */
