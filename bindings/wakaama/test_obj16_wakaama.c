/*
 * test_obj16_wakaama.c - the Wakaama binding driven through Wakaama's own
 * object callbacks and data serialisers, against tests/lwm2m/fake_p11 (fixed
 * vectors). Built by run-test.sh with a Wakaama tree from outside this
 * repository.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_p11.h"
#include "obj16_wakaama.h"

/* ---- the platform functions Wakaama asks of an application ---- */
void *lwm2m_malloc(size_t s) { return malloc(s); }
void lwm2m_free(void *p) { free(p); }
char *lwm2m_strdup(const char *s) { return strdup(s); }
int lwm2m_strncmp(const char *a, const char *b, size_t n) { return strncmp(a, b, n); }
int lwm2m_strcasecmp(const char *a, const char *b) { return strcasecmp(a, b); }
time_t lwm2m_gettime(void) { return time(NULL); }
void lwm2m_printf(const char *f, ...) { (void)f; }
void *lwm2m_connect_server(uint16_t id, void *u) { (void)id; (void)u; return NULL; }
void lwm2m_close_connection(void *s, void *u) { (void)s; (void)u; }
uint8_t lwm2m_buffer_send(void *s, uint8_t *b, size_t l, void *u) { (void)s; (void)b; (void)l; (void)u; return COAP_NO_ERROR; }
int lwm2m_seed(void) { return 4; }
bool lwm2m_session_is_equal(void *a, void *b, void *u) { (void)u; return a == b; }

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static const char *const KAT_AUTH = "711e2337e324b98e0ed5d353e04146df";

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* A 2.05 datagram around a serialised payload, as the client would send. */
static size_t datagram(uint8_t *out, const uint8_t *payload, size_t len)
{
	out[0] = 0x60; /* ver 1, ACK, no token */
	out[1] = COAP_205_CONTENT;
	out[2] = 0x12;
	out[3] = 0x34;
	out[4] = 0xFF;
	memcpy(out + 5, payload, len);
	return 5 + len;
}

static pf_obj16_status status(pf_obj16 *a)
{
	pf_obj16_status s = 99;
	pf_obj16_read_status(a, 0, &s);
	return s;
}

/* READ /16/0/2 through the object, serialised in `format`, then "sent". */
static void read_and_send(lwm2m_object_t *obj, lwm2m_media_type_t format, int send)
{
	lwm2m_data_t *d = lwm2m_data_new(1);
	d->id = PF_OBJ16_RID_AUTH_DATA;
	int n = 1;
	CHECK(obj->readFunc(NULL, 0, &n, &d, obj) == COAP_205_CONTENT);
	CHECK(d->type == LWM2M_TYPE_MULTIPLE_RESOURCE && d->value.asChildren.count == 1);
	uint8_t want[16];
	unhex(KAT_AUTH, want);
	CHECK(d->value.asChildren.array[0].value.asBuffer.length == 16);
	CHECK(memcmp(d->value.asChildren.array[0].value.asBuffer.buffer, want, 16) == 0);
	lwm2m_uri_t uri;
	LWM2M_URI_RESET(&uri);
	uri.objectId = 16;
	uri.instanceId = 0;
	uri.resourceId = 2;
	uint8_t *payload = NULL;
	int len = lwm2m_data_serialize(&uri, n, d, &format, &payload);
	CHECK(len > 0);
	if (send && len > 0) {
		uint8_t dg[1024];
		pf_wakaama_message_sent(obj, dg, datagram(dg, payload, (size_t)len));
	}
	lwm2m_free(payload);
	lwm2m_data_free(n, d);
}

