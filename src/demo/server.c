#include "config.h"
#include "demo/server.h"

#include <string.h>

CK_RV demo_server_open(demo_server *srv, CK_SLOT_ID slot, const char *user_pin)
{
	CK_RV rv = srv->p11->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &srv->session);
	if (rv != CKR_OK)
		return rv;
	rv = srv->p11->C_Login(srv->session, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, (CK_ULONG)strlen(user_pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		(void)srv->p11->C_CloseSession(srv->session);
		return rv;
	}
	return CKR_OK;
}

void demo_server_close(demo_server *srv)
{
	(void)srv->p11->C_Logout(srv->session);
	(void)srv->p11->C_CloseSession(srv->session);
}

/* The one key of the keyset (service, index) that may do `usage`. */
static CK_RV find_key(demo_server *srv, CK_ULONG service, CK_ULONG index, CK_ATTRIBUTE_TYPE usage,
		      CK_OBJECT_HANDLE *key)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof(service)},
		{CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index)},
		{usage, &yes, sizeof(yes)},
	};
	CK_ULONG found = 0;
	CK_RV rv = srv->p11->C_FindObjectsInit(srv->session, t, sizeof(t) / sizeof(t[0]));
	if (rv != CKR_OK)
		return rv;
	rv = srv->p11->C_FindObjects(srv->session, key, 1, &found);
	(void)srv->p11->C_FindObjectsFinal(srv->session);
	if (rv == CKR_OK && found != 1)
		rv = CKR_KEY_HANDLE_INVALID;
	return rv;
}

CK_RV demo_server_verify(demo_server *srv, CK_ULONG key_index, const char *identity,
			 const CK_BYTE *challenge, size_t challenge_len, const CK_BYTE *sig, size_t sig_len)
{
	CK_OBJECT_HANDLE key;
	CK_RV rv = find_key(srv, CK_PORTFOLIO_SRV_AUTHENT, key_index, CKA_VERIFY, &key);
	if (rv != CKR_OK)
		return rv;
	CK_PORTFOLIO_PARAMS params = {CKP_PORTFOLIO_SOURCE_DATA, 0, (CK_BYTE_PTR)challenge, (CK_ULONG)challenge_len};
	CK_MECHANISM mech = {CKM_PORTFOLIO_AUTH_CMAC, &params, sizeof(params)};
	rv = srv->p11->C_VerifyInit(srv->session, &mech, key);
	if (rv != CKR_OK)
		return rv;
	return srv->p11->C_Verify(srv->session, (CK_BYTE_PTR)identity, (CK_ULONG)strlen(identity),
				  (CK_BYTE_PTR)sig, (CK_ULONG)sig_len);
}

CK_RV demo_server_decrypt(demo_server *srv, CK_ULONG key_index, const CK_BYTE *challenge,
			  size_t challenge_len, const CK_BYTE *data, size_t data_len, char *out, size_t cap)
{
	CK_OBJECT_HANDLE key;
	CK_RV rv = find_key(srv, CK_PORTFOLIO_SRV_ENCRYPT, key_index, CKA_DECRYPT, &key);
	if (rv != CKR_OK)
		return rv;
	if (cap == 0)
		return CKR_BUFFER_TOO_SMALL;
	CK_PORTFOLIO_PARAMS params = {CKP_PORTFOLIO_SOURCE_DATA, 0, (CK_BYTE_PTR)challenge, (CK_ULONG)challenge_len};
	CK_MECHANISM mech = {CKM_PORTFOLIO_ENC_GCM, &params, sizeof(params)};
	rv = srv->p11->C_DecryptInit(srv->session, &mech, key);
	if (rv != CKR_OK)
		return rv;
	CK_ULONG len = (CK_ULONG)(cap - 1);
	rv = srv->p11->C_Decrypt(srv->session, (CK_BYTE_PTR)data, (CK_ULONG)data_len, (CK_BYTE_PTR)out, &len);
	out[rv == CKR_OK ? len : 0] = '\0';
	return rv;
}
