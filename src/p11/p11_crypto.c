/*
 * p11_crypto.c - encryption, decryption, signing, verifying, digesting,
 * C_SessionCancel and random numbers. The operation rules live in src/mech
 * (mech.h).
 *
 * The data calls (C_Encrypt ... C_DigestFinal) leave their pointer checks to
 * src/mech: a bad pointer must end the running operation (PKCS#11 3.0 section
 * 5), and only the mech layer holds it. They are still CKR_ARGUMENTS_BAD with
 * no operation running.
 */
#include "config.h"
#include "p11/p11.h"

/* ---- encrypt ---- */
CK_RV C_EncryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_op_init(hSession, MECH_OP_ENCRYPT, pMechanism, hKey);
}

CK_RV C_Encrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pEncryptedData,
                CK_ULONG_PTR pulEncryptedDataLen)
{
	P11_READY();
	return core_op_single(hSession, MECH_OP_ENCRYPT, pData, ulDataLen, pEncryptedData, pulEncryptedDataLen);
}

CK_RV C_EncryptUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                      CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen)
{
	P11_READY();
	return core_op_update(hSession, MECH_OP_ENCRYPT, pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen);
}

CK_RV C_EncryptFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastEncryptedPart, CK_ULONG_PTR pulLastEncryptedPartLen)
{
	P11_READY();
	return core_op_final(hSession, MECH_OP_ENCRYPT, pLastEncryptedPart, pulLastEncryptedPartLen);
}

/* ---- decrypt ---- */
CK_RV C_DecryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_op_init(hSession, MECH_OP_DECRYPT, pMechanism, hKey);
}

CK_RV C_Decrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedData, CK_ULONG ulEncryptedDataLen,
                CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen)
{
	P11_READY();
	return core_op_single(hSession, MECH_OP_DECRYPT, pEncryptedData, ulEncryptedDataLen, pData, pulDataLen);
}

CK_RV C_DecryptUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen,
                      CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen)
{
	P11_READY();
	return core_op_update(hSession, MECH_OP_DECRYPT, pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen);
}

CK_RV C_DecryptFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastPart, CK_ULONG_PTR pulLastPartLen)
{
	P11_READY();
	return core_op_final(hSession, MECH_OP_DECRYPT, pLastPart, pulLastPartLen);
}

/* ---- digest ---- */
CK_RV C_DigestInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_op_init(hSession, MECH_OP_DIGEST, pMechanism, CK_INVALID_HANDLE);
}

CK_RV C_Digest(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pDigest,
               CK_ULONG_PTR pulDigestLen)
{
	P11_READY();
	return core_op_single(hSession, MECH_OP_DIGEST, pData, ulDataLen, pDigest, pulDigestLen);
}

CK_RV C_DigestUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
	P11_READY();
	return core_op_update(hSession, MECH_OP_DIGEST, pPart, ulPartLen, NULL, NULL);
}

CK_RV C_DigestFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen)
{
	P11_READY();
	return core_op_final(hSession, MECH_OP_DIGEST, pDigest, pulDigestLen);
}

/* ---- sign ---- */
CK_RV C_SignInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_op_init(hSession, MECH_OP_SIGN, pMechanism, hKey);
}

CK_RV C_Sign(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
             CK_ULONG_PTR pulSignatureLen)
{
	P11_READY();
	return core_op_single(hSession, MECH_OP_SIGN, pData, ulDataLen, pSignature, pulSignatureLen);
}

CK_RV C_SignUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
	P11_READY();
	return core_op_update(hSession, MECH_OP_SIGN, pPart, ulPartLen, NULL, NULL);
}

CK_RV C_SignFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
{
	P11_READY();
	return core_op_final(hSession, MECH_OP_SIGN, pSignature, pulSignatureLen);
}

/* ---- verify ---- */
CK_RV C_VerifyInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
	P11_READY();
	P11_REQUIRE(pMechanism != NULL);
	return core_op_init(hSession, MECH_OP_VERIFY, pMechanism, hKey);
}

CK_RV C_Verify(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
               CK_ULONG ulSignatureLen)
{
	P11_READY();
	return core_verify(hSession, pData, ulDataLen, pSignature, ulSignatureLen);
}

CK_RV C_VerifyUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
	P11_READY();
	return core_op_update(hSession, MECH_OP_VERIFY, pPart, ulPartLen, NULL, NULL);
}

CK_RV C_VerifyFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{
	P11_READY();
	return core_verify_final(hSession, pSignature, ulSignatureLen);
}

/* ---- cancel (3.0) ---- */
CK_RV C_SessionCancel(CK_SESSION_HANDLE hSession, CK_FLAGS flags)
{
	P11_READY();
	return core_session_cancel(hSession, flags);
}

/* ---- random ---- */
CK_RV C_SeedRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen)
{
	P11_READY();
	P11_BUF(pSeed, ulSeedLen);
	CK_RV rv = core_session_check(hSession);
	/* The generator is the secure component's; nobody gets to steer it. */
	return rv != CKR_OK ? rv : CKR_RANDOM_SEED_NOT_SUPPORTED;
}

CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData, CK_ULONG ulRandomLen)
{
	P11_READY();
	P11_BUF(RandomData, ulRandomLen);
	return core_generate_random(hSession, RandomData, ulRandomLen);
}
