/*
 * p11_token.c - slots, tokens, sessions and login.
 */
#include "config.h"
#include "p11/p11.h"

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount)
{
	P11_READY();
	P11_REQUIRE(pulCount != NULL);
	return core_get_slot_list(tokenPresent, pSlotList, pulCount);
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
	P11_READY();
	P11_REQUIRE(pInfo != NULL);
	return core_get_slot_info(slotID, pInfo);
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
	P11_READY();
	P11_REQUIRE(pInfo != NULL);
	return core_get_token_info(slotID, pInfo);
}

CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved)
{
	P11_READY();
	P11_REQUIRE(pSlot != NULL && pReserved == NULL);
	/* Tokens never come and go behind the application's back. */
	return (flags & CKF_DONT_BLOCK) ? CKR_NO_EVENT : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList, CK_ULONG_PTR pulCount)
{
	P11_READY();
	P11_REQUIRE(pulCount != NULL);
	return core_get_mechanism_list(slotID, pMechanismList, pulCount);
}

CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo)
{
	P11_READY();
	P11_REQUIRE(pInfo != NULL);
	return core_get_mechanism_info(slotID, type, pInfo);
}

CK_RV C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel)
{
	P11_READY();
	/* No protected authentication path: the PIN must be given. */
	P11_REQUIRE(pPin != NULL && pLabel != NULL);
	return core_init_token(slotID, pPin, ulPinLen, pLabel);
}

CK_RV C_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
	P11_READY();
	P11_REQUIRE(pPin != NULL);
	return core_init_pin(hSession, pPin, ulPinLen);
}

CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen,
               CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen)
{
	P11_READY();
	P11_REQUIRE(pOldPin != NULL && pNewPin != NULL);
	return core_set_pin(hSession, pOldPin, ulOldLen, pNewPin, ulNewLen);
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                    CK_SESSION_HANDLE_PTR phSession)
{
	(void)pApplication;
	(void)Notify; /* the module never calls back */
	P11_READY();
	P11_REQUIRE(phSession != NULL);
	return core_open_session(slotID, flags, phSession);
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_close_session(hSession);
}

CK_RV C_CloseAllSessions(CK_SLOT_ID slotID)
{
	P11_READY();
	return core_close_all_sessions(slotID);
}

CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo)
{
	P11_READY();
	P11_REQUIRE(pInfo != NULL);
	return core_get_session_info(hSession, pInfo);
}

CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
	P11_READY();
	P11_REQUIRE(pPin != NULL);
	return core_login(hSession, userType, pPin, ulPinLen);
}

CK_RV C_LoginUser(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
                  CK_UTF8CHAR_PTR pUsername, CK_ULONG ulUsernameLen)
{
	P11_READY();
	/* Tokens have no named users: only the anonymous form is accepted. */
	P11_REQUIRE(pUsername == NULL && ulUsernameLen == 0);
	P11_REQUIRE(pPin != NULL);
	return core_login(hSession, userType, pPin, ulPinLen);
}

CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_logout(hSession);
}
