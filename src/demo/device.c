#include "config.h"
#include "demo/device.h"

#include <stdio.h>
#include <string.h>

#include "demo/narrate.h"

pf_obj16_status demo_device_status(pf_obj16 *a, uint16_t iid)
{
	pf_obj16_status st = PF_OBJ16_ERROR;
	if (pf_obj16_read_status(a, iid, &st) != PF_OBJ16_OK)
		return PF_OBJ16_ERROR;
	return st;
}

pf_obj16_result demo_device_execute(pf_obj16 *a, uint16_t iid, const char *payload)
{
	demo_say("server -> EXECUTE /16/%u/1  %s", iid, payload);
	pf_obj16_result r = pf_obj16_execute(a, iid, payload, strlen(payload));
	demo_say("device <- %s        AuthStatus /16/%u/3 = %s", demo_coap(r, PF_OBJ16_OP_EXECUTE), iid,
		 demo_status_name(demo_device_status(a, iid)));
	if (r != PF_OBJ16_OK) {
		char why[200];
		if (pf_obj16_last_error(a, iid, why, sizeof(why)) == PF_OBJ16_OK && why[0] != '\0')
			demo_say("          reason (device log): %s", why);
	}
	return r;
}

pf_obj16_status demo_device_observe(pf_obj16 *a, uint16_t iid)
{
	uint8_t scratch[256];
	size_t len = 0;
	pf_obj16_delivery tag = 0;
	pf_obj16_status st = demo_device_status(a, iid);
	/* The stack's observe evaluation reads the value; it is not a delivery,
	 * so the tag is dropped on purpose. */
	pf_obj16_result r = pf_obj16_read_auth_data(a, iid, scratch, sizeof(scratch), &len, &tag);
	demo_say("device:  observe evaluation of /16/%u/3 reads AuthStatus %s and AuthData (%s), sends nothing",
		 iid, demo_status_name(st), r == PF_OBJ16_OK ? "present" : "absent");
	return demo_device_status(a, iid);
}

pf_obj16_result demo_device_read_deliver(pf_obj16 *a, uint16_t iid, uint8_t *buf, size_t cap, size_t *len)
{
	pf_obj16_delivery tag = 0;
	demo_say("server -> READ /16/%u/2", iid);
	pf_obj16_result r = pf_obj16_read_auth_data(a, iid, buf, cap, len, &tag);
	if (r != PF_OBJ16_OK) {
		demo_say("device <- %s", demo_coap(r, PF_OBJ16_OP_READ));
		return r;
	}
	printf("device <- %s        AuthData /16/%u/2/0 = ", demo_coap(r, PF_OBJ16_OP_READ), iid);
	demo_hex("", buf, *len);
	/* The response has gone out: only now does the value count as
	 * returned to the server (TS: AuthStatus back to IDLE). */
	(void)pf_obj16_delivered(a, iid, tag);
	demo_say("device:  response sent -> delivered; AuthStatus /16/%u/3 = %s", iid,
		 demo_status_name(demo_device_status(a, iid)));
	return r;
}

pf_obj16_result demo_device_write_identity(pf_obj16 *a, uint16_t iid, uint16_t riid, const char *value)
{
	demo_say("server -> WRITE /16/%u/0/%u  \"%s\"", iid, riid, value);
	pf_obj16_result r = pf_obj16_write_identity(a, iid, riid, value, strlen(value));
	demo_say("device <- %s", demo_coap(r, PF_OBJ16_OP_WRITE));
	char back[256];
	size_t len = 0;
	demo_say("server -> READ /16/%u/0/%u", iid, riid);
	pf_obj16_result rr = pf_obj16_read_identity(a, iid, riid, back, sizeof(back) - 1, &len);
	if (rr == PF_OBJ16_OK) {
		back[len] = '\0';
		demo_say("device <- %s        \"%s\"", demo_coap(rr, PF_OBJ16_OP_READ), back);
		if (r == PF_OBJ16_OK && (len != strlen(value) || memcmp(back, value, len) != 0))
			return PF_OBJ16_INTERNAL_ERROR;
	} else {
		demo_say("device <- %s", demo_coap(rr, PF_OBJ16_OP_READ));
	}
	return r;
}
