/*
 * device.h - the device side of the demo: what an LwM2M stack does with
 * Object 16 when the server's requests arrive, done through the adapter
 * (libportfolio-lwm2m) exactly as a binding would, and narrated.
 */
#ifndef PF_DEMO_DEVICE_H
#define PF_DEMO_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "portfolio-lwm2m/obj16.h"

/* EXECUTE /16/iid/1 with payload; returns the adapter's result. */
pf_obj16_result demo_device_execute(pf_obj16 *a, uint16_t iid, const char *payload);
/* What a stack does when it evaluates an observation of /16/iid/3: it reads
 * AuthStatus and AuthData but sends nothing, so nothing is delivered.
 * Returns AuthStatus. */
pf_obj16_status demo_device_observe(pf_obj16 *a, uint16_t iid);
/* READ /16/iid/2: copies AuthData into buf (*len), and once the 2.05 has
 * "gone out" tells the adapter it was delivered. */
pf_obj16_result demo_device_read_deliver(pf_obj16 *a, uint16_t iid, uint8_t *buf, size_t cap, size_t *len);
/* WRITE /16/iid/0/riid and READ it back. */
pf_obj16_result demo_device_write_identity(pf_obj16 *a, uint16_t iid, uint16_t riid, const char *value);
pf_obj16_status demo_device_status(pf_obj16 *a, uint16_t iid);

#endif
