/*
 * sms.c - the adapter's SMS binding security (include/portfolio-lwm2m/sms.h):
 * the instance's token does the SCP80 work (CKM_PORTFOLIO_SCP80_WRAP /
 * _UNWRAP with the SMS keyset's KID key); this file finds the keyset, runs
 * the call on the instance's session and hands the segments to sms_segments.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lwm2m/internal.h"
#include "lwm2m/sms_local.h"

#include <pkcs11/portfolio.h>
#include "util/secure.h"

#define MAX_PACKET 34168 /* the SMS concatenation limit, from CPL (docs/sms.md) */

/* The KID key of the instance's one SMS keyset. */
static CK_RV find_kid(pf_obj16 *obj, pf_inst *in, CK_OBJECT_HANDLE *kid)
{
	CK_FUNCTION_LIST_PTR f = obj->p11;
	CK_ULONG service = CK_PORTFOLIO_SRV_SMS, n = 0, index, found = 0;
	CK_ATTRIBUTE q = {CKA_PORTFOLIO_SERVICE, &service, sizeof service};
	CK_OBJECT_HANDLE h[8];
	CK_RV rv = f->C_FindObjectsInit(in->session, &q, 1);
	if (rv != CKR_OK)
		return rv;
	rv = f->C_FindObjects(in->session, h, 8, &n);
	(void)f->C_FindObjectsFinal(in->session);
	for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++) {
		CK_ATTRIBUTE a = {CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index};
		rv = f->C_GetAttributeValue(in->session, h[i], &a, 1);
		if (rv == CKR_OK && CK_PORTFOLIO_SMS_INDEX_SLOT(index) == CK_PORTFOLIO_SMS_SLOT_KID) {
			*kid = h[i];
			found++;
		}
	}
	if (rv == CKR_OK && found != 1)
		rv = CKR_KEY_HANDLE_INVALID; /* none, or not one keyset per instance */
	return rv;
}

/* Runs fn on iid's logged-in session (reopened once if it went away). */
typedef CK_RV (*sms_fn)(pf_obj16 *obj, pf_inst *in, void *ctx);

static CK_RV on_session(pf_obj16 *obj, pf_inst *in, sms_fn fn, void *ctx)
{
	pthread_mutex_lock(&in->session_lock);
	CK_RV rv = pf_tok_open(obj, in);
	if (pf_tok_retryable(rv)) {
		pf_tok_close(obj, in);
		rv = pf_tok_open(obj, in);
	}
	if (rv == CKR_OK)
		rv = fn(obj, in, ctx);
	pthread_mutex_unlock(&in->session_lock);
	return rv;
}

/* ---- provisioning ------------------------------------------------------------- */

typedef struct prov_ctx {
	CK_ULONG params;
	const uint8_t *keys;
	size_t key_len;
} prov_ctx;

static CK_RV put_key(pf_obj16 *obj, pf_inst *in, const uint8_t *v, size_t len, CK_ULONG index,
                     CK_OBJECT_HANDLE *h)
{
	CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
	CK_KEY_TYPE kt = CKK_AES;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG service = CK_PORTFOLIO_SRV_SMS;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt}, {CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &yes, sizeof yes}, {CKA_SENSITIVE, &yes, sizeof yes},
		{CKA_EXTRACTABLE, &no, sizeof no}, {CKA_ENCRYPT, &yes, sizeof yes},
		{CKA_DECRYPT, &yes, sizeof yes}, {CKA_VALUE, (void *)v, (CK_ULONG)len},
		{CKA_PORTFOLIO_SERVICE, &service, sizeof service},
		{CKA_PORTFOLIO_KEY_INDEX, &index, sizeof index},
	};
	return obj->p11->C_CreateObject(in->session, t, sizeof t / sizeof t[0], h);
}

static CK_RV provision_locked(pf_obj16 *obj, pf_inst *in, void *ctx)
{
	const prov_ctx *p = ctx;
	size_t half = p->key_len / 2;
	CK_OBJECT_HANDLE kic, kid;
	CK_RV rv = put_key(obj, in, p->keys, half, CK_PORTFOLIO_SMS_SLOT_KIC << 56 | p->params, &kic);
	if (rv != CKR_OK)
		return rv;
	rv = put_key(obj, in, p->keys + half, half, CK_PORTFOLIO_SMS_SLOT_KID << 56 | p->params, &kid);
	if (rv != CKR_OK)
		(void)obj->p11->C_DestroyObject(in->session, kic); /* no half keyset */
	return rv;
}

