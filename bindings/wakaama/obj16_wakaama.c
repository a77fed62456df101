/*
 * obj16_wakaama.c - the Wakaama glue for libportfolio-lwm2m: each Wakaama
 * object callback becomes one adapter call. Object 16 semantics (argument
 * grammar, AuthStatus, delivery tags) live in the adapter, not here.
 *
 * Delivery: Wakaama calls the read callback both for READ and during
 * observe evaluation, and has no "response sent" hook. So the read callback
 * only *arms* a delivery (instance, tag, the bytes it encoded); the
 * application's lwm2m_buffer_send hands every outgoing datagram to
 * pf_wakaama_message_sent, which confirms the delivery when a 2.05 Content
 * response or notification carries those AuthData bytes: verbatim (TLV,
 * opaque, CBOR, SenML-CBOR) or base64 / base64url (SenML-JSON, text).
 * AuthData is at least 16 unpredictable bytes, so a chance match is not a
 * practical concern.
 */
#include "obj16_wakaama.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INSTANCES 64

/* The AuthData value a read encoded, kept until a datagram carries it. */
typedef struct armed {
	pf_obj16_delivery tag;
	size_t len;
	uint8_t *data; /* malloc'd, any length */
} armed;

typedef struct binding {
	pf_obj16 *adapter;
	lwm2m_context_t *ctx;
	size_t count;
	uint16_t iids[MAX_INSTANCES];
	armed pending[MAX_INSTANCES];
	pthread_mutex_t lock; /* guards changed[] (the adapter's worker writes it) */
	uint8_t changed[MAX_INSTANCES]; /* bit rid */
} binding;

static binding *of(lwm2m_object_t *o) { return (binding *)o->userData; }

static int slot_of(binding *b, uint16_t iid)
{
	for (size_t i = 0; i < b->count; i++)
		if (b->iids[i] == iid)
			return (int)i;
	return -1;
}

/* ---- read ---- */

static uint8_t encode_identities(binding *b, const pf_obj16_snapshot *s, lwm2m_data_t *d)
{
	lwm2m_data_t *kids;
	size_t n;
	if (d->type == LWM2M_TYPE_MULTIPLE_RESOURCE) {
		kids = d->value.asChildren.array;
		n = d->value.asChildren.count;
	} else {
		n = s->identity_count;
		if (n == 0) {
			lwm2m_data_encode_instances(NULL, 0, d);
			return COAP_205_CONTENT;
		}
		kids = lwm2m_data_new((int)n);
		if (kids == NULL)
			return COAP_500_INTERNAL_SERVER_ERROR;
		for (size_t i = 0; i < n; i++)
			kids[i].id = s->identities[i].riid;
		lwm2m_data_encode_instances(kids, n, d);
	}
	(void)b;
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < s->identity_count && s->identities[k].riid != kids[i].id)
			k++;
		if (k == s->identity_count)
			return COAP_404_NOT_FOUND;
		lwm2m_data_encode_nstring(s->identities[k].value, s->identities[k].len, &kids[i]);
	}
	return COAP_205_CONTENT;
}

static void disarm(armed *a)
{
	if (a->data != NULL)
		OPENSSL_cleanse(a->data, a->len);
	free(a->data);
	memset(a, 0, sizeof(*a));
}

static uint8_t encode_auth_data(binding *b, uint16_t iid, const pf_obj16_snapshot *s, lwm2m_data_t *d)
{
	if (s->status != PF_OBJ16_DATA_AVAIL) {
		if (d->type == LWM2M_TYPE_MULTIPLE_RESOURCE)
			return COAP_404_NOT_FOUND;
		lwm2m_data_encode_instances(NULL, 0, d); /* no instances while not DATA_AVAIL */
		return COAP_205_CONTENT;
	}
	lwm2m_data_t *kid;
	if (d->type == LWM2M_TYPE_MULTIPLE_RESOURCE) {
		if (d->value.asChildren.count != 1 || d->value.asChildren.array[0].id != 0)
			return COAP_404_NOT_FOUND;
		kid = d->value.asChildren.array;
	} else {
		kid = lwm2m_data_new(1);
		if (kid == NULL)
			return COAP_500_INTERNAL_SERVER_ERROR;
		kid->id = 0;
		lwm2m_data_encode_instances(kid, 1, d);
	}
	lwm2m_data_encode_opaque(s->auth_data, s->auth_data_len, kid);
	int i = slot_of(b, iid);
	armed *a = i >= 0 ? &b->pending[i] : NULL;
	if (a != NULL) {
		uint8_t *copy = malloc(s->auth_data_len ? s->auth_data_len : 1);
		if (copy == NULL)
			return COAP_500_INTERNAL_SERVER_ERROR; /* unarmed data would never be delivered */
		memcpy(copy, s->auth_data, s->auth_data_len);
		disarm(a);
		a->tag = s->tag;
		a->len = s->auth_data_len;
		a->data = copy;
	}
	return COAP_205_CONTENT;
}

