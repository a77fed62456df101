/*
 * p11_derive.c - C_DeriveKey: argument checks, then the core (src/core/derive.c).
 */
#include "config.h"
#include "p11/p11.h"

CK_RV C_DeriveKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hBaseKey,
                  CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL && phKey != NULL);
	P11_BUF(pTemplate, ulAttributeCount);
	return core_derive_key(hSession, pMechanism, hBaseKey, pTemplate, ulAttributeCount, phKey);
}
