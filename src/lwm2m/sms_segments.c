/*
 * sms_segments.c - one SCP80 command packet in SMS-PP user data, and back
 * (3GPP TS 31.115, TS 23.040): the UDH carries the command packet element
 * (IEI 70, empty) in the first segment and, when the packet needs more than
 * one SMS, the 8-bit concatenation element (IEI 00: ref, total, seq) in
 * every segment.
 *   single:  02 70 00 | packet                     (up to 137 bytes)
 *   first:   07 00 03 ref n 01 70 00 | 132 bytes
 *   others:  05 00 03 ref n seq | 134 bytes
 */
#include "config.h"

#include <string.h>

#include "lwm2m/sms_local.h"

#define FIRST_ROOM (PF_SMS_USER_DATA - 8)
#define OTHER_ROOM (PF_SMS_USER_DATA - 6)
#define SINGLE_ROOM (PF_SMS_USER_DATA - 3)

size_t pf_sms_segments_needed(size_t len)
{
	if (len <= SINGLE_ROOM)
		return 1;
	return 1 + (len - FIRST_ROOM + OTHER_ROOM - 1) / OTHER_ROOM;
}

int pf_sms_split(const uint8_t *pkt, size_t len, uint8_t ref, pf_sms_segment *segs, size_t count)
{
	if (count != pf_sms_segments_needed(len) || count > PF_SMS_MAX_SEGMENTS)
		return -1;
	if (count == 1) {
		static const uint8_t udh[3] = {0x02, 0x70, 0x00};
		memcpy(segs[0].ud, udh, sizeof udh);
		memcpy(segs[0].ud + 3, pkt, len);
		segs[0].len = 3 + len;
		return 0;
	}
	size_t off = 0;
	for (size_t i = 0; i < count; i++) {
		uint8_t *u = segs[i].ud;
		size_t h = i == 0 ? 8 : 6, room = i == 0 ? FIRST_ROOM : OTHER_ROOM;
		size_t n = len - off < room ? len - off : room;
		u[0] = (uint8_t)(h - 1);
		u[1] = 0x00;
		u[2] = 0x03;
		u[3] = ref;
		u[4] = (uint8_t)count;
		u[5] = (uint8_t)(i + 1);
		if (i == 0) {
			u[6] = 0x70;
			u[7] = 0x00;
		}
		memcpy(u + h, pkt + off, n);
		segs[i].len = h + n;
		off += n;
	}
	return 0;
}

/* One segment's UDH: the concatenation element (seq 0 when absent), whether
 * it marks a command packet, and where the packet bytes start. */
typedef struct udh_info {
	int concat, command;
	uint8_t ref, total, seq;
	size_t body;
} udh_info;

static int read_udh(const pf_sms_segment *s, udh_info *u)
{
	memset(u, 0, sizeof *u);
	if (s->len < 1 || s->len > PF_SMS_USER_DATA || (size_t)s->ud[0] + 1 > s->len)
		return -1;
	size_t end = (size_t)s->ud[0] + 1;
	for (size_t p = 1; p < end;) {
		if (p + 2 > end || p + 2 + s->ud[p + 1] > end)
			return -1;
		uint8_t iei = s->ud[p], l = s->ud[p + 1];
		if (iei == 0x00 && l == 3) {
			u->concat = 1;
			u->ref = s->ud[p + 2];
			u->total = s->ud[p + 3];
			u->seq = s->ud[p + 4];
		} else if (iei == 0x70 && l == 0) {
			u->command = 1;
		}
		p += 2u + l;
	}
	u->body = end;
	return 0;
}

int pf_sms_join(const pf_sms_segment *segs, size_t count, uint8_t *pkt, size_t cap, size_t *len)
{
	udh_info first, u;
	size_t off = 0;

	if (count == 0 || count > PF_SMS_MAX_SEGMENTS || read_udh(&segs[0], &first) != 0)
		return -1;
	if (count == 1 && !first.concat) {
		if (!first.command || segs[0].len - first.body > cap)
			return -1;
		memcpy(pkt, segs[0].ud + first.body, segs[0].len - first.body);
		*len = segs[0].len - first.body;
		return 0;
	}
	/* concatenated: every part once, in seq order, of one ref and total */
	for (size_t seq = 1; seq <= count; seq++) {
		const pf_sms_segment *hit = NULL;
		for (size_t i = 0; i < count; i++) {
			if (read_udh(&segs[i], &u) != 0 || !u.concat || u.ref != first.ref ||
			    u.total != count || u.seq < 1 || u.seq > count)
				return -1;
			if (u.seq == seq) {
				if (hit != NULL || (seq == 1) != (u.command != 0))
					return -1; /* twice, or the packet element misplaced */
				hit = &segs[i];
				if (hit->len - u.body > cap - off)
					return -1;
				memcpy(pkt + off, hit->ud + u.body, hit->len - u.body);
				off += hit->len - u.body;
			}
		}
		if (hit == NULL)
			return -1;
	}
	*len = off;
	return 0;
}
