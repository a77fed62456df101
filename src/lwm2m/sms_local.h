/*
 * sms_local.h - the SMS segmentation of the adapter (sms_segments.c), shared
 * with sms.c and the unit tests.
 */
#ifndef PF_LWM2M_SMS_LOCAL_H
#define PF_LWM2M_SMS_LOCAL_H

#include "portfolio-lwm2m/sms.h"

/* How many SMS a command packet of len bytes takes. */
size_t pf_sms_segments_needed(size_t len);
/* Cuts pkt into exactly count = pf_sms_segments_needed(len) segments; 0 or -1. */
int pf_sms_split(const uint8_t *pkt, size_t len, uint8_t ref, pf_sms_segment *segs, size_t count);
/* Puts the packet of count segments back together; -1 when they are not the
 * parts of one command packet (UDH, reference, total, order, duplicates). */
int pf_sms_join(const pf_sms_segment *segs, size_t count, uint8_t *pkt, size_t cap, size_t *len);

#endif