pf_obj16_result pf_obj16_sms_provision(pf_obj16 *obj, uint16_t iid, const uint8_t *key_params,
                                       size_t params_len, const uint8_t *secret_keys, size_t keys_len)
{
	pf_inst *in = obj != NULL ? pf_find_inst(obj, iid) : NULL;
	prov_ctx p = {0, secret_keys, keys_len};

	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (key_params == NULL || params_len != PF_SMS_KEY_PARAMS_LEN || secret_keys == NULL ||
	    (keys_len != 32 && keys_len != 48 && keys_len != 64))
		return PF_OBJ16_BAD_REQUEST;
	for (size_t i = 0; i < params_len; i++)
		p.params = p.params << 8 | key_params[i];
	CK_RV rv = on_session(obj, in, provision_locked, &p);
	if (rv == CKR_OK)
		return PF_OBJ16_OK;
	if (rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_TEMPLATE_INCONSISTENT) {
		pf_inst_refuse(obj, in, "instance %u: SMS keyset refused: %s", iid, pf_ckr_name_str(rv));
		return PF_OBJ16_BAD_REQUEST;
	}
	pf_inst_fail(obj, in, "instance %u: SMS keyset not stored: %s", iid, pf_ckr_name_str(rv));
	return PF_OBJ16_INTERNAL_ERROR;
}

/* ---- protect / unprotect -------------------------------------------------------- */

typedef struct run_ctx {
	CK_MECHANISM_TYPE mech;
	CK_PORTFOLIO_SCP80_PARAMS prm;
	const uint8_t *in;
	size_t in_len;
	uint8_t *out;
	CK_ULONG out_len;
} run_ctx;

static CK_RV run_locked(pf_obj16 *obj, pf_inst *in, void *ctx)
{
	run_ctx *r = ctx;
	CK_FUNCTION_LIST_PTR f = obj->p11;
	CK_MECHANISM m = {r->mech, &r->prm, sizeof r->prm};
	CK_OBJECT_HANDLE kid = CK_INVALID_HANDLE;
	int wrap = r->mech == CKM_PORTFOLIO_SCP80_WRAP;
	CK_RV rv = find_kid(obj, in, &kid);
	if (rv == CKR_OK)
		rv = wrap ? f->C_EncryptInit(in->session, &m, kid) : f->C_DecryptInit(in->session, &m, kid);
	if (rv == CKR_OK)
		rv = wrap ? f->C_Encrypt(in->session, (CK_BYTE_PTR)r->in, r->in_len, r->out, &r->out_len)
		          : f->C_Decrypt(in->session, (CK_BYTE_PTR)r->in, r->in_len, r->out, &r->out_len);
	return rv;
}

pf_obj16_result pf_obj16_sms_protect(pf_obj16 *obj, uint16_t iid, const uint8_t *msg, size_t len,
                                     uint8_t ref, pf_sms_segment *segs, size_t cap, size_t *count)
{
	pf_inst *in = obj != NULL ? pf_find_inst(obj, iid) : NULL;
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if ((msg == NULL && len != 0) || count == NULL || (segs == NULL && cap != 0) || len > MAX_PACKET)
		return PF_OBJ16_BAD_REQUEST;
	run_ctx r = {.mech = CKM_PORTFOLIO_SCP80_WRAP, .in = msg, .in_len = len};
	r.out_len = (CK_ULONG)len + 64;
	if ((r.out = malloc(r.out_len)) == NULL)
		return PF_OBJ16_INTERNAL_ERROR;
	CK_RV rv = on_session(obj, in, run_locked, &r);
	pf_obj16_result res = PF_OBJ16_OK;
	if (rv != CKR_OK) {
		pf_inst_fail(obj, in, "instance %u: SMS protect failed: %s", iid, pf_ckr_name_str(rv));
		res = rv == CKR_DATA_LEN_RANGE ? PF_OBJ16_BAD_REQUEST : PF_OBJ16_INTERNAL_ERROR;
	} else {
		/* the packet is numbered already: a caller short of room loses that number, never reuses it */
		*count = pf_sms_segments_needed(r.out_len);
		if (*count > cap)
			res = PF_OBJ16_BUFFER_TOO_SMALL;
		else if (pf_sms_split(r.out, r.out_len, ref, segs, *count) != 0)
			res = PF_OBJ16_BAD_REQUEST; /* over 255 segments */
	}
	free(r.out);
	return res;
}

