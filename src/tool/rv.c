/* rv.c - explanations of PKCS#11 return values; the names come from the
 * project's one table (src/util/ckr_name.c). */
#include "tool/rv.h"
#include "tool/options.h"
#include "util/ckr_name.h"

#include <stdio.h>

struct rv_info {
	CK_RV rv;
	const char *explain;
};

#define RV(name, text) { name, text }

/* The explanations speak about this module: a slot is a Portfolio instance. */
static const struct rv_info rv_table[] = {
	RV(CKR_OK, "success"),
	RV(CKR_CANCEL, "the operation was cancelled"),
	RV(CKR_HOST_MEMORY, "the module ran out of memory"),
	RV(CKR_SLOT_ID_INVALID, "no such slot (Portfolio instance); see list-slots"),
	RV(CKR_GENERAL_ERROR, "the module failed internally (is the store readable? set PORTFOLIO_LOG=debug)"),
	RV(CKR_FUNCTION_FAILED, "the module could not complete the request"),
	RV(CKR_ARGUMENTS_BAD, "the module rejected the arguments"),
	RV(CKR_ATTRIBUTE_READ_ONLY, "that attribute cannot be set or changed"),
	RV(CKR_ATTRIBUTE_SENSITIVE, "that attribute is secret and never leaves the token"),
	RV(CKR_ATTRIBUTE_TYPE_INVALID, "the module does not know an attribute of the request"),
	RV(CKR_ATTRIBUTE_VALUE_INVALID, "an attribute value was refused (wrong length, duplicate service/index, or key material already held by another instance)"),
	RV(CKR_DATA_INVALID, "the input data was refused"),
	RV(CKR_DATA_LEN_RANGE, "the input data has the wrong length"),
	RV(CKR_DEVICE_ERROR, "the secure component reported an error"),
	RV(CKR_DEVICE_MEMORY, "the secure component or store is full"),
	RV(CKR_DEVICE_REMOVED, "the secure component went away"),
	RV(CKR_ENCRYPTED_DATA_INVALID, "the ciphertext, its tag or its challenge does not match"),
	RV(CKR_ENCRYPTED_DATA_LEN_RANGE, "the ciphertext has an impossible length"),
	RV(CKR_FUNCTION_NOT_SUPPORTED, "the module does not implement that function"),
	RV(CKR_KEY_HANDLE_INVALID, "the key is gone"),
	RV(CKR_KEY_SIZE_RANGE, "the key has a length the mechanism does not accept"),
	RV(CKR_KEY_TYPE_INCONSISTENT, "the key type does not fit the mechanism (CMAC wants AES, HMAC a generic secret)"),
	RV(CKR_KEY_FUNCTION_NOT_PERMITTED, "the key may not be used this way (wrong service, or a verify/decrypt-only server copy)"),
	RV(CKR_KEY_NOT_WRAPPABLE, "the key may not leave under that key (a CKA_WRAP_WITH_TRUSTED key only under a trusted KEK: import-kek --so)"),
	RV(CKR_MECHANISM_INVALID, "the token does not offer that mechanism"),
	RV(CKR_MECHANISM_PARAM_INVALID, "the mechanism parameter was refused (unknown or unprovisioned Identity instance, bad challenge length)"),
	RV(CKR_OBJECT_HANDLE_INVALID, "the object is gone"),
	RV(CKR_OPERATION_ACTIVE, "another operation is running in the session"),
	RV(CKR_OPERATION_NOT_INITIALIZED, "no operation was started"),
	RV(CKR_PIN_INCORRECT, "the PIN is wrong"),
	RV(CKR_PIN_INVALID, "the PIN has characters the token does not accept"),
	RV(CKR_PIN_LEN_RANGE, "the PIN is too short or too long"),
	RV(CKR_PIN_EXPIRED, "the PIN has expired and must be changed"),
	RV(CKR_PIN_LOCKED, "the PIN is locked after too many wrong tries"),
	RV(CKR_SESSION_CLOSED, "the session was closed"),
	RV(CKR_SESSION_COUNT, "too many sessions are open"),
	RV(CKR_SESSION_HANDLE_INVALID, "the session is gone"),
	RV(CKR_SESSION_PARALLEL_NOT_SUPPORTED, "parallel sessions are not supported"),
	RV(CKR_SESSION_READ_ONLY, "the session is read-only"),
	RV(CKR_SESSION_EXISTS, "sessions are open on the token"),
	RV(CKR_SESSION_READ_ONLY_EXISTS, "a read-only session exists, so the SO cannot log in"),
	RV(CKR_SESSION_READ_WRITE_SO_EXISTS, "the SO is logged in elsewhere"),
	RV(CKR_SIGNATURE_INVALID, "the signature does not match"),
	RV(CKR_SIGNATURE_LEN_RANGE, "the signature has the wrong length"),
	RV(CKR_TEMPLATE_INCOMPLETE, "the object template lacks a required attribute"),
	RV(CKR_TEMPLATE_INCONSISTENT, "the object template contradicts itself"),
	RV(CKR_TOKEN_NOT_PRESENT, "no token in that slot"),
	RV(CKR_TOKEN_NOT_RECOGNIZED, "the token is not recognised"),
	RV(CKR_TOKEN_WRITE_PROTECTED, "the token is write-protected"),
	RV(CKR_USER_ALREADY_LOGGED_IN, "already logged in"),
	RV(CKR_USER_NOT_LOGGED_IN, "this needs a login (give the PIN)"),
	RV(CKR_USER_PIN_NOT_INITIALIZED, "the user PIN was never set; run init-pin"),
	RV(CKR_USER_TYPE_INVALID, "unknown user type"),
	RV(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "another user type is logged in"),
	RV(CKR_USER_TOO_MANY_TYPES, "too many user types logged in"),
	RV(CKR_BUFFER_TOO_SMALL, "the output buffer is too small"),
	RV(CKR_CRYPTOKI_NOT_INITIALIZED, "the module is not initialised"),
	RV(CKR_CRYPTOKI_ALREADY_INITIALIZED, "the module was already initialised"),
	RV(CKR_MUTEX_BAD, "bad mutex"),
	RV(CKR_MUTEX_NOT_LOCKED, "mutex not locked"),
	RV(CKR_NEED_TO_CREATE_THREADS, "the module needs to create threads"),
	RV(CKR_CANT_LOCK, "the module cannot provide the locking asked for"),
	RV(CKR_RANDOM_NO_RNG, "no random number generator"),
	RV(CKR_DOMAIN_PARAMS_INVALID, "invalid domain parameters"),
};

static const struct rv_info *rv_find(CK_RV rv)
{
	for (size_t i = 0; i < sizeof(rv_table) / sizeof(rv_table[0]); i++)
		if (rv_table[i].rv == rv)
			return &rv_table[i];
	return NULL;
}

const char *rv_explain(CK_RV rv)
{
	const struct rv_info *info = rv_find(rv);

	if (info != NULL)
		return info->explain;
	if (rv & CKR_VENDOR_DEFINED)
		return "a vendor-defined error of the module";
	return "an error this tool does not know";
}

int rv_fail(const char *what, CK_RV rv)
{
	fprintf(stderr, "portfolio-tool: %s failed: %s (0x%08lX): %s\n", what,
		pf_ckr_name_str(rv), (unsigned long)rv, rv_explain(rv));
	return TOOL_EXIT_FAILURE;
}
