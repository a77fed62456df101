/*
 * server.h - the Car Manufacturer Server's side of GetAuthData, with the
 * same module in server use: its token holds check-only copies of the
 * device's keys, and the Identity it expects comes as data
 * (CKP_PORTFOLIO_SOURCE_DATA), not from a token.
 */
#ifndef PF_DEMO_SERVER_H
#define PF_DEMO_SERVER_H

#include <stddef.h>

#include <pkcs11/portfolio.h>

typedef struct demo_server {
	CK_FUNCTION_LIST_PTR p11;
	CK_SESSION_HANDLE session;
} demo_server;

/* Opens a session on the server token and logs the user in. */
CK_RV demo_server_open(demo_server *srv, CK_SLOT_ID slot, const char *user_pin);
void demo_server_close(demo_server *srv);

/* C_Verify with CKM_PORTFOLIO_AUTH_CMAC: is sig SIG_Kn(SHA-256(identity) ||
 * challenge)? CKR_OK, or CKR_SIGNATURE_INVALID, or another error. */
CK_RV demo_server_verify(demo_server *srv, CK_ULONG key_index, const char *identity,
			 const CK_BYTE *challenge, size_t challenge_len, const CK_BYTE *sig, size_t sig_len);
/* C_Decrypt with CKM_PORTFOLIO_ENC_GCM: opens data, checks the tag and the
 * challenge, writes the Identity value (NUL-terminated) into out. */
CK_RV demo_server_decrypt(demo_server *srv, CK_ULONG key_index, const CK_BYTE *challenge,
			  size_t challenge_len, const CK_BYTE *data, size_t data_len, char *out, size_t cap);

#endif
