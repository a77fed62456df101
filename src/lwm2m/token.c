/*
 * token.c - every PKCS#11 call the adapter makes, on one instance's session.
 * The adapter uses only the public Cryptoki API plus the Portfolio vendor
 * constants, so any module implementing them can back Object 16.
 */
#include "config.h"
#include "lwm2m/internal.h"

#include <pkcs11/portfolio.h>
#include <stdlib.h>
#include <string.h>

#include "util/secure.h"

#define PIN_MAX 256

static CK_RV login(pf_obj16 *obj, pf_inst *inst)
{
	char buf[PIN_MAX];
	size_t len = 0;
	CK_RV rv;

	if (obj->pin != NULL) {
		rv = obj->p11->C_Login(inst->session, CKU_USER, (CK_UTF8CHAR_PTR)obj->pin, obj->pin_len);
	} else if (obj->cfg.get_pin != NULL) {
		if (obj->cfg.get_pin(obj->cfg.ctx, inst->iid, buf, sizeof(buf), &len) != 0 || len > sizeof(buf)) {
			pf_wipe(buf, sizeof(buf));
			pf_inst_fail(obj, inst, "instance %u: the PIN callback gave no PIN", inst->iid);
			return CKR_PIN_INCORRECT;
		}
		rv = obj->p11->C_Login(inst->session, CKU_USER, (CK_UTF8CHAR_PTR)buf, len);
		pf_wipe(buf, sizeof(buf));
	} else {
		return CKR_OK; /* the integrator chose not to log in */
	}
	if (rv == CKR_USER_ALREADY_LOGGED_IN)
		rv = CKR_OK;
	if (rv != CKR_OK)
		pf_inst_fail(obj, inst, "instance %u: C_Login failed: %s", inst->iid, pf_ckr_name_str(rv));
	return rv;
}

CK_RV pf_tok_open(pf_obj16 *obj, pf_inst *inst)
{
	if (inst->session_open)
		return CKR_OK;
	CK_RV rv = obj->p11->C_OpenSession(inst->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
					   &inst->session);
	if (rv != CKR_OK) {
		pf_inst_fail(obj, inst, "instance %u: C_OpenSession failed: %s", inst->iid, pf_ckr_name_str(rv));
		return rv;
	}
	inst->session_open = 1;
	rv = login(obj, inst);
	if (rv != CKR_OK)
		pf_tok_close(obj, inst);
	return rv;
}

void pf_tok_close(pf_obj16 *obj, pf_inst *inst)
{
	if (inst->session_open)
		(void)obj->p11->C_CloseSession(inst->session);
	inst->session_open = 0;
	inst->session = CK_INVALID_HANDLE;
}

int pf_tok_retryable(CK_RV rv)
{
	return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
	       rv == CKR_USER_NOT_LOGGED_IN || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED;
}

/* Finds up to cap objects matching tmpl. */
static CK_RV find(pf_obj16 *obj, pf_inst *inst, CK_ATTRIBUTE *tmpl, CK_ULONG n,
		  CK_OBJECT_HANDLE *found, CK_ULONG cap, CK_ULONG *count)
{
	CK_FUNCTION_LIST_PTR f = obj->p11;
	*count = 0;
	CK_RV rv = f->C_FindObjectsInit(inst->session, tmpl, n);
	if (rv != CKR_OK)
		return rv;
	rv = f->C_FindObjects(inst->session, found, cap, count);
	CK_RV fin = f->C_FindObjectsFinal(inst->session);
	return rv != CKR_OK ? rv : fin;
}

CK_RV pf_tok_find_identity(pf_obj16 *obj, pf_inst *inst, uint16_t riid, CK_OBJECT_HANDLE *h, int *found)
{
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = riid;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id)},
	};
	CK_OBJECT_HANDLE hs[2];
	CK_ULONG n = 0;
	*found = 0;
	CK_RV rv = find(obj, inst, tmpl, 2, hs, 2, &n);
	if (rv != CKR_OK)
		return rv;
	if (n > 0) {
		*h = hs[0];
		*found = 1;
	}
	return CKR_OK;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

