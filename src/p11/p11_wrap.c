/*
 * p11_wrap.c - C_WrapKey and C_UnwrapKey: argument checks, then the core
 * (core/wrap.c), which has the secure component do the work.
 */
#include "config.h"
#include "core/wrap.h"
#include "p11/p11.h"

CK_RV C_WrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey,
                CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL && pulWrappedKeyLen != NULL);
	return core_wrap_key(hSession, pMechanism, hWrappingKey, hKey, pWrappedKey, pulWrappedKeyLen);
}

CK_RV C_UnwrapKey(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey,
                  CK_BYTE_PTR pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
                  CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL && phKey != NULL);
	P11_BUF(pWrappedKey, ulWrappedKeyLen);
	P11_BUF(pTemplate, ulAttributeCount);
	return core_unwrap_key(hSession, pMechanism, hUnwrappingKey, pWrappedKey, ulWrappedKeyLen, pTemplate,
	                       ulAttributeCount, phKey);
}
