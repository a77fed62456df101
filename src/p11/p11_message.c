/*
 * p11_message.c - the message-based functions of PKCS#11 3.0 (section 5:
 * message-based encryption, decryption, signing and verification). The rules
 * are the mech layer's (src/mech/mech_msg.h): C_Message*Init binds mechanism
 * and key, each C_*Message takes its own parameter, C_Message*Final ends it.
 *
 * Multi-part messages (C_*MessageBegin / C_*MessageNext) are not offered: no
 * mechanism reports CKF_MULTI_MESSAGE, and they answer
 * CKR_FUNCTION_NOT_SUPPORTED (docs/architecture.md, "Departures: message-based
 * operations").
 */
#include "config.h"
#include "p11/p11.h"

/* The data calls leave their pointer checks to the mech layer, which checks
 * them before the state, as for C_Encrypt. */
static CK_RV crypt_message(CK_SESSION_HANDLE h, mech_op_kind kind, CK_VOID_PTR param, CK_ULONG param_len,
                           CK_BYTE_PTR aad, CK_ULONG aad_len, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
                           CK_ULONG_PTR out_len)
{
	mech_msg_args a = {
		.param = param, .param_len = param_len, .aad = aad, .aad_len = aad_len,
		.in = in, .in_len = in_len, .out = out, .out_len = out_len,
	};
	return core_msg_run(h, kind, &a);
}

/* C_Message<Kind>Init and C_Message<Kind>Final of one kind. */
#define INIT_AND_FINAL(Init, Final, kind)                                                           \
	CK_RV Init(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey) \
	{                                                                                          \
		P11_READY();                                                                       \
		P11_REQUIRE(pMechanism != NULL);                                                   \
		return core_msg_init(hSession, kind, pMechanism, hKey);                            \
	}                                                                                          \
	CK_RV Final(CK_SESSION_HANDLE hSession)                                                    \
	{                                                                                          \
		P11_READY();                                                                       \
		return core_msg_final(hSession, kind);                                             \
	}

INIT_AND_FINAL(C_MessageEncryptInit, C_MessageEncryptFinal, MECH_OP_ENCRYPT)
INIT_AND_FINAL(C_MessageDecryptInit, C_MessageDecryptFinal, MECH_OP_DECRYPT)
INIT_AND_FINAL(C_MessageSignInit, C_MessageSignFinal, MECH_OP_SIGN)
INIT_AND_FINAL(C_MessageVerifyInit, C_MessageVerifyFinal, MECH_OP_VERIFY)

#define NOT_SUPPORTED() \
	do {                \
		P11_READY();    \
		return CKR_FUNCTION_NOT_SUPPORTED; \
	} while (0)

/* C_EncryptMessage and C_DecryptMessage: input to output, with associated
 * data (the header names the buffers plaintext/ciphertext by direction). */
#define CRYPT_MESSAGE(name, kind)                                                                       \
	CK_RV name(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
	           CK_BYTE_PTR pAssociatedData, CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pIn, CK_ULONG ulInLen, \
	           CK_BYTE_PTR pOut, CK_ULONG_PTR pulOutLen)                                              \
	{                                                                                                \
		P11_READY();                                                                             \
		return crypt_message(hSession, kind, pParameter, ulParameterLen, pAssociatedData,        \
		                     ulAssociatedDataLen, pIn, ulInLen, pOut, pulOutLen);                \
	}
/* The Begin / Next of encryption and decryption (one signature each): not offered. */
#define CRYPT_BEGIN_NEXT(begin, next)                                                                   \
	CK_RV begin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,         \
	            CK_BYTE_PTR pAssociatedData, CK_ULONG ulAssociatedDataLen) { NOT_SUPPORTED(); }      \
	CK_RV next(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,          \
	           CK_BYTE_PTR pInPart, CK_ULONG ulInPartLen, CK_BYTE_PTR pOutPart, CK_ULONG_PTR pulOutPartLen, \
	           CK_FLAGS flags) { NOT_SUPPORTED(); }

CRYPT_MESSAGE(C_EncryptMessage, MECH_OP_ENCRYPT)
CRYPT_MESSAGE(C_DecryptMessage, MECH_OP_DECRYPT)
CRYPT_BEGIN_NEXT(C_EncryptMessageBegin, C_EncryptMessageNext)
CRYPT_BEGIN_NEXT(C_DecryptMessageBegin, C_DecryptMessageNext)

/* ---- sign ---- */
CK_RV C_SignMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen, CK_BYTE_PTR pData,
                    CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
{
	P11_READY();
	return crypt_message(hSession, MECH_OP_SIGN, pParameter, ulParameterLen, NULL, 0, pData, ulDataLen,
	                     pSignature, pulSignatureLen);
}

CK_RV C_SignMessageBegin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen)
{ NOT_SUPPORTED(); }
CK_RV C_SignMessageNext(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                        CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
                        CK_ULONG_PTR pulSignatureLen) { NOT_SUPPORTED(); }

/* ---- verify ---- */
CK_RV C_VerifyMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                      CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{
	P11_READY();
	mech_msg_args a = {
		.param = pParameter, .param_len = ulParameterLen, .in = pData, .in_len = ulDataLen,
		.sig = pSignature, .sig_len = ulSignatureLen,
	};
	return core_msg_run(hSession, MECH_OP_VERIFY, &a);
}

CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen)
{ NOT_SUPPORTED(); }
CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                          CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{ NOT_SUPPORTED(); }
