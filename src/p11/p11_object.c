/*
 * p11_object.c - object management and search.
 */
#include "config.h"
#include "p11/p11.h"

CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                     CK_OBJECT_HANDLE_PTR phObject)
{
	P11_READY();
	P11_REQUIRE(phObject != NULL);
	P11_BUF(pTemplate, ulCount);
	return core_create_object(hSession, pTemplate, ulCount, phObject);
}

CK_RV C_CopyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                   CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phNewObject)
{
	P11_READY();
	P11_REQUIRE(phNewObject != NULL);
	P11_BUF(pTemplate, ulCount);
	return core_copy_object(hSession, hObject, pTemplate, ulCount, phNewObject);
}

CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject)
{
	P11_READY();
	return core_destroy_object(hSession, hObject);
}

CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize)
{
	P11_READY();
	P11_REQUIRE(pulSize != NULL);
	return core_get_object_size(hSession, hObject, pulSize);
}

CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                          CK_ULONG ulCount)
{
	P11_READY();
	P11_BUF(pTemplate, ulCount);
	return core_get_attributes(hSession, hObject, pTemplate, ulCount);
}

CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                          CK_ULONG ulCount)
{
	P11_READY();
	P11_BUF(pTemplate, ulCount);
	for (CK_ULONG i = 0; i < ulCount; i++)
		P11_BUF(pTemplate[i].pValue, pTemplate[i].ulValueLen);
	return core_set_attributes(hSession, hObject, pTemplate, ulCount);
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	P11_READY();
	P11_BUF(pTemplate, ulCount);
	return core_find_init(hSession, pTemplate, ulCount);
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount,
                    CK_ULONG_PTR pulObjectCount)
{
	P11_READY();
	P11_REQUIRE(phObject != NULL && pulObjectCount != NULL);
	return core_find(hSession, phObject, ulMaxObjectCount, pulObjectCount);
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_find_final(hSession);
}

CK_RV C_GenerateKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate,
                    CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL && phKey != NULL);
	P11_BUF(pTemplate, ulCount);
	return core_generate_key(hSession, pMechanism, pTemplate, ulCount, phKey);
}