static uint8_t wk_read(lwm2m_context_t *c, uint16_t iid, int *numDataP, lwm2m_data_t **dataArrayP,
		       lwm2m_object_t *o)
{
	(void)c;
	binding *b = of(o);
	pf_obj16_snapshot *s = NULL;
	pf_obj16_result r = pf_obj16_read_snapshot(b->adapter, iid, &s);
	if (r != PF_OBJ16_OK)
		return pf_obj16_coap_code(r, PF_OBJ16_OP_READ);
	if (*numDataP == 0) {
		/* Whole instance: the readable resources. */
		static const uint16_t ids[] = {0, 2, 3};
		*dataArrayP = lwm2m_data_new(3);
		if (*dataArrayP == NULL) {
			pf_obj16_snapshot_free(s);
			return COAP_500_INTERNAL_SERVER_ERROR;
		}
		*numDataP = 3;
		for (int i = 0; i < 3; i++)
			(*dataArrayP)[i].id = ids[i];
	}
	uint8_t code = COAP_205_CONTENT;
	for (int i = 0; i < *numDataP && code == COAP_205_CONTENT; i++) {
		lwm2m_data_t *d = &(*dataArrayP)[i];
		switch (d->id) {
		case PF_OBJ16_RID_IDENTITY:
			code = encode_identities(b, s, d);
			break;
		case PF_OBJ16_RID_AUTH_DATA:
			code = encode_auth_data(b, iid, s, d);
			break;
		case PF_OBJ16_RID_STATUS:
			if (d->type == LWM2M_TYPE_MULTIPLE_RESOURCE)
				code = COAP_404_NOT_FOUND;
			else
				lwm2m_data_encode_int(s->status, d);
			break;
		case PF_OBJ16_RID_GET_AUTH:
			code = COAP_405_METHOD_NOT_ALLOWED;
			break;
		default:
			code = COAP_404_NOT_FOUND;
		}
	}
	pf_obj16_snapshot_free(s);
	return code;
}

/* ---- write, execute, discover ---- */

/* Counts the Identity instances of the request, checking its shape: only
 * resource 0 is writable. 0 or the CoAP error. */
static uint8_t check_write(int numData, const lwm2m_data_t *data, size_t *count)
{
	*count = 0;
	for (int i = 0; i < numData; i++) {
		const lwm2m_data_t *d = &data[i];
		if (d->id != PF_OBJ16_RID_IDENTITY)
			return d->id <= 3 ? COAP_405_METHOD_NOT_ALLOWED : COAP_404_NOT_FOUND;
		if (d->type != LWM2M_TYPE_MULTIPLE_RESOURCE)
			return COAP_400_BAD_REQUEST;
		for (size_t k = 0; k < d->value.asChildren.count; k++) {
			lwm2m_data_type_t t = d->value.asChildren.array[k].type;
			if (t != LWM2M_TYPE_STRING && t != LWM2M_TYPE_OPAQUE)
				return COAP_400_BAD_REQUEST;
		}
		*count += d->value.asChildren.count;
	}
	return 0;
}

/* The whole request goes to the adapter in one all-or-nothing call, so a
 * Write that fails changes nothing (a Write-Replace that would delete a
 * provisioned identity overwrites none either). */
static uint8_t wk_write(lwm2m_context_t *c, uint16_t iid, int numData, lwm2m_data_t *data, lwm2m_object_t *o,
			lwm2m_write_type_t type)
{
	(void)c;
	binding *b = of(o);
	size_t n = 0;
	uint8_t code = check_write(numData, data, &n);
	if (code != 0)
		return code;
	if (numData == 0)
		return COAP_204_CHANGED; /* no Identity in it: nothing to do */
	pf_obj16_identity_write *w = calloc(n ? n : 1, sizeof(*w));
	if (w == NULL)
		return COAP_500_INTERNAL_SERVER_ERROR;
	size_t k = 0;
	for (int i = 0; i < numData; i++)
		for (size_t j = 0; j < data[i].value.asChildren.count; j++, k++) {
			const lwm2m_data_t *v = &data[i].value.asChildren.array[j];
			w[k].riid = v->id;
			w[k].value = (const char *)v->value.asBuffer.buffer;
			w[k].len = v->value.asBuffer.length;
		}
	int flags = type == LWM2M_WRITE_PARTIAL_UPDATE ? 0 : PF_OBJ16_WRITE_REPLACE;
	code = pf_obj16_coap_code(pf_obj16_write_identities(b->adapter, iid, w, n, flags), PF_OBJ16_OP_WRITE);
	free(w);
	return code;
}

