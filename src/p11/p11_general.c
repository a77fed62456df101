/*
 * p11_general.c - C_Initialize, C_Finalize, C_GetInfo and the ways to get
 * the function tables (C_GetFunctionList, C_GetInterfaceList, C_GetInterface).
 */
#include "config.h"
#include "p11/p11.h"
#include "p11/p11_lists.h"
#include "crypto/crypto.h"

#include <string.h>

CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
	return core_initialize((const CK_C_INITIALIZE_ARGS *)pInitArgs);
}

CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
	P11_READY_NOT_COUNTED();
	P11_REQUIRE(pReserved == NULL);
	CK_RV rv = core_finalize();
	/* The algorithms fetched from OpenSSL go with the module's state, so
	 * that an unload (dlclose) leaves nothing allocated behind. */
	if (rv == CKR_OK)
		pf_crypto_cleanup();
	return rv;
}

CK_RV C_GetInfo(CK_INFO_PTR pInfo)
{
	P11_READY();
	P11_REQUIRE(pInfo != NULL);
	memset(pInfo, 0, sizeof *pInfo);
	pInfo->cryptokiVersion.major = 3;
	pInfo->cryptokiVersion.minor = 0;
	core_pad(pInfo->manufacturerID, sizeof pInfo->manufacturerID, "portfolio-pkcs11");
	core_pad(pInfo->libraryDescription, sizeof pInfo->libraryDescription, "Portfolio LwM2M Object 16");
	pInfo->libraryVersion.major = PF_VERSION_MAJOR; /* configure.ac's AC_INIT */
	pInfo->libraryVersion.minor = PF_VERSION_MINOR;
	return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	P11_REQUIRE(ppFunctionList != NULL);
	*ppFunctionList = (CK_FUNCTION_LIST_PTR)&p11_function_list_2_40;
	return CKR_OK;
}

static CK_UTF8CHAR interface_name[] = "PKCS 11";

/* The module asks a forked child to call C_Initialize again, so it does not
 * claim CKF_INTERFACE_FORK_SAFE. */
static CK_INTERFACE interfaces[] = {
	{interface_name, (CK_VOID_PTR)&p11_function_list_3_0, 0},
	{interface_name, (CK_VOID_PTR)&p11_function_list_2_40, 0},
};
#define N_INTERFACES (sizeof interfaces / sizeof interfaces[0])

CK_RV C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList, CK_ULONG_PTR pulCount)
{
	P11_REQUIRE(pulCount != NULL);
	if (pInterfacesList == NULL) {
		*pulCount = N_INTERFACES;
		return CKR_OK;
	}
	if (*pulCount < N_INTERFACES) {
		*pulCount = N_INTERFACES;
		return CKR_BUFFER_TOO_SMALL;
	}
	memcpy(pInterfacesList, interfaces, sizeof interfaces);
	*pulCount = N_INTERFACES;
	return CKR_OK;
}

static const CK_VERSION *interface_version(const CK_INTERFACE *i)
{
	/* Every function list starts with its CK_VERSION. */
	return (const CK_VERSION *)i->pFunctionList;
}

CK_RV C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                     CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags)
{
	P11_REQUIRE(ppInterface != NULL);
	for (size_t i = 0; i < N_INTERFACES; i++) {
		const CK_INTERFACE *it = &interfaces[i];
		if (pInterfaceName != NULL && strcmp((const char *)pInterfaceName, (const char *)it->pInterfaceName) != 0)
			continue;
		if (pVersion != NULL && (interface_version(it)->major != pVersion->major ||
		                         interface_version(it)->minor != pVersion->minor))
			continue;
		if ((it->flags & flags) != flags)
			continue;
		*ppInterface = &interfaces[i];
		return CKR_OK;
	}
	return CKR_ARGUMENTS_BAD;
}
