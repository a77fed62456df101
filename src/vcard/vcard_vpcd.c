/*
 * vcard_vpcd.c - one connection to vpcd: framing, controls, APDUs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vcard/vcard_vpcd.h"
#include "util/secure.h"

/* T=1, no interface bytes beyond TD1/TD2, TCK = 01. */
static const uint8_t ATR[] = {0x3B, 0x80, 0x80, 0x01, 0x01};
#define VPCD_MAX_MSG 65535u

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
	return 0;
}

int vpcd_connect(const char *host, uint16_t port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[8];
	int fd = -1, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV; /* no name lookups: loopback literals only */
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	if (getaddrinfo(host, service, &hints, &res) != 0) {
		errno = EINVAL;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (!is_loopback(ai->ai_addr)) {
			errno = EPERM;
			continue;
		}
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* one APDU = one packet */
	return fd;
}

/* Reads exactly n bytes; 1 done, 0 peer closed, -1 error, 2 interrupted by a flag. */
static int read_full(int fd, uint8_t *buf, size_t n, volatile sig_atomic_t *stop, volatile sig_atomic_t *removed)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t r;
		int pr;

		if (*stop || *removed)
			return 2;
		pr = poll(&p, 1, 200);
		if (pr < 0 && errno != EINTR)
			return -1;
		if (pr <= 0)
			continue;
		r = read(fd, buf + got, n - got);
		if (r == 0)
			return 0;
#ifdef TCP_QUICKACK
		{
			/* vpcd writes the length and the APDU in two writes without
			 * TCP_NODELAY: a delayed ACK here would hold its second write
			 * back by Nagle for ~40 ms per APDU. Linux clears the flag
			 * after use, so it is set again after every read. */
			int one = 1;

			(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		}
#endif
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 1;
}

static int write_msg(int fd, const uint8_t *payload, size_t n)
{
	uint8_t buf[2 + SCP03_MAX_RAPDU];
	size_t done = 0, total = n + 2;

	if (n > SCP03_MAX_RAPDU)
		return -1;
	buf[0] = (uint8_t)(n >> 8);
	buf[1] = (uint8_t)n;
	memcpy(buf + 2, payload, n);
	while (done < total) {
		ssize_t w = send(fd, buf + done, total - done, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			pf_wipe(buf, sizeof(buf));
			return -1;
		}
		done += (size_t)w;
	}
	pf_wipe(buf, sizeof(buf));
	return 0;
}

/* Applies a pending test fault to the answer of a command sent inside the
 * channel (CLA with the secure-messaging bit; answers of 10 bytes or more
 * carry an R-MAC). */
static void apply_fault(vpcd_faults *f, const uint8_t *cmd, uint8_t *out, size_t *out_len)
{
	char word[16] = "";
	FILE *fp;
	int is_protected = (cmd[0] & 0x04) != 0 && *out_len >= 2 + 8;

	if (f == NULL || f->path == NULL || !is_protected)
		return;
	fp = fopen(f->path, "r");
	if (fp != NULL) {
		if (fscanf(fp, "%15s", word) != 1)
			word[0] = '\0';
		fclose(fp);
		(void)unlink(f->path);
	}
	if (strcmp(word, "tamper") == 0) {
		memcpy(f->prev, out, *out_len);
		f->prev_len = *out_len;
		out[*out_len - 3] ^= 0x01; /* the last byte of the R-MAC */
		f->applied++;
		fprintf(stderr, "portfolio-vcard: test fault: R-MAC tampered\n");
		return;
	}
	if (strcmp(word, "replay") == 0 && f->prev_len > 0) {
		uint8_t fresh[SCP03_MAX_RAPDU];
		size_t fresh_len = *out_len;

		memcpy(fresh, out, fresh_len);
		memcpy(out, f->prev, f->prev_len);
		*out_len = f->prev_len;
		memcpy(f->prev, fresh, fresh_len);
		f->prev_len = fresh_len;
		pf_wipe(fresh, sizeof(fresh));
		f->applied++;
		fprintf(stderr, "portfolio-vcard: test fault: previous answer replayed\n");
		return;
	}
	memcpy(f->prev, out, *out_len);
	f->prev_len = *out_len;
}

int vpcd_serve(int fd, vcard_applet *applet, volatile sig_atomic_t *stop, volatile sig_atomic_t *removed,
               vpcd_faults *faults)
{
	static uint8_t msg[VPCD_MAX_MSG];
	uint8_t out[SCP03_MAX_RAPDU];
	uint8_t hdr[2];
	size_t len, out_len;
	int r;

	for (;;) {
		r = read_full(fd, hdr, 2, stop, removed);
		if (r != 1)
			return r == 2 ? 1 : r;
		len = (size_t)hdr[0] << 8 | hdr[1];
		if (len == 0)
			continue;
		r = read_full(fd, msg, len, stop, removed);
		if (r != 1)
			return r == 2 ? 1 : r;
		if (len == 1) {
			switch (msg[0]) {
			case VPCD_CTRL_OFF:
			case VPCD_CTRL_ON:
			case VPCD_CTRL_RESET:
				vcard_applet_reset(applet); /* a reset card forgets channel and login */
				break;
			case VPCD_CTRL_ATR:
				if (write_msg(fd, ATR, sizeof(ATR)) != 0)
					return -1;
				break;
			default:
				break; /* unknown controls are ignored, as vpcd expects no answer */
			}
			continue;
		}
		vcard_applet_process(applet, msg, len, out, &out_len);
		apply_fault(faults, msg, out, &out_len);
		pf_wipe(msg, len);
		r = write_msg(fd, out, out_len);
		pf_wipe(out, sizeof(out));
		if (r != 0)
			return -1;
	}
}
