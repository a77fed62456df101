#include "config.h"
#include "demo/provision.h"

#include <string.h>

const char *const demo_identity_names[DEMO_IDENTITY_COUNT] = {
	"HostUniqueID", "HostMan", "HostMod", "HostSwV",
};

static CK_RV first_free_slot(CK_FUNCTION_LIST_PTR p11, CK_SLOT_ID *slot)
{
	CK_SLOT_ID slots[64];
	CK_ULONG n = sizeof(slots) / sizeof(slots[0]);
	CK_RV rv = p11->C_GetSlotList(CK_FALSE, slots, &n);
	if (rv != CKR_OK)
		return rv;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO info;
		if (p11->C_GetTokenInfo(slots[i], &info) == CKR_OK && !(info.flags & CKF_TOKEN_INITIALIZED)) {
			*slot = slots[i];
			return CKR_OK;
		}
	}
	return CKR_SLOT_ID_INVALID;
}

CK_RV demo_init_token(CK_FUNCTION_LIST_PTR p11, const char *so_pin, const char *user_pin,
		      const char *label, CK_SLOT_ID *slot)
{
	CK_RV rv = first_free_slot(p11, slot);
	if (rv != CKR_OK)
		return rv;
	CK_UTF8CHAR padded[32];
	size_t n = strlen(label);
	memset(padded, ' ', sizeof(padded));
	memcpy(padded, label, n < sizeof(padded) ? n : sizeof(padded));
	rv = p11->C_InitToken(*slot, (CK_UTF8CHAR_PTR)so_pin, (CK_ULONG)strlen(so_pin), padded);
	if (rv != CKR_OK)
		return rv;
	CK_SESSION_HANDLE s;
	rv = p11->C_OpenSession(*slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK)
		return rv;
	rv = p11->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, (CK_ULONG)strlen(so_pin));
	if (rv == CKR_OK)
		rv = p11->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, (CK_ULONG)strlen(user_pin));
	(void)p11->C_Logout(s);
	(void)p11->C_CloseSession(s);
	return rv;
}

static CK_RV create_key(CK_FUNCTION_LIST_PTR p11, CK_SESSION_HANDLE s, CK_ULONG service, CK_ULONG index,
			const CK_BYTE *value, CK_ULONG len, int server_copy)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE type = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	int auth = service == CK_PORTFOLIO_SRV_AUTHENT;
	/* The device produces, the server only checks: a stolen server copy
	 * cannot forge a device's answer. */
	CK_BBOOL sign = auth && !server_copy, verify = auth && server_copy;
	CK_BBOOL encrypt = !auth && !server_copy, decrypt = !auth && server_copy;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_KEY_TYPE, &type, sizeof(type)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PRIVATE, &yes, sizeof(yes)},
		{CKA_SENSITIVE, &yes, sizeof(yes)},
		{CKA_EXTRACTABLE, &no, sizeof(no)},
		{CKA_SIGN, &sign, sizeof(sign)},
		{CKA_VERIFY, &verify, sizeof(verify)},
		{CKA_ENCRYPT, &encrypt, sizeof(encrypt)},
		{CKA_DECRYPT, &decrypt, sizeof(decrypt)},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof(service)},
		{CKA_PORTFOLIO_KEY_INDEX, &index, sizeof(index)},
		{CKA_VALUE, (CK_VOID_PTR)value, len},
	};
	CK_OBJECT_HANDLE h;
	return p11->C_CreateObject(s, t, sizeof(t) / sizeof(t[0]), &h);
}

static CK_RV create_identity(CK_FUNCTION_LIST_PTR p11, CK_SESSION_HANDLE s, CK_ULONG id, const char *value)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id)},
		{CKA_VALUE, (CK_VOID_PTR)value, (CK_ULONG)strlen(value)},
	};
	CK_OBJECT_HANDLE h;
	return p11->C_CreateObject(s, t, sizeof(t) / sizeof(t[0]), &h);
}

CK_RV demo_provision_device(CK_FUNCTION_LIST_PTR p11, CK_SLOT_ID slot, const char *so_pin,
			    const char *user_pin, const char *const identities[DEMO_IDENTITY_COUNT],
			    const demo_keys *keys)
{
	CK_SESSION_HANDLE s;
	CK_RV rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK)
		return rv;
	/* Identities created by the SO get their SHA-256 provisioned: the
	 * hash a later WRITE of the value can never change. */
	rv = p11->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, (CK_ULONG)strlen(so_pin));
	for (CK_ULONG i = 0; rv == CKR_OK && i < DEMO_IDENTITY_COUNT; i++)
		rv = create_identity(p11, s, i, identities[i]);
	(void)p11->C_Logout(s);
	/* Keys are the user's objects. */
	if (rv == CKR_OK)
		rv = p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, (CK_ULONG)strlen(user_pin));
	if (rv == CKR_OK)
		rv = create_key(p11, s, CK_PORTFOLIO_SRV_AUTHENT, 0, keys->auth, sizeof(keys->auth), 0);
	if (rv == CKR_OK)
		rv = create_key(p11, s, CK_PORTFOLIO_SRV_ENCRYPT, 1, keys->enc, sizeof(keys->enc), 0);
	(void)p11->C_Logout(s);
	(void)p11->C_CloseSession(s);
	return rv;
}

CK_RV demo_provision_server(CK_FUNCTION_LIST_PTR p11, CK_SLOT_ID slot, const char *user_pin,
			    const demo_keys *keys)
{
	CK_SESSION_HANDLE s;
	CK_RV rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
	if (rv != CKR_OK)
		return rv;
	rv = p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, (CK_ULONG)strlen(user_pin));
	if (rv == CKR_OK)
		rv = create_key(p11, s, CK_PORTFOLIO_SRV_AUTHENT, 0, keys->auth, sizeof(keys->auth), 1);
	if (rv == CKR_OK)
		rv = create_key(p11, s, CK_PORTFOLIO_SRV_ENCRYPT, 1, keys->enc, sizeof(keys->enc), 1);
	(void)p11->C_Logout(s);
	(void)p11->C_CloseSession(s);
	return rv;
}