int main(void)
{
	fake_reset();
	fake_token *t = fake_add_token(0);
	fake_add_identity(t, 3, "HostSwV-1.0", 1);
	fake_add_identity(t, 2, "HostMod-X", 1);
	fake_add_key(t, 0, 0, "2b7e151628aed2a6abf7158809cf4f3c");

	lwm2m_context_t *ctx = lwm2m_init(NULL);
	lwm2m_object_t *obj = pf_wakaama_object_new();
	pf_obj16_config c;
	memset(&c, 0, sizeof(c));
	c.user_pin = "1234";
	c.changed = pf_wakaama_changed;
	c.ctx = obj;
	pf_obj16 *a = pf_obj16_new(fake_function_list(), &c);
	CHECK(a != NULL);
	CHECK(pf_wakaama_set_adapter(obj, a) == 0);
	pf_wakaama_attach(obj, ctx);
	CHECK(obj->instanceList != NULL && obj->instanceList->id == 0 && obj->instanceList->next == NULL);

	/* Execute through the object: the raw payload goes to the strict parser. */
	const char *args = "0='0',1='3',2='0x2345178',3='0'";
	CHECK(obj->executeFunc(NULL, 0, 1, (uint8_t *)args, (int)strlen(args), obj) == COAP_204_CHANGED);
	CHECK(obj->executeFunc(NULL, 0, 1, (uint8_t *)"0=0", 3, obj) == COAP_400_BAD_REQUEST);
	CHECK(obj->executeFunc(NULL, 0, 2, (uint8_t *)args, (int)strlen(args), obj) == COAP_405_METHOD_NOT_ALLOWED);
	CHECK(status(a) == PF_OBJ16_DATA_AVAIL);
	pf_wakaama_flush(obj);

	/* Observe evaluation: read, nothing sent -> still DATA_AVAIL. */
	read_and_send(obj, LWM2M_CONTENT_TLV, 0);
	CHECK(status(a) == PF_OBJ16_DATA_AVAIL);
	/* An unrelated 2.05 going out does not deliver. */
	uint8_t dg[64];
	pf_wakaama_message_sent(obj, dg, datagram(dg, (const uint8_t *)"hello world, not it", 19));
	CHECK(status(a) == PF_OBJ16_DATA_AVAIL);
	/* The READ response (TLV) goes out -> delivered -> IDLE. */
	read_and_send(obj, LWM2M_CONTENT_TLV, 1);
	CHECK(status(a) == PF_OBJ16_IDLE);

	/* Same with SenML-JSON (base64url) and SenML-CBOR (raw). */
	static const lwm2m_media_type_t formats[] = {LWM2M_CONTENT_SENML_JSON, LWM2M_CONTENT_SENML_CBOR};
	for (size_t i = 0; i < 2; i++) {
		CHECK(obj->executeFunc(NULL, 0, 1, (uint8_t *)args, (int)strlen(args), obj) == COAP_204_CHANGED);
		read_and_send(obj, formats[i], 1);
		CHECK(status(a) == PF_OBJ16_IDLE);
	}

	/* Whole-instance READ: Identity, AuthData (no instances in IDLE), AuthStatus. */
	int n = 0;
	lwm2m_data_t *d = NULL;
	CHECK(obj->readFunc(NULL, 0, &n, &d, obj) == COAP_205_CONTENT);
	CHECK(n == 3);
	CHECK(d[0].type == LWM2M_TYPE_MULTIPLE_RESOURCE && d[0].value.asChildren.count == 2);
	CHECK(d[2].type == LWM2M_TYPE_INTEGER && d[2].value.asInteger == PF_OBJ16_IDLE);
	lwm2m_data_free(n, d);

	/* Write /16/0/0/5 (partial update) and read it back. */
	lwm2m_data_t *w = lwm2m_data_new(1);
	w->id = 0;
	lwm2m_data_t *kid = lwm2m_data_new(1);
	kid->id = 5;
	lwm2m_data_encode_string("Extra", kid);
	lwm2m_data_encode_instances(kid, 1, w);
	CHECK(obj->writeFunc(NULL, 0, 1, w, obj, LWM2M_WRITE_PARTIAL_UPDATE) == COAP_204_CHANGED);
	lwm2m_data_free(1, w);
	char buf[16];
	size_t bl = 0;
	CHECK(pf_obj16_read_identity(a, 0, 5, buf, sizeof(buf), &bl) == PF_OBJ16_OK && bl == 5 && memcmp(buf, "Extra", 5) == 0);
	/* Writes to AuthStatus are refused. */
	w = lwm2m_data_new(1);
	w->id = 3;
	lwm2m_data_encode_int(1, w);
	CHECK(obj->writeFunc(NULL, 0, 1, w, obj, LWM2M_WRITE_PARTIAL_UPDATE) == COAP_405_METHOD_NOT_ALLOWED);
	lwm2m_data_free(1, w);

	/* Discover lists the four resources and the Identity instances. */
	n = 0;
	d = NULL;
	CHECK(obj->discoverFunc(NULL, 0, &n, &d, obj) == COAP_205_CONTENT);
	CHECK(n == 4 && d[0].value.asChildren.count == 3);
	lwm2m_data_free(n, d);
	CHECK(obj->createFunc(NULL, 1, 0, NULL, obj) == COAP_405_METHOD_NOT_ALLOWED);

	pf_obj16_free(a);
	pf_wakaama_object_free(obj);
	lwm2m_close(ctx);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
