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

#define NOT_SUPPORTED() \
	do {                \
		P11_READY();    \
		return CKR_FUNCTION_NOT_SUPPORTED; \
	} while (0)

/* ---- encrypt ---- */
CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_msg_init(hSession, MECH_OP_ENCRYPT, pMechanism, hKey);
}

CK_RV C_EncryptMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                       CK_BYTE_PTR pAssociatedData, CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pPlaintext,
                       CK_ULONG ulPlaintextLen, CK_BYTE_PTR pCiphertext, CK_ULONG_PTR pulCiphertextLen)
{
	P11_READY();
	return crypt_message(hSession, MECH_OP_ENCRYPT, pParameter, ulParameterLen, pAssociatedData,
	                     ulAssociatedDataLen, pPlaintext, ulPlaintextLen, pCiphertext, pulCiphertextLen);
}

CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                            CK_BYTE_PTR pAssociatedData, CK_ULONG ulAssociatedDataLen) { NOT_SUPPORTED(); }
CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                           CK_BYTE_PTR pPlaintextPart, CK_ULONG ulPlaintextPartLen, CK_BYTE_PTR pCiphertextPart,
                           CK_ULONG_PTR pulCiphertextPartLen, CK_FLAGS flags) { NOT_SUPPORTED(); }

CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_msg_final(hSession, MECH_OP_ENCRYPT);
}

/* ---- decrypt ---- */
CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_msg_init(hSession, MECH_OP_DECRYPT, pMechanism, hKey);
}

CK_RV C_DecryptMessage(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                       CK_BYTE_PTR pAssociatedData, CK_ULONG ulAssociatedDataLen, CK_BYTE_PTR pCiphertext,
                       CK_ULONG ulCiphertextLen, CK_BYTE_PTR pPlaintext, CK_ULONG_PTR pulPlaintextLen)
{
	P11_READY();
	return crypt_message(hSession, MECH_OP_DECRYPT, pParameter, ulParameterLen, pAssociatedData,
	                     ulAssociatedDataLen, pCiphertext, ulCiphertextLen, pPlaintext, pulPlaintextLen);
}

CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                            CK_BYTE_PTR pAssociatedData, CK_ULONG ulAssociatedDataLen) { NOT_SUPPORTED(); }
CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE hSession, CK_VOID_PTR pParameter, CK_ULONG ulParameterLen,
                           CK_BYTE_PTR pCiphertextPart, CK_ULONG ulCiphertextPartLen, CK_BYTE_PTR pPlaintextPart,
                           CK_ULONG_PTR pulPlaintextPartLen, CK_FLAGS flags) { NOT_SUPPORTED(); }

CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_msg_final(hSession, MECH_OP_DECRYPT);
}

/* ---- sign ---- */
CK_RV C_MessageSignInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_msg_init(hSession, MECH_OP_SIGN, pMechanism, hKey);
}

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

CK_RV C_MessageSignFinal(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_msg_final(hSession, MECH_OP_SIGN);
}

/* ---- verify ---- */
CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_msg_init(hSession, MECH_OP_VERIFY, pMechanism, hKey);
}

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

CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE hSession)
{
	P11_READY();
	return core_msg_final(hSession, MECH_OP_VERIFY);
}