/* The LwM2M rule (the seed, "SMS payload security"): a client discarding a
 * message "SHALL NOT respond with an error message secured using the correct
 * parameters and keys". TS 102 225 would secure the PoR of a counter, CC or
 * padding failure; only the unsecured PoR (RHL 0A: status 06, 09, 0A) is
 * handed to the transport. */
static void withhold_secured_por(pf_sms_segment *por)
{
	size_t rhl = (size_t)por->ud[0] + 1 + 2; /* after the UDH and RPL */
	if (por->len > rhl && por->ud[rhl] != 0x0a)
		por->len = 0;
}

pf_obj16_result pf_obj16_sms_unprotect(pf_obj16 *obj, uint16_t iid, const pf_sms_segment *segs,
                                       size_t count, uint8_t *msg, size_t cap, size_t *len,
                                       pf_sms_received *rcv)
{
	pf_inst *in = obj != NULL ? pf_find_inst(obj, iid) : NULL;
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (segs == NULL || len == NULL || rcv == NULL || (msg == NULL && cap != 0))
		return PF_OBJ16_BAD_REQUEST;
	memset(rcv, 0, sizeof *rcv);
	*len = 0;
	size_t plen = 0;
	uint8_t *pkt = malloc(MAX_PACKET + 1);
	if (pkt == NULL)
		return PF_OBJ16_INTERNAL_ERROR;
	run_ctx r = {.mech = CKM_PORTFOLIO_SCP80_UNWRAP, .in = pkt};
	pf_obj16_result res = PF_OBJ16_BAD_REQUEST;
	int joined = pf_sms_join(segs, count, pkt, MAX_PACKET + 1, &plen) == 0;
	if (joined && plen > cap) {
		/* the message is at most the packet: ask for that much before the
		 * token accepts (and counts) it */
		*len = plen;
		free(pkt);
		return PF_OBJ16_BUFFER_TOO_SMALL;
	}
	if (joined && (r.out = malloc(plen + 1)) != NULL) {
		r.in_len = plen;
		r.out_len = (CK_ULONG)plen + 1;
		r.prm.pPoR = rcv->por.ud;
		r.prm.ulPoRLen = sizeof rcv->por.ud;
		r.prm.ulStatus = 0xFF;
		CK_RV rv = on_session(obj, in, run_locked, &r);
		rcv->status = (uint8_t)r.prm.ulStatus;
		rcv->por.len = r.prm.ulStatus != 0xFF ? r.prm.ulPoRLen : 0;
		if (rv == CKR_OK) {
			memcpy(msg, r.out, r.out_len);
			*len = r.out_len;
			rcv->accepted = 1;
			res = PF_OBJ16_OK;
		} else {
			withhold_secured_por(&rcv->por);
			pf_inst_refuse(obj, in, "instance %u: SMS discarded (status %02x): %s", iid,
			               rcv->status, pf_ckr_name_str(rv));
			res = r.prm.ulStatus != 0xFF ? PF_OBJ16_BAD_REQUEST : PF_OBJ16_INTERNAL_ERROR;
		}
		pf_free_secret(r.out, plen + 1);
	}
	free(pkt);
	return res;
}

pf_obj16_result pf_obj16_sms_check_por(pf_obj16 *obj, uint16_t iid, const pf_sms_segment *por_ud,
                                       pf_sms_por *por)
{
	pf_inst *in = obj != NULL ? pf_find_inst(obj, iid) : NULL;
	if (in == NULL)
		return PF_OBJ16_NOT_FOUND;
	if (por_ud == NULL || por == NULL || por_ud->len > sizeof por_ud->ud)
		return PF_OBJ16_BAD_REQUEST;
	memset(por, 0, sizeof *por);
	/* the data is never longer than the PoR, which fits one SMS */
	run_ctx r = {.mech = CKM_PORTFOLIO_SCP80_POR_UNWRAP, .in = por_ud->ud, .in_len = por_ud->len,
	             .out = por->data, .out_len = sizeof por->data};
	r.prm.ulStatus = 0xFF;
	CK_RV rv = on_session(obj, in, run_locked, &r);
	por->status = (uint8_t)r.prm.ulStatus;
	por->counter = (uint64_t)r.prm.ulCounterHigh << 32 | r.prm.ulCounterLow;
	if (rv == CKR_OK) {
		por->len = r.out_len;
		return PF_OBJ16_OK;
	}
	pf_inst_refuse(obj, in, "instance %u: SMS PoR refused (status %02x): %s", iid, por->status,
	               pf_ckr_name_str(rv));
	return r.prm.ulStatus != 0xFF ? PF_OBJ16_BAD_REQUEST : PF_OBJ16_INTERNAL_ERROR;
}