static uint8_t wk_execute(lwm2m_context_t *c, uint16_t iid, uint16_t rid, uint8_t *buffer, int length,
			  lwm2m_object_t *o)
{
	(void)c;
	if (rid != PF_OBJ16_RID_GET_AUTH)
		return rid <= 3 ? COAP_405_METHOD_NOT_ALLOWED : COAP_404_NOT_FOUND;
	if (length < 0)
		return COAP_400_BAD_REQUEST;
	return pf_obj16_coap_code(pf_obj16_execute(of(o)->adapter, iid, (const char *)buffer, (size_t)length),
				  PF_OBJ16_OP_EXECUTE);
}

static uint8_t discover_instances(binding *b, uint16_t iid, lwm2m_data_t *d)
{
	uint16_t riids[256];
	size_t n = 0;
	if (pf_obj16_list_resource_instances(b->adapter, iid, d->id, riids, 256, &n) != PF_OBJ16_OK)
		return COAP_500_INTERNAL_SERVER_ERROR;
	if (n == 0) {
		lwm2m_data_encode_instances(NULL, 0, d);
		return COAP_205_CONTENT;
	}
	lwm2m_data_t *kids = lwm2m_data_new((int)n);
	if (kids == NULL)
		return COAP_500_INTERNAL_SERVER_ERROR;
	for (size_t i = 0; i < n; i++)
		kids[i].id = riids[i];
	lwm2m_data_encode_instances(kids, n, d);
	return COAP_205_CONTENT;
}

static uint8_t wk_discover(lwm2m_context_t *c, uint16_t iid, int *numDataP, lwm2m_data_t **dataArrayP,
			   lwm2m_object_t *o)
{
	(void)c;
	binding *b = of(o);
	if (slot_of(b, iid) < 0)
		return COAP_404_NOT_FOUND;
	if (*numDataP == 0) {
		*dataArrayP = lwm2m_data_new(4);
		if (*dataArrayP == NULL)
			return COAP_500_INTERNAL_SERVER_ERROR;
		*numDataP = 4;
		for (uint16_t i = 0; i < 4; i++)
			(*dataArrayP)[i].id = i;
	}
	for (int i = 0; i < *numDataP; i++) {
		lwm2m_data_t *d = &(*dataArrayP)[i];
		if (d->id > 3)
			return COAP_404_NOT_FOUND;
		if (d->id == PF_OBJ16_RID_IDENTITY || d->id == PF_OBJ16_RID_AUTH_DATA) {
			uint8_t code = discover_instances(b, iid, d);
			if (code != COAP_205_CONTENT)
				return code;
		}
	}
	return COAP_205_CONTENT;
}

static uint8_t wk_create(lwm2m_context_t *c, uint16_t iid, int n, lwm2m_data_t *d, lwm2m_object_t *o)
{
	(void)c; (void)iid; (void)n; (void)d; (void)o;
	return COAP_405_METHOD_NOT_ALLOWED; /* instances are provisioned tokens */
}

static uint8_t wk_delete(lwm2m_context_t *c, uint16_t iid, lwm2m_object_t *o)
{
	(void)c; (void)iid; (void)o;
	return COAP_405_METHOD_NOT_ALLOWED;
}

/* ---- changes and delivery ---- */

void pf_wakaama_changed(void *ctx, uint16_t iid, uint16_t rid)
{
	binding *b = of((lwm2m_object_t *)ctx);
	int i = slot_of(b, iid);
	if (i < 0 || rid > 7)
		return;
	pthread_mutex_lock(&b->lock);
	b->changed[i] |= (uint8_t)(1u << rid);
	pthread_mutex_unlock(&b->lock);
}

