/*
 * narrate.h - the demo's narration: who speaks (server or device), what goes
 * over the wire, and a tally of the checks the story makes along the way.
 */
#ifndef PF_DEMO_NARRATE_H
#define PF_DEMO_NARRATE_H

#include <stddef.h>
#include <stdint.h>

#include "portfolio-lwm2m/obj16.h"

void demo_section(const char *title);
void demo_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "2.04 Changed", "4.00 Bad Request", ... for an operation's result. */
const char *demo_coap(pf_obj16_result result, pf_obj16_op op);
const char *demo_status_name(pf_obj16_status status);
void demo_hex(const char *label, const uint8_t *data, size_t len);
/* Records one expectation of the story; prints it (printf format) only when
 * it fails. */
void demo_expect(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int demo_failures(void);

#endif
