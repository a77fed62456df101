/*
 * p11_rig.h - a provisioned Portfolio token for harnesses that drive the
 * module through PKCS#11, put back byte for byte before every input.
 *
 * p11_rig_setup (once) writes a configuration and a store in a temporary
 * directory (tmpfs when there is one), initialises a token and provisions it,
 * then finalises the module and keeps a snapshot of every file of the store
 * directory. p11_rig_restore puts that snapshot back; p11_rig_start
 * initialises the module again. Between the two a harness may edit the store
 * (p11_rig_store_path): what the module then reads back is the harness's.
 * Whatever an input did - PINs locked or changed, the token re-initialised,
 * objects destroyed, rows rewritten - does not outlive it, and an input
 * behaves the same whichever inputs ran before it.
 *
 * The provisioned token: SO PIN P11_RIG_SO_PIN, user PIN P11_RIG_USER_PIN;
 * Identity 1 = "urn:dev:1" (hash provisioned by the SO); AES-128 signer
 * (authentication service, index 0), AES-256 encrypter (encryption service,
 * index 0), 32-byte generic secret signer (authentication service, index 1),
 * two keys without a service: an AES-128 key that may sign, encrypt and
 * be extracted, and a 20-byte generic secret; and two server copies: an
 * AES-128 verify-only key (authentication, index 2) and an AES-128
 * decrypt-only key (encryption, index 1). p11_rig_keys lists them in the
 * order they are created (the SO's Identity comes first).
 */
#ifndef PORTFOLIO_FUZZ_P11_RIG_H
#define PORTFOLIO_FUZZ_P11_RIG_H

#include <stdint.h>

#include "pkcs11/portfolio.h"

#define P11_RIG_SO_PIN "fuzz-so-pin"
#define P11_RIG_USER_PIN "fuzz-user-pin"
#define P11_RIG_IDENTITY_ID 1
#define P11_RIG_IDENTITY "urn:dev:1"

/* A provisioned key and the policy it was created with (every key may also
 * verify and decrypt). service: (CK_ULONG)-1 for none. */
typedef struct p11_rig_key {
	const uint8_t *value;
	CK_ULONG len;
	CK_KEY_TYPE type;
	CK_ULONG service, index;
	CK_BBOOL sign, encrypt, sensitive;
} p11_rig_key;

#define P11_RIG_N_KEYS 7
extern const p11_rig_key p11_rig_keys[P11_RIG_N_KEYS];

/* The harness cannot go on (its setup, not the input, failed): abort with a message. */
void p11_rig_die(const char *what, CK_RV rv) __attribute__((noreturn));
void p11_rig_setup(void);
/* The module finalised, the store directory exactly as after setup. */
void p11_rig_restore(void);
/* The store database, for harnesses that edit it between restore and start. */
const char *p11_rig_store_path(void);
/* C_Initialize, the token's slot, one R/W session (*s) and, if login, the
 * user logged in on it; a failure aborts (a restored token always takes its
 * PIN). Returns the slot. */
CK_SLOT_ID p11_rig_start(int login, CK_SESSION_HANDLE *s);
/* The handles session s can find (all of them, up to max); their number. */
CK_ULONG p11_rig_find_all(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *out, CK_ULONG max);

#endif