CK_RV pf_tok_identity_ids(pf_obj16 *obj, pf_inst *inst, uint16_t **ids, size_t *count)
{
	CK_FUNCTION_LIST_PTR f = obj->p11;
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}};
	size_t cap = 16, n = 0;
	uint16_t *out = malloc(cap * sizeof(*out));
	*ids = NULL;
	*count = 0;
	if (out == NULL)
		return CKR_HOST_MEMORY;

	CK_RV rv = f->C_FindObjectsInit(inst->session, tmpl, 1);
	if (rv != CKR_OK) {
		free(out);
		return rv;
	}
	for (;;) {
		CK_OBJECT_HANDLE batch[16];
		CK_ULONG got = 0;
		rv = f->C_FindObjects(inst->session, batch, 16, &got);
		if (rv != CKR_OK || got == 0)
			break;
		for (CK_ULONG i = 0; i < got; i++) {
			CK_ULONG id = 0;
			CK_ATTRIBUTE a = {CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id)};
			if (f->C_GetAttributeValue(inst->session, batch[i], &a, 1) != CKR_OK || id > 65534)
				continue; /* not representable as an LwM2M resource instance */
			if (n == cap) {
				uint16_t *bigger = realloc(out, 2 * cap * sizeof(*out));
				if (bigger == NULL) {
					rv = CKR_HOST_MEMORY;
					break;
				}
				out = bigger;
				cap *= 2;
			}
			out[n++] = (uint16_t)id;
		}
		if (rv != CKR_OK)
			break;
	}
	CK_RV fin = f->C_FindObjectsFinal(inst->session);
	if (rv == CKR_OK)
		rv = fin;
	if (rv != CKR_OK) {
		free(out);
		return rv;
	}
	qsort(out, n, sizeof(*out), cmp_u16);
	*ids = out;
	*count = n;
	return CKR_OK;
}

CK_RV pf_tok_read_value(pf_obj16 *obj, pf_inst *inst, CK_OBJECT_HANDLE h, char **value, size_t *len)
{
	CK_ATTRIBUTE a = {CKA_VALUE, NULL, 0};
	*value = NULL;
	*len = 0;
	CK_RV rv = obj->p11->C_GetAttributeValue(inst->session, h, &a, 1);
	if (rv != CKR_OK)
		return rv;
	if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return CKR_ATTRIBUTE_SENSITIVE;
	char *buf = malloc(a.ulValueLen + 1);
	if (buf == NULL)
		return CKR_HOST_MEMORY;
	a.pValue = buf;
	rv = obj->p11->C_GetAttributeValue(inst->session, h, &a, 1);
	if (rv != CKR_OK) {
		free(buf);
		return rv;
	}
	buf[a.ulValueLen] = '\0';
	*value = buf;
	*len = a.ulValueLen;
	return CKR_OK;
}

CK_RV pf_tok_hash_provisioned(pf_obj16 *obj, pf_inst *inst, CK_OBJECT_HANDLE h, int *provisioned)
{
	CK_BBOOL b = CK_FALSE;
	CK_ATTRIBUTE a = {CKA_PORTFOLIO_HASH_PROVISIONED, &b, sizeof(b)};
	CK_RV rv = obj->p11->C_GetAttributeValue(inst->session, h, &a, 1);
	*provisioned = (rv == CKR_OK && b == CK_TRUE);
	return rv;
}

