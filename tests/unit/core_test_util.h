/* core_test_util.h - fixture for the core/p11 tests: a temp config and store,
 * the function list, and token/session helpers. */
#ifndef CORE_TEST_UTIL_H
#define CORE_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pkcs11/portfolio.h"

#define SO_PIN "so-pin-1234"
#define USER_PIN "user-pin-1234"
#define P(s) (CK_UTF8CHAR_PTR)(s), (CK_ULONG)strlen(s)

extern CK_FUNCTION_LIST_PTR f;     /* the 2.40 list */

/* Creates a temp dir with a config naming a fresh store, sets the env. Extra
 * config lines may be given. Returns 0. */
int ct_setup_env(const char *extra_conf);
void ct_cleanup_env(void);
int ct_setup(void **state);        /* env + C_Initialize(NULL) */
int ct_setup_enc_cbc(void **state); /* the same with "enc_cbc = yes" (every slot offers ENC_CBC) */
int ct_setup_conf(const char *extra_conf); /* env with extra config lines + C_Initialize; 0 if ok */
int ct_teardown(void **state);     /* C_Finalize + cleanup */
const char *ct_dir(void);

/* Initialises the token of slot with SO_PIN and label, and sets USER_PIN. */
void ct_init_token(CK_SLOT_ID slot, const char *label);
/* The first slot whose token is not initialised. */
CK_SLOT_ID ct_free_slot(void);
/* Opens an R/W session on slot and logs in as who (or not, if who == (CK_ULONG)-1). */
CK_SESSION_HANDLE ct_session(CK_SLOT_ID slot, CK_USER_TYPE who);
/* A ready token: init, user PIN, R/W session logged in as user. */
CK_SESSION_HANDLE ct_ready_token(CK_SLOT_ID *slot_out);
/* An AES token key (service/index optional: pass (CK_ULONG)-1 for none). */
CK_OBJECT_HANDLE ct_aes_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG len, CK_ULONG service,
                            CK_ULONG index, CK_BBOOL sign);
int ct_have_mech(void);
/* The one object with that attribute, or CK_INVALID_HANDLE when there is none
 * (more than one fails the test). */
CK_OBJECT_HANDLE ct_find(CK_SESSION_HANDLE s, CK_ATTRIBUTE_TYPE type, const void *val, CK_ULONG len);
/* A plain AES session key (no keyset) that may encrypt, decrypt, sign and verify. */
CK_OBJECT_HANDLE ct_plain_aes_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG len);

#endif