void pf_wakaama_flush(lwm2m_object_t *obj)
{
	binding *b = of(obj);
	for (size_t i = 0; i < b->count; i++) {
		pthread_mutex_lock(&b->lock);
		uint8_t bits = b->changed[i];
		b->changed[i] = 0;
		pthread_mutex_unlock(&b->lock);
		for (uint16_t rid = 0; rid < 8 && b->ctx != NULL; rid++) {
			if (!(bits & (1u << rid)))
				continue;
			lwm2m_uri_t uri;
			memset(&uri, 0, sizeof(uri));
			uri.objectId = PF_OBJ16_OBJECT_ID;
			uri.instanceId = b->iids[i];
			uri.resourceId = rid;
			uri.resourceInstanceId = LWM2M_MAX_ID;
			lwm2m_resource_value_changed(b->ctx, &uri);
		}
	}
}

static int contains(const uint8_t *hay, size_t hl, const uint8_t *needle, size_t nl)
{
	if (nl == 0 || nl > hl)
		return 0;
	for (size_t i = 0; i + nl <= hl; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nl) == 0)
			return 1;
	return 0;
}

/* Whether the datagram carries the armed bytes in any LwM2M encoding. */
static int carries(const uint8_t *buf, size_t len, const armed *a)
{
	if (contains(buf, len, a->data, a->len))
		return 1;
	/* Base64 is 4/3 the size: a datagram shorter than that cannot hold it. */
	if (a->len > len || a->len > (size_t)INT_MAX / 2)
		return 0;
	char *b64 = malloc((a->len + 2) / 3 * 4 + 1);
	if (b64 == NULL)
		return 0;
	int n = EVP_EncodeBlock((unsigned char *)b64, a->data, (int)a->len);
	while (n > 0 && b64[n - 1] == '=')
		n--; /* padding differs between encoders */
	int found = contains(buf, len, (const uint8_t *)b64, (size_t)n);
	for (int i = 0; i < n && !found; i++)
		b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	found = found || contains(buf, len, (const uint8_t *)b64, (size_t)n);
	free(b64);
	return found;
}

void pf_wakaama_message_sent(lwm2m_object_t *obj, const uint8_t *buffer, size_t length)
{
	binding *b = of(obj);
	/* CoAP: byte 1 is the code; only 2.05 Content carries a READ response
	 * or a notification. */
	if (length < 4 || buffer[1] != COAP_205_CONTENT)
		return;
	for (size_t i = 0; i < b->count; i++) {
		armed *a = &b->pending[i];
		if (a->tag == 0 || !carries(buffer, length, a))
			continue;
		(void)pf_obj16_delivered(b->adapter, b->iids[i], a->tag);
		disarm(a);
	}
}

/* ---- life cycle ---- */

lwm2m_object_t *pf_wakaama_object_new(void)
{
	lwm2m_object_t *o = lwm2m_malloc(sizeof(*o));
	binding *b = calloc(1, sizeof(*b));
	if (o == NULL || b == NULL) {
		lwm2m_free(o);
		free(b);
		return NULL;
	}
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&b->lock, NULL);
	o->objID = PF_OBJ16_OBJECT_ID;
	o->versionMajor = 1;
	o->versionMinor = 0;
	o->readFunc = wk_read;
	o->writeFunc = wk_write;
	o->executeFunc = wk_execute;
	o->discoverFunc = wk_discover;
	o->createFunc = wk_create;
	o->deleteFunc = wk_delete;
	o->userData = b;
	return o;
}

int pf_wakaama_set_adapter(lwm2m_object_t *obj, pf_obj16 *adapter)
{
	binding *b = of(obj);
	size_t n = 0;
	pf_obj16_result r = pf_obj16_list_instances(adapter, b->iids, MAX_INSTANCES, &n);
	if (r != PF_OBJ16_OK)
		return -1;
	b->adapter = adapter;
	b->count = n;
	for (size_t i = n; i-- > 0;) {
		lwm2m_list_t *node = lwm2m_malloc(sizeof(*node));
		if (node == NULL)
			return -1;
		memset(node, 0, sizeof(*node));
		node->id = b->iids[i];
		obj->instanceList = LWM2M_LIST_ADD(obj->instanceList, node);
	}
	return 0;
}

void pf_wakaama_attach(lwm2m_object_t *obj, lwm2m_context_t *ctx) { of(obj)->ctx = ctx; }

void pf_wakaama_object_free(lwm2m_object_t *obj)
{
	if (obj == NULL)
		return;
	binding *b = of(obj);
	LWM2M_LIST_FREE(obj->instanceList);
	if (b != NULL) {
		for (size_t i = 0; i < MAX_INSTANCES; i++)
			disarm(&b->pending[i]);
		pthread_mutex_destroy(&b->lock);
		free(b);
	}
	lwm2m_free(obj);
}
