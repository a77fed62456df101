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

/* Serves the connection until the peer closes (returns 0), an I/O error (-1), or
 * *stop / *removed becomes non-zero (returns 1). Polls so the flags are seen within
 * 200 ms. */
int vpcd_serve(int fd, vcard_applet *applet, volatile sig_atomic_t *stop, volatile sig_atomic_t *removed);

#endif
