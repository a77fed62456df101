/*
 * rel_util.h - shared fixture of the reliability tests: a private store and
 * configuration per test, token helpers over the public PKCS#11 API, and a
 * CHECK that works in forked children (cmocka's assertions do not: a child
 * must report through its exit status).
 */
#ifndef PORTFOLIO_REL_UTIL_H
#define PORTFOLIO_REL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkcs11/portfolio.h"

#define REL_SO_PIN "rel-so-pin-1"
#define REL_USER_PIN "rel-user-pin-1"
#define REL_P(s) (CK_UTF8CHAR_PTR)(s), (CK_ULONG)strlen(s)

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			fflush(stderr);                                                \
			_exit(1);                                                      \
		}                                                                      \
	} while (0)

#define CHECK_RV(call, want)                                                              \
	do {                                                                              \
		CK_RV rel_rv_ = (call);                                                   \
		if (rel_rv_ != (CK_RV)(want)) {                                           \
			fprintf(stderr, "%s:%d: %s = 0x%lx, want 0x%lx\n", __FILE__, __LINE__, \
			        #call, (unsigned long)rel_rv_, (unsigned long)(want));      \
			fflush(stderr);                                                   \
			_exit(1);                                                         \
		}                                                                         \
	} while (0)

/* A private directory with p.conf naming store.db in it; sets the
 * environment (config, fast test KDF unless scrypt_n is given). Removed at exit
 * by the process that created it. Returns the directory. */
const char *rel_setup(const char *extra_conf, const char *scrypt_n);
const char *rel_dir(void);
/* Path of a file in the test directory (static buffer per call site is not
 * needed: the result is malloc'd and never freed - tests are short). */
char *rel_path(const char *name);

/* C_InitToken on the first free slot with REL_SO_PIN, C_InitPIN(REL_USER_PIN). Module initialised. */
CK_SLOT_ID rel_init_token(const char *label);
/* The first slot with an initialised token. */
CK_SLOT_ID rel_first_token(void);
/* R/W session, logged in as who unless who == (CK_USER_TYPE)-1. */
CK_SESSION_HANDLE rel_session(CK_SLOT_ID slot, CK_USER_TYPE who, const char *pin);
CK_ULONG rel_token_flags(CK_SLOT_ID slot);

/* A token AES key; sensitive/extractable as given; id/label optional (NULL). */
CK_OBJECT_HANDLE rel_aes_key(CK_SESSION_HANDLE s, const uint8_t *val, CK_ULONG len, CK_BBOOL token,
                             CK_BBOOL sensitive, CK_BBOOL extractable, const void *id, CK_ULONG id_len);
/* Number of objects a search with this template finds. */
/* C_SignInit(CKM_AES_CMAC, k) + C_Sign of the 16 bytes msg: the tag in sig. */
void rel_cmac_sign(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k, const uint8_t msg[16], uint8_t sig[16]);
CK_ULONG rel_count(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n);
CK_OBJECT_HANDLE rel_find_one(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n);

/* RFC 4493, AES-128, example 2: key, 16-byte message, CMAC tag. */
extern const uint8_t rel_cmac_key[16], rel_cmac_msg[16], rel_cmac_tag[16];
/* C_Initialize, a new token (rel_init_token), a user session on it (*s) and
 * the RFC 4493 key as a sensitive token key with CKA_ID key_id. The slot. */
CK_SLOT_ID rel_token_with_cmac_key(const char *label, const char *key_id, CK_SESSION_HANDLE *s);

/* Monotonic milliseconds. */
double rel_now_ms(void);
/* Does haystack contain needle? */
int rel_memmem(const uint8_t *hay, size_t hay_len, const uint8_t *needle, size_t len);
/* Reads a whole file (malloc'd; *len set); NULL if absent. */
uint8_t *rel_read_file(const char *path, size_t *len);

#endif
