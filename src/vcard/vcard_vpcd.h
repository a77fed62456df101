/*
 * vcard_vpcd.h - the vpcd socket protocol (vsmartcard): each message is a
 * 2-byte big-endian length and a payload. A 1-byte payload is a control
 * (00 power off, 01 power on, 02 reset, 04 get ATR: only 04 is answered),
 * anything longer a C-APDU answered by an R-APDU.
 */
#ifndef PORTFOLIO_VCARD_VPCD_H
#define PORTFOLIO_VCARD_VPCD_H

#include <signal.h>
#include <stdint.h>

#include "vcard/vcard.h"

#define VPCD_CTRL_OFF   0x00
#define VPCD_CTRL_ON    0x01
#define VPCD_CTRL_RESET 0x02
#define VPCD_CTRL_ATR   0x04

/* Connects to a loopback host:port; -1 (errno set) on failure or a non-loopback address. */
int vpcd_connect(const char *host, uint16_t port);

/* Test faults, for checking that the host refuses a bad secure-messaging
 * response (--fault-file). Before answering a command sent inside the channel,
 * the daemon looks for the file; if it is there, it is read and deleted, and
 * its first word applies to that one answer:
 *   tamper  one bit of the R-MAC is flipped;
 *   replay  the previous protected answer is sent again instead.
 * Off (path NULL) in normal use. */
typedef struct vpcd_faults {
	const char *path;
	uint8_t prev[SCP03_MAX_RAPDU]; /* the last protected answer sent, for replay */
	size_t prev_len;
	unsigned long applied;         /* how many faults were injected */
} vpcd_faults;

/* Serves the connection until the peer closes (returns 0), an I/O error (-1), or
 * *stop / *removed becomes non-zero (returns 1). Polls so the flags are seen within
 * 200 ms. faults may be NULL. */
int vpcd_serve(int fd, vcard_applet *applet, volatile sig_atomic_t *stop, volatile sig_atomic_t *removed,
               vpcd_faults *faults);

#endif