CK_RV pf_tok_write_identity(pf_obj16 *obj, pf_inst *inst, uint16_t riid, const char *value, size_t len)
{
	CK_OBJECT_HANDLE h;
	int found = 0;
	CK_RV rv = pf_tok_find_identity(obj, inst, riid, &h, &found);
	if (rv != CKR_OK)
		return rv;
	/* A zero-length CKA_VALUE still needs a valid pointer for some modules. */
	CK_VOID_PTR v = (CK_VOID_PTR)(len ? value : "");
	if (found) {
		CK_ATTRIBUTE a = {CKA_VALUE, v, len};
		return obj->p11->C_SetAttributeValue(inst->session, h, &a, 1);
	}
	CK_OBJECT_CLASS cls = CKO_PORTFOLIO_IDENTITY;
	CK_ULONG id = riid;
	CK_BBOOL yes = CK_TRUE;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PORTFOLIO_IDENTITY_ID, &id, sizeof(id)},
		{CKA_VALUE, v, len},
	};
	return obj->p11->C_CreateObject(inst->session, tmpl, 4, &h);
}

CK_RV pf_tok_delete(pf_obj16 *obj, pf_inst *inst, CK_OBJECT_HANDLE h)
{
	return obj->p11->C_DestroyObject(inst->session, h);
}

CK_RV pf_tok_find_key(pf_obj16 *obj, pf_inst *inst, unsigned service, uint32_t index,
		      CK_OBJECT_HANDLE *h, size_t *count)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_ULONG srv = service, idx = index;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_PORTFOLIO_SERVICE, &srv, sizeof(srv)},
		{CKA_PORTFOLIO_KEY_INDEX, &idx, sizeof(idx)},
	};
	CK_OBJECT_HANDLE hs[2];
	CK_ULONG n = 0;
	CK_RV rv = find(obj, inst, tmpl, 3, hs, 2, &n);
	*count = n;
	if (rv == CKR_OK && n > 0)
		*h = hs[0];
	return rv;
}

CK_RV pf_tok_compute(pf_obj16 *obj, pf_inst *inst, const pf_getauth_request *req,
		     CK_OBJECT_HANDLE key, uint8_t **out, size_t *out_len)
{
	CK_FUNCTION_LIST_PTR f = obj->p11;
	uint8_t challenge[PF_CHALLENGE_MAX];
	memcpy(challenge, req->challenge, req->challenge_len);
	CK_PORTFOLIO_PARAMS params = {
		.ulSource = CKP_PORTFOLIO_SOURCE_TOKEN,
		.ulIdentityId = req->identity_id,
		.pChallenge = challenge,
		.ulChallengeLen = req->challenge_len,
	};
	CK_MECHANISM mech = {obj->cfg.mechanism[req->service], &params, sizeof(params)};
	/* SOURCE_TOKEN: the data is empty; a non-NULL pointer keeps strict
	 * argument checks happy. */
	CK_BYTE none[1] = {0};
	int sign = req->service == 0;
	*out = NULL;
	*out_len = 0;

	CK_RV rv = sign ? f->C_SignInit(inst->session, &mech, key) : f->C_EncryptInit(inst->session, &mech, key);
	if (rv != CKR_OK)
		return rv;
	CK_ULONG need = 0;
	rv = sign ? f->C_Sign(inst->session, none, 0, NULL, &need)
		  : f->C_Encrypt(inst->session, none, 0, NULL, &need);
	if (rv != CKR_OK)
		return rv; /* the failed call ended the operation */
	uint8_t *buf = malloc(need ? need : 1);
	if (buf == NULL) {
		/* End the active operation: a call with a too-small buffer would
		 * keep it alive, so finish it into a scratch buffer instead. */
		CK_BYTE scratch[256];
		CK_ULONG sl = sizeof(scratch);
		(void)(sign ? f->C_Sign(inst->session, none, 0, scratch, &sl)
			    : f->C_Encrypt(inst->session, none, 0, scratch, &sl));
		return CKR_HOST_MEMORY;
	}
	CK_ULONG got = need;
	rv = sign ? f->C_Sign(inst->session, none, 0, buf, &got)
		  : f->C_Encrypt(inst->session, none, 0, buf, &got);
	if (rv != CKR_OK) {
		free(buf);
		return rv;
	}
	*out = buf;
	*out_len = got;
	return CKR_OK;
}
